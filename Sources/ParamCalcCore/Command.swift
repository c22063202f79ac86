/// One parsed line of paramcalc's language.
public enum Command: Equatable, Sendable {
  case input(Shape, at: Span)
  case add(LayerRequest)
  case insert(index: Int, indexSpan: Span, LayerRequest)
  case remove(index: Int, indexSpan: Span)
  case set(index: Int, indexSpan: Span, arguments: [Argument])
  case undo
  case redo
  case clear
  case summary
  case total
  case explain(ExplainTarget)
  case layers
  case help(topic: String?, at: Span)
  case save(path: String, at: Span)
  case load(path: String, at: Span)
  case quit

  /// The command's name as written in the language (`add`, `explain`, ...).
  public var name: String {
    switch self {
    case .input: return "input"
    case .add: return "add"
    case .insert: return "insert"
    case .remove: return "remove"
    case .set: return "set"
    case .undo: return "undo"
    case .redo: return "redo"
    case .clear: return "clear"
    case .summary: return "summary"
    case .total: return "total"
    case .explain: return "explain"
    case .layers: return "layers"
    case .help: return "help"
    case .save: return "save"
    case .load: return "load"
    case .quit: return "quit"
    }
  }
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

  public init(
    type: String, typeSpan: Span, inner: String? = nil, innerSpan: Span? = nil,
    arguments: [Argument]
  ) {
    self.type = type
    self.typeSpan = typeSpan
    self.inner = inner
    self.innerSpan = innerSpan
    self.arguments = arguments
  }
}
