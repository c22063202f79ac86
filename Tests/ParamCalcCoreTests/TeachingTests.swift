import Testing

@testable import ParamCalcCore

/// The prompt's settings and teaching mode in the core: `explain on|off`, `prompt total|plain`,
/// `quiz on|off`, errors without a location, output fitted to a width.
@Suite("Teaching mode and the prompt")
struct TeachingTests {
  func run(_ interpreter: inout Interpreter, _ line: String) throws -> Response? {
    try interpreter.run(line: line)?.1
  }

  @Test func settingsParse() throws {
    #expect(try CommandParser.parse("explain on") == .setting(.explainEdits(true), at: Span(8, 10)))
    #expect(
      try CommandParser.parse("EXPLAIN Off") == .setting(.explainEdits(false), at: Span(8, 11)))
    #expect(try CommandParser.parse("prompt total") == .setting(.prompt(.total), at: Span(7, 12)))
    #expect(try CommandParser.parse("prompt plain") == .setting(.prompt(.plain), at: Span(7, 12)))
    #expect(try CommandParser.parse("quiz on") == .setting(.quiz(true), at: Span(5, 7)))
    #expect(try CommandParser.parse("explain on")?.kind == .explain)
    #expect(try CommandParser.parse("prompt total")?.kind == .prompt)
    // `explain` with a number or `all` is as before.
    #expect(try CommandParser.parse("explain all") == .explain(.all))
    #expect(try CommandParser.parse("explain 2") == .explain(.layer(2, at: Span(8, 9))))
    #expect(error(after: [], "prompt")?.kind == .missingOperand)
    #expect(error(after: [], "prompt loud")?.message == "'prompt' takes total or plain, not 'loud'")
    #expect(error(after: [], "quiz maybe")?.message == "'quiz' takes on or off, not 'maybe'")
    #expect(error(after: [], "quiz on off")?.kind == .extraTokens)
  }

  @Test func promptTextCarriesTheRunningTotal() throws {
    var i = Interpreter()
    #expect(i.promptText == "paramcalc> ")
    _ = try run(&i, "prompt total")
    #expect(i.promptText == "paramcalc [0 · 0]> ")
    _ = try run(&i, "input (None,25)")
    _ = try run(&i, "add conv1d filters=64 kernel_size=5")
    #expect(i.promptText == "paramcalc [1 · 8,064]> ")
    _ = try run(&i, "add dense units=10")
    _ = try run(&i, "add dense units=1")
    // 8,064 + (64 + 1) × 10 + (10 + 1) × 1 = 8,064 + 650 + 11.
    #expect(i.promptText == "paramcalc [3 · 8,725]> ")
    _ = try run(&i, "prompt plain")
    #expect(i.promptText == "paramcalc> ")
    // Nothing is printed for it: the prompt shows it.
    #expect(TextRenderer().render(.setting(.prompt(.total)), session: i.session) == "")
  }

  @Test func explainOnNamesTheLayerEachEditLandsOn() throws {
    var i = Interpreter()
    _ = try run(&i, "input (None,25)")
    let before = try #require(try run(&i, "add dense units=4"))
    #expect(i.lessonLayer(after: before) == nil)
    let on = try #require(try run(&i, "explain on"))
    #expect(i.explainsEdits)
    #expect(TextRenderer().render(on, session: i.session).contains("explain on"))
    #expect(i.lessonLayer(after: try #require(try run(&i, "add dense units=2"))) == 2)
    #expect(i.lessonLayer(after: try #require(try run(&i, "insert 1 dense units=3"))) == 1)
    #expect(i.lessonLayer(after: try #require(try run(&i, "set 3 units=5"))) == 3)
    #expect(i.lessonLayer(after: try #require(try run(&i, "remove 1"))) == nil)
    // Undo of the remove brings layer 1 back: it lands again.
    #expect(i.lessonLayer(after: try #require(try run(&i, "undo"))) == 1)
    #expect(i.lessonLayer(after: try #require(try run(&i, "total"))) == nil)
    _ = try run(&i, "explain off")
    #expect(i.lessonLayer(after: try #require(try run(&i, "add dense units=2"))) == nil)
  }

  @Test func quizNeedsATerminal() throws {
    let e = try #require(error(after: [], "quiz on"))
    #expect(e == .needsTerminal("quiz", at: Span(5, 7)))
    #expect(e.message == "quiz needs a terminal")
    var i = Interpreter()
    i.atTerminal = true
    _ = try run(&i, "quiz on")
    #expect(i.quizzes)
    _ = try run(&i, "quiz off")
    #expect(!i.quizzes)
  }

  @Test func anErrorAtThePromptHasNoLocation() throws {
    let e = try #require(error(after: [], "add convv1d"))
    let atPrompt = DiagnosticRenderer.render(e, at: nil, text: "add convv1d")
    #expect(
      atPrompt == """
        error: unknown layer type 'convv1d'
          add convv1d
              ^~~~~~~
        help: did you mean 'conv1d'? ('layers' lists the layer types)

        """)
    // A script keeps FILE:LINE:COL, as before.
    #expect(
      DiagnosticRenderer.render(e, file: "bad.pc", line: 3, text: "add convv1d")
        == "bad.pc:3:5: " + atPrompt)
  }

  /// The columns of each line of `text`.
  func widths(_ text: String) -> [Int] {
    text.split(separator: "\n").map { Format.columns($0.utf8) }
  }

  @Test func layerLinesFitTheWidthGiven() throws {
    var i = Interpreter()
    _ = try run(&i, "input (100,200,300,4)")
    let added = try #require(try run(&i, "add dense units=7"))
    // 5 + 5 + 6 + 24 + 12 + 11 = 63 columns: one line in 100, the total under it in 60.
    let line = "  #1 Dense  out (None, 100, 200, 300, 7)   35 params   total 35\n"
    #expect(TextRenderer().render(added, session: i.session) == line)
    #expect(TextRenderer(width: 100).render(added, session: i.session) == line)
    #expect(
      TextRenderer(width: 60).render(added, session: i.session)
        == "  #1 Dense  out (None, 100, 200, 300, 7)   35 params\n      total 35\n")
  }

  func lenet() throws -> Session {
    try model(
      "input 28x28x1", "add conv2d filters=8 kernel_size=3", "add maxpooling2d", "add flatten",
      "add dense units=10")
  }

  @Test func theSummaryFitsTheWidthGiven() throws {
    let s = try lenet()
    // The table is 86 columns: 1 + (1+3) + (28+3) + (17+3) + (7+3) + (5+3) + (9+3).
    let full = TextRenderer().summary(s)
    #expect(widths(full).max() == 86)
    #expect(TextRenderer(width: 86).summary(s) == full)
    // 80: without Share, 78.
    let narrower = TextRenderer(width: 80).summary(s)
    #expect(!narrower.contains("Share") && narrower.contains("Trainable ┃"))
    #expect(widths(narrower).max() == 78)
    #expect(
      narrower.contains(
        "│ 4 │ dense (Dense)                │ (None, 10)        │  13,530 │ Y         │"))
    // 70: without Trainable either, 66.
    let narrow = TextRenderer(width: 70).summary(s)
    #expect(!narrow.contains("Trainable ┃") && narrow.contains("Param # ┃"))
    #expect(widths(narrow).max() == 66)
    // 50: the names cut to 12 columns, `…` where cut; shapes and counts whole.
    let cut = TextRenderer(width: 50).summary(s)
    #expect(widths(cut).max() == 50)
    #expect(cut.contains("│ 2 │ max_pooling… │ (None, 13, 13, 8) │       0 │"))
    #expect(cut.contains("│ 3 │ flatten (F…  │ (None, 1352)      │       0 │") == false)
    #expect(cut.contains("│ 3 │ flatten (Fl… │ (None, 1352)      │       0 │"))
    #expect(cut.contains(" Total params: 13,610 (53.16 KB)"))
  }

  @Test func explanationsWrapAtTheWidthGiven() throws {
    let s = try model("input (None,25)", "add conv1d filters=64 kernel_size=5")
    let wide = TextRenderer().explain(1, s)
    #expect(widths(wide).max()! > 60)
    let narrow = TextRenderer(width: 60).explain(1, s)
    #expect(widths(narrow).max()! <= 60)
    // The same words, wrapped differently.
    #expect(
      narrow.split(whereSeparator: { $0 == " " || $0 == "\n" })
        == wide.split(whereSeparator: { $0 == " " || $0 == "\n" }))
  }
}
