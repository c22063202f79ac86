/// What `export` writes: the summary as a Markdown pipe table or as CSV, or the model as a
/// Graphviz digraph, drawn as SVG by paramcalc itself, or rebuilt by a Keras 3 Python script. The
/// text only: the executable writes it to the file, as `save` writes.
public enum ExportFormat: String, CaseIterable, Sendable {
  case markdown, csv, dot, svg, keras

  /// The format's name, as the line that reports the export says it.
  public var title: String {
    switch self {
    case .markdown: return "Markdown"
    case .csv: return "CSV"
    case .dot: return "Graphviz DOT"
    case .svg: return "SVG"
    case .keras: return "Keras Python script"
    }
  }

  /// The usual file extension (for the examples in hints).
  public var fileExtension: String {
    switch self {
    case .markdown: return "md"
    case .csv: return "csv"
    case .dot: return "dot"
    case .svg: return "svg"
    case .keras: return "py"
    }
  }
}

extension TextRenderer {
  /// What `export` says once the file is written:
  /// `  exported 3 layers to model.dot (Graphviz DOT, 812 bytes)`.
  static func exported(
    _ format: ExportFormat, _ path: String, _ request: SaveRequest, _ s: Session
  ) -> String {
    "  exported \(s.count) layer\(s.count == 1 ? "" : "s") to \(path) (\(format.title), "
      + "\(Format.thousands(request.script.utf8.count)) bytes)\n"
  }
}

public enum ExportRenderer {
  /// The text of the model in `format`; a Keras script refuses a layer it cannot write.
  public static func text(
    _ format: ExportFormat, _ s: Session, at span: Span = .none
  ) throws(ParamCalcError) -> String {
    switch format {
    case .markdown: return markdown(s)
    case .csv: return csv(s)
    case .dot: return dot(s)
    case .svg: return SVGRenderer.svg(s)
    case .keras: return try KerasScriptRenderer.script(s, at: span)
    }
  }

  /// One row of the exported table: a layer as the summary shows it.
  struct Row {
    let index: Int
    let name: String
    /// The Keras class (`Dense`), and `, again` for a layer called again.
    let type: String
    let shape: String
    let params: Int
    let trainable: Int
    let nonTrainable: Int
    /// For a graph, the tensors the layer reads, by name; nil for a chain.
    let connected: [String]?
    /// On the way to none of the declared outputs: left out of the totals, so of no share.
    let leftOut: Bool
  }

  /// The layers as the summary lists them: Keras's names, and in a graph what each reads.
  static func rows(_ s: Session) -> [Row] {
    let names = s.layerNames
    let leftOut = s.leftOutOfTotals
    return s.layers.enumerated().map { i, l in
      Row(
        index: i + 1, name: names[i],
        type: l.typeName + (l.spec.reuses == nil ? "" : ", again"),
        shape: l.outputsDescription, params: l.params, trainable: l.trainable,
        nonTrainable: l.nonTrainable,
        connected: s.isGraph ? s.connections(of: i, names: names) : nil,
        leftOut: leftOut.contains(i))
    }
  }

  /// The model's name as Keras's summary gives it.
  static func modelName(_ s: Session) -> String { s.isGraph ? "functional" : "sequential" }

  /// What a graph's totals leave out or count beyond Keras's model (the summary's footer, in
  /// one sentence, naming the first `listing` layers or all); empty for a chain or when every
  /// layer is on the way to an output.
  static func deadNote(_ s: Session, listing: Int = .max) -> String {
    let dead = s.notOnTheWay
    guard !dead.isEmpty else { return "" }
    let list =
      dead.prefix(listing).map { "#\($0 + 1)" }.joined(separator: ", ")
      + (dead.count > listing ? " and \(dead.count - listing) more" : "")
    return s.outputs == nil
      ? "Not read on the way to the last layer: \(list) (counted here; Keras's "
        + "Model(inputs, outputs) with the last layer as its output would leave them out; "
        + "'output NAME,...' names other outputs)."
      : "On the way to no output: \(list) (left out of the totals, as Keras's "
        + "Model(inputs, outputs) leaves them out)."
  }

