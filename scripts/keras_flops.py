#!/usr/bin/env python3
"""Asks XLA what a forward pass of a few Keras 3 models costs, and writes
Tests/ParamCalcEndToEndTests/Fixtures/keras-flops.json: for each case, the paramcalc script and
the FLOPs XLA counts for one sample (batch 1), read from
`jax.jit(fn).lower(x).compile().cost_analysis()["flops"]` where fn is the model's forward pass
(training=False). FlopsEndToEndTests runs the same scripts through `flops` and compares: equal
where the conventions agree (`agree`: "flops" for Dense and Conv without bias, padding or
activation; "macs" where XLA's count is 2 x MACs because it does not count a bias added inside
the fused dot or convolution), a stated ratio where they differ (XLA counts an activation, a
pooling window or a softmax in its own way, and counts the body of an LSTM's loop once, not once
per timestep).

The examples whose models are chains (examples/lenet5.pc, examples/seed-conv1d.pc) are read by a
small reader of `input` and `add` lines.

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_flops.py
"""
import ast, json, os, pathlib, re

os.environ.setdefault("KERAS_BACKEND", "jax")
import jax  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests/ParamCalcEndToEndTests/Fixtures/keras-flops.json"
CLASSES = {n.lower(): getattr(L, n) for n in dir(L) if isinstance(getattr(L, n), type)}


def value(v):
    if v.lower() in ("true", "false"):
        return v.lower() == "true"
    if re.fullmatch(r"\d+(x\d+)+", v):
        return tuple(int(x) for x in v.split("x"))
    try:
        return ast.literal_eval(v)
    except Exception:
        return v


LENGTH = 100  # the size given to an unknown axis (None): `flops length=100`


def dims(s):
    s = s.strip()
    parts = s.strip("()").split(",") if s.startswith("(") else s.split("x")
    return tuple(LENGTH if d.strip() == "None" else int(d) for d in parts if d.strip())


def chain(lines):
    """A Sequential model from `input DIMS` and `add TYPE key=value ...` lines."""
    shape, layers = None, []
    for raw in lines:
        line = raw.split("#")[0].strip()
        if line.startswith("input "):
            shape = dims(line[6:])
        elif line.startswith("add "):
            toks = line[4:].split()
            args = {k: value(v) for k, v in (t.split("=", 1) for t in toks[1:])}
            layers.append(CLASSES[toks[0].lower()](**args))
    return keras.Sequential([keras.Input(shape)] + layers), shape


def mha(lines):
    """Self-attention on the input: MultiHeadAttention(x, x)."""
    x = keras.Input((16, 32))
    y = L.MultiHeadAttention(num_heads=4, key_dim=8)(x, x)
    return keras.Model(x, y), (16, 32)


def xla_flops(model, shape):
    x = np.zeros((1,) + tuple(shape), dtype="float32")
    fn = jax.jit(lambda t: model(t, training=False))
    cost = fn.lower(x).compile().cost_analysis()
    if isinstance(cost, (list, tuple)):
        cost = cost[0]
    return int(round(cost["flops"]))


MLP = ["input (784,)", "add dense units=64 activation=relu", "add dense units=10"]
CNN = ["input 28x28x1", "add conv2d filters=8 kernel_size=3 activation=relu", "add maxpooling2d",
       "add flatten", "add dense units=10"]
# (name, script, builder, what agrees: "flops", "macs" (XLA = 2 x MACs), or None (a ratio))
CASES = [
    ("dense", ["input (784,)", "add dense units=10"], chain, "macs"),
    ("dense-no-bias", ["input (784,)", "add dense units=10 use_bias=false"], chain, "flops"),
    ("conv2d-valid", ["input 28x28x1", "add conv2d filters=8 kernel_size=3 use_bias=false"],
     chain, "flops"),
    ("conv1d-valid-bias", ["input (50,4)", "add conv1d filters=6 kernel_size=5"], chain, "macs"),
    ("mlp", MLP, chain, None),
    ("cnn", CNN, chain, None),
    ("lstm", ["input (10,16)", "add lstm units=32"], chain, None),
    ("mha-self", ["input (16,32)", "add multiheadattention num_heads=4 key_dim=8"], mha, None),
]
for example in ("lenet5", "seed-conv1d"):
    text = (ROOT / "examples" / f"{example}.pc").read_text().splitlines()
    CASES.append((f"example-{example}", [l for l in text if l.startswith(("input ", "add "))],
                  chain, None))


if __name__ == "__main__":
    cases = []
    for name, script, build, agree in CASES:
        model, shape = build(script)
        line = "flops" + (f" length={LENGTH}" if any("None" in l for l in script) else "")
        cases.append({"name": name, "script": script, "flops": line, "agree": agree,
                      "xla_flops_batch1": xla_flops(model, shape)})
        print(name, cases[-1]["xla_flops_batch1"])
    OUT.write_text(json.dumps({"keras": keras.__version__, "jax": jax.__version__,
                               "cases": cases}, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")
