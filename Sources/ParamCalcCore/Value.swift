/// A value written after `key=` in a command: what Keras would receive as a Python literal.
public enum Value: Hashable, Sendable {
  case int(Int)
  case float(Double)
  case bool(Bool)
  case none
  case string(String)
  case tuple([Value])

  /// How the value is written back into a script (`save`) and shown in `explain`.
  public var script: String {
    switch self {
    case .int(let v): return String(v)
    case .float(let v): return Value.format(v)
    case .bool(let v): return v ? "true" : "false"
    case .none: return "None"
    case .string(let s): return s
    case .tuple(let items):
      if items.count == 1 { return "(" + items[0].script + ")" }
      return "(" + items.map(\.script).joined(separator: ",") + ")"
    }
  }

  /// A short name of the value's kind, for error messages.
  public var kindName: String {
    switch self {
    case .int: return "an integer"
    case .float: return "a number"
    case .bool: return "a boolean"
    case .none: return "None"
    case .string: return "a string"
    case .tuple: return "a tuple"
    }
  }

  static func format(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) + ".0" }
    return String(v)
  }
}

/// One `key=value` of a command line, with where it was written.
public struct Argument: Hashable, Sendable {
  /// The Keras name of the argument (short names such as `kernel` already expanded).
  public var key: String
  public var value: Value
  /// Columns (0-based byte offsets in the line) of the whole `key=value` token.
  public var span: Span
  /// Columns of the value alone.
  public var valueSpan: Span

  public init(key: String, value: Value, span: Span, valueSpan: Span) {
    self.key = key
    self.value = value
    self.span = span
    self.valueSpan = valueSpan
  }

  /// Two arguments are the same when their key and value are: where they were written does not matter.
  public static func == (a: Argument, b: Argument) -> Bool { a.key == b.key && a.value == b.value }

  public func hash(into h: inout Hasher) {
    h.combine(key)
    h.combine(value)
  }

  /// Short names people type, and the Keras argument each stands for.
  public static let shortNames: [String: String] = [
    "kernel": "kernel_size", "bias": "use_bias", "stride": "strides", "dilation": "dilation_rate",
  ]
}

/// A range of columns in a command line: 0-based byte offsets, upper bound excluded.
public struct Span: Hashable, Sendable {
  public var start: Int
  public var end: Int
  public init(_ start: Int, _ end: Int) {
    self.start = start
    self.end = max(end, start)
  }
  public static let none = Span(0, 0)

  /// The same columns counted from `offset` columns further left (or right, when negative).
  func shifted(by offset: Int) -> Span { Span(start + offset, end + offset) }
}
