/// Applying an edit: placing definitions on the shapes that enter them, re-inferring the later
/// layers whose input changed, and checking the totals, all before anything is written.
extension Session {
  /// Applies an edit whole, or throws and leaves the model as it was. (A shape or placement seen
  /// for the first time stays in the store: that changes no layer, only what numbers are taken.)
  mutating func apply(_ e: Edit, at span: Span) throws(ParamCalcError) -> EditOutcome {
    if graph || Session.wires(e) { return try applyGraph(e, at: span) }
    try refuseStates(in: e, at: span)
    switch e {
    case .insert(let i, let p):
      guard let before = inputShape(i) else { throw .noInputShape(at: span) }
      let firstID = try place(p, on: before, first: i == 0, at: span)
      let first = store[firstID]
      let chain = try relink(from: i, entering: first.output, at: span)
      let totals = try totalsAfter(
        adding: first, removing: nil, chain: chain, chainStart: i, at: span)
      let changed = changes(chain, oldStart: i, newStart: i + 1)
      rows.insert(firstID, at: i)
      write(chain, startingAt: i + 1, totals: totals)
      let kind: EditOutcome.Kind = i == count - 1 ? .added : .inserted
      return EditOutcome(
        kind: kind, index: i + 1, layer: store.layer(firstID), reinferred: chain.count,
        changed: changed)
    case .remove(let i, _):
      let removedID = rows[i]
      let removed = store[removedID]
      let chain = try relink(from: i + 1, entering: removed.input, at: span)
      let totals = try totalsAfter(
        adding: nil, removing: removed, chain: chain, chainStart: i + 1, at: span)
      let changed = changes(chain, oldStart: i + 1, newStart: i)
      rows.remove(at: i)
      write(chain, startingAt: i, totals: totals)
      return EditOutcome(
        kind: .removed, index: i + 1, layer: store.layer(removedID), reinferred: chain.count,
        changed: changed)
    case .replace(let i, _, let p):
      guard let before = inputShape(i) else { throw .noInputShape(at: span) }
      let newID = try place(p, on: before, first: i == 0, at: span)
      let new = store[newID]
      let chain = try relink(from: i + 1, entering: new.output, at: span)
      let totals = try totalsAfter(
        adding: new, removing: row(i), chain: chain, chainStart: i + 1, at: span)
      let changed = changes(chain, oldStart: i + 1, newStart: i + 1)
      let previous = store.layer(rows[i])
      let totalBefore = total
      rows[i] = newID
      write(chain, startingAt: i + 1, totals: totals)
      return EditOutcome(
        kind: .changed, index: i + 1, layer: store.layer(newID), reinferred: chain.count,
        changed: ChangedLayers(
          layers: changed?.layers ?? [], totalBefore: totalBefore, previous: previous))
    case .input(_, let new):
      guard let new else {
        // Undoing the first `input`: layers cannot exist without one, so there are none.
        inputShape = nil
        return EditOutcome(kind: .input)
      }
      let id = store.intern(new)
      let chain = try relink(from: 0, entering: id, at: span)
      let totals = try totalsAfter(
        adding: nil, removing: nil, chain: chain, chainStart: 0, at: span)
      let changed = changes(chain, oldStart: 0, newStart: 0)
      inputShape = id
      write(chain, startingAt: 0, totals: totals)
      return EditOutcome(kind: .input, reinferred: chain.count, changed: changed)
    case .reset(_, _, let newInput, let new, let kind, _):
      var rebuilt: [PlacementID] = []
      rebuilt.reserveCapacity(new.count)
      var totals = (0, 0)
      let newID = newInput.map { store.intern($0) }
      var shape = newID
      for p in new {
        guard let s = shape else { throw .noInputShape(at: span) }
        let id = try place(p, on: s, first: rebuilt.isEmpty, at: span)
        let placed = store[id]
        totals = try sum(totals, placed, sign: 1, at: span)
        rebuilt.append(id)
        shape = placed.output
      }
      // Taking back the first layer, added with its own input_shape=: the layer and the input go.
      let removed = kind == .added && new.isEmpty && count > 0 ? store.layer(rows[0]) : nil
      inputShape = newID
      rows = rebuilt
      (trainable, nonTrainable) = totals
      if let removed { return EditOutcome(kind: .removed, index: 1, layer: removed) }
      guard count > 0 else { return EditOutcome(kind: kind) }
      return EditOutcome(kind: kind, index: count, layer: store.layer(rows[count - 1]))
    case .appends, .outputs:
      preconditionFailure("a run of appends is expanded, and outputs make a graph, before")
    }
  }

