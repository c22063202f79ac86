// The formulas of `flops` for ConvLSTM, the normalizations and preprocessing layers that
// compute at inference, the layers Keras passes through at inference, UpSampling and
// STFTSpectrogram (docs/flops.md writes the convention).

extension FlopsFormula {
  /// The layers whose call returns the input unchanged at inference (`training=False`): their
  /// Keras source checks `training` before it changes anything (the image augmentations through
  /// `transform_images`, the noise and dropout layers through `call`). MaxNumBoundingBoxes
  /// returns the images unchanged always (it edits bounding boxes only).
  static let identityAtInference: Set<String> = [
    "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomShear",
    "RandomPerspective", "RandomElasticTransform", "RandomContrast", "RandomBrightness",
    "RandomColorDegeneration", "RandomColorJitter", "RandomErasing", "RandomGaussianBlur",
    "RandomGrayscale", "RandomHue", "RandomInvert", "RandomPosterization", "RandomSaturation",
    "RandomSharpness", "Solarization", "AugMix", "CutMix", "MixUp", "RandAugment",
    "AlphaDropout", "GaussianDropout", "GaussianNoise", "MaxNumBoundingBoxes",
  ]

  /// The layers `compute` does not dispatch by their model: false when paramcalc has no
  /// formula.
  mutating func more(_ model: any LayerModel, _ input: Shape, _ output: Shape, _ inputs: [Shape])
    throws(Overflow) -> Bool
  {
    let type = model.typeName
    if Self.identityAtInference.contains(type) { return true }
    switch model {
    case let m as FeatureNormalization:
      if m.kind == .rms {
        return try perElement(
          output, 4, "square, sum, multiply by the reciprocal root, times scale",
          "RMS normalization")
      }
      return try perElement(
        output, 2, "subtract the mean, divide by the root of the variance (kept per position)",
        "normalization")
    case is UnitNormalization:
      return try perElement(
        output, 3, "square, sum, multiply by the reciprocal root (an L2 norm)", "normalization")
    case let m as Resample where type.hasPrefix("UpSampling"):
      return try upSampling(m, output)
    case let m as STFTSpectrogram:
      return try stft(m, input, output)
    case let m as ImageSizing where type == "CenterCrop":
      // center_crop.py: an image at least as large is sliced (no arithmetic); a smaller one
      // is resized, which is not counted.
      return m.height <= (input.dims[0] ?? 0) && m.width <= (input.dims[1] ?? 0)
    case let m as SpectralNormalization:
      // spectral_normalization.py: the kernel is normalized only when training; at inference
      // the call is the wrapped layer's.
      var inner = FlopsFormula(layer, options)
      guard try inner.compute(m.inner, input, output, inputs) else { return false }
      try adopt(inner, by: [], prefix: "")
      return true
    case let m as CellRNN:
      return try cells(m, input)
    case let m as Pipeline:
      return try pipeline(m, input)
    case let m as AdaptivePooling:
      return try adaptive(m, input)
    case let m as TensorOperation:
      try elements("E", output, "output shape")
      try part("keras.ops.\(m.kind.op) (1 FLOP per output element)", .flops, ["E"])
      return true
    case is CustomScaleLayer:
      return try perElement(output, 2, "inputs[1] times scale, plus inputs[0]", "scale and add")
    case is LayerScale:
      return try perElement(output, 1, "times gamma (one per channel)", "scale")
    default:
      switch type {
      case "Rescaling":
        return try perElement(output, 2, "times scale, plus offset", "rescaling")
      case "Masking":
        // masking.py: not_equal(inputs, mask_value), any over the last axis, where(...).
        return try perElement(output, 3, "compare, any over the features, select", "masking")
      case "ReversibleEmbedding":
        // Called as a layer (reverse=False): an Embedding's lookup.
        return true
      default: return false
      }
    }
  }

  /// rnn.py: an RNN around cells (LSTMCell, GRUCell, SimpleRNNCell) counts as the layer of
  /// that cell; stacked cells run one after the other at every step, each reading the state of
  /// the one before (the terms of cell 2 on carry a 2, 3, ...).
  mutating func cells(_ m: CellRNN, _ input: Shape) throws(Overflow) -> Bool {
    var features = input.last ?? 0
    for (k, c) in m.cells.enumerated() {
      let model = (c.model as? Frozen)?.inner ?? c.model
      guard let cell = model as? RecurrentCell else { return false }
      var inner = FlopsFormula(layer, options)
      inner.given = c.given
      let step = Shape([input.dims[0], features])
      guard try inner.recurrent(cell.step, step, Shape([cell.step.units])) else { return false }
      if k > 0, let i = inner.terms.firstIndex(where: { $0.symbol == "n" }) {
        inner.terms[i].source = "cell \(k)'s units"
        inner.terms[i].meaning = "the features of a step: the state of cell \(k)"
      }
      let prefix = m.cells.count > 1 ? "cell \(k + 1) (\(cell.typeName)) " : ""
      try adopt(
        k == 0
          ? inner : inner.renamed(suffix: String(k + 1), keeping: terms, note: "cell \(k + 1)"),
        by: [],
        prefix: prefix)
      features = cell.step.units
    }
    return true
  }

