import Testing

@testable import ParamCalcCore

/// ConvLSTM1D, ConvLSTM2D and ConvLSTM3D: the count, the weights and the output shape, each
/// worked out here by hand from the rules of conv_lstm.py (four blocks; a kernel over the step's
/// input and one over the state; the convolution's output size), and the refusals Keras gives.
/// (Keras's own rows for such lines are in keras-exactness.jsonl, compared by
/// KerasExactnessTests.)
@Suite("Convolutional LSTMs")
struct ConvRecurrentTests {
  struct Case: Sendable, CustomTestStringConvertible {
    /// Time, then the spatial sizes, then channels (nil: unknown).
    var input: [Int?]
    var filters: Int
    var kernel: [Int]
    var strides: [Int]? = nil
    var dilation: [Int]? = nil
    var padding = "valid"
    var useBias = true
    var returnSequences = false

    var rank: Int { kernel.count }
    var line: String {
      func tuple(_ v: [Int]) -> String { "(" + v.map(String.init).joined(separator: ",") + ")" }
      var s = "add convlstm\(rank)d filters=\(filters) kernel_size=\(tuple(kernel))"
      if let strides { s += " strides=\(tuple(strides))" }
      if let dilation { s += " dilation_rate=\(tuple(dilation))" }
      if padding != "valid" { s += " padding=\(padding)" }
      if !useBias { s += " use_bias=false" }
      if returnSequences { s += " return_sequences=true" }
      return s
    }
    var inputLine: String {
      "input (" + input.map { $0.map(String.init) ?? "None" }.joined(separator: ",") + ")"
    }
    var testDescription: String { "\(inputLine) \(line)" }

    /// The hand count: four blocks; each filter of each block has a weight per kernel tap and
    /// input channel, one per tap and state channel (the state has `filters` channels), and a
    /// bias.
    var params: Int {
      let taps = kernel.reduce(1, *)
      let channels = input.last!!
      return 4 * (taps * channels + taps * filters + (useBias ? 1 : 0)) * filters
    }

    /// The hand output shape (without the batch): each spatial axis by the convolution's rule,
    /// the time axis kept only with return_sequences.
    var output: [Int?] {
      var out: [Int?] = returnSequences ? [input[0]] : []
      for i in 0..<rank {
        let n = input[i + 1]!
        let s = strides?[i] ?? 1
        let d = dilation?[i] ?? 1
        if padding == "same" {
          out.append((n + s - 1) / s)
        } else {
          out.append((n - d * (kernel[i] - 1) - 1) / s + 1)
        }
      }
      return out + [filters]
    }

    var weights: [(String, [Int])] {
      let channels = input.last!!
      var w = [
        ("kernel", kernel + [channels, 4 * filters]),
        ("recurrent_kernel", kernel + [filters, 4 * filters]),
      ]
      if useBias { w.append(("bias", [4 * filters])) }
      return w
    }
  }

  static let cases: [Case] = [
    Case(input: [5, 16, 3], filters: 4, kernel: [3]),
    Case(input: [5, 16, 3], filters: 4, kernel: [3], strides: [2], padding: "same"),
    Case(input: [5, 16, 3], filters: 4, kernel: [3], strides: [3]),
    Case(input: [nil, 16, 3], filters: 8, kernel: [1], padding: "same", returnSequences: true),
    Case(input: [7, 20, 2], filters: 3, kernel: [3], dilation: [4], useBias: false),
    Case(input: [6, 12, 8, 1], filters: 8, kernel: [3, 1], returnSequences: true),
    Case(input: [nil, 64, 64, 1], filters: 64, kernel: [5, 5], padding: "same"),
    Case(input: [4, 11, 10, 3], filters: 5, kernel: [3, 2], strides: [2, 3]),
    Case(input: [4, 11, 10, 3], filters: 2, kernel: [2, 3], dilation: [1, 3], useBias: false),
    Case(input: [5, 9, 9, 9, 2], filters: 2, kernel: [3, 3, 3], dilation: [1, 2, 3]),
    Case(
      input: [3, 8, 8, 8, 4], filters: 6, kernel: [2, 3, 1], strides: [2, 2, 1], padding: "same",
      returnSequences: true),
  ]

