/// A recurrent layer's states in a graph: `return_state=true` returns them after the output
/// (read as `NAME.h`, `NAME.c`), and `from x,h,c` starts a recurrent layer from them (Keras's
/// `initial_state`), as a seq2seq decoder starts from its encoder's states.
extension Session {
  /// Places a recurrent layer on its sequence (`reads[0]`) starting from the states that follow
  /// it. Keras builds such a layer with any states, and fails only when the model runs (a
  /// list index out of range, or mismatched products): refused here, naming what fits.
  mutating func place(_ p: Piece, startingFrom reads: [ShapeID], first: Bool, at span: Span)
    throws(ParamCalcError) -> PlacementID
  {
    let sequence = store[shape: reads[0]]
    let wanted = p.model.states(on: sequence)
    var given = reads.dropFirst().map { store[shape: $0] }
    // gru.py's inner_loop keeps the first of a list of states and drops the rest: Keras runs
    // a GRU started from (h, c) on h alone.
    if (p.model as? Recurrent)?.name == "GRU" { given = Array(given.prefix(1)) }
    let expected =
      wanted.map { "\($0.name) \($0.shape.description)" }.joined(separator: " and ")
    guard given.count == wanted.count else {
      throw .refused(
        layer: p.typeName,
        reason:
          "it starts from \(wanted.count) state\(wanted.count == 1 ? "" : "s") (\(expected)), and 'from' gives \(given.count) after the sequence (Keras builds this model, and it fails when it runs)",
        at: span,
        hint: "write 'from SEQUENCE," + wanted.map { "ENC.\($0.name)" }.joined(separator: ",")
          + "', the states of a layer of the same kind and size with return_state=true")
    }
    for (k, (w, g)) in zip(wanted, given).enumerated() where w.shape != g {
      throw .refused(
        layer: p.typeName,
        reason:
          "its initial state \(w.name) must be \(w.shape.description), and tensor \(k + 2) of 'from' is \(g.description) (Keras builds this model, and it fails when it runs)",
        at: span, hint: "start it from the states of a layer of the same size")
    }
    let id = try place(p, on: reads[0], first: first, at: span)
    let placed = store[id]
    return store.place(
      p, on: reads[0], output: store[shape: placed.output], trainable: placed.trainable,
      nonTrainable: placed.nonTrainable, inputs: reads)
  }

  /// In a chain (a Sequential model), a layer that returns its states is refused, as Keras's
  /// Sequential refuses a layer that returns several tensors; a graph reads them by name.
  func refuseStates(in e: Edit, at span: Span) throws(ParamCalcError) {
    let pieces: [Piece]
    switch e {
    case .insert(_, let p), .replace(_, _, let p): pieces = [p]
    case .reset(_, _, _, let new, _, _): pieces = new
    case .remove, .input, .appends, .outputs: return
    }
    guard let p = pieces.first(where: \.returnsStates) else { return }
    let argument = p.spec.request.arguments.first { $0.key == "return_state" }
    throw .invalidValue(
      argument: "return_state",
      message:
        "return_state=true makes \(p.typeName) return several tensors (its output and its states): a model without 'as' and 'from' is Sequential, and follows one tensor",
      at: argument.map { $0.valueSpan.start < $0.valueSpan.end ? $0.valueSpan : span } ?? span,
      hint:
        "name the layer ('as enc') to build a graph, and read its states as "
        + p.model.stateNames.map { "enc." + $0 }.joined(separator: " and "))
  }
}
