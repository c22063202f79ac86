// One layer of a Keras model file in paramcalc's terms: its config becomes the request that
// `add TYPE key=value ...` parses to. Each key paramcalc declares for the type is passed (JSON
// lists become tuples; a value equal to the declared default is left out, as a person would leave
// it out); a key the type accepts without effect is skipped (but for an activation, a string, and
// go_backwards=true: they say what the layer computes); `trainable: false` becomes
// trainable=false; any other key is refused, naming the layer and the key.

extension KerasModelFile {
  /// The request and the `add` line of one layer entry (`class_name`, `config`); `frozen`: in a
  /// model that is not trainable.
  static func translate(
    _ entry: JSONValue, name: String, className: String, catalog: Lookup, frozen: Bool = false
  ) throws(ModelFileProblem) -> (LayerRequest, String) {
    // A wrapper's chain: Bidirectional, then what it wraps (its `layer`), down to the layer.
    var chain: [(className: String, config: JSONValue, descriptor: LayerDescriptor)] = []
    var current = entry
    var cls = className
    while true {
      guard let d = catalog[cls] else {
        throw .unknownClass(
          layer: name, className: cls, reason: LayerCatalog.leftOutReason(cls)?.reason)
      }
      let config = current["config"] ?? .object([])
      chain.append((cls, config, d))
      guard d.isWrapper else { break }
      guard let inner = config["layer"], let innerClass = inner["class_name"]?.string else {
        throw .unreadableValue(
          layer: name, className: cls, key: "layer", found: "no layer to wrap")
      }
      try checkKeras(inner, layer: name, className: innerClass)
      current = inner
      cls = innerClass
    }
    var arguments: [(key: String, value: Value)] = []
    var trainable = !frozen
    for (k, link) in chain.enumerated() {
      guard let members = link.config.members else { continue }
      for m in members {
        let key = m.key
        if key == "name" || key == "dtype" { continue }
        if key == "trainable" {
          if m.value == .bool(false) { trainable = false }
          continue
        }
        if link.descriptor.isWrapper && key == "layer" { continue }
        let role = catalog.role(key, of: link.descriptor)
        if case .declared(let spec) = role {
          if key == "backward_layer" {
            if let b = try backward(
              m.value, forward: chain[(k + 1)...].map { ($0.className, $0.config) },
              layer: name, catalog: catalog)
            {
              arguments.append((key, .string(b)))
            }
            continue
          }
          let v = try value(m.value, layer: name, className: link.className, key: key)
          if !isDefault(v, spec) { arguments.append((key, v)) }
          continue
        }
        if case .inert = role {
          // Kept: an activation given by name (it says what the layer computes), and a
          // recurrent layer running backwards (a Bidirectional's backward layer says it).
          if key == "activation" || key == "recurrent_activation", case .string(let s) = m.value {
            arguments.append((key, .string(s)))
          } else if key == "go_backwards", m.value == .bool(true) {
            arguments.append((key, .bool(true)))
          }
          continue
        }
        let known = chain.flatMap { $0.descriptor.argumentNames }
        throw .unknownKey(
          layer: name, className: link.className, key: key,
          suggestion: Suggestion.nearest(to: key, in: known))
      }
    }
    // The same key from the wrapper and from what it wraps (`trainable` aside): the wrapper's.
    if chain.count > 1 {
      var seen: Set<String> = []
      arguments = arguments.filter { seen.insert($0.key).inserted }
    }
    if !trainable { arguments.append(("trainable", .bool(false))) }
    return request(
      type: chain[0].descriptor.name,
      inner: chain.count > 1 ? chain.dropFirst().map(\.descriptor.name) : nil,
      arguments: arguments)
  }

  /// The request and the `add operation` line of an operation on tensors (module
  /// keras.src.ops.*) paramcalc places, or nil for one it does not: its class says which, the
  /// tensors its call reads are its operands (`from`), and a number among its arguments is the
  /// constant (`x + 3.0`).
  static func operation(_ entry: JSONValue, name: String, className: String, module: String)
    throws(ModelFileProblem) -> (LayerRequest, String)?
  {
    guard let kind = TensorOperationKind.of(module: module, className: className) else {
      return nil
    }
    for m in entry["config"]?.members ?? [] where m.key != "name" {
      throw .unknownKey(layer: name, className: className, key: m.key, suggestion: nil)
    }
    var constant: Value?
    let node = entry["inbound_nodes"]?.array?.first
    if let kwargs = node?["kwargs"]?.members, let k = kwargs.first {
      throw .unreadableValue(
        layer: name, className: className, key: k.key, found: "a keyword argument of the call")
    }
    for arg in node?["args"]?.array ?? [] {
      if arg["class_name"]?.string == "__keras_tensor__" { continue }
      switch arg {
      case .int(let n) where constant == nil && kind.operands == 2: constant = .int(n)
      case .double(let d) where constant == nil && kind.operands == 2 && d.isFinite:
        constant = .float(d)
      default:
        let what: String
        switch arg {
        case .array: what = "a list (an array constant)"
        case .int, .double:
          what = "\(arg.kindName), an operand more than keras.ops.\(kind.op) takes in paramcalc"
        default: what = arg.kindName
        }
        throw .unreadableValue(layer: name, className: className, key: "args", found: what)
      }
    }
    var arguments: [(key: String, value: Value)] = [("op", .string(kind.op))]
    if let constant { arguments.append(("constant", constant)) }
    return request(type: "Operation", inner: nil, arguments: arguments)
  }

