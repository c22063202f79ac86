import Testing

@testable import ParamCalcCore

/// Error hints that teach: each refusal says what would fit.
@Suite("Error hints")
struct HintTests {
  /// Checks the error of `line` after `setup`: its case, its message and its hint, whole.
  func expectHint(
    after setup: [String], _ line: String, _ kind: ErrorKind, message: String, hint: String?,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    guard let e = error(after: setup, line, sourceLocation: sourceLocation) else {
      Issue.record("'\(line)' was accepted", sourceLocation: sourceLocation)
      return
    }
    #expect(e.kind == kind, "'\(line)': \(e)", sourceLocation: sourceLocation)
    #expect(e.message == message, sourceLocation: sourceLocation)
    #expect(e.hint == hint, sourceLocation: sourceLocation)
  }

  // MARK: rank

  @Test func recurrentOnAVectorNamesATimeAxis() {
    expectHint(
      after: ["input (16,)"], "add lstm units=4", .refused,
      message:
        "LSTM cannot be applied here: expected an input of rank 3 (batch, timesteps, features), found rank 2 with shape (None, 16)",
      hint:
        "LSTM reads (batch, timesteps, features): write 'input (None,16)', or add 'repeatvector n=T' (T steps of the same vector) or 'reshape target_shape=(16,1)' first"
    )
  }

  /// An edit that would break a later layer says the model is unchanged and the ways out:
  /// what fits that layer when it is said of it (its window: 8 - 3 + 1 = 6, then 6 - 2 = 4
  /// steps hold a kernel of 4 at most... here the input is 5 long), then change or remove it.
  @Test func anEditThatBreaksALaterLayerSaysWhatWouldFitIt() {
    // After set 1 kernel_size=6 the second convolution sees 10 - 6 + 1 = 5 steps: too few for 7.
    expectHint(
      after: [
        "input (10,8)", "add conv1d filters=4 kernel_size=3", "add conv1d filters=4 kernel_size=7",
      ], "set 1 kernel_size=6", .breaksLayer,
      message:
        "this change would break layer #2 (Conv1D): computed output size would be zero or negative: an axis of size 5 is smaller than the window of 7 (input shape (None, 5, 4))",
      hint:
        "the model is unchanged: layer #2: padding=same keeps the length, or use kernel_size ≤ 5; or change layer #2 first ('set 2 ...') or remove it ('remove 2')"
    )
    // A hint that would add a layer at the end does not help a layer in the middle: only the
    // ways out that always exist.
    expectHint(
      after: ["input (10,8)", "add conv1d filters=4 kernel_size=3"], "input (10,)", .breaksLayer,
      message:
        "this change would break layer #1 (Conv1D): expected an input of rank 3 (batch, steps, channels), found rank 2 with shape (None, 10)",
      hint:
        "the model is unchanged: change layer #1 first ('set 1 ...') or remove it ('remove 1')")
  }

  /// Inputs that must change together (an Add's two, a decoder's states): one `set` changes one
  /// of them, so changing the merge first is no way out; removing it and inserting it is.
  @Test func inputsThatMustChangeTogetherSayHowToChangeThem() {
    expectHint(
      after: [
        "input a (8,)", "add dense units=4 as x from a", "add dense units=4 as y from a",
        "add add from x,y",
      ], "set 2 units=6", .breaksLayer,
      message:
        "this change would break layer #4 (Add): Inputs have incompatible shapes. Received shapes (6,) and (4,)",
      hint:
        "the model is unchanged: layer #4 reads several tensors that must change together, and one 'set' changes one of them: remove it ('remove 4'), make the changes, then insert it again as it then fits ('insert 4 add from x,y')"
    )
    // A Concatenate may be mended by its own axis: the usual ways out.
    let e = error(
      after: [
        "input a (8,3)", "add dense units=4 as x from a", "add dense units=4 as y from a",
        "add concatenate axis=-1 from x,y",
      ], "set 2 units=6")
    #expect(e == nil || e?.hint?.contains("insert 4") == false, "\(String(describing: e))")
  }

