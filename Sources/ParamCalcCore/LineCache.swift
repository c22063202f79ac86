/// Remembers the layers built for recent `add` lines, by their exact bytes, so that a script
/// that repeats a line (a generated 100,000-layer model, say) parses and builds it once. A layer
/// built from a line depends only on the line's text, and its definition is immutable, so the
/// model shares one definition between all the layers that line added.
struct LineCache {
  final class Entry: Sendable {
    let bytes: [UInt8]
    /// Where the layer type stands in the line (errors point there).
    let typeSpan: Span
    let command: Command
    let built: BuiltLayer
    init(bytes: [UInt8], typeSpan: Span, command: Command, built: BuiltLayer) {
      self.bytes = bytes
      self.typeSpan = typeSpan
      self.command = command
      self.built = built
    }
  }

  static let slots = 64
  var entries: [Entry?] = Array(repeating: nil, count: LineCache.slots)

  /// FNV-1a over the line's bytes.
  static func hash(_ b: UnsafeBufferPointer<UInt8>) -> Int {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for c in b {
      h ^= UInt64(c)
      h = h &* 0x100_0000_01b3
    }
    return Int(truncatingIfNeeded: h % UInt64(LineCache.slots))
  }

  func lookup(_ b: UnsafeBufferPointer<UInt8>) -> Entry? {
    guard let e = entries[LineCache.hash(b)], e.bytes.count == b.count else { return nil }
    return e.bytes.withUnsafeBufferPointer { $0.elementsEqual(b) } ? e : nil
  }

  mutating func store(
    _ b: UnsafeBufferPointer<UInt8>, typeSpan: Span, command: Command, built: BuiltLayer
  ) {
    entries[LineCache.hash(b)] = Entry(
      bytes: Array(b), typeSpan: typeSpan, command: command, built: built)
  }
}
