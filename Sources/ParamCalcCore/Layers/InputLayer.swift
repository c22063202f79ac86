// Core family: InputLayer, a tensor the model is given. `input NAME DIMS` adds one, named, so
// that a model can have several inputs (`from NAME` reads it); it reads nothing and has no
// weights. (The model's own input, `input DIMS`, is not a layer, as in a Sequential model.)
// Source: keras/src/layers/core/input_layer.py (Keras 3).

let inputLayerExample = LayerExample("(4,)", "add inputlayer shape=(28,28,1) as image")

enum InputLayerArguments {
  /// Keras: `InputLayer(shape=None, batch_size=None, ...)`; the shape without the batch.
  static let shape = ArgumentSpec(
    "shape", .partialShape, default: .required, .shape,
    "the tensor's shape without the batch axis, e.g. (28,28,1) or (None,16)")
}

let inputLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "InputLayer", family: "Core",
    summary: "a tensor the model is given (added by 'input NAME DIMS'); reads nothing; no weights",
    source: "layers/core/input_layer.py", arguments: [InputLayerArguments.shape],
    inert: ["batch_size", "sparse", "ragged", "optional"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      guard let a = r.take(InputLayerArguments.shape.name) else {
        throw r.missing(InputLayerArguments.shape.name, example: inputLayerExample.add)
      }
      return InputLayerModel(
        shape: try CommandParser.shape(from: a.value, at: a.valueSpan, what: "shape"))
    })
]

/// A model input: its output is its shape, whatever comes before it.
struct InputLayerModel: LayerModel {
  let shape: Shape
  var typeName: String { "InputLayer" }

  func infer(_ input: Shape) throws(Refusal) -> Inference { try Inference(output: shape) }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    .noWeights(
      "InputLayer has no weights: it stands for a tensor the model is given, which the layers that name it with 'from' read.",
      shapeRule: "output shape = its shape \(shape.description) (it reads no other tensor)")
  }
}
