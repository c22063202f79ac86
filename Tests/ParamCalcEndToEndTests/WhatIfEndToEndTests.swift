import Foundation
import Testing

/// `try`, `keep`, `snapshot` and `compare` through the binary, `compare FILE` reading a saved
/// script as `load` does.
@Suite("What-if end to end")
struct WhatIfEndToEndTests {
  static let script = """
    input 784
    add dense units=64
    add dense units=10
    snapshot start
    try 1 units=128
    keep
    compare start
    compare saved.pc
    compare strat
    """
  static let saved = "input 784\nadd dense units=64\nadd dense units=10\n"

  @Test func textShowsTheEffectAndTheDifferences() throws {
    let r = try Binary.run(
      ["script.pc"], stdin: "", files: ["script.pc": Self.script, "saved.pc": Self.saved])
    #expect(r.status != 0, "the last line is refused")
    let out = r.stdout
    // Dense 784→64: 784·64+64 = 50,240; with 128 units 784·128+128 = 100,480. The last Dense:
    // 64·10+10 = 650, then 128·10+10 = 1,290.
    #expect(out.contains("  try: change layer #1: not applied ('keep' applies it)\n"))
    #expect(
      out.contains(
        "    #1 Dense  50,240 → 100,480 params (+50,240)   out (None, 64) → (None, 128)\n"))
    #expect(out.contains("    #2 Dense  650 → 1,290 params (+640)   out (None, 10)\n"))
    #expect(out.contains("  total 50,890 → 101,770 params (+50,880)\n"))
    // Memory: 16 bytes a trainable weight (float32 weight, gradient, two Adam slots), plus the
    // activations (4 bytes each): 50,890·16 + (64+10)·4 = 814,536 bytes.
    #expect(out.contains("  memory to train (float32, batch 1, adam): 795.45 KB → "))
    #expect(out.contains("  compare snapshot 'start' (2 layers) with the model now (2 layers)\n"))
    #expect(out.contains("  layers are matched by index: #N then with #N now\n"))
    #expect(out.contains("  compare saved.pc (2 layers) with the model now (2 layers)\n"))
    #expect(out.contains("  layers are matched by index: #N in the script with #N now\n"))
    #expect(r.stderr.contains("script.pc:9:9: error: no snapshot named 'strat'"))
    #expect(r.stderr.contains("did you mean 'start'?"))
    #expect(out.split(separator: "\n").allSatisfy { $0.count <= 100 })
  }

  @Test func jsonIsOneObjectPerLine() throws {
    let r = try Binary.run(
      ["--json", "script.pc"], stdin: "", files: ["script.pc": Self.script, "saved.pc": Self.saved])
    let lines = r.stdout.split(separator: "\n")
    var objects: [[String: Any]] = []
    for line in lines {
      objects.append(
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]))
    }
    let commands = objects.map { $0["command"] as? String ?? "" }
    #expect(
      commands == [
        "input", "add", "add", "snapshot", "try", "keep", "compare", "compare", "compare",
      ])
    let tried = objects[4]
    #expect(tried["applied"] as? Bool == false)
    #expect(tried["total_before"] as? Int == 784 * 64 + 64 + 64 * 10 + 10)
    #expect(tried["total_after"] as? Int == 784 * 128 + 128 + 128 * 10 + 10)
    #expect(tried["memory_bytes_before"] as? Int == (784 * 64 + 64 + 64 * 10 + 10) * 16 + 74 * 4)
    #expect(objects[5]["total"] as? Int == 784 * 128 + 128 + 128 * 10 + 10)
    let file = objects[7]
    #expect(file["against"] as? String == "file")
    #expect(file["path"] as? String == "saved.pc")
    #expect((file["changes"] as? [Any])?.count == 2)
    #expect(objects[8]["error"] as? String == "no snapshot named 'strat'")
  }

  @Test func aMissingScriptIsAFileError() throws {
    let r = try Binary.run(
      ["script.pc"], stdin: "", files: ["script.pc": "input 4\ncompare gone.pc\n"])
    #expect(r.status != 0)
    #expect(r.stderr.contains("gone.pc"))
  }
}
