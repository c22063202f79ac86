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
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "paramcalc-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for (name, contents) in files {
      try Data(contents.utf8).write(to: dir.appendingPathComponent(name))
    }
    let r = try spawn(url, arguments, in: dir, stdin: Array(stdin.utf8), environment: environment)
    return Result(stdout: r.stdout, stderr: r.stderr, status: r.status)
  }

  /// How a process ended, and what it wrote.
  struct Outcome {
    var stdout: String
    var stderr: String
    /// The exit status, or the signal that ended the process.
    var status: Int32
    /// Whether it exited (rather than being ended by a signal, or killed when time ran out).
    var exited: Bool
  }

  /// Runs `executable` in `dir` with `stdin` (any bytes) on its input; its output streams go to
  /// files, not pipes, so that none can fill up and block either side. `NO_COLOR` is removed from
  /// the environment, then `environment` added. With `interruptAfter`, SIGINT is sent after that
  /// many seconds; after `timeout` seconds the process is killed.
  static func spawn(
    _ executable: URL, _ arguments: [String], in dir: URL, stdin: [UInt8] = [],
    environment: [String: String] = [:], timeout: Double = 600, interruptAfter: Double? = nil
  ) throws -> Outcome {
    let streams = FileManager.default.temporaryDirectory.appendingPathComponent(
      "paramcalc-streams-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: streams, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: streams) }
    let inURL = streams.appendingPathComponent("in")
    let outURL = streams.appendingPathComponent("out")
    let errURL = streams.appendingPathComponent("err")
    try Data(stdin).write(to: inURL)
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let p = Process()
    p.executableURL = executable
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = nil
    for (k, v) in environment { env[k] = v }
    p.environment = env
    p.currentDirectoryURL = dir
    let input = try FileHandle(forReadingFrom: inURL)
    let output = try FileHandle(forWritingTo: outURL)
    let errors = try FileHandle(forWritingTo: errURL)
    p.standardInput = input
    p.standardOutput = output
    p.standardError = errors
    try p.run()
    let start = Date()
    var interrupted = false
    while p.isRunning && Date().timeIntervalSince(start) < timeout {
      if let after = interruptAfter, !interrupted, Date().timeIntervalSince(start) >= after {
        kill(p.processIdentifier, SIGINT)
        interrupted = true
      }
      usleep(5_000)
    }
    let timedOut = p.isRunning
    if timedOut { kill(p.processIdentifier, SIGKILL) }
    p.waitUntilExit()
    try input.close()
    try output.close()
    try errors.close()
    return Outcome(
      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
      status: p.terminationStatus, exited: !timedOut && p.terminationReason == .exit)
  }

  /// A file of Fixtures/ (see Fixtures/README.md); a missing one is an error that names it.
  static func fixture(_ name: String) throws -> URL {
    guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
      throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/" + name])
    }
    return url
  }
}
