//===- ResizeTaps.h - ONNX Resize's linear taps, for sy lowerings -*- C++ -*-===//
//
// The source rows/columns and weights of ONNX Resize (mode linear) along one
// axis, from the same code that lowers Resize (PoolingResize.cpp), so that
// sy.upsample_concat's kernel tables cannot drift from it.
//
//===----------------------------------------------------------------------===//
#ifndef SWITCHYARD_PASSES_LOWER_ONNX_RESIZETAPS_H
#define SWITCHYARD_PASSES_LOWER_ONNX_RESIZETAPS_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace switchyard::onnx {

/// Output index o reads input indices lo and hi (clamped into [0, in)) with
/// weights wlo and whi.
struct LinearTap {
  int64_t lo, hi;
  double wlo, whi;
};

/// The taps of every output index of an axis resized from `in` to `out`
/// elements at scale out / in (as a `sizes` input gives), with
/// `coordinate_transformation_mode` `coordMode` and exclude_outside 0.
llvm::SmallVector<LinearTap> linearResizeTaps(llvm::StringRef coordMode,
                                              int64_t in, int64_t out);

} // namespace switchyard::onnx

#endif // SWITCHYARD_PASSES_LOWER_ONNX_RESIZETAPS_H
