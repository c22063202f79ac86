// Recurrent layers: SimpleRNN, LSTM, GRU, and the Bidirectional wrapper over them.
// Source: keras/src/layers/rnn/simple_rnn.py, lstm.py, gru.py, bidirectional.py (Keras 3);
// LSTM: Hochreiter & Schmidhuber 1997; GRU: Cho et al. 2014 (reset_after: the cuDNN variant,
// with separate input and recurrent biases).

/// The arguments each recurrent layer accepts without effect on the count, exactly as Keras 3's
/// `__init__` of each class and of `RNN` take them (`Fixtures/keras-accepted-arguments.json`):
/// SimpleRNN has no recurrent_activation, no unit_forget_bias, no use_cudnn; GRU no
/// unit_forget_bias; none of them takes lora_rank, lora_alpha or time_major.
func rnnInert(_ name: String) -> [String] {
  var out =
    kernelInertArguments + [
      "recurrent_initializer", "recurrent_regularizer", "recurrent_constraint",
      "dropout", "recurrent_dropout", "go_backwards", "unroll", "seed", "zero_output_for_mask",
    ]
  if name != "SimpleRNN" { out += ["recurrent_activation", "use_cudnn", "implementation"] }
  if name == "LSTM" { out.append("unit_forget_bias") }
  return out
}

let recurrentLayers: [LayerDescriptor] = [
  rnnDescriptor(
    "SimpleRNN", gates: 1,
    summary: "a fully connected layer whose output feeds back at the next step"),
  rnnDescriptor(
    "LSTM", gates: 4,
    summary: "long short-term memory: input, forget and output gates and a cell candidate"),
  rnnDescriptor(
    "GRU", gates: 3, summary: "gated recurrent unit: update and reset gates and a candidate state"),
]

func rnnExample(_ name: String) -> LayerExample {
  LayerExample("(None,25)", "add \(name.lowercased()) units=32")
}

let recurrentExamples =
  ["SimpleRNN", "LSTM", "GRU"].map(rnnExample)
  + [LayerExample("(None,25)", "add bidirectional lstm units=32")]

/// The arguments of the recurrent layers and of Bidirectional, each declared once for `help`
/// and for reading.
enum RecurrentArguments {
  static let units = ArgumentSpec(
    "units", .integer(min: 1), default: .required, .count,
    "size of the hidden state = output features")
  static let useBias = ArgumentSpec("use_bias", .bool, default: true, .count, "add biases")
  static let returnSequences = ArgumentSpec(
    "return_sequences", .bool, default: false, .shape, "output every step, not only the last")
  static let resetAfter = ArgumentSpec(
    "reset_after", .bool, default: true, .count,
    "reset gate applied after the recurrent product (two biases)")
  /// Keras returns the output and the last state(s) with true: several tensors, which a graph
  /// reads as `NAME.h` (and `NAME.c`).
  static let returnState = ArgumentSpec(
    "return_state", .bool, default: false, .shape,
    "also return the last states, read in a graph as NAME.h (and NAME.c for an LSTM)")
  /// Keras needs a static batch size with true: paramcalc's batch is unknown, refused.
  static let stateful = ArgumentSpec(
    "stateful", .bool, default: false, .neither,
    "keep the state from batch to batch (true is refused: it needs a fixed batch size)")
  static let backwardLayer = ArgumentSpec(
    "backward_layer", .text("a recurrent layer, in quotes"), default: .none, .count,
    "the backward layer, with its own configuration (None: a copy of the forward one)")
  static let mergeMode = ArgumentSpec(
    "merge_mode", .choice(["concat", "sum", "mul", "ave", "none"]), default: "concat", .shape,
    "how the two directions' outputs are merged",
    unsupported: [
      .init(
        "none",
        "merge_mode=None returns the two directions as two tensors; paramcalc follows one tensor through the model"
      )
    ])
}

