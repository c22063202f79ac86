import Testing

@testable import ParamCalcCore

/// Normalization given its mean and variance: a number for all, or a list (tuples in tuples for
/// more axes) set against the last kept axes, each of its axes the size there or 1
/// (normalization.py `__init__` and `build`). No weights either way.
@Suite("Normalization with a fixed mean and variance")
struct FixedNormalizationTests {
  func outcome(_ input: String, _ add: String) -> Result<String, ParamCalcError> {
    ArgumentSpecTests.outcome(.standard, input, add)
  }

  @Test(arguments: [
    ("(224,224,3)", "axis=3 mean=(0.485,0.456,0.406) variance=(0.052441,0.050176,0.050625)"),
    ("(10,6)", "mean=(1,2,3,4,5,6) variance=(1,1,1,1,1,1)"),
    ("(10,6)", "mean=(7,) variance=(1,)"),
    // Two kept axes: mean's one axis stands for the last (6), or both are given.
    ("(10,6)", "axis=(1,2) mean=(1,2,3,4,5,6) variance=(1,1,1,1,1,1)"),
    ("(4,2)", "axis=(1,2) mean=((1,2),(1,2),(1,2),(1,2)) variance=((1,2),(1,2),(1,2),(1,2))"),
    // Kept axes are taken in the input's order, whatever order axis gives them in: (4, 2).
    ("(4,6,2)", "axis=(3,1) mean=((1,2),(1,2),(1,2),(1,2)) variance=((1,2),(1,2),(1,2),(1,2))"),
    ("(10,6)", "axis=None mean=0.5 variance=2"),
  ])
  func aFittingMeanMakesNoWeights(_ input: String, _ arguments: String) throws {
    let got = outcome(input, "add normalization " + arguments)
    guard case .success(let text) = got else {
      Issue.record("\(arguments): \(got)")
      return
    }
    #expect(text.hasPrefix("0 (0 trainable)"), "\(arguments): \(text)")
  }

  /// Refused where Keras refuses, each naming what is wrong.
  @Test(arguments: [
    // 3 means for 6 features: neither 6 nor 1.
    ("(10,6)", "mean=(1,2,3) variance=(1,1,1)", "do not fit the kept axes of sizes (6,)"),
    ("(10,6)", "mean=(1,2,3,4,5,6) variance=1", "same shape"),
    ("(10,6)", "mean=(1,2,3,4,5,6) variance=(1,1,1,1,1)", "same shape"),
    // axis=None keeps no axis: a list has one too many.
    ("(10,6)", "axis=None mean=(1,2) variance=(1,2)", "more axes than the 0 kept"),
    ("(10,6)", "mean=((1,2,3,4,5,6),) variance=((1,1,1,1,1,1),)", "more axes than the 1 kept"),
    ("(10,6)", "mean=() variance=()", "do not fit"),
    ("(10,6)", "mean=((1,2),(3,)) variance=((1,2),(3,))", "each level of one length"),
    ("(10,6)", "mean=(1,2,3,4,5,6)", "together or not at all"),
  ])
  func anUnfittingMeanIsRefused(_ input: String, _ arguments: String, _ words: String) throws {
    let got = outcome(input, "add normalization " + arguments)
    guard case .failure(let error) = got else {
      Issue.record("\(arguments): taken")
      return
    }
    #expect(error.message.contains(words), "\(arguments): \(error.message)")
  }
}
