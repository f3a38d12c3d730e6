//===- Passes.h - lowering passes -------------------------------*- C++ -*-===//
#ifndef SWITCHYARD_PASSES_LOWER_PASSES_H
#define SWITCHYARD_PASSES_LOWER_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace switchyard {

#define GEN_PASS_DECL
#include "passes/lower/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/lower/Passes.h.inc"

} // namespace switchyard

#endif // SWITCHYARD_PASSES_LOWER_PASSES_H
