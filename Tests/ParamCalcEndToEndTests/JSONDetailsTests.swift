import Foundation
import Testing

/// What `--json` says beyond the contract's fields, where the text says it too: the layers an
/// edit re-inferred, the lines a summary's model lacks, and a layer type's arguments.
@Suite("JSON says what the text says")
struct JSONDetailsTests {
  /// The objects `paramcalc --json` prints for a script, one per command line.
  static func objects(_ script: String) throws -> [JSON] {
    let r = try Binary.run(["--json"], stdin: script)
    return try r.stdout.split(separator: "\n").map { try JSON.parse($0) }
  }

  static let conv = """
    input (10,8)
    add conv1d filters=4 kernel_size=3
    add dense units=2
    set 1 filters=6

    """

  /// `set 1 filters=6` under a Dense(2): Conv1D(4, 3) on (10, 8) gives (8, 4), so the Dense has
  /// (4 + 1) * 2 = 10 params; with 6 filters its input is (8, 6) and it has (6 + 1) * 2 = 14.
  @Test func anEditListsTheLayersItReinferred() throws {
    let o = try Self.objects(Self.conv)
    #expect(o.count == 4)
    // The adds re-infer nothing: no changes, no total before.
    for add in o[1...2] {
      #expect(add["command"] == .string("add"))
      #expect(add["changes"] == nil && add["total_before"] == nil && add["reinferred"] == nil)
    }
    let set = o[3]
    #expect(set["command"] == .string("set"))
    #expect(set["reinferred"] == .int(1))
    // Before: (3 * 8 + 1) * 4 = 100 and 10.
    #expect(set["total_before"] == .int(100 + 10))
    #expect(set["total"] == .int((3 * 8 + 1) * 6 + 14))
    let changes = try #require(set["changes"]?.array)
    #expect(changes.count == 1)
    let c = try #require(changes.first)
    #expect(c["index"] == .int(2))
    #expect(c["before"]?["type"] == .string("Dense") && c["after"]?["type"] == .string("Dense"))
    #expect(c["before"]?["params"] == .int((4 + 1) * 2))
    #expect(c["after"]?["params"] == .int((6 + 1) * 2))
    #expect(c["before"]?["input_shape"] == .array([.null, .int(8), .int(4)]))
    #expect(c["after"]?["input_shape"] == .array([.null, .int(8), .int(6)]))
    #expect(c["after"]?["output_shape"] == .array([.null, .int(8), .int(2)]))
    #expect(c["reason"] == .string("its input went from (None, 8, 4) to (None, 8, 6)"))
  }

  /// `undo`, `redo`, `insert`, `remove` and `input` list theirs too.
  @Test func everyKindOfEditListsThem() throws {
    let o = try Self.objects(
      Self.conv + """
        undo
        redo
        insert 2 dense units=3
        remove 2
        input (12,8)

        """)
    #expect(o.count == 9)
    func change(_ object: JSON) throws -> (JSON, JSON, JSON) {
      let changes = try #require(object["changes"]?.array, "\(object)")
      #expect(changes.count == object["reinferred"]?.int)
      return (changes[0], try #require(changes[0]["before"]), try #require(changes[0]["after"]))
    }
    // undo: the Dense goes back from 14 to 10; the total before is 150 + 14.
    var (c, before, after) = try change(o[4])
    #expect(o[4]["total_before"] == .int(164))
    #expect(before["params"] == .int(14) && after["params"] == .int(10) && c["index"] == .int(2))
    // redo: 10 to 14 again.
    (c, before, after) = try change(o[5])
    #expect(o[5]["total_before"] == .int(110))
    #expect(before["params"] == .int(10) && after["params"] == .int(14))
    // insert Dense(3) as layer 2 on (8, 6): the old Dense(2), now layer 3, has (3 + 1) * 2.
    (c, before, after) = try change(o[6])
    #expect(c["index"] == .int(3) && o[6]["total_before"] == .int(164))
    #expect(before["params"] == .int(14) && after["params"] == .int(8))
    // remove it: back to (6 + 1) * 2, as layer 2.
    (c, before, after) = try change(o[7])
    #expect(c["index"] == .int(2) && before["params"] == .int(8) && after["params"] == .int(14))
    // input (12, 8): both layers, their counts unchanged, the conv's output (10, 6).
    let changes = try #require(o[8]["changes"]?.array)
    #expect(o[8]["reinferred"] == .int(2) && changes.count == 2)
    #expect(changes.map { $0["index"] } == [.int(1), .int(2)])
    #expect(changes[0]["after"]?["output_shape"] == .array([.null, .int(10), .int(6)]))
    #expect(changes[1]["after"]?["params"] == .int(14) && o[8]["total_before"] == o[8]["total"])
    #expect(
      changes[0]["reason"] == .string("its input went from (None, 10, 8) to (None, 12, 8)"))
  }

