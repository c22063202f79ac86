// Preprocessing: the image layers that can stand in a Sequential model — Rescaling, Resizing,
// CenterCrop, RandomCrop, and the augmentations RandomFlip, RandomRotation, RandomZoom,
// RandomTranslation, RandomContrast, RandomBrightness. None has weights.
// Source: keras/src/layers/preprocessing/ (rescaling.py, image_preprocessing/resizing.py,
// center_crop.py, random_crop.py, random_flip.py, random_rotation.py, random_zoom.py,
// random_translation.py, random_contrast.py, random_brightness.py), Keras 3.

let preprocessingExamples = [
  LayerExample("(32,32,3)", "add rescaling scale=0.5"),
  LayerExample("(32,32,3)", "add resizing height=16 width=16"),
  LayerExample("(32,32,3)", "add centercrop height=24 width=24"),
  LayerExample("(32,32,3)", "add randomcrop height=24 width=24"),
  LayerExample("(32,32,3)", "add randomflip"),
  LayerExample("(32,32,3)", "add randomrotation factor=0.1"),
  LayerExample("(32,32,3)", "add randomzoom height_factor=0.1"),
  LayerExample("(32,32,3)", "add randomtranslation height_factor=0.1 width_factor=0.1"),
  LayerExample("(32,32,3)", "add randomcontrast factor=0.2"),
  LayerExample("(32,32,3)", "add randombrightness factor=0.2"),
]

/// The arguments of the preprocessing layers, each declared once.
enum PreprocessingArguments {
  static let anyNumber = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
  static let height = ArgumentSpec(
    "height", .integer(min: 1), default: .required, .shape, "height of the output images")
  static let width = ArgumentSpec(
    "width", .integer(min: 1), default: .required, .shape, "width of the output images")
  static let scale = ArgumentSpec(
    "scale", .number(anyNumber), default: .required, .neither, "each number is multiplied by it")
  static let offset = ArgumentSpec(
    "offset", .number(anyNumber), default: 0.0, .neither, "then this is added")
  static let mode = ArgumentSpec(
    "mode", .choice(["horizontal", "vertical", "horizontal_and_vertical"]),
    default: "horizontal_and_vertical", .neither, "which flips are drawn",
    // Keras checks no mode (random_flip.py compares it with its constants when flipping): it
    // takes HORIZONTAL as a word that flips nothing. paramcalc takes it as horizontal.
    lowercased: true)
  /// An augmentation's strength: a number in `range` or a pair (Keras's rule for pairs).
  static func factor(
    _ name: String, _ range: ClosedRange<Double>, pair: ArgumentSpec.PairRule = .overlaps,
    default byDefault: ArgumentSpec.Default = .required, _ meaning: String
  ) -> ArgumentSpec {
    ArgumentSpec(name, .factor(range, pair: pair), default: byDefault, .neither, meaning)
  }
  static let rotation = factor("factor", -1...1, "largest rotation, as a fraction of a full turn")
  static let zoomHeight = factor(
    "height_factor", -1...1, pair: .eachAboveBottom, "largest zoom in or out of the height")
  static let zoomWidth = factor(
    "width_factor", -1...1, pair: .eachAboveBottom, default: .none,
    "largest zoom of the width (None: as the height)")
  static let shiftHeight = factor(
    "height_factor", -1...1, pair: .each, "largest shift up or down, as a fraction")
  static let shiftWidth = factor(
    "width_factor", -1...1, pair: .each, "largest shift left or right, as a fraction")
  static let contrast = factor("factor", 0...1, "largest change of contrast")
  static let brightness = factor("factor", -1...1, "largest change of brightness")
}

/// What RandomRotation, RandomZoom and RandomTranslation accept without effect on the count or
/// the shape.
let augmentationInert = ["seed", "fill_value", "bounding_box_format"]
/// What they check as Keras checks it (as written): interpolation and fill_mode.
let augmentationChecked = [AugmentationArguments.interpolation, AugmentationArguments.shearFill]

/// A preprocessing layer that keeps its input's shape.
func shapeKeeping(
  _ name: String, summary: String, file: String, arguments: [ArgumentSpec],
  inert: [String] = [], what: String
) -> LayerDescriptor {
  // A seed Keras takes is checked as Keras checks it (an integer ≥ 0), not only accepted.
  let seeded = inert.contains(seedArgument.name)
  let arguments = arguments + (seeded ? [seedArgument] : [])
  return LayerDescriptor(
    name: name, family: "Preprocessing", summary: summary,
    source: "layers/preprocessing/\(file)", arguments: arguments,
    inert: inert.filter { $0 != seedArgument.name },
    // The shape is kept whatever the axes are: data_format moves nothing.
    channelsAxis: nil,
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let example = LayerExample.all.first { $0.type == name.lowercased() }?.add ?? ""
      for a in arguments {
        switch (a.kind, a.byDefault) {
        case (.number, .required): _ = try r.number(a, example: example)
        case (.number, _): _ = try r.optionalNumber(a)
        case (.factor, _): try r.factor(a, example: example)
        case (.choice, _): _ = try r.choice(a)
        case (.optionalInteger, _): _ = try r.optionalInt(a)
        default: break
        }
      }
      return Identity(typeName: name, why: "\(name) has no weights: \(what).")
    })
}

/// `seed` of a random layer: an integer ≥ 0 (Keras's SeedGenerator refuses others).
let seedArgument = ArgumentSpec(
  "seed", .optionalInteger(min: 0), default: .none, .neither, "seed of the random draws")

