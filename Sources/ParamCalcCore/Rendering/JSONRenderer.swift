/// The `--json` stream: one object per command line, as the conformance README specifies.
public enum JSONRenderer {
  public static func layer(_ index: Int, _ l: ModelLayer) -> String {
    "{\"index\":\(index)," + layerBody(l)
  }

  /// A layer object after its index: all of it depends only on the layer's definition and input.
  static func layerBody(_ l: ModelLayer) -> String {
    var o = JSONObject()
    o.first = true
    o.add("type", l.typeName)
    // A name given with `as` (for a layer called again, the name of that call's output), and
    // the tensors named with `from` (as written: `c1`, `#4`).
    if let name = l.spec.name { o.add(l.spec.reuses == nil ? "name" : "output_name", name) }
    if let n = l.spec.reuses { o.add("reuses", n) }
    if let sources = l.spec.sources {
      o.add("inputs", raw: JSONObject.array(sources.map { JSONObject.string($0.script) }))
      o.add("input_shapes", raw: JSONObject.array(l.inputs.map(JSONObject.shape)))
    }
    o.add("input_shape", l.input)
    o.add("output_shape", l.output)
    let states = l.states
    if !states.isEmpty {
      o.add(
        "states",
        raw: JSONObject.array(
          states.map { s in
            var one = JSONObject()
            one.add("name", s.name)
            one.add("shape", s.shape)
            return one.string
          }))
    }
    o.add("params", l.params)
    o.add("trainable", l.trainable)
    o.add("non_trainable", l.nonTrainable)
    o.add("weights", raw: JSONObject.array(l.inference.weights.map(weight)))
    return String(o.string.dropFirst())
  }

