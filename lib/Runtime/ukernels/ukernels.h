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
  SY_UK_PORTABLE = 2,
  /* A comes as 12-row micro-panels (gemm.h, sy_gemm_pack_a_panels) and lda
   * is K: the layout constant convolution filters are given at compile
   * time, so the GEMM body reads them without copying them per tile.
   * Taken by the convolution kernels. */
  SY_UK_A_PANELS = 4,
  /* sy_ukernel_conv2d_1x1_affine: ReLU after the input's scale and shift. */
  SY_UK_INPUT_RELU = 8
};
void sy_ukernel_sgemm(int64_t m, int64_t n, int64_t k, intptr_t a, int64_t lda,
                      intptr_t b, int64_t ldb, intptr_t c, int64_t ldc,
                      int64_t flags);

/* sy_ukernel_sgemm with B given as its 32-column panels,
 * b[ceil(N / 32)][K][32] (B[p][j] at b[((j / 32) * K + p) * 32 + j % 32],
 * zero past column N): constant weights that the compiler laid out so
 * (sy-lower-matmul-to-ukernel), which the SIMD body then streams instead of
 * packing them on every call. */
void sy_ukernel_sgemm_prepacked(int64_t m, int64_t n, int64_t k, intptr_t a,
                                int64_t lda, intptr_t b, intptr_t c,
                                int64_t ldc, int64_t flags);

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
 * output positions. With SY_UK_A_PANELS in flags, w is the [m][c*kh*kw]
 * filter matrix as micro-panels (gemm.h's sy_gemm_pack_a_panels). */
void sy_ukernel_conv2d_s1(int64_t m, int64_t c, int64_t kh, int64_t kw,
                          int64_t oh, int64_t ow, int64_t dh, int64_t dw,
                          intptr_t w, intptr_t x, int64_t h, int64_t wd,
                          int64_t pt, int64_t pl, intptr_t bias, intptr_t y,
                          int64_t flags);

/* A 1x1 convolution (unpadded, unit stride) of the transformed input
 * x'[ch][i] = scale[ch] * x[ch][i] + shift[ch], then max(x', 0) when flags
 * has SY_UK_INPUT_RELU:
 *   y[m][i] = (flags & SY_UK_ACCUMULATE ? y[m][i] : 0) + (bias ? bias[m] : 0)
 *           + sum_ch w[m][ch] * x'[ch][i]      for i < hw,
 * x [c][hw], w [m][c] (micro-panels with SY_UK_A_PANELS). The transform is
 * applied to each panel of x as the GEMM packs it, so x' is never stored:
 * a pre-activation BatchNorm + ReLU costs no pass over the input. */
void sy_ukernel_conv2d_1x1_affine(int64_t m, int64_t c, int64_t hw,
                                  intptr_t w, intptr_t x, intptr_t scale,
                                  intptr_t shift, intptr_t bias, intptr_t y,
                                  int64_t flags);

/* The same convolution for 3x3 filters with unit dilation, by Winograd
 * F(2x2, 3x3): u holds the filters transformed by sy_winograd_f23_weights
 * (winograd.h), [16][m][c] (with SY_UK_A_PANELS, each of the 16 [m][c]
 * matrices as micro-panels, sy_gemm_a_panels_floats(m, c) floats apart);
 * the other arguments are sy_ukernel_conv2d_s1's.
 * 2.25x fewer multiplications than the direct form; the transforms add a
 * rounding error a few times fp32's epsilon per term. Threads over blocks
 * of 2x2 output tiles. */
void sy_ukernel_conv2d_winograd(int64_t m, int64_t c, int64_t oh, int64_t ow,
                                intptr_t u, intptr_t x, int64_t h, int64_t w,
                                int64_t pt, int64_t pl, intptr_t bias,
                                intptr_t y, int64_t flags);

/* The same by Winograd F(4x4, 3x3): u holds the filters transformed by
 * sy_winograd_f43_weights, [36][m][c] (or 36 micro-panel matrices). 4x
 * fewer multiplications than the direct form; B^T and A^T scale terms by
 * up to 8 and G by 1/24, so the rounding error is a few times
 * F(2x2, 3x3)'s (about 1e-5 of the sum of |terms| at 128 channels). */
void sy_ukernel_conv2d_winograd_f43(int64_t m, int64_t c, int64_t oh,
                                    int64_t ow, intptr_t u, intptr_t x,
                                    int64_t h, int64_t w, int64_t pt,
                                    int64_t pl, intptr_t bias, intptr_t y,
                                    int64_t flags);

/*===- Mixture-of-Experts (moe.c; the math is sy's, dialects/sy/SyOps.td) -===*/

/* sy.route modes and flags; sy.grouped_matmul activations. The values are
 * the sy enums' (SyBase.td), which the lowering passes through unchanged. */
enum {
  SY_MOE_SOFTMAX_TOPK = 0,
  SY_MOE_TOPK_SOFTMAX = 1,
  SY_MOE_SIGMOID_TOPK = 2
};
enum { SY_MOE_RENORMALIZE = 1, SY_MOE_RENORMALIZE_KEPT = 2 };
enum {
  SY_ACT_IDENTITY = 0,
  SY_ACT_RELU = 1,
  SY_ACT_GELU = 2,
  SY_ACT_GELU_TANH = 3,
  SY_ACT_SILU = 4,
  SY_ACT_SWIGLU = 5,
  SY_ACT_SWIGLU_INTERLEAVED = 6
};

/* sy.route over logits [t, e] into ids [t, k] (i64) and weights [t, k];
 * correction_bias [e] or 0; capacity 0 for none; scale_bits the f32 bits of
 * the weight scale; with SY_MOE_RENORMALIZE_KEPT in flags, kept_floor_bits
 * the f32 bits of renormalize_kept's floor. When `tokens` is not 0 this is
 * also the sy.dispatch of those ids (tokens [t, h] into permuted [rows, h], offsets [e + 1],
 * inverse [t, k]): the fused gating + dispatch, which never builds a
 * one-hot tensor. */
void sy_ukernel_moe_route_dispatch(int64_t t, int64_t e, int64_t k,
                                   intptr_t logits, intptr_t correction_bias,
                                   int64_t mode, int64_t flags,
                                   int64_t capacity, int64_t scale_bits,
                                   int64_t kept_floor_bits, intptr_t ids,
                                   intptr_t weights, int64_t h,
                                   int64_t rows, intptr_t tokens,
                                   intptr_t permuted, intptr_t offsets,
                                   intptr_t inverse);

/* sy.dispatch alone (ids [t, k] from anywhere). */
void sy_ukernel_moe_dispatch(int64_t t, int64_t k, int64_t e, int64_t h,
                             int64_t rows, intptr_t tokens, intptr_t ids,
                             intptr_t permuted, intptr_t offsets,
                             intptr_t inverse);

/* sy.grouped_matmul: lhs [m, k] in expert groups by offsets [e + 1], rhs
 * [e, k, n] row-major, bias [e, n] or 0, out [m, n] (or [m, n/2] for the
 * SwiGLU activations, which need y [m, n] as room for the GEMM before the
 * gate product; y is unused otherwise). Threads over (expert, row tile,
 * column tile) items, largest first; bias and activation are applied per
 * tile. A tile has at most tile_rows rows (rounded up to the 12-row
 * register block; a group is split into equal tiles) and tile_cols GEMM
 * columns (rounded up to a 32-column panel, 64 for SwiGLU); 0 takes the
 * defaults, 192 x 512.
 * With SY_GROUPED_PREPACKED in flags, rhs is [e][ceil(n / 32)][k][32]
 * (gemm.h's prepacked panels, zero past column n), read without packing;
 * the concatenated SwiGLU then needs n / 2 to be a multiple of 32 (the
 * compiler interleaves constant weights instead). row_scale [m] (or 0)
 * multiplies each output row last. */
enum { SY_GROUPED_PREPACKED = 4 };
void sy_ukernel_grouped_sgemm(int64_t e, int64_t m, int64_t k, int64_t n,
                              intptr_t lhs, intptr_t rhs, intptr_t offsets,
                              intptr_t bias, int64_t activation, intptr_t y,
                              intptr_t out, int64_t flags, int64_t tile_rows,
                              int64_t tile_cols, intptr_t row_scale);

/* sy.combine: out [t, h] = weighted sum of expert_out [rows, h] rows
 * (unweighted when weights is 0). */
void sy_ukernel_moe_combine(int64_t t, int64_t k, int64_t h, int64_t rows,
                            intptr_t expert_out, intptr_t inverse,
                            intptr_t weights, intptr_t out);

/* sy.dispatch_weights: out [rows] = weights [t, k] scattered by inverse
 * [t, k] (entries outside [0, rows) skipped), 0 where none lands. */
void sy_ukernel_moe_dispatch_weights(int64_t t, int64_t k, int64_t rows,
                                     intptr_t inverse, intptr_t weights,
                                     intptr_t out);

/*===- Pooling pyramids (pyramid.c; the math is sy.pyramid_pool's) --------===*/

/* One level's description: SY_PYRAMID_FIELDS i64 values at these indices.
 * SIZE is the kernel (window level) or the bin count (adaptive level); the
 * output size is the compiler's (ceil_mode is already in it). */
enum {
  SY_PYRAMID_MODE = 0,     /* SY_POOL_AVG or SY_POOL_MAX */
  SY_PYRAMID_ADAPTIVE = 1, /* 1: adaptive bins, 0: window */
  SY_PYRAMID_SIZE_H = 2,
  SY_PYRAMID_SIZE_W = 3,
  SY_PYRAMID_STRIDE_H = 4,
  SY_PYRAMID_STRIDE_W = 5,
  SY_PYRAMID_PAD_TOP = 6,
  SY_PYRAMID_PAD_LEFT = 7,
  SY_PYRAMID_PAD_BOTTOM = 8,
  SY_PYRAMID_PAD_RIGHT = 9,
  SY_PYRAMID_FLAGS = 10,
  SY_PYRAMID_OUT_H = 11,
  SY_PYRAMID_OUT_W = 12,
  SY_PYRAMID_FIELDS = 13
};
/* sy.PoolMode's values. */
enum { SY_POOL_AVG = 0, SY_POOL_MAX = 1 };
enum { SY_PYRAMID_COUNT_INCLUDE_PAD = 1, SY_PYRAMID_CHAINED = 2 };

/* sy.pyramid_pool over input [planes][h][w] (planes = N * C): level i
 * writes outputs[i], an [planes][OUT_H][OUT_W] buffer, from the input or,
 * when chained, from level i - 1's output. levels is
 * [nlevels][SY_PYRAMID_FIELDS], outputs [nlevels] addresses. Threads over
 * planes; each plane is read once for all levels. */
void sy_ukernel_pyramid_pool(int64_t planes, int64_t h, int64_t w,
                             intptr_t input, int64_t nlevels, intptr_t levels,
                             intptr_t outputs);

/* sy.upsample_concat into out [n][sum c_i][h][w]: input i is [n][c_i][ih_i]
 * [iw_i] (shapes [ninputs][3] = c_i, ih_i, iw_i; pointers [ninputs][3] =
 * its address, its taps, its weights). taps holds 2 * (h + w) i64: the
 * (lo, hi) source rows of each output row, then the (lo, hi) source
 * columns of each output column; weights the matching 2 * (h + w) f32.
 * taps 0: the input is h x w and copied. Threads over output planes. */
void sy_ukernel_upsample_concat(int64_t n, int64_t h, int64_t w,
                                int64_t ninputs, intptr_t shapes,
                                intptr_t pointers, intptr_t out);

/*===- Sparse attention (attention.c; the math is sy.sparse_attention's) -===*/

/* The kernel's parameters: SY_ATTN_FIELDS i64 values at these indices.
 * q [batch][hq][sq][d], k [batch][hk][sk][d], v [batch][hk][sk][dv], out
 * [batch][hq][sq][dv], row-major; bias (or 0) is read at b * BIAS_STRIDE_B
 * + h * BIAS_STRIDE_H + q * BIAS_STRIDE_Q + k * BIAS_STRIDE_K (0 strides
 * broadcast). KIND is sy::SparsityKind's value; LEFT, RIGHT the window,
 * GLOBAL the global tokens; BLOCK and LAYOUT_HEADS describe layout (u8
 * [LAYOUT_HEADS][ceil(sq / BLOCK)][ceil(sk / BLOCK)], blocks only). */
enum {
  SY_ATTN_BATCH = 0,
  SY_ATTN_HQ = 1,
  SY_ATTN_HK = 2,
  SY_ATTN_SQ = 3,
  SY_ATTN_SK = 4,
  SY_ATTN_D = 5,
  SY_ATTN_DV = 6,
  SY_ATTN_KIND = 7,
  SY_ATTN_LEFT = 8,
  SY_ATTN_RIGHT = 9,
  SY_ATTN_GLOBAL = 10,
  SY_ATTN_BLOCK = 11,
  SY_ATTN_LAYOUT_HEADS = 12,
  SY_ATTN_FLAGS = 13,
  SY_ATTN_SCALE_BITS = 14, /* the f32 bits of the score scale */
  SY_ATTN_BIAS_STRIDE_B = 15,
  SY_ATTN_BIAS_STRIDE_H = 16,
  SY_ATTN_BIAS_STRIDE_Q = 17,
  SY_ATTN_BIAS_STRIDE_K = 18,
  SY_ATTN_FIELDS = 19
};
/* sy::SparsityKind's values. */
enum { SY_ATTN_CAUSAL = 0, SY_ATTN_WINDOW = 1, SY_ATTN_BLOCKS = 2 };
/* FLAGS: a row that sees no key is 0 (fully_masked_rows = zero), not NaN;
 * SY_ATTN_CAUSAL_BLOCKS: a block layout is also causal (`blocks B causal`,
 * a key is visible only at or before the query's position);
 * SY_UK_PORTABLE runs the portable body. */
enum { SY_ATTN_ZERO_MASKED_ROWS = 4, SY_ATTN_CAUSAL_BLOCKS = 8 };

/* sy.sparse_attention: threads over (batch, query head, query tile); each
 * tile visits only the keys it can see (flash attention: online softmax,
 * no score matrix). `qoffsets` (i32 [batch], or 0 for none): query row q of
 * batch b sits at key position qoffsets[b] + q, where visibility is
 * evaluated (a KV cache: the queries are the newest keys), and the layout
 * has ceil(sk / BLOCK) query blocks. An offset outside [0, sk - sq] is
 * clamped into it and the run fails with SY_ERROR_INVALID_ARGUMENT. */
void sy_ukernel_sparse_attention(intptr_t params, intptr_t q, intptr_t k,
                                 intptr_t v, intptr_t bias, intptr_t layout,
                                 intptr_t qoffsets, intptr_t out);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHYARD_RUNTIME_UKERNELS_H */
