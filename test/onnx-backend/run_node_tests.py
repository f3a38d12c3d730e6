#!/usr/bin/env python3
"""Run the official ONNX backend node tests through switchyard-compile and
switchyard-run, and compare with the outputs the tests ship.

Each test is a folder with model.onnx and test_data_set_*/ holding
input_<i>.pb and output_<i>.pb (ONNX TensorProto). input_<i>.pb feeds the
i-th graph input that is not an initializer; output_<i>.pb is the expected
value of the i-th graph output. Floats must agree within rtol 1e-3,
atol 1e-5 (NaN matches NaN); every other dtype exactly; shapes and dtypes
must match.

A failing test gets one category (see README.md): unsupported op,
unsupported feature, import error, lowering error, compile crash, run error,
run crash, wrong answer, timeout, harness error.

    run_node_tests.py --allowlist test/onnx-backend/allowlist.txt  # make check
    run_node_tests.py --all                                        # report
    run_node_tests.py --all --write-lists                          # refresh lists
    run_node_tests.py -k test_relu --verbose

The last line is always `onnx-backend: N passed, M failed`.
"""
import argparse
import collections
import concurrent.futures
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

COMPILE_TIMEOUT_S = 120
RUN_TIMEOUT_S = 60
RTOL, ATOL = 1e-3, 1e-5

# TensorProto data types compared with a tolerance (float, float16, double,
# bfloat16, the float8 kinds, float4e2m1) and complex ones.
FLOAT_TYPES = {1, 10, 11, 16, 17, 18, 19, 20, 23}
COMPLEX_TYPES = {14, 15}
STRING_TYPE = 8

# Categories, in the order the report lists them.
UNSUPPORTED_OP = "unsupported op"
UNSUPPORTED = "unsupported feature"
IMPORT_ERROR = "import error"
LOWERING_ERROR = "lowering error"
COMPILE_CRASH = "compile crash"
RUN_ERROR = "run error"
RUN_CRASH = "run crash"
WRONG_ANSWER = "wrong answer"
TIMEOUT = "timeout"
HARNESS_ERROR = "harness error"
CATEGORIES = [UNSUPPORTED_OP, UNSUPPORTED, IMPORT_ERROR, LOWERING_ERROR,
              COMPILE_CRASH, RUN_ERROR, RUN_CRASH, WRONG_ANSWER, TIMEOUT,
              HARNESS_ERROR]
# Bugs rather than missing features: the report shows them first.
BUG_CATEGORIES = {LOWERING_ERROR, COMPILE_CRASH, RUN_ERROR, RUN_CRASH,
                  WRONG_ANSWER, TIMEOUT, HARNESS_ERROR}

# `model.onnx: node 'x' (Conv, opset 22): unsupported op`
NODE_RE = r"\(([A-Za-z0-9_.]+), opset (\d+)\)"
UNSUPPORTED_OP_RE = re.compile(NODE_RE + r": unsupported op\b")
OPSET_RANGE_RE = re.compile(NODE_RE + r": supported from opset (\d+) only")
NO_LOWERING_RE = re.compile(NODE_RE + r": lowering to code is not implemented")
# Deliberate refusals (a feature not there yet) as opposed to bugs.
# "must be a [float] constant": an operand the compiler needs at compile time
# is a graph input in the test; "no default-domain opset": ai.onnx.ml and
# ai.onnx.preview.training models.
REFUSAL_RE = re.compile(r"not supported|unsupported|not implemented|supported only"
                        r"|must be (?:an? )?(?:\w+ )?constants?\b|known at compile time"
                        r"|no default-domain", re.IGNORECASE)
CRASH_RE = re.compile(r"PLEASE submit a bug report|Stack dump:|Assertion .* failed"
                      r"|LLVM ERROR:|UNREACHABLE executed|Segmentation fault")


class Outcome(Exception):
    """A test's failure: category and a one-line detail."""

    def __init__(self, category, detail, log=""):
        super().__init__(detail)
        self.category = category
        self.detail = one_line(detail)
        self.log = log


def one_line(text, limit=240):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


# ----------------------------------------------------------------------------
# Subprocesses: own process group, killed whole on timeout or interrupt.
# ----------------------------------------------------------------------------

_live = set()
_live_lock = threading.Lock()
_stopping = threading.Event()


