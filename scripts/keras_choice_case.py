#!/usr/bin/env python3
"""Asks real Keras, for every argument of the catalog that takes one of a few words (a choice),
whether it takes each word in upper case as well as in lower case: `padding=SAME` (Keras
lower-cases it first) or `merge_mode=SUM` (Keras compares it as written). Each case is the
layer's `help` example with the argument set to the word, run through the oracle's keras_run.py;
writes Tests/ParamCalcEndToEndTests/Fixtures/keras-choice-case.json: a list of {"type",
"argument", "value", "input", "add", "accepted"} (and Keras's reason when refused), which
ChoiceCaseTests compares paramcalc with, case by case.

The choice arguments are read from the built binary's `help LAYER` in JSON (an argument whose
`accepts` is a list of words); the answers are Keras's.

usage: swift build && KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_choice_case.py
The oracle is looked for in $PARAMCALC_ORACLE (default ../shared/oracle beside the repository).
"""
import json, os, pathlib, re, subprocess, sys

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.environ.get("PARAMCALC_ORACLE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "oracle")))
from keras_run import run  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from keras_graph_cases import run as run_graph  # noqa: E402  (examples that read tensors with `from`)

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / ".build/debug/paramcalc"
EXAMPLE = re.compile(r"^  example: input (.*?) then (add .*?) → ([0-9,]+) params$", re.M)
WORDS = re.compile(r"^[a-z0-9_]+(, [a-z0-9_]+)+$")


def ask(line):
    return json.loads(subprocess.run([BIN, "--json"], input=line + "\n", capture_output=True, text=True, check=True).stdout)


layers = ask("layers")["layers"]
cases = []
for entry in layers:
    name = entry["type"].lower()
    h = ask(f"help {name}")
    choices = [a for a in h.get("arguments", []) if WORDS.match(a["accepts"])]
    if not choices:
        continue
    text = subprocess.run([BIN], input=f"help {name}\n", capture_output=True, text=True, check=True).stdout
    m = EXAMPLE.search(text.replace("\n    ", " "))
    assert m, (name, "no example")
    shape, add = m.group(1), m.group(2)
    if '"' in add:
        print(f"{name}: its example is not one the oracle reads; left out", file=sys.stderr)
        continue
    for a in choices:
        for word in a["accepts"].split(", "):
            if word == "none":
                continue  # None, unquoted, is no word (paramcalc reads NONE as None too)
            for written in (word, word.upper()):
                toks = [t for t in add.split() if not t.startswith(a["name"] + "=")]
                # The argument goes before `as` and `from`, which close the line.
                k0 = next((i for i, t in enumerate(toks) if t in ("as", "from")), len(toks))
                line = " ".join(toks[:k0] + [f"{a['name']}={written}"] + toks[k0:])
                script = f"input {shape}\n{line}\n"
                k = run_graph(script) if k0 < len(toks) else run(script)
                assert not k.get("oracle_errors"), (line, k)
                case = {"type": entry["type"], "argument": a["name"], "value": written,
                        "input": shape, "add": line, "accepted": not k["rejected_lines"]}
                if k["rejected_lines"]:
                    case["reason"] = k["rejected_reasons"][k["rejected_lines"][0]]
                cases.append(case)
target = ROOT / "Tests/ParamCalcEndToEndTests/Fixtures/keras-choice-case.json"
target.write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")
print(f"{len(cases)} cases", file=sys.stderr)
