// A Keras model file (what `model.to_json()` writes, and the `config.json` of a `.keras`
// archive) read into paramcalc's terms: the inputs, the layers in the file's order, each with the
// request that builds it (an `add` line) and the tensors each of its calls reads, and the outputs.
// How one layer's config becomes a request is in KerasModelFile+Translate.swift.

/// A Keras model read from its JSON: a Sequential or a Functional model (a model used as a layer
/// inside it is kept as a nested value).
public struct KerasModelFile: Equatable, Sendable {
  /// The model's name (`config.name`).
  public var name: String
  /// `Sequential` or `Functional`.
  public var className: String
  public var inputs: [Input]
  /// The layers in the file's order, inputs left out.
  public var layers: [Layer]
  /// The tensors the model gives back.
  public var outputs: [TensorName]
  /// Whether the model itself is trainable (`config.trainable`): a model used as a layer that
  /// is not is written with `trainable=false`.
  public var trainable = true

  /// An input of the model: its name and its shape without the batch axis.
  public struct Input: Equatable, Sendable {
    public var name: String
    public var shape: Shape
  }

  /// A tensor as Keras names it in `keras_history`: the layer that made it, which call of that
  /// layer (node), and which of that call's outputs.
  public struct TensorName: Hashable, Sendable, CustomStringConvertible {
    public var layer: String
    public var node: Int
    public var tensor: Int
    public init(layer: String, node: Int = 0, tensor: Int = 0) {
      self.layer = layer
      self.node = node
      self.tensor = tensor
    }
    public var description: String { "\(layer)[\(node)][\(tensor)]" }
  }

  /// One layer of the file.
  public struct Layer: Equatable, Sendable {
    public var name: String
    /// Keras's class name (`Conv2D`, `Bidirectional`, `Sequential`).
    public var className: String
    public var content: Content
    /// For each call of the layer (each inbound node), the tensors it reads, in order.
    public var calls: [[TensorName]]
    /// The shape the layer was built on, batch axis included (`build_config.input_shape`, or
    /// else the shape of the tensor its first call reads), when that is one tensor.
    public var inputShape: [Int?]?
    /// The shapes of the tensors the first call reads, batch axis included (a merge layer reads
    /// several); empty in a Sequential model, where a layer reads the one before it.
    public var inputShapes: [[Int?]] = []
    /// The states the layer returns after its output (`return_state=true`), by name (`h`,
    /// `c`): its outputs 1, 2, ... as `keras_history` numbers them.
    public var stateNames: [String] = []
  }

  /// What a layer is in paramcalc's terms.
  public enum Content: Equatable, Sendable {
    /// A layer paramcalc builds: the request, and the `add` line it is (the request's spans
    /// point into that line).
    case request(LayerRequest, line: String)
    /// A model used as a layer.
    case nested(KerasModelFile)
    /// An operation on tensors (`x + y`, `keras.ops.multiply`) that Keras keeps in the graph as
    /// a node of its own (module `keras.src.ops...`), of a class `add operation` does not place
    /// (those it places are requests): no layer, no weights.
    case operation
    /// A layer paramcalc cannot build, and why.
    case problem(ModelFileProblem)
  }

  /// Reads a model from the JSON text of a Keras model file.
  public static func read(json text: String, catalog: LayerCatalog = .standard)
    throws(ModelFileProblem) -> KerasModelFile
  {
    var copy = text
    let result = copy.withUTF8 { b in
      Result { () throws(ModelFileProblem) in try read(json: b, catalog: catalog) }
    }
    return try result.get()
  }

  /// Reads a model from the JSON of a Keras model file, given as bytes.
  public static func read(json bytes: UnsafeBufferPointer<UInt8>, catalog: LayerCatalog = .standard)
    throws(ModelFileProblem) -> KerasModelFile
  {
    let root: JSONValue
    do { root = try JSONValue.parse(bytes: bytes) } catch { throw .malformed(error) }
    return try read(root, catalog: catalog)
  }

  /// Reads a model from a parsed Keras model file.
  public static func read(_ root: JSONValue, catalog: LayerCatalog = .standard)
    throws(ModelFileProblem) -> KerasModelFile
  {
    guard case .object = root else {
      throw .notAModel("the file holds \(root.kindName), not a Keras model (an object)")
    }
    guard let cls = root["class_name"]?.string else {
      throw .notAModel("it has no \"class_name\": a Keras model file names its model's class")
    }
    guard modelClasses.contains(cls) else {
      throw .notAModel(
        "its class is '\(cls)', not a model (Sequential or Functional): import reads a whole "
          + "model, as model.to_json() or model.save() writes it")
    }
    try checkKeras(root, layer: root["config"]?["name"]?.string ?? cls, className: cls)
    return try model(root, className: cls, catalog: Lookup(catalog), frozen: false)
  }

