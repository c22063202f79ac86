#!/usr/bin/env python3
"""Runs a Keras corpus (JSONL, the format of ../shared/conformance/README.md) through the built
binary with the checks of Tests/ParamCalcEndToEndTests/ConformanceTests.swift, and prints each case
that does not pass, with why (for a case that fails on a layer paramcalc lacks: the first
"not supported yet" message).

It makes the list of wide-corpus cases waiting for a layer:
  python3 scripts/conformance-check.py --waiting Tests/ParamCalcEndToEndTests/Fixtures/keras-public-wide.jsonl \
    > Tests/ParamCalcEndToEndTests/Fixtures/keras-public-wide-waiting.txt
(then read the diff: the list should only shrink).
"""
import json, os, pathlib, subprocess, sys, tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = os.environ.get("PARAMCALC_BINARY", str(ROOT / ".build/debug/paramcalc"))


def check(case):
    """None when the case passes, else a reason."""
    with tempfile.TemporaryDirectory() as cwd:
        for name, text in case.get("files", {}).items():
            pathlib.Path(cwd, name).write_text(text)
        p = subprocess.run([BIN, "--json"], input=case["script"], capture_output=True, text=True, cwd=cwd)
    objects = [json.loads(l) for l in p.stdout.splitlines()]
    errors = sorted(o["line"] for o in objects if "error" in o)
    rejected = sorted(case["rejected_lines"])
    if errors != rejected:
        extra = [o for o in objects if "error" in o and o["line"] not in rejected]
        if extra:  # the error paramcalc gives on the first line Keras accepted
            return extra[0]["error"]
        return "errors %s, Keras refused %s" % (errors, rejected)
    if (p.returncode != 0) != bool(rejected):
        return "exit status %d" % p.returncode
    summaries = [o for o in objects if o.get("command") == "summary"]
    if not summaries:
        return "no summary"
    s = summaries[-1]
    for k in ("total", "trainable", "non_trainable"):
        if s.get(k) != case[k]:
            return "%s %s, Keras %s" % (k, s.get(k), case[k])
    if len(s["layers"]) != len(case["layers"]):
        return "%d layers, Keras %d" % (len(s["layers"]), len(case["layers"]))
    for g, w in zip(s["layers"], case["layers"]):
        if g["type"].split("(")[0].lower() != w["type"].split("(")[0].lower():
            return "type %s, Keras %s" % (g["type"], w["type"])
        for k in ("params", "trainable", "non_trainable", "output_shape", "weights"):
            gw = g.get(k)
            if k == "weights":
                gw = [{"name": x["name"], "shape": x["shape"], "trainable": x["trainable"]} for x in gw or []]
            if gw != w[k]:
                return "%s %s: %s, Keras %s" % (w["type"], k, gw, w[k])
    return None


def main():
    waiting = sys.argv[1] == "--waiting"
    path = sys.argv[2] if waiting else sys.argv[1]
    cases = [json.loads(l) for l in open(path)]
    failing = [(c["id"], why) for c in cases for why in [check(c)] if why]
    if waiting:
        print("# Cases of keras-public-wide.jsonl waiting for a layer (or an argument): each line is the case id,")
        print("# a tab, and the error paramcalc gives today on the first line Keras accepted. Made by")
        print("# scripts/conformance-check.py --waiting; ConformanceTests checks that each still fails with")
        print("# exactly that error, that every other case passes, and the counts: when a layer lands, its")
        print("# cases start to pass and the test fails until they are taken off this list.")
    for cid, why in failing:
        print(f"{cid}\t{why}")
    print(f"{len(cases) - len(failing)} of {len(cases)} pass", file=sys.stderr)


if __name__ == "__main__":
    main()
