import Testing

@testable import ParamCalcCore

/// Layers that read named tensors (`as NAME`, `from A,B`) and the merge layers. Keras's own
/// counts and shapes for graphs are in Fixtures/keras-graph.jsonl (ConformanceTests); here the
/// parsing, the shape rules worked by hand, and the edits of a graph.
@Suite("Graphs: named tensors and merges")
struct GraphTests {
  func request(_ line: String) throws -> LayerRequest {
    guard case .add(let r)? = try CommandParser.parse(line) else {
      Issue.record("not an add: \(line)")
      throw ParamCalcError.syntax("", at: .none)
    }
    return r
  }

  @Test func asAndFromAreRead() throws {
    let r = try request("add add from c1,#5 as x")
    #expect(r.name == "x")
    #expect(r.sources?.map(\.source) == [.name("c1"), .number(5)])
    // Spaces after commas, arguments after the clauses, the clauses in either order.
    let s = try request("add concatenate as j from a, b,  #2 axis=1")
    #expect(s.sources?.map(\.source) == [.name("a"), .name("b"), .number(2)])
    #expect(s.arguments.map(\.key) == ["axis"] && s.name == "j")
    // A `#` that is not a layer read still starts a comment.
    let c = try request("add dense units=4 #5 is a comment")
    #expect(c.sources == nil && c.arguments.count == 1)
    let d = try request("add dense units=4 from x # a comment")
    #expect(d.sources?.map(\.source) == [.name("x")])
  }

  @Test func malformedClausesAreRefused() {
    for (line, kind, fragment): (String, ErrorKind, String) in [
      ("add dense units=4 as", .missingOperand, "needs a name"),
      ("add dense units=4 as 1x", .syntax, "is not a name"),
      ("add dense units=4 as a b", .syntax, "a layer has one name"),
      ("add add from", .missingOperand, "needs the tensors read"),
      ("add add from a,,b", .syntax, "missing a name between commas"),
      ("add add from #0", .syntax, "expected a layer number after '#'"),
      ("add add from a from b", .syntax, "'from' is given twice"),
    ] {
      expectRefusal(after: ["input (4,)"], line, kind, fragment)
    }
  }

  @Test func elementwiseShapesBroadcastFromTheLastAxis() throws {
    // (6,1) with (6,5): the 1 is repeated; (5,) with (6,5): aligned from the right.
    let m = try model(
      "input (6,1)", "add dense units=5 as five", "add add from input,five",
      "add globalaveragepooling1d from five as g", "add multiply from five,g")
    #expect(m.layers[1].output == Shape([6, 5]))
    #expect(m.layers[3].output == Shape([6, 5]))
    #expect(m.layers[1].inputs == [Shape([6, 1]), Shape([6, 5])])
    expectRefusal(
      after: ["input (4,3)", "add dense units=5 as a"], "add add from input,a", .refused,
      "Inputs have incompatible shapes. Received shapes (4, 3) and (4, 5)")
  }

  @Test func concatenateAddsTheJoinedAxis() throws {
    // (4,8) and (3,8) on axis 1 (the batch is axis 0): 4 + 3 = 7.
    let m = try model(
      "input (4,8)", "add dense units=8 as a", "add cropping1d cropping=(1,0) from input as b",
      "add concatenate axis=1 from a,b", "add concatenate from a,a,a")
    #expect(m.layers[2].output == Shape([7, 8]))
    #expect(m.layers[3].output == Shape([4, 24]))
    expectRefusal(
      after: ["input (4,8)", "add dense units=6 as a"], "add concatenate axis=1 from input,a",
      .refused, "matching shapes except for the concatenation axis")
    expectRefusal(
      after: ["input (4,8)"], "add concatenate axis=3 from input,input", .refused, "out of range")
  }

