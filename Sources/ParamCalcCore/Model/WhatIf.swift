/// What-if: `try` an edit on a copy of the session and see its effect (`keep` applies it),
/// `snapshot NAME` keeps the model under a name, and `compare NAME|FILE` shows the differences
/// between the model now and a snapshot or a saved script.
///
/// Nothing here mutates the model and undoes: an edit is tried on a copy of the `Session` (a
/// value), and `keep` takes that copy as the model, so keeping is exactly doing the edit.
public struct WhatIf: Sendable {
  /// The models kept with `snapshot NAME`, by name.
  var snapshots: [String: Session] = [:]
  /// The last edit tried, if any.
  var tried: Tried?

  /// An edit applied to a copy: the copy, and the session's fingerprint when it was tried
  /// (`keep` refuses when the model has changed since).
  struct Tried: Sendable {
    let session: Session
    let fingerprint: String
    let command: String
    /// The edit's outcome on the copy, which `keep` reports.
    let outcome: EditOutcome
  }

  public init() {}

  /// The snapshot names, sorted.
  public var names: [String] { snapshots.keys.sorted() }
}

/// What a what-if command shows.
public enum WhatIfReport: Sendable {
  /// `try`: the edit's effect, not applied.
  case tried(command: String, EditOutcome, ModelDiff)
  /// `snapshot NAME`: the model kept; `replaced` when the name held another before.
  case snapshot(name: String, layers: Int, total: Int, replaced: Bool)
  /// `compare NAME|FILE`: `against` is a snapshot's name or the file's path.
  case compared(against: String, isFile: Bool, ModelDiff)

  /// The command that gave it.
  public var command: String {
    switch self {
    case .tried: return CommandKind.tryEdit.name
    case .snapshot: return CommandKind.snapshot.name
    case .compared: return CommandKind.compare.name
    }
  }
}

/// A layer as a what-if shows it: its number, type, counts, shapes and definition.
public struct LayerSide: Sendable, Equatable {
  public let index: Int
  public let type: String
  public let trainable: Int
  public let nonTrainable: Int
  public let input: Shape
  public let output: Shape
  /// The line that defines it (`dense units=64`).
  public let script: String
  public var params: Int { trainable + nonTrainable }

  init(_ index: Int, _ l: ModelLayer) {
    self.index = index
    type = l.typeName
    trainable = l.trainable
    nonTrainable = l.nonTrainable
    input = l.input
    output = l.output
    script = l.spec.script
  }

  /// Whether the other side differs in anything shown (type, counts, shapes, definition).
  func differs(from o: LayerSide) -> Bool {
    type != o.type || trainable != o.trainable || nonTrainable != o.nonTrainable
      || input != o.input || output != o.output || script != o.script
  }
}

/// One row of a difference: a layer before and after (nil: it is not on that side).
public struct LayerDiff: Sendable, Equatable {
  public enum Change: String, Sendable {
    /// On both sides and different.
    case changed
    /// `try insert`: the new layer.
    case inserted
    /// `try remove`, or a layer of the snapshot past the last layer now.
    case removed
    /// A layer now past the last layer of the snapshot (or `try add`).
    case added
  }
  public let change: Change
  public let before: LayerSide?
  public let after: LayerSide?
}

/// The differences between two models, layer by layer and in their totals (and, where both can
/// be estimated, in the memory `memory` estimates with its defaults).
public struct ModelDiff: Sendable {
  public let rows: [LayerDiff]
  public let layersBefore: Int
  public let layersAfter: Int
  public let inputBefore: Shape?
  public let inputAfter: Shape?
  public let trainableBefore: Int
  public let trainableAfter: Int
  public let nonTrainableBefore: Int
  public let nonTrainableAfter: Int
  /// `memory`'s total (float32, batch 1, adam) before and after; nil where it cannot be made
  /// without `length=N` (an axis of unknown size), or for a model without layers.
  public let memoryBefore: Int?
  public let memoryAfter: Int?

  public var totalBefore: Int { trainableBefore + nonTrainableBefore }
  public var totalAfter: Int { trainableAfter + nonTrainableAfter }
  /// No layer, input or total differs.
  public var identical: Bool {
    rows.isEmpty && inputBefore == inputAfter && trainableBefore == trainableAfter
      && nonTrainableBefore == nonTrainableAfter
  }

  /// `before` and `after` with layer `i` of `before` (0-based) matched to layer `match(i)` of
  /// `after` (nil: removed); a layer of `after` that nothing matches was added (or inserted, by
  /// `inserted`). A pair is listed when it differs, or when it is layer `always` (1-based, after).
  init(
    before b: Session, after a: Session, match: (Int) -> Int?, inserted: Bool = false,
    always: Int? = nil
  ) {
    var rows: [LayerDiff] = []
    var matched = Array(repeating: false, count: a.count)
    // Each pair with where it stands: a layer after at its index; a removed layer before the
    // layer after that follows the last matched layer before it.
    var pairs: [(key: (Int, Int), i: Int?, j: Int?)] = []
    var previous = -1
    for i in 0..<b.count {
      if let j = match(i), j < a.count {
        matched[j] = true
        pairs.append(((j, 1), i, j))
        previous = j
      } else {
        pairs.append(((previous + 1, 0), i, nil))
      }
    }
    for j in 0..<a.count where !matched[j] { pairs.append(((j, 1), nil, j)) }
    pairs.sort { $0.key < $1.key }
    for (_, i, j) in pairs {
      let before = i.map { LayerSide($0 + 1, b.layers[$0]) }
      let after = j.map { LayerSide($0 + 1, a.layers[$0]) }
      switch (before, after) {
      case (let x?, let y?):
        if x.differs(from: y) || always == y.index {
          rows.append(LayerDiff(change: .changed, before: x, after: y))
        }
      case (let x?, nil): rows.append(LayerDiff(change: .removed, before: x, after: nil))
      case (nil, let y?):
        rows.append(LayerDiff(change: inserted ? .inserted : .added, before: nil, after: y))
      default: break
      }
    }
    self.rows = rows
    layersBefore = b.count
    layersAfter = a.count
    inputBefore = b.input
    inputAfter = a.input
    trainableBefore = b.trainable
    trainableAfter = a.trainable
    nonTrainableBefore = b.nonTrainable
    nonTrainableAfter = a.nonTrainable
    memoryBefore = ModelDiff.memory(b)
    memoryAfter = ModelDiff.memory(a)
  }

