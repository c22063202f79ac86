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
  let source: String
  let a = ConvArguments.byRank[rank - 1]
  var args: [ArgumentSpec] = []
  switch variant {
  case .transpose:
    name = "Conv\(rank)DTranspose"
    source =
      "layers/convolutional/conv\(rank)d_transpose.py, base_conv_transpose.py; utils/conv_utils.py"
    args.append(a.filters)
  case .depthwise:
    name = "DepthwiseConv\(rank)D"
    source =
      "layers/convolutional/depthwise_conv\(rank)d.py, base_depthwise_conv.py; ops/operation_utils.py"
  case .separable:
    name = "SeparableConv\(rank)D"
    source =
      "layers/convolutional/separable_conv\(rank)d.py, base_separable_conv.py; ops/operation_utils.py"
    args.append(a.pointwiseFilters)
  }
  let stridesArgument = variant == .transpose ? a.transposeStrides : a.strides
  let paddingArgument =
    variant == .transpose ? ConvArguments.transposePadding : ConvArguments.validOrSame
  args += [
    a.kernelSize, stridesArgument, paddingArgument, a.dilationRate,
    ConvArguments.variantUseBias, kernelDataFormatArgument,
    variant == .transpose ? a.outputPadding : ConvArguments.depthMultiplier,
  ]
  let filtersArgument = variant == .separable ? a.pointwiseFilters : a.filters
  let example = convVariantExample(variant, rank: rank).add
  return LayerDescriptor(
    name: name, family: "Convolution",
    summary: variant == .transpose
      ? "transposed convolution: spreads each input position over a kernel-sized output window"
      : variant == .depthwise
        ? "each input channel convolved with its own kernels (no mixing of channels)"
        : "a depthwise convolution followed by a 1x1 (pointwise) convolution that mixes channels",
    source: source, arguments: args,
    inert: convVariantInert(variant),
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let filters = variant == .depthwise ? 0 : try r.int(filtersArgument, example: example)
      let window = try ConvWindow(
        reading: &r, a, strides: stridesArgument, padding: paddingArgument, example: example)
      let useBias = try r.bool(ConvArguments.variantUseBias)
      let multiplier =
        variant == .transpose ? 1 : try r.int(ConvArguments.depthMultiplier)
      var outputPadding: [Int]? = nil
      if variant == .transpose, let op = try r.optionalInts(a.outputPadding) {
        if zip(op, window.strides).contains(where: { $0 >= $1 }) {
          throw .invalidValue(
            argument: "output_padding",
            message: "must be strictly less than strides for all dimensions",
            at: r.arguments.first { $0.key == "output_padding" }!.valueSpan)
        }
        outputPadding = op
      }
      _ = try r.choice(kernelDataFormatArgument)
      // Keras refuses strides > 1 with dilation_rate > 1 in base_conv_transpose.py only: the
      // depthwise and separable convolutions take them together.
      if variant == .transpose { try r.refuseStridesWithDilation(window) }
      return ConvolutionVariant(
        variant: variant, name: name, rank: rank, filters: filters, window: window,
        useBias: useBias, multiplier: multiplier, outputPadding: outputPadding)
    })
}

/// The arguments each variant accepts without effect on the count, as its Keras class's
/// `__init__` names them: a transposed convolution has a kernel; a depthwise one a
/// depthwise_kernel; a separable one a depthwise and a pointwise kernel. All have a bias.
func convVariantInert(_ variant: ConvVariant) -> [String] {
  let bias = ["activation", "bias_initializer", "bias_regularizer", "bias_constraint"]
  func kernel(_ name: String) -> [String] {
    ["\(name)_initializer", "\(name)_regularizer", "\(name)_constraint"]
  }
  switch variant {
  case .transpose: return bias + kernel("kernel")
  case .depthwise: return bias + kernel("depthwise")
  case .separable: return bias + kernel("depthwise") + kernel("pointwise")
  }
}

