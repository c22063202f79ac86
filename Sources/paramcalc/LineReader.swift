import CEditLineShim

/// Reads lines from a file descriptor in large chunks, splitting on `\n` (a `\r` before it is
/// dropped). Stops at end of file, or when SIGINT arrives (`interrupted` is then true).
struct LineReader {
  let fd: Int32
  var buffer: [UInt8] = []
  var start = 0
  var eof = false
  private(set) var interrupted = false
  private(set) var failure: Int32 = 0

  init(fd: Int32) { self.fd = fd }

  /// The next line as a string, or nil at the end.
  mutating func next() -> String? {
    nextBytes { String(decoding: $0, as: UTF8.self) }
  }

  /// Calls `body` with the bytes of the next line (valid only during the call), or returns nil at
  /// the end. No copy and no string is made.
  mutating func nextBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
    while true {
      let found: Int? = buffer.withUnsafeBufferPointer { all in
        guard start < all.count else { return nil }
        guard let p = memchr(all.baseAddress! + start, 0x0A, all.count - start) else { return nil }
        return all.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
      }
      if let nl = found {
        var end = nl
        if end > start && buffer[end - 1] == 0x0D { end -= 1 }
        let from = start
        start = nl + 1
        return buffer.withUnsafeBufferPointer {
          body(UnsafeBufferPointer(rebasing: $0[from..<end]))
        }
      }
      if eof {
        guard start < buffer.count else { return nil }
        var end = buffer.count
        if buffer[end - 1] == 0x0D { end -= 1 }
        let from = start
        start = buffer.count
        return buffer.withUnsafeBufferPointer {
          body(UnsafeBufferPointer(rebasing: $0[from..<end]))
        }
      }
      fill()
      if interrupted { return nil }
    }
  }

  mutating func fill() {
    if start > 0 {
      buffer.removeFirst(start)
      start = 0
    }
    let chunk = 1 << 16
    let old = buffer.count
    buffer.reserveCapacity(old + chunk)
    var got = 0
    buffer.append(contentsOf: repeatElement(0, count: chunk))
    while true {
      got = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + old, chunk) }
      if got >= 0 { break }
      if errno == EINTR {
        if pc_take_interrupt() != 0 {
          interrupted = true
          got = 0
          break
        }
        continue
      }
      failure = errno
      got = 0
      break
    }
    buffer.removeLast(chunk - got)
    if got == 0 { eof = true }
  }
}
