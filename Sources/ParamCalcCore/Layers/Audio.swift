// Audio: STFTSpectrogram (a short-time Fourier transform computed as a convolution whose kernels
// are the DFT's bases, trainable) and MelSpectrogram (a mel spectrogram computed on every call,
// no weights).
// Sources: keras/src/layers/preprocessing/stft_spectrogram.py (__init__ checks, build, call,
// compute_output_shape), keras/src/initializers/constant_initializers.py (STFT: the kernels'
// values), keras/src/ops/operation_utils.py compute_conv_output_shape (the frames), and
// keras/src/layers/preprocessing/mel_spectrogram.py (Keras 3).

let audioExamples = [
  LayerExample("(16000,1)", "add stftspectrogram"),
  LayerExample("(16000,)", "add melspectrogram num_mel_bins=64 sequence_stride=160"),
]

enum AudioArguments {
  static let mode = ArgumentSpec(
    "mode", .choice(["log", "magnitude", "psd", "real", "imag", "angle", "stft"]), default: "log",
    .count,
    "the output: real or imag needs one kernel; stft gives real and imaginary parts (2 × bins)")
  static let frameLength = ArgumentSpec(
    "frame_length", .integer(min: 1), default: 256, .count,
    "samples per frame: each kernel column has one weight per sample")
  static let frameStep = ArgumentSpec(
    "frame_step", .optionalInteger(min: 1), default: .derived("frame_length // 2"), .shape,
    "samples between the starts of two frames (the convolution's stride), ≤ frame_length")
  static let fftLength = ArgumentSpec(
    "fft_length", .optionalInteger(min: 1),
    default: .derived("power of 2 ≥ frame_length"), .count,
    "the DFT's size, ≥ frame_length: fft_length // 2 + 1 frequency bins")
  static let window = ArgumentSpec(
    "window", .choice(stftWindows), default: "hann", .neither,
    "the window multiplied into the kernels' initial values: SciPy's name (as written), None, or"
      + " frame_length numbers")
  static let periodic = ArgumentSpec(
    "periodic", .bool, default: false, .neither, "a periodic window rather than a symmetric one")
  static let scaling = ArgumentSpec(
    "scaling", .choice(["density", "spectrum", "none"]), default: "density", .neither,
    "how the initial kernels are divided by the window's size")
  static let padding = ArgumentSpec(
    "padding", .choice(["valid", "same"]), default: "valid", .shape,
    "valid: whole frames inside the signal; same: ceil(samples / frame_step) frames")
  static let expandDims = ArgumentSpec(
    "expand_dims", .bool, default: false, .shape,
    "frequency and channels on two axes (an image) rather than one")
  // Keras checks neither fft_length nor sequence_length beyond fft_length ≥ the frame: a size of 0
  // or less builds (the shape is the same), and only a call on data fails.
  static let melFFTLength = ArgumentSpec(
    "fft_length", .integer(min: Int.min), default: 2048, .neither,
    "the DFT's size (not a weight: the spectrogram is computed in the call)")
  static let sequenceStride = ArgumentSpec(
    "sequence_stride", .integer(min: 1), default: 512, .shape,
    "samples between the starts of two frames")
  static let sequenceLength = ArgumentSpec(
    "sequence_length", .optionalInteger(min: Int.min), default: .derived("fft_length"), .neither,
    "samples per frame (0 or None: fft_length), ≤ fft_length")
  static let numMelBins = ArgumentSpec(
    "num_mel_bins", .integer(min: 1), default: 128, .shape,
    "mel frequency bands: the rows of the output")
}

/// Keras's refusal of `key` (the span of its value), with a hint.
private func refuse(
  _ r: ArgumentReader, _ key: String, _ message: String, hint: String
) -> ParamCalcError {
  .invalidValue(
    argument: key, message: message,
    at: r.arguments.first { $0.key == key }?.valueSpan ?? r.end, hint: hint)
}

let audioLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "STFTSpectrogram", family: "Audio",
    summary: "a spectrogram by a convolution whose kernels start as the DFT's cosines and sines",
    source: "layers/preprocessing/stft_spectrogram.py; initializers/constant_initializers.py",
    arguments: [
      AudioArguments.mode, AudioArguments.frameLength, AudioArguments.frameStep,
      AudioArguments.fftLength, AudioArguments.window, AudioArguments.periodic,
      AudioArguments.scaling, AudioArguments.padding, AudioArguments.expandDims,
      dataFormatArgument,
    ],
    // It places its channels itself: with expand_dims, Keras's channels_first output is
    // (channels, frames, bins), not the channels-last one with its last axis moved first.
    channelsAxis: nil,
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let mode = try r.choice(AudioArguments.mode)
      let frame = try r.int(AudioArguments.frameLength)
      let step = try r.optionalInt(AudioArguments.frameStep)
      let fft = try r.optionalInt(AudioArguments.fftLength)
      let windowed = try stftWindow(&r, frameLength: frame)
      _ = try r.bool(AudioArguments.periodic)
      let scaled = try r.choice(AudioArguments.scaling) != "none"
      let padding = try r.choice(AudioArguments.padding)
      let expand = try r.bool(AudioArguments.expandDims)
      let first = try r.choice(dataFormatArgument) == "channels_first"
      if let step, step > frame {
        throw refuse(
          r, "frame_step",
          "must not be greater than frame_length = \(frame), found \(step)",
          hint: "frames of \(frame) samples can start at most \(frame) samples apart")
      }
      if let fft, fft < frame {
        throw refuse(
          r, "fft_length",
          "must not be less than frame_length = \(frame), found \(fft)",
          hint: "give fft_length ≥ \(frame), or leave it out (the next power of two)")
      }
      // 2 ** ceil(log2(frame_length)), found by doubling.
      var power = 1
      while fft == nil, power < frame {
        guard power <= Int.max / 2 else {
          throw refuse(
            r, "frame_length", "frame_length=\(frame): no power of two that large fits",
            hint: "give a smaller frame_length")
        }
        power *= 2
      }
      return STFTSpectrogram(
        mode: mode, frameLength: frame, frameStep: step ?? frame / 2, fftLength: fft ?? power,
        fftGiven: fft != nil, padding: padding, expandDims: expand, channelsFirst: first,
        windowed: windowed, scaled: scaled)
    }),
  LayerDescriptor(
    name: "MelSpectrogram", family: "Audio",
    summary: "raw audio to a (num_mel_bins, frames) mel spectrogram; no weights",
    source: "layers/preprocessing/mel_spectrogram.py",
    arguments: [
      AudioArguments.melFFTLength, AudioArguments.sequenceStride, AudioArguments.sequenceLength,
      AudioArguments.numMelBins,
    ],
    inert: [
      "window", "sampling_rate", "min_freq", "max_freq", "power_to_db", "top_db", "mag_exp",
      "min_power", "ref_power",
    ],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let fft = try r.int(AudioArguments.melFFTLength)
      let stride = try r.int(AudioArguments.sequenceStride)
      let length = try r.optionalInt(AudioArguments.sequenceLength)
      let bins = try r.int(AudioArguments.numMelBins)
      // Keras: `sequence_length or fft_length`, so 0 is fft_length too.
      let frame = length == nil || length == 0 ? fft : length!
      if let length, frame > fft {
        throw refuse(
          r, "sequence_length",
          "must not be greater than fft_length = \(fft), found \(length)",
          hint: "give sequence_length ≤ \(fft), or a larger fft_length")
      }
      return MelSpectrogram(stride: stride, melBins: bins, fftLength: fft, frameLength: frame)
    }),
]

/// The frequency bins of a DFT of `fft` samples that a real signal needs: 0 to fft // 2.
func frequencyBins(_ fft: Int) -> Int { fft / 2 + 1 }