def run_proc(cmd, timeout, env=None):
    """Returns (returncode, stdout+stderr text); raises subprocess.TimeoutExpired."""
    if _stopping.is_set():
        raise KeyboardInterrupt
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    with _live_lock:
        _live.add(proc)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        proc.communicate()
        raise
    finally:
        with _live_lock:
            _live.discard(proc)
    return proc.returncode, out.decode("utf-8", "replace")


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill_all():
    _stopping.set()
    with _live_lock:
        procs = list(_live)
    for p in procs:
        kill_group(p)


# ----------------------------------------------------------------------------
# Reading a test
# ----------------------------------------------------------------------------

def read_tensor(path):
    import onnx
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t


def data_sets(test_dir):
    sets = [d for d in os.listdir(test_dir) if d.startswith("test_data_set_")
            and os.path.isdir(os.path.join(test_dir, d))]
    sets.sort(key=lambda d: int(d.rsplit("_", 1)[1]) if d.rsplit("_", 1)[1].isdigit() else 1 << 30)
    return [os.path.join(test_dir, d) for d in sets]


def numbered(folder, prefix):
    """input_0.pb, input_1.pb, ... in index order (gaps are an error)."""
    found = {}
    for f in os.listdir(folder):
        m = re.fullmatch(prefix + r"_(\d+)\.pb", f)
        if m:
            found[int(m.group(1))] = os.path.join(folder, f)
    if sorted(found) != list(range(len(found))):
        raise Outcome(HARNESS_ERROR, f"{os.path.basename(folder)}: {prefix}_*.pb "
                      f"indices {sorted(found)} are not 0..n-1")
    return [found[i] for i in range(len(found))]


def value_kind(vi):
    """'tensor', 'string tensor', or the non-tensor type's name."""
    kind = vi.type.WhichOneof("value")
    if kind == "tensor_type":
        return "string tensor" if vi.type.tensor_type.elem_type == STRING_TYPE else "tensor"
    return {"sequence_type": "sequence", "optional_type": "optional",
            "map_type": "map", "sparse_tensor_type": "sparse tensor"}.get(kind, kind or "untyped")


def is_static(vi):
    t = vi.type.tensor_type
    return t.HasField("shape") and all(d.HasField("dim_value") for d in t.shape.dim)


def output_file_name(name):
    """switchyard-run's DIR/NAME.npy: characters outside [A-Za-z0-9._-] -> '_'."""
    s = re.sub(r"[^A-Za-z0-9._-]", "_", name) if name else "_"
    return s + ".npy"


# ----------------------------------------------------------------------------
# Comparing
# ----------------------------------------------------------------------------

def got_array(path, data_type):
    got = np.load(path, allow_pickle=False)
    if data_type == 16 and got.dtype.kind == "V" and got.dtype.itemsize == 2:
        # bfloat16 comes as 2-byte void ("V2"): the top half of a float32.
        import ml_dtypes
        got = got.view(ml_dtypes.bfloat16)
    return got


def compare(name, got, tensor):
    from onnx import numpy_helper
    want = numpy_helper.to_array(tensor)
    if got.shape != want.shape:
        raise Outcome(WRONG_ANSWER, f"output '{name}': shape {list(got.shape)}, "
                      f"expected {list(want.shape)}")
    if got.dtype != want.dtype:
        raise Outcome(WRONG_ANSWER, f"output '{name}': dtype {got.dtype}, "
                      f"expected {want.dtype}")
    dt = tensor.data_type
    if dt in FLOAT_TYPES or dt in COMPLEX_TYPES:
        cast = np.complex128 if dt in COMPLEX_TYPES else np.float64
        g, w = got.astype(cast), want.astype(cast)
        ok = np.isclose(g, w, rtol=RTOL, atol=ATOL, equal_nan=True)
        if not ok.all():
            bad = ~ok
            both = bad & np.isfinite(g) & np.isfinite(w)
            with np.errstate(all="ignore"):
                diff = np.abs(g - w)
                rel = diff / np.maximum(np.abs(w), np.finfo(np.float64).tiny)
            errs = (f"max abs err {float(diff[both].max()):.3g}, "
                    f"max rel err {float(rel[both].max()):.3g}") if both.any() else ""
            odd = int(bad.sum() - both.sum())
            if odd:  # NaN or infinity on one side only, or infinities differ
                errs += ("; " if errs else "") + f"{odd} NaN/inf mismatches"
            i = first_index(bad)
            raise Outcome(WRONG_ANSWER,
                          f"output '{name}': {int(bad.sum())} of {ok.size} off, "
                          f"{errs}; first at {list(i)}: got {g[i]}, expected {w[i]}")
        return
    if want.dtype.kind == "V":  # int4/uint4 etc. from ml_dtypes
        want, got = want.astype(np.int64), got.astype(np.int64)
    if not np.array_equal(got, want):
        bad = got != want
        i = first_index(bad)
        extra = ""
        if got.dtype.kind in "iu":
            d = np.abs(got.astype(np.float64) - want.astype(np.float64))
            extra = f", max abs err {float(d.max()):.3g}"
        raise Outcome(WRONG_ANSWER,
                      f"output '{name}': {int(np.sum(bad))} of {want.size} differ"
                      f"{extra}; first at {list(i)}: got {got[i]}, expected {want[i]}")


