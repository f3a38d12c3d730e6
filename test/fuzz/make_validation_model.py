#!/usr/bin/env python3
"""The fixture of ValidationFuzzer.c: y = Gather(x, i, axis=1) with inputs
x float32 [2, 3] and i int64 [3], output y float32 [2, 3]. (The harness
restates this signature; out-of-range indices clamp, so any data is fine.)

    make_validation_model.py OUT.onnx
"""
import sys

import onnx
from onnx import TensorProto as T
from onnx import helper as h

graph = h.make_graph(
    [h.make_node("Gather", ["x", "i"], ["y"], name="gather", axis=1)], "g",
    [h.make_tensor_value_info("x", T.FLOAT, [2, 3]),
     h.make_tensor_value_info("i", T.INT64, [3])],
    [h.make_tensor_value_info("y", T.FLOAT, [2, 3])])
onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]), sys.argv[1])
