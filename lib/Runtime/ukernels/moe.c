/*===- moe.c - Mixture-of-Experts micro-kernels ----------------------------===*
 *
 * The runtime half of the sy MoE ops (dialects/sy/SyOps.td states the math
 * these implement):
 *   sy_ukernel_moe_route_dispatch  sy.route, optionally fused with the
 *                                  sy.dispatch that consumes its ids;
 *   sy_ukernel_moe_dispatch        sy.dispatch on its own;
 *   sy_ukernel_grouped_sgemm       sy.grouped_matmul: one packed GEMM per
 *                                  expert group, bias, activation and row
 *                                  scale applied to each tile while it is
 *                                  in cache;
 *   sy_ukernel_moe_combine         sy.combine;
 *   sy_ukernel_moe_dispatch_weights  sy.dispatch_weights.
 * Only the rows routing selected are computed: the work of the grouped GEMM
 * is proportional to T*K, not T*E.
 *===----------------------------------------------------------------------===*/
#include "lib/Runtime/ModelDescriptor.h"
#include "lib/Runtime/ukernels/gemm.h"
#include "lib/Runtime/ukernels/ukernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*===----------------------------------------------------------------------===*
 * Routing and dispatch
 *===----------------------------------------------------------------------===*/

/* Per-expert counters: on the stack for the usual expert counts. */
enum { kStackExperts = 1024 };

/* Picks the k largest keys (ties: lower id first) of one token. */
static void topK(const float *key, int64_t e, int64_t k, int64_t *ids) {
  for (int64_t j = 0; j < k; ++j) {
    int64_t best = -1;
    for (int64_t x = 0; x < e; ++x) {
      int taken = 0;
      for (int64_t q = 0; q < j; ++q)
        taken |= ids[q] == x;
      if (taken)
        continue;
      /* NaN keys lose against every number, as in a descending sort that
       * puts NaN last; an all-NaN row still picks the lowest free ids. */
      if (best < 0 || key[x] > key[best] ||
          (isnan(key[best]) && !isnan(key[x])))
        best = x;
    }
    ids[j] = best;
  }
}

static void routeToken(const float *logits, const float *bias, int64_t e,
                       int64_t k, int64_t mode, int64_t flags, float scale,
                       float *score, float *key, int64_t *ids, float *w) {
  if (mode == SY_MOE_SOFTMAX_TOPK) {
    float mx = -INFINITY, sum = 0.f;
    for (int64_t x = 0; x < e; ++x)
      mx = logits[x] > mx ? logits[x] : mx;
    for (int64_t x = 0; x < e; ++x)
      sum += (score[x] = expf(logits[x] - mx));
    for (int64_t x = 0; x < e; ++x)
      score[x] /= sum;
  } else if (mode == SY_MOE_SIGMOID_TOPK) {
    for (int64_t x = 0; x < e; ++x)
      score[x] = 1.f / (1.f + expf(-logits[x]));
  } else {
    for (int64_t x = 0; x < e; ++x)
      score[x] = logits[x];
  }
  for (int64_t x = 0; x < e; ++x)
    key[x] = bias ? score[x] + bias[x] : score[x];
  topK(key, e, k, ids);
  if (mode == SY_MOE_TOPK_SOFTMAX) {
    float mx = -INFINITY, sum = 0.f;
    for (int64_t j = 0; j < k; ++j)
      mx = score[ids[j]] > mx ? score[ids[j]] : mx;
    for (int64_t j = 0; j < k; ++j)
      sum += (w[j] = expf(score[ids[j]] - mx));
    for (int64_t j = 0; j < k; ++j)
      w[j] /= sum;
  } else {
    for (int64_t j = 0; j < k; ++j)
      w[j] = score[ids[j]];
  }
  if (flags & SY_MOE_RENORMALIZE) {
    float sum = 0.f;
    for (int64_t j = 0; j < k; ++j)
      sum += w[j];
    for (int64_t j = 0; j < k; ++j)
      w[j] /= sum;
  }
  for (int64_t j = 0; j < k; ++j)
    w[j] *= scale;
}