  @Test func recurrentAfterALayerReshapesOnly() {
    // Not on the model's input: changing the input line would not help.
    expectHint(
      after: ["input (16,)", "add dense units=8"], "add bidirectional lstm units=3", .refused,
      message:
        "Bidirectional(LSTM) cannot be applied here: expected an input of rank 3 (batch, timesteps, features), found rank 2 with shape (None, 8)",
      hint:
        "Bidirectional(LSTM) reads (batch, timesteps, features): add 'repeatvector n=T' (T steps of the same vector) or 'reshape target_shape=(8,1)' first"
    )
  }

  @Test func recurrentOnTooManyAxesMergesTheFeatures() {
    expectHint(
      after: ["input (28,28,1)"], "add gru units=4", .refused,
      message:
        "GRU cannot be applied here: expected an input of rank 3 (batch, timesteps, features), found rank 4 with shape (None, 28, 28, 1)",
      hint: "GRU reads (batch, timesteps, features): add 'reshape target_shape=(28,28)' first")
  }

  @Test func convolutionOnAnImageWithoutChannelsAddsOne() {
    expectHint(
      after: ["input (28,28)"], "add conv2d filters=32 kernel_size=3", .refused,
      message:
        "Conv2D cannot be applied here: expected an input of rank 4 (batch, 2 spatial axes, channels), found rank 3 with shape (None, 28, 28)",
      hint:
        "Conv2D reads (batch, rows, columns, channels): write 'input 28x28x1', or add 'reshape target_shape=(28,28,1)' first"
    )
  }

  // MARK: rank, with the channels first

  /// The same refusal in both layouts: each message and hint names the axes in the order the
  /// layer reads them, and the input it proposes is read so (its channels of 1 where the layer
  /// reads the channels).
  @Test func aRankHintDescribesTheLayoutTheLayerReads() {
    let input = ["input (28,28)"]
    for (layer, name) in [
      ("conv2d filters=8 kernel_size=3", "Conv2D"), ("maxpooling2d", "MaxPooling2D"),
      ("upsampling2d", "UpSampling2D"), ("cropping2d cropping=1", "Cropping2D"),
    ] {
      expectHint(
        after: input, "add \(layer)", .refused,
        message:
          "\(name) cannot be applied here: expected an input of rank 4 (batch, 2 spatial axes, channels), found rank 3 with shape (None, 28, 28)",
        hint:
          "\(name) reads (batch, rows, columns, channels): write 'input 28x28x1', or add 'reshape target_shape=(28,28,1)' first"
      )
      expectHint(
        after: input, "add \(layer) data_format=channels_first", .refused,
        message:
          "\(name) cannot be applied here: expected an input of rank 4 (batch, channels, 2 spatial axes), found rank 3 with shape (None, 28, 28) (data_format=channels_first)",
        hint:
          "\(name) reads (batch, channels, rows, columns): write 'input 1x28x28', or add 'reshape target_shape=(1,28,28)' first"
      )
    }
  }

  @Test func aRankHintWithTheChannelsFirstOnASequenceAndAVolume() {
    expectHint(
      after: ["input (10,)"], "add conv1d filters=2 kernel_size=3 data_format=channels_first",
      .refused,
      message:
        "Conv1D cannot be applied here: expected an input of rank 3 (batch, channels, steps), found rank 2 with shape (None, 10) (data_format=channels_first)",
      hint:
        "Conv1D reads (batch, channels, steps): write 'input 1x10', or add 'reshape target_shape=(1,10)' first"
    )
    expectHint(
      after: ["input (10,28,28)"],
      "add conv3d filters=2 kernel_size=3 data_format=channels_first", .refused,
      message:
        "Conv3D cannot be applied here: expected an input of rank 5 (batch, channels, 3 spatial axes), found rank 4 with shape (None, 10, 28, 28) (data_format=channels_first)",
      hint:
        "Conv3D reads (batch, channels, frames, rows, columns): write 'input 1x10x28x28', or add 'reshape target_shape=(1,10,28,28)' first"
    )
    // Too many axes: with the channels first, the first ones are merged into the channels
    // (3 × 28 = 84), as the last ones are with the channels last (28 × 5 = 140).
    expectHint(
      after: ["input (3,28,28,5)"], "add conv2d filters=2 kernel_size=3", .refused,
      message:
        "Conv2D cannot be applied here: expected an input of rank 4 (batch, 2 spatial axes, channels), found rank 5 with shape (None, 3, 28, 28, 5)",
      hint:
        "Conv2D reads (batch, rows, columns, channels): add 'reshape target_shape=(3,28,140)' first"
    )
    expectHint(
      after: ["input (3,28,28,5)"],
      "add conv2d filters=2 kernel_size=3 data_format=channels_first", .refused,
      message:
        "Conv2D cannot be applied here: expected an input of rank 4 (batch, channels, 2 spatial axes), found rank 5 with shape (None, 3, 28, 28, 5) (data_format=channels_first)",
      hint:
        "Conv2D reads (batch, channels, rows, columns): add 'reshape target_shape=(84,28,5)' first"
    )
  }

