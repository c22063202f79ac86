/// What `export svg` writes: the model drawn by paramcalc itself, as SVG 1.1. One box per layer
/// (its name and class, output shape and count), the model's input a box of its own when a layer
/// reads it; an arrow from each tensor a layer reads (a state's labelled `h` or `c`); a layer
/// called again (`reuse`) with a dashed link to the layer whose weights it uses; a layer on the
/// way to no output drawn dashed. Laid out top to bottom by depth: a layer's row is one more
/// than the deepest row it reads (the input and named inputs are row 0), its column its place
/// among the layers of its row, in order.
public enum SVGRenderer {
  /// Where each box stands: the model input's row (nil when no layer reads it), and each
  /// layer's row and column.
  public struct Layout: Equatable, Sendable {
    public var input: Int?
    public var rows: [Int]
    public var columns: [Int]
  }

  /// What layer `i` reads: other layers (0-based) and whether it reads the model's input; each
  /// with its state's name, if a state.
  static func reads(_ s: Session, _ i: Int) -> [(layer: Int?, state: String?)] {
    let l = s.layers[i]
    if l.model is InputLayerModel { return [] }
    guard let sources = l.spec.sources else { return [(i == 0 ? nil : i - 1, nil)] }
    return sources.map { src in
      var state: String? = nil
      if case .state(_, let part) = src { state = part }
      return (s.layerIndex(of: src), state)
    }
  }

  /// The layered layout: rows by depth, columns in order within a row.
  public static func layout(_ s: Session) -> Layout {
    var rows: [Int] = []
    var input: Int? = nil
    for i in s.layers.indices {
      var row = 0
      for r in reads(s, i) {
        if let k = r.layer, k < rows.count {
          row = max(row, rows[k] + 1)
        } else {
          input = 0
          row = max(row, 1)
        }
      }
      rows.append(row)
    }
    var used: [Int: Int] = [:]
    if input != nil { used[0] = 1 }
    var columns: [Int] = []
    for r in rows {
      columns.append(used[r, default: 0])
      used[r, default: 0] += 1
    }
    return Layout(input: input, rows: rows, columns: columns)
  }

  // Geometry, in SVG user units (pixels).
  static let charWidth = 8
  static let lineHeight = 15
  static let padding = 8
  static let rowGap = 40
  static let columnGap = 24
  static let margin = 20

