// Core layers: Dense, Embedding, Flatten, Reshape, Dropout, Activation.
// Sources: keras/src/layers/core/dense.py, embedding.py; reshaping/flatten.py, reshape.py;
// regularization/dropout.py; activations/activation.py (Keras 3).

let denseExample = LayerExample("(None,25)", "add dense units=64")
let embeddingExample = LayerExample("(12,)", "add embedding input_dim=1000 output_dim=64")
let reshapeExample = LayerExample("(8,4)", "add reshape target_shape=(4,8)")
let dropoutExample = LayerExample("(None,25)", "add dropout rate=0.5")
let activationExample = LayerExample("(None,25)", "add activation activation=relu")
let coreExamples = [
  denseExample, embeddingExample, LayerExample("(9,9,16)", "add flatten"), reshapeExample,
  dropoutExample, activationExample,
]

/// The arguments of the core layers, each declared once for `help` and for reading.
enum CoreArguments {
  static let units = ArgumentSpec(
    "units", .integer(min: 1), default: .required, .count, "number of output units")
  static let useBias = ArgumentSpec(
    "use_bias", .bool, default: true, .count, "add one bias per unit")
  static let inputDim = ArgumentSpec(
    "input_dim", .integer(min: 1), default: .required, .count,
    "vocabulary size: how many token ids")
  static let outputDim = ArgumentSpec(
    "output_dim", .integer(min: 1), default: .required, .count, "length of each token's vector")
  static let targetShape = ArgumentSpec(
    "target_shape", .integerTuple, default: .required, .shape,
    "the new shape without the batch, e.g. (4,8) or (-1,8)")
  static let rate = ArgumentSpec(
    "rate", .number(0...1), default: .required, .neither, "fraction of inputs dropped, 0 to 1")
  static let activation = ArgumentSpec(
    "activation", .activation, default: .required, .neither,
    "the function, e.g. relu, tanh, gelu")
}

/// `quantization_config` of Dense, EinsumDense, Embedding and ReversibleEmbedding (Keras 3.15):
/// how the layer would be quantized. Alone it changes nothing: Keras quantizes a layer only when
/// its dtype policy says so (`quantize()` or a quantized dtype), and builds the same weights with
/// a config as without one; so it is accepted without effect, whatever its value.
let quantizationConfigArgument = "quantization_config"

let coreLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "Dense", family: "Core",
    summary: "fully connected: every output unit sees every input feature of the last axis",
    source: "layers/core/dense.py",
    arguments: [CoreArguments.units, CoreArguments.useBias, loraRankArgument],
    inert: kernelInertArguments + ["lora_alpha", quantizationConfigArgument],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      return Dense(
        units: try r.int(CoreArguments.units, example: denseExample.add),
        useBias: try r.bool(CoreArguments.useBias),
        lora: try r.loraRank(constraint: "kernel_constraint", what: "kernel"))
    }),
  LayerDescriptor(
    name: "Embedding", family: "Core",
    summary: "a lookup table: one learned vector of output_dim numbers per token id",
    source: "layers/core/embedding.py",
    arguments: [CoreArguments.inputDim, CoreArguments.outputDim, loraRankArgument],
    // input_length: Keras 2's argument, accepted by Keras 3 with a deprecation warning.
    inert: [
      "embeddings_initializer", "embeddings_regularizer", "embeddings_constraint", "mask_zero",
      "lora_alpha", "weights", "input_length", quantizationConfigArgument,
    ],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      return Embedding(
        inputDim: try r.int(CoreArguments.inputDim, example: embeddingExample.add),
        outputDim: try r.int(CoreArguments.outputDim, example: embeddingExample.add),
        lora: try r.loraRank(constraint: "embeddings_constraint", what: "embedding"))
    }),
  LayerDescriptor(
    name: "Flatten", family: "Core", summary: "joins all dimensions after the batch into one",
    source: "layers/reshaping/flatten.py", arguments: [], inert: ["data_format"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in Flatten() }),
  LayerDescriptor(
    name: "Reshape", family: "Core",
    summary: "the same numbers in a new shape (one dimension may be -1: inferred)",
    source: "layers/reshaping/reshape.py; ops/operation_utils.py",
    arguments: [CoreArguments.targetShape],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let (target, span) = try r.intTuple(CoreArguments.targetShape, example: reshapeExample.add)
      if target.filter({ $0 == -1 }).count > 1 {
        throw .invalidValue(
          argument: "target_shape", message: "at most one dimension can be -1", at: span)
      }
      if target.contains(where: { $0 == 0 || $0 < -1 }) {
        throw .invalidValue(
          argument: "target_shape", message: "dimensions must be positive or -1", at: span)
      }
      return Reshape(target: target)
    }),
  LayerDescriptor(
    name: "Dropout", family: "Core",
    summary: "during training, zeroes a fraction `rate` of its inputs; no weights",
    source: "layers/regularization/dropout.py", arguments: [CoreArguments.rate],
    inert: ["noise_shape", "seed"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let rate = try r.number(CoreArguments.rate, example: dropoutExample.add)
      return Identity(
        typeName: "Dropout",
        why: "Dropout has no weights: \(dropoutSentence(rate, "inputs")).")
    }),
  LayerDescriptor(
    name: "Activation", family: "Core",
    summary:
      "applies an activation function (most act on each number alone; softmax normalises along the last axis); no weights",
    source: "layers/activations/activation.py", arguments: [CoreArguments.activation],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let name = try r.activation(CoreArguments.activation, example: activationExample.add)
      let how: String
      switch name {
      case "softmax", "log_softmax", "sparsemax":
        how = "\(name) normalises along the last axis, over all its values at each position"
      case "glu": how = "glu works along the last axis, gating one half of it by the other"
      default: how = "it applies \(name) to each number on its own"
      }
      return Identity(
        typeName: "Activation", why: "Activation has no weights: \(how).")
    }),
]

/// The activation function an argument names, refused as Keras refuses it ("Could not interpret
/// activation function identifier"): Keras looks the name up as written, so `ReLU` is not `relu`.
/// None is `linear`.
func activationName(_ a: Argument) throws(ParamCalcError) -> String {
  switch a.value {
  case .string(let name):
    guard activationNames.contains(name) else {
      var m = "unknown activation function '\(name)'"
      if let s = Suggestion.nearest(to: name, in: activationNames) {
        m += " (did you mean '\(s)'?)"
      }
      throw .invalidValue(argument: a.key, message: m, at: a.valueSpan)
    }
    return name
  case .none: return "linear"
  default:
    throw .invalidValue(
      argument: a.key,
      message: "expected a function name such as relu, found \(a.value.shown)",
      at: a.valueSpan)
  }
}

/// Activation functions Keras 3 knows by name (keras/src/activations/__init__.py).
let activationNames = [
  "relu", "relu6", "leaky_relu", "elu", "selu", "softplus", "softsign", "soft_shrink",
  "sparse_plus", "silu", "swish", "gelu", "glu", "tanh", "tanh_shrink", "sigmoid",
  "exponential", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "hard_shrink",
  "linear", "mish", "log_softmax", "log_sigmoid", "softmax", "celu", "squareplus", "sparsemax",
  "threshold", "sparse_sigmoid",
]

/// What a dropout does during training and at inference, with its 1/(1 - rate) scaling (Keras's
/// dropout scales the numbers it keeps so that their expected sum is unchanged).
func dropoutSentence(_ rate: Double, _ what: String) -> String {
  let r = Value.format(rate)
  let scale = 1 / (1 - rate)
  let rounded = (scale * 1000).rounded() / 1000
  let factor =
    scale == scale.rounded() && scale < 1e15
    ? "= \(Int(scale))" : (rounded == scale ? "= " : "≈ ") + String(rounded)
  let kept =
    rate >= 1
    ? "so keeps nothing"
    : "scales the rest by 1/(1 - \(r)) \(factor) so their expected sum is unchanged"
  return
    "during training it zeroes a random fraction \(r) of its \(what) and \(kept); at inference it passes its input through"
}

