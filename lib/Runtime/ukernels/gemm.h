/*===- gemm.h - the fp32 GEMM shared by sgemm and conv2d (private) -------===*
 *
 * C[m x n] (+)= A[m x k] * B[k x n] where A and C are row-major with leading
 * dimensions and B is read through a description (sy_gemm_b): either a
 * row-major matrix, or the implicit im2col matrix of a unit-stride
 * convolution over an already padded input, whose element (p, j) is
 *   x[ch][r + u*dh - pt][col + v*dw - pl],  p = (ch*kh + u)*kw + v,
 *   j = r*ow + col  (zero outside x: the convolution's padding).
 * The SIMD body packs B panels (and A micro-panels) before its register
 * blocks run, so both forms share one micro-kernel; the implicit form never
 * materializes the im2col matrix.
 *===----------------------------------------------------------------------===*/
#ifndef SWITCHYARD_RUNTIME_UKERNELS_GEMM_H
#define SWITCHYARD_RUNTIME_UKERNELS_GEMM_H

#include <stddef.h>
#include <stdint.h>

typedef struct sy_gemm_b {
  const float *data;
  int64_t ld; /* row-major form: B[p][j] = data[p * ld + j] */
  /* Implicit im2col form when kw > 0: data is x ([c][h][w], unpadded);
   * positions outside x (the zero padding, pt rows above and pl columns to
   * the left) read as zero. */
  int64_t kh, kw, dh, dw, h, w, pt, pl, ow;
  /* Prepacked form when panel_k > 0 (kw and ld unused): data holds the
   * 32-column panels the SIMD body would pack, [ceil(n / 32)][panel_k][32],
   * zero past the last column, so B is read as one contiguous stream
   * (constant weights are laid out so at compile time). Column blocks must
   * then start at multiples of 32. */
  int64_t panel_k;
  /* Row-major form only: when scale is set, B[p][j] reads as
   * scale[p] * B[p][j] + shift[p], then max(., 0) when relu is set (a
   * normalization and ReLU of a convolution's input channels, applied as
   * the panels are packed instead of in a pass of their own). */
  const float *scale, *shift;
  int64_t relu;
} sy_gemm_b;

enum { SY_GEMM_PANEL = 32 };

/* A as 12-row micro-panels (SY_UK_A_PANELS): row i, column p of an M x K
 * matrix at a[(i / 12) * 12 * K + p * 12 + i % 12], zero past row M. The
 * SIMD body's register block reads 12 rows of A per k step, so a panel is
 * one contiguous stream, and a row block starting at a multiple of 12 (the
 * only place tiles start) begins at a + i * K: such callers pass lda = K. */
enum { SY_GEMM_A_ROWS = 12 };

static inline int64_t sy_gemm_a_panels_floats(int64_t m, int64_t k) {
  return (m + SY_GEMM_A_ROWS - 1) / SY_GEMM_A_ROWS * SY_GEMM_A_ROWS * k;
}

/* Lays out the row-major M x K matrix a (leading dimension lda) as
 * micro-panels in out (sy_gemm_a_panels_floats(m, k) floats). */
static inline void sy_gemm_pack_a_panels(int64_t m, int64_t k, const float *a,
                                         int64_t lda, float *out) {
  const int64_t R = SY_GEMM_A_ROWS;
  for (int64_t i0 = 0; i0 < m; i0 += R, out += R * k)
    for (int64_t p = 0; p < k; ++p)
      for (int64_t r = 0; r < R; ++r)
        out[p * R + r] = i0 + r < m ? a[(i0 + r) * lda + p] : 0.f;
}

/* Bits [lo, hi) of a 32-bit lane mask (a panel row's lanes, or the 32
 * floats of two 16-lane loads), the range clamped to [0, 32). */
static inline uint32_t sy_lane_range(int64_t lo, int64_t hi) {
  lo = lo < 0 ? 0 : lo;
  hi = hi > 32 ? 32 : hi;
  if (hi <= lo)
    return 0;
  uint32_t below = hi == 32 ? 0xFFFFFFFFu : (1u << hi) - 1;
  return below & ~((1u << lo) - 1);
}

/* B[p][j] in both forms, for the portable body. */
static inline float sy_gemm_b_get(const sy_gemm_b *b, int64_t p, int64_t j) {
  if (b->panel_k > 0)
    return b->data[((j / SY_GEMM_PANEL) * b->panel_k + p) * SY_GEMM_PANEL +
                   j % SY_GEMM_PANEL];
  if (b->kw == 0) {
    float v = b->data[p * b->ld + j];
    if (b->scale) {
      v = b->scale[p] * v + b->shift[p];
      v = b->relu && v < 0.f ? 0.f : v; /* NaN stays NaN */
    }
    return v;
  }
  int64_t v = p % b->kw, u = (p / b->kw) % b->kh, ch = p / (b->kw * b->kh);
  int64_t iy = j / b->ow + u * b->dh - b->pt;
  int64_t ix = j % b->ow + v * b->dw - b->pl;
  if (iy < 0 || iy >= b->h || ix < 0 || ix >= b->w)
    return 0.f;
  return b->data[(ch * b->h + iy) * b->w + ix];
}

/* Floats of packing buffer the SIMD body works in (sy_gemm_block_with). */
size_t sy_gemm_scratch_floats(void);

/* Rows [0, m) x columns [n0, n1) of C, single-threaded; `bias` (NULL for
 * none) holds one value per row of C, added once. Packs into `scratch`
 * (64-byte aligned, sy_gemm_scratch_floats() floats), or when it is NULL
 * into this thread's sy_rt_scratch. Returns 0 (and does nothing) when the
 * CPU lacks AVX-512 or no scratch memory could be had. */
int sy_gemm_block_avx512(int64_t m, int64_t n0, int64_t n1, int64_t k,
                         const float *a, int64_t lda, const sy_gemm_b *b,
                         const float *bias, float *c, int64_t ldc,
                         int64_t flags, float *scratch);

/* Rows [0, m) x columns [n0, n1) of C on the calling thread: the SIMD body
 * when the CPU has it, else the portable one. For callers that build their
 * own work items (the grouped GEMM of moe.c). */
void sy_gemm_block(int64_t m, int64_t n0, int64_t n1, int64_t k,
                   const float *a, int64_t lda, const sy_gemm_b *b,
                   const float *bias, float *c, int64_t ldc, int64_t flags);

/* sy_gemm_block with the SIMD body's packing buffers at `scratch`, for a
 * caller that holds this thread's sy_rt_scratch itself (conv2d_winograd.c
 * keeps its transformed tiles there too). */
void sy_gemm_block_with(int64_t m, int64_t n0, int64_t n1, int64_t k,
                        const float *a, int64_t lda, const sy_gemm_b *b,
                        const float *bias, float *c, int64_t ldc,
                        int64_t flags, float *scratch);

/* The whole product on the current context's pool: tiles of rows x columns
 * as work items, each through the SIMD body or the portable one. */
void sy_gemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
             const sy_gemm_b *b, const float *bias, float *c, int64_t ldc,
             int64_t flags);

#endif /* SWITCHYARD_RUNTIME_UKERNELS_GEMM_H */
