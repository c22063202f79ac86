/// The operands of the commands that read options, formats, snapshot names and file names: each
/// list read from where it is declared (`FlopsOptions.names`, `MemoryOptions.names` and
/// `MemoryOptions.choices(of:)`, the usage of `summary`, `ExportFormat`, the session's
/// snapshots), none written here.
extension Completion {
  /// Where a file name starts in the line before the cursor, and the command it follows: after
  /// `save`, `load`, `import`, `play` and `compare`, and after `export FORMAT` (a format it
  /// writes); nil when no file name goes there. The name is the rest of the line (it may hold
  /// spaces: the parser reads it so).
  static func fileOperand(_ head: ArraySlice<UInt8>) -> (kind: CommandKind, start: Int)? {
    let blank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 }
    // The next word from `i` on, when a blank ends it before the cursor.
    func word(from i: Int) -> Range<Int>? {
      guard let s = head[i...].firstIndex(where: { !blank($0) }),
        let e = head[s...].firstIndex(where: blank)
      else { return nil }
      return s..<e
    }
    let text: (Range<Int>) -> String = { String(decoding: head[$0], as: UTF8.self).lowercased() }
    guard let first = word(from: head.startIndex), let info = CommandTable.info(text(first))
    else { return nil }
    var after = first.upperBound
    switch info.kind {
    case .save, .load, .importFile, .play, .compare:
      break
    case .export:
      guard let format = word(from: after), ExportFormat(rawValue: text(format)) != nil else {
        return nil
      }
      after = format.upperBound
    default:
      return nil
    }
    return (info.kind, head[after...].firstIndex(where: { !blank($0) }) ?? head.endIndex)
  }

  /// File names in the directory the word names, that start with the rest of the word; a
  /// directory with its `/`; names starting with `.` only when the word's rest does.
  static func fileNames(_ word: String, _ files: Lister?) -> [Entry] {
    guard let files else { return [] }
    let slash = word.lastIndex(of: "/")
    let directory = slash.map { String(word[...$0]) } ?? ""
    let base = slash.map { String(word[word.index(after: $0)...]) } ?? word
    return files(directory)
      .filter {
        $0.name.hasPrefix(base) && $0.name != "." && $0.name != ".."
          && (base.hasPrefix(".") || !$0.name.hasPrefix("."))
      }
      .sorted { $0.name < $1.name }
      .map {
        let name = $0.name + ($0.isDirectory ? "/" : "")
        return Entry(directory + name, display: name)
      }
  }

  /// The snapshot names that start with `word`, as written (a name is matched as `compare`
  /// looks it up: case matters).
  static func snapshotNames(_ word: String, _ snapshots: [String]) -> [Entry] {
    snapshots.filter { $0.hasPrefix(word) }.map { Entry($0) }
  }

  /// `name=` for the options not given yet (`given`: the words after the command), or, for a
  /// word `key=...`, the values `choices` names for key, with `key=` in front.
  static func options<S: Sequence>(
    _ names: [String], given: S, word: String, choices: (String) -> [String] = { _ in [] }
  ) -> [Entry] where S.Element == String {
    if let eq = word.firstIndex(of: "=") {
      let key = String(word[..<eq])
      return choices(key).map { key + "=" + $0 }.filter { $0.hasPrefix(word) }.map {
        Entry($0)
      }
    }
    let taken = Set(given.compactMap { $0.split(separator: "=").first.map(String.init) })
    return names.filter { !taken.contains($0) && $0.hasPrefix(word) }.map { Entry($0 + "=") }
  }

  /// The words a command's usage offers (`summary [depth=N|chart]`: `depth=` and `chart`): each
  /// lowercase word, or a name before `=` with its `=`; a placeholder (`N`, `FILE`) is none.
  static func usageWords(_ info: CommandInfo) -> [String] {
    var words: [String] = []
    for piece in info.usage.dropFirst(info.name.count).split(whereSeparator: {
      "[]| ".contains($0)
    }) {
      let w = piece.firstIndex(of: "=").map { String(piece[...$0]) } ?? String(piece)
      if w.first?.isLowercase == true, !words.contains(w) { words.append(w) }
    }
    return words
  }

  /// After `try`: first the edit commands it takes and the layer numbers (`try 2 units=64`);
  /// then the edit as the command itself completes (`try 2 ...` as `set 2 ...`).
  static func tried(
    _ tokens: [String], word: String, catalog: LayerCatalog, session: Session?,
    snapshots: [String]
  ) -> Found {
    let edits: [CommandKind] = [.add, .insert, .remove, .set]
    let prefix = word.lowercased()
    guard tokens.count > 1 else {
      return .layers(
        extra: edits.map(\.name).filter { $0.hasPrefix(prefix) }.map { Entry($0) },
        prefix: prefix, count: session?.count ?? 0, insertEnd: false)
    }
    let rest = Array(tokens.dropFirst())
    let named = CommandTable.info(rest[0]).map { edits.contains($0.kind) } ?? false
    let edit = named ? rest : [CommandKind.set.name] + rest
    return matches(
      before: edit.joined(separator: " ") + " ", word: word, catalog: catalog, session: session,
      snapshots: snapshots)
  }
}
