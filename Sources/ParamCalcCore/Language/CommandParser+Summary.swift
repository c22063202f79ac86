extension CommandParser {
  /// `summary [depth=N]`, `summary chart`, `summary flops [length=N]`, `summary chart flops
  /// [length=N]`: the words in any order, each once.
  func summary(_ toks: [Span]) throws(ParamCalcError) -> Command {
    for word in ["chart", "flops"] as [StaticString] {
      let found = toks.filter { equals($0, word) }
      if found.count > 1 {
        throw .syntax(
          "'\(text(found[1]))' is written twice", at: found[1],
          hint: "write each word once, e.g. 'summary chart flops'")
      }
    }
    let chart = toks.first { equals($0, "chart") }
    let flops = toks.first { equals($0, "flops") }
    let rest = toks.filter { !equals($0, "chart") && !equals($0, "flops") }
    guard flops != nil else {
      guard let chart else { return .summary(depth: try summaryDepth(rest)) }
      if let first = rest.first {
        let length = (try? arguments([first], command: "summary"))?.first?.key == "length"
        throw .syntax(
          "'summary chart' takes 'flops' (and with it length=N), not '\(text(first))'",
          at: Span(min(chart.start, first.start), rest.last!.end),
          hint: length
            ? "length=N gives unknown axes a size for the FLOPs: "
              + "'summary chart flops \(text(first))'"
            : "'summary chart' draws the shares of the parameters, 'summary chart flops "
              + "[length=N]' those of the compute; 'summary depth=N' shows the layers of a "
              + "model used as a layer")
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
    return .summaryFlops(
      try FlopsOptions.read(args, command: chart == nil ? "summary flops" : "summary chart flops"),
      chart: chart != nil)
  }

  /// `depth=N` after `summary`: how many levels of models used as layers to show beneath their
  /// rows (0 when absent: each in one row).
  func summaryDepth(_ toks: [Span]) throws(ParamCalcError) -> Int {
    guard let t = toks.first else { return 0 }
    if toks.count > 1 {
      throw .extraTokens(at: Span(toks[1].start, toks.last!.end), command: "summary")
    }
    let words = ["chart", "flops"]
    guard containsEquals(t) else {
      throw .syntax(
        "summary takes depth=N, 'chart' or 'flops', not '\(text(t))'", at: t,
        hint: Suggestion.nearest(to: lower(t), in: words).map { "did you mean '\($0)'?" }
          ?? "'help summary' shows what it takes")
    }
    let args = try arguments([t], command: "summary")
    if let a = args.first, a.key == "length" {
      var n = 100
      if case .int(let given) = a.value, given >= 1 { n = given }
      throw .syntax(
        "length= goes with 'summary flops': it gives unknown axes a size to count the FLOPs",
        at: t, hint: "e.g. 'summary flops length=\(n)'")
    }
    if let a = args.first, words.contains(a.key) {
      throw .syntax(
        "'\(a.key)' is a word of summary, written alone, not '\(text(t))'", at: t,
        hint: "e.g. 'summary \(a.key)'")
    }
    if let a = args.first, a.key != "depth" {
      throw .unknownArgument(
        a.key, layer: "summary", at: a.span,
        suggestion: Suggestion.nearest(to: a.key, in: ["depth", "length"] + words))
    }
    guard let a = args.first, a.key == "depth", case .int(let n) = a.value, n >= 0 else {
      throw .invalidValue(
        argument: "depth",
        message: "summary takes depth=N, N a whole number of levels (0: each model used as a "
          + "layer in one row)",
        at: t, hint: "e.g. 'summary depth=1'")
    }
    return n
  }

  /// Refuses what follows `explain N` when it is not `flops`: a word near it (`explain 1 flop`)
  /// with a did-you-mean.
  func explainExtra(_ t: Span, _ extra: Span, word: String) throws(ParamCalcError) {
    if !containsEquals(extra), Suggestion.nearest(to: lower(extra), in: ["flops"]) != nil {
      throw .syntax(
        "unexpected '\(text(extra))' after 'explain \(text(t))'", at: extra,
        hint: "did you mean 'flops'? ('explain N flops' shows layer N's compute)")
    }
    throw .extraTokens(at: Span(extra.start, tokens.last!.end), command: word)
  }
}
