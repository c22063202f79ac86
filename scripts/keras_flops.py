#!/usr/bin/env python3
"""Asks XLA what a forward pass of Keras 3 models costs, counts in Python what explains the
difference from paramcalc's convention, and writes Tests/ParamCalcEndToEndTests/Fixtures/
keras-flops.json. FlopsEndToEndTests runs the same scripts through `flops` and compares.

The models: a few small ones, every examples/*.pc and the five Keras Applications of
Tests/ParamCalcEndToEndTests/Fixtures/applications (`import FILE` in paramcalc). A script is
built by the oracle's own readers, as scripts/keras_examples.py does: a stack by keras_run.run,
a graph (`as`, `from`, `reuse`, named inputs, `output`) by keras_graph_cases.run. Neither hands
back its model, so this script keeps the `keras.Input` tensors and the `keras.Model` they make
and takes as the model's outputs the tensors no layer reads (or the declared `output`).
An application is `keras.models.model_from_json` of its file.

For each case, at batch 1 (an unknown axis, None, given LENGTH, as `flops length=LENGTH`):
- `xla_flops_batch1`: `jax.jit(fn).lower(x).compile().cost_analysis()["flops"]` of the model's
  forward pass (training=False); `xla_flops_sum_of_layers`: the same for each layer call alone,
  summed.
- per Keras class of layer (`by_type`), counted from each call's shapes and the layer's config,
  independently of paramcalc:
  `macs`: one multiply-accumulate per weight of a kernel per position it is applied at (every
  window counted full, zeros padded at the edges included; an attention's scores and weighted
  values; a recurrent layer's kernels at every timestep);
  `padding_macs`: those of `macs` that read a zero of `padding=same` (XLA skips them);
  `loop_macs`: those of a recurrent layer's steps after the first (XLA counts the body of the
  loop over the timesteps once);
  `bias_adds`: the elements a bias is added to (XLA counts none: fused into the product);
  `xla_flops`: XLA's count of the calls alone; `xla_kernel_flops` (Dense, EinsumDense and the
  convolutions): XLA's count of the same calls with use_bias=False and no activation, which must
  be 2 x (macs - padding_macs): the script checks it.
- `macs`, `padding_macs`, `loop_macs`, `bias_adds`: the sums over the types.
Then XLA = 2 x (macs - padding_macs - loop_macs) + what XLA counts besides the products
(`xla_other_flops`: bias adds, activations, normalizations, pooling, merges, its own way).

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_flops.py [CASE ...]
(with names, only those cases are measured again and the others kept from the fixture).
The oracle is looked for in $PARAMCALC_ORACLE (default ../shared/oracle beside the repository).
Building and compiling the applications takes minutes.
"""
import json, math, os, pathlib, re, sys

os.environ.setdefault("KERAS_BACKEND", "jax")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("PARAMCALC_ORACLE", os.path.join(HERE, "..", "..", "shared", "oracle")))
sys.path.insert(0, HERE)
import jax  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402
import keras_run  # noqa: E402
import keras_graph_cases  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests/ParamCalcEndToEndTests/Fixtures"
OUT = FIXTURES / "keras-flops.json"
LENGTH = 100  # the size given to an unknown axis (None): `flops length=100`
APPLICATIONS = ("ResNet50", "VGG16", "MobileNetV2", "DenseNet121", "EfficientNetB0")
GRAPH = re.compile(r"^\s*reuse\s|^\s*input\s+[A-Za-z_]|^\s*output\s|\s(as|from)\s")

