/// Arguments every Keras layer accepts that change neither counts nor shapes. (Not
/// `batch_size`, a Keras 2 name that Keras 3 refuses: "Unrecognized keyword arguments".)
let commonInertArguments = ["name", "dtype", "autocast", "activity_regularizer"]

/// The argument names that a layer with a kernel and bias accepts without effect on the count.
/// (`lora_rank` is not one: where Keras takes it — Dense, Embedding, Conv1D/2D/3D — it freezes
/// the kernel and adds two weights, and it is declared there; the other layers refuse it.)
let kernelInertArguments = [
  "activation", "kernel_initializer", "bias_initializer", "kernel_regularizer",
  "bias_regularizer", "kernel_constraint", "bias_constraint",
]

/// `lora_rank` of Dense, Embedding and Conv1D/2D/3D (dense.py, embedding.py, base_conv.py): a
/// positive rank freezes the kernel and adds two trainable factors; None or 0 adds nothing.
let loraRankArgument = ArgumentSpec(
  "lora_rank", .optionalInteger(min: 0), default: .none, .count,
  "LoRA: freezes the kernel, adds two trainable low-rank factors")

extension ArgumentReader {
  /// `lora_rank`: the rank, or nil when absent, None or 0 (Keras enables LoRA when it is truthy).
  /// Keras refuses LoRA together with a constraint on the weight it freezes (`constraint`:
  /// `kernel_constraint`, or `embeddings_constraint` for Embedding).
  mutating func loraRank(constraint: String, what: String) throws(ParamCalcError) -> Int? {
    guard let rank = try optionalInt(loraRankArgument), rank > 0 else { return nil }
    if let c = arguments.first(where: { $0.key == constraint }), c.value != .none {
      throw .invalidValue(
        argument: constraint,
        message:
          "Lora is incompatible with \(what) constraints: leave \(constraint) out or lora_rank out",
        at: c.valueSpan)
    }
    return rank
  }
}

extension Value {
  /// The value as a message quotes it, a tuple of one written as Python writes it: `'(3,)'`.
  var echoed: String {
    guard case .tuple = self else { return shown }
    return "'" + echoScript + "'"
  }

  var echoScript: String {
    guard case .tuple(let items) = self else { return script }
    if items.count == 1 { return "(" + items[0].echoScript + ",)" }
    return "(" + items.map(\.echoScript).joined(separator: ",") + ")"
  }
}

/// The keys given on a line, to tell an argument from a default in explanations.
public struct Given: Sendable, Equatable {
  public var keys: Set<String>
  public init(_ keys: Set<String>) { self.keys = keys }
  public func source(_ key: String) -> Term.Source {
    keys.contains(key) ? .argument : .defaultValue
  }
}

/// Reads a layer's arguments by their declarations (`ArgumentSpec`: the kind, the default, the
/// minimum or the choices come from there), checking kinds and ranges; `checkNames` refuses,
/// first, the arguments the layer type does not take, with a did-you-mean.
public struct ArgumentReader {
  public let layer: String
  var arguments: [Argument]
  var read: [Bool]
  let end: Span

  public init(layer: String, arguments: [Argument], end: Span) {
    self.layer = layer
    self.arguments = arguments
    self.read = Array(repeating: false, count: arguments.count)
    self.end = end
  }

  public var given: Given { Given(Set(arguments.map(\.key))) }

  mutating func take(_ key: String) -> Argument? {
    for i in arguments.indices where arguments[i].key == key {
      read[i] = true
      return arguments[i]
    }
    return nil
  }

  func missing(_ key: String, example: String) -> ParamCalcError {
    .missingArgument(key, layer: layer, at: end, example: example)
  }

  /// The default of `s` when it is absent: its value, or the missing-argument error when it is
  /// required. (A default of None or one derived from elsewhere is read with the `optional` forms.)
  func absent(_ s: ArgumentSpec, example: String) -> ParamCalcError {
    if case .required = s.byDefault { return missing(s.name, example: example) }
    preconditionFailure("\(s.name): no value to return as its default; read it as optional")
  }

  /// An integer argument: a whole number of at least its minimum.
  public mutating func int(_ s: ArgumentSpec, example: String = "") throws(ParamCalcError) -> Int {
    guard case .integer(let min, let also) = s.kind else { preconditionFailure(s.name) }
    guard let a = take(s.name) else {
      if case .value(.int(let d)) = s.byDefault { return d }
      throw absent(s, example: example)
    }
    guard case .int(let n) = a.value else {
      throw .invalidValue(
        argument: s.name,
        message: "expected an integer, found \(a.value.kindName) \(a.value.echoed)",
        at: a.valueSpan)
    }
    if n < min && n != also {
      throw .invalidValue(
        argument: s.name, message: "must be at least \(min), found \(n)", at: a.valueSpan)
    }
    return n
  }

