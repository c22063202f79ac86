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

  init(json: Bool, bail: Bool, out: Output, err: Output, outStyle: Style, errStyle: Style) {
    self.json = json
    self.bail = bail
    self.out = out
    self.err = err
    self.outStyle = outStyle
    self.errStyle = errStyle
    textRenderer = TextRenderer(style: outStyle)
  }

  /// Runs one line; returns false when it failed.
  @discardableResult
  mutating func line(_ text: String, number: Int, file: String) -> Bool {
    var copy = text
    return copy.withUTF8 { line($0, number: number, file: file) }
  }

  /// Runs one line given as bytes; a string of it is made only to show an error.
  mutating func line(_ bytes: UnsafeBufferPointer<UInt8>, number: Int, file: String) -> Bool {
    var command: String?
    do throws(ParamCalcError) {
      guard var response = try interpreter.run(bytes: bytes) else { return true }
      command = response.command
      switch response {
      case .save(_, let request):
        try Files.save(request.script, to: request.file, at: Span(0, bytes.count))
      case .load(let path, let span):
        response = .edit(command: "load", try Files.load(path, into: &interpreter, at: span))
      case .quit:
        quit = true
      default: break
      }
      if json {
        jsonStream.render(response, line: number, session: interpreter.session, into: &out.buffer)
        out.flushIfFull()
      } else {
        textRenderer.render(response, session: interpreter.session, into: &out.buffer)
        out.flushIfFull()
      }
      return true
    } catch {
      let text = String(decoding: bytes, as: UTF8.self)
      failed = true
      out.flush()
      err.write(
        DiagnosticRenderer.render(error, file: file, line: number, text: text, style: errStyle))
      err.flush()
      if json {
        let name = command ?? firstWord(text)
        out.line(
          JSONRenderer.error(
            error, command: name, line: number, column: DiagnosticRenderer.column(error, in: text)))
      }
      return false
    }
  }

  /// The command word of a line that did not parse, when it names one.
  func firstWord(_ text: String) -> String? {
    let word = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map { $0.lowercased() }
    guard let word, CommandParser.commands.contains(word) else { return nil }
    return word == "exit" ? "quit" : word
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
          err.line("paramcalc: error: \(error.message)")
          err.flush()
          return 1
        }
      }
      var reader = LineReader(fd: fd)
      var number = 0
      while let ok = reader.nextBytes({ bytes in
        number += 1
        return line(bytes, number: number, file: name)
      }) {
        if pc_take_interrupt() != 0 { return interrupted() }
        if quit { return failed ? 1 : 0 }
        if !ok && bail { return 1 }
      }
      if reader.interrupted { return interrupted() }
      if reader.failure != 0 {
        err.line("paramcalc: error: \(name): cannot read: \(Files.reason(reader.failure))")
        return 1
      }
      if fd != 0 { close(fd) }
    }
    return failed ? 1 : 0
  }

  mutating func interrupted() -> Int32 {
    out.flush()
    err.line("paramcalc: interrupted")
    err.flush()
    return 130
  }
}