  /// A graph's outputs and the layers on the way to none of them:
  /// `,"outputs":[{"name":"out","shape":[null,3]}],"declared_outputs":true,"left_out":[4]`.
  static func outputs(_ s: Session) -> String {
    let list = s.outputTensors.map { t in
      var one = JSONObject()
      one.add("name", t.name)
      one.add("shape", t.shape)
      return one.string
    }
    return ",\"outputs\":" + JSONObject.array(list) + ",\"declared_outputs\":"
      + (s.outputs == nil ? "false" : "true") + ",\"left_out\":"
      + JSONObject.array(s.notOnTheWay.map { String($0 + 1) })
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

  public static func render(_ response: Response, line: Int, session s: Session) -> String {
    var o = JSONObject()
    o.add("command", response.command)
    o.add("line", line)
    switch response {
    case .edit, .summary, .chart, .summaryFlops, .explain(_, all: true), .imported:
      // One writer for these objects: the byte stream the binary uses.
      var stream = JSONStream()
      var out: [UInt8] = []
      stream.render(response, line: line, session: s, into: &out)
      return String(decoding: out.dropLast(), as: UTF8.self)
    case .total:
      totals(&o, s)
    case .memory(let report):
      return MemoryRenderer.json(report, line: line)
    case .flops(let report):
      return FlopsRenderer.json(report, line: line)
    case .explain(let indices, _):
      return explain(indices[0], s, line: line)
    case .layers:
      let groups = s.catalog.descriptors.map { d -> String in
        var g = JSONObject()
        g.add("type", d.name)
        g.add("family", d.family)
        let aliases = LayerCatalog.kerasAliases.filter { $0.value == d.name }.map(\.key).sorted()
        if !aliases.isEmpty {
          g.add("aliases", raw: JSONObject.array(aliases.map { a in "\"" + a + "\"" }))
        }
        return g.string
      }
      o.add("layers", raw: JSONObject.array(groups))
      let leftOut = LayerCatalog.leftOut.map { k, reason -> String in
        var g = JSONObject()
        g.add("type", k)
        g.add("reason", reason)
        return g.string
      }
      o.add("left_out", raw: JSONObject.array(leftOut))
    case .help(let text, let layer):
      o.add("text", text)
      if let layer { help(layer, s.catalog, into: &o) }
    case .setting(let setting):
      o.add("mode", setting.word)
    case .save(let path, _):
      o.add("path", path)
      o.add("layers", s.count)
    case .export(let format, let path, let request):
      o.add("format", format.rawValue)
      o.add("path", path)
      o.add("bytes", request.script.utf8.count)
    case .load, .importFile, .importLayer, .play, .quit:
      break
    case .whatIf(let report): return WhatIfRenderer.json(report, line: line)
    case .compareFile: break
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
    if !e.parts.isEmpty { o.add("parts", raw: JSONObject.array(e.parts.map(part))) }
    o.add("input_shape", l.input)
    o.add("output_shape", l.output)
    o.add("shape_rule", e.shapeRule)
    var notes = e.notes
    if !l.spec.trainable && l.params > 0 { notes.append("trainable=false: every weight is frozen") }
    o.add(
      "notes",
      raw: JSONObject.array(
        notes.map { n in
          var t = ""
          JSONObject.appendString(n, to: &t)
          return t
        }))
    o.add(
      "not_affecting_count",
      raw: JSONObject.array(
        l.inert.map { a in
          var t = ""
          JSONObject.appendString("\(a.key)=\(a.value.script)", to: &t)
          return t
        }))
    return o.string
  }

  /// `{"name":"query projection","detail":...,"expression":"16 * 2 * 8 + 2 * 8","count":272,
  /// "parts":[...]}`: a weight has a `shape`, a group its `parts`.
  static func part(_ p: Part) -> String {
    var o = JSONObject()
    o.add("name", p.name)
    if let shape = p.shape { o.add("shape", raw: JSONObject.array(shape.map(String.init))) }
    if let d = p.detail { o.add("detail", d) }
    o.add("expression", p.expression)
    o.add("count", p.count)
    if !p.parts.isEmpty { o.add("parts", raw: JSONObject.array(p.parts.map(part))) }
    return o.string
  }

  /// An error object: `{"command":"add","error":"...","line":3,"column":5,"hint":"..."}`.
  public static func error(_ e: ParamCalcError, command: String?, line: Int, column: Int) -> String
  {
    var o = JSONObject()
    if let command { o.add("command", command) }
    o.add("error", e.message)
    o.add("line", line)
    o.add("column", column)
    if let h = e.hint { o.add("hint", h) }
    return o.string
  }
}

/// The `--json` stream for a long script: the object of each edit is written straight into the
/// output bytes, and a layer's description (the same for the same definition on the same input)
/// is made once. Prints exactly what `JSONRenderer.render` prints.
public struct JSONStream {
  var bodies = LayerTextCache()
  /// The `"reason"` field of a re-inferred layer, by its input before and after (an edit and its
  /// undo give the same ones again and again).
  var reasons: [ReasonKey: [UInt8]] = [:]
  struct ReasonKey: Hashable {
    let before: Shape
    let after: Shape
  }

  public init() {}

  /// Appends the object of a response and a newline to `out`. A long one (`summary`,
  /// `explain all`) hands `out` to `drain` whenever it holds 64 KB, so that it is written as it
  /// is made; it stops when `drain` says so (the output cannot be written, or Ctrl-C).
  /// `refusedLines` (the first few) and `refusedCount`: the lines in error before that may have
  /// meant to change the model, which a summary names.
  public mutating func render(
    _ response: Response, line: Int, session s: Session, refusedLines: [Int] = [],
    refusedCount: Int = 0, into out: inout [UInt8],
    drain: (inout [UInt8]) -> Bool = { _ in true }
  ) {
    switch response {
    case .edit(let name, let outcome):
      edit(name, outcome, line: line, s, into: &out)
    case .imported(let outcome, let model):
      imported(outcome, model, line: line, s, into: &out)
    case .summary(let depth):
      var o = JSONObject()
      o.add("command", "summary")
      o.add("line", line)
      if depth > 0 { o.add("depth", depth) }
      if let input = s.input { o.add("input_shape", input) }
      out.append(text: o.text)
      out.append(ascii: ",\"layers\":[")
      // A graph's layers say their Keras name and the tensors they read, by name.
      let names = s.isGraph ? s.layerNames : nil
      for (i, l) in s.layers.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        if let names {
          var graph = JSONObject()
          if l.spec.name == nil || l.spec.reuses != nil { graph.add("name", names[i]) }
          graph.add(
            "connected_to",
            raw: JSONObject.array(s.connections(of: i, names: names).map(JSONObject.string)))
          named(i + 1, l, graph.text.dropFirst() + ",", into: &out)
        } else {
          layer(i + 1, l, into: &out)
        }
        if depth > 0, l.spec.reuses == nil, let m = l.model as? NestedModel {
          // A model used as a layer: its layers, `depth` levels deep, before the object closes.
          out.removeLast()
          out.append(ascii: ",\"layers\":")
          out.append(
            text: NestedRow.json(m, level: 1, depth: depth, trainable: l.spec.trainable) + "}")
        }
        if out.count >= 1 << 16, !drain(&out) { return }
      }
      out.append(UInt8(ascii: "]"))
      if s.isGraph { out.append(text: JSONRenderer.outputs(s)) }
      if refusedCount > 0 { JSONStream.refused(refusedLines, count: refusedCount, into: &out) }
      totals(s, into: &out)
      return
    case .chart:
      chart(
        line: line, s, refusedLines: refusedLines, refusedCount: refusedCount, into: &out,
        drain: drain)
    case .summaryFlops(let report, let chart):
      self.chart(
        line: line, s, flops: report, chart: chart, refusedLines: refusedLines,
        refusedCount: refusedCount, into: &out, drain: drain)
    case .explain(let indices, all: true):
      out.append(ascii: "{\"command\":\"explain\",\"line\":")
      out.append(decimal: line, grouped: false)
      out.append(ascii: ",\"layers\":[")
      for (k, i) in indices.enumerated() {
        if k > 0 { out.append(UInt8(ascii: ",")) }
        out.append(text: JSONRenderer.explain(i, s))
        if out.count >= 1 << 16, !drain(&out) { return }
      }
      out.append(UInt8(ascii: "]"))
      if indices.isEmpty {
        var message = ",\"message\":"
        JSONObject.appendString(Explanation.nothingToExplain, to: &message)
        out.append(text: message)
      }
      out.append(ascii: "}\n")
      return
    default:
      out.append(text: JSONRenderer.render(response, line: line, session: s))
      out.append(UInt8(ascii: "\n"))
    }
  }

  /// The object of an edit: `{"command":"add","line":2,"effect":"added","layer":{...},...}`;
  /// after one that re-inferred later layers, those the text lists (`changes`).
  mutating func edit(
    _ name: String, _ outcome: EditOutcome, line: Int, _ s: Session, into out: inout [UInt8]
  ) {
    out.append(ascii: "{\"command\":\"")
    out.append(text: name)
    out.append(ascii: "\",\"line\":")
    out.append(decimal: line, grouped: false)
    out.append(ascii: ",\"effect\":\"")
    out.append(text: outcome.kind.rawValue)
    out.append(UInt8(ascii: "\""))
    if name == "input", let input = s.input {
      out.append(ascii: ",\"shape\":")
      out.append(text: JSONObject.shape(input))
    }
    if outcome.kind == .outputs { out.append(text: JSONRenderer.outputs(s)) }
    if let l = outcome.layer, let index = outcome.index {
      out.append(ascii: ",\"layer\":")
      layer(index, l, into: &out)
    }
    if outcome.reinferred > 0 {
      out.append(ascii: ",\"reinferred\":")
      out.append(decimal: outcome.reinferred, grouped: false)
      changes(outcome, into: &out)
    }
    totals(s, into: &out)
  }

  /// The object of `import`: load's (`"effect":"loaded"` and the totals), with the file, the
  /// model's name and class, and its layers, each with its name in the file:
  /// `{"command":"import","line":1,"effect":"loaded","path":"VGG16.json","model":"vgg16",
  /// "model_class":"Functional","layers":[{"index":1,"name":"block1_conv1","type":...}],...}`.
  mutating func imported(
    _ outcome: EditOutcome, _ m: ImportedModel, line: Int, _ s: Session, into out: inout [UInt8]
  ) {
    var o = JSONObject()
    o.add("command", CommandKind.importFile.name)
    o.add("line", line)
    o.add("effect", outcome.kind.rawValue)
    o.add("path", m.path)
    o.add("model", m.name)
    o.add("model_class", m.className)
    out.append(text: o.text)
    out.append(ascii: ",\"layers\":[")
    for (i, l) in s.layers.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      // The name in the file, unless the layer carries it (a graph's layers, named with `as`).
      var name = ""
      if i < m.layerNames.count, l.spec.name == nil {
        JSONObject.appendString(m.layerNames[i], to: &name)
        name = "\"name\":" + name + ","
      }
      named(i + 1, l, Substring(name), into: &out)
    }
    out.append(UInt8(ascii: "]"))
    totals(s, into: &out)
  }

