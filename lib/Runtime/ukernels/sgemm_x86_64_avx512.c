/*===- sgemm_x86_64_avx512.c - fp32 GEMM body for AVX-512 -----------------===*
 *
 * BLIS-order blocking (blockBody). For each block of MC rows and KC of K,
 * the A block is copied to a buffer with a padded row pitch (constant
 * filters come as micro-panels instead and are read in place); then each
 * NR-column panel of B is packed ([kc][32] contiguous, zero-padded past the
 * last column) and stays in L1 while every row slice of the A block runs
 * the micro-kernel against it. Packing lets the micro-kernel read B with
 * aligned loads whatever B's leading dimension (a row-major B whose rows
 * are 4 KiB apart would otherwise map every row to the same L1 sets) and
 * whatever its form (the convolution's implicit im2col matrix is gathered
 * here, row segment by row segment).
 *
 * Register block: MR x NR = 12 x 32, 24 zmm accumulators, two zmm of a B
 * row and one broadcast of A per k step; row tails use 8- and 4-row
 * variants, column tails masked loads/stores of C.
 *===----------------------------------------------------------------------===*/
#include "lib/Runtime/ModelDescriptor.h"
#include "lib/Runtime/ukernels/gemm.h"
#include "lib/Runtime/ukernels/ukernels.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define SY_TARGET __attribute__((target("avx512f,fma")))
#define SY_INLINE static inline SY_TARGET __attribute__((always_inline))

enum { MR = SY_GEMM_A_ROWS, NR = 32, KC = 256, MC = 528, LDAP = KC + 16 };

/* K block of a prepacked B multiplied into few rows (< KC_STREAM_ROWS: two
 * register blocks, so each panel is used once or twice). Its panels then
 * stream from L3 or memory, the next one prefetched while the current one
 * runs: two 32 KiB panels (KC = 256) overflow a 48 KiB L1 and the
 * prefetched lines are evicted before use, so half-height blocks
 * (measured: 12% faster at 8 MoE tokens, the same at 256). With more rows
 * each panel is reused from L1 like a B packed here, and the full KC halves
 * the passes over C (MatMul 512 x 1024 x 1024 on 2 threads, interleaved:
 * 4.1-4.8 ms against 4.5-5.2 ms at 128). */
enum { KC_PREPACKED = 128, KC_STREAM_ROWS = 2 * MR };

/* The lanes of a row segment (`segLanes`) whose x column, `ix0` + lane,
 * falls inside a row of width w: the rest is padding and stays zero. */
static inline uint32_t insideLanes(uint32_t segLanes, int64_t ix0, int64_t w) {
  return segLanes & sy_lane_range(-ix0, w - ix0);
}

/* Packs rows [p0, p0 + kc) and columns [j0, j0 + cols) of B (cols <= NR)
 * into bp[p][NR], zero past `cols`. */
