//===- AttentionKernelTest.cpp - the runtime's sparse attention kernel ----===//
//
// sy_ukernel_sparse_attention (lib/Runtime/ukernels/attention.c) against a
// dense float64 reference written here from sy.sparse_attention's
// description (dialects/sy/SyOps.td) and #sy.sparsity's (SyBase.td): every
// (query, key) score is computed, invisible ones set to -inf, softmax over
// each row, NaN (or 0 with fully_masked_rows = zero) for a row that sees
// nothing. Both bodies run: the AVX-512 one (where the CPU has it) and the
// portable one (SY_UK_PORTABLE).
//
// Covered: causal, window with and without global tokens, block layouts of
// block sizes below, at and above the kernel's 64-row tile, per-head
// layouts, an additive bias broadcast over batch and heads, grouped
// key/value heads, d and dv that are not multiples of 16, sequence lengths
// that are not multiples of the tile or block, query and key lengths that
// differ, fully masked rows (NaN and zero), and the KV-cache form:
// causal block layouts (SY_ATTN_CAUSAL_BLOCKS) with per-batch query
// offsets, aligned and not to blocks, with out-of-range offsets clamped.
//
// Bound: |got - want| <= 2e-5 + 2e-4 |want| (float32 scores and sums over
// at most a few hundred keys; exp to about 2 ulp).
//
//===----------------------------------------------------------------------===//

#include "lib/Runtime/ukernels/ukernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

