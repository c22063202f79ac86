// Reshaping and regularisation layers without weights: Permute, RepeatVector, UpSampling1D/2D/3D,
// ZeroPadding1D/2D/3D, Cropping1D/2D/3D, SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout.
// Source: keras/src/layers/reshaping/*.py and regularization/*.py (Keras 3).

let reshapingLayers: [LayerDescriptor] =
  [permuteDescriptor, repeatVectorDescriptor]
  + (1...3).map { upSamplingDescriptor(rank: $0) }
  + (1...3).map { paddingDescriptor("ZeroPadding", rank: $0) }
  + (1...3).map { paddingDescriptor("Cropping", rank: $0) }
  + (1...3).map { spatialDropoutDescriptor(rank: $0) }
  + [
    noiseDescriptor("GaussianNoise", key: "stddev"),
    noiseDescriptor("GaussianDropout", key: "rate"),
  ]

let permuteExample = LayerExample("(3,4)", "add permute dims=(2,1)")
let repeatVectorExample = LayerExample("(4,)", "add repeatvector n=8")

func spatialDropoutExample(rank: Int) -> LayerExample {
  LayerExample(exampleInputs[rank - 1], "add spatialdropout\(rank)d rate=0.2")
}

func noiseExample(_ name: String, key: String) -> LayerExample {
  LayerExample("(None,25)", "add \(name.lowercased()) \(key)=0.1")
}

let reshapingExamples =
  [permuteExample, repeatVectorExample]
  + (1...3).map { LayerExample(exampleInputs[$0 - 1], "add upsampling\($0)d") }
  + (1...3).map { LayerExample(exampleInputs[$0 - 1], "add zeropadding\($0)d") }
  + (1...3).map { LayerExample(exampleInputs[$0 - 1], "add cropping\($0)d cropping=1") }
  + (1...3).map { spatialDropoutExample(rank: $0) }
  + [noiseExample("GaussianNoise", key: "stddev"), noiseExample("GaussianDropout", key: "rate")]

/// The arguments of the reshaping and regularisation layers, each declared once for `help`
/// and for reading (a function per rank or per type: one spec per descriptor, made once).
enum ReshapingArguments {
  static let dims = ArgumentSpec(
    "dims", .integerTuple, default: .required, .shape,
    "the new order of the axes, numbered from 1, e.g. (2,1)")
  static let n = ArgumentSpec("n", .integer(min: 1), default: .required, .shape, "how many times")
  /// UpSampling1D's size: one integer, not a tuple (Keras: "Expected an integer value for
  /// `size`"); UpSampling2D/3D's: an integer or one per axis.
  static func size(rank: Int) -> ArgumentSpec {
    rank == 1
      ? ArgumentSpec("size", .integer(min: 1), default: 2, .shape, "repetitions of each step")
      : ArgumentSpec(
        "size", .integers(count: rank, min: 1), default: 2, .shape, "repetitions per axis")
  }
  /// ZeroPadding's `padding` and Cropping's `cropping`: Keras's defaults are 1 on each side of
  /// each axis, but for Cropping2D's 0 (`Cropping2D(cropping=((0, 0), (0, 0)))`,
  /// `Cropping3D(cropping=((1, 1), (1, 1), (1, 1)))`).
  static func amounts(_ kind: String, rank: Int) -> ArgumentSpec {
    ArgumentSpec(
      kind == "Cropping" ? "cropping" : "padding", .pairs(rank: rank),
      default: .value(.int(kind == "Cropping" && rank == 2 ? 0 : 1)), .shape,
      "an integer, one per axis, or (before, after) pairs per axis")
  }
  static let spatialRate = ArgumentSpec(
    "rate", .number(0...1), default: .required, .neither, "fraction of channels dropped, 0 to 1")
  static let noiseRate = ArgumentSpec(
    "rate", .number(0...1), default: .required, .neither, "drop probability, 0 to 1")
  /// Keras 3: "Expected a float value between 0 and 1".
  static let stddev = ArgumentSpec(
    "stddev", .number(0...1), default: .required, .neither,
    "standard deviation of the noise, 0 to 1")
}

let permuteDescriptor = LayerDescriptor(
  name: "Permute", family: "Reshaping", summary: "reorders the axes after the batch; no weights",
  source: "layers/reshaping/permute.py", arguments: [ReshapingArguments.dims],
  make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
    let (dims, span) = try r.intTuple(ReshapingArguments.dims, example: permuteExample.add)
    if dims.sorted() != Array(1...max(1, dims.count)) {
      throw .invalidValue(
        argument: "dims",
        message:
          "must be a permutation of 1 to \(dims.count), found \(Value.tuple(dims.map { .int($0) }).script)",
        at: span)
    }
    return Permute(dims: dims)
  })