  // MARK: Markdown

  /// A pipe table (GitHub's), then the totals as a list.
  public static func markdown(_ s: Session) -> String {
    let rows = rows(s)
    let graph = s.isGraph
    var out = "## Model \"\(modelName(s))\"\n\n"
    if let input = s.input { out += "Input: \(input.description)\n\n" }
    out += "| # | Layer | Type | Output shape | Params | Trainable | Non-trainable | Share |"
    out += graph ? " Connected to |\n" : "\n"
    out += "|--:|:--|:--|:--|--:|--:|--:|--:|" + (graph ? ":--|\n" : "\n")
    for r in rows {
      var cells = [
        String(r.index), "`" + r.name + "`", r.type, r.shape, Format.thousands(r.params),
        Format.thousands(r.trainable), Format.thousands(r.nonTrainable),
        r.leftOut ? "-" : Format.share(r.params, of: s.total),
      ]
      if let c = r.connected { cells.append(c.joined(separator: ", ")) }
      out += "| " + cells.map(markdownCell).joined(separator: " | ") + " |\n"
    }
    out += "\n- Total params: \(Format.thousands(s.total)) (\(Format.memory(params: s.total)))\n"
    out +=
      "- Trainable params: \(Format.thousands(s.trainable)) "
      + "(\(Format.memory(params: s.trainable)))\n"
    out +=
      "- Non-trainable params: \(Format.thousands(s.nonTrainable)) "
      + "(\(Format.memory(params: s.nonTrainable)))\n"
    if s.outputs != nil {
      let list = s.outputTensors.map { "\($0.name) \($0.shape.description)" }
      out += "- Outputs: " + list.joined(separator: ", ") + "\n"
    }
    let note = deadNote(s)
    if !note.isEmpty { out += "\n" + markdownCell(note) + "\n" }
    return out
  }

  /// A table cell: `|` escaped (it would end the cell), as is a backslash before it.
  static func markdownCell(_ text: String) -> String {
    var out = ""
    for c in text {
      if c == "|" || c == "\\" { out.append("\\") }
      out.append(c)
    }
    return out
  }

  // MARK: CSV

  /// RFC 4180: records end with CRLF; a field with a comma, a quote or a line break is quoted,
  /// its quotes doubled. One header record, one record per layer, and a last record of the
  /// totals (with as many fields, so that the table stays rectangular). Numbers are written
  /// without separators, the share as a percentage with one decimal.
  public static func csv(_ s: Session) -> String {
    let graph = s.isGraph
    var header = [
      "#", "Layer", "Type", "Output shape", "Params", "Trainable params", "Non-trainable params",
      "Share (%)",
    ]
    if graph { header.append("Connected to") }
    var out = record(header)
    for r in rows(s) {
      var fields = [
        String(r.index), r.name, r.type, r.shape, String(r.params), String(r.trainable),
        String(r.nonTrainable), r.leftOut ? "" : percent(r.params, of: s.total),
      ]
      if let c = r.connected { fields.append(c.joined(separator: ", ")) }
      out += record(fields)
    }
    var totals = [
      "", "Total", "", "", String(s.total), String(s.trainable), String(s.nonTrainable),
      percent(s.total, of: s.total),
    ]
    if graph { totals.append("") }
    out += record(totals)
    return out
  }

  /// The fields as one CSV record, CRLF-terminated.
  static func record(_ fields: [String]) -> String {
    fields.map(csvField).joined(separator: ",") + "\r\n"
  }

