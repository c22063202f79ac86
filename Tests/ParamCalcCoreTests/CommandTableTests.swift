import Testing

@testable import ParamCalcCore

@Suite("Command table")
struct CommandTableTests {
  /// The commands as the README and `help` document them, written out here rather than read from
  /// the table: the table is checked against this, not against itself.
  static let documented = [
    "input", "add", "reuse", "output", "insert", "remove", "set", "undo", "redo", "clear",
    "summary", "total",
    "explain", "layers",
    "memory",
    "flops",
    "try", "keep", "snapshot", "compare",
    "help", "prompt", "quiz", "save", "export", "load", "import", "play", "quit",
  ]
  /// The commands that only show or save the model, or leave: a failed line of one of them is not a
  /// refused line of the model.
  static let notEditing: Set<String> = [
    "summary", "total", "explain", "layers", "help", "prompt", "quiz", "save", "export", "quit",
    "memory",
    "flops",
    "try", "snapshot", "compare",
  ]

  /// What parsing a line gives: the command's kind, or the error.
  func outcome(_ line: String) -> Result<CommandKind?, ParamCalcError> {
    Result { () throws(ParamCalcError) -> CommandKind? in try CommandParser.parse(line)?.kind }
  }

  @Test func tableListsTheDocumentedCommandsOnceInOrder() {
    #expect(CommandTable.all.map(\.name) == Self.documented)
    #expect(CommandTable.all.map(\.kind) == CommandKind.allCases)
    #expect(Set(CommandTable.words).count == CommandTable.words.count, "a word starts two commands")
    #expect(CommandTable.words == Self.documented + ["exit"])
  }

  @Test func everyTableWordParsesAsItsCommand() {
    // Commands that need an operand are refused without one, naming the word; the others parse.
    let needOperand: Set<CommandKind> = [
      .input, .add, .reuse, .output, .insert, .remove, .set, .prompt, .quiz, .save, .export,
      .load, .importFile,
      .play,
      .tryEdit, .snapshot, .compare,
    ]
    for info in CommandTable.all {
      for word in info.words {
        for written in [word, word.uppercased(), word.prefix(1).uppercased() + word.dropFirst()] {
          switch outcome(written) {
          case .success(let kind):
            #expect(!needOperand.contains(info.kind), "'\(written)' parsed without its operand")
            #expect(kind == info.kind, "'\(written)' parsed as \(String(describing: kind))")
          case .failure(let e):
            #expect(needOperand.contains(info.kind), "'\(written)': \(e.message)")
            guard case .missingOperand(let command, _, _) = e else {
              Issue.record("'\(written)': \(e)")
              continue
            }
            #expect(command == word)
          }
        }
      }
    }
  }

  @Test func everyParsedCommandIsInTheTable() throws {
    // One line per command that parses, written independently of the table.
    let lines: [(String, CommandKind)] = [
      ("input (None,25)", .input), ("add dense units=4", .add), ("reuse 1 from input", .reuse),
      ("output a,#2,enc.h", .output),
      ("insert 1 dense units=4", .insert),
      ("remove 1", .remove), ("set 1 units=8", .set), ("undo", .undo), ("redo", .redo),
      ("clear", .clear), ("summary", .summary), ("total", .total), ("explain all", .explain),
      ("layers", .layers), ("help dense", .help), ("prompt total", .prompt), ("quiz on", .quiz),
      ("memory dtype=bfloat16 batch=32 optimizer=adam mixed=true", .memory),
      ("flops batch=32 length=10", .flops),
      ("save m.pc", .save), ("export csv m.csv", .export), ("load m.pc", .load),
      ("import m.json", .importFile),
      ("play m.pc", .play),
      ("quit", .quit), ("exit", .quit),
      ("try 1 units=8", .tryEdit), ("keep", .keep), ("snapshot base", .snapshot),
      ("compare base", .compare),
    ]
    #expect(Set(lines.map(\.1)) == Set(CommandKind.allCases))
    for (line, kind) in lines {
      let command = try #require(try CommandParser.parse(line), "\(line)")
      #expect(command.kind == kind, "\(line)")
      let word = String(line.split(separator: " ")[0])
      #expect(command.kind.info.words.contains(word), "\(line)")
      #expect(command.name == (word == "exit" ? "quit" : word), "\(line)")
    }
  }

  @Test func wordsNotInTheTableAreUnknownCommands() {
    // Each table word with a letter dropped, doubled or added, and other words: never a command.
    var words = ["frobnicate", "dense", "conv1d", "inputs", "quitting", "all", "ls", "x"]
    for word in CommandTable.words {
      let letters = Array(word)
      for i in letters.indices {
        var dropped = letters
        dropped.remove(at: i)
        words.append(String(dropped))
        var doubled = letters
        doubled.insert(letters[i], at: i)
        words.append(String(doubled))
      }
      words.append(word + "s")
    }
    for word in words where !CommandTable.words.contains(word.lowercased()) {
      guard case .failure(let e) = outcome(word + " 1"),
        case .unknownCommand(let written, _, let suggestion) = e
      else {
        Issue.record("'\(word)' is no command in the table, yet it was not an unknown command")
        continue
      }
      #expect(written == word)
      if let suggestion {
        #expect(CommandTable.words.contains(suggestion), "'\(word)' suggests '\(suggestion)'")
      }
    }
    // Typos of table words suggest the word meant.
    for (typo, meant) in [
      ("hlep", "help"), ("summray", "summary"), ("exti", "exit"), ("qiut", "quit"),
      ("udno", "undo"), ("inptu", "input"),
    ] {
      guard case .failure(let e) = outcome(typo) else {
        Issue.record("'\(typo)' parsed")
        continue
      }
      #expect(e.kind == .unknownCommand, "\(typo): \(e)")
      #expect(e.hint == "did you mean '\(meant)'? ('help' lists the commands)", "\(typo)")
    }
  }

