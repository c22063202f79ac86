// Normalization: BatchNormalization, LayerNormalization, GroupNormalization, UnitNormalization.
// Source: keras/src/layers/normalization/*.py (Keras 3).

/// What every normalization layer with gamma and beta accepts without effect on the count (Keras
/// 3: BatchNormalization adds momentum and more; Layer- and GroupNormalization take no momentum).
let normInert = [
  "epsilon", "beta_initializer", "gamma_initializer", "beta_regularizer",
  "gamma_regularizer", "beta_constraint", "gamma_constraint",
]

let normalizationExamples = [
  LayerExample("(10,4)", "add batchnormalization"),
  LayerExample("(10,4)", "add layernormalization"),
  LayerExample("(10,8)", "add groupnormalization groups=4"),
  LayerExample("(10,4)", "add unitnormalization"),
]

/// The arguments of the normalization layers, each declared once for `help` and for reading.
enum NormalizationArguments {
  /// Keras: `self.axis = int(axis)`, one axis (BatchNormalization, GroupNormalization).
  static let channelAxis = ArgumentSpec(
    "axis", .integer(min: Int.min), default: -1, .count, "the channel axis")
  static let layerAxis = ArgumentSpec(
    "axis", .integerTuple, default: -1, .count, "the axis (or axes) normalised")
  static let unitAxis = ArgumentSpec(
    "axis", .integerTuple, default: -1, .neither, "the axis (or axes) normalised")
  static func center(_ unit: String) -> ArgumentSpec {
    ArgumentSpec("center", .bool, default: true, .count, "learn beta, an offset per \(unit)")
  }
  static func scale(_ unit: String) -> ArgumentSpec {
    ArgumentSpec("scale", .bool, default: true, .count, "learn gamma, a scale per \(unit)")
  }
  static let channelCenter = center("channel")
  static let channelScale = scale("channel")
  static let featureCenter = center("feature")
  static let featureScale = scale("feature")
  /// Keras 3 pops it from kwargs (deprecated): gamma is kept even with scale=false, and beta
  /// is left out.
  static let rmsScaling = ArgumentSpec(
    "rms_scaling", .bool, default: false, .count,
    "deprecated: scale by the variance; keeps gamma, drops beta")
  static let groups = ArgumentSpec(
    "groups", .integer(min: 1, also: -1), default: 32, .neither,
    "number of channel groups (-1: one per channel)")
}

let normalizationLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "BatchNormalization", family: "Normalization",
    summary:
      "normalises each channel with batch statistics; learns a scale and an offset per channel",
    source: "layers/normalization/batch_normalization.py",
    arguments: [
      NormalizationArguments.channelAxis, NormalizationArguments.channelCenter,
      NormalizationArguments.channelScale,
    ],
    inert: normInert + [
      "momentum", "moving_mean_initializer", "moving_variance_initializer", "synchronized",
      "renorm", "renorm_clipping", "renorm_momentum",
    ],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let axis = try r.int(NormalizationArguments.channelAxis)
      return Normalization(
        kind: .batch, axes: [axis], center: try r.bool(NormalizationArguments.channelCenter),
        scale: try r.bool(NormalizationArguments.channelScale), groups: 0)
    }),
  LayerDescriptor(
    name: "LayerNormalization", family: "Normalization",
    summary: "normalises each sample over its features; learns a scale and an offset per feature",
    source: "layers/normalization/layer_normalization.py",
    arguments: [
      NormalizationArguments.layerAxis, NormalizationArguments.featureCenter,
      NormalizationArguments.featureScale, NormalizationArguments.rmsScaling,
    ],
    inert: normInert,
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let axis = try r.intTuple(NormalizationArguments.layerAxis).values
      let center = try r.bool(NormalizationArguments.featureCenter)
      let scale = try r.bool(NormalizationArguments.featureScale)
      let rms = try r.bool(NormalizationArguments.rmsScaling)
      return Normalization(
        kind: .layer, axes: axis, center: center, scale: scale, groups: 0, rmsScaling: rms)
    }),
  LayerDescriptor(
    name: "GroupNormalization", family: "Normalization",
    summary: "normalises groups of channels per sample; learns a scale and an offset per channel",
    source: "layers/normalization/group_normalization.py",
    arguments: [
      NormalizationArguments.groups, NormalizationArguments.channelAxis,
      NormalizationArguments.channelCenter, NormalizationArguments.channelScale,
    ],
    inert: normInert,
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let groups = try r.int(NormalizationArguments.groups)
      let axis = try r.int(NormalizationArguments.channelAxis)
      return Normalization(
        kind: .group, axes: [axis], center: try r.bool(NormalizationArguments.channelCenter),
        scale: try r.bool(NormalizationArguments.channelScale), groups: groups)
    }),
  LayerDescriptor(
    name: "UnitNormalization", family: "Normalization",
    summary: "scales each sample to unit L2 norm along an axis; no weights",
    source: "layers/normalization/unit_normalization.py",
    arguments: [NormalizationArguments.unitAxis],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let axes = try r.intTuple(NormalizationArguments.unitAxis).values
      return UnitNormalization(axes: axes)
    }),
]

