import Testing

@testable import ParamCalcCore

/// One case of the extreme-value sweep: lines that build a model, then the line under test.
struct ExtremeCase: Sendable, CustomStringConvertible {
  /// Lines that must succeed (an input, maybe layers already there).
  var setup: [String]
  /// The line with the extreme value (`add ...`, `insert ...` or `set ...`).
  var line: String

  var description: String { (setup + [line]).joined(separator: " | ") }
}

/// Every layer type of the catalog × every argument it declares × extreme values, each value
/// alone and in each position of a tuple, on inputs of ranks 2 to 5. The catalog says which
/// arguments a type takes (`arguments`) and which are required (`"required"`); the values of the
/// required ones come from the example of the `missingArgument` error, as a user would find them.
///
/// PARAMCALC_FUZZ_EXTREME=1 widens the sweep (`make fuzz`): more values, more inputs (unknown and
/// huge dimensions), more settings of the other arguments, and `set` / `insert` of the extreme
/// value on a model that already has layers.
enum ExtremeSweep {
  static var wide: Bool {
    guard let v = getenvString("PARAMCALC_FUZZ_EXTREME") else { return false }
    return !v.isEmpty && v != "0"
  }

  static let values: [Int] = [0, -1, 1, Int(Int64.max), Int(Int64.min), 1 << 62, 1 << 31]
  /// Values near the edges of the products and sums the layers make: squares and cubes that just
  /// fit or just overflow, one less than a power of two.
  static let moreValues: [Int] = [
    2, 3, -2, Int.max - 1, Int.min + 1, (1 << 31) - 1, 1 << 32, 1 << 61, (1 << 62) + 1,
    -(1 << 62), 3_037_000_499, 3_037_000_500, 2_097_151, 2_097_152, 1 << 40,
  ]

  /// Ranks 2 to 5 with the batch; (1,32) suits the layers whose required values need 32
  /// numbers (GroupNormalization's 32 groups, the example `target_shape=(4,8)` of Reshape).
  static let inputs = ["(5,)", "(5,3)", "(None,3)", "(1,32)", "(4,4,3)", "(3,3,3,2)"]
  static let moreInputs = [
    "(1,1)", "(None,None,3)", "(2,4,4,3)", "(4611686018427387904,3)",
    "(9223372036854775807,1)", "(3037000500,3037000500,1)", "(2097152,2097152,2097152,1)",
  ]

  /// The values of the sweep, the inputs, the descriptors.
  static var sweepValues: [Int] { wide ? values + moreValues : values }
  static var sweepInputs: [String] { (wide ? inputs + moreInputs : inputs).map { "input " + $0 } }
  static var catalog: LayerCatalog { .standard }

  /// The arguments of a valid line of type `d`: every required one, with the value of the
  /// example its `missingArgument` error gives.
  static func requiredArguments(_ d: LayerDescriptor) -> [(key: String, value: String)] {
    var args: [(key: String, value: String)] = []
    for _ in 0..<8 {
      var interpreter = Interpreter()
      _ = try? interpreter.run(line: "input (4,4,3)")
      let line =
        "add \(d.name.lowercased())" + args.map { " \($0.key)=\($0.value)" }.joined()
      do throws(ParamCalcError) {
        _ = try interpreter.run(line: line)
        return args
      } catch {
        guard case .missingArgument(let key, _, _, let example) = error else { return args }
        let before = args.count
        for token in words(example).dropFirst(2) {
          let parts = token.split(separator: "=", maxSplits: 1)
          guard parts.count == 2 else { continue }
          let k = String(parts[0])
          if !args.contains(where: { $0.key == k }) { args.append((k, String(parts[1]))) }
        }
        if args.count == before || !args.contains(where: { $0.key == key }) {
          Issue.record("the example of \(d.name)'s missing '\(key)' does not give it: \(example)")
          return args
        }
      }
    }
    return args
  }

