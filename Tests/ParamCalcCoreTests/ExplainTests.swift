import Foundation
import Testing

@testable import ParamCalcCore

/// The `explain` text of the last layer of a model made of `input` and `add`.
func explainText(_ input: String, _ add: String) throws -> String {
  let s = try model("input \(input)", add)
  return TextRenderer().explain(s.count, s)
}

/// `text` with its line breaks and runs of spaces as single spaces: a sentence wrapped to fit
/// the screen reads whole again.
func oneLine(_ text: String) -> String {
  text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
}

/// A small evaluator for the arithmetic `explain` prints: integers (with thousands separators),
/// `+ - − × * /`, parentheses, `floor(` and `ceil(`. Division is exact (rational), so `floor` and
/// `ceil` see the true quotient. Returns nil for anything else (names, `None`, words).
enum Arithmetic {
  struct Q: Equatable {
    var n: Int
    var d: Int
    init(_ n: Int, _ d: Int = 1) {
      func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }
      let g = max(1, gcd(n, d))
      let s = d < 0 ? -1 : 1
      self.n = s * n / g
      self.d = s * d / g
    }
    static func + (a: Q, b: Q) -> Q { Q(a.n * b.d + b.n * a.d, a.d * b.d) }
    static func - (a: Q, b: Q) -> Q { Q(a.n * b.d - b.n * a.d, a.d * b.d) }
    static func * (a: Q, b: Q) -> Q { Q(a.n * b.n, a.d * b.d) }
    static func / (a: Q, b: Q) -> Q { Q(a.n * b.d, a.d * b.n) }
    var floor: Q { Q(Int((Double(n) / Double(d)).rounded(.down))) }
    var ceil: Q { Q(Int((Double(n) / Double(d)).rounded(.up))) }
  }

  enum Token: Equatable {
    case number(Int), op(Character), open, close, fn(String)
  }

  static func tokens(_ text: String) -> [Token]? {
    var out: [Token] = []
    let c = Array(text)
    var i = 0
    while i < c.count {
      let ch = c[i]
      if ch == " " {
        i += 1
      } else if ch.isASCII && ch.isNumber {
        var digits = ""
        while i < c.count,
          (c[i].isASCII && c[i].isNumber)
            || (c[i] == "," && i + 1 < c.count && c[i + 1].isASCII && c[i + 1].isNumber
              && !digits.isEmpty)
        {
          if c[i] != "," { digits.append(c[i]) }
          i += 1
        }
        guard let n = Int(digits) else { return nil }
        out.append(.number(n))
      } else if "+-−×*/".contains(ch) {
        out.append(.op(ch == "−" ? "-" : ch == "×" ? "*" : ch))
        i += 1
      } else if ch == "(" {
        out.append(.open)
        i += 1
      } else if ch == ")" {
        out.append(.close)
        i += 1
      } else {
        let rest = String(c[i...])
        if rest.hasPrefix("floor(") {
          out.append(.fn("floor"))
          i += 5
        } else if rest.hasPrefix("ceil(") {
          out.append(.fn("ceil"))
          i += 4
        } else {
          return nil
        }
      }
    }
    return out.isEmpty ? nil : out
  }

  /// The value of `text`, or nil when it is not plain arithmetic.
  static func evaluate(_ text: String) -> Q? {
    guard let t = tokens(text) else { return nil }
    var p = 0
    func primary() -> Q? {
      guard p < t.count else { return nil }
      switch t[p] {
      case .number(let n):
        p += 1
        return Q(n)
      case .fn(let f):
        p += 1
        guard p < t.count, t[p] == .open else { return nil }
        guard let v = primary() else { return nil }
        return f == "floor" ? v.floor : v.ceil
      case .open:
        p += 1
        guard let v = sum(), p < t.count, t[p] == .close else { return nil }
        p += 1
        return v
      default: return nil
      }
    }
    func product() -> Q? {
      guard var v = primary() else { return nil }
      while p < t.count, case .op(let o) = t[p], o == "*" || o == "/" {
        p += 1
        guard let r = primary() else { return nil }
        if o == "/" && r.n == 0 { return nil }
        v = o == "*" ? v * r : v / r
      }
      return v
    }
    func sum() -> Q? {
      guard var v = product() else { return nil }
      while p < t.count, case .op(let o) = t[p], o == "+" || o == "-" {
        p += 1
        guard let r = product() else { return nil }
        v = o == "+" ? v + r : v - r
      }
      return v
    }
    guard let v = sum(), p == t.count else { return nil }
    return v
  }

  /// The statements of `text` whose sides are arithmetic, each with whether it holds. A statement
  /// is a clause (split at `: `, `; `, `, ` and a parenthesis after a space) whose parts, split at
  /// ` = `, include at least two consecutive arithmetic ones; all of those must be equal. Lines
  /// that go on a formula (starting with `= ` or `+ `) are joined to the line before.
  static func statements(_ text: String) -> [(String, Bool)] {
    var lines: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop { $0 == " " }
      if trimmed.hasPrefix("= ") || trimmed.hasPrefix("+ "), !lines.isEmpty {
        lines[lines.count - 1] += " " + trimmed
      } else {
        lines.append(String(line))
      }
    }
    var out: [(String, Bool)] = []
    for line in lines {
      var clauses = [line]
      for sep in [": ", "; ", ", "] {
        clauses = clauses.flatMap { $0.components(separatedBy: sep) }
      }
      for clause in clauses {
        let parts = clause.components(separatedBy: " = ")
        var run: [Q] = []
        func flush() {
          if run.count >= 2 { out.append((clause, Set(run.map { "\($0.n)/\($0.d)" }).count == 1)) }
          run = []
        }
        for part in parts {
          // A count may end with its unit: `12 × 4 = 48 FLOPs`.
          var plain = part.trimmingCharacters(in: .whitespaces)
          for unit in [" FLOPs", " MACs"] where plain.hasSuffix(unit) {
            plain = String(plain.dropLast(unit.count))
          }
          if let v = evaluate(plain) {
            run.append(v)
          } else {
            flush()
          }
        }
        flush()
      }
    }
    return out
  }
}

