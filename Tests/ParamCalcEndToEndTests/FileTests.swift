import Foundation
import Testing

/// `save`, `load` and script arguments against the file system: nothing lost, nothing clobbered.
/// Everything happens in a temporary directory, with regular files, symbolic links and FIFOs
/// only (never the machine's devices).
@Suite("Files")
struct FileTests {
  /// A new empty temporary directory.
  func directory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "paramcalc-files-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  struct Result {
    var stdout: String
    var stderr: String
    var status: Int32
  }

  /// Runs `script` with `/bin/sh` in `dir`, `$PARAMCALC` naming the binary and `stdin` (bytes,
  /// which may be any) on its standard input. File names with bytes that are not UTF-8 are made
  /// in the script with printf's octal escapes, so the raw bytes reach the binary.
  func shell(_ script: String, in dir: URL, stdin: [UInt8] = []) throws -> Result {
    let r = try Binary.spawn(
      URL(fileURLWithPath: "/bin/sh"), ["-c", script], in: dir, stdin: stdin,
      environment: ["PARAMCALC": Binary.url.path])
    return Result(stdout: r.stdout, stderr: r.stderr, status: r.status)
  }

  /// Runs the binary in `dir` on `stdin`.
  func run(_ stdin: String, in dir: URL) throws -> Result {
    try shell("\"$PARAMCALC\"", in: dir, stdin: Array(stdin.utf8))
  }

  /// What `lstat` says of `url` (the link itself for a symbolic link).
  func status(_ url: URL) -> stat? {
    var st = stat()
    return lstat(url.path, &st) == 0 ? st : nil
  }

  func contents(_ url: URL) -> String? {
    (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) }
  }

  /// The names in `dir` (the streams of `shell` are kept elsewhere).
  func names(_ dir: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
  }

  static let model = "input (4,)\nadd dense units=2\n"
  static let saved = "# paramcalc model: 1 layer, 10 params\ninput (4,)\nadd dense units=2\n"

  // MARK: 1. what is at the path

  @Test func saveThroughASymlinkReplacesItsTargetAndKeepsTheLink() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let target = dir.appendingPathComponent("target.pc")
    try Data("old\n".utf8).write(to: target)
    let link = dir.appendingPathComponent("link.pc")
    try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "target.pc")
    let r = try run(Self.model + "save link.pc\n", in: dir)
    #expect(r.status == 0 && r.stderr == "")
    #expect(r.stdout.hasSuffix("  saved 1 layer to link.pc\n"))
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "target.pc")
    #expect(contents(target) == Self.saved)
    #expect(try names(dir) == ["link.pc", "target.pc"])
  }

  @Test func saveThroughADanglingSymlinkCreatesItsTarget() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("sub"), withIntermediateDirectories: false)
    let link = dir.appendingPathComponent("link.pc")
    try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "sub/new.pc")
    let r = try run(Self.model + "save link.pc\n", in: dir)
    #expect(r.status == 0 && r.stderr == "")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "sub/new.pc")
    #expect(contents(dir.appendingPathComponent("sub/new.pc")) == Self.saved)
    // A dangling link into a directory that does not exist: an error, and nothing made.
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent("lost.pc").path, withDestinationPath: "nodir/x.pc")
    let lost = try run(Self.model + "save lost.pc\n", in: dir)
    #expect(lost.status == 1)
    #expect(lost.stderr.contains("error: lost.pc: cannot write: no such file or directory"))
    #expect(try names(dir) == ["link.pc", "lost.pc", "sub"])
  }

  @Test func saveRefusesAFIFOAndADirectoryAndLeavesThem() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let fifo = dir.appendingPathComponent("pipe.pc")
    #expect(mkfifo(fifo.path, 0o644) == 0)
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent("tofifo.pc").path, withDestinationPath: "pipe.pc")
    try FileManager.default.createDirectory(
      at: dir.appendingPathComponent("d.pc"), withIntermediateDirectories: false)
    let r = try run(Self.model + "save pipe.pc\nsave tofifo.pc\nsave d.pc\n", in: dir)
    #expect(r.status == 1)
    #expect(
      r.stderr.contains(
        "<stdin>:3:1: error: pipe.pc: is a FIFO (named pipe), not a regular file: save writes only regular files"
      ))
    #expect(
      r.stderr.contains(
        "<stdin>:4:1: error: tofifo.pc: leads to ./pipe.pc, which is a FIFO (named pipe), not a regular file"
      ))
    #expect(
      r.stderr.contains(
        "<stdin>:5:1: error: d.pc: is a directory, not a regular file: save writes only regular files"
      ))
    #expect(status(fifo).map { $0.st_mode & S_IFMT } == S_IFIFO)
    #expect(status(dir.appendingPathComponent("d.pc")).map { $0.st_mode & S_IFMT } == S_IFDIR)
    #expect(try names(dir) == ["d.pc", "pipe.pc", "tofifo.pc"])
  }

  @Test func saveKeepsTheModeOfAFileAndGivesANewOneTheUmasksMode() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let old = dir.appendingPathComponent("old.pc")
    try Data("old\n".utf8).write(to: old)
    #expect(chmod(old.path, 0o640) == 0)
    let r = try shell(
      "umask 000; \"$PARAMCALC\"", in: dir,
      stdin: Array((Self.model + "save old.pc\nsave new.pc\n").utf8))
    #expect(r.status == 0 && r.stderr == "")
    #expect(contents(old) == Self.saved)
    #expect(status(old).map { $0.st_mode & 0o7777 } == 0o640)
    #expect(status(dir.appendingPathComponent("new.pc")).map { $0.st_mode & 0o7777 } == 0o666)
    let masked = try shell(
      "umask 027; \"$PARAMCALC\"", in: dir, stdin: Array((Self.model + "save new2.pc\n").utf8))
    #expect(masked.status == 0)
    #expect(status(dir.appendingPathComponent("new2.pc")).map { $0.st_mode & 0o7777 } == 0o640)
  }

  // MARK: 2. the temporary file

  /// A link planted where the old code put its temporary file (`NAME.tmp-PID`) must not make
  /// `save` write through it.
  @Test func aPlantedTemporaryNameDoesNotRedirectTheSave() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let victim = dir.appendingPathComponent("victim")
    try Data("precious\n".utf8).write(to: victim)
    let p = Process()
    p.executableURL = Binary.url
    p.currentDirectoryURL = dir
    let input = Pipe()
    p.standardInput = input
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    try FileManager.default.createSymbolicLink(
      atPath: dir.appendingPathComponent("m.pc.tmp-\(p.processIdentifier)").path,
      withDestinationPath: victim.path)
    input.fileHandleForWriting.write(Data((Self.model + "save m.pc\n").utf8))
    try input.fileHandleForWriting.close()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    #expect(contents(victim) == "precious\n")
    let saved = dir.appendingPathComponent("m.pc")
    #expect(status(saved).map { $0.st_mode & S_IFMT } == S_IFREG)
    #expect(contents(saved) == Self.saved)
  }

  @Test func aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("m.pc")
    try Data("old\n".utf8).write(to: file)
    // Files may not grow past one block, so writing the script (over 2 KB) fails with EFBIG
    // after the temporary file is made (SIGXFSZ ignored: the write reports it).
    let script =
      "input (4,)\n" + String(repeating: "add dense units=4 activation=relu\n", count: 60)
    let r = try shell(
      "trap '' XFSZ; ulimit -f 1; \"$PARAMCALC\" >/dev/null", in: dir,
      stdin: Array((script + "save m.pc\n").utf8))
    #expect(r.status == 1)
    #expect(r.stderr.contains("<stdin>:62:1: error: m.pc: cannot write: file too large"))
    #expect(contents(file) == "old\n")
    #expect(try names(dir) == ["m.pc"])
  }

  @Test func aNameNearTheLengthLimitCanBeSaved() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let long = String(repeating: "n", count: 250)
    let r = try run(Self.model + "save \(long)\n", in: dir)
    #expect(r.status == 0 && r.stderr == "")
    #expect(contents(dir.appendingPathComponent(long)) == Self.saved)
    #expect(try names(dir) == [long])
  }

  // MARK: 3. names that need quotes

  @Test func namesWithQuotesHashesTabsAndSpacesSurviveSaveAndLoad() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let lines = [
      "add dense units=3 name='my layer'", "add dense units=3 name='a#b'",
      "add dense units=3 name=\"it's\"", "add dense units=3 name='a\tb'",
      "add dense units=3 name=''", "add dense units=3 name='say \"it''s\"' dtype='(1, 2)'",
      "add dense units=3 name=relu kernel_initializer=glorot_uniform",
    ]
    let r = try run(
      "input (None,4)\n" + lines.joined(separator: "\n") + "\nsave m.pc\nclear\nload m.pc\n",
      in: dir
    )
    #expect(r.status == 0 && r.stderr == "")
    let saved = contents(dir.appendingPathComponent("m.pc")) ?? ""
    #expect(saved.hasSuffix("\ninput (None,4)\n" + lines.joined(separator: "\n") + "\n"))
    #expect(r.stdout.contains("  loaded 7 layers"))
  }

  // MARK: 4. file names are bytes

  @Test func aScriptArgumentNamedWithAByteThatIsNotUTF8OpensThatFile() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // The file named with byte 0xFE, and a decoy named with U+FFFD (what the byte decodes to).
    let r = try shell(
      """
      printf 'input (4,)\\nadd dense units=2\\ntotal\\n' > "$(printf 'm\\376.pc')"
      printf 'input (4,)\\nadd dense units=9\\ntotal\\n' > "$(printf 'm\\357\\277\\275.pc')"
      "$PARAMCALC" "$(printf 'm\\376.pc')" && "$PARAMCALC" "$(printf 'x\\377.pc')"
      """, in: dir)
    #expect(r.stdout.contains("total 10 params"))
    #expect(!r.stdout.contains("total 45 params"))
    #expect(r.stderr == "paramcalc: error: x\\xFF.pc: cannot read: no such file or directory\n")
  }

  @Test func saveAndLoadUseTheBytesOfTheName() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let stdin =
      Array((Self.model + "save m").utf8) + [0xFE] + Array(".pc\nclear\nload m".utf8) + [0xFE]
      + Array(".pc\nload m".utf8) + [0xFF] + Array(".pc\n".utf8)
    let r = try shell(
      """
      "$PARAMCALC"; echo; cat "$(printf 'm\\376.pc')"
      echo "entries=$(ls -A | wc -l | tr -d ' ')"
      """, in: dir, stdin: stdin)
    #expect(r.stdout.contains("  saved 1 layer to m\\xFE.pc\n"))
    #expect(r.stdout.contains("  loaded 1 layer"))
    #expect(r.stdout.contains(Self.saved))
    #expect(r.stderr.contains("error: m\\xFF.pc: cannot read: no such file or directory"))
    // Only the file of that name was made (no U+FFFD name, no temporary file).
    #expect(r.stdout.hasSuffix(Self.saved + "entries=1\n"))
  }

  // MARK: 5. text is validated as UTF-8

  @Test func loadAcceptsTheReplacementCharacterAndRefusesInvalidUTF8() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Data("input (4,)\nadd dense units=2 name='\u{FFFD}'\n".utf8).write(
      to: dir.appendingPathComponent("ok.pc"))
    // An overlong '/', a lone surrogate, a truncated sequence.
    for (i, bad) in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82]].enumerated() {
      try Data(Array("input (4,)\nadd dense units=2 name=a".utf8) + bad.map(UInt8.init) + [0x0A])
        .write(to: dir.appendingPathComponent("bad\(i).pc"))
    }
    let r = try run("load ok.pc\nload bad0.pc\nload bad1.pc\nload bad2.pc\ntotal\n", in: dir)
    #expect(r.stdout.contains("  loaded 1 layer   total 10"))
    for i in 0..<3 {
      #expect(
        r.stderr.contains(
          "error: bad\(i).pc: line 2 is not valid UTF-8: not a paramcalc script"))
    }
    #expect(r.stdout.hasSuffix("total 10 params (10 trainable, 0 non-trainable)\n"))
  }

  // MARK: 6. long lines

  @Test func aLineOf100000ArgumentsIsReportedQuickly() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    var line = "add dense units=3"
    for i in 0..<100_000 { line += " a\(i)=1" }
    // Just under the 1 MiB line limit, so that the parser sees all of it.
    try #require(line.utf8.count + " a7=2".utf8.count < 1 << 20)
    let file = dir.appendingPathComponent("long.pc")
    try Data(("input (None,3)\n" + line + " a7=2\n").utf8).write(to: file)
    // CPU seconds of the binary (the children's line of the shell's `times`), not wall time:
    // the machine may be busy with other work.
    let r = try shell(
      "\"$PARAMCALC\" long.pc >/dev/null 2>.err2; times >&2; cat .err2 >&2", in: dir)
    let lines = r.stderr.split(separator: "\n")
    try #require(lines.count >= 3)
    let seconds = lines[1].split(separator: " ").map { field -> Double in
      let parts = field.dropLast().split(separator: "m")
      return (Double(parts.first ?? "") ?? 99) * 60 + (Double(parts.last ?? "") ?? 99)
    }.reduce(0, +)
    #expect(seconds < 5)
    #expect(
      lines[2].hasPrefix("long.pc:2:\(line.utf8.count + 2): error: argument 'a7' is given twice")
    )
  }
}
