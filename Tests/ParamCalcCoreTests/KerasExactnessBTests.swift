import Foundation
import Testing

@testable import ParamCalcCore

/// The recurrent, wrapper, normalization, reshaping, activation, pooling, convolutional-recurrent
/// and preprocessing layers (and ReversibleEmbedding) against
/// Keras 3.15.1: the argument names each accepts (Fixtures/keras-accepted-arguments.json, from
/// scripts/keras_accepted_arguments.py) and the lines of the review, run through real Keras
/// (Fixtures/keras-exactness-b.json, from scripts/keras_exactness_b.py).
@Suite("Keras exactness B")
struct KerasExactnessBTests {
  static let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("ParamCalcEndToEndTests/Fixtures")

  static func load(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// Every layer type of these families accepts exactly the names its Keras class takes
  /// (besides those of `Layer.__init__`, which every layer takes).
  @Test func acceptedNamesAreKeras() throws {
    let json = try Self.load("keras-accepted-arguments.json")
    let layers = try #require(json["layers"] as? [String: [String]])
    #expect(layers.count == 107)
    let common = Set(try #require(json["common"] as? [String]))
    for (name, keras) in layers {
      // (The cells are read inside RNN's `cell=`, by their own catalog.)
      let d = try #require(
        LayerCatalog.standard[name] ?? LayerCatalog.cells[name], "\(name) is not in the catalog")
      // (ReversibleEmbedding declares input_dim, which every layer takes: not counted here.)
      let ours = Set(d.arguments.map(\.name) + d.inert).subtracting(common)
      #expect(
        ours == Set(keras),
        "\(name): paramcalc also takes \(ours.subtracting(keras).sorted()), Keras also \(Set(keras).subtracting(ours).sorted())"
      )
    }
  }

  /// The names of `Layer.__init__` that a class without **kwargs refuses (SpatialDropout) are
  /// refused by paramcalc too (`trainable` and `input_shape` are the model's, as the oracle
  /// sets them).
  @Test func commonNamesRefusedWhereKerasRefusesThem() throws {
    let json = try Self.load("keras-accepted-arguments.json")
    let refuses = try #require(json["refuses_common"] as? [String: [String]])
    #expect(!refuses.isEmpty)
    for (name, names) in refuses {
      let d = try #require(LayerCatalog.standard[name], "\(name)")
      let e = try #require(LayerExample.of(d))
      for n in names where commonInertArguments.contains(n) {
        expectRefusal(
          after: ["input \(e.input)"], e.add + " \(n)=true", .unknownArgument,
          "has no argument '\(n)'")
      }
    }
  }

  /// Each review line as Keras answered it: refused where Keras refused it, otherwise the same
  /// type, counts, output shape and weights.
  @Test(
    arguments: try! KerasExactnessBTests.load("keras-exactness-b.json").sorted { $0.key < $1.key }
      .map { $0.key })
  func reviewLinesMatchKeras(_ id: String) throws {
    let cases = try Self.load("keras-exactness-b.json")
    let c = try #require(cases[id] as? [String: Any])
    let script = try #require(c["script"] as? String)
    let rejected = Set((c["rejected_lines"] as? [Int]) ?? [])
    let layers = (c["layers"] as? [[String: Any]]) ?? []
    var interpreter = Interpreter()
    var made = 0
    for (i, line) in script.split(separator: "\n").enumerated() {
      let no = i + 1
      do throws(ParamCalcError) {
        _ = try interpreter.run(line: String(line))
        #expect(!rejected.contains(no), "\(id): line \(no) '\(line)' accepted; Keras refused it")
        if line.hasPrefix("add ") {
          made += 1
          guard made <= layers.count else { continue }
          let k = layers[made - 1]
          let l = interpreter.session.layers[interpreter.session.count - 1]
          #expect(l.typeName == k["type"] as? String, "\(id): type")
          #expect(l.params == k["params"] as? Int, "\(id): params")
          #expect(l.trainable == k["trainable"] as? Int, "\(id): trainable")
          #expect(l.nonTrainable == k["non_trainable"] as? Int, "\(id): non-trainable")
          let shape = ([nil] + l.output.dims).map { $0.map(String.init) ?? "None" }
          let want = ((k["output_shape"] as? [Any]) ?? []).map {
            ($0 as? Int).map(String.init) ?? "None"
          }
          #expect(shape == want, "\(id): output shape")
          let weights = l.inference.weights.map { "\($0.name)\($0.shape)" }
          let kw = ((k["weights"] as? [[String: Any]]) ?? []).map {
            "\($0["name"] as? String ?? "")\(($0["shape"] as? [Int]) ?? [])"
          }
          #expect(weights == kw, "\(id): weights")
        }
      } catch {
        #expect(rejected.contains(no), "\(id): line \(no) '\(line)' refused: \(error.message)")
      }
    }
    #expect(made == layers.count, "\(id): \(made) layers made, Keras made \(layers.count)")
  }

