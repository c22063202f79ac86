// The declaration of a layer type's arguments: the layer files declare theirs with it, once per
// argument, and `help`, `checkNames`, completion, JSON, docs/formulas.md and `ArgumentReader`
// (Arguments.swift) all read that declaration.

/// One argument a layer type takes, declared once: its name, what the reader accepts (`kind`),
/// its default, what it means and what it changes. The descriptor lists it for `help` and
/// `checkNames`; `make` reads it through `ArgumentReader`, which takes the default, the minimum
/// and the choices from here, so that none of them is written twice.
public struct ArgumentSpec: Sendable {
  /// What the reader accepts.
  public enum Kind: Sendable, Equatable {
    /// A whole number of at least `min` (`also`: one more value accepted below it, e.g. -1).
    case integer(min: Int, also: Int? = nil)
    /// A whole number of at least `min`, or None.
    case optionalInteger(min: Int)
    /// `count` whole numbers of at least `min`, one per axis: one integer stands for all.
    case integers(count: Int, min: Int)
    /// A tuple of integers of any length (an integer alone is a tuple of one).
    case integerTuple
    /// A tuple of numbers of any length, possibly empty (a number alone is a tuple of one).
    case numberTuple
    /// A number, or a tuple of numbers (tuples in it for more axes), kept with its shape: an
    /// array as NumPy reads it (`np.shape`), e.g. Normalization's mean.
    case numberArray
    /// Non-negative `(before, after)` amounts on each of `rank` axes.
    case pairs(rank: Int)
    case bool
    /// One of these words, compared as written unless the spec says Keras lower-cases it
    /// first (`lowercased`); `none` among them is None, unquoted.
    case choice([String])
    /// A number (integers accepted) in the range; `openUpper`: the upper bound excluded.
    case number(ClosedRange<Double>, openUpper: Bool = false)
    /// The name of an activation function Keras knows (or None: linear).
    case activation
    /// An augmentation's strength: a number in the range, or a pair (lower, upper) checked by
    /// `pair`.
    case factor(ClosedRange<Double>, pair: PairRule)
    /// A word, described in `help` by these words (`einsum equation, e.g. ab,bc->ac`).
    case text(String)
    /// Sizes of some axes: an integer, or a tuple of integers and None (None: not fixed here).
    case partialShape
  }

  /// How an augmentation checks a pair (lower, upper) given as its factor.
  public enum PairRule: Sendable, Equatable {
    /// The pair must reach into the range: lower ≤ its top and upper ≥ its bottom (Keras's
    /// `BaseImagePreprocessingLayer._set_factor`).
    case overlaps
    /// Each number must be in the range.
    case each
    /// Each number must be in the range without its bottom (RandomZoom: above -1).
    case eachAboveBottom
  }

  /// The value an argument has when it is not given.
  public enum Default: Sendable, Equatable, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByStringLiteral
  {
    /// The argument must be given.
    case required
    /// None: absent (the layer then does without it).
    case none
    /// A value, as a script would write it.
    case value(Value)
    /// A value that follows from another argument or from the input, in words (`pool_size`).
    case derived(String)

    public init(integerLiteral v: Int) { self = .value(.int(v)) }
    public init(floatLiteral v: Double) { self = .value(.float(v)) }
    public init(booleanLiteral v: Bool) { self = .value(.bool(v)) }
    public init(stringLiteral v: String) { self = .value(.string(v)) }
  }

  /// What an argument changes.
  public enum Effect: Sendable, Equatable {
    /// The parameter count (and maybe the output shape).
    case count
    /// Only the output shape.
    case shape
    /// Neither the count nor the shape.
    case neither
  }

  /// A value Keras accepts that paramcalc refuses, with why and (maybe) what to do instead.
  public struct Unsupported: Sendable, Equatable {
    public let value: String
    public let message: String
    public let hint: String?
    public init(_ value: String, _ message: String, hint: String? = nil) {
      self.value = value
      self.message = message
      self.hint = hint
    }
  }

  public let name: String
  public let kind: Kind
  public let byDefault: Default
  public let effect: Effect
  public let meaning: String
  /// Values of a choice that Keras accepts and paramcalc refuses, each with its message.
  public let unsupported: [Unsupported]
  /// For a choice: whether Keras lower-cases the word before comparing it (`standardize_padding`,
  /// `standardize_data_format`), so `SAME` is `same`; otherwise it compares the word as written.
  public let lowercased: Bool
  /// The default of an `integers` or `integerTuple` argument, made once (a read allocates none).
  let defaultInts: [Int]

