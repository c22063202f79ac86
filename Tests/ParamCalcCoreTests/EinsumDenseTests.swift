import Testing

@testable import ParamCalcCore

/// EinsumDense: the kernel, bias and output shapes of Keras's `_analyze_einsum_string`, with
/// the numbers worked out here by hand from the equations (and checked against Keras in
/// keras-exactness.jsonl).
@Suite("EinsumDense")
struct EinsumDenseTests {
  @Test func denseOnTheLastAxis() throws {
    // abc,cd->abd on (None, 10, 16), d = 32: kernel (c, d) = 16 × 32, bias (d,) = 32.
    let l = try layer(
      "(10,16)", "add einsumdense equation=abc,cd->abd output_shape=(10,32) bias_axes=d")
    #expect(l.inference.weights.map(\.shape) == [[16, 32], [32]])
    #expect(l.inference.params == 16 * 32 + 32)
    #expect(l.output == Shape([10, 32]))
  }

  @Test func aNoneOfOutputShapeStaysNone() throws {
    // Keras keeps output_shape's None where the input's size is known (einsum_dense.py).
    let l = try layer(
      "(32,128)", "add einsumdense equation=abc,cd->abd output_shape=(None,64) bias_axes=d")
    #expect(l.output == Shape([nil, 64]))
    #expect(l.inference.params == 128 * 64 + 64)
  }

  @Test func ellipsisOnTheLeftKeepsTheOtherAxesReversed() throws {
    // ...b,bc->...c on (None, 4, 5, 10): the elided 4 and 5 are inserted one by one at position
    // 1, so the output is (None, 5, 4, 64); the kernel (b, c) = 10 × 64.
    let l = try layer("(4,5,10)", "add einsumdense equation=...b,bc->...c output_shape=64")
    #expect(l.output == Shape([5, 4, 64]))
    #expect(l.inference.weights.map(\.shape) == [[10, 64]])
  }

  @Test func ellipsisOnTheRightAndBiasOfOnes() throws {
    // ab...,bc->ac... on (None, 10, 4, 5): the last two axes are carried to the end, and the
    // bias gets a 1 for each: (64, 1, 1).
    let l = try layer(
      "(10,4,5)", "add einsumdense equation=ab...,bc->ac... output_shape=64 bias_axes=c")
    #expect(l.output == Shape([64, 4, 5]))
    #expect(l.inference.weights.map(\.shape) == [[10, 64], [64, 1, 1]])
  }

  @Test func biasRunsFromItsFirstAxisToTheEnd() throws {
    // abc,cde->abde, bias_axes=d: the bias covers d and e, e with size 1: (4, 1).
    let l = try layer(
      "(10,16)", "add einsumdense equation=abc,cde->abde output_shape=(None,4,8) bias_axes=d")
    #expect(l.inference.weights.map(\.shape) == [[16, 4, 8], [4, 1]])
    #expect(l.inference.params == 16 * 4 * 8 + 4)
  }

  @Test func loraFreezesTheKernelAndSplitsOnItsLastAxis() throws {
    // lora_kernel_a: the kernel's axes but the last, then the rank; lora_kernel_b (rank, last).
    let l = try layer(
      "(10,16)",
      "add einsumdense equation=abc,cde->abde output_shape=(None,4,8) bias_axes=de lora_rank=2")
    #expect(
      l.inference.weights.map(\.name) == ["kernel", "bias", "lora_kernel_a", "lora_kernel_b"])
    #expect(l.inference.weights.map(\.shape) == [[16, 4, 8], [4, 8], [16, 4, 2], [2, 8]])
    #expect(l.inference.nonTrainable == 16 * 4 * 8)
    #expect(l.inference.trainable == 4 * 8 + 16 * 4 * 2 + 2 * 8)
  }

  @Test func quotedEquationsAreTheSame() throws {
    let a = try layer("(10,16)", "add einsumdense equation=abc,cd->abd output_shape=(10,8)")
    let b = try layer("(10,16)", "add einsumdense equation=\"abc,cd->abd\" output_shape=(10,8)")
    let c = try layer("(10,16)", "add einsumdense equation='abc,cd->abd' output_shape=10x8")
    #expect(a.inference == b.inference)
    #expect(a.inference == c.inference)
  }

  @Test func equationParsing() {
    #expect(EinsumEquation("ab,bc->ac")?.ellipsis == EinsumEquation.Ellipsis.none)
    #expect(EinsumEquation("...ab,bc->...ac")?.ellipsis == .left)
    #expect(EinsumEquation("ab...,bc->ac...")?.ellipsis == .right)
    // re.match reads the start only: what follows the output is ignored.
    #expect(EinsumEquation("ab,bc->ac,x").map { String($0.output) } == "ac")
    for bad in ["ab,bc", "ab->bc", "a...,bc->ac...", "ab.c,bc->ac", "", "...,b->..."] {
      #expect(EinsumEquation(bad) == nil, "\(bad)")
    }
  }

  @Test func kerasRefusals() {
    expectRefusal(
      after: ["input (10,)"], "add einsumdense equation=ab,bc output_shape=8", .invalidValue,
      "invalid einsum equation 'ab,bc'")
    expectRefusal(
      after: ["input (10,16)"], "add einsumdense equation=abc,cd->abd output_shape=(11,16)",
      .refused, "do not match at shared dimension 'b'")
    expectRefusal(
      after: ["input (10,16)"], "add einsumdense equation=abc,cd->abe output_shape=(None,8)",
      .refused, "dimension 'e' of the output 'abe' is in neither")
    expectRefusal(
      after: ["input (10,16)"],
      "add einsumdense equation=abc,cd->abd output_shape=(None,8) bias_axes=x", .invalidValue,
      "bias dimension 'x' was requested")
    expectRefusal(
      after: ["input (10,)"], "add einsumdense equation=abc,cd->abd output_shape=(None,8)",
      .refused, "names 3 input axes")
    expectRefusal(
      after: ["input (10,)"], "add einsumdense equation=ab,bc->ac output_shape=()", .refused,
      "list index out of range")
    expectRefusal(
      after: ["input (None,)"], "add einsumdense equation=ab,bc->ac output_shape=8", .refused,
      "not fully defined")
    expectRefusal(
      after: ["input (10,)"], "add einsumdense equation=ab,bc->ac output_shape=-1", .refused,
      "negative size")
    expectRefusal(
      after: ["input (10,)"], "add einsumdense equation=ab,bc->ac output_shape=None",
      .invalidValue, "expected an integer or a tuple")
    expectRefusal(
      after: ["input (10,)"], "add einsumdense equation=ab,bc->ac output_shape=8 use_bias=true",
      .unknownArgument, "no argument 'use_bias'")
  }

  @Test func aRefusalLeavesTheModelUnchanged() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (10,16)")
    _ = try i.run(line: "add dense units=4")
    #expect(throws: ParamCalcError.self) {
      try i.run(line: "add einsumdense equation=abc,cd->abd output_shape=(9,16)")
    }
    #expect(i.session.layers.count == 1)
    #expect(i.session.total == 16 * 4 + 4)
  }
}
