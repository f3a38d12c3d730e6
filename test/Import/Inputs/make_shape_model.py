#!/usr/bin/env python3
"""Writes the shape ops' error models: make_shape_model.py CASE OUT.onnx"""
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


def ints(name, *values):
    return nh.from_array(np.array(values, np.int64), name)


CASES = {
    # Negative pads remove more than the dimension has.
    "pad_overcrop": lambda: model(
        h.make_node("Pad", ["x", "p"], ["y"], name="pad"),
        [vi("x", T.FLOAT, [2, 3])], [ints("p", -2, 0, -1, 0)]),
    # wrap exists from Pad-19.
    "pad_wrap_18": lambda: model(
        h.make_node("Pad", ["x", "p"], ["y"], name="pad", mode="wrap"),
        [vi("x", T.FLOAT, [2, 3])], [ints("p", 1, 1, 1, 1)], opset=18),
    # Squeeze-13 axes from a graph input.
    "squeeze_axes_input": lambda: model(
        h.make_node("Squeeze", ["x", "a"], ["y"], name="sq"),
        [vi("x", T.FLOAT, [1, 3]), vi("a", T.INT64, [1])]),
    # 12 channels do not split into 3x3 blocks.
    "depth_to_space_channels": lambda: model(
        h.make_node("DepthToSpace", ["x"], ["y"], name="d2s", blocksize=3),
        [vi("x", T.FLOAT, [1, 12, 2, 2])]),
    # Split-18: the split input and num_outputs exclude each other.
    "split_both": lambda: model(
        h.make_node("Split", ["x", "s"], ["a", "b"], name="sp", num_outputs=2),
        [vi("x", T.FLOAT, [4])], [ints("s", 1, 3)], opset=18),
    # The shape of ConstantOfShape is a graph input: imports with a dynamic
    # result, refused when lowering.
    "constant_of_shape_input": lambda: model(
        h.make_node("ConstantOfShape", ["s"], ["y"], name="cos"),
        [vi("s", T.INT64, [2])]),
}

onnx.save(CASES[sys.argv[1]](), sys.argv[2])
