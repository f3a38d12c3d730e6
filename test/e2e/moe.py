"""MoE layers end to end: each case builds a model holding onnxruntime's
com.microsoft.MoE contrib op with the onnx helper, compiles and runs it,
and compares with a numpy float64 reference written from the op's
definition (softmax over the router logits, top-k with ties to the lower
expert, optional renormalization, expert MLP fc2(act(fc1 x + b1)) + b2,
weighted sum), and with onnxruntime's own MoE kernel on the same file where
onnxruntime's CPU provider implements the variant. Bound: |got - want| <=
1e-4 * |want| + 1e-5 (float32 accumulation over at most a few hundred
terms, outputs of order 1)."""

import os
import subprocess
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from sye2e import check_close, compile_and_run, main, tool

RTOL, ATOL = 1e-4, 1e-5
rng = np.random.default_rng(0)


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


ACT = {
    "relu": lambda v: np.maximum(v, 0),
    "gelu": lambda v: 0.5 * v * (1 + np.tanh(np.sqrt(2 / np.pi) * (v + 0.044715 * v**3))),
    "silu": lambda v: v * sigmoid(v),
    "identity": lambda v: v,
}


def reference(x, logits, w1, b1, w2, b2, k, act, fusion, normalize):
    """float64 MoE: w1 [E, N1, H], w2 [E, H, I] (onnxruntime's layout)."""
    x = x.reshape(-1, x.shape[-1]).astype(np.float64)
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    y = np.zeros_like(x)
    for t in range(x.shape[0]):
        ids = np.argsort(-p[t], kind="stable")[:k]
        w = p[t, ids] / (p[t, ids].sum() if normalize else 1)
        for e, wt in zip(ids, w):
            a = w1[e].astype(np.float64) @ x[t]
            if b1 is not None:
                a = a + b1[e]
            if act == "swiglu":
                inter = a.shape[0] // 2
                g, l = (a[0::2], a[1::2]) if fusion == 1 else (a[:inter], a[inter:])
                a = g * sigmoid(g) * l
            else:
                a = ACT[act](a)
            o = w2[e].astype(np.float64) @ a
            if b2 is not None:
                o = o + b2[e]
            y[t] += wt * o
    return y


def moe_model(shape, e, inter, k, act="relu", fusion=0, normalize=0,
              bias=False, logits=None):
    hidden = shape[-1]
    tokens = int(np.prod(shape[:-1]))
    n1 = 2 * inter if act == "swiglu" else inter
    w1 = (rng.standard_normal((e, n1, hidden)) / np.sqrt(hidden)).astype(np.float32)
    w2 = (rng.standard_normal((e, hidden, inter)) / np.sqrt(inter)).astype(np.float32)
    b1 = (0.1 * rng.standard_normal((e, n1))).astype(np.float32) if bias else None
    b2 = (0.1 * rng.standard_normal((e, hidden))).astype(np.float32) if bias else None
    inits = [nh.from_array(w1, "w1"), nh.from_array(w2, "w2")]
    names = ["x", "logits", "w1", "", "w2"]
    if bias:
        inits += [nh.from_array(b1, "b1"), nh.from_array(b2, "b2")]
        names[3] = "b1"
        names.append("b2")
    attrs = dict(k=k, activation_type=act, normalize_routing_weights=normalize)
    if act == "swiglu":
        attrs["swiglu_fusion"] = fusion
    node = h.make_node("MoE", names, ["y"], domain="com.microsoft",
                       name="layers.0/moe", **attrs)
    g = h.make_graph(
        [node], "moe",
        [h.make_tensor_value_info("x", T.FLOAT, list(shape)),
         h.make_tensor_value_info("logits", T.FLOAT, [tokens, e])],
        [h.make_tensor_value_info("y", T.FLOAT, list(shape))], inits)
    model = h.make_model(g, opset_imports=[h.make_opsetid("", 17),
                                           h.make_opsetid("com.microsoft", 1)])
    x = rng.standard_normal(shape).astype(np.float32)
    if logits is None:
        logits = rng.standard_normal((tokens, e)).astype(np.float32)
    want = reference(x, logits, w1, b1, w2, b2, k, act, fusion, normalize)
    return model, {"x": x, "logits": logits}, want.reshape(shape)


