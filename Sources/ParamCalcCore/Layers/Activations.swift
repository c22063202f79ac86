// Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.
// Source: keras/src/layers/activations/*.py (Keras 3). Only PReLU has weights.

let activationExamples = [
  LayerExample("(None,25)", "add relu max_value=6"), LayerExample("(None,25)", "add leakyrelu"),
  LayerExample("(10,8)", "add prelu"), LayerExample("(None,25)", "add elu"),
  LayerExample("(None,10)", "add softmax"),
]

/// The arguments of the activation layers, each declared once for `help` and for reading.
enum ActivationArguments {
  static let big = Double.greatestFiniteMagnitude
  static let maxValue = ArgumentSpec(
    "max_value", .number(0...big), default: .none, .neither, "upper cap of the output")
  static let reluSlope = ArgumentSpec(
    "negative_slope", .number(0...big), default: 0.0, .neither, "slope below the threshold")
  static let threshold = ArgumentSpec(
    "threshold", .number(-big...big), default: 0.0, .neither, "where the function turns")
  static let leakySlope = ArgumentSpec(
    "negative_slope", .number(0...big), default: 0.3, .neither,
    "slope for x < 0 (a fixed number, not learned)")
  static let leakyAlpha = ArgumentSpec(
    "alpha", .number(0...big), default: 0.3, .neither, "the former name of negative_slope")
  static let sharedAxes = ArgumentSpec(
    "shared_axes", .integerTuple, default: .none, .count,
    "axes (1 = first after the batch) that share one slope")
  static let eluAlpha = ArgumentSpec(
    "alpha", .number(-big...big), default: 1.0, .neither, "scale of the negative part (fixed)")
  static let axis = ArgumentSpec(
    "axis", .integerTuple, default: -1, .neither, "the axis normalised")
}

let activationLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "ReLU", family: "Activation",
    summary: "max(x, 0), optionally capped and leaky; no weights",
    source: "layers/activations/relu.py",
    arguments: [
      ActivationArguments.maxValue, ActivationArguments.reluSlope, ActivationArguments.threshold,
    ],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let cap = try r.optionalNumber(ActivationArguments.maxValue)
      let slope = try r.number(ActivationArguments.reluSlope)
      let threshold = try r.number(ActivationArguments.threshold)
      return Identity(
        typeName: "ReLU",
        why:
          "ReLU has no weights: \(reluFunction(cap: cap, slope: slope, threshold: threshold)) needs no learned numbers."
      )
    }),
  LayerDescriptor(
    name: "LeakyReLU", family: "Activation",
    summary: "x for x > 0, negative_slope * x otherwise; no weights",
    source: "layers/activations/leaky_relu.py",
    arguments: [ActivationArguments.leakySlope, ActivationArguments.leakyAlpha],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      _ = try r.number(ActivationArguments.leakyAlpha)
      _ = try r.number(ActivationArguments.leakySlope)
      return Identity(
        typeName: "LeakyReLU",
        why: "LeakyReLU has no weights: its negative_slope is fixed, not learned (PReLU learns it)."
      )
    }),
  LayerDescriptor(
    name: "PReLU", family: "Activation",
    summary: "a leaky ReLU whose slope for x < 0 is learned, one per input position unless shared",
    source: "layers/activations/prelu.py", arguments: [ActivationArguments.sharedAxes],
    inert: ["alpha_initializer", "alpha_regularizer", "alpha_constraint"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let shared = try r.optionalIntTuple(ActivationArguments.sharedAxes)
      return PReLU(sharedAxes: shared?.values ?? [])
    }),
  LayerDescriptor(
    name: "ELU", family: "Activation",
    summary: "x for x > 0, alpha * (exp(x) - 1) otherwise; no weights",
    source: "layers/activations/elu.py", arguments: [ActivationArguments.eluAlpha],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      _ = try r.number(ActivationArguments.eluAlpha)
      return Identity(typeName: "ELU", why: "ELU has no weights: its alpha is fixed, not learned.")
    }),
  LayerDescriptor(
    name: "Softmax", family: "Activation",
    summary: "exponentials normalised to sum to 1 along an axis; no weights",
    source: "layers/activations/softmax.py", arguments: [ActivationArguments.axis],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let axis = try r.intTuple(ActivationArguments.axis).values
      return Softmax(axes: axis)
    }),
]

/// Keras's ReLU with its arguments, as a function of x: `max(x, 0)`, `min(max(x, 0), 6)`, or
/// in general x from the threshold up (capped), negative_slope * (x - threshold) below it.
func reluFunction(cap: Double?, slope: Double, threshold: Double) -> String {
  func n(_ v: Double) -> String {
    v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
  }
  if slope == 0 && threshold == 0 {
    return cap.map { "min(max(x, 0), \(n($0)))" } ?? "max(x, 0)"
  }
  let above = cap.map { "min(x, \(n($0)))" } ?? "x"
  let below = slope == 0 ? "0" : "\(n(slope)) * (x - \(n(threshold)))"
  return "\(above) for x >= \(n(threshold)), \(below) below (a fixed function)"
}

struct Softmax: LayerModel {
  let axes: [Int]
  var typeName: String { "Softmax" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let rank = input.rank + 1
    for a in axes where a >= rank || a < -rank {
      throw .reason("axis \(a) is out of bounds for an input of rank \(rank) \(input.description)")
    }
    return try Inference(output: input)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    .noWeights(
      "Softmax has no weights: exp(x) / sum(exp(x)) needs no learned numbers.",
      shapeRule: "output shape = input shape \(input.description)")
  }
}

struct PReLU: LayerModel {
  let sharedAxes: [Int]
  var typeName: String { "PReLU" }

  func alphaShape(_ input: Shape) throws(Refusal) -> [Int] {
    var dims = input.dims
    for a in sharedAxes {
      guard a >= 1 && a <= dims.count else {
        throw .reason(
          "shared_axes=\(a) is not an axis of the input \(input.description): axes are 1 to \(dims.count)"
        )
      }
      dims[a - 1] = 1
    }
    var out: [Int] = []
    for d in dims {
      guard let d else {
        throw .reason(
          "shapes used to initialize variables must be fully-defined (no None dimensions): alpha would have shape "
            + "(" + dims.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + ")"
            + "; share the unknown axes with shared_axes")
      }
      out.append(d)
    }
    return out
  }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    try Inference(output: input, weights: [try Weight("alpha", try alphaShape(input))])
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let shape = inference.weights.first?.shape ?? []
    var terms: [Term] = []
    for (i, d) in shape.enumerated() {
      let shared = sharedAxes.contains(i + 1)
      terms.append(
        Term(
          "axis_\(i + 1)", d, shared ? .argument : .inputShape,
          shared
            ? "axis \(i + 1) is in shared_axes: one slope serves all its positions"
            : "axis \(i + 1) of the input: a separate slope at each of its positions"))
    }
    return Explanation(
      formula: shape.indices.map { "axis_\($0 + 1)" }.joined(separator: " * "),
      terms: terms,
      shapeRule: "output shape = input shape \(input.description)",
      notes: ["alpha has the input's shape (batch excluded) with every shared axis set to 1"])
  }
}

let activationFamily = LayerFamily(
  "Activation",
  note: """
    Activation layers keep the shape of their input. Only PReLU has weights: one slope (alpha) \
    per input position, alpha having the input's shape without the batch, each axis listed in \
    `shared_axes` (1-based) set to 1; an unknown axis that is not shared is refused, as it \
    cannot size alpha.
    """)
