import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Streams and limits: long lines, endless inputs, Ctrl-C during a read, standard output that
/// cannot be written, memory limits, and control characters in messages.
@Suite("Streams and limits")
struct StreamTests {
  struct Run {
    var stdout: String
    var stderr: String
    /// The exit status, or nil when the process was killed by a signal (or timed out).
    var status: Int32?
  }

  /// Runs `sh -c SCRIPT` in a fresh directory (the binary is `$PC`; input files are written
  /// there first), waiting at most `timeout` seconds; with `interruptAfter`, SIGINT is sent then.
  func shell(
    _ script: String, files: [String: Data] = [:], timeout: Double = 60,
    interruptAfter: Double? = nil
  ) throws -> Run {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "paramcalc-streams-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for (name, data) in files { try data.write(to: dir.appendingPathComponent(name)) }
    let r = try Binary.spawn(
      URL(fileURLWithPath: "/bin/sh"), ["-c", script], in: dir,
      environment: ["PC": Binary.url.path], timeout: timeout, interruptAfter: interruptAfter)
    return Run(stdout: r.stdout, stderr: r.stderr, status: r.exited ? r.status : nil)
  }

  static func script(_ lines: [String]) -> Data {
    Data((lines.joined(separator: "\n") + "\n").utf8)
  }

