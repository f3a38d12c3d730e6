#!/bin/sh
# The bundled example, run by `make example` after the build.
set -eu
build=${1:-build}
here=$(dirname "$0")
echo "== examples/moe-layer.mlir through switchyard-opt (parse, verify, print)"
"$build/bin/switchyard-opt" "$here/moe-layer.mlir"
echo "== ok: the sy MoE layer verifies. Compiling ONNX models to a .so lands"
echo "   with issue 11; this example will then compile and run a model."