SMALL = {
    "dense": ["input (784,)", "add dense units=10"],
    "dense-no-bias": ["input (784,)", "add dense units=10 use_bias=false"],
    "conv2d-valid": ["input 28x28x1", "add conv2d filters=8 kernel_size=3 use_bias=false"],
    "conv2d-same": ["input 28x28x1",
                    "add conv2d filters=8 kernel_size=3 padding=same use_bias=false"],
    "conv2d-same-strided": ["input 28x28x3",
                            "add conv2d filters=8 kernel_size=3 strides=2 padding=same"],
    "conv1d-valid-bias": ["input (50,4)", "add conv1d filters=6 kernel_size=5"],
    "mlp": ["input (784,)", "add dense units=64 activation=relu", "add dense units=10"],
    "cnn": ["input 28x28x1", "add conv2d filters=8 kernel_size=3 activation=relu",
            "add maxpooling2d", "add flatten", "add dense units=10"],
    "lstm": ["input (10,16)", "add lstm units=32"],
    "mha-self": ["input (16,32)", "add multiheadattention num_heads=4 key_dim=8"],
}


# ---- building the models through the oracle's readers ----

def leaves(inputs):
    """The tensors that no layer reads, walking forward from the inputs."""
    seen, out, todo = set(), [], list(inputs)
    while todo:
        t = todo.pop(0)
        if id(t) in seen:
            continue
        seen.add(id(t))
        readers = [n for n in t._keras_history.operation._outbound_nodes
                   if any(k is t for k in n.arguments.keras_tensors)]
        if not readers:
            out.append(t)
        for n in readers:
            todo.extend(n.outputs)
    return out


def from_script(lines):
    """A keras.Model of a paramcalc script, read by keras_run or keras_graph_cases."""
    text = "\n".join(lines) + "\n"
    made_inputs, made_models = [], []
    real_input, real_model = keras.Input, keras.Model

    def record_input(*a, **k):
        t = real_input(*a, **k)
        made_inputs.append(t)
        return t

    def record_model(*a, **k):
        m = real_model(*a, **k)
        made_models.append(m)
        return m

    keras.Input, keras.Model = record_input, record_model
    try:
        if any(GRAPH.search(l) for l in lines if not l.lstrip().startswith("#")):
            # keras_graph_cases reads no comments: blanked, as keras_examples.py does.
            k = keras_graph_cases.run("\n".join("" if l.lstrip().startswith("#") else l
                                                for l in text.split("\n")))
        else:
            k = keras_run.run(text)
    finally:
        keras.Input, keras.Model = real_input, real_model
    assert not k["rejected_lines"] and not k.get("oracle_errors"), k
    declared = any(l.strip().startswith("output ") for l in lines)
    if declared:
        return made_models[-1]
    return real_model(made_inputs, leaves(made_inputs))


def from_application(name):
    return keras.models.model_from_json((FIXTURES / "applications" / f"{name}.json").read_text())


# ---- XLA ----

def sized(shape):
    return tuple(LENGTH if d is None else int(d) for d in shape)


def zeros(kt):
    return np.zeros((1,) + sized(kt.shape[1:]), dtype=kt.dtype)


def shape(kt):
    return tuple(int(d) for d in kt.shape[1:])


def xla(fn, arrays):
    cost = jax.jit(fn).lower(*arrays).compile().cost_analysis()
    if isinstance(cost, (list, tuple)):
        cost = cost[0]
    return int(round(cost.get("flops", 0)))


def model_xla(model):
    return xla(lambda *xs: model(list(xs) if len(xs) > 1 else xs[0], training=False),
               [zeros(t) for t in model.inputs])


def call_xla(op, node, reads):
    """XLA's count of one call of `op` alone, on zeros of the concrete tensors it reads."""
    kts = node.arguments.keras_tensors

    def fn(*xs):
        args, kwargs = node.arguments.fill_in({id(k): x for k, x in zip(kts, xs)})
        if isinstance(op, keras.layers.Layer):
            kwargs = {**kwargs, "training": False}
        return op(*args, **kwargs)

    return xla(fn, [zeros(k) for k in reads])


KERNEL_TYPES = ("Dense", "EinsumDense", "BaseConv", "BaseDepthwiseConv", "BaseSeparableConv",
                "BaseConvTranspose")


def has_kernel(op):
    return any(c.__name__ in KERNEL_TYPES for c in type(op).__mro__)