  /// The classes of a whole model.
  static let modelClasses: Set<String> = ["Sequential", "Functional", "Model"]

  /// Refuses a custom object: one registered under another name, or from a module that is not
  /// Keras's own.
  static func checkKeras(_ v: JSONValue, layer: String, className: String)
    throws(ModelFileProblem)
  {
    let module = v["module"]?.string
    let registered = v["registered_name"]?.string
    let kerasModule = module.map { $0 == "keras" || $0.hasPrefix("keras.") } ?? true
    if (registered != nil && registered != className) || !kerasModule
      || (module == nil && registered != nil)
    {
      throw .customObject(
        layer: layer, className: className, registeredName: registered, module: module)
    }
  }

  /// `frozen`: the model is used as a layer of a model that is not trainable.
  /// How deep models used as layers may nest: each level is written inside the quotes of the
  /// one around it, and the text of a model nested deeper grows past what a line holds.
  static let deepestNesting = 16

  static func model(
    _ v: JSONValue, className: String, catalog: Lookup, frozen: Bool, depth: Int = 0
  )
    throws(ModelFileProblem) -> KerasModelFile
  {
    guard let config = v["config"], case .object = config else {
      throw .notAModel("its \"config\" is missing or not an object")
    }
    guard let entries = config["layers"]?.array else {
      throw .notAModel("its \"config\" has no \"layers\" list")
    }
    let name = config["name"]?.string ?? className
    // A model with trainable false freezes every layer in it, as Keras does.
    let frozen = frozen || config["trainable"] == .bool(false)
    var out = KerasModelFile(name: name, className: className, inputs: [], layers: [], outputs: [])
    out.trainable = config["trainable"] != .bool(false)
    let sequential = className == "Sequential"
    var previous: TensorName?
    for entry in entries {
      guard case .object = entry, let cls = entry["class_name"]?.string else {
        throw .notAModel("an entry of its \"layers\" is not a layer (an object with a class_name)")
      }
      let layerConfig = entry["config"] ?? .object([])
      let layerName = entry["name"]?.string ?? layerConfig["name"]?.string ?? cls
      if cls == "InputLayer" {
        out.inputs.append(Input(name: layerName, shape: try inputShape(layerConfig, layerName)))
        previous = TensorName(layer: layerName)
        continue
      }
      var layer = Layer(
        name: layerName, className: cls, content: .problem(.notAModel("")), calls: [],
        inputShape: buildShape(entry))
      if sequential {
        if previous == nil {
          // A Sequential model without an InputLayer: its input is the shape it was built on.
          let shape =
            config["build_input_shape"].flatMap(dims) ?? layer.inputShape
          guard let shape, shape.count > 1 else {
            throw .notAModel("Sequential model '\(name)' has no input shape (it was never built)")
          }
          out.inputs.append(Input(name: "input", shape: Shape(Array(shape.dropFirst()))))
          previous = TensorName(layer: "input")
        }
        layer.calls = [[previous!]]
        previous = TensorName(layer: layerName)
      } else {
        let nodes = entry["inbound_nodes"]?.array ?? []
        layer.calls = nodes.map(tensors)
        if let first = nodes.first {
          layer.inputShapes = tensorShapes(first)
          if layer.inputShape == nil, layer.calls.first?.count == 1 {
            layer.inputShape = layer.inputShapes.first
          }
        }
      }
      do throws(ModelFileProblem) {
        try checkKeras(entry, layer: layerName, className: cls)
        if let module = entry["module"]?.string, module.hasPrefix("keras.src.ops") {
          // An operation paramcalc places becomes `add operation op=...`; any other stays an
          // operation, refused by name.
          if let (request, line) = try operation(
            entry, name: layerName, className: cls, module: module)
          {
            layer.content = .request(request, line: line)
          } else {
            layer.content = .operation
          }
        } else if modelClasses.contains(cls) {
          layer.content = .nested(
            try nestedModel(entry, className: cls, catalog: catalog, frozen: frozen, depth: depth))
        } else {
          let (request, line) = try translate(
            entry, name: layerName, className: cls, catalog: catalog, frozen: frozen)
          layer.content = .request(request, line: line)
          // A layer that returns its states: their names, for the layers that read them.
          if request.arguments.contains(where: {
            $0.key == "return_state" && $0.value == .bool(true)
          }),
            let built = try? catalog.catalog.build(
              request, end: Span(line.utf8.count, line.utf8.count))
          {
            layer.stateNames = built.model.stateNames
          }
        }
      } catch {
        // A custom object or a malformed nested model stops the reading: nothing about it can
        // be known. A layer paramcalc cannot build is kept with its reason.
        switch error {
        case .customObject, .notAModel, .malformed: throw error
        default: layer.content = .problem(error)
        }
      }
      out.layers.append(layer)
    }
    if sequential {
      out.outputs = previous.map { [$0] } ?? []
    } else {
      let given = tensorList(config["input_layers"])
      if !given.isEmpty {
        // The inputs in the order the model takes them.
        out.inputs = given.compactMap { t in out.inputs.first { $0.name == t.layer } }
      }
      out.outputs = tensorList(config["output_layers"])
    }
    if out.inputs.isEmpty { throw .notAModel("model '\(name)' has no input layer") }
    return out
  }

