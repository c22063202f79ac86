// Convolutions: Conv1D, Conv2D, Conv3D.
// Source: keras/src/layers/convolutional/base_conv.py (weights, checks) and
// keras/src/ops/operation_utils.py compute_conv_output_shape (output sizes), Keras 3.

let convolutionLayers: [LayerDescriptor] = (1...3).map { convDescriptor(rank: $0) }

/// An input of each rank for the examples: steps, rows and columns, or three spatial axes, then
/// channels.
let exampleInputs = ["(None,25)", "(28,28,3)", "(8,8,8,2)"]

/// The example a missing `filters` or `kernel_size` gives: small, so that it fits most inputs.
func convRequiredExample(rank: Int) -> String { "add conv\(rank)d filters=32 kernel_size=3" }

/// The example `help` ends with: the seed article's Conv1D; the required example for the others.
func convExample(rank: Int) -> LayerExample {
  LayerExample(
    exampleInputs[rank - 1],
    rank == 1 ? "add conv1d filters=64 kernel_size=5" : convRequiredExample(rank: rank))
}

let convolutionExamples =
  (1...3).map { convExample(rank: $0) }
  + (1...3).map { convVariantExample(.transpose, rank: $0) }
  + (1...2).map { convVariantExample(.depthwise, rank: $0) }
  + (1...2).map { convVariantExample(.separable, rank: $0) }

func convDescriptor(rank: Int) -> LayerDescriptor {
  let name = "Conv\(rank)D"
  let example = convRequiredExample(rank: rank)
  let paddings = rank == 1 ? ["valid", "same", "causal"] : ["valid", "same"]
  return LayerDescriptor(
    name: name, family: "Convolution",
    summary:
      "\(rank)-D convolution: `filters` kernels slide over the input, each spanning all its channels",
    formula: "(" + kernelSymbols(rank).joined(separator: " * ")
      + " * input_channels / groups + 1) * filters",
    arguments: [
      ArgumentSpec("filters", "required", "number of kernels = output channels"),
      ArgumentSpec("kernel_size", "required", "size of each kernel (one integer for all axes)"),
      ArgumentSpec("strides", "1", "step between kernel positions"),
      ArgumentSpec("padding", "valid", paddings.joined(separator: ", ")),
      ArgumentSpec("dilation_rate", "1", "spacing between the taps of a kernel"),
      ArgumentSpec("groups", "1", "split the channels into groups convolved separately"),
      ArgumentSpec("use_bias", "true", "add one bias per filter"),
      ArgumentSpec("data_format", "channels_last", "channels_last only"),
    ],
    inert: weightInertArguments,
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let filters = try r.int("filters", example: example)
      let kernel = try r.ints("kernel_size", count: rank, example: example)
      let strides = try r.ints("strides", count: rank, default: Array(repeating: 1, count: rank))
      let padding = try r.choice("padding", paddings, default: "valid")
      let dilation = try r.ints(
        "dilation_rate", count: rank, default: Array(repeating: 1, count: rank))
      let groups = try r.int("groups", default: 1)
      let useBias = try r.bool("use_bias", default: true)
      _ = try r.choice("data_format", ["channels_last"], default: "channels_last")
      if filters % groups != 0 {
        throw .invalidValue(
          argument: "groups",
          message:
            "the number of filters must be evenly divisible by the number of groups. Received: groups=\(groups), filters=\(filters)",
          at: r.arguments.first { $0.key == "groups" }!.valueSpan)
      }
      try r.refuseStridesWithDilation(strides, dilation)
      return Convolution(
        rank: rank, filters: filters, kernel: kernel, strides: strides, padding: padding,
        dilation: dilation, groups: groups, useBias: useBias)
    })
}

