/// A layer type paramcalc knows: its Keras name, documentation, and how to build it from arguments.
/// (A class: it is looked up for every `add`, and handing one around is then a single reference.)
public final class LayerDescriptor: Sendable {
  public let name: String
  public let family: String
  public let summary: String
  /// Where Keras 3 defines it: the file of its class in keras/src/layers/ (and of the rules it
  /// uses elsewhere), for `docs/formulas.md`. The count formula is not written here: it is the
  /// layer's own explanation, shown with symbols by `help` and the docs (see `LayerExample`).
  public let source: String
  public let arguments: [ArgumentSpec]
  /// Arguments Keras accepts for this type that change neither counts nor shapes.
  public let inert: [String]
  /// Builds the layer from its arguments (it reads them through the reader).
  public let make: @Sendable (inout ArgumentReader) throws(ParamCalcError) -> any LayerModel
  /// For a wrapper (`Bidirectional`): builds it around an inner layer type.
  public let wrap:
    (@Sendable (LayerDescriptor, inout ArgumentReader) throws(ParamCalcError) -> any LayerModel)?
  /// The inner types a wrapper takes (nil: any).
  public let accepts: [String]?
  /// Every argument name the type accepts, for completion: the declared arguments in order,
  /// then those accepted without effect (the type's, then those of every Keras layer).
  public let argumentNames: [String]

  /// A type that declares `data_format` is built with `ChannelsFirst` around it when given
  /// `data_format=channels_first`; `channelsAxis` says where its channels then are (counted
  /// after the batch: 0, or 1 after a time axis), nil for a layer that reads data_format itself.
  public init(
    name: String, family: String, summary: String, source: String, arguments: [ArgumentSpec],
    inert: [String] = [], channelsAxis: Int? = 0,
    make: @escaping @Sendable (inout ArgumentReader) throws(ParamCalcError) -> any LayerModel
  ) {
    self.name = name
    self.family = family
    self.summary = summary
    self.source = source
    self.arguments = arguments
    self.inert = inert
    if let axis = channelsAxis, arguments.contains(where: { $0.name == "data_format" }) {
      self.make = { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
        let first = r.arguments.contains { a in
          guard a.key == dataFormatArgument.name, case .string(let v) = a.value else {
            return false
          }
          return v.lowercased() == "channels_first"
        }
        let model = try make(&r)
        return first ? ChannelsFirst(inner: model, axis: axis) : model
      }
    } else {
      self.make = make
    }
    wrap = nil
    accepts = nil
    argumentNames = LayerDescriptor.names(arguments, inert)
  }

  /// A wrapper: `add NAME INNER key=value ...`.
  public init(
    wrapper name: String, summary: String, source: String, arguments: [ArgumentSpec],
    inert: [String] = [], accepts: [String]?,
    wrap:
      @escaping @Sendable (LayerDescriptor, inout ArgumentReader) throws(ParamCalcError) ->
      any LayerModel
  ) {
    self.name = name
    family = "Wrapper"
    self.summary = summary
    self.source = source
    self.arguments = arguments
    self.inert = inert
    let example = LayerDescriptor.wrapped(accepts)
    make = { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      throw .missingOperand(
        command: "add", what: "the layer it wraps, e.g. 'add \(name.lowercased()) \(example)'",
        at: r.end)
    }
    self.wrap = wrap
    self.accepts = accepts
    argumentNames = LayerDescriptor.names(arguments, inert)
  }

  /// A wrapper bound to the layer it wraps (`Bidirectional(LSTM)`), itself wrapped by another
  /// (`add timedistributed bidirectional lstm ...`): it takes the arguments of both, and its
  /// `make` is the wrapper's `wrap` around the inner type.
  init(binding w: LayerDescriptor, around inner: LayerDescriptor) {
    name = "\(w.name)(\(inner.name))"
    family = w.family
    summary = w.summary
    source = w.source
    arguments = w.arguments + inner.arguments
    self.inert = w.inert + inner.inert
    let wrap = w.wrap!
    make = { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      try wrap(inner, &r)
    }
    self.wrap = nil
    accepts = nil
    argumentNames = LayerDescriptor.names(arguments, self.inert)
  }

  static func names(_ arguments: [ArgumentSpec], _ inert: [String]) -> [String] {
    var out = arguments.map(\.name)
    for n in inert + commonInertArguments where !out.contains(n) { out.append(n) }
    return out
  }

  /// The declared argument named `name`, if any.
  public func argument(_ name: String) -> ArgumentSpec? {
    arguments.first { $0.name == name }
  }

