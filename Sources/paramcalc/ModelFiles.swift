import ParamCalcCore

/// `import FILE`: reads a Keras model file, the JSON of `model.to_json()` or a `.keras` archive
/// (a zip whose `config.json` is that JSON), and hands the JSON to the core. Which one a file is
/// is told by its first bytes (a zip starts with `PK\3\4`), not by its name.
enum ModelFiles {
  /// The most a model file may hold (a `.keras` archive carries the weights too).
  static let limit = 1 << 30

  static func importModel(
    _ name: FileName, into interpreter: inout Interpreter, at span: Span
  ) throws(ParamCalcError) -> Response {
    let path = name.description
    let bytes = try contents(of: name, at: span)
    let json: ArraySlice<UInt8>
    if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
      do throws(ModelFileProblem) {
        json = try ZipArchive(bytes).member("config.json")
      } catch {
        throw .modelFile(path: path, error, at: span)
      }
    } else {
      json = bytes[...]
    }
    let result = json.withUnsafeBufferPointer { b in
      Result { () throws(ParamCalcError) in
        try interpreter.importModel(json: b, path: path, at: span)
      }
    }
    return try result.get()
  }

  /// `import FILE as NAME [from A]`: the model of a Keras file (JSON or `.keras` archive), or
  /// of a paramcalc script (a file that is neither: its first character is not `{`), added as
  /// one layer.
  static func importLayer(
    _ name: FileName, _ request: LayerRequest, into interpreter: inout Interpreter, at span: Span
  ) throws(ParamCalcError) -> Response {
    let path = name.description
    let bytes = try contents(of: name, at: span)
    var json: ArraySlice<UInt8>? = nil
    if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
      do throws(ModelFileProblem) {
        json = try ZipArchive(bytes).member("config.json")
      } catch {
        throw .modelFile(path: path, error, at: span)
      }
    } else if bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") {
      json = bytes[...]
    }
    guard let json else {
      guard let text = String(validating: bytes, as: UTF8.self) else {
        throw .file(path: path, reason: "is not UTF-8 text, a Keras file or a script", at: span)
      }
      return try interpreter.importLayer(script: text, path: path, request, at: span)
    }
    let result = json.withUnsafeBufferPointer { b in
      Result { () throws(ParamCalcError) in
        try interpreter.importLayer(json: b, path: path, request, at: span)
      }
    }
    return try result.get()
  }

  /// The whole file: a clear error when it is missing, unreadable, not a regular file or too big.
  static func contents(of name: FileName, at span: Span) throws(ParamCalcError) -> [UInt8] {
    let shown = name.description
    var st = stat()
    if Files.withCString(name.bytes, { stat($0, &st) }) == 0, st.st_mode & S_IFMT == S_IFDIR {
      throw .file(path: shown, reason: "is a directory, not a model file", at: span)
    }
    let fd = Files.withCString(name.bytes) { Platform.open($0, O_RDONLY | O_CLOEXEC) }
    if fd < 0 {
      let why =
        errno == EINTR
        ? "interrupted while waiting to open it" : "cannot read: " + Files.reason(errno)
      throw .file(path: shown, reason: why, at: span)
    }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw .file(path: shown, reason: "cannot read: " + Files.reason(errno), at: span)
      }
      if n == 0 { break }
      out.append(contentsOf: chunk[..<n])
      if out.count > limit {
        throw .file(
          path: shown,
          reason: "is larger than \(Format.thousands(limit)) bytes: not a model file import reads",
          at: span)
      }
    }
    return out
  }
}

/// The members of a zip archive, read from its central directory: enough of the format for the
/// archives Keras 3 writes (members stored, not compressed; no zip64).
struct ZipArchive {
  let b: [UInt8]

  init(_ bytes: [UInt8]) { b = bytes }

  func u16(_ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
  func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }

  /// The bytes of the member `name`.
  func member(_ name: String) throws(ModelFileProblem) -> ArraySlice<UInt8> {
    // The end of central directory record: 22 bytes and a comment of at most 65,535 bytes.
    var end = -1
    var i = b.count - 22
    while i >= max(0, b.count - 22 - 65_535) {
      if b[i] == 0x50, b[i + 1] == 0x4B, b[i + 2] == 0x05, b[i + 3] == 0x06 {
        end = i
        break
      }
      i -= 1
    }
    guard end >= 0 else {
      throw .archive("it starts as a zip archive but has no central directory (is it cut short?)")
    }
    let count = u16(end + 10)
    let directory = u32(end + 16)
    if count == 0xFFFF || directory == 0xFFFF_FFFF {
      throw .archive("it is a zip64 archive, which paramcalc does not read")
    }
    var p = directory
    var names: [String] = []
    for _ in 0..<count {
      guard p + 46 <= b.count, u32(p) == 0x0201_4B50 else {
        throw .archive("its central directory is damaged")
      }
      let method = u16(p + 10)
      let compressed = u32(p + 20)
      let size = u32(p + 24)
      let nameLength = u16(p + 28)
      let next = p + 46 + nameLength + u16(p + 30) + u16(p + 32)
      guard p + 46 + nameLength <= b.count else {
        throw .archive("its central directory is damaged")
      }
      let memberName = String(decoding: b[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
      names.append(memberName)
      if memberName == name {
        guard method == 0 else {
          let how = method == 8 ? "deflate" : "method \(method)"
          throw .archive(
            "its member '\(name)' is compressed (\(how)); Keras writes it stored, uncompressed, "
              + "and paramcalc reads only that")
        }
        let local = u32(p + 42)
        guard local + 30 <= b.count, u32(local) == 0x0403_4B50 else {
          throw .archive("the local header of '\(name)' is damaged")
        }
        let start = local + 30 + u16(local + 26) + u16(local + 28)
        guard compressed == size, start + size <= b.count else {
          throw .archive("the member '\(name)' is cut short")
        }
        return b[start..<(start + size)]
      }
      p = next
    }
    let listed = names.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
    throw .archive(
      "it has no '\(name)' (a .keras archive has one); it holds \(names.count) member"
        + "\(names.count == 1 ? "" : "s")\(names.isEmpty ? "" : ": " + listed)")
  }
}
