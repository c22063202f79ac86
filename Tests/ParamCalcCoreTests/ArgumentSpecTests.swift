import Foundation
import Testing

@testable import ParamCalcCore

/// Each argument is declared once (`ArgumentSpec`): these tests hold the declarations to Keras 3
/// and to what the layers do with them.
@Suite("Argument declarations")
struct ArgumentSpecTests {
  /// Keras 3's defaults, from the signatures of the layer classes in keras/src/layers (written
  /// as a script writes them; `required` where the argument has no default, `None` where the
  /// layer does without it, words where it follows from another argument or the input). Written
  /// here from the Keras sources, not from paramcalc: a declaration that drifts fails.
  static let kerasDefaults: [String: String] = {
    var d: [String: String] = [
      "Dense.units": "required", "Dense.use_bias": "true",
      "Embedding.input_dim": "required", "Embedding.output_dim": "required",
      "Reshape.target_shape": "required", "Dropout.rate": "required",
      "Activation.activation": "required",
      "ReLU.max_value": "None", "ReLU.negative_slope": "0.0", "ReLU.threshold": "0.0",
      // LeakyReLU(negative_slope=0.3); `alpha` is the Keras 2 name, popped from kwargs.
      "LeakyReLU.negative_slope": "0.3", "LeakyReLU.alpha": "0.3",
      "PReLU.shared_axes": "None", "ELU.alpha": "1.0", "Softmax.axis": "-1",
      "BatchNormalization.axis": "-1", "BatchNormalization.center": "true",
      "BatchNormalization.scale": "true",
      "LayerNormalization.axis": "-1", "LayerNormalization.center": "true",
      "LayerNormalization.scale": "true",
      "GroupNormalization.groups": "32", "GroupNormalization.axis": "-1",
      "GroupNormalization.center": "true", "GroupNormalization.scale": "true",
      "UnitNormalization.axis": "-1",
      "MultiHeadAttention.num_heads": "required", "MultiHeadAttention.key_dim": "required",
      // value_dim=None means key_dim; output_shape=None means the query's last dimension.
      "MultiHeadAttention.value_dim": "key_dim", "MultiHeadAttention.use_bias": "true",
      "MultiHeadAttention.output_shape": "input features",
      "Permute.dims": "required", "RepeatVector.n": "required",
      "GaussianNoise.stddev": "required", "GaussianDropout.rate": "required",
      "Bidirectional.merge_mode": "concat", "Bidirectional.backward_layer": "None",
    ]
    for rnn in ["SimpleRNN", "LSTM", "GRU"] {
      d["\(rnn).units"] = "required"
      d["\(rnn).use_bias"] = "true"
      d["\(rnn).return_sequences"] = "false"
      d["\(rnn).return_state"] = "false"
      d["\(rnn).stateful"] = "false"
    }
    // RNN(cell, return_sequences=False, return_state=False, go_backwards=False,
    // stateful=False, ...); Pipeline(layers, name=None).
    d["RNN.cell"] = "required"
    d["RNN.return_sequences"] = "false"
    d["RNN.return_state"] = "false"
    d["RNN.stateful"] = "false"
    d["Pipeline.layers"] = "required"
    // keras.ops.add(x1, x2) and the others: the operation and its second operand are both
    // required (paramcalc's `op`, and `constant` when the second operand is a number, not a
    // tensor). CustomScaleLayer(scale), LayerScale(init_values, projection_dim): no defaults
    // (keras/src/applications/inception_resnet_v2.py, convnext.py).
    d["Operation.op"] = "required"
    d["Operation.constant"] = "None"
    d["CustomScaleLayer.scale"] = "required"
    d["LayerScale.init_values"] = "required"
    d["LayerScale.projection_dim"] = "required"
    // Sequential(layers=None, ...) and Functional(inputs, outputs, ...): a model used as a layer
    // is written as its script (its input and its layers), which a model cannot be without.
    d["Sequential.script"] = "required"
    d["Functional.script"] = "required"
    d["LayerNormalization.rms_scaling"] = "false"
    // RMSNormalization(axis=-1, epsilon=1e-06), Normalization(axis=-1, mean=None,
    // variance=None, invert=False), Masking(mask_value=0.0), AlphaDropout(rate, ...),
    // ActivityRegularization(l1=0.0, l2=0.0).
    d["RMSNormalization.axis"] = "-1"
    d["Normalization.axis"] = "-1"
    d["Normalization.mean"] = "None"
    d["Normalization.variance"] = "None"
    d["Masking.mask_value"] = "0.0"
    d["SpectralNormalization.power_iterations"] = "1"
    // Rescaling(scale, offset=0.0), Resizing/CenterCrop/RandomCrop(height, width,
    // data_format=None, ...), RandomFlip(mode="horizontal_and_vertical", ...),
    // RandomRotation(factor, ...), RandomZoom(height_factor, width_factor=None, ...),
    // RandomTranslation(height_factor, width_factor, ...), RandomContrast(factor, ...),
    // RandomBrightness(factor, ...), Adaptive*Pooling*D(output_size, data_format=None).
    d["Rescaling.scale"] = "required"
    d["Rescaling.offset"] = "0.0"
    for t in ["Resizing", "CenterCrop", "RandomCrop"] {
      d["\(t).height"] = "required"
      d["\(t).width"] = "required"
      d["\(t).data_format"] = "channels_last"
    }
    d["RandomFlip.mode"] = "horizontal_and_vertical"
    for t in ["RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation"] {
      d["\(t).data_format"] = "channels_last"
    }
    d["RandomRotation.factor"] = "required"
    d["RandomZoom.height_factor"] = "required"
    d["RandomZoom.width_factor"] = "None"
    d["RandomTranslation.height_factor"] = "required"
    d["RandomTranslation.width_factor"] = "required"
    d["RandomContrast.factor"] = "required"
    d["RandomBrightness.factor"] = "required"
    // The other augmentations (image_preprocessing/*.py): their factors.
    d["RandomGrayscale.factor"] = "0.5"
    for t in ["RandomHue", "RandomSaturation", "RandomSharpness", "RandomPosterization"] {
      d["\(t).factor"] = "required"
    }
    d["RandomColorDegeneration.factor"] = "required"
    for t in [
      "RandomInvert", "RandomPerspective", "RandomElasticTransform", "RandomErasing",
      "RandomGaussianBlur", "CutMix",
    ] {
      d["\(t).factor"] = "1.0"
    }
    d["RandAugment.factor"] = "0.5"
    d["AugMix.factor"] = "0.3"
    d["MaxNumBoundingBoxes.max_number"] = "required"
    // The augmentations' other strengths, data_format (None: channels_last) and seed.
    d["RandomShear.x_factor"] = "0.0"
    d["RandomShear.y_factor"] = "0.0"
    d["Solarization.addition_factor"] = "0.0"
    d["Solarization.threshold_factor"] = "0.0"
    d["RandomGaussianBlur.sigma"] = "1.0"
    // RandomGaussianBlur(kernel_size=3), and interpolation="bilinear", fill_mode="reflect" where
    // the augmentations take them.
    d["RandomGaussianBlur.kernel_size"] = "3"
    for t in [
      "RandomShear", "RandomPerspective", "RandomElasticTransform", "RandAugment", "AugMix",
    ] {
      d["\(t).interpolation"] = "bilinear"
    }
    d["RandomShear.fill_mode"] = "reflect"
    for t in ["RandomRotation", "RandomZoom", "RandomTranslation"] {
      d["\(t).interpolation"] = "bilinear"
      d["\(t).fill_mode"] = "reflect"
    }
    d["RandomElasticTransform.fill_mode"] = "reflect"
    d["RandomPerspective.scale"] = "1.0"
    d["RandomElasticTransform.scale"] = "1.0"
    d["RandomErasing.scale"] = "(0.02, 0.33)"
    for f in ["brightness", "contrast", "saturation", "hue"] {
      d["RandomColorJitter.\(f)_factor"] = "None"
    }
    for t in [
      "RandomGrayscale", "RandomHue", "RandomSaturation", "RandomSharpness", "RandomShear",
      "RandomPosterization", "RandomInvert", "RandomColorJitter", "RandomColorDegeneration",
      "RandomPerspective", "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur",
      "Solarization", "AutoContrast", "MixUp", "CutMix", "RandAugment", "AugMix",
      "MaxNumBoundingBoxes", "ContrastLimitedAdaptiveHistogramEqualization", "RandomContrast",
      "RandomBrightness",
    ] {
      d["\(t).data_format"] = "channels_last"
    }
    for t in [
      "RandomGrayscale", "RandomHue", "RandomSaturation", "RandomSharpness", "RandomShear",
      "RandomPosterization", "RandomInvert", "RandomColorJitter", "RandomColorDegeneration",
      "RandomPerspective", "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur",
      "Solarization", "MixUp", "CutMix", "RandAugment", "AugMix", "RandomContrast",
      "RandomBrightness", "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation",
    ] {
      d["\(t).seed"] = "None"
    }
    // The base image layer's factor=None, taken and unused by these.
    for t in [
      "RandomCrop", "MixUp", "RandomColorJitter", "MaxNumBoundingBoxes",
      "ContrastLimitedAdaptiveHistogramEqualization",
    ] {
      d["\(t).factor"] = "None"
    }
    // CategoryEncoding(num_tokens=None: required, output_mode="multi_hot"), Discretization(
    // bin_boundaries=None, num_bins=None, output_mode="int"), ReversibleEmbedding(input_dim,
    // output_dim, tie_weights=True, ..., lora_rank=None).
    d["CategoryEncoding.num_tokens"] = "required"
    d["CategoryEncoding.output_mode"] = "multi_hot"
    d["Discretization.bin_boundaries"] = "None"
    d["Discretization.num_bins"] = "None"
    d["Discretization.output_mode"] = "int"
    d["ReversibleEmbedding.input_dim"] = "required"
    d["ReversibleEmbedding.output_dim"] = "required"
    d["ReversibleEmbedding.tie_weights"] = "true"
    d["ReversibleEmbedding.lora_rank"] = "None"
    for r in 1...3 {
      for k in ["Max", "Average"] {
        d["Adaptive\(k)Pooling\(r)D.output_size"] = "required"
        d["Adaptive\(k)Pooling\(r)D.data_format"] = "channels_last"
      }
    }
    // STFTSpectrogram(mode="log", frame_length=256, frame_step=None (frame_length // 2),
    // fft_length=None (the smallest power of two >= frame_length), window="hann",
    // periodic=False, scaling="density", padding="valid", expand_dims=False, data_format=None);
    // MelSpectrogram(fft_length=2048, sequence_stride=512, sequence_length=None (fft_length),
    // ..., num_mel_bins=128, ...).
    d["STFTSpectrogram.mode"] = "log"
    d["STFTSpectrogram.frame_length"] = "256"
    d["STFTSpectrogram.frame_step"] = "frame_length // 2"
    d["STFTSpectrogram.fft_length"] = "power of 2 ≥ frame_length"
    d["STFTSpectrogram.window"] = "hann"
    d["STFTSpectrogram.periodic"] = "false"
    d["STFTSpectrogram.scaling"] = "density"
    d["STFTSpectrogram.padding"] = "valid"
    d["STFTSpectrogram.expand_dims"] = "false"
    d["STFTSpectrogram.data_format"] = "channels_last"
    d["MelSpectrogram.fft_length"] = "2048"
    d["MelSpectrogram.sequence_stride"] = "512"
    d["MelSpectrogram.sequence_length"] = "fft_length"
    d["MelSpectrogram.num_mel_bins"] = "128"
    // Concatenate(axis=-1); Dot(axes, normalize=False) (layers/merging/).
    d["Concatenate.axis"] = "-1"
    d["Dot.axes"] = "required"
    d["Dot.normalize"] = "false"
    // InputLayer(shape=None, ...) refuses to be made without one ("You must pass a `shape`").
    d["InputLayer.shape"] = "required"
    d["AlphaDropout.rate"] = "required"
    d["ActivityRegularization.l1"] = "0.0"
    d["ActivityRegularization.l2"] = "0.0"
    d["Dense.lora_rank"] = "None"
    d["Embedding.lora_rank"] = "None"
    d["MultiHeadAttention.use_gate"] = "false"
    d["MultiHeadAttention.dropout"] = "0.0"
    d["MultiHeadAttention.sliding_window"] = "None"
    d["GRU.reset_after"] = "true"
    // EinsumDense(equation, output_shape, activation=None, bias_axes=None, ...,
    // lora_rank=None, lora_alpha=None, ...).
    d["EinsumDense.equation"] = "required"
    d["EinsumDense.output_shape"] = "required"
    d["EinsumDense.bias_axes"] = "None"
    d["EinsumDense.lora_rank"] = "None"
    // GroupedQueryAttention(head_dim, num_query_heads, num_key_value_heads, dropout=0.0,
    // use_bias=True, sliding_window=None, flash_attention=None, ..., use_gate=False, seed=None).
    for a in ["head_dim", "num_query_heads", "num_key_value_heads"] {
      d["GroupQueryAttention.\(a)"] = "required"
    }
    d["GroupQueryAttention.dropout"] = "0.0"
    d["GroupQueryAttention.use_bias"] = "true"
    d["GroupQueryAttention.sliding_window"] = "None"
    d["GroupQueryAttention.use_gate"] = "false"
    // Attention(use_scale=False, score_mode="dot", dropout=0.0, seed=None);
    // AdditiveAttention(use_scale=True, dropout=0.0, **kwargs): score_mode goes to Attention.
    d["Attention.use_scale"] = "false"
    d["Attention.score_mode"] = "dot"
    d["Attention.dropout"] = "0.0"
    d["AdditiveAttention.use_scale"] = "true"
    d["AdditiveAttention.dropout"] = "0.0"
    d["AdditiveAttention.score_mode"] = "dot"
    for r in 1...3 {
      // Keras has depthwise and separable convolutions of rank 1 and 2 only.
      let depthwise = r < 3 ? ["DepthwiseConv\(r)D", "SeparableConv\(r)D"] : []
      let convs = ["Conv\(r)D", "Conv\(r)DTranspose"] + depthwise
      for conv in convs {
        d["\(conv).kernel_size"] = "required"
        d["\(conv).strides"] = "1"
        d["\(conv).padding"] = "valid"
        d["\(conv).dilation_rate"] = "1"
        d["\(conv).use_bias"] = "true"
        d["\(conv).data_format"] = "channels_last"
        if !conv.hasPrefix("Depthwise") { d["\(conv).filters"] = "required" }
      }
      d["Conv\(r)D.groups"] = "1"
      d["Conv\(r)D.lora_rank"] = "None"
      d["Conv\(r)DTranspose.output_padding"] = "None"
      for conv in depthwise { d["\(conv).depth_multiplier"] = "1" }
      // MaxPooling1D(pool_size=2), MaxPooling2D(pool_size=(2, 2)), ...; AveragePoolingND's
      // pool_size has no default; strides=None means pool_size.
      d["MaxPooling\(r)D.pool_size"] = "2"
      d["AveragePooling\(r)D.pool_size"] = "required"
      for kind in ["Max", "Average"] {
        d["\(kind)Pooling\(r)D.strides"] = "pool_size"
        d["\(kind)Pooling\(r)D.padding"] = "valid"
        d["\(kind)Pooling\(r)D.data_format"] = "channels_last"
        d["Global\(kind)Pooling\(r)D.keepdims"] = "false"
        d["Global\(kind)Pooling\(r)D.data_format"] = "channels_last"
      }
      d["UpSampling\(r)D.size"] = "2"
      // ZeroPadding1D(padding=1), ZeroPadding2D(padding=(1, 1)), ZeroPadding3D(((1, 1),) * 3).
      d["ZeroPadding\(r)D.padding"] = "1"
      d["SpatialDropout\(r)D.rate"] = "required"
      // UpSampling1D, Cropping1D and SpatialDropout1D take no data_format in Keras 3.
      for t in ["UpSampling", "ZeroPadding", "Cropping", "SpatialDropout"]
      where r > 1 || t == "ZeroPadding" {
        d["\(t)\(r)D.data_format"] = "channels_last"
      }
    }
    // Cropping1D(cropping=(1, 1)), Cropping2D(cropping=((0, 0), (0, 0))),
    // Cropping3D(cropping=((1, 1), (1, 1), (1, 1))).
    d["Cropping1D.cropping"] = "1"
    d["Cropping2D.cropping"] = "0"
    d["Cropping3D.cropping"] = "1"
    // ConvLSTM1D/2D/3D(filters, kernel_size, strides=1, padding="valid", data_format=None,
    // dilation_rate=1, ..., use_bias=True, ..., return_sequences=False, return_state=False,
    // go_backwards=False, stateful=False).
    for r in 1...3 {
      let t = "ConvLSTM\(r)D"
      d["\(t).filters"] = "required"
      d["\(t).kernel_size"] = "required"
      d["\(t).strides"] = "1"
      d["\(t).padding"] = "valid"
      d["\(t).dilation_rate"] = "1"
      d["\(t).data_format"] = "channels_last"
      d["\(t).use_bias"] = "true"
      d["\(t).return_sequences"] = "false"
      d["\(t).return_state"] = "false"
      d["\(t).stateful"] = "false"
    }
    return d
  }()

