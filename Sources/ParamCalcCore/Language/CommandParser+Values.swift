// Values (`64`, `(3,3)`, `3x3`, `'relu'`, `true`, `None`) and the shapes `input` is given.

extension CommandParser {
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
