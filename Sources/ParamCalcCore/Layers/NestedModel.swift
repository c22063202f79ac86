// A model used as a layer, as Keras does it: `inner = keras.Model(...)` (or a `keras.Sequential`)
// called on a tensor, `inner(x)`, once or more with the same weights. Written as the model's own
// script in quotes, its lines separated by ';':
// `add sequential script="input (8,); add dense units=8 activation=relu"`,
// `add functional script="input a (8,); add dense units=4 as h from a; add dense units=2 from h"`.
// Its weights are its layers' weights (a layer called twice inside it counted once), trainable or
// not as each layer's are; its output is its last layer's output. Keras checks the tensor it is
// called on against the model's input (`InputSpec`: the same rank, the same size on every axis
// both fix): its weights were made for that input.
// Source: keras/src/models/functional.py, keras/src/models/sequential.py.

enum NestedModelArguments {
  static let script = ArgumentSpec(
    "script", .text("a model's script in quotes, its lines separated by ';'"), default: .required,
    .count,
    "the model used as a layer, written as paramcalc writes a model: an 'input' line, then "
      + "'add' (and, in a Functional model, 'reuse') lines, separated by ';'")
}

let sequentialModelExample = LayerExample(
  "(5,3)", "add sequential script=\"input (None,3); add dense units=4 activation=relu\"")
let functionalModelExample = LayerExample(
  "(5,3)",
  "add functional script=\"input a (None,3); add dense units=4 as h from a; add dense units=2 from h\""
)

/// The two kinds of model, each a layer type of its own (Keras shows the class in a summary:
/// `encoder (Functional)`).
func nestedModelDescriptor(_ className: String, example: LayerExample) -> LayerDescriptor {
  LayerDescriptor(
    name: className, family: "Model",
    summary: className == "Sequential"
      ? "a Sequential model used as a layer: its layers one after another, their weights its own"
      : "a Functional model used as a layer: its graph of layers, their weights its own",
    source: className == "Sequential" ? "models/sequential.py" : "models/functional.py",
    arguments: [NestedModelArguments.script],
    make: { (r: inout ArgumentReader) throws(ParamCalcError) -> any LayerModel in
      let (text, span) = try r.text(NestedModelArguments.script, example: example.add)
      return try NestedModel.build(className, script: text, at: span.start + 1, whole: span)
    })
}

let nestedModelLayers = [
  nestedModelDescriptor("Sequential", example: sequentialModelExample),
  nestedModelDescriptor("Functional", example: functionalModelExample),
]
let nestedModelExamples = [sequentialModelExample, functionalModelExample]

struct NestedModel: LayerModel {
  /// `Sequential` or `Functional`.
  let className: String
  /// The model as built on its own input: its layers, names and totals.
  let inner: Session
  /// The script's lines (as written between the ';'), and which one gives the input.
  let lines: [String]
  let inputLine: Int
  /// The name of the input, for a Functional model's `input NAME DIMS`.
  let inputName: String?
  /// The input the model's weights were made for (batch axis left out).
  let input: Shape
  let output: Shape
  /// The weights of all its layers, in order, with Keras's names (`kernel`: its explanation's
  /// parts say whose).
  let weights: [Weight]

  var typeName: String { className }

  /// The model that `script` (at column `column` of the line) builds; `whole` is the span of
  /// the quoted value, for what concerns all of it.
  static func build(_ className: String, script: String, at column: Int, whole: Span)
    throws(ParamCalcError) -> NestedModel
  {
    var interpreter = Interpreter(session: Session(catalog: .standard))
    var lines: [String] = []
    var inputLine: Int?
    var inputName: String?
    var inputs = 0
    for piece in QuotedLayers.split(script) {
      let at = column + piece.offset
      do throws(ParamCalcError) {
        guard let command = try CommandParser.parse(piece.text) else { continue }
        switch command {
        case .input:
          inputLine = lines.count
          inputs += 1
        case .namedInput(let r):
          inputLine = lines.count
          inputName = r.name
          inputs += 1
        case .add, .reuse: break
        default:
          throw .invalidValue(
            argument: "script",
            message: "'\(command.name)' cannot stand in a model's script: a model is written "
              + "with 'input', 'add' and 'reuse' lines",
            at: Span(0, max(piece.text.utf8.count, 1)),
            hint: "e.g. script=\"input (8,); add dense units=4\"")
        }
        _ = try interpreter.execute(command, lineLength: piece.text.utf8.count)
      } catch {
        throw error.shifted(by: at)
      }
      lines.append(piece.text)
    }
    let inner = interpreter.session
    func refuse(_ message: String, hint: String? = nil) -> ParamCalcError {
      .invalidValue(argument: "script", message: message, at: whole, hint: hint)
    }
    guard let inputLine, inputs == 1 else {
      throw refuse(
        inputs == 0
          ? "the model has no input: its script starts with 'input DIMS'"
          : "the model has \(inputs) inputs: called as a layer here it reads one tensor",
        hint: "e.g. script=\"input (8,); add dense units=4\"")
    }
    let shape: Shape? =
      inputName == nil
      ? inner.input
      : inner.layers.first { $0.model is InputLayerModel }?.output
    guard let shape, let last = inner.layers.last, !(last.model is InputLayerModel) else {
      throw refuse("the model has no layers: a model used as a layer has at least one")
    }
    let wired = inner.layers.contains {
      $0.spec.sources != nil || $0.spec.reuses != nil || $0.model is InputLayerModel
    }
    if className == "Sequential" && wired {
      throw refuse(
        "a Sequential model is a chain: 'from', a named input or 'reuse' make a graph",
        hint: "write the graph as 'add functional script=...'")
    }
    let unused = inner.notOnTheWay.filter { !(inner.layers[$0].model is InputLayerModel) }
    if let first = unused.first {
      throw refuse(
        "layer #\(first + 1) of the model does not lead to its output (its last layer): "
          + "Keras would leave it out of the model",
        hint: "remove it, or make a later layer read it")
    }
    var weights: [Weight] = []
    for l in inner.layers where l.spec.reuses == nil {
      weights += l.inference.weights
    }
    return NestedModel(
      className: className, inner: inner, lines: lines, inputLine: inputLine,
      inputName: inputName, input: shape, output: last.output, weights: weights)
  }

