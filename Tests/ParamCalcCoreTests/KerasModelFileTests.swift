import Foundation
import Testing

@testable import ParamCalcCore

/// Keras model files read into paramcalc's terms, against what Keras counts in them: every layer
/// built from its translated request, on the shape Keras built it on, gives Keras's own counts
/// (Fixtures/applications: keras.applications models; Fixtures/models: the Sequential examples
/// and small models; both written by scripts/keras_model_files.py).
@Suite("Keras model files")
struct KerasModelFileTests {
  static let fixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("ParamCalcEndToEndTests/Fixtures")

  static func text(_ path: String) throws -> String {
    try String(contentsOf: fixtures.appendingPathComponent(path), encoding: .utf8)
  }

  /// Keras's per-layer counts (`NAME.expected.json`), read with Foundation's own JSON reader.
  struct Expected {
    var total: Int
    var layers: [String: (type: String, params: Int, trainable: Int, nonTrainable: Int)] = [:]
  }

  static func expected(_ path: String) throws -> Expected {
    let data = try Data(contentsOf: fixtures.appendingPathComponent(path))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    var out = Expected(total: try #require(json["total"] as? Int))
    for l in try #require(json["layers"] as? [[String: Any]]) {
      out.layers[try #require(l["name"] as? String)] = (
        try #require(l["type"] as? String), try #require(l["params"] as? Int),
        try #require(l["trainable"] as? Int), try #require(l["non_trainable"] as? Int)
      )
    }
    return out
  }

  /// What a model file's check found: the layers checked against Keras, and by class those
  /// not checked: skipped (paramcalc cannot build them: merges, classes it does not know) and
  /// refused (translated, but paramcalc refuses the request where Keras builds it).
  struct Outcome: Equatable {
    var checked = 0
    var skipped: [String: Int] = [:]
    var refused: [String: Int] = [:]
  }

  /// One layer built from its request on `shape` (batch axis included): its counts.
  static func build(_ request: LayerRequest, line: String, on shape: [Int?]) throws(ParamCalcError)
    -> (Int, Int)
  {
    var session = Session()
    _ = try session.setInput(Shape(Array(shape.dropFirst())), at: .none)
    let built = try session.build(request, end: Span(line.utf8.count, line.utf8.count + 1))
    _ = try session.add(built, at: request.typeSpan)
    return (session.trainable, session.nonTrainable)
  }

  /// A nested model's counts: its chain built on its input.
  static func build(_ model: KerasModelFile) throws -> (Int, Int) {
    var session = Session()
    _ = try session.setInput(model.inputs[0].shape, at: .none)
    for step in try model.chain() {
      let end = Span(step.line.utf8.count, step.line.utf8.count + 1)
      _ = try session.add(try session.build(step.request, end: end), at: .none)
    }
    return (session.trainable, session.nonTrainable)
  }

