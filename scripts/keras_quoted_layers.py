"""Builds, in real Keras 3, the layers paramcalc writes with other layers in quotes (which the
oracle's keras_run.py does not read): `rnn cell="lstmcell units=8; grucell units=4"` (an RNN
around a cell, or around the StackedRNNCells Keras makes of a list) and `pipeline
layers="rescaling scale=0.5; dense units=4"` (each layer as `add` writes it, wrappers included),
and models used as layers, `sequential script="input (8,); add dense units=4"` and `functional
script="input a (8,); add dense units=4 as h from a; reuse 2 from h"` (a keras.Sequential or a
keras.Model built from the script's lines: inputs, layers, `as`, `from`, `reuse`), and makes each
case's row as the oracle makes one: {"input", "add", "layer", "rejected"}.

Used by scripts/keras_exactness_cases.py and scripts/keras_help_examples.py.
"""
import os, re, shlex, sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras_run import value, dims, weights, SHORT  # noqa: E402

L = keras.layers
CLASSES = {n.lower(): getattr(L, n) for n in dir(L) if isinstance(getattr(L, n), type)}
WRAPPERS = ("bidirectional", "timedistributed", "spectralnormalization")
# A wrapper's own arguments; the rest are the wrapped layer's.
OWN = {"bidirectional": ["merge_mode"], "spectralnormalization": ["power_iterations"],
       "timedistributed": []}
# The cells paramcalc reads in `cell=`, by its names for them (as LayerCatalog.cellName reads).
CELLS = {"simplernn": L.SimpleRNNCell, "lstm": L.LSTMCell, "gru": L.GRUCell}


def split(text):
    """The pieces of a list separated by ';' outside quotes and parentheses."""
    out, cur, quote, depth = [], "", None, 0
    for c in text:
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == ";" and depth <= 0:
            out.append(cur); cur = ""; continue
        cur += c
    return out + [cur]


def arguments(tokens):
    return {SHORT.get(k, k): v for k, v in (t.split("=", 1) for t in tokens)}


def cell(text):
    toks = shlex.split(text)
    name = toks[0].lower().replace("_", "")
    name = name[:-4] if name.endswith("cell") else name
    args = {k: value(v) for k, v in arguments(toks[1:]).items()}
    # Anything else (a layer) is given to RNN as it is, for Keras to refuse.
    return CELLS.get(name, CLASSES.get(toks[0].lower()))(**args)


def model(kind, script):
    """The keras.Sequential or keras.Model (Functional) a paramcalc script builds: `input DIMS`
    or `input NAME DIMS`, `add LAYER [as NAME] [from A,B]`, `reuse N [from A] [as NAME]`."""
    rows, named, inputs, last = [], {}, [], None   # rows: (layer, output), as paramcalc numbers
    for piece in split(script):
        toks = shlex.split(piece)
        if not toks:
            continue
        if toks[0] == "input":
            x = keras.Input(shape=dims(toks[-1]), name=toks[1] if len(toks) == 3 else None)
            inputs.append(x)
            if len(toks) == 3:
                named[toks[1]] = x
                rows.append((None, x))
            named.setdefault("input", x)
            last = x
            continue
        clauses = {}
        for k in ("from", "as"):
            if k in toks:
                i = toks.index(k)
                clauses[k] = toks[i + 1]
                del toks[i:i + 2]
        if "from" in clauses:
            srcs = [rows[int(s[1:]) - 1][1] if s.startswith("#") else named[s]
                    for s in clauses["from"].split(",")]
            arg = srcs[0] if len(srcs) == 1 else srcs
        else:
            arg = last
        if toks[0] == "reuse":
            layer = rows[int(toks[1]) - 1][0]
        else:
            layer = build(" ".join(shlex.quote(t) for t in toks[1:]))
        y = layer(arg)
        rows.append((layer, y))
        if "as" in clauses:
            named[clauses["as"]] = y
        last = y
    if kind == "sequential":
        return keras.Sequential([keras.Input(shape=inputs[0].shape[1:])]
                                + [l for l, _ in rows if l is not None])
    return keras.Model(inputs[0] if len(inputs) == 1 else inputs, last)


