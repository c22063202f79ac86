import Testing

@testable import ParamCalcCore

/// Attention reading several tensors: MultiHeadAttention and GroupQueryAttention with
/// `from query,value[,key]`, Attention and AdditiveAttention. Expected numbers are worked out
/// here from Keras's build (multi_head_attention.py, grouped_query_attention.py, attention.py,
/// additive_attention.py); keras-graph.jsonl checks the same against Keras itself.
@Suite("Cross-attention")
struct CrossAttentionTests {
  let inputs = ["input (5,16)", "input memory (9,12)", "input keys (9,20)"]

  func session(_ lines: [String]) throws -> Session {
    var i = Interpreter()
    for line in inputs + lines { _ = try i.run(line: line) }
    return i.session
  }

  func last(_ lines: String...) throws -> ModelLayer {
    try #require(try session(lines).layers.last)
  }

  @Test func multiHeadAttentionSizesEachProjectionByItsInput() throws {
    // query 16, key 20, value 12; 4 heads, key_dim 8, value_dim 6; output back to 16.
    let l = try last(
      "add multiheadattention num_heads=4 key_dim=8 value_dim=6 from input,memory,keys")
    let (h, k, v) = (4, 8, 6)
    let query = 16 * h * k + h * k
    let key = 20 * h * k + h * k
    let value = 12 * h * v + h * v
    let output = h * v * 16 + 16
    #expect(l.params == query + key + value + output)
    #expect(l.output == Shape([5, 16]))
    #expect(
      weights(l) == [
        "kernel[16, 4, 8]", "bias[4, 8]", "kernel[20, 4, 8]", "bias[4, 8]", "kernel[12, 4, 6]",
        "bias[4, 6]", "kernel[4, 6, 16]", "bias[16]",
      ])
  }

  @Test func keyDefaultsToValue() throws {
    let two = try last("add multiheadattention num_heads=2 key_dim=4 from input,memory")
    let three = try last("add multiheadattention num_heads=2 key_dim=4 from input,memory,memory")
    #expect(two.params == three.params)
    // query 16 and key = value 12, both with key_dim 4; value 12 with value_dim 4; output 16.
    #expect(two.params == (16 * 8 + 8) + (12 * 8 + 8) + (12 * 8 + 8) + (8 * 16 + 16))
  }

  @Test func gateReadsTheQueryAndOutputShapeSetsTheOutput() throws {
    let l = try last(
      "add multiheadattention num_heads=2 key_dim=3 use_gate=true output_shape=(2,4) "
        + "from input,memory,keys")
    #expect(l.output == Shape([5, 2, 4]))
    let gate = 16 * 2 * 3 + 2 * 3
    let noGate = (16 * 6 + 6) + (20 * 6 + 6) + (12 * 6 + 6) + (6 * 8 + 8)
    #expect(l.params == noGate + gate)
    #expect(weights(l)[4] == "kernel[16, 2, 3]")
  }

  @Test func oneTensorIsSelfAttentionAsBefore() throws {
    let alone = try layer("(5,16)", "add multiheadattention num_heads=2 key_dim=4")
    let named = try layer("(5,16)", "add multiheadattention num_heads=2 key_dim=4 from input")
    let twice = try layer("(5,16)", "add multiheadattention num_heads=2 key_dim=4 from input,input")
    #expect(alone.params == named.params && alone.params == twice.params)
    #expect(named.explanation.formula == alone.explanation.formula)
    #expect(twice.explanation.formula.contains("d_q"))
  }

  @Test func keyAndValueMustShareTheirPositions() {
    let e = error(
      after: inputs + ["input short (7,20)"],
      "add multiheadattention num_heads=2 key_dim=4 from input,memory,short")
    #expect(
      e?.message.contains("All dimensions of `value` and `key`") == true, "\(String(describing: e))"
    )
    let four = error(
      after: inputs, "add multiheadattention num_heads=2 key_dim=4 from input,memory,keys,keys")
    #expect(four != nil)
  }

  @Test func groupQueryAttentionCrossCounts() throws {
    // query and value share their features (16); the key may differ (its own kernel).
    let l = try last(
      "input wide (9,24)", "input same (9,16)",
      "add groupqueryattention head_dim=4 num_query_heads=4 num_key_value_heads=2 "
        + "from input,same,wide")
    let query = 16 * 4 * 4 + 4 * 4
    let key = 24 * 2 * 4 + 2 * 4
    let value = 16 * 2 * 4 + 2 * 4
    let output = 4 * 4 * 16 + 16
    #expect(l.params == query + key + value + output)
    #expect(l.output == Shape([5, 16]))
  }

  @Test func groupQueryAttentionRefusesAValueOfOtherFeatures() {
    let e = error(
      after: inputs,
      "add groupqueryattention head_dim=4 num_query_heads=4 num_key_value_heads=2 from input,memory"
    )
    #expect(e?.message.contains("The last dimension of `query_shape` and `value_shape`") == true)
  }

  @Test func attentionWeightsAndShape() throws {
    let plain = try last("add attention from input,memory")
    #expect(plain.params == 0)
    #expect(plain.output == Shape([5, 12]))
    let both = try last("add attention use_scale=true score_mode=concat from input,memory,keys")
    #expect(weights(both) == ["scale[]", "concat_score_weight[]"])
    #expect(both.params == 2)
  }

  @Test func additiveAttentionScalesEachQueryFeature() throws {
    let l = try last("add additiveattention from input,memory")
    #expect(weights(l) == ["scale[16]"])
    #expect(l.output == Shape([5, 12]))
    let none = try last("add additiveattention use_scale=false from memory,input")
    #expect(none.params == 0)
    #expect(none.output == Shape([9, 16]))
  }

  @Test func attentionRefusesOneTensorAndTooMany() {
    for line in [
      "add attention", "add attention from input",
      "add additiveattention from input,input,input,input",
    ] {
      #expect(error(after: inputs, line) != nil, "\(line)")
    }
    #expect(error(after: inputs, "add attention score_mode=general from input,memory") != nil)
  }

  @Test func crossExplanationsHold() throws {
    for line in [
      "add multiheadattention num_heads=4 key_dim=8 value_dim=6 from input,memory,keys",
      "add multiheadattention num_heads=2 key_dim=3 use_gate=true use_bias=false from input,keys",
      "add additiveattention from input,memory",
      "add attention use_scale=true from input,memory",
    ] {
      let s = try session([line])
      let l = try #require(s.layers.last)
      let text = TextRenderer().explain(s.count, s)
      for (statement, holds) in Arithmetic.statements(text) {
        #expect(holds, "\(line): '\(statement)' in\n\(text)")
      }
      for s in Explanation.symbols(l.explanation.formula) {
        #expect(l.explanation.terms.contains { $0.name == s }, "\(line): \(s)")
      }
    }
  }

  @Test func reusedCrossAttentionMustFitItsWeights() {
    let e = error(
      after: inputs + ["add multiheadattention num_heads=2 key_dim=4 from input,memory"],
      "reuse 3 from input,keys")
    #expect(e != nil)
  }
}