  // MARK: refusals worded clearly

  @Test func refusalsSayWhy() {
    expectRefusal(
      after: ["input (10,6)"], "add lstm units=3 stateful=true", .invalidValue,
      "needs a fixed batch size")
    expectRefusal(
      after: ["input (10,6)"], "add gru units=3 return_state=true", .invalidValue,
      "several tensors")
    expectRefusal(
      after: ["input (9,4)"], "add upsampling1d size=(2,)", .invalidValue, "expected an integer")
    expectRefusal(
      after: ["input (10,6)"], "add gaussiannoise stddev=2", .invalidValue, "at most 1")
    expectRefusal(
      after: ["input (10,6)"], "add simplernn units=3 unit_forget_bias=true", .unknownArgument,
      "SimpleRNN has no argument 'unit_forget_bias'")
    expectRefusal(
      after: ["input (10,6)"], "add layernormalization momentum=0.9", .unknownArgument,
      "LayerNormalization has no argument 'momentum'")
  }

  /// The wrapped layer's refusal names the shape of one step: the message says where it comes
  /// from, in the shape the user typed.
  @Test func timeDistributedNamesTheStep() {
    expectRefusal(
      after: ["input (4,18)"], "add timedistributed lstm units=2", .refused,
      "TimeDistributed applies LSTM to each of the 4 steps of (None, 4, 18) separately, each of shape (None, 18)"
    )
  }

  // MARK: explanations

  func explain(_ input: String, _ add: String) throws -> String {
    oneLine(try explainText(input, add))
  }

  /// GRU's biases per unit come from reset_after when it is given, and the term's name is a
  /// symbol (no `*`); 3 × (6 × 2 + 2 × 2 + 2 × 2) = 60, as Keras counts.
  @Test func gruBiasesSourcedFromResetAfter() throws {
    let l = try model("input (10,6)", "add gru units=2 reset_after=true").layers[0]
    let e = l.explanation
    let biases = try #require(e.terms.first { $0.name == "biases" })
    #expect(biases.value == 2 && biases.source == .argument)
    #expect(e.terms.allSatisfy { !$0.name.contains("*") && !$0.name.contains(" ") })
    #expect(Explanation.symbols(e.formula).allSatisfy { s in e.terms.contains { $0.name == s } })
    let d = try model("input (10,6)", "add gru units=2").layers[0].explanation
    #expect(d.terms.first { $0.name == "biases" }?.source == .defaultValue)
    let f = try model("input (10,6)", "add gru units=2 reset_after=false").layers[0]
    #expect(f.explanation.terms.first { $0.name == "biases" }?.value == 1)
    #expect(f.params == 3 * (6 * 2 + 2 * 2 + 2))
  }

  @Test func recurrentWithoutBiasSaysSo() throws {
    for add in [
      "add simplernn units=3 use_bias=false", "add bidirectional lstm units=3 use_bias=false",
    ] {
      #expect(try explain("(10,6)", add).contains("use_bias=false: the bias is left out"), "\(add)")
    }
  }

  /// Bidirectional's formula names its directions term.
  @Test func bidirectionalFormulaNamesDirections() throws {
    let e = try model("input (10,6)", "add bidirectional gru units=2").layers[0].explanation
    #expect(e.formula.hasPrefix("directions * ("))
    #expect(e.substituted.hasPrefix("2 * ("))
  }

