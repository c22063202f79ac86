// Core layers that pass their input through: Identity and Masking, and the weightless model
// that they, Dropout, Activation and the other shape-keeping layers share.
// Source: keras/src/layers/core/identity.py, masking.py (Keras 3).

let passThroughExamples = [
  LayerExample("(10,6)", "add identity"), LayerExample("(10,6)", "add masking"),
]

enum PassThroughArguments {
  static let maskValue = ArgumentSpec(
    "mask_value", .number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude),
    default: 0.0, .neither, "a step whose features all equal it is masked")
}

let passThroughLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "Identity", family: "Core", summary: "passes its input through unchanged; no weights",
    source: "layers/core/identity.py", arguments: [],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      Identity(typeName: "Identity", why: "Identity has no weights: it returns its input as it is.")
    }),
  LayerDescriptor(
    name: "Masking", family: "Core",
    summary:
      "marks the steps whose features all equal mask_value, for the layers after it to skip; no weights",
    source: "layers/core/masking.py", arguments: [PassThroughArguments.maskValue],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      _ = try r.number(PassThroughArguments.maskValue)
      return Identity(
        typeName: "Masking",
        why:
          "Masking has no weights: it passes its input through and attaches a mask (a step whose features all equal mask_value is skipped by the layers that read masks, such as LSTM)."
      )
    }),
]

/// A layer without weights that keeps the shape of its input (Dropout, Activation, ReLU, ...).
struct Identity: LayerModel {
  let typeName: String
  let why: String

  func infer(_ input: Shape) throws(Refusal) -> Inference { try Inference(output: input) }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    .noWeights(why, shapeRule: "output shape = input shape \(input.description)")
  }
}
