/// `explain`: a layer's formula, each term with its source and meaning, its weights, its parts
/// and its shape rule.
extension TextRenderer {
  /// The explanation of layer `index` (1-based). Every line fits `lineWidth` columns
  /// (a projector's 100, or the terminal's): longer ones are wrapped, under the column they started in.
  public func explain(_ index: Int, _ s: Session) -> String {
    let l = s.layers[index - 1]
    let e = l.explanation
    let inference = l.inference
    var out = header(index, l)
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
      let hanging = meaningColumn <= lineWidth / 2 ? meaningColumn : 6
      for t in e.terms {
        let lead =
          "    " + Format.pad(t.name, nameWidth) + " = "
          + Format.pad(Format.thousands(t.value), valueWidth, right: true) + "   "
          + style.dim(Format.pad(t.source.rawValue, sourceWidth)) + "   "
        out += Format.wrap(
          t.meaning, lead: lead, leadWidth: meaningColumn, hanging: hanging, width: lineWidth)
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
        lead: "    ", leadWidth: 4, hanging: 6, width: lineWidth)
    }
    if !l.spec.trainable && inference.params > 0 {
      out += Format.wrap(
        "trainable=false: every weight of this layer is frozen, so all \(Format.thousands(inference.params)) count as non-trainable",
        lead: "  ", leadWidth: 2, hanging: 4, width: lineWidth)
    }
    for n in e.notes {
      out += Format.wrap(n, lead: "  ", leadWidth: 2, hanging: 4, width: lineWidth)
    }
    // The shape rule: its first line after `shape:`, then one line per axis, indented.
    for (k, line) in e.shapeRule.split(separator: "\n").enumerated() {
      out += Format.wrap(
        String(line), lead: k == 0 ? "  shape: " : "    ", leadWidth: k == 0 ? 9 : 4,
        hanging: k == 0 ? 9 : 6, width: lineWidth)
    }
    if !l.inert.isEmpty {
      out += Format.wrap(
        "not affecting the count: "
          + l.inert.map { "\($0.key)=\($0.value.script)" }.joined(separator: ", "),
        lead: "  ", leadWidth: 2, hanging: 4, width: lineWidth)
    }
    return out
  }

  /// `  #3 Dense  (None, 16) -> (None, 8)`; a long one (a layer in nested wrappers) with its
  /// shapes on the next line, and a type name too long for a line broken after a `(`.
  func header(_ index: Int, _ l: ModelLayer) -> String {
    let number = "  #\(index) "
    // A merge reads several tensors: all their shapes, as a list.
    let input =
      l.inputs.count > 1
      ? "[" + l.inputs.map(\.description).joined(separator: ", ") + "]" : l.input.description
    let shapes = "\(input) -> \(l.output.description)"
    if number.count + l.typeName.count + 2 + shapes.count <= lineWidth {
      return number + style.type(l.typeName) + "  " + shapes + "\n"
    }
    var out = ""
    let pieces = Format.splitAfter(
      "(", l.typeName, first: lineWidth - number.count, width: lineWidth - 6)
    for (k, piece) in pieces.enumerated() {
      out += (k == 0 ? number : "      ") + style.type(piece) + "\n"
    }
    return out + Format.wrap(shapes, lead: "      ", leadWidth: 6, hanging: 8, width: lineWidth)
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
        line, lead: String(repeating: " ", count: indent), leadWidth: indent, hanging: indent + 4,
        width: lineWidth)
      out += self.parts(p.parts, depth: depth + 1)
    }
    return out
  }

  /// `  formula = substituted = count`, on one line when it fits, or else the formula, then
  /// `= substituted` and `= count` on lines of their own (a long sum broken before a `+`).
  func formulaLine(_ formula: String, _ substituted: String, _ count: String) -> String {
    let one = "  \(formula) = \(substituted) = "
    if one.count + count.count <= lineWidth {
      return one + style.number(count) + "\n"
    }
    let width = lineWidth - 6
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
