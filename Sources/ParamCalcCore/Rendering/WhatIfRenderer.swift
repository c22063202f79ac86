/// `try`, `snapshot` and `compare` as text (for a class to read off a projector) and as JSON.
public enum WhatIfRenderer {
  static func t(_ n: Int) -> String { Format.thousands(n) }

  /// `(+4,160)`, `(-640)`, or `(same)`.
  static func delta(_ before: Int, _ after: Int) -> String {
    let d = after - before
    return d == 0 ? "(same)" : d > 0 ? "(+" + t(d) + ")" : "(" + t(d) + ")"
  }

  /// `4,160 → 8,320` and the difference, or the one number when it did not change.
  static func change(_ before: Int, _ after: Int, unit: String) -> String {
    before == after
      ? t(before) + " " + unit + " (same)"
      : t(before) + " → " + t(after) + " " + unit + " " + delta(before, after)
  }

  public static func text(_ r: WhatIfReport, width: Int = Format.lineWidth) -> String {
    switch r {
    case .tried(let command, let outcome, let diff):
      var out = "  try: " + what(command, outcome) + ": not applied ('keep' applies it)\n"
      if diff.rows.isEmpty { out += "    no layer changes\n" }
      out += rows(diff, then: "before", width: width)
      out += totals(diff)
      return out
    case .snapshot(let name, let layers, let total, let replaced):
      return "  snapshot '\(name)' \(replaced ? "replaced" : "kept"): "
        + "\(t(layers)) layer\(layers == 1 ? "" : "s"), total \(t(total)) params "
        + "('compare \(name)' shows what changed since)\n"
    case .compared(let against, let isFile, let diff):
      let name = isFile ? against : "snapshot '\(against)'"
      var out =
        "  compare \(name) (\(layers(diff.layersBefore))) with the model now "
        + "(\(layers(diff.layersAfter)))\n"
        + "  layers are matched by index: #N \(isFile ? "in the script" : "then") with #N now\n"
      if diff.identical {
        return out + "  no differences: the same input, layers, counts and shapes   total "
          + t(diff.totalAfter) + " params\n"
      }
      if diff.inputBefore != diff.inputAfter {
        out +=
          "  input " + (diff.inputBefore?.description ?? "not set") + " → "
          + (diff.inputAfter?.description ?? "not set") + "\n"
      }
      let side = isFile ? "the script" : "'\(against)'"
      out += rows(diff, then: side, width: width)
      out += totals(diff)
      return out
    }
  }

  static func layers(_ n: Int) -> String { t(n) + " layer" + (n == 1 ? "" : "s") }

  /// `change layer #2`, `insert a layer as #2`, `remove layer #2`, `add a layer as #4`.
  static func what(_ command: String, _ o: EditOutcome) -> String {
    let n = o.index.map { "#\($0)" } ?? ""
    switch o.kind {
    case .inserted: return "insert a layer as " + n
    case .added: return "add a layer as " + n
    case .removed: return "remove layer " + n
    default: return "change layer " + n
    }
  }

  /// One line per layer that differs (and the definitions that differ, beneath).
  static func rows(_ diff: ModelDiff, then side: String, width: Int) -> String {
    var out = ""
    for row in diff.rows {
      switch (row.before, row.after) {
      case (let b?, let a?):
        var line = "    #\(a.index)" + (a.index != b.index ? " (was #\(b.index))" : "") + " "
        line += b.type == a.type ? a.type : b.type + " → " + a.type
        line += "  " + change(b.params, a.params, unit: "params")
        if b.params == a.params && b.trainable != a.trainable {
          line += "   trainable " + t(b.trainable) + " → " + t(a.trainable)
        }
        let shape =
          "out "
          + (b.output == a.output
            ? b.output.description : b.output.description + " → " + a.output.description)
        // Too wide for the screen: the shapes go on the next line.
        out += line + (line.count + 3 + shape.count > width ? "\n      " : "   ") + shape + "\n"
        if b.script != a.script {
          out += clip("      was: " + b.script, width) + "\n"
          out += clip("      now: " + a.script, width) + "\n"
        }
      case (let b?, nil):
        let note = row.change == .removed && side != "before" ? " (only in \(side))" : ""
        out +=
          "    #\(b.index) \(b.type)  removed\(note): \(t(b.params)) params   out "
          + b.output.description + "\n"
      case (nil, let a?):
        let word = row.change == .inserted ? "inserted" : "added"
        let note = side != "before" ? " (now only)" : ""
        out +=
          "    #\(a.index) \(a.type)  \(word)\(note): \(t(a.params)) params   out "
          + a.output.description + "\n"
      default: break
      }
    }
    return out
  }