/* GShard/Switch token dropping: assignments visited choice-major keep their
 * expert while it has fewer than `capacity` kept assignments. */
static void applyCapacity(int64_t t, int64_t e, int64_t k, int64_t capacity,
                          int64_t *ids, float *w, int64_t *kept) {
  memset(kept, 0, (size_t)e * sizeof(int64_t));
  for (int64_t j = 0; j < k; ++j)
    for (int64_t i = 0; i < t; ++i) {
      int64_t x = ids[i * k + j];
      if (x < 0 || x >= e)
        continue;
      if (kept[x] < capacity) {
        ++kept[x];
      } else {
        ids[i * k + j] = -1;
        w[i * k + j] = 0.f;
      }
    }
}

/* GShard top-2's gates renormalised after dropping: each token's weights
 * (dropped ones are 0) divided by max(their sum, floor); all-zero stays. */
static void renormalizeKept(int64_t t, int64_t k, float floor, float *w) {
  for (int64_t i = 0; i < t; ++i) {
    float sum = 0.f;
    for (int64_t j = 0; j < k; ++j)
      sum += w[i * k + j];
    if (sum == 0.f)
      continue;
    float d = sum > floor ? sum : floor;
    for (int64_t j = 0; j < k; ++j)
      w[i * k + j] /= d;
  }
}

/* Dispatch proper: CSR offsets over experts, stable rows, token copies. */
static void dispatchRows(int64_t t, int64_t k, int64_t e, int64_t h,
                         int64_t rows, const float *tokens, const int64_t *ids,
                         float *permuted, int64_t *offsets, int64_t *inverse,
                         int64_t *cursor) {
  memset(offsets, 0, (size_t)(e + 1) * sizeof(int64_t));
  for (int64_t a = 0; a < t * k; ++a)
    if (ids[a] >= 0 && ids[a] < e)
      ++offsets[ids[a] + 1];
  for (int64_t x = 0; x < e; ++x)
    offsets[x + 1] += offsets[x];
  memcpy(cursor, offsets, (size_t)e * sizeof(int64_t));
  for (int64_t a = 0; a < t * k; ++a) {
    int64_t x = ids[a];
    if (x < 0 || x >= e) {
      inverse[a] = -1;
      continue;
    }
    int64_t p = cursor[x]++;
    inverse[a] = p;
    memcpy(permuted + p * h, tokens + (a / k) * h, (size_t)h * sizeof(float));
  }
  if (rows > offsets[e])
    memset(permuted + offsets[e] * h, 0,
           (size_t)((rows - offsets[e]) * h) * sizeof(float));
}

/* Three arrays of `e` elements: scores, keys and per-expert counters. */
typedef struct {
  int64_t stackCounts[kStackExperts];
  float stackScores[2 * kStackExperts];
  void *heap;
  float *score, *key;
  int64_t *counts;
} expert_temps;

static int tempsInit(expert_temps *tt, int64_t e) {
  tt->heap = NULL;
  if (e <= kStackExperts) {
    tt->score = tt->stackScores;
    tt->key = tt->stackScores + e;
    tt->counts = tt->stackCounts;
    return 1;
  }
  size_t bytes = (size_t)e * (2 * sizeof(float) + sizeof(int64_t));
  tt->heap = malloc(bytes);
  if (!tt->heap) {
    sy_rt_kernel_out_of_memory(bytes);
    return 0;
  }
  tt->counts = (int64_t *)tt->heap;
  tt->score = (float *)(tt->counts + e);
  tt->key = tt->score + e;
  return 1;
}

