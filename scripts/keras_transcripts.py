#!/usr/bin/env python3
"""What Keras says of every model the transcripts show: writes
Tests/ParamCalcEndToEndTests/Fixtures/transcripts-keras.json, which TranscriptTests uses to check
each number a recorded transcript prints that Keras can give (a layer's params, trainable and
non-trainable counts, output shape and weights; the totals).

For each transcript of scripts/record-transcripts.py, the script is simulated here, line by line,
independently of paramcalc: the model is a plain list of `add` lines plus an input shape;
`insert`, `remove`, `set`, `input`, `clear`, `save`, `load`, `undo`, `redo` and `quit` act on it as
the README says, and a line that would give a model Keras refuses (or that is not a command at
all) changes nothing. After each line, the model is run through real Keras (the oracle's `run`),
and the fixture holds, for each line, the model after it (null when there is no input shape):
{"NAME": {"script": ..., "states": [{"layers": [...], "total": ..., ...} | null, ...]}}.

usage: KERAS_BACKEND=jax ~/keras/bin/python scripts/keras_transcripts.py
The oracle is looked for in $PARAMCALC_ORACLE (default ../shared/oracle beside the repository).
"""
import importlib.util, json, os, pathlib, re, sys

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, os.environ.get("PARAMCALC_ORACLE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "oracle")))
from keras_run import run  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("record", ROOT / "scripts/record-transcripts.py")
record = importlib.util.module_from_spec(spec)
sys.argv = [sys.argv[0], "--cases-only"]
spec.loader.exec_module(record)

SHORT = {"kernel": "kernel_size", "bias": "use_bias", "stride": "strides", "dilation": "dilation_rate"}
COMMANDS = {"input", "add", "insert", "remove", "set", "undo", "redo", "clear", "save", "load",
            "summary", "total", "explain", "help", "layers", "quit", "exit"}
BOOLEAN = {"use_bias", "trainable", "return_sequences", "return_state", "center", "scale",
           "reset_after", "keepdims", "go_backwards", "stateful", "unroll", "mask_zero"}
_cache = {}


def keras(state):
    if state is None or state[0] is None:
        return None
    inp, lines = state
    script = inp + "\n" + "".join("add " + l + "\n" for l in lines)
    if script not in _cache:
        try:
            k = run(script)
        except Exception:  # a line the oracle cannot read at all (`add bidirectional` alone)
            k = {"rejected_lines": [0]}
        ok = not k["rejected_lines"] and not k.get("oracle_errors")
        _cache[script] = {key: k[key] for key in ("layers", "total", "trainable", "non_trainable")} if ok else False
    return _cache[script]


def valid(state):
    return state[0] is None and not state[1] or keras(state) not in (None, False)


def args_of(tokens):
    out = {}
    for t in tokens:
        if "=" not in t:
            return None
        k, v = t.split("=", 1)
        k = SHORT.get(k.lower(), k.lower())
        if k in out:
            return None  # an argument given twice
        out[k] = v
    return out


def layer_line(tokens):
    """`type [inner] k=v ...` as an add line, or None when it is not one."""
    head = [t for t in tokens if "=" not in t]
    if not head or len(head) > 2 or tokens[:len(head)] != head:
        return None
    a = args_of(tokens[len(head):])
    if a is None:
        return None
    # Integers that do not fit in 64 bits (or that no machine could allocate) are paramcalc's
    # overflow errors; they are not asked of Keras.
    if any(re.fullmatch(r"-?\d{10,}", v) for v in a.values()):
        return None
    # paramcalc reads a boolean argument only as true or false (Keras takes any truthy value).
    if any(k in BOOLEAN and v.lower() not in ("true", "false") for k, v in a.items()):
        return None
    return " ".join(t.lower() for t in head) + "".join(f" {k}={v}" for k, v in a.items())


def simulate(script):
    state = (None, [])
    undo, redo, saved = [], [], {}
    states = []
    stopped = False

    def edit(new):
        nonlocal state
        if valid(new):
            undo.append(state)
            redo.clear()
            state = new

    for raw in script.split("\n")[:-1]:
        line = raw.split("#")[0].strip()
        toks = line.split()
        cmd = toks[0].lower() if toks else None
        inp, lines = state
        if stopped or cmd is None or cmd not in COMMANDS:
            pass
        elif cmd == "input" and len(toks) > 1:
            dims = "".join(toks[1:])
            if re.fullmatch(r"\((\s*(None|\?|[1-9]\d*)\s*,)*\s*(None|\?|[1-9]\d*)?\s*,?\s*\)|(None|\?|[1-9]\d*)(x(None|\?|[1-9]\d*))*", dims):
                edit(("input " + dims, lines))
        elif cmd == "add" and len(toks) > 1 and inp is not None:
            l = layer_line(toks[1:])
            if l:
                edit((inp, lines + [l]))
        elif cmd == "insert" and len(toks) > 2 and toks[1].isdigit() and 1 <= int(toks[1]) <= len(lines) + 1:
            l = layer_line(toks[2:])
            n = int(toks[1])
            if l:
                edit((inp, lines[:n - 1] + [l] + lines[n - 1:]))
        elif cmd == "remove" and len(toks) == 2 and toks[1].isdigit() and 1 <= int(toks[1]) <= len(lines):
            n = int(toks[1])
            edit((inp, lines[:n - 1] + lines[n:]))
        elif cmd == "set" and len(toks) > 2 and toks[1].isdigit() and 1 <= int(toks[1]) <= len(lines):
            n = int(toks[1])
            new = args_of(toks[2:])
            old = lines[n - 1].split()
            head = [t for t in old if "=" not in t]
            merged = args_of(old[len(head):])
            if new is not None:
                merged.update(new)
                edit((inp, lines[:n - 1] + [" ".join(head) + "".join(f" {k}={v}" for k, v in merged.items())] + lines[n:]))
        elif cmd == "clear" and len(toks) == 1:
            undo.append(state); redo.clear(); state = (None, [])
        elif cmd == "save" and len(toks) == 2 and inp is not None:
            saved[toks[1]] = state
        elif cmd == "load" and " ".join(toks[1:]) in saved:
            undo.append(state); redo.clear(); state = saved[" ".join(toks[1:])]
        elif cmd == "undo" and len(toks) == 1 and undo:
            redo.append(state); state = undo.pop()
        elif cmd == "redo" and len(toks) == 1 and redo:
            undo.append(state); state = redo.pop()
        elif cmd in ("quit", "exit") and len(toks) == 1:
            stopped = True
        k = keras(state)
        states.append(k if k else None)
    return states


out = {}
for name, args, script in record.CASES:
    out[name] = {"script": script, "states": simulate(script)}
target = ROOT / "Tests/ParamCalcEndToEndTests/Fixtures/transcripts-keras.json"
target.write_text(json.dumps(out, indent=None, separators=(",", ":")).replace('{"script"', '\n{"script"') + "\n")