/// One or more inputs and `add` lines for every layer type of the catalog.
let explainCases: [String: [(String, String)]] = {
  var c: [String: [(String, String)]] = [
    "Dense": [
      ("(None,25)", "add dense units=10"), ("(40,1600)", "add dense units=10 use_bias=false"),
    ],
    "Embedding": [("(12,)", "add embedding input_dim=1000 output_dim=64")],
    "Flatten": [("(9,9,16)", "add flatten"), ("(None,4)", "add flatten")],
    "Reshape": [("(4,8)", "add reshape target_shape=(-1,8)")],
    "Dropout": [("(4,8)", "add dropout rate=0.5"), ("(4,8)", "add dropout rate=1")],
    "Activation": [
      ("(4,8)", "add activation activation=softmax"), ("(4,8)", "add activation activation=relu"),
    ],
    "ReLU": [("(4,8)", "add relu max_value=6"), ("(4,8)", "add relu")],
    "LeakyReLU": [("(4,8)", "add leakyrelu")],
    "PReLU": [("(4,8)", "add prelu shared_axes=1")],
    "ELU": [("(4,8)", "add elu")],
    "Softmax": [("(4,8)", "add softmax")],
    "Conv1D": [
      ("(None,25)", "add conv1d filters=64 kernel_size=5"),
      ("(100,8)", "add conv1d filters=4 kernel_size=5 dilation_rate=2"),
      ("(100,8)", "add conv1d filters=4 kernel_size=3 strides=2 padding=same"),
      ("(101,8)", "add conv1d filters=4 kernel_size=3 strides=2"),
      ("(100,8)", "add conv1d filters=4 kernel_size=3 padding=causal dilation_rate=2"),
      ("(100,8)", "add conv1d filters=8 kernel_size=3 groups=4"),
      ("(None,1)", "add conv1d filters=2 kernel_size=1 strides=3"),
      ("(None,8)", "add conv1d filters=4 kernel_size=3 padding=same strides=2"),
    ],
    "Conv2D": [
      ("(9,9,16)", "add conv2d filters=8 kernel_size=3 dilation_rate=2"),
      ("(28,28,3)", "add conv2d filters=8 kernel_size=(3,5) strides=2 padding=same"),
      ("(28,28,3)", "add conv2d filters=8 kernel_size=(1,5) strides=(2,3)"),
      ("(9,9,16)", "add conv2d filters=8 kernel_size=3 groups=4 use_bias=false"),
      ("(None,None,25)", "add conv2d filters=64 kernel_size=(3,3)"),
    ],
    "Conv3D": [("(8,8,8,2)", "add conv3d filters=4 kernel_size=2 strides=(1,2,2)")],
    "MultiHeadAttention": [
      ("(10,16)", "add multiheadattention num_heads=2 key_dim=8"),
      ("(10,16)", "add multiheadattention num_heads=2 key_dim=8 value_dim=4 output_shape=12"),
      ("(10,16)", "add multiheadattention num_heads=2 key_dim=8 value_dim=8"),
    ],
    "GroupQueryAttention": [
      ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2"),
      ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=4"),
      ("(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=1"),
      (
        "(10,16)",
        "add groupqueryattention head_dim=4 num_query_heads=6 num_key_value_heads=3 use_gate=true use_bias=false"
      ),
      ("(4,5,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2"),
    ],
    "EinsumDense": [
      ("(10,16)", "add einsumdense equation=abc,cd->abd output_shape=(10,32) bias_axes=d"),
      ("(32,128)", "add einsumdense equation=abc,cd->abd output_shape=(None,64) bias_axes=d"),
      ("(4,5,10)", "add einsumdense equation=...b,bc->...c output_shape=64 bias_axes=c"),
      ("(10,4,5)", "add einsumdense equation=ab...,bc->ac... output_shape=64 bias_axes=c"),
      ("(10,16)", "add einsumdense equation=abc,cde->abde output_shape=(None,4,8) bias_axes=d"),
      ("(10,16)", "add einsumdense equation=abc,bcd->ad output_shape=8 lora_rank=2"),
      ("(10,)", "add einsumdense equation=ab,bc->ac output_shape=8 lora_rank=4"),
      ("(10,4,16)", "add einsumdense equation=abcd,cde->abe output_shape=(10,8) bias_axes=be"),
      ("(3,4)", "add einsumdense equation=abb,bc->ac output_shape=8"),
      ("(3,3)", "add einsumdense equation=abb,bc->abc output_shape=(3,8) bias_axes=bc"),
      ("(5,)", "add einsumdense equation=ab,bcc->acc output_shape=(8,9)"),
      ("(4,)", "add einsumdense equation=ab,bb->ab output_shape=4 bias_axes=b"),
    ],
    "BatchNormalization": [
      ("(10,4)", "add batchnormalization"),
      ("(10,4)", "add batchnormalization center=false scale=false"),
    ],
    "LayerNormalization": [
      ("(10,4)", "add layernormalization"), ("(10,4)", "add layernormalization scale=false"),
    ],
    "GroupNormalization": [
      ("(10,8)", "add groupnormalization groups=4"),
      ("(10,8)", "add groupnormalization groups=-1 center=false"),
    ],
    "UnitNormalization": [("(10,4)", "add unitnormalization")],
    "RMSNormalization": [
      ("(10,6)", "add rmsnormalization"), ("(10,6)", "add rmsnormalization axis=(1,2)"),
    ],
    "Normalization": [
      ("(10,6)", "add normalization"), ("(10,6)", "add normalization axis=None"),
      ("(10,6)", "add normalization axis=(1,2)"),
      ("(10,6)", "add normalization mean=0.5 variance=2"),
      ("(10,6)", "add normalization mean=(1,2,3,4,5,6) variance=(1,1,1,1,1,1)"),
    ],
    "Identity": [("(10,6)", "add identity")],
    "Rescaling": [("(8,8,3)", "add rescaling scale=0.5 offset=-1.0")],
    "Resizing": [("(10,6,3)", "add resizing height=8 width=8")],
    "CenterCrop": [("(10,6,3)", "add centercrop height=32 width=16")],
    "RandomCrop": [("(10,6,3)", "add randomcrop height=4 width=5")],
    "RandomFlip": [("(8,8,3)", "add randomflip mode=horizontal")],
    "RandomRotation": [("(8,8,3)", "add randomrotation factor=0.1")],
    "RandomZoom": [("(8,8,3)", "add randomzoom height_factor=0.1 width_factor=0.2")],
    "RandomTranslation": [("(8,8,3)", "add randomtranslation height_factor=0.1 width_factor=0.1")],
    "RandomContrast": [("(8,8,3)", "add randomcontrast factor=0.2")],
    "RandomBrightness": [("(8,8,3)", "add randombrightness factor=0.2")],
    "CategoryEncoding": [
      ("(12,)", "add categoryencoding num_tokens=10"),
      ("(12,1)", "add categoryencoding num_tokens=10 output_mode=one_hot"),
      ("(12,)", "add categoryencoding num_tokens=10 output_mode=count"),
    ],
    "Discretization": [
      ("(12,)", "add discretization bin_boundaries=(0.0,1.0,2.0)"),
      ("(12,4)", "add discretization num_bins=4 output_mode=multi_hot"),
      ("(12,)", "add discretization num_bins=4 output_mode=one_hot"),
    ],
    "STFTSpectrogram": [
      ("(16000,1)", "add stftspectrogram"),
      ("(16000,2)", "add stftspectrogram mode=stft frame_length=400 fft_length=500 padding=same"),
      ("(2,16000)", "add stftspectrogram mode=real data_format=channels_first expand_dims=true"),
      ("(None,1)", "add stftspectrogram mode=imag frame_step=64"),
      ("(16000,1)", "add stftspectrogram frame_length=1 frame_step=1"),
    ],
    "MelSpectrogram": [
      ("(16000,)", "add melspectrogram"),
      ("(16000,1)", "add melspectrogram num_mel_bins=64 sequence_stride=160"),
      ("(None,)", "add melspectrogram"),
    ],
    "ReversibleEmbedding": [
      ("(12,)", "add reversibleembedding input_dim=100 output_dim=8"),
      ("(12,)", "add reversibleembedding input_dim=100 output_dim=8 tie_weights=false"),
      ("(12,)", "add reversibleembedding input_dim=100 output_dim=8 lora_rank=2"),
    ],
    "RandomGrayscale": [("(8,8,3)", "add randomgrayscale")],
    "RandomHue": [("(8,8,3)", "add randomhue factor=(0.1,0.3)")],
    "RandomSaturation": [("(8,8,3)", "add randomsaturation factor=-0.5")],
    "RandomSharpness": [("(8,8,3)", "add randomsharpness factor=0.5")],
    "RandomShear": [("(8,8,3)", "add randomshear x_factor=0.1 y_factor=0.2")],
    "RandomPosterization": [("(8,8,3)", "add randomposterization factor=4")],
    "RandomInvert": [("(8,8,3)", "add randominvert")],
    "RandomColorJitter": [("(8,8,3)", "add randomcolorjitter hue_factor=0.1")],
    "RandomColorDegeneration": [("(8,8,3)", "add randomcolordegeneration factor=0.3")],
    "RandomPerspective": [("(8,8,3)", "add randomperspective")],
    "RandomElasticTransform": [("(8,8,3)", "add randomelastictransform factor=0.2")],
    "RandomErasing": [("(8,8,3)", "add randomerasing")],
    "RandomGaussianBlur": [("(8,8,3)", "add randomgaussianblur kernel_size=5")],
    "Solarization": [("(8,8,3)", "add solarization threshold_factor=0.5")],
    "AutoContrast": [("(8,8,3)", "add autocontrast")],
    "MixUp": [("(8,8,3)", "add mixup")],
    "CutMix": [("(8,8,3)", "add cutmix")],
    "RandAugment": [("(8,8,3)", "add randaugment")],
    "AugMix": [("(8,8,3)", "add augmix")],
    "MaxNumBoundingBoxes": [("(8,8,3)", "add maxnumboundingboxes max_number=3")],
    "ContrastLimitedAdaptiveHistogramEqualization": [
      ("(8,8,3)", "add contrastlimitedadaptivehistogramequalization")
    ],
    "SpectralNormalization": [
      ("(10,6)", "add spectralnormalization dense units=4"),
      ("(10,)", "add spectralnormalization embedding input_dim=20 output_dim=4"),
      ("(8,8,3)", "add spectralnormalization conv2d filters=4 kernel_size=3 use_bias=false"),
    ],
    "Masking": [("(10,6)", "add masking mask_value=-1")],
    "AlphaDropout": [("(10,6)", "add alphadropout rate=0.1")],
    "ActivityRegularization": [("(10,6)", "add activityregularization l1=0.01 l2=0.1")],
    "SimpleRNN": [("(10,25)", "add simplernn units=32 return_sequences=true")],
    "LSTM": [("(None,25)", "add lstm units=32")],
    "GRU": [("(10,25)", "add gru units=32"), ("(10,25)", "add gru units=32 reset_after=false")],
    "Permute": [("(3,4)", "add permute dims=(2,1)")],
    "RepeatVector": [("(4,)", "add repeatvector n=3")],
    "GaussianNoise": [("(4,8)", "add gaussiannoise stddev=0.1")],
    "GaussianDropout": [("(4,8)", "add gaussiandropout rate=0.1")],
    "Bidirectional": [
      ("(None,25)", "add bidirectional lstm units=32"),
      ("(10,25)", "add bidirectional gru units=16 merge_mode=sum"),
      ("(10,4)", "add bidirectional lstm units=8 backward_layer=\"gru units=4 go_backwards=true\""),
    ],
    "RNN": [
      ("(None,25)", "add rnn cell=\"lstmcell units=32\""),
      ("(10,4)", "add rnn cell=\"grucell units=8 reset_after=false\" return_sequences=true"),
      ("(10,4)", "add rnn cell=\"simplernncell units=5 use_bias=false trainable=false\""),
      (
        "(10,4)",
        "add rnn cell=\"lstmcell units=8; gru units=4; simplernncell units=3 use_bias=false\""
      ),
      ("(10,4,5)", "add rnn cell=\"lstmcell units=8 trainable=false; grucell units=2\""),
      ("(10,4)", "add bidirectional rnn cell=\"lstmcell units=8; grucell units=3\" merge_mode=sum"),
    ],
    "Pipeline": [
      ("(10,10,3)", "add pipeline layers=\"rescaling scale=0.5; centercrop height=8 width=8\""),
      ("(10,10,3)", "add pipeline layers=\"rescaling scale=0.5; conv2d filters=4 kernel_size=3\""),
      (
        "(10,4)",
        "add pipeline layers=\"bidirectional lstm units=3; dense units=2 trainable=false\""
      ),
      (
        "(10,4)",
        "add pipeline layers=\"rnn cell='lstmcell units=4; grucell units=2'; dense units=3\""
      ),
      ("(10,)", "add pipeline layers=\"pipeline layers='dense units=2'; batchnormalization\""),
    ],
    "Sequential": [
      ("(8,)", "add sequential script=\"input (8,); add dense units=8 activation=relu\""),
      (
        "(10,)",
        "add sequential script=\"input (10,); add dense units=6; add batchnormalization\""
          + " trainable=false"
      ),
      (
        "(6,)",
        "add sequential script=\"input (6,); add sequential script='input (6,); add dense"
          + " units=4 as deep'; add dense units=3 as top\""
      ),
      ("(None,8)", "add sequential script=\"input (None,8); add lstm units=4\""),
    ],
    "Functional": [
      (
        "(16,)",
        "add functional script=\"input e (16,); add dense units=8 as h from e;"
          + " add batchnormalization from h\""
      ),
      (
        "(5,8)",
        "add functional script=\"input a (None,8); add dense units=4 as h from a;"
          + " add dense units=4 as g from h; reuse 3 from g\""
      ),
      ("(8,)", "add functional script=\"input a (8,); add dropout rate=0.5 from a\""),
    ],
    "TimeDistributed": [
      ("(5,10,4)", "add timedistributed dense units=8"),
      ("(5,10,4)", "add timedistributed conv1d filters=2 kernel_size=3 dilation_rate=2"),
    ],
  ]
  let spatial = ["(10,4)", "(9,9,4)", "(6,7,8,2)"]
  for r in 1...3 {
    let input = spatial[r - 1]
    for k in ["Max", "Average"] {
      c["\(k)Pooling\(r)D"] = [
        (input, "add \(k.lowercased())pooling\(r)d pool_size=2"),
        (input, "add \(k.lowercased())pooling\(r)d pool_size=3 strides=2 padding=same"),
        (input, "add \(k.lowercased())pooling\(r)d pool_size=3 strides=1"),
      ]
      c["Global\(k)Pooling\(r)D"] = [(input, "add global\(k.lowercased())pooling\(r)d")]
    }
    c["UpSampling\(r)D"] = [(input, "add upsampling\(r)d")]
    for k in ["Max", "Average"] {
      c["Adaptive\(k)Pooling\(r)D"] = [
        (input, "add adaptive\(k.lowercased())pooling\(r)d output_size=2"),
        (input, "add adaptive\(k.lowercased())pooling\(r)d output_size=7"),
      ]
    }
    c["ZeroPadding\(r)D"] = [(input, "add zeropadding\(r)d")]
    c["Cropping\(r)D"] = [(input, "add cropping\(r)d cropping=1")]
    c["SpatialDropout\(r)D"] = [(input, "add spatialdropout\(r)d rate=0.2")]
    c["Conv\(r)DTranspose"] = [
      (input, "add conv\(r)dtranspose filters=8 kernel_size=3 strides=2"),
      (input, "add conv\(r)dtranspose filters=8 kernel_size=3 dilation_rate=2 padding=same"),
      (input, "add conv\(r)dtranspose filters=8 kernel_size=4 strides=3 output_padding=1"),
      (
        input,
        "add conv\(r)dtranspose filters=8 kernel_size=4 strides=2 padding=same output_padding=1"
      ),
      (input, "add conv\(r)dtranspose filters=8 kernel_size=2 strides=3"),
    ]
    if r < 3 {
      c["DepthwiseConv\(r)D"] = [
        (input, "add depthwiseconv\(r)d kernel_size=3 depth_multiplier=2"),
        (input, "add depthwiseconv\(r)d kernel_size=3 dilation_rate=2"),
      ]
      c["SeparableConv\(r)D"] = [
        (input, "add separableconv\(r)d filters=8 kernel_size=3 strides=2 padding=same")
      ]
    }
  }
  // ConvLSTM1D/2D/3D: valid and same padding, strides, dilation (the state's kernel is not
  // dilated), no bias, every step returned, an unknown time axis, and both wrappers.
  let frames = ["(5,16,3)", "(6,12,8,1)", "(5,9,9,9,2)"]
  for r in 1...3 {
    let input = frames[r - 1]
    c["ConvLSTM\(r)D"] = [
      (input, "add convlstm\(r)d filters=4 kernel_size=3"),
      (input, "add convlstm\(r)d filters=4 kernel_size=3 strides=2 padding=same"),
      (input, "add convlstm\(r)d filters=2 kernel_size=2 dilation_rate=2 use_bias=false"),
      (input, "add convlstm\(r)d filters=3 kernel_size=1 return_sequences=true"),
      ("(None" + input.dropFirst(2), "add convlstm\(r)d filters=2 kernel_size=3 padding=same"),
      (input, "add bidirectional convlstm\(r)d filters=4 kernel_size=3"),
      ("(2," + input.dropFirst(), "add timedistributed convlstm\(r)d filters=2 kernel_size=3"),
    ]
  }
  // The merges, each reading the model's input more than once.
  for name in ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"] {
    let type = name.lowercased()
    c[name] = [
      ("(4,8)", "add \(type) from input,input"), ("(None,1)", "add \(type) from input,input"),
    ]
    if name != "Subtract" { c[name]! += [("(3,)", "add \(type) from input,input,input")] }
  }
  c["Concatenate"] = [
    ("(4,8)", "add concatenate from input,input"),
    ("(4,8)", "add concatenate axis=1 from input,input,input"),
    ("(None,8)", "add concatenate axis=1 from input,input"),
  ]
  // Operations on tensors: two tensors, one and a number, one alone.
  c["Operation"] = [
    ("(4,8)", "add operation op=multiply from input,input"),
    ("(None,1)", "add operation op=add constant=3.0"),
    ("(4,8)", "add operation op=relu6"),
  ]
  c["CustomScaleLayer"] = [
    ("(4,8)", "add customscalelayer scale=0.17 from input,input"),
    ("(1,8)", "add customscalelayer scale=0.5 from input,input,input"),
  ]
  c["LayerScale"] = [
    ("(56,56,96)", "add layerscale init_values=1e-6 projection_dim=96"),
    ("(5,1)", "add layerscale init_values=0.1 projection_dim=8"),
  ]
  c["InputLayer"] = [
    ("(4,)", "add inputlayer shape=(28,28,1) as image"), ("(4,)", "add inputlayer shape=(None,16)"),
  ]
  // Cross-attention reading the model's input as query and value (and key).
  c["MultiHeadAttention"]! += [
    ("(4,8)", "add multiheadattention num_heads=2 key_dim=3 from input,input"),
    ("(4,8)", "add multiheadattention num_heads=2 key_dim=3 use_gate=true from input,input,input"),
    (
      "(4,8)",
      "add multiheadattention num_heads=2 key_dim=3 use_bias=false output_shape=(2,3) from input,input"
    ),
  ]
  c["GroupQueryAttention"]! += [
    (
      "(4,8)",
      "add groupqueryattention head_dim=2 num_query_heads=4 num_key_value_heads=2 from input,input"
    ),
    (
      "(4,8)",
      "add groupqueryattention head_dim=2 num_query_heads=2 num_key_value_heads=1 use_gate=true use_bias=false from input,input,input"
    ),
  ]
  c["Attention"] = [
    ("(4,8)", "add attention from input,input"),
    ("(4,8)", "add attention use_scale=true from input,input,input"),
    ("(4,8)", "add attention score_mode=concat from input,input"),
    ("(4,8)", "add attention use_scale=true score_mode=concat from input,input"),
  ]
  c["AdditiveAttention"] = [
    ("(4,8)", "add additiveattention from input,input"),
    ("(4,8)", "add additiveattention use_scale=false from input,input,input"),
    ("(8,)", "add additiveattention from input,input"),
  ]
  c["Dot"] = [
    ("(8,)", "add dot axes=1 from input,input"), ("(5,8)", "add dot axes=(2,2) from input,input"),
    ("(5,8)", "add dot axes=-1 normalize=true from input,input"),
  ]
  return c
}()

