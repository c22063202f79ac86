/// The commands of paramcalc's language, one value per command (`Command` is a parsed line of
/// one of them).
public enum CommandKind: Int, CaseIterable, Sendable {
  case input, add, reuse, output, insert, remove, set, undo, redo, clear, summary, total, explain,
    layers
  case memory
  case flops
  case tryEdit, keep, snapshot, compare
  case help, prompt, quiz, save, export, load, importFile, play, quit

  /// The command's entry in `CommandTable`.
  public var info: CommandInfo { CommandTable.all[rawValue] }

  /// The command's name as written in the language (`add`, `explain`, ...).
  public var name: String { info.name }
}

/// What paramcalc knows of one command: the words that start it, how it is written, what it does,
/// and whether it edits the model.
public struct CommandInfo: Sendable {
  public let kind: CommandKind
  /// The command word, lowercase ASCII (the parser reads it in any case).
  public let name: String
  /// Other words for the same command (`exit` for `quit`), lowercase ASCII.
  public let aliases: [String]
  /// How the command is written, as `help` shows it.
  public let usage: String
  /// What the command does; the first sentence is its line in the `help` overview.
  public let text: String
  /// Whether the command changes the model (`add`, `undo`, `load`, ...), as opposed to showing
  /// it (`summary`, `explain`), saving it, or the session (`help`, `quit`). A line of such a
  /// command that fails is a line of the model that was refused.
  public let editsModel: Bool

  init(
    _ kind: CommandKind, _ name: String, aliases: [String] = [], usage: String,
    editsModel: Bool, _ text: String
  ) {
    self.kind = kind
    self.name = name
    self.aliases = aliases
    self.usage = usage
    self.editsModel = editsModel
    self.text = text
  }

  /// The name, then the aliases.
  public var words: [String] { [name] + aliases }
}

