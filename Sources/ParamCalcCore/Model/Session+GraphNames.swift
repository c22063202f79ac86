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
}
