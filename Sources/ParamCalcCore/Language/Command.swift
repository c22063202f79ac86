/// One parsed line of paramcalc's language.
public enum Command: Equatable, Sendable {
  case input(Shape, at: Span)
  /// `input NAME DIMS`: another input of the model, an InputLayer named NAME (`request` adds it).
  case namedInput(LayerRequest)
  case add(LayerRequest)
  case insert(index: Int, indexSpan: Span, LayerRequest)
  /// `reuse N [from A,B] [as NAME]`: layer N called again (`request` holds the clauses).
  case reuse(index: Int, indexSpan: Span, LayerRequest)
  /// `output A,B`: the model's outputs.
  case output([SourceRef], at: Span)
  case remove(index: Int, indexSpan: Span)
  case set(index: Int, indexSpan: Span, arguments: [Argument])
  case undo
  case redo
  case clear
  /// `summary [depth=N]`: each model used as a layer shown with its layers, N levels deep.
  case summary(depth: Int)
  /// `summary chart`: each layer's share of the parameters as a bar.
  case chart
  /// `summary flops [length=N]`: the summary with each layer's MACs and FLOPs; `summary chart
  /// flops`: each layer's share of the FLOPs as a bar.
  indirect case summaryFlops(FlopsOptions, chart: Bool)
  case total
  case explain(ExplainTarget)
  case layers
  /// `memory [dtype=...] [batch=N] [optimizer=...] [mixed=true] [length=N]`: the estimate of the
  /// memory to train the model.
  indirect case memory(MemoryOptions)
  /// `flops [batch=N] [length=N]`, or `explain N flops`: the compute of a forward pass.
  indirect case flops(FlopsOptions)
  case help(topic: String?, at: Span)
  /// `explain on|off`, `prompt total|plain`, `quiz on|off`: a setting of the session, not of
  /// the model.
  case setting(Setting, at: Span)
  case save(path: FileName, at: Span)
  /// `export markdown|csv|dot|svg|keras FILE`: the summary as a table, the model as a graph or
  /// a drawing, or a Keras script that rebuilds it.
  case export(ExportFormat, path: FileName, at: Span)
  case load(path: FileName, at: Span)
  /// `import FILE`: a Keras model file (JSON, or a .keras archive).
  case importFile(path: FileName, at: Span)
  /// `import FILE as NAME [from A]`: the model of FILE added as one layer named NAME
  /// (`request` holds the clauses).
  indirect case importLayer(path: FileName, at: Span, LayerRequest)
  case play(path: FileName, at: Span)
  case quit
  /// `try N key=value`, `try insert N TYPE ...`, `try remove N`: the edit's effect, not applied.
  indirect case tryEdit(Command)
  /// `keep`: the last tried edit, applied.
  case keep
  /// `snapshot NAME`: the model kept under NAME.
  case snapshot(name: String, at: Span)
  /// `compare NAME|FILE`: a snapshot's name or a saved script (quoted: a file).
  case compare(FileName, quoted: Bool, at: Span)

  /// Which command this is.
  public var kind: CommandKind {
    switch self {
    case .input, .namedInput: return .input
    case .add: return .add
    case .insert: return .insert
    case .reuse: return .reuse
    case .output: return .output
    case .remove: return .remove
    case .set: return .set
    case .undo: return .undo
    case .redo: return .redo
    case .clear: return .clear
    case .summary, .chart, .summaryFlops: return .summary
    case .total: return .total
    case .explain: return .explain
    case .layers: return .layers
    case .memory: return .memory
    case .flops: return .flops
    case .help: return .help
    case .setting(let setting, _): return setting.kind
    case .save: return .save
    case .export: return .export
    case .load: return .load
    case .importFile, .importLayer: return .importFile
    case .play: return .play
    case .quit: return .quit
    case .tryEdit: return .tryEdit
    case .keep: return .keep
    case .snapshot: return .snapshot
    case .compare: return .compare
    }
  }

  /// The command's name as written in the language (`add`, `explain`, ...), from `CommandTable`.
  public var name: String { kind.name }
}

/// A setting of the session (how it teaches and what the prompt shows), as a command sets it.
public enum Setting: Equatable, Sendable {
  /// `explain on|off`: teaching mode, each added or changed layer explained as it lands.
  case explainEdits(Bool)
  /// `prompt total|plain`.
  case prompt(PromptStyle)
  /// `quiz on|off`: guess a new layer's count before it is shown (at a terminal only).
  case quiz(Bool)

  /// The command that sets it.
  public var kind: CommandKind {
    switch self {
    case .explainEdits: return .explain
    case .prompt: return .prompt
    case .quiz: return .quiz
    }
  }

  /// The word the setting was given as (`on`, `off`, `total`, `plain`).
  public var word: String {
    switch self {
    case .explainEdits(let on), .quiz(let on): return on ? "on" : "off"
    case .prompt(let style): return style.rawValue
    }
  }
}

/// What the prompt shows: `paramcalc> `, or with the layers and the running total.
public enum PromptStyle: String, Equatable, Sendable {
  case plain, total
}

/// What `explain` is asked about.
public enum ExplainTarget: Equatable, Sendable {
  case last
  case all
  case layer(Int, at: Span)
}