  public init(
    _ name: String, _ kind: Kind, default byDefault: Default, _ effect: Effect,
    _ meaning: String, unsupported: [Unsupported] = [], lowercased: Bool = false
  ) {
    self.lowercased = lowercased
    self.name = name
    self.kind = kind
    self.byDefault = byDefault
    self.effect = effect
    self.meaning = meaning
    self.unsupported = unsupported
    var ints: [Int] = []
    if case .value(let v) = byDefault {
      switch (kind, v) {
      case (.integer(let min, let also), .int(let n)):
        precondition(n >= min || n == also, "\(name): default \(n) below its minimum")
      case (.integers(let count, let min), .int(let n)):
        precondition(n >= min, "\(name): default \(n) below its minimum")
        ints = Array(repeating: n, count: count)
      case (.integerTuple, .int(let n)): ints = [n]
      case (.pairs, .int(let n)): precondition(n >= 0, "\(name): negative default")
      case (.bool, .bool): break
      case (.choice(let options), .string(let s)):
        precondition(options.contains(s), "\(name): default \(s) is not one of its choices")
      case (.number(let range, let open), .float(let x)):
        precondition(range.contains(x) && !(open && x == range.upperBound), "\(name): default")
      case (.factor(let range, _), .float(let x)): precondition(range.contains(x), "\(name)")
      default: preconditionFailure("\(name): a default of the wrong kind")
      }
    }
    defaultInts = ints
  }

  /// The default as `help` shows it: `required`, `None`, `1`, `valid`, `pool_size`.
  public var defaultText: String {
    switch byDefault {
    case .required: return "required"
    case .none: return "None"
    case .value(let v): return v.script
    case .derived(let words): return words
    }
  }

  /// What the argument accepts, in a few words: `integer ≥ 1`, `valid, same`, `0 to 1`.
  public var allowedText: String {
    func atLeast(_ min: Int) -> String { min == Int.min ? "" : " ≥ \(min)" }
    func bound(_ x: Double) -> String {
      x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
    switch kind {
    case .integer(let min, let also):
      return "integer" + atLeast(min) + (also.map { " or \($0)" } ?? "")
    case .optionalInteger(let min): return "integer" + atLeast(min) + " or None"
    case .integers(let count, let min):
      let orNone: String
      switch byDefault {
      case .none, .derived: orNone = " or None"
      default: orNone = ""
      }
      return (count == 1 ? "integer" : "\(count) integers") + atLeast(min) + orNone
    case .integerTuple: return "tuple of integers"
    case .numberTuple: return "tuple of numbers"
    case .numberArray: return "number, or tuple of numbers"
    case .pairs: return "integers ≥ 0 or pairs"
    case .bool: return "true or false"
    case .choice: return choices.joined(separator: ", ")
    case .number(let range, let open):
      let big = Double.greatestFiniteMagnitude
      if range.lowerBound == -big && range.upperBound == big { return "any number" }
      if range.upperBound == big { return "number ≥ \(bound(range.lowerBound))" }
      return "\(bound(range.lowerBound)) to \(open ? "below " : "")\(bound(range.upperBound))"
    case .activation: return "activation name"
    case .factor(let range, let pair):
      let numbers = "\(bound(range.lowerBound)) to \(bound(range.upperBound))"
      switch pair {
      case .overlaps: return numbers + " or a pair"
      case .each: return numbers + ", or a pair of them"
      case .eachAboveBottom: return "above " + numbers + ", or a pair of them"
      }
    case .text(let words): return words
    case .partialShape: return "integer, or tuple of integers and None"
    }
  }

  /// Whether a value other than the default can change the parameter count.
  public var changesCount: Bool { effect == .count }

  /// The values of a choice paramcalc accepts (those it refuses left out); empty otherwise.
  public var choices: [String] {
    guard case .choice(let options) = kind else { return [] }
    return options.filter { o in !unsupported.contains { $0.value == o } }
  }

  /// The words a value of this argument can be, for completion: the choices, true and false,
  /// or the activation names; empty for numbers.
  public var completions: [String] {
    switch kind {
    case .choice: return choices
    case .bool: return ["true", "false"]
    case .activation: return activationNames
    default: return []
    }
  }
}
