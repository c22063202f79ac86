// Convolutional LSTMs: ConvLSTM1D, ConvLSTM2D, ConvLSTM3D.
// Source: keras/src/layers/rnn/conv_lstm.py (ConvLSTMCell: weights, checks, the recurrent
// convolution; ConvLSTM: output shapes), conv_lstm1d.py, conv_lstm2d.py, conv_lstm3d.py, rnn.py,
// and keras/src/ops/operation_utils.py compute_conv_output_shape (output sizes), Keras 3;
// Shi et al. 2015.

let convRecurrentLayers: [LayerDescriptor] = (1...3).map { convLSTMDescriptor(rank: $0) }

/// The example a missing `filters` or `kernel_size` gives.
func convLSTMRequiredExample(rank: Int) -> String {
  "add convlstm\(rank)d filters=8 kernel_size=3"
}

/// The examples `help` ends with: ConvLSTM2D's has the count of the first layer of Keras's
/// next-frame video prediction example (which adds padding=same and return_sequences=true).
let convRecurrentExamples = [
  LayerExample("(10,16,3)", convLSTMRequiredExample(rank: 1)),
  LayerExample("(None,64,64,1)", "add convlstm2d filters=64 kernel_size=5"),
  LayerExample("(5,8,8,8,2)", "add convlstm3d filters=4 kernel_size=3"),
]

/// The arguments a ConvLSTM accepts without effect on the count, as Keras 3's ConvLSTM and RNN
/// `__init__` take them (checked against Keras: lora_rank, implementation, use_cudnn and
/// time_major are refused).
let convLSTMInert =
  kernelInertArguments + [
    "recurrent_activation", "recurrent_initializer", "recurrent_regularizer",
    "recurrent_constraint", "unit_forget_bias", "dropout", "recurrent_dropout", "seed",
    "go_backwards", "unroll", "zero_output_for_mask",
  ]

/// A ConvLSTM's `filters`: four blocks of that many kernels, not that many kernels.
let convLSTMFilters = ArgumentSpec(
  "filters", .integer(min: 1), default: .required, .count,
  "output channels = the state's channels; each of the four blocks has that many kernels")

func convLSTMDescriptor(rank: Int) -> LayerDescriptor {
  let name = "ConvLSTM\(rank)D"
  let example = convLSTMRequiredExample(rank: rank)
  let a = ConvArguments.byRank[rank - 1]
  return LayerDescriptor(
    name: name, family: "ConvRecurrent",
    summary:
      "an LSTM whose input and recurrent products are \(rank)-D convolutions: four blocks of `filters` kernels",
    source: "layers/rnn/conv_lstm\(rank)d.py, conv_lstm.py, rnn.py; ops/operation_utils.py",
    arguments: [
      convLSTMFilters, a.kernelSize, a.strides, ConvArguments.validOrSame, a.dilationRate,
      RecurrentArguments.useBias, RecurrentArguments.returnSequences,
      RecurrentArguments.returnState, RecurrentArguments.stateful, kernelDataFormatArgument,
    ],
    inert: convLSTMInert, channelsAxis: 1,
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let filters = try r.int(convLSTMFilters, example: example)
      let window = try ConvWindow(
        reading: &r, a, padding: ConvArguments.validOrSame, example: example)
      let useBias = try r.bool(RecurrentArguments.useBias)
      let seq = try r.bool(RecurrentArguments.returnSequences)
      _ = try r.choice(kernelDataFormatArgument)
      try r.refuseStridesWithDilation(window)
      let returnState = try r.bool(RecurrentArguments.returnState)
      try r.refuseStateful()
      return ConvLSTM(
        rank: rank, filters: filters, window: window, useBias: useBias, returnSequences: seq,
        returnState: returnState)
    })
}

struct ConvLSTM: LayerModel {
  let rank: Int
  let filters: Int
  let window: ConvWindow
  let useBias: Bool
  let returnSequences: Bool
  var returnState = false
  var typeName: String { "ConvLSTM\(rank)D" }
  var returnsStates: Bool { returnState }

