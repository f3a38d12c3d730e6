//===- Passes.h - transformations on sy ops ---------------------*- C++ -*-===//
#ifndef SWITCHYARD_PASSES_SY_PASSES_H
#define SWITCHYARD_PASSES_SY_PASSES_H

#include "dialects/sy/SyOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace switchyard {

#define GEN_PASS_DECL
#include "passes/sy/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/sy/Passes.h.inc"

} // namespace switchyard

#endif // SWITCHYARD_PASSES_SY_PASSES_H
