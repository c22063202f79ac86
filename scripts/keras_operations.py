#!/usr/bin/env python3
"""Builds in real Keras 3 what paramcalc's `add operation`, `add customscalelayer` and
`add layerscale` place (the oracle's keras_run.py reads keras.layers classes only): an
operation of keras.ops called on the tensors read (and the constant), or the applications'
own CustomScaleLayer (keras/src/applications/inception_resnet_v2.py) and LayerScale
(keras/src/applications/convnext.py). keras_exactness_cases.py and keras_graph_cases.py call
it; its row is made as the oracle makes one.
"""
import numpy as np
import keras
from keras.src.applications.convnext import LayerScale
from keras.src.applications.inception_resnet_v2 import CustomScaleLayer

KINDS = ("operation", "customscalelayer", "layerscale")


def call(kind, args, reads):
    """(the operation or layer, its output) for `add KIND ARGS` on `reads` (a tensor or a list
    of them)."""
    reads = reads if isinstance(reads, list) else [reads]
    args = dict(args)
    if kind == "operation":
        op = args.pop("op")
        operands = list(reads)
        if "constant" in args:
            operands.append(args.pop("constant"))
        if args:
            raise TypeError(f"keras.ops.{op}() got unexpected keyword arguments {sorted(args)}")
        y = getattr(keras.ops, op)(*operands)
        return y._keras_history.operation, y
    if kind == "customscalelayer":
        layer = CustomScaleLayer(**args)
        return layer, layer(reads if len(reads) > 1 else reads[0])
    layer = LayerScale(**args)
    return layer, layer(reads[0] if len(reads) == 1 else reads)


def row(layer, y):
    """The layer's row as the oracle writes one (an operation has no weights)."""
    ws = getattr(layer, "weights", [])
    tw = getattr(layer, "trainable_weights", [])
    t = int(sum(np.prod(w.shape) for w in tw))
    n = int(sum(np.prod(w.shape) for w in ws)) - t
    return {"type": type(layer).__name__, "params": t + n, "trainable": t, "non_trainable": n,
            "output_shape": [None if d is None else int(d) for d in y.shape],
            "weights": [{"name": w.name, "shape": [int(d) for d in w.shape],
                         "trainable": any(w is v for v in tw)} for w in ws]}


def case(inp, add):
    """One exactness case: `input INP` then `add KIND ARGS [from input,...]`."""
    from keras_run import value, dims
    toks = add.split()[1:]
    sources = None
    if "from" in toks:
        sources = toks[toks.index("from") + 1].split(",")
        toks = toks[:toks.index("from")]
    args = {k: value(v) for k, v in (t.split("=", 1) for t in toks[1:])}
    keras.backend.clear_session()  # (a weight made without a name is `variable`, not `variable_3`)
    x = keras.Input(shape=dims(inp))
    try:
        layer, y = call(toks[0].lower(), args, [x] * len(sources) if sources else x)
    except Exception as e:
        return {"input": inp, "add": add, "layer": None,
                "rejected": f"{type(e).__name__}: {e}".splitlines()[0][:300]}
    return {"input": inp, "add": add, "layer": row(layer, y), "rejected": None}
