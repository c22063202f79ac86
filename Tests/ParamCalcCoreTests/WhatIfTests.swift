import Testing

@testable import ParamCalcCore

@Suite("What-if: try, keep, snapshot, compare")
struct WhatIfTests {
  /// input (None,25) → Dense 64 → Dropout → Dense 10.
  static let setup = [
    "input (None,25)", "add dense units=64", "add dropout rate=0.5", "add dense units=10",
  ]

  func interpreter(_ lines: [String] = WhatIfTests.setup) throws -> Interpreter {
    var i = Interpreter()
    for line in lines { _ = try i.run(line: line) }
    return i
  }

  /// The report `try …` gives; fails the test for another response.
  func tried(_ line: String, on i: inout Interpreter) throws -> (EditOutcome, ModelDiff) {
    let (_, response) = try #require(try i.run(line: line))
    guard case .whatIf(.tried(_, let outcome, let diff)) = response else {
      Issue.record("'\(line)' gave \(response)")
      throw ParamCalcError.syntax("not a try", at: Span(0, 0))
    }
    return (outcome, diff)
  }

  /// The lines and the edit they try: `try X` and the command X itself.
  static let edits = [
    ("try 1 units=128", "set 1 units=128"),
    ("try set 3 units=3", "set 3 units=3"),
    ("try insert 2 dense units=32", "insert 2 dense units=32"),
    ("try remove 1", "remove 1"),
    ("try remove 2", "remove 2"),
    ("try add dense units=7", "add dense units=7"),
    ("try 2 rate=0.1", "set 2 rate=0.1"),
  ]

  @Test(arguments: edits)
  func tryShowsTheSameNumbersAsDoingTheEdit(_ line: String, _ edit: String) throws {
    var tryer = try interpreter()
    var doer = try interpreter()
    let before = doer.session
    let (tryOutcome, diff) = try tried(line, on: &tryer)
    let (_, done) = try #require(try doer.run(line: edit))
    guard case .edit(_, let outcome) = done else {
      Issue.record("\(edit) gave \(done)")
      return
    }
    let after = doer.session
    #expect(diff.totalBefore == before.total)
    #expect(diff.totalAfter == after.total)
    #expect(diff.trainableAfter == after.trainable)
    #expect(diff.nonTrainableAfter == after.nonTrainable)
    #expect(diff.layersAfter == after.count)
    #expect(tryOutcome.kind == outcome.kind)
    #expect(tryOutcome.index == outcome.index)
    // Every layer shown after the edit is the layer the edit made, and every layer the edit
    // changed (its count, shape or definition) is shown.
    for row in diff.rows {
      if let a = row.after {
        let l = after.layers[a.index - 1]
        #expect(a.params == l.params && a.output == l.output && a.type == l.typeName, "\(line)")
      }
      if let b = row.before {
        let l = before.layers[b.index - 1]
        #expect(b.params == l.params && b.output == l.output, "\(line)")
      }
    }
    let shown = Set(diff.rows.compactMap { $0.after?.index })
    for (k, l) in after.layers.enumerated() where !shown.contains(k + 1) {
      // Not shown: the same layer as before (one further along after an insert, one back after a
      // remove), so the same count and shape.
      let was = before.layers.first { $0.spec.script == l.spec.script && $0.output == l.output }
      #expect(was != nil, "\(line): layer #\(k + 1) changed but is not shown")
    }
  }

  @Test func tryNumbersByHand() throws {
    var i = try interpreter()
    let (_, diff) = try tried("try 1 units=128", on: &i)
    // Dense 25→64 has 25·64+64 = 1,664; with 128 units 25·128+128 = 3,328. The last Dense
    // reads 128 instead of 64: 64·10+10 = 650 becomes 128·10+10 = 1,290.
    #expect(diff.rows.count == 3)
    #expect(diff.rows[0].before?.params == 25 * 64 + 64)
    #expect(diff.rows[0].after?.params == 25 * 128 + 128)
    #expect(diff.rows[1].after?.output == Shape([nil, 128]))
    #expect(diff.rows[2].before?.params == 64 * 10 + 10)
    #expect(diff.rows[2].after?.params == 128 * 10 + 10)
    #expect(diff.totalBefore == 25 * 64 + 64 + 64 * 10 + 10)
    #expect(diff.totalAfter == 25 * 128 + 128 + 128 * 10 + 10)
  }

  @Test func tryLeavesTheModelUnchanged() throws {
    for (line, _) in Self.edits + [("try 1 units=0", ""), ("try 9 units=2", "")] {
      var i = try interpreter()
      let before = i.session.fingerprint
      _ = try? i.run(line: line)
      #expect(i.session.fingerprint == before, "\(line)")
    }
  }

