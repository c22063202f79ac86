// The operands of the commands that edit layers: a layer number, and a layer request
// (`TYPE [INNER] key=value ...`) with its arguments.

extension CommandParser {
  func index(_ t: Span?, command: String, end: Span) throws(ParamCalcError) -> (Int, Span) {
    guard let t else {
      throw .missingOperand(
        command: command, what: "a layer number (as 'summary' shows them)", at: end)
    }
    let v = try value(t)
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
