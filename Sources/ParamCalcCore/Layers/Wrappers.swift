// TimeDistributed: applies the same layer at every step of the second axis.
// Source: keras/src/layers/rnn/time_distributed.py (Keras 3). (Bidirectional is in Recurrent.swift.)

let wrapperExamples = [LayerExample("(5,10,4)", "add timedistributed dense units=8")]

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
    wrapped layer's count.
    """)
