// MultiHeadAttention and GroupQueryAttention, self-attention on the current tensor (query = key
// = value). Sources: keras/src/layers/attention/multi_head_attention.py and
// grouped_query_attention.py (Keras 3); Vaswani et al. 2017; Ainslie et al. 2023.

let attentionExample = LayerExample("(10,16)", "add multiheadattention num_heads=2 key_dim=8")
let groupQueryExample = LayerExample(
  "(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2")
let attentionExamples = [attentionExample, groupQueryExample]

/// The arguments of MultiHeadAttention, each declared once for `help` and for reading.
enum AttentionArguments {
  static let numHeads = ArgumentSpec(
    "num_heads", .integer(min: 1), default: .required, .count, "number of attention heads")
  static let keyDim = ArgumentSpec(
    "key_dim", .integer(min: 1), default: .required, .count, "size of each head for query and key")
  static let valueDim = ArgumentSpec(
    "value_dim", .optionalInteger(min: 1), default: .derived("key_dim"), .count,
    "size of each head for value")
  static let useBias = ArgumentSpec(
    "use_bias", .bool, default: true, .count, "add biases to the projections")
  static let outputShape = ArgumentSpec(
    "output_shape", .integerTuple, default: .derived("input features"), .count,
    "the output's last axes: an integer, or a tuple such as (2,3)")
  static let useGate = ArgumentSpec(
    "use_gate", .bool, default: false, .count,
    "gated attention: a gate projection, sized as value's, scales each head's output")
}

/// The arguments of GroupQueryAttention (use_bias is MultiHeadAttention's).
enum GroupQueryArguments {
  static let headDim = ArgumentSpec(
    "head_dim", .integer(min: 1), default: .required, .count,
    "size of each head, for query, key and value")
  static let queryHeads = ArgumentSpec(
    "num_query_heads", .integer(min: 0), default: .required, .count, "number of query heads")
  static let keyValueHeads = ArgumentSpec(
    "num_key_value_heads", .integer(min: 1), default: .required, .count,
    "number of key and value heads; it must divide num_query_heads")
  static let dropout = ArgumentSpec(
    "dropout", .number(0...1), default: 0.0, .neither, "dropout rate of the attention weights")
  static let slidingWindow = ArgumentSpec(
    "sliding_window", .optionalInteger(min: 1), default: .none, .neither,
    "each position attends only to those within sliding_window - 1 of it")
  static let useGate = ArgumentSpec(
    "use_gate", .bool, default: false, .count,
    "gated attention: a gate projection, sized as query's, scales each head's output")
}

let attentionLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "MultiHeadAttention", family: "Attention",
    summary: "self-attention: query, key and value projections per head, then an output projection",
    source: "layers/attention/multi_head_attention.py",
    arguments: [
      AttentionArguments.numHeads, AttentionArguments.keyDim, AttentionArguments.valueDim,
      AttentionArguments.useBias, AttentionArguments.outputShape, AttentionArguments.useGate,
    ],
    // As MultiHeadAttention.__init__ names them: no activation, no lora_rank.
    inert: [
      "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
      "kernel_constraint", "bias_constraint", "dropout", "attention_axes", "seed",
      "flash_attention", "sliding_window",
    ],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let heads = try r.int(AttentionArguments.numHeads, example: attentionExample.add)
      let key = try r.int(AttentionArguments.keyDim, example: attentionExample.add)
      // value_dim: by default key_dim.
      let value = try r.optionalInt(AttentionArguments.valueDim) ?? key
      let bias = try r.bool(AttentionArguments.useBias)
      // output_shape: by default the input's features (nil here, resolved on the input); Keras
      // takes a false value (0, an empty tuple) as that default too.
      var out: [Int]? = nil
      if let list = try r.optionalIntTuple(AttentionArguments.outputShape),
        !list.values.isEmpty, list.values != [0]
      {
        if let bad = list.values.first(where: { $0 < 1 }) {
          throw .invalidValue(
            argument: "output_shape", message: "every value must be at least 1, found \(bad)",
            at: list.span)
        }
        out = list.values
      }
      let gate = try r.bool(AttentionArguments.useGate)
      return MultiHeadAttention(
        heads: heads, keyDim: key, valueDim: value, useBias: bias, outputShape: out,
        useGate: gate)
    }),
  LayerDescriptor(
    name: "GroupQueryAttention", family: "Attention",
    summary: "self-attention whose keys and values have fewer heads, each shared by a group",
    source: "layers/attention/grouped_query_attention.py",
    arguments: [
      GroupQueryArguments.headDim, GroupQueryArguments.queryHeads,
      GroupQueryArguments.keyValueHeads, AttentionArguments.useBias, GroupQueryArguments.useGate,
      GroupQueryArguments.dropout, GroupQueryArguments.slidingWindow,
    ],
    // As GroupedQueryAttention.__init__ names them.
    inert: [
      "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
      "kernel_constraint", "bias_constraint", "flash_attention", "seed",
    ],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let example = groupQueryExample.add
      let headDim = try r.int(GroupQueryArguments.headDim, example: example)
      let queryHeads = try r.int(GroupQueryArguments.queryHeads, example: example)
      let kvHeads = try r.int(GroupQueryArguments.keyValueHeads, example: example)
      if queryHeads % kvHeads != 0 {
        throw .invalidValue(
          argument: "num_key_value_heads",
          message:
            "num_query_heads must be divisible by num_key_value_heads: \(queryHeads) is not a "
            + "multiple of \(kvHeads)",
          at: r.arguments.first { $0.key == "num_key_value_heads" }?.valueSpan ?? r.end,
          hint: "each key/value head serves a group of query heads: try a divisor of \(queryHeads)")
      }
      let bias = try r.bool(AttentionArguments.useBias)
      let gate = try r.bool(GroupQueryArguments.useGate)
      let dropout = try r.number(GroupQueryArguments.dropout)
      _ = try r.optionalInt(GroupQueryArguments.slidingWindow)
      if dropout > 0, let flash = r.arguments.first(where: { $0.key == "flash_attention" }),
        flash.value == .bool(true)
      {
        throw .invalidValue(
          argument: "flash_attention",
          message: "dropout is not supported when flash attention is enabled",
          at: flash.valueSpan, hint: "set dropout=0 to use flash attention")
      }
      return GroupedQueryAttention(
        headDim: headDim, queryHeads: queryHeads, keyValueHeads: kvHeads, useBias: bias,
        useGate: gate)
    }),
]

