// `memory`: an estimate of the bytes a model takes to train (or, in int8, to run): its weights,
// their gradients, the optimizer's state and the forward activations kept for the backward pass.
// The convention (docs/memory.md):
// - weights: every parameter, trainable or not, in the variable dtype (dtype; float32 with
//   mixed=true, where Keras's mixed_float16 and mixed_bfloat16 keep the variables in float32
//   and cast a copy to the compute dtype as each layer runs: that copy is not counted);
// - gradients: one per trainable parameter, in the variable dtype (Keras takes the gradient
//   with respect to the variable: optimizers/*.py cast it to variable.dtype);
// - optimizer state: per trainable parameter, the optimizer's slots (sgd 0, momentum 1,
//   rmsprop 1, adam 2: m and v), each in the variable dtype (`add_variable_from_reference`);
//   Keras builds them on the trainable variables only, so a frozen layer and BatchNormalization's
//   moving statistics have none;
// - activations: each layer call's outputs (its states too), elements per sample, in the
//   compute dtype (dtype), times the batch: no framework workspace, no fusion, no model input.
// int8 is a storage estimate for inference (Keras trains no int8 weights): no gradients and no
// optimizer state.

/// How many bytes a number takes: `memory dtype=...`.
public enum MemoryDType: String, CaseIterable, Sendable {
  case float32, bfloat16, float16, int8

  public var bytes: Int {
    switch self {
    case .float32: return 4
    case .bfloat16, .float16: return 2
    case .int8: return 1
    }
  }
}

/// The optimizer whose state is counted: `memory optimizer=...`.
public enum MemoryOptimizer: String, CaseIterable, Sendable {
  case sgd, momentum, rmsprop, adam

  /// The variables it keeps per trainable parameter (Keras's defaults: rmsprop not centered and
  /// without momentum, adam without amsgrad).
  public var slotNames: [String] {
    switch self {
    case .sgd: return []
    case .momentum: return ["momentum"]
    case .rmsprop: return ["velocity"]
    case .adam: return ["momentum m", "velocity v"]
    }
  }

  public var slots: Int { slotNames.count }
}

/// The options of `memory`, as written (`dtype=bfloat16 batch=32 optimizer=adam mixed=true`).
public struct MemoryOptions: Equatable, Sendable {
  public var dtype = MemoryDType.float32
  public var batch = 1
  /// nil when not given: adam, or none for int8 (not trained).
  public var optimizer: MemoryOptimizer?
  public var mixed = false
  /// The size given to every axis of unknown size of the model's inputs (`length=N`).
  public var length: Int?
  /// Where `length=N` was written, for the errors it causes.
  public var lengthSpan: Span?

  public init() {}

  /// The option names, as `help memory` and did-you-mean offer them.
  public static let names = ["dtype", "batch", "optimizer", "mixed", "length"]

  /// The values option `name` takes when they are a few words (completion offers them); none
  /// for a number.
  public static func choices(of name: String) -> [String] {
    switch name {
    case "dtype": return MemoryDType.allCases.map(\.rawValue)
    case "optimizer": return MemoryOptimizer.allCases.map(\.rawValue)
    case "mixed": return ["true", "false"]
    default: return []
    }
  }

  /// Whether gradients and optimizer state are counted (int8 weights are not trained).
  public var trains: Bool { dtype != .int8 }

  /// The optimizer counted: the one given, or adam; nil for int8.
  public var counted: MemoryOptimizer? { trains ? optimizer ?? .adam : nil }

  /// The bytes of a weight, its gradient and each optimizer slot: the variable dtype.
  public var variableBytes: Int { mixed ? MemoryDType.float32.bytes : dtype.bytes }