def first_index(mask):
    return tuple(int(x) for x in np.argwhere(mask)[0]) if mask.ndim else ()


# ----------------------------------------------------------------------------
# One test
# ----------------------------------------------------------------------------

class Runner:
    def __init__(self, bin_dir, verbose, compile_timeout, run_timeout):
        self.compiler = os.path.join(bin_dir, "switchyard-compile")
        self.runner = os.path.join(bin_dir, "switchyard-run")
        self.verbose = verbose
        self.compile_timeout = compile_timeout
        self.run_timeout = run_timeout

    def run_test(self, test_dir):
        """Returns (name, category or None for a pass, detail, log)."""
        name = os.path.basename(test_dir.rstrip("/"))
        try:
            with tempfile.TemporaryDirectory(prefix=f"sy-{name[:40]}-") as tmp:
                self._run(test_dir, tmp)
            return name, None, "", ""
        except Outcome as o:
            return name, o.category, o.detail, o.log
        except KeyboardInterrupt:
            return name, HARNESS_ERROR, "interrupted", ""
        except Exception as e:  # a bug in this script, or unreadable test data
            return name, HARNESS_ERROR, one_line(f"{type(e).__name__}: {e}"), ""

    def _run(self, test_dir, tmp):
        import onnx
        model_path = os.path.join(test_dir, "model.onnx")
        if not os.path.isfile(model_path):
            raise Outcome(HARNESS_ERROR, "no model.onnx")
        try:
            model = onnx.load(model_path, load_external_data=False)
        except Exception as e:
            raise Outcome(IMPORT_ERROR, f"onnx cannot read model.onnx: {e}")
        g = model.graph
        inits = {t.name for t in g.initializer} | {t.values.name for t in g.sparse_initializer}
        inputs = [vi for vi in g.input if vi.name not in inits]
        outputs = list(g.output)
        # switchyard-run reads and writes tensors only (.npy / TensorProto):
        # sequences, optionals, maps and strings cannot even be fed or compared.
        for what, vis in (("input", inputs), ("output", outputs)):
            for vi in vis:
                kind = value_kind(vi)
                if kind != "tensor":
                    raise Outcome(UNSUPPORTED, f"{kind} {what} '{vi.name}'")

        sets = data_sets(test_dir)
        plans = []  # (data set, input files, output files)
        for ds in sets:
            ins, outs = numbered(ds, "input"), numbered(ds, "output")
            if len(ins) > len(inputs):
                raise Outcome(HARNESS_ERROR, f"{os.path.basename(ds)}: {len(ins)} "
                              f"input files for {len(inputs)} graph inputs")
            if len(outs) != len(outputs):
                raise Outcome(HARNESS_ERROR, f"{os.path.basename(ds)}: {len(outs)} "
                              f"output files for {len(outputs)} graph outputs")
            plans.append((ds, ins, outs))

        # Inputs with dynamic dimensions get the data set's shapes through
        # --input-shape, so such models compile once per data set.
        dynamic = [i for i, vi in enumerate(inputs) if not is_static(vi)]
        libs = {}

        def library(key, shape_args):
            if key not in libs:
                libs[key] = self._compile(model_path, tmp, len(libs), shape_args)
            return libs[key]

        if not plans:
            # Nothing to compare: compiling must still work, and the test
            # counts as a pass only if it does.
            library((), [])
            return
        for k, (ds, ins, outs) in enumerate(plans):
            shape_args = []
            for i in dynamic:
                if i < len(ins):
                    dims = list(read_tensor(ins[i]).dims)
                    shape_args.append(f"{inputs[i].name}=" + "x".join(map(str, dims)))
            lib = library(tuple(shape_args), shape_args)
            self._run_data_set(lib, inputs, outputs, ins, outs,
                               os.path.join(tmp, f"out{k}"), os.path.basename(ds))

    def _compile(self, model_path, tmp, index, shape_args):
        lib = os.path.join(tmp, f"model{index}.so")
        cmd = [self.compiler, model_path, "-o", lib]
        for s in shape_args:
            cmd += ["--input-shape", s]
        env = dict(os.environ, TMPDIR=tmp)  # its temporary object file too
        try:
            rc, log = run_proc(cmd, self.compile_timeout, env)
        except subprocess.TimeoutExpired:
            raise Outcome(TIMEOUT, f"switchyard-compile ran over {self.compile_timeout:g} s")
        if rc == 0 and os.path.isfile(lib):
            return lib
        raise self._classify_compile_failure(rc, log, model_path, shape_args, env)

    def _classify_compile_failure(self, rc, log, model_path, shape_args, env):
        msg = first_error(log, model_path)
        if rc < 0 or CRASH_RE.search(log):
            sig = f"signal {signal_name(-rc)}" if rc < 0 else f"exit {rc}"
            crash = next((l for l in log.splitlines() if CRASH_RE.search(l)), msg)
            crash = strip_path(crash, model_path)
            return Outcome(COMPILE_CRASH, f"{sig}: {crash}" if crash else sig, log)
        for rx, fmt in ((UNSUPPORTED_OP_RE, "{0} (opset {1})"),
                        (OPSET_RANGE_RE, "{0} (opset {1}; registered from opset {2})"),
                        (NO_LOWERING_RE, "{0} (opset {1}; no lowering)")):
            m = rx.search(log)
            if m:
                return Outcome(UNSUPPORTED_OP, fmt.format(*m.groups()), log)
        # Did the importer fail, or a later stage? Importing alone tells.
        cmd = [self.compiler, model_path, "--emit=onnx", "-o", os.devnull]
        for s in shape_args:
            cmd += ["--input-shape", s]
        try:
            irc, _ = run_proc(cmd, self.compile_timeout, env)
        except subprocess.TimeoutExpired:
            irc = 1
        imported = irc == 0
        if REFUSAL_RE.search(msg):
            return Outcome(UNSUPPORTED, msg, log)
        return Outcome(LOWERING_ERROR if imported else IMPORT_ERROR, msg or f"exit {rc}", log)

    def _run_data_set(self, lib, inputs, outputs, ins, outs, out_dir, ds_name):
        cmd = [self.runner, lib, "--output-dir", out_dir]
        for vi, path in zip(inputs, ins):
            cmd += ["--input", f"{vi.name}={path}"]
        try:
            rc, log = run_proc(cmd, self.run_timeout)
        except subprocess.TimeoutExpired:
            raise Outcome(TIMEOUT, f"switchyard-run ran over {self.run_timeout:g} s ({ds_name})")
        if rc < 0 or CRASH_RE.search(log):
            sig = f"signal {signal_name(-rc)}" if rc < 0 else f"exit {rc}"
            raise Outcome(RUN_CRASH, f"{sig} ({ds_name}) {first_error(log, lib)}".strip(), log)
        if rc != 0:
            raise Outcome(RUN_ERROR, f"{ds_name}: {first_error(log, lib) or f'exit {rc}'}", log)
        for vi, path in zip(outputs, outs):
            npy = os.path.join(out_dir, output_file_name(vi.name))
            if not os.path.isfile(npy):
                raise Outcome(RUN_ERROR, f"{ds_name}: output '{vi.name}' was not written")
            want = read_tensor(path)
            compare(vi.name, got_array(npy, want.data_type), want)


