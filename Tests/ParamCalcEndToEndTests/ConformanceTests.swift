import Foundation
import Testing

/// A JSON value, decoded without loss: `null`, `3` and `"3"` are three different values.
enum JSON: Decodable, Equatable, Sendable, CustomStringConvertible {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSON])
  case object([String: JSON])

  init(from decoder: Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? c.decode(Int.self) {
      self = .int(i)
    } else if let d = try? c.decode(Double.self) {
      self = .double(d)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([JSON].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: JSON].self))
    }
  }

  static func parse(_ text: some StringProtocol) throws -> JSON {
    try JSONDecoder().decode(JSON.self, from: Data(text.utf8))
  }

  subscript(key: String) -> JSON? {
    if case .object(let o) = self { return o[key] }
    return nil
  }
  var int: Int? {
    if case .int(let i) = self { return i }
    return nil
  }
  var string: String? {
    if case .string(let s) = self { return s }
    return nil
  }
  var array: [JSON]? {
    if case .array(let a) = self { return a }
    return nil
  }
  var object: [String: JSON]? {
    if case .object(let o) = self { return o }
    return nil
  }

  var description: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return "\(b)"
    case .int(let i): return "\(i)"
    case .double(let d): return "\(d)"
    case .string(let s): return "\"\(s)\""
    case .array(let a): return "[" + a.map(\.description).joined(separator: ",") + "]"
    case .object(let o):
      return "{" + o.keys.sorted().map { "\"\($0)\":\(o[$0]!)" }.joined(separator: ",") + "}"
    }
  }
}

/// A fixture that cannot be read: names the file and the line.
struct FixtureError: Error, CustomStringConvertible {
  var file: String
  var line: Int
  var problem: String
  var description: String { "\(file):\(line): \(problem)" }
}

/// One case of a Keras conformance corpus (see Fixtures/README.md).
struct KerasCase: CustomTestStringConvertible, Sendable {
  let corpus: String
  let id: String
  let script: String
  /// Files the script loads, written into the binary's working directory first.
  let files: [String: String]
  let json: JSON
  var testDescription: String { id }

  /// The cases of one JSONL fixture; a line that is not a case is an error naming file and line,
  /// and so is a number of cases other than the one pinned in ConformanceTests.
  static func loadPinned(_ file: String) throws -> [KerasCase] {
    let cases = try load(file)
    guard let pin = ConformanceTests.pinned[file], cases.count == pin.cases else {
      throw FixtureError(
        file: file, line: cases.count,
        problem: "\(cases.count) cases, pinned \(ConformanceTests.pinned[file]?.cases ?? 0)")
    }
    return cases
  }

  /// The cases of one JSONL fixture; a line that is not a case is an error naming file and line.
  static func load(_ file: String) throws -> [KerasCase] {
    try parse(String(contentsOf: Binary.fixture(file), encoding: .utf8), file: file)
  }

  /// The cases of the text of a JSONL file named `file`.
  static func parse(_ text: String, file: String) throws -> [KerasCase] {
    var cases: [KerasCase] = []
    for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    where !line.isEmpty {
      func fail(_ problem: String) -> FixtureError {
        FixtureError(file: file, line: n + 1, problem: problem)
      }
      let object: JSON
      do { object = try JSON.parse(line) } catch { throw fail("not JSON: \(error)") }
      guard let id = object["id"]?.string else { throw fail("no string \"id\"") }
      guard let script = object["script"]?.string else { throw fail("\(id): no string \"script\"") }
      for key in ["layers", "rejected_lines"] where object[key]?.array == nil {
        throw fail("\(id): no array \"\(key)\"")
      }
      for key in ["total", "trainable", "non_trainable"] where object[key]?.int == nil {
        throw fail("\(id): no integer \"\(key)\"")
      }
      var files: [String: String] = [:]
      if case .object(let f)? = object["files"] {
        for (name, value) in f {
          guard let contents = value.string else { throw fail("\(id): file \(name) not a string") }
          files[name] = contents
        }
      }
      cases.append(
        KerasCase(corpus: file, id: id, script: script, files: files, json: object))
    }
    return cases
  }

