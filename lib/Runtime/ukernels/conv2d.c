/*===- conv2d.c - direct 2-D convolution micro-kernel ---------------------===*
 *
 * For output row r, y[:, r, :] = W[m, c*kh*kw] x B where B's row
 * (c, u, v) is the input row x[c][r + u*dh] shifted by v*dw: the same
 * register-blocked GEMM as sgemm, reading B rows through a pointer table
 * (built per K block on the stack) instead of a leading dimension.
 *===----------------------------------------------------------------------===*/
#include "lib/Runtime/ModelDescriptor.h"
#include "lib/Runtime/ukernels/ukernels.h"

typedef struct {
  int64_t m, c, kh, kw, oh, ow, dh, dw, hp, wp, flags;
  const float *w, *x;
  float *y;
} conv_job;

enum { ROWS_KC = 256 };

static void conv_rows(void *env, int64_t begin, int64_t end) {
  const conv_job *j = (const conv_job *)env;
  int64_t k = j->c * j->kh * j->kw;
  const float *brows[ROWS_KC];
  for (int64_t r = begin; r < end; ++r) {
    float *yrow = j->y + r * j->ow;
    for (int64_t p0 = 0; p0 < k || p0 == 0; p0 += ROWS_KC) {
      int64_t kc = k - p0 < ROWS_KC ? k - p0 : ROWS_KC;
      for (int64_t p = 0; p < kc; ++p) {
        int64_t q = p0 + p, v = q % j->kw, u = (q / j->kw) % j->kh,
                ch = q / (j->kw * j->kh);
        brows[p] = j->x + ch * j->hp * j->wp + (r + u * j->dh) * j->wp +
                   v * j->dw;
      }
      int64_t flags = (j->flags & SY_UK_PORTABLE) |
                      ((j->flags & SY_UK_ACCUMULATE) || p0 > 0
                           ? SY_UK_ACCUMULATE
                           : 0);
      sy_ukernel_sgemm_rows(j->m, 0, j->ow, kc, j->w + p0, k, brows, yrow,
                            j->oh * j->ow, flags);
      if (k == 0)
        break;
    }
  }
}

void sy_ukernel_conv2d_s1(int64_t m, int64_t c, int64_t kh, int64_t kw,
                          int64_t oh, int64_t ow, int64_t dh, int64_t dw,
                          intptr_t w, intptr_t x, int64_t hp, int64_t wp,
                          intptr_t y, int64_t flags) {
  if (m <= 0 || oh <= 0 || ow <= 0)
    return;
  conv_job job = {m, c, kh, kw, oh, ow, dh, dw, hp, wp, flags,
                  (const float *)w, (const float *)x, (float *)y};
  if ((double)m * (double)oh * (double)ow * (double)(c * kh * kw) < 65536.0)
    conv_rows(&job, 0, oh);
  else
    sy_rt_parallel_for(oh, conv_rows, &job);
}
