/*===- sgemm.c - fp32 GEMM: threading, dispatch and the portable body -----===*
 *
 * sy_gemm (gemm.h) cuts C into tiles of rows x columns, the work items of
 * the context's thread pool; each tile runs the AVX-512 body
 * (sgemm_x86_64_avx512.c) when the CPU has it, else this file's portable
 * body, which is also the reference the unit tests compare both against.
 *===----------------------------------------------------------------------===*/
#include "lib/Runtime/ModelDescriptor.h"
#include "lib/Runtime/ukernels/gemm.h"
#include "lib/Runtime/ukernels/ukernels.h"

#include <stddef.h>
#include <string.h>

/* Work items are tiles of C, taken from the pool's shared counter: about
 * kItemsPerThread per thread, so that a thread slowed down (on a VM, by
 * its neighbours: a core's speed swings by a third here) leaves its last
 * tiles to the others instead of holding up the whole product. Rows are
 * cut first, in multiples of the 12-row register block and no shorter than
 * kMinTileRows: a row tile only re-reads B (packed or streamed from L2),
 * where a column tile re-packs its rows of A. Columns are cut at multiples
 * of the 32-column panel (a prepacked B is addressable only there), at most
 * kMaxTileCols wide (the SIMD body's A block stays in L2 across them) and
 * no narrower than kMinTileCols. */
enum {
  kItemsPerThread = 4,
  kMaxTileCols = 512,
  kMinTileCols = 64,
  kMinTileRows = 48
};

/* A[i][p], row-major or as micro-panels (gemm.h; lda is K then). */
static inline float aAt(const float *a, int64_t lda, int64_t flags, int64_t i,
                        int64_t p) {
  if (!(flags & SY_UK_A_PANELS))
    return a[i * lda + p];
  const int64_t R = SY_GEMM_A_ROWS;
  return a[(i / R) * R * lda + p * R + i % R];
}

static void gemmPortable(int64_t m, int64_t n0, int64_t n1, int64_t k,
                         const float *a, int64_t lda, const sy_gemm_b *b,
                         const float *bias, float *c, int64_t ldc,
                         int64_t flags) {
  for (int64_t i = 0; i < m; ++i) {
    float *crow = c + i * ldc;
    if (!(flags & SY_UK_ACCUMULATE))
      memset(crow + n0, 0, (size_t)(n1 - n0) * sizeof(float));
    if (bias)
      for (int64_t j = n0; j < n1; ++j)
        crow[j] += bias[i];
    for (int64_t p = 0; p < k; ++p) {
      float av = aAt(a, lda, flags, i, p);
      if (b->kw == 0 && b->panel_k == 0 && !b->scale) {
        const float *brow = b->data + p * b->ld;
        for (int64_t j = n0; j < n1; ++j)
          crow[j] += av * brow[j];
      } else {
        for (int64_t j = n0; j < n1; ++j)
          crow[j] += av * sy_gemm_b_get(b, p, j);
      }
    }
  }
}

void sy_gemm_block_with(int64_t m, int64_t n0, int64_t n1, int64_t k,
                        const float *a, int64_t lda, const sy_gemm_b *b,
                        const float *bias, float *c, int64_t ldc,
                        int64_t flags, float *scratch) {
  if (m <= 0 || n1 <= n0)
    return;
  if (!(flags & SY_UK_PORTABLE) &&
      sy_gemm_block_avx512(m, n0, n1, k, a, lda, b, bias, c, ldc, flags,
                           scratch))
    return;
  gemmPortable(m, n0, n1, k, a, lda, b, bias, c, ldc, flags);
}

void sy_gemm_block(int64_t m, int64_t n0, int64_t n1, int64_t k,
                   const float *a, int64_t lda, const sy_gemm_b *b,
                   const float *bias, float *c, int64_t ldc, int64_t flags) {
  sy_gemm_block_with(m, n0, n1, k, a, lda, b, bias, c, ldc, flags, NULL);
}

typedef struct {
  int64_t m, n, k, lda, ldc, flags, tileRows, tileCols, colTiles;
  const float *a;
  const sy_gemm_b *b;
  const float *bias;
  float *c;
} gemm_job;

