// EinsumDense: a dense layer written as an einsum equation between the input and a kernel.
// Source: keras/src/layers/core/einsum_dense.py (Keras 3): `_analyze_einsum_string` and
// `_analyze_split_string` give the kernel, the bias and the output shape, followed here step by
// step (with Python's indexing, so that the same equations work and fail as in Keras).

let einsumDenseExample = LayerExample(
  "(10,16)", "add einsumdense equation=...c,cd->...d output_shape=32 bias_axes=d")
let einsumExamples = [einsumDenseExample]

/// The arguments of EinsumDense, each declared once for `help` and for reading.
enum EinsumArguments {
  static let equation = ArgumentSpec(
    "equation", .text("einsum equation, e.g. ab,bc->ac"), default: .required, .count,
    "input axes, kernel axes -> output axes, one letter per axis; ... stands for other axes")
  static let outputShape = ArgumentSpec(
    "output_shape", .partialShape, default: .required, .count,
    "the output's axes after the batch (None: not fixed here), or an integer for one axis")
  static let biasAxes = ArgumentSpec(
    "bias_axes", .text("letters of the output"), default: .none, .count,
    "the output axes that get a bias, e.g. d; none: no bias")
}

let einsumLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "EinsumDense", family: "Einsum",
    summary: "a dense layer written as an einsum equation: input and kernel axes to output axes",
    source: "layers/core/einsum_dense.py",
    arguments: [
      EinsumArguments.equation, EinsumArguments.outputShape, EinsumArguments.biasAxes,
      loraRankArgument,
    ],
    // gptq_unpacked_column_size: a detail of GPTQ quantization, which changes no count here.
    inert: kernelInertArguments + [
      "lora_alpha", "gptq_unpacked_column_size", quantizationConfigArgument,
    ],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let (text, span) = try r.text(EinsumArguments.equation, example: einsumDenseExample.add)
      guard let equation = EinsumEquation(text) else {
        throw .invalidValue(
          argument: "equation",
          message:
            "invalid einsum equation '\(text)': Keras takes the forms [X],[Y]->[Z], "
            + "...[X],[Y]->...[Z] or [X]...,[Y]->[Z]...",
          at: span, hint: "one letter per axis, e.g. equation=abc,cd->abd")
      }
      let partial = try r.partialShape(
        EinsumArguments.outputShape, example: einsumDenseExample.add)
      var bias: String? = nil
      if let (axes, span) = try r.optionalText(EinsumArguments.biasAxes) {
        for c in axes where !equation.output.contains(c) {
          throw .invalidValue(
            argument: "bias_axes",
            message:
              "bias dimension '\(c)' was requested, but is not part of the output spec "
              + "'\(String(equation.output))'",
            at: span)
        }
        if axes.isEmpty {
          throw .invalidValue(
            argument: "bias_axes", message: "no axis given (Keras: min() of an empty sequence)",
            at: span, hint: "name output axes, e.g. bias_axes=d, or leave bias_axes out")
        }
        bias = axes
      }
      let lora = try r.loraRank(constraint: "kernel_constraint", what: "kernel")
      return EinsumDense(equation: equation, outputShape: partial, biasAxes: bias, lora: lora)
    })
]

extension ArgumentReader {
  /// A word (a string value) and its span: required, as its spec says.
  mutating func text(_ s: ArgumentSpec, example: String) throws(ParamCalcError) -> (
    String, Span
  ) {
    guard let got = try optionalText(s) else { throw missing(s.name, example: example) }
    return got
  }

  /// A word and its span; nil when absent or None.
  mutating func optionalText(_ s: ArgumentSpec) throws(ParamCalcError) -> (String, Span)? {
    guard case .text(let words) = s.kind else { preconditionFailure(s.name) }
    guard let a = take(s.name) else { return nil }
    switch a.value {
    case .none: return nil
    case .string(let v): return (v, a.valueSpan)
    default:
      throw .invalidValue(
        argument: s.name, message: "expected \(words), found \(a.value.kindName) \(a.value.echoed)",
        at: a.valueSpan)
    }
  }