  /// The line of `example` with `key=value` in place of any `key=` it has.
  static func line(_ example: LayerExample, _ key: String, _ value: String) -> String {
    let kept = example.add.split(separator: " ").filter { !$0.hasPrefix(key + "=") }
    return kept.joined(separator: " ") + " \(key)=\(value)"
  }

  /// Whether the example gives `key` itself (then its default does not show on it).
  static func sets(_ example: LayerExample, _ key: String) -> Bool {
    example.add.split(separator: " ").contains { $0.hasPrefix(key + "=") }
  }

  /// What a model of `input` and `add` comes to: count, trainable count and the last output
  /// shape, or the error.
  static func outcome(_ catalog: LayerCatalog, _ input: String, _ add: String) -> Result<
    String, ParamCalcError
  > {
    var i = Interpreter(session: Session(catalog: catalog))
    do throws(ParamCalcError) {
      _ = try i.run(line: "input " + input)
      _ = try i.run(line: add)
    } catch {
      return .failure(error)
    }
    let out = i.session.layers.last.map { $0.inference.output.description } ?? "-"
    return .success("\(i.session.total) (\(i.session.trainable) trainable) out \(out)")
  }

  /// For each argument of `d` with a value default, that value written out on the example
  /// changes nothing: the reader's default is the declared one. The differences found.
  static func divergentDefaults(_ d: LayerDescriptor, _ e: LayerExample, _ catalog: LayerCatalog)
    -> [String]
  {
    let base = outcome(catalog, e.input, e.add)
    var found: [String] = []
    for a in d.arguments where !ArgumentSpecTests.sets(e, a.name) {
      guard case .value(let v) = a.byDefault else { continue }
      let explicit = line(e, a.name, v.script)
      let got = outcome(catalog, e.input, explicit)
      if "\(got)" != "\(base)" {
        found.append("\(d.name).\(a.name): '\(explicit)' gives \(got), without it \(base)")
      }
    }
    return found
  }

