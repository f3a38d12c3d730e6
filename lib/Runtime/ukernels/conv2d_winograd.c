/*===- conv2d_winograd.c - 3x3 convolution by Winograd F(2x2 or 4x4, 3x3) ===*
 *
 * Each T x T tile of output positions (T = 2 for F(2x2, 3x3), 4 for
 * F(4x4, 3x3); tile j = tr * tilesW + tc covers rows T tr .. T tr + T - 1
 * and the same columns) comes from an n x n patch of x, n = T + 2:
 * V = B^T d B per input channel, then for each of the n^2 points xi an
 * ordinary GEMM
 *   M[xi][m][tiles] = U[xi][m][c] x V[xi][c][tiles]
 * and the output tile A^T M A (plus bias). F(2x2, 3x3)'s 16 GEMMs do the
 * work of the direct convolution's m x 9c x 4tiles with 2.25x fewer FMAs,
 * F(4x4, 3x3)'s 36 with 4x fewer (B^T and A^T then hold 2, 4, 5 and 8:
 * rounding grows, see ukernels.h). U comes transformed (winograd.h).
 *
 * Tiles go in blocks: a block's V is written straight into the 32-column
 * panels the GEMM body reads (gemm.h's prepacked form, [xi][panel][c][32]),
 * so the GEMMs pack nothing but U (and not U either when it comes as
 * micro-panels, SY_UK_A_PANELS: the compiler lays constant filters out so),
 * and V, M and the packing buffers of one block stay in L2. The pool's work
 * items are blocks, or (block, chunk of output channels) pairs when there
 * are fewer blocks than threads; each chunk then transforms the block's
 * input itself. The AVX-512 transforms take 16 tiles per vector, which may
 * cross rows of tiles (each row a segment with its own masks, as conv2d's
 * packer does): a stride-T deinterleave of masked loads gives a patch
 * column for 16 tiles.
 *===----------------------------------------------------------------------===*/
#include "lib/Runtime/ModelDescriptor.h"
#include "lib/Runtime/ukernels/gemm.h"
#include "lib/Runtime/ukernels/ukernels.h"
#include "lib/Runtime/ukernels/winograd.h"

#include <immintrin.h>
#include <stdlib.h>

#define SY_TARGET __attribute__((target("avx512f,fma")))

enum { P = SY_GEMM_PANEL, kMaxPoints = SY_WINOGRAD_F43_POINTS };

/* Transformed tiles (V) and products (M) of a block take at most about this
 * many floats, so that they stay in a 2 MiB L2 with the packing buffers. */
enum { kBlockFloats = 256 * 1024, kMaxBlockTiles = 256 };

typedef struct {
  int64_t m, c, oh, ow, h, w, pt, pl, flags;
  const float *u, *x, *bias;
  float *y;
  int tile, n, points; /* T, the patch side T + 2, n^2 */
  int64_t tilesW, tiles, blockTiles; /* blockTiles: a multiple of P */
  int64_t mChunks, chunkRows;        /* chunkRows: a multiple of 12 */
  int simd;
} wino_job;

/* ---- portable transforms (also the SIMD path's reference in tests) ---- */

/* B^T and A^T of the two variants, row-major ([n][n] and [T][n]). */
static const float kBT23[4 * 4] = {1, 0, -1, 0, 0, 1, 1, 0,
                                   0, -1, 1, 0, 0, 1, 0, -1};
static const float kAT23[2 * 4] = {1, 1, 1, 0, 0, 1, -1, -1};
static const float kBT43[6 * 6] = {4, 0, -5, 0,  1, 0, 0, -4, -4, 1,  1, 0,
                                   0, 4, -4, -1, 1, 0, 0, -2, -1, 2,  1, 0,
                                   0, 2, -1, -2, 1, 0, 0, 4,  0,  -5, 0, 1};
static const float kAT43[4 * 6] = {1, 1, 1,  1, 1,  0, 0, 1, -1, 2, -2, 0,
                                   0, 1, 1,  4, 4,  0, 0, 1, -1, 8, -8, 1};

