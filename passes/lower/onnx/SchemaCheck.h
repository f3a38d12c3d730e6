//===- SchemaCheck.h - A node against its ONNX op schema --------*- C++ -*-===//
//
// What the ONNX standard itself says about a default-domain node, checked
// before the registry's inference runs: no unknown attributes, each
// attribute of the kind the schema gives it (`perm` as ints, not a string),
// required attributes present, the input count in range, each input's
// element type among those its type constraint allows and inputs sharing a
// constraint of one type, and no deprecated op version (Upsample at opset
// 10+). onnxruntime and the ONNX checker refuse such nodes too; without this
// check the registry's accessors would fall back to defaults and compile
// something the file did not say.
//
// The schemas come from OnnxSchemas.inc, generated from the pinned onnx
// wheel by scripts/gen_onnx_schemas.py (libonnx 1.12 stops at opset 17).
//
//===----------------------------------------------------------------------===//
#ifndef SWITCHYARD_PASSES_LOWER_ONNX_SCHEMACHECK_H
#define SWITCHYARD_PASSES_LOWER_ONNX_SCHEMACHECK_H

#include "passes/lower/onnx/OpRegistry.h"

#include "mlir/Support/LogicalResult.h"

namespace switchyard::onnx {

/// Checks `node` against the ONNX schema of its op at its opset; failure
/// after an error naming the node. Ops outside the default domain, and ops
/// the schema table does not know, pass unchecked.
mlir::LogicalResult checkAgainstOnnxSchema(const NodeView &node);

} // namespace switchyard::onnx

#endif // SWITCHYARD_PASSES_LOWER_ONNX_SCHEMACHECK_H
