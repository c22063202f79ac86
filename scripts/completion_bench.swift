// `make bench`'s Tab row: how long `Completion.complete` takes to answer on a 100,000-layer model,
// in the contexts that depend on the model's size. Compiled with the core's sources into one
// optimized program by scripts/bench.py (as `make fuzz-build` compiles the fuzzer), so that the
// package needs no extra target. Prints one line per context: `label<TAB>median µs<TAB>99th percentile µs`.

@main
struct CompletionBench {
  static func main() throws {
    let n = 100_000
    var interpreter = Interpreter()
    _ = try interpreter.run(line: "input (None,64)")
    for i in 0..<n {
      _ = try interpreter.run(line: i % 2 == 0 ? "add dense units=64" : "add layernormalization")
    }
    let session = interpreter.session
    let files: Completion.Lister = { _ in
      (0..<200).map { Completion.FileEntry("model\($0).pc", isDirectory: $0 % 10 == 0) }
    }
    let cases: [(String, String)] = [
      ("`remove ` (100,000 layer numbers: the first 100 listed with their types)", "remove "),
      ("`explain 5` (11,111 numbers)", "explain 5"),
      ("`insert 99999` (one number)", "insert 99999"),
      ("`set 99999 ` (layer 99,999's arguments with their values)", "set 99999 "),
      ("`set 99999 use_bias=` (its values)", "set 99999 use_bias="),
      ("`add conv` (layer types)", "add conv"),
      ("`ex` (command words)", "ex"),
      ("`load model1` (200 directory entries)", "load model1"),
    ]
    let clock = ContinuousClock()
    for (label, line) in cases {
      var times: [Double] = []
      for _ in 0..<200 {
        let start = clock.now
        let answer = Completion.complete(
          line: line, catalog: session.catalog, session: session, files: files)
        // What the prompt then draws is part of the answer.
        let listing = answer.count > 1 ? Completion.listing(answer, width: 120) : ""
        let elapsed = clock.now - start
        precondition(answer.count > 0 && listing.utf8.count >= 0)
        let c = elapsed.components
        times.append(Double(c.seconds) * 1e6 + Double(c.attoseconds) / 1e12)
      }
      times.sort()
      print("\(label)\t\(times[times.count / 2])\t\(times[times.count * 99 / 100])")
    }
  }
}
