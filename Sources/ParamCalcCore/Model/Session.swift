/// A layer of the model as the outside sees it: what was asked for, the built layer, its shapes
/// and counts. Made on demand from the session's compact record (a `Placement`).
public struct ModelLayer: Sendable {
  /// What was asked for and the built layer, shared (not copied) by the undo history.
  let piece: Piece
  public var spec: LayerSpec { piece.spec }
  public var model: any LayerModel { piece.model }
  /// Arguments accepted that affect neither count nor shape.
  public var inert: [Argument] { piece.inert }
  public let input: Shape
  public let output: Shape
  /// Counts with `trainable=false` applied.
  public let trainable: Int
  public let nonTrainable: Int

  public var typeName: String { piece.typeName }
  public var params: Int { trainable + nonTrainable }

  init(_ row: Placement, input: Shape, output: Shape) {
    piece = row.piece
    self.input = input
    self.output = output
    trainable = row.trainable
    nonTrainable = row.nonTrainable
  }

  /// The weight variables and counts. Only counts and shapes are kept per layer (a model can
  /// have millions of layers); the weights are inferred again, identically, when shown.
  public var inference: Inference {
    guard let i = try? model.infer(input) else {
      preconditionFailure("a layer's inference changed")
    }
    return spec.trainable ? i : i.frozen()
  }

  /// Which arguments were given (the rest are defaults), for explanations.
  public var given: Given { Given(Set(spec.arguments.map(\.key))) }

  /// The explanation of this layer's count.
  public var explanation: Explanation { model.explain(input, inference, given) }
}

/// The layers of a model, as a collection of `ModelLayer`.
public struct Layers: RandomAccessCollection, Sendable {
  let ids: [PlacementID]
  let placements: PlacementTable
  let shapes: ShapeTable

  public var startIndex: Int { 0 }
  public var endIndex: Int { ids.count }

  public subscript(i: Int) -> ModelLayer {
    let p = placements[ids[i]]
    return ModelLayer(p, input: shapes[p.input], output: shapes[p.output])
  }
}

/// A layer definition independent of where it stands: immutable, shared by the model and its
/// undo history.
final class Piece: Sendable {
  let spec: LayerSpec
  let model: any LayerModel
  let inert: [Argument]
  let typeName: String

  init(spec: LayerSpec, model: any LayerModel, inert: [Argument]) {
    self.spec = spec
    self.model = model
    self.inert = inert
    typeName = model.typeName
  }

  /// A number from the definition's address, for the small caches keyed by definition. The
  /// address is mixed: allocations sit at regular strides, and their low bits alone would put
  /// definitions made one after another in the same slot.
  var slot: Int {
    Int(
      truncatingIfNeeded: ((UInt(bitPattern: ObjectIdentifier(self)) >> 4) &* 0x9E37_79B9_7F4A_7C15)
        >> 32)
  }

  /// One of 64 slots for this definition on the shape numbered `input`.
  func slot(on input: ShapeID) -> Int { (slot ^ (input.raw &* 31)) & 63 }
}

/// What an edit did, for reporting: the layer concerned and how.
public struct EditOutcome: Sendable {
  public enum Kind: String, Sendable, Equatable {
    case added, inserted, removed, changed, input, cleared, loaded
  }
  public var kind: Kind
  /// 1-based index of the layer concerned, when there is one.
  public var index: Int?
  /// The layer concerned (a removed layer as it was); `Session.layer(_:)` shows it.
  var placed: PlacementID?
  /// How many later layers had their shapes re-inferred.
  public var reinferred: Int = 0
  /// When later layers were re-inferred: the first of them, before and after, and the total
  /// before the edit (one reference, nil for the common edit that re-infers nothing).
  var changed: ChangedLayers?
  public var totalBefore: Int? { changed?.totalBefore }
  var changes: [LayerChange] { changed?.layers ?? [] }
}

