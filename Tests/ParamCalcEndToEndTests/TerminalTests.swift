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

  init(_ arguments: [String] = []) throws {
    let path = Binary.url.path
    // Everything the child needs is prepared before fork: after it, only exec.
    let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
    var env = ProcessInfo.processInfo.environment
    env["TERM"] = "xterm"
    env["NO_COLOR"] = "1"
    let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    var fd: Int32 = -1
    var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
    let child = forkpty(&fd, nil, nil, &size)
    if child == 0 {
      execve(path, argv, envp)
      _exit(127)
    }
    guard child > 0 else { throw POSIXError(.EAGAIN) }
    pid = child
    master = fd
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

  /// Waits for the program to end and returns its exit status.
  func exitStatus() -> Int32 {
    var status: Int32 = 0
    let deadline = Date().addingTimeInterval(10)
    while Date() < deadline {
      if waitpid(pid, &status, WNOHANG) == pid { return (status >> 8) & 0xFF }
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
    return -1
  }

  deinit {
    kill(pid, SIGKILL)
    var status: Int32 = 0
    waitpid(pid, &status, WNOHANG)
    close(master)
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
    #expect(t.exitStatus() == 0)
  }

  @Test func quitLeaves() throws {
    let t = try Terminal()
    #expect(t.nextPrompt())
    t.type("quit\r")
    #expect(t.exitStatus() == 0)
  }
}