  @Test func pluralsAreRight() throws {
    #expect(
      try explain("(10,4)", "add globalmaxpooling1d").contains("the steps axis is pooled away"))
    #expect(
      try explain("(10,4)", "add globalaveragepooling1d").contains("the steps axis is pooled away"))
    #expect(
      try explain("(4,4,3)", "add globalmaxpooling2d").contains(
        "the 2 spatial axes are pooled away"))
    #expect(try explain("(4,)", "add repeatvector n=1").contains("copies its input once"))
    #expect(try explain("(4,)", "add repeatvector n=1000").contains("copies its input 1,000 times"))
  }

  @Test func timeDistributedWithoutWeightsSaysNoWeights() throws {
    let text = try explain("(4,3,3,2)", "add timedistributed flatten")
    #expect(!text.contains("one set of weights"))
    #expect(text.contains("it has no weights, so neither has the wrapper"))
    #expect(
      try explain("(5,10,4)", "add timedistributed dense units=8").contains(
        "one set of weights serves every step"))
  }

  @Test func normalizationAxesAreNamed() throws {
    #expect(
      try explain("(10,6,5)", "add layernormalization axis=(2,3)").contains(
        "the sizes of the normalised axes (2,3) of the input: 6 × 5 = 30"))
    let bn = try explain("(10,6,5)", "add batchnormalization axis=1")
    #expect(bn.contains("the size of the normalised axis (1) of the input"))
    #expect(!bn.contains("channel axis"))
    #expect(
      try explain("(10,4)", "add batchnormalization").contains(
        "the size of the channel axis (the last) of the input"))
    let g = try explain("(10,4)", "add groupnormalization groups=-1")
    #expect(
      g.contains(
        "groups=-1 means one group per channel: the 4 channels are split into 4 groups of 1"))
  }

  /// rms_scaling keeps gamma and drops beta (Keras: 6 on (10,10,6)).
  @Test func rmsScalingKeepsGammaOnly() throws {
    let l = try model("input (10,10,6)", "add layernormalization rms_scaling=true").layers[0]
    #expect(l.params == 6)
    #expect(l.inference.weights.map(\.name) == ["gamma"])
    let text = try explain("(10,10,6)", "add layernormalization rms_scaling=true")
    #expect(text.contains("rms_scaling=true leaves beta out"))
  }

  @Test func reshapingShapeLinesOneAxisEach() throws {
    let lines = [
      (
        "(28,28,1)", "add zeropadding2d padding=1",
        ["rows: 28 + 1 + 1 = 30", "columns: 28 + 1 + 1 = 30"]
      ),
      (
        "(28,28,1)", "add cropping2d cropping=2",
        ["rows: 28 - 2 - 2 = 24", "columns: 28 - 2 - 2 = 24"]
      ),
      ("(10,3)", "add upsampling1d size=2", ["steps: 10 × 2 = 20"]),
      ("(None,3)", "add upsampling1d size=2", ["steps: a length L becomes L × 2"]),
      ("(None,3)", "add zeropadding1d padding=(1,1)", ["steps: a length L becomes L + 2"]),
      ("(None,3)", "add cropping1d cropping=(1,2)", ["steps: a length L becomes L - 3"]),
      (
        "(4,4,4,2)", "add upsampling3d size=(1,2,3)",
        ["frames: 4 × 1 = 4", "rows: 4 × 2 = 8", "columns: 4 × 3 = 12"]
      ),
      (
        "(3,4,5)", "add permute dims=(3,1,2)",
        ["axis 1: input axis 3, of size 5", "axis 3: input axis 2, of size 4"]
      ),
      ("(1000,3)", "add zeropadding1d padding=1000", ["steps: 1,000 + 1,000 + 1,000 = 3,000"]),
    ]
    for (input, add, wants) in lines {
      let text = try explainText(input, add)
      let rows = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      for want in wants {
        #expect(rows.contains(want), "\(add) on \(input): no line '\(want)' in\n\(text)")
      }
      for (clause, holds) in Arithmetic.statements(text) {
        #expect(holds, "\(add): '\(clause)' does not hold")
      }
    }
  }

  /// Numbers in sentences and shape lines are grouped as in the tables.
  @Test func numbersHaveThousandsSeparators() throws {
    let text = try explain("(10,1200)", "add lstm units=1000")
    #expect(text.contains("only the last step's output of 1,000"))
    #expect(text.contains("4 blocks × 1,000 units"))
    let g = try explain("(10,2000)", "add groupnormalization groups=1000")
    #expect(g.contains("the 2,000 channels are split into 1,000 groups of 2"))
  }
}
