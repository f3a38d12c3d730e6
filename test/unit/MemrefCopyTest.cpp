//===- MemrefCopyTest.cpp - the runtime's memrefCopy ----------------------===//
//
// memrefCopy receives MLIR's unranked descriptors; these tests build them by
// hand (layout documented in lib/Runtime/MemrefCopy.c) and check strided,
// offset and rank-0 copies element by element.
//
//===----------------------------------------------------------------------===//

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

extern "C" void memrefCopy(int64_t elemSize, void *src, void *dst);

namespace {

template <int Rank> struct Descriptor {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes[Rank];
  int64_t strides[Rank];
};
struct Unranked {
  int64_t rank;
  void *descriptor;
};

TEST(MemrefCopy, StridedToContiguous2D) {
  // Source: a 3x4 window at offset 5 of a 6x10 buffer; destination: dense.
  std::vector<float> src(60), dst(12, -1.f);
  for (int i = 0; i < 60; ++i)
    src[i] = float(i);
  Descriptor<2> s{src.data(), src.data(), 5, {3, 4}, {10, 1}};
  Descriptor<2> d{dst.data(), dst.data(), 0, {3, 4}, {4, 1}};
  Unranked us{2, &s}, ud{2, &d};
  memrefCopy(sizeof(float), &us, &ud);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      EXPECT_EQ(dst[i * 4 + j], src[5 + i * 10 + j]) << i << "," << j;
}

TEST(MemrefCopy, TransposedInnerStride3D) {
  // Destination inner stride 2 (every other element), source transposed.
  std::vector<int64_t> src(24), dst(48, -1);
  for (int i = 0; i < 24; ++i)
    src[i] = i;
  // Source viewed as [2][3][4] with strides {12, 1, 3} (a permuted view).
  Descriptor<3> s{src.data(), src.data(), 0, {2, 3, 4}, {12, 1, 3}};
  Descriptor<3> d{dst.data(), dst.data(), 0, {2, 3, 4}, {24, 8, 2}};
  Unranked us{3, &s}, ud{3, &d};
  memrefCopy(sizeof(int64_t), &us, &ud);
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 3; ++b)
      for (int c = 0; c < 4; ++c)
        EXPECT_EQ(dst[a * 24 + b * 8 + c * 2], src[a * 12 + b + c * 3]);
  // Untouched gaps keep their value.
  EXPECT_EQ(dst[1], -1);
}

TEST(MemrefCopy, RankZeroAndEmpty) {
  double src = 3.5, dst = 0;
  struct {
    void *allocated, *aligned;
    int64_t offset;
  } s{&src, &src, 0}, d{&dst, &dst, 0};
  Unranked us{0, &s}, ud{0, &d};
  memrefCopy(sizeof(double), &us, &ud);
  EXPECT_EQ(dst, 3.5);

  float a[4] = {1, 2, 3, 4}, b[4] = {0, 0, 0, 0};
  Descriptor<2> se{a, a, 0, {0, 4}, {4, 1}}, de{b, b, 0, {0, 4}, {4, 1}};
  Unranked use{2, &se}, ude{2, &de};
  memrefCopy(sizeof(float), &use, &ude);
  EXPECT_EQ(b[0], 0.f);
}

} // namespace