/// The layer part of `add` and `insert`: `TYPE [INNER] key=value ...`.
public struct LayerRequest: Equatable, Sendable {
  /// The type word as written (`conv1d`), or the wrapper's (`bidirectional`).
  public var type: String
  public var typeSpan: Span
  /// The wrapped layer's type (`lstm` in `bidirectional lstm`), if any.
  public var inner: String?
  public var innerSpan: Span?
  public var arguments: [Argument]
  /// `as NAME`: the name other layers read this layer's output by (`from NAME`).
  public var name: String?
  public var nameSpan: Span?
  /// `from A,B`: the tensors the layer reads, each with where it was written; nil when it reads
  /// the layer before it (or the model's input).
  public var sources: [SourceRef]?

  public init(
    type: String, typeSpan: Span, inner: String? = nil, innerSpan: Span? = nil,
    arguments: [Argument], name: String? = nil, nameSpan: Span? = nil,
    sources: [SourceRef]? = nil
  ) {
    self.type = type
    self.typeSpan = typeSpan
    self.inner = inner
    self.innerSpan = innerSpan
    self.arguments = arguments
    self.name = name
    self.nameSpan = nameSpan
    self.sources = sources
  }
}

/// A tensor a layer reads (`from c1,#5`): the output of the layer named so (or a model input of
/// that name; `input` is the model's own input), or of the layer of that number.
public enum LayerSource: Hashable, Sendable {
  case name(String)
  case number(Int)
  /// A state that a recurrent layer with `return_state=true` returns after its output: `enc.h`,
  /// `#3.c`.
  indirect case state(LayerSource, String)

  /// As written in a script: `c1`, `#5`, `enc.h`.
  public var script: String {
    switch self {
    case .name(let n): return n
    case .number(let n): return "#\(n)"
    case .state(let base, let part): return base.script + "." + part
    }
  }

  /// The layer's own output that this reads, or whose state it reads.
  public var tensor: LayerSource {
    if case .state(let base, _) = self { return base }
    return self
  }
}

/// A source as written on a line, with its span.
public struct SourceRef: Equatable, Sendable {
  public var source: LayerSource
  public var span: Span

  public init(_ source: LayerSource, at span: Span) {
    self.source = source
    self.span = span
  }
}

/// A file name as written on a line or given as an argument: its bytes, which need not be UTF-8
/// (a file name is bytes), and a lossless text of them for messages.
public struct FileName: Hashable, Sendable, CustomStringConvertible {
  public var bytes: [UInt8]

  public init(bytes: [UInt8]) { self.bytes = bytes }

  public init(_ text: String) { bytes = Array(text.utf8) }

  /// The name as shown: valid UTF-8 as it is, except that a backslash is written `\\`, and
  /// each byte of a control character or of invalid UTF-8 as `\xHH`; so two different names
  /// never show the same.
  public var description: String { FileName.display(bytes) }

  public static func display<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    let all = Array(bytes)
    return all.withUnsafeBufferPointer { b in
      var out = String.UnicodeScalarView()
      let digits = Array("0123456789ABCDEF".unicodeScalars)
      var i = 0
      while i < b.count {
        let (scalar, length) = UTF8Scan.scalar(in: b, at: i)
        if let scalar, scalar == "\\" {
          out.append("\\")
          out.append("\\")
        } else if let scalar, scalar.value >= 0x20, scalar.value != 0x7F {
          out.append(scalar)
        } else {
          for k in i..<(i + length) {
            out.append("\\")
            out.append("x")
            out.append(digits[Int(b[k] >> 4)])
            out.append(digits[Int(b[k] & 15)])
          }
        }
        i += length
      }
      return String(out)
    }
  }
}

/// Reads UTF-8 strictly, as RFC 3629 defines it: no overlong forms, no surrogates, nothing past
/// U+10FFFF. (U+FFFD written in a file is valid text like any other character.)
public enum UTF8Scan {
  /// The scalar whose encoding starts at `i` and its length in bytes; nil and 1 when the byte at
  /// `i` does not start a valid encoding.
  public static func scalar(in b: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar?, Int) {
    let c0 = b[i]
    if c0 < 0x80 { return (Unicode.Scalar(c0), 1) }
    let length: Int
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    var value: UInt32
    switch c0 {
    case 0xC2...0xDF:
      length = 2
      value = UInt32(c0 & 0x1F)
    case 0xE0:
      length = 3
      low = 0xA0
      value = UInt32(c0 & 0x0F)
    case 0xE1...0xEC, 0xEE...0xEF:
      length = 3
      value = UInt32(c0 & 0x0F)
    case 0xED:
      length = 3
      high = 0x9F
      value = UInt32(c0 & 0x0F)
    case 0xF0:
      length = 4
      low = 0x90
      value = UInt32(c0 & 0x07)
    case 0xF1...0xF3:
      length = 4
      value = UInt32(c0 & 0x07)
    case 0xF4:
      length = 4
      high = 0x8F
      value = UInt32(c0 & 0x07)
    default: return (nil, 1)
    }
    guard i + length <= b.count else { return (nil, 1) }
    for k in 1..<length {
      let c = b[i + k]
      let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
      guard c >= lo && c <= hi else { return (nil, 1) }
      value = value << 6 | UInt32(c & 0x3F)
    }
    return (Unicode.Scalar(value), length)
  }

  /// Whether the bytes are valid UTF-8 throughout.
  public static func isValid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    while i < b.count {
      if b[i] < 0x80 {
        i += 1
        continue
      }
      let (s, length) = Self.scalar(in: b, at: i)
      if s == nil { return false }
      i += length
    }
    return true
  }
}