struct MultiHeadAttention: LayerModel {
  let heads: Int
  let keyDim: Int
  let valueDim: Int
  let useBias: Bool
  /// `output_shape`, or nil for the input's last dimension.
  let outputShape: [Int]?
  var useGate = false
  var typeName: String { "MultiHeadAttention" }

  /// The projections in Keras's order (multi_head_attention.py's build): query, key, the gate
  /// (use_gate), value, then the output; each a kernel, then its bias (use_bias).
  var projections: [String] {
    ["query", "key"] + (useGate ? ["gate"] : []) + ["value", "output"]
  }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let d = try knownLast(input, typeName)
    let o = outputShape ?? [d]
    var w: [Weight] = []
    for name in projections {
      let perHead = name == "query" || name == "key" ? keyDim : valueDim
      if name == "output" {
        w.append(try Weight("kernel", [heads, valueDim] + o))
        if useBias { w.append(try Weight("bias", o)) }
      } else {
        w.append(try Weight("kernel", [d, heads, perHead]))
        if useBias { w.append(try Weight("bias", [heads, perHead])) }
      }
    }
    return try Inference(output: Shape(input.dims.dropLast() + o.map { $0 }), weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let d = input.last ?? 0
    let o = outputShape ?? [d]
    // The output's numbers per position (the layer was inferred: the product fits).
    let out = o.reduce(1, &*)
    let valueTimes = useGate ? "2 * value_dim" : "value_dim"
    let formula =
      useBias
      ? "(d + 1) * heads * (2 * key_dim + \(valueTimes)) + (heads * value_dim + 1) * out"
      : "d * heads * (2 * key_dim + \(valueTimes)) + heads * value_dim * out"
    var terms = [
      Term("d", d, .inputShape, "the last dimension of the input: features of each position")
    ]
    if useBias {
      terms.append(
        Term(
          "1", 1, given.source("use_bias"),
          "a bias for each number a projection makes (use_bias=true)"))
    }
    terms += [
      Term("heads", heads, .argument, "number of attention heads, each with its own projections"),
      Term(
        "2", 2, .constant,
        useGate
          ? "two projections of each size: query and key (key_dim), gate and value (value_dim)"
          : "two projections of size key_dim: query and key"),
      Term("key_dim", keyDim, .argument, "size of a head's query and key"),
      Term(
        "value_dim", valueDim, given.source("value_dim"),
        given.keys.contains("value_dim")
          ? "size of a head's value" : "size of a head's value (value_dim, by default key_dim)"),
    ]
    let shown = "(" + o.map(String.init).joined(separator: ", ") + (o.count == 1 ? ",)" : ")")
    let outMeaning: String
    if outputShape == nil {
      outMeaning = "size of the output projection (output_shape, by default d)"
    } else if o.count == 1 {
      outMeaning = "size of the output projection (output_shape)"
    } else {
      outMeaning =
        "numbers per position of the output: output_shape \(shown), "
        + o.map(Format.thousands).joined(separator: " × ") + " = " + Format.thousands(out)
    }
    terms.append(Term("out", out, outputShape == nil ? .inputShape : .argument, outMeaning))
    let kept =
      input.rank == 1
      ? "with no axis of positions, each sample attends to itself alone"
      : "self-attention keeps the positions"
    let last =
      o.count == 1
      ? "the last axis becomes \(Format.thousands(o[0]))" : "the last axis becomes \(shown)"
    let listed =
      useBias
      ? "each a kernel then a bias, as Keras lists them"
      : "each a kernel only (use_bias=false: no biases), as Keras lists them"
    let which = useGate ? "query, key, gate, value and output" : "query, key, value and output"
    return Explanation(
      formula: formula, terms: terms,
      shapeRule: "\(input.description) -> \(inference.output.description)\n\(kept); \(last)",
      notes: ["weights: the \(which) projections, \(listed)"], parts: parts(inference.weights))
  }

