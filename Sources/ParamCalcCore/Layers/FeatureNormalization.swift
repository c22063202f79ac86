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
    "mean", .numberArray, default: .none, .count,
    "a fixed mean (with variance), one for all or one per position of the last kept axes: "
      + "then nothing is stored as a weight")
  static let variance = ArgumentSpec(
    "variance", .numberArray, default: .none, .count,
    "a fixed variance (with mean), shaped as mean: then nothing is stored as a weight")
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
      let mean = try r.optionalArrayShape(FeatureNormalizationArguments.mean)
      let variance = try r.optionalArrayShape(FeatureNormalizationArguments.variance)
      if (mean == nil) != (variance == nil) {
        // Keras: "When setting values directly, both `mean` and `variance` must be set."
        let (name, span) = mean.map { ("mean", $0.span) } ?? ("variance", variance!.span)
        throw .invalidValue(
          argument: name, message: "mean and variance are given together or not at all",
          at: span)
      }
      // axis=None: one mean and one variance for all (an empty list of kept axes).
      let kept = given.keys.contains("axis") ? (axes?.values ?? []) : [-1]
      if let mean, let variance {
        if mean.shape != variance.shape {
          throw .invalidValue(
            argument: "variance",
            message:
              "mean and variance must have the same shape: mean has \(shapeText(mean.shape)), "
              + "variance \(shapeText(variance.shape))",
            at: variance.span)
        }
        if mean.shape.count > kept.count {
          throw .invalidValue(
            argument: "mean",
            message:
              "mean of shape \(shapeText(mean.shape)) has more axes than the \(kept.count) kept "
              + "(axis=\(kept.isEmpty ? "None" : shapeText(kept))): Keras takes at most one per kept axis",
            at: mean.span,
            hint: kept.isEmpty
              ? "with axis=None, give one number for all" : "give one number per position")
        }
      }
      return FeatureNormalization(
        kind: .statistics(fixed: mean != nil), axes: kept, fixedShape: mean?.shape ?? [])
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
  /// The shape of a fixed mean and variance (empty: one number for all), set against the last
  /// kept axes, as Keras reshapes and broadcasts them.
  var fixedShape: [Int] = []

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
      if fixed {
        try checkFixedShape(input, kept: shape)
        return try Inference(output: input)
      }
      return try Inference(
        output: input,
        weights: [
          try Weight("mean", shape, trainable: false),
          try Weight("variance", shape, trainable: false),
          try Weight("count", [], trainable: false),
        ])
    }
  }

  /// A fixed mean's axes stand for the last kept axes (normalization.py `build`: each its size
  /// there, or 1, broadcast to it).
  func checkFixedShape(_ input: Shape, kept: [Int]) throws(Refusal) {
    // Keras sorts the kept axes: their sizes in the input's order.
    var positions: [(axis: Int, size: Int)] = []
    for (i, a) in axes.enumerated() { positions.append((try resolveAxis(a, input), kept[i])) }
    let sorted = positions.sorted { $0.axis < $1.axis }.map(\.size)
    for (i, n) in fixedShape.reversed().enumerated() {
      let size = sorted[sorted.count - 1 - i]
      guard n == size || n == 1 else {
        throw .reason(
          "mean and variance of shape \(shapeText(fixedShape)) do not fit the kept axes of "
            + "sizes \(shapeText(sorted)) of the input \(input.description): each of their "
            + "axes, set against the last kept ones, must be the same size or 1")
      }
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

extension ArgumentReader {
  /// A `numberArray` argument's shape, as NumPy finds it (`np.shape`): `[]` for a number, the
  /// length of each level for tuples; nil when absent or None. A ragged tuple, or anything but
  /// numbers, is refused.
  mutating func optionalArrayShape(_ s: ArgumentSpec) throws(ParamCalcError) -> (
    shape: [Int], span: Span
  )? {
    guard case .numberArray = s.kind else { preconditionFailure(s.name) }
    guard let a = take(s.name) else { return nil }
    if case .none = a.value { return nil }
    func shape(_ v: Value) -> [Int]? {
      switch v {
      case .int, .float: return []
      case .tuple(let items):
        guard let first = items.first else { return [0] }
        guard let inner = shape(first) else { return nil }
        for item in items.dropFirst() where shape(item) != inner { return nil }
        return [items.count] + inner
      default: return nil
      }
    }
    guard let found = shape(a.value) else {
      throw .invalidValue(
        argument: s.name,
        message: "expected a number or a tuple of numbers, each level of one length, found "
          + a.value.echoed,
        at: a.valueSpan)
    }
    return (found, a.valueSpan)
  }
}
