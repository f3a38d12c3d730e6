/*===- ukernels.h - hand-written micro-kernels called by generated code ---===*
 *
 * Generated loops call these for their hot inner work (as IREE's ukernels).
 * Rules: no allocation, no libc beyond memset/memcpy, explicit strides (in
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
 * thread pool (sy_rt_parallel_for) over column panels. */
enum { SY_UK_ACCUMULATE = 1 };
void sy_ukernel_sgemm(int64_t m, int64_t n, int64_t k, intptr_t a, int64_t lda,
                      intptr_t b, int64_t ldb, intptr_t c, int64_t ldc,
                      int64_t flags);

/* The single-threaded body over columns [n0, n1): exposed for tests and for
 * callers that parallelize themselves. */
void sy_ukernel_sgemm_panel(int64_t m, int64_t n0, int64_t n1, int64_t k,
                            const float *a, int64_t lda, const float *b,
                            int64_t ldb, float *c, int64_t ldc, int64_t flags);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHYARD_RUNTIME_UKERNELS_H */
