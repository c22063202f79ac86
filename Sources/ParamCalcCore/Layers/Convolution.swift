// Convolutions: Conv1D, Conv2D, Conv3D.
// Source: keras/src/layers/convolutional/base_conv.py (weights, checks) and
// keras/src/ops/operation_utils.py compute_conv_output_shape (output sizes), Keras 3.

let convolutionLayers: [LayerDescriptor] = (1...3).map { convDescriptor(rank: $0) }

func convDescriptor(rank: Int) -> LayerDescriptor {
  let name = "Conv\(rank)D"
  let example = "add \(name.lowercased()) filters=32 kernel_size=3"
  let paddings = rank == 1 ? ["valid", "same", "causal"] : ["valid", "same"]
  return LayerDescriptor(
    name: name, family: "Convolution",
    summary: "\(rank)-D convolution: `filters` kernels slide over the input, each spanning all its channels",
    formula: "(" + kernelSymbols(rank).joined(separator: " * ") + " * input_channels / groups + 1) * filters",
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
      let given = r.given
      let filters = try r.int("filters", example: example)
      let kernel = try r.ints("kernel_size", count: rank, example: example)
      let strides = try r.ints("strides", count: rank, default: Array(repeating: 1, count: rank))
      let padding = try r.choice("padding", paddings, default: "valid")
      let dilation = try r.ints("dilation_rate", count: rank, default: Array(repeating: 1, count: rank))
      let groups = try r.int("groups", default: 1)
      let useBias = try r.bool("use_bias", default: true)
      _ = try r.choice("data_format", ["channels_last"], default: "channels_last")
      if filters % groups != 0 {
        throw .invalidValue(
          argument: "groups",
          message: "the number of filters must be evenly divisible by the number of groups. Received: groups=\(groups), filters=\(filters)",
          at: r.arguments.first { $0.key == "groups" }!.valueSpan)
      }
      if strides.max()! > 1 && dilation.max()! > 1 {
        throw .invalidValue(
          argument: "strides",
          message: "strides > 1 not supported in conjunction with dilation_rate > 1",
          at: r.arguments.first { $0.key == "strides" }!.valueSpan)
      }
      return Convolution(
        rank: rank, filters: filters, kernel: kernel, strides: strides, padding: padding,
        dilation: dilation, groups: groups, useBias: useBias, given: given)
    })
}

func kernelSymbols(_ rank: Int) -> [String] {
  switch rank {
  case 1: return ["kernel_size"]
  case 2: return ["kernel_h", "kernel_w"]
  default: return ["kernel_d", "kernel_h", "kernel_w"]
  }
}

/// Checks the input has `rank` spatial axes plus channels, as Keras's input spec does.
func requireRank(_ input: Shape, _ spatial: Int, _ layer: String) throws(Refusal) {
  if input.rank != spatial + 1 {
    throw .reason(
      "expected an input of rank \(spatial + 2) (batch, \(spatial == 1 ? "steps" : "\(spatial) spatial axes"), channels), found rank \(input.rank + 1) with shape \(input.description)")
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
      span = try Checked.add(try Checked.multiply(dilation, window - 1), 1)
      out = Checked.floorDivide(try Checked.subtract(d, span), stride) + 1
    } catch { throw .overflow("the output size") }
    if out <= 0 {
      throw .reason(
        "computed output size would be zero or negative: an axis of size \(d) is smaller than the window of \(span) (input shape \(input.description))")
    }
    return out
  }
  return Checked.floorDivide(d - 1, stride) + 1
}

/// The text of the output-size rule of one axis with its numbers.
func windowRule(_ d: Int?, _ out: Int?, window: Int, stride: Int, dilation: Int, padding: String) -> String {
  let inText = d.map(String.init) ?? "None"
  let outText = out.map(String.init) ?? "None"
  if padding == "valid" {
    let w = dilation == 1 ? "\(window)" : "\(dilation)*(\(window)-1)+1"
    return "floor((\(inText) - \(w)) / \(stride)) + 1 = \(outText)"
  }
  return "ceil(\(inText) / \(stride)) = \(outText)"
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
  let given: Given
  var typeName: String { "Conv\(rank)D" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    try requireRank(input, rank, typeName)
    let channels = try knownLast(input, typeName)
    if channels % groups != 0 {
      throw .reason(
        "the number of input channels must be evenly divisible by the number of groups. Received groups=\(groups), but the input has \(channels) channels (full input shape is \(input.description))")
    }
    var out: [Int?] = []
    for i in 0..<rank {
      out.append(
        try windowOutput(
          input.dims[i], window: kernel[i], stride: strides[i], dilation: dilation[i], padding: padding,
          input: input))
    }
    out.append(filters)
    var w = [try Weight("kernel", kernel + [channels / groups, filters])]
    if useBias { w.append(try Weight("bias", [filters])) }
    return try Inference(output: Shape(out), weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference) -> Explanation {
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
    let axes = rank == 1 ? ["steps"] : rank == 2 ? ["rows", "columns"] : ["frames", "rows", "columns"]
    for i in 0..<rank {
      let meaning =
        rank == 1
        ? "each filter looks at \(kernel[0]) consecutive steps"
        : "each filter spans \(kernel[i]) \(axes[i]) of the input"
      terms.append(Term(syms[i], kernel[i], given.source("kernel_size"), meaning))
    }
    terms.append(
      Term(
        "input_channels", channels, .inputShape,
        "the last dimension of the input: each filter covers all \(channels) input channels at each position"))
    if groups > 1 {
      terms.append(
        Term(
          "groups", groups, .argument,
          "the channels are split into \(groups) groups convolved separately, so each filter sees \(channels / groups) channels"))
    }
    if useBias {
      terms.append(Term("1", 1, given.source("use_bias"), "the bias: one per filter, added to its weighted sum (use_bias=true)"))
    }
    terms.append(
      Term("filters", filters, given.source("filters"), "the number of filters; each one produces one output channel"))
    var rules: [String] = []
    for i in 0..<rank {
      rules.append(
        windowRule(
          input.dims[i], inference.output.dims[i], window: kernel[i], stride: strides[i],
          dilation: dilation[i], padding: padding))
    }
    let rule =
      "padding=\(padding): " + rules.joined(separator: "; ")
      + "; channels = filters = \(filters): \(input.description) -> \(inference.output.description)"
    return Explanation(
      formula: f, substituted: s, terms: terms, shapeRule: rule,
      notes: ["strides, padding and dilation_rate change the output shape, never the count"])
  }
}
