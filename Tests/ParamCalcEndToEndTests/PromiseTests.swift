import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What the README promises and no other test held it to: colours, `-` for stdin, `--json` at a
/// terminal, case-insensitive type names, and the examples' counts (against Keras).
@Suite("README promises", .serialized)
struct PromiseTests {
  /// An SGR escape (a colour or bold), as a terminal reads it.
  static let sgr = "\u{1b}["

  @Test func anErrorAtThePromptIsColouredOnATerminal() throws {
    let t = try Terminal([], environment: ["NO_COLOR": nil, "TERM": "xterm"])
    #expect(t.nextPrompt())
    let mark = t.screen.endIndex
    t.type("add convv1d\r")
    #expect(t.wait(for: "did you mean 'conv1d'?", after: mark))
    #expect(t.nextPrompt())
    let shown = String(t.screen[mark...])
    // The word `error:` itself is preceded by an escape that sets its colour.
    #expect(shown.contains(try Regex("\u{1b}\\[[0-9;]*merror:")), "\(shown.debugDescription)")
    t.type("quit\r")
    #expect(t.exitStatus() == .exited(0))
  }

  @Test(
    arguments: [
      (["--no-color"], ["NO_COLOR": nil, "TERM": "xterm"]),
      ([], ["NO_COLOR": "1", "TERM": "xterm"]),
      ([], ["NO_COLOR": nil, "TERM": "dumb"]),
    ] as [([String], [String: String?])])
  func noColoursWhenAskedNot(arguments: [String], environment: [String: String?]) throws {
    let t = try Terminal(arguments, environment: environment)
    #expect(t.nextPrompt())
    let mark = t.screen.endIndex
    t.type("add convv1d\r")
    #expect(t.wait(for: "did you mean 'conv1d'?", after: mark))
    #expect(t.nextPrompt())
    #expect(t.screen[mark...].contains("error: unknown layer type 'convv1d'"))
    t.type("quit\r")
    #expect(t.exitStatus() == .exited(0))
    #expect(!t.screen.contains("\u{1b}"), "\(t.screen.debugDescription)")
  }

  @Test func noColoursWhenNotATerminal() throws {
    // Binary.run clears NO_COLOR; stderr is a file here.
    let r = try Binary.run([], stdin: "add convv1d\n", environment: ["TERM": "xterm"])
    #expect(r.stderr.contains("error: unknown layer type 'convv1d'"))
    #expect(!r.stderr.contains("\u{1b}") && !r.stdout.contains("\u{1b}"))
    #expect(r.status == 1)
  }

  /// In a script too, `exit` leaves as `quit` does: nothing after it runs, status 0.
  @Test func exitLeavesAScriptLikeQuit() throws {
    let quit = try Binary.run([], stdin: "input (4,)\nquit\nadd dense units=3\nfrobnicate\n")
    let exit = try Binary.run([], stdin: "input (4,)\nexit\nadd dense units=3\nfrobnicate\n")
    #expect(exit.stdout == "  input (None, 4)\n")
    #expect(exit.stdout == quit.stdout && exit.stderr == "" && quit.stderr == "")
    #expect(exit.status == 0 && quit.status == 0)
  }

