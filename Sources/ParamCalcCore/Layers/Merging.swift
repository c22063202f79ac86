// Merging family: the layers that read several tensors and make one (Add, Subtract, Multiply,
// Average, Maximum, Minimum, Concatenate, Dot). None has weights; each has a shape rule and
// Keras's refusals. They read the tensors named by `from` (`add add from a,b`).
// Source: keras/src/layers/merging/base_merge.py, concatenate.py, dot.py, subtract.py (Keras 3).

let mergingExamples = [
  LayerExample("(4,8)", "add add from input,input"),
  LayerExample("(4,8)", "add subtract from input,input"),
  LayerExample("(4,8)", "add multiply from input,input"),
  LayerExample("(4,8)", "add average from input,input"),
  LayerExample("(4,8)", "add maximum from input,input"),
  LayerExample("(4,8)", "add minimum from input,input"),
  LayerExample("(4,8)", "add concatenate axis=-1 from input,input"),
  LayerExample("(8,)", "add dot axes=1 from input,input"),
]

let mergingFamily = LayerFamily(
  "Merging",
  note: """
    A merge layer reads the tensors named by `from` (`add add from c1,#5`) and has no weights. \
    Add, Subtract, Multiply, Average, Maximum and Minimum work element by element: two sizes of \
    an axis must be equal, or one of them 1 (it is repeated), counted from the last axis. \
    Concatenate joins along `axis`: every other axis must agree. Dot multiplies two tensors \
    along one axis of each and sums, per sample.
    """)

/// The arguments of the merge layers, each declared once.
enum MergingArguments {
  /// Keras: `Concatenate(axis=-1)`, an axis of the shape with its batch axis (0 is the batch).
  static let axis = ArgumentSpec(
    "axis", .integer(min: Int.min), default: -1, .shape,
    "the axis joined (counted with the batch axis 0; -1 is the last)")
  /// Keras: `Dot(axes, normalize=False)`: one axis for both, or one per input.
  static let axes = ArgumentSpec(
    "axes", .integerTuple, default: .required, .shape,
    "the axis summed over: one for both inputs, or (axis of the first, axis of the second)")
  static let normalize = ArgumentSpec(
    "normalize", .bool, default: false, .neither,
    "scale each vector to length 1 first (the result is then the cosine similarity)")
}

/// What an element-wise merge does to each position, for its explanation.
private let elementwise: [(name: String, what: String, exactlyTwo: Bool)] = [
  ("Add", "adds its inputs element by element", false),
  ("Subtract", "subtracts its second input from its first, element by element", true),
  ("Multiply", "multiplies its inputs element by element", false),
  ("Average", "averages its inputs element by element", false),
  ("Maximum", "takes the largest of its inputs element by element", false),
  ("Minimum", "takes the smallest of its inputs element by element", false),
]

let mergingLayers: [LayerDescriptor] =
  elementwise.map { e in
    LayerDescriptor(
      name: e.name, family: "Merging", summary: "\(e.what); no weights",
      source: "layers/merging/\(e.name.lowercased()).py", arguments: [],
      make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
        ElementwiseMerge(typeName: e.name, what: e.what, exactlyTwo: e.exactlyTwo)
      })
  } + [
    LayerDescriptor(
      name: "Concatenate", family: "Merging",
      summary: "joins its inputs along one axis; no weights",
      source: "layers/merging/concatenate.py", arguments: [MergingArguments.axis],
      make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
        Concatenate(axis: try r.int(MergingArguments.axis))
      }),
    LayerDescriptor(
      name: "Dot", family: "Merging",
      summary: "the dot product of two inputs along an axis of each, per sample; no weights",
      source: "layers/merging/dot.py",
      arguments: [MergingArguments.axes, MergingArguments.normalize],
      make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
        let (axes, span) = try r.intTuple(MergingArguments.axes, example: mergingExamples[7].add)
        guard axes.count == 1 || axes.count == 2 else {
          throw .invalidValue(
            argument: "axes",
            message:
              "Invalid format for argument `axes`: it should contain two elements. Received: axes=\(Format.tuple(axes))",
            at: span)
        }
        let normalize = try r.bool(MergingArguments.normalize)
        return Dot(axes: axes, pair: axes.count == 2, normalize: normalize)
      }),
  ]