  /// pipeline.py: its layers one after the other, each by its own formula on the shape it
  /// reads (the terms of layer 2 on carry a 2, 3, ... where they differ). A layer given an
  /// `activation` inside the quotes is not counted: its formula reads the activation from the
  /// line, which here is the Pipeline's.
  mutating func pipeline(_ m: Pipeline, _ input: Shape) throws(Overflow) -> Bool {
    guard let steps = try? m.steps(input) else { return false }
    for (k, (step, s)) in zip(m.layers, steps).enumerated() {
      guard !step.given.keys.contains("activation") else { return false }
      var inner = FlopsFormula(layer, options)
      inner.given = step.given
      var model = step.model
      if let frozen = model as? Frozen { model = frozen.inner }
      let output = s.inference.output
      guard try inner.compute(model, s.input, output, [s.input]) else { return false }
      try adopt(
        k == 0
          ? inner : inner.renamed(suffix: String(k + 1), keeping: terms, note: "layer \(k + 1)"),
        by: [], prefix: "layer \(k + 1) (\(model.typeName)) ")
    }
    return true
  }

  /// adaptive pooling: output position i of an axis of n reads the window floor(i × n / o) ..<
  /// ceil((i + 1) × n / o); counted as pooling is, 1 FLOP per element of every window. (jax
  /// pools with both window sizes at every position and gathers: it computes more.)
  mutating func adaptive(_ m: AdaptivePooling, _ input: Shape) throws(Overflow) -> Bool {
    var symbols: [String] = []
    for (a, o) in m.size.enumerated() {
      guard let n = input.dims[a], o > 0 else { return false }
      var sum = 0
      for i in 0..<o {
        let start = try Checked.multiply(i, n) / o
        let end = try Checked.add(try Checked.multiply(i + 1, n), o - 1) / o
        sum = try Checked.add(sum, end - start)
      }
      let symbol = "w\(a + 1)"
      term(
        symbol, sum, "input shape \(input.description), argument output_size",
        "the elements of the \(o) windows along axis \(a + 1) (of \(n)), added up: window i "
          + "is floor(i × \(n) / \(o)) up to ceil((i + 1) × \(n) / \(o))")
      symbols.append(symbol)
    }
    term("c", input.last ?? 0, "input shape \(input.description)", "the channels")
    try part("windows (1 FLOP per element read)", .flops, symbols + ["c"])
    return true
  }

  /// `E × a`: `a` FLOPs for each output element.
  mutating func perElement(_ output: Shape, _ a: Int, _ what: String, _ name: String)
    throws(Overflow) -> Bool
  {
    try elements("E", output, "output shape")
    term("a", a, "convention (docs/flops.md)", "FLOPs per element: " + what)
    try part(name, .flops, ["E", "a"])
    return true
  }

  /// up_sampling2d.py: `nearest` repeats rows and columns (ops.repeat: a copy, 0); any other
  /// interpolation is `ops.image.resize`, counted by convention as a MAC per neighbour the
  /// interpolation weighs, per output element.
  mutating func upSampling(_ m: Resample, _ output: Shape) throws(Overflow) -> Bool {
    let given = layer.spec.arguments.first { $0.key == "interpolation" }
    var how = "nearest"
    if let g = given {
      if case .string(let s) = g.value { how = s.lowercased() } else { how = g.value.script }
    }
    let taps: Int
    switch how {
    case "nearest": return true
    case "bilinear": taps = 4
    case "bicubic": taps = 16
    case "lanczos3": taps = 36
    case "lanczos5": taps = 100
    default: return false
    }
    try elements("E", output, "output shape")
    let side = taps == 4 ? 2 : taps == 16 ? 4 : taps == 36 ? 6 : 10
    term(
      "w", taps, "argument interpolation=\(how), convention (docs/flops.md)",
      "the neighbours weighed per output element: \(side) × \(side) (jax's resize computes it "
        + "as one weight matrix per axis, which XLA counts otherwise)")
    try part("interpolation (a MAC per neighbour)", .macs, ["E", "w"])
    return true
  }

