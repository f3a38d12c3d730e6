//===- MoEKernelTest.cpp - the runtime's Mixture-of-Experts kernels -------===//
//
// The four MoE micro-kernels of lib/Runtime/ukernels/moe.c against float64
// references written here from the op descriptions in dialects/sy/SyOps.td
// (sy.route, sy.dispatch, sy.grouped_matmul, sy.combine), not from moe.c:
//
//   sy_ukernel_moe_route_dispatch  every routing mode, with and without
//       renormalize, correction_bias, scale and capacity, exact ties, k = 1
//       to 8 over 4 to 64 experts; fused with the dispatch (tokens given)
//       and route only (tokens = 0);
//   sy_ukernel_moe_dispatch        ids from anywhere, including -1 and ids
//       past the last expert, empty experts, everything on one expert;
//   sy_ukernel_grouped_sgemm       every activation, with and without bias
//       and row scale, row-major and prepacked weights, ragged and empty
//       groups, rows outside [offsets[0], offsets[E]), column / row / K
//       tails; the SIMD body and the portable one (SY_UK_PORTABLE);
//   sy_ukernel_moe_combine         including inverse entries of -1 (and
//       past the last row), weighted and unweighted;
//   sy_ukernel_moe_dispatch_weights  the same kinds of inverse;
// and the kernels chained as one MoE layer, with the routing weights in the
// combine and in the second GEMM's epilogue.
//
// Integers (ids, offsets, inverse) and copied rows are compared exactly;
// floating-point results against stated bounds next to each check.
//
// Threads: the kernels parallelize with sy_rt_parallel_for, which uses a
// context's pool only inside sy_rt_run (the context is made current there).
// This binary's one `sy_model` (UkernelTest.cpp) has a fixed no-op entry, so
// a kernel cannot be run inside a run here: these tests cover the serial
// path, where every work item (expert x row tile x column tile) still runs,
// in one chunk. ParallelFor's own tests (RuntimeTest.cpp) cover the pool.
//
//===----------------------------------------------------------------------===//

#include "lib/Runtime/ModelDescriptor.h"
#include "lib/Runtime/ukernels/ukernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

template <typename T> intptr_t ip(T *p) { return reinterpret_cast<intptr_t>(p); }
template <typename T> intptr_t ip(std::vector<T> &v) { return ip(v.data()); }
template <typename T> intptr_t ip(const std::vector<T> &v) {
  return ip(v.data());
}

int64_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return static_cast<int64_t>(u);
}

const float kNaN = std::numeric_limits<float>::quiet_NaN();

const char *modeName(int64_t mode) {
  switch (mode) {
  case SY_MOE_SOFTMAX_TOPK: return "softmax_topk";
  case SY_MOE_TOPK_SOFTMAX: return "topk_softmax";
  case SY_MOE_SIGMOID_TOPK: return "sigmoid_topk";
  }
  return "?";
}

//===----------------------------------------------------------------------===//
// References (float64, from SyOps.td)
//===----------------------------------------------------------------------===//

/// sy.route step 1: the scores s[e] of one token.
std::vector<double> refScores(const float *logits, int64_t e, int64_t mode) {
  std::vector<double> s(e);
  if (mode == SY_MOE_SOFTMAX_TOPK) {
    double mx = -INFINITY, sum = 0;
    for (int64_t x = 0; x < e; ++x) mx = std::max(mx, double(logits[x]));
    for (int64_t x = 0; x < e; ++x) sum += s[x] = std::exp(logits[x] - mx);
    for (double &v : s) v /= sum;
  } else if (mode == SY_MOE_SIGMOID_TOPK) {
    for (int64_t x = 0; x < e; ++x) s[x] = 1.0 / (1.0 + std::exp(-double(logits[x])));
  } else {
    for (int64_t x = 0; x < e; ++x) s[x] = logits[x];
  }
  return s;
}

/// Step 2: selection keys c = s + correction_bias.
std::vector<double> refKeys(const std::vector<double> &s, const float *bias) {
  std::vector<double> c = s;
  if (bias)
    for (size_t x = 0; x < c.size(); ++x) c[x] += bias[x];
  return c;
}

/// Step 4: the k largest keys in descending order, ties to the lower id.
std::vector<int64_t> refTopK(const std::vector<double> &c, int64_t k) {
  std::vector<int64_t> idx(c.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) {
    return c[a] > c[b] || (c[a] == c[b] && a < b);
  });
  idx.resize(k);
  return idx;
}

/// Whether float32 rounding could change the selection: the k+1 largest
/// keys must be apart by more than 1e-5 * (1 + |a| + |b|) (fp32 scores are
/// good to a few ulp, ~1e-7 relative). Random cases redraw tokens that fail.
bool wellSeparated(const std::vector<double> &c, int64_t k) {
  std::vector<double> d = c;
  std::sort(d.begin(), d.end(), std::greater<double>());
  for (int64_t j = 0; j < k && j + 1 < int64_t(d.size()); ++j)
    if (d[j] - d[j + 1] <= 1e-5 * (1 + std::fabs(d[j]) + std::fabs(d[j + 1])))
      return false;
  return true;
}

struct Route {
  std::vector<int64_t> ids; // [t, k], -1 when dropped
  std::vector<double> w;    // [t, k]
};

/// sy.route, steps 1-7 (no group routing: the kernel has no such operands).
Route refRoute(int64_t t, int64_t e, int64_t k, const std::vector<float> &logits,
               const float *bias, int64_t mode, bool renormalize,
               int64_t capacity, float scale) {
  Route r{std::vector<int64_t>(t * k), std::vector<double>(t * k)};
  for (int64_t i = 0; i < t; ++i) {
    const float *l = logits.data() + i * e;
    std::vector<double> s = refScores(l, e, mode);
    std::vector<int64_t> ids = refTopK(refKeys(s, bias), k);
    std::vector<double> w(k);
    if (mode == SY_MOE_TOPK_SOFTMAX) {
      // softmax over the chosen logits (the key never enters the weights).
      double mx = -INFINITY, sum = 0;
      for (int64_t j = 0; j < k; ++j) mx = std::max(mx, double(l[ids[j]]));
      for (int64_t j = 0; j < k; ++j) sum += w[j] = std::exp(l[ids[j]] - mx);
      for (double &v : w) v /= sum;
    } else {
      for (int64_t j = 0; j < k; ++j) w[j] = s[ids[j]];
    }
    if (renormalize) {
      double sum = 0;
      for (double v : w) sum += v;
      for (double &v : w) v /= sum;
    }
    for (int64_t j = 0; j < k; ++j) {
      r.ids[i * k + j] = ids[j];
      r.w[i * k + j] = w[j] * double(scale);
    }
  }
  if (capacity > 0) {
    // Choice-major: all tokens' first choices in token order, then seconds.
    std::vector<int64_t> kept(e, 0);
    for (int64_t j = 0; j < k; ++j)
      for (int64_t i = 0; i < t; ++i) {
        int64_t &id = r.ids[i * k + j];
        if (kept[id] < capacity) {
          ++kept[id];
        } else {
          id = -1;
          r.w[i * k + j] = 0;
        }
      }
  }
  return r;
}

