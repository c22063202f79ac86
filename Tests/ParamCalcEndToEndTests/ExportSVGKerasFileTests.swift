import Foundation
import Testing

@testable import ParamCalcCore

/// `export svg` and `export keras` through the binary (files written in a temporary directory),
/// and the Keras round trip: Fixtures/keras-export.json, made by scripts/keras_export_check.py,
/// holds for each script the Python text paramcalc exported and the count_params() that Keras 3
/// printed when it ran it. Today's export must be that same text, and Keras's count today's total.
@Suite("SVG and Keras export files")
struct ExportSVGKerasFileTests {
  func directory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "paramcalc-export-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  func contents(_ url: URL) -> String? {
    (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) }
  }

  @Test func exportWritesTheDrawingAndTheScript() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try Binary.spawn(
      Binary.url, [], in: dir,
      stdin: Array((ExportFileTests.model + "export svg m.svg\nexport keras m.py\n").utf8))
    #expect(r.status == 0, "\(r.stderr)")
    let svg = try #require(contents(dir.appendingPathComponent("m.svg")))
    let py = try #require(contents(dir.appendingPathComponent("m.py")))
    #expect(
      r.stdout.contains(
        "  exported 2 layers to m.svg (SVG, \(Format.thousands(svg.utf8.count)) bytes)\n"))
    #expect(
      r.stdout.contains(
        "  exported 2 layers to m.py (Keras Python script, \(py.utf8.count) bytes)\n"))
    #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
    #expect(svg.hasSuffix("</svg>\n"))
    // The two layers and the input.
    #expect(svg.components(separatedBy: "<g class=\"layer\"").count - 1 == 3)
    #expect(py.contains("layer1 = layers.Dense(units=3)\nx1 = layer1(inputs)\n"))
    #expect(py.hasSuffix("model.summary()\nprint(model.count_params())\n"))
  }

  @Test func aLayerWithoutKerasTranslationIsRefusedAndNoFileWritten() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try Binary.spawn(
      Binary.url, [], in: dir,
      stdin: Array(
        "input (4,)\nadd layerscale init_values=0.1 projection_dim=4\nexport keras m.py\n".utf8))
    #expect(r.status == 1)
    #expect(r.stderr.contains("export keras cannot write layer #1 (LayerScale)"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.py").path))
  }

  /// One case of Fixtures/keras-export.json.
  struct Case: CustomTestStringConvertible, Sendable {
    let id: String
    let script: String
    let python: String?
    let total: Int
    let kerasCount: Int?
    let refused: String?
    var testDescription: String { id }
  }

  static func cases() throws -> [Case] {
    let data = try Data(contentsOf: try Binary.fixture("keras-export.json"))
    let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let list = try #require(root["cases"] as? [[String: Any]])
    return try list.map { c in
      Case(
        id: try #require(c["id"] as? String), script: try #require(c["script"] as? String),
        python: c["python"] as? String, total: try #require(c["total"] as? Int),
        kerasCount: c["keras_count_params"] as? Int, refused: c["refused"] as? String)
    }
  }

  @Test func theFixtureCoversTheExamplesAndGraphs() throws {
    let cases = try Self.cases()
    #expect(cases.filter { $0.kerasCount != nil }.count >= 40)
    #expect(cases.contains { $0.id == "example-siamese-encoder" })
    #expect(cases.contains { $0.id == "nested-sequential-and-functional" })
    // Every case either ran in Keras or was refused: none failed.
    #expect(cases.allSatisfy { ($0.kerasCount != nil) != ($0.refused != nil) })
  }

  @Test(arguments: try cases())
  func exportRebuildsWhatKerasCounted(_ c: Case) throws {
    var interpreter = Interpreter()
    for line in c.script.split(separator: "\n", omittingEmptySubsequences: false) {
      // A script may hold lines that paramcalc (as Keras) refuses: the model stays as it was.
      _ = try? interpreter.run(line: String(line))
    }
    let s = interpreter.session
    #expect(s.total == c.total, "\(c.id)")
    if let python = c.python {
      let text = try ExportRenderer.text(.keras, s)
      #expect(text == python, "\(c.id): the export changed; run scripts/keras_export_check.py")
      #expect(c.kerasCount == s.total, "\(c.id): Keras counts \(c.kerasCount ?? -1)")
    } else {
      #expect(throws: ParamCalcError.self) { try ExportRenderer.text(.keras, s) }
    }
  }
}
