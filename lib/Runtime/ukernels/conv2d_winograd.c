/*===- conv2d_winograd.c - 3x3 convolution by Winograd F(2x2, 3x3) -------===*
 *
 * Each 2x2 tile of output positions (tile j = tr * tilesW + tc covers rows
 * 2tr, 2tr+1 and columns 2tc, 2tc+1) comes from a 4x4 patch of x: V = B^T d B
 * per input channel, then for each of the 16 points xi an ordinary GEMM
 *   M[xi][m][tiles] = U[xi][m][c] x V[xi][c][tiles]
 * and the output tile A^T M A (plus bias). 16 GEMMs of m x c x tiles do the
 * work of the direct convolution's m x 9c x 4tiles: 2.25x fewer FMAs, for
 * transforms that are additions only. U comes transformed (winograd.h).
 *
 * Tiles go in blocks (the work items of the pool): a block's V is written
 * straight into the 32-column panels the GEMM body reads (gemm.h's
 * prepacked form, [xi][panel][c][32]), so the GEMMs pack nothing but U (and
 * not U either when it comes as micro-panels, SY_UK_A_PANELS: the compiler
 * lays constant filters out so), and V, M and the packing buffers of one
 * block stay in L2. The AVX-512
 * transforms take 16 tiles per vector, which may cross rows of tiles (each
 * row a segment with its own masks, as conv2d's packer does): a stride-2
 * deinterleave of two masked loads gives a patch column for 16 tiles.
 *===----------------------------------------------------------------------===*/
#include "lib/Runtime/ModelDescriptor.h"
#include "lib/Runtime/ukernels/gemm.h"
#include "lib/Runtime/ukernels/ukernels.h"
#include "lib/Runtime/ukernels/winograd.h"

#include <immintrin.h>
#include <stdlib.h>

#define SY_TARGET __attribute__((target("avx512f,fma")))

enum { P = SY_GEMM_PANEL, XI = SY_WINOGRAD_POINTS };

/* Transformed tiles (V) and products (M) of a block take at most about this
 * many floats, so that they stay in a 2 MiB L2 with the packing buffers. */
enum { kBlockFloats = 256 * 1024, kMaxBlockTiles = 256 };

typedef struct {
  int64_t m, c, oh, ow, h, w, pt, pl, flags;
  const float *u, *x, *bias;
  float *y;
  int64_t tilesW, tiles, blockTiles; /* blockTiles: a multiple of P */
  int simd;
} wino_job;

/* ---- portable transforms (also the SIMD path's reference in tests) ---- */

/* V = B^T d B for a 4x4 patch d. */
static void inputTile(const float d[4][4], float v[XI]) {
  float t[4][4];
  for (int q = 0; q < 4; ++q) {
    t[0][q] = d[0][q] - d[2][q];
    t[1][q] = d[1][q] + d[2][q];
    t[2][q] = d[2][q] - d[1][q];
    t[3][q] = d[1][q] - d[3][q];
  }
  for (int a = 0; a < 4; ++a) {
    v[4 * a + 0] = t[a][0] - t[a][2];
    v[4 * a + 1] = t[a][1] + t[a][2];
    v[4 * a + 2] = t[a][2] - t[a][1];
    v[4 * a + 3] = t[a][1] - t[a][3];
  }
}

/* The block's tiles [j0, j0 + count) into V[xi][panel][c][P]; lanes past
 * `count` in the last panel are zero. */
static void inputBlockPortable(const wino_job *jb, int64_t j0, int64_t count,
                               int64_t panels, float *v) {
  int64_t c = jb->c;
  for (int64_t t = 0; t < panels * P; ++t) {
    int64_t j = j0 + t, tr = j / jb->tilesW, tc = j % jb->tilesW;
    for (int64_t ch = 0; ch < c; ++ch) {
      float d[4][4], out[XI];
      const float *plane = jb->x + ch * jb->h * jb->w;
      for (int i = 0; i < 4; ++i)
        for (int q = 0; q < 4; ++q) {
          int64_t iy = 2 * tr - jb->pt + i, ix = 2 * tc - jb->pl + q;
          d[i][q] = t < count && iy >= 0 && iy < jb->h && ix >= 0 &&
                            ix < jb->w
                        ? plane[iy * jb->w + ix]
                        : 0.f;
        }
      inputTile(d, out);
      for (int xi = 0; xi < XI; ++xi)
        v[((xi * panels + t / P) * c + ch) * P + t % P] = out[xi];
    }
  }
}

