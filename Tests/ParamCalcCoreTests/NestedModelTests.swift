import Foundation
import Testing

@testable import ParamCalcCore

/// A model used as a layer (`add sequential|functional script=...`, and the nested models of
/// Keras files): its count, its output, its refusals, its calls again, and the Keras files that
/// hold one, compared with what Keras counts in them (Fixtures/models, written by
/// scripts/keras_model_files.py).
@Suite("Models used as layers")
struct NestedModelTests {
  typealias T = KerasModelFileTests

  /// Runs lines in a fresh interpreter; the last line's error, if any.
  static func run(_ lines: [String]) -> (Interpreter, ParamCalcError?) {
    var i = Interpreter()
    for line in lines {
      do { _ = try i.run(line: line) } catch { return (i, error) }
    }
    return (i, nil)
  }

  static func session(_ lines: String...) throws -> Session {
    let (i, error) = run(lines)
    if let error { throw error }
    return i.session
  }

  // MARK: counts and shapes, against arithmetic written here

  @Test func itsCountIsItsLayersCounts() throws {
    let s = try Self.session(
      "input (8,)", "add sequential script=\"input (8,); add dense units=8 activation=relu\"")
    // Dense(8) on 8 features: an 8×8 kernel and 8 biases.
    #expect(s.total == 8 * 8 + 8 && s.trainable == 72 && s.nonTrainable == 0)
    #expect(s.layers[0].typeName == "Sequential" && s.layers[0].output == Shape([8]))
    #expect(s.layerNames == ["sequential"])
    let w = s.layers[0].inference.weights
    #expect(w.map(\.name) == ["kernel", "bias"] && w.map(\.shape) == [[8, 8], [8]])
  }

  @Test func nestedTwoDeepAndNonTrainableWeights() throws {
    let s = try Self.session(
      "input (6,)",
      "add sequential script=\"input (6,); add sequential script='input (6,); add dense units=4';"
        + " add batchnormalization; add dense units=3\"")
    // Dense(4) on 6: 6×4+4; BatchNormalization on 4: γ, β trained, mean and variance not;
    // Dense(3) on 4: 4×3+3.
    #expect(s.trainable == (6 * 4 + 4) + 2 * 4 + (4 * 3 + 3))
    #expect(s.nonTrainable == 2 * 4)
    #expect(s.layers[0].output == Shape([3]))
  }

  @Test func frozenAllNonTrainable() throws {
    let s = try Self.session(
      "input (10,)",
      "add functional script=\"input a (10,); add dense units=6 from a\" trainable=false")
    #expect(s.trainable == 0 && s.nonTrainable == 10 * 6 + 6)
  }

  /// Called twice (`reuse`), its weights count once; and a layer called twice inside the model
  /// counts once there too.
  @Test func sharedCountsOnce() throws {
    let s = try Self.session(
      "input x (4,)",
      "add functional script=\"input a (4,); add dense units=4 as h from a; reuse 2 from h\" as enc from x",
      "reuse 2 from enc", "add dense units=1")
    // The encoder: one Dense(4) on 4 (4×4+4), called twice inside; the head Dense(1) on 4.
    #expect(s.total == (4 * 4 + 4) + (4 + 1))
    #expect(s.layers[2].params == 0 && s.layers[2].output == Shape([4]))
  }

  /// An axis the model's input leaves free takes any size: the model's layers on the tensor it
  /// is called on give the output (Keras: (None, 5, 4) for Dense(4) on (None, 5, 8)).
  @Test func aFreeAxisTakesAnySize() throws {
    let s = try Self.session(
      "input (5,8)", "add sequential script=\"input (None,8); add dense units=4\"")
    #expect(s.layers[0].output == Shape([5, 4]))
    #expect(s.total == 8 * 4 + 4)
  }

  // MARK: refusals

  /// Keras: "Input 0 ... is incompatible with the layer: expected shape=(None, 8), found
  /// shape=(None, 9)"; the model is unchanged.
  @Test(arguments: [("(9,)", "(None, 9)"), ("(3,8)", "(None, 3, 8)")])
  func anotherInputIsRefused(_ dims: String, _ shown: String) throws {
    let (before, _) = Self.run(["input \(dims)"])
    let (after, error) = Self.run([
      "input \(dims)", "add sequential script=\"input (8,); add dense units=2\"",
    ])
    let e = try #require(error)
    guard case .refused(let layer, let reason, _, _) = e else {
      Issue.record("\(e)")
      return
    }
    #expect(layer == "Sequential")
    #expect(reason.contains("expected shape=(None, 8)"))
    #expect(reason.contains("found shape=\(shown)"))
    #expect(after.session.fingerprint == before.session.fingerprint)
  }

