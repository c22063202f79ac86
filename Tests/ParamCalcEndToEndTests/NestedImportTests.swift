import Foundation
import Testing

/// Models used as layers through the binary: Keras files holding them imported, `import FILE as
/// NAME [from A]` (a Keras file or a paramcalc script as one layer), `reuse`, `undo`, `save` and
/// `load` again, `summary depth=N`, and the help of `import`.
@Suite("Models used as layers, through the binary")
struct NestedImportTests {
  let files = ImportTests()

  /// A Keras file with a frozen Functional model inside a Sequential one: Keras's counts.
  @Test func frozenInsideSequential() throws {
    let keras = try files.expected("models/nested-frozen.expected.json")
    let r = try files.run(
      "import nested-frozen.json\ntotal\n", copies: ["models/nested-frozen.json"])
    #expect(r.stderr == "" && r.status == 0)
    let nonTrainable = keras.total - keras.trainable
    #expect(
      r.stdout.contains(
        "    #1 frozen_block  Functional  out (None, 6)   \(keras.params[0]) params (non-trainable)\n"
      ), "\(r.stdout)")
    #expect(
      r.stdout.hasSuffix(
        "  total \(keras.total) params (\(keras.trainable) trainable, \(nonTrainable) non-trainable)\n"
      ))
  }

  /// `import FILE as NAME from A`: the encoder of a script, called on two inputs; counted once;
  /// undo removes it; save writes a script that load rebuilds, with the same total.
  @Test func importAsALayerAndSaveRoundTrip() throws {
    // Dense(4) on 8 features: 8×4+4; the head Dense(1) on 4: 4+1.
    let total = 8 * 4 + 4 + 4 + 1
    let script = """
      input x (8,)
      import enc.pc as encoder from x
      input y (8,)
      reuse 2 from y as e2
      add subtract from encoder,e2 as d
      add dense units=1
      total
      save again.pc
      load again.pc
      total
      summary depth=1
      undo
      undo
      total
      """
    let r = try files.run(
      script + "\n", written: ["enc.pc": "# an encoder\ninput (8,)\nadd dense units=4\n"])
    #expect(r.stderr == "" && r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("  #2 Sequential as encoder from x  out (None, 4)   36 params"))
    #expect(r.stdout.contains("(layer #2 again) as e2 from y  out (None, 4)   0 params"))
    let totals = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  total ") }
    #expect(totals.count == 3, "\(r.stdout)")
    #expect(totals.first == "  total \(total) params (\(total) trainable, 0 non-trainable)")
    #expect(totals.dropFirst().first == totals.first, "load gives back the same model")
    #expect(r.stdout.contains("│   │    └ dense (Dense) "))
    // Two undos: the load, then the last layer added before the save.
    #expect(totals.last == "  total 36 params (36 trainable, 0 non-trainable)")
  }

  /// The saved line of an imported model: `add sequential script=...`, its layers in quotes.
  @Test func savedLine() throws {
    let r = try files.run(
      "input (6,)\nimport nested-deep.json as deep\nsave out.pc\n",
      copies: ["models/nested-deep.json"])
    // nested-deep.json is a Functional model with an input of 6: imported as one layer.
    #expect(r.stderr == "" && r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("  #1 Functional as deep  out (None, 2)   115 params"))
  }

  /// The model's input does not fit the tensor it is called on: Keras's refusal, both shapes
  /// named; nothing changes.
  @Test func anotherInputIsRefused() throws {
    let r = try files.run(
      "input (9,)\nimport nested-frozen.json as f\ntotal\n", copies: ["models/nested-frozen.json"])
    #expect(r.status != 0)
    #expect(r.stderr.contains("expected shape=(None, 10), found shape=(None, 9)"), "\(r.stderr)")
    #expect(r.stdout.hasSuffix("  total 0 params (0 trainable, 0 non-trainable)\n"))
  }

  /// `summary depth=N` in --json: the nested model's layers under `layers`.
  @Test func summaryDepthJSON() throws {
    let r = try files.run(
      "import siamese.json\nsummary depth=1\n", copies: ["models/siamese.json"],
      arguments: ["--json"])
    #expect(r.stderr == "" && r.status == 0)
    let last = try #require(r.stdout.split(separator: "\n").last)
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
    #expect(json["depth"] as? Int == 1)
    let layers = try #require(json["layers"] as? [[String: Any]])
    let encoder = try #require(layers.first { $0["type"] as? String == "Functional" })
    let inner = try #require(encoder["layers"] as? [[String: Any]])
    #expect(inner.compactMap { $0["name"] as? String } == ["e_dense", "e_norm", "e_code"])
  }

  @Test func helpOfImportSaysIt() throws {
    let r = try files.run("help import\n")
    #expect(r.stdout.contains("import FILE [as NAME [from A]]"))
    let words = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(words.contains("at the end as one layer named NAME"))
  }
}