extension ArgumentReader {
  /// Keras refuses `strides > 1` together with `dilation_rate > 1` (base_conv.py).
  func refuseStridesWithDilation(_ strides: [Int], _ dilation: [Int]) throws(ParamCalcError) {
    if strides.max()! > 1 && dilation.max()! > 1 {
      throw .invalidValue(
        argument: "strides",
        message: "strides > 1 not supported in conjunction with dilation_rate > 1",
        at: arguments.first { $0.key == "strides" }!.valueSpan)
    }
  }
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
  if dilation == 1 || size == 1 {
    return size == 1 ? "1 \(unit(1))" : "\(size) consecutive \(axis)"
  }
  let (gaps, o1) = dilation.multipliedReportingOverflow(by: size - 1)
  let span = o1 ? "more than \(Int.max)" : "\(gaps + 1)"
  return "\(size) taps, \(dilation) apart, spanning \(span) \(axis)"
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
  var line = axis + ": "
  if padding != "valid" {
    // Keras pads so that the output length is ceil(d / stride) (same; causal alike).
    guard let d else {
      return line + (stride == 1 ? "a length L stays L" : "a length L becomes ceil(L / \(stride))")
    }
    if stride == 1 { return line + "\(d), kept by padding=\(padding)" }
    return line + "ceil(\(d) / \(stride)) = \(out.map(String.init) ?? "?")"
  }
  // The span of the kernel's taps: (window - 1) gaps of `dilation`, plus one. (The layer was
  // inferred, so with a known length the span fits; with L it is written as it is.)
  let spanValue = dilation.multipliedReportingOverflow(by: window - 1)
  let span =
    spanValue.overflow ? "(\(dilation) × (\(window) - 1) + 1)" : String(spanValue.partialValue + 1)
  if dilation > 1 { line += "span = \(dilation) × (\(window) - 1) + 1 = \(span); " }
  guard let d, let out else {
    if stride == 1 {
      let less =
        spanValue.overflow ? " - \(span) + 1" : (span == "1" ? "" : " - \(spanValue.partialValue)")
      return line + "a length L becomes L" + less
    }
    return line + "a length L becomes floor((L - \(span)) / \(stride)) + 1"
  }
  if stride == 1 { return line + "\(d) - \(span) + 1 = \(out)" }
  return line + "floor((\(d) - \(span)) / \(stride)) + 1 = \(out)"
}

/// The output sizes of all spatial axes (Keras's compute_conv_output_shape and
/// compute_pooling_output_shape, which are the same rule with dilation 1 for pooling).
func windowOutputs(
  _ input: Shape, window: [Int], strides: [Int], dilation: [Int], padding: String
) throws(Refusal) -> [Int?] {
  var out: [Int?] = []
  out.reserveCapacity(window.count + 1)
  for i in window.indices {
    out.append(
      try windowOutput(
        input.dims[i], window: window[i], stride: strides[i], dilation: dilation[i],
        padding: padding, input: input))
  }
  return out
}

/// Strides as written in explanations: `2` when all axes share it, `(1, 2, 2)` otherwise.
func stridesText(_ strides: [Int]) -> String {
  Set(strides).count == 1
    ? "\(strides[0])" : "(" + strides.map(String.init).joined(separator: ", ") + ")"
}

/// The output-size rules of all spatial axes, for explanations: a line naming the padding and
/// strides with the shapes, then one line per axis.
func windowRules(
  _ input: Shape, _ output: Shape, window: [Int], strides: [Int], dilation: [Int], padding: String
) -> [String] {
  let names = spatialAxisNames(window.count)
  return [
    "padding=\(padding), strides=\(stridesText(strides)): \(input.description) -> \(output.description)"
  ]
    + window.indices.map {
      windowRule(
        names[$0], input.dims[$0], output.dims[$0], window: window[$0], stride: strides[$0],
        dilation: dilation[$0], padding: padding)
    }
}

