import Foundation
import Testing

@testable import ParamCalcCore

/// Keras 3.15's behaviour on the Core, Convolution and Attention layers, from fixtures Keras made
/// (scripts/keras_exactness_cases.py, scripts/keras_accepted_arguments_core.py) and hand arithmetic:
/// LoRA, the arguments each type accepts, strides with dilation, MultiHeadAttention's inputs and
/// output_shape, and the wording of explanations, help and messages.
@Suite("Exact to Keras: core, convolution and attention layers")
struct KerasExactnessTests {
  static let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("ParamCalcEndToEndTests/Fixtures")

  static func json(_ name: String) throws -> Any {
    try JSONSerialization.jsonObject(
      with: Data(contentsOf: fixtures.appendingPathComponent(name)))
  }

  /// One line of keras-exactness.jsonl.
  struct Case {
    let input: String
    let add: String
    /// Keras's row, or nil when Keras refused the line.
    let layer: [String: Any]?
    let rejected: String?
  }

  static func cases() throws -> [Case] {
    let text = try String(
      contentsOf: fixtures.appendingPathComponent("keras-exactness.jsonl"), encoding: .utf8)
    return try text.split(separator: "\n").map { line in
      let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
      return Case(
        input: o["input"] as! String, add: o["add"] as! String,
        layer: o["layer"] as? [String: Any], rejected: o["rejected"] as? String)
    }
  }

  /// What a paramcalc layer is, in the fixture's terms, to compare with Keras's row.
  static func row(_ l: ModelLayer) -> String {
    let shape = "[None" + l.output.dims.map { ", " + ($0.map(String.init) ?? "None") }.joined()
    let weights = l.inference.weights.map { "\($0.name)\($0.shape)\($0.trainable ? "" : "!")" }
    return
      "\(l.typeName) \(l.params) = \(l.trainable) + \(l.nonTrainable) out \(shape)] \(weights)"
  }

  static func row(_ k: [String: Any]) -> String {
    let shape = (k["output_shape"] as! [Any]).map { ($0 as? Int).map(String.init) ?? "None" }
    let weights = (k["weights"] as! [[String: Any]]).map { w in
      let dims = (w["shape"] as! [Int]).map(String.init).joined(separator: ", ")
      return "\(w["name"] as! String)[\(dims)]\(w["trainable"] as! Bool ? "" : "!")"
    }
    let (p, t, n) = (k["params"] as! Int, k["trainable"] as! Int, k["non_trainable"] as! Int)
    return
      "\(k["type"] as! String) \(p) = \(t) + \(n) out [\(shape.joined(separator: ", "))] \(weights)"
  }

  /// Findings 1, 3, 4, 5, 8 (and the refusals of 1 and 2): every case as Keras has it.
  @Test func everyCaseIsAsKerasHasIt() throws {
    let all = try Self.cases()
    #expect(all.count >= 50)
    for c in all {
      var i = Interpreter()
      _ = try i.run(line: "input " + c.input)
      do throws(ParamCalcError) {
        _ = try i.run(line: c.add)
        guard let k = c.layer else {
          Issue.record("\(c.add): accepted; Keras refuses it: \(c.rejected ?? "?")")
          continue
        }
        #expect(Self.row(i.session.layers.last!) == Self.row(k), "\(c.input) \(c.add)")
      } catch {
        #expect(c.layer == nil, "\(c.add): refused (\(error.message)); Keras accepts it")
      }
    }
  }

  /// Finding 1: the numbers of the brief, by hand: Dense 25·8 frozen + 8 + 25·4 + 4·8.
  @Test func loraByHand() throws {
    let d = try layer("(None,25)", "add dense units=8 lora_rank=4")
    #expect((d.params, d.trainable, d.nonTrainable) == (340, 8 + 100 + 32, 200))
    let e = try layer("(12,)", "add embedding input_dim=100 output_dim=8 lora_rank=2")
    #expect((e.params, e.trainable, e.nonTrainable) == (1_016, 200 + 16, 800))
    let c = try layer("(8,8,3)", "add conv2d filters=2 kernel_size=3 lora_rank=2")
    #expect((c.params, c.trainable, c.nonTrainable) == (114, 2 + 54 + 4, 54))
    // lora_alpha only scales the update.
    let alpha = try layer("(None,25)", "add dense units=8 lora_rank=4 lora_alpha=16")
    #expect(alpha.params == 340)
    #expect(alpha.inert.map(\.key) == ["lora_alpha"])
  }