  /// An integer or None: nil when absent or None (its default is None or derived elsewhere).
  public mutating func optionalInt(_ s: ArgumentSpec) throws(ParamCalcError) -> Int? {
    guard case .optionalInteger(let min) = s.kind else { preconditionFailure(s.name) }
    guard let a = take(s.name) else { return nil }
    if case .none = a.value { return nil }
    guard case .int(let n) = a.value else {
      throw .invalidValue(
        argument: s.name, message: "expected an integer or None, found \(a.value.echoed)",
        at: a.valueSpan)
    }
    if n < min {
      throw .invalidValue(
        argument: s.name, message: "must be at least \(min), found \(n)", at: a.valueSpan)
    }
    return n
  }

  /// Whole numbers, one per axis: one integer stands for all of them, as in Keras.
  public mutating func ints(_ s: ArgumentSpec, example: String = "") throws(ParamCalcError)
    -> [Int]
  {
    guard let a = take(s.name) else {
      if case .value = s.byDefault { return s.defaultInts }
      throw absent(s, example: example)
    }
    return try ints(s, a)
  }

  /// Whole numbers, one per axis, or nil when absent or None (the default is None or derived:
  /// pooling's strides are its pool_size).
  public mutating func optionalInts(_ s: ArgumentSpec) throws(ParamCalcError) -> [Int]? {
    guard let a = take(s.name) else { return nil }
    if case .none = a.value { return nil }
    return try ints(s, a)
  }

  func ints(_ s: ArgumentSpec, _ a: Argument) throws(ParamCalcError) -> [Int] {
    guard case .integers(let count, let min) = s.kind else { preconditionFailure(s.name) }
    let key = s.name
    var out: [Int] = []
    switch a.value {
    case .int(let n): out = Array(repeating: n, count: count)
    case .tuple(let items):
      for item in items {
        guard case .int(let n) = item else {
          throw .invalidValue(
            argument: key, message: "expected integers, found \(item.echoed)", at: a.valueSpan)
        }
        out.append(n)
      }
      if out.count != count {
        throw .invalidValue(
          argument: key,
          message:
            "expected \(count == 1 ? "an integer" : "\(count) integers") or one integer for all, found \(out.count) in \(a.value.echoed)",
          at: a.valueSpan)
      }
    default:
      throw .invalidValue(
        argument: key,
        message: "expected an integer or a tuple of \(count), found \(a.value.echoed)",
        at: a.valueSpan)
    }
    for n in out where n < min {
      throw .invalidValue(
        argument: key, message: "every value must be at least \(min), found \(n)", at: a.valueSpan)
    }
    return out
  }

  /// A tuple of integers of any length (an integer alone is a tuple of one); when absent or
  /// None, the default (with no span) or, when required, the missing-argument error.
  public mutating func intTuple(_ s: ArgumentSpec, example: String = "") throws(ParamCalcError)
    -> (values: [Int], span: Span)
  {
    if let got = try optionalIntTuple(s) { return got }
    if case .value = s.byDefault { return (s.defaultInts, .none) }
    throw absent(s, example: example)
  }

  /// A tuple of integers of any length; nil when absent or None.
  public mutating func optionalIntTuple(_ s: ArgumentSpec) throws(ParamCalcError) -> (
    values: [Int], span: Span
  )? {
    guard case .integerTuple = s.kind else { preconditionFailure(s.name) }
    guard let a = take(s.name) else { return nil }
    switch a.value {
    case .none: return nil
    case .int(let n): return ([n], a.valueSpan)
    case .tuple(let items):
      var out: [Int] = []
      for item in items {
        guard case .int(let n) = item else {
          throw .invalidValue(
            argument: s.name, message: "expected integers, found \(item.echoed)", at: a.valueSpan)
        }
        out.append(n)
      }
      return (out, a.valueSpan)
    default:
      throw .invalidValue(
        argument: s.name, message: "expected a tuple of integers, found \(a.value.echoed)",
        at: a.valueSpan)
    }
  }

  public mutating func bool(_ s: ArgumentSpec) throws(ParamCalcError) -> Bool {
    guard case .bool = s.kind, case .value(.bool(let d)) = s.byDefault else {
      preconditionFailure(s.name)
    }
    guard let a = take(s.name) else { return d }
    guard case .bool(let v) = a.value else {
      throw .invalidValue(
        argument: s.name, message: "expected true or false, found \(a.value.echoed)",
        at: a.valueSpan)
    }
    return v
  }

