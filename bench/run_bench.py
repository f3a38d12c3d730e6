#!/usr/bin/env python3
"""Side-by-side benchmarks: Switchyard vs ONNX Runtime (and IREE when its
PyPI packages are installed) on the same model and inputs, in one run.

    python3 bench/run_bench.py [--cases matmul,conv3x3,...] [--runs 50]
        [--threads 2] [--markdown FILE]

For each case: build the model with onnx.helper, compile it with
switchyard-compile, time `switchyard-run --benchmark N` (median of N runs
after a warm-up, as it prints), time ONNX Runtime's InferenceSession.run on
the same inputs (CPU provider, intra-op threads = --threads), check both
outputs agree, and print medians and the ratio ORT / Switchyard (> 1 means
Switchyard is faster). Other issues add their cases to CASES.
"""
import argparse
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("SWITCHYARD_BIN", os.path.join(ROOT, "build", "bin"))
rng = np.random.default_rng(0)


def make_model(nodes, inputs, outputs, inits=(), opset=17):
    g = h.make_graph(nodes, "bench", inputs, outputs, list(inits))
    return h.make_model(g, opset_imports=[h.make_opsetid("", opset)])


def vi(name, shape):
    return h.make_tensor_value_info(name, T.FLOAT, shape)


def weight(name, *shape, scale=0.05):
    return nh.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def case_matmul():
    """MatMul 512x1024 @ 1024x1024 (weights constant)."""
    m = make_model([h.make_node("MatMul", ["x", "w"], ["y"])],
                   [vi("x", [512, 1024])], [vi("y", [512, 1024])],
                   [weight("w", 1024, 1024)])
    return m, {"x": rng.standard_normal((512, 1024)).astype(np.float32)}


