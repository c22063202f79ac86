// The per-layer formulas of `flops`, side by side (docs/flops.md writes the convention).
// Each part is a product of named terms: the number printed is that product.

/// A layer's compute: its terms and the parts they multiply into.
struct FlopsFormula {
  var terms: [FlopsTerm] = []
  var parts: [FlopsPart] = []
  let layer: ModelLayer
  /// The options of the `flops` line (`causal=true` changes what attention counts).
  var options: FlopsOptions
  /// The arguments given to a layer written inside another's (a cell of an RNN), in place of
  /// the layer's own.
  var given: Given? = nil
  /// Why Keras cannot run the layer as it stands (and what would), which `flops` refuses.
  var kerasFails: (reason: String, hint: String)? = nil

  init(_ layer: ModelLayer, _ options: FlopsOptions = FlopsOptions()) {
    self.layer = layer
    self.options = options
  }

  /// The MACs (the sum of the MAC parts) and the FLOPs (2 per MAC, and the other parts),
  /// checked: a layer's count may pass Int64.
  func total() throws(Overflow) -> (macs: Int, flops: Int) {
    var macs = 0
    var flops = 0
    for p in parts {
      if p.kind == .macs { macs = try Checked.add(macs, p.value) }
      flops = try Checked.add(
        flops, p.kind == .macs ? try Checked.multiply(2, p.value) : p.value)
    }
    return (macs, flops)
  }

  /// Declares a term (once per symbol).
  mutating func term(_ symbol: String, _ value: Int, _ source: String, _ meaning: String) {
    guard !terms.contains(where: { $0.symbol == symbol }) else { return }
    terms.append(FlopsTerm(symbol: symbol, value: value, source: source, meaning: meaning))
  }

  /// Adds a part, the product of the named terms.
  mutating func part(_ name: String, _ kind: FlopsPart.Kind, _ symbols: [String]) throws(Overflow) {
    let numbers = symbols.map { s in terms.first { $0.symbol == s }?.value ?? 0 }
    let value = try Checked.product(numbers)
    parts.append(
      FlopsPart(name: name, kind: kind, symbols: symbols, numbers: numbers, value: value))
  }

  /// Where an argument's value comes from: `argument units=10`, or `default units=...`.
  func source(_ key: String, _ value: String) -> String {
    (given?.keys.contains(key) ?? layer.spec.arguments.contains { $0.key == key })
      ? "argument \(key)=\(value)" : "default \(key)=\(value)"
  }

  /// The activation named by the layer's `activation` argument, nil when linear or not given.
  var activation: String? {
    guard let a = layer.spec.arguments.first(where: { $0.key == "activation" }) else { return nil }
    let name: String
    switch a.value {
    case .string(let s): name = s
    default: name = a.value.script
    }
    return name == "linear" || name == "None" || name == "none" ? nil : name
  }

  /// The formula of `layer`, or nil when paramcalc has none for its type.
  static func of(_ layer: ModelLayer, _ options: FlopsOptions = FlopsOptions()) throws(Overflow)
    -> FlopsFormula?
  {
    var f = FlopsFormula(layer, options)
    var model = layer.model
    var input = layer.input
    var output = layer.output
    if let frozen = model as? Frozen { model = frozen.inner }
    if let cf = model as? ChannelsFirst {
      input = cf.channelsLast(layer.input, inputRank: layer.input.rank)
      output = cf.channelsLast(layer.output, inputRank: layer.input.rank)
      model = cf.inner
    }
    return try f.compute(model, input, output, layer.inputs) || f.kerasFails != nil ? f : nil
  }

