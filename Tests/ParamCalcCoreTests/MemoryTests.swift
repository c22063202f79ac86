import Testing

@testable import ParamCalcCore

/// `memory`: every expected number is worked out here by hand from the layers' formulas and the
/// bytes of each dtype, not read from paramcalc.
@Suite("Memory")
struct MemoryTests {
  /// The report of `line` after `setup`.
  func report(_ setup: [String], _ line: String = "memory") throws -> MemoryReport {
    var interpreter = Interpreter()
    for s in setup { _ = try interpreter.run(line: s) }
    let (_, response) = try #require(try interpreter.run(line: line))
    guard case .memory(let r) = response else {
      Issue.record("'\(line)' gave \(response)")
      throw ParamCalcError.nothingTo("memory", at: .none)
    }
    return r
  }

  /// The text `memory` shows.
  func text(_ setup: [String], _ line: String = "memory") throws -> String {
    MemoryRenderer.text(try report(setup, line))
  }

  @Test func denseWithAdamInFloat32() throws {
    let r = try report(["input (784,)", "add dense units=10"], "memory optimizer=adam")
    let params = (784 + 1) * 10  // 7,850
    #expect(r.params == params)
    #expect(r.weights == 31_400)  // 7,850 × 4 bytes
    #expect(r.gradients == 31_400)  // one float32 gradient per trainable parameter
    #expect(r.optimizerState == 62_800)  // m and v: 7,850 × 2 × 4
    #expect(r.elementsPerSample == 10)
    #expect(r.activations == 40)  // 10 outputs × 4 bytes × batch 1
    #expect(r.total == 31_400 + 31_400 + 62_800 + 40)
    // Adam is the default.
    #expect(try report(["input (784,)", "add dense units=10"]).total == r.total)
  }

