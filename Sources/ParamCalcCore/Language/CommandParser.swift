/// Reads one line of paramcalc's language into a `Command`, working on the line's bytes.
///
/// Tokens are separated by spaces or tabs outside parentheses, so `input (None, 25)` is two
/// tokens. `#` starts a comment, except `#N` where a layer number goes (`explain #1`,
/// `from #2`: see `layerNumberSign`). A blank or comment-only line gives `nil`. The command
/// words are those of `CommandTable`.
///
/// The parser is in files by concept: this one reads the command; `+Tokens` the tokens and the
/// bytes of a span; `+Values` values and shapes; `+Layers` layer numbers, layer requests and
/// their arguments; `+Hints` the mistakes refused with their fix.
public struct CommandParser {
  /// Nesting deeper than this is refused (it is never needed, and keeps parsing bounded).
  static let maxDepth = 32

  public static func parse(_ line: String) throws(ParamCalcError) -> Command? {
    var copy = line
    let result = copy.withUTF8 { buffer in
      Result { () throws(ParamCalcError) -> Command? in try parse(bytes: buffer) }
    }
    return try result.get()
  }

  public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(ParamCalcError) -> Command? {
    var p = CommandParser(bytes)
    return try p.command()
  }

  let b: UnsafeBufferPointer<UInt8>
  var tokens: [Span] = []
  /// Where the first byte that is not UTF-8 stands, outside comments.
  var invalidUTF8: Int?
  /// Where the first space-like character but a plain space or tab stands (U+00A0, U+FEFF,
  /// ...), outside quotes and comments.
  var oddSpace: Span?

  init(_ bytes: UnsafeBufferPointer<UInt8>) { b = bytes }

  /// The command the span names (a name or alias of `CommandTable`, in any case), and the word
  /// as the table spells it; nil when it names none. No string is made of the span.
  func commandWord(_ s: Span) -> (CommandKind, String)? {
    let n = s.end - s.start
    for entry in CommandTable.spellings where entry.bytes.count == n {
      var same = true
      for k in 0..<n {
        let c = b[s.start + k]
        if ((c >= 0x41 && c <= 0x5A) ? c | 0x20 : c) != entry.bytes[k] {
          same = false
          break
        }
      }
      if same { return (entry.kind, entry.word) }
    }
    return nil
  }

