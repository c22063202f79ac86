import Testing

@testable import ParamCalcCore

/// Properties of the model stack, checked on random edit sequences against a plain reference.
@Suite("Properties of the model stack")
struct PropertyTests {
  static let adds = [
    "dense units=8", "dense units=4 use_bias=false", "layernormalization", "batchnormalization",
    "dropout rate=0.2", "lstm units=8 return_sequences=true",
    "conv1d filters=8 kernel_size=3 padding=same",
    "gru units=4 return_sequences=true trainable=false", "prelu shared_axes=1", "relu",
  ]

  /// The reference: the list of `add` texts the model should hold, with its own undo and redo.
  struct Reference {
    var layers: [String] = []
    var undo: [[String]] = []
    var redo: [[String]] = []
    mutating func edit(_ f: (inout [String]) -> Void) {
      undo.append(layers)
      redo.removeAll()
      f(&layers)
    }
  }

  func canonical(_ s: Session) -> [String] {
    s.layers.map { String($0.spec.script.dropFirst(4)) }
  }

  @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
  func editsMatchTheReference(seed: UInt64) throws {
    var rng = SplitMix(seed: seed)
    var i = Interpreter()
    _ = try i.run(line: "input (None,8)")
    var ref = Reference()
    func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    for _ in 0..<400 {
      switch pick(7) {
      case 0, 1:
        let a = Self.adds[pick(Self.adds.count)]
        _ = try i.run(line: "add " + a)
        ref.edit { $0.append(a) }
      case 2 where !ref.layers.isEmpty:
        let at = 1 + pick(ref.layers.count + 1)
        let a = Self.adds[pick(Self.adds.count)]
        _ = try i.run(line: "insert \(at) " + a)
        ref.edit { $0.insert(a, at: at - 1) }
      case 3 where !ref.layers.isEmpty:
        let at = 1 + pick(ref.layers.count)
        _ = try i.run(line: "remove \(at)")
        ref.edit { $0.remove(at: at - 1) }
      case 4:
        // (The reference starts after `input`, whose undo would leave no input: not undone here.)
        if ref.undo.isEmpty {
          continue
        } else {
          _ = try i.run(line: "undo")
          ref.redo.append(ref.layers)
          ref.layers = ref.undo.removeLast()
        }
      case 5:
        if ref.redo.isEmpty {
          expectError(.nothingTo, "nothing to redo") { _ = try i.run(line: "redo") }
        } else {
          _ = try i.run(line: "redo")
          ref.undo.append(ref.layers)
          ref.layers = ref.redo.removeLast()
        }
      default:
        continue
      }
      #expect(canonical(i.session) == ref.layers)
      // The totals are the sums of the layers.
      #expect(i.session.trainable == i.session.layers.reduce(0) { $0 + $1.trainable })
      #expect(i.session.nonTrainable == i.session.layers.reduce(0) { $0 + $1.nonTrainable })
      // Each layer's input is the previous layer's output.
      for (k, l) in i.session.layers.enumerated() {
        #expect(l.input == (k == 0 ? i.session.input! : i.session.layers[k - 1].output))
      }
    }
  }

  @Test(arguments: adds)
  func addThenUndoRestoresTheState(add: String) throws {
    var i = Interpreter()
    _ = try i.run(line: "input (None,8)")
    _ = try i.run(line: "add dense units=8")
    let model = i.session.modelFingerprint
    let undoDepth = i.session.undoDepth
    _ = try i.run(line: "add " + add)
    #expect(i.session.modelFingerprint != model)
    _ = try i.run(line: "undo")
    #expect(i.session.modelFingerprint == model)
    #expect(i.session.undoDepth == undoDepth && i.session.redoStack.count == 1)
    _ = try i.run(line: "redo")
    _ = try i.run(line: "undo")
    #expect(i.session.modelFingerprint == model)
  }

  @Test func setToTheCurrentValueChangesNothing() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (None,8)")
    _ = try i.run(line: "add dense units=8 use_bias=true")
    _ = try i.run(line: "add lstm units=4")
    let before = i.session.fingerprint
    _ = try i.run(line: "set 1 units=8")
    _ = try i.run(line: "set 1 use_bias=true")
    _ = try i.run(line: "set 2 units=4")
    #expect(i.session.fingerprint == before)
  }

  @Test(arguments: [11, 12, 13] as [UInt64])
  func saveThenLoadRebuildsAnIdenticalModel(seed: UInt64) throws {
    var rng = SplitMix(seed: seed)
    var i = Interpreter()
    _ = try i.run(line: "input (None,8)")
    for _ in 0..<30 {
      _ = try i.run(line: "add " + Self.adds[Int(rng.next() % UInt64(Self.adds.count))])
    }
    var j = Interpreter()
    _ = try j.load(
      lines: i.script.split(separator: "\n").map(String.init), path: "m.pc", at: Span(0, 0))
    #expect(canonical(j.session) == canonical(i.session))
    #expect(j.session.layers.map(\.inference) == i.session.layers.map(\.inference))
    #expect(j.session.input == i.session.input)
    #expect(j.script == i.script)
  }
}
