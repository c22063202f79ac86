/// Renders an error the one way paramcalc shows errors:
///
///     model.pc:3:5: error: unknown layer type 'convv1d'
///       add convv1d filters=64
///           ^~~~~~~
///     help: did you mean 'conv1d'? ('layers' lists the layer types)
public enum DiagnosticRenderer {
  public static func render(
    _ e: ParamCalcError, file: String, line: Int, text: String, style: Style = .plain
  ) -> String {
    if case .inLoadedFile(let path, let inner, let innerText, let underlying) = e {
      var out = render(underlying, file: path, line: inner, text: innerText, style: style)
      out +=
        "\(escaped(file)):\(line):\(column(e, in: text)): note: while loading '\(escaped(path))' (the model is unchanged)\n"
      out += quote(text, span: Span(0, 0), style: style)
      return out
    }
    let col = column(e, in: text)
    var out =
      "\(escaped(file)):\(line):\(col): \(style.error)error:\(style.reset) \(escaped(e.message))\n"
    if !text.isEmpty { out += quote(text, span: e.span, style: style) }
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

  static func quote(_ text: String, span: Span, style: Style) -> String {
    // Control characters would garble the terminal: show them as spaces.
    var shown = ""
    for u in text.unicodeScalars {
      shown.unicodeScalars.append(isControl(u) ? " " : u)
    }
    let start = displayColumn(span.start, in: text)
    let width = max(1, displayColumn(span.end, in: text) - start)
    var out = "  " + shown + "\n"
    if span.end > span.start || span.start > 0 {
      out +=
        "  " + String(repeating: " ", count: start) + style.error + "^"
        + String(repeating: "~", count: width - 1) + style.reset + "\n"
    }
    return out
  }
}
