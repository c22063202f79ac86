/// What Tab offers at the prompt, from what the language declares: the command words (the
/// command table), the layer types (the catalog), after a layer type its arguments as `name=`,
/// after `name=` the values the argument's declaration names (its choices, true and false,
/// activation names), layer numbers (listed with their types) after the commands that take one,
/// the options of `flops`, `explain N flops` and `memory` and their values, the words of
/// `summary`, the formats of `export`, snapshot names after `snapshot` and `compare`, the edit
/// after `try` as the edit itself completes, and file names after `save`, `load`, `import`,
/// `play`, `export FORMAT` and `compare` (listed by the caller: the core does no I/O).
///
/// Prefixes are case-insensitive (command words, aliases, types, names and values are
/// lowercase); file names and snapshot names are matched as written (file systems tell case
/// apart, and `compare` looks a snapshot up by its name as written).
public enum Completion {
  /// One match: `text` replaces the word; `display` is how a list shows it (`3 Dense`,
  /// `units=64`: the value layer 3 has now).
  public struct Entry: Equatable, Sendable {
    public let text: String
    public let display: String
    public init(_ text: String, display: String? = nil) {
      self.text = text
      self.display = display ?? text
    }
  }

  /// A directory entry, as the caller's lister reports it.
  public struct FileEntry: Equatable, Sendable {
    public let name: String
    public let isDirectory: Bool
    public init(_ name: String, isDirectory: Bool) {
      self.name = name
      self.isDirectory = isDirectory
    }
  }

  /// Lists a directory as typed (`""`: the current one, `examples/`, `/tmp/`).
  public typealias Lister = (_ directory: String) -> [FileEntry]

  /// What Tab does to a line.
  public struct Answer: Equatable, Sendable {
    /// The UTF-8 offset in the line where the word being completed starts.
    public var start: Int
    /// The word being completed (the line from `start` to the cursor).
    public var word: String
    /// The first matches (at most the limit asked for), in the order they are listed.
    public var shown: [Entry]
    /// How many match in all.
    public var count: Int
    /// The longest prefix common to every match.
    public var common: String

    public init(start: Int, word: String, shown: [Entry], count: Int, common: String) {
      self.start = start
      self.word = word
      self.shown = shown
      self.count = count
      self.common = common
    }

    /// What replaces the word: the one match (then a space, except after `=` or a directory's
    /// `/`), or the common prefix when it says more than the word; nil: nothing to fill in.
    public var insertion: String? {
      if count == 1, let only = shown.first {
        return only.text + (only.text.hasSuffix("=") || only.text.hasSuffix("/") ? "" : " ")
      }
      return count > 1 && common.utf8.count > word.utf8.count ? common : nil
    }
  }

