import ParamCalcCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// File names for Tab where a file name goes (`load`, `export svg`, `compare`, ...): the entries
/// of a directory as typed (the core matches and orders them; it does no I/O).
enum FileCompletion {
  /// The entries of `directory` (`""`: the current directory), each marked when it is a
  /// directory (a symbolic link to one counts); none when it cannot be read.
  static func list(_ directory: String) -> [Completion.FileEntry] {
    let path = directory.isEmpty ? "." : directory
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var out: [Completion.FileEntry] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
      }
      if name == "." || name == ".." { continue }
      var isDirectory = Int32(entry.pointee.d_type) == Int32(DT_DIR)
      let type = Int32(entry.pointee.d_type)
      if type == Int32(DT_LNK) || type == Int32(DT_UNKNOWN) {
        var st = stat()
        let full = (directory.isEmpty ? "" : directory) + name
        isDirectory = stat(full, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
      }
      out.append(Completion.FileEntry(name, isDirectory: isDirectory))
    }
    return out
  }
}
