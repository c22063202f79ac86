/// Did-you-mean: the closest known word to a mistyped one.
public enum Suggestion {
  /// The candidate nearest to `word` by edit distance (case-insensitive), if it is near enough to
  /// be a likely typo: at most a third of the word's length, and at least 1.
  public static func nearest<S: Sequence>(to word: String, in candidates: S) -> String?
  where S.Element == String {
    // A word this long is no typo of a short name (and comparing it would cost time).
    guard word.utf8.count <= 64 else { return nil }
    let w = Array(word.lowercased().utf8)
    let limit = max(1, min(3, w.count / 3))
    var best: (String, Int)?
    for c in candidates {
      let d = distance(w, Array(c.lowercased().utf8))
      if d <= limit, best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
  }

  /// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
  static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev2 = [Int](repeating: 0, count: b.count + 1)
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      cur[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { v = min(v, prev2[j - 2] + 1) }
        cur[j] = v
      }
      (prev2, prev, cur) = (prev, cur, prev2)
    }
    return prev[b.count]
  }
}

/// What would fit when Keras refuses a layer on its input: worded from the layer and the input,
/// and each suggestion checked by inferring it (a hint never proposes a line that fails).
enum RefusalHint {
  /// The hint for `piece` refused on `input`; `first`: the input is the model's own (so changing
  /// the `input` line is a remedy too).
  static func hint(for piece: Piece, on input: Shape, first: Bool, catalog: LayerCatalog)
    -> String?
  {
    if let merge = piece.model as? any MergeModel, !merge.readsOneAlone,
      piece.spec.sources == nil
    {
      return
        "name the tensors it merges with 'from', e.g. '\(piece.spec.script) from a,b'"
    }
    return rank(piece, input, first: first, catalog: catalog)
      ?? window(piece, input, catalog: catalog)
  }

  /// Whether the model accepts `shape`.
  static func fits(_ model: any LayerModel, _ shape: Shape) -> Bool {
    (try? model.infer(shape)) != nil
  }

  /// A layer built from `type` and `arguments`, or nil when the catalog refuses them.
  static func layer(_ type: String, _ arguments: [(String, Value)], catalog: LayerCatalog)
    -> (any LayerModel)?
  {
    let request = LayerRequest(
      type: type, typeSpan: .none,
      arguments: arguments.map { Argument(key: $0.0, value: $0.1, span: .none, valueSpan: .none) })
    return try? catalog.build(request, end: .none).model
  }

  /// `28x28x1` when every size is known, `(None,16)` otherwise: as an `input` line takes it.
  static func inputText(_ dims: [Int?]) -> String {
    if dims.count > 1, dims.allSatisfy({ $0 != nil }) {
      return dims.map { String($0!) }.joined(separator: "x")
    }
    return tupleText(dims.map { $0.map(String.init) ?? "None" })
  }

  static func tupleText(_ items: [String]) -> String {
    "(" + items.joined(separator: ",") + (items.count == 1 ? ",)" : ")")
  }

  /// Layers that read a sequence (timesteps, features): a missing axis is a time axis.
  static func readsSequences(_ piece: Piece, _ catalog: LayerCatalog) -> Bool {
    let names = [piece.spec.type] + (piece.spec.inner.map { [$0] } ?? [])
    return names.contains { catalog[$0]?.family == "Recurrent" }
  }

  /// Layers that read (spatial axes..., channels): a missing axis is a channels axis of 1.
  static func readsChannels(_ piece: Piece, _ catalog: LayerCatalog) -> Bool {
    let type = piece.spec.type
    if let family = catalog[type]?.family,
      family == "Convolution" || family == "Pooling" || family == "ConvRecurrent"
    {
      return true
    }
    return ["UpSampling", "ZeroPadding", "Cropping", "SpatialDropout"].contains {
      type.hasPrefix($0)
    }
  }

  /// Where a layer that reads channels has them, and whether a time axis comes first: the layout
  /// of its input, as `data_format` and the layer's family make it.
  struct ChannelsLayout {
    /// The channels' axis after the batch with `data_format=channels_first` (0, or 1 after a
    /// time axis); nil: the channels are last.
    let first: Int?
    /// A time axis comes before the spatial axes (ConvLSTM).
    let time: Bool

