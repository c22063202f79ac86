/// Number and text formatting shared by the renderers.
public enum Format {
  /// A layer's share of the model's parameters, to a tenth of a percent (`12.5%`); `-` for a
  /// model of none.
  public static func share(_ params: Int, of total: Int) -> String {
    guard total > 0 else { return "-" }
    let tenths = Int((Double(params) * 1000 / Double(total)).rounded())
    return "\(tenths / 10).\(tenths % 10)%"
  }

  /// `a / b` to two decimals (`1.90`); `-` when b is 0.
  public static func ratio(_ a: Int, _ b: Int) -> String {
    b == 0 ? "-" : twoDecimals(Double(a) / Double(b))
  }

  /// `8064` as `8,064`.
  public static func thousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    out.reserveCapacity(digits.count + digits.count / 3 + 1)
    if n < 0 { out.append("-") }
    let count = digits.utf8.count
    for (i, c) in digits.enumerated() {
      if i > 0 && (count - i) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return out
  }

  /// Size of `params` float32 numbers as Keras's summary writes it: `31.50 KB` (1 KB = 1024 B).
  public static func memory(params: Int) -> String { memory(size: Double(params) * 4) }

  /// `bytes` as Keras's summary writes a size: `30.66 KB`, `40.00 B`.
  public static func memory(bytes: Int) -> String { memory(size: Double(bytes)) }

  static func memory(size bytes: Double) -> String {
    var size = bytes
    for unit in ["B", "KB", "MB", "GB", "TB"] {
      if size / 1024 < 1 { return twoDecimals(size) + " " + unit }
      size /= 1024
    }
    return twoDecimals(size) + " PB"
  }

  /// `x` with two decimals, rounded half to even as Python's format does for exact halves.
  static func twoDecimals(_ x: Double) -> String {
    let scaled = (x * 100).rounded(.toNearestOrEven)
    guard scaled < 9.0e18 else { return String(x) }
    let n = Int(scaled)
    let frac = n % 100
    return String(n / 100) + "." + (frac < 10 ? "0" : "") + String(frac)
  }

  /// A weight shape as a Python tuple: `(5, 25, 64)`, `(64,)`.
  public static func tuple(_ dims: [Int]) -> String {
    if dims.count == 1 { return "(\(dims[0]),)" }
    return "(" + dims.map(String.init).joined(separator: ", ") + ")"
  }

  /// A shape as Python prints a tuple, None for an unknown size: `(None, 4, 8)`, `(4,)`.
  public static func pythonShape(_ dims: [Int?]) -> String {
    if dims.count == 1 { return "(\(pythonDim(dims[0])),)" }
    return "(" + dims.map(pythonDim).joined(separator: ", ") + ")"
  }

  /// A size as Python prints it: `8`, `None`.
  public static func pythonDim(_ d: Int?) -> String { d.map(String.init) ?? "None" }

  /// `(None,25)` as written in a script.
  public static func scriptDims(_ s: Shape) -> String {
    let items = s.dims.map { $0.map(String.init) ?? "None" }
    return "(" + items.joined(separator: ",") + (items.count == 1 ? ",)" : ")")
  }

  /// The formula for display: `*` becomes `×`.
  public static func pretty(_ formula: String) -> String {
    var out = ""
    for c in formula { out.append(c == "*" ? "×" : c) }
    return out
  }

  /// Every number of 4 digits or more in `s` with thousands separators: `(1600 + 1) * 10` as
  /// `(1,600 + 1) * 10`, the style of the counts printed after it.
  public static func groupingNumbers(_ s: String) -> String {
    var out = ""
    var digits = ""
    func flush() {
      if digits.count >= 4, let n = Int(digits) { out += thousands(n) } else { out += digits }
      digits = ""
    }
    for c in s {
      if c.isASCII && c.isNumber {
        digits.append(c)
      } else {
        flush()
        out.append(c)
      }
    }
    flush()
    return out
  }

  /// The columns of a projector: `explain` keeps its lines within them.
  public static let lineWidth = 100