/// The last input dimension, which sizes a kernel: Keras refuses an unknown one.
func knownLast(_ input: Shape, _ layer: String) throws(Refusal) -> Int {
  guard let c = input.last else {
    throw .reason(
      "the last dimension of the input \(input.description) is unknown (None); \(layer) needs it to size its weights"
    )
  }
  return c
}

struct Dense: LayerModel {
  let units: Int
  let useBias: Bool
  /// `lora_rank` when LoRA is on (a positive rank), else nil.
  var lora: Int? = nil
  var typeName: String { "Dense" }

  /// Keras's `enable_lora` (dense.py): the kernel is frozen and `lora_kernel_a` (n, rank) and
  /// `lora_kernel_b` (rank, units) are added after the bias.
  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let n = try knownLast(input, "Dense")
    var w = [try Weight("kernel", [n, units], trainable: lora == nil)]
    if useBias { w.append(try Weight("bias", [units])) }
    if let r = lora {
      w.append(try Weight("lora_kernel_a", [n, r]))
      w.append(try Weight("lora_kernel_b", [r, units]))
    }
    return try Inference(output: input.replacingLast(with: units), weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let n = input.last ?? 0
    var terms = [
      Term(
        "input_features", n, .inputShape,
        "the input's features (last axis): every unit weighs each one"),
      Term("units", units, given.source("units"), "the number of output units (neurons)"),
    ]
    if useBias {
      terms.append(
        Term(
          "1", 1, given.source("use_bias"),
          "the bias: one per unit, added to its sum (use_bias=true)"))
    }
    var formula = useBias ? "(input_features + 1) * units" : "input_features * units"
    var notes: [String] = []
    var parts: [Part] = []
    if let r = lora {
      formula += " + (input_features + units) * lora_rank"
      terms.append(loraTerm(r, a: "input_features", b: "units"))
      notes.append(loraNote(r, frozen: "kernel"))
      parts = loraParts(inference.weights, frozen: "kernel")
    }
    let rank = input.rank
    var rule =
      "\(input.description) -> \(inference.output.description)\nlast axis: \(Format.thousands(n)) replaced by units = \(Format.thousands(units))"
    if rank > 1 {
      rule += "\nDense acts on the last axis only: the same weights at every position of the others"
    }
    return Explanation(
      formula: formula, terms: terms, shapeRule: rule, notes: notes, parts: parts)
  }
}

/// The term `lora_rank` of a layer with LoRA: the factors' shapes in the formula's symbols.
func loraTerm(_ rank: Int, a: String, b: String) -> Term {
  Term(
    "lora_rank", rank, .argument,
    "the rank of the LoRA update: lora_kernel_a has \(a) × lora_rank numbers, lora_kernel_b "
      + "lora_rank × \(b); both are trained")
}

/// What LoRA does to the count, for the notes of Dense, Embedding and the convolutions.
func loraNote(_ rank: Int, frozen: String) -> String {
  "lora_rank=\(Format.thousands(rank)): the \(frozen) is frozen (non-trainable); Keras trains "
    + "instead the two factors, whose product (scaled by lora_alpha / lora_rank) is added to it"
}

/// Each weight of a layer with LoRA as a part, the frozen one said so: the factors as
/// `lora_kernel_a (25, 4) = 25 * 4 = 100`.
func loraParts(_ weights: [Weight], frozen: String) -> [Part] {
  weights.map { w in
    let detail: String
    switch w.name {
    case frozen: detail = "frozen: non-trainable"
    case "bias": detail = "trained"
    default: detail = "LoRA factor, trained"
    }
    return .weight(w, w.shape.map(String.init), detail: detail)
  }
}

