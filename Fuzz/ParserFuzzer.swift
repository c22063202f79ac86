// libFuzzer entry point: every input is run, line by line, through the parser and a session.
// Built by `make fuzz` with `swiftc -sanitize=fuzzer,address` together with ParamCalcCore's
// sources (see the Makefile); not part of the Swift package.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  var interpreter = Interpreter()
  _ = try? interpreter.run(line: "input (None,16,8)")
  let bytes = UnsafeBufferPointer(start: data, count: size)
  var start = 0
  for i in 0...size where i == size || bytes[i] == 0x0A {
    let line = UnsafeBufferPointer(rebasing: bytes[start..<i])
    let before = interpreter.session.fingerprint
    do {
      _ = try interpreter.run(bytes: line)
    } catch {
      // A rejected line must leave the model exactly as it was.
      if interpreter.session.fingerprint != before {
        fatalError("a rejected line changed the model")
      }
    }
    start = i + 1
  }
  return 0
}
