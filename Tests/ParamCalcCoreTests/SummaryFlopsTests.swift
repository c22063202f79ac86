import Testing

@testable import ParamCalcCore

/// `summary flops` and `summary chart flops`: the summary's table with each layer's MACs and
/// FLOPs, and the chart of the FLOPs' shares. The numbers are worked out here by hand from the
/// convention of docs/flops.md.
@Suite("Summary flops")
struct SummaryFlopsTests {
  /// Dense(3) on (4,): 4 × 3 = 12 MACs, 2 × 12 + 3 (bias) = 27 FLOPs; Dropout: none;
  /// Dense(2) on (3,): 3 × 2 = 6 MACs, 2 × 6 + 2 = 14 FLOPs. In all: 18 MACs, 41 FLOPs.
  static let chain = [
    "input (4,)", "add dense units=3", "add dropout rate=0.5", "add dense units=2",
  ]

  func run(_ setup: [String], _ line: String) throws -> (Command, Response, Session) {
    var interpreter = Interpreter()
    for s in setup { _ = try interpreter.run(line: s) }
    let (command, response) = try #require(try interpreter.run(line: line))
    return (command, response, interpreter.session)
  }

  func text(_ setup: [String], _ line: String) throws -> String {
    let (_, response, s) = try run(setup, line)
    var out: [UInt8] = []
    var renderer = TextRenderer()
    renderer.render(response, session: s, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  @Test func parsesItsForms() throws {
    #expect(try CommandParser.parse("summary flops") == .summaryFlops(FlopsOptions(), chart: false))
    #expect(
      try CommandParser.parse("summary chart flops") == .summaryFlops(FlopsOptions(), chart: true))
    #expect(
      try CommandParser.parse("summary flops chart") == .summaryFlops(FlopsOptions(), chart: true))
    guard
      case .summaryFlops(let o, chart: false) = try CommandParser.parse("summary flops length=7")
    else {
      Issue.record("not summary flops")
      return
    }
    #expect(o.length == 7)
    #expect(try CommandParser.parse("summary chart") == .chart)
  }

  @Test func refusesWhatItDoesNotTake() throws {
    #expect(throws: ParamCalcError.self) { try CommandParser.parse("summary flops depth=1") }
    do {
      _ = try CommandParser.parse("summary flops lenght=3")
      Issue.record("accepted")
    } catch {
      guard case .unknownArgument(let key, _, _, let suggestion) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(key == "lenght")
      #expect(suggestion == "length")
    }
    #expect(throws: ParamCalcError.self) { try CommandParser.parse("summary chart depth=1") }
  }

  @Test func tableHasEachLayersMACsAndFLOPs() throws {
    let t = try text(Self.chain, "summary flops")
    let rows = t.split(separator: "\n").filter { $0.hasPrefix("│ ") }
    #expect(rows.count == 3)
    let cells = rows.map { row in
      row.split(separator: "│").map {
        String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
      }
    }
    // #, name, shape, params, MACs, FLOPs, share, trainable
    #expect(cells[0][4] == "12" && cells[0][5] == "27", "\(cells[0])")
    #expect(cells[1][4] == "0" && cells[1][5] == "0")
    #expect(cells[2][4] == "6" && cells[2][5] == "14")
    #expect(t.contains(" Compute per sample: 18 MACs, 41 FLOPs (1 MAC = 2 FLOPs)\n"), "\(t)")
    // The plain summary has no such columns.
    #expect(!(try text(Self.chain, "summary")).contains("MACs"))
  }

  @Test func aLayerWithoutAFormulaIsAQuestionMarkAndListed() throws {
    let t = try text(
      ["input (4,)", "add dense units=3", "add categoryencoding num_tokens=4"], "summary flops")
    let rows = t.split(separator: "\n").filter { $0.hasPrefix("│ ") }
    #expect(rows[1].contains("│       ? │") || rows[1].contains(" ? │"), "\(rows[1])")
    #expect(t.contains("? not counted (no compute formula, left out of the totals): #2 "))
  }

  @Test func chartBarsAreTheSharesOfTheFLOPs() throws {
    let t = try text(Self.chain, "summary chart flops")
    #expect(t.contains("share of the 41 FLOPs of a forward pass"), "\(t)")
    let rows = t.split(separator: "\n").filter {
      $0.hasPrefix("  ") && $0.dropFirst(2).first?.isNumber == true
    }
    #expect(rows.count == 3)
    // 27 / 41 = 65.85...% and 14 / 41 = 34.14...%, to a tenth.
    #expect(rows[0].contains("27  65.9%"), "\(rows[0])")
    #expect(rows[2].contains("14  34.1%"), "\(rows[2])")
  }

  @Test func unknownAxesNeedALength() throws {
    let setup = ["input (None,4)", "add dense units=3"]
    #expect(throws: ParamCalcError.self) { try run(setup, "summary flops") }
    // With length=5: 5 positions × 4 × 3 = 60 MACs, 2 × 60 + 15 = 135 FLOPs.
    #expect(try text(setup, "summary flops length=5").contains("60 MACs, 135 FLOPs"))
  }

  @Test func jsonHasEachLayersComputeAndTheTotals() throws {
    let (_, response, s) = try run(Self.chain, "summary chart flops")
    var stream = JSONStream()
    var out: [UInt8] = []
    stream.render(response, line: 5, session: s, into: &out)
    let json = try JSONValue.parse(String(decoding: out, as: UTF8.self))
    #expect(json["command"] == .string("summary"))
    #expect(json["flops"] == .bool(true))
    #expect(json["chart"] == .bool(true))
    #expect(json["macs_per_sample"] == .int(18))
    #expect(json["flops_per_sample"] == .int(41))
    let layers = try #require(json["layers"]?.array)
    #expect(layers[0]["macs"] == .int(12))
    #expect(layers[0]["flops"] == .int(27))
    // 27 / 41 = 0.658536..., six decimals.
    #expect(layers[0]["share"] == .double(0.658537))
    #expect(json["total"] == .int(15 + 8))  // the parameters: 4 × 3 + 3 and 3 × 2 + 2
  }
}

extension SummaryFlopsTests {
  @Test func leftOutAndInputLayersHaveNoComputeCell() throws {
    let setup = [
      "input a (8,)", "add dense units=4 as main from a", "add dense units=3 from a as side",
      "output main",
    ]
    let chart = try text(setup, "summary chart flops")
    let side = try #require(chart.split(separator: "\n").first { $0.contains("side (Dense)") })
    #expect(side.hasSuffix("side (Dense)        -       -"), "\(side)")
    let table = try text(setup, "summary flops")
    #expect(table.contains("Param share"))
    let row = try #require(table.split(separator: "\n").first { $0.contains("side (Dense)") })
    #expect(row.contains("│    - │     - │"), "\(row)")
  }

  @Test func aModelUsedAsALayerWithALayerNotCountedSaysSo() throws {
    // Dense(4) on (4,): 16 MACs, 2 × 16 + 4 = 36 FLOPs; then a CategoryEncoding, not counted.
    let t = try text(
      [
        "input (4,)",
        "add sequential script=\"input (4,); add dense units=4; add categoryencoding num_tokens=8\"",
      ],
      "summary flops")
    #expect(t.contains("│ 16 + ? │ 36 + ? │"), "\(t)")
    #expect(t.contains("#1.2 CategoryEncoding"))
  }

  @Test func anEmptyModelHasNothingToCount() throws {
    var interpreter = Interpreter()
    #expect(throws: ParamCalcError.self) { try interpreter.run(line: "summary flops") }
  }
}
