/// A stack kept in chunks of fixed size: pushing never copies what is already stacked, and the
/// memory of a long history is touched once. (An array doubles and copies as it grows: for the
/// million-edit history of a long script that is tens of megabytes moved and faulted in again.)
struct ChunkedStack<Element: Sendable>: Sendable {
  /// Every chunk but the last is full; the last may be empty (kept for the next push).
  private var chunks: [[Element]] = []
  private(set) var count = 0
  static var chunkSize: Int { 4096 }

  var isEmpty: Bool { count == 0 }

  var last: Element? {
    guard let tail = chunks.last else { return nil }
    if let e = tail.last { return e }
    return chunks.count >= 2 ? chunks[chunks.count - 2].last : nil
  }

  mutating func append(_ e: Element) {
    if chunks.isEmpty || chunks[chunks.count - 1].count == Self.chunkSize {
      var chunk: [Element] = []
      chunk.reserveCapacity(Self.chunkSize)
      chunks.append(chunk)
    }
    chunks[chunks.count - 1].append(e)
    count += 1
  }

  mutating func removeLast() {
    precondition(count > 0, "removeLast on an empty stack")
    if chunks[chunks.count - 1].isEmpty { chunks.removeLast() }
    chunks[chunks.count - 1].removeLast()
    count -= 1
  }

  mutating func removeAll() {
    chunks.removeAll()
    count = 0
  }

  /// The elements, bottom first.
  var elements: [Element] { chunks.flatMap { $0 } }
}
