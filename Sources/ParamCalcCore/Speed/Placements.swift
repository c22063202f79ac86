/// The number of a placement in a `PlacementTable`.
struct PlacementID: Equatable, Sendable {
  var raw: Int32
  static let none = PlacementID(raw: -1)
}

/// A layer definition placed on an input shape, and what it infers there: its output shape and
/// its counts with `trainable=false` applied (the layer, made once), and the numbers of its
/// shapes. The same definition on the same input always infers the same, so a model of a
/// million layers made of a few kinds holds a few placements and a million numbers.
struct Placement: Sendable {
  let layer: ModelLayer
  let input: ShapeID
  let output: ShapeID

  var piece: Piece { layer.piece }
  var trainable: Int { layer.trainable }
  var nonTrainable: Int { layer.nonTrainable }
}

/// Every placement a `LayerStore` has made, each stored once and found again by definition and
/// input. Append-only: a number, once given, always means the same placement. The table holds
/// its definitions, so no other can take their identity while it is a key.
struct PlacementTable: Sendable {
  private(set) var all: [Placement] = []
  private var index: [Key: PlacementID] = [:]
  /// The last placement found in each of 64 slots: a repeated definition is found without hashing.
  private var recent = Array(repeating: PlacementID.none, count: 64)

  struct Key: Hashable {
    let piece: ObjectIdentifier
    let input: Int
  }

  subscript(id: PlacementID) -> Placement { all[Int(id.raw)] }

  /// The placement of `piece` on `input`, if it was inferred before.
  mutating func find(_ piece: Piece, on input: ShapeID) -> PlacementID? {
    let slot = piece.slot(on: input)
    let r = recent[slot]
    if r.raw >= 0 && all[Int(r.raw)].piece === piece && all[Int(r.raw)].input == input { return r }
    guard let id = index[Key(piece: ObjectIdentifier(piece), input: input.raw)] else { return nil }
    recent[slot] = id
    return id
  }

  /// Stores a placement not stored before, and gives its number.
  mutating func add(_ p: Placement) -> PlacementID {
    precondition(all.count < Int(Int32.max), "more placements than a table can number")
    let id = PlacementID(raw: Int32(all.count))
    all.append(p)
    index[Key(piece: ObjectIdentifier(p.piece), input: p.input.raw)] = id
    recent[p.piece.slot(on: p.input)] = id
    return id
  }
}

extension Piece {
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