static void gemmTiles(void *env, int64_t begin, int64_t end) {
  const gemm_job *j = (const gemm_job *)env;
  for (int64_t t = begin; t < end; ++t) {
    int64_t i0 = (t / j->colTiles) * j->tileRows;
    int64_t n0 = (t % j->colTiles) * j->tileCols;
    int64_t rows = j->m - i0 < j->tileRows ? j->m - i0 : j->tileRows;
    int64_t n1 = n0 + j->tileCols < j->n ? n0 + j->tileCols : j->n;
    sy_gemm_block(rows, n0, n1, j->k, j->a + i0 * j->lda, j->lda, j->b,
              j->bias ? j->bias + i0 : NULL, j->c + i0 * j->ldc, j->ldc,
              j->flags);
  }
}

void sy_gemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
             const sy_gemm_b *b, const float *bias, float *c, int64_t ldc,
             int64_t flags) {
  if (m <= 0 || n <= 0)
    return;
  /* Small problems are not worth waking the pool. */
  if ((double)m * (double)n * (double)k < 65536.0) {
    sy_gemm_block(m, 0, n, k, a, lda, b, bias, c, ldc, flags);
    return;
  }
  int64_t threads = sy_rt_num_threads();
  int64_t target = threads > 1 ? kItemsPerThread * threads : 1;
  /* A as micro-panels is read in place, not copied per tile: column
   * tiles then cost nothing, and are cut first, so that each B panel is
   * packed once and used by every row. */
  const int panelsA = (flags & SY_UK_A_PANELS) != 0;
  int64_t rowTiles = 1, colTiles = (n + kMaxTileCols - 1) / kMaxTileCols;
  while (rowTiles * colTiles < target) {
    int rows = (m + 2 * rowTiles - 1) / (2 * rowTiles) >= kMinTileRows;
    int cols = (n + 2 * colTiles - 1) / (2 * colTiles) >= kMinTileCols;
    if (rows && !(panelsA && cols))
      rowTiles *= 2;
    else if (cols)
      colTiles *= 2;
    else
      break;
  }
  int64_t tileRows = (m + rowTiles - 1) / rowTiles;
  tileRows = (tileRows + 11) / 12 * 12;
  rowTiles = (m + tileRows - 1) / tileRows;
  int64_t tileCols = (n + colTiles - 1) / colTiles;
  tileCols = (tileCols + SY_GEMM_PANEL - 1) / SY_GEMM_PANEL * SY_GEMM_PANEL;
  colTiles = (n + tileCols - 1) / tileCols;
  gemm_job job = {m,        n,        k,        lda, ldc, flags, tileRows,
                  tileCols, colTiles, a,        b,   bias, c};
  sy_rt_parallel_for(rowTiles * colTiles, gemmTiles, &job);
}

void sy_ukernel_sgemm(int64_t m, int64_t n, int64_t k, intptr_t a, int64_t lda,
                      intptr_t b, int64_t ldb, intptr_t c, int64_t ldc,
                      int64_t flags) {
  sy_gemm_b bm = {(const float *)b, ldb, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, 0};
  sy_gemm(m, n, k, (const float *)a, lda, &bm, NULL, (float *)c, ldc, flags);
}

void sy_ukernel_sgemm_prepacked(int64_t m, int64_t n, int64_t k, intptr_t a,
                                int64_t lda, intptr_t b, intptr_t c,
                                int64_t ldc, int64_t flags) {
  sy_gemm_b bm = {(const float *)b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, k, NULL, NULL, 0};
  sy_gemm(m, n, k, (const float *)a, lda, &bm, NULL, (float *)c, ldc, flags);
}

void sy_ukernel_sgemm_panel(int64_t m, int64_t n0, int64_t n1, int64_t k,
                            const float *a, int64_t lda, const float *b,
                            int64_t ldb, float *c, int64_t ldc,
                            int64_t flags) {
  sy_gemm_b bm = {b, ldb, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, 0};
  sy_gemm_block(m, n0, n1, k, a, lda, &bm, NULL, c, ldc, flags);
}