  /// stft_spectrogram.py: each channel convolved (stride frame_step) with fixed real and
  /// imaginary kernels of frame_length taps and fft_length // 2 + 1 bins, then the mode's
  /// elementwise operations.
  mutating func stft(_ m: STFTSpectrogram, _ input: Shape, _ output: Shape) throws(Overflow)
    -> Bool
  {
    guard let c = input.dims[m.axes.channels], c > 0, let e = try output.elementCount() else {
      return false
    }
    let kernels = m.kernelNames.count
    let perFrame = try Checked.product([m.bins, c, m.mode == "stft" ? 2 : 1])
    term(
      "F", e / perFrame, "output shape \(output.description)",
      "the frames: the convolution's positions along the samples")
    term("L", m.frameLength, source("frame_length", String(m.frameLength)), "a frame's samples")
    term(
      "B", m.bins,
      "fft_length // 2 + 1 = \(m.fftLength) // 2 + 1 = \(m.bins)",
      "the frequency bins (each a filter of the convolution)")
    term("C", c, "input shape \(input.description)", "the channels, each convolved alone")
    term(
      "K", kernels, "mode=\(m.mode): " + m.kernelNames.joined(separator: " and "),
      "the fixed kernels applied (real and imaginary parts)")
    try part("convolutions with the fixed kernels", .macs, ["F", "L", "B", "C", "K"])
    let (a, what): (Int, String)
    switch m.mode {
    case "log": (a, what) = (7, "square, square, add, maximum, root, maximum, log")
    case "magnitude": (a, what) = (5, "square, square, add, maximum, root")
    case "psd": (a, what) = (4, "square, square, add, and the power added to its inner bins")
    case "angle": (a, what) = (1, "arctan2 of the imaginary and real parts")
    default: return true
    }
    term("a", a, "convention (docs/flops.md), mode=\(m.mode)", "FLOPs per element: " + what)
    try part("mode=\(m.mode) (per frame, bin and channel)", .flops, ["F", "B", "C", "a"])
    return true
  }

  /// conv_lstm.py, per timestep: the input convolution (kernel) and the recurrent convolution of
  /// the state (recurrent_kernel, padding same, stride 1) for the 4 blocks, at every position of
  /// one step's output; then as an LSTM, per position.
  mutating func convLSTM(_ m: ConvLSTM, _ input: Shape, _ output: Shape) throws(Overflow) -> Bool {
    guard let spatial = try? m.window.outputs(input, from: 1), !spatial.contains(nil) else {
      return false
    }
    let step = Shape(spatial + [m.filters])
    term("T", input.dims[0] ?? 0, "input shape \(input.description)", "the timesteps")
    try positions("P", step, "one step's output (the window on the input)")
    try window(m.window.kernel, "kernel_size")
    term("c", input.last ?? 0, "input shape \(input.description)", "the input channels")
    term(
      "f", m.filters, source("filters", String(m.filters)),
      "the filters (the state's channels)")
    term("G", ConvLSTM.blocks, "Keras: an LSTM has 4 gates", "gates")
    try part("kernel (input to gates)", .macs, ["T", "P", "k", "c", "G", "f"])
    try part("recurrent_kernel (state to gates)", .macs, ["T", "P", "k", "f", "G", "f"])
    try part("adding the two (1 FLOP per gate element)", .flops, ["T", "P", "G", "f"])
    if m.useBias { try part("bias (1 FLOP per gate element)", .flops, ["T", "P", "G", "f"]) }
    try gateActivations("ConvLSTM", ConvLSTM.blocks, at: ["T", "P"], unit: "f")
    return true
  }

  /// The same formula with `suffix` after the symbol of each term that `same` names with
  /// another value (a backward_layer's formula beside the forward one's, a second cell's beside
  /// the first's); a term of the same symbol and value is the one already declared.
  func renamed(suffix: String, keeping same: [FlopsTerm], note: String) -> FlopsFormula {
    var r = FlopsFormula(layer, options)
    var map: [String: String] = [:]
    for t in terms {
      let keep = !same.contains { $0.symbol == t.symbol && $0.value != t.value }
      map[t.symbol] = keep ? t.symbol : t.symbol + suffix
      r.terms.append(
        FlopsTerm(
          symbol: map[t.symbol] ?? t.symbol, value: t.value, source: t.source,
          meaning: t.meaning + (keep ? "" : " (\(note))")))
    }
    for p in parts {
      var q = p
      q.symbols = p.symbols.map { map[$0] ?? $0 }
      r.parts.append(q)
    }
    return r
  }
}
