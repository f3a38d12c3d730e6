"""The Switch (top-1) and GShard (top-2) einsum MoE forms with expert
capacity (one-hot dispatch and combine tensors [T, E, C]) end to end: each
case builds it as torch exports it (test/e2e/lib/moe_forms.py), checks that
--emit=sy shows sy.route with the capacity (and, top-2, the gates
renormalised after dropping), dispatch, grouped_matmul and combine and no
Einsum left, compiles and runs it, and compares with a float64 numpy
reference of the definition (a choice beyond its expert's capacity gives 0;
second choices queue behind all first choices) and with onnxruntime on the
same file. Bound: |got - want| <= 1e-4 * |want| + 1e-5."""

import re

import numpy as np

from moe_forms import switch_moe
from sye2e import check_moe_layer, emit_sy, main

RTOL, ATOL = 1e-4, 1e-5


def check(name, t, hid, inter, e, capacity, expect_dropped=None, k=1, **kw):
    model, inputs, reference = switch_moe(t, hid, inter, e, capacity, k=k, **kw)
    ir = emit_sy(model)
    kept = " renormalize_kept = 1.1920929E-7" if k == 2 else ""
    if not re.search(rf"sy\.route .*top_k = {k} .*capacity = {capacity}{kept} :", ir):
        raise AssertionError(f"{name}: no top-{k} sy.route with capacity {capacity}:\n{ir}")
    want = reference()
    dropped = int((np.abs(want).sum(1) == 0).sum())  # tokens losing every choice
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



def test_gshard_top2_dropping():
    # 128 choices over 8 experts with room for 12 each: experts overflow;
    # some tokens keep only their second choice (renormalised to 1).
    check("top2 cap12", 64, 32, 48, 8, 12, k=2)
    # fairseq's capacity: 2 * ceil(T / E) * 1.25 = 80 of 256 tokens.
    check("top2 cap80", 256, 32, 48, 8, 80, k=2, act="gelu")
    # Second expert from the masked probabilities; torch.clamp as Max.
    check("top2 probs max", 64, 32, 48, 8, 12, k=2, second="probs", clamp="max",
          act="silu")


def test_gshard_top2_no_dropping():
    check("top2 cap=T", 24, 32, 48, 4, 24, k=2, expect_dropped=False,
          act="swiglu", bias=True, dispatch="bool")


def test_gshard_top2_experts():
    for e in [4, 16, 64]:
        check(f"top2 E{e}", 96, 24, 32, e, max(2, 2 * 96 // e), k=2, act="relu")


def test_gshard_top2_all_tokens_on_one_expert():
    # Every token chooses experts 2 then 3, and 10 fit in each: tokens 0-9
    # keep both choices (the second queued behind no first choice of expert
    # 3), the other 30 lose both.
    check("top2 two experts", 40, 32, 48, 8, 10, k=2,
          gate_bias=[0, 0, 40, 30, 0, 0, 0, 0], expect_dropped=True)
    # Only the first choices crowd one expert: the late tokens keep their
    # second choice alone, renormalised to weight 1.
    check("top2 one expert", 40, 32, 48, 8, 10, k=2,
          gate_bias=[0, 0, 40, 0, 0, 0, 0, 0], expect_dropped=False)

if __name__ == "__main__":
    main([test_token_dropping, test_no_dropping, test_activations_bias_dispatch,
          test_experts, test_all_tokens_on_one_expert, test_gshard_top2_dropping,
          test_gshard_top2_no_dropping, test_gshard_top2_experts,
          test_gshard_top2_all_tokens_on_one_expert])
