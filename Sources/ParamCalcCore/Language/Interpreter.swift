/// What a command produced, for a renderer to show.
public enum Response: Sendable {
  case edit(command: String, EditOutcome)
  /// The summary, each model used as a layer expanded `depth` levels (0: one row each).
  case summary(depth: Int)
  /// `summary chart`: each layer's share of the parameters as a bar.
  case chart
  /// `summary flops`, `summary chart flops`: the summary or the chart with the compute.
  indirect case summaryFlops(FlopsReport, chart: Bool)
  case total
  /// The layers to explain (1-based); `all` when every layer was asked for.
  case explain([Int], all: Bool)
  case layers
  /// The memory estimate of the model (`memory`).
  indirect case memory(MemoryReport)
  /// The compute of the model (`flops`, `explain N flops`).
  indirect case flops(FlopsReport)
  /// The help text, and the layer type it is about when it is about one.
  case help(String, layer: LayerDescriptor? = nil)
  /// A setting of the session changed (`explain on`, `prompt total`, `quiz on`).
  case setting(Setting)
  /// The executable writes `request.script` to `request.file` (paramcalc's core does no I/O);
  /// `path` is the file's name as shown.
  case save(path: String, request: SaveRequest)
  /// The executable writes `request.script` (the export's text) to `request.file`, as `save`.
  case export(ExportFormat, path: String, request: SaveRequest)
  /// The executable reads `path` and calls `Interpreter.load`.
  case load(path: FileName, at: Span)
  /// The executable reads the Keras model file `path` and calls `Interpreter.importModel`.
  case importFile(path: FileName, at: Span)
  /// The executable reads the file `path` and calls `Interpreter.importLayer` with `request`
  /// (`as NAME`, `from A`).
  indirect case importLayer(path: FileName, at: Span, LayerRequest)
  /// A Keras model file imported: the edit, and the model's names from the file.
  case imported(EditOutcome, ImportedModel)
  /// The executable steps through the lesson in `path` at the prompt.
  case play(path: FileName, at: Span)
  case quit
  /// `try`, `snapshot`, `compare`: what a what-if shows (`WhatIf.swift`).
  indirect case whatIf(WhatIfReport)
  /// The executable reads the script `path` as `load` reads it and calls
  /// `Interpreter.compare(with:)`.
  case compareFile(path: FileName, at: Span)

  /// The name of the command that gave this response, as written in the language.
  public var command: String {
    switch self {
    case .edit(let name, _): return name
    case .summary, .chart, .summaryFlops: return CommandKind.summary.name
    case .total: return CommandKind.total.name
    case .explain: return CommandKind.explain.name
    case .layers: return CommandKind.layers.name
    case .memory: return CommandKind.memory.name
    case .flops: return CommandKind.flops.name
    case .help: return CommandKind.help.name
    case .setting(let setting): return setting.kind.name
    case .save: return CommandKind.save.name
    case .export: return CommandKind.export.name
    case .load: return CommandKind.load.name
    case .importFile, .imported, .importLayer: return CommandKind.importFile.name
    case .play: return CommandKind.play.name
    case .quit: return CommandKind.quit.name
    case .whatIf(let report): return report.command
    case .compareFile: return CommandKind.compare.name
    }
  }
}

/// What `save` asks the executable to write: the script, and the file named.
public struct SaveRequest: Sendable {
  public var file: FileName
  public var script: String
  public init(file: FileName, script: String) {
    self.file = file
    self.script = script
  }
}

/// Runs commands on a session. Pure: file reading and writing are left to the caller.
public struct Interpreter: Sendable {
  public var session: Session
  /// What the shortcut of `run(bytes:)` remembers (see `Speed/Shortcut.swift`).
  var shortcuts = Shortcuts()
  /// Teaching mode (`explain on`): each added or changed layer is explained as it lands.
  public var explainsEdits = false
  /// What the prompt shows (`prompt total|plain`).
  public var promptStyle = PromptStyle.plain
  /// Quiz mode (`quiz on`): the prompt asks for a guess before a new layer's count is shown.
  public var quizzes = false
  /// Whether a person types the lines at a terminal (the prompt), not a script: `quiz` needs one.
  public var atTerminal = false
  /// The snapshots and the last tried edit (`try`, `keep`, `snapshot`, `compare`).
  public internal(set) var whatIf = WhatIf()

  public init(session: Session = Session()) { self.session = session }

  /// Parses and runs one line. Blank and comment lines give `nil`.
  public mutating func run(line: String) throws(ParamCalcError) -> (Command, Response)? {
    guard let command = try CommandParser.parse(line) else { return nil }
    return (command, try execute(command, lineLength: line.utf8.count))
  }

  /// Parses and runs one line given as bytes. Blank and comment lines give `nil`.
  ///
  /// The frequent line forms take a shortcut (`Speed/Shortcut.swift`) that skips the parser and
  /// reuses what an identical text built before, and runs any other line as `parse` does; the
  /// result is the same as parsing the line.
  public mutating func run(bytes b: UnsafeBufferPointer<UInt8>) throws(ParamCalcError) -> Response?
  {
    try shortcut(b)
  }

