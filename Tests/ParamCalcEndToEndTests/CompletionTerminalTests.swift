import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Tab at the real prompt, in each context: libedit draws what `Completion` answers (one match
/// inserted whole, several listed as they are shown with what they share filled in).
@Suite("Tab completion in a pseudo-terminal", .serialized)
struct CompletionTerminalTests {
  /// A prompt with a model of three layers: Dense, LSTM, Dense.
  func started() throws -> Terminal {
    let t = try Terminal()
    #expect(t.nextPrompt())
    for line in ["input (10,8)", "add dense units=4", "add lstm units=3", "add dense units=1"] {
      t.type(line + "\r")
      #expect(t.nextPrompt())
    }
    return t
  }

  /// Types `keys` (ending in Tab) and waits for each of `texts` to be drawn after them; then
  /// clears the line (Ctrl-U) for the next case.
  func tab(_ t: Terminal, _ keys: String, shows texts: [String], _ note: Comment? = nil) {
    let mark = t.screen.endIndex
    t.type(keys)
    for text in texts {
      #expect(t.wait(for: text, after: mark), note ?? "after \(keys.debugDescription): \(text)")
    }
    t.type("\u{15}")
  }

  func finish(_ t: Terminal) {
    t.type("\u{15}\u{4}")
    #expect(t.exitStatus() == .exited(0))
  }

  @Test func commandWordsCaseInsensitiveAndAliases() throws {
    let t = try started()
    // One match: inserted whole in its own case, with a space.
    tab(t, "EXPL\t", shows: ["paramcalc> explain "])
    tab(t, "pro\t", shows: ["paramcalc> prompt "])
    // Two: listed (an alias among them), the line drawn again under the list.
    tab(t, "ex\t", shows: ["explain  export   exit\r\n", "paramcalc> ex"])
    finish(t)
  }

  /// A graph at the prompt: a layer named with `as`, then read with `from` (Tab completes the
  /// name), a merge, and the running total.
  @Test func namedTensorsAtThePrompt() throws {
    let t = try started()
    let mark = t.screen.endIndex
    for line in ["add dense units=4 from input as hidden", "add concatenate from input,hidden"] {
      t.type(line + "\r")
      #expect(t.nextPrompt())
    }
    // (Two waits: a line wider than the terminal may be broken before its total.)
    #expect(t.wait(for: "#5 Concatenate from input,hidden", after: mark))
    #expect(t.wait(for: "out (None, 10, 12)", after: mark))
    tab(t, "add add from input,hid\t", shows: ["paramcalc> add add from input,hidden "])
    finish(t)
  }

  @Test func typesArgumentsAndValues() throws {
    let t = try started()
    // Several types: what they share is filled in and they are listed.
    tab(
      t, "add globalmax\t",
      shows: ["globalmaxpooling1d", "globalmaxpooling3d", "paramcalc> add globalmaxpooling"])
    // An argument name comes with its `=` and no space; a value with a space.
    tab(t, "add dense un\t", shows: ["paramcalc> add dense units="])
    tab(t, "add conv1d padding=ca\t", shows: ["paramcalc> add conv1d padding=causal "])
    tab(t, "ADD BIDIRECTIONAL LS\t", shows: ["paramcalc> ADD BIDIRECTIONAL lstm "])
    finish(t)
  }

  @Test func layerNumbersWithTypes() throws {
    let t = try started()
    tab(t, "explain \t", shows: ["all", "1 Dense", "2 LSTM", "3 Dense", "paramcalc> explain "])
    tab(t, "remove \t", shows: ["1 Dense", "3 Dense", "paramcalc> remove "])
    tab(t, "set 2\t", shows: ["paramcalc> set 2 "])
    tab(t, "insert \t", shows: ["4 (end)", "paramcalc> insert "])
    finish(t)
  }

  /// `set N `: layer N's arguments, each listed with the value it has now.
  @Test func setListsCurrentValues() throws {
    let t = try started()
    tab(t, "set 2 u\t", shows: ["units=3", "use_bias=true", "paramcalc> set 2 u"])
    tab(t, "set 1 uni\t", shows: ["paramcalc> set 1 units="])
    // And the completed line works: units=16 on layer 1 (8 × 16 + 16 = 144).
    let mark = t.screen.endIndex
    t.type("set 1 uni\t")
    #expect(t.wait(for: "units=", after: mark))
    t.type("16\r")
    // The prompt after the answer: a completion redraws the prompt with the line, so an
    // earlier `paramcalc> ` on the screen is not the next one.
    #expect(t.promptAfter("144 params", from: mark))
    finish(t)
  }

  /// save and load: file names, a directory with its `/` and no space, a name with a space
  /// inserted as it is (the rest of the line is the name).
  @Test func fileNames() throws {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("paramcalc-complete-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("models"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try "input (8,)\nadd dense units=2\n".write(
      to: dir.appendingPathComponent("models/my model.pc"), atomically: true, encoding: .utf8)
    try "".write(to: dir.appendingPathComponent("mnist.pc"), atomically: true, encoding: .utf8)
    let t = try started()
    let base = dir.path + "/"
    tab(t, "load \(base)mo\t", shows: ["paramcalc> load \(base)models/"])
    tab(t, "save \(base)m\t", shows: ["mnist.pc  models/", "paramcalc> save \(base)m"])
    let mark = t.screen.endIndex
    t.type("load \(base)mo\t")
    #expect(t.wait(for: "models/", after: mark))
    t.type("m\t")
    #expect(t.wait(for: "my model.pc ", after: mark))
    t.type("\r")
    #expect(t.promptAfter("loaded 1 layer   total 18", from: mark))
    finish(t)
  }

  /// `export svg `: a file name of the working directory, then the file written there;
  /// `compare`: the session's snapshots.
  @Test func exportAndCompareNames() throws {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("paramcalc-export-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("figures"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    try "".write(to: dir.appendingPathComponent("lenet.svg"), atomically: true, encoding: .utf8)
    let t = try Terminal(directory: dir.path)
    #expect(t.nextPrompt())
    for line in ["input (8,)", "add dense units=2", "snapshot before"] {
      t.type(line + "\r")
      #expect(t.nextPrompt())
    }
    tab(t, "export sv\t", shows: ["paramcalc> export svg "])
    tab(t, "export svg f\t", shows: ["paramcalc> export svg figures/"])
    tab(t, "export svg \t", shows: ["figures/   lenet.svg\r\n", "paramcalc> export svg "])
    let mark = t.screen.endIndex
    t.type("export svg le\t")
    #expect(t.wait(for: "export svg lenet.svg ", after: mark))
    t.type("\r")
    #expect(t.promptAfter("lenet.svg", from: mark))
    let svg = try String(contentsOf: dir.appendingPathComponent("lenet.svg"), encoding: .utf8)
    #expect(svg.contains("<svg"))
    tab(t, "compare be\t", shows: ["paramcalc> compare before "])
    tab(t, "memory opt\t", shows: ["paramcalc> memory optimizer="])
    tab(t, "flops b\t", shows: ["paramcalc> flops batch="])
    finish(t)
  }

  /// Nothing matches: a bell, the line unchanged.
  @Test func nothingMatches() throws {
    let t = try started()
    tab(t, "add xyz\t", shows: ["\u{7}", "paramcalc> add xyz"])
    finish(t)
  }
}

/// Beyond the prompt: `make install` installs the command line's completions for bash, zsh and
/// fish (generated by the binary) and man/paramcalc.1.
@Suite("Shell completions and the man page")
struct ShellCompletionTests {
  @Test(arguments: [
    ("bash", "complete -o filenames -F _paramcalc paramcalc"), ("zsh", "#compdef paramcalc"),
    ("fish", "complete -c 'paramcalc'"),
  ])
  func completionScriptIsGenerated(_ shell: String, _ marker: String) throws {
    let r = try Binary.run(["--generate-completion-script", shell], stdin: "")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains(marker), "\(shell): \(r.stdout.prefix(300))")
    // Every option of the command line is offered.
    for option in ["--json", "--bail", "--no-color", "--version"] {
      #expect(r.stdout.contains(option.dropFirst(2)), "\(shell) script lacks \(option)")
    }
  }

  /// man/paramcalc.1 (remade by `make man`) names every option `--help` shows, and says what
  /// the command is: a page that has gone stale fails here.
  @Test func manPageHasEveryOption() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let page = try String(
      contentsOf: root.appendingPathComponent("man/paramcalc.1"), encoding: .utf8)
    #expect(page.contains(".Dt PARAMCALC 1"))
    #expect(page.contains(".Nm paramcalc"))
    let help = try Binary.run(["--help"], stdin: "")
    #expect(help.status == 0)
    let options = Set(
      help.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," })
        .filter { $0.hasPrefix("--") && $0.count > 2 }
        .map { String($0.prefix { $0 == "-" || $0.isLetter }) })
    #expect(options.isSuperset(of: ["--json", "--bail", "--no-color", "--version", "--help"]))
    for option in options {
      #expect(page.contains("Fl -" + option.dropFirst(2)), "man/paramcalc.1 lacks \(option)")
    }
  }
}
