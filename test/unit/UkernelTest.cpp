//===- UkernelTest.cpp - the runtime's micro-kernels ----------------------===//
//
// sy_ukernel_sgemm and sy_ukernel_sgemm_prepacked (B laid out here as the
// 32-column panels ukernels.h describes; A also as the 12-row micro-panels
// of SY_UK_A_PANELS) against a float64 triple loop written here, over shapes
// that hit every tail of the 12 x 32 register block, the K blocking of both
// forms and more than one column tile, with and without accumulation,
// strided (lda/ldb/ldc larger than the row). The convolution kernels against
// a float64 direct convolution, with plain and micro-panel filters.
//
//===----------------------------------------------------------------------===//

#include "lib/Runtime/ModelDescriptor.h"
#include "lib/Runtime/ukernels/gemm.h"
#include "lib/Runtime/ukernels/ukernels.h"
#include "lib/Runtime/ukernels/winograd.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

// The runtime archive expects one model descriptor per binary.
extern "C" {
static int32_t noEntry(void *const *, void *const *, const int64_t *) {
  return 0;
}
__attribute__((visibility("hidden"))) const sy_model_descriptor sy_model = {
    "ukernel_test", 0, nullptr, 0, nullptr, noEntry};
}

namespace {

struct Case {
  int64_t m, n, k;
  int64_t padA, padB, padC; // extra elements per row
  bool accumulate;
};

enum class BLayout { RowMajor, Prepacked };

/// Every case runs twice: the SIMD body (when the CPU has one) and the
/// portable C body, which would otherwise go untested on this machine.
void runCase(const Case &cs, bool threaded, int64_t extraFlags,
             BLayout layout);
void runCase(const Case &cs, bool threaded,
             BLayout layout = BLayout::RowMajor) {
  runCase(cs, threaded, 0, layout);
  runCase(cs, threaded, SY_UK_PORTABLE, layout);
}

/// B (k x n, leading dimension ldb) as panels [ceil(n/32)][k][32], zero past
/// column n: the layout sy_ukernel_sgemm_prepacked documents.
std::vector<float> packPanels(const std::vector<float> &b, int64_t k,
                              int64_t n, int64_t ldb) {
  int64_t panels = (n + 31) / 32;
  std::vector<float> out(panels * k * 32, 0.f);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t p = 0; p < k; ++p)
      out[((j / 32) * k + p) * 32 + j % 32] = b[p * ldb + j];
  return out;
}

/// A (m x k, leading dimension lda) as 12-row micro-panels: row i, column p
/// at [(i / 12) * 12 * k + p * 12 + i % 12], zero past row m (the layout
/// SY_UK_A_PANELS documents).
std::vector<float> packAPanels(const float *a, int64_t m, int64_t k,
                               int64_t lda) {
  int64_t rows = (m + 11) / 12 * 12;
  std::vector<float> out(rows * k, 0.f);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = 0; p < k; ++p)
      out[(i / 12) * 12 * k + p * 12 + i % 12] = a[i * lda + p];
  return out;
}

