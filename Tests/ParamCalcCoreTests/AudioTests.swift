import Testing

@testable import ParamCalcCore

/// STFTSpectrogram and MelSpectrogram: the count, the weights and the output shape, each worked
/// out here by hand from the rules of stft_spectrogram.py and mel_spectrogram.py, and the
/// refusals Keras gives. (Keras's own rows for such lines are in keras-exactness.jsonl, compared
/// by KerasExactnessTests.)
@Suite("Audio layers")
struct AudioTests {
  struct STFTCase: Sendable, CustomTestStringConvertible {
    var samples: Int?
    var channels: Int
    var mode = "log"
    var frame = 256
    var step: Int? = nil
    var fft: Int? = nil
    var padding = "valid"
    var expand = false
    var channelsFirst = false

    var line: String {
      var s = "add stftspectrogram mode=\(mode) frame_length=\(frame)"
      if let step { s += " frame_step=\(step)" }
      if let fft { s += " fft_length=\(fft)" }
      if padding != "valid" { s += " padding=\(padding)" }
      if expand { s += " expand_dims=true" }
      if channelsFirst { s += " data_format=channels_first" }
      return s
    }
    var input: String {
      let t = samples.map(String.init) ?? "None"
      return channelsFirst ? "(\(channels),\(t))" : "(\(t),\(channels))"
    }
    var testDescription: String { "input \(input) \(line)" }

    /// The hand rules: the default step is half a frame, the default DFT size the next power of
    /// two; a kernel has one column per bin 0 ... fft // 2 and one row per sample of a frame.
    var hop: Int { step ?? frame / 2 }
    var dft: Int {
      if let fft { return fft }
      var p = 1
      while p < frame { p *= 2 }
      return p
    }
    var bins: Int { dft / 2 + 1 }
    var kernels: [String] {
      mode == "real"
        ? ["real_kernel"] : mode == "imag" ? ["imag_kernel"] : ["real_kernel", "imag_kernel"]
    }
    var params: Int { kernels.count * frame * bins }
    var frames: Int? {
      guard let samples else { return nil }
      return padding == "same" ? (samples + hop - 1) / hop : (samples - frame) / hop + 1
    }
    var output: [Int?] {
      let f = mode == "stft" ? 2 * bins : bins
      switch (expand, channelsFirst) {
      case (false, false): return [frames, channels * f]
      case (false, true): return [channels * f, frames]
      case (true, false): return [frames, f, channels]
      case (true, true): return [channels, frames, f]
      }
    }
  }

  static let stftCases: [STFTCase] = [
    STFTCase(samples: 16000, channels: 1),
    STFTCase(samples: 16000, channels: 2, mode: "stft"),
    STFTCase(samples: 16000, channels: 2, mode: "real", frame: 400, step: 160, padding: "same"),
    STFTCase(samples: 16000, channels: 3, mode: "imag", frame: 255, expand: true),
    STFTCase(samples: 8000, channels: 2, mode: "psd", fft: 500, expand: true, channelsFirst: true),
    STFTCase(samples: 8000, channels: 2, mode: "stft", frame: 64, step: 64, channelsFirst: true),
    STFTCase(samples: nil, channels: 1, mode: "angle", padding: "same"),
    STFTCase(samples: 100, channels: 1, mode: "magnitude", frame: 8, step: 3),
  ]

  @Test(arguments: stftCases) func stftCountWeightsAndShape(_ c: STFTCase) throws {
    let l = try layer(c.input, c.line)
    #expect(l.params == c.params)
    #expect(l.inference.trainable == c.params)
    #expect(l.output.dims == c.output)
    #expect(weights(l) == c.kernels.map { "\($0)[\(c.frame), 1, \(c.bins)]" })
  }

  @Test func stftDefaultsAreKerasDocumentedOnes() throws {
    // Keras's defaults: frame_length 256, frame_step 128, fft_length 256 → 129 bins.
    let l = try layer("(16000,1)", "add stftspectrogram")
    #expect(l.params == 2 * 256 * (256 / 2 + 1))
    #expect(l.output.dims == [(16000 - 256) / 128 + 1, 129])
  }

  @Test func stftFrozenKernels() throws {
    let s = try model("input (16000,1)", "add stftspectrogram trainable=false")
    let l = s.layers.last!
    #expect(l.inference.trainable == 0)
    #expect(l.inference.nonTrainable == 2 * 256 * 129)
  }