def check(name, shape, e, inter, k, with_ort=True, **kw):
    model, inputs, want = moe_model(shape, e, inter, k, **kw)
    got = compile_and_run(model, inputs)["y"]
    check_close(f"{name} vs numpy", got, want, RTOL, ATOL)
    if with_ort:
        sess = ort.InferenceSession(model.SerializeToString(),
                                    providers=["CPUExecutionProvider"])
        check_close(f"{name} vs onnxruntime", got,
                    sess.run(None, inputs)[0], RTOL, ATOL)


def test_activations():
    for act in ["relu", "gelu", "silu", "identity"]:
        for normalize in [0, 1]:
            check(f"{act}/norm{normalize}", (24, 48), 8, 80, 2, act=act,
                  normalize=normalize)


def test_swiglu_interleaved_with_bias():
    check("swiglu1", (37, 64), 8, 96, 2, act="swiglu", fusion=1, bias=True)


def test_swiglu_concatenated():
    # onnxruntime's CPU provider implements only swiglu_fusion = 1.
    check("swiglu2", (19, 40), 4, 72, 2, act="swiglu", fusion=2, with_ort=False)
    check("swiglu2+bias", (19, 40), 4, 72, 2, act="swiglu", fusion=2,
          bias=True, with_ort=False)


def test_top_k_and_expert_counts():
    for e, k in [(4, 1), (8, 2), (16, 4), (64, 8)]:
        check(f"E{e}k{k}", (33, 32), e, 48, k, act="silu", normalize=1)


def test_batch_sequence_input():
    check("3d", (2, 9, 64), 8, 64, 2, bias=True)


def test_sizes():
    # One token (decode), sizes off every tile edge, K past one K block.
    check("t1", (1, 128), 8, 256, 2, act="swiglu", fusion=1)
    check("t300", (300, 272), 8, 200, 2, act="gelu", normalize=1)


def test_expert_with_no_tokens():
    # Every token prefers experts 0 and 1: the other six get none.
    logits = rng.standard_normal((20, 8)).astype(np.float32)
    logits[:, :2] += 20
    check("idle experts", (20, 32), 8, 48, 2, logits=logits)


def test_all_tokens_on_one_expert():
    logits = rng.standard_normal((50, 8)).astype(np.float32)
    logits[:, 3] += 30
    check("one expert", (50, 32), 8, 48, 1, act="silu", logits=logits)


def test_emit_sy():
    # --emit=sy shows the layer as the four sy ops and nothing dense.
    model, _, _ = moe_model((16, 32), 8, 48, 2, act="swiglu", fusion=1)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "moe.onnx")
        onnx.save(model, path)
        ir = subprocess.run([tool("switchyard-compile"), path, "--emit=sy", "-o", "-",
                             "--mlir-elide-elementsattrs-if-larger=8"],
                            capture_output=True, text=True, check=True).stdout
    for op in ["sy.route", "sy.dispatch", "sy.grouped_matmul", "sy.combine"]:
        if op not in ir:
            raise AssertionError(f"--emit=sy lacks {op}:\n{ir}")
    for dense in ["onnx.node", "MatMul", "linalg"]:
        if dense in ir:
            raise AssertionError(f"--emit=sy still has {dense}:\n{ir}")


if __name__ == "__main__":
    main([test_activations, test_swiglu_interleaved_with_bias,
          test_swiglu_concatenated, test_top_k_and_expert_counts,
          test_batch_sequence_input, test_sizes, test_expert_with_no_tokens,
          test_all_tokens_on_one_expert, test_emit_sy])