  @Test func helpOverviewListsEveryCommandOnce() throws {
    let overview = try Help.text(topic: nil, catalog: .standard, at: Span(0, 0))
    let lines = overview.split(separator: "\n").map(String.init)
    #expect(lines.first == "Commands:")
    // A command's line starts with two spaces; a long one goes on under itself, further in.
    let commandLines = lines.dropFirst().filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
    #expect(commandLines.count == Self.documented.count)
    for name in Self.documented {
      let starting = commandLines.filter {
        $0.dropFirst(2).split(separator: " ").first.map(String.init) == name
      }
      #expect(starting.count == 1, "'\(name)' is listed \(starting.count) times")
    }
    #expect(overview.contains("  quit | exit "))
  }

  @Test func helpOnEachCommandWord() throws {
    for info in CommandTable.all {
      for word in info.words {
        let full = try Help.text(topic: word, catalog: .standard, at: Span(0, 0))
        // A word that names a layer type too (`add`, Keras's Add) shows the layer after it.
        let layer = LayerCatalog.standard[word]
        let text = layer.map { full.components(before: "\n\nThe layer type \($0.name):\n") } ?? full
        #expect(layer == nil || text != full, "help \(word)")
        // The usage, then the text in lines of at most 100 columns, indented by two.
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == info.usage, "help \(word)")
        let body = lines.dropFirst().map { $0.dropFirst(2) }.joined(separator: " ")
        #expect(body == info.text, "help \(word)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  ") && $0.count <= 100 })
        #expect(text.hasPrefix(info.name), "help \(word)")
      }
    }
  }

  @Test func aliasesWork() throws {
    #expect(try CommandParser.parse("exit") == .quit)
    #expect(try CommandParser.parse("EXIT") == .quit)
    #expect(try CommandParser.parse("  exit  # bye") == .quit)
    let exitHelp = try Help.text(topic: "exit", catalog: .standard, at: Span(0, 0))
    #expect(exitHelp == (try Help.text(topic: "quit", catalog: .standard, at: Span(0, 0))))
    #expect(exitHelp.hasPrefix("quit | exit\n"))
    // Extra words after an alias are refused in the alias's name.
    guard case .failure(let e) = outcome("exit now"), case .extraTokens(_, let command) = e else {
      Issue.record("'exit now' was not refused for its extra word")
      return
    }
    #expect(command == "exit")
    #expect(CommandTable.info("exit")?.kind == .quit)
    #expect(CommandTable.info("EXIT") == nil, "the table's words are lowercase")
  }

  @Test func editingCommandsAreMarked() {
    for info in CommandTable.all {
      #expect(info.editsModel == !Self.notEditing.contains(info.name), "\(info.name)")
    }
  }

  @Test func responsesNameTheirCommands() throws {
    var interpreter = Interpreter()
    for (line, name) in [
      ("input (None,25)", "input"), ("add dense units=4", "add"), ("summary", "summary"),
      ("total", "total"), ("explain", "explain"), ("layers", "layers"), ("help", "help"),
      ("memory length=5", "memory"),
      ("flops length=5", "flops"),
      ("save m.pc", "save"), ("load m.pc", "load"), ("undo", "undo"), ("exit", "quit"),
    ] {
      let (_, response) = try #require(try interpreter.run(line: line), "\(line)")
      #expect(response.command == name, "\(line)")
    }
  }

  @Test func helpOnAnInformalNameSuggestsTheLayer() {
    for (name, layer) in [
      ("batchnorm", "batchnormalization"), ("bn", "batchnormalization"),
      ("layernorm", "layernormalization"), ("BatchNorm", "batchnormalization"),
    ] {
      guard let e = error(after: [], "help \(name)") else {
        Issue.record("'help \(name)' was answered")
        continue
      }
      #expect(e.kind == .unknownLayer, "help \(name): \(e)")
      #expect(e.message == "unknown layer type '\(name.lowercased())'", "help \(name)")
      #expect(
        e.hint == "did you mean '\(layer)'? ('layers' lists the layer types)", "help \(name)")
    }
    // Said as `add` says it.
    for name in LayerCatalog.informalNames.keys.sorted() {
      let help = error(after: [], "help \(name)")
      let add = error(after: ["input (None,25)"], "add \(name)")
      #expect(help?.hint != nil && help?.hint == add?.hint, "\(name)")
      #expect(help?.message == add?.message, "\(name)")
    }
  }
}

extension String {
  /// The text before the first `separator` (all of it when there is none).
  func components(before separator: String) -> String {
    guard let r = range(of: separator) else { return self }
    return String(self[..<r.lowerBound])
  }
}
