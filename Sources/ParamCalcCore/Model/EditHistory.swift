/// Undo and redo: each edit is recorded as what it did (and its inverse is applied to take it
/// back), not as a copy of the model.
///
/// The run of appends (`appendRun`, and `Edit.appends` once buried) stays here, in the model's
/// history, rather than in `Speed/`: it is not a cache beside the history but the history itself
/// in compact form. Undoing one of the run removes the last layer, which holds its definition,
/// so the counter loses nothing an `.insert` entry would keep; and `undo`, `redo` and the
/// fingerprint must read it as part of the history, whatever keeps the layers.
extension Session {
  enum Edit: Sendable {
    case insert(at: Int, Piece)
    case remove(at: Int, Piece)
    indirect case replace(at: Int, old: Piece, new: Piece)
    case input(old: Shape?, new: Shape?)
    indirect case reset(
      oldInput: Shape?, old: [Piece], newInput: Shape?, new: [Piece], kind: EditOutcome.Kind,
      outputs: Outputs = Outputs())
    /// The model's outputs declared (`output a,b`), or taken back to the last layer (nil).
    case outputs(old: [LayerSource]?, new: [LayerSource]?)
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
      case .reset(let oi, let o, let ni, let n, let k, _):
        return
          "reset \(k) \(oi?.description ?? "-") \(o.count) => \(ni?.description ?? "-") \(n.count)"
      case .outputs(let old, let new):
        return "outputs \(Outputs.script(old)) => \(Outputs.script(new))"
      case .appends(let n): return "appends \(n)"
      }
    }

    var inverse: Edit {
      switch self {
      case .insert(let i, let p): return .remove(at: i, p)
      case .remove(let i, let p): return .insert(at: i, p)
      case .replace(let i, let old, let new): return .replace(at: i, old: new, new: old)
      case .input(let old, let new): return .input(old: new, new: old)
      case .reset(let oi, let o, let ni, let n, let k, let outs):
        return .reset(
          oldInput: ni, old: n, newInput: oi, new: o, kind: k,
          outputs: Outputs(old: outs.new, new: outs.old))
      case .outputs(let old, let new): return .outputs(old: new, new: old)
      case .appends: preconditionFailure("a run of appends is expanded before it is undone")
      }
    }
  }

  public var canUndo: Bool { appendRun > 0 || !undoStack.isEmpty }
  public var canRedo: Bool { !redoStack.isEmpty }

  /// How many edits `undo` can take back.
  var undoDepth: Int {
    undoStack.elements.reduce(appendRun) { n, e in
      if case .appends(let k) = e { return n + k }
      return n + 1
    }
  }

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

  /// Applies an edit and records it.
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
}

/// The outputs a whole-model edit (`clear`, `load`, `import`) finds and leaves: nil where they
/// are the last layer.
struct Outputs: Sendable {
  var old: [LayerSource]? = nil
  var new: [LayerSource]? = nil

  /// As the `output` line writes them, `-` for the last layer.
  static func script(_ o: [LayerSource]?) -> String {
    o.map { $0.map(\.script).joined(separator: ",") } ?? "-"
  }
}
