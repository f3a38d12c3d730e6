/*===- attention.c - sy.sparse_attention: flash attention over visible blocks ===*
 *
 * The math is sy.sparse_attention's (dialects/sy/SyOps.td), the visibility
 * #sy.sparsity's (SyBase.td). Work items are (batch, query head, query
 * tile of at most 64 rows); each visits only the key ranges its tile can
 * see, in chunks of at most 64 keys, with an online softmax (running max
 * and sum per query row), so no score matrix is ever materialised.
 *
 * The AVX-512 body keeps a chunk's scores transposed, St[key][query], 64
 * query lanes wide: S^T = K_chunk * (scale * Q_tile)^T needs Q_tile
 * transposed once per tile (not K once per chunk), the per-row max and sum
 * of the softmax become vertical vector ops over the key rows, and
 * P * V broadcasts St[key][query] against rows of V. The element mask is
 * computed (integer compares on query lanes) only in chunks the tile sees
 * partially; the additive bias is added where given.
 *
 * The portable body computes the same per query row with scalar loops.
 *
 * With query offsets (a KV cache), batch b's query row q is key position
 * off[b] + q: visibility (keyRanges, chunkFull, maskChunk, visibleAt) works
 * on these absolute positions, while q, the bias and the output are
 * indexed by the row. Block tiles then follow the absolute block grid, so
 * a head has one block's tiles more than ceil(sq / block) needs (the
 * extra ones are empty when the offset is block aligned).
 *===----------------------------------------------------------------------===*/
#include "lib/Runtime/ModelDescriptor.h"
#include "lib/Runtime/ukernels/ukernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Query rows per tile and keys per chunk (the 64 query lanes of St). */
enum { TQ = 64, TK = 64 };

typedef struct {
  int64_t batch, hq, hk, sq, sk, d, dv, kind, left, right, global, block,
      layoutHeads, flags, bsB, bsH, bsQ, bsK;
  int causal; /* keys after the query's position are invisible */
  float scale;
  const float *q, *k, *v, *bias;
  const uint8_t *layout; /* [layoutHeads][qblocks][kblocks], blocks only */
  const int32_t *qoffsets; /* [batch] or NULL (see the header) */
  float *out;
  int64_t qblocks, kblocks, tileRows, tilesPerBlock, tilesPerHead, dvPad;
} attn_job;

typedef struct {
  int64_t lo, hi;
} key_range;

/* Batch b's query offset, clamped to [0, sk - sq] (an offset outside it is
 * reported: it would read keys past the cache). */
static int64_t queryOffset(const attn_job *j, int64_t b) {
  if (!j->qoffsets)
    return 0;
  int64_t off = j->qoffsets[b], last = j->sk - j->sq;
  if (off >= 0 && off <= last)
    return off;
  sy_rt_kernel_invalid_input("sparse attention: a query position is outside "
                             "the key/value cache (key_total_sequence_lengths "
                             "or total_sequence_length out of range)");
  return off < 0 || last < 0 ? 0 : last;
}

/* Absolute positions [*a0, *a1) of the query rows of tile `t` of a head
 * whose first row is at position `off`, and the query block holding them
 * (blocks only). Returns 0 for an empty tile (the short last block, or a
 * block the offset rows do not reach). */
static int tileRowsOf(const attn_job *j, int64_t t, int64_t off, int64_t *a0,
                      int64_t *a1, int64_t *qb) {
  int64_t end = off + j->sq;
  if (j->kind != SY_ATTN_BLOCKS) {
    *qb = 0;
    *a0 = off + t * TQ;
    *a1 = *a0 + TQ < end ? *a0 + TQ : end;
    return 1;
  }
  *qb = off / j->block + t / j->tilesPerBlock;
  int64_t blockEnd = (*qb + 1) * j->block < end ? (*qb + 1) * j->block : end;
  *a0 = *qb * j->block + (t % j->tilesPerBlock) * j->tileRows;
  *a1 = *a0 + j->tileRows < blockEnd ? *a0 + j->tileRows : blockEnd;
  *a0 = *a0 > off ? *a0 : off;
  return *a0 < *a1;
}

/* The keys the queries at positions [q0, q1) of head h can see, as sorted
 * disjoint ranges in r (room for kblocks + 2); returns their count. */