  /// Two models with their layers matched by index: layer N with layer N.
  public init(byIndex before: Session, _ after: Session) {
    self.init(before: before, after: after, match: { $0 })
  }

  /// The memory `memory` estimates with its defaults, when it can.
  static func memory(_ s: Session) -> Int? {
    guard s.count > 0 else { return nil }
    return try? MemoryReport(s, MemoryOptions(), at: Span(0, 0)).total
  }
}

extension Interpreter {
  /// `try EDIT`: the edit applied to a copy of the session, compared with the model as it is;
  /// the model is unchanged. A refused edit throws Keras's refusal, and forgets an earlier try.
  mutating func tryEdit(_ edit: Command, lineLength: Int) throws(ParamCalcError) -> WhatIfReport {
    whatIf.tried = nil
    var copy = Interpreter(session: session)
    let response = try copy.execute(edit, lineLength: lineLength)
    guard case .edit(let name, let outcome) = response else {
      preconditionFailure("'try' takes an edit")
    }
    let diff: ModelDiff
    switch edit {
    case .insert(let n, _, _):
      // Layers from N on are one further along; the new layer is N.
      let n0 = n - 1
      diff = ModelDiff(
        before: session, after: copy.session, match: { $0 >= n0 ? $0 + 1 : $0 }, inserted: true)
    case .remove(let n, _):
      let n0 = n - 1
      diff = ModelDiff(
        before: session, after: copy.session, match: { $0 == n0 ? nil : $0 > n0 ? $0 - 1 : $0 })
    case .set(let n, _, _):
      diff = ModelDiff(before: session, after: copy.session, match: { $0 }, always: n)
    default:
      diff = ModelDiff(before: session, after: copy.session, match: { $0 })
    }
    whatIf.tried = WhatIf.Tried(
      session: copy.session, fingerprint: session.fingerprint, command: name, outcome: outcome)
    return .tried(command: name, outcome, diff)
  }

  /// `keep`: the last tried edit, applied (the session the try made becomes the model). Refused
  /// when nothing was tried, or when the model changed after the try.
  mutating func keep(at span: Span) throws(ParamCalcError) -> Response {
    guard let tried = whatIf.tried else {
      throw .nothingTo(
        "keep: no edit was tried, or the last one tried was refused ('try 2 units=64', "
          + "'try insert 2 dropout rate=0.5' or 'try remove 2' first)", at: span)
    }
    guard tried.fingerprint == session.fingerprint else {
      whatIf.tried = nil
      throw .syntax(
        "the model changed after the 'try': the tried edit is not applied", at: span,
        hint: "try it again on the model as it is now, then 'keep'")
    }
    session = tried.session
    whatIf.tried = nil
    return .edit(command: CommandKind.keep.name, tried.outcome)
  }

  /// `snapshot NAME`: the model kept under NAME (in this session only).
  mutating func snapshot(_ name: String) -> WhatIfReport {
    let replaced = whatIf.snapshots[name] != nil
    whatIf.snapshots[name] = session
    return .snapshot(name: name, layers: session.count, total: session.total, replaced: replaced)
  }

  /// `compare NAME|FILE`: a snapshot's name compares with it; a name with a dot or a slash (or
  /// quoted) is a saved script, which the executable reads (`Response.compareFile`).
  func compare(_ target: FileName, quoted: Bool, at span: Span) throws(ParamCalcError)
    -> Response
  {
    let text = target.description
    if let snap = whatIf.snapshots[text] {
      return .whatIf(.compared(against: text, isFile: false, ModelDiff(byIndex: snap, session)))
    }
    if quoted || target.bytes.contains(UInt8(ascii: "."))
      || target.bytes.contains(UInt8(ascii: "/"))
    {
      return .compareFile(path: target, at: span)
    }
    let names = whatIf.names
    let near = Suggestion.nearest(to: text, in: names)
    let list =
      names.isEmpty
      ? "no snapshot is kept yet ('snapshot \(text)' keeps the model under that name)"
      : "the snapshots are " + names.map { "'\($0)'" }.joined(separator: ", ")
    throw .syntax(
      "no snapshot named '\(text)'", at: span,
      hint: (near.map { "did you mean '\($0)'? " } ?? "") + list
        + "; a saved script is named with its extension: 'compare \(text).pc'")
  }

  /// `compare FILE`: the model a script builds (run on a model of its own, as `load` runs it)
  /// compared with the model now, layer by layer by index. The model is unchanged.
  public func compare(with loader: Loader) -> Response {
    .whatIf(
      .compared(
        against: loader.path, isFile: true, ModelDiff(byIndex: loader.fresh.session, session)))
  }
}