/* y (+)= bias + A^T M A for the block's tiles; M is [xi][m][ldm]. */
static void outputBlockPortable(const wino_job *jb, int64_t j0, int64_t count,
                                const float *mb, int64_t ldm) {
  for (int64_t mo = 0; mo < jb->m; ++mo) {
    float *plane = jb->y + mo * jb->oh * jb->ow;
    float b = jb->bias ? jb->bias[mo] : 0.f;
    for (int64_t t = 0; t < count; ++t) {
      float s[2][4], q[XI];
      for (int xi = 0; xi < XI; ++xi)
        q[xi] = mb[(xi * jb->m + mo) * ldm + t];
      for (int k = 0; k < 4; ++k) {
        s[0][k] = q[k] + q[4 + k] + q[8 + k];
        s[1][k] = q[4 + k] - q[8 + k] - q[12 + k];
      }
      int64_t j = j0 + t, tr = j / jb->tilesW, tc = j % jb->tilesW;
      for (int r = 0; r < 2; ++r) {
        float out[2] = {s[r][0] + s[r][1] + s[r][2],
                        s[r][1] - s[r][2] - s[r][3]};
        int64_t oy = 2 * tr + r;
        for (int k = 0; k < 2; ++k) {
          int64_t ox = 2 * tc + k;
          if (oy >= jb->oh || ox >= jb->ow)
            continue;
          float *dst = plane + oy * jb->ow + ox;
          *dst = (jb->flags & SY_UK_ACCUMULATE ? *dst : 0.f) + b + out[k];
        }
      }
    }
  }
}

/* ---- AVX-512 transforms: 16 tiles per vector ---- */

/* The tiles of 16 consecutive lanes that share a row of tiles. `off` is
 * the x column that float 0 of a 32-float load stands for (lane L's patch
 * columns are floats 2L .. 2L+3 of the loads at off and off + 2); masks
 * keep the segment's lanes inside x's columns. */
typedef struct {
  int64_t tr, off;
  uint32_t mask0, mask2; /* loads at off and at off + 2 */
  uint32_t outMask;      /* output floats (two per lane) inside the row */
} wino_seg;

