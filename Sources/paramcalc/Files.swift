import ParamCalcCore

/// File input and output for `save`, `load` and script arguments. File names are bytes
/// (`FileName`) from the line or the command line down to the system calls; they are shown in
/// messages in `FileName`'s lossless form.
enum Files {
  static func reason(_ code: Int32) -> String { String(cString: strerror(code)).lowercased() }

  /// Calls `body` with `name` as a NUL-terminated C string.
  static func withCString<R>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
    var bytes = name
    bytes.append(0)
    return bytes.withUnsafeBufferPointer {
      $0.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
    }
  }

  /// What a file that is not a regular file is, in words.
  static func kind(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFDIR: return "a directory"
    case S_IFIFO: return "a FIFO (named pipe)"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFSOCK: return "a socket"
    case S_IFLNK: return "a symbolic link"
    default: return "not a regular file"
    }
  }

  /// The directory part of a path (`.` when it has none) and the last component.
  static func split(_ path: [UInt8]) -> (dir: [UInt8], base: [UInt8]) {
    guard let slash = path.lastIndex(of: UInt8(ascii: "/")) else {
      return ([UInt8(ascii: ".")], path)
    }
    let dir = slash == 0 ? [UInt8(ascii: "/")] : Array(path[..<slash])
    return (dir, Array(path[(slash + 1)...]))
  }

  /// The file a save to `path` writes: `path` itself, or, through symbolic links, the file they
  /// lead to (which need not exist yet: a dangling link names the file to create). With the
  /// `lstat` of that file when it exists.
  static func target(of path: [UInt8]) -> (path: [UInt8], stat: stat?, error: Int32) {
    var current = path
    for _ in 0..<40 {
      var st = stat()
      if withCString(current, { lstat($0, &st) }) != 0 {
        let e = errno
        return (current, nil, e == ENOENT ? 0 : e)
      }
      guard st.st_mode & S_IFMT == S_IFLNK else { return (current, st, 0) }
      var buffer = [UInt8](repeating: 0, count: 4096)
      let n = withCString(current) { name in
        buffer.withUnsafeMutableBufferPointer {
          $0.withMemoryRebound(to: CChar.self) { readlink(name, $0.baseAddress!, $0.count) }
        }
      }
      if n < 0 { return (current, nil, errno) }
      let link = Array(buffer[..<n])
      if link.first == UInt8(ascii: "/") {
        current = link
      } else {
        let (dir, _) = split(current)
        current = dir + [UInt8(ascii: "/")] + link
      }
    }
    return (current, nil, ELOOP)
  }

  /// Writes `text` to the file `name` atomically, so that nothing is lost and nothing is
  /// clobbered:
  /// - a symbolic link is followed and the file it leads to is replaced (the link stays a link);
  /// - a FIFO, directory, device or socket is refused, and left alone;
  /// - the text goes to a new file of an unpredictable name beside the target, created
  ///   exclusively (`mkstemp`: a planted link cannot redirect it), written, flushed to disk,
  ///   then renamed over the target, and the directory is flushed;
  /// - a file replaced keeps its permission bits; a new one gets 0666 less the umask;
  /// - on any failure the temporary file is removed and the old file is as it was.
  static func save(_ text: String, to name: FileName, at span: Span) throws(ParamCalcError) {
    let shown = name.description
    func fail(_ what: String, _ code: Int32) -> ParamCalcError {
      .file(path: shown, reason: what + reason(code), at: span)
    }
    // What load could not read back is not written.
    var tooLong = 0
    var number = 0
    for line in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
      number += 1
      if line.count > LineReader.limit {
        tooLong = line.count
        break
      }
    }
    if tooLong > 0 {
      throw .file(
        path: shown,
        reason:
          "cannot write: line \(number) of the script would be \(Format.thousands(tooLong)) bytes "
          + "long, over the \(Format.thousands(LineReader.limit))-byte limit that load reads",
        at: span)
    }
    try write(text, to: name, at: span, by: "save")
  }

  /// Writes `text` to the file `name` atomically, as `save` does (see `save`); `command` names
  /// the command in the refusal of a file that is not a regular one.
  static func write(_ text: String, to name: FileName, at span: Span, by command: String)
    throws(ParamCalcError)
  {
    let shown = name.description
    func fail(_ what: String, _ code: Int32) -> ParamCalcError {
      .file(path: shown, reason: what + reason(code), at: span)
    }
    let (path, existing, lookError) = target(of: name.bytes)
    if lookError != 0 { throw fail("cannot write: ", lookError) }
    if let existing, existing.st_mode & S_IFMT != S_IFREG {
      var what = "is " + kind(existing.st_mode)
      if path != name.bytes { what = "leads to \(FileName.display(path)), which " + what }
      throw .file(
        path: shown, reason: what + ", not a regular file: \(command) writes only regular files",
        at: span)
    }
    let (dir, base) = split(path)
    // `.NAME.XXXXXX` (NAME cut short where the whole would pass the usual 255-byte limit).
    var template = dir + Array("/.".utf8) + base.prefix(240) + Array(".XXXXXX".utf8) + [0]
    let fd = template.withUnsafeMutableBufferPointer {
      $0.withMemoryRebound(to: CChar.self) { mkstemp($0.baseAddress!) }
    }
    if fd < 0 { throw fail("cannot write: ", errno) }
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    let temp = Array(template.dropLast())
    func abandon(_ code: Int32) -> ParamCalcError {
      close(fd)
      _ = withCString(temp) { unlink($0) }
      return fail("cannot write: ", code)
    }
    let mode: mode_t
    if let existing {
      mode = existing.st_mode & 0o7777
      // Keep the owner and group where allowed (it is not, for another user's file: then the
      // new file is ours, with the old permission bits).
      if existing.st_uid != geteuid() || existing.st_gid != getegid() {
        _ = fchown(fd, existing.st_uid, existing.st_gid)
      }
    } else {
      let mask = umask(0)
      umask(mask)
      mode = 0o666 & ~mask
    }
    if fchmod(fd, mode) != 0 { throw abandon(errno) }
    var bytes = text
    let failure = bytes.withUTF8 { Output.write(UnsafeRawBufferPointer($0), to: fd) }
    if failure != 0 { throw abandon(failure) }
    if fsync(fd) != 0 { throw abandon(errno) }
    if close(fd) != 0 {
      let e = errno
      _ = withCString(temp) { unlink($0) }
      throw fail("cannot write: ", e)
    }
    let renamed = withCString(temp) { t in withCString(path) { rename(t, $0) } }
    if renamed != 0 {
      let e = errno
      _ = withCString(temp) { unlink($0) }
      throw fail("cannot write: ", e)
    }
    // The rename is on disk once the directory is: flush it (where a directory can be opened).
    let dirFD = withCString(dir) { Platform.open($0, O_RDONLY | O_CLOEXEC) }
    if dirFD >= 0 {
      _ = fsync(dirFD)
      close(dirFD)
    }
  }

  /// Opens a script for reading: a clear error when it is missing or unreadable.
  static func open(forReading name: FileName, at span: Span) throws(ParamCalcError) -> Int32 {
    var st = stat()
    if withCString(name.bytes, { stat($0, &st) }) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
      throw .file(path: name.description, reason: "is a directory, not a script", at: span)
    }
    let fd = withCString(name.bytes) { Platform.open($0, O_RDONLY | O_CLOEXEC) }
    if fd < 0 {
      // Opening a FIFO waits for a writer: Ctrl-C ends the wait.
      let why =
        errno == EINTR ? "interrupted while waiting to open it" : "cannot read: " + reason(errno)
      throw .file(path: name.description, reason: why, at: span)
    }
    return fd
  }

  /// Loads a script line by line into `interpreter` (any size: lines are not kept), refusing
  /// binary content (NUL bytes, invalid UTF-8).
  static func load(
    _ name: FileName, into interpreter: inout Interpreter, at span: Span, memoryLimit: Int?
  ) throws(ParamCalcError) -> EditOutcome {
    let loader = try read(
      name, into: interpreter.beginLoad(path: name.description), at: span,
      memoryLimit: memoryLimit)
    return try interpreter.finishLoad(loader, at: span)
  }

  /// `compare FILE`: the model the script builds (read as `load` reads it) compared with the
  /// model now, which is unchanged.
  static func compare(
    _ name: FileName, with interpreter: Interpreter, at span: Span, memoryLimit: Int?
  ) throws(ParamCalcError) -> Response {
    let loader = try read(
      name, into: interpreter.beginLoad(path: name.description), at: span,
      memoryLimit: memoryLimit)
    return interpreter.compare(with: loader)
  }

  /// Runs a script's lines through `loader`, to its end or its `quit`.
  static func read(_ name: FileName, into start: Loader, at span: Span, memoryLimit: Int?)
    throws(ParamCalcError) -> Loader
  {
    let fd = try open(forReading: name, at: span)
    defer { close(fd) }
    let path = name.description
    var reader = LineReader(fd: fd, measuresLongLines: false)
    var loader = start
    var lines = 0
    while let line = reader.nextChecked() {
      lines += 1
      if lines % 4096 == 0, let used = Platform.memoryNearlyExhausted(limit: memoryLimit) {
        throw .file(
          path: path,
          reason:
            "memory nearly exhausted at line \(Format.thousands(lines)) "
            + "(\(Platform.memoryUse(used, of: memoryLimit)), ulimit -v): nothing was loaded",
          at: span)
      }
      switch line {
      case .text(let s):
        if try !loader.feed(s) { return loader }
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
    return loader
  }

  /// The script arguments as the bytes the command line gave (a file name need not be UTF-8;
  /// `CommandLine.arguments` has repaired those that are not). `files` are the arguments as
  /// strings, in their order on the command line; each is matched to the next argument that
  /// decodes to it.
  static func argumentBytes(_ files: [String]) -> [FileName] {
    var raw: [[UInt8]] = []
    let argv = CommandLine.unsafeArgv
    for i in 1..<Int(CommandLine.argc) {
      guard let p = argv[i] else { continue }
      let n = strlen(p)
      raw.append(
        p.withMemoryRebound(to: UInt8.self, capacity: n) {
          Array(UnsafeBufferPointer(start: $0, count: n))
        })
    }
    var next = 0
    return files.map { file in
      var k = next
      while k < raw.count {
        if String(decoding: raw[k], as: UTF8.self) == file {
          next = k + 1
          return FileName(bytes: raw[k])
        }
        k += 1
      }
      return FileName(file)
    }
  }
}

extension LineReader {
  enum Checked {
    case text(String)
    case binary(String)
  }

  /// The next line, or why it is not text: a NUL byte, or bytes that are not valid UTF-8 (the
  /// character U+FFFD, validly encoded, is text).
  mutating func nextChecked() -> Checked? {
    nextBytes(
      { bytes -> Checked in
        if bytes.contains(0) { return .binary("has a NUL byte") }
        if !UTF8Scan.isValid(bytes) { return .binary("is not valid UTF-8") }
        return .text(String(decoding: bytes, as: UTF8.self))
      },
      tooLong: { _ in
        .binary("is longer than \(Format.thousands(LineReader.limit)) bytes, the limit")
      })
  }
}