TOOLS = ("switchyard-compile", "switchyard-run")
RUNTIME = os.path.join("lib", "libswitchyard_runtime.a")


def snapshot_tools(bin_dir, dest, wait_s=300):
    """Copies the tools (and the runtime archive switchyard-compile links,
    ../lib/ from bin/) into dest/bin and dest/lib, and returns dest/bin.
    Other people rebuild build/bin while a run takes minutes; a snapshot keeps
    every test on one build. A file being relinked (not executable yet, or
    changing while copied) is waited for."""
    import shutil
    import time
    prefix = os.path.dirname(os.path.abspath(bin_dir).rstrip("/"))
    files = [(os.path.join(bin_dir, t), os.path.join(dest, "bin", t), True) for t in TOOLS]
    runtime = os.path.join(prefix, RUNTIME)
    if os.path.isfile(runtime):
        files.append((runtime, os.path.join(dest, RUNTIME), False))
    deadline = time.monotonic() + wait_s
    for src, dst, exe in files:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        while True:
            try:
                before = os.stat(src)
                if not exe or os.access(src, os.X_OK):
                    shutil.copy2(src, dst)
                    after = os.stat(src)
                    if (before.st_mtime_ns, before.st_size) == (after.st_mtime_ns, after.st_size):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise OSError(f"{src} kept changing (or is missing) for {wait_s} s")
            time.sleep(2)
    return os.path.join(dest, "bin")


