import Testing

@testable import ParamCalcCore

/// A model used as a layer on a tensor of another rank, as Keras 3.15.1 treats it: the table is
/// what `scripts/keras_nested_rank.py` printed (the model's input, the tensor, the output shape
/// and count of Keras's symbolic call, or "refused" when its `InputSpec` check refuses it, and
/// whether the model then runs on data of that shape). paramcalc gives Keras's symbolic answer
/// where the model runs, and refuses the rest.
@Suite("A nested model on an input of another rank")
struct NestedRankTests {
  static let keras: [(String, String, String, Int, Bool)] = [
    ("(None,3)", "(5,3)", "(None, 5, 4)", 16, true),
    ("(None,3)", "(5,3,1)", "(None, 5, 3, 4)", 16, true),
    ("(3,1)", "(3,)", "(None, 4)", 8, true),
    ("(4,)", "(4,1)", "(None, 4, 4)", 20, true),
    ("(5,1)", "(5,1,1)", "(None, 5, 1, 4)", 8, true),
    ("(None,None,1)", "(7,7)", "(None, 7, 4)", 8, true),
    ("(None,3)", "(6,)", "(None, 4)", 16, false),
    ("(None,3)", "(3,)", "(None, 4)", 16, false),
    ("(2,3)", "(2,3,1,1)", "(None, 2, 3, 1, 4)", 16, false),
    ("(None,3)", "(2,5,3)", "refused", 0, false),
    ("(4,)", "(7,1)", "refused", 0, false),
    ("(4,)", "(2,4)", "refused", 0, false),
  ]

  @Test(arguments: keras.indices, ["sequential", "functional"])
  func asKerasDoes(i: Int, kind: String) {
    let (inner, outer, output, count, runs) = Self.keras[i]
    var interpreter = Interpreter()
    let setup = "input \(outer)"
    let line = "add \(kind) script=\"input \(inner); add dense units=4\""
    _ = try? interpreter.run(line: setup)
    let before = interpreter.session.fingerprint
    do throws(ParamCalcError) {
      _ = try interpreter.run(line: line)
      #expect(runs, "\(inner) on \(outer): accepted")
      let layer = interpreter.session.layers[0]
      #expect(layer.output.description == output, "\(inner) on \(outer)")
      #expect(interpreter.session.total == count, "\(inner) on \(outer)")
    } catch {
      #expect(!runs, "\(inner) on \(outer): \(error.message)")
      #expect(interpreter.session.fingerprint == before)
      guard case .refused(_, let reason, _, _) = error else {
        Issue.record("\(error)")
        return
      }
      // Keras's words: its InputSpec's where the symbolic call refuses, else those of
      // `_adjust_input_rank`.
      let words =
        output == "refused"
        ? "expected shape="
        : "Invalid input shape: expected shape (None, "
          + inner.dropFirst().split(separator: ",").joined(separator: ", ")
      #expect(reason.contains(words), "\(reason)")
    }
  }
}
