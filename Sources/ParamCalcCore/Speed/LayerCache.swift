/// Something made from a layer (its text, its summary cells), remembered for recent layers.
/// What a layer shows depends only on its definition and the shape entering it (the output and
/// the counts follow from those), so a long script of a few kinds of layers makes each kind's
/// once. 64 slots; an entry holds its definition, so no other can take its identity, and
/// compares the input shape by value, so the cache gives the same whichever session the layer
/// comes from.
struct LayerCache<Value: Sendable>: Sendable {
  final class Entry: Sendable {
    let piece: Piece
    let input: Shape
    let value: Value
    init(piece: Piece, input: Shape, value: Value) {
      self.piece = piece
      self.input = input
      self.value = value
    }
  }

  /// Two ways per slot pair: two kinds of layer that meet in a slot (a layer changed back and
  /// forth by `set`, say, or a definition on two inputs) are both kept. The most recent is at
  /// the even index.
  var entries: [Entry?] = Array(repeating: nil, count: 64)

  /// The even slot of the pair for `l`, from its definition's identity alone: this is looked up
  /// once per line, and a definition mostly stands on one input (two fit in the pair).
  static func way(_ l: ModelLayer) -> Int { l.piece.slot & 62 }

  /// The value remembered for `l`, if any.
  func lookup(_ l: ModelLayer) -> Value? {
    let way = Self.way(l)
    for i in way...way + 1 {
      if let e = entries[i], e.piece === l.piece, e.input == l.input { return e.value }
    }
    return nil
  }

  mutating func store(_ l: ModelLayer, _ value: Value) {
    let way = Self.way(l)
    entries[way + 1] = entries[way]
    entries[way] = Entry(piece: l.piece, input: l.input, value: value)
  }
}

/// The text of recent layers' lines (or JSON objects), by definition and input.
typealias LayerTextCache = LayerCache<[UInt8]>

/// Values made from layers during one pass over a model (the summary's cells), each made once
/// per definition on an input: a recent one is found in a `LayerCache` without hashing, others
/// in a table by definition and input. At most `limit` are kept; past that, values are made
/// again each time they are asked for (a model of as many distinct layers is not held twice).
struct LayerMemo<Value> {
  private var recent = LayerCache<Int>()
  private var index: [Key: Int] = [:]
  private var values: [Value] = []
  let limit: Int

  private struct Key: Hashable {
    let piece: ObjectIdentifier
    let input: Shape
  }

  init(limit: Int) { self.limit = limit }

  /// The value for `l`, made by `make` the first time. The layers must outlive the memo (their
  /// definitions' identities are its keys).
  mutating func value(for l: ModelLayer, make: (ModelLayer) -> Value) -> Value {
    if let k = recent.lookup(l) { return values[k] }
    let key = Key(piece: ObjectIdentifier(l.piece), input: l.input)
    if let k = index[key] {
      recent.store(l, k)
      return values[k]
    }
    let v = make(l)
    if values.count < limit {
      index[key] = values.count
      recent.store(l, values.count)
      values.append(v)
    }
    return v
  }
}
