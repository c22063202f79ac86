// What the `--json` stream says beyond the contract's fields, where the text says it too: the
// layers an edit re-inferred, the lines a summary's model lacks, a layer type's arguments.

extension LayerChange {
  /// Why the layer was re-inferred, as the line under an edit gives it after the colon:
  /// `its input went from (None, 8, 4) to (None, 8, 6)`.
  var reason: String {
    if before.inputs == after.inputs, let n = after.spec.reuses {
      return "layer #\(n), which it calls again, changed"
    }
    if before.inputs.count > 1 || after.inputs.count > 1 {
      return "its inputs went from \(Self.list(before.inputs)) to \(Self.list(after.inputs))"
    }
    return "its input went from \(before.input.description) to \(after.input.description)"
  }

  /// Whether the reason is the common one, which follows from the two inputs alone (and so is
  /// remembered by them).
  var byInputs: Bool {
    before.inputs.count == 1 && after.inputs.count == 1 && after.spec.reuses == nil
  }

  static func list(_ shapes: [Shape]) -> String {
    "[" + shapes.map(\.description).joined(separator: ", ") + "]"
  }
}

extension JSONStream {
  /// After `"reinferred":N` of an edit that re-inferred later layers: the total before it and
  /// the layers the text lists (the first `LayerChange.shown`), each before and after,
  /// `,"total_before":110,"changes":[{"index":2,"before":LAYER,"after":LAYER,"reason":"…"}]`.
  mutating func changes(_ o: EditOutcome, into out: inout [UInt8]) {
    if let before = o.totalBefore {
      out.append(ascii: ",\"total_before\":")
      out.append(decimal: before, grouped: false)
    }
    out.append(ascii: ",\"changes\":[")
    for (k, c) in o.changes.enumerated() {
      if k > 0 { out.append(UInt8(ascii: ",")) }
      out.append(ascii: "{\"index\":")
      out.append(decimal: c.index, grouped: false)
      out.append(ascii: ",\"before\":")
      layer(c.index, c.before, into: &out)
      out.append(ascii: ",\"after\":")
      layer(c.index, c.after, into: &out)
      out.append(contentsOf: reason(c))
    }
    out.append(UInt8(ascii: "]"))
  }

  /// `,"reason":"its input went from … to …"}`, made once per pair of inputs.
  mutating func reason(_ c: LayerChange) -> [UInt8] {
    let key = ReasonKey(before: c.before.input, after: c.after.input)
    if c.byInputs, let known = reasons[key] { return known }
    var text = ",\"reason\":"
    JSONObject.appendString(c.reason, to: &text)
    text += "}"
    guard c.byInputs else { return Array(text.utf8) }
    if reasons.count >= 4096 { reasons.removeAll(keepingCapacity: true) }
    reasons[key] = Array(text.utf8)
    return reasons[key]!
  }

  /// In a summary after lines in error that may have meant to change the model (the text's
  /// footer): `,"refused_lines":[3,7],"refused_count":2` (the lines as many as were kept).
  static func refused(_ lines: [Int], count: Int, into out: inout [UInt8]) {
    out.append(ascii: ",\"refused_lines\":[")
    for (k, n) in lines.enumerated() {
      if k > 0 { out.append(UInt8(ascii: ",")) }
      out.append(decimal: n, grouped: false)
    }
    out.append(ascii: "],\"refused_count\":")
    out.append(decimal: count, grouped: false)
  }
}

extension JSONRenderer {
  /// The facts of a layer type's help, as fields: `"layer":"Conv2D","family":…,"formula":…,
  /// "arguments":[{"name":"filters","default":"required","accepts":"integer ≥ 1",
  /// "changes_count":true,"effect":"count","meaning":"…"},…],"inert":["activation",…]`
  /// (`"wraps"` too for a wrapper that takes only some types).
  static func help(_ d: LayerDescriptor, _ catalog: LayerCatalog, into o: inout JSONObject) {
    o.add("layer", d.name)
    o.add("family", d.family)
    if let formula = Help.formula(of: d, catalog) { o.add("formula", formula) }
    if let accepts = d.accepts { o.add("wraps", raw: strings(accepts)) }
    let arguments = d.arguments.map { a -> String in
      var j = JSONObject()
      j.add("name", a.name)
      j.add("default", a.defaultText)
      j.add("accepts", a.allowedText)
      j.add("changes_count", a.changesCount)
      j.add("effect", effect(a.effect))
      j.add("meaning", a.meaning)
      return j.string
    }
    o.add("arguments", raw: JSONObject.array(arguments))
    o.add("inert", raw: strings(d.inert))
  }

  static func effect(_ e: ArgumentSpec.Effect) -> String {
    switch e {
    case .count: return "count"
    case .shape: return "shape"
    case .neither: return "neither"
    }
  }

  static func strings(_ items: [String]) -> String {
    JSONObject.array(
      items.map { s in
        var t = ""
        JSONObject.appendString(s, to: &t)
        return t
      })
  }
}
