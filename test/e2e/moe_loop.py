"""The per-expert loop MoE form (Hugging Face Mixtral / Qwen-MoE) end to
end: each case builds the layer as torch exports it (NonZero of each
expert's mask, Gather of its tokens, the expert MLP, ScatterND add;
test/e2e/lib/moe_forms.py), compiles it, checks that --emit=sy shows it
raised to sy.route/dispatch/grouped_matmul/combine with no per-expert node
(and no data-dependent shape) left, runs it and compares with the form's
float64 numpy definition and with onnxruntime on the same file. Bound:
|got - want| <= 1e-4 * |want| + 1e-5 (float32 accumulation over at most a
few hundred terms, outputs of order 1)."""

from moe_forms import loop_moe
from sye2e import check_moe_layer, emit_sy, main

RTOL, ATOL = 1e-4, 1e-5


def check(name, t, hid, inter, e, k, **kw):
    model, inputs, reference = loop_moe(t, hid, inter, e, k, **kw)
    # What may stay: the router's Gemm and the shared expert (Gemm, Sigmoid,
    # Mul, Gemm, Gemm, Sigmoid, Mul, Add); every NonZero, Gather, per-expert
    # GEMM and ScatterND is gone.
    left = ["Gemm"] + (["Gemm", "Sigmoid", "Mul", "Gemm", "Gemm", "Sigmoid", "Mul", "Add"]
                       if kw.get("shared") else [])
    check_moe_layer(name, model, inputs, reference(), emit_sy(model), left, RTOL, ATOL)


def test_routings_and_activations():
    cases = [("softmax_topk", True, "swiglu"), ("softmax_topk", False, "relu"),
             ("topk_softmax", False, "silu"), ("sigmoid_topk", True, "gelu_tanh"),
             ("sigmoid_topk", False, "identity"), ("softmax_topk", True, "gelu")]
    for routing, renorm, act in cases:
        check(f"{routing}/renorm{int(renorm)}/{act}", 24, 32, 48, 8, 2,
              routing=routing, renorm=renorm, act=act)


def test_masks_rows_biases():
    check("equal+gather", 20, 32, 40, 8, 2, mask="equal", rows="gather")
    check("permute+gather+bias", 20, 32, 40, 4, 2, rows="gather", act="relu", bias=True)
    check("equal+gathernd+swiglu bias", 17, 24, 40, 8, 2, mask="equal", bias=True)


def test_shared_expert():
    check("qwen shared", 32, 32, 64, 8, 2, shared=True, renorm=False)


def test_top_k_and_expert_counts():
    for e, k in [(4, 1), (8, 2), (16, 4), (64, 8)]:
        check(f"E{e}k{k}", 40, 32, 24, e, k, act="silu")


def test_sizes():
    check("t1", 1, 64, 128, 8, 2)
    check("t257", 257, 96, 80, 8, 2, act="gelu", bias=True)


def test_expert_with_no_tokens():
    # A gate bias makes experts 0 and 1 every token's choice: six get none
    # (their NonZero is empty).
    check("idle experts", 20, 32, 48, 8, 2, gate_bias=[30, 30, 0, 0, 0, 0, 0, 0])


def test_all_tokens_on_one_expert():
    check("one expert", 50, 32, 48, 8, 1, act="silu",
          gate_bias=[0, 0, 0, 40, 0, 0, 0, 0])


if __name__ == "__main__":
    main([test_routings_and_activations, test_masks_rows_biases, test_shared_expert,
          test_top_k_and_expert_counts, test_sizes, test_expert_with_no_tokens,
          test_all_tokens_on_one_expert])
