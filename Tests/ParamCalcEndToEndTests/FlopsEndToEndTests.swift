import Foundation
import Testing

/// `flops` run through the binary, and compared with what XLA counts for the same models.
@Suite("Flops through the binary")
struct FlopsEndToEndTests {
  /// The last JSON object `script` prints with `--json`.
  func json(_ script: [String]) throws -> [String: Any] {
    let r = try Binary.run(["--json"], stdin: script.joined(separator: "\n") + "\n")
    #expect(r.status == 0, "\(r.stderr)")
    let last = try #require(r.stdout.split(separator: "\n").last)
    return try #require(
      try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
  }

  @Test func textShowsTheLayersAndTheTotals() throws {
    let r = try Binary.run(stdin: "input (784,)\nadd dense units=10\nflops batch=4\n")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("per sample: 7,840 MACs, 15,690 FLOPs\n"), "\(r.stdout)")
    #expect(r.stdout.contains("FLOPs × batch = 15,690 × 4 = 62,760\n"), "\(r.stdout)")
    let e = try Binary.run(stdin: "input (784,)\nadd dense units=10\nexplain 1 flops\n")
    #expect(e.stdout.contains("kernel: P × n × u = 1 × 784 × 10 = 7,840 MACs"), "\(e.stdout)")
  }

  @Test func jsonIsOneObject() throws {
    let o = try json(["input (784,)", "add dense units=10", "flops batch=2"])
    #expect(o["command"] as? String == "flops")
    #expect(o["line"] as? Int == 3)
    #expect(o["macs_per_sample"] as? Int == 7_840)
    #expect(o["flops_per_sample"] as? Int == 15_690)
    #expect(o["flops"] as? Int == 2 * 15_690)
    let layers = try #require(o["layers"] as? [[String: Any]])
    #expect(layers.count == 1)
  }

  @Test func unknownLengthIsRefused() throws {
    let r = try Binary.run(stdin: "input (None,16)\nadd lstm units=4\nflops\n")
    #expect(r.stderr.contains("flops length=100"), "\(r.stderr)")
  }

  /// Fixtures/keras-flops.json (scripts/keras_flops.py): XLA's cost analysis of the same models
  /// at batch 1. Where the conventions agree, equal; where they differ, the ratio stated here.
  @Test func matchesXLAWhereTheConventionsAgree() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/keras-flops.json")
    let fixture = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let cases = try #require(fixture["cases"] as? [[String: Any]])
    #expect(cases.count >= 10)
    for c in cases {
      let name = c["name"] as? String ?? "?"
      let o = try json((c["script"] as? [String] ?? []) + [c["flops"] as? String ?? "flops"])
      let xla = try #require(c["xla_flops_batch1"] as? Int, "\(name)")
      let flops = try #require(o["flops_per_sample"] as? Int, "\(name)")
      let macs = try #require(o["macs_per_sample"] as? Int, "\(name)")
      #expect((o["not_counted"] as? [Any])?.isEmpty == true, "\(name)")
      switch c["agree"] as? String {
      case "flops":
        #expect(flops == xla, "\(name)")
      case "macs":
        // XLA does not count a bias added inside the fused dot or convolution.
        #expect(2 * macs == xla, "\(name)")
      default:
        let ratio = Double(flops) / Double(xla)
        if name == "lstm" {
          // XLA counts the body of the loop over the timesteps once: paramcalc counts each of
          // the 10 steps, so the ratio is about 10.
          #expect(ratio > 9 && ratio < 11, "\(name): \(ratio)")
        } else {
          // Activations, pooling windows, softmax and the bias: counted as docs/flops.md says,
          // by XLA its own way; within 10%.
          #expect(ratio > 0.9 && ratio < 1.1, "\(name): \(ratio)")
        }
      }
    }
  }
}