  /// Adds the parts of `model` on `input`; false when paramcalc has no formula for it.
  mutating func compute(_ model: any LayerModel, _ input: Shape, _ output: Shape, _ inputs: [Shape])
    throws(Overflow) -> Bool
  {
    var f = self
    defer { self = f }
    var done: Bool
    switch model {
    case let m as TimeDistributed: done = try f.timeDistributed(m, input, output)
    case let m as Bidirectional: done = try f.bidirectional(m, input, output)
    case let m as Dense: done = try f.dense(m, input, output)
    case let m as EinsumDense: done = try f.einsum(m, input, output)
    case let m as Convolution: done = try f.convolution(m, input, output)
    case let m as ConvolutionVariant: done = try f.variant(m, input, output)
    case let m as Recurrent: done = try f.recurrent(m, input, output)
    case let m as MultiHeadAttention: done = try f.attention(m, inputs)
    case let m as GroupedQueryAttention: done = try f.groupedQuery(m, inputs)
    case let m as DotAttention: done = try f.dotAttention(m, inputs)
    case let m as Dot: done = try f.dot(m, inputs, output)
    case let m as ConvLSTM: done = try f.convLSTM(m, input, output)
    case let m as Normalization: done = try f.normalization(m, output)
    case let m as Pooling: done = try f.pooling(m, output)
    case let m as GlobalPooling: done = try f.globalPooling(m, input)
    case let m as ElementwiseMerge: done = try f.merge(m.typeName, inputs, output)
    default:
      done = try f.elementwise(model.typeName, output)
      if !done { done = try f.more(model, input, output, inputs) }
    }
    return done
  }

  /// Takes the terms and parts of `inner`, each part times the extra factors `by`, its name
  /// after `prefix`.
  mutating func adopt(_ inner: FlopsFormula, by: [String], prefix: String) throws(Overflow) {
    for t in inner.terms { term(t.symbol, t.value, t.source, t.meaning) }
    for p in inner.parts { try part(prefix + p.name, p.kind, by + p.symbols) }
  }

  mutating func timeDistributed(_ m: TimeDistributed, _ input: Shape, _ output: Shape)
    throws(Overflow) -> Bool
  {
    var inner = FlopsFormula(layer, options)
    let step = m.step(input)
    let out = Shape(Array(output.dims.dropFirst()))
    guard try inner.compute(m.inner, step, out, [step]) else { return false }
    term(
      "t", input.dims[0] ?? 0, "input shape \(input.description)",
      "the slices along axis 1: the wrapped layer runs on each")
    try adopt(inner, by: ["t"], prefix: "")
    return true
  }

  mutating func bidirectional(_ m: Bidirectional, _ input: Shape, _ output: Shape)
    throws(Overflow) -> Bool
  {
    guard let one = try? m.inner.infer(input) else { return false }
    var inner = FlopsFormula(layer, options)
    guard try inner.compute(m.inner, input, one.output, [input]) else { return false }
    if let b = m.backward {
      // backward_layer: a layer of its own (its units and gates may differ): its terms that
      // differ from the forward layer's are named apart (u_b, ...), so both formulas read whole.
      guard let two = try? b.infer(input) else { return false }
      var back = FlopsFormula(layer, options)
      guard try back.compute(b, input, two.output, [input]) else { return false }
      try adopt(inner, by: [], prefix: "forward direction: ")
      try adopt(
        back.renamed(suffix: "_b", keeping: inner.terms, note: "backward_layer"), by: [],
        prefix: "backward direction: ")
    } else {
      try adopt(inner, by: [], prefix: "forward direction: ")
      try adopt(inner, by: [], prefix: "backward direction: ")
    }
    let per: Int
    switch m.mergeMode {
    case "concat": return true
    case "sum", "mul": per = 1
    case "ave": per = 2
    default: return m.mergeMode == "None" || m.mergeMode == "none"
    }
    try elements("E", output, "output shape")
    term("m", per, "argument merge_mode=\(m.mergeMode)", "FLOPs per element to merge the two")
    try part("merge", .flops, ["E", "m"])
    return true
  }

  /// `E`: the elements of a shape per sample.
  mutating func elements(_ symbol: String, _ shape: Shape, _ what: String) throws(Overflow) {
    term(
      symbol, try shape.elementCount() ?? 0, "\(what) \(shape.description)",
      "its elements per sample")
  }

  /// `P`: the positions of a shape (every axis but the last, the channels).
  mutating func positions(
    _ symbol: String, _ shape: Shape, _ what: String, last: String = "the channels"
  ) throws(Overflow) {
    let n = try Checked.product(shape.dims.dropLast().map { $0 ?? 0 })
    let axes = shape.dims.dropLast().map { String($0 ?? 0) }.joined(separator: " × ")
    term(
      symbol, n, "\(what) \(shape.description)",
      "positions: \(axes.isEmpty ? "1" : axes), every axis but \(last)")
  }

  mutating func bias(_ on: Bool, _ output: Shape) throws(Overflow) {
    guard on else { return }
    try elements("E", output, "output shape")
    try part("bias (1 FLOP per output element)", .flops, ["E"])
  }

