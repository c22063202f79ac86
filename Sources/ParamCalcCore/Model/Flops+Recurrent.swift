// The formulas of `flops` for the recurrent layers (SimpleRNN, GRU, LSTM; ConvLSTM's gates
// and state update too): the kernels at every step, the gates' activations and the state
// update (docs/flops.md writes the convention).

extension FlopsFormula {
  mutating func recurrent(_ m: Recurrent, _ input: Shape, _ output: Shape) throws(Overflow)
    -> Bool
  {
    guard ["SimpleRNN", "GRU", "LSTM"].contains(m.name) else { return false }
    // A cell written inside an RNN's quotes: its activations' values are not on this line.
    if let g = given, g.keys.contains("activation") || g.keys.contains("recurrent_activation") {
      return false
    }
    term("T", input.dims[0] ?? 0, "input shape \(input.description)", "the timesteps")
    term("n", input.last ?? 0, "input shape \(input.description)", "the features of a step")
    term("u", m.units, source("units", String(m.units)), "the units (the state's size)")
    // SimpleRNN has no gates: its kernel is one block, to the state.
    let gated = m.gates > 1
    term(
      "G", m.gates,
      gated ? "Keras: \(m.name) has \(m.gates) gates" : "Keras: \(m.name) has no gates",
      gated ? "the gates, a block of the kernels each" : "the kernels' blocks: one, to the state")
    let to = gated ? "gates" : "state"
    let per = gated ? "per gate element" : "per element"
    try part("kernel (input to \(to))", .macs, ["T", "n", "G", "u"])
    try part("recurrent_kernel (state to \(to))", .macs, ["T", "u", "G", "u"])
    try part("adding the two (1 FLOP \(per))", .flops, ["T", "G", "u"])
    if m.useBias {
      try part("bias (1 FLOP \(per))", .flops, ["T", "G", "u"])
      if m.resetAfter && m.name == "GRU" {
        let given = written("reset_after") != nil
        try part(
          "recurrent bias (\(given ? "argument" : "default") reset_after=true)", .flops,
          ["T", "G", "u"])
      }
    }
    try gateActivations(m.name, m.gates, at: ["T"], unit: "u")
    return true
  }

  /// The argument `key` as written on the layer's line (nil when not written, or for a layer
  /// written inside another's quotes).
  func written(_ key: String) -> String? {
    guard given == nil, let a = layer.spec.arguments.first(where: { $0.key == key }) else {
      return nil
    }
    if case .string(let s) = a.value { return s }
    return a.value.script
  }

  /// The activations and the state update of a recurrent step at the positions `at` and each
  /// `unit` (simple_rnn.py, gru.py, lstm.py, conv_lstm.py): `activation` (tanh) on SimpleRNN's
  /// output, on the candidate of GRU and LSTM and on LSTM's new cell state;
  /// `recurrent_activation` (sigmoid) on the other gates. Linear (or None) is 0 FLOPs.
  mutating func gateActivations(_ kind: String, _ gates: Int, at: [String], unit: String)
    throws(Overflow)
  {
    let act = written("activation") ?? "tanh"
    let rec = written("recurrent_activation") ?? "sigmoid"
    let linear: Set<String> = ["linear", "None", "none"]
    if kind == "SimpleRNN" {
      if !linear.contains(act) {
        try part("activation \(act) (1 FLOP per element)", .flops, at + [unit])
      }
      return
    }
    let lstm = gates == 4
    if !linear.contains(rec) {
      // Keras's order: LSTM i, f, c, o (lstm.py), GRU z, r, h (gru.py); the candidate (c, h)
      // uses `activation`.
      term(
        "Gr", gates - 1,
        "Keras: \(kind)'s gates " + (lstm ? "i, f, o" : "z, r") + " use recurrent_activation",
        "the gates that use recurrent_activation: all but the candidate ("
          + (lstm ? "c of i, f, c, o" : "h of z, r, h") + "), which uses activation")
      try part(
        "recurrent_activation \(rec) on the gates (1 FLOP per element)", .flops, at + ["Gr", unit])
    }
    if !linear.contains(act) {
      try part(
        "activation \(act) on the candidate (1 FLOP per element)", .flops,
        at + [unit])
    }
    term(
      "s", lstm ? 4 : 5, "convention (docs/flops.md)",
      "the state update's elementwise FLOPs per "
        + (unit == "f" ? "filter and position: " : "unit: ")
        + (lstm
          ? "f ⊙ c, i ⊙ g, their sum, o ⊙ the activated cell state"
          : "r ⊙, z ⊙ h, 1 − z, (1 − z) ⊙ the candidate, the sum"))
    try part("state update", .flops, at + ["s", unit])
    if lstm && !linear.contains(act) {
      try part("activation \(act) of the new cell state (1 FLOP per element)", .flops, at + [unit])
    }
  }
}
