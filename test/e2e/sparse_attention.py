"""Masked self-attention end to end: each case builds a model with onnx.helper
in a form exporters write (test/e2e/lib/attention_forms.py: Hugging
Face-style multi-head self-attention and F.scaled_dot_product_attention as
torch.onnx.export writes them, opset 17 unless stated, float32, static
shapes), checks that --emit=sy raises its masked attention into exactly one
sy.sparse_attention with the expected sparsity (near misses: none, every
MatMul kept), compiles and runs it, and compares with the float64 numpy
reference of the same graph and with onnxruntime (CPU) on the same model.
Fully masked rows are NaN (a dense Softmax of all -inf) in the output, in
the reference and in onnxruntime alike. Bound: |got - want| <= 1e-4 * |want|
+ 1e-5 (float32 accumulation over up to 4096 keys, weights scaled by
1/sqrt(fan-in) so activations stay of order 1)."""
import subprocess

import numpy as np
import onnx

import attention_forms as af
from sye2e import check_close, compile_and_run, emit_sy, main

RTOL, ATOL = 1e-4, 1e-5
OP = "sy.sparse_attention"


def sy_text(name, model):
    try:
        return emit_sy(model)
    except subprocess.CalledProcessError as e:
        raise AssertionError(f"{name}: --emit=sy failed:\n{e.stderr}")


def check(name, built, raised, matmuls, sparsity=(), op_has=(), nan_rows=()):
    """`built`: (model, inputs, reference) from attention_forms. --emit=sy
    holds `raised` sy.sparse_attention and `matmuls` onnx MatMul nodes, each
    string of `sparsity` and `op_has` on the sy.sparse_attention lines; the
    reference is NaN exactly on the query rows `nan_rows` (every batch,
    every channel); the compiled library and onnxruntime match it."""
    import onnxruntime as ort
    model, inputs, reference = built
    onnx.checker.check_model(model, full_check=True)
    ir = sy_text(name, model)
    found = ir.count(OP)
    if found != raised:
        raise AssertionError(f"{name}: {found} {OP}, expected {raised}")
    left = sum('onnx.node "MatMul"' in line for line in ir.splitlines())
    if left != matmuls:
        raise AssertionError(f"{name}: {left} onnx MatMul left, expected {matmuls}")
    ops = "\n".join(line for line in ir.splitlines() if OP in line)
    for s in (*sparsity, *op_has):
        if s not in ops:
            raise AssertionError(f"{name}: no '{s}' in\n{ops}")

    want = reference()
    rows = np.zeros(want.shape[1], bool)
    rows[list(nan_rows)] = True
    expect_nan = np.broadcast_to(rows[None, :, None], want.shape)
    if not np.array_equal(np.isnan(want), expect_nan):
        raise AssertionError(f"{name}: reference NaN at query rows "
                             f"{np.flatnonzero(np.isnan(want).any((0, 2)))[:8]}, "
                             f"expected {list(nan_rows)}")

    sess = ort.InferenceSession(model.SerializeToString(),
                                providers=["CPUExecutionProvider"])
    theirs = sess.run(None, inputs)[0]
    check_close(f"{name}: onnxruntime vs numpy", theirs, want, RTOL, ATOL)
    got = compile_and_run(model, inputs)[model.graph.output[0].name]
    check_close(f"{name}: switchyard vs numpy", got, want, RTOL, ATOL)
    check_close(f"{name}: switchyard vs onnxruntime", got, theirs, RTOL, ATOL)


# mha keeps its q, k, v and output projections when raised; single_head
# keeps no MatMul.
RAISED_MHA, DENSE_MHA = 4, 6


# --------------------------------------------------------------------------
# Causal
# --------------------------------------------------------------------------

def test_causal_hf():
    check("causal S=128 add -inf div hf", af.mha(1, 128, 4, 32, af.causal(128)),
          1, RAISED_MHA, ["sparsity = <causal>"])


def test_causal_sdpa():
    # torch's SDPA export: two Transposes of the key, D^-1/4 on q and k^T,
    # masked_fill(~mask, -inf).
    check("causal S=200 where -inf qk sdpa",
          af.mha(2, 200, 2, 16, af.causal(200), mask_form="where_neginf",
                 scale_form="qk", key_form="sdpa"),
          1, RAISED_MHA, ["sparsity = <causal>"])


def test_causal_opset21():
    check("causal S=128 opset 21", af.mha(1, 128, 4, 32, af.causal(128), opset=21),
          1, RAISED_MHA, ["sparsity = <causal>"])


