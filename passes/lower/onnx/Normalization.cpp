//===- Normalization.cpp - ONNX ops of the Normalization family ---------------------------===//
//
// reductions (ReduceSum/Mean/Max/Min/Prod/L1/L2/...), Softmax, LogSoftmax, BatchNormalization, LayerNormalization, RMSNormalization, InstanceNormalization.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/onnx/OpRegistry.h"

#include "passes/lower/onnx/Builders.h"

using namespace mlir;
using namespace switchyard::onnx;

void switchyard::onnx::registerNormalizationOps(OpRegistry &registry) {}