/* V = B^T d B for an n x n patch d (row-major). */
static void inputTile(const wino_job *jb, const float *d, float *v) {
  const float *bt = jb->tile == 2 ? kBT23 : kBT43;
  int n = jb->n;
  float t[6][6]; /* t[i][b]: row i of d B */
  for (int i = 0; i < n; ++i)
    for (int b = 0; b < n; ++b) {
      float acc = 0.f;
      for (int q = 0; q < n; ++q)
        acc += d[i * n + q] * bt[b * n + q];
      t[i][b] = acc;
    }
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      float acc = 0.f;
      for (int i = 0; i < n; ++i)
        acc += bt[a * n + i] * t[i][b];
      v[a * n + b] = acc;
    }
}

/* The block's tiles [j0, j0 + count) into V[xi][panel][c][P]; lanes past
 * `count` in the last panel are zero. */
static void inputBlockPortable(const wino_job *jb, int64_t j0, int64_t count,
                               int64_t panels, float *v) {
  int64_t c = jb->c;
  int n = jb->n, tile = jb->tile;
  for (int64_t t = 0; t < panels * P; ++t) {
    int64_t j = j0 + t, tr = j / jb->tilesW, tc = j % jb->tilesW;
    for (int64_t ch = 0; ch < c; ++ch) {
      float d[6 * 6], out[kMaxPoints];
      const float *plane = jb->x + ch * jb->h * jb->w;
      for (int i = 0; i < n; ++i)
        for (int q = 0; q < n; ++q) {
          int64_t iy = tile * tr - jb->pt + i, ix = tile * tc - jb->pl + q;
          d[i * n + q] = t < count && iy >= 0 && iy < jb->h && ix >= 0 &&
                                 ix < jb->w
                             ? plane[iy * jb->w + ix]
                             : 0.f;
        }
      inputTile(jb, d, out);
      for (int xi = 0; xi < jb->points; ++xi)
        v[((xi * panels + t / P) * c + ch) * P + t % P] = out[xi];
    }
  }
}

/* Output channels [m0, m0 + rows) of y (+)= bias + A^T M A for the block's
 * tiles; M is [xi][rows][ldm]. */
static void outputBlockPortable(const wino_job *jb, int64_t j0, int64_t count,
                                const float *mb, int64_t ldm, int64_t m0,
                                int64_t rows) {
  const float *at = jb->tile == 2 ? kAT23 : kAT43;
  int n = jb->n, tile = jb->tile;
  for (int64_t mo = m0; mo < m0 + rows; ++mo) {
    float *plane = jb->y + mo * jb->oh * jb->ow;
    float b = jb->bias ? jb->bias[mo] : 0.f;
    for (int64_t t = 0; t < count; ++t) {
      float s[4][6], q[kMaxPoints];
      for (int xi = 0; xi < jb->points; ++xi)
        q[xi] = mb[(xi * rows + mo - m0) * ldm + t];
      for (int r = 0; r < tile; ++r) /* A^T M */
        for (int k = 0; k < n; ++k) {
          float acc = 0.f;
          for (int a = 0; a < n; ++a)
            acc += at[r * n + a] * q[a * n + k];
          s[r][k] = acc;
        }
      int64_t j = j0 + t, tr = j / jb->tilesW, tc = j % jb->tilesW;
      for (int r = 0; r < tile; ++r)
        for (int k = 0; k < tile; ++k) { /* (A^T M) A */
          int64_t oy = tile * tr + r, ox = tile * tc + k;
          if (oy >= jb->oh || ox >= jb->ow)
            continue;
          float acc = 0.f;
          for (int a = 0; a < n; ++a)
            acc += s[r][a] * at[k * n + a];
          float *dst = plane + oy * jb->ow + ox;
          *dst = (jb->flags & SY_UK_ACCUMULATE ? *dst : 0.f) + b + acc;
        }
    }
  }
}

/* ---- AVX-512 transforms: 16 tiles per vector ---- */

/* Bits [lo, hi) of a 64-bit mask (the floats of up to four 16-lane
 * loads), the range clamped to [0, 64). */
