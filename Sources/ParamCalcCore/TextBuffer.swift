/// Appending text to a byte buffer without building intermediate strings: the per-line output
/// of a long script goes through here.
extension Array where Element == UInt8 {
  @inlinable
  public mutating func append(text s: String) {
    var s = s
    s.withUTF8 { append(contentsOf: $0) }
  }

  @inlinable
  public mutating func append(ascii s: StaticString) {
    s.withUTF8Buffer { append(contentsOf: $0) }
  }

  /// A whole number, with thousands separators when `grouped`: `8,064`.
  public mutating func append(decimal n: Int, grouped: Bool = true) {
    if n < 0 { append(UInt8(ascii: "-")) }
    var m = n.magnitude
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digits in
      var i = 32
      var count = 0
      repeat {
        if grouped && count > 0 && count % 3 == 0 {
          i -= 1
          digits[i] = UInt8(ascii: ",")
        }
        i -= 1
        digits[i] = UInt8(truncatingIfNeeded: m % 10) &+ 0x30
        m /= 10
        count += 1
      } while m > 0
      append(contentsOf: UnsafeBufferPointer(rebasing: digits[i..<32]))
    }
  }

  /// A Keras shape with the batch dimension: `(None, 25)`.
  public mutating func append(shape s: Shape) {
    append(ascii: "(None")
    for d in s.dims {
      append(ascii: ", ")
      if let d { append(decimal: d, grouped: false) } else { append(ascii: "None") }
    }
    append(UInt8(ascii: ")"))
  }
}