def strip_path(line, path):
    line = re.sub(r"^switchyard-(?:compile|run): error:[\s:]*", "", line.strip())
    return line.replace(path + ": ", "").replace(path, "model.onnx").strip()


def first_error(log, path):
    """The first line that says what went wrong, without the file prefix."""
    lines = [l for l in log.splitlines() if l.strip()]
    for l in lines:
        if "note:" in l or "warning:" in l:
            continue
        return strip_path(l, path)
    return ""


def signal_name(num):
    try:
        return signal.Signals(num).name
    except ValueError:
        return str(num)


# ----------------------------------------------------------------------------
# Lists and report
# ----------------------------------------------------------------------------

def read_list(path):
    with open(path) as f:
        return [l.split("\t")[0].strip() for l in f
                if l.strip() and not l.lstrip().startswith("#")]


LIST_HEADER = ("# Generated by test/onnx-backend/run_node_tests.py --all --write-lists "
               "(see README.md); do not edit.\n")


def write_lists(allow_path, excluded_path, results):
    passed = sorted(n for n, c, _, _ in results if c is None)
    failed = sorted((n, c, d) for n, c, d, _ in results if c is not None)
    with open(allow_path, "w") as f:
        f.write(LIST_HEADER)
        f.writelines(n + "\n" for n in passed)
    with open(excluded_path, "w") as f:
        f.write(LIST_HEADER + "# name<TAB>category: detail\n")
        f.writelines(f"{n}\t{c}: {d}\n" for n, c, d in failed)


def unsupported_op_name(detail):
    return detail.split(" ", 1)[0]


def report(results, print_failures, show_summary):
    failures = sorted((r for r in results if r[1] is not None),
                      key=lambda r: (r[1] not in BUG_CATEGORIES,
                                     CATEGORIES.index(r[1]) if r[1] in CATEGORIES else 99, r[0]))
    for name, cat, detail, _ in failures if print_failures else []:
        print(f"FAIL {name}: {cat}: {detail}")
    if show_summary and results:
        counts = collections.Counter(r[1] or "passed" for r in results)
        print("by category:")
        for c in ["passed"] + CATEGORIES:
            if counts.get(c):
                bug = "  (bugs)" if c in BUG_CATEGORIES else ""
                print(f"  {c:20s} {counts[c]:5d}{bug}")
        ops = collections.Counter(unsupported_op_name(d) for _, c, d, _ in results
                                  if c == UNSUPPORTED_OP)
        if ops:
            print("most common unsupported ops: " +
                  ", ".join(f"{op} {n}" for op, n in ops.most_common(15)))


