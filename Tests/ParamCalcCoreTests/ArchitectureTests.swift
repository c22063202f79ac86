import Foundation
import Testing

/// The core's layout, as docs/architecture.md describes it, checked on its source files: a
/// newcomer finds each thing in its room, and the rooms stay small.
@Suite("The core's layout")
struct ArchitectureTests {
  /// Sources/ParamCalcCore, found from this file's place in the repository.
  static let core = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources/ParamCalcCore")

  /// Every Swift file of the core: its path below Sources/ParamCalcCore, and its text.
  static func files() throws -> [(path: String, text: String)] {
    let names = FileManager.default.enumerator(atPath: core.path)?.compactMap { $0 as? String }
    return try (names ?? []).filter { $0.hasSuffix(".swift") }.sorted().map {
      ($0, try String(contentsOf: core.appendingPathComponent($0), encoding: .utf8))
    }
  }

  /// The concepts, one folder each; nothing lies outside them.
  static let rooms = ["Language", "Model", "Layers", "Rendering", "Speed"]

  @Test func everyFileIsInTheRoomOfItsConcept() throws {
    let all = try Self.files()
    #expect(all.count > 20)
    for f in all {
      let room = f.path.split(separator: "/").first.map(String.init) ?? ""
      #expect(
        Self.rooms.contains(room) && f.path.contains("/"),
        "\(f.path) is outside the folders \(Self.rooms)")
    }
  }

  @Test func noFileIsOverAbout400Lines() throws {
    for f in try Self.files() {
      let lines = f.text.split(separator: "\n", omittingEmptySubsequences: false).count
      #expect(lines <= 420, "\(f.path) has \(lines) lines")
    }
  }

  /// The core is pure: it imports nothing (no Foundation, no libc, no libedit).
  @Test func theCoreImportsNothing() throws {
    for f in try Self.files() {
      for line in f.text.split(separator: "\n") where line.hasPrefix("import ") {
        Issue.record("\(f.path): \(line)")
      }
    }
  }

  /// Where the domain meets the speed machinery, and what it may name there: the session keeps
  /// its layers in the store (numbers of definitions placed on shapes) and its history in chunks;
  /// the interpreter makes one call into the shortcut; the renderers, given row values, keep
  /// text they made for recent definitions and write bytes. Nowhere else.
  static let meetings: [String: Set<String>] = [
    "Model/Session.swift": ["LayerStore", "Placement", "PlacementID", "ShapeID", "ChunkedStack"],
    "Model/Session+Apply.swift": ["Placement", "PlacementID", "ShapeID"],
    "Model/Session+Graph.swift": ["PlacementID", "ShapeID"],
    "Model/Session+Reuse.swift": ["PlacementID"],
    "Model/Session+Outputs.swift": ["ShapeID"],
    "Model/Session+States.swift": ["PlacementID", "ShapeID"],
    "Model/ModelLayer.swift": ["LayerStore", "PlacementID"],
    "Language/Interpreter.swift": ["Shortcuts"],
    "Rendering/TextRenderer.swift": ["RawWriter", "LayerCache"],
    "Rendering/SummaryRenderer.swift": ["LayerMemo"],
  ]

  /// The speed machinery wraps the domain: outside Speed/, no file names a type that exists
  /// only for speed, but where `meetings` says it meets it. (The layer families, the language,
  /// help, diagnostics and the catalog name none at all.)
  @Test func theDomainNamesNothingThatExistsOnlyForSpeed() throws {
    let speedOnly = try Self.files().filter { $0.path.hasPrefix("Speed/") }.flatMap {
      Self.declaredTypes($0.text)
    }
    #expect(speedOnly.contains("LayerStore") && speedOnly.contains("PlacementID"))
    for f in try Self.files() where !f.path.hasPrefix("Speed/") {
      let words = Set(Self.words(f.text))
      let allowed = Self.meetings[f.path] ?? []
      for t in speedOnly where words.contains(t) && !allowed.contains(t) {
        Issue.record("\(f.path) names \(t), which exists only for speed")
      }
      // The table is exact: a meeting that no longer happens is taken out of it.
      for t in allowed where !words.contains(t) {
        Issue.record("\(f.path) no longer names \(t): take it out of `meetings`")
      }
    }
  }

  /// The names of the types a file declares (`struct X`, `enum X`, `final class X`).
  static func declaredTypes(_ text: String) -> [String] {
    var out: [String] = []
    for line in text.split(separator: "\n") {
      let w = line.split(separator: " ").map(String.init)
      for (i, word) in w.enumerated() where ["struct", "enum", "class"].contains(word) {
        if i + 1 < w.count, !line.hasPrefix(" "), !line.hasPrefix("//"),
          !line.hasPrefix("///")
        {
          let name = w[i + 1].prefix { $0.isLetter || $0.isNumber }
          if !name.isEmpty { out.append(String(name)) }
        }
      }
    }
    return out
  }

  /// The identifiers of a text, comments left out.
  static func words(_ text: String) -> [String] {
    var out: [String] = []
    for line in text.split(separator: "\n") {
      let code = line.range(of: "//").map { line[..<$0.lowerBound] } ?? line[...]
      var word = ""
      for c in code {
        if c.isLetter || c.isNumber || c == "_" {
          word.append(c)
        } else if !word.isEmpty {
          out.append(word)
          word = ""
        }
      }
      if !word.isEmpty { out.append(word) }
    }
    return out
  }
}
