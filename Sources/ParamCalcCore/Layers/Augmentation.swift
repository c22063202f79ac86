// Preprocessing, continued: the other image augmentations and colour operations Keras 3 exports.
// None has weights, and each keeps its input's shape (Keras's compute_output_shape returns the
// input shape, of any rank); RandomColorDegeneration alone reads RGB images only.
// Source: keras/src/layers/preprocessing/image_preprocessing/ (one file per layer, named below);
// the factors follow BaseImagePreprocessingLayer._set_factor (base_image_preprocessing_layer.py).

let augmentationExamples = [
  LayerExample("(32,32,3)", "add randomgrayscale factor=0.2"),
  LayerExample("(32,32,3)", "add randomhue factor=0.2"),
  LayerExample("(32,32,3)", "add randomsaturation factor=0.5"),
  LayerExample("(32,32,3)", "add randomsharpness factor=0.2"),
  LayerExample("(32,32,3)", "add randomshear x_factor=0.2"),
  LayerExample("(32,32,3)", "add randomposterization factor=(1,4)"),
  LayerExample("(32,32,3)", "add randominvert factor=0.5"),
  LayerExample("(32,32,3)", "add randomcolorjitter brightness_factor=0.2"),
  LayerExample("(32,32,3)", "add randomcolordegeneration factor=0.5"),
  LayerExample("(32,32,3)", "add randomperspective factor=0.5"),
  LayerExample("(32,32,3)", "add randomelastictransform factor=0.5"),
  LayerExample("(32,32,3)", "add randomerasing factor=0.5"),
  LayerExample("(32,32,3)", "add randomgaussianblur factor=0.5"),
  LayerExample("(32,32,3)", "add solarization addition_factor=0.2"),
  LayerExample("(32,32,3)", "add autocontrast"),
  LayerExample("(32,32,3)", "add mixup alpha=0.2"),
  LayerExample("(32,32,3)", "add cutmix factor=0.5"),
  LayerExample("(32,32,3)", "add randaugment num_ops=2"),
  LayerExample("(32,32,3)", "add augmix factor=0.3"),
  LayerExample("(32,32,3)", "add maxnumboundingboxes max_number=10"),
  LayerExample("(32,32,3)", "add contrastlimitedadaptivehistogramequalization"),
]

