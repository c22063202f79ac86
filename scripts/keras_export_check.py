#!/usr/bin/env python3
"""Checks `export keras` round trip through real Keras 3: each script of examples/*.pc, the graph
scripts of scripts/keras_graph_cases.py and a few cases below is run by paramcalc, which exports
the model as a Python script (`export keras`) and its summary as CSV (`export csv`, whose last
record holds paramcalc's total); the Python script is run with Keras and the number it prints
last (model.count_params()) is compared with paramcalc's total. A script whose export paramcalc
refuses (a layer it cannot write in Keras) is recorded with the refusal.

Writes Tests/ParamCalcEndToEndTests/Fixtures/keras-export.json: for each case its id, the
paramcalc script, and either the exported Python text, paramcalc's total and Keras's
count_params(), or the refusal. ExportKerasFixtureTests compares today's export with the text
Keras ran, and Keras's count with today's total. Exits 1 when a count differs.

usage: swift build && KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_export_check.py
The binary is $PARAMCALC (default .build/debug/paramcalc); the Python that runs the exported
scripts is this one (sys.executable).
"""
import csv, io, json, os, pathlib, subprocess, sys, tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = os.environ.get("PARAMCALC", str(ROOT / ".build" / "debug" / "paramcalc"))
FIXTURE = ROOT / "Tests" / "ParamCalcEndToEndTests" / "Fixtures" / "keras-export.json"

# Cases of what the examples and graph cases do not show: a model used as a layer, a frozen
# layer, the wrappers with their own arguments, cross-attention on three tensors, two outputs,
# a branch left dead (no `output`: every layer no other reads is an output), token ids,
# operations on tensors (keras.ops), and a layer that keras.layers does not export.
EXTRA = {
    "nested-sequential-and-functional": """input (5,3)
add sequential script="input (None,3); add dense units=4 activation=relu"
add functional script="input a (None,4); add dense units=4 as h from a; add dense units=2 from h"
add flatten
add dense units=1
""",
    "frozen-and-wrappers": """input (10,8)
add bidirectional lstm units=6 merge_mode=sum return_sequences=true
add timedistributed dense units=3 trainable=false
add spectralnormalization dense units=2 power_iterations=2
add gru units=4 reset_after=false
""",
    "cross-attention-three-tensors": """input (5,16)
input memory (7,16)
input keys (7,8)
add multiheadattention num_heads=2 key_dim=4 from input,memory,keys as attn
add layernormalization
add dense units=3
""",
    "two-outputs-and-a-dead-branch": """input (16,)
add dense units=8 as a
add dense units=4 from a as b
add dense units=2 from a as c
add dense units=5 from input as unused
output b,c
""",
    "branches-without-output": """input (16,)
add dense units=8 as a
add dense units=4 from a as b
add dense units=2 from input as c
""",
    "token-ids": """input (20,)
add embedding input_dim=500 output_dim=16
add gru units=8 return_sequences=true
add globalmaxpooling1d
add dense units=2 activation=softmax
""",
    "operations-on-tensors": """input (8,8,16)
input scale (1,1,16)
add conv2d filters=16 kernel_size=1 from input as c
add operation op=add constant=3.0
add relu max_value=6.0
add operation op=multiply constant=0.16666666666666666
add operation op=multiply from c,#5
add operation op=multiply from #6,scale
add operation op=relu6
add globalaveragepooling2d
""",
    "refused-application-layer": """input (4,)
add dense units=4
add layerscale init_values=0.1 projection_dim=4
""",
}


def cases():
    for path in sorted((ROOT / "examples").glob("*.pc")):
        yield "example-" + path.stem, path.read_text()
    sys.path.insert(0, str(ROOT / "scripts"))
    os.environ.setdefault("PARAMCALC_ORACLE", str(ROOT.parent / "shared" / "oracle"))
    try:
        from keras_graph_cases import CASES
    except Exception as e:  # the oracle is not beside the repository
        print(f"graph cases left out: {e}", file=sys.stderr)
        CASES = {}
    for name, text in CASES.items():
        yield "graph-" + name, text
    yield from EXTRA.items()


def check(case_id, script):
    with tempfile.TemporaryDirectory() as d:
        stdin = script.rstrip("\n") + "\nexport keras model.py\nexport csv model.csv\n"
        p = subprocess.run([BINARY], input=stdin, capture_output=True, text=True, cwd=d)
        py, table = pathlib.Path(d, "model.py"), pathlib.Path(d, "model.csv")
        if not table.exists():
            return {"id": case_id, "script": script, "error": p.stderr[-400:]}
        total = int(list(csv.reader(io.StringIO(table.read_text())))[-1][4])
        if not py.exists():
            refusal = [l for l in p.stderr.splitlines() if "export keras" in l]
            return {"id": case_id, "script": script, "total": total,
                    "refused": refusal[0] if refusal else p.stderr[-400:]}
        python = py.read_text()
        env = dict(os.environ, KERAS_BACKEND=os.environ.get("KERAS_BACKEND", "jax"))
        k = subprocess.run([sys.executable, str(py)], capture_output=True, text=True, cwd=d, env=env)
        out = {"id": case_id, "script": script, "python": python, "total": total}
        lines = k.stdout.strip().splitlines()
        if k.returncode == 0 and lines and lines[-1].strip().isdigit():
            out["keras_count_params"] = int(lines[-1])
        else:
            out["keras_error"] = (k.stderr.strip().splitlines() or ["no output"])[-1][:400]
        return out


def main():
    results = [check(i, s) for i, s in cases()]
    bad = 0
    for r in results:
        if "keras_count_params" in r:
            ok = r["keras_count_params"] == r["total"]
            bad += not ok
            print(f"{'ok  ' if ok else 'DIFF'} {r['id']}: paramcalc {r['total']}, keras {r['keras_count_params']}")
        elif "refused" in r:
            print(f"refused {r['id']}: {r['refused']}")
        else:
            bad += 1
            print(f"FAIL {r['id']}: {r.get('keras_error') or r.get('error')}")
    FIXTURE.write_text(json.dumps({"cases": results}, indent=1) + "\n")
    print(f"{len(results)} cases, {bad} failing; wrote {FIXTURE.relative_to(ROOT)}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
