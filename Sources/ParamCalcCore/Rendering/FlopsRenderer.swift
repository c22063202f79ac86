/// `flops`: the compute of a forward pass as text (a line per layer call, the totals) and as
/// JSON; `explain N flops`: one layer's formula, each term named, valued and sourced. Every
/// printed expression evaluates to the number after it.
public enum FlopsRenderer {
  public static func text(_ r: FlopsReport, width: Int = Format.lineWidth) -> String {
    if let n = r.options.layer { return explain(r, layer: n, width: width) }
    let t = Format.thousands
    let training = r.options.training
    var out = Format.wrap(
      "compute of one "
        + (training ? "training step (forward and backward pass)" : "forward pass")
        + ": MACs (multiply-accumulates) and FLOPs, 1 MAC = 2 FLOPs",
      lead: "  ", leadWidth: 2, hanging: 4, width: width)
    if r.options.causal {
      out += "  causal=true: attention counts only the scores a causal mask keeps\n"
    }
    if let n = r.options.length, r.filledInputs.isEmpty {
      out += "  length=\(t(n)): every input axis has its size here; length= changes nothing\n"
    }
    if !r.filledInputs.isEmpty {
      let shapes = r.filledInputs.map(\.description)
      out += Format.wrap(
        "length=\(t(r.options.length ?? 0)): "
          + (shapes.count == 1
            ? "the input is \(shapes[0]) here"
            : "the inputs are " + shapes.joined(separator: ", ") + " here, in their order"),
        lead: "  ", leadWidth: 2, hanging: 4, width: width)
    }
    let names = r.rows.map { String(repeating: "  ", count: $0.depth) + $0.label + " " + $0.type }
    let nameWidth = max(names.map(\.count).max() ?? 0, 5)
    let macWidth = max(r.rows.map { t($0.macs).count }.max() ?? 0, t(r.macs).count, 4)
    let flopWidth = max(r.rows.map { t($0.flops).count }.max() ?? 0, t(r.flops).count, 5)
    let backWidth = max(r.rows.map { t($0.backwardFlops).count }.max() ?? 0, 14)
    let stepWidth = max(t(r.stepFlops).count, 10)
    out +=
      "    " + Format.pad("layer", nameWidth) + "  " + Format.pad("MACs", macWidth, right: true)
      + "  " + Format.pad("FLOPs", flopWidth, right: true)
      + (training
        ? "  " + Format.pad("backward FLOPs", backWidth, right: true) + "  "
          + Format.pad("step FLOPs", stepWidth, right: true) : "") + "\n"
    for (k, row) in r.rows.enumerated() {
      out += "    " + Format.pad(names[k], nameWidth) + "  "
      if row.notCounted != nil {
        out += "not counted (no compute formula)\n"
        continue
      }
      out +=
        Format.pad(t(row.macs), macWidth, right: true) + "  "
        + Format.pad(t(row.flops), flopWidth, right: true)
      if training {
        out +=
          "  " + Format.pad(t(row.backwardFlops), backWidth, right: true) + "  "
          + Format.pad(t(row.flops + row.backwardFlops), stepWidth, right: true)
      }
      // A note where the line has room for it (the training columns take it).
      let noted =
        row.isGroup
        ? "  (its layers' sum)"
        : !row.parts.isEmpty
          ? "" : identity(row) ? "  (identity at inference)" : "  (no arithmetic: moves data)"
      let used =
        4 + nameWidth + 2 + macWidth + 2 + flopWidth + (training ? 4 + backWidth + stepWidth : 0)
      if used + noted.count <= width { out += noted }
      out += "\n"
    }
    if !r.rows.isEmpty && r.rows.allSatisfy({ $0.notCounted != nil || $0.isGroup }) {
      // Nothing here has a formula: no total to give (never 0).
      out += "  per sample: nothing counted (no layer here has a compute formula)\n"
      return out
    }
    out += "  per sample: \(t(r.macs)) MACs, \(t(r.flops)) FLOPs\n"
    if training {
      let other = r.flops - 2 * r.macs
      out += Format.wrap(
        "backward: 2 × MACs = 2 × \(t(r.macs)) = \(t(r.backwardMacs)) MACs (a gradient for each "
          + "factor of each MAC)", lead: "  ", leadWidth: 2, hanging: 4, width: width)
      out += Format.wrap(
        "backward FLOPs = 2 × \(t(r.backwardMacs)) + \(t(other)) (the other FLOPs once more) = "
          + "\(t(r.backwardFlops))", lead: "  ", leadWidth: 2, hanging: 4, width: width)
      out += Format.wrap(
        "training step: forward + backward = \(t(r.flops)) + \(t(r.backwardFlops)) = "
          + "\(t(r.stepFlops)) FLOPs per sample",
        lead: "  ", leadWidth: 2, hanging: 4, width: width)
      let atInference = r.rows.filter { trainsOtherwise.contains($0.type) }
      if !atInference.isEmpty {
        out += Format.wrap(
          "the forward pass is counted as at inference: in training "
            + atInference.map { "\($0.label) \($0.type)" }.joined(separator: ", ")
            + " compute more (batch statistics, a dropout mask, noise), not counted here",
          lead: "  ", leadWidth: 2, hanging: 4, width: width)
      }
    }
    let b = r.options.batch
    out += "  batch \(t(b)): MACs × batch = \(t(r.macs)) × \(t(b)) = \(t(r.batchMacs))\n"
    out += "           FLOPs × batch = \(t(r.flops)) × \(t(b)) = \(t(r.batchFlops))\n"
    if training {
      out +=
        "           step FLOPs × batch = \(t(r.stepFlops)) × \(t(b)) = \(t(r.batchStepFlops))\n"
    }
    if let note = notCountedNote(r) {
      out += Format.wrap(note, lead: "  ", leadWidth: 2, hanging: 4, width: width)
    }
    return out
  }