struct Permute: LayerModel {
  let dims: [Int]
  var typeName: String { "Permute" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    guard input.rank == dims.count else {
      throw .reason(
        "expected an input of rank \(dims.count + 1) for dims=\(Value.tuple(dims.map { .int($0) }).script), found rank \(input.rank + 1) with shape \(input.description)"
      )
    }
    return try Inference(output: Shape(dims.map { input.dims[$0 - 1] }))
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let lines = dims.enumerated().map { k, d in
      "axis \(k + 1): input axis \(d), of size \(input.dims[d - 1].map(Format.thousands) ?? "None")"
    }
    return .noWeights(
      "Permute has no weights: it only reorders axes.",
      shapeRule: ([
        "output axis k = input axis dims[k] (axes numbered from 1 after the batch): "
          + "\(input.description) -> \(inference.output.description)"
      ] + lines).joined(
        separator: "\n"))
  }
}

let repeatVectorDescriptor = LayerDescriptor(
  name: "RepeatVector", family: "Reshaping",
  summary: "repeats a vector n times, making a sequence; no weights",
  source: "layers/reshaping/repeat_vector.py", arguments: [ReshapingArguments.n],
  make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
    RepeatVector(n: try r.int(ReshapingArguments.n, example: repeatVectorExample.add))
  })

struct RepeatVector: LayerModel {
  let n: Int
  var typeName: String { "RepeatVector" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    guard input.rank == 1 else {
      throw .reason(
        "expected an input of rank 2 (batch, features), found rank \(input.rank + 1) with shape \(input.description)"
      )
    }
    return try Inference(output: Shape([n, input.dims[0]]))
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    .noWeights(
      "RepeatVector has no weights: it copies its input \(n == 1 ? "once" : "\(Format.thousands(n)) times").",
      shapeRule:
        "output (n, features): n = \(Format.thousands(n)) \(n == 1 ? "copy" : "copies") of the \(input.dims[0].map(Format.thousands) ?? "unknown number of") features: \(input.description) -> \(inference.output.description)"
    )
  }
}

func upSamplingDescriptor(rank: Int) -> LayerDescriptor {
  let name = "UpSampling\(rank)D"
  let sizeArgument = ReshapingArguments.size(rank: rank)
  return LayerDescriptor(
    name: name, family: "Reshaping",
    summary: "repeats each step or pixel `size` times along each axis; no weights",
    source: "layers/reshaping/up_sampling\(rank)d.py",
    // Keras 3: UpSampling1D takes only size; interpolation is UpSampling2D's alone.
    arguments: rank == 1 ? [sizeArgument] : [sizeArgument, dataFormatArgument],
    inert: rank == 2 ? ["interpolation"] : [],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let size = rank == 1 ? [try r.int(sizeArgument)] : try r.ints(sizeArgument)
      if rank > 1 { _ = try r.choice(dataFormatArgument) }
      return Resample(
        name: name, rank: rank, before: size.map { _ in 0 }, after: size.map { _ in 0 }, scale: size
      )
    })
}

func paddingDescriptor(_ kind: String, rank: Int) -> LayerDescriptor {
  let name = "\(kind)\(rank)D"
  let amounts = ReshapingArguments.amounts(kind, rank: rank)
  return LayerDescriptor(
    name: name, family: "Reshaping",
    summary: kind == "Cropping"
      ? "removes steps or pixels at the edges; no weights" : "adds zeros at the edges; no weights",
    source: "layers/reshaping/\(kind == "Cropping" ? "cropping" : "zero_padding")\(rank)d.py",
    // Keras 3: Cropping1D takes no data_format; ZeroPadding1D does.
    arguments: kind == "Cropping" && rank == 1 ? [amounts] : [amounts, dataFormatArgument],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let pairs = try r.pairs(amounts)
      if !(kind == "Cropping" && rank == 1) { _ = try r.choice(dataFormatArgument) }
      let sign = kind == "Cropping" ? -1 : 1
      return Resample(
        name: name, rank: rank, before: pairs.map { sign * $0.0 }, after: pairs.map { sign * $0.1 },
        scale: pairs.map { _ in 1 })
    })
}

