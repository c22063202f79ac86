// The formulas of `flops` for the layers that attend: MultiHeadAttention (its gate too),
// GroupedQueryAttention, Attention and AdditiveAttention, and Dot. `causal=true` counts only
// the scores a causal mask keeps (docs/flops.md).

extension FlopsFormula {
  /// The symbols whose product is the scores of one head: `Tq × Tk` (the names `q`, `k`), or
  /// with `causal=true` the term `S`, the scores a causal mask keeps (Keras's
  /// `_compute_causal_mask`: query i reads keys 1...i), within `sliding_window` when it is set
  /// (`_compute_sliding_window_mask`: keys less than w away). Without `causal=true` Keras
  /// computes every score and masks after: all are counted.
  mutating func scores(_ tq: Int, _ tk: Int, _ q: String = "Tq", _ k: String = "Tk")
    throws(Overflow) -> [String]
  {
    let window = slidingWindow
    if let w = window {
      term(
        "w", w, "argument sliding_window=\(w)",
        "query i attends only to keys less than w positions away: Keras computes every score "
          + "and masks the others"
          + (options.causal
            ? "; with causal=true only those kept are counted (S)"
            : " after, so all are counted (causal=true counts only those a causal mask and the "
              + "window keep)"))
    }
    guard options.causal else { return [q, k] }
    let kept: Int
    let how: String
    let t = Format.thousands
    if let w = window, w < tq {
      // Key j (1...n, n = min(Tq, Tk)) is read by queries j...min(Tq, j + w − 1): w of them
      // for the first a keys, then Tq − j + 1, down to Tq − n + 1.
      let n = min(tq, tk)
      let a = min(max(tq - w + 1, 0), n)
      let first = try Checked.add(tq - n, 1)
      let sum = try Checked.add(first, tq - a)
      let count = n - a
      let tail =
        count % 2 == 0
        ? try Checked.multiply(count / 2, sum) : try Checked.multiply(count, sum / 2)
      kept = try Checked.add(try Checked.multiply(a, w), tail)
      how =
        "n = min(\(q), \(k)) = \(t(n)), a = min(max(\(q) − w + 1, 0), n) = \(t(a)); "
        + "a × w + (n − a) × (\(q) − n + 1 + \(q) − a) / 2 = \(t(a)) × \(t(w)) + \(t(count)) × "
        + "(\(t(first)) + \(t(tq - a))) / 2 = \(t(kept))"
    } else if tq <= tk {
      kept = try Self.triangle(tq)
      how = "\(q) × (\(q) + 1) / 2 = \(t(tq)) × \(t(tq + 1)) / 2 = \(t(kept))"
    } else {
      let square = try Self.triangle(tk)
      kept = try Checked.add(square, try Checked.multiply(tq - tk, tk))
      how =
        "\(k) × (\(k) + 1) / 2 + (\(q) − \(k)) × \(k) = \(t(tk)) × \(t(tk + 1)) / 2 + "
        + "\(t(tq - tk)) × \(t(tk)) = \(t(kept))"
    }
    let cut = window.map { tq > $0 } ?? false
    term(
      "S", kept, "causal=true: " + how,
      "the scores (of each head) a causal mask keeps (query i reads keys 1...i"
        + (tq > tk ? ", and every key once i passes \(k)" : "")
        + (cut
          ? ", and of those only the keys less than w before it: key j is read by w "
            + "queries, or by the \(q) − j + 1 left" : "")
        + "). Keras computes all \(q) × \(k) scores and then masks the others (XLA counts them "
        + "all): this is the count of a kernel that skips the masked scores")
    return ["S"]
  }

  /// The `sliding_window` argument, when given as a number.
  var slidingWindow: Int? {
    guard let a = layer.spec.arguments.first(where: { $0.key == "sliding_window" }),
      case .int(let w) = a.value
    else { return nil }
    return w
  }

  /// multi_head_attention.py `_build_attention`: the `attention_axes` argument as indices of a
  /// sample's axes (batch left out; a negative axis counts from the end of the query's rank),
  /// nil when not given or every axis but the features (the default).
  func attentionAxes(_ q: Shape) -> [Int]? {
    guard let a = layer.spec.arguments.first(where: { $0.key == "attention_axes" }) else {
      return nil
    }
    var values: [Value]
    switch a.value {
    case .int: values = [a.value]
    case .tuple(let v): values = v
    default: return nil
    }
    var axes: [Int] = []
    for v in values {
      guard case .int(let n) = v else { return nil }
      axes.append(n >= 0 ? n - 1 : q.rank + n)
    }
    let sorted = Array(Set(axes)).sorted()
    return sorted == Array(0..<(q.rank - 1)) ? nil : sorted
  }

