import Foundation
import Testing

/// One case of the Keras conformance corpus (see Fixtures/README.md).
struct KerasCase: CustomTestStringConvertible, Sendable {
  let id: String
  let script: String
  let json: [String: any Sendable]
  var testDescription: String { id }

  /// The layer types named on `add` lines (wrapper and inner), lowercased.
  var types: Set<String> {
    var out: Set<String> = []
    for line in script.split(separator: "\n") {
      let words = line.split(separator: " ")
      guard words.first == "add", words.count > 1 else { continue }
      out.insert(words[1].lowercased())
      if ["bidirectional", "timedistributed"].contains(words[1].lowercased()), words.count > 2 {
        out.insert(words[2].lowercased())
      }
    }
    return out
  }

  static let all: [KerasCase] = {
    var cases: [KerasCase] = []
    for file in ["keras-public.jsonl", "keras-public-mixed.jsonl"] {
      let text = try! String(contentsOf: Binary.fixture(file), encoding: .utf8)
      for line in text.split(separator: "\n") {
        let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        cases.append(
          KerasCase(
            id: object["id"] as! String, script: object["script"] as! String,
            json: object.mapValues { $0 as! any Sendable }))
      }
    }
    return cases
  }()

  /// Layer types the binary knows, from its own `layers` list.
  static let implemented: Set<String> = {
    let r = try! Binary.run(["--json"], stdin: "layers\n")
    let object = try! JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    let layers = object["layers"] as! [[String: Any]]
    return Set(layers.map { ($0["type"] as! String).lowercased() })
  }()

  var missing: [String] { types.subtracting(KerasCase.implemented).sorted() }
}

@Suite("Keras conformance corpus")
struct ConformanceTests {
  static let runnable = KerasCase.all.filter { $0.missing.isEmpty }

  @Test("A case whose layers are all implemented matches Keras", arguments: runnable)
  func matchesKeras(_ c: KerasCase) throws {
    let r = try Binary.run(["--json"], stdin: c.script)
    let objects = r.stdout.split(separator: "\n").map {
      try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
    }
    let rejected = (c.json["rejected_lines"] as! [Int]).sorted()
    let errors = objects.filter { $0["error"] != nil }.map { $0["line"] as! Int }.sorted()
    #expect(errors == rejected, "lines in error \(errors), Keras refused \(rejected)\n\(r.stderr)")
    #expect((r.status != 0) == !rejected.isEmpty, "exit status \(r.status)")
    let summary = try #require(objects.last { $0["command"] as? String == "summary" })
    for key in ["total", "trainable", "non_trainable"] {
      #expect(summary[key] as? Int == c.json[key] as? Int, "\(key)")
    }
    let got = summary["layers"] as! [[String: Any]]
    let want = c.json["layers"] as! [[String: Any]]
    try #require(got.count == want.count, "\(got.count) layers, Keras has \(want.count)")
    for (g, w) in zip(got, want) {
      let type = (w["type"] as! String)
      #expect(
        (g["type"] as! String).split(separator: "(")[0].lowercased()
          == type.split(separator: "(")[0].lowercased())
      for key in ["params", "trainable", "non_trainable"] {
        #expect(g[key] as? Int == w[key] as? Int, "\(type) \(key)")
      }
      #expect(shape(g["output_shape"]) == shape(w["output_shape"]), "\(type) output shape")
      #expect(weights(g) == weights(w), "\(type) weights")
    }
  }

  func shape(_ v: Any?) -> [Int?] { (v as! [Any]).map { $0 as? Int } }

  func weights(_ layer: [String: Any]) -> [String] {
    (layer["weights"] as! [[String: Any]]).map {
      "\($0["name"]!) \(($0["shape"] as! [Int])) \($0["trainable"] as! Bool)"
    }
  }

  /// Cases that need layers not implemented yet: listed, and each really does fail on one of
  /// them with "not supported yet" — so the list can only shrink as layers land.
  @Test func casesWaitingForLayers() throws {
    let waiting = KerasCase.all.filter { !$0.missing.isEmpty }
    var byLayer: [String: Int] = [:]
    for c in waiting { for m in c.missing { byLayer[m, default: 0] += 1 } }
    print("Keras corpus: \(Self.runnable.count) cases run, \(waiting.count) wait for layers:")
    for (layer, n) in byLayer.sorted(by: { $0.value > $1.value }) {
      print("  \(layer): \(n) cases")
    }
    #expect(Self.runnable.count + waiting.count == KerasCase.all.count)
    #expect(KerasCase.all.count == 650)
    for c in waiting.prefix(40) {
      let r = try Binary.run([], stdin: c.script)
      #expect(r.stderr.contains("not supported yet"), "\(c.id) \(c.missing)")
    }
  }
}
