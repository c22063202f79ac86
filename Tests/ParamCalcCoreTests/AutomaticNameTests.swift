import Testing

@testable import ParamCalcCore

/// The names Keras gives layers not named with `as` (`dense`, `dense_1`: the summary shows them)
/// are not read with `from`: the refusal says how to read the layer.
@Suite("Automatic names")
struct AutomaticNameTests {
  func refusal(_ lines: [String]) throws -> ParamCalcError? {
    var interpreter = Interpreter()
    for line in lines.dropLast() { _ = try interpreter.run(line: line) }
    let before = interpreter.session.total
    do {
      _ = try interpreter.run(line: lines.last!)
      return nil
    } catch {
      #expect(interpreter.session.total == before)
      return error
    }
  }

  @Test func anAutomaticNameIsNotReadWithFrom() throws {
    let e = try #require(
      try refusal(["input a (8,)", "add dense units=4 from a", "add dense units=3 from dense"]))
    guard case .wiring(let message, _, let hint) = e else {
      Issue.record("\(e)")
      return
    }
    #expect(message.contains("'dense' is the name the summary shows for layer #2"))
    #expect(hint?.contains("'#2'") == true)
    // The second unnamed Dense is dense_1.
    let second = try #require(
      try refusal([
        "input a (8,)", "add dense units=4 from a", "add dense units=3 from a",
        "add dense units=2 from dense_1",
      ]))
    #expect(second.message.contains("layer #3"), "\(second.message)")
  }
}