void sy_ukernel_moe_route_dispatch(int64_t t, int64_t e, int64_t k,
                                   intptr_t logits, intptr_t correction_bias,
                                   int64_t mode, int64_t flags,
                                   int64_t capacity, int64_t scale_bits,
                                   int64_t kept_floor_bits, intptr_t ids,
                                   intptr_t weights, int64_t h,
                                   int64_t rows, intptr_t tokens,
                                   intptr_t permuted, intptr_t offsets,
                                   intptr_t inverse) {
  expert_temps tt;
  if (t <= 0 || e <= 0 || k <= 0 || k > e || !tempsInit(&tt, e))
    return;
  uint32_t bits = (uint32_t)scale_bits;
  float scale;
  memcpy(&scale, &bits, sizeof(scale));
  int64_t *id = (int64_t *)ids;
  float *w = (float *)weights;
  for (int64_t i = 0; i < t; ++i)
    routeToken((const float *)logits + i * e, (const float *)correction_bias,
               e, k, mode, flags, scale, tt.score, tt.key, id + i * k,
               w + i * k);
  if (capacity > 0)
    applyCapacity(t, e, k, capacity, id, w, tt.counts);
  if (flags & SY_MOE_RENORMALIZE_KEPT) {
    uint32_t floorBits = (uint32_t)kept_floor_bits;
    float floor;
    memcpy(&floor, &floorBits, sizeof(floor));
    renormalizeKept(t, k, floor, w);
  }
  if (tokens)
    dispatchRows(t, k, e, h, rows, (const float *)tokens, id,
                 (float *)permuted, (int64_t *)offsets, (int64_t *)inverse,
                 tt.counts);
  free(tt.heap);
}

void sy_ukernel_moe_dispatch(int64_t t, int64_t k, int64_t e, int64_t h,
                             int64_t rows, intptr_t tokens, intptr_t ids,
                             intptr_t permuted, intptr_t offsets,
                             intptr_t inverse) {
  expert_temps tt;
  if (t <= 0 || k <= 0 || e <= 0 || !tempsInit(&tt, e))
    return;
  dispatchRows(t, k, e, h, rows, (const float *)tokens, (const int64_t *)ids,
               (float *)permuted, (int64_t *)offsets, (int64_t *)inverse,
               tt.counts);
  free(tt.heap);
}

/*===----------------------------------------------------------------------===*
 * Grouped GEMM
 *===----------------------------------------------------------------------===*/

/* Work items: rows of one expert x a range of output columns. The tile
 * sizes come from the compiler (sy-tile-grouped-matmul chooses them from
 * the static shapes; 0 takes the defaults below). Row tiles are whole
 * multiples of the 12-row register block, and a group is split into tiles
 * of equal size so that only its last register block is short; column
 * tiles are whole 32-column panels (64 for SwiGLU, whose tile holds the
 * gate and linear halves of its outputs). Each item packs its rows of A
 * again, so wider column tiles pack less: 512 GEMM columns rather than 256
 * took the loop form at 1024 tokens from 63.4 to 51.0 ms and at 256 from
 * 13.9 to 13.5 (hidden/FFN 1024, 8 experts top-2). */
enum { kDefaultTileRows = 192, kDefaultTileCols = 512, kRowBlock = 12 };

typedef struct {
  int32_t expert;
  int32_t c0, c1;   /* output columns */
  int64_t r0, r1;   /* rows of lhs / out */
} group_item;

typedef struct {
  int64_t k, n, nOut, activation, flags;
  const float *lhs, *rhs, *bias, *rowScale;
  float *y, *out;
  const group_item *items;
} group_job;

/* exp(x) to about 2 ulp, branch-free so that the epilogue loops
 * vectorize (libm's expf is a call per element, which cost as much as a
 * quarter of a SwiGLU layer). Cephes' polynomial on x - n ln 2, n rounded
 * with the 1.5 * 2^23 trick; x is clamped where exp over/underflows. */
static inline float expApprox(float x) {
  x = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
  float n = (x * 1.44269504088896341f + 12582912.f) - 12582912.f;
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.f;
  int32_t bits = ((int32_t)n + 127) * (1 << 23);
  float scale;
  memcpy(&scale, &bits, sizeof(scale));
  return p * scale;
}

static inline float silu(float v) { return v / (1.f + expApprox(-v)); }

/* The epilogues are built for AVX-512 as well as the baseline, the clone
 * picked at load time: vectorized 16 wide they cost a few percent of a
 * layer, where the baseline build took a tenth of it. */
