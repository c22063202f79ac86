import Testing

@testable import ParamCalcCore

/// The augmentations' arguments as Keras 3.15 checks them (image_preprocessing/*.py, and the
/// affine transform and map_coordinates their calls use): what is refused, what is taken.
@Suite("Augmentation argument checks")
struct AugmentationChecksTests {
  static let image = ["input (32,32,3)"]

  /// random_gaussian_blur.py `_set_kernel_size`: a number `x % 2` finds not even (an odd
  /// integer, negative too, or a fraction), or a pair of them.
  @Test(arguments: ["3", "1", "-3", "2.5", "true", "(3,5)", "(1,1)", "(5,3)", "(-1,3)"])
  func blurKernelSizesKerasTakes(_ size: String) throws {
    let l = try layer("(32,32,3)", "add randomgaussianblur kernel_size=\(size)")
    #expect(l.params == 0 && l.output.dims == [32, 32, 3])
  }

  @Test func blurKernelSizesKerasRefuses() {
    for size in ["2", "4", "0", "2.0", "false", "None", "(3,4)", "(4,4)"] {
      expectRefusal(
        after: Self.image, "add randomgaussianblur kernel_size=\(size)", .invalidValue,
        "must be an odd number")
    }
    for size in ["(3,5,7)", "(3,5,7,9)"] {
      expectRefusal(
        after: Self.image, "add randomgaussianblur kernel_size=\(size)", .invalidValue,
        "a list of two numbers")
    }
  }

  /// interpolation: nearest or bilinear, as written, wherever an augmentation takes it.
  @Test(arguments: [
    "randomshear", "randomperspective", "randomelastictransform", "randaugment", "augmix",
  ])
  func interpolation(_ type: String) throws {
    for v in ["nearest", "bilinear"] {
      #expect(try layer("(32,32,3)", "add \(type) interpolation=\(v)").params == 0)
    }
    expectRefusal(
      after: Self.image, "add \(type) interpolation=foo", .invalidValue,
      "expected one of 'bilinear', 'nearest'")
    expectRefusal(
      after: Self.image, "add \(type) interpolation=bicubic", .invalidValue, "expected one of")
    expectRefusal(
      after: Self.image, "add \(type) interpolation=BILINEAR", .invalidValue, "as written")
  }

  /// fill_mode: RandomShear's affine transform takes four; RandomElasticTransform's
  /// map_coordinates mirror too.
  @Test func fillMode() throws {
    for v in ["reflect", "wrap", "constant", "nearest"] {
      #expect(try layer("(32,32,3)", "add randomshear fill_mode=\(v)").params == 0)
      #expect(try layer("(32,32,3)", "add randomelastictransform fill_mode=\(v)").params == 0)
    }
    #expect(try layer("(32,32,3)", "add randomelastictransform fill_mode=mirror").params == 0)
    expectRefusal(
      after: Self.image, "add randomshear fill_mode=mirror", .invalidValue, "expected one of")
    expectRefusal(
      after: Self.image, "add randomelastictransform fill_mode=Reflect", .invalidValue,
      "as written")
  }
}