  /// Reads the options of a `memory` line.
  public static func read(_ args: [Argument]) throws(ParamCalcError) -> MemoryOptions {
    var o = MemoryOptions()
    var given: [String: Span] = [:]
    func choice<T: RawRepresentable & CaseIterable>(_ a: Argument, _: T.Type)
      throws(ParamCalcError) -> T where T.RawValue == String
    {
      let names = T.allCases.map(\.rawValue)
      let word: String
      switch a.value {
      case .string(let s): word = s.lowercased()
      default: word = a.value.script
      }
      if let v = T(rawValue: word) { return v }
      let near = Suggestion.nearest(to: word, in: names)
      throw .invalidValue(
        argument: a.key,
        message: "'\(a.value.script)' is not one of " + names.joined(separator: ", "),
        at: a.valueSpan, hint: near.map { "did you mean '\(a.key)=\($0)'?" } ?? "'help memory'")
    }
    func count(_ a: Argument, _ what: String) throws(ParamCalcError) -> Int {
      guard case .int(let n) = a.value, n >= 1 else {
        throw .invalidValue(
          argument: a.key,
          message: "\(what) is a whole number of at least 1, not \(a.value.script)",
          at: a.valueSpan, hint: "e.g. 'memory \(a.key)=32'")
      }
      return n
    }
    for a in args {
      given[a.key] = a.span
      switch a.key {
      case "dtype": o.dtype = try choice(a, MemoryDType.self)
      case "batch": o.batch = try count(a, "the batch size")
      case "optimizer": o.optimizer = try choice(a, MemoryOptimizer.self)
      case "length":
        o.length = try count(a, "the size of an unknown axis")
        o.lengthSpan = a.span
      case "mixed":
        guard case .bool(let b) = a.value else {
          throw .invalidValue(
            argument: "mixed", message: "mixed is true or false, not \(a.value.script)",
            at: a.valueSpan, hint: "e.g. 'memory dtype=float16 mixed=true'")
        }
        o.mixed = b
      default:
        throw .unknownArgument(
          a.key, layer: "memory", at: a.span, suggestion: Suggestion.nearest(to: a.key, in: names))
      }
    }
    if o.dtype == .int8, let span = given["optimizer"] ?? (o.mixed ? given["mixed"] : nil) {
      throw .invalidValue(
        argument: given["optimizer"] != nil ? "optimizer" : "mixed",
        message: "int8 weights are not trained in Keras (model.quantize('int8') makes them "
          + "for inference): there are no gradients or optimizer state to count",
        at: span,
        hint: "count training in float32, bfloat16 or float16, e.g. 'memory optimizer=adam'")
    }
    if o.mixed, o.dtype == .float32, let span = given["mixed"] {
      throw .invalidValue(
        argument: "mixed",
        message: "mixed precision computes in float16 or bfloat16 with float32 weights "
          + "(Keras's mixed_float16, mixed_bfloat16); dtype is float32",
        at: span, hint: "e.g. 'memory dtype=bfloat16 mixed=true'")
    }
    return o
  }
}

/// One layer call's outputs, for the activations (a model used as a layer: its layers, beneath).
public struct ActivationRow: Equatable, Sendable {
  /// `#3`, or `#3.2` for the second layer of the model that layer 3 is.
  public var label: String
  public var type: String
  /// Its output, then its states (`return_state=true`).
  public var shapes: [Shape]
  /// Elements per sample (batch axis left out): for a model used as a layer, its layers' sum.
  public var elements: Int
  /// 0 for a layer of the model, 1 for a layer of a model used as a layer, ...
  public var depth: Int
  /// Whether its elements are its layers' (a model used as a layer), not added again.
  public var isGroup: Bool
}

/// The estimate `memory` shows: every category in bytes, and what it was made of.
public struct MemoryReport: Equatable, Sendable {
  public var options: MemoryOptions
  public var trainable: Int
  public var nonTrainable: Int
  public var weights: Int
  public var gradients: Int
  public var optimizerState: Int
  public var activations: Int
  public var total: Int
  /// The elements of every counted layer output, per sample.
  public var elementsPerSample: Int
  public var rows: [ActivationRow]
  /// The inputs whose unknown axes `length=N` filled, as they became (empty when none).
  public var filledInputs: [Shape]

  public var params: Int { trainable + nonTrainable }
  /// Bytes per activation element: the compute dtype.
  public var activationBytes: Int { options.dtype.bytes }
  public var slots: Int { options.counted?.slots ?? 0 }

  /// The estimate for `session` (which has layers); `whole` is the line, for its errors.
  public init(_ session: Session, _ options: MemoryOptions, at whole: Span)
    throws(ParamCalcError)
  {
    self.options = options
    trainable = session.trainable
    nonTrainable = session.nonTrainable
    let (filled, inputs) = try MemoryReport.filled(session, options, at: whole)
    filledInputs = inputs
    rows = try MemoryReport.rows(filled, depth: 0, prefix: "#", options, at: whole)
    let b = options.variableBytes
    do throws(Overflow) {
      elementsPerSample = 0
      for r in rows where r.depth == 0 {
        elementsPerSample = try Checked.add(elementsPerSample, r.elements)
      }
      weights = try Checked.multiply(trainable + nonTrainable, b)
      gradients = options.trains ? try Checked.multiply(trainable, b) : 0
      optimizerState = try Checked.product([trainable, options.counted?.slots ?? 0, b])
      activations = try Checked.product([elementsPerSample, options.dtype.bytes, options.batch])
      total = try Checked.add(
        try Checked.add(weights, gradients), try Checked.add(optimizerState, activations))
    } catch {
      throw .overflow("the memory estimate", at: whole)
    }
  }

