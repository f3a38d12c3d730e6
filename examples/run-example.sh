#!/bin/sh
# `make example`: compile the bundled ONNX model to a standalone library,
# run it, and check the result against numpy.
set -eu
build=${1:-build}
python=${PYTHON:-python3}
here=$(dirname "$0")
out="$build/example"
mkdir -p "$out"
echo "== switchyard-compile examples/mlp.onnx -o $out/mlp.so"
"$build/bin/switchyard-compile" "$here/mlp.onnx" -o "$out/mlp.so"
echo "== generated header $out/mlp.h declares:"
grep -E '^(int|void|const char) ' "$out/mlp.h"
echo "== switchyard-run $out/mlp.so --input x=examples/mlp_input.npy"
"$build/bin/switchyard-run" "$out/mlp.so" --input "x=$here/mlp_input.npy" \
  --output-dir "$out/outputs"
"$python" "$here/check_mlp.py" "$here/mlp.onnx" "$here/mlp_input.npy" \
  "$out/outputs/logits.npy"
echo "== switchyard-run --benchmark 100"
"$build/bin/switchyard-run" "$out/mlp.so" --input "x=$here/mlp_input.npy" \
  --benchmark 100 | tail -1
