#!/usr/bin/env python3
"""Writes pseudo-random inputs for an ONNX model as raw little-endian float32
files, the format the embedding examples (examples/embed) read.

usage: make_raw_input.py MODEL.onnx OUT.raw [OUT.raw ...] [--seed N]

One file per graph input, in graph order; each holds prod(shape) values drawn
from a standard normal distribution, in C order, without any header. The
shapes are read from the model, which must give every input a static shape."""
import argparse
import sys

import numpy as np
import onnx

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("model")
p.add_argument("outs", nargs="+")
p.add_argument("--seed", type=int, default=0)
a = p.parse_args()

graph = onnx.load(a.model).graph
# Initializers may be listed as graph inputs in older models; they are not fed.
weights = {t.name for t in graph.initializer}
inputs = [i for i in graph.input if i.name not in weights]
if len(inputs) != len(a.outs):
    sys.exit(f"make_raw_input: {a.model} has {len(inputs)} inputs, "
             f"got {len(a.outs)} output files")
rng = np.random.default_rng(a.seed)
for vi, path in zip(inputs, a.outs):
    if vi.type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
        sys.exit(f"make_raw_input: input '{vi.name}' is not float32")
    dims = vi.type.tensor_type.shape.dim
    if any(not d.HasField("dim_value") for d in dims):
        sys.exit(f"make_raw_input: input '{vi.name}' has a dynamic shape")
    shape = [d.dim_value for d in dims]
    rng.standard_normal(shape).astype("<f4").tofile(path)
