//===- PoolingShapes.h - output sizes and windows of pooling ----*- C++ -*-===//
//
// The size arithmetic of ONNX/PyTorch pooling, in one place: the verifier of
// sy.pyramid_pool, the raising patterns and the lowering all use it, so they
// cannot disagree on a non-divisible size.
//
//===----------------------------------------------------------------------===//
#ifndef SWITCHYARD_DIALECTS_SY_POOLINGSHAPES_H
#define SWITCHYARD_DIALECTS_SY_POOLINGSHAPES_H

#include <cstdint>
#include <optional>
#include <utility>

namespace switchyard::sy {

/// Number of windows of a strided pooling along one dimension of length
/// `in`: floor((in + padBegin + padEnd - kernel) / stride) + 1, rounding up
/// with `ceilMode`, where a last window starting at or beyond
/// `in + padBegin` is dropped. std::nullopt when the kernel does not fit in
/// the padded input or a parameter is out of range.
std::optional<int64_t> pooledSize(int64_t in, int64_t kernel, int64_t stride,
                                  int64_t padBegin, int64_t padEnd,
                                  bool ceilMode);

/// [begin, end) of adaptive bin `i` of `bins` over a dimension of length
/// `in`: [floor(i*in/bins), ceil((i+1)*in/bins)).
std::pair<int64_t, int64_t> adaptiveBin(int64_t in, int64_t bins, int64_t i);

} // namespace switchyard::sy

#endif // SWITCHYARD_DIALECTS_SY_POOLINGSHAPES_H
