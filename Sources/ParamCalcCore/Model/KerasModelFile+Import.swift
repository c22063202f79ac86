// `import FILE`: a Keras model that is a straight chain (one input, every layer reading the one
// before it, one output) replaces the session's model as one undoable step, as `load` does. A
// model with branches, shared layers or nested models is refused for now.

/// What `import` read, besides the model it built: the model's and the layers' names in the file.
public struct ImportedModel: Sendable, Equatable {
  /// The file's name as shown.
  public var path: String
  /// The model's name (`config.name`) and class (`Sequential`, `Functional`).
  public var name: String
  public var className: String
  /// The layers' names in the file, in the order of the model's layers.
  public var layerNames: [String]
}

extension KerasModelFile {
  /// The layers in order, each with its request and `add` line, when the model is a straight
  /// chain; otherwise what stops it: a layer paramcalc cannot build, or what branches.
  public func chain() throws(ModelFileProblem) -> [(
    layer: Layer, request: LayerRequest, line: String
  )] {
    // A layer paramcalc cannot build, on a path a chain could take (one tensor read by each call):
    // its own reason comes first. (A merge layer reads several tensors: its reason is the branch.)
    for l in layers where l.calls.allSatisfy({ $0.count <= 1 }) {
      if case .problem(let p) = l.content { throw p }
    }
    guard inputs.count == 1 else {
      throw .branches(
        "the model has \(inputs.count) inputs (\(inputs.map { "'\($0.name)'" }.joined(separator: ", ")))"
      )
    }
    var out: [(Layer, LayerRequest, String)] = []
    var previous = TensorName(layer: inputs[0].name)
    for l in layers {
      if case .nested(let m) = l.content {
        throw .branches("layer '\(l.name)' is a \(m.className) model used as a layer")
      }
      if case .operation = l.content {
        throw .branches(
          "'\(l.name)' is an operation on tensors (\(l.className)), not a layer")
      }
      guard l.calls.count == 1 else {
        throw .branches(
          l.calls.isEmpty
            ? "layer '\(l.name)' is not called on any tensor"
            : "layer '\(l.name)' is called \(l.calls.count) times (a shared layer)")
      }
      let reads = l.calls[0]
      guard reads.count == 1 else {
        throw .branches(
          "layer '\(l.name)' (\(l.className)) reads \(reads.count) tensors: "
            + reads.map { "'\($0.layer)'" }.joined(separator: ", "))
      }
      guard reads[0] == previous else {
        throw .branches(
          "layer '\(l.name)' reads '\(reads[0].layer)', not the layer before it "
            + "('\(previous.layer)')")
      }
      guard case .request(let r, let line) = l.content else {
        if case .problem(let p) = l.content { throw p }
        continue
      }
      out.append((l, r, line))
      previous = TensorName(layer: l.name)
    }
    guard outputs == [previous] else {
      let names = outputs.map { "'\($0.layer)'" }.joined(separator: ", ")
      throw .branches(
        outputs.count == 1
          ? "the model's output is \(names), not its last layer ('\(previous.layer)')"
          : "the model has \(outputs.count) outputs (\(names))")
    }
    return out
  }
}

extension Interpreter {
  /// Imports the Keras model file whose JSON is `bytes` (`path`: its name as shown): a straight
  /// chain replaces the model as one undoable step; on any error nothing changes.
  public mutating func importModel(
    json bytes: UnsafeBufferPointer<UInt8>, path: String, at span: Span
  ) throws(ParamCalcError) -> Response {
    let file: KerasModelFile
    let steps: [(layer: KerasModelFile.Layer, request: LayerRequest, line: String)]
    do throws(ModelFileProblem) {
      file = try KerasModelFile.read(json: bytes, catalog: session.catalog)
      steps = try file.chain()
    } catch {
      throw .modelFile(path: path, error, at: span)
    }
    var fresh = Session(catalog: session.catalog)
    _ = try fresh.setInput(file.inputs[0].shape, at: span)
    for step in steps {
      do throws(ParamCalcError) {
        let end = Span(step.line.utf8.count, step.line.utf8.count + 1)
        let built = try fresh.build(step.request, end: end)
        _ = try fresh.add(built, at: step.request.typeSpan)
      } catch {
        throw .inModelFile(
          path: path, layer: step.layer.name, className: step.layer.className, text: step.line,
          underlying: error)
      }
    }
    let outcome = try session.replace(with: fresh, at: span)
    return .imported(
      outcome,
      ImportedModel(
        path: path, name: file.name, className: file.className,
        layerNames: steps.map(\.layer.name)))
  }
}