  /// n × (n + 1) / 2, checked (the half taken first of the even factor).
  static func triangle(_ n: Int) throws(Overflow) -> Int {
    let next = try Checked.add(n, 1)
    return n % 2 == 0 ? try Checked.multiply(n / 2, next) : try Checked.multiply(n, next / 2)
  }

  mutating func attention(_ m: MultiHeadAttention, _ inputs: [Shape]) throws(Overflow) -> Bool {
    guard let (q, v, k) = try? attentionRoles(inputs, "MultiHeadAttention") else {
      return false
    }
    // multi_head_attention.py: the causal and sliding-window masks are (1, T, S), T and S the
    // query's and the value's axis 1, broadcast against the scores' last two axes: on a query
    // of more than one axis before the features they fit only one attention axis whose sizes
    // are T and S (attention_axes=(1), or another axis of those sizes); else Keras fails.
    let single = attentionAxes(q).flatMap { $0.count == 1 ? $0[0] : nil }
    let fits = single.map { a in q.dims[a] == q.dims[0] && k.dims[a] == v.dims[0] } ?? false
    if q.rank > 2 && (options.causal || slidingWindow != nil) && !fits {
      kerasFails = (
        "Keras cannot run it: its " + (options.causal ? "causal" : "sliding_window")
          + " mask, (1, T, S), reads the query's and the value's axis 1 only, and fits the "
          + "scores of \(q.description) only along one attention axis of those sizes",
        options.causal
          ? "count it without causal=true, or give it (batch, sequence, features)"
          : "remove sliding_window, or give it (batch, sequence, features)"
      )
      return false
    }
    try reads(q, k, v, ("dq", "dk_in", "dv_in"), queryFeatures: "the query's features")
    term("h", m.heads, source("num_heads", String(m.heads)), "the heads")
    term("dk", m.keyDim, source("key_dim", String(m.keyDim)), "the size of a query or key head")
    term(
      "dv", m.valueDim,
      layer.spec.arguments.contains { $0.key == "value_dim" }
        ? "argument value_dim=\(m.valueDim)" : "default: value_dim is key_dim",
      "the size of a value head")
    var o = q.last ?? 0
    if let shape = m.outputShape { o = try Checked.product(shape) }
    term(
      "O", o,
      m.outputShape == nil
        ? "query shape \(q.description)"
        : "argument output_shape="
          + (layer.spec.arguments.first { $0.key == "output_shape" }?.value.script ?? ""),
      "the output's features")
    let s: [String]
    if let axes = attentionAxes(q) {
      guard try alongAxes(axes, q, k) else { return false }
      s = ["B"] + (try scores(value("Lq"), value("Lk"), "Lq", "Lk"))
    } else {
      s = try scores(value("Tq"), value("Tk"))
    }
    try heads(
      HeadSymbols(
        queryHeads: "h", keyValueHeads: "h", keyDim: "dk", valueDim: "dv", query: "dq",
        key: "dk_in", value: "dv_in", output: "O", each: ""),
      scores: s, gate: m.useGate, bias: m.useBias)
    return true
  }

  /// The positions and features of the query, key and value a multi-head attention reads:
  /// `Tq`, `Tk`, `Tv`, and the features under the names the layer gives them.
  mutating func reads(
    _ q: Shape, _ k: Shape, _ v: Shape, _ features: (String, String, String),
    queryFeatures: String
  ) throws(Overflow) {
    try positions("Tq", q, "query shape", last: "the features")
    try positions("Tk", k, "key shape", last: "the features")
    try positions("Tv", v, "value shape", last: "the features")
    term(features.0, q.last ?? 0, "query shape \(q.description)", queryFeatures)
    term(features.1, k.last ?? 0, "key shape \(k.description)", "the key's features")
    term(features.2, v.last ?? 0, "value shape \(v.description)", "the value's features")
  }

  /// The symbols of a multi-head attention's terms, as each layer names them.
  struct HeadSymbols {
    var queryHeads, keyValueHeads, keyDim, valueDim: String
    /// The features of the query, the key and the value read, and of the output.
    var query, key, value, output: String
    /// Said of the scores and weighted values (`" (every query head)"`), or nothing.
    var each: String
  }

