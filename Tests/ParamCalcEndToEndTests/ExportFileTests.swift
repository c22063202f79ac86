import Foundation
import Testing

/// `export markdown|csv|dot FILE` and `summary chart` through the binary: the files written in
/// a temporary directory, an existing one replaced, nothing written without a model.
@Suite("Export files")
struct ExportFileTests {
  /// input (4,); Dense 3 (4 * 3 + 3 = 15 params); Dense 2 (3 * 2 + 2 = 8): 23 in all.
  static let model = "input (4,)\nadd dense units=3\nadd dense units=2\n"

  func directory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "paramcalc-export-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  func run(_ stdin: String, _ arguments: [String] = [], in dir: URL) throws -> Binary.Outcome {
    try Binary.spawn(Binary.url, arguments, in: dir, stdin: Array(stdin.utf8))
  }

  func contents(_ url: URL) -> String? {
    (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) }
  }

  @Test func exportWritesEachFormatAndReportsIt() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try run(
      Self.model + "export markdown m.md\nexport csv m.csv\nexport dot m.dot\n", in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let md = try #require(contents(dir.appendingPathComponent("m.md")))
    let csv = try #require(contents(dir.appendingPathComponent("m.csv")))
    let dot = try #require(contents(dir.appendingPathComponent("m.dot")))
    #expect(r.stdout.contains("  exported 2 layers to m.md (Markdown, \(md.utf8.count) bytes)\n"))
    #expect(r.stdout.contains("  exported 2 layers to m.csv (CSV, \(csv.utf8.count) bytes)\n"))
    #expect(
      r.stdout.contains("  exported 2 layers to m.dot (Graphviz DOT, \(dot.utf8.count) bytes)\n"))
    #expect(md.contains("| 1 | `dense` | Dense | (None, 3) | 15 | 15 | 0 | 65.2% |\n"))
    #expect(md.contains("- Total params: 23 (92.00 B)\n"))
    #expect(csv.contains("\r\n2,dense_1,Dense,\"(None, 2)\",8,8,0,34.8\r\n"))
    #expect(csv.hasSuffix(",Total,,,23,23,0,100.0\r\n"))
    #expect(dot.hasPrefix("digraph \"sequential\" {\n"))
    #expect(dot.components(separatedBy: " -> ").count - 1 == 2)
  }

  @Test func exportReplacesAnExistingFileAndWritesNothingWithoutAModel() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let old = dir.appendingPathComponent("old.csv")
    try Data("old contents\n".utf8).write(to: old)
    let r = try run(Self.model + "export csv old.csv\n", in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(contents(old)?.hasPrefix("#,Layer,Type,") == true)
    // Nothing but the file: the temporary one it was written to is gone.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["old.csv"])

    let empty = try run("export dot none.dot\n", in: dir)
    #expect(empty.status == 1)
    #expect(empty.stderr.contains("nothing to export: the model has no layers"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.dot").path))
  }

  @Test func exportRefusesADirectoryAndLeavesIt() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("d.md"), withIntermediateDirectories: false)
    let r = try run(Self.model + "export markdown d.md\n", in: dir)
    #expect(r.status == 1)
    #expect(
      r.stderr.contains(
        "d.md: is a directory, not a regular file: export writes only regular files"))
    var isDirectory: ObjCBool = false
    #expect(
      FileManager.default.fileExists(
        atPath: dir.appendingPathComponent("d.md").path, isDirectory: &isDirectory)
        && isDirectory.boolValue)
  }

  @Test func jsonGivesOneObjectPerExportAndTheChartsShares() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try run(Self.model + "export dot g.dot\nsummary chart\n", ["--json"], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(lines.count == 5)
    let dot = try #require(contents(dir.appendingPathComponent("g.dot")))
    #expect(
      lines[3]
        == "{\"command\":\"export\",\"line\":4,\"format\":\"dot\",\"path\":\"g.dot\",\"bytes\":\(dot.utf8.count)}"
    )
    let chart = try #require(
      try JSONSerialization.jsonObject(with: Data(lines[4].utf8)) as? [String: Any])
    #expect(chart["command"] as? String == "summary")
    #expect(chart["chart"] as? Bool == true)
    let layers = try #require(chart["layers"] as? [[String: Any]])
    // 15 / 23 and 8 / 23, to six decimals.
    #expect((layers.map { $0["share"] as? Double }) == [0.652174, 0.347826])
  }

  @Test func chartLinesFitOneHundredColumnsWithoutATerminal() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let name = String(repeating: "wide", count: 40)
    let r = try run(
      "input (4,)\nadd dense units=300 as \(name)\nadd dropout rate=0.1\nadd dense units=2\n"
        + "summary chart\n", in: dir)
    #expect(r.status == 0, "\(r.stderr)")
    let chart = r.stdout.components(separatedBy: "Model: \"functional\"")[1]
    let lines = chart.split(separator: "\n")
    #expect(lines.count >= 3 + 3)
    for line in lines { #expect(line.unicodeScalars.count <= 100, "\(line)") }
    // 4 * 300 + 300 = 1,500 of 1,500 + 300 * 2 + 2 = 2,102: the widest bar; the Dropout none.
    #expect(lines.contains { $0.contains("1,500  71.4%  ███") })
    #expect(lines.contains { $0.hasSuffix("0   0.0%") })
  }
}