  /// Sizes of axes, None where not fixed: an integer is one axis.
  mutating func partialShape(_ s: ArgumentSpec, example: String) throws(ParamCalcError) -> [Int?] {
    guard case .partialShape = s.kind else { preconditionFailure(s.name) }
    guard let a = take(s.name) else { throw missing(s.name, example: example) }
    let items: [Value]
    switch a.value {
    case .int: items = [a.value]
    case .tuple(let xs): items = xs
    default:
      throw .invalidValue(
        argument: s.name,
        message: "expected an integer or a tuple such as (None,64), found \(a.value.echoed)",
        at: a.valueSpan)
    }
    var out: [Int?] = []
    for item in items {
      switch item {
      case .int(let n): out.append(n)
      case .none: out.append(nil)
      default:
        throw .invalidValue(
          argument: s.name, message: "expected integers or None, found \(item.echoed)",
          at: a.valueSpan)
      }
    }
    return out
  }
}

struct EinsumDense: LayerModel {
  let equation: EinsumEquation
  let outputShape: [Int?]
  let biasAxes: String?
  /// `lora_rank` when LoRA is on (a positive rank), else nil.
  var lora: Int? = nil
  var typeName: String { "EinsumDense" }

  func analysis(_ input: Shape) throws(Refusal) -> EinsumAnalysis {
    try EinsumAnalysis(
      equation, biasAxes: biasAxes, input: [nil] + input.dims, partial: outputShape)
  }