#if defined(__x86_64__) && defined(__clang__)
#define SY_EPILOGUE __attribute__((target_clones("avx512f", "default")))
#else
#define SY_EPILOGUE
#endif

/* out[x] = silu(gate[x]) * lin[x] over [0, n), gate and lin read with a
 * stride (2 for interleaved halves, 1 for concatenated ones), bias added
 * first when given (same stride). */
SY_EPILOGUE static void swigluRow(const float *gate, const float *lin,
                                  const float *biasGate, const float *biasLin,
                                  int64_t stride, float *out, int64_t n) {
  if (biasGate) {
    for (int64_t x = 0; x < n; ++x) {
      float g = gate[x * stride] + biasGate[x * stride];
      out[x] = silu(g) * (lin[x * stride] + biasLin[x * stride]);
    }
    return;
  }
  if (stride == 2) {
    for (int64_t x = 0; x < n; ++x)
      out[x] = silu(gate[2 * x]) * lin[2 * x];
    return;
  }
  for (int64_t x = 0; x < n; ++x)
    out[x] = silu(gate[x]) * lin[x];
}

/* Applies the activation to n values in place, after adding bias (or not). */
SY_EPILOGUE static void activateRow(int64_t act, const float *bias, float *v, int64_t n) {
  if (bias)
    for (int64_t x = 0; x < n; ++x)
      v[x] += bias[x];
  switch (act) {
  case SY_ACT_RELU:
    for (int64_t x = 0; x < n; ++x)
      v[x] = v[x] > 0.f ? v[x] : 0.f;
    break;
  case SY_ACT_GELU:
    for (int64_t x = 0; x < n; ++x)
      v[x] = 0.5f * v[x] * (1.f + erff(v[x] * 0.70710678118654752f));
    break;
  case SY_ACT_GELU_TANH:
    /* tanh(u) = 1 - 2 / (exp(2u) + 1) */
    for (int64_t x = 0; x < n; ++x) {
      float u = 0.79788456080286536f * (v[x] + 0.044715f * v[x] * v[x] * v[x]);
      v[x] = 0.5f * v[x] * (2.f - 2.f / (expApprox(2.f * u) + 1.f));
    }
    break;
  case SY_ACT_SILU:
    for (int64_t x = 0; x < n; ++x)
      v[x] = silu(v[x]);
    break;
  default:
    break;
  }
}

/* v[x] *= s over [0, n): a row's routing weight, in the epilogue. */
SY_EPILOGUE static void scaleRow(float s, float *v, int64_t n) {
  for (int64_t x = 0; x < n; ++x)
    v[x] *= s;
}

static int isGated(int64_t activation) {
  return activation == SY_ACT_SWIGLU ||
         activation == SY_ACT_SWIGLU_INTERLEAVED;
}

/* Rows [*r0, *r1) of expert x's group, clipped to [first, last). */
static void groupRows(const int64_t *off, int64_t x, int64_t first,
                      int64_t last, int64_t *r0, int64_t *r1) {
  *r0 = off[x] < first ? first : off[x];
  *r1 = off[x + 1] > last ? last : off[x + 1];
}

/* Runs one item: its GEMM tile, then bias, activation and row scale while
 * the tile is in cache. */
