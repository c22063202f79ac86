import Testing

@testable import ParamCalcCore

/// Layers beyond the core set. Each expected value is what Keras 3.15.1 said for the same line
/// (asked through ../shared/oracle/keras_run.py).
@Suite("Convolution variants, attention, wrappers, reshaping")
struct MoreLayerTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var input: String
    var line: String
    var params: Int
    var output: [Int?]
    var weights: [[Int]]
    var testDescription: String { line }
  }

  static let cases: [Case] = [
    Case(
      input: "(10,3)", line: "add conv1dtranspose filters=4 kernel_size=3 strides=2", params: 40,
      output: [21, 4], weights: [[3, 4, 3], [4]]),
    Case(
      input: "(10,3)", line: "add conv1dtranspose filters=4 kernel_size=3 strides=2 padding=same",
      params: 40, output: [20, 4], weights: [[3, 4, 3], [4]]),
    Case(
      input: "(10,3)",
      line: "add conv1dtranspose filters=4 kernel_size=3 strides=2 output_padding=1", params: 40,
      output: [22, 4], weights: [[3, 4, 3], [4]]),
    Case(
      input: "(8,8,3)", line: "add conv2dtranspose filters=4 kernel_size=(2,3) dilation_rate=2",
      params: 76, output: [10, 12, 4], weights: [[2, 3, 4, 3], [4]]),
    Case(
      input: "(4,4,4,2)",
      line: "add conv3dtranspose filters=2 kernel_size=2 strides=2 use_bias=false", params: 32,
      output: [8, 8, 8, 2], weights: [[2, 2, 2, 2, 2]]),
    Case(
      input: "(10,6)", line: "add depthwiseconv1d kernel_size=3 depth_multiplier=2", params: 48,
      output: [8, 12], weights: [[3, 6, 2], [12]]),
    Case(
      input: "(9,9,4)",
      line: "add depthwiseconv2d kernel_size=3 strides=2 padding=same use_bias=false", params: 36,
      output: [5, 5, 4], weights: [[3, 3, 4, 1]]),
    Case(
      input: "(10,6)", line: "add separableconv1d filters=8 kernel_size=3 depth_multiplier=2",
      params: 140, output: [8, 8], weights: [[3, 6, 2], [1, 12, 8], [8]]),
    Case(
      input: "(9,9,4)", line: "add separableconv2d filters=8 kernel_size=(3,2)", params: 64,
      output: [7, 8, 8], weights: [[3, 2, 4, 1], [1, 1, 4, 8], [8]]),
    Case(
      input: "(10,16)", line: "add multiheadattention num_heads=2 key_dim=8", params: 1088,
      output: [10, 16],
      weights: [
        [16, 2, 8], [2, 8], [16, 2, 8], [2, 8], [16, 2, 8], [2, 8], [2, 8, 16], [16],
      ]),
    Case(
      input: "(10,16)",
      line:
        "add multiheadattention num_heads=4 key_dim=8 value_dim=4 output_shape=32 use_bias=false",
      params: 1792, output: [10, 32], weights: [[16, 4, 8], [16, 4, 8], [16, 4, 4], [4, 4, 32]]),
    Case(
      input: "(5,10,16)", line: "add multiheadattention num_heads=2 key_dim=4", params: 552,
      output: [5, 10, 16],
      weights: [
        [16, 2, 4], [2, 4], [16, 2, 4], [2, 4], [16, 2, 4], [2, 4], [2, 4, 16], [16],
      ]),
    Case(
      input: "(10,16)", line: "add timedistributed dense units=4", params: 68, output: [10, 4],
      weights: [[16, 4], [4]]),
    Case(
      input: "(6,10,3)", line: "add timedistributed conv1d filters=4 kernel_size=3", params: 40,
      output: [6, 8, 4], weights: [[3, 3, 4], [4]]),
    Case(input: "(4,6)", line: "add permute dims=(2,1)", params: 0, output: [6, 4], weights: []),
    Case(input: "(6,)", line: "add repeatvector n=3", params: 0, output: [3, 6], weights: []),
    Case(input: "(5,3)", line: "add upsampling1d size=3", params: 0, output: [15, 3], weights: []),
    Case(
      input: "(4,None,3)", line: "add upsampling2d size=(2,3)", params: 0, output: [8, nil, 3],
      weights: []),
    Case(
      input: "(5,3)", line: "add zeropadding1d padding=(1,2)", params: 0, output: [8, 3],
      weights: []),
    Case(
      input: "(4,5,3)", line: "add zeropadding2d padding=((1,2),(0,1))", params: 0,
      output: [7, 6, 3], weights: []),
    Case(
      input: "(4,5,6,2)", line: "add cropping3d cropping=1", params: 0, output: [2, 3, 4, 2],
      weights: []),
    Case(
      input: "(10,3)", line: "add spatialdropout1d rate=0.2", params: 0, output: [10, 3],
      weights: []),
    Case(
      input: "(3,4)", line: "add layernormalization axis=(1,2)", params: 24, output: [3, 4],
      weights: [[3, 4], [3, 4]]),
    Case(input: "(3,4)", line: "add softmax axis=1", params: 0, output: [3, 4], weights: []),
    Case(
      input: "(3,4)", line: "add gaussiandropout rate=0.3", params: 0, output: [3, 4], weights: []),
    Case(input: "(3,4)", line: "add relu max_value=6", params: 0, output: [3, 4], weights: []),
    Case(input: "(3,4)", line: "add elu alpha=0.5", params: 0, output: [3, 4], weights: []),
  ]

  @Test(arguments: cases)
  func matchesKeras(_ c: Case) throws {
    let l = try layer(c.input, c.line)
    #expect(l.inference.params == c.params)
    #expect(l.output == Shape(c.output))
    #expect(l.inference.weights.map(\.shape) == c.weights)
  }

  @Test func kerasRefusals() {
    // Keras refuses both (cropping larger than the input; SpatialDropout2D on a rank-3 input).
    expectRefusal(
      after: ["input (5,3)"], "add cropping1d cropping=(2,3)", .refused,
      "axis 1 has 5, cropping removes 5")
    expectRefusal(
      after: ["input (10,3)"], "add spatialdropout2d rate=0.2", .refused,
      "expected an input of rank 4")
    expectRefusal(
      after: ["input (10,3)"],
      "add conv1dtranspose filters=2 kernel_size=3 strides=2 output_padding=2", .invalidValue,
      "output_padding: must be strictly less than strides")
    expectRefusal(
      after: ["input (4,6)"], "add permute dims=(1,1)", .invalidValue,
      "dims: must be a permutation of 1 to 2, found (1,1)")
  }
}