  /// The words of an example line, split at spaces outside quotes (`cell="lstmcell units=8"`
  /// is one word).
  static func words(_ line: String) -> [Substring] {
    var out: [Substring] = []
    var start = line.startIndex
    var quote: Character? = nil
    for i in line.indices {
      let c = line[i]
      if let q = quote {
        if c == q { quote = nil }
      } else if c == "\"" || c == "'" {
        quote = c
      } else if c == " " {
        if start < i { out.append(line[start..<i]) }
        start = line.index(after: i)
      }
    }
    if start < line.endIndex { out.append(line[start...]) }
    return out
  }

  /// The ways an extreme value `v` is written for an argument: alone, and in each position of a
  /// tuple of 1 to 3 integers (the others 1); for (before, after) arguments, in each position of
  /// 2 and 3 nested pairs too.
  static func forms(_ v: Int, pairs: Bool) -> [String] {
    var out = ["\(v)", "(\(v))"]
    for n in 2...3 {
      for p in 0..<n {
        out.append("(" + (0..<n).map { $0 == p ? "\(v)" : "1" }.joined(separator: ",") + ")")
      }
    }
    if pairs {
      for axes in 2...3 {
        for p in 0..<(2 * axes) {
          let items = (0..<axes).map { a in
            "(" + (0..<2).map { 2 * a + $0 == p ? "\(v)" : "1" }.joined(separator: ",") + ")"
          }
          out.append("(" + items.joined(separator: ",") + ")")
        }
      }
    }
    return out
  }

  /// A layer line to sweep: the text after `add ` without the swept argument, and the arguments
  /// it declares.
  struct Target {
    var name: String
    /// `conv1d filters=32` (the type, the inner type for a wrapper, the required arguments but
    /// the swept one): `add` + this + ` ARG=VALUE` is a line.
    var prefix: (String) -> String
    var arguments: [ArgumentSpec]
  }

  /// Every layer type, and every wrapper around every inner type it accepts.
  static func targets() -> [Target] {
    let all = catalog.descriptors
    var out: [Target] = []
    var required: [String: [(key: String, value: String)]] = [:]
    for d in all where !d.isWrapper { required[d.name] = requiredArguments(d) }
    let several = Set(all.filter(\.readsSeveral).map(\.name))
    func text(_ type: String, _ args: [(key: String, value: String)], except key: String)
      -> String
    {
      type + args.filter { $0.key != key }.map { " \($0.key)=\($0.value)" }.joined()
    }
    for d in all {
      if !d.isWrapper {
        let args = required[d.name]!
        for spec in d.arguments where spec.defaultText == "required" {
          #expect(args.contains { $0.key == spec.name }, "\(d.name): no value for \(spec.name)")
        }
        // A type that reads several tensors (a merge, Attention) reads the model's input twice.
        let type = d.name.lowercased() + (several.contains(d.name) ? " from input,input" : "")
        out.append(
          Target(
            name: d.name, prefix: { text(type, args, except: $0) }, arguments: d.arguments))
        continue
      }
      // (A wrapper calls its layer on one tensor: Keras refuses a merge inside one.)
      for inner in all
      where !inner.isWrapper && !several.contains(inner.name)
        && (d.accepts?.contains(inner.name) ?? true)
      {
        let args = required[inner.name]!
        let type = d.name.lowercased() + " " + inner.name.lowercased()
        out.append(
          Target(
            name: "\(d.name)(\(inner.name))", prefix: { text(type, args, except: $0) },
            arguments: d.arguments + inner.arguments))
      }
    }
    return out
  }

  /// Settings of other arguments that open other paths of a layer's rule (a stride with an
  /// output padding, same padding): the sweep runs with each of them too, on the layer types that
  /// take all its keys.
  static let companions: [[(key: String, value: String)]] = [
    [], [("strides", "2"), ("output_padding", "1")],
  ]
  static let moreCompanions: [[(key: String, value: String)]] = [
    [("padding", "same")], [("padding", "same"), ("strides", "3"), ("output_padding", "2")],
    [("padding", "causal")],
    [("strides", "2")], [("dilation_rate", "2")], [("use_bias", "false")],
    [("return_sequences", "true")], [("keepdims", "true")], [("merge_mode", "sum")],
    [("reset_after", "false")], [("center", "false"), ("scale", "false")], [("groups", "-1")],
  ]

