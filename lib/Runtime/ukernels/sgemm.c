/*===- sgemm.c - fp32 GEMM micro-kernel: dispatch and portable body -------===*
 *
 * Blocking: K in blocks of KC so an NR-column panel of B (KC x NR floats)
 * stays in L1 while MR-row blocks of A stream past it; C is updated in place
 * once per K block. The AVX-512 body (sgemm_x86_64_avx512.c) is chosen at run
 * time when the CPU has it; this file's portable body is the fallback and
 * the reference the unit test compares both against.
 *===----------------------------------------------------------------------===*/
#include "lib/Runtime/ModelDescriptor.h"
#include "lib/Runtime/ukernels/ukernels.h"

#include <stddef.h>
#include <string.h>

/* Defined in sgemm_x86_64_avx512.c; each returns 0 when the CPU lacks
 * AVX-512. */
int sy_ukernel_sgemm_panel_avx512(int64_t m, int64_t n0, int64_t n1,
                                  int64_t k, const float *a, int64_t lda,
                                  const float *b, int64_t ldb, float *c,
                                  int64_t ldc, int64_t flags);
int sy_ukernel_sgemm_rows_avx512(int64_t m, int64_t n0, int64_t n1, int64_t k,
                                 const float *a, int64_t lda,
                                 const float *const *brows, float *c,
                                 int64_t ldc, int64_t flags);

/* The portable body of both entry points: B row p starts at brows[p] when a
 * row table is given, else at b + p * ldb. */
static void sgemm_portable(int64_t m, int64_t n0, int64_t n1, int64_t k,
                           const float *a, int64_t lda, const float *b,
                           int64_t ldb, const float *const *brows, float *c,
                           int64_t ldc, int64_t flags) {
  for (int64_t i = 0; i < m; ++i) {
    float *crow = c + i * ldc;
    if (!(flags & SY_UK_ACCUMULATE))
      memset(crow + n0, 0, (size_t)(n1 - n0) * sizeof(float));
    for (int64_t p = 0; p < k; ++p) {
      float av = a[i * lda + p];
      const float *brow = brows ? brows[p] : b + p * ldb;
      for (int64_t j = n0; j < n1; ++j)
        crow[j] += av * brow[j];
    }
  }
}

void sy_ukernel_sgemm_panel(int64_t m, int64_t n0, int64_t n1, int64_t k,
                            const float *a, int64_t lda, const float *b,
                            int64_t ldb, float *c, int64_t ldc,
                            int64_t flags) {
  if (m <= 0 || n1 <= n0)
    return;
  if (!(flags & SY_UK_PORTABLE) &&
      sy_ukernel_sgemm_panel_avx512(m, n0, n1, k, a, lda, b, ldb, c, ldc,
                                    flags))
    return;
  sgemm_portable(m, n0, n1, k, a, lda, b, ldb, NULL, c, ldc, flags);
}

void sy_ukernel_sgemm_rows(int64_t m, int64_t n0, int64_t n1, int64_t k,
                           const float *a, int64_t lda,
                           const float *const *brows, float *c, int64_t ldc,
                           int64_t flags) {
  if (m <= 0 || n1 <= n0)
    return;
  if (!(flags & SY_UK_PORTABLE) &&
      sy_ukernel_sgemm_rows_avx512(m, n0, n1, k, a, lda, brows, c, ldc, flags))
    return;
  sgemm_portable(m, n0, n1, k, a, lda, NULL, 0, brows, c, ldc, flags);
}

typedef struct {
  int64_t m, n, k, lda, ldb, ldc, flags, chunk;
  const float *a, *b;
  float *c;
} sgemm_job;

/* Work items are column chunks (multiples of 64 columns). */
static void sgemm_task(void *env, int64_t begin, int64_t end) {
  const sgemm_job *j = (const sgemm_job *)env;
  int64_t n0 = begin * j->chunk;
  int64_t n1 = end * j->chunk < j->n ? end * j->chunk : j->n;
  sy_ukernel_sgemm_panel(j->m, n0, n1, j->k, j->a, j->lda, j->b, j->ldb, j->c,
                         j->ldc, j->flags);
}

void sy_ukernel_sgemm(int64_t m, int64_t n, int64_t k, intptr_t a, int64_t lda,
                      intptr_t b, int64_t ldb, intptr_t c, int64_t ldc,
                      int64_t flags) {
  if (m <= 0 || n <= 0)
    return;
  sgemm_job job = {m, n, k, lda, ldb, ldc, flags, 64,
                   (const float *)a, (const float *)b, (float *)c};
  int64_t chunks = (n + job.chunk - 1) / job.chunk;
  /* Small problems are not worth waking the pool. */
  if ((double)m * (double)n * (double)k < 65536.0)
    sgemm_task(&job, 0, chunks);
  else
    sy_rt_parallel_for(chunks, sgemm_task, &job);
}
