/// Quiz mode's judgement of a guessed count: right, or wrong and, where it can be told, which
/// term of the formula the difference comes from. Pure: the prompt asks for the guess.
///
/// A wrong guess is matched against the mistakes people make, in this order: the trainable part
/// only (a BatchNormalization's moving statistics left out); the bias left out; a recurrent
/// layer's blocks of weights miscounted (one instead of 4, or a GRU's 3 for an LSTM's 4); the
/// input's channels or features left out (taken as 1, or 0); any other term of the formula taken
/// as 1 or 0 (a kernel axis, the directions of a Bidirectional, a GRU's second bias); one
/// weight left out (the recurrent kernel). The first that gives the guess exactly is the
/// diagnosis; none, and the verdict says only how far off the guess is.
public struct QuizVerdict: Equatable, Sendable {
  public enum Diagnosis: Equatable, Sendable {
    case right
    /// The guess is the trainable part only; `nonTrainable` weights (named) count too.
    case trainableOnly(nonTrainable: Int, weights: [String])
    /// The guess is the count without the bias weights (`bias` of them).
    case withoutBias(bias: Int, meaning: String?)
    /// The guess is the formula with `blocks` taken as `guessed` instead of `actual`.
    case gateBlocks(guessed: Int, actual: Int, meaning: String)
    /// The guess is the formula with the term `name` (of `value`) taken as `guessed` (1 or 0):
    /// a factor forgotten (the input's channels: `fromInput`), or a term left out.
    case term(name: String, value: Int, guessed: Int, fromInput: Bool, meaning: String)
    /// The guess is the count without the weight `name` (its `count` values).
    case withoutWeight(name: String, shape: [Int], count: Int)
    /// None of the above: the guess is `difference` off (negative: too low).
    case unknown(difference: Int)
  }

  public let guess: Int
  public let count: Int
  public let diagnosis: Diagnosis

  public var isRight: Bool { diagnosis == .right }

  /// What the prompt says after the guess: `right: 8,064 params`, or the right count, and where
  /// the difference comes from.
  public var message: String {
    let n = Format.thousands
    if isRight { return "right: \(n(count)) params" }
    let head = "not quite: \(n(count)) params, not \(n(guess))"
    let why: String
    switch diagnosis {
    case .right: return head
    case .trainableOnly(let frozen, let weights):
      why =
        "you counted the trainable part only; the \(n(frozen)) non-trainable values (\(weights.joined(separator: ", "))) are parameters too"
    case .withoutBias(let bias, let meaning):
      why =
        "you left out the bias, \(n(bias)) values" + (meaning.map { " (\($0))" } ?? "")
    case .gateBlocks(let guessed, let actual, let meaning):
      why =
        "you counted \(guessed) block\(guessed == 1 ? "" : "s") of weights where there \(actual == 1 ? "is" : "are") \(actual): \(meaning)"
    case .term(let name, let value, let guessed, let fromInput, let meaning):
      if fromInput {
        why =
          "you left out \(name) = \(n(value)), which comes from the input shape: \(meaning)"
      } else if guessed == 0 {
        why = "you left out \(name) = \(n(value)): \(meaning)"
      } else {
        why = "you took \(name) as \(guessed) instead of \(n(value)): \(meaning)"
      }
    case .withoutWeight(let name, let shape, let count):
      why =
        "you left out the weight \(name) \(Format.tuple(shape)), \(n(count)) values"
    case .unknown(let d):
      why =
        "\(n(abs(d))) too \(d < 0 ? "low" : "high"); 'explain' shows every term of the formula"
    }
    return head + " — " + why
  }
}

public enum Quiz {
  /// Judges `guess` as the count of `layer`.
  public static func judge(_ guess: Int, layer l: ModelLayer) -> QuizVerdict {
    judge(
      guess, explanation: l.explanation, weights: l.inference.weights, count: l.params,
      trainable: l.trainable)
  }

  /// Judges `guess` as the count of a layer explained by `e`, with `weights`, `count` values in
  /// all and `trainable` of them trainable.
  public static func judge(
    _ guess: Int, explanation e: Explanation, weights: [Weight], count: Int, trainable: Int
  ) -> QuizVerdict {
    QuizVerdict(
      guess: guess, count: count,
      diagnosis: diagnose(guess, e, weights, count: count, trainable: trainable))
  }

