//===- MatMulConv.cpp - ONNX ops of the MatMulConv family ---------------------------===//
//
// MatMul, Gemm, Einsum, Conv, ConvTranspose.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/onnx/OpRegistry.h"

#include "passes/lower/onnx/Builders.h"

using namespace mlir;
using namespace switchyard::onnx;

void switchyard::onnx::registerMatMulConvOps(OpRegistry &registry) {}