struct Dispatch {
  std::vector<int64_t> offsets; // [e + 1]
  std::vector<int64_t> inverse; // [t, k]
  std::vector<float> permuted;  // [rows, h]
};

/// sy.dispatch: CSR offsets; rows in expert order, then assignment order;
/// rows from offsets[E] on are 0.
Dispatch refDispatch(int64_t t, int64_t k, int64_t e, int64_t h, int64_t rows,
                     const std::vector<float> &tokens,
                     const std::vector<int64_t> &ids) {
  Dispatch d{std::vector<int64_t>(e + 1, 0), std::vector<int64_t>(t * k, -1),
             std::vector<float>(rows * h, 0.f)};
  std::vector<int64_t> count(e, 0);
  for (int64_t a = 0; a < t * k; ++a)
    if (ids[a] >= 0 && ids[a] < e) ++count[ids[a]];
  for (int64_t x = 0; x < e; ++x) d.offsets[x + 1] = d.offsets[x] + count[x];
  for (int64_t a = 0; a < t * k; ++a) {
    int64_t x = ids[a];
    if (x < 0 || x >= e) continue;
    int64_t before = 0; // #{a' < a : a' to x}
    for (int64_t b = 0; b < a; ++b) before += ids[b] == x;
    int64_t p = d.offsets[x] + before;
    d.inverse[a] = p;
    for (int64_t c = 0; c < h; ++c) d.permuted[p * h + c] = tokens[(a / k) * h + c];
  }
  return d;
}

/// Exact checks of a kernel's dispatch against the reference.
void expectDispatch(const Dispatch &want, int64_t e, int64_t h, int64_t rows,
                    const std::vector<int64_t> &offsets,
                    const std::vector<int64_t> &inverse,
                    const std::vector<float> &permuted,
                    const std::string &what) {
  for (int64_t x = 0; x <= e; ++x)
    ASSERT_EQ(offsets[x], want.offsets[x]) << what << " offsets[" << x << "]";
  for (size_t a = 0; a < want.inverse.size(); ++a)
    ASSERT_EQ(inverse[a], want.inverse[a]) << what << " inverse[" << a << "]";
  for (int64_t p = 0; p < rows; ++p)
    for (int64_t c = 0; c < h; ++c) {
      // Copies are exact; rows past offsets[E] are exactly 0 (not NaN, the
      // prefill).
      float got = permuted[p * h + c], w = want.permuted[p * h + c];
      ASSERT_TRUE(got == w) << what << " permuted[" << p << "," << c
                            << "] = " << got << ", want " << w
                            << (p >= want.offsets[e] ? " (past offsets[E])" : "");
    }
}

//===----------------------------------------------------------------------===//
// sy_ukernel_moe_route_dispatch
//===----------------------------------------------------------------------===//

struct RouteCase {
  int64_t t, e, k, mode;
  bool renormalize, bias;
  int64_t capacity;
  float scale;
};

std::string describe(const RouteCase &cs) {
  std::ostringstream os;
  os << "t=" << cs.t << " e=" << cs.e << " k=" << cs.k << " "
     << modeName(cs.mode) << (cs.renormalize ? " renormalize" : "")
     << (cs.bias ? " bias" : "") << " capacity=" << cs.capacity
     << " scale=" << cs.scale;
  return os.str();
}

/// Random logits (and bias) whose selections are unambiguous in fp32.
void drawRouting(const RouteCase &cs, std::mt19937 &gen, std::vector<float> &logits,
                 std::vector<float> &bias) {
  std::uniform_real_distribution<float> dl(-3.f, 3.f);
  // Softmax scores are small with many experts; a bias of their size is
  // what changes selections (DeepSeek-V3's bias is a load-balancing nudge).
  float bs = cs.mode == SY_MOE_SOFTMAX_TOPK ? 2.f / float(cs.e)
             : cs.mode == SY_MOE_SIGMOID_TOPK ? 0.3f : 1.f;
  std::uniform_real_distribution<float> db(-bs, bs);
  bias.assign(cs.e, 0.f);
  if (cs.bias)
    for (float &v : bias) v = db(gen);
  logits.assign(cs.t * cs.e, 0.f);
  for (int64_t i = 0; i < cs.t; ++i) {
    float *l = logits.data() + i * cs.e;
    for (int tries = 0;; ++tries) {
      ASSERT_LT(tries, 1000) << "cannot draw separated keys: " << describe(cs);
      for (int64_t x = 0; x < cs.e; ++x) l[x] = dl(gen);
      std::vector<double> c = refKeys(refScores(l, cs.e, cs.mode),
                                      cs.bias ? bias.data() : nullptr);
      if (wellSeparated(c, cs.k)) break;
    }
  }
}

/// Runs one case fused (tokens given) and route only, checks both against
/// the references. Returns the number of dropped assignments (for the
/// caller's sanity checks) and whether the bias changed a selection.
struct RouteStats {
  int64_t dropped = 0;
  bool biasChangedSelection = false;
};