def test_causal_single_head():
    check("single head causal S=257", af.single_head(2, 257, 64, af.causal(257)),
          1, 0, ["sparsity = <causal>"])


# --------------------------------------------------------------------------
# Sliding windows, global tokens
# --------------------------------------------------------------------------

def test_window_large_fill():
    check("window [32, 0] S=333 add -1e9 mul",
          af.mha(1, 333, 2, 32, af.window(333, 32, 0), mask_form="add_large",
                 scale_form="mul"),
          1, RAISED_MHA, ["sparsity = <window [32, 0]>"])


def test_window_symmetric_min_fill():
    check("window [16, 16] S=256 add finfo.min div",
          af.mha(1, 256, 4, 16, af.window(256, 16, 16), mask_form="add_min"),
          1, RAISED_MHA, ["sparsity = <window [16, 16]>"])


def test_window_global():
    check("window [24, 24] global 3 S=300",
          af.mha(1, 300, 2, 32, af.window_global(300, 24, 24, 3)),
          1, RAISED_MHA, ["sparsity = <window [24, 24], global 3>"])


def test_long_window():
    check("window [128, 0] S=4096 mask [S, S]",
          af.mha(1, 4096, 1, 64, af.window(4096, 128, 0), mask_rank=2),
          1, RAISED_MHA, ["sparsity = <window [128, 0]>"])


# --------------------------------------------------------------------------
# Masks computed in forward from Range
# --------------------------------------------------------------------------

def test_range_window():
    check("range window [64, 0] S=256",
          af.mha(1, 256, 2, 32, None, mask_form="range", lr=(64, 0)),
          1, RAISED_MHA, ["sparsity = <window [64, 0]>"])


def test_range_causal():
    check("range causal S=160",
          af.mha(1, 160, 2, 32, None, mask_form="range", lr=(160, 0)),
          1, RAISED_MHA, ["sparsity = <causal>"])


# --------------------------------------------------------------------------
# Block layouts
# --------------------------------------------------------------------------

def test_bigbird_64():
    # 1000 = 15 * 64 + 40: the last block is short.
    check("bigbird bs=64 S=1000", af.mha(2, 1000, 2, 64, af.bigbird(1000, 64)),
          1, RAISED_MHA, ["sparsity = <blocks"])


def test_bigbird_32():
    check("bigbird bs=32 S=320", af.mha(1, 320, 4, 32, af.bigbird(320, 32)),
          1, RAISED_MHA, ["sparsity = <blocks"])


def test_partial_blocks():
    # Not a union of whole blocks: a block layout plus a bias for the rest.
    check("partial blocks S=256", af.mha(1, 256, 2, 32, af.partial_blocks(256)),
          1, RAISED_MHA, ["sparsity = <blocks"], op_has=["bias"])


def test_per_head_windows():
    # Mask [1, H, S, S]: head h sees the 16 (h + 1) keys before it.
    check("per-head windows S=192 H=4",
          af.mha(1, 192, 4, 32, af.per_head_window(192, 4)),
          1, RAISED_MHA, ["sparsity = <blocks"])


# --------------------------------------------------------------------------
# A fully masked row
# --------------------------------------------------------------------------

def test_strict_causal_nan_row():
    # Row 0 sees no key: all -inf, NaN through the output projection.
    check("strict causal S=130 add -inf", af.mha(1, 130, 2, 32, af.strict_causal(130)),
          1, RAISED_MHA, nan_rows=[0])


# --------------------------------------------------------------------------
# Near misses: nothing raised, every MatMul kept, still correct
# --------------------------------------------------------------------------

def test_mask_is_an_input():
    check("mask a graph input",
          af.mha(1, 128, 2, 32, af.causal(128), mask_input=True), 0, DENSE_MHA)


def test_finite_fill_fully_masked_row():
    # Row 0 is all -1e9: the dense softmax averages v over every key, which
    # a sparse kernel skipping masked keys cannot.
    check("strict causal S=130 add -1e9",
          af.mha(1, 130, 2, 32, af.strict_causal(130), mask_form="add_large"),
          0, DENSE_MHA)


def test_softmax_over_queries():
    check("softmax axis 2",
          af.mha(1, 96, 2, 32, af.causal(96), softmax_axis=2), 0, DENSE_MHA)


if __name__ == "__main__":
    main([v for k, v in sorted(globals().items()) if k.startswith("test_")])
