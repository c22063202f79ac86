// Operations on tensors: what Keras keeps in a model's graph when a model is written with
// `keras.ops` or with Python's operators on tensors (`x + 3.0`, `x * y`): a node of module
// keras.src.ops (class Add, Multiply, ...) with no weights. `add operation op=add from a,b`
// adds two tensors; `add operation op=add constant=3.0` adds a number to each element;
// `add operation op=relu6` applies a function to each element.
// Source: keras/src/ops/numpy.py, keras/src/ops/nn.py, keras/src/ops/operation_utils.py
// (broadcast_shapes) (Keras 3).

let tensorOperationExamples = [
  LayerExample("(4,8)", "add operation op=multiply from input,input")
]

let tensorOperationFamily = LayerFamily(
  "Operations",
  note: """
    An operation on tensors (keras.ops.add, x * y, keras.ops.relu6) is no layer, but Keras \
    keeps it in a model's graph under its class (Add, Multiply, Relu6) and shows it in the \
    summary; it has no weights. `add operation op=NAME` places one: on two tensors \
    (`from a,b`), on one tensor and a number (`constant=3.0`), or on one tensor (a function of \
    each element). Two shapes are broadcast from the last axis, the batch axis included: equal \
    sizes, or a 1 repeated to match; None takes the other size.
    """)

/// The arguments of an operation, each declared once.
enum TensorOperationArguments {
  static let op = ArgumentSpec(
    "op", .text("an operation of keras.ops, e.g. add, multiply, relu6"), default: .required,
    .shape, "the operation of keras.ops (its name as keras.ops spells it)")
  static let constant = ArgumentSpec(
    "constant", .number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude),
    default: .none, .neither,
    "the number a two-operand operation takes in place of a second tensor (x + 3.0)")
}

/// One operation of keras.ops that paramcalc places: its name in keras.ops, its class in the
/// model file, its module, how many tensors it takes and what it does to each element.
struct TensorOperationKind: Sendable {
  let op: String
  let className: String
  let module: String
  let operands: Int
  let what: String

  /// The operations paramcalc places (those the keras.applications models use, and the other
  /// common element-wise ones).
  static let all: [TensorOperationKind] = [
    .init("add", "Add", 2, "adds its two operands"),
    .init("subtract", "Subtract", 2, "subtracts its second operand from its first"),
    .init("multiply", "Multiply", 2, "multiplies its two operands"),
    .init("divide", "Divide", 2, "divides its first operand by its second"),
    .init("true_divide", "TrueDivide", 2, "divides its first operand by its second"),
    .init("power", "Power", 2, "raises its first operand to the power of its second"),
    .init("maximum", "Maximum", 2, "takes the larger of its two operands"),
    .init("minimum", "Minimum", 2, "takes the smaller of its two operands"),
    .init("negative", "Negative", 1, "negates each element"),
    .init("abs", "Absolute", 1, "takes the absolute value of each element"),
    .init("square", "Square", 1, "squares each element"),
    .init("sqrt", "Sqrt", 1, "takes the square root of each element"),
    .init("exp", "Exp", 1, "takes e to the power of each element"),
    .init("tanh", "Tanh", 1, "takes the hyperbolic tangent of each element"),
    .init("relu", "Relu", 1, "applies relu to each element", nn: true),
    .init("relu6", "Relu6", 1, "applies relu6 (min(max(x, 0), 6)) to each element", nn: true),
    .init("sigmoid", "Sigmoid", 1, "applies the sigmoid to each element", nn: true),
    .init("hard_sigmoid", "HardSigmoid", 1, "applies hard_sigmoid to each element", nn: true),
    .init("hard_silu", "HardSilu", 1, "applies hard_silu (hard swish) to each element", nn: true),
    .init("silu", "Silu", 1, "applies silu (swish) to each element", nn: true),
    .init("softplus", "Softplus", 1, "applies softplus to each element", nn: true),
  ]

  init(_ op: String, _ className: String, _ operands: Int, _ what: String, nn: Bool = false) {
    self.op = op
    self.className = className
    self.module = nn ? "keras.src.ops.nn" : "keras.src.ops.numpy"
    self.operands = operands
    self.what = what
  }

  static func named(_ op: String) -> TensorOperationKind? { all.first { $0.op == op } }

  /// The operation a model file names by its module and class.
  static func of(module: String, className: String) -> TensorOperationKind? {
    all.first { $0.module == module && $0.className == className }
  }
}

let tensorOperationLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "Operation", family: "Operations",
    summary:
      "an operation of keras.ops on tensors (x + y, x * 3.0, relu6(x)) as Keras keeps it in a graph; no weights",
    source: "ops/numpy.py",
    arguments: [TensorOperationArguments.op, TensorOperationArguments.constant],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let (name, span) = try r.text(
        TensorOperationArguments.op, example: tensorOperationExamples[0].add)
      guard let kind = TensorOperationKind.named(name) else {
        let names = TensorOperationKind.all.map(\.op)
        var message =
          "paramcalc places these operations of keras.ops: " + names.joined(separator: ", ")
          + "; found '\(name)'"
        if let near = Suggestion.nearest(to: name, in: names) {
          message += " (did you mean '\(near)'?)"
        }
        throw .invalidValue(argument: "op", message: message, at: span)
      }
      let constantSpan = r.arguments.first { $0.key == "constant" }?.span ?? span
      let constant = try r.optionalNumber(TensorOperationArguments.constant)
      if constant != nil && kind.operands == 1 {
        throw .invalidValue(
          argument: "constant",
          message: "keras.ops.\(kind.op) takes one tensor and no second operand", at: constantSpan,
          hint: "leave constant out: 'add operation op=\(kind.op)'")
      }
      return TensorOperation(kind: kind, constant: constant)
    })
]

/// An operation on tensors: no weights; the output is its operands broadcast together.
struct TensorOperation: MergeModel {
  let kind: TensorOperationKind
  let constant: Double?
  var typeName: String { kind.className }

  /// One tensor is all it reads when it takes one, or a number in place of the second.
  var readsOneAlone: Bool { kind.operands == 1 || constant != nil }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    guard readsOneAlone else {
      throw .reason(
        "keras.ops.\(kind.op) takes two operands: name two tensors with 'from a,b', or give "
          + "a number with constant=")
    }
    return try Inference(output: input)
  }

  func infer(inputs: [Shape]) throws(Refusal) -> Inference {
    if inputs.count == 1 { return try infer(inputs[0]) }
    let wanted = readsOneAlone ? 1 : 2
    guard inputs.count == wanted else {
      throw .reason(
        "keras.ops.\(kind.op) takes \(wanted == 1 ? "one tensor" : "two tensors")"
          + (constant != nil ? " (and the constant)" : "")
          + "; 'from' names \(inputs.count)")
    }
    let full = try Self.broadcast([nil] + inputs[0].dims, [nil] + inputs[1].dims)
    return try Inference(output: Shape(Array(full.dropFirst())))
  }

  /// keras.ops's `broadcast_shapes`, on shapes with their batch axis: aligned from the last
  /// axis, a missing axis is 1; a 1 takes the other size, None takes the other size unless it
  /// is 1; two other sizes must be equal.
  static func broadcast(_ a: [Int?], _ b: [Int?]) throws(Refusal) -> [Int?] {
    let n = max(a.count, b.count)
    let s1 = [Int?](repeating: 1, count: n - a.count) + a
    let s2 = [Int?](repeating: 1, count: n - b.count) + b
    var out = s1
    for i in 0..<n {
      if s1[i] == 1 {
        out[i] = s2[i]
      } else if s1[i] == nil {
        out[i] = s2[i] == 1 ? nil : s2[i]
      } else if !(s2[i] == 1 || s2[i] == nil || s2[i] == s1[i]) {
        func list(_ d: [Int?]) -> String {
          "[" + d.map(Format.pythonDim).joined(separator: ", ") + "]"
        }
        throw .reason(
          "Cannot broadcast shape, the failure dim has value \(Format.pythonDim(s1[i])), which cannot be broadcasted to \(Format.pythonDim(s2[i])). Input shapes are: \(list(a)) and \(list(b))."
        )
      }
    }
    return out
  }

  func explain(inputs: [Shape], _ inference: Inference) -> Explanation {
    let why = "\(typeName) (keras.ops.\(kind.op)) is an operation, not a layer: it \(kind.what)"
    let rule: String
    if kind.operands == 1 {
      return .noWeights(
        why + ". It has no weights.",
        shapeRule: "output shape = input shape \(inputs[0].description)")
    } else if let constant, inputs.count == 1 {
      rule =
        "output shape = input shape \(inputs[0].description) (a number is combined with every element)"
      return .noWeights(
        why + ", one of them the number \(Value.float(constant).script). It has no weights.",
        shapeRule: rule)
    }
    return .noWeights(
      why + ", element by element. It has no weights.",
      shapeRule:
        "output shape \(inference.output.description) from \(Self.listed(inputs)), aligned from the last axis: equal sizes, or a 1 repeated to match; None takes the other size"
    )
  }
}