  /// Calls `body` on every case of the sweep, in a fixed order (made one at a time: the wide
  /// sweep has millions).
  static func forEachCase(_ body: (ExtremeCase) -> Void) {
    let wide = self.wide
    let inputs = sweepInputs
    for t in targets() {
      let declared = Set(t.arguments.map(\.name))
      let settings = (wide ? companions + moreCompanions : companions).filter {
        $0.allSatisfy { declared.contains($0.key) }
      }
      let base = t.prefix("")
      for spec in t.arguments {
        let pairs = spec.meaning.contains("(before, after)")
        for setting in settings where !setting.contains(where: { $0.key == spec.name }) {
          let others = setting.map { " \($0.key)=\($0.value)" }.joined()
          for v in sweepValues {
            for (f, form) in forms(v, pairs: pairs).enumerated() {
              let layer = t.prefix(spec.name) + others + " \(spec.name)=\(form)"
              for input in inputs {
                body(ExtremeCase(setup: [input], line: "add " + layer))
                if wide && f == 0 && setting.isEmpty {
                  // The value set on, and inserted before, a layer already placed.
                  body(
                    ExtremeCase(
                      setup: [input, "add " + base, "add dropout rate=0.5"],
                      line: "set 1 \(spec.name)=\(form)"))
                  body(ExtremeCase(setup: [input, "add " + base], line: "insert 1 " + layer))
                }
              }
            }
          }
        }
      }
    }
  }

  /// What running a case found wrong; empty when nothing. After a refused line the model is
  /// checked to be unchanged, and `explain`, `summary` and `total` are not run again on it (the
  /// sweep runs them on each input alone once: `everyInputAlone`).
  static func run(_ c: ExtremeCase, prepared: inout [[String]: Interpreter?]) -> [String] {
    // The model of the setup lines, made once per setup (interpreters are values: each case
    // starts from its own copy).
    if prepared[c.setup] == nil {
      if prepared.count > 64 { prepared.removeAll() }
      var fresh = Interpreter()
      do throws(ParamCalcError) {
        for s in c.setup { _ = try fresh.run(line: s) }
        prepared[c.setup] = .some(fresh)
      } catch {
        // A base layer Keras refuses on this input: the case tests nothing more.
        prepared[c.setup] = .some(nil)
      }
    }
    guard var interpreter = prepared[c.setup]! else { return [] }
    var problems: [String] = []
    for (k, line) in [c.line, "explain", "explain all", "summary", "total"].enumerated() {
      let before = k == 0 ? interpreter.session.fingerprint : ""
      do throws(ParamCalcError) {
        guard let (_, response) = try interpreter.run(line: line) else {
          problems.append("'\(line)' did nothing")
          continue
        }
        _ = TextRenderer().render(response, session: interpreter.session)
        _ = JSONRenderer.render(response, line: k + 1, session: interpreter.session)
        problems += check(interpreter.session)
      } catch {
        if error.message.isEmpty { problems.append("'\(line)': an error without a message") }
        _ = DiagnosticRenderer.render(error, file: "f", line: k + 1, text: line)
        _ = JSONRenderer.error(error, command: nil, line: k + 1, column: 1)
        if k == 0 {
          if interpreter.session.fingerprint != before {
            problems.append("'\(line)' was refused (\(error.message)) but changed the model")
          }
          return problems
        }
      }
    }
    return problems
  }

