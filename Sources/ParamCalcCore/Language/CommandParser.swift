/// Reads one line of paramcalc's language into a `Command`, working on the line's bytes.
///
/// Tokens are separated by spaces or tabs outside parentheses, so `input (None, 25)` is two
/// tokens. `#` starts a comment. A blank or comment-only line gives `nil`.
public struct CommandParser {
  /// The command words, for completion and did-you-mean.
  public static let commands = [
    "input", "add", "insert", "remove", "set", "undo", "redo", "clear", "summary", "total",
    "explain", "layers", "help", "save", "load", "quit", "exit",
  ]

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

  init(_ bytes: UnsafeBufferPointer<UInt8>) { b = bytes }

  // MARK: tokens

  static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

  mutating func tokenize() throws(ParamCalcError) {
    tokens.reserveCapacity(8)
    var i = 0
    let n = b.count
    while i < n {
      let c = b[i]
      if CommandParser.isSpace(c) {
        i += 1
        continue
      }
      if c == UInt8(ascii: "#") { break }
      let start = i
      var depth = 0
      var quote: UInt8 = 0
      while i < n {
        let c = b[i]
        if quote != 0 {
          if c == quote { quote = 0 }
        } else if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
          quote = c
        } else if c == UInt8(ascii: "(") {
          depth += 1
          if depth > CommandParser.maxDepth {
            throw .syntax("parentheses nested too deeply", at: Span(i, i + 1))
          }
        } else if c == UInt8(ascii: ")") {
          if depth == 0 {
            throw .syntax(
              "unmatched ')'", at: Span(i, i + 1), hint: "remove it or add the '(' it closes")
          }
          depth -= 1
        } else if depth == 0 && (CommandParser.isSpace(c) || c == UInt8(ascii: "#")) {
          break
        }
        // Control characters (C0 but tab and CR, DEL, and below C1 and the bidirectional ones)
        // would reach the terminal in what is printed back.
        if (c < 0x20 && c != 0x09 && c != 0x0D) || c == 0x7F {
          throw .syntax(
            "unexpected control character (byte \(c))", at: Span(i, i + 1),
            hint: "commands are plain text")
        }
        if c >= 0x80 {
          // A scalar at a time: its bytes must be UTF-8, and it must not be a control (C1, or a
          // bidirectional control, which reorders how a line is shown).
          let (scalar, length) = UTF8Scan.scalar(in: b, at: i)
          guard let scalar else {
            // Refused after the command word is known: a file name may be any bytes.
            if invalidUTF8 == nil { invalidUTF8 = i }
            i += 1
            continue
          }
          if DiagnosticRenderer.isControl(scalar) {
            let code = String(scalar.value, radix: 16, uppercase: true)
            let name = scalar.value < 0xA0 ? "control" : "bidirectional control"
            throw .syntax(
              "unexpected \(name) character (U+\(String(repeating: "0", count: 4 - code.count) + code))",
              at: Span(i, i + length), hint: "commands are plain text")
          }
          i += length
          continue
        }
        i += 1
      }
      if quote != 0 {
        throw .syntax("unclosed quote", at: Span(start, i), hint: "close the string with its quote")
      }
      if depth > 0 {
        throw .syntax(
          "unclosed '('", at: Span(start, i), hint: "add the ')' that closes it")
      }
      tokens.append(Span(start, i))
    }
  }

  func text(_ s: Span) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: b[s.start..<s.end]), as: UTF8.self)
  }

  /// The text of a span with ASCII letters lowercased (command, type and argument names).
  func lower(_ s: Span) -> String {
    var ascii = true
    for i in s.start..<s.end where b[i] >= 0x80 { ascii = false }
    guard ascii else { return text(s).lowercased() }
    return String(unsafeUninitializedCapacity: s.end - s.start) { out in
      for i in s.start..<s.end {
        let c = b[i]
        out[i - s.start] = (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c
      }
      return s.end - s.start
    }
  }

  /// Whether the span spells `word` (lowercase ASCII), ignoring case.
  func equals(_ s: Span, _ word: StaticString) -> Bool {
    guard s.end - s.start == word.utf8CodeUnitCount else { return false }
    let w = word.utf8Start
    for i in 0..<(s.end - s.start) {
      let c = b[s.start + i]
      if ((c >= 0x41 && c <= 0x5A) ? c | 0x20 : c) != w[i] { return false }
    }
    return true
  }

  // MARK: commands

  mutating func command() throws(ParamCalcError) -> Command? {
    try tokenize()
    guard let first = tokens.first else { return nil }
    let word = lower(first)
    if let i = invalidUTF8, word != "save" && word != "load" {
      throw .syntax(
        "invalid UTF-8 (byte 0x\(String(b[i], radix: 16, uppercase: true)))", at: Span(i, i + 1),
        hint: "paramcalc reads text in UTF-8 (only a file name may be other bytes)")
    }
    let rest = tokens.dropFirst()
    let end = Span(b.count, b.count + 1)
    func noMore(_ name: String) throws(ParamCalcError) {
      if let extra = rest.first {
        throw .extraTokens(at: Span(extra.start, tokens.last!.end), command: name)
      }
    }
    switch word {
    case "input":
      guard let t = rest.first else {
        throw .missingOperand(
          command: "input", what: "the input dimensions, e.g. 'input (None,25)' or 'input 28x28x1'",
          at: end)
      }
      if rest.count > 1 {
        throw .extraTokens(
          at: Span(rest[rest.startIndex + 1].start, tokens.last!.end), command: "input")
      }
      return .input(try dims(t), at: t)
    case "add":
      try spacedEquals()
      return .add(try layerRequest(Array(rest), command: "add", end: end))
    case "insert":
      try spacedEquals()
      let (n, span) = try index(rest.first, command: "insert", end: end)
      return .insert(
        index: n, indexSpan: span,
        try layerRequest(Array(rest.dropFirst()), command: "insert", end: end))
    case "remove":
      let (n, span) = try index(rest.first, command: "remove", end: end)
      if rest.count > 1 {
        throw .extraTokens(
          at: Span(rest[rest.startIndex + 1].start, tokens.last!.end), command: "remove")
      }
      return .remove(index: n, indexSpan: span)
    case "set":
      try spacedEquals()
      let (n, span) = try index(rest.first, command: "set", end: end)
      let args = try arguments(Array(rest.dropFirst()), command: "set")
      if args.isEmpty {
        throw .missingOperand(
          command: "set", what: "at least one key=value to change, e.g. 'set 2 units=64'", at: end)
      }
      return .set(index: n, indexSpan: span, arguments: args)
    case "undo":
      try noMore(word)
      return .undo
    case "redo":
      try noMore(word)
      return .redo
    case "clear":
      try noMore(word)
      return .clear
    case "summary":
      try noMore(word)
      return .summary
    case "total":
      try noMore(word)
      return .total
    case "layers":
      try noMore(word)
      return .layers
    case "quit", "exit":
      try noMore(word)
      return .quit
    case "explain":
      guard let t = rest.first else { return .explain(.last) }
      if rest.count > 1 {
        throw .extraTokens(
          at: Span(rest[rest.startIndex + 1].start, tokens.last!.end), command: "explain")
      }
      if lower(t) == "all" { return .explain(.all) }
      let (n, span) = try index(t, command: "explain", end: end)
      return .explain(.layer(n, at: span))
    case "help":
      guard let t = rest.first else { return .help(topic: nil, at: end) }
      // `help bidirectional lstm` asks about the wrapped layer's wrapper; the first word decides.
      return .help(topic: lower(t), at: t)
    case "save", "load":
      guard let t = rest.first else {
        throw .missingOperand(command: word, what: "a file name, e.g. '\(word) model.pc'", at: end)
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
        throw .missingOperand(command: word, what: "a file name, e.g. '\(word) model.pc'", at: t)
      }
      return word == "save" ? .save(path: path, at: span) : .load(path: path, at: span)
    default:
      // `model.add(Dense(10))` pasted whole: the call inside is the layer.
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
      let all = CommandParser.commands
      throw .unknownCommand(
        text(first), at: first, suggestion: Suggestion.nearest(to: word, in: all))
    }
  }

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
    if let second = rest.first, !containsEquals(second) {
      request.inner = lower(second)
      request.innerSpan = second
      rest = rest.dropFirst()
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

  // MARK: mistakes with a known fix

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

  /// The first `byte` (',' or '=') in `s` outside parentheses and quotes.
  func topLevel(_ byte: UInt8, in s: Span) -> Int? {
    var depth = 0
    var i = s.start
    while i < s.end {
      let c = b[i]
      if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
        i = pastClosingQuote(from: i, end: s.end) ?? s.end
        continue
      }
      if c == UInt8(ascii: "(") { depth += 1 }
      if c == UInt8(ascii: ")") { depth -= 1 }
      if c == byte, depth == 0 { return i }
      i += 1
    }
    return nil
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

  // MARK: values

  func value(_ s: Span, depth: Int = 0) throws(ParamCalcError) -> Value {
    var s = trimmed(s)
    if s.start == s.end { throw .syntax("missing value", at: s) }
    let c = b[s.start]
    if c == UInt8(ascii: "(") {
      guard b[s.end - 1] == UInt8(ascii: ")") else {
        throw .syntax("malformed tuple '\(text(s))'", at: s, hint: "write tuples as (3,3) or 3x3")
      }
      return .tuple(try tupleItems(Span(s.start + 1, s.end - 1), whole: s, depth: depth + 1))
    }
    if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
      return .string(try quotedString(s))
    }
    for i in s.start..<s.end where b[i] == UInt8(ascii: "(") || b[i] == UInt8(ascii: ")") {
      throw .syntax("malformed value '\(text(s))'", at: s, hint: "write tuples as (3,3) or 3x3")
    }
    if let n = try integer(s) { return .int(n) }
    if equals(s, "true") { return .bool(true) }
    if equals(s, "false") { return .bool(false) }
    if equals(s, "none") || equals(s, "?") { return .none }
    let word = text(s)
    if isNumeric(s), let d = Double(word), d.isFinite { return .float(d) }
    if isNumeric(s) {
      throw .syntax("malformed number '\(word)'", at: s)
    }
    // NxMxK: a tuple of sizes.
    if let dims = try crossDims(s) { return .tuple(dims) }
    s = Span(s.start, s.end)
    return .string(word)
  }

  /// The string a quoted value stands for: the text between the quotes, where the quote
  /// character written twice stands for itself (`'it''s'` is `it's`; `''` is empty). This is the
  /// one escape, and what `Value.script` writes; the quotes must enclose the whole value.
  func quotedString(_ s: Span) throws(ParamCalcError) -> String {
    let (inner, doubled) = try quoted(s)
    guard doubled else { return text(inner) }
    return String(decoding: unquoted(inner, quote: b[s.start]), as: UTF8.self)
  }

  /// The bytes between the quotes of the quoted value `s`, and whether a doubled quote is in them.
  func quoted(_ s: Span) throws(ParamCalcError) -> (Span, Bool) {
    guard let after = pastClosingQuote(from: s.start, end: s.end) else {
      throw .syntax("unclosed quote", at: s, hint: "close the string with its quote")
    }
    if after != s.end {
      throw .syntax(
        "unexpected text after the closing quote", at: Span(after, s.end),
        hint: "write a quote inside a string twice, e.g. 'it''s', or quote with the other kind")
    }
    let inner = Span(s.start + 1, after - 1)
    // Inside, a quote character can only stand doubled.
    let doubled = (inner.start..<inner.end).contains { b[$0] == b[s.start] }
    return (inner, doubled)
  }

  /// The bytes of `inner` with each doubled `quote` made one.
  func unquoted(_ inner: Span, quote q: UInt8) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(inner.end - inner.start)
    var j = inner.start
    while j < inner.end {
      bytes.append(b[j])
      j += b[j] == q ? 2 : 1
    }
    return bytes
  }

  /// Just past the closing quote of the quoted string starting at `i` (a doubled quote inside
  /// stands for the character), or nil when it is not closed before `end`.
  func pastClosingQuote(from i: Int, end: Int) -> Int? {
    let q = b[i]
    var j = i + 1
    while j < end {
      if b[j] == q {
        if j + 1 < end && b[j + 1] == q {
          j += 2
          continue
        }
        return j + 1
      }
      j += 1
    }
    return nil
  }

  func trimmed(_ s: Span) -> Span {
    var a = s.start
    var z = s.end
    while a < z, CommandParser.isSpace(b[a]) { a += 1 }
    while z > a, CommandParser.isSpace(b[z - 1]) { z -= 1 }
    return Span(a, z)
  }

  func tupleItems(_ inner: Span, whole: Span, depth: Int) throws(ParamCalcError) -> [Value] {
    var items: [Value] = []
    var d = 0
    var start = inner.start
    var i = inner.start
    var sawComma = false
    while i <= inner.end {
      let atEnd = i == inner.end
      let c: UInt8 = atEnd ? 0 : b[i]
      if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
        // A quoted string is one item, whatever commas and parentheses it holds.
        i = pastClosingQuote(from: i, end: inner.end) ?? inner.end
        continue
      }
      if !atEnd && c == UInt8(ascii: "(") { d += 1 }
      if !atEnd && c == UInt8(ascii: ")") { d -= 1 }
      if atEnd || (d == 0 && c == UInt8(ascii: ",")) {
        let item = trimmed(Span(start, i))
        if item.start == item.end {
          // `(784,)` is a one-item tuple; `()` is empty; anything else is a hole.
          if !(atEnd && (sawComma || items.isEmpty)) {
            throw .syntax(
              "malformed tuple '\(text(whole))': empty item", at: whole,
              hint: "write tuples as (3,3) or 3x3")
          }
        } else {
          items.append(try value(item, depth: depth))
        }
        if !atEnd { sawComma = true }
        start = i + 1
      }
      i += 1
    }
    return items
  }

  func isNumeric(_ s: Span) -> Bool {
    var digit = false
    for i in s.start..<s.end {
      let c = b[i]
      if c >= 0x30 && c <= 0x39 {
        digit = true
        continue
      }
      if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
        || c == UInt8(ascii: "e")
        || c == UInt8(ascii: "E") || c == UInt8(ascii: "_")
      {
        continue
      }
      return false
    }
    return digit
  }

  /// An integer literal, or nil if the text is not one; throws when it does not fit in 64 bits.
  func integer(_ s: Span) throws(ParamCalcError) -> Int? {
    var i = s.start
    var negative = false
    if b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
      negative = b[i] == UInt8(ascii: "-")
      i += 1
    }
    if i == s.end { return nil }
    var n = 0
    var overflow = false
    while i < s.end {
      let c = b[i]
      guard c >= 0x30 && c <= 0x39 else { return nil }
      let digit = Int(c - 0x30)
      let (m, o1) = n.multipliedReportingOverflow(by: 10)
      let (r, o2) =
        negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
      if o1 || o2 { overflow = true }
      n = r
      i += 1
    }
    if overflow {
      throw .overflow("the number \(text(s))", at: s)
    }
    return n
  }

  /// `28x28x1` or `?x25`: sizes joined by `x`.
  func crossDims(_ s: Span) throws(ParamCalcError) -> [Value]? {
    var parts: [Span] = []
    var start = s.start
    for i in s.start...s.end
    where i == s.end || b[i] == UInt8(ascii: "x") || b[i] == UInt8(ascii: "X") {
      parts.append(Span(start, i))
      start = i + 1
    }
    guard parts.count > 1 else { return nil }
    var out: [Value] = []
    for p in parts {
      if p.end - p.start == 1 && b[p.start] == UInt8(ascii: "?") {
        out.append(.none)
        continue
      }
      if p.start == p.end { return nil }
      for i in p.start..<p.end where !(b[i] >= 0x30 && b[i] <= 0x39) { return nil }
      guard let n = try integer(p) else { return nil }
      out.append(.int(n))
    }
    return out
  }

  /// The dimensions of `input`: `(None,25)`, `(784,)`, `28x28x1`, `784`.
  func dims(_ t: Span) throws(ParamCalcError) -> Shape {
    try CommandParser.shape(from: try value(t), at: t, what: "input")
  }

  /// Reads a shape from a value: a tuple of sizes and `None`, or a single size.
  public static func shape(from v: Value, at t: Span, what: String) throws(ParamCalcError) -> Shape
  {
    let items: [Value]
    switch v {
    case .tuple(let xs): items = xs
    case .int: items = [v]
    case .none: items = [v]
    default:
      throw .syntax(
        "\(what) dimensions must be sizes such as (None,25) or 28x28x1", at: t,
        hint: "write e.g. 'input (None,25)', 'input (784,)' or 'input 28x28x1'")
    }
    if items.isEmpty {
      throw .syntax(
        "\(what) needs at least one dimension", at: t, hint: "write e.g. 'input (784,)'")
    }
    var dims: [Int?] = []
    for item in items {
      switch item {
      case .int(let n) where n > 0: dims.append(n)
      case .none: dims.append(nil)
      case .int(let n):
        throw .syntax("\(what) dimensions must be positive, found \(n)", at: t)
      default:
        throw .syntax("\(what) dimensions must be sizes or None, found \(item.script)", at: t)
      }
    }
    return Shape(dims)
  }
}
