import CEditLineShim

/// Reads lines from a file descriptor in large chunks, splitting on `\n` (a `\r` before it is
/// dropped). Stops at end of file, or when SIGINT arrives (`interrupted` is then true, and the
/// interrupt is left pending for the caller to take).
///
/// A line longer than `limit` bytes is not kept: its bytes are counted and dropped as they
/// arrive, so a stream without newlines (`/dev/zero`) holds at most about `limit` bytes of
/// memory, and every byte is looked at once however long the line.
struct LineReader {
  /// The longest line accepted: 1 MiB. No command needs more.
  static let limit = 1 << 20

  let fd: Int32
  /// Storage; the bytes read and not yet consumed are `start..<end`.
  var buffer: [UInt8] = []
  var start = 0
  var end = 0
  /// Bytes after `start` already searched for a newline (none there).
  var scanned = 0
  /// The length so far of a line over the limit whose end is not read yet.
  var skipped: Int?
  var eof = false
  /// Whether no line was given yet (a UTF-8 byte-order mark before the first is dropped).
  var first = true
  private(set) var interrupted = false
  private(set) var failure: Int32 = 0

  /// Whether a line over the limit is read to its end to report its length (a script), or
  /// reported as soon as it passes the limit (a file being loaded, which stops there).
  let measuresLongLines: Bool

  init(fd: Int32, measuresLongLines: Bool = true) {
    self.fd = fd
    self.measuresLongLines = measuresLongLines
  }

  /// Calls `body` with the bytes of the next line (valid only during the call), or `tooLong`
  /// with the length of a line over the limit; returns nil at the end. No copy and no string is
  /// made.
  mutating func nextBytes<R>(
    _ body: (UnsafeBufferPointer<UInt8>) -> R, tooLong: (Int) -> R
  ) -> R? {
    while true {
      let from = start + scanned
      let found: Int? = buffer.withUnsafeBufferPointer { [end] all in
        guard from < end else { return nil }
        guard let p = memchr(all.baseAddress! + from, 0x0A, end - from) else { return nil }
        return all.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
      }
      if let nl = found {
        let begin = start
        start = nl + 1
        scanned = 0
        if let length = skipped {
          skipped = nil
          return tooLong(length + nl - begin)
        }
        if nl - begin > LineReader.limit { return tooLong(nl - begin) }
        return line(from: begin, to: nl, body)
      }
      scanned = end - start
      if !measuresLongLines && scanned > LineReader.limit { return tooLong(scanned) }
      if skipped != nil || scanned > LineReader.limit {
        // Past the limit: count the bytes and let them go.
        skipped = (skipped ?? 0) + scanned
        start = end
        scanned = 0
      }
      if eof {
        if let length = skipped {
          skipped = nil
          return tooLong(length)
        }
        guard start < end else { return nil }
        let begin = start
        start = end
        scanned = 0
        return line(from: begin, to: end, body)
      }
      fill()
      if interrupted { return nil }
    }
  }

  /// `body` on the bytes `from..<to`, without a `\r` at the end, nor a byte-order mark at the
  /// start of the first line (editors on Windows write one; it is no part of a command).
  private mutating func line<R>(from: Int, to: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R)
    -> R
  {
    var from = from
    if first {
      first = false
      if to - from >= 3 && buffer[from] == 0xEF && buffer[from + 1] == 0xBB
        && buffer[from + 2] == 0xBF
      {
        from += 3
      }
    }
    let end = to > from && buffer[to - 1] == 0x0D ? to - 1 : to
    return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[from..<end])) }
  }

  mutating func fill() {
    // Ctrl-C ends the wait for input, and a stream that never blocks (a device, a fast pipe)
    // still gives way to it.
    if pc_wait_readable(fd) == 0 {
      interrupted = true
      return
    }
    let chunk = 1 << 16
    if start > 0 {
      // Move the unconsumed bytes to the front.
      let (from, count) = (start, end - start)
      buffer.withUnsafeMutableBytes { raw in
        if count > 0 { memmove(raw.baseAddress!, raw.baseAddress! + from, count) }
      }
      start = 0
      end = count
    }
    if buffer.count - end < chunk {
      buffer.append(contentsOf: [UInt8](repeating: 0, count: max(chunk, buffer.count)))
    }
    var got = 0
    while true {
      got = buffer.withUnsafeMutableBytes { [end] raw in
        read(fd, raw.baseAddress! + end, raw.count - end)
      }
      if got >= 0 { break }
      if errno == EINTR {
        if pc_interrupt_pending() != 0 {
          interrupted = true
          return
        }
        continue
      }
      failure = errno
      got = 0
      break
    }
    end += got
    if got == 0 { eof = true }
  }
}
