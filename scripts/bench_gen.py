#!/usr/bin/env python3
"""Deterministic generator of benchmark scripts for `make bench`.

usage: bench_gen.py LINES SEED > script.pc

Mostly `add` of mixed layers (dense, conv, rnn, normalization, pooling) on a (None, 64) sequence,
with undo, redo, set, insert and remove sprinkled in; every line is valid (the generator tracks the
model and its undo/redo history as paramcalc does), and the script ends in `total`.
"""
import random
import sys

LAYERS = [
    ("dense", "add dense units=64"),
    ("conv", "add conv1d filters=64 kernel_size=3 padding=same"),
    ("lstm", "add lstm units=64 return_sequences=true"),
    ("gru", "add gru units=64 return_sequences=true"),
    ("norm", "add layernormalization"),
    ("bn", "add batchnormalization"),
    ("pool", "add maxpooling1d pool_size=2 padding=same"),
    ("dropout", "add dropout rate=0.1"),
]


def main():
    lines, seed = int(sys.argv[1]), int(sys.argv[2])
    r = random.Random(seed)
    out = ["input (None,64)"]
    model = []  # [kind, use_bias] per layer
    undo, redo = [], []  # edits: ("ins", i, entry) / ("rem", i, entry) / ("set", i, old, new)

    def apply(e, inverse):
        kind = e[0]
        if kind == "set":
            model[e[1]][1] = e[2] if inverse else e[3]
        elif (kind == "ins") != inverse:
            model.insert(e[1], list(e[2]))
        else:
            del model[e[1]]

    while len(out) < lines - 1:
        x = r.random()
        if x < 0.06 and undo:
            e = undo.pop(); apply(e, True); redo.append(e); out.append("undo")
        elif x < 0.09 and redo:
            e = redo.pop(); apply(e, False); undo.append(e); out.append("redo")
        elif x < 0.11 and any(m[0] == "dense" for m in model[-50:]):
            i = max(j for j in range(max(0, len(model) - 50), len(model)) if model[j][0] == "dense")
            old = model[i][1]
            e = ("set", i, old, not old); apply(e, False); undo.append(e); redo.clear()
            # Each set flips use_bias, so it always changes the layer (an unchanged set records nothing).
            out.append(f"set {i + 1} use_bias={'true' if not old else 'false'}")
        elif x < 0.13 and model:
            i = max(0, len(model) - r.randint(1, 50))
            k, line = r.choice(LAYERS)
            e = ("ins", i, [k, True]); apply(e, False); undo.append(e); redo.clear()
            out.append(line.replace("add", f"insert {i + 1}", 1))
        elif x < 0.15 and model:
            i = max(0, len(model) - r.randint(1, 50))
            e = ("rem", i, list(model[i])); apply(e, False); undo.append(e); redo.clear()
            out.append(f"remove {i + 1}")
        else:
            k, line = r.choice(LAYERS)
            e = ("ins", len(model), [k, True]); apply(e, False); undo.append(e); redo.clear()
            out.append(line)
    out.append("total")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