  /// Finding 1: the explanation names lora_rank, says the kernel is frozen, and its parts add up.
  @Test func loraIsExplained() throws {
    for (input, add) in [
      ("(None,25)", "add dense units=8 lora_rank=4"),
      ("(12,)", "add embedding input_dim=100 output_dim=8 lora_rank=2"),
      ("(8,8,4)", "add conv2d filters=2 kernel_size=3 lora_rank=2 groups=2 use_bias=false"),
    ] {
      let l = try layer(input, add)
      let e = l.explanation
      #expect(e.formula.contains("lora_rank"), "\(add): \(e.formula)")
      #expect(e.terms.contains { $0.name == "lora_rank" && $0.source == .argument })
      #expect(e.parts.reduce(0) { $0 + $1.count } == l.params, "\(add)")
      #expect(Arithmetic.evaluate(e.substituted) == .init(l.params), "\(add): \(e.substituted)")
      let text = try explainText(input, add)
      #expect(text.contains("frozen (non-trainable)"), "\(text)")
      #expect(!text.contains("not affecting the count: lora_rank"), "\(text)")
      for (statement, holds) in Arithmetic.statements(text) {
        #expect(holds, "\(add): '\(statement)'")
      }
    }
  }

  /// Finding 2: each type accepts exactly the names its Keras class takes (the fixture lists
  /// them), but for the divergences named here with their reason.
  @Test func acceptedNamesAreKeras() throws {
    let keras = try Self.json("keras-accepted-arguments-core.json") as! [String: [String]]
    #expect(keras["_keras_version"] == ["3.15.1"])
    let types = keras.keys.filter { !$0.hasPrefix("_") }
    #expect(types.count == 21)
    for type in types.sorted() {
      guard let d = LayerCatalog.standard[type.lowercased()] else {
        Issue.record("\(type): not in the catalog")
        continue
      }
      // The model's: every layer takes these two (LayerCatalog.build splits them off).
      let ours = Set(d.argumentNames + ["trainable", "input_shape"])
      var theirs = Set(keras[type]!)
      // Layer.__init__ turns input_dim into an input shape: paramcalc takes `input DIMS` or
      // input_shape= (Embedding's input_dim is its vocabulary, declared).
      if type != "Embedding" { theirs.remove("input_dim") }
      #expect(
        ours == theirs,
        "\(type): paramcalc only \(ours.subtracting(theirs).sorted()), Keras only \(theirs.subtracting(ours).sorted())"
      )
    }
  }

  /// Finding 2: the refusals name the argument.
  @Test func argumentsKerasRefusesAreRefused() {
    for (input, add, key) in [
      (
        "(9,9,4)", "add conv2dtranspose filters=2 kernel_size=3 depthwise_initializer=ones",
        "depthwise_initializer"
      ),
      (
        "(9,9,4)", "add depthwiseconv2d kernel_size=3 kernel_initializer=ones", "kernel_initializer"
      ),
      ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 activation=relu", "activation"),
      ("(9,9,4)", "add separableconv2d filters=2 kernel_size=3 lora_rank=2", "lora_rank"),
      ("(9,9,4)", "add conv2dtranspose filters=2 kernel_size=3 lora_alpha=2", "lora_alpha"),
      ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 lora_rank=2", "lora_rank"),
    ] {
      expectRefusal(after: ["input " + input], add, .unknownArgument, "no argument '\(key)'")
    }
  }

  /// Finding 6: without biases, no word of biases and no empty parentheses; every number of the
  /// formula is a term, as Dense's 1 is.
  @Test func attentionWithoutBiasSaysNoBias() throws {
    let text = try explainText(
      "(10,16)",
      "add multiheadattention num_heads=3 key_dim=4 value_dim=5 output_shape=7 use_bias=false")
    #expect(text.contains("= 729"), "\(text)")
    #expect(!text.contains("a kernel then a bias"), "\(text)")
    #expect(oneLine(text).contains("no biases"), "\(text)")
    #expect(!text.contains("(d)") && !text.contains("(16)"), "\(text)")
  }

  @Test func everyNumberOfAFormulaIsATerm() throws {
    for (input, add) in [
      ("(10,16)", "add multiheadattention num_heads=2 key_dim=8"),
      ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 use_gate=true output_shape=(2,3)"),
      ("(10,16)", "add multiheadattention num_heads=2 key_dim=4 use_bias=false"),
      ("(None,25)", "add dense units=8 lora_rank=4"),
      ("(8,8,3)", "add conv2d filters=2 kernel_size=3 lora_rank=2"),
      ("(9,9,4)", "add separableconv2d filters=3 kernel_size=3"),
      ("(9,9,4)", "add depthwiseconv2d kernel_size=3"),
      ("(9,9,4)", "add conv2dtranspose filters=3 kernel_size=3"),
    ] {
      let e = try layer(input, add).explanation
      var digits = ""
      var numbers: [String] = []
      for ch in e.formula + " " {
        if ch.isNumber {
          digits.append(ch)
        } else if !digits.isEmpty {
          numbers.append(digits)
          digits = ""
        }
      }
      for n in numbers {
        #expect(e.terms.contains { $0.name == n }, "\(add): \(n) in \(e.formula) is no term")
      }
    }
  }

  /// Findings 4 and 5: rank-2 inputs and an output_shape of several axes, by hand.
  @Test func attentionShapes() throws {
    // (6 + 1)·2·(2·2 + 2) + (2·2 + 1)·6
    let flat = try layer("(6,)", "add multiheadattention num_heads=2 key_dim=2")
    #expect(flat.params == 7 * 2 * 6 + 5 * 6)
    #expect(flat.output.description == "(None, 6)")
    let wide = try layer(
      "(10,16)", "add multiheadattention num_heads=2 key_dim=4 output_shape=(2,3)")
    #expect(wide.params == 17 * 2 * 12 + 9 * 6)
    #expect(wide.output.description == "(None, 10, 2, 3)")
    #expect(wide.inference.weights.suffix(2).map(\.shape) == [[2, 4, 2, 3], [2, 3]])
    expectRefusal(
      after: ["input (10,16)"], "add multiheadattention num_heads=2 key_dim=4 output_shape=(2,0)",
      .invalidValue, "at least 1")
  }

  /// Finding 7: the transposed convolutions say what their padding and strides do.
  @Test func transposedHelpSaysUpsampling() {
    for r in 1...3 {
      let d = LayerCatalog.standard["conv\(r)dtranspose"]!
      #expect(d.argument("strides")!.meaning.contains("upsampling"))
      #expect(!d.argument("padding")!.meaning.contains("ceil"))
      #expect(d.argument("padding")!.meaning.contains("× strides"))
      let plain = LayerCatalog.standard["conv\(r)d"]!
      #expect(plain.argument("strides")!.meaning.contains("step between"))
    }
  }

  /// Finding 9: numbers in sentences and shape lines with thousands separators.
  @Test func sentencesGroupThousands() throws {
    let conv = try explainText("(1000,8)", "add conv1d filters=4 kernel_size=1000")
    #expect(conv.contains("looks at 1,000 consecutive steps"), "\(conv)")
    #expect(conv.contains("steps: 1,000 - 1,000 + 1 = 1"), "\(conv)")
    let pool = try explainText(
      "(1000000,8)", "add maxpooling1d pool_size=3 strides=999 padding=same")
    #expect(pool.contains("ceil(1,000,000 / 999) = 1,002"), "\(pool)")
    let t = try explainText("(1000,2)", "add conv1dtranspose filters=1 kernel_size=3 strides=2")
    #expect(t.contains("steps: 1,000 × 2 + 3 - 2 = 2,001"), "\(t)")
    let emb = try explainText("(3,)", "add embedding input_dim=5000 output_dim=2")
    #expect(oneLine(emb).contains("token id 0 to 4,999"), "\(emb)")
    for text in [conv, pool, t, emb] {
      for (statement, holds) in Arithmetic.statements(text) { #expect(holds, "'\(statement)'") }
    }
  }

  /// Finding 10: a range without an upper end names only its lower one; a tuple of one is
  /// echoed as Python writes it.
  @Test func messagesSayWhatWasWritten() {
    expectRefusal(
      after: ["input (4,8)"], "add leakyrelu negative_slope=-1", .invalidValue,
      "negative_slope: must be at least 0.0, found -1")
    #expect(
      error(after: ["input (4,8)"], "add leakyrelu negative_slope=-1")?.message.contains(
        "1.79") == false)
    expectRefusal(
      after: ["input (4,8)"], "add dropout rate=1.5", .invalidValue,
      "must be at least 0.0 and at most 1.0, found 1.5")
    expectRefusal(
      after: ["input (8,8,3)"], "add conv2d filters=2 kernel_size=(3,)", .invalidValue,
      "found 1 in '(3,)'")
  }
}
