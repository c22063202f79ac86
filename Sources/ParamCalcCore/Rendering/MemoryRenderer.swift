/// `memory`: the estimate as text (one block per category: its formula in words, the numbers,
/// what it counts) and as JSON. Every printed expression evaluates to the number after it.
public enum MemoryRenderer {
  /// A number of bytes and its size as Keras's summary writes it: `31,400 B (30.66 KB)`.
  static func bytes(_ n: Int) -> String {
    Format.thousands(n) + " B (" + Format.memory(bytes: n) + ")"
  }

  public static func text(_ r: MemoryReport, width: Int = Format.lineWidth) -> String {
    let o = r.options
    let t = Format.thousands
    let b = o.variableBytes
    let weightType = o.mixed ? "float32" : o.dtype.rawValue
    var out = ""
    func line(_ label: String, _ text: String) {
      let lead = "  " + Format.pad(label, 12) + " "
      out += Format.wrap(text, lead: lead, leadWidth: lead.count, hanging: 15, width: width)
    }
    func note(_ text: String) {
      out += Format.wrap(text, lead: "    ", leadWidth: 4, hanging: 6, width: width)
    }
    let precision =
      o.mixed ? "\(o.dtype.rawValue) compute, float32 weights (mixed=true)" : o.dtype.rawValue
    let optimizer = o.counted.map { $0.rawValue } ?? "no optimizer (int8 is not trained)"
    out += Format.wrap(
      "memory of the model: \(t(r.params)) params (\(t(r.trainable)) trainable, "
        + "\(t(r.nonTrainable)) non-trainable); \(precision), \(optimizer), batch \(t(o.batch))",
      lead: "  ", leadWidth: 2, hanging: 4, width: width)

    line("weights", "params × bytes = \(t(r.params)) × \(b) = " + bytes(r.weights))
    if o.mixed {
      note(
        "every parameter, trainable or not, at \(b) bytes: with mixed=true Keras keeps the "
          + "weights in float32, and each layer casts a \(o.dtype.rawValue) copy of its weights to "
          + "compute with as it runs (made and dropped layer by layer: not counted)")
    } else {
      note("every parameter, trainable or not, at \(b) byte\(b == 1 ? "" : "s") (\(weightType))")
    }

    if let opt = o.counted {
      line("gradients", "trainable × bytes = \(t(r.trainable)) × \(b) = " + bytes(r.gradients))
      var g =
        "one gradient per trainable parameter, in the weights' dtype (\(weightType)): Keras "
        + "takes the gradient with respect to each trainable weight"
      if r.nonTrainable > 0 {
        g +=
          "; the \(t(r.nonTrainable)) non-trainable parameters (frozen, or never "
          + "trained, such as BatchNormalization's moving mean and variance) have none"
      }
      note(g)
      line(
        "optimizer",
        "trainable × slots × bytes = \(t(r.trainable)) × \(opt.slots) × \(b) = "
          + bytes(r.optimizerState))
      if opt.slots == 0 {
        note("sgd (without momentum) keeps no slot: it moves each weight by its gradient alone")
      } else {
        let names = opt.slotNames.joined(separator: ", ")
        let slots = opt.slots == 1 ? "1 slot" : "\(opt.slots) slots"
        let who = opt == .momentum ? "sgd with momentum" : opt.rawValue
        note(
          "\(who) keeps \(slots) per trainable parameter (\(names)), each in the weights' "
            + "dtype (\(weightType)); non-trainable parameters have none")
      }
      let per = b + b + opt.slots * b
      note(
        "per trainable parameter: \(b) + \(b) + \(opt.slots) × \(b) = \(per) bytes (weight, "
          + "gradient, \(opt.slots) \(opt.rawValue) slot\(opt.slots == 1 ? "" : "s"))")
    } else {
      line("gradients", "0 B")
      line("optimizer", "0 B")
      note(
        "int8 weights are not trained in Keras (model.quantize('int8') makes them for "
          + "inference): no gradients, no optimizer state")
    }

    line(
      "activations",
      "elements × bytes × batch = \(t(r.elementsPerSample)) × \(r.activationBytes) × "
        + "\(t(o.batch)) = " + bytes(r.activations))
    note(
      "the forward activations kept for the backward pass: each layer's output per sample "
        + "(batch axis left out; a layer's states too, a layer called again on every call), at "
        + "\(r.activationBytes) byte\(r.activationBytes == 1 ? "" : "s") (\(o.dtype.rawValue)), "
        + "times the batch")
    for shape in r.filledInputs {
      note("length=\(t(o.length ?? 0)): the input is \(shape.description) for this estimate")
    }
    out += activationRows(r.rows, width: width)
    let top = r.rows.filter { $0.depth == 0 }
    if top.count == 1 {
    } else if top.count <= 12 {
      let sum = top.map { t($0.elements) }.joined(separator: " + ")
      note("elements = \(sum) = \(t(r.elementsPerSample))")
    } else {
      note("elements = the sum of these \(top.count) layers' = \(t(r.elementsPerSample))")
    }

    line("total", "weights + gradients + optimizer + activations")
    out +=
      String(repeating: " ", count: 15) + "= "
      + [r.weights, r.gradients, r.optimizerState, r.activations]
      .map(t).joined(separator: " + ") + " = " + bytes(r.total) + "\n"
    note(
      "an estimate: what the framework adds (workspace, fusion of layers, the input batch, "
        + "a loss scale) is not counted")
    return out
  }