  /// The shape of an InputLayer, without the batch axis.
  static func inputShape(_ config: JSONValue, _ name: String) throws(ModelFileProblem) -> Shape {
    guard let dims = (config["batch_shape"] ?? config["batch_input_shape"]).flatMap(dims),
      dims.count > 1
    else {
      throw .notAModel("input layer '\(name)' has no batch_shape")
    }
    let shape = Array(dims.dropFirst())
    if shape.contains(where: { ($0 ?? 1) <= 0 }) {
      throw .notAModel("input layer '\(name)' has a size that is not positive")
    }
    return Shape(shape)
  }

  /// A shape as JSON writes it: a list of sizes and nulls.
  static func dims(_ v: JSONValue) -> [Int?]? {
    guard let items = v.array else { return nil }
    var out: [Int?] = []
    for item in items {
      switch item {
      case .int(let n): out.append(n)
      case .null: out.append(nil)
      default: return nil
      }
    }
    return out
  }

  /// `build_config.input_shape`, when it is one shape.
  static func buildShape(_ entry: JSONValue) -> [Int?]? {
    entry["build_config"]?["input_shape"].flatMap(dims)
  }

  /// The tensors one call reads: every `keras_history` in its args and kwargs, in order.
  static func tensors(_ node: JSONValue) -> [TensorName] {
    var out: [TensorName] = []
    func walk(_ v: JSONValue) {
      switch v {
      case .object(let members):
        if v["class_name"]?.string == "__keras_tensor__",
          let h = v["config"]?["keras_history"]?.array, h.count == 3,
          let layer = h[0].string, case .int(let node) = h[1], case .int(let tensor) = h[2]
        {
          out.append(TensorName(layer: layer, node: node, tensor: tensor))
          return
        }
        for m in members { walk(m.value) }
      case .array(let items): for item in items { walk(item) }
      default: break
      }
    }
    // Keras 3 writes {"args": [...], "kwargs": {...}}; older files a list of histories.
    if case .object = node {
      if let args = node["args"] { walk(args) }
      if let kwargs = node["kwargs"] { walk(kwargs) }
    } else if let items = node.array {
      for item in items {
        if let h = item.array, h.count >= 3, let layer = h[0].string, case .int(let n) = h[1],
          case .int(let t) = h[2]
        {
          out.append(TensorName(layer: layer, node: n, tensor: t))
        }
      }
    }
    return out
  }

  /// The shapes of the tensors one call reads (`config.shape` of each), in order.
  static func tensorShapes(_ node: JSONValue) -> [[Int?]] {
    var out: [[Int?]] = []
    func walk(_ v: JSONValue) {
      switch v {
      case .object(let members):
        if v["class_name"]?.string == "__keras_tensor__" {
          if let shape = v["config"]?["shape"].flatMap(dims) { out.append(shape) }
          return
        }
        for m in members { walk(m.value) }
      case .array(let items): for item in items { walk(item) }
      default: break
      }
    }
    if let args = node["args"] { walk(args) }
    if let kwargs = node["kwargs"] { walk(kwargs) }
    return out
  }

  /// `input_layers` / `output_layers`: one `[name, node, tensor]` or a list of them.
  static func tensorList(_ v: JSONValue?) -> [TensorName] {
    guard let items = v?.array else { return [] }
    func one(_ h: [JSONValue]) -> TensorName? {
      guard h.count == 3, let layer = h[0].string, case .int(let n) = h[1], case .int(let t) = h[2]
      else { return nil }
      return TensorName(layer: layer, node: n, tensor: t)
    }
    if let single = one(items) { return [single] }
    return items.compactMap { $0.array.flatMap(one) }
  }
}

extension KerasModelFile {
  /// A model used as a layer, read as a model of its own one level deeper; refused past
  /// `deepestNesting` levels.
  static func nestedModel(
    _ v: JSONValue, className: String, catalog: Lookup, frozen: Bool, depth: Int
  ) throws(ModelFileProblem) -> KerasModelFile {
    guard depth < deepestNesting else {
      throw .branches(
        "models used as layers are nested more than \(deepestNesting) deep: paramcalc writes each inside the quotes of the one around it, and deeper ones do not fit a line"
      )
    }
    return try model(v, className: className, catalog: catalog, frozen: frozen, depth: depth + 1)
  }
}
