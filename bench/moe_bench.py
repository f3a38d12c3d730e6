#!/usr/bin/env python3
"""MoE benchmarks: Switchyard vs ONNX Runtime on the same MoE .onnx files,
side by side in one run, with the machine's measured ceilings.

    python3 bench/moe_bench.py [--tokens 1,8,256,1024] [--hidden 1024]
        [--inter 1024] [--experts 8] [--top-k 2] [--runs 20] [--threads 2]
        [--rounds 3] [--forms contrib,dense,dense_shared,einsum,gshard,loop]
        [--markdown FILE]

Forms (issue 12; each raised to sy.route/dispatch/grouped_matmul/combine):
  contrib       onnxruntime's com.microsoft.MoE op, SwiGLU experts
                (interleaved, swiglu_fusion=1, the variant ORT's CPU kernel
                implements), so ONNX Runtime runs its own MoE kernel on the
                same file.
  dense         the dense-masked form as torch exports it (router Gemm,
                softmax, top-k, renormalisation, ScatterElements mask, every
                expert as batched MatMuls [T, H] x [E, H, F] with SwiGLU,
                masked ReduceSum; test/e2e/lib/moe_forms.py): ONNX Runtime
                computes every expert, Switchyard the routed ones.
  dense_shared  the same plus a shared SiLU expert (FFN --inter) on every
                token, which both compute densely.
  einsum        the Switch einsum form, top-1 (whatever --top-k says) with
                capacity ceil(1.25 T / E) (the usual factor): one-hot
                [T, E, C] dispatch/combine tensors and einsums, SwiGLU
                experts; ONNX Runtime runs the einsums on every slot,
                Switchyard the kept tokens.
  gshard        the GShard einsum form, top-2 (fairseq's top2gating: second
                expert from the masked logits, gates renormalised after
                dropping) with capacity ceil(1.25 * 2T / E); otherwise as
                einsum.
  loop          Hugging Face's per-expert loop (Mixtral's block as torch
                exports it: NonZero of each expert's mask, GatherND of its
                tokens, SwiGLU expert as three Gemms, ScatterND add): ONNX
                Runtime runs each expert on its own tokens, as Switchyard
                does, but one expert at a time.

Every round times Switchyard (`switchyard-run --benchmark`, median) and
ONNX Runtime (InferenceSession.run, median, intra-op threads = --threads)
back to back; the table shows the median over rounds of each, so that the
VM's noise hits both. Ceilings measured in the same run by bench/peak/peak.c
(register-only FMA loop, 1 GiB read): GFLOP/s counts 2 flops per
multiply-add of the GEMMs actually routed (tokens x k rows); GB/s counts the
bytes of the distinct experts' weights the routing selected (what a decode
step must stream), over Switchyard's time, next to the rate peak.c reads a
buffer of that size (this VM's 260 MiB L3 holds a few experts: a 1 GiB
read, shown in the header, is the DRAM rate).
"""
import argparse
import datetime
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "test", "e2e", "lib"))
from moe_forms import dense_moe, loop_moe, switch_moe  # noqa: E402
from run_bench import compare_rounds, cpu_name, print_table  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def build_peak(workdir):
    exe = os.path.join(workdir, "peak")
    subprocess.run(["cc", "-O2", "-mavx512f", "-mfma", "-pthread",
                    os.path.join(HERE, "peak", "peak.c"), "-o", exe], check=True)
    return exe


def measure(exe, *args):
    return float(subprocess.run([exe, *map(str, args)], check=True,
                                capture_output=True, text=True).stdout)


def contrib_model(tokens, hidden, inter, experts, k, rng):
    w1 = (rng.standard_normal((experts, 2 * inter, hidden)) / np.sqrt(hidden)).astype(np.float32)
    w2 = (rng.standard_normal((experts, hidden, inter)) / np.sqrt(inter)).astype(np.float32)
    node = h.make_node("MoE", ["x", "logits", "w1", "", "w2"], ["y"],
                       domain="com.microsoft", k=k, activation_type="swiglu",
                       swiglu_fusion=1, normalize_routing_weights=1)
    g = h.make_graph([node], "moe",
                     [h.make_tensor_value_info("x", T.FLOAT, [tokens, hidden]),
                      h.make_tensor_value_info("logits", T.FLOAT, [tokens, experts])],
                     [h.make_tensor_value_info("y", T.FLOAT, [tokens, hidden])],
                     [nh.from_array(w1, "w1"), nh.from_array(w2, "w2")])
    model = h.make_model(g, opset_imports=[h.make_opsetid("", 17),
                                           h.make_opsetid("com.microsoft", 1)])
    inputs = {"x": rng.standard_normal((tokens, hidden)).astype(np.float32),
              "logits": rng.standard_normal((tokens, experts)).astype(np.float32)}
    # Work actually routed, and the weights a step must stream.
    flops = 2.0 * tokens * k * (hidden * 2 * inter + inter * hidden)
    chosen = np.argsort(-inputs["logits"], axis=1, kind="stable")[:, :k]
    expert_bytes = 4 * (2 * inter * hidden + hidden * inter)
    bytes_streamed = len(np.unique(chosen)) * expert_bytes
    return model, inputs, flops, bytes_streamed


def router_logits(model, inputs):
    """The router logits of a moe_forms layer, whose router is the graph's
    first node, Gemm(x, Wg, bg) with transB = 1."""
    inits = {i.name: nh.to_array(i) for i in model.graph.initializer}
    gate = model.graph.node[0]
    return inputs["x"] @ inits[gate.input[1]].T + inits[gate.input[2]]


