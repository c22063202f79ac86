// The reader's numbers: a number in a range, a tuple of numbers, an augmentation's factor (a
// number or a pair, checked as Keras checks it), and how a value outside a range is worded.

extension ArgumentReader {
  /// A number in the argument's range (integers accepted).
  public mutating func number(_ s: ArgumentSpec, example: String = "") throws(ParamCalcError)
    -> Double
  {
    if let v = try optionalNumber(s) { return v }
    if case .value(.float(let d)) = s.byDefault { return d }
    throw absent(s, example: example)
  }

  /// A number in the argument's range, or nil when absent or None.
  public mutating func optionalNumber(_ s: ArgumentSpec) throws(ParamCalcError) -> Double? {
    guard case .number(let range, let openUpper) = s.kind else { preconditionFailure(s.name) }
    guard let a = take(s.name) else { return nil }
    let v: Double
    switch a.value {
    case .float(let x): v = x
    case .int(let n): v = Double(n)
    case .none where s.byDefault == .none: return nil
    default:
      throw .invalidValue(
        argument: s.name, message: "expected a number, found \(a.value.echoed)", at: a.valueSpan)
    }
    if !range.contains(v) || (openUpper && v == range.upperBound) {
      throw .invalidValue(
        argument: s.name, message: ArgumentReader.outOfRange(range, openUpper, a.value),
        at: a.valueSpan)
    }
    return v
  }

  /// A tuple of numbers (a number alone is a tuple of one), or nil when absent or None.
  public mutating func optionalNumbers(_ s: ArgumentSpec) throws(ParamCalcError) -> [Double]? {
    guard case .numberTuple = s.kind else { preconditionFailure(s.name) }
    guard let a = take(s.name) else { return nil }
    let items: [Value]
    switch a.value {
    case .none: return nil
    case .tuple(let t): items = t
    default: items = [a.value]
    }
    var out: [Double] = []
    for v in items {
      switch v {
      case .float(let x): out.append(x)
      case .int(let n): out.append(Double(n))
      default:
        throw .invalidValue(
          argument: s.name, message: "expected a tuple of numbers, found \(a.value.echoed)",
          at: a.valueSpan)
      }
    }
    return out
  }

  /// An augmentation's factor: checks a number or a pair as Keras does (nothing else depends on
  /// it: the layer keeps its shape). Absent: the default, or the absence of a required one.
  public mutating func factor(_ s: ArgumentSpec, example: String = "") throws(ParamCalcError) {
    guard case .factor(let range, let rule) = s.kind else { preconditionFailure(s.name) }
    guard let a = take(s.name) else {
      if s.byDefault == .required { throw absent(s, example: example) }
      return
    }
    func number(_ v: Value) -> Double? {
      switch v {
      case .float(let x): return x
      case .int(let n): return Double(n)
      default: return nil
      }
    }
    let bad: String?
    switch a.value {
    case .tuple(let items) where items.count == 2:
      guard let lower = number(items[0]), let upper = number(items[1]) else {
        throw .invalidValue(
          argument: s.name, message: "expected two numbers, found \(a.value.echoed)",
          at: a.valueSpan)
      }
      let bottom = range.lowerBound
      let top = range.upperBound
      switch rule {
      case .overlaps:
        let overlaps = lower <= top && upper >= bottom
        bad =
          overlaps
          ? nil
          : "a pair (lower, upper) must reach into \(Value.format(bottom)) to \(Value.format(top))"
      case .each, .eachAboveBottom:
        let out = [lower, upper].first { x in
          !range.contains(x) || (rule == .eachAboveBottom && x == bottom)
        }
        bad = out.map { _ in "each of the pair must be " + ArgumentReader.bounds(range, rule) }
      }
    case .none where s.byDefault == .none: return
    default:
      guard let x = number(a.value) else {
        throw .invalidValue(
          argument: s.name,
          message: "expected a number or a pair (lower, upper), found \(a.value.echoed)",
          at: a.valueSpan)
      }
      let outside = !range.contains(x) || (rule == .eachAboveBottom && x == range.lowerBound)
      bad = outside ? "must be " + ArgumentReader.bounds(range, rule) : nil
    }
    if let bad {
      throw .invalidValue(
        argument: s.name, message: bad + ", found \(a.value.script)", at: a.valueSpan)
    }
  }

  static func bounds(_ range: ClosedRange<Double>, _ rule: ArgumentSpec.PairRule) -> String {
    (rule == .eachAboveBottom ? "above " : "at least ") + Value.format(range.lowerBound)
      + " and at most " + Value.format(range.upperBound)
  }

  /// Why `value` is outside `range`, naming only the bounds that are there: `must be at least 0,
  /// found -1` (not `and at most 1.7976931348623157e+308`), `must be at least 0.0 and at most
  /// 1.0, found 1.5`.
  static func outOfRange(_ range: ClosedRange<Double>, _ openUpper: Bool, _ value: Value)
    -> String
  {
    // Bounds as numbers are written elsewhere in messages (`0.0`, `1.0`); the value as written.
    let bound = Value.format
    let big = Double.greatestFiniteMagnitude
    var limits: [String] = []
    if range.lowerBound > -big { limits.append("at least \(bound(range.lowerBound))") }
    if range.upperBound < big {
      limits.append((openUpper ? "below " : "at most ") + bound(range.upperBound))
    }
    return "must be " + limits.joined(separator: " and ") + ", found \(value.script)"
  }
}