  /// The invariants of a model: counts not negative, sizes not negative, the explanation's
  /// formula with its numbers giving the count.
  static func check(_ s: Session) -> [String] {
    var problems: [String] = []
    if s.trainable < 0 || s.nonTrainable < 0 { problems.append("negative total \(s.total)") }
    for (i, l) in s.layers.enumerated() {
      if l.trainable < 0 || l.nonTrainable < 0 {
        problems.append("#\(i + 1) \(l.typeName): negative count \(l.trainable)+\(l.nonTrainable)")
      }
      if l.output.dims.contains(where: { ($0 ?? 0) < 0 }) {
        problems.append("#\(i + 1) \(l.typeName): negative size in \(l.output.description)")
      }
      let inference = l.inference
      for w in inference.weights where w.count < 0 || w.shape.contains(where: { $0 < 0 }) {
        problems.append("#\(i + 1) \(l.typeName): weight \(w.name) \(w.shape) counts \(w.count)")
      }
      let e = l.explanation
      if let value = Expression.evaluate(e.substituted), value != inference.params {
        problems.append(
          "#\(i + 1) \(l.typeName): explain says \(e.substituted) = \(value), the count is \(inference.params)"
        )
      }
    }
    return problems
  }

  /// Runs every case: how many, the problems found (the first `limit` described) and how many.
  static func sweep(limit: Int = 30) -> (cases: Int, problems: [String], total: Int) {
    var problems: [String] = []
    var total = 0
    var cases = 0
    var prepared: [[String]: Interpreter?] = [:]
    forEachCase { c in
      cases += 1
      let found = run(c, prepared: &prepared)
      total += found.count
      if problems.count < limit { problems += found.map { "\(c): \($0)" } }
    }
    return (cases, problems, total)
  }
}

/// Integer arithmetic on the text of a substituted formula (`(5 * 25 + 1) * 64`): its value, or
/// nil when it does not fit or is not such a formula.
enum Expression {
  static func evaluate(_ text: String) -> Int? {
    var p = Parser(chars: Array(text.utf8))
    guard let v = p.sum(), p.atEnd else { return nil }
    return v
  }

  struct Parser {
    let chars: [UInt8]
    var i = 0

    var atEnd: Bool {
      mutating get {
        skip()
        return i == chars.count
      }
    }

    mutating func skip() { while i < chars.count && chars[i] == UInt8(ascii: " ") { i += 1 } }

    mutating func peek() -> UInt8? {
      skip()
      return i < chars.count ? chars[i] : nil
    }

    mutating func sum() -> Int? {
      guard var v = product() else { return nil }
      while let c = peek(), c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
        i += 1
        guard let r = product() else { return nil }
        let (s, o) =
          c == UInt8(ascii: "+") ? v.addingReportingOverflow(r) : v.subtractingReportingOverflow(r)
        if o { return nil }
        v = s
      }
      return v
    }

    mutating func product() -> Int? {
      guard var v = atom() else { return nil }
      while let c = peek(), c == UInt8(ascii: "*") || c == UInt8(ascii: "/") {
        i += 1
        guard let r = atom() else { return nil }
        if c == UInt8(ascii: "*") {
          let (m, o) = v.multipliedReportingOverflow(by: r)
          if o { return nil }
          v = m
        } else {
          if r == 0 { return nil }
          v = v / r
        }
      }
      return v
    }

    mutating func atom() -> Int? {
      guard let c = peek() else { return nil }
      if c == UInt8(ascii: "(") {
        i += 1
        guard let v = sum(), peek() == UInt8(ascii: ")") else { return nil }
        i += 1
        return v
      }
      var v = 0
      let start = i
      while i < chars.count, chars[i] >= UInt8(ascii: "0"), chars[i] <= UInt8(ascii: "9") {
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.addingReportingOverflow(Int(chars[i] - UInt8(ascii: "0")))
        if o1 || o2 { return nil }
        v = s
        i += 1
      }
      return i > start ? v : nil
    }
  }
}

@Suite("Extreme values: no trap, typed errors, sound results")
struct ExtremeValueTests {
  @Test func everyLayerEveryArgumentExtremeValues() {
    let (cases, problems, total) = ExtremeSweep.sweep()
    #expect(cases > 100_000)
    for p in problems { Issue.record(Comment(rawValue: p)) }
    #expect(total == 0, "\(total) problems in \(cases) cases")
  }

