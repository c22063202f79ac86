import Testing

@testable import ParamCalcCore

/// `flops training=true`: the backward pass as docs/flops.md counts it (each MAC's two factors
/// get a gradient, one MAC each; every other FLOP once more), worked out here by hand.
extension FlopsTests {
  @Test func trainingAddsTheBackwardPass() throws {
    let setup = ["input (784,)", "add dense units=10"]
    let r = try report(setup, "flops training=true batch=4")
    // forward: 7,840 MACs = 15,680 FLOPs + 10 bias; backward: 2 × 7,840 MACs + the 10 again.
    #expect(r.flops == 15_690)
    #expect(r.backwardMacs == 15_680)
    #expect(r.backwardFlops == 2 * 15_680 + 10)
    #expect(r.stepFlops == 15_690 + 31_370)
    #expect(r.batchStepFlops == 4 * 47_060)
    #expect(r.rows[0].backwardFlops == 31_370)
    // Without it, nothing of the backward pass is reported.
    let plain = try report(setup, "flops")
    #expect(plain.stepFlops == 0)
    #expect(!FlopsRenderer.text(plain).contains("backward"))
  }

  @Test func trainingOfALayerWithoutMACsIsItsOtherFLOPsOnceMore() throws {
    let r = try report(["input (10,)", "add batchnormalization"], "flops training=true")
    // BatchNormalization at inference: 2 FLOPs per element, no MACs; its backward: the same.
    #expect(r.macs == 0)
    #expect(r.backwardFlops == 20)
    #expect(r.stepFlops == 40)
  }

  @Test func trainingTextEvaluates() throws {
    let setup = ["input 28x28x1", "add conv2d filters=8 kernel_size=3 activation=relu"]
    let text = FlopsRenderer.text(try report(setup, "flops training=true batch=2"))
    // 26 × 26 × 9 × 8 = 48,672 MACs; bias and relu: 5,408 each.
    #expect(text.contains("backward: 2 × MACs = 2 × 48,672 = 97,344 MACs"), "\(text)")
    #expect(
      text.contains("backward FLOPs = 2 × 97,344 + 10,816 (the other FLOPs once more) = 205,504"))
    #expect(text.contains("forward + backward = 108,160 + 205,504 = 313,664 FLOPs per sample"))
    #expect(text.contains("step FLOPs × batch = 313,664 × 2 = 627,328"))
    let explain = FlopsRenderer.text(try report(setup, "explain 1 flops training=true"))
    #expect(explain.contains("2 × 48,672 = 97,344 MACs"), "\(explain)")
    #expect(explain.contains("5,408 + 5,408 = 10,816 FLOPs"))
    #expect(explain.contains("backward / forward = 205,504 / 108,160 ≈ 1.90"))
    for line in (text + explain).split(separator: "\n") { #expect(line.count <= 100, "\(line)") }
  }

  @Test func trainingJSON() throws {
    let r = try report(["input (784,)", "add dense units=10"], "flops training=true")
    let j = FlopsRenderer.json(r, line: 3)
    #expect(j.contains("\"training\":true"))
    #expect(j.contains("\"backward_flops_per_sample\":31370"))
    #expect(j.contains("\"step_flops_per_sample\":47060"))
    #expect(j.contains("\"backward_flops\":31370"))
  }

  @Test func trainingTakesTrueOrFalse() throws {
    let setup = ["input (784,)", "add dense units=10"]
    guard
      case .invalidValue(let argument, _, _, _) = try #require(
        try refusal(setup, "flops training=3"))
    else {
      Issue.record("not an invalid value")
      return
    }
    #expect(argument == "training")
  }
}

/// The words `flops` and `explain N flops` print about inputs, sums and what is not counted.
extension FlopsTests {
  @Test func explainOfAnInputSaysItComputesNothing() throws {
    let r = try report(["input a (4,)", "add dense units=3 from a"], "explain 1 flops")
    #expect(
      FlopsRenderer.text(r)
        == "  #1 InputLayer: an input of the model; it computes nothing (0 MACs, 0 FLOPs)\n")
  }

  @Test func aSumOfOneTermIsNotWrittenTwice() throws {
    // BatchNormalization on (10,): 2 FLOPs an element, 20; no MACs.
    let text = FlopsRenderer.text(
      try report(["input (10,)", "add batchnormalization"], "explain 1 flops training=true"))
    #expect(text.contains("    FLOPs = 20\n"), "\(text)")
    #expect(text.contains("    backward FLOPs = 20\n"))
    #expect(!text.contains("20 = 20"))
  }

  @Test func nothingCountedIsNotZero() throws {
    let text = FlopsRenderer.text(try report(["input (4,)", "add categoryencoding num_tokens=8"]))
    #expect(text.contains("per sample: nothing counted"), "\(text)")
    #expect(!text.contains("0 MACs"))
  }

  @Test func twoFilledInputsAreListedOnce() throws {
    let text = FlopsRenderer.text(
      try report(
        ["input a (None,4)", "input b (None,4)", "add add from a,b"], "flops length=3"))
    #expect(
      text.contains("length=3: the inputs are (None, 3, 4), (None, 3, 4) here, in their order"),
      "\(text)")
  }
}

