import Testing

@testable import ParamCalcCore

@Suite("Command parser")
struct ParserTests {
  func args(_ line: String) throws -> [String: Value] {
    guard case .add(let r) = try CommandParser.parse(line) else {
      Issue.record("not an add")
      return [:]
    }
    return Dictionary(uniqueKeysWithValues: r.arguments.map { ($0.key, $0.value) })
  }

  @Test func values() throws {
    let a = try args(
      "add x i=3 n=-2 f=0.5 e=1e-6 t=true F2=False none=None q=? s=same tup=(3,3) one=(1) cross=3x3 nested=((0,1),(0,1)) nt=(None,96) eq=abc,cd->abd"
    )
    #expect(a["i"] == .int(3))
    #expect(a["n"] == .int(-2))
    #expect(a["f"] == .float(0.5))
    #expect(a["e"] == .float(1e-6))
    #expect(a["t"] == .bool(true))
    // Argument names are lowercased; `False` is a boolean as `false` is.
    #expect(a["f2"] == .bool(false))
    #expect(a["none"] == Value.none)
    #expect(a["q"] == Value.none)
    #expect(a["s"] == .string("same"))
    #expect(a["tup"] == .tuple([.int(3), .int(3)]))
    #expect(a["one"] == .tuple([.int(1)]))
    #expect(a["cross"] == .tuple([.int(3), .int(3)]))
    #expect(a["nested"] == .tuple([.tuple([.int(0), .int(1)]), .tuple([.int(0), .int(1)])]))
    #expect(a["nt"] == .tuple([Value.none, .int(96)]))
    #expect(a["eq"] == .string("abc,cd->abd"))
  }

  @Test func shortNamesExpand() throws {
    let a = try args("add conv1d filters=64 kernel=5 stride=2 dilation=1 bias=false")
    #expect(Set(a.keys) == ["filters", "kernel_size", "strides", "dilation_rate", "use_bias"])
  }

  @Test(arguments: [
    ("input (None,25)", [nil, 25] as [Int?]),
    ("input (None, 25)", [nil, 25]),
    ("input 28x28x1", [28, 28, 1]),
    ("input (784,)", [784]),
    ("input ?x25", [nil, 25]),
    ("INPUT 10  # comment", [10]),
  ])
  func inputDims(line: String, dims: [Int?]) throws {
    guard case .input(let shape, _) = try CommandParser.parse(line) else {
      Issue.record()
      return
    }
    #expect(shape == Shape(dims))
  }

  @Test func blankAndComments() throws {
    #expect(try CommandParser.parse("") == nil)
    #expect(try CommandParser.parse("   \t ") == nil)
    #expect(try CommandParser.parse("# add dense units=3") == nil)
  }

  @Test func wrappers() throws {
    guard
      case .add(let r) = try CommandParser.parse("add bidirectional lstm units=8 merge_mode=sum")
    else {
      Issue.record()
      return
    }
    #expect(r.type == "bidirectional" && r.inner == "lstm" && r.arguments.count == 2)
  }

  func failure(_ line: String) -> ParamCalcError? {
    do {
      _ = try CommandParser.parse(line)
      return nil
    } catch { return error }
  }

  func expectFailure(
    _ line: String, _ kind: ErrorKind, _ fragment: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    guard let e = failure(line) else {
      Issue.record("'\(line)' was parsed, expected a \(kind) error", sourceLocation: sourceLocation)
      return
    }
    #expect(e.kind == kind, "'\(line)': \(e)", sourceLocation: sourceLocation)
    #expect(
      e.message.contains(fragment), "'\(line)': \"\(e.message)\" lacks \"\(fragment)\"",
      sourceLocation: sourceLocation)
  }

  @Test func errorsPointAtTheToken() {
    #expect(failure("ad dense units=3") == .unknownCommand("ad", at: Span(0, 2), suggestion: "add"))
    #expect(failure("add dense units=3 units=4") == .repeatedArgument("units", at: Span(18, 25)))
    #expect(
      failure("add dense kernel=3 kernel_size=3")?.message
        == "argument 'kernel_size' is given twice")
    #expect(failure("undo undo") == .extraTokens(at: Span(5, 9), command: "undo"))
    #expect(failure("input")?.message.contains("needs") == true)
    expectFailure("add conv2d kernel_size=(3,", .syntax, "unclosed '('")
    expectFailure("add conv2d kernel_size=(3,,3)", .syntax, "malformed tuple '(3,,3)': empty item")
    expectFailure("add conv2d kernel_size=3)", .syntax, "unmatched ')'")
    expectRefusal(
      after: ["input (3,)"], "add dense units", .syntax, "expected key=value after 'dense'")
    expectFailure("remove x", .syntax, "expected a layer number, found 'x'")
    expectFailure("input (0,3)", .syntax, "input dimensions must be positive, found 0")
    expectFailure(String(repeating: "(", count: 100), .syntax, "parentheses nested too deeply")
  }

  /// A NUL byte in a line is refused as a control character — on its own, in an otherwise valid
  /// line, so that nothing else can be what refuses it.
  @Test func nulByte() {
    #expect(failure("add dense units=3") == nil)
    expectFailure("add dense units=3\u{0}", .syntax, "control character (byte 0)")
    expectFailure("add dense\u{0} units=3", .syntax, "control character (byte 0)")
  }

  @Test func suggestions() {
    #expect(Suggestion.nearest(to: "convv1d", in: ["conv1d", "conv2d", "dense"]) == "conv1d")
    #expect(Suggestion.nearest(to: "lstn", in: ["lstm", "gru"]) == "lstm")
    #expect(Suggestion.nearest(to: "zzzzzz", in: ["lstm", "gru"]) == nil)
  }

  @Test func formats() {
    #expect(Format.thousands(8064) == "8,064")
    #expect(Format.thousands(1_234_567) == "1,234,567")
    #expect(Format.thousands(999) == "999")
    #expect(Format.memory(params: 8064) == "31.50 KB")
    #expect(Format.memory(params: 0) == "0.00 B")
    #expect(Format.memory(params: 3_000_000) == "11.44 MB")
    #expect(LayerDescriptor.snakeCase("PReLU") == "p_re_lu")
    #expect(LayerDescriptor.snakeCase("Conv1D") == "conv1d")
    #expect(LayerDescriptor.snakeCase("BatchNormalization") == "batch_normalization")
    #expect(LayerDescriptor.snakeCase("SimpleRNN") == "simple_rnn")
    #expect(LayerDescriptor.snakeCase("GlobalMaxPooling2D") == "global_max_pooling2d")
  }

  /// `summary` names a layer after its Keras class, as Keras does: GroupQueryAttention is the
  /// name keras.layers exports for the class GroupedQueryAttention, which Keras names
  /// grouped_query_attention; a wrapper is named after itself, not what it wraps.
  @Test func summaryNamesLayersAfterTheirClass() throws {
    var i = Interpreter()
    for line in [
      "input (8,16)", "add groupqueryattention head_dim=4 num_query_heads=4 num_key_value_heads=2",
      "add bidirectional lstm units=3 return_sequences=true", "add bidirectional gru units=2",
    ] {
      _ = try i.run(line: line)
    }
    guard case (_, let response)? = try i.run(line: "summary") else {
      Issue.record("no summary")
      return
    }
    let text = TextRenderer().render(response, session: i.session)
    #expect(text.contains("grouped_query_attention (GroupedQueryAttention)"))
    #expect(text.contains("bidirectional (Bidirectional(LSTM))"))
    #expect(text.contains("bidirectional_1 (Bidirectional(GRU))"))
  }
}
