#!/usr/bin/env python3
"""Checks the raw float32 output of an embedding example (examples/embed)
against onnxruntime running the same ONNX model on the same raw inputs.

usage: compare_raw.py MODEL.onnx IN.raw [IN.raw ...] OUT.raw

The inputs are given in graph order and the model must have one output;
shapes come from the model (static). Prints one line,

    MODEL: max_abs_err=E bound=B OK        (or FAIL, with exit status 1)

The bound is float32's: 1e-4 * (1 + max|ref|), i.e. a relative 1e-4 on the
largest value with an absolute floor of 1e-4. onnxruntime is the reference
because it is an implementation independent of Switchyard: the compiler and
the reference share nothing but the .onnx file. A NaN anywhere fails."""
import os
import sys

import numpy as np
import onnxruntime as ort


def fail(msg):
    print(f"{label}: {msg} FAIL")
    sys.exit(1)


if len(sys.argv) < 4:
    sys.exit(__doc__)
model, in_paths, out_path = sys.argv[1], sys.argv[2:-1], sys.argv[-1]
label = os.path.basename(model)

opts = ort.SessionOptions()
opts.log_severity_level = 3  # keep ORT's warnings out of FileCheck's input
sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
if len(sess.get_inputs()) != len(in_paths):
    fail(f"the model has {len(sess.get_inputs())} inputs, got {len(in_paths)} files")
if len(sess.get_outputs()) != 1:
    fail(f"the model has {len(sess.get_outputs())} outputs, expected 1")

feeds = {}
for info, path in zip(sess.get_inputs(), in_paths):
    if info.type != "tensor(float)" or not all(isinstance(d, int) for d in info.shape):
        fail(f"input '{info.name}' is not float32 with a static shape")
    x = np.fromfile(path, dtype="<f4")
    if x.size != np.prod(info.shape):
        fail(f"{path} holds {x.size} floats, input '{info.name}' "
             f"{info.shape} needs {np.prod(info.shape)}")
    feeds[info.name] = x.reshape(info.shape)

ref = sess.run(None, feeds)[0].astype(np.float32)
out = np.fromfile(out_path, dtype="<f4")
if out.size != ref.size:
    fail(f"{out_path} holds {out.size} floats, the reference {ref.size}")
err = float(np.max(np.abs(out.astype(np.float64) - ref.ravel())))
bound = 1e-4 * (1.0 + float(np.max(np.abs(ref))))
ok = err <= bound  # False for a NaN error
print(f"{label}: max_abs_err={err:.3e} bound={bound:.3e} {'OK' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