  /// conv_lstm.py: two states, h and c, each shaped as one step's output (spatial..., filters).
  var stateNames: [String] { ["h", "c"] }
  func states(on input: Shape) -> [LayerState] {
    guard input.rank == rank + 2, let spatial = try? window.outputs(input, from: 1) else {
      return []
    }
    return stateNames.map { LayerState($0, Shape(spatial + [filters])) }
  }

  /// An LSTM's four blocks: the input, forget and output gates and the cell candidate.
  static let blocks = 4

  /// The names of the spatial axes of one step's input: a ConvLSTM1D's axis is not called
  /// `steps`, which are its time axis.
  /// `steps`, which are its time axis, nor a ConvLSTM3D's first axis `frames`, which the steps
  /// are.
  var axisNames: [String] {
    rank == 1 ? ["positions"] : rank == 2 ? ["rows", "columns"] : ["planes", "rows", "columns"]
  }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    if input.rank != rank + 2 {
      throw .reason(
        "expected an input of rank \(rank + 3) (batch, time, \(rank == 1 ? "1 spatial axis" : "\(rank) spatial axes"), channels), found rank \(input.rank + 1) with shape \(input.description)"
      )
    }
    // conv_lstm.py's build: the spatial sizes must be known (the state is made with them).
    if input.dims[1...rank].contains(where: { $0 == nil }) {
      throw .reason(
        "ConvLSTM layers only support static input shapes for the spatial dimension; the input \(input.description) has an unknown (None) spatial size"
      )
    }
    let channels = try knownLast(input, typeName)
    var out: [Int?] = returnSequences ? [input.dims[0]] : []
    out += try window.outputs(input, from: 1)
    out.append(filters)
    let width: Int
    do { width = try Checked.multiply(ConvLSTM.blocks, filters) } catch {
      throw .overflow("the gate width")
    }
    var w = [
      try Weight("kernel", window.kernel + [channels, width]),
      try Weight("recurrent_kernel", window.kernel + [filters, width]),
    ]
    if useBias { w.append(try Weight("bias", [width])) }
    return try Inference(output: Shape(out), weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let channels = input.last ?? 0
    let taps = window.taps
    // Per filter of each block: taps × channels weights on the step's input, taps × filters on
    // the previous state, and a bias; written with the taps once so that it fits a line (and a
    // Bidirectional's line) of ConvLSTM3D.
    let perFilter = "\(taps) * (channels + filters)" + (useBias ? " + 1" : "")
    let formula = "blocks * (\(perFilter)) * filters"
    var terms = [
      Term(
        "blocks", ConvLSTM.blocks, .constant,
        "the input, forget and output gates and the cell candidate (not a gate), as in an LSTM: four blocks of filters, each a full set"
      )
    ]
    terms += window.kernelTerms(given, axes: axisNames) { i, input in
      let state = kernelReach(window.kernel[i], 1, axisNames[i])
      return input == state
        ? "each filter looks at \(input) of each step's input and of the previous state"
        : "each filter looks at \(input) of each step's input, and \(state) of the previous state (not dilated)"
    }
    terms.append(
      Term(
        "channels", channels, .inputShape,
        channels == 1
          ? "the input's channel (last axis): one, which each filter's input kernel covers (kernel)"
          : "the input's channels (last axis): each filter's input kernel covers all \(Format.thousands(channels)) (kernel)"
      ))
    if useBias {
      terms.append(
        Term(
          "1", 1, given.source("use_bias"),
          "the bias: one per filter of each block, added to its sum (use_bias=true)"))
    }
    terms.append(
      Term(
        "filters", filters, given.source("filters"),
        "filters per block: the channels of the output and of the hidden state, which each filter's recurrent kernel reads back at the next step (recurrent_kernel)"
      ))
    let n = Format.thousands
    let k = window.kernel.map(n).joined(separator: " × ")
    let symbols = Format.pretty(taps)
    // Inferred, so kernel and recurrent_kernel fit, and with them their per-filter sums.
    let perFilterCount =
      window.kernel.reduce(1, &*) &* (channels &+ filters) &+ (useBias ? 1 : 0)
    var notes = [
      "weights of each filter of each block: \(k) × \(n(channels)) + \(k) × \(n(filters))"
        + (useBias ? " + 1" : "") + " = \(n(perFilterCount)); \(symbols) × channels read the "
        + "step's input (kernel), \(symbols) × filters the previous state (recurrent_kernel)"
        + (useBias ? ", and 1 is the bias" : ""),
      "the recurrent convolution reads the previous state with padding=same and strides 1, so the state keeps the output's size from step to step",
      ConvWindow.note,
    ]
    if !useBias {
      notes.append(
        "use_bias=false: the bias is left out; only the kernel and the recurrent_kernel remain")
    }
    return Explanation(
      formula: formula, terms: terms, shapeRule: shapeRule(input, inference.output),
      notes: notes, parts: parts(channels, inference.weights))
  }