static inline uint64_t laneRange64(int64_t lo, int64_t hi) {
  lo = lo < 0 ? 0 : lo;
  hi = hi > 64 ? 64 : hi;
  if (hi <= lo)
    return 0;
  uint64_t below = hi == 64 ? ~(uint64_t)0 : ((uint64_t)1 << hi) - 1;
  return below & ~(((uint64_t)1 << lo) - 1);
}

/* The tiles of 16 consecutive lanes that share a row of tiles, T = the
 * tile side columns apart. `off` is the x column that float 0 of the loads
 * stands for: lane L's n = T + 2 patch columns are floats TL .. TL+T-1 of
 * the loads at off and the first two of floats TL .. TL+T-1 of those at
 * off + T. Masks keep the segment's lanes inside x's columns (bits of 2T
 * or 4T floats: 32 or 64). */
typedef struct {
  int64_t tr, off;
  uint64_t mask0, maskT; /* loads at off and at off + T */
  uint64_t outMask;      /* output floats (T per lane) inside the row */
} wino_seg;

/* Segments of tiles [j, j + lanes), lanes <= 16; returns their number. */
static int segments(const wino_job *jb, int64_t j, int64_t lanes,
                    wino_seg *segs) {
  int n = 0;
  const int64_t T = jb->tile;
  for (int64_t a = 0; a < lanes;) {
    int64_t tr = (j + a) / jb->tilesW, tc = (j + a) % jb->tilesW;
    int64_t len = jb->tilesW - tc < lanes - a ? jb->tilesW - tc : lanes - a;
    int64_t off = T * (tc - a) - jb->pl;
    uint64_t laneBits = laneRange64(T * a, T * (a + len));
    segs[n].tr = tr;
    segs[n].off = off;
    segs[n].mask0 = laneBits & laneRange64(-off, jb->w - off);
    segs[n].maskT = laneBits & laneRange64(-off - T, jb->w - off - T);
    /* Output column of float f: T (tc - a) + f. */
    segs[n].outMask = laneBits & laneRange64(0, jb->ow - T * (tc - a));
    ++n;
    a += len;
  }
  return n;
}

static SY_TARGET void inputBlockAvx512(const wino_job *jb, int64_t j0,
                                       int64_t count, int64_t panels,
                                       float *v) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18,
                                         20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  int64_t c = jb->c, hw = jb->h * jb->w, xiStride = panels * c * P;
  for (int64_t t0 = 0; t0 < panels * P; t0 += 16) {
    float *dst = v + (t0 / P) * c * P + t0 % P;
    int64_t lanes = count - t0 < 16 ? count - t0 : 16;
    if (lanes <= 0) { /* past the block's tiles: zero lanes */
      for (int xi = 0; xi < SY_WINOGRAD_POINTS; ++xi)
        for (int64_t ch = 0; ch < c; ++ch)
          _mm512_storeu_ps(dst + xi * xiStride + ch * P, _mm512_setzero_ps());
      continue;
    }
    wino_seg segs[16];
    int numSegs = segments(jb, j0 + t0, lanes, segs);
    /* Per segment and patch row: the offset in a plane of float 0 of the
     * row's loads, or kNoRow where the row is padding. */
    enum { kNoRow = INT32_MIN };
    int64_t rowAt[16][4];
    for (int s = 0; s < numSegs; ++s)
      for (int i = 0; i < 4; ++i) {
        int64_t iy = 2 * segs[s].tr - jb->pt + i;
        rowAt[s][i] =
            iy >= 0 && iy < jb->h ? iy * jb->w + segs[s].off : kNoRow;
      }
    for (int64_t ch = 0; ch < c; ++ch) {
      const float *plane = jb->x + ch * hw;
      __m512 t[4][4];
      for (int i = 0; i < 4; ++i) {
        __m512 f0 = _mm512_setzero_ps(), f1 = f0, g0 = f0, g1 = f0;
        for (int s = 0; s < numSegs; ++s) {
          if (rowAt[s][i] == kNoRow)
            continue;
          const float *src = plane + rowAt[s][i];
          uint32_t m0 = (uint32_t)segs[s].mask0, m2 = (uint32_t)segs[s].maskT;
          f0 = _mm512_mask_loadu_ps(f0, (__mmask16)m0, src);
          f1 = _mm512_mask_loadu_ps(f1, (__mmask16)(m0 >> 16), src + 16);
          g0 = _mm512_mask_loadu_ps(g0, (__mmask16)m2, src + 2);
          g1 = _mm512_mask_loadu_ps(g1, (__mmask16)(m2 >> 16), src + 18);
        }
        __m512 d0 = _mm512_permutex2var_ps(f0, even, f1);
        __m512 d1 = _mm512_permutex2var_ps(f0, odd, f1);
        __m512 d2 = _mm512_permutex2var_ps(g0, even, g1);
        __m512 d3 = _mm512_permutex2var_ps(g0, odd, g1);
        /* d B: the row's four transformed columns. */
        t[i][0] = _mm512_sub_ps(d0, d2);
        t[i][1] = _mm512_add_ps(d1, d2);
        t[i][2] = _mm512_sub_ps(d2, d1);
        t[i][3] = _mm512_sub_ps(d1, d3);
      }
      float *out = dst + ch * P;
      for (int q = 0; q < 4; ++q) { /* B^T (d B) */
        _mm512_storeu_ps(out + (0 + q) * xiStride,
                         _mm512_sub_ps(t[0][q], t[2][q]));
        _mm512_storeu_ps(out + (4 + q) * xiStride,
                         _mm512_add_ps(t[1][q], t[2][q]));
        _mm512_storeu_ps(out + (8 + q) * xiStride,
                         _mm512_sub_ps(t[2][q], t[1][q]));
        _mm512_storeu_ps(out + (12 + q) * xiStride,
                         _mm512_sub_ps(t[1][q], t[3][q]));
      }
    }
  }
}

