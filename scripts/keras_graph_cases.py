#!/usr/bin/env python3
"""Runs each graph script below through real Keras 3 and writes
Tests/ParamCalcEndToEndTests/Fixtures/keras-graph.jsonl in the conformance corpus's format
(id, script, layers, total, trainable, non_trainable, rejected_lines, rejected_reasons).

The scripts use `as NAME` and `from A,B` (a name, `#N` for layer N, `input` for the model's
input), which the oracle's interpreter does not read: this one reads them around the oracle's
own reading of a layer (`keras_run.CLASSES`, `value`, `dims`, `weights`). Each accepted layer is
called on the tensors it names (a merge layer on the list of them), and the whole is also built
as a `keras.Model` from the input to every layer's output, whose count_params() must equal the
sum of the layers'.

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_graph_cases.py
The oracle is looked for in $PARAMCALC_ORACLE (default ../shared/oracle beside the repository).
"""
import json, os, pathlib, sys

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.environ.get("PARAMCALC_ORACLE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "oracle")))
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402
from keras_run import CLASSES, SHORT, value, dims, weights  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Operations on tensors and the applications' layers, which keras_run.CLASSES does not hold.
from keras_operations import KINDS as OPS_KINDS, call as ops_call, row as ops_row  # noqa: E402

MERGES = (L.Add, L.Subtract, L.Multiply, L.Average, L.Maximum, L.Minimum, L.Concatenate, L.Dot,
          L.Attention, L.AdditiveAttention)
# Called as layer(query, value, key): on one tensor, self-attention (query = value).
CROSS = (L.MultiHeadAttention, L.GroupQueryAttention)

CASES = {
    # Operations on tensors (keras.ops) and the applications' layers: broadcasting between two
    # shapes, MobileNetV3's hard swish written with operations, and what Keras refuses.
    "operations-broadcast": """input (4,1)
input b (1,6)
add operation op=add from input,b
add operation op=multiply constant=0.5
add operation op=subtract from b,input
add operation op=maximum from #3,b
add customscalelayer scale=0.17 from input,b
add layerscale init_values=1e-6 projection_dim=6 from input
summary
""",
    "operations-hard-swish": """input (8,8,16)
add conv2d filters=16 kernel_size=1 as c
add operation op=add constant=3.0
add relu max_value=6.0
add operation op=multiply constant=0.16666666666666666
add operation op=multiply from c,#4
add globalaveragepooling2d
summary
""",
    "operations-refused": """input (4,3)
input b (4,5)
input n (None,6)
input k (4,1)
add operation op=add from input,b
add operation op=add from n,k
add customscalelayer scale=0.5 from n,k
add customscalelayer scale=0.5 from input,b
add layerscale init_values=0.1 projection_dim=8 from b
add operation op=multiply from input,input,input
summary
""",
    "residual-block": """input (32,32,16)
add conv2d filters=16 kernel_size=3 padding=same
add batchnormalization
add relu
add conv2d filters=16 kernel_size=3 padding=same
add batchnormalization
add add from input,#5
add relu
summary
""",
    "residual-projection": """input (32,32,16)
add conv2d filters=32 kernel_size=3 strides=2 padding=same as main
add batchnormalization
add conv2d filters=32 kernel_size=1 strides=2 from input as shortcut
add add from #2,shortcut
add relu
add globalaveragepooling2d
add dense units=10
summary
""",
    "inception-branches": """input (28,28,8)
add conv2d filters=4 kernel_size=1 padding=same as b1
add conv2d filters=4 kernel_size=1 padding=same from input
add conv2d filters=6 kernel_size=3 padding=same as b2
add maxpooling2d pool_size=3 strides=1 padding=same from input
add conv2d filters=2 kernel_size=1 as b3
add concatenate axis=-1 from b1,b2,b3
add conv2d filters=8 kernel_size=3
summary
""",
    "concatenate-axis-1": """input (5,8)
add dense units=8 as a
add dense units=8 from input as b
add concatenate axis=1 from a, b
add lstm units=4
summary
""",
    "elementwise-all": """input (6,4)
add dense units=4 as a
add dense units=4 from input as b
add subtract from a,b
add multiply from #3,a,b
add average from #4,a
add maximum from #5,b
add minimum from #6,a,b
add dense units=2
summary
""",
    "broadcast-ones": """input (6,1)
add dense units=1 as one
add dense units=5 from input as five
add add from one,five
add multiply from five,one
add flatten
summary
""",
    "dot-cosine": """input (10,)
add dense units=8 as u
add dense units=8 from input as v
add dot axes=1 normalize=true from u,v
add dense units=1
summary
""",
    "dot-attention-scores": """input (7,16)
add dense units=16 as q
add dense units=16 from input as k
add dot axes=(2,2) from q,k
add softmax
add dot axes=(2,1) from #4,input
add globalaveragepooling1d
summary
""",
    "transformer-residual": """input (12,32)
add multiheadattention num_heads=4 key_dim=8 as attn
add add from input,attn
add layernormalization as norm1
add dense units=64 activation=relu
add dense units=32
add add from norm1,#5
add layernormalization
summary
""",
    "siamese-two-inputs": """input left (28,28,1)
input right (28,28,1)
add conv2d filters=8 kernel_size=3 from left as l1
add conv2d filters=8 kernel_size=3 from right as r1
add subtract from l1,r1
add flatten
add dense units=1 activation=sigmoid
summary
""",
    "two-inputs-concatenated": """input (10,)
input meta (3,)
add dense units=16 from input as a
add dense units=4 from meta as b
add concatenate from a,b
add dense units=1
summary
""",
    "siamese-shared-encoder": """input left (28,28,1)
input right (28,28,1)
add conv2d filters=8 kernel_size=3 from left
add flatten as fl
add dense units=16 as el
reuse 3 from right
reuse 4
reuse 5 as er
add subtract from el,er
add dense units=1
summary
""",
    "shared-dense-refused-on-another-width": """input (8,)
input other (6,)
add dense units=4 from input as a
reuse 2 from other
add dense units=3 from other as b
reuse 1 from input
add add from a,#4
reuse 3 from a
summary
""",
    "refusals": """input (8,4)
add dense units=4 as a
add dense units=6 from input as b
add add from a,b
add concatenate axis=1 from a,b
add concatenate axis=2 from a,b
add subtract from a,a,a
add dot axes=2 from a,b
add dot axes=1 from a,a
add add
add dense units=3 from a,b
add multiply from a,input
summary
""",
    "cross-attention-query-value-key": """input (5,16)
input memory (9,12)
input keys (9,20)
input wide (5,24)
add multiheadattention num_heads=4 key_dim=8 from input,memory as mha
add multiheadattention num_heads=2 key_dim=4 value_dim=6 from input,memory,keys
add multiheadattention num_heads=2 key_dim=4 use_gate=true output_shape=(3,4) from mha,memory,keys
add multiheadattention num_heads=3 key_dim=5 use_bias=false from mha,keys,memory as nobias
add multiheadattention num_heads=2 key_dim=4 from input
add groupqueryattention head_dim=4 num_query_heads=4 num_key_value_heads=2 from input,nobias
add groupqueryattention head_dim=4 num_query_heads=4 num_key_value_heads=2 from mha,nobias,wide
add groupqueryattention head_dim=2 num_query_heads=2 num_key_value_heads=1 use_gate=true use_bias=false from input,mha,wide
summary
""",
    "cross-attention-refusals": """input (5,16)
input memory (9,12)
input short (7,20)
add multiheadattention num_heads=4 key_dim=8 from input,memory,short
add groupqueryattention head_dim=4 num_query_heads=4 num_key_value_heads=2 from input,memory
add groupqueryattention head_dim=4 num_query_heads=4 num_key_value_heads=2 from input,input,short
add multiheadattention num_heads=2 key_dim=4 from input,memory
add attention from input
add attention
add additiveattention from input,memory,memory,memory
add attention score_mode=general from input,memory
add dense units=3
summary
""",
    "dot-attention": """input (5,16)
input memory (9,12)
input keys (9,16)
add attention from input,memory
add attention use_scale=true from input,memory,keys
add attention score_mode=concat from input,input as self
add attention use_scale=true score_mode=concat from self,memory
add additiveattention from input,memory,keys
add additiveattention use_scale=false from input,memory
add additiveattention from memory,input
add dense units=4 as d4
add attention from d4,memory as att
add add from att,memory
summary
""",
    "transformer-decoder-block": """input (10,32)
input encoded (14,48)
add multiheadattention num_heads=4 key_dim=8 from input as selfattn
add add from input,selfattn
add layernormalization as n1
add multiheadattention num_heads=4 key_dim=8 from n1,encoded as cross
add add from n1,cross
add layernormalization as n2
add dense units=64 activation=relu
add dense units=32
add add from n2,#9
summary
""",
    "cross-attention-shared-and-frozen": """input (5,16)
input memory (9,12)
input other (7,12)
add multiheadattention num_heads=2 key_dim=4 trainable=false from input,memory as a
reuse 3 from input,other as b
add additiveattention trainable=false from a,b
add attention use_scale=true from b,memory,other
summary
""",
    "seq2seq-with-states": """input encoder_in (12,20)
input decoder_in (9,24)
add lstm units=32 return_state=true from encoder_in as encoder
add lstm units=32 return_sequences=true from decoder_in,encoder.h,encoder.c as decoder
add dense units=24 activation=softmax
summary
""",
    "states-of-each-recurrent-layer": """input (10,8)
input frames (5,6,6,2)
add gru units=6 return_state=true from input as g
add simplernn units=6 return_state=true return_sequences=true from input as s
add gru units=6 from input,g.h
add simplernn units=6 from input,s.h
add lstm units=6 from input,g.h,s.h
add convlstm2d filters=3 kernel_size=3 return_state=true from frames as c
add convlstm2d filters=3 kernel_size=3 padding=same from frames,c.h,c.c
add convlstm2d filters=3 kernel_size=3 return_sequences=true from frames,c.h,c.c
add dense units=2 from g.h
add lstm units=4 return_state=true from input as l
add dense units=2 from l.c
summary
""",
    "state-refusals": """input (10,8)
add lstm units=16 return_state=true as e
add lstm units=8 from input,e.h,e.c
add lstm units=16 from input,e.h
add lstm units=16 from input,e.h,e.c,e.h
add gru units=16 from input,e.h,e.c
add dense units=2 from e.x
add dense units=2 from input.h
add dense units=4 as d
add dense units=2 from d.h
add lstm units=16 from input,e.c,e.h
add simplernn units=16 from input,e.h,e.c
add gru units=16 from input,e.c,e.h,e.h
add gru units=8 from input,e.c,e.h
add gru units=16 from input,e.c,d
summary
""",
    "two-outputs-and-a-branch-left-out": """input (16,)
add dense units=32 activation=relu as trunk
add dense units=10 activation=softmax as label
add dense units=1 from trunk as score
add dense units=64 from input as unused
add dense units=3 from unused
output label,score
summary
""",
    "output-a-state-and-an-input": """input (6,4)
input extra (3,)
add lstm units=5 return_state=true from input as enc
add dense units=7 from extra
add dense units=2 from enc
output enc.c,#4,extra
summary
""",
}


def run(text):
    names = {}
    tensors = []
    rows = []
    rejected = []
    reasons = {}
    x_in = None
    inputs = []
    layers = []
    states = {}  # a layer's states (return_state=true), by its name and by "#N"
    declared = None  # the tensors `output A,B` names
    feeds = []  # zeros for each input, to run a model whose recurrent layer starts from states

    def tensor(s):
        if "." in s:
            base, part = s.rsplit(".", 1)
            return states[base][part]
        if s.startswith("#"):
            return tensors[int(s[1:]) - 1]
        return x_in if s == "input" else names[s]

    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line == "summary":
            continue
        if line.startswith("output "):
            try:
                declared = [tensor(t) for t in "".join(line.split()[1:]).split(",")]
            except Exception as e:
                rejected.append(no)
                reasons[no] = f"{type(e).__name__}: {e}".splitlines()[0][:300]
            continue
        if line.startswith("input "):
            words = line[6:].split(None, 1)
            if len(words) == 2 and not words[0][0].isdigit() and words[0][0] != "(":
                # `input NAME DIMS`: another input, an InputLayer of the model's layers.
                x = keras.Input(shape=dims(words[1]), name=words[0])
                names[words[0]] = x
                inputs.append(x)
                tensors.append(x)
                layer = x._keras_history[0]
                layers.append(layer)
                rows.append({"type": type(layer).__name__, "params": layer.count_params(),
                             "trainable": 0, "non_trainable": 0,
                             "output_shape": [None if d is None else int(d) for d in x.shape],
                             "weights": weights(layer)})
            else:
                x_in = keras.Input(shape=dims(line[6:]))
                inputs.insert(0, x_in)
            continue
        reused = None
        if line.startswith("reuse "):
            # `reuse N ...`: layer N called again; its row has no weights of its own (they are
            # counted once, at N: the model's count_params() below checks the total).
            toks = line.split()
            reused = layers[int(toks[1]) - 1]
            toks = ["reuse"] + toks[2:]
        else:
            toks = line[4:].split()
        as_name = None
        sources = None
        clauses = [i for i, t in enumerate(toks) if t in ("as", "from")]
        for i, k in enumerate(clauses):
            operand = "".join(toks[k + 1:clauses[i + 1] if i + 1 < len(clauses) else len(toks)])
            if toks[k] == "as":
                as_name = operand
            else:
                sources = operand.split(",")
        if clauses:
            toks = toks[:clauses[0]]
        kind = toks[0].lower()
        args = {SHORT.get(k, k): value(v) for k, v in (t.split("=", 1) for t in toks[1:])}
        if reused is not None:
            as_name, reused_name = None, as_name
        try:
            if sources is None:
                reads = tensors[-1] if tensors else x_in
            else:
                reads = [tensor(s) for s in sources]
            if kind in OPS_KINDS and reused is None:
                layer, y = ops_call(kind, args | ({"name": as_name} if as_name and kind != "operation" else {}), reads)
            elif kind == "inputlayer":
                # An input added as a layer: Keras makes its InputLayer with the tensor.
                y = keras.Input(shape=args["shape"], **({"name": as_name} if as_name else {}))
                layer = y._keras_history[0]
                inputs.append(y)
            else:
                layer = reused or CLASSES[kind](**args, **({"name": as_name} if as_name else {}))
            if kind == "inputlayer" or (kind in OPS_KINDS and reused is None):
                pass
            elif isinstance(layer, MERGES):
                y = layer(reads)
            else:
                if isinstance(reads, list):
                    reads = reads[0] if len(reads) == 1 else reads
                if isinstance(layer, CROSS):
                    y = layer(*reads) if isinstance(reads, list) else layer(reads, reads)
                elif isinstance(reads, list) and isinstance(layer, L.RNN):
                    # `from x,h,c`: a recurrent layer started from states (initial_state).
                    # Keras builds it with any states and fails when the model runs: run it.
                    y = layer(reads[0], initial_state=reads[1:])
                    fresh = type(layer).from_config(layer.get_config())
                    zeros = [np.zeros((1,) + tuple(1 if d is None else d for d in t.shape[1:]))
                             for t in reads]
                    fresh(zeros[0], initial_state=zeros[1:])
                else:
                    y = layer(reads)
            if isinstance(y, (list, tuple)) and isinstance(layer, L.RNN):
                # return_state=true: the output, then the states (h, and c for an LSTM).
                parts = ["h", "c"][:len(y) - 1]
                own = dict(zip(parts, y[1:]))
                states["#" + str(len(tensors) + 1)] = own
                if as_name:
                    states[as_name] = own
                y = y[0]
        except Exception as e:
            rejected.append(no)
            reasons[no] = f"{type(e).__name__}: {e}".splitlines()[0][:300]
            continue
        tensors.append(y)
        layers.append(layer)
        if reused is not None:
            if reused_name:
                names[reused_name] = y
            rows.append({"type": type(layer).__name__, "params": 0, "trainable": 0,
                         "non_trainable": 0, "output_shape": [None if d is None else int(d) for d in y.shape],
                         "weights": []})
            continue
        if as_name:
            names[as_name] = y
        own_states = states.get("#" + str(len(tensors)), {})
        if kind in OPS_KINDS:
            rows.append(ops_row(layer, y))
            continue
        t = int(sum(np.prod(w.shape) for w in layer.trainable_weights))
        nt = int(sum(np.prod(w.shape) for w in layer.non_trainable_weights))
        rows.append({"type": type(layer).__name__, "params": layer.count_params(), "trainable": t,
                     "non_trainable": nt, "output_shape": [None if d is None else int(d) for d in y.shape],
                     "weights": weights(layer)})
        if own_states:
            rows[-1]["states"] = {k: [None if d is None else int(d) for d in v.shape]
                                  for k, v in own_states.items()}
    total = sum(r["params"] for r in rows)
    trainable = sum(r["trainable"] for r in rows)
    non_trainable = sum(r["non_trainable"] for r in rows)
    if declared is not None:
        # `output A,B`: Keras's model of those outputs counts only the layers on their way.
        model = keras.Model(inputs, declared)
        total = model.count_params()
        trainable = int(sum(np.prod(w.shape) for w in model.trainable_weights))
        non_trainable = int(sum(np.prod(w.shape) for w in model.non_trainable_weights))
    elif tensors:  # (a script whose every line Keras refused has no model to build)
        model = keras.Model(inputs, tensors)
        assert model.count_params() == total, (model.count_params(), total)
    return {"script": text, "layers": rows, "total": total,
            "trainable": trainable, "non_trainable": non_trainable,
            "rejected_lines": rejected, "rejected_reasons": reasons}


if __name__ == "__main__":
    out = pathlib.Path(__file__).resolve().parent.parent / "Tests/ParamCalcEndToEndTests/Fixtures/keras-graph.jsonl"
    with open(out, "w") as f:
        for id, text in CASES.items():
            f.write(json.dumps({"id": "graph-" + id, **run(text)}) + "\n")
    print(f"{len(CASES)} cases -> {out}")