/// The later layers an edit re-inferred (at most `LayerChange.shown` of them), and the total
/// before it.
final class ChangedLayers: Sendable {
  let layers: [LayerChange]
  let totalBefore: Int
  init(layers: [LayerChange], totalBefore: Int) {
    self.layers = layers
    self.totalBefore = totalBefore
  }
}

/// A later layer that an edit re-inferred: its number after the edit, and its placement before
/// and after (its input, and so perhaps its count and output, changed).
struct LayerChange: Sendable {
  /// How many an edit's outcome lists; the rest are counted.
  static let shown = 8
  let index: Int
  let before: PlacementID
  let after: PlacementID
}

/// The model being built: an input shape and a stack of layers, with unlimited undo and redo.
///
/// Every edit either succeeds whole or changes nothing. Adding a layer and undoing or redoing
/// that is O(1); an edit at layer N of n re-infers layers N...n only, and stops early where a
/// layer's input comes out unchanged. The undo history records each edit, not copies of the model.
public struct Session: Sendable {
  public private(set) var input: Shape?
  var inputID: ShapeID?
  /// The layers, first to last, as numbers in `placements`.
  var layerIDs: [PlacementID] = []
  var placements = PlacementTable()
  var shapes = ShapeTable()
  public private(set) var trainable = 0
  public private(set) var nonTrainable = 0
  var undoStack = ChunkedStack<Edit>()
  /// Insertions at the end made since the top of `undoStack`: logically one more `.appends`
  /// entry on top of it, kept as a counter so that an `add` touches no stack.
  var appendRun = 0
  var redoStack = ChunkedStack<Edit>()
  public let catalog: LayerCatalog
  /// One definition per distinct spec: layers built from the same text, or changed back and
  /// forth by `set`, share a definition (and its placements) instead of each holding a copy.
  var definitions: [LayerSpec: Piece] = [:]

  public init(catalog: LayerCatalog = .standard) { self.catalog = catalog }

  public var total: Int { trainable + nonTrainable }

  /// The layers, first to last.
  public var layers: Layers { Layers(ids: layerIDs, placements: placements, shapes: shapes) }

  /// How many layers the model has.
  public var count: Int { layerIDs.count }

  /// Layer `i` (0-based) as stored.
  func row(_ i: Int) -> Placement { placements[layerIDs[i]] }

  /// A layer as the outside sees it.
  func layer(_ p: Placement) -> ModelLayer {
    ModelLayer(p, input: shapes[p.input], output: shapes[p.output])
  }