/// Resolves a Keras axis (negative counts from the end; 0 is the batch) to an index into the
/// shape without the batch.
func resolveAxis(_ axis: Int, _ input: Shape) throws(Refusal) -> Int {
  let full = input.rank + 1
  guard axis >= -full && axis < full else {
    throw .reason("axis \(axis) is out of bounds for an input of rank \(full) \(input.description)")
  }
  let a = axis < 0 ? axis + full : axis
  if a == 0 {
    throw .reason("axis \(axis) is the batch axis, whose size is unknown (None)")
  }
  return a - 1
}

/// The sizes of `axes` of the input, each of which must be known: the shape of a weight kept per
/// position of those axes. `unknown` words the refusal of an axis whose size is not known.
func knownAxisSizes(
  _ axes: [Int], _ input: Shape, unknown: (_ axis: Int) -> String
) throws(Refusal) -> [Int] {
  var shape: [Int] = []
  for axis in axes {
    let i = try resolveAxis(axis, input)
    guard let d = input.dims[i] else { throw .reason(unknown(axis)) }
    shape.append(d)
  }
  return shape
}

struct Normalization: LayerModel {
  enum Kind { case batch, layer, group }
  let kind: Kind
  let axes: [Int]
  let center: Bool
  let scale: Bool
  let groups: Int
  /// LayerNormalization's rms_scaling: gamma whatever scale is, no beta whatever center is.
  var rmsScaling = false

  /// Whether gamma and beta are made (layer_normalization.py: `if self.scale or
  /// self.rms_scaling`, `if self.center and not self.rms_scaling`).
  var hasGamma: Bool { scale || rmsScaling }
  var hasBeta: Bool { center && !rmsScaling }

  var typeName: String {
    switch kind {
    case .batch: return "BatchNormalization"
    case .layer: return "LayerNormalization"
    case .group: return "GroupNormalization"
    }
  }