  /// The convolution's rule for each spatial axis of a step's input, then the channels and the
  /// time axis.
  func shapeRule(_ input: Shape, _ output: Shape) -> String {
    let n = Format.thousands
    let first = returnSequences ? 1 : 0
    var lines =
      [window.header(input, output, also: ", return_sequences=\(returnSequences)")]
      + window.axisRules(input, output, names: axisNames, from: 1, to: first)
    lines.append("channels: filters = \(n(filters))")
    let time = input.dims[0].map { "\(n($0)) steps" } ?? "the number of steps unknown (None)"
    lines.append(
      returnSequences
        ? "time: one output per step, \(time)"
        : "time: only the last step's output (return_sequences=false)")
    return lines.joined(separator: "\n")
  }

  /// Each weight with its count, its last axis the four blocks side by side in Keras's order
  /// (conv_lstm.py splits them i, f, c, o).
  func parts(_ channels: Int, _ weights: [Weight]) -> [Part] {
    let k = window.kernel.map(String.init)
    let width = ["\(ConvLSTM.blocks)", "\(filters)"]
    let blocks = "\(ConvLSTM.blocks) blocks × \(Format.thousands(filters)) filters"
    var out: [Part] = []
    for w in weights {
      switch w.name {
      case "kernel":
        out.append(
          .weight(
            w, k + ["\(channels)"] + width,
            detail: blocks + ": input gate, forget gate, cell candidate, output gate"))
      case "recurrent_kernel":
        out.append(
          .weight(w, k + ["\(filters)"] + width, detail: blocks + ", reading the state"))
      default:
        out.append(.weight(w, width, detail: blocks))
      }
    }
    return out
  }
}

let convRecurrentFamily = LayerFamily(
  "ConvRecurrent",
  note: """
    A ConvLSTM (Shi et al. 2015) is an LSTM whose two products are convolutions: at each step, \
    every block (the input, forget and output gates and the cell candidate) convolves the \
    step's input with its `kernel` and the previous hidden state with its `recurrent_kernel`, \
    and adds a bias. So each filter of each block has `k*channels + k*filters + 1` \
    weights (k: the kernel's size, the product of its axes), and the count is \
    `4 * (k*channels + k*filters + 1) * filters`. The weights are `kernel` \
    `(k..., channels, 4*filters)`, `recurrent_kernel` `(k..., filters, 4*filters)` and \
    `bias` `(4*filters,)`, the blocks side by side in the order i, f, c, o. The input is \
    `(batch, time, spatial..., channels)`, its spatial sizes known; each spatial axis follows \
    the convolution's rule (`strides`, `padding` valid or same, `dilation_rate`; strides > 1 \
    with dilation_rate > 1 is refused, as is a kernel larger than a valid-padded input). The \
    recurrent convolution always uses `padding=same` and stride 1 without dilation \
    (`recurrent_conv` in `conv_lstm.py`), so the state keeps the output's size. The output is \
    `(spatial..., filters)`, or `(time, spatial..., filters)` with `return_sequences=true`.
    """)