void checkRoute(const RouteCase &cs, const std::vector<float> &logits,
                const std::vector<float> &bias, RouteStats *stats) {
  const std::string what = describe(cs);
  const float *biasPtr = cs.bias ? bias.data() : nullptr;
  Route want = refRoute(cs.t, cs.e, cs.k, logits, biasPtr, cs.mode,
                        cs.renormalize, cs.capacity, cs.scale);
  if (stats) {
    for (int64_t id : want.ids) stats->dropped += id < 0;
    if (cs.bias) {
      Route plain = refRoute(cs.t, cs.e, cs.k, logits, nullptr, cs.mode,
                             cs.renormalize, 0, cs.scale);
      Route biased = refRoute(cs.t, cs.e, cs.k, logits, biasPtr, cs.mode,
                              cs.renormalize, 0, cs.scale);
      stats->biasChangedSelection |= plain.ids != biased.ids;
    }
  }

  const int64_t h = 5, rows = cs.t * cs.k;
  std::mt19937 gen(cs.t * 1000 + cs.e * 10 + cs.k);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> tokens(cs.t * h);
  for (float &v : tokens) v = dist(gen);

  for (bool fused : {true, false}) {
    const std::string w2 = what + (fused ? " fused" : " route-only");
    std::vector<int64_t> ids(cs.t * cs.k, -7), offsets(cs.e + 1, -7),
        inverse(cs.t * cs.k, -7);
    std::vector<float> weights(cs.t * cs.k, kNaN), permuted(rows * h, kNaN);
    sy_ukernel_moe_route_dispatch(
        cs.t, cs.e, cs.k, ip(logits), ip(biasPtr), cs.mode,
        cs.renormalize ? SY_MOE_RENORMALIZE : 0, cs.capacity,
        bitsOf(cs.scale), 0, ip(ids), ip(weights), fused ? h : 0,
        fused ? rows : 0, fused ? ip(tokens) : 0, fused ? ip(permuted) : 0,
        fused ? ip(offsets) : 0, fused ? ip(inverse) : 0);
    for (int64_t a = 0; a < cs.t * cs.k; ++a) {
      ASSERT_EQ(ids[a], want.ids[a])
          << w2 << " token " << a / cs.k << " choice " << a % cs.k;
      if (want.ids[a] < 0) {
        ASSERT_EQ(weights[a], 0.f) << w2 << " dropped weight at " << a;
        continue;
      }
      // fp32 softmax/sigmoid over <= 64 experts, a renormalizing division
      // and the scale: a few ulp each, well inside 1e-5 relative + 1e-6.
      ASSERT_NEAR(weights[a], want.w[a], 1e-5 * std::fabs(want.w[a]) + 1e-6)
          << w2 << " weight of token " << a / cs.k << " choice " << a % cs.k;
    }
    if (fused) {
      Dispatch d = refDispatch(cs.t, cs.k, cs.e, h, rows, tokens, want.ids);
      expectDispatch(d, cs.e, h, rows, offsets, inverse, permuted, w2);
    } else {
      // Route only: the dispatch operands are 0 and nothing else is written.
    }
  }
}

void runRoute(const RouteCase &cs, RouteStats *stats = nullptr) {
  std::mt19937 gen(uint32_t(cs.t * 7919 + cs.e * 131 + cs.k * 17 + cs.mode * 3 +
                            cs.renormalize + 2 * cs.bias + cs.capacity));
  std::vector<float> logits, bias;
  drawRouting(cs, gen, logits, bias);
  if (::testing::Test::HasFatalFailure()) return;
  checkRoute(cs, logits, bias, stats);
}

TEST(MoERoute, AllModesAndOptions) {
  const int64_t modes[] = {SY_MOE_SOFTMAX_TOPK, SY_MOE_TOPK_SOFTMAX,
                           SY_MOE_SIGMOID_TOPK};
  const std::pair<int64_t, int64_t> shapes[] = {
      {4, 1}, {4, 2}, {4, 4}, {8, 2}, {8, 8}, {16, 4}, {32, 8}, {64, 1}, {64, 8}};
  for (int64_t mode : modes) {
    RouteStats stats;
    int64_t capacityCases = 0;
    for (auto [e, k] : shapes)
      for (bool renorm : {false, true})
        for (bool bias : {false, true})
          for (float scale : {1.f, 2.5f})
            for (bool cap : {false, true}) {
              const int64_t t = 24;
              // Below the mean load, so that tokens are dropped.
              int64_t capacity = cap ? std::max<int64_t>(1, t * k / e * 3 / 4) : 0;
              RouteCase cs{t, e, k, mode, renorm, bias, capacity, scale};
              RouteStats one;
              runRoute(cs, &one);
              if (HasFatalFailure()) return;
              if (cap && e * capacity < t * k) {
                ++capacityCases;
                EXPECT_GT(one.dropped, 0) << describe(cs); // pigeonhole
              }
              stats.biasChangedSelection |= one.biasChangedSelection;
            }
    // The test itself: the capacity and bias cases did exercise something.
    EXPECT_GT(capacityCases, 0);
    EXPECT_TRUE(stats.biasChangedSelection) << modeName(mode);
  }
}

TEST(MoERoute, SingleTokenAndManyTokens) {
  for (int64_t mode : {SY_MOE_SOFTMAX_TOPK, SY_MOE_TOPK_SOFTMAX, SY_MOE_SIGMOID_TOPK}) {
    runRoute({1, 8, 2, mode, true, false, 0, 1.f});
    runRoute({1, 64, 8, mode, false, true, 1, 1.f});
    runRoute({300, 16, 4, mode, true, true, 60, 0.75f});
  }
}

/// Bias chooses, never weighs: softmax([2, 1, 0, 0]) = [.610, .224, .083,
/// .083]; bias [0, .5, 0, 0] makes expert 1 the top key (.724 > .610), and
/// its weight is its score .224, not .724.
TEST(MoERoute, BiasSelectsButDoesNotWeigh) {
  std::vector<float> logits = {2.f, 1.f, 0.f, 0.f}, bias = {0.f, .5f, 0.f, 0.f};
  std::vector<int64_t> ids(1);
  std::vector<float> w(1);
  sy_ukernel_moe_route_dispatch(1, 4, 1, ip(logits), ip(bias),
                                SY_MOE_SOFTMAX_TOPK, 0, 0, bitsOf(1.f), 0, ip(ids),
                                ip(w), 0, 0, 0, 0, 0, 0);
  double z = std::exp(2.0) + std::exp(1.0) + 2.0;
  EXPECT_EQ(ids[0], 1);
  EXPECT_NEAR(w[0], std::exp(1.0) / z, 1e-6);
  // Renormalized over k = 1 it is 1, whatever the bias.
  sy_ukernel_moe_route_dispatch(1, 4, 1, ip(logits), ip(bias),
                                SY_MOE_SOFTMAX_TOPK, SY_MOE_RENORMALIZE, 0,
                                bitsOf(3.f), 0, ip(ids), ip(w), 0, 0, 0, 0, 0, 0);
  EXPECT_EQ(ids[0], 1);
  EXPECT_NEAR(w[0], 3.0, 3e-6); // 1 * scale
  // sigmoid_topk with k = 2: weights are sigmoids of the logits.
  std::vector<int64_t> ids2(2);
  std::vector<float> w2(2);
  std::vector<float> bias2 = {0.f, 0.f, 0.9f, 0.f};
  sy_ukernel_moe_route_dispatch(1, 4, 2, ip(logits), ip(bias2),
                                SY_MOE_SIGMOID_TOPK, 0, 0, bitsOf(1.f), 0,
                                ip(ids2), ip(w2), 0, 0, 0, 0, 0, 0);
  // keys: sig(2)=.881, sig(1)=.731, sig(0)+.9=1.4, sig(0)=.5
  EXPECT_EQ(ids2[0], 2);
  EXPECT_EQ(ids2[1], 0);
  EXPECT_NEAR(w2[0], 0.5, 1e-6);
  EXPECT_NEAR(w2[1], 1.0 / (1.0 + std::exp(-2.0)), 1e-6);
}