  /// Keras's build: the kernel, the bias (bias_axes), then with LoRA (einsum_dense.py's
  /// `enable_lora`) the kernel frozen and `lora_kernel_a` (kernel's axes but the last, rank) and
  /// `lora_kernel_b` (rank, kernel's last axis).
  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let a = try analysis(input)
    let kernel = try definedShape(a.kernel, "kernel")
    var w = [try Weight("kernel", kernel, trainable: lora == nil)]
    if let b = a.bias { w.append(try Weight("bias", try definedShape(b, "bias"))) }
    if let r = lora, let last = kernel.last {
      w.append(try Weight("lora_kernel_a", kernel.dropLast() + [r]))
      w.append(try Weight("lora_kernel_b", [r, last]))
    }
    // An output with a size 0 holds no numbers: refused, as a layer whose output is empty.
    if let bad = a.output.compactMap({ $0 }).first(where: { $0 <= 0 }) {
      throw .reason(
        "the output shape would have a size \(bad): computed output size would be zero or "
          + "negative")
    }
    return try Inference(output: Shape(Array(a.output.dropFirst())), weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    guard let a = try? analysis(input) else {
      return Explanation(formula: "0", terms: [], shapeRule: "")
    }
    let e = equation
    let inKernel = Set(e.weight)
    let inOutput = Set(e.output)
    let inInput = Set(e.input)
    func n(_ d: Character) -> Int { (a.size[d] ?? nil) ?? 0 }
    // The kernel's letters, then the bias's (those not 1), then LoRA's.
    let kernelSymbols = e.weight.map(String.init)
    var formula = kernelSymbols.joined(separator: " * ")
    var biasLetters: [Character] = []
    if let axes = biasAxes {
      // The bias's axes of size 1 (those bias_axes does not name) add nothing to the product.
      biasLetters = e.output.filter { axes.contains($0) }
      formula += " + " + biasLetters.map(String.init).joined(separator: " * ")
    }
    if lora != nil, let lastSymbol = e.weight.last.map(String.init) {
      let front = e.weight.dropLast().map(String.init).joined(separator: " * ")
      formula +=
        e.weight.count == 1
        ? " + (1 + \(lastSymbol)) * lora_rank" : " + (\(front) + \(lastSymbol)) * lora_rank"
    }
    // A letter given more than once names several axes, which may differ: each is said.
    func list(_ sizes: [Int?]) -> String {
      let words = sizes.map { $0.map(Format.thousands) ?? "None" }
      guard words.count > 1 else { return words.joined() }
      return words.dropLast().joined(separator: ", ") + " and " + words.last!
    }
    func repeats(_ d: Character) -> String {
      var out = ""
      for (spec, sizes) in [("input", a.inputSizes[d] ?? []), ("output", a.outputSizes[d] ?? [])]
      where sizes.count > 1 {
        out +=
          Set(sizes.map { $0 ?? -1 }).count == 1
          ? "; '\(d)' names \(sizes.count) \(spec) axes, each of \(list([sizes[0]]))"
          : "; '\(d)' names \(sizes.count) \(spec) axes, of \(list(sizes)), and Keras reads the last"
      }
      return out
    }
    // One term per letter of the formula, in the order it first appears.
    var terms: [Term] = []
    var named = Set<Character>()
    for d in e.weight + biasLetters where named.insert(d).inserted {
      let role: String
      let source: Term.Source
      if inOutput.contains(d) && !inInput.contains(d) {
        role = "a new axis of the output, from the kernel (output_shape)"
        source = .argument
      } else if inInput.contains(d) && !inOutput.contains(d) {
        role = "an input axis the kernel contracts: summed over, not in the output"
        source = .inputShape
      } else if inInput.contains(d) {
        role = "an input axis kept in the output, with its own weights at each of its positions"
        source = .inputShape
      } else {
        role = "an output axis"
        source = .argument
      }
      if inKernel.contains(d) {
        terms.append(Term(String(d), n(d), source, "axis '\(d)': \(role)" + repeats(d)))
      } else {
        terms.append(
          Term(
            String(d), n(d), .argument,
            "axis '\(d)': an output axis the kernel does not have, with a bias along it "
              + "(bias_axes; its size from output_shape)" + repeats(d)))
      }
    }
    if let r = lora {
      terms.append(
        Term(
          "lora_rank", r, .argument,
          "the rank of the LoRA update: lora_kernel_a has the kernel's axes but the last, then "
            + "lora_rank; lora_kernel_b lora_rank × the last; both are trained"))
    }
    // The shape rule: the equation read axis by axis.
    func sized(_ ds: [Character], from spec: String = "input") -> String {
      ds.map { d in
        let sizes = (spec == "input" ? a.inputSizes[d] : a.outputSizes[d]) ?? []
        if sizes.count > 1 {
          let same = Set(sizes.map { $0 ?? -1 }).count == 1
          return same
            ? "\(d) = \(list([sizes[0]])) (each of its \(sizes.count) \(spec) axes)"
            : "\(d) = \(list(sizes)) (its \(sizes.count) \(spec) axes; Keras reads the last)"
        }
        let batch = e.input.first == d && e.ellipsis != .left
        guard let n = a.size[d] ?? nil else { return batch ? "\(d) (the batch)" : "\(d) (None)" }
        return "\(d) = " + Format.thousands(n)
      }
      .joined(separator: ", ")
    }
    var seen = Set<Character>()
    let letters = (e.input + e.weight + e.output).filter { seen.insert($0).inserted }
    let contracted = letters.filter { inInput.contains($0) && !inOutput.contains($0) }
    let kept = letters.filter { inInput.contains($0) && inOutput.contains($0) }
    let new = letters.filter { !inInput.contains($0) && inOutput.contains($0) }
    let dots = e.ellipsis == .none ? "" : "..."
    var rule = [
      "\(input.description) -> \(inference.output.description)",
      "equation \(e.text): input axes \(e.ellipsis == .left ? dots : "")\(String(e.input))"
        + "\(e.ellipsis == .right ? dots : "") (batch first), kernel axes \(String(e.weight))",
    ]
    if !contracted.isEmpty {
      rule.append("contracted (summed over, not in the output): " + sized(contracted))
    }
    if !kept.isEmpty { rule.append("kept from the input: " + sized(kept)) }
    if !new.isEmpty {
      rule.append("new, from the kernel and output_shape: " + sized(new, from: "output"))
    }
    rule += repeatedLetterRules(a)
    // Keras keeps a None of output_shape as None, even where the input's size is known.
    for (i, d) in e.output.enumerated() where inInput.contains(d) {
      let at = i + (e.ellipsis == .left ? a.elided : 0)
      if let shown = pyIndex(a.output, at), shown == nil, at > 0, let known = a.size[d] ?? nil {
        rule.append(
          "output_shape gives None for '\(d)': Keras leaves it None in the output, though the "
            + "input's is \(Format.thousands(known))")
      }
    }
    if a.elided > 1 && e.ellipsis == .left {
      rule.append(
        "the ... stands for \(a.elided - 1) input \(a.elided == 2 ? "axis" : "axes") after the "
          + "batch, carried into the output"
          + (a.elided > 2
            ? "\n(Keras inserts them one by one right after the batch: in reverse order)" : "")
      )
    } else if a.elided > 0 && e.ellipsis != .left {
      rule.append(
        (a.elided == 1
          ? "the last input axis, not named by a letter, is carried to the end of the output"
          : "the \(a.elided) last input axes, not named by letters, are carried to the end of the output")
          + (biasAxes == nil ? "" : "\n(the bias gets a size 1 for each)"))
    }
    let kernelShape = inference.weights.first?.shape ?? []
    var notes = [
      "kernel \(shapeText(kernelShape)): one size per kernel letter '\(String(e.weight))'"
    ]
    if let b = inference.weights.first(where: { $0.name == "bias" }) {
      notes.append(
        "bias \(shapeText(b.shape)) on bias_axes=\(biasAxes ?? ""): it broadcasts over the "
          + "output's other axes" + (b.shape.contains(1) ? " (the axes of size 1)" : ""))
    } else {
      notes.append("no bias: bias_axes is not given")
    }
    var parts: [Part] = []
    if let r = lora {
      notes.append(loraNote(r, frozen: "kernel"))
      parts = loraParts(inference.weights, frozen: "kernel")
    }
    return Explanation(
      formula: formula, terms: terms, shapeRule: rule.joined(separator: "\n"), notes: notes,
      parts: parts)
  }
}

