/// `summary flops` and `summary chart flops`: the compute's cells and totals beside the summary.
extension TextRenderer {
  /// Under `summary flops`: the compute's totals, and the layers without a formula.
  func computeFooter(_ r: FlopsReport) -> String {
    var out =
      " Compute per sample: \(style.number(Format.thousands(r.macs))) MACs, "
      + "\(Format.thousands(r.flops)) FLOPs (1 MAC = 2 FLOPs)\n"
    if let note = FlopsRenderer.notCountedNote(r) {
      out += Format.wrap("? " + note, lead: " ", leadWidth: 1, hanging: 3, width: lineWidth)
    }
    return out
  }
}

/// The MACs and FLOPs cells of `summary flops`, one per layer of the session (by index).
struct FlopsCells {
  var cells: [(macs: [UInt8], flops: [UInt8])]
  var widths: (macs: Int, flops: Int)

  init(_ r: FlopsReport, layers: Int) {
    // A model used as a layer with a layer not counted inside: its sum is of the others, `+ ?`.
    var partial: Set<String> = []
    for missing in r.notCounted where missing.depth > 0 {
      var label = Substring(missing.label)
      while let dot = label.lastIndex(of: ".") {
        label = label[..<dot]
        partial.insert(String(label))
      }
    }
    cells = Self.rows(r, layers: layers).map { row in
      guard let row else { return (Array("-".utf8), Array("-".utf8)) }
      if row.notCounted != nil { return (Array("?".utf8), Array("?".utf8)) }
      let more = partial.contains(row.label) ? " + ?" : ""
      return (
        Array((Format.thousands(row.macs) + more).utf8),
        Array((Format.thousands(row.flops) + more).utf8)
      )
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

}
