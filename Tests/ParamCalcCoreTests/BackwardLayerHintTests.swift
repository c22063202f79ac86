import Testing

@testable import ParamCalcCore

/// A Bidirectional with a backward layer: Keras requires both layers' return_sequences alike,
/// so a line changing one is refused with a hint that changes both, and that hint works.
@Suite struct BackwardLayerHintTests {
  /// A model from lines given as an array.
  static func built(_ lines: [String]) throws -> Session {
    var interpreter = Interpreter()
    for line in lines { _ = try interpreter.run(line: line) }
    return interpreter.session
  }

  static let setup = [
    "input (10,16)",
    "add bidirectional lstm units=8 backward_layer=\"lstm units=8 go_backwards=true\"",
  ]

  /// The hint of `line` after `setup`, which must be refused for the return_sequences.
  static func hint(_ setup: [String], _ line: String) -> String? {
    let e = error(after: setup, line)
    #expect(e?.message.contains("must have the same return_sequences") == true, "\(line)")
    return e?.hint
  }

  /// The `set` line quoted in a hint: from its `'set ` to the last single quote.
  static func quoted(_ hint: String) -> String? {
    guard let first = hint.range(of: "'set "), let last = hint.lastIndex(of: "'"),
      first.lowerBound < last
    else { return nil }
    return String(hint[hint.index(after: first.lowerBound)..<last])
  }

  @Test func setOnTheForwardLayerShowsTheSetLineChangingBoth() throws {
    let hint = try #require(Self.hint(Self.setup, "set 1 return_sequences=true"))
    let want =
      "set 1 return_sequences=true "
      + "backward_layer=\"lstm units=8 go_backwards=true return_sequences=true\""
    #expect(
      hint
        == "Keras requires the backward layer's return_sequences to equal the forward layer's: "
        + "change both on one line, '\(want)'")
    // The line shown is taken, and gives the sequences of both directions.
    let s = try Self.built(Self.setup + [want])
    #expect(s.layers[0].output == Shape([10, 16]))
  }

  @Test func otherArgumentsOfTheLineAreKeptAndTheLayerNumberIsItsOwn() throws {
    let setup = ["input (10,16)", "add dense units=16"] + Array(Self.setup.dropFirst())
    let hint = try #require(Self.hint(setup, "set 2 units=4 return_sequences=true"))
    let line = try #require(Self.quoted(hint))
    #expect(
      line
        == "set 2 units=4 return_sequences=true "
        + "backward_layer=\"lstm units=8 go_backwards=true return_sequences=true\"")
    let s = try Self.built(setup + [line])
    #expect(s.layers[1].output == Shape([10, 8]))
  }

  @Test func setOnTheBackwardLayerChangesTheForwardOneToo() throws {
    let backward = "backward_layer=\"lstm units=8 go_backwards=true return_sequences=true\""
    let hint = try #require(Self.hint(Self.setup, "set 1 " + backward))
    let line = try #require(Self.quoted(hint))
    #expect(line == "set 1 return_sequences=true " + backward)
    _ = try Self.built(Self.setup + [line])
  }

  @Test func addSaysWhatTheBackwardLayerNeeds() throws {
    let add =
      "add bidirectional lstm units=8 return_sequences=true "
      + "backward_layer=\"lstm units=8 go_backwards=true\""
    let hint = try #require(Self.hint(["input (10,16)"], add))
    #expect(
      hint.hasSuffix(
        ": give the backward layer return_sequences=true too, "
          + "backward_layer=\"lstm units=8 go_backwards=true return_sequences=true\""))
    let other =
      "add bidirectional lstm units=8 "
      + "backward_layer=\"lstm units=8 go_backwards=true return_sequences=true\""
    let hint2 = try #require(Self.hint(["input (10,16)"], other))
    #expect(
      hint2.hasSuffix(
        ": give the forward layer return_sequences=true too, or leave it out of backward_layer"))
    // A backward layer with a double quote in it is quoted with single quotes.
    let quoted =
      "add bidirectional lstm units=8 activation=\"tanh\" return_sequences=true "
      + "backward_layer='lstm units=8 activation=\"tanh\" go_backwards=true'"
    let hint3 = try #require(Self.hint(["input (10,16)"], quoted))
    #expect(
      hint3.hasSuffix(
        "backward_layer='lstm units=8 activation=\"tanh\" go_backwards=true return_sequences=true'")
    )
  }
}
