// Pipeline: a list of layers applied one after another, as one layer:
// `add pipeline layers="rescaling scale=0.5; conv2d filters=4 kernel_size=3"`. Keras tracks the
// layers it holds, so their weights are the Pipeline's, in the order of the list.
// Source: keras/src/layers/preprocessing/pipeline.py.

enum PipelineArguments {
  static let layers = ArgumentSpec(
    "layers", .text("layers in quotes, separated by ';'"), default: .required, .count,
    "the layers, each written as 'add' writes it, applied one after another")
}

/// What every other layer takes (`commonInertArguments`) and Pipeline does not: its
/// `__init__(self, layers, name=None)` has no **kwargs.
let pipelineRefuses = ["dtype", "autocast", "activity_regularizer"]

let pipelineExample = LayerExample(
  "(10,10,3)", "add pipeline layers=\"rescaling scale=0.5; conv2d filters=4 kernel_size=3\"")

let pipelineDescriptor = LayerDescriptor(
  name: "Pipeline", family: "Pipeline",
  summary: "applies a list of layers one after another, as one layer",
  source: "layers/preprocessing/pipeline.py", arguments: [PipelineArguments.layers],
  make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
    try r.refuse(pipelineRefuses)
    let (text, span) = try r.text(PipelineArguments.layers, example: pipelineExample.add)
    return Pipeline(layers: try Pipeline.layers(text, at: span.start + 1))
  })

let pipelineLayers = [pipelineDescriptor]
let pipelineExamples = [pipelineExample]

struct Pipeline: LayerModel {
  struct Step: Sendable {
    let model: any LayerModel
    /// The layer's own arguments (inside the quotes).
    let given: Given
  }
  let layers: [Step]
  var typeName: String {
    "Pipeline(\(layers.map(\.model.typeName).joined(separator: ", ")))"
  }

  /// The layers of `text` (at column `column` of the line), separated by `;`; Keras fails on an
  /// empty list.
  static func layers(_ text: String, at column: Int) throws(ParamCalcError) -> [Step] {
    try QuotedLayers.each(
      text, at: column, argument: "layers",
      inList: "an empty layer in the list (layers are separated by ';')",
      alone: "a Pipeline needs at least one layer (Keras fails on an empty list)",
      hint: "e.g. layers=\"rescaling scale=0.5; centercrop height=8 width=8\""
    ) { (piece: String, at: Int) throws(ParamCalcError) -> Step in
      let q = try QuotedLayers.layer(
        piece, at: at, catalog: .standard, argument: "layers",
        expected: "a layer, e.g. \"rescaling scale=0.5\"")
      let model = q.built.spec.trainable ? q.built.model : Frozen(inner: q.built.model)
      return Step(model: model, given: Given(Set(q.built.spec.arguments.map(\.key))))
    }
  }

  /// Each layer's input and inference, in order.
  func steps(_ input: Shape) throws(Refusal) -> [(input: Shape, inference: Inference)] {
    var shape = input
    var out: [(input: Shape, inference: Inference)] = []
    for (k, l) in layers.enumerated() {
      let i: Inference
      do { i = try l.model.infer(shape) } catch {
        guard case .reason(let why) = error else { throw error }
        throw .reason(
          "the Pipeline's layer \(k + 1), \(l.model.typeName), on \(shape.description): \(why)")
      }
      out.append((shape, i))
      shape = i.output
    }
    return out
  }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let s = try steps(input)
    return try Inference(output: s.last!.inference.output, weights: s.flatMap(\.inference.weights))
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    guard let s = try? steps(input) else { return .noWeights("", shapeRule: "") }
    func times(_ expression: String) -> String { expression.replacing(" * ", with: " × ") }
    var terms: [Term] = []
    var parts: [Part] = []
    var notes: [String] = []
    var rule = input.description
    for (k, (l, step)) in zip(layers, s).enumerated() {
      let e = l.model.explain(step.input, step.inference, l.given)
      let count = Format.thousands(step.inference.params)
      let what =
        step.inference.weights.isEmpty
        ? "no weights" : "\(times(e.substituted)) = \(count)"
      terms.append(
        Term(
          "layer_\(k + 1)", step.inference.params, .derived,
          "\(l.model.typeName) on \(step.input.description): \(what)"))
      rule += " -> \(l.model.typeName) -> \(step.inference.output.description)"
      if !step.inference.weights.isEmpty {
        let own =
          e.parts.isEmpty
          ? step.inference.weights.map { Part.weight($0, $0.shape.map(String.init)) } : e.parts
        parts.append(Part.group("layer \(k + 1): \(l.model.typeName)", own))
      }
      // (A Pipeline inside says once that it has no weights of its own.)
      notes += e.notes.filter { !$0.isEmpty && $0 != Pipeline.own }.map {
        "layer \(k + 1): " + $0
      }
    }
    return Explanation(
      formula: (1...layers.count).map { "layer_\($0)" }.joined(separator: " + "), terms: terms,
      shapeRule: "each layer on the output of the one before: " + rule,
      notes: notes + [Pipeline.own], parts: parts)
  }

  static let own =
    "Pipeline has no weights of its own: Keras tracks the layers it holds, so their weights"
    + " are its own, in the order of the list"
}

let pipelineFamily = LayerFamily(
  "Pipeline",
  note: """
    Pipeline (`preprocessing/pipeline.py`) applies its layers one after another, each on the \
    output of the one before, as one layer: its output is the last layer's, and its weights are \
    its layers' weights, in the order of the list (Keras tracks the layers a layer holds), \
    trainable or not as each layer's are. It has none of its own. Each layer is written as \
    `add` writes it, the layers in quotes, separated by `;`.
    """)
