// Cross-attention: MultiHeadAttention and GroupQueryAttention reading a query, a value and an
// optional key with `from query,value[,key]` (Keras: `layer(query, value, key=None)`, the key
// being the value when not given). What the roles are, Keras's check of key against value, and
// MultiHeadAttention's explanation when its query, key and value differ.
// Source: keras/src/layers/attention/multi_head_attention.py, grouped_query_attention.py.

/// The query, value and key an attention layer reads: one tensor is all three (self-attention),
/// two are query and value (the key is the value), three are query, value and key.
func attentionRoles(_ inputs: [Shape], _ layer: String) throws(Refusal) -> (
  query: Shape, value: Shape, key: Shape
) {
  switch inputs.count {
  case 1: return (inputs[0], inputs[0], inputs[0])
  case 2: return (inputs[0], inputs[1], inputs[1])
  case 3: return (inputs[0], inputs[1], inputs[2])
  default:
    throw .reason(
      "\(layer) reads a query, a value and an optional key (from query,value[,key]): 'from' "
        + "names \(inputs.count) tensors")
  }
}

/// Keras's check (`build` and `compute_output_shape`): key and value agree on every axis but
/// the last one (their positions).
func checkKeyMatchesValue(value: Shape, key: Shape) throws(Refusal) {
  guard Array(value.dims.dropLast()) != Array(key.dims.dropLast()) else { return }
  throw .reason(
    "All dimensions of `value` and `key`, except the last one, must be equal. Received: "
      + "value_shape=\(Format.pythonShape([nil] + value.dims)) and "
      + "key_shape=\(Format.pythonShape([nil] + key.dims))")
}

extension MultiHeadAttention {
  /// The explanation when the layer reads a query and a value (and a key): each projection
  /// reads the features of its own input.
  func crossExplanation(_ inputs: [Shape], _ inference: Inference, _ given: Given)
    -> Explanation
  {
    let q = inputs[0]
    let v = inputs[1]
    let k = inputs.count > 2 ? inputs[2] : v
    let (dq, dk, dv) = (q.last ?? 0, k.last ?? 0, v.last ?? 0)
    let o = outputShape ?? [dq]
    let out = o.reduce(1, &*)
    let b = useBias ? " + 1" : ""
    let gate = useGate ? " + (d_q\(b)) * heads * value_dim" : ""
    let formula =
      "(d_q\(b)) * heads * key_dim + (d_k\(b)) * heads * key_dim\(gate)"
      + " + (d_v\(b)) * heads * value_dim + (heads * value_dim\(b)) * out"
    let keyFrom =
      inputs.count > 2
      ? "the last dimension of the key (the third tensor of 'from'): its features"
      : "the last dimension of the key, which is the value (no third tensor in 'from')"
    var terms = [
      Term(
        "d_q", dq, .inputShape,
        "the last dimension of the query (the first tensor of 'from'): its features, read by "
          + (useGate ? "the query and gate projections" : "the query projection")),
      Term("d_k", dk, .inputShape, keyFrom),
      Term(
        "d_v", dv, .inputShape,
        "the last dimension of the value (the second tensor of 'from'): its features"),
    ]
    if useBias {
      terms.append(
        .projectionBias(given))
    }
    terms += [
      .attentionHeads(heads),
      Term("key_dim", keyDim, .argument, "size of a head's query and key"),
      Term(
        "value_dim", valueDim, given.source("value_dim"),
        given.keys.contains("value_dim")
          ? "size of a head's value" : "size of a head's value (value_dim, by default key_dim)"),
    ]
    let shown = "(" + o.map(String.init).joined(separator: ", ") + (o.count == 1 ? ",)" : ")")
    let outMeaning =
      outputShape == nil
      ? "size of the output projection (output_shape, by default d_q: the query's features)"
      : o.count == 1
        ? "size of the output projection (output_shape)"
        : "numbers per position of the output: output_shape \(shown), "
          + o.map(Format.thousands).joined(separator: " × ") + " = " + Format.thousands(out)
    terms.append(Term("out", out, outputShape == nil ? .inputShape : .argument, outMeaning))
    let listed =
      useBias
      ? "each a kernel then a bias, as Keras lists them"
      : "each a kernel only (use_bias=false: no biases), as Keras lists them"
    let which = useGate ? "query, key, gate, value and output" : "query, key, value and output"
    let reads =
      "query \(q.description), value \(v.description)"
      + (inputs.count > 2 ? ", key \(k.description)" : " (the key is the value)")
    let parts = projectionParts(
      inference.weights,
      projections.map { name in
        switch name {
        case "output": return (name, "heads × value_dim → out")
        case "key": return (name, "d_k → heads × key_dim")
        case "value": return (name, "d_v → heads × value_dim")
        default: return (name, "d_q → heads × \(name == "query" ? "key_dim" : "value_dim")")
        }
      }, useBias: useBias)
    return Explanation(
      formula: formula, terms: terms,
      shapeRule:
        "\(reads) -> \(inference.output.description)\n"
        + "each position of the query attends to the value's positions: the output has the "
        + "query's axes, its last one replaced by out",
      notes: [
        "weights: the \(which) projections, \(listed)",
        "the query \(useGate ? "and gate projections read" : "projection reads") the query, the "
          + "key projection the key, the value projection the value",
      ], parts: parts)
  }
}