  @Test func theFormulaCheckComputesWhatExplainPrints() {
    #expect(Expression.evaluate("(5 * 25 + 1) * 64") == 8064)
    #expect(Expression.evaluate("2 * (3 * (4 * 8 + 8 * 8 + 2 * 8))") == 672)
    #expect(Expression.evaluate("(3 * 3 * 8 / 2 + 1) * 4") == 148)
    #expect(Expression.evaluate("9223372036854775807 + 1") == nil)
    #expect(Expression.evaluate("axis_1") == nil)
  }

  @Test func everyInputAlone() {
    // What the sweep does not repeat after each refused line: the input's model explained,
    // summarised and totalled.
    for input in ExtremeSweep.sweepInputs {
      var prepared: [[String]: Interpreter?] = [:]
      let problems = ExtremeSweep.run(ExtremeCase(setup: [], line: input), prepared: &prepared)
      #expect(problems.isEmpty, "\(problems)")
    }
  }

  @Test func everyLayerHasAValidBaseLine() throws {
    // The base lines of the sweep are valid on an input that suits the layer, so the sweep
    // really reaches the arguments: each type is accepted on at least one input.
    for t in ExtremeSweep.targets() {
      var accepted = false
      for input in ExtremeSweep.inputs + [
        "(5,1,32)", "(5,4,4,3)", "(2,3,3,3,2)", "(2,2,3,3,3,2)", "(2,None,1)",
      ] {
        var interpreter = Interpreter()
        _ = try interpreter.run(line: "input " + input)
        if (try? interpreter.run(line: "add " + t.prefix(""))) != nil {
          accepted = true
          break
        }
      }
      #expect(accepted, "no input takes 'add \(t.prefix(""))'")
    }
  }

  /// The error of the last line after the others, and whether the model is as before it.
  func refusal(_ lines: String...) throws -> (ParamCalcError, unchanged: Bool)? {
    var interpreter = Interpreter()
    for l in lines.dropLast() { _ = try interpreter.run(line: l) }
    let before = interpreter.session.fingerprint
    do throws(ParamCalcError) {
      _ = try interpreter.run(line: lines.last!)
      return nil
    } catch {
      return (error, interpreter.session.fingerprint == before)
    }
  }