struct Convolution: LayerModel {
  let rank: Int
  let filters: Int
  let kernel: [Int]
  let strides: [Int]
  let padding: String
  let dilation: [Int]
  let groups: Int
  let useBias: Bool
  var typeName: String { "Conv\(rank)D" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    try requireRank(input, rank)
    let channels = try knownLast(input, typeName)
    if channels % groups != 0 {
      throw .reason(
        "the number of input channels must be evenly divisible by the number of groups. Received groups=\(groups), but the input has \(channels) channels (full input shape is \(input.description))"
      )
    }
    var out = try windowOutputs(
      input, window: kernel, strides: strides, dilation: dilation, padding: padding)
    out.append(filters)
    var w = [try Weight("kernel", kernel + [channels / groups, filters])]
    if useBias { w.append(try Weight("bias", [filters])) }
    return try Inference(output: Shape(out), weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let channels = input.last ?? 0
    let syms = kernelSymbols(rank)
    var f = syms.joined(separator: " * ") + " * input_channels"
    var s = kernel.map(String.init).joined(separator: " * ") + " * \(channels)"
    if groups > 1 {
      f += " / groups"
      s += " / \(groups)"
    }
    if useBias {
      f = "(\(f) + 1) * filters"
      s = "(\(s) + 1) * \(filters)"
    } else {
      f = "(\(f)) * filters"
      s = "(\(s)) * \(filters)"
    }
    var terms: [Term] = []
    let axes = spatialAxisNames(rank)
    for i in 0..<rank {
      terms.append(
        Term(
          syms[i], kernel[i], given.source("kernel_size"),
          "each filter looks at " + kernelReach(kernel[i], dilation[i], axes[i])))
    }
    let covers =
      groups > 1
      ? "the input's channels (last axis): each filter covers the \(channels / groups) of its group"
      : channels == 1
        ? "the input's channel (last axis): one, which each filter covers"
        : "the input's channels (last axis): each filter covers all \(channels)"
    terms.append(Term("input_channels", channels, .inputShape, covers))
    if groups > 1 {
      terms.append(
        Term(
          "groups", groups, .argument,
          "the channels are split into \(groups) groups convolved separately, so each filter sees \(channels / groups) channels"
        ))
    }
    if useBias {
      terms.append(
        Term(
          "1", 1, given.source("use_bias"),
          "the bias: one per filter, added to its sum (use_bias=true)"))
    }
    terms.append(
      Term(
        "filters", filters, given.source("filters"),
        "the number of filters; each one produces one output channel"))
    let rule =
      (windowRules(
        input, inference.output, window: kernel, strides: strides, dilation: dilation,
        padding: padding) + ["channels: filters = \(filters)"]).joined(separator: "\n")
    return Explanation(
      formula: f, substituted: s, terms: terms, shapeRule: rule,
      notes: ["strides, padding and dilation_rate change the output shape, never the count"])
  }
}

// Transposed, depthwise and separable convolutions.
// Source: keras/src/layers/convolutional/base_conv_transpose.py, base_depthwise_conv.py,
// base_separable_conv.py; output length of a transposed convolution: deconv_output_length in
// keras/src/utils/conv_utils.py (Keras 3).

let convolutionVariantLayers: [LayerDescriptor] =
  (1...3).map { convVariantDescriptor(.transpose, rank: $0) }
  + (1...2).map { convVariantDescriptor(.depthwise, rank: $0) }
  + (1...2).map { convVariantDescriptor(.separable, rank: $0) }

enum ConvVariant: Sendable {
  case transpose, depthwise, separable
}

func convVariantExample(_ variant: ConvVariant, rank: Int) -> LayerExample {
  let name =
    variant == .transpose
    ? "conv\(rank)dtranspose"
    : variant == .depthwise ? "depthwiseconv\(rank)d" : "separableconv\(rank)d"
  return LayerExample(
    exampleInputs[rank - 1],
    "add \(name)\(variant == .depthwise ? "" : " filters=16") kernel_size=3")
}

func convVariantDescriptor(_ variant: ConvVariant, rank: Int) -> LayerDescriptor {
  let name: String
  let formula: String
  var args: [ArgumentSpec] = []
  let k = kernelSymbols(rank).joined(separator: " * ")
  switch variant {
  case .transpose:
    name = "Conv\(rank)DTranspose"
    formula = "(\(k) * input_channels + 1) * filters"
    args.append(ArgumentSpec("filters", "required", "number of kernels = output channels"))
  case .depthwise:
    name = "DepthwiseConv\(rank)D"
    formula = "(\(k) + 1) * input_channels * depth_multiplier"
  case .separable:
    name = "SeparableConv\(rank)D"
    formula =
      "\(k) * input_channels * depth_multiplier + (input_channels * depth_multiplier + 1) * filters"
    args.append(
      ArgumentSpec("filters", "required", "number of pointwise kernels = output channels"))
  }
  args += [
    ArgumentSpec("kernel_size", "required", "size of each kernel (one integer for all axes)"),
    ArgumentSpec("strides", "1", "step between kernel positions"),
    ArgumentSpec("padding", "valid", "valid or same"),
    ArgumentSpec("dilation_rate", "1", "spacing between the taps of a kernel"),
    ArgumentSpec("use_bias", "true", "add biases"),
    ArgumentSpec("data_format", "channels_last", "channels_last only"),
  ]
  if variant == .transpose {
    args.append(
      ArgumentSpec("output_padding", "None", "extra size added to one side of each output axis"))
  } else {
    args.append(ArgumentSpec("depth_multiplier", "1", "kernels per input channel"))
  }
  let example = convVariantExample(variant, rank: rank).add
  return LayerDescriptor(
    name: name, family: "Convolution",
    summary: variant == .transpose
      ? "transposed convolution: spreads each input position over a kernel-sized output window"
      : variant == .depthwise
        ? "each input channel convolved with its own kernels (no mixing of channels)"
        : "a depthwise convolution followed by a 1x1 (pointwise) convolution that mixes channels",
    formula: formula, arguments: args,
    inert: weightInertArguments + [
      "depthwise_initializer", "pointwise_initializer", "depthwise_regularizer",
      "pointwise_regularizer",
      "depthwise_constraint", "pointwise_constraint",
    ],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let filters = variant == .depthwise ? 0 : try r.int("filters", example: example)
      let kernel = try r.ints("kernel_size", count: rank, example: example)
      let ones = Array(repeating: 1, count: rank)
      let strides = try r.ints("strides", count: rank, default: ones)
      let padding = try r.choice("padding", ["valid", "same"], default: "valid")
      let dilation = try r.ints("dilation_rate", count: rank, default: ones)
      let useBias = try r.bool("use_bias", default: true)
      let multiplier = variant == .transpose ? 1 : try r.int("depth_multiplier", default: 1)
      var outputPadding: [Int]? = nil
      if variant == .transpose, let a = r.arguments.first(where: { $0.key == "output_padding" }) {
        if case .none = a.value {
          r.ignore(["output_padding"])
        } else {
          let op = try r.ints("output_padding", count: rank, min: 0)
          if zip(op, strides).contains(where: { $0 >= $1 }) {
            throw .invalidValue(
              argument: "output_padding",
              message: "must be strictly less than strides for all dimensions", at: a.valueSpan)
          }
          outputPadding = op
        }
      }
      _ = try r.choice("data_format", ["channels_last"], default: "channels_last")
      try r.refuseStridesWithDilation(strides, dilation)
      return ConvolutionVariant(
        variant: variant, name: name, rank: rank, filters: filters, kernel: kernel,
        strides: strides,
        padding: padding, dilation: dilation, useBias: useBias, multiplier: multiplier,
        outputPadding: outputPadding)
    })
}

