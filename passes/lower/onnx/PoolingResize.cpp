//===- PoolingResize.cpp - ONNX ops of the PoolingResize family ---------------------------===//
//
// AveragePool, MaxPool, GlobalAveragePool, GlobalMaxPool, Resize.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/onnx/OpRegistry.h"

#include "passes/lower/onnx/Builders.h"

using namespace mlir;
using namespace switchyard::onnx;

void switchyard::onnx::registerPoolingResizeOps(OpRegistry &registry) {}
