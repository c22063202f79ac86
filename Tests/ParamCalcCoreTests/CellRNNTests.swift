import Testing

@testable import ParamCalcCore

/// RNN(cell): the count, the weights and the output shape, worked out here by hand from the
/// cells' `build` (simple_rnn.py, lstm.py, gru.py: a kernel (features, blocks × units), a
/// recurrent kernel (units, blocks × units), a bias) and from stacked_rnn_cells.py (each cell
/// reads the output of the one before); the spellings of a cell, and the refusals. (Keras's own
/// rows for such lines are in keras-exactness.jsonl, compared by KerasExactnessTests.)
@Suite("RNN around cells")
struct CellRNNTests {
  /// One cell by hand: blocks × (features × units + units × units + biases × units).
  static func count(blocks: Int, features: Int, units: Int, biases: Int) -> Int {
    blocks * (features * units + units * units + biases * units)
  }

  @Test func oneCellCountsAsItsLayer() throws {
    for (cell, plain, blocks, biases) in [
      ("simplernncell", "simplernn", 1, 1), ("lstmcell", "lstm", 4, 1), ("grucell", "gru", 3, 2),
    ] {
      let l = try layer("(10,4)", "add rnn cell=\"\(cell) units=8\"")
      #expect(l.params == Self.count(blocks: blocks, features: 4, units: 8, biases: biases))
      #expect(l.output == Shape([8]))
      // The same weights as the layer that is RNN around this cell.
      let same = try layer("(10,4)", "add \(plain) units=8")
      #expect(weights(l) == weights(same), "\(cell)")
    }
  }

  @Test func spellingsOfACell() throws {
    for spelling in ["lstmcell", "LSTMCell", "lstm_cell", "lstm", "LSTM"] {
      let l = try layer("(10,4)", "add rnn cell=\"\(spelling) units=8\"")
      #expect(l.typeName == "RNN(LSTMCell)", "\(spelling)")
    }
    let s = try layer("(10,4)", "add rnn cell=\"simple_rnn_cell units=2\"")
    #expect(s.typeName == "RNN(SimpleRNNCell)")
  }

  @Test func stackedCellsReadTheOutputBelow() throws {
    let l = try layer(
      "(10,4)",
      "add rnn cell=\"lstmcell units=8; gru units=4 reset_after=false; simplernncell units=3\" return_sequences=true"
    )
    #expect(l.typeName == "RNN(StackedRNNCells(LSTMCell, GRUCell, SimpleRNNCell))")
    let lstm = Self.count(blocks: 4, features: 4, units: 8, biases: 1)
    let gru = Self.count(blocks: 3, features: 8, units: 4, biases: 1)
    let simple = Self.count(blocks: 1, features: 4, units: 3, biases: 1)
    #expect(l.params == lstm + gru + simple)
    #expect(l.output == Shape([10, 3]))
    #expect(
      weights(l) == [
        "kernel[4, 32]", "recurrent_kernel[8, 32]", "bias[32]",
        "kernel[8, 12]", "recurrent_kernel[4, 12]", "bias[12]",
        "kernel[4, 3]", "recurrent_kernel[3, 3]", "bias[3]",
      ])
    let parts = l.explanation.parts
    #expect(parts.map(\.count) == [lstm, gru, simple])
    #expect(l.explanation.formula == "cell_1 + cell_2 + cell_3")
  }

  @Test func aFrozenCellFreezesItsWeightsOnly() throws {
    let l = try layer(
      "(10,4)", "add rnn cell=\"lstmcell units=8 trainable=false; grucell units=3\"")
    let lstm = Self.count(blocks: 4, features: 4, units: 8, biases: 1)
    #expect(l.nonTrainable == lstm)
    #expect(l.trainable == Self.count(blocks: 3, features: 8, units: 3, biases: 2))
  }

  /// rnn.py's build gives the cell the step's shape (the input without its time axis): a step
  /// of rank 2 sizes the kernel by its last dimension, and the output is (batch, units).
  @Test func theStepIsTheInputWithoutItsTimeAxis() throws {
    let l = try layer("(10,4,5)", "add rnn cell=\"simplernncell units=8\"")
    #expect(l.params == 5 * 8 + 8 * 8 + 8)
    #expect(l.output == Shape([8]))
    // Keras builds it, and the cell's call fails on data (tried with Keras 3.15): said so.
    #expect(l.explanation.notes.contains { $0.contains("fails on data") })
    let plain = try layer("(10,4)", "add rnn cell=\"simplernncell units=8\"")
    #expect(!plain.explanation.notes.contains { $0.contains("fails on data") })
    #expect(plain.explanation.notes.contains { $0.contains("the same as SimpleRNN's") })
    let unknown = try layer(
      "(None,4)", "add rnn cell=\"grucell units=2\" return_sequences=true")
    #expect(unknown.output == Shape([nil, 2]))
  }

  @Test func refusals() {
    expectRefusal(after: ["input (10,)"], "add rnn cell=\"lstmcell units=8\"", .refused, "rank 3")
    expectRefusal(
      after: ["input (10,None)"], "add rnn cell=\"lstmcell units=8\"", .refused, "unknown")
    expectRefusal(
      after: ["input (10,4)"], "add rnn cell=\"lstmcell units=0\"", .invalidValue, "at least 1")
    expectRefusal(
      after: ["input (10,4)"], "add rnn cell=\"dense units=8\"", .invalidValue, "expected a cell")
    expectRefusal(
      after: ["input (10,4)"], "add rnn cell=\"lstmcell units=8;\"", .invalidValue, "empty cell")
    expectRefusal(
      after: ["input (10,4)"], "add rnn cell=\"lstmcell units=8 use_cudnn=false\"",
      .invalidValue, "no argument 'use_cudnn'")
    expectRefusal(
      after: ["input (10,4)"], "add rnn cell=\"lstmcell units=8\" stateful=true",
      .invalidValue, "fixed batch size")
    expectRefusal(
      after: ["input (10,4)"], "add rnn cell=\"lstmcell units=8\" return_state=true",
      .invalidValue, "several tensors")
    expectRefusal(after: ["input (10,4)"], "add rnn", .missingArgument, "'cell'")
    // A cell is no layer of its own: refused, with where it goes.
    expectRefusal(
      after: ["input (10,4)"], "add lstmcell units=8", .unsupportedLayer, "add rnn cell=")
  }

  /// An error inside the quotes points at the word it is about.
  @Test func errorsPointIntoTheQuotes() throws {
    let line = "add rnn cell=\"lstmcell units=8; grucell unitz=4\""
    let e = try #require(error(after: ["input (10,4)"], line))
    guard case .invalidValue(_, _, let at, let hint) = e else {
      Issue.record("\(e)")
      return
    }
    let start = line.utf8.count - "unitz=4\"".utf8.count
    #expect(at == Span(start, start + "unitz".utf8.count))
    #expect(hint == "did you mean 'units'?")
  }
}
