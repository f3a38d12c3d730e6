#!/usr/bin/env python3
"""Compares the example's output with the same MLP computed by numpy in
float64 from the model's own weights; exits non-zero beyond rtol 1e-4."""
import sys

import numpy as np
import onnx
from onnx import numpy_helper as nh

model, x, out = sys.argv[1], np.load(sys.argv[2]), np.load(sys.argv[3])
w = {t.name: nh.to_array(t).astype(np.float64) for t in onnx.load(model).graph.initializer}
ref = np.maximum(x @ w["w1"] + w["b1"], 0) @ w["w2"] + w["b2"]
err = np.max(np.abs(out - ref) / (np.abs(ref) + 1e-3))
print(f"max relative error vs numpy float64: {err:.2e}")
sys.exit(0 if np.allclose(out, ref, rtol=1e-4, atol=1e-5) else 1)