extension EinsumDense {
  /// What einsum does with a letter given more than once in one spec: it reads the diagonal of
  /// those axes (an input's or the kernel's), or refuses it (the output's). Keras builds the
  /// layer all the same, so the count stands, and calling it may fail.
  func repeatedLetterRules(_ a: EinsumAnalysis) -> [String] {
    func times(_ n: Int) -> String { n == 2 ? "twice" : "\(n) times" }
    func count(_ spec: [Character], _ d: Character) -> Int { spec.filter { $0 == d }.count }
    var seen = Set<Character>()
    var out: [String] = []
    let e = equation
    for d in e.input where seen.insert(d).inserted && count(e.input, d) > 1 {
      let sizes = (a.inputSizes[d] ?? []).compactMap { $0 }
      let differ = sizes.count == count(e.input, d) && Set(sizes).count > 1
      out.append(
        "'\(d)' \(times(count(e.input, d))) in the input: einsum reads the diagonal of those axes, "
          + "which needs them of one size"
          + (differ ? " (here they differ: Keras builds the layer, and calling it fails)" : ""))
    }
    seen = []
    for d in e.weight where seen.insert(d).inserted && count(e.weight, d) > 1 {
      out.append(
        "'\(d)' \(times(count(e.weight, d))) in the kernel: each of those axes has the size of "
          + "'\(d)' and every weight is counted, though einsum reads only their diagonal")
    }
    seen = []
    for d in e.output where seen.insert(d).inserted && count(e.output, d) > 1 {
      out.append(
        "'\(d)' \(times(count(e.output, d))) in the output: Keras builds the layer, but einsum "
          + "refuses a letter repeated in the output, so calling it fails")
    }
    return out
  }
}

/// A shape as Python writes a tuple: `(16, 8)`, `(8,)`, `()`.
func shapeText(_ s: [Int]) -> String {
  "(" + s.map(String.init).joined(separator: ", ") + (s.count == 1 ? ",)" : ")")
}

let einsumFamily = LayerFamily(
  "Einsum",
  note: """
    EinsumDense computes `einsum(equation, input, kernel)` (plus a bias): the equation \
    `abc,cd->abd` names the input's axes (the batch first), the kernel's and the output's, one \
    letter per axis; the count is written with the equation's letters, each standing for the \
    size of its axis. A kernel letter takes its size from `output_shape` when it is in the output \
    (a new axis), else from the input (a contracted axis, summed over). `bias_axes` names output \
    letters; the bias runs from the first of them to the last output axis, with size 1 on the \
    axes it does not name. `...` stands for input axes the letters do not name, carried into the \
    output (`_analyze_einsum_string` in `layers/core/einsum_dense.py`; Keras keeps a None of \
    `output_shape` as None, and inserts left-elided axes in reverse order).
    """)
