//===- InitAll.h - register Switchyard's dialects and passes ----*- C++ -*-===//
#ifndef SWITCHYARD_INITALL_H
#define SWITCHYARD_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace switchyard {

/// Adds the `onnx` and `sy` dialects to `registry`.
void registerSwitchyardDialects(mlir::DialectRegistry &registry);

/// Adds every upstream dialect and extension we lower through, plus ours.
void registerAllSwitchyardDialects(mlir::DialectRegistry &registry);

/// Registers Switchyard's passes (for switchyard-opt and pipelines).
void registerSwitchyardPasses();

} // namespace switchyard

#endif // SWITCHYARD_INITALL_H
