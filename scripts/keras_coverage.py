#!/usr/bin/env python3
"""Asks Keras 3 for every class `keras.layers` exports and writes docs/coverage.md: each class
computed by paramcalc (with its family) or left out (with paramcalc's reason). What paramcalc
computes and leaves out comes from the binary itself (`layers` with --json: the catalog, Keras's
aliases, and the left-out classes with their reasons), so the table says what the catalog says;
CoverageTests fails when they disagree. A class Keras exports that paramcalc neither computes nor
lists as left out stops this script with an error: every class is accounted for.

usage: swift build && KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_coverage.py
The binary is $PARAMCALC_BINARY (default .build/debug/paramcalc).
"""
import inspect, json, os, pathlib, subprocess, sys, textwrap

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

root = pathlib.Path(__file__).resolve().parent.parent
binary = os.environ.get("PARAMCALC_BINARY", str(root / ".build/debug/paramcalc"))
listing = json.loads(subprocess.run([binary, "--json"], input="layers\n", capture_output=True,
                                    text=True, check=True).stdout)
computed = {}
for layer in listing["layers"]:
    for name in [layer["type"]] + layer.get("aliases", []):
        computed[name.lower()] = layer
left_out = {entry["type"].lower(): entry for entry in listing["left_out"]}

classes = {}  # class -> the names keras.layers exports it under
for name in sorted(dir(keras.layers)):
    obj = getattr(keras.layers, name)
    if not name.startswith("_") and inspect.isclass(obj):
        classes.setdefault(obj, []).append(name)
# And the two classes of a model used as a layer: keras.Sequential, and the Functional model
# that keras.Model(inputs, outputs) makes.
from keras.src.models.functional import Functional  # noqa: E402
classes[keras.Sequential] = ["Sequential"]
classes[Functional] = ["Functional"]

rows, unaccounted, counts = [], [], {"computed": 0, "left out": 0}
for cls, names in sorted(classes.items(), key=lambda kv: kv[0].__name__.lower()):
    module = cls.__module__.replace("keras.src.", "").replace(".", "/") + ".py"
    hit = next((computed[n.lower()] for n in names if n.lower() in computed), None)
    out = next((left_out[n.lower()] for n in names if n.lower() in left_out), None)
    if hit and out:
        sys.exit(f"{cls.__name__}: both computed and left out")
    if hit:
        status = f"computed ({hit['family']})"; counts["computed"] += 1
    elif out:
        status = f"left out: {out['reason']}"; counts["left out"] += 1
    else:
        unaccounted.append(cls.__name__); continue
    rows.append(f"| `{cls.__name__}` | {', '.join(f'`{n}`' for n in names)} | `{module}` | {status} |")
if unaccounted:
    sys.exit("neither computed nor left out (add each to the catalog or to LayerCatalog.leftOut): "
             + ", ".join(unaccounted))

intro = (f"Every class that `keras.layers` exports in Keras {keras.__version__}, and the two classes of a "
         f"model used as a layer (`Sequential`, `Functional`): {len(rows)} classes, of "
         f"which paramcalc computes {counts['computed']} and leaves {counts['left out']} out, each with its "
         "reason (the message `add` gives for it). Written by `scripts/keras_coverage.py`, which asks "
         "Keras for the classes and paramcalc (`layers` with `--json`) for what it computes; "
         "`CoverageTests` fails when this table and the catalog disagree.")
text = ("# Keras 3 layers in paramcalc\n\n" + textwrap.fill(intro, 100) + "\n\n"
        "| Keras class | exported as | defined in | paramcalc |\n|---|---|---|---|\n"
        + "\n".join(rows) + "\n")
(root / "docs/coverage.md").write_text(text)
print(f"docs/coverage.md: {len(rows)} classes, {counts['computed']} computed, {counts['left out']} left out")