struct Flatten: LayerModel {
  var typeName: String { "Flatten" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let n: Int?
    do { n = try input.elementCount() } catch { throw .overflow("the flattened size") }
    return try Inference(output: Shape([n]))
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let dims = input.dims.compactMap { $0.map(String.init) }.joined(separator: " × ")
    let unknown = input.dims.indices.filter { input.dims[$0] == nil }.map { "\($0 + 1)" }
    return .noWeights(
      "Flatten has no weights: it only rearranges the numbers.",
      shapeRule: unknown.isEmpty
        ? "output size = product of the input dimensions = \(dims) = \(inference.output.dims[0]!)"
        : "output size = product of the input dimensions: unknown (None), as axis "
          + unknown.joined(separator: " and ") + " of the input is"
    )
  }
}

struct Reshape: LayerModel {
  let target: [Int]
  var typeName: String { "Reshape" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let total: Int?
    do { total = try input.elementCount() } catch { throw .overflow("the input size") }
    let shown =
      "(" + target.map(String.init).joined(separator: ", ") + (target.count == 1 ? ",)" : ")")
    guard let total else {
      // Keras: with an unknown input size, -1 stays unknown and nothing is checked.
      return try Inference(output: Shape(target.map { $0 == -1 ? nil : $0 }))
    }
    var known = 1
    for d in target where d != -1 {
      do { known = try Checked.multiply(known, d) } catch { throw .overflow("the target size") }
    }
    if !target.contains(-1) {
      if known != total {
        throw .reason(
          "the total size of the tensor must be unchanged: the input has \(total) numbers, target_shape=\(shown) has \(known)"
        )
      }
      return try Inference(output: Shape(target.map { $0 }))
    }
    if total % known != 0 {
      throw .reason(
        "the total size of the tensor must be unchanged: \(total) numbers cannot be divided by the specified dimensions of target_shape=\(shown)"
      )
    }
    return try Inference(output: Shape(target.map { $0 == -1 ? total / known : $0 }))
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    var rule = [
      "\(input.description) -> \(inference.output.description): the same numbers in target_shape"
    ]
    // The count of numbers, and the -1 worked out from it, when the input's sizes are known (the
    // inference checked that the products fit).
    let known = input.dims.compactMap { $0 }
    if known.count == input.rank, !known.isEmpty {
      let total = known.reduce(1, *)
      rule.append(
        "numbers per sample: "
          + (known.count > 1
            ? known.map { Format.thousands($0) }.joined(separator: " × ") + " = " : "")
          + Format.thousands(total))
      if let i = target.firstIndex(of: -1), let inferred = inference.output.dims[i] {
        let others = target.filter { $0 != -1 }
        let divisor =
          others.isEmpty
          ? "1" : others.map { Format.thousands($0) }.joined(separator: " × ")
        rule.append(
          "axis \(i + 1) (-1): \(Format.thousands(total)) / "
            + (others.count > 1 ? "(\(divisor))" : divisor) + " = \(Format.thousands(inferred))")
      }
    } else if target.contains(-1) {
      rule.append("-1 stays unknown (None): the input's size is not known")
    }
    return .noWeights(
      "Reshape has no weights: the same numbers, arranged differently.",
      shapeRule: rule.joined(separator: "\n"))
  }
}

let coreFamily = LayerFamily(
  "Core",
  note: """
    A Dense on a rank-3 input `(None, 10, 64)` uses the same kernel at every position: the count \
    does not depend on the 10. An unknown last dimension cannot size a kernel: Keras refuses it \
    ("Shapes used to initialize variables must be fully-defined"). Flatten's output is the \
    product of the input's dimensions, None if any is; Reshape's `target_shape` may hold one \
    `-1`, inferred, and the sizes must match when known (`compute_reshape_output_shape` in \
    `ops/operation_utils.py`). Dropout scales the numbers it keeps by 1/(1 - rate) during \
    training, so that their expected sum is unchanged. Identity and Masking pass their input \
    through; Masking also marks the steps whose features all equal `mask_value`, for the \
    layers that read masks (the recurrent ones) to skip.
    """)