struct ConvolutionVariant: LayerModel {
  let variant: ConvVariant
  let name: String
  let rank: Int
  let filters: Int
  let window: ConvWindow
  let useBias: Bool
  let multiplier: Int
  let outputPadding: [Int]?
  var typeName: String { name }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    try requireRank(input, rank)
    let c = try knownLast(input, name)
    var out: [Int?]
    if variant == .transpose {
      out = []
      for i in 0..<rank {
        let length = try window.transposedLength(
          input.dims[i], i, outputPadding: outputPadding)
        if let length, length <= 0 {
          throw .reason("computed output size would be zero or negative")
        }
        out.append(length)
      }
    } else {
      out = try window.outputs(input)
    }
    let cm: Int
    do { cm = try Checked.multiply(c, multiplier) } catch { throw .overflow("the channel count") }
    var w: [Weight] = []
    switch variant {
    case .transpose:
      out.append(filters)
      w.append(try Weight("kernel", window.kernel + [filters, c]))
      if useBias { w.append(try Weight("bias", [filters])) }
    case .depthwise:
      out.append(cm)
      w.append(try Weight("kernel", window.kernel + [c, multiplier]))
      if useBias { w.append(try Weight("bias", [cm])) }
    case .separable:
      out.append(filters)
      w.append(try Weight("depthwise_kernel", window.kernel + [c, multiplier]))
      w.append(try Weight("pointwise_kernel", Array(repeating: 1, count: rank) + [cm, filters]))
      if useBias { w.append(try Weight("bias", [filters])) }
    }
    return try Inference(output: Shape(out), weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let c = input.last ?? 0
    let k = window.taps
    let b = useBias ? " + 1" : ""
    var terms = window.kernelTerms(given, axes: spatialAxisNames(rank)) { _, reach in
      variant == .transpose
        ? "each kernel spreads an input position over " + reach + " of the output"
        : "each kernel looks at " + reach
    }
    terms.append(Term("input_channels", c, .inputShape, "the last dimension of the input"))
    let formula: String
    switch variant {
    case .transpose:
      formula = "(\(k) * input_channels\(b)) * filters"
      terms.append(
        Term(
          "filters", filters, .argument,
          "output channels: each has a kernel over all input channels"))
    case .depthwise:
      formula = "(\(k)\(b)) * input_channels * depth_multiplier"
      terms.append(
        Term(
          "depth_multiplier", multiplier, given.source("depth_multiplier"),
          "kernels per input channel; output channels = input_channels × depth_multiplier"))
    case .separable:
      formula =
        "\(k) * input_channels * depth_multiplier + (input_channels * depth_multiplier\(b)) * filters"
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
      formula: formula, terms: terms,
      shapeRule: variant == .transpose
        ? ([window.header(input, inference.output)]
          + (0..<rank).map {
            window.transposedRule(
              $0, input.dims[$0], inference.output.dims[$0], outputPadding: outputPadding)
          }
          + ["channels: filters = \(Format.thousands(filters))"]).joined(separator: "\n")
        : (window.rules(input, inference.output)
          + [
            variant == .depthwise
              ? "channels: input_channels × depth_multiplier = \(Format.thousands(c)) × \(Format.thousands(multiplier)) = \(inference.output.last.map(Format.thousands) ?? "?")"
              : "channels: filters = \(Format.thousands(filters))"
          ]).joined(separator: "\n"),
      notes: [ConvWindow.note],
      parts: variant == .separable ? separableParts(c, inference.weights) : [])
  }

  /// A separable convolution's two steps: the depthwise kernels, then the 1x1 pointwise kernel
  /// (with the bias, added after it).
  func separableParts(_ c: Int, _ weights: [Weight]) -> [Part] {
    weights.map { w in
      switch w.name {
      case "depthwise_kernel":
        return .weight(
          w, window.kernel.map(String.init) + ["\(c)", "\(multiplier)"],
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

/// A transposed convolution's window: the output length of each axis and its rule.
extension ConvWindow {
  /// Keras's deconv_output_length, with k = kernel + (kernel - 1) * (dilation - 1), the dilated
  /// kernel: `d * s` (same), `d * s + max(k - s, 0)` (valid), and with output_padding
  /// `(d - 1) * s + k - 2 * pad + output_padding`, pad = k // 2 (same) or 0 (valid).
  func transposedLength(_ d: Int?, _ i: Int, outputPadding: [Int]?) throws(Refusal) -> Int? {
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
  func transposedRule(_ i: Int, _ d: Int?, _ out: Int?, outputPadding: [Int]?) -> String {
    let axis = spatialAxisNames(rank)[i]
    let s = strides[i]
    let (gaps, overflow) = dilation[i].multipliedReportingOverflow(by: kernel[i] - 1)
    if overflow || (d != nil && out == nil) { return axis + ": see Keras's deconv_output_length" }
    let k = gaps + 1
    let t = Format.thousands
    var line = axis + ": "
    if dilation[i] > 1 {
      line += "span = \(t(dilation[i])) × (\(t(kernel[i])) - 1) + 1 = \(t(k)); "
    }
    // The rule with the length written as `n` (a number, or L when it is unknown).
    let n = d.map(t) ?? "L"
    let rule: String
    if let op = outputPadding?[i] {
      let pad = padding == "same" ? " - 2 × \(t(k / 2))" : ""
      rule = "(\(n) - 1) × \(t(s)) + \(t(k))\(pad) + \(t(op))"
    } else if padding == "same" || k <= s {
      rule = "\(n) × \(t(s))"
    } else {
      rule = "\(n) × \(t(s)) + \(t(k)) - \(t(s))"
    }
    guard let out else { return line + "a length L becomes " + rule }
    return line + rule + " = \(t(out))"
  }
}
