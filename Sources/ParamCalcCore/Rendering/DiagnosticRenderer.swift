/// Renders an error the one way paramcalc shows errors:
///
///     model.pc:3:5: error: unknown layer type 'convv1d'
///       add convv1d filters=64
///           ^~~~~~~
///     help: did you mean 'conv1d'? ('layers' lists the layer types)
public enum DiagnosticRenderer {
  /// Where a line stands: its file (`<stdin>` for standard input) and its 1-based number.
  public struct Location: Equatable, Sendable {
    public var file: String
    public var line: Int
    public init(file: String, line: Int) {
      self.file = file
      self.line = line
    }
  }

  public static func render(
    _ e: ParamCalcError, file: String, line: Int, text: String, style: Style = .plain
  ) -> String {
    render(e, at: Location(file: file, line: line), text: text, style: style)
  }

  /// The error at `location` (`FILE:LINE:COL: error: ...`), or, without one, as the prompt shows
  /// it (`error: ...`: the line was just typed, the caret says where); the quoted line fits
  /// `width` columns.
  public static func render(
    _ e: ParamCalcError, at location: Location?, text: String, style: Style = .plain,
    width: Int = Format.lineWidth
  ) -> String {
    if case .inLoadedFile(let path, let inner, let innerText, let underlying) = e {
      var out = render(
        underlying, at: Location(file: path, line: inner), text: innerText, style: style,
        width: width)
      let place = location.map { "\(escaped($0.file)):\($0.line):\(column(e, in: text)): " } ?? ""
      out += "\(place)note: while loading '\(escaped(path))' (the model is unchanged)\n"
      out += quote(text, span: Span(0, 0), style: style, width: width)
      return out
    }
    let place =
      location.map { "\(escaped($0.file)):\($0.line):\(column(e, in: text)): " } ?? ""
    if case .inModelFile(let path, _, _, let innerText, let underlying) = e {
      // The layer's `add` line, with the caret where the underlying error points; then the line
      // of the command that imported it.
      var out = "\(place)\(style.error)error:\(style.reset) \(escaped(e.message))\n"
      out += quote(innerText, span: underlying.span, style: style, width: width)
      if let h = e.hint { out += "\(style.hint)help:\(style.reset) \(escaped(h))\n" }
      out += "\(place)note: while importing '\(escaped(path))' (the model is unchanged)\n"
      if !text.isEmpty { out += quote(text, span: Span(0, 0), style: style, width: width) }
      return out
    }
    var out = "\(place)\(style.error)error:\(style.reset) \(escaped(e.message))\n"
    if !text.isEmpty { out += quote(text, span: e.span, style: style, width: width) }
    if let h = e.hint { out += "\(style.hint)help:\(style.reset) \(escaped(h))\n" }
    return out
  }

  /// `s` with control characters written as escapes (`\x1B`, as file names show bytes; `\u{9B}`
  /// beyond ASCII), so that text taken from the input (a name, a file name) cannot move the
  /// cursor or recolour the terminal.
  public static func escaped(_ s: String) -> String {
    guard s.unicodeScalars.contains(where: isControl) else { return s }
    var out = ""
    for u in s.unicodeScalars {
      if !isControl(u) {
        out.unicodeScalars.append(u)
      } else if u.value < 0x80 {
        out += "\\x" + (u.value < 0x10 ? "0" : "") + String(u.value, radix: 16, uppercase: true)
      } else {
        out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
      }
    }
    return out
  }

  /// C0, DEL and C1 controls, and the bidirectional controls that reorder how a line is shown
  /// (U+200E-F, U+202A-E, U+2066-9).
  static func isControl(_ u: Unicode.Scalar) -> Bool {
    let v = u.value
    return v < 0x20 || (v >= 0x7F && v < 0xA0) || v == 0x200E || v == 0x200F
      || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)
  }

  /// The 1-based column of the error, counted in characters.
  public static func column(_ e: ParamCalcError, in text: String) -> Int {
    displayColumn(e.span.start, in: text) + 1
  }

  /// Characters before byte offset `offset` (a tab counts as one).
  static func displayColumn(_ offset: Int, in text: String) -> Int {
    var n = 0
    var i = 0
    for b in text.utf8 {
      if i >= offset { break }
      if b & 0xC0 != 0x80 { n += 1 }
      i += 1
    }
    return n + max(0, offset - i)
  }

  /// The columns a character takes on a terminal: 2 for East Asian wide and full-width
  /// characters and emoji, 0 for combining marks, 1 otherwise.
  static func width(_ u: Unicode.Scalar) -> Int {
    let v = u.value
    if (0x0300...0x036F).contains(v) || (0x200B...0x200D).contains(v)
      || (0xFE00...0xFE0F).contains(v)
    {
      return 0
    }
    let wide: [ClosedRange<UInt32>] = [
      0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
      0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
      0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
    ]
    return wide.contains { $0.contains(v) } ? 2 : 1
  }

  /// The line quoted under an error, with a caret under the span: a control character shown as
  /// a space (it would garble the terminal), the caret placed by terminal columns (a wide
  /// character takes two), and a line wider than the screen cut to a window around the span,
  /// marked `…` where it is cut. (Linear in the line, and holding only the window: a line may
  /// be a megabyte.)
  static func quote(
    _ text: String, span: Span, style: Style, width w: Int = Format.lineWidth
  ) -> String {
    let lineWidth = max(w, TextRenderer.minimumWidth)
    let bytes = text.utf8
    let count = bytes.count
    /// The index of byte offset `n` (clamped to the line), moved back to a character's start.
    func index(_ n: Int) -> String.Index {
      var i = bytes.index(bytes.startIndex, offsetBy: min(max(n, 0), count))
      while i > bytes.startIndex, i < bytes.endIndex, bytes[i] & 0xC0 == 0x80 {
        i = bytes.index(before: i)
      }
      return i
    }
    func columns(_ s: Substring) -> Int {
      s.unicodeScalars.reduce(0) { $0 + (isControl($1) ? 1 : width($1)) }
    }
    let spanStart = index(span.start)
    let spanEnd = max(spanStart, index(span.end))
    let room = lineWidth - 6
    var from = text.startIndex
    var to = text.endIndex
    if count > lineWidth - 2, columns(text[...]) > lineWidth - 2 {
      // From 20 characters before the span, as many as the room holds.
      from = spanStart
      for _ in 0..<20 where from > text.startIndex {
        from = text.unicodeScalars.index(before: from)
      }
      to = from
      var used = 0
      while to < text.endIndex {
        let u = text.unicodeScalars[to]
        let w = isControl(u) ? 1 : width(u)
        if used + w > room { break }
        used += w
        to = text.unicodeScalars.index(after: to)
      }
    }
    var shown = from > text.startIndex ? "…" : ""
    for u in text.unicodeScalars[from..<to] { shown.unicodeScalars.append(isControl(u) ? " " : u) }
    if to < text.endIndex { shown += "…" }
    let lead = from > text.startIndex ? 1 : 0
    let start = lead + columns(text[from..<max(from, min(spanStart, to))])
    // Beyond the end of the line (a missing operand): the caret stands after it.
    let past = max(0, span.start - count)
    let inside = columns(text[min(max(spanStart, from), to)..<min(max(spanEnd, from), to)])
    let caret = max(1, inside + max(0, span.end - max(span.start, count)))
    var out = "  " + shown + "\n"
    if span.end > span.start || span.start > 0 {
      out +=
        "  " + String(repeating: " ", count: start + past) + style.error + "^"
        + String(repeating: "~", count: max(0, min(caret, room) - 1)) + style.reset + "\n"
    }
    return out
  }
}
