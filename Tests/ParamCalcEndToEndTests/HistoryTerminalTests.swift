import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A home of its own for prompt sessions: HOME and XDG_STATE_HOME in a new temporary directory,
/// so that no test reads or writes the history (or `~/.editrc`) of the person running them.
final class PromptHome {
  let url: URL
  var path: String { url.path }
  /// Where the prompt keeps its history in this home.
  var historyPath: String { path + "/state/paramcalc/history" }

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "paramcalc-home-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  /// A session at the prompt in this home. `environment` is added (a nil value removes).
  func session(_ arguments: [String] = [], environment: [String: String?] = [:]) throws -> Terminal
  {
    var env: [String: String?] = [
      "HOME": path, "XDG_STATE_HOME": path + "/state", "EDITRC": nil,
    ]
    for (k, v) in environment { env[k] = v }
    return try Terminal(arguments, environment: env)
  }

  /// The history file's lines (each ended by a newline: a last line without one is a failure).
  func historyLines() throws -> [String] {
    let text = try String(contentsOfFile: historyPath, encoding: .utf8)
    #expect(text.isEmpty || text.hasSuffix("\n"), "history does not end with a newline")
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
  }

  func write(_ text: String, to relative: String) throws {
    let file = url.appendingPathComponent(relative)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: file)
  }

  /// The permission bits of a file or directory.
  func mode(_ path: String) -> mode_t {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_mode & 0o777 : 0
  }

  deinit { try? FileManager.default.removeItem(at: url) }
}

extension Terminal {
  /// Types `line` and Enter, and waits for the next prompt.
  func enter(_ line: String) -> Bool {
    type(line + "\r")
    return nextPrompt()
  }

  /// Ctrl-D at an empty line, and the status the program left with.
  func leave() -> Ending {
    type("\u{4}")
    return exitStatus()
  }
}

@Suite("History and line editing at the prompt", .serialized)
struct HistoryTerminalTests {
  /// Lines typed in one session come back with Up in the next; the file is plain lines, in a
  /// directory only its owner may enter.
  @Test func historyIsRecalledInTheNextSession() throws {
    let home = try PromptHome()
    let first = try home.session()
    #expect(first.nextPrompt())
    #expect(first.enter("input (None,25)"))
    #expect(first.enter("add conv1d filters=64 kernel=5"))
    #expect(first.enter("add conv1d filters=64 kernel=5"))  // repeated at once: recorded once
    #expect(first.enter("   "))  // blank: not recorded
    #expect(first.enter("total"))
    #expect(first.leave() == .exited(0))
    #expect(
      try home.historyLines() == ["input (None,25)", "add conv1d filters=64 kernel=5", "total"])
    #expect(home.mode(home.path + "/state/paramcalc") == 0o700)
    #expect(home.mode(home.historyPath) == 0o600)

