import Testing

@testable import ParamCalcCore

/// The fast path of long scripts (`LineForm`, `LineCache`, the undo counter, `RawWriter`) gives
/// exactly what the parser path gives.
@Suite("Shortcuts of the script path")
struct ShortcutTests {
  static func form(_ line: String) -> LineForm {
    var copy = line
    return copy.withUTF8 { LineForm($0) }
  }

  @Test func recognizedForms() {
    #expect(Self.form("undo") == .undo)
    #expect(Self.form("redo") == .redo)
    #expect(Self.form("remove 12") == .remove(12, at: Span(7, 9)))
    #expect(Self.form("add dense units=8") == .add(rest: 4))
    #expect(Self.form("insert 3 dense units=8") == .insert(3, at: Span(7, 8), rest: 9))
    #expect(Self.form("set 10 units=4") == .set(10, at: Span(4, 6), rest: 7))
    #expect(Self.form("remove 007") == .remove(7, at: Span(7, 10)))
  }

  /// Anything not spelled exactly so is left to the parser.
  @Test(arguments: [
    "", "Undo", "undo ", " undo", "undo x", "redo\t", "remove", "remove ", "remove 3 4", "remove x",
    "remove -1", "remove 1234567890123456789", "insert 3", "insert 3 ", "insert x dense",
    "set 2", "set 2 ", "set  2 units=4", "ADD dense", "add", "explain 1", "input (None,8)",
  ])
  func otherForms(line: String) {
    let f = Self.form(line)
    if case .other = f { return }
    Issue.record("\(line.debugDescription) was recognized as \(f)")
  }

  static let layers = [
    "dense units=8", "dense units=8 use_bias=false", "dense  units=8", "layernormalization",
    "batchnormalization trainable=false", "conv1d filters=4 kernel_size=3",
    "conv1d filters=4 kernel_size=30", "dense units=9223372036854775807", "lstm units=4",
    "lstm units=4 return_sequences=true", "bogus units=1", "dense", "dense units=8 # comment",
    "dense units=8 input_shape=(None,8)", "dense units=4 input_shape=(None,3)", "flatten",
  ]
  static let changes = [
    "units=8", "units=4", "use_bias=false", "use_bias=true", "trainable=false", "trainable=true",
    "kernel_size=5", "input_shape=(None,3)", "units=0", "return_sequences=true", "bogus=1",
  ]

