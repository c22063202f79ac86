// The operands of the commands that edit layers: a layer number, and a layer request
// (`TYPE [INNER] key=value ...`) with its arguments.

extension CommandParser {
  func index(_ t: Span?, command: String, end: Span) throws(ParamCalcError) -> (Int, Span) {
    guard let t else {
      throw .missingOperand(
        command: command, what: "a layer number (as 'summary' shows them)", at: end)
    }
    // `#2`, as the layers are labelled (the tokenizer keeps it where a layer number goes).
    let digits =
      b[t.start] == UInt8(ascii: "#") && t.end > t.start + 1 ? Span(t.start + 1, t.end) : t
    let v = try value(digits)
    guard case .int(let n) = v else {
      throw .syntax(
        "expected a layer number, found '\(text(t))'", at: t,
        hint: "layers are numbered from 1, as 'summary' shows them")
    }
    return (n, t)
  }

  func layerRequest(_ toks: [Span], command: String, end: Span) throws(ParamCalcError)
    -> LayerRequest
  {
    if let typeTok = toks.first, let open = callOpening(typeTok) {
      throw pythonCall(typeTok, open: open)
    }
    // `add bidirectional LSTM(64)`: the wrapped layer as a call.
    if toks.count > 1, let open = callOpening(toks[1]) { throw pythonCall(toks[1], open: open) }
    guard let typeTok = toks.first, !containsEquals(typeTok) else {
      throw .missingOperand(
        command: command,
        what:
          "a layer type, e.g. '\(command == "add" ? "add" : "insert 1") dense units=10' ('layers' lists them)",
        at: toks.first ?? end)
    }
    var request = LayerRequest(type: lower(typeTok), typeSpan: typeTok, arguments: [])
    var rest = toks.dropFirst()
    // `as NAME` and `from A,B`, in either order, before or after the arguments: each word
    // takes the tokens after it up to the next key=value or clause.
    if rest.contains(where: { equals($0, "as") || equals($0, "from") }) {
      var clauses: [Span] = []
      var others: [Span] = []
      var inClause = false
      for t in rest {
        if equals(t, "as") || equals(t, "from") {
          inClause = true
        } else if containsEquals(t) {
          inClause = false
        }
        if inClause { clauses.append(t) } else { others.append(t) }
      }
      try wiring(clauses, into: &request, end: end)
      rest = others[...]
    }
    // The wrapped type, or a chain of wrappers and the type (`timedistributed bidirectional
    // lstm`): every word before the first key=value.
    var words: [Span] = []
    while let next = rest.first, !containsEquals(next) {
      words.append(next)
      rest = rest.dropFirst()
    }
    if let first = words.first, let last = words.last {
      request.inner = words.map(lower).joined(separator: " ")
      request.innerSpan = Span(first.start, last.end)
    }
    request.arguments = try arguments(Array(rest), command: command)
    return request
  }

  /// Reads `as NAME` and `from A,B` (a name, or `#N` for layer N; `input` is the model's input).
  func wiring(_ toks: [Span], into request: inout LayerRequest, end: Span) throws(ParamCalcError) {
    var i = 0
    while i < toks.count {
      let word = toks[i]
      let isAs = equals(word, "as")
      guard isAs || equals(word, "from") else {
        throw .syntax(
          "expected 'as NAME' or 'from NAME,...', found '\(text(word))'", at: word,
          hint: "arguments (key=value) come before 'as' and 'from'")
      }
      if (isAs && request.name != nil) || (!isAs && request.sources != nil) {
        throw .syntax("'\(lower(word))' is given twice", at: word)
      }
      var operands: [Span] = []
      i += 1
      while i < toks.count, !equals(toks[i], "as"), !equals(toks[i], "from") {
        operands.append(toks[i])
        i += 1
      }
      guard let first = operands.first, let last = operands.last else {
        throw .missingOperand(
          command: lower(word),
          what: isAs ? "a name, e.g. 'as c1'" : "the tensors read, e.g. 'from c1,#5'",
          at: Span(word.end, word.end + 1))
      }
      if isAs {
        if operands.count > 1 {
          throw .syntax(
            "a layer has one name", at: Span(operands[1].start, last.end),
            hint: "names are letters, digits and '_', e.g. 'as c1'")
        }
        try checkName(first)
        request.name = text(first)
        request.nameSpan = first
        continue
      }
      request.sources = try sourceList(first, last)
    }
  }

  /// The tensors `from a,b` (or `from a, b`) reads, from its first operand to its last: the
  /// operands joined, then split at commas.
  func sourceList(_ first: Span, _ last: Span) throws(ParamCalcError) -> [SourceRef] {
    var refs: [SourceRef] = []
    var start = first.start
    var k = first.start
    let stop = last.end
    while k <= stop {
      if k == stop || b[k] == UInt8(ascii: ",") {
        var s = Span(start, k)
        while s.start < s.end, CommandParser.isSpace(b[s.start]) { s = Span(s.start + 1, s.end) }
        while s.end > s.start, CommandParser.isSpace(b[s.end - 1]) {
          s = Span(s.start, s.end - 1)
        }
        guard s.start < s.end else {
          throw .syntax(
            "missing a name between commas", at: Span(max(start, k - 1), k + 1),
            hint: "the names are separated by commas, e.g. 'a,b'")
        }
        refs.append(try source(s))
        start = k + 1
      }
      k += 1
    }
    return refs
  }

