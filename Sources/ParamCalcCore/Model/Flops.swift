// `flops`: the compute of one forward pass, in MACs (multiply-accumulates) and FLOPs, per layer
// and in total, per sample and for a batch. The convention (docs/flops.md): a MAC is 2 FLOPs
// (one multiply, one add); a bias is 1 FLOP per element it is added to; an activation function
// 1 FLOP per element it is applied to, whatever the function; normalization, pooling and merges
// are counted in FLOPs (0 MACs) as docs/flops.md says. A layer whose compute is not described
// here is listed as not counted, never as 0.

/// The options of `flops`, as written (`batch=32 length=100 training=true`).
public struct FlopsOptions: Equatable, Sendable {
  public var batch = 1
  /// The size given to every axis of unknown size of the model's inputs (`length=N`).
  public var length: Int?
  public var lengthSpan: Span?
  /// `training=true`: the backward pass too (a training step), docs/flops.md's factor.
  public var training = false
  /// `explain N flops`: the layer whose formula is shown (1-based), and where N was written.
  public var layer: Int?
  public var layerSpan: Span?
  /// `causal=true`: attention counts only the scores a causal mask keeps (query i reads keys
  /// 1...i), the count of a kernel that skips the masked ones.
  public var causal = false

  public init() {}

  /// The option names, as `help flops` and did-you-mean offer them.
  public static let names = ["batch", "length", "training", "causal"]

  /// The values an option takes, as Tab offers them (none listed for a number).
  public static func choices(of key: String) -> [String] {
    key == "training" || key == "causal" ? ["true", "false"] : []
  }

  /// Reads the options of a `flops` line.
  /// (`command`: as the hints write it, `flops` or `summary flops`.)
  public static func read(_ args: [Argument], command: String = "flops") throws(ParamCalcError)
    -> FlopsOptions
  {
    var o = FlopsOptions()
    for a in args {
      guard names.contains(a.key) else {
        throw .unknownArgument(
          a.key, layer: "flops", at: a.span, suggestion: Suggestion.nearest(to: a.key, in: names))
      }
      if a.key == "training" || a.key == "causal" {
        guard case .bool(let b) = a.value else {
          throw .invalidValue(
            argument: a.key, message: "\(a.key) is true or false, not \(a.value.script)",
            at: a.valueSpan, hint: "e.g. '\(command) \(a.key)=true'")
        }
        if a.key == "training" { o.training = b } else { o.causal = b }
        continue
      }
      guard case .int(let n) = a.value, n >= 1 else {
        throw .invalidValue(
          argument: a.key,
          message: "\(a.key) is a whole number of at least 1, not \(a.value.script)",
          at: a.valueSpan, hint: "e.g. '\(command) \(a.key)=32'")
      }
      if a.key == "batch" {
        o.batch = n
      } else {
        o.length = n
        o.lengthSpan = a.span
      }
    }
    return o
  }

  /// The same options as `memory` reads them, to fill unknown axes the way `memory` does.
  var memoryOptions: MemoryOptions {
    var m = MemoryOptions()
    m.length = length
    m.lengthSpan = lengthSpan
    return m
  }
}

/// A quantity a formula names: its symbol, value, where the value comes from, and its meaning.
public struct FlopsTerm: Equatable, Sendable {
  public var symbol: String
  public var value: Int
  /// `argument units=10`, `input shape (None, 784)`, `Keras: an LSTM has 4 gates`, ...
  public var source: String
  public var meaning: String
}

/// One product of a layer's compute: MACs, or FLOPs that are not part of a MAC.
public struct FlopsPart: Equatable, Sendable {
  public enum Kind: String, Sendable { case macs, flops }
  public var name: String
  public var kind: Kind
  /// The factors in symbols and in numbers: the value is their product.
  public var symbols: [String]
  public var numbers: [Int]
  public var value: Int
}

/// One layer call's compute (a model used as a layer: its layers' sum, its layers beneath).
public struct LayerFlops: Equatable, Sendable {
  public var label: String
  public var type: String
  public var depth: Int
  /// Whether its numbers are its layers' (a model used as a layer), not added again.
  public var isGroup: Bool
  /// nil when counted; else why not (the layer adds nothing to the totals).
  public var notCounted: String?
  public var terms: [FlopsTerm]
  public var parts: [FlopsPart]
  public var macs: Int
  public var flops: Int
  /// The FLOPs not part of a MAC (bias, activations, normalization, ...).
  public var otherFlops: Int { flops - 2 * macs }
  /// The backward pass (docs/flops.md): each MAC's two factors get a gradient, a MAC each; each
  /// other FLOP's derivative is applied once. Set, checked for overflow, by `FlopsReport` with
  /// `training=true` (`backward`); 0 without it.
  public var backwardMacs = 0
  public var backwardFlops = 0

  /// Sets the backward pass: 2 × MACs, and 2 × that + the other FLOPs; throws when it, or the
  /// training step (forward + backward), passes Int64.
  mutating func backward() throws(Overflow) {
    let m = try Checked.multiply(macs, 2)
    let f = try Checked.add(try Checked.multiply(m, 2), otherFlops)
    _ = try Checked.add(flops, f)
    backwardMacs = m
    backwardFlops = f
  }
}

