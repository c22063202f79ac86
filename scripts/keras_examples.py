#!/usr/bin/env python3
"""Runs each examples/*.pc through real Keras and writes what Keras says of it to
Tests/ParamCalcEndToEndTests/Fixtures/examples-keras.json: for each example, its script (so that
a changed example without a new fixture fails the test), the layers and totals.

A straight stack goes through the oracle's keras_run.py. A graph (a line with `as NAME` or
`from A,B`, a `reuse N`, or a named `input NAME DIMS`) goes through keras_graph_cases.run, which
builds the functional model in Keras, calls each layer on the tensors it names and checks the
model's count_params() against the sum of the layers'. That runner does not read comments: they
are blanked (the lines keep their numbers) before it reads the script.

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_examples.py
The oracle is looked for in $PARAMCALC_ORACLE (default ../shared/oracle beside the repository).
"""
import json, os, pathlib, re, sys

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.environ.get("PARAMCALC_ORACLE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "oracle")))
from keras_run import run  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras_graph_cases  # noqa: E402

GRAPH = re.compile(r"^\s*reuse\s|^\s*input\s+[A-Za-z_]|\s(as|from)\s")


def is_graph(text):
    return any(GRAPH.search(line) for line in text.splitlines() if not line.lstrip().startswith("#"))


def run_graph(text):
    k = keras_graph_cases.run(
        "\n".join("" if line.lstrip().startswith("#") else line for line in text.split("\n")))
    return {**k, "script": text}


ROOT = pathlib.Path(__file__).resolve().parent.parent
out = {}
for path in sorted((ROOT / "examples").glob("*.pc")):
    text = path.read_text()
    k = run_graph(text) if is_graph(text) else run(text)
    assert not k["rejected_lines"] and not k.get("oracle_errors"), (path, k)
    out[path.name] = {"script": k["script"], "layers": k["layers"], "total": k["total"],
                      "trainable": k["trainable"], "non_trainable": k["non_trainable"]}
target = ROOT / "Tests/ParamCalcEndToEndTests/Fixtures/examples-keras.json"
target.write_text(json.dumps(out, indent=1) + "\n")