static SY_TARGET void outputBlockAvx512(const wino_job *jb, int64_t j0,
                                        int64_t count, const float *mb,
                                        int64_t ldm, int64_t m0,
                                        int64_t rows) {
  const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5,
                                       21, 6, 22, 7, 23);
  const __m512i hi = _mm512_add_epi32(lo, _mm512_set1_epi32(8));
  int accumulate = (int)(jb->flags & SY_UK_ACCUMULATE);
  int64_t plane = jb->oh * jb->ow, xiStride = rows * ldm;
  for (int64_t t0 = 0; t0 < count; t0 += 16) {
    int64_t lanes = count - t0 < 16 ? count - t0 : 16;
    wino_seg segs[16];
    int numSegs = segments(jb, j0 + t0, lanes, segs);
    for (int64_t mo = m0; mo < m0 + rows; ++mo) {
      const float *src = mb + (mo - m0) * ldm + t0;
      __m512 q[SY_WINOGRAD_POINTS];
      for (int xi = 0; xi < SY_WINOGRAD_POINTS; ++xi)
        q[xi] = _mm512_loadu_ps(src + xi * xiStride);
      __m512 bias = _mm512_set1_ps(jb->bias ? jb->bias[mo] : 0.f);
      float *yplane = jb->y + mo * plane;
      for (int r = 0; r < 2; ++r) {
        /* A^T M: row r of the four columns, then (A^T M) A. */
        __m512 s[4];
        for (int k = 0; k < 4; ++k)
          s[k] = r == 0 ? _mm512_add_ps(_mm512_add_ps(q[k], q[4 + k]),
                                        q[8 + k])
                        : _mm512_sub_ps(_mm512_sub_ps(q[4 + k], q[8 + k]),
                                        q[12 + k]);
        __m512 y0 = _mm512_add_ps(
            bias, _mm512_add_ps(_mm512_add_ps(s[0], s[1]), s[2]));
        __m512 y1 = _mm512_add_ps(
            bias, _mm512_sub_ps(_mm512_sub_ps(s[1], s[2]), s[3]));
        /* Columns 2tc and 2tc + 1 interleaved: floats of one output row. */
        __m512 e0 = _mm512_permutex2var_ps(y0, lo, y1);
        __m512 e1 = _mm512_permutex2var_ps(y0, hi, y1);
        for (int s2 = 0; s2 < numSegs; ++s2) {
          int64_t oy = 2 * segs[s2].tr + r;
          if (oy >= jb->oh)
            continue;
          float *dst = yplane + oy * jb->ow + segs[s2].off + jb->pl;
          __mmask16 k0 = (__mmask16)segs[s2].outMask;
          __mmask16 k1 = (__mmask16)(segs[s2].outMask >> 16);
          __m512 v0 = e0, v1 = e1;
          if (accumulate) {
            v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(k0, dst));
            v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(k1, dst + 16));
          }
          _mm512_mask_storeu_ps(dst, k0, v0);
          _mm512_mask_storeu_ps(dst + 16, k1, v1);
        }
      }
    }
  }
}