  mutating func command() throws(ParamCalcError) -> Command? {
    try tokenize()
    guard let first = tokens.first else { return nil }
    let named = commandWord(first)
    // A file name may be any bytes: invalid UTF-8 is refused on a line of another command.
    if let i = invalidUTF8,
      named?.0 != .save && named?.0 != .load && named?.0 != .play
        && named?.0 != .importFile && named?.0 != .export && named?.0 != .compare
    {
      throw .syntax(
        "invalid UTF-8 (byte 0x\(String(b[i], radix: 16, uppercase: true)))", at: Span(i, i + 1),
        hint: "paramcalc reads text in UTF-8 (only a file name may be other bytes)")
    }
    // A file name may hold any character: a space-like one is refused on a line of another
    // command.
    if let odd = oddSpace,
      named?.0 != .save && named?.0 != .load && named?.0 != .play
        && named?.0 != .importFile && named?.0 != .export && named?.0 != .compare
    {
      throw oddSpaceError(odd)
    }
    guard let (kind, word) = named else {
      // `model.add(Dense(10))` pasted whole: the call inside is the layer.
      try pastedAdd(first)
      throw .unknownCommand(
        text(first), at: first,
        suggestion: Suggestion.nearest(to: lower(first), in: CommandTable.words))
    }
    let rest = tokens.dropFirst()
    let end = Span(b.count, b.count + 1)
    func noMore() throws(ParamCalcError) {
      if let extra = rest.first {
        throw .extraTokens(at: Span(extra.start, tokens.last!.end), command: word)
      }
    }
    switch kind {
    case .input:
      guard let t = rest.first else {
        throw .missingOperand(
          command: word, what: "the input dimensions, e.g. 'input (None,25)' or 'input 28x28x1'",
          at: end)
      }
      // `input NAME DIMS`: a named input, an InputLayer read with `from NAME`.
      if rest.count == 2, b[t.start] != UInt8(ascii: "("),
        !(b[t.start] >= 0x30 && b[t.start] <= 0x39)
      {
        try checkName(t)
        let d = rest[rest.startIndex + 1]
        let shape = try dims(d)
        let value = Value.tuple(shape.dims.map { $0.map(Value.int) ?? .none })
        return .namedInput(
          LayerRequest(
            type: "inputlayer", typeSpan: t,
            arguments: [Argument(key: "shape", value: value, span: d, valueSpan: d)],
            name: text(t), nameSpan: t))
      }
      if rest.count > 1 {
        throw .extraTokens(
          at: Span(rest[rest.startIndex + 1].start, tokens.last!.end), command: word)
      }
      return .input(try dims(t), at: t)
    case .add:
      try spacedEquals()
      return .add(try layerRequest(Array(rest), command: word, end: end))
    case .insert:
      try spacedEquals()
      let (n, span) = try index(rest.first, command: word, end: end)
      return .insert(
        index: n, indexSpan: span,
        try layerRequest(Array(rest.dropFirst()), command: word, end: end))
    case .reuse:
      let (n, span) = try index(rest.first, command: word, end: end)
      var request = LayerRequest(type: "reuse", typeSpan: span, arguments: [])
      let clauses = Array(rest.dropFirst())
      if let first = clauses.first, !equals(first, "as") && !equals(first, "from") {
        throw .syntax(
          "expected 'from A,B' or 'as NAME' after the layer number, found '\(text(first))'",
          at: first, hint: "for example 'reuse 3 from right as encoded_right'")
      }
      try wiring(clauses, into: &request, end: end)
      return .reuse(index: n, indexSpan: span, request)
    case .output:
      guard let first = rest.first, let last = rest.last else {
        throw .missingOperand(
          command: "output", what: "the tensors the model outputs, e.g. 'output main,aux'",
          at: Span(end.start, end.start + 1))
      }
      return .output(try sourceList(first, last), at: Span(first.start, last.end))
    case .remove:
      let (n, span) = try index(rest.first, command: word, end: end)
      if rest.count > 1 {
        throw .extraTokens(
          at: Span(rest[rest.startIndex + 1].start, tokens.last!.end), command: word)
      }
      return .remove(index: n, indexSpan: span)
    case .set:
      try spacedEquals()
      let (n, span) = try index(rest.first, command: word, end: end)
      let args = try arguments(Array(rest.dropFirst()), command: word)
      if args.isEmpty {
        throw .missingOperand(
          command: word, what: "at least one key=value to change, e.g. 'set 2 units=64'", at: end)
      }
      return .set(index: n, indexSpan: span, arguments: args)
    case .undo:
      try noMore()
      return .undo
    case .redo:
      try noMore()
      return .redo
    case .clear:
      try noMore()
      return .clear
    case .summary:
      return try summary(Array(rest))
    case .export:
      return try export(Array(rest), end: end)
    case .total:
      try noMore()
      return .total
    case .layers:
      try noMore()
      return .layers
    case .memory:
      return .memory(try MemoryOptions.read(try arguments(Array(rest), command: word)))
    case .tryEdit:
      return .tryEdit(try triedEdit(Array(rest), end: end))
    case .keep:
      try noMore()
      return .keep
    case .snapshot:
      guard let t = rest.first else {
        throw .missingOperand(command: word, what: "a name, e.g. 'snapshot before'", at: end)
      }
      try noMore1(rest, word)
      try checkName(t)
      return .snapshot(name: text(t), at: t)
    case .compare:
      return try compare(Array(rest), end: end)
    case .flops:
      return .flops(try FlopsOptions.read(try arguments(Array(rest), command: word)))
    case .quit:
      try noMore()
      return .quit
    case .explain:
      guard let t = rest.first else { return .explain(.last) }
      if rest.count >= 2, equals(rest[rest.startIndex + 1], "flops") {
        if equals(t, "all") {
          throw .syntax(
            "'explain all flops' is not a command: 'explain N flops' explains one layer's compute",
            at: Span(t.start, rest[rest.startIndex + 1].end),
            hint: "'flops' counts every layer's; 'explain N flops' shows layer N's formula")
        }
        let (n, span) = try index(t, command: word, end: end)
        var o = try FlopsOptions.read(
          try arguments(Array(rest.dropFirst(2)), command: word))
        o.layer = n
        o.layerSpan = span
        return .flops(o)
      }
      if rest.count > 1 { try explainExtra(t, rest[rest.startIndex + 1], word: word) }
      if equals(t, "all") { return .explain(.all) }
      if equals(t, "on") { return .setting(.explainEdits(true), at: t) }
      if equals(t, "off") { return .setting(.explainEdits(false), at: t) }
      let (n, span) = try index(t, command: word, end: end)
      return .explain(.layer(n, at: span))
    case .help:
      guard let t = rest.first else { return .help(topic: nil, at: end) }
      // `help bidirectional lstm` asks about the wrapped layer's wrapper; the first word decides.
      return .help(topic: lower(t), at: t)
    case .prompt, .quiz:
      let choices: (StaticString, StaticString) =
        kind == .prompt ? ("total", "plain") : ("on", "off")
      let example = kind == .prompt ? "'prompt total' or 'prompt plain'" : "'quiz on' or 'quiz off'"
      guard let t = rest.first else {
        throw .missingOperand(command: word, what: example, at: end)
      }
      if rest.count > 1 {
        throw .extraTokens(
          at: Span(rest[rest.startIndex + 1].start, tokens.last!.end), command: word)
      }
      let first = equals(t, choices.0)
      guard first || equals(t, choices.1) else {
        throw .syntax(
          "'\(word)' takes \(choices.0) or \(choices.1), not '\(text(t))'", at: t,
          hint: "for example \(example)")
      }
      if kind == .prompt { return .setting(.prompt(first ? .total : .plain), at: t) }
      return .setting(.quiz(first), at: t)
    case .save, .load, .play, .importFile:
      let example = kind == .importFile ? "model.json" : "model.pc"
      guard let t = rest.first else {
        throw .missingOperand(
          command: word, what: "a file name, e.g. '\(word) \(example)'", at: end)
      }
      // `import FILE as NAME [from A]`: the model of FILE as one layer; the name ends before
      // `as`.
      if kind == .importFile, let k = rest.dropFirst().firstIndex(where: { equals($0, "as") }) {
        return try importLayer(Array(rest[..<k]), clauses: Array(rest[k...]), end: end)
      }
      // The name is the bytes written (a file name need not be UTF-8): the rest of the line, or
      // one quoted string, read as values are (`save 'my model.pc'`, `load 'it''s.pc'`).
      let span = Span(t.start, tokens.last!.end)
      let path: FileName
      if rest.count == 1, b[t.start] == UInt8(ascii: "'") || b[t.start] == UInt8(ascii: "\"") {
        let (inner, _) = try quoted(t)
        path = FileName(bytes: unquoted(inner, quote: b[t.start]))
      } else {
        path = FileName(bytes: Array(b[span.start..<span.end]))
      }
      if path.bytes.isEmpty {
        throw .missingOperand(
          command: word, what: "a file name, e.g. '\(word) \(example)'", at: t)
      }
      switch kind {
      case .save: return .save(path: path, at: span)
      case .load: return .load(path: path, at: span)
      case .importFile: return .importFile(path: path, at: span)
      default: return .play(path: path, at: span)
      }
    }
  }
}

