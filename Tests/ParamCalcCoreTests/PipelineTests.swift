import Testing

@testable import ParamCalcCore

/// Pipeline: its layers applied one after another; the count and the weights are its layers',
/// in the order of the list (pipeline.py keeps them in a tracked list), each worked out here by
/// hand, and the refusals Keras gives. (Keras's own rows for such lines are in
/// keras-exactness.jsonl, compared by KerasExactnessTests.)
@Suite("Pipeline")
struct PipelineTests {
  @Test func theLayersWeightsInOrder() throws {
    let l = try layer("(10,)", "add pipeline layers=\"dense units=4; batchnormalization\"")
    // Dense 10 × 4 + 4; BatchNormalization gamma, beta (trained), moving mean and variance.
    #expect(l.params == 10 * 4 + 4 + 4 * 4)
    #expect(l.nonTrainable == 2 * 4)
    #expect(
      weights(l) == [
        "kernel[10, 4]", "bias[4]", "gamma[4]", "beta[4]", "moving_mean[4]!",
        "moving_variance[4]!",
      ])
    #expect(l.output == Shape([4]))
    #expect(l.typeName == "Pipeline(Dense, BatchNormalization)")
  }

  @Test func eachLayerOnTheOutputBefore() throws {
    let l = try layer(
      "(10,10,3)", "add pipeline layers=\"rescaling scale=0.5; conv2d filters=4 kernel_size=3\"")
    #expect(l.params == 3 * 3 * 3 * 4 + 4)
    #expect(l.output == Shape([8, 8, 4]))
    let e = l.explanation
    #expect(e.formula == "layer_1 + layer_2")
    #expect(e.terms.map(\.value) == [0, 3 * 3 * 3 * 4 + 4])
    #expect(e.parts.map(\.count) == [3 * 3 * 3 * 4 + 4])
  }

  @Test func nestedLayers() throws {
    let l = try layer(
      "(10,4)",
      "add pipeline layers=\"bidirectional lstm units=3 return_sequences=true trainable=false; rnn cell='grucell units=2'; pipeline layers='dense units=5'\""
    )
    let lstm = 4 * (4 * 3 + 3 * 3 + 3)
    let gru = 3 * (6 * 2 + 2 * 2 + 2 * 2)
    #expect(l.params == 2 * lstm + gru + 2 * 5 + 5)
    #expect(l.nonTrainable == 2 * lstm)
    #expect(l.output == Shape([5]))
  }

  @Test func refusals() {
    expectRefusal(after: ["input (10,)"], "add pipeline layers=\"\"", .invalidValue, "at least one")
    expectRefusal(
      after: ["input (10,)"], "add pipeline layers=\"dense units=4\" dtype=float32",
      .unknownArgument, "no argument 'dtype'")
    expectRefusal(
      after: ["input (10,)"], "add pipeline layers=\"centercrop height=2 width=2\"", .refused,
      "layer 1, CenterCrop")
    expectRefusal(
      after: ["input (10,)"], "add pipeline layers=\"dense unitz=4\"", .unknownArgument,
      "no argument 'unitz'")
    expectRefusal(after: ["input (10,)"], "add pipeline", .missingArgument, "'layers'")
  }
}