/// The one list of paramcalc's commands: the parser's command words and its did-you-mean, `help`
/// (the overview and `help COMMAND`), completion at the prompt, and which failed lines count as
/// refused lines of the model all read it.
public enum CommandTable {
  /// Every command, in the order of `CommandKind` (which is the order `help` lists them in).
  public static let all: [CommandInfo] = {
    let table: [CommandInfo] = [
      CommandInfo(
        .input, "input", usage: "input DIMS", editsModel: true,
        "Sets the model's input shape, without the batch: (None,25), (784,), 28x28x1; None or ? is an unknown size. Later layers are re-inferred."
      ),
      CommandInfo(
        .add, "add", usage: "add TYPE key=value ... [as NAME] [from A,B]", editsModel: true,
        "Adds a layer at the end: 'add conv1d filters=64 kernel_size=5'. Wrappers: 'add bidirectional lstm units=8 merge_mode=sum'. trainable=false freezes it; input_shape=(None,25) on a first layer sets the input. A layer reads the layer before it; 'as NAME' names its output, and 'from A,B' makes it read other tensors: a name, #N for layer N, or 'input' (the model's input), as in 'add add from c1,#5' or 'add concatenate from a,b'. A recurrent layer with return_state=true returns its states too, read as NAME.h (and NAME.c for an LSTM): 'add lstm units=32 from dec_in,enc.h,enc.c' starts from them."
      ),
      CommandInfo(
        .reuse, "reuse", usage: "reuse N [from A,B] [as NAME]", editsModel: true,
        "Calls layer N again, on the layer before or on the tensors named with 'from': the same weights, counted once, as Keras counts a layer called twice ('reuse 3 from right' runs a Siamese network's encoder on its second input)."
      ),
      CommandInfo(
        .output, "output", usage: "output A[,B...]", editsModel: true,
        "Names the model's outputs, as Keras's Model(inputs, outputs) takes them: a name, #N, or a state such as enc.h ('output main,aux'). Without it the output is the last layer and every layer counts; with it, only the layers on the way to an output count, and summary names the others. Undo takes it back."
      ),
      CommandInfo(
        .insert, "insert", usage: "insert N TYPE key=value ...", editsModel: true,
        "Inserts a layer so that it becomes layer N (N may be one past the last); later layers are re-inferred, and a '#M' that later layers read from layer N on becomes '#M+1'."
      ),
      CommandInfo(
        .remove, "remove", usage: "remove N", editsModel: true,
        "Removes layer N; later layers are re-inferred. A layer that another reads with 'from' is not removed (the error says which)."
      ),
      CommandInfo(
        .set, "set", usage: "set N key=value ...", editsModel: true,
        "Changes arguments of layer N ('set 2 units=128', 'set 3 trainable=false'); later layers are re-inferred."
      ),
      CommandInfo(
        .undo, "undo", usage: "undo", editsModel: true,
        "Undoes the last change (input, add, insert, remove, set, clear, load, import); unlimited."),
      CommandInfo(.redo, "redo", usage: "redo", editsModel: true, "Redoes what undo undid."),
      CommandInfo(
        .clear, "clear", usage: "clear", editsModel: true,
        "Empties the model: no input, no layers (undo brings it back)."),
      CommandInfo(
        .summary, "summary", usage: "summary [depth=N|chart|flops|chart flops] [length=N]",
        editsModel: false,
        "Keras-style table of the layers, their output shapes and counts, and the totals. A model used as a layer is one row; with depth=N its layers are shown beneath it, indented, N levels deep (Keras's expand_nested); the totals are the same. 'summary chart' draws each layer's share of the parameters as a bar (a full bar is 100%), so you see where the weights are. 'summary flops' adds each layer's MACs and FLOPs per sample (as 'flops' counts them; length=N gives unknown axes a size) and their totals; 'summary chart flops' draws each layer's share of the FLOPs."
      ),
      CommandInfo(
        .total, "total", usage: "total", editsModel: false,
        "The total parameter count, trainable and non-trainable."),
      CommandInfo(
        .explain, "explain", usage: "explain [N|all|on|off] | explain N flops", editsModel: false,
        "Explains the count of layer N (default: the last; N may be written #N, as layers are labelled): the formula, the numbers, every term and the weights. 'explain N flops' explains its compute instead (see 'help flops'). 'explain on' is teaching mode: from then on each added or changed layer is explained as it lands (in a script too: a lesson file can turn it on); 'explain off' ends it."
      ),
      CommandInfo(
        .layers, "layers", usage: "layers", editsModel: false,
        "Lists the layer types paramcalc knows, by family."),
      CommandInfo(
        .memory, "memory",
        usage:
          "memory [dtype=float32|bfloat16|float16|int8] [batch=N] [optimizer=O] [mixed=true] [length=N]",
        editsModel: false,
        "Estimates the memory to train the model: its weights, their gradients, the optimizer's state (optimizer=O: sgd, momentum, rmsprop, or adam, the default) and the forward activations kept for the backward pass, each with its formula, and their total. dtype sets the bytes of a number (float32 4, bfloat16 and float16 2, int8 1: int8 weights are not trained, so only weights and activations count); mixed=true keeps the weights, gradients and optimizer state in float32 and computes in dtype, as Keras's mixed_float16 and mixed_bfloat16 do. Activations are every layer's outputs per sample times batch (default 1); an input axis of unknown size needs length=N. An estimate: no framework workspace, no fusion."
      ),
      CommandInfo(
        .flops, "flops", usage: "flops [batch=N] [length=N] [training=true] [causal=true]",
        editsModel: false,
        "Counts the compute of one forward pass: MACs (multiply-accumulates) and FLOPs (a MAC is 2 FLOPs; a bias 1 FLOP per element, an activation 1 per element), per layer and in total, per sample and for batch=N (default 1). 'explain N flops' shows layer N's formula. A layer whose compute paramcalc does not describe is listed as not counted; an input axis of unknown size needs length=N. training=true adds the backward pass (2 × the MACs, the other FLOPs once more) and the training step's total. causal=true counts only the attention scores a causal mask keeps."
      ),
      CommandInfo(
        .tryEdit, "try", usage: "try N key=value ... | try insert N TYPE ... | try remove N",
        editsModel: false,
        "Shows what an edit would do without doing it: each layer it changes, before and after (count and output shape), and the totals (and the memory estimate) before and after. The model is unchanged; 'keep' applies the edit. An edit Keras would refuse is refused as the edit itself is."
      ),
      CommandInfo(
        .keep, "keep", usage: "keep", editsModel: true,
        "Applies the edit 'try' showed last, as if it had been typed (undo takes it back). Refused when nothing was tried, or when the model changed after the try."
      ),
      CommandInfo(
        .snapshot, "snapshot", usage: "snapshot NAME", editsModel: false,
        "Keeps the model as it is now under NAME, for 'compare NAME' (in this session; 'save' writes a file)."
      ),
      CommandInfo(
        .compare, "compare", usage: "compare NAME|FILE", editsModel: false,
        "Shows the differences between the model now and the snapshot NAME, or the model a saved script FILE builds (read as 'load' reads it, without loading it): layer by layer, matched by index (layer N with layer N), each count and output shape before and after, layers past the end of the other model as added or removed, and the totals."
      ),
      CommandInfo(
        .help, "help", usage: "help [COMMAND|LAYER]", editsModel: false,
        "This help, or help on a command or a layer type."),
      CommandInfo(
        .prompt, "prompt", usage: "prompt total|plain", editsModel: false,
        "Sets what the prompt shows: 'total' the layers and the running total ('paramcalc [3 · 8,064]> '), 'plain' only 'paramcalc> ' (the default). In a script, where there is no prompt, it is accepted and changes nothing visible."
      ),
      CommandInfo(
        .quiz, "quiz", usage: "quiz on|off", editsModel: false,
        "Quiz mode at the prompt: before a new layer's count is shown, you guess it; then the right count, and when the guess is wrong, which term of the formula makes the difference. It needs a terminal: a script cannot answer, so there it is refused."
      ),
      CommandInfo(
        .save, "save", usage: "save FILE", editsModel: false,
        "Writes a script that rebuilds the model exactly."),
      CommandInfo(
        .export, "export", usage: "export markdown|csv|dot|svg|keras FILE", editsModel: false,
        "Writes the model for other tools: 'markdown' the summary as a pipe table with the totals (course notes), 'csv' the same as CSV (spreadsheets), 'dot' the model as a Graphviz digraph, one node per layer with its name, type, output shape and count and an edge from each tensor it reads, as Keras's plot_model draws it ('dot -Tpng model.dot -o model.png'), 'svg' the model drawn by paramcalc itself (a box per layer, in rows by depth, an arrow from each tensor it reads), 'keras' a Python script that rebuilds the model with Keras 3's functional API and prints its count_params() (a layer it cannot write is refused by name). An existing file is replaced, as save replaces it."
      ),
      CommandInfo(
        .load, "load", usage: "load FILE", editsModel: true,
        "Replaces the model with the one a script builds (one undo step)."),
      CommandInfo(
        .importFile, "import", usage: "import FILE [as NAME [from A]]", editsModel: true,
        "Replaces the model with the one a Keras model file describes (one undo step). FILE is the JSON that Keras's model.to_json() writes, or a .keras archive from model.save(); each layer is translated to the line 'add' would take for it, and shown with its name in the file. A Functional model comes in as a graph: its inputs as 'input NAME DIMS', each layer with 'as NAME from A,B', a layer called twice with 'reuse', an operation on tensors (x + 3) as 'add operation', a recurrent layer's states as NAME.h and NAME.c, and outputs other than the last layer with 'output', in Keras's order of model.layers; a model used as a layer comes in as one layer ('add sequential script=...' or 'add functional script=...'). 'import FILE as NAME [from A]' keeps the model and adds the model of FILE (a Keras file, or a paramcalc script) at the end as one layer named NAME, reading the previous layer's output or A's: 'reuse N' calls it again with the same weights, 'undo' removes it, 'save' writes it as 'add sequential script=...' (or functional), with the script of its layers in quotes."
      ),
      CommandInfo(
        .play, "play", usage: "play FILE", editsModel: true,
        "Steps through a lesson file at the prompt: each command is shown as if typed and runs when you press Enter; b goes back a step (undoing it), q stops; # lines are narration. It needs a terminal."
      ),
      CommandInfo(
        .quit, "quit", aliases: ["exit"], usage: "quit | exit", editsModel: false,
        "Leaves paramcalc (Ctrl-D does too)."),
    ]
    precondition(
      table.map(\.kind) == CommandKind.allCases, "CommandTable lists the commands out of order")
    return table
  }()

  /// Every word that starts a command: each command's name, then its aliases (completion and
  /// did-you-mean offer these).
  public static let words: [String] = all.flatMap(\.words)

  /// The words and the command each starts, as bytes, for the parser: it compares a line's first
  /// token with these without making a string of it.
  static let spellings: [(bytes: [UInt8], word: String, kind: CommandKind)] = all.flatMap {
    info in info.words.map { (Array($0.utf8), $0, info.kind) }
  }

  /// The command `word` (a name or an alias, lowercase) starts, if any.
  public static func info(_ word: String) -> CommandInfo? {
    all.first { $0.name == word || $0.aliases.contains(word) }
  }
}