static SY_TARGET void packB(const sy_gemm_b *b, int64_t p0, int64_t kc,
                            int64_t j0, int64_t cols, float *bp) {
  if (b->kw == 0) {
    uint32_t lanes = sy_lane_range(0, cols);
    __mmask16 lo = (__mmask16)lanes, hi = (__mmask16)(lanes >> 16);
    const float *src = b->data + p0 * b->ld + j0;
    if (b->scale) {
      /* The channel's scale and shift, then ReLU; lanes past `cols` are
       * never stored to C, whatever they hold. */
      const __m512 zero = _mm512_setzero_ps();
      for (int64_t p = 0; p < kc; ++p, src += b->ld, bp += NR) {
        __m512 s = _mm512_set1_ps(b->scale[p0 + p]);
        __m512 t = _mm512_set1_ps(b->shift[p0 + p]);
        __m512 v0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(lo, src), s, t);
        __m512 v1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(hi, src + 16), s, t);
        if (b->relu) { /* max(0, v) returns v when v is NaN, as maximumf */
          v0 = _mm512_max_ps(zero, v0);
          v1 = _mm512_max_ps(zero, v1);
        }
        _mm512_store_ps(bp, v0);
        _mm512_store_ps(bp + 16, v1);
      }
      return;
    }
    for (int64_t p = 0; p < kc; ++p, src += b->ld, bp += NR) {
      _mm512_store_ps(bp, _mm512_maskz_loadu_ps(lo, src));
      _mm512_store_ps(bp + 16, _mm512_maskz_loadu_ps(hi, src + 16));
    }
    return;
  }
  /* Implicit im2col: the panel's columns are output positions j0.. that
   * cross output rows; the lanes of each row segment read one row of x
   * (unit stride). Each segment is one masked load per half-panel whose
   * mask also drops the lanes that fall in the padding, so those stay zero;
   * masked-off lanes are never accessed (AVX-512 suppresses their faults),
   * which lets the address point outside x for them. Everything but the
   * loads is hoisted: segments per panel, lane masks per kernel column v
   * (tabulated up to kMaxTabKw), row pointers per (channel, kernel row). */
  enum { kMaxTabKw = 16 };
  int64_t segRow[NR], segCol[NR], numSegs = 0;
  uint32_t segLanes[NR], tab[NR][kMaxTabKw];
  for (int64_t t = 0; t < cols;) {
    int64_t j = j0 + t, r = j / b->ow, col = j % b->ow;
    int64_t len = b->ow - col < cols - t ? b->ow - col : cols - t;
    segLanes[numSegs] = sy_lane_range(t, t + len);
    segRow[numSegs] = r - b->pt;
    segCol[numSegs++] = col - b->pl - t; /* x column of lane 0 at v = 0 */
    t += len;
  }
  int tabulated = b->kw <= kMaxTabKw;
  for (int64_t s = 0; tabulated && s < numSegs; ++s)
    for (int64_t v = 0; v < b->kw; ++v)
      tab[s][v] = insideLanes(segLanes[s], segCol[s] + v * b->dw, b->w);
  int64_t v = p0 % b->kw, u = (p0 / b->kw) % b->kh, ch = p0 / (b->kw * b->kh);
  const float *rows[NR];
  for (int64_t p = 0; p < kc;) {
    /* Row pointers (lane 0 at v = 0) of this (channel, kernel row). */
    const float *plane = b->data + ch * b->h * b->w;
    for (int64_t s = 0; s < numSegs; ++s) {
      int64_t iy = segRow[s] + u * b->dh;
      rows[s] = iy < 0 || iy >= b->h ? NULL : plane + iy * b->w + segCol[s];
    }
    for (; v < b->kw && p < kc; ++v, ++p, bp += NR) {
      /* Zero-masked loads summed (the lanes are disjoint), so the
       * segments' loads do not form a dependency chain. */
      __m512 lo = _mm512_setzero_ps(), hi = _mm512_setzero_ps();
      for (int64_t s = 0; s < numSegs; ++s) {
        if (!rows[s])
          continue;
        uint32_t lanes =
            tabulated ? tab[s][v]
                      : insideLanes(segLanes[s], segCol[s] + v * b->dw, b->w);
        const float *src = rows[s] + v * b->dw;
        lo = _mm512_add_ps(lo, _mm512_maskz_loadu_ps((__mmask16)lanes, src));
        hi = _mm512_add_ps(
            hi, _mm512_maskz_loadu_ps((__mmask16)(lanes >> 16), src + 16));
      }
      _mm512_store_ps(bp, lo);
      _mm512_store_ps(bp + 16, hi);
    }
    if (v == b->kw) {
      v = 0;
      if (++u == b->kh) {
        u = 0;
        ++ch;
      }
    }
  }
}

/* Copies rows [0, rows) and K columns [0, kc) of A into ap[r][LDAP] and
 * zeroes the rows up to the next multiple of MR (the register blocks of the
 * last slice read them). Row copies (vectorized memcpy), where a
 * [kc][MR] transpose cost 16% of the GEMM; the padded pitch spreads the
 * rows over different L1 sets, and the micro-kernel's broadcasts address
 * them with constant displacements. */
static void packA(int64_t rows, int64_t kc, const float *a, int64_t lda,
                  float *ap) {
  int64_t padded = (rows + MR - 1) / MR * MR;
  for (int64_t r = 0; r < padded; ++r) {
    if (r < rows)
      memcpy(ap + r * LDAP, a + r * lda, (size_t)kc * sizeof(float));
    else
      memset(ap + r * LDAP, 0, (size_t)kc * sizeof(float));
  }
}

