import Testing

@testable import ParamCalcCore

/// `summary chart` and `export markdown|csv|dot`: the text each renderer makes of a small chain
/// and a small graph. The counts expected are worked out here: a Dense layer of n inputs and u
/// units has n * u + u weights.
@Suite("Chart and export")
struct ExportTests {
  /// input (4,); Dense 3 (4 * 3 + 3 = 15); Dropout (0); Dense 2 (3 * 2 + 2 = 8): 23 in all.
  static let chain = [
    "input (4,)", "add dense units=3", "add dropout rate=0.5", "add dense units=2",
  ]
  /// Two inputs, a Dense on the first (8 * 4 + 4 = 36), called again on the second (its weights
  /// counted once), and the two concatenated.
  static let graph = [
    "input a (8,)", "input b (8,)", "add dense units=4 from a as da", "reuse 3 from b as db",
    "add concatenate from da,db",
  ]

  func session(_ lines: [String]) throws -> Session {
    var interpreter = Interpreter()
    for line in lines { _ = try interpreter.run(line: line) }
    return interpreter.session
  }

  // MARK: Markdown

  @Test func markdownOfAChainIsAPipeTableAndTheTotals() throws {
    let s = try session(Self.chain)
    // Shares: 15 / 23 = 65.2%, 8 / 23 = 34.8%; 23 params of 4 bytes are 92 bytes.
    let expected = """
      ## Model "sequential"

      Input: (None, 4)

      | # | Layer | Type | Output shape | Params | Trainable | Non-trainable | Share |
      |--:|:--|:--|:--|--:|--:|--:|--:|
      | 1 | `dense` | Dense | (None, 3) | 15 | 15 | 0 | 65.2% |
      | 2 | `dropout` | Dropout | (None, 3) | 0 | 0 | 0 | 0.0% |
      | 3 | `dense_1` | Dense | (None, 2) | 8 | 8 | 0 | 34.8% |

      - Total params: 23 (92.00 B)
      - Trainable params: 23 (92.00 B)
      - Non-trainable params: 0 (0.00 B)

      """
    #expect(ExportRenderer.markdown(s) == expected)
  }