  /// The model with `length` given to the unknown axes of its inputs, and those inputs.
  static func filled(_ s: Session, _ o: MemoryOptions, at whole: Span) throws(ParamCalcError)
    -> (Session, [Shape])
  {
    guard let n = o.length else { return (s, []) }
    let span = o.lengthSpan ?? whole
    func fill(_ shape: Shape) -> Shape { Shape(shape.dims.map { $0 ?? n }) }
    var copy = s
    var inputs: [Shape] = []
    do throws(ParamCalcError) {
      if let input = copy.input, !input.isFullyKnown {
        _ = try copy.setInput(fill(input), at: span)
        inputs.append(fill(input))
      }
      for i in 0..<copy.count {
        let l = copy.layers[i]
        guard l.model is InputLayerModel, !l.output.isFullyKnown else { continue }
        let shape = fill(l.output)
        let value = Value.tuple(shape.dims.map { $0.map(Value.int) ?? .none })
        let arg = Argument(key: "shape", value: value, span: span, valueSpan: span)
        _ = try copy.set(i + 1, arguments: [arg], indexSpan: span, span: span)
        inputs.append(shape)
      }
    } catch {
      throw .invalidValue(
        argument: "length",
        message: "with every unknown input axis of size \(n), the model is refused: "
          + error.message,
        at: span, hint: "give a length the model takes, e.g. a larger one")
    }
    return (copy, inputs)
  }

  /// The activation rows of the layers the totals count (an input read by the model is data, not
  /// an activation: left out).
  static func rows(
    _ s: Session, depth: Int, prefix: String, _ o: MemoryOptions, at whole: Span
  ) throws(ParamCalcError) -> [ActivationRow] {
    // As the totals count: every layer, or with `output` declared the layers on the way to it.
    let on = s.outputs != nil ? s.onTheWay : Array(repeating: true, count: s.count)
    var out: [ActivationRow] = []
    for (i, l) in s.layers.enumerated() where on[i] && !(l.model is InputLayerModel) {
      let label = prefix + String(i + 1)
      if let m = l.model as? NestedModel, let inner = m.session(on: l.input) {
        let sub = try rows(inner, depth: depth + 1, prefix: label + ".", o, at: whole)
        var sum = 0
        for r in sub where r.depth == depth + 1 {
          guard let next = try? Checked.add(sum, r.elements) else {
            throw .overflow("the memory estimate", at: whole)
          }
          sum = next
        }
        out.append(
          ActivationRow(
            label: label, type: l.typeName, shapes: [l.output], elements: sum, depth: depth,
            isGroup: true))
        out += sub
        continue
      }
      let shapes = [l.output] + l.states.map(\.shape)
      var elements = 0
      for shape in shapes {
        let n: Int?
        do { n = try shape.elementCount() } catch {
          throw .overflow("the memory estimate", at: whole)
        }
        guard let n else { throw unknownAxis(label, l.typeName, shape, o, in: s, at: whole) }
        guard let sum = try? Checked.add(elements, n) else {
          throw .overflow("the memory estimate", at: whole)
        }
        elements = sum
      }
      out.append(
        ActivationRow(
          label: label, type: l.spec.reuses.map { "\(l.typeName) (#\($0) again)" } ?? l.typeName,
          shapes: shapes, elements: elements, depth: depth, isGroup: false))
    }
    return out
  }

  static func unknownAxis(
    _ label: String, _ type: String, _ shape: Shape, _ o: MemoryOptions, in s: Session,
    at whole: Span
  ) -> ParamCalcError {
    unknownAxisRefusal(
      "layer \(label) (\(type)) outputs \(shape.description), an axis of unknown size (None): "
        + "its activations per sample depend on it", command: "memory", length: o.length,
      lengthSpan: o.lengthSpan, in: s, at: whole
    )
  }
}

extension NestedModel {
  /// The model's own layers placed on `shape` (its own input: as built); nil if it refuses.
  func session(on shape: Shape) -> Session? {
    if shape == input { return inner }
    var lines = self.lines
    let dims = Format.scriptDims(shape)
    lines[inputLine] = inputName.map { "input \($0) \(dims)" } ?? "input \(dims)"
    var interpreter = Interpreter(session: Session(catalog: .standard))
    for line in lines {
      do { _ = try interpreter.run(line: line) } catch { return nil }
    }
    return interpreter.session
  }
}

/// The refusal of `memory` or `flops` (`command`) on an axis of unknown size (`what`: which
/// layer, and why the answer depends on it): `length=N` sizes the model's inputs, and only them.
func unknownAxisRefusal(
  _ what: String, command: String, length: Int?, lengthSpan: Span?, in s: Session,
  at whole: Span
) -> ParamCalcError {
  // Every input of the model has its sizes: the layer makes the unknown axis itself.
  let inputsKnown =
    (s.input?.isFullyKnown ?? true)
    && s.layers.allSatisfy { !($0.model is InputLayerModel) || $0.output.isFullyKnown }
  if inputsKnown {
    return .invalidValue(
      argument: "length",
      message: what + ", and the model's inputs have every size: the layer's own arguments "
        + "leave it open", at: lengthSpan ?? whole,
      hint: "give that layer's arguments a size where they have None (an output_shape, say)")
  }
  if length != nil {
    return .invalidValue(
      argument: "length", message: what + ", and length= sizes only the model's inputs",
      at: lengthSpan ?? whole, hint: "give the model an input of known sizes ('input DIMS')")
  }
  return .invalidValue(
    argument: "length", message: what, at: whole,
    hint:
      "give the unknown input axes a size, e.g. '\(command) length=100' (each unknown input axis "
      + "gets the size 100)")
}