extension ArgumentReader {
  /// `(before, after)` amounts per axis: `n` for all, `(a, b, ...)` symmetric per axis (for
  /// rank 1: `(before, after)`), or `((a0, a1), (b0, b1), ...)`.
  mutating func pairs(_ s: ArgumentSpec) throws(ParamCalcError) -> [(Int, Int)] {
    guard case .pairs(let rank) = s.kind, case .value(.int(let d)) = s.byDefault else {
      preconditionFailure(s.name)
    }
    let key = s.name
    guard let a = take(key) else { return Array(repeating: (d, d), count: rank) }
    func bad() -> ParamCalcError {
      .invalidValue(
        argument: key,
        message:
          "expected a non-negative integer, \(rank == 1 ? "or (before, after)" : "\(rank) integers, or \(rank) (before, after) pairs"), found \(a.value.shown)",
        at: a.valueSpan)
    }
    func int(_ v: Value) throws(ParamCalcError) -> Int {
      guard case .int(let n) = v, n >= 0 else { throw bad() }
      return n
    }
    switch a.value {
    case .int:
      let n = try int(a.value)
      return Array(repeating: (n, n), count: rank)
    case .tuple(let items) where rank == 1:
      guard items.count == 2 else { throw bad() }
      return [(try int(items[0]), try int(items[1]))]
    case .tuple(let items):
      guard items.count == rank else { throw bad() }
      var out: [(Int, Int)] = []
      for item in items {
        if case .tuple(let pair) = item {
          guard pair.count == 2 else { throw bad() }
          out.append((try int(pair[0]), try int(pair[1])))
        } else {
          let n = try int(item)
          out.append((n, n))
        }
      }
      return out
    default: throw bad()
    }
  }
}

/// Changes the size of each spatial axis: `d * scale + before + after` (negative amounts crop).
struct Resample: LayerModel {
  let name: String
  let rank: Int
  let before: [Int]
  let after: [Int]
  let scale: [Int]
  var typeName: String { name }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    try requireRank(input, rank)
    var out: [Int?] = []
    for i in 0..<rank {
      guard let d = input.dims[i] else {
        out.append(nil)
        continue
      }
      let size: Int
      do {
        size = try Checked.add(
          try Checked.add(try Checked.multiply(d, scale[i]), before[i]), after[i])
      } catch {
        // Cropping amounts are negative: a size below the 64-bit range is below zero, which
        // Keras refuses (Python's integers do not overflow). Padding overflows upwards.
        if before[i] < 0 || after[i] < 0 { throw tooMuchCropping(axis: i, d, input) }
        throw .overflow("the output size")
      }
      if size <= 0 { throw tooMuchCropping(axis: i, d, input) }
      out.append(size)
    }
    out.append(input.last)
    return try Inference(output: Shape(out))
  }

  /// Keras's refusal of a cropping that leaves nothing of axis `i` (of size `d`).
  func tooMuchCropping(axis i: Int, _ d: Int, _ input: Shape) -> Refusal {
    // The amounts removed (stored negated), as their sum, or written as a sum when it does not
    // fit in 64 bits.
    let removed: String
    do {
      removed = String(
        try Checked.subtract(try Checked.subtract(0, before[i]), after[i]))
    } catch {
      removed = "\(before[i].magnitude) + \(after[i].magnitude)"
    }
    return .reason(
      "cropping must be smaller than the input: axis \(i + 1) has \(d), cropping removes \(removed) (input shape \(input.description))"
    )
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let up = name.hasPrefix("UpSampling")
    let cropping = name.hasPrefix("Cropping")
    let what = up ? "repeats values" : cropping ? "removes edges" : "adds zeros"
    let header: String
    if up {
      header = "size=\(stridesText(scale))"
    } else {
      // The amounts as given, (before, after) per axis (cropping's are stored negated).
      let pairs = (0..<rank).map { "(\(before[$0].magnitude), \(after[$0].magnitude))" }
      header =
        (cropping ? "cropping" : "padding") + " (before, after) per axis = "
        + (rank == 1 ? pairs[0] : "(" + pairs.joined(separator: ", ") + ")")
    }
    let names = spatialAxisNames(rank)
    let lines = (0..<rank).map {
      axisRule(names[$0], input.dims[$0], inference.output.dims[$0], $0)
    }
    return .noWeights(
      "\(name) has no weights: it \(what), which needs no learned numbers.",
      shapeRule: ([header + ": \(input.description) -> \(inference.output.description)"] + lines
        + ["channels: unchanged"]).joined(separator: "\n"))
  }

  /// The rule of one axis, every expression equal to the number after it: `steps: 10 × 2 = 20`,
  /// `rows: 28 + 1 + 1 = 30`, `rows: 28 - 2 - 2 = 24`; an unknown length L as `L × 2`, `L + 2`.
  func axisRule(_ axis: String, _ d: Int?, _ out: Int?, _ i: Int) -> String {
    let t = Format.thousands
    if name.hasPrefix("UpSampling") {
      guard let d, let out else { return "\(axis): a length L becomes L × \(t(scale[i]))" }
      return "\(axis): \(t(d)) × \(t(scale[i])) = \(t(out))"
    }
    let sign = before[i] < 0 || after[i] < 0 ? "-" : "+"
    let a = t(Int(before[i].magnitude))
    let b = t(Int(after[i].magnitude))
    guard let d, let out else {
      // The two amounts as one, when their sum fits (it is written as a sum when it does not).
      let (sum, overflow) = Int(before[i].magnitude).addingReportingOverflow(
        Int(after[i].magnitude))
      if !overflow && sum == 0 { return "\(axis): a length L stays L" }
      return "\(axis): a length L becomes L \(sign) " + (overflow ? "\(a) \(sign) \(b)" : t(sum))
    }
    return "\(axis): \(t(d)) \(sign) \(a) \(sign) \(b) = \(t(out))"
  }
}

