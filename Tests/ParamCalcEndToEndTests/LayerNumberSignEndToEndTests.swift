import Foundation
import Testing

/// `#N` where a layer number goes, through the binary: a script with comments and `#N` in both
/// places.
@Suite("#N as a layer number, end to end")
struct LayerNumberSignEndToEndTests {
  @Test func explainHashOneFlopsExplainsLayerOne() throws {
    let script = """
      # a comment line
      input (4,)
      add dense units=3  # first layer
      add dense units=2
      add dense units=5 from #1
      explain #1 flops
      set #2 units=6 # a comment after #N
      remove #3
      explain #2
      """
    let r = try Binary.run(["script.pc"], stdin: "", files: ["script.pc": script])
    #expect(r.status == 0, "\(r.stderr)")
    // Layer 1 (Dense 4 → 3): 4·3 = 12 MACs, 3 bias FLOPs, 2·12 + 3 = 27 FLOPs; the last layer
    // (Dense 3 → 5) would give 15 MACs.
    #expect(r.stdout.contains("  #1 Dense: compute of one call, per sample\n"))
    #expect(r.stdout.contains("FLOPs = 2 × 12 + 3 = 27"))
    // `set #2 units=6`: Dense 3 → 6, (3 + 1)·6 = 24; `remove #3` leaves two layers.
    #expect(r.stdout.contains("  #2 Dense  out (None, 6)   24 params"))
    #expect(r.stdout.contains("removed #3 Dense"))
    #expect(r.stdout.contains("(input_features + 1) × units = (3 + 1) × 6 = 24"))
  }
}