  /// The layers whose outputs the activations count: `#3 Dense  (None, 10)  10`.
  static func activationRows(_ rows: [ActivationRow], width: Int) -> String {
    let names = rows.map {
      String(repeating: "  ", count: $0.depth) + $0.label + " " + $0.type
    }
    let shapes = rows.map { r in
      r.shapes.count == 1
        ? r.shapes[0].description : "[" + r.shapes.map(\.description).joined(separator: ", ") + "]"
    }
    let nameWidth = names.map(\.count).max() ?? 0
    let shapeWidth = shapes.map(\.count).max() ?? 0
    let countWidth = rows.map { Format.thousands($0.elements).count }.max() ?? 0
    var out = ""
    for (k, r) in rows.enumerated() {
      out +=
        "    " + Format.pad(names[k], nameWidth) + "  " + Format.pad(shapes[k], shapeWidth) + "  "
        + Format.pad(Format.thousands(r.elements), countWidth, right: true)
        + (r.isGroup ? "  (its layers' sum)" : "") + "\n"
    }
    return out
  }

  /// `{"command":"memory","line":3,"dtype":"float32",...}`.
  public static func json(_ r: MemoryReport, line: Int) -> String {
    let o = r.options
    var j = JSONObject()
    j.add("command", "memory")
    j.add("line", line)
    j.add("dtype", o.dtype.rawValue)
    j.add("batch", o.batch)
    if let opt = o.counted {
      j.add("optimizer", opt.rawValue)
    } else {
      j.add("optimizer", raw: "null")
    }
    j.add("mixed", o.mixed)
    if let n = o.length { j.add("length", n) }
    j.add("params", r.params)
    j.add("trainable", r.trainable)
    j.add("non_trainable", r.nonTrainable)
    j.add("bytes_per_weight", o.variableBytes)
    j.add("bytes_per_activation", r.activationBytes)
    j.add("optimizer_slots", r.slots)
    j.add("weights_bytes", r.weights)
    j.add("gradients_bytes", r.gradients)
    j.add("optimizer_bytes", r.optimizerState)
    j.add("activations_bytes", r.activations)
    j.add("total_bytes", r.total)
    j.add("activation_elements_per_sample", r.elementsPerSample)
    let rows = r.rows.map { row -> String in
      var e = JSONObject()
      e.add("layer", row.label)
      e.add("type", row.type)
      e.add("shapes", raw: JSONObject.array(row.shapes.map(JSONObject.shape)))
      e.add("elements", row.elements)
      if row.isGroup { e.add("sum_of_its_layers", true) }
      return e.string
    }
    j.add("activation_layers", raw: JSONObject.array(rows))
    return j.string
  }
}
