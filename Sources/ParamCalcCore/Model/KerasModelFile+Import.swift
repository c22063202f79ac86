// `import FILE`: a Keras model that is a straight chain (one input, every layer reading the one
// before it, one output) replaces the session's model as one undoable step, as `load` does; a
// Functional model as a graph. A model used as a layer becomes one layer: `add sequential
// script=...` or `add functional script=...`, its script written from its own layers.

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
      guard let (r, line) = try l.layerRequest() else {
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

/// One line of the script that builds an imported graph: a named input, a layer's first call
/// (an `add ... as NAME from A,B`), or a layer called again (`reuse N from A,B as NAME`).
public struct ImportStep: Sendable {
  public enum Kind: Sendable, Equatable {
    case input(Shape)
    case add
    /// Called again: the name of the layer whose first call this repeats.
    case again(String)
    /// `output A,B`: the model's outputs, when they are not its last layer alone.
    case outputs
  }
  public var kind: Kind
  /// The layer in the file (for an error's note), and the name of the tensor the step makes.
  public var layer: String
  public var className: String
  public var tensor: String
  /// The request (with `as` and `from`) and the line it is, its spans pointing into it.
  public var request: LayerRequest
  public var line: String

  /// The tensor a source names: a layer's output, or a state after a dot (`encoder.h`).
  static func tensor(_ name: String) -> LayerSource {
    guard let dot = name.lastIndex(of: ".") else { return .name(name) }
    return .state(.name(String(name[..<dot])), String(name[name.index(after: dot)...]))
  }
}

extension KerasModelFile {
  /// The steps that build a Functional model as a graph: its inputs as named inputs, then each
  /// call of each layer once what it reads is there (a shared layer's later calls as `reuse`),
  /// in the file's order where it allows. A nested model, an operation on tensors or a layer
  /// with several outputs read is refused, with what it is.
  public func graphSteps() throws(ModelFileProblem) -> [ImportStep] {
    var out: [ImportStep] = []
    var made: Set<TensorName> = []
    for i in inputs {
      let line = "input \(i.name) \(Format.scriptDims(i.shape))"
      let value = Value.tuple(i.shape.dims.map { $0.map(Value.int) ?? .none })
      let request = LayerRequest(
        type: "inputlayer", typeSpan: .none,
        arguments: [Argument(key: "shape", value: value, span: .none, valueSpan: .none)],
        name: i.name, nameSpan: Span.none)
      out.append(
        ImportStep(
          kind: .input(i.shape), layer: i.name, className: "InputLayer", tensor: i.name,
          request: request, line: line))
      made.insert(TensorName(layer: i.name))
    }
    // Each call waits until the tensors it reads are made (a shared layer's second call may
    // read a layer listed after it).
    var pending: [(layer: Layer, call: Int)] = []
    for l in layers {
      switch l.content {
      case .nested: break
      case .operation:
        throw .branches(
          "'\(l.name)' is an operation on tensors (\(l.className)) that paramcalc does not "
            + "place: it places " + TensorOperationKind.all.map(\.className).joined(separator: ", ")
        )
      case .problem(let p): throw p
      case .request: break
      }
      for k in l.calls.indices { pending.append((l, k)) }
    }
    while !pending.isEmpty {
      var left: [(layer: Layer, call: Int)] = []
      for (l, k) in pending {
        let reads = l.calls[k]
        // (A layer's states are made with its output.)
        guard reads.allSatisfy({ made.contains(TensorName(layer: $0.layer, node: $0.node)) }) else {
          left.append((l, k))
          continue
        }
        guard var (request, line) = try l.layerRequest() else { continue }
        let tensor = k == 0 ? l.name : "\(l.name)_call\(k)"
        let sources = try reads.map(source)
        line += " as \(tensor) from " + sources.joined(separator: ",")
        request.name = tensor
        request.sources = sources.map { SourceRef(ImportStep.tensor($0), at: .none) }
        if k > 0 {
          line = "reuse " + l.name + line.drop { $0 != " " }.dropFirst().drop { $0 != " " }
        }
        out.append(
          ImportStep(
            kind: k == 0 ? .add : .again(l.name), layer: l.name, className: l.className,
            tensor: tensor, request: request, line: line))
        made.insert(TensorName(layer: l.name, node: k))
      }
      guard left.count < pending.count else {
        throw .branches(
          "layer '\(left[0].layer.name)' reads a tensor no layer of the file makes: "
            + left[0].layer.calls[left[0].call].map { "'\($0)'" }.joined(separator: ", "))
      }
      pending = left
    }
    // The outputs, declared when they are not the last layer's output alone.
    let outputs = try self.outputs.map(source)
    if let last = out.last, outputs != [last.tensor] {
      var request = LayerRequest(type: "output", typeSpan: .none, arguments: [])
      request.sources = outputs.map { SourceRef(ImportStep.tensor($0), at: .none) }
      out.append(
        ImportStep(
          kind: .outputs, layer: name, className: className, tensor: "",
          request: request, line: "output " + outputs.joined(separator: ",")))
    }
    return out
  }

  /// A tensor as a graph reads it: the layer's name (`_callK` after its first call), and a
  /// state after a dot (`encoder.h`: output 1 of a layer with return_state=true).
  func source(_ t: TensorName) throws(ModelFileProblem) -> String {
    let call = t.node == 0 ? t.layer : "\(t.layer)_call\(t.node)"
    guard t.tensor != 0 else { return call }
    let states = layers.first { $0.name == t.layer }?.stateNames ?? []
    guard t.tensor <= states.count else {
      throw .branches(
        "'\(t.layer)' has no output \(t.tensor) paramcalc reads (a layer with several outputs)")
    }
    return call + "." + states[t.tensor - 1]
  }
}

extension Interpreter {
  /// Imports the Keras model file whose JSON is `bytes` (`path`: its name as shown): a straight
  /// chain replaces the model as one undoable step; on any error nothing changes.
  public mutating func importModel(
    json bytes: UnsafeBufferPointer<UInt8>, path: String, at span: Span
  ) throws(ParamCalcError) -> Response {
    let file: KerasModelFile
    let fresh: Session
    let names: [String]
    do throws(ModelFileProblem) {
      file = try KerasModelFile.read(json: bytes, catalog: session.catalog)
    } catch {
      throw .modelFile(path: path, error, at: span)
    }
    if file.className == "Sequential" {
      (fresh, names) = try Self.chain(file, path: path, catalog: session.catalog, at: span)
    } else {
      (fresh, names) = try Self.graph(file, path: path, catalog: session.catalog, at: span)
    }
    let outcome = try session.replace(with: fresh, at: span)
    return .imported(
      outcome,
      ImportedModel(
        path: path, name: file.name, className: file.className,
        layerNames: names))
  }

  /// A Sequential model: its layers one after the other on its input.
  static func chain(_ file: KerasModelFile, path: String, catalog: LayerCatalog, at span: Span)
    throws(ParamCalcError) -> (Session, [String])
  {
    let steps: [(layer: KerasModelFile.Layer, request: LayerRequest, line: String)]
    do throws(ModelFileProblem) { steps = try file.chain() } catch {
      throw .modelFile(path: path, error, at: span)
    }
    var fresh = Session(catalog: catalog)
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
    return (fresh, steps.map(\.layer.name))
  }

  /// A Functional model: a graph of named tensors, in the order of `graphSteps`.
  static func graph(_ file: KerasModelFile, path: String, catalog: LayerCatalog, at span: Span)
    throws(ParamCalcError) -> (Session, [String])
  {
    let steps: [ImportStep]
    do throws(ModelFileProblem) { steps = try file.graphSteps() } catch {
      throw .modelFile(path: path, error, at: span)
    }
    var fresh = Session(catalog: catalog)
    var row: [String: Int] = [:]
    for step in steps {
      do throws(ParamCalcError) {
        let end = Span(step.line.utf8.count, step.line.utf8.count + 1)
        switch step.kind {
        case .input, .add:
          _ = try fresh.add(try fresh.build(step.request, end: end), at: step.request.typeSpan)
          row[step.layer] = fresh.count
        case .again(let layer):
          _ = try fresh.reuse(row[layer] ?? 0, step.request, indexSpan: step.request.typeSpan)
        case .outputs:
          _ = try fresh.setOutputs(step.request.sources, at: step.request.typeSpan)
        }
      } catch {
        throw .inModelFile(
          path: path, layer: step.layer, className: step.className, text: step.line,
          underlying: error)
      }
    }
    return (fresh, steps.map(\.layer))
  }
}
