import Testing

@testable import ParamCalcCore

/// Quiz mode's verdicts on real layers: each wrong guess is worked out by hand from the layer's
/// formula with one term miscounted, and must be diagnosed as that term.
@Suite("Quiz: which term a wrong guess misses")
struct QuizTests {
  func layer(_ lines: String...) throws -> ModelLayer {
    var interpreter = Interpreter()
    for line in lines { _ = try interpreter.run(line: line) }
    return try #require(interpreter.session.layers.last)
  }

  /// Conv1D filters=64 kernel_size=5 on 25 channels: (5 × 25 + 1) × 64 = 8,064.
  func conv() throws -> ModelLayer {
    try layer("input (None,25)", "add conv1d filters=64 kernel_size=5")
  }

  @Test func theRightCountIsRight() throws {
    let v = Quiz.judge(8064, layer: try conv())
    #expect(v.isRight)
    #expect(v.diagnosis == .right)
    #expect(v.message == "right: 8,064 params")
  }

  @Test func convolutionWithoutBias() throws {
    // 5 × 25 × 64 = 8,000: the 64 biases left out.
    let v = Quiz.judge(8000, layer: try conv())
    guard case .withoutBias(let bias, let meaning) = v.diagnosis else {
      Issue.record("\(v.diagnosis)")
      return
    }
    #expect(bias == 64)
    #expect(meaning?.contains("bias") == true)
    #expect(v.message.hasPrefix("not quite: 8,064 params, not 8,000 — you left out the bias, 64"))
  }

  @Test func convolutionWithoutInputChannels() throws {
    // (5 × 1 + 1) × 64 = 384: each filter counted on one channel instead of all 25.
    let v = Quiz.judge(384, layer: try conv())
    #expect(
      v.diagnosis
        == .term(
          name: "input_channels", value: 25, guessed: 1, fromInput: true,
          meaning: try conv().explanation.terms.first { $0.name == "input_channels" }!.meaning))
    #expect(
      v.message.contains("you left out input_channels = 25, which comes from the input shape"))
  }

  @Test func denseWithoutBiasAndWithoutInputFeatures() throws {
    // Dense units=64 on 25 features: (25 + 1) × 64 = 1,664.
    let d = try layer("input (None,25)", "add dense units=64")
    #expect(d.params == 1664)
    guard case .withoutBias(64, _) = Quiz.judge(1600, layer: d).diagnosis else {
      Issue.record("1,600 is 25 × 64, without the bias")
      return
    }
    // (1 + 1) × 64 = 128.
    guard case .term("input_features", 25, 1, true, _) = Quiz.judge(128, layer: d).diagnosis
    else {
      Issue.record("128 is (1 + 1) × 64: the input features left out")
      return
    }
  }

  @Test func lstmWithOneGateBlockOrAGRUsThree() throws {
    // LSTM units=32 on 25 features: 4 × (25 × 32 + 32 × 32 + 32) = 4 × 1,856 = 7,424.
    let l = try layer("input (None,25)", "add lstm units=32")
    #expect(l.params == 7424)
    guard case .gateBlocks(1, 4, _) = Quiz.judge(1856, layer: l).diagnosis else {
      Issue.record("1,856 is one block of an LSTM's four")
      return
    }
    guard case .gateBlocks(3, 4, _) = Quiz.judge(5568, layer: l).diagnosis else {
      Issue.record("5,568 is 3 blocks (a GRU's count) of an LSTM's four")
      return
    }
    #expect(
      Quiz.judge(1856, layer: l).message.contains(
        "you counted 1 block of weights where there are 4"))
    // Without the 4 × 32 biases: 7,296.
    guard case .withoutBias(128, _) = Quiz.judge(7296, layer: l).diagnosis else {
      Issue.record("7,296 is the LSTM without its 128 biases")
      return
    }
  }

  @Test func gruWithOneBiasPerBlock() throws {
    // GRU units=32 (reset_after=true: 2 biases a unit): 3 × (800 + 1,024 + 64) = 5,664; with
    // one bias a unit, 3 × (800 + 1,024 + 32) = 5,568.
    let g = try layer("input (None,25)", "add gru units=32")
    #expect(g.params == 5664)
    guard case .term("biases", 2, 1, false, _) = Quiz.judge(5568, layer: g).diagnosis else {
      Issue.record("\(Quiz.judge(5568, layer: g).diagnosis)")
      return
    }
    #expect(Quiz.judge(5568, layer: g).message.contains("you took biases as 1 instead of 2"))
  }

  @Test func batchNormalizationTrainablePartOnly() throws {
    // BatchNormalization on 64 channels: 4 × 64 = 256, of which gamma and beta (128) train.
    let b = try layer("input (None,25,64)", "add batchnormalization")
    #expect(b.params == 256)
    let v = Quiz.judge(128, layer: b)
    #expect(
      v.diagnosis == .trainableOnly(nonTrainable: 128, weights: ["moving_mean", "moving_variance"]))
    #expect(v.message.contains("the trainable part only"))
  }

  @Test func bidirectionalWithOneDirection() throws {
    // Bidirectional LSTM units=8 on 25 features: 2 × 4 × (25 × 8 + 8 × 8 + 8) = 2,176; one
    // direction is 1,088.
    let b = try layer("input (None,25)", "add bidirectional lstm units=8")
    #expect(b.params == 2176)
    guard case .term("directions", 2, 1, false, _) = Quiz.judge(1088, layer: b).diagnosis else {
      Issue.record("\(Quiz.judge(1088, layer: b).diagnosis)")
      return
    }
  }

  @Test func simpleRNNWithoutTheRecurrentKernel() throws {
    // SimpleRNN units=32 on 25: 800 + 1,024 + 32 = 1,856; without the recurrent kernel, 832.
    let r = try layer("input (None,25)", "add simplernn units=32")
    #expect(r.params == 1856)
    let v = Quiz.judge(832, layer: r)
    #expect(v.diagnosis == .withoutWeight(name: "recurrent_kernel", shape: [32, 32], count: 1024))
  }

  @Test func aGuessNoTermExplainsSaysHowFarOff() throws {
    let v = Quiz.judge(8065, layer: try conv())
    #expect(v.diagnosis == .unknown(difference: 1))
    #expect(
      v.message
        == "not quite: 8,064 params, not 8,065 — 1 too high; 'explain' shows every term of the formula"
    )
    #expect(Quiz.judge(7000, layer: try conv()).diagnosis == .unknown(difference: -1064))
  }

  @Test func theFormulaOfEveryExampleEvaluatesToItsCount() throws {
    // The evaluator reads every layer's formula: each example layer's formula, evaluated on its
    // terms, gives its count (a formula it could not read would leave the terms undiagnosed).
    #expect(LayerExample.all.count > 40)
    for example in LayerExample.all {
      let l = try #require(example.layer(), "\(example.text)")
      #expect(
        Quiz.evaluate(l.explanation.formula, l.explanation.terms) == l.params,
        "\(example.text): \(l.explanation.formula)")
    }
  }

  @Test func theEvaluatorKeepsPrecedenceAndRefusesWhatItCannotRead() {
    let t = [Term("a", 3, .argument, ""), Term("b", 4, .argument, "")]
    #expect(Quiz.evaluate("a + b * 2", t) == 11)
    #expect(Quiz.evaluate("(a + b) * 2 - 1", t) == 13)
    #expect(Quiz.evaluate("a * (b", t) == nil)
    #expect(Quiz.evaluate("c + 1", t) == nil)
    #expect(Quiz.evaluate("9223372036854775807 * 2", t) == nil)
  }
}
