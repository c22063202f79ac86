// Layers written inside another layer's argument, in quotes, as `add` writes them:
// `backward_layer="gru units=4 go_backwards=true"`, `cell="lstmcell units=8; grucell units=4"`,
// `layers="rescaling scale=0.5; centercrop height=8 width=8"`. Each is parsed as an `add` line
// and built by a catalog; its errors point into the line.

/// One layer read from the text of a quoted argument.
struct QuotedLayer {
  /// The request as parsed, its spans in the quoted text as if it followed `add `.
  let request: LayerRequest
  let built: BuiltLayer
  /// Added to a span of `request` (or of an error about it), points into the line.
  let shift: Int
}

extension Argument {
  /// The text of a quoted-layer argument: a string, or a tuple of one string; otherwise the
  /// error says what was `expected` (e.g. `a recurrent layer, e.g. "gru units=8"`).
  func quotedText(expected: String) throws(ParamCalcError) -> String {
    switch value {
    case .string(let s): return s
    case .tuple(let items) where items.count == 1:
      if case .string(let s) = items[0] { return s }
    default: break
    }
    throw .invalidValue(
      argument: key, message: "expected \(expected), found \(value.echoed)", at: valueSpan)
  }
}

enum QuotedLayers {
  /// The layer that `text` describes, the text starting at column `column` of the line, built by
  /// `catalog` (as `add` builds one); `argument` and `expected` word the error of a text that is
  /// not a layer.
  static func layer(
    _ text: String, at column: Int, catalog: LayerCatalog, argument: String, expected: String
  ) throws(ParamCalcError) -> QuotedLayer {
    let (r, shift) = try request(text, at: column, argument: argument, expected: expected)
    return try build(r, text, shift: shift, catalog: catalog)
  }

  /// The `add` request `text` makes (its spans as if it followed `add `), and the shift that
  /// points them into the line.
  static func request(_ text: String, at column: Int, argument: String, expected: String)
    throws(ParamCalcError) -> (LayerRequest, shift: Int)
  {
    let shift = column - 4
    do throws(ParamCalcError) {
      guard case .add(let r)? = try CommandParser.parse("add " + text) else {
        throw .invalidValue(
          argument: argument, message: "expected \(expected)",
          at: Span(4, 4 + max(text.utf8.count, 1)))
      }
      return (r, shift)
    } catch {
      throw error.shifted(by: shift)
    }
  }

  /// `r`, read from `text`, built by `catalog`; errors point into the line.
  static func build(_ r: LayerRequest, _ text: String, shift: Int, catalog: LayerCatalog)
    throws(ParamCalcError) -> QuotedLayer
  {
    let end = Span(4 + text.utf8.count, 4 + text.utf8.count)
    do throws(ParamCalcError) {
      let built = try catalog.build(r, end: end)
      // The states a layer returns are read in a graph (`NAME.h`): one inside another's argument
      // has no name to read them by.
      if built.model.returnsStates, let a = r.arguments.first(where: { $0.key == "return_state" }) {
        throw ParamCalcError.invalidValue(
          argument: "return_state",
          message: "a layer inside another layer's argument cannot return its states",
          at: a.valueSpan, hint: "leave return_state out here")
      }
      return QuotedLayer(request: r, built: built, shift: shift)
    } catch {
      throw error.shifted(by: shift)
    }
  }

  /// The pieces of a list of layers separated by `;` (outside quotes and parentheses), each with
  /// the column where it starts in `text`. Pieces keep their spaces.
  static func split(_ text: String) -> [(text: String, offset: Int)] {
    var out: [(text: String, offset: Int)] = []
    var current: [UInt8] = []
    var start = 0
    var quote: UInt8 = 0
    var depth = 0
    for (i, c) in text.utf8.enumerated() {
      if quote != 0 {
        if c == quote { quote = 0 }
      } else if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
        quote = c
      } else if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") {
        depth += 1
      } else if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") {
        depth -= 1
      } else if c == UInt8(ascii: ";") && depth <= 0 {
        out.append((String(decoding: current, as: UTF8.self), start))
        current = []
        start = i + 1
        continue
      }
      current.append(c)
    }
    out.append((String(decoding: current, as: UTF8.self), start))
    return out
  }

  /// Each piece of a `;`-separated list (at column `column` of the line) built by `build`,
  /// given its text and column; an empty piece is refused: `inList` when the list has several,
  /// `alone` when it is the only one.
  static func each<T>(
    _ text: String, at column: Int, argument: String, inList: String, alone: String,
    hint: String? = nil, _ build: (String, Int) throws(ParamCalcError) -> T
  ) throws(ParamCalcError) -> [T] {
    let pieces = split(text)
    var out: [T] = []
    for p in pieces {
      let at = column + p.offset
      if isBlank(p.text) {
        throw .invalidValue(
          argument: argument, message: pieces.count > 1 ? inList : alone,
          at: Span(at, at + max(p.text.utf8.count, 1)), hint: hint)
      }
      out.append(try build(p.text, at))
    }
    return out
  }

  /// Whether a piece holds nothing but spaces.
  static func isBlank(_ piece: String) -> Bool {
    piece.utf8.allSatisfy { CommandParser.isSpace($0) }
  }
}
