import CEditLineShim
import ParamCalcCore

/// `play FILE` at the prompt: a lesson stepped through one command per key press. Each command
/// is shown after the prompt as if typed; Enter runs it, `b` goes back a step (undoing it when
/// it changed the model), `q` (or Ctrl-C, or the end of input) stops. A `#` line is narration,
/// shown as it is reached.
extension Runner {
  /// The lesson's lines, read as `load` reads a file (text only).
  static func lessonLines(_ name: FileName, at span: Span) throws(ParamCalcError) -> [String] {
    let fd = try Files.open(forReading: name, at: span)
    defer { close(fd) }
    var reader = LineReader(fd: fd, measuresLongLines: false)
    var lines: [String] = []
    var number = 0
    while let line = reader.nextChecked() {
      number += 1
      switch line {
      case .text(let s): lines.append(s)
      case .binary(let why):
        throw .file(
          path: name.description, reason: "line \(number) \(why): not a lesson", at: span)
      }
    }
    if reader.failure != 0 {
      throw .file(
        path: name.description, reason: "cannot read: " + Files.reason(reader.failure), at: span)
    }
    return lines
  }

  /// One key from the terminal, read without waiting for Enter and without echo; nil at the
  /// end of input or after Ctrl-C.
  static func readKey() -> UInt8? {
    var saved = termios()
    guard tcgetattr(0, &saved) == 0 else { return nil }
    var raw = saved
    raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
    withUnsafeMutableBytes(of: &raw.c_cc) { cc in
      cc[Int(VMIN)] = 1
      cc[Int(VTIME)] = 0
    }
    tcsetattr(0, TCSANOW, &raw)
    defer { tcsetattr(0, TCSANOW, &saved) }
    guard pc_wait_readable(0) == 1 else { return nil }
    var key: UInt8 = 0
    return read(0, &key, 1) == 1 ? key : nil
  }

  /// Plays the lesson `name`.
  mutating func play(_ name: FileName, at span: Span) throws(ParamCalcError) {
    let lines = try Runner.lessonLines(name, at: span)
    let steps = lines.indices.filter {
      let t = lines[$0].drop { $0 == " " || $0 == "\t" }
      return !t.isEmpty && !t.hasPrefix("#")
    }
    show(
      "  play \(name.description): \(steps.count) step\(steps.count == 1 ? "" : "s") — Enter runs the next, b goes back, q stops"
    )
    // The steps run so far, and whether each changed the model (b undoes those).
    var done: [(step: Int, edited: Bool)] = []
    var k = 0
    var number = 0
    var narrated = -1
    while k < steps.count {
      let at = steps[k]
      // The narration before this step, once.
      if narrated < at {
        var i = k == 0 ? 0 : steps[k - 1] + 1
        while i < at {
          let t = lines[i].drop { $0 == " " || $0 == "\t" }
          if t.hasPrefix("#") {
            show("  " + String(t.dropFirst()).drop { $0 == " " })
          }
          i += 1
        }
        narrated = at
      }
      out.buffer.append(text: promptText + lines[at])
      out.flush()
      _ = pc_take_interrupt()
      guard let key = Runner.readKey() else {
        show("")
        show("  stopped")
        return
      }
      switch key {
      case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
        show("")
        if lines[at].split(separator: " ").first.flatMap({ CommandTable.info($0.lowercased()) })?
          .kind == .play
        {
          show("  a lesson does not play another: step skipped")
          k += 1
          continue
        }
        let before = interpreter.session.fingerprint
        number += 1
        line(lines[at], number: number, file: name.description)
        out.flush()
        done.append((k, interpreter.session.fingerprint != before))
        k += 1
      case UInt8(ascii: "b"), UInt8(ascii: "B"):
        show("")
        guard let last = done.popLast() else {
          show("  (this is the first step)")
          continue
        }
        if last.edited {
          number += 1
          line("undo", number: number, file: name.description)
          out.flush()
        }
        k = last.step
      case UInt8(ascii: "q"), UInt8(ascii: "Q"), 3, 4:
        show("")
        show("  stopped")
        return
      default:
        show("")
        show("  Enter runs this step, b goes back, q stops")
      }
    }
    show("  end of \(name.description)")
  }
}
