/// The frequent shapes of a line, recognized from its bytes without the parser: `undo`, `redo`,
/// `remove N`, `add REST`, `insert N REST` and `set N REST`, spelled exactly so (lowercase, one
/// space, `N` plain digits). Anything else is `.other` and goes to `CommandParser`. A recognized
/// line means what the parser would make of it; `REST` is where a cached layer or change is
/// looked up (see `Interpreter.run(bytes:)`).
enum LineForm: Equatable {
  case undo
  case redo
  case remove(Int, at: Span)
  /// The offset where the layer text after `add ` begins.
  case add(rest: Int)
  case insert(Int, at: Span, rest: Int)
  case set(Int, at: Span, rest: Int)
  case other

  init(_ b: UnsafeBufferPointer<UInt8>) {
    self = .other
    let n = b.count
    func word(_ w: StaticString) -> Bool {
      let count = w.utf8CodeUnitCount
      guard n >= count else { return false }
      let p = w.utf8Start
      for i in 0..<count where b[i] != p[i] { return false }
      return true
    }
    /// A layer number written as 1 to 18 plain digits from `i`, and where it ends.
    func number(from i: Int) -> (Int, Int)? {
      var j = i
      var v = 0
      while j < n, j - i < 18, b[j] >= 0x30, b[j] <= 0x39 {
        v = v * 10 + Int(b[j] - 0x30)
        j += 1
      }
      guard j > i, j == n || b[j] == 0x20 else { return nil }
      return (v, j)
    }
    if n == 4 && word("undo") {
      self = .undo
    } else if n == 4 && word("redo") {
      self = .redo
    } else if word("add ") {
      self = .add(rest: 4)
    } else if word("remove "), let (v, end) = number(from: 7), end == n {
      self = .remove(v, at: Span(7, end))
    } else if word("insert "), let (v, end) = number(from: 7), end + 1 < n {
      self = .insert(v, at: Span(7, end), rest: end + 1)
    } else if word("set "), let (v, end) = number(from: 4), end + 1 < n {
      self = .set(v, at: Span(4, end), rest: end + 1)
    }
  }
}
