/// The `--json` stream: one object per command line, as the conformance README specifies.
public enum JSONRenderer {
  public static func layer(_ index: Int, _ l: ModelLayer) -> String {
    var o = JSONObject()
    o.add("index", index)
    o.add("type", l.typeName)
    o.add("input_shape", l.input)
    o.add("output_shape", l.output)
    o.add("params", l.params)
    o.add("trainable", l.trainable)
    o.add("non_trainable", l.nonTrainable)
    o.add("weights", raw: JSONObject.array(l.inference.weights.map(weight)))
    return o.string
  }

  static func weight(_ w: Weight) -> String {
    var o = JSONObject()
    o.add("name", w.name)
    o.add("shape", raw: JSONObject.array(w.shape.map(String.init)))
    o.add("trainable", w.trainable)
    o.add("count", w.count)
    return o.string
  }

  static func totals(_ o: inout JSONObject, _ s: Session) {
    o.add("total", s.total)
    o.add("trainable", s.trainable)
    o.add("non_trainable", s.nonTrainable)
  }

  public static func render(_ response: Response, command: Command, line: Int, session s: Session) -> String {
    var o = JSONObject()
    o.add("command", command.name)
    o.add("line", line)
    switch response {
    case .edit(let name, let outcome):
      if name != command.name { o.add("action", name) }
      o.add("effect", "\(outcome.kind)")
      if name == "input", let input = s.input { o.add("shape", input) }
      if let layer = outcome.layer, let index = outcome.index { o.add("layer", raw: Self.layer(index, layer)) }
      if outcome.reinferred > 0 { o.add("reinferred", outcome.reinferred) }
      totals(&o, s)
    case .summary:
      if let input = s.input { o.add("input_shape", input) }
      o.add("layers", raw: JSONObject.array(s.layers.enumerated().map { layer($0.offset + 1, $0.element) }))
      totals(&o, s)
    case .total:
      totals(&o, s)
    case .explain(let indices):
      if case .explain(.all) = command {
        o.add("layers", raw: JSONObject.array(indices.map { explain($0, s) }))
      } else {
        return explain(indices[0], s, line: line)
      }
    case .layers:
      let groups = s.catalog.descriptors.map { d -> String in
        var g = JSONObject()
        g.add("type", d.name)
        g.add("family", d.family)
        return g.string
      }
      o.add("layers", raw: JSONObject.array(groups))
    case .help(let text):
      o.add("text", text)
    case .save(let path, _):
      o.add("path", path)
      o.add("layers", s.layers.count)
    case .load, .quit:
      break
    }
    return o.string
  }

  /// `{"command":"explain","line":5,"index":1,"type":"Conv1D","formula":...}`
  public static func explain(_ index: Int, _ s: Session, line: Int? = nil) -> String {
    let l = s.layers[index - 1]
    let e = l.explanation
    var o = JSONObject()
    if let line {
      o.add("command", "explain")
      o.add("line", line)
    }
    o.add("index", index)
    o.add("type", l.typeName)
    o.add("formula", e.formula)
    o.add("substituted", e.substituted)
    o.add("params", l.params)
    o.add("trainable", l.trainable)
    o.add("non_trainable", l.nonTrainable)
    let terms = e.terms.map { t -> String in
      var j = JSONObject()
      j.add("name", t.name)
      j.add("value", t.value)
      j.add("source", t.source.rawValue)
      j.add("meaning", t.meaning)
      return j.string
    }
    o.add("terms", raw: JSONObject.array(terms))
    o.add("weights", raw: JSONObject.array(l.inference.weights.map(weight)))
    o.add("input_shape", l.input)
    o.add("output_shape", l.output)
    o.add("shape_rule", e.shapeRule)
    var notes = e.notes
    if !l.spec.trainable && l.params > 0 { notes.append("trainable=false: every weight is frozen") }
    o.add("notes", raw: JSONObject.array(notes.map { n in
      var t = ""
      JSONObject.appendString(n, to: &t)
      return t
    }))
    o.add("not_affecting_count", raw: JSONObject.array(l.inert.map { a in
      var t = ""
      JSONObject.appendString("\(a.key)=\(a.value.script)", to: &t)
      return t
    }))
    return o.string
  }

  /// An error object: `{"command":"add","error":"...","line":3,"column":5,"hint":"..."}`.
  public static func error(_ e: ParamCalcError, command: String?, line: Int, column: Int) -> String {
    var o = JSONObject()
    if let command { o.add("command", command) }
    o.add("error", e.message)
    o.add("line", line)
    o.add("column", column)
    if let h = e.hint { o.add("hint", h) }
    return o.string
  }
}