  /// Builds each translated layer on its input shape and compares its counts with Keras's.
  static func check(_ model: KerasModelFile, _ expected: Expected, file: String) throws -> Outcome {
    var out = Outcome()
    for layer in model.layers {
      if case .operation = layer.content {
        // An operation is no layer of Keras's `model.layers`.
        #expect(expected.layers[layer.name] == nil, "\(file): \(layer.name)")
        continue
      }
      let keras = try #require(expected.layers[layer.name], "\(file): no Keras layer \(layer.name)")
      #expect(keras.type == layer.className, "\(file): \(layer.name)")
      let counts: (Int, Int)
      switch layer.content {
      case .operation: continue
      case .problem:
        out.skipped[layer.className, default: 0] += 1
        continue
      case .nested(let inner):
        counts = try build(inner)
      case .request(let request, let line):
        let shape = try #require(layer.inputShape, "\(file): \(layer.name) has no input shape")
        do throws(ParamCalcError) {
          counts = try build(request, line: line, on: shape)
        } catch {
          out.refused[layer.className, default: 0] += 1
          continue
        }
      }
      #expect(
        counts.0 == keras.trainable && counts.1 == keras.nonTrainable,
        "\(file): \(layer.name): \(counts.0)+\(counts.1), Keras \(keras.trainable)+\(keras.nonTrainable)"
      )
      out.checked += 1
    }
    return out
  }

  /// The five models of shared/applications and the others scripts/keras_model_files.py writes.
  /// Each layer Keras lists but its input and the merges (Add, Concatenate, Multiply: not in the
  /// catalog yet) is checked; the counts of those skipped are Keras's own (`model.layers` by
  /// type), so that they fail loudly when merges arrive.
  @Test(
    arguments: [
      ("VGG16", 22, [:]), ("ResNet50", 176 - 16, ["Add": 16]),
      ("MobileNetV2", 155 - 10, ["Add": 10]), ("DenseNet121", 428 - 58, ["Concatenate": 58]),
      ("EfficientNetB0", 239 - 25, ["Add": 9, "Multiply": 16]),
      ("VGG19", 25, [:]), ("ResNet101", 346 - 33, ["Add": 33]),
      ("ResNet50V2", 191 - 16, ["Add": 16]),
      ("Xception", 133 - 12, ["Add": 12]), ("InceptionV3", 312 - 15, ["Concatenate": 15]),
      ("MobileNet", 90, [:]), ("MobileNetV3Small", 163 - 15, ["Add": 6, "Multiply": 9]),
      ("DenseNet169", 596 - 82, ["Concatenate": 82]),
      ("NASNetMobile", 770 - 100, ["Add": 80, "Concatenate": 20]),
      ("EfficientNetV2B0", 272 - 31 - 1, ["Add": 15, "Multiply": 16]),
    ] as [(String, Int, [String: Int])])
  func applications(_ name: String, layers: Int, merges: [String: Int]) throws {
    let model = try KerasModelFile.read(json: try Self.text("applications/\(name).json"))
    let expected = try Self.expected("applications/\(name).expected.json")
    let outcome = try Self.check(model, expected, file: name)
    #expect(outcome.checked == layers, "\(name): \(outcome.checked) layers checked")
    #expect(outcome.skipped == merges, "\(name): skipped \(outcome.skipped)")
    // Normalization with a mean and a variance per channel (a list): paramcalc's `mean` takes one
    // number, where Keras takes a list too.
    #expect(outcome.refused == (name == "EfficientNetV2B0" ? ["Normalization": 1] : [:]))
  }

  /// ConvNeXtTiny: a nested Sequential (its stem), checked whole; its LayerScale is a Keras class
  /// of keras.applications that keras.layers does not export (paramcalc does not know it), and
  /// the residual sums are operations (`x + y`), not layers.
  @Test func convNeXt() throws {
    let model = try KerasModelFile.read(json: try Self.text("applications/ConvNeXtTiny.json"))
    let expected = try Self.expected("applications/ConvNeXtTiny.expected.json")
    let outcome = try Self.check(model, expected, file: "ConvNeXtTiny")
    #expect(outcome.skipped == ["LayerScale": 18])
    #expect(outcome.refused == ["Normalization": 1])
    #expect(outcome.checked == 134 - 18 - 1)
    #expect(model.layers.filter { $0.content == .operation }.count == 18)
  }
}

/// The Sequential examples and the small models, as Keras wrote them.
@Suite("Keras model files: examples and small models")
struct KerasModelExampleTests {
  typealias T = KerasModelFileTests

