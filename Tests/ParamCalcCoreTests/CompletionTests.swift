import ParamCalcCore
import Testing

/// Tab's candidates come from the declarations: the command table, the catalog, each type's
/// arguments and their declared values.
@Suite("Completion")
struct CompletionTests {
  func complete(_ before: String, _ word: String, session: Session? = nil) -> [String] {
    Completion.candidates(before: before, word: word, catalog: .standard, session: session)
  }

  @Test func commandWordsFirst() {
    #expect(complete("", "ex") == ["explain", "export", "exit"])
    #expect(complete("", "") == CommandTable.words)
  }

  @Test func layerTypesAfterAddAndInsert() {
    #expect(complete("add ", "conv1") == ["conv1d", "conv1dtranspose"])
    #expect(complete("insert 2 ", "lst") == ["lstm"])
    #expect(complete("insert ", "lst") == [])
    // A wrapper takes the types it wraps.
    #expect(
      complete("add bidirectional ", "")
        == ["simplernn", "lstm", "gru", "convlstm1d", "convlstm2d", "convlstm3d", "rnn"])
  }

  @Test func tensorsAfterFrom() throws {
    var i = Interpreter()
    for line in [
      "input (4,8)", "input meta (3,)", "add dense units=8 from input as a", "add relu",
      "add dense units=8 from input as alpha",
    ] {
      _ = try i.run(line: line)
    }
    let s = i.session
    // The model's input, then the names given with `as`, in layer order.
    #expect(complete("add add from ", "", session: s) == ["input", "meta", "a", "alpha"])
    #expect(complete("add add from ", "a", session: s) == ["a", "alpha"])
    // After a comma, the last name of the list (the word keeps what is before it).
    #expect(complete("add add from ", "a,me", session: s) == ["a,meta"])
    #expect(complete("add add from a, ", "al", session: s) == ["alpha"])
    #expect(complete("reuse 3 from ", "m", session: s) == ["meta"])
    // `reuse` takes a layer number (the named input is layer 1; `input (4,8)` is no layer).
    #expect(complete("reuse ", "", session: s) == ["1", "2", "3", "4"])
  }

  @Test func statesAndOutputs() throws {
    var i = Interpreter()
    for line in [
      "input (10,8)", "add lstm units=4 return_state=true as enc",
      "add gru units=4 from input as g",
    ] {
      _ = try i.run(line: line)
    }
    let s = i.session
    // A layer that returns its states offers them after its name; one that does not, none.
    #expect(
      complete("add lstm units=4 from input,", "enc", session: s) == [
        "input,enc", "input,enc.h", "input,enc.c",
      ])
    #expect(complete("add dense units=2 from ", "g", session: s) == ["g"])
    // `output` takes the same tensors, after it and after a comma.
    #expect(complete("output ", "e", session: s) == ["enc", "enc.h", "enc.c"])
    #expect(complete("output g, ", "enc.", session: s) == ["enc.h", "enc.c"])
  }

  @Test func argumentsOfTheType() {
    #expect(complete("add dense ", "u") == ["units=", "use_bias="])
    // Given already: not offered again.
    #expect(complete("add dense units=4 ", "u") == ["use_bias="])
    #expect(complete("add conv2d ", "pad") == ["padding="])
    // A wrapper's arguments and its inner layer's.
    #expect(complete("add bidirectional lstm ", "merge") == ["merge_mode="])
    #expect(complete("add bidirectional lstm ", "uni") == ["units=", "unit_forget_bias="])
    #expect(complete("add dense ", "tr") == ["trainable="])
    // Wrappers around wrappers: the types the inner one takes, then the arguments of all three.
    #expect(complete("add timedistributed bidirectional ", "l") == ["lstm"])
    #expect(complete("add timedistributed bidirectional gru ", "merge") == ["merge_mode="])
    #expect(complete("add timedistributed bidirectional gru ", "reset") == ["reset_after="])
  }

  @Test func declaredValues() {
    #expect(complete("add conv2d ", "padding=") == ["padding=valid", "padding=same"])
    #expect(complete("add conv1d ", "padding=c") == ["padding=causal"])
    // Words break at blanks only: `=` is part of the word.
    #expect(complete("add conv1d padding=", "c") == ["padding=causal"])
    #expect(complete("add dense ", "use_bias=") == ["use_bias=true", "use_bias=false"])
    #expect(complete("add dense ", "activation=rel").contains("activation=relu"))
    #expect(complete("add dense ", "units=") == [])
  }

  @Test func setOffersTheLayersArguments() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (10,8)")
    _ = try i.run(line: "add gru units=4")
    #expect(complete("set 1 ", "reset", session: i.session) == ["reset_after="])
    #expect(complete("set 1 ", "input_sh", session: i.session) == [])
    #expect(complete("set 2 ", "u", session: i.session) == [])
  }

  @Test func helpAndExplain() {
    #expect(complete("help ", "bat") == ["batchnormalization"])
    #expect(complete("explain ", "") == ["all", "on", "off"])
  }

  func session(_ lines: String...) throws -> Session {
    var i = Interpreter()
    for l in lines { _ = try i.run(line: l) }
    return i.session
  }

  func answer(
    _ line: String, _ session: Session? = nil, snapshots: [String] = [],
    files: Completion.Lister? = nil
  ) -> Completion.Answer {
    Completion.complete(
      line: line, catalog: .standard, session: session, snapshots: snapshots, files: files)
  }

  /// Prefixes are case-insensitive; aliases are words of their own (`exit` for `quit`).
  @Test func caseInsensitiveWithAliases() {
    #expect(answer("EXPL").shown.map(\.text) == ["explain"])
    #expect(answer("EXPL").insertion == "explain ")
    #expect(answer("Ex").shown.map(\.text) == ["explain", "export", "exit"])
    #expect(answer("EXI").insertion == "exit ")
    #expect(answer("PRO").insertion == "prompt ")
    #expect(answer("ADD CONV1").shown.map(\.text) == ["conv1d", "conv1dtranspose"])
    #expect(answer("add Dense US").insertion == "use_bias=")
    #expect(answer("add conv2d PADDING=S").insertion == "padding=same ")
  }

  /// One match is inserted whole (a space after it, not after `=`); several fill in what they
  /// share and are listed.
  @Test func oneMatchOrTheCommonPrefix() {
    let one = answer("add separableconv1")
    #expect(one.count == 1 && one.insertion == "separableconv1d ")
    #expect(one.start == 4 && one.word == "separableconv1")
    #expect(answer("add dense un").insertion == "units=")
    let several = answer("add conv")
    #expect(several.count > 2 && several.common == "conv")
    #expect(several.insertion == nil)
    let shared = answer("add globalmax")
    #expect(shared.common == "globalmaxpooling")
    #expect(shared.insertion == "globalmaxpooling")
    #expect(answer("add xyz").count == 0 && answer("add xyz").insertion == nil)
    // The cursor mid-line: the word is what is before it.
    let mid = Completion.complete(line: "add dense un use_bias=true", point: 12, catalog: .standard)
    #expect(mid.word == "un" && mid.insertion == "units=")
  }

  /// After explain, remove, set and insert: layer numbers, shown with their types.
  @Test func layerNumbersWithTheirTypes() throws {
    let s = try session(
      "input (10,8)", "add dense units=4", "add lstm units=3", "add dense units=1")
    let e = answer("explain ", s)
    #expect(e.shown.map(\.text) == ["all", "on", "off", "1", "2", "3"])
    #expect(e.shown.map(\.display) == ["all", "on", "off", "1 Dense", "2 LSTM", "3 Dense"])
    #expect(answer("remove ", s).shown.map(\.display) == ["1 Dense", "2 LSTM", "3 Dense"])
    #expect(answer("set 2", s).insertion == "2 ")
    #expect(answer("set 4", s).count == 0)
    #expect(answer("set 0", s).count == 0)
    #expect(answer("explain a", s).insertion == "all ")
    // insert: one past the last too.
    #expect(
      answer("insert ", s).shown.map(\.display) == ["1 Dense", "2 LSTM", "3 Dense", "4 (end)"])
    #expect(answer("insert 4", s).insertion == "4 ")
    // Without layers, nothing but `all`.
    #expect(answer("remove ").count == 0)
  }

  /// Numbers are counted and listed by arithmetic: a 100,000-layer model lists the first ones
  /// and says how many match in all.
  @Test func manyLayers() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (8,)")
    for _ in 0..<12_345 { _ = try i.run(line: "add dense units=8") }
    let all = answer("remove ", i.session)
    #expect(all.count == 12_345 && all.shown.count == 100 && all.common == "")
    #expect(all.shown.first?.display == "1 Dense" && all.shown.last?.text == "100")
    let twelve = answer("remove 12", i.session)
    // 12, 120-129, 1200-1299, 12000-12345.
    #expect(twelve.count == 1 + 10 + 100 + 346)
    #expect(twelve.common == "12" && twelve.insertion == nil)
    #expect(twelve.shown.prefix(3).map(\.text) == ["12", "120", "121"])
    #expect(answer("remove 12346", i.session).count == 0)
    #expect(answer("remove 1234", i.session).count == 1 + 6)  // 1234, 12340-12345
    let listing = Completion.listing(all, width: 80)
    #expect(listing.hasSuffix("… and 12245 more: type more of the word to narrow them\n"))
  }

  /// After `set N `: layer N's arguments, each listed with its value now (given, or default).
  @Test func setListsCurrentValues() throws {
    let s = try session(
      "input (10,8)", "add conv1d filters=4 kernel=3 padding=same trainable=false")
    let a = answer("set 1 ", s)
    let shown = Dictionary(uniqueKeysWithValues: a.shown.map { ($0.text, $0.display) })
    #expect(shown["filters="] == "filters=4")
    #expect(shown["kernel_size="] == "kernel_size=(3)" || shown["kernel_size="] == "kernel_size=3")
    #expect(shown["padding="] == "padding=same")
    #expect(shown["strides="] == "strides=1" || shown["strides="] == "strides=(1)")
    #expect(shown["use_bias="] == "use_bias=true")
    #expect(shown["trainable="] == "trainable=false")
    #expect(shown["input_shape="] == nil)
    // Inserted as the name and `=`.
    #expect(answer("set 1 fil", s).insertion == "filters=")
    #expect(answer("set 1 padding=v", s).insertion == "padding=valid ")
  }

  /// After save and load: file names from the lister, directories with `/` and no space; the
  /// word is the rest of the line (a name may hold spaces); hidden names only when asked.
  @Test func fileNames() {
    var asked: [String] = []
    let files: Completion.Lister = { dir in
      asked.append(dir)
      switch dir {
      case "":
        return [
          .init("models", isDirectory: true), .init("my model.pc", isDirectory: false),
          .init("mnist.pc", isDirectory: false), .init(".hidden.pc", isDirectory: false),
        ]
      case "models/": return [.init("lenet.pc", isDirectory: false)]
      default: return []
      }
    }
    let m = answer("load m", files: files)
    #expect(m.shown.map(\.text) == ["mnist.pc", "models/", "my model.pc"])
    #expect(m.insertion == nil && m.start == 5)
    #expect(answer("save mo", files: files).insertion == "models/")
    #expect(answer("LOAD models/", files: files).insertion == "models/lenet.pc ")
    #expect(answer("load models/", files: files).shown.first?.display == "lenet.pc")
    #expect(answer("load my m", files: files).insertion == "my model.pc ")
    #expect(answer("load ", files: files).count == 3)
    #expect(answer("load .", files: files).shown.map(\.text) == [".hidden.pc"])
    // Case matters in file names.
    #expect(answer("load M", files: files).count == 0)
    #expect(asked.contains("models/"))
    // Without a lister, nothing.
    #expect(answer("load m").count == 0)
  }

  /// The list: columns filled down then across, within the width.
  @Test func listingLayout() {
    let a = Completion.Answer(
      start: 0, word: "", shown: ["a", "bb", "ccc", "d", "e"].map { Completion.Entry($0) },
      count: 5, common: "")
    #expect(Completion.listing(a, width: 10) == "a    d\nbb   e\nccc\n")
    #expect(Completion.listing(a, width: 80) == "a    bb   ccc  d    e\n")
    #expect(Completion.listing(a, width: 1) == "a\nbb\nccc\nd\ne\n")
  }

  /// The operands of the teaching commands.
  @Test func teachingOperands() {
    #expect(answer("quiz of").insertion == "off ")
    #expect(Completion.candidates(before: "prompt ", word: "t", catalog: .standard) == ["total"])
    #expect(Completion.candidates(before: "quiz ", word: "of", catalog: .standard) == ["off"])
    #expect(
      Completion.candidates(before: "explain ", word: "o", catalog: .standard) == ["on", "off"])
  }

  /// `flops` and `explain N flops`: the option names, each once.
  @Test func flopsOptions() {
    let all = complete("flops ", "")
    #expect(Set(["batch=", "length="]).isSubset(of: all))
    #expect(all.allSatisfy { $0.hasSuffix("=") })
    #expect(complete("flops ", "b") == ["batch="])
    #expect(complete("flops ", "le") == ["length="])
    #expect(complete("flops ", "tr") == ["training="])
    #expect(complete("flops ", "training=") == ["training=true", "training=false"])
    // Given already: not offered again.
    #expect(complete("flops batch=8 ", "b") == [])
    #expect(answer("FLOPS LEN").insertion == "length=")
    // `explain N flops`, then its options.
    #expect(complete("explain 2 ", "") == ["flops"])
    #expect(answer("explain 12 fl").insertion == "flops ")
    #expect(complete("explain all ", "") == [])
    #expect(complete("explain 2 flops ", "ba") == ["batch="])
    #expect(complete("explain 2 flops batch=4 ", "ba") == [])
  }

  /// `memory`: its options, and the values of those that take a word.
  @Test func memoryOptionsAndValues() {
    #expect(complete("memory ", "") == ["dtype=", "batch=", "optimizer=", "mixed=", "length="])
    #expect(complete("memory dtype=int8 ", "") == ["batch=", "optimizer=", "mixed=", "length="])
    #expect(
      complete("memory ", "dtype=")
        == ["dtype=float32", "dtype=bfloat16", "dtype=float16", "dtype=int8"])
    #expect(complete("memory ", "dtype=f") == ["dtype=float32", "dtype=float16"])
    #expect(
      complete("memory batch=32 ", "optimizer=")
        == ["optimizer=sgd", "optimizer=momentum", "optimizer=rmsprop", "optimizer=adam"])
    #expect(complete("memory ", "mixed=") == ["mixed=true", "mixed=false"])
    #expect(complete("memory ", "batch=") == [])
    #expect(answer("memory OPT").insertion == "optimizer=")
    #expect(answer("memory optimizer=RM").insertion == "optimizer=rmsprop ")
  }

  /// `summary`: the words its usage names; nothing after one.
  /// A layer written `#N` (as layers are labelled) completes as its number does.
  @Test func layerNumberWrittenWithASign() {
    #expect(complete("explain #2 ", "f") == complete("explain 2 ", "f"))
    #expect(complete("explain #2 ", "f") == ["flops"])
    #expect(complete("explain #2 flops ", "ba") == ["batch="])
    var interpreter = Interpreter()
    _ = try? interpreter.run(line: "input (4,)")
    _ = try? interpreter.run(line: "add dense units=3")
    let s = interpreter.session
    #expect(complete("set #1 ", "un", session: s) == ["units="])
    #expect(complete("set #1 ", "un", session: s) == complete("set 1 ", "un", session: s))
  }

  @Test func summaryWords() {
    #expect(Set(["depth=", "chart"]).isSubset(of: complete("summary ", "")))
    #expect(complete("summary ", "c") == ["chart"])
    #expect(answer("summary de").insertion == "depth=")
    #expect(complete("summary ", "f") == ["flops"])
    #expect(complete("summary chart ", "") == ["flops"])
    #expect(complete("summary flops ", "") == ["chart", "length="])
    #expect(complete("summary chart flops ", "") == ["length="])
    #expect(complete("summary flops length=4 ", "") == ["chart"])
    #expect(complete("summary depth=1 ", "") == [])
  }

  /// `export`: the formats, then a file name (the rest of the line).
  @Test func exportFormatsThenFileName() {
    let files: Completion.Lister = { dir in
      dir == ""
        ? [
          .init("model.svg", isDirectory: false), .init("my net.svg", isDirectory: false),
          .init("models", isDirectory: true), .init("notes.md", isDirectory: false),
        ] : []
    }
    #expect(complete("export ", "") == ["markdown", "csv", "dot", "svg", "keras"])
    #expect(complete("export ", "k") == ["keras"])
    #expect(answer("EXPORT SV").insertion == "svg ")
    let m = answer("export svg m", files: files)
    #expect(m.shown.map(\.text) == ["model.svg", "models/", "my net.svg"])
    #expect(m.start == 11 && m.word == "m" && m.common == "m")
    #expect(answer("export svg mode", files: files).insertion == "model")
    #expect(answer("export svg my n", files: files).insertion == "my net.svg ")
    #expect(answer("Export Markdown  n", files: files).insertion == "notes.md ")
    // Not a format: no file name goes there.
    #expect(answer("export pdf m", files: files).count == 0)
  }

  /// `compare`: the session's snapshots (as written: case matters), then file names;
  /// `snapshot`: the names kept already (a name given again replaces its snapshot).
  @Test func snapshotNamesAndFiles() throws {
    let files: Completion.Lister = { dir in
      dir == ""
        ? [.init("base.pc", isDirectory: false), .init("big", isDirectory: false)] : []
    }
    let kept = ["Base", "before", "big"]
    #expect(
      answer("compare b", snapshots: kept, files: files).shown.map(\.text) == [
        "before", "big", "base.pc",
      ])
    #expect(answer("compare B", snapshots: kept, files: files).insertion == "Base ")
    // A file named as a snapshot is listed once: `compare big` reads the snapshot.
    #expect(answer("compare ", snapshots: kept, files: files).count == 4)
    #expect(answer("compare bef", snapshots: kept).insertion == "before ")
    #expect(answer("snapshot b", snapshots: kept).shown.map(\.text) == ["before", "big"])
    #expect(answer("snapshot before ", snapshots: kept).count == 0)
    // The names an interpreter keeps, sorted.
    var i = Interpreter()
    for line in ["input (4,)", "add dense units=2", "snapshot wide", "snapshot narrow"] {
      _ = try i.run(line: line)
    }
    #expect(i.whatIf.names == ["narrow", "wide"])
  }

  /// `try`: the edits it takes and the layer numbers, then the edit as its own command.
  @Test func tryCompletesItsEdit() throws {
    let s = try session(
      "input (10,8)", "add dense units=4", "add lstm units=3", "add dense units=1")
    #expect(
      answer("try ", s).shown.map(\.text) == ["add", "insert", "remove", "set", "1", "2", "3"])
    #expect(answer("try in", s).insertion == "insert ")
    // `try N key=value` is `set N key=value`.
    #expect(complete("try 1 ", "u", session: s) == ["units=", "use_bias="])
    #expect(complete("try 1 units=8 ", "u", session: s) == ["use_bias="])
    #expect(complete("try set 3 ", "u", session: s) == ["units=", "use_bias="])
    #expect(complete("try insert 2 ", "lst", session: s) == ["lstm"])
    #expect(complete("try add dense ", "un", session: s) == ["units="])
    #expect(complete("try remove ", "", session: s) == ["1", "2", "3"])
    #expect(complete("try insert ", "", session: s) == ["1", "2", "3", "4"])
    #expect(complete("try add conv1d ", "padding=c", session: s) == ["padding=causal"])
    // `keep` takes nothing.
    #expect(complete("keep ", "", session: s) == [])
  }

  /// `import` and `play` take a file name too.
  @Test func importAndPlayFileNames() {
    let files: Completion.Lister = { _ in [.init("net.json", isDirectory: false)] }
    #expect(answer("import n", files: files).insertion == "net.json ")
    #expect(answer("play n", files: files).insertion == "net.json ")
  }
}
