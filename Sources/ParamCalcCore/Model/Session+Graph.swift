/// A model whose layers read named tensors: `as NAME` names a layer's output, `from A,B` makes a
/// layer read other tensors than the previous layer's (a name, `#N` for layer N, `input` for the
/// model's input). A layer can only read tensors made before it, so the layers in their order
/// are already in an order to infer them: each edit re-places them first to last, each on the
/// tensors it reads. (A model without `as` and `from` keeps the chain path of
/// `Session+Apply.swift`, which re-infers only what changed.)
extension Session {
  /// The name of the model's input, as `from` reads it.
  static let inputName = "input"

  /// Whether an edit brings a layer with `as` or `from`, or a named input.
  static func wires(_ e: Edit) -> Bool {
    switch e {
    case .insert(_, let p): return p.isWired
    case .replace(_, _, let p): return p.isWired
    case .reset(_, _, _, let new, _, let outputs):
      return outputs.new != nil || new.contains(where: \.isWired)
    case .outputs: return true
    case .remove, .input, .appends: return false
    }
  }

  /// Applies an edit to a graph whole, or throws and leaves the model as it was.
  mutating func applyGraph(_ e: Edit, at span: Span) throws(ParamCalcError) -> EditOutcome {
    if case .insert(let i, let p) = e, i == count {
      return try appendToGraph(p, input: inputShape, at: span)
    }
    var pieces = self.pieces
    var newInput = input
    var newOutputs = outputs
    var edited: Int?
    switch e {
    case .insert(let i, let p):
      renumber(&pieces, after: i, by: 1)
      newOutputs = newOutputs?.map { $0.renumbered(after: i, by: 1) }
      pieces.insert(p, at: i)
      edited = i
    case .remove(let i, _):
      if let k = outputs?.firstIndex(where: { layerIndex(of: $0) == i }) {
        throw .wiring(
          "layer #\(i + 1) cannot be removed: it is an output of the model ('\(outputs![k].script)')",
          at: span, hint: "declare the outputs without it first ('output ...')")
      }
      if let reader = reader(of: i) {
        let how = row(reader).piece.spec.reuses == i + 1 ? "calls it again" : "reads it"
        throw .wiring(
          "layer #\(i + 1) cannot be removed: layer #\(reader + 1) (\(row(reader).piece.typeName)) \(how)",
          at: span,
          hint:
            "remove layer #\(reader + 1) first, or make it read another tensor ('set' keeps its 'from'; remove and add it again)"
        )
      }
      renumber(&pieces, after: i + 1, by: -1)
      newOutputs = newOutputs?.map { $0.renumbered(after: i + 1, by: -1) }
      pieces.remove(at: i)
    case .replace(let i, _, let p):
      pieces[i] = p
      edited = i
    case .input(_, let new):
      newInput = new
    case .reset(_, _, let ni, let new, _, let outs):
      pieces = new
      newInput = ni
      newOutputs = outs.new
    case .outputs(_, let new):
      newOutputs = new
    case .appends:
      preconditionFailure("a run of appends is expanded before it is applied")
    }
    let previousRows = rows
    let totalBefore = total
    let placed = try placeAll(pieces, input: newInput, edited: edited, at: span)
    let inputID = newInput.map { store.intern($0) }
    // Each output must still be a tensor of the model (a state still returned, say).
    for o in newOutputs ?? [] {
      do throws(ParamCalcError) {
        _ = try tensor(
          o, at: pieces.count, rows: placed.rows, names: placed.names,
          modelInput: { () throws(ParamCalcError) -> ShapeID in
            guard let inputID else { throw .noInputShape(at: span) }
            return inputID
          }, at: span)
      } catch {
        guard case .outputs = e else {
          throw .wiring(
            "this edit breaks the model's output '\(o.script)': \(error.message)", at: span,
            hint: "declare other outputs first ('output ...')")
        }
        throw error
      }
    }
    inputShape = inputID
    rows = placed.rows
    names = placed.names
    outputs = newOutputs
    (trainable, nonTrainable) = outputs == nil ? placed.totals : counted
    graph = outputs != nil || pieces.contains(where: \.isWired)
    return outcome(of: e, previousRows: previousRows, totalBefore: totalBefore)
  }

