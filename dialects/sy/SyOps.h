//===- SyOps.h - the sy dialect ---------------------------------*- C++ -*-===//
#ifndef SWITCHYARD_DIALECTS_SY_SYOPS_H
#define SWITCHYARD_DIALECTS_SY_SYOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/sy/SyDialect.h.inc"
#include "dialects/sy/SyEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/sy/SyAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/sy/SyOps.h.inc"

#endif // SWITCHYARD_DIALECTS_SY_SYOPS_H