static int64_t keyRanges(const attn_job *j, int64_t h, int64_t q0, int64_t q1,
                         int64_t qb, key_range *r) {
  int64_t n = 0, sk = j->sk;
  if (j->kind == SY_ATTN_BLOCKS) {
    const uint8_t *row =
        j->layout + ((h % j->layoutHeads) * j->qblocks + qb) * j->kblocks;
    if (j->causal && q1 < sk)
      sk = q1; /* no key after the last query */
    for (int64_t kb = 0; kb < j->kblocks && kb * j->block < sk; ++kb) {
      if (!row[kb])
        continue;
      int64_t lo = kb * j->block, hi = lo + j->block < sk ? lo + j->block : sk;
      if (n && r[n - 1].hi == lo)
        r[n - 1].hi = hi;
      else
        r[n++] = (key_range){lo, hi};
    }
    return n;
  }
  if (q0 < j->global) { /* global query rows see every key */
    r[0] = (key_range){0, sk};
    return 1;
  }
  int64_t lo = j->kind == SY_ATTN_CAUSAL ? 0 : q0 - j->left;
  int64_t hi = j->kind == SY_ATTN_CAUSAL ? q1 : q1 + j->right;
  lo = lo < 0 ? 0 : lo;
  hi = hi > sk ? sk : hi;
  int64_t g = j->global < sk ? j->global : sk;
  if (g >= lo) { /* the global keys reach the window: one range */
    r[n++] = (key_range){0, hi > g ? hi : g};
    return n;
  }
  if (g > 0)
    r[n++] = (key_range){0, g};
  if (lo < hi)
    r[n++] = (key_range){lo, hi};
  return n;
}

/* visible(q, k) of query position q within the ranges keyRanges gave
 * (which hold whole blocks: only causality remains to check there). */
static inline int visibleAt(const attn_job *j, int64_t q, int64_t k) {
  if (j->kind == SY_ATTN_BLOCKS)
    return !j->causal || k <= q;
  if (q < j->global || k < j->global)
    return 1;
  if (j->kind == SY_ATTN_CAUSAL)
    return k <= q;
  return k >= q - j->left && k <= q + j->right;
}

/* True when every (q, k) in [q0, q1) x [k0, k1) is visible. */
static int chunkFull(const attn_job *j, int64_t q0, int64_t q1, int64_t k0,
                     int64_t k1) {
  if (j->kind == SY_ATTN_BLOCKS)
    return !j->causal || k1 - 1 <= q0;
  if (q1 <= j->global || k1 <= j->global)
    return 1;
  if (j->kind == SY_ATTN_CAUSAL)
    return k1 - 1 <= q0;
  return k0 >= q1 - 1 - j->left && k1 - 1 <= q0 + j->right;
}

static inline float biasAt(const attn_job *j, int64_t b, int64_t h, int64_t q,
                           int64_t k) {
  return j->bias[b * j->bsB + h * j->bsH + q * j->bsQ + k * j->bsK];
}

/* The finished row: o / l, a row that saw no key (l == 0, o == 0) NaN as
 * 0 / 0 gives, or 0 with SY_ATTN_ZERO_MASKED_ROWS. */
static void finishRow(const attn_job *j, const float *o, float l, float *dst) {
  int zero = l == 0.f && (j->flags & SY_ATTN_ZERO_MASKED_ROWS);
  for (int64_t x = 0; x < j->dv; ++x)
    dst[x] = zero ? 0.f : o[x] / l;
}

/*===- Portable body -------------------------------------------------------===*/

static void tilePortable(const attn_job *j, int64_t b, int64_t h, int64_t off,
                         int64_t a0, int64_t a1, int64_t qb, float *o,
                         key_range *r) {
  int64_t d = j->d, dv = j->dv, hkv = h / (j->hq / j->hk);
  const float *K = j->k + (b * j->hk + hkv) * j->sk * d;
  const float *V = j->v + (b * j->hk + hkv) * j->sk * dv;
  int64_t nr = keyRanges(j, h, a0, a1, qb, r);
  for (int64_t a = a0; a < a1; ++a) {
    int64_t q = a - off;
    const float *qrow = j->q + ((b * j->hq + h) * j->sq + q) * d;
    float m = -INFINITY, l = 0.f;
    memset(o, 0, (size_t)dv * sizeof(float));
    for (int64_t i = 0; i < nr; ++i)
      for (int64_t k = r[i].lo; k < r[i].hi; ++k) {
        if (!visibleAt(j, a, k))
          continue;
        float s = 0.f;
        for (int64_t x = 0; x < d; ++x)
          s += qrow[x] * K[k * d + x];
        s *= j->scale;
        if (j->bias)
          s += biasAt(j, b, h, q, k);
        if (s == -INFINITY)
          continue;
        if (s > m) {
          float alpha = expf(m - s);
          for (int64_t x = 0; x < dv; ++x)
            o[x] *= alpha;
          l *= alpha;
          m = s;
        }
        float p = expf(s - m);
        l += p;
        for (int64_t x = 0; x < dv; ++x)
          o[x] += p * V[k * dv + x];
      }
    finishRow(j, o, l, j->out + ((b * j->hq + h) * j->sq + q) * dv);
  }
}