  /// Runs the case through the binary and returns every way it differs from Keras (none: passes).
  func differences() throws -> (problems: [String], errors: [Int: String]) {
    let r = try Binary.run(["--json"], stdin: script, files: files)
    var problems: [String] = []
    var objects: [JSON] = []
    for (n, line) in r.stdout.split(separator: "\n").enumerated() {
      do { objects.append(try JSON.parse(line)) } catch {
        problems.append("stdout line \(n + 1) is not JSON: \(line)")
      }
    }
    var errors: [Int: String] = [:]
    for o in objects {
      guard case .string(let message)? = o["error"] else { continue }
      guard let line = o["line"]?.int else {
        problems.append("an error without a line number: \(o)")
        continue
      }
      errors[line] = errors[line] ?? message
    }
    let rejected = (json["rejected_lines"]?.array ?? []).compactMap(\.int).sorted()
    if errors.keys.sorted() != rejected {
      problems.append(
        "lines in error \(errors.keys.sorted()), Keras refused \(rejected): "
          + errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(
            separator: "; "))
    }
    if (r.status != 0) != !rejected.isEmpty {
      problems.append("exit status \(r.status) with \(rejected.count) refused lines")
    }
    guard let summary = objects.last(where: { $0["command"] == .string("summary") }) else {
      problems.append("no summary object")
      return (problems, errors)
    }
    problems += Self.compare(summary: summary, keras: json)
    return (problems, errors)
  }

  /// How a `summary` object differs from what Keras says (an object with `layers`, `total`,
  /// `trainable`, `non_trainable` in the corpus format): types, counts, output shapes, weights.
  static func compare(summary: JSON, keras: JSON) -> [String] {
    var problems: [String] = []
    for key in ["total", "trainable", "non_trainable"] where summary[key] != keras[key] {
      problems.append("\(key) \(summary[key] ?? .null), Keras \(keras[key] ?? .null)")
    }
    let got = summary["layers"]?.array ?? []
    let want = keras["layers"]?.array ?? []
    if got.count != want.count {
      problems.append("\(got.count) layers, Keras has \(want.count)")
      return problems
    }
    for (k, (g, w)) in zip(got, want).enumerated() {
      let type = w["type"]?.string ?? "?"
      func base(_ t: String?) -> String? {
        t.map { String($0.split(separator: "(", omittingEmptySubsequences: false)[0]).lowercased() }
      }
      if base(g["type"]?.string) != base(type) {
        problems.append("layer \(k + 1): type \(g["type"] ?? .null), Keras \(type)")
      }
      for key in ["params", "trainable", "non_trainable", "output_shape"] where g[key] != w[key] {
        problems.append(
          "layer \(k + 1) \(type): \(key) \(g[key] ?? .null), Keras \(w[key] ?? .null)")
      }
      if weights(g) != weights(w) {
        problems.append(
          "layer \(k + 1) \(type): weights \(weights(g) ?? []), Keras \(weights(w) ?? [])")
      }
    }
    return problems
  }

  /// Each weight's name, shape and trainable flag (other fields are welcome and ignored).
  static func weights(_ layer: JSON) -> [JSON]? {
    layer["weights"]?.array?.map { w in
      .object([
        "name": w["name"] ?? .null, "shape": w["shape"] ?? .null,
        "trainable": w["trainable"] ?? .null,
      ])
    }
  }
}

/// The wide corpus's cases that wait for a layer (or an argument), by id, with the error they give
/// today (Fixtures/keras-public-wide-waiting.txt, made by scripts/conformance-check.py --waiting).
enum Waiting {
  static func load() throws -> [String: String] {
    let file = "keras-public-wide-waiting.txt"
    let text = try String(contentsOf: Binary.fixture(file), encoding: .utf8)
    var out: [String: String] = [:]
    for (n, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
      let parts = line.split(separator: "\t", maxSplits: 1)
      guard parts.count == 2, out[String(parts[0])] == nil else {
        throw FixtureError(file: file, line: n + 1, problem: "not 'ID<tab>ERROR', or a repeated ID")
      }
      out[String(parts[0])] = String(parts[1])
    }
    return out
  }
}

@Suite("Keras conformance corpus")
struct ConformanceTests {
  /// How many cases each corpus holds, every one of which must run and pass; for the wide corpus,
  /// how many pass today (the others are listed as waiting). Change these only with the fixtures.
  static let pinned: [String: (cases: Int, passing: Int)] = [
    "keras-public.jsonl": (400, 400),
    "keras-public-mixed.jsonl": (250, 250),
    "keras-edits.jsonl": (60, 60),
    "keras-public-wide.jsonl": (300, 300),
    "keras-graph.jsonl": (27, 27),
  ]

  static let waiting = Result { try Waiting.load() }

  /// Every case of the public and mixed corpora, and the models made by editing (insert,
  /// remove, set, input, clear, undo, redo, save, load), whose edits are simulated apart from
  /// paramcalc and whose final model is run through Keras (scripts/keras_edit_cases.py), and
  /// the graphs of merges and named tensors (scripts/keras_graph_cases.py).
  @Test(
    arguments: try [
      "keras-public.jsonl", "keras-public-mixed.jsonl", "keras-edits.jsonl", "keras-graph.jsonl",
    ]
    .flatMap { try KerasCase.loadPinned($0) })
  func matchesKeras(_ c: KerasCase) throws {
    let (problems, _) = try c.differences()
    #expect(problems.isEmpty, "\(c.id): \(problems.joined(separator: "\n"))")
  }