  @Test func croppingLargerThanAnyInputIsRefused() throws {
    let r = try #require(
      try refusal("input (5,3)", "add cropping1d cropping=4611686018427387904"))
    guard case .refused(let layer, let reason, _, _) = r.0 else {
      Issue.record("expected a refusal, got \(r.0)")
      return
    }
    #expect(layer == "Cropping1D")
    #expect(
      reason
        == "cropping must be smaller than the input: axis 1 has 5, cropping removes 4611686018427387904 + 4611686018427387904 (input shape (None, 5, 3))",
      "\(reason)")
    #expect(r.unchanged)
  }

  @Test func croppingOfBothSidesBeyondInt64IsRefused() throws {
    // Python has no integer limit: Keras refuses the cropping, it does not overflow.
    let r = try #require(
      try refusal(
        "input (5,3)", "add cropping1d cropping=(9223372036854775807,9223372036854775807)"))
    guard case .refused(_, let reason, _, _) = r.0 else {
      Issue.record("expected a refusal, got \(r.0)")
      return
    }
    #expect(
      reason.contains("cropping removes 9223372036854775807 + 9223372036854775807"), "\(reason)")
    #expect(r.unchanged)
  }

  @Test func transposedConvolutionLongerThanInt64Overflows() throws {
    let r = try #require(
      try refusal(
        "input (1,1)",
        "add conv1dtranspose filters=1 kernel_size=9223372036854775807 strides=2 output_padding=1"))
    #expect(r.0 == .overflow("the output size", at: Span(4, 19)), "\(r.0)")
    #expect(r.0.message == "overflow: the output size does not fit in a 64-bit integer")
    #expect(r.unchanged)
  }

  @Test func croppingMessageUnchangedForNormalAmounts() throws {
    let r = try #require(try refusal("input (5,3)", "add cropping1d cropping=(2,4)"))
    #expect(
      r.0.message
        == "Cropping1D cannot be applied here: cropping must be smaller than the input: axis 1 has 5, cropping removes 6 (input shape (None, 5, 3))"
    )
  }

  @Test func paddingBeyondInt64Overflows() throws {
    let r = try #require(
      try refusal("input (5,3)", "add zeropadding1d padding=4611686018427387904"))
    #expect(r.0 == .overflow("the output size", at: Span(4, 17)), "\(r.0)")
    #expect(r.unchanged)
  }

  @Test func dilatedTransposedKernelBeyondInt64WithSamePadding() throws {
    // The dilated kernel, 2^62 + (2^62 - 1) * 3, does not fit in 64 bits, but with padding=same
    // Keras's length does not depend on it: (3 - 1) * 1 + 1 + 0 = 3, and without output_padding
    // 3 * 1 = 3.
    for line in [
      "add conv1dtranspose filters=1 kernel_size=4611686018427387904 dilation_rate=4 padding=same output_padding=0",
      "add conv1dtranspose filters=1 kernel_size=4611686018427387904 dilation_rate=4 padding=same",
    ] {
      let s = try model("input (3,1)", line)
      #expect(s.layers[0].output == Shape([3, 1]))
      #expect(s.total == 4_611_686_018_427_387_905)
    }
    // With padding=valid the length does depend on it: a real overflow.
    let r = try #require(
      try refusal(
        "input (3,1)",
        "add conv1dtranspose filters=1 kernel_size=4611686018427387904 dilation_rate=4"))
    #expect(r.0 == .overflow("the output size", at: Span(4, 19)), "\(r.0)")
  }

  @Test func transposedLengthsOfNormalInputsUnchanged() throws {
    // deconv_output_length on small numbers, each path: same, valid, with output_padding.
    let cases: [(String, Int)] = [
      ("kernel_size=3 strides=2 padding=same", 10),
      ("kernel_size=3 strides=2", 11),
      ("kernel_size=3 strides=2 output_padding=1", 12),
      ("kernel_size=3 strides=2 padding=same output_padding=1", 10),
      ("kernel_size=4 strides=3 padding=same output_padding=2", 14),
      ("kernel_size=2 dilation_rate=3 padding=same output_padding=0", 4),
      ("kernel_size=2 dilation_rate=2 padding=same output_padding=0", 5),
    ]
    for (args, length) in cases {
      let l = try layer("(5,2)", "add conv1dtranspose filters=1 " + args)
      #expect(l.output == Shape([length, 1]), "\(args)")
    }
  }

  @Test func explainOfHugeLayersPrintsTheirNumbers() throws {
    var interpreter = Interpreter()
    for line in [
      "input (1,1)",
      "add conv1dtranspose filters=1 kernel_size=4611686018427387904 output_padding=0 strides=1",
      "add gru units=1000000000",
    ] { _ = try interpreter.run(line: line) }
    let text = TextRenderer().render(.explain([1, 2], all: true), session: interpreter.session)
    #expect(text.contains("= 4,611,686,018,427,387,905"), "\(text)")
    #expect(text.contains("units          = 1,000,000,000"), "\(text)")
    #expect(text.contains("= 3,000,000,009,000,000,000"), "\(text)")
    #expect(ExtremeSweep.check(interpreter.session).isEmpty)
  }

  @Test func hugeButValidTransposedConvolutionIsComputed() throws {
    // 2^62 + 1 fits: a huge shape, not an overflow.
    let s = try model(
      "input (1,1)",
      "add conv1dtranspose filters=1 kernel_size=4611686018427387904 output_padding=0 strides=1",
      "explain")
    #expect(s.layers[0].output == Shape([4_611_686_018_427_387_904, 1]))
  }
}
