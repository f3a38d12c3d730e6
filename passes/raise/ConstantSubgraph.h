//===- ConstantSubgraph.h - evaluating constant-only ONNX subgraphs -*- C++ -*-===//
//
// The import folds only small (shape-sized) constants. An attention mask
// that torch computes in forward() (positions from Range, compared, turned
// into an additive mask with Where) is a subgraph of S x S elements whose
// leaves are all constants; the attention raising needs its values to find
// the mask's structure. evaluateConstant computes such a subgraph on the
// host, in float64, for the few element-wise and shape ops masks are made
// of; anything else (or an input leaf) answers nullopt.
//
//===----------------------------------------------------------------------===//
#ifndef SWITCHYARD_PASSES_RAISE_CONSTANTSUBGRAPH_H
#define SWITCHYARD_PASSES_RAISE_CONSTANTSUBGRAPH_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <vector>

namespace switchyard::raise {

/// A row-major tensor value. Booleans are 0 / 1, integers exact (|v| <
/// 2^53), floats as their float64 value (infinities included).
struct HostTensor {
  llvm::SmallVector<int64_t> shape;
  std::vector<double> data;
  int64_t numElements() const { return static_cast<int64_t>(data.size()); }
};

/// The value of `v` when every leaf of its producers is a constant and
/// every node among them is one of: Range, Unsqueeze, Squeeze, Reshape,
/// Expand, Cast, Add, Sub, Mul, Neg, Abs, Less, LessOrEqual, Greater,
/// GreaterOrEqual, Equal, And, Or, Xor, Not, Where, Trilu. Nullopt
/// otherwise, or when an intermediate would exceed `maxElements`.
std::optional<HostTensor> evaluateConstant(mlir::Value v,
                                           int64_t maxElements = 1 << 25);

} // namespace switchyard::raise

#endif // SWITCHYARD_PASSES_RAISE_CONSTANTSUBGRAPH_H