  /// The layer an edit concerned, if any (a removed layer as it was).
  public func layer(_ outcome: EditOutcome) -> ModelLayer? {
    outcome.placed.map { layer(placements[$0]) }
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
  public var canUndo: Bool { appendRun > 0 || !undoStack.isEmpty }
  /// How many edits `undo` can take back.
  var undoDepth: Int {
    undoStack.elements.reduce(appendRun) { n, e in
      if case .appends(let k) = e { return n + k }
      return n + 1
    }
  }
  public var canRedo: Bool { !redoStack.isEmpty }

  enum Edit: Sendable {
    case insert(at: Int, Piece)
    case remove(at: Int, Piece)
    indirect case replace(at: Int, old: Piece, new: Piece)
    case input(old: Shape?, new: Shape?)
    indirect case reset(
      oldInput: Shape?, old: [Piece], newInput: Shape?, new: [Piece], kind: EditOutcome.Kind)
    /// Only on the undo stack: the last `n` edits were layers inserted at the end, one after the
    /// other. Undoing one removes the last layer, which holds its definition: nothing else needs
    /// keeping, so a script of a million `add`s keeps a counter, not a million edits.
    case appends(Int)

    var summary: String {
      switch self {
      case .insert(let i, let p): return "insert \(i) \(p.spec.script)"
      case .remove(let i, let p): return "remove \(i) \(p.spec.script)"
      case .replace(let i, let old, let new):
        return "replace \(i) \(old.spec.script) => \(new.spec.script)"
      case .input(let old, let new):
        return "input \(old?.description ?? "-") => \(new?.description ?? "-")"
      case .reset(let oi, let o, let ni, let n, let k):
        return
          "reset \(k) \(oi?.description ?? "-") \(o.count) => \(ni?.description ?? "-") \(n.count)"
      case .appends(let n): return "appends \(n)"
      }
    }

    var inverse: Edit {
      switch self {
      case .insert(let i, let p): return .remove(at: i, p)
      case .remove(let i, let p): return .insert(at: i, p)
      case .replace(let i, let old, let new): return .replace(at: i, old: new, new: old)
      case .input(let old, let new): return .input(old: new, new: old)
      case .reset(let oi, let o, let ni, let n, let k):
        return .reset(oldInput: ni, old: n, newInput: oi, new: o, kind: k)
      case .appends: preconditionFailure("a run of appends is expanded before it is undone")
      }
    }
  }

  // MARK: edits

  /// Builds a layer from a request, sharing the definition of an identical earlier one.
  public mutating func build(_ request: LayerRequest, end: Span) throws(ParamCalcError)
    -> BuiltLayer
  {
    let built = try catalog.build(request, end: end)
    if let p = definitions[built.piece.spec] {
      return BuiltLayer(piece: p, inputShape: built.inputShape)
    }
    definitions[built.piece.spec] = built.piece
    return built
  }

  /// The number of the shape entering layer `index` (0-based).
  func inputID(_ index: Int) -> ShapeID? {
    index == 0 ? inputID : row(index - 1).output
  }

  public mutating func setInput(_ shape: Shape, at span: Span) throws(ParamCalcError) -> EditOutcome
  {
    try commit(.input(old: input, new: shape), at: span)
  }

  public mutating func add(_ built: BuiltLayer, at span: Span) throws(ParamCalcError) -> EditOutcome
  {
    guard built.inputShape == nil, let before = inputID(count) else {
      return try insert(built, at: count + 1, span: span, indexSpan: span)
    }
    // Appending: nothing after it to re-infer, so the general edit path is not needed.
    let id = try inferNew(built.piece, on: before, first: count == 0, at: span)
    let totals = try sum((trainable, nonTrainable), placements[id], sign: 1, at: span)
    layerIDs.append(id)
    (trainable, nonTrainable) = totals
    record(.insert(at: count - 1, built.piece))
    return EditOutcome(kind: .added, index: count, placed: id)
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
      if count == 0 && index == 1 {
        return try commit(
          .reset(oldInput: input, old: [], newInput: shape, new: [piece], kind: .added), at: span)
      }
      if index != 1 || shape != input {
        throw .invalidValue(
          argument: "input_shape",
          message:
            "input_shape= sets the input of the first layer only; the model input is \(input?.description ?? "not set"). Use 'input DIMS' to change it",
          at: span)
      }
    }
    guard input != nil else { throw .noInputShape(at: span) }
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
    let built = try build(request, end: Span(span.end, span.end + 1))
    return try set(index, to: built.piece, at: span)
  }

  /// Changes the definition of layer `index` (1-based, in range); the same spec changes nothing.
  mutating func set(_ index: Int, to piece: Piece, at span: Span) throws(ParamCalcError)
    -> EditOutcome
  {
    let old = row(index - 1)
    if piece === old.piece || piece.spec == old.piece.spec {
      return EditOutcome(kind: .changed, index: index, placed: layerIDs[index - 1])
    }
    return try commit(.replace(at: index - 1, old: old.piece, new: piece), at: span)
  }

  public mutating func clear(at span: Span) throws(ParamCalcError) -> EditOutcome {
    try commit(
      .reset(oldInput: input, old: pieces, newInput: nil, new: [], kind: .cleared), at: span)
  }

  /// Replaces the whole model with another (after `load`), as one undoable step.
  public mutating func replace(with other: Session, at span: Span) throws(ParamCalcError)
    -> EditOutcome
  {
    try commit(
      .reset(oldInput: input, old: pieces, newInput: other.input, new: other.pieces, kind: .loaded),
      at: span)
  }

  var pieces: [Piece] { layerIDs.map { placements[$0].piece } }

