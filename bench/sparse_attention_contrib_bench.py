#!/usr/bin/env python3
"""onnxruntime's com.microsoft.SparseAttention: Switchyard vs ONNX Runtime's
CPU kernel on the same one-node model, side by side in one run.

    python3 bench/sparse_attention_contrib_bench.py [--runs 20] [--rounds 3]
        [--threads 2]

The model is test/e2e/sparse_attention_contrib.py's: a Phi-3-small-like
layer, 32 query heads and 8 KV heads of 128, blocks of 64, one layout of 8
local blocks plus the first block column. Cases: decoding one token after
3000 in a 4096-position cache, and a 2048-token prompt. ONNX Runtime runs
with past and present caches bound to the same buffers (io binding, the
mode its kernel requires); Switchyard writes the present caches as
separate outputs. Each round times ONNX Runtime (median of --runs
run_with_iobinding calls after a warm-up) and `switchyard-run --benchmark`
(median; run_bench.time_switchyard) back to back.
"""
import os
import statistics
import sys
import tempfile
import time

import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "test", "e2e"))
sys.path.insert(0, os.path.join(ROOT, "test", "e2e", "lib"))
import sparse_attention_contrib as sac  # noqa: E402
from run_bench import bench_arguments, cpu_name, time_switchyard  # noqa: E402

CASES = {
    "decode4096": lambda: sac.Case(batch=1, seq=1, heads=32, kv_heads=8, head=128, cache=4096,
                                   block=64, layouts=[sac.local_global(64, 8)], total=3000,
                                   lengths=[3000]),
    "prompt2048": lambda: sac.Case(batch=1, seq=2048, heads=32, kv_heads=8, head=128,
                                   cache=2048, block=64, layouts=[sac.local_global(32, 8)]),
}


def ort_ms(model, x, runs, threads):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    sess = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])
    binding, _arrays = sac.bind_shared_caches(sess, x)  # kept alive for the runs
    sess.run_with_iobinding(binding)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        sess.run_with_iobinding(binding)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main():
    args = bench_arguments(__doc__, CASES, runs=20, rounds=3, markdown=False).parse_args()
    print(f"{cpu_name()}, {args.threads} threads, median of {args.runs} runs per round")
    print("| case | round | Switchyard ms | ONNX Runtime ms | ORT/Switchyard |")
    print("|---|---|---|---|---|")
    for name in args.cases.split(","):
        case = CASES[name]()
        model, x = case.model(), case.inputs()
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, name + ".onnx")
            onnx.save(model, path)
            for r in range(args.rounds):
                theirs = ort_ms(model, x, args.runs, args.threads)
                ours, _, err = time_switchyard(path, x, d, args.runs, args.threads)
                if ours is None:
                    raise SystemExit(f"{name}: Switchyard failed: {err}")
                print(f"| {name} | {r + 1} | {ours:.2f} | {theirs:.2f} | {theirs / ours:.2f}x |",
                      flush=True)


if __name__ == "__main__":
    main()