extension GroupedQueryAttention {
  /// The explanation when the layer reads a query and a value (and a key): Keras's equations
  /// (bqm / bkm) read axis 2 of each input, its features for (batch, positions, features).
  func crossExplanation(_ inputs: [Shape], _ inference: Inference, _ given: Given)
    -> Explanation
  {
    let q = inputs[0]
    let v = inputs[1]
    let k = inputs.count > 2 ? inputs[2] : v
    let axis2 = { (s: Shape) in s.rank > 1 ? s.dims[1] ?? 0 : 0 }
    let (mq, mk, mv, d) = (axis2(q), axis2(k), axis2(v), q.last ?? 0)
    let b = useBias ? " + 1" : ""
    let gate = useGate ? " + (m_q\(b)) * num_query_heads * head_dim" : ""
    let formula =
      "(m_q\(b)) * num_query_heads * head_dim + (m_k\(b)) * num_key_value_heads * head_dim"
      + "\(gate) + (m_v\(b)) * num_key_value_heads * head_dim"
      + " + (num_query_heads * head_dim\(b)) * d"
    let features = "axis 2 (its features for (batch, positions, features))"
    var terms = [
      Term(
        "m_q", mq, .inputShape,
        "the query's \(features), read by the query"
          + (useGate ? " and gate projections" : " projection")),
      Term(
        "m_k", mk, .inputShape,
        inputs.count > 2
          ? "the key's \(features), read by the key projection"
          : "the key's \(features): the key is the value (no third tensor in 'from')"),
      Term("m_v", mv, .inputShape, "the value's \(features), read by the value projection"),
      Term(
        "d", d, .inputShape,
        "the last dimension of the query: the output projection gives it back"),
    ]
    if useBias {
      terms.append(
        .projectionBias(given))
    }
    terms += [
      Term("num_query_heads", queryHeads, .argument, "query heads, each with its own projection"),
      Term(
        "num_key_value_heads", keyValueHeads, .argument,
        "key and value heads, each shared by a group of query heads"),
      Term("head_dim", headDim, .argument, "size of each head, for query, key and value"),
    ]
    let listed =
      useBias
      ? "each a kernel then a bias, as Keras lists them"
      : "each a kernel only (use_bias=false: no biases), as Keras lists them"
    let reads =
      "query \(q.description), value \(v.description)"
      + (inputs.count > 2 ? ", key \(k.description)" : " (the key is the value)")
    let parts = projectionParts(
      inference.weights,
      projections.map { p in
        switch p.name {
        case "output": return (p.name, "num_query_heads × head_dim → d")
        case "key": return (p.name, "m_k → num_key_value_heads × head_dim")
        case "value": return (p.name, "m_v → num_key_value_heads × head_dim")
        default: return (p.name, "m_q → num_query_heads × head_dim")
        }
      }, useBias: useBias)
    return Explanation(
      formula: formula, terms: terms,
      shapeRule:
        "\(reads) -> \(inference.output.description)\n"
        + "the output keeps the query's shape; Keras asks the query's and the value's last "
        + "dimensions to be equal",
      notes: [
        "weights: the query, key, \(useGate ? "gate, " : "")value and output projections, "
          + listed
      ], parts: parts)
  }
}