  /// The values argument `name` can take, for completion: its choices, true and false, or the
  /// activation names (`activation` is accepted by many types without being declared); empty
  /// for numbers and unknown names.
  public func completions(of name: String) -> [String] {
    if let a = argument(name) { return a.completions }
    if name == "activation" || name == "recurrent_activation", argumentNames.contains(name) {
      return activationNames
    }
    return []
  }

  public var isWrapper: Bool { wrap != nil }

  /// The layer an error's example puts in a wrapper: the second type it accepts (the first is
  /// the simplest, the second the common one: LSTM, Dense), or a Dense.
  static func wrapped(_ accepts: [String]?) -> String {
    guard let accepts, accepts.count > 1 else { return "dense units=8" }
    return accepts[1].lowercased() + " units=32"
  }

  /// Keras's automatic layer name: the class name in snake case (`PReLU` is `p_re_lu`).
  public var snakeName: String { LayerDescriptor.snakeCase(name) }

  static func snakeCase(_ name: String) -> String {
    // Keras: re.sub("(.)([A-Z][a-z]+)", r"\1_\2"), then re.sub("([a-z])([A-Z])", r"\1_\2"), lower.
    let c = Array(name)
    var step1: [Character] = []
    var i = 0
    while i < c.count {
      if i > 0, c[i].isUppercase, i + 1 < c.count, c[i + 1].isLowercase, c[i].isASCII {
        step1.append("_")
      }
      step1.append(c[i])
      i += 1
    }
    var out = ""
    for (j, ch) in step1.enumerated() {
      if j > 0, ch.isUppercase, step1[j - 1].isLowercase { out.append("_") }
      out.append(ch)
    }
    return out.lowercased()
  }
}

/// Every layer type paramcalc knows, looked up by name case-insensitively.
public struct LayerCatalog: Sendable {
  public let descriptors: [LayerDescriptor]
  let byName: [String: Int]

  public init(_ descriptors: [LayerDescriptor]) {
    self.descriptors = descriptors
    var map: [String: Int] = [:]
    for (i, d) in descriptors.enumerated() { map[d.name.lowercased()] = i }
    // Keras's own other names of a class are the same layer (where the class is in the catalog).
    for (alias, name) in LayerCatalog.kerasAliases {
      if let i = map[name.lowercased()] { map[alias.lowercased()] = i }
    }
    byName = map
  }

  /// Other names `keras.layers` exports for the same class (`keras.layers.Convolution1D is
  /// keras.layers.Conv1D`): accepted as that layer.
  public static let kerasAliases: [String: String] = {
    var out: [String: String] = [:]
    for r in 1...3 {
      out["Convolution\(r)D"] = "Conv\(r)D"
      out["Convolution\(r)DTranspose"] = "Conv\(r)DTranspose"
      out["MaxPool\(r)D"] = "MaxPooling\(r)D"
      out["AvgPool\(r)D"] = "AveragePooling\(r)D"
      out["GlobalMaxPool\(r)D"] = "GlobalMaxPooling\(r)D"
      out["GlobalAvgPool\(r)D"] = "GlobalAveragePooling\(r)D"
    }
    for r in 1...2 { out["SeparableConvolution\(r)D"] = "SeparableConv\(r)D" }
    // keras.layers exports the class GroupedQueryAttention as GroupQueryAttention.
    out["GroupedQueryAttention"] = "GroupQueryAttention"
    return out
  }()

  /// Informal names that Keras does not export (it would refuse them): not accepted, but
  /// suggested as the layer they usually stand for.
  public static let informalNames: [String: String] = [
    "batchnorm": "BatchNormalization", "batch_norm": "BatchNormalization",
    "bn": "BatchNormalization", "layernorm": "LayerNormalization",
    "layer_norm": "LayerNormalization", "groupnorm": "GroupNormalization",
    "group_norm": "GroupNormalization", "linear": "Dense",
  ]