def stripped(op, node, reads):
    """The same layer without its bias and activation, built (outside XLA's count) on the
    tensors the call reads: only its products are left."""
    cfg = op.get_config()
    cfg.update({k: v for k, v in (("use_bias", False), ("bias_axes", None),
                                  ("activation", "linear")) if k in cfg})
    bare = type(op).from_config(cfg)
    args, kwargs = node.arguments.fill_in(
        {id(k): r for k, r in zip(node.arguments.keras_tensors, reads)})
    bare(*args, **kwargs)
    return bare


# ---- what the products are, from the shapes (batch axis left out) ----

def window_pairs(n_in, n_out, k, s, d, padding, transpose=False):
    """(all, reading the input) pairs of an output position and a kernel tap along one axis."""
    if transpose:  # each input position spreads over k outputs: those cropped are not read
        total = max(k + (n_in - 1) * s - n_out, 0)
        lo = total // 2 if padding == "same" else 0
        inside = sum(1 for i in range(n_in) for t in range(k) if 0 <= i * s + t - lo < n_out)
        return n_in * k, inside
    if padding == "same":
        lo = max((n_out - 1) * s + (k - 1) * d + 1 - n_in, 0) // 2
    elif padding == "causal":
        lo = (k - 1) * d
    else:
        lo = 0
    inside = sum(1 for o in range(n_out) for t in range(k) if 0 <= o * s - lo + t * d < n_in)
    return n_out * k, inside


def conv_products(op, x, y, kernel_shape, transpose=False):
    """(macs, padding_macs) of a convolution's kernel of `kernel_shape` (taps..., in, out)."""
    rank = len(kernel_shape) - 2
    first = getattr(op, "data_format", "channels_last") == "channels_first"
    xs, ys = (x[1:], y[1:]) if first else (x[:-1], y[:-1])
    xs, ys = xs[-rank:], ys[-rank:]
    strides = op.strides if hasattr(op, "strides") else (1,) * rank
    dilation = getattr(op, "dilation_rate", (1,) * rank)
    full, inside = 1, 1
    for i in range(rank):
        a, b = window_pairs(xs[i], ys[i], kernel_shape[i], strides[i], dilation[i], op.padding,
                            transpose)
        full, inside = full * a, inside * b
    per = kernel_shape[-2] * kernel_shape[-1]
    return full * per, (full - inside) * per


def attention_products(q, v, k, heads_q, heads_kv, dk, dv, out):
    tq, tk = math.prod(q[:-1]), math.prod(k[:-1])
    proj = (tq * q[-1] * heads_q * dk + tk * k[-1] * heads_kv * dk
            + math.prod(v[:-1]) * v[-1] * heads_kv * dv + tq * heads_q * dv * out)
    return proj + heads_q * tq * tk * dk + heads_q * tq * tk * dv


GATES = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}


