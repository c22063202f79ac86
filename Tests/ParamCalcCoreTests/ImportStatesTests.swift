import Foundation
import Testing

@testable import ParamCalcCore

/// Keras files whose layers read a recurrent layer's states (`keras_history` output 1, 2) and
/// whose outputs are not the last layer alone (Fixtures/models/seq2seq.json and two-heads.json,
/// written by scripts/keras_model_files.py with Keras's counts beside them).
@Suite("Import of states and outputs")
struct ImportStatesTests {
  static func imported(_ name: String) throws -> Interpreter {
    let text = try KerasModelFileTests.text("models/\(name).json")
    var interpreter = Interpreter()
    var copy = text
    try copy.withUTF8 { b in
      _ = try interpreter.importModel(json: b, path: name, at: .none)
    }
    return interpreter
  }

  static func expected(_ name: String) throws -> [String: Any] {
    let data = try Data(
      contentsOf: KerasModelFileTests.fixtures.appendingPathComponent(
        "models/\(name).expected.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test(arguments: ["seq2seq", "two-heads"])
  func everyLayerAndTheTotalsAreKeras(_ name: String) throws {
    let session = try Self.imported(name).session
    let keras = try Self.expected(name)
    let layers = try #require(keras["layers"] as? [[String: Any]])
    #expect(session.layerNames == layers.map { $0["name"] as? String ?? "" })
    for (l, k) in zip(session.layers, layers) {
      #expect(l.params == k["params"] as? Int, "\(name): \(l.typeName)")
      #expect(l.trainable == k["trainable"] as? Int)
    }
    #expect(session.total == keras["total"] as? Int)
    #expect(session.trainable == keras["trainable"] as? Int)
    #expect(session.nonTrainable == keras["non_trainable"] as? Int)
  }

  @Test func theDecoderReadsTheEncodersStates() throws {
    let i = try Self.imported("seq2seq")
    let decoder = i.session.layers[3]
    #expect(decoder.spec.sources?.map(\.script) == ["decoder_in", "encoder.h", "encoder.c"])
    #expect(decoder.inputs.dropFirst().map(\.description) == ["(None, 256)", "(None, 256)"])
    // Its output is the last layer's: no `output` line.
    #expect(i.session.outputs == nil)
  }

  @Test func severalOutputsAreDeclaredAndSaved() throws {
    let i = try Self.imported("two-heads")
    #expect(i.session.outputs?.map(\.script) == ["label", "score", "gru.h"])
    #expect(i.script.hasSuffix("output label,score,gru.h\n"))
    // The saved script builds the same model again.
    var again = Interpreter()
    for line in i.script.split(separator: "\n") { _ = try again.run(line: String(line)) }
    #expect(again.session.modelFingerprint == i.session.modelFingerprint)
  }
}
