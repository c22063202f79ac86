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

  /// A nested model's counts: the model as one layer (`add sequential|functional script=...`),
  /// built on its input.
  static func build(_ model: KerasModelFile) throws -> (Int, Int) {
    let (request, line) = try model.asLayer()
    return try build(request, line: line, on: [nil] + model.inputs[0].shape.dims)
  }

  /// Builds each translated layer on its input shape and compares its counts with Keras's.
  static func check(_ model: KerasModelFile, _ expected: Expected, file: String) throws -> Outcome {
    var out = Outcome()
    for layer in model.layers {
      if layer.isOperation {
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
      case .request where layer.inputShapes.count > 1:
        // A merge reads several tensors: checked in the imported graph (ImportGraphTests).
        out.skipped[layer.className, default: 0] += 1
        continue
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
  /// Each layer Keras lists but its input and the merges (Add, Concatenate, Multiply: they read
  /// several tensors, and are checked in the imported graph by ImportGraphTests) is checked on
  /// its own; the counts of those skipped are Keras's own (`model.layers` by type).
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
      ("EfficientNetV2B0", 272 - 31, ["Add": 15, "Multiply": 16]),
      ("MobileNetV3Large", 193 - 18, ["Add": 10, "Multiply": 8]),
      ("ResNet152V2", 565 - 50, ["Add": 50]),
      // CustomScaleLayer (inception_resnet_v2.py) reads two tensors: x + scale × residual.
      ("InceptionResNetV2", 781 - 43 - 40, ["Concatenate": 43, "CustomScaleLayer": 40]),
      ("EfficientNetB3", 386 - 45, ["Add": 19, "Multiply": 26]),
      ("EfficientNetV2S", 515 - 65, ["Add": 35, "Multiply": 30]),
    ] as [(String, Int, [String: Int])])
  func applications(_ name: String, layers: Int, merges: [String: Int]) throws {
    let model = try KerasModelFile.read(json: try Self.text("applications/\(name).json"))
    let expected = try Self.expected("applications/\(name).expected.json")
    let outcome = try Self.check(model, expected, file: name)
    #expect(outcome.checked == layers, "\(name): \(outcome.checked) layers checked")
    #expect(outcome.skipped == merges, "\(name): skipped \(outcome.skipped)")
    // (EfficientNetV2B0's Normalization has a mean and a variance per channel, lists, read as
    // Keras reads them.)
    #expect(outcome.refused == [:])
  }

  /// ConvNeXt: a nested Sequential (its stem), checked whole; its LayerScale layers (a class of
  /// keras.applications that keras.layers does not export), one per block, each built on its
  /// input and checked against Keras's count; the residual sums are operations (`x + y`), one
  /// per block, not layers. Blocks (convnext.py's depths): Tiny 3+3+9+3, the others 3+3+27+3.
  @Test(arguments: [
    ("ConvNeXtTiny", 3 + 3 + 9 + 3), ("ConvNeXtSmall", 3 + 3 + 27 + 3),
    ("ConvNeXtBase", 3 + 3 + 27 + 3), ("ConvNeXtLarge", 3 + 3 + 27 + 3),
    ("ConvNeXtXLarge", 3 + 3 + 27 + 3),
  ])
  func convNeXt(_ name: String, blocks: Int) throws {
    let model = try KerasModelFile.read(json: try Self.text("applications/\(name).json"))
    let expected = try Self.expected("applications/\(name).expected.json")
    let outcome = try Self.check(model, expected, file: name)
    #expect(outcome.skipped == [:])
    // (Its Normalization has a mean and a variance per channel, lists, read as Keras reads them.)
    #expect(outcome.refused == [:])
    // Every layer of Keras's model.layers but the input.
    #expect(outcome.checked == expected.layers.count - 1)
    #expect(model.layers.filter(\.isOperation).count == blocks)
    #expect(model.layers.filter { $0.className == "LayerScale" }.count == blocks)
  }
}