  /// One of the choices: lower-cased first where Keras lower-cases it (`s.lowercased`), compared
  /// as written elsewhere, as Keras compares it; a value Keras takes and paramcalc does not is
  /// refused with its message.
  public mutating func choice(_ s: ArgumentSpec) throws(ParamCalcError) -> String {
    guard case .choice(let options) = s.kind, case .value(.string(let d)) = s.byDefault else {
      preconditionFailure(s.name)
    }
    guard let a = take(s.name) else { return d }
    var found: String? = nil
    if case .string(let v) = a.value {
      let word = s.lowercased ? v.lowercased() : v
      if word.lowercased() == "none" && options.contains("none") {
        throw .invalidValue(
          argument: s.name,
          message: "\(a.value.shown) in quotes is a string, not None: Keras refuses it",
          at: a.valueSpan, hint: "write \(s.name)=None, unquoted")
      }
      if !s.lowercased && v != v.lowercased() && options.contains(v.lowercased()) {
        throw .invalidValue(
          argument: s.name,
          message: "Keras reads \(s.name) as written: \(a.value.shown) is not one of "
            + s.choices.map { $0 == "none" ? "None" : "'\($0)'" }.joined(separator: ", "),
          at: a.valueSpan, hint: "write it in lower case: \(s.name)=\(v.lowercased())")
      }
      found = word
    } else if case .none = a.value, options.contains("none") {
      found = "none"
    }
    if let found {
      for u in s.unsupported where u.value == found {
        throw .invalidValue(argument: s.name, message: u.message, at: a.valueSpan, hint: u.hint)
      }
      if options.contains(found) { return found }
    }
    var message =
      "expected one of " + options.map { "'\($0)'" }.joined(separator: ", ")
      + ", found \(a.value.echoed)"
    if case .string(let v) = a.value, let near = Suggestion.nearest(to: v, in: options) {
      message += " (did you mean '\(near)'?)"
    }
    throw .invalidValue(argument: s.name, message: message, at: a.valueSpan)
  }

  /// The name of an activation function (None is `linear`), refused as Keras refuses it.
  public mutating func activation(_ s: ArgumentSpec, example: String = "") throws(ParamCalcError)
    -> String
  {
    guard case .activation = s.kind else { preconditionFailure(s.name) }
    guard let a = take(s.name) else { throw absent(s, example: example) }
    return try activationName(a)
  }

  /// Accepts `key` with any value, as an argument that does not change counts or shapes.
  public mutating func ignore(_ keys: [String]) {
    for i in arguments.indices where keys.contains(arguments[i].key) { read[i] = true }
  }

  /// Refuses `keys`, names every other layer takes (`commonInertArguments`) that this one does
  /// not: a Keras class whose `__init__` has no **kwargs (SpatialDropout, Discretization), or
  /// one that sets the argument itself (ActivityRegularization's activity_regularizer).
  public func refuse(_ keys: [String]) throws(ParamCalcError) {
    for a in arguments where keys.contains(a.key) {
      throw .unknownArgument(
        a.key, layer: layer, at: Span(a.span.start, a.valueSpan.start - 1), suggestion: nil)
    }
  }

  /// Refuses, before anything is read, an argument the layer type (or the wrapper and the
  /// layer it wraps) does not take: the first error a user sees for `unitz=3` is the typo, not a
  /// missing `units`.
  public func checkNames(_ d: LayerDescriptor, _ inner: LayerDescriptor? = nil)
    throws(ParamCalcError)
  {
    func takes(_ d: LayerDescriptor, _ key: String) -> Bool {
      d.arguments.contains { $0.name == key } || d.inert.contains(key)
    }
    for a in arguments
    where !takes(d, a.key) && !(inner.map { takes($0, a.key) } ?? false)
      && !commonInertArguments.contains(a.key)
    {
      let known =
        (d.arguments + (inner?.arguments ?? [])).map(\.name) + d.inert + (inner?.inert ?? [])
      throw .unknownArgument(
        a.key, layer: layer, at: Span(a.span.start, a.valueSpan.start - 1),
        suggestion: Suggestion.nearest(to: a.key, in: known))
    }
    // Keras checks the activations it is given even where they change nothing of the count.
    for a in arguments where a.key == "activation" || a.key == "recurrent_activation" {
      _ = try activationName(a)
    }
  }

  /// The arguments no one read: those accepted without effect on the count (`checkNames` has
  /// refused any other).
  public func unread() -> [Argument] {
    var kept: [Argument] = []
    for i in arguments.indices where !read[i] { kept.append(arguments[i]) }
    return kept
  }
}
