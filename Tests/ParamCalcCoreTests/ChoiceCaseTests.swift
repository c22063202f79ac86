import Foundation
import Testing

@testable import ParamCalcCore

/// Every argument that takes one of a few words, each word in lower and in upper case, against
/// Keras 3.15.1 (Fixtures/keras-choice-case.json, from scripts/keras_choice_case.py): paramcalc
/// takes a word exactly where Keras takes it. Keras lower-cases some (`standardize_padding`,
/// `standardize_data_format`) and compares the others as written; the spec says which
/// (`ArgumentSpec.lowercased`).
@Suite("Choices in upper case, as Keras reads them")
struct ChoiceCaseTests {
  struct Case {
    let type: String
    let argument: String
    let value: String
    let input: String
    let add: String
    let accepted: Bool
    let reason: String?
  }

  static let cases: [Case] = {
    let url = KerasExactnessBTests.fixtures.appendingPathComponent("keras-choice-case.json")
    guard let data = try? Data(contentsOf: url),
      let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
    else { return [] }
    return list.compactMap { o in
      guard let type = o["type"] as? String, let argument = o["argument"] as? String,
        let value = o["value"] as? String, let input = o["input"] as? String,
        let add = o["add"] as? String, let accepted = o["accepted"] as? Bool
      else { return nil }
      return Case(
        type: type, argument: argument, value: value, input: input, add: add,
        accepted: accepted, reason: o["reason"] as? String)
    }
  }()

  /// The fixture holds every word of every choice argument of the catalog, in both cases.
  @Test func everyChoiceIsSwept() throws {
    #expect(Self.cases.count > 300)
    let swept = Set(Self.cases.map { "\($0.type).\($0.argument)=\($0.value)" })
    for d in LayerCatalog.standard.descriptors {
      for a in d.arguments {
        guard case .choice = a.kind else { continue }
        for word in a.choices where word != "none" {
          for written in [word, word.uppercased()] {
            #expect(swept.contains("\(d.name).\(a.name)=\(written)"), "\(d.name).\(a.name)")
          }
        }
      }
    }
  }

  /// Each case: accepted where Keras accepts it (with Keras's count unchanged by the case of
  /// the word), refused where Keras refuses it.
  @Test func upperCaseIsReadAsKerasReadsIt() throws {
    for c in Self.cases {
      let got = ArgumentSpecTests.outcome(.standard, c.input, c.add)
      switch got {
      case .success:
        #expect(c.accepted, "\(c.add): Keras refuses it (\(c.reason ?? "")), paramcalc takes it")
      case .failure(let error):
        #expect(!c.accepted, "\(c.add): Keras takes it, paramcalc refuses: \(error.message)")
      }
    }
  }

  /// Where Keras takes the upper case, it counts as the lower case; where it compares as
  /// written, paramcalc's refusal says so and how to write it.
  @Test func upperCaseCountsAsLowerOrIsRefusedSayingSo() throws {
    var byWord: [String: Case] = [:]
    for c in Self.cases { byWord["\(c.type).\(c.argument)=\(c.value)"] = c }
    var compared = 0
    for c in Self.cases where c.value != c.value.lowercased() {
      guard let lower = byWord["\(c.type).\(c.argument)=\(c.value.lowercased())"], lower.accepted
      else { continue }
      let upper = ArgumentSpecTests.outcome(.standard, c.input, c.add)
      let plain = ArgumentSpecTests.outcome(.standard, lower.input, lower.add)
      if c.accepted {
        #expect("\(upper)" == "\(plain)", "\(c.add)")
      } else if case .failure(let error) = upper {
        #expect(error.message.contains("as written"), "\(c.add): \(error.message)")
        #expect(error.hint?.contains(c.value.lowercased()) == true, "\(c.add)")
      }
      compared += 1
    }
    #expect(compared > 100)
  }
}