extension KerasModelFile.Layer {
  /// An operation on tensors (`add operation`, or one paramcalc does not place).
  var isOperation: Bool {
    switch content {
    case .operation: return true
    case .request(let r, _): return r.type == "operation"
    default: return false
    }
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
    // The shapes each call reads: x is (None, 16); each branch gives (None, 8).
    #expect(model.layers[0].inputShapes == [[nil, 16]])
    #expect(model.layers[2].inputShapes == [[nil, 8], [nil, 8]])
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

/// How one layer's config becomes paramcalc's request, and how a file is refused.
@Suite("Keras model files: translation")
struct KerasModelTranslationTests {
  /// A Sequential model of one input (None, 8) and the layers given as JSON objects.
  func model(_ layers: String...) -> String {
    let input =
      #"{"class_name": "InputLayer", "module": "keras.layers", "config": {"batch_shape": [null, 8], "name": "in"}}"#
    return #"{"module": "keras", "class_name": "Sequential", "config": {"name": "m", "layers": ["#
      + ([input] + layers).joined(separator: ", ") + "]}}"
  }

  func layer(_ cls: String, _ config: String, name: String = "l") -> String {
    #"{"module": "keras.layers", "class_name": ""# + cls
      + #"", "registered_name": null, "config": {"name": ""#
      + name
      + #"", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}}"#
      + (config.isEmpty ? "" : ", " + config) + "}}"
  }

  func line(_ json: String, _ index: Int = 0) throws -> String? {
    let m = try KerasModelFile.read(json: json)
    guard case .request(_, let line) = m.layers[index].content else { return nil }
    return line
  }

  func problem(_ json: String) -> ModelFileProblem? {
    do throws(ModelFileProblem) {
      let m = try KerasModelFile.read(json: json)
      _ = try m.chain()
      return nil
    } catch { return error }
  }

  /// Declared keys are passed (lists as tuples), a value equal to its default is left out,
  /// initializers and regularizers are skipped, the activation is kept.
  @Test func declaredKeys() throws {
    let dense = layer(
      "Dense",
      #""units": 64, "activation": "relu", "use_bias": true, "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}}, "kernel_regularizer": null, "quantization_config": null"#
    )
    #expect(try line(model(dense)) == "add dense units=64 activation=relu")
    let conv = layer(
      "Conv1D",
      #""filters": 4, "kernel_size": [3], "strides": [2], "padding": "valid", "data_format": "channels_last", "dilation_rate": [1], "groups": 1, "use_bias": false"#
    )
    #expect(
      try line(model(conv)) == "add conv1d filters=4 kernel_size=(3) strides=(2) use_bias=false")
    let pad = layer("ZeroPadding1D", #""padding": [1, 2]"#)
    #expect(try line(model(pad)) == "add zeropadding1d padding=(1,2)")
  }

  /// The request is the one `add` parses from the line, with the same spans.
  @Test func requestIsTheParsedLine() throws {
    let dense = layer("Dense", #""units": 3, "trainable": false"#)
    let m = try KerasModelFile.read(json: model(dense))
    guard case .request(let request, let line) = m.layers[0].content else {
      Issue.record("no request")
      return
    }
    #expect(line == "add dense units=3 trainable=false")
    guard case .add(let parsed)? = try CommandParser.parse(line) else {
      Issue.record("the line does not parse")
      return
    }
    #expect(parsed == request)
    #expect(parsed.arguments.map(\.span) == request.arguments.map(\.span))
    #expect(parsed.typeSpan == request.typeSpan)
  }

  /// `trainable: false` freezes the layer: its weights are counted as non-trainable.
  @Test func frozen() throws {
    let json = model(
      layer("Dense", #""units": 3, "trainable": false"#).replacingOccurrences(
        of: #""trainable": true, "#, with: ""))
    var interpreter = Interpreter()
    var copy = json
    _ = try copy.withUTF8 { try interpreter.importModel(json: $0, path: "m.json", at: .none) }
    // (8 + 1) × 3 weights, none trainable.
    #expect(interpreter.session.trainable == 0 && interpreter.session.nonTrainable == (8 + 1) * 3)
  }

  /// A model that is not trainable freezes every layer in it (Keras sets each layer's
  /// `trainable` from the model's).
  @Test func frozenModel() throws {
    let json = model(layer("Dense", #""units": 3"#)).replacingOccurrences(
      of: #""config": {"name": "m", "#, with: #""config": {"name": "m", "trainable": false, "#)
    #expect(try line(json) == "add dense units=3 trainable=false")
  }

  /// A key paramcalc does not know is refused, naming the layer and the key.
  @Test func unknownKey() throws {
    let p = problem(model(layer("Dense", #""units": 3, "unitz": 4"#, name: "head")))
    #expect(p == .unknownKey(layer: "head", className: "Dense", key: "unitz", suggestion: "units"))
    #expect(
      p?.message == "layer 'head' (Dense) has the config key 'unitz', which paramcalc does not know"
    )
  }

  /// A Keras object where paramcalc needs a value is refused; a quantization config is taken
  /// without effect, as Keras builds the same weights with it (the dtype policy quantizes).
  @Test func unreadableValues() throws {
    let p = problem(
      model(layer("Dense", #""units": {"class_name": "Foo", "config": {}}"#, name: "d")))
    #expect(
      p
        == .unreadableValue(
          layer: "d", className: "Dense", key: "units", found: "a Keras object ('Foo')"))
    let q = problem(model(layer("Dense", #""units": 3, "quantization_config": {"mode": "int8"}"#)))
    #expect(q == nil)
  }

  /// Bidirectional: the backward copy Keras writes is left out; another backward layer is
  /// given as paramcalc writes one.
  @Test func bidirectional() throws {
    let lstm =
      #"{"module": "keras.layers", "class_name": "LSTM", "config": {"name": "f", "units": 4, "go_backwards": false}}"#
    let copy =
      #"{"module": "keras.layers", "class_name": "LSTM", "config": {"name": "b", "units": 4, "go_backwards": true}}"#
    let gru =
      #"{"module": "keras.layers", "class_name": "GRU", "config": {"name": "b", "units": 2, "go_backwards": true}}"#
    let input3 = model().replacingOccurrences(of: "[null, 8]", with: "[null, 5, 8]")
    func bi(_ backward: String) -> String {
      input3.replacingOccurrences(
        of: "}}]}}",
        with: "}}, "
          + layer(
            "Bidirectional",
            #""merge_mode": "concat", "layer": "# + lstm + #", "backward_layer": "#
              + backward) + "]}}")
    }
    #expect(try line(bi(copy)) == "add bidirectional lstm units=4")
    #expect(
      try line(bi(gru))
        == "add bidirectional lstm backward_layer='gru units=2 go_backwards=true' units=4")
  }

  @Test func notAModel() {
    #expect(problem("[1, 2]") == .notAModel("the file holds a list, not a Keras model (an object)"))
    #expect(
      problem(#"{"config": {}}"#)
        == .notAModel("it has no \"class_name\": a Keras model file names its model's class"))
    if case .notAModel(let why)? = problem(layer("Dense", #""units": 3"#)) {
      #expect(why.hasPrefix("its class is 'Dense', not a model"))
    } else {
      Issue.record("a layer was read as a model")
    }
    if case .malformed(let e)? = problem("{\"class_name\": \"Sequential\",}") {
      #expect(e.line == 1 && e.column == 29 && e.offset == 28)
    } else {
      Issue.record("malformed JSON was read")
    }
  }

  /// A class paramcalc does not know, and one it leaves out (with the reason).
  @Test func unknownClasses() {
    #expect(
      problem(model(layer("Frobnicate", "")))
        == .unknownClass(layer: "l", className: "Frobnicate", reason: nil))
    #expect(
      problem(model(layer("Lambda", "")))
        == .unknownClass(
          layer: "l", className: "Lambda", reason: LayerCatalog.leftOutReason("Lambda")?.reason))
  }

  /// A custom object: from a module that is not Keras's, or registered under its own name.
  @Test func customObjects() {
    let mine = model(layer("Dense", #""units": 3"#)).replacingOccurrences(
      of: #""module": "keras.layers", "class_name": "Dense""#,
      with: #""module": "my.layers", "class_name": "Dense""#)
    #expect(
      problem(mine)
        == .customObject(layer: "l", className: "Dense", registeredName: nil, module: "my.layers"))
  }

  /// A Sequential model without an InputLayer takes its input from the shape it was built on.
  @Test func sequentialWithoutInputLayer() throws {
    let json =
      #"{"class_name": "Sequential", "config": {"name": "s", "layers": ["#
      + layer("Dense", #""units": 2"#)
      + #"], "build_input_shape": [null, 3]}}"#
    let m = try KerasModelFile.read(json: json)
    #expect(m.inputs == [KerasModelFile.Input(name: "input", shape: Shape([3]))])
    #expect(try m.chain().count == 1)
  }
}
