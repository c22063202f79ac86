// MultiHeadAttention, self-attention on the current tensor (query = key = value) or attention
// of a query to a value (and key) read with `from`, what the attention layers share (their
// arguments' checks, their projections as parts) and the family's note; GroupQueryAttention is
// in GroupedQueryAttention.swift, the explanation of cross-attention in CrossAttention.swift.
// Source: keras/src/layers/attention/multi_head_attention.py (Keras 3); Vaswani et al. 2017.

let attentionExample = LayerExample("(10,16)", "add multiheadattention num_heads=2 key_dim=8")
let attentionExamples = [attentionExample, groupQueryExample]

/// The arguments of MultiHeadAttention (dropout, sliding_window and use_bias are also
/// GroupQueryAttention's), each declared once for `help` and for reading.
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
  static let dropout = ArgumentSpec(
    "dropout", .number(0...1), default: 0.0, .neither, "dropout rate of the attention weights")
  static let slidingWindow = ArgumentSpec(
    "sliding_window", .optionalInteger(min: 1), default: .none, .neither,
    "each position attends only to those within sliding_window - 1 of it")
}

let attentionLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "MultiHeadAttention", family: "Attention",
    summary:
      "query, key and value projections per head, then an output projection; self-attention, "
      + "or from query,value[,key]",
    source: "layers/attention/multi_head_attention.py",
    arguments: [
      AttentionArguments.numHeads, AttentionArguments.keyDim, AttentionArguments.valueDim,
      AttentionArguments.useBias, AttentionArguments.outputShape, AttentionArguments.useGate,
      AttentionArguments.dropout, AttentionArguments.slidingWindow,
    ],
    // As MultiHeadAttention.__init__ names them: no activation, no lora_rank.
    inert: [
      "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
      "kernel_constraint", "bias_constraint", "attention_axes", "seed", "flash_attention",
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
      try r.checkAttentionOptions()
      return MultiHeadAttention(
        heads: heads, keyDim: key, valueDim: value, useBias: bias, outputShape: out,
        useGate: gate)
    })
]

extension ArgumentReader {
  /// What the attention layers check of the arguments that change no count, as Keras does:
  /// `sliding_window` None or a positive integer, `dropout` a rate from 0 to 1 (Keras's Dropout
  /// refuses others) and none with `flash_attention=true` (Keras refuses the two together).
  mutating func checkAttentionOptions() throws(ParamCalcError) {
    _ = try optionalInt(AttentionArguments.slidingWindow)
    let dropout = try number(AttentionArguments.dropout)
    if dropout > 0, let flash = arguments.first(where: { $0.key == "flash_attention" }),
      flash.value == .bool(true)
    {
      throw .invalidValue(
        argument: "flash_attention",
        message: "dropout is not supported when flash attention is enabled",
        at: flash.valueSpan, hint: "set dropout=0 to use flash attention")
    }
  }
}

struct MultiHeadAttention: MergeModel {
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
    try infer(query: input, value: input, key: input)
  }

  /// Keras's `layer(query, value, key)`: `from query,value[,key]` (key defaults to value); one
  /// tensor alone is self-attention.
  func infer(inputs: [Shape]) throws(Refusal) -> Inference {
    let (q, v, k) = try attentionRoles(inputs, typeName)
    return try infer(query: q, value: v, key: k)
  }

  /// Query and gate read the query's features, key the key's, value the value's; the output
  /// projection gives `output_shape`, or the query's features.
  func infer(query: Shape, value: Shape, key: Shape) throws(Refusal) -> Inference {
    try checkKeyMatchesValue(value: value, key: key)
    let dq = try knownLast(query, typeName)
    let dk = try knownLast(key, typeName)
    let dv = try knownLast(value, typeName)
    let o = outputShape ?? [dq]
    var w: [Weight] = []
    for name in projections {
      let perHead = name == "query" || name == "key" ? keyDim : valueDim
      if name == "output" {
        w.append(try Weight("kernel", [heads, valueDim] + o))
        if useBias { w.append(try Weight("bias", o)) }
      } else {
        let d = name == "key" ? dk : name == "value" ? dv : dq
        w.append(try Weight("kernel", [d, heads, perHead]))
        if useBias { w.append(try Weight("bias", [heads, perHead])) }
      }
    }
    return try Inference(output: Shape(query.dims.dropLast() + o.map { $0 }), weights: w)
  }

  func explain(inputs: [Shape], _ inference: Inference) -> Explanation {
    explain(inputs: inputs, inference, Given([]))
  }

  func explain(inputs: [Shape], _ inference: Inference, _ given: Given) -> Explanation {
    guard inputs.count > 1 else { return explain(inputs[0], inference, given) }
    return crossExplanation(inputs, inference, given)
  }

  var readsOneAlone: Bool { true }

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
        .projectionBias(given))
    }
    terms += [
      .attentionHeads(heads),
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

let attentionFamily = LayerFamily(
  "Attention",
  note: """
    MultiHeadAttention on one tensor `(..., d)` is self-attention: query and key \
    kernels `(d, heads, key_dim)` with biases `(heads, key_dim)`, a value kernel \
    `(d, heads, value_dim)` with bias `(heads, value_dim)` (with `use_gate`, a gate projection \
    of the same shapes, listed before value), an output kernel `(heads, value_dim, *out)` with \
    bias `out`, where `out` is `output_shape` (an integer or a tuple) or `(d,)`; the output is \
    the input with its last axis replaced by `out` (Vaswani et al. 2017). GroupQueryAttention \
    (the class GroupedQueryAttention) gives keys and values `num_key_value_heads` heads, fewer \
    than the query's: query kernel `(d, num_query_heads, head_dim)`, key and value kernels \
    `(d, num_key_value_heads, head_dim)`, output kernel `(num_query_heads, head_dim, d)`, each \
    with its bias; each key/value head serves a group of query heads (Ainslie et al. 2023). \
    Both also read a query and a value, and a key, with `from query,value[,key]` (Keras's \
    `layer(query, value, key)`; the key is the value when not given): each projection then \
    reads its own input's features (the query and gate projections the query's, key the \
    key's, value the value's), the output has the query's shape with its last axis `out` (`d` \
    being the query's), and key and value must agree on every axis but the last \
    (GroupQueryAttention also asks the query's and the value's features to be equal). \
    Attention (dot-product, Luong et al. 2015) and AdditiveAttention (Bahdanau et al. 2015) \
    read `from query,value[,key]` only and have no projections: the output is the query's \
    shape with the value's last dimension; Attention's weights are a scalar `scale` \
    (`use_scale`) and a scalar `concat_score_weight` (`score_mode="concat"`), \
    AdditiveAttention's a `scale` of the query's features (`use_scale`, true by default).
    """)

extension Term {
  /// The bias of the attention projections (MultiHeadAttention, GroupQueryAttention, read from one
  /// tensor or several): one per number a projection makes.
  static func projectionBias(_ given: Given) -> Term {
    Term(
      "1", 1, given.source("use_bias"), "a bias for each number a projection makes (use_bias=true)")
  }

  /// MultiHeadAttention's heads, each with its own projections.
  static func attentionHeads(_ heads: Int) -> Term {
    Term("heads", heads, .argument, "number of attention heads, each with its own projections")
  }
}
