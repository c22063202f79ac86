import Testing

@testable import ParamCalcCore

/// With `output` declared, a layer on the way to no output is left out of the totals: like the
/// summary, the chart and the exports give it no share of them.
@Suite("Left-out layers have no share")
struct LeftOutShareTests {
  /// main: Dense(4) on (8,): 8 × 4 + 4 = 36; aux: Dense(3) on (8,): 8 × 3 + 3 = 27, left out.
  static let lines = [
    "input a (8,)", "add dense units=4 as main", "add dense units=3 from a as aux", "output main",
  ]

  func session() throws -> Session {
    var interpreter = Interpreter()
    for line in Self.lines { _ = try interpreter.run(line: line) }
    return interpreter.session
  }

  @Test func exportsGiveItNoShare() throws {
    let s = try session()
    let md = ExportRenderer.markdown(s).split(separator: "\n")
    #expect(md.contains { $0.hasPrefix("| 2 | `main` |") && $0.contains("| 100.0% |") })
    #expect(md.contains { $0.hasPrefix("| 3 | `aux` |") && $0.contains("| 27 | 27 | 0 | - |") })
    let csv = ExportRenderer.csv(s).split(separator: "\r\n")
    #expect(csv.contains("3,aux,Dense,\"(None, 3)\",27,27,0,,a"), "\(csv)")
    #expect(csv.contains("2,main,Dense,\"(None, 4)\",36,36,0,100.0,a"))
  }

  @Test func chartGivesItNoBar() throws {
    let text = TextRenderer().chart(try session())
    let aux = try #require(text.split(separator: "\n").first { $0.contains("aux (Dense)") })
    #expect(aux.hasSuffix("27       -"), "\(aux)")
    let main = try #require(text.split(separator: "\n").first { $0.contains("main (Dense)") })
    #expect(main.contains("100.0%  █"))
  }
}
