/// What `export keras` writes: a Python script that rebuilds the model with Keras 3's functional
/// API. `keras.Input` for the model's input and for each named input; each layer its class with
/// its arguments as Keras names them, called on the tensors it reads (a merge on the list of
/// them, attention as `layer(query, value[, key])`, a recurrent layer started from states with
/// `initial_state=`), an operation on tensors as its `keras.ops` call; a layer that returns its
/// states unpacked into its output and states; `reuse` as a call of the same layer object; the
/// model's outputs those of `output`, or every layer that no other reads. A model used as a layer is built first, by a function of its own. The script
/// ends with `model.summary()` and prints `model.count_params()`.
public enum KerasScriptRenderer {
  /// The script, or a refusal naming the first layer that has no Keras translation here.
  public static func script(_ s: Session, at span: Span) throws(ParamCalcError) -> String {
    var functions: [String] = []
    var counter = 0
    let body = try lines(s, prefix: "", functions: &functions, counter: &counter, at: span)
    var out = "# The model rebuilt with Keras 3's functional API (written by paramcalc).\n"
    out += "# Run: KERAS_BACKEND=jax python THIS_FILE\n"
    out += "import keras\nfrom keras import layers\n\n"
    for f in functions { out += f + "\n" }
    for line in body.lines { out += line + "\n" }
    out += "model = keras.Model(inputs=\(body.inputs), outputs=\(body.outputs)"
    out += ", name=\(python(s.isGraph ? "functional" : "sequential")))\n"
    out += "model.summary()\nprint(model.count_params())\n"
    return out
  }

  /// The lines that build a session's tensors, and its inputs and outputs as Python lists.
  struct Body {
    var lines: [String]
    var inputs: String
    var outputs: String
  }

  /// Wrapper arguments, given to the wrapper and not to the layer it wraps.
  static let wrapperArguments: [String: Set<String>] = [
    "Bidirectional": ["merge_mode", "weights"],
    "SpectralNormalization": ["power_iterations"],
  ]

  /// Classes paramcalc names otherwise than `keras.layers` exports them.
  static let kerasNames = ["GroupedQueryAttention": "GroupQueryAttention"]

  /// Layers called as `layer(query, value[, key])`, on one tensor as `layer(x, x)`.
  static let crossAttention: Set<String> = [
    "MultiHeadAttention", "GroupQueryAttention", "GroupedQueryAttention",
  ]

  /// First layers that read token ids: the model's input is then of integers.
  static let integerInput: Set<String> = ["Embedding", "ReversibleEmbedding", "CategoryEncoding"]

  /// Why a type has no translation here.
  static func untranslatable(_ spec: LayerSpec) -> String? {
    switch spec.type {
    case "CustomScaleLayer", "LayerScale":
      return "keras.applications defines \(spec.type) inside its own models, not in keras.layers"
    case "RNN":
      return "its cells are written in paramcalc's own words (cell=\"...\")"
    default: break
    }
    if spec.arguments.contains(where: { $0.key == "backward_layer" }) {
      return "backward_layer names a layer written in paramcalc's own words"
    }
    return nil
  }