    let second = try home.session()
    #expect(second.nextPrompt())
    // Up three times: the first line of the first session, run again here.
    var mark = second.screen.endIndex
    second.type("\u{1b}[A")
    #expect(second.wait(for: "total", after: mark))
    mark = second.screen.endIndex
    second.type("\u{1b}[A")
    #expect(second.wait(for: "add conv1d filters=64 kernel=5", after: mark))
    mark = second.screen.endIndex
    second.type("\u{1b}[A")
    #expect(second.wait(for: "input (None,25)", after: mark))
    mark = second.screen.endIndex
    second.type("\r")
    #expect(second.wait(for: "input (None, None, 25)", after: mark))
    #expect(second.nextPrompt())
    #expect(second.leave() == .exited(0))
    // The line recalled and run is the newest entry again.
    #expect(
      try home.historyLines() == [
        "input (None,25)", "add conv1d filters=64 kernel=5", "total", "input (None,25)",
      ])
  }

  /// Two sessions typing at the same time, on a history near its bound: every line of both is
  /// there, in the order typed, each whole, and the file is trimmed back to the bound.
  @Test func twoSessionsWriteAtOnce() throws {
    let home = try PromptHome()
    let seed = (1...1050).map { "# seed \($0)" }
    try home.write(seed.joined(separator: "\n") + "\n", to: "state/paramcalc/history")
    let a = try home.session()
    let b = try home.session()
    #expect(a.nextPrompt())
    #expect(b.nextPrompt())
    var typed: [String] = []
    for i in 1...80 {
      // Both lines are sent before either prompt is awaited: the two appends race.
      a.type("# session a line \(i)\r")
      b.type("# session b line \(i)\r")
      #expect(a.nextPrompt())
      #expect(b.nextPrompt())
      typed += ["# session a line \(i)", "# session b line \(i)"]
    }
    #expect(a.leave() == .exited(0))
    #expect(b.leave() == .exited(0))
    let lines = try home.historyLines()
    // Bounded: 1,050 + 160 lines went in; the file was cut back to 1,000 once it passed 1,100.
    #expect(lines.count >= 1000 && lines.count <= 1100, "\(lines.count) lines")
    // Well-formed: every line is one that was written, whole.
    let known = Set(seed + typed)
    #expect(lines.allSatisfy { known.contains($0) }, "\(lines.filter { !known.contains($0) })")
    // Both sessions' lines, all of them, each line i of a before or after line i of b.
    let mine = lines.filter { $0.hasPrefix("# session") }
    #expect(Set(mine) == Set(typed))
    #expect(
      mine.filter { $0.hasPrefix("# session a") } == typed.filter { $0.hasPrefix("# session a") })
    #expect(
      mine.filter { $0.hasPrefix("# session b") } == typed.filter { $0.hasPrefix("# session b") })
    // The oldest seed lines went first.
    #expect(!lines.contains("# seed 1"))
    #expect(lines.last.map { $0.hasPrefix("# session") } == true)
  }

  /// `--no-history`: no file read, none written, no directory made.
  @Test func noHistoryTouchesNothing() throws {
    let home = try PromptHome()
    let t = try home.session(["--no-history"])
    #expect(t.nextPrompt())
    #expect(t.enter("input (None,4)"))
    #expect(t.enter("total"))
    // Up still recalls within the session.
    let mark = t.screen.endIndex
    t.type("\u{1b}[A")
    #expect(t.wait(for: "total", after: mark))
    t.type("\r")
    #expect(t.nextPrompt())
    #expect(t.leave() == .exited(0))
    #expect(!FileManager.default.fileExists(atPath: home.path + "/state"))

    // An existing history is not loaded either: Up at the first prompt brings nothing.
    try home.write("add dense units=123\n", to: "state/paramcalc/history")
    let u = try home.session(["--no-history"])
    #expect(u.nextPrompt())
    u.type("\u{1b}[A\r")
    #expect(u.nextPrompt())
    #expect(!u.screen.contains("units=123"))
    #expect(u.leave() == .exited(0))
    #expect(try home.historyLines() == ["add dense units=123"])
  }

  /// Killed mid-session: every line entered before is in the file, whole, and the next session
  /// reads it. A line cut short without its newline (a power cut) is not recalled, and is gone
  /// once the next line is added.
  @Test func aCrashLeavesAReadableFile() throws {
    let home = try PromptHome()
    let t = try home.session()
    #expect(t.nextPrompt())
    #expect(t.enter("input (None,4)"))
    #expect(t.enter("add dense units=3"))
    t.type("add dense units=99")  // half typed when it dies
    #expect(t.wait(for: "units=99"))
    kill(t.pid, SIGKILL)
    #expect(t.exitStatus() == .killedBy(signal: SIGKILL))
    #expect(try home.historyLines() == ["input (None,4)", "add dense units=3"])

    try home.write("input (None,4)\nadd dense units=3\nadd dense un", to: "state/paramcalc/history")
    let next = try home.session()
    #expect(next.nextPrompt())
    let mark = next.screen.endIndex
    next.type("\u{1b}[A")
    #expect(next.wait(for: "add dense units=3", after: mark))
    #expect(!next.screen[mark...].contains("add dense un\u{1b}"))
    next.type("\r")
    #expect(next.nextPrompt())
    #expect(next.enter("total"))
    #expect(next.leave() == .exited(0))
    #expect(
      try home.historyLines() == [
        "input (None,4)", "add dense units=3", "total",
      ])
  }

  /// Text beyond ASCII arrives as typed, and Left and Backspace step over whole characters:
  /// with a UTF-8 locale, and without any (LANG unset: C.UTF-8 is taken).
  @Test(arguments: [nil, "C.UTF-8"] as [String?])
  func utf8IsKept(lang: String?) throws {
    let home = try PromptHome()
    let t = try home.session(environment: ["LANG": lang, "LC_ALL": nil, "LC_CTYPE": nil])
    #expect(t.nextPrompt())
    #expect(t.enter("input (None,4)"))
    // `déénse`, then Left over e, s, n and é, and Backspace on the other é: `dénse`.
    t.type("add dense units=3 name=déénse")
    #expect(t.wait(for: "déénse"))
    t.type("\u{1b}[D\u{1b}[D\u{1b}[D\u{1b}[D\u{7f}")
    #expect(t.enter(""))
    #expect(t.screen.contains("#1 Dense"))
    #expect(t.enter("# Schicht für Eingabe"))
    let saved = home.path + "/model.pc"
    #expect(t.enter("save \(saved)"))
    // An error quotes the line as typed.
    t.type("add dénse\r")
    #expect(t.wait(for: "unknown layer type 'dénse'"))
    #expect(t.nextPrompt())
    #expect(t.leave() == .exited(0))
    let script = try String(contentsOfFile: saved, encoding: .utf8)
    #expect(script.contains("add dense units=3 name='dénse'"), "\(script)")
    #expect(
      try home.historyLines() == [
        "input (None,4)", "add dense units=3 name=dénse", "# Schicht für Eingabe", "save \(saved)",
        "add dénse",
      ])
  }

  /// Ctrl-R searches back through the history (this session's and the file's).
  @Test func ctrlRFindsAnEarlierLine() throws {
    let home = try PromptHome()
    try home.write("input (None,4)\nadd dense units=7\n", to: "state/paramcalc/history")
    let t = try home.session()
    #expect(t.nextPrompt())
    #expect(t.enter("input (None,4)"))
    #expect(t.enter("total"))
    let mark = t.screen.endIndex
    t.type("\u{12}units=")
    #expect(t.wait(for: "add dense units=7", after: mark))
    t.type("\r")
    #expect(
      t.wait(for: "#1 Dense  out (None, None, 7)   35 params   total 35", after: mark),
      "\(t.screen[mark...].debugDescription)")
    #expect(t.nextPrompt())
    #expect(t.leave() == .exited(0))
  }

  /// `~/.editrc` is read, with lines for paramcalc alone (`paramcalc:`): here Ctrl-G goes to
  /// the start of the line (by default it only rings the bell).
  @Test func editrcBindingsAreHonoured() throws {
    let home = try PromptHome()
    try home.write("paramcalc:bind ^G ed-move-to-beg\n", to: ".editrc")
    let t = try home.session()
    #expect(t.nextPrompt())
    #expect(t.enter("input (None,4)"))
    let mark = t.screen.endIndex
    t.type("otal\u{7}t\r")
    #expect(t.wait(for: "total 0 params", after: mark))
    #expect(t.nextPrompt())
    #expect(!t.screen[mark...].contains("error"))
    #expect(t.leave() == .exited(0))
  }

  /// Ctrl-C drops the line being typed (it is not recorded) and keeps the model.
  @Test func ctrlCDropsTheLineNotTheModel() throws {
    let home = try PromptHome()
    let t = try home.session()
    #expect(t.nextPrompt())
    #expect(t.enter("input (None,4)"))
    #expect(t.enter("add dense units=3"))
    t.type("add dense units=99")
    #expect(t.wait(for: "units=99"))
    t.type("\u{3}")
    #expect(t.nextPrompt())
    let mark = t.screen.endIndex
    t.type("total\r")
    #expect(t.wait(for: "total 15 params", after: mark))
    #expect(t.nextPrompt())
    #expect(t.leave() == .exited(0))
    #expect(try home.historyLines() == ["input (None,4)", "add dense units=3", "total"])
  }
}
