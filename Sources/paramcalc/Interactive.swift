import CEditLineShim
import ParamCalcCore

/// The model Tab completes against (`set N` offers layer N's arguments), as of the last prompt.
nonisolated(unsafe) private var completionSession = Session()
/// The snapshot names Tab offers after `compare` and `snapshot`, as of the last prompt.
nonisolated(unsafe) private var completionSnapshots: [String] = []

/// Tab: what `Completion` answers for the line and the cursor, handed to the shim, which edits
/// the line and lists the matches as they are shown (`3 Dense`, `units=64`).
private let complete: pc_completer = { line, point, columns, start, insertion, listing in
  let text = line.map { String(cString: $0) } ?? ""
  let answer = Completion.complete(
    line: text, point: Int(point), catalog: completionSession.catalog,
    session: completionSession, snapshots: completionSnapshots, files: FileCompletion.list)
  start?.pointee = Int32(answer.start)
  if let s = answer.insertion { insertion?.pointee = strdup(s) }
  if answer.count > 1 {
    listing?.pointee = strdup(Completion.listing(answer, width: Int(columns)))
  }
}

extension Runner {
  /// The interactive prompt: libedit line editing (UTF-8, by whole characters), `~/.editrc`,
  /// Ctrl-R, and history kept in `history` (none with `--no-history`); Ctrl-C cancels the line,
  /// Ctrl-D or `quit` leaves. Errors are shown and the session goes on.
  mutating func interactive(history: HistoryFile?) -> Int32 {
    // The locale first: libedit reads how to decode keys from it when it starts.
    _ = pc_editline_set_locale()
    pc_editline_init("paramcalc", Int32(HistoryFile.capacity), json ? 1 : 0)
    pc_editline_set_completion(complete)
    // The last entry, so that a line repeated at once is recalled once.
    var last = ""
    for entry in history?.load() ?? [] {
      pc_editline_add_history(entry)
      last = entry
    }
    show(
      "paramcalc \(ParamCalc.version) — type 'help' for commands, 'layers' for layer types, Ctrl-D to quit"
    )
    var number = 0
    while true {
      _ = pc_take_interrupt()
      var interrupted: Int32 = 0
      completionSession = interpreter.session
      completionSnapshots = interpreter.whatIf.names
      guard let raw = pc_editline_read(promptText, &interrupted) else {
        if interrupted != 0 {
          // Ctrl-C: drop the line being typed, keep the model.
          show("^C")
          continue
        }
        show("")
        return 0
      }
      let text = String(cString: raw)
      free(raw)
      number += 1
      if !text.allSatisfy({ $0 == " " || $0 == "\t" }) && text != last {
        pc_editline_add_history(text)
        history?.append(text)
        last = text
      }
      line(text, number: number, file: "<stdin>")
      out.flush()
      if out.failure != 0 { return outputFailed() }
      if outOfMemory(file: "<stdin>", line: number) { return 1 }
      if quit { return 0 }
    }
  }

  /// A line for the person at the prompt. With --json, stdout carries only JSON objects: the
  /// banner and prompt go to stderr.
  mutating func show(_ s: String) {
    if json {
      err.line(s)
      err.flush()
    } else {
      out.line(s)
      out.flush()
    }
  }
}