  @Test func stftRefusals() {
    let audio = ["input (16000,1)"]
    expectRefusal(after: audio, "add stftspectrogram frame_step=300", .invalidValue, "frame_length")
    expectRefusal(after: audio, "add stftspectrogram frame_step=0", .invalidValue, "at least 1")
    expectRefusal(
      after: audio, "add stftspectrogram frame_length=400 fft_length=300", .invalidValue,
      "less than frame_length")
    expectRefusal(after: audio, "add stftspectrogram frame_length=1", .refused, "frame_step=1")
    expectRefusal(after: audio, "add stftspectrogram mode=power", .invalidValue, "expected one of")
    expectRefusal(
      after: audio, "add stftspectrogram scaling=unit", .invalidValue, "expected one of")
    expectRefusal(after: audio, "add stftspectrogram padding=causal", .invalidValue, "'same'")
    expectRefusal(
      after: audio, "add stftspectrogram window=kaiser", .invalidValue, "must have parameters")
    expectRefusal(after: ["input (16000,)"], "add stftspectrogram", .refused, "rank 3")
    expectRefusal(after: ["input (10,10,1)"], "add stftspectrogram", .refused, "rank 3")
    expectRefusal(after: ["input (100,1)"], "add stftspectrogram", .refused, "zero or negative")
    expectRefusal(after: ["input (16000,None)"], "add stftspectrogram", .refused, "unknown")
  }

