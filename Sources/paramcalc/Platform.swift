// The one file of the executable that names the platform. Glibc (Linux) and Darwin (macOS)
// export the same POSIX calls; the other files call them unqualified (`open`, `write`, `exit`),
// so the executable compiles on both. Where a type of ours has a member of the same name, the
// call goes through `Platform` instead of naming `Glibc.` or `Darwin.`.
import ParamCalcCore

#if canImport(Glibc)
  @_exported import Glibc
#elseif canImport(Darwin)
  @_exported import Darwin
#endif

enum Platform {
  /// `open(2)`, on a name given as bytes (a file name need not be UTF-8).
  static func open(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
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

extension Platform {
  /// The address space the process may use (`ulimit -v`), in bytes; nil when unlimited.
  static func addressSpaceLimit() -> Int? {
    var limit = rlimit()
    #if canImport(Glibc)
      let resource = __rlimit_resource_t(RLIMIT_AS.rawValue)
    #else
      let resource = RLIMIT_AS
    #endif
    // RLIM_INFINITY is all ones, beyond Int.max.
    guard getrlimit(resource, &limit) == 0, limit.rlim_cur < rlim_t(Int.max) else { return nil }
    return Int(limit.rlim_cur)
  }

  /// The address space the process uses now, in bytes, where the system says (Linux:
  /// `/proc/self/statm`); nil elsewhere.
  static func addressSpaceUsed() -> Int? {
    #if os(Linux)
      let fd = open("/proc/self/statm", O_RDONLY)
      guard fd >= 0 else { return nil }
      defer { close(fd) }
      var bytes = [UInt8](repeating: 0, count: 64)
      let n = read(fd, &bytes, bytes.count)
      guard n > 0 else { return nil }
      var pages = 0
      for b in bytes[0..<n] {
        guard b >= 0x30 && b <= 0x39 else { break }
        pages = pages * 10 + Int(b - 0x30)
      }
      return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    #else
      return nil
    #endif
  }
}

extension Platform {
  /// What the process uses, in bytes, when it is past three quarters of `limit` (its
  /// address-space limit, if any): time to stop before the allocator aborts; nil otherwise.
  static func memoryNearlyExhausted(limit: Int?) -> Int? {
    guard let limit, let used = addressSpaceUsed(), used > limit - limit / 4 else { return nil }
    return used
  }

  /// `used` of `limit`, in words: "61 MB of the 78 MB this process may use".
  static func memoryUse(_ used: Int, of limit: Int?) -> String {
    func megabytes(_ n: Int) -> String { Format.thousands(n >> 20) + " MB" }
    return "\(megabytes(used)) of the \(megabytes(limit ?? 0)) this process may use"
  }
}
