import Foundation
import Testing

/// The graph examples (examples/*.pc whose lines say `from`): a layer whose line names the tensors
/// it reads gets, in paramcalc, those tensors, with the shapes Keras gave them. The names are
/// resolved here from the script itself (`as NAME` names its line's row, `#N` is row N, `input`
/// is the model's input, `input NAME DIMS` is a row of its own) and each shape is the output
/// shape of that row in Keras's fixture (Fixtures/examples-keras.json, from
/// scripts/keras_examples.py, which builds the graph in Keras).
@Suite("Graph examples", .serialized)
struct GraphExampleTests {
  /// `(32,32,16)` or `28x28x1` as a shape with its batch axis: [None, 32, 32, 16].
  static func dims(_ text: Substring) -> JSON {
    let sizes = text.filter { $0 != "(" && $0 != ")" }
      .split(whereSeparator: { $0 == "," || $0 == "x" })
      .map { Int($0).map(JSON.int) ?? .null }
    return .array([.null] + sizes)
  }

  @Test func namedReadsHaveKerasShapes() throws {
    let fixture = try JSON.parse(
      String(contentsOf: Binary.fixture("examples-keras.json"), encoding: .utf8))
    let names = try FileManager.default.contentsOfDirectory(atPath: PromiseTests.examples.path)
      .filter { $0.hasSuffix(".pc") }.sorted()
    var graphs = 0
    var checked = 0
    for name in names {
      let script = try String(
        contentsOf: PromiseTests.examples.appendingPathComponent(name), encoding: .utf8)
      let lines = script.split(separator: "\n").filter { !$0.hasPrefix("#") }
      guard lines.contains(where: { $0.split(separator: " ").contains("from") }) else { continue }
      graphs += 1
      let keras = try #require(fixture[name]?["layers"]?.array, "\(name): no Keras fixture")
      let r = try Binary.run(["--json"], stdin: script)
      #expect(r.status == 0, "\(name): \(r.stderr)")
      let objects = try r.stdout.split(separator: "\n").map { try JSON.parse($0) }
      let summary = try #require(objects.last { $0["command"] == .string("summary") })
      let rows = try #require(summary["layers"]?.array)
      try #require(rows.count == keras.count, "\(name): \(rows.count) rows, Keras \(keras.count)")
      var row = 0
      var named: [Substring: Int] = [:]
      var modelInput = JSON.null
      for line in lines {
        let words = line.split(separator: " ")
        if words.first == "input" {
          if words.count == 3 {
            row += 1
            named[words[1]] = row
          } else if words.count == 2 {
            modelInput = Self.dims(words[1])
          }
          continue
        }
        guard words.first == "add" || words.first == "reuse" else { continue }
        row += 1
        if let f = words.firstIndex(of: "from"), f + 1 < words.count {
          let sources = words[f + 1].split(separator: ",")
          let shapes: [JSON] = try sources.map { source in
            if source == "input" { return modelInput }
            // `encoder.h`: a state of the row named before the dot, as Keras returned it.
            let parts = source.split(separator: ".", maxSplits: 1)
            let base = parts[0]
            let n = try #require(
              base.hasPrefix("#") ? Int(base.dropFirst()) : named[base],
              "\(name): \(source) names no row before line \(row)")
            if parts.count == 2 {
              return keras[n - 1]["states"]?[String(parts[1])] ?? .null
            }
            return keras[n - 1]["output_shape"] ?? .null
          }
          #expect(
            rows[row - 1]["inputs"] == .array(sources.map { .string(String($0)) }),
            "\(name) row \(row): \(rows[row - 1]["inputs"] ?? .null)")
          #expect(
            rows[row - 1]["input_shapes"] == .array(shapes),
            "\(name) row \(row): \(rows[row - 1]["input_shapes"] ?? .null), Keras \(shapes)")
          checked += 1
        }
        if let a = words.firstIndex(of: "as"), a + 1 < words.count {
          named[words[a + 1]] = row
        }
      }
    }
    // The ResNet, U-Net, Siamese, transformer and seq2seq examples, and their lines with `from`.
    #expect(graphs >= 5)
    #expect(checked >= 10)
  }
}