  /// The later layers of `chain` (new placements from `newStart`, 0-based, that stood from
  /// `oldStart`), as the outcome lists them, and the total; read before the edit is written.
  func changes(_ chain: [PlacementID], oldStart: Int, newStart: Int) -> ChangedLayers? {
    guard !chain.isEmpty else { return nil }
    let layers = chain.prefix(LayerChange.shown).enumerated().map {
      LayerChange(
        index: newStart + $0.offset + 1, before: store.layer(rows[oldStart + $0.offset]),
        after: store.layer($0.element))
    }
    return ChangedLayers(layers: layers, totalBefore: total)
  }

  /// `totals` plus (or minus) a layer's counts, overflow-checked: the total must fit too.
  func sum(_ totals: (Int, Int), _ r: Placement, sign: Int, at span: Span) throws(ParamCalcError)
    -> (Int, Int)
  {
    do {
      let t = try Checked.add(totals.0, try Checked.multiply(sign, r.trainable))
      let nt = try Checked.add(totals.1, try Checked.multiply(sign, r.nonTrainable))
      _ = try Checked.add(t, nt)
      return (t, nt)
    } catch {
      throw .overflow("the model's total parameter count", at: span)
    }
  }

  /// The totals after an edit, checked before anything changes.
  func totalsAfter(
    adding new: Placement?, removing old: Placement?, chain: [PlacementID], chainStart: Int,
    at span: Span
  ) throws(ParamCalcError) -> (Int, Int) {
    var totals = (trainable, nonTrainable)
    if let old { totals = try sum(totals, old, sign: -1, at: span) }
    if let new { totals = try sum(totals, new, sign: 1, at: span) }
    for (k, id) in chain.enumerated() {
      totals = try sum(totals, row(chainStart + k), sign: -1, at: span)
      totals = try sum(totals, store[id], sign: 1, at: span)
    }
    return totals
  }

  /// Writes re-inferred layers into place from `startingAt` on, and the new totals.
  mutating func write(_ chain: [PlacementID], startingAt: Int, totals: (Int, Int)) {
    for (k, id) in chain.enumerated() { rows[startingAt + k] = id }
    (trainable, nonTrainable) = totals
  }

  /// Places a definition on the shape numbered `input`: inferred once per definition and input
  /// (the store remembers it), or Keras's refusal with what would fit (`first`: on the model's
  /// own input).
  mutating func place(_ p: Piece, on input: ShapeID, first: Bool = false, at span: Span)
    throws(ParamCalcError) -> PlacementID
  {
    if let id = store.placement(of: p, on: input) { return id }
    return try infer(p, on: input, first: first, at: span)
  }

  /// Infers a definition on a shape it was not placed on before, and places it there.
  mutating func infer(_ p: Piece, on input: ShapeID, first: Bool, at span: Span)
    throws(ParamCalcError) -> PlacementID
  {
    let shape = store[shape: input]
    let inference: Inference
    do {
      inference = try p.model.infer(shape)
    } catch {
      switch error {
      case .reason(let r):
        throw .refused(
          layer: p.typeName, reason: r, at: span,
          hint: RefusalHint.hint(for: p, on: shape, first: first, catalog: catalog))
      case .overflow(let what): throw .overflow(what, at: span)
      }
    }
    // A layer called again (`reuse`) counts nothing: its weights are counted where it stands.
    let shared = p.spec.reuses != nil
    let trainable = p.spec.trainable
    return store.place(
      p, on: input, output: inference.output,
      trainable: shared || !trainable ? 0 : inference.trainable,
      nonTrainable: shared ? 0 : trainable ? inference.nonTrainable : inference.params)
  }

  /// Re-infers layers from `start` on, given the shape that now enters it, without changing
  /// anything. Stops at the first layer whose input is unchanged (everything after it is too).
  mutating func relink(from start: Int, entering first: ShapeID, at span: Span)
    throws(ParamCalcError) -> [PlacementID]
  {
    var out: [PlacementID] = []
    var shape = first
    var i = start
    while i < count {
      let old = row(i)
      if old.input == shape { break }
      do {
        let new = try place(old.piece, on: shape, at: span)
        out.append(new)
        shape = store[new].output
      } catch {
        if case .refused(let layer, let reason, _, let hint) = error {
          throw .breaksLayer(index: i + 1, layer: layer, reason: reason, at: span, hint: hint)
        }
        throw error
      }
      i += 1
    }
    return out
  }
}
