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
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digits in
      var w = RawWriter(digits.baseAddress!)
      w.decimal(n, grouped: grouped)
      append(contentsOf: UnsafeBufferPointer(start: digits.baseAddress, count: w.count))
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

/// Writes bytes through a pointer into memory the caller has sized: a line assembled here is
/// appended to the output in one piece.
struct RawWriter {
  let base: UnsafeMutablePointer<UInt8>
  var count = 0

  init(_ base: UnsafeMutablePointer<UInt8>) { self.base = base }

  mutating func byte(_ b: UInt8) {
    base[count] = b
    count += 1
  }

  mutating func bytes(_ b: UnsafeBufferPointer<UInt8>) {
    guard let from = b.baseAddress else { return }
    (base + count).update(from: from, count: b.count)
    count += b.count
  }

  mutating func ascii(_ s: StaticString) {
    bytes(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
  }

  mutating func text(_ s: String) {
    var s = s
    s.withUTF8 { bytes($0) }
  }

  /// A whole number (at most 27 bytes), with thousands separators when `grouped`: `8,064`.
  /// Written three digits at a time, from the right.
  mutating func decimal(_ n: Int, grouped: Bool) {
    if n < 0 { byte(UInt8(ascii: "-")) }
    var m = n.magnitude
    var groups = 1
    var p: UInt = 1000
    while groups < 7 && m >= p {
      groups += 1
      p = p &* 1000
    }
    // The leading group has 1 to 3 digits; each later one exactly 3 (and a comma before it).
    var lead = m
    for _ in 1..<groups { lead /= 1000 }
    let leadDigits = lead >= 100 ? 3 : lead >= 10 ? 2 : 1
    let width = leadDigits + (groups - 1) * (grouped ? 4 : 3)
    var i = count + width
    for _ in 1..<groups {
      let g = Int(m % 1000)
      m /= 1000
      i -= 3
      base[i] = UInt8(truncatingIfNeeded: g / 100) &+ 0x30
      base[i + 1] = UInt8(truncatingIfNeeded: (g / 10) % 10) &+ 0x30
      base[i + 2] = UInt8(truncatingIfNeeded: g % 10) &+ 0x30
      if grouped {
        i -= 1
        base[i] = UInt8(ascii: ",")
      }
    }
    var g = Int(m)
    repeat {
      i -= 1
      base[i] = UInt8(truncatingIfNeeded: g % 10) &+ 0x30
      g /= 10
    } while g > 0
    count += width
  }
}
