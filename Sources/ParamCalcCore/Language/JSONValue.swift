// A JSON reader for the model files `import` reads (what Keras's `model.to_json()` writes):
// objects keep the order of their keys, numbers keep whether they were written as integers, and
// an error says where (byte offset, line and column). Hostile input cannot exhaust the stack: the
// nesting depth is capped.

/// A JSON value as read: objects keep their keys in the file's order (a key written twice keeps
/// both members; `subscript` finds the first), numbers keep whether they were integers.
public enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  /// A number written without a fraction or an exponent (`3`, `-1`).
  case int(Int)
  /// Any other number (`0.5`, `1e-05`), and Python's `NaN`, `Infinity` and `-Infinity`, which
  /// `json.dumps` writes by default.
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([JSONMember])

  /// The value of the first member named `key`, for an object; nil otherwise.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    for m in members where m.key == key { return m.value }
    return nil
  }

  public var string: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var array: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var members: [JSONMember]? {
    if case .object(let m) = self { return m }
    return nil
  }

  public var isNull: Bool { self == .null }

  /// A short name of the value's kind, for messages: `an object`, `a string`, ...
  public var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "a boolean"
    case .int: return "an integer"
    case .double: return "a number"
    case .string: return "a string"
    case .array: return "a list"
    case .object: return "an object"
    }
  }

  /// Reads a whole JSON text (UTF-8).
  public static func parse(_ text: String) throws(JSONError) -> JSONValue {
    var copy = text
    let result = copy.withUTF8 { b in Result { () throws(JSONError) in try parse(bytes: b) } }
    return try result.get()
  }

  /// Reads a whole JSON text given as UTF-8 bytes: one value, with only white space around it.
  public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(JSONError) -> JSONValue {
    var reader = JSONReader(bytes)
    reader.skipSpace()
    let value = try reader.value(depth: 0)
    reader.skipSpace()
    if reader.i < bytes.count { throw reader.error("unexpected text after the JSON value") }
    return value
  }
}

/// One `"key": value` of a JSON object.
public struct JSONMember: Equatable, Sendable {
  public var key: String
  public var value: JSONValue
  public init(_ key: String, _ value: JSONValue) {
    self.key = key
    self.value = value
  }
}

/// Why a JSON text could not be read, and where: the byte offset (0-based), and the line and
/// column (1-based; a column counts characters).
public struct JSONError: Error, Equatable, Sendable {
  public var message: String
  public var offset: Int
  public var line: Int
  public var column: Int

  public init(message: String, offset: Int, line: Int, column: Int) {
    self.message = message
    self.offset = offset
    self.line = line
    self.column = column
  }

  /// `line 3, column 7 (byte 41): MESSAGE`.
  public var description: String { "line \(line), column \(column) (byte \(offset)): \(message)" }
}

/// Reads JSON from bytes, by recursive descent to at most `maximumDepth` nested lists and objects.
struct JSONReader {
  static let maximumDepth = 512
  let b: UnsafeBufferPointer<UInt8>
  var i = 0