  /// ConvLSTM reads a time axis first, then its channels (first) or its spatial axes.
  @Test func aConvLSTMRankHintNamesTheTimeAxis() {
    let input = ["input (10,28,28)"]
    expectHint(
      after: input, "add convlstm2d filters=2 kernel_size=3", .refused,
      message:
        "ConvLSTM2D cannot be applied here: expected an input of rank 5 (batch, time, 2 spatial axes, channels), found rank 4 with shape (None, 10, 28, 28)",
      hint:
        "ConvLSTM2D reads (batch, time, rows, columns, channels): write 'input 10x28x28x1', or add 'reshape target_shape=(10,28,28,1)' first"
    )
    expectHint(
      after: input, "add convlstm2d filters=2 kernel_size=3 data_format=channels_first", .refused,
      message:
        "ConvLSTM2D cannot be applied here: expected an input of rank 5 (batch, time, channels, 2 spatial axes), found rank 4 with shape (None, 10, 28, 28) (data_format=channels_first)",
      hint:
        "ConvLSTM2D reads (batch, time, channels, rows, columns): write 'input 10x1x28x28', or add 'reshape target_shape=(10,1,28,28)' first"
    )
    // Fewer axes than the channels' place: the layer's own refusal, said of the channels first.
    expectHint(
      after: ["input (10,)"], "add convlstm1d filters=2 kernel_size=3 data_format=channels_first",
      .refused,
      message:
        "ConvLSTM1D cannot be applied here: expected an input of rank 4 (batch, time, channels, 1 spatial axis), found rank 2 with shape (None, 10) (data_format=channels_first)",
      hint: nil)
  }

  /// A window too large for the input, with the channels first: the sizes of the axes the
  /// window reads (the channels left out: 10 and 4 of (3, 10, 4)).
  @Test func aWindowHintWithTheChannelsFirst() {
    expectHint(
      after: ["input (3,10,4)"], "add conv2d filters=2 kernel_size=5 data_format=channels_first",
      .refused,
      message:
        "Conv2D cannot be applied here: computed output size would be zero or negative: an axis of size 4 is smaller than the window of 5 (input shape (None, 10, 4, 3)) (data_format=channels_first: that is the input with its channels moved last)",
      hint: "padding=same keeps the length, or use kernel_size ≤ (10,4)")
  }

  @Test func convolutionWithAnUnknownLengthKeepsItUnknown() {
    expectHint(
      after: ["input (None,16)"], "add conv2d filters=2 kernel_size=3", .refused,
      message:
        "Conv2D cannot be applied here: expected an input of rank 4 (batch, 2 spatial axes, channels), found rank 3 with shape (None, None, 16)",
      hint:
        "Conv2D reads (batch, rows, columns, channels): write 'input (None,16,1)', or add 'reshape target_shape=(-1,16,1)' first"
    )
  }

  @Test func poolingOnAVectorAddsAChannelsAxis() {
    expectHint(
      after: ["input (10,)"], "add maxpooling1d", .refused,
      message:
        "MaxPooling1D cannot be applied here: expected an input of rank 3 (batch, steps, channels), found rank 2 with shape (None, 10)",
      hint:
        "MaxPooling1D reads (batch, steps, channels): write 'input 10x1', or add 'reshape target_shape=(10,1)' first"
    )
  }

