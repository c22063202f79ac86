import Testing

@testable import ParamCalcCore

/// Builds a model from script lines; any error fails the calling test.
func model(_ lines: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> Session
{
  var interpreter = Interpreter()
  for line in lines {
    _ = try interpreter.run(line: line)
  }
  return interpreter.session
}

/// The error a line gives after `setup`, or nil when it succeeds.
func error(after setup: [String], _ line: String) -> ParamCalcError? {
  var interpreter = Interpreter()
  for s in setup { _ = try? interpreter.run(line: s) }
  do throws(ParamCalcError) {
    _ = try interpreter.run(line: line)
    return nil
  } catch {
    return error
  }
}

/// The last layer of a model made of `input` and one `add` line.
func layer(_ input: String, _ add: String) throws -> ModelLayer {
  let s = try model("input \(input)", add)
  return s.layers.last!
}

func weights(_ l: ModelLayer) -> [String] {
  l.inference.weights.map { "\($0.name)\($0.shape)\($0.trainable ? "" : "!")" }
}