  mutating func activate(_ output: Shape) throws(Overflow) {
    guard let a = activation else { return }
    try elements("E", output, "output shape")
    try part("activation \(a) (1 FLOP per output element)", .flops, ["E"])
  }

  mutating func dense(_ m: Dense, _ input: Shape, _ output: Shape) throws(Overflow) -> Bool {
    try positions("P", input, "input shape", last: "the features")
    term("n", input.last ?? 0, "input shape \(input.description)", "the features each unit reads")
    term("u", m.units, source("units", String(m.units)), "the units, one output each")
    if let r = m.lora { try loraMerge(r, front: ["n"], last: "u") }
    try part("kernel", .macs, ["P", "n", "u"])
    try bias(m.useBias, output)
    try activate(output)
    return true
  }

  /// LoRA (dense.py, einsum_dense.py, base_conv.py: the `kernel` property): once per call, not
  /// per position, the kernel used is `kernel + (lora_alpha / lora_rank) × lora_kernel_a @
  /// lora_kernel_b`, then applied as usual. `front` are the symbols of the kernel's axes but
  /// the last (lora_kernel_a's rows), `last` its last axis.
  mutating func loraMerge(_ r: Int, front: [String], last: String) throws(Overflow) {
    term("r", r, "argument lora_rank=\(r)", "the rank of the LoRA kernels")
    term(
      "s", 2, "convention (docs/flops.md)",
      "per kernel weight: times lora_alpha / lora_rank, and added to the kernel")
    try part(
      "LoRA kernel, once per call: lora_kernel_a @ lora_kernel_b", .macs, front + ["r", last])
    try part("LoRA kernel scaled and added to the kernel", .flops, front + [last, "s"])
  }

  func shown(_ dims: [Int]) -> String {
    "(" + dims.map(String.init).joined(separator: ", ") + (dims.count == 1 ? ",)" : ")")
  }

  mutating func einsum(_ m: EinsumDense, _ input: Shape, _ output: Shape) throws(Overflow) -> Bool {
    guard let a = try? m.analysis(input) else { return false }
    if let r = m.lora {
      guard let w = try? m.infer(input).weights.first(where: { $0.name == "kernel" }),
        let last = w.shape.last
      else { return false }
      let front = Array(w.shape.dropLast())
      term(
        "Wa", try Checked.product(front), "the kernel's shape " + shown(w.shape),
        "the kernel's weights per index of its last axis: "
          + (front.isEmpty ? "1" : front.map(String.init).joined(separator: " × ")))
      term("Wb", last, "the kernel's shape " + shown(w.shape), "the kernel's last axis")
      try loraMerge(r, front: ["Wa"], last: "Wb")
    }
    try elements("O", output, "output shape")
    var contracted = 1
    var which: [String] = []
    for c in Set(m.equation.input).intersection(m.equation.weight)
    where !m.equation.output.contains(c) {
      guard case .some(.some(let n)) = a.size[c] else { return false }
      contracted = try Checked.multiply(contracted, n)
      which.append("\(c)=\(n)")
    }
    term(
      "K", contracted, "equation \(m.equation.text)",
      "the product of the summed indices (in input and kernel, not in the output: "
        + (which.isEmpty ? "none" : which.sorted().joined(separator: ", ")) + ")")
    try part("kernel", .macs, ["O", "K"])
    if m.biasAxes != nil { try bias(true, output) }
    try activate(output)
    return true
  }

  mutating func window(_ kernel: [Int], _ key: String) throws(Overflow) {
    let k = try Checked.product(kernel)
    term(
      // As Python writes a tuple: `(3,)` for one element.
      "k", k,
      source(
        key,
        "(" + kernel.map(String.init).joined(separator: ", ") + (kernel.count == 1 ? ",)" : ")")),
      "the window's elements: " + kernel.map(String.init).joined(separator: " × "))
  }

  mutating func convolution(_ m: Convolution, _ input: Shape, _ output: Shape) throws(Overflow)
    -> Bool
  {
    try positions("P", output, "output shape")
    try window(m.window.kernel, "kernel_size")
    let c = input.last ?? 0
    term("c", c, "input shape \(input.description)", "the input channels")
    term(
      "g", m.groups, source("groups", String(m.groups)), "the groups: a filter reads c / g channels"
    )
    term("c/g", c / m.groups, "c / g = \(c) / \(m.groups)", "the channels each filter reads")
    term(
      "f", m.filters, source("filters", String(m.filters)), "the filters, one output channel each")
    if let r = m.lora { try loraMerge(r, front: ["k", "c/g"], last: "f") }
    try part("kernel", .macs, ["P", "k", "c/g", "f"])
    try bias(m.useBias, output)
    try activate(output)
    return true
  }

