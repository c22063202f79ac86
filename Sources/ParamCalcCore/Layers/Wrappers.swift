// TimeDistributed: applies the same layer at every step of the second axis.
// Source: keras/src/layers/rnn/time_distributed.py (Keras 3). (Bidirectional is in Recurrent.swift.)

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
    var e = inner.explain(input, i, given)
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
    return TimeDistributed(inner: try inner.make(&r))
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
    e.notes.append(
      i.weights.isEmpty
        ? "the same \(inner.typeName) is applied at every step: it has no weights, so neither has the wrapper"
        : "one set of weights serves every step: the count is the wrapped layer's")
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