/// STFTSpectrogram (stft_spectrogram.py). It reads (batch, samples, channels) (channels first:
/// (batch, channels, samples)) and applies to each channel alone a 1-D convolution of stride
/// `frame_step` whose kernels are `real_kernel` and `imag_kernel`, each (frame_length, 1,
/// fft_length // 2 + 1). It places its channels itself (`data_format`): with `expand_dims` its
/// output's axes are not the channels-last ones moved (Keras: (channels, frames, bins)).
struct STFTSpectrogram: LayerModel {
  let mode: String
  let frameLength: Int
  let frameStep: Int
  let fftLength: Int
  let fftGiven: Bool
  let padding: String
  let expandDims: Bool
  let channelsFirst: Bool
  /// A window multiplies the kernels' initial values (window=None: none), divided by its scale
  /// unless scaling=None.
  var windowed = true
  var scaled = true
  var typeName: String { "STFTSpectrogram" }

  var bins: Int { frequencyBins(fftLength) }
  /// The kernels `build` makes: real_kernel unless mode=imag, imag_kernel unless mode=real.
  var kernelNames: [String] {
    (mode == "imag" ? [] : ["real_kernel"]) + (mode == "real" ? [] : ["imag_kernel"])
  }
  /// The samples' axis and the channels' axis (after the batch).
  var axes: (time: Int, channels: Int) { channelsFirst ? (1, 0) : (0, 1) }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    if frameStep == 0 {
      // Keras's call fails: a convolution of stride 0.
      throw .reason(
        "frame_length=\(frameLength) makes the default frame_step (frame_length // 2) 0, and a"
          + " convolution of stride 0 fails; give frame_step=1")
    }
    if input.rank != 2 {
      let order = channelsFirst ? "channels, samples" : "samples, channels"
      throw .reason(
        "expected an input of rank 3 (batch, \(order)), found rank \(input.rank + 1) with shape \(input.description)"
      )
    }
    guard let channels = input.dims[axes.channels] else {
      throw .reason(
        "the channels of the input \(input.description) are unknown (None); STFTSpectrogram needs them to size its output"
      )
    }
    let frames = try windowOutput(
      input.dims[axes.time], window: frameLength, stride: frameStep, dilation: 1,
      padding: padding, input: input)
    let perChannel = mode == "stft" ? 2 * bins : bins
    let out: [Int?]
    if expandDims {
      out = channelsFirst ? [channels, frames, perChannel] : [frames, perChannel, channels]
    } else {
      let features: Int
      do { features = try Checked.multiply(channels, perChannel) } catch {
        throw .overflow("the output's channels × bins")
      }
      out = channelsFirst ? [features, frames] : [frames, features]
    }
    var weights: [Weight] = []
    for name in kernelNames { weights.append(try Weight(name, [frameLength, 1, bins])) }
    return try Inference(output: Shape(out), weights: weights)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let n = Format.thousands
    let kernels = kernelNames.count
    let which =
      kernels == 2
      ? "mode=\(mode) needs both parts of the DFT: real_kernel (cosines), imag_kernel (sines)"
      : "mode=\(mode) needs only \(kernelNames[0]) (\(mode == "real" ? "cosines" : "sines"))"
    let fftSource =
      "fft_length = \(n(fftLength)) "
      + (fftGiven ? "(argument)" : "(the default: the smallest power of 2 ≥ frame_length)")
    let terms = [
      Term("kernels", kernels, .derived, which),
      Term(
        "frame_length", frameLength, given.source("frame_length"),
        "samples per frame: one weight per sample in each column (the window times a cosine or"
          + " sine at that sample); the middle axis of 1 is the one channel a kernel reads"),
      Term(
        "freq_bins", bins, .derived,
        "\(fftSource): floor(\(n(fftLength)) / 2) + 1 = \(n(bins)) frequency bins, k = 0 to"
          + " \(n(bins - 1)) cycles per \(n(fftLength)) samples"
          + (fftLength > bins
            ? "; the DFT's other \(n(fftLength - bins)) outputs mirror these for a real signal"
            : "")
          + ": one column per bin"),
    ]
    let parts = inference.weights.map {
      Part.weight($0, [n(frameLength), "1", n(bins)], detail: "frame_length × 1 × freq_bins")
    }
    // Keras's initializer divides by 2 × (bins - 1): fft_length when it is even.
    let period = 2 * (bins - 1)
    let w = windowed ? "window × " : ""
    let columns = kernelNames.map {
      $0 == "real_kernel"
        ? "of real_kernel is \(w)cos(2π·k·t / \(n(period)))"
        : "of imag_kernel \(w)−sin(2π·k·t / \(n(period)))"
    }
    let divided =
      !windowed
      ? " (window=None: no window, nothing divided)"
      : scaled ? ", divided by the window's scale (scaling)" : " (scaling=None: not divided)"
    var notes = [
      "each kernel starts as the DFT's basis: column k " + columns.joined(separator: ", ")
        + ", over the samples t of a frame" + divided + "; they are convolved over the signal",
      "the same kernels are applied to every input channel on its own: the count does not depend"
        + " on the channels (the output does)",
      inference.trainable == 0
        ? "trainable=false: the kernels stay the exact STFT (Keras trains them by default)"
        : "Keras trains the kernels by default (trainable=True): give trainable=false to keep"
          + " them the exact STFT",
    ]
    if period == 0 {
      notes[0] =
        "with one bin (fft_length = 1) Keras's initializer divides by 2 × (bins − 1), which is 0:"
        + " the kernels start as NaN"
    }
    if fftLength & (fftLength - 1) != 0 {
      notes.append(
        "fft_length=\(n(fftLength)) is not a power of two: Keras warns (recommended) but takes it")
    }
    return Explanation(
      formula: "kernels * frame_length * freq_bins", terms: terms,
      shapeRule: shapeRule(input, inference.output), notes: notes,
      parts: parts.count > 1 ? parts : [])
  }

  func shapeRule(_ input: Shape, _ output: Shape) -> String {
    let n = Format.thousands
    let t = axes.time
    // The frames are the first axis after the batch, or the second with the channels first.
    let frames = output.dims[channelsFirst ? 1 : 0]
    let channels = input.dims[axes.channels] ?? 0
    let framesLine = windowRule(
      "frames", input.dims[t], frames, window: frameLength, stride: frameStep, dilation: 1,
      padding: padding)
    let perChannel = mode == "stft" ? 2 * bins : bins
    let binsLine =
      mode == "stft"
      ? "bins per channel: 2 × \(n(bins)) = \(n(perChannel)) (mode=stft: the real parts, then the"
        + " imaginary parts)"
      : "bins per channel: \(n(bins)) (mode=\(mode))"
    let placed: String
    let format = channelsFirst ? "channels_first" : "channels_last"
    if expandDims {
      placed =
        "expand_dims=true, \(format): "
        + (channelsFirst ? "(channels, frames, bins)" : "(frames, bins, channels)")
    } else {
      placed =
        "\(format): the channels' bins side by side: \(n(channels)) × \(n(perChannel)) = "
        + n(channels &* perChannel) + (channelsFirst ? ", then the frames" : " per frame")
    }
    return [
      "padding=\(padding), frame_step=\(n(frameStep)): \(input.description) -> \(output.description)",
      framesLine + " (frames of \(n(frameLength)) sample\(frameLength == 1 ? "" : "s"))", binsLine,
      placed,
    ].joined(separator: "\n")
  }
}

