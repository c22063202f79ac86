/// `summary flops` and `summary chart flops`: the compute's cells and totals beside the summary.
extension TextRenderer {
  /// Under `summary flops`: the compute's totals, and the layers without a formula.
  func computeFooter(_ r: FlopsReport) -> String {
    var out =
      " Compute per sample: \(style.number(Format.thousands(r.macs))) MACs, "
      + "\(Format.thousands(r.flops)) FLOPs (1 MAC = 2 FLOPs)\n"
    let missing = r.notCounted
    if !missing.isEmpty {
      out += Format.wrap(
        "? not counted (no compute formula, left out of the totals): "
          + missing.map { "\($0.label) \($0.type)" }.joined(separator: ", "),
        lead: " ", leadWidth: 1, hanging: 3, width: lineWidth)
    }
    return out
  }
}

/// The MACs and FLOPs cells of `summary flops`, one per layer of the session (by index).
struct FlopsCells {
  var cells: [(macs: [UInt8], flops: [UInt8])]
  var widths: (macs: Int, flops: Int)

  init(_ r: FlopsReport, layers: Int) {
    cells = Self.rows(r, layers: layers).map { row in
      guard let row else { return (Array("-".utf8), Array("-".utf8)) }
      return row.notCounted != nil
        ? (Array("?".utf8), Array("?".utf8))
        : (Array(Format.thousands(row.macs).utf8), Array(Format.thousands(row.flops).utf8))
    }
    widths = (cells.map(\.macs.count).max() ?? 1, cells.map(\.flops.count).max() ?? 1)
  }

  /// The report's row of each layer by index: nil for an input or a layer left out.
  static func rows(_ r: FlopsReport, layers: Int) -> [LayerFlops?] {
    var out: [LayerFlops?] = Array(repeating: nil, count: layers)
    for row in r.rows where row.depth == 0 {
      guard let n = Int(row.label.dropFirst()), n >= 1, n <= layers else { continue }
      out[n - 1] = row
    }
    return out
  }

  /// Each layer's FLOPs by index: 0 for an input or a layer left out, nil without a formula.
  static func values(_ r: FlopsReport, layers: Int) -> [Int?] {
    rows(r, layers: layers).map { row in
      guard let row else { return 0 }
      return row.notCounted == nil ? row.flops : nil
    }
  }
}
