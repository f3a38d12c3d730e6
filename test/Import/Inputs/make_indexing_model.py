#!/usr/bin/env python3
"""Writes the indexing ops' import-error models: make_indexing_model.py CASE OUT.onnx"""
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh


def model(node, inputs, n_out=1, inits=(), opset=17):
    outs = [h.make_tensor_value_info(o, T.UNDEFINED, None) for o in node.output]
    g = h.make_graph([node], "g", inputs, outs, list(inits))
    return h.make_model(g, opset_imports=[h.make_opsetid("", opset)])


def vi(name, dtype, shape):
    return h.make_tensor_value_info(name, dtype, shape)


CASES = {
    # K is a graph input, not a constant.
    "topk_k_input": lambda: model(
        h.make_node("TopK", ["x", "k"], ["v", "i"], name="top"),
        [vi("x", T.FLOAT, [2, 8]), vi("k", T.INT64, [1])]),
    # NonZero of a graph input: the output shape depends on the data.
    "nonzero_input": lambda: model(
        h.make_node("NonZero", ["x"], ["y"], name="nz"),
        [vi("x", T.FLOAT, [4])]),
    # depth is a graph input.
    "onehot_depth_input": lambda: model(
        h.make_node("OneHot", ["i", "d", "v"], ["y"], name="oh"),
        [vi("i", T.INT64, [3]), vi("d", T.INT64, []), vi("v", T.FLOAT, [2])]),
    # max before opset 18.
    "scatter_max_17": lambda: model(
        h.make_node("ScatterElements", ["x", "i", "u"], ["y"], name="sc",
                    reduction="max"),
        [vi("x", T.FLOAT, [3]), vi("i", T.INT64, [1]), vi("u", T.FLOAT, [1])]),
    # NonZero of an initializer folds to a constant.
    "nonzero_const": lambda: model(
        h.make_node("NonZero", ["c"], ["y"], name="nz"), [],
        inits=[nh.from_array(np.array([[0, 3], [4, 0], [0, 5]], np.int32), "c")]),
}

onnx.save(CASES[sys.argv[1]](), sys.argv[2])
