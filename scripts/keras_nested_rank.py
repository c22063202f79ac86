#!/usr/bin/env python3
"""Asks Keras what a model used as a layer does with an input of another rank.

For each (model input, tensor) pair it builds `Sequential([Input(inner), Dense(4)])`, calls it
on a symbolic tensor of the outer shape (the output shape and count Keras's summary shows), then
on data of that shape (where `Functional._adjust_input_rank` refuses ranks that differ by more
than a last axis of size 1). Its output is the table of NestedRankTests (run with
KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_nested_rank.py).
"""
import keras, numpy as np

CASES = [
    ((None, 3), (5, 3)), ((None, 3), (5, 3, 1)), ((3, 1), (3,)), ((4,), (4, 1)),
    ((5, 1), (5, 1, 1)), ((None, None, 1), (7, 7)), ((None, 3), (6,)), ((None, 3), (3,)),
    ((2, 3), (2, 3, 1, 1)), ((None, 3), (2, 5, 3)), ((4,), (7, 1)), ((4,), (2, 4)),
]


def dims(shape):
    return "(" + ",".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


for inner, outer in CASES:
    m = keras.Sequential([keras.Input(inner), keras.layers.Dense(4)])
    try:
        y = m(keras.Input(outer))
        symbolic = str(tuple(y.shape)), m.count_params()
    except ValueError:
        symbolic = None
    try:
        m(np.zeros((2,) + tuple(d or 7 for d in outer), "float32"))
        runs = True
    except ValueError:
        runs = False
    out, count = symbolic if symbolic else ("refused", 0)
    print(f'    ("{dims(inner)}", "{dims(outer)}", "{out}", {count}, {"true" if runs else "false"}),')
