import Testing

@testable import ParamCalcCore

/// `flops` at the edges: counts past Int64 are the typed overflow error (never a trap), LoRA's
/// merged kernel, `attention_axes`, attention on inputs of rank 4, `sliding_window` with
/// `causal=true`, and linear activations of recurrent layers. Every expected number is worked
/// out here by hand (or counted by brute force), from the convention of docs/flops.md.
extension FlopsTests {
  /// Whether `line` after `setup` is refused with the overflow error.
  func overflows(_ setup: [String], _ line: String) throws -> Bool {
    guard let e = try refusal(setup, line) else { return false }
    if case .overflow = e { return true }
    return false
  }

  @Test func countsPastInt64AreTheOverflowError() throws {
    // 4 × 10^18 MACs fit (9 × 10^18 FLOPs with the bias); the backward pass, 16 × 10^18, not.
    let big = ["input (4,)", "add dense units=1000000000000000000"]
    #expect(try report(big).macs == 4 * 1_000_000_000_000_000_000)
    #expect(try overflows(big, "flops training=true"))
    #expect(try overflows(big, "explain 1 flops training=true"))
    #expect(
      try overflows(["input (None,25)", "add dense units=4"], "flops length=50000000000000000"))
    #expect(
      try overflows(["input (None,25)", "add gru units=32"], "flops length=3000000000000000"))
    #expect(
      try overflows(
        ["input (None,25)", "add gru units=32"], "summary flops length=3000000000000000"))
  }

  /// Every layer type's help example, its input's axes and `length=` from 10^9 to 4.6 × 10^18
  /// and its units or filters near Int64's limit: a count or a typed error, never a trap (a
  /// trap ends this test's process).
  @Test func hugeValuesNeverTrap() throws {
    let values = [
      "1000000000", "1000000000000", "1000000000000000", "1000000000000000000",
      "4600000000000000000",
    ]
    var overflowed = 0
    var counted = 0
    for d in LayerCatalog.standard.descriptors {
      guard let example = LayerExample.of(d) else { continue }
      for v in values {
        var inputs = ["input " + example.input]
        inputs.append("input " + Self.replacingNumbers(in: example.input, with: v))
        let add = [
          example.add,
          Self.replacingArguments(
            ["units", "filters"], in: example.add, with: "4611686018427387903"),
        ]
        for input in inputs {
          for a in add {
            for line in [
              "flops length=\(v)", "flops length=\(v) training=true batch=1000000",
              "explain 1 flops length=\(v) training=true causal=true", "summary flops length=\(v)",
            ] {
              var interpreter = Interpreter()
              do {
                _ = try interpreter.run(line: input)
                _ = try interpreter.run(line: a)
              } catch { continue }
              do {
                _ = try interpreter.run(line: line)
                counted += 1
              } catch {
                if case .overflow = error { overflowed += 1 }
              }
            }
          }
        }
      }
    }
    #expect(overflowed > 100)
    #expect(counted > 100)
  }

  static func replacingNumbers(in text: String, with v: String) -> String {
    var out = ""
    var inNumber = false
    for c in text {
      if c.isNumber {
        if !inNumber { out += v }
        inNumber = true
      } else {
        inNumber = false
        out.append(c)
      }
    }
    return out
  }

  static func replacingArguments(_ keys: [String], in line: String, with v: String) -> String {
    line.split(separator: " ").map { word -> String in
      for k in keys where word.hasPrefix(k + "=") { return k + "=" + v }
      return String(word)
    }.joined(separator: " ")
  }

  @Test func loraMergesTheKernelOncePerCall() throws {
    // kernel + (alpha / r) × a @ b: 64 × 4 × 32 MACs and 2 FLOPs per kernel weight (64 × 32),
    // once; then the merged kernel at the 10 positions: 10 × 64 × 32 MACs; bias 10 × 32.
    let r = try report(["input (10,64)", "add dense units=32 lora_rank=4"])
    #expect(r.macs == 64 * 4 * 32 + 10 * 64 * 32)
    #expect(r.flops == 2 * (64 * 4 * 32 + 10 * 64 * 32) + 2 * 64 * 32 + 10 * 32)
    // The merge does not grow with the positions: 100 positions add 90 × 64 × 32 MACs only.
    let longer = try report(["input (100,64)", "add dense units=32 lora_rank=4"])
    #expect(longer.macs - r.macs == 90 * 64 * 32)
    // Conv1D: kernel (3, 2, 8), lora_kernel_a (3, 2, 2), lora_kernel_b (2, 8); 8 output steps.
    let c = try report(["input (10,2)", "add conv1d filters=8 kernel_size=3 lora_rank=2"])
    #expect(c.macs == 3 * 2 * 2 * 8 + 8 * 3 * 2 * 8)
    #expect(c.flops == 2 * c.macs + 2 * 3 * 2 * 8 + 8 * 8)
  }

  @Test func attentionAxesAttendAlongThoseAxesOnly() throws {
    // (4, 6, 16), attention_axes=(2): along the 6, separately at each of the 4.
    let r = try report([
      "input (4,6,16)", "add multiheadattention num_heads=2 key_dim=8 attention_axes=(2)",
    ])
    let projections = 4 * (24 * 16 * 2 * 8)
    let scores = 2 * 4 * 6 * 6 * 8
    #expect(r.macs == projections + 2 * scores)
    let other = 24 * 2 * 8 + 2 * 4 * 6 * 6 + 3 * (24 * 2 * 8) + 24 * 16
    #expect(r.flops == 2 * r.macs + other)
    // attention_axes=(1,2) is the default: along all 24 positions.
    let all = try report([
      "input (4,6,16)", "add multiheadattention num_heads=2 key_dim=8 attention_axes=(1,2)",
    ])
    #expect(all.macs == projections + 2 * (2 * 24 * 24 * 8))
  }

  @Test func dotAttentionOnRank4ScoresPerLeadingAxis() throws {
    // attention.py: matmul(query, swapaxes(key, -2, -1)): 4 separate 6 × 6 score matrices.
    let add = try report(["input (4,6,16)", "add additiveattention from input,input"])
    #expect(add.macs == 4 * 6 * 6 * 16)
    #expect(add.flops == 2 * add.macs + 4 * 6 * 6 * 16 * 4 + 4 * 6 * 6)
    let dot = try report(["input (4,6,16)", "add attention from input,input"])
    #expect(dot.macs == 2 * (4 * 6 * 6 * 16))
    #expect(dot.flops == 2 * dot.macs + 4 * 6 * 6)
  }

  /// What Keras cannot run is refused (with the reason), not counted as if it ran.
  @Test func whatKerasCannotRunIsRefused() throws {
    func isRefused(_ setup: [String], _ line: String) throws -> Bool {
      guard let e = try refusal(setup, line) else { return false }
      if case .refused = e { return true }
      return false
    }
    let gqa = "add groupedqueryattention head_dim=8 num_query_heads=2 num_key_value_heads=1"
    #expect(try isRefused(["input (4,6,16)", gqa], "flops"))
    #expect(try !isRefused(["input (6,16)", gqa], "flops"))
    let mha = "add multiheadattention num_heads=2 key_dim=8"
    #expect(try isRefused(["input (4,6,16)", mha + " sliding_window=2"], "flops"))
    #expect(try isRefused(["input (4,6,16)", mha], "flops causal=true"))
    #expect(try !isRefused(["input (4,6,16)", mha], "flops"))
    #expect(try !isRefused(["input (6,16)", mha + " sliding_window=2"], "flops causal=true"))
  }

  @Test func slidingWindowWithCausalCountsTheBand() throws {
    // Query i (0-based) keeps keys j with j <= i and i - j < w: counted here one by one.
    for w in 1...9 {
      for t in 1...8 {
        var kept = 0
        for i in 0..<t { for j in 0..<t where j <= i && i - j < w { kept += 1 } }
        let setup = [
          "input (None,16)", "add multiheadattention num_heads=2 key_dim=4 sliding_window=\(w)",
        ]
        let r = try report(setup, "flops length=\(t) causal=true")
        #expect(r.macs == 4 * (t * 16 * 2 * 4) + 2 * (2 * kept * 4), "w=\(w) t=\(t)")
        // Without causal=true Keras computes every score and masks after: all t × t counted.
        let all = try report(setup, "flops length=\(t)")
        #expect(all.macs == 4 * (t * 16 * 2 * 4) + 2 * (2 * t * t * 4), "w=\(w) t=\(t)")
      }
    }
  }

  @Test func linearActivationsOfRecurrentLayersAreZero() throws {
    // SimpleRNN (5, 4), 3 units: 5 × (4 × 3 + 3 × 3) MACs; the add and the bias, 15 each.
    let rnn = try report(["input (5,4)", "add simplernn units=3 activation=linear"])
    #expect(rnn.flops == 2 * (5 * 4 * 3 + 5 * 3 * 3) + 15 + 15)
    let tanh = try report(["input (5,4)", "add simplernn units=3"])
    #expect(tanh.flops == rnn.flops + 15)
    // LSTM: 4 gates of 3 units over 5 steps. Add and bias: 60 each; sigmoid on i, f, o: 45;
    // tanh on g: 15; the update (f ⊙ c, i ⊙ g, their sum, o ⊙): 60; tanh of the cell: 15.
    let macs = 5 * 4 * 4 * 3 + 5 * 3 * 4 * 3
    let lstm = try report(["input (5,4)", "add lstm units=3"])
    #expect(lstm.flops == 2 * macs + 60 + 60 + 45 + 15 + 60 + 15)
    let gates = try report(["input (5,4)", "add lstm units=3 recurrent_activation=linear"])
    #expect(gates.flops == 2 * macs + 60 + 60 + 15 + 60 + 15)
    let cell = try report(["input (5,4)", "add lstm units=3 activation=linear"])
    #expect(cell.flops == 2 * macs + 60 + 60 + 45 + 60)
    // GRU (reset_after=true): 3 gates of 2 units; add, bias, recurrent bias: 30 each; sigmoid
    // on z, r: 20; tanh on the candidate: 10; the update: 5 × 2 × 5 = 50.
    let gruMacs = 5 * 4 * 3 * 2 + 5 * 2 * 3 * 2
    let gru = try report(["input (5,4)", "add gru units=2"])
    #expect(gru.flops == 2 * gruMacs + 90 + 20 + 10 + 50)
    let gruLinear = try report(["input (5,4)", "add gru units=2 activation=None"])
    #expect(gruLinear.flops == 2 * gruMacs + 90 + 20 + 50)
  }
}