/// Exact ties go to the lower expert id, in every mode (equal logits give
/// bitwise equal scores and keys).
TEST(MoERoute, TiesGoToTheLowerId) {
  // Token 0: three-way tie at the top; token 1: all equal; token 2: tie
  // across the k boundary; token 3: strictly decreasing ids.
  const int64_t t = 4, e = 6;
  std::vector<float> logits = {0.f, 5.f, 2.f, 5.f, 5.f, 1.f,   //
                               1.f, 1.f, 1.f, 1.f, 1.f, 1.f,   //
                               3.f, 0.f, 2.f, 0.f, 2.f, -1.f,  //
                               0.f, 1.f, 2.f, 3.f, 4.f, 5.f};
  const int64_t want2[t][2] = {{1, 3}, {0, 1}, {0, 2}, {5, 4}};
  const int64_t want3[t][3] = {{1, 3, 4}, {0, 1, 2}, {0, 2, 4}, {5, 4, 3}};
  for (int64_t mode : {SY_MOE_SOFTMAX_TOPK, SY_MOE_TOPK_SOFTMAX, SY_MOE_SIGMOID_TOPK})
    for (int64_t k : {2, 3}) {
      std::vector<int64_t> ids(t * k);
      std::vector<float> w(t * k);
      sy_ukernel_moe_route_dispatch(t, e, k, ip(logits), 0, mode, 0, 0,
                                    bitsOf(1.f), 0, ip(ids), ip(w), 0, 0, 0, 0,
                                    0, 0);
      for (int64_t i = 0; i < t; ++i)
        for (int64_t j = 0; j < k; ++j)
          EXPECT_EQ(ids[i * k + j], k == 2 ? want2[i][j] : want3[i][j])
              << modeName(mode) << " k=" << k << " token " << i << " choice " << j;
      // And the reference agrees, weights included.
      RouteCase cs{t, e, k, mode, false, false, 0, 1.f};
      checkRoute(cs, logits, {}, nullptr);
      RouteCase cs2{t, e, k, mode, true, false, 2, 1.f};
      checkRoute(cs2, logits, {}, nullptr);
    }
  // A bias that creates a tie keeps the lower id: sigmoid(0) + [0, .25, .25]
  // ties experts 1 and 2 (exactly, .5f + .25f); the weight is sigmoid(0).
  std::vector<float> l2 = {0.f, 0.f, 0.f}, b2 = {0.f, .25f, .25f};
  std::vector<int64_t> ids(1);
  std::vector<float> w(1);
  sy_ukernel_moe_route_dispatch(1, 3, 1, ip(l2), ip(b2), SY_MOE_SIGMOID_TOPK, 0,
                                0, bitsOf(1.f), 0, ip(ids), ip(w), 0, 0, 0, 0, 0, 0);
  EXPECT_EQ(ids[0], 1);
  EXPECT_NEAR(w[0], 0.5, 1e-7);
}

/// Capacity, by hand: 4 tokens all preferring expert 0 then expert 1, e = 3,
/// k = 2, capacity 3. Choice-major: first choices of tokens 0-2 keep expert
/// 0, token 3's is dropped; second choices all go to expert 1, tokens 0-2
/// kept, token 3's dropped. Dropped weights are 0; kept ones are not
/// renormalized again.
TEST(MoERoute, CapacityIsChoiceMajor) {
  const int64_t t = 4, e = 3, k = 2, h = 2;
  std::vector<float> logits = {3.f, 2.f, 0.f, 3.f, 2.f, 0.f,
                               3.f, 2.f, 0.f, 3.f, 2.f, 0.f};
  std::vector<float> tokens = {1.f, 2.f, 3.f, 4.f, 5.f, 6.f, 7.f, 8.f};
  std::vector<int64_t> ids(t * k), offsets(e + 1), inverse(t * k);
  std::vector<float> w(t * k), permuted(t * k * h, kNaN);
  sy_ukernel_moe_route_dispatch(t, e, k, ip(logits), 0, SY_MOE_SOFTMAX_TOPK,
                                SY_MOE_RENORMALIZE, 3, bitsOf(1.f), 0, ip(ids),
                                ip(w), h, t * k, ip(tokens), ip(permuted),
                                ip(offsets), ip(inverse));
  const std::vector<int64_t> wantIds = {0, 1, 0, 1, 0, 1, -1, -1};
  EXPECT_EQ(ids, wantIds);
  double w0 = std::exp(1.0) / (std::exp(1.0) + 1.0), w1 = 1.0 - w0;
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(w[i * k], w0, 1e-6);
    EXPECT_NEAR(w[i * k + 1], w1, 1e-6);
  }
  EXPECT_EQ(w[6], 0.f);
  EXPECT_EQ(w[7], 0.f);
  EXPECT_EQ(offsets, (std::vector<int64_t>{0, 3, 6, 6}));
  EXPECT_EQ(inverse, (std::vector<int64_t>{0, 3, 1, 4, 2, 5, -1, -1}));
  const std::vector<float> wantRows = {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0, 0};
  for (size_t i = 0; i < wantRows.size(); ++i)
    EXPECT_TRUE(permuted[i] == wantRows[i]) << i << ": " << permuted[i];

  // Capacity 1, choices (0, 1) and (0, 2): first choices go first, so token
  // 1's first choice (expert 0, already full) is dropped while both second
  // choices are kept; topk_softmax weights stay softmax([3, 2]).
  std::vector<float> l2 = {3.f, 2.f, 0.f, 3.f, 0.f, 2.f};
  std::vector<int64_t> ids2(4);
  std::vector<float> w2(4);
  sy_ukernel_moe_route_dispatch(2, 3, 2, ip(l2), 0, SY_MOE_TOPK_SOFTMAX, 0, 1,
                                bitsOf(1.f), 0, ip(ids2), ip(w2), 0, 0, 0, 0, 0, 0);
  EXPECT_EQ(ids2, (std::vector<int64_t>{0, 1, -1, 2}));
  EXPECT_EQ(w2[2], 0.f);
  EXPECT_NEAR(w2[3], 1.0 / (1.0 + std::exp(1.0)), 1e-6);
}