extension CommandParser {
  /// `export markdown|csv|dot|svg|keras FILE`: the format, then the file named as `save` names it (one
  /// quoted string, or the rest of the line as written).
  func export(_ toks: [Span], end: Span) throws(ParamCalcError) -> Command {
    let formats = ExportFormat.allCases.map(\.rawValue)
    guard let f = toks.first else {
      throw .missingOperand(
        command: "export", what: "a format and a file name, e.g. 'export markdown model.md'",
        at: end)
    }
    guard let format = ExportFormat(rawValue: lower(f)) else {
      let near = Suggestion.nearest(to: lower(f), in: formats)
      throw .syntax(
        "'export' writes markdown, csv, dot, svg or keras, not '\(text(f))'", at: f,
        hint: near.map { "did you mean '\($0)'?" } ?? "for example 'export csv model.csv'")
    }
    guard toks.count > 1 else {
      throw .missingOperand(
        command: "export",
        what: "a file name, e.g. 'export \(format.rawValue) model.\(format.fileExtension)'",
        at: end)
    }
    let span = Span(toks[1].start, toks[toks.count - 1].end)
    var path = FileName(bytes: Array(b[span.start..<span.end]))
    if toks.count == 2, b[span.start] == UInt8(ascii: "'") || b[span.start] == UInt8(ascii: "\"") {
      let (inner, _) = try quoted(span)
      path = FileName(bytes: unquoted(inner, quote: b[span.start]))
    }
    if path.bytes.isEmpty {
      throw .missingOperand(command: "export", what: "a file name", at: toks[1])
    }
    return .export(format, path: path, at: span)
  }
}

