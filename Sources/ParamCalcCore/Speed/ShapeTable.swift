/// The number of a shape in a `ShapeTable`.
struct ShapeID: Equatable, Sendable {
  var raw: Int
}

/// Each distinct shape a `LayerStore` has seen, stored once. Layers refer to their shapes by number,
/// so a layer record holds no reference to count, and comparing two shapes is comparing two
/// integers (the table never holds the same shape twice). Append-only: a number, once given,
/// always means the same shape.
struct ShapeTable: Sendable {
  private(set) var shapes: [Shape] = []
  private var ids: [Shape: ShapeID] = [:]

  /// The number of `shape`, given a new one if it was not seen before.
  mutating func intern(_ shape: Shape) -> ShapeID {
    if let id = ids[shape] { return id }
    let id = ShapeID(raw: shapes.count)
    shapes.append(shape)
    ids[shape] = id
    return id
  }

  subscript(id: ShapeID) -> Shape { shapes[id.raw] }
}