  /// The projections, each its kernel (and bias) with its subtotal.
  func parts(_ weights: [Weight]) -> [Part] {
    projectionParts(
      weights,
      projections.map { name in
        let what =
          name == "output"
          ? "heads × value_dim → out"
          : "d → heads × \(name == "query" || name == "key" ? "key_dim" : "value_dim")"
        return (name, what)
      }, useBias: useBias)
  }
}

/// An attention layer's projections as parts, in Keras's order: each its kernel (and bias,
/// with `useBias`) with its subtotal, and what it maps to what.
func projectionParts(_ weights: [Weight], _ projections: [(String, String)], useBias: Bool)
  -> [Part]
{
  var out: [Part] = []
  var k = 0
  for (name, what) in projections {
    let n = useBias ? 2 : 1
    guard k + n <= weights.count else { break }
    let mine = weights[k..<(k + n)].map { Part.weight($0, $0.shape.map(String.init)) }
    k += n
    out.append(.group(name + " projection", mine, detail: what))
  }
  return out
}

/// GroupedQueryAttention (keras.layers.GroupQueryAttention): Keras builds each projection as an
/// EinsumDense, and its weights are what those equations give (`EinsumAnalysis`).
struct GroupedQueryAttention: LayerModel {
  let headDim: Int
  let queryHeads: Int
  let keyValueHeads: Int
  let useBias: Bool
  let useGate: Bool
  var typeName: String { "GroupedQueryAttention" }