  /// Every examples/*.pc that Keras builds as a Sequential model (the two with attention take
  /// two inputs: examples-not-sequential.json says so): each layer as Keras counts it, and the
  /// whole model imported gives Keras's total. (A Sequential model writes no build shape for a
  /// layer without weights: each layer is checked in the imported chain, on what the layer
  /// before it gives.)
  @Test(arguments: [
    "audio-classifier", "convlstm-next-frame", "efficientnet-front", "lenet5",
    "pytorch-layout-cnn", "seed-conv1d", "text-classifier", "small-cnn",
  ])
  func sequential(_ name: String) throws {
    let text = try T.text("models/\(name).json")
    let model = try KerasModelFile.read(json: text)
    #expect(model.className == "Sequential")
    let expected = try T.expected("models/\(name).expected.json")
    var interpreter = Interpreter()
    var copy = text
    let response = try copy.withUTF8 { b in
      try interpreter.importModel(json: b, path: "\(name).json", at: .none)
    }
    guard case .imported(let outcome2, let imported) = response else {
      Issue.record("not an import: \(response)")
      return
    }
    #expect(outcome2.kind == .loaded)
    #expect(interpreter.session.total == expected.total)
    #expect(imported.layerNames == model.layers.map(\.name))
    #expect(interpreter.session.count == expected.layers.count)
    for (i, l) in interpreter.session.layers.enumerated() {
      let keras = try #require(expected.layers[imported.layerNames[i]])
      #expect(
        l.trainable == keras.trainable && l.nonTrainable == keras.nonTrainable,
        "\(name): \(imported.layerNames[i]): \(l.trainable)+\(l.nonTrainable), Keras \(keras.trainable)+\(keras.nonTrainable)"
      )
    }
  }

  /// The examples Keras cannot build as a Sequential model are those with attention.
  @Test func notSequential() throws {
    let data = try T.text("models/examples-not-sequential.json")
    #expect(data.contains("llama-block.pc") && data.contains("transformer-block.pc"))
  }

  /// A Functional model calling one nested Sequential twice: kept as a nested value, with the
  /// tensors each call reads.
  @Test func nested() throws {
    let model = try KerasModelFile.read(json: try T.text("models/nested.json"))
    #expect(model.className == "Functional")
    #expect(model.inputs == [KerasModelFile.Input(name: "features", shape: Shape([8]))])
    let block = try #require(model.layers.first)
    guard case .nested(let inner) = block.content else {
      Issue.record("block is not nested: \(block.content)")
      return
    }
    #expect(inner.className == "Sequential" && inner.layers.count == 1)
    typealias N = KerasModelFile.TensorName
    #expect(block.calls == [[N(layer: "features")], [N(layer: "block", node: 0)]])
    #expect(model.layers[1].calls == [[N(layer: "block", node: 1)]])
    #expect(model.outputs == [N(layer: "head")])
    let expected = try T.expected("models/nested.expected.json")
    #expect(try T.check(model, expected, file: "nested") == T.Outcome(checked: 2))
    #expect(throws: ModelFileProblem.self) { try model.chain() }
  }

  /// Two branches added: the Add reads two tensors; importing it is refused as a branch.
  @Test func branches() throws {
    let model = try KerasModelFile.read(json: try T.text("models/branches.json"))
    typealias N = KerasModelFile.TensorName
    #expect(
      model.layers.map(\.calls) == [
        [[N(layer: "x")]], [[N(layer: "x")]],
        [
          [
            N(layer: "left"), N(layer: "right"),
          ]
        ],
      ])
    do {
      _ = try model.chain()
      Issue.record("a model with branches was taken as a chain")
    } catch {
      #expect(error == .branches("layer 'right' reads 'x', not the layer before it ('left')"))
    }
  }

  /// A custom layer and a Lambda: refused, naming the layer and its class.
  @Test func refusedClasses() throws {
    do {
      _ = try KerasModelFile.read(json: try T.text("models/custom-layer.json"))
      Issue.record("a custom layer was read")
    } catch let p as ModelFileProblem {
      #expect(
        p
          == .customObject(
            layer: "scale", className: "Scale", registeredName: "MyLayers>Scale", module: nil))
    }
    let lambda = try KerasModelFile.read(json: try T.text("models/lambda.json"))
    guard case .problem(let p) = lambda.layers[0].content else {
      Issue.record("the Lambda layer was translated")
      return
    }
    #expect(
      p
        == .unknownClass(
          layer: "lambda", className: "Lambda",
          reason: LayerCatalog.leftOutReason("Lambda")?.reason))
    #expect(throws: ModelFileProblem.self) { try lambda.chain() }
  }
}
