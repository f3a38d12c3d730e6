"""Writes the models of the reliability tests (test/reliability) into a
folder, each big enough that its compiled code runs sy_rt_parallel_for
with every thread of a context busy, so races between threads of one
context, or between contexts, would show in the outputs.

  gemm_softmax.onnx  x [64, 256] f32, b [256] f32 ->
                       probs  = Softmax(x W + b)          [64, 256]
                       hidden = Relu(x W)                 [64, 256]
                     (two inputs and two outputs, for the validation fuzz)
  conv_gather.onnx   image [1, 8, 32, 32] f32, ids [64] int64 in [0, 32) ->
                       feat = Relu(Conv3x3(image) + c)    [1, 32, 32, 32]
                       emb  = Gather(table [32, 64], ids) [64, 64]
                     (an integer input, and a conv ukernel)
  attention.onnx     masked multi-head self-attention (test/e2e/lib/
                     attention_forms.py: mha B=1 S=128 H=4 D=16, a sliding
                     window of 32 keys), raised to sy.sparse_attention
  moe.onnx           a dense-masked mixture of experts (test/e2e/lib/
                     moe_forms.py: T=32, H=64, F=128, E=8, top-2), raised
                     to the sy MoE ops

Usage: make_models.py OUT_DIR [NAME...]  (default: all four)
Weights come from fixed seeds: the files are the same on every run.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

# attention_forms and moe_forms live in test/e2e/lib (on PYTHONPATH under
# lit; added here too so the script also runs by hand).
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "e2e", "lib"))


def gemm_softmax():
    rng = np.random.default_rng(1)
    w = (rng.standard_normal((256, 256)) / np.sqrt(256)).astype(np.float32)
    nodes = [
        h.make_node("MatMul", ["x", "w"], ["xw"]),
        h.make_node("Add", ["xw", "b"], ["z"]),
        h.make_node("Softmax", ["z"], ["probs"], axis=-1),
        h.make_node("Relu", ["xw"], ["hidden"]),
    ]
    graph = h.make_graph(
        nodes, "gemm_softmax",
        [h.make_tensor_value_info("x", T.FLOAT, [64, 256]),
         h.make_tensor_value_info("b", T.FLOAT, [256])],
        [h.make_tensor_value_info("probs", T.FLOAT, [64, 256]),
         h.make_tensor_value_info("hidden", T.FLOAT, [64, 256])],
        [nh.from_array(w, "w")])
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


def conv_gather():
    rng = np.random.default_rng(2)
    wc = (rng.standard_normal((32, 8, 3, 3)) / np.sqrt(8 * 9)).astype(np.float32)
    bc = (0.1 * rng.standard_normal(32)).astype(np.float32)
    table = rng.standard_normal((32, 64)).astype(np.float32)
    nodes = [
        h.make_node("Conv", ["image", "wc", "bc"], ["conv"], pads=[1, 1, 1, 1]),
        h.make_node("Relu", ["conv"], ["feat"]),
        h.make_node("Gather", ["table", "ids"], ["emb"], axis=0),
    ]
    graph = h.make_graph(
        nodes, "conv_gather",
        [h.make_tensor_value_info("image", T.FLOAT, [1, 8, 32, 32]),
         h.make_tensor_value_info("ids", T.INT64, [64])],
        [h.make_tensor_value_info("feat", T.FLOAT, [1, 32, 32, 32]),
         h.make_tensor_value_info("emb", T.FLOAT, [64, 64])],
        [nh.from_array(wc, "wc"), nh.from_array(bc, "bc"), nh.from_array(table, "table")])
    return h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])


def attention():
    import attention_forms as af
    model, _, _ = af.mha(1, 128, 4, 16, af.window(128, 32, 0))
    return model


def moe():
    from moe_forms import dense_moe
    model, _, _ = dense_moe(32, 64, 128, 8, 2)
    return model


MODELS = {"gemm_softmax": gemm_softmax, "conv_gather": conv_gather,
          "attention": attention, "moe": moe}


def main():
    if len(sys.argv) < 2:
        sys.exit(f"usage: {sys.argv[0]} OUT_DIR [{'|'.join(MODELS)}...]")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:] or MODELS:
        model = MODELS[name]()
        onnx.checker.check_model(model, full_check=True)
        onnx.save(model, os.path.join(out, name + ".onnx"))


if __name__ == "__main__":
    main()