  /// The parts every multi-head attention computes (multi_head_attention.py,
  /// grouped_query_attention.py): the projections, the query scaled, the scores `s` and their
  /// softmax, the weighted values, the gate (use_gate: gate = EinsumDense(query, sigmoid), the
  /// heads' output multiplied by it before the output projection), the output projection and
  /// the biases.
  mutating func heads(_ n: HeadSymbols, scores s: [String], gate: Bool, bias: Bool)
    throws(Overflow)
  {
    let (h, g, dk, dv) = (n.queryHeads, n.keyValueHeads, n.keyDim, n.valueDim)
    try part("query projection", .macs, ["Tq", n.query, h, dk])
    try part("key projection", .macs, ["Tk", n.key, g, dk])
    try part("value projection", .macs, ["Tv", n.value, g, dv])
    try part("query scaled by 1/√\(dk)", .flops, ["Tq", h, dk])
    try part("scores QKᵀ" + n.each, .macs, [h] + s + [dk])
    try part("softmax (1 FLOP per score)", .flops, [h] + s)
    try part("weighted values AV" + n.each, .macs, [h] + s + [dv])
    if gate {
      try part("gate projection (use_gate=true)", .macs, ["Tq", n.query, h, dv])
      if bias { try part("gate bias", .flops, ["Tq", h, dv]) }
      try part("gate sigmoid (1 FLOP per element)", .flops, ["Tq", h, dv])
      try part("heads' output times the gate", .flops, ["Tq", h, dv])
    }
    try part("output projection", .macs, ["Tq", h, dv, n.output])
    if bias {
      try part("query bias", .flops, ["Tq", h, dk])
      try part("key bias", .flops, ["Tk", g, dk])
      try part("value bias", .flops, ["Tv", g, dv])
      try part("output bias", .flops, ["Tq", n.output])
    }
  }

  /// `attention_axes` other than the default: the scores are taken along those axes only
  /// (`Lq`, `Lk`: the product of their sizes), separately at every position of the other axes
  /// but the features (`B`); false when an axis is not one of the query's or the key's.
  mutating func alongAxes(_ axes: [Int], _ q: Shape, _ k: Shape) throws(Overflow) -> Bool {
    guard q.rank == k.rank, axes.allSatisfy({ $0 >= 0 && $0 < q.rank - 1 }) else { return false }
    let others = (0..<(q.rank - 1)).filter { !axes.contains($0) }
    func sizes(_ s: Shape, _ at: [Int]) -> [Int] { at.map { s.dims[$0] ?? 0 } }
    func shown(_ n: [Int]) -> String { n.map(String.init).joined(separator: " × ") }
    let written =
      "argument attention_axes="
      + (layer.spec.arguments.first {
        $0.key == "attention_axes"
      }?.value.script ?? "")
    term(
      "B", try Checked.product(sizes(q, others)), written + ", query shape \(q.description)",
      "the positions along the other axes: \(others.isEmpty ? "1" : shown(sizes(q, others))); "
        + "attention runs separately at each")
    term(
      "Lq", try Checked.product(sizes(q, axes)), written + ", query shape \(q.description)",
      "the query positions along the attention axes: \(shown(sizes(q, axes)))")
    term(
      "Lk", try Checked.product(sizes(k, axes)), written + ", key shape \(k.description)",
      "the key positions along the attention axes: \(shown(sizes(k, axes)))")
    return true
  }

  /// The value of a declared term.
  func value(_ symbol: String) -> Int {
    terms.first { $0.symbol == symbol }?.value ?? 0
  }

  /// grouped_query_attention.py: query and gate projections per query head, key and value
  /// projections per key/value head, the key/value heads repeated for their group (a copy),
  /// then scores and weighted values per query head.
  mutating func groupedQuery(_ m: GroupedQueryAttention, _ inputs: [Shape]) throws(Overflow)
    -> Bool
  {
    guard let (q, v, k) = try? attentionRoles(inputs, "GroupQueryAttention") else {
      return false
    }
    // grouped_query_attention.py: its projections' equations (bqm,muh->bquh) read
    // (batch, sequence, features) only.
    if q.rank != 2 || k.rank != 2 || v.rank != 2 {
      kerasFails = (
        "Keras cannot run it: its projections (EinsumDense bqm,muh->bquh) read (batch, "
          + "sequence, features) only, not \(q.description)",
        "reshape its input to (batch, sequence, features) first"
      )
      return false
    }
    try reads(
      q, k, v, ("m", "mk", "mv"), queryFeatures: "the query's (and output's) features")
    term(
      "u", m.queryHeads, source("num_query_heads", String(m.queryHeads)), "the query heads")
    term(
      "v", m.keyValueHeads, source("num_key_value_heads", String(m.keyValueHeads)),
      "the key/value heads, each shared by u / v query heads (repeated: a copy)")
    term("d", m.headDim, source("head_dim", String(m.headDim)), "the size of every head")
    let s = try scores(value("Tq"), value("Tk"))
    try heads(
      HeadSymbols(
        queryHeads: "u", keyValueHeads: "v", keyDim: "d", valueDim: "d", query: "m", key: "mk",
        value: "mv", output: "m", each: " (every query head)"),
      scores: s, gate: m.useGate, bias: m.useBias)
    return true
  }