  /// Parses and runs one line given as bytes, the plain way; `built` receives the layer an `add`
  /// or `insert` built. Blank and comment lines give `nil`.
  mutating func parse(bytes b: UnsafeBufferPointer<UInt8>, built: inout BuiltLayer?)
    throws(ParamCalcError) -> (Command, Response)?
  {
    guard let command = try CommandParser.parse(bytes: b) else { return nil }
    return (command, try execute(command, lineLength: b.count, built: &built))
  }

  public mutating func execute(_ command: Command, lineLength: Int) throws(ParamCalcError)
    -> Response
  {
    var built: BuiltLayer?
    return try execute(command, lineLength: lineLength, built: &built)
  }

  /// Runs a parsed command; `built` receives the layer an `add` or `insert` built.
  mutating func execute(_ command: Command, lineLength: Int, built: inout BuiltLayer?)
    throws(ParamCalcError) -> Response
  {
    let whole = Span(0, lineLength)
    let end = Span(lineLength, lineLength + 1)
    switch command {
    case .input(let shape, _):
      return .edit(command: "input", try session.setInput(shape, at: whole))
    case .add(let request):
      if let sources = request.sources { try session.checkReads(sources) }
      let layer = try session.build(request, end: end)
      built = layer
      return .edit(command: "add", try session.add(layer, at: request.typeSpan))
    case .namedInput(let request):
      // A name the model has as an input already: its shape changes (later layers re-inferred).
      if let name = request.name, let i = session.names[name],
        session.layers[i].model is InputLayerModel
      {
        return .edit(
          command: "input",
          try session.set(
            i + 1, arguments: request.arguments, indexSpan: request.typeSpan, span: whole))
      }
      let layer = try session.build(request, end: end)
      return .edit(command: "input", try session.add(layer, at: request.typeSpan))
    case .insert(let index, let indexSpan, let request):
      guard index >= 1 && index <= session.count + 1 else {
        throw .indexOutOfRange(
          index, count: session.count, at: indexSpan, allowsOnePast: true)
      }
      let layer = try session.build(request, end: end)
      built = layer
      return .edit(
        command: "insert",
        try session.insert(layer, at: index, span: request.typeSpan, indexSpan: indexSpan))
    case .reuse(let index, let indexSpan, let request):
      if let sources = request.sources { try session.checkReads(sources) }
      return .edit(command: "reuse", try session.reuse(index, request, indexSpan: indexSpan))
    case .output(let refs, let span):
      return .edit(command: "output", try session.setOutputs(refs, at: span))
    case .remove(let index, let span):
      return .edit(command: "remove", try session.remove(at: index, span: span))
    case .set(let index, let span, let arguments):
      return .edit(
        command: "set", try session.set(index, arguments: arguments, indexSpan: span, span: whole))
    case .undo:
      return .edit(command: "undo", try session.undo(at: whole))
    case .redo:
      return .edit(command: "redo", try session.redo(at: whole))
    case .clear:
      return .edit(command: "clear", try session.clear(at: whole))
    case .summary(let depth): return .summary(depth: depth)
    case .chart: return .chart
    case .summaryFlops(let options, let chart):
      guard session.count > 0 else {
        throw .nothingTo("count: the model has no layers", at: whole)
      }
      let command = chart ? "summary chart flops" : "summary flops"
      return .summaryFlops(
        try FlopsReport(session, options, command: command, at: whole), chart: chart)
    case .total: return .total
    case .explain(let target):
      switch target {
      case .all:
        return .explain(Array(1..<(session.count + 1)), all: true)
      case .last:
        guard session.count > 0 else {
          throw .nothingTo("explain: the model has no layers", at: whole)
        }
        return .explain([session.count], all: false)
      case .layer(let i, let span):
        guard i >= 1 && i <= session.count else {
          throw .indexOutOfRange(i, count: session.count, at: span, allowsOnePast: false)
        }
        return .explain([i], all: false)
      }
    case .layers: return .layers
    case .memory(let options):
      guard session.count > 0 else {
        throw .nothingTo("estimate: the model has no layers", at: whole)
      }
      return .memory(try MemoryReport(session, options, at: whole))
    case .flops(let options):
      guard session.count > 0 else {
        throw .nothingTo("count: the model has no layers", at: whole)
      }
      if let n = options.layer, n < 1 || n > session.count {
        throw .indexOutOfRange(
          n, count: session.count, at: options.layerSpan ?? whole, allowsOnePast: false)
      }
      return .flops(try FlopsReport(session, options, at: whole))
    case .help(let topic, let span):
      let text = try Help.text(topic: topic, catalog: session.catalog, at: span)
      let layer = topic.flatMap { session.catalog[$0] }
      return .help(text, layer: layer)
    case .setting(let setting, let span):
      switch setting {
      case .explainEdits(let on): explainsEdits = on
      case .prompt(let style): promptStyle = style
      case .quiz(let on):
        guard atTerminal else { throw .needsTerminal("quiz", at: span) }
        quizzes = on
      }
      return .setting(setting)
    case .save(let path, _):
      return .save(path: path.description, request: SaveRequest(file: path, script: script))
    case .export(let format, let path, _):
      guard session.count > 0 else {
        throw .nothingTo("export: the model has no layers", at: whole)
      }
      let text = try ExportRenderer.text(format, session, at: whole)
      return .export(format, path: path.description, request: SaveRequest(file: path, script: text))
    case .load(let path, let span):
      return .load(path: path, at: span)
    case .importFile(let path, let span):
      return .importFile(path: path, at: span)
    case .importLayer(let path, let span, let request):
      return .importLayer(path: path, at: span, request)
    case .play(let path, let span):
      guard atTerminal else { throw .needsTerminal("play", at: span) }
      return .play(path: path, at: span)
    case .quit: return .quit
    case .tryEdit(let edit):
      return .whatIf(try tryEdit(edit, lineLength: lineLength))
    case .keep:
      return try keep(at: whole)
    case .snapshot(let name, _):
      return .whatIf(snapshot(name))
    case .compare(let target, let quoted, let span):
      return try compare(target, quoted: quoted, at: span)
    }
  }

