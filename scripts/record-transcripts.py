#!/usr/bin/env python3
"""Records the binary's transcripts into Tests/ParamCalcEndToEndTests/TranscriptTests.swift.

What it writes is the binary's own output, recorded, not checked: the transcript test then holds
the binary to it exactly (stdout, stderr, exit status), so a change in it must be reviewed. The
numbers in it that Keras can give are checked apart, against Keras: after changing CASES, run
scripts/keras_transcripts.py too (it reads CASES from here), and TranscriptTests checks every
count and shape each transcript prints against that fixture.

Run after `swift build` when an output format changes on purpose, then read the diff.
"""
import subprocess, sys, pathlib, tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / ".build/debug/paramcalc"
CASES = [
    ("seedConv1D", [], "input (None,25)\nadd conv1d filters=64 kernel_size=5\nexplain 1\n"),
    ("seedConv2D", [], "input (None,None,25)\nadd conv2d filters=64 kernel_size=(3,3)\nexplain\n"),
    ("editsAndTotals", [], "# a small CNN\ninput 28x28x1\nadd conv2d filters=8 kernel=3\nadd maxpooling2d\nadd flatten\n"
     "add dense units=10\ninsert 3 batchnormalization\nremove 2\nset 1 filters=16\nundo\nredo\ntotal\nclear\nundo\nsummary\n"),
    ("errors", [], "input (None,25)\nadd conv1d filters=64 kernel=5\nadd dense units=10 units=3\nadd convv1d filters=3\n"
     "add dense unitz=3\nadd dense\nundo undo\nremove 7\nadd dense units=0\nadd dropout rate=1.5\ninput\n"
     "add conv2d kernel_size=(3,\nadd dense units=9223372036854775807\nadd concatenate axis=-1\nfrobnicate\n"
     "add conv1d filters=4 kernel_size=3 padding=sme\ninput (None,None,25)\ntotal\n"),
    ("kerasRefusal", [], "input (3,2)\nadd conv1d filters=2 kernel_size=5\nadd maxpooling2d\n"),
    ("bail", ["--bail"], "input (4,)\nadd dense units=2\nadd dense units=0\nadd dense units=3\n"),
    ("json", ["--json"], "input (None,25)\nadd conv1d filters=64 kernel_size=5\n\n# comment\n"
     "add batchnormalization trainable=false\ntotal\nexplain 1\nundo\nadd convv1d\nsummary\n"),
    ("quitStops", [], "input (4,)\nquit\nadd dense units=3\n"),
    ("help", [], "help add\nhelp lstm\nhelp nosuch\n"),
    ("layers", [], "layers\n"),
    ("saveLoad", [], "input (None,25)\nadd conv1d filters=64 kernel=5 activation=relu\nadd bidirectional gru units=8 trainable=false\n"
     "save m.pc\nclear\nload m.pc\nsummary\nundo\ntotal\nload missing.pc\nload m.pc extra\n"),
    ("wrongKinds", [], "input (4,)\nadd dense units=abc\nadd dense units=3 use_bias=maybe\nadd conv1d filters=2 kernel_size=(1,2)\n"
     "input 28xx28\nexplain\nset 1 units=2\ninsert 5 dense units=2\nadd bidirectional\nadd bidirectional dense units=2\n"),
    ("jsonErrorsAndExplainAll", ["--json"], "input (3,)\nadd dense units=2\nadd relu\nexplain all\nfrobnicate\nremove 9\n"),
    ("convLSTM", [], "input (None,64,64,1)\nadd convlstm2d filters=64 kernel_size=5 padding=same return_sequences=true\n"
     "explain\nadd bidirectional convlstm2d filters=8 kernel_size=3 strides=2\nadd convlstm1d filters=4 kernel_size=3\n"
     "add convlstm2d filters=4 kernel_size=3 return_state=true\nadd convlstm2d filters=4 kernel_size=3 strides=2 dilation_rate=2\n"
     "input (None,None,64,1)\nsummary\n"),
    ("audio", [], "input (16000,1)\nadd stftspectrogram frame_length=400 frame_step=160 fft_length=512 trainable=false\n"
     "explain 1\nadd stftspectrogram frame_step=500\nadd stftspectrogram mode=real expand_dims=true\nclear\n"
     "input (16000,)\nadd melspectrogram num_mel_bins=64 sequence_stride=160\nexplain 1\n"
     "add melspectrogram fft_length=512 sequence_length=1024\nadd stftspectrogram\nsummary\n"),
]


def lit(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def block(s):
    return "[\n" + "".join("        " + lit(l) + ",\n" for l in s.split("\n")) + '      ].joined(separator: "\\n")'


HEADER = ("// Recorded output of the binary, written by scripts/record-transcripts.py: not checked by the recorder;\n"
          "// review every change to it. Its Keras numbers are checked by TranscriptKerasTests against\n"
          "// Fixtures/transcripts-keras.json (scripts/keras_transcripts.py).")


def main():
    out = [HEADER,
           "import Testing", "", "/// Transcripts of the binary on scripts: stdout, stderr and exit status, exactly.",
           '@Suite("Script mode transcripts")', "struct TranscriptTests {",
           "  struct Case: CustomTestStringConvertible, Sendable {",
           "    var name: String", "    var arguments: [String]", "    var script: String", "    var stdout: String",
           "    var stderr: String", "    var status: Int32", "    var testDescription: String { name }", "  }", "",
           "  static let cases: [Case] = ["]
    for name, args, script in CASES:
        with tempfile.TemporaryDirectory() as cwd:
            p = subprocess.run([str(BIN)] + args, input=script, capture_output=True, text=True, env={"PATH": "/usr/bin"}, cwd=cwd)
        out.append(f"    Case(name: {lit(name)}, arguments: [{', '.join(lit(a) for a in args)}], script: {lit(script)},")
        out.append(f"      stdout: {block(p.stdout)},")
        out.append(f"      stderr: {block(p.stderr)},")
        out.append(f"      status: {p.returncode}),")
    out.append("  ]")
    out.append("""
  @Test(arguments: cases)
  func transcript(_ c: Case) throws {
    let r = try Binary.run(c.arguments, stdin: c.script)
    #expect(r.stdout == c.stdout)
    #expect(r.stderr == c.stderr)
    #expect(r.status == c.status)
  }
}
""")
    target = ROOT / "Tests/ParamCalcEndToEndTests/TranscriptTests.swift"
    target.write_text("\n".join(out))
    subprocess.run(["swift", "format", "--in-place", str(target)], check=False)


if __name__ == "__main__":
    main()