/* ---- AVX-512 transforms of F(4x4, 3x3): 16 tiles per vector ---- */

/* t0..t5 = B^T applied to d0..d5 (a patch row or column of 16 tiles). */
static inline SY_TARGET void bt43(const __m512 d[6], __m512 t[6]) {
  const __m512 four = _mm512_set1_ps(4.f), five = _mm512_set1_ps(5.f);
  __m512 a = _mm512_fnmadd_ps(four, d[2], d[4]); /* d4 - 4 d2 */
  __m512 b = _mm512_fnmadd_ps(four, d[1], d[3]); /* d3 - 4 d1 */
  __m512 c = _mm512_sub_ps(d[4], d[2]);
  __m512 e = _mm512_sub_ps(d[3], d[1]);
  e = _mm512_add_ps(e, e);
  t[0] = _mm512_fmadd_ps(four, d[0], _mm512_fnmadd_ps(five, d[2], d[4]));
  t[1] = _mm512_add_ps(a, b);
  t[2] = _mm512_sub_ps(a, b);
  t[3] = _mm512_add_ps(c, e);
  t[4] = _mm512_sub_ps(c, e);
  t[5] = _mm512_fmadd_ps(four, d[1], _mm512_fnmadd_ps(five, d[3], d[5]));
}

/* s0..s3 = A^T applied to q0..q5. */
static inline SY_TARGET void at43(const __m512 q[6], __m512 s[4]) {
  __m512 p = _mm512_add_ps(q[1], q[2]), mn = _mm512_sub_ps(q[1], q[2]);
  __m512 pp = _mm512_add_ps(q[3], q[4]), mm = _mm512_sub_ps(q[3], q[4]);
  s[0] = _mm512_add_ps(_mm512_add_ps(q[0], p), pp);
  s[1] = _mm512_fmadd_ps(_mm512_set1_ps(2.f), mm, mn);
  s[2] = _mm512_fmadd_ps(_mm512_set1_ps(4.f), pp, p);
  s[3] = _mm512_add_ps(_mm512_fmadd_ps(_mm512_set1_ps(8.f), mm, mn), q[5]);
}

