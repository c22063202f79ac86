import Testing

@testable import ParamCalcCore

/// What `summary` and `explain N flops` say of words they do not take: what does go there.
@Suite("summary and explain arguments")
struct SummaryArgumentTests {
  static let setup = ["input (4,)", "add dense units=3"]

  /// Each refused line, the words its message has, and those of its hint.
  @Test(arguments: [
    ("summary length=5", "length= goes with 'summary flops'", "'summary flops length=5'"),
    ("summary chart depth=1", "'summary chart' takes 'flops'", "'summary depth=N'"),
    ("summary chart length=3", "not 'length=3'", "'summary chart flops length=3'"),
    ("summary chart foo", "not 'foo'", "'summary chart flops [length=N]'"),
    ("summary flops flops", "'flops' is written twice", "write each word once"),
    ("summary chart chart", "'chart' is written twice", "write each word once"),
    ("summary chart flops chart", "'chart' is written twice", "write each word once"),
    ("summary Flops FLOPS length=2", "'FLOPS' is written twice", "write each word once"),
    ("explain 1 flop", "unexpected 'flop' after 'explain 1'", "did you mean 'flops'?"),
    ("explain 1 FLOPZ", "unexpected 'FLOPZ'", "did you mean 'flops'?"),
    ("explain all flops", "'explain all flops' is not a command", "'flops' counts every layer"),
    ("explain 1 blah", "unexpected text after 'explain'", "'help explain'"),
  ])
  func refusedWithWhatGoesThere(line: String, message: String, hint: String) throws {
    let e = try #require(error(after: Self.setup, line), "\(line) was accepted")
    #expect(e.message.contains(message), "\(line): \(e.message)")
    #expect(e.hint?.contains(hint) == true, "\(line): \(e.hint ?? "no hint")")
  }

  /// Where the caret goes: under the repeated word, under the word near 'flops'.
  @Test func spans() throws {
    #expect(error(after: Self.setup, "summary flops flops")?.span == Span(14, 19))
    #expect(error(after: Self.setup, "explain 1 flop")?.span == Span(10, 14))
  }

  /// The forms that are right still parse.
  @Test(arguments: [
    "summary", "summary depth=1", "summary chart", "summary flops", "summary chart flops",
    "summary flops chart length=4", "summary flops length=4", "explain 1 flops", "explain all",
  ])
  func acceptedForms(line: String) {
    #expect(error(after: Self.setup, line) == nil, "\(line)")
  }
}

/// The refusals of `summary` name what it takes, and their examples are accepted.
extension SummaryArgumentTests {
  @Test func summaryRefusalsNameWhatItTakes() throws {
    func refusal(_ line: String) -> ParamCalcError? {
      do {
        _ = try CommandParser.parse(line)
        return nil
      } catch { return error }
    }
    let length = try #require(refusal("summary length=0"))
    #expect(length.hint == "e.g. 'summary flops length=100'")
    #expect(try CommandParser.parse("summary flops length=100") != .summary(depth: 0))
    let word = try #require(refusal("summary chart=1"))
    #expect(word.hint == "e.g. 'summary chart'", "\(String(describing: word.hint))")
    let typo = try #require(refusal("summary chrt"))
    #expect(typo.hint == "did you mean 'chart'?")
    let key = try #require(refusal("summary dpth=1"))
    guard case .unknownArgument(_, _, _, let suggestion) = key else {
      Issue.record("\(key)")
      return
    }
    #expect(suggestion == "depth")
    let zero = try #require(refusal("summary flops length=0"))
    #expect(zero.hint == "e.g. 'summary flops length=32'")
  }
}
