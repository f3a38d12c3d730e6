#!/usr/bin/env python3
"""Writes examples/mlp.onnx, the bundled example model: a two-layer MLP
(MatMul + Add + Relu, MatMul + Add) with fixed random weights, and
examples/mlp_input.npy, one input batch. Run once; both files are committed."""
import os

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2026)
w1 = (rng.standard_normal((32, 64)) * 0.2).astype(np.float32)
b1 = (rng.standard_normal(64) * 0.1).astype(np.float32)
w2 = (rng.standard_normal((64, 10)) * 0.2).astype(np.float32)
b2 = (rng.standard_normal(10) * 0.1).astype(np.float32)
nodes = [
    h.make_node("MatMul", ["x", "w1"], ["h"], name="fc1/MatMul"),
    h.make_node("Add", ["h", "b1"], ["hb"], name="fc1/Add"),
    h.make_node("Relu", ["hb"], ["r"], name="relu"),
    h.make_node("MatMul", ["r", "w2"], ["o"], name="fc2/MatMul"),
    h.make_node("Add", ["o", "b2"], ["logits"], name="fc2/Add"),
]
graph = h.make_graph(
    nodes, "mlp", [h.make_tensor_value_info("x", T.FLOAT, [4, 32])],
    [h.make_tensor_value_info("logits", T.FLOAT, [4, 10])],
    [nh.from_array(w1, "w1"), nh.from_array(b1, "b1"),
     nh.from_array(w2, "w2"), nh.from_array(b2, "b2")])
model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
model.ir_version = 10  # what PyTorch 2.x exporters write
onnx.save(model, os.path.join(here, "mlp.onnx"))
np.save(os.path.join(here, "mlp_input.npy"),
        rng.standard_normal((4, 32)).astype(np.float32))
