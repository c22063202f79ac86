extension CommandParser {
  /// `summary [depth=N]`, `summary chart`, `summary flops [length=N]`, `summary chart flops
  /// [length=N]`: the words in any order.
  func summary(_ toks: [Span]) throws(ParamCalcError) -> Command {
    let chart = toks.first { equals($0, "chart") }
    let flops = toks.first { equals($0, "flops") }
    let rest = toks.filter { !equals($0, "chart") && !equals($0, "flops") }
    guard flops != nil else {
      guard let chart else { return .summary(depth: try summaryDepth(rest)) }
      if let first = rest.first {
        throw .syntax(
          "'summary chart' takes nothing more: it draws one bar per row of the model",
          at: Span(min(chart.start, first.start), rest.last!.end),
          hint:
            "'summary chart' alone, or 'summary chart flops' for the shares of the compute; "
            + "'summary depth=N' shows the layers of a model used as a layer")
      }
      return .chart
    }
    let args = try arguments(rest, command: "summary")
    for a in args where a.key != "length" {
      if a.key == "depth" {
        throw .syntax(
          "'summary flops' shows one row per layer: a model used as a layer is one row",
          at: a.span, hint: "'flops' lists the layers of each model used as a layer, indented")
      }
      throw .unknownArgument(
        a.key, layer: "summary", at: a.span,
        suggestion: Suggestion.nearest(to: a.key, in: ["length"]))
    }
    return .summaryFlops(try FlopsOptions.read(args), chart: chart != nil)
  }

  /// `depth=N` after `summary`: how many levels of models used as layers to show beneath their
  /// rows (0 when absent: each in one row).
  func summaryDepth(_ toks: [Span]) throws(ParamCalcError) -> Int {
    guard let t = toks.first else { return 0 }
    if toks.count > 1 {
      throw .extraTokens(at: Span(toks[1].start, toks.last!.end), command: "summary")
    }
    let args = try arguments([t], command: "summary")
    guard let a = args.first, a.key == "depth", case .int(let n) = a.value, n >= 0 else {
      throw .invalidValue(
        argument: "depth",
        message: "summary takes depth=N, N a whole number of levels (0: each model used as a "
          + "layer in one row)",
        at: t, hint: "e.g. 'summary depth=1'")
    }
    return n
  }
}
