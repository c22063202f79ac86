import Foundation
import Testing

/// The recorded transcripts (TranscriptTests) are the binary's own output. Here every number in
/// them that Keras can give — each layer's params, trainable and non-trainable counts, output
/// shape and weights, and the totals — is checked against Keras: Fixtures/transcripts-keras.json
/// holds, for each line of each transcript's script, the model after it as Keras builds it
/// (scripts/keras_transcripts.py simulates the edits apart from paramcalc).
@Suite("Transcripts agree with Keras")
struct TranscriptKerasTests {
  static let fixture = Result { () throws -> JSON in
    try JSON.parse(
      String(contentsOf: Binary.fixture("transcripts-keras.json"), encoding: .utf8))
  }

  /// Keras's count of each `help LAYER` example, by the example's text
  /// (Fixtures/help-examples-keras.json, from scripts/keras_help_examples.py).
  static let helpExamples = Result { () throws -> [String: Int] in
    let json = try JSON.parse(
      String(contentsOf: Binary.fixture("help-examples-keras.json"), encoding: .utf8))
    var out: [String: Int] = [:]
    for (_, entry) in json.object ?? [:] {
      if let example = entry["example"]?.string, let total = entry["total"]?.int {
        out[example] = total
      }
    }
    return out
  }

  /// "8,064" as 8064.
  static func number(_ s: Substring) -> Int? { Int(s.filter { $0 != "," }) }

  /// Keras's output shape as the text shows it: [null, 26, 8] as "(None, 26, 8)".
  static func shapeText(_ shape: JSON?) -> String? {
    guard let dims = shape?.array else { return nil }
    let parts = dims.map { $0.int.map(String.init) ?? "None" }
    return "(" + parts.joined(separator: ", ") + (parts.count == 1 ? ",)" : ")")
  }

  /// The checks of one transcript: how many numbers were compared, and the disagreements.
  struct Checker {
    var checked = 0
    var problems: [String] = []

    mutating func same<T: Equatable>(_ got: T?, _ want: T?, _ what: @autoclosure () -> String) {
      checked += 1
      if got == nil || got != want {
        problems.append(
          "\(what()): transcript \(got.map { "\($0)" } ?? "nil"), Keras \(want.map { "\($0)" } ?? "nil")"
        )
      }
    }

    func layer(_ state: JSON?, _ index: Int) -> JSON? {
      guard let layers = state?["layers"]?.array, index >= 1, index <= layers.count else {
        return nil
      }
      return layers[index - 1]
    }

    /// A layer as the text shows it: `#N Type  out SHAPE   P params[ (...)]`.
    mutating func textLayer(
      _ line: Substring, _ m: Regex<AnyRegexOutput>.Match, _ state: JSON?, _ at: String
    ) {
      guard let n = m.output[1].substring.flatMap({ Int($0) }) else { return }
      let keras = layer(state, n)
      same(m.output[2].substring.map(String.init), keras?["type"]?.string, "\(at) #\(n) type")
      if let shape = m.output[3].substring {
        same(
          String(shape), TranscriptKerasTests.shapeText(keras?["output_shape"]),
          "\(at) #\(n) output shape")
      }
      same(
        m.output[4].substring.flatMap(TranscriptKerasTests.number), keras?["params"]?.int,
        "\(at) #\(n) params")
      if let t = m.output[5].substring, let nt = m.output[6].substring {
        same(TranscriptKerasTests.number(t), keras?["trainable"]?.int, "\(at) #\(n) trainable")
        same(
          TranscriptKerasTests.number(nt), keras?["non_trainable"]?.int, "\(at) #\(n) non-trainable"
        )
      } else if line.contains("params (non-trainable)") {
        same(0, keras?["trainable"]?.int, "\(at) #\(n) trainable")
      } else if m.output[4].substring != nil {
        same(0, keras?["non_trainable"]?.int, "\(at) #\(n) non-trainable")
      }
    }

    /// A JSON layer object against Keras's.
    mutating func jsonLayer(_ got: JSON, _ keras: JSON?, _ at: String) {
      let n = got["index"]?.int ?? -1
      same(got["type"], keras?["type"], "\(at) #\(n) type")
      for key in ["output_shape", "params", "trainable", "non_trainable"] {
        same(got[key], keras?[key], "\(at) #\(n) \(key)")
      }
      if got["weights"] != nil {
        same(KerasCase.weights(got), keras.flatMap(KerasCase.weights), "\(at) #\(n) weights")
      }
    }