/*===- AVX-512 body --------------------------------------------------------===*/

#if defined(__x86_64__)
#include <immintrin.h>

#define SY_TARGET __attribute__((target("avx512f,fma")))
#define SY_INLINE static inline SY_TARGET __attribute__((always_inline))

/* exp(x) to about 2 ulp: Cephes' polynomial on r = x - n ln 2 and a
 * scalef by 2^n. Below -80 the result is 0: a masked score (-inf) weighs
 * nothing, and weights under e^-80 of the row's largest are far below f32
 * resolution of the row's sum. Clamping there keeps every result a normal
 * number: results that underflow to denormals or zero take a microcode
 * assist per instruction on Intel cores (measured: 37% of a sliding-window
 * run). NaN passes through max/min (the second operand) and the
 * not-less-than compare, and stays NaN. */
SY_INLINE __m512 exp512(__m512 x) {
  __mmask16 keep = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-80.f), _CMP_NLT_UQ);
  x = _mm512_max_ps(_mm512_set1_ps(-80.f), x);
  x = _mm512_min_ps(_mm512_set1_ps(88.7f), x);
  __m512 n = _mm512_roundscale_ps(
      _mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.f)));
  return _mm512_maskz_mov_ps(keep, _mm512_scalef_ps(p, n));
}

/* St[j][0:16 NC] = sum_x K[j][x] * Qt[x][0:16 NC] for R key rows: only the
 * NC vectors of query lanes the tile fills (one when decoding). */
SY_INLINE void scoreRows(const float *K, int64_t d, const float *Qt, float *St,
                         const int R, const int NC) {
  __m512 acc[6][4];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < NC; ++c)
      acc[r][c] = _mm512_setzero_ps();
  for (int64_t x = 0; x < d; ++x) {
    __m512 qv[4];
    for (int c = 0; c < NC; ++c)
      qv[c] = _mm512_load_ps(Qt + x * TQ + 16 * c);
    for (int r = 0; r < R; ++r) {
      __m512 kb = _mm512_set1_ps(K[r * d + x]);
      for (int c = 0; c < NC; ++c)
        acc[r][c] = _mm512_fmadd_ps(kb, qv[c], acc[r][c]);
    }
  }
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < NC; ++c)
      _mm512_store_ps(St + r * TQ + 16 * c, acc[r][c]);
}

/* O[i][p:p+16 NV] = alpha[i] * O[i][...] + sum_j St[j][i] * V[j][...] for
 * R query rows from i, NV vectors of columns from p (`tail`: the lanes of
 * the last vector inside dv). */
SY_INLINE void updateRows(float *O, int64_t ldo, const float *alpha,
                          const float *St, const float *V, int64_t dv,
                          int64_t nk, int64_t i, int64_t p, __mmask16 tail,
                          const int R, const int NV) {
  __m512 acc[6][4];
  for (int r = 0; r < R; ++r) {
    __m512 a = _mm512_set1_ps(alpha[i + r]);
    for (int c = 0; c < NV; ++c)
      acc[r][c] = _mm512_mul_ps(a, _mm512_load_ps(O + (i + r) * ldo + p + 16 * c));
  }
  for (int64_t k = 0; k < nk; ++k) {
    __m512 vv[4];
    for (int c = 0; c < NV; ++c)
      vv[c] = c == NV - 1
                  ? _mm512_maskz_loadu_ps(tail, V + k * dv + p + 16 * c)
                  : _mm512_loadu_ps(V + k * dv + p + 16 * c);
    for (int r = 0; r < R; ++r) {
      __m512 pb = _mm512_set1_ps(St[k * TQ + i + r]);
      for (int c = 0; c < NV; ++c)
        acc[r][c] = _mm512_fmadd_ps(pb, vv[c], acc[r][c]);
    }
  }
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < NV; ++c)
      _mm512_store_ps(O + (i + r) * ldo + p + 16 * c, acc[r][c]);
}

