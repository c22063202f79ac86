// Audio, continued: the windows STFTSpectrogram takes, as Keras checks them. Keras's __init__
// asks SciPy's `get_window(window, 1)` of a name (which refuses an unknown name, another case,
// and a name that needs a parameter), and the STFT initializer checks a window given as values.
// Sources: keras/src/layers/preprocessing/stft_spectrogram.py (__init__),
// keras/src/initializers/constant_initializers.py (STFT.__call__), and
// scipy/signal/windows/_windows.py (get_window, _WIN_FUNC_DATA; SciPy 1.17).

/// SciPy's windows that need no parameter (scipy.signal.get_window, SciPy 1.17), each with its
/// aliases, the window's own name first. Keras asks `get_window(name, 1)` and builds with any of
/// them, or any of them ending in `_symmetric` or `_periodic` (which then overrides `periodic`).
let scipyWindows: [[String]] = [
  ["hann", "han"], ["hamming", "hamm", "ham"], ["barthann", "brthan", "bth"],
  ["bartlett", "bart", "brt"], ["blackman", "black", "blk"],
  ["blackmanharris", "blackharr", "bkh"], ["bohman", "bman", "bmn"],
  ["boxcar", "box", "ones", "rect", "rectangular"], ["cosine", "halfcosine"],
  ["exponential", "poisson"], ["flattop", "flat", "flt"], ["lanczos", "sinc"],
  ["nuttall", "nutl", "nut"], ["parzen", "parz", "par"], ["taylor", "taylorwin"],
  ["triangle", "triang", "tri"], ["tukey", "tuk"],
]

/// SciPy's windows that need a parameter: `get_window(name, 1)` refuses the name alone.
let scipyParameterWindows = [
  "chebwin", "cheb", "dpss", "gaussian", "gauss", "gss", "general cosine", "general_cosine",
  "general gaussian", "general_gaussian", "general gauss", "general_gauss", "ggs",
  "general hamming", "general_hamming", "kaiser", "ksr", "kaiser bessel derived",
  "kaiser_bessel_derived", "kbd",
]

/// The values of STFTSpectrogram's `window` Keras builds with: None, and each of SciPy's names
/// without a parameter, alone or ending in `_symmetric` or `_periodic`.
let stftWindows =
  ["hann", "none"]
  + scipyWindows.joined().flatMap { [$0, $0 + "_symmetric", $0 + "_periodic"] }.filter {
    $0 != "hann"
  }

/// Reads STFTSpectrogram's `window` as Keras checks it: SciPy's `get_window(name, 1)` takes a
/// name as written (no lower-casing) and refuses a name that needs a parameter; a window given as
/// numbers must have frame_length of them (the initializer's check when the layer is built).
/// Whether there is a window (None: the kernels are the bare cosines and sines).
func stftWindow(_ r: inout ArgumentReader, frameLength: Int) throws(ParamCalcError) -> Bool {
  let spec = AudioArguments.window
  guard let a = r.arguments.first(where: { $0.key == spec.name }) else { return true }
  switch a.value {
  case .none: return try r.choice(spec) != "none"
  case .string(let name) where stftWindows.contains(name) && name != "none":
    return try r.choice(spec) != "none"
  case .string(let name):
    var base = name
    for suffix in ["_symmetric", "_periodic"] where base.hasSuffix(suffix) {
      base.removeLast(suffix.count)
    }
    if scipyParameterWindows.contains(base) {
      throw windowRefusal(
        a,
        "'\(base)' must have parameters (SciPy's get_window), found \(a.value.shown) alone",
        hint: "paramcalc reads a window by its name: give one without a parameter, e.g."
          + " window=hann, or leave it out; the window changes only the kernels' initial values")
    }
    let lower = name.lowercased()
    if lower == "none" {
      throw windowRefusal(
        a, "invalid window name \(a.value.shown): SciPy's get_window has no such window",
        hint: "write window=None, unquoted, for no window")
    }
    if stftWindows.contains(lower) {
      throw windowRefusal(
        a,
        "invalid window name \(a.value.shown): SciPy's get_window reads names as written",
        hint: "write it in lower case: window=\(lower)")
    }
    // Keras: "Invalid window name"; the names are many, so the message lists each window once.
    var message =
      "expected one of " + scipyWindows.map { "'\($0[0])'" }.joined(separator: ", ")
      + " or None (or an alias, each also ending in _symmetric or _periodic: see 'help"
      + " stftspectrogram'), found \(a.value.shown): SciPy's get_window knows no such window"
    if let near = Suggestion.nearest(to: name, in: stftWindows) {
      message += " (did you mean '\(near)'?)"
    }
    throw windowRefusal(a, message, hint: "the window changes only the kernels' initial values")
  case .tuple(let items):
    _ = r.take(spec.name)
    let numbers = items.allSatisfy {
      switch $0 {
      case .int, .float: return true
      default: return false
      }
    }
    if numbers, items.count == frameLength { return true }
    if numbers {
      throw windowRefusal(
        a,
        "the shape of window must be equal to [frame_length] = [\(frameLength)], found"
          + " \(items.count) number\(items.count == 1 ? "" : "s")",
        hint: "give one number per sample of a frame (\(frameLength)), or a window's name")
    }
    throw windowRefusal(
      a,
      "a window with parameters such as ('kaiser', 8) is not read by paramcalc (Keras takes it)",
      hint: "give a window without a parameter, e.g. window=hann, or leave it out: the window"
        + " changes only the kernels' initial values, not the count")
  default: return try r.choice(spec) != "none"
  }
}

/// The refusal of the window `a` (the span of its value), with a hint.
private func windowRefusal(_ a: Argument, _ message: String, hint: String) -> ParamCalcError {
  .invalidValue(argument: a.key, message: message, at: a.valueSpan, hint: hint)
}
