import Testing

@testable import ParamCalcCore

/// GroupQueryAttention (the class GroupedQueryAttention): query, key, value and output
/// projections, keys and values with num_key_value_heads heads. The numbers are worked out here
/// by hand (and checked against Keras in keras-exactness.jsonl and the wide corpus).
@Suite("GroupQueryAttention")
struct GroupedQueryAttentionTests {
  @Test func weightsInKerasOrder() throws {
    // d = 16, head_dim = 8, 4 query heads, 2 key/value heads.
    let l = try layer(
      "(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2")
    #expect(l.typeName == "GroupedQueryAttention")
    #expect(
      l.inference.weights.map(\.shape) == [
        [16, 4, 8], [4, 8], [16, 2, 8], [2, 8], [16, 2, 8], [2, 8], [4, 8, 16], [16],
      ])
    let query = 16 * 4 * 8 + 4 * 8
    let keyOrValue = 16 * 2 * 8 + 2 * 8
    let output = 4 * 8 * 16 + 16
    #expect(l.inference.params == query + 2 * keyOrValue + output)
    #expect(l.output == Shape([10, 16]))
  }

  @Test func gateAfterKeyAndNoBiases() throws {
    let l = try layer(
      "(10,16)",
      "add groupqueryattention head_dim=4 num_query_heads=6 num_key_value_heads=3 use_gate=true use_bias=false"
    )
    #expect(
      l.inference.weights.map(\.shape) == [
        [16, 6, 4], [16, 3, 4], [16, 6, 4], [16, 3, 4], [6, 4, 16],
      ])
    #expect(l.inference.params == 2 * 16 * 6 * 4 + 2 * 16 * 3 * 4 + 6 * 4 * 16)
  }

  @Test func bothNamesAreTheSameLayer() throws {
    let a = try layer(
      "(10,16)", "add groupqueryattention head_dim=8 num_query_heads=2 num_key_value_heads=1")
    let b = try layer(
      "(10,16)", "add GroupedQueryAttention head_dim=8 num_query_heads=2 num_key_value_heads=1")
    #expect(a.inference == b.inference)
    #expect(b.spec.type == "GroupQueryAttention")
  }

  @Test func moreAxesOfPositionsReadAxisTwo() throws {
    // Keras's bqm,muh->bquh on (None, 4, 5, 16) reads m = 5, and the biases get a trailing 1.
    let l = try layer(
      "(4,5,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2")
    #expect(l.inference.weights[0].shape == [5, 4, 8])
    #expect(l.inference.weights[1].shape == [4, 8, 1])
    #expect(l.inference.weights[6].shape == [4, 8, 16])
    #expect(l.output == Shape([4, 5, 16]))
  }

  @Test func partsAddUp() throws {
    let l = try layer(
      "(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2")
    let parts = l.explanation.parts
    #expect(
      parts.map(\.name) == [
        "query projection", "key projection", "value projection", "output projection",
      ])
    #expect(parts.map(\.count) == [16 * 4 * 8 + 32, 16 * 2 * 8 + 16, 16 * 2 * 8 + 16, 512 + 16])
    #expect(l.explanation.notes.contains { $0.contains("4 / 2 = 2 query heads") })
  }

  @Test func kerasRefusals() {
    let setup = ["input (10,16)"]
    expectRefusal(
      after: setup,
      "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=3",
      .invalidValue, "must be divisible by num_key_value_heads")
    expectRefusal(
      after: setup,
      "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=0",
      .invalidValue, "must be at least 1")
    expectRefusal(
      after: setup,
      "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2 dropout=0.1 flash_attention=true",
      .invalidValue, "dropout is not supported when flash attention is enabled")
    expectRefusal(
      after: setup,
      "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2 sliding_window=0",
      .invalidValue, "must be at least 1")
    expectRefusal(
      after: ["input (16,)"],
      "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2", .refused,
      "no axis of positions")
    expectRefusal(
      after: ["input (10,None)"],
      "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2", .refused,
      "not fully defined")
  }
}