  @Test(arguments: cases)
  func countShapeAndWeights(_ c: Case) throws {
    let s = try model(c.inputLine, c.line)
    let l = try #require(s.layers.last)
    #expect(l.typeName == "ConvLSTM\(c.rank)D")
    #expect(l.params == c.params)
    #expect(l.nonTrainable == 0)
    #expect(l.output.dims == c.output)
    #expect(l.inference.weights.map(\.name) == c.weights.map(\.0))
    #expect(l.inference.weights.map(\.shape) == c.weights.map(\.1))
    // The explanation's formula, with the numbers, is the count; its parts add up to it.
    let e = l.explanation
    #expect(Arithmetic.evaluate(Format.pretty(e.substituted)) == .init(c.params), "\(e.formula)")
    #expect(e.parts.map(\.count).reduce(0, +) == c.params)
  }

  /// Strides, padding and dilation change the output shape, never the count: the recurrent
  /// convolution runs on the state with its own padding (same) and stride (1).
  @Test func stridesPaddingAndDilationKeepTheCount() throws {
    let base = try model("input (5,16,16,3)", "add convlstm2d filters=4 kernel_size=3")
    for extra in ["strides=2", "padding=same", "dilation_rate=3", "strides=(1,2) padding=same"] {
      let s = try model("input (5,16,16,3)", "add convlstm2d filters=4 kernel_size=3 " + extra)
      #expect(s.total == base.total, "\(extra)")
      #expect(s.layers[0].output != base.layers[0].output, "\(extra)")
    }
  }

  /// Arguments without effect on the count are taken, as Keras takes them.
  @Test func inertArgumentsAreAccepted() throws {
    let plain = try model("input (5,16,3)", "add convlstm1d filters=4 kernel_size=3")
    let all = try model(
      "input (5,16,3)",
      "add convlstm1d filters=4 kernel_size=3 activation=relu recurrent_activation=hard_sigmoid "
        + "unit_forget_bias=false dropout=0.1 recurrent_dropout=0.2 seed=3 go_backwards=true "
        + "unroll=true kernel_initializer=ones recurrent_initializer=zeros "
        + "recurrent_regularizer=l2 recurrent_constraint=non_neg data_format=channels_last")
    #expect(all.total == plain.total)
    #expect(all.layers[0].output == plain.layers[0].output)
  }

  @Test func trainableFalseFreezesEveryWeight() throws {
    let s = try model("input (5,16,3)", "add convlstm1d filters=4 kernel_size=3 trainable=false")
    #expect(s.nonTrainable == 4 * (3 * 3 + 3 * 4 + 1) * 4)
    #expect(s.trainable == 0)
  }

  /// Bidirectional holds two of them (concat doubles the filters); TimeDistributed one, applied
  /// at each step of a further axis.
  @Test func wrappers() throws {
    let one = 4 * (3 * 3 + 3 * 4 + 1) * 4
    let b = try model("input (5,16,3)", "add bidirectional convlstm1d filters=4 kernel_size=3")
    #expect(b.total == 2 * one)
    #expect(b.layers[0].output.dims == [14, 8])
    #expect(b.layers[0].inference.weights.count == 6)
    let sum = try model(
      "input (5,16,3)",
      "add bidirectional convlstm1d filters=4 kernel_size=3 return_sequences=true merge_mode=sum")
    #expect(sum.layers[0].output.dims == [5, 14, 4])
    let t = try model("input (2,5,16,3)", "add timedistributed convlstm1d filters=4 kernel_size=3")
    #expect(t.total == one)
    #expect(t.layers[0].output.dims == [2, 14, 4])
  }