  /// Adds a layer at the end of a graph: only it is placed (a script of many named layers
  /// stays linear).
  mutating func appendToGraph(_ p: Piece, input: ShapeID?, at span: Span) throws(ParamCalcError)
    -> EditOutcome
  {
    let original = p.spec.reuses.flatMap { $0 >= 1 && $0 <= count ? row($0 - 1).piece : nil }
    let id = try placeRow(
      p, at: count, original: original, rows: rows, names: names, input: input, at: span)
    if let name = p.spec.name { try checkFree(name, in: names, at: span) }
    // With declared outputs, a layer added after them is on the way to none: it counts nothing.
    let totals =
      outputs != nil
      ? (trainable, nonTrainable) : try sum((trainable, nonTrainable), store[id], sign: 1, at: span)
    if let name = p.spec.name { names[name] = count }
    rows.append(id)
    (trainable, nonTrainable) = totals
    graph = true
    return EditOutcome(kind: .added, index: count, layer: store.layer(id))
  }

  /// The outcome of an edit applied to a graph: the layer concerned, and the later layers whose
  /// placement changed.
  func outcome(of e: Edit, previousRows: [PlacementID], totalBefore: Int) -> EditOutcome {
    // The layers after the edited one, old and new, side by side.
    var changed: [LayerChange] = []
    var reinferred = 0
    func compare(oldStart: Int, newStart: Int) {
      var k = 0
      while oldStart + k < previousRows.count && newStart + k < rows.count {
        let before = previousRows[oldStart + k]
        let after = rows[newStart + k]
        let (b, a) = (store.layer(before), store.layer(after))
        // The same layer read anew (a merge, or a `#N` renumbered) is not a change.
        if b.inputs != a.inputs || b.output != a.output || b.trainable != a.trainable
          || b.nonTrainable != a.nonTrainable || b.typeName != a.typeName
        {
          reinferred += 1
          if changed.count < LayerChange.shown {
            changed.append(
              LayerChange(
                index: newStart + k + 1, before: store.layer(before), after: store.layer(after)))
          }
        }
        k += 1
      }
    }
    var result: EditOutcome
    switch e {
    case .insert(let i, _):
      compare(oldStart: i, newStart: i + 1)
      result = EditOutcome(
        kind: i == count - 1 ? .added : .inserted, index: i + 1, layer: store.layer(rows[i]))
    case .remove(let i, _):
      compare(oldStart: i + 1, newStart: i)
      result = EditOutcome(kind: .removed, index: i + 1, layer: store.layer(previousRows[i]))
    case .replace(let i, _, _):
      compare(oldStart: i + 1, newStart: i + 1)
      result = EditOutcome(kind: .changed, index: i + 1, layer: store.layer(rows[i]))
      result.reinferred = reinferred
      result.changed = ChangedLayers(
        layers: changed, totalBefore: totalBefore, previous: store.layer(previousRows[i]))
      return result
    case .input:
      compare(oldStart: 0, newStart: 0)
      result = EditOutcome(kind: .input)
    case .outputs:
      return EditOutcome(kind: .outputs)
    case .reset(_, _, _, _, let kind, _):
      guard count > 0 else { return EditOutcome(kind: kind) }
      return EditOutcome(kind: kind, index: count, layer: store.layer(rows[count - 1]))
    case .appends:
      preconditionFailure("a run of appends is expanded before it is applied")
    }
    result.reinferred = reinferred
    if !changed.isEmpty {
      result.changed = ChangedLayers(layers: changed, totalBefore: totalBefore)
    }
    return result
  }

  /// Places every layer of `pieces` on the tensors it reads, first to last, with the totals;
  /// changes nothing. A refusal at `edited` is the edit's own; at another layer, the edit
  /// breaks that layer.
  mutating func placeAll(_ pieces: [Piece], input: Shape?, edited: Int?, at span: Span)
    throws(ParamCalcError) -> (rows: [PlacementID], names: [String: Int], totals: (Int, Int))
  {
    var placed: [PlacementID] = []
    placed.reserveCapacity(pieces.count)
    var names: [String: Int] = [:]
    var totals = (0, 0)
    let inputID = input.map { store.intern($0) }
    for (j, p) in pieces.enumerated() {
      let id: PlacementID
      do throws(ParamCalcError) {
        let original = p.spec.reuses.flatMap { $0 >= 1 && $0 <= j ? pieces[$0 - 1] : nil }
        id = try placeRow(
          p, at: j, original: original, rows: placed, names: names, input: inputID, at: span)
      } catch {
        // Another layer than the one edited: the edit breaks it.
        guard j != edited else { throw error }
        switch error {
        case .refused(let layer, let reason, _, let hint):
          throw .breaksLayer(
            index: j + 1, layer: layer, reason: reason, at: span, hint: hint,
            reinsert: reinsertion(p, at: j))
        case .wiring(let m, _, let h):
          throw .breaksLayer(
            index: j + 1, layer: p.typeName, reason: m, at: span, hint: h,
            reinsert: reinsertion(p, at: j))
        default: throw error
        }
      }
      if let name = p.spec.name {
        try checkFree(name, in: names, at: span)
        names[name] = j
      }
      totals = try sum(totals, store[id], sign: 1, at: span)
      placed.append(id)
    }
    return (placed, names, totals)
  }