  /// Random scripts through `run(bytes:)` (shortcuts and caches) and through the parser alone
  /// (`CommandParser` then `execute`): the same errors, the same output, the same model and
  /// history after every line.
  @Test(arguments: [11, 12, 13, 14, 15, 16] as [UInt64])
  func sameAsTheParser(seed: UInt64) throws {
    var rng = SplitMix(seed: seed)
    func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    var fast = Interpreter()
    var plain = Interpreter()
    // The fast side keeps one renderer (and its cache of line fragments); the other renders
    // each response afresh.
    var fastText = TextRenderer()
    for step in 0..<1500 {
      let n = max(fast.session.count, 1)
      let line: String
      switch pick(12) {
      case 0: line = "undo"
      case 1: line = "redo"
      case 2: line = "remove \(pick(n + 2))"
      case 3: line = "insert \(pick(n + 2)) " + Self.layers[pick(Self.layers.count)]
      case 4, 5: line = "set \(pick(n + 2)) " + Self.changes[pick(Self.changes.count)]
      case 6 where pick(20) == 0: line = "input (None,\(1 + pick(3) * 4))"
      case 7 where pick(30) == 0: line = "clear"
      default: line = "add " + Self.layers[pick(Self.layers.count)]
      }
      let bytes = Array(line.utf8)
      let a = bytes.withUnsafeBufferPointer { buffer in
        Result { () throws(ParamCalcError) -> Response? in try fast.run(bytes: buffer) }
      }
      let b = Result { () throws(ParamCalcError) -> Response? in
        guard let c = try CommandParser.parse(line) else { return nil }
        return try plain.execute(c, lineLength: line.utf8.count)
      }
      switch (a, b) {
      case (.success(let x), .success(let y)):
        var shownA: [UInt8] = []
        if let x { fastText.render(x, session: fast.session, into: &shownA) }
        let shownB = y.map { TextRenderer().render($0, session: plain.session) }
        #expect((x == nil) == (y == nil), "step \(step): \(line)")
        #expect(String(decoding: shownA, as: UTF8.self) == (shownB ?? ""), "step \(step): \(line)")
      case (.failure(let x), .failure(let y)):
        #expect(x.message == y.message, "step \(step): \(line)")
        #expect(
          DiagnosticRenderer.column(x, in: line) == DiagnosticRenderer.column(y, in: line),
          "step \(step): \(line)")
      default:
        Issue.record("step \(step): \(line): \(a) against \(b)")
      }
      #expect(fast.session.fingerprint == plain.session.fingerprint, "step \(step): \(line)")
    }
  }

  /// Hostile lines (the robustness fuzzer's) give the same through both paths too.
  @Test func hostileLinesSameAsTheParser() throws {
    var fuzzer = LineFuzzer(rng: SplitMix(seed: 0xFA57))
    var fast = Interpreter()
    var plain = Interpreter()
    var fastText = TextRenderer()
    for n in 0..<20_000 {
      if n % 64 == 0 {
        fast = Interpreter()
        plain = Interpreter()
        for line in ["input (16,8)", "add conv1d filters=8 kernel_size=3"] {
          _ = try fast.run(line: line)
          _ = try plain.run(line: line)
        }
      }
      let bytes = fuzzer.line()
      let text = String(decoding: bytes, as: UTF8.self)
      let (a, b) = bytes.withUnsafeBufferPointer { buffer in
        (
          Result { () throws(ParamCalcError) -> Response? in try fast.run(bytes: buffer) },
          Result { () throws(ParamCalcError) -> Response? in
            guard let c = try CommandParser.parse(bytes: buffer) else { return nil }
            return try plain.execute(c, lineLength: buffer.count)
          }
        )
      }
      switch (a, b) {
      case (.success(let x), .success(let y)):
        var shown: [UInt8] = []
        if let x { fastText.render(x, session: fast.session, into: &shown) }
        #expect(
          String(decoding: shown, as: UTF8.self)
            == (y.map { TextRenderer().render($0, session: plain.session) } ?? ""),
          "line \(n): \(text.debugDescription)")
      case (.failure(let x), .failure(let y)):
        #expect(x.message == y.message, "line \(n): \(text.debugDescription)")
        #expect(
          DiagnosticRenderer.column(x, in: text) == DiagnosticRenderer.column(y, in: text),
          "line \(n): \(text.debugDescription)")
      default:
        Issue.record("line \(n): \(text.debugDescription): \(a) against \(b)")
      }
      #expect(fast.session.fingerprint == plain.session.fingerprint, "line \(n)")
    }
  }

  @Test func chunkedStackMatchesAnArray() {
    var rng = SplitMix(seed: 7)
    var stack = ChunkedStack<Int>()
    var reference: [Int] = []
    for k in 0..<30_000 {
      // Mostly pushes, with runs of pops that cross chunk boundaries both ways.
      if rng.next() % 3 == 0 {
        for _ in 0..<Int(rng.next() % 5000) where !reference.isEmpty {
          stack.removeLast()
          reference.removeLast()
        }
      } else {
        stack.append(k)
        reference.append(k)
      }
      #expect(stack.count == reference.count && stack.last == reference.last)
    }
    #expect(stack.elements == reference)
    stack.removeAll()
    #expect(stack.isEmpty && stack.last == nil)
  }

  @Test(arguments: [
    0, 7, 10, 99, 100, 999, 1000, 1001, 8064, 99_999, 100_000, 999_999, 1_000_000, 123_456_789,
    1_000_000_000_000, Int.max, -1, -999, -1000, -1_234_567, Int.min,
  ])
  func decimals(n: Int) {
    var grouped: [UInt8] = []
    grouped.append(decimal: n)
    #expect(String(decoding: grouped, as: UTF8.self) == Format.thousands(n))
    var plain: [UInt8] = []
    plain.append(decimal: n, grouped: false)
    #expect(String(decoding: plain, as: UTF8.self) == String(n))
  }

  /// An `add` of the same text a million times keeps a counter, not a million undo entries, and
  /// undoing part of the run, editing, then undoing everything still walks back in order.
  @Test func runsOfAppendsUndoInOrder() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (None,4)")
    for _ in 0..<5 { _ = try i.run(line: "add dense units=4") }
    // `input` is on the stack; the five appends are the counter.
    #expect(i.session.undoStack.count == 1 && i.session.appendRun == 5)
    _ = try i.run(line: "undo")
    _ = try i.run(line: "set 2 units=4 use_bias=false")
    _ = try i.run(line: "add dense units=2")
    #expect(i.session.undoDepth == 7)
    var counts: [Int] = []
    while i.session.canUndo {
      _ = try i.run(line: "undo")
      counts.append(i.session.count)
    }
    // add units=2 undone, then the set (4 layers stay), then the 4 remaining adds, then `input`.
    #expect(counts == [4, 4, 3, 2, 1, 0, 0])
    #expect(i.session.layers.isEmpty && i.session.input == nil)
  }
}
