/// Text made from a layer, remembered for recent layers. What a layer shows depends only on its
/// definition and the shape entering it (the output and the counts follow from those), so a long
/// script of a few kinds of layers formats each kind once. 64 slots; an entry holds its
/// definition, so no other can take its identity, and compares the input shape by value, so the
/// cache gives the same text whichever session the layer comes from.
struct LayerTextCache: Sendable {
  final class Entry: Sendable {
    let piece: Piece
    let input: Shape
    let bytes: [UInt8]
    init(piece: Piece, input: Shape, bytes: [UInt8]) {
      self.piece = piece
      self.input = input
      self.bytes = bytes
    }
  }

  /// Two ways per slot pair: two kinds of layer that meet in a slot (a layer changed back and
  /// forth by `set`, say) are both kept. The most recent is at the even index.
  var entries: [Entry?] = Array(repeating: nil, count: 64)

  /// The text remembered for `p` (a layer of `s`), if any.
  func lookup(_ p: Placement, in s: Session) -> [UInt8]? {
    let way = p.piece.slot(on: p.input) & ~1
    for i in way...way + 1 {
      if let e = entries[i], e.piece === p.piece, e.input == s.shapes[p.input] { return e.bytes }
    }
    return nil
  }

  mutating func store(_ p: Placement, in s: Session, _ bytes: [UInt8]) {
    let way = p.piece.slot(on: p.input) & ~1
    entries[way + 1] = entries[way]
    entries[way] = Entry(piece: p.piece, input: s.shapes[p.input], bytes: bytes)
  }
}
