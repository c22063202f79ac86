import Foundation
import Testing

/// Runs the built `paramcalc` binary.
enum Binary {
  /// `.build/<config>/paramcalc`, beside the test bundle; or the binary named by
  /// `PARAMCALC_BINARY` (to run these tests on the release build: `make test-release`).
  static let url: URL = {
    if let path = ProcessInfo.processInfo.environment["PARAMCALC_BINARY"], !path.isEmpty {
      return URL(fileURLWithPath: path)
    }
    var dir = Bundle.module.bundleURL.deletingLastPathComponent()
    for _ in 0..<3 {
      let candidate = dir.appendingPathComponent("paramcalc")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("paramcalc")
  }()

  struct Result {
    var stdout: String
    var stderr: String
    var status: Int32
  }

  /// Runs the binary in a new empty working directory, with `files` written into it first.
  static func run(
    _ arguments: [String] = [], stdin: String, environment: [String: String] = [:],
    files: [String: String] = [:]
  ) throws -> Result {
    let p = Process()
    p.executableURL = url
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = nil
    for (k, v) in environment { env[k] = v }
    p.environment = env
    // Files rather than pipes: no pipe can fill up and block either side.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "paramcalc-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for (name, contents) in files {
      try Data(contents.utf8).write(to: dir.appendingPathComponent(name))
    }
    let inURL = dir.appendingPathComponent("in")
    let outURL = dir.appendingPathComponent("out")
    let errURL = dir.appendingPathComponent("err")
    try Data(stdin.utf8).write(to: inURL)
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let input = try FileHandle(forReadingFrom: inURL)
    let output = try FileHandle(forWritingTo: outURL)
    let errors = try FileHandle(forWritingTo: errURL)
    p.standardInput = input
    p.standardOutput = output
    p.standardError = errors
    p.currentDirectoryURL = dir
    try p.run()
    p.waitUntilExit()
    try input.close()
    try output.close()
    try errors.close()
    return Result(
      stdout: try String(contentsOf: outURL, encoding: .utf8),
      stderr: try String(contentsOf: errURL, encoding: .utf8),
      status: p.terminationStatus)
  }

  /// A file of Fixtures/ (see Fixtures/README.md); a missing one is an error that names it.
  static func fixture(_ name: String) throws -> URL {
    guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
      throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/" + name])
    }
    return url
  }
}
