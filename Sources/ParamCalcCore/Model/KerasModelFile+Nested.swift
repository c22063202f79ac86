// A model used as a layer, in a Keras file: one layer of the model that uses it (`add
// sequential|functional script=...`, its script written from its own layers), and `import FILE
// as NAME`, which adds the model of a file as one layer.

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
      case .outputs:
        // Outputs other than the last layer's: refused below.
        continue
      }
    }
    // The tensor the last step makes, named as `graphSteps` names a call's output (a state
    // with its dot).
    let last = steps.last?.tensor
    let output = try outputs.first.map(source)
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
