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
    case .string(let s): return Value.quoted(s)
    case .tuple(let items):
      if items.count == 1 { return "(" + items[0].script + ")" }
      return "(" + items.map(\.script).joined(separator: ",") + ")"
    }
  }

  /// The value as a message quotes it: `'relu'`, `'(3,3)'`, and a string that a script writes
  /// in quotes as it writes it (`'my layer'`, `"it's"`), not quoted twice.
  public var shown: String {
    if case .string(let s) = self, !Value.isBare(s) { return script }
    return "'" + script + "'"
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

  /// A string as a script writes it: bare when the parser reads the bare word back as this same
  /// string (`same`, `relu`, `glorot_uniform`), otherwise in quotes. Single quotes unless the
  /// string holds a single quote and no double quote; inside the quotes, the quote character
  /// itself is written twice (`'it''s "x"'`), the one escape `CommandParser` reads.
  public static func quoted(_ s: String) -> String {
    if isBare(s) { return s }
    var hasSingle = false
    var hasDouble = false
    for c in s.utf8 {
      if c == UInt8(ascii: "'") { hasSingle = true }
      if c == UInt8(ascii: "\"") { hasDouble = true }
    }
    let q: Unicode.Scalar = hasSingle && !hasDouble ? "\"" : "'"
    var out = String.UnicodeScalarView()
    out.append(q)
    for u in s.unicodeScalars {
      if u == q { out.append(q) }
      out.append(u)
    }
    out.append(q)
    return String(out)
  }

  /// Whether `s` can be written without quotes: made of letters, digits and `_ - . + / : @ %`
  /// only, and read back by the parser as this string (not a number, a boolean, None or NxM).
  static func isBare(_ s: String) -> Bool {
    if s.isEmpty { return false }
    for c in s.utf8 {
      let ok =
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
        || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
        || c == UInt8(ascii: "+") || c == UInt8(ascii: "/") || c == UInt8(ascii: ":")
        || c == UInt8(ascii: "@") || c == UInt8(ascii: "%")
      if !ok { return false }
    }
    var copy = s
    return copy.withUTF8 { b -> Bool in
      let v = try? CommandParser(b).value(Span(0, b.count))
      return v == .string(s)
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
