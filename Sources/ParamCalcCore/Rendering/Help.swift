/// The text of `help`, `help COMMAND`, `help LAYER` and `layers`.
public enum Help {
  /// The most choices a row of the arguments' table lists in its "accepts" column.
  static let choicesInARow = 12

  /// What the row of `a` shows under "accepts": the values it accepts, or, for a choice of more
  /// names than the column holds, a pointer to the whole list the row is followed by.
  static func acceptsCell(_ a: ArgumentSpec) -> String {
    a.choices.count <= choicesInARow ? a.allowedText : "one of the \(a.choices.count) below"
  }

  public static func text(topic: String?, catalog: LayerCatalog, at span: Span)
    throws(ParamCalcError) -> String
  {
    guard let topic else { return overview }
    if let c = CommandTable.info(topic) {
      let command =
        c.usage + "\n"
        + String(Format.wrap(c.text, lead: "  ", leadWidth: 2, hanging: 2).dropLast())
      // `add` is a command and a layer type (Keras's Add): both are shown.
      guard let d = catalog[topic] else { return command }
      return command + "\n\nThe layer type " + d.name + ":\n" + layer(d, catalog)
    }
    if let d = catalog[topic] { return layer(d, catalog) }
    // A Keras layer paramcalc does not compute, or an informal name (`batchnorm`): said as
    // `add` says it.
    if LayerCatalog.leftOutReason(topic) != nil
      || LayerCatalog.informalNames[topic].map({ catalog[$0] != nil }) == true
    {
      throw catalog.unknown(topic, at: span)
    }
    let names = CommandTable.all.map(\.name) + catalog.descriptors.map { $0.name.lowercased() }
    throw .syntax(
      "no help on '\(topic)'", at: span,
      hint: Suggestion.nearest(to: topic, in: names).map { "did you mean '\($0)'?" }
        ?? "'help' lists the commands, 'layers' the layer types")
  }

  static var overview: String {
    var out = "Commands:\n"
    for c in CommandTable.all {
      // A usage too long for its column has its sentence on the next line.
      let long = c.usage.count >= 30
      if long { out += "  " + c.usage + "\n" }
      out += Format.wrap(
        firstSentence(c.text), lead: "  " + Format.pad(long ? "" : c.usage, 30), leadWidth: 32,
        hanging: 32)
    }
    out +=
      "Lines starting with # are comments. 'help COMMAND' or 'help LAYER' tells more;\n'layers' lists the layer types."
    return out
  }

  /// Up to the first full stop that ends a sentence (followed by a space or the end: the dot
  /// of `enc.h` or `e.g.,` is not one).
  static func firstSentence(_ s: String) -> String {
    var i = s.startIndex
    while let dot = s[i...].firstIndex(of: ".") {
      let next = s.index(after: dot)
      if next == s.endIndex || s[next] == " " { return String(s[...dot]) }
      i = next
    }
    return s
  }

  static func layer(_ d: LayerDescriptor, _ catalog: LayerCatalog = .standard) -> String {
    let example = LayerExample.of(d)
    let layer = example?.layer(catalog)
    var out = Format.wrap(
      "\(d.name) (\(d.family)): \(d.summary)", lead: "", leadWidth: 0, hanging: 2)
    if let layer { out += formulaLines(layer.explanation.formula) }
    if let accepts = d.accepts {
      out += Format.wrap(
        accepts.joined(separator: ", ")
          + " — e.g. 'add \(d.name.lowercased()) \(accepts[1].lowercased()) units=32'",
        lead: "  wraps: ", leadWidth: 9, hanging: 4)
    }
    if !d.arguments.isEmpty {
      // One row per argument, from its declaration: a mark when it changes the count, its
      // name, default, the values it accepts, and its meaning (wrapped under itself).
      out +=
        d.arguments.contains { $0.changesCount }
        ? "  arguments (* = changes the parameter count):\n"
        : "  arguments (none changes the parameter count):\n"
      let name = max(d.arguments.map { $0.name.count }.max()!, 4) + 2
      let byDefault = max(d.arguments.map { $0.defaultText.count }.max()!, 7) + 2
      let accepts = max(d.arguments.map { Help.acceptsCell($0).count }.max()!, 7) + 2
      out +=
        "      " + Format.pad("name", name) + Format.pad("default", byDefault)
        + Format.pad("accepts", accepts) + "meaning\n"
      for a in d.arguments {
        let lead =
          "    " + (a.changesCount ? "* " : "  ") + Format.pad(a.name, name)
          + Format.pad(a.defaultText, byDefault) + Format.pad(Help.acceptsCell(a), accepts)
        let column = lead.count
        // Columns that leave the meaning too little room: the meaning goes under the row.
        out +=
          column > Format.lineWidth - 30
          ? lead.trimmingTrailingSpaces() + "\n"
            + Format.wrap(a.meaning, lead: "        ", leadWidth: 8, hanging: 8)
          : Format.wrap(a.meaning, lead: lead, leadWidth: column, hanging: column)
        // A list too long for its column (a choice of many names) goes under the row, whole.
        if Help.acceptsCell(a) != a.allowedText {
          out += Format.wrap(
            a.allowedText, lead: "        accepts: ", leadWidth: 17, hanging: 10)
        }
      }
    }
    var also = "also: trainable=false freezes it"
    if !d.inert.isEmpty {
      also += "; accepted without effect on the count: " + d.inert.joined(separator: ", ")
    }
    out += Format.wrap(also, lead: "  ", leadWidth: 2, hanging: 4)
    if let example, let n = layer?.params {
      out += Format.wrap(
        "example: \(example.text) → \(Format.thousands(n)) param\(n == 1 ? "" : "s")",
        lead: "  ", leadWidth: 2, hanging: 4)
    }
    // The last line ends without a newline, as every response's text does.
    return String(out.dropLast())
  }

  /// A layer type's formula in symbols: its worked example's explanation's (the one `explain`
  /// evaluates), nil for a type without a running example (a test says there is none).
  public static func formula(of d: LayerDescriptor, _ catalog: LayerCatalog) -> String? {
    LayerExample.of(d)?.layer(catalog)?.explanation.formula
  }

  /// `  params = FORMULA` in symbols, broken before a top-level `+` to fit the line width.
  static func formulaLines(_ formula: String) -> String {
    let lead = "  params = "
    let width = Format.lineWidth - lead.count
    let pieces = Format.splitSum(Format.pretty(formula), first: width, width: width)
    let indent = String(repeating: " ", count: lead.count)
    return lead + pieces.joined(separator: "\n" + indent) + "\n"
  }

  public static func layerList(_ catalog: LayerCatalog) -> String {
    var families: [String] = []
    var members: [String: [String]] = [:]
    for d in catalog.descriptors {
      if members[d.family] == nil { families.append(d.family) }
      members[d.family, default: []].append(d.name)
    }
    var out = ""
    let width = families.map(\.count).max() ?? 0
    for f in families {
      out += Format.wrap(
        members[f]!.joined(separator: ", "), lead: "  " + Format.pad(f, width + 2),
        leadWidth: width + 4, hanging: width + 4)
    }
    out +=
      "Type names are case-insensitive ('add conv2d ...'); 'help LAYER' shows arguments and formula."
    return out
  }
}

extension String {
  /// The text without the spaces that pad its end.
  func trimmingTrailingSpaces() -> String {
    var s = Substring(self)
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
