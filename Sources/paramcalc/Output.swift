import CEditLineShim

/// A buffered writer on a file descriptor. A write to a closed pipe ends the program quietly.
struct Output {
  let fd: Int32
  var buffer: [UInt8] = []
  let limit = 1 << 16

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
    var offset = 0
    while offset < buffer.count {
      let n = buffer.withUnsafeBytes { raw in
        Platform.write(fd, raw.baseAddress! + offset, raw.count - offset)
      }
      if n < 0 {
        if errno == EINTR { continue }
        // EPIPE (the reader went away) or another failure: nothing more can be shown.
        buffer.removeAll()
        exit(errno == EPIPE ? 0 : 1)
      }
      offset += n
    }
    buffer.removeAll(keepingCapacity: true)
  }
}