@Suite("Explanations a teacher can project")
struct ExplainTests {
  @Test func everyLayerTypeHasCases() {
    for d in LayerCatalog.standard.descriptors {
      #expect(explainCases[d.name] != nil, "no explain case for \(d.name)")
    }
  }

  @Test func evaluatorItself() {
    #expect(Arithmetic.evaluate("(5 × 25 + 1) × 64") == .init(8064))
    #expect(Arithmetic.evaluate("8,064") == .init(8064))
    #expect(Arithmetic.evaluate("floor((9 - 2*(3-1)+1) / 1) + 1") == .init(7))
    #expect(Arithmetic.evaluate("ceil(100 / 3)") == .init(34))
    #expect(Arithmetic.evaluate("floor((101 − 3) / 2) + 1") == .init(50))
    #expect(Arithmetic.evaluate("None - 5") == nil)
    #expect(Arithmetic.statements("  a = 1 + 1 = 3\n").map(\.1) == [false])
    #expect(Arithmetic.statements("  x = (5 × 25 + 1) × 64\n    = 8,064\n").map(\.1) == [true])
  }

  /// Item 1: every expression printed equals the number after it.
  @Test func everyPrintedExpressionHolds() throws {
    var checked = 0
    for (name, cases) in explainCases.sorted(by: { $0.key < $1.key }) {
      for (input, add) in cases {
        let text = try explainText(input, add)
        for (statement, holds) in Arithmetic.statements(text) {
          checked += 1
          #expect(holds, "\(name): input \(input); \(add): '\(statement)' is false in\n\(text)")
        }
      }
    }
    #expect(checked > 100)
  }