struct ConvolutionVariant: LayerModel {
  let variant: ConvVariant
  let name: String
  let rank: Int
  let filters: Int
  let kernel: [Int]
  let strides: [Int]
  let padding: String
  let dilation: [Int]
  let useBias: Bool
  let multiplier: Int
  let outputPadding: [Int]?
  var typeName: String { name }

  /// Keras's deconv_output_length, with k = kernel + (kernel - 1) * (dilation - 1), the dilated
  /// kernel: `d * s` (same), `d * s + max(k - s, 0)` (valid), and with output_padding
  /// `(d - 1) * s + k - 2 * pad + output_padding`, pad = k // 2 (same) or 0 (valid).
  func transposedLength(_ d: Int?, _ i: Int) throws(Refusal) -> Int? {
    guard let d else { return nil }
    let s = strides[i]
    do {
      if padding == "same" {
        guard let op = outputPadding?[i] else { return try Checked.multiply(d, s) }
        // k - 2 * (k // 2) is the parity of k, known without k (which may not fit in 64 bits
        // when the length does): k is odd when the kernel is, or else when the dilation is even.
        let odd = kernel[i] % 2 == 1 || dilation[i] % 2 == 0 ? 1 : 0
        return try Checked.add(
          try Checked.add(try Checked.multiply(try Checked.subtract(d, 1), s), odd), op)
      }
      let k = try Checked.add(
        kernel[i],
        try Checked.multiply(
          try Checked.subtract(kernel[i], 1), try Checked.subtract(dilation[i], 1)))
      if let op = outputPadding?[i] {
        return try Checked.add(
          try Checked.add(try Checked.multiply(try Checked.subtract(d, 1), s), k), op)
      }
      return try Checked.add(try Checked.multiply(d, s), max(try Checked.subtract(k, s), 0))
    } catch { throw .overflow("the output size") }
  }