def products(op, ins, y):
    """(macs, padding_macs, loop_macs) of one call: `ins` the shapes read, `y` the output's."""
    name = type(op).__name__
    x = ins[0]
    if isinstance(op, L.Dense):
        return math.prod(x[:-1]) * x[-1] * op.units, 0, 0
    if isinstance(op, L.EinsumDense):
        lhs, out = op.equation.split("->")
        kernel = lhs.split(",")[1]
        summed = math.prod(d for c, d in zip(kernel, op.kernel.shape) if c not in out)
        return math.prod(y) * summed, 0, 0
    if name in ("SeparableConv1D", "SeparableConv2D"):
        m, p = conv_products(op, x, y, op.depthwise_kernel.shape)
        return m + math.prod(y) // op.filters * math.prod(op.pointwise_kernel.shape), p, 0
    if any(c.__name__ == "BaseDepthwiseConv" for c in type(op).__mro__):
        return (*conv_products(op, x, y, op.kernel.shape), 0)
    if any(c.__name__ == "BaseConvTranspose" for c in type(op).__mro__):
        k = op.kernel.shape  # (taps..., filters, channels)
        return (*conv_products(op, x, y, k, transpose=True), 0)
    if any(c.__name__ == "BaseConv" for c in type(op).__mro__):
        return (*conv_products(op, x, y, op.kernel.shape), 0)
    if name in GATES:
        g, u = GATES[name], op.units
        step = x[-1] * g * u + u * g * u
        return x[0] * step, 0, (x[0] - 1) * step
    if isinstance(op, L.Bidirectional):
        parts = [products(r, ins, y) for r in (op.forward_layer, op.backward_layer)]
        return tuple(map(sum, zip(*parts)))
    if isinstance(op, L.TimeDistributed):
        m, p, l = products(op.layer, [x[1:]], y[1:])
        return x[0] * m, x[0] * p, x[0] * l
    if isinstance(op, L.MultiHeadAttention):
        q, v = ins[0], ins[1] if len(ins) > 1 else ins[0]
        k = ins[2] if len(ins) > 2 else v
        h, dk = op.num_heads, op.key_dim
        dv = op.value_dim or dk
        return attention_products(q, v, k, h, h, dk, dv, y[-1]), 0, 0
    if name == "GroupedQueryAttention":
        q, v = ins[0], ins[1] if len(ins) > 1 else ins[0]
        k = ins[2] if len(ins) > 2 else v
        d = op.head_dim
        return attention_products(q, v, k, op.num_query_heads, op.num_key_value_heads, d, d,
                                  y[-1]), 0, 0
    if name == "ConvLSTM2D":
        cell = op.cell
        steps = x[0]
        m1, p1 = conv_products(cell, x[1:], y[-3:], cell.kernel.shape)
        cell_same = type("Same", (), {"padding": "same", "strides": (1, 1),
                                       "dilation_rate": cell.dilation_rate,
                                       "data_format": cell.data_format})()
        m2, p2 = conv_products(cell_same, y[-3:], y[-3:], cell.recurrent_kernel.shape)
        return steps * (m1 + m2), steps * (p1 + p2), (steps - 1) * (m1 + m2 - p1 - p2)
    if name == "STFTSpectrogram":
        kernels = 2 if op.mode in ("log", "magnitude", "psd", "stft", "angle") else 1
        frames = y[0] if op.data_format == "channels_last" else y[-1]
        channels = x[-1] if op.data_format == "channels_last" else x[0]
        return kernels * channels * frames * math.prod(op.real_kernel.shape), 0, 0
    return 0, 0, 0


def bias_adds(op, ins, y):
    """The elements a bias is added to in one call (XLA counts none of them: the add is fused
    into the dot or the convolution it follows)."""
    if isinstance(op, L.TimeDistributed):
        return ins[0][0] * bias_adds(op.layer, [ins[0][1:]], y[1:])
    if isinstance(op, L.Bidirectional):
        return sum(bias_adds(r, ins, y) for r in (op.forward_layer, op.backward_layer))
    if type(op).__name__ in GATES:
        if not op.use_bias:
            return 0
        twice = 2 if type(op).__name__ == "GRU" and op.cell.reset_after else 1
        return ins[0][0] * twice * GATES[type(op).__name__] * op.units
    if isinstance(op, L.MultiHeadAttention) and op._use_bias:
        q, v = ins[0], ins[1] if len(ins) > 1 else ins[0]
        k = ins[2] if len(ins) > 2 else v
        h, dk = op.num_heads, op.key_dim
        return (math.prod(q[:-1]) * h * dk + math.prod(k[:-1]) * h * dk
                + math.prod(v[:-1]) * h * (op.value_dim or dk) + math.prod(y))
    if has_kernel(op) and getattr(op, "bias", None) is not None:
        return math.prod(y)
    return 0


# ---- one case ----