/// What `flops` shows: every layer call's MACs and FLOPs per sample, and the totals.
public struct FlopsReport: Equatable, Sendable {
  public var options: FlopsOptions
  public var rows: [LayerFlops]
  public var macs: Int
  public var flops: Int
  public var batchMacs: Int
  public var batchFlops: Int
  /// With `training=true`: a training step's FLOPs (forward and backward), per sample and for
  /// the batch; 0 without it.
  public var stepFlops = 0
  public var batchStepFlops = 0
  /// The inputs whose unknown axes `length=N` filled, as they became (empty when none).
  public var filledInputs: [Shape]
  /// `explain N flops` of an input of the model (an InputLayer): it computes nothing.
  public var explainsAnInput = false

  public var notCounted: [LayerFlops] { rows.filter { $0.notCounted != nil } }
  /// With `training=true`, the backward pass per sample (the step less the forward pass); 2 ×
  /// MACs fits: the FLOPs, checked, hold it.
  public var backwardMacs: Int { 2 * macs }
  public var backwardFlops: Int { stepFlops - flops }

  /// (`command`: the command asked, as its hints write it: `flops`, `summary flops`.)
  public init(
    _ session: Session, _ options: FlopsOptions, command: String = "flops", at whole: Span
  ) throws(ParamCalcError) {
    self.options = options
    let (filled, inputs) = try MemoryReport.filled(session, options.memoryOptions, at: whole)
    filledInputs = inputs
    rows = try FlopsReport.rows(
      filled, depth: 0, prefix: "#", options, command: command, at: whole)
    if let n = options.layer, n >= 1, n <= session.count {
      explainsAnInput = session.layers[n - 1].model is InputLayerModel
    }
    do throws(Overflow) {
      if options.training {
        for i in rows.indices { try rows[i].backward() }
      }
      var m = 0
      var f = 0
      for r in rows where r.depth == 0 {
        m = try Checked.add(m, r.macs)
        f = try Checked.add(f, r.flops)
      }
      macs = m
      flops = f
      batchMacs = try Checked.multiply(m, options.batch)
      batchFlops = try Checked.multiply(f, options.batch)
      if options.training {
        // forward + backward = (2M + O) + (4M + O) = 2 × forward + 2M, at most 3 × forward.
        stepFlops = try Checked.add(try Checked.multiply(f, 2), try Checked.multiply(m, 2))
        batchStepFlops = try Checked.multiply(stepFlops, options.batch)
      }
    } catch {
      throw .overflow("the FLOPs count", at: whole)
    }
  }

  static func rows(
    _ s: Session, depth: Int, prefix: String, _ o: FlopsOptions, command: String = "flops",
    at whole: Span
  ) throws(ParamCalcError) -> [LayerFlops] {
    let on = s.outputs != nil ? s.onTheWay : Array(repeating: true, count: s.count)
    var out: [LayerFlops] = []
    for (i, l) in s.layers.enumerated() where on[i] && !(l.model is InputLayerModel) {
      // `explain N flops`: layer N alone (another's unknown axis does not stop it).
      if depth == 0, let n = o.layer, i + 1 != n { continue }
      let label = prefix + String(i + 1)
      let type = l.spec.reuses.map { "\(l.typeName) (#\($0) again)" } ?? l.typeName
      if let m = l.model as? NestedModel, let inner = m.session(on: l.input) {
        let sub = try rows(
          inner, depth: depth + 1, prefix: label + ".", o, command: command, at: whole)
        var macs = 0
        var flops = 0
        for r in sub where r.depth == depth + 1 {
          guard let a = try? Checked.add(macs, r.macs), let b = try? Checked.add(flops, r.flops)
          else { throw .overflow("the FLOPs count", at: whole) }
          macs = a
          flops = b
        }
        out.append(
          LayerFlops(
            label: label, type: type, depth: depth, isGroup: true, notCounted: nil, terms: [],
            parts: [], macs: macs, flops: flops))
        out += sub
        continue
      }
      for shape in l.inputs + [l.output] where !shape.isFullyKnown {
        throw unknownAxis(label, l.typeName, shape, o, command: command, in: s, at: whole)
      }
      let formula: FlopsFormula?
      do { formula = try FlopsFormula.of(l, o) } catch {
        throw .overflow("the FLOPs count", at: whole)
      }
      if let fails = formula?.kerasFails {
        throw .refused(
          layer: "layer \(label) (\(l.typeName))", reason: fails.reason, at: whole,
          hint: fails.hint)
      }
      guard let formula else {
        out.append(
          LayerFlops(
            label: label, type: type, depth: depth, isGroup: false,
            notCounted: "paramcalc has no compute formula for \(l.typeName)", terms: [],
            parts: [], macs: 0, flops: 0))
        continue
      }
      guard let total = try? formula.total() else {
        throw .overflow("the FLOPs count", at: whole)
      }
      out.append(
        LayerFlops(
          label: label, type: type, depth: depth, isGroup: false, notCounted: nil,
          terms: formula.terms, parts: formula.parts, macs: total.macs, flops: total.flops))
    }
    return out
  }

  static func unknownAxis(
    _ label: String, _ type: String, _ shape: Shape, _ o: FlopsOptions, command: String,
    in s: Session, at whole: Span
  ) -> ParamCalcError {
    unknownAxisRefusal(
      "layer \(label) (\(type)) reads or writes \(shape.description), an axis of unknown size "
        + "(None): its compute depends on it",
      command: o.layer.map { "explain \($0) flops" } ?? command, length: o.length,
      lengthSpan: o.lengthSpan, in: s, at: whole)
  }
}
