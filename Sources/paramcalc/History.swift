/// The prompt's history on disk: `$XDG_STATE_HOME/paramcalc/history` (by default
/// `~/.local/state/paramcalc/history`), read when the prompt starts and added to as each line is
/// entered. Never used in script mode, nor with `--no-history`.
///
/// The file is plain text, one entry a line, each ended by a newline (not libedit's own format,
/// whose `history_truncate_file` corrupts the file on Linux; see ../shared/notes). How it is kept
/// whole when two sessions write at once, or one is killed while writing:
/// - Every change is made while holding an exclusive `flock` on the directory (not on the file,
///   which a trim replaces): two sessions' changes never interleave, and none is lost to a trim.
/// - A line is added by one `write` to the file opened with `O_APPEND`, the line and its newline
///   together: a process killed (even by SIGKILL) either wrote it or did not. Were a line ever
///   left without its newline (a full disk, a power cut), it is not read back, and the next
///   line added rewrites the file without it (as below): the file stays one entry a line.
/// - The file is bounded by rewriting it: once it holds more than `capacity + slack` entries,
///   the last `capacity` are written to a new file in the same directory (mode 0600), synced,
///   and renamed over the old one, atomically. A crash leaves the old file or the new one,
///   never half of one (at worst a stray temporary file). The slack means one rewrite every 100
///   lines rather than at every line once the history is full.
/// - No consecutive duplicates: a line equal to the file's last entry is not added again (the
///   check is made under the lock, so two sessions typing the same line add it once).
/// - Blank lines, lines over 64 KiB and lines containing a NUL are not recorded.
/// Without a lock (a file system that refuses `flock`), appends are still whole lines; only a
/// line added during another session's trim could be lost.
struct HistoryFile {
  /// The entries kept: what the prompt loads, and what a trim keeps.
  static let capacity = 1000
  /// How many entries past `capacity` the file may hold before it is rewritten.
  static let slack = 100
  /// The longest line recorded, in bytes.
  static let longestLine = 1 << 16
  /// At most this much of the end of the file is read (a file grown by other means).
  static let readLimit = 8 << 20

  let directory: String
  let path: String

  /// The history of this user, its directory made (mode 0700) if missing; nil when there is no
  /// home directory to put it in, or it cannot be made.
  static func standard() -> HistoryFile? {
    guard let directory = directoryPath() else { return nil }
    guard makeDirectories(directory) else { return nil }
    return HistoryFile(directory: directory, path: directory + "/history")
  }

  /// `$XDG_STATE_HOME/paramcalc` when that is an absolute path (the XDG specification ignores a
  /// relative one), else `$HOME/.local/state/paramcalc` (the password database's home when HOME
  /// is unset).
  static func directoryPath() -> String? {
    if let state = environment("XDG_STATE_HOME"), state.hasPrefix("/") {
      return state + "/paramcalc"
    }
    var home = environment("HOME")
    if home == nil, let entry = getpwuid(getuid()), let dir = entry.pointee.pw_dir {
      home = String(cString: dir)
    }
    guard let home, home.hasPrefix("/") else { return nil }
    return home + "/.local/state/paramcalc"
  }

  private static func environment(_ name: String) -> String? {
    guard let value = getenv(name), value.pointee != 0 else { return nil }
    return String(cString: value)
  }

  /// `mkdir -p` with mode 0700 for each directory made; true when the last one exists.
  static func makeDirectories(_ path: String) -> Bool {
    var prefix = ""
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
      prefix += "/" + part
      if mkdir(prefix, 0o700) != 0 && errno != EEXIST { return false }
    }
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// The entries of the file, oldest first: the last `capacity` complete lines, without blank
  /// lines or consecutive duplicates. Empty when there is no file yet.
  func load() -> [String] {
    withLock {
      let fd = Platform.open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { return [] }
      defer { close(fd) }
      return Array(HistoryFile.entries(HistoryFile.readTail(fd).bytes).suffix(HistoryFile.capacity))
    }
  }

  /// Records `line` as the newest entry (see the type's comment for how).
  func append(_ line: String) {
    guard HistoryFile.recordable(line) else { return }
    withLock {
      let fd = Platform.open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
      guard fd >= 0 else { return }
      defer { close(fd) }
      let (bytes, whole) = HistoryFile.readTail(fd)
      var entries = HistoryFile.entries(bytes)
      // A last line without its newline was cut short: the file is rewritten without it.
      let torn = bytes.last.map { $0 != 0x0A } ?? false
      if entries.last == line && !torn { return }
      if entries.count + 1 > HistoryFile.capacity + HistoryFile.slack || !whole || torn {
        if entries.last != line { entries.append(line) }
        rewrite(entries.suffix(HistoryFile.capacity))
        return
      }
      var record = Array(line.utf8)
      record.append(0x0A)
      _ = Output.write(record, to: fd)
    }
  }

  /// Replaces the file by one holding `entries`: a temporary file in the same directory, synced,
  /// then renamed over it.
  private func rewrite(_ entries: ArraySlice<String>) {
    var template = Array((path + ".XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { return }
    let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    var bytes: [UInt8] = []
    for entry in entries {
      bytes += entry.utf8
      bytes.append(0x0A)
    }
    let written = Output.write(bytes, to: fd) == 0 && fchmod(fd, 0o600) == 0 && fsync(fd) == 0
    close(fd)
    if !written || rename(temporary, path) != 0 { unlink(temporary) }
  }

  /// Runs `body` holding an exclusive lock on the directory (or without one, where refused).
  private func withLock<T>(_ body: () -> T) -> T {
    let fd = Platform.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
      while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
    }
    defer { if fd >= 0 { close(fd) } }
    return body()
  }

  /// Whether a line entered at the prompt goes into the file.
  static func recordable(_ line: String) -> Bool {
    !line.allSatisfy({ $0 == " " || $0 == "\t" }) && line.utf8.count <= longestLine
      && !line.utf8.contains(0)
  }

  /// The file's bytes (its last `readLimit` of them, from the start of a line), and whether that
  /// is the whole file.
  static func readTail(_ fd: Int32) -> (bytes: [UInt8], whole: Bool) {
    var info = stat()
    guard fstat(fd, &info) == 0 else { return ([], true) }
    let size = Int(info.st_size)
    let start = max(0, size - readLimit)
    var bytes = [UInt8](repeating: 0, count: size - start)
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeMutableBytes {
        pread(fd, $0.baseAddress! + done, $0.count - done, off_t(start + done))
      }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      done += n
    }
    bytes.removeLast(bytes.count - done)
    if start > 0, let newline = bytes.firstIndex(of: 0x0A) {
      bytes.removeFirst(newline + 1)
    }
    return (bytes, start == 0)
  }

  /// The complete lines of `bytes` (a last one without its newline is left out), without blank
  /// ones, long ones, or consecutive duplicates.
  static func entries(_ bytes: [UInt8]) -> [String] {
    var result: [String] = []
    var start = 0
    for i in bytes.indices where bytes[i] == 0x0A {
      let line = String(decoding: bytes[start..<i], as: UTF8.self)
      start = i + 1
      if recordable(line) && result.last != line { result.append(line) }
    }
    return result
  }
}
