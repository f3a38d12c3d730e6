/*===- ukernels.h - hand-written micro-kernels called by generated code ---===*
 *
 * Generated loops call these for their hot inner work (as IREE's ukernels).
 * Rules: no allocation but sy_rt_scratch (falling back to one allocation
 * per call outside a context), no libc beyond memset/memcpy/aligned_alloc, explicit strides (in
 * elements), row-major operands, a `flags` word for variants. Pointers are
 * passed as intptr_t because generated code computes them as integers.
 *===----------------------------------------------------------------------===*/
#ifndef SWITCHYARD_RUNTIME_UKERNELS_H
#define SWITCHYARD_RUNTIME_UKERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* C[M,N] = (flags & SY_UK_ACCUMULATE ? C : 0) + A[M,K] * B[K,N], fp32,
 * leading dimensions lda/ldb/ldc in elements. Runs on the current context's
 * thread pool (sy_rt_parallel_for) over tiles of rows x columns. */
enum {
  SY_UK_ACCUMULATE = 1,
  /* Use the portable C body even where a SIMD body exists (tests run both). */
  SY_UK_PORTABLE = 2
};
void sy_ukernel_sgemm(int64_t m, int64_t n, int64_t k, intptr_t a, int64_t lda,
                      intptr_t b, int64_t ldb, intptr_t c, int64_t ldc,
                      int64_t flags);

/* The single-threaded body over columns [n0, n1): exposed for tests and for
 * callers that parallelize themselves. */
void sy_ukernel_sgemm_panel(int64_t m, int64_t n0, int64_t n1, int64_t k,
                            const float *a, int64_t lda, const float *b,
                            int64_t ldb, float *c, int64_t ldc, int64_t flags);

/* Direct 2-D convolution, one image, unit strides, fp32:
 *   y[m][r][j] = (flags & SY_UK_ACCUMULATE ? y[m][r][j] : 0)
 *              + (bias ? bias[m] : 0)
 *              + sum_{c, u, v} w[m][c][u][v] * x[c][r + u*dh - pt][j + v*dw - pl]
 * for r < oh, j < ow, where x is [c][h][wd] and reads outside it are zero
 * (the padding: pt rows above, pl columns to the left; the bottom and right
 * padding follow from oh and ow). A GEMM over the implicit im2col matrix of
 * x: packed panels are gathered straight from x, so neither a padded copy
 * nor an im2col buffer is built. Threads over tiles of output channels x
 * output positions. */
void sy_ukernel_conv2d_s1(int64_t m, int64_t c, int64_t kh, int64_t kw,
                          int64_t oh, int64_t ow, int64_t dh, int64_t dw,
                          intptr_t w, intptr_t x, int64_t h, int64_t wd,
                          int64_t pt, int64_t pl, intptr_t bias, intptr_t y,
                          int64_t flags);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHYARD_RUNTIME_UKERNELS_H */
