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

/// The arguments of the convolutions of one rank (plain, transposed, depthwise and separable),
/// each declared once for `help` and for reading; made once per rank.
struct ConvArguments: Sendable {
  let filters: ArgumentSpec
  let pointwiseFilters: ArgumentSpec
  let kernelSize: ArgumentSpec
  let strides: ArgumentSpec
  /// A transposed convolution's strides: the upsampling factor.
  let transposeStrides: ArgumentSpec
  /// Conv1D's padding, which may be causal; the others take valid or same.
  let padding: ArgumentSpec
  let dilationRate: ArgumentSpec
  let outputPadding: ArgumentSpec
  static let groups = ArgumentSpec(
    "groups", .integer(min: 1), default: 1, .count,
    "split the channels into groups convolved separately")
  static let useBias = ArgumentSpec(
    "use_bias", .bool, default: true, .count, "add one bias per filter")
  static let variantUseBias = ArgumentSpec("use_bias", .bool, default: true, .count, "add biases")
  static let validOrSame = windowPaddingArgument(causal: false)
  /// A transposed convolution's padding: `same` multiplies each length by strides.
  static let transposePadding = ArgumentSpec(
    "padding", .choice(["valid", "same"]), default: "valid", .shape,
    "same: each length × strides; valid: length × strides + max(kernel - strides, 0)",
    lowercased: true)
  static let depthMultiplier = ArgumentSpec(
    "depth_multiplier", .integer(min: 1), default: 1, .count, "kernels per input channel")

  init(rank: Int) {
    filters = ArgumentSpec(
      "filters", .integer(min: 1), default: .required, .count,
      "number of kernels = output channels")
    pointwiseFilters = ArgumentSpec(
      "filters", .integer(min: 1), default: .required, .count,
      "number of pointwise kernels = output channels")
    kernelSize = ArgumentSpec(
      "kernel_size", .integers(count: rank, min: 1), default: .required, .count,
      "size of each kernel (one integer for all axes)")
    strides = ArgumentSpec(
      "strides", .integers(count: rank, min: 1), default: 1, .shape,
      "step between kernel positions")
    transposeStrides = ArgumentSpec(
      "strides", .integers(count: rank, min: 1), default: 1, .shape,
      "upsampling factor: each input step becomes strides output steps")
    padding = rank == 1 ? windowPaddingArgument(causal: true) : ConvArguments.validOrSame
    dilationRate = ArgumentSpec(
      "dilation_rate", .integers(count: rank, min: 1), default: 1, .shape,
      "spacing between the taps of a kernel")
    outputPadding = ArgumentSpec(
      "output_padding", .integers(count: rank, min: 0), default: .none, .shape,
      "extra size added to one side of each output axis")
  }

  static let byRank = (1...3).map(ConvArguments.init)
}

func convDescriptor(rank: Int) -> LayerDescriptor {
  let name = "Conv\(rank)D"
  let example = convRequiredExample(rank: rank)
  let a = ConvArguments.byRank[rank - 1]
  return LayerDescriptor(
    name: name, family: "Convolution",
    summary:
      "\(rank)-D convolution: `filters` kernels slide over the input, each spanning all its channels",
    source: "layers/convolutional/conv\(rank)d.py, base_conv.py; ops/operation_utils.py",
    arguments: [
      a.filters, a.kernelSize, a.strides, a.padding, a.dilationRate, ConvArguments.groups,
      ConvArguments.useBias, kernelDataFormatArgument, loraRankArgument,
    ],
    inert: kernelInertArguments + ["lora_alpha"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let filters = try r.int(a.filters, example: example)
      let window = try ConvWindow(reading: &r, a, padding: a.padding, example: example)
      let groups = try r.int(ConvArguments.groups)
      let useBias = try r.bool(ConvArguments.useBias)
      _ = try r.choice(kernelDataFormatArgument)
      let lora = try r.loraRank(constraint: "kernel_constraint", what: "kernel")
      if filters % groups != 0 {
        throw .invalidValue(
          argument: "groups",
          message:
            "the number of filters must be evenly divisible by the number of groups. Received: groups=\(groups), filters=\(filters)",
          at: r.arguments.first { $0.key == "groups" }!.valueSpan)
      }
      try r.refuseStridesWithDilation(window)
      return Convolution(
        rank: rank, filters: filters, window: window, groups: groups, useBias: useBias, lora: lora)
    })
}

