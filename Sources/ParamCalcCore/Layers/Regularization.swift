// Regularization family, continued: AlphaDropout and ActivityRegularization, which keep the shape
// and have no weights. (SpatialDropout, GaussianNoise and GaussianDropout are in Reshaping.swift.)
// Source: keras/src/layers/regularization/alpha_dropout.py, activity_regularization.py (Keras 3).

let regularizationExamples = [
  LayerExample("(10,6)", "add alphadropout rate=0.1"),
  LayerExample("(10,6)", "add activityregularization l1=0.01"),
]

/// The arguments of AlphaDropout and ActivityRegularization, each declared once.
enum RegularizationArguments {
  /// Keras: "Invalid value received for argument `rate`. Expected a float value between 0 and 1."
  static let alphaRate = ArgumentSpec(
    "rate", .number(0...1), default: .required, .neither, "fraction of inputs dropped, 0 to 1")
  static func penalty(_ name: String, _ what: String) -> ArgumentSpec {
    ArgumentSpec(
      name, .number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude),
      default: 0.0, .neither, "weight of the \(what) penalty on the activations added to the loss")
  }
  static let l1 = penalty("l1", "L1 (sum of absolute values)")
  static let l2 = penalty("l2", "L2 (sum of squares)")
}

let moreRegularizationLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "AlphaDropout", family: "Regularization",
    summary:
      "dropout that keeps the mean and variance of its inputs (for SELU networks); no weights",
    source: "layers/regularization/alpha_dropout.py",
    arguments: [RegularizationArguments.alphaRate], inert: ["noise_shape", "seed"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let rate = try r.number(
        RegularizationArguments.alphaRate, example: regularizationExamples[0].add)
      return Identity(
        typeName: "AlphaDropout",
        why:
          "AlphaDropout has no weights: during training it sets a random fraction \(Value.format(rate)) of its inputs to SELU's negative saturation value and rescales so that the mean and variance are kept; at inference it passes its input through."
      )
    }),
  LayerDescriptor(
    name: "ActivityRegularization", family: "Regularization",
    summary: "adds a penalty on its inputs' size to the loss; passes them through; no weights",
    source: "layers/regularization/activity_regularization.py",
    arguments: [RegularizationArguments.l1, RegularizationArguments.l2],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      // It sets its own activity_regularizer from l1 and l2 (activity_regularization.py).
      try r.refuse(["activity_regularizer"])
      _ = try r.number(RegularizationArguments.l1)
      _ = try r.number(RegularizationArguments.l2)
      return Identity(
        typeName: "ActivityRegularization",
        why:
          "ActivityRegularization has no weights: it adds l1 × sum(|x|) + l2 × sum(x²) of its inputs to the training loss and passes them through unchanged."
      )
    }),
]
