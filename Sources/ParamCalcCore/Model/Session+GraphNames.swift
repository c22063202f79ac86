/// What the summary and the JSON show of a graph: Keras's names of its layers, what each reads,
/// and the layers not on the way to the output.
extension Session {
  /// Whether some layer has `as` or `from` (its summary then shows what each layer reads).
  public var isGraph: Bool { graph }

  /// Each layer's name as Keras would give it: the name given with `as`, or its class's name in
  /// snake case, numbered among the layers of that class without a name (`conv2d`, `conv2d_1`).
  public var layerNames: [String] {
    var counters: [String: Int] = [:]
    var out: [String] = []
    for l in layers {
      // A call of a layer again is that layer: it has its name.
      if let n = l.spec.reuses, n - 1 < out.count {
        out.append(out[n - 1])
        continue
      }
      out.append(name(of: l, &counters))
    }
    return out
  }

  /// Refuses a name that the input or an earlier layer has.
  func checkFree(_ name: String, in names: [String: Int], at span: Span) throws(ParamCalcError) {
    guard name == Session.inputName || names[name] != nil else { return }
    let owner = names[name].map { "layer #\($0 + 1)" } ?? "the model's input"
    throw .wiring(
      "the name '\(name)' is taken by \(owner)", at: span,
      hint: "Keras needs every layer's name to be unique: choose another")
  }

  /// The layer (0-based, one of the first `j`) not named with `as` whose automatic name (the
  /// summary's) is `name`; nil when none. `dense_2` is the third Dense not named: a name that
  /// reads as no layer class's automatic name, or whose number passes the layers not named,
  /// is answered without a walk over the layers. (Asked when `from` names no tensor: a walk
  /// for every named layer would make a script of many of them quadratic.)
  func automaticallyNamed(_ name: String, before j: Int) -> Int? {
    var base = Substring(name)
    var k = 0
    if let u = name.lastIndex(of: "_"), let n = Int(name[name.index(after: u)...]), n >= 1,
      name[name.index(after: u)...] == String(n)
    {
      base = name[..<u]
      k = n
    }
    guard k < count - names.count, catalog[String(base.filter { $0 != "_" })] != nil else {
      return nil
    }
    var seen = 0
    for (i, l) in layers.prefix(min(j, count)).enumerated()
    where l.spec.name == nil && l.spec.reuses == nil {
      guard LayerDescriptor.snakeCase(String(l.typeName.prefix { $0 != "(" })) == base else {
        continue
      }
      if seen == k { return i }
      seen += 1
    }
    return nil
  }

  /// The name of a layer as Keras gives it, counting the unnamed layers of each class.
  func name(of l: ModelLayer, _ counters: inout [String: Int]) -> String {
    if let name = l.spec.name { return name }
    let base = LayerDescriptor.snakeCase(String(l.typeName.prefix { $0 != "(" }))
    let k = counters[base, default: 0]
    counters[base] = k + 1
    return k == 0 ? base : "\(base)_\(k)"
  }

  /// The names of the tensors layer `i` (0-based) reads (`input` for the model's input), given
  /// the layers' names.
  public func connections(of i: Int, names: [String]) -> [String] {
    if row(i).piece.model is InputLayerModel { return [] }
    // A layer called again: its output is the tensor named with `as`, or `dense (again)`.
    func named(_ k: Int) -> String {
      let spec = row(k).piece.spec
      guard spec.reuses != nil else { return names[k] }
      return spec.name ?? names[k] + " (again)"
    }
    guard let sources = row(i).piece.spec.sources else {
      return [i == 0 ? Session.inputName : named(i - 1)]
    }
    func tensor(_ s: LayerSource) -> String {
      switch s {
      case .number(let n): return named(n - 1)
      case .name(let n): return self.names[n].map(named) ?? n
      case .state(let base, let part): return tensor(base) + "." + part
      }
    }
    return sources.map(tensor)
  }

  /// For a layer whose tensors must change together, as one `set` cannot change them: an
  /// elementwise merge (Add: its inputs' shapes must agree) or a layer started from another's
  /// states (their sizes must be its own), the line that inserts it again at row `j` (0-based);
  /// nil for any other.
  func reinsertion(_ p: Piece, at j: Int) -> String? {
    guard let sources = p.spec.sources, sources.count >= 2, p.spec.reuses == nil,
      p.model is ElementwiseMerge
        || sources.contains(where: {
          if case .state = $0 { true } else { false }
        })
    else { return nil }
    return "insert \(j + 1) " + p.spec.script.dropFirst("add ".count)
  }
}
