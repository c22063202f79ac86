/// What every layer type provides: its output shape and weights on a given input, and the
/// explanation of its count. Each layer family file implements this next to its formula.
public protocol LayerModel: Sendable {
  /// The Keras class name (`Conv1D`); wrappers as `Bidirectional(LSTM)`.
  var typeName: String { get }
  /// The output shape and weight variables on `input`, or Keras's reason to refuse it.
  func infer(_ input: Shape) throws(Refusal) -> Inference
  /// The formula of the count, substituted, and the meaning of every term.
  func explain(_ input: Shape, _ inference: Inference, _ given: Given) -> Explanation
  /// Whether the layer returns its last states after its output (`return_state=true`): Keras
  /// then gives a list, `[output, h]` or `[output, h, c]` (see `RecurrentStates.swift`).
  var returnsStates: Bool { get }
  /// The names of the states a recurrent layer keeps (`h`, and `c` for an LSTM); empty for a
  /// layer without states.
  var stateNames: [String] { get }
  /// The states a recurrent layer keeps on `input`, each named as a graph reads it (`h`, `c`),
  /// with its shape: what `return_state=true` returns and what `initial_state` must be. Empty
  /// for a layer without states.
  func states(on input: Shape) -> [LayerState]
}

extension LayerModel {
  public var returnsStates: Bool { false }
  public var stateNames: [String] { [] }
  public func states(on input: Shape) -> [LayerState] { [] }
}

/// A state a recurrent layer keeps: its name in a graph (`h`, `c`) and its shape.
public struct LayerState: Equatable, Sendable {
  public var name: String
  public var shape: Shape
  public init(_ name: String, _ shape: Shape) {
    self.name = name
    self.shape = shape
  }
}

/// Why Keras refuses a layer on an input (worded as Keras words it where it can).
public enum Refusal: Error, Equatable, Sendable {
  case reason(String)
  case overflow(String)
}

/// One weight variable, as Keras lists it in `layer.weights`.
public struct Weight: Equatable, Sendable {
  public var name: String
  public var shape: [Int]
  public var trainable: Bool
  public var count: Int

  public init(_ name: String, _ shape: [Int], trainable: Bool = true) throws(Refusal) {
    self.name = name
    self.shape = shape
    self.trainable = trainable
    do { count = try Checked.product(shape) } catch {
      throw .overflow("the size of weight '\(name)'")
    }
  }
}

/// A layer's output shape and weights on its input, with the counts they add up to.
public struct Inference: Equatable, Sendable {
  public var output: Shape
  public var weights: [Weight]
  public var trainable: Int
  public var nonTrainable: Int

  public init(output: Shape, weights: [Weight] = []) throws(Refusal) {
    self.output = output
    self.weights = weights
    var t = 0
    var nt = 0
    do {
      for w in weights {
        if w.trainable {
          t = try Checked.add(t, w.count)
        } else {
          nt = try Checked.add(nt, w.count)
        }
      }
      _ = try Checked.add(t, nt)
    } catch { throw .overflow("the parameter count") }
    trainable = t
    nonTrainable = nt
  }

  public var params: Int { trainable + nonTrainable }

  /// The same weights, all frozen (`trainable=false`).
  public func frozen() -> Inference {
    var copy = self
    for i in copy.weights.indices { copy.weights[i].trainable = false }
    copy.nonTrainable += copy.trainable
    copy.trainable = 0
    return copy
  }
}

/// The explanation of one layer's count: the formula in symbols, with numbers, and each term.
public struct Explanation: Equatable, Sendable {
  /// In symbols, with `*` for multiplication: `(kernel_size * input_channels + 1) * filters`.
  /// The one definition of the count: `help` and `docs/formulas.md` show it as it is, `explain`
  /// with the numbers (`substituted`).
  public var formula: String
  /// Every symbol of `formula` names one of `terms`, whose values make `substituted`.
  public var terms: [Term]
  /// How the output shape follows from the input (for every layer; the whole story for those
  /// without weights).
  public var shapeRule: String
  /// Anything else worth saying: why there are no weights, why some are not trained.
  public var notes: [String]
  /// For a layer made of parts (attention projections, depthwise and pointwise steps, recurrent
  /// weights, the two directions): each part with its subtotal; they add up to the count. Empty
  /// for a layer of one piece.
  public var parts: [Part]

