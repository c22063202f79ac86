// Window geometry shared by convolutions and pooling: the output size of each spatial axis, its
// rule as explanations write it, and the names of the axes and kernel sizes; and `ConvWindow`,
// the one window of the convolutions (plain, transposed, depthwise, separable) and ConvLSTMs.
// Source: keras/src/ops/operation_utils.py compute_conv_output_shape and
// compute_pooling_output_shape (the same rule, with dilation 1 for pooling), and the input
// spec checks of keras/src/layers/convolutional/base_conv.py and pooling/base_pooling.py (Keras 3).

/// `data_format`, taken by every layer with spatial axes: where the channels are. A layer that
/// declares it is read with its channels first by `ChannelsFirst` (LayerDescriptor does it).
/// `effect`: `.count` for a layer whose kernels are sized by the channels (on a given input, the
/// axis read as channels changes the count), `.shape` for the others. Keras lower-cases it
/// (`standardize_data_format`) except in the adaptive poolings, which compare it as written.
func dataFormat(_ effect: ArgumentSpec.Effect, lowercased: Bool = true) -> ArgumentSpec {
  ArgumentSpec(
    "data_format", .choice(["channels_last", "channels_first", "none"]), default: "channels_last",
    effect,
    "where the channels are: last (28x28x1) or first after the batch (1x28x28); None: last",
    lowercased: lowercased)
}
let dataFormatArgument = dataFormat(.shape)
let kernelDataFormatArgument = dataFormat(.count)
/// The adaptive poolings' data_format (base_adaptive_pooling.py): compared as written.
let asWrittenDataFormatArgument = dataFormat(.shape, lowercased: false)

/// A layer given `data_format=channels_first`. Keras computes the same weights, with the same
/// shapes, whichever axis holds the channels (base_conv.py, base_pooling.py and the reshaping
/// layers only choose the spatial axes by it), so the layer's own rule is applied to the input
/// with its channels moved last, and the output's channels are moved back.
struct ChannelsFirst: LayerModel {
  let inner: any LayerModel
  /// The channels' axis, counted after the batch: 0, or 1 after a time axis (ConvLSTM).
  let axis: Int

  var typeName: String { inner.typeName }

  /// Where the channels are in a shape of `rank` axes, for an input of `inputRank`: at `axis`,
  /// less the axes the layer removed before it (ConvLSTM without return_sequences drops its time
  /// axis; a global pooling keeps only the channels).
  func channelAxis(_ rank: Int, inputRank: Int) -> Int {
    max(0, min(rank - 1, axis - (inputRank - rank)))
  }

  /// A shape as the layer reads or writes it: its channels moved to the end.
  func channelsLast(_ shape: Shape, inputRank: Int) -> Shape {
    guard shape.rank > 0 else { return shape }
    var dims = shape.dims
    let c = dims.remove(at: channelAxis(shape.rank, inputRank: inputRank))
    return Shape(dims + [c])
  }

  /// The layer's output with its channels (last) moved back to where the input had them.
  func channelsBack(_ output: Shape, inputRank: Int) -> Shape {
    guard output.rank > 0 else { return output }
    var dims = output.dims
    let c = dims.removeLast()
    dims.insert(c, at: channelAxis(output.rank, inputRank: inputRank))
    return Shape(dims)
  }