void runCase(const Case &cs, bool threaded, int64_t extraFlags,
             BLayout layout) {
  std::mt19937 gen(cs.m * 131 + cs.n * 17 + cs.k);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  int64_t lda = cs.k + cs.padA, ldb = cs.n + cs.padB, ldc = cs.n + cs.padC;
  std::vector<float> a(cs.m * lda), b(cs.k * ldb), c(cs.m * ldc);
  for (float &v : a) v = dist(gen);
  for (float &v : b) v = dist(gen);
  for (float &v : c) v = dist(gen);
  std::vector<float> c0 = c;

  sy_context *ctx = nullptr;
  if (threaded) {
    ASSERT_EQ(sy_rt_create(&ctx, 2), SY_OK);
    // The pool is used inside run(); outside it sy_ukernel_sgemm runs
    // serially, which is what a direct call here exercises.
  }
  int64_t flags = (cs.accumulate ? SY_UK_ACCUMULATE : 0) | extraFlags;
  // A as micro-panels: lda is then k.
  std::vector<float> aPanels;
  const float *aArg = a.data();
  int64_t ldaArg = lda;
  if (flags & SY_UK_A_PANELS) {
    aPanels = packAPanels(a.data(), cs.m, cs.k, lda);
    aArg = aPanels.data();
    ldaArg = cs.k;
  }
  if (layout == BLayout::Prepacked) {
    std::vector<float> panels = packPanels(b, cs.k, cs.n, ldb);
    sy_ukernel_sgemm_prepacked(
        cs.m, cs.n, cs.k, reinterpret_cast<intptr_t>(aArg), ldaArg,
        reinterpret_cast<intptr_t>(panels.data()),
        reinterpret_cast<intptr_t>(c.data()), ldc, flags);
  } else {
    sy_ukernel_sgemm(cs.m, cs.n, cs.k, reinterpret_cast<intptr_t>(aArg),
                     ldaArg, reinterpret_cast<intptr_t>(b.data()), ldb,
                     reinterpret_cast<intptr_t>(c.data()), ldc, flags);
  }
  if (ctx)
    sy_rt_destroy(ctx);

  for (int64_t i = 0; i < cs.m; ++i) {
    for (int64_t j = 0; j < ldc; ++j) {
      float got = c[i * ldc + j];
      if (j >= cs.n) { // padding columns are never written
        ASSERT_EQ(got, c0[i * ldc + j]) << "padding written at " << i << "," << j;
        continue;
      }
      double want = cs.accumulate ? c0[i * ldc + j] : 0.0;
      double mag = std::fabs(want);
      for (int64_t p = 0; p < cs.k; ++p) {
        want += double(a[i * lda + p]) * double(b[p * ldb + j]);
        mag += std::fabs(double(a[i * lda + p]) * double(b[p * ldb + j]));
      }
      // fp32 accumulation: error bound proportional to the sum of |terms|.
      ASSERT_NEAR(got, want, 1e-6 * (cs.k + 1) * (mag + 1))
          << (layout == BLayout::Prepacked ? "prepacked " : "")
          << (extraFlags & SY_UK_A_PANELS ? "A panels " : "")
          << (extraFlags & SY_UK_PORTABLE ? "portable " : "") << "m=" << cs.m << " n=" << cs.n << " k=" << cs.k << " at " << i
          << "," << j;
    }
  }
}

// Row and column tails of the register block, K of 0, 1 and past a K block.
const Case kShapesAndTails[] = {
    {1, 1, 1, 0, 0, 0, false},     {8, 32, 16, 0, 0, 0, false},
    {9, 33, 17, 0, 0, 0, false},   {7, 15, 5, 0, 0, 0, true},
    {16, 64, 256, 0, 0, 0, false}, {17, 70, 300, 3, 5, 7, true},
    {3, 100, 513, 1, 2, 3, false}, {64, 96, 1, 0, 0, 0, true},
    {5, 7, 0, 0, 0, 0, false},     {5, 7, 0, 0, 0, 0, true},
};

TEST(Sgemm, ShapesAndTails) {
  for (const Case &cs : kShapesAndTails)
    runCase(cs, false);
}

// The prepacked form: every tail again, K past the 128 rows of its K block
// (300, 513), and then several column tiles (n = 600: 320 + 280 columns)
// and the row-tile shapes the pool's tiling cuts (132 of 512 rows).
TEST(Sgemm, PrepackedShapesAndTails) {
  for (const Case &cs : kShapesAndTails)
    runCase(cs, false, BLayout::Prepacked);
  const Case tiles[] = {
      {13, 600, 200, 0, 0, 4, false}, {132, 160, 129, 0, 0, 0, true},
  };
  for (const Case &cs : tiles)
    runCase(cs, false, BLayout::Prepacked);
}

// A as micro-panels (the convolutions' constant filters): every tail
// again, with either form of B; then shapes the pool cuts into column tiles
// only (132 rows in one tile) and into rows too (n too narrow to split).
TEST(Sgemm, APanelsShapesAndTails) {
  for (BLayout layout : {BLayout::RowMajor, BLayout::Prepacked})
    for (const Case &cs : kShapesAndTails)
      for (int64_t flags : {int64_t(SY_UK_A_PANELS), int64_t(SY_UK_A_PANELS | SY_UK_PORTABLE)})
        runCase(cs, false, flags, layout);
  const Case tiles[] = {
      {132, 600, 300, 0, 0, 4, false}, {200, 64, 129, 5, 0, 0, true},
  };
  for (const Case &cs : tiles)
    for (int64_t flags : {int64_t(SY_UK_A_PANELS), int64_t(SY_UK_A_PANELS | SY_UK_PORTABLE)})
      runCase(cs, true, flags, BLayout::RowMajor);
}