/// A layer that reads several tensors: its shape rule takes all of them. (A merge layer, or an
/// attention layer reading a query and a value.)
protocol MergeModel: LayerModel {
  func infer(inputs: [Shape]) throws(Refusal) -> Inference
  func explain(inputs: [Shape], _ inference: Inference) -> Explanation
  /// The explanation, given which arguments were given (by default, without them).
  func explain(inputs: [Shape], _ inference: Inference, _ given: Given) -> Explanation
  /// Whether the layer is also called on one tensor alone, as any other layer (self-attention):
  /// on one tensor it is then placed and explained as a layer that reads one.
  var readsOneAlone: Bool { get }
}

extension MergeModel {
  var readsOneAlone: Bool { false }

  func explain(inputs: [Shape], _ inference: Inference, _ given: Given) -> Explanation {
    explain(inputs: inputs, inference)
  }

  /// Called on one tensor (no `from`): Keras's merge layers take a list.
  func infer(_ input: Shape) throws(Refusal) -> Inference {
    throw .reason(
      "A merge layer should be called on a list of inputs. Received: input_shape=\(input.description) (not a list of shapes)"
    )
  }

  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation {
    explain(inputs: [input], inference)
  }

  /// The inputs as Keras prints a list of shapes: `[(None, 4), (None, 4)]`.
  static func listed(_ inputs: [Shape]) -> String {
    "[" + inputs.map(\.description).joined(separator: ", ") + "]"
  }
}

/// Add, Subtract, Multiply, Average, Maximum, Minimum: Keras's `Merge` shape rule.
struct ElementwiseMerge: MergeModel {
  let typeName: String
  let what: String
  let exactlyTwo: Bool

  func infer(inputs: [Shape]) throws(Refusal) -> Inference {
    if exactlyTwo && inputs.count != 2 {
      throw .reason(
        "A `Subtract` layer should be called on exactly 2 inputs. Received: input_shape=\(Self.listed(inputs))"
      )
    }
    var out = inputs[0].dims
    for s in inputs.dropFirst() {
      out = try Self.broadcast(out, s.dims)
    }
    return try Inference(output: Shape(out))
  }

  /// `Merge._compute_elemwise_op_output_shape`: aligned from the last axis, sizes equal or 1.
  static func broadcast(_ a: [Int?], _ b: [Int?]) throws(Refusal) -> [Int?] {
    if a.count < b.count { return try broadcast(b, a) }
    if b.isEmpty { return a }
    var out = Array(a.prefix(a.count - b.count))
    for (i, j) in zip(a.suffix(b.count), b) {
      switch (i, j) {
      case (nil, _), (_, nil): out.append(nil)
      case (1, _): out.append(j)
      case (_, 1): out.append(i)
      default:
        guard i == j else {
          throw .reason(
            "Inputs have incompatible shapes. Received shapes \(Format.pythonShape(a)) and \(Format.pythonShape(b))"
          )
        }
        out.append(i)
      }
    }
    return out
  }

  func explain(inputs: [Shape], _ inference: Inference) -> Explanation {
    .noWeights(
      "\(typeName) has no weights: it \(what).",
      shapeRule:
        "output shape \(inference.output.description) from the inputs \(Self.listed(inputs)), aligned from the last axis: each size is the inputs' common size (a 1 is repeated to match, None stays None)"
    )
  }
}

/// Concatenate: every axis but `axis` agrees; the sizes along `axis` add up.
struct Concatenate: MergeModel {
  let axis: Int
  var typeName: String { "Concatenate" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    throw .reason(
      "A `Concatenate` layer should be called on a list of at least 1 input. Received: input_shape=\(input.description)"
    )
  }

  func infer(inputs: [Shape]) throws(Refusal) -> Inference {
    // Keras works on shapes with the batch axis (0).
    let full = inputs.map { [nil] + $0.dims }
    let error = Refusal.reason(
      "A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=\(Self.listed(inputs))"
    )
    var reduced: Set<[Int?]> = []
    for s in full {
      var r = s
      guard let k = Self.position(axis, rank: s.count) else { throw outOfRange(s.count) }
      r.remove(at: k)
      reduced.insert(r)
    }
    if reduced.count != 1 {
      let ranks = Set(reduced.map(\.count))
      guard ranks.count == 1, let rank = ranks.first else { throw error }
      for a in 0..<rank where Set(reduced.compactMap { $0[a] }).count > 1 { throw error }
    }
    var out = full[0]
    guard let k = Self.position(axis, rank: out.count) else { throw outOfRange(out.count) }
    for s in full.dropFirst() {
      guard let a = out[k], let b = s[k] else {
        out[k] = nil
        break
      }
      guard let sum = try? Checked.add(a, b) else { throw .overflow("the joined axis") }
      out[k] = sum
    }
    return try Inference(output: Shape(Array(out.dropFirst())))
  }