  public mutating func undo(at span: Span) throws(ParamCalcError) -> EditOutcome {
    if appendRun == 0, case .appends(let n) = undoStack.last {
      // The run on top of the stack becomes the counter again.
      undoStack.removeLast()
      appendRun = n
    }
    let e: Edit
    if appendRun > 0 {
      // The edit on top is the last layer's insertion at the end.
      let i = count - 1
      e = .insert(at: i, row(i).piece)
    } else {
      guard let top = undoStack.last else { throw .nothingTo("undo", at: span) }
      e = top
    }
    let outcome = try apply(e.inverse, at: span)
    if appendRun > 0 { appendRun -= 1 } else { undoStack.removeLast() }
    redoStack.append(e)
    return outcome
  }

  public mutating func redo(at span: Span) throws(ParamCalcError) -> EditOutcome {
    guard let e = redoStack.last else { throw .nothingTo("redo", at: span) }
    let outcome = try apply(e, at: span)
    redoStack.removeLast()
    pushUndo(e)
    return outcome
  }

  mutating func commit(_ e: Edit, at span: Span) throws(ParamCalcError) -> EditOutcome {
    let outcome = try apply(e, at: span)
    record(e)
    return outcome
  }

  /// Records an edit that has been applied: it can be undone, and nothing is left to redo.
  mutating func record(_ e: Edit) {
    pushUndo(e)
    if !redoStack.isEmpty { redoStack.removeAll() }
  }

  /// Puts an applied edit on the undo stack; an insertion at the end joins the run of appends.
  mutating func pushUndo(_ e: Edit) {
    if case .insert(let i, _) = e, i == count - 1 {
      appendRun += 1
      return
    }
    if appendRun > 0 {
      undoStack.append(.appends(appendRun))
      appendRun = 0
    }
    undoStack.append(e)
  }

  // MARK: applying an edit

  /// Applies an edit whole, or throws and leaves everything as it was. (A shape seen for the
  /// first time stays in the shape table: that changes no layer, only what numbers are taken.)

  /// The later layers of `chain` (new placements from `newStart`, 0-based, that stood from
  /// `oldStart`), as the outcome lists them, and the total; read before the edit is written.
  func changes(_ chain: [PlacementID], oldStart: Int, newStart: Int) -> ChangedLayers? {
    guard !chain.isEmpty else { return nil }
    let layers = chain.prefix(LayerChange.shown).enumerated().map {
      LayerChange(
        index: newStart + $0.offset + 1, before: layerIDs[oldStart + $0.offset], after: $0.element)
    }
    return ChangedLayers(layers: layers, totalBefore: total)
  }

