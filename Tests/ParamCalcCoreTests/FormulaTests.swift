import Testing

@testable import ParamCalcCore

@Suite("Formulas and shape rules")
struct FormulaTests {
  // The seed article's two worked examples.
  @Test func seedConv1D() throws {
    let l = try layer("(None,25)", "add conv1d filters=64 kernel_size=5")
    #expect(l.inference.params == 8_064)
    #expect(l.output == Shape([nil, 64]))
    #expect(weights(l) == ["kernel[5, 25, 64]", "bias[64]"])
    let e = l.explanation
    #expect(e.formula == "(kernel_size * input_channels + 1) * filters")
    #expect(e.substituted == "(5 * 25 + 1) * 64")
  }

  @Test func seedConv2D() throws {
    let l = try layer("(None,None,25)", "add conv2d filters=64 kernel_size=(3,3)")
    #expect(l.inference.params == 14_464)
    #expect(l.explanation.substituted == "(3 * 3 * 25 + 1) * 64")
  }

  @Test(arguments: [
    ("(100,8)", "add conv1d filters=4 kernel_size=3", [98, 4] as [Int?], 100),
    ("(100,8)", "add conv1d filters=4 kernel_size=3 padding=same strides=2", [50, 4], 100),
    ("(100,8)", "add conv1d filters=4 kernel_size=3 padding=causal", [100, 4], 100),
    ("(100,8)", "add conv1d filters=4 kernel_size=3 dilation_rate=4", [92, 4], 100),
    ("(100,8)", "add conv1d filters=4 kernel_size=3 strides=3", [33, 4], 100),
    ("(100,8)", "add conv1d filters=4 kernel_size=3 groups=2 use_bias=false", [98, 4], 48),
    ("(28,28,3)", "add conv2d filters=8 kernel_size=(3,5)", [26, 24, 8], 368),
    ("(8,8,8,2)", "add conv3d filters=4 kernel_size=2 strides=(1,2,2)", [7, 4, 4, 4], 68),
  ])
  func convolution(input: String, line: String, output: [Int?], params: Int) throws {
    let l = try layer(input, line)
    #expect(l.output == Shape(output))
    #expect(l.inference.params == params)
  }

  @Test func convolutionRefusals() {
    // A kernel larger than its input: output size would be zero or negative.
    expectRefusal(
      after: ["input (3,2)"], "add conv1d filters=2 kernel_size=5", .refused,
      "smaller than the window of 5")
    // Wrong rank.
    expectRefusal(
      after: ["input (10,)"], "add conv1d filters=2 kernel_size=1", .refused,
      "expected an input of rank 3")
    // Channels not divisible by groups.
    expectRefusal(
      after: ["input (10,3)"], "add conv1d filters=2 kernel_size=1 groups=2", .refused,
      "divisible by the number of groups")
    // Unknown channels.
    expectRefusal(
      after: ["input (10,None)"], "add conv1d filters=2 kernel_size=1", .refused,
      "the last dimension of the input (None, 10, None) is unknown")
    // Keras refuses strides > 1 with dilation_rate > 1.
    expectRefusal(
      after: ["input (10,3)"], "add conv1d filters=2 kernel_size=1 strides=2 dilation_rate=2",
      .invalidValue, "strides > 1 not supported in conjunction with dilation_rate > 1")
    // causal is for Conv1D only.
    expectRefusal(
      after: ["input (10,10,3)"], "add conv2d filters=2 kernel_size=1 padding=causal",
      .invalidValue, "padding: expected one of 'valid', 'same', found 'causal'")
  }

  @Test func dense() throws {
    let l = try layer("(784,)", "add dense units=10")
    #expect(l.inference.params == 7_850)
    #expect(try layer("(5,7)", "add dense units=3 use_bias=false").inference.params == 21)
    #expect(try layer("(5,7)", "add dense units=3").output == Shape([5, 3]))
    expectRefusal(
      after: ["input (None,)"], "add dense units=3", .refused,
      "the last dimension of the input (None, None) is unknown")
  }

