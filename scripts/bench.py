#!/usr/bin/env python3
"""`make bench`: paramcalc's speed and memory at scale, printed as a Markdown table.

Measures (wall time, best of REPEAT runs; peak memory from the kernel's rusage):
  1. Scripts of 10k, 100k and 1M lines from bench_gen.py: paramcalc in human mode and with
     --json, stdout to a pipe; `awk '{n+=NF} END{print n}'` on the same file; the ratios.
  2. Operations on a 100,000-layer model, as the extra time of K operations over the model alone.
  3. Start-up to first answer for a one-layer script: the median of 100 runs; with
     KERAS_PYTHON=/path/to/python (keras and jax installed), the same question asked of Keras.
  5. Tab completion on a 100,000-layer model (scripts/completion_bench.swift, compiled with the
     core's sources): the slowest of its contexts, median and 99th percentile of 200 answers.
  6. Import of keras.applications.DenseNet121's model JSON (../shared/applications): paramcalc's
     `import` to its total, the median of 20 runs, and the same followed by `flops` and `memory`; with KERAS_PYTHON, Keras loading the same JSON
     (model_from_json) and counting it.
  4. Long lines: comment lines of 10, 20 and 40 MB (refused at the 1 MiB line limit, each byte
     read once) and an `add` line of 100,000 arguments just under the limit: linear, not quadratic.
"""
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("PARAMCALC", ROOT / ".build/release/paramcalc"))
WORK = ROOT / ".build/bench"
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


GNU_TIME = Path("/usr/bin/time")


def run(argv, stdin_path=None, stdin_text=None):
    """Runs a command with stdout to a pipe that is drained; returns (seconds, peak KB, stdout bytes).

    Peak memory comes from GNU time when it is installed: the rusage of a child forked from this
    (large, threaded) Python process would count Python's own pages from before the exec.
    """
    stdin = open(stdin_path, "rb") if stdin_path else (subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL)
    memfile = WORK / "maxrss.txt"
    if GNU_TIME.exists():
        argv = [str(GNU_TIME), "-f", "%M", "-o", str(memfile)] + argv
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    size = [0]

    def drain():
        while True:
            chunk = p.stdout.read(1 << 16)
            if not chunk:
                break
            size[0] += len(chunk)

    t = threading.Thread(target=drain)
    t.start()
    if stdin_text is not None:
        p.stdin.write(stdin_text.encode())
        p.stdin.close()
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    t.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    if stdin_path:
        stdin.close()
    peak = int(memfile.read_text().split()[-1]) if GNU_TIME.exists() else usage.ru_maxrss
    return elapsed, peak, size[0], p.returncode


def best(argv, **kw):
    runs = [run(argv, **kw) for _ in range(REPEAT)]
    return min(r[0] for r in runs), max(r[1] for r in runs), runs[0][2], runs[0][3]


def generate(lines):
    path = WORK / f"gen-{lines}.pc"
    if not path.exists():
        with open(path, "w") as f:
            subprocess.run([sys.executable, str(ROOT / "scripts/bench_gen.py"), str(lines), "1"], stdout=f, check=True)
    return path


def write(name, text):
    path = WORK / name
    path.write_text(text)
    return path


def scale_table():
    rows = ["| lines | paramcalc | µs/line | --json | peak memory | awk | paramcalc / awk |",
            "|---:|---:|---:|---:|---:|---:|---:|"]
    for n in (10_000, 100_000, 1_000_000):
        path = generate(n)
        t, mem, _, rc = best([str(BIN), str(path)])
        if rc != 0:
            sys.exit(f"paramcalc failed on {path} (exit {rc})")
        tj, memj, _, _ = best([str(BIN), "--json", str(path)])
        ta, _, _, _ = best(["awk", "{n+=NF} END{print n}", str(path)])
        rows.append(f"| {n:,} | {t:.3f} s | {t / n * 1e6:.2f} | {tj:.3f} s | {max(mem, memj) / 1024:.0f} MB "
                    f"| {ta:.3f} s | {t / ta:.1f}× |")
    return rows