  @Test func markdownOfAGraphSaysWhatEachLayerReads() throws {
    let s = try session(Self.graph)
    let lines = ExportRenderer.markdown(s).split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.hasSuffix("| Share | Connected to |") })
    #expect(lines.contains("| 3 | `da` | Dense | (None, 4) | 36 | 36 | 0 | 100.0% | a |"))
    #expect(lines.contains("| 4 | `da` | Dense, again | (None, 4) | 0 | 0 | 0 | 0.0% | b |"))
    #expect(
      lines.contains("| 5 | `concatenate` | Concatenate | (None, 8) | 0 | 0 | 0 | 0.0% | da, db |"))
    // Every row of the table has as many cells as the header.
    let table = lines.filter { $0.hasPrefix("|") }
    #expect(table.count == 2 + 5)
    for row in table { #expect(row.filter { $0 == "|" }.count == 10, "\(row)") }
  }

  @Test func aPipeInACellIsEscaped() {
    #expect(ExportRenderer.markdownCell("a|b") == "a\\|b")
    #expect(ExportRenderer.markdownCell("plain") == "plain")
  }

  // MARK: CSV

  /// Reads CSV as RFC 4180 writes it (CRLF records, quoted fields with doubled quotes).
  func records(_ text: String) -> [[String]] {
    var out: [[String]] = []
    var record: [String] = []
    var field = ""
    var quoted = false
    var chars = Array(text.unicodeScalars)[...]
    while let c = chars.popFirst() {
      if quoted {
        if c == "\"" {
          if chars.first == "\"" {
            field.unicodeScalars.append("\"")
            chars.removeFirst()
          } else {
            quoted = false
          }
        } else {
          field.unicodeScalars.append(c)
        }
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        record.append(field)
        field = ""
      } else if c == "\r" {
        #expect(chars.popFirst() == "\n", "a record ends with CRLF")
        record.append(field)
        out.append(record)
        record = []
        field = ""
      } else {
        field.unicodeScalars.append(c)
      }
    }
    #expect(record.isEmpty && field.isEmpty, "the text ends with a record's CRLF")
    return out
  }

  @Test func csvOfAChainIsOneRecordPerLayerAndTheTotals() throws {
    let s = try session(Self.chain)
    let text = ExportRenderer.csv(s)
    #expect(text.hasPrefix("#,Layer,Type,Output shape,Params,"))
    // An output shape holds a comma: it is quoted.
    #expect(text.contains("\r\n1,dense,Dense,\"(None, 3)\",15,15,0,65.2\r\n"))
    let rows = records(text)
    #expect(rows.count == 1 + 3 + 1)
    for r in rows { #expect(r.count == 8, "\(r)") }
    #expect(rows[2] == ["2", "dropout", "Dropout", "(None, 3)", "0", "0", "0", "0.0"])
    #expect(rows[3] == ["3", "dense_1", "Dense", "(None, 2)", "8", "8", "0", "34.8"])
    #expect(rows[4] == ["", "Total", "", "", "23", "23", "0", "100.0"])
  }

  @Test func csvOfAGraphHasAConnectedToColumn() throws {
    let s = try session(Self.graph)
    let rows = records(ExportRenderer.csv(s))
    #expect(rows.count == 1 + 5 + 1)
    for r in rows { #expect(r.count == 9, "\(r)") }
    #expect(rows[0].last == "Connected to")
    #expect(
      rows[5] == ["5", "concatenate", "Concatenate", "(None, 8)", "0", "0", "0", "0.0", "da, db"])
    #expect(rows[6][4] == "36")
  }

  @Test func aCSVFieldWithACommaOrAQuoteIsQuoted() {
    #expect(ExportRenderer.csvField("encoder, left") == "\"encoder, left\"")
    #expect(ExportRenderer.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(ExportRenderer.csvField("two\r\nlines") == "\"two\r\nlines\"")
    #expect(ExportRenderer.csvField("dense_1") == "dense_1")
    // Read back, a record of such names is the names.
    let line = ExportRenderer.record(["encoder, left", "say \"hi\"", "x"])
    #expect(records(line) == [["encoder, left", "say \"hi\"", "x"]])
  }

  // MARK: DOT

  /// The node ids a DOT text declares (`  "L1" [label=...]`) and its edges (`"A" -> "B"`), read
  /// minimally.
  func graphOf(_ dot: String) -> (nodes: [String], edges: [(String, String, String)]) {
    var nodes: [String] = []
    var edges: [(String, String, String)] = []
    for line in dot.split(separator: "\n").map(String.init) {
      let t = line.drop { $0 == " " }
      guard t.hasPrefix("\"") else { continue }
      let parts = t.split(separator: "\"", omittingEmptySubsequences: false)
      if t.contains(" -> ") {
        edges.append((String(parts[1]), String(parts[3]), String(t)))
      } else if t.contains(" [label=") {
        nodes.append(String(parts[1]))
      }
    }
    return (nodes, edges)
  }

  @Test func dotOfAChainHasTheInputAndEachLayerAsNodes() throws {
    let s = try session(Self.chain)
    let dot = ExportRenderer.dot(s)
    #expect(dot.hasPrefix("digraph \"sequential\" {\n"))
    #expect(dot.hasSuffix("}\n"))
    let (nodes, edges) = graphOf(dot)
    #expect(nodes == ["input", "L1", "L2", "L3"])
    #expect(edges.map { [$0.0, $0.1] } == [["input", "L1"], ["L1", "L2"], ["L2", "L3"]])
    #expect(dot.contains("\"L1\" [label=\"dense (Dense)\\nOutput shape: (None, 3)\\nParams: 15\"]"))
    #expect(dot.contains("\"input\" [label=\"input (InputLayer)\\nOutput shape: (None, 4)"))
  }

  @Test func dotOfAGraphHasAnEdgePerTensorReadAndTheReusedWeights() throws {
    let s = try session(Self.graph)
    let (nodes, edges) = graphOf(ExportRenderer.dot(s))
    // The named inputs are layers: no other input node.
    #expect(nodes == ["L1", "L2", "L3", "L4", "L5"])
    let pairs = Set(edges.map { "\($0.0)->\($0.1)" })
    #expect(pairs == ["L1->L3", "L2->L4", "L4->L3", "L3->L5", "L4->L5"])
    #expect(edges.count == 5)
    // The call again points at the layer whose weights it uses, dashed.
    let same = edges.filter { $0.2.contains("same weights") }
    #expect(same.count == 1 && same[0].0 == "L4" && same[0].1 == "L3")
    #expect(same[0].2.contains("style=dashed"))
    for e in edges { #expect(nodes.contains(e.0) && nodes.contains(e.1)) }
  }

  @Test func dotLabelsAStateEdgeAndDashesALayerLeftOut() throws {
    let s = try session([
      "input (None,5)", "add lstm units=3 return_state=true as enc",
      "add dense units=2 from enc.h as side", "add dense units=4 from enc as main", "output main",
    ])
    let dot = ExportRenderer.dot(s)
    let (nodes, edges) = graphOf(dot)
    #expect(nodes == ["input", "L1", "L2", "L3"])
    #expect(edges.contains { $0.0 == "L1" && $0.1 == "L2" && $0.2.contains("[label=\"h\"]") })
    #expect(
      dot.contains(
        "\"L2\" [label=\"side (Dense)\\nOutput shape: (None, 2)\\nParams: 8\", style=dashed]"))
  }

  @Test func dotStringsAreQuotedAndEscaped() {
    #expect(ExportRenderer.dotString("plain") == "\"plain\"")
    #expect(ExportRenderer.dotString("a\"b\\c") == "\"a\\\"b\\\\c\"")
    #expect(ExportRenderer.dotLabel(["x \"y\"", "z"]) == "\"x \\\"y\\\"\\nz\"")
  }

  // MARK: The chart

  /// The columns a line takes (its characters; the chart's are each one column wide).
  func width(_ line: Substring) -> Int { line.unicodeScalars.count }

  @Test func chartBarsAreEighthsOfAColumnAndAFullBarIsTheWholeModel() {
    #expect(TextRenderer.bar(0, of: 10, columns: 8) == "")
    #expect(TextRenderer.bar(5, of: 0, columns: 8) == "")
    #expect(TextRenderer.bar(10, of: 10, columns: 4) == "████")
    #expect(TextRenderer.bar(1, of: 2, columns: 10) == "█████")
    // 3/8 of 2 columns: 6 eighths.
    #expect(TextRenderer.bar(3, of: 8, columns: 2) == "▊")
    // 5/16 of 3 columns: 7.5 eighths, rounded to 8.
    #expect(TextRenderer.bar(5, of: 16, columns: 3) == "█")
    // 1/3 of 4 columns: 10.67 eighths, 11: one column and 3 eighths.
    #expect(TextRenderer.bar(1, of: 3, columns: 4) == "█▍")
    // A few parameters among many still show: one eighth.
    #expect(TextRenderer.bar(1, of: 1_000_000, columns: 10) == "▏")
  }

  @Test func chartOfAChainHasALinePerLayerWithinTheWidth() throws {
    let s = try session(Self.chain)
    for renderer in [TextRenderer(), TextRenderer(width: 60), TextRenderer(width: 41)] {
      let text = renderer.chart(s)
      let limit = renderer.width ?? 100
      let lines = text.split(separator: "\n")
      for line in lines { #expect(width(line) <= limit, "\(line)") }
      let rows = lines.filter { $0.hasPrefix("  ") && $0.dropFirst(2).first?.isNumber == true }
      #expect(rows.count == 3)
      // The Dropout has no weights: no bar, the line ends with its share.
      #expect(rows[1].hasSuffix("0.0%"))
      // The bars are in the ratio of the counts, 15 : 8, to an eighth of a column each.
      func eighths(_ line: Substring) -> Int {
        let blocks = ["▏": 1, "▎": 2, "▍": 3, "▌": 4, "▋": 5, "▊": 6, "▉": 7, "█": 8]
        return line.unicodeScalars.reduce(0) { $0 + (blocks[String($1)] ?? 0) }
      }
      let (a, b) = (eighths(rows[0]), eighths(rows[2]))
      #expect(a > 0 && b > 0)
      // a ≈ 15/23 * 8 * columns and b ≈ 8/23 * 8 * columns, each rounded: a * 8 ≈ b * 15.
      #expect(abs(a * 8 - b * 15) <= 8 + 15, "\(a) \(b)")
      #expect(text.contains(" Total params: 23 (92.00 B)\n"))
    }
  }

  @Test func chartBarsAreColouredWithColourAndStillFit() throws {
    let s = try session(Self.chain)
    let text = TextRenderer(style: .ansi).chart(s)
    #expect(text.contains("\u{1B}[1;36m█"))
    for line in text.split(separator: "\n") {
      #expect(Format.columns(line.utf8) <= 100, "\(line)")
    }
    #expect(!TextRenderer().chart(s).contains("\u{1B}"))
  }

  @Test func chartCutsLongNamesToFitAndListsEveryLayer() throws {
    let long = String(repeating: "x", count: 150)
    var lines = ["input (4,)", "add dense units=4 as \(long)"]
    for _ in 0..<300 { lines.append("add dense units=4") }
    let s = try session(lines)
    let text = TextRenderer().chart(s)
    let all = text.split(separator: "\n")
    for line in all { #expect(width(line) <= 100, "\(line)") }
    #expect(all.contains { $0.contains("…") })
    let rows = all.filter { $0.hasPrefix("  ") && $0.drop { $0 == " " }.first?.isNumber == true }
    #expect(rows.count == 301)
    #expect(rows.last?.contains("301  dense_299 (Dense)") == true)
  }

  @Test func chartInJSONIsTheSummaryWithEachLayersShare() throws {
    var interpreter = Interpreter()
    for line in Self.chain { _ = try interpreter.run(line: line) }
    let (command, response) = try #require(try interpreter.run(line: "summary chart"))
    #expect(command == .chart)
    let text = JSONRenderer.render(response, line: 5, session: interpreter.session)
    let json = try JSONValue.parse(text)
    #expect(json["command"] == .string("summary"))
    #expect(json["chart"] == .bool(true))
    #expect(json["total"] == .int(23))
    let layers = try #require(json["layers"]?.array)
    #expect(layers.count == 3)
    // 15 / 23 = 0.6521739..., 8 / 23 = 0.3478260...: six decimals.
    #expect(layers[0]["share"] == .double(0.652174))
    #expect(layers[1]["share"] == .int(0))
    #expect(layers[2]["share"] == .double(0.347826))
    #expect(layers[0]["params"] == .int(15))
    #expect(JSONStream.share(0, of: 0) == "null")
    #expect(JSONStream.share(4, of: 4) == "1")
    #expect(JSONStream.share(1, of: 4) == "0.25")
    #expect(JSONStream.share(1, of: 64_000) == "0.000016")
  }

  // MARK: The commands

  @Test func exportParsesItsFormatAndAFileNameAsSaveDoes() throws {
    #expect(
      try CommandParser.parse("export csv m.csv")
        == .export(.csv, path: FileName("m.csv"), at: Span(11, 16)))
    let quoted = try #require(try CommandParser.parse("EXPORT Dot 'my model.dot'"))
    guard case .export(let format, let path, _) = quoted else {
      Issue.record("\(quoted)")
      return
    }
    #expect(format == .dot && path == FileName("my model.dot"))
    #expect(try CommandParser.parse("export markdown notes/model one.md")?.kind == .export)
    #expect(try CommandParser.parse("summary chart") == .chart)
    #expect(try CommandParser.parse("summary depth=1") == .summary(depth: 1))
    #expect(throws: ParamCalcError.self) { try CommandParser.parse("summary chart depth=1") }
    #expect(throws: ParamCalcError.self) { try CommandParser.parse("summary depth=1 chart") }
  }

  @Test func exportRefusesAnUnknownFormatAMissingFileAndAnEmptyModel() {
    expectRefusal(
      after: Self.chain, "export dott m.dot", .syntax, "markdown, csv, dot, svg or keras")
    #expect(error(after: Self.chain, "export dott m.dot")?.hint == "did you mean 'dot'?")
    expectRefusal(after: Self.chain, "export csv", .missingOperand, "a file name")
    expectRefusal(after: Self.chain, "export", .missingOperand, "a format and a file name")
    expectRefusal(after: [], "export csv m.csv", .nothingTo, "the model has no layers")
    expectRefusal(after: ["input (4,)"], "export dot m.dot", .nothingTo, "no layers")
  }

  @Test func exportHandsTheTextToTheExecutableAndReportsItsSize() throws {
    var interpreter = Interpreter()
    for line in Self.chain { _ = try interpreter.run(line: line) }
    let (_, response) = try #require(try interpreter.run(line: "export dot model.dot"))
    guard case .export(let format, let path, let request) = response else {
      Issue.record("\(response)")
      return
    }
    #expect(format == .dot && path == "model.dot")
    #expect(request.file == FileName("model.dot"))
    #expect(request.script == ExportRenderer.dot(interpreter.session))
    let json = try JSONValue.parse(
      JSONRenderer.render(response, line: 7, session: interpreter.session))
    #expect(json["command"] == .string("export"))
    #expect(json["format"] == .string("dot"))
    #expect(json["path"] == .string("model.dot"))
    #expect(json["bytes"] == .int(request.script.utf8.count))
    let text = TextRenderer().render(response, session: interpreter.session)
    #expect(text.hasPrefix("  exported 3 layers to model.dot (Graphviz DOT, "))
  }

  @Test func exportIsRefusedInsideALoadedFile() {
    var interpreter = Interpreter()
    #expect(throws: ParamCalcError.self) {
      _ = try interpreter.load(
        lines: ["input (4,)", "add dense units=2", "export csv m.csv"], path: "m.pc",
        at: Span(0, 1))
    }
    #expect(interpreter.session.count == 0)
  }
}
