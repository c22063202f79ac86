// The explanation of a model used as a layer: its count is the sum of its layers' counts, each
// layer a term (its name in the model, its count and how its own formula gives it), and each
// layer with weights a part with its subtotal.

extension NestedModel {
  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    var terms: [Term] = []
    var parts: [Part] = []
    var notes: [String] = []
    var symbols: Set<String> = []
    for (name, l) in layers {
      let e = l.explanation
      let symbol = NestedModel.symbol(name, taken: symbols)
      symbols.insert(symbol)
      let count = Format.thousands(l.params)
      // (Its arithmetic is in its part below: a line this long would wrap.)
      let what = l.params == 0 ? "no weights" : "its count (its part below)"
      terms.append(
        Term(
          symbol, l.params, .derived,
          "layer '\(name)' (\(l.typeName)) of the model, on \(l.input.description): \(what)"))
      if l.params > 0 {
        let own =
          e.parts.isEmpty
          ? l.inference.weights.map { Part.weight($0, $0.shape.map(String.init)) } : e.parts
        parts.append(Part.group("\(name): \(l.typeName)", own))
      }
      if !l.spec.trainable && l.params > 0 {
        notes.append("'\(name)' is frozen (trainable=false): its \(count) weights are not trained")
      }
    }
    for (name, l) in zip(inner.layerNames, inner.layers) {
      if let n = l.spec.reuses {
        notes.append(
          "'\(l.spec.name ?? name)' calls layer #\(n) of the model again: its weights count "
            + "once, there")
      }
    }
    if inference.nonTrainable > 0 && inference.trainable == 0 && inner.trainable > 0 {
      notes.append(
        "The model is frozen (trainable=false): all its \(Format.thousands(inference.params)) "
          + "weights are non-trainable")
    }
    notes.append(
      "A model used as a layer has no weights of its own: Keras tracks the layers it holds, so "
        + "their weights are its own, in the order of its layers")
    let weighted = terms.filter { $0.value > 0 }
    let formula = weighted.isEmpty ? "0" : weighted.map(\.name).joined(separator: " + ")
    var rule =
      "the model's layers on its input \(self.input.description) give its output "
      + output.description
    if input != self.input {
      rule +=
        "; on \(input.description) (a size its input leaves free) they give "
        + inference.output.description
    }
    return Explanation(
      formula: formula, terms: terms, shapeRule: rule, notes: notes, parts: parts)
  }

  /// A layer's name as a symbol of the formula (letters, digits and `_`, not starting with a
  /// digit), not one already `taken`.
  static func symbol(_ name: String, taken: Set<String>) -> String {
    var s = String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    if s.first.map({ !($0.isLetter || $0 == "_") }) ?? true { s = "layer_" + s }
    var candidate = s
    var k = 2
    while taken.contains(candidate) {
      candidate = "\(s)_\(k)"
      k += 1
    }
    return candidate
  }
}
