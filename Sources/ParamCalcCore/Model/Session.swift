/// The model being built: an input shape and a stack of layers, with unlimited undo and redo.
///
/// Every edit either succeeds whole or changes nothing. Adding a layer and undoing or redoing
/// that is O(1); an edit at layer N of n re-infers layers N...n only, and stops early where a
/// layer's input comes out unchanged. The undo history records each edit, not copies of the model.
///
/// The session holds the model and its edits; where the layers are kept (each definition, shape
/// and definition-on-a-shape once) is its `store`'s business, reached through a few calls.
public struct Session: Sendable {
  /// The input shape, as a number in `store`.
  var inputShape: ShapeID?
  /// The layers, first to last, as placements in `store`.
  var rows: [PlacementID] = []
  public internal(set) var trainable = 0
  public internal(set) var nonTrainable = 0
  /// The undo history (see `EditHistory.swift`).
  var undoStack = ChunkedStack<Edit>()
  /// Insertions at the end made since the top of `undoStack`: logically one more `.appends`
  /// entry on top of it, kept as a counter so that an `add` touches no stack.
  var appendRun = 0
  var redoStack = ChunkedStack<Edit>()
  public let catalog: LayerCatalog
  /// The layers' definitions, shapes and placements, each kept once.
  var store = LayerStore()
  /// Whether some layer has `as` or `from`: edits then place the model as a graph
  /// (`Session+Graph.swift`).
  var graph = false
  /// In a graph, each name given with `as` and its layer (0-based).
  var names: [String: Int] = [:]
  /// The model's outputs as `output a,b` declares them; nil: its last layer, and every layer
  /// counts (`Session+Outputs.swift`).
  public internal(set) var outputs: [LayerSource]?

  public init(catalog: LayerCatalog = .standard) { self.catalog = catalog }

  public var input: Shape? { inputShape.map { store[shape: $0] } }

  public var total: Int { trainable + nonTrainable }

  /// The layers, first to last.
  public var layers: Layers { Layers(rows, in: store) }

  /// How many layers the model has.
  public var count: Int { rows.count }

  /// Layer `i` (0-based) as stored.
  func row(_ i: Int) -> Placement { store[rows[i]] }

  /// The definition of layer `n` (1-based), or nil when there is no such layer.
  func definition(ofLayer n: Int) -> Piece? {
    n >= 1 && n <= count ? row(n - 1).piece : nil
  }

  /// Everything that defines the model and its history, as text: two sessions with the same
  /// fingerprint behave the same from here on (tests compare it around rejected lines).
  public var fingerprint: String {
    var out = modelFingerprint + "undo \(undoDepth) redo \(redoStack.count)\n"
    var undo = undoStack.elements
    if appendRun > 0 { undo.append(.appends(appendRun)) }
    for e in undo + redoStack.elements { out += e.summary + "\n" }
    return out
  }

  /// The model alone (input, layers, totals), without its history.
  public var modelFingerprint: String {
    var out = "input \(input?.description ?? "-") total \(trainable)+\(nonTrainable)\n"
    for l in layers {
      out +=
        l.spec.script
        + " | \(l.input.description) -> \(l.output.description) \(l.trainable)+\(l.nonTrainable)\n"
    }
    return out
  }

  // MARK: edits

  /// Builds a layer from a request, sharing the definition of an identical earlier one.
  public mutating func build(_ request: LayerRequest, end: Span) throws(ParamCalcError)
    -> BuiltLayer
  {
    let built = try catalog.build(request, end: end)
    return BuiltLayer(piece: store.definition(built.piece), inputShape: built.inputShape)
  }

  /// The number of the shape entering layer `index` (0-based).
  func inputShape(_ index: Int) -> ShapeID? {
    index == 0 ? inputShape : row(index - 1).output
  }

  public mutating func setInput(_ shape: Shape, at span: Span) throws(ParamCalcError) -> EditOutcome
  {
    try commit(.input(old: input, new: shape), at: span)
  }

  public mutating func add(_ built: BuiltLayer, at span: Span) throws(ParamCalcError) -> EditOutcome
  {
    guard !graph, built.inputShape == nil, !built.piece.isWired, !built.piece.returnsStates,
      let before = inputShape(count)
    else {
      return try insert(built, at: count + 1, span: span, indexSpan: span)
    }
    // Appending: nothing after it to re-infer, so the general edit path is not needed.
    let id = try place(built.piece, on: before, first: count == 0, at: span)
    let totals = try sum((trainable, nonTrainable), store[id], sign: 1, at: span)
    rows.append(id)
    (trainable, nonTrainable) = totals
    record(.insert(at: count - 1, built.piece))
    return EditOutcome(kind: .added, index: count, layer: store.layer(id))
  }