  /// `-` among the files is standard input, read at its place in the order.
  @Test func dashReadsStdinInItsPlace() throws {
    let r = try Binary.run(
      ["a.pc", "-", "b.pc"], stdin: "add dense units=3\nadd dense units=0\n",
      files: ["a.pc": "input (4,)\nadd dense units=2\n", "b.pc": "add dense units=1\ntotal\n"])
    // Dense(2) on 4: 4*2+2 = 10; Dense(3) on 2: 2*3+3 = 9; Dense(1) on 3: 3*1+1 = 4. In any other
    // order the counts differ (a, b, stdin: 10 + 3 + 6 = 19).
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines.contains("  total \(10 + 9 + 4) params (\(10 + 9 + 4) trainable, 0 non-trainable)"))
    #expect(r.stderr.hasPrefix("<stdin>:2:17: error: units: must be at least 1"), "\(r.stderr)")
    #expect(r.status == 1)
  }

  /// With --json at a terminal, stdout carries only JSON objects, one per command line; the
  /// banner, the prompt and the diagnostics go to the terminal through stderr.
  @Test func jsonAtATerminal() throws {
    let t = try Terminal(["--json"], stdoutToPipe: true)
    let commands = [
      "input (None,25)", "add conv1d filters=64 kernel_size=5", "total", "add convv1d", "quit",
    ]
    for c in commands {
      #expect(t.nextPrompt())
      t.type(c + "\r")
    }
    #expect(t.exitStatus() == .exited(0))
    let lines = t.piped.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(t.piped.hasSuffix("\n"))
    #expect(lines.count == commands.count, "\(t.piped)")
    let objects = try lines.map { try JSON.parse($0) }
    for (n, o) in objects.enumerated() {
      #expect(o["line"] == .int(n + 1), "\(o)")
    }
    // Conv1D: (kernel_size * channels + 1) * filters = (5 * 25 + 1) * 64.
    #expect(objects[2]["command"] == .string("total"))
    #expect(objects[2]["total"] == .int((5 * 25 + 1) * 64))
    #expect(objects[3]["error"] == .string("unknown layer type 'convv1d'"))
    // The terminal shows the banner, the prompts and the diagnostic, and no JSON.
    #expect(t.screen.contains("paramcalc> "))
    #expect(t.screen.contains("Ctrl-D to quit"))
    #expect(t.screen.contains("error: unknown layer type 'convv1d'"))
    #expect(!t.screen.contains("{\""))
  }

  /// The same, with stdout on the terminal too: every line that arrives is either a JSON object
  /// or belongs to the banner, a prompt (with what was typed) or a diagnostic.
  @Test func jsonAtATerminalOnOneScreen() throws {
    let t = try Terminal(["--json"])
    let commands = ["input (None,25)", "add dense units=4", "add convv1d", "total", "quit"]
    for c in commands {
      #expect(t.nextPrompt())
      t.type(c + "\r")
    }
    #expect(t.exitStatus() == .exited(0))
    var objects: [JSON] = []
    // (A terminal ends lines with "\r\n", one Character in Swift: split on newlines.)
    for line in t.screen.split(whereSeparator: \.isNewline) {
      // What the prompt echoes is followed by the object on the next line. (Under load the
      // terminal's newline after the echo has been seen to come after the object: the object
      // then ends the prompt's line; it is counted there, and must be whole.)
      if line.hasPrefix("paramcalc> ") || line.hasPrefix("paramcalc ") {
        if let start = line.range(of: "{\"command\"")?.lowerBound {
          objects.append(try JSON.parse(line[start...]))
        }
        continue
      }
      if line.hasPrefix("{") {
        objects.append(try JSON.parse(line))
        continue
      }
      // A diagnostic: its first line (at the prompt without `<stdin>:3:5:`: the line was just
      // typed), the line quoted, the caret, the help line.
      let diagnostic =
        line.hasPrefix("error: ") || line == "  add convv1d"
        || line.allSatisfy { " ^~".contains($0) } || line.hasPrefix("help: ")
      #expect(diagnostic, "not JSON, prompt or diagnostic: \(line.debugDescription)")
    }
    #expect(objects.count == commands.count, "\(t.screen)")
    // Dense(4) on 25 features: 25 * 4 + 4.
    #expect(objects.last { $0["command"] == .string("total") }?["total"] == .int(25 * 4 + 4))
  }

  /// Type names are case-insensitive, and so are commands.
  @Test(arguments: [
    "add conv1d filters=64 kernel_size=5", "ADD Conv1D filters=64 kernel_size=5",
    "add CONV1D filters=64 kernel_size=5", "Add cOnV1d filters=64 kernel_size=5",
  ])
  func typeNamesAreCaseInsensitive(_ line: String) throws {
    let r = try Binary.run(["--json"], stdin: "input (None,25)\n\(line)\n")
    #expect(r.status == 0, "\(r.stderr)")
    let objects = try r.stdout.split(separator: "\n").map { try JSON.parse($0) }
    let layer = try #require(objects.last?["layer"])
    #expect(layer["type"] == .string("Conv1D"))
    #expect(layer["params"] == .int((5 * 25 + 1) * 64))
  }

  /// 2704257 as "2,704,257".
  static func grouped(_ n: Int) -> String {
    var digits = String(n)
    var out = ""
    while digits.count > 3 {
      out = "," + digits.suffix(3) + out
      digits.removeLast(3)
    }
    return digits + out
  }

  static let examples: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("examples")

  /// Every example gives what Keras gives (Fixtures/examples-keras.json, made by
  /// scripts/keras_examples.py), and any count its comments state.
  @Test func examplesMatchKeras() throws {
    let fixture = try JSON.parse(
      String(contentsOf: Binary.fixture("examples-keras.json"), encoding: .utf8))
    guard case .object(let keras) = fixture else {
      Issue.record("examples-keras.json is not an object")
      return
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.examples.path)
      .filter { $0.hasSuffix(".pc") }.sorted()
    #expect(names.count >= 4)
    #expect(Set(names) == Set(keras.keys), "examples without a Keras fixture, or the reverse")
    for name in names {
      let script = try String(
        contentsOf: Self.examples.appendingPathComponent(name), encoding: .utf8)
      let want = try #require(keras[name])
      #expect(
        want["script"] == .string(script),
        "\(name) changed since its Keras fixture: run scripts/keras_examples.py")
      let r = try Binary.run(["--json"], stdin: script + "summary\n")
      #expect(r.status == 0, "\(name): \(r.stderr)")
      let objects = try r.stdout.split(separator: "\n").map { try JSON.parse($0) }
      let summary = try #require(objects.last { $0["command"] == .string("summary") })
      let problems = KerasCase.compare(summary: summary, keras: want)
      #expect(problems.isEmpty, "\(name): \(problems.joined(separator: "\n"))")
      // A count stated in a comment ("... 61,706 params", "total 61706") must be Keras's total.
      for comment in script.split(separator: "\n") where comment.hasPrefix("#") {
        let stated = comment.matches(of: try Regex("([0-9][0-9,]*) params|total ([0-9][0-9,]*)"))
        for m in stated {
          let digits = String(m.output[0].substring ?? "").filter(\.isNumber)
          #expect(.int(Int(digits) ?? -1) == want["total"], "\(name): \(comment)")
        }
      }
      // The text mode's `total` line gives Keras's three numbers too.
      let text = try Binary.run([], stdin: script + "total\n")
      let numbers = try ["total", "trainable", "non_trainable"].map {
        Self.grouped(try #require(want[$0]?.int))
      }
      #expect(
        text.stdout.split(separator: "\n").last
          == "  total \(numbers[0]) params (\(numbers[1]) trainable, \(numbers[2]) non-trainable)",
        "\(name): \(text.stdout.split(separator: "\n").last ?? "")")
    }
  }

  /// After lines in error, the summary says the table is not the model the script describes,
  /// naming the lines; lines that only read (explain, total) are not named.
  @Test func summaryNamesRefusedLines() throws {
    let r = try Binary.run(
      [],
      stdin: "input (None,8)\nadd dense units=0\nadd dense units=4\nexplain 9\nadd frob\nsummary\n")
    #expect(r.status == 1)
    #expect(
      r.stdout.hasSuffix(
        " Non-trainable params: 0 (0.00 B)\n"
          + " Not the script's model: lines 2 and 5 were refused and changed nothing.\n"))
    let clean = try Binary.run([], stdin: "input (None,8)\nadd dense units=4\nsummary\n")
    #expect(clean.stdout.hasSuffix(" Non-trainable params: 0 (0.00 B)\n"))
    // An undo with nothing to take back is refused (exit 1), but the model is the script's.
    let undo = try Binary.run(
      [], stdin: "input (None,8)\nadd dense units=4\nundo\nundo\nundo\nsummary\n")
    #expect(undo.status == 1)
    #expect(undo.stderr.contains("nothing to undo"), "\(undo.stderr)")
    #expect(undo.stdout.hasSuffix(" Non-trainable params: 0 (0.00 B)\n"), "\(undo.stdout)")
    let many = try Binary.run(
      [], stdin: "input (4,)\n" + String(repeating: "add dense units=0\n", count: 25) + "summary\n")
    #expect(
      many.stdout.hasSuffix(
        " Not the script's model: lines " + (2...21).map(String.init).joined(separator: ", ")
          + " and 5 more were refused and changed nothing.\n"), "\(many.stdout)")
  }

  /// Each row's share of the parameters, to a tenth of a percent: 80 of 13,610 is 0.59%, and
  /// 13,530 of 13,610 is 99.41% (LeNet-like counts, Keras's: conv 3×3×1×8 + 8, dense 1352×10 + 10).
  @Test func summarySharesOfTheTotal() throws {
    let r = try Binary.run(
      [],
      stdin:
        "input 28x28x1\nadd conv2d filters=8 kernel=3\nadd maxpooling2d\nadd flatten\n"
        + "add dense units=10\nsummary\n")
    let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("│ ") }
    try #require(rows.count == 4)
    let shares = rows.map { $0.split(separator: "│")[4].trimmingCharacters(in: .whitespaces) }
    #expect(shares == ["0.6%", "0.0%", "0.0%", "99.4%"])
    #expect(r.stdout.contains("┃ Param # ┃ Share ┃ Trainable ┃"))
  }

  /// After an edit that re-infers later layers, each (the first 8) is shown before → after with
  /// the reason, and the total before. Counts by arithmetic: a Dense of 10 on n features has
  /// 10n + 10; a 3×3 Conv2D on 1 channel, 9f + f; the flattened 26 × 26 × f halves per axis.
  @Test func editShowsWhatItChanged() throws {
    let r = try Binary.run(
      [],
      stdin:
        "input 28x28x1\nadd conv2d filters=8 kernel=3\nadd maxpooling2d\nadd flatten\n"
        + "add dense units=10\nset 1 filters=16\n")
    let lines = r.stdout.split(separator: "\n").suffix(9).map(String.init)
    #expect(
      lines == [
        // 160 + 27,050 = 27,210 after; 80 + 13,530 = 13,610 before.
        // The line with its note would be wider than 100 columns: the note goes under it.
        "  #1 Conv2D  out (None, 26, 26, 16)   160 params   total 27,210",
        "      (was 13,610; 3 later layers re-inferred)",
        // The layer itself before: 3 × 3 × 1 × 8 + 8 = 80, 8 channels.
        "    before: 80 params   out (None, 26, 26, 8)",
        // A line wider than 100 columns has its reason on the next.
        "    #2 MaxPooling2D  0 params (unchanged)   out (None, 13, 13, 8) → (None, 13, 13, 16):",
        "      its input went from (None, 26, 26, 8) to (None, 26, 26, 16)",
        "    #3 Flatten  0 params (unchanged)   out (None, 1352) → (None, 2704):",
        "      its input went from (None, 13, 13, 8) to (None, 13, 13, 16)",
        "    #4 Dense  13,530 → 27,050 params   out (None, 10):",
        "      its input went from (None, 1352) to (None, 2704)",
      ], "\(r.stdout)")
    #expect(lines.allSatisfy { $0.count <= 100 })
    let long = try Binary.run(
      [],
      stdin: "input (None,8)\nadd dense units=4\n"
        + String(repeating: "add layernormalization\n", count: 12) + "set 1 units=6\n")
    let tail = long.stdout.split(separator: "\n").drop {
      !$0.hasPrefix("  #1 Dense  out (None, None, 6)")
    }
    // Before: a Dense of 4 on 8 features (8 × 4 + 4 = 36) and 12 LayerNormalizations of 4
    // features (2 × 4 each): 36 + 96 = 132.
    #expect(
      tail.first?.hasSuffix("(was 132; 12 later layers re-inferred)") == true,
      "\(long.stdout)")
    #expect(tail.filter { $0.hasPrefix("    #") }.count == 8)
    #expect(tail.last == "    … and 4 more later layers")
  }
}

/// The README's transcript of `flops` and `summary chart flops` is what the binary prints.
@Suite("README transcripts")
struct ReadmeTranscriptTests {
  @Test func computeTranscriptIsWhatTheBinaryPrints() throws {
    let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md")
    let text = try String(contentsOf: readme, encoding: .utf8)
    let lead = try #require(text.range(of: "The compute of the same model"))
    let open = try #require(text.range(of: "```\n", range: lead.upperBound..<text.endIndex))
    let close = try #require(text.range(of: "```\n", range: open.upperBound..<text.endIndex))
    let shown = String(text[open.upperBound..<close.lowerBound])
    let r = try Binary.run(
      stdin: "input 28x28x1\nadd conv2d filters=8 kernel=3\nadd maxpooling2d\nadd flatten\n"
        + "add dense units=10\nflops batch=32\nsummary chart flops\n")
    #expect(r.status == 0)
    // After the five lines of the model's layers.
    let printed = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(5)
      .joined(separator: "\n")
    #expect(printed == shown, "\(printed)")
  }
}
