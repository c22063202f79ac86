/// A layer of the model: what was asked for, the built layer, and what it infers on its input.
public struct ModelLayer: Sendable {
  /// What was asked for and the built layer, shared (not copied) by the undo history.
  let piece: Piece
  public var spec: LayerSpec { piece.spec }
  public var model: any LayerModel { piece.model }
  /// Arguments accepted that affect neither count nor shape.
  public var inert: [Argument] { piece.inert }
  public var input: Shape
  public var output: Shape
  /// Counts with `trainable=false` applied.
  public var trainable: Int
  public var nonTrainable: Int

  public var typeName: String { model.typeName }
  public var params: Int { trainable + nonTrainable }

  init(piece: Piece, input: Shape, inference: Inference) {
    self.piece = piece
    self.input = input
    // A layer that keeps the shape shares its input's storage: long models hold few shapes.
    output = inference.output == input ? input : inference.output
    trainable = piece.spec.trainable ? inference.trainable : 0
    nonTrainable = piece.spec.trainable ? inference.nonTrainable : inference.params
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

/// A layer definition independent of where it stands: immutable, shared by the model and its
/// undo history.
final class Piece: Sendable {
  let spec: LayerSpec
  let model: any LayerModel
  let inert: [Argument]

  init(spec: LayerSpec, model: any LayerModel, inert: [Argument]) {
    self.spec = spec
    self.model = model
    self.inert = inert
  }
}

/// What an edit did, for reporting: the layer concerned and how.
public struct EditOutcome: Sendable {
  public enum Kind: Sendable, Equatable {
    case added, inserted, removed, changed, input, cleared, loaded
  }
  public var kind: Kind
  /// 1-based index of the layer concerned, when there is one.
  public var index: Int?
  public var layer: ModelLayer?
  /// How many later layers had their shapes re-inferred.
  public var reinferred: Int = 0
}

/// The model being built: an input shape and a stack of layers, with unlimited undo and redo.
///
/// Every edit either succeeds whole or changes nothing. Adding a layer and undoing or redoing
/// that is O(1); an edit at layer N of n re-infers layers N...n only, and stops early where a
/// layer's input comes out unchanged. The undo history records each edit, not copies of the model.
public struct Session: Sendable {
  public private(set) var input: Shape?
  public private(set) var layers: [ModelLayer] = []
  public private(set) var trainable = 0
  public private(set) var nonTrainable = 0
  var undoStack: [Edit] = []
  var redoStack: [Edit] = []
  public let catalog: LayerCatalog
  /// Recently inferred layers, by definition: a definition shared by many layers (a repeated
  /// line) is inferred once per input shape.
  var memo: [ModelLayer?] = Array(repeating: nil, count: Session.memoSlots)
  static let memoSlots = 64

  public init(catalog: LayerCatalog = .standard) { self.catalog = catalog }

  public var total: Int { trainable + nonTrainable }

  /// Everything that defines the model and its history, as text: two sessions with the same
  /// fingerprint behave the same from here on (tests compare it around rejected lines).
  public var fingerprint: String {
    var out = modelFingerprint + "undo \(undoStack.count) redo \(redoStack.count)\n"
    for e in undoStack + redoStack { out += e.summary + "\n" }
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
  public var canUndo: Bool { !undoStack.isEmpty }
  public var canRedo: Bool { !redoStack.isEmpty }

  enum Edit: Sendable {
    case insert(at: Int, Piece)
    case remove(at: Int, Piece)
    case replace(at: Int, old: Piece, new: Piece)
    case input(old: Shape?, new: Shape?)
    case reset(
      oldInput: Shape?, old: [Piece], newInput: Shape?, new: [Piece], kind: EditOutcome.Kind)

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
      }
    }
  }

  // MARK: edits

  /// The shape entering layer `index` (0-based).
  func shapeBefore(_ index: Int) -> Shape? {
    index == 0 ? input : layers[index - 1].output
  }

  public mutating func setInput(_ shape: Shape, at span: Span) throws(ParamCalcError) -> EditOutcome
  {
    try commit(.input(old: input, new: shape), at: span)
  }

  public mutating func add(_ built: BuiltLayer, at span: Span) throws(ParamCalcError) -> EditOutcome
  {
    guard built.inputShape == nil, let before = layers.last?.output ?? input else {
      return try insert(built, at: layers.count + 1, span: span, indexSpan: span)
    }
    // Appending: nothing after it to re-infer, so the general edit path is not needed.
    let layer = try inferNew(built.piece, on: before, at: span)
    let totals = try sum((trainable, nonTrainable), layer, sign: 1, at: span)
    layers.append(layer)
    (trainable, nonTrainable) = totals
    record(.insert(at: layers.count - 1, built.piece))
    return EditOutcome(kind: .added, index: layers.count, layer: layer)
  }

  /// Inserts so that the new layer becomes layer `index` (1-based; one past the last appends).
  public mutating func insert(_ built: BuiltLayer, at index: Int, span: Span, indexSpan: Span)
    throws(ParamCalcError) -> EditOutcome
  {
    guard index >= 1 && index <= layers.count + 1 else {
      throw .indexOutOfRange(index, count: layers.count, at: indexSpan, allowsOnePast: true)
    }
    let piece = built.piece
    if let shape = built.inputShape {
      if layers.isEmpty && index == 1 {
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
    guard index >= 1 && index <= layers.count else {
      throw .indexOutOfRange(index, count: layers.count, at: span, allowsOnePast: false)
    }
    let l = layers[index - 1]
    return try commit(.remove(at: index - 1, l.piece), at: span)
  }

  /// Changes arguments of layer `index`: each given key replaces the same key, others are added.
  public mutating func set(_ index: Int, arguments: [Argument], indexSpan: Span, span: Span)
    throws(ParamCalcError) -> EditOutcome
  {
    guard index >= 1 && index <= layers.count else {
      throw .indexOutOfRange(index, count: layers.count, at: indexSpan, allowsOnePast: false)
    }
    let old = layers[index - 1]
    if let a = arguments.first(where: { $0.key == "input_shape" }) {
      throw .invalidValue(
        argument: "input_shape", message: "change the model input with 'input DIMS'", at: a.span)
    }
    var request = old.spec.request
    request.typeSpan = indexSpan
    if request.inner != nil { request.innerSpan = indexSpan }
    for i in request.arguments.indices {
      request.arguments[i].span = indexSpan
      request.arguments[i].valueSpan = indexSpan
    }
    for a in arguments {
      if let i = request.arguments.firstIndex(where: { $0.key == a.key }) {
        request.arguments[i] = a
      } else {
        request.arguments.append(a)
      }
    }
    let built = try catalog.build(request, end: Span(span.end, span.end + 1))
    let piece = built.piece
    if piece.spec == old.spec {
      return EditOutcome(kind: .changed, index: index, layer: old)
    }
    return try commit(
      .replace(at: index - 1, old: old.piece, new: piece), at: span)
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

  var pieces: [Piece] { layers.map(\.piece) }

  public mutating func undo(at span: Span) throws(ParamCalcError) -> EditOutcome {
    guard let e = undoStack.last else { throw .nothingTo("undo", at: span) }
    let outcome = try apply(e.inverse, at: span)
    undoStack.removeLast()
    redoStack.append(e)
    return outcome
  }

  public mutating func redo(at span: Span) throws(ParamCalcError) -> EditOutcome {
    guard let e = redoStack.last else { throw .nothingTo("redo", at: span) }
    let outcome = try apply(e, at: span)
    redoStack.removeLast()
    undoStack.append(e)
    return outcome
  }

  mutating func commit(_ e: Edit, at span: Span) throws(ParamCalcError) -> EditOutcome {
    let outcome = try apply(e, at: span)
    record(e)
    return outcome
  }

  /// Records an edit that has been applied: it can be undone, and nothing is left to redo.
  mutating func record(_ e: Edit) {
    undoStack.append(e)
    if !redoStack.isEmpty { redoStack.removeAll() }
  }

  // MARK: applying an edit

  /// Applies an edit whole, or throws and leaves everything as it was.
  mutating func apply(_ e: Edit, at span: Span) throws(ParamCalcError) -> EditOutcome {
    switch e {
    case .insert(let i, let p):
      guard let before = shapeBefore(i) else { throw .noInputShape(at: span) }
      let first = try inferNew(p, on: before, at: span)
      let chain = try relink(from: i, entering: first.output, at: span)
      let totals = try totalsAfter(
        adding: first, removing: nil, chain: chain, chainStart: i, at: span)
      layers.insert(first, at: i)
      write(chain, startingAt: i + 1, totals: totals)
      let kind: EditOutcome.Kind = i == layers.count - 1 ? .added : .inserted
      return EditOutcome(kind: kind, index: i + 1, layer: layers[i], reinferred: chain.count)
    case .remove(let i, _):
      let removed = layers[i]
      var chain: [ModelLayer] = []
      if let before = shapeBefore(i) { chain = try relink(from: i + 1, entering: before, at: span) }
      let totals = try totalsAfter(
        adding: nil, removing: removed, chain: chain, chainStart: i + 1, at: span)
      layers.remove(at: i)
      write(chain, startingAt: i, totals: totals)
      return EditOutcome(kind: .removed, index: i + 1, layer: removed, reinferred: chain.count)
    case .replace(let i, _, let p):
      guard let before = shapeBefore(i) else { throw .noInputShape(at: span) }
      let new = try inferNew(p, on: before, at: span)
      let chain = try relink(from: i + 1, entering: new.output, at: span)
      let totals = try totalsAfter(
        adding: new, removing: layers[i], chain: chain, chainStart: i + 1, at: span)
      layers[i] = new
      write(chain, startingAt: i + 1, totals: totals)
      return EditOutcome(kind: .changed, index: i + 1, layer: new, reinferred: chain.count)
    case .input(_, let new):
      guard let new else {
        // Undoing the first `input`: layers cannot exist without one, so there are none.
        input = nil
        return EditOutcome(kind: .input)
      }
      let chain = try relink(from: 0, entering: new, at: span)
      let totals = try totalsAfter(
        adding: nil, removing: nil, chain: chain, chainStart: 0, at: span)
      input = new
      write(chain, startingAt: 0, totals: totals)
      return EditOutcome(kind: .input, reinferred: chain.count)
    case .reset(_, _, let newInput, let new, let kind):
      var rebuilt: [ModelLayer] = []
      rebuilt.reserveCapacity(new.count)
      var totals = (0, 0)
      var shape = newInput
      for p in new {
        guard let s = shape else { throw .noInputShape(at: span) }
        let l = try inferNew(p, on: s, at: span)
        totals = try sum(totals, l, sign: 1, at: span)
        rebuilt.append(l)
        shape = l.output
      }
      input = newInput
      layers = rebuilt
      (trainable, nonTrainable) = totals
      return EditOutcome(kind: kind, index: layers.isEmpty ? nil : layers.count, layer: layers.last)
    }
  }

  /// `totals` plus (or minus) a layer's counts, overflow-checked: the total must fit too.
  func sum(_ totals: (Int, Int), _ i: ModelLayer, sign: Int, at span: Span) throws(ParamCalcError)
    -> (Int, Int)
  {
    do {
      let t = try Checked.add(totals.0, try Checked.multiply(sign, i.trainable))
      let nt = try Checked.add(totals.1, try Checked.multiply(sign, i.nonTrainable))
      _ = try Checked.add(t, nt)
      return (t, nt)
    } catch {
      throw .overflow("the model's total parameter count", at: span)
    }
  }

  /// The totals after an edit, checked before anything changes.
  func totalsAfter(
    adding new: ModelLayer?, removing old: ModelLayer?, chain: [ModelLayer], chainStart: Int,
    at span: Span
  ) throws(ParamCalcError) -> (Int, Int) {
    var totals = (trainable, nonTrainable)
    if let old { totals = try sum(totals, old, sign: -1, at: span) }
    if let new { totals = try sum(totals, new, sign: 1, at: span) }
    for (k, l) in chain.enumerated() {
      totals = try sum(totals, layers[chainStart + k], sign: -1, at: span)
      totals = try sum(totals, l, sign: 1, at: span)
    }
    return totals
  }

  /// Writes re-inferred layers into place from `startingAt` on, and the new totals.
  mutating func write(_ chain: [ModelLayer], startingAt: Int, totals: (Int, Int)) {
    for (k, l) in chain.enumerated() { layers[startingAt + k] = l }
    (trainable, nonTrainable) = totals
  }

  /// Builds a layer at a position: its inference on `shape`, or Keras's refusal.
  mutating func inferNew(_ p: Piece, on shape: Shape, at span: Span) throws(ParamCalcError)
    -> ModelLayer
  {
    // The same definition on the same input infers the same layer: reuse it.
    let slot = Int(
      truncatingIfNeeded: UInt(bitPattern: ObjectIdentifier(p).hashValue) % UInt(Session.memoSlots))
    if let m = memo[slot], m.piece === p, m.input == shape { return m }
    let inference: Inference
    do {
      inference = try p.model.infer(shape)
    } catch {
      switch error {
      case .reason(let r): throw .refused(layer: p.model.typeName, reason: r, at: span)
      case .overflow(let what): throw .overflow(what, at: span)
      }
    }
    let layer = ModelLayer(piece: p, input: shape, inference: inference)
    memo[slot] = layer
    return layer
  }

  /// Re-infers layers from `start` on, given the shape that now enters it, without changing
  /// anything. Stops at the first layer whose input is unchanged (everything after it is too).
  mutating func relink(from start: Int, entering first: Shape, at span: Span) throws(ParamCalcError)
    -> [ModelLayer]
  {
    var out: [ModelLayer] = []
    var shape = first
    var i = start
    while i < layers.count {
      let l = layers[i]
      if l.input == shape { break }
      do {
        let new = try inferNew(l.piece, on: shape, at: span)
        out.append(new)
        shape = new.output
      } catch {
        if case .refused(let layer, let reason, _) = error {
          throw .breaksLayer(index: i + 1, layer: layer, reason: reason, at: span)
        }
        throw error
      }
      i += 1
    }
    return out
  }
}
