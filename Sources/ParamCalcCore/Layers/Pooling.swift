// Pooling: MaxPooling1D/2D/3D, AveragePooling1D/2D/3D and their Global versions.
// Source: keras/src/layers/pooling/base_pooling.py, base_global_pooling.py and
// keras/src/ops/operation_utils.py compute_pooling_output_shape (Keras 3). No weights.

let poolingLayers: [LayerDescriptor] =
  ["Max", "Average"].flatMap { kind in (1...3).map { poolDescriptor(kind, rank: $0) } }
  + ["Max", "Average"].flatMap { kind in (1...3).map { globalPoolDescriptor(kind, rank: $0) } }

let poolingExamples =
  (1...3).map { LayerExample(exampleInputs[$0 - 1], "add maxpooling\($0)d") }
  + (1...3).map { LayerExample(exampleInputs[$0 - 1], averagePoolingExample(rank: $0)) }
  + ["max", "average"].flatMap { kind in
    (1...3).map { LayerExample(exampleInputs[$0 - 1], "add global\(kind)pooling\($0)d") }
  }

/// Keras 3 gives MaxPooling a pool_size of 2 on each axis and AveragePooling none: it must be
/// given (`AveragePooling1D.__init__(self, pool_size, strides=None, ...)`).
func averagePoolingExample(rank: Int) -> String { "add averagepooling\(rank)d pool_size=2" }

/// The arguments of the pooling layers, each declared once for `help` and for reading.
enum PoolingArguments {
  /// Keras 3: MaxPooling's pool_size is 2 on each axis; AveragePooling's must be given.
  static func poolSize(_ kind: String, rank: Int) -> ArgumentSpec {
    ArgumentSpec(
      "pool_size", .integers(count: rank, min: 1), default: kind == "Max" ? 2 : .required,
      .shape, "size of the window (one integer for all axes)")
  }
  /// Keras: `strides=None` is pool_size.
  static func strides(rank: Int) -> ArgumentSpec {
    ArgumentSpec(
      "strides", .integers(count: rank, min: 1), default: .derived("pool_size"), .shape,
      "step between windows")
  }
  static let padding = windowPaddingArgument(causal: false, lowercased: false)
  static let keepdims = ArgumentSpec(
    "keepdims", .bool, default: false, .shape, "keep the pooled axes with size 1")
}

func poolDescriptor(_ kind: String, rank: Int) -> LayerDescriptor {
  let name = "\(kind)Pooling\(rank)D"
  let poolSize = PoolingArguments.poolSize(kind, rank: rank)
  let strides = PoolingArguments.strides(rank: rank)
  return LayerDescriptor(
    name: name, family: "Pooling",
    summary: "the \(kind == "Max" ? "maximum" : "average") of each window; no weights",
    source:
      "layers/pooling/\(kind.lowercased())_pooling\(rank)d.py, base_pooling.py; ops/operation_utils.py",
    arguments: [poolSize, strides, PoolingArguments.padding, dataFormatArgument],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let pool = try r.ints(poolSize, example: averagePoolingExample(rank: rank))
      let steps = try r.optionalInts(strides) ?? pool
      let padding = try r.choice(PoolingArguments.padding)
      _ = try r.choice(dataFormatArgument)
      return Pooling(name: name, rank: rank, pool: pool, strides: steps, padding: padding)
    })
}

struct Pooling: LayerModel {
  let name: String
  let rank: Int
  let pool: [Int]
  let strides: [Int]
  let padding: String
  var typeName: String { name }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    try requireRank(input, rank)
    let ones = Array(repeating: 1, count: rank)
    var out = try windowOutputs(
      input, window: pool, strides: strides, dilation: ones, padding: padding)
    out.append(input.last)
    return try Inference(output: Shape(out))
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let ones = Array(repeating: 1, count: rank)
    let rules = windowRules(
      input, inference.output, window: pool, strides: strides, dilation: ones, padding: padding)
    return .noWeights(
      "\(name) has no weights: it takes the \(name.hasPrefix("Max") ? "maximum" : "average") of each window, which needs no learned numbers.",
      shapeRule: (rules + ["channels: unchanged"]).joined(separator: "\n"))
  }
}

