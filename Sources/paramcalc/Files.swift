import ParamCalcCore

/// File input and output for `save`, `load` and script arguments.
enum Files {
  static func reason(_ code: Int32) -> String { String(cString: strerror(code)).lowercased() }

  /// Writes `text` to `path` atomically: a temporary file beside it, then a rename.
  static func save(_ text: String, to path: String, at span: Span) throws(ParamCalcError) {
    let temp = path + ".tmp-\(getpid())"
    let fd = Platform.open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd < 0 { throw .file(path: path, reason: "cannot write: " + reason(errno), at: span) }
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeMutableBytes {
        write(fd, $0.baseAddress! + offset, $0.count - offset)
      }
      if n < 0 {
        if errno == EINTR { continue }
        let e = errno
        close(fd)
        unlink(temp)
        throw .file(path: path, reason: "cannot write: " + reason(e), at: span)
      }
      offset += n
    }
    if fsync(fd) != 0 || close(fd) != 0 {
      let e = errno
      unlink(temp)
      throw .file(path: path, reason: "cannot write: " + reason(e), at: span)
    }
    if rename(temp, path) != 0 {
      let e = errno
      unlink(temp)
      throw .file(path: path, reason: "cannot write: " + reason(e), at: span)
    }
    bytes.removeAll()
  }

  /// Opens a script for reading: a clear error when it is missing or unreadable.
  static func open(forReading path: String, at span: Span) throws(ParamCalcError) -> Int32 {
    var st = stat()
    if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
      throw .file(path: path, reason: "is a directory, not a script", at: span)
    }
    let fd = Platform.open(path, O_RDONLY)
    if fd < 0 { throw .file(path: path, reason: "cannot read: " + reason(errno), at: span) }
    return fd
  }

  /// Loads a script line by line into `interpreter` (any size: lines are not kept), refusing
  /// binary content (NUL bytes, invalid UTF-8).
  static func load(_ path: String, into interpreter: inout Interpreter, at span: Span)
    throws(ParamCalcError) -> EditOutcome
  {
    let fd = try open(forReading: path, at: span)
    defer { close(fd) }
    var reader = LineReader(fd: fd, measuresLongLines: false)
    var loader = interpreter.beginLoad(path: path)
    while let line = reader.nextChecked() {
      switch line {
      case .text(let s):
        if try !loader.feed(s) { return try interpreter.finishLoad(loader, at: span) }
      case .binary(let why):
        throw loader.refuse(why, at: span)
      }
    }
    if reader.interrupted {
      throw .file(path: path, reason: "interrupted: nothing was loaded", at: span)
    }
    if reader.failure != 0 {
      throw .file(path: path, reason: "cannot read: " + reason(reader.failure), at: span)
    }
    return try interpreter.finishLoad(loader, at: span)
  }
}

extension LineReader {
  enum Checked {
    case text(String)
    case binary(String)
  }

  /// The next line, or why it is not text.
  mutating func nextChecked() -> Checked? {
    let line: String
    do {
      guard let next = try next() else { return nil }
      line = next
    } catch {
      return .binary("is longer than \(Format.thousands(LineReader.limit)) bytes, the limit")
    }
    if line.utf8.contains(0) { return .binary("has a NUL byte") }
    if line.unicodeScalars.contains("\u{FFFD}") { return .binary("is not valid UTF-8") }
    return .text(line)
  }
}