static SY_TARGET void inputBlockAvx512F43(const wino_job *jb, int64_t j0,
                                          int64_t count, int64_t panels,
                                          float *v) {
  /* Lane L of a pair of loads (32 floats) takes float 4 (L % 8) + q: lanes
   * 0-7 from the first pair, 8-15 from the second, merged by a blend. */
  __m512i pick[4];
  for (int q = 0; q < 4; ++q)
    pick[q] = _mm512_add_epi32(
        _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 0, 4, 8, 12, 16, 20,
                          24, 28),
        _mm512_set1_epi32(q));
  int64_t c = jb->c, hw = jb->h * jb->w, xiStride = panels * c * P;
  for (int64_t t0 = 0; t0 < panels * P; t0 += 16) {
    float *dst = v + (t0 / P) * c * P + t0 % P;
    int64_t lanes = count - t0 < 16 ? count - t0 : 16;
    if (lanes <= 0) { /* past the block's tiles: zero lanes */
      for (int xi = 0; xi < SY_WINOGRAD_F43_POINTS; ++xi)
        for (int64_t ch = 0; ch < c; ++ch)
          _mm512_storeu_ps(dst + xi * xiStride + ch * P, _mm512_setzero_ps());
      continue;
    }
    wino_seg segs[16];
    int numSegs = segments(jb, j0 + t0, lanes, segs);
    enum { kNoRow = INT32_MIN };
    int64_t rowAt[16][6];
    for (int s = 0; s < numSegs; ++s)
      for (int i = 0; i < 6; ++i) {
        int64_t iy = 4 * segs[s].tr - jb->pt + i;
        rowAt[s][i] =
            iy >= 0 && iy < jb->h ? iy * jb->w + segs[s].off : kNoRow;
      }
    for (int64_t ch = 0; ch < c; ++ch) {
      const float *plane = jb->x + ch * hw;
      __m512 t[6][6]; /* t[i][b]: patch row i times B */
      for (int i = 0; i < 6; ++i) {
        __m512 f[4], g[4];
        for (int k = 0; k < 4; ++k)
          f[k] = g[k] = _mm512_setzero_ps();
        for (int s = 0; s < numSegs; ++s) {
          if (rowAt[s][i] == kNoRow)
            continue;
          const float *src = plane + rowAt[s][i];
          for (int k = 0; k < 4; ++k) {
            f[k] = _mm512_mask_loadu_ps(
                f[k], (__mmask16)(segs[s].mask0 >> (16 * k)), src + 16 * k);
            g[k] = _mm512_mask_loadu_ps(
                g[k], (__mmask16)(segs[s].maskT >> (16 * k)),
                src + 4 + 16 * k);
          }
        }
        __m512 d[6];
        for (int q = 0; q < 6; ++q) {
          const __m512 *src = q < 4 ? f : g;
          __m512i idx = pick[q < 4 ? q : q - 4];
          __m512 lo = _mm512_permutex2var_ps(src[0], idx, src[1]);
          __m512 hi = _mm512_permutex2var_ps(src[2], idx, src[3]);
          d[q] = _mm512_mask_mov_ps(lo, (__mmask16)0xFF00, hi);
        }
        bt43(d, t[i]);
      }
      float *out = dst + ch * P;
      for (int b = 0; b < 6; ++b) { /* B^T (d B), column b */
        __m512 col[6], vcol[6];
        for (int i = 0; i < 6; ++i)
          col[i] = t[i][b];
        bt43(col, vcol);
        for (int a = 0; a < 6; ++a)
          _mm512_storeu_ps(out + (6 * a + b) * xiStride, vcol[a]);
      }
    }
  }
}