  /// A line cut to `width` columns, ending with `…` where it was cut.
  static func clip(_ s: String, _ width: Int) -> String {
    s.count <= width ? s : String(s.prefix(max(width - 1, 1))) + "…"
  }

  /// The totals before and after, and the memory estimate where both sides have one.
  static func totals(_ d: ModelDiff) -> String {
    var out = "  total " + change(d.totalBefore, d.totalAfter, unit: "params")
    if d.nonTrainableBefore != 0 || d.nonTrainableAfter != 0 {
      out +=
        "   (trainable " + t(d.trainableBefore) + " → " + t(d.trainableAfter) + ", non-trainable "
        + t(d.nonTrainableBefore) + " → " + t(d.nonTrainableAfter) + ")"
    }
    out += "\n"
    if let b = d.memoryBefore, let a = d.memoryAfter {
      out +=
        "  memory to train (float32, batch 1, adam): " + Format.memory(bytes: b)
        + (a == b ? " (same)" : " → " + Format.memory(bytes: a)) + "\n"
    }
    return out
  }

  // MARK: JSON

  /// `{"command":"try","line":3,"edit":"set","effect":"changed","index":2,"applied":false,
  /// "layers":[...],"total_before":...}`; `snapshot` and `compare` likewise (see the fields).
  public static func json(_ r: WhatIfReport, line: Int) -> String {
    var o = JSONObject()
    o.add("command", r.command)
    o.add("line", line)
    switch r {
    case .tried(let command, let outcome, let diff):
      o.add("edit", command)
      o.add("effect", outcome.kind.rawValue)
      if let i = outcome.index { o.add("index", i) }
      o.add("applied", false)
      fields(diff, into: &o)
    case .snapshot(let name, let layers, let total, let replaced):
      o.add("name", name)
      o.add("layers", layers)
      o.add("total", total)
      o.add("replaced", replaced)
    case .compared(let against, let isFile, let diff):
      o.add("against", isFile ? "file" : "snapshot")
      o.add(isFile ? "path" : "name", against)
      o.add("matched_by", "index")
      o.add("identical", diff.identical)
      o.add("layers_before", diff.layersBefore)
      o.add("layers_after", diff.layersAfter)
      o.add("input_before", raw: diff.inputBefore.map(JSONObject.shape) ?? "null")
      o.add("input_after", raw: diff.inputAfter.map(JSONObject.shape) ?? "null")
      fields(diff, into: &o)
    }
    return o.string
  }

  static func fields(_ d: ModelDiff, into o: inout JSONObject) {
    o.add(
      "changes",
      raw: JSONObject.array(
        d.rows.map { row in
          var j = JSONObject()
          j.add("change", row.change.rawValue)
          j.add("before", raw: row.before.map(side) ?? "null")
          j.add("after", raw: row.after.map(side) ?? "null")
          return j.string
        }))
    o.add("total_before", d.totalBefore)
    o.add("total_after", d.totalAfter)
    o.add("trainable_before", d.trainableBefore)
    o.add("trainable_after", d.trainableAfter)
    o.add("non_trainable_before", d.nonTrainableBefore)
    o.add("non_trainable_after", d.nonTrainableAfter)
    o.add("memory_bytes_before", raw: d.memoryBefore.map(String.init) ?? "null")
    o.add("memory_bytes_after", raw: d.memoryAfter.map(String.init) ?? "null")
  }

  static func side(_ s: LayerSide) -> String {
    var j = JSONObject()
    j.add("index", s.index)
    j.add("type", s.type)
    j.add("params", s.params)
    j.add("trainable", s.trainable)
    j.add("non_trainable", s.nonTrainable)
    j.add("input_shape", s.input)
    j.add("output_shape", s.output)
    j.add("script", s.script)
    return j.string
  }
}