  /// The request for `add TYPE [INNER] key=value ...` and its line, with spans into the line.
  static func request(type: String, inner: [String]?, arguments: [(key: String, value: Value)])
    -> (LayerRequest, String)
  {
    var line = "add " + type.lowercased()
    let typeSpan = Span(4, line.utf8.count)
    var innerSpan: Span?
    var innerText: String?
    if let inner {
      let text = inner.map { $0.lowercased() }.joined(separator: " ")
      innerSpan = Span(line.utf8.count + 1, line.utf8.count + 1 + text.utf8.count)
      innerText = text
      line += " " + text
    }
    var args: [Argument] = []
    for (key, value) in arguments {
      let start = line.utf8.count + 1
      line += " " + key + "="
      let valueStart = line.utf8.count
      line += value.script
      args.append(
        Argument(
          key: key, value: value, span: Span(start, line.utf8.count),
          valueSpan: Span(valueStart, line.utf8.count)))
    }
    let r = LayerRequest(
      type: type.lowercased(), typeSpan: typeSpan, inner: innerText, innerSpan: innerSpan,
      arguments: args)
    return (r, line)
  }

  /// A config value as paramcalc's language has it: lists become tuples.
  static func value(_ v: JSONValue, layer: String, className: String, key: String)
    throws(ModelFileProblem) -> Value
  {
    switch v {
    case .null: return .none
    case .bool(let b): return .bool(b)
    case .int(let n): return .int(n)
    case .double(let d):
      guard d.isFinite else {
        throw .unreadableValue(
          layer: layer, className: className, key: key, found: "the number \(d)")
      }
      return .float(d)
    case .string(let s): return .string(s)
    case .array(let items):
      var out: [Value] = []
      for item in items {
        out.append(try value(item, layer: layer, className: className, key: key))
      }
      return .tuple(out)
    case .object:
      let what = v["class_name"]?.string.map { "a Keras object ('\($0)')" } ?? "an object"
      throw .unreadableValue(layer: layer, className: className, key: key, found: what)
    }
  }

  /// Whether `v` is the declared default of `spec`, as `make` would read it when absent.
  static func isDefault(_ v: Value, _ spec: ArgumentSpec) -> Bool {
    switch spec.byDefault {
    case .none: return v == .none
    case .value(let d):
      if v == d { return true }
      if case .string(let a) = v, case .string(let b) = d {
        return a.lowercased() == b.lowercased()
      }
      // `strides=[1, 1]` is the default 1 said for each axis.
      if case .integers(let count, _) = spec.kind, case .int(let n) = d,
        case .tuple(let items) = v, items.count == count, items.allSatisfy({ $0 == .int(n) })
      {
        return true
      }
      return false
    case .required, .derived: return false
    }
  }

  /// Bidirectional's `backward_layer`: nil when it is the copy Keras makes of the forward layer
  /// (the same class and config but `go_backwards` and the name), otherwise the layer as
  /// paramcalc writes it (`"gru units=4 go_backwards=true"`).
  static func backward(
    _ v: JSONValue, forward: [(String, JSONValue)], layer: String, catalog: Lookup
  ) throws(ModelFileProblem) -> String? {
    guard case .object = v, let cls = v["class_name"]?.string else { return nil }
    try checkKeras(v, layer: layer, className: cls)
    if let (fClass, fConfig) = forward.first, fClass == cls,
      let a = fConfig.members, let b = v["config"]?.members
    {
      let ignored: Set<String> = ["name", "go_backwards"]
      let fa = a.filter { !ignored.contains($0.key) }
      let fb = b.filter { !ignored.contains($0.key) }
      if fa == fb, fConfig["go_backwards"] != v["config"]?["go_backwards"] { return nil }
    }
    let (_, line) = try translate(v, name: layer, className: cls, catalog: catalog)
    return String(line.dropFirst(4))
  }
}

/// The catalog as a file's reading asks it, many times over: a layer type by its Keras class
/// name, and what a config key is to a type, each worked out once per reading.
final class Lookup {
  let catalog: LayerCatalog
  var types: [String: LayerDescriptor?] = [:]
  var roles: [ObjectIdentifier: [String: Role]] = [:]