  /// What Tab answers for a line whose cursor is at UTF-8 offset `point` (nil: its end).
  /// `snapshots`: the names `snapshot NAME` kept in the session (`compare` and `snapshot`
  /// offer them).
  public static func complete(
    line: String, point: Int? = nil, catalog: LayerCatalog, session: Session? = nil,
    snapshots: [String] = [], files: Lister? = nil, limit: Int = 100
  ) -> Answer {
    let bytes = Array(line.utf8)
    let end = min(max(point ?? bytes.count, 0), bytes.count)
    let head = bytes[..<end]
    let blank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 }
    // The word: after the last blank; where a file name goes: the rest (a name may hold
    // spaces: the parser reads the rest of the line).
    let start = (head.lastIndex(where: blank) ?? -1) + 1
    if let operand = fileOperand(head) {
      let word = String(decoding: head[operand.start...], as: UTF8.self)
      // `compare`: the snapshots first (a name the session kept is read as one), then files.
      var entries = operand.kind == .compare ? snapshotNames(word, snapshots) : []
      let names = Set(entries.map(\.text))
      entries += fileNames(word, files).filter { !names.contains($0.text) }
      return answer(operand.start, word, entries, limit: limit)
    }
    let before = String(decoding: head[..<start], as: UTF8.self)
    let word = String(decoding: head[start...], as: UTF8.self)
    let found = matches(
      before: before, word: word, catalog: catalog, session: session, snapshots: snapshots)
    switch found {
    case .entries(let entries):
      return answer(start, word, entries, limit: limit)
    case .layers(let extra, let prefix, let count, let insertEnd):
      return layerNumbers(
        start, word, extra: extra, prefix: prefix, count: count, insertEnd: insertEnd,
        session: session, limit: limit)
    }
  }

  /// The texts that complete `word`, the word under the cursor, given the text of the line
  /// before it (`before`); `session` answers what layer `set N` is about. A word may hold
  /// `key=` already: its values then come with it.
  public static func candidates(
    before: String, word: String, catalog: LayerCatalog, session: Session? = nil
  ) -> [String] {
    complete(line: before + word, catalog: catalog, session: session, limit: .max).shown.map(
      \.text)
  }

  static func answer(_ start: Int, _ word: String, _ entries: [Entry], limit: Int) -> Answer {
    Answer(
      start: start, word: word, shown: Array(entries.prefix(limit)), count: entries.count,
      common: commonPrefix(entries.lazy.map(\.text)))
  }

  enum Found {
    case entries([Entry])
    /// Layer numbers 1...count (and count+1, the end, for `insert`) that start with `prefix`,
    /// after the words in `extra` (`all`).
    case layers(extra: [Entry], prefix: String, count: Int, insertEnd: Bool)
  }

  static func matches(
    before: String, word: String, catalog: LayerCatalog, session: Session?,
    snapshots: [String] = []
  ) -> Found {
    var tokens = before.split(whereSeparator: { $0 == " " || $0 == "\t" }).map {
      $0.lowercased()
    }
    // A layer number written as layers are labelled (`explain #2`, `set #2`): the number.
    if tokens.count > 1, tokens[1].hasPrefix("#"), Int(tokens[1].dropFirst()) != nil {
      tokens[1].removeFirst()
    }
    let prefix = word.lowercased()
    let plain: ([String]) -> Found = {
      .entries($0.filter { $0.hasPrefix(prefix) }.map { Entry($0) })
    }
    guard let command = tokens.first.flatMap({ CommandTable.info($0) }) else {
      return tokens.isEmpty ? plain(CommandTable.words) : .entries([])
    }
    let types = catalog.descriptors.map { $0.name.lowercased() }
    let layerCount = session?.count ?? 0
    // After `from` (and after a comma of its list): the tensors a layer can read.
    if [.add, .insert, .reuse].contains(command.kind), let last = tokens.last,
      last == "from" || (last.hasSuffix(",") && tokens.contains("from"))
    {
      return .entries(tensors(word: word, session: session))
    }
    // `output A,B`: the same tensors.
    if command.kind == .output, tokens.count == 1 || tokens.last?.hasSuffix(",") == true {
      return .entries(tensors(word: word, session: session))
    }
    switch command.kind {
    case .help where tokens.count == 1:
      return plain(CommandTable.all.map(\.name) + types)
    case .explain where tokens.count == 1:
      return .layers(
        extra: ["all", "on", "off"].filter { $0.hasPrefix(prefix) }.map { Entry($0) },
        prefix: prefix,
        count: layerCount, insertEnd: false)
    case .explain where tokens.count == 2 && Int(tokens[1]) != nil:
      // `explain N flops`: layer N's compute.
      return plain([CommandKind.flops.name])
    case .explain where tokens.count >= 3 && tokens[2] == CommandKind.flops.name:
      return .entries(
        options(
          FlopsOptions.names, given: tokens.dropFirst(3), word: prefix,
          choices: FlopsOptions.choices(of:)))
    case .flops:
      return .entries(
        options(
          FlopsOptions.names, given: tokens.dropFirst(), word: prefix,
          choices: FlopsOptions.choices(of:)))
    case .memory:
      return .entries(
        options(
          MemoryOptions.names, given: tokens.dropFirst(), word: prefix,
          choices: MemoryOptions.choices(of:)))
    case .summary where tokens.count == 1:
      return plain(usageWords(command))
    case .summary where tokens.contains("flops"):
      // `summary [chart] flops [length=N]`: chart if not given, then length=.
      return plain(
        (tokens.contains("chart") ? [] : ["chart"])
          + (tokens.contains { $0.hasPrefix("length=") } ? [] : ["length="]))
    case .summary where tokens == ["summary", "chart"]:
      return plain(["flops"])
    case .export where tokens.count == 1:
      return plain(ExportFormat.allCases.map(\.rawValue))
    case .snapshot where tokens.count == 1:
      return .entries(snapshotNames(word, snapshots))
    case .tryEdit:
      return tried(
        tokens, word: word, catalog: catalog, session: session, snapshots: snapshots)
    case .quiz where tokens.count == 1:
      return plain(["on", "off"])
    case .prompt where tokens.count == 1:
      return plain(["total", "plain"])
    case .remove where tokens.count == 1, .set where tokens.count == 1,
      .reuse where tokens.count == 1:
      return .layers(extra: [], prefix: prefix, count: layerCount, insertEnd: false)
    case .insert where tokens.count == 1:
      return .layers(extra: [], prefix: prefix, count: layerCount, insertEnd: true)
    case .add, .insert:
      // `add TYPE [INNER] key=value ...`, `insert N TYPE ...`.
      let rest = Array(tokens.dropFirst(command.kind == .insert ? 2 : 1))
      guard let first = rest.first, let d = catalog[first] else {
        return rest.isEmpty ? plain(types) : .entries([])
      }
      // A wrapper, maybe around another (`timedistributed bidirectional lstm`), then the type.
      var ds = [d]
      while let last = ds.last, last.isWrapper {
        guard ds.count < rest.count else {
          return plain(last.accepts.map { $0.map { $0.lowercased() } } ?? types)
        }
        guard let next = catalog[rest[ds.count]] else { return .entries([]) }
        ds.append(next)
      }
      return .entries(
        arguments(ds, given: rest.dropFirst(ds.count), word: prefix, before: before))
    case .set:
      guard let n = Int(tokens[1]), let session, n >= 1, n <= session.count else {
        return .entries([])
      }
      let layer = session.layers[n - 1]
      let spec = layer.spec
      let inner = (spec.inner ?? "").split(separator: " ").map { catalog[String($0)] }
      let ds = [catalog[spec.type]] + inner
      return .entries(
        arguments(
          ds.compactMap { $0 }, given: tokens.dropFirst(2), word: prefix, before: before,
          current: layer))
    default:
      return .entries([])
    }
  }

  /// The tensors `from` can name, for the last piece of `word` (`a,b` completes `b`): the
  /// model's input, then the names given with `as` (named inputs among them), in layer order.
  static func tensors(word: String, session: Session?) -> [Entry] {
    let head = word.lastIndex(of: ",").map { String(word[...$0]) } ?? ""
    let piece = String(word.dropFirst(head.count))
    var names = session?.input == nil ? [] : [Session.inputName]
    if let session {
      // Each name, and after it the states its layer returns (`enc.h`, `enc.c`).
      for (name, k) in session.names.sorted(by: { $0.value < $1.value }) {
        names.append(name)
        names += session.layers[k].states.map { name + "." + $0.name }
      }
    }
    return names.filter { $0.hasPrefix(piece) }.map { Entry(head + $0, display: $0) }
  }

  /// `name=` of the arguments the types take and the line has not given yet, or the values of
  /// the argument being written (the word is `key=...`: words break at blanks only, `=` is part
  /// of the word). With `current` (`set N`), each name is listed with the value
  /// layer N has now, and `input_shape` is not offered.
  static func arguments<S: Sequence>(
    _ ds: [LayerDescriptor], given: S, word: String, before: String,
    current: ModelLayer? = nil
  ) -> [Entry] where S.Element == String {
    // `key=va`: values of key (with `key=` in front), or after a break at `=`, values alone.
    if let eq = word.firstIndex(of: "=") {
      let key = String(word[..<eq])
      return values(ds, key).map { key + "=" + $0 }.filter { $0.hasPrefix(word) }.map {
        Entry($0)
      }
    }
    let taken = Set(given.compactMap { $0.split(separator: "=").first.map(String.init) })
    var names: [String] = []
    for d in ds {
      for name in d.argumentNames where !taken.contains(name) && !names.contains(name) {
        names.append(name)
      }
    }
    if !taken.contains("trainable") { names.append("trainable") }
    if current == nil && !taken.contains("input_shape") { names.append("input_shape") }
    return names.filter { $0.hasPrefix(word) }.map { name in
      guard let current else { return Entry(name + "=") }
      return Entry(name + "=", display: name + "=" + value(of: name, in: current, ds))
    }
  }

  /// The value argument `name` has in `layer`: as given, else its declared default ("" when
  /// neither says: an argument accepted without effect and not given, or a derived default).
  static func value(of name: String, in layer: ModelLayer, _ ds: [LayerDescriptor]) -> String {
    if name == "trainable" { return layer.spec.trainable ? "true" : "false" }
    if let a = layer.spec.arguments.last(where: { $0.key == name })
      ?? layer.inert.last(where: {
        $0.key == name
      })
    {
      return a.value.script
    }
    for d in ds {
      guard let spec = d.argument(name) else { continue }
      switch spec.byDefault {
      case .value(let v): return v.script
      case .none: return "None"
      case .derived, .required: return ""
      }
    }
    return ""
  }

  /// The values an argument's declaration names, for the first type that declares it.
  static func values(_ ds: [LayerDescriptor], _ key: String) -> [String] {
    if key == "trainable" { return ["true", "false"] }
    return ds.lazy.map { $0.completions(of: key) }.first { !$0.isEmpty } ?? []
  }

  /// Layer numbers that start with `prefix`, in order, each shown with its type; counted and
  /// enumerated by arithmetic (a 100,000-layer model makes no list of 100,000 numbers).
  static func layerNumbers(
    _ start: Int, _ word: String, extra: [Entry], prefix: String, count n: Int, insertEnd: Bool,
    session: Session?, limit: Int
  ) -> Answer {
    let last = n + (insertEnd ? 1 : 0)
    var ranges: [ClosedRange<Int>] = []
    if prefix.isEmpty {
      if last >= 1 { ranges = [1...last] }
    } else if prefix.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), prefix.first != "0",
      prefix.utf8.count <= 18, let v = Int(prefix)
    {
      // v, v0...v9, v00...v99, ...: each run clipped to the last number.
      var low = v
      var width = 1
      while low <= last {
        ranges.append(low...min(low + width - 1, last))
        guard low <= Int.max / 10 / 2 else { break }
        low *= 10
        width *= 10
      }
    }
    let total = extra.count + ranges.reduce(0) { $0 + $1.count }
    var shown = Array(extra.prefix(limit))
    let layers = session?.layers
    outer: for r in ranges {
      for i in r {
        if shown.count >= limit { break outer }
        let type = i <= n ? layers.map { $0[i - 1].typeName } ?? "" : "(end)"
        shown.append(Entry(String(i), display: type.isEmpty ? String(i) : "\(i) \(type)"))
      }
    }
    // Every number listed starts with a valid prefix, which is itself one of them.
    let numbers = total - extra.count
    let common: String
    if !extra.isEmpty {
      common = numbers == 0 ? commonPrefix(extra.map(\.text)) : ""
    } else if prefix.isEmpty {
      common = numbers == 1 ? "1" : ""
    } else {
      common = numbers > 0 ? prefix : ""
    }
    return Answer(start: start, word: word, shown: shown, count: total, common: common)
  }

  /// The longest prefix the strings share (by characters).
  static func commonPrefix<C: Collection>(_ texts: C) -> String where C.Element == String {
    guard var common = texts.first.map({ Substring($0) }) else { return "" }
    for t in texts.dropFirst() {
      var i = common.startIndex
      var j = t.startIndex
      while i < common.endIndex, j < t.endIndex, common[i] == t[j] {
        i = common.index(after: i)
        j = t.index(after: j)
      }
      common = common[..<i]
      if common.isEmpty { break }
    }
    return String(common)
  }

  /// The list shown under the line: the entries' display texts in columns, filled down and
  /// then across as libedit does, within `width` columns; then, when more matched than are
  /// shown, how many more. Ends with a newline.
  public static func listing(_ answer: Answer, width: Int) -> String {
    let items = answer.shown.map(\.display)
    let widest = items.reduce(0) { max($0, $1.unicodeScalars.count) } + 2
    let columns = max(1, min(items.count, max(width, 1) / max(widest, 1)))
    let rows = (items.count + columns - 1) / columns
    var out = ""
    for r in 0..<rows {
      var line = ""
      for c in 0..<columns {
        let i = c * rows + r
        guard i < items.count else { break }
        let item = items[i]
        let last = c == columns - 1 || (c + 1) * rows + r >= items.count
        line +=
          last ? item : item + String(repeating: " ", count: widest - item.unicodeScalars.count)
      }
      out += line + "\n"
    }
    if answer.count > items.count {
      out += "… and \(answer.count - items.count) more: type more of the word to narrow them\n"
    }
    return out
  }
}