  @Test func vectorLayerOnAnImageFlattensFirst() {
    expectHint(
      after: ["input (5,3)"], "add repeatvector n=4", .refused,
      message:
        "RepeatVector cannot be applied here: expected an input of rank 2 (batch, features), found rank 3 with shape (None, 5, 3)",
      hint: "RepeatVector reads (batch, features): add 'flatten' first")
  }

  // MARK: pasted Python

  @Test func pythonPositionalDense() {
    expectHint(
      after: ["input (None,25)"], "add Dense(10)", .syntax,
      message:
        "'Dense(10)' is Python: paramcalc writes a layer as its type and key=value arguments",
      hint: "did you mean 'add dense units=10'?")
  }

  @Test func pythonKeywordDense() {
    expectHint(
      after: ["input (None,25)"], "add dense(units=10)", .syntax,
      message:
        "'dense(units=10)' is Python: paramcalc writes a layer as its type and key=value arguments",
      hint: "did you mean 'add dense units=10'?")
  }

  @Test func pythonConvolutionWithATupleAndAString() {
    expectHint(
      after: ["input 28x28x1"], "add Conv2D(32, (3,3), activation='relu')", .syntax,
      message:
        "'Conv2D(32, (3,3), activation='relu')' is Python: paramcalc writes a layer as its type and key=value arguments",
      hint: "did you mean 'add conv2d filters=32 kernel_size=(3,3) activation=relu'?")
  }

  @Test func pythonPositionalsOfCommonLayers() {
    let cases: [(String, String)] = [
      ("LSTM(64, return_sequences=True)", "add lstm units=64 return_sequences=true"),
      ("keras.layers.GRU(8)", "add gru units=8"),
      ("SimpleRNN(5)", "add simplernn units=5"),
      ("Dropout(0.5)", "add dropout rate=0.5"),
      ("Embedding(1000, 64)", "add embedding input_dim=1000 output_dim=64"),
      ("Conv1D(16, 5, padding='same')", "add conv1d filters=16 kernel_size=5 padding=same"),
      ("DepthwiseConv2D((3, 3))", "add depthwiseconv2d kernel_size=(3,3)"),
      ("MaxPooling2D((2,2))", "add maxpooling2d pool_size=(2,2)"),
    ]
    for (call, line) in cases {
      let e = error(after: ["input (None,25)"], "add \(call)")
      #expect(e?.kind == .syntax, "\(call)")
      #expect(e?.hint == "did you mean '\(line)'?", "\(call)")
      // The suggested line is paramcalc's own: it parses.
      #expect((try? CommandParser.parse(line)) != nil, "\(line)")
    }
  }

  @Test func pythonInsertKeepsTheCommandAndPosition() {
    expectHint(
      after: ["input (None,25)", "add dense units=2"], "insert 1 Dense(10)", .syntax,
      message:
        "'Dense(10)' is Python: paramcalc writes a layer as its type and key=value arguments",
      hint: "did you mean 'insert 1 dense units=10'?")
  }

  @Test func pythonWrappedLayerAndModelAdd() {
    expectHint(
      after: ["input (None,25)"], "add bidirectional LSTM(4)", .syntax,
      message: "'LSTM(4)' is Python: paramcalc writes a layer as its type and key=value arguments",
      hint: "did you mean 'add bidirectional lstm units=4'?")
    expectHint(
      after: ["input (None,25)"], "model.add(layers.Dense(10, activation='relu'))", .syntax,
      message:
        "'layers.Dense(10, activation='relu')' is Python: paramcalc writes a layer as its type and key=value arguments",
      hint: "did you mean 'add dense units=10 activation=relu'?")
  }

  @Test func pythonWithoutAParamcalcFormGetsAnExample() {
    // A nested call, `**kwargs`, or a class paramcalc does not know: no line to suggest.
    for call in ["Dense(10, kernel_regularizer=l2(0.01))", "Dense(10, **kw)", "Foo(units=3)"] {
      expectHint(
        after: ["input (None,25)"], "add \(call)", .syntax,
        message:
          "'\(call)' is Python: paramcalc writes a layer as its type and key=value arguments",
        hint: "write e.g. 'add dense units=10' ('help TYPE' lists a layer's arguments)")
    }
    // A key=value whose value is a tuple is not a call.
    #expect(error(after: ["input (None,25)"], "add units=(3,3)")?.kind == .missingOperand)
    // Short tokens ending in ')' are no `x.add(...)` (and do not crash the search for one).
    #expect(error(after: [], "(a)")?.kind == .unknownCommand)
  }

