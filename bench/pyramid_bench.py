#!/usr/bin/env python3
"""Pooling-pyramid benchmarks (issue 13): Switchyard vs ONNX Runtime on the
same .onnx files, side by side in one run, with the machine's measured
memory bandwidth.

    python3 bench/pyramid_bench.py [--cases ppm64,ppm60,dappm16,dappm32,
        sppf20,sppf80] [--runs 20] [--rounds 3] [--threads 2]
        [--markdown FILE]

Cases (whole modules as torch exports them, bench/pyramid_forms.py):
  ppm64    PSPNet PPM on 1x512x64x64, bins 1, 2, 4, 8 (torch exports bins
           3 and 6 of a 64x64 map as Gather chains, not pools)
  ppm60    PSPNet PPM on 1x512x60x60 (a 473x473 image), bins 1, 2, 3, 6
  dappm16  DDRNet-23-slim DAPPM on 1x512x16x32 (branch 128, out 128)
  dappm32  DDRNet-23 DAPPM on 1x1024x32x64 (branch 128, out 256)
  sppf20   YOLOv5 SPPF on 1x512x20x20 (hidden 256, out 512)
  sppf80   SPPF on 1x256x80x80 (hidden 128, out 256)

Each round times Switchyard (`switchyard-run --benchmark`, median) and ONNX
Runtime (InferenceSession.run, median, intra-op threads = --threads) back to
back; the table shows the median over rounds. GB/s counts the module's
compulsory traffic (input read once, output written once) over Switchyard's
time, next to the DRAM read bandwidth bench/peak/peak.c measures in the
same run.
"""
import datetime
import os
import sys
import tempfile

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pyramid_forms as pf  # noqa: E402
from moe_bench import build_peak, measure  # noqa: E402
from run_bench import bench_arguments, compare_rounds, cpu_name, print_table  # noqa: E402

CASES = {
    "ppm64": lambda: pf.ppm(1, 512, (64, 64), bins=(1, 2, 4, 8)),
    "ppm60": lambda: pf.ppm(1, 512, (60, 60), bins=(1, 2, 3, 6)),
    "dappm16": lambda: pf.dappm(1, 512, (16, 32), 128, 128),
    "dappm32": lambda: pf.dappm(1, 1024, (32, 64), 128, 256),
    "sppf20": lambda: pf.sppf(1, 512, (20, 20)),
    "sppf80": lambda: pf.sppf(1, 256, (80, 80)),
}


def main():
    args = bench_arguments(__doc__, CASES, runs=20, rounds=3).parse_args()

    rows = []
    with tempfile.TemporaryDirectory() as d:
        exe = build_peak(d)
        bandwidth = measure(exe, "read", args.threads)  # 1 GiB: DRAM
        for case in args.cases.split(","):
            model, inputs = CASES[case]()
            path = os.path.join(d, case + ".onnx")
            onnx.save(model, path)
            out = model.graph.output[0].name
            out_shape = [dim.dim_value for dim in
                         model.graph.output[0].type.tensor_type.shape.dim]
            nbytes = 4 * (inputs["x"].size + int(np.prod(out_shape)))
            sy, ort_ms, agree, err = compare_rounds(
                path, inputs, d, out, args.runs, args.threads, args.rounds)
            rows.append((case, list(inputs["x"].shape), out_shape, sy, ort_ms,
                         nbytes, agree, err))

    header = (f"{datetime.date.today()} on {cpu_name()}, {args.threads} threads; "
              f"median of {args.rounds} rounds x {args.runs} runs; DRAM read "
              f"bandwidth (1 GiB) {bandwidth:.1f} GB/s")
    lines = [header, "",
             "| case | input | output | Switchyard ms | ONNX Runtime ms "
             "| ORT/Switchyard | compulsory MiB | GB/s (% of DRAM read) "
             "| outputs agree |",
             "|---|---|---|---|---|---|---|---|---|"]
    for case, shape, out_shape, sy, ort_ms, nbytes, agree, err in rows:
        dims = "x".join(map(str, shape))
        odims = "x".join(map(str, out_shape))
        if sy is None:
            lines.append(f"| {case} | {dims} | {odims} | failed: {err} | "
                         f"{ort_ms:.3f} | n/a | n/a | n/a | n/a |")
            continue
        gbs = nbytes / (sy * 1e-3) * 1e-9
        lines.append(f"| {case} | {dims} | {odims} | {sy:.3f} | {ort_ms:.3f} "
                     f"| {ort_ms / sy:.2f}x | {nbytes / 2**20:.1f} "
                     f"| {gbs:.1f} ({100 * gbs / bandwidth:.0f}%) | {agree} |")
    print_table(lines, args.markdown)


if __name__ == "__main__":
    main()