  /// The formula is written once, in symbols: the numbers `explain` shows are the terms'
  /// values put in place of the symbols, so every symbol must name a term.
  @Test func everySymbolNamesATerm() throws {
    var symbols = 0
    for (name, cases) in explainCases.sorted(by: { $0.key < $1.key }) {
      for (input, add) in cases {
        let e = try layer(input, add).explanation
        for s in Explanation.symbols(e.formula) {
          symbols += 1
          #expect(
            e.terms.contains { $0.name == s },
            "\(name): \(add): the symbol '\(s)' of \(e.formula) names no term")
        }
        #expect(Explanation.symbols(e.substituted).isEmpty, "\(name): \(add): \(e.substituted)")
      }
    }
    #expect(symbols > 200)
  }

  /// Reshape says how many numbers a sample holds and works its -1 out of them.
  @Test func reshapeWorksOutItsMinusOne() throws {
    let one = try explainText("(8,4)", "add reshape target_shape=(-1,8)")
    #expect(one.contains("numbers per sample: 8 × 4 = 32"), "\(one)")
    #expect(one.contains("axis 1 (-1): 32 / 8 = 4"), "\(one)")
    let two = try explainText("(4,8)", "add reshape target_shape=(2,-1,4)")
    #expect(two.contains("axis 2 (-1): 32 / (2 × 4) = 4"), "\(two)")
    let unknown = try explainText("(None,4)", "add reshape target_shape=(-1,2)")
    #expect(unknown.contains("-1 stays unknown (None)"), "\(unknown)")
  }

  @Test func substitutionPutsEachTermsValue() {
    let terms = [
      Term("kernel_h", 3, .argument, ""), Term("kernel_w", 5, .argument, ""),
      Term("input_channels", 16, .inputShape, ""), Term("1", 1, .defaultValue, ""),
      Term("filters", 8, .argument, ""),
    ]
    let e = Explanation(
      formula: "(kernel_h * kernel_w * input_channels + 1) * filters", terms: terms,
      shapeRule: "")
    #expect(e.substituted == "(3 * 5 * 16 + 1) * 8")
    #expect(
      Explanation.symbols("axis_1 * axis_2 + 2 * units").map(String.init) == [
        "axis_1", "axis_2", "units",
      ])
  }

  @Test func dilatedShapeLineEvaluates() throws {
    let text = try explainText("(9,9,16)", "add conv2d filters=8 kernel_size=3 dilation_rate=2")
    #expect(text.contains("(None, 9, 9, 16) -> (None, 5, 5, 8)"))
    #expect(Arithmetic.statements(text).allSatisfy { $0.1 }, "\(text)")
    #expect(Arithmetic.statements(text).count >= 3, "\(text)")
  }

  /// Item 4: unknown lengths are explained with a length L, one axis per line.
  @Test func unknownLengthsAreSaidWithL() throws {
    let text = try explainText("(None,25)", "add conv1d filters=64 kernel_size=5")
    #expect(!text.contains("None -"), "\(text)")
    #expect(!text.contains("= None"), "\(text)")
    #expect(text.contains("L - 4"), "\(text)")
    let strided = try explainText("(None,None,8)", "add maxpooling2d pool_size=3 strides=2")
    #expect(!strided.contains("None -"), "\(strided)")
    #expect(strided.contains("floor((L - 3) / 2) + 1"), "\(strided)")
    // One axis per line.
    let two = try explainText("(28,30,3)", "add conv2d filters=8 kernel_size=3")
    let axisLines = two.split(separator: "\n").filter {
      $0.contains("rows:") || $0.contains("columns:")
    }
    #expect(axisLines.count == 2, "\(two)")
    #expect(axisLines.allSatisfy { !($0.contains("rows:") && $0.contains("columns:")) })
  }

  /// Item 4: no arithmetic on None anywhere.
  @Test func noArithmeticOnNone() throws {
    for (name, cases) in explainCases.sorted(by: { $0.key < $1.key }) {
      for (input, add) in cases {
        let text = try explainText(input, add)
        for bad in ["None -", "None *", "None ×", "None +", "None /", "(None - ", "= None"] {
          #expect(!text.contains(bad), "\(name): \(add): '\(bad)' in\n\(text)")
        }
      }
    }
  }

  /// Item 5: one number style on the formula line and in the terms table.
  @Test func formulaLineGroupsThousands() throws {
    let text = try explainText("(40,1600)", "add dense units=10")
    #expect(text.contains("(1,600 + 1) × 10 = 16,010"), "\(text)")
    #expect(!text.contains("1600 + 1"), "\(text)")
  }

  /// Item 6: every line of every explanation fits a projector's 100 columns.
  @Test func linesFit100Columns() throws {
    for (name, cases) in explainCases.sorted(by: { $0.key < $1.key }) {
      for (input, add) in cases {
        let text = try explainText(input, add)
        for line in text.split(separator: "\n") {
          #expect(line.count <= 100, "\(name): \(add): \(line.count) columns: \(line)")
        }
      }
    }
  }

  // Item 2: arguments Keras checks are checked everywhere.
  @Test func unknownActivationIsRefusedEverywhere() {
    expectRefusal(
      after: ["input (3,4)"], "add dense units=4 activation=rleu", .invalidValue,
      "unknown activation function 'rleu' (did you mean 'relu'?)")
    expectRefusal(
      after: ["input (10,3)"], "add conv1d filters=2 kernel_size=1 activation=tanhh",
      .invalidValue, "did you mean 'tanh'?")
    expectRefusal(
      after: ["input (10,3)"], "add lstm units=2 recurrent_activation=sigmod", .invalidValue,
      "did you mean 'sigmoid'?")
    expectRefusal(
      after: ["input (10,3)"], "add bidirectional lstm units=2 activation=rleu", .invalidValue,
      "unknown activation function 'rleu'")
    expectRefusal(
      after: ["input (10,3)"], "add timedistributed dense units=2 activation=rleu",
      .invalidValue, "unknown activation function 'rleu'")
    expectRefusal(
      after: ["input (4,)", "add dense units=3"], "set 1 activation=rleu", .invalidValue,
      "unknown activation function 'rleu' (did you mean 'relu'?)")
    expectRefusal(
      after: ["input (4,)", "add dense units=3"], "insert 1 dense units=2 activation=rleu",
      .invalidValue, "unknown activation function 'rleu'")
    // Keras looks names up as written: `ReLU` is not an activation name.
    expectRefusal(
      after: ["input (3,4)"], "add dense units=4 activation=ReLU", .invalidValue,
      "unknown activation function 'ReLU' (did you mean 'relu'?)")
    expectRefusal(
      after: ["input (3,4)"], "add activation activation=Softmax", .invalidValue,
      "unknown activation function 'Softmax' (did you mean 'softmax'?)")
    expectRefusal(
      after: ["input (3,4)"], "add dense units=4 activation=3", .invalidValue,
      "expected a function name")
  }

  @Test func knownActivationsAreAccepted() throws {
    for a in ["relu", "swish", "hard_swish", "None", "gelu", "log_softmax"] {
      let l = try layer("(3,4)", "add dense units=4 activation=\(a)")
      #expect(l.inference.params == 20)
    }
    _ = try layer("(10,3)", "add gru units=2 recurrent_activation=hard_sigmoid")
  }

  @Test func batchNormalizationTakesOneAxis() {
    expectRefusal(
      after: ["input (4,5,6)"], "add batchnormalization axis=(1,2)", .invalidValue,
      "axis: expected an integer")
  }

  // Item 3: sentences that teach something false.
  @Test func softmaxIsNotElementWise() throws {
    let text = oneLine(try explainText("(4,8)", "add activation activation=softmax"))
    #expect(!text.contains("each number on its own"), "\(text)")
    #expect(text.contains("last axis"), "\(text)")
    let help = LayerCatalog.standard["activation"]!.summary
    #expect(!help.hasSuffix("element-wise; no weights"), "\(help)")
  }

  @Test func groupNormalizationStoresNoStatistics() throws {
    let text = oneLine(try explainText("(10,8)", "add groupnormalization groups=4"))
    #expect(!text.contains("statistic per channel"), "\(text)")
    #expect(text.contains("per sample"), "\(text)")
    expectRefusal(
      after: ["input (10,6)"], "add groupnormalization groups=4", .refused,
      "the number of channels (6) must be a multiple of the number of groups (4)")
  }

  @Test func groupedConvolutionSaysWhatEachFilterSees() throws {
    let text = oneLine(try explainText("(100,8)", "add conv1d filters=8 kernel_size=3 groups=4"))
    #expect(!text.contains("covers all 8 input channels"), "\(text)")
    #expect(text.contains("each filter covers the 2 of its group"), "\(text)")
  }

  @Test func dilatedKernelIsNotConsecutive() throws {
    let text = oneLine(
      try explainText("(100,8)", "add conv1d filters=4 kernel_size=5 dilation_rate=2"))
    #expect(!text.contains("consecutive"), "\(text)")
    #expect(text.contains("5 taps, 2 apart, spanning 9 steps"), "\(text)")
    let plain = oneLine(try explainText("(None,25)", "add conv1d filters=64 kernel_size=5"))
    #expect(plain.contains("5 consecutive steps"), "\(plain)")
  }

  @Test func simpleRNNHasNoGates() throws {
    let text = oneLine(try explainText("(10,25)", "add simplernn units=32"))
    #expect(!text.contains("gate"), "\(text)")
  }

  @Test func switchedOffScaleAndCenterAreNotLearned() throws {
    for line in [
      "add batchnormalization center=false scale=false",
      "add layernormalization center=false scale=false",
      "add groupnormalization groups=2 center=false scale=false",
    ] {
      let text = oneLine(try explainText("(10,4)", line))
      #expect(!text.contains("a learned scale"), "\(text)")
      #expect(!text.contains("a learned offset"), "\(text)")
      #expect(text.contains("scale=false"), "\(text)")
    }
  }

  @Test func gruCandidateIsNotAGate() throws {
    let text = oneLine(try explainText("(10,25)", "add gru units=32"))
    #expect(!text.contains("candidate gate"), "\(text)")
    #expect(!text.contains("(update, reset, candidate)"), "\(text)")
    #expect(text.contains("not a gate"), "\(text)")
    #expect(text.contains("cannot merge"), "\(text)")
    let summary = LayerCatalog.standard["gru"]!.summary
    #expect(!summary.contains("candidate gates"), "\(summary)")
  }

  @Test func bidirectionalBackwardLayerHasItsOwnWeights() throws {
    let text = oneLine(try explainText("(None,25)", "add bidirectional lstm units=32"))
    #expect(!text.contains("copy"), "\(text)")
    #expect(!LayerCatalog.standard["bidirectional"]!.summary.contains("copy"))
  }

  @Test func reluCapAndDropoutScaling() throws {
    let relu = oneLine(try explainText("(4,8)", "add relu max_value=6"))
    #expect(relu.contains("min(max(x, 0), 6)"), "\(relu)")
    let dropout = oneLine(try explainText("(4,8)", "add dropout rate=0.5"))
    #expect(dropout.contains("1/(1 - 0.5) = 2"), "\(dropout)")
  }

  @Test func multiHeadAttentionValueDimSource() throws {
    let given = try explainText(
      "(10,16)", "add multiheadattention num_heads=2 key_dim=8 value_dim=8")
    #expect(given.contains(#/value_dim += +8 +argument/#), "\(given)")
    let omitted = try explainText(
      "(10,16)", "add multiheadattention num_heads=2 key_dim=8 output_shape=12")
    #expect(omitted.contains(#/value_dim += +8 +default/#), "\(omitted)")
  }

  @Test func singularForms() throws {
    let conv = oneLine(try explainText("(10,10,1)", "add conv2d filters=2 kernel_size=(1,3)"))
    #expect(!conv.contains("1 rows"), "\(conv)")
    #expect(!conv.contains("all 1 input channels"), "\(conv)")
  }
}