  @Test func dotDropsTheSummedAxes() throws {
    // (7,16)·(7,16) over axes (2,2): (None,7,16) without 16, then (7,16) without 16 → (7,7).
    let m = try model("input (7,16)", "add dot axes=(2,2) from input,input")
    #expect(m.layers[0].output == Shape([7, 7]))
    // (8,)·(8,) over axis 1 leaves the batch alone: Keras adds an axis of 1.
    let v = try model("input (8,)", "add dot axes=1 from input,input")
    #expect(v.layers[0].output == Shape([1]))
    expectRefusal(
      after: ["input (8,4)", "add dense units=6 as b"], "add dot axes=2 from input,b", .refused,
      "axis values 4 (at axis 2) != 6 (at axis 2)")
    expectRefusal(
      after: ["input (8,4)"], "add dot axes=1 from input,input,input", .refused,
      "should be called on a list of 2 inputs")
  }

  @Test func mergesWithoutFromAndLayersGivenSeveralAreRefused() {
    expectRefusal(after: ["input (4,8)"], "add add", .refused, "should be called on a list")
    expectRefusal(
      after: ["input (4,8)"], "add dense units=3 from input,input", .refused,
      "it reads one tensor, and 'from' names 2")
    expectRefusal(
      after: ["input (4,8)"], "add subtract from input,input,input", .refused, "exactly 2 inputs")
    expectRefusal(
      after: ["input (4,8)"], "add timedistributed add", .refused, "should be called on a list")
  }

  @Test func namesAreResolvedAndUnique() throws {
    expectRefusal(
      after: ["input (4,8)"], "add add from input,nope", .wiring, "no tensor is named 'nope'")
    expectRefusal(
      after: ["input (4,8)", "add dense units=2 as d"], "add dense units=3 as d", .wiring,
      "the name 'd' is taken by layer #1")
    expectRefusal(
      after: ["input (4,8)"], "add dense units=3 as input", .wiring, "taken by the model's input")
    expectRefusal(
      after: ["input (4,8)", "add dense units=2"], "add add from #1,#2", .wiring,
      "a layer reads only layers before it")
    // A name is looked up among the layers before: a later layer of that name is not it.
    let m = try model("input (4,8)", "add dense units=2 as d", "add dense units=3 from input")
    #expect(m.layers[1].input == Shape([4, 8]))
  }

  @Test func insertingMovesTheNumbersReadAndUndoMovesThemBack() throws {
    var i = Interpreter()
    for line in [
      "input (4,8)", "add dense units=8", "add dense units=8", "add add from #1,#2",
    ] {
      _ = try i.run(line: line)
    }
    let before = i.session.modelFingerprint
    _ = try i.run(line: "insert 2 dropout rate=0.5")
    #expect(i.session.layers[3].spec.script == "add add from #1,#3")
    #expect(i.session.layers[3].inputs == [Shape([4, 8]), Shape([4, 8])])
    _ = try i.run(line: "undo")
    #expect(i.session.modelFingerprint == before)
    _ = try i.run(line: "redo")
    #expect(i.session.layers[3].spec.script == "add add from #1,#3")
    // Inserting in front of the first layer moves both numbers.
    _ = try i.run(line: "insert 1 dropout rate=0.5")
    #expect(i.session.layers[4].spec.script == "add add from #2,#4")
  }

  @Test func aLayerReadIsNotRemovedAndTheModelStays() throws {
    var i = Interpreter()
    for line in ["input (4,8)", "add dense units=8 as a", "add relu", "add add from a,#2"] {
      _ = try i.run(line: line)
    }
    let before = i.session.fingerprint
    expectRefusal(
      after: ["input (4,8)", "add dense units=8 as a", "add relu", "add add from a,#2"],
      "remove 1", .wiring, "layer #1 cannot be removed: layer #3 (Add) reads it")
    #expect(throws: ParamCalcError.self) { try i.run(line: "remove 2") }
    #expect(i.session.fingerprint == before)
    // The merge itself can go, and then what it read.
    _ = try i.run(line: "remove 3")
    _ = try i.run(line: "remove 1")
    #expect(i.session.count == 1 && i.session.layers[0].input == Shape([4, 8]))
  }

