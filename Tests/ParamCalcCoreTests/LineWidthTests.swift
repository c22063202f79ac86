import Testing

@testable import ParamCalcCore

/// Every line `explain`, `summary` (at a terminal of 100 columns) and `help` print fits a
/// projector's 100 columns: for every layer type's help example and explain cases, and for each
/// of them inside wrappers nested up to three deep (with a backward layer given in full).
@Suite struct LineWidthTests {
  static let width = 100

  /// The lines of `text` wider than the projector, each with its width in characters.
  static func tooWide(_ text: String) -> [String] {
    text.split(separator: "\n").filter { $0.count > width }.map { "\($0.count): " + String($0) }
  }

  /// The explain and summary text of the last layer of a model, or nil when Keras refuses it.
  static func texts(_ input: String, _ add: String) -> [String]? {
    var interpreter = Interpreter()
    do {
      _ = try interpreter.run(line: "input " + input)
      _ = try interpreter.run(line: add)
    } catch { return nil }
    let s = interpreter.session
    guard s.count > 0 else { return nil }
    return [TextRenderer().explain(s.count, s), TextRenderer(width: width).summary(s)]
  }

  /// The dimensions of `(None,25)` as typed, without their parentheses: `None,25`.
  static func dims(_ input: String) -> String {
    String(input.dropFirst().dropLast()).trimmingTrailingComma()
  }

  /// The wrapper chains up to three deep, outermost first.
  static let chains: [[String]] = {
    let wrappers = ["bidirectional", "timedistributed", "spectralnormalization"]
    var out: [[String]] = wrappers.map { [$0] }
    for a in wrappers { for b in wrappers { out.append([a, b]) } }
    for a in wrappers { for b in wrappers { for c in wrappers { out.append([a, b, c]) } } }
    return out
  }()

  /// The layers that go inside the wrappers: each type's help example and explain cases (the
  /// wrappers' own excepted), each as its input's dimensions and its layer words (`lstm units=8`).
  static let inner: [(dims: String, layer: String)] = {
    var out: [(String, String)] = []
    for e in LayerExample.all where !(LayerCatalog.standard[String(e.type)]?.isWrapper ?? true) {
      out.append((dims(e.input), String(e.add.dropFirst(4))))
    }
    for (name, cases) in explainCases.sorted(by: { $0.key < $1.key }) {
      guard let d = LayerCatalog.standard[name], !d.isWrapper else { continue }
      for (input, add) in cases where add.hasPrefix("add ") {
        out.append((dims(input), String(add.dropFirst(4))))
      }
    }
    return out
  }()

  @Test func helpExamplesAndExplainCasesFit() {
    var checked = 0
    var cases = LayerExample.all.map { ($0.input, $0.add) }
    for (_, more) in explainCases.sorted(by: { $0.key < $1.key }) { cases += more }
    for (input, add) in cases {
      guard let texts = Self.texts(input, add) else { continue }
      checked += 1
      for t in texts {
        let wide = Self.tooWide(t)
        #expect(wide.isEmpty, "input \(input) then \(add):\n\(wide.joined(separator: "\n"))")
      }
    }
    #expect(checked > 300, "only \(checked) cases built")
  }

  @Test func helpOfEveryTypeFits() throws {
    for d in LayerCatalog.standard.descriptors {
      let text = try Help.text(topic: d.name, catalog: .standard, at: Span(0, 1))
      let wide = Self.tooWide(text)
      #expect(wide.isEmpty, "help \(d.name):\n\(wide.joined(separator: "\n"))")
    }
    for topic in [nil] + CommandTable.all.map(\.name) {
      let text = try Help.text(topic: topic, catalog: .standard, at: Span(0, 1))
      #expect(Self.tooWide(text).isEmpty, "help \(topic ?? ""): \(Self.tooWide(text))")
    }
    #expect(Self.tooWide(Help.layerList(.standard)).isEmpty)
  }

  /// Each inner layer in each chain of wrappers that takes it: each TimeDistributed adds a time
  /// axis of 3 steps in front of the input; a Bidirectional is tried with and without a
  /// backward layer (the inner layer's own words with go_backwards=true).
  @Test func nestedWrappersFit() {
    var built = 0
    var deepest = 0
    for chain in Self.chains {
      let steps = chain.filter { $0 == "timedistributed" }.count
      let prefix = String(repeating: "3,", count: steps)
      for (dims, layer) in Self.inner {
        var adds = ["add " + chain.joined(separator: " ") + " " + layer]
        if chain.contains("bidirectional"), !layer.contains("go_backwards") {
          adds.append(adds[0] + " backward_layer=\"\(layer) go_backwards=true\"")
        }
        for add in adds {
          let input = "(" + prefix + dims + (prefix.isEmpty && !dims.contains(",") ? ",)" : ")")
          guard let texts = Self.texts(input, add) else { continue }
          built += 1
          deepest = max(deepest, chain.count)
          for t in texts {
            let wide = Self.tooWide(t)
            #expect(wide.isEmpty, "input \(input) then \(add):\n\(wide.joined(separator: "\n"))")
          }
        }
      }
    }
    // The sweep reaches three wrappers deep, with and without backward layers.
    #expect(deepest == 3)
    #expect(built > 1000, "only \(built) nested layers built")
  }

  /// The case that showed it: three wrappers deep, a backward layer of its own, a long header.
  @Test func threeWrappersDeepHeaderIsWrapped() throws {
    let s = try model(
      "input (4,5,10,8,8,3)",
      "add timedistributed timedistributed bidirectional convlstm2d filters=4 kernel_size=3 "
        + "backward_layer=\"convlstm2d filters=4 kernel_size=3 go_backwards=true\"")
    let text = TextRenderer().explain(1, s)
    let lines = text.split(separator: "\n")
    #expect(lines[0] == "  #1 TimeDistributed(TimeDistributed(Bidirectional(ConvLSTM2D)))")
    #expect(lines[1] == "      (None, 4, 5, 10, 8, 8, 3) -> (None, 4, 5, 6, 6, 8)")
    #expect(Self.tooWide(text).isEmpty, "\(Self.tooWide(text))")
  }

  /// A type name longer than a line (seven TimeDistributed deep) is broken after a `(`.
  @Test func typeNameLongerThanALineIsBroken() throws {
    let s = try model(
      "input (2,2,2,2,2,2,2,3)",
      "add " + String(repeating: "timedistributed ", count: 7) + "dense units=8")
    let lines = TextRenderer().explain(1, s).split(separator: "\n").map(String.init)
    #expect(lines[0] == "  #1 " + String(repeating: "TimeDistributed(", count: 5))
    #expect(
      lines[1] == "      " + String(repeating: "TimeDistributed(", count: 2) + "Dense"
        + String(repeating: ")", count: 7))
    #expect(lines[2] == "      (None, 2, 2, 2, 2, 2, 2, 2, 3) -> (None, 2, 2, 2, 2, 2, 2, 2, 8)")
    #expect(Format.splitAfter("(", "ab(cd(ef)", first: 3, width: 4) == ["ab(", "cd(", "ef)"])
    #expect(Format.splitAfter("(", "ab(cd(ef)", first: 9, width: 9) == ["ab(cd(ef)"])
  }
}

extension String {
  /// `25,` as `25`: a one-axis input typed `(25,)` keeps no comma before the axes put after it.
  fileprivate func trimmingTrailingComma() -> String {
    hasSuffix(",") ? String(dropLast()) : self
  }
}