func rnnDescriptor(_ name: String, gates: Int, summary: String) -> LayerDescriptor {
  var args = [
    RecurrentArguments.units, RecurrentArguments.useBias, RecurrentArguments.returnSequences,
    RecurrentArguments.returnState, RecurrentArguments.stateful,
  ]
  if name == "GRU" { args.append(RecurrentArguments.resetAfter) }
  return LayerDescriptor(
    name: name, family: "Recurrent", summary: summary,
    source: "layers/rnn/\(name == "SimpleRNN" ? "simple_rnn" : name.lowercased()).py, rnn.py",
    arguments: args,
    inert: rnnInert(name),
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let units = try r.int(RecurrentArguments.units, example: rnnExample(name).add)
      let useBias = try r.bool(RecurrentArguments.useBias)
      let seq = try r.bool(RecurrentArguments.returnSequences)
      let returnState = try r.bool(RecurrentArguments.returnState)
      try r.refuseStateful()
      let resetAfter = name == "GRU" ? try r.bool(RecurrentArguments.resetAfter) : false
      return Recurrent(
        name: name, gates: gates, units: units, useBias: useBias, returnSequences: seq,
        resetAfter: resetAfter, returnState: returnState)
    })
}

struct Recurrent: LayerModel {
  let name: String
  let gates: Int
  let units: Int
  let useBias: Bool
  let returnSequences: Bool
  let resetAfter: Bool
  var returnState = false
  var typeName: String { name }
  var returnsStates: Bool { returnState }

  /// rnn.py: the cell's `state_size`, one state of `units` (an LSTM's two: h and c).
  var stateNames: [String] { name == "LSTM" ? ["h", "c"] : ["h"] }
  func states(on input: Shape) -> [LayerState] {
    stateNames.map { LayerState($0, Shape([units])) }
  }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    if input.rank != 2 {
      throw .reason(
        "expected an input of rank 3 (batch, timesteps, features), found rank \(input.rank + 1) with shape \(input.description)"
      )
    }
    let w = try weights(features: try knownLast(input, name))
    let out: [Int?] = returnSequences ? [input.dims[0], units] : [units]
    return try Inference(output: Shape(out), weights: w)
  }

  /// The weights of one step (the cell's, which the layer and `RNN(cell)` hold) on `n` input
  /// features, in Keras's order (simple_rnn.py, lstm.py, gru.py: the cell's `build`).
  func weights(features n: Int) throws(Refusal) -> [Weight] {
    let width: Int
    do { width = try Checked.multiply(gates, units) } catch { throw .overflow("the gate width") }
    var w = [try Weight("kernel", [n, width]), try Weight("recurrent_kernel", [units, width])]
    if useBias { w.append(try Weight("bias", resetAfter ? [2, width] : [width])) }
    return w
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let n = input.last ?? 0
    var inner = "input_features * units + units * units"
    if useBias { inner += " + biases * units" }
    var terms: [Term] = []
    if gates > 1 {
      let what =
        name == "LSTM"
        ? "an LSTM's input, forget and output gates and its cell candidate (not a gate): four blocks of weights, each a full set"
        : "a GRU's update and reset gates and its candidate state (not a gate): three blocks of weights, each a full set"
      terms.append(Term("blocks", gates, .constant, what))
    }
    terms.append(
      Term(
        "input_features", n, .inputShape,
        "the last dimension of the input: features read at each step (kernel)"))
    terms.append(
      Term(
        "units", units, given.source("units"),
        "the size of the hidden state; the previous state feeds back through units × units weights (recurrent_kernel)"
      ))
    if useBias {
      // GRU's biases per unit follow from reset_after (two with true, one with false) when it is
      // given; otherwise from use_bias (or the defaults of both).
      let source =
        name == "GRU" && given.keys.contains("reset_after")
        ? Term.Source.argument : given.source("use_bias")
      let each = gates > 1 ? " of each block" : ""
      terms.append(
        Term(
          "biases", resetAfter ? 2 : 1, source,
          resetAfter
            ? "two biases per unit\(each) (reset_after=true): one for the input product, one for the recurrent product; the reset gate multiplies the recurrent product including its bias, so the two cannot merge"
            : "one bias per unit\(each) (use_bias=true\(name == "GRU" ? ", reset_after=false" : ""))"
        ))
    }
    let formula = gates > 1 ? "blocks * (\(inner))" : inner
    let rule =
      returnSequences
      ? "return_sequences=true: one output of \(Format.thousands(units)) per step: \(input.description) -> \(inference.output.description)"
      : "return_sequences=false: only the last step's output of \(Format.thousands(units)): \(input.description) -> \(inference.output.description)"
    var notes =
      useBias
      ? []
      : ["use_bias=false: the bias is left out; only the kernel and the recurrent_kernel remain"]
    if returnState {
      let states = states(on: input).map { "\($0.name) \($0.shape.description)" }
      notes.append(
        "return_state=true: it also returns its last states, "
          + states.joined(separator: " and ")
          + ", read in a graph as NAME.\(stateNames.joined(separator: ", NAME.")); they add no weights"
      )
    }
    return Explanation(
      formula: formula, terms: terms, shapeRule: rule, notes: notes,
      parts: parts(input, inference.weights))
  }

  /// The blocks of weights side by side in each weight's columns, in Keras's order (lstm.py
  /// splits them i, f, c, o; gru.py z, r, h). Only the gates are called gates.
  var blockNames: String {
    name == "LSTM"
      ? "input gate, forget gate, cell candidate, output gate"
      : "update gate, reset gate, candidate state"
  }

  /// Each weight with its count; with blocks, the width of each is blocks × units.
  func parts(_ input: Shape, _ weights: [Weight]) -> [Part] {
    let n = input.last.map(String.init) ?? "0"
    let width = gates > 1 ? ["\(gates)", "\(units)"] : ["\(units)"]
    let blocks = gates > 1 ? "\(gates) blocks × \(Format.thousands(units)) units" : nil
    var out: [Part] = []
    for w in weights {
      switch w.name {
      case "kernel":
        out.append(
          .weight(
            w, [n] + width,
            detail: blocks.map { "\($0): \(blockNames)" } ?? "one per input feature and unit"))
      case "recurrent_kernel":
        out.append(.weight(w, ["\(units)"] + width, detail: blocks ?? "the state feeding back"))
      default:
        out.append(
          .weight(
            w, (resetAfter ? ["2"] : []) + width,
            detail: resetAfter ? blocks.map { "2 biases × " + $0 } : blocks))
      }
    }
    return out
  }
}