  /// A rank refusal of the inner layer, `expected an input of rank 4 (batch, 2 spatial axes,
  /// channels), found rank 3 with shape S`, said of the layout the layer reads with its channels
  /// first, `(batch, channels, 2 spatial axes)` (after the time axis for ConvLSTM), and of the
  /// input as given; nil for another refusal.
  func rankRefusal(_ why: String, _ input: Shape, read: Shape) -> String? {
    guard why.hasPrefix("expected an input of rank"),
      let open = why.firstRange(of: "(batch, "),
      let close = why.firstRange(of: ", channels), found rank")
    else { return nil }
    var axes = String(why[open.upperBound..<close.lowerBound])
    var lead = "batch, "
    if axis == 1, axes.hasPrefix("time, ") {
      lead += "time, "
      axes.removeFirst("time, ".count)
    }
    let rest = String(why[close.upperBound...])
      .replacing("with shape \(read.description)", with: "with shape \(input.description)")
    return why[..<open.lowerBound] + "(" + lead + "channels, " + axes + "), found rank" + rest
      + " (data_format=channels_first)"
  }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    guard input.rank > axis + 1 else {
      // Too few axes to move: the layer's own refusal says what it expects, of the channels
      // first.
      do { return try inner.infer(input) } catch .reason(let why) {
        throw .reason(rankRefusal(why, input, read: input) ?? why)
      } catch { throw error }
    }
    let moved = channelsLast(input, inputRank: input.rank)
    do {
      var inference = try inner.infer(moved)
      inference.output = channelsBack(inference.output, inputRank: input.rank)
      return inference
    } catch .reason(let why) {
      if let rank = rankRefusal(why, input, read: moved) { throw .reason(rank) }
      let read = moved.description
      throw .reason(
        why
          + (why.contains(read)
            ? " (data_format=channels_first: that is the input with its channels moved last)"
            : " (data_format=channels_first: read as \(read))"))
    } catch {
      throw error
    }
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let moved = channelsLast(input, inputRank: input.rank)
    var own = inference
    own.output = channelsLast(inference.output, inputRank: input.rank)
    var e = inner.explain(moved, own, given)
    let after = axis == 0 ? "batch" : "time steps"
    for i in e.terms.indices {
      e.terms[i].meaning = e.terms[i].meaning
        .replacing("(last axis)", with: "(channels_first: the axis after the \(after))")
        .replacing("the last dimension of the input", with: "the input's channels (channels_first)")
    }
    e.shapeRule =
      "channels_first: \(input.description) -> \(inference.output.description)\n"
      + "with the channels moved last, as the rule reads them:\n" + e.shapeRule
    return e
  }
}

/// `padding` of a convolution or pooling window. A convolution lower-cases it
/// (`standardize_padding`); a pooling compares it as written (`lowercased: false`).
func windowPaddingArgument(causal: Bool, lowercased: Bool = true) -> ArgumentSpec {
  ArgumentSpec(
    "padding", .choice(causal ? ["valid", "same", "causal"] : ["valid", "same"]),
    default: "valid", .shape,
    causal
      ? "valid adds none; same keeps ceil(size / strides); causal too, padding the left only"
      : "valid adds none; same keeps ceil(size / strides)", lowercased: lowercased)
}

func kernelSymbols(_ rank: Int) -> [String] {
  switch rank {
  case 1: return ["kernel_size"]
  case 2: return ["kernel_h", "kernel_w"]
  default: return ["kernel_d", "kernel_h", "kernel_w"]
  }
}

/// Checks the input has `rank` spatial axes plus channels, as Keras's input spec does.
func requireRank(_ input: Shape, _ spatial: Int) throws(Refusal) {
  if input.rank != spatial + 1 {
    throw .reason(
      "expected an input of rank \(spatial + 2) (batch, \(spatial == 1 ? "steps" : "\(spatial) spatial axes"), channels), found rank \(input.rank + 1) with shape \(input.description)"
    )
  }
}

/// Output size of one spatial axis of a convolution or pooling window (Keras's
/// compute_conv_output_shape): `nil` stays unknown; zero or less is refused.
func windowOutput(
  _ d: Int?, window: Int, stride: Int, dilation: Int, padding: String, input: Shape
) throws(Refusal) -> Int? {
  guard let d else { return nil }
  if padding == "valid" {
    // floor((d - dilation * (window - 1) - 1) / stride) + 1, overflow-checked.
    let span: Int
    let out: Int
    do {
      span = try Checked.add(try Checked.multiply(dilation, try Checked.subtract(window, 1)), 1)
      out = try Checked.add(Checked.floorDivide(try Checked.subtract(d, span), stride), 1)
    } catch { throw .overflow("the output size") }
    if out <= 0 {
      throw .reason(
        "computed output size would be zero or negative: an axis of size \(d) is smaller than the window of \(span) (input shape \(input.description))"
      )
    }
    return out
  }
  do {
    return try Checked.add(Checked.floorDivide(try Checked.subtract(d, 1), stride), 1)
  } catch { throw .overflow("the output size") }
}

