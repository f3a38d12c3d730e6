"""The dense-masked MoE form end to end: each case builds the layer as
torch exports it (every expert on every token under a top-k-sparse [T, E]
mask; test/e2e/lib/moe_forms.py), compiles it, checks that --emit=sy shows
it raised to sy.route/dispatch/grouped_matmul/combine with no per-expert
GEMM left, runs it and compares with the form's float64 numpy definition and
with onnxruntime on the same file. Bound: |got - want| <= 1e-4 * |want| +
1e-5 (float32 accumulation over at most a few hundred terms, outputs of
order 1)."""

from moe_forms import dense_moe
from sye2e import check_moe_layer, emit_sy, main

RTOL, ATOL = 1e-4, 1e-5


def check(name, t, hid, inter, e, k, **kw):
    model, inputs, reference = dense_moe(t, hid, inter, e, k, **kw)
    # What may stay: the router's Gemm and the shared expert (Gemm, Sigmoid,
    # Mul, Gemm, Add); every per-expert GEMM, the mask and the sum are gone.
    left = ["Gemm"] + (["Gemm", "Sigmoid", "Mul", "Gemm", "Add"]
                       if kw.get("shared") else [])
    check_moe_layer(name, model, inputs, reference(), emit_sy(model), left, RTOL, ATOL)


def test_stacked_routings_and_activations():
    cases = [("softmax_topk", True, "gelu"), ("softmax_topk", False, "relu"),
             ("topk_softmax", False, "silu"), ("sigmoid_topk", True, "gelu_tanh"),
             ("sigmoid_topk", False, "identity"), ("softmax_topk", True, "swiglu")]
    for routing, renorm, act in cases:
        check(f"stacked/{routing}/renorm{int(renorm)}/{act}", 24, 32, 48, 8, 2,
              routing=routing, renorm=renorm, act=act)


def test_stacked_masks_combines_biases():
    check("onehot_equal+einsum+bias", 20, 32, 40, 8, 2, mask="onehot_equal",
          combine="einsum", bias=True, routing="topk_softmax", renorm=False, act="relu")
    check("onehot+reducesum", 20, 32, 40, 4, 2, mask="onehot", act="silu")
    check("swiglu+bias+einsum", 17, 24, 40, 8, 2, act="swiglu", bias=True, combine="einsum")


def test_unrolled_per_expert():
    check("unrolled/slice/relu+bias", 16, 32, 48, 8, 2, layout="unrolled", bias=True, act="relu")
    check("unrolled/gather/swiglu", 16, 32, 48, 4, 2, layout="unrolled", column="gather",
          act="swiglu", routing="sigmoid_topk")
    check("unrolled/onehot/gelu", 9, 16, 24, 8, 1, layout="unrolled", mask="onehot_equal",
          act="gelu", renorm=False)


def test_shared_expert():
    check("stacked+shared", 32, 32, 64, 8, 2, act="swiglu", shared=True)
    check("unrolled+shared", 32, 32, 64, 8, 2, layout="unrolled", act="silu", shared=True)


def test_top_k_and_expert_counts():
    for e, k in [(4, 1), (8, 2), (16, 4), (64, 8)]:
        check(f"E{e}k{k}", 40, 32, 24, e, k, act="silu")


def test_sizes():
    check("t1", 1, 64, 128, 8, 2, act="swiglu")
    check("t257", 257, 96, 80, 8, 2, act="gelu", bias=True)


def test_expert_with_no_tokens():
    # A gate bias makes experts 0 and 1 every token's choice: six get none.
    check("idle experts", 20, 32, 48, 8, 2, gate_bias=[30, 30, 0, 0, 0, 0, 0, 0])


def test_all_tokens_on_one_expert():
    check("one expert", 50, 32, 48, 8, 1, act="silu", layout="unrolled",
          gate_bias=[0, 0, 0, 40, 0, 0, 0, 0])


if __name__ == "__main__":
    main([test_stacked_routings_and_activations, test_stacked_masks_combines_biases,
          test_unrolled_per_expert, test_shared_expert, test_top_k_and_expert_counts,
          test_sizes, test_expert_with_no_tokens, test_all_tokens_on_one_expert])
