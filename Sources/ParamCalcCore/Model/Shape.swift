/// The shape of a tensor without its batch dimension: each size known (`Int`) or unknown (`nil`,
/// Keras's `None`). The batch dimension is always unknown and is added when the shape is shown.
public struct Shape: Hashable, Sendable {
  public var dims: [Int?]

  public init(_ dims: [Int?]) { self.dims = dims }

  /// Number of dimensions, batch excluded.
  public var rank: Int { dims.count }

  /// The last dimension (channels, features), `nil` when unknown or when the shape is empty.
  public var last: Int? { dims.last ?? nil }

  /// Whether every dimension is known.
  public var isFullyKnown: Bool { dims.allSatisfy { $0 != nil } }

  /// The same shape with the last dimension replaced.
  public func replacingLast(with value: Int?) -> Shape {
    var copy = dims
    if copy.isEmpty { copy.append(value) } else { copy[copy.count - 1] = value }
    return Shape(copy)
  }

  /// Keras's display of the shape with the batch dimension: `(None, 28, 28, 1)`, `(None, 25)`.
  public var description: String {
    var out = "(None"
    for d in dims {
      out += ", "
      if let d { out += String(d) } else { out += "None" }
    }
    return out + ")"
  }

  /// Product of the known dimensions, or `nil` when one is unknown; throws on overflow.
  public func elementCount() throws(Overflow) -> Int? {
    var n = 1
    for d in dims {
      guard let d else { return nil }
      n = try Checked.multiply(n, d)
    }
    return n
  }
}

/// A result that does not fit in a signed 64-bit integer.
public struct Overflow: Error, Equatable, Sendable {
  public init() {}
}

/// Overflow-checked integer arithmetic: every count and size goes through here.
public enum Checked {
  public static func multiply(_ a: Int, _ b: Int) throws(Overflow) -> Int {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    if o { throw Overflow() }
    return r
  }

  public static func add(_ a: Int, _ b: Int) throws(Overflow) -> Int {
    let (r, o) = a.addingReportingOverflow(b)
    if o { throw Overflow() }
    return r
  }

  public static func subtract(_ a: Int, _ b: Int) throws(Overflow) -> Int {
    let (r, o) = a.subtractingReportingOverflow(b)
    if o { throw Overflow() }
    return r
  }

  public static func product(_ values: [Int]) throws(Overflow) -> Int {
    var n = 1
    for v in values { n = try multiply(n, v) }
    return n
  }

  /// Floor division (Python's `//`) for a positive divisor.
  public static func floorDivide(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
  }
}
