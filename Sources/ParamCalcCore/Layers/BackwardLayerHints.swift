// Bidirectional's hints for a backward layer unlike the forward one (Wrappers.swift builds and
// checks the backward layer): the line that makes the two alike.
// Source: keras/src/layers/rnn/bidirectional.py (the return_sequences check), Keras 3.

/// What makes the two layers' return_sequences alike, both changed on one line. On `add` (every
/// argument typed on the line), the backward layer given the forward one's. On `set`, whose
/// arguments not typed on the line are the layer's own (their spans are the layer number's):
/// the side the line changes decides, and the hint is the `set` line that changes both (the
/// layer's number written `setLayerMark`, which `Session.set` fills in).
func returnSequencesHint(_ a: Argument, _ text: String, forward: [Argument]) -> String {
  let typed = forward.filter { $0.span != $0.valueSpan }
  let isSet = typed.count < forward.count
  let forwardTyped = typed.contains { $0.key == "return_sequences" }
  // The value both take: the forward layer's, unless `set` gives only the backward layer.
  let wanted: Bool
  if !isSet || forwardTyped || a.span == a.valueSpan {
    wanted = forward.first { $0.key == "return_sequences" }?.value == .bool(true)
  } else {
    wanted = !(forward.first { $0.key == "return_sequences" }?.value == .bool(true))
  }
  // The backward layer's words with return_sequences=wanted (left out when false, its default).
  let words = text.split(separator: " ").filter { !$0.hasPrefix("return_sequences=") }
  let backward = (words + (wanted ? ["return_sequences=true"] : [])).joined(separator: " ")
  let quote = backward.contains("\"") ? "'" : "\""
  let argument = "backward_layer=" + quote + backward + quote
  let rule = "Keras requires the backward layer's return_sequences to equal the forward layer's"
  guard isSet else {
    return rule
      + (wanted
        ? ": give the backward layer return_sequences=true too, \(argument)"
        : ": give the forward layer return_sequences=true too, or leave it out of backward_layer")
  }
  let others = typed.filter { $0.key != "return_sequences" && $0.key != a.key }
    .sorted { $0.span.start < $1.span.start }
    .map { "\($0.key)=\($0.value.script)" }
  let line = ([setLayerMark] + others + ["return_sequences=\(wanted)", argument])
    .joined(separator: " ")
  return rule + ": change both on one line, '\(line)'"
}

/// Where a `set` line's hint names the layer's number: `Session.set` puts the number in.
let setLayerMark = "set #N"

extension ParamCalcError {
  /// The error of `set N ...`, its hint naming layer `index` where it says `setLayerMark`.
  func naming(layer index: Int) -> ParamCalcError {
    guard case .invalidValue(let argument, let message, let at, let hint?) = self,
      hint.contains(setLayerMark)
    else { return self }
    return .invalidValue(
      argument: argument, message: message, at: at,
      hint: hint.replacing(setLayerMark, with: "set \(index)"))
  }
}
