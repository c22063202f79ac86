import Testing

@testable import ParamCalcCore

/// `flops`: every expected number is worked out here by hand from the convention of
/// docs/flops.md (a MAC is 2 FLOPs, a bias 1 FLOP per output element, an activation 1 FLOP per
/// element), not read from paramcalc.
@Suite("Flops")
struct FlopsTests {
  /// The report of `line` after `setup`.
  func report(_ setup: [String], _ line: String = "flops") throws -> FlopsReport {
    var interpreter = Interpreter()
    for s in setup { _ = try interpreter.run(line: s) }
    let (_, response) = try #require(try interpreter.run(line: line))
    guard case .flops(let r) = response else {
      Issue.record("'\(line)' gave \(response)")
      throw ParamCalcError.nothingTo("flops", at: .none)
    }
    return r
  }

  /// The error `line` gives after `setup`.
  func refusal(_ setup: [String], _ line: String) throws -> ParamCalcError? {
    var interpreter = Interpreter()
    for s in setup { _ = try interpreter.run(line: s) }
    do {
      _ = try interpreter.run(line: line)
      return nil
    } catch { return error }
  }

  @Test func denseOn784() throws {
    let r = try report(["input (784,)", "add dense units=10"])
    // 784 inputs × 10 units multiply-accumulates; 2 FLOPs each, plus 10 bias additions.
    #expect(r.macs == 7_840)
    #expect(r.flops == 15_680 + 10)
    #expect(r.rows.count == 1)
    #expect(r.rows[0].otherFlops == 10)
    let noBias = try report(["input (784,)", "add dense units=10 use_bias=false"])
    #expect(noBias.flops == 15_680)
  }

  @Test func batchMultipliesTheTotals() throws {
    let r = try report(["input (784,)", "add dense units=10"], "flops batch=32")
    #expect(r.macs == 7_840)
    #expect(r.batchMacs == 7_840 * 32)
    #expect(r.batchFlops == (15_680 + 10) * 32)
  }

  @Test func denseOnASequenceCountsEveryPosition() throws {
    let r = try report(["input (5,8)", "add dense units=3 activation=relu"])
    // 5 positions × 8 × 3 MACs; bias and relu: 15 outputs each.
    #expect(r.macs == 5 * 8 * 3)
    #expect(r.flops == 2 * 120 + 15 + 15)
  }

  @Test func conv2dValid() throws {
    let r = try report(["input 28x28x1", "add conv2d filters=32 kernel_size=3"])
    // 26 × 26 outputs × 3 × 3 window × 1 channel × 32 filters.
    let macs = 26 * 26 * 3 * 3 * 1 * 32
    #expect(r.macs == macs)
    #expect(r.flops == 2 * macs + 26 * 26 * 32)
  }

  @Test func channelsFirstAndFrozenLayersAreCountedAlike() throws {
    let r = try report([
      "input (3,10,10)", "add conv2d filters=4 kernel_size=3 data_format=channels_first",
      "add dense units=2 trainable=false use_bias=false",
    ])
    // 8 × 8 positions × 3 × 3 × 3 channels × 4 filters; the Dense reads the last axis (8).
    #expect(r.macs == 8 * 8 * 9 * 3 * 4 + 4 * 8 * 8 * 2)
  }

  @Test func groupedConvReadsAShareOfTheChannels() throws {
    let r = try report([
      "input 10x10x8", "add conv2d filters=4 kernel_size=3 groups=2 use_bias=false",
    ])
    #expect(r.macs == 8 * 8 * 9 * (8 / 2) * 4)
  }

  @Test func separableAndDepthwise() throws {
    let d = try report([
      "input 10x10x3", "add depthwiseconv2d kernel_size=3 depth_multiplier=2 use_bias=false",
    ])
    #expect(d.macs == 8 * 8 * 9 * 3 * 2)
    let s = try report([
      "input 10x10x3", "add separableconv2d filters=5 kernel_size=3 use_bias=false",
    ])
    #expect(s.macs == 8 * 8 * 9 * 3 + 8 * 8 * 3 * 5)
  }

  @Test func transposeSpreadsEveryInputPosition() throws {
    let r = try report([
      "input 4x4x2", "add conv2dtranspose filters=3 kernel_size=3 use_bias=false",
    ])
    #expect(r.macs == 4 * 4 * 9 * 2 * 3)
  }

  @Test func lstmPerTimestepTimesLength() throws {
    let r = try report(["input (None,16)", "add lstm units=32"], "flops length=10")
    // Per step: 4 gates × 32 units, each reading 16 inputs and 32 state values.
    let macs = 10 * (16 * 4 * 32 + 32 * 4 * 32)
    #expect(r.macs == macs)
    // + per step: adding the two products, the bias, the gate activations (4 × 32 each), and
    // the state update (5 per unit: f⊙c, i⊙g, +, tanh, o⊙).
    #expect(r.flops == 2 * macs + 10 * (3 * 128 + 5 * 32))
    #expect(r.filledInputs == [Shape([10, 16])])
  }

  @Test func unknownLengthIsRefusedWithAHint() throws {
    let e = try #require(try refusal(["input (None,16)", "add lstm units=32"], "flops"))
    #expect(e.message.contains("unknown size"))
    #expect(e.hint?.contains("length=") == true)
  }