  /// The arguments a Keras layer class takes by position, in the order of its `__init__`
  /// (first few only): what `Conv2D(32, (3,3))` pasted from Python means.
  public static let positionalArguments: [String: [String]] = {
    var out: [String: [String]] = [
      "Dense": ["units", "activation", "use_bias"],
      "LSTM": ["units", "activation", "recurrent_activation", "use_bias"],
      "GRU": ["units", "activation", "recurrent_activation", "use_bias"],
      "SimpleRNN": ["units", "activation", "use_bias"],
      "Dropout": ["rate", "noise_shape", "seed"],
      "Embedding": ["input_dim", "output_dim"],
      "Reshape": ["target_shape"], "RepeatVector": ["n"], "Permute": ["dims"],
      "Activation": ["activation"], "LeakyReLU": ["negative_slope"], "Softmax": ["axis"],
      "BatchNormalization": ["axis", "momentum", "epsilon", "center"],
      "LayerNormalization": ["axis", "epsilon", "center", "scale"],
      "GroupNormalization": ["groups", "axis", "epsilon", "center"],
      "MultiHeadAttention": ["num_heads", "key_dim", "value_dim", "dropout"],
    ]
    for r in 1...3 {
      for conv in ["Conv\(r)D", "Conv\(r)DTranspose", "SeparableConv\(r)D"] {
        out[conv] = ["filters", "kernel_size", "strides", "padding"]
      }
      out["DepthwiseConv\(r)D"] = ["kernel_size", "strides", "padding", "depth_multiplier"]
      for pool in ["MaxPooling\(r)D", "AveragePooling\(r)D"] {
        out[pool] = ["pool_size", "strides", "padding", "data_format"]
      }
      out["SpatialDropout\(r)D"] = ["rate", "seed"]
      out["UpSampling\(r)D"] = ["size"]
      out["ZeroPadding\(r)D"] = ["padding"]
      out["Cropping\(r)D"] = ["cropping"]
      out["ConvLSTM\(r)D"] = ["filters", "kernel_size", "strides", "padding"]
    }
    return out
  }()

  public subscript(name: String) -> LayerDescriptor? {
    // The parser hands names already lowercased: look them up as they are first.
    if let i = byName[name] ?? byName[name.lowercased()] { return descriptors[i] }
    return nil
  }

  /// The catalog of this version of paramcalc.
  public static let standard = LayerCatalog(
    coreLayers + passThroughLayers + reversibleEmbeddingLayers + activationLayers
      + convolutionLayers + convolutionVariantLayers
      + poolingLayers
      + normalizationLayers + featureNormalizationLayers
      + recurrentLayers + convRecurrentLayers + reshapingLayers + moreRegularizationLayers
      + attentionLayers + groupQueryAttentionLayers + dotAttentionLayers
      + wrapperLayers + adaptivePoolingLayers + preprocessingLayers + augmentationLayers
      + encodingLayers + einsumLayers + audioLayers + mergingLayers + inputLayers
      + [cellRNNDescriptor] + pipelineLayers + tensorOperationLayers + applicationLayers
      + nestedModelLayers)

  /// The classes `keras.layers` exports that paramcalc does not compute, each with the reason
  /// (refused as "not supported: REASON" rather than "unknown"). `scripts/keras_coverage.py`
  /// writes docs/coverage.md from this list and the catalog; `CoverageTests` holds the three to
  /// agreement.
  public static let leftOut: KeyValuePairs<String, String> = [
    "Hashing": tensorFlow, "HashedCrossing": tensorFlow, "IntegerLookup": tensorFlow,
    "StringLookup": tensorFlow, "TextVectorization": tensorFlow,
    "Lambda": "it runs a Python function: only Python knows its output shape",
    "FlaxLayer": foreign, "JaxLayer": foreign, "TorchModuleWrapper": foreign,
    "TFSMLayer": "it loads a TensorFlow SavedModel: its weights are in the file",
    "StackedRNNCells": cell, "SimpleRNNCell": cell, "LSTMCell": cell, "GRUCell": cell,
    "Equalization": "Keras 3.15 cannot build it in a model (its symbolic call fails)",
    "Layer": "it is the base class of every layer", "Wrapper": "it is the base class of wrappers",
    "InputSpec": "it describes the inputs a layer accepts; it is not a layer",
  ]
  static let tensorFlow = "it needs TensorFlow in Keras 3"
  static let foreign = "it wraps a model of another framework, whose weights only it knows"
  static let cell =
    "a cell is the step inside an RNN, not a layer of a Sequential model: 'add rnn cell=\"lstmcell units=8\"' runs one (cells separated by ';' are stacked)"

  /// Why `name` (any case) is left out, with its Keras spelling.
  static func leftOutReason(_ name: String) -> (name: String, reason: String)? {
    let lower = name.lowercased()
    return leftOut.first { $0.key.lowercased() == lower }.map { ($0.key, $0.value) }
  }

