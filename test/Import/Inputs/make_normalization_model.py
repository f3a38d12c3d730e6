#!/usr/bin/env python3
"""Writes the normalization ops' import models: make_normalization_model.py CASE OUT.onnx"""
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh


def model(node, inputs, inits=(), opset=17):
    outs = [h.make_tensor_value_info(o, T.UNDEFINED, None) for o in node.output]
    g = h.make_graph([node], "g", inputs, outs, list(inits))
    return h.make_model(g, opset_imports=[h.make_opsetid("", opset)])


def vi(name, dtype, shape):
    return h.make_tensor_value_info(name, dtype, shape)


BN_INPUTS = [vi("x", T.FLOAT, [2, 3, 4])] + [vi(n, T.FLOAT, [3]) for n in "sbmv"]

CASES = {
    # axes is a graph input, not a constant.
    "reduce_axes_input": lambda: model(
        h.make_node("ReduceMean", ["x", "a"], ["y"], name="rm"),
        [vi("x", T.FLOAT, [2, 8]), vi("a", T.INT64, [1])], opset=18),
    # Training mode is not supported.
    "bn_training": lambda: model(
        h.make_node("BatchNormalization", list("xsbmv"), ["y"], name="bn",
                    training_mode=1), BN_INPUTS, opset=15),
    # Before 14 the extra outputs are the training statistics.
    "bn_outputs": lambda: model(
        h.make_node("BatchNormalization", list("xsbmv"), ["y", "rm", "rv"],
                    name="bn"), BN_INPUTS, opset=9),
    # A dynamic batch dim stays dynamic through keepdims = 0.
    "reduce_dynamic": lambda: model(
        h.make_node("ReduceSum", ["x", "a"], ["y"], name="rs", keepdims=0),
        [vi("x", T.FLOAT, ["N", 3, 5])],
        inits=[nh.from_array(np.array([-1], np.int64), "a")], opset=13),
}

onnx.save(CASES[sys.argv[1]](), sys.argv[2])
