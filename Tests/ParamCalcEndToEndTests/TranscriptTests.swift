// Recorded output of the binary, written by scripts/record-transcripts.py: not checked by the recorder;
// review every change to it. Its Keras numbers are checked by TranscriptKerasTests against
// Fixtures/transcripts-keras.json (scripts/keras_transcripts.py).
import Testing

/// Transcripts of the binary on scripts: stdout, stderr and exit status, exactly.
@Suite("Script mode transcripts")
struct TranscriptTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var arguments: [String]
    var script: String
    var stdout: String
    var stderr: String
    var status: Int32
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "seedConv1D", arguments: [],
      script: "input (None,25)\nadd conv1d filters=64 kernel_size=5\nexplain 1\n",
      stdout: [
        "  input (None, None, 25)",
        "  #1 Conv1D  out (None, None, 64)   8,064 params   total 8,064",
        "  #1 Conv1D  (None, None, 25) -> (None, None, 64)",
        "  (kernel_size × input_channels + 1) × filters = (5 × 25 + 1) × 64 = 8,064",
        "    kernel_size    =  5   argument      each filter looks at 5 consecutive steps",
        "    input_channels = 25   input shape   the last dimension of the input: each filter covers all 25 input channels at each position",
        "    1              =  1   default       the bias: one per filter, added to its weighted sum (use_bias=true)",
        "    filters        = 64   argument      the number of filters; each one produces one output channel",
        "  weights (in Keras's order):",
        "    kernel  (5, 25, 64)  8,000",
        "    bias    (64,)           64",
        "  strides, padding and dilation_rate change the output shape, never the count",
        "  shape: padding=valid: floor((None - 5) / 1) + 1 = None; channels = filters = 64: (None, None, 25) -> (None, None, 64)",
        "",
      ].joined(separator: "\n"),
      stderr: [
        ""
      ].joined(separator: "\n"),
      status: 0),
    Case(
      name: "seedConv2D", arguments: [],
      script: "input (None,None,25)\nadd conv2d filters=64 kernel_size=(3,3)\nexplain\n",
      stdout: [
        "  input (None, None, None, 25)",
        "  #1 Conv2D  out (None, None, None, 64)   14,464 params   total 14,464",
        "  #1 Conv2D  (None, None, None, 25) -> (None, None, None, 64)",
        "  (kernel_h × kernel_w × input_channels + 1) × filters = (3 × 3 × 25 + 1) × 64 = 14,464",
        "    kernel_h       =  3   argument      each filter spans 3 rows of the input",
        "    kernel_w       =  3   argument      each filter spans 3 columns of the input",
        "    input_channels = 25   input shape   the last dimension of the input: each filter covers all 25 input channels at each position",
        "    1              =  1   default       the bias: one per filter, added to its weighted sum (use_bias=true)",
        "    filters        = 64   argument      the number of filters; each one produces one output channel",
        "  weights (in Keras's order):",
        "    kernel  (3, 3, 25, 64)  14,400",
        "    bias    (64,)               64",
        "  strides, padding and dilation_rate change the output shape, never the count",
        "  shape: padding=valid: floor((None - 3) / 1) + 1 = None; floor((None - 3) / 1) + 1 = None; channels = filters = 64: (None, None, None, 25) -> (None, None, None, 64)",
        "",
      ].joined(separator: "\n"),
      stderr: [
        ""
      ].joined(separator: "\n"),
      status: 0),
    Case(
      name: "editsAndTotals", arguments: [],
      script:
        "# a small CNN\ninput 28x28x1\nadd conv2d filters=8 kernel=3\nadd maxpooling2d\nadd flatten\nadd dense units=10\ninsert 3 batchnormalization\nremove 2\nset 1 filters=16\nundo\nredo\ntotal\nclear\nundo\nsummary\n",
      stdout: [
        "  input (None, 28, 28, 1)",
        "  #1 Conv2D  out (None, 26, 26, 8)   80 params   total 80",
        "  #2 MaxPooling2D  out (None, 13, 13, 8)   0 params   total 80",
        "  #3 Flatten  out (None, 1352)   0 params   total 80",
        "  #4 Dense  out (None, 10)   13,530 params   total 13,610",
        "  #3 BatchNormalization  out (None, 13, 13, 8)   32 params (16 trainable, 16 non-trainable)   total 13,642",
        "  removed #2 MaxPooling2D (0 params)   total 54,202   (3 later layers re-inferred)",
        "  #1 Conv2D  out (None, 26, 26, 16)   160 params   total 108,394   (3 later layers re-inferred)",
        "  undo: changed #1 Conv2D  out (None, 26, 26, 8)   80 params   total 54,202   (3 later layers re-inferred)",
        "  redo: changed #1 Conv2D  out (None, 26, 26, 16)   160 params   total 108,394   (3 later layers re-inferred)",
        "  total 108,394 params (108,362 trainable, 32 non-trainable)",
        "  cleared   total 0",
        "  undo: restored input (None, 28, 28, 1), 4 layers   total 108,394",
        "Model: \"sequential\"   input (None, 28, 28, 1)",
        "┏━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┓",
        "┃ # ┃ Layer (type)                             ┃ Output Shape       ┃ Param # ┃ Trainable ┃",
        "┡━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━┩",
        "│ 1 │ conv2d (Conv2D)                          │ (None, 26, 26, 16) │     160 │ Y         │",
        "├───┼──────────────────────────────────────────┼────────────────────┼─────────┼───────────┤",
        "│ 2 │ batch_normalization (BatchNormalization) │ (None, 26, 26, 16) │      64 │ Y         │",
        "├───┼──────────────────────────────────────────┼────────────────────┼─────────┼───────────┤",
        "│ 3 │ flatten (Flatten)                        │ (None, 10816)      │       0 │ Y         │",
        "├───┼──────────────────────────────────────────┼────────────────────┼─────────┼───────────┤",
        "│ 4 │ dense (Dense)                            │ (None, 10)         │ 108,170 │ Y         │",
        "└───┴──────────────────────────────────────────┴────────────────────┴─────────┴───────────┘",
        " Total params: 108,394 (423.41 KB)",
        " Trainable params: 108,362 (423.29 KB)",
        " Non-trainable params: 32 (128.00 B)",
        "",
      ].joined(separator: "\n"),
      stderr: [
        ""
      ].joined(separator: "\n"),
      status: 0),
    Case(
      name: "errors", arguments: [],
      script:
        "input (None,25)\nadd conv1d filters=64 kernel=5\nadd dense units=10 units=3\nadd convv1d filters=3\nadd dense unitz=3\nadd dense\nundo undo\nremove 7\nadd dense units=0\nadd dropout rate=1.5\ninput\nadd conv2d kernel_size=(3,\nadd dense units=9223372036854775807\nadd einsumdense equation=ab,bc->ac\nfrobnicate\nadd conv1d filters=4 kernel_size=3 padding=sme\ninput (None,None,25)\ntotal\n",
      stdout: [
        "  input (None, None, 25)",
        "  #1 Conv1D  out (None, None, 64)   8,064 params   total 8,064",
        "  total 8,064 params (8,064 trainable, 0 non-trainable)",
        "",
      ].joined(separator: "\n"),
      stderr: [
        "<stdin>:3:20: error: argument 'units' is given twice",
        "  add dense units=10 units=3",
        "                     ^~~~~~~",
        "help: give each argument once",
        "<stdin>:4:5: error: unknown layer type 'convv1d'",
        "  add convv1d filters=3",
        "      ^~~~~~~",
        "help: did you mean 'conv1d'? ('layers' lists the layer types)",
        "<stdin>:5:11: error: Dense has no argument 'unitz'",
        "  add dense unitz=3",
        "            ^~~~~",
        "help: did you mean 'units'? ('help dense' lists its arguments)",
        "<stdin>:6:10: error: Dense needs the argument 'units'",
        "  add dense",
        "           ^",
        "help: for example: add dense units=64",
        "<stdin>:7:6: error: unexpected text after 'undo'",
        "  undo undo",
        "       ^~~~",
        "help: 'help undo' shows how to write it",
        "<stdin>:8:8: error: layer 7 does not exist: layers are numbered 1 to 1",
        "  remove 7",
        "         ^",
        "help: 'summary' shows the layers and their numbers",
        "<stdin>:9:17: error: units: must be at least 1, found 0",
        "  add dense units=0",
        "                  ^",
        "<stdin>:10:18: error: rate: must be at least 0.0 and at most 1.0, found 1.5",
        "  add dropout rate=1.5",
        "                   ^~~",
        "<stdin>:11:6: error: 'input' needs the input dimensions, e.g. 'input (None,25)' or 'input 28x28x1'",
        "  input",
        "       ^",
        "help: 'help input' shows how to write it",
        "<stdin>:12:12: error: unclosed '('",
        "  add conv2d kernel_size=(3,",
        "             ^~~~~~~~~~~~~~~",
        "help: add the ')' that closes it",
        "<stdin>:13:5: error: overflow: the size of weight 'kernel' does not fit in a 64-bit integer",
        "  add dense units=9223372036854775807",
        "      ^~~~~",
        "<stdin>:14:5: error: layer type 'EinsumDense' is not supported yet",
        "  add einsumdense equation=ab,bc->ac",
        "      ^~~~~~~~~~~",
        "help: 'layers' lists the layer types paramcalc computes",
        "<stdin>:15:1: error: unknown command 'frobnicate'",
        "  frobnicate",
        "  ^~~~~~~~~~",
        "help: 'help' lists the commands",
        "<stdin>:16:44: error: padding: expected one of 'valid', 'same', 'causal', found 'sme' (did you mean 'same'?)",
        "  add conv1d filters=4 kernel_size=3 padding=sme",
        "                                             ^~~",
        "<stdin>:17:1: error: this change would break layer #1 (Conv1D): expected an input of rank 3 (batch, steps, channels), found rank 4 with shape (None, None, None, 25)",
        "  input (None,None,25)",
        "  ^~~~~~~~~~~~~~~~~~~~",
        "",
      ].joined(separator: "\n"),
      status: 1),
    Case(
      name: "kerasRefusal", arguments: [],
      script: "input (3,2)\nadd conv1d filters=2 kernel_size=5\nadd maxpooling2d\n",
      stdout: [
        "  input (None, 3, 2)",
        "",
      ].joined(separator: "\n"),
      stderr: [
        "<stdin>:2:5: error: Conv1D cannot be applied here: computed output size would be zero or negative: an axis of size 3 is smaller than the window of 5 (input shape (None, 3, 2))",
        "  add conv1d filters=2 kernel_size=5",
        "      ^~~~~~",
        "<stdin>:3:5: error: MaxPooling2D cannot be applied here: expected an input of rank 4 (batch, 2 spatial axes, channels), found rank 3 with shape (None, 3, 2)",
        "  add maxpooling2d",
        "      ^~~~~~~~~~~~",
        "",
      ].joined(separator: "\n"),
      status: 1),
    Case(
      name: "bail", arguments: ["--bail"],
      script: "input (4,)\nadd dense units=2\nadd dense units=0\nadd dense units=3\n",
      stdout: [
        "  input (None, 4)",
        "  #1 Dense  out (None, 2)   10 params   total 10",
        "",
      ].joined(separator: "\n"),
      stderr: [
        "<stdin>:3:17: error: units: must be at least 1, found 0",
        "  add dense units=0",
        "                  ^",
        "",
      ].joined(separator: "\n"),
      status: 1),
    Case(
      name: "json", arguments: ["--json"],
      script:
        "input (None,25)\nadd conv1d filters=64 kernel_size=5\n\n# comment\nadd batchnormalization trainable=false\ntotal\nexplain 1\nundo\nadd convv1d\nsummary\n",
      stdout: [
        "{\"command\":\"input\",\"line\":1,\"effect\":\"input\",\"shape\":[null,null,25],\"total\":0,\"trainable\":0,\"non_trainable\":0}",
        "{\"command\":\"add\",\"line\":2,\"effect\":\"added\",\"layer\":{\"index\":1,\"type\":\"Conv1D\",\"input_shape\":[null,null,25],\"output_shape\":[null,null,64],\"params\":8064,\"trainable\":8064,\"non_trainable\":0,\"weights\":[{\"name\":\"kernel\",\"shape\":[5,25,64],\"trainable\":true,\"count\":8000},{\"name\":\"bias\",\"shape\":[64],\"trainable\":true,\"count\":64}]},\"total\":8064,\"trainable\":8064,\"non_trainable\":0}",
        "{\"command\":\"add\",\"line\":5,\"effect\":\"added\",\"layer\":{\"index\":2,\"type\":\"BatchNormalization\",\"input_shape\":[null,null,64],\"output_shape\":[null,null,64],\"params\":256,\"trainable\":0,\"non_trainable\":256,\"weights\":[{\"name\":\"gamma\",\"shape\":[64],\"trainable\":false,\"count\":64},{\"name\":\"beta\",\"shape\":[64],\"trainable\":false,\"count\":64},{\"name\":\"moving_mean\",\"shape\":[64],\"trainable\":false,\"count\":64},{\"name\":\"moving_variance\",\"shape\":[64],\"trainable\":false,\"count\":64}]},\"total\":8320,\"trainable\":8064,\"non_trainable\":256}",
        "{\"command\":\"total\",\"line\":6,\"total\":8320,\"trainable\":8064,\"non_trainable\":256}",
        "{\"command\":\"explain\",\"line\":7,\"index\":1,\"type\":\"Conv1D\",\"formula\":\"(kernel_size * input_channels + 1) * filters\",\"substituted\":\"(5 * 25 + 1) * 64\",\"params\":8064,\"trainable\":8064,\"non_trainable\":0,\"terms\":[{\"name\":\"kernel_size\",\"value\":5,\"source\":\"argument\",\"meaning\":\"each filter looks at 5 consecutive steps\"},{\"name\":\"input_channels\",\"value\":25,\"source\":\"input shape\",\"meaning\":\"the last dimension of the input: each filter covers all 25 input channels at each position\"},{\"name\":\"1\",\"value\":1,\"source\":\"default\",\"meaning\":\"the bias: one per filter, added to its weighted sum (use_bias=true)\"},{\"name\":\"filters\",\"value\":64,\"source\":\"argument\",\"meaning\":\"the number of filters; each one produces one output channel\"}],\"weights\":[{\"name\":\"kernel\",\"shape\":[5,25,64],\"trainable\":true,\"count\":8000},{\"name\":\"bias\",\"shape\":[64],\"trainable\":true,\"count\":64}],\"input_shape\":[null,null,25],\"output_shape\":[null,null,64],\"shape_rule\":\"padding=valid: floor((None - 5) / 1) + 1 = None; channels = filters = 64: (None, None, 25) -> (None, None, 64)\",\"notes\":[\"strides, padding and dilation_rate change the output shape, never the count\"],\"not_affecting_count\":[]}",
        "{\"command\":\"undo\",\"line\":8,\"effect\":\"removed\",\"layer\":{\"index\":2,\"type\":\"BatchNormalization\",\"input_shape\":[null,null,64],\"output_shape\":[null,null,64],\"params\":256,\"trainable\":0,\"non_trainable\":256,\"weights\":[{\"name\":\"gamma\",\"shape\":[64],\"trainable\":false,\"count\":64},{\"name\":\"beta\",\"shape\":[64],\"trainable\":false,\"count\":64},{\"name\":\"moving_mean\",\"shape\":[64],\"trainable\":false,\"count\":64},{\"name\":\"moving_variance\",\"shape\":[64],\"trainable\":false,\"count\":64}]},\"total\":8064,\"trainable\":8064,\"non_trainable\":0}",
        "{\"command\":\"add\",\"error\":\"unknown layer type 'convv1d'\",\"line\":9,\"column\":5,\"hint\":\"did you mean 'conv1d'? ('layers' lists the layer types)\"}",
        "{\"command\":\"summary\",\"line\":10,\"input_shape\":[null,null,25],\"layers\":[{\"index\":1,\"type\":\"Conv1D\",\"input_shape\":[null,null,25],\"output_shape\":[null,null,64],\"params\":8064,\"trainable\":8064,\"non_trainable\":0,\"weights\":[{\"name\":\"kernel\",\"shape\":[5,25,64],\"trainable\":true,\"count\":8000},{\"name\":\"bias\",\"shape\":[64],\"trainable\":true,\"count\":64}]}],\"total\":8064,\"trainable\":8064,\"non_trainable\":0}",
        "",
      ].joined(separator: "\n"),
      stderr: [
        "<stdin>:9:5: error: unknown layer type 'convv1d'",
        "  add convv1d",
        "      ^~~~~~~",
        "help: did you mean 'conv1d'? ('layers' lists the layer types)",
        "",
      ].joined(separator: "\n"),
      status: 1),
    Case(
      name: "quitStops", arguments: [], script: "input (4,)\nquit\nadd dense units=3\n",
      stdout: [
        "  input (None, 4)",
        "",
      ].joined(separator: "\n"),
      stderr: [
        ""
      ].joined(separator: "\n"),
      status: 0),
    Case(
      name: "help", arguments: [], script: "help add\nhelp lstm\nhelp nosuch\n",
      stdout: [
        "add TYPE key=value ...",
        "  Adds a layer at the end: 'add conv1d filters=64 kernel_size=5'. Wrappers: 'add bidirectional lstm units=8 merge_mode=sum'. trainable=false freezes it; input_shape=(None,25) on a first layer sets the input.",
        "LSTM (Recurrent): long short-term memory: input, forget, cell and output gates",
        "  params = 4 × (input_features × units + units × units + units)",
        "  arguments:",
        "    units             (required)      size of the hidden state = output features",
        "    use_bias          (true)          add biases",
        "    return_sequences  (false)         output every step, not only the last",
        "  also: trainable=false freezes it; accepted without effect on the count: activation, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer, kernel_constraint, bias_constraint, lora_rank, lora_alpha, recurrent_activation, recurrent_initializer, recurrent_regularizer, recurrent_constraint, dropout, recurrent_dropout, go_backwards, stateful, unroll, seed, unit_forget_bias, use_cudnn, time_major, zero_output_for_mask",
        "",
      ].joined(separator: "\n"),
      stderr: [
        "<stdin>:3:6: error: no help on 'nosuch'",
        "  help nosuch",
        "       ^~~~~~",
        "help: 'help' lists the commands, 'layers' the layer types",
        "",
      ].joined(separator: "\n"),
      status: 1),
    Case(
      name: "layers", arguments: [], script: "layers\n",
      stdout: [
        "  Core            Dense, Embedding, Flatten, Reshape, Dropout, Activation",
        "  Activation      ReLU, LeakyReLU, PReLU, ELU, Softmax",
        "  Convolution     Conv1D, Conv2D, Conv3D, Conv1DTranspose, Conv2DTranspose, Conv3DTranspose, DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D",
        "  Pooling         MaxPooling1D, MaxPooling2D, MaxPooling3D, AveragePooling1D, AveragePooling2D, AveragePooling3D, GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D",
        "  Normalization   BatchNormalization, LayerNormalization, GroupNormalization, UnitNormalization",
        "  Recurrent       SimpleRNN, LSTM, GRU",
        "  Reshaping       Permute, RepeatVector, UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D, Cropping1D, Cropping2D, Cropping3D",
        "  Regularization  SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, GaussianNoise, GaussianDropout",
        "  Attention       MultiHeadAttention",
        "  Wrapper         Bidirectional, TimeDistributed",
        "Type names are case-insensitive ('add conv2d ...'); 'help LAYER' shows a type's arguments and formula.",
        "",
      ].joined(separator: "\n"),
      stderr: [
        ""
      ].joined(separator: "\n"),
      status: 0),
    Case(
      name: "saveLoad", arguments: [],
      script:
        "input (None,25)\nadd conv1d filters=64 kernel=5 activation=relu\nadd bidirectional gru units=8 trainable=false\nsave m.pc\nclear\nload m.pc\nsummary\nundo\ntotal\nload missing.pc\nload m.pc extra\n",
      stdout: [
        "  input (None, None, 25)",
        "  #1 Conv1D  out (None, None, 64)   8,064 params   total 8,064",
        "  #2 Bidirectional(GRU)  out (None, 16)   3,552 params (non-trainable)   total 11,616",
        "  saved 2 layers to m.pc",
        "  cleared   total 0",
        "  loaded 2 layers   total 11,616",
        "Model: \"sequential\"   input (None, None, 25)",
        "┏━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━┓",
        "┃ # ┃ Layer (type)                       ┃ Output Shape     ┃ Param # ┃ Trainable ┃",
        "┡━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━┩",
        "│ 1 │ conv1d (Conv1D)                    │ (None, None, 64) │   8,064 │ Y         │",
        "├───┼────────────────────────────────────┼──────────────────┼─────────┼───────────┤",
        "│ 2 │ bidirectional (Bidirectional(GRU)) │ (None, 16)       │   3,552 │ N         │",
        "└───┴────────────────────────────────────┴──────────────────┴─────────┴───────────┘",
        " Total params: 11,616 (45.38 KB)",
        " Trainable params: 8,064 (31.50 KB)",
        " Non-trainable params: 3,552 (13.88 KB)",
        "  undo: restored 0 layers   total 0",
        "  total 0 params (0 trainable, 0 non-trainable)",
        "",
      ].joined(separator: "\n"),
      stderr: [
        "<stdin>:10:6: error: missing.pc: cannot read: no such file or directory",
        "  load missing.pc",
        "       ^~~~~~~~~~",
        "<stdin>:11:6: error: m.pc extra: cannot read: no such file or directory",
        "  load m.pc extra",
        "       ^~~~~~~~~~",
        "",
      ].joined(separator: "\n"),
      status: 1),
    Case(
      name: "wrongKinds", arguments: [],
      script:
        "input (4,)\nadd dense units=abc\nadd dense units=3 use_bias=maybe\nadd conv1d filters=2 kernel_size=(1,2)\ninput 28xx28\nexplain\nset 1 units=2\ninsert 5 dense units=2\nadd bidirectional\nadd bidirectional dense units=2\n",
      stdout: [
        "  input (None, 4)",
        "",
      ].joined(separator: "\n"),
      stderr: [
        "<stdin>:2:17: error: units: expected an integer, found a string 'abc'",
        "  add dense units=abc",
        "                  ^~~",
        "<stdin>:3:28: error: use_bias: expected true or false, found 'maybe'",
        "  add dense units=3 use_bias=maybe",
        "                             ^~~~~",
        "<stdin>:4:34: error: kernel_size: expected an integer or one integer for all, found 2 in '(1,2)'",
        "  add conv1d filters=2 kernel_size=(1,2)",
        "                                   ^~~~~",
        "<stdin>:5:7: error: input dimensions must be sizes such as (None,25) or 28x28x1",
        "  input 28xx28",
        "        ^~~~~~",
        "help: write e.g. 'input (None,25)', 'input (784,)' or 'input 28x28x1'",
        "<stdin>:6:1: error: nothing to explain: the model has no layers",
        "  explain",
        "  ^~~~~~~",
        "<stdin>:7:5: error: layer 1 does not exist: the model has no layers",
        "  set 1 units=2",
        "      ^",
        "help: 'summary' shows the layers and their numbers",
        "<stdin>:8:8: error: cannot insert at 5: a new layer can take positions 1 to 1",
        "  insert 5 dense units=2",
        "         ^",
        "help: 'summary' shows the layers and their numbers",
        "<stdin>:9:18: error: 'add' needs the layer it wraps, e.g. 'add bidirectional lstm units=32'",
        "  add bidirectional",
        "                   ^",
        "help: 'help add' shows how to write it",
        "<stdin>:10:19: error: Bidirectional: wraps only SimpleRNN, LSTM, GRU, not Dense",
        "  add bidirectional dense units=2",
        "                    ^~~~~",
        "",
      ].joined(separator: "\n"),
      status: 1),
    Case(
      name: "jsonErrorsAndExplainAll", arguments: ["--json"],
      script: "input (3,)\nadd dense units=2\nadd relu\nexplain all\nfrobnicate\nremove 9\n",
      stdout: [
        "{\"command\":\"input\",\"line\":1,\"effect\":\"input\",\"shape\":[null,3],\"total\":0,\"trainable\":0,\"non_trainable\":0}",
        "{\"command\":\"add\",\"line\":2,\"effect\":\"added\",\"layer\":{\"index\":1,\"type\":\"Dense\",\"input_shape\":[null,3],\"output_shape\":[null,2],\"params\":8,\"trainable\":8,\"non_trainable\":0,\"weights\":[{\"name\":\"kernel\",\"shape\":[3,2],\"trainable\":true,\"count\":6},{\"name\":\"bias\",\"shape\":[2],\"trainable\":true,\"count\":2}]},\"total\":8,\"trainable\":8,\"non_trainable\":0}",
        "{\"command\":\"add\",\"line\":3,\"effect\":\"added\",\"layer\":{\"index\":2,\"type\":\"ReLU\",\"input_shape\":[null,2],\"output_shape\":[null,2],\"params\":0,\"trainable\":0,\"non_trainable\":0,\"weights\":[]},\"total\":8,\"trainable\":8,\"non_trainable\":0}",
        "{\"command\":\"explain\",\"line\":4,\"layers\":[{\"index\":1,\"type\":\"Dense\",\"formula\":\"(input_features + 1) * units\",\"substituted\":\"(3 + 1) * 2\",\"params\":8,\"trainable\":8,\"non_trainable\":0,\"terms\":[{\"name\":\"input_features\",\"value\":3,\"source\":\"input shape\",\"meaning\":\"the last dimension of the input: each unit has one weight per input feature\"},{\"name\":\"units\",\"value\":2,\"source\":\"argument\",\"meaning\":\"the number of output units (neurons)\"},{\"name\":\"1\",\"value\":1,\"source\":\"default\",\"meaning\":\"the bias: one extra number per unit, added after the weighted sum (use_bias=true)\"}],\"weights\":[{\"name\":\"kernel\",\"shape\":[3,2],\"trainable\":true,\"count\":6},{\"name\":\"bias\",\"shape\":[2],\"trainable\":true,\"count\":2}],\"input_shape\":[null,3],\"output_shape\":[null,2],\"shape_rule\":\"output = input with its last dimension 3 replaced by units 2: (None, 3) -> (None, 2)\",\"notes\":[],\"not_affecting_count\":[]},{\"index\":2,\"type\":\"ReLU\",\"formula\":\"0\",\"substituted\":\"0\",\"params\":0,\"trainable\":0,\"non_trainable\":0,\"terms\":[],\"weights\":[],\"input_shape\":[null,2],\"output_shape\":[null,2],\"shape_rule\":\"output shape = input shape (None, 2)\",\"notes\":[\"ReLU has no weights: max(x, 0) needs no learned numbers.\"],\"not_affecting_count\":[]}]}",
        "{\"error\":\"unknown command 'frobnicate'\",\"line\":5,\"column\":1,\"hint\":\"'help' lists the commands\"}",
        "{\"command\":\"remove\",\"error\":\"layer 9 does not exist: layers are numbered 1 to 2\",\"line\":6,\"column\":8,\"hint\":\"'summary' shows the layers and their numbers\"}",
        "",
      ].joined(separator: "\n"),
      stderr: [
        "<stdin>:5:1: error: unknown command 'frobnicate'",
        "  frobnicate",
        "  ^~~~~~~~~~",
        "help: 'help' lists the commands",
        "<stdin>:6:8: error: layer 9 does not exist: layers are numbered 1 to 2",
        "  remove 9",
        "         ^",
        "help: 'summary' shows the layers and their numbers",
        "",
      ].joined(separator: "\n"),
      status: 1),
  ]

  @Test(arguments: cases)
  func transcript(_ c: Case) throws {
    let r = try Binary.run(c.arguments, stdin: c.script)
    #expect(r.stdout == c.stdout)
    #expect(r.stderr == c.stderr)
    #expect(r.status == c.status)
  }
}
