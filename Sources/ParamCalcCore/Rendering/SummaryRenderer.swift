/// The summary table: Keras's, with each layer's share and a trainable column.
extension TextRenderer {
  /// Keras-style summary table with a trainable column, then the totals.
  /// (`depth`: how many levels of models used as layers to show beneath their rows.)
  public func summary(_ s: Session, depth: Int = 0, flops: FlopsReport? = nil) -> String {
    var out: [UInt8] = []
    summary(s, depth: depth, flops: flops, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends the summary table. Every cell is ASCII, so widths are byte counts. With a `width`
  /// (the terminal's), the table fits it as far as its shapes allow. The table is
  /// made in two passes over the layers, the first for the column widths, the second writing
  /// the rows, handing full buffers to `drain`: a model of a million layers is never held as
  /// text. The cells of a definition on an input (type, shape, count, share) are made once, for
  /// the first 65,536. With `flops` (`summary flops`), each layer's MACs and FLOPs per sample
  /// follow its count, and their totals the model's.
  public func summary(
    _ s: Session, depth: Int = 0, flops: FlopsReport? = nil, into out: inout [UInt8],
    drain: (inout [UInt8]) -> Bool = { _ in true }
  ) {
    /// The cells of one definition on an input, and the number of its Keras name's base in `bases`.
    struct Cells {
      let base: Int
      let type: [UInt8]
      let shape: [UInt8]
      let params: [UInt8]
      let share: [UInt8]
      let trainable: UInt8
    }
    // At most 65,536 kept: a model of as many distinct layers (each with its own name=, say)
    // makes its cells again in the second pass rather than holding them all.
    var cells = LayerMemo<Cells>(limit: 1 << 16)
    var baseOf: [String: Int] = [:]
    var bases: [[UInt8]] = []
    let layers = s.layers
    let total = s.total
    // With declared outputs, the layers left out of the totals (and of the shares).
    let leftOut = s.leftOutOfTotals
    // A graph's layers are named as Keras names them (a name given with `as` kept), and each
    // row says what the layer reads.
    let graphNames: [String]? = s.isGraph ? s.layerNames : nil
    let connected: [[UInt8]] =
      graphNames.map { names in
        layers.indices.map {
          Array(s.connections(of: $0, names: names).joined(separator: ", ").utf8)
        }
      } ?? []
    func cell(_ l: ModelLayer) -> Cells {
      cells.value(for: l) { l in
        // Keras names a layer after its class (`GroupedQueryAttention`, exported as
        // GroupQueryAttention; a wrapper's, not the wrapped one's).
        let kerasClass = String(l.typeName.prefix { $0 != "(" })
        let base: Int
        if let known = baseOf[kerasClass] {
          base = known
        } else {
          base = bases.count
          bases.append(Array(LayerDescriptor.snakeCase(kerasClass).utf8))
          baseOf[kerasClass] = base
        }
        return Cells(
          base: base,
          // A call again: the layer's name, and the name given to this call's output.
          type: Array(
            " (\(l.typeName)\(l.spec.reuses == nil ? "" : ", again"))".utf8
              + (l.spec.reuses == nil ? [] : l.spec.name.map { Array(" as \($0)".utf8) } ?? [])),
          shape: Array(l.outputsDescription.utf8),
          params: Array(Format.thousands(l.params).utf8),
          share: Array(Format.share(l.params, of: total).utf8),
          trainable: l.spec.trainable ? UInt8(ascii: "Y") : UInt8(ascii: "N"))
      }
    }
    func digits(_ n: Int) -> Int { n < 10 ? 1 : 1 + digits(n / 10) }
    // The layers of each model used as a layer, beneath its row, `depth` levels deep.
    let expanded = depth > 0 ? NestedRow.rows(of: s, depth: depth) : [:]
    // `summary flops`: each layer's MACs and FLOPs cells (`-` for an input or a layer left out,
    // `?` for one without a formula).
    let compute = flops.map { FlopsCells($0, layers: layers.count) }
    // Pass 1: the widths.
    // Beside the compute's columns, the share is said to be of the parameters.
    let header = [
      "#", "Layer (type)", "Output Shape", "Param #", compute == nil ? "Share" : "Param share",
      "Trainable", "Connected to", "MACs", "FLOPs",
    ]
    let rightAligned: Set = [0, 3, 4, 7, 8]
    var widths = header.map(\.utf8.count)
    if let compute {
      widths[7] = max(widths[7], compute.widths.macs)
      widths[8] = max(widths[8], compute.widths.flops)
    }
    widths[0] = max(widths[0], digits(layers.count))
    var counters: [Int] = []
    for (i, l) in layers.enumerated() {
      let c = cell(l)
      if let graphNames {
        widths[1] = max(widths[1], graphNames[i].utf8.count + c.type.count)
        widths[6] = max(widths[6], connected[i].count)
      }
      if c.base >= counters.count {
        counters += repeatElement(0, count: c.base + 1 - counters.count)
      }
      let k = counters[c.base]
      counters[c.base] = k + 1
      if graphNames == nil {
        let name = bases[c.base].count + (k == 0 ? 0 : 1 + digits(k)) + c.type.count
        widths[1] = max(widths[1], name)
      }
      widths[2] = max(widths[2], c.shape.count)
      widths[3] = max(widths[3], c.params.count)
      widths[4] = max(widths[4], c.share.count)
    }
    for r in expanded.values.joined() {
      widths[1] = max(widths[1], r.nameWidth)
      widths[2] = max(widths[2], r.shape.count)
      widths[3] = max(widths[3], r.params.count)
      widths[4] = max(widths[4], r.share.count)
    }
    // At the prompt the table fits the terminal: the Share column goes first, then Trainable,
    // then the names are cut (with `…`) down to the header's width; shapes are never cut.
    var shown = [0, 1, 2, 3] + (compute == nil ? [] : [7, 8]) + [4, 5]
    if graphNames != nil { shown.append(6) }
    let fullName = widths[1]
    if let limit = width.map({ max($0, Self.minimumWidth) }) {
      func tableWidth() -> Int { shown.reduce(1) { $0 + widths[$1] + 3 } }
      for dropped in [4, 5] where tableWidth() > limit { shown.removeAll { $0 == dropped } }
      if tableWidth() > limit {
        widths[1] = max(header[1].utf8.count, widths[1] - (tableWidth() - limit))
      }
    }
    let showShare = shown.contains(4)
    let showTrainable = shown.contains(5)
    let cut = widths[1] < fullName
    func rule(_ l: String, _ fill: String, _ mid: String, _ r: String) -> [UInt8] {
      Array(
        (l + shown.map { String(repeating: fill, count: widths[$0] + 2) }.joined(separator: mid)
          + r + "\n").utf8)
    }
    func pad(_ n: Int) { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    out.append(
      text: "Model: \"\(graphNames == nil ? "sequential" : "functional")\""
        + (s.input.map { "   input \($0.description)" }
          ?? (graphNames == nil ? "   (no input yet)" : "")) + "\n")
    out.append(contentsOf: rule("┏", "━", "┳", "┓"))
    out.append(text: "┃")
    for j in shown {
      let h = header[j]
      out.append(UInt8(ascii: " "))
      if rightAligned.contains(j) { pad(widths[j] - h.utf8.count) }
      out.append(text: h)
      if !rightAligned.contains(j) { pad(widths[j] - h.utf8.count) }
      out.append(text: " ┃")
    }
    out.append(UInt8(ascii: "\n"))
    out.append(contentsOf: rule("┡", "━", "╇", "┩"))
    // Pass 2: the rows.
    let between = rule("├", "─", "┼", "┤")
    let edge = Array(" │".utf8)
    /// A row's cells after its name, to the end of the line: shape, count, share, trainable and
    /// what it reads (the columns shown).
    func rowEnd(
      _ shape: [UInt8], _ params: [UInt8], _ share: [UInt8], _ trainable: UInt8, _ reads: [UInt8],
      compute: (macs: [UInt8], flops: [UInt8])? = nil
    ) {
      out.append(contentsOf: edge)
      out.append(UInt8(ascii: " "))
      out.append(contentsOf: shape)
      pad(widths[2] - shape.count)
      out.append(contentsOf: edge)
      out.append(UInt8(ascii: " "))
      pad(widths[3] - params.count)
      out.append(contentsOf: params)
      out.append(contentsOf: edge)
      if let compute {
        out.append(UInt8(ascii: " "))
        pad(widths[7] - compute.macs.count)
        out.append(contentsOf: compute.macs)
        out.append(contentsOf: edge)
        out.append(UInt8(ascii: " "))
        pad(widths[8] - compute.flops.count)
        out.append(contentsOf: compute.flops)
        out.append(contentsOf: edge)
      }
      if showShare {
        out.append(UInt8(ascii: " "))
        pad(widths[4] - share.count)
        out.append(contentsOf: share)
        out.append(contentsOf: edge)
      }
      if showTrainable {
        out.append(UInt8(ascii: " "))
        out.append(trainable)
        pad(widths[5] - 1)
        out.append(contentsOf: edge)
      }
      if graphNames != nil {
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: reads)
        pad(widths[6] - reads.count)
        out.append(contentsOf: edge)
      }
      out.append(UInt8(ascii: "\n"))
    }
    for k in counters.indices { counters[k] = 0 }
    for (i, l) in layers.enumerated() {
      let c = cell(l)
      let k = counters[c.base]
      counters[c.base] = k + 1
      if i > 0 { out.append(contentsOf: between) }
      out.append(text: "│ ")
      pad(widths[0] - digits(i + 1))
      out.append(decimal: i + 1, grouped: false)
      out.append(contentsOf: edge)
      out.append(UInt8(ascii: " "))
      if cut || graphNames != nil {
        // A terminal too narrow for the names: each cut to its column, `…` where it is cut.
        var full = graphNames.map { Array($0[i].utf8) } ?? bases[c.base]
        if k > 0 && graphNames == nil { full.append(contentsOf: Array("_\(k)".utf8)) }
        full.append(contentsOf: c.type)
        if full.count > widths[1] {
          out.append(contentsOf: full[..<(widths[1] - 1)])
          out.append(text: "…")
        } else {
          out.append(contentsOf: full)
          pad(widths[1] - full.count)
        }
      } else {
        out.append(contentsOf: bases[c.base])
        var name = bases[c.base].count + c.type.count
        if k > 0 {
          out.append(UInt8(ascii: "_"))
          out.append(decimal: k, grouped: false)
          name += 1 + digits(k)
        }
        out.append(contentsOf: c.type)
        pad(widths[1] - name)
      }
      // A layer on the way to none of the declared outputs has no share of their total.
      rowEnd(
        c.shape, c.params, leftOut.contains(i) ? [UInt8(ascii: "-")] : c.share, c.trainable,
        graphNames == nil ? [] : connected[i], compute: compute?.cells[i])
      for r in expanded[i] ?? [] {
        // A layer of a model used as a layer: no number, its name indented beneath the model.
        out.append(contentsOf: between)
        out.append(text: "│ ")
        pad(widths[0])
        out.append(contentsOf: edge)
        out.append(UInt8(ascii: " "))
        if r.nameWidth > widths[1] {
          // A terminal too narrow for the name: cut, `…` where it is cut.
          let scalars = String(decoding: r.name, as: UTF8.self).unicodeScalars
          out.append(text: String(String.UnicodeScalarView(scalars.prefix(widths[1] - 1))) + "…")
        } else {
          out.append(contentsOf: r.name)
          pad(widths[1] - r.nameWidth)
        }
        rowEnd(r.shape, r.params, r.share, r.trainable ? UInt8(ascii: "Y") : UInt8(ascii: "N"), [])
      }
      if out.count >= 1 << 16, !drain(&out) { return }
    }
    out.append(contentsOf: rule("└", "─", "┴", "┘"))
    out.append(text: totals(s))
    if let flops { out.append(text: computeFooter(flops)) }
    if graphNames != nil { out.append(text: Self.deadFooter(s)) }
  }

  /// The totals under a summary (Keras's three lines), and the outputs `output` declared.
  func totals(_ s: Session) -> String {
    var out =
      " Total params: \(style.number(Format.thousands(s.total))) (\(Format.memory(params: s.total)))\n"
      + " Trainable params: \(Format.thousands(s.trainable)) (\(Format.memory(params: s.trainable)))\n"
      + " Non-trainable params: \(Format.thousands(s.nonTrainable)) (\(Format.memory(params: s.nonTrainable)))\n"
    if s.outputs != nil {
      let list = s.outputTensors.map { "\($0.name) \($0.shape.description)" }
      out += " Outputs: " + list.joined(separator: ", ") + "\n"
    }
    return out
  }

  /// In a graph, the layers on the way to no output, directly or through others: without
  /// `output`, counted here and left out of a Keras model whose output is the last layer; with
  /// it, left out of the totals as Keras leaves them out.
  static func deadFooter(_ s: Session) -> String {
    let text = ExportRenderer.deadNote(s, listing: 8)
    return text.isEmpty ? "" : String(Format.wrap(text, lead: " ", leadWidth: 1, hanging: 1))
  }

  /// The footer of a summary after lines in error: the table is then not the model the script
  /// describes. `lines` are the first of them, `count` how many in all.
  public static func refusedFooter(_ lines: [Int], count: Int) -> String {
    let shown = lines.map(String.init)
    var list =
      shown.count == 1
      ? shown[0] : shown.dropLast().joined(separator: ", ") + " and " + shown.last!
    if count > lines.count {
      list = shown.joined(separator: ", ") + " and \(count - lines.count) more"
    }
    let which = count == 1 ? "line \(list) was" : "lines \(list) were"
    return " Not the script's model: \(which) refused and changed nothing.\n"
  }
}

/// A row of `summary depth=N` for a layer inside a model used as a layer: its name indented
/// beneath the model's (`   └ dense (Dense)`, as Keras's `summary(expand_nested=True)` shows
/// it), its output shape in the model, its count, share and whether it is trained.
struct NestedRow {
  let name: [UInt8]
  /// The name's width in columns (`└` is one column, three bytes).
  let nameWidth: Int
  let shape: [UInt8]
  let params: [UInt8]
  let share: [UInt8]
  let trainable: Bool
  /// The layers of a model used as a layer, `level` deep (1: the model's own layers).
  let level: Int
  let layer: ModelLayer
  let layerName: String

  /// For each layer of `s` (0-based) that is a model used as a layer (its first call), the rows
  /// of its layers, `depth` levels deep, in order.
  static func rows(of s: Session, depth: Int) -> [Int: [NestedRow]] {
    var out: [Int: [NestedRow]] = [:]
    for (i, l) in s.layers.enumerated() where l.spec.reuses == nil {
      guard let m = l.model as? NestedModel else { continue }
      var rows: [NestedRow] = []
      add(m, level: 1, depth: depth, trainable: l.spec.trainable, total: s.total, into: &rows)
      out[i] = rows
    }
    return out
  }

  static func add(
    _ m: NestedModel, level: Int, depth: Int, trainable: Bool, total: Int,
    into rows: inout [NestedRow]
  ) {
    for (name, l) in m.layers {
      let text = String(repeating: "   ", count: level) + "└ " + name + " (\(l.typeName))"
      let trained = trainable && l.spec.trainable
      rows.append(
        NestedRow(
          name: Array(text.utf8), nameWidth: text.unicodeScalars.count,
          shape: Array(l.output.description.utf8), params: Array(Format.thousands(l.params).utf8),
          share: Array(Format.share(l.params, of: total).utf8), trainable: trained, level: level,
          layer: l, layerName: name))
      if level < depth, let inner = l.model as? NestedModel {
        add(inner, level: level + 1, depth: depth, trainable: trained, total: total, into: &rows)
      }
    }
  }
}

extension NestedRow {
  /// The layers of a model used as a layer as `summary depth=N` writes them in --json: each
  /// layer's `name`, `type`, `output_shape`, counts, and for a model used as a layer inside it,
  /// its own `layers`, while `level` is below `depth`.
  static func json(_ m: NestedModel, level: Int, depth: Int, trainable: Bool) -> String {
    JSONObject.array(
      m.layers.map { name, l in
        var o = JSONObject()
        o.add("name", name)
        o.add("type", l.typeName)
        o.add("output_shape", l.output)
        o.add("params", l.params)
        // (Its counts as the model holds it: a frozen model makes them all non-trainable.)
        let trained = trainable && l.spec.trainable
        o.add("trainable", trained ? l.trainable : 0)
        o.add("non_trainable", trained ? l.nonTrainable : l.params)
        if level < depth, let inner = l.model as? NestedModel {
          o.add(
            "layers", raw: json(inner, level: level + 1, depth: depth, trainable: trained))
        }
        return o.string
      })
  }
}