  static func diagnose(
    _ guess: Int, _ e: Explanation, _ weights: [Weight], count: Int, trainable: Int
  ) -> QuizVerdict.Diagnosis {
    if guess == count { return .right }
    if trainable < count, guess == trainable {
      return .trainableOnly(
        nonTrainable: count - trainable, weights: weights.filter { !$0.trainable }.map(\.name))
    }
    let bias = weights.filter { $0.name == "bias" || $0.name.hasSuffix("bias") }
      .reduce(0) { $0 + $1.count }
    if bias > 0, guess == count - bias {
      let meaning = e.terms.first { $0.name == "1" || $0.name == "biases" }?.meaning
      return .withoutBias(bias: bias, meaning: meaning)
    }
    // The formula must give the count for its terms to be tried (it does, for every layer: a
    // test checks it); a term is tried only where the formula names it.
    guard evaluate(e.formula, e.terms) == count else {
      return fallback(guess, weights, count: count)
    }
    let symbols = Set(Explanation.symbols(e.formula).map(String.init))
    func with(_ name: String, as value: Int) -> Int? {
      evaluate(
        e.formula, e.terms.map { $0.name == name ? Term($0.name, value, $0.source, "") : $0 })
    }
    if let blocks = e.terms.first(where: { $0.name == "blocks" }), symbols.contains("blocks") {
      // One block (the gates forgotten), or a GRU's 3 for an LSTM's 4 and the other way.
      for k in [1, 3, 4] where k != blocks.value && with("blocks", as: k) == guess {
        return .gateBlocks(guessed: k, actual: blocks.value, meaning: blocks.meaning)
      }
    }
    let ordered =
      e.terms.filter { $0.source == .inputShape } + e.terms.filter { $0.source != .inputShape }
    for t in ordered where symbols.contains(t.name) && t.name != "blocks" {
      for k in [1, 0] where k != t.value && with(t.name, as: k) == guess {
        return .term(
          name: t.name, value: t.value, guessed: k, fromInput: t.source == .inputShape,
          meaning: t.meaning)
      }
    }
    return fallback(guess, weights, count: count)
  }

  static func fallback(_ guess: Int, _ weights: [Weight], count: Int) -> QuizVerdict.Diagnosis {
    if let w = weights.first(where: { count - $0.count == guess }) {
      return .withoutWeight(name: w.name, shape: w.shape, count: w.count)
    }
    return .unknown(difference: guess &- count)
  }

  /// The value of a formula (integers, the terms' names, `+ - * /` and parentheses), or nil when
  /// it cannot be read or overflows.
  public static func evaluate(_ formula: String, _ terms: [Term]) -> Int? {
    var p = FormulaReader(text: Array(formula.utf8), terms: terms)
    guard let v = p.sum(), p.atEnd else { return nil }
    return v
  }
}

/// Reads and evaluates a formula by precedence: a sum of products of factors.
struct FormulaReader {
  let text: [UInt8]
  let terms: [Term]
  var i = 0

  var atEnd: Bool {
    mutating get {
      skipSpaces()
      return i == text.count
    }
  }

  mutating func skipSpaces() {
    while i < text.count, text[i] == UInt8(ascii: " ") { i += 1 }
  }

  mutating func sum() -> Int? {
    guard var v = product() else { return nil }
    while true {
      skipSpaces()
      guard i < text.count, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") else {
        return v
      }
      let minus = text[i] == UInt8(ascii: "-")
      i += 1
      guard let r = product() else { return nil }
      let (x, o) = minus ? v.subtractingReportingOverflow(r) : v.addingReportingOverflow(r)
      if o { return nil }
      v = x
    }
  }

  mutating func product() -> Int? {
    guard var v = factor() else { return nil }
    while true {
      skipSpaces()
      guard i < text.count, text[i] == UInt8(ascii: "*") || text[i] == UInt8(ascii: "/") else {
        return v
      }
      let divide = text[i] == UInt8(ascii: "/")
      i += 1
      guard let r = factor() else { return nil }
      if divide {
        guard r != 0 else { return nil }
        v /= r
      } else {
        let (x, o) = v.multipliedReportingOverflow(by: r)
        if o { return nil }
        v = x
      }
    }
  }

  mutating func factor() -> Int? {
    skipSpaces()
    guard i < text.count else { return nil }
    let c = text[i]
    if c == UInt8(ascii: "(") {
      i += 1
      guard let v = sum() else { return nil }
      skipSpaces()
      guard i < text.count, text[i] == UInt8(ascii: ")") else { return nil }
      i += 1
      return v
    }
    let start = i
    if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
      var v = 0
      while i < text.count, text[i] >= UInt8(ascii: "0") && text[i] <= UInt8(ascii: "9") {
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(Int(text[i] - UInt8(ascii: "0")))
        if o1 || o2 { return nil }
        v = a
        i += 1
      }
      return v
    }
    func isWord(_ b: UInt8) -> Bool {
      (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
        || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || b == UInt8(ascii: "_")
        || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }
    while i < text.count, isWord(text[i]) { i += 1 }
    guard i > start else { return nil }
    let name = String(decoding: text[start..<i], as: UTF8.self)
    return terms.first { $0.name == name }?.value
  }
}