def build(text):
    """The layer an `add` line (without `add `) describes."""
    toks = shlex.split(text)
    if toks[0].lower() in ("sequential", "functional"):
        raw = arguments(toks[1:])
        layer = model(toks[0].lower(), raw.pop("script"))
        if not value(raw.pop("trainable", "true")):
            layer.trainable = False
        return layer
    chain = []
    while toks[0].lower() in WRAPPERS:
        chain.append(toks.pop(0).lower())
    kind, raw = toks[0].lower(), arguments(toks[1:])
    trainable = value(raw.pop("trainable", "true"))
    raw.pop("input_shape", None)
    own = {w: {k: value(raw.pop(k)) for k in OWN[w] if k in raw} for w in chain}
    if "bidirectional" in own and "backward_layer" in raw:
        own["bidirectional"]["backward_layer"] = build(raw.pop("backward_layer"))
    args = {k: value(v) for k, v in raw.items() if k not in ("cell", "layers")}
    if kind == "rnn":
        cells = [cell(p) for p in split(raw["cell"])]
        layer = L.RNN(cells if len(cells) > 1 else cells[0], **args)
    elif kind == "pipeline":
        layer = L.Pipeline([build(p) for p in split(raw["layers"]) if p.strip()], **args)
    else:
        layer = CLASSES[kind](**args)
    for w in reversed(chain):
        layer = CLASSES[w](layer, **own[w])
    if not trainable:
        layer.trainable = False
    return layer


def type_name(layer):
    """The type as paramcalc names it: RNN(LSTMCell), RNN(StackedRNNCells(LSTMCell, GRUCell)),
    Pipeline(Rescaling, Dense), Bidirectional(LSTM)."""
    if isinstance(layer, L.StackedRNNCells):
        return "StackedRNNCells(" + ", ".join(type_name(c) for c in layer.cells) + ")"
    if isinstance(layer, L.Pipeline):
        return "Pipeline(" + ", ".join(type_name(l) for l in layer.layers) + ")"
    if type(layer) is L.RNN:
        return f"RNN({type_name(layer.cell)})"
    if isinstance(layer, L.Bidirectional):
        return f"Bidirectional({type_name(layer.forward_layer)})"
    if isinstance(layer, (L.TimeDistributed, L.SpectralNormalization)):
        return f"{type(layer).__name__}({type_name(layer.layer)})"
    return type(layer).__name__


def case(inp, add):
    """One case, its row made as the oracle makes one."""
    try:
        layer = build(add[len("add "):])
        y = layer(keras.Input(shape=dims(inp)))
        if any(d is not None and d <= 0 for d in y.shape[1:]):
            raise ValueError("output size zero or negative")
        if isinstance(layer, keras.Model):
            # Called on data, a model checks the rank of what it reads (`_adjust_input_rank`),
            # which the symbolic call above skips.
            try:
                layer(np.zeros((1,) + tuple(d or 8 for d in dims(inp)), "float32"))
            except ValueError as e:
                said = re.search(r"Expected shape .*?incompatible shape \([^)]*\)", str(e))
                if "Invalid input shape" in str(e) and said:
                    raise ValueError("when the model runs: Invalid input shape. " + said[0])
    except Exception as e:
        return {"input": inp, "add": add, "layer": None,
                "rejected": f"{type(e).__name__}: {e}".splitlines()[0][:300]}
    t = int(sum(np.prod(w.shape) for w in layer.trainable_weights))
    nt = int(sum(np.prod(w.shape) for w in layer.non_trainable_weights))
    row = {"type": type_name(layer), "params": layer.count_params(), "trainable": t,
           "non_trainable": nt, "output_shape": [None if d is None else int(d) for d in y.shape],
           "weights": weights(layer)}
    return {"input": inp, "add": add, "layer": row, "rejected": None}


if __name__ == "__main__":
    import json
    print(json.dumps(case(sys.argv[1], sys.argv[2])))
