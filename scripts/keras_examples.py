#!/usr/bin/env python3
"""Runs each examples/*.pc through real Keras (the oracle's keras_run.py) and writes what Keras
says of it to Tests/ParamCalcEndToEndTests/Fixtures/examples-keras.json: for each example, its
script (so that a changed example without a new fixture fails the test), the layers and totals.

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_examples.py
The oracle is looked for in $PARAMCALC_ORACLE (default ../shared/oracle beside the repository).
"""
import json, os, pathlib, sys

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.environ.get("PARAMCALC_ORACLE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "oracle")))
from keras_run import run  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
out = {}
for path in sorted((ROOT / "examples").glob("*.pc")):
    k = run(path.read_text())
    assert not k["rejected_lines"] and not k.get("oracle_errors"), (path, k)
    out[path.name] = {"script": k["script"], "layers": k["layers"], "total": k["total"],
                      "trainable": k["trainable"], "non_trainable": k["non_trainable"]}
target = ROOT / "Tests/ParamCalcEndToEndTests/Fixtures/examples-keras.json"
target.write_text(json.dumps(out, indent=1) + "\n")
