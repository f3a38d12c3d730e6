//===- Passes.h - raising passes --------------------------------*- C++ -*-===//
#ifndef SWITCHYARD_PASSES_RAISE_PASSES_H
#define SWITCHYARD_PASSES_RAISE_PASSES_H

#include "dialects/sy/SyOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace switchyard {

#define GEN_PASS_DECL
#include "passes/raise/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/raise/Passes.h.inc"

} // namespace switchyard

#endif // SWITCHYARD_PASSES_RAISE_PASSES_H