  mutating func apply(_ e: Edit, at span: Span) throws(ParamCalcError) -> EditOutcome {
    switch e {
    case .insert(let i, let p):
      guard let before = inputID(i) else { throw .noInputShape(at: span) }
      let firstID = try inferNew(p, on: before, first: i == 0, at: span)
      let first = placements[firstID]
      let chain = try relink(from: i, entering: first.output, at: span)
      let totals = try totalsAfter(
        adding: first, removing: nil, chain: chain, chainStart: i, at: span)
      let changed = changes(chain, oldStart: i, newStart: i + 1)
      layerIDs.insert(firstID, at: i)
      write(chain, startingAt: i + 1, totals: totals)
      let kind: EditOutcome.Kind = i == count - 1 ? .added : .inserted
      return EditOutcome(
        kind: kind, index: i + 1, placed: firstID, reinferred: chain.count, changed: changed)
    case .remove(let i, _):
      let removedID = layerIDs[i]
      let removed = placements[removedID]
      let chain = try relink(from: i + 1, entering: removed.input, at: span)
      let totals = try totalsAfter(
        adding: nil, removing: removed, chain: chain, chainStart: i + 1, at: span)
      let changed = changes(chain, oldStart: i + 1, newStart: i)
      layerIDs.remove(at: i)
      write(chain, startingAt: i, totals: totals)
      return EditOutcome(
        kind: .removed, index: i + 1, placed: removedID, reinferred: chain.count, changed: changed)
    case .replace(let i, _, let p):
      guard let before = inputID(i) else { throw .noInputShape(at: span) }
      let newID = try inferNew(p, on: before, first: i == 0, at: span)
      let new = placements[newID]
      let chain = try relink(from: i + 1, entering: new.output, at: span)
      let replaced = row(i)
      let totals = try totalsAfter(
        adding: new, removing: replaced, chain: chain, chainStart: i + 1, at: span)
      let changed = changes(chain, oldStart: i + 1, newStart: i + 1)
      layerIDs[i] = newID
      write(chain, startingAt: i + 1, totals: totals)
      return EditOutcome(
        kind: .changed, index: i + 1, placed: newID, reinferred: chain.count, changed: changed)
    case .input(_, let new):
      guard let new else {
        // Undoing the first `input`: layers cannot exist without one, so there are none.
        input = nil
        inputID = nil
        return EditOutcome(kind: .input)
      }
      let id = shapes.intern(new)
      let chain = try relink(from: 0, entering: id, at: span)
      let totals = try totalsAfter(
        adding: nil, removing: nil, chain: chain, chainStart: 0, at: span)
      let changed = changes(chain, oldStart: 0, newStart: 0)
      input = new
      inputID = id
      write(chain, startingAt: 0, totals: totals)
      return EditOutcome(kind: .input, reinferred: chain.count, changed: changed)
    case .reset(_, _, let newInput, let new, let kind):
      var rebuilt: [PlacementID] = []
      rebuilt.reserveCapacity(new.count)
      var totals = (0, 0)
      let newID = newInput.map { shapes.intern($0) }
      var shape = newID
      for p in new {
        guard let s = shape else { throw .noInputShape(at: span) }
        let id = try inferNew(p, on: s, first: rebuilt.isEmpty, at: span)
        totals = try sum(totals, placements[id], sign: 1, at: span)
        rebuilt.append(id)
        shape = placements[id].output
      }
      // Taking back the first layer, added with its own input_shape=: the layer and the input go.
      let removed = kind == .added && new.isEmpty && count > 0 ? layerIDs[0] : nil
      input = newInput
      inputID = newID
      layerIDs = rebuilt
      (trainable, nonTrainable) = totals
      if let removed { return EditOutcome(kind: .removed, index: 1, placed: removed) }
      guard count > 0 else { return EditOutcome(kind: kind) }
      return EditOutcome(kind: kind, index: count, placed: layerIDs[count - 1])
    case .appends:
      preconditionFailure("a run of appends is expanded before it is applied")
    }
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
      totals = try sum(totals, placements[id], sign: 1, at: span)
    }
    return totals
  }

  /// Writes re-inferred layers into place from `startingAt` on, and the new totals.
  mutating func write(_ chain: [PlacementID], startingAt: Int, totals: (Int, Int)) {
    for (k, id) in chain.enumerated() { layerIDs[startingAt + k] = id }
    (trainable, nonTrainable) = totals
  }

  /// Places a definition on the shape numbered `input`: its inference (once per definition and
  /// input), or Keras's refusal with what would fit (`first`: on the model's own input).
  mutating func inferNew(_ p: Piece, on input: ShapeID, first: Bool = false, at span: Span)
    throws(ParamCalcError)
    -> PlacementID
  {
    if let id = placements.find(p, on: input) { return id }
    let shape = shapes[input]
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
    let output = inference.output == shape ? input : shapes.intern(inference.output)
    let trainable = p.spec.trainable
    return placements.add(
      Placement(
        piece: p, input: input, output: output, trainable: trainable ? inference.trainable : 0,
        nonTrainable: trainable ? inference.nonTrainable : inference.params))
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
        let new = try inferNew(old.piece, on: shape, at: span)
        out.append(new)
        shape = placements[new].output
      } catch {
        if case .refused(let layer, let reason, _, _) = error {
          throw .breaksLayer(index: i + 1, layer: layer, reason: reason, at: span)
        }
        throw error
      }
      i += 1
    }
    return out
  }
}
