/// Terminal styling: ANSI sequences on a colour terminal, nothing otherwise.
public struct Style: Sendable {
  public var type = ""
  public var number = ""
  public var dim = ""
  public var error = ""
  public var hint = ""
  public var reset = ""

  public static let plain = Style()
  public static let ansi = Style(
    type: "\u{1B}[1;36m", number: "\u{1B}[1m", dim: "\u{1B}[2m", error: "\u{1B}[1;31m",
    hint: "\u{1B}[1;32m", reset: "\u{1B}[0m")

  func type(_ s: String) -> String { type.isEmpty ? s : type + s + reset }
  func number(_ s: String) -> String { number.isEmpty ? s : number + s + reset }
  func dim(_ s: String) -> String { dim.isEmpty ? s : dim + s + reset }
}

/// The human-readable output of each response.
public struct TextRenderer: Sendable {
  /// Fixed for the renderer's life: remembered line fragments are styled with it.
  public let style: Style
  /// The middle of recent layer lines (`Dense  out (None, 64)   4,160 params   total `).
  var fragments = LayerCache<Fragment>()
  /// A fragment's bytes, and how many of them take no column (styling, UTF-8 continuation
  /// bytes): a line's width is then known without reading it again.
  struct Fragment: Sendable {
    let bytes: [UInt8]
    let hidden: Int
  }
  /// The text of re-inferred layers' lines under an edit, by the layer before and after.
  var changeTexts: [ChangeKey: ChangeText] = [:]
  struct ChangeKey: Hashable, Sendable {
    let before: ObjectIdentifier
    let beforeInput: Shape
    let after: ObjectIdentifier
    let afterInput: Shape
  }
  struct ChangeText: Sendable {
    let pieces: [Piece]
    /// ` Dense  584 → 1,160 params   out (None, 8) → (None, 16): its input went from …`
    let bytes: [UInt8]
    /// The columns the text takes.
    let columns: Int
    /// Where `: ` stands before the reason (the line is broken there when it is too wide).
    let reason: Int
  }

  /// The terminal's columns at the prompt, or nil (a script): long lines then fit
  /// `Format.lineWidth` (a projector's 100 columns) and the summary table is as wide as its
  /// cells, as always. Given, lines and the table fit it (at least `minimumWidth`).
  public var width: Int? {
    didSet { lineWidth = width.map { max($0, Self.minimumWidth) } ?? Format.lineWidth }
  }
  /// The columns long lines fit: `width`, or `Format.lineWidth`.
  public private(set) var lineWidth = Format.lineWidth
  /// Narrower than this, lines are not broken further (a formula, a layer line would only be
  /// cut into fragments).
  public static let minimumWidth = 40

  public init(style: Style = .plain, width: Int? = nil) {
    self.style = style
    self.width = width
    lineWidth = width.map { max($0, Self.minimumWidth) } ?? Format.lineWidth
  }