  static func lines(
    _ s: Session, prefix p: String, functions: inout [String], counter: inout Int, at span: Span
  ) throws(ParamCalcError) -> Body {
    let layers = s.layers
    var out: [String] = []
    var modelInputUsed = false
    var read = Array(repeating: false, count: layers.count)
    var integerReader = false
    func tensor(_ i: Int) -> String { "\(p)x\(i + 1)" }
    func object(_ i: Int) -> String { "\(p)layer\(i + 1)" }
    func inputTensor() -> String {
      modelInputUsed = true
      return "\(p)inputs"
    }
    func source(_ src: LayerSource) -> String {
      guard let k = s.layerIndex(of: src) else { return inputTensor() }
      read[k] = true
      if case .state(_, let part) = src { return tensor(k) + "_" + identifier(part) }
      return tensor(k)
    }
    // The tensors each layer reads.
    func reads(_ i: Int) -> [String] {
      guard let sources = layers[i].spec.sources else {
        if i == 0 { return [inputTensor()] }
        read[i - 1] = true
        return [tensor(i - 1)]
      }
      return sources.map(source)
    }
    for (i, l) in layers.enumerated() {
      let spec = l.spec
      if let input = l.model as? InputLayerModel {
        var call = "\(tensor(i)) = keras.Input(shape=\(shape(input.shape))"
        if let name = spec.name { call += ", name=\(python(name))" }
        out.append(call + ")")
        continue
      }
      // The definition: this layer's own, or the one it calls again.
      let owner = spec.reuses.map { $0 - 1 } ?? i
      let def = layers[owner].spec
      // An operation on tensors is a call of keras.ops, with its number as second operand.
      if let op = layers[owner].model as? TensorOperation {
        let operands = reads(i) + (op.constant.map { [python(Value.float($0))] } ?? [])
        out.append("\(tensor(i)) = keras.ops.\(op.kind.op)(\(operands.joined(separator: ", ")))")
        continue
      }
      if spec.reuses == nil {
        if let reason = untranslatable(spec) {
          throw .wiring(
            "export keras cannot write layer #\(i + 1) (\(l.typeName)): " + reason,
            at: span, hint: "the other formats (markdown, csv, dot, svg) export every layer")
        }
        if let nested = l.model as? NestedModel {
          counter += 1
          let name = "\(nested.className.lowercased())_model_\(counter)"
          let inner = try lines(
            nested.inner, prefix: "", functions: &functions, counter: &counter, at: span)
          var f = "def build_\(name)():\n"
          for line in inner.lines { f += "    " + line + "\n" }
          f += "    return keras.Model(inputs=\(inner.inputs), outputs=\(inner.outputs)"
          f += ", name=\(python(spec.name ?? name)))\n"
          functions.append(f)
          out.append("\(object(i)) = build_\(name)()")
        } else {
          out.append("\(object(i)) = \(construction(spec))")
        }
        if !spec.trainable { out.append("\(object(i)).trainable = False") }
      }
      let args = reads(i)
      if integerInput.contains(def.type), args.first == "\(p)inputs" { integerReader = true }
      let call: String
      if crossAttention.contains(def.type) {
        call = args.count == 1 ? "\(args[0]), \(args[0])" : args.joined(separator: ", ")
      } else if layers[owner].model is any MergeModel {
        call = "[" + args.joined(separator: ", ") + "]"
      } else if args.count > 1 {
        call = args[0] + ", initial_state=[" + args.dropFirst().joined(separator: ", ") + "]"
      } else {
        call = args[0]
      }
      let states = l.states.map { tensor(i) + "_" + identifier($0.name) }
      let lhs = ([tensor(i)] + states).joined(separator: ", ")
      out.append("\(lhs) = \(object(owner))(\(call))")
    }
    // The model's input, first; then the named inputs in order.
    var inputs: [String] = []
    if modelInputUsed, let input = s.input {
      out.insert(
        "\(p)inputs = keras.Input(shape=\(shape(input))"
          + (integerReader ? ", dtype=\"int32\")" : ")"),
        at: 0)
      inputs.append("\(p)inputs")
    }
    for (i, l) in layers.enumerated() where l.model is InputLayerModel { inputs.append(tensor(i)) }
    var outputs: [String] = []
    if let declared = s.outputs {
      outputs = declared.map(source)
    } else if !s.isGraph {
      outputs = [tensor(layers.count - 1)]
    } else {
      for (i, l) in layers.enumerated() where !read[i] && !(l.model is InputLayerModel) {
        outputs.append(tensor(i))
      }
    }
    return Body(
      lines: out, inputs: "[" + inputs.joined(separator: ", ") + "]",
      outputs: outputs.count == 1 ? outputs[0] : "[" + outputs.joined(separator: ", ") + "]")
  }

  /// `layers.Dense(units=3)`, or a wrapper around its layer:
  /// `layers.Bidirectional(layers.LSTM(units=8), merge_mode="sum")`.
  static func construction(_ spec: LayerSpec) -> String {
    func className(_ t: String) -> String { "layers." + (kerasNames[t] ?? t) }
    func arguments(_ args: [Argument]) -> String {
      args.map { $0.key + "=" + python($0.value) }.joined(separator: ", ")
    }
    guard let inner = spec.inner else {
      return className(spec.type) + "(" + arguments(spec.arguments) + ")"
    }
    let own = wrapperArguments[spec.type] ?? []
    let wrapped =
      className(inner) + "(" + arguments(spec.arguments.filter { !own.contains($0.key) })
    let rest = arguments(spec.arguments.filter { own.contains($0.key) })
    return className(spec.type) + "(" + wrapped + ")" + (rest.isEmpty ? "" : ", " + rest) + ")"
  }

  /// A shape (paramcalc's, without the batch axis) as a Python tuple: `(28, 28, 1)`,
  /// `(None, 16)`, `(4,)`.
  static func shape(_ s: Shape) -> String {
    let dims = s.dims.map { $0.map(String.init) ?? "None" }
    return "(" + dims.joined(separator: ", ") + (dims.count == 1 ? ",)" : ")")
  }

  /// A value as Python writes it.
  static func python(_ v: Value) -> String {
    switch v {
    case .int(let n): return String(n)
    case .float(let d): return Value.format(d)
    case .bool(let b): return b ? "True" : "False"
    case .none: return "None"
    case .string(let s): return python(s)
    case .tuple(let items):
      let list = items.map(python)
      return "(" + list.joined(separator: ", ") + (list.count == 1 ? ",)" : ")")
    }
  }

  /// A Python string literal: in double quotes, with `\`, `"` and control characters escaped.
  static func python(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
      switch c {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if c.value < 0x20 || c.value == 0x7f {
          let hex = String(c.value, radix: 16)
          out += "\\x" + (hex.count == 1 ? "0" : "") + hex
        } else {
          out.unicodeScalars.append(c)
        }
      }
    }
    return out + "\""
  }

  /// A name made safe as part of a Python identifier (`h`, `forward_h`).
  static func identifier(_ s: String) -> String {
    String(
      String.UnicodeScalarView(
        s.unicodeScalars.map {
          ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
            ? $0 : "_"
        }))
  }
}