  /// Places layer `j` on the tensors it reads, the layers before it being `placed`: a call
  /// again (`reuse`) as the layer it calls is now (`original`), refused where that layer's
  /// weights would not fit what it reads.
  mutating func placeRow(
    _ p: Piece, at j: Int, original: Piece?, rows placed: [PlacementID], names: [String: Int],
    input: ShapeID?, at span: Span
  ) throws(ParamCalcError) -> PlacementID {
    let p = try called(p, original: original, at: span)
    let reads = try sources(of: p, at: j, rows: placed, names: names, input: input, at: span)
    let id = try place(p, reading: reads, first: j == 0, at: span)
    try checkShared(p, id, rows: placed, at: span)
    return id
  }

  /// The shapes (by number) that layer `j` reads: the previous layer's output (or the input),
  /// or those its `from` names.
  mutating func sources(
    of p: Piece, at j: Int, rows placed: [PlacementID], names: [String: Int], input: ShapeID?,
    at span: Span
  ) throws(ParamCalcError) -> [ShapeID] {
    if let model = p.model as? InputLayerModel {
      // A named input reads nothing: it is placed on its own shape.
      if p.spec.sources != nil {
        throw .wiring(
          "an InputLayer reads no tensor", at: span, hint: "leave 'from' out: 'input NAME DIMS'")
      }
      return [store.intern(model.shape)]
    }
    func modelInput() throws(ParamCalcError) -> ShapeID {
      guard let input else { throw .noInputShape(at: span) }
      return input
    }
    guard let sources = p.spec.sources else {
      return [j == 0 ? try modelInput() : store[placed[j - 1]].output]
    }
    var out: [ShapeID] = []
    for s in sources {
      out.append(
        try tensor(s, at: j, rows: placed, names: names, modelInput: modelInput, at: span))
    }
    return out
  }

  /// The shape of the tensor `s` names, read by layer `j`: a layer's output, an input, or a
  /// state a recurrent layer returns (`enc.h`).
  mutating func tensor(
    _ s: LayerSource, at j: Int, rows placed: [PlacementID], names: [String: Int],
    modelInput: () throws(ParamCalcError) -> ShapeID, at span: Span
  ) throws(ParamCalcError) -> ShapeID {
    switch s {
    case .number(let n):
      guard n >= 1 && n <= j else {
        throw .wiring(
          "layer #\(j + 1) cannot read layer #\(n): a layer reads only layers before it",
          at: span, hint: "read a layer numbered 1 to \(j), a name, or 'input'")
      }
      return store[placed[n - 1]].output
    case .name(let name):
      if let k = names[name] { return store[placed[k]].output }
      if name == Session.inputName { return try modelInput() }
      // The name the summary shows for an unnamed layer (Keras's automatic name) is not read:
      // it changes as layers of its class are inserted or removed before it.
      if let k = automaticallyNamed(name, before: j) {
        throw .wiring(
          "'\(name)' is the name the summary shows for layer #\(k + 1), not one given with "
            + "'as': it changes when layers of its class are inserted or removed before it",
          at: span, hint: "read it as '#\(k + 1)', or give the layer a name with 'as NAME'")
      }
      let known = [Session.inputName] + names.keys.sorted()
      let near = Suggestion.nearest(to: name, in: known)
      throw .wiring(
        "no tensor is named '\(name)' before layer #\(j + 1)", at: span,
        hint: (near.map { "did you mean '\($0)'? " } ?? "")
          + "names are given with 'as NAME'; the model's input is 'input'")
    case .state(let base, let part):
      // The layer whose state it is, found as its output would be.
      _ = try tensor(base, at: j, rows: placed, names: names, modelInput: modelInput, at: span)
      let k: Int? =
        switch base {
        case .number(let n): n - 1
        case .name(let name): names[name]
        case .state: nil
        }
      guard let k else {
        throw .wiring(
          "'\(base.script)' is not a layer: only a recurrent layer's states are read with '.'",
          at: span, hint: "a recurrent layer's states are read as NAME.h (and NAME.c for an LSTM)")
      }
      let layer = store[placed[k]]
      let states = layer.piece.model.states(on: store[shape: layer.input])
      guard layer.piece.returnsStates, !states.isEmpty else {
        throw .wiring(
          "layer #\(k + 1) (\(layer.piece.typeName)) returns one tensor: '\(s.script)' reads a state it does not return",
          at: span,
          hint: states.isEmpty
            ? "states are those of SimpleRNN, GRU, LSTM and ConvLSTM layers with return_state=true"
            : "give layer #\(k + 1) return_state=true: 'set \(k + 1) return_state=true'")
      }
      guard let state = states.first(where: { $0.name == part }) else {
        let names = states.map { "'\(base.script).\($0.name)'" }.joined(separator: ", ")
        throw .wiring(
          "layer #\(k + 1) (\(layer.piece.typeName)) has no state '\(part)'", at: span,
          hint: "its states are \(names)")
      }
      return store.intern(state.shape)
    }
  }

