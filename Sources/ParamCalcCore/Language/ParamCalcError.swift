/// Every error paramcalc reports, with the columns of the line it points at.
/// Messages and hints are worded here, and rendered in one place (`DiagnosticRenderer`); a hint
/// that needs the line or the model (`syntax`'s, a refusal's remedy, which `RefusalHint` works
/// out by inferring it) is worded where it is found and carried in the case.
public enum ParamCalcError: Error, Equatable, Sendable {
  /// The line could not be read as a command: a malformed tuple or number, an unbalanced parenthesis.
  case syntax(String, at: Span, hint: String? = nil)
  case unknownCommand(String, at: Span, suggestion: String?)
  case unknownLayer(String, at: Span, suggestion: String?)
  case unsupportedLayer(String, reason: String, at: Span)
  case unknownArgument(String, layer: String, at: Span, suggestion: String?)
  case repeatedArgument(String, at: Span)
  case missingArgument(String, layer: String, at: Span, example: String)
  case invalidValue(argument: String, message: String, at: Span, hint: String? = nil)
  case extraTokens(at: Span, command: String)
  case missingOperand(command: String, what: String, at: Span)
  case indexOutOfRange(Int, count: Int, at: Span, allowsOnePast: Bool)
  case noInputShape(at: Span)
  /// Keras refuses the layer on its input: `reason` says why, as Keras does; `hint`, what would
  /// fit (worded where the refusal becomes this error, from the layer and its input).
  case refused(layer: String, reason: String, at: Span, hint: String? = nil)
  /// An edit that would make a later layer invalid. `reinsert`, for a layer that reads several
  /// tensors which one `set` cannot change together: the line that inserts it again.
  case breaksLayer(
    index: Int, layer: String, reason: String, at: Span, hint: String? = nil,
    reinsert: String? = nil)
  case overflow(String, at: Span)
  /// A layer reads a tensor that is not there (`from x` with no x before it), a name is taken
  /// twice, or an edit would take away a tensor another layer reads.
  case wiring(String, at: Span, hint: String? = nil)
  case nothingTo(String, at: Span)
  /// A command that talks with the person at the prompt (`quiz`), given in a script.
  case needsTerminal(String, at: Span)
  case file(path: String, reason: String, at: Span)
  /// A line longer than the reader keeps (its bytes are not kept, so it is not quoted).
  case lineTooLong(length: Int, limit: Int)
  /// An error at a line of a file being loaded, wrapped with where it happened.
  indirect case inLoadedFile(path: String, line: Int, text: String, underlying: ParamCalcError)
  /// A Keras model file that `import` cannot read or import: why, in the file's terms.
  case modelFile(path: String, ModelFileProblem, at: Span)
  /// An error building a layer of an imported model file: the layer's name and Keras class, and
  /// the `add` line it was translated to (the underlying error points into that line).
  indirect case inModelFile(
    path: String, layer: String, className: String, text: String, underlying: ParamCalcError)

  /// Columns the caret goes under.
  public var span: Span {
    switch self {
    case .syntax(_, let at, _), .unknownCommand(_, let at, _), .unknownLayer(_, let at, _),
      .unsupportedLayer(_, _, let at), .unknownArgument(_, _, let at, _),
      .repeatedArgument(_, let at),
      .missingArgument(_, _, let at, _), .invalidValue(_, _, let at, _), .extraTokens(let at, _),
      .missingOperand(_, _, let at), .indexOutOfRange(_, _, let at, _), .noInputShape(let at),
      .refused(_, _, let at, _), .breaksLayer(_, _, _, let at, _, _), .overflow(_, let at),
      .wiring(_, let at, _), .nothingTo(_, let at), .needsTerminal(_, let at), .file(_, _, let at),
      .modelFile(_, _, let at):
      return at
    case .inLoadedFile, .lineTooLong, .inModelFile:
      return Span(0, 0)
    }
  }