static void runItem(const group_job *j, const group_item *g) {
  int gated = isGated(j->activation);
  int64_t rows = g->r1 - g->r0, c0 = g->c0, c1 = g->c1;
  const float *a = j->lhs + g->r0 * j->k;
  sy_gemm_b w = {j->rhs + (int64_t)g->expert * j->k * j->n, j->n,
                 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, 0};
  if (j->flags & SY_GROUPED_PREPACKED) {
    int64_t panels = (j->n + SY_GEMM_PANEL - 1) / SY_GEMM_PANEL;
    w.data = j->rhs + (int64_t)g->expert * panels * j->k * SY_GEMM_PANEL;
    w.panel_k = j->k;
  }
  const float *bias = j->bias ? j->bias + (int64_t)g->expert * j->n : NULL;
  if (!gated) {
    float *c = j->out + g->r0 * j->nOut;
    sy_gemm_block(rows, c0, c1, j->k, a, j->k, &w, NULL, c, j->nOut,
                  j->flags & SY_UK_PORTABLE);
    for (int64_t r = 0; r < rows; ++r) {
      float *cr = c + r * j->nOut + c0;
      activateRow(j->activation, bias ? bias + c0 : NULL, cr, c1 - c0);
      if (j->rowScale)
        scaleRow(j->rowScale[g->r0 + r], cr, c1 - c0);
    }
    return;
  }
  /* The gate and linear halves of the same output columns, into y. */
  int64_t half = j->n / 2;
  float *y = j->y + g->r0 * j->n;
  int interleaved = j->activation == SY_ACT_SWIGLU_INTERLEAVED;
  if (interleaved) {
    sy_gemm_block(rows, 2 * c0, 2 * c1, j->k, a, j->k, &w, NULL, y, j->n,
                  j->flags & SY_UK_PORTABLE);
  } else {
    sy_gemm_block(rows, c0, c1, j->k, a, j->k, &w, NULL, y, j->n,
                  j->flags & SY_UK_PORTABLE);
    sy_gemm_block(rows, half + c0, half + c1, j->k, a, j->k, &w, NULL, y,
                  j->n, j->flags & SY_UK_PORTABLE);
  }
  int64_t gate0 = interleaved ? 2 * c0 : c0;
  int64_t lin0 = interleaved ? 2 * c0 + 1 : half + c0;
  int64_t stride = interleaved ? 2 : 1;
  for (int64_t r = 0; r < rows; ++r) {
    const float *yr = y + r * j->n;
    float *outRow = j->out + (g->r0 + r) * j->nOut + c0;
    swigluRow(yr + gate0, yr + lin0, bias ? bias + gate0 : NULL,
              bias ? bias + lin0 : NULL, stride, outRow, c1 - c0);
    if (j->rowScale)
      scaleRow(j->rowScale[g->r0 + r], outRow, c1 - c0);
  }
}

/* The pool's contiguous chunks of items, in expert-major order: a chunk
 * then holds whole groups, whose rows stay in one core's L2 across their
 * column tiles. (Handing out items one at a time, largest first, balanced
 * no better with the routings measured and split groups across cores: the
 * loop form at 256 tokens ran 3% slower.) */
static void groupItems(void *env, int64_t begin, int64_t end) {
  const group_job *j = (const group_job *)env;
  for (int64_t it = begin; it < end; ++it)
    runItem(j, &j->items[it]);
}