  public init(
    formula: String, terms: [Term], shapeRule: String, notes: [String] = [],
    parts: [Part] = []
  ) {
    self.formula = formula
    self.terms = terms
    self.shapeRule = shapeRule
    self.notes = notes
    self.parts = parts
  }

  /// The formula with the values: each symbol replaced by the value of the term it names
  /// (`(kernel_size * input_channels + 1) * filters` is `(5 * 25 + 1) * 64`). A symbol that names
  /// no term is left as it is (a test checks that there is none).
  public var substituted: String { Explanation.substitute(formula, terms) }

  /// The symbols of a formula: its words (a letter or `_`, then letters, digits and `_`).
  public static func symbols(_ formula: String) -> [Substring] {
    var out: [Substring] = []
    var i = formula.startIndex
    while i < formula.endIndex {
      let c = formula[i]
      if c.isLetter || c == "_" {
        var j = formula.index(after: i)
        while j < formula.endIndex,
          formula[j].isLetter || formula[j].isNumber || formula[j] == "_"
        {
          j = formula.index(after: j)
        }
        out.append(formula[i..<j])
        i = j
      } else if c.isNumber {
        // A number (a digit run) is not a symbol, nor the digits that follow a letter in one.
        while i < formula.endIndex, formula[i].isNumber { i = formula.index(after: i) }
      } else {
        i = formula.index(after: i)
      }
    }
    return out
  }

  static func substitute(_ formula: String, _ terms: [Term]) -> String {
    var out = ""
    var rest = formula[...]
    for symbol in symbols(formula) {
      out += rest[rest.startIndex..<symbol.startIndex]
      if let t = terms.first(where: { $0.name == symbol }) {
        out += String(t.value)
      } else {
        out += symbol
      }
      rest = formula[symbol.endIndex...]
    }
    return out + rest
  }

  /// What `explain all` says of a model without layers (text, and `message` in --json).
  public static let nothingToExplain = "nothing to explain: the model has no layers"

  /// For a layer without weights: its count is 0, and the reason.
  public static func noWeights(_ why: String, shapeRule: String) -> Explanation {
    Explanation(formula: "0", terms: [], shapeRule: shapeRule, notes: [why])
  }
}

/// One term of a formula: its name, value, where the value comes from, and what it means.
public struct Term: Equatable, Sendable {
  public enum Source: String, Sendable {
    case argument = "argument"
    case defaultValue = "default"
    case inputShape = "input shape"
    case derived = "derived"
    case constant = "constant"
  }
  public var name: String
  public var value: Int
  public var source: Source
  public var meaning: String

  public init(_ name: String, _ value: Int, _ source: Source, _ meaning: String) {
    self.name = name
    self.value = value
    self.source = source
    self.meaning = meaning
  }
}

/// A part of a layer's count: one weight (with its shape), or a group of parts with their sum.
/// `expression` is arithmetic on numbers only (`16 * 2 * 8 + 2 * 8`): it evaluates to `count`.
public struct Part: Equatable, Sendable {
  public var name: String
  /// The weight's shape, for a part that is one weight.
  public var shape: [Int]?
  /// What the numbers are, when the expression alone does not say (`4 blocks * 64 units`).
  public var detail: String?
  public var expression: String
  public var count: Int
  /// The parts of a group (their counts add up to this one's).
  public var parts: [Part]

  public init(
    _ name: String, shape: [Int]? = nil, detail: String? = nil, expression: String, count: Int,
    parts: [Part] = []
  ) {
    self.name = name
    self.shape = shape
    self.detail = detail
    self.expression = expression
    self.count = count
    self.parts = parts
  }

