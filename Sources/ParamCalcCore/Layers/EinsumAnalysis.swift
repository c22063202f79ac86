// The shape rule of EinsumDense, shared with GroupQueryAttention (whose projections Keras builds
// as EinsumDense layers): the equation read as Keras reads it, and the kernel, bias and output
// shapes that keras/src/layers/core/einsum_dense.py's `_analyze_einsum_string` and
// `_analyze_split_string` give, step by step, with Python's indexing.

/// An einsum equation as Keras reads it: `...` becomes one mark, then the three specs (letters)
/// and where the ellipsis is (none, left of the input and output, or right of them).
struct EinsumEquation: Equatable, Sendable {
  enum Ellipsis: Sendable { case none, left, right }
  let text: String
  let input: [Character]
  let weight: [Character]
  let output: [Character]
  let ellipsis: Ellipsis

  /// Keras's three regular expressions, matched at the start of the text (as `re.match` does:
  /// what follows the match is not read).
  init?(_ text: String) {
    self.text = text
    // re.sub(r"\.\.\.", "0", equation): "0" marks an ellipsis (and a "0" typed stands for one).
    var s: [Character] = []
    let c = Array(text)
    var i = 0
    while i < c.count {
      if i + 2 < c.count, c[i] == ".", c[i + 1] == ".", c[i + 2] == "." {
        s.append("0")
        i += 3
      } else {
        s.append(c[i])
        i += 1
      }
    }
    func letters(_ from: Int) -> ([Character], Int) {
      var j = from
      while j < s.count, s[j].isASCII, s[j].isLetter { j += 1 }
      return (Array(s[from..<j]), j)
    }
    func literal(_ from: Int, _ word: String) -> Int? {
      let w = Array(word)
      guard from + w.count <= s.count, Array(s[from..<(from + w.count)]) == w else { return nil }
      return from + w.count
    }
    // ([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)  /  0(...),(...)->0(...)  /  (..{2,})0,(...)->(...)0
    for form in [Ellipsis.none, .left, .right] {
      var at = 0
      if form == .left {
        guard let n = literal(at, "0") else { continue }
        at = n
      }
      let (a, afterA) = letters(at)
      guard a.count >= (form == .right ? 2 : 1) else { continue }
      at = afterA
      if form == .right {
        guard let n = literal(at, "0") else { continue }
        at = n
      }
      guard let n1 = literal(at, ",") else { continue }
      let (w, afterW) = letters(n1)
      guard !w.isEmpty, let n2 = literal(afterW, "->") else { continue }
      at = n2
      if form == .left {
        guard let n = literal(at, "0") else { continue }
        at = n
      }
      let (o, afterO) = letters(at)
      guard !o.isEmpty else { continue }
      if form == .right, literal(afterO, "0") == nil { continue }
      input = a
      weight = w
      output = o
      ellipsis = form
      return
    }
    return nil
  }
}

/// What `_analyze_split_string` works out on one input: the kernel, the bias and the output
/// shape (with the batch), and the size each letter stands for.
struct EinsumAnalysis: Sendable {
  let kernel: [Int?]
  let bias: [Int?]?
  /// The output's shape, the batch first.
  let output: [Int?]
  /// How many input axes the letters do not name (negative: the letters name more).
  let elided: Int
  /// Each letter's size: from the output where it is in the output, else from the input.
  let size: [Character: Int?]
  /// The size of every input (and output) axis each letter names, in order: a letter given twice
  /// names two axes, which may differ; Keras reads the last (its maps keep the last position).
  let inputSizes: [Character: [Int?]]
  let outputSizes: [Character: [Int?]]

