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

func poolDescriptor(_ kind: String, rank: Int) -> LayerDescriptor {
  let name = "\(kind)Pooling\(rank)D"
  let poolDefault = kind == "Max" ? Array(repeating: 2, count: rank) : nil
  return LayerDescriptor(
    name: name, family: "Pooling",
    summary: "the \(kind == "Max" ? "maximum" : "average") of each window; no weights",
    formula: "0",
    arguments: [
      ArgumentSpec(
        "pool_size", poolDefault == nil ? "required" : "2",
        "size of the window (one integer for all axes)"),
      ArgumentSpec("strides", "pool_size", "step between windows"),
      ArgumentSpec("padding", "valid", "valid or same"),
      ArgumentSpec("data_format", "channels_last", "channels_last only"),
    ],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let pool = try r.ints(
        "pool_size", count: rank, default: poolDefault, example: averagePoolingExample(rank: rank))
      var strides = pool
      if let a = r.arguments.first(where: { $0.key == "strides" }), case .none = a.value {
        r.ignore(["strides"])
      } else {
        strides = try r.ints("strides", count: rank, default: pool)
      }
      let padding = try r.choice("padding", ["valid", "same"], default: "valid")
      _ = try r.choice("data_format", ["channels_last"], default: "channels_last")
      return Pooling(name: name, rank: rank, pool: pool, strides: strides, padding: padding)
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
    formula: "0",
    arguments: [
      ArgumentSpec("keepdims", "false", "keep the pooled axes with size 1"),
      ArgumentSpec("data_format", "channels_last", "channels_last only"),
    ],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let keep = try r.bool("keepdims", default: false)
      _ = try r.choice("data_format", ["channels_last"], default: "channels_last")
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
      shapeRule:
        "the \(rank) spatial axes are pooled away\(keepdims ? " (kept as 1, keepdims=true)" : ""), the channels stay: \(input.description) -> \(inference.output.description)"
    )
  }
}
