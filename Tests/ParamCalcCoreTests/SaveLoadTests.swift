import Testing

@testable import ParamCalcCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `save` writes (`Interpreter.script`) reads back as the same model, whatever the values;
/// and a line of many arguments is checked in linear time.
@Suite("Save and load")
struct SaveLoadTests {
  /// The model the script of `i` builds on a fresh interpreter (what `load` does).
  func reloaded(_ i: Interpreter) throws -> Interpreter {
    var j = Interpreter()
    _ = try j.load(
      lines: i.script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
      path: "m.pc", at: Span(0, 0))
    return j
  }

  func specs(_ i: Interpreter) -> [LayerSpec] { i.session.layers.map(\.spec) }

  /// The string value of `key` on layer `n` (1-based).
  func value(_ i: Interpreter, _ n: Int, _ key: String) -> Value? {
    i.session.layers[n - 1].spec.arguments.first { $0.key == key }?.value
  }

  @Test func namesThatNeedQuotesSurviveSaveAndLoad() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (None,4)")
    let names = ["my layer", "a#b", "it's", "a\tb", "", "say \"it's\"", "x=1", "(1, 2)", "True"]
    for line in [
      "add dense units=3 name='my layer'", "add dense units=3 name='a#b'",
      "add dense units=3 name=\"it's\"", "add dense units=3 name='a\tb'",
      "add dense units=3 name=''", "add dense units=3 name='say \"it''s\"'",
      "add dense units=3 name='x=1'", "add dense units=3 name='(1, 2)'",
      "add dense units=3 name='True'",
    ] {
      _ = try i.run(line: line)
    }
    for (n, name) in names.enumerated() { #expect(value(i, n + 1, "name") == .string(name)) }
    let j = try reloaded(i)
    #expect(specs(j) == specs(i))
    #expect(j.script == i.script)
  }

  @Test func safeWordsStayBareAndOthersAreQuotedReadably() {
    #expect(Value.string("same").script == "same")
    #expect(Value.string("glorot_uniform").script == "glorot_uniform")
    #expect(Value.string("my layer").script == "'my layer'")
    #expect(Value.string("it's").script == "\"it's\"")
    #expect(Value.string("say \"it's\"").script == "'say \"it''s\"'")
    #expect(Value.string("").script == "''")
    #expect(Value.string("3x3").script == "'3x3'")
    #expect(Value.string("none").script == "'none'")
    #expect(Value.string("12").script == "'12'")
    #expect(Value.tuple([.string("a,b"), .int(1)]).script == "('a,b',1)")
  }