func globalPoolDescriptor(_ kind: String, rank: Int) -> LayerDescriptor {
  let name = "Global\(kind)Pooling\(rank)D"
  return LayerDescriptor(
    name: name, family: "Pooling",
    summary:
      "the \(kind == "Max" ? "maximum" : "average") over all \(rank == 1 ? "steps" : "positions") of each channel; no weights",
    source: "layers/pooling/global_\(kind.lowercased())_pooling\(rank)d.py, base_global_pooling.py",
    arguments: [PoolingArguments.keepdims, dataFormatArgument],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let keep = try r.bool(PoolingArguments.keepdims)
      _ = try r.choice(dataFormatArgument)
      return GlobalPooling(name: name, rank: rank, keepdims: keep)
    })
}

struct GlobalPooling: LayerModel {
  let name: String
  let rank: Int
  let keepdims: Bool
  var typeName: String { name }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    try requireRank(input, rank)
    let out: [Int?] = keepdims ? Array(repeating: 1, count: rank) + [input.last] : [input.last]
    return try Inference(output: Shape(out))
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    .noWeights(
      "\(name) has no weights: one \(name.contains("Max") ? "maximum" : "average") per channel needs no learned numbers.",
      shapeRule: (rank == 1 ? "the steps axis is" : "the \(rank) spatial axes are")
        + " pooled away\(keepdims ? " (kept as 1, keepdims=true)" : ""), the channels stay: \(input.description) -> \(inference.output.description)"
    )
  }
}

let poolingFamily = LayerFamily(
  "Pooling",
  note: """
    Pooling has no weights. Output size per axis (`compute_pooling_output_shape` in \
    `ops/operation_utils.py`): `valid`: `floor((n - pool) / stride) + 1`, refused when zero or \
    less; `same`: `floor((n - 1) / stride) + 1`; strides default to pool_size. MaxPooling's \
    pool_size defaults to 2 on each axis; AveragePooling has no default in Keras 3 \
    (`AveragePooling1D.__init__(self, pool_size, strides=None, ...)`) and needs one. Global \
    pooling gives `(channels,)`, or `(1, ..., 1, channels)` with `keepdims=true`.
    """)

// Adaptive pooling: Keras 3's AdaptiveMax/AveragePooling1D/2D/3D
// (keras/src/layers/pooling/base_adaptive_pooling.py): windows sized so that the output has
// `output_size` positions on each spatial axis, whatever the input's size. No weights.

let adaptivePoolingLayers: [LayerDescriptor] =
  ["Max", "Average"].flatMap { kind in (1...3).map { adaptivePoolDescriptor(kind, rank: $0) } }

let adaptivePoolingExamples = ["max", "average"].flatMap { kind in
  (1...3).map {
    LayerExample(exampleInputs[$0 - 1], "add adaptive\(kind)pooling\($0)d output_size=2")
  }
}

func adaptivePoolDescriptor(_ kind: String, rank: Int) -> LayerDescriptor {
  let name = "Adaptive\(kind)Pooling\(rank)D"
  let outputSize = ArgumentSpec(
    "output_size", .integers(count: rank, min: 1), default: .required, .shape,
    "positions of the output on each spatial axis (one integer for all)")
  return LayerDescriptor(
    name: name, family: "Pooling",
    summary:
      "the \(kind == "Max" ? "maximum" : "average") of windows sized to give output_size positions per axis; no weights",
    source:
      "layers/pooling/adaptive_\(kind.lowercased())_pooling\(rank)d.py, base_adaptive_pooling.py",
    arguments: [outputSize, asWrittenDataFormatArgument],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let size = try r.ints(
        outputSize, example: "add adaptive\(kind.lowercased())pooling\(rank)d output_size=2")
      _ = try r.choice(asWrittenDataFormatArgument)
      return AdaptivePooling(typeName: name, size: size, max: kind == "Max")
    })
}

struct AdaptivePooling: LayerModel {
  let typeName: String
  let size: [Int]
  let max: Bool

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    try requireRank(input, size.count)
    return try Inference(output: Shape(size + [input.dims[size.count]]))
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let names = spatialAxisNames(size.count)
    let axes = size.indices.map { "\(names[$0]): output_size = \(Format.thousands(size[$0]))" }
    return .noWeights(
      "\(typeName) has no weights: it takes the \(max ? "maximum" : "average") of each window, which needs no learned numbers.",
      shapeRule: ([
        "\(input.description) -> \(inference.output.description): the windows are sized to the input"
      ] + axes + ["channels: unchanged"]).joined(separator: "\n"))
  }
}