  // MARK: separators

  @Test func trailingCommaBetweenArguments() {
    expectHint(
      after: ["input (None,25)"], "add conv1d filters=64, kernel_size=5", .syntax,
      message: "unexpected ',' in 'filters=64,'",
      hint: "separate arguments with spaces, not commas: filters=64 kernel_size=5")
    expectHint(
      after: ["input (None,25)"], "add conv1d filters=64,kernel_size=5", .syntax,
      message: "unexpected ',' in 'filters=64,kernel_size=5'",
      hint: "separate arguments with spaces, not commas: filters=64 kernel_size=5")
  }

  @Test func aCommaInsideAValueIsStillTheValue() throws {
    guard case .add(let r) = try CommandParser.parse("add x eq=abc,cd->abd") else {
      Issue.record("not an add")
      return
    }
    #expect(r.arguments.first?.value == .string("abc,cd->abd"))
  }

  @Test func spacesAroundEquals() {
    for line in ["add dense units = 10", "add dense units= 10", "add dense units =10"] {
      let written = String(line.dropFirst("add dense ".count))
      expectHint(
        after: ["input (None,25)"], line, .syntax,
        message: "spaces around '=' in '\(written)'",
        hint: "write key=value without spaces: units=10")
    }
  }

  // MARK: windows

  @Test func kernelLargerThanItsInput() {
    expectHint(
      after: ["input (3,2)"], "add conv1d filters=2 kernel_size=5", .refused,
      message:
        "Conv1D cannot be applied here: computed output size would be zero or negative: an axis of size 3 is smaller than the window of 5 (input shape (None, 3, 2))",
      hint: "padding=same keeps the length, or use kernel_size ≤ 3")
  }

  @Test func poolLargerThanOneAxis() {
    expectHint(
      after: ["input (10,5,3)"], "add maxpooling2d pool_size=(2,8)", .refused,
      message:
        "MaxPooling2D cannot be applied here: computed output size would be zero or negative: an axis of size 5 is smaller than the window of 8 (input shape (None, 10, 5, 3))",
      hint: "padding=same pads the input to fit the window, or use pool_size ≤ (10,5)")
  }

  // MARK: layer names

  @Test func kerasAliasesAreTheSameLayer() throws {
    let cases: [(String, String, String)] = [
      ("input (10,3)", "add convolution1d filters=2 kernel_size=3", "Conv1D"),
      ("input 8x8x3", "add Convolution2D filters=2 kernel_size=3", "Conv2D"),
      ("input 8x8x3", "add convolution2dtranspose filters=2 kernel_size=3", "Conv2DTranspose"),
      ("input (10,3)", "add separableconvolution1d filters=2 kernel_size=3", "SeparableConv1D"),
      ("input 8x8x3", "add maxpool2d", "MaxPooling2D"),
      ("input 8x8x3", "add globalavgpool2d", "GlobalAveragePooling2D"),
    ]
    for (input, line, type) in cases {
      let s = try model(input, line)
      #expect(s.layers.last?.spec.type == type, "\(line)")
      // Saved under Keras's own class name.
      let words = s.layers.last?.spec.script.split(separator: " ").prefix(2).joined(separator: " ")
      #expect(words == "add \(type.lowercased())", "\(line)")
    }
  }

  @Test func informalNamesAreSuggestedNotAccepted() {
    for (name, suggestion) in [
      ("batchnorm", "batchnormalization"), ("bn", "batchnormalization"),
      ("layernorm", "layernormalization"),
    ] {
      expectHint(
        after: ["input (None,25)"], "add \(name)", .unknownLayer,
        message: "unknown layer type '\(name)'",
        hint: "did you mean '\(suggestion)'? ('layers' lists the layer types)")
    }
  }
}