  @Test func stftAcceptsWhatKerasAccepts() throws {
    // A DFT size that is not a power of two only warns; a frame of 1 with a step of 1 works.
    #expect(
      try layer("(16000,1)", "add stftspectrogram frame_length=400 fft_length=500").params
        == 2 * 400 * 251)
    #expect(try layer("(16000,1)", "add stftspectrogram frame_length=1 frame_step=1").params == 2)
    for w in ["hamming", "None", "hann"] {
      #expect(try layer("(16000,1)", "add stftspectrogram window=\(w)").params == 2 * 256 * 129)
    }
  }

  @Test(arguments: [
    ("(16000,)", "", 128, (16000 + 512 + 1) / 512),
    ("(16000,1)", "num_mel_bins=64", 64, (16000 + 512 + 1) / 512),
    ("(22050,2,3)", "sequence_stride=256", 128, (22050 + 256 + 1) / 256),
    ("(16000,)", "fft_length=512 sequence_stride=160 num_mel_bins=40", 40, (16000 + 161) / 160),
    ("(10,)", "", 128, (10 + 513) / 512),
  ])
  func melShape(_ input: String, _ args: String, _ bins: Int, _ frames: Int) throws {
    let l = try layer(input, "add melspectrogram " + args)
    #expect(l.params == 0)
    #expect(l.output.dims == [bins, frames])
  }

  @Test func melUnknownLength() throws {
    #expect(try layer("(None,)", "add melspectrogram").output.dims == [128, nil])
  }

  @Test func melRefusals() {
    let audio = ["input (16000,)"]
    expectRefusal(
      after: audio, "add melspectrogram fft_length=512 sequence_length=1024", .invalidValue,
      "fft_length")
    expectRefusal(after: audio, "add melspectrogram sequence_stride=0", .invalidValue, "at least 1")
    expectRefusal(after: audio, "add melspectrogram num_mel_bins=0", .invalidValue, "at least 1")
  }

  /// The window changes only the kernels' initial values: every name SciPy's get_window takes
  /// without a parameter builds the same 2 × 256 × 129 weights; Keras refuses the others.
  @Test(arguments: [
    "blackman", "boxcar", "hann_periodic", "hamming_symmetric", "tukey", "taylor", "exponential",
    "poisson_periodic", "ones", "sinc", "flattop_symmetric", "None",
  ])
  func stftWindowsKerasTakes(_ window: String) throws {
    #expect(try layer("(16000,1)", "add stftspectrogram window=\(window)").params == 2 * 256 * 129)
  }

  @Test func stftWindowRefusals() {
    let audio = ["input (16000,1)"]
    // Names that need a parameter, alone or with a suffix.
    for w in ["gaussian", "kaiser_periodic", "dpss", "chebwin_symmetric", "general_hamming"] {
      expectRefusal(
        after: audio, "add stftspectrogram window=\(w)", .invalidValue, "must have parameters")
    }
    // SciPy reads the name as written.
    expectRefusal(after: audio, "add stftspectrogram window=Hann", .invalidValue, "as written")
    expectRefusal(after: audio, "add stftspectrogram window=HAMMING", .invalidValue, "as written")
    // No such window, and a quoted 'none' (Keras's no-window is None).
    expectRefusal(
      after: audio, "add stftspectrogram window=hannn", .invalidValue, "did you mean 'hann'")
    expectRefusal(
      after: audio, "add stftspectrogram window=hann_periodic_periodic", .invalidValue,
      "no such window")
    expectRefusal(after: audio, "add stftspectrogram window='none'", .invalidValue, "no such")
  }

  /// mode, scaling and padding: Keras compares them with its lists as written.
  @Test func stftChoicesAsWritten() {
    let audio = ["input (16000,1)"]
    for a in ["mode=LOG", "scaling=Density", "padding=VALID"] {
      expectRefusal(after: audio, "add stftspectrogram " + a, .invalidValue, "as written")
    }
    expectRefusal(
      after: audio, "add stftspectrogram scaling='none'", .invalidValue, "a string, not None")
  }

  /// A window given as numbers: one per sample of a frame.
  @Test func stftWindowAsNumbers() throws {
    let l = try layer("(100,1)", "add stftspectrogram frame_length=3 window=(0.5,1,0.5)")
    // Two kernels of frame_length × 1 × (fft_length // 2 + 1), fft_length = 4: 2 × 3 × 3.
    #expect(l.params == 2 * 3 * 3)
    expectRefusal(
      after: ["input (100,1)"], "add stftspectrogram frame_length=3 window=(0.5,1)",
      .invalidValue, "[frame_length] = [3]")
    expectRefusal(
      after: ["input (100,1)"], "add stftspectrogram frame_length=3 window=('kaiser',8)",
      .invalidValue, "not read by paramcalc")
  }

  /// Keras checks only fft_length ≥ sequence_length (sequence_length or fft_length): a size of 0
  /// or less builds, with the same shape (the call on data would fail, as explain says).
  @Test(arguments: [
    ("fft_length=0", "fft_length=0"), ("fft_length=-512", "fft_length=-512"),
    ("sequence_length=-3", "sequence_length=-3"), ("fft_length=-5 sequence_length=-7", "-7"),
    ("fft_length=0 sequence_length=0", "fft_length=0"),
  ])
  func melSizesOfZeroOrLessBuild(_ args: String, _ note: String) throws {
    let s = try model("input (16000,)", "add melspectrogram " + args)
    let l = s.layers.last!
    #expect(l.output.dims == [128, (16000 + 512 + 1) / 512])
    #expect(l.explanation.notes.contains { $0.contains(note) && $0.contains("call on data fails") })
  }

  @Test func melFrameLongerThanTheDFT() {
    let audio = ["input (16000,)"]
    expectRefusal(
      after: audio, "add melspectrogram fft_length=-5 sequence_length=3", .invalidValue,
      "fft_length = -5")
    expectRefusal(
      after: audio, "add melspectrogram fft_length=-5 sequence_length=-3", .invalidValue,
      "fft_length = -5")
  }

  /// The kernels' initial values as stft.py makes them: with window=None the bare cosines and
  /// sines (the initializer then sets the scale to 1); with scaling=None not divided.
  @Test func theWindowSaysHowTheKernelsStart() throws {
    func first(_ args: String) throws -> String {
      try model("input (100,1)", "add stftspectrogram frame_length=4 " + args).layers.last!
        .explanation.notes[0]
    }
    #expect(try first("").contains("window × cos(2π·k·t / 4), of imag_kernel window × −sin"))
    #expect(try first("").contains("divided by the window's scale"))
    #expect(try first("window=None").contains("real_kernel is cos(2π·k·t / 4)"))
    #expect(try first("window=None").contains("no window, nothing divided"))
    #expect(try first("scaling=None").contains("window × cos"))
    #expect(try first("scaling=None").contains("not divided"))
  }

  @Test func explanationsNameTheirTerms() throws {
    let s = try model("input (16000,1)", "add stftspectrogram mode=real")
    let e = s.layers.last!.explanation
    #expect(e.substituted == "1 * 256 * 129")
    let mel = try model("input (16000,)", "add melspectrogram").layers.last!.explanation
    #expect(mel.formula == "0")
  }
}
