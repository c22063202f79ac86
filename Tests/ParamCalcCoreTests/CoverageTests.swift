import Foundation
import Testing

@testable import ParamCalcCore

/// docs/coverage.md (written by scripts/keras_coverage.py from Keras's own list of classes) and
/// the catalog agree: what the table calls computed is in the catalog, in the family it names;
/// what it calls left out is refused, with the reason it gives; and no catalog type or left-out
/// class is missing from the table.
@Suite("Every class keras.layers exports, accounted for")
struct CoverageTests {
  struct Row {
    let keras: String
    let exported: [String]
    let status: String
  }

  static func rows() throws -> [Row] {
    let url = DocsTests.root.appendingPathComponent("docs/coverage.md")
    let text = try String(contentsOf: url, encoding: .utf8)
    return text.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
      let cells = line.split(separator: "|", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .whitespaces) }
      // "", class, exported as, defined in, paramcalc, ""
      func names(_ cell: String) -> [String] {
        cell.split(separator: ",").map {
          $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(["`"]))
        }
      }
      return Row(keras: names(cells[1])[0], exported: names(cells[2]), status: cells[4])
    }
  }

  @Test func tableAndCatalogAgree() throws {
    let rows = try Self.rows()
    #expect(rows.count > 100, "docs/coverage.md has \(rows.count) rows")
    let catalog = LayerCatalog.standard
    var computed = Set<String>()
    for row in rows {
      let found = row.exported.compactMap { catalog[$0] }
      if row.status.hasPrefix("computed (") {
        let d = try #require(found.first, "\(row.keras): computed in the table, not in the catalog")
        #expect(row.status == "computed (\(d.family))", "\(row.keras): \(row.status)")
        computed.insert(d.name)
      } else {
        #expect(found.isEmpty, "\(row.keras): left out in the table, but in the catalog")
        let reason = row.status.replacingOccurrences(of: "left out: ", with: "")
        #expect(row.status.hasPrefix("left out: "), "\(row.keras): \(row.status)")
        let listed = row.exported.compactMap { n in
          LayerCatalog.leftOut.first { $0.key == n }?.value
        }
        #expect(
          listed == [reason], "\(row.keras): the table says '\(reason)', the catalog \(listed)")
      }
    }
    // (Operations on tensors and the applications' own layers are not classes of keras.layers.)
    for d in catalog.descriptors where d.source.hasPrefix("layers/") {
      let inTable = computed.contains(d.name)
      #expect(inTable, "\(d.name) is in the catalog but not computed in the table")
    }
    let exported = Set(rows.flatMap(\.exported))
    for (name, _) in LayerCatalog.leftOut {
      #expect(exported.contains(name), "\(name) is left out but keras.layers does not export it")
    }
  }

  /// A left-out class is refused with its reason, for `add` and for `help` (unless a command
  /// has its name).
  @Test func leftOutClassesSayWhy() throws {
    for (name, reason) in LayerCatalog.leftOut {
      // (`help add` is the help of the command `add`.)
      let help = CommandTable.info(name.lowercased()) == nil ? ["help \(name.lowercased())"] : []
      for line in ["add \(name.lowercased()) units=1"] + help {
        let e = try #require(error(after: [], line), "\(line) is accepted")
        let start = line.hasPrefix("add") ? 4 : 5
        #expect(
          e == .unsupportedLayer(name, reason: reason, at: Span(start, start + name.utf8.count)))
        #expect(e.message == "layer type '\(name)' is not supported: \(reason)")
      }
    }
  }
}