  /// A wide-corpus case passes unless it is listed as waiting; a waiting case must still fail,
  /// with the error it is listed with (on a line Keras accepted). A waiting case that starts to
  /// pass fails this test: take it off the list (and lower the pinned count of waiting cases).
  @Test(arguments: try KerasCase.loadPinned("keras-public-wide.jsonl"))
  func wideCorpus(_ c: KerasCase) throws {
    let waiting = try Self.waiting.get()
    let (problems, errors) = try c.differences()
    if let reason = waiting[c.id] {
      #expect(
        !problems.isEmpty, "\(c.id) passes now: take it off keras-public-wide-waiting.txt")
      let rejected = Set((c.json["rejected_lines"]?.array ?? []).compactMap(\.int))
      let unexpected = errors.filter { !rejected.contains($0.key) }.sorted { $0.key < $1.key }
      #expect(
        unexpected.first?.value == reason,
        "\(c.id): listed as waiting for \"\(reason)\", but: \(problems.joined(separator: "\n"))")
    } else {
      #expect(problems.isEmpty, "\(c.id): \(problems.joined(separator: "\n"))")
    }
  }

  /// JSON values are compared exactly: null, 0, false, "0" and 0.5 are all different.
  @Test func jsonValuesAreExact() throws {
    let v = try JSON.parse(#"[null, 0, 1, false, true, "0", "None", 0.5, {"a": [null]}]"#)
    #expect(
      v
        == .array([
          .null, .int(0), .int(1), .bool(false), .bool(true), .string("0"), .string("None"),
          .double(0.5), .object(["a": .array([.null])]),
        ]))
    #expect(
      JSON.null != .string("None") && JSON.int(0) != .bool(false) && JSON.int(1) != .string("1"))
    // A bad fixture line is an error that names the file and the line.
    let good =
      #"{"id":"a","script":"summary\n","layers":[],"total":0,"trainable":0,"non_trainable":0,"rejected_lines":[]}"#
    #expect(try KerasCase.parse(good + "\n", file: "t.jsonl").count == 1)
    for (text, line) in [
      (good + "\nnot json\n", 2),
      (good + "\n" + good.replacingOccurrences(of: "\"total\":0", with: "\"total\":\"0\""), 2),
      ("{\"id\":\"b\"}", 1),
    ] {
      do {
        _ = try KerasCase.parse(text, file: "t.jsonl")
        Issue.record("accepted: \(text)")
      } catch let e as FixtureError {
        #expect(e.description.hasPrefix("t.jsonl:\(line): "), "\(e)")
      }
    }
  }

  /// The number of cases is pinned: a fixture cannot shrink, and no case can be skipped.
  @Test func corpusSizesArePinned() throws {
    for (file, pin) in Self.pinned {
      let cases = try KerasCase.load(file)
      #expect(cases.count == pin.cases, "\(file): \(cases.count) cases, pinned \(pin.cases)")
      #expect(Set(cases.map(\.id)).count == cases.count, "\(file): repeated case ids")
    }
    let wide = try KerasCase.load("keras-public-wide.jsonl")
    let waiting = try Waiting.load()
    let ids = Set(wide.map(\.id))
    #expect(Set(waiting.keys).isSubset(of: ids), "waiting ids not in the corpus")
    let pin = try #require(Self.pinned["keras-public-wide.jsonl"])
    #expect(
      wide.count - waiting.count == pin.passing,
      "\(wide.count - waiting.count) wide cases are expected to pass, pinned \(pin.passing)")
    // Each waiting case names why: a layer or argument paramcalc lacks.
    for (id, reason) in waiting {
      #expect(
        reason.contains("is not supported: ") || reason.contains("has no argument")
          || reason.hasPrefix("unknown layer type"), "\(id): \(reason)")
    }
  }

  /// The scope of the corpus does not come from the binary: a layer it stops listing leaves its
  /// cases failing, not skipped. (Its `layers` list is checked against the corpus here instead.)
  @Test func everyCorpusLayerTypeIsListed() throws {
    let r = try Binary.run(["--json"], stdin: "layers\n")
    let listed = Set(
      (try JSON.parse(r.stdout)["layers"]?.array ?? []).compactMap {
        $0["type"]?.string?.lowercased()
      })
    var used: Set<String> = []
    for file in ["keras-public.jsonl", "keras-public-mixed.jsonl", "keras-edits.jsonl"] {
      for c in try KerasCase.load(file) {
        for layer in c.json["layers"]?.array ?? [] {
          guard let type = layer["type"]?.string else { continue }
          for part in type.split(whereSeparator: { $0 == "(" || $0 == ")" }) {
            used.insert(part.lowercased())
          }
        }
      }
    }
    #expect(
      used.subtracting(listed).isEmpty,
      "used by the corpus, not listed: \(used.subtracting(listed).sorted())")
  }
}