namespace {

struct Case {
  int64_t batch = 1, hq = 1, hk = 1, sq = 64, sk = 64, d = 16, dv = 16;
  int64_t kind = SY_ATTN_CAUSAL, left = 0, right = 0, global = 0, block = 0;
  int64_t layoutHeads = 1;
  std::vector<uint8_t> layout;
  bool withBias = false; // [sq][sk], broadcast over batch and heads
  bool zeroRows = false;
  bool causalBlocks = false;
  // Query row q of batch b at key position offsets[b] + q (empty: none).
  std::vector<int32_t> offsets;
  float scale = 0.125f;
};

/// The position of batch b's query row q (the kernel's clamping included).
int64_t positionOf(const Case &c, int64_t b, int64_t q) {
  if (c.offsets.empty())
    return q;
  int64_t off = std::clamp<int64_t>(c.offsets[b], 0, c.sk - c.sq);
  return off + q;
}

bool visible(const Case &c, int64_t h, int64_t q, int64_t k) {
  if (c.kind == SY_ATTN_BLOCKS) {
    int64_t qpos = c.offsets.empty() ? c.sq : c.sk;
    int64_t qb = (qpos + c.block - 1) / c.block, kb = (c.sk + c.block - 1) / c.block;
    if (c.causalBlocks && k > q)
      return false;
    return c.layout[((h % c.layoutHeads) * qb + q / c.block) * kb + k / c.block];
  }
  if (q < c.global || k < c.global)
    return true;
  if (c.kind == SY_ATTN_CAUSAL)
    return k <= q;
  return q - c.left <= k && k <= q + c.right;
}

std::vector<float> randomVector(size_t n, std::mt19937 &rng, float scale = 1.f) {
  std::normal_distribution<float> dist(0.f, scale);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

void runCase(const Case &c, unsigned seed) {
  std::mt19937 rng(seed);
  auto q = randomVector(c.batch * c.hq * c.sq * c.d, rng);
  auto k = randomVector(c.batch * c.hk * c.sk * c.d, rng);
  auto v = randomVector(c.batch * c.hk * c.sk * c.dv, rng);
  std::vector<float> bias;
  if (c.withBias) {
    bias = randomVector(c.sq * c.sk, rng, 0.5f);
    // Some -inf entries: rows 3 and 7 lose every key they could see.
    std::bernoulli_distribution drop(0.2);
    for (int64_t i = 0; i < c.sq; ++i)
      for (int64_t j = 0; j < c.sk; ++j)
        if (drop(rng) || i == 3 || i == 7)
          bias[i * c.sk + j] = -INFINITY;
  }

  // Dense float64 reference.
  std::vector<double> want(c.batch * c.hq * c.sq * c.dv);
  int64_t group = c.hq / c.hk;
  for (int64_t b = 0; b < c.batch; ++b)
    for (int64_t h = 0; h < c.hq; ++h)
      for (int64_t i = 0; i < c.sq; ++i) {
        const float *qr = &q[((b * c.hq + h) * c.sq + i) * c.d];
        std::vector<double> s(c.sk, -INFINITY);
        double mx = -INFINITY;
        for (int64_t j = 0; j < c.sk; ++j) {
          if (!visible(c, h, positionOf(c, b, i), j))
            continue;
          const float *kr = &k[((b * c.hk + h / group) * c.sk + j) * c.d];
          double dot = 0;
          for (int64_t x = 0; x < c.d; ++x)
            dot += double(qr[x]) * kr[x];
          s[j] = c.scale * dot + (c.withBias ? bias[i * c.sk + j] : 0.0);
          mx = std::max(mx, s[j]);
        }
        double *out = &want[((b * c.hq + h) * c.sq + i) * c.dv];
        if (mx == -INFINITY) {
          for (int64_t x = 0; x < c.dv; ++x)
            out[x] = c.zeroRows ? 0.0 : NAN;
          continue;
        }
        double sum = 0;
        for (int64_t j = 0; j < c.sk; ++j)
          sum += (s[j] = std::exp(s[j] - mx));
        for (int64_t x = 0; x < c.dv; ++x) {
          double acc = 0;
          for (int64_t j = 0; j < c.sk; ++j)
            acc += s[j] * v[((b * c.hk + h / group) * c.sk + j) * c.dv + x];
          out[x] = acc / sum;
        }
      }

  for (int64_t portable = 0; portable < 2; ++portable) {
    int64_t params[SY_ATTN_FIELDS] = {};
    params[SY_ATTN_BATCH] = c.batch;
    params[SY_ATTN_HQ] = c.hq;
    params[SY_ATTN_HK] = c.hk;
    params[SY_ATTN_SQ] = c.sq;
    params[SY_ATTN_SK] = c.sk;
    params[SY_ATTN_D] = c.d;
    params[SY_ATTN_DV] = c.dv;
    params[SY_ATTN_KIND] = c.kind;
    params[SY_ATTN_LEFT] = c.left;
    params[SY_ATTN_RIGHT] = c.right;
    params[SY_ATTN_GLOBAL] = c.global;
    params[SY_ATTN_BLOCK] = c.block;
    params[SY_ATTN_LAYOUT_HEADS] = c.layoutHeads;
    params[SY_ATTN_FLAGS] = (portable ? SY_UK_PORTABLE : 0) |
                            (c.zeroRows ? SY_ATTN_ZERO_MASKED_ROWS : 0) |
                            (c.causalBlocks ? SY_ATTN_CAUSAL_BLOCKS : 0);
    int32_t bits;
    std::memcpy(&bits, &c.scale, sizeof(bits));
    params[SY_ATTN_SCALE_BITS] = bits;
    params[SY_ATTN_BIAS_STRIDE_Q] = c.sk;
    params[SY_ATTN_BIAS_STRIDE_K] = 1;
    std::vector<float> got(want.size(), 12345.f);
    sy_ukernel_sparse_attention(
        reinterpret_cast<intptr_t>(params), reinterpret_cast<intptr_t>(q.data()),
        reinterpret_cast<intptr_t>(k.data()), reinterpret_cast<intptr_t>(v.data()),
        c.withBias ? reinterpret_cast<intptr_t>(bias.data()) : 0,
        c.layout.empty() ? 0 : reinterpret_cast<intptr_t>(c.layout.data()),
        c.offsets.empty() ? 0 : reinterpret_cast<intptr_t>(c.offsets.data()),
        reinterpret_cast<intptr_t>(got.data()));
    for (size_t i = 0; i < want.size(); ++i) {
      if (std::isnan(want[i])) {
        ASSERT_TRUE(std::isnan(got[i])) << "portable " << portable << " at " << i;
        continue;
      }
      ASSERT_NEAR(got[i], want[i], 2e-5 + 2e-4 * std::fabs(want[i]))
          << "portable " << portable << " at " << i;
    }
  }
}

std::vector<uint8_t> randomLayout(int64_t heads, int64_t qb, int64_t kb,
                                  unsigned seed, double p) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution on(p);
  std::vector<uint8_t> layout(heads * qb * kb);
  for (auto &x : layout)
    x = on(rng);
  return layout;
}

TEST(SparseAttention, Causal) {
  Case c;
  c.hq = c.hk = 2;
  c.sq = c.sk = 150;
  c.d = c.dv = 32;
  runCase(c, 1);
}

TEST(SparseAttention, CausalShorterQueries) {
  Case c;
  c.sq = 50;
  c.sk = 80;
  c.d = 20;
  c.dv = 24;
  runCase(c, 2);
}

TEST(SparseAttention, WindowWithGlobalAndGroupedHeads) {
  Case c;
  c.batch = 2;
  c.hq = 4;
  c.hk = 2;
  c.sq = c.sk = 203;
  c.d = 64;
  c.dv = 48;
  c.kind = SY_ATTN_WINDOW;
  c.left = 20;
  c.right = 5;
  c.global = 3;
  runCase(c, 3);
}

TEST(SparseAttention, WindowGlobalPastTheFirstTile) {
  Case c;
  c.sq = c.sk = 300;
  c.d = 16;
  c.dv = 70;
  c.kind = SY_ATTN_WINDOW;
  c.left = 7;
  c.right = 70;
  c.global = 80;
  c.scale = 0.3f;
  runCase(c, 4);
}

TEST(SparseAttention, WideWindowIsDense) {
  Case c;
  c.sq = c.sk = 130;
  c.kind = SY_ATTN_WINDOW;
  c.left = c.right = 1000;
  runCase(c, 5);
}

TEST(SparseAttention, SmallBlocksPerHeadLayoutWithBias) {
  Case c;
  c.hq = c.hk = 3;
  c.sq = c.sk = 90;
  c.d = c.dv = 16;
  c.kind = SY_ATTN_BLOCKS;
  c.block = 16;
  c.layoutHeads = 3;
  c.layout = randomLayout(3, 6, 6, 6, 0.5);
  c.withBias = true;
  runCase(c, 6);
}

TEST(SparseAttention, LargeBlocksSplitIntoTiles) {
  Case c;
  c.sq = c.sk = 200;
  c.d = c.dv = 32;
  c.kind = SY_ATTN_BLOCKS;
  c.block = 96;
  c.layout = randomLayout(1, 3, 3, 7, 0.6);
  c.layout[0] = 1; // at least one block
  runCase(c, 7);
}

TEST(SparseAttention, FullyMaskedRowsNaNAndZero) {
  Case c;
  c.sq = c.sk = 128;
  c.kind = SY_ATTN_BLOCKS;
  c.block = 64;
  c.layout = {1, 0, 0, 0}; // the second block row sees nothing
  runCase(c, 8);
  c.zeroRows = true;
  runCase(c, 8);
  Case w;
  w.sq = w.sk = 100;
  w.kind = SY_ATTN_WINDOW;
  w.left = 3;
  w.withBias = true; // rows 3 and 7 masked by the bias
  runCase(w, 9);
  w.zeroRows = true;
  runCase(w, 9);
}

TEST(SparseAttention, CausalBlocksPrompt) {
  Case c;
  c.hq = 4;
  c.hk = 2;
  c.sq = c.sk = 100; // blocks of 16: a short last block
  c.d = c.dv = 24;
  c.kind = SY_ATTN_BLOCKS;
  c.block = 16;
  c.causalBlocks = true;
  c.layoutHeads = 2; // heads 0, 2 and 1, 3 share a layout
  c.layout = randomLayout(2, 7, 7, 10, 0.5);
  for (int64_t l = 0; l < 2; ++l)
    for (int64_t r = 0; r < 7; ++r)
      c.layout[(l * 7 + r) * 7 + r] = 1; // the diagonal: no empty row
  runCase(c, 10);
}

TEST(SparseAttention, CausalBlocksWithQueryOffsets) {
  // A KV cache of 160 positions; batch 0 decodes its 71st token, batch 1
  // its 33rd (a block boundary); then 20 rows across block boundaries.
  for (int64_t sq : {1, 20}) {
    for (int64_t block : {16, 64}) {
      Case c;
      c.batch = 2;
      c.hq = 2;
      c.sq = sq;
      c.sk = 160;
      c.d = c.dv = 16;
      c.kind = SY_ATTN_BLOCKS;
      c.block = block;
      c.causalBlocks = true;
      int64_t nb = (c.sk + block - 1) / block;
      c.layout = randomLayout(1, nb, nb, 11, 0.5);
      for (int64_t r = 0; r < nb; ++r)
        c.layout[r * nb + r] = 1;
      c.offsets = {70, 32};
      runCase(c, 11);
      c.kind = SY_ATTN_CAUSAL; // the same offsets without a layout
      c.block = 0;
      c.causalBlocks = false;
      c.layout.clear();
      runCase(c, 12);
    }
  }
}

TEST(SparseAttention, QueryOffsetsOutOfRangeAreClamped) {
  Case c;
  c.batch = 2;
  c.sq = 4;
  c.sk = 40;
  c.offsets = {-5, 90}; // clamped to 0 and 36 (outside a run: no report)
  runCase(c, 13);
}

} // namespace
