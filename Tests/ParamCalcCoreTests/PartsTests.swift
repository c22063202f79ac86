import Foundation
import Testing

@testable import ParamCalcCore

/// The `explain` JSON object of the last layer of a model made of `input` and `add`.
func explainJSON(_ input: String, _ add: String) throws -> [String: Any] {
  let s = try model("input \(input)", add)
  let text = JSONRenderer.explain(s.count, s)
  return try #require(
    try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
}

/// The composite layers on several inputs: attention projections, separable steps, recurrent
/// weights, the two directions (and a wrapper that passes its layer's parts on).
let compositeCases: [(String, String)] = [
  ("(10,16)", "add multiheadattention num_heads=2 key_dim=8"),
  ("(10,16)", "add multiheadattention num_heads=2 key_dim=8 value_dim=4 output_shape=12"),
  ("(10,16)", "add multiheadattention num_heads=3 key_dim=5 use_bias=false"),
  ("(7,5,3)", "add multiheadattention num_heads=4 key_dim=2 value_dim=6"),
  ("(9,9,4)", "add separableconv2d filters=8 kernel_size=3"),
  ("(9,9,4)", "add separableconv2d filters=8 kernel_size=3 depth_multiplier=2 use_bias=false"),
  ("(100,8)", "add separableconv1d filters=16 kernel_size=5 depth_multiplier=3"),
  ("(None,128)", "add lstm units=64"),
  ("(10,25)", "add lstm units=32 use_bias=false return_sequences=true"),
  ("(10,25)", "add gru units=32"),
  ("(10,25)", "add gru units=32 reset_after=false"),
  ("(10,25)", "add simplernn units=16"),
  ("(None,25)", "add bidirectional lstm units=32"),
  ("(10,25)", "add bidirectional gru units=16 merge_mode=sum"),
  ("(10,25)", "add bidirectional simplernn units=4 use_bias=false"),
  ("(5,100,8)", "add timedistributed separableconv1d filters=4 kernel_size=3"),
]

