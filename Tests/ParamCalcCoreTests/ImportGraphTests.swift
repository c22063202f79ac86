import Foundation
import Testing

@testable import ParamCalcCore

/// Functional models imported whole, as graphs (named inputs, `as` and `from`, merges): every
/// layer of Keras's `model.layers`, in its order, with Keras's counts, and the totals, trainable
/// and non-trainable apart (Fixtures/applications, written by scripts/keras_model_files.py; the
/// first five are ../shared/applications).
@Suite("Keras applications imported as graphs")
struct ImportGraphTests {
  /// The model file imported into a fresh interpreter (or the error).
  static func imported(_ name: String) throws -> Result<Session, ParamCalcError> {
    let text = try KerasModelFileTests.text("applications/\(name).json")
    var interpreter = Interpreter()
    var copy = text
    return copy.withUTF8 { b in
      Result { () throws(ParamCalcError) -> Session in
        _ = try interpreter.importModel(json: b, path: name, at: .none)
        return interpreter.session
      }
    }
  }

  static func expected(_ name: String) throws -> [String: Any] {
    let data = try Data(
      contentsOf: KerasModelFileTests.fixtures.appendingPathComponent(
        "applications/\(name).expected.json"))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test(arguments: [
    "VGG16", "ResNet50", "MobileNetV2", "DenseNet121", "EfficientNetB0", "VGG19", "ResNet101",
    "ResNet50V2", "Xception", "InceptionV3", "MobileNet", "DenseNet169",
    "NASNetMobile", "ResNet152V2", "EfficientNetB3", "EfficientNetV2S", "EfficientNetV2B0",
    // Operations on tensors (hard_sigmoid and hard_swish written as x + 3, x * (1/6), x * y).
    "MobileNetV3Small", "MobileNetV3Large",
    // CustomScaleLayer (x + scale × residual), a class of keras.applications.
    "InceptionResNetV2",
    // The other keras.applications models.
    "ResNet152", "ResNet101V2", "DenseNet201", "NASNetLarge", "EfficientNetB1", "EfficientNetB2",
    "EfficientNetB4", "EfficientNetB5", "EfficientNetB6", "EfficientNetB7", "EfficientNetV2B1",
    "EfficientNetV2B2", "EfficientNetV2B3", "EfficientNetV2M", "EfficientNetV2L",
    // A nested Sequential (the stem and each downsampling step), LayerScale and the residual
    // sums as operations on tensors.
    "ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtXLarge",
  ])
  func everyLayerAndTheTotalsAreKeras(_ name: String) throws {
    let session = try Self.imported(name).get()
    let keras = try Self.expected(name)
    let layers = try #require(keras["layers"] as? [[String: Any]])
    // The operations on tensors of the file: Keras's summary shows them, model.layers does not.
    let file = try KerasModelFile.read(
      json: try KerasModelFileTests.text("applications/\(name).json"))
    let operations = Dictionary(
      uniqueKeysWithValues: file.layers.filter(\.isOperation).map { ($0.name, $0.className) })
    var rows: [ModelLayer] = []
    var names: [String] = []
    for (l, n) in zip(session.layers, session.layerNames) {
      if let cls = operations[n] {
        #expect(l.typeName == cls && l.params == 0, "\(name): \(n) is \(l.typeName)")
      } else {
        rows.append(l)
        names.append(n)
      }
    }
    #expect(session.count == layers.count + operations.count, "\(name)")
    // Keras's model.layers, in order: the inputs first, then each layer once.
    #expect(names == layers.compactMap { $0["name"] as? String }, "\(name)")
    for (l, k) in zip(rows, layers) {
      #expect(l.typeName == k["type"] as? String, "\(name): \(k["name"] ?? "?")")
      #expect(
        l.trainable == k["trainable"] as? Int && l.nonTrainable == k["non_trainable"] as? Int,
        "\(name): \(k["name"] ?? "?"): \(l.trainable)+\(l.nonTrainable), Keras \(k["trainable"] ?? "?")+\(k["non_trainable"] ?? "?")"
      )
    }
    #expect(session.total == keras["total"] as? Int, "\(name)")
    #expect(session.trainable == keras["trainable"] as? Int, "\(name)")
    #expect(session.nonTrainable == keras["non_trainable"] as? Int, "\(name)")
  }
}