  /// The layers without a compute formula, in one sentence; nil when every layer is counted.
  static func notCountedNote(_ r: FlopsReport) -> String? {
    let missing = r.notCounted
    guard !missing.isEmpty else { return nil }
    return "not counted (no compute formula, left out of the totals): "
      + missing.map { "\($0.label) \($0.type)" }.joined(separator: ", ")
  }

  /// `explain N flops`: the formula of layer N (a model used as a layer: its layers' lines).
  static func explain(_ r: FlopsReport, layer n: Int, width: Int) -> String {
    let t = Format.thousands
    let label = "#\(n)"
    if r.explainsAnInput {
      return "  \(label) InputLayer: an input of the model; it computes nothing (0 MACs, 0 FLOPs)\n"
    }
    guard let row = r.rows.first(where: { $0.label == label }) else {
      return "  \(label) is not on the way to the model's outputs: it is not computed\n"
    }
    var out = "  \(label) \(row.type): compute of one call, per sample\n"
    func note(_ text: String) {
      out += Format.wrap(text, lead: "    ", leadWidth: 4, hanging: 6, width: width)
    }
    if let n = r.options.length, !r.filledInputs.isEmpty {
      // The shapes below are the model's with its unknown axes of size n.
      note(
        "length=\(Format.thousands(n)): the shapes below are those of the model with each "
          + "unknown input axis (None) of size \(Format.thousands(n))")
    }
    if row.notCounted != nil {
      note("not counted: paramcalc has no compute formula for \(row.type) (see docs/flops.md)")
      return out
    }
    if row.isGroup {
      let inner = r.rows.filter { $0.label.hasPrefix(label + ".") && $0.depth == row.depth + 1 }
      for i in inner { note("\(i.label) \(i.type): \(t(i.macs)) MACs, \(t(i.flops)) FLOPs") }
      note("a model used as a layer: the sum of its layers' (each explained in its own model)")
      note(
        "MACs = " + inner.map { t($0.macs) }.joined(separator: " + ") + " = \(t(row.macs))")
      note(
        "FLOPs = " + inner.map { t($0.flops) }.joined(separator: " + ") + " = \(t(row.flops))")
      if r.options.training {
        note(
          "backward FLOPs (training=true) = "
            + inner.map { t($0.backwardFlops) }.joined(separator: " + ")
            + " = \(t(row.backwardFlops))")
      }
      return out
    }
    if row.parts.isEmpty, identity(row) {
      note(
        "0 MACs, 0 FLOPs: identity at inference. \(row.type)'s Keras source returns its input "
          + "unchanged when training=False (flops counts a forward pass at inference)")
      return out
    }
    if row.parts.isEmpty {
      note("0 MACs, 0 FLOPs: \(row.type) moves, copies or selects data; it does no arithmetic")
      if r.options.training { note("backward: it moves the gradient back the same way: 0 FLOPs") }
      return out
    }
    out += "  terms\n"
    let symWidth = row.terms.map(\.symbol.count).max() ?? 1
    let valueWidth = row.terms.map { t($0.value).count }.max() ?? 1
    for term in row.terms {
      out += Format.wrap(
        Format.pad(term.symbol, symWidth) + " = " + Format.pad(t(term.value), valueWidth)
          + "   \(term.meaning) (\(term.source))",
        lead: "    ", leadWidth: 4, hanging: 6 + symWidth, width: width)
    }
    out += "  parts\n"
    for p in row.parts {
      let unit = p.kind == .macs ? "MACs" : "FLOPs"
      let expression =
        p.symbols.count == 1
        ? p.symbols[0]
        : p.symbols.joined(separator: " × ") + " = " + p.numbers.map(t).joined(separator: " × ")
      note("\(p.name): " + expression + " = \(t(p.value)) \(unit)")
    }
    let macs = row.parts.filter { $0.kind == .macs }
    let other = row.parts.filter { $0.kind == .flops }
    if macs.count > 1 {
      note("MACs = " + macs.map { t($0.value) }.joined(separator: " + ") + " = \(t(row.macs))")
    } else if macs.isEmpty {
      note("MACs = 0 (no multiply-accumulate)")
    }
    let flopTerms = (macs.isEmpty ? [] : ["2 × \(t(row.macs))"]) + other.map { t($0.value) }
    note("FLOPs = " + sum(flopTerms, row.flops))
    note(
      "a MAC is a multiply and an add: 2 FLOPs; the other parts are FLOPs as docs/flops.md "
        + "counts them. Times batch \(t(r.options.batch)): \(t(row.flops)) × "
        + "\(t(r.options.batch)) = \(t(row.flops * r.options.batch)) FLOPs")
    if r.options.training { out += backward(row, width: width) }
    return out
  }