@Suite("Composite layers show their parts; help ends with an example")
struct PartsTests {
  /// Each part's count, checked: its expression evaluates to it, and its own parts add up to it.
  /// Returns the number of parts checked.
  @discardableResult
  func check(_ parts: [[String: Any]], sum: Int, _ what: String) -> Int {
    var checked = 0
    var total = 0
    for p in parts {
      let name = p["name"] as? String ?? "?"
      guard let count = p["count"] as? Int, let expression = p["expression"] as? String else {
        Issue.record("\(what): part '\(name)' has no count or expression: \(p)")
        continue
      }
      total += count
      checked += 1
      #expect(
        Arithmetic.evaluate(Format.pretty(expression)) == .init(count),
        "\(what): part '\(name)': \(expression) is not \(count)")
      if let shape = p["shape"] as? [Int] {
        #expect(shape.reduce(1, *) == count, "\(what): part '\(name)' \(shape) is not \(count)")
      }
      if let inner = p["parts"] as? [[String: Any]] {
        checked += check(inner, sum: count, "\(what) > \(name)")
      }
    }
    #expect(total == sum, "\(what): the parts add up to \(total), not \(sum)")
    return checked
  }

  /// Item 1: the parts of every composite layer add up to its count, on several inputs, in the
  /// JSON; and the text says each part and their sum with arithmetic that holds.
  @Test func partsAddUpToTheCount() throws {
    for (input, add) in compositeCases {
      let o = try explainJSON(input, add)
      let params = try #require(o["params"] as? Int)
      let parts = try #require(o["parts"] as? [[String: Any]], "\(add): no parts in \(o)")
      #expect(parts.count >= 2, "\(add)")
      #expect(check(parts, sum: params, "\(input) \(add)") >= 2)
      let text = try explainText(input, add)
      #expect(text.contains("  parts, each with its subtotal:\n"), "\(text)")
      let sumLine = try #require(
        text.split(separator: "\n").first { $0.hasPrefix("    sum of the parts = ") })
      #expect(sumLine.hasSuffix(" = " + Format.thousands(params)), "\(sumLine)")
      for (statement, holds) in Arithmetic.statements(text) {
        #expect(holds, "\(add): '\(statement)' is false in\n\(text)")
      }
      for line in text.split(separator: "\n") {
        #expect(line.count <= 100, "\(add): \(line.count) columns: \(line)")
      }
    }
  }

  /// d = 16, 2 heads of 8: each of query, key and value is a (16, 2, 8) kernel (256) and a
  /// (2, 8) bias (16), 272; the output projection a (2, 8, 16) kernel and a (16,) bias, 272.
  @Test func multiHeadAttentionProjections() throws {
    let text = try explainText("(10,16)", "add multiheadattention num_heads=2 key_dim=8")
    for name in ["query", "key", "value"] {
      #expect(text.contains("    \(name) projection = 16 × 2 × 8 + 2 × 8 = 272"), "\(text)")
    }
    #expect(text.contains("    output projection = 2 × 8 × 16 + 16 = 272"), "\(text)")
    #expect(text.contains("      kernel (16, 2, 8) = 16 × 2 × 8 = 256\n"), "\(text)")
    #expect(text.contains("      bias (2, 8) = 2 × 8 = 16\n"), "\(text)")
    #expect(text.contains("      bias (16,) = 16\n"), "\(text)")
    #expect(text.contains("    sum of the parts = 272 + 272 + 272 + 272 = 1,088\n"), "\(text)")
    // value_dim=4, output_shape=12: value 16·2·4 + 2·4 = 136; output 2·4·12 + 12 = 108.
    let o = try explainJSON(
      "(10,16)", "add multiheadattention num_heads=2 key_dim=8 value_dim=4 output_shape=12")
    let parts = try #require(o["parts"] as? [[String: Any]])
    #expect(parts.compactMap { $0["count"] as? Int } == [272, 272, 136, 108])
    #expect(parts.compactMap { $0["name"] as? String }.first == "query projection")
  }

  /// 3 × 3 depthwise kernels on 4 channels, 2 each: 72; pointwise 4 · 2 → 8: 64; 8 biases.
  @Test func separableSteps() throws {
    let text = try explainText(
      "(9,9,4)", "add separableconv2d filters=8 kernel_size=3 depth_multiplier=2")
    #expect(text.contains("    depthwise_kernel (3, 3, 4, 2) = 3 × 3 × 4 × 2 = 72"), "\(text)")
    #expect(text.contains("    pointwise_kernel (1, 1, 8, 8) = 4 × 2 × 8 = 64"), "\(text)")
    #expect(text.contains("    bias (8,) = 8"), "\(text)")
    #expect(text.contains("    sum of the parts = 72 + 64 + 8 = 144\n"), "\(text)")
    let o = try explainJSON("(100,8)", "add separableconv1d filters=16 kernel_size=5")
    let parts = try #require(o["parts"] as? [[String: Any]])
    // 5 · 8 · 1 = 40; 8 · 1 · 16 = 128; 16.
    #expect(parts.compactMap { $0["count"] as? Int } == [40, 128, 16])
  }

  /// LSTM, 128 features, 64 units: kernel 128 × (4 · 64) = 32,768, recurrent 64 × 256 = 16,384,
  /// bias 256; the four blocks named in Keras's order, the candidate not called a gate.
  @Test func recurrentBlocks() throws {
    let text = oneLine(try explainText("(None,128)", "add lstm units=64"))
    #expect(
      text.contains("kernel (128, 256) = 128 × 4 × 64 = 32,768 (4 blocks × 64 units"), "\(text)")
    #expect(
      text.contains("input gate, forget gate, cell candidate, output gate)"), "\(text)")
    #expect(text.contains("recurrent_kernel (64, 256) = 64 × 4 × 64 = 16,384"), "\(text)")
    #expect(text.contains("bias (256,) = 4 × 64 = 256"), "\(text)")
    #expect(!text.contains("candidate gate"), "\(text)")
    // GRU, reset_after: two biases per unit of each of 3 blocks: 2 × 3 × 32 = 192.
    let gru = oneLine(try explainText("(10,25)", "add gru units=32"))
    #expect(
      gru.contains("bias (2, 96) = 2 × 3 × 32 = 192 (2 biases × 3 blocks × 32 units)"), "\(gru)")
    #expect(gru.contains("update gate, reset gate, candidate state)"), "\(gru)")
    #expect(!gru.contains("candidate gate"), "\(gru)")
  }

  /// Bidirectional LSTM of 32 units on 25 features: each direction 4 · (25·32 + 32·32 + 32) =
  /// 7,424, with its own kernel, recurrent kernel and bias; 14,848 in all.
  @Test func bidirectionalDirections() throws {
    let text = try explainText("(None,25)", "add bidirectional lstm units=32")
    let line = oneLine(text)
    #expect(
      line.contains(
        "forward LSTM = 25 × 4 × 32 + 32 × 4 × 32 + 4 × 32 = 7,424 (reads the steps first to last)"),
      "\(text)")
    #expect(
      line.contains("backward LSTM = 25 × 4 × 32 + 32 × 4 × 32 + 4 × 32 = 7,424 (its own weights"),
      "\(text)")
    #expect(text.contains("      recurrent_kernel (32, 128) = 32 × 4 × 32 = 4,096"), "\(text)")
    #expect(text.contains("    sum of the parts = 7,424 + 7,424 = 14,848\n"), "\(text)")
    let o = try explainJSON("(None,25)", "add bidirectional lstm units=32")
    let parts = try #require(o["parts"] as? [[String: Any]])
    #expect(parts.compactMap { $0["name"] as? String } == ["forward LSTM", "backward LSTM"])
    #expect(parts.compactMap { ($0["parts"] as? [Any])?.count } == [3, 3])
  }

  /// A layer of one piece has no parts (text or JSON).
  @Test func simpleLayersHaveNoParts() throws {
    #expect(
      !(try explainText("(None,25)", "add conv1d filters=64 kernel_size=5")).contains("parts"))
    #expect(try explainJSON("(None,25)", "add dense units=3")["parts"] == nil)
  }

  /// Item 2: `help LAYER` ends with an example that runs as typed and gives the count it says.
  @Test func everyHelpEndsWithARunnableExample() throws {
    for d in LayerCatalog.standard.descriptors {
      var help = Interpreter()
      guard case .help(let text, _)? = try help.run(line: "help \(d.name.lowercased())")?.1 else {
        Issue.record("no help for \(d.name)")
        continue
      }
      // The example, read whole: one longer than a line goes on, indented by 4.
      let last =
        text.replacingOccurrences(of: "\n    ", with: " ").split(separator: "\n").last
        .map(String.init) ?? ""
      guard last.hasPrefix("  example: input "), let arrow = last.range(of: " → ") else {
        Issue.record("help \(d.name) does not end with an example: \(last)")
        continue
      }
      let lines = last[last.index(last.startIndex, offsetBy: 11)..<arrow.lowerBound]
        .components(separatedBy: " then ")
      #expect(lines.count == 2, "\(last)")
      #expect(lines.last?.hasPrefix("add \(d.name.lowercased())") == true, "\(last)")
      var fresh = Interpreter()
      var output = ""
      do {
        for line in lines {
          if let (_, response) = try fresh.run(line: line) {
            output = TextRenderer().render(response, session: fresh.session)
          }
        }
      } catch {
        Issue.record("help \(d.name): the example fails: \(error)")
        continue
      }
      let said = last[arrow.upperBound...]
      let count = Format.thousands(fresh.session.total)
      #expect(said == "\(count) param\(fresh.session.total == 1 ? "" : "s")", "\(d.name): \(last)")
      #expect(output.contains("   \(count) params"), "\(d.name): \(output)")
    }
  }

  /// The seed article's Conv1D: (5 · 25 + 1) · 64 = 8,064.
  @Test func conv1dHelpExampleIsTheArticles() throws {
    var i = Interpreter()
    guard case .help(let text, _)? = try i.run(line: "help conv1d")?.1 else {
      Issue.record("no help")
      return
    }
    #expect(
      text.hasSuffix(
        "\n  example: input (None,25) then add conv1d filters=64 kernel_size=5 → 8,064 params"),
      "\(text)")
  }

  /// Item 3: `explain all` on an empty model says there is nothing to explain, in text and JSON.
  @Test func explainAllOnAnEmptyModel() throws {
    for setup in [[], ["input (3,)"], ["input (3,)", "add dense units=2", "remove 1"]] {
      var i = Interpreter()
      for line in setup { _ = try i.run(line: line) }
      let (_, response) = try #require(try i.run(line: "explain all"))
      let text = TextRenderer().render(response, session: i.session)
      #expect(text == "  nothing to explain: the model has no layers\n", "\(setup)")
      let json = JSONRenderer.render(response, line: 1, session: i.session)
      let o = try #require(
        try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
      #expect(o["message"] as? String == "nothing to explain: the model has no layers", "\(json)")
      #expect((o["layers"] as? [Any])?.isEmpty == true, "\(json)")
    }
    // With layers, no such message.
    var i = Interpreter()
    _ = try i.run(line: "input (3,)")
    _ = try i.run(line: "add dense units=2")
    let (_, response) = try #require(try i.run(line: "explain all"))
    #expect(!JSONRenderer.render(response, line: 1, session: i.session).contains("message"))
  }
}
