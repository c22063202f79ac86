import Testing

@testable import ParamCalcCore

/// A message quotes a huge token of the user's shortened with `…`, as the quoted line is; a
/// space-like character is named, with where it stands.
@Suite("Tokens quoted in messages")
struct MessageTokenTests {
  static let setup = ["input (4,)"]

  /// The longest run of characters without a space in `s`.
  static func longestRun(_ s: String) -> Int {
    s.split(separator: " ").map(\.count).max() ?? 0
  }

  @Test(arguments: [
    ("add " + String(repeating: "x", count: 200_000), "unknown layer type 'xxx"),
    ("add dense units=" + String(repeating: "9", count: 5_000), "overflow: the number 999"),
    ("add dense " + String(repeating: "u", count: 3_000) + "=3", "Dense has no argument 'uuu"),
    ("frob" + String(repeating: "x", count: 3_000), "unknown command 'frobxxx"),
    ("add dense units=3 foo" + String(repeating: "x", count: 3_000), "found 'fooxxx"),
  ])
  func hugeTokensAreShortened(line: String, start: String) throws {
    let e = try #require(error(after: Self.setup, line))
    #expect(e.message.hasPrefix(start) || e.message.contains(start), "\(e.message.prefix(80))")
    // 28 characters, '…' and the last 8: 37 in all.
    #expect(Self.longestRun(e.message) == 28 + 1 + 8, "\(e.message.prefix(120))")
    #expect(e.message.contains("…"))
    #expect(e.message.utf8.count < 140)
    let shown = DiagnosticRenderer.render(e, at: nil, text: line)
    for row in shown.split(separator: "\n") {
      #expect(row.count <= 100, "\(row.prefix(120))")
    }
  }

  @Test func shortenedKeepsTheEndsAndShortTextWhole() {
    let token = "'" + String(repeating: "a", count: 50) + String(repeating: "b", count: 50) + "'"
    let s = ParamCalcError.shortened("unknown layer type \(token) here")
    #expect(
      s == "unknown layer type '" + String(repeating: "a", count: 27) + "…"
        + String(repeating: "b", count: 7) + "' here")
    let short = "unknown layer type '" + String(repeating: "a", count: 46) + "'"
    #expect(ParamCalcError.shortened(short) == short)
  }

  /// A file's path stays whole: it says which file.
  @Test func pathsStayWhole() {
    let path = "/tmp/" + String(repeating: "d", count: 100) + "/model.pc"
    let e = ParamCalcError.file(path: path, reason: "no such file", at: Span(0, 1))
    #expect(e.message == "\(path): no such file")
  }

  @Test(arguments: [
    (
      "add dense\u{00A0}units=2",
      "a non-breaking space (U+00A0) between 'dense' and 'units=2': use a plain space", 9
    ),
    ("add dense units=2\u{FEFF}", "a byte order mark (U+FEFF) after 'units=2': delete it", 17),
    ("\u{FEFF}add dense units=2", "a byte order mark (U+FEFF) before 'add': delete it", 0),
    (
      "add dense units=2 \u{200B}as x", "a zero-width space (U+200B) before 'as': delete it",
      18
    ),
    ("add\u{3000}dense", "an ideographic space (U+3000) between 'add' and 'dense'", 3),
    ("set 1\u{202F}units=2", "a narrow non-breaking space (U+202F) between '1' and 'units=2'", 5),
  ])
  func spaceLikeCharactersAreNamed(line: String, message: String, column: Int) throws {
    let e = try #require(error(after: Self.setup + ["add dense units=3"], line))
    #expect(e.message.hasPrefix(message), "\(e.message)")
    #expect(e.span.start == column)
  }

  /// Inside quotes, and in a file name, the character is the user's to keep.
  @Test func quotedAndFileNamesKeepThem() throws {
    #expect(try CommandParser.parse("save 'my\u{00A0}model.pc'") != nil)
    #expect(try CommandParser.parse("save my\u{00A0}model.pc") != nil)
    #expect(try CommandParser.parse("add dense name='a\u{00A0}b'") != nil)
  }
}
