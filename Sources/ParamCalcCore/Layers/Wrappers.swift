// The wrappers: TimeDistributed applies the same layer at every step of the second axis;
// SpectralNormalization keeps a layer's kernel's spectral norm at 1; Bidirectional runs a
// recurrent layer forwards and a second one backwards (a copy, or the `backward_layer` given).
// Sources: keras/src/layers/rnn/time_distributed.py, rnn/bidirectional.py,
// normalization/spectral_normalization.py (Keras 3).

let wrapperExamples = [
  LayerExample("(5,10,4)", "add timedistributed dense units=8"),
  LayerExample("(10,6)", "add spectralnormalization dense units=4"),
]

/// The types SpectralNormalization takes: those whose Keras class has a `kernel` or an
/// `embeddings` (spectral_normalization.py's build); Embedding first, Dense second (the
/// example of an error).
let spectralAccepts =
  ["Embedding", "Dense"] + (1...3).flatMap { ["Conv\($0)D", "Conv\($0)DTranspose"] }
  + (1...2).map { "DepthwiseConv\($0)D" }

let powerIterationsArgument = ArgumentSpec(
  "power_iterations", .integer(min: 1), default: 1, .neither,
  "power-iteration steps that estimate the largest singular value")

let spectralNormalizationDescriptor = LayerDescriptor(
  wrapper: "SpectralNormalization",
  summary:
    "divides the wrapped layer's kernel by its largest singular value at each training step",
  source: "layers/normalization/spectral_normalization.py",
  arguments: [powerIterationsArgument],
  accepts: spectralAccepts,
  wrap: {
    (inner: LayerDescriptor, r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
    _ = try r.int(powerIterationsArgument)
    return SpectralNormalization(inner: try inner.make(&r))
  })

/// The wrapped layer's weights, and after its kernel (or embeddings) `vector_u`, of shape
/// (1, the kernel's last dimension), non-trainable: the estimate of the kernel's first singular
/// vector, updated by power iteration, not by gradients.
struct SpectralNormalization: LayerModel {
  let inner: any LayerModel
  var typeName: String { "SpectralNormalization(\(inner.typeName))" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let i = try inner.infer(input)
    var w = i.weights
    guard let k = w.firstIndex(where: { $0.name == "kernel" || $0.name == "embeddings" }),
      let last = w[k].shape.last
    else {
      throw .reason("\(inner.typeName) has no kernel nor embeddings to normalise")
    }
    w.insert(try Weight("vector_u", [1, last], trainable: false), at: k + 1)
    return try Inference(output: i.output, weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let i = (try? inner.infer(input)) ?? inference
    let e = inner.explain(input, i, given)
    let last = inference.weights.first { $0.name == "vector_u" }?.shape.last ?? 0
    let table = inference.weights.contains { $0.name == "embeddings" }
    var terms = e.terms
    terms.append(
      Term(
        "vector_u", last, .derived,
        "the last dimension of the \(table ? "embeddings table" : "kernel"): one non-trainable vector of that length estimates its first singular vector"
      ))
    var parts = e.parts
    if !parts.isEmpty, let u = inference.weights.first(where: { $0.name == "vector_u" }) {
      parts.append(.weight(u, ["\(last)"], detail: "non-trainable"))
    }
    return Explanation(
      formula: "(\(e.formula)) + vector_u", terms: terms, shapeRule: e.shapeRule,
      notes: e.notes + [
        "vector_u is non-trainable: power iteration updates it during training, not backpropagation"
      ], parts: parts)
  }
}

let timeDistributedDescriptor = LayerDescriptor(
  wrapper: "TimeDistributed",
  summary: "applies one layer, with one set of weights, to every step of the time axis",
  source: "layers/rnn/time_distributed.py, layers/core/wrapper.py", arguments: [], accepts: nil,
  wrap: {
    (inner: LayerDescriptor, r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
    if inner.isWrapper {
      throw .invalidValue(
        argument: "TimeDistributed", message: "wraps one layer, not another wrapper", at: r.end)
    }
    return TimeDistributed(inner: try refuseStates(inner.make(&r), in: "TimeDistributed", &r))
  })

struct TimeDistributed: LayerModel {
  let inner: any LayerModel
  var typeName: String { "TimeDistributed(\(inner.typeName))" }

  func step(_ input: Shape) -> Shape { Shape(Array(input.dims.dropFirst())) }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    if input.rank < 2 {
      throw .reason(
        "TimeDistributed needs an input of rank 3 or more (batch, time, ...), found rank \(input.rank + 1) with shape \(input.description)"
      )
    }
    let s = step(input)
    let one: Inference
    do { one = try inner.infer(s) } catch {
      // The wrapped layer's reason names the shape of one step, which the user never typed:
      // say where it comes from.
      guard case .reason(let why) = error else { throw error }
      let steps = input.dims[0].map { "each of the \(Format.thousands($0)) steps" } ?? "each step"
      throw .reason(
        "TimeDistributed applies \(inner.typeName) to \(steps) of \(input.description) separately, each of shape \(s.description) (the input without its time axis): \(why)"
      )
    }
    return try Inference(output: Shape([input.dims[0]] + one.output.dims), weights: one.weights)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let s = step(input)
    let i = (try? inner.infer(s)) ?? inference
    var e = inner.explain(s, i, given)
    e.shapeRule =
      "the time axis (\(input.dims[0].map(String.init) ?? "None")) is kept and \(inner.typeName) applied at each step; "
      + e.shapeRule
    let note =
      i.weights.isEmpty
      ? "the same \(inner.typeName) is applied at every step: it has no weights, so neither has the wrapper"
      : "one set of weights serves every step: the count is the wrapped layer's"
    // (A TimeDistributed inside another says it once.)
    if !e.notes.contains(note) { e.notes.append(note) }
    return e
  }
}

let wrapperFamily = LayerFamily(
  "Wrapper",
  note: """
    Bidirectional (`rnn/bidirectional.py`) holds a forward layer and a backward layer of the \
    same configuration, each with its own weights (the forward ones listed first): twice the \
    wrapped layer's count. `merge_mode=concat` doubles the last axis; `sum`, `mul` and `ave` \
    keep it. TimeDistributed applies one layer, with one set of weights, at every step: the \
    wrapped layer's count. SpectralNormalization (`normalization/spectral_normalization.py`; \
    Miyato et al. 2018) divides the wrapped layer's kernel (or embeddings) by its largest \
    singular value, estimated by power iteration with a non-trainable `vector_u` of shape \
    (1, the kernel's last dimension), listed right after the kernel.
    """)

let wrapperLayers: [LayerDescriptor] = [
  bidirectionalDescriptor, timeDistributedDescriptor, spectralNormalizationDescriptor,
]

let bidirectionalDescriptor = LayerDescriptor(
  wrapper: "Bidirectional",
  summary:
    "runs a recurrent layer forwards and a second one, with its own weights, backwards; merges the two outputs",
  source: "layers/rnn/bidirectional.py",
  arguments: [RecurrentArguments.mergeMode, RecurrentArguments.backwardLayer],
  inert: ["weights"],
  accepts: [
    "SimpleRNN", "LSTM", "GRU", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "RNN",
  ],
  wrap: {
    (inner: LayerDescriptor, r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
    let mode = try r.choice(RecurrentArguments.mergeMode)
    let given = r.arguments
    let backwardArgument = r.take(RecurrentArguments.backwardLayer.name)
    let forward = try refuseStates(inner.make(&r), in: "Bidirectional", &r)
    // backward_layer=None is Keras's default: a copy of the forward layer.
    guard let b = backwardArgument, b.value != .none else {
      return Bidirectional(inner: forward, mergeMode: mode)
    }
    return Bidirectional(
      inner: forward, mergeMode: mode, backward: try backwardLayer(b, forward: given))
  })

/// The layer `backward_layer="gru units=4 go_backwards=true"` describes, built as `add` builds
/// one (its errors point into the line), and checked as Keras's Bidirectional checks it: a
/// recurrent layer, with `go_backwards` unlike the forward layer's and the same
/// `return_sequences`.
func backwardLayer(_ a: Argument, forward: [Argument]) throws(ParamCalcError) -> any LayerModel {
  let expected = "a recurrent layer, e.g. \"gru units=8 go_backwards=true\""
  let text = try a.quotedText(expected: expected)
  // The text starts one column after the value's first column (its quote or parenthesis).
  let q = try QuotedLayers.layer(
    text, at: a.valueSpan.start + 1, catalog: .standard, argument: a.key, expected: expected)
  let (request, built, shift) = (q.request, q.built, q.shift)
  guard let accepts = bidirectionalDescriptor.accepts, accepts.contains(built.spec.type),
    request.inner == nil
  else {
    throw .invalidValue(
      argument: a.key,
      message:
        "must be a recurrent layer (\(bidirectionalDescriptor.accepts?.joined(separator: ", ") ?? "")), not \(built.spec.type)",
      at: request.typeSpan.shifted(by: shift))
  }
  func flag(_ key: String, _ arguments: [Argument]) -> Bool {
    arguments.first { $0.key == key }?.value == .bool(true)
  }
  if flag("go_backwards", forward) == flag("go_backwards", request.arguments) {
    let both = flag("go_backwards", forward)
    throw .invalidValue(
      argument: a.key,
      message:
        "the forward and backward layers must have different go_backwards values (both are \(both))",
      at: a.valueSpan,
      hint: both
        ? "leave go_backwards out of the forward layer: the backward one reads the steps in reverse"
        : "give the backward layer go_backwards=true")
  }
  if flag("return_sequences", forward) != flag("return_sequences", request.arguments) {
    throw .invalidValue(
      argument: a.key,
      message: "the forward and backward layers must have the same return_sequences",
      at: a.valueSpan, hint: returnSequencesHint(a, text, forward: forward))
  }
  // `trainable=false` on the backward layer freezes its weights only (Keras honours it there).
  return built.spec.trainable ? built.model : Frozen(inner: built.model)
}

/// A layer inside another whose weights do not train (a backward layer given trainable=false).
struct Frozen: LayerModel {
  let inner: any LayerModel
  var typeName: String { inner.typeName }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let i = try inner.infer(input)
    return try Inference(
      output: i.output,
      weights: i.weights.map { w in
        var frozen = w
        frozen.trainable = false
        return frozen
      })
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    var e = inner.explain(input, inference, given)
    e.notes.append("trainable=false: its weights are counted, and not trained")
    return e
  }
}

struct Bidirectional: LayerModel {
  let inner: any LayerModel
  let mergeMode: String
  /// The layer given as `backward_layer`; nil: a copy of `inner`, with its own weights.
  var backward: (any LayerModel)? = nil
  var typeName: String { "Bidirectional(\(inner.typeName))" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let one = try inner.infer(input)
    // Keras's output shape is the forward layer's, merged as if the two were alike (so a
    // backward layer of other units changes the weights, not the shape).
    let other = try backward.map { b throws(Refusal) in try b.infer(input) } ?? one
    var out = one.output
    if mergeMode == "concat" {
      guard let last = out.last else {
        throw .reason("the wrapped layer's output has no known last dimension")
      }
      do { out = out.replacingLast(with: try Checked.multiply(last, 2)) } catch {
        throw .overflow("the output size")
      }
    }
    return try Inference(output: out, weights: one.weights + other.weights)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let half = (try? inner.infer(input)) ?? inference
    let e = inner.explain(input, half, given)
    if let backward { return explainTwo(backward, input, inference, half, e, given) }
    var terms = [
      Term(
        "directions", 2, .constant,
        "a forward layer and a backward layer of the same configuration, each with its own weights"
      )
    ]
    terms += e.terms
    let merged: String
    switch mergeMode {
    case "concat": merged = "concat joins the two outputs, doubling the last dimension"
    case "sum": merged = "sum adds the two outputs"
    case "mul": merged = "mul multiplies the two outputs"
    default: merged = "ave averages the two outputs"
    }
    return Explanation(
      formula: "directions * (\(e.formula))", terms: terms,
      shapeRule:
        "merge_mode=\(mergeMode): \(input.description) -> \(inference.output.description)\n"
        + merged,
      notes: e.notes + ["the weights are listed twice, forward layer first, as Keras lists them"],
      parts: parts(e, half))
  }

  /// With `backward_layer`: two layers, each explained by its own formula, added.
  func explainTwo(
    _ backward: any LayerModel, _ input: Shape, _ inference: Inference, _ half: Inference,
    _ e: Explanation, _ given: Given
  ) -> Explanation {
    // The backward layer's own arguments are not on the line: all its terms show as given.
    guard let other = try? backward.infer(input) else { return .noWeights("", shapeRule: "") }
    let b = backward.explain(input, other, Given([]))
    func times(_ expression: String) -> String { expression.replacing(" * ", with: " × ") }
    func one(_ e: Explanation, _ inf: Inference) -> [Part] {
      e.parts.isEmpty ? inf.weights.map { Part.weight($0, $0.shape.map(String.init)) } : e.parts
    }
    return Explanation(
      formula: "forward + backward",
      terms: [
        Term(
          "forward", half.params, .derived,
          "the forward \(inner.typeName)'s weights: \(times(e.substituted)) = \(Format.thousands(half.params))"
        ),
        Term(
          "backward", other.params, .derived,
          "backward_layer, its own \(backward.typeName): \(times(b.substituted)) = \(Format.thousands(other.params))"
        ),
      ],
      shapeRule:
        "merge_mode=\(mergeMode): \(input.description) -> \(inference.output.description)\n"
        + "Keras gives the forward layer's output, merged as if the backward one were alike",
      notes: [
        "the forward layer's weights come first, then the backward layer's, as Keras lists them"
      ]
        + (other.output == half.output
          ? []
          : [
            "the two directions give \(half.output.description) and \(other.output.description): Keras"
              + " reports the shape as if they were alike, but on data concat joins the two widths"
              + " and sum, mul and ave need outputs of the same shape"
          ]),
      parts: [
        Part.group(
          "forward \(inner.typeName)", one(e, half), detail: "reads the steps first to last"),
        Part.group(
          "backward \(backward.typeName)", one(b, other), detail: "reads the steps last to first"),
      ])
  }

  /// The forward layer and the backward layer, each with its own weights and subtotal.
  func parts(_ e: Explanation, _ half: Inference) -> [Part] {
    let one =
      e.parts.isEmpty ? half.weights.map { Part.weight($0, $0.shape.map(String.init)) } : e.parts
    return [
      Part.group("forward \(inner.typeName)", one, detail: "reads the steps first to last"),
      Part.group(
        "backward \(inner.typeName)", one,
        detail: "its own weights, of the same shapes; reads the steps last to first"),
    ]
  }
}

/// A wrapped layer with `return_state=true`: the wrapper would return its states too (a
/// Bidirectional, the two directions' four), which paramcalc does not name yet: refused.
func refuseStates(_ m: any LayerModel, in wrapper: String, _ r: inout ArgumentReader)
  throws(ParamCalcError) -> any LayerModel
{
  guard m.returnsStates else { return m }
  throw .invalidValue(
    argument: "return_state",
    message:
      "\(wrapper) around a layer with return_state=true returns several tensors; paramcalc reads the states of SimpleRNN, GRU, LSTM and ConvLSTM layers themselves, not through \(wrapper)",
    at: r.arguments.first { $0.key == "return_state" }?.valueSpan ?? r.end)
}