  @Test func setReInfersTheBranchesAfterIt() throws {
    var i = Interpreter()
    for line in [
      "input (4,8)", "add dense units=8 as a", "add dense units=8 from input", "add add from a,#2",
      "add dense units=2",
    ] {
      _ = try i.run(line: line)
    }
    // Both branches must agree: a narrower first branch breaks the Add.
    let before = i.session.fingerprint
    do throws(ParamCalcError) {
      _ = try i.run(line: "set 1 units=4")
      Issue.record("set 1 units=4 was accepted")
    } catch {
      #expect(error.kind == .breaksLayer && error.message.contains("layer #3 (Add)"), "\(error)")
    }
    #expect(i.session.fingerprint == before)
    // Widening the input changes both Dense kernels: 2 × (9 × 8 + 8) more... worked out:
    // before (8 × 8 + 8) × 2 + (8 × 2 + 2) = 162; after (10 × 8 + 8) × 2 + 18 = 194.
    #expect(i.session.total == 162)
    _ = try i.run(line: "input (4,10)")
    #expect(i.session.total == 194)
  }

  @Test func theSummaryNamesLayersAndWhatEachReads() throws {
    let m = try model(
      "input (4,8)", "add dense units=8 as a", "add dense units=8 from input", "add add from a,#2",
      "add dense units=2")
    #expect(m.layerNames == ["a", "dense", "add", "dense_1"])
    #expect(
      (0..<4).map { m.connections(of: $0, names: m.layerNames) } == [
        ["input"], ["input"], ["a", "dense"], ["add"],
      ])
    let text = TextRenderer(style: .plain).summary(m)
    #expect(text.hasPrefix("Model: \"functional\""))
    #expect(text.contains("Connected to"))
    #expect(text.contains("│ add (Add) "))
    #expect(text.contains("│ a, dense "))
  }

  @Test func savedScriptRebuildsTheGraph() throws {
    var i = Interpreter()
    for line in [
      "input (4,8)", "add dense units=8 as a", "add dense units=8 from input", "add add from a,#2",
      "add concatenate axis=1 from #3,a as j", "add flatten",
    ] {
      _ = try i.run(line: line)
    }
    var again = Interpreter()
    for line in i.script.split(separator: "\n") { _ = try again.run(line: String(line)) }
    #expect(again.session.modelFingerprint == i.session.modelFingerprint)
    #expect(i.script.contains("add concatenate axis=1 as j from #3,a"))
  }

  @Test func aChainStaysAChain() throws {
    let m = try model("input (4,8)", "add dense units=8", "add relu")
    #expect(!m.isGraph)
    let g = try model("input (4,8)", "add dense units=8 as d")
    #expect(g.isGraph)
  }

  @Test func namedInputsAreLayersThatReadNothing() throws {
    let m = try model(
      "input left (4,)", "input right (6,)", "add dense units=2 from left",
      "add dense units=2 from right", "add add from #3,#4")
    #expect(m.input == nil && m.count == 5)
    #expect(m.layers[0].typeName == "InputLayer" && m.layers[0].output == Shape([4]))
    // (4 + 1) × 2 + (6 + 1) × 2 = 24
    #expect(m.total == 24)
    expectRefusal(
      after: ["input left (4,)"], "add inputlayer shape=(3,) as x from left", .wiring,
      "an InputLayer reads no tensor")
    // A layer reads the layer before it, an input too; the model's own input is not there.
    #expect(try model("input left (4,)", "add dense units=2").layers[1].input == Shape([4]))
    expectRefusal(
      after: ["input left (4,)"], "add dense units=2 from input", .noInputShape, "no input shape")
    expectRefusal(after: ["input left (4,)"], "reuse 1", .wiring, "is an input")
    // Giving a named input again changes its shape: (5 + 1) × 2 = 12 after (3 + 1) × 2 = 8.
    var i = Interpreter()
    for line in ["input z (3,)", "add dense units=2 from z"] { _ = try i.run(line: line) }
    #expect(i.session.total == 8)
    _ = try i.run(line: "input z (5,)")
    #expect(i.session.total == 12 && i.session.count == 2)
    _ = try i.run(line: "undo")
    #expect(i.session.total == 8)
  }

  @Test func aLayerCalledAgainIsCountedOnce() throws {
    let m = try model(
      "input left (28,28,1)", "input right (28,28,1)",
      "add conv2d filters=8 kernel_size=3 from left",
      "add flatten as fl", "add dense units=16 as el", "reuse 3 from right", "reuse 4",
      "reuse 5 as er", "add subtract from el,er", "add dense units=1")
    // Worked by hand: conv (3 × 3 × 1 + 1) × 8 = 80; dense (26 × 26 × 8 + 1) × 16 = 86,544;
    // the last (16 + 1) × 1 = 17. The second calls add nothing.
    #expect(m.total == 80 + 86_544 + 17)
    #expect(m.layers[5].params == 0 && m.layers[5].output == Shape([26, 26, 8]))
    #expect(m.layers[7].inference.weights.isEmpty)
    #expect(m.layers[5].spec.script == "reuse 3 from right")
    #expect(m.layerNames[5] == "conv2d" && m.layerNames[7] == "el")
    let small = try model(
      "input left (4,)", "input right (4,)", "add dense units=3 from left", "reuse 3 from right")
    let text = TextRenderer().explain(4, small)
    #expect(text.contains("layer #3 called again"), "\(text)")
  }

  @Test func editsFollowTheLayerCalledAgain() throws {
    var i = Interpreter()
    for line in [
      "input left (4,)", "input right (4,)", "add dense units=3 from left", "reuse 3 from right",
      "add add from #3,#4",
    ] {
      _ = try i.run(line: line)
    }
    // A set on the layer changes both calls; on the call it is refused.
    _ = try i.run(line: "set 3 units=5")
    #expect(i.session.layers[3].output == Shape([5]) && i.session.total == 25)
    do throws(ParamCalcError) {
      _ = try i.run(line: "set 4 units=2")
      Issue.record("set on a call again was accepted")
    } catch {
      #expect(error.kind == .wiring && error.message.contains("layer #3 called again"))
    }
    // Removing the layer is refused while it is called again; inserting before it moves the
    // number the call names, and undo moves it back.
    do throws(ParamCalcError) {
      _ = try i.run(line: "remove 3")
      Issue.record("remove of a layer called again was accepted")
    } catch {
      #expect(error.message.contains("layer #4 (Dense) calls it again"), "\(error)")
    }
    _ = try i.run(line: "insert 3 dropout rate=0.5 from right")
    #expect(i.session.layers[4].spec.script == "reuse 4 from right")
    _ = try i.run(line: "undo")
    #expect(i.session.layers[3].spec.script == "reuse 3 from right")
    // A call on a tensor of another width would need other weights: Keras refuses it.
    expectRefusal(
      after: ["input left (4,)", "input right (6,)", "add dense units=3 from left"],
      "reuse 3 from right", .refused, "would need other weights")
  }

  @Test func layersNotLeadingToTheLastAreSaid() throws {
    // #3 (a Dot of the input with itself) is read by nothing after it.
    let m = try model(
      "input (4,8)", "add dense units=8 as a", "add dense units=8 from input",
      "add dot axes=2 from input,input", "add add from a,#2")
    #expect(m.notOnTheWay == [2])
    let text = TextRenderer().summary(m)
    #expect(
      oneLine(text).contains("Not read on the way to the last layer: #3 (counted here"), "\(text)")
    // A shared layer's first call is in the model when a later call is read.
    let shared = try model(
      "input left (4,)", "input right (4,)", "add dense units=3 from left",
      "reuse 3 from right", "add dense units=1")
    #expect(shared.notOnTheWay == [0])
    #expect(try model("input (4,)", "add dense units=2").notOnTheWay.isEmpty)
  }
}