extension ArgumentReader {
  /// `return_state=true` where paramcalc does not name the states yet (an RNN around cells).
  mutating func refuseReturnState() throws(ParamCalcError) {
    if try bool(RecurrentArguments.returnState) {
      throw .invalidValue(
        argument: "return_state",
        message:
          "return_state=true makes the layer return several tensors; paramcalc reads the states of SimpleRNN, GRU, LSTM and ConvLSTM layers, not of an RNN around cells",
        at: arguments.first { $0.key == "return_state" }!.valueSpan,
        hint: "write the layer itself, e.g. 'add lstm units=8 return_state=true as enc'")
    }
  }

  /// Keras refuses `stateful=true` without a static batch size (rnn.py).
  mutating func refuseStateful() throws(ParamCalcError) {
    if try bool(RecurrentArguments.stateful) {
      throw .invalidValue(
        argument: "stateful",
        message:
          "stateful=true needs a fixed batch size (Keras: \"the batch size must be static\"); a paramcalc model's batch size is unknown (None)",
        at: arguments.first { $0.key == "stateful" }!.valueSpan)
    }
  }
}

let recurrentFamily = LayerFamily(
  "Recurrent",
  note: """
    Each layer has a kernel `(input_features, blocks*units)`, a recurrent_kernel `(units, \
    blocks*units)` and a bias. SimpleRNN has one block and no gates. LSTM has four blocks: the \
    input, forget and output gates and the cell candidate, which is not a gate (Hochreiter & \
    Schmidhuber 1997). GRU has three: the update and reset gates and the candidate state (not a \
    gate); with `reset_after=true` (Keras's default, the cuDNN form) its bias is `(2, 3*units)`: \
    separate input and recurrent biases, because the reset gate multiplies the recurrent product \
    including its bias, so the two cannot merge (Cho et al. 2014). The output is `(units,)`, or \
    `(timesteps, units)` with `return_sequences=true`; SimpleRNN, LSTM and GRU need an input of \
    rank 3 (batch, timesteps, features). RNN (`rnn.py`) runs a cell at each step: SimpleRNNCell, \
    LSTMCell or GRUCell, the step of SimpleRNN, LSTM and GRU (each of those is an RNN around its \
    cell), with the same weights, written `cell="lstmcell units=8"`. A list of cells, separated by \
    `;`, is a StackedRNNCells (`stacked_rnn_cells.py`): each cell reads the output of the one \
    before (the first, the input's last dimension), the count is the sum of the cells' counts, and \
    the output is the last cell's. RNN reads the last dimension of an input of rank 3 or more.
    """)
