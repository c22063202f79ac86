// Normalization family, continued: RMSNormalization, and Normalization (the preprocessing layer
// that standardises each feature with a mean and a variance found by adapt()).
// Source: keras/src/layers/normalization/rms_normalization.py and
// keras/src/layers/preprocessing/normalization.py (Keras 3).

let featureNormalizationExamples = [
  LayerExample("(10,6)", "add rmsnormalization"),
  LayerExample("(10,6)", "add normalization"),
]

/// The arguments of RMSNormalization and Normalization, each declared once.
enum FeatureNormalizationArguments {
  static let rmsAxis = ArgumentSpec(
    "axis", .integerTuple, default: -1, .count, "the axis (or axes) normalised")
  /// Normalization's axis: the axes that keep a mean and a variance of their own (None: one of
  /// each for everything).
  static let statisticsAxis = ArgumentSpec(
    "axis", .integerTuple, default: -1, .count,
    "the axis (or axes) with a mean and a variance per position; None: one of each in all")
  static let mean = ArgumentSpec(
    "mean", .number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude),
    default: .none, .count, "a fixed mean (with variance): then nothing is stored as a weight")
  static let variance = ArgumentSpec(
    "variance", .number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude),
    default: .none, .count, "a fixed variance (with mean): then nothing is stored as a weight")
}

let featureNormalizationLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "RMSNormalization", family: "Normalization",
    summary:
      "divides each sample by the root mean square of its features; learns one scale per feature",
    source: "layers/normalization/rms_normalization.py",
    arguments: [FeatureNormalizationArguments.rmsAxis], inert: ["epsilon"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      FeatureNormalization(
        kind: .rms, axes: try r.intTuple(FeatureNormalizationArguments.rmsAxis).values)
    }),
  LayerDescriptor(
    name: "Normalization", family: "Normalization",
    summary:
      "standardises each feature with a mean and a variance set by adapt(), kept as non-trainable weights",
    source: "layers/preprocessing/normalization.py",
    arguments: [
      FeatureNormalizationArguments.statisticsAxis, FeatureNormalizationArguments.mean,
      FeatureNormalizationArguments.variance,
    ],
    inert: ["invert"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let axes = try r.optionalIntTuple(FeatureNormalizationArguments.statisticsAxis)
      let given = r.given
      let hasMean = try r.optionalNumber(FeatureNormalizationArguments.mean) != nil
      let hasVariance = try r.optionalNumber(FeatureNormalizationArguments.variance) != nil
      if hasMean != hasVariance {
        // Keras: "When setting `mean` or `variance`, both must be set."
        throw .invalidValue(
          argument: hasMean ? "mean" : "variance",
          message: "mean and variance are given together or not at all",
          at: r.arguments.first { $0.key == (hasMean ? "mean" : "variance") }!.valueSpan)
      }
      // axis=None: one mean and one variance for all (an empty list of kept axes).
      let kept = given.keys.contains("axis") ? (axes?.values ?? []) : [-1]
      return FeatureNormalization(kind: .statistics(fixed: hasMean), axes: kept)
    }),
]

/// RMSNormalization (one learned scale per feature) and Normalization (a mean, a variance and a
/// count, all non-trainable, or nothing when they are given as constants).
struct FeatureNormalization: LayerModel {
  enum Kind: Equatable {
    case rms
    /// `fixed`: mean= and variance= were given, so no weights are made.
    case statistics(fixed: Bool)
  }
  let kind: Kind
  let axes: [Int]

  var typeName: String { kind == .rms ? "RMSNormalization" : "Normalization" }

  /// The sizes of the kept axes; every one must be known.
  func keptShape(_ input: Shape) throws(Refusal) -> [Int] {
    try knownAxisSizes(axes, input) {
      "axis \($0) of the input must have a known size to keep a \(kind == .rms ? "scale" : "mean and a variance") per position, but the input is \(input.description)"
    }
  }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let shape = try keptShape(input)
    switch kind {
    case .rms:
      return try Inference(output: input, weights: [try Weight("scale", shape)])
    case .statistics(let fixed):
      if fixed { return try Inference(output: input) }
      return try Inference(
        output: input,
        weights: [
          try Weight("mean", shape, trainable: false),
          try Weight("variance", shape, trainable: false),
          try Weight("count", [], trainable: false),
        ])
    }
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let shape = (try? keptShape(input)) ?? []
    let n = (try? Checked.product(shape)) ?? 0
    let axisText = axes.map(String.init).joined(separator: ",")
    let size =
      shape.isEmpty
      ? "axis=None: one for the whole input"
      : shape.count > 1
        ? "the sizes of the kept axes (\(axisText)) of the input: "
          + shape.map(Format.thousands).joined(separator: " × ") + " = \(Format.thousands(n))"
        : "the size of the axis (\(axisText)) of the input"
    let rule = "output shape = input shape \(input.description)"
    switch kind {
    case .rms:
      return Explanation(
        formula: "scale * features",
        terms: [
          Term(
            "scale", 1, .constant,
            "one learned scale per feature; RMSNormalization learns no offset (no beta)"),
          Term("features", n, .inputShape, size),
        ],
        shapeRule: rule,
        notes: [
          "each sample is divided by the root mean square of its features, then multiplied by the scale"
        ])
    case .statistics(let fixed):
      if fixed {
        return .noWeights(
          "Normalization with mean= and variance= given keeps them as constants, not as weights.",
          shapeRule: rule)
      }
      return Explanation(
        formula: "(mean + variance) * features + count",
        terms: [
          Term("mean", 1, .constant, "one mean per feature, set by adapt() before training"),
          Term("variance", 1, .constant, "one variance per feature, set by adapt() likewise"),
          Term("features", n, .inputShape, size),
          Term("count", 1, .constant, "one number: how many samples adapt() has seen"),
        ],
        shapeRule: rule,
        notes: [
          "all three are non-trainable: adapt() computes them from data; backpropagation never changes them"
        ])
    }
  }
}
