/// A layer definition independent of where it stands: immutable, shared by the model and its
/// undo history.
final class Piece: Sendable {
  let spec: LayerSpec
  let model: any LayerModel
  let inert: [Argument]
  let typeName: String
  /// Whether the layer has `as` or `from`, or is a named input: the model is then a graph
  /// (worked out once here: `add` asks it of every layer).
  let isWired: Bool
  /// Whether the layer returns its states after its output (`return_state=true`): it is then
  /// read in a graph only (asked of every layer, so worked out once here).
  let returnsStates: Bool

  init(spec: LayerSpec, model: any LayerModel, inert: [Argument]) {
    self.spec = spec
    self.model = model
    self.inert = inert
    typeName = model.typeName
    isWired = spec.name != nil || spec.sources != nil || model is InputLayerModel
    returnsStates = model.returnsStates
  }
}

/// A layer of the model as the outside sees it: what was asked for, the built layer, its shapes
/// and counts. A value: renderers and edit outcomes hold it, not a reference into the session.
public struct ModelLayer: Sendable {
  /// A definition on an input shape and what it infers there. Immutable, and made once per pair
  /// (see `LayerStore`): every layer of a model that is the same definition on the same input
  /// shares it, and passing a layer around is passing one reference.
  final class Storage: Sendable {
    let piece: Piece
    let input: Shape
    let output: Shape
    let trainable: Int
    let nonTrainable: Int
    /// For a layer that reads several tensors (a merge): all their shapes (`input` is the
    /// first); empty for a layer that reads one.
    let inputs: [Shape]

    init(
      piece: Piece, input: Shape, output: Shape, trainable: Int, nonTrainable: Int,
      inputs: [Shape] = []
    ) {
      self.piece = piece
      self.input = input
      self.output = output
      self.trainable = trainable
      self.nonTrainable = nonTrainable
      self.inputs = inputs
    }
  }

  let storage: Storage

  init(_ storage: Storage) { self.storage = storage }

  init(
    piece: Piece, input: Shape, output: Shape, trainable: Int, nonTrainable: Int,
    inputs: [Shape] = []
  ) {
    storage = Storage(
      piece: piece, input: input, output: output, trainable: trainable, nonTrainable: nonTrainable,
      inputs: inputs)
  }

  /// What was asked for and the built layer, shared (not copied) by the undo history.
  var piece: Piece { storage.piece }
  public var spec: LayerSpec { piece.spec }
  public var model: any LayerModel { piece.model }
  /// Arguments accepted that affect neither count nor shape.
  public var inert: [Argument] { piece.inert }
  public var input: Shape { storage.input }
  /// Every tensor the layer reads: its input, or a merge's inputs.
  public var inputs: [Shape] { storage.inputs.isEmpty ? [storage.input] : storage.inputs }
  public var output: Shape { storage.output }
  /// Counts with `trainable=false` applied.
  public var trainable: Int { storage.trainable }
  public var nonTrainable: Int { storage.nonTrainable }

  public var typeName: String { piece.typeName }
  public var params: Int { trainable + nonTrainable }

  /// The states the layer returns after its output (`return_state=true`), read as `NAME.h`.
  public var states: [LayerState] { piece.returnsStates ? model.states(on: input) : [] }

  /// Every tensor the layer returns, as Keras's summary shows them: its output, or
  /// `[(None, 16), (None, 16), (None, 16)]` for an LSTM with its two states.
  public var outputsDescription: String {
    let states = self.states
    guard !states.isEmpty else { return output.description }
    return "[" + ([output] + states.map(\.shape)).map(\.description).joined(separator: ", ") + "]"
  }

  /// The weight variables and counts. Only counts and shapes are kept per layer (a model can
  /// have millions of layers); the weights are inferred again, identically, when shown.
  public var inference: Inference {
    // A layer called again (`reuse N`) has no weights of its own: they are layer N's.
    if spec.reuses != nil, let i = try? Inference(output: output) { return i }
    let inferred: Inference?
    if let merge = model as? any MergeModel {
      inferred = try? merge.infer(inputs: inputs)
    } else {
      inferred = try? model.infer(input)
    }
    guard let i = inferred else {
      preconditionFailure("a layer's inference changed")
    }
    return spec.trainable ? i : i.frozen()
  }

  /// Which arguments were given (the rest are defaults), for explanations.
  public var given: Given { Given(Set(spec.arguments.map(\.key))) }

  /// The explanation of this layer's count.
  public var explanation: Explanation {
    if let n = spec.reuses {
      let own =
        (model as? any MergeModel)?.explain(inputs: inputs, inference, given)
        ?? model.explain(input, (try? model.infer(input)) ?? inference, given)
      return .noWeights(
        "This is layer #\(n) called again: its weights are layer #\(n)'s, and Keras counts them once, there (a model that calls a layer twice has its weights once).",
        shapeRule: own.shapeRule)
    }
    if let merge = model as? any MergeModel {
      return merge.explain(inputs: inputs, inference, given)
    }
    return model.explain(input, inference, given)
  }
}

/// The layers of a model, first to last, as a collection of `ModelLayer`.
public struct Layers: RandomAccessCollection, Sendable {
  /// The session's layers as kept in its store (see `LayerStore`).
  private let rows: [PlacementID]
  private let store: LayerStore

  init(_ rows: [PlacementID], in store: LayerStore) {
    self.rows = rows
    self.store = store
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { rows.count }

  public subscript(i: Int) -> ModelLayer { store.layer(rows[i]) }
}