    init(_ piece: Piece, _ catalog: LayerCatalog) {
      first = (piece.model as? ChannelsFirst)?.axis
      time = catalog[piece.spec.type]?.family == "ConvRecurrent"
    }

    /// The names of `rank` axes after the batch, in the order the layer reads them.
    func axes(_ rank: Int) -> [String] {
      let lead = time ? ["time"] : []
      let count = max(1, rank - 1 - lead.count)
      // ConvLSTM1D reads (time, rows, channels), as Keras's documentation names them.
      let spatial = time && count == 1 ? ["rows"] : spatialAxisNames(count)
      return first == nil ? lead + spatial + ["channels"] : lead + ["channels"] + spatial
    }

    /// `dims` with a channels axis of 1 put where the layer reads its channels, then `more`
    /// spatial axes of 1 after the last.
    func withChannels(_ dims: [Int?], more: Int) -> [Int?] {
      var out = dims
      if let axis = first {
        out.insert(1, at: min(axis, out.count))
      } else {
        out.append(1)
      }
      return out + Array(repeating: 1, count: more)
    }

    /// `dims` with `count` axes merged into the channels: the last ones, or with the channels
    /// first the ones from the channels' axis on; nil when a size is unknown or it overflows.
    func merging(_ dims: [Int?], _ count: Int) -> [Int?]? {
      guard let axis = first else {
        let keep = dims.count - count
        return RefusalHint.product(dims[keep...]).map { Array(dims[..<keep]) + [$0] }
      }
      guard axis + count <= dims.count,
        let merged = RefusalHint.product(dims[axis..<(axis + count)])
      else { return nil }
      return Array(dims[..<axis]) + [merged] + Array(dims[(axis + count)...])
    }
  }

  /// The input a channels-reading layer would take: a channels axis of 1 (and spatial axes of 1
  /// if needed) where the axes are too few, or axes merged into the channels where they are too
  /// many, as few as make it fit.
  static func channelsCandidate(_ model: any LayerModel, _ input: Shape, _ layout: ChannelsLayout)
    -> [Int?]?
  {
    for extra in 1...3 {
      let dims = layout.withChannels(input.dims, more: extra - 1)
      if fits(model, Shape(dims)) { return dims }
    }
    guard input.rank > 2 else { return nil }
    for count in 2..<input.rank {
      guard let dims = layout.merging(input.dims, count) else { break }
      if fits(model, Shape(dims)) { return dims }
    }
    return nil
  }