  /// The columns text takes on a terminal: one per character, none for the ANSI styling
  /// sequences (`ESC [ ... m`) and the UTF-8 continuation bytes.
  public static func columns<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
    var n = 0
    var inEscape = false
    for b in bytes {
      if inEscape {
        if b == UInt8(ascii: "m") { inEscape = false }
      } else if b == 0x1B {
        inEscape = true
      } else if b & 0xC0 != 0x80 && b != UInt8(ascii: "\n") {
        n += 1
      }
    }
    return n
  }

  /// `text` broken at spaces into lines of at most `width` columns: the first starts with `lead`
  /// (`leadWidth` columns wide on screen: it may hold styling), the others with `hanging` spaces.
  /// A word longer than a line stays whole. Each line ends with a newline.
  public static func wrap(
    _ text: String, lead: String, leadWidth: Int, hanging: Int, width: Int = lineWidth
  ) -> String {
    var out = lead
    var column = leadWidth
    var atStart = true
    let indent = String(repeating: " ", count: hanging)
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
      let n = word.count
      if !atStart && column + 1 + n > width {
        out += "\n" + indent
        column = hanging
        atStart = true
      }
      if !atStart {
        out += " "
        column += 1
      }
      out += word
      column += n
      atStart = false
    }
    return out + "\n"
  }

  /// An expression broken before its top-level ` + ` terms into pieces of at most `width`
  /// columns (the first piece `first` columns): `a * b + (c + d) * e` stays whole when it fits.
  public static func splitSum(_ s: String, first: Int, width: Int) -> [String] {
    var terms: [String] = []
    var depth = 0
    var current = ""
    let c = Array(s)
    var i = 0
    while i < c.count {
      if c[i] == "(" { depth += 1 }
      if c[i] == ")" { depth -= 1 }
      if depth == 0 && c[i] == " " && i + 2 < c.count && c[i + 1] == "+" && c[i + 2] == " " {
        terms.append(current)
        current = ""
        i += 1
        continue
      }
      current.append(c[i])
      i += 1
    }
    terms.append(current)
    var pieces: [String] = []
    var line = ""
    for t in terms {
      let limit = pieces.isEmpty ? first : width
      if line.isEmpty {
        line = t
      } else if line.count + 1 + t.count <= limit {
        line += " " + t
      } else {
        pieces.append(line)
        line = t
      }
    }
    pieces.append(line)
    return pieces
  }

  /// `s` broken after `separator`s into pieces of at most `width` columns (the first `first`):
  /// `TimeDistributed(TimeDistributed(Dense))` as `TimeDistributed(TimeDistributed(` and
  /// `Dense))`. A piece with no separator to break after stays whole.
  public static func splitAfter(
    _ separator: Character, _ s: String, first: Int, width: Int
  ) -> [String] {
    var pieces: [String] = []
    var line = ""
    var word = ""
    func limit() -> Int { pieces.isEmpty ? first : width }
    for c in s {
      word.append(c)
      guard c == separator else { continue }
      if !line.isEmpty && line.count + word.count > limit() {
        pieces.append(line)
        line = ""
      }
      line += word
      word = ""
    }
    if !line.isEmpty && line.count + word.count > limit() {
      pieces.append(line)
      line = ""
    }
    pieces.append(line + word)
    return pieces
  }

  /// Pads `s` on the right (or left) to `width` characters.
  public static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
    let n = s.count
    if n >= width { return s }
    let fill = String(repeating: " ", count: width - n)
    return right ? fill + s : s + fill
  }
}

/// A minimal JSON writer: objects built field by field, strings escaped.
public struct JSONObject {
  var text = "{"
  var first = true

  public init() {}

  mutating func key(_ k: String) {
    if !first { text += "," }
    first = false
    text += "\"" + k + "\":"
  }

  public mutating func add(_ k: String, _ v: String) {
    key(k)
    JSONObject.appendString(v, to: &text)
  }
  public mutating func add(_ k: String, _ v: Int) {
    key(k)
    text += String(v)
  }
  public mutating func add(_ k: String, _ v: Bool) {
    key(k)
    text += v ? "true" : "false"
  }
  public mutating func add(_ k: String, raw: String) {
    key(k)
    text += raw
  }
  public mutating func add(_ k: String, _ shape: Shape) {
    key(k)
    text += JSONObject.shape(shape)
  }

  public var string: String { text + "}" }

  public static func shape(_ s: Shape) -> String {
    "[null" + s.dims.map { "," + ($0.map(String.init) ?? "null") }.joined() + "]"
  }

  public static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

  /// A JSON string, quoted and escaped.
  public static func string(_ v: String) -> String {
    var out = ""
    appendString(v, to: &out)
    return out
  }

  public static func appendString(_ s: String, to out: inout String) {
    out += "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          let hex = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    out += "\""
  }
}
