//===- switchyard-opt.cpp - mlir-opt with Switchyard's dialects -----------===//
//
// mlir-opt plus the `onnx` and `sy` dialects and Switchyard's passes; the
// driver of the lit tests.
//
//===----------------------------------------------------------------------===//

#include "switchyard/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  switchyard::registerSwitchyardPasses();
  mlir::DialectRegistry registry;
  switchyard::registerAllSwitchyardDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Switchyard modular optimizer driver\n", registry));
}
