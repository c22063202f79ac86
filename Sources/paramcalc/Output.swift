import CEditLineShim

/// A buffered writer on a file descriptor. A write that fails (a closed pipe, a full disk) is
/// remembered in `failure` and ends writing on that descriptor; the runner decides what it means.
struct Output {
  let fd: Int32
  var buffer: [UInt8] = []
  let limit = 1 << 16
  /// The `errno` of the first write that failed, or 0.
  private(set) var failure: Int32 = 0

  init(fd: Int32) {
    self.fd = fd
    buffer.reserveCapacity(limit + 4096)
    // A long script writes megabytes into a pipe: a larger pipe lets paramcalc run ahead of the
    // reader instead of waiting for it every 64 KB. (Refused quietly where not allowed.)
    pc_grow_pipe(fd, 1 << 20)
  }

  mutating func write(_ s: String) {
    buffer.append(contentsOf: s.utf8)
    if buffer.count >= limit { flush() }
  }

  mutating func flushIfFull() {
    if buffer.count >= limit { flush() }
  }

  mutating func line(_ s: String) {
    write(s)
    buffer.append(0x0A)
  }

  mutating func flush() {
    if failure == 0 { failure = Output.write(buffer, to: fd) }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Records a write that failed elsewhere (a long output written as it was made).
  mutating func fail(_ code: Int32) {
    if failure == 0 { failure = code }
  }

  /// Writes all of `bytes` to `fd`; returns 0, or the `errno` of the write that failed.
  static func write(_ bytes: [UInt8], to fd: Int32) -> Int32 {
    bytes.withUnsafeBytes { write($0, to: fd) }
  }

  /// Writes all of `bytes` to `fd` (retrying after a signal other than SIGINT); returns 0, or
  /// the `errno` of the write that failed (EINTR when Ctrl-C stopped it).
  static func write(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Int32 {
    var offset = 0
    while offset < bytes.count {
      let n = Platform.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      // A write blocked on a reader that does not read gives way to Ctrl-C (the signal ends
      // it with EINTR, or with a short count when some bytes were taken).
      if pc_interrupt_pending() != 0 { return EINTR }
      if n < 0 {
        if errno == EINTR { continue }
        return errno
      }
      offset += n
    }
    return 0
  }
}
