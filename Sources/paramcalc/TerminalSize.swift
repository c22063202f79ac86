import CEditLineShim

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The terminal's width, for the prompt's output: the window's columns (TIOCGWINSZ on standard
/// output, else standard error, else standard input), else `COLUMNS`, else 100 (a projector's).
enum TerminalSize {
  static let fallback = 100

  /// The columns now (a window may be resized between two lines).
  static func columns() -> Int {
    for fd: Int32 in [1, 2, 0] {
      if let n = window(fd) { return n }
    }
    return environment(getenv("COLUMNS").map { String(cString: $0) }) ?? fallback
  }

  /// The columns of the terminal on `fd`, when it is one and says.
  static func window(_ fd: Int32) -> Int? {
    guard isatty(fd) != 0 else { return nil }
    var size = winsize()
    guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
    return Int(size.ws_col)
  }

  /// `COLUMNS` read as a positive number of columns (nil: absent or not one).
  static func environment(_ value: String?) -> Int? {
    guard let value, let n = Int(value.trimmingCharacters()), n > 0 else { return nil }
    return n
  }
}

extension String {
  fileprivate func trimmingCharacters() -> Substring {
    var s = self[...]
    while s.first == " " { s.removeFirst() }
    while s.last == " " { s.removeLast() }
    return s
  }
}
