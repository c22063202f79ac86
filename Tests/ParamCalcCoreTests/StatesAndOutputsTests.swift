import Testing

@testable import ParamCalcCore

/// A recurrent layer's states (`return_state=true`, read as `NAME.h`, `NAME.c`; `from x,h,c`
/// starts a layer from them) and the model's outputs (`output A,B`). Keras's counts for these
/// are in Fixtures/keras-graph.jsonl (the seq2seq, states and outputs cases); here the parsing,
/// the shapes worked by hand and the edits.
@Suite("States and outputs")
struct StatesAndOutputsTests {
  @Test func statesAreReadAfterADot() throws {
    guard case .add(let r)? = try CommandParser.parse("add lstm units=4 from x,enc.h,#3.c") else {
      Issue.record("not an add")
      return
    }
    #expect(
      r.sources?.map(\.source) == [.name("x"), .state(.name("enc"), "h"), .state(.number(3), "c")])
    #expect(r.sources?.map(\.source.script) == ["x", "enc.h", "#3.c"])
    guard case .output(let refs, _)? = try CommandParser.parse("output a, #2,enc.c") else {
      Issue.record("not an output")
      return
    }
    #expect(refs.map(\.source) == [.name("a"), .number(2), .state(.name("enc"), "c")])
    for (line, fragment) in [
      ("add dense units=2 from enc.", "expected a state's name after '.'"),
      ("add dense units=2 from enc.1h", "is not a name"),
      ("add dense units=2 from .h", "is not a name"),
    ] {
      expectRefusal(after: ["input (4,)"], line, .syntax, fragment)
    }
  }

  @Test func anLSTMReturnsTwoStatesOfItsUnits() throws {
    let m = try model("input (10,8)", "add lstm units=16 return_state=true as enc")
    let enc = m.layers[0]
    // Its output as without states; h and c are each (batch, units).
    #expect(enc.output == Shape([16]))
    #expect(enc.states == [LayerState("h", Shape([16])), LayerState("c", Shape([16]))])
    #expect(enc.outputsDescription == "[(None, 16), (None, 16), (None, 16)]")
    // The count does not change: 4 × (8 × 16 + 16 × 16 + 16).
    #expect(enc.params == 4 * (8 * 16 + 16 * 16 + 16))
    let g = try model(
      "input (10,8)", "add gru units=6 return_state=true return_sequences=true as g")
    #expect(g.layers[0].output == Shape([10, 6]))
    #expect(g.layers[0].states == [LayerState("h", Shape([6]))])
    // A ConvLSTM's states are one step's output: (rows', columns', filters).
    let c = try model(
      "input (5,6,6,2)", "add convlstm2d filters=3 kernel_size=3 return_state=true as c")
    #expect(c.layers[0].states.map(\.shape) == [Shape([4, 4, 3]), Shape([4, 4, 3])])
  }

  @Test func aDecoderStartsFromTheEncodersStates() throws {
    let m = try model(
      "input encoder_in (12,20)", "input decoder_in (9,24)",
      "add lstm units=32 return_state=true from encoder_in as encoder",
      "add lstm units=32 return_sequences=true from decoder_in,encoder.h,encoder.c as decoder")
    let decoder = m.layers[3]
    #expect(decoder.inputs == [Shape([9, 24]), Shape([32]), Shape([32])])
    #expect(decoder.output == Shape([9, 32]))
    // The states add no weights: 4 × (24 × 32 + 32 × 32 + 32).
    #expect(decoder.params == 4 * (24 * 32 + 32 * 32 + 32))
    #expect(m.connections(of: 3, names: m.layerNames) == ["decoder_in", "encoder.h", "encoder.c"])
  }

  @Test func wrongStatesAreRefusedNamingWhatFits() {
    let setup = ["input (10,8)", "add lstm units=16 return_state=true as e"]
    expectRefusal(
      after: setup, "add lstm units=8 from input,e.h,e.c", .refused, "must be (None, 8)")
    expectRefusal(
      after: setup, "add lstm units=16 from input,e.h", .refused, "starts from 2 states")
    expectRefusal(after: setup, "add dense units=2 from e.x", .wiring, "has no state 'x'")
    expectRefusal(after: setup, "add dense units=2 from input.h", .wiring, "'input' is not a layer")
    expectRefusal(
      after: setup + ["add dense units=4 as d"], "add dense units=2 from d.h", .wiring,
      "returns one tensor")
    // A GRU keeps the first of the states it is given (gru.py), as Keras runs it.
    #expect(error(after: setup, "add gru units=16 from input,e.c,e.h") == nil)
    expectRefusal(after: setup, "add gru units=8 from input,e.c", .refused, "must be (None, 8)")
  }

  @Test func returnStateIsReadInAGraphOnly() {
    expectRefusal(
      after: ["input (10,8)"], "add lstm units=4 return_state=true", .invalidValue,
      "a model without 'as' and 'from' is Sequential")
    expectRefusal(
      after: ["input (10,8)", "add lstm units=4"], "set 1 return_state=true", .invalidValue,
      "several tensors")
    expectRefusal(
      after: ["input (10,8)"], "add bidirectional lstm units=4 return_state=true as b",
      .invalidValue, "not through Bidirectional")
    expectRefusal(
      after: ["input (10,8)"], "add rnn cell=\"lstmcell units=4\" return_state=true as r",
      .invalidValue, "not of an RNN around cells")
    // Taking the states away breaks the layer that reads them.
    expectRefusal(
      after: [
        "input (10,8)", "add lstm units=4 return_state=true as e", "add dense units=2 from e.h",
      ],
      "set 1 return_state=false", .breaksLayer, "reads a state it does not return")
  }

  @Test func outputsCountOnlyTheLayersOnTheirWay() throws {
    var i = Interpreter()
    for line in [
      "input (16,)", "add dense units=32 as trunk", "add dense units=10 as label",
      "add dense units=1 from trunk as score", "add dense units=64 from input as unused",
      "add dense units=3 from unused",
    ] {
      _ = try i.run(line: line)
    }
    let all = (16 * 32 + 32) + (32 * 10 + 10) + (32 + 1) + (16 * 64 + 64) + (64 * 3 + 3)
    #expect(i.session.total == all)
    _ = try i.run(line: "output label,score")
    #expect(i.session.total == (16 * 32 + 32) + (32 * 10 + 10) + (32 + 1))
    #expect(i.session.notOnTheWay == [3, 4])
    #expect(i.session.outputTensors.map(\.name) == ["label", "score"])
    // A layer added after the outputs is on the way to none: the total stays.
    _ = try i.run(line: "add dense units=5 from trunk")
    #expect(i.session.total == (16 * 32 + 32) + (32 * 10 + 10) + (32 + 1))
    _ = try i.run(line: "undo")
    _ = try i.run(line: "undo")
    #expect(i.session.total == all && i.session.outputs == nil)
    _ = try i.run(line: "redo")
    #expect(i.session.outputs == [.name("label"), .name("score")])
    // The saved script declares them again.
    #expect(i.script.hasSuffix("output label,score\n"))
  }

  @Test func outputsAreCheckedMovedAndKept() throws {
    let setup = ["input (4,)", "add dense units=3 as a", "add dense units=2 from input"]
    expectRefusal(after: setup, "output a,nope", .wiring, "no tensor is named 'nope'")
    expectRefusal(after: setup, "output a,a", .wiring, "named twice")
    expectRefusal(after: setup, "output #3", .wiring, "there is no layer #3")
    expectRefusal(after: ["input (4,)"], "output input", .wiring, "no layer yet")
    expectRefusal(after: setup + ["output a,#2"], "remove 2", .wiring, "an output of the model")
    // An insert moves the numbers the outputs name.
    var i = Interpreter()
    for line in setup + ["output a,#2", "insert 1 dropout rate=0.5"] { _ = try i.run(line: line) }
    #expect(i.session.outputs == [.name("a"), .number(3)])
    #expect(i.session.total == (4 * 3 + 3) + (4 * 2 + 2))
  }

  @Test func anUnknownTensorIsPointedAtWhereItIsWritten() throws {
    let setup = ["input (4,)", "add dense units=2 as a"]
    for line in ["add concatenate axis=-1 from a,zzz", "reuse 2 from zzz", "output a,zzz"] {
      let e = try #require(error(after: setup, line))
      // The span covers `zzz` itself (three bytes from its first column).
      let at = try #require(line.range(of: "zzz")).lowerBound.utf16Offset(in: line)
      #expect(e.span == Span(at, at + 3), "\(line): \(e.message)")
    }
  }
}
