#!/usr/bin/env python3
"""Keras-made conformance cases for models built by editing: insert, remove, set, undo, redo,
input, clear, save and load.

Each case is a random edit script (seeded). The edits are simulated here, in Python, on a plain
list of `add` lines, independently of paramcalc: `insert N` puts a line at position N, `remove N`
drops line N, `set N key=value` replaces (or adds) that argument of line N, `input` changes the
input shape, `clear` empties the model, `load F` replaces the model by the file's (a file this
script writes, or one the script saved earlier with `save F`), and `undo`/`redo` step through the
states. Every intermediate model is run through real Keras, and an edit that Keras would refuse
is not generated, so paramcalc must accept every line (`rejected_lines` is empty). The final list
of lines is then run through Keras (the oracle's `run`), which gives the expected layers and
totals.

Output: one JSON object a line, in the corpus format of ../shared/conformance/README.md plus
`files`: the files that `load` lines read and that the test writes into the binary's working
directory before running the script.

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_edit_cases.py [SEED [COUNT]] \
         > Tests/ParamCalcEndToEndTests/Fixtures/keras-edits.jsonl
The oracle is looked for in $PARAMCALC_ORACLE (default ../shared/oracle beside the repository).
"""
import json, os, random, sys

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.environ.get("PARAMCALC_ORACLE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "oracle")))
from keras_run import run  # noqa: E402  (real Keras: the oracle)

SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 2026
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 60


def fmt(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, tuple):
        return "(" + ",".join(str(x) for x in v) + ")"
    return str(v)


class Line:
    """One `add` line: a type (possibly `bidirectional lstm`) and ordered arguments."""

    def __init__(self, kind, args):
        self.kind, self.args = kind, dict(args)

    def text(self):
        return " ".join([self.kind] + [f"{k}={fmt(v)}" for k, v in self.args.items()])

    def with_arg(self, key, value):
        new = Line(self.kind, self.args)
        new.args[key] = value  # replaces in place, or appends a new key at the end
        return new


def inputs(r):
    return r.choice([
        (r.choice([8, 16, 32, 100]),),
        (r.choice([8, 12, 20, 30]), r.choice([1, 3, 8])),
        (r.choice([None, 16]), r.choice([4, 8])),
        (r.choice([8, 12, 16, 28]), r.choice([8, 12, 16, 28]), r.choice([1, 3])),
    ])


def templates(r, rank):
    """Lines to try on an input of this rank (without the batch)."""
    C = [Line("dense", {"units": r.choice([2, 4, 8, 16])}),
         Line("dropout", {"rate": r.choice([0.1, 0.5])}),
         Line("batchnormalization", {}),
         Line("layernormalization", {}),
         Line("activation", {"activation": r.choice(["relu", "tanh"])})]
    if rank == 1:
        C.append(Line("repeatvector", {"n": r.choice([3, 5])}))
    if rank >= 2:
        C.append(Line("flatten", {}))
    if rank == 2:
        C += [Line("conv1d", {"filters": r.choice([4, 8]), "kernel_size": r.choice([2, 3])}),
              Line("maxpooling1d", {"pool_size": 2}),
              Line("globalaveragepooling1d", {}),
              Line("lstm", {"units": r.choice([4, 8]), "return_sequences": r.random() < 0.5}),
              Line("gru", {"units": r.choice([4, 8])}),
              Line("simplernn", {"units": r.choice([3, 6]), "return_sequences": True}),
              Line("bidirectional lstm", {"units": 4, "return_sequences": True})]
    if rank == 3:
        C += [Line("conv2d", {"filters": r.choice([4, 8]), "kernel_size": r.choice([2, 3])}),
              Line("maxpooling2d", {"pool_size": 2}),
              Line("globalmaxpooling2d", {})]
    # Layers with weights twice as likely as the others.
    return C + [l for l in C if l.kind not in ("dropout", "activation", "flatten", "repeatvector")
                and not l.kind.startswith(("maxpooling", "global"))]


# Arguments `set` may change, with the values it may give them.
SETTABLE = {
    "dense": {"units": [3, 5, 12], "use_bias": [False, True], "trainable": [False, True]},
    "dropout": {"rate": [0.2, 0.3]},
    "batchnormalization": {"center": [False], "scale": [False], "trainable": [False]},
    "layernormalization": {"center": [False], "scale": [False]},
    "activation": {"activation": ["sigmoid", "gelu"]},
    "repeatvector": {"n": [2, 4]},
    "conv1d": {"filters": [2, 6], "kernel_size": [1, 2, 3], "padding": ["same", "valid", "causal"],
               "use_bias": [False], "trainable": [False]},
    "conv2d": {"filters": [2, 6], "kernel_size": [1, 2, 3], "padding": ["same", "valid"],
               "strides": [1, 2]},
    "maxpooling1d": {"pool_size": [2, 3], "padding": ["same"]},
    "maxpooling2d": {"pool_size": [2, 3], "padding": ["same"]},
    "lstm": {"units": [2, 6], "return_sequences": [True, False], "use_bias": [False]},
    "gru": {"units": [2, 6], "return_sequences": [True, False], "reset_after": [False]},
    "simplernn": {"units": [2, 5], "return_sequences": [True, False], "trainable": [False]},
    "bidirectional lstm": {"units": [2, 3], "merge_mode": ["sum", "concat", "ave"]},
    "globalaveragepooling1d": {"keepdims": [True]},
    "globalmaxpooling2d": {"keepdims": [True]},
}

# Keras's defaults of the settable arguments: a `set` to the value a layer already has is not
# generated (paramcalc may treat it as no edit, with no undo step).
DEFAULTS = {"use_bias": True, "trainable": True, "padding": "valid", "strides": 1,
            "return_sequences": False, "center": True, "scale": True, "keepdims": False,
            "reset_after": True, "merge_mode": "concat"}

_cache = {}


def keras(state):
    """What Keras says of the model of a state (input, lines), from the oracle; cached."""
    inp, lines = state
    if inp is None:
        return None if lines else {"layers": [], "rejected_lines": [], "total": 0}
    script = model_script(inp, lines)
    if script not in _cache:
        _cache[script] = run(script)
    return _cache[script]


def valid(state):
    k = keras(state)
    return k is not None and not k["rejected_lines"] and not k.get("oracle_errors")


def input_text(inp):
    return "input (" + ",".join("None" if d is None else str(d) for d in inp) + ("," if len(inp) == 1 else "") + ")"


def model_script(inp, lines):
    return "".join([input_text(inp) + "\n"] + ["add " + l.text() + "\n" for l in lines])


def rank_after(state):
    k = keras(state)
    if not k["layers"]:
        return len(state[0])
    return len(k["layers"][-1]["output_shape"]) - 1


def rank_before(state, n):
    """The rank of the input of line n (1-based) of a valid state."""
    if n == 1:
        return len(state[0])
    return len(keras(state)["layers"][n - 2]["output_shape"]) - 1


def make_case(r, number):
    script = []
    files = {}
    saved = {}  # name -> state, for `save` then `load`
    state = (inputs(r), [])
    script.append(input_text(state[0]))
    undo, redo = [(None, [])], []

    def commit(line, new):
        nonlocal state
        undo.append(state)
        redo.clear()
        state = new
        script.append(line)

    for _ in range(r.randint(4, 6)):  # a start: a few adds
        for attempt in range(20):
            t = r.choice(templates(r, rank_after(state)))
            new = (state[0], state[1] + [t])
            if valid(new):
                commit("add " + t.text(), new)
                break
    edits = 0
    target = r.randint(6, 12)
    while edits < target:
        inp, lines = state
        op = r.choice(["add", "insert", "insert", "remove", "set", "set", "set", "undo", "undo",
                       "redo", "input", "clear", "load", "save"])
        if redo and r.random() < 0.3:
            op = "redo"
        if inp is None and op not in ("input", "undo", "redo", "load"):
            op = "input"
        new = None
        if op == "add":
            t = r.choice(templates(r, rank_after(state)))
            new, line = (inp, lines + [t]), "add " + t.text()
        elif op == "insert":
            n = r.randint(1, len(lines) + 1)
            t = r.choice(templates(r, rank_before(state, n)))
            new, line = (inp, lines[:n - 1] + [t] + lines[n - 1:]), f"insert {n} " + t.text()
        elif op == "remove" and lines:
            n = r.randint(1, len(lines))
            new, line = (inp, lines[:n - 1] + lines[n:]), f"remove {n}"
        elif op == "set" and lines:
            n = r.randint(1, len(lines))
            options = SETTABLE.get(lines[n - 1].kind)
            if options:
                key = r.choice(sorted(options))
                value = r.choice(options[key])
                if lines[n - 1].args.get(key, DEFAULTS.get(key)) == value:
                    continue
                changed = lines[n - 1].with_arg(key, value)
                new = (inp, lines[:n - 1] + [changed] + lines[n:])
                line = f"set {n} {key}={fmt(value)}"
        elif op == "input":
            shape = inputs(r) if inp is None else tuple(
                d if d is None or r.random() < 0.5 else d + r.choice([1, 2, 4]) for d in inp)
            if shape == inp:
                continue
            new, line = (shape, lines), input_text(shape)
        elif op == "clear" and (lines or inp is not None):
            new, line = (None, []), "clear"
        elif op == "load":
            if saved and r.random() < 0.5:
                name = r.choice(sorted(saved))
                new = saved[name]
            else:
                name = f"m{len(files) + 1}.pc"
                shape = inputs(r)
                new_lines = []
                for _ in range(r.randint(1, 4)):
                    t = r.choice(templates(r, rank_after((shape, new_lines))))
                    if valid((shape, new_lines + [t])):
                        new_lines.append(t)
                new = (shape, new_lines)
                files[name] = "# written by scripts/keras_edit_cases.py\n" + model_script(*new)
            line = f"load {name}"
        elif op == "save" and inp is not None:
            name = f"s{len(saved) + 1}.pc"
            saved[name] = state
            script.append(f"save {name}")
            continue
        elif op == "undo" and len(undo) > 1:
            redo.append(state)
            state = undo.pop()
            script.append("undo")
            edits += 1
            continue
        elif op == "redo" and redo:
            undo.append(state)
            state = redo.pop()
            script.append("redo")
            edits += 1
            continue
        if new is not None and valid(new):
            commit(line, new)
            edits += 1
    if state[0] is None:  # end on a model, not an empty one
        shape = inputs(r)
        commit(input_text(shape), (shape, []))
    if keras(state)["total"] == 0:  # and on one with weights
        t = Line("dense", {"units": r.choice([2, 3, 7])})
        commit("add " + t.text(), (state[0], state[1] + [t]))
    script.append("summary")
    final = run(model_script(*state))  # the final list of add lines, through Keras
    assert not final["rejected_lines"] and not final.get("oracle_errors"), final
    return {"id": f"e1-{number:04d}", "script": "\n".join(script) + "\n", "layers": final["layers"],
            "total": final["total"], "trainable": final["trainable"],
            "non_trainable": final["non_trainable"], "rejected_lines": [], "files": files}


def main():
    r = random.Random(SEED)
    for k in range(COUNT):
        print(json.dumps(make_case(r, k)), flush=True)


if __name__ == "__main__":
    main()
