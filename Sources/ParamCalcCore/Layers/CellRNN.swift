// RNN(cell): Keras's RNN layer around a SimpleRNNCell, LSTMCell or GRUCell (the step that
// SimpleRNN, LSTM and GRU run), or around a list of cells, which Keras stacks in a
// StackedRNNCells: `add rnn cell="lstmcell units=8; grucell units=4"`. A cell is no layer of a
// Sequential model: it is written only inside `cell=`, and built by the cells' own catalog.
// Sources: keras/src/layers/rnn/rnn.py, stacked_rnn_cells.py, simple_rnn.py, lstm.py, gru.py.

enum CellRNNArguments {
  static let cell = ArgumentSpec(
    "cell", .text("a cell in quotes, e.g. \"lstmcell units=8\""), default: .required, .count,
    "the step: simplernncell, lstmcell or grucell with the arguments of SimpleRNN, LSTM or GRU"
      + " (units, use_bias, reset_after); cells separated by ';' are stacked (StackedRNNCells)")
}

let cellRNNExample = LayerExample("(None,25)", "add rnn cell=\"lstmcell units=32\"")

/// The arguments a cell accepts without effect on the count: those of its layer (`rnnInert`)
/// but the ones that only a layer takes (rnn.py's, and LSTM's and GRU's use_cudnn).
func cellInert(_ layer: String) -> [String] {
  let layerOnly = ["go_backwards", "unroll", "zero_output_for_mask", "use_cudnn"]
  return rnnInert(layer).filter { !layerOnly.contains($0) }
}

/// A cell's descriptor: the arguments and the formula of its layer (`Recurrent`), one step.
func cellDescriptor(_ layer: String, gates: Int) -> LayerDescriptor {
  let name = layer + "Cell"
  var args = [RecurrentArguments.units, RecurrentArguments.useBias]
  if layer == "GRU" { args.append(RecurrentArguments.resetAfter) }
  return LayerDescriptor(
    name: name, family: "Recurrent", summary: "one step of \(layer), run by RNN",
    source: "layers/rnn/\(layer == "SimpleRNN" ? "simple_rnn" : layer.lowercased()).py",
    arguments: args, inert: cellInert(layer),
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let units = try r.int(
        RecurrentArguments.units, example: "add rnn cell=\"\(name.lowercased()) units=8\"")
      let useBias = try r.bool(RecurrentArguments.useBias)
      let resetAfter = layer == "GRU" ? try r.bool(RecurrentArguments.resetAfter) : false
      return RecurrentCell(
        step: Recurrent(
          name: layer, gates: gates, units: units, useBias: useBias, returnSequences: false,
          resetAfter: resetAfter))
    })
}

extension LayerCatalog {
  /// The cells `cell=` takes (not layer types: `add lstmcell` is refused).
  static let cells = LayerCatalog([
    cellDescriptor("SimpleRNN", gates: 1), cellDescriptor("LSTM", gates: 4),
    cellDescriptor("GRU", gates: 3),
  ])

  /// The cell a word names: its Keras name (`LSTMCell`, `lstm_cell`), or its layer's (`lstm`).
  static func cellName(_ word: String) -> String? {
    var w = word.lowercased().replacing("_", with: "")
    if w.hasSuffix("cell") { w.removeLast(4) }
    return ["simplernn": "SimpleRNNCell", "lstm": "LSTMCell", "gru": "GRUCell"][w]
  }
}

/// One cell: the step of a recurrent layer, on one step's input (the features).
struct RecurrentCell: LayerModel {
  /// The layer whose step it is: its formula and weights are the cell's.
  let step: Recurrent
  var typeName: String { step.name + "Cell" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let n = try knownLast(input, typeName)
    return try Inference(output: Shape([step.units]), weights: try step.weights(features: n))
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    var e = step.explain(Shape([nil, input.last]), inference, given)
    e.shapeRule = "one step: \(Format.thousands(step.units)) outputs (units)"
    return e
  }
}

