import Testing

@testable import ParamCalcCore

/// `flops` of the layers beyond Dense, convolutions, LSTM and MultiHeadAttention, and
/// `causal=true`: every expected number is worked out here by hand from docs/flops.md's
/// convention, not read from paramcalc.
@Suite("Flops of more layers")
struct FlopsLayersTests {
  func report(_ setup: [String], _ line: String = "flops") throws -> FlopsReport {
    try FlopsTests().report(setup, line)
  }

  /// `explain 1 flops` (with `extra` options): every printed expression evaluates, every line
  /// fits 100 columns; the text is returned.
  func explained(_ setup: [String], _ extra: String = "", layer: Int = 1) throws -> String {
    let text = FlopsRenderer.text(try report(setup, "explain \(layer) flops" + extra))
    var checked = 0
    for (statement, holds) in Arithmetic.statements(text) {
      checked += 1
      #expect(holds, "'\(statement)' is false in\n\(text)")
    }
    #expect(checked > 0 || text.contains("0 MACs, 0 FLOPs"), "nothing checked in\n\(text)")
    for line in text.split(separator: "\n") { #expect(line.count <= 100, "\(line)") }
    return text
  }

  @Test func convLSTMPerStepTimesSteps() throws {
    let setup = ["input (6,12,8,1)", "add convlstm2d filters=4 kernel_size=3"]
    let r = try report(setup)
    // 6 steps; one step's output is 10 × 6 positions; 4 gates × 4 filters each read a 3 × 3
    // window of 1 input channel and a 3 × 3 window of the 4 state channels.
    let (t, p, k, c, f, g) = (6, 10 * 6, 3 * 3, 1, 4, 4)
    let macs = t * (p * k * c * g * f + p * k * f * g * f)
    #expect(r.macs == macs)
    // Per step and position: adding the two, the bias, the gate activations (16 each), and the
    // state update (5 per filter).
    #expect(r.flops == 2 * macs + t * p * (3 * g * f + 5 * f))
    #expect(r.notCounted.isEmpty)
    _ = try explained(setup)
  }

  @Test func normalizationsAndRescalingPerElement() throws {
    #expect(try report(["input (10,6)", "add rmsnormalization"]).flops == 60 * 4)
    #expect(try report(["input (10,4)", "add unitnormalization"]).flops == 40 * 3)
    #expect(try report(["input (8,8,3)", "add rescaling scale=0.5"]).flops == 192 * 2)
    #expect(try report(["input (10,6)", "add normalization"]).flops == 60 * 2)
    let text = try explained(["input (10,6)", "add rmsnormalization"])
    #expect(text.contains("E × a = 60 × 4 = 240 FLOPs"))
  }

  @Test func augmentationIsIdentityAtInference() throws {
    for add in [
      "add randomflip mode=horizontal", "add randomrotation factor=0.1",
      "add randomcontrast factor=0.2", "add randomzoom height_factor=0.1",
    ] {
      let r = try report(["input (8,8,3)", add])
      #expect(r.notCounted.isEmpty, "\(add)")
      #expect(r.flops == 0, "\(add)")
    }
    let text = try explained(["input (8,8,3)", "add randomflip"])
    #expect(text.contains("identity at inference"))
    let table = FlopsRenderer.text(try report(["input (8,8,3)", "add randomflip"]))
    #expect(table.contains("identity at inference"))
    // Resizing computes at inference: it stays not counted, never 0.
    let resize = try report(["input (10,6,3)", "add resizing height=8 width=8"])
    #expect(resize.notCounted.map(\.type) == ["Resizing"])
  }

  @Test func upSamplingNearestIsACopyBilinearWeighsFourNeighbours() throws {
    let nearest = try report(["input (9,9,4)", "add upsampling2d"])
    #expect(nearest.flops == 0 && nearest.notCounted.isEmpty)
    let setup = ["input (9,9,4)", "add upsampling2d interpolation=bilinear"]
    let r = try report(setup)
    #expect(r.macs == 18 * 18 * 4 * (2 * 2))
    _ = try explained(setup)
  }

  @Test func dotAttentionScoresSoftmaxAndWeightedValues() throws {
    let r = try report(["input (4,8)", "add attention from input,input"])
    // 4 queries × 4 keys × 8 features, twice (scores and AV); a softmax FLOP per score.
    #expect(r.macs == 2 * 4 * 4 * 8)
    #expect(r.flops == 2 * r.macs + 4 * 4)
    let scaled = try report(["input (4,8)", "add attention use_scale=true from input,input"])
    #expect(scaled.flops == r.flops + 4 * 4)
    let add = try report(["input (4,8)", "add additiveattention from input,input"])
    // Scores: per query, key and feature: add, tanh, times the scale (AdditiveAttention's
    // use_scale defaults to true), sum; AV as above.
    #expect(add.macs == 4 * 4 * 8)
    #expect(add.flops == 2 * add.macs + 4 * 4 * 8 * 4 + 4 * 4)
    let unscaled = try report([
      "input (4,8)", "add additiveattention use_scale=false from input,input",
    ])
    #expect(unscaled.flops == add.flops - 4 * 4 * 8)
    _ = try explained(["input (4,8)", "add additiveattention use_scale=true from input,input"])
  }

  @Test func dotMultipliesAlongTheAxis() throws {
    let r = try report(["input (8,)", "add dot axes=1 from input,input"])
    #expect(r.macs == 8 && r.flops == 16)
    let n = try report(["input (8,)", "add dot axes=1 normalize=true from input,input"])
    #expect(n.flops == 16 + 2 * 8 * 3)
  }

  @Test func groupedQueryAttentionSharesKeyValueHeads() throws {
    let setup = [
      "input (10,16)",
      "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2",
    ]
    let r = try report(setup)
    let (t, m, u, v, d) = (10, 16, 4, 2, 8)
    let projections = t * m * u * d + 2 * t * m * v * d + t * u * d * m
    let attend = 2 * u * t * t * d  // QKᵀ and AV for every query head
    #expect(r.macs == projections + attend)
    // The query scaled, the softmax, and the four biases (query, key, value, output).
    let other = t * u * d + u * t * t + t * u * d + 2 * t * v * d + t * m
    #expect(r.flops == 2 * r.macs + other)
    let gated = try report([
      "input (10,16)",
      "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2 use_gate=true",
    ])
    // The gate: a projection like the query's, its bias, its sigmoid and the multiply.
    #expect(gated.macs == r.macs + t * m * u * d)
    #expect(gated.flops == r.flops + 2 * t * m * u * d + 3 * t * u * d)
    _ = try explained(setup)
  }

  @Test func multiHeadAttentionGate() throws {
    let plain = try report(["input (16,32)", "add multiheadattention num_heads=4 key_dim=8"])
    let gated = try report([
      "input (16,32)", "add multiheadattention num_heads=4 key_dim=8 use_gate=true",
    ])
    #expect(gated.notCounted.isEmpty)
    #expect(gated.macs == plain.macs + 16 * 32 * 4 * 8)
    #expect(gated.flops == plain.flops + 2 * 16 * 32 * 4 * 8 + 3 * 16 * 4 * 8)
  }

  @Test func causalCountsTheLowerTriangle() throws {
    let setup = ["input (16,32)", "add multiheadattention num_heads=4 key_dim=8"]
    let full = try report(setup)
    let causal = try report(setup, "flops causal=true")
    // 16 queries: query i reads i keys, 1 + 2 + ... + 16 = 136 scores a head, not 256.
    let kept = (1...16).reduce(0, +)
    #expect(kept == 136)
    #expect(full.macs - causal.macs == 2 * 4 * (256 - kept) * 8)
    #expect(full.flops - causal.flops == 2 * (2 * 4 * (256 - kept) * 8) + 4 * (256 - kept))
    let text = try explained(setup, " causal=true")
    #expect(oneLine(text).contains("Tq × (Tq + 1) / 2 = 16 × 17 / 2 = 136"))
    #expect(oneLine(text).contains("Keras computes all Tq × Tk scores and then masks"))
    #expect(FlopsRenderer.json(causal, line: 3).contains("\"causal\":true"))
    #expect(!FlopsRenderer.json(full, line: 3).contains("causal"))
    // More queries than keys (6 and 4): rows 1...4 keep 1 + 2 + 3 + 4, rows 5 and 6 all 4.
    let cross = try report(
      [
        "input q (6,8)", "input v (4,8)",
        "add multiheadattention num_heads=1 key_dim=2 use_bias=false from q,v",
      ], "flops causal=true")
    let scores = try #require(cross.rows.last?.parts.first { $0.name == "scores QKᵀ" })
    #expect(scores.value == 1 * (1 + 2 + 3 + 4 + 4 + 4) * 2)
    let attention = try report(
      ["input (4,8)", "add attention from input,input"], "flops causal=true")
    #expect(attention.macs == 2 * (1 + 2 + 3 + 4) * 8)
    let gqa = try report(
      [
        "input (10,16)",
        "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2",
      ],
      "flops causal=true")
    let gqaFull = try report(
      [
        "input (10,16)",
        "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2",
      ])
    #expect(gqaFull.macs - gqa.macs == 2 * 4 * (100 - 55) * 8)
  }

  @Test func causalTakesTrueOrFalse() throws {
    var interpreter = Interpreter()
    _ = try interpreter.run(line: "input (4,8)")
    _ = try interpreter.run(line: "add attention from input,input")
    #expect(throws: ParamCalcError.self) { try interpreter.run(line: "flops causal=1") }
    #expect(throws: ParamCalcError.self) { try interpreter.run(line: "flops casual=true") }
  }

  @Test func bidirectionalWithItsOwnBackwardLayer() throws {
    let r = try report([
      "input (10,8)",
      "add bidirectional simplernn units=4 backward_layer=\"gru units=3 go_backwards=true\"",
    ])
    #expect(r.notCounted.isEmpty)
    // Forward SimpleRNN: 10 steps of 8 × 4 + 4 × 4 MACs; backward GRU: 3 gates of 3 units,
    // 10 steps of 8 × 9 + 3 × 9 MACs.
    let forward = 10 * (8 * 4 + 4 * 4)
    let backward = 10 * (8 * 9 + 3 * 9)
    #expect(r.macs == forward + backward)
    // Forward per step: add, bias, tanh on 4; backward per step: add, bias, recurrent bias,
    // activations on 9, and the state update of 5 per unit; concat merges for free.
    #expect(r.flops == 2 * r.macs + 10 * 3 * 4 + 10 * (4 * 9 + 5 * 3))
  }

  @Test func stftIsTwoConvolutionsWithFixedKernels() throws {
    let setup = ["input (16000,1)", "add stftspectrogram frame_length=256 frame_step=128"]
    let r = try report(setup)
    // Valid frames: (16000 − 256) / 128 + 1 = 124; 129 bins; real and imaginary kernels.
    let frames = (16000 - 256) / 128 + 1
    #expect(r.macs == frames * 256 * 129 * 1 * 2)
    // mode=log: square, square, add, maximum, root, maximum, log per frame and bin.
    #expect(r.flops == 2 * r.macs + frames * 129 * 7)
    _ = try explained(setup)
  }

  @Test func adaptivePoolingReadsEveryWindow() throws {
    // 9 rows into 2 windows: rows 0..<5 and 4..<9 (floor(9 / 2) = 4, ceil(9 / 2) = 5), 5 + 5
    // rows; the same for the columns; 4 channels; 1 FLOP per element read.
    let setup = ["input (9,9,4)", "add adaptiveaveragepooling2d output_size=2"]
    let r = try report(setup)
    #expect(r.macs == 0 && r.flops == (5 + 5) * (5 + 5) * 4)
    _ = try explained(setup)
  }

  @Test func cellsCountAsTheirLayers() throws {
    let cell = try report(["input (10,8)", "add rnn cell=\"lstmcell units=4\""])
    let lstm = try report(["input (10,8)", "add lstm units=4"])
    #expect(cell.macs == lstm.macs && cell.flops == lstm.flops)
    let stacked = try report([
      "input (10,8)", "add rnn cell=\"grucell units=3; simplernncell units=2\"",
    ])
    // GRU: 10 steps of (8 + 3) × 3 × 3 MACs; SimpleRNN reads the GRU's 3 units: (3 + 2) × 2.
    #expect(stacked.macs == 10 * (11 * 9) + 10 * (5 * 2))
    let text = try explained([
      "input (10,8)", "add rnn cell=\"grucell units=3; simplernncell units=2\"",
    ])
    #expect(text.contains("n2 = 3"))
  }

  @Test func smallLayersPerElement() throws {
    #expect(try report(["input (10,6)", "add masking mask_value=-1"]).flops == 60 * 3)
    #expect(
      try report(["input (2,2,8)", "add layerscale init_values=0.1 projection_dim=8"]).flops
        == 32)
    #expect(
      try report(["input (4,8)", "add customscalelayer scale=0.17 from input,input"]).flops
        == 32 * 2)
    #expect(try report(["input (4,8)", "add operation op=multiply from input,input"]).flops == 32)
    let sn = try report(["input (10,6)", "add spectralnormalization dense units=4"])
    #expect(sn.macs == 10 * 6 * 4 && sn.flops == 2 * 240 + 40)
    let crop = try report(["input (10,10,3)", "add centercrop height=8 width=8"])
    #expect(crop.flops == 0 && crop.notCounted.isEmpty)
  }

  /// Every new formula's explanation: each printed expression evaluates, each line fits.
  @Test(arguments: [
    ["input (5,16,3)", "add convlstm1d filters=4 kernel_size=3"],
    ["input (5,9,9,9,2)", "add convlstm3d filters=4 kernel_size=3 use_bias=false"],
    ["input (10,4)", "add upsampling1d size=3"],
    ["input (6,7,8,2)", "add upsampling3d"],
    ["input (9,9,4)", "add upsampling2d interpolation=bicubic"],
    ["input (10,4)", "add adaptivemaxpooling1d output_size=3"],
    ["input (6,7,8,2)", "add adaptiveaveragepooling3d output_size=2"],
    ["input (4000,2)", "add stftspectrogram frame_length=64 mode=magnitude"],
    ["input (4000,1)", "add stftspectrogram frame_length=64 mode=psd"],
    ["input (4000,1)", "add stftspectrogram frame_length=64 mode=angle"],
    ["input (4000,1)", "add stftspectrogram frame_length=64 mode=real"],
    ["input (4000,1)", "add stftspectrogram frame_length=64 mode=stft"],
    ["input (4,8)", "add attention score_mode=concat from input,input"],
    ["input (4,8)", "add attention use_scale=true from input,input"],
    ["input (3,5)", "add dot axes=(2,2) from input,input"],
    ["input (8,8,3)", "add gaussiannoise stddev=0.1"],
    ["input (10,6)", "add alphadropout rate=0.1"],
    [
      "input (10,8)",
      "add bidirectional lstm units=4 merge_mode=ave backward_layer=\"lstm units=4 go_backwards=true\"",
    ],
  ])
  func everyNewExplanationEvaluates(_ setup: [String]) throws {
    let r = try report(setup)
    #expect(r.notCounted.isEmpty, "\(setup)")
    _ = try explained(setup)
    _ = try explained(setup, " causal=true")
  }

  @Test func causalExplanationsEvaluate() throws {
    _ = try explained(
      [
        "input q (6,8)", "input v (4,8)",
        "add multiheadattention num_heads=2 key_dim=2 use_gate=true from q,v",
      ], " causal=true", layer: 3)
    _ = try explained(
      [
        "input q (3,16)", "input v (7,16)",
        "add groupqueryattention head_dim=4 num_query_heads=4 num_key_value_heads=1 "
          + "use_gate=true from q,v",
      ], " causal=true", layer: 3)
    _ = try explained(["input (4,8)", "add additiveattention from input,input"], " causal=true")
  }

  @Test func pipelineCountsItsLayersInTurn() throws {
    let r = try report([
      "input (10,10,3)",
      "add pipeline layers=\"rescaling scale=0.5; centercrop height=8 width=8; randomflip\"",
    ])
    // Rescaling on 10 × 10 × 3 (2 FLOPs each); the crop slices; the flip is the identity.
    #expect(r.macs == 0 && r.flops == 300 * 2)
    let dense = [
      "input (8,8,3)", "add pipeline layers=\"dense units=4; dense units=2 use_bias=false\"",
    ]
    let d = try report(dense)
    // 64 positions: 3 × 4 MACs with 4 biases, then 4 × 2 MACs.
    #expect(d.macs == 64 * (3 * 4 + 4 * 2))
    #expect(d.flops == 2 * d.macs + 64 * 4)
    _ = try explained(dense)
    let activated = try report([
      "input (8,8,3)", "add pipeline layers=\"dense units=4 activation=relu\"",
    ])
    #expect(activated.notCounted.count == 1)
  }
}