extension ArgumentReader {
  /// Keras refuses `strides > 1` together with `dilation_rate > 1` (base_conv.py).
  func refuseStridesWithDilation(_ w: ConvWindow) throws(ParamCalcError) {
    if w.strides.max()! > 1 && w.dilation.max()! > 1 {
      throw .invalidValue(
        argument: "strides",
        message: "strides > 1 not supported in conjunction with dilation_rate > 1",
        at: arguments.first { $0.key == "strides" }!.valueSpan)
    }
  }
}

struct Convolution: LayerModel {
  let rank: Int
  let filters: Int
  let window: ConvWindow
  let groups: Int
  let useBias: Bool
  /// `lora_rank` when LoRA is on (a positive rank), else nil.
  var lora: Int? = nil
  var typeName: String { "Conv\(rank)D" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    try requireRank(input, rank)
    let channels = try knownLast(input, typeName)
    if channels % groups != 0 {
      throw .reason(
        "the number of input channels must be evenly divisible by the number of groups. Received groups=\(groups), but the input has \(channels) channels (full input shape is \(input.description))"
      )
    }
    var out = try window.outputs(input)
    out.append(filters)
    // With LoRA (base_conv.py's enable_lora), the kernel is frozen and lora_kernel_a (the
    // kernel's shape with rank in place of filters) and lora_kernel_b (rank, filters) follow.
    let kernelShape = window.kernel + [channels / groups]
    var w = [try Weight("kernel", kernelShape + [filters], trainable: lora == nil)]
    if useBias { w.append(try Weight("bias", [filters])) }
    if let r = lora {
      w.append(try Weight("lora_kernel_a", kernelShape + [r]))
      w.append(try Weight("lora_kernel_b", [r, filters]))
    }
    return try Inference(output: Shape(out), weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let channels = input.last ?? 0
    var taps = window.taps + " * input_channels"
    if groups > 1 { taps += " / groups" }
    var f = useBias ? "(\(taps) + 1) * filters" : "(\(taps)) * filters"
    if lora != nil { f += " + (\(taps) + filters) * lora_rank" }
    var terms = window.kernelTerms(given, axes: spatialAxisNames(rank)) { _, reach in
      "each filter looks at " + reach
    }
    let covers =
      groups > 1
      ? "the input's channels (last axis): each filter covers the \(Format.thousands(channels / groups)) of its group"
      : channels == 1
        ? "the input's channel (last axis): one, which each filter covers"
        : "the input's channels (last axis): each filter covers all \(Format.thousands(channels))"
    terms.append(Term("input_channels", channels, .inputShape, covers))
    if groups > 1 {
      terms.append(
        Term(
          "groups", groups, .argument,
          "the channels are split into \(Format.thousands(groups)) groups convolved separately, so each filter sees \(Format.thousands(channels / groups)) channels"
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
    var notes = [ConvWindow.note]
    var parts: [Part] = []
    if let r = lora {
      terms.append(
        Term(
          "lora_rank", r, .argument,
          "the rank of the LoRA update: lora_kernel_a is the kernel's shape with lora_rank in "
            + "place of filters, lora_kernel_b is lora_rank × filters; both are trained"))
      notes.insert(loraNote(r, frozen: "kernel"), at: 0)
      parts = loraParts(inference.weights, frozen: "kernel")
    }
    let rule =
      (window.rules(input, inference.output)
      + ["channels: filters = \(Format.thousands(filters))"]).joined(separator: "\n")
    return Explanation(formula: f, terms: terms, shapeRule: rule, notes: notes, parts: parts)
  }
}

let convolutionFamily = LayerFamily(
  "Convolution",
  note: """
    Output size per spatial axis (`compute_conv_output_shape` in `ops/operation_utils.py`): with \
    `padding=valid`, `floor((n - dilation*(k-1) - 1) / stride) + 1`, refused when it is zero or \
    less; with `same` and `causal` (Conv1D only), `floor((n - 1) / stride) + 1`; an unknown \
    length stays unknown. `strides > 1` together with `dilation_rate > 1` is refused for Conv*D \
    and Conv*DTranspose, as Keras does (depthwise and separable convolutions take it); the input channels must be divisible by `groups`, and `filters` too. A transposed \
    convolution's output (`deconv_output_length` in `utils/conv_utils.py`, with \
    `k' = k + (k-1)(dilation-1)`): `valid`: `n*stride + max(k' - stride, 0)`; `same`: \
    `n*stride`; with `output_padding` p: `(n-1)*stride + k' - 2*pad + p`. The seed article's \
    examples: Conv1D `(5 * 25 + 1) * 64 = 8,064` and Conv2D `(3 * 3 * 25 + 1) * 64 = 14,464`.
    """)
