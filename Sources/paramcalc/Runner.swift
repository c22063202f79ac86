import CEditLineShim
import ParamCalcCore

/// Runs lines through the interpreter and shows what they did: the loop shared by script mode
/// and the interactive prompt.
struct Runner {
  let json: Bool
  let bail: Bool
  var out: Output
  var err: Output
  let outStyle: Style
  let errStyle: Style
  var interpreter = Interpreter()
  var jsonStream = JSONStream()
  var textRenderer: TextRenderer
  var failed = false
  var quit = false
  var outputFailureShown = false
  /// Lines in error that may have meant to change the model (the first 20, and how many): a
  /// summary after them says it is not the model the script describes.
  var refusedLines: [Int] = []
  var refusedCount = 0
  /// The address space this process may use (`ulimit -v`), and lines until the next look at
  /// what it uses: a model that outgrows it is stopped with a message, not by the allocator.
  let memoryLimit = Platform.addressSpaceLimit()
  var untilMemoryCheck = 1

  init(json: Bool, bail: Bool, out: Output, err: Output, outStyle: Style, errStyle: Style) {
    self.json = json
    self.bail = bail
    self.out = out
    self.err = err
    self.outStyle = outStyle
    self.errStyle = errStyle
    textRenderer = TextRenderer(style: outStyle)
  }

  /// Whether a person types the lines at the prompt (not a script): errors are then shown
  /// without FILE:LINE:COL, output fits the terminal, and `quiz` may ask for guesses.
  var atPrompt: Bool {
    get { interpreter.atTerminal }
    set { interpreter.atTerminal = newValue }
  }

  /// The prompt to show before the next line: `paramcalc> `, or with `prompt total` the layers
  /// and the running total, `paramcalc [3 · 8,064]> `.
  var promptText: String { interpreter.promptText }

  /// Reads a quiz guess at the prompt (libedit, the prompt's own reader); nil after Ctrl-C or
  /// at the end of input.
  var readGuess: (String) -> String? = Runner.readAtPrompt

  /// Runs one line typed at the prompt (the prompt is the one caller of this form); returns
  /// false when it failed. The output fits the terminal's width as it is now.
  @discardableResult
  mutating func line(_ text: String, number: Int, file: String) -> Bool {
    atPrompt = true
    let columns = TerminalSize.columns()
    if textRenderer.width != columns { textRenderer.width = columns }
    var copy = text
    return copy.withUTF8 { line($0, number: number, file: file) }
  }

  /// Runs one line given as bytes; a string of it is made only to show an error.
  mutating func line(_ bytes: UnsafeBufferPointer<UInt8>, number: Int, file: String) -> Bool {
    var command: String?
    do throws(ParamCalcError) {
      guard var response = try interpreter.run(bytes: bytes) else { return true }
      command = response.command
      // Quiz mode: a new layer's count is guessed before it is shown; the verdict follows it.
      var verdict: String?
      if interpreter.quizzes, let i = Runner.newLayer(response) { verdict = quiz(i) }
      switch response {
      case .save(_, let request):
        try Files.save(request.script, to: request.file, at: Span(0, bytes.count))
      case .export(_, _, let request):
        try Files.write(request.script, to: request.file, at: Span(0, bytes.count), by: "export")
      case .load(let path, let span):
        response = .edit(
          command: "load",
          try Files.load(path, into: &interpreter, at: span, memoryLimit: memoryLimit))
      case .importFile(let path, let span):
        response = try ModelFiles.importModel(path, into: &interpreter, at: span)
      case .importLayer(let path, let span, let request):
        response = try ModelFiles.importLayer(path, request, into: &interpreter, at: span)
      case .play(let path, let span):
        try play(path, at: span)
      case .compareFile(let path, let span):
        response = try Files.compare(path, with: interpreter, at: span, memoryLimit: memoryLimit)
      case .quit:
        quit = true
      default: break
      }
      // Long outputs (`summary`, `explain all` of a big model) are written as they are made;
      // the others (an edit's line, most of a long script) are rendered without that machinery.
      var failure: Int32 = 0
      switch response {
      case .summary, .chart, .summaryFlops, .explain:
        let fd = out.fd
        if json {
          jsonStream.render(
            response, line: number, session: interpreter.session, refusedLines: refusedLines,
            refusedCount: refusedCount, into: &out.buffer
          ) { Runner.drain(&$0, to: fd, failure: &failure) }
        } else {
          textRenderer.render(response, session: interpreter.session, into: &out.buffer) {
            Runner.drain(&$0, to: fd, failure: &failure)
          }
          if response.command == CommandKind.summary.name, refusedCount > 0 {
            out.buffer.append(
              text: TextRenderer.refusedFooter(refusedLines, count: refusedCount))
          }
        }
      default:
        if json {
          jsonStream.render(response, line: number, session: interpreter.session, into: &out.buffer)
        } else {
          textRenderer.render(response, session: interpreter.session, into: &out.buffer)
        }
      }
      if let verdict { show(verdict: verdict) }
      // Teaching mode: the layer the edit added or changed, explained as it lands.
      if interpreter.explainsEdits, let i = interpreter.lessonLayer(after: response) {
        if json {
          // Inside the edit's object: `..."non_trainable":0,"explanation":{...}}`.
          if out.buffer.count >= 2 { out.buffer.removeLast(2) }
          out.buffer.append(
            contentsOf: Array(
              (",\"explanation\":" + JSONRenderer.explain(i, interpreter.session) + "}\n").utf8))
        } else {
          out.buffer.append(contentsOf: Array(textRenderer.explain(i, interpreter.session).utf8))
        }
      }
      if failure != 0 { out.fail(failure) }
      out.flushIfFull()
      return true
    } catch {
      report(
        error, command: command, text: String(decoding: bytes, as: UTF8.self), number: number,
        file: file)
      return false
    }
  }