  /// attention.py and additive_attention.py: no projections; scores of the query against each
  /// key, a softmax, and the values weighed by it.
  mutating func dotAttention(_ m: DotAttention, _ inputs: [Shape]) throws(Overflow) -> Bool {
    guard inputs.count == 2 || inputs.count == 3 else { return false }
    let (q, v) = (inputs[0], inputs[1])
    let k = inputs.count == 3 ? inputs[2] : v
    let keyName = inputs.count == 3 ? "key shape" : "key (the value) shape"
    var lead: [String] = []
    if q.rank > 2 {
      // attention.py `_calculate_scores`: matmul(query, swapaxes(key, -2, -1)) (or the sum of
      // tanh over the last axis): the scores are taken along the second-to-last axis, at
      // every position of the axes before it.
      let front = q.dims.dropLast(2).map { $0 ?? 0 }
      term(
        "B", try Checked.product(front), "query shape \(q.description)",
        "positions: " + front.map(String.init).joined(separator: " × ")
          + ", the axes before the last two: the scores are taken at each separately")
      term(
        "Tq", q.dims[q.rank - 2] ?? 0, "query shape \(q.description)",
        "the query's positions (its second-to-last axis)")
      term(
        "Tk", k.dims[k.rank - 2] ?? 0, "\(keyName) \(k.description)",
        "the key's positions (its second-to-last axis)")
      lead = ["B"]
    } else {
      try positions("Tq", q, "query shape", last: "the features")
      try positions("Tk", k, keyName, last: "the features")
    }
    term("d", q.last ?? 0, "query shape \(q.description)", "the features a score reads")
    term("dv", v.last ?? 0, "value shape \(v.description)", "the value's features")
    let s = lead + (try scores(value("Tq"), value("Tk")))
    if m.additive || m.concat {
      let n = 3 + (m.useScale ? 1 : 0)
      term(
        "a", n,
        "convention (docs/flops.md); " + source("use_scale", m.useScale ? "true" : "false"),
        "per score and feature: query + key, tanh, "
          + (m.useScale ? "times the scale, " : "") + "the sum over the features")
      try part("scores (sums of tanh(query + key))", .flops, s + ["d", "a"])
      if m.concat { try part("times concat_score_weight", .flops, s) }
    } else {
      try part("scores QKᵀ", .macs, s + ["d"])
      if m.useScale { try part("scores times the scale (use_scale=true)", .flops, s) }
    }
    try part("softmax (1 FLOP per score)", .flops, s)
    try part("weighted values AV", .macs, s + ["dv"])
    return true
  }

  /// merging/dot.py: `batch_dot` of the two inputs along one axis of each (normalize=true: each
  /// input first divided by its L2 norm along that axis).
  mutating func dot(_ m: Dot, _ inputs: [Shape], _ output: Shape) throws(Overflow) -> Bool {
    guard inputs.count == 2, let n = try inputs[0].elementCount(),
      let e = try output.elementCount()
    else { return false }
    let axis = m.axes[0] < 0 ? m.axes[0] + inputs[0].rank : m.axes[0] - 1
    guard axis >= 0, axis < inputs[0].rank, let kk = inputs[0].dims[axis] else { return false }
    term("O", e, "output shape \(output.description)", "the output's elements per sample")
    term("K", kk, "input shape \(inputs[0].description)", "the axis the two are multiplied along")
    try part("products summed along the axis", .macs, ["O", "K"])
    if m.normalize {
      guard let n2 = try inputs[1].elementCount() else { return false }
      term(
        "I", n + n2, "input shapes \(inputs[0].description) and \(inputs[1].description)",
        "the elements of both inputs")
      term(
        "a", 3, "convention (docs/flops.md)",
        "L2 normalization per element: square, sum, multiply by the reciprocal root")
      try part("normalize=true", .flops, ["I", "a"])
    }
    return true
  }
}
