// Preprocessing, continued: the layers that encode numbers as categories, CategoryEncoding
// (token ids as one-hot, multi-hot or count vectors) and Discretization (numbers as bin
// indices). No weights: the bins are constants given to the layer (or learned by `adapt`,
// outside training); only the shape changes, by Keras's compute_output_shape.
// Sources: keras/src/layers/preprocessing/category_encoding.py, discretization.py (Keras 3).

let encodingExamples = [
  LayerExample("(12,)", "add categoryencoding num_tokens=10"),
  LayerExample("(12,)", "add discretization num_bins=4 output_mode=one_hot"),
]

enum EncodingArguments {
  static let numTokens = ArgumentSpec(
    "num_tokens", .integer(min: 1), default: .required, .shape,
    "how many token ids: ids 0 to num_tokens - 1")
  // "binary" is Keras's old name of multi_hot.
  static let categoryMode = ArgumentSpec(
    "output_mode", .choice(["multi_hot", "one_hot", "count", "binary"]), default: "multi_hot",
    .shape, "one_hot: a vector per id; multi_hot, count: one vector per sample")
  static let binBoundaries = ArgumentSpec(
    "bin_boundaries", .numberTuple, default: .none, .shape,
    "the edges between bins: n edges make n + 1 bins")
  static let numBins = ArgumentSpec(
    "num_bins", .optionalInteger(min: 0), default: .none, .shape,
    "how many bins, their edges learned by adapt")
  static let binMode = ArgumentSpec(
    "output_mode", .choice(["int", "one_hot", "multi_hot", "count"]), default: "int", .shape,
    "int: each number becomes its bin's index; the others encode the indices as CategoryEncoding")
}

let encodingLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "CategoryEncoding", family: "Preprocessing",
    summary: "token ids as one-hot, multi-hot or count vectors of num_tokens; no weights",
    source: "layers/preprocessing/category_encoding.py",
    arguments: [EncodingArguments.numTokens, EncodingArguments.categoryMode],
    inert: ["sparse"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let n = try r.int(EncodingArguments.numTokens, example: encodingExamples[0].add)
      let mode = try r.choice(EncodingArguments.categoryMode)
      return CategoryEncoding(
        typeName: "CategoryEncoding", depth: n, mode: mode == "binary" ? "multi_hot" : mode,
        depthName: "num_tokens")
    }),
  LayerDescriptor(
    name: "Discretization", family: "Preprocessing",
    summary: "each number becomes the index of its bin (or a one-hot, multi-hot or count vector)",
    source: "layers/preprocessing/discretization.py",
    arguments: [
      EncodingArguments.binBoundaries, EncodingArguments.numBins, EncodingArguments.binMode,
    ],
    inert: ["epsilon", "sparse"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      // Its __init__ names its arguments, without **kwargs (discretization.py).
      try r.refuse(["autocast", "activity_regularizer"])
      let boundariesGiven = r.arguments.first { $0.key == "bin_boundaries" }
      let bounds = try r.optionalNumbers(EncodingArguments.binBoundaries)
      let bins = try r.optionalInt(EncodingArguments.numBins)
      let mode = try r.choice(EncodingArguments.binMode)
      if mode == "int", let sparse = r.arguments.first(where: { $0.key == "sparse" }),
        sparse.value == .bool(true)
      {
        throw .invalidValue(
          argument: "sparse", message: "sparse=True needs output_mode one_hot, multi_hot or count",
          at: sparse.valueSpan)
      }
      let depth: Int
      switch (bounds, bins) {
      case (let b?, nil): depth = b.count + 1
      case (nil, let n?): depth = n
      case (nil, nil):
        // Keras: "You need to set either `num_bins` or `bin_boundaries`." (The example shows
        // one; `help discretization` shows both.)
        throw .missingArgument(
          "bin_boundaries", layer: "Discretization", at: r.end,
          example: "add discretization bin_boundaries=(0.0,1.0,2.0)")
      case (_?, _?):
        throw .invalidValue(
          argument: "bin_boundaries", message: "give bin_boundaries or num_bins, not both",
          at: boundariesGiven?.valueSpan ?? r.end)
      }
      return CategoryEncoding(
        typeName: "Discretization", depth: depth, mode: mode,
        depthName: bounds.map { "bins (\($0.count) edges + 1)" } ?? "num_bins")
    }),
]

/// CategoryEncoding and Discretization: an encoding of `depth` categories, with Keras's shape
/// rule for each output mode (category_encoding.py and discretization.py compute_output_shape).
struct CategoryEncoding: LayerModel {
  let typeName: String
  let depth: Int
  /// multi_hot, one_hot, count, or (Discretization) int.
  let mode: String
  /// What `depth` is called: num_tokens, num_bins, or bins (counted from bin_boundaries).
  let depthName: String

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let dims = input.dims
    let last = dims.last ?? nil
    if mode != "int", depth == 0 {
      throw .reason("\(depthName) = 0 makes an output axis of size 0")
    }
    switch (typeName, mode) {
    case (_, "int"):
      return try Inference(output: input)
    case (_, "one_hot"):
      // A last axis of 1 is replaced by the categories; any other gets them appended.
      return try Inference(
        output: Shape(last == 1 ? Array(dims.dropLast()) + [depth] : dims + [depth]))
    case ("Discretization", _):
      // Keras's rule: the batch, the axes after the first, then the bins.
      return try Inference(output: Shape(Array(dims.dropFirst()) + [depth]))
    default:
      // multi_hot, count: the last axis (the ids of one sample) becomes the categories.
      return try Inference(output: Shape(Array(dims.dropLast()) + [depth]))
    }
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let what =
      typeName == "Discretization"
      ? "the bin edges are constants, not weights"
      : "it writes each token id as a vector of \(depth) with fixed rules"
    let n = "\(depthName) = \(depth)"
    let counted = mode == "count" ? "how often each one occurs" : "1 where one occurs"
    let rule: String
    switch (typeName, mode) {
    case (_, "int"): rule = "int: each number becomes the index of its bin: the shape is kept"
    case (_, "one_hot"):
      rule =
        "one_hot: each number becomes a vector of \(n)"
        + (input.dims.last == 1 ? " (the last axis, of 1, is replaced by it)" : "")
    case ("Discretization", _):
      rule =
        "\(mode): Keras's shape rule keeps the batch, drops the axis after it and adds \(n)"
        + " (\(counted))"
    default: rule = "\(mode): the last axis (a sample's ids) becomes \(n): \(counted)"
    }
    return .noWeights(
      "\(typeName) has no weights: \(what).",
      shapeRule: "\(input.description) -> \(inference.output.description)\n\(rule)")
  }
}
