// GroupQueryAttention (the class GroupedQueryAttention), self-attention on the current tensor
// whose keys and values have fewer heads than its queries. Source:
// keras/src/layers/attention/grouped_query_attention.py (Keras 3); Ainslie et al. 2023. Its
// family note is Attention's (Attention.swift); its projections are EinsumDense equations
// (EinsumAnalysis.swift).

let groupQueryExample = LayerExample(
  "(10,16)", "add groupqueryattention head_dim=8 num_query_heads=4 num_key_value_heads=2")

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
  static let useGate = ArgumentSpec(
    "use_gate", .bool, default: false, .count,
    "gated attention: a gate projection, sized as query's, scales each head's output")
}

let groupQueryAttentionLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "GroupQueryAttention", family: "Attention",
    summary: "attention whose keys and values have fewer heads, each shared by a group",
    source: "layers/attention/grouped_query_attention.py",
    arguments: [
      GroupQueryArguments.headDim, GroupQueryArguments.queryHeads,
      GroupQueryArguments.keyValueHeads, AttentionArguments.useBias, GroupQueryArguments.useGate,
      AttentionArguments.dropout, AttentionArguments.slidingWindow,
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
      try r.checkAttentionOptions()
      return GroupedQueryAttention(
        headDim: headDim, queryHeads: queryHeads, keyValueHeads: kvHeads, useBias: bias,
        useGate: gate)
    })
]

/// GroupedQueryAttention (keras.layers.GroupQueryAttention): Keras builds each projection as an
/// EinsumDense, and its weights are what those equations give (`EinsumAnalysis`).
struct GroupedQueryAttention: MergeModel {
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

  var readsOneAlone: Bool { true }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    try infer(query: input, value: input, key: input)
  }

  /// Keras's `layer(query, value, key)`: `from query,value[,key]` (key defaults to value).
  func infer(inputs: [Shape]) throws(Refusal) -> Inference {
    let (q, v, k) = try attentionRoles(inputs, "GroupQueryAttention")
    return try infer(query: q, value: v, key: k)
  }

  /// Query and gate read the query, key the key, value the value, each by its equation; the
  /// output projection gives the query's features back.
  func infer(query: Shape, value: Shape, key: Shape) throws(Refusal) -> Inference {
    for (role, input) in [("query", query), ("value", value), ("key", key)] where input.rank < 2 {
      throw .reason(
        "GroupedQueryAttention reads (batch, positions, features): the \(role) "
          + "\(input.description) has no axis of positions (Keras fails: tuple index out of range)")
    }
    if query.last != value.last {
      throw .reason(
        "The last dimension of `query_shape` and `value_shape` must be equal, but are "
          + "\(Format.pythonDim(query.last)), \(Format.pythonDim(value.last)). Received: "
          + "query_shape=\(Format.pythonShape([nil] + query.dims)), "
          + "value_shape=\(Format.pythonShape([nil] + value.dims))")
    }
    try checkKeyMatchesValue(value: value, key: key)
    var w: [Weight] = []
    for p in projections {
      let e = EinsumEquation(p.equation)!
      let full = [nil] + (p.name == "key" ? key : p.name == "value" ? value : query).dims
      // The output projection is built on (None, None, num_query_heads, head_dim).
      let a =
        p.name == "output"
        ? try EinsumAnalysis(
          e, biasAxes: useBias ? p.bias : nil, input: [nil, nil, queryHeads, headDim],
          partial: [nil, query.last])
        : try EinsumAnalysis(
          e, biasAxes: useBias ? p.bias : nil, input: full, partial: [nil, p.heads, headDim])
      w.append(try Weight("kernel", try definedShape(a.kernel, "\(p.name) kernel")))
      if let b = a.bias { w.append(try Weight("bias", try definedShape(b, "\(p.name) bias"))) }
    }
    return try Inference(output: query, weights: w)
  }

  func explain(inputs: [Shape], _ inference: Inference) -> Explanation {
    explain(inputs: inputs, inference, Given([]))
  }

  func explain(inputs: [Shape], _ inference: Inference, _ given: Given) -> Explanation {
    guard inputs.count > 1 else { return explain(inputs[0], inference, given) }
    return crossExplanation(inputs, inference, given)
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
        .projectionBias(given))
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
      queryHeads == 0
      ? "no query heads (Keras builds it all the same): the query projection is empty, and the "
        + "output projection keeps only its bias"
      : keyValueHeads == queryHeads
        ? "as many key/value heads as query heads: this is multi-head attention"
        : keyValueHeads == 1
          ? "one key/value head for all query heads: this is multi-query attention"
          : "each key/value head is shared by \(queryHeads) / \(keyValueHeads) = \(group) query heads"
    notes.append(
      queryHeads == 0
        ? shared
        : keyValueHeads == queryHeads
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
