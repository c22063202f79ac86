/// docs/formulas.md, made from the catalog: each family's note, then each layer type's formula
/// in symbols (its worked example's explanation, as `help` shows it), the example with its
/// numbers, the arguments as declared, and the Keras source. `make docs` writes it; a test fails
/// when the file in the repository is not what this makes.
public enum FormulaDocs {
  public static func markdown(_ catalog: LayerCatalog = .standard) -> String {
    var out = """
      # The formulas, and where they come from

      <!-- Made by `make docs` from the layer catalog (Sources/ParamCalcCore/Layers/): edit \
      the layer files, not this page. A test fails when this page is stale. -->

      Every count is the sum of the sizes of a layer's weight variables, exactly as Keras 3's
      `count_params()` adds them up; every shape rule is Keras 3's `compute_output_shape`. The
      source of each is the Keras file named, under `keras/src/` of keras-team/keras (read at
      version 3.16.0-dev and checked against keras 3.15.1 with `../shared/oracle/keras_run.py`).
      `trainable=false` moves every weight of a layer to the non-trainable count.

      Each formula is the one `explain` evaluates and `help LAYER` shows: written once, in the
      layer's explanation, with symbols here and numbers in `explain`. Each example can be typed
      as it is; its count is computed by paramcalc as this page is made, and the same examples
      are checked against Keras in `Tests/ParamCalcEndToEndTests/Fixtures/help-examples-keras.json`.
      In the argument tables, `*` marks an argument that changes the parameter count.


      """
    out += "Families: "
    out +=
      LayerFamily.all.map { "[\($0.name)](#\($0.name.lowercased()))" }.joined(separator: ", ")
      + ".\n"
    for family in LayerFamily.all {
      out += "\n## \(family.name)\n\n" + family.note + "\n"
      for d in catalog.descriptors where d.family == family.name {
        out += "\n" + layer(d, catalog)
      }
    }
    out += """

      ## Summary sizes

      The memory a summary shows, "31.50 KB", is `params * 4` bytes (float32) in units of 1024,
      with two decimals, as Keras's `readable_memory_size` prints it.

      """
    return out
  }

  /// One layer type's section.
  static func layer(_ d: LayerDescriptor, _ catalog: LayerCatalog) -> String {
    let summary = d.summary.prefix(1).uppercased() + d.summary.dropFirst()
    var out = "### \(d.name)\n\n\(cell(summary)).\n\n"
    if let example = LayerExample.of(d), let l = example.layer(catalog) {
      let e = l.explanation
      out += "`params = \(Format.pretty(e.formula))`\n\n"
      out += "Example: `input \(example.input)` then `\(example.add)`: "
      out +=
        e.formula == "0"
        ? "no weights"
        : "`\(Format.groupingNumbers(Format.pretty(e.substituted))) = \(Format.thousands(l.params))`"
      out += "; output `\(l.output.description)`"
      if !l.inference.weights.isEmpty {
        out +=
          "; weights "
          + l.inference.weights.map { "`\($0.name) \(Format.tuple($0.shape))`" }.joined(
            separator: ", ")
      }
      out += ".\n"
      if !e.terms.isEmpty {
        out += "\n| term | in the example | from | meaning |\n|---|---:|---|---|\n"
        for t in e.terms {
          out +=
            "| `\(t.name)` | \(Format.thousands(t.value)) | \(t.source.rawValue) | \(cell(t.meaning)) |\n"
        }
      }
    }
    if !d.arguments.isEmpty {
      out += "\n| argument | default | accepts | meaning |\n|---|---|---|---|\n"
      for a in d.arguments {
        out +=
          "| \(a.changesCount ? "\\* " : "")`\(a.name)` | `\(a.defaultText)` | \(cell(a.allowedText)) | \(cell(a.meaning)) |\n"
      }
    }
    if !d.inert.isEmpty {
      out +=
        "\nAccepted without effect on the count: "
        + d.inert.map { "`\($0)`" }.joined(
          separator: ", ") + ".\n"
    }
    out += "\nKeras source: `keras/src/\(d.source)`.\n"
    return out
  }

  /// Text for a table cell: a `|` would end the cell.
  static func cell(_ s: String) -> String {
    var out = ""
    for c in s {
      if c == "|" { out += "\\|" } else if c == "\n" { out += " " } else { out.append(c) }
    }
    return out
  }
}