/// MelSpectrogram (mel_spectrogram.py): no weights; Keras's compute_output_shape reads the axis
/// after the batch as the samples, whatever the input's rank: (num_mel_bins, frames).
struct MelSpectrogram: LayerModel {
  let stride: Int
  let melBins: Int
  /// fft_length, and the samples of a frame (sequence_length, or fft_length for None or 0).
  var fftLength = 2048
  var frameLength = 2048
  var typeName: String { "MelSpectrogram" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    guard let first = input.dims.first else {
      throw .reason("expected an input of rank 2 or more (batch, samples), found rank 1")
    }
    var frames: Int? = nil
    if let samples = first {
      do { frames = try Checked.add(Checked.add(samples, stride), 1) / stride } catch {
        throw .overflow("the frames")
      }
    }
    return try Inference(output: Shape([melBins, frames]))
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let n = Format.thousands
    let framesLine: String
    if let samples = input.dims.first ?? nil, let frames = inference.output.dims[1] {
      framesLine =
        "frames: floor((\(n(samples)) + \(n(stride)) + 1) / \(n(stride))) = \(n(frames))"
    } else {
      framesLine = "frames: a length L becomes floor((L + \(n(stride)) + 1) / \(n(stride)))"
    }
    let rest = input.rank > 1 ? " (Keras's rule reads only that axis; the others are dropped)" : ""
    var e = Explanation.noWeights(
      "MelSpectrogram has no weights: its window and its mel filter bank (triangles over the"
        + " fft_length // 2 + 1 frequency bins) are computed from its arguments in every call.",
      shapeRule: [
        "\(input.description) -> \(inference.output.description)",
        "the axis after the batch is the samples\(rest)",
        "rows: num_mel_bins = \(n(melBins)) mel bands",
        framesLine + " (Keras's compute_output_shape, sequence_stride=\(n(stride)))",
      ].joined(separator: "\n"))
    if fftLength <= 0 || frameLength <= 0 {
      let which = frameLength == fftLength ? "fft_length" : "sequence_length"
      e.notes.append(
        "\(which)=\(frameLength): Keras builds the layer and gives this shape (it checks only"
          + " fft_length ≥ sequence_length), but a call on data fails: a frame needs at least 1"
          + " sample")
    }
    return e
  }
}

