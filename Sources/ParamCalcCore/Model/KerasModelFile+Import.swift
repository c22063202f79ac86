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
  }
  public var kind: Kind
  /// The layer in the file (for an error's note), and the name of the tensor the step makes.
  public var layer: String
  public var className: String
  public var tensor: String
  /// The request (with `as` and `from`) and the line it is, its spans pointing into it.
  public var request: LayerRequest
  public var line: String
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
        throw .branches("'\(l.name)' is an operation on tensors (\(l.className)), not a layer")
      case .problem(let p): throw p
      case .request: break
      }
      for k in l.calls.indices { pending.append((l, k)) }
    }
    while !pending.isEmpty {
      var left: [(layer: Layer, call: Int)] = []
      for (l, k) in pending {
        let reads = l.calls[k]
        guard reads.allSatisfy(made.contains) else {
          left.append((l, k))
          continue
        }
        if let other = reads.first(where: { $0.tensor != 0 }) {
          throw .branches(
            "layer '\(l.name)' reads output \(other.tensor) of '\(other.layer)' (a layer with several outputs)"
          )
        }
        guard var (request, line) = try l.layerRequest() else { continue }
        let tensor = k == 0 ? l.name : "\(l.name)_call\(k)"
        let sources = reads.map { $0.node == 0 ? $0.layer : "\($0.layer)_call\($0.node)" }
        line += " as \(tensor) from " + sources.joined(separator: ",")
        request.name = tensor
        request.sources = sources.map { SourceRef(.name($0), at: .none) }
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

extension KerasModelFile.Layer {
  /// The request that builds the layer and the `add` line it is: the layer's own, or for a model
  /// used as a layer `add sequential|functional script=...` with the model's script; nil for
  /// an operation or a layer paramcalc cannot build.
  func layerRequest() throws(ModelFileProblem) -> (LayerRequest, String)? {
    switch content {
    case .request(let r, let line): return (r, line)
    case .nested(let m):
      do throws(ModelFileProblem) { return try m.asLayer() } catch {
        throw .inNestedModel(model: name, className: className, error)
      }
    case .operation, .problem: return nil
    }
  }
}

extension KerasModelFile {
  /// This model as one layer of another: `add sequential script=...` (or `functional`), and the
  /// request it parses to.
  public func asLayer() throws(ModelFileProblem) -> (LayerRequest, String) {
    let kind = className == "Sequential" ? "sequential" : "functional"
    let line =
      "add \(kind) script=" + Value.quoted(try script()) + (trainable ? "" : " trainable=false")
    guard case .add(let request)? = try? CommandParser.parse(line) else {
      throw .branches("model '\(name)' could not be written as a layer")
    }
    return (request, line)
  }

  /// The paramcalc script that builds this model, its lines separated by `; `: a Sequential as
  /// its input and its chain, a Functional as its graph (named inputs, `as`, `from`, `reuse`).
  /// A model used as a layer reads one tensor and gives one: its output is its last layer.
  public func script() throws(ModelFileProblem) -> String {
    guard inputs.count == 1 else {
      throw .branches(
        "model '\(name)' has \(inputs.count) inputs: a model used as a layer reads one tensor")
    }
    if className == "Sequential" {
      let steps = try chain()
      // Each layer with its name in the file (`as NAME`: a Sequential's layers are named too).
      let lines = steps.map { $0.line + " as " + $0.layer.name }
      return (["input " + Format.scriptDims(inputs[0].shape)] + lines).joined(separator: "; ")
    }
    let steps = try graphSteps()
    var lines: [String] = []
    var row: [String: Int] = [:]
    for step in steps {
      switch step.kind {
      case .input, .add:
        lines.append(step.line)
        row[step.layer] = lines.count
      case .again(let layer):
        let sources = (step.request.sources ?? []).map(\.source.script)
        lines.append(
          "reuse \(row[layer] ?? 0) as \(step.tensor) from " + sources.joined(separator: ","))
      }
    }
    // The tensor the last step makes, named as `graphSteps` names a call's output.
    let last = steps.last?.tensor
    let output = outputs.first.map { $0.node == 0 ? $0.layer : "\($0.layer)_call\($0.node)" }
    guard outputs.count == 1, output == last else {
      throw .branches(
        "model '\(name)' gives \(outputs.count == 1 ? "'\(outputs[0].layer)'" : "\(outputs.count) outputs")"
          + ", not its last layer: a model used as a layer gives its last layer's output")
    }
    return lines.joined(separator: "; ")
  }
}

extension Interpreter {
  /// `import FILE as NAME [from A]` of a Keras model file (its JSON is `bytes`): the model added
  /// as one layer at the end, named as `request` says and reading what it says; on any error
  /// nothing changes.
  public mutating func importLayer(
    json bytes: UnsafeBufferPointer<UInt8>, path: String, _ request: LayerRequest, at span: Span
  ) throws(ParamCalcError) -> Response {
    let layer: (LayerRequest, String)
    let file: KerasModelFile
    do throws(ModelFileProblem) {
      file = try KerasModelFile.read(json: bytes, catalog: session.catalog)
      layer = try file.asLayer()
    } catch {
      throw .modelFile(path: path, error, at: span)
    }
    return try addModel(
      layer, path: path, name: file.name, className: file.className, request, at: span)
  }

  /// `import FILE as NAME [from A]` of a paramcalc script (`text`, its lines): the model it
  /// builds as one layer (a Functional model where it names inputs, reads with `from` or calls
  /// a layer again; otherwise a Sequential one).
  public mutating func importLayer(
    script text: String, path: String, _ request: LayerRequest, at span: Span
  ) throws(ParamCalcError) -> Response {
    var lines: [String] = []
    var graph = false
    for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = String(line.hasSuffix("\r") ? line.dropLast() : line)
      let command: Command?
      do { command = try CommandParser.parse(line) } catch {
        throw .inLoadedFile(path: path, line: k + 1, text: line, underlying: error)
      }
      guard let command else { continue }
      switch command {
      case .namedInput, .reuse: graph = true
      case .add(let r) where r.sources != nil: graph = true
      default: break
      }
      lines.append(line)
    }
    let kind = graph ? "functional" : "sequential"
    let line = "add \(kind) script=" + Value.quoted(lines.joined(separator: "; "))
    guard case .add(let r)? = try? CommandParser.parse(line) else {
      throw .file(path: path, reason: "cannot be written as one layer", at: span)
    }
    return try addModel(
      (r, line), path: path, name: path, className: graph ? "Functional" : "Sequential", request,
      at: span)
  }

  /// Adds the model `layer` (its request and line) at the end, with the name and sources of
  /// `request`.
  mutating func addModel(
    _ layer: (LayerRequest, String), path: String, name: String, className: String,
    _ request: LayerRequest, at span: Span
  ) throws(ParamCalcError) -> Response {
    var (r, line) = layer
    r.name = request.name
    r.nameSpan = request.nameSpan
    r.sources = request.sources
    let built: BuiltLayer
    do throws(ParamCalcError) {
      built = try session.build(r, end: Span(line.utf8.count, line.utf8.count + 1))
    } catch {
      throw .inModelFile(
        path: path, layer: name, className: className, text: line, underlying: error)
    }
    return .edit(command: "import", try session.add(built, at: span))
  }
}