let cellRNNDescriptor = LayerDescriptor(
  name: "RNN", family: "Recurrent",
  summary: "runs a cell (SimpleRNNCell, LSTMCell, GRUCell), or a stack of cells, over the steps",
  source: "layers/rnn/rnn.py, stacked_rnn_cells.py, simple_rnn.py, lstm.py, gru.py",
  arguments: [
    CellRNNArguments.cell, RecurrentArguments.returnSequences, RecurrentArguments.returnState,
    RecurrentArguments.stateful,
  ],
  inert: ["go_backwards", "unroll", "zero_output_for_mask"],
  make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
    let (text, span) = try r.text(CellRNNArguments.cell, example: cellRNNExample.add)
    let cells = try CellRNN.cells(text, at: span.start + 1)
    let seq = try r.bool(RecurrentArguments.returnSequences)
    try r.refuseReturnState()
    try r.refuseStateful()
    return CellRNN(cells: cells, returnSequences: seq)
  })

/// RNN around one cell, or (two or more, separated by `;`) a StackedRNNCells: each cell reads
/// the output of the one before, the first the input's last dimension (rnn.py's build, then
/// stacked_rnn_cells.py's); the output is the last cell's. RNN has no weights of its own.
struct CellRNN: LayerModel {
  struct Cell: Sendable {
    let model: any LayerModel
    /// The cell's own arguments (inside the quotes).
    let given: Given
  }
  let cells: [Cell]
  let returnSequences: Bool
  var stacked: Bool { cells.count > 1 }
  var cellNames: String { cells.map(\.model.typeName).joined(separator: ", ") }
  var typeName: String { stacked ? "RNN(StackedRNNCells(\(cellNames)))" : "RNN(\(cellNames))" }

  /// The cells of `text` (at column `column` of the line), separated by `;`.
  static func cells(_ text: String, at column: Int) throws(ParamCalcError) -> [Cell] {
    try QuotedLayers.each(
      text, at: column, argument: "cell",
      inList: "an empty cell in the list (cells are separated by ';')",
      alone: "expected a cell, e.g. \"lstmcell units=8\"", cell)
  }

  static func cell(_ text: String, at column: Int) throws(ParamCalcError) -> Cell {
    let expected = "a cell, e.g. \"lstmcell units=8\""
    var (r, shift) = try QuotedLayers.request(
      text, at: column, argument: "cell", expected: expected)
    guard let name = LayerCatalog.cellName(r.type), r.inner == nil else {
      let word = LayerCatalog.standard[r.type]?.name ?? r.type
      let near = Suggestion.nearest(to: r.type, in: ["simplernncell", "lstmcell", "grucell"])
      throw .invalidValue(
        argument: "cell",
        message: "expected a cell (SimpleRNNCell, LSTMCell or GRUCell), found '\(word)'",
        at: r.typeSpan.shifted(by: shift),
        hint: near.map { "did you mean '\($0)'?" }
          ?? "RNN runs a cell, the step of a recurrent layer: cell=\"lstmcell units=8\"")
    }
    r.type = name.lowercased()
    let q: QuotedLayer
    do { q = try QuotedLayers.build(r, text, shift: shift, catalog: .cells) } catch {
      // `help lstmcell` is no help (a cell is no layer type): say what a cell takes.
      guard case .unknownArgument(let a, let type, let at, let near) = error else { throw error }
      let layer = type.replacing("Cell", with: "")
      throw .invalidValue(
        argument: "cell", message: "\(type) has no argument '\(a)'", at: at,
        hint: near.map { "did you mean '\($0)'?" }
          ?? (cellRNNDescriptor.argumentNames.contains(a)
            ? "\(a) is RNN's: write it after the quotes, e.g. add rnn cell=\"\(type.lowercased()) units=8\" \(a)=..."
            : "a cell takes the arguments of \(layer) that are not RNN's ('help \(layer.lowercased())')")
      )
    }
    let model = q.built.spec.trainable ? q.built.model : Frozen(inner: q.built.model)
    return Cell(model: model, given: Given(Set(q.built.spec.arguments.map(\.key))))
  }

