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

/// The error a line gives after `setup`, or nil when it succeeds. Every setup line must succeed:
/// one that fails records an issue with its error (and nil is returned), so a typo in the setup
/// can never stand in for the refusal under test.
func error(
  after setup: [String], _ line: String, sourceLocation: SourceLocation = #_sourceLocation
) -> ParamCalcError? {
  var interpreter = Interpreter()
  for s in setup {
    do throws(ParamCalcError) {
      _ = try interpreter.run(line: s)
    } catch {
      Issue.record(
        "setup line '\(s)' failed: \(error.message)", sourceLocation: sourceLocation)
      return nil
    }
  }
  do throws(ParamCalcError) {
    _ = try interpreter.run(line: line)
    return nil
  } catch {
    return error
  }
}

/// The case of a ParamCalcError, without its payload: what a refusal is checked to be.
enum ErrorKind: String, Sendable {
  case syntax, unknownCommand, unknownLayer, unsupportedLayer, unknownArgument, repeatedArgument
  case missingArgument, invalidValue, extraTokens, missingOperand, indexOutOfRange, noInputShape
  case refused, breaksLayer, overflow, wiring, nothingTo, file, inLoadedFile
}

extension ParamCalcError {
  /// The name of the case (every case carries a payload, so the mirror's one child is labelled
  /// with it); nil for a case this list does not know yet.
  var kind: ErrorKind? {
    Mirror(reflecting: self).children.first?.label.flatMap(ErrorKind.init(rawValue:))
  }
}

/// Checks that `line`, after `setup` (which must succeed), is refused with an error of `kind`
/// whose message contains `fragment` — not just any error: a typo or "not supported yet" fails.
func expectRefusal(
  after setup: [String], _ line: String, _ kind: ErrorKind, _ fragment: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  var interpreter = Interpreter()
  for s in setup {
    do throws(ParamCalcError) {
      _ = try interpreter.run(line: s)
    } catch {
      Issue.record("setup line '\(s)' failed: \(error.message)", sourceLocation: sourceLocation)
      return
    }
  }
  let e: ParamCalcError
  do throws(ParamCalcError) {
    _ = try interpreter.run(line: line)
    Issue.record("'\(line)' was accepted, expected a \(kind) error", sourceLocation: sourceLocation)
    return
  } catch {
    e = error
  }
  #expect(e.kind == kind, "'\(line)': \(e)", sourceLocation: sourceLocation)
  #expect(
    e.message.contains(fragment), "'\(line)': \"\(e.message)\" lacks \"\(fragment)\"",
    sourceLocation: sourceLocation)
}

/// The last layer of a model made of `input` and one `add` line.
func layer(_ input: String, _ add: String) throws -> ModelLayer {
  try #require(try model("input \(input)", add).layers.last)
}

func weights(_ l: ModelLayer) -> [String] {
  l.inference.weights.map { "\($0.name)\($0.shape)\($0.trainable ? "" : "!")" }
}

/// Checks that `body` fails with a ParamCalcError of `kind` whose message contains `fragment`.
func expectError(
  _ kind: ErrorKind, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () throws -> Void
) {
  do {
    try body()
    Issue.record("no error, expected a \(kind) error", sourceLocation: sourceLocation)
  } catch let error as ParamCalcError {
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    #expect(
      error.message.contains(fragment), "\"\(error.message)\" lacks \"\(fragment)\"",
      sourceLocation: sourceLocation)
  } catch {
    Issue.record("not a ParamCalcError: \(error)", sourceLocation: sourceLocation)
  }
}
