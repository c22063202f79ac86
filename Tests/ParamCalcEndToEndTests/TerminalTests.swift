import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The binary at a pseudo-terminal: the interactive prompt, typed at as a person would.
final class Terminal {
  let master: Int32
  let pid: pid_t
  var screen = ""

  /// The read end of the pipe that is the program's stdout, when `stdoutToPipe` (else -1).
  let stdoutPipe: Int32
  /// What arrived on that pipe (read by `exitStatus()`).
  var piped = ""

  /// Starts the binary on a new pseudo-terminal. The environment is the test's, with `TERM=xterm`,
  /// `NO_COLOR=1` and a new empty HOME unless `environment` says otherwise (a nil value removes a
  /// variable).
  /// With `stdoutToPipe`, stdout is a pipe rather than the terminal (stdin and stderr stay on it).
  /// `columns` is the window's width (the terminal's own size, as TIOCGWINSZ reports it);
  /// `directory`, when given, the program's working directory.
  init(
    _ arguments: [String] = [], environment: [String: String?] = [:], stdoutToPipe: Bool = false,
    columns: UInt16 = 120, directory: String? = nil
  ) throws {
    let path = Binary.url.path
    // Everything the child needs is prepared before fork: after it, only dup2, close and exec.
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    var env = ProcessInfo.processInfo.environment
    env["TERM"] = "xterm"
    env["NO_COLOR"] = "1"
    // A home of its own: the prompt keeps its history there, and reads no one's ~/.editrc.
    let home = NSTemporaryDirectory() + "paramcalc-terminal-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    env["HOME"] = home
    env["XDG_STATE_HOME"] = home + "/state"
    env.removeValue(forKey: "EDITRC")
    for (k, v) in environment { env[k] = v }
    let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    var pipeEnds: [Int32] = [-1, -1]
    if stdoutToPipe, pipe(&pipeEnds) != 0 { throw POSIXError(.EMFILE) }
    var fd: Int32 = -1
    var size = winsize(ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
    let workingDirectory = directory.flatMap { strdup($0) }
    defer { workingDirectory.map { free($0) } }
    let child = forkpty(&fd, nil, nil, &size)
    if child == 0 {
      if let workingDirectory, chdir(workingDirectory) != 0 { _exit(126) }
      if stdoutToPipe {
        dup2(pipeEnds[1], 1)
        close(pipeEnds[0])
        close(pipeEnds[1])
      }
      execve(path, argv, envp)
      _exit(127)
    }
    guard child > 0 else { throw POSIXError(.EAGAIN) }
    pid = child
    master = fd
    if stdoutToPipe { close(pipeEnds[1]) }
    stdoutPipe = pipeEnds[0]
    for p in argv { free(p) }
    for p in envp { free(p) }
  }

  /// Reads what the program shows until `text` appears (or 10 s pass).
  @discardableResult
  func wait(for text: String, after offset: String.Index? = nil) -> Bool {
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
      let from = offset ?? screen.startIndex
      if screen[from...].contains(text) { return true }
      var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
      if poll(&poller, 1, 100) > 0 {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(master, &buffer, buffer.count)
        if n <= 0 { break }
        screen += String(decoding: buffer[0..<n], as: UTF8.self)
      }
    }
    let from = offset ?? screen.startIndex
    return screen[from...].contains(text)
  }

  /// Where the last prompt seen ends.
  var consumed: String.Index?

  /// Waits for the next prompt after the last one seen.
  /// Waits for the prompt that follows `text` (itself after `from`), and takes it as consumed.
  func promptAfter(_ text: String, from: String.Index) -> Bool {
    guard wait(for: text, after: from), let r = screen[from...].range(of: text),
      wait(for: "paramcalc> ", after: r.upperBound),
      let p = screen[r.upperBound...].range(of: "paramcalc> ")
    else { return false }
    consumed = p.upperBound
    return true
  }

  func nextPrompt() -> Bool {
    let from = consumed ?? screen.startIndex
    guard wait(for: "paramcalc> ", after: from), let r = screen[from...].range(of: "paramcalc> ")
    else {
      return false
    }
    consumed = r.upperBound
    return true
  }

  func type(_ keys: String) {
    let bytes = Array(keys.utf8)
    _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
  }

