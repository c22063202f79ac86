/// Number and text formatting shared by the renderers.
public enum Format {
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
  public static func memory(params: Int) -> String {
    var size = Double(params) * 4
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