/// For every layer, the substituted formula that `explain` prints evaluates to the count.
@Suite("Explanations add up")
struct ExplanationArithmeticTests {
  /// Evaluates `+ - * /` with parentheses over integers.
  struct Evaluator {
    var chars: [Character]
    var i = 0
    init(_ s: String) { chars = Array(s.filter { $0 != " " }) }
    mutating func expression() -> Int {
      var v = term()
      while i < chars.count, chars[i] == "+" || chars[i] == "-" {
        let op = chars[i]
        i += 1
        let t = term()
        v = op == "+" ? v + t : v - t
      }
      return v
    }
    mutating func term() -> Int {
      var v = factor()
      while i < chars.count, chars[i] == "*" || chars[i] == "/" {
        let op = chars[i]
        i += 1
        let f = factor()
        v = op == "*" ? v * f : v / f
      }
      return v
    }
    mutating func factor() -> Int {
      if chars[i] == "(" {
        i += 1
        let v = expression()
        i += 1
        return v
      }
      var n = 0
      while i < chars.count, let d = chars[i].wholeNumberValue {
        n = n * 10 + d
        i += 1
      }
      return n
    }
  }

  static let lines: [(String, String)] =
    MoreLayerTests.cases.map { ($0.input, $0.line) } + [
      ("(None,25)", "add conv1d filters=64 kernel_size=5"),
      ("(None,None,25)", "add conv2d filters=64 kernel_size=3 use_bias=false"),
      ("(12,12,12,4)", "add conv3d filters=8 kernel_size=3 groups=2"),
      ("(784,)", "add dense units=10"),
      ("(20,)", "add embedding input_dim=1000 output_dim=8"),
      ("(10,8)", "add simplernn units=4"),
      ("(10,8)", "add lstm units=4 use_bias=false"),
      ("(10,8)", "add gru units=4"),
      ("(10,8)", "add gru units=4 reset_after=false"),
      ("(10,8)", "add bidirectional gru units=4"),
      ("(10,8)", "add batchnormalization"),
      ("(10,8)", "add batchnormalization scale=false"),
      ("(10,8)", "add layernormalization center=false"),
      ("(10,8)", "add groupnormalization groups=2"),
      ("(10,8)", "add prelu"),
      ("(10,8)", "add prelu shared_axes=1"),
      ("(10,8)", "add flatten"),
    ]

  @Test func substitutedFormulaEqualsTheCount() throws {
    for (input, line) in Self.lines {
      let l = try layer(input, line)
      let e = l.explanation
      var evaluator = Evaluator(e.substituted)
      #expect(evaluator.expression() == l.inference.params, "\(line): \(e.substituted)")
      #expect(!e.shapeRule.isEmpty)
      if l.inference.params > 0 {
        #expect(!e.terms.isEmpty, "\(line)")
      }
    }
  }
}
