// Mistakes with a known fix, refused with the line as it should be: spaces around '=', commas
// between arguments, and layers pasted from Python (`Dense(10)`, `model.add(Dense(10))`).

extension CommandParser {
  /// Refuses `key = value`, `key= value` and `key =value` (the tokens split at the spaces),
  /// showing the argument written together.
  func spacedEquals() throws(ParamCalcError) {
    func hasEquals(_ i: Int) -> Bool { containsEquals(tokens[i]) }
    for i in tokens.indices.dropFirst() {
      let t = tokens[i]
      let eq = UInt8(ascii: "=")
      var key: Span?
      var value: Span?
      if t.end - t.start == 1, b[t.start] == eq {
        if i >= 2, !hasEquals(i - 1), i + 1 < tokens.count, !hasEquals(i + 1) {
          (key, value) = (tokens[i - 1], tokens[i + 1])
        }
      } else if b[t.end - 1] == eq, i + 1 < tokens.count, !hasEquals(i + 1),
        !(t.start..<t.end - 1).contains(where: { b[$0] == eq })
      {
        (key, value) = (Span(t.start, t.end - 1), tokens[i + 1])
      } else if b[t.start] == eq, i >= 2, !hasEquals(i - 1),
        !(t.start + 1..<t.end).contains(where: { b[$0] == eq })
      {
        (key, value) = (tokens[i - 1], Span(t.start + 1, t.end))
      }
      if let key, let value {
        let whole = Span(key.start, value.end)
        throw .syntax(
          "spaces around '=' in '\(text(whole))'", at: whole,
          hint: "write key=value without spaces: \(text(key))=\(text(value))")
      }
    }
  }

  /// `filters=64, kernel_size=5` or `filters=64,kernel_size=5`: arguments joined by a comma.
  func commaBetweenArguments(_ t: Span, comma: Int, next: Span?) -> ParamCalcError {
    let before = text(Span(t.start, comma))
    var after = text(trimmed(Span(comma + 1, t.end)))
    if after.isEmpty, let next { after = text(next) }
    if after.hasPrefix(",") { after.removeFirst() }
    let example = before.contains("=") && after.contains("=") ? ": \(before) \(after)" : ""
    return .syntax(
      "unexpected ',' in '\(text(t))'", at: Span(comma, comma + 1),
      hint: "separate arguments with spaces, not commas" + example)
  }

  /// Refuses `model.add(Dense(10))` pasted whole as the first token (a line that names no
  /// command): the call inside is the layer, shown as an `add` line.
  func pastedAdd(_ first: Span) throws(ParamCalcError) {
    let marker = Array(".add(".utf8)
    if first.end - first.start > marker.count, b[first.end - 1] == UInt8(ascii: ")"),
      let at = (first.start..<first.end - marker.count).first(where: { i in
        marker.indices.allSatisfy { b[i + $0] == marker[$0] }
      })
    {
      let call = Span(at + marker.count, first.end - 1)
      if call.start < call.end, let open = callOpening(call) {
        throw pythonCall(call, open: open, command: "add")
      }
    }
  }

  /// Where `Name(` opens, when the token starts as a Python call (a '(' before any '=').
  func callOpening(_ t: Span) -> Int? {
    for i in t.start..<t.end {
      if b[i] == UInt8(ascii: "=") { return nil }
      if b[i] == UInt8(ascii: "(") { return i > t.start ? i : nil }
    }
    return nil
  }

  /// A layer written as a Python call (`Dense(10)`, `Conv2D(32, (3,3), activation='relu')`):
  /// refused, with the same layer in paramcalc's form when it can be worked out.
  func pythonCall(_ t: Span, open: Int, command: String? = nil) -> ParamCalcError {
    let message =
      "'\(text(t))' is Python: paramcalc writes a layer as its type and key=value arguments"
    let generic = "write e.g. 'add dense units=10' ('help TYPE' lists a layer's arguments)"
    guard let line = pythonForm(t, open: open, command: command) else {
      return .syntax(message, at: t, hint: generic)
    }
    return .syntax(message, at: t, hint: "did you mean '\(line)'?")
  }

  /// The paramcalc line a Python layer call stands for, or nil when it cannot be worked out.
  func pythonForm(_ t: Span, open: Int, command: String?) -> String? {
    guard b[t.end - 1] == UInt8(ascii: ")") else { return nil }
    // `keras.layers.Dense` is `Dense`.
    var written = text(Span(t.start, open))
    if let dot = written.lastIndex(of: ".") {
      written = String(written[written.index(after: dot)...])
    }
    guard let descriptor = LayerCatalog.standard[written.lowercased()] else { return nil }
    let positional = LayerCatalog.positionalArguments[descriptor.name] ?? []
    var items: [Span] = []
    var start = open + 1
    let inner = Span(open + 1, t.end - 1)
    while let comma = topLevel(UInt8(ascii: ","), in: Span(start, inner.end)) {
      items.append(trimmed(Span(start, comma)))
      start = comma + 1
    }
    let lastItem = trimmed(Span(start, inner.end))
    if lastItem.start < lastItem.end || !items.isEmpty { items.append(lastItem) }
    if items.last.map({ $0.start == $0.end }) == true { items.removeLast() }  // `Dense(10,)`
    var arguments: [String] = []
    var keywords = false
    for (k, item) in items.enumerated() {
      guard item.start < item.end else { return nil }
      let key: String
      let value: Span
      if let eq = topLevel(UInt8(ascii: "="), in: item) {
        keywords = true
        key = text(trimmed(Span(item.start, eq)))
        value = trimmed(Span(eq + 1, item.end))
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
          return nil
        }
      } else {
        guard !keywords, k < positional.count else { return nil }
        key = positional[k]
        value = item
      }
      guard let v = pythonValue(value) else { return nil }
      arguments.append("\(key)=\(v)")
    }
    let type = descriptor.name.lowercased()
    let command =
      command ?? text(Span(tokens[0].start, t.start)).split(separator: " ").joined(separator: " ")
    return ([command, type] + arguments).joined(separator: " ")
  }

  /// A Python value as paramcalc writes it: `'relu'` is `relu`, `True` is `true`, `(3, 3)` is
  /// `(3,3)`; nil for what has no such form (a call such as `l2(0.01)`).
  func pythonValue(_ s: Span) -> String? {
    let v = text(s)
    if v.isEmpty || v.hasPrefix("*") { return nil }  // `*args`, `**kwargs`
    if v == "True" { return "true" }
    if v == "False" { return "false" }
    if let q = v.first, q == "'" || q == "\"", v.count >= 2, v.last == q {
      let inner = v.dropFirst().dropLast()
      if !inner.isEmpty, inner.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
        return String(inner)
      }
      return v
    }
    // A tuple or number: its text without spaces; any letter before '(' would be a call.
    var out = ""
    var previous: Character = " "
    for c in v where c != " " && c != "\t" {
      if c == "(", previous.isLetter || previous.isNumber || previous == "_" { return nil }
      out.append(c)
      previous = c
    }
    return out
  }
}
