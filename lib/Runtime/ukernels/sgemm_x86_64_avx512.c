/*===- sgemm_x86_64_avx512.c - fp32 GEMM body for AVX-512 -----------------===*
 *
 * MR x NR = 12 x 32 register block: 24 zmm accumulators, two zmm of a B row
 * and one broadcast of A per k step (28 of the 32 zmm registers); row tails
 * take 4-row blocks, then single rows. B is read in place (row-major rows are
 * contiguous along N, so no packing is needed), or, for the direct
 * convolution, through a table of row pointers; K is blocked by KC so the
 * B panel stays in L1. Column tails use masked loads/stores; row tails run
 * the same code with fewer rows.
 *===----------------------------------------------------------------------===*/
#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#define SY_TARGET __attribute__((target("avx512f,fma")))
enum { MR = 12, KC = 256 };

/* c[0..rows) x [j, j+32) (+)= a[rows x kc] * B[kc x 32]. B row p starts at
 * brows[p] when a row table is given (direct convolution), else at
 * b + p * ldb (GEMM); every caller passes one of them as a literal NULL, so
 * the inlined copies carry no branch. Masks cover the column tail; `rows`
 * is a compile-time constant at each call site. */
static inline SY_TARGET __attribute__((always_inline)) void
block(int rows, int64_t kc, const float *a, int64_t lda, const float *b,
      int64_t ldb, const float *const *brows, int64_t j, float *c,
      int64_t ldc, __mmask16 m0, __mmask16 m1, int load_c) {
  __m512 acc0[MR], acc1[MR];
  for (int r = 0; r < rows; ++r) {
    acc0[r] = load_c ? _mm512_maskz_loadu_ps(m0, c + r * ldc)
                     : _mm512_setzero_ps();
    acc1[r] = load_c ? _mm512_maskz_loadu_ps(m1, c + r * ldc + 16)
                     : _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < kc; ++p) {
    const float *bp = (brows ? brows[p] : b + p * ldb) + j;
    __m512 b0 = _mm512_maskz_loadu_ps(m0, bp);
    __m512 b1 = _mm512_maskz_loadu_ps(m1, bp + 16);
    for (int r = 0; r < rows; ++r) {
      __m512 av = _mm512_set1_ps(a[r * lda + p]);
      acc0[r] = _mm512_fmadd_ps(av, b0, acc0[r]);
      acc1[r] = _mm512_fmadd_ps(av, b1, acc1[r]);
    }
  }
  for (int r = 0; r < rows; ++r) {
    _mm512_mask_storeu_ps(c + r * ldc, m0, acc0[r]);
    _mm512_mask_storeu_ps(c + r * ldc + 16, m1, acc1[r]);
  }
}

/* One K block over columns [n0, n1) and all m rows: 12-row blocks, then
 * 4-row blocks, then single rows. */
static inline SY_TARGET __attribute__((always_inline)) void
kblock(int64_t m, int64_t n0, int64_t n1, int64_t kc, const float *a,
       int64_t lda, const float *b, int64_t ldb, const float *const *brows,
       float *c, int64_t ldc, int load_c) {
  for (int64_t j = n0; j < n1; j += 32) {
    int64_t cols = n1 - j;
    __mmask16 m0 = cols >= 16 ? 0xFFFF : (__mmask16)((1u << cols) - 1);
    __mmask16 m1 = cols >= 32   ? 0xFFFF
                   : cols <= 16 ? 0
                                : (__mmask16)((1u << (cols - 16)) - 1);
    int64_t i = 0;
    for (; i + MR <= m; i += MR)
      block(MR, kc, a + i * lda, lda, b, ldb, brows, j, c + i * ldc + j, ldc,
            m0, m1, load_c);
    for (; i + 4 <= m; i += 4)
      block(4, kc, a + i * lda, lda, b, ldb, brows, j, c + i * ldc + j, ldc,
            m0, m1, load_c);
    for (; i < m; ++i)
      block(1, kc, a + i * lda, lda, b, ldb, brows, j, c + i * ldc + j, ldc,
            m0, m1, load_c);
  }
}

/* GEMM: blocks K by KC so a B panel stays in L1. */
static SY_TARGET void panel(int64_t m, int64_t n0, int64_t n1, int64_t k,
                            const float *a, int64_t lda, const float *b,
                            int64_t ldb, float *c, int64_t ldc, int accumulate) {
  for (int64_t p0 = 0; p0 < k || p0 == 0; p0 += KC) {
    int64_t kc = k - p0 < KC ? k - p0 : KC;
    kblock(m, n0, n1, kc, a + p0, lda, b + p0 * ldb, ldb, NULL, c, ldc,
           accumulate || p0 > 0);
    if (k == 0)
      break;
  }
}

int sy_ukernel_sgemm_panel_avx512(int64_t m, int64_t n0, int64_t n1,
                                  int64_t k, const float *a, int64_t lda,
                                  const float *b, int64_t ldb, float *c,
                                  int64_t ldc, int64_t flags) {
  /* libgcc's cpu model is initialized by a constructor; reading it is cheap. */
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("fma"))
    return 0;
  panel(m, n0, n1, k, a, lda, b, ldb, c, ldc, (int)(flags & 1));
  return 1;
}

/* Direct convolution: one K block whose B rows come from a pointer table
 * (the caller blocks K and builds the table). */
static SY_TARGET void panel_rows(int64_t m, int64_t n0, int64_t n1, int64_t k,
                                 const float *a, int64_t lda,
                                 const float *const *brows, float *c,
                                 int64_t ldc, int accumulate) {
  kblock(m, n0, n1, k, a, lda, NULL, 0, brows, c, ldc, accumulate);
}

int sy_ukernel_sgemm_rows_avx512(int64_t m, int64_t n0, int64_t n1, int64_t k,
                                 const float *a, int64_t lda,
                                 const float *const *brows, float *c,
                                 int64_t ldc, int64_t flags) {
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("fma"))
    return 0;
  panel_rows(m, n0, n1, k, a, lda, brows, c, ldc, (int)(flags & 1));
  return 1;
}
