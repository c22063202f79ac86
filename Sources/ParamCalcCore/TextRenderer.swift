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
  public var style: Style

  public init(style: Style = .plain) { self.style = style }

  public func render(_ response: Response, command: Command, session: Session) -> String {
    switch response {
    case .edit(let name, let outcome): return edit(name, outcome, session)
    case .summary: return summary(session)
    case .total:
      return "  total \(style.number(Format.thousands(session.total))) params (\(Format.thousands(session.trainable)) trainable, \(Format.thousands(session.nonTrainable)) non-trainable)\n"
    case .explain(let indices):
      return indices.map { explain($0, session) }.joined(separator: "\n")
    case .layers: return Help.layerList(session.catalog) + "\n"
    case .help(let text): return text + "\n"
    case .save(let path, _): return "  saved " + layers(session.layers.count) + " to \(path)\n"
    case .load, .quit: return ""
    }
  }

  func counts(_ i: ModelLayer) -> String {
    var out = "\(style.number(Format.thousands(i.params))) params"
    if i.trainable > 0 && i.nonTrainable > 0 {
      out += " (\(Format.thousands(i.trainable)) trainable, \(Format.thousands(i.nonTrainable)) non-trainable)"
    } else if i.params > 0 && i.trainable == 0 {
      out += " (non-trainable)"
    }
    return out
  }

  func layers(_ n: Int) -> String { n == 1 ? "1 layer" : "\(n) layers" }

  func totalText(_ s: Session) -> String { "total \(style.number(Format.thousands(s.total)))" }

  /// `  #1 Conv1D  out (None, None, 64)   8,064 params   total 8,064`
  public func layerLine(_ index: Int, _ l: ModelLayer, _ s: Session) -> String {
    "#\(index) \(style.type(l.typeName))  out \(l.output.description)   \(counts(l))   \(totalText(s))"
  }

  func edit(_ name: String, _ o: EditOutcome, _ s: Session) -> String {
    let prefix = name == "undo" || name == "redo" ? name + ": " : ""
    var line: String
    switch o.kind {
    case .added, .inserted, .changed:
      line = layerLine(o.index!, o.layer!, s)
      if name == "undo" || name == "redo" { line = (o.kind == .changed ? "changed " : "restored ") + line }
    case .removed:
      line = "removed #\(o.index!) \(style.type(o.layer!.typeName)) (\(Format.thousands(o.layer!.params)) params)   \(totalText(s))"
    case .input:
      line = "input " + (s.input?.description ?? "unset")
      if !s.layers.isEmpty { line += "   \(totalText(s))" }
    case .cleared, .loaded:
      if name == "undo" {
        line = "restored " + (s.input.map { "input \($0.description), " } ?? "") + layers(s.layers.count) + "   \(totalText(s))"
      } else if o.kind == .cleared {
        line = "cleared   \(totalText(s))"
      } else {
        line = "loaded " + layers(s.layers.count) + "   \(totalText(s))"
      }
    }
    if o.reinferred > 0 {
      line += style.dim("   (\(o.reinferred) later layer\(o.reinferred == 1 ? "" : "s") re-inferred)")
    }
    return "  " + prefix + line + "\n"
  }

  /// Keras-style summary table with a trainable column, then the totals.
  public func summary(_ s: Session) -> String {
    var names: [String: Int] = [:]
    var rows: [[String]] = []
    for (i, l) in s.layers.enumerated() {
      let base = LayerDescriptor.snakeCase(l.spec.type)
      let k = names[base, default: 0]
      names[base] = k + 1
      let name = k == 0 ? base : "\(base)_\(k)"
      let frozen = !l.spec.trainable ? "N" : "Y"
      rows.append([String(i + 1), "\(name) (\(l.typeName))", l.output.description, Format.thousands(l.params), frozen])
    }
    let header = ["#", "Layer (type)", "Output Shape", "Param #", "Trainable"]
    var widths = header.map(\.count)
    for r in rows { for (j, c) in r.enumerated() { widths[j] = max(widths[j], c.count) } }
    let rightAligned = [true, false, false, true, false]
    func line(_ l: String, _ fill: String, _ mid: String, _ r: String) -> String {
      l + widths.map { String(repeating: fill, count: $0 + 2) }.joined(separator: mid) + r + "\n"
    }
    func row(_ cells: [String], _ edge: String) -> String {
      var out = edge
      for (j, c) in cells.enumerated() {
        out += " " + Format.pad(c, widths[j], right: rightAligned[j]) + " " + edge
      }
      return out + "\n"
    }
    var out = "Model: \"sequential\"" + (s.input.map { "   input \($0.description)" } ?? "   (no input yet)") + "\n"
    out += line("┏", "━", "┳", "┓")
    out += row(header, "┃")
    out += line("┡", "━", "╇", "┩")
    for (k, r) in rows.enumerated() {
      out += row(r, "│")
      if k < rows.count - 1 { out += line("├", "─", "┼", "┤") }
    }
    out += line("└", "─", "┴", "┘")
    out += " Total params: \(style.number(Format.thousands(s.total))) (\(Format.memory(params: s.total)))\n"
    out += " Trainable params: \(Format.thousands(s.trainable)) (\(Format.memory(params: s.trainable)))\n"
    out += " Non-trainable params: \(Format.thousands(s.nonTrainable)) (\(Format.memory(params: s.nonTrainable)))\n"
    return out
  }

  /// The explanation of layer `index` (1-based).
  public func explain(_ index: Int, _ s: Session) -> String {
    let l = s.layers[index - 1]
    let e = l.explanation
    let inference = l.inference
    var out = "  #\(index) \(style.type(l.typeName))  \(l.input.description) -> \(l.output.description)\n"
    if e.terms.isEmpty {
      out += "  params = 0\n"
    } else {
      out += "  \(Format.pretty(e.formula)) = \(Format.pretty(e.substituted)) = \(style.number(Format.thousands(inference.params)))\n"
      let nameWidth = e.terms.map(\.name.count).max()!
      let valueWidth = e.terms.map { Format.thousands($0.value).count }.max()!
      let sourceWidth = e.terms.map(\.source.rawValue.count).max()!
      for t in e.terms {
        out += "    " + Format.pad(t.name, nameWidth) + " = " + Format.pad(Format.thousands(t.value), valueWidth, right: true)
        out += "   " + style.dim(Format.pad(t.source.rawValue, sourceWidth)) + "   " + t.meaning + "\n"
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
    if !l.spec.trainable && inference.params > 0 {
      out += "  trainable=false: every weight of this layer is frozen, so all \(Format.thousands(inference.params)) count as non-trainable\n"
    }
    for n in e.notes { out += "  " + n + "\n" }
    out += "  shape: " + e.shapeRule + "\n"
    if !l.inert.isEmpty {
      out += "  not affecting the count: " + l.inert.map { "\($0.key)=\($0.value.script)" }.joined(separator: ", ") + "\n"
    }
    return out
  }
}