/* c[0, rows) x [0, 32) (+)= A * bp[kc][NR], with A's row r, step p at
 * ap[r * rs + p * ks]: a block copied here (rs = LDAP, ks = 1) or a
 * micro-panel (rs = 1, ks = MR). R, rs and ks are constants at every call
 * site, so the accumulators stay in registers and the broadcasts address A
 * with constant displacements. The k loop also
 * prefetches pfLines cache lines from pf on: this slice's share of the next
 * panel of a prepacked B, which would otherwise arrive from memory one
 * demand miss at a time. The lines go out evenly over the kc steps (two per
 * step when there are more lines than steps): issued in a burst at the
 * start, they queued behind the line fill buffers and stalled the loads of
 * the loop (measured on a 64 x 1024 x 2048 expert GEMM streaming its
 * weights from memory: 122 -> 150 GFLOP/s on one core). */
SY_INLINE void micro(int R, int64_t rs, int64_t ks, int64_t kc,
                     const float *ap, const float *bp, const float *pf,
                     int64_t pfLines, float *c, int64_t ldc, int64_t rows,
                     __mmask16 m0, __mmask16 m1, int accumulate,
                     const float *bias) {
  __m512 acc0[MR], acc1[MR];
  for (int r = 0; r < R; ++r) {
    acc0[r] = _mm512_setzero_ps();
    acc1[r] = _mm512_setzero_ps();
  }
  int64_t perStep = pfLines > kc ? 2 : 1;
  int64_t gap = pfLines > 0 ? kc * perStep / pfLines : 1;
  gap = gap < 1 ? 1 : gap;
  int64_t countdown = 1;
  const float *pfEnd = pf + pfLines * 16;
  for (int64_t p = 0; p < kc; ++p, ap += ks, bp += NR) {
    if (pf < pfEnd && --countdown == 0) {
      _mm_prefetch((const char *)pf, _MM_HINT_T0);
      if (perStep == 2)
        _mm_prefetch((const char *)(pf + 16), _MM_HINT_T0);
      pf += 16 * perStep;
      countdown = gap;
    }
    /* Unaligned loads: a prepacked B (a constant) may be 16-byte aligned. */
    __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + 16);
    for (int r = 0; r < R; ++r) {
      __m512 av = _mm512_set1_ps(ap[r * rs]);
      acc0[r] = _mm512_fmadd_ps(av, b0, acc0[r]);
      acc1[r] = _mm512_fmadd_ps(av, b1, acc1[r]);
    }
  }
  for (int r = 0; r < R; ++r) {
    if (r >= rows)
      break;
    float *crow = c + r * ldc;
    if (accumulate) {
      acc0[r] = _mm512_add_ps(acc0[r], _mm512_maskz_loadu_ps(m0, crow));
      acc1[r] = _mm512_add_ps(acc1[r], _mm512_maskz_loadu_ps(m1, crow + 16));
    }
    if (bias) {
      acc0[r] = _mm512_add_ps(acc0[r], _mm512_set1_ps(bias[r]));
      acc1[r] = _mm512_add_ps(acc1[r], _mm512_set1_ps(bias[r]));
    }
    _mm512_mask_storeu_ps(crow, m0, acc0[r]);
    _mm512_mask_storeu_ps(crow + 16, m1, acc1[r]);
  }
}

/* BLIS order: for each block of MC rows and KC of K, the A block is
 * copied once (it stays in L2), unless A comes as micro-panels; then each
 * NR-column panel of B is packed (it stays in L1) and every MR-row slice of
 * the A block runs the micro-kernel against it. */
