/// `output a,b`: the model's outputs, as Keras's `Model(inputs, outputs)` takes them. Without
/// it the model's output is its last layer and every layer counts; with it, only the layers on
/// the way to an output count, as in Keras, and the summary names the others.
extension Session {
  /// Declares the model's outputs (nil: back to its last layer), as one undoable edit.
  public mutating func setOutputs(_ refs: [SourceRef]?, at span: Span) throws(ParamCalcError)
    -> EditOutcome
  {
    guard count > 0 else {
      throw .wiring(
        "the model has no layer yet to be its output", at: span,
        hint: "add layers first, then 'output NAME,...'")
    }
    if let refs {
      var seen: Set<LayerSource> = []
      for r in refs where !seen.insert(r.source).inserted {
        throw .wiring(
          "'\(r.source.script)' is named twice", at: r.span, hint: "name each output once")
      }
      try checkReads(refs, byALayer: false)
    }
    let new = refs?.map(\.source)
    return try commit(.outputs(old: outputs, new: new), at: span)
  }

  /// Checks that each tensor a line names (with `from`, or `output`) is one the model has now,
  /// the error pointing at the name it is about.
  /// (`byALayer`: read by a layer added at the end, which cannot read itself, #count+1.)
  public mutating func checkReads(_ refs: [SourceRef], byALayer: Bool = true)
    throws(ParamCalcError)
  {
    let (rows, names, input) = (self.rows, self.names, inputShape)
    for r in refs {
      if case .number(let n) = r.source.tensor, n > count + (byALayer ? 1 : 0) {
        throw .wiring(
          count == 0
            ? "there is no layer #\(n): the model has no layers yet"
            : "there is no layer #\(n): the model has \(count) layer\(count == 1 ? "" : "s")",
          at: r.span, hint: "'summary' shows the layers and their numbers")
      }
      _ = try tensor(
        r.source, at: count, rows: rows, names: names,
        modelInput: { () throws(ParamCalcError) -> ShapeID in
          guard let input else { throw .noInputShape(at: r.span) }
          return input
        }, at: r.span)
    }
  }

  /// The layer (0-based) whose output, or state, `s` reads; nil for an input of the model not
  /// made by a layer (`input`), or a name no layer has.
  func layerIndex(of s: LayerSource) -> Int? {
    switch s.tensor {
    case .number(let n): return n >= 1 && n <= count ? n - 1 : nil
    case .name(let n): return names[n]
    case .state: return nil
    }
  }

  /// The model's outputs, each as written and with its shape: those declared, or the last layer.
  public var outputTensors: [(name: String, shape: Shape)] {
    guard let outputs else {
      return count == 0 ? [] : [("#\(count)", store[shape: row(count - 1).output])]
    }
    return outputs.map { ($0.script, shape(of: $0) ?? Shape([])) }
  }

  /// The shape of a tensor of the model (an output, checked when it was declared and after
  /// every edit): a layer's output, one of its states, or the model's input.
  func shape(of s: LayerSource) -> Shape? {
    guard let k = layerIndex(of: s) else { return input }
    if case .state(_, let part) = s {
      return store.layer(rows[k]).states.first { $0.name == part }?.shape
    }
    return store[shape: row(k).output]
  }

  /// The layers (0-based) on the way to none of the outputs (the declared ones, or the last
  /// layer): Keras's `Model(inputs, outputs)` leaves them out. A layer called again is in the
  /// model when any of its calls is. Empty for a chain.
  public var notOnTheWay: [Int] {
    guard graph, count > 0 else { return [] }
    let kept = onTheWay
    return kept.indices.filter { !kept[$0] }
  }

  /// With declared outputs, the layers (0-based) left out of the totals, so of no share of them;
  /// empty without `output` (every layer counts, the last layer's way or not).
  public var leftOutOfTotals: Set<Int> { outputs == nil ? [] : Set(notOnTheWay) }

  /// Whether each layer is on the way to an output (or holds the weights a call on the way
  /// uses): followed back from the outputs through what each layer reads.
  var onTheWay: [Bool] {
    var reached = Array(repeating: false, count: count)
    var used = Array(repeating: false, count: count)
    var stack: [Int] = []
    func reach(_ k: Int?) {
      guard let k, k >= 0, k < count, !reached[k] else { return }
      reached[k] = true
      stack.append(k)
    }
    if let outputs {
      for o in outputs { reach(layerIndex(of: o)) }
    } else {
      reach(count - 1)
    }
    while let j = stack.popLast() {
      let p = row(j).piece
      if let n = p.spec.reuses, n >= 1, n <= count { used[n - 1] = true }
      if p.model is InputLayerModel { continue }  // an input reads nothing
      if let sources = p.spec.sources {
        for s in sources { reach(layerIndex(of: s)) }
      } else if j > 0 {
        reach(j - 1)
      }
    }
    return reached.indices.map { reached[$0] || used[$0] }
  }

  /// The totals of the layers on the way to the outputs.
  var counted: (Int, Int) {
    var t = (0, 0)
    for (k, on) in onTheWay.enumerated() where on {
      // Each layer's counts were summed, overflow-checked, with all the others.
      t.0 += row(k).trainable
      t.1 += row(k).nonTrainable
    }
    return t
  }
}

extension LayerSource {
  /// The same tensor once a layer is inserted (`delta` 1) or removed (-1) at `after`
  /// (0-based): layer numbers above it move.
  func renumbered(after: Int, by delta: Int) -> LayerSource {
    switch self {
    case .number(let n) where n > after: return .number(n + delta)
    case .number, .name: return self
    case .state(let base, let part): return .state(base.renumbered(after: after, by: delta), part)
    }
  }
}
