// The tokens of a line, and reading the bytes of a span: its text, lowercased, compared with a
// word, trimmed; where quotes close and what stands outside parentheses.

extension CommandParser {
  static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

  /// Whether the `#` at `i` numbers a layer rather than starting a comment: a digit follows it,
  /// and before it (spaces aside) stands a comma or the word `from` (`from c1,#5`,
  /// `from #2, #3`), or the command word that starts the line and takes a layer there: `output
  /// #3`, `explain #1`, `remove #1`, `set #2 ...`, `insert #2 ...`, `reuse #1`, `try #2 ...`,
  /// `try set|insert|remove #2 ...`. Anywhere else `#` starts a comment.
  func layerNumberSign(_ i: Int) -> Bool {
    guard i + 1 < b.count, b[i + 1] >= 0x30 && b[i + 1] <= 0x39 else { return false }
    var k = i - 1
    while k >= 0, CommandParser.isSpace(b[k]) { k -= 1 }
    guard k >= 0 else { return false }
    if b[k] == UInt8(ascii: ",") { return true }
    if k >= 3, k == 3 || CommandParser.isSpace(b[k - 4]), equals(Span(k - 3, k + 1), "from") {
      return true
    }
    // The word before the `#`, and the one before that.
    var w = k
    while w >= 0, !CommandParser.isSpace(b[w]) { w -= 1 }
    guard let (kind, _) = commandWord(Span(w + 1, k + 1)) else { return false }
    var v = w
    while v >= 0, CommandParser.isSpace(b[v]) { v -= 1 }
    if v < 0 {
      switch kind {
      case .output, .explain, .remove, .set, .insert, .reuse, .tryEdit: return true
      default: return false
      }
    }
    // `try set #2 units=4`: the word after a `try` that starts the line.
    guard kind == .set || kind == .insert || kind == .remove else { return false }
    var u = v
    while u >= 0, !CommandParser.isSpace(b[u]) { u -= 1 }
    return (0..<max(u, 0)).allSatisfy { CommandParser.isSpace(b[$0]) }
      && commandWord(Span(u + 1, v + 1))?.0 == .tryEdit
  }

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
      if c == UInt8(ascii: "#") && !layerNumberSign(i) { break }
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
        } else if depth == 0
          && (CommandParser.isSpace(c) || (c == UInt8(ascii: "#") && !layerNumberSign(i)))
        {
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
          if quote == 0, oddSpace == nil, CommandParser.oddSpaceName(scalar) != nil {
            oddSpace = Span(i, i + length)
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

  func trimmed(_ s: Span) -> Span {
    var a = s.start
    var z = s.end
    while a < z, CommandParser.isSpace(b[a]) { a += 1 }
    while z > a, CommandParser.isSpace(b[z - 1]) { z -= 1 }
    return Span(a, z)
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
}

extension CommandParser {
  /// What a space-like or invisible character is called, when it is one that looks like a
  /// space or like nothing (a copy from a web page or a word processor brings them) and so
  /// cannot be told from a plain space or seen; nil for any other.
  static func oddSpaceName(_ u: Unicode.Scalar) -> String? {
    switch u.value {
    case 0x00A0: return "a non-breaking space"
    case 0x202F: return "a narrow non-breaking space"
    case 0x1680: return "an Ogham space mark"
    case 0x2000...0x200A: return "a typographic space"
    case 0x205F: return "a medium mathematical space"
    case 0x3000: return "an ideographic space"
    case 0x200B: return "a zero-width space"
    case 0x2060: return "a word joiner"
    case 0xFEFF: return "a byte order mark"
    default: return nil
    }
  }

  /// The refusal of the space-like character at `s` outside quotes: what it is, between which
  /// words it stands, and what to write instead.
  func oddSpaceError(_ s: Span) -> ParamCalcError {
    let (scalar, _) = UTF8Scan.scalar(in: b, at: s.start)
    let u = scalar ?? " "
    let code = String(u.value, radix: 16, uppercase: true)
    let name = CommandParser.oddSpaceName(u) ?? "a space-like character"
    let invisible = u.value == 0x200B || u.value == 0x2060 || u.value == 0xFEFF
    // The words either side, up to a plain space.
    var a = s.start
    while a > 0, !CommandParser.isSpace(b[a - 1]) { a -= 1 }
    var z = s.end
    while z < b.count, !CommandParser.isSpace(b[z]) { z += 1 }
    let before = text(Span(a, s.start))
    let after = text(Span(s.end, z))
    let place =
      before.isEmpty && after.isEmpty
      ? ""
      : before.isEmpty
        ? " before '\(after)'"
        : after.isEmpty ? " after '\(before)'" : " between '\(before)' and '\(after)'"
    let fix =
      invisible ? "delete it" : before.isEmpty || after.isEmpty ? "delete it" : "use a plain space"
    return .syntax(
      "\(name) (U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code))\(place): \(fix)",
      at: s,
      hint: u.value == 0xFEFF
        ? "an invisible mark some editors put at the start of a file; files joined together "
          + "carry it into the middle"
        : "it looks like a space or like nothing; a copy from a web page or a word processor "
          + "often brings one")
  }
}
