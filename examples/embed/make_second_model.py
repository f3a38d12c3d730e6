#!/usr/bin/env python3
"""Writes examples/embed/second.onnx, the second model of the embedding
examples (two_models.c loads it next to examples/mlp.onnx).

It is deliberately unlike the MLP: a rank-4 input with other tensor names, so
that a program handling both cannot get away with shapes or names baked in:

    image [1, 3, 8, 8] -> Conv 3x3 (4 filters, pad 1) -> Relu
      -> GlobalAveragePool -> Flatten -> Gemm (4 -> 5) -> Tanh -> Softmax
      -> probs [1, 5]

Weights come from a fixed seed, so rerunning the script rewrites the same
model. Run once; second.onnx is committed (about 1 KB)."""
import os

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(15)
conv_w = (rng.standard_normal((4, 3, 3, 3)) * 0.3).astype(np.float32)
conv_b = (rng.standard_normal(4) * 0.1).astype(np.float32)
fc_w = (rng.standard_normal((5, 4)) * 0.5).astype(np.float32)  # transB=1
fc_b = (rng.standard_normal(5) * 0.1).astype(np.float32)

nodes = [
    h.make_node("Conv", ["image", "conv_w", "conv_b"], ["c"], name="conv",
                kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    h.make_node("Relu", ["c"], ["r"], name="relu"),
    h.make_node("GlobalAveragePool", ["r"], ["g"], name="gap"),
    h.make_node("Flatten", ["g"], ["f"], name="flatten", axis=1),
    h.make_node("Gemm", ["f", "fc_w", "fc_b"], ["z"], name="fc", transB=1),
    h.make_node("Tanh", ["z"], ["t"], name="tanh"),
    h.make_node("Softmax", ["t"], ["probs"], name="softmax", axis=-1),
]
graph = h.make_graph(
    nodes, "second", [h.make_tensor_value_info("image", T.FLOAT, [1, 3, 8, 8])],
    [h.make_tensor_value_info("probs", T.FLOAT, [1, 5])],
    [nh.from_array(conv_w, "conv_w"), nh.from_array(conv_b, "conv_b"),
     nh.from_array(fc_w, "fc_w"), nh.from_array(fc_b, "fc_b")])
model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)],
                     producer_name="make_second_model.py")
model.ir_version = 10  # as examples/make_example_model.py
onnx.checker.check_model(model, full_check=True)
onnx.save(model, os.path.join(here, "second.onnx"))