static SY_TARGET void blockBody(int64_t m, int64_t n0, int64_t n1, int64_t k,
                                const float *a, int64_t lda,
                                const sy_gemm_b *b, const float *bias,
                                float *c, int64_t ldc, int accumulate,
                                int panelsA, float *bpack, float *apack) {
  int64_t kcMax =
      !panelsA && b->panel_k > 0 && m < KC_STREAM_ROWS ? KC_PREPACKED : KC;
  for (int64_t ic = 0; ic < m; ic += MC) {
    int64_t mc = m - ic < MC ? m - ic : MC;
    for (int64_t p0 = 0; p0 < k; p0 += kcMax) {
      int64_t kc = k - p0 < kcMax ? k - p0 : kcMax;
      if (!panelsA)
        packA(mc, kc, a + ic * lda + p0, lda, apack);
      /* The bias joins the first K block; later ones accumulate. */
      int acc = accumulate || p0 > 0;
      const float *bi = p0 == 0 && bias ? bias + ic : NULL;
      /* Slices of 12 rows, or of 8 when that avoids a short tail (64
       * output channels: 8 x 8 rather than 5 x 12 + 4); micro-panels hold
       * 12 rows. */
      int64_t step = !panelsA && mc % MR != 0 && mc % 8 == 0 ? 8 : MR;
      /* Cache lines (two per k row) of the next prepacked panel each
       * slice prefetches. */
      int64_t slices = (mc + step - 1) / step;
      int64_t share = (2 * kc + slices - 1) / slices;
      for (int64_t j = n0; j < n1; j += NR) {
        int64_t cols = n1 - j < NR ? n1 - j : NR;
        const float *bp = bpack, *next = NULL;
        if (b->panel_k > 0) { /* already packed: j is a multiple of NR */
          bp = b->data + ((j / NR) * b->panel_k + p0) * NR;
          /* The next panel: to the right, else the first one of the next
           * K block, else of the next block of rows. */
          if (j + NR < n1)
            next = bp + b->panel_k * NR;
          else if (p0 + kcMax < k)
            next = b->data + ((n0 / NR) * b->panel_k + p0 + kcMax) * NR;
          else if (ic + MC < m)
            next = b->data + (n0 / NR) * b->panel_k * NR;
        } else {
          packB(b, p0, kc, j, cols, bpack);
        }
        uint32_t lanes = sy_lane_range(0, cols);
        __mmask16 m0 = (__mmask16)lanes, m1 = (__mmask16)(lanes >> 16);
        for (int64_t i = 0; i < mc; i += step) {
          int64_t rows = mc - i < step ? mc - i : step;
          const float *ai = panelsA ? a + (ic + i) * k + p0 * MR
                                    : apack + i * LDAP;
          const float *bii = bi ? bi + i : NULL;
          int64_t first = i / step * share;
          int64_t pfLines = !next || first >= 2 * kc ? 0
                            : 2 * kc - first < share ? 2 * kc - first
                                                     : share;
          const float *pf = next ? next + first * 16 : bp;
          float *ci = c + (ic + i) * ldc + j;
#define SY_MICRO(R, RS, KS)                                                    \
  micro(R, RS, KS, kc, ai, bp, pf, pfLines, ci, ldc, rows, m0, m1, acc, bii)
          if (panelsA) {
            if (rows > 8)
              SY_MICRO(12, 1, MR);
            else if (rows > 4)
              SY_MICRO(8, 1, MR);
            else
              SY_MICRO(4, 1, MR);
          } else if (rows > 8) {
            SY_MICRO(12, LDAP, 1);
          } else if (rows > 4) {
            SY_MICRO(8, LDAP, 1);
          } else {
            SY_MICRO(4, LDAP, 1);
          }
#undef SY_MICRO
        }
      }
    }
  }
}

size_t sy_gemm_scratch_floats(void) { return (size_t)KC * NR + LDAP * MC; }

int sy_gemm_block_avx512(int64_t m, int64_t n0, int64_t n1, int64_t k,
                         const float *a, int64_t lda, const sy_gemm_b *b,
                         const float *bias, float *c, int64_t ldc,
                         int64_t flags, float *scratch) {
  /* libgcc's cpu model is initialized by a constructor; reading it is cheap. */
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("fma"))
    return 0;
  int accumulate = (int)(flags & SY_UK_ACCUMULATE);
  int panelsA = (flags & SY_UK_A_PANELS) != 0;
  if (k == 0) /* nothing to multiply: the portable body sets C */
    return 0;
  void *owned = NULL;
  if (!scratch)
    scratch = sy_rt_scratch_or_alloc(sy_gemm_scratch_floats() * sizeof(float),
                                     &owned);
  if (!scratch)
    return 0;
  blockBody(m, n0, n1, k, a, lda, b, bias, c, ldc, accumulate, panelsA,
            scratch, scratch + KC * NR);
  free(owned);
  return 1;
}