  /// Writes a full buffer of a long output; false (stop making it) once a write failed or
  /// Ctrl-C was pressed.
  static func drain(_ bytes: inout [UInt8], to fd: Int32, failure: inout Int32) -> Bool {
    if failure == 0 { failure = Output.write(bytes, to: fd) }
    bytes.removeAll(keepingCapacity: true)
    return failure == 0 && pc_interrupt_pending() == 0
  }

  /// Shows an error: on stderr, and with --json as an object on stdout too.
  mutating func report(
    _ error: ParamCalcError, command: String? = nil, text: String, number: Int, file: String
  ) {
    failed = true
    let name = command ?? firstWord(text)
    // A line that names no command, or one that edits the model, was meant as part of it; an
    // undo or redo with nothing to take back or do again leaves the model as the script has it.
    var nothingToDo = false
    if case .nothingTo = error { nothingToDo = true }
    if !nothingToDo, name.flatMap({ CommandTable.info($0)?.editsModel }) ?? true {
      refusedCount += 1
      if refusedLines.count < 20 { refusedLines.append(number) }
    }
    out.flush()
    // At the prompt the line was just typed: no FILE:LINE:COL, the caret says where.
    let location = atPrompt ? nil : DiagnosticRenderer.Location(file: file, line: number)
    err.write(
      DiagnosticRenderer.render(
        error, at: location, text: text, style: errStyle,
        width: atPrompt ? textRenderer.lineWidth : Format.lineWidth))
    err.flush()
    if json {
      out.line(
        JSONRenderer.error(
          error, command: name, line: number,
          column: DiagnosticRenderer.column(error, in: text)))
    }
  }

  /// The layer an edit added or inserted (quiz mode asks for its count).
  static func newLayer(_ response: Response) -> Int? {
    guard case .edit(_, let o) = response, o.kind == .added || o.kind == .inserted else {
      return nil
    }
    return o.index
  }

  /// Asks for a guess of layer `index`'s count, before it is shown; the verdict, or nil when
  /// no guess was given (an empty line, Ctrl-C).
  mutating func quiz(_ index: Int) -> String? {
    let l = interpreter.session.layers[index - 1]
    out.flush()
    let question = "  #\(index) \(l.typeName)  out \(l.output.description): how many parameters? "
    guard let answer = readGuess(question) else { return nil }
    let digits = answer.filter { !($0 == "," || $0 == "_" || $0 == " " || $0 == "\t") }
    if digits.isEmpty { return nil }
    guard let guess = Int(digits) else {
      return "'\(DiagnosticRenderer.escaped(answer))' is not a count; the answer is below"
    }
    return Quiz.judge(guess, layer: l).message
  }