/// The factors of the augmentations, each declared once.
enum AugmentationArguments {
  typealias P = PreprocessingArguments
  static let grayscale = ArgumentSpec(
    "factor", .number(0...1), default: 0.5, .neither, "chance that an image is made grey")
  static let hue = P.factor("factor", 0...1, "largest shift of hue")
  static let saturation = P.factor("factor", -1...1, "largest change of saturation")
  static let sharpness = P.factor("factor", 0...1, "largest change of sharpness")
  static let posterization = P.factor("factor", 1...8, "bits kept per colour channel")
  static let invert = P.factor("factor", 0...1, default: 1.0, "chance that an image is inverted")
  static let degeneration = P.factor("factor", -1...1, "largest blend toward grey")
  static let perspective = P.factor("factor", 0...1, default: 1.0, "chance of a warp")
  static let elastic = P.factor("factor", 0...1, default: 1.0, "chance of a deformation")
  static let erasing = P.factor("factor", 0...1, default: 1.0, "chance that a patch is erased")
  static let blur = P.factor("factor", 0...1, default: 1.0, "chance that an image is blurred")
  static let cutMix = P.factor("factor", 0...1, default: 1.0, "how large the patches are")
  static let randAugment = P.factor("factor", 0...1, default: 0.5, "strength of each operation")
  static let augMix = P.factor("factor", 0...1, default: 0.3, "strength of each operation")
  /// The base image layer's factor, taken by layers that do not use it: Keras checks it (a
  /// number from -1 to 1, or a pair) and keeps it.
  static let unusedFactor = P.factor(
    "factor", -1...1, default: .none, "checked by Keras's base image layer, unused by this one")
  // The other strengths, each as its layer checks it (image_preprocessing/*.py).
  static let shearX = P.factor(
    "x_factor", 0...1, pair: .each, default: 0.0, "largest horizontal shear")
  static let shearY = P.factor(
    "y_factor", 0...1, pair: .each, default: 0.0, "largest vertical shear")
  static let addition = P.factor(
    "addition_factor", 0...1, pair: .each, default: 0.0, "largest value added before solarizing")
  static let threshold = P.factor(
    "threshold_factor", 0...1, pair: .each, default: 0.0, "largest threshold above which to invert")
  static let sigma = P.factor("sigma", 0...1, default: 1.0, "largest blur's standard deviation")
  static let perspectiveScale = ArgumentSpec(
    "scale", .number(0...1), default: 1.0, .neither, "largest shift of the corners")
  static let elasticScale = P.factor("scale", 0...1, default: 1.0, "largest displacement")
  static let erasingScale = P.factor(
    "scale", 0...1, default: .derived("(0.02, 0.33)"), "fraction of the image a patch covers")
  // RandomColorJitter builds the four layers it names: each checks its factor.
  static let jitterBrightness = P.factor(
    "brightness_factor", -1...1, default: .none, "as RandomBrightness's factor")
  static let jitterContrast = P.factor(
    "contrast_factor", 0...1, default: .none, "as RandomContrast's factor")
  static let jitterSaturation = P.factor(
    "saturation_factor", -1...1, default: .none, "as RandomSaturation's factor")
  static let jitterHue = P.factor("hue_factor", 0...1, default: .none, "as RandomHue's factor")
  // The choices Keras's affine transform and map_coordinates check when the layer is called
  // (as written: no lower-casing).
  static let interpolation = ArgumentSpec(
    "interpolation", .choice(["bilinear", "nearest"]), default: "bilinear", .neither,
    "how a pixel between the grid's points is read")
  static let shearFill = ArgumentSpec(
    "fill_mode", .choice(["reflect", "wrap", "constant", "nearest"]), default: "reflect",
    .neither, "how points outside the image are filled")
  static let elasticFill = ArgumentSpec(
    "fill_mode", .choice(["reflect", "wrap", "constant", "nearest", "mirror"]),
    default: "reflect", .neither, "how points outside the image are filled")
  static let blurKernel = ArgumentSpec(
    "kernel_size", .text("odd number, or a pair of them"), default: .derived("3"), .neither,
    "the blur's size in pixels (odd, so that it has a middle)")
  static let maxNumber = ArgumentSpec(
    "max_number", .number(PreprocessingArguments.anyNumber), default: .required, .neither,
    "how many bounding boxes are kept (images pass unchanged)")
}

/// What every image layer accepts without effect on the count or the shape (base_image_
/// preprocessing_layer.py): the format of its bounding boxes.
let imageLayerCommon = ["bounding_box_format"]

/// An augmentation: its name, file, what it does (a sentence after "it"), its checked factor (if
/// any) and the other arguments it accepts (as Keras 3.15 accepts them, keras-accepted-
/// arguments.json).
func augmentation(
  _ name: String, _ file: String, _ does: String, summary: String,
  factor: ArgumentSpec? = nil, checked: [ArgumentSpec] = [], inert: [String] = []
) -> LayerDescriptor {
  let base = shapeKeeping(
    name, summary: summary + "; no weights", file: "image_preprocessing/\(file)",
    arguments: (factor.map { [$0] } ?? []) + checked + [dataFormatArgument],
    inert: inert + imageLayerCommon, what: "it \(does)")
  // RandomGaussianBlur's kernel_size is checked before the common reading. (The choices Keras
  // compares as written, interpolation and fill_mode, are read so by their spec.)
  let kernel = checked.contains { $0.name == AugmentationArguments.blurKernel.name }
  guard kernel else { return base }
  return LayerDescriptor(
    name: base.name, family: base.family, summary: base.summary, source: base.source,
    arguments: base.arguments, inert: base.inert, channelsAxis: nil,
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      try blurKernelSize(&r)
      return try base.make(&r)
    })
}