  /// The output-length rule of axis `i` of a transposed convolution, written so that it
  /// evaluates to the length printed (the span of a dilated kernel first, as for a convolution).
  func transposedRule(_ i: Int, _ d: Int?, _ out: Int?) -> String {
    let axis = spatialAxisNames(rank)[i]
    let s = strides[i]
    let (gaps, overflow) = dilation[i].multipliedReportingOverflow(by: kernel[i] - 1)
    if overflow || (d != nil && out == nil) { return axis + ": see Keras's deconv_output_length" }
    let k = gaps + 1
    var line = axis + ": "
    if dilation[i] > 1 { line += "span = \(dilation[i]) × (\(kernel[i]) - 1) + 1 = \(k); " }
    // The rule with the length written as `n` (a number, or L when it is unknown).
    let n = d.map(String.init) ?? "L"
    let rule: String
    if let op = outputPadding?[i] {
      let pad = padding == "same" ? " - 2 × \(k / 2)" : ""
      rule = "(\(n) - 1) × \(s) + \(k)\(pad) + \(op)"
    } else if padding == "same" || k <= s {
      rule = "\(n) × \(s)"
    } else {
      rule = "\(n) × \(s) + \(k) - \(s)"
    }
    guard let out else { return line + "a length L becomes " + rule }
    return line + rule + " = \(out)"
  }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    try requireRank(input, rank)
    let c = try knownLast(input, name)
    var out: [Int?]
    if variant == .transpose {
      out = []
      for i in 0..<rank {
        let length = try transposedLength(input.dims[i], i)
        if let length, length <= 0 {
          throw .reason("computed output size would be zero or negative")
        }
        out.append(length)
      }
    } else {
      out = try windowOutputs(
        input, window: kernel, strides: strides, dilation: dilation, padding: padding)
    }
    let cm: Int
    do { cm = try Checked.multiply(c, multiplier) } catch { throw .overflow("the channel count") }
    var w: [Weight] = []
    switch variant {
    case .transpose:
      out.append(filters)
      w.append(try Weight("kernel", kernel + [filters, c]))
      if useBias { w.append(try Weight("bias", [filters])) }
    case .depthwise:
      out.append(cm)
      w.append(try Weight("kernel", kernel + [c, multiplier]))
      if useBias { w.append(try Weight("bias", [cm])) }
    case .separable:
      out.append(filters)
      w.append(try Weight("depthwise_kernel", kernel + [c, multiplier]))
      w.append(try Weight("pointwise_kernel", Array(repeating: 1, count: rank) + [cm, filters]))
      if useBias { w.append(try Weight("bias", [filters])) }
    }
    return try Inference(output: Shape(out), weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let c = input.last ?? 0
    let syms = kernelSymbols(rank)
    let k = syms.joined(separator: " * ")
    let kv = kernel.map(String.init).joined(separator: " * ")
    let b = useBias ? " + 1" : ""
    var terms: [Term] = []
    let axes = spatialAxisNames(rank)
    for i in 0..<rank {
      terms.append(
        Term(
          syms[i], kernel[i], given.source("kernel_size"),
          variant == .transpose
            ? "each kernel spreads an input position over "
              + kernelReach(kernel[i], dilation[i], axes[i]) + " of the output"
            : "each kernel looks at " + kernelReach(kernel[i], dilation[i], axes[i])))
    }
    terms.append(Term("input_channels", c, .inputShape, "the last dimension of the input"))
    let formula: String
    let substituted: String
    switch variant {
    case .transpose:
      formula = "(\(k) * input_channels\(b)) * filters"
      substituted = "(\(kv) * \(c)\(b)) * \(filters)"
      terms.append(
        Term(
          "filters", filters, .argument,
          "output channels: each has a kernel over all input channels"))
    case .depthwise:
      formula = "(\(k)\(b)) * input_channels * depth_multiplier"
      substituted = "(\(kv)\(b)) * \(c) * \(multiplier)"
      terms.append(
        Term(
          "depth_multiplier", multiplier, given.source("depth_multiplier"),
          "kernels per input channel; output channels = input_channels × depth_multiplier"))
    case .separable:
      formula =
        "\(k) * input_channels * depth_multiplier + (input_channels * depth_multiplier\(b)) * filters"
      substituted = "\(kv) * \(c) * \(multiplier) + (\(c) * \(multiplier)\(b)) * \(filters)"
      terms.append(
        Term(
          "depth_multiplier", multiplier, given.source("depth_multiplier"),
          "depthwise kernels per input channel"))
      terms.append(
        Term(
          "filters", filters, .argument,
          "output channels of the 1x1 pointwise convolution that mixes the depthwise outputs"))
    }
    if useBias {
      terms.append(
        Term("1", 1, given.source("use_bias"), "one bias per output channel (use_bias=true)"))
    }
    return Explanation(
      formula: formula, substituted: substituted, terms: terms,
      shapeRule: variant == .transpose
        ? ([
          "padding=\(padding), strides=\(stridesText(strides)): \(input.description) -> \(inference.output.description)"
        ]
          + (0..<rank).map { transposedRule($0, input.dims[$0], inference.output.dims[$0]) }
          + ["channels: filters = \(filters)"]).joined(separator: "\n")
        : (windowRules(
          input, inference.output, window: kernel, strides: strides, dilation: dilation,
          padding: padding)
          + [
            variant == .depthwise
              ? "channels: input_channels × depth_multiplier = \(c) × \(multiplier) = \(inference.output.last.map(String.init) ?? "?")"
              : "channels: filters = \(filters)"
          ]).joined(separator: "\n"),
      notes: ["strides, padding and dilation_rate change the output shape, never the count"],
      parts: variant == .separable ? separableParts(c, inference.weights) : [])
  }

  /// A separable convolution's two steps: the depthwise kernels, then the 1x1 pointwise kernel
  /// (with the bias, added after it).
  func separableParts(_ c: Int, _ weights: [Weight]) -> [Part] {
    weights.map { w in
      switch w.name {
      case "depthwise_kernel":
        return .weight(
          w, kernel.map(String.init) + ["\(c)", "\(multiplier)"],
          detail: "depthwise step: each input channel convolved alone")
      case "pointwise_kernel":
        return .weight(
          w, ["\(c)", "\(multiplier)", "\(filters)"],
          detail: "pointwise step: a 1x1 convolution mixing the channels")
      default:
        return .weight(w, ["\(filters)"], detail: "one per output channel")
      }
    }
  }
}
