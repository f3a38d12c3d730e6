//===- PoolingShapes.cpp - output sizes and windows of pooling ------------===//
#include "dialects/sy/PoolingShapes.h"

namespace switchyard::sy {

std::optional<int64_t> pooledSize(int64_t in, int64_t kernel, int64_t stride,
                                  int64_t padBegin, int64_t padEnd,
                                  bool ceilMode) {
  if (in < 0 || kernel < 1 || stride < 1 || padBegin < 0 || padEnd < 0)
    return std::nullopt;
  int64_t span = in + padBegin + padEnd - kernel;
  if (span < 0)
    return std::nullopt;
  int64_t out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // A window that would start inside the end padding covers no input.
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

std::pair<int64_t, int64_t> adaptiveBin(int64_t in, int64_t bins, int64_t i) {
  int64_t begin = (i * in) / bins;
  int64_t end = ((i + 1) * in + bins - 1) / bins;
  return {begin, end};
}

} // namespace switchyard::sy