/// RandomGaussianBlur's kernel_size (random_gaussian_blur.py `_set_kernel_size`): a number that
/// `x % 2` does not find even (an odd integer, or a fraction), or a pair of them.
func blurKernelSize(_ r: inout ArgumentReader) throws(ParamCalcError) {
  let spec = AugmentationArguments.blurKernel
  guard let a = r.take(spec.name) else { return }
  func odd(_ v: Value) -> Bool? {
    switch v {
    case .int(let n): return n % 2 != 0
    case .bool(let b): return b
    case .float(let x): return x.truncatingRemainder(dividingBy: 2) != 0
    default: return nil
    }
  }
  let fine: Bool
  switch a.value {
  case .tuple(let items) where items.count == 2:
    fine = items.allSatisfy { odd($0) == true }
  case .tuple:
    throw .invalidValue(
      argument: spec.name,
      message: "should be a number (or a list of two numbers), found \(a.value.shown)",
      at: a.valueSpan, hint: "give an odd number, e.g. kernel_size=3, or a pair such as (3,5)")
  default: fine = odd(a.value) == true
  }
  if !fine {
    throw .invalidValue(
      argument: spec.name, message: "must be an odd number, found \(a.value.shown)",
      at: a.valueSpan,
      hint: "a blur's kernel has a middle pixel: give an odd size, e.g. kernel_size=3")
  }
}

/// What the colour augmentations accept besides: a seed and the range of pixel values.
let seedAndRange = ["seed", "value_range"]