  @Test(arguments: edits)
  func keepAfterTryEqualsTheEdit(_ line: String, _ edit: String) throws {
    var tryer = try interpreter()
    var doer = try interpreter()
    _ = try tryer.run(line: line)
    let (_, kept) = try #require(try tryer.run(line: "keep"))
    _ = try doer.run(line: edit)
    #expect(tryer.session.fingerprint == doer.session.fingerprint, "\(line)")
    guard case .edit(let name, _) = kept else {
      Issue.record("keep gave \(kept)")
      return
    }
    #expect(name == "keep")
    // One undo takes it back.
    _ = try tryer.run(line: "undo")
    #expect(tryer.session.modelFingerprint == (try interpreter()).session.modelFingerprint)
  }

  @Test func keepIsRefusedWithoutATryOrAfterAChange() throws {
    expectRefusal(after: Self.setup, "keep", .nothingTo, "no edit was tried")
    // The model changed after the try: refused, and the model is as it was.
    var i = try interpreter()
    _ = try i.run(line: "try 1 units=8")
    _ = try i.run(line: "add dense units=3")
    let before = i.session.fingerprint
    #expect(throws: ParamCalcError.self) { try i.run(line: "keep") }
    #expect(i.session.fingerprint == before)
    // An edit and its undo leave the model as it was, but not its history: refused too.
    var j = try interpreter()
    _ = try j.run(line: "try 1 units=8")
    _ = try j.run(line: "add dense units=3")
    _ = try j.run(line: "undo")
    #expect(throws: ParamCalcError.self) { try j.run(line: "keep") }
    // A refused try forgets the one before.
    var k = try interpreter()
    _ = try k.run(line: "try 1 units=8")
    #expect(throws: ParamCalcError.self) { try k.run(line: "try 1 units=-1") }
    let e = try #require(
      { () -> ParamCalcError? in
        do { _ = try k.run(line: "keep") } catch { return error as? ParamCalcError }
        return nil
      }())
    #expect(e.kind == .nothingTo)
  }

  @Test func aTryKerasWouldRefuseIsRefusedAndChangesNothing() throws {
    // Conv1D with kernel_size 20 on 10 steps: Keras refuses (no valid output length).
    let setup = ["input (10,3)", "add conv1d filters=4 kernel_size=3", "add flatten"]
    var i = try interpreter(setup)
    let before = i.session.fingerprint
    let e = error(after: setup, "try 1 kernel_size=20")
    #expect(e != nil)
    #expect(e?.kind == .refused || e?.kind == .invalidValue || e?.kind == .breaksLayer)
    _ = try? i.run(line: "try 1 kernel_size=20")
    #expect(i.session.fingerprint == before)
    expectRefusal(after: setup, "try remove 7", .indexOutOfRange, "7")
  }

  @Test func compareOfIdenticalModelsShowsNoDifferences() throws {
    var i = try interpreter()
    _ = try i.run(line: "snapshot base")
    let (_, response) = try #require(try i.run(line: "compare base"))
    guard case .whatIf(.compared(let name, let isFile, let diff)) = response else {
      Issue.record("compare gave \(response)")
      return
    }
    #expect(name == "base" && !isFile)
    #expect(diff.identical)
    #expect(diff.rows.isEmpty)
    #expect(
      WhatIfRenderer.text(.compared(against: "base", isFile: false, diff)).contains(
        "no differences"))
    #expect(ModelDiff(byIndex: i.session, i.session).identical)
  }

  @Test func compareMatchesByIndexAndListsLayersPastTheEnd() throws {
    var i = try interpreter()
    _ = try i.run(line: "snapshot base")
    _ = try i.run(line: "set 1 units=32")
    _ = try i.run(line: "add dense units=4")
    let (_, response) = try #require(try i.run(line: "compare base"))
    guard case .whatIf(.compared(_, _, let diff)) = response else {
      Issue.record("compare gave \(response)")
      return
    }
    // #1 and #3 changed (#2, Dropout, too: its shape), #4 is new.
    #expect(diff.rows.map(\.change) == [.changed, .changed, .changed, .added])
    #expect(diff.rows[0].before?.params == 25 * 64 + 64)
    #expect(diff.rows[0].after?.params == 25 * 32 + 32)
    #expect(diff.rows[3].after?.params == 10 * 4 + 4)
    #expect(diff.totalAfter == 25 * 32 + 32 + 32 * 10 + 10 + 10 * 4 + 4)
    // The other way round, the last layer is removed.
    let back = ModelDiff(byIndex: i.session, i.whatIf.snapshots["base"]!)
    #expect(back.rows.last?.change == .removed)
    let text = WhatIfRenderer.text(.compared(against: "base", isFile: false, diff))
    #expect(text.contains("matched by index"))
    #expect(text.contains("added (now only)"))
  }

  @Test func anUnknownSnapshotSuggestsOne() throws {
    let setup = Self.setup + ["snapshot baseline"]
    let e = try #require(error(after: setup, "compare baseln"))
    #expect(e.message == "no snapshot named 'baseln'")
    #expect(e.hint?.contains("did you mean 'baseline'?") == true)
    #expect(e.span == Span(8, 14))
    let none = try #require(error(after: Self.setup, "compare base"))
    #expect(none.hint?.contains("no snapshot is kept yet") == true)
    // A name with a dot is a saved script: the executable reads it.
    var i = try interpreter()
    let (_, response) = try #require(try i.run(line: "compare saved.pc"))
    guard case .compareFile(let path, _) = response else {
      Issue.record("compare saved.pc gave \(response)")
      return
    }
    #expect(path.description == "saved.pc")
  }

  @Test func compareWithAScriptLoadedAsLoadReadsIt() throws {
    let i = try interpreter()
    var loader = i.beginLoad(path: "saved.pc")
    for line in ["input (None,25)", "add dense units=64", "add dense units=10"] {
      _ = try loader.feed(line)
    }
    guard case .whatIf(.compared(let path, let isFile, let diff)) = i.compare(with: loader) else {
      Issue.record("not a comparison")
      return
    }
    #expect(path == "saved.pc" && isFile)
    // #2: Dense 10 in the script, Dropout now; #3 only now.
    #expect(diff.rows.map(\.change) == [.changed, .added])
    #expect(diff.rows[0].before?.type == "Dense" && diff.rows[0].after?.type == "Dropout")
  }

  @Test func memoryBeforeAndAfter() throws {
    var i = try interpreter(["input 784", "add dense units=10"])
    let (_, diff) = try tried("try 1 units=20", on: &i)
    // float32 weights, gradients and two Adam slots (16 bytes a trainable weight) and the
    // output's activations (4 bytes each, batch 1).
    #expect(diff.memoryBefore == (784 * 10 + 10) * 16 + 10 * 4)
    #expect(diff.memoryAfter == (784 * 20 + 20) * 16 + 20 * 4)
  }

  @Test func jsonFields() throws {
    var i = try interpreter()
    let (_, response) = try #require(try i.run(line: "try 1 units=128"))
    guard case .whatIf(let report) = response else { return }
    let o = try JSONValue.parse(JSONRenderer.render(response, line: 5, session: i.session))
    #expect(o["command"]?.string == "try")
    #expect(o["edit"]?.string == "set")
    #expect(o["applied"] == .bool(false))
    #expect(o["changes"]?.array?.count == 3)
    #expect(o["changes"]?.array?.first?["after"]?["params"] == .int(25 * 128 + 128))
    #expect(o["total_after"] == .int(25 * 128 + 128 + 128 * 10 + 10))
    #expect(o["memory_bytes_before"]?.isNull == true)
    #expect(WhatIfRenderer.json(report, line: 5).hasPrefix("{\"command\":\"try\",\"line\":5"))
    _ = try i.run(line: "snapshot a")
    let (_, snap) = try #require(try i.run(line: "snapshot a"))
    let s = try JSONValue.parse(JSONRenderer.render(snap, line: 6, session: i.session))
    #expect(s["replaced"] == .bool(true))
    #expect(s["layers"] == .int(3))
    let (_, cmp) = try #require(try i.run(line: "compare a"))
    let c = try JSONValue.parse(JSONRenderer.render(cmp, line: 7, session: i.session))
    #expect(c["against"]?.string == "snapshot")
    #expect(c["matched_by"]?.string == "index")
    #expect(c["identical"] == .bool(true))
  }

  @Test func textIsClearAndNarrow() throws {
    var i = try interpreter()
    let (_, response) = try #require(try i.run(line: "try insert 2 dense units=32"))
    let text = TextRenderer().render(response, session: i.session)
    #expect(text.hasPrefix("  try: insert a layer as #2: not applied ('keep' applies it)\n"))
    #expect(text.contains("    #2 Dense  inserted: 2,080 params   out (None, None, 32)\n"))
    #expect(text.contains("#4 (was #3) Dense  650 → 330 params (-320)"))
    #expect(text.split(separator: "\n").allSatisfy { $0.count <= 100 })
  }

  @Test func theShortcutAgreesAfterKeep() throws {
    // Lines run by bytes (the shortcut remembers what they built) before and after a keep give
    // the model that lines parsed one by one give.
    let lines =
      Self.setup + [
        "add dense units=10", "try insert 2 dense units=32", "keep", "add dense units=10",
        "add dropout rate=0.5", "try remove 1", "keep", "add dense units=10", "undo", "redo",
      ]
    var fast = Interpreter()
    var plain = Interpreter()
    for line in lines {
      var copy = line
      _ = try copy.withUTF8 { b in
        Result { () throws(ParamCalcError) -> Response? in try fast.run(bytes: b) }
      }.get()
      _ = try plain.run(line: line)
    }
    #expect(fast.session.fingerprint == plain.session.fingerprint)
  }
}