  public func render(_ response: Response, session: Session) -> String {
    var out: [UInt8] = []
    var copy = self
    copy.render(response, session: session, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends the output of a response to `out`.
  /// Appends the output of a response to `out`. A long output (`summary`, `explain all`) hands
  /// `out` to `drain` whenever it holds 64 KB, so that it is written as it is made; it stops
  /// when `drain` says so (the output cannot be written, or Ctrl-C).
  public mutating func render(
    _ response: Response, session: Session, into out: inout [UInt8],
    drain: (inout [UInt8]) -> Bool = { _ in true }
  ) {
    switch response {
    case .edit(let name, let outcome): edit(name, outcome, session, into: &out)
    case .summary(let depth): summary(session, depth: depth, into: &out, drain: drain)
    case .chart: chart(session, into: &out, drain: drain)
    case .summaryFlops(let report, let chart):
      if chart {
        self.chart(session, flops: report, into: &out, drain: drain)
      } else {
        summary(session, flops: report, into: &out, drain: drain)
      }
    case .total:
      out.append(ascii: "  total ")
      number(session.total, into: &out)
      out.append(ascii: " params (")
      out.append(decimal: session.trainable)
      out.append(ascii: " trainable, ")
      out.append(decimal: session.nonTrainable)
      out.append(ascii: " non-trainable)\n")
    case .explain(let indices, _):
      if indices.isEmpty { out.append(text: "  " + Explanation.nothingToExplain + "\n") }
      for (k, i) in indices.enumerated() {
        if k > 0 { out.append(UInt8(ascii: "\n")) }
        out.append(text: explain(i, session))
        if out.count >= 1 << 16, !drain(&out) { return }
      }
    case .layers: out.append(text: Help.layerList(session.catalog) + "\n")
    case .memory(let report): out.append(text: MemoryRenderer.text(report, width: lineWidth))
    case .flops(let report): out.append(text: FlopsRenderer.text(report, width: lineWidth))
    case .help(let text, _): out.append(text: text + "\n")
    case .setting(let setting): out.append(text: Self.settingLine(setting))
    case .save(let path, _):
      out.append(text: "  saved " + layers(session.count) + " to \(path)\n")
    case .export(let format, let path, let request):
      out.append(text: Self.exported(format, path, request, session))
    case .imported(_, let model): imported(model, session, into: &out)
    case .load, .importFile, .importLayer, .play, .quit, .compareFile: break
    case .whatIf(let report): out.append(text: WhatIfRenderer.text(report, width: lineWidth))
    }
  }

  /// What a setting command says: `explain on|off` and `quiz on|off` a line; `prompt` nothing
  /// (the prompt itself shows it, and a script has none).
  static func settingLine(_ setting: Setting) -> String {
    switch setting {
    case .explainEdits(true):
      return "  explain on: each added or changed layer is explained as it lands\n"
    case .explainEdits(false): return "  explain off\n"
    case .quiz(true): return "  quiz on: guess each new layer's count before it is shown\n"
    case .quiz(false): return "  quiz off\n"
    case .prompt: return ""
    }
  }

  func number(_ n: Int, into out: inout [UInt8]) {
    if style.number.isEmpty { return out.append(decimal: n) }
    out.append(text: style.number)
    out.append(decimal: n)
    out.append(text: style.reset)
  }

  func type(_ name: String, into out: inout [UInt8]) {
    if style.type.isEmpty { return out.append(text: name) }
    out.append(text: style.type)
    out.append(text: name)
    out.append(text: style.reset)
  }

  func counts(_ l: ModelLayer, into out: inout [UInt8], styled: Bool = true) {
    if styled { number(l.params, into: &out) } else { out.append(decimal: l.params) }
    out.append(ascii: " params")
    if l.trainable > 0 && l.nonTrainable > 0 {
      out.append(ascii: " (")
      out.append(decimal: l.trainable)
      out.append(ascii: " trainable, ")
      out.append(decimal: l.nonTrainable)
      out.append(ascii: " non-trainable)")
    } else if l.params > 0 && l.trainable == 0 {
      out.append(ascii: " (non-trainable)")
    }
  }

  func layers(_ n: Int) -> String { n == 1 ? "1 layer" : "\(n) layers" }

  func total(_ s: Session, into out: inout [UInt8]) {
    out.append(ascii: "total ")
    number(s.total, into: &out)
  }

  /// The middle of a layer line for a layer, formatted once per kind of layer.
  mutating func fragment(_ l: ModelLayer) -> Fragment {
    if let f = fragments.lookup(l) { return f }
    var bytes: [UInt8] = []
    type(l.typeName, into: &bytes)
    if let n = l.spec.reuses { bytes.append(text: " (layer #\(n) again)") }
    if let name = l.spec.name { bytes.append(text: " as " + name) }
    if let sources = l.spec.sources {
      bytes.append(text: " from " + sources.map(\.script).joined(separator: ","))
    }
    bytes.append(ascii: "  out ")
    bytes.append(shape: l.output)
    for (k, state) in l.states.enumerated() {
      bytes.append(text: (k == 0 ? ", states " : ", ") + state.name + " ")
      bytes.append(shape: state.shape)
    }
    bytes.append(ascii: "   ")
    counts(l, into: &bytes)
    bytes.append(text: Self.totalLabel)
    let f = Fragment(bytes: bytes, hidden: bytes.count - Format.columns(bytes))
    fragments.store(l, f)
    return f
  }

  /// `  #1 Conv1D  out (None, None, 64)   8,064 params   total 8,064` (the model's total) and
  /// the end of the line, with `lead` after the indent and `tail` before the end. Assembled in
  /// one piece: this is the line a long script prints a million times.
  mutating func layerLine(
    _ index: Int, _ l: ModelLayer, total: Int, lead: String = "", tail: String = "",
    into out: inout [UInt8]
  ) {
    let fragment = fragment(l)
    let f = fragment.bytes
    let capacity =
      f.count + lead.utf8.count + tail.utf8.count + style.number.utf8.count
      + style.reset.utf8.count + 64
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
      var w = RawWriter(buffer.baseAddress!)
      w.ascii("  ")
      if !lead.isEmpty { w.text(lead) }
      w.byte(UInt8(ascii: "#"))
      w.decimal(index, grouped: false)
      w.byte(UInt8(ascii: " "))
      f.withUnsafeBufferPointer { w.bytes($0) }
      // Where `   total ` begins: a line too wide is broken there.
      let totalAt = w.count - Self.totalLabel.utf8.count
      if !style.number.isEmpty { w.text(style.number) }
      w.decimal(total, grouped: true)
      if !style.reset.isEmpty { w.text(style.reset) }
      if !tail.isEmpty { w.text(tail) }
      w.byte(UInt8(ascii: "\n"))
      let line = UnsafeBufferPointer(start: buffer.baseAddress, count: w.count)
      // A line is rarely wider than a projector's 100 columns (a long type name and shape, a
      // split count, an edit's note): then the total goes on a line of its own.
      let tailBytes = tail.utf8.count
      // Its width: its bytes less those that take no column (known for the fragment; the
      // total's styling; the lead and tail of an edit, rare, read).
      var columns = w.count - 1
      if columns > lineWidth {
        columns -= fragment.hidden + style.number.utf8.count + style.reset.utf8.count
        if !lead.isEmpty { columns -= lead.utf8.count - Format.columns(lead.utf8) }
        if tailBytes > 0 { columns -= tailBytes - Format.columns(tail.utf8) }
      }
      if columns > lineWidth, tailBytes > 0,
        columns - Format.columns(tail.utf8) <= lineWidth
      {
        // The edit's note goes under the line.
        out.append(contentsOf: UnsafeBufferPointer(rebasing: line[..<(line.count - 1 - tailBytes)]))
        out.append(ascii: "\n   ")
        out.append(text: tail)
        out.append(UInt8(ascii: "\n"))
      } else if columns > lineWidth {
        // The total (and any note) on a line of its own, indented: the same bytes, broken.
        out.append(contentsOf: UnsafeBufferPointer(rebasing: line[..<totalAt]))
        out.append(ascii: "\n   ")
        out.append(contentsOf: UnsafeBufferPointer(rebasing: line[totalAt...]))
      } else {
        out.append(contentsOf: line)
      }
    }
  }

  /// What a layer line's fragment ends with, before the model's total.
  static let totalLabel = "   total "

  mutating func edit(_ name: String, _ o: EditOutcome, _ s: Session, into out: inout [UInt8]) {
    // (Comparing the length first keeps the common `add` off the general string comparison.)
    let replay = name.utf8.count == 4 && (name == "undo" || name == "redo")
    var tail = ""
    if o.reinferred > 0 {
      let was = o.totalBefore.map { "was " + Format.thousands($0) + "; " } ?? ""
      tail = style.dim(
        "   (\(was)\(o.reinferred) later layer\(o.reinferred == 1 ? "" : "s") re-inferred)")
    } else if let before = o.totalBefore, before != s.total {
      tail = style.dim("   (was " + Format.thousands(before) + ")")
    } else if o.kind == .added, s.outputs != nil {
      tail = style.dim("   (on the way to no output: not in the total)")
    }
    switch o.kind {
    case .added, .inserted, .changed:
      let lead = replay ? name + ": " + (o.kind == .changed ? "changed " : "restored ") : ""
      layerLine(o.index!, o.layer!, total: s.total, lead: lead, tail: tail, into: &out)
      if let previous = o.previous { before(previous, o.layer!, into: &out) }
      if o.reinferred > 0 { changes(o, into: &out) }
      return
    default: break
    }
    out.append(ascii: "  ")
    if replay { out.append(text: name + ": ") }
    switch o.kind {
    case .added, .inserted, .changed: break
    case .removed:
      let row = o.layer!
      out.append(ascii: "removed #")
      out.append(decimal: o.index!, grouped: false)
      out.append(UInt8(ascii: " "))
      type(row.typeName, into: &out)
      out.append(ascii: " (")
      out.append(decimal: row.params)
      out.append(ascii: " params)   ")
      total(s, into: &out)
    case .input:
      out.append(ascii: "input ")
      if let input = s.input { out.append(shape: input) } else { out.append(ascii: "unset") }
      if s.count > 0 {
        out.append(ascii: "   ")
        total(s, into: &out)
      }
    case .cleared, .loaded:
      if name == "undo" {
        out.append(ascii: "restored ")
        if let input = s.input {
          out.append(ascii: "input ")
          out.append(shape: input)
          out.append(ascii: ", ")
        }
        out.append(text: layers(s.count))
      } else if o.kind == .cleared {
        out.append(ascii: "cleared")
      } else {
        out.append(text: "loaded " + layers(s.count))
      }
      out.append(ascii: "   ")
      total(s, into: &out)
    case .outputs:
      out.append(ascii: s.outputs == nil ? "output: the last layer, " : "outputs ")
      for (k, t) in s.outputTensors.enumerated() {
        if k > 0 { out.append(ascii: ", ") }
        out.append(text: t.name + " ")
        out.append(shape: t.shape)
      }
      out.append(ascii: "   ")
      total(s, into: &out)
      out.append(text: tail + "\n")
      let left = Self.deadFooter(s)
      if !left.isEmpty { out.append(text: left) }
      return
    }
    out.append(text: tail)
    out.append(UInt8(ascii: "\n"))
    if o.reinferred > 0 { changes(o, into: &out) }
  }

  /// Under a layer changed in place, what it was, when its count, split or output changed:
  /// `    before: 44 params   out (None, 4)`.
  func before(_ previous: ModelLayer, _ now: ModelLayer, into out: inout [UInt8]) {
    guard
      previous.trainable != now.trainable || previous.nonTrainable != now.nonTrainable
        || previous.output != now.output
    else { return }
    if !style.dim.isEmpty { out.append(text: style.dim) }
    out.append(ascii: "    before: ")
    counts(previous, into: &out, styled: false)
    out.append(ascii: "   out ")
    out.append(shape: previous.output)
    if !style.reset.isEmpty { out.append(text: style.reset) }
    out.append(UInt8(ascii: "\n"))
  }

  /// Under an edit, each later layer it re-inferred (the first few), before → after, and why:
  /// `    #3 Dense  584 → 1,160 params   out (None, 8) → (None, 16): its input went from …`.
  /// The text after the number is made once per pair of layers, by definitions and inputs (an
  /// insert and its undo print the same ones again and again).
  mutating func changes(_ o: EditOutcome, into out: inout [UInt8]) {
    for c in o.changes {
      let (before, after) = (c.before, c.after)
      // The entry holds the definitions, so no other can take their identity.
      let key = ChangeKey(
        before: ObjectIdentifier(before.piece), beforeInput: before.input,
        after: ObjectIdentifier(after.piece), afterInput: after.input)
      let rest: [UInt8]
      if c.byInputs, let known = changeTexts[key] {
        rest = known.bytes
      } else {
        var line = " \(after.typeName)  "
        line +=
          before.params == after.params
          ? "\(Format.thousands(after.params)) params (unchanged)"
          : "\(Format.thousands(before.params)) → \(Format.thousands(after.params)) params"
        let (bo, ao) = (before.output, after.output)
        line +=
          bo == ao ? "   out \(ao.description)" : "   out \(bo.description) → \(ao.description)"
        let why = c.reason
        rest = Array((line + ": " + why).utf8)
        if changeTexts.count >= 4096 { changeTexts.removeAll(keepingCapacity: true) }
        changeTexts[key] = ChangeText(
          pieces: [before.piece, after.piece], bytes: rest, columns: line.count + 2 + why.count,
          reason: line.utf8.count + 1)
      }
      let known = changeTexts[key]!
      out.append(text: style.dim)
      out.append(ascii: "    #")
      out.append(decimal: c.index, grouped: false)
      // `    #12` and the text fit `lineWidth` columns, or the reason goes under it.
      let digits = String(c.index).utf8.count
      if 5 + digits + known.columns <= lineWidth {
        out.append(contentsOf: rest)
      } else {
        out.append(contentsOf: rest[..<known.reason])
        out.append(ascii: "\n      ")
        out.append(contentsOf: rest[(known.reason + 1)...])
      }
      out.append(text: style.reset)
      out.append(UInt8(ascii: "\n"))
    }
    if o.reinferred > o.changes.count {
      let more = o.reinferred - o.changes.count
      out.append(
        text: style.dim(
          "    … and \(Format.thousands(more)) more later layer\(more == 1 ? "" : "s")")
          + "\n")
    }
  }
}