  init(_ e: EinsumEquation, biasAxes: String?, input full: [Int?], partial: [Int?])
    throws(Refusal)
  {
    let left = e.ellipsis == .left
    let elided = full.count - e.input.count
    var out: [Int?] = [full[0]] + partial
    if elided > 0 && left {
      // Keras inserts each at position 1, so they end up in reverse order.
      for i in 1..<max(elided, 1) {
        out.insert(full[i], at: 1)
      }
    } else if elided > 0 {
      for i in (full.count - elided)..<full.count {
        out.append(full[i])
      }
    }
    var inputAt: [Character: Int] = [:]
    var outputAt: [Character: Int] = [:]
    for (i, d) in e.input.enumerated() { inputAt[d] = left ? i + elided - full.count : i }
    for (i, d) in e.output.enumerated() { outputAt[d] = left ? i + elided : i }
    let eq = "'\(e.text)'"
    func inputSize(_ d: Character) throws(Refusal) -> Int? {
      guard let v = pyIndex(full, inputAt[d]!) else {
        throw .reason(
          "the equation \(eq) names \(e.input.count) input axes ('\(String(e.input))', the batch "
            + "first) but the input has \(full.count) with the batch: Keras fails (tuple index "
            + "out of range)")
      }
      return v
    }
    func outputSize(_ d: Character, _ at: Int) throws(Refusal) -> Int? {
      guard let v = pyIndex(out, at) else {
        throw .reason(
          "the equation \(eq) names \(e.output.count) output axes ('\(String(e.output))', the "
            + "batch first) but output_shape gives \(out.count - 1) after the batch: Keras fails "
            + "(list index out of range)")
      }
      return v
    }
    for d in e.input {
      let have = try inputSize(d)
      if let at = outputAt[d], let want = try outputSize(d, at), want != have {
        throw .reason(
          "input shape and output shape do not match at shared dimension '\(d)': the input "
            + (e.input.filter { $0 == d }.count > 1 ? "axis '\(d)' names last " : "")
            + "has \(have.map(String.init) ?? "None"), output_shape \(want)")
      }
    }
    for d in e.output where !e.input.contains(d) && !e.weight.contains(d) {
      throw .reason(
        "dimension '\(d)' of the output '\(String(e.output))' is in neither the input "
          + "'\(String(e.input))' nor the kernel '\(String(e.weight))'")
    }
    var size: [Character: Int?] = [:]
    var kernel: [Int?] = []
    for d in e.weight {
      if let at = outputAt[d] {
        let v = try outputSize(d, at)
        kernel.append(v)
        size[d] = v
      } else if inputAt[d] != nil {
        let v = try inputSize(d)
        kernel.append(v)
        size[d] = v
      } else {
        throw .reason(
          "kernel dimension '\(d)' is in neither the input '\(String(e.input))' nor the "
            + "output '\(String(e.output))': the kernel must be fully specified")
      }
    }
    var bias: [Int?]? = nil
    if let axes = biasAxes {
      let shift = left ? elided : 0
      var byLetter: [Character: Int?] = [:]
      for (i, c) in e.output.enumerated() { byLetter[c] = try outputSize(c, i + shift) }
      let first = e.output.firstIndex { axes.contains($0) } ?? 0
      var b: [Int?] = e.output[first...].map { axes.contains($0) ? byLetter[$0]! : 1 }
      if !left && elided > 0 { b += Array(repeating: 1, count: elided) }
      for c in axes { size[c] = byLetter[c]! }
      bias = b
    }
    for d in e.input where size[d] == nil { size[d] = try inputSize(d) }
    for (i, d) in e.output.enumerated() where size[d] == nil {
      size[d] = try outputSize(d, i + (left ? elided : 0))
    }
    var inputSizes: [Character: [Int?]] = [:]
    for (i, d) in e.input.enumerated() {
      if let v = pyIndex(full, left ? i + elided - full.count : i) {
        inputSizes[d, default: []].append(v)
      }
    }
    var outputSizes: [Character: [Int?]] = [:]
    for (i, d) in e.output.enumerated() {
      if let v = pyIndex(out, i + (left ? elided : 0)) { outputSizes[d, default: []].append(v) }
    }
    self.inputSizes = inputSizes
    self.outputSizes = outputSizes
    self.kernel = kernel
    self.bias = bias
    self.output = out
    self.elided = elided
    self.size = size
  }
}

/// `a[i]` as Python reads it (a negative index counts from the end); nil when out of range.
func pyIndex<T>(_ a: [T], _ i: Int) -> T? {
  let j = i < 0 ? i + a.count : i
  return a.indices.contains(j) ? a[j] : nil
}

/// A weight's shape as Keras checks it when it makes the variable: every size known, none
/// negative.
func definedShape(_ shape: [Int?], _ what: String) throws(Refusal) -> [Int] {
  let shown = "(" + shape.map { $0.map(String.init) ?? "None" }.joined(separator: ", ") + ")"
  var out: [Int] = []
  for d in shape {
    guard let d else {
      throw .reason(
        "the \(what) shape \(shown) is not fully defined (a None size): Keras needs every "
          + "size of a weight")
    }
    if d < 0 { throw .reason("the \(what) shape \(shown) has a negative size") }
    out.append(d)
  }
  return out
}