  public static func svg(_ s: Session) -> String {
    let names = s.layerNames
    let layers = s.layers
    let dead = Set(s.notOnTheWay)
    let plan = layout(s)
    var labels: [[String]] = layers.enumerated().map { i, l in
      [
        "\(names[i]) (\(l.typeName)\(l.spec.reuses == nil ? "" : ", again"))",
        "Output shape: \(l.outputsDescription)",
        l.spec.reuses.map { "Params: 0 (the weights of #\($0))" }
          ?? "Params: \(Format.thousands(l.params))",
      ]
    }
    let inputLabel = [
      "input (InputLayer)", "Output shape: \(s.input?.description ?? "?")", "Params: 0",
    ]
    if plan.input != nil { labels.append(inputLabel) }
    // Every box has the width of the widest label, so that columns line up.
    let widest = labels.flatMap { $0 }.map(\.count).max() ?? 0
    let boxWidth = widest * charWidth + 2 * padding
    let boxHeight = 3 * lineHeight + 2 * padding
    let rowCount = (plan.rows.max() ?? 0) + 1
    var perRow = Array(repeating: 0, count: rowCount)
    if plan.input != nil { perRow[0] = 1 }
    for r in plan.rows { perRow[r] += 1 }
    let columnCount = perRow.max() ?? 1
    let width = 2 * margin + columnCount * boxWidth + (columnCount - 1) * columnGap
    let height = 2 * margin + rowCount * boxHeight + (rowCount - 1) * rowGap
    func origin(row: Int, column: Int) -> (x: Int, y: Int) {
      (margin + column * (boxWidth + columnGap), margin + row * (boxHeight + rowGap))
    }
    func layerOrigin(_ k: Int?) -> (x: Int, y: Int) {
      guard let k else { return origin(row: 0, column: 0) }
      return origin(row: plan.rows[k], column: plan.columns[k])
    }

    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    out +=
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(width)\" "
      + "height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
      + "font-family=\"monospace\" font-size=\"12\">\n"
    out += "  <title>\(escape("Model \"\(s.isGraph ? "functional" : "sequential")\""))</title>\n"
    out += "  <defs>\n    <marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
    out += "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">\n"
    out += "      <path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#333\"/>\n    </marker>\n  </defs>\n"
    out += "  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"

    // The arrows first, so that the boxes are drawn over them.
    var edges = ""
    for i in layers.indices {
      let to = layerOrigin(i)
      // A layer's arrows end spread along its top, in the order it reads them, so that two
      // tensors of the same layer (its output and a state) are two arrows.
      let sources = reads(s, i)
      for (k, r) in sources.enumerated() {
        let from = layerOrigin(r.layer)
        let (x1, y1) = (from.x + boxWidth / 2, from.y + boxHeight)
        let (x2, y2) = (to.x + boxWidth * (k + 1) / (sources.count + 1), to.y)
        edges +=
          "  <path class=\"edge\" d=\"M \(x1) \(y1) C \(x1) \(y1 + rowGap), \(x2) \(y2 - rowGap), "
          + "\(x2) \(y2)\" fill=\"none\" stroke=\"#333\" marker-end=\"url(#arrow)\"/>\n"
        if let state = r.state {
          edges +=
            "  <text x=\"\((x1 + x2) / 2 + 4)\" y=\"\((y1 + y2) / 2)\" fill=\"#333\">"
            + "\(escape(state))</text>\n"
        }
      }
      if let n = layers[i].spec.reuses, n >= 1, n <= layers.count {
        let original = layerOrigin(n - 1)
        // From the left side of the call to the left side of the layer, bent to the left.
        let (x1, y1) = (to.x, to.y + boxHeight / 2)
        let (x2, y2) = (original.x, original.y + boxHeight / 2)
        let bend = min(x1, x2) - margin + 4
        edges +=
          "  <path class=\"reuse\" d=\"M \(x1) \(y1) C \(bend) \(y1), \(bend) \(y2), \(x2) \(y2)\" "
          + "fill=\"none\" stroke=\"#777\" stroke-dasharray=\"5,4\">"
          + "<title>same weights as #\(n)</title></path>\n"
      }
    }
    out += edges

    func box(_ id: String, _ at: (x: Int, y: Int), _ lines: [String], dashed: Bool) -> String {
      var b = "  <g class=\"layer\" id=\"\(escape(id))\">\n"
      b +=
        "    <rect x=\"\(at.x)\" y=\"\(at.y)\" width=\"\(boxWidth)\" height=\"\(boxHeight)\" "
        + "rx=\"4\" fill=\"#f4f6fb\" stroke=\"#333\"\(dashed ? " stroke-dasharray=\"5,4\"" : "")/>\n"
      for (k, line) in lines.enumerated() {
        b +=
          "    <text x=\"\(at.x + padding)\" y=\"\(at.y + padding + (k + 1) * lineHeight - 3)\"\(k == 0 ? " font-weight=\"bold\"" : "")>"
          + "\(escape(line))</text>\n"
      }
      return b + "  </g>\n"
    }
    if plan.input != nil {
      out = out + box("input", origin(row: 0, column: 0), inputLabel, dashed: false)
    }
    for i in layers.indices {
      out += box("L\(i + 1)", layerOrigin(i), labels[i], dashed: dead.contains(i))
    }
    return out + "</svg>\n"
  }

  /// Text as XML character data or an attribute value: `&`, `<`, `>`, `"` and `'` escaped,
  /// and the control characters XML 1.0 does not allow left out.
  public static func escape(_ text: String) -> String {
    var out = ""
    for c in text.unicodeScalars {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t", "\n", "\r": out += " "
      default:
        if c.value >= 0x20 && c.value != 0x7f { out.unicodeScalars.append(c) }
      }
    }
    return out
  }
}
