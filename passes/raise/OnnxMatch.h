//===- OnnxMatch.h - matching subgraphs of imported ONNX nodes --*- C++ -*-===//
//
// Small queries the raising passes use to walk `onnx.node` producers and
// read the attributes and constant inputs a pattern depends on. Every
// query answers "no" (null / nullopt / false) rather than failing, so a
// pattern can simply stop matching.
//
//===----------------------------------------------------------------------===//
#ifndef SWITCHYARD_PASSES_RAISE_ONNXMATCH_H
#define SWITCHYARD_PASSES_RAISE_ONNXMATCH_H

#include "dialects/onnx/ONNXOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace switchyard::raise {

/// The default-domain node of type `opType` that defines `v`, or null.
onnx::NodeOp defNode(mlir::Value v, llvm::StringRef opType);

/// Like defNode, but only when `v` is output `index` of the node.
onnx::NodeOp defNodeOutput(mlir::Value v, llvm::StringRef opType,
                           unsigned index);

/// The static shape of `v`, or nullopt when it is not a static ranked tensor.
std::optional<llvm::SmallVector<int64_t>> staticShape(mlir::Value v);

/// The shape of `v` (dynamic dims as ShapedType::kDynamic), or nullopt when
/// it is not a ranked tensor.
std::optional<llvm::SmallVector<int64_t>> rankedShape(mlir::Value v);

/// The node's integer attribute `axis` (default `dflt`) made non-negative
/// for an input of rank `rank`; -1 when out of range.
int64_t nodeAxis(onnx::NodeOp node, int64_t dflt, int64_t rank);

/// The axes of a reduction, Unsqueeze or Squeeze node, from input 1 (newer
/// opsets) or the `axes` attribute (older ones), made non-negative against
/// `rank` and sorted; nullopt when they are absent or not constant.
std::optional<llvm::SmallVector<int64_t>> nodeAxes(onnx::NodeOp node,
                                                   int64_t rank);

/// The constant scalar index of a Gather node (input 1, rank 0), as
/// written (possibly negative); nullopt when it is not one.
std::optional<int64_t> gatherScalarIndex(onnx::NodeOp gather);

/// What a Slice node keeps when it keeps one index along one axis:
/// constant one-element starts, ends and axes, steps 1 (or absent), ends =
/// starts + 1 (or past the end for the last index), on a static dim.
struct UnitSlice {
  int64_t axis;  // non-negative
  int64_t index; // in [0, dim)
};
std::optional<UnitSlice> unitSlice(onnx::NodeOp slice);

/// The constant `v` holds, or null.
mlir::DenseElementsAttr constantValue(mlir::Value v);

/// True when `v` is a constant whose every element is `value`.
bool isSplatConstant(mlir::Value v, double value);

/// Erases the ops in `roots` that have no uses left, then their producers
/// that became unused, and so on (ops without side effects only).
void eraseDeadOps(llvm::ArrayRef<mlir::Operation *> roots);

} // namespace switchyard::raise

#endif // SWITCHYARD_PASSES_RAISE_ONNXMATCH_H