  /// The quiz's verdict, under the layer's line (on stderr with --json: stdout is JSON only).
  mutating func show(verdict: String) {
    let wrapped = Format.wrap(
      verdict, lead: "  ", leadWidth: 2, hanging: 4, width: textRenderer.lineWidth)
    if json {
      err.write(wrapped)
      err.flush()
    } else {
      out.buffer.append(contentsOf: Array(wrapped.utf8))
    }
  }

  /// Reads one line at `prompt` with libedit, as the prompt does.
  static func readAtPrompt(_ prompt: String) -> String? {
    var interrupted: Int32 = 0
    guard let raw = pc_editline_read(prompt, &interrupted) else { return nil }
    defer { free(raw) }
    return String(cString: raw)
  }

  /// The command word of a line that did not parse, when it names one.
  func firstWord(_ text: String) -> String? {
    let word = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map { $0.lowercased() }
    return word.flatMap { CommandTable.info($0)?.name }
  }

  /// Script mode: every file in turn ('-' is standard input). Returns the exit status.
  mutating func scripts(_ files: [String]) -> Int32 {
    for file in Files.argumentBytes(files) {
      let isStdin = file.bytes == [UInt8(ascii: "-")]
      let name = isStdin ? "<stdin>" : file.description
      let fd: Int32
      if isStdin {
        fd = 0
      } else {
        do throws(ParamCalcError) {
          fd = try Files.open(forReading: file, at: Span(0, 0))
        } catch {
          err.line("paramcalc: error: \(DiagnosticRenderer.escaped(error.message))")
          err.flush()
          return 1
        }
      }
      var reader = LineReader(fd: fd)
      var number = 0
      while let ok = reader.nextBytes(
        { bytes in
          number += 1
          return line(bytes, number: number, file: name)
        },
        tooLong: { length in
          number += 1
          report(
            .lineTooLong(length: length, limit: LineReader.limit), text: "", number: number,
            file: name)
          return false
        })
      {
        if out.failure != 0 { return outputFailed() }
        untilMemoryCheck -= 1
        if untilMemoryCheck == 0 {
          untilMemoryCheck = 4096
          if outOfMemory(file: name, line: number) { return 1 }
        }
        if pc_take_interrupt() != 0 { return interrupted() }
        if quit { return failed ? 1 : 0 }
        if !ok && bail { return 1 }
      }
      if reader.interrupted { return interrupted() }
      if reader.failure != 0 {
        err.line(
          "paramcalc: error: \(DiagnosticRenderer.escaped(name)): cannot read: \(Files.reason(reader.failure))"
        )
        return 1
      }
      if fd != 0 { close(fd) }
    }
    return failed ? 1 : 0
  }

  /// The status once standard output cannot be written. A reader that went away (`| head`) is
  /// no error of paramcalc's: the status says whether a line failed before. Any other failure
  /// (a full disk) is reported.
  mutating func outputFailed() -> Int32 {
    if out.failure == EPIPE { return failed ? 1 : 0 }
    if out.failure == EINTR { return interrupted() }
    if !outputFailureShown {
      outputFailureShown = true
      err.line("paramcalc: error: cannot write to standard output: \(Files.reason(out.failure))")
      err.flush()
    }
    return 1
  }

  /// Whether the process is close to its address-space limit; if so, says so and where.
  mutating func outOfMemory(file: String, line: Int) -> Bool {
    guard let used = Platform.memoryNearlyExhausted(limit: memoryLimit) else { return false }
    let message =
      "memory nearly exhausted: \(Platform.memoryUse(used, of: memoryLimit)) (ulimit -v) are in "
      + "use, with "
      + "\(Format.thousands(interpreter.session.count)) layers in the model; stopped after this line"
    if json {
      var o = JSONObject()
      o.add("error", message)
      o.add("line", line)
      out.line(o.string)
    }
    out.flush()
    err.line("paramcalc: error: \(DiagnosticRenderer.escaped(file)):\(line): " + message)
    err.flush()
    return true
  }

  mutating func interrupted() -> Int32 {
    out.flush()
    err.line("paramcalc: interrupted")
    err.flush()
    return 130
  }
}