def calls(model):
    """Every call of a layer or an operation in the model (a layer called again counts again),
    with the concrete tensors it reads at batch 1: each call is made again on them, so that an
    axis of unknown size gets its size (an output of a call on LENGTH steps may be shorter)."""
    known = {id(t): keras.KerasTensor((1,) + sized(t.shape[1:]), dtype=t.dtype)
             for t in model.inputs}
    for depth in sorted(model._nodes_by_depth, reverse=True):
        for node in model._nodes_by_depth[depth]:
            if node.operation is None or node.is_input:
                continue
            args, kwargs = node.arguments.fill_in(known)
            out = node.operation(*args, **kwargs)
            for t, c in zip(node.outputs, keras.tree.flatten(out)):
                known[id(t)] = c
            yield (node.operation, node, [known[id(k)] for k in node.arguments.keras_tensors],
                   keras.tree.flatten(out)[0])


def measure(name, script, model, line):
    by_type, total = {}, model_xla(model)
    for op, node, reads, out in calls(model):
        ins, y = [shape(k) for k in reads], shape(out)
        m, p, l = products(op, ins, y)
        t = by_type.setdefault(type(op).__name__, {"calls": 0, "macs": 0, "padding_macs": 0,
                                                   "loop_macs": 0, "bias_adds": 0,
                                                   "xla_flops": 0})
        t["bias_adds"] += bias_adds(op, ins, y)
        t["calls"] += 1
        t["macs"] += m
        t["padding_macs"] += p
        t["loop_macs"] += l
        t["xla_flops"] += call_xla(op, node, reads)
        if has_kernel(op):
            kernel = call_xla(stripped(op, node, reads), node, reads)
            t["xla_kernel_flops"] = t.get("xla_kernel_flops", 0) + kernel
            if kernel != 2 * (m - p):
                print(f"  {name}: {op.name}: XLA counts {kernel} for the products, "
                      f"2 x (macs - padding) = {2 * (m - p)}", file=sys.stderr)
    macs = sum(t["macs"] for t in by_type.values())
    padding = sum(t["padding_macs"] for t in by_type.values())
    loop = sum(t["loop_macs"] for t in by_type.values())
    bias = sum(t["bias_adds"] for t in by_type.values())
    case = {"name": name, "script": script, "flops": line, "xla_flops_batch1": total,
            "xla_flops_sum_of_layers": sum(t["xla_flops"] for t in by_type.values()),
            "macs": macs, "padding_macs": padding, "loop_macs": loop,
            "bias_adds": bias, "xla_other_flops": total - 2 * (macs - padding - loop), "by_type": by_type}
    print(f"{name}: XLA {total:,} (layers alone {case['xla_flops_sum_of_layers']:,}); "
          f"MACs {macs:,}, padding {padding:,}, loop {loop:,}; "
          f"XLA besides the products {case['xla_other_flops']:,}", flush=True)
    return case


def flops_line(script):
    return "flops" + (f" length={LENGTH}" if any("None" in l for l in script) else "")


def all_cases():
    """(name, script, builder) for every case, in the fixture's order."""
    for name, script in SMALL.items():
        yield name, script, lambda s=script: from_script(s)
    for path in sorted((ROOT / "examples").glob("*.pc")):
        lines = [l for l in path.read_text().splitlines()
                 if l.strip() and not l.lstrip().startswith("#")
                 and l.split()[0] in ("input", "add", "reuse", "output")]
        yield f"example-{path.stem}", lines, lambda s=lines: from_script(s)
    for app in APPLICATIONS:
        script = [f"import Tests/ParamCalcEndToEndTests/Fixtures/applications/{app}.json"]
        yield f"application-{app}", script, lambda a=app: from_application(a)


if __name__ == "__main__":
    only = set(sys.argv[1:])
    old = {c["name"]: c for c in json.loads(OUT.read_text())["cases"]} if OUT.exists() else {}
    cases = []
    for name, script, build in all_cases():
        if only and name not in only and name in old:
            cases.append(old[name])
            continue
        cases.append(measure(name, script, build(), flops_line(script)))
    OUT.write_text(json.dumps({"keras": keras.__version__, "jax": jax.__version__,
                               "length": LENGTH, "cases": cases}, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")
