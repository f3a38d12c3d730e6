//===- Builders.h - building blocks of ONNX lowerings -----------*- C++ -*-===//
//
// Helpers every family's lowering functions share: a broadcasting
// elementwise linalg.generic, scalar constants and ONNX Cast semantics on
// scalars. Lowerings may assume static shapes and signless element types
// (the sy-lower-onnx pass checks both before calling them).
//
//===----------------------------------------------------------------------===//
#ifndef SWITCHYARD_PASSES_LOWER_ONNX_BUILDERS_H
#define SWITCHYARD_PASSES_LOWER_ONNX_BUILDERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace switchyard::onnx {

/// Computes a scalar result from the scalar operands of one element.
using ScalarBody = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// A linalg.generic producing `resultType` from `inputs`, each broadcast to
/// the result shape with numpy rules (missing leading dims and size-1 dims
/// repeat). `body` sees one scalar per input.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, ScalarBody body);

/// A scalar constant of `type` (float or integer; i1 is `value != 0`).
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// ONNX Cast of one scalar to `to`: float<->float extends/truncates,
/// int->float is signed (bool as 0/1), float->int truncates toward zero,
/// int<->int sign-extends (bool zero-extends), anything->bool is `!= 0`.
mlir::Value castScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       mlir::Type to);

/// A linalg.generic over `resultType` with no inputs; `body` computes an
/// element from its coordinates (linalg.index of every dimension).
mlir::Value buildIndexedGeneric(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body);

/// The same with `inputs` read under `inputMaps` (the output's map is the
/// identity); `body` also gets their elements (`args`, the output's left
/// out): the gather-style building block, whose body reads other tensors
/// with tensor.extract.
mlir::Value buildIndexedGeneric(
    mlir::OpBuilder &b, mlir::Location loc, mlir::RankedTensorType resultType,
    mlir::ValueRange inputs, llvm::ArrayRef<mlir::AffineMap> inputMaps,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange coords,
                                   mlir::ValueRange args)>
        body);

/// Extracts the single element of a rank-0 or one-element tensor.
mlir::Value extractScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value tensor);

} // namespace switchyard::onnx

#endif // SWITCHYARD_PASSES_LOWER_ONNX_BUILDERS_H