/// What a kernel of `size` taps, `dilation` apart, reaches along an axis (`steps`, `rows`):
/// `5 consecutive steps`, `1 row`, `5 taps, 2 apart, spanning 9 steps`.
func kernelReach(_ size: Int, _ dilation: Int, _ axis: String) -> String {
  func unit(_ n: Int) -> String { n == 1 ? String(axis.dropLast()) : axis }
  let n = Format.thousands
  if dilation == 1 || size == 1 {
    return size == 1 ? "1 \(unit(1))" : "\(n(size)) consecutive \(axis)"
  }
  let (gaps, o1) = dilation.multipliedReportingOverflow(by: size - 1)
  let span = o1 ? "more than \(n(Int.max))" : n(gaps + 1)
  return "\(n(size)) taps, \(n(dilation)) apart, spanning \(span) \(axis)"
}

/// The names of the spatial axes of a rank-1, -2 or -3 input, for explanations.
func spatialAxisNames(_ rank: Int) -> [String] {
  rank == 1 ? ["steps"] : rank == 2 ? ["rows", "columns"] : ["frames", "rows", "columns"]
}

/// The output-size rule of one axis, written so that every expression equals the number after
/// it: `rows: 28 - 3 + 1 = 26`, `rows: ceil(28 / 2) = 14`, with a dilated kernel first its span
/// (`span = 2 × (3 - 1) + 1 = 5; 9 - 5 + 1 = 5`); an unknown length L is followed as L
/// (`L - 4`).
func windowRule(
  _ axis: String, _ d: Int?, _ out: Int?, window: Int, stride: Int, dilation: Int,
  padding: String
) -> String {
  let n = Format.thousands
  var line = axis + ": "
  if padding != "valid" {
    // Keras pads so that the output length is ceil(d / stride) (same; causal alike).
    guard let d else {
      return line
        + (stride == 1 ? "a length L stays L" : "a length L becomes ceil(L / \(n(stride)))")
    }
    if stride == 1 { return line + "\(n(d)), kept by padding=\(padding)" }
    return line + "ceil(\(n(d)) / \(n(stride))) = \(out.map(n) ?? "?")"
  }
  // The span of the kernel's taps: (window - 1) gaps of `dilation`, plus one. (The layer was
  // inferred, so with a known length the span fits; with L it is written as it is.)
  let spanValue = dilation.multipliedReportingOverflow(by: window - 1)
  let span =
    spanValue.overflow
    ? "(\(n(dilation)) × (\(n(window)) - 1) + 1)" : n(spanValue.partialValue + 1)
  if dilation > 1 { line += "span = \(n(dilation)) × (\(n(window)) - 1) + 1 = \(span); " }
  guard let d, let out else {
    if stride == 1 {
      let less =
        spanValue.overflow
        ? " - \(span) + 1" : (span == "1" ? "" : " - \(n(spanValue.partialValue))")
      return line + "a length L becomes L" + less
    }
    return line + "a length L becomes floor((L - \(span)) / \(n(stride))) + 1"
  }
  if stride == 1 { return line + "\(n(d)) - \(span) + 1 = \(n(out))" }
  return line + "floor((\(n(d)) - \(span)) / \(n(stride))) + 1 = \(n(out))"
}

/// The output sizes of all spatial axes (Keras's compute_conv_output_shape and
/// compute_pooling_output_shape, which are the same rule with dilation 1 for pooling).
/// The input's axes are read from `dims[first]` (a ConvLSTM's after its time axis).
func windowOutputs(
  _ input: Shape, window: [Int], strides: [Int], dilation: [Int], padding: String,
  from first: Int = 0
) throws(Refusal) -> [Int?] {
  var out: [Int?] = []
  out.reserveCapacity(window.count + 1)
  for i in window.indices {
    out.append(
      try windowOutput(
        input.dims[first + i], window: window[i], stride: strides[i], dilation: dilation[i],
        padding: padding, input: input))
  }
  return out
}

/// Strides as written in explanations: `2` when all axes share it, `(1, 2, 2)` otherwise.
func stridesText(_ strides: [Int]) -> String {
  Set(strides).count == 1
    ? "\(strides[0])" : "(" + strides.map(String.init).joined(separator: ", ") + ")"
}

