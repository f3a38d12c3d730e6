//===- PoolingShapesTest.cpp - pooling size arithmetic --------------------===//
//
// Expected values are PyTorch's documented behaviour (nn.MaxPool2d /
// nn.AvgPool2d output-size formula and its ceil_mode rule, and
// AdaptiveAvgPool2d bin edges), worked out by hand in the comments.
//
//===----------------------------------------------------------------------===//

#include "dialects/sy/PoolingShapes.h"

#include <gtest/gtest.h>

using namespace switchyard::sy;

using Bin = std::pair<int64_t, int64_t>;

TEST(PooledSize, FloorMode) {
  // floor((224 + 2 - 3) / 2) + 1 = 112 (ResNet stem max pool).
  EXPECT_EQ(pooledSize(224, 3, 2, 1, 1, false), 112);
  // SPPF: k5 s1 p2 keeps the size.
  EXPECT_EQ(pooledSize(20, 5, 1, 2, 2, false), 20);
  // DAPPM k9 s4 p4 on 64: floor((64 + 8 - 9) / 4) + 1 = 16.
  EXPECT_EQ(pooledSize(64, 9, 4, 4, 4, false), 16);
  // floor((7 - 2) / 2) + 1 = 3: the last row is not covered.
  EXPECT_EQ(pooledSize(7, 2, 2, 0, 0, false), 3);
}

TEST(PooledSize, CeilMode) {
  // ceil((7 - 2) / 2) + 1 = 4: a partial last window is kept.
  EXPECT_EQ(pooledSize(7, 2, 2, 0, 0, true), 4);
  // ceil((6 - 3) / 2) + 1 = 3; last window starts at 4 < 6: kept.
  EXPECT_EQ(pooledSize(6, 3, 2, 0, 0, true), 3);
  // ceil((5 + 2 - 2) / 2) + 1 = 4, but window 3 starts at 3*2 - 1 = 5,
  // past the input (5): dropped, so 3 (PyTorch's rule).
  EXPECT_EQ(pooledSize(5, 2, 2, 1, 1, true), 3);
  // Divisible: ceil and floor agree, (8 - 2) / 2 + 1 = 4.
  EXPECT_EQ(pooledSize(8, 2, 2, 0, 0, true), 4);
}

TEST(PooledSize, RejectsImpossibleWindows) {
  EXPECT_EQ(pooledSize(3, 5, 1, 0, 0, false), std::nullopt);
  EXPECT_EQ(pooledSize(3, 5, 1, 1, 1, false), 1); // 3 + 2 - 5 = 0 -> 1
  EXPECT_EQ(pooledSize(8, 0, 1, 0, 0, false), std::nullopt);
  EXPECT_EQ(pooledSize(8, 2, 0, 0, 0, false), std::nullopt);
  EXPECT_EQ(pooledSize(8, 2, 1, -1, 0, false), std::nullopt);
}

TEST(AdaptiveBin, NonDivisible) {
  // 5 rows into 3 bins: [0, 2), [1, 4), [3, 5) (overlapping, as PyTorch).
  EXPECT_EQ(adaptiveBin(5, 3, 0), Bin(0, 2));
  EXPECT_EQ(adaptiveBin(5, 3, 1), Bin(1, 4));
  EXPECT_EQ(adaptiveBin(5, 3, 2), Bin(3, 5));
}

TEST(AdaptiveBin, DivisibleAndGlobal) {
  // 64 rows into 2 bins: [0, 32), [32, 64).
  EXPECT_EQ(adaptiveBin(64, 2, 1), Bin(32, 64));
  // One bin is the global pool.
  EXPECT_EQ(adaptiveBin(13, 1, 0), Bin(0, 13));
  // More bins than rows: 2 rows into 3 bins: [0, 1), [0, 2), [1, 2).
  EXPECT_EQ(adaptiveBin(2, 3, 0), Bin(0, 1));
  EXPECT_EQ(adaptiveBin(2, 3, 1), Bin(0, 2));
  EXPECT_EQ(adaptiveBin(2, 3, 2), Bin(1, 2));
}
