import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `--color never|always|auto` (auto by default: on a terminal, unless NO_COLOR or TERM=dumb),
/// and `--no-color`, the same as `--color never`.
@Suite("Colours", .serialized)
struct ColorTests {
  static let escape = "\u{1b}["
  static let script = "input (None,25)\nadd conv1d filters=64 kernel=5\nadd convv1d\n"

  /// In a script, colour only when asked for: the layer line and the error both carry it.
  @Test func alwaysColoursAScript() throws {
    let r = try Binary.run(["--color", "always"], stdin: ColorTests.script)
    #expect(r.status == 1)
    #expect(r.stdout.contains(ColorTests.escape), "\(r.stdout.debugDescription)")
    #expect(
      r.stderr.contains(try Regex("\u{1b}\\[[0-9;]*merror:")), "\(r.stderr.debugDescription)")
    // An explicit --color always wins over NO_COLOR.
    let withNoColor = try Binary.run(
      ["--color", "always"], stdin: ColorTests.script, environment: ["NO_COLOR": "1"])
    #expect(withNoColor.stdout == r.stdout && withNoColor.stderr == r.stderr)
  }

  /// Never, auto off a terminal, NO_COLOR, --no-color: the same bytes as without any option.
  @Test(
    arguments: [
      (["--color", "never"], [:]),
      (["--color", "auto"], [:]),
      (["--color=never"], ["NO_COLOR": "1"]),
      (["--color", "auto"], ["NO_COLOR": "1"]),
      (["--no-color"], [:]),
      (["--no-color", "--color", "always"], [:]),
    ] as [([String], [String: String])])
  func noColour(arguments: [String], environment: [String: String]) throws {
    let plain = try Binary.run([], stdin: ColorTests.script)
    let r = try Binary.run(arguments, stdin: ColorTests.script, environment: environment)
    #expect(!r.stdout.contains("\u{1b}") && !r.stderr.contains("\u{1b}"))
    #expect(r.stdout == plain.stdout && r.stderr == plain.stderr && r.status == plain.status)
    #expect(r.stderr.contains("error: unknown layer type 'convv1d'"))
  }

  /// With --json, stdout is JSON only, coloured or not; the diagnostics on stderr may be.
  @Test func jsonStaysPlain() throws {
    let r = try Binary.run(["--json", "--color", "always"], stdin: ColorTests.script)
    #expect(!r.stdout.contains("\u{1b}"))
    #expect(r.stdout.split(separator: "\n").count == 3)
    #expect(r.stderr.contains(ColorTests.escape))
  }

  @Test func aWrongChoiceIsAUsageError() throws {
    let r = try Binary.run(["--color", "sometimes"], stdin: "")
    #expect(r.status == 64)
    #expect(r.stderr.contains("sometimes"))
  }

  /// At the prompt: auto colours, never does not; always colours even with NO_COLOR or TERM=dumb.
  @Test(
    arguments: [
      ([], ["NO_COLOR": nil, "TERM": "xterm"], true),
      (["--color", "never"], ["NO_COLOR": nil, "TERM": "xterm"], false),
      (["--color", "auto"], ["NO_COLOR": nil, "TERM": "dumb"], false),
      (["--color", "always"], ["NO_COLOR": "1", "TERM": "xterm"], true),
    ] as [([String], [String: String?], Bool)])
  func atThePrompt(arguments: [String], environment: [String: String?], coloured: Bool) throws {
    let home = try PromptHome()
    let t = try home.session(arguments, environment: environment)
    #expect(t.nextPrompt())
    let mark = t.screen.endIndex
    t.type("add convv1d\r")
    #expect(t.wait(for: "did you mean 'conv1d'?", after: mark))
    #expect(t.nextPrompt())
    let shown = String(t.screen[mark...])
    #expect(
      shown.contains(try Regex("\u{1b}\\[[0-9;]*merror:")) == coloured, "\(shown.debugDescription)")
    #expect(t.leave() == .exited(0))
  }
}