def routed_cost(model, inputs, tokens, hidden, inter, k):
    """GEMM flops and selected SwiGLU expert bytes of a top-k layer."""
    logits = router_logits(model, inputs)
    chosen = np.argsort(-logits, axis=1, kind="stable")[:, :k]
    flops = 2.0 * tokens * k * 3 * hidden * inter
    nbytes = len(np.unique(chosen)) * 4 * 3 * hidden * inter
    return flops, nbytes


def loop_model(tokens, hidden, inter, experts, k):
    model, inputs, _ = loop_moe(tokens, hidden, inter, experts, k, act="swiglu",
                                seed=tokens)
    return (model, inputs) + routed_cost(model, inputs, tokens, hidden, inter, k)


def dense_model(tokens, hidden, inter, experts, k, shared):
    model, inputs, _ = dense_moe(tokens, hidden, inter, experts, k, act="swiglu",
                                 shared=shared, seed=tokens)
    flops, nbytes = routed_cost(model, inputs, tokens, hidden, inter, k)
    if shared:
        flops += 2.0 * tokens * 2 * hidden * inter
        nbytes += 4 * 2 * hidden * inter
    return model, inputs, flops, nbytes


def capacity_model(tokens, hidden, inter, experts, k):
    """The einsum form, Switch top-1 or GShard top-2, with capacity
    ceil(1.25 * k * T / E); the routed work is what the choice-major
    capacity keeps."""
    capacity = -(-5 * k * tokens // (4 * experts))
    model, inputs, _ = switch_moe(tokens, hidden, inter, experts, capacity, k=k,
                                  act="swiglu", seed=tokens)
    chosen = np.argsort(-router_logits(model, inputs), axis=1, kind="stable")[:, :k]
    used = np.zeros(experts, int)
    for j in range(k):
        for e in chosen[:, j]:
            used[e] += used[e] < capacity
    flops = 2.0 * used.sum() * 3 * hidden * inter
    nbytes = len(np.unique(chosen)) * 4 * 3 * hidden * inter
    return model, inputs, flops, nbytes


def build(form, tokens, args, rng):
    if form in ("einsum", "gshard"):
        return capacity_model(tokens, args.hidden, args.inter, args.experts,
                              1 if form == "einsum" else 2)
    if form == "contrib":
        return contrib_model(tokens, args.hidden, args.inter, args.experts, args.top_k, rng)
    if form == "loop":
        return loop_model(tokens, args.hidden, args.inter, args.experts, args.top_k)
    return dense_model(tokens, args.hidden, args.inter, args.experts, args.top_k,
                       shared=form == "dense_shared")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tokens", default="1,8,256,1024")
    ap.add_argument("--hidden", type=int, default=1024)
    ap.add_argument("--inter", type=int, default=1024)
    ap.add_argument("--experts", type=int, default=8)
    ap.add_argument("--top-k", type=int, default=2)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--forms", default="contrib,dense,dense_shared,einsum,gshard,loop")
    ap.add_argument("--markdown", help="append the table to this file")
    args = ap.parse_args()

    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        exe = build_peak(d)
        peak = measure(exe, "fma", args.threads)
        bandwidth = measure(exe, "read", args.threads)  # 1 GiB: DRAM
        for form, tokens in [(f, int(t)) for f in args.forms.split(",")
                             for t in args.tokens.split(",")]:
            model, inputs, flops, nbytes = build(form, tokens, args, rng)
            path = os.path.join(d, "moe.onnx")
            onnx.save(model, path)
            sy, ort_ms, agree, err = compare_rounds(
                path, inputs, d, model.graph.output[0].name, args.runs,
                args.threads, args.rounds)
            # The same bytes read as one buffer: what streaming them costs
            # here (they may fit the last-level cache, unlike 1 GiB).
            same = measure(exe, "read", args.threads, max(1, nbytes >> 20))
            rows.append((form, tokens, sy, ort_ms, flops, nbytes, same, agree,
                         err))

    header = (f"{datetime.date.today()} on {cpu_name()}, {args.threads} threads; "
              f"hidden {args.hidden}, expert FFN {args.inter} (SwiGLU), "
              f"{args.experts} experts, top-{args.top_k}; median of {args.rounds} "
              f"rounds x {args.runs} runs; measured peak {peak:.0f} GFLOP/s, "
              f"DRAM read bandwidth (1 GiB) {bandwidth:.1f} GB/s")
    lines = [header, "",
             "| form | tokens | Switchyard ms | ONNX Runtime ms | ORT/Switchyard "
             "| GFLOP/s (% of peak) | selected weights MiB | weights GB/s "
             "(% of a read of that size) | outputs agree |",
             "|---|---|---|---|---|---|---|---|---|"]
    for form, tokens, sy, ort_ms, flops, nbytes, same, agree, err in rows:
        if sy is None:
            lines.append(f"| {form} | {tokens} | failed: {err} | {ort_ms:.3f} "
                         "| n/a | n/a | n/a | n/a | n/a |")
            continue
        gflops = flops / (sy * 1e-3) * 1e-9
        gbs = nbytes / (sy * 1e-3) * 1e-9
        lines.append(f"| {form} | {tokens} | {sy:.3f} | {ort_ms:.3f} | {ort_ms / sy:.2f}x "
                     f"| {gflops:.0f} ({100 * gflops / peak:.0f}%) | {nbytes >> 20} "
                     f"| {gbs:.1f} ({100 * gbs / same:.0f}% of {same:.1f}) | {agree} |")
    print_table(lines, args.markdown)


if __name__ == "__main__":
    main()
