/// What Tab offers at the prompt, from what the language declares: the command words (the
/// command table), the layer types (the catalog), and after a layer type its arguments as
/// `name=` and after `name=` the values the argument's declaration names (its choices, true and
/// false, activation names).
public enum Completion {
  /// The words that complete `word`, the word under the cursor, given the text of the line
  /// before it (`before`); `session` answers what layer `set N` is about. A word may hold
  /// `key=` already (libedit may or may not break words at `=`): its values then come with it.
  public static func candidates(
    before: String, word: String, catalog: LayerCatalog, session: Session? = nil
  ) -> [String] {
    let tokens = before.split(whereSeparator: { $0 == " " || $0 == "\t" }).map {
      $0.lowercased()
    }
    let prefix = word.lowercased()
    guard let command = tokens.first.flatMap({ CommandTable.info($0) }) else {
      return tokens.isEmpty ? CommandTable.words.filter { $0.hasPrefix(prefix) } : []
    }
    let types = catalog.descriptors.map { $0.name.lowercased() }
    switch command.kind {
    case .help where tokens.count == 1:
      return (CommandTable.all.map(\.name) + types).filter { $0.hasPrefix(prefix) }
    case .explain where tokens.count == 1:
      return ["all"].filter { $0.hasPrefix(prefix) }
    case .add, .insert:
      // `add TYPE [INNER] key=value ...`, `insert N TYPE ...`.
      let rest = Array(tokens.dropFirst(command.kind == .insert ? 2 : 1))
      if command.kind == .insert && tokens.count < 2 { return [] }
      guard let first = rest.first, let d = catalog[first] else {
        return rest.isEmpty ? types.filter { $0.hasPrefix(prefix) } : []
      }
      if d.isWrapper {
        guard rest.count >= 2, let inner = catalog[rest[1]] else {
          guard rest.count == 1 else { return [] }
          let inner = d.accepts.map { $0.map { $0.lowercased() } } ?? types
          return inner.filter { $0.hasPrefix(prefix) }
        }
        return arguments([d, inner], given: rest.dropFirst(2), word: prefix, before: before)
      }
      return arguments([d], given: rest.dropFirst(), word: prefix, before: before)
    case .set:
      guard tokens.count >= 2, let n = Int(tokens[1]), let session, n >= 1, n <= session.count
      else { return [] }
      let spec = session.layers[n - 1].spec
      let ds = [catalog[spec.type]] + [spec.inner.flatMap { catalog[$0] }]
      return arguments(
        ds.compactMap { $0 }, given: tokens.dropFirst(2), word: prefix, before: before,
        settable: true)
    default:
      return []
    }
  }

  /// `name=` of the arguments the types take and the line has not given yet, or the values of
  /// the argument being written.
  static func arguments<S: Sequence>(
    _ ds: [LayerDescriptor], given: S, word: String, before: String, settable: Bool = false
  ) -> [String] where S.Element == String {
    // `key=va`: values of key (with `key=` in front), or after a break at `=`, values alone.
    if let eq = word.firstIndex(of: "=") {
      let key = String(word[..<eq])
      return values(ds, key).map { key + "=" + $0 }.filter { $0.hasPrefix(word) }
    }
    if before.hasSuffix("="),
      let key = before.dropLast().split(whereSeparator: { $0 == " " || $0 == "\t" }).last
    {
      return values(ds, key.lowercased()).filter { $0.hasPrefix(word) }
    }
    let taken = Set(given.compactMap { $0.split(separator: "=").first.map(String.init) })
    var names: [String] = []
    for d in ds {
      for name in d.argumentNames where !taken.contains(name) && !names.contains(name + "=") {
        names.append(name + "=")
      }
    }
    if !taken.contains("trainable") { names.append("trainable=") }
    if !settable && !taken.contains("input_shape") { names.append("input_shape=") }
    return names.filter { $0.hasPrefix(word) }
  }

  /// The values an argument's declaration names, for the first type that declares it.
  static func values(_ ds: [LayerDescriptor], _ key: String) -> [String] {
    if key == "trainable" { return ["true", "false"] }
    return ds.lazy.map { $0.completions(of: key) }.first { !$0.isEmpty } ?? []
  }
}
