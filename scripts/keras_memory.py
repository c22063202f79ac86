#!/usr/bin/env python3
"""Asks real Keras 3 what `memory` counts, for a few models, and writes
Tests/ParamCalcEndToEndTests/Fixtures/keras-memory.json: for each case, the paramcalc script,
the `memory` line, and Keras's bytes of
- the weights: every variable of model.weights, its size times the bytes of its dtype (float32
  under a mixed_* policy: Keras keeps the variables in float32);
- the trainable variables (a gradient each, in the variable's dtype: the optimizers cast the
  gradient to variable.dtype);
- the optimizer's variables once built on model.trainable_variables (the iteration count and
  the learning rate left out);
- the layers' outputs per sample (their batch axis left out), in their own dtype: the compute
  dtype.
MemoryEndToEndTests runs the same lines through paramcalc and compares.

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_memory.py
"""
import json, math, os, pathlib

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests/ParamCalcEndToEndTests/Fixtures/keras-memory.json"


def size(v):
    return int(np.prod(v.shape)) * np.dtype(keras.backend.standardize_dtype(v.dtype)).itemsize


def dense_bn():
    return keras.Sequential([keras.Input((784,)), L.Dense(10), L.BatchNormalization()])


def frozen():
    return keras.Sequential([keras.Input((784,)), L.Dense(10, trainable=False), L.Dense(2)])


def conv():
    return keras.Sequential([keras.Input((28, 28, 1)), L.Conv2D(8, 3), L.MaxPooling2D(),
                             L.Flatten(), L.Dense(10)])


def shared():
    a, b = keras.Input((8,)), keras.Input((8,))
    d = L.Dense(4)
    return keras.Model([a, b], L.Concatenate()([d(a), d(b)]))


# (name, paramcalc script, memory options, Keras model, dtype policy, optimizer)
CASES = [
    ("dense-bn-adam", ["input (784,)", "add dense units=10", "add batchnormalization"],
     "memory optimizer=adam", dense_bn, "float32", lambda: keras.optimizers.Adam()),
    ("dense-bn-sgd", ["input (784,)", "add dense units=10", "add batchnormalization"],
     "memory optimizer=sgd", dense_bn, "float32", lambda: keras.optimizers.SGD()),
    ("dense-bn-momentum", ["input (784,)", "add dense units=10", "add batchnormalization"],
     "memory optimizer=momentum", dense_bn, "float32", lambda: keras.optimizers.SGD(momentum=0.9)),
    ("dense-bn-rmsprop", ["input (784,)", "add dense units=10", "add batchnormalization"],
     "memory optimizer=rmsprop", dense_bn, "float32", lambda: keras.optimizers.RMSprop()),
    ("frozen-adam", ["input (784,)", "add dense units=10 trainable=false", "add dense units=2"],
     "memory", frozen, "float32", lambda: keras.optimizers.Adam()),
    ("conv-mixed-bfloat16", ["input 28x28x1", "add conv2d filters=8 kernel_size=3",
                             "add maxpooling2d", "add flatten", "add dense units=10"],
     "memory dtype=bfloat16 mixed=true", conv, "mixed_bfloat16", lambda: keras.optimizers.Adam()),
    ("conv-mixed-float16", ["input 28x28x1", "add conv2d filters=8 kernel_size=3",
                            "add maxpooling2d", "add flatten", "add dense units=10"],
     "memory dtype=float16 mixed=true optimizer=momentum", conv, "mixed_float16",
     lambda: keras.optimizers.SGD(momentum=0.9)),
    ("conv-float16", ["input 28x28x1", "add conv2d filters=8 kernel_size=3", "add maxpooling2d",
                      "add flatten", "add dense units=10"],
     "memory dtype=float16", conv, "float16", lambda: keras.optimizers.Adam()),
    ("shared-adam", ["input a (8,)", "input b (8,)", "add dense units=4 as left from a",
                     "reuse 3 from b as right", "add concatenate from left,right"],
     "memory", shared, "float32", lambda: keras.optimizers.Adam()),
]


def case(name, script, line, build, policy, optimizer):
    keras.config.set_dtype_policy(policy)
    try:
        model = build()
        opt = optimizer()
        opt.build(model.trainable_variables)
        slots = [v for v in opt.variables if v.name not in ("iteration", "learning_rate")]
        # Each layer call's outputs: the model's graph, node by node (a layer called twice: twice).
        outputs = 0
        for layer in model.layers:
            if isinstance(layer, L.InputLayer):
                continue
            for node in layer._inbound_nodes:
                for t in keras.tree.flatten(node.output_tensors):
                    n = math.prod(int(d) for d in t.shape[1:])
                    outputs += n * np.dtype(keras.backend.standardize_dtype(t.dtype)).itemsize
        return {
            "name": name, "script": script, "memory": line, "policy": policy,
            "weights_bytes": sum(size(v) for v in model.weights),
            "gradients_bytes": sum(size(v) for v in model.trainable_variables),
            "optimizer_bytes": sum(size(v) for v in slots),
            "activation_bytes_per_sample": outputs,
        }
    finally:
        keras.config.set_dtype_policy("float32")


if __name__ == "__main__":
    cases = [case(*c) for c in CASES]
    OUT.write_text(json.dumps({"keras": keras.__version__, "cases": cases}, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")