  /// One weight: its name, shape and count, with `factors` (numbers or products) multiplying to
  /// the count.
  public static func weight(_ w: Weight, _ factors: [String], detail: String? = nil) -> Part {
    Part(
      w.name, shape: w.shape, detail: detail, expression: factors.joined(separator: " * "),
      count: w.count)
  }

  /// A group of parts, its expression the sum of theirs. (Counts of an inferred layer's weights
  /// fit, and so does their sum: the inference checked it.)
  public static func group(_ name: String, _ parts: [Part], detail: String? = nil) -> Part {
    Part(
      name, detail: detail, expression: parts.map(\.expression).joined(separator: " + "),
      count: parts.reduce(0) { $0 &+ $1.count }, parts: parts)
  }
}

/// A worked example of a layer type that can be typed as is: an input, then an `add` line.
/// Each family declares its types' examples next to them; `help LAYER` ends with one, and its
/// count, computed by running it.
public struct LayerExample: Sendable {
  /// The input's dimensions as typed: `(None,25)`.
  public let input: String
  /// The line adding the layer: `add conv1d filters=64 kernel_size=5`.
  public let add: String

  public init(_ input: String, _ add: String) {
    self.input = input
    self.add = add
  }

  /// The two lines of the example, as `help` prints them.
  public var text: String { "input \(input) then \(add)" }

  /// The layer type it adds, lowercased: the word after `add`.
  public var type: Substring { add.split(separator: " ").dropFirst().first ?? "" }

  /// Every layer type's example.
  public static let all: [LayerExample] =
    coreExamples + passThroughExamples + activationExamples + convolutionExamples + poolingExamples
    + normalizationExamples + featureNormalizationExamples + recurrentExamples
    + convRecurrentExamples + reshapingExamples + regularizationExamples + attentionExamples
    + wrapperExamples + adaptivePoolingExamples + preprocessingExamples + augmentationExamples
    + encodingExamples + [reversibleEmbeddingExample] + einsumExamples + audioExamples
    + mergingExamples + [inputLayerExample] + [cellRNNExample] + pipelineExamples
    + dotAttentionExamples + tensorOperationExamples + applicationLayerExamples
    + nestedModelExamples

  /// The example of a layer type, if it has one.
  public static func of(_ d: LayerDescriptor) -> LayerExample? {
    let name = d.name.lowercased()
    return all.first { $0.type == name }
  }

  /// The example's count, run in a fresh model of `catalog`; nil when a line fails.
  public func count(_ catalog: LayerCatalog = .standard) -> Int? { layer(catalog)?.params }

  /// The example's layer, run in a fresh model of `catalog`; nil when a line fails. Its
  /// explanation's formula is the layer type's formula as `help` and the docs show it.
  public func layer(_ catalog: LayerCatalog = .standard) -> ModelLayer? {
    var i = Interpreter(session: Session(catalog: catalog))
    do {
      _ = try i.run(line: "input " + input)
      _ = try i.run(line: add)
    } catch { return nil }
    return i.session.layers.last
  }
}

/// A family of layer types, as `layers` groups them and docs/formulas.md presents them: its
/// name (the descriptors' `family`) and what holds for all its members, in Markdown: where the
/// rules come from, why the counts are what they are, the rules of shapes, references.
public struct LayerFamily: Sendable {
  public let name: String
  public let note: String

  public init(_ name: String, note: String) {
    self.name = name
    self.note = note
  }

  /// Every family, in the order of the catalog; each family file declares its own.
  public static let all = [
    coreFamily, activationFamily, convolutionFamily, poolingFamily, normalizationFamily,
    recurrentFamily, convRecurrentFamily, reshapingFamily, regularizationFamily, attentionFamily,
    wrapperFamily,
    preprocessingFamily, einsumFamily, audioFamily, mergingFamily, pipelineFamily,
    tensorOperationFamily, applicationLayerFamily, nestedModelFamily,
  ]

  public static func named(_ name: String) -> LayerFamily? { all.first { $0.name == name } }
}
