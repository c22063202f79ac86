import Foundation
import Testing

/// The binary as a process: flags, files, signals, pipes.
@Suite("Process behaviour")
struct ProcessTests {
  func temp(_ name: String, _ contents: Data) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "paramcalc-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try contents.write(to: url)
    return url
  }

  @Test func versionAndHelp() throws {
    let v = try Binary.run(["--version"], stdin: "")
    #expect(v.status == 0 && v.stdout.hasPrefix("0."))
    let h = try Binary.run(["--help"], stdin: "")
    #expect(h.status == 0 && h.stdout.contains("USAGE: paramcalc") && h.stdout.contains("--json"))
    let bad = try Binary.run(["--nope"], stdin: "")
    #expect(bad.status != 0 && bad.stderr.contains("--nope"))
  }

  @Test func filesRunInOrderWithTheirNames() throws {
    let a = try temp("a.pc", Data("input (4,)\nadd dense units=2\n".utf8))
    let b = try temp("b.pc", Data("add dense units=1\nadd dense units=0\n".utf8))
    let r = try Binary.run([a.path, b.path], stdin: "")
    // Dense(2) on 4: 4*2+2 = 10; Dense(1) on 2: 2*1+1 = 3. The line, exactly ("total 130" is not it).
    let lines = r.stdout.split(separator: "\n").map(String.init)
    #expect(lines.contains("  #2 Dense  out (None, 1)   3 params   total \(10 + 3)"), "\(r.stdout)")
    #expect(r.stderr.hasPrefix("\(b.path):2:17: error: units: must be at least 1"))
    #expect(r.status == 1)
    let missing = try Binary.run(["/nonexistent/x.pc"], stdin: "")
    #expect(missing.status == 1 && missing.stderr.contains("/nonexistent/x.pc: cannot read"))
  }

  @Test func loadRefusesBinaryFilesAndKeepsTheModel() throws {
    // One file with a NUL byte, one with invalid UTF-8 and no NUL: each refused for its own reason.
    let nul = try temp("nul.pc", Data([0x69, 0x6E, 0x00, 0x70, 0x75, 0x74, 0x0A]))
    let utf8 = try temp(
      "utf8.pc", Data("input (3,)\nadd dense units=1\n".utf8) + [0x23, 0xC3, 0x28, 0xFF, 0x0A])
    #expect(!(try Data(contentsOf: utf8)).contains(0))
    let bad = try temp("bad.pc", Data("input (4,)\nadd dense units=2\nadd dense units=-1\n".utf8))
    let r = try Binary.run(
      [],
      stdin:
        "input (3,)\nadd dense units=1\nload \(nul.path)\nload \(utf8.path)\nload \(bad.path)\ntotal\n"
    )
    let errors = r.stderr.split(separator: "\n").filter { $0.contains("error:") }.map(String.init)
    #expect(errors.count == 3, "\(r.stderr)")
    #expect(
      errors.first?.hasPrefix("<stdin>:3:") == true && errors.first?.contains("NUL byte") == true)
    #expect(
      errors.dropFirst().first?.hasPrefix("<stdin>:4:") == true
        && errors.dropFirst().first?.contains("not valid UTF-8") == true, "\(errors)")
    #expect(errors.last?.hasPrefix("\(bad.path):3:17: error: units: must be at least 1") == true)
    #expect(
      r.stderr.contains("<stdin>:5:1: note: while loading '\(bad.path)' (the model is unchanged)"))
    // Dense(1) on 3: 3*1+1 = 4, unchanged by the three refused loads.
    #expect(r.stdout.hasSuffix("  total 4 params (4 trainable, 0 non-trainable)\n"))
    #expect(r.status == 1)
  }

  @Test func saveReportsUnwritablePaths() throws {
    let r = try Binary.run([], stdin: "input (3,)\nsave /nonexistent/dir/m.pc\n")
    #expect(r.status == 1 && r.stderr.contains("/nonexistent/dir/m.pc: cannot write"))
  }

  @Test func sigintStopsAScriptWith130() throws {
    let p = Process()
    p.executableURL = Binary.url
    let input = Pipe()
    let errors = Pipe()
    p.standardInput = input
    p.standardOutput = FileHandle.nullDevice
    p.standardError = errors
    try p.run()
    input.fileHandleForWriting.write(Data("input (4,)\n".utf8))
    usleep(200_000)
    p.interrupt()
    p.waitUntilExit()
    #expect(p.terminationStatus == 130)
    let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(err.contains("interrupted"))
    try? input.fileHandleForWriting.close()
  }

  @Test func aClosedPipeEndsQuietly() throws {
    var script = "input (8,)\n"
    for _ in 0..<20_000 { script += "add dense units=8\n" }
    let file = try temp("big.pc", Data(script.utf8))
    let err = file.deletingLastPathComponent().appendingPathComponent("err")
    let sh = Process()
    sh.executableURL = URL(fileURLWithPath: "/bin/bash")
    sh.arguments = [
      "-c",
      "'\(Binary.url.path)' '\(file.path)' 2>'\(err.path)' | head -1 >/dev/null; exit ${PIPESTATUS[0]}",
    ]
    try sh.run()
    sh.waitUntilExit()
    #expect(sh.terminationStatus == 0)
    #expect(try String(contentsOf: err, encoding: .utf8) == "")
  }
}