extension CommandParser {
  /// `import FILE as NAME [from A]`: the file named by `toks` (one quoted string, or the words
  /// as written), and the clauses.
  func importLayer(_ toks: [Span], clauses: [Span], end: Span) throws(ParamCalcError) -> Command {
    let span = Span(toks[0].start, toks[toks.count - 1].end)
    let path: FileName
    if toks.count == 1, b[span.start] == UInt8(ascii: "'") || b[span.start] == UInt8(ascii: "\"") {
      let (inner, _) = try quoted(span)
      path = FileName(bytes: unquoted(inner, quote: b[span.start]))
    } else {
      path = FileName(bytes: Array(b[span.start..<span.end]))
    }
    var request = LayerRequest(type: "import", typeSpan: span, arguments: [])
    try wiring(clauses, into: &request, end: end)
    return .importLayer(path: path, at: span, request)
  }
}

extension CommandParser {
  /// Refuses anything after the first operand.
  func noMore1(_ rest: ArraySlice<Span>, _ word: String) throws(ParamCalcError) {
    if rest.count > 1 {
      throw .extraTokens(at: Span(rest[rest.startIndex + 1].start, tokens.last!.end), command: word)
    }
  }

  /// The edit after `try`: `N key=value ...` (or `set N ...`), `insert N TYPE ...`,
  /// `remove N`, `add TYPE ...`, read as those commands read it.
  func triedEdit(_ rest: [Span], end: Span) throws(ParamCalcError) -> Command {
    guard let first = rest.first else {
      throw .missingOperand(
        command: "try",
        what: "an edit, e.g. 'try 2 units=64', 'try insert 2 dropout rate=0.5' or 'try remove 2'",
        at: end)
    }
    let word = commandWord(first)?.0
    var toks = rest
    if word == .insert || word == .remove || word == .set || word == .add { toks.removeFirst() }
    switch word {
    case .insert:
      try spacedEquals()
      let (n, span) = try index(toks.first, command: "try insert", end: end)
      return .insert(
        index: n, indexSpan: span,
        try layerRequest(Array(toks.dropFirst()), command: "try insert", end: end))
    case .add:
      try spacedEquals()
      return .add(try layerRequest(toks, command: "try add", end: end))
    case .remove:
      let (n, span) = try index(toks.first, command: "try remove", end: end)
      if toks.count > 1 {
        throw .extraTokens(at: Span(toks[1].start, toks.last!.end), command: "try remove")
      }
      return .remove(index: n, indexSpan: span)
    case .set, nil:
      try spacedEquals()
      let (n, span) = try index(toks.first, command: "try", end: end)
      let args = try arguments(Array(toks.dropFirst()), command: "try")
      if args.isEmpty {
        throw .missingOperand(
          command: "try", what: "at least one key=value to change, e.g. 'try 2 units=64'",
          at: end)
      }
      return .set(index: n, indexSpan: span, arguments: args)
    default:
      throw .syntax(
        "'try' tries an edit of a layer, not '\(text(first))'", at: first,
        hint: "'try N key=value', 'try insert N TYPE ...', 'try remove N' or 'try add TYPE ...'")
    }
  }

  /// `compare NAME|FILE`: a snapshot's name, or a file named as `load` names it (one quoted
  /// string, or the rest of the line as written).
  func compare(_ toks: [Span], end: Span) throws(ParamCalcError) -> Command {
    guard let t = toks.first, let last = toks.last else {
      throw .missingOperand(
        command: "compare",
        what: "a snapshot's name or a saved script, e.g. 'compare before' or 'compare model.pc'",
        at: end)
    }
    let span = Span(t.start, last.end)
    if toks.count == 1, b[t.start] == UInt8(ascii: "'") || b[t.start] == UInt8(ascii: "\"") {
      let (inner, _) = try quoted(t)
      let path = FileName(bytes: unquoted(inner, quote: b[t.start]))
      if path.bytes.isEmpty {
        throw .missingOperand(command: "compare", what: "a file name", at: t)
      }
      return .compare(path, quoted: true, at: span)
    }
    return .compare(FileName(bytes: Array(b[span.start..<span.end])), quoted: false, at: span)
  }
}