/// What every other layer takes (`commonInertArguments`) and SpatialDropout does not: its
/// `__init__` lists its arguments without **kwargs.
let spatialDropoutRefuses = ["autocast", "activity_regularizer"]

func spatialDropoutDescriptor(rank: Int) -> LayerDescriptor {
  let name = "SpatialDropout\(rank)D"
  return LayerDescriptor(
    name: name, family: "Regularization",
    summary: "drops whole channels during training; no weights",
    source: "layers/regularization/spatial_dropout.py",
    // Keras 3: `SpatialDropout1D.__init__(self, rate, seed=None, name=None, dtype=None)`, and
    // 2D/3D add data_format: no **kwargs, so no noise_shape, autocast or activity_regularizer.
    arguments: rank == 1
      ? [ReshapingArguments.spatialRate] : [ReshapingArguments.spatialRate, dataFormatArgument],
    inert: ["seed"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      try r.refuse(spatialDropoutRefuses)
      let rate = try r.number(
        ReshapingArguments.spatialRate, example: spatialDropoutExample(rank: rank).add)
      if rank > 1 { _ = try r.choice(dataFormatArgument) }
      return SpatialDropout(rank: rank, rate: rate)
    })
}

struct SpatialDropout: LayerModel {
  let rank: Int
  let rate: Double
  var typeName: String { "SpatialDropout\(rank)D" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    try requireRank(input, rank)
    return try Inference(output: input)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    .noWeights(
      "\(typeName) has no weights: \(dropoutSentence(rate, "channels (each one whole)")).",
      shapeRule: "output shape = input shape \(input.description)")
  }
}

func noiseDescriptor(_ name: String, key: String) -> LayerDescriptor {
  let amount = key == "rate" ? ReshapingArguments.noiseRate : ReshapingArguments.stddev
  return LayerDescriptor(
    name: name, family: "Regularization",
    summary: name == "GaussianNoise"
      ? "adds zero-mean Gaussian noise during training; no weights"
      : "multiplies by Gaussian noise of mean 1 during training; no weights",
    source:
      "layers/regularization/\(name == "GaussianNoise" ? "gaussian_noise" : "gaussian_dropout").py",
    arguments: [amount],
    inert: ["seed"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      _ = try r.number(amount, example: noiseExample(name, key: key).add)
      return Identity(
        typeName: name,
        why:
          "\(name) has no weights: the noise is random, not learned, and only applied during training."
      )
    })
}

let reshapingFamily = LayerFamily(
  "Reshaping",
  note: """
    No weights: these layers move, repeat, pad or cut numbers. Permute reorders the axes \
    (1-based), RepeatVector `(n, features)`, UpSampling multiplies each axis by its size, \
    ZeroPadding adds `before + after`, Cropping removes them (refused when nothing is left).
    """)

let regularizationFamily = LayerFamily(
  "Regularization",
  note: """
    No weights; the shape is kept. SpatialDropout drops whole channels during training; \
    GaussianNoise adds zero-mean noise and GaussianDropout multiplies by noise of mean 1, during \
    training only. AlphaDropout keeps the mean and variance of its inputs (for SELU networks); \
    ActivityRegularization adds a penalty on its inputs to the loss and passes them through.
    """)