// The runtime's packer (which the compiler calls for constant filters)
// writes the documented layout.
TEST(Sgemm, APanelsPacker) {
  for (int64_t m : {1, 12, 13, 30})
    for (int64_t k : {1, 7, 40}) {
      int64_t lda = k + 3;
      std::vector<float> a(m * lda);
      for (size_t i = 0; i < a.size(); ++i)
        a[i] = float(i) * 0.5f - 3.f;
      std::vector<float> want = packAPanels(a.data(), m, k, lda);
      ASSERT_EQ(int64_t(want.size()), sy_gemm_a_panels_floats(m, k));
      std::vector<float> got(want.size(), 42.f);
      sy_gemm_pack_a_panels(m, k, a.data(), lda, got.data());
      EXPECT_EQ(got, want) << "m=" << m << " k=" << k;
    }
}

TEST(Sgemm, LargeEnoughToThread) {
  runCase({65, 257, 129, 0, 0, 0, false}, true);
  runCase({128, 512, 256, 4, 4, 4, true}, true);
}

} // namespace

namespace {

/// sy_ukernel_conv2d_s1 (or sy_ukernel_conv2d_winograd, for 3x3 filters
/// transformed by winograd.h) against a float64 direct convolution over the
/// zero-padded input (padding pt/pl/pb/pr around an h x wd image), with or
/// without a bias, accumulating onto a random initial y or overwriting it.
struct ConvCase {
  int64_t m, c, kh, kw, dh, dw, h, wd, pt, pl, pb, pr;
  bool bias, accumulate;
};

enum class ConvKernel { Direct, Winograd, WinogradF43 };

void runConvOnce(const ConvCase &cs, bool threaded, int64_t extraFlags,
                 ConvKernel kernel) {
  const bool panels = (extraFlags & SY_UK_A_PANELS) != 0;
  int64_t oh = cs.h + cs.pt + cs.pb - (cs.kh - 1) * cs.dh;
  int64_t ow = cs.wd + cs.pl + cs.pr - (cs.kw - 1) * cs.dw;
  ASSERT_GT(oh, 0);
  ASSERT_GT(ow, 0);
  std::mt19937 gen(cs.m * 7 + cs.c * 3 + cs.h + cs.pt);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> w(cs.m * cs.c * cs.kh * cs.kw), x(cs.c * cs.h * cs.wd),
      y(cs.m * oh * ow), biasValues(cs.m);
  for (float &v : w) v = dist(gen);
  for (float &v : x) v = dist(gen);
  for (float &v : y) v = dist(gen);
  for (float &v : biasValues) v = dist(gen);
  std::vector<float> y0 = y;
  sy_context *ctx = nullptr;
  if (threaded)
    ASSERT_EQ(sy_rt_create(&ctx, 2), SY_OK);
  intptr_t bias =
      cs.bias ? reinterpret_cast<intptr_t>(biasValues.data()) : 0;
  int64_t flags = (cs.accumulate ? SY_UK_ACCUMULATE : 0) | extraFlags;
  // The Winograd transforms add rounding of a few ulps per term.
  double errorScale = 1e-6;
  if (kernel != ConvKernel::Direct) {
    ASSERT_TRUE(cs.kh == 3 && cs.kw == 3 && cs.dh == 1 && cs.dw == 1);
    const bool f43 = kernel == ConvKernel::WinogradF43;
    const int points = f43 ? SY_WINOGRAD_F43_POINTS : SY_WINOGRAD_POINTS;
    std::vector<float> u(points * cs.m * cs.c);
    if (f43)
      sy_winograd_f43_weights(cs.m, cs.c, w.data(), u.data());
    else
      sy_winograd_f23_weights(cs.m, cs.c, w.data(), u.data());
    if (panels) { // each point's [m][c] matrix as micro-panels
      std::vector<float> up;
      for (int xi = 0; xi < points; ++xi) {
        std::vector<float> one =
            packAPanels(u.data() + xi * cs.m * cs.c, cs.m, cs.c, cs.c);
        up.insert(up.end(), one.begin(), one.end());
      }
      u = up;
    }
    (f43 ? sy_ukernel_conv2d_winograd_f43 : sy_ukernel_conv2d_winograd)(
        cs.m, cs.c, oh, ow, reinterpret_cast<intptr_t>(u.data()),
        reinterpret_cast<intptr_t>(x.data()), cs.h, cs.wd, cs.pt, cs.pl, bias,
        reinterpret_cast<intptr_t>(y.data()), flags);
    // F(4x4, 3x3)'s transforms scale terms by up to 8 (B^T, A^T) and 1/24
    // (G): a few times more rounding than F(2x2, 3x3)'s.
    errorScale = f43 ? 1.6e-5 : 4e-6;
  } else {
    int64_t k = cs.c * cs.kh * cs.kw;
    std::vector<float> wp =
        panels ? packAPanels(w.data(), cs.m, k, k) : std::vector<float>();
    sy_ukernel_conv2d_s1(cs.m, cs.c, cs.kh, cs.kw, oh, ow, cs.dh, cs.dw,
                         reinterpret_cast<intptr_t>(panels ? wp.data()
                                                           : w.data()),
                         reinterpret_cast<intptr_t>(x.data()), cs.h, cs.wd,
                         cs.pt, cs.pl, bias,
                         reinterpret_cast<intptr_t>(y.data()), flags);
  }
  if (ctx)
    sy_rt_destroy(ctx);
  for (int64_t mi = 0; mi < cs.m; ++mi)
    for (int64_t r = 0; r < oh; ++r)
      for (int64_t j = 0; j < ow; ++j) {
        double want = (cs.accumulate ? y0[(mi * oh + r) * ow + j] : 0.0) +
                      (cs.bias ? biasValues[mi] : 0.0);
        double mag = std::fabs(want);
        for (int64_t ci = 0; ci < cs.c; ++ci)
          for (int64_t u = 0; u < cs.kh; ++u)
            for (int64_t v = 0; v < cs.kw; ++v) {
              int64_t iy = r + u * cs.dh - cs.pt, ix = j + v * cs.dw - cs.pl;
              if (iy < 0 || iy >= cs.h || ix < 0 || ix >= cs.wd)
                continue;
              double t =
                  double(w[((mi * cs.c + ci) * cs.kh + u) * cs.kw + v]) *
                  double(x[(ci * cs.h + iy) * cs.wd + ix]);
              want += t;
              mag += std::fabs(t);
            }
        ASSERT_NEAR(y[(mi * oh + r) * ow + j], want,
                    errorScale * (cs.c * cs.kh * cs.kw + 1) * (mag + 1))
            << (panels ? "A panels " : "") << "m=" << mi << " r=" << r
            << " j=" << j;
      }
}

/// SIMD and portable bodies (or transforms, for Winograd) alike, with the
/// filters as given and as micro-panels.
void runConv(const ConvCase &cs, bool threaded,
             ConvKernel kernel = ConvKernel::Direct) {
  for (int64_t flags : {int64_t(0), int64_t(SY_UK_PORTABLE),
                        int64_t(SY_UK_A_PANELS),
                        int64_t(SY_UK_A_PANELS | SY_UK_PORTABLE)})
    runConvOnce(cs, threaded, flags, kernel);
}

TEST(Conv2D, ShapesTailsDilations) {
  // m, c, kh, kw, dh, dw, h, wd, pt, pl, pb, pr, bias, accumulate
  runConv({1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, false, true}, false);
  runConv({13, 3, 3, 3, 1, 1, 9, 40, 0, 0, 0, 0, false, true}, false);
  runConv({8, 5, 3, 2, 2, 3, 11, 17, 0, 0, 0, 0, true, false}, false);
  runConv({4, 40, 3, 3, 1, 1, 6, 6, 0, 0, 0, 0, false, false}, false);
  // 1x1 filters: unpadded ones run as a plain GEMM over x ([c][h*wd], more
  // than one 512-column tile here); a padded one keeps the implicit form.
  runConv({20, 24, 1, 1, 1, 1, 30, 41, 0, 0, 0, 0, true, true}, false);
  runConv({7, 9, 1, 1, 1, 1, 5, 6, 1, 0, 2, 1, true, false}, false);
}

TEST(Conv2D, Padding) {
  // Symmetric "same" padding, output rows shorter than a register block.
  runConv({13, 3, 3, 3, 1, 1, 9, 9, 1, 1, 1, 1, true, false}, false);
  // Asymmetric and large padding (whole output rows/columns of padding),
  // dilation, rows that cross a 32-column panel.
  runConv({5, 4, 3, 5, 2, 1, 7, 30, 3, 0, 1, 6, false, true}, false);
  runConv({16, 2, 7, 7, 1, 1, 5, 5, 3, 3, 3, 3, true, true}, false);
  // A kernel wider than the packer's mask table (16 columns).
  runConv({3, 2, 1, 17, 1, 1, 3, 40, 0, 8, 0, 8, false, false}, false);
}

TEST(Conv2D, Threaded) {
  runConv({16, 16, 3, 3, 1, 1, 30, 58, 1, 1, 1, 1, true, false}, true);
}

/// sy_ukernel_conv2d_1x1_affine: y = W x relu?(scale * x + shift) (+ bias,
/// + y) against float64, in every combination of ReLU, A panels, the
/// portable body, bias and accumulation; the shifts make a good share of
/// the inputs negative, so ReLU changes the result.
void runConv1x1Affine(int64_t m, int64_t c, int64_t hw) {
  std::mt19937 gen(m * 5 + c * 11 + hw);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> w(m * c), x(c * hw), scale(c), shift(c), bias(m),
      y0(m * hw);
  for (float &v : w) v = dist(gen);
  for (float &v : x) v = dist(gen);
  for (float &v : scale) v = 2.f * dist(gen);
  for (float &v : shift) v = 0.5f * dist(gen);
  for (float &v : bias) v = dist(gen);
  for (float &v : y0) v = dist(gen);
  std::vector<float> wp = packAPanels(w.data(), m, c, c);
  for (int64_t relu : {0, 1})
    for (int64_t panels : {0, 1})
      for (int64_t portable : {0, 1})
        for (int64_t accumulate : {0, 1}) {
          int64_t flags = (relu ? SY_UK_INPUT_RELU : 0) |
                          (panels ? SY_UK_A_PANELS : 0) |
                          (portable ? SY_UK_PORTABLE : 0) |
                          (accumulate ? SY_UK_ACCUMULATE : 0);
          std::vector<float> y = y0;
          sy_ukernel_conv2d_1x1_affine(
              m, c, hw,
              reinterpret_cast<intptr_t>(panels ? wp.data() : w.data()),
              reinterpret_cast<intptr_t>(x.data()),
              reinterpret_cast<intptr_t>(scale.data()),
              reinterpret_cast<intptr_t>(shift.data()),
              accumulate ? 0 : reinterpret_cast<intptr_t>(bias.data()),
              reinterpret_cast<intptr_t>(y.data()), flags);
          for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < hw; ++j) {
              double want = accumulate ? y0[i * hw + j] : bias[i];
              double mag = std::fabs(want);
              for (int64_t ch = 0; ch < c; ++ch) {
                double v = double(scale[ch]) * x[ch * hw + j] + shift[ch];
                if (relu && v < 0)
                  v = 0;
                want += double(w[i * c + ch]) * v;
                mag += std::fabs(double(w[i * c + ch]) * v);
              }
              ASSERT_NEAR(y[i * hw + j], want, 1e-6 * (c + 1) * (mag + 1))
                  << "flags=" << flags << " m=" << i << " j=" << j;
            }
        }
}