/// renormalize_kept: GShard top-2's gates divided by the sum of those that
/// survived dropping, floored.
TEST(MoERoute, RenormalizeKeptAfterCapacity) {
  // Capacity 2. First choices: experts 0, 0, 1 (all kept); second choices:
  // 1 (kept, expert 1's second), 1 (dropped: full), 0 (dropped: full).
  const std::vector<float> logits = {2.f, 0.f, -1.f, 2.f, 0.f, -1.f,
                                     0.f, 1.f, -1.f};
  auto softmax = [&](int64_t row, int64_t col) {
    double z = 0;
    for (int64_t c = 0; c < 3; ++c) z += std::exp(double(logits[row * 3 + c]));
    return std::exp(double(logits[row * 3 + col])) / z;
  };
  for (float floor : {1.1920929e-7f, 2.f}) {
    std::vector<int64_t> ids(6);
    std::vector<float> w(6);
    sy_ukernel_moe_route_dispatch(3, 3, 2, ip(logits), 0, SY_MOE_SOFTMAX_TOPK,
                                  SY_MOE_RENORMALIZE_KEPT, 2, bitsOf(1.f),
                                  bitsOf(floor), ip(ids), ip(w), 0, 0, 0, 0, 0,
                                  0);
    EXPECT_EQ(ids, (std::vector<int64_t>{0, 1, 0, -1, 1, -1}));
    double kept0 = softmax(0, 0) + softmax(0, 1);
    double d0 = std::max<double>(kept0, floor);
    EXPECT_NEAR(w[0], softmax(0, 0) / d0, 1e-6) << "floor " << floor;
    EXPECT_NEAR(w[1], softmax(0, 1) / d0, 1e-6) << "floor " << floor;
    // One kept gate: 1 below the floor, p / floor above it.
    EXPECT_NEAR(w[2], softmax(1, 0) / std::max<double>(softmax(1, 0), floor),
                1e-6);
    EXPECT_EQ(w[3], 0.f);
    EXPECT_NEAR(w[4], softmax(2, 1) / std::max<double>(softmax(2, 1), floor),
                1e-6);
    EXPECT_EQ(w[5], 0.f);
  }
  // Token 1 loses both choices to token 0 (capacity 1): its weights stay
  // 0 (no 0 / 0); token 0's two gates already sum to 1.
  const std::vector<float> one = {1.f, 0.f, 1.f, 0.f};
  std::vector<int64_t> ids(4);
  std::vector<float> w(4, -1.f);
  sy_ukernel_moe_route_dispatch(2, 2, 2, ip(one), 0, SY_MOE_SOFTMAX_TOPK,
                                SY_MOE_RENORMALIZE_KEPT, 1, bitsOf(1.f), 0,
                                ip(ids), ip(w), 0, 0, 0, 0, 0, 0);
  EXPECT_EQ(ids, (std::vector<int64_t>{0, 1, -1, -1}));
  EXPECT_NEAR(w[0], 1.0 / (1.0 + std::exp(-1.0)), 1e-6);
  EXPECT_NEAR(w[1], 1.0 / (1.0 + std::exp(1.0)), 1e-6);
  EXPECT_EQ(w[2], 0.f);
  EXPECT_EQ(w[3], 0.f);
}

/// Every token on one expert (k = 1) and experts that get no token.
TEST(MoERoute, OneExpertTakesAll) {
  const int64_t t = 9, e = 8, k = 1;
  std::vector<float> logits(t * e, 0.f);
  for (int64_t i = 0; i < t; ++i) logits[i * e + 5] = 4.f + float(i) * .1f;
  for (int64_t mode : {SY_MOE_SOFTMAX_TOPK, SY_MOE_TOPK_SOFTMAX, SY_MOE_SIGMOID_TOPK}) {
    checkRoute({t, e, k, mode, false, false, 0, 1.f}, logits, {}, nullptr);
    checkRoute({t, e, k, mode, true, false, 4, 2.f}, logits, {}, nullptr);
  }
}

//===----------------------------------------------------------------------===//
// sy_ukernel_moe_dispatch
//===----------------------------------------------------------------------===//

void runDispatch(int64_t t, int64_t k, int64_t e, int64_t h,
                 const std::vector<int64_t> &idsIn, const std::string &what) {
  const int64_t rows = t * k;
  std::mt19937 gen(uint32_t(t * 31 + k * 7 + e));
  std::uniform_real_distribution<float> dist(-2.f, 2.f);
  std::vector<float> tokens(t * h), permuted(rows * h, kNaN);
  for (float &v : tokens) v = dist(gen);
  std::vector<int64_t> ids = idsIn, offsets(e + 1, -7), inverse(t * k, -7);
  sy_ukernel_moe_dispatch(t, k, e, h, rows, ip(tokens), ip(ids), ip(permuted),
                          ip(offsets), ip(inverse));
  EXPECT_EQ(ids, idsIn) << what << ": ids are an input";
  Dispatch d = refDispatch(t, k, e, h, rows, tokens, idsIn);
  expectDispatch(d, e, h, rows, offsets, inverse, permuted, what);
}

TEST(MoEDispatch, RandomIdsWithDrops) {
  for (auto [t, k, e, h] : std::vector<std::array<int64_t, 4>>{
           {1, 1, 1, 1}, {7, 2, 4, 3}, {33, 4, 16, 17}, {50, 8, 64, 64},
           {128, 2, 8, 130}}) {
    std::mt19937 gen(uint32_t(t + 100 * k + 10000 * e));
    // Ids in [-1, e]: -1 (dropped) and e (out of range) are not dispatched.
    std::uniform_int_distribution<int64_t> di(-1, e);
    std::vector<int64_t> ids(t * k);
    for (int64_t &v : ids) v = di(gen);
    runDispatch(t, k, e, h, ids,
                "t=" + std::to_string(t) + " k=" + std::to_string(k) +
                    " e=" + std::to_string(e));
  }
}

TEST(MoEDispatch, EdgeCases) {
  const int64_t t = 10, k = 2, e = 4, h = 3;
  // Everything on expert 2 (experts 0, 1, 3 empty).
  runDispatch(t, k, e, h, std::vector<int64_t>(t * k, 2), "all on expert 2");
  // Everything on the last expert, and everything on the first.
  runDispatch(t, k, e, h, std::vector<int64_t>(t * k, e - 1), "all on last");
  runDispatch(t, k, e, h, std::vector<int64_t>(t * k, 0), "all on first");
  // Nothing dispatched: offsets all 0, every row zero, inverse all -1.
  runDispatch(t, k, e, h, std::vector<int64_t>(t * k, -1), "all dropped");
  // Ids far out of range on both sides.
  std::vector<int64_t> ids(t * k);
  for (int64_t a = 0; a < t * k; ++a)
    ids[a] = a % 5 == 0 ? -1000 : a % 5 == 1 ? e + 1000 : a % 5 == 2 ? 1 : 3;
  runDispatch(t, k, e, h, ids, "far out of range");
  // One token, one expert with both its choices (duplicates are allowed).
  runDispatch(1, 2, 3, 4, {1, 1}, "duplicate choice");
}

