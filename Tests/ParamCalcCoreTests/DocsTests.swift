import Foundation
import ParamCalcCore
import Testing

/// docs/formulas.md is made from the catalog, and `help` and `explain` show one formula.
@Suite("Formulas written once, shown everywhere")
struct DocsTests {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The page in the repository is the one the catalog makes. `make docs` (which sets
  /// PARAMCALC_WRITE_DOCS=1) writes it instead of comparing.
  @Test func formulasPageIsNotStale() throws {
    let url = Self.root.appendingPathComponent("docs/formulas.md")
    let made = FormulaDocs.markdown()
    if ProcessInfo.processInfo.environment["PARAMCALC_WRITE_DOCS"] == "1" {
      try made.write(to: url, atomically: true, encoding: .utf8)
    }
    let onDisk = try String(contentsOf: url, encoding: .utf8)
    #expect(onDisk == made, "docs/formulas.md is stale: run 'make docs' and commit it")
  }

  /// Every layer type has its section, its formula, its Keras source and its family's note.
  @Test func pageCoversEveryLayerType() {
    let page = FormulaDocs.markdown()
    for d in LayerCatalog.standard.descriptors {
      #expect(page.contains("\n### \(d.name)\n"), "\(d.name) has no section")
      #expect(page.contains("Keras source: `keras/src/\(d.source)`"), "\(d.name)")
      // (keras/src/layers/, or for an operation on tensors keras/src/ops/, for the
      // applications' own layers keras/src/applications/, for a model used as a layer
      // keras/src/models/.)
      #expect(
        ["layers/", "ops/", "applications/", "models/"].contains { d.source.hasPrefix($0) }
          && d.source.contains(".py"), "\(d.name): \(d.source)")
      #expect(LayerFamily.named(d.family) != nil, "\(d.name): family \(d.family) has no note")
    }
    for f in LayerFamily.all {
      #expect(LayerCatalog.standard.descriptors.contains { $0.family == f.name }, "\(f.name)")
    }
  }

  /// One definition, shown two ways: `help LAYER` prints the formula in symbols, and `explain`
  /// on its example prints the same formula before its numbers.
  @Test func helpAndExplainShowOneFormula() throws {
    for d in LayerCatalog.standard.descriptors {
      let example = try #require(LayerExample.of(d), "\(d.name) has no example")
      let layer = try #require(example.layer(), "\(d.name): its example fails")
      let formula = Format.pretty(layer.explanation.formula)
      let help = try Help.text(
        topic: d.name.lowercased(), catalog: .standard, at: Span(0, 0))
      // A long formula goes on under itself: join its lines back.
      let joined = help.replacingOccurrences(of: "\n           + ", with: " + ")
      #expect(joined.contains("  params = \(formula)\n"), "\(d.name): help shows\n\(help)")
      let explained = try explainText(example.input, example.add)
      // A long formula is broken before a `+` and indented: compare words.
      let words = explained.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(
        separator: " ")
      let shown = formula == "0" ? "params = 0" : formula + " = "
      #expect(words.contains(shown), "\(d.name): explain shows\n\(explained)")
    }
  }

  /// What the issue found: help said `(scale + center) × features`, explain `(gamma + beta)`.
  @Test func layerNormalizationSaysGammaAndBetaInBoth() throws {
    let help = try Help.text(topic: "layernormalization", catalog: .standard, at: Span(0, 0))
    #expect(help.contains("params = (gamma + beta) × features"))
    let explained = try explainText("(10,4)", "add layernormalization")
    #expect(explained.contains("(gamma + beta) × features = (1 + 1) × 4 = 8"))
  }
}