  @Test func recurrent() throws {
    // LSTM: 4 * (n*u + u*u + u); GRU reset_after: 3 * (n*u + u*u + 2u); SimpleRNN: n*u + u*u + u.
    #expect(
      try layer("(None,8)", "add lstm units=16").inference.params == 4 * (8 * 16 + 16 * 16 + 16))
    let gru = try layer("(100,1)", "add gru units=32 return_sequences=true")
    #expect(gru.inference.params == 3_360)
    #expect(weights(gru) == ["kernel[1, 96]", "recurrent_kernel[32, 96]", "bias[2, 96]"])
    #expect(gru.output == Shape([100, 32]))
    #expect(
      try layer("(10,4)", "add gru units=8 reset_after=false").inference.params == 3
        * (4 * 8 + 64 + 8))
    #expect(try layer("(10,4)", "add simplernn units=8").inference.params == 4 * 8 + 64 + 8)
    #expect(try layer("(10,4)", "add simplernn units=8").output == Shape([8]))
    expectRefusal(
      after: ["input (10,)"], "add lstm units=4", .refused, "expected an input of rank 3")
  }

  @Test func bidirectional() throws {
    let l = try layer("(None,8)", "add bidirectional lstm units=16")
    #expect(l.typeName == "Bidirectional(LSTM)")
    #expect(l.inference.params == 2 * 4 * (8 * 16 + 16 * 16 + 16))
    #expect(l.output == Shape([32]))
    #expect(weights(l).count == 6)
    let sum = try layer(
      "(5,8)", "add bidirectional gru units=4 return_sequences=true merge_mode=sum")
    #expect(sum.output == Shape([5, 4]))
    expectRefusal(
      after: ["input (5,8)"], "add bidirectional dense units=3", .invalidValue,
      "wraps only SimpleRNN, LSTM, GRU, ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, RNN, not Dense")
  }

  @Test func normalization() throws {
    let bn = try layer("(10,64)", "add batchnormalization")
    #expect(bn.inference.trainable == 128 && bn.inference.nonTrainable == 128)
    #expect(weights(bn) == ["gamma[64]", "beta[64]", "moving_mean[64]!", "moving_variance[64]!"])
    #expect(try layer("(10,64)", "add batchnormalization center=false").inference.params == 192)
    #expect(try layer("(10,64)", "add layernormalization scale=false").inference.params == 64)
    #expect(try layer("(10,64)", "add groupnormalization groups=4").inference.params == 128)
    // (Keras's own wording, groups and channels swapped, is kept.)
    expectRefusal(
      after: ["input (10,6)"], "add groupnormalization groups=4", .refused,
      "the number of channels (6) must be a multiple of the number of groups (4)")
    // The default groups=32.
    expectRefusal(
      after: ["input (10,6)"], "add groupnormalization", .refused,
      "number of groups (32) cannot be more than the number of channels (6)")
    #expect(try layer("(10,6)", "add unitnormalization").inference.params == 0)
  }

  @Test func frozenLayerCountsAsNonTrainable() throws {
    let l = try layer("(100,1)", "add gru units=32 trainable=false")
    #expect(l.inference.trainable == 0 && l.inference.nonTrainable == 3_360)
  }

  @Test func prelu() throws {
    #expect(try layer("(10,4)", "add prelu").inference.params == 40)
    #expect(weights(try layer("(100,1)", "add prelu shared_axes=(1)")) == ["alpha[1, 1]"])
    expectRefusal(
      after: ["input (None,4)"], "add prelu", .refused, "alpha would have shape (None, 4)")
    #expect(try layer("(None,4)", "add prelu shared_axes=1").inference.params == 4)
  }

  @Test func embedding() throws {
    let l = try layer("(20,)", "add embedding input_dim=1000 output_dim=64")
    #expect(l.inference.params == 64_000)
    #expect(l.output == Shape([20, 64]))
  }

  @Test func pooling() throws {
    #expect(try layer("(28,28,3)", "add maxpooling2d").output == Shape([14, 14, 3]))
    #expect(
      try layer("(7,7,3)", "add averagepooling2d pool_size=2 padding=same").output
        == Shape([4, 4, 3]))
    #expect(try layer("(10,3)", "add maxpooling1d pool_size=3 strides=1").output == Shape([8, 3]))
    #expect(try layer("(None,3)", "add maxpooling1d").output == Shape([nil, 3]))
    expectRefusal(
      after: ["input (1,3)"], "add maxpooling1d", .refused,
      "an axis of size 1 is smaller than the window of 2")
    #expect(
      try layer("(4,4,4,2)", "add globalaveragepooling3d keepdims=true").output
        == Shape([1, 1, 1, 2]))
    #expect(try layer("(4,4,2)", "add globalmaxpooling2d").output == Shape([2]))
    expectRefusal(
      after: ["input (4,2)"], "add globalmaxpooling2d", .refused, "expected an input of rank 4")
  }

  @Test func reshaping() throws {
    #expect(try layer("(4,6)", "add flatten").output == Shape([24]))
    #expect(try layer("(None,6)", "add flatten").output == Shape([nil]))
    #expect(try layer("(4,6)", "add reshape target_shape=(-1,3)").output == Shape([8, 3]))
    #expect(try layer("(None,6)", "add reshape target_shape=(-1,3)").output == Shape([nil, 3]))
    expectRefusal(
      after: ["input (4,6)"], "add reshape target_shape=(5,5)", .refused,
      "the input has 24 numbers, target_shape=(5, 5) has 25")
    expectRefusal(
      after: ["input (4,6)"], "add reshape target_shape=(-1,5)", .refused,
      "24 numbers cannot be divided")
  }

  @Test func layersWithoutWeights() throws {
    for line in [
      "add dropout rate=0.5", "add activation activation=relu", "add relu", "add leakyrelu",
      "add elu",
      "add softmax",
    ] {
      let l = try layer("(3,4)", line)
      #expect(l.inference.params == 0, "\(line)")
      #expect(l.output == Shape([3, 4]), "\(line)")
    }
    expectRefusal(
      after: ["input (3,4)"], "add dropout rate=1.5", .invalidValue,
      "rate: must be at least 0.0 and at most 1.0, found 1.5")
    expectRefusal(
      after: ["input (3,4)"], "add activation activation=rleu", .invalidValue,
      "unknown activation function 'rleu'")
  }

  @Test func overflowIsAnErrorNotAWrap() {
    expectRefusal(
      after: ["input (10,)"], "add dense units=9223372036854775807", .overflow,
      "the size of weight 'kernel' does not fit")
    expectRefusal(
      after: ["input (4294967296,4294967296)"], "add flatten", .overflow,
      "the flattened size does not fit")
    expectRefusal(
      after: [], "add dense units=99999999999999999999", .overflow,
      "the number 99999999999999999999 does not fit")
  }
}

/// Keras 3 gives AveragePooling no default pool_size (`AveragePooling1D.__init__(self,
/// pool_size, ...)`, keras 3.15), while MaxPooling has 2: a missing one is refused, as Keras does.
@Test(arguments: [1, 2, 3])
func averagePoolingNeedsItsPoolSize(rank: Int) throws {
  var i = Interpreter()
  _ = try i.run(line: ["input (8,4)", "input 8x8x4", "input 8x8x8x4"][rank - 1])
  #expect(
    throws: ParamCalcError.missingArgument(
      "pool_size", layer: "AveragePooling\(rank)D", at: Span(20, 21),
      example: "add averagepooling\(rank)d pool_size=2")
  ) {
    _ = try i.run(line: "add averagepooling\(rank)d")
  }
  #expect(i.session.count == 0)
  _ = try i.run(line: "add maxpooling\(rank)d")
  #expect(i.session.count == 1)
}