  /// How a process ended, decoded from a `waitpid` status as WIFEXITED/WEXITSTATUS and
  /// WIFSIGNALED/WTERMSIG do (the macros are not imported into Swift).
  enum Ending: Equatable, CustomStringConvertible {
    case exited(Int32)
    case killedBy(signal: Int32)
    case stillRunning

    init(waitStatus status: Int32) {
      let low = status & 0x7F
      if low == 0 {
        self = .exited((status >> 8) & 0xFF)
      } else if low != 0x7F {
        self = .killedBy(signal: low)
      } else {
        self = .stillRunning  // stopped, not ended (only with WUNTRACED, not used here)
      }
    }

    var description: String {
      switch self {
      case .exited(let code): return "exited with status \(code)"
      case .killedBy(let signal): return "killed by signal \(signal)"
      case .stillRunning: return "still running after 10 s (killed)"
      }
    }
  }

  /// Waits for the program to end and says how it ended: `.exited(N)` is a normal exit with
  /// status N; a death by a signal (a crash) is `.killedBy(signal:)`, never a status.
  func exitStatus() -> Ending {
    var status: Int32 = 0
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
      if waitpid(pid, &status, WNOHANG) == pid {
        drainTerminal()
        drainPipe()
        return Ending(waitStatus: status)
      }
      // Drain what it prints so that it never blocks on a full terminal.
      var buffer = [UInt8](repeating: 0, count: 4096)
      var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
      if poll(&poller, 1, 10) > 0, (poller.revents & Int16(POLLIN)) != 0 {
        let n = read(master, &buffer, buffer.count)
        if n > 0 {
          screen += String(decoding: buffer[0..<n], as: UTF8.self)
        } else {
          usleep(10_000)
        }
      } else {
        usleep(10_000)
      }
    }
    kill(pid, SIGKILL)
    waitpid(pid, &status, 0)
    return .stillRunning
  }

  /// Reads what the program wrote to the terminal before it exited and is still in the
  /// terminal's buffer (under load, its last lines can arrive after its exit is seen).
  private func drainTerminal() {
    var buffer = [UInt8](repeating: 0, count: 4096)
    var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
    while poll(&poller, 1, 50) > 0, (poller.revents & Int16(POLLIN)) != 0 {
      let n = read(master, &buffer, buffer.count)
      if n <= 0 { break }
      screen += String(decoding: buffer[0..<n], as: UTF8.self)
    }
  }

  /// Reads the stdout pipe to its end (the program has exited, so the end has come).
  private func drainPipe() {
    guard stdoutPipe >= 0 else { return }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = read(stdoutPipe, &buffer, buffer.count)
      if n <= 0 { break }
      bytes += buffer[0..<n]
    }
    piped += String(decoding: bytes, as: UTF8.self)
  }

  deinit {
    kill(pid, SIGKILL)
    var status: Int32 = 0
    waitpid(pid, &status, WNOHANG)
    close(master)
    if stdoutPipe >= 0 { close(stdoutPipe) }
  }
}

@Suite("Interactive prompt in a pseudo-terminal", .serialized)
struct TerminalTests {
  @Test func addUndoCtrlCCtrlD() throws {
    let t = try Terminal()
    // Each step waits for a fresh prompt before typing, as a person does: keys typed ahead while
    // the terminal is between two prompts go to the line discipline, not to libedit.
    #expect(t.nextPrompt())
    t.type("input (None,25)\r")
    #expect(t.nextPrompt())
    #expect(t.screen.contains("input (None, None, 25)"))
    t.type("add conv1d filters=64 kernel=5\r")
    #expect(t.nextPrompt())
    #expect(t.screen.contains("#1 Conv1D  out (None, None, 64)   8,064 params   total 8,064"))
    t.type("add dense units=10\r")
    #expect(t.nextPrompt())
    #expect(t.screen.contains("total 8,714"))
    t.type("undo\r")
    #expect(t.nextPrompt())
    #expect(t.screen.contains("undo: removed #2 Dense (650 params)   total 8,064"))
    // Ctrl-C drops the half-typed line and keeps the model.
    var mark = t.screen.endIndex
    t.type("add dense units=99")
    #expect(t.wait(for: "units=99", after: mark))
    t.type("\u{3}")
    #expect(t.wait(for: "^C", after: mark))
    #expect(t.nextPrompt())
    mark = t.screen.endIndex
    t.type("total\r")
    #expect(t.wait(for: "total 8,064 params", after: mark))
    #expect(t.nextPrompt())
    // Up arrow brings back the last line from history.
    mark = t.screen.endIndex
    t.type("\u{1b}[A")
    #expect(t.wait(for: "total", after: mark))
    t.type("\r")
    #expect(t.wait(for: "8,064 params", after: mark))
    #expect(t.nextPrompt())
    // An error is shown and the session goes on.
    mark = t.screen.endIndex
    t.type("add convv1d\r")
    #expect(t.wait(for: "did you mean 'conv1d'?", after: mark))
    #expect(t.nextPrompt())
    t.type("\u{4}")
    #expect(t.exitStatus() == .exited(0))
  }