static SY_TARGET void outputBlockAvx512F43(const wino_job *jb, int64_t j0,
                                           int64_t count, const float *mb,
                                           int64_t ldm, int64_t m0,
                                           int64_t rows) {
  /* y0..y3 (column k of 16 tiles) to the 64 floats of an output row:
   * interleave y0/y1 and y2/y3 by lane, then pairs of the two. */
  const __m512i zipLo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20,
                                          5, 21, 6, 22, 7, 23);
  const __m512i zipHi = _mm512_add_epi32(zipLo, _mm512_set1_epi32(8));
  const __m512i pairLo = _mm512_setr_epi32(0, 1, 16, 17, 2, 3, 18, 19, 4, 5,
                                           20, 21, 6, 7, 22, 23);
  const __m512i pairHi = _mm512_add_epi32(pairLo, _mm512_set1_epi32(8));
  int accumulate = (int)(jb->flags & SY_UK_ACCUMULATE);
  int64_t plane = jb->oh * jb->ow, xiStride = rows * ldm;
  for (int64_t t0 = 0; t0 < count; t0 += 16) {
    int64_t lanes = count - t0 < 16 ? count - t0 : 16;
    wino_seg segs[16];
    int numSegs = segments(jb, j0 + t0, lanes, segs);
    for (int64_t mo = m0; mo < m0 + rows; ++mo) {
      const float *src = mb + (mo - m0) * ldm + t0;
      __m512 s[4][6]; /* s[r][b]: A^T M */
      for (int b = 0; b < 6; ++b) {
        __m512 q[6], sc[4];
        for (int a = 0; a < 6; ++a)
          q[a] = _mm512_loadu_ps(src + (6 * a + b) * xiStride);
        at43(q, sc);
        for (int r = 0; r < 4; ++r)
          s[r][b] = sc[r];
      }
      __m512 bias = _mm512_set1_ps(jb->bias ? jb->bias[mo] : 0.f);
      float *yplane = jb->y + mo * plane;
      for (int r = 0; r < 4; ++r) {
        __m512 y[4];
        at43(s[r], y); /* (A^T M) A: row r's four columns */
        for (int k = 0; k < 4; ++k)
          y[k] = _mm512_add_ps(y[k], bias);
        __m512 z01lo = _mm512_permutex2var_ps(y[0], zipLo, y[1]);
        __m512 z01hi = _mm512_permutex2var_ps(y[0], zipHi, y[1]);
        __m512 z23lo = _mm512_permutex2var_ps(y[2], zipLo, y[3]);
        __m512 z23hi = _mm512_permutex2var_ps(y[2], zipHi, y[3]);
        __m512 e[4] = {_mm512_permutex2var_ps(z01lo, pairLo, z23lo),
                       _mm512_permutex2var_ps(z01lo, pairHi, z23lo),
                       _mm512_permutex2var_ps(z01hi, pairLo, z23hi),
                       _mm512_permutex2var_ps(z01hi, pairHi, z23hi)};
        for (int s2 = 0; s2 < numSegs; ++s2) {
          int64_t oy = 4 * segs[s2].tr + r;
          if (oy >= jb->oh)
            continue;
          float *dst = yplane + oy * jb->ow + segs[s2].off + jb->pl;
          for (int k = 0; k < 4; ++k) {
            __mmask16 km = (__mmask16)(segs[s2].outMask >> (16 * k));
            if (!km)
              continue;
            __m512 val = e[k];
            if (accumulate)
              val = _mm512_add_ps(val, _mm512_maskz_loadu_ps(km, dst + 16 * k));
            _mm512_mask_storeu_ps(dst + 16 * k, km, val);
          }
        }
      }
    }
  }
}

/* ---- blocks ---- */

static void runBlocks(void *env, int64_t begin, int64_t end) {
  const wino_job *jb = (const wino_job *)env;
  int64_t tb = jb->blockTiles, xis = jb->points;
  size_t vFloats = (size_t)xis * jb->c * tb,
         mFloats = (size_t)xis * jb->chunkRows * tb;
  size_t bytes = (vFloats + mFloats + sy_gemm_scratch_floats()) * sizeof(float);
  void *owned;
  float *v = (float *)sy_rt_scratch_or_alloc(bytes, &owned);
  if (!v) {
    sy_rt_kernel_out_of_memory(bytes);
    return;
  }
  float *mb = v + vFloats, *gemmScratch = mb + mFloats;
  int64_t gemmFlags = (jb->simd ? 0 : SY_UK_PORTABLE) |
                      (jb->flags & SY_UK_A_PANELS);
  /* U[xi] is m x c, or its micro-panels (rows padded to 12); a chunk of
   * rows starting at a multiple of 12 starts at row * c in both. */
  size_t uFloats = jb->flags & SY_UK_A_PANELS
                       ? (size_t)sy_gemm_a_panels_floats(jb->m, jb->c)
                       : (size_t)jb->m * jb->c;
  for (int64_t item = begin; item < end; ++item) {
    int64_t blk = item / jb->mChunks, m0 = item % jb->mChunks * jb->chunkRows;
    int64_t rows = jb->m - m0 < jb->chunkRows ? jb->m - m0 : jb->chunkRows;
    int64_t j0 = blk * tb;
    int64_t count = jb->tiles - j0 < tb ? jb->tiles - j0 : tb;
    int64_t panels = (count + P - 1) / P, cols = panels * P;
    if (!jb->simd)
      inputBlockPortable(jb, j0, count, panels, v);
    else if (jb->tile == 2)
      inputBlockAvx512(jb, j0, count, panels, v);
    else
      inputBlockAvx512F43(jb, j0, count, panels, v);
    for (int xi = 0; xi < xis; ++xi) {
      sy_gemm_b b = {v + (size_t)xi * panels * jb->c * P, 0, 0, 0, 0, 0, 0,
                     0, 0, 0, 0, jb->c, NULL, NULL, 0};
      sy_gemm_block_with(rows, 0, cols, jb->c,
                         jb->u + xi * uFloats + m0 * jb->c, jb->c, &b, NULL,
                         mb + (size_t)xi * rows * cols, cols, gemmFlags,
                         gemmScratch);
    }
    if (!jb->simd)
      outputBlockPortable(jb, j0, count, mb, cols, m0, rows);
    else if (jb->tile == 2)
      outputBlockAvx512(jb, j0, count, mb, cols, m0, rows);
    else
      outputBlockAvx512F43(jb, j0, count, mb, cols, m0, rows);
  }
  free(owned);
}