  @Test("A line over 1 MiB is refused with its number and length, and the script goes on")
  func longLinesRefused() throws {
    let comment = "# " + String(repeating: "x", count: 3_000_000)
    let add = "add dense units=3 name=" + String(repeating: "y", count: 1_499_977)
    let r = try shell(
      "exec \"$PC\" s.pc",
      files: ["s.pc": Self.script(["input (4,)", comment, "add dense units=3", add, "total"])])
    #expect(r.status == 1)
    #expect(
      r.stderr.contains(
        "s.pc:2:1: error: this line is 3,000,002 bytes long; lines are limited to 1,048,576 bytes"),
      "\(r.stderr)")
    #expect(
      r.stderr.contains(
        "s.pc:4:1: error: this line is 1,500,000 bytes long; lines are limited to 1,048,576 bytes"),
      "\(r.stderr)")
    #expect(r.stdout.contains("  #1 Dense  out (None, 3)   15 params   total 15\n"))
    #expect(r.stdout.hasSuffix("  total 15 params (15 trainable, 0 non-trainable)\n"))
  }

  @Test("The --json stream reports a long line as an error object with its line")
  func longLineJSON() throws {
    let r = try shell(
      "exec \"$PC\" --json s.pc",
      files: ["s.pc": Self.script(["input (4,)", String(repeating: "z", count: 2_000_000)])])
    let objects = r.stdout.split(separator: "\n").map {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    #expect(objects.count == 2)
    let error = try #require(objects.last ?? nil)
    #expect(error["line"] as? Int == 2)
    #expect((error["error"] as? String)?.contains("2,000,000 bytes long") == true)
    #expect(r.status == 1)
  }

  @Test("A 64 MB line is read in linear time")
  func longLineLinear() throws {
    let start = Date()
    let r = try shell(
      "head -c 67108864 /dev/zero | tr '\\0' x | { printf 'input (4,)\\n# '; cat; "
        + "printf '\\nadd dense units=2\\n'; } | \"$PC\"", timeout: 120)
    let seconds = Date().timeIntervalSince(start)
    #expect(r.stderr.contains("<stdin>:2:1: error: this line is 67,108,866 bytes long"))
    #expect(r.stdout.hasSuffix("  #1 Dense  out (None, 2)   10 params   total 10\n"))
    // Linear: well under a second in a release build, a few in a debug one. The quadratic
    // reader this replaces took over 20 s.
    #expect(seconds < 15, "took \(seconds) s")
  }

  @Test("A set line of 100,000 arguments is merged in linear time")
  func longSetLine() throws {
    let args = (0..<100_000).map { "a\($0)=1" }.joined(separator: " ")
    let start = Date()
    let r = try shell(
      "exec \"$PC\" s.pc",
      files: ["s.pc": Self.script(["input (4,)", "add dense units=3", "set 1 units=4 " + args])])
    let seconds = Date().timeIntervalSince(start)
    #expect(r.stderr.hasPrefix("s.pc:3:15: error: Dense has no argument 'a0'\n"), "\(r.stderr)")
    // The one-by-one merge this replaces took 19 s of CPU for this line in a release build.
    #expect(seconds < 10, "took \(seconds) s")
  }

  @Test("An endless input without newlines holds little memory and stops at Ctrl-C (130)")
  func endlessInputInterrupted() throws {
    // 300 MB of address space: far less than a second of /dev/zero kept in memory.
    let r = try shell(
      "ulimit -v 300000; exec \"$PC\" < /dev/zero", timeout: 30, interruptAfter: 1.5)
    #expect(r.status == 130, "\(r.stderr)")
    #expect(r.stderr.hasSuffix("paramcalc: interrupted\n"), "\(r.stderr)")
    #expect(!r.stderr.contains("Fatal"))
  }

  @Test("load of an endless file is refused at the line limit; the model is unchanged")
  func loadEndless() throws {
    let r = try shell(
      "exec \"$PC\" s.pc",
      files: ["s.pc": Self.script(["input (4,)", "add dense units=3", "load /dev/zero", "total"])],
      timeout: 30)
    #expect(r.status == 1)
    #expect(
      r.stderr.contains(
        "s.pc:3:6: error: /dev/zero: line 1 is longer than 1,048,576 bytes, the limit"),
      "\(r.stderr)")
    #expect(r.stdout.hasSuffix("  total 15 params (15 trainable, 0 non-trainable)\n"))
  }

  @Test("Output that cannot be written is reported, with status 1")
  func fullDisk() throws {
    let r = try shell(
      "exec \"$PC\" s.pc > /dev/full",
      files: ["s.pc": Self.script(["input (4,)", "add dense units=3", "summary"])])
    #expect(r.status == 1)
    #expect(
      r.stderr == "paramcalc: error: cannot write to standard output: no space left on device\n")
  }

  @Test("After the reader closes the pipe, the status still says whether a line failed")
  func closedPipeStatus() throws {
    let many = Array(repeating: "add dense units=3", count: 50_000)
    let files = [
      "bad.pc": Self.script(["input (4,)", "add dense units=0"] + many),
      "good.pc": Self.script(["input (4,)"] + many),
    ]
    // `head -1` takes one line and goes; paramcalc's status is written to a file.
    let r1 = try shell(
      "{ \"$PC\" bad.pc 2>/dev/null; echo $? > st; } | head -1; cat st >&2", files: files)
    #expect(r1.stderr == "1\n", "\(r1.stderr)")
    let r0 = try shell(
      "{ \"$PC\" good.pc; echo $? > st; } | head -1; cat st >&2", files: files)
    #expect(r0.stderr == "0\n", "\(r0.stderr)")
    #expect(r0.stdout == "  input (None, 4)\n")
  }

  @Test("explain all and summary of a large model are written as they are made")
  func streamedOutputs() throws {
    // 50,000 layers: the whole text of `explain all` is about 37 MB, which the earlier
    // renderer held several times over; 100 MB of address space is then not enough for it.
    let lines = ["input (None,8)"] + Array(repeating: "add dense units=8", count: 50_000)
    let files = [
      "explain.pc": Self.script(lines + ["explain all"]),
      "summary.pc": Self.script(lines + ["summary"]),
    ]
    for (args, file, tail) in [
      ("", "explain.pc", "  shape: "),
      ("--json", "explain.pc", "]}"),
      ("", "summary.pc", " Non-trainable params: 0 (0.00 B)"),
      ("--json", "summary.pc", "\"non_trainable\":0}"),
    ] {
      let r = try shell(
        "ulimit -v 100000; \"$PC\" \(args) \(file) | tail -c 300", files: files, timeout: 120)
      #expect(r.stderr.isEmpty, "\(args) \(file): \(r.stderr)")
      #expect(r.stdout.contains(tail), "\(args) \(file): \(r.stdout)")
    }
  }

  @Test("Near its memory limit paramcalc stops with a message, not an abort")
  func memoryLimit() throws {
    // Distinct layer definitions each hold memory; 80 MB of address space runs out long
    // before 200,000 of them.
    var lines = ["input (None,8)"]
    for i in 0..<200_000 { lines.append("add dense units=\(i % 7 + 1) name=n\(i)") }
    let r = try shell(
      "ulimit -v 80000; exec \"$PC\" s.pc > /dev/null", files: ["s.pc": Self.script(lines)],
      timeout: 120)
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr.contains("memory nearly exhausted"), "\(r.stderr)")
    #expect(r.stderr.contains("(ulimit -v)"))
    #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtrace"))
  }

  @Test("Control characters from the input are shown escaped in messages")
  func controlCharactersEscaped() throws {
    // File names with ESC [ 3 1 m, with U+009B (a C1 control: CSI) and with U+202E (which
    // reverses how the rest of the line is shown).
    let r = try shell(
      "exec \"$PC\" \"$(printf 'no\\033[31m.pc')\"; ")
    #expect(r.status == 1)
    #expect(!r.stderr.contains("\u{1B}"), "\(r.stderr)")
    #expect(r.stderr.contains("no\\x1B[31m.pc"), "\(r.stderr)")
    for (bytes, shown) in [("\\302\\233", "\\u{9B}"), ("\\342\\200\\256", "\\u{202E}")] {
      let r2 = try shell("exec \"$PC\" \"$(printf 'a\(bytes)b.pc')\"")
      #expect(r2.status == 1)
      #expect(
        r2.stderr == "paramcalc: error: a\(shown)b.pc: cannot read: no such file or directory\n",
        "\(r2.stderr)")
    }
  }

  @Test("A wrong command-line option exits 64 (EX_USAGE) with a message")
  func usageError() throws {
    let r = try shell("exec \"$PC\" --frobnicate")
    #expect(r.status == 64)
    #expect(r.stderr.contains("Unknown option '--frobnicate'"), "\(r.stderr)")
  }

  @Test("With standard input closed, reading it is an error, not a hang")
  func closedStandardInput() throws {
    let r = try shell("exec \"$PC\" <&-", timeout: 20)
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr == "paramcalc: error: <stdin>: cannot read: bad file descriptor\n")
  }

  @Test("Ctrl-C ends a write blocked on a reader that does not read (130)")
  func interruptBlockedWrite() throws {
    let lines = ["input (None,8)"] + Array(repeating: "add dense units=8", count: 100_000)
    // The reader opens the FIFO and never reads: paramcalc blocks once the pipe is full.
    let r = try shell(
      """
      mkfifo f; sleep 60 < f & R=$!
      "$PC" s.pc > f 2> err & P=$!
      sleep 2; kill -INT $P; wait $P; echo "status $?"; kill $R; cat err
      """, files: ["s.pc": Self.script(lines)], timeout: 50)
    #expect(r.stdout == "status 130\nparamcalc: interrupted\n", "\(r.stdout) \(r.stderr)")
  }

  @Test("save refuses a script that load could not read back (a line over 1 MiB)")
  func saveRefusesWhatLoadCannotRead() throws {
    // `?x` is 2 bytes an axis as typed, `None,` 5 as saved: 300,000 axes fit the limit typed,
    // not saved, where the line is 7 + 5 × 300,000 + 2 = 1,500,009 bytes.
    let input = "input " + String(repeating: "?x", count: 300_000) + "4"
    let r = try shell(
      "exec \"$PC\" s.pc",
      files: ["s.pc": Self.script([input, "add dense units=2", "save m.pc", "total"])])
    #expect(r.status == 1)
    #expect(
      r.stderr.contains(
        "error: m.pc: cannot write: line 2 of the script would be 1,500,009 bytes long, over the "
          + "1,048,576-byte limit that load reads"), "\(r.stderr)")
    #expect(r.stdout.hasSuffix("  total 10 params (10 trainable, 0 non-trainable)\n"))
  }

  @Test("DEL, C1 and bidirectional controls are refused in a line, as other controls are")
  func controlCharactersRefused() throws {
    for (bad, column, message) in [
      ("name=a\u{7F}b", 25, "unexpected control character (byte 127)"),
      ("name=\u{9B}2J", 24, "unexpected control character (U+009B)"),
      ("name=\u{202E}x", 24, "unexpected bidirectional control character"),
      ("name=\u{2066}x", 24, "unexpected bidirectional control character"),
    ] {
      let r = try shell(
        "exec \"$PC\" s.pc",
        files: ["s.pc": Self.script(["input (4,)", "add dense units=3 " + bad, "total"])])
      #expect(r.status == 1)
      #expect(r.stderr.contains("s.pc:2:\(column): error: " + message), "\(bad): \(r.stderr)")
      #expect(r.stdout.hasSuffix("  total 0 params (0 trainable, 0 non-trainable)\n"))
    }
  }

  @Test("A byte-order mark before the first line is not part of it")
  func byteOrderMark() throws {
    let bom = Data([0xEF, 0xBB, 0xBF])
    let r = try shell(
      "exec \"$PC\" s.pc", files: ["s.pc": bom + Self.script(["input (4,)", "add dense units=2"])])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout == "  input (None, 4)\n  #1 Dense  out (None, 2)   10 params   total 10\n")
  }

  @Test("load that would exhaust memory is refused with a message; the model is unchanged")
  func loadNearTheMemoryLimit() throws {
    var big = ["input (None,8)"]
    for i in 0..<200_000 { big.append("add dense units=\(i % 7 + 1) name=n\(i)") }
    let r = try shell(
      "ulimit -v 80000; exec \"$PC\" s.pc",
      files: [
        "big.pc": Self.script(big),
        "s.pc": Self.script(["input (4,)", "add dense units=3", "load big.pc", "total"]),
      ], timeout: 120)
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr.contains("s.pc:3:6: error: big.pc: memory nearly exhausted at line "))
    #expect(r.stderr.contains("nothing was loaded"))
    #expect(!r.stderr.contains("Fatal error"))
    #expect(
      r.stdout
        == "  input (None, 4)\n  #1 Dense  out (None, 3)   15 params   total 15\n"
        + "  total 15 params (15 trainable, 0 non-trainable)\n")
  }

  @Test("A script line that is not UTF-8 is refused, as load refuses it")
  func invalidUTF8InAScript() throws {
    let bad =
      Data("input (4,)\nadd dense units=3 name=a".utf8) + Data([0xFF])
      + Data("b\nadd dense units=2\n# a comment may hold anything: \u{FFFD}".utf8)
      + Data([0xFE, 0x0A])
    let r = try shell("exec \"$PC\" s.pc", files: ["s.pc": bad])
    #expect(r.status == 1)
    #expect(r.stderr.hasPrefix("s.pc:2:25: error: invalid UTF-8 (byte 0xFF)\n"), "\(r.stderr)")
    #expect(r.stdout == "  input (None, 4)\n  #1 Dense  out (None, 2)   10 params   total 10\n")
  }
}
