// MultiHeadAttention, self-attention on the current tensor (query = key = value).
// Source: keras/src/layers/attention/multi_head_attention.py (Keras 3); Vaswani et al. 2017.

let attentionExample = LayerExample("(10,16)", "add multiheadattention num_heads=2 key_dim=8")
let attentionExamples = [attentionExample]

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
    "size of the output's last axis")
}

let attentionLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "MultiHeadAttention", family: "Attention",
    summary: "self-attention: query, key and value projections per head, then an output projection",
    source: "layers/attention/multi_head_attention.py",
    arguments: [
      AttentionArguments.numHeads, AttentionArguments.keyDim, AttentionArguments.valueDim,
      AttentionArguments.useBias, AttentionArguments.outputShape,
    ],
    inert: weightInertArguments + ["dropout", "attention_axes", "seed", "flash_attention"],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let heads = try r.int(AttentionArguments.numHeads, example: attentionExample.add)
      let key = try r.int(AttentionArguments.keyDim, example: attentionExample.add)
      // value_dim: by default key_dim.
      let value = try r.optionalInt(AttentionArguments.valueDim) ?? key
      let bias = try r.bool(AttentionArguments.useBias)
      // output_shape: by default the input's features (nil here, resolved on the input).
      var out: Int? = nil
      if let list = try r.optionalIntTuple(AttentionArguments.outputShape) {
        guard list.values.count == 1, list.values[0] >= 1 else {
          throw .invalidValue(
            argument: "output_shape", message: "paramcalc supports one positive integer here",
            at: list.span)
        }
        out = list.values[0]
      }
      return MultiHeadAttention(
        heads: heads, keyDim: key, valueDim: value, useBias: bias, outputDim: out)
    })
]

struct MultiHeadAttention: LayerModel {
  let heads: Int
  let keyDim: Int
  let valueDim: Int
  let useBias: Bool
  let outputDim: Int?
  var typeName: String { "MultiHeadAttention" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    if input.rank < 2 {
      throw .reason(
        "expected an input of rank 3 or more (batch, positions..., features), found rank \(input.rank + 1) with shape \(input.description)"
      )
    }
    let d = try knownLast(input, typeName)
    let o = outputDim ?? d
    var w: [Weight] = []
    for (dim, _) in [(keyDim, "query"), (keyDim, "key"), (valueDim, "value")] {
      w.append(try Weight("kernel", [d, heads, dim]))
      if useBias { w.append(try Weight("bias", [heads, dim])) }
    }
    w.append(try Weight("kernel", [heads, valueDim, o]))
    if useBias { w.append(try Weight("bias", [o])) }
    return try Inference(output: input.replacingLast(with: o), weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    let d = input.last ?? 0
    let o = outputDim ?? d
    let b = useBias ? " + 1" : ""
    let formula =
      "(d\(b)) * heads * key_dim * 2 + (d\(b)) * heads * value_dim + heads * value_dim * out\(useBias ? " + out" : "")"
    return Explanation(
      formula: formula,
      terms: [
        Term("d", d, .inputShape, "the last dimension of the input: features of each position"),
        Term("heads", heads, .argument, "number of attention heads, each with its own projections"),
        Term(
          "key_dim", keyDim, .argument,
          "size of a head's query and key (two projections: query, key)"),
        Term(
          "value_dim", valueDim, given.source("value_dim"),
          given.keys.contains("value_dim")
            ? "size of a head's value" : "size of a head's value (value_dim, by default key_dim)"),
        Term(
          "out", o, outputDim == nil ? .inputShape : .argument,
          "size of the output projection (output_shape, by default d)"),
      ],
      shapeRule:
        "\(input.description) -> \(inference.output.description)\nself-attention keeps the positions; the last axis becomes \(o)",
      notes: [
        "weights: query, key, value and output projections, each a kernel then a bias, as Keras lists them"
      ], parts: parts(inference.weights))
  }

  /// The four projections, each its kernel (and bias) with its subtotal.
  func parts(_ weights: [Weight]) -> [Part] {
    var out: [Part] = []
    var k = 0
    for name in ["query", "key", "value", "output"] {
      let n = useBias ? 2 : 1
      guard k + n <= weights.count else { break }
      let mine = weights[k..<(k + n)].map { Part.weight($0, $0.shape.map(String.init)) }
      k += n
      let what =
        name == "output"
        ? "heads × value_dim → out" : "d → heads × \(name == "value" ? "value_dim" : "key_dim")"
      out.append(.group(name + " projection", mine, detail: what))
    }
    return out
  }
}

let attentionFamily = LayerFamily(
  "Attention",
  note: """
    MultiHeadAttention here is self-attention on the current tensor `(..., d)`: query and key \
    kernels `(d, heads, key_dim)` with biases `(heads, key_dim)`, a value kernel \
    `(d, heads, value_dim)` with bias `(heads, value_dim)`, an output kernel \
    `(heads, value_dim, out)` with bias `(out,)`, where `out` is `output_shape` or `d` \
    (Vaswani et al. 2017).
    """)