static void winograd(int tile, int64_t m, int64_t c, int64_t oh, int64_t ow,
                     intptr_t u, intptr_t x, int64_t h, int64_t w, int64_t pt,
                     int64_t pl, intptr_t bias, intptr_t y, int64_t flags) {
  if (m <= 0 || oh <= 0 || ow <= 0)
    return;
  wino_job jb = {m, c, oh, ow, h, w, pt, pl, flags,
                 (const float *)u, (const float *)x, (const float *)bias,
                 (float *)y, tile, tile + 2, (tile + 2) * (tile + 2),
                 (ow + tile - 1) / tile, 0, 0, 1, m, 0};
  jb.tiles = ((oh + tile - 1) / tile) * jb.tilesW;
  jb.simd = !(flags & SY_UK_PORTABLE) &&
            __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
  /* As many tiles per block as fit the budget, but at least two blocks per
   * thread when there are enough tiles, for the pool to balance. */
  int64_t perTile = jb.points * (c + m);
  int64_t tb = kBlockFloats / (perTile > 0 ? perTile : 1) / P * P;
  tb = tb < P ? P : tb > kMaxBlockTiles ? kMaxBlockTiles : tb;
  int64_t threads = sy_rt_num_threads();
  int64_t want = 2 * threads;
  int64_t even = (jb.tiles + want - 1) / want;
  even = (even + P - 1) / P * P;
  jb.blockTiles = even < tb ? even : tb;
  int64_t blocks = (jb.tiles + jb.blockTiles - 1) / jb.blockTiles;
  /* Fewer blocks than threads (a small image): split the output channels
   * too, in chunks of at least 24 rows (each chunk repeats the block's
   * input transform, cheap next to 24 rows of GEMMs). */
  if (blocks < threads && m >= 48) {
    int64_t chunks = (threads + blocks - 1) / blocks;
    int64_t rows = (m + chunks - 1) / chunks;
    rows = (rows + 11) / 12 * 12;
    rows = rows < 24 ? 24 : rows;
    jb.chunkRows = rows;
    jb.mChunks = (m + rows - 1) / rows;
  }
  sy_rt_parallel_for(blocks * jb.mChunks, runBlocks, &jb);
}

void sy_ukernel_conv2d_winograd(int64_t m, int64_t c, int64_t oh, int64_t ow,
                                intptr_t u, intptr_t x, int64_t h, int64_t w,
                                int64_t pt, int64_t pl, intptr_t bias,
                                intptr_t y, int64_t flags) {
  winograd(2, m, c, oh, ow, u, x, h, w, pt, pl, bias, y, flags);
}

void sy_ukernel_conv2d_winograd_f43(int64_t m, int64_t c, int64_t oh,
                                    int64_t ow, intptr_t u, intptr_t x,
                                    int64_t h, int64_t w, int64_t pt,
                                    int64_t pl, intptr_t bias, intptr_t y,
                                    int64_t flags) {
  winograd(4, m, c, oh, ow, u, x, h, w, pt, pl, bias, y, flags);
}
