/// Remembers what recent lines resolved to, by the exact bytes of their variable part, so that a
/// script that repeats a line (a generated 100,000-layer model, say) parses and builds it once.
/// What is remembered depends only on those bytes (and on `owner`, when given): a layer built
/// from `dense units=64` is the same wherever that text stands, and definitions are immutable.
struct LineCache<Payload: Sendable>: Sendable {
  final class Entry: Sendable {
    /// The definition the bytes apply to (`set` changes a layer), kept alive so that its identity
    /// cannot be taken by another.
    let owner: Piece?
    let bytes: [UInt8]
    let payload: Payload
    init(owner: Piece?, bytes: [UInt8], payload: Payload) {
      self.owner = owner
      self.bytes = bytes
      self.payload = payload
    }
  }

  var entries: [Entry?] = Array(repeating: nil, count: 64)

  /// A multiplicative hash of the bytes (eight at a time) and the owner's identity.
  static func slot(_ b: UnsafeRawBufferPointer, _ owner: Piece?) -> Int {
    var h = UInt64(truncatingIfNeeded: b.count &+ (owner?.slot ?? 0)) &* 0x9E37_79B9_7F4A_7C15
    let n = b.count
    if n >= 8 {
      var i = 0
      while i + 8 < n {
        h = (h ^ b.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x100_0000_01b3
        h ^= h >> 29
        i += 8
      }
      // The last eight bytes (overlapping the word before when the length is not a multiple).
      h = (h ^ b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0x100_0000_01b3
    } else {
      for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
    }
    h = (h ^ (h >> 32)) &* 0x9E37_79B9_7F4A_7C15
    return Int(truncatingIfNeeded: h >> 58)  // the top 6 bits: one of 64 slots
  }

  /// Whether two byte runs of the same length are equal, compared eight bytes at a time.
  static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    let n = a.count
    guard n >= 8 else { return a.elementsEqual(b) }
    var i = 0
    while i + 8 < n {
      if a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        != b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      {
        return false
      }
      i += 8
    }
    return a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
      == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
  }

  func lookup(_ b: UnsafeRawBufferPointer, owner: Piece? = nil) -> Entry? {
    guard let e = entries[LineCache.slot(b, owner)], e.owner === owner, e.bytes.count == b.count
    else { return nil }
    return e.bytes.withUnsafeBytes { LineCache.equal($0, b) } ? e : nil
  }

  mutating func store(_ b: UnsafeRawBufferPointer, owner: Piece? = nil, _ payload: Payload) {
    entries[LineCache.slot(b, owner)] = Entry(owner: owner, bytes: Array(b), payload: payload)
  }
}
