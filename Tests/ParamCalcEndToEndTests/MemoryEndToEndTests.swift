import Foundation
import Testing

/// `memory` run through the binary: its text, its JSON object, and its refusals.
@Suite("Memory through the binary")
struct MemoryEndToEndTests {
  static let script = "input (784,)\nadd dense units=10\nmemory batch=2\n"

  @Test func textShowsEveryCategoryAndTheTotal() throws {
    let r = try Binary.run(stdin: Self.script)
    #expect(r.status == 0, "\(r.stderr)")
    // 7,850 parameters: 31,400 bytes of weights, 31,400 of gradients, 62,800 of adam's m and v;
    // 10 outputs × 4 bytes × batch 2 = 80 bytes of activations.
    for line in [
      "  weights      params × bytes = 7,850 × 4 = 31,400 B (30.66 KB)",
      "  gradients    trainable × bytes = 7,850 × 4 = 31,400 B (30.66 KB)",
      "  optimizer    trainable × slots × bytes = 7,850 × 2 × 4 = 62,800 B (61.33 KB)",
      "  activations  elements × bytes × batch = 10 × 4 × 2 = 80 B (80.00 B)",
      "               = 31,400 + 31,400 + 62,800 + 80 = 125,680 B (122.73 KB)",
    ] {
      #expect(r.stdout.contains(line + "\n"), "\(line)")
    }
  }

  @Test func jsonIsOneObject() throws {
    let r = try Binary.run(["--json"], stdin: Self.script)
    #expect(r.status == 0, "\(r.stderr)")
    let last = try #require(r.stdout.split(separator: "\n").last)
    let o = try #require(
      try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    #expect(o["command"] as? String == "memory")
    #expect(o["line"] as? Int == 3)
    #expect(o["dtype"] as? String == "float32")
    #expect(o["batch"] as? Int == 2)
    #expect(o["optimizer"] as? String == "adam")
    #expect(o["mixed"] as? Bool == false)
    #expect(o["weights_bytes"] as? Int == 7_850 * 4)
    #expect(o["gradients_bytes"] as? Int == 7_850 * 4)
    #expect(o["optimizer_bytes"] as? Int == 7_850 * 8)
    #expect(o["activations_bytes"] as? Int == 10 * 4 * 2)
    #expect(o["total_bytes"] as? Int == 7_850 * 16 + 80)
  }

  @Test func refusalsPointAtTheOption() throws {
    let r = try Binary.run(stdin: "input (784,)\nadd dense units=10\nmemory bacth=2\n")
    #expect(r.stderr.contains("memory has no argument 'bacth'"), "\(r.stderr)")
    #expect(r.stderr.contains("did you mean 'batch'?"), "\(r.stderr)")
    #expect(r.stderr.contains("         ^~~~~~~"), "\(r.stderr)")
    let empty = try Binary.run(stdin: "memory\n")
    #expect(empty.stderr.contains("nothing to estimate: the model has no layers"))
  }
  /// What Keras 3 itself holds for the same models (Fixtures/keras-memory.json, from
  /// scripts/keras_memory.py): its variables' bytes, its optimizer's slots once built, and its
  /// layers' outputs in their dtype.
  @Test func matchesKerasVariablesAndOutputs() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/keras-memory.json")
    let fixture = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let cases = try #require(fixture["cases"] as? [[String: Any]])
    #expect(cases.count >= 9)
    for c in cases {
      let name = c["name"] as? String ?? "?"
      let script = (c["script"] as? [String] ?? []) + [c["memory"] as? String ?? ""]
      let r = try Binary.run(["--json"], stdin: script.joined(separator: "\n") + "\n")
      #expect(r.status == 0, "\(name): \(r.stderr)")
      let last = try #require(r.stdout.split(separator: "\n").last, "\(name)")
      let o = try #require(
        try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "\(name)")
      #expect(o["batch"] as? Int == 1, "\(name)")
      for (mine, keras) in [
        ("weights_bytes", "weights_bytes"), ("gradients_bytes", "gradients_bytes"),
        ("optimizer_bytes", "optimizer_bytes"),
        ("activations_bytes", "activation_bytes_per_sample"),
      ] {
        #expect(o[mine] as? Int == c[keras] as? Int, "\(name): \(mine)")
      }
    }
  }
}