  /// Keras's checks of a tensor against the model's input (`functional.py`). First an
  /// `InputSpec` of the input's shape with `allow_last_axis_squeeze`: a last axis of size 1 left
  /// out of either, the sizes both fix on the axes they share must agree. Then
  /// `_adjust_input_rank`, when the model runs on data: the ranks must be the same, or differ by
  /// a last axis of size 1 (on the tensor, squeezed; on the input, added). Building a model
  /// from symbolic tensors, Keras skips that second check (and gives a shape its layers cannot
  /// compute on data); paramcalc refuses what cannot run. (Called on a tensor, Keras's symbolic
  /// call then runs the model's layers on it as it is, with the weights they have.)
  func adjusted(_ found: Shape) throws(Refusal) -> Shape {
    var spec: [Int?] = [nil] + input.dims
    var shape: [Int?] = [nil] + found.dims
    if shape.last == 1 { shape.removeLast() }
    if spec.last == 1 { spec.removeLast() }
    for (a, b) in zip(spec, shape) where a != nil && b != nil && a != b {
      throw .reason(
        "the tensor is incompatible with the \(className) model's input: expected shape="
          + "\(input.description), found shape=\(found.description) (the model's weights were "
          + "made for its input)")
    }
    let (r, ref) = (found.dims.count, input.dims.count)
    let fitsRank =
      r == ref || (r == ref + 1 && found.dims.last == 1) || (r + 1 == ref && input.dims.last == 1)
    if !fitsRank {
      throw .reason(
        "Invalid input shape: expected shape \(input.description), but input has incompatible "
          + "shape \(found.description) (Keras's check when the \(className) model runs: the "
          + "ranks may differ only by a last axis of size 1)")
    }
    return found
  }

  func infer(_ input: Shape) throws(Refusal) -> Inference {
    let shape = try adjusted(input)
    let out = shape == self.input ? output : try output(on: shape)
    return try Inference(output: out, weights: weights)
  }

  /// The model's output on another input that fits its own (a size its input leaves free):
  /// its layers placed again, on that input.
  func output(on shape: Shape) throws(Refusal) -> Shape {
    var lines = self.lines
    let dims = Format.scriptDims(shape)
    lines[inputLine] = inputName.map { "input \($0) \(dims)" } ?? "input \(dims)"
    var interpreter = Interpreter(session: Session(catalog: .standard))
    for line in lines {
      do { _ = try interpreter.run(line: line) } catch {
        throw .reason("on \(shape.description), the model refuses: \(error.message)")
      }
    }
    guard let last = interpreter.session.layers.last else { return output }
    return last.output
  }

  /// The layers of the model as Keras's `model.layers` lists them (inputs, and calls of a
  /// layer again, left out), each with its name.
  var layers: [(name: String, layer: ModelLayer)] {
    zip(inner.layerNames, inner.layers).compactMap { name, l in
      l.model is InputLayerModel || l.spec.reuses != nil ? nil : (name, l)
    }
  }
}

let nestedModelFamily = LayerFamily(
  "Model",
  note: """
    A model used as a layer (`functional.py`, `sequential.py`): Keras calls a `keras.Model` or \
    a `keras.Sequential` on a tensor as it calls a layer, and the model's weights are its \
    layers' weights (a layer it calls twice counted once), trainable or not as each layer's \
    are: its count is the sum of its layers' counts. Its output is its output layer's (here: \
    its last layer's). Its weights are made once, for its own input: Keras refuses a tensor of \
    another size on an axis the model's input fixes (a last axis of size 1 left out of either, \
    the axes both have compared; an axis the input leaves free, `None`, takes any size), and, \
    when the model runs, a tensor of another rank, unless the ranks differ by a last axis of \
    size 1 (`_adjust_input_rank`); its layers then read that tensor as it is, with the weights they have. Called twice \
    (`reuse N`), its weights count once. The model is written as paramcalc writes one, in \
    quotes, its lines separated by `;`; `import FILE as NAME` writes it from a Keras file.
    """)