  func paramShape(_ input: Shape) throws(Refusal) -> [Int] {
    let shape = try knownAxisSizes(axes, input) {
      "axis \($0) of the input should have a defined dimension, but the layer received an input with shape \(input.description)"
    }
    if kind == .group {
      let dim = shape[0]
      let g = groups == -1 ? dim : groups
      if dim < g {
        throw .reason("number of groups (\(g)) cannot be more than the number of channels (\(dim))")
      }
      if dim % g != 0 {
        // (Keras words it "number of groups must be a multiple of the number of channels",
        // the wrong way round.)
        throw .reason(
          "the number of channels (\(dim)) must be a multiple of the number of groups (\(g))")
      }
    }
    return shape
  }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let shape = try paramShape(input)
    var w: [Weight] = []
    if hasGamma { w.append(try Weight("gamma", shape)) }
    if hasBeta { w.append(try Weight("beta", shape)) }
    if kind == .batch {
      w.append(try Weight("moving_mean", shape, trainable: false))
      w.append(try Weight("moving_variance", shape, trainable: false))
    }
    return try Inference(output: input, weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let shape = (try? paramShape(input)) ?? []
    let n = (try? Checked.product(shape)) ?? 0
    // BatchNormalization's and GroupNormalization's one axis is the channel axis when it is the
    // last (their default); another axis is named by its number.
    let last = axes.count == 1 && ((try? resolveAxis(axes[0], input)) == input.rank - 1)
    let channels = kind != .layer && last
    let what = channels ? "channels" : "features"
    let unit = channels ? "channel" : "feature"
    // What is kept per channel (feature): the learned ones that are on, and BatchNormalization's
    // two running averages.
    var kept = (hasGamma ? ["gamma"] : []) + (hasBeta ? ["beta"] : [])
    if kind == .batch { kept += ["moving_mean", "moving_variance"] }
    let perUnit =
      kept.isEmpty
      ? "nothing is kept per \(unit)"
      : "one "
        + (kept.count == 1
          ? kept[0] : kept.dropLast().joined(separator: ", ") + " and " + kept.last!)
        + " per \(unit)"
    let axisText = axes.map(String.init).joined(separator: ",")
    let size: String
    if shape.count > 1 {
      size =
        "the sizes of the normalised axes (\(axisText)) of the input: "
        + shape.map(Format.thousands).joined(separator: " × ") + " = \(Format.thousands(n))"
    } else if channels {
      size = "the size of the channel axis (the last) of the input"
    } else {
      size =
        "the size of the \(kind == .group ? "grouped" : "normalised") axis (\(axisText)) of the input"
    }
    var terms = [Term(what, n, .inputShape, size + "; " + perUnit)]
    var formula: String
    var notes: [String] = []
    let gammaMeaning: String
    if rmsScaling {
      gammaMeaning =
        "a learned scale per \(unit): rms_scaling=true keeps it"
        + (scale ? "" : " even with scale=false")
    } else {
      gammaMeaning =
        scale
        ? "a learned scale per \(unit) (scale=true)"
        : "no scale is learned (scale=false): gamma is left out"
    }
    terms.append(
      Term(
        "gamma", hasGamma ? 1 : 0,
        rmsScaling && !scale ? .argument : given.source("scale"), gammaMeaning))
    let betaMeaning: String
    if rmsScaling && center {
      betaMeaning = "no offset is learned: rms_scaling=true leaves beta out"
    } else {
      betaMeaning =
        center
        ? "a learned offset per \(unit) (center=true)"
        : "no offset is learned (center=false): beta is left out"
    }
    terms.append(
      Term(
        "beta", hasBeta ? 1 : 0, rmsScaling && center ? .argument : given.source("center"),
        betaMeaning))
    if kind == .batch {
      terms.append(
        Term(
          "moving_mean", 1, .constant,
          "the running mean per \(unit), updated during training, not by gradients"))
      terms.append(
        Term(
          "moving_variance", 1, .constant, "the running variance per \(unit), likewise not trained")
      )
      formula = "(gamma + beta + moving_mean + moving_variance) * \(what)"
      notes.append(
        "moving_mean and moving_variance are non-trainable: they are averages of the batch statistics, kept for inference, never changed by backpropagation"
      )
    } else {
      formula = "(gamma + beta) * \(what)"
      if kind == .group {
        let g = groups == -1 ? n : groups
        let each = g > 0 ? n / g : 0
        let split =
          "the \(Format.thousands(n)) \(what) are split into \(Format.thousands(g)) group\(g == 1 ? "" : "s") of \(Format.thousands(each))"
        terms.append(
          Term(
            "groups", g, given.source("groups"),
            (groups == -1 ? "groups=-1 means one group per \(unit): " : "") + split
              + "; the mean and variance are computed per sample over each group and stored nowhere, so groups change the statistics, not the count"
          ))
      }
    }
    return Explanation(
      formula: formula, terms: terms,
      shapeRule: "output shape = input shape \(input.description)", notes: notes)
  }
}

struct UnitNormalization: LayerModel {
  let axes: [Int]
  var typeName: String { "UnitNormalization" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    for a in axes { _ = try resolveAxis(a, input) }
    return try Inference(output: input)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    .noWeights(
      "UnitNormalization has no weights: it divides by the L2 norm, which needs no learned numbers.",
      shapeRule: "output shape = input shape \(input.description)")
  }
}

let normalizationFamily = LayerFamily(
  "Normalization",
  note: """
    BatchNormalization keeps gamma (if `scale`), beta (if `center`), then moving_mean and \
    moving_variance, each `(channels,)`: the moving statistics are non-trainable, averages of \
    batch statistics updated during training, not by gradients (Ioffe & Szegedy 2015). \
    LayerNormalization learns a scale and an offset per feature of the normalised axes (Ba et \
    al. 2016). GroupNormalization learns them per channel; the channels must be at least \
    `groups` and a multiple of it (Wu & He 2018). It stores no statistics: mean and variance are \
    computed per sample over each group, so `groups` changes the statistics, never the count. \
    UnitNormalization has no weights. RMSNormalization divides by the root mean square and \
    learns one scale per feature, no offset (Zhang & Sennrich 2019). Normalization, a \
    preprocessing layer, keeps a mean and a variance per feature and a count, all \
    non-trainable: adapt() sets them from data; given as mean= and variance=, they are \
    constants and no weights are made.
    """)