  /// Each cell's input (one step) and inference, in order.
  func steps(_ input: Shape) throws(Refusal) -> [(input: Shape, inference: Inference)] {
    var step = Shape(Array(input.dims.dropFirst()))
    var out: [(input: Shape, inference: Inference)] = []
    for c in cells {
      let i = try c.model.infer(step)
      out.append((step, i))
      step = i.output
    }
    return out
  }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    if input.rank < 2 {
      throw .reason(
        "expected an input of rank 3 or more (batch, timesteps, features), found rank \(input.rank + 1) with shape \(input.description): the cell would size its kernel by the batch axis, which is unknown (None)"
      )
    }
    _ = try knownLast(input, typeName)
    let s = try steps(input)
    let units = s.last!.inference.output.dims.last ?? nil
    let out: [Int?] = returnSequences ? [input.dims[0], units] : [units]
    return try Inference(output: Shape(out), weights: s.flatMap(\.inference.weights))
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    guard let s = try? steps(input) else { return .noWeights("", shapeRule: "") }
    let last = s.last!.inference.output.last ?? 0
    let kept =
      returnSequences
      ? "return_sequences=true: the last cell's \(Format.thousands(last)) outputs at every step"
      : "return_sequences=false: the last cell's \(Format.thousands(last)) outputs at the last step"
    let rule = "\(kept): \(input.description) -> \(inference.output.description)"
    // Keras builds it (these weights, this shape) and fails when it runs (Keras 3.15).
    let onData =
      input.rank > 2
      ? [
        "each step is \(Shape(Array(input.dims.dropFirst())).description), not a vector of features:"
          + " Keras builds the layer with these weights and this output shape, but the cell's"
          + " call fails on data"
      ] : []
    let explained = zip(cells, s).map { c, step in
      (c, step, c.model.explain(step.input, step.inference, c.given))
    }
    if !stacked, let (c, _, e) = explained.first {
      let layer = c.model.typeName.replacing("Cell", with: "")
      return Explanation(
        formula: e.formula, terms: e.terms, shapeRule: rule,
        notes: e.notes + onData + [
          "RNN has no weights of its own: the count is its \(c.model.typeName)'s"
            // (LSTM itself takes an input of rank 3 only.)
            + (onData.isEmpty
              ? ", the same as \(layer)'s with these arguments (\(layer) is RNN around this cell)"
              : "")
        ], parts: e.parts)
    }
    func times(_ expression: String) -> String { expression.replacing(" * ", with: " × ") }
    var terms: [Term] = []
    var parts: [Part] = []
    var notes: [String] = []
    for (k, (c, step, e)) in explained.enumerated() {
      let n = step.input.last.map(Format.thousands) ?? "None"
      let reads = k == 0 ? "the input's \(n) features" : "cell \(k)'s \(n) outputs"
      terms.append(
        Term(
          "cell_\(k + 1)", step.inference.params, .derived,
          "\(c.model.typeName) reading \(reads): \(times(e.substituted)) = \(Format.thousands(step.inference.params))"
        ))
      let own =
        e.parts.isEmpty
        ? step.inference.weights.map { Part.weight($0, $0.shape.map(String.init)) } : e.parts
      parts.append(
        Part.group("cell \(k + 1): \(c.model.typeName)", own, detail: "reads \(reads)"))
      notes += e.notes.map { "cell \(k + 1): " + $0 }
    }
    return Explanation(
      formula: (1...cells.count).map { "cell_\($0)" }.joined(separator: " + "), terms: terms,
      shapeRule: rule,
      notes: notes + onData + [
        "StackedRNNCells runs the cells one above the other at each step: each reads the output"
          + " of the cell before it; RNN and StackedRNNCells have no weights of their own"
      ], parts: parts)
  }
}