let augmentationLayers: [LayerDescriptor] = {
  typealias A = AugmentationArguments
  let during = "during training and passes images through at inference"
  var out: [LayerDescriptor] = [
    augmentation(
      "RandomGrayscale", "random_grayscale.py", "makes images grey at random \(during)",
      summary: "makes images grey at random during training", factor: A.grayscale,
      inert: ["seed"]),
    augmentation(
      "RandomHue", "random_hue.py", "shifts the hue at random \(during)",
      summary: "shifts the hue at random during training", factor: A.hue, inert: seedAndRange),
    augmentation(
      "RandomSaturation", "random_saturation.py", "changes the saturation at random \(during)",
      summary: "changes the saturation at random during training", factor: A.saturation,
      inert: seedAndRange),
    augmentation(
      "RandomSharpness", "random_sharpness.py", "changes the sharpness at random \(during)",
      summary: "changes the sharpness at random during training", factor: A.sharpness,
      inert: seedAndRange),
    augmentation(
      "RandomShear", "random_shear.py", "shears images at random \(during)",
      summary: "shears images at random during training",
      checked: [A.shearX, A.shearY, A.interpolation, A.shearFill],
      inert: ["fill_value", "seed"]),
    augmentation(
      "RandomPosterization", "random_posterization.py",
      "keeps fewer bits of each colour at random \(during)",
      summary: "keeps fewer bits of each colour at random during training",
      factor: A.posterization, inert: seedAndRange),
    augmentation(
      "RandomInvert", "random_invert.py", "inverts images at random \(during)",
      summary: "inverts images at random during training", factor: A.invert, inert: seedAndRange),
    augmentation(
      "RandomColorJitter", "random_color_jitter.py",
      "changes brightness, contrast, saturation and hue at random \(during)",
      summary: "changes brightness, contrast, saturation and hue at random during training",
      factor: A.unusedFactor,
      checked: [A.jitterBrightness, A.jitterContrast, A.jitterSaturation, A.jitterHue],
      inert: seedAndRange),
    augmentation(
      "RandomPerspective", "random_perspective.py", "warps the perspective at random \(during)",
      summary: "warps the perspective at random during training", factor: A.perspective,
      checked: [A.perspectiveScale, A.interpolation], inert: ["fill_value", "seed"]),
    augmentation(
      "RandomElasticTransform", "random_elastic_transform.py",
      "deforms images elastically at random \(during)",
      summary: "deforms images elastically at random during training", factor: A.elastic,
      checked: [A.elasticScale, A.interpolation, A.elasticFill],
      inert: ["fill_value"] + seedAndRange),
    augmentation(
      "RandomErasing", "random_erasing.py", "erases random patches \(during)",
      summary: "erases random patches during training", factor: A.erasing,
      checked: [A.erasingScale], inert: ["fill_value"] + seedAndRange),
    augmentation(
      "RandomGaussianBlur", "random_gaussian_blur.py", "blurs images at random \(during)",
      summary: "blurs images at random during training", factor: A.blur,
      checked: [A.blurKernel, A.sigma], inert: seedAndRange),
    augmentation(
      "Solarization", "solarization.py", "inverts the bright pixels at random \(during)",
      summary: "inverts the bright pixels at random during training",
      checked: [A.addition, A.threshold], inert: seedAndRange),
    augmentation(
      "AutoContrast", "auto_contrast.py",
      "stretches each image's values to the full range, with no weights to learn",
      summary: "stretches each image's values to the full range", inert: ["value_range"]),
    augmentation(
      "MixUp", "mix_up.py", "blends pairs of images of a batch \(during)",
      summary: "blends pairs of images during training", factor: A.unusedFactor,
      inert: ["alpha", "seed"]),
    augmentation(
      "CutMix", "cut_mix.py", "pastes patches between images of a batch \(during)",
      summary: "pastes patches between images during training", factor: A.cutMix,
      inert: ["seed"]),
    augmentation(
      "RandAugment", "rand_augment.py", "applies random operations \(during)",
      summary: "applies random operations during training", factor: A.randAugment,
      checked: [A.interpolation], inert: ["num_ops"] + seedAndRange),
    augmentation(
      "AugMix", "aug_mix.py", "mixes chains of random operations \(during)",
      summary: "mixes chains of random operations during training", factor: A.augMix,
      checked: [A.interpolation],
      inert: ["num_chains", "chain_depth", "alpha", "all_ops"] + seedAndRange),
    augmentation(
      "ContrastLimitedAdaptiveHistogramEqualization", "clahe.py",
      "equalizes the histogram of each tile of an image, with no weights to learn",
      summary: "equalizes the histogram of each tile of an image",
      factor: A.unusedFactor, inert: ["clip_limit", "tile_grid_size", "value_range"]),
  ]
  out.append(
    shapeKeeping(
      "MaxNumBoundingBoxes", summary: "caps the bounding boxes of a batch; images pass; no weights",
      file: "image_preprocessing/max_num_bounding_box.py",
      arguments: [A.maxNumber, A.unusedFactor, dataFormatArgument],
      inert: ["fill_value"] + imageLayerCommon,
      what: "it caps the number of bounding boxes and passes images through unchanged"))
  out.append(
    LayerDescriptor(
      name: "RandomColorDegeneration", family: "Preprocessing",
      summary: "blends RGB images toward grey at random during training; no weights",
      source: "layers/preprocessing/image_preprocessing/random_color_degeneration.py",
      arguments: [A.degeneration, dataFormatArgument, seedArgument],
      inert: ["value_range"] + imageLayerCommon,
      make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
        try r.factor(A.degeneration, example: "add randomcolordegeneration factor=0.5")
        _ = try r.choice(dataFormatArgument)
        _ = try r.optionalInt(seedArgument)
        return ColorImages(typeName: "RandomColorDegeneration")
      }))
  return out
}()

/// RandomColorDegeneration: RGB images, kept as they are.
struct ColorImages: LayerModel {
  let typeName: String

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    // Keras takes a rank-3 tensor as one image without its batch, and a rank-4 one as a batch.
    guard input.rank == 2 || input.rank == 3 else {
      throw .reason(
        "expected images of rank 3 or 4 (batch, height, width, channels), found rank \(input.rank + 1) with shape \(input.description)"
      )
    }
    if let c = input.dims[input.rank - 1], c != 3 {
      throw .reason("input images must have 3 channels (RGB), found \(c)")
    }
    return try Inference(output: input)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    .noWeights(
      "\(typeName) has no weights: it blends RGB images toward grey at random during training"
        + " and passes them through at inference.",
      shapeRule: "output shape = input shape \(input.description)")
  }
}