//===----------------------------------------------------------------------===//
// sy_ukernel_grouped_sgemm
//===----------------------------------------------------------------------===//

const char *actName(int64_t act) {
  static const char *names[] = {"identity", "relu", "gelu", "gelu_tanh",
                                "silu", "swiglu", "swiglu_interleaved"};
  return act >= 0 && act <= 6 ? names[act] : "?";
}

bool isGated(int64_t act) {
  return act == SY_ACT_SWIGLU || act == SY_ACT_SWIGLU_INTERLEAVED;
}

double refSilu(double y) { return y / (1.0 + std::exp(-y)); }

/// The sy.grouped_matmul activations, on a row y [n] into out.
void refActivate(int64_t act, const double *y, int64_t n, double *out) {
  const double kPi = 3.14159265358979323846;
  switch (act) {
  case SY_ACT_IDENTITY:
    for (int64_t i = 0; i < n; ++i) out[i] = y[i];
    break;
  case SY_ACT_RELU:
    for (int64_t i = 0; i < n; ++i) out[i] = std::max(y[i], 0.0);
    break;
  case SY_ACT_GELU:
    for (int64_t i = 0; i < n; ++i)
      out[i] = 0.5 * y[i] * (1 + std::erf(y[i] / std::sqrt(2.0)));
    break;
  case SY_ACT_GELU_TANH:
    for (int64_t i = 0; i < n; ++i)
      out[i] = 0.5 * y[i] *
               (1 + std::tanh(std::sqrt(2 / kPi) *
                              (y[i] + 0.044715 * y[i] * y[i] * y[i])));
    break;
  case SY_ACT_SILU:
    for (int64_t i = 0; i < n; ++i) out[i] = refSilu(y[i]);
    break;
  case SY_ACT_SWIGLU: // N = 2I: out[i] = silu(y[i]) * y[I + i]
    for (int64_t i = 0; i < n / 2; ++i) out[i] = refSilu(y[i]) * y[n / 2 + i];
    break;
  case SY_ACT_SWIGLU_INTERLEAVED: // out[i] = silu(y[2i]) * y[2i + 1]
    for (int64_t i = 0; i < n / 2; ++i) out[i] = refSilu(y[2 * i]) * y[2 * i + 1];
    break;
  }
}

struct GroupCase {
  int64_t e, m, k, n;
  std::vector<int64_t> offsets; // [e + 1]
};

std::string describe(const GroupCase &cs) {
  std::ostringstream os;
  os << "e=" << cs.e << " m=" << cs.m << " k=" << cs.k << " n=" << cs.n
     << " offsets=[";
  for (size_t i = 0; i < cs.offsets.size(); ++i) os << (i ? "," : "") << cs.offsets[i];
  os << "]";
  return os.str();
}

/// gemm.h's prepacked panels: [e][ceil(n/32)][k][32], zero past column n.
std::vector<float> prepack(const std::vector<float> &w, int64_t e, int64_t k,
                           int64_t n) {
  const int64_t panels = (n + 31) / 32;
  std::vector<float> out(e * panels * k * 32, 0.f);
  for (int64_t x = 0; x < e; ++x)
    for (int64_t p = 0; p < panels; ++p)
      for (int64_t q = 0; q < k; ++q)
        for (int64_t c = 0; c < 32; ++c) {
          int64_t col = p * 32 + c;
          if (col < n)
            out[((x * panels + p) * k + q) * 32 + c] = w[(x * k + q) * n + col];
        }
  return out;
}

/// Runs every activation x bias x layout x body on one grouping.
void runGrouped(const GroupCase &cs, bool onlyUngated = false) {
  const int64_t e = cs.e, m = cs.m, k = cs.k, n = cs.n;
  ASSERT_EQ(int64_t(cs.offsets.size()), e + 1);
  std::mt19937 gen(uint32_t(e * 1000003 + m * 1009 + k * 31 + n));
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> lhs(m * k), rhs(e * k * n), bias(e * n);
  for (float &v : lhs) v = dist(gen);
  // Weights ~ U(-2, 2) / sqrt(k) keep y = O(1) whatever k, the range where
  // the activations are not trivially linear or zero.
  const float ws = 2.f / std::sqrt(float(std::max<int64_t>(k, 1)));
  for (float &v : rhs) v = dist(gen) * ws;
  for (float &v : bias) v = dist(gen);
  std::vector<float> rowScale(m);
  for (float &v : rowScale) v = dist(gen);
  const std::vector<float> packed = prepack(rhs, e, k, n);

  // y without bias, in float64, once per grouping; rows outside the groups
  // are marked with expert -1.
  std::vector<int64_t> expertOf(m, -1);
  for (int64_t x = 0; x < e; ++x)
    for (int64_t r = cs.offsets[x]; r < cs.offsets[x + 1]; ++r) expertOf[r] = x;
  std::vector<double> y0(m * n, 0.0);
  for (int64_t r = 0; r < m; ++r) {
    int64_t x = expertOf[r];
    if (x < 0) continue;
    for (int64_t q = 0; q < k; ++q) {
      double a = lhs[r * k + q];
      const float *wr = rhs.data() + (x * k + q) * n;
      for (int64_t c = 0; c < n; ++c) y0[r * n + c] += a * double(wr[c]);
    }
  }

  for (int64_t act = SY_ACT_IDENTITY; act <= SY_ACT_SWIGLU_INTERLEAVED; ++act) {
    const bool gated = isGated(act);
    if (gated && (onlyUngated || n % 2)) continue;
    const int64_t nOut = gated ? n / 2 : n;
    for (bool withBias : {false, true}) {
      // The reference output for this activation and bias.
      std::vector<double> want(m * nOut, 0.0), yr(n);
      for (int64_t r = 0; r < m; ++r) {
        int64_t x = expertOf[r];
        if (x < 0) continue; // rows outside the groups are 0
        for (int64_t c = 0; c < n; ++c)
          yr[c] = y0[r * n + c] + (withBias ? double(bias[x * n + c]) : 0.0);
        refActivate(act, yr.data(), n, want.data() + r * nOut);
      }
      for (bool prepacked : {false, true}) {
        // The concatenated SwiGLU reads prepacked weights only with I a
        // multiple of 32 (ukernels.h); the compiler interleaves otherwise.
        if (prepacked && act == SY_ACT_SWIGLU && (n / 2) % 32) continue;
        // The default tiles, and small ones that split groups into
        // several row tiles (20 rounds up to 24) and columns into several
        // column tiles (40 rounds up to a panel, or two for SwiGLU).
        for (auto [tileRows, tileCols] :
             {std::pair<int64_t, int64_t>{0, 0}, {20, 40}})
        for (int64_t body : {int64_t(0), int64_t(SY_UK_PORTABLE)})
        for (bool scaled : {false, true}) {
          std::vector<float> out(m * nOut, kNaN), y(gated ? m * n : 0, kNaN);
          std::vector<int64_t> offsets = cs.offsets;
          sy_ukernel_grouped_sgemm(
              e, m, k, n, ip(lhs), prepacked ? ip(packed.data()) : ip(rhs),
              ip(offsets), withBias ? ip(bias) : 0, act, gated ? ip(y) : 0,
              ip(out), (prepacked ? SY_GROUPED_PREPACKED : 0) | body,
              tileRows, tileCols, scaled ? ip(rowScale) : 0);
          for (int64_t r = 0; r < m; ++r)
            for (int64_t c = 0; c < nOut; ++c) {
              // |row scale| < 1, so the bound below still holds.
              double w = want[r * nOut + c] * (scaled ? rowScale[r] : 1.0);
              float got = out[r * nOut + c];
              // fp32 GEMM over k <= 600 terms with y = O(1), then an fp32
              // activation (libm erff, ~2-ulp exp): 1e-4 * (1 + |want|).
              // Rows outside the groups must be exactly 0.
              bool ok = expertOf[r] < 0
                            ? got == 0.f
                            : std::fabs(double(got) - w) <= 1e-4 * (1 + std::fabs(w));
              ASSERT_TRUE(ok)
                  << describe(cs) << " " << actName(act)
                  << (withBias ? " bias" : "")
                  << (prepacked ? " prepacked" : " row-major")
                  << (body ? " portable" : " default")
                  << (scaled ? " row-scaled" : "") << " tiles "
                  << tileRows << "x" << tileCols << " at row " << r
                  << " (expert " << expertOf[r] << ") col " << c << ": got "
                  << got << ", want " << w;
            }
        }
      }
    }
  }
}

