/// `summary chart`: where a model's weights are, one bar per layer of its share of the
/// parameters, in block characters to an eighth of a column.
extension TextRenderer {
  /// The blocks of one to seven eighths of a column (a full column is `█`).
  static let eighths: [String] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
  /// Below this many columns left for the bars, the names are cut (down to their header's width).
  static let minimumBar = 20

  /// The chart as text (see `chart(_:into:drain:)`).
  public func chart(_ s: Session, flops: FlopsReport? = nil) -> String {
    var out: [UInt8] = []
    chart(s, flops: flops, into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends the chart: the model's line, a header, one line per layer (number, name and type,
  /// count, share, bar; a full bar is 100%, a layer of no parameters an empty one, a layer of a
  /// few at least an eighth), then the totals as the summary gives them. Every line fits
  /// `lineWidth` (the terminal's, or 100 columns) as far as the numbers allow: the names are
  /// cut first, with `…`. A long output is handed to `drain` every 64 KB. With `flops`
  /// (`summary chart flops`) the bars are each layer's share of the FLOPs of a forward pass.
  public func chart(
    _ s: Session, flops: FlopsReport? = nil, into out: inout [UInt8],
    drain: (inout [UInt8]) -> Bool = { _ in true }
  ) {
    let layers = s.layers
    let names = s.layerNames
    let total = flops?.flops ?? s.total
    // Each layer's number: its parameters, or its FLOPs (nil: no compute formula).
    let compute = flops.map { FlopsCells.rows($0, layers: layers.count) }
    // With flops: nil for a layer not counted; 0 for an input or a layer left out ("-").
    func value(_ i: Int) -> Int? {
      guard let compute else { return layers[i].params }
      return compute[i].map { $0.notCounted == nil ? $0.flops : nil } ?? 0
    }
    func count(_ i: Int) -> String {
      if let compute, compute[i] == nil { return "-" }
      return value(i).map(Format.thousands) ?? "?"
    }
    // A layer on the way to none of the declared outputs has no share of their total, no bar.
    let leftOut = s.leftOutOfTotals
    func share(_ i: Int) -> String {
      leftOut.contains(i) ? "-" : value(i).map { Format.share($0, of: total) } ?? "?"
    }
    func label(_ i: Int) -> String {
      "\(names[i]) (\(layers[i].typeName)\(layers[i].spec.reuses == nil ? "" : ", again"))"
    }
    func columns(_ t: String) -> Int { t.unicodeScalars.count }
    let header = ["#", "Layer (type)", flops == nil ? "Params" : "FLOPs", "Share"]
    var widths = header.map(columns)
    for i in layers.indices {
      widths[0] = max(widths[0], String(i + 1).utf8.count)
      widths[1] = max(widths[1], columns(label(i)))
      widths[2] = max(widths[2], count(i).utf8.count)
      widths[3] = max(widths[3], share(i).utf8.count)
    }
    // Two spaces before each column and before the bars.
    func fixed() -> Int { widths.reduce(0) { $0 + $1 + 2 } + 2 }
    if lineWidth - fixed() < Self.minimumBar {
      widths[1] = max(columns(header[1]), widths[1] - (Self.minimumBar - (lineWidth - fixed())))
    }
    let bar = max(lineWidth - fixed(), 1)
    func cell(_ t: String, _ w: Int, right: Bool) -> String {
      let n = columns(t)
      if n > w {
        return String(String.UnicodeScalarView(t.unicodeScalars.prefix(w - 1))) + "…"
      }
      let pad = String(repeating: " ", count: w - n)
      return right ? pad + t : t + pad
    }
    out.append(
      text: "Model: \"\(s.isGraph ? "functional" : "sequential")\""
        + (s.input.map { "   input \($0.description)" } ?? "") + "\n")
    func row(_ cells: [String]) -> String {
      var line = ""
      for (k, t) in cells.enumerated() {
        line += "  " + cell(t, widths[k], right: k != 1)
      }
      return line
    }
    let scale =
      flops == nil
      ? "Each layer's share of the \(Format.thousands(total)) params: a full bar is 100%, "
        + "an empty one a layer without weights."
      : "Each layer's share of the \(Format.thousands(total)) FLOPs of a forward pass (per "
        + "sample): a full bar is 100%, an empty one a layer without arithmetic."
    out.append(text: Format.wrap(scale, lead: " ", leadWidth: 1, hanging: 1, width: lineWidth))
    out.append(text: row(header) + "\n")
    for i in layers.indices {
      var line = row([String(i + 1), label(i), count(i), share(i)])
      let blocks = Self.bar(leftOut.contains(i) ? 0 : value(i) ?? 0, of: total, columns: bar)
      if !blocks.isEmpty { line += "  " + style.type(blocks) }
      out.append(text: line + "\n")
      if out.count >= 1 << 16, !drain(&out) { return }
    }
    out.append(text: totals(s))
    if let flops { out.append(text: computeFooter(flops)) }
    let note = ExportRenderer.deadNote(s)
    if !note.isEmpty {
      out.append(text: Format.wrap(note, lead: " ", leadWidth: 1, hanging: 1, width: lineWidth))
    }
  }

  /// The bar of `params` out of `total` in `columns` columns (all of them: 100%), rounded to
  /// the nearest eighth of a column; empty for none, at least an eighth for a few.
  static func bar(_ params: Int, of total: Int, columns: Int) -> String {
    guard params > 0, total > 0 else { return "" }
    let exact = Double(params) / Double(total) * Double(columns * 8)
    let n = min(max(Int(exact.rounded()), 1), columns * 8)
    return String(repeating: "█", count: n / 8) + eighths[n % 8]
  }
}

extension JSONStream {
  /// `summary chart` in --json: the summary's object with `"chart":true` and each layer's
  /// `share` (its parameters over the total, a fraction to six decimals; null for a model of
  /// none). With `flops` (`summary flops`, `summary chart flops`): `"flops":true`, each layer's
  /// `macs` and `flops` per sample (`"counted":false` without a formula), the share of the FLOPs,
  /// and the totals `macs_per_sample`, `flops_per_sample` and `not_counted`.
  mutating func chart(
    line: Int, _ s: Session, flops: FlopsReport? = nil, chart: Bool = true, refusedLines: [Int],
    refusedCount: Int, into out: inout [UInt8], drain: (inout [UInt8]) -> Bool
  ) {
    var o = JSONObject()
    o.add("command", "summary")
    o.add("line", line)
    if chart { o.add("chart", true) }
    if let flops {
      o.add("flops", true)
      if let n = flops.options.length { o.add("length", n) }
    }
    let rows = flops.map { FlopsCells.rows($0, layers: s.count) }
    let leftOut = s.leftOutOfTotals
    if let input = s.input { o.add("input_shape", input) }
    out.append(text: o.text)
    out.append(ascii: ",\"layers\":[")
    let names = s.isGraph ? s.layerNames : nil
    for (i, l) in s.layers.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      var fields = JSONObject()
      if let names {
        if l.spec.name == nil || l.spec.reuses != nil { fields.add("name", names[i]) }
        fields.add(
          "connected_to",
          raw: JSONObject.array(s.connections(of: i, names: names).map(JSONObject.string)))
      }
      if let rows, let row = rows[i] {
        if row.notCounted == nil {
          fields.add("macs", row.macs)
          fields.add("flops", row.flops)
        } else {
          fields.add("counted", false)
        }
      }
      if chart && (leftOut.contains(i) || rows?[i]?.notCounted != nil) {
        // No share: left out of the totals, or not counted in them.
        fields.add("share", raw: "null")
      } else if chart {
        let value = rows.map { $0[i].map { $0.notCounted == nil ? $0.flops : 0 } ?? 0 } ?? l.params
        fields.add("share", raw: Self.share(value, of: flops?.flops ?? s.total))
      }
      named(i + 1, l, fields.text.dropFirst() + ",", into: &out)
      if out.count >= 1 << 16, !drain(&out) { return }
    }
    out.append(UInt8(ascii: "]"))
    if s.isGraph { out.append(text: JSONRenderer.outputs(s)) }
    if let flops {
      var c = JSONObject()
      c.add("macs_per_sample", flops.macs)
      c.add("flops_per_sample", flops.flops)
      c.add("not_counted", raw: JSONObject.array(flops.notCounted.map { "\"\($0.label)\"" }))
      out.append(text: "," + c.text.dropFirst())
    }
    if refusedCount > 0 { JSONStream.refused(refusedLines, count: refusedCount, into: &out) }
    totals(s, into: &out)
  }

  /// `params` over `total` as a JSON number to six decimals (`0.25`, `1`, `0.000016`); `null`
  /// when the total is 0.
  static func share(_ params: Int, of total: Int) -> String {
    guard total > 0 else { return "null" }
    let millionths = Int((Double(params) / Double(total) * 1_000_000).rounded())
    let whole = millionths / 1_000_000
    var fraction = String(millionths % 1_000_000)
    fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
    while fraction.hasSuffix("0") { fraction.removeLast() }
    return fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
  }
}