  /// Places a definition on the tensors it reads: a merge on all of them; any other layer on
  /// its one tensor (Keras gives a layer a list only where it takes one).
  mutating func place(_ p: Piece, reading reads: [ShapeID], first: Bool, at span: Span)
    throws(ParamCalcError) -> PlacementID
  {
    let merge = p.model as? any MergeModel
    guard let merge, !(merge.readsOneAlone && reads.count == 1) else {
      if reads.count > 1, !p.model.states(on: store[shape: reads[0]]).isEmpty {
        return try place(p, startingFrom: reads, first: first, at: span)
      }
      guard reads.count == 1 else {
        throw .refused(
          layer: p.typeName,
          reason: "it reads one tensor, and 'from' names \(reads.count)", at: span,
          hint: "merge them first, e.g. 'add add from a,b' or 'add concatenate from a,b'")
      }
      return try place(p, on: reads[0], first: first, at: span)
    }
    let shapes = reads.map { store[shape: $0] }
    let inference: Inference
    do {
      // Without `from`, a merge is called on one tensor, not a list: Keras refuses that.
      inference =
        p.spec.sources == nil ? try merge.infer(shapes[0]) : try merge.infer(inputs: shapes)
    } catch {
      switch error {
      case .reason(let r):
        throw .refused(
          layer: p.typeName, reason: r, at: span,
          hint: RefusalHint.hint(for: p, on: shapes[0], first: first, catalog: catalog))
      case .overflow(let what): throw .overflow(what, at: span)
      }
    }
    // As `infer(_:on:)` counts: a layer called again counts nothing, a frozen one is
    // non-trainable.
    let (shared, trainable) = (p.spec.reuses != nil, p.spec.trainable)
    return store.place(
      p, on: reads[0], output: inference.output,
      trainable: shared || !trainable ? 0 : inference.trainable,
      nonTrainable: shared ? 0 : trainable ? inference.nonTrainable : inference.params,
      inputs: reads)
  }

  /// The first layer after layer `i` (0-based) that reads it through `from` (by number, or by
  /// a name that stands for it) or calls it again, if any.
  func reader(of i: Int) -> Int? {
    let name = row(i).piece.spec.name
    for j in (i + 1)..<max(count, i + 1) {
      if row(j).piece.spec.reuses == i + 1 { return j }
      guard let sources = row(j).piece.spec.sources else { continue }
      for s in sources {
        switch s.tensor {
        case .number(let n) where n == i + 1: return j
        case .name(let n) where n == name: return j
        default: continue
        }
      }
    }
    return nil
  }

  /// Shifts the layer numbers that layers from `after` (0-based) on read with `from #N`, for
  /// those numbering a layer at `after` or later: a layer inserted or removed there moves them.
  mutating func renumber(_ pieces: inout [Piece], after: Int, by delta: Int) {
    guard after < pieces.count else { return }
    for j in after..<pieces.count {
      let sources = pieces[j].spec.sources ?? []
      let moves = sources.contains { $0.renumbered(after: after, by: delta) != $0 }
      let reuseMoves = (pieces[j].spec.reuses ?? 0) > after
      guard moves || reuseMoves else { continue }
      var spec = pieces[j].spec
      if moves {
        spec.sources = sources.map { $0.renumbered(after: after, by: delta) }
      }
      if reuseMoves, let n = spec.reuses { spec.reuses = n + delta }
      pieces[j] = store.definition(
        Piece(spec: spec, model: pieces[j].model, inert: pieces[j].inert))
    }
  }
}
