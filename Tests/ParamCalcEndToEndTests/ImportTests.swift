import Foundation
import Testing

/// `import FILE` run through the binary: Keras model files (Fixtures/applications and
/// Fixtures/models, written by Keras with scripts/keras_model_files.py) and the errors, with what
/// is written to stdout and stderr and the exit status. Each run is in a new directory holding
/// copies of the files it imports.
@Suite("Import")
struct ImportTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  /// Runs the binary on `stdin` in a new directory holding the fixtures `copies` (paths under
  /// Fixtures/, copied under their last name) and the files `written`.
  func run(
    _ stdin: String, copies: [String] = [], written: [String: String] = [:],
    arguments: [String] = []
  ) throws -> Binary.Outcome {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "paramcalc-import-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for path in copies {
      let source = Self.fixtures.appendingPathComponent(path)
      try FileManager.default.copyItem(
        at: source, to: dir.appendingPathComponent(source.lastPathComponent))
    }
    for (name, text) in written {
      try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }
    return try Binary.spawn(Binary.url, arguments, in: dir, stdin: Array(stdin.utf8))
  }

  /// Keras's counts of a fixture model (`NAME.expected.json`): the total and trainable, and the
  /// names and counts of its layers but the input.
  func expected(_ path: String) throws -> (
    total: Int, trainable: Int, names: [String], params: [Int]
  ) {
    let data = try Data(contentsOf: Self.fixtures.appendingPathComponent(path))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let layers = try #require(json["layers"] as? [[String: Any]])
    return (
      try #require(json["total"] as? Int), try #require(json["trainable"] as? Int),
      layers.compactMap { $0["name"] as? String }, layers.compactMap { $0["params"] as? Int }
    )
  }

  /// `1234567` as paramcalc writes it: `1,234,567`.
  func grouped(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, d) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(d)
    }
    return out
  }

  /// VGG16 (a Functional model, its input an InputLayer as in Keras's model.layers): Keras's
  /// total, one undo step.
  @Test func vgg16() throws {
    let keras = try expected("applications/VGG16.expected.json")
    let r = try run(
      "import VGG16.json\ntotal\nundo\ntotal\n", copies: ["applications/VGG16.json"])
    #expect(r.stderr == "")
    #expect(r.status == 0)
    let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    #expect(
      lines.first
        == "  imported 'vgg16' (Functional) from VGG16.json: \(keras.names.count) layers   total \(grouped(keras.total))"
    )
    // Each layer under its name in the file.
    for (i, name) in keras.names.enumerated() {
      #expect(lines[i + 1].hasPrefix("    #\(i + 1) \(name)  "), "\(lines[i + 1])")
    }
    #expect(
      lines[2]
        == "    #2 block1_conv1  Conv2D  out (None, 224, 224, 64)   \(grouped(keras.params[1])) params"
    )
    let rest = Array(lines[(keras.names.count + 1)...])
    #expect(
      rest == [
        "  total \(grouped(keras.total)) params (\(grouped(keras.trainable)) trainable, 0 non-trainable)",
        "  undo: restored 0 layers   total 0",
        "  total 0 params (0 trainable, 0 non-trainable)", "",
      ])
  }

  /// A Sequential example, as Keras wrote it: Keras's total; `save` writes the script it is.
  @Test func sequentialExample() throws {
    let keras = try expected("models/lenet5.expected.json")
    let r = try run("import lenet5.json\ntotal\n", copies: ["models/lenet5.json"])
    #expect(r.stderr == "" && r.status == 0)
    #expect(
      r.stdout.hasSuffix(
        "  total \(grouped(keras.total)) params (\(grouped(keras.total)) trainable, 0 non-trainable)\n"
      ))
    #expect(r.stdout.hasPrefix("  imported 'sequential_3' (Sequential) from lenet5.json: 8 layers"))
  }

  /// A `.keras` archive saved by Keras (`model.save`): its config.json is read.
  @Test func kerasArchive() throws {
    let keras = try expected("models/small-cnn.expected.json")
    let r = try run("import small-cnn.keras\n", copies: ["models/small-cnn.keras"])
    #expect(r.stderr == "" && r.status == 0)
    // The counts are Keras's; the shapes: 28 - 3 + 1 = 26, pooled by 2 to 13, 13 × 13 × 8 = 1352.
    let p = keras.params.map(grouped)
    #expect(
      r.stdout == """
          imported 'small_cnn' (Sequential) from small-cnn.keras: 4 layers   total \(grouped(keras.total))
            #1 conv2d  Conv2D  out (None, 26, 26, 8)   \(p[0]) params
            #2 max_pooling2d  MaxPooling2D  out (None, 13, 13, 8)   \(p[1]) params
            #3 flatten  Flatten  out (None, 1352)   \(p[2]) params
            #4 dense  Dense  out (None, 10)   \(p[3]) params

        """)
  }

  /// `--json`: load's object, with the file, the model's name and class, and the layers with
  /// their names.
  @Test func json() throws {
    let keras = try expected("applications/VGG16.expected.json")
    let r = try run(
      "import VGG16.json\n", copies: ["applications/VGG16.json"], arguments: ["--json"])
    #expect(r.stderr == "" && r.status == 0)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(object["command"] as? String == "import")
    #expect(object["effect"] as? String == "loaded")
    #expect(object["path"] as? String == "VGG16.json")
    #expect(object["model"] as? String == "vgg16")
    #expect(object["model_class"] as? String == "Functional")
    #expect(object["total"] as? Int == keras.total)
    let layers = try #require(object["layers"] as? [[String: Any]])
    #expect(layers.compactMap { $0["name"] as? String } == keras.names)
    #expect(layers.first?["type"] as? String == "InputLayer")
    #expect(layers.dropFirst().first?["type"] as? String == "Conv2D")
  }

  /// The model before a refused import: nothing changes on any error.
  static let before = "input (4,)\nadd dense units=2\n"
  static let after = "  total 10 params (10 trainable, 0 non-trainable)\n"
  static let beforeOut = "  input (None, 4)\n  #1 Dense  out (None, 2)   10 params   total 10\n"

  /// Runs `before`, `import NAME`, `total`: the error (stderr), and the model unchanged.
  func refused(_ name: String, copies: [String] = [], written: [String: String] = [:]) throws
    -> String
  {
    let r = try run(
      Self.before + "import \(name)\ntotal\n", copies: copies, written: written)
    #expect(r.stdout == Self.beforeOut + Self.after)
    #expect(r.status == 1)
    return r.stderr
  }

  @Test func malformed() throws {
    let stderr = try refused(
      "bad.json",
      written: ["bad.json": #"{"class_name": "Sequential", "config": {"layers": [1, 2,, 3]}}"#])
    #expect(
      stderr == """
        <stdin>:3:8: error: bad.json: not valid JSON: line 1, column 57 (byte 56): expected a value, found ','
          import bad.json
                 ^~~~~~~~
        help: import reads what model.to_json() writes, or a .keras archive

        """)
  }

  @Test func unknownClass() throws {
    let frob =
      #"{"class_name": "Sequential", "config": {"name": "m", "layers": [{"class_name": "InputLayer", "config": {"batch_shape": [null, 4]}}, {"class_name": "Frobnicate", "module": "keras.layers", "config": {"name": "frob"}}]}}"#
    let stderr = try refused("frob.json", written: ["frob.json": frob])
    #expect(
      stderr == """
        <stdin>:3:8: error: frob.json: layer 'frob' is a Frobnicate, a layer class paramcalc does not know
          import frob.json
                 ^~~~~~~~~
        help: 'layers' lists the layer types paramcalc computes; 'Frobnicate' is not among them

        """)
  }

  /// A class paramcalc leaves out is refused with the reason it is left out.
  @Test func leftOutClass() throws {
    let stderr = try refused("lambda.json", copies: ["models/lambda.json"])
    #expect(
      stderr.hasPrefix(
        "<stdin>:3:8: error: lambda.json: layer 'lambda' is a Lambda, which paramcalc leaves out: it runs a Python function"
      ))
  }

  @Test func customObject() throws {
    let stderr = try refused("custom-layer.json", copies: ["models/custom-layer.json"])
    #expect(
      stderr == """
        <stdin>:3:8: error: custom-layer.json: layer 'scale' is a custom object, Scale registered as 'MyLayers>Scale': only Keras's own layers can be counted
          import custom-layer.json
                 ^~~~~~~~~~~~~~~~~
        help: its weights are made by its own code, which paramcalc cannot see

        """)
  }

  @Test func compressedArchive() throws {
    let stderr = try refused("compressed.keras", copies: ["models/compressed.keras"])
    #expect(
      stderr == """
        <stdin>:3:8: error: compressed.keras: not a Keras archive paramcalc can read: its member 'config.json' is compressed (deflate); Keras writes it stored, uncompressed, and paramcalc reads only that
          import compressed.keras
                 ^~~~~~~~~~~~~~~~
        help: Keras 3 writes .keras archives with model.save('model.keras'), members stored uncompressed

        """)
  }

  /// An archive cut short, and a zip without config.json, are refused saying so.
  @Test func damagedArchives() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "paramcalc-zip-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let archive = try Data(
      contentsOf: Self.fixtures.appendingPathComponent("models/small-cnn.keras"))
    try archive.prefix(1000).write(to: dir.appendingPathComponent("cut.keras"))
    // A local header's signature, then an end of central directory record listing no member.
    let empty: [UInt8] =
      [0x50, 0x4B, 0x03, 0x04, 0x50, 0x4B, 0x05, 0x06] + Array(repeating: 0, count: 18)
    try Data(empty).write(to: dir.appendingPathComponent("empty.keras"))
    let r = try Binary.spawn(
      Binary.url, [], in: dir, stdin: Array("import cut.keras\nimport empty.keras\n".utf8))
    #expect(r.stdout == "" && r.status == 1)
    #expect(
      r.stderr.contains(
        "<stdin>:1:8: error: cut.keras: not a Keras archive paramcalc can read: it starts as a zip archive but has no central directory (is it cut short?)"
      ))
    #expect(
      r.stderr.contains(
        "<stdin>:2:8: error: empty.keras: not a Keras archive paramcalc can read: it has no 'config.json' (a .keras archive has one); it holds 0 members"
      ))
  }

  @Test func missingFile() throws {
    let stderr = try refused("missing.json")
    #expect(
      stderr == """
        <stdin>:3:8: error: missing.json: cannot read: no such file or directory
          import missing.json
                 ^~~~~~~~~~~~

        """)
  }

  /// ResNet50 (branches, Add): a graph, Keras's totals, one undo step, a functional summary.
  @Test func resnetIsAGraph() throws {
    let keras = try expected("applications/ResNet50.expected.json")
    let r = try run(
      "import ResNet50.json\ntotal\nsummary\nundo\ntotal\n", copies: ["applications/ResNet50.json"])
    #expect(r.stderr == "" && r.status == 0)
    #expect(
      r.stdout.contains(
        "  total \(grouped(keras.total)) params (\(grouped(keras.trainable)) trainable, \(grouped(keras.total - keras.trainable)) non-trainable)"
      ))
    #expect(r.stdout.contains("Model: \"functional\""))
    #expect(
      r.stdout.contains("│ conv2_block1_add (Add) ")
        && r.stdout.contains("│ conv2_block1_0_bn, conv2_block1_3_bn │"), "the Add reads both")
    #expect(r.stdout.hasSuffix("  total 0 params (0 trainable, 0 non-trainable)\n"))
  }

  /// A model used as a layer (a Sequential called twice): one layer, called again; Keras's
  /// total (NestedImportTests has more).
  @Test func nestedModel() throws {
    let keras = try expected("models/nested.expected.json")
    let r = try run("import nested.json\ntotal\n", copies: ["models/nested.json"])
    #expect(r.stderr == "" && r.status == 0)
    #expect(r.stdout.contains("    #2 block  Sequential  out (None, 8)   72 params\n"))
    #expect(
      r.stdout.hasSuffix(
        "  total \(grouped(keras.total)) params (\(grouped(keras.trainable)) trainable, 0 non-trainable)\n"
      ))
  }

  /// A layer that Keras refuses too (no units): its error shows the layer's line, with the caret.
  @Test func layerRefused() throws {
    let model =
      #"{"class_name": "Sequential", "config": {"name": "m", "layers": [{"class_name": "InputLayer", "config": {"batch_shape": [null, 4]}}, {"class_name": "Dense", "module": "keras.layers", "config": {"name": "head", "units": 0}}]}}"#
    let stderr = try refused("zero.json", written: ["zero.json": model])
    #expect(
      stderr.hasPrefix(
        """
        <stdin>:3:1: error: in zero.json, layer 'head' (Dense): units: must be at least 1, found 0
          add dense units=0
                          ^
        """))
    #expect(
      stderr.contains("<stdin>:3:1: note: while importing 'zero.json' (the model is unchanged)"))
  }
}
