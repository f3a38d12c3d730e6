"""Shared helpers of the end-to-end tests: build a model with onnx.helper,
compile it with switchyard-compile, run it with switchyard-run, compare with
an independent reference (numpy in float64) under a stated bound.

The lit configuration puts this folder on PYTHONPATH and the tools' folder
in SWITCHYARD_BIN.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx

BIN = os.environ.get("SWITCHYARD_BIN", "")


def tool(name):
    return os.path.join(BIN, name) if BIN else name


def compile_model(model, workdir, name="model", extra=()):
    """Saves `model` (a ModelProto) and compiles it; returns the .so path."""
    path = os.path.join(workdir, name + ".onnx")
    onnx.save(model, path)
    lib = os.path.join(workdir, name + ".so")
    proc = subprocess.run([tool("switchyard-compile"), path, "-o", lib, *extra],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"switchyard-compile failed on {name}:\n{proc.stderr}")
    return lib


def run_library(lib, inputs, workdir, threads=None):
    """Runs `lib` on {name: array}; returns {output name: array}."""
    args = [tool("switchyard-run"), lib, "--output-dir", os.path.join(workdir, "out")]
    for i, (name, value) in enumerate(inputs.items()):
        f = os.path.join(workdir, f"in{i}.npy")
        np.save(f, np.array(value, order="C"))  # ascontiguousarray makes 0-d 1-d
        args += ["--input", f"{name}={f}"]
    if threads:
        args += ["--threads", str(threads)]
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"switchyard-run failed:\n{proc.stderr}")
    outdir = os.path.join(workdir, "out")
    return {os.path.splitext(f)[0]: np.load(os.path.join(outdir, f))
            for f in os.listdir(outdir)}


def compile_and_run(model, inputs, name="model", extra=()):
    with tempfile.TemporaryDirectory() as d:
        return run_library(compile_model(model, d, name, extra), inputs, d)


def emit(model, stage):
    """switchyard-compile --emit=`stage` of `model` (a ModelProto or an
    .onnx path), large constants elided."""
    with tempfile.TemporaryDirectory() as d:
        if not isinstance(model, str):
            path = os.path.join(d, "model.onnx")
            onnx.save(model, path)
            model = path
        return subprocess.run([tool("switchyard-compile"), model, f"--emit={stage}", "-o", "-",
                               "--mlir-elide-elementsattrs-if-larger=8"],
                              capture_output=True, text=True, check=True).stdout


def emit_sy(model):
    """switchyard-compile --emit=sy of `model`, large constants elided."""
    return emit(model, "sy")


MOE_OPS = ["sy.route", "sy.dispatch", "sy.grouped_matmul", "sy.combine"]


def check_moe_layer(name, model, inputs, want, ir, left, rtol, atol):
    """An MoE layer end to end: `ir` (its --emit=sy) raised with only the
    nodes in `left` kept (check_moe_raised), and the compiled library's
    output within rtol/atol of the float64 reference `want` and of
    onnxruntime on the same model."""
    import onnxruntime as ort
    check_moe_raised(name, ir, left)
    got = compile_and_run(model, inputs)[model.graph.output[0].name]
    check_close(f"{name} vs numpy", got, want, rtol, atol)
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    check_close(f"{name} vs onnxruntime", got, sess.run(None, inputs)[0], rtol, atol)


def check_moe_raised(name, ir, left):
    """`ir` (--emit=sy) holds the four sy MoE ops, and the onnx.node op
    types in `left` (in any order) are the only nodes it keeps."""
    for op in MOE_OPS:
        if op not in ir:
            raise AssertionError(f"{name}: --emit=sy lacks {op}:\n{ir}")
    kept = [line.split('"')[1] for line in ir.splitlines() if "onnx.node" in line]
    if sorted(kept) != sorted(left):
        raise AssertionError(f"{name}: left after raising {kept}, expected {left}")


def check_close(name, got, want, rtol=1e-5, atol=1e-6):
    """Float outputs within rtol/atol of the float64 reference (NaN where the
    reference has NaN); ints and bools exactly. Raises AssertionError."""
    want = np.asarray(want)
    if got.shape != want.shape:
        raise AssertionError(f"{name}: shape {got.shape}, expected {want.shape}")
    if np.issubdtype(got.dtype, np.floating):
        ok = np.isclose(got.astype(np.float64), want.astype(np.float64),
                        rtol=rtol, atol=atol, equal_nan=True)
        if not ok.all():
            i = np.argwhere(~ok)[0]
            raise AssertionError(
                f"{name}: {int((~ok).sum())} of {ok.size} elements off, first at "
                f"{tuple(i)}: got {got[tuple(i)]}, expected {want[tuple(i)]} "
                f"(rtol={rtol}, atol={atol})")
    elif not np.array_equal(got, want):
        raise AssertionError(f"{name}: values differ from the reference")


def main(cases):
    """Runs every case function (each raises on failure) and reports."""
    failed = 0
    for case in cases:
        try:
            case()
            print(f"PASS {case.__name__}")
        except AssertionError as e:
            failed += 1
            print(f"FAIL {case.__name__}: {e}")
    print(f"{len(cases) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
