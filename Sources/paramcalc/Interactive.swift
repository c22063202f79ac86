import CEditLineShim
import ParamCalcCore

/// Words offered by Tab: the commands, then the layer types.
nonisolated(unsafe) private var completionWords: [String] = []
nonisolated(unsafe) private var completionMatches: [String] = []

private let complete:
  @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { text, state in
    if state == 0 {
      let prefix = text.map { String(cString: $0).lowercased() } ?? ""
      completionMatches = completionWords.filter { $0.hasPrefix(prefix) }
    }
    let i = Int(state)
    guard i < completionMatches.count else { return nil }
    return strdup(completionMatches[i])
  }

extension Runner {
  /// The interactive prompt: libedit line editing and history; Ctrl-C cancels the line, Ctrl-D
  /// or `quit` leaves. Errors are shown and the session goes on.
  mutating func interactive() -> Int32 {
    pc_editline_init("paramcalc", 1000, json ? 1 : 0)
    completionWords =
      CommandTable.words + interpreter.session.catalog.descriptors.map { $0.name.lowercased() }
    pc_editline_set_completion(complete)
    show(
      "paramcalc \(ParamCalc.version) — type 'help' for commands, 'layers' for layer types, Ctrl-D to quit"
    )
    var number = 0
    while true {
      _ = pc_take_interrupt()
      var interrupted: Int32 = 0
      guard let raw = pc_editline_read("paramcalc> ", &interrupted) else {
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
      if !text.allSatisfy({ $0 == " " || $0 == "\t" }) { pc_editline_add_history(text) }
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