  @Test(arguments: [
    (
      "add sequential script=\"input (8,); add dense units=2 as h; add dense units=2 from h\"",
      "a Sequential model is a chain"
    ),
    ("add functional script=\"input a (8,); input b (8,); add add from a,b\"", "2 inputs"),
    ("add functional script=\"add dense units=2\"", "no input"),
    ("add sequential script=\"input (8,)\"", "no layers"),
    ("add sequential script=\"input (8,); summary\"", "'summary' cannot stand"),
    (
      "add functional script=\"input a (8,); add dense units=2 as h from a; add dense units=3 from a\"",
      "does not lead to its output"
    ),
  ])
  func badScriptsAreRefused(_ line: String, _ says: String) throws {
    let (_, error) = Self.run(["input (8,)", line])
    let e = try #require(error)
    #expect(e.message.contains(says), "\(e.message)")
  }

  /// An error inside the script points into the line, at the argument that is wrong.
  @Test func anErrorPointsIntoTheScript() throws {
    let line = "add sequential script=\"input (8,); add dense unitz=3\""
    let (_, error) = Self.run(["input (8,)", line])
    let e = try #require(error)
    let start = line.utf8.count - "unitz=3\"".utf8.count
    #expect(e.span.start == start, "\(e) at \(e.span)")
  }

  // MARK: Keras files with nested models

  /// Each layer Keras lists, in its order (a layer's calls again left out), with Keras's type
  /// and counts, and the totals: the file imported as paramcalc imports it.
  @Test(arguments: ["nested", "siamese", "nested-deep", "nested-frozen"])
  func importedAsKerasCountsIt(_ name: String) throws {
    var interpreter = Interpreter()
    var text = try T.text("models/\(name).json")
    let response = try text.withUTF8 { b in
      try interpreter.importModel(json: b, path: name, at: .none)
    }
    guard case .imported(_, let model) = response else {
      Issue.record("\(response)")
      return
    }
    let s = interpreter.session
    let expected = try T.expected("models/\(name).expected.json")
    let data = try Data(
      contentsOf: T.fixtures.appendingPathComponent("models/\(name).expected.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let keras = try #require(json["layers"] as? [[String: Any]])
    let mine = s.layers.indices.filter { s.layers[$0].spec.reuses == nil }
    #expect(mine.map { model.layerNames[$0] } == keras.compactMap { $0["name"] as? String })
    for (i, k) in zip(mine, keras) {
      let l = s.layers[i]
      #expect(l.typeName == k["type"] as? String, "\(name): \(model.layerNames[i])")
      #expect(
        l.trainable == k["trainable"] as? Int && l.nonTrainable == k["non_trainable"] as? Int,
        "\(name): \(model.layerNames[i]): \(l.trainable)+\(l.nonTrainable)")
    }
    #expect(s.total == expected.total)
    #expect(
      s.trainable == json["trainable"] as? Int && s.nonTrainable == json["non_trainable"] as? Int)
  }

  /// Each layer of each file built alone on the shape Keras built it on, a nested model as one
  /// layer: Keras's counts (the Siamese model's Subtract reads two tensors: checked imported).
  @Test(arguments: [("nested", 2), ("siamese", 2), ("nested-deep", 3), ("nested-frozen", 2)])
  func eachLayerAlone(_ name: String, _ checked: Int) throws {
    let model = try KerasModelFile.read(json: try T.text("models/\(name).json"))
    let expected = try T.expected("models/\(name).expected.json")
    let outcome = try T.check(model, expected, file: name)
    #expect(outcome.checked == checked && outcome.refused.isEmpty, "\(outcome)")
  }

  /// The script written for a nested model rebuilds it: saved, loaded, the same model.
  @Test(arguments: ["nested", "siamese", "nested-deep", "nested-frozen"])
  func savedAndLoadedIsTheSame(_ name: String) throws {
    var interpreter = Interpreter()
    var text = try T.text("models/\(name).json")
    _ = try text.withUTF8 { b in try interpreter.importModel(json: b, path: name, at: .none) }
    let script = interpreter.session.layers.map(\.spec.script)
    let first = interpreter.session.input.map { ["input " + Format.scriptDims($0)] } ?? []
    var again = Interpreter()
    for line in first + script { _ = try again.run(line: line) }
    #expect(again.session.modelFingerprint == interpreter.session.modelFingerprint)
  }