  /// The prompt: `paramcalc> `, or with `prompt total` the layers and the running total,
  /// `paramcalc [3 · 8,064]> `.
  public var promptText: String {
    switch promptStyle {
    case .plain: return "paramcalc> "
    case .total:
      return "paramcalc [\(Format.thousands(session.count)) · \(Format.thousands(session.total))]> "
    }
  }

  /// The layer teaching mode explains after a response: with `explain on`, the layer an edit
  /// added, inserted or changed (an undo or redo that brings one back included); nil otherwise.
  public func lessonLayer(after response: Response) -> Int? {
    guard explainsEdits, case .edit(_, let outcome) = response else { return nil }
    switch outcome.kind {
    case .added, .inserted, .changed: return outcome.index
    default: return nil
    }
  }

  /// A script that rebuilds the model exactly: its input and one `add` per layer.
  public var script: String {
    var out =
      "# paramcalc model: \(session.count) layer\(session.count == 1 ? "" : "s"), \(Format.thousands(session.total)) params\n"
    if let input = session.input { out += "input " + Format.scriptDims(input) + "\n" }
    for (i, l) in session.layers.enumerated() {
      out += l.spec.script
      // A layer that returns its states is read in a graph only: one that reads the layer
      // before it says so, so that its line makes the model a graph when the script is loaded.
      if session.isGraph, l.piece.returnsStates, l.spec.sources == nil {
        out += " from " + (i == 0 ? Session.inputName : "#\(i)")
      }
      out += "\n"
    }
    if let outputs = session.outputs { out += "output " + Outputs.script(outputs) + "\n" }
    return out
  }

  /// Runs the lines of a loaded file on a fresh model and, if every line succeeds, replaces the
  /// model with it as one undoable step. The first failing line aborts the load with its position.
  public mutating func load<S: Sequence>(lines: S, path: String, at span: Span)
    throws(ParamCalcError) -> EditOutcome
  where S.Element == String {
    var loader = beginLoad(path: path)
    for line in lines {
      if try !loader.feed(line) { break }
    }
    return try finishLoad(loader, at: span)
  }

  /// Starts loading a file line by line (a file of any size: nothing but the model is kept).
  public func beginLoad(path: String) -> Loader {
    Loader(fresh: Interpreter(session: Session(catalog: session.catalog)), path: path)
  }

  /// Replaces the model with the loaded one, as one undoable step.
  public mutating func finishLoad(_ loader: Loader, at span: Span) throws(ParamCalcError)
    -> EditOutcome
  {
    try session.replace(with: loader.fresh.session, at: span)
  }
}

/// A file being loaded: its lines run on a model of their own until the whole file has.
public struct Loader: Sendable {
  var fresh: Interpreter
  let path: String
  var number = 0

  /// Runs the next line of the file; false after `quit` (the rest of the file is not read).
  public mutating func feed(_ line: String) throws(ParamCalcError) -> Bool {
    number += 1
    do throws(ParamCalcError) {
      guard let command = try CommandParser.parse(line) else { return true }
      switch command {
      case .input, .namedInput, .add, .reuse, .output, .insert, .remove, .set, .undo, .redo,
        .clear, .tryEdit, .keep:
        _ = try fresh.execute(command, lineLength: line.utf8.count)
      case .save, .export, .load, .play, .importFile, .importLayer:
        throw ParamCalcError.syntax(
          "'\(command.name)' cannot be used inside a loaded file", at: Span(0, line.utf8.count))
      case .quit:
        return false
      default:
        break
      }
      return true
    } catch {
      throw .inLoadedFile(path: path, line: number, text: line, underlying: error)
    }
  }

  /// Reports a line that is not text (NUL bytes, invalid UTF-8) as the error at that line.
  public mutating func refuse(_ why: String, at span: Span) -> ParamCalcError {
    number += 1
    return .file(path: path, reason: "line \(number) \(why): not a paramcalc script", at: span)
  }
}
