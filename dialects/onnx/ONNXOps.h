//===- ONNXOps.h - the ONNX import dialect -----------------------*- C++ -*-===//
#ifndef SWITCHYARD_DIALECTS_ONNX_ONNXOPS_H
#define SWITCHYARD_DIALECTS_ONNX_ONNXOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/onnx/ONNXDialect.h.inc"

#define GET_OP_CLASSES
#include "dialects/onnx/ONNXOps.h.inc"

#endif // SWITCHYARD_DIALECTS_ONNX_ONNXOPS_H