  @Test func theTextShowsEachFormulaWithItsNumbers() throws {
    let t = try text(["input (784,)", "add dense units=10"])
    // 31,400 / 1024 = 30.66 KB; 62,800 / 1024 = 61.33 KB; 125,640 / 1024 = 122.70 KB.
    #expect(t.contains("weights      params × bytes = 7,850 × 4 = 31,400 B (30.66 KB)\n"))
    #expect(t.contains("gradients    trainable × bytes = 7,850 × 4 = 31,400 B (30.66 KB)\n"))
    #expect(
      t.contains("optimizer    trainable × slots × bytes = 7,850 × 2 × 4 = 62,800 B (61.33 KB)\n"))
    #expect(t.contains("per trainable parameter: 4 + 4 + 2 × 4 = 16 bytes"))
    #expect(t.contains("activations  elements × bytes × batch = 10 × 4 × 1 = 40 B (40.00 B)\n"))
    #expect(t.contains("= 31,400 + 31,400 + 62,800 + 40 = 125,640 B (122.70 KB)\n"))
    #expect(t.contains("the forward activations kept for the backward pass"))
    #expect(t.contains("an estimate"))
    #expect(t.split(separator: "\n").allSatisfy { $0.count <= 100 })
  }

  /// Every arithmetic expression printed evaluates to the number after its `=`.
  @Test func everyPrintedExpressionEvaluates() throws {
    let setups: [([String], String)] = [
      (["input (784,)", "add dense units=10", "add batchnormalization"], "memory"),
      (
        ["input (784,)", "add dense units=10", "add batchnormalization"],
        "memory dtype=float16 mixed=true batch=64 optimizer=momentum"
      ),
      (["input (784,)", "add dense units=10"], "memory dtype=int8 batch=3"),
      (
        ["input (None,25)", "add conv1d filters=8 kernel_size=5"], "memory length=50 optimizer=sgd"
      ),
      (
        [
          "input (8,)", "add dense units=4", "add dense units=4", "add dense units=4",
          "add dense units=4", "add dense units=4", "add dense units=4", "add dense units=4",
          "add dense units=4", "add dense units=4", "add dense units=4", "add dense units=4",
          "add dense units=4", "add dense units=4",
        ], "memory optimizer=rmsprop"
      ),
    ]
    var checked = 0
    for (setup, line) in setups {
      for l in try text(setup, line).split(separator: "\n") {
        // The arithmetic after the label: pieces joined by " = ", numbers with + and ×.
        let pieces = l.split(separator: " = ", omittingEmptySubsequences: false)
        for k in pieces.indices.dropFirst() {
          guard let a = leadingValue(pieces[k - 1]), let b = leading(pieces[k]) else { continue }
          #expect(a == b, "\(line): '\(l)'")
          checked += 1
        }
      }
    }
    #expect(checked > 20)
  }

  /// The arithmetic a piece ends with (`... 7,850 × 4`).
  func leadingValue(_ piece: Substring) -> Int? {
    var expr: [Substring] = []
    for w in piece.split(separator: " ").reversed() {
      if w == "+" || w == "×" || (!w.isEmpty && w.allSatisfy({ $0.isNumber || $0 == "," })) {
        expr.insert(w, at: 0)
      } else {
        break
      }
    }
    return evaluate(expr)
  }

  /// The arithmetic a piece starts with (`7,850 × 4`, `31,400 B (30.66 KB)`, `16 bytes`).
  func leading(_ piece: Substring) -> Int? {
    var expr: [Substring] = []
    for w in piece.split(separator: " ") {
      if w == "+" || w == "×" || (!w.isEmpty && w.allSatisfy({ $0.isNumber || $0 == "," })) {
        expr.append(w)
      } else {
        break
      }
    }
    return evaluate(expr)
  }

  /// `a × b + c`, products first; nil when it is not such an expression.
  func evaluate(_ words: [Substring]) -> Int? {
    guard !words.isEmpty, words.count % 2 == 1 else { return nil }
    var sum = 0
    var product = 1
    for (i, w) in words.enumerated() {
      if i % 2 == 0 {
        guard let n = Int(w.filter { $0 != "," }) else { return nil }
        product *= n
      } else if w == "+" {
        sum += product
        product = 1
      } else if w != "×" {
        return nil
      }
    }
    return sum + product
  }

  @Test func aFrozenLayerHasNoGradientsNorOptimizerState() throws {
    let r = try report(
      ["input (784,)", "add dense units=10 trainable=false", "add dense units=2"])
    let frozen = (784 + 1) * 10
    let trained = (10 + 1) * 2
    #expect(r.trainable == trained && r.nonTrainable == frozen)
    #expect(r.weights == (frozen + trained) * 4)
    #expect(r.gradients == trained * 4)
    #expect(r.optimizerState == trained * 2 * 4)
    #expect(r.activations == (10 + 2) * 4)
  }

  @Test func batchNormalizationMovingStatisticsAreNotTrained() throws {
    let r = try report(
      ["input (784,)", "add dense units=10", "add batchnormalization"], "memory optimizer=sgd")
    // gamma and beta are trained; moving_mean and moving_variance are not.
    let dense = (784 + 1) * 10
    let trained = dense + 2 * 10
    let moving = 2 * 10
    #expect(r.trainable == trained && r.nonTrainable == moving)
    #expect(r.weights == (trained + moving) * 4)
    #expect(r.gradients == trained * 4)
    #expect(r.optimizerState == 0)  // plain sgd keeps no slot
    #expect(r.elementsPerSample == 10 + 10)
    let t = MemoryRenderer.text(r)
    #expect(t.contains("the 20 non-trainable parameters"))
  }

  @Test func momentumAndRMSpropKeepOneSlot() throws {
    let setup = ["input (4,)", "add dense units=3"]
    let params = (4 + 1) * 3
    #expect(try report(setup, "memory optimizer=momentum").optimizerState == params * 4)
    #expect(try report(setup, "memory optimizer=rmsprop").optimizerState == params * 4)
    #expect(try report(setup, "memory optimizer=adam").optimizerState == params * 2 * 4)
  }

  @Test func aSharedLayerHasItsWeightsOnceAndActivationsOnEveryCall() throws {
    let setup = [
      "input a (8,)", "input b (8,)", "add dense units=4 as left from a",
      "add dense units=5 as unused from a", "reuse 3 from b as right",
      "add concatenate from left,right", "output #6",
    ]
    let r = try report(setup, "memory optimizer=sgd batch=10")
    // The dense layer once (8 × 4 + 4); the unused layer leads to no declared output: not in
    // the model.
    #expect(r.params == 8 * 4 + 4)
    #expect(r.weights == (8 * 4 + 4) * 4)
    // Two calls of 4 outputs and the concatenation of 8; the inputs are data, not counted.
    #expect(r.elementsPerSample == 4 + 4 + 8)
    #expect(r.activations == (4 + 4 + 8) * 4 * 10)
    #expect(r.rows.map(\.label) == ["#3", "#5", "#6"])
    // Without 'output', every layer counts, in the totals and in the activations alike.
    let all = try report(Array(setup.dropLast()), "memory optimizer=sgd batch=10")
    #expect(all.params == (8 * 4 + 4) + (8 * 5 + 5))
    #expect(all.elementsPerSample == 4 + 5 + 4 + 8)
  }

  @Test func aModelUsedAsALayerCountsItsLayersOutputs() throws {
    let r = try report([
      "input (8,)", "add sequential script=\"input (8,); add dense units=4; add dense units=2\"",
      "add dense units=1",
    ])
    #expect(r.params == (8 * 4 + 4) + (4 * 2 + 2) + (2 + 1))
    #expect(r.elementsPerSample == 4 + 2 + 1)
    #expect(r.rows.map(\.label) == ["#1", "#1.1", "#1.2", "#2"])
    #expect(r.rows[0].isGroup && r.rows[0].elements == 4 + 2)
  }

  @Test func recurrentStatesAreActivationsToo() throws {
    let r = try report(["input (10,3)", "add lstm units=4 return_state=true as enc"])
    #expect(r.elementsPerSample == 4 * 3)  // the output, h and c
  }

  @Test func mixedPrecisionKeepsFloat32WeightsAndComputesInDtype() throws {
    let setup = ["input (784,)", "add dense units=10"]
    let r = try report(setup, "memory dtype=bfloat16 mixed=true batch=32")
    let params = (784 + 1) * 10
    // 16 bytes per trainable parameter: 4 (weight) + 4 (gradient) + 2 × 4 (adam's m and v).
    #expect(r.weights + r.gradients + r.optimizerState == params * 16)
    #expect(r.activations == 10 * 2 * 32)
    let half = try report(setup, "memory dtype=float16")
    #expect(half.weights == params * 2 && half.gradients == params * 2)
    #expect(half.optimizerState == params * 2 * 2)
    #expect(half.activations == 10 * 2)
  }

  @Test func int8CountsWeightsAndActivationsOnly() throws {
    let r = try report(["input (784,)", "add dense units=10"], "memory dtype=int8 batch=4")
    #expect(r.weights == (784 + 1) * 10)
    #expect(r.gradients == 0 && r.optimizerState == 0)
    #expect(r.activations == 10 * 4)
    #expect(r.options.counted == nil)
  }

  @Test func anUnknownAxisNeedsALength() throws {
    let setup = ["input (None,25)", "add conv1d filters=8 kernel_size=5"]
    expectRefusal(after: setup, "memory", .invalidValue, "unknown size")
    let e = error(after: setup, "memory")
    #expect(e?.hint?.contains("length=") == true)
    let r = try report(setup, "memory length=100")
    #expect(r.elementsPerSample == (100 - 5 + 1) * 8)
    #expect(r.params == 5 * 25 * 8 + 8)
    #expect(r.filledInputs == [Shape([100, 25])])
    // A length the model refuses is refused at length=.
    expectRefusal(after: setup, "memory length=3", .invalidValue, "refused")
    #expect(error(after: setup, "memory length=3")?.span == Span(7, 15))
  }

  @Test func refusalsAreTypedWithTheirSpan() {
    let setup = ["input (784,)", "add dense units=10"]
    expectRefusal(after: [], "memory", .nothingTo, "no layers")
    expectRefusal(after: ["input (784,)"], "memory", .nothingTo, "no layers")
    expectRefusal(after: setup, "memory optimiser=adam", .unknownArgument, "optimiser")
    #expect(error(after: setup, "memory optimiser=adam")?.hint?.contains("'optimizer'") == true)
    #expect(error(after: setup, "memory optimiser=adam")?.span == Span(7, 21))
    expectRefusal(after: setup, "memory batch=0", .invalidValue, "at least 1")
    #expect(error(after: setup, "memory batch=0")?.span == Span(13, 14))
    expectRefusal(after: setup, "memory batch=-2", .invalidValue, "at least 1")
    expectRefusal(after: setup, "memory dtype=flaot16", .invalidValue, "not one of")
    #expect(error(after: setup, "memory dtype=flaot16")?.hint == "did you mean 'dtype=float16'?")
    expectRefusal(after: setup, "memory optimizer=adamw", .invalidValue, "not one of")
    expectRefusal(after: setup, "memory mixed=true", .invalidValue, "float16 or bfloat16")
    expectRefusal(after: setup, "memory mixed=yes", .invalidValue, "true or false")
    expectRefusal(after: setup, "memory dtype=int8 optimizer=adam", .invalidValue, "not trained")
    expectRefusal(after: setup, "memory dtype=int8 mixed=true", .invalidValue, "not trained")
    expectRefusal(after: setup, "memory batch=2 batch=3", .repeatedArgument, "batch")
  }

  @Test func aRefusedLineLeavesTheModelAsItWas() throws {
    var interpreter = Interpreter()
    _ = try interpreter.run(line: "input (None,25)")
    _ = try interpreter.run(line: "add conv1d filters=8 kernel_size=5")
    let before = interpreter.session.fingerprint
    for line in ["memory", "memory length=3", "memory length=100", "memory batch=0"] {
      _ = try? interpreter.run(line: line)
      #expect(interpreter.session.fingerprint == before, "\(line)")
    }
  }

  @Test func jsonHasEachCategoryAndTheInputs() throws {
    let r = try report(
      ["input (784,)", "add dense units=10", "add batchnormalization"],
      "memory dtype=bfloat16 mixed=true batch=8 optimizer=adam")
    let j = try JSONValue.parse(MemoryRenderer.json(r, line: 4))
    let trained = (784 + 1) * 10 + 20
    #expect(j["command"] == .string("memory"))
    #expect(j["line"] == .int(4))
    #expect(j["dtype"] == .string("bfloat16"))
    #expect(j["batch"] == .int(8))
    #expect(j["optimizer"] == .string("adam"))
    #expect(j["mixed"] == .bool(true))
    #expect(j["weights_bytes"] == .int((trained + 20) * 4))
    #expect(j["gradients_bytes"] == .int(trained * 4))
    #expect(j["optimizer_bytes"] == .int(trained * 8))
    #expect(j["activations_bytes"] == .int((10 + 10) * 2 * 8))
    #expect(
      j["total_bytes"] == .int((trained + 20) * 4 + trained * 4 + trained * 8 + 20 * 2 * 8))
    #expect(j["activation_layers"]?.array?.count == 2)
    let int8 = try JSONValue.parse(
      MemoryRenderer.json(
        try report(["input (4,)", "add dense units=2"], "memory dtype=int8"), line: 3))
    #expect(int8["optimizer"] == .null)
  }

  @Test func theSummarySizesStayAsTheyWere() {
    // Keras's summary: 13,610 float32 parameters are 54,440 bytes, 53.16 KB (1 KB = 1024 B).
    #expect(Format.memory(params: 13_610) == "53.16 KB")
    #expect(Format.memory(bytes: 13_610 * 4) == "53.16 KB")
    #expect(Format.memory(bytes: 40) == "40.00 B")
    #expect(Format.memory(bytes: 3 * 1024 * 1024) == "3.00 MB")
  }
}