def case_conv3x3():
    """Conv 3x3, pad 1, 64 -> 64 channels on 1x64x56x56 (ResNet stage 1)."""
    m = make_model([h.make_node("Conv", ["x", "w", "b"], ["y"],
                                kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
                   [vi("x", [1, 64, 56, 56])], [vi("y", [1, 64, 56, 56])],
                   [weight("w", 64, 64, 3, 3), weight("b", 64)])
    return m, {"x": rng.standard_normal((1, 64, 56, 56)).astype(np.float32)}


def case_mlp():
    """A small MLP: 64x256 -> Gemm 512 -> Relu -> Gemm 256 -> Relu -> Gemm 10."""
    nodes = [h.make_node("Gemm", ["x", "w1", "b1"], ["h1"], transB=1),
             h.make_node("Relu", ["h1"], ["r1"]),
             h.make_node("Gemm", ["r1", "w2", "b2"], ["h2"], transB=1),
             h.make_node("Relu", ["h2"], ["r2"]),
             h.make_node("Gemm", ["r2", "w3", "b3"], ["y"], transB=1)]
    inits = [weight("w1", 512, 256), weight("b1", 512), weight("w2", 256, 512),
             weight("b2", 256), weight("w3", 10, 256), weight("b3", 10)]
    m = make_model(nodes, [vi("x", [64, 256])], [vi("y", [64, 10])], inits)
    return m, {"x": rng.standard_normal((64, 256)).astype(np.float32)}


def case_resblock():
    """A ResNet basic block on 1x64x56x56: conv-bn-relu-conv-bn + skip, relu."""
    def bn(prefix, c):
        return [nh.from_array((1 + 0.1 * rng.standard_normal(c)).astype(np.float32), prefix + "_s"),
                nh.from_array((0.1 * rng.standard_normal(c)).astype(np.float32), prefix + "_b"),
                nh.from_array((0.1 * rng.standard_normal(c)).astype(np.float32), prefix + "_m"),
                nh.from_array((1 + 0.1 * rng.random(c)).astype(np.float32), prefix + "_v")]
    nodes = [
        h.make_node("Conv", ["x", "w1"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        h.make_node("BatchNormalization", ["c1", "bn1_s", "bn1_b", "bn1_m", "bn1_v"], ["n1"]),
        h.make_node("Relu", ["n1"], ["r1"]),
        h.make_node("Conv", ["r1", "w2"], ["c2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        h.make_node("BatchNormalization", ["c2", "bn2_s", "bn2_b", "bn2_m", "bn2_v"], ["n2"]),
        h.make_node("Add", ["n2", "x"], ["s"]),
        h.make_node("Relu", ["s"], ["y"]),
    ]
    inits = [weight("w1", 64, 64, 3, 3), weight("w2", 64, 64, 3, 3)] + bn("bn1", 64) + bn("bn2", 64)
    m = make_model(nodes, [vi("x", [1, 64, 56, 56])], [vi("y", [1, 64, 56, 56])], inits)
    return m, {"x": rng.standard_normal((1, 64, 56, 56)).astype(np.float32)}


CASES = {"matmul": case_matmul, "conv3x3": case_conv3x3, "mlp": case_mlp,
         "resblock": case_resblock}


def time_switchyard(model_path, inputs, workdir, runs, threads):
    lib = os.path.join(workdir, "model.so")
    proc = subprocess.run([os.path.join(BIN, "switchyard-compile"), model_path,
                           "-o", lib], capture_output=True, text=True)
    if proc.returncode:
        return None, None, proc.stderr.strip().splitlines()[-1]
    args = [os.path.join(BIN, "switchyard-run"), lib, "--benchmark", str(runs),
            "--threads", str(threads), "--output-dir", os.path.join(workdir, "out")]
    for i, (name, value) in enumerate(inputs.items()):
        path = os.path.join(workdir, f"in{i}.npy")
        np.save(path, value)
        args += ["--input", f"{name}={path}"]
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode:
        return None, None, proc.stderr.strip()
    m = re.search(r"median_ms=([0-9.]+)", proc.stdout.strip().splitlines()[-1])
    outdir = os.path.join(workdir, "out")
    outputs = {os.path.splitext(f)[0]: np.load(os.path.join(outdir, f))
               for f in os.listdir(outdir)}
    return float(m.group(1)), outputs, None


def time_ort(model_path, inputs, runs, threads):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(model_path, opts, providers=["CPUExecutionProvider"])
    out = sess.run(None, inputs)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        sess.run(None, inputs)
        times.append((time.perf_counter() - t0) * 1e3)
    names = [o.name for o in sess.get_outputs()]
    return statistics.median(times), dict(zip(names, out))


def compare_rounds(model_path, inputs, workdir, out, runs, threads, rounds):
    """Times Switchyard and ONNX Runtime back to back `rounds` times, so the
    machine's noise hits both; returns (Switchyard's median ms or None when
    it failed, ORT's median ms, whether output `out` agrees, the error)."""
    sy_times, ort_times, agree, err = [], [], "n/a", None
    for _ in range(rounds):
        sy_ms, sy_out, err = time_switchyard(model_path, inputs, workdir, runs,
                                             threads)
        ort_ms, ort_out = time_ort(model_path, inputs, runs, threads)
        ort_times.append(ort_ms)
        if sy_ms is None:
            break
        sy_times.append(sy_ms)
        agree = bool(np.allclose(sy_out[out], ort_out[out], rtol=1e-3, atol=1e-4))
    sy = statistics.median(sy_times) if sy_times else None
    return sy, statistics.median(ort_times), agree, err


def time_iree(model_path, inputs, runs, workdir):
    """IREE's llvm-cpu for the host, when iree-base-compiler/-runtime are
    installed; None otherwise."""
    try:
        import iree.compiler.tools.import_onnx.__main__ as iree_onnx  # noqa
        import iree.compiler as ic
        import iree.runtime as rt
    except ImportError:
        return None
    mlir = os.path.join(workdir, "model.mlir")
    r = subprocess.run([sys.executable, "-m", "iree.compiler.tools.import_onnx",
                        model_path, "-o", mlir], capture_output=True, text=True)
    if r.returncode:
        return None
    vmfb = ic.compile_file(mlir, target_backends=["llvm-cpu"],
                           extra_args=["--iree-llvmcpu-target-cpu=host"])
    config = rt.Config("local-task")
    ctx = rt.SystemContext(config=config)
    ctx.add_vm_module(rt.VmModule.copy_buffer(ctx.instance, vmfb))
    # The ONNX importer names the entry function after the graph.
    fn = ctx.modules.module[onnx.load(model_path, load_external_data=False).graph.name]
    args = list(inputs.values())
    fn(*args)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(*args)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def print_table(lines, markdown=None):
    """Prints a result table and appends it to the file `markdown`, if any."""
    print("\n".join(lines))
    if markdown:
        with open(markdown, "a") as f:
            f.write("\n" + "\n".join(lines) + "\n")


def bench_arguments(doc, cases, runs, rounds=None, markdown=True):
    """The options every bench script shares: --cases (comma-separated
    names of `cases`, all by default), --runs, --rounds (when `rounds` gives
    its default), --threads and --markdown; the description is the first
    paragraph of `doc`."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--cases", default=",".join(cases))
    ap.add_argument("--runs", type=int, default=runs)
    if rounds is not None:
        ap.add_argument("--rounds", type=int, default=rounds)
    ap.add_argument("--threads", type=int, default=2)
    if markdown:
        ap.add_argument("--markdown", help="append the table to this file")
    return ap


def main():
    args = bench_arguments(__doc__, CASES, runs=50).parse_args()

    rows = []
    for name in args.cases.split(","):
        model, inputs = CASES[name]()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, name + ".onnx")
            onnx.save(model, path)
            sy_ms, sy_out, err = time_switchyard(path, inputs, d, args.runs, args.threads)
            ort_ms, ort_out = time_ort(path, inputs, args.runs, args.threads)
            iree_ms = time_iree(path, inputs, args.runs, d)
        agree = "n/a"
        if sy_out is not None:
            agree = all(np.allclose(sy_out[k], v, rtol=1e-3, atol=1e-4)
                        for k, v in ort_out.items())
        rows.append((name, sy_ms, ort_ms, iree_ms, agree, err))

    header = f"{datetime.date.today()} on {cpu_name()}, {args.threads} threads, median of {args.runs} runs"
    lines = [header, "",
             "| case | Switchyard ms | ONNX Runtime ms | IREE ms | ORT/Switchyard | outputs agree |",
             "|---|---|---|---|---|---|"]
    for name, sy, ort_ms, iree, agree, err in rows:
        ratio = f"{ort_ms / sy:.2f}x" if sy else "n/a"
        sy_s = f"{sy:.3f}" if sy is not None else f"failed: {err}"
        iree_s = f"{iree:.3f}" if iree is not None else "n/a"
        lines.append(f"| {name} | {sy_s} | {ort_ms:.3f} | {iree_s} | {ratio} | {agree} |")
    print_table(lines, args.markdown)


if __name__ == "__main__":
    main()
