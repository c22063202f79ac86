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
  var fragments = LayerTextCache()
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
    let bytes: [UInt8]
  }

  public init(style: Style = .plain) { self.style = style }

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
    case .summary: summary(session, into: &out, drain: drain)
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
    case .help(let text): out.append(text: text + "\n")
    case .save(let path, _):
      out.append(text: "  saved " + layers(session.count) + " to \(path)\n")
    case .load, .quit: break
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

  func counts(_ l: Placement, into out: inout [UInt8]) {
    number(l.params, into: &out)
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
  mutating func fragment(_ l: Placement, _ s: Session) -> [UInt8] {
    if let bytes = fragments.lookup(l, in: s) { return bytes }
    var bytes: [UInt8] = []
    type(l.piece.typeName, into: &bytes)
    bytes.append(ascii: "  out ")
    bytes.append(shape: s.shapes[l.output])
    bytes.append(ascii: "   ")
    counts(l, into: &bytes)
    bytes.append(ascii: "   total ")
    fragments.store(l, in: s, bytes)
    return bytes
  }

  /// `  #1 Conv1D  out (None, None, 64)   8,064 params   total 8,064` and the end of the line,
  /// with `lead` after the indent and `tail` before the end. Assembled in one piece: this is the
  /// line a long script prints a million times.
  mutating func layerLine(
    _ index: Int, _ l: Placement, _ s: Session, lead: String = "", tail: String = "",
    into out: inout [UInt8]
  ) {
    let f = fragment(l, s)
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
      if !style.number.isEmpty { w.text(style.number) }
      w.decimal(s.total, grouped: true)
      if !style.reset.isEmpty { w.text(style.reset) }
      if !tail.isEmpty { w.text(tail) }
      w.byte(UInt8(ascii: "\n"))
      out.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress, count: w.count))
    }
  }

  mutating func edit(_ name: String, _ o: EditOutcome, _ s: Session, into out: inout [UInt8]) {
    // (Comparing the length first keeps the common `add` off the general string comparison.)
    let replay = name.utf8.count == 4 && (name == "undo" || name == "redo")
    var tail = ""
    if o.reinferred > 0 {
      let was = o.totalBefore.map { "was " + Format.thousands($0) + "; " } ?? ""
      tail = style.dim(
        "   (\(was)\(o.reinferred) later layer\(o.reinferred == 1 ? "" : "s") re-inferred)")
    }
    switch o.kind {
    case .added, .inserted, .changed:
      let lead = replay ? name + ": " + (o.kind == .changed ? "changed " : "restored ") : ""
      layerLine(o.index!, s.placements[o.placed!], s, lead: lead, tail: tail, into: &out)
      if o.reinferred > 0 { changes(o, s, into: &out) }
      return
    default: break
    }
    out.append(ascii: "  ")
    if replay { out.append(text: name + ": ") }
    switch o.kind {
    case .added, .inserted, .changed: break
    case .removed:
      let row = s.placements[o.placed!]
      out.append(ascii: "removed #")
      out.append(decimal: o.index!, grouped: false)
      out.append(UInt8(ascii: " "))
      type(row.piece.typeName, into: &out)
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
    }
    out.append(text: tail)
    out.append(UInt8(ascii: "\n"))
    if o.reinferred > 0 { changes(o, s, into: &out) }
  }

  /// Under an edit, each later layer it re-inferred (the first few), before → after, and why:
  /// `    #3 Dense  584 → 1,160 params   out (None, 8) → (None, 16): its input went from …`.
  /// The text after the number is made once per pair of placements (an insert and its undo
  /// print the same ones again and again).
  mutating func changes(_ o: EditOutcome, _ s: Session, into out: inout [UInt8]) {
    for c in o.changes {
      let before = s.placements[c.before]
      let after = s.placements[c.after]
      // By definitions and input shapes, not placement numbers: the text is then right for any
      // session (the entry holds the definitions, so no other can take their identity).
      let key = ChangeKey(
        before: ObjectIdentifier(before.piece), beforeInput: s.shapes[before.input],
        after: ObjectIdentifier(after.piece), afterInput: s.shapes[after.input])
      let rest: [UInt8]
      if let known = changeTexts[key] {
        rest = known.bytes
      } else {
        var line = " \(after.piece.typeName)  "
        line +=
          before.params == after.params
          ? "\(Format.thousands(after.params)) params (unchanged)"
          : "\(Format.thousands(before.params)) → \(Format.thousands(after.params)) params"
        let (bo, ao) = (s.shapes[before.output], s.shapes[after.output])
        line +=
          bo == ao ? "   out \(ao.description)" : "   out \(bo.description) → \(ao.description)"
        line +=
          ": its input went from \(key.beforeInput.description) to \(key.afterInput.description)"
        rest = Array(line.utf8)
        if changeTexts.count >= 4096 { changeTexts.removeAll(keepingCapacity: true) }
        changeTexts[key] = ChangeText(pieces: [before.piece, after.piece], bytes: rest)
      }
      out.append(text: style.dim)
      out.append(ascii: "    #")
      out.append(decimal: c.index, grouped: false)
      out.append(contentsOf: rest)
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

  /// Keras-style summary table with a trainable column, then the totals.
  public func summary(_ s: Session) -> String {
    var out: [UInt8] = []
    summary(s, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends the summary table. Every cell is ASCII, so widths are byte counts. The table is
  /// made in two passes over the layers, the first for the column widths, the second writing
  /// the rows, handing full buffers to `drain`: a model of a million layers is never held as
  /// text. The cells of a placement (type, shape, count, share) are made once, for the first
  /// 65,536.
  public func summary(
    _ s: Session, into out: inout [UInt8], drain: (inout [UInt8]) -> Bool = { _ in true }
  ) {
    /// The cells of one placement, and the number of its Keras name's base in `bases`.
    struct Cells {
      let base: Int
      let type: [UInt8]
      let shape: [UInt8]
      let params: [UInt8]
      let share: [UInt8]
      let trainable: UInt8
    }
    var cellOf: [Int32: Int] = [:]
    var cells: [Cells] = []
    var baseOf: [String: Int] = [:]
    var bases: [[UInt8]] = []
    let ids = s.layers.ids
    func cell(_ id: PlacementID) -> Cells {
      if let k = cellOf[id.raw] { return cells[k] }
      let p = s.placements[id]
      let base: Int
      if let known = baseOf[p.piece.spec.type] {
        base = known
      } else {
        base = bases.count
        bases.append(Array(LayerDescriptor.snakeCase(p.piece.spec.type).utf8))
        baseOf[p.piece.spec.type] = base
      }
      let c = Cells(
        base: base, type: Array(" (\(p.piece.typeName))".utf8),
        shape: Array(s.shapes[p.output].description.utf8),
        params: Array(Format.thousands(p.params).utf8),
        share: Array(Format.share(p.params, of: s.total).utf8),
        trainable: p.piece.spec.trainable ? UInt8(ascii: "Y") : UInt8(ascii: "N"))
      // At most 65,536 kept: a model of as many distinct layers (each with its own name=, say)
      // makes its cells again in the second pass rather than holding them all.
      if cells.count < 1 << 16 {
        cellOf[id.raw] = cells.count
        cells.append(c)
      }
      return c
    }
    func digits(_ n: Int) -> Int { n < 10 ? 1 : 1 + digits(n / 10) }
    // Pass 1: the widths.
    let header = ["#", "Layer (type)", "Output Shape", "Param #", "Share", "Trainable"]
    let rightAligned: Set = [0, 3, 4]
    var widths = header.map(\.utf8.count)
    widths[0] = max(widths[0], digits(ids.count))
    var counters: [Int] = []
    for id in ids {
      let c = cell(id)
      if c.base >= counters.count {
        counters += repeatElement(0, count: c.base + 1 - counters.count)
      }
      let k = counters[c.base]
      counters[c.base] = k + 1
      let name = bases[c.base].count + (k == 0 ? 0 : 1 + digits(k)) + c.type.count
      widths[1] = max(widths[1], name)
      widths[2] = max(widths[2], c.shape.count)
      widths[3] = max(widths[3], c.params.count)
      widths[4] = max(widths[4], c.share.count)
    }
    func rule(_ l: String, _ fill: String, _ mid: String, _ r: String) -> [UInt8] {
      Array(
        (l + widths.map { String(repeating: fill, count: $0 + 2) }.joined(separator: mid) + r
          + "\n").utf8)
    }
    func pad(_ n: Int) { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    out.append(
      text: "Model: \"sequential\""
        + (s.input.map { "   input \($0.description)" } ?? "   (no input yet)") + "\n")
    out.append(contentsOf: rule("┏", "━", "┳", "┓"))
    out.append(text: "┃")
    for (j, h) in header.enumerated() {
      out.append(UInt8(ascii: " "))
      if rightAligned.contains(j) { pad(widths[j] - h.utf8.count) }
      out.append(text: h)
      if !rightAligned.contains(j) { pad(widths[j] - h.utf8.count) }
      out.append(text: " ┃")
    }
    out.append(UInt8(ascii: "\n"))
    out.append(contentsOf: rule("┡", "━", "╇", "┩"))
    // Pass 2: the rows.
    let between = rule("├", "─", "┼", "┤")
    let edge = Array(" │".utf8)
    for k in counters.indices { counters[k] = 0 }
    for (i, id) in ids.enumerated() {
      let c = cell(id)
      let k = counters[c.base]
      counters[c.base] = k + 1
      if i > 0 { out.append(contentsOf: between) }
      out.append(text: "│ ")
      pad(widths[0] - digits(i + 1))
      out.append(decimal: i + 1, grouped: false)
      out.append(contentsOf: edge)
      out.append(UInt8(ascii: " "))
      out.append(contentsOf: bases[c.base])
      var name = bases[c.base].count + c.type.count
      if k > 0 {
        out.append(UInt8(ascii: "_"))
        out.append(decimal: k, grouped: false)
        name += 1 + digits(k)
      }
      out.append(contentsOf: c.type)
      pad(widths[1] - name)
      out.append(contentsOf: edge)
      out.append(UInt8(ascii: " "))
      out.append(contentsOf: c.shape)
      pad(widths[2] - c.shape.count)
      out.append(contentsOf: edge)
      out.append(UInt8(ascii: " "))
      pad(widths[3] - c.params.count)
      out.append(contentsOf: c.params)
      out.append(contentsOf: edge)
      out.append(UInt8(ascii: " "))
      pad(widths[4] - c.share.count)
      out.append(contentsOf: c.share)
      out.append(contentsOf: edge)
      out.append(UInt8(ascii: " "))
      out.append(c.trainable)
      pad(widths[5] - 1)
      out.append(contentsOf: edge)
      out.append(UInt8(ascii: "\n"))
      if out.count >= 1 << 16, !drain(&out) { return }
    }
    out.append(contentsOf: rule("└", "─", "┴", "┘"))
    out.append(
      text:
        " Total params: \(style.number(Format.thousands(s.total))) (\(Format.memory(params: s.total)))\n"
        + " Trainable params: \(Format.thousands(s.trainable)) (\(Format.memory(params: s.trainable)))\n"
        + " Non-trainable params: \(Format.thousands(s.nonTrainable)) (\(Format.memory(params: s.nonTrainable)))\n"
    )
  }

  /// The footer of a summary after lines in error: the table is then not the model the script
  /// describes. `lines` are the first of them, `count` how many in all.
  public static func refusedFooter(_ lines: [Int], count: Int) -> String {
    let shown = lines.map(String.init)
    var list =
      shown.count == 1
      ? shown[0] : shown.dropLast().joined(separator: ", ") + " and " + shown.last!
    if count > lines.count {
      list = shown.joined(separator: ", ") + " and \(count - lines.count) more"
    }
    let which = count == 1 ? "line \(list) was" : "lines \(list) were"
    return " Not the script's model: \(which) refused and changed nothing.\n"
  }

  /// The explanation of layer `index` (1-based). Every line fits `Format.lineWidth` columns
  /// (a projector): longer ones are wrapped, under the column they started in.
  public func explain(_ index: Int, _ s: Session) -> String {
    let l = s.layers[index - 1]
    let e = l.explanation
    let inference = l.inference
    var out =
      "  #\(index) \(style.type(l.typeName))  \(l.input.description) -> \(l.output.description)\n"
    if e.terms.isEmpty {
      out += "  params = 0\n"
    } else {
      out += formulaLine(
        Format.pretty(e.formula), Format.groupingNumbers(Format.pretty(e.substituted)),
        Format.thousands(inference.params))
      let nameWidth = e.terms.map(\.name.count).max()!
      let valueWidth = e.terms.map { Format.thousands($0.value).count }.max()!
      let sourceWidth = e.terms.map(\.source.rawValue.count).max()!
      // The meanings start in one column, wrapped under it (or under the name when it is far).
      let meaningColumn = 4 + nameWidth + 3 + valueWidth + 3 + sourceWidth + 3
      let hanging = meaningColumn <= Format.lineWidth / 2 ? meaningColumn : 6
      for t in e.terms {
        let lead =
          "    " + Format.pad(t.name, nameWidth) + " = "
          + Format.pad(Format.thousands(t.value), valueWidth, right: true) + "   "
          + style.dim(Format.pad(t.source.rawValue, sourceWidth)) + "   "
        out += Format.wrap(t.meaning, lead: lead, leadWidth: meaningColumn, hanging: hanging)
      }
    }
    if !inference.weights.isEmpty {
      out += "  weights (in Keras's order):\n"
      let shapes = inference.weights.map { Format.tuple($0.shape) }
      let nameWidth = inference.weights.map(\.name.count).max()!
      let shapeWidth = shapes.map(\.count).max()!
      let countWidth = inference.weights.map { Format.thousands($0.count).count }.max()!
      for (w, shape) in zip(inference.weights, shapes) {
        out += "    " + Format.pad(w.name, nameWidth) + "  " + Format.pad(shape, shapeWidth) + "  "
        out += Format.pad(Format.thousands(w.count), countWidth, right: true)
        out += w.trainable ? "\n" : "   non-trainable\n"
      }
    }
    if !e.parts.isEmpty {
      out += "  parts, each with its subtotal:\n"
      out += parts(e.parts, depth: 0)
      let sum = e.parts.map { Format.thousands($0.count) }.joined(separator: " + ")
      out += Format.wrap(
        "sum of the parts = \(sum) = \(Format.thousands(e.parts.reduce(0) { $0 &+ $1.count }))",
        lead: "    ", leadWidth: 4, hanging: 6)
    }
    if !l.spec.trainable && inference.params > 0 {
      out += Format.wrap(
        "trainable=false: every weight of this layer is frozen, so all \(Format.thousands(inference.params)) count as non-trainable",
        lead: "  ", leadWidth: 2, hanging: 4)
    }
    for n in e.notes { out += Format.wrap(n, lead: "  ", leadWidth: 2, hanging: 4) }
    // The shape rule: its first line after `shape:`, then one line per axis, indented.
    for (k, line) in e.shapeRule.split(separator: "\n").enumerated() {
      out += Format.wrap(
        String(line), lead: k == 0 ? "  shape: " : "    ", leadWidth: k == 0 ? 9 : 4,
        hanging: k == 0 ? 9 : 6)
    }
    if !l.inert.isEmpty {
      out += Format.wrap(
        "not affecting the count: "
          + l.inert.map { "\($0.key)=\($0.value.script)" }.joined(separator: ", "),
        lead: "  ", leadWidth: 2, hanging: 4)
    }
    return out
  }

  /// One line per part, `name (shape) = expression = count   (detail)`, its own parts under it.
  func parts(_ parts: [Part], depth: Int) -> String {
    var out = ""
    let indent = 4 + 2 * depth
    for p in parts {
      let shape = p.shape.map { " " + Format.tuple($0) } ?? ""
      // (A part of one number, a bias of `(16,)`, is not said twice: `= 16`, not `= 16 = 16`.)
      let expression = Format.groupingNumbers(Format.pretty(p.expression))
      let count = Format.thousands(p.count)
      var line = p.name + shape + (expression == count ? "" : " = " + expression) + " = " + count
      if let d = p.detail { line += "   (" + d + ")" }
      out += Format.wrap(
        line, lead: String(repeating: " ", count: indent), leadWidth: indent, hanging: indent + 4)
      out += self.parts(p.parts, depth: depth + 1)
    }
    return out
  }

  /// `  formula = substituted = count`, on one line when it fits, or else the formula, then
  /// `= substituted` and `= count` on lines of their own (a long sum broken before a `+`).
  func formulaLine(_ formula: String, _ substituted: String, _ count: String) -> String {
    let one = "  \(formula) = \(substituted) = "
    if one.count + count.count <= Format.lineWidth {
      return one + style.number(count) + "\n"
    }
    let width = Format.lineWidth - 6
    var out = ""
    for (k, piece) in Format.splitSum(formula, first: width + 2, width: width).enumerated() {
      out += (k == 0 ? "  " : "      ") + piece + "\n"
    }
    for (k, piece) in Format.splitSum(substituted, first: width, width: width).enumerated() {
      out += (k == 0 ? "    = " : "      ") + piece + "\n"
    }
    return out + "    = " + style.number(count) + "\n"
  }
}
