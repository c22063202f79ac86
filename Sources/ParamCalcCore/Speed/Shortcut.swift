/// What the shortcut of `Interpreter.run(bytes:)` remembers: layers built from the text after
/// `add ` or `insert N `, and what `set N REST` made of a definition.
struct Shortcuts: Sendable {
  /// Layers built from the text after `add ` or `insert N `, with where the type stands in it.
  var layers = LineCache<CachedLayer>()
  /// What `set N REST` made of a layer definition: the definition it changed to.
  var changes = LineCache<Piece>()

  struct CachedLayer: Sendable {
    let built: BuiltLayer
    /// Where the layer type stands, from the start of the cached text (errors point there).
    let typeSpan: Span
  }
}

extension Interpreter {
  /// Runs a line: one of a frequent form (`LineForm`) without the parser when its form needs
  /// none (`undo`, `redo`, `remove N`) or its layer text or change was seen before
  /// (`LineCache`); any other through `parse(bytes:built:)`, remembering what it built. The
  /// result is the same as parsing the line: the shortcut is taken only where the cached text is
  /// byte for byte the same, and every check the session makes (index, shapes, overflow) is made
  /// as before.
  mutating func shortcut(_ b: UnsafeBufferPointer<UInt8>) throws(ParamCalcError) -> Response? {
    let form = LineForm(b)
    let whole = Span(0, b.count)
    /// For `set N REST`: the definition of layer N before the change.
    var setOwner: Piece?
    switch form {
    case .undo: return .edit(command: "undo", try session.undo(at: whole))
    case .redo: return .edit(command: "redo", try session.redo(at: whole))
    case .remove(let n, let span):
      return .edit(command: "remove", try session.remove(at: n, span: span))
    case .add(let r):
      if let hit = shortcuts.layers.lookup(Self.rest(b, r)) {
        return .edit(
          command: "add",
          try session.add(hit.payload.built, at: hit.payload.typeSpan.shifted(by: r)))
      }
    case .insert(let n, let span, let r):
      if let hit = shortcuts.layers.lookup(Self.rest(b, r)) {
        return .edit(
          command: "insert",
          try session.insert(
            hit.payload.built, at: n, span: hit.payload.typeSpan.shifted(by: r), indexSpan: span))
      }
    case .set(let n, _, let r):
      if let owner = session.definition(ofLayer: n) {
        if let hit = shortcuts.changes.lookup(Self.rest(b, r), owner: owner) {
          return .edit(command: "set", try session.set(n, to: hit.payload, at: whole))
        }
        setOwner = owner
      }
    case .other: break
    }
    var built: BuiltLayer?
    guard let (command, response) = try parse(bytes: b, built: &built) else { return nil }
    // Remembers what the parser and the session made of the line.
    switch (form, command) {
    case (.add(let r), .add(let request)), (.insert(_, _, let r), .insert(_, _, let request)):
      if let built {
        shortcuts.layers.store(
          Self.rest(b, r),
          Shortcuts.CachedLayer(built: built, typeSpan: request.typeSpan.shifted(by: -r)))
      }
    case (.set(_, _, let r), _):
      if let setOwner, case .edit(_, let outcome) = response, let changed = outcome.layer {
        shortcuts.changes.store(Self.rest(b, r), owner: setOwner, changed.piece)
      }
    default: break
    }
    return response
  }

  /// The bytes of a line from offset `from` on.
  static func rest(_ b: UnsafeBufferPointer<UInt8>, _ from: Int) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[from...])
  }
}