  /// A rank refusal: the input with the axes the layer reads, and the layers that reshape to it.
  static func rank(_ piece: Piece, _ input: Shape, first: Bool, catalog: LayerCatalog) -> String? {
    let model = piece.model
    let sequence = readsSequences(piece, catalog)
    let layout = ChannelsLayout(piece, catalog)
    guard sequence || readsChannels(piece, catalog) else {
      // A reshaping layer that reads vectors (RepeatVector): what Flatten makes of the input.
      // (Not others: a GroupNormalization refused for its groups would fit a flattened input
      // too, but for the wrong reason.)
      guard catalog[piece.spec.type]?.family == "Reshaping", input.rank > 1, !fits(model, input),
        let flatten = layer("flatten", [], catalog: catalog),
        let out = try? flatten.infer(input), fits(model, out.output)
      else { return nil }
      return "\(model.typeName) reads (batch, features): add 'flatten' first"
    }
    var candidate: [Int?]?
    if sequence {
      // A time axis in front; too many axes: the features of a step merged into one.
      if input.rank < 2 {
        candidate = [nil] + input.dims
      } else if input.rank > 2, let features = product(input.dims.dropFirst()) {
        candidate = [input.dims[0], features]
      }
    } else {
      candidate = channelsCandidate(model, input, layout)
    }
    guard let dims = candidate, dims.count != input.rank, fits(model, Shape(dims)) else {
      return nil
    }
    let axes = sequence ? ["timesteps", "features"] : layout.axes(dims.count)
    var ways: [String] = []
    var line: String?
    if first, dims.count > input.rank {
      line = "write 'input \(inputText(dims))'"
    }
    if sequence, input.rank == 1,
      let repeater = layer("repeatvector", [("n", .int(2))], catalog: catalog),
      let out = try? repeater.infer(input), fits(model, out.output)
    {
      ways.append("'repeatvector n=T' (T steps of the same vector)")
    }
    // Reshape keeps the batch; one unknown size can stand as -1.
    let target = sequence && input.rank == 1 ? input.dims + [1] : dims
    if target.filter({ $0 == nil }).count <= 1 {
      let sizes = target.map { $0 ?? -1 }
      if let reshape = layer(
        "reshape", [("target_shape", .tuple(sizes.map { .int($0) }))], catalog: catalog),
        let out = try? reshape.infer(input), fits(model, out.output)
      {
        ways.append("'reshape target_shape=\(tupleText(sizes.map(String.init)))'")
      }
    }
    let layers = ways.isEmpty ? nil : "add " + ways.joined(separator: " or ") + " first"
    let remedies = [line, layers].compactMap { $0 }
    guard !remedies.isEmpty else { return nil }
    return
      "\(piece.model.typeName) reads (batch, \(axes.joined(separator: ", "))): "
      + remedies.joined(separator: ", or ")
  }

  /// The product of known sizes, nil when one is unknown or it overflows.
  static func product<C: Collection>(_ dims: C) -> Int? where C.Element == Int? {
    var n = 1
    for d in dims {
      guard let d, let m = try? Checked.multiply(n, d) else { return nil }
      n = m
    }
    return n
  }

  /// A window larger than its input: padding=same, or the largest window that fits.
  static func window(_ piece: Piece, _ input: Shape, catalog: LayerCatalog) -> String? {
    let window: [Int]
    let strides: [Int]
    let dilation: [Int]
    let padding: String
    let key: String
    // With the channels first, the window is read on the input with its channels moved last.
    let flipped = piece.model as? ChannelsFirst
    let read = flipped.map { $0.channelsLast(input, inputRank: input.rank) } ?? input
    switch flipped?.inner ?? piece.model {
    case let c as Convolution:
      (window, strides, dilation, padding, key) =
        (c.window.kernel, c.window.strides, c.window.dilation, c.window.padding, "kernel_size")
    case let c as ConvolutionVariant where c.variant != .transpose:
      (window, strides, dilation, padding, key) =
        (c.window.kernel, c.window.strides, c.window.dilation, c.window.padding, "kernel_size")
    case let p as Pooling:
      (window, strides, dilation, padding, key) =
        (p.pool, p.strides, Array(repeating: 1, count: p.pool.count), p.padding, "pool_size")
    default: return nil
    }
    guard padding == "valid", read.rank == window.count + 1 else { return nil }
    // The largest window each axis holds: (window - 1) * dilation + 1 <= size.
    var largest: [Int] = []
    for (i, w) in window.enumerated() {
      guard let d = read.dims[i] else {
        largest.append(w)
        continue
      }
      largest.append((d - 1) / dilation[i] + 1)
    }
    guard zip(window, largest).contains(where: { $0 > $1 }) else { return nil }
    var ways: [String] = []
    var arguments = piece.spec.arguments.filter { $0.key != "padding" }.map { ($0.key, $0.value) }
    arguments.append(("padding", .string("same")))
    if let same = layer(piece.spec.type, arguments, catalog: catalog), fits(same, input) {
      ways.append(
        strides.allSatisfy { $0 == 1 }
          ? "padding=same keeps the length" : "padding=same pads the input to fit the window")
    }
    let bound =
      Set(largest).count == 1 ? String(largest[0]) : tupleText(largest.map(String.init))
    let dilated = dilation.contains { $0 != 1 } ? " at this dilation_rate" : ""
    ways.append("use \(key) ≤ \(bound)\(dilated)")
    return ways.joined(separator: ", or ")
  }
}