  /// A layer object with `fields` (`"name":"x",`, ending with a comma, or empty) after its index.
  mutating func named(_ index: Int, _ l: ModelLayer, _ fields: Substring, into out: inout [UInt8]) {
    var one: [UInt8] = []
    layer(index, l, into: &one)
    let head = Array("{\"index\":\(index),".utf8)
    out.append(contentsOf: head)
    out.append(text: String(fields))
    out.append(contentsOf: one[head.count...])
  }

  /// A layer object, `{"index":3,"type":...}`; the part after the index is made once per
  /// definition on an input.
  mutating func layer(_ index: Int, _ l: ModelLayer, into out: inout [UInt8]) {
    out.append(ascii: "{\"index\":")
    out.append(decimal: index, grouped: false)
    out.append(UInt8(ascii: ","))
    if let body = bodies.lookup(l) {
      out.append(contentsOf: body)
    } else {
      let body = Array(JSONRenderer.layerBody(l).utf8)
      bodies.store(l, body)
      out.append(contentsOf: body)
    }
  }

  /// `,"total":…,"trainable":…,"non_trainable":…}` and the newline that ends the object.
  func totals(_ s: Session, into out: inout [UInt8]) {
    out.append(ascii: ",\"total\":")
    out.append(decimal: s.total, grouped: false)
    out.append(ascii: ",\"trainable\":")
    out.append(decimal: s.trainable, grouped: false)
    out.append(ascii: ",\"non_trainable\":")
    out.append(decimal: s.nonTrainable, grouped: false)
    out.append(ascii: "}\n")
  }
}