  /// A CSV field: as it is, or quoted (its quotes doubled) when it holds a comma, a quote, CR
  /// or LF.
  public static func csvField(_ text: String) -> String {
    let special: (Unicode.Scalar) -> Bool = { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
    guard text.unicodeScalars.contains(where: special) else { return text }
    var out = String.UnicodeScalarView()
    out.append("\"")
    for c in text.unicodeScalars {
      if c == "\"" { out.append("\"") }
      out.append(c)
    }
    out.append("\"")
    return String(out)
  }

  /// `params` as a percentage of `total` with one decimal (`12.5`), empty for a model of none.
  static func percent(_ params: Int, of total: Int) -> String {
    let share = Format.share(params, of: total)
    return share == "-" ? "" : String(share.dropLast())
  }
}

// MARK: Graphviz DOT

extension ExportRenderer {
  /// The model as a Graphviz digraph, drawn as Keras's `plot_model` draws it: one box per layer
  /// (its name and class, output shape and count), an edge from each tensor a layer reads (a
  /// state's edge labelled `h` or `c`), the model's input a node of its own. A layer called
  /// again (`reuse`) is a node of its own too, with a dashed edge to the layer whose weights it
  /// uses; a layer on the way to no output is drawn dashed.
  public static func dot(_ s: Session) -> String {
    let names = s.layerNames
    let layers = s.layers
    let dead = Set(s.notOnTheWay)
    var nodes: [String] = []
    var edges: [String] = []
    var readsInput = false
    func node(_ i: Int) -> String { dotString("L\(i + 1)") }
    for (i, l) in layers.enumerated() {
      var label = [
        "\(names[i]) (\(l.typeName)\(l.spec.reuses == nil ? "" : ", again"))",
        "Output shape: \(l.outputsDescription)",
      ]
      if let n = l.spec.reuses {
        label.append("Params: 0 (the weights of #\(n))")
        edges.append(
          "  \(node(i)) -> \(node(n - 1)) [style=dashed, constraint=false, "
            + "label=\"same weights\"];")
      } else {
        label.append("Params: \(Format.thousands(l.params))")
      }
      nodes.append(
        "  \(node(i)) [label=\(dotLabel(label))\(dead.contains(i) ? ", style=dashed" : "")];")
      if l.model is InputLayerModel { continue }
      guard let sources = l.spec.sources else {
        if i == 0 {
          readsInput = true
          edges.append("  \(dotString("input")) -> \(node(i));")
        } else {
          edges.append("  \(node(i - 1)) -> \(node(i));")
        }
        continue
      }
      for source in sources {
        var attributes = ""
        if case .state(_, let part) = source { attributes = " [label=\(dotString(part))]" }
        if let k = s.layerIndex(of: source) {
          edges.append("  \(node(k)) -> \(node(i))\(attributes);")
        } else {
          readsInput = true
          edges.append("  \(dotString("input")) -> \(node(i))\(attributes);")
        }
      }
    }
    var out = "digraph \(dotString(modelName(s))) {\n"
    out +=
      "  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n"
    if readsInput {
      let shape = s.input?.description ?? "?"
      out +=
        "  \(dotString("input")) [label=\(dotLabel(["input (InputLayer)", "Output shape: \(shape)", "Params: 0"]))];\n"
    }
    for n in nodes { out += n + "\n" }
    for e in edges { out += e + "\n" }
    return out + "}\n"
  }

  /// A DOT string: in double quotes, with `"` and `\` escaped.
  public static func dotString(_ text: String) -> String {
    var out = "\""
    for c in text.unicodeScalars {
      switch c {
      case "\"", "\\": out += "\\" + String(c)
      case "\n": out += "\\n"
      case "\r": break
      default: out.unicodeScalars.append(c)
      }
    }
    return out + "\""
  }

  /// A node's label: the lines, each escaped, joined by DOT's `\n` (a centred line break).
  static func dotLabel(_ lines: [String]) -> String {
    "\"" + lines.map { String(dotString($0).dropFirst().dropLast()) }.joined(separator: "\\n")
      + "\""
  }
}