  /// `explain N flops training=true`: the backward pass of one layer, and its training step.
  static func backward(_ row: LayerFlops, width: Int) -> String {
    let t = Format.thousands
    var out = "  backward pass (training=true)\n"
    func note(_ text: String) {
      out += Format.wrap(text, lead: "    ", leadWidth: 4, hanging: 6, width: width)
    }
    if row.macs > 0 {
      note(
        "each MAC multiplies two factors (an input and a weight, or two inputs as in attention's "
          + "QKᵀ): the gradient of each factor takes one MAC, counted even where none is needed "
          + "(the model's own input, frozen weights): 2 × \(t(row.macs)) = "
          + "\(t(row.backwardMacs)) MACs")
    }
    let other = row.parts.filter { $0.kind == .flops }
    if !other.isEmpty {
      note(
        "each other FLOP's derivative is applied once: "
          + (other.count == 1
            ? "" : other.map { t($0.value) }.joined(separator: " + ") + " = ")
          + "\(t(row.otherFlops)) FLOPs")
    }
    let terms =
      (row.macs > 0 ? ["2 × \(t(row.backwardMacs))"] : [])
      + (other.isEmpty ? [] : [t(row.otherFlops)])
    note("backward FLOPs = " + sum(terms, row.backwardFlops))
    note(
      "backward / forward = \(t(row.backwardFlops)) / \(t(row.flops)) ≈ "
        + Format.ratio(row.backwardFlops, row.flops)
        + " (2 where all FLOPs are MACs, as in a Dense or convolution without bias)")
    note(
      "training step = forward + backward = \(t(row.flops)) + \(t(row.backwardFlops)) = "
        + "\(t(row.flops + row.backwardFlops)) FLOPs")
    return out
  }