TEST(Conv2D, OneByOneWithInputAffine) {
  runConv1x1Affine(1, 1, 1);
  runConv1x1Affine(13, 7, 45);    // row and column tails
  runConv1x1Affine(24, 300, 100); // more than one K block
}

/// Winograd F(2x2, 3x3) and F(4x4, 3x3), on the same cases.
void runWinograd(const ConvCase &cs, bool threaded) {
  runConv(cs, threaded, ConvKernel::Winograd);
  runConv(cs, threaded, ConvKernel::WinogradF43);
}

TEST(Conv2DWinograd, ShapesAndPadding) {
  // m, c, kh, kw, dh, dw, h, wd, pt, pl, pb, pr, bias, accumulate
  // "Same" padding, even sizes: 16 x 16 tiles, whole panels.
  runWinograd({16, 16, 3, 3, 1, 1, 32, 32, 1, 1, 1, 1, true, false}, false);
  // Odd output sizes (the last tile row and column are half outside),
  // rows of tiles that end inside a 16-tile vector.
  runWinograd({13, 5, 3, 3, 1, 1, 9, 7, 1, 1, 1, 1, false, true}, false);
  // No padding; one tile per row (every lane its own row segment).
  runWinograd({8, 3, 3, 3, 1, 1, 17, 3, 0, 0, 0, 0, true, true}, false);
  // Asymmetric and large padding: whole tiles of padding.
  runWinograd({5, 4, 3, 3, 1, 1, 7, 30, 3, 0, 1, 6, true, false}, false);
  // One channel; a single output position.
  runWinograd({1, 1, 3, 3, 1, 1, 3, 3, 0, 0, 0, 0, true, true}, false);
}

TEST(Conv2DWinograd, ManyBlocks) {
  // Called outside a run, the kernel takes its blocks one after another;
  // e2e/matmul_conv.py's Winograd cases run them on the pool.
  // More tiles than one block holds (blocks of at most 256 tiles).
  runWinograd({4, 4, 3, 3, 1, 1, 64, 70, 1, 1, 1, 1, true, false}, false);
  // More channels than one K block of the GEMM (128).
  runWinograd({24, 130, 3, 3, 1, 1, 12, 12, 1, 1, 1, 1, false, false}, false);
  runWinograd({32, 16, 3, 3, 1, 1, 30, 58, 1, 1, 1, 1, true, true}, true);
}

} // namespace