#define SY_UPDATE_NV(NV)                                                       \
  do {                                                                         \
    int64_t i = 0;                                                             \
    for (; i + 6 <= nq; i += 6)                                                \
      updateRows(O, ldo, alpha, St, V, dv, nk, i, p, tail, 6, NV);             \
    for (; i < nq; ++i)                                                        \
      updateRows(O, ldo, alpha, St, V, dv, nk, i, p, tail, 1, NV);             \
  } while (0)

static SY_TARGET void updateOutput(float *O, int64_t ldo, const float *alpha,
                                   const float *St, const float *V, int64_t dv,
                                   int64_t nk, int64_t nq) {
  for (int64_t p = 0; p < dv; p += 64) {
    int64_t cols = dv - p < 64 ? dv - p : 64;
    int nv = (int)((cols + 15) / 16);
    int64_t last = cols - 16 * (nv - 1);
    __mmask16 tail = (__mmask16)(last == 16 ? 0xFFFF : (1u << last) - 1);
    switch (nv) {
    case 1: SY_UPDATE_NV(1); break;
    case 2: SY_UPDATE_NV(2); break;
    case 3: SY_UPDATE_NV(3); break;
    default: SY_UPDATE_NV(4); break;
    }
  }
}

/* Sets St[j][i] to -inf where (q0 + i, k0 + j) is not visible (q0 a
 * position). */
static SY_TARGET void maskChunk(const attn_job *j, float *St, int64_t q0,
                                int64_t k0, int64_t nk, int nc) {
  const __m512i iota = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5,
                                        4, 3, 2, 1, 0);
  const __m512 ninf = _mm512_set1_ps(-INFINITY);
  for (int64_t r = 0; r < nk; ++r) {
    int64_t k = k0 + r;
    if (k < j->global)
      continue;
    for (int c = 0; c < nc; ++c) {
      __m512i q = _mm512_add_epi32(_mm512_set1_epi32((int32_t)(q0 + 16 * c)), iota);
      __mmask16 vis;
      if (j->kind != SY_ATTN_WINDOW) /* causal, or causal blocks */
        vis = _mm512_cmpge_epi32_mask(q, _mm512_set1_epi32((int32_t)k));
      else
        vis = _mm512_cmple_epi32_mask(q, _mm512_set1_epi32((int32_t)(k + j->left))) &
              _mm512_cmpge_epi32_mask(q, _mm512_set1_epi32((int32_t)(k - j->right)));
      vis |= _mm512_cmplt_epi32_mask(q, _mm512_set1_epi32((int32_t)j->global));
      float *row = St + r * TQ + 16 * c;
      _mm512_store_ps(row, _mm512_mask_mov_ps(ninf, vis, _mm512_load_ps(row)));
    }
  }
}

#define SY_SCORE_NC(NC)                                                        \
  do {                                                                         \
    int64_t x = 0;                                                             \
    for (; x + 6 <= nk; x += 6)                                                \
      scoreRows(K + (k0 + x) * d, d, Qt, St + x * TQ, 6, NC);                  \
    for (; x < nk; ++x)                                                        \
      scoreRows(K + (k0 + x) * d, d, Qt, St + x * TQ, 1, NC);                  \
  } while (0)

/* One tile: scratch holds Qt [d][64], St [64][64], O [64][dvPad], m, l and
 * alpha [64] each, all 64-byte aligned. */