  /// Tab completes from the declarations: a layer type, then an argument's name with its `=`
  /// (no space after: the value comes next), then a declared choice.
  @Test func tabCompletesTypesArgumentsAndValues() throws {
    let t = try Terminal()
    #expect(t.nextPrompt())
    t.type("input (10,25)\r")
    #expect(t.nextPrompt())
    // libedit redraws only what a completion adds (`d `, `ers`, ...): each is awaited.
    var mark = t.screen.endIndex
    t.type("add separableconv1\t")
    #expect(t.wait(for: "d ", after: mark))
    mark = t.screen.endIndex
    t.type("filt\t")
    #expect(t.wait(for: "ers", after: mark))
    mark = t.screen.endIndex
    t.type("4 kernel_s\t")
    #expect(t.wait(for: "ize", after: mark))
    mark = t.screen.endIndex
    t.type("3 padding=s\t")
    #expect(t.wait(for: "ame", after: mark))
    t.type("\r")
    // Accepted as written out: (3 × 25 × 1) + (25 × 1 + 1) × 4 = 75 + 104 = 179 params, and
    // padding=same keeps the 10 steps (valid would give 8).
    #expect(t.wait(for: "out (None, 10, 4)", after: mark))
    #expect(t.wait(for: "179", after: mark))
    // The prompt after the answer (a completion redraws the prompt with the line: an earlier
    // `paramcalc> ` on the screen is not the next one).
    #expect(t.promptAfter("179", from: mark))
    mark = t.screen.endIndex
    t.type("set 1 use_b\t")
    #expect(t.wait(for: "ias", after: mark))
    mark = t.screen.endIndex
    t.type("f\t")
    #expect(t.wait(for: "alse", after: mark))
    t.type("\r")
    // Without the bias: 75 + 25 × 4 = 175.
    #expect(t.wait(for: "175", after: mark))
    #expect(t.promptAfter("175", from: mark))
    t.type("\u{4}")
    #expect(t.exitStatus() == .exited(0))
  }

  @Test(arguments: ["quit", "exit", "  EXIT  "])
  func quitAndExitLeave(_ command: String) throws {
    let t = try Terminal()
    #expect(t.nextPrompt())
    t.type("input (4,)\r")
    #expect(t.nextPrompt())
    t.type(command + "\r")
    #expect(t.exitStatus() == .exited(0))
    // Nothing after the command: no new prompt, no error.
    let after = try #require(t.consumed)
    #expect(!t.screen[after...].contains("paramcalc> "))
    #expect(!t.screen[after...].contains("error"))
  }

  /// The decoding of wait statuses that the tests above rely on: a death by a signal is never
  /// read as an exit status (a build that crashes on Ctrl-D or `quit` fails them).
  @Test func waitStatusesAreDecoded() {
    #expect(Terminal.Ending(waitStatus: 0) == .exited(0))
    #expect(Terminal.Ending(waitStatus: 1 << 8) == .exited(1))
    #expect(Terminal.Ending(waitStatus: 130 << 8) == .exited(130))
    #expect(Terminal.Ending(waitStatus: SIGSEGV) == .killedBy(signal: SIGSEGV))
    // With the core-dumped bit.
    #expect(Terminal.Ending(waitStatus: SIGABRT | 0x80) == .killedBy(signal: SIGABRT))
    #expect(Terminal.Ending(waitStatus: SIGKILL) == .killedBy(signal: SIGKILL))
  }
}
