// What a wrapper wraps: one layer type (`bidirectional lstm`), or another wrapper around one
// (`timedistributed bidirectional lstm`, as Keras nests TimeDistributed(Bidirectional(LSTM(8)))).

extension LayerCatalog {
  /// The type `d` wraps, from the words after it (`names`, at `span`): the last word is a layer
  /// type, each word before it a wrapper around what follows, and each wrapper takes what it
  /// wraps (its `accepts`).
  func wrapped(by d: LayerDescriptor, _ names: String, at span: Span) throws(ParamCalcError)
    -> LayerDescriptor
  {
    // Each word with its columns.
    var words: [(name: String, span: Span)] = []
    var start = span.start
    for w in names.split(separator: " ", omittingEmptySubsequences: false) {
      if !w.isEmpty { words.append((String(w), Span(start, start + w.utf8.count))) }
      start += w.utf8.count + 1
    }
    var found: [LayerDescriptor] = []
    for w in words {
      guard let t = self[w.name] else { throw unknown(w.name, at: w.span) }
      found.append(t)
    }
    let outer = [d] + found
    guard let last = found.last, !last.isWrapper else {
      throw .missingOperand(
        command: "add",
        what:
          "the layer \((found.last ?? d).name) wraps, e.g. 'add \(outer.map { $0.name.lowercased() }.joined(separator: " ")) \(LayerDescriptor.wrapped(found.last?.accepts))'",
        at: Span(span.end, span.end + 1))
    }
    var inner = last
    for i in stride(from: outer.count - 2, through: 0, by: -1) {
      let w = outer[i]
      guard w.isWrapper else {
        throw .syntax(
          "\(w.name) is not a wrapper: it cannot wrap \(inner.name)", at: words[i - 1].span,
          hint: "only Bidirectional, TimeDistributed and SpectralNormalization wrap a layer")
      }
      if let accepts = w.accepts, !accepts.contains(inner.name) {
        throw .invalidValue(
          argument: w.name,
          message: "wraps only " + accepts.joined(separator: ", ") + ", not \(inner.name)",
          at: i == 0 ? span : words[i].span)
      }
      if i > 0 { inner = LayerDescriptor(binding: w, around: inner) }
    }
    return inner
  }

  /// The Keras names of the wrapped types, as a line writes them (`Bidirectional LSTM`).
  func kerasNames(_ names: String) -> String {
    names.split(separator: " ").map { self[String($0)]?.name ?? String($0) }.joined(
      separator: " ")
  }
}