/// The first line of a window's shape rule: `padding=same, strides=2: (in) -> (out)`, with
/// `also` (`, return_sequences=true`) after the strides.
func windowHeader(
  padding: String, strides: [Int], also: String = "", _ input: Shape, _ output: Shape
) -> String {
  "padding=\(padding), strides=\(stridesText(strides))\(also): \(input.description) -> \(output.description)"
}

/// The output-size rules of all spatial axes, for explanations: a line naming the padding and
/// strides with the shapes, then one line per axis.
func windowRules(
  _ input: Shape, _ output: Shape, window: [Int], strides: [Int], dilation: [Int], padding: String
) -> [String] {
  ConvWindow(kernel: window, strides: strides, padding: padding, dilation: dilation)
    .rules(input, output)
}

/// The window of a convolution, a transposed, depthwise or separable one, or a ConvLSTM: its
/// kernel, strides, padding and dilation, read from the arguments in one order for all of them,
/// with the output sizes, the kernel's terms and the shape rule they give, written once.
struct ConvWindow: Sendable, Equatable {
  let kernel: [Int]
  let strides: [Int]
  let padding: String
  let dilation: [Int]

  var rank: Int { kernel.count }

  init(kernel: [Int], strides: [Int], padding: String, dilation: [Int]) {
    self.kernel = kernel
    self.strides = strides
    self.padding = padding
    self.dilation = dilation
  }

  /// Reads kernel_size (required: `example` is the line that gives it), strides, padding and
  /// dilation_rate, in that order, by the declarations of `a` (`strides` and `padding` when the
  /// layer declares its own).
  init(
    reading r: inout ArgumentReader, _ a: ConvArguments, strides: ArgumentSpec? = nil,
    padding: ArgumentSpec, example: String
  ) throws(ParamCalcError) {
    kernel = try r.ints(a.kernelSize, example: example)
    self.strides = try r.ints(strides ?? a.strides)
    self.padding = try r.choice(padding)
    dilation = try r.ints(a.dilationRate)
  }

  /// The kernel's size in symbols, as formulas write it: `kernel_h * kernel_w`.
  var taps: String { kernelSymbols(rank).joined(separator: " * ") }

  /// What every layer with a window says of it.
  static let note = "strides, padding and dilation_rate change the output shape, never the count"

  /// The output size of each spatial axis, the first at `dims[first]` of the input (a ConvLSTM's
  /// after its time axis).
  func outputs(_ input: Shape, from first: Int = 0) throws(Refusal) -> [Int?] {
    try windowOutputs(
      input, window: kernel, strides: strides, dilation: dilation, padding: padding, from: first)
  }

  /// One term per axis of the kernel, `kernel_h = 3` (from kernel_size), its meaning said by
  /// `meaning` from the axis and what the kernel reaches along it (`3 consecutive rows`).
  func kernelTerms(
    _ given: Given, axes: [String], _ meaning: (_ axis: Int, _ reach: String) -> String
  ) -> [Term] {
    let symbols = kernelSymbols(rank)
    return kernel.indices.map { i in
      Term(
        symbols[i], kernel[i], given.source("kernel_size"),
        meaning(i, kernelReach(kernel[i], dilation[i], axes[i])))
    }
  }

  /// The shape rule's first line: `padding=valid, strides=2: (in) -> (out)`, with `also` after
  /// the strides.
  func header(_ input: Shape, _ output: Shape, also: String = "") -> String {
    windowHeader(padding: padding, strides: strides, also: also, input, output)
  }

  /// The shape rule of the spatial axes: the header, then a line per axis.
  func rules(_ input: Shape, _ output: Shape) -> [String] {
    [header(input, output)] + axisRules(input, output, names: spatialAxisNames(rank))
  }

  /// The rule of each spatial axis, `rows: 28 - 3 + 1 = 26`, the input's axes from `dims[from]`
  /// and the output's from `dims[to]`.
  func axisRules(
    _ input: Shape, _ output: Shape, names: [String], from: Int = 0, to: Int = 0
  ) -> [String] {
    kernel.indices.map {
      windowRule(
        names[$0], input.dims[from + $0], output.dims[to + $0], window: kernel[$0],
        stride: strides[$0], dilation: dilation[$0], padding: padding)
    }
  }
}