def main():
    ap = argparse.ArgumentParser(
        description="Run the ONNX backend node tests through Switchyard.")
    ap.add_argument("--data", default=os.path.join(ROOT, "build", "onnx-node-tests", "node"),
                    help="folder of test_* folders (default: build/onnx-node-tests/node; "
                         "scripts/fetch_onnx_node_tests.py fills it)")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "bin"),
                    help="folder with switchyard-compile and switchyard-run")
    ap.add_argument("--allowlist", metavar="FILE",
                    help="run only these tests; any failure exits 1")
    ap.add_argument("--all", action="store_true",
                    help="run every test and report (exit 0 unless the harness fails)")
    ap.add_argument("--write-lists", action="store_true",
                    help="with --all: rewrite the allow-list (passing tests; "
                         "--allowlist FILE or test/onnx-backend/allowlist.txt) and "
                         "the exclusion list (every other test and why)")
    ap.add_argument("--excluded", metavar="FILE",
                    default=os.path.join(HERE, "excluded.txt"),
                    help="exclusion list written by --write-lists")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="tests at a time (default 2)")
    ap.add_argument("-k", dest="filter", metavar="SUBSTRING",
                    help="only tests whose name contains SUBSTRING")
    ap.add_argument("--compile-timeout", type=float, default=COMPILE_TIMEOUT_S,
                    metavar="S", help=f"seconds (default {COMPILE_TIMEOUT_S})")
    ap.add_argument("--run-timeout", type=float, default=RUN_TIMEOUT_S,
                    metavar="S", help=f"seconds per data set (default {RUN_TIMEOUT_S})")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="print passes too, and the tools' output of failures")
    args = ap.parse_args()

    if args.write_lists and (not args.all or args.filter):
        ap.error("--write-lists needs --all and no -k (the lists cover every test)")
    if args.all and args.allowlist and not args.write_lists:
        ap.error("--all and --allowlist exclude each other (except with --write-lists, "
                 "where --allowlist names the file to write)")
    if not os.path.isdir(args.data):
        print(f"onnx-backend: no test data in {args.data} "
              "(run scripts/fetch_onnx_node_tests.py)", file=sys.stderr)
        print("onnx-backend: 0 passed, 0 failed")
        return 1
    for tool in TOOLS:
        if not os.path.isfile(os.path.join(args.bin, tool)):
            print(f"onnx-backend: {tool} not found in {args.bin}", file=sys.stderr)
            print("onnx-backend: 0 passed, 0 failed")
            return 1
    def on_signal(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)  # make's or timeout's: clean up too
    with tempfile.TemporaryDirectory(prefix="sy-node-tools-") as tools:
        try:
            bin_dir = snapshot_tools(args.bin, tools)
        except OSError as e:
            print(f"onnx-backend: cannot copy the tools: {e}", file=sys.stderr)
            print("onnx-backend: 0 passed, 0 failed")
            return 1
        return run(args, bin_dir)


def run(args, bin_dir):
    available = sorted(d for d in os.listdir(args.data)
                       if d.startswith("test_") and os.path.isdir(os.path.join(args.data, d)))
    missing = []
    if args.allowlist and not args.all:
        wanted = read_list(args.allowlist)
        have = set(available)
        missing = sorted(n for n in set(wanted) if n not in have)
        names = sorted(n for n in set(wanted) if n in have)
    else:
        names = available
    if args.filter:
        names = [n for n in names if args.filter in n]
        missing = [n for n in missing if args.filter in n]

    runner = Runner(bin_dir, args.verbose, args.compile_timeout, args.run_timeout)
    results = [(n, HARNESS_ERROR, f"allow-listed but not in {args.data}", "")
               for n in missing]

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs))
    futures = [pool.submit(runner.run_test, os.path.join(args.data, n)) for n in names]
    try:
        for fut in concurrent.futures.as_completed(futures):
            r = fut.result()
            results.append(r)
            name, cat, detail, log = r
            if args.verbose:
                print(f"PASS {name}" if cat is None else f"FAIL {name}: {cat}: {detail}")
                if cat is not None and log.strip():
                    print("    " + "\n    ".join(log.strip().splitlines()[:30]))
                sys.stdout.flush()
    except KeyboardInterrupt:
        kill_all()
        pool.shutdown(wait=True, cancel_futures=True)  # workers clean their temp dirs
        print("onnx-backend: interrupted", file=sys.stderr)
        return 130
    pool.shutdown(wait=True)

    results.sort(key=lambda r: r[0])
    # Verbose runs printed each failure as it came.
    report(results, print_failures=not args.verbose, show_summary=args.all)
    if args.write_lists:
        allow_path = args.allowlist or os.path.join(HERE, "allowlist.txt")
        harness = [r for r in results if r[1] == HARNESS_ERROR]
        if harness:
            # The run cannot be trusted (unreadable data, a runner bug).
            print(f"onnx-backend: {len(harness)} harness errors; lists not written",
                  file=sys.stderr)
            print(f"onnx-backend: {sum(1 for r in results if r[1] is None)} passed, "
                  f"{sum(1 for r in results if r[1] is not None)} failed")
            return 1
        old = set(read_list(allow_path)) if os.path.isfile(allow_path) else set()
        now = {n for n, c, _, _ in results if c is None}
        for n, c, d, _ in results:
            if n in old and c is not None:
                print(f"LEFT THE ALLOW-LIST {n}: {c}: {d}")
        write_lists(allow_path, args.excluded, results)
        print(f"onnx-backend: wrote {os.path.relpath(allow_path)} "
              f"(+{len(now - old)}, -{len(old - now)}) and {os.path.relpath(args.excluded)}")
    passed = sum(1 for r in results if r[1] is None)
    failed = len(results) - passed
    print(f"onnx-backend: {passed} passed, {failed} failed")
    sys.stdout.flush()
    if args.all:
        return 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
