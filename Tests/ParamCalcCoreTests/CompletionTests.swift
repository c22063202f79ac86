import ParamCalcCore
import Testing

/// Tab's candidates come from the declarations: the command table, the catalog, each type's
/// arguments and their declared values.
@Suite("Completion")
struct CompletionTests {
  func complete(_ before: String, _ word: String, session: Session? = nil) -> [String] {
    Completion.candidates(before: before, word: word, catalog: .standard, session: session)
  }

  @Test func commandWordsFirst() {
    #expect(complete("", "ex") == ["explain", "exit"])
    #expect(complete("", "") == CommandTable.words)
  }

  @Test func layerTypesAfterAddAndInsert() {
    #expect(complete("add ", "conv1") == ["conv1d", "conv1dtranspose"])
    #expect(complete("insert 2 ", "lst") == ["lstm"])
    #expect(complete("insert ", "lst") == [])
    // A wrapper takes the types it wraps.
    #expect(complete("add bidirectional ", "") == ["simplernn", "lstm", "gru"])
  }

  @Test func argumentsOfTheType() {
    #expect(complete("add dense ", "u") == ["units=", "use_bias="])
    // Given already: not offered again.
    #expect(complete("add dense units=4 ", "u") == ["use_bias="])
    #expect(complete("add conv2d ", "pad") == ["padding="])
    // A wrapper's arguments and its inner layer's.
    #expect(complete("add bidirectional lstm ", "merge") == ["merge_mode="])
    #expect(complete("add bidirectional lstm ", "uni") == ["units=", "unit_forget_bias="])
    #expect(complete("add dense ", "tr") == ["trainable="])
  }

  @Test func declaredValues() {
    #expect(complete("add conv2d ", "padding=") == ["padding=valid", "padding=same"])
    #expect(complete("add conv1d ", "padding=c") == ["padding=causal"])
    // When libedit breaks the word at `=`.
    #expect(complete("add conv1d padding=", "c") == ["causal"])
    #expect(complete("add dense ", "use_bias=") == ["use_bias=true", "use_bias=false"])
    #expect(complete("add dense ", "activation=rel").contains("activation=relu"))
    #expect(complete("add dense ", "units=") == [])
  }

  @Test func setOffersTheLayersArguments() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (10,8)")
    _ = try i.run(line: "add gru units=4")
    #expect(complete("set 1 ", "reset", session: i.session) == ["reset_after="])
    #expect(complete("set 1 ", "input_sh", session: i.session) == [])
    #expect(complete("set 2 ", "u", session: i.session) == [])
  }

  @Test func helpAndExplain() {
    #expect(complete("help ", "bat") == ["batchnormalization"])
    #expect(complete("explain ", "") == ["all"])
  }
}
