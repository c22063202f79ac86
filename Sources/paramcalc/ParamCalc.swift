import ArgumentParser
import CEditLineShim
import ParamCalcCore

@main
struct ParamCalc: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "paramcalc",
    abstract:
      "How many parameters a neural network has, layer by layer, and why — exact to Keras 3.",
    discussion: """
      At a terminal, paramcalc is an interactive prompt: type 'help' there. Given files, or fed a script on standard input, it runs the script: each command's output on stdout, errors on stderr as FILE:LINE:COL with the line and a caret. Lines are limited to 1 MiB.

      Exit status: 0 when every line succeeded; 1 when a line failed, a script could not be read, standard output could not be written, or memory ran short (ulimit -v); 64 for a wrong option (EX_USAGE); 130 after Ctrl-C. A reader that closes the pipe early (| head) is not an error: the status is that of the lines run.

      Example: printf 'input (None,25)\\nadd conv1d filters=64 kernel_size=5\\nexplain\\n' | paramcalc
      """,
    version: version)

  @Flag(help: "Print one JSON object per command line on stdout (diagnostics stay on stderr).")
  var json = false

  @Flag(help: "Stop at the first line in error.")
  var bail = false

  @Option(
    name: .customLong("color"),
    help: ArgumentHelp(
      "When to use colours (auto: on a terminal, unless NO_COLOR is set or TERM=dumb).",
      valueName: "when"))
  var color: ColorChoice = .auto

  @Flag(name: .customLong("no-color"), help: "The same as --color never.")
  var noColor = false

  @Flag(
    name: .customLong("no-history"),
    help:
      "At the prompt, neither read nor write the history file ($XDG_STATE_HOME/paramcalc/history).")
  var noHistory = false

  @ArgumentParser.Argument(
    help: "Scripts to run in order ('-' is standard input). Without any, standard input is read.")
  var files: [String] = []

  /// Without any option, the arguments are only script names: run them without the argument
  /// parser's reflection over this type, which costs about a millisecond at every start.
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.allSatisfy({ !$0.hasPrefix("-") || $0 == "-" }) {
      Program.run(json: false, bail: false, color: .auto, history: true, files: arguments)
    }
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      exit(withError: error)
    }
  }

  func run() throws {
    Program.run(
      json: json, bail: bail, color: noColor ? .never : color, history: !noHistory, files: files)
  }
}

/// `--color`: when output is coloured.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
  case never, always, auto
}

/// The program once its arguments are known.
enum Program {
  static func run(json: Bool, bail: Bool, color: ColorChoice, history: Bool, files: [String])
    -> Never
  {
    pc_ignore_sigpipe()
    pc_install_interrupt_handler()
    // stdout carries no colour with --json: it is JSON only.
    let colorOut = !json && Program.colored(fd: 1, color)
    let colorErr = Program.colored(fd: 2, color)
    var runner = Runner(
      json: json, bail: bail, out: Output(fd: 1), err: Output(fd: 2),
      outStyle: colorOut ? .ansi : .plain, errStyle: colorErr ? .ansi : .plain)
    var status: Int32
    if files.isEmpty && isatty(0) != 0 {
      // Only the prompt reads and writes the history file; script mode never touches it.
      status = runner.interactive(history: history ? HistoryFile.standard() : nil)
    } else {
      status = runner.scripts(files.isEmpty ? ["-"] : files)
    }
    runner.out.flush()
    if runner.out.failure != 0 && status != 130 { status = runner.outputFailed() }
    runner.err.flush()
    // Exit at once: tearing down a large model object by object only costs time.
    exit(status)
  }

  /// Whether output on `fd` is coloured: always, never, or (auto) when it is a terminal and the
  /// environment allows (`NO_COLOR` not set or empty, `TERM` not `dumb`).
  static func colored(fd: Int32, _ choice: ColorChoice) -> Bool {
    switch choice {
    case .never: return false
    case .always: return true
    case .auto: return isatty(fd) != 0 && Environment().colorAllowed
    }
  }
}

/// What the environment says about colours.
struct Environment {
  let colorAllowed: Bool
  init() {
    let noColor = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
    let term = getenv("TERM").map { String(cString: $0) } ?? ""
    colorAllowed = noColor.isEmpty && term != "dumb"
  }
}