  @Test func aQuotedStringIsReadWithItsDoubledQuotes() throws {
    func name(_ text: String) throws -> Value? {
      guard case .add(let r) = try CommandParser.parse("add dense units=1 name=" + text) else {
        return nil
      }
      return r.arguments.last?.value
    }
    #expect(try name("'it''s'") == .string("it's"))
    #expect(try name("''''") == .string("'"))
    #expect(try name("\"a\"\"b\"") == .string("a\"b"))
    #expect(try name("('a,b',(c))") == .tuple([.string("a,b"), .tuple([.string("c")])]))
    #expect(try name("('a)',)") == .tuple([.string("a)")]))
    #expect(
      error(after: [], "add dense units=1 name='ab'c")
        == .syntax(
          "unexpected text after the closing quote", at: Span(27, 28),
          hint: "write a quote inside a string twice, e.g. 'it''s', or quote with the other kind"))
  }

  /// Random models with random values of every kind, written by `script` and read back.
  @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
  func randomModelsSurviveTheirScript(seed: UInt64) throws {
    var g = ValueGenerator(rng: SplitMix(seed: seed))
    var i = Interpreter()
    _ = try i.run(line: "input (None,6)")
    let inert = [
      "name", "dtype", "autocast", "activity_regularizer", "kernel_initializer",
      "bias_constraint", "kernel_regularizer",
    ]
    for _ in 0..<25 {
      var arguments = [
        Argument(key: "units", value: .int(1 + g.int(8)), span: .none, valueSpan: .none)
      ]
      arguments.append(Argument(key: "name", value: g.string(), span: .none, valueSpan: .none))
      for key in inert.dropFirst() where g.int(3) == 0 {
        arguments.append(
          Argument(key: key, value: g.value(depth: 0), span: .none, valueSpan: .none))
      }
      if g.int(4) == 0 {
        arguments.append(
          Argument(key: "trainable", value: .bool(false), span: .none, valueSpan: .none))
      }
      let request = LayerRequest(type: "dense", typeSpan: Span(4, 9), arguments: arguments)
      _ = try i.execute(.add(request), lineLength: 0)
    }
    let j = try reloaded(i)
    #expect(j.session.input == i.session.input)
    #expect(specs(j) == specs(i))
    // Same keys and values, in the same order, and the same script again.
    #expect(specs(j).map { $0.arguments.map(\.key) } == specs(i).map { $0.arguments.map(\.key) })
    #expect(j.script == i.script)
  }

  @Test func fileNamesAreShownLosslessly() {
    #expect(FileName(bytes: Array("model.pc".utf8)).description == "model.pc")
    #expect(FileName(bytes: [0x6D, 0xFE, 0x2E, 0x70, 0x63]).description == "m\\xFE.pc")
    #expect(FileName("é\u{FFFD}.pc").description == "é\u{FFFD}.pc")
    #expect(FileName("a\\xFE").description == "a\\\\xFE")
    #expect(FileName("a\tb").description == "a\\x09b")
  }

  @Test func utf8IsValidatedStrictly() {
    func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { UTF8Scan.isValid($0) } }
    #expect(valid(Array("plain, é, 日本, 😀, \u{FFFD}".utf8)))
    #expect(!valid([0xFF]))
    #expect(!valid([0xC0, 0xAF]))  // overlong
    #expect(!valid([0xE0, 0x80, 0xAF]))  // overlong
    #expect(!valid([0xED, 0xA0, 0x80]))  // surrogate
    #expect(!valid([0xF4, 0x90, 0x80, 0x80]))  // past U+10FFFF
    #expect(!valid([0xE2, 0x82]))  // truncated
    #expect(!valid([0x80]))  // a lone continuation byte
    #expect(valid([0xF4, 0x8F, 0xBF, 0xBF]))  // U+10FFFF
  }

  // MARK: long lines

  /// The CPU time of this thread (not wall time: the machine may be busy with other work).
  func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }

  /// The error a line gives, and the CPU seconds it took.
  func timed(_ line: String) -> (ParamCalcError?, Double) {
    var i = Interpreter()
    _ = try? i.run(line: "input (None,3)")
    let start = threadCPUSeconds()
    var error: ParamCalcError?
    do throws(ParamCalcError) {
      _ = try i.run(line: line)
    } catch let e { error = e }
    return (error, threadCPUSeconds() - start)
  }

  @Test func twoHundredThousandUnknownArgumentsAreReportedAtTheFirstInLinearTime() {
    var line = "add dense units=3"
    for k in 0..<200_000 { line += " a\(k)=1" }
    let (e, d) = timed(line)
    #expect(d < 5)
    #expect(e == .unknownArgument("a0", layer: "Dense", at: Span(18, 20), suggestion: nil))
  }

  @Test func aRepeatAfter160000DistinctKeysIsReportedAtItsColumn() {
    var line = "add dense units=3"
    for k in 0..<160_000 { line += " name\(String(k, radix: 36))=1" }
    let start = line.utf8.count + 1
    line += " namezz=2"
    let (e, d) = timed(line)
    #expect(d < 5)
    #expect(e == .repeatedArgument("namezz", at: Span(start, start + 8)))
  }
}

/// Random values of every kind: strings with quotes, `#`, tabs, spaces, `=`, parentheses,
/// commas, non-ASCII and empty; integers, numbers, booleans, None and nested tuples.
struct ValueGenerator {
  var rng: SplitMix

  static let pieces: [String] = [
    "a", "b", "Z", "_", "0", "7", "-", ".", "e", "x", "'", "\"", "''", "#", "\t", " ", "=", "(",
    ")", ",", "é", "日本", "\u{FFFD}", "?", "\\", "none", "True", "1e5", "3x3", "relu", "same",
    "\u{301}", "😀", "+", "/", ":", "@",
  ]

  mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

  mutating func string() -> Value {
    var s = ""
    for _ in 0..<int(6) { s += ValueGenerator.pieces[int(ValueGenerator.pieces.count)] }
    return .string(s)
  }

  mutating func value(depth: Int) -> Value {
    switch int(depth < 3 ? 8 : 7) {
    case 0, 1: return string()
    case 2: return .int(Int(truncatingIfNeeded: rng.next()) >> int(64))
    case 3:
      let d = Double(bitPattern: rng.next())
      return .float(d.isFinite ? d : Double(int(1000)) / 8)
    case 4: return .bool(int(2) == 0)
    case 5: return .none
    case 6: return [.int(Int.min), .int(Int.max), .float(0.1), .float(-2.5e-300)][int(4)]
    default: return .tuple((0..<int(4)).map { _ in value(depth: depth + 1) })
    }
  }
}
