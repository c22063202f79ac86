import Foundation
import Testing

/// Teaching mode and the prompt's own behaviour, typed at the real prompt on a pseudo-terminal,
/// and the same commands in a script.
@Suite("Teaching at the prompt")
struct TeachingTerminalTests {
  @Test func errorsWithoutLocationExplainOnAndAQuizRound() throws {
    let t = try Terminal()
    #expect(t.nextPrompt())
    t.type("input (None,25)\r")
    #expect(t.nextPrompt())
    // An error at the prompt: the line, the caret and the hint, without `<stdin>:2:5:`.
    var mark = t.screen.endIndex
    t.type("add convv1d\r")
    #expect(t.wait(for: "did you mean 'conv1d'?", after: mark))
    #expect(t.nextPrompt())
    #expect(t.screen[mark...].contains("error: unknown layer type 'convv1d'"))
    #expect(!t.screen[mark...].contains("<stdin>:"))
    // Quiz: the guess is asked before the count is shown; 8,000 is the count without the bias.
    t.type("quiz on\r")
    #expect(t.nextPrompt())
    mark = t.screen.endIndex
    t.type("add conv1d filters=64 kernel_size=5\r")
    #expect(t.wait(for: "how many parameters? ", after: mark))
    #expect(!t.screen[mark...].contains("8,064 params"))
    t.type("8000\r")
    #expect(t.wait(for: "you left out the bias, 64", after: mark))
    #expect(t.nextPrompt())
    #expect(t.screen[mark...].contains("#1 Conv1D  out (None, None, 64)   8,064 params"))
    mark = t.screen.endIndex
    t.type("add dense units=10\r")
    #expect(t.wait(for: "how many parameters? ", after: mark))
    t.type("650\r")
    #expect(t.wait(for: "right: 650 params", after: mark))
    #expect(t.nextPrompt())
    t.type("quiz off\r")
    #expect(t.nextPrompt())
    // Teaching mode: the layer explained as it lands.
    t.type("explain on\r")
    #expect(t.nextPrompt())
    mark = t.screen.endIndex
    t.type("add dense units=1\r")
    #expect(t.wait(for: "(input_features + 1) × units = (10 + 1) × 1 = 11", after: mark))
    #expect(t.nextPrompt())
    t.type("\u{4}")
    #expect(t.exitStatus() == .exited(0))
  }

  /// `prompt total`: the prompt carries the layers and the running total (1 layer; a Conv1D of
  /// (5 × 25 + 1) × 64 = 8,064); `prompt plain` takes it back.
  @Test func thePromptCarriesTheTotal() throws {
    let t = try Terminal()
    #expect(t.nextPrompt())
    t.type("input (None,25)\r")
    #expect(t.nextPrompt())
    t.type("add conv1d filters=64 kernel_size=5\r")
    #expect(t.nextPrompt())
    var mark = t.screen.endIndex
    t.type("prompt total\r")
    #expect(t.wait(for: "paramcalc [1 · 8,064]> ", after: mark))
    mark = t.screen.endIndex
    t.type("prompt plain\r")
    #expect(t.wait(for: "\nparamcalc> ", after: mark))
    t.type("\u{4}")
    #expect(t.exitStatus() == .exited(0))
  }