  @Test func refusals() {
    let setup1 = ["input (5,16,3)"]
    // The input's rank: (batch, time, spatial..., channels).
    expectRefusal(
      after: setup1, "add convlstm2d filters=4 kernel_size=3", .refused,
      "expected an input of rank 5")
    expectRefusal(
      after: ["input (16,3)"], "add convlstm1d filters=4 kernel_size=3", .refused,
      "expected an input of rank 4")
    // Unknown spatial sizes and channels (conv_lstm.py's build).
    expectRefusal(
      after: ["input (5,None,3)"], "add convlstm1d filters=4 kernel_size=3", .refused,
      "static input shapes for the spatial dimension")
    expectRefusal(
      after: ["input (5,16,None)"], "add convlstm1d filters=4 kernel_size=3", .refused,
      "last dimension of the input")
    // A kernel larger than a valid-padded input.
    expectRefusal(
      after: ["input (5,2,3)"], "add convlstm1d filters=4 kernel_size=3", .refused,
      "zero or negative")
    expectRefusal(
      after: ["input (5,8,8,3)"], "add convlstm2d filters=4 kernel_size=3 dilation_rate=(1,4)",
      .refused, "zero or negative")
    // Arguments.
    expectRefusal(
      after: setup1, "add convlstm1d filters=4 kernel_size=3 strides=2 dilation_rate=2",
      .invalidValue, "strides > 1")
    expectRefusal(
      after: setup1, "add convlstm1d filters=4 kernel_size=3 return_state=true", .invalidValue,
      "several tensors")
    expectRefusal(
      after: setup1, "add convlstm1d filters=4 kernel_size=3 stateful=true", .invalidValue,
      "batch size")
    expectRefusal(
      after: setup1, "add convlstm1d filters=4 kernel_size=3 padding=causal", .invalidValue,
      "padding")
    expectRefusal(
      after: setup1, "add convlstm1d filters=0 kernel_size=3", .invalidValue, "filters")
    expectRefusal(
      after: setup1, "add convlstm1d filters=4", .missingArgument, "kernel_size")
    for name in ["lora_rank=2", "implementation=1", "time_major=true", "use_cudnn=false"] {
      expectRefusal(
        after: setup1, "add convlstm1d filters=4 kernel_size=3 " + name, .unknownArgument,
        String(name.prefix { $0 != "=" }))
    }
    // SpectralNormalization needs a kernel on the layer itself: a ConvLSTM's is on its cell.
    expectRefusal(
      after: setup1, "add spectralnormalization convlstm1d filters=4 kernel_size=3",
      .invalidValue, "wraps only")
  }

  /// A refused line leaves the model as it was.
  @Test func aRefusalLeavesTheModelUnchanged() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (5,16,3)")
    _ = try i.run(line: "add convlstm1d filters=4 kernel_size=3")
    let before = i.session.total
    #expect(throws: ParamCalcError.self) {
      _ = try i.run(line: "add convlstm1d filters=4 kernel_size=3 return_state=true")
    }
    #expect(throws: ParamCalcError.self) { _ = try i.run(line: "input (5,2,3)") }
    #expect(i.session.total == before)
    #expect(i.session.layers.count == 1)
  }

  /// The explanation names each block's per-filter weights and the recurrent convolution's
  /// padding, and its arithmetic holds.
  @Test func explanationTeachesThePerFilterWeights() throws {
    let text = oneLine(try explainText("(6,12,8,1)", "add convlstm2d filters=8 kernel_size=(3,1)"))
    // Each filter: 3 × 1 taps × 1 input channel, 3 × 1 taps × 8 state channels, one bias.
    #expect(text.contains("weights of each filter of each block: 3 × 1 × 1 + 3 × 1 × 8 + 1 = 28"))
    #expect(text.contains("padding=same and strides 1"))
    #expect(text.contains("input gate, forget gate, cell candidate, output gate"))
    let dilated = oneLine(
      try explainText("(5,20,3)", "add convlstm1d filters=2 kernel_size=3 dilation_rate=4"))
    #expect(dilated.contains("3 consecutive positions of the previous state (not dilated)"))
  }
}