def complexity_table():
    n, k = 100_000, 10_000
    dense = "input (None,64)\n" + "add dense units=64\n" * n
    base = write("base.pc", dense)
    norm = "input (None,64)\nadd dense units=64\n" + "add layernormalization\n" * (n - 1)
    norm_base = write("norm.pc", norm)
    cases = [
        ("add at the end (O(1))", base, dense + "add dense units=64\n" * k, k),
        ("undo of an add (O(1))", base, dense + "undo\n" * k, k),
        ("redo of an add (O(1))", base, dense + "undo\n" * k + "redo\n" * k, 2 * k),
        ("set on the last layer (O(1))", base,
         dense + "".join(f"set {n} use_bias={'false' if i % 2 == 0 else 'true'}\n" for i in range(k)), k),
        ("set on layer 1, output shape unchanged (O(1): re-inference stops)", base,
         dense + "".join(f"set 1 use_bias={'false' if i % 2 == 0 else 'true'}\n" for i in range(k)), k),
        ("set on layer 1 changing the shape of all 100k layers (O(n))", norm_base,
         norm + "".join(f"set 1 units={32 if i % 2 == 0 else 64}\n" for i in range(100)), 100),
        ("insert at layer 2 changing the shape + its undo: all later layers re-inferred (O(n-N))", norm_base,
         norm + "insert 2 dense units=32\nundo\n" * 50, 100),
        ("insert at layer 99,999 changing the shape + its undo (O(n-N), N near n)", norm_base,
         norm + f"insert {n - 1} dense units=32\nundo\n" * 10_000, 20_000),
        ("summary of 100k layers (O(n))", base, dense + "summary\n" * 10, 10),
    ]
    t0 = {}
    rows = [f"| operation on a {n:,}-layer model | time per operation |", "|---|---:|"]
    for label, base_path, text, ops in cases:
        if base_path not in t0:
            t0[base_path] = best([str(BIN), str(base_path)])[0]
        path = write("op.pc", text)
        t, _, _, rc = best([str(BIN), str(path)])
        if rc != 0:
            sys.exit(f"paramcalc failed on the case '{label}' (exit {rc})")
        per = max(t - t0[base_path], 0) / ops
        rows.append(f"| {label} | {per * 1e6:,.2f} µs |")
    return rows


def spawn_time(argv):
    """Wall time of one run, started with posix_spawn (the least overhead Python offers)."""
    devnull = os.open(os.devnull, os.O_RDWR)
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(devnull)
    return elapsed


def startup_table():
    script = "input (None,25)\nadd conv1d filters=64 kernel_size=5\n"
    path = write("one.pc", script)
    times = [spawn_time([str(BIN), str(path)]) for _ in range(100)]
    mem = run([str(BIN), str(path)])[1]
    median = statistics.median(times)
    rows = ["| one Conv1D, process start to answer | median of 100 | peak memory |", "|---|---:|---:|",
            f"| paramcalc | {median * 1000:.1f} ms | {mem / 1024:.1f} MB |"]
    keras = os.environ.get("KERAS_PYTHON")
    oracle = Path(os.environ.get("KERAS_ORACLE", ROOT.parent / "shared/oracle/keras_run.py"))
    if keras and oracle.exists():
        ks = []
        for _ in range(3):
            os.environ["KERAS_BACKEND"] = "jax"
            peak = run([keras, str(oracle), str(path)])[1]
            ks.append((spawn_time([keras, str(oracle), str(path)]), peak))
        km = statistics.median(k[0] for k in ks)
        rows.append(f"| Keras 3 (keras_run.py) | {km * 1000:.0f} ms | {max(k[1] for k in ks) / 1024:.0f} MB |")
        rows.append(f"| ratio | {km / median:,.0f}× | |")
    else:
        rows.append("| Keras 3 | not measured (set KERAS_PYTHON) | |")
    return rows


