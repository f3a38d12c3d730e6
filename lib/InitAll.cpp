//===- InitAll.cpp - register Switchyard's dialects and passes ------------===//
#include "switchyard/InitAll.h"

#include "dialects/onnx/ONNXOps.h"
#include "dialects/sy/SyOps.h"
#include "passes/lower/Passes.h"
#include "passes/raise/Passes.h"
#include "passes/sy/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"

void switchyard::registerSwitchyardDialects(mlir::DialectRegistry &registry) {
  registry.insert<onnx::ONNXDialect, sy::SyDialect>();
}

void switchyard::registerAllSwitchyardDialects(
    mlir::DialectRegistry &registry) {
  // Extensions carry the bufferization, ConvertToLLVM and NVVM target
  // interfaces as external models: without them lowering fails late.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registerSwitchyardDialects(registry);
}

void switchyard::registerSwitchyardPasses() {
  registerSwitchyardRaisePasses();
  registerSwitchyardSyPasses();
  registerSwitchyardLowerPasses();
}
