// The one file of the executable that names the platform. Glibc (Linux) and Darwin (macOS)
// export the same POSIX calls; the other files call them unqualified (`open`, `write`, `exit`),
// so the executable compiles on both. Where a type of ours has a member of the same name, the
// call goes through `Platform` instead of naming `Glibc.` or `Darwin.`.
#if canImport(Glibc)
  @_exported import Glibc
#elseif canImport(Darwin)
  @_exported import Darwin
#endif

enum Platform {
  /// `open(2)`.
  static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    #if canImport(Glibc)
      Glibc.open(path, flags, mode)
    #else
      Darwin.open(path, flags, mode)
    #endif
  }

  /// `write(2)`.
  static func write(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
      Glibc.write(fd, bytes, count)
    #else
      Darwin.write(fd, bytes, count)
    #endif
  }
}
