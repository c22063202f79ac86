import Testing

@testable import ParamCalcCore

/// `#N` where a layer number goes after a command word (`explain #1 flops`, `remove #1`, `set #2
/// units=4`, ...) is that number, as every output line labels layers; everywhere else `#` still
/// starts a comment.
@Suite("#N as a layer number")
struct LayerNumberSignTests {
  static let setup = ["input (4,)", "add dense units=3", "add dense units=2", "add dense units=5"]

  /// Each line with `#N`, and the same line with the plain number.
  static let pairs: [(String, String)] = [
    ("explain #1", "explain 1"),
    ("explain #1 flops", "explain 1 flops"),
    ("explain #2 flops batch=3", "explain 2 flops batch=3"),
    ("remove #1", "remove 1"),
    ("set #2 units=4", "set 2 units=4"),
    ("insert #2 dense units=6", "insert 2 dense units=6"),
    ("reuse #3", "reuse 3"),
    ("try #2 units=7", "try 2 units=7"),
    ("try set #2 units=8", "try set 2 units=8"),
    ("try remove #2", "try remove 2"),
    ("try insert #1 dense units=4", "try insert 1 dense units=4"),
    ("  EXPLAIN   #3", "explain 3"),
  ]

  /// What a line prints after the setup, and the session's fingerprint then; through the
  /// shortcut path (`run(bytes:)`) when `fast`, else the parser alone.
  static func outcome(_ line: String, fast: Bool) -> (String, String) {
    var interpreter = Interpreter()
    for s in setup { _ = try? interpreter.run(line: s) }
    let bytes = Array(line.utf8)
    let result = bytes.withUnsafeBufferPointer { buffer in
      Result { () throws(ParamCalcError) -> Response? in
        if fast { return try interpreter.run(bytes: buffer) }
        return try interpreter.run(line: line)?.1
      }
    }
    switch result {
    case .success(let r):
      let shown = r.map { TextRenderer().render($0, session: interpreter.session) } ?? "(nothing)"
      return (shown, "\(interpreter.session.fingerprint)")
    case .failure(let e):
      return ("error: \(e.message)", "\(interpreter.session.fingerprint)")
    }
  }

  @Test(arguments: pairs.indices)
  func hashNumberIsTheNumber(i: Int) {
    let (hashed, plain) = Self.pairs[i]
    let expected = Self.outcome(plain, fast: false)
    #expect(!expected.0.hasPrefix("error"), "\(plain): \(expected.0)")
    for fast in [false, true] {
      let got = Self.outcome(hashed, fast: fast)
      #expect(got.0 == expected.0, "\(hashed) (fast: \(fast))")
      #expect(got.1 == expected.1, "\(hashed) (fast: \(fast))")
    }
  }

  /// `explain #1 flops` explains layer 1, not the last layer (it did when `#1 flops` was a
  /// comment).
  @Test func explainHashOneFlopsNamesLayerOne() throws {
    guard case .flops(let o) = try CommandParser.parse("explain #1 flops") else {
      Issue.record("not a flops command")
      return
    }
    #expect(o.layer == 1)
    #expect(o.layerSpan == Span(8, 10))
    guard case .explain(.layer(let n, let span)) = try CommandParser.parse("explain #12") else {
      Issue.record("not an explain of a layer")
      return
    }
    #expect(n == 12)
    #expect(span == Span(8, 11))
  }

  /// Comments stay comments: a line parses as the same line without its comment.
  @Test(arguments: [
    ("add dense units=3  # first layer", "add dense units=3"),
    ("add dense units=3 #1", "add dense units=3"),
    ("set 2 units=4 #3", "set 2 units=4"),
    ("remove 1 #2", "remove 1"),
    ("explain 1 #2", "explain 1"),
    ("explain #1 # the first", "explain #1"),
    ("summary #1", "summary"),
    ("total #1", "total"),
    ("add dense #1 units=3", "add dense"),
    ("add dense units=5 from #1 # comment", "add dense units=5 from #1"),
  ])
  func commentsStayComments(line: String, same: String) throws {
    #expect(try CommandParser.parse(line) == CommandParser.parse(same))
  }

  @Test(arguments: ["# comment line", "#1 a comment", "   # x", "#", "# explain #1"])
  func commentLines(line: String) throws {
    #expect(try CommandParser.parse(line) == nil)
  }

  /// `# 1` (a space after the sign) is a comment, so the number is missing; `#x` too.
  @Test func signWithoutADigitIsAComment() {
    expectRefusal(after: Self.setup, "remove # 1", .missingOperand, "layer number")
    expectRefusal(after: Self.setup, "set #x units=4", .missingOperand, "layer number")
    expectRefusal(after: Self.setup, "remove #9", .indexOutOfRange, "9")
    expectRefusal(after: Self.setup, "remove #1x", .syntax, "'#1x'")
  }

  /// The speed path leaves `#N` forms to the parser, and takes `add ...  # comment` itself with
  /// what the parser made of it.
  @Test func speedPathAgrees() {
    for line in ["remove #1", "set #2 units=4", "insert #2 dense units=3"] {
      var copy = line
      let form = copy.withUTF8 { LineForm($0) }
      #expect(form == .other, "\(line)")
    }
    // Each line twice (the second time from the shortcut's cache), on one session each way.
    var fast = Interpreter()
    var plain = Interpreter()
    let lines =
      Self.setup + [
        "add dense units=3  # first layer", "set 2 units=4 # c", "insert 2 dense units=2 # c",
        "add dense units=3  # first layer", "set 2 units=4 # c", "insert 2 dense units=2 # c",
        "set #2 units=6 # c", "remove #1 # c",
      ]
    for line in lines {
      let bytes = Array(line.utf8)
      let a = bytes.withUnsafeBufferPointer { buffer in
        Result { () throws(ParamCalcError) -> Response? in try fast.run(bytes: buffer) }
      }
      let b = Result { () throws(ParamCalcError) -> Response? in try plain.run(line: line)?.1 }
      switch (a, b) {
      case (.success(let x), .success(let y)):
        #expect(x != nil && y != nil, "\(line)")
        #expect(
          x.map { TextRenderer().render($0, session: fast.session) }
            == y.map { TextRenderer().render($0, session: plain.session) }, "\(line)")
      default: Issue.record("\(line): \(a) against \(b)")
      }
      #expect(fast.session.fingerprint == plain.session.fingerprint, "\(line)")
    }
  }
}
