//===- Indexing.cpp - ONNX ops of the Indexing family ---------------------------===//
//
// GatherElements, GatherND, ScatterElements, ScatterND, CumSum, OneHot, Trilu, TopK, ArgMax, ArgMin, NonZero.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/onnx/OpRegistry.h"

#include "passes/lower/onnx/Builders.h"

using namespace mlir;
using namespace switchyard::onnx;

void switchyard::onnx::registerIndexingOps(OpRegistry &registry) {}