static SY_TARGET void tileAvx512(const attn_job *j, int64_t b, int64_t h,
                                 int64_t off, int64_t a0, int64_t a1,
                                 int64_t qb, float *scratch, key_range *r) {
  int64_t d = j->d, dv = j->dv, ldo = j->dvPad, nq = a1 - a0, q0 = a0 - off;
  int nc = (int)((nq + 15) / 16); /* vectors of query lanes in use */
  int64_t hkv = h / (j->hq / j->hk);
  const float *Q = j->q + ((b * j->hq + h) * j->sq + q0) * d;
  const float *K = j->k + (b * j->hk + hkv) * j->sk * d;
  const float *V = j->v + (b * j->hk + hkv) * j->sk * dv;
  float *Qt = scratch, *St = Qt + d * TQ, *O = St + TK * TQ;
  float *m = O + TQ * ldo, *l = m + TQ, *alpha = l + TQ;

  for (int64_t x = 0; x < d; ++x)
    for (int64_t i = 0; i < TQ; ++i)
      Qt[x * TQ + i] = i < nq ? j->scale * Q[i * d + x] : 0.f;
  memset(O, 0, (size_t)(TQ * ldo) * sizeof(float));
  for (int c = 0; c < 4; ++c) {
    _mm512_store_ps(m + 16 * c, _mm512_set1_ps(-INFINITY));
    _mm512_store_ps(l + 16 * c, _mm512_setzero_ps());
  }

  int64_t nr = keyRanges(j, h, a0, a1, qb, r);
  for (int64_t ri = 0; ri < nr; ++ri)
    for (int64_t k0 = r[ri].lo; k0 < r[ri].hi; k0 += TK) {
      int64_t nk = r[ri].hi - k0 < TK ? r[ri].hi - k0 : TK;
      switch (nc) {
      case 1: SY_SCORE_NC(1); break;
      case 2: SY_SCORE_NC(2); break;
      case 3: SY_SCORE_NC(3); break;
      default: SY_SCORE_NC(4); break;
      }
      if (!chunkFull(j, a0, a1, k0, k0 + nk))
        maskChunk(j, St, a0, k0, nk, nc);
      if (j->bias)
        for (int64_t y = 0; y < nk; ++y)
          for (int64_t i = 0; i < nq; ++i)
            St[y * TQ + i] += biasAt(j, b, h, q0 + i, k0 + y);

      /* Online softmax, 16 query lanes at a time. */
      for (int c = 0; c < nc; ++c) {
        __m512 mx = _mm512_set1_ps(-INFINITY);
        for (int64_t y = 0; y < nk; ++y)
          mx = _mm512_max_ps(mx, _mm512_load_ps(St + y * TQ + 16 * c));
        __m512 mold = _mm512_load_ps(m + 16 * c);
        __m512 mnew = _mm512_max_ps(mold, mx);
        /* A row with no visible key yet keeps weights exp(-inf) = 0. */
        __m512 msafe = _mm512_mask_mov_ps(
            mnew, _mm512_cmp_ps_mask(mnew, _mm512_set1_ps(-INFINITY), _CMP_EQ_OQ),
            _mm512_setzero_ps());
        __m512 a = exp512(_mm512_sub_ps(mold, msafe));
        __m512 sum = _mm512_setzero_ps();
        for (int64_t y = 0; y < nk; ++y) {
          float *row = St + y * TQ + 16 * c;
          __m512 p = exp512(_mm512_sub_ps(_mm512_load_ps(row), msafe));
          _mm512_store_ps(row, p);
          sum = _mm512_add_ps(sum, p);
        }
        _mm512_store_ps(l + 16 * c,
                        _mm512_fmadd_ps(_mm512_load_ps(l + 16 * c), a, sum));
        _mm512_store_ps(m + 16 * c, mnew);
        _mm512_store_ps(alpha + 16 * c, a);
      }
      updateOutput(O, ldo, alpha, St, V + k0 * dv, dv, nk, nq);
    }
  for (int64_t i = 0; i < nq; ++i)
    finishRow(j, O + i * ldo, l[i],
              j->out + ((b * j->hq + h) * j->sq + q0 + i) * dv);
}

static int haveAvx512(void) {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
}
#else
static int haveAvx512(void) { return 0; }
static void tileAvx512(const attn_job *j, int64_t b, int64_t h, int64_t off,
                       int64_t a0, int64_t a1, int64_t qb, float *scratch,
                       key_range *r) {
  (void)j, (void)b, (void)h, (void)off, (void)a0, (void)a1, (void)qb,
      (void)scratch, (void)r;
}
#endif

/*===- Work items ----------------------------------------------------------===*/

static size_t scratchFloats(const attn_job *j) {
  return (size_t)(j->d * TQ + TK * TQ + TQ * j->dvPad + 3 * TQ);
}

