import Testing

@testable import ParamCalcCore

@Suite("Model stack: edits, undo, redo")
struct SessionTests {
  func totals(_ s: Session) -> [Int] { [s.total, s.trainable, s.nonTrainable] }

  @Test func addUndoRedo() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (None,25)")
    _ = try i.run(line: "add conv1d filters=64 kernel_size=5")
    _ = try i.run(line: "add batchnormalization")
    #expect(totals(i.session) == [8_320, 8_192, 128])
    _ = try i.run(line: "undo")
    #expect(totals(i.session) == [8_064, 8_064, 0])
    _ = try i.run(line: "undo")
    #expect(i.session.layers.isEmpty)
    _ = try i.run(line: "undo")
    #expect(i.session.input == nil)
    expectError(.nothingTo, "nothing to undo") { _ = try i.run(line: "undo") }
    for _ in 0..<3 { _ = try i.run(line: "redo") }
    #expect(totals(i.session) == [8_320, 8_192, 128])
    expectError(.nothingTo, "nothing to redo") { _ = try i.run(line: "redo") }
  }

  @Test func aNewEditClearsRedo() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (4,)")
    _ = try i.run(line: "add dense units=2")
    _ = try i.run(line: "undo")
    _ = try i.run(line: "add dense units=3")
    #expect(!i.session.canRedo)
  }

  @Test func insertRemoveReinferLaterLayers() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (10,)")
    _ = try i.run(line: "add dense units=4")
    _ = try i.run(line: "add dense units=2")
    #expect(i.session.total == 44 + 10)
    _ = try i.run(line: "insert 2 dense units=8")
    #expect(i.session.layers.map { $0.output } == [Shape([4]), Shape([8]), Shape([2])])
    #expect(i.session.total == 44 + 40 + 18)
    _ = try i.run(line: "remove 1")
    #expect(i.session.total == 88 + 18)
    _ = try i.run(line: "undo")
    _ = try i.run(line: "undo")
    #expect(i.session.total == 44 + 10)
    _ = try i.run(line: "insert 3 dense units=1")
    #expect(i.session.layers.count == 3)
  }

  @Test func setChangesArgumentsAndReinfers() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (10,)")
    _ = try i.run(line: "add dense units=4")
    _ = try i.run(line: "add dense units=2")
    _ = try i.run(line: "set 1 units=8")
    #expect(i.session.total == 88 + 18)
    _ = try i.run(line: "set 2 trainable=false")
    #expect(i.session.nonTrainable == 18)
    _ = try i.run(line: "undo")
    _ = try i.run(line: "undo")
    #expect(i.session.total == 44 + 10)
  }

  @Test func anEditThatBreaksALaterLayerChangesNothing() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (10,3)")
    _ = try i.run(line: "add conv1d filters=4 kernel_size=3")
    _ = try i.run(line: "add conv1d filters=4 kernel_size=8")
    let before = i.session.layers.map(\.output)
    do {
      _ = try i.run(line: "set 1 kernel_size=5")
      Issue.record("expected an error")
    } catch {
      guard case .breaksLayer(let index, _, _, _, _, _) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(index == 2)
    }
    #expect(i.session.layers.map(\.output) == before)
    expectError(.breaksLayer, "would break layer #2 (Conv1D)") {
      _ = try i.run(line: "input (5,3)")
    }
    #expect(i.session.input == Shape([10, 3]))
  }

  @Test func rejectedLinesLeaveTheModelUnchanged() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (10,3)")
    _ = try i.run(line: "add dense units=4")
    for (bad, kind, fragment) in [
      ("add conv2d filters=3 kernel_size=3", ErrorKind.refused, "expected an input of rank 4"),
      ("add dense units=0", .invalidValue, "units: must be at least 1"),
      ("add dense", .missingArgument, "Dense needs the argument 'units'"),
      ("add dense units=3 foo=1", .unknownArgument, "Dense has no argument 'foo'"),
      ("add nosuchlayer", .unknownLayer, "unknown layer type 'nosuchlayer'"),
      ("remove 5", .indexOutOfRange, "layer 5 does not exist"),
      ("set 9 units=3", .indexOutOfRange, "layer 9 does not exist"),
      ("insert 0 dense units=3", .indexOutOfRange, "cannot insert at 0"),
      ("add dense units=3.5", .invalidValue, "units: expected an integer"),
    ] {
      expectError(kind, fragment) { _ = try i.run(line: bad) }
      // Dense(4) on 3 features: 3*4+4 = 16, unchanged.
      #expect(i.session.layers.count == 1 && i.session.total == 16, "\(bad)")
    }
  }

  @Test func inputShapeOnTheFirstLayer() throws {
    var i = Interpreter()
    expectError(.noInputShape, "the model has no input shape") {
      _ = try i.run(line: "add dense units=3")
    }
    _ = try i.run(line: "add conv1d filters=64 kernel_size=5 input_shape=(None,25)")
    #expect(i.session.total == 8_064)
    _ = try i.run(line: "undo")
    #expect(i.session.input == nil && i.session.layers.isEmpty)
  }

  @Test func clearAndLoadAreOneStep() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (4,)")
    _ = try i.run(line: "add dense units=2")
    _ = try i.run(line: "clear")
    #expect(i.session.total == 0 && i.session.input == nil)
    _ = try i.run(line: "undo")
    #expect(i.session.total == 10)
    _ = try i.load(
      lines: ["input (8,)", "add dense units=1", "add dense units=1"], path: "m.pc", at: Span(0, 0))
    #expect(i.session.total == 11)
    _ = try i.run(line: "undo")
    #expect(i.session.total == 10)
    // The error names the file and its line, and wraps the line's own error.
    expectError(.inLoadedFile, "in m.pc:2: units: must be at least 1") {
      _ = try i.load(lines: ["input (8,)", "add dense units=0"], path: "m.pc", at: Span(0, 0))
    }
    #expect(i.session.total == 10)
  }

  @Test func saveThenLoadRebuildsTheSameModel() throws {
    var i = Interpreter()
    for line in [
      "input (None,25)", "add conv1d filters=64 kernel=5 padding=causal activation=relu",
      "add bidirectional lstm units=8 merge_mode=sum return_sequences=true",
      "add batchnormalization trainable=false",
      "add dense units=3",
    ] { _ = try i.run(line: line) }
    let script = i.script
    var j = Interpreter()
    _ = try j.load(lines: script.split(separator: "\n").map(String.init), path: "s", at: Span(0, 0))
    #expect(j.session.layers.map(\.spec) == i.session.layers.map(\.spec))
    #expect(j.session.layers.map(\.inference) == i.session.layers.map(\.inference))
    #expect(j.script == script)
  }

  /// Undoing a first layer that brought its own input_shape= takes back the layer and the input
  /// (this used to stop the program: the undo had no layer to show).
  @Test func undoOfAFirstLayerWithItsOwnInputShape() throws {
    var i = Interpreter()
    _ = try i.run(line: "add dense units=8 input_shape=(None,8)")
    let (_, undone) = try #require(try i.run(line: "undo"))
    #expect(
      TextRenderer().render(undone, session: i.session)
        == "  undo: removed #1 Dense (72 params)   total 0\n")
    #expect(i.session.input == nil && i.session.count == 0)
    let (_, redone) = try #require(try i.run(line: "redo"))
    #expect(
      TextRenderer().render(redone, session: i.session)
        == "  redo: restored #1 Dense  out (None, None, 8)   72 params   total 72\n")
    #expect(i.session.input == Shape([nil, 8]))
  }
}