    mutating func totals(_ got: JSON, _ state: JSON?, _ at: String) {
      for key in ["total", "trainable", "non_trainable"] where got[key] != nil {
        same(got[key], state?[key] ?? .int(0), "\(at) \(key)")
      }
    }
  }

  /// The lines of the text output that carry Keras's numbers.
  struct Patterns {
    let layerLine: Regex<AnyRegexOutput>
    let removedLine: Regex<AnyRegexOutput>
    let totalWord: Regex<AnyRegexOutput>
    let totalLine: Regex<AnyRegexOutput>
    let tableRow: Regex<AnyRegexOutput>
    let tableTotals: Regex<AnyRegexOutput>
    let explainHeader: Regex<AnyRegexOutput>
    let formulaResult: Regex<AnyRegexOutput>
    let weightLine: Regex<AnyRegexOutput>
    let helpExample: Regex<AnyRegexOutput>
    let changeLine: Regex<AnyRegexOutput>
    let wasTotal: Regex<AnyRegexOutput>

    init() throws {
      layerLine = try Regex(
        #"#(\d+) (\S+)  out (\(.*?\))   ([\d,]+) params(?: \(([\d,]+) trainable, ([\d,]+) non-trainable\))?"#
      )
      removedLine = try Regex(#"removed #(\d+) (\S+) \(([\d,]+) params\)"#)
      totalWord = try Regex(#"total ([\d,]+)"#)
      totalLine = try Regex(
        #"total ([\d,]+) params \(([\d,]+) trainable, ([\d,]+) non-trainable\)"#)
      tableRow = try Regex(
        #"│ (\d+) │ \S+ \((\S+)\)\s*│ (\(.*?\))\s*│\s*([\d,]+) │\s*([\d.]+)% │ ([YN])"#)
      tableTotals = try Regex(#"^ (Total|Trainable|Non-trainable) params: ([\d,]+)"#)
      explainHeader = try Regex(#"^  #(\d+) (\S+)  \(.*?\) -> (\(.*?\))$"#)
      // The formula line, `  formula = substituted = N`, or the `    = N` that ends a long one
      // (not an axis line of the shape rule, which also ends in a number).
      formulaResult = try Regex(#"^(?:  (?!shape: )\S.* |    )= ([\d,]+)$"#)
      weightLine = try Regex(#"^    (\S+)\s+(\(.*?\))\s+([\d,]+)$"#)
      changeLine = try Regex(
        #"^    #(\d+) (\S+)  (?:[\d,]+ → )?([\d,]+) params(?: \(unchanged\))?   out (?:\(.*?\) → )?(\(.*?\)): its input"#
      )
      wasTotal = try Regex(#"\(was ([\d,]+); "#)
      helpExample = try Regex(#"^  example: (input .*? then add .*?) → ([\d,]+) params$"#)
    }
  }

  /// Checks one line's share of the transcript against the models before and after it.
  static func check(
    _ chunk: Substring, before: JSON?, after: JSON?, at: String, into c: inout Checker
  ) throws {
    let p = try Patterns()
    var explained: JSON?  // the layer an explain block is about
    var inWeights = false
    var weightIndex = 0
    for line in chunk.split(separator: "\n") {
      if line.hasPrefix("{") {
        guard let o = try? JSON.parse(line) else {
          c.problems.append("\(at): not JSON: \(line)")
          continue
        }
        if o["error"] != nil { continue }
        let effect = o["effect"]?.string ?? ""
        if let l = o["layer"] {
          let from = effect.contains("removed") ? before : after
          c.jsonLayer(l, c.layer(from, l["index"]?.int ?? -1), at)
        }
        if o["command"] == .string("explain") {
          for e in o["layers"]?.array ?? [o] where e["index"] != nil {
            c.jsonLayer(e, c.layer(after, e["index"]?.int ?? -1), at + " explain")
          }
        } else if let ls = o["layers"]?.array {
          c.same(ls.count, after?["layers"]?.array?.count ?? 0, "\(at) number of layers")
          for l in ls { c.jsonLayer(l, c.layer(after, l["index"]?.int ?? -1), at) }
        }
        if o["command"] != .string("explain") { c.totals(o, after, at) }
        continue
      }
      if let m = line.firstMatch(of: p.removedLine) {
        let n = m.output[1].substring.flatMap { Int($0) } ?? -1
        c.same(
          m.output[2].substring.map(String.init), c.layer(before, n)?["type"]?.string,
          "\(at) removed #\(n) type")
        c.same(
          m.output[3].substring.flatMap(number), c.layer(before, n)?["params"]?.int,
          "\(at) removed #\(n) params")
      } else if let m = line.firstMatch(of: p.layerLine) {
        c.textLayer(line, m, after, at)
      }
      // Under an edit: a later layer re-inferred, as it is after the edit; and the total before.
      if let m = line.firstMatch(of: p.changeLine) {
        let n = m.output[1].substring.flatMap { Int($0) } ?? -1
        let keras = c.layer(after, n)
        c.same(m.output[2].substring.map(String.init), keras?["type"]?.string, "\(at) #\(n) type")
        c.same(m.output[3].substring.flatMap(number), keras?["params"]?.int, "\(at) #\(n) params")
        c.same(
          m.output[4].substring.map(String.init), shapeText(keras?["output_shape"]),
          "\(at) #\(n) shape")
      }
      if let m = line.firstMatch(of: p.wasTotal) {
        c.same(m.output[1].substring.flatMap(number), before?["total"]?.int ?? 0, "\(at) was")
      }
      if let m = line.firstMatch(of: p.helpExample) {
        let example = m.output[1].substring.map(String.init) ?? ""
        c.same(
          m.output[2].substring.flatMap(number), try Self.helpExamples.get()[example],
          "\(at) help example '\(example)'")
      }
      if let m = line.firstMatch(of: p.totalLine) {
        c.same(
          m.output[2].substring.flatMap(number), after?["trainable"]?.int ?? 0, "\(at) trainable")
        c.same(
          m.output[3].substring.flatMap(number), after?["non_trainable"]?.int ?? 0,
          "\(at) non-trainable")
      }
      for m in line.matches(of: p.totalWord) {
        c.same(m.output[1].substring.flatMap(number), after?["total"]?.int ?? 0, "\(at) total")
      }
      if let m = line.firstMatch(of: p.tableRow) {
        let n = m.output[1].substring.flatMap { Int($0) } ?? -1
        let keras = c.layer(after, n)
        c.same(
          m.output[2].substring.map(String.init), keras?["type"]?.string, "\(at) row \(n) type")
        c.same(
          m.output[3].substring.map(String.init), shapeText(keras?["output_shape"]),
          "\(at) row \(n) shape")
        c.same(
          m.output[4].substring.flatMap(number), keras?["params"]?.int, "\(at) row \(n) params")
        // The share: this layer's count over the model's, to a tenth of a percent (Keras's
        // numbers, the arithmetic done here).
        if let params = keras?["params"]?.int, let total = after?["total"]?.int, total > 0 {
          let tenths = (params * 1000 * 2 + total) / (2 * total)
          c.same(
            m.output[5].substring.map(String.init), "\(tenths / 10).\(tenths % 10)",
            "\(at) row \(n) share")
        }
        if m.output[6].substring == "N" {
          c.same(0, keras?["trainable"]?.int, "\(at) row \(n) trainable")
        }
      }
      if let m = line.firstMatch(of: p.tableTotals) {
        let key = ["Total": "total", "Trainable": "trainable", "Non-trainable": "non_trainable"][
          String(m.output[1].substring ?? "")]!
        c.same(m.output[2].substring.flatMap(number), after?[key]?.int ?? 0, "\(at) table \(key)")
      }
      if let m = line.firstMatch(of: p.explainHeader) {
        let n = m.output[1].substring.flatMap { Int($0) } ?? -1
        explained = c.layer(after, n)
        c.same(
          m.output[2].substring.map(String.init), explained?["type"]?.string,
          "\(at) explain #\(n) type")
        c.same(
          m.output[3].substring.map(String.init), shapeText(explained?["output_shape"]),
          "\(at) explain #\(n) shape")
        inWeights = false
        continue
      }
      if explained != nil, !inWeights, let m = line.firstMatch(of: p.formulaResult),
        line.contains(" = ")
      {
        c.same(
          m.output[1].substring.flatMap(number), explained?["params"]?.int, "\(at) explain params")
      }
      if line.hasPrefix("  weights (in Keras's order):") {
        inWeights = true
        weightIndex = 0
        continue
      }
      if inWeights {
        guard let m = line.firstMatch(of: p.weightLine) else {
          inWeights = false
          continue
        }
        let w = explained?["weights"]?.array.flatMap {
          weightIndex < $0.count ? $0[weightIndex] : nil
        }
        let shape = w?["shape"]?.array?.compactMap(\.int) ?? []
        c.same(
          m.output[1].substring.map(String.init), w?["name"]?.string,
          "\(at) weight \(weightIndex + 1) name")
        c.same(
          m.output[2].substring.map(String.init), shapeText(w?["shape"]),
          "\(at) weight \(weightIndex + 1) shape")
        c.same(
          m.output[3].substring.flatMap(number), shape.reduce(1, *),
          "\(at) weight \(weightIndex + 1) count")
        weightIndex += 1
      }
    }
  }

  @Test(arguments: TranscriptTests.cases)
  func numbersComeFromKeras(_ c: TranscriptTests.Case) throws {
    let fixture = try Self.fixture.get()
    let entry = try #require(fixture[c.name], "\(c.name): not in transcripts-keras.json")
    #expect(
      entry["script"] == .string(c.script), "\(c.name) changed: run scripts/keras_transcripts.py")
    let states = try #require(entry["states"]?.array)
    let lines = c.script.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    try #require(states.count == lines.count)
    var checker = Checker()
    // The binary on each prefix of the script: what the prefix of k lines prints is a prefix of
    // the transcript, and the part line k adds is checked against the models around line k.
    var printed = 0
    for k in 1...lines.count {
      let prefix = lines.prefix(k).joined(separator: "\n") + "\n"
      let r = try Binary.run(c.arguments, stdin: prefix)
      let out = Array(r.stdout.utf8)
      let recorded = Array(c.stdout.utf8)
      try #require(
        out.count >= printed && out.count <= recorded.count && recorded[..<out.count] == out[...],
        "\(c.name): the first \(k) lines print what is not the transcript's beginning")
      let chunk = String(decoding: recorded[printed..<out.count], as: UTF8.self)
      try Self.check(
        Substring(chunk), before: k > 1 ? states[k - 2] : nil, after: states[k - 1],
        at: "\(c.name) line \(k) '\(lines[k - 1])'", into: &checker)
      printed = out.count
    }
    #expect(
      printed == c.stdout.utf8.count, "\(c.name): the whole script prints more than its prefixes")
    #expect(checker.problems.isEmpty, "\(checker.problems.joined(separator: "\n"))")
    // A transcript that prints a count or a total is checked on it; the others print none.
    let printsCounts = c.stdout.contains(try Regex(#"[0-9] params|total [0-9]|"total":"#))
    #expect(printsCounts == (checker.checked > 0), "\(c.name): \(checker.checked) numbers checked")
    #expect(
      printsCounts
        || ["help", "layers", "kerasRefusal", "quitStops", "wrongKinds"].contains(c.name))
    print("\(c.name): \(checker.checked) numbers checked against Keras")
  }

  /// Every layer type's `help` ends with an example whose count is Keras's, for the same
  /// example text (the fixture names each layer type once).
  @Test func helpExamplesComeFromKeras() throws {
    let examples = try Self.helpExamples.get()
    let layers = try Binary.run(["--json"], stdin: "layers\n")
    let types = try #require(try JSON.parse(layers.stdout)["layers"]?.array).compactMap {
      $0["type"]?.string?.lowercased()
    }
    #expect(types.count == examples.count, "\(types.count) layer types, \(examples.count) examples")
    let r = try Binary.run([], stdin: types.map { "help \($0)\n" }.joined())
    let p = try Patterns()
    // An example longer than a line is wrapped, its rest indented by 4: read it whole.
    let found = r.stdout.replacingOccurrences(of: "\n    ", with: " ").split(separator: "\n")
      .compactMap { $0.firstMatch(of: p.helpExample) }
    #expect(found.count == types.count, "\(found.count) examples in \(types.count) help texts")
    for m in found {
      let example = m.output[1].substring.map(String.init) ?? ""
      #expect(
        m.output[2].substring.flatMap(Self.number) == examples[example],
        "'\(example)': Keras counts \(examples[example].map(String.init) ?? "nothing")")
    }
  }
}