  /// Python's index `axis` into a list of `rank` (negative from the end), if in range.
  static func position(_ axis: Int, rank: Int) -> Int? {
    let k = axis < 0 ? rank + axis : axis
    return k >= 0 && k < rank ? k : nil
  }

  func outOfRange(_ rank: Int) -> Refusal {
    .reason("axis=\(axis) is out of range for inputs of rank \(rank) (the batch axis included)")
  }

  func explain(inputs: [Shape], _ inference: Inference) -> Explanation {
    let k = Self.position(axis, rank: inference.output.rank + 1) ?? 0
    let sizes = inputs.map { s in k == 0 ? nil : s.dims[k - 1] }
    let sum =
      sizes.contains(nil)
      ? "unknown, as one of them is" : sizes.map { String($0!) }.joined(separator: " + ")
    return .noWeights(
      "Concatenate has no weights: it places its inputs side by side along axis \(axis).",
      shapeRule:
        "output shape \(inference.output.description): the inputs \(Self.listed(inputs)) joined along axis \(axis), whose sizes add up (\(sum)); every other axis agrees (None matches any size)"
    )
  }
}

/// Dot: `batch_dot` of two inputs along one axis of each (Keras's `Dot.compute_output_shape`).
struct Dot: MergeModel {
  let axes: [Int]
  /// Whether the axes were given as a pair (Keras then uses them as given, negative or not).
  let pair: Bool
  let normalize: Bool
  var typeName: String { "Dot" }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    throw .reason(
      "A `Dot` layer should be called on a list of 2 inputs. Received: input_shape=\(input.description)"
    )
  }

  /// The axis of each input, as Keras resolves them on shapes with the batch axis.
  func resolved(_ rank1: Int, _ rank2: Int) -> (Int, Int) {
    if pair { return (axes[0], axes[1]) }
    let a = axes[0]
    return a < 0 ? (Self.mod(a, rank1), Self.mod(a, rank2)) : (a, a)
  }

  static func mod(_ a: Int, _ n: Int) -> Int { ((a % n) + n) % n }

  func infer(inputs: [Shape]) throws(Refusal) -> Inference {
    guard inputs.count == 2 else {
      throw .reason(
        "A `Dot` layer should be called on a list of 2 inputs. Received: input_shape=\(Self.listed(inputs))"
      )
    }
    var s1 = [nil] + inputs[0].dims
    var s2 = [nil] + inputs[1].dims
    let (a1, a2) = resolved(s1.count, s2.count)
    guard let k1 = Concatenate.position(a1, rank: s1.count),
      let k2 = Concatenate.position(a2, rank: s2.count)
    else {
      throw .reason(
        "axes=\(Format.tuple(axes)) is out of range for inputs \(Self.listed(inputs)) (the batch axis included)"
      )
    }
    if s1[k1] != s2[k2] {
      throw .reason(
        "Incompatible input shapes: axis values \(Format.pythonDim(s1[k1])) (at axis \(a1)) != \(Format.pythonDim(s2[k2])) (at axis \(a2)). Full input shapes: \(Format.pythonShape(s1)), \(Format.pythonShape(s2))"
      )
    }
    s1.remove(at: k1)
    s2.remove(at: k2)
    guard !s2.isEmpty else {
      throw .reason("axes=\(Format.tuple(axes)) leaves the second input no batch axis")
    }
    s2.removeFirst()
    var out = s1 + s2
    if out.count == 1 { out.append(1) }
    return try Inference(output: Shape(Array(out.dropFirst())))
  }

  func explain(inputs: [Shape], _ inference: Inference) -> Explanation {
    let (a1, a2) = resolved(inputs[0].rank + 1, inputs.count > 1 ? inputs[1].rank + 1 : 0)
    return .noWeights(
      "Dot has no weights: for each sample it multiplies axis \(a1) of the first input by axis \(a2) of the second, element by element, and sums"
        + (normalize ? " (normalize=true: each vector is first scaled to length 1)." : "."),
      shapeRule:
        "output shape \(inference.output.description): the first input \(inputs[0].description) without axis \(a1), then the second \(inputs.count > 1 ? inputs[1].description : "") without its batch axis and axis \(a2) (a single axis left gets a size-1 axis after it)"
    )
  }
}

extension LayerDescriptor {
  /// Whether the type reads several tensors and refuses one alone (a merge layer, Attention), as
  /// the model its example builds tells: such an example reads `from input,input`.
  var readsSeveral: Bool {
    guard let model = LayerExample.of(self)?.layer()?.model as? any MergeModel else {
      return false
    }
    return !model.readsOneAlone
  }
}