  /// What stops a nested model names it.
  @Test func aProblemInsideNamesTheModel() throws {
    let json = """
      {"class_name": "Functional", "config": {"name": "outer", "layers": [
        {"class_name": "InputLayer", "name": "x", "config": {"batch_shape": [null, 4]}},
        {"class_name": "Sequential", "name": "block", "config": {"name": "block", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, 4]}},
          {"class_name": "Frobnicate", "module": "keras.layers", "config": {"name": "frob"}}]},
         "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config":
           {"shape": [null, 4], "keras_history": ["x", 0, 0]}}]}]}],
        "input_layers": [["x", 0, 0]], "output_layers": [["block", 0, 0]]}}
      """
    var interpreter = Interpreter()
    let before = interpreter.session.fingerprint
    var text = json
    let result = text.withUTF8 { b in
      Result { () throws(ParamCalcError) in
        try interpreter.importModel(json: b, path: "f.json", at: .none)
      }
    }
    guard case .failure(let error) = result else {
      Issue.record("imported")
      return
    }
    #expect(error.message.contains("in model 'block' (Sequential, used as a layer)"))
    #expect(error.message.contains("'frob' is a Frobnicate"), "\(error.message)")
    #expect(interpreter.session.fingerprint == before)
  }

  // MARK: summary depth=N

  static func imported(_ name: String) throws -> Interpreter {
    var interpreter = Interpreter()
    var text = try T.text("models/\(name).json")
    _ = try text.withUTF8 { b in try interpreter.importModel(json: b, path: name, at: .none) }
    return interpreter
  }

  /// The nested model in one row, then its layers beneath it level by level; the totals the
  /// same at every depth.
  @Test func summaryDepth() throws {
    let s = try Self.imported("nested-deep").session
    let tables = (0...3).map { TextRenderer(style: .plain).summary(s, depth: $0) }
    func totals(_ t: String) -> [Substring] {
      t.split(separator: "\n").filter { $0.contains("params:") }
    }
    for t in tables { #expect(totals(t) == totals(tables[0]) && totals(t).count == 3) }
    #expect(totals(tables[0]).first?.contains("115") == true)
    #expect(tables[0].contains("middle (Sequential)") && !tables[0].contains("└ "))
    #expect(
      tables[1].contains("│    └ deep (Sequential) ") && tables[1].contains("└ mid_dense (Dense)"))
    #expect(!tables[1].contains("deep_dense"))
    #expect(tables[2].contains("│       └ deep_dense (Dense) "))
    #expect(tables[3] == tables[2], "nothing deeper than two levels")
  }

  /// `summary depth=N` parses; a depth that is not a whole number is refused.
  @Test func summaryDepthParses() throws {
    #expect(try CommandParser.parse("summary") == .summary(depth: 0))
    #expect(try CommandParser.parse("summary depth=2") == .summary(depth: 2))
    for bad in ["summary depth=-1", "summary depth=x", "summary deep=1"] {
      #expect(throws: ParamCalcError.self, "\(bad)") { try CommandParser.parse(bad) }
    }
  }

  /// In --json, `depth` and each nested model's `layers`, with their counts adding up to its own.
  @Test func summaryDepthJSON() throws {
    let i = try Self.imported("nested-deep")
    var r = JSONStream()
    var out: [UInt8] = []
    r.render(Response.summary(depth: 2), line: 2, session: i.session, into: &out)
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
    #expect(json["depth"] as? Int == 2 && json["total"] as? Int == 115)
    let layers = try #require(json["layers"] as? [[String: Any]])
    let middle = try #require(layers.first { $0["type"] as? String == "Sequential" })
    let inner = try #require(middle["layers"] as? [[String: Any]])
    #expect(inner.map { $0["name"] as? String } == ["deep", "mid_dense"])
    #expect(inner.map { $0["params"] as? Int ?? 0 }.reduce(0, +) == middle["params"] as? Int)
    let deep = try #require(inner[0]["layers"] as? [[String: Any]])
    #expect(deep.map { $0["name"] as? String } == ["deep_dense"])
    // Dense(4) on 8: 8×4+4.
    #expect(deep[0]["params"] as? Int == 8 * 4 + 4)
  }
}
