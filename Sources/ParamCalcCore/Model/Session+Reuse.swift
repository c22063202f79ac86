/// `reuse N`: layer N called again, on other tensors, with the same weights (counted once).
extension Session {
  public mutating func reuse(_ index: Int, _ request: LayerRequest, indexSpan: Span)
    throws(ParamCalcError) -> EditOutcome
  {
    guard index >= 1 && index <= count else {
      throw .indexOutOfRange(index, count: count, at: indexSpan, allowsOnePast: false)
    }
    // Calling a call again calls the layer itself.
    let n = row(index - 1).piece.spec.reuses ?? index
    let original = row(n - 1).piece
    if original.model is InputLayerModel {
      throw .wiring(
        "layer #\(n) is an input: it is read with 'from', not called again", at: indexSpan)
    }
    var spec = original.spec
    spec.name = request.name
    spec.sources = request.sources?.map(\.source)
    spec.reuses = n
    let piece = store.definition(Piece(spec: spec, model: original.model, inert: original.inert))
    return try commit(.insert(at: count, piece), at: indexSpan)
  }

  /// A layer called again (`reuse N`) as the layer it calls is now (a `set` on layer N changes
  /// both); any other layer as it is.
  mutating func called(_ p: Piece, original: Piece?, at span: Span) throws(ParamCalcError)
    -> Piece
  {
    guard let n = p.spec.reuses else { return p }
    guard let original, original.spec.reuses == nil else {
      throw .wiring("layer #\(n) is not a layer before this one that can be called again", at: span)
    }
    var spec = original.spec
    spec.name = p.spec.name
    spec.sources = p.spec.sources
    spec.reuses = n
    return store.definition(Piece(spec: spec, model: original.model, inert: original.inert))
  }

  /// Keras calls a layer again with the weights it built: the new input must fit them.
  func checkShared(_ p: Piece, _ id: PlacementID, rows placed: [PlacementID], at span: Span)
    throws(ParamCalcError)
  {
    guard let n = p.spec.reuses else { return }
    let call = store.layer(id)
    let original = store.layer(placed[n - 1])
    // The weights each call would need (an attention layer's from all the tensors it reads).
    func needs(_ l: ModelLayer) -> [[Int]]? {
      let inferred: Inference?
      if let m = l.model as? any MergeModel {
        inferred = try? m.infer(inputs: l.inputs)
      } else {
        inferred = try? l.model.infer(l.input)
      }
      return inferred?.weights.map(\.shape)
    }
    let mine = needs(call)
    let theirs = needs(original)
    if let m = p.model as? any MergeModel, !m.readsOneAlone { return }
    if mine == theirs { return }
    throw .refused(
      layer: p.typeName,
      reason:
        "layer #\(n)'s weights were made for its input \(original.input.description); this input \(call.input.description) would need other weights",
      at: span, hint: "call it on a tensor shaped as layer #\(n)'s input")
  }
}