  /// Ten poolings after a convolution: changing its filters re-infers all ten; the text lists
  /// eight and counts the rest, and so does the JSON.
  @Test func onlyTheFirstEightAreListed() throws {
    let script =
      "input (10,3)\nadd conv1d filters=4 kernel_size=3\n"
      + String(repeating: "add maxpooling1d pool_size=1\n", count: 10) + "set 1 filters=5\n"
    let set = try #require(try Self.objects(script).last)
    #expect(set["reinferred"] == .int(10))
    let changes = try #require(set["changes"]?.array)
    #expect(changes.map { $0["index"] } == (2...9).map { .int($0) })
    #expect(
      changes.allSatisfy { $0["after"]?["output_shape"] == .array([.null, .int(8), .int(5)]) })
  }

  /// The reason of each change is the one the text gives after the colon of its line.
  @Test func theReasonsAreTheTexts() throws {
    let script =
      Self.conv + "undo\ninsert 2 dense units=3\nremove 1\ninput (12,8)\n"
    // A reason follows the colon, or (on a line too wide for 100 columns) stands under it.
    let text = try Binary.run([], stdin: script).stdout.replacingOccurrences(
      of: ":\n      ", with: ": "
    ).split(separator: "\n")
    let textReasons = text.filter { $0.hasPrefix("    #") }.map {
      String($0[$0.range(of: ": ")!.upperBound...])
    }
    let jsonReasons = try Self.objects(script).flatMap { o in
      (o["changes"]?.array ?? []).compactMap { $0["reason"]?.string }
    }
    #expect(textReasons.count == 1 + 1 + 1 + 2 + 2)
    #expect(jsonReasons == textReasons)
  }

  /// A summary after lines in error names those that meant to change the model; one before
  /// them, or after an error that changes nothing (`explain 9`), has nothing to say.
  @Test func theSummaryNamesTheRefusedLines() throws {
    let o = try Self.objects(
      """
      input (None,25)
      summary
      add dense units=0
      summary
      explain 9
      add convv1d filters=3
      # a comment

      add dense units=4
      summary

      """)
    #expect(o.count == 8)
    #expect(o[1]["command"] == .string("summary"))
    #expect(o[1]["refused_lines"] == nil && o[1]["refused_count"] == nil)
    #expect(o[2]["error"] != nil && o[4]["error"] != nil && o[5]["error"] != nil)
    #expect(o[3]["refused_lines"] == .array([.int(3)]) && o[3]["refused_count"] == .int(1))
    let summary = o[7]
    #expect(summary["refused_lines"] == .array([.int(3), .int(6)]))
    #expect(summary["refused_count"] == .int(2))
    // The model is the one Dense(4) on 25 features.
    #expect(summary["total"] == .int(25 * 4 + 4))
  }

  /// After many, the first 20 lines and how many in all (as the text's footer).
  @Test func theSummaryCountsManyRefusedLines() throws {
    let script =
      "input (None,25)\n" + String(repeating: "add dense units=-1\n", count: 25) + "summary\n"
    let summary = try #require(try Self.objects(script).last)
    #expect(summary["refused_lines"] == .array((2...21).map { .int($0) }))
    #expect(summary["refused_count"] == .int(25))
  }

  /// `help conv2d`: Keras's Conv2D(filters, kernel_size, strides=1, padding="valid",
  /// dilation_rate=1, groups=1, use_bias=True, …, lora_rank=None); of these, filters,
  /// kernel_size, groups, use_bias and lora_rank (which adds two factors) change the count.
  @Test func helpOnALayerGivesItsArguments() throws {
    let h = try #require(try Self.objects("help conv2d\n").first)
    #expect(h["command"] == .string("help") && h["text"]?.string != nil)
    #expect(h["layer"] == .string("Conv2D"))
    let arguments = try #require(h["arguments"]?.array)
    func argument(_ name: String) -> JSON? { arguments.first { $0["name"] == .string(name) } }
    #expect(argument("filters")?["default"] == .string("required"))
    #expect(argument("kernel_size")?["default"] == .string("required"))
    #expect(argument("padding")?["default"] == .string("valid"))
    #expect(argument("strides")?["default"] == .string("1"))
    #expect(argument("use_bias")?["default"] == .string("true"))
    #expect(argument("filters")?["accepts"] == .string("integer ≥ 1"))
    let counting = arguments.filter { $0["changes_count"] == .bool(true) }.compactMap {
      $0["name"]?.string
    }
    // data_format decides which axis sizes the kernels, so on a given input it changes the count.
    #expect(
      Set(counting) == ["filters", "kernel_size", "groups", "use_bias", "lora_rank", "data_format"])
    #expect(arguments.allSatisfy { ($0["meaning"]?.string ?? "").count > 3 })
    let inert = try #require(h["inert"]?.array)
    #expect(inert.contains(.string("activation")) && inert.contains(.string("kernel_initializer")))
    #expect(!inert.contains(.string("filters")))
  }

  /// The arguments are the rows of the text, in its order, starred where they count.
  @Test(arguments: ["dense", "conv1d", "lstm", "bidirectional", "multiheadattention", "flatten"])
  func helpArgumentsAreTheTextsRows(_ type: String) throws {
    let h = try #require(try Self.objects("help \(type)\n").first)
    let text = try #require(h["text"]?.string)
    let rows = text.split(separator: "\n").filter {
      $0.hasPrefix("    * ") || $0.hasPrefix("      ")
    }
    .filter { !$0.hasPrefix("      name ") && $0.dropFirst(6).first != " " }
    let named = rows.map { row in
      (String(row.dropFirst(6).prefix { $0 != " " }), row.hasPrefix("    * "))
    }
    let arguments = try #require(h["arguments"]?.array)
    #expect(arguments.map { $0["name"]?.string ?? "" } == named.map(\.0))
    #expect(arguments.map { $0["changes_count"] == .bool(true) } == named.map(\.1))
  }

  /// `help` on a command, or on nothing, names no layer.
  @Test func helpOnACommandHasNoArguments() throws {
    let o = try Self.objects("help insert\nhelp\n")
    #expect(o.count == 2)
    for h in o {
      #expect(h["text"]?.string != nil)
      #expect(h["layer"] == nil && h["arguments"] == nil && h["inert"] == nil)
    }
  }
}