static void attentionItems(void *env, int64_t begin, int64_t end) {
  const attn_job *j = (const attn_job *)env;
  int simd = !(j->flags & SY_UK_PORTABLE) && haveAvx512();
  size_t floats = scratchFloats(j);
  size_t rangeBytes = (size_t)(j->kblocks + 2) * sizeof(key_range);
  void *owned;
  float *scratch = (float *)sy_rt_scratch_or_alloc(
      floats * sizeof(float) + rangeBytes, &owned);
  if (!scratch) {
    sy_rt_kernel_out_of_memory(floats * sizeof(float) + rangeBytes);
    return;
  }
  key_range *r = (key_range *)(scratch + floats);
  for (int64_t item = begin; item < end; ++item) {
    int64_t t = item % j->tilesPerHead, bh = item / j->tilesPerHead;
    int64_t b = bh / j->hq, h = bh % j->hq, a0, a1, qb;
    int64_t off = queryOffset(j, b);
    if (!tileRowsOf(j, t, off, &a0, &a1, &qb))
      continue;
    if (simd)
      tileAvx512(j, b, h, off, a0, a1, qb, scratch, r);
    else
      tilePortable(j, b, h, off, a0, a1, qb, scratch, r);
  }
  free(owned);
}

void sy_ukernel_sparse_attention(intptr_t params, intptr_t q, intptr_t k,
                                 intptr_t v, intptr_t bias, intptr_t layout,
                                 intptr_t qoffsets, intptr_t out) {
  const int64_t *p = (const int64_t *)params;
  attn_job j;
  j.batch = p[SY_ATTN_BATCH];
  j.hq = p[SY_ATTN_HQ];
  j.hk = p[SY_ATTN_HK];
  j.sq = p[SY_ATTN_SQ];
  j.sk = p[SY_ATTN_SK];
  j.d = p[SY_ATTN_D];
  j.dv = p[SY_ATTN_DV];
  j.kind = p[SY_ATTN_KIND];
  j.left = p[SY_ATTN_LEFT];
  j.right = p[SY_ATTN_RIGHT];
  j.global = p[SY_ATTN_GLOBAL];
  j.block = p[SY_ATTN_BLOCK];
  j.layoutHeads = p[SY_ATTN_LAYOUT_HEADS];
  j.flags = p[SY_ATTN_FLAGS];
  j.bsB = p[SY_ATTN_BIAS_STRIDE_B];
  j.bsH = p[SY_ATTN_BIAS_STRIDE_H];
  j.bsQ = p[SY_ATTN_BIAS_STRIDE_Q];
  j.bsK = p[SY_ATTN_BIAS_STRIDE_K];
  int32_t scaleBits = (int32_t)p[SY_ATTN_SCALE_BITS];
  memcpy(&j.scale, &scaleBits, sizeof(float));
  j.q = (const float *)q;
  j.k = (const float *)k;
  j.v = (const float *)v;
  j.bias = (const float *)bias;
  j.layout = (const uint8_t *)layout;
  j.qoffsets = (const int32_t *)qoffsets;
  j.causal = j.kind == SY_ATTN_CAUSAL ||
             (j.kind == SY_ATTN_BLOCKS && (j.flags & SY_ATTN_CAUSAL_BLOCKS));
  j.out = (float *)out;
  if (j.batch <= 0 || j.hq <= 0 || j.sq <= 0 || j.dv <= 0)
    return;
  if (j.kind == SY_ATTN_BLOCKS) {
    /* Query blocks: of the queries' positions, keys' with offsets. */
    int64_t qpos = j.qoffsets ? j.sk : j.sq;
    j.qblocks = (qpos + j.block - 1) / j.block;
    j.kblocks = (j.sk + j.block - 1) / j.block;
    j.tileRows = j.block < TQ ? j.block : TQ;
    j.tilesPerBlock = (j.block + j.tileRows - 1) / j.tileRows;
    int64_t spanned = (j.sq + j.block - 1) / j.block + (j.qoffsets ? 1 : 0);
    j.tilesPerHead =
        (spanned < j.qblocks ? spanned : j.qblocks) * j.tilesPerBlock;
  } else {
    j.qblocks = j.kblocks = 0;
    j.tileRows = TQ;
    j.tilesPerBlock = 1;
    j.tilesPerHead = (j.sq + TQ - 1) / TQ;
  }
  j.dvPad = (j.dv + 15) / 16 * 16;
  sy_rt_parallel_for(j.batch * j.hq * j.tilesPerHead, attentionItems, &j);
}