  init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }

  /// The error at the current position (`at`: another offset).
  func error(_ message: String, at offset: Int? = nil) -> JSONError {
    let o = min(offset ?? i, b.count)
    var line = 1
    var column = 1
    for k in 0..<o {
      if b[k] == 0x0A {
        line += 1
        column = 1
      } else if b[k] & 0xC0 != 0x80 {
        column += 1
      }
    }
    return JSONError(message: message, offset: o, line: line, column: column)
  }

  mutating func skipSpace() {
    while i < b.count {
      let c = b[i]
      guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
      i += 1
    }
  }

  /// What the byte at the current position is, for a message.
  func found() -> String {
    guard i < b.count else { return "the end of the text" }
    let c = b[i]
    if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
    return "byte 0x" + String(c, radix: 16, uppercase: true)
  }

  mutating func value(depth: Int) throws(JSONError) -> JSONValue {
    guard i < b.count else { throw error("expected a value, found the end of the text") }
    switch b[i] {
    case UInt8(ascii: "{"): return try object(depth: depth + 1)
    case UInt8(ascii: "["): return try array(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): return try word("true", .bool(true))
    case UInt8(ascii: "f"): return try word("false", .bool(false))
    case UInt8(ascii: "n"): return try word("null", .null)
    case UInt8(ascii: "N"): return try word("NaN", .double(.nan))
    case UInt8(ascii: "I"): return try word("Infinity", .double(.infinity))
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
    default: throw error("expected a value, found \(found())")
    }
  }

  mutating func word(_ w: StaticString, _ v: JSONValue) throws(JSONError) -> JSONValue {
    let n = w.utf8CodeUnitCount
    let p = w.utf8Start
    guard i + n <= b.count else { throw error("expected a value, found \(found())") }
    for k in 0..<n where b[i + k] != p[k] { throw error("expected a value, found \(found())") }
    i += n
    return v
  }

  mutating func object(depth: Int) throws(JSONError) -> JSONValue {
    if depth > JSONReader.maximumDepth {
      throw error("nested deeper than \(JSONReader.maximumDepth) lists and objects")
    }
    i += 1
    var members: [JSONMember] = []
    skipSpace()
    if i < b.count && b[i] == UInt8(ascii: "}") {
      i += 1
      return .object(members)
    }
    while true {
      skipSpace()
      guard i < b.count, b[i] == UInt8(ascii: "\"") else {
        throw error("expected a key in quotes, found \(found())")
      }
      let key = try string()
      skipSpace()
      guard i < b.count, b[i] == UInt8(ascii: ":") else {
        throw error("expected ':' after the key \"\(key)\", found \(found())")
      }
      i += 1
      skipSpace()
      members.append(JSONMember(key, try value(depth: depth)))
      skipSpace()
      guard i < b.count else { throw error("unclosed object: expected ',' or '}'") }
      if b[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if b[i] == UInt8(ascii: "}") {
        i += 1
        return .object(members)
      }
      throw error("expected ',' or '}' in an object, found \(found())")
    }
  }

  mutating func array(depth: Int) throws(JSONError) -> JSONValue {
    if depth > JSONReader.maximumDepth {
      throw error("nested deeper than \(JSONReader.maximumDepth) lists and objects")
    }
    i += 1
    var items: [JSONValue] = []
    skipSpace()
    if i < b.count && b[i] == UInt8(ascii: "]") {
      i += 1
      return .array(items)
    }
    while true {
      skipSpace()
      items.append(try value(depth: depth))
      skipSpace()
      guard i < b.count else { throw error("unclosed list: expected ',' or ']'") }
      if b[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if b[i] == UInt8(ascii: "]") {
        i += 1
        return .array(items)
      }
      throw error("expected ',' or ']' in a list, found \(found())")
    }
  }

  mutating func number() throws(JSONError) -> JSONValue {
    let start = i
    if b[i] == UInt8(ascii: "-") {
      i += 1
      if i < b.count && b[i] == UInt8(ascii: "I") {
        _ = try word("Infinity", .null)
        return .double(-.infinity)
      }
    }
    func digits(_ r: inout JSONReader) -> Int {
      let s = r.i
      while r.i < r.b.count && r.b[r.i] >= 0x30 && r.b[r.i] <= 0x39 { r.i += 1 }
      return r.i - s
    }
    let intStart = i
    let whole = digits(&self)
    if whole == 0 { throw error("malformed number: expected a digit", at: i) }
    if whole > 1 && b[intStart] == UInt8(ascii: "0") {
      throw error("malformed number: a leading zero", at: intStart)
    }
    var integer = true
    if i < b.count && b[i] == UInt8(ascii: ".") {
      integer = false
      i += 1
      if digits(&self) == 0 { throw error("malformed number: expected a digit after '.'") }
    }
    if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
      integer = false
      i += 1
      if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
      if digits(&self) == 0 { throw error("malformed number: expected a digit in the exponent") }
    }
    if integer {
      var n = 0
      let negative = b[start] == UInt8(ascii: "-")
      for k in intStart..<i {
        let d = Int(b[k] - 0x30)
        let (m, o1) = n.multipliedReportingOverflow(by: 10)
        let (r, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
        if o1 || o2 { throw error("the integer does not fit in 64 bits", at: start) }
        n = r
      }
      return .int(n)
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
    guard let d = Double(text) else { throw error("malformed number", at: start) }
    return .double(d)
  }

  mutating func string() throws(JSONError) -> String {
    let open = i
    i += 1
    let start = i
    // The common case: no escape, all ASCII.
    while i < b.count {
      let c = b[i]
      if c == UInt8(ascii: "\"") {
        let s = String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        i += 1
        return s
      }
      if c == UInt8(ascii: "\\") || c >= 0x80 || c < 0x20 { break }
      i += 1
    }
    var out: [UInt8] = Array(b[start..<i])
    while i < b.count {
      let c = b[i]
      if c == UInt8(ascii: "\"") {
        i += 1
        return String(decoding: out, as: UTF8.self)
      }
      if c < 0x20 { throw error("a control character in a string must be escaped") }
      if c >= 0x80 {
        let (scalar, length) = UTF8Scan.scalar(in: b, at: i)
        if scalar == nil { throw error("invalid UTF-8 in a string") }
        out.append(contentsOf: b[i..<(i + length)])
        i += length
        continue
      }
      if c != UInt8(ascii: "\\") {
        out.append(c)
        i += 1
        continue
      }
      i += 1
      guard i < b.count else { break }
      let e = b[i]
      i += 1
      switch e {
      case UInt8(ascii: "\""): out.append(0x22)
      case UInt8(ascii: "\\"): out.append(0x5C)
      case UInt8(ascii: "/"): out.append(0x2F)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var v = try hex4()
        if v >= 0xD800 && v < 0xDC00 {
          // A high surrogate: a low one must follow.
          guard i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
            throw error("a lone surrogate \\u escape")
          }
          i += 2
          let low = try hex4()
          guard low >= 0xDC00 && low < 0xE000 else { throw error("a lone surrogate \\u escape") }
          v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
        } else if v >= 0xDC00 && v < 0xE000 {
          throw error("a lone surrogate \\u escape")
        }
        out.append(contentsOf: Array(String(Character(Unicode.Scalar(v)!)).utf8))
      default:
        throw error("unknown escape '\\\(Character(Unicode.Scalar(e)))' in a string", at: i - 2)
      }
    }
    throw error("unclosed string", at: open)
  }

  mutating func hex4() throws(JSONError) -> UInt32 {
    guard i + 4 <= b.count else { throw error("expected 4 hex digits after \\u") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = b[i]
      let d: UInt32
      switch c {
      case 0x30...0x39: d = UInt32(c - 0x30)
      case 0x41...0x46: d = UInt32(c - 0x41 + 10)
      case 0x61...0x66: d = UInt32(c - 0x61 + 10)
      default: throw error("expected 4 hex digits after \\u")
      }
      v = v << 4 | d
      i += 1
    }
    return v
  }
}
