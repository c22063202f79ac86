#!/usr/bin/env python3
"""Runs the worked example that `help LAYER` ends with, for every layer type, through real Keras
(the oracle's keras_run.py, or for a merge layer's example, which reads tensors with `from`,
scripts/keras_graph_cases.py) and writes Keras's count of each to
Tests/ParamCalcEndToEndTests/Fixtures/help-examples-keras.json: {type: {"example": the example
as help prints it, "total": Keras's count}}. The examples are read from the built binary (their
text is paramcalc's); their counts are Keras's.

usage: swift build && KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_help_examples.py
The oracle is looked for in $PARAMCALC_ORACLE (default ../shared/oracle beside the repository).
"""
import json, os, pathlib, re, subprocess, sys

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.environ.get("PARAMCALC_ORACLE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "oracle")))
from keras_run import run  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_graph_cases import run as run_graph  # noqa: E402  (examples that read tensors with `from`)
from keras_quoted_layers import case as quoted_case  # noqa: E402
from keras_operations import KINDS as OPS_KINDS  # noqa: E402

# The types whose example writes layers in quotes (RNN's cell=, Pipeline's layers=, a model's
# script=).
QUOTED = ("rnn", "pipeline", "sequential", "functional")

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / ".build/debug/paramcalc"
EXAMPLE = re.compile(r"^  example: (input .*?) then (add .*?) → ([0-9,]+) params$", re.M)

layers = json.loads(subprocess.run([BIN, "--json"], input="layers\n", capture_output=True, text=True, check=True).stdout)
out = {}
refused = []
for entry in layers["layers"]:
    name = entry["type"].lower()
    text = subprocess.run([BIN], input=f"help {name}\n", capture_output=True, text=True, check=True).stdout
    m = EXAMPLE.search(text.replace("\n    ", " "))  # an example wrapped: its rest indented by 4
    assert m, (name, "no example")
    script = f"{m.group(1)}\n{m.group(2)}\n"
    if name in QUOTED:  # layers in quotes, which the oracle does not read
        c = quoted_case(m.group(1)[len("input "):], m.group(2))
        k = {"rejected_lines": [] if c["layer"] else [2],
             "rejected_reasons": {2: c["rejected"]}, "total": c["layer"] and c["layer"]["params"]}
    elif " from " in m.group(2) or " as " in m.group(2) or name in OPS_KINDS:
        # Tensors named, which the oracle does not read (nor the operations and the
        # applications' layers: keras_graph_cases builds them with keras_operations.py).
        k = run_graph(script)
    else:
        k = run(script)
    if k["rejected_lines"] or k.get("oracle_errors"):
        refused.append((name, k.get("rejected_reasons") or k.get("oracle_errors")))
        continue
    out[name] = {"example": f"{m.group(1)} then {m.group(2)}", "total": k["total"]}
target = ROOT / "Tests/ParamCalcEndToEndTests/Fixtures/help-examples-keras.json"
target.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
print(f"{len(out)} examples", file=sys.stderr)
for name, why in refused:
    print(f"Keras refuses the example of {name}: {why}", file=sys.stderr)
sys.exit(1 if refused else 0)