  mutating func variant(_ m: ConvolutionVariant, _ input: Shape, _ output: Shape)
    throws(Overflow) -> Bool
  {
    let c = input.last ?? 0
    try window(m.window.kernel, "kernel_size")
    term("c", c, "input shape \(input.description)", "the input channels")
    switch m.variant {
    case .transpose:
      try positions("Pin", input, "input shape")
      term("f", m.filters, source("filters", String(m.filters)), "the filters")
      try part("kernel (each input position spreads over a window)", .macs, ["Pin", "k", "c", "f"])
    case .depthwise:
      try positions("P", output, "output shape")
      term(
        "d", m.multiplier, source("depth_multiplier", String(m.multiplier)), "outputs per channel")
      try part("depthwise kernel", .macs, ["P", "k", "c", "d"])
    case .separable:
      try positions("P", output, "output shape")
      term(
        "d", m.multiplier, source("depth_multiplier", String(m.multiplier)), "outputs per channel")
      term("f", m.filters, source("filters", String(m.filters)), "the filters")
      try part("depthwise kernel", .macs, ["P", "k", "c", "d"])
      try part("pointwise kernel", .macs, ["P", "c", "d", "f"])
    }
    try bias(m.useBias, output)
    try activate(output)
    return true
  }

  mutating func normalization(_ m: Normalization, _ output: Shape) throws(Overflow) -> Bool {
    try elements("E", output, "output shape")
    switch m.kind {
    case .batch:
      term(
        "a", 2, "convention (docs/flops.md)",
        "inference: the moving statistics, gamma and beta folded into one multiply and one add")
    case .layer, .group:
      let n = m.rmsScaling ? 4 : 5 + (m.scale ? 1 : 0) + (m.center ? 1 : 0)
      term(
        "a", n, "convention (docs/flops.md)",
        m.rmsScaling
          ? "square, sum, multiply by the reciprocal root, gamma"
          : "sum, subtract the mean, square, sum, multiply by the reciprocal root"
            + (m.scale ? ", gamma" : "") + (m.center ? ", beta" : ""))
    }
    try part("normalization", .flops, ["E", "a"])
    return true
  }

  mutating func pooling(_ m: Pooling, _ output: Shape) throws(Overflow) -> Bool {
    try elements("E", output, "output shape")
    try window(m.pool, "pool_size")
    try part("window (1 FLOP per element read)", .flops, ["E", "k"])
    return true
  }

  mutating func globalPooling(_ m: GlobalPooling, _ input: Shape) throws(Overflow) -> Bool {
    try elements("I", input, "input shape")
    try part("reading every input element (1 FLOP each)", .flops, ["I"])
    return true
  }

  mutating func merge(_ type: String, _ inputs: [Shape], _ output: Shape) throws(Overflow) -> Bool {
    try elements("E", output, "output shape")
    let n = inputs.count
    let per = type == "Average" ? n : n - 1
    term(
      "m", per, "\(n) inputs",
      type == "Average" ? "n − 1 adds and a divide per element" : "n − 1 operations per element")
    try part("\(type) (0 MACs)", .flops, ["E", "m"])
    return true
  }

  static let moves: Set<String> = [
    "Embedding", "Flatten", "Reshape", "Permute", "RepeatVector", "Dropout", "SpatialDropout1D",
    "SpatialDropout2D", "SpatialDropout3D", "Identity", "ZeroPadding1D", "ZeroPadding2D",
    "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D", "Concatenate",
  ]
  static let activations: Set<String> = [
    "ReLU", "LeakyReLU", "ELU", "PReLU", "Softmax", "Activation",
  ]

  mutating func elementwise(_ type: String, _ output: Shape) throws(Overflow) -> Bool {
    if Self.moves.contains(type) {
      return true
    }
    guard Self.activations.contains(type) else { return false }
    if type == "Activation" && activation == nil { return true }
    try elements("E", output, "output shape")
    try part("\(type) (1 FLOP per element)", .flops, ["E"])
    return true
  }
}
