// The layers keras.applications defines for its own models, which keras.layers does not
// export: CustomScaleLayer (InceptionResNetV2: a shortcut plus a scaled residual, no weights)
// and LayerScale (ConvNeXt: each channel multiplied by a learned factor, `gamma`). A model file
// names them by their module, keras.src.applications.*; `import` reads them, and the prompt
// places them as any layer (`add layerscale init_values=1e-6 projection_dim=96`).
// Source: keras/src/applications/inception_resnet_v2.py, keras/src/applications/convnext.py
// (Keras 3).

let applicationLayerExamples = [
  LayerExample("(4,8)", "add customscalelayer scale=0.17 from input,input"),
  LayerExample("(56,56,96)", "add layerscale init_values=1e-6 projection_dim=96"),
]

let applicationLayerFamily = LayerFamily(
  "Applications",
  note: """
    Layers that keras.applications defines for its own models, not exported by keras.layers: \
    CustomScaleLayer (InceptionResNetV2) reads two tensors and gives the first plus the second \
    times `scale`, without weights; LayerScale (ConvNeXt) multiplies each element by a learned \
    factor of its channel, `gamma`, of `projection_dim` numbers. Their shapes are broadcast \
    as the backend does when Keras traces them: equal sizes, or a 1 repeated to match.
    """)

/// The arguments of the applications' layers, each declared once.
enum ApplicationLayerArguments {
  /// CustomScaleLayer(scale): no default.
  static let scale = ArgumentSpec(
    "scale", .number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude),
    default: .required, .neither, "the factor the second tensor is multiplied by")
  /// LayerScale(init_values, projection_dim): no defaults.
  static let initValues = ArgumentSpec(
    "init_values", .number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude),
    default: .required, .neither, "the value every factor of gamma starts at")
  static let projectionDim = ArgumentSpec(
    "projection_dim", .integer(min: 0), default: .required, .count,
    "the number of factors in gamma (the channels of the input)")
}

let applicationLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "CustomScaleLayer", family: "Applications",
    summary: "InceptionResNetV2's sum: the first tensor plus the second times scale; no weights",
    source: "applications/inception_resnet_v2.py", arguments: [ApplicationLayerArguments.scale],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      CustomScaleLayer(
        scale: try r.number(
          ApplicationLayerArguments.scale, example: applicationLayerExamples[0].add))
    }),
  LayerDescriptor(
    name: "LayerScale", family: "Applications",
    summary: "ConvNeXt's learned factor per channel, gamma, multiplying its input",
    source: "applications/convnext.py",
    arguments: [ApplicationLayerArguments.initValues, ApplicationLayerArguments.projectionDim],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let example = applicationLayerExamples[1].add
      _ = try r.number(ApplicationLayerArguments.initValues, example: example)
      return LayerScale(
        projectionDim: try r.int(ApplicationLayerArguments.projectionDim, example: example))
    }),
]

/// Two shapes (batch axis included) broadcast as the JAX backend does when Keras traces a
/// layer's call: aligned from the last axis, a missing axis is 1; a 1 takes the other size;
/// None and None stay None; any other two sizes must be equal (None against a size is refused).
func tracedBroadcast(_ a: [Int?], _ b: [Int?], layer: String) throws(Refusal) -> [Int?] {
  let n = max(a.count, b.count)
  let s1 = [Int?](repeating: 1, count: n - a.count) + a
  let s2 = [Int?](repeating: 1, count: n - b.count) + b
  var out: [Int?] = []
  for (x, y) in zip(s1, s2) {
    if x == 1 {
      out.append(y)
    } else if y == 1 || x == y {
      out.append(x)
    } else {
      throw .reason(
        "Could not automatically infer the output shape / dtype of '\(layer)': incompatible shapes for broadcasting: \(Format.pythonShape(a)) and \(Format.pythonShape(b)) (\(Format.pythonDim(x)) against \(Format.pythonDim(y)))"
      )
    }
  }
  return out
}

/// CustomScaleLayer: `inputs[0] + inputs[1] * scale`.
struct CustomScaleLayer: MergeModel {
  let scale: Double
  var typeName: String { "CustomScaleLayer" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    throw .reason(
      "CustomScaleLayer reads two tensors (inputs[0] + inputs[1] * scale): name them with 'from a,b'"
    )
  }

  func infer(inputs: [Shape]) throws(Refusal) -> Inference {
    guard inputs.count >= 2 else { return try infer(inputs[0]) }
    let full = try tracedBroadcast(
      [nil] + inputs[0].dims, [nil] + inputs[1].dims, layer: "CustomScaleLayer")
    return try Inference(output: Shape(Array(full.dropFirst())))
  }

  func explain(inputs: [Shape], _ inference: Inference) -> Explanation {
    .noWeights(
      "CustomScaleLayer has no weights: it gives its first input plus its second times scale = \(Value.float(scale).script), element by element"
        + (inputs.count > 2 ? " (it reads the first two of its inputs)." : "."),
      shapeRule:
        "output shape \(inference.output.description) from \(Self.listed(Array(inputs.prefix(2)))), aligned from the last axis: equal sizes, or a 1 repeated to match"
    )
  }
}

/// LayerScale: `x * gamma`, gamma of shape (projection_dim,).
struct LayerScale: LayerModel {
  let projectionDim: Int
  var typeName: String { "LayerScale" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let full = try tracedBroadcast([nil] + input.dims, [projectionDim], layer: "LayerScale")
    // Keras names the weight it makes without a name `variable`.
    return try Inference(
      output: Shape(Array(full.dropFirst())), weights: [Weight("variable", [projectionDim])])
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    Explanation(
      formula: "projection_dim",
      terms: [
        Term(
          "projection_dim", projectionDim, .argument,
          "the number of factors in gamma, one per channel of the last axis")
      ],
      shapeRule:
        "output shape \(inference.output.description): the input \(input.description) times gamma \(Format.pythonShape([projectionDim])), aligned from the last axis (its last size must be projection_dim, or 1)",
      notes: [
        "gamma (Keras lists it as `variable`: the layer makes it without a name) has shape (projection_dim,) whatever the input: each element of the last axis is multiplied by its own learned factor, which starts at init_values."
      ])
  }
}