  @Test func attentionCountsItsScoresAndWeightedValues() throws {
    let r = try report(["input (16,32)", "add multiheadattention num_heads=4 key_dim=8"])
    let (t, d, h, k) = (16, 32, 4, 8)
    let projections = 3 * t * d * h * k + t * h * k * d
    let scores = h * t * t * k  // QKᵀ: grows with the square of the sequence
    let weighted = h * t * t * k  // AV (value_dim defaults to key_dim)
    #expect(r.macs == projections + scores + weighted)
    let row = r.rows[0]
    #expect(row.parts.contains { $0.name == "scores QKᵀ" && $0.value == scores })
    let longer = try report(["input (32,32)", "add multiheadattention num_heads=4 key_dim=8"])
    #expect(longer.rows[0].parts.first { $0.name == "scores QKᵀ" }?.value == 4 * scores)
  }

  @Test func wrappersCountTheirLayerAtEverySliceOrInBothDirections() throws {
    let t = try report(["input (128,64)", "add timedistributed dense units=256 use_bias=false"])
    #expect(t.macs == 128 * 64 * 256)
    let b = try report(["input (10,8)", "add bidirectional simplernn units=4 merge_mode=sum"])
    // Two SimpleRNNs over 10 steps: (8 × 4 + 4 × 4) MACs a step each; per step and direction
    // 4 FLOPs to add the two products, 4 for the bias, 4 for tanh; the sum merges 4 outputs.
    #expect(b.macs == 2 * 10 * (8 * 4 + 4 * 4))
    #expect(b.flops == 2 * b.macs + 2 * 10 * 12 + 4)
  }

  @Test func aModelUsedAsALayerCountsItsLayers() throws {
    let r = try report([
      "input (8,)", "add sequential script=\"input (8,); add dense units=4; add dense units=2\"",
      "add dense units=3",
    ])
    // Inside: 8 × 4 and 4 × 2 MACs with 4 and 2 biases; outside: 2 × 3 MACs and 3 biases.
    #expect(r.macs == 32 + 8 + 6)
    #expect(r.flops == (64 + 4) + (16 + 2) + (12 + 3))
    #expect(r.rows.map(\.label) == ["#1", "#1.1", "#1.2", "#2"])
    #expect(r.rows[0].isGroup && r.rows[0].macs == 40)
  }

  @Test func aSharedLayerCountsOnEveryCall() throws {
    let setup = [
      "input a (8,)", "input b (8,)", "add dense units=4 as left from a",
      "reuse 3 from b as right", "add concatenate from left,right",
    ]
    let r = try report(setup)
    #expect(r.macs == 2 * 8 * 4)
    #expect(r.flops == 2 * (2 * 32 + 4))
  }

  @Test func poolingNormalizationAndMerges() throws {
    let p = try report(["input 4x4x2", "add maxpooling2d pool_size=2"])
    #expect(p.macs == 0)
    #expect(p.flops == 2 * 2 * 2 * 4)  // 8 outputs, each reads a 2 × 2 window
    let bn = try report(["input (10,)", "add batchnormalization"])
    #expect(bn.flops == 10 * 2)
    let ln = try report(["input (10,)", "add layernormalization"])
    #expect(ln.flops == 10 * (5 + 2))
    let add = try report([
      "input a (6,)", "input b (6,)", "input c (6,)", "add add from a,b,c",
    ])
    #expect(add.macs == 0)
    #expect(add.flops == 6 * 2)
  }

  @Test func embeddingIsALookupAndUncoveredLayersAreListed() throws {
    let r = try report(["input (5,)", "add embedding input_dim=100 output_dim=8"])
    #expect(r.flops == 0)
    #expect(r.notCounted.isEmpty)
    let u = try report([
      "input (10,4)", "add simplernn units=3", "add categoryencoding num_tokens=4",
    ])
    #expect(u.notCounted.map(\.type) == ["CategoryEncoding"])
    #expect(FlopsRenderer.text(u).contains("not counted"))
  }

  @Test func explainPrintsExpressionsThatEvaluate() throws {
    let r = try report(["input 28x28x1", "add conv2d filters=8 kernel_size=3"], "explain 1 flops")
    let text = FlopsRenderer.text(r)
    #expect(text.contains("kernel: P × k × c/g × f = 676 × 9 × 1 × 8 = 48,672 MACs"))
    #expect(text.contains("FLOPs = 2 × 48,672 + 5,408 = 102,752"))
    for line in text.split(separator: "\n") { #expect(line.count <= 100, "\(line)") }
  }

  @Test func jsonIsOneObject() throws {
    let r = try report(["input (784,)", "add dense units=10"], "flops batch=2")
    let j = FlopsRenderer.json(r, line: 3)
    #expect(j.hasPrefix("{\"command\":\"flops\",\"line\":3,\"batch\":2,"))
    #expect(j.contains("\"macs_per_sample\":7840"))
    #expect(j.contains("\"flops\":31380"))
  }

  @Test func badOptionsAreRefused() throws {
    let setup = ["input (784,)", "add dense units=10"]
    #expect(try refusal(setup, "flops bacth=2") != nil)
    #expect(try refusal(setup, "flops batch=0") != nil)
    #expect(try refusal(setup, "explain 5 flops") != nil)
    #expect(try refusal([], "flops") != nil)
  }
}