  /// The same error with its columns `offset` further right: an error found in a piece of a
  /// line (the layer a `backward_layer=` value describes), pointed at in the whole line.
  func shifted(by offset: Int) -> ParamCalcError {
    let o = offset
    switch self {
    case .syntax(let m, let at, let h): return .syntax(m, at: at.shifted(by: o), hint: h)
    case .unknownCommand(let c, let at, let s):
      return .unknownCommand(c, at: at.shifted(by: o), suggestion: s)
    case .unknownLayer(let t, let at, let s):
      return .unknownLayer(t, at: at.shifted(by: o), suggestion: s)
    case .unsupportedLayer(let t, let r, let at):
      return .unsupportedLayer(t, reason: r, at: at.shifted(by: o))
    case .unknownArgument(let a, let l, let at, let s):
      return .unknownArgument(a, layer: l, at: at.shifted(by: o), suggestion: s)
    case .repeatedArgument(let a, let at): return .repeatedArgument(a, at: at.shifted(by: o))
    case .missingArgument(let a, let l, let at, let e):
      return .missingArgument(a, layer: l, at: at.shifted(by: o), example: e)
    case .invalidValue(let a, let m, let at, let h):
      return .invalidValue(argument: a, message: m, at: at.shifted(by: o), hint: h)
    case .extraTokens(let at, let c): return .extraTokens(at: at.shifted(by: o), command: c)
    case .missingOperand(let c, let w, let at):
      return .missingOperand(command: c, what: w, at: at.shifted(by: o))
    case .indexOutOfRange(let i, let c, let at, let p):
      return .indexOutOfRange(i, count: c, at: at.shifted(by: o), allowsOnePast: p)
    case .noInputShape(let at): return .noInputShape(at: at.shifted(by: o))
    case .refused(let l, let r, let at, let h):
      return .refused(layer: l, reason: r, at: at.shifted(by: o), hint: h)
    case .breaksLayer(let i, let l, let r, let at, let h, let again):
      return .breaksLayer(
        index: i, layer: l, reason: r, at: at.shifted(by: o), hint: h, reinsert: again)
    case .overflow(let w, let at): return .overflow(w, at: at.shifted(by: o))
    case .wiring(let m, let at, let h): return .wiring(m, at: at.shifted(by: o), hint: h)
    case .nothingTo(let w, let at): return .nothingTo(w, at: at.shifted(by: o))
    case .needsTerminal(let w, let at): return .needsTerminal(w, at: at.shifted(by: o))
    case .file(let p, let r, let at): return .file(path: p, reason: r, at: at.shifted(by: o))
    case .modelFile(let p, let problem, let at):
      return .modelFile(path: p, problem, at: at.shifted(by: o))
    case .lineTooLong, .inLoadedFile, .inModelFile: return self
    }
  }

  /// What went wrong, in one line: a token of the user's it quotes (a name, a number) longer
  /// than `Self.longToken` characters shortened with `…` (see `shortened`), as the quoted line
  /// is; a file's path is shown whole.
  public var message: String {
    switch self {
    case .file(let path, let reason, _): return "\(path): \(Self.shortened(reason))"
    case .inLoadedFile(let path, let line, _, let inner):
      return "in \(path):\(line): \(inner.message)"
    case .modelFile(let path, let problem, _):
      return "\(path): \(Self.shortened(problem.message))"
    case .inModelFile(let path, let layer, let cls, _, let inner):
      return "in \(path), layer '\(Self.shortened(layer))' (\(cls)): \(inner.message)"
    default: return Self.shortened(wording)
    }
  }

  /// What would fix it, its quoted tokens shortened as the message's are.
  public var hint: String? { hintWording.map(Self.shortened) }

  /// The longest run of characters without a space that a message or hint shows whole.
  static let longToken = 48

  /// `s` with each run of characters without a space longer than `longToken` (a layer type of
  /// 200,000 letters, a number of 5,000 digits) cut to its first 28 characters, `…` and its
  /// last 8 (where a closing quote stands). Linear; `s` itself when no run is that long.
  static func shortened(_ s: String) -> String {
    var run = 0
    var long = false
    for c in s.utf8 {
      run = c == 0x20 ? 0 : run + 1
      if run > longToken {
        long = true
        break
      }
    }
    guard long else { return s }
    var out = ""
    var word: [Character] = []
    func flush() {
      if word.count > longToken {
        out += String(word[..<28]) + "…" + String(word[(word.count - 8)...])
      } else {
        out += String(word)
      }
      word.removeAll(keepingCapacity: true)
    }
    for c in s {
      if c == " " {
        flush()
        out.append(c)
      } else {
        word.append(c)
      }
    }
    flush()
    return out
  }

