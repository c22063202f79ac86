// Core, continued: the lookup tables, Embedding and ReversibleEmbedding (which can also map a
// vector back to one score per token id, with the same table transposed or with its own).
// Sources: keras/src/layers/core/embedding.py, reversible_embedding.py (Keras 3).

let reversibleEmbeddingExample = LayerExample(
  "(12,)", "add reversibleembedding input_dim=1000 output_dim=64")

enum EmbeddingArguments {
  static let tieWeights = ArgumentSpec(
    "tie_weights", .bool, default: true, .count,
    "reuse the table, transposed, to map vectors back to tokens")
}

let reversibleEmbeddingLayers: [LayerDescriptor] = [
  LayerDescriptor(
    name: "ReversibleEmbedding", family: "Core",
    summary:
      "an Embedding that can also map vectors back to token scores (a language model's head)",
    source: "layers/core/reversible_embedding.py",
    arguments: [
      CoreArguments.inputDim, CoreArguments.outputDim, EmbeddingArguments.tieWeights,
      loraRankArgument,
    ],
    inert: [
      "embeddings_initializer", "embeddings_regularizer", "embeddings_constraint", "mask_zero",
      "lora_alpha", "reverse_dtype", "logit_soft_cap", "weights", "input_length",
      quantizationConfigArgument,
    ],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let example = reversibleEmbeddingExample.add
      var e = Embedding(
        inputDim: try r.int(CoreArguments.inputDim, example: example),
        outputDim: try r.int(CoreArguments.outputDim, example: example))
      e.untied = !(try r.bool(EmbeddingArguments.tieWeights))
      e.typeName = "ReversibleEmbedding"
      let loraGiven = r.arguments.first { $0.key == loraRankArgument.name }
      e.lora = try r.loraRank(constraint: "embeddings_constraint", what: "embedding")
      // Keras's enable_lora fails on the untied table (reversible_embedding.py).
      if e.untied, e.lora != nil, let given = loraGiven {
        throw .invalidValue(
          argument: "lora_rank", message: "Keras cannot add LoRA to an untied ReversibleEmbedding",
          at: given.valueSpan, hint: "leave lora_rank out, or tie the weights (tie_weights=true)")
      }
      return e
    })
]

struct Embedding: LayerModel {
  let inputDim: Int
  let outputDim: Int
  /// `lora_rank` when LoRA is on (a positive rank), else nil.
  var lora: Int? = nil
  /// ReversibleEmbedding with `tie_weights=false`: a second table, (output_dim, input_dim), maps
  /// vectors back to token scores.
  var untied = false
  var typeName = "Embedding"

  /// Keras's `enable_lora` (embedding.py): the table is frozen and `lora_embeddings_a`
  /// (input_dim, rank) and `lora_embeddings_b` (rank, output_dim) are added.
  func infer(_ input: Shape) throws(Refusal) -> Inference {
    var w = [try Weight("embeddings", [inputDim, outputDim], trainable: lora == nil)]
    if untied { w.append(try Weight("reverse_embeddings", [outputDim, inputDim])) }
    if let r = lora {
      w.append(try Weight("lora_embeddings_a", [inputDim, r]))
      w.append(try Weight("lora_embeddings_b", [r, outputDim]))
    }
    return try Inference(output: Shape(input.dims + [outputDim]), weights: w)
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    var terms = [
      Term(
        "input_dim", inputDim, .argument,
        "the vocabulary size: one row of the table per token id 0 to "
          + Format.thousands(inputDim - 1)),
      Term(
        "output_dim", outputDim, .argument, "the length of the vector each token id is mapped to"),
    ]
    var formula = "input_dim * output_dim"
    var notes = ["the input is token ids (integers); the table has no bias"]
    var parts: [Part] = []
    if typeName == "ReversibleEmbedding" {
      if untied {
        formula += " + output_dim * input_dim"
        notes.append(
          "tie_weights=false: a second table, reverse_embeddings (output_dim × input_dim), turns"
            + " a vector back into one score per token id")
      } else {
        notes.append(
          "tie_weights=true (the default): turning vectors back into token scores reuses the"
            + " same table, transposed, so it adds no weights")
      }
    }
    if let r = lora {
      formula += " + (input_dim + output_dim) * lora_rank"
      terms.append(
        Term(
          "lora_rank", r, .argument,
          "the rank of the LoRA update: lora_embeddings_a has input_dim × lora_rank numbers, "
            + "lora_embeddings_b lora_rank × output_dim; both are trained"))
      notes.append(loraNote(r, frozen: "table (embeddings)"))
      parts = loraParts(inference.weights, frozen: "embeddings")
    }
    return Explanation(
      formula: formula, terms: terms,
      shapeRule:
        "each token id becomes a vector of \(Format.thousands(outputDim)): \(input.description) -> \(inference.output.description)",
      notes: notes, parts: parts)
  }
}
