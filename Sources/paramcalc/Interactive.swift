import CEditLineShim
import ParamCalcCore

/// The model Tab completes against (`set N` offers layer N's arguments), as of the last prompt.
nonisolated(unsafe) private var completionSession = Session()
nonisolated(unsafe) private var completionMatches: [String] = []

/// Tab: what `Completion` offers for the word under the cursor, given the line before it.
private let complete:
  @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { text, state in
    if state == 0 {
      let word = text.map { String(cString: $0) } ?? ""
      var point: Int32 = 0
      let buffer = Array(String(cString: pc_editline_buffer(&point)).utf8)
      let end = max(0, min(Int(point), buffer.count) - word.utf8.count)
      let before = String(decoding: buffer[..<end], as: UTF8.self)
      // libedit escapes `=` in what it inserts (`units\=`): an argument name is inserted without
      // it, and without a space after it, so that the `=` typed next follows it.
      let candidates = Completion.candidates(
        before: before, word: word, catalog: completionSession.catalog,
        session: completionSession)
      completionMatches = candidates.map { $0.hasSuffix("=") ? String($0.dropLast()) : $0 }
      pc_editline_append_space(candidates.count == 1 && candidates[0].hasSuffix("=") ? 0 : 1)
    }
    let i = Int(state)
    guard i < completionMatches.count else { return nil }
    return strdup(completionMatches[i])
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