TEST(MoEGroupedGemm, RaggedGroups) {
  // Uneven groups with an empty one; m not a multiple of 12, n of 32.
  runGrouped({4, 40, 64, 96, {0, 5, 5, 29, 40}});
  // offsets[0] > 0 and offsets[E] < m: rows [0, 3) and [45, 50) are 0;
  // k > 256 (the K blocking), n = 70 (a 6-column tail).
  runGrouped({3, 50, 300, 70, {3, 3, 20, 45}});
  // Single rows, a 2-column GEMM (SwiGLU of width 1), k = 1.
  runGrouped({3, 4, 1, 2, {0, 1, 1, 3}});
  // Odd n: only the ungated activations apply.
  runGrouped({2, 25, 33, 33, {0, 12, 25}}, true);
}

TEST(MoEGroupedGemm, TilesAndTails) {
  // A group of 200 rows (two 192-row tiles), n = 300 (two column tiles of
  // the ungated kernel, three of the gated, I = 150 not a multiple of 32),
  // k = 600; empty groups between and at the ends.
  runGrouped({8, 230, 600, 300, {0, 0, 200, 201, 201, 215, 215, 225, 230}});
  // I = 160, a multiple of 32: the prepacked concatenated SwiGLU, with a
  // second gated column tile at column 128 (GEMM columns 288.. of the
  // linear half).
  runGrouped({3, 61, 257, 320, {0, 24, 24, 61}});
  // I = 64.
  runGrouped({2, 13, 40, 128, {1, 7, 12}});
}

TEST(MoEGroupedGemm, EmptyAndSingleExpert) {
  // All rows on one expert.
  runGrouped({4, 37, 48, 64, {0, 0, 37, 37, 37}});
  // All on the last expert, leaving row 0 and rows past 30 out.
  runGrouped({5, 35, 20, 40, {1, 1, 1, 1, 1, 30}});
  // Every group empty: the output is all zero.
  runGrouped({3, 9, 16, 32, {4, 4, 4, 4}});
  runGrouped({1, 6, 16, 32, {0, 0}});
}

//===----------------------------------------------------------------------===//
// sy_ukernel_moe_combine
//===----------------------------------------------------------------------===//

/// With `weighted` false the kernel gets no weights and sums the rows.
void runCombine(int64_t t, int64_t k, int64_t h, int64_t rows,
                const std::vector<int64_t> &inverse, const std::string &what,
                bool weighted = true) {
  std::mt19937 gen(uint32_t(t * 17 + k * 5 + h + rows));
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> expertOut(rows * h), weights(t * k), out(t * h, kNaN);
  for (float &v : expertOut) v = dist(gen);
  for (float &v : weights) v = dist(gen);
  std::vector<int64_t> inv = inverse;
  sy_ukernel_moe_combine(t, k, h, rows, ip(expertOut), ip(inv),
                         weighted ? ip(weights) : 0, ip(out));
  for (int64_t i = 0; i < t; ++i)
    for (int64_t c = 0; c < h; ++c) {
      double want = 0, mag = 0;
      for (int64_t j = 0; j < k; ++j) {
        int64_t p = inverse[i * k + j];
        if (p < 0 || p >= rows) continue;
        double term = (weighted ? double(weights[i * k + j]) : 1.0) *
                      expertOut[p * h + c];
        want += term;
        mag += std::fabs(term);
      }
      // fp32 sum of <= 8 products: within 1e-6 * (sum |terms|) + 1e-7.
      ASSERT_NEAR(out[i * h + c], want, 1e-6 * mag + 1e-7)
          << what << " token " << i << " col " << c;
    }
}

TEST(MoECombine, WithDroppedEntries) {
  for (auto [t, k, h] : std::vector<std::array<int64_t, 3>>{
           {1, 1, 1}, {5, 2, 7}, {20, 4, 37}, {64, 8, 160}}) {
    // rows > t*k assignments' targets, with some rows unused; about a fifth
    // of the entries -1 and one past the last row (skipped either way).
    const int64_t rows = t * k + 3;
    std::mt19937 gen(uint32_t(t * k * h));
    std::uniform_int_distribution<int64_t> dp(0, rows - 1), dd(0, 9);
    std::vector<int64_t> inverse(t * k);
    for (int64_t &p : inverse) {
      int64_t d = dd(gen);
      p = d < 2 ? -1 : d == 2 ? rows + d : dp(gen);
    }
    if (t > 1) // a token with nothing: 0
      for (int64_t j = 0; j < k; ++j) inverse[1 * k + j] = -1;
    for (bool weighted : {true, false})
      runCombine(t, k, h, rows, inverse,
                 "t=" + std::to_string(t) + " k=" + std::to_string(k) +
                     " h=" + std::to_string(h) +
                     (weighted ? "" : " unweighted"),
                 weighted); // 64x8x160 takes the parallel_for branch
  }
  // Everything dropped.
  runCombine(4, 2, 3, 8, std::vector<int64_t>(8, -1), "all dropped");
  runCombine(4, 2, 3, 8, std::vector<int64_t>(8, -1), "all dropped", false);
}