  /// Resolves a request into a layer: the descriptor, the built model, and what was given.
  /// Splits off `trainable` and `input_shape`, which belong to the model, not the layer type.
  public func build(_ request: LayerRequest, end: Span) throws(ParamCalcError) -> BuiltLayer {
    guard let d = self[request.type] else { throw unknown(request.type, at: request.typeSpan) }
    var args = request.arguments
    var trainable = true
    var inputShape: Shape?
    if let i = args.firstIndex(where: { $0.key == "trainable" }) {
      guard case .bool(let b) = args[i].value else {
        throw .invalidValue(
          argument: "trainable", message: "expected true or false, found \(args[i].value.shown)",
          at: args[i].valueSpan)
      }
      trainable = b
      args.remove(at: i)
    }
    if let i = args.firstIndex(where: { $0.key == "input_shape" }) {
      inputShape = try CommandParser.shape(
        from: args[i].value, at: args[i].valueSpan, what: "input_shape")
      args.remove(at: i)
    }
    let model: any LayerModel
    let inert: [Argument]
    if let wrap = d.wrap {
      guard let innerName = request.inner, let innerSpan = request.innerSpan else {
        throw .missingOperand(
          command: "add",
          what:
            "the layer it wraps, e.g. 'add \(d.name.lowercased()) \(LayerDescriptor.wrapped(d.accepts))'",
          at: Span(request.typeSpan.end, request.typeSpan.end + 1))
      }
      let inner = try wrapped(by: d, innerName, at: innerSpan)
      var reader = ArgumentReader(layer: "\(d.name)(\(inner.name))", arguments: args, end: end)
      try reader.checkNames(d, inner)
      model = try wrap(inner, &reader)
      inert = reader.unread()
    } else {
      if let extra = request.inner, let span = request.innerSpan {
        throw .syntax(
          "expected key=value after '\(d.name.lowercased())', found '\(extra)'", at: span,
          hint: "arguments are written key=value, e.g. units=64")
      }
      var reader = ArgumentReader(layer: d.name, arguments: args, end: end)
      try reader.checkNames(d)
      model = try d.make(&reader)
      inert = reader.unread()
    }
    let spec = LayerSpec(
      type: d.name, inner: request.inner.map(kerasNames), arguments: args,
      trainable: trainable, name: request.name, sources: request.sources?.map(\.source))
    return BuiltLayer(piece: Piece(spec: spec, model: model, inert: inert), inputShape: inputShape)
  }

  func unknown(_ name: String, at span: Span) -> ParamCalcError {
    if let (k, reason) = LayerCatalog.leftOutReason(name) {
      return .unsupportedLayer(k, reason: reason, at: span)
    }
    if let informal = LayerCatalog.informalNames[name.lowercased()], self[informal] != nil {
      return .unknownLayer(name, at: span, suggestion: informal.lowercased())
    }
    let names = descriptors.map { $0.name.lowercased() }
    return .unknownLayer(name, at: span, suggestion: Suggestion.nearest(to: name, in: names))
  }
}

/// What a line asked for, resolved: enough to rebuild it (`save`, `set`) and the built model.
public struct BuiltLayer: Sendable {
  /// The layer's definition, shared by every place that holds it.
  let piece: Piece
  /// `input_shape=` given on the layer, if any.
  public var inputShape: Shape?

  public var spec: LayerSpec { piece.spec }
  public var model: any LayerModel { piece.model }
  /// Arguments accepted that affect neither count nor shape (`activation=relu`).
  public var inert: [Argument] { piece.inert }
}

/// A layer as the user specified it.
public struct LayerSpec: Hashable, Sendable {
  /// The Keras class name of the type (or of the wrapper).
  public var type: String
  /// The Keras class name of the wrapped type, for wrappers.
  public var inner: String?
  public var arguments: [Argument]
  public var trainable: Bool
  /// `as NAME`, if given.
  public var name: String? = nil
  /// `from ...`, if given: the tensors the layer reads.
  public var sources: [LayerSource]? = nil
  /// For `reuse N`: the number of the layer called again (its weights are that layer's).
  public var reuses: Int? = nil

  /// The `add` line that rebuilds this layer.
  public var script: String {
    var out: String
    if let reuses {
      out = "reuse \(reuses)"
    } else {
      out = "add " + type.lowercased()
      if let inner { out += " " + inner.lowercased() }
      for a in arguments { out += " " + a.key + "=" + a.value.script }
      if !trainable { out += " trainable=false" }
    }
    if let name { out += " as " + name }
    if let sources { out += " from " + sources.map(\.script).joined(separator: ",") }
    return out
  }

  /// The request that rebuilds this layer (spans point into `script`).
  public var request: LayerRequest {
    LayerRequest(
      type: type.lowercased(), typeSpan: Span(4, 4 + type.utf8.count), inner: inner?.lowercased(),
      innerSpan: inner.map { _ in Span(0, 0) },
      arguments: arguments
        + (trainable
          ? [] : [Argument(key: "trainable", value: .bool(false), span: .none, valueSpan: .none)]),
      name: name, nameSpan: name.map { _ in .none },
      sources: sources?.map { SourceRef($0, at: .none) })
  }
}