  /// Inserts so that the new layer becomes layer `index` (1-based; one past the last appends).
  public mutating func insert(_ built: BuiltLayer, at index: Int, span: Span, indexSpan: Span)
    throws(ParamCalcError) -> EditOutcome
  {
    guard index >= 1 && index <= count + 1 else {
      throw .indexOutOfRange(index, count: count, at: indexSpan, allowsOnePast: true)
    }
    let piece = built.piece
    if let shape = built.inputShape {
      // input_shape= on the first layer gives the model its input, or agrees with it (Keras
      // keeps a model's Input and ignores another input_shape: paramcalc refuses the mismatch).
      if index != 1 {
        throw .invalidValue(
          argument: "input_shape",
          message:
            "input_shape= sets the input of the first layer only, and this would be layer \(index); the model input is \(input?.description ?? "not set")",
          at: span, hint: "change the model input with 'input DIMS'")
      }
      if let input, shape != input {
        throw .invalidValue(
          argument: "input_shape",
          message:
            "input_shape=\(Format.scriptDims(shape)) differs from the model input \(input.description)",
          at: span,
          hint:
            "change the input with 'input \(Format.scriptDims(shape))', or leave input_shape out")
      }
      if input == nil {
        return try commit(
          .reset(
            oldInput: input, old: [], newInput: shape, new: [piece], kind: .added,
            outputs: Outputs(old: outputs, new: outputs)), at: span)
      }
    }
    // (In a graph, a layer that needs the model's input finds it missing where it reads it.)
    guard input != nil || graph || piece.isWired else { throw .noInputShape(at: span) }
    return try commit(.insert(at: index - 1, piece), at: span)
  }

  public mutating func remove(at index: Int, span: Span) throws(ParamCalcError) -> EditOutcome {
    guard index >= 1 && index <= count else {
      throw .indexOutOfRange(index, count: count, at: span, allowsOnePast: false)
    }
    return try commit(.remove(at: index - 1, row(index - 1).piece), at: span)
  }

  /// Changes arguments of layer `index`: each given key replaces the same key, others are added.
  public mutating func set(_ index: Int, arguments: [Argument], indexSpan: Span, span: Span)
    throws(ParamCalcError) -> EditOutcome
  {
    guard index >= 1 && index <= count else {
      throw .indexOutOfRange(index, count: count, at: indexSpan, allowsOnePast: false)
    }
    let old = row(index - 1)
    if let n = old.piece.spec.reuses {
      throw .wiring(
        "layer #\(index) is layer #\(n) called again: its arguments are layer #\(n)'s",
        at: indexSpan,
        hint: "change layer #\(n) ('set \(n) ...'): both calls change")
    }
    if let a = arguments.first(where: { $0.key == "input_shape" }) {
      throw .invalidValue(
        argument: "input_shape", message: "change the model input with 'input DIMS'", at: a.span)
    }
    var request = old.piece.spec.request
    request.typeSpan = indexSpan
    if request.inner != nil { request.innerSpan = indexSpan }
    for i in request.arguments.indices {
      request.arguments[i].span = indexSpan
      request.arguments[i].valueSpan = indexSpan
    }
    // Where each key stands: looked up in a table when there are many, so that a line of many
    // arguments is merged in linear time; a few are compared one by one.
    var position: [String: Int] = [:]
    let many = arguments.count > 16
    if many { for (i, a) in request.arguments.enumerated() { position[a.key] = i } }
    for a in arguments {
      let found =
        many ? position[a.key] : request.arguments.firstIndex(where: { $0.key == a.key })
      if let i = found {
        request.arguments[i] = a
      } else {
        if many { position[a.key] = request.arguments.count }
        request.arguments.append(a)
      }
    }
    let built: BuiltLayer
    do { built = try build(request, end: Span(span.end, span.end + 1)) } catch {
      throw error.naming(layer: index)
    }
    return try set(index, to: built.piece, at: span)
  }

  /// Changes the definition of layer `index` (1-based, in range); the same spec changes nothing.
  mutating func set(_ index: Int, to piece: Piece, at span: Span) throws(ParamCalcError)
    -> EditOutcome
  {
    let old = row(index - 1)
    if piece === old.piece || piece.spec == old.piece.spec {
      return EditOutcome(kind: .changed, index: index, layer: store.layer(rows[index - 1]))
    }
    return try commit(.replace(at: index - 1, old: old.piece, new: piece), at: span)
  }

  public mutating func clear(at span: Span) throws(ParamCalcError) -> EditOutcome {
    try commit(
      .reset(
        oldInput: input, old: pieces, newInput: nil, new: [], kind: .cleared,
        outputs: Outputs(old: outputs, new: nil)), at: span)
  }

  /// Replaces the whole model with another (after `load`), as one undoable step.
  public mutating func replace(with other: Session, at span: Span) throws(ParamCalcError)
    -> EditOutcome
  {
    try commit(
      .reset(
        oldInput: input, old: pieces, newInput: other.input, new: other.pieces, kind: .loaded,
        outputs: Outputs(old: outputs, new: other.outputs)),
      at: span)
  }

  /// The definitions of the layers, first to last.
  var pieces: [Piece] { rows.map { store[$0].piece } }
}