  /// `a + b = c`, or `c` alone when the one term is c itself (not `200 = 200`).
  static func sum(_ terms: [String], _ value: Int) -> String {
    let v = Format.thousands(value)
    return terms == [v] ? v : terms.joined(separator: " + ") + " = " + v
  }

  /// The layers whose forward pass in training differs from the one counted (at inference):
  /// BatchNormalization normalizes with the batch's own statistics, the dropout and noise layers
  /// draw and apply a mask or noise.
  static let trainsOtherwise: Set<String> = [
    "BatchNormalization", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
    "AlphaDropout", "GaussianDropout", "GaussianNoise",
  ]

  /// Whether a row is a layer Keras passes through at inference (`training=False`).
  static func identity(_ row: LayerFlops) -> Bool {
    FlopsFormula.identityAtInference.contains(row.type)
  }

  /// `{"command":"flops","line":3,"batch":1,...}`.
  public static func json(_ r: FlopsReport, line: Int) -> String {
    var j = JSONObject()
    j.add("command", "flops")
    j.add("line", line)
    j.add("batch", r.options.batch)
    if let n = r.options.length { j.add("length", n) }
    if r.options.training { j.add("training", true) }
    if r.options.causal { j.add("causal", true) }
    if let n = r.options.layer { j.add("explain_layer", n) }
    j.add("macs_per_sample", r.macs)
    j.add("flops_per_sample", r.flops)
    j.add("macs", r.batchMacs)
    j.add("flops", r.batchFlops)
    j.add("flops_per_mac", 2)
    if r.options.training {
      j.add("backward_macs_per_sample", r.backwardMacs)
      j.add("backward_flops_per_sample", r.backwardFlops)
      j.add("step_flops_per_sample", r.stepFlops)
      j.add("step_flops", r.batchStepFlops)
    }
    let rows = r.rows.map { row -> String in
      var e = JSONObject()
      e.add("layer", row.label)
      e.add("type", row.type)
      if row.notCounted != nil {
        e.add("counted", false)
        return e.string
      }
      e.add("macs", row.macs)
      e.add("flops", row.flops)
      if r.options.training { e.add("backward_flops", row.backwardFlops) }
      if row.isGroup { e.add("sum_of_its_layers", true) }
      if r.options.layer.map({ "#\($0)" == row.label }) ?? false {
        let terms = row.terms.map { term -> String in
          var o = JSONObject()
          o.add("symbol", term.symbol)
          o.add("value", term.value)
          o.add("source", term.source)
          o.add("meaning", term.meaning)
          return o.string
        }
        e.add("terms", raw: JSONObject.array(terms))
        let parts = row.parts.map { p -> String in
          var o = JSONObject()
          o.add("name", p.name)
          o.add("kind", p.kind.rawValue)
          o.add("factors", raw: JSONObject.array(p.symbols.map { "\"\($0)\"" }))
          o.add("value", p.value)
          return o.string
        }
        e.add("parts", raw: JSONObject.array(parts))
      }
      return e.string
    }
    j.add("layers", raw: JSONObject.array(rows))
    j.add("not_counted", raw: JSONObject.array(r.notCounted.map { "\"\($0.label)\"" }))
    return j.string
  }
}
