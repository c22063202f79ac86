import Testing

@testable import ParamCalcCore

/// A small deterministic random generator (SplitMix64), so every run tests the same lines.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Builds random and mutated command lines: valid lines, their truncations and byte flips, random
/// bytes, invalid UTF-8, NUL, CR and tabs, very long lines, deep parentheses, extreme numbers,
/// unknown and repeated keys.
struct LineFuzzer {
  var rng: SplitMix

  static let seeds: [String] = [
    "input (None,25)", "input 28x28x1", "input (784,)", "input (8,8,8,2)", "input (None,64)",
    "add conv1d filters=64 kernel_size=5",
    "add conv2d filters=8 kernel=(3,3) strides=2 padding=same",
    "add conv3d filters=4 kernel_size=2", "add dense units=10 activation=relu", "add flatten",
    "add reshape target_shape=(-1,4)", "add maxpooling2d pool_size=2",
    "add globalaveragepooling1d keepdims=true",
    "add batchnormalization center=false", "add layernormalization",
    "add groupnormalization groups=4",
    "add embedding input_dim=1000 output_dim=8", "add lstm units=8 return_sequences=true",
    "add bidirectional gru units=4 merge_mode=sum", "add timedistributed dense units=3",
    "add multiheadattention num_heads=2 key_dim=4", "add prelu shared_axes=(1)",
    "add dropout rate=0.5",
    "add zeropadding2d padding=((1,2),(0,1))", "add permute dims=(2,1)", "insert 1 dense units=4",
    "remove 1", "set 1 units=7", "set 2 trainable=false", "undo", "redo", "clear", "summary",
    "total",
    "explain", "explain all", "explain 1", "layers", "help", "help conv2d", "quit",
  ]
  static let pieces: [String] = [
    "(", ")", "((((", "))", ",", "=", "x", "None", "?", "-1", "0", "9223372036854775807",
    "-9223372036854775808", "99999999999999999999", "1e308", "nan", "inf", "true", "FALSE",
    "'same'",
    "\"", "#", "\t", "\r", "\u{0}", "é", "\u{FFFD}", "units=3", "units=3 units=4", "foo=1",
    "kernel=",
    "=3", "input_shape=(None,4)", "trainable=maybe", "dense", "bidirectional", "lstm",
  ]

  mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

  mutating func line() -> [UInt8] {
    var b = Array(LineFuzzer.seeds[int(LineFuzzer.seeds.count)].utf8)
    switch int(12) {
    case 0: b = Array(b.prefix(int(b.count + 1)))  // truncated
    case 1:  // byte flips
      for _ in 0..<(1 + int(3)) where !b.isEmpty {
        b[int(b.count)] = UInt8(truncatingIfNeeded: rng.next())
      }
    case 2: b = (0..<int(40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }  // random bytes
    case 3: b += [0xC3, 0x28, 0xFF, 0xFE]  // invalid UTF-8
    case 4:  // a piece inserted at a random place
      let p = Array(LineFuzzer.pieces[int(LineFuzzer.pieces.count)].utf8)
      b.insert(contentsOf: p, at: int(b.count + 1))
    case 5: b += Array(" \(LineFuzzer.pieces[int(LineFuzzer.pieces.count)])".utf8)
    case 6: b = Array(("add dense units=" + String(repeating: "(", count: 1 + int(200))).utf8)
    case 7: b += [0x0D]  // CR
    case 8: b = b.map { $0 == 0x20 ? 0x09 : $0 }  // tabs
    case 9: b = Array("add conv2d kernel_size=(\(Int.max),\(Int.min)) filters=-3".utf8)
    default: break
    }
    return b
  }
}

@Suite("Robustness: hostile input")
struct RobustnessTests {
  /// Lines through the same path as the binary; a rejected line leaves the model bit-identical.
  static func fuzz(lines: Int, seed: UInt64) throws {
    var fuzzer = LineFuzzer(rng: SplitMix(seed: seed))
    var interpreter = Interpreter()
    var rejected = 0
    for n in 0..<lines {
      if n % 64 == 0 {
        // Start again from a small model now and then, so that fingerprints stay cheap.
        interpreter = Interpreter()
        _ = try interpreter.run(line: "input (16,8)")
        _ = try interpreter.run(line: "add conv1d filters=8 kernel_size=3")
      }
      var bytes = fuzzer.line()
      if n % 20_000 == 7 {
        bytes = Array(("add dense units=" + String(repeating: "9", count: 1 << 20)).utf8)
      }
      let before = interpreter.session.fingerprint
      let ok = bytes.withUnsafeBufferPointer { buffer -> Bool in
        do throws(ParamCalcError) {
          _ = try interpreter.run(bytes: buffer)
          return true
        } catch {
          // The message and its rendering must not fail either.
          _ = DiagnosticRenderer.render(
            error, file: "f", line: 1, text: String(decoding: buffer, as: UTF8.self))
          _ = JSONRenderer.error(error, command: nil, line: 1, column: 1)
          return false
        }
      }
      if !ok {
        rejected += 1
        let after = interpreter.session.fingerprint
        #expect(
          after == before,
          "a rejected line changed the model: \(String(decoding: bytes.prefix(200), as: UTF8.self))"
        )
        if after != before { return }
      } else if case .some(let l) = interpreter.session.layers.last {
        _ = l.explanation
        _ = TextRenderer().summary(interpreter.session)
      }
    }
    #expect(rejected > lines / 10, "the fuzzer should produce many invalid lines")
  }

  @Test func hundredThousandHostileLines() throws {
    let count = Int(getenvString("PARAMCALC_FUZZ_LINES") ?? "") ?? 100_000
    try RobustnessTests.fuzz(lines: count, seed: 0x5EED)
  }
}

func getenvString(_ name: String) -> String? {
  #if canImport(Glibc)
    guard let p = getenv(name) else { return nil }
    return String(cString: p)
  #else
    return nil
  #endif
}

#if canImport(Glibc)
  import Glibc
#endif
