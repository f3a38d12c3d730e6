//===- ONNXImporter.h - ONNX ModelProto to the onnx dialect -----*- C++ -*-===//
#ifndef SWITCHYARD_IMPORT_ONNXIMPORTER_H
#define SWITCHYARD_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

namespace switchyard {

struct ImportOptions {
  /// Shapes that replace graph input shapes (--input-shape NAME=2x128): each
  /// must have the input's rank and agree with its static dims.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
};

/// Parses `path` (an ONNX ModelProto of IR 3-14, default-domain opset 7 to
/// 27) into a module holding `func.func @main`, whose arguments and
/// results carry the graph's input/output names as `onnx.name`. Initializers,
/// Constant nodes and foldable shape computations become `arith.constant`;
/// every other node one `onnx.node` located at its name. On failure, emits
/// diagnostics (located in `path`, naming the node) and returns null.
mlir::OwningOpRef<mlir::ModuleOp> importONNXModel(llvm::StringRef path,
                                                  mlir::MLIRContext *context,
                                                  const ImportOptions &options);

/// Parses a --input-shape value "NAME=2x128" (a dim may be 0; "NAME=" is a
/// scalar). Returns false on a malformed value.
bool parseInputShape(llvm::StringRef text, std::string &name,
                     llvm::SmallVectorImpl<int64_t> &shape);

} // namespace switchyard

#endif // SWITCHYARD_IMPORT_ONNXIMPORTER_H