void sy_ukernel_grouped_sgemm(int64_t e, int64_t m, int64_t k, int64_t n,
                              intptr_t lhs, intptr_t rhs, intptr_t offsets,
                              intptr_t bias, int64_t activation, intptr_t y,
                              intptr_t out, int64_t flags, int64_t tile_rows,
                              int64_t tile_cols, intptr_t row_scale) {
  int gated = isGated(activation);
  int64_t nOut = gated ? n / 2 : n;
  const int64_t *off = (const int64_t *)offsets;
  if (m <= 0 || nOut <= 0)
    return;
  /* Rows outside the groups are zero. */
  int64_t first = off[0] < 0 ? 0 : (off[0] > m ? m : off[0]);
  int64_t last = off[e] > m ? m : (off[e] < first ? first : off[e]);
  float *o = (float *)out;
  memset(o, 0, (size_t)(first * nOut) * sizeof(float));
  memset(o + last * nOut, 0, (size_t)((m - last) * nOut) * sizeof(float));

  /* Tiles in whole register blocks and panels; a gated tile covers two
   * GEMM columns per output column. */
  int64_t maxRows = tile_rows > 0 ? tile_rows : kDefaultTileRows;
  maxRows = (maxRows + kRowBlock - 1) / kRowBlock * kRowBlock;
  int64_t cols = tile_cols > 0 ? tile_cols : kDefaultTileCols;
  int64_t quantum = gated ? 2 * SY_GEMM_PANEL : SY_GEMM_PANEL;
  cols = (cols + quantum - 1) / quantum * quantum;
  int64_t tileCols = gated ? cols / 2 : cols;
  int64_t colTiles = (nOut + tileCols - 1) / tileCols;

  int64_t count = 0, r0, r1;
  for (int64_t x = 0; x < e; ++x) {
    groupRows(off, x, first, last, &r0, &r1);
    if (r1 > r0)
      count += (r1 - r0 + maxRows - 1) / maxRows * colTiles;
  }
  if (count == 0)
    return;
  group_item *items = malloc((size_t)count * sizeof(group_item));
  if (!items) {
    sy_rt_kernel_out_of_memory((size_t)count * sizeof(group_item));
    return;
  }
  int64_t it = 0;
  for (int64_t x = 0; x < e; ++x) {
    groupRows(off, x, first, last, &r0, &r1);
    if (r1 <= r0)
      continue;
    /* Equal tiles, in whole register blocks. */
    int64_t tiles = (r1 - r0 + maxRows - 1) / maxRows;
    int64_t per = (r1 - r0 + tiles - 1) / tiles;
    per = (per + kRowBlock - 1) / kRowBlock * kRowBlock;
    for (int64_t r = r0; r < r1; r += per)
      for (int64_t c = 0; c < nOut; c += tileCols) {
        group_item g = {(int32_t)x, (int32_t)c,
                        (int32_t)(c + tileCols < nOut ? c + tileCols : nOut),
                        r, r + per < r1 ? r + per : r1};
        items[it++] = g;
      }
  }
  count = it;
  group_job job = {k,
                   n,
                   nOut,
                   activation,
                   flags,
                   (const float *)lhs,
                   (const float *)rhs,
                   (const float *)bias,
                   (const float *)row_scale,
                   (float *)y,
                   o,
                   items};
  sy_rt_parallel_for(count, groupItems, &job);
  free(items);
}

/*===----------------------------------------------------------------------===*
 * Combine
 *===----------------------------------------------------------------------===*/

typedef struct {
  int64_t k, h, rows;
  const float *expertOut, *weights;
  const int64_t *inverse;
  float *out;
} combine_job;

static void combineTokens(void *env, int64_t begin, int64_t end) {
  const combine_job *j = (const combine_job *)env;
  for (int64_t t = begin; t < end; ++t) {
    float *o = j->out + t * j->h;
    memset(o, 0, (size_t)j->h * sizeof(float));
    for (int64_t q = 0; q < j->k; ++q) {
      int64_t p = j->inverse[t * j->k + q];
      if (p < 0 || p >= j->rows)
        continue;
      const float *src = j->expertOut + p * j->h;
      /* Unweighted: 1 * src[x] is src[x] exactly, NaN and inf included. */
      float w = j->weights ? j->weights[t * j->k + q] : 1.f;
      for (int64_t x = 0; x < j->h; ++x)
        o[x] += w * src[x];
    }
  }
}

void sy_ukernel_moe_combine(int64_t t, int64_t k, int64_t h, int64_t rows,
                            intptr_t expert_out, intptr_t inverse,
                            intptr_t weights, intptr_t out) {
  combine_job job = {k,
                     h,
                     rows,
                     (const float *)expert_out,
                     (const float *)weights,
                     (const int64_t *)inverse,
                     (float *)out};
  if (t * h * k < 65536)
    combineTokens(&job, 0, t);
  else
    sy_rt_parallel_for(t, combineTokens, &job);
}

void sy_ukernel_moe_dispatch_weights(int64_t t, int64_t k, int64_t rows,
                                     intptr_t inverse, intptr_t weights,
                                     intptr_t out) {
  const int64_t *inv = (const int64_t *)inverse;
  const float *w = (const float *)weights;
  float *o = (float *)out;
  memset(o, 0, (size_t)rows * sizeof(float));
  for (int64_t a = 0; a < t * k; ++a)
    if (inv[a] >= 0 && inv[a] < rows)
      o[inv[a]] = w[a];
}