  /// `play FILE`: narration, each step shown and run on Enter, `b` back (undoing the step),
  /// an unknown key explained, `q` stops and the model stays as the steps left it.
  @Test func playStepsThroughALesson() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "paramcalc-lesson-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let lesson = dir.appendingPathComponent("lesson.pc").path
    try """
    # A convolution counts its kernels and biases.
    input (None,25)
    add conv1d filters=64 kernel_size=5
    # Then a dense layer on top.
    add dense units=10
    total
    """.write(toFile: lesson, atomically: true, encoding: .utf8)
    let t = try Terminal()
    #expect(t.nextPrompt())
    var mark = t.screen.endIndex
    t.type("play \(lesson)\r")
    #expect(t.wait(for: "4 steps", after: mark))
    #expect(t.wait(for: "A convolution counts its kernels and biases.", after: mark))
    #expect(t.wait(for: "paramcalc> input (None,25)", after: mark))
    mark = t.screen.endIndex
    t.type("\r")
    #expect(t.wait(for: "paramcalc> add conv1d filters=64 kernel_size=5", after: mark))
    mark = t.screen.endIndex
    t.type("\r")
    // (5 × 25 + 1) × 64 = 8,064, then the narration before the next step.
    #expect(t.wait(for: "8,064 params   total 8,064", after: mark))
    #expect(t.wait(for: "Then a dense layer on top.", after: mark))
    #expect(t.wait(for: "paramcalc> add dense units=10", after: mark))
    // Back: the convolution is undone and shown again.
    mark = t.screen.endIndex
    t.type("b")
    #expect(t.wait(for: "undo: removed #1 Conv1D (8,064 params)   total 0", after: mark))
    #expect(t.wait(for: "paramcalc> add conv1d filters=64 kernel_size=5", after: mark))
    mark = t.screen.endIndex
    t.type("\r")
    #expect(t.wait(for: "paramcalc> add dense units=10", after: mark))
    mark = t.screen.endIndex
    t.type("x")
    #expect(t.wait(for: "Enter runs this step, b goes back, q stops", after: mark))
    mark = t.screen.endIndex
    t.type("q")
    #expect(t.wait(for: "stopped", after: mark))
    #expect(t.promptAfter("stopped", from: mark))
    mark = t.screen.endIndex
    t.type("total\r")
    // The dense step was not run: the convolution's 8,064 alone.
    #expect(t.wait(for: "total 8,064 params", after: mark))
    #expect(t.promptAfter("total 8,064 params", from: mark))
    t.type("\u{4}")
    #expect(t.exitStatus() == .exited(0))
    // In a script, play is refused: nothing can press the keys.
    let r = try Binary.run([], stdin: "play \(lesson)\n")
    #expect(r.status == 1)
    #expect(r.stderr.contains("error: play needs a terminal"), "\(r.stderr)")
  }

  /// A narrow window (60 columns): the summary and the layer lines fit it, and a line typed
  /// longer than the window is read whole.
  @Test func aNarrowWindowAndALineLongerThanIt() throws {
    let t = try Terminal(columns: 60)
    #expect(t.nextPrompt())
    t.type("input (None,25)\r")
    #expect(t.nextPrompt())
    // 98 characters typed on a 60-column line: libedit wraps it, paramcalc reads it whole.
    var mark = t.screen.endIndex
    t.type(
      "add conv1d filters=64 kernel_size=5 padding=valid strides=1 dilation_rate=1 use_bias=true\r")
    #expect(t.wait(for: "8,064", after: mark))
    #expect(t.promptAfter("8,064", from: mark))
    mark = t.screen.endIndex
    t.type("add batchnormalization\r")
    #expect(t.promptAfter("256 params", from: mark))
    mark = t.screen.endIndex
    t.type("summary\r")
    #expect(t.wait(for: "Non-trainable params: 128", after: mark))
    #expect(t.promptAfter("Non-trainable params: 128", from: mark))
    // Every line the summary and the layer lines printed fits 60 columns.
    let printed = t.screen[mark...].split(whereSeparator: \.isNewline)
      .filter { !$0.hasPrefix("paramcalc>") }
    #expect(printed.count > 8)
    for line in printed {
      #expect(line.count <= 60, "\(line.count) columns: \(line)")
    }
    t.type("\u{4}")
    #expect(t.exitStatus() == .exited(0))
  }

  @Test func inAScriptExplainOnExplainsAndQuizIsRefused() throws {
    let r = try Binary.run(
      stdin:
        "input (None,25)\nexplain on\nadd dense units=2\nprompt total\nexplain off\nadd dense units=1\nquiz on\n"
    )
    #expect(
      r.stdout == """
          input (None, None, 25)
          explain on: each added or changed layer is explained as it lands
          #1 Dense  out (None, None, 2)   52 params   total 52
          #1 Dense  (None, None, 25) -> (None, None, 2)
          (input_features + 1) × units = (25 + 1) × 2 = 52
            input_features = 25   input shape   the input's features (last axis): every unit weighs each one
            units          =  2   argument      the number of output units (neurons)
            1              =  1   default       the bias: one per unit, added to its sum (use_bias=true)
          weights (in Keras's order):
            kernel  (25, 2)  50
            bias    (2,)      2
          shape: (None, None, 25) -> (None, None, 2)
            last axis: 25 replaced by units = 2
            Dense acts on the last axis only: the same weights at every position of the others
          explain off
          #2 Dense  out (None, None, 1)   3 params   total 55

        """)
    #expect(
      r.stderr == """
        <stdin>:7:6: error: quiz needs a terminal
          quiz on
               ^~
        help: it asks for your guess at the prompt, and a script cannot answer: run paramcalc at a terminal, without a script

        """)
    #expect(r.status == 1)
  }
}
