#!/usr/bin/env python3
"""Prints the table of docs/flops.md "Checked against XLA": for each case of
Tests/ParamCalcEndToEndTests/Fixtures/keras-flops.json, paramcalc's MACs and FLOPs (run through
the built binary), XLA's FLOPs, their ratio, and what separates them as the fixture counts it in
Python: 2 x the products over padded zeros, 2 x the products of a loop's later steps, the bias
adds, and what is left (the elementwise conventions and XLA's whole-model count).

usage: swift build && python3 scripts/flops_xla_table.py
"""
import json, pathlib, subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "Tests/ParamCalcEndToEndTests/Fixtures/keras-flops.json"
BIN = ROOT / ".build/debug/paramcalc"


def paramcalc(case):
    script = [l.replace("import Tests/", f"import {ROOT}/Tests/") for l in case["script"]]
    out = subprocess.run([str(BIN), "--json"], input="\n".join(script + [case["flops"]]) + "\n",
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().split("\n")[-1])


print("| model | MACs | FLOPs | XLA FLOPs | ratio | 2 × padded | 2 × later steps | bias adds | left |")
print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
for case in json.loads(FIXTURE.read_text())["cases"]:
    o = paramcalc(case)
    types = case.get("by_type", {}).values()
    padded = 2 * sum(t.get("padding_macs", 0) for t in types)
    steps = 2 * sum(t.get("loop_macs", 0) for t in types)
    bias = sum(t.get("bias_adds", 0) for t in types)
    xla = case["xla_flops_batch1"]
    macs, flops = o["macs_per_sample"], o["flops_per_sample"]
    left = flops - padded - steps - bias - xla
    print(f"| {case['name']} | {macs:,} | {flops:,} | {xla:,} | {flops / xla:.3f} | {padded:,} | "
          f"{steps:,} | {bias:,} | {left:,} |")