//===----------------------------------------------------------------------===//
// sy_ukernel_moe_dispatch_weights
//===----------------------------------------------------------------------===//

TEST(MoEDispatchWeights, ScattersByInverse) {
  // 3 tokens x 2: rows 4 and 0 named, entries -1 and past the last row
  // (7 >= rows = 6) skipped; rows 1, 2, 3 and 5 named by none are 0.
  const int64_t t = 3, k = 2, rows = 6;
  std::vector<int64_t> inverse = {4, -1, 0, 7, -1, -1};
  std::vector<float> weights = {0.25f, 9.f, -1.5f, 9.f, 9.f, 9.f};
  std::vector<float> out(rows, kNaN);
  sy_ukernel_moe_dispatch_weights(t, k, rows, ip(inverse), ip(weights),
                                  ip(out));
  std::vector<float> want = {-1.5f, 0.f, 0.f, 0.f, 0.25f, 0.f};
  EXPECT_EQ(out, want); // copies: exact
}

//===----------------------------------------------------------------------===//
// A whole MoE layer
//===----------------------------------------------------------------------===//

/// route + dispatch (fused) -> grouped_matmul (SwiGLU) -> grouped_matmul ->
/// combine, against out[t] = sum_j w[t, j] * FFN_{id[t, j]}(x[t]) in
/// float64, with capacity drops and an expert that gets nothing.
TEST(MoELayer, RouteDispatchFfnCombine) {
  const int64_t t = 40, e = 8, k = 2, h = 48, inter = 32, rows = t * k;
  std::mt19937 gen(2024);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> x(t * h), logits(t * e), w1(e * h * 2 * inter),
      w2(e * inter * h), b1(e * 2 * inter);
  for (float &v : x) v = dist(gen);
  for (float &v : w1) v = dist(gen) * 2.f / std::sqrt(float(h));
  for (float &v : w2) v = dist(gen) * 2.f / std::sqrt(float(inter));
  for (float &v : b1) v = dist(gen) * .5f;
  // Expert 6 is never chosen (logit far below); keys well apart in fp32;
  // capacity 10 < 80 assignments / 7 experts drops some.
  RouteCase rc{t, e, k, SY_MOE_SOFTMAX_TOPK, true, false, 10, 1.f};
  for (int64_t i = 0; i < t; ++i)
    for (;;) {
      for (int64_t q = 0; q < e; ++q) logits[i * e + q] = dist(gen) * 3.f;
      logits[i * e + 6] = -20.f;
      if (wellSeparated(refScores(&logits[i * e], e, rc.mode), k)) break;
    }
  Route want = refRoute(t, e, k, logits, nullptr, rc.mode, true, rc.capacity, 1.f);

  std::vector<int64_t> ids(t * k), offsets(e + 1), inverse(t * k);
  std::vector<float> weights(t * k), permuted(rows * h), y(rows * 2 * inter),
      act(rows * inter), expertOut(rows * h), out(t * h, kNaN);
  sy_ukernel_moe_route_dispatch(t, e, k, ip(logits), 0, rc.mode,
                                SY_MOE_RENORMALIZE, rc.capacity, bitsOf(1.f), 0, ip(ids),
                                ip(weights), h, rows, ip(x), ip(permuted),
                                ip(offsets), ip(inverse));
  ASSERT_EQ(ids, want.ids);
  EXPECT_EQ(offsets[6], offsets[7]) << "expert 6 got tokens";
  EXPECT_LT(offsets[e], rows) << "capacity dropped nothing";
  sy_ukernel_grouped_sgemm(e, rows, h, 2 * inter, ip(permuted), ip(w1),
                           ip(offsets), ip(b1), SY_ACT_SWIGLU, ip(y), ip(act), 0,
                           0, 0, 0);
  // The float64 reference, out[t] = sum_j w[t, j] * FFN_{id[t, j]}(x[t]).
  std::vector<double> ref(t * h, 0.0);
  for (int64_t i = 0; i < t; ++i)
    for (int64_t j = 0; j < k; ++j) {
      int64_t ex = want.ids[i * k + j];
      if (ex < 0) continue;
      std::vector<double> yy(2 * inter), a(inter);
      for (int64_t c = 0; c < 2 * inter; ++c) {
        yy[c] = b1[ex * 2 * inter + c];
        for (int64_t q = 0; q < h; ++q)
          yy[c] += double(x[i * h + q]) * w1[(ex * h + q) * 2 * inter + c];
      }
      refActivate(SY_ACT_SWIGLU, yy.data(), 2 * inter, a.data());
      for (int64_t c = 0; c < h; ++c) {
        double o = 0;
        for (int64_t q = 0; q < inter; ++q) o += a[q] * w2[(ex * inter + q) * h + c];
        ref[i * h + c] += want.w[i * k + j] * o;
      }
    }

  // The weights in the combine (as raised), or in the second GEMM's
  // epilogue (as sy-tile-grouped-matmul folds them): the same result.
  for (bool folded : {false, true}) {
    std::fill(out.begin(), out.end(), kNaN);
    std::vector<float> rowScale(rows, kNaN);
    if (folded)
      sy_ukernel_moe_dispatch_weights(t, k, rows, ip(inverse), ip(weights),
                                      ip(rowScale));
    sy_ukernel_grouped_sgemm(e, rows, inter, h, ip(act), ip(w2), ip(offsets), 0,
                             SY_ACT_IDENTITY, 0, ip(expertOut), 0, 0, 0,
                             folded ? ip(rowScale) : 0);
    sy_ukernel_moe_combine(t, k, h, rows, ip(expertOut), ip(inverse),
                           folded ? 0 : ip(weights), ip(out));
    for (int64_t i = 0; i < t * h; ++i)
      // Three fp32 stages over O(1) values: 1e-4 * (1 + |want|).
      ASSERT_NEAR(out[i], ref[i], 1e-4 * (1 + std::fabs(ref[i])))
          << (folded ? "folded " : "") << "token " << i / h << " col "
          << i % h;
  }
}

} // namespace