  /// In Keras's order (grouped_query_attention.py's build): query, key, the gate (use_gate),
  /// value, then the output; each an EinsumDense equation, its bias axes and its heads.
  var projections: [(name: String, equation: String, bias: String, heads: Int)] {
    let query = ("query", "bqm,muh->bquh", "uh", queryHeads)
    let key = ("key", "bkm,mvh->bkvh", "vh", keyValueHeads)
    return [query, key] + (useGate ? [("gate", query.1, query.2, queryHeads)] : [])
      + [("value", key.1, key.2, keyValueHeads), ("output", "bquh,uhm->bqm", "m", 0)]
  }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    guard input.rank >= 2 else {
      throw .reason(
        "GroupedQueryAttention reads (batch, positions, features): the input "
          + "\(input.description) has no axis of positions (Keras fails: tuple index out of range)")
    }
    let full = [nil] + input.dims
    var w: [Weight] = []
    for p in projections {
      let e = EinsumEquation(p.equation)!
      // The output projection is built on (None, None, num_query_heads, head_dim).
      let a =
        p.name == "output"
        ? try EinsumAnalysis(
          e, biasAxes: useBias ? p.bias : nil, input: [nil, nil, queryHeads, headDim],
          partial: [nil, full.last!])
        : try EinsumAnalysis(
          e, biasAxes: useBias ? p.bias : nil, input: full, partial: [nil, p.heads, headDim])
      w.append(try Weight("kernel", try definedShape(a.kernel, "\(p.name) kernel")))
      if let b = a.bias { w.append(try Weight("bias", try definedShape(b, "\(p.name) bias"))) }
    }
    return try Inference(output: input, weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let d = input.last ?? 0
    // Keras's equation bqm reads axis 2 of the input (the batch first) as the features: the last
    // one for (batch, positions, features), another one when there are more axes.
    let m = input.rank > 2 ? "m" : "d"
    let heads = useGate ? "2 * num_query_heads" : "num_query_heads"
    let formula =
      useBias
      ? "(\(m) + 1) * (\(heads) + 2 * num_key_value_heads) * head_dim "
        + "+ (num_query_heads * head_dim + 1) * d"
      : "\(m) * (\(heads) + 2 * num_key_value_heads) * head_dim + num_query_heads * head_dim * d"
    var terms = [
      Term("d", d, .inputShape, "the last dimension of the input: features of each position")
    ]
    if input.rank > 2 {
      terms.append(
        Term(
          "m", input.dims[1] ?? 0, .inputShape,
          "axis 2 of the input: what Keras's query, key and value equation (bqm,muh->bquh) "
            + "reads as features when the input has more than one axis of positions"))
    }
    if useBias {
      terms.append(
        Term(
          "1", 1, given.source("use_bias"),
          "a bias for each number a projection makes (use_bias=true)"))
    }
    terms += [
      Term(
        "num_query_heads", queryHeads, .argument,
        useGate
          ? "query heads; the gate projection (use_gate=true) has as many heads"
          : "query heads, each with its own query projection"),
      Term(
        "2", 2, .constant,
        useGate
          ? "two projections of each kind: query and gate (num_query_heads heads), key and value "
            + "(num_key_value_heads heads)"
          : "two projections with num_key_value_heads heads: key and value"),
      Term(
        "num_key_value_heads", keyValueHeads, .argument,
        "key and value heads, each shared by a group of query heads"),
      Term("head_dim", headDim, .argument, "size of each head, for query, key and value"),
    ]
    let group = keyValueHeads > 0 ? queryHeads / keyValueHeads : 0
    var notes = [
      "weights: the query, key, \(useGate ? "gate, " : "")value and output projections, "
        + (useBias
          ? "each a kernel then a bias, as Keras lists them"
          : "each a kernel only (use_bias=false: no biases), as Keras lists them")
    ]
    let shared =
      keyValueHeads == queryHeads
      ? "as many key/value heads as query heads: this is multi-head attention"
      : keyValueHeads == 1
        ? "one key/value head for all query heads: this is multi-query attention"
        : "each key/value head is shared by \(queryHeads) / \(keyValueHeads) = \(group) query heads"
    notes.append(
      keyValueHeads == queryHeads
        ? "\(shared), with the key and value projections as large as the query's"
        : "\(shared); Keras repeats keys and values to match the query heads, so their "
          + "projections are smaller than the query's (Ainslie et al. 2023)")
    if input.rank > 3 {
      notes.append(
        "with more than one axis of positions, Keras's equations read axis 2 as the features "
          + "(m = \(Format.thousands(input.dims[1] ?? 0))), and the biases get a size 1 for each "
          + "further axis")
    }
    let parts = projectionParts(
      inference.weights,
      projections.map { p in
        (
          p.name,
          p.name == "output"
            ? "num_query_heads × head_dim → d"
            : "\(m) → \(p.heads == queryHeads ? "num_query_heads" : "num_key_value_heads") × head_dim"
        )
      }, useBias: useBias)
    return Explanation(
      formula: formula, terms: terms,
      shapeRule:
        "\(input.description) -> \(inference.output.description)\n"
        + "the output keeps the query's shape (self-attention: query = key = value)",
      notes: notes, parts: parts)
  }
}

let attentionFamily = LayerFamily(
  "Attention",
  note: """
    MultiHeadAttention here is self-attention on the current tensor `(..., d)`: query and key \
    kernels `(d, heads, key_dim)` with biases `(heads, key_dim)`, a value kernel \
    `(d, heads, value_dim)` with bias `(heads, value_dim)` (with `use_gate`, a gate projection \
    of the same shapes, listed before value), an output kernel `(heads, value_dim, *out)` with \
    bias `out`, where `out` is `output_shape` (an integer or a tuple) or `(d,)`; the output is \
    the input with its last axis replaced by `out` (Vaswani et al. 2017). GroupQueryAttention \
    (the class GroupedQueryAttention) gives keys and values `num_key_value_heads` heads, fewer \
    than the query's: query kernel `(d, num_query_heads, head_dim)`, key and value kernels \
    `(d, num_key_value_heads, head_dim)`, output kernel `(num_query_heads, head_dim, d)`, each \
    with its bias; each key/value head serves a group of query heads (Ainslie et al. 2023).
    """)