  /// One tensor read: `#5` (layer 5) or a name, and a state after a dot (`enc.h`, `#3.c`).
  func source(_ s: Span) throws(ParamCalcError) -> SourceRef {
    guard s.start < s.end else {
      throw .syntax(
        "'' is not a name", at: Span(s.start, s.start + 1),
        hint: "a tensor is a name, #N for layer N, or 'input'")
    }
    var dot = s.end
    while dot > s.start, b[dot - 1] != UInt8(ascii: ".") { dot -= 1 }
    if dot > s.start {
      let base = try source(Span(s.start, dot - 1))
      let part = Span(dot, s.end)
      guard part.start < part.end else {
        throw .syntax(
          "expected a state's name after '.', found nothing", at: Span(dot - 1, dot),
          hint: "a recurrent layer's states are read as NAME.h (and NAME.c for an LSTM)")
      }
      try checkName(part)
      return SourceRef(.state(base.source, text(part)), at: s)
    }
    if b[s.start] == UInt8(ascii: "#") {
      let digits = Span(s.start + 1, s.end)
      guard digits.start < digits.end, case .int(let n) = try? value(digits), n >= 1 else {
        throw .syntax(
          "expected a layer number after '#', found '\(text(s))'", at: s,
          hint: "layers are numbered from 1, as 'summary' shows them")
      }
      return SourceRef(.number(n), at: s)
    }
    try checkName(s)
    return SourceRef(.name(text(s)), at: s)
  }

  /// A name given with `as` or read with `from`: a letter or '_', then letters, digits, '_'.
  func checkName(_ s: Span) throws(ParamCalcError) {
    for k in s.start..<s.end {
      let c = b[k] | 0x20
      let letter = (c >= 0x61 && c <= 0x7A) || b[k] == UInt8(ascii: "_")
      let digit = b[k] >= 0x30 && b[k] <= 0x39
      if !(letter || (digit && k > s.start)) {
        throw .syntax(
          "'\(text(s))' is not a name", at: s,
          hint: "names are a letter or '_', then letters, digits and '_' (e.g. c1, skip_2)")
      }
    }
  }

  func containsEquals(_ s: Span) -> Bool {
    for i in s.start..<s.end where b[i] == UInt8(ascii: "=") { return true }
    return false
  }

  func arguments(_ toks: [Span], command: String) throws(ParamCalcError) -> [Argument] {
    var out: [Argument] = []
    out.reserveCapacity(toks.count)
    var seen: Set<String> = []
    for t in toks {
      var eq = -1
      for i in t.start..<t.end where b[i] == UInt8(ascii: "=") {
        eq = i
        break
      }
      // A comma ending the token, or followed by another key=value, joins arguments (a comma
      // inside a value such as an einsum equation `abc,cd->abd` is the value's own).
      if let comma = topLevel(UInt8(ascii: ","), in: Span(eq < 0 ? t.start : eq + 1, t.end)),
        eq < 0 || comma == t.end - 1 || containsEquals(Span(comma, t.end))
      {
        throw commaBetweenArguments(t, comma: comma, next: toks.first { $0.start > t.start })
      }
      if eq < 0 {
        throw .syntax(
          "expected key=value, found '\(text(t))'", at: t,
          hint: "arguments are written key=value, e.g. units=64")
      }
      if eq == t.start {
        throw .syntax("missing argument name before '='", at: Span(t.start, t.start + 1))
      }
      let keySpan = Span(t.start, eq)
      let valueSpan = Span(eq + 1, t.end)
      if valueSpan.start == valueSpan.end {
        throw .syntax("missing value after '='", at: t, hint: "write key=value, e.g. units=64")
      }
      var key = lower(keySpan)
      if key.utf8.count <= 8, let long = Argument.shortNames[key] { key = long }
      for k in key.utf8
      where !(k == UInt8(ascii: "_") || (k >= 0x61 && k <= 0x7A) || (k >= 0x30 && k <= 0x39)) {
        throw .syntax(
          "'\(text(keySpan))' is not an argument name", at: keySpan,
          hint: "argument names are letters, digits and '_'")
      }
      // A repeat is found by a scan of the few arguments a line has, and through a set once there
      // are many (a line of 200,000 arguments is checked in linear time).
      if out.count < 16 {
        if out.contains(where: { $0.key == key }) { throw .repeatedArgument(key, at: t) }
      } else {
        if seen.isEmpty { seen = Set(out.map(\.key)) }
        if !seen.insert(key).inserted { throw .repeatedArgument(key, at: t) }
      }
      out.append(Argument(key: key, value: try value(valueSpan), span: t, valueSpan: valueSpan))
    }
    return out
  }
}