/// A preprocessing layer that makes images of `height` × `width`.
func imageSizing(
  _ name: String, summary: String, file: String, inert: [String],
  extra: [ArgumentSpec] = [], how: String
) -> LayerDescriptor {
  LayerDescriptor(
    name: name, family: "Preprocessing", summary: summary,
    source: "layers/preprocessing/\(file)",
    arguments: [PreprocessingArguments.height, PreprocessingArguments.width, dataFormatArgument]
      + extra,
    inert: inert,
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let example = LayerExample.all.first { $0.type == name.lowercased() }?.add ?? ""
      let h = try r.int(PreprocessingArguments.height, example: example)
      let w = try r.int(PreprocessingArguments.width, example: example)
      _ = try r.choice(dataFormatArgument)
      for a in extra { try r.factor(a) }
      return ImageSizing(typeName: name, height: h, width: w, how: how)
    })
}

let preprocessingLayers: [LayerDescriptor] = [
  shapeKeeping(
    "Rescaling", summary: "multiplies every number by scale and adds offset; no weights",
    file: "rescaling.py", arguments: [PreprocessingArguments.scale, PreprocessingArguments.offset],
    what: "it computes x × scale + offset, with constants it is given"),
  imageSizing(
    "Resizing", summary: "resizes each image to height × width; no weights",
    file: "image_preprocessing/resizing.py",
    inert: [
      "interpolation", "crop_to_aspect_ratio", "pad_to_aspect_ratio", "fill_mode", "fill_value",
      "antialias",
      "bounding_box_format",
    ], how: "resizes each image to"),
  imageSizing(
    "CenterCrop", summary: "crops the centre of each image to height × width; no weights",
    file: "image_preprocessing/center_crop.py", inert: ["bounding_box_format"],
    how: "crops the centre of each image (resizing it first when it is smaller) to"),
  imageSizing(
    "RandomCrop", summary: "crops a random height × width window of each image; no weights",
    file: "image_preprocessing/random_crop.py", inert: ["seed", "bounding_box_format"],
    extra: [AugmentationArguments.unusedFactor],
    how: "crops a random window of each image during training (the centre at inference) to"),
  shapeKeeping(
    "RandomFlip", summary: "flips images at random during training; no weights",
    file: "image_preprocessing/random_flip.py",
    arguments: [PreprocessingArguments.mode, dataFormatArgument],
    inert: ["seed", "bounding_box_format"],
    what: "it flips images at random during training and passes them through at inference"),
  shapeKeeping(
    "RandomRotation", summary: "rotates images at random during training; no weights",
    file: "image_preprocessing/random_rotation.py",
    arguments: [PreprocessingArguments.rotation] + augmentationChecked + [dataFormatArgument],
    inert: augmentationInert,
    what: "it rotates images at random during training and passes them through at inference"),
  shapeKeeping(
    "RandomZoom", summary: "zooms images at random during training; no weights",
    file: "image_preprocessing/random_zoom.py",
    arguments: [
      PreprocessingArguments.zoomHeight, PreprocessingArguments.zoomWidth,
    ] + augmentationChecked + [dataFormatArgument], inert: augmentationInert,
    what: "it zooms images at random during training and passes them through at inference"),
  shapeKeeping(
    "RandomTranslation", summary: "shifts images at random during training; no weights",
    file: "image_preprocessing/random_translation.py",
    arguments: [
      PreprocessingArguments.shiftHeight, PreprocessingArguments.shiftWidth,
    ] + augmentationChecked + [dataFormatArgument], inert: augmentationInert,
    what: "it shifts images at random during training and passes them through at inference"),
  shapeKeeping(
    "RandomContrast", summary: "changes the contrast at random during training; no weights",
    file: "image_preprocessing/random_contrast.py",
    arguments: [PreprocessingArguments.contrast, dataFormatArgument],
    inert: ["value_range", "seed"] + imageLayerCommon,
    what: "it changes the contrast at random during training and passes images through at inference"
  ),
  shapeKeeping(
    "RandomBrightness", summary: "changes the brightness at random during training; no weights",
    file: "image_preprocessing/random_brightness.py",
    arguments: [PreprocessingArguments.brightness, dataFormatArgument],
    inert: ["value_range", "seed"] + imageLayerCommon,
    what:
      "it changes the brightness at random during training and passes images through at inference"),
]

/// Resizing, CenterCrop, RandomCrop: images (height, width, channels) become
/// (height, width, channels) of the sizes given.
struct ImageSizing: LayerModel {
  let typeName: String
  let height: Int
  let width: Int
  let how: String

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    // Keras takes a rank-3 tensor as one image without a batch: paramcalc follows batches.
    guard input.rank == 3 else {
      throw .reason(
        "expected images of rank 4 (batch, height, width, channels), found rank \(input.rank + 1) with shape \(input.description)"
      )
    }
    return try Inference(output: Shape([height, width, input.dims[2]]))
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    .noWeights(
      "\(typeName) has no weights: it \(how) \(height) × \(width).",
      shapeRule:
        "\(input.description) -> \(inference.output.description)\nrows: height = \(height)\ncolumns: width = \(width)\nchannels: unchanged"
    )
  }
}

let preprocessingFamily = LayerFamily(
  "Preprocessing",
  note: """
    Preprocessing layers have no weights. Rescaling, the colour operations (AutoContrast, \
    ContrastLimitedAdaptiveHistogramEqualization) and the random augmentations (which act during \
    training only) keep the shape, whatever its rank, as Keras does; RandomColorDegeneration \
    reads RGB images only. Resizing, CenterCrop and RandomCrop make images of `height` × `width`, \
    keeping the channels (CenterCrop and RandomCrop resize an image smaller than the window \
    first). They read images (batch, height, width, channels): Keras would take a rank-3 tensor \
    as one image without its batch, which paramcalc does not follow.
    """)
