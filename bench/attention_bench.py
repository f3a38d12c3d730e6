#!/usr/bin/env python3
"""Sparse attention benchmarks: Switchyard vs ONNX Runtime on the same
.onnx files, side by side in one run.

    python3 bench/attention_bench.py [--cases window1024,...] [--runs 10]
        [--rounds 3] [--threads 2] [--markdown FILE]

Each model is the attention core as exporters write it (issue 14): inputs
q, k, v [1, H, S, 64]; MatMul(q, Transpose(k)), Div by sqrt(64), Add of a
constant additive mask [S, S] (0 visible, -inf masked), Softmax over the
last axis, MatMul with v. Switchyard raises it to sy.sparse_attention and
visits only the visible blocks; ONNX Runtime computes the dense S x S
scores. Masks (test/e2e/lib/attention_forms.py):
  window     causal sliding window of 128 keys back (k in [q - 128, q])
  bigbird    blocks of 64: the diagonal block and its two neighbours, plus
             the first block row and column (global)
  causal     k <= q

Every round times Switchyard (`switchyard-run --benchmark`, median) and ONNX
Runtime (InferenceSession.run, median, intra-op threads = --threads) back to
back; the table shows the median over rounds. "visible" is the fraction of
the S x S (query, key) pairs the mask keeps.
"""
import datetime
import math
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "test", "e2e", "lib"))
import attention_forms as af  # noqa: E402
from run_bench import bench_arguments, compare_rounds, cpu_name, print_table  # noqa: E402

CASES = {
    "window1024": (1024, 8, lambda s: af.window(s, 128, 0)),
    "window4096": (4096, 8, lambda s: af.window(s, 128, 0)),
    "bigbird1024": (1024, 8, lambda s: af.bigbird(s, 64)),
    "bigbird4096": (4096, 8, lambda s: af.bigbird(s, 64)),
    "causal2048": (2048, 8, af.causal),
}


def attention_core(S, H, visible, D=64, seed=0):
    """The exported attention core over q, k, v [1, H, S, D] under the
    additive mask of `visible` [S, S]; returns (model, inputs)."""
    rng = np.random.default_rng(seed)
    shape = [1, H, S, D]
    mask = np.where(visible, 0, -np.inf).astype(np.float32)
    nodes = [
        h.make_node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
        h.make_node("MatMul", ["q", "kt"], ["s"]),
        h.make_node("Div", ["s", "sqrt_d"], ["scaled"]),
        h.make_node("Add", ["scaled", "mask"], ["masked"]),
        h.make_node("Softmax", ["masked"], ["p"], axis=-1),
        h.make_node("MatMul", ["p", "v"], ["y"]),
    ]
    inits = [nh.from_array(np.array(math.sqrt(D), np.float32), "sqrt_d"),
             nh.from_array(mask, "mask")]
    g = h.make_graph(nodes, "attention",
                     [h.make_tensor_value_info(n, T.FLOAT, shape) for n in "qkv"],
                     [h.make_tensor_value_info("y", T.FLOAT, shape)], inits)
    model = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    inputs = {n: rng.standard_normal(shape).astype(np.float32) for n in "qkv"}
    return model, inputs


def main():
    args = bench_arguments(__doc__, CASES, runs=10, rounds=3).parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as d:
        for case in args.cases.split(","):
            S, H, mask_of = CASES[case]
            visible = mask_of(S)
            model, inputs = attention_core(S, H, visible)
            path = os.path.join(d, case + ".onnx")
            onnx.save(model, path)
            sy, ort_ms, agree, err = compare_rounds(
                path, inputs, d, "y", args.runs, args.threads, args.rounds)
            rows.append((case, S, H, visible.mean(), sy, ort_ms, agree, err))

    header = (f"{datetime.date.today()} on {cpu_name()}, {args.threads} threads; "
              f"median of {args.rounds} rounds x {args.runs} runs; heads of 64")
    lines = [header, "",
             "| case | S | heads | visible | Switchyard ms | ONNX Runtime ms "
             "| ORT/Switchyard | outputs agree |",
             "|---|---|---|---|---|---|---|---|"]
    for case, S, H, frac, sy, ort_ms, agree, err in rows:
        if sy is None:
            lines.append(f"| {case} | {S} | {H} | {100 * frac:.1f}% | failed: "
                         f"{err} | {ort_ms:.2f} | n/a | n/a |")
            continue
        lines.append(f"| {case} | {S} | {H} | {100 * frac:.1f}% | {sy:.2f} "
                     f"| {ort_ms:.2f} | {ort_ms / sy:.2f}x | {agree} |")
    print_table(lines, args.markdown)


if __name__ == "__main__":
    main()
