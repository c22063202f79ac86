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

  @Test func aLetterTwiceInTheInputIsSizedByItsLastAxis() throws {
    // abb,bc->ac on (None, 3, 4): 'b' names the axes of 3 and 4; Keras's input map keeps the
    // last position, so the kernel (b, c) = 4 × 8; calling it would fail (einsum needs one size).
    let l = try layer("(3,4)", "add einsumdense equation=abb,bc->ac output_shape=8")
    #expect(l.inference.weights.map(\.shape) == [[4, 8]])
    #expect(l.inference.params == 4 * 8)
    let text = oneLine(
      try explainText("(3,4)", "add einsumdense equation=abb,bc->ac output_shape=8"))
    // Both axes are said, not one size for the two.
    #expect(
      text.contains("'b' names 2 input axes, of 3 and 4, and Keras reads the last"), "\(text)")
    #expect(
      text.contains(
        "contracted (summed over, not in the output): b = 3 and 4 (its 2 input axes; "
          + "Keras reads the last)"), "\(text)")
    #expect(!text.contains("contracted (summed over, not in the output): b = 4"), "\(text)")
    #expect(text.contains("(here they differ: Keras builds the layer, and calling it fails)"))
    // Two axes of one size: said once, and nothing said to fail.
    let same = oneLine(
      try explainText(
        "(3,3)", "add einsumdense equation=abb,bc->abc output_shape=(3,8) bias_axes=bc"))
    #expect(same.contains("b = 3 (each of its 2 input axes)"), "\(same)")
    #expect(same.contains("'b' names 2 input axes, each of 3"), "\(same)")
    #expect(!same.contains("fails"), "\(same)")
  }

  @Test func aLetterTwiceInTheOutputOrKernel() throws {
    // ab,bcc->acc on (None, 5), output_shape (8, 9): the output map keeps c's last position, 9,
    // so the kernel (b, c, c) = 5 × 9 × 9; the output keeps 8 and 9.
    let add = "add einsumdense equation=ab,bcc->acc output_shape=(8,9)"
    let l = try layer("(5,)", add)
    #expect(l.inference.weights.map(\.shape) == [[5, 9, 9]])
    #expect(l.inference.params == 5 * 9 * 9)
    #expect(l.output == Shape([8, 9]))
    let text = oneLine(try explainText("(5,)", add))
    #expect(text.contains("'c' names 2 output axes, of 8 and 9, and Keras reads the last"))
    #expect(text.contains("new, from the kernel and output_shape: c = 8 and 9"), "\(text)")
    #expect(text.contains("'c' twice in the kernel:"), "\(text)")
    #expect(text.contains("einsum refuses a letter repeated in the output"), "\(text)")
    // A letter twice in the kernel only: b × b weights, all counted.
    let k = try layer("(4,)", "add einsumdense equation=ab,bb->ab output_shape=4 bias_axes=b")
    #expect(k.inference.params == 4 * 4 + 4)
  }

  @Test func aRepeatedLetterMustAgreeWithTheOutputAtItsLastAxis() {
    // abbc,cd->abd on (None, 4, 5, 6) with output_shape (4, 8): b's last input axis is 5, the
    // output's b is 4: Keras refuses ("Input shape is 5, and output shape is 4").
    expectRefusal(
      after: ["input (4,5,6)"],
      "add einsumdense equation=abbc,cd->abd output_shape=(4,8) bias_axes=d", .refused,
      "the input axis 'b' names last has 5, output_shape 4")
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
