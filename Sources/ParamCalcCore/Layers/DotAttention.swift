// Attention (dot-product, Luong-style) and AdditiveAttention (Bahdanau-style): attention of a
// query to a value (and key) without projections, read with `from query,value[,key]` (Keras
// calls them on a list). Their only weights are scalars or one scale per feature; the output
// is the query's shape with the value's features.
// Source: keras/src/layers/attention/attention.py, additive_attention.py (Keras 3).

let dotAttentionExamples = [
  LayerExample("(4,8)", "add attention use_scale=true score_mode=concat from input,input"),
  LayerExample("(4,8)", "add additiveattention from input,input"),
]

/// The arguments of Attention and AdditiveAttention, each declared once (dropout is
/// MultiHeadAttention's).
enum DotAttentionArguments {
  static let useScale = ArgumentSpec(
    "use_scale", .bool, default: false, .count,
    "a weight: one number that scales the attention scores")
  static let scoreMode = ArgumentSpec(
    "score_mode", .choice(["dot", "concat"]), default: "dot", .count,
    "how a query and a key give a score: their dot product, or (concat) the sum of "
      + "tanh(query + key) over the features, with a weight scaling it")
  /// AdditiveAttention takes Attention's score_mode (Keras checks it), which changes nothing.
  static let additiveScoreMode = ArgumentSpec(
    "score_mode", .choice(["dot", "concat"]), default: "dot", .neither,
    "Attention's, checked and then unused: AdditiveAttention's scores are always additive")
  /// AdditiveAttention's: the same name, another default and another weight.
  static let additiveScale = ArgumentSpec(
    "use_scale", .bool, default: true, .count,
    "a weight: one scale per feature of the query, applied inside the score")
}

let dotAttentionLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "Attention", family: "Attention",
    summary: "dot-product attention of a query to a value (from query,value[,key]); "
      + "no projections",
    source: "layers/attention/attention.py",
    arguments: [
      DotAttentionArguments.useScale, DotAttentionArguments.scoreMode, AttentionArguments.dropout,
    ],
    inert: ["seed"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let scale = try r.bool(DotAttentionArguments.useScale)
      let mode = try r.choice(DotAttentionArguments.scoreMode)
      _ = try r.number(AttentionArguments.dropout)
      return DotAttention(additive: false, useScale: scale, concat: mode == "concat")
    }),
  LayerDescriptor(
    name: "AdditiveAttention", family: "Attention",
    summary: "additive attention of a query to a value (from query,value[,key]); "
      + "a scale per feature",
    source: "layers/attention/additive_attention.py",
    arguments: [
      DotAttentionArguments.additiveScale, DotAttentionArguments.additiveScoreMode,
      AttentionArguments.dropout,
    ],
    inert: ["seed"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let scale = try r.bool(DotAttentionArguments.additiveScale)
      _ = try r.choice(DotAttentionArguments.additiveScoreMode)
      _ = try r.number(AttentionArguments.dropout)
      return DotAttention(additive: true, useScale: scale, concat: false)
    }),
]

/// Attention (`additive` false) or AdditiveAttention: Keras's `compute_output_shape` gives the
/// query's shape with the value's last dimension; `build` makes the scale weights.
struct DotAttention: MergeModel {
  let additive: Bool
  let useScale: Bool
  /// score_mode="concat" (Attention only): a scalar `concat_score_weight`.
  let concat: Bool
  var typeName: String { additive ? "AdditiveAttention" : "Attention" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    throw .reason(
      "\(typeName) layer must be called on a list of inputs, namely [query, value] or "
        + "[query, value, key]. Received: inputs=\(input.description) (one tensor)")
  }

  func infer(inputs: [Shape]) throws(Refusal) -> Inference {
    guard inputs.count == 2 || inputs.count == 3 else {
      throw .reason(
        "\(typeName) layer accepts inputs list of length 2 or 3, namely [query, value] or "
          + "[query, value, key]. Received length: \(inputs.count).")
    }
    let (query, value) = (inputs[0], inputs[1])
    var w: [Weight] = []
    if additive {
      if useScale {
        let d = try knownLast(query, typeName)
        w.append(try Weight("scale", [d]))
      }
    } else {
      if useScale { w.append(try Weight("scale", [])) }
      if concat { w.append(try Weight("concat_score_weight", [])) }
    }
    let output = Shape(Array(query.dims.dropLast()) + [value.last])
    return try Inference(output: output, weights: w)
  }

  func explain(inputs: [Shape], _ inference: Inference) -> Explanation {
    let reads =
      "query \(inputs[0].description), value \(inputs[1].description)"
      + (inputs.count > 2 ? ", key \(inputs[2].description)" : " (the key is the value)")
    let shapeRule =
      "\(reads) -> \(inference.output.description)\n"
      + "each position of the query gets a weighted sum of the value's positions: the query's "
      + "axes, with the value's last dimension"
    let how =
      additive
      ? "scores are sums over the features of \(useScale ? "scale × " : "")tanh(query + key)"
      : concat
        ? "scores are sums over the features of tanh(query + key) (score_mode=concat)"
        : "scores are dot products of the query with each key"
    if inference.weights.isEmpty {
      return .noWeights(
        "\(typeName) has no weights: its \(how), and a softmax of them weighs the value's "
          + "positions (no projections).",
        shapeRule: shapeRule)
    }
    var terms: [Term] = []
    var symbols: [String] = []
    if additive {
      symbols.append("d_q")
      terms.append(
        Term(
          "d_q", inputs[0].last ?? 0, .inputShape,
          "the last dimension of the query: the scale (use_scale=true) has one number per "
            + "feature"))
    } else {
      if useScale {
        symbols.append("scale")
        terms.append(
          Term(
            "scale", 1, .argument,
            "one number multiplying every score (use_scale=true)"))
      }
      if concat {
        symbols.append("concat")
        terms.append(
          Term(
            "concat", 1, .argument,
            "concat_score_weight: one number scaling the sum of tanh(query + key) "
              + "(score_mode=concat)"))
      }
    }
    return Explanation(
      formula: symbols.joined(separator: " + "), terms: terms, shapeRule: shapeRule,
      notes: [
        "\(typeName) has no projections: its \(how), and a softmax of them weighs the value's "
          + "positions"
      ])
  }
}