  /// What a config key is to a layer type.
  enum Role {
    case declared(ArgumentSpec)
    case inert
    case unknown
  }

  init(_ catalog: LayerCatalog) { self.catalog = catalog }

  subscript(className: String) -> LayerDescriptor? {
    if let d = types[className] { return d }
    let d = catalog[className]
    types[className] = d
    return d
  }

  func role(_ key: String, of d: LayerDescriptor) -> Role {
    let id = ObjectIdentifier(d)
    if let r = roles[id]?[key] { return r }
    let r: Role
    if let spec = d.argument(key) {
      r = .declared(spec)
    } else if d.inert.contains(key) || commonInertArguments.contains(key) {
      r = .inert
    } else {
      r = .unknown
    }
    roles[id, default: [:]][key] = r
    return r
  }
}

/// Why a Keras model file, or a layer of it, cannot be imported.
public enum ModelFileProblem: Error, Equatable, Sendable {
  /// The file is not JSON: why, and where.
  case malformed(JSONError)
  /// The JSON is not a Keras model: why.
  case notAModel(String)
  /// A class paramcalc does not compute; `reason` when paramcalc leaves it out on purpose.
  case unknownClass(layer: String, className: String, reason: String?)
  /// A class of the user's own (registered, or from another module).
  case customObject(layer: String, className: String, registeredName: String?, module: String?)
  /// A config key the layer type does not take in paramcalc.
  case unknownKey(layer: String, className: String, key: String, suggestion: String?)
  /// A config value paramcalc's language cannot say (a nested object where a value belongs).
  case unreadableValue(layer: String, className: String, key: String, found: String)
  /// The model holds what paramcalc does not import yet (a nested model, an operation on
  /// tensors, an output of a layer other than its states, a Sequential that is not a chain): what.
  case branches(String)
  /// A `.keras` archive that cannot be read: why.
  case archive(String)
  /// What stops a model used as a layer (`model`, of class `className`) from being imported.
  indirect case inNestedModel(model: String, className: String, ModelFileProblem)

  public var message: String {
    switch self {
    case .malformed(let e): return "not valid JSON: \(e.description)"
    case .notAModel(let why): return "not a Keras model file: \(why)"
    case .unknownClass(let layer, let cls, let reason):
      if let reason { return "layer '\(layer)' is a \(cls), which paramcalc leaves out: \(reason)" }
      return "layer '\(layer)' is a \(cls), a layer class paramcalc does not know"
    case .customObject(let layer, let cls, let registered, let module):
      let from =
        registered.map { "registered as '\($0)'" } ?? module.map { "from module '\($0)'" } ?? ""
      return "layer '\(layer)' is a custom object, \(cls) \(from): only Keras's own layers "
        + "can be counted"
    case .unknownKey(let layer, let cls, let key, _):
      return "layer '\(layer)' (\(cls)) has the config key '\(key)', which paramcalc does not know"
    case .unreadableValue(let layer, let cls, let key, let found):
      return "layer '\(layer)' (\(cls)): '\(key)' is \(found), which paramcalc cannot read"
    case .branches(let what):
      return "this model cannot be imported yet: \(what)"
    case .archive(let why): return "not a Keras archive paramcalc can read: \(why)"
    case .inNestedModel(let model, let cls, let inner):
      return "in model '\(model)' (\(cls), used as a layer): \(inner.message)"
    }
  }

  public var hint: String? {
    switch self {
    case .malformed: return "import reads what model.to_json() writes, or a .keras archive"
    case .notAModel:
      return "write one with model.to_json() (a .json file) or model.save('model.keras')"
    case .unknownClass(_, let cls, let reason):
      return reason == nil
        ? "'layers' lists the layer types paramcalc computes; '\(cls)' is not among them"
        : "'layers' lists the layer types paramcalc computes"
    case .customObject:
      return "its weights are made by its own code, which paramcalc cannot see"
    case .unknownKey(_, let cls, _, let suggestion):
      let help = "'help \(cls.lowercased())' lists the arguments paramcalc takes"
      return suggestion.map { "did you mean '\($0)'? (\(help))" } ?? help
    case .unreadableValue: return nil
    case .branches:
      return "paramcalc imports Sequential and Functional models of the layers it knows, with "
        + "branches, merges, shared layers, operations on tensors (x + y), models used as layers "
        + "and recurrent states; not yet an operation 'add operation' does not place, or an output "
        + "of a layer other than its states"
    case .archive:
      return "Keras 3 writes .keras archives with model.save('model.keras'), members stored "
        + "uncompressed"
    case .inNestedModel(_, _, let inner): return inner.hint
    }
  }
}