/// Unknown axes: `explain N flops` needs layer N's sizes only; an axis a layer leaves open itself
/// is not the input's to fill.
extension FlopsTests {
  @Test func explainOfOneLayerIsNotStoppedByAnother() throws {
    let setup = ["input (None,25)", "add lstm units=32", "add dense units=10"]
    // Dense(10) on (32,): 32 × 10 = 320 MACs, 2 × 320 + 10 = 650 FLOPs.
    let r = try report(setup, "explain 2 flops")
    #expect(r.macs == 320)
    #expect(r.flops == 650)
    let known = FlopsRenderer.text(
      try report(["input (4,)", "add dense units=2"], "flops length=5"))
    #expect(known.contains("length=5: every input axis has its size here; length= changes nothing"))
    let e = try #require(try refusal(setup, "explain 1 flops"))
    #expect(
      e.hint?.contains("'explain 1 flops length=100'") == true, "\(String(describing: e.hint))")
  }

  @Test func anAxisALayerLeavesOpenIsNotTheInputs() throws {
    let setup = [
      "input (32,128)", "add einsumdense equation=abc,cd->abd output_shape=(None,64) bias_axes=d",
    ]
    for line in ["flops", "flops length=5", "memory"] {
      let e = try #require(try refusal(setup, line), "\(line)")
      #expect(
        e.message.contains("the layer's own arguments leave it open"), "\(line): \(e.message)")
    }
  }
}

/// Keras's causal mask, (1, T, S), fits one attention axis of sizes T and S (checked in Keras:
/// attention_axes=(1) on (4, 6, 16) runs with use_causal_mask=True; (2) on it fails).
extension FlopsTests {
  @Test func causalFitsOneAttentionAxisOfTheMasksSizes() throws {
    let r = try report(
      ["input (4,6,16)", "add multiheadattention num_heads=2 key_dim=8 attention_axes=(1)"],
      "flops causal=true")
    // Along axis 1 (4 positions) at each of the 6 others: 4 × 5 / 2 = 10 scores kept per head.
    let scores = 2 * 6 * 10
    // Projections: query, key, value 24 positions × 16 × 2 × 8 each; output 24 × 2 × 8 × 16.
    let projections = 3 * 24 * 16 * 2 * 8 + 24 * 2 * 8 * 16
    #expect(r.macs == projections + 2 * scores * 8)
    #expect(
      try refusal(
        ["input (4,6,16)", "add multiheadattention num_heads=2 key_dim=8 attention_axes=(2)"],
        "flops causal=true") != nil)
  }
}

/// Words of the second review, each true of its layer.
extension FlopsTests {
  @Test func trainingNamesTheLayersWhoseTrainingForwardDiffers() throws {
    let text = FlopsRenderer.text(
      try report(
        [
          "input (8,8,3)", "add conv2d filters=4 kernel=3", "add batchnormalization",
          "add dropout rate=0.5",
        ], "flops training=true"))
    #expect(text.contains("in training #2 BatchNormalization, #3 Dropout compute"), "\(text)")
    let plain = FlopsRenderer.text(
      try report(["input (8,8,3)", "add conv2d filters=4 kernel=3"], "flops training=true"))
    #expect(!plain.contains("counted as at inference"))
  }

  @Test func lstmsCandidateIsTheThirdGate() throws {
    let text = FlopsRenderer.text(
      try report(["input (5,4)", "add lstm units=3"], "explain 1 flops"))
    #expect(oneLine(text).contains("all but the candidate (c of i, f, c, o)"), "\(text)")
    #expect(!text.contains("the last"))
    let linear = FlopsRenderer.text(
      try report(["input (5,4)", "add gru units=3 recurrent_activation=linear"], "explain 1 flops"))
    #expect(!linear.contains("Gr"), "\(linear)")
  }

  @Test func aKernelOfOneElementIsWrittenAsPythonDoes() throws {
    let text = FlopsRenderer.text(
      try report(["input (8,2)", "add conv1d filters=2 kernel=3"], "explain 1 flops"))
    #expect(text.contains("kernel_size=(3,))"), "\(text)")
  }
}