  @Test func everyDeclaredDefaultIsKeras() {
    var declared: Set<String> = []
    for d in LayerCatalog.standard.descriptors {
      for a in d.arguments {
        let key = "\(d.name).\(a.name)"
        declared.insert(key)
        #expect(
          ArgumentSpecTests.kerasDefaults[key] == a.defaultText,
          "\(key): declared \(a.defaultText), Keras \(ArgumentSpecTests.kerasDefaults[key] ?? "?")")
      }
    }
    let undeclared = Set(ArgumentSpecTests.kerasDefaults.keys).subtracting(declared)
    #expect(undeclared.isEmpty, "in the Keras table, not declared: \(undeclared.sorted())")
  }

  @Test func writingTheDefaultChangesNothing() throws {
    var checked = 0
    for d in LayerCatalog.standard.descriptors {
      let e = try #require(LayerExample.of(d), "\(d.name) has no example")
      guard case .success = ArgumentSpecTests.outcome(.standard, e.input, e.add) else {
        Issue.record("\(d.name): the example fails")
        continue
      }
      for problem in ArgumentSpecTests.divergentDefaults(d, e, .standard) {
        Issue.record(Comment(rawValue: problem))
      }
      checked += d.arguments.filter { if case .value = $0.byDefault { true } else { false } }.count
    }
    #expect(checked > 100, "only \(checked) defaults checked")
  }

  /// Keras's default written out on the example gives what leaving it out gives: with a
  /// declared default that is not Keras's, the two differ wherever the argument shows.
  @Test func writingKerasDefaultChangesNothing() throws {
    for d in LayerCatalog.standard.descriptors {
      let e = try #require(LayerExample.of(d))
      let base = ArgumentSpecTests.outcome(.standard, e.input, e.add)
      for a in d.arguments where !ArgumentSpecTests.sets(e, a.name) {
        guard let keras = ArgumentSpecTests.kerasDefaults["\(d.name).\(a.name)"],
          case .value = a.byDefault
        else { continue }
        let got = ArgumentSpecTests.outcome(
          .standard, e.input, ArgumentSpecTests.line(e, a.name, keras))
        #expect("\(got)" == "\(base)", "\(d.name).\(a.name)=\(keras)")
      }
    }
    // The example that shows Cropping3D's default: 1 on each side of each axis.
    let cropped = ArgumentSpecTests.outcome(.standard, "(8,8,8,2)", "add cropping3d")
    guard case .success(let text) = cropped else {
      Issue.record("add cropping3d: \(cropped)")
      return
    }
    #expect(text.hasSuffix("out (None, 6, 6, 6, 2)"), "\(text)")
  }

  /// The check above can fail: a layer whose reader uses another default than it declares.
  @Test func aDivergentDefaultIsCaught() {
    let declared = ArgumentSpec("use_bias", .bool, default: true, .count, "add one bias per unit")
    let used = ArgumentSpec("use_bias", .bool, default: false, .count, "add one bias per unit")
    let units = CoreArguments.units
    let broken = LayerDescriptor(
      name: "Dense", family: "Core", summary: "", source: "", arguments: [units, declared],
      make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
        Dense(units: try r.int(units), useBias: try r.bool(used))
      })
    let catalog = LayerCatalog([broken])
    let found = ArgumentSpecTests.divergentDefaults(broken, denseExample, catalog)
    #expect(found.count == 1 && found.first?.hasPrefix("Dense.use_bias") == true, "\(found)")
    #expect(ArgumentSpecTests.divergentDefaults(broken, denseExample, .standard).isEmpty)
  }

  /// Every choice is read as a value: the layer is built, or refused on its input as Keras
  /// refuses it; never refused as an invalid value. Values Keras takes that paramcalc does not
  /// are refused with their declared message.
  @Test func everyChoiceIsAccepted() throws {
    for d in LayerCatalog.standard.descriptors {
      let e = try #require(LayerExample.of(d))
      for a in d.arguments {
        guard case .choice = a.kind else { continue }
        #expect(!a.choices.isEmpty && a.choices.contains(a.defaultText), "\(d.name).\(a.name)")
        #expect(d.completions(of: a.name) == a.choices, "\(d.name).\(a.name)")
        for c in a.choices + a.choices.map({ $0.uppercased() }) {
          switch ArgumentSpecTests.outcome(.standard, e.input, ArgumentSpecTests.line(e, a.name, c))
          {
          case .success: break
          // Keras compares most names as written (SciPy's windows, the augmentations'
          // interpolation and fill_mode, a pooling's padding): their upper case is refused,
          // saying so (ChoiceCaseTests compares each with Keras).
          case .failure(let error) where c != c.lowercased() && error.kind == .invalidValue:
            #expect(error.message.contains("as written"), "\(d.name).\(a.name)=\(c)")
          case .failure(let error):
            #expect(error.kind == .refused, "\(d.name).\(a.name)=\(c): \(error.message)")
          }
        }
        for u in a.unsupported {
          #expect(!a.choices.contains(u.value), "\(d.name).\(a.name)")
          let got = ArgumentSpecTests.outcome(
            .standard, e.input, ArgumentSpecTests.line(e, a.name, u.value))
          guard case .failure(.invalidValue(let argument, let message, _, _)) = got else {
            Issue.record("\(d.name).\(a.name)=\(u.value): \(got)")
            continue
          }
          #expect(argument == a.name && message == u.message, "\(message)")
        }
        // A word that is no choice is refused, naming the choices.
        let wrong = ArgumentSpecTests.outcome(
          .standard, e.input, ArgumentSpecTests.line(e, a.name, "nosuchchoice"))
        guard case .failure(.invalidValue(a.name, let message, _, _)) = wrong else {
          Issue.record("\(d.name).\(a.name)=nosuchchoice: \(wrong)")
          continue
        }
        #expect(message.hasPrefix("expected one of '"), "\(message)")
      }
    }
  }

  /// Just below an integer's minimum is refused naming the argument; the minimum itself is read.
  @Test func integerMinimumsAreChecked() throws {
    var checked = 0
    for d in LayerCatalog.standard.descriptors {
      let e = try #require(LayerExample.of(d))
      for a in d.arguments {
        let min: Int
        var below: Int
        switch a.kind {
        case .integer(let m, let also):
          min = m
          below = m &- 1
          if below == also { below = m &- 2 }
        case .optionalInteger(let m), .integers(_, let m):
          min = m
          below = m &- 1
        default: continue
        }
        if min == Int.min { continue }
        let got = ArgumentSpecTests.outcome(
          .standard, e.input, ArgumentSpecTests.line(e, a.name, "\(below)"))
        guard case .failure(.invalidValue(let argument, let message, _, _)) = got else {
          Issue.record("\(d.name).\(a.name)=\(below): \(got)")
          continue
        }
        #expect(argument == a.name, "\(d.name).\(a.name): \(argument)")
        #expect(message.contains("at least \(min), found \(below)"), "\(message)")
        let atMin = ArgumentSpecTests.outcome(
          .standard, e.input, ArgumentSpecTests.line(e, a.name, "\(min)"))
        // STFTSpectrogram's fft_length must also be at least frame_length (256 on the example).
        if case .failure(let error) = atMin, "\(d.name).\(a.name)" != "STFTSpectrogram.fft_length" {
          #expect(error.kind != .invalidValue, "\(d.name).\(a.name)=\(min): \(error.message)")
        }
        checked += 1
      }
    }
    #expect(checked > 50, "\(checked)")
  }

  /// An argument not marked as changing the count leaves it as it is, whatever its value.
  @Test func unmarkedArgumentsLeaveTheCount() throws {
    for d in LayerCatalog.standard.descriptors where !d.arguments.isEmpty {
      let e = try #require(LayerExample.of(d))
      guard case .success(let base) = ArgumentSpecTests.outcome(.standard, e.input, e.add) else {
        continue
      }
      let count = base.prefix { $0 != " " }
      for a in d.arguments where !a.changesCount {
        var values: [String] = []
        switch a.kind {
        case .choice: values = a.choices
        case .bool: values = ["true", "false"]
        case .integer(let m, _), .integers(_, let m): values = ["\(max(m, 1))", "\(max(m, 1) + 1)"]
        case .number(let range, _): values = [Value.format(range.lowerBound)]
        default: continue
        }
        for v in values {
          guard
            case .success(let got) = ArgumentSpecTests.outcome(
              .standard, e.input, ArgumentSpecTests.line(e, a.name, v))
          else { continue }
          #expect(got.prefix { $0 != " " } == count, "\(d.name) \(a.name)=\(v): \(got)")
        }
      }
    }
  }

  /// `help LAYER` has a row per argument with its mark, name, declared default and what it
  /// accepts; the rows fit 100 columns and the mark is explained.
  @Test func helpRowsShowTheDeclaration() {
    for d in LayerCatalog.standard.descriptors where !d.arguments.isEmpty {
      let text = Help.layer(d)
      let lines = text.split(separator: "\n").map(String.init)
      let marked = d.arguments.contains { $0.changesCount }
      #expect(
        lines.contains(
          marked
            ? "  arguments (* = changes the parameter count):"
            : "  arguments (none changes the parameter count):"), "\(d.name)")
      for a in d.arguments {
        let prefix = "    " + (a.changesCount ? "* " : "  ") + a.name + " "
        guard let row = lines.first(where: { $0.hasPrefix(prefix) }) else {
          Issue.record("\(d.name): no row for \(a.name) in\n\(text)")
          continue
        }
        let cells = row.dropFirst(6).split(separator: "  ", omittingEmptySubsequences: true)
          .map { $0.trimmingCharacters(in: .whitespaces) }
        // The meaning stands in the row, or (the columns leaving it too little room) under it.
        #expect(cells.count >= 3, "\(row)")
        #expect(cells.dropFirst().first == ArgumentSpecTests.kerasDefaults["\(d.name).\(a.name)"])
        #expect(cells.dropFirst(2).first == Help.acceptsCell(a), "\(row)")
        if Help.acceptsCell(a) != a.allowedText {
          // A choice of many names: the whole list under the row.
          let under = lines.drop { $0 != row }.dropFirst()
            .drop { !$0.hasPrefix("        accepts: ") }
            .prefix { $0.hasPrefix("        accepts: ") || $0.hasPrefix("          ") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
          #expect(under == "accepts: " + a.allowedText, "\(d.name).\(a.name)")
        }
        if case .choice = a.kind {
          #expect(a.allowedText == a.choices.joined(separator: ", "), "\(row)")
        }
      }
      let start = lines.firstIndex { $0.hasPrefix("  arguments") }!
      for row in lines[start...] where !row.hasPrefix("  also:") && !row.hasPrefix("  example:") {
        #expect(row.count <= 100, "\(d.name): \(row.count) columns: \(row)")
      }
    }
  }

  /// Ranges read as the reader checks them: `0 to 1`, open upper bounds say `below`.
  @Test func allowedTextOfNumbers() {
    let rate = ArgumentSpec("rate", .number(0...1), default: .required, .neither, "")
    let open = ArgumentSpec("p", .number(0...1, openUpper: true), default: 0.0, .neither, "")
    let any = ArgumentSpec(
      "a", .number(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude),
      default: 1.0, .neither, "")
    #expect(rate.allowedText == "0 to 1")
    #expect(open.allowedText == "0 to below 1")
    #expect(any.allowedText == "any number")
  }

  /// Completion's view: the declared names first, in order, then the inert ones, once each.
  @Test func argumentNamesForCompletion() {
    for d in LayerCatalog.standard.descriptors {
      let names = d.argumentNames
      #expect(Array(names.prefix(d.arguments.count)) == d.arguments.map(\.name), "\(d.name)")
      #expect(Set(names).count == names.count, "\(d.name): \(names)")
      for n in d.inert + commonInertArguments { #expect(names.contains(n), "\(d.name): \(n)") }
    }
    let conv = LayerCatalog.standard["conv1d"]!
    #expect(conv.completions(of: "padding") == ["valid", "same", "causal"])
    #expect(conv.completions(of: "data_format") == ["channels_last", "channels_first", "none"])
    #expect(conv.completions(of: "use_bias") == ["true", "false"])
    #expect(conv.completions(of: "activation").contains("relu"))
    #expect(conv.completions(of: "filters").isEmpty)
    #expect(
      LayerCatalog.standard["bidirectional"]!.completions(of: "merge_mode") == [
        "concat", "sum", "mul", "ave",
      ])
  }
}