  var wording: String {
    switch self {
    case .syntax(let m, _, _): return m
    case .unknownCommand(let c, _, _): return "unknown command '\(c)'"
    case .unknownLayer(let t, _, _): return "unknown layer type '\(t)'"
    case .unsupportedLayer(let t, let reason, _):
      return "layer type '\(t)' is not supported: \(reason)"
    case .unknownArgument(let a, let layer, _, _): return "\(layer) has no argument '\(a)'"
    case .repeatedArgument(let a, _): return "argument '\(a)' is given twice"
    case .missingArgument(let a, let layer, _, _): return "\(layer) needs the argument '\(a)'"
    case .invalidValue(let a, let m, _, _): return "\(a): \(m)"
    case .extraTokens(_, let c): return "unexpected text after '\(c)'"
    case .missingOperand(let c, let what, _): return "'\(c)' needs \(what)"
    case .indexOutOfRange(let i, let n, _, let onePast):
      if onePast { return "cannot insert at \(i): a new layer can take positions 1 to \(n + 1)" }
      if n == 0 { return "layer \(i) does not exist: the model has no layers" }
      return "layer \(i) does not exist: layers are numbered 1 to \(n)"
    case .noInputShape: return "the model has no input shape"
    case .refused(let layer, let reason, _, _): return "\(layer) cannot be applied here: \(reason)"
    case .breaksLayer(let i, let layer, let reason, _, _, _):
      return "this change would break layer #\(i) (\(layer)): \(reason)"
    case .overflow(let what, _): return "overflow: \(what) does not fit in a 64-bit integer"
    case .wiring(let m, _, _): return m
    case .nothingTo(let what, _): return "nothing to \(what)"
    case .needsTerminal(let command, _): return "\(command) needs a terminal"
    case .file(let path, let reason, _): return "\(path): \(reason)"
    case .lineTooLong(let length, let limit):
      return
        "this line is \(Format.thousands(length)) bytes long; lines are limited to \(Format.thousands(limit)) bytes"
    case .inLoadedFile(let path, let line, _, let inner):
      return "in \(path):\(line): \(inner.message)"
    case .modelFile(let path, let problem, _): return "\(path): \(problem.message)"
    case .inModelFile(let path, let layer, let cls, _, let inner):
      return "in \(path), layer '\(layer)' (\(cls)): \(inner.message)"
    }
  }

  var hintWording: String? {
    switch self {
    case .syntax(_, _, let h): return h
    case .unknownCommand(_, _, let s):
      return s.map { "did you mean '\($0)'? ('help' lists the commands)" }
        ?? "'help' lists the commands"
    case .unknownLayer(_, _, let s):
      return s.map { "did you mean '\($0)'? ('layers' lists the layer types)" }
        ?? "'layers' lists the layer types"
    case .unsupportedLayer: return "'layers' lists the layer types paramcalc computes"
    case .unknownArgument(_, let layer, _, let s):
      // A wrapper and what it wraps (`TimeDistributed(Bidirectional(LSTM))`): each has its help.
      let names = layer.lowercased().split { $0 == "(" || $0 == ")" }.map { "'help \($0)'" }
      let list =
        names.count == 1
        ? "\(names[0]) lists its arguments"
        : names.dropLast().joined(separator: ", ") + " and \(names.last!) list their arguments"
      return s.map { "did you mean '\($0)'? (\(list))" } ?? list
    case .repeatedArgument: return "give each argument once"
    case .missingArgument(_, _, _, let example): return "for example: \(example)"
    case .invalidValue(_, _, _, let h): return h
    case .extraTokens(_, let c): return "'help \(c)' shows how to write it"
    case .missingOperand(let c, _, _):
      // `as` and `from` are clauses of `add` (and of `reuse`), not commands.
      return "'help \(c == "as" || c == "from" ? "add" : c)' shows how to write it"
    case .indexOutOfRange: return "'summary' shows the layers and their numbers"
    case .noInputShape:
      return
        "give one first, e.g. 'input (None,25)', or put input_shape=(None,25) on the first layer"
    case .refused(_, _, _, let h): return h
    case .breaksLayer(let i, _, _, _, _, let again?):
      // What it reads must change together: one `set` changes one of them.
      return
        "the model is unchanged: layer #\(i) reads several tensors that must change together, "
        + "and one 'set' changes one of them: remove it ('remove \(i)'), make the changes, then "
        + "insert it again as it then fits ('\(again)')"
    case .breaksLayer(let i, _, _, _, let hint, nil):
      // What would fit the layer, when it is said of the layer itself (not of what to add at
      // the end of the model); then the ways out that always exist.
      let fit = hint.flatMap { $0.contains("add '") ? nil : "layer #\(i): \($0); or " } ?? ""
      return
        "the model is unchanged: \(fit)change layer #\(i) first ('set \(i) ...') or remove it ('remove \(i)')"
    case .overflow: return nil
    case .wiring(_, _, let h): return h
    case .nothingTo: return nil
    case .needsTerminal(let command, _):
      return command == "play"
        ? "it waits for a key at each step: run paramcalc at a terminal and type 'play FILE' at the prompt"
        : "it asks for your guess at the prompt, and a script cannot answer: run paramcalc at a terminal, without a script"
    case .file: return nil
    case .lineTooLong: return "the line was skipped; split it, or remove what makes it so long"
    case .inLoadedFile(_, _, _, let inner): return inner.hint
    case .modelFile(_, let problem, _): return problem.hint
    case .inModelFile(_, _, _, _, let inner): return inner.hint
    }
  }
}