/* Segments of tiles [j, j + lanes), lanes <= 16; returns their number. */
static int segments(const wino_job *jb, int64_t j, int64_t lanes,
                    wino_seg *segs) {
  int n = 0;
  for (int64_t a = 0; a < lanes;) {
    int64_t tr = (j + a) / jb->tilesW, tc = (j + a) % jb->tilesW;
    int64_t len = jb->tilesW - tc < lanes - a ? jb->tilesW - tc : lanes - a;
    int64_t off = 2 * (tc - a) - jb->pl;
    uint32_t laneBits = sy_lane_range(2 * a, 2 * (a + len));
    segs[n].tr = tr;
    segs[n].off = off;
    segs[n].mask0 = laneBits & sy_lane_range(-off, jb->w - off);
    segs[n].mask2 = laneBits & sy_lane_range(-off - 2, jb->w - off - 2);
    /* Output column of float f: 2 (tc - a) + f. */
    segs[n].outMask = laneBits & sy_lane_range(0, jb->ow - 2 * (tc - a));
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
      for (int xi = 0; xi < XI; ++xi)
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
          uint32_t m0 = segs[s].mask0, m2 = segs[s].mask2;
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
                                        int64_t ldm) {
  const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5,
                                       21, 6, 22, 7, 23);
  const __m512i hi = _mm512_add_epi32(lo, _mm512_set1_epi32(8));
  int accumulate = (int)(jb->flags & SY_UK_ACCUMULATE);
  int64_t plane = jb->oh * jb->ow, xiStride = jb->m * ldm;
  for (int64_t t0 = 0; t0 < count; t0 += 16) {
    int64_t lanes = count - t0 < 16 ? count - t0 : 16;
    wino_seg segs[16];
    int numSegs = segments(jb, j0 + t0, lanes, segs);
    for (int64_t mo = 0; mo < jb->m; ++mo) {
      const float *src = mb + mo * ldm + t0;
      __m512 q[XI];
      for (int xi = 0; xi < XI; ++xi)
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

/* ---- blocks ---- */

static void runBlocks(void *env, int64_t begin, int64_t end) {
  const wino_job *jb = (const wino_job *)env;
  int64_t tb = jb->blockTiles;
  size_t vFloats = (size_t)XI * jb->c * tb, mFloats = (size_t)XI * jb->m * tb;
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
  /* U[xi] is m x c, or its micro-panels (rows padded to 12). */
  size_t uFloats = jb->flags & SY_UK_A_PANELS
                       ? (size_t)sy_gemm_a_panels_floats(jb->m, jb->c)
                       : (size_t)jb->m * jb->c;
  for (int64_t blk = begin; blk < end; ++blk) {
    int64_t j0 = blk * tb;
    int64_t count = jb->tiles - j0 < tb ? jb->tiles - j0 : tb;
    int64_t panels = (count + P - 1) / P, cols = panels * P;
    if (jb->simd)
      inputBlockAvx512(jb, j0, count, panels, v);
    else
      inputBlockPortable(jb, j0, count, panels, v);
    for (int xi = 0; xi < XI; ++xi) {
      sy_gemm_b b = {v + (size_t)xi * panels * jb->c * P, 0, 0, 0, 0, 0, 0,
                     0, 0, 0, 0, jb->c, NULL, NULL, 0};
      sy_gemm_block_with(jb->m, 0, cols, jb->c, jb->u + xi * uFloats,
                         jb->c, &b, NULL, mb + (size_t)xi * jb->m * cols, cols,
                         gemmFlags, gemmScratch);
    }
    if (jb->simd)
      outputBlockAvx512(jb, j0, count, mb, cols);
    else
      outputBlockPortable(jb, j0, count, mb, cols);
  }
  free(owned);
}

void sy_ukernel_conv2d_winograd(int64_t m, int64_t c, int64_t oh, int64_t ow,
                                intptr_t u, intptr_t x, int64_t h, int64_t w,
                                int64_t pt, int64_t pl, intptr_t bias,
                                intptr_t y, int64_t flags) {
  if (m <= 0 || oh <= 0 || ow <= 0)
    return;
  wino_job jb = {m, c, oh, ow, h, w, pt, pl, flags,
                 (const float *)u, (const float *)x, (const float *)bias,
                 (float *)y, (ow + 1) / 2, 0, 0, 0};
  jb.tiles = ((oh + 1) / 2) * jb.tilesW;
  jb.simd = !(flags & SY_UK_PORTABLE) &&
            __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
  /* As many tiles per block as fit the budget, but at least two blocks per
   * thread when there are enough tiles, for the pool to balance. */
  int64_t perTile = XI * (c + m);
  int64_t tb = kBlockFloats / (perTile > 0 ? perTile : 1) / P * P;
  tb = tb < P ? P : tb > kMaxBlockTiles ? kMaxBlockTiles : tb;
  int64_t want = 2 * (int64_t)sy_rt_num_threads();
  int64_t even = (jb.tiles + want - 1) / want;
  even = (even + P - 1) / P * P;
  jb.blockTiles = even < tb ? even : tb;
  int64_t blocks = (jb.tiles + jb.blockTiles - 1) / jb.blockTiles;
  sy_rt_parallel_for(blocks, runBlocks, &jb);
}
