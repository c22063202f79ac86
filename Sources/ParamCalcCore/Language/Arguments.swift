/// The documentation of one argument a layer type takes.
public struct ArgumentSpec: Sendable {
  public var name: String
  public var defaultText: String
  public var meaning: String
  public init(_ name: String, _ defaultText: String, _ meaning: String) {
    self.name = name
    self.defaultText = defaultText
    self.meaning = meaning
  }
}

/// Arguments every Keras layer accepts that change neither counts nor shapes.
let commonInertArguments = ["name", "dtype", "autocast", "activity_regularizer", "batch_size"]

/// The argument names that a layer with a kernel and bias accepts without effect on the count.
let weightInertArguments = [
  "activation", "kernel_initializer", "bias_initializer", "kernel_regularizer",
  "bias_regularizer", "kernel_constraint", "bias_constraint", "lora_rank", "lora_alpha",
]

/// The keys given on a line, to tell an argument from a default in explanations.
public struct Given: Sendable, Equatable {
  public var keys: Set<String>
  public init(_ keys: Set<String>) { self.keys = keys }
  public func source(_ key: String) -> Term.Source {
    keys.contains(key) ? .argument : .defaultValue
  }
}

/// Reads a layer's arguments by name, checking kinds and ranges, and at the end refuses those
/// that no one read (unknown to the layer type) with a did-you-mean.
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

  /// A whole number of at least `min`; required when `default` is nil.
  public mutating func int(_ key: String, default d: Int? = nil, min: Int = 1, example: String = "")
    throws(ParamCalcError) -> Int
  {
    guard let a = take(key) else {
      if let d { return d }
      throw missing(key, example: example)
    }
    guard case .int(let n) = a.value else {
      throw .invalidValue(
        argument: key,
        message: "expected an integer, found \(a.value.kindName) \(a.value.shown)",
        at: a.valueSpan)
    }
    if n < min {
      throw .invalidValue(
        argument: key, message: "must be at least \(min), found \(n)", at: a.valueSpan)
    }
    return n
  }

  /// An integer or None.
  public mutating func optionalInt(_ key: String, min: Int = 1) throws(ParamCalcError) -> Int? {
    guard let a = take(key) else { return nil }
    if case .none = a.value { return nil }
    guard case .int(let n) = a.value else {
      throw .invalidValue(
        argument: key, message: "expected an integer or None, found \(a.value.shown)",
        at: a.valueSpan)
    }
    if n < min {
      throw .invalidValue(
        argument: key, message: "must be at least \(min), found \(n)", at: a.valueSpan)
    }
    return n
  }

  /// `count` whole numbers: one integer stands for all of them, as in Keras.
  public mutating func ints(
    _ key: String, count: Int, default d: [Int]? = nil, min: Int = 1, example: String = ""
  )
    throws(ParamCalcError) -> [Int]
  {
    guard let a = take(key) else {
      if let d { return d }
      throw missing(key, example: example)
    }
    var out: [Int] = []
    switch a.value {
    case .int(let n): out = Array(repeating: n, count: count)
    case .tuple(let items):
      for item in items {
        guard case .int(let n) = item else {
          throw .invalidValue(
            argument: key, message: "expected integers, found \(item.shown)", at: a.valueSpan)
        }
        out.append(n)
      }
      if out.count != count {
        throw .invalidValue(
          argument: key,
          message:
            "expected \(count == 1 ? "an integer" : "\(count) integers") or one integer for all, found \(out.count) in \(a.value.shown)",
          at: a.valueSpan)
      }
    default:
      throw .invalidValue(
        argument: key,
        message: "expected an integer or a tuple of \(count), found \(a.value.shown)",
        at: a.valueSpan)
    }
    for n in out where n < min {
      throw .invalidValue(
        argument: key, message: "every value must be at least \(min), found \(n)", at: a.valueSpan)
    }
    return out
  }

  /// A tuple of integers of any length (an integer alone is a tuple of one); nil when absent or None.
  public mutating func intList(_ key: String) throws(ParamCalcError) -> (values: [Int], span: Span)?
  {
    guard let a = take(key) else { return nil }
    switch a.value {
    case .none: return nil
    case .int(let n): return ([n], a.valueSpan)
    case .tuple(let items):
      var out: [Int] = []
      for item in items {
        guard case .int(let n) = item else {
          throw .invalidValue(
            argument: key, message: "expected integers, found \(item.shown)", at: a.valueSpan)
        }
        out.append(n)
      }
      return (out, a.valueSpan)
    default:
      throw .invalidValue(
        argument: key, message: "expected a tuple of integers, found \(a.value.shown)",
        at: a.valueSpan)
    }
  }

  public mutating func bool(_ key: String, default d: Bool) throws(ParamCalcError) -> Bool {
    guard let a = take(key) else { return d }
    guard case .bool(let v) = a.value else {
      throw .invalidValue(
        argument: key, message: "expected true or false, found \(a.value.shown)", at: a.valueSpan
      )
    }
    return v
  }

  /// One of `options` (case-insensitive), returned lowercased.
  public mutating func choice(_ key: String, _ options: [String], default d: String)
    throws(ParamCalcError) -> String
  {
    guard let a = take(key) else { return d }
    if case .string(let s) = a.value, options.contains(s.lowercased()) { return s.lowercased() }
    if case .none = a.value, options.contains("none") { return "none" }
    if case .string(let s) = a.value, let why = ArgumentReader.notYetSupported[key]?[s.lowercased()]
    {
      throw .invalidValue(
        argument: key, message: "\(s.lowercased()) is not supported yet: \(why.message)",
        at: a.valueSpan, hint: why.hint)
    }
    var message =
      "expected one of " + options.map { "'\($0)'" }.joined(separator: ", ")
      + ", found \(a.value.shown)"
    if case .string(let s) = a.value, let near = Suggestion.nearest(to: s, in: options) {
      message += " (did you mean '\(near)'?)"
    }
    throw .invalidValue(argument: key, message: message, at: a.valueSpan)
  }

  /// Values Keras accepts that paramcalc does not compute yet, by argument: why, and what to do.
  static let notYetSupported: [String: [String: (message: String, hint: String)]] = [
    "data_format": [
      "channels_first": (
        "paramcalc computes channels_last only",
        "give the input with its channels last (28x28x1, not 1x28x28) and leave data_format out"
      )
    ]
  ]

  /// A number in `range` (integers accepted).
  public mutating func number(
    _ key: String, default d: Double, in range: ClosedRange<Double>, openUpper: Bool = false
  )
    throws(ParamCalcError) -> Double
  {
    guard let a = take(key) else { return d }
    let v: Double
    switch a.value {
    case .float(let x): v = x
    case .int(let n): v = Double(n)
    default:
      throw .invalidValue(
        argument: key, message: "expected a number, found \(a.value.shown)", at: a.valueSpan)
    }
    if !range.contains(v) || (openUpper && v == range.upperBound) {
      let upper =
        openUpper
        ? "below \(Value.format(range.upperBound))" : "at most \(Value.format(range.upperBound))"
      throw .invalidValue(
        argument: key,
        message:
          "must be at least \(Value.format(range.lowerBound)) and \(upper), found \(a.value.script)",
        at: a.valueSpan)
    }
    return v
  }

  /// Accepts `key` with any value, as an argument that does not change counts or shapes.
  public mutating func ignore(_ keys: [String]) {
    for i in arguments.indices where keys.contains(arguments[i].key) { read[i] = true }
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
