"""The Switch/GShard einsum MoE form (top-1 with expert capacity; one-hot
dispatch and combine tensors [T, E, C]) end to end: each case builds it as
torch exports it (test/e2e/lib/moe_forms.py), checks that --emit=sy shows
sy.route with the capacity, dispatch, grouped_matmul and combine and no
Einsum left, compiles and runs it, and compares with a float64 numpy
reference of the definition (a token beyond its expert's capacity gives 0)
and with onnxruntime on the same file. Bound: |got - want| <= 1e-4 * |want|
+ 1e-5."""

import re

import numpy as np

from moe_forms import switch_moe
from sye2e import check_moe_layer, emit_sy, main

RTOL, ATOL = 1e-4, 1e-5


def check(name, t, hid, inter, e, capacity, expect_dropped=None, **kw):
    model, inputs, reference = switch_moe(t, hid, inter, e, capacity, **kw)
    ir = emit_sy(model)
    if not re.search(rf"sy\.route .*top_k = 1 .*capacity = {capacity} ", ir):
        raise AssertionError(f"{name}: no sy.route with capacity {capacity}:\n{ir}")
    want = reference()
    dropped = int((np.abs(want).sum(1) == 0).sum())
    if expect_dropped is not None and (dropped > 0) != expect_dropped:
        raise AssertionError(f"{name}: {dropped} tokens dropped, expected "
                             f"{'some' if expect_dropped else 'none'}")
    check_moe_layer(name, model, inputs, want, ir, ["Gemm"], RTOL, ATOL)


def test_token_dropping():
    # 64 tokens over 8 experts with room for 5 each: experts overflow.
    check("cap5", 64, 32, 48, 8, 5, expect_dropped=True)
    # Capacity factor 1.25 (GShard's usual): 40 per expert of 256 / 8.
    check("cap40", 256, 32, 48, 8, 40, act="gelu")


def test_no_dropping():
    check("cap=T", 24, 32, 48, 4, 24, expect_dropped=False, act="silu")


def test_activations_bias_dispatch():
    check("swiglu+bias", 40, 32, 40, 8, 6, act="swiglu", bias=True)
    check("bool dispatch", 40, 32, 40, 8, 6, dispatch="bool", act="relu", bias=True)
    check("more slots than capacity", 40, 32, 40, 8, 4, slots=7, act="gelu_tanh")


def test_experts():
    for e in [4, 16, 64]:
        check(f"E{e}", 96, 24, 32, e, max(2, 96 // e), act="silu")


def test_all_tokens_on_one_expert():
    # Every token wants expert 2; only the first 10 fit.
    check("one expert", 30, 32, 48, 8, 10, gate_bias=[0, 0, 40, 0, 0, 0, 0, 0],
          expect_dropped=True)


if __name__ == "__main__":
    main([test_token_dropping, test_no_dropping, test_activations_bias_dispatch,
          test_experts, test_all_tokens_on_one_expert])
