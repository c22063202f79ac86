#!/usr/bin/env python3
"""Lists, for each layer type of paramcalc's Core, Convolution, Attention, Einsum and Audio files, the keyword
arguments Keras 3 accepts, and writes them to
Tests/ParamCalcEndToEndTests/Fixtures/keras-accepted-arguments-core.json: {class: [names, sorted]}.

An argument is accepted when constructing the class with it (value None, the required
arguments given valid values) does not fail with "Unrecognized keyword arguments" (Layer.__init__)
or a TypeError naming the keyword (an unexpected or a repeated one); any other outcome — success,
or an error about the value None — means Keras took the name. The candidates are every parameter
of every __init__ along the class's MRO, plus the names Layer.__init__ pops from **kwargs
(input_dim, input_shape) and a few Keras 2 names (batch_size, input_length, weights).
KerasExactnessTests pins paramcalc's accepted names to this file.

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_accepted_arguments_core.py
"""
import inspect, json, os, pathlib, sys, warnings

os.environ.setdefault("KERAS_BACKEND", "jax")
warnings.filterwarnings("ignore")
import keras  # noqa: E402
from keras import layers as L  # noqa: E402

# Valid values of each type's required arguments.
REQUIRED = {
    "Dense": dict(units=2), "Embedding": dict(input_dim=10, output_dim=2), "Flatten": {},
    "Reshape": dict(target_shape=(2,)), "Dropout": dict(rate=0.5),
    "Activation": dict(activation="relu"), "MultiHeadAttention": dict(num_heads=2, key_dim=2),
    "EinsumDense": dict(equation="ab,bc->ac", output_shape=4),
    "GroupQueryAttention": dict(head_dim=2, num_query_heads=2, num_key_value_heads=1),
    "STFTSpectrogram": {}, "MelSpectrogram": {},
}
for r in (1, 2, 3):
    REQUIRED[f"Conv{r}D"] = dict(filters=2, kernel_size=3)
    REQUIRED[f"Conv{r}DTranspose"] = dict(filters=2, kernel_size=3)
for r in (1, 2):
    REQUIRED[f"DepthwiseConv{r}D"] = dict(kernel_size=3)
    REQUIRED[f"SeparableConv{r}D"] = dict(filters=2, kernel_size=3)
EXTRA = {"input_dim", "input_shape", "batch_size", "input_length", "weights", "batch_input_shape"}


def refused(error):
    text = str(error)
    if isinstance(error, TypeError):
        return "unexpected keyword" in text or "multiple values" in text
    return isinstance(error, ValueError) and "Unrecognized keyword arguments" in text


def accepted(cls, required):
    candidates = set(EXTRA)
    for k in inspect.getmro(cls):
        if "__init__" not in k.__dict__:
            continue
        try:
            params = inspect.signature(k.__init__).parameters.values()
        except (TypeError, ValueError):
            continue
        candidates |= {p.name for p in params
                       if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
    out = []
    for name in sorted(candidates):
        if name in required:
            out.append(name)
            continue
        try:
            cls(**required, **{name: None})
        except Exception as e:  # noqa: BLE001 - any error but a refusal of the name accepts it
            if refused(e):
                continue
        out.append(name)
    return out


result = {name: accepted(getattr(L, name), req) for name, req in REQUIRED.items()}
result["_keras_version"] = [keras.__version__]
target = pathlib.Path(__file__).resolve().parent.parent / "Tests/ParamCalcEndToEndTests/Fixtures/keras-accepted-arguments-core.json"
target.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
print(f"{len(REQUIRED)} layer types, keras {keras.__version__}", file=sys.stderr)
