/// Where a session's layers are kept: a definition placed on an input shape, interned once.
///
/// Each definition is held once per distinct spec, each shape once (`ShapeTable`), and each
/// definition on each input once with what it infers there (`PlacementTable`): a model of a
/// million layers of a few kinds holds a few placements and a million numbers. The session
/// keeps those numbers as handles (`PlacementID`, `ShapeID`) and asks the store for values:
/// intern a shape, look a placement up, place a definition on a shape, make a `ModelLayer`.
/// Append-only: a number, once given, always means the same thing.
struct LayerStore: Sendable {
  private var placements = PlacementTable()
  private var shapes = ShapeTable()
  /// One definition per distinct spec: layers built from the same text, or changed back and
  /// forth by `set`, share a definition (and its placements) instead of each holding a copy.
  private var definitions: [LayerSpec: Piece] = [:]

  /// The definition held for `piece`'s spec: an identical earlier one, or `piece` itself.
  mutating func definition(_ piece: Piece) -> Piece {
    if let known = definitions[piece.spec] { return known }
    definitions[piece.spec] = piece
    return piece
  }

  /// The number of `shape`, given a new one if it was not seen before.
  mutating func intern(_ shape: Shape) -> ShapeID { shapes.intern(shape) }

  subscript(shape id: ShapeID) -> Shape { shapes[id] }

  subscript(id: PlacementID) -> Placement { placements[id] }

  /// The placement of `piece` on the shape numbered `input`, if it was placed there before.
  mutating func placement(of piece: Piece, on input: ShapeID) -> PlacementID? {
    placements.find(piece, on: input)
  }

  /// Places `piece` on the shape numbered `input` (not placed there before), with what it
  /// infers there: its output shape and counts.
  /// (`inputs`: a merge's inputs, the first being `input`; such a placement is made anew each
  /// time, as it is not found again by its first input alone.)
  mutating func place(
    _ piece: Piece, on input: ShapeID, output: Shape, trainable: Int, nonTrainable: Int,
    inputs: [ShapeID] = []
  ) -> PlacementID {
    let inputShape = shapes[input]
    let out = output == inputShape ? input : shapes.intern(output)
    let layer = ModelLayer(
      piece: piece, input: inputShape, output: shapes[out], trainable: trainable,
      nonTrainable: nonTrainable, inputs: inputs.map { shapes[$0] })
    return placements.add(Placement(layer: layer, input: input, output: out))
  }

  /// The layer placement `id` stands for, as the outside sees it.
  func layer(_ id: PlacementID) -> ModelLayer { placements[id].layer }

  /// How many definitions, placements and shapes are held (tests check that they are few).
  var sizes: (definitions: Int, placements: Int, shapes: Int) {
    (definitions.count, placements.all.count, shapes.shapes.count)
  }
}