let audioFamily = LayerFamily(
  "Audio",
  note: """
    A spectrogram shows how much of each frequency a sound holds over time: the signal is cut \
    into frames of `frame_length` samples, `frame_step` apart, and each frame's discrete \
    Fourier transform (DFT) of `fft_length` points gives one column of the picture, one row per \
    frequency bin (`fft_length // 2 + 1` of them for a real signal, from 0 to half the sample \
    rate; the DFT's other outputs mirror these). STFTSpectrogram computes the DFT as a 1-D \
    convolution of stride `frame_step` whose weights are the DFT's bases: `real_kernel[t, 0, k] \
    = w[t] · cos(2π·k·t / N) / s` and `imag_kernel[t, 0, k] = −w[t] · sin(2π·k·t / N) / s`, \
    with `w` the window, `s` its scale (`scaling`), N = 2 × (fft_length // 2) (fft_length when \
    even). Each \
    kernel is (frame_length, 1, fft_length // 2 + 1): one row per sample of a frame, one column \
    per frequency bin, and 1 input channel, since every channel of the signal is convolved on \
    its own with the same kernels. So the count is kernels × frame_length × (fft_length // 2 + \
    1): 2 × 256 × 129 = 66,048 with Keras's defaults; `mode=real` builds real_kernel only, \
    `mode=imag` imag_kernel only. Keras trains the kernels by default (`trainable=True`); \
    `trainable=false` keeps them the exact STFT. MelSpectrogram has no weights: it computes its \
    STFT and its mel filter bank (triangles that pool the frequency bins into `num_mel_bins` \
    bands, spaced as human hearing is) in every call. Its output is (num_mel_bins, frames), \
    frames = (samples + sequence_stride + 1) // sequence_stride by Keras's compute_output_shape, \
    reading the samples from the axis after the batch.
    """)