def import_table():
    model = ROOT.parent / "shared/applications/DenseNet121.json"
    if not model.exists():
        model = ROOT / "Tests/ParamCalcEndToEndTests/Fixtures/applications/DenseNet121.json"
    path = write("import.pc", f"import {model}\ntotal\n")
    # The same import, then its compute and its memory for a batch, timed in turns with the import
    # alone (a busy machine slows both alike): the difference of the medians is their time.
    asks = write("import-flops.pc", f"import {model}\nflops batch=32\nmemory batch=32 optimizer=adam\n")
    times, with_asks = [], []
    for _ in range(20):
        times.append(spawn_time([str(BIN), str(path)]))
        with_asks.append(spawn_time([str(BIN), str(asks)]))
    mem = run([str(BIN), str(path)])[1]
    median = statistics.median(times)
    both = statistics.median(with_asks)
    rows = ["| DenseNet121 (429 layers) imported and counted | median | peak memory |", "|---|---:|---:|",
            f"| paramcalc `import` | {median * 1000:.1f} ms | {mem / 1024:.1f} MB |"]
    rows.append(f"| + `flops batch=32` and `memory batch=32 optimizer=adam` | {both * 1000:.1f} ms "
                f"({(both - median) * 1000:+.1f} ms) | {run([str(BIN), str(asks)])[1] / 1024:.1f} MB |")
    keras = os.environ.get("KERAS_PYTHON")
    if keras:
        code = ("import sys, keras; m = keras.models.model_from_json(open(sys.argv[1]).read()); "
                "print(m.count_params())")
        os.environ["KERAS_BACKEND"] = "jax"
        argv = [keras, "-c", code, str(model)]
        ks = [(spawn_time(argv), run(argv)[1]) for _ in range(3)]
        km = statistics.median(k[0] for k in ks)
        rows.append(f"| Keras 3 model_from_json + count_params | {km * 1000:.0f} ms | {max(k[1] for k in ks) / 1024:.0f} MB |")
        rows.append(f"| ratio | {km / median:,.0f}× | |")
    else:
        rows.append("| Keras 3 | not measured (set KERAS_PYTHON) | |")
    return rows


def long_line_table():
    rows = ["| one long line | time | peak memory |", "|---|---:|---:|"]
    for mb in (10, 20, 40):
        path = WORK / f"comment-{mb}mb.pc"
        if not path.exists():
            with open(path, "w") as f:
                f.write("input (4,)\n# " + "x" * (mb * 1_000_000) + "\nadd dense units=3\n")
        t, mem, _, rc = best([str(BIN), str(path)])
        if rc != 1:
            sys.exit(f"paramcalc did not refuse the {mb} MB line (exit {rc})")
        rows.append(f"| a {mb} MB comment line (refused: over 1 MiB) | {t:.3f} s | {mem / 1024:.0f} MB |")
    args = " ".join(f"a{i}=1" for i in range(100_000))
    path = write("args.pc", f"input (4,)\nadd dense units=3 {args}\n")
    t, mem, _, _ = best([str(BIN), str(path)])
    size = path.stat().st_size / 1e6
    rows.append(f"| an add line of 100,000 arguments ({size:.1f} MB) | {t:.3f} s | {mem / 1024:.0f} MB |")
    return rows


def completion_rows():
    """Tab's answer on a 100,000-layer model, one row for the complexity table: the context
    with the slowest median (layer numbers, set N's arguments with values, types, files...)."""
    exe = ROOT / ".build/completion-bench"
    sources = list((ROOT / "Sources/ParamCalcCore").rglob("*.swift")) + [ROOT / "scripts/completion_bench.swift"]
    if not exe.exists() or any(s.stat().st_mtime > exe.stat().st_mtime for s in sources):
        subprocess.run(["swiftc", "-O", "-wmo", "-parse-as-library", "-module-name", "ParamCalcCore",
                        *map(str, sources), "-lm", "-o", str(exe)], check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    cases = [(label, float(median), float(p99)) for label, median, p99 in
             (line.split("\t") for line in out.splitlines() if line)]
    label, median, p99 = max(cases, key=lambda c: c[1])
    worst99 = max(c[2] for c in cases)
    return [f"| Tab completion, the slowest of {len(cases)} contexts: {label}; median of 200 "
            f"(99th percentile {p99:,.2f} µs; of all contexts {worst99:,.2f} µs; budget 1 ms) | {median:,.2f} µs |"]


def main():
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: run `make build` first")
    WORK.mkdir(parents=True, exist_ok=True)
    out = ["## paramcalc benchmark", "", f"machine: {os.cpu_count()} cores; binary: {BIN.relative_to(ROOT) if BIN.is_relative_to(ROOT) else BIN}; best of {REPEAT} runs", ""]
    out += scale_table() + [""] + complexity_table() + completion_rows() + [""] + startup_table() + [""] + import_table() + [""] + long_line_table()
    text = "\n".join(out) + "\n"
    (WORK / "results.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
