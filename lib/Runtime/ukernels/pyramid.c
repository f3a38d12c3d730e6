/*===- pyramid.c - every level of a pooling pyramid from one read ---------===*
 *
 * sy.pyramid_pool (dialects/sy/SyOps.td; the level semantics are
 * #sy.level's in SyBase.td). Threads over the N*C planes: each plane is
 * read from memory once and stays in cache while every level is computed
 * from it (a chained level from the previous level's plane, still in
 * cache too). A level is separable: for each output row, a column pass
 * reduces the input rows of its window into one row (vectorised along the
 * row), then a row pass reduces that row over every output column's
 * window. Fixed windows (every level but adaptive bins) take a vectorised
 * row pass: sliding reductions over the row padded with the reduction's
 * identity, of which a strided level keeps every stride-th.
 *===----------------------------------------------------------------------===*/
#include "lib/Runtime/ModelDescriptor.h"
#include "lib/Runtime/ukernels/ukernels.h"

#include <math.h>

/* The plane loops are vectorised; clones for wider vectors run where the
 * CPU has them (an ifunc picks one at load time). */
#if defined(__x86_64__) && defined(__clang__)
#define SY_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SY_VECTOR_CLONES
#endif
#include <stdlib.h>
#include <string.h>

/* The [begin, end) input range and the divisor of output index `o` along
 * one dimension of length `in`. */
typedef struct {
  int64_t begin, end, count;
} pool_window;

/* One spatial dimension of a level; size is the bin count (adaptive) or
 * the kernel (window). */
typedef struct {
  int64_t adaptive, size, stride, pad_begin, pad_end, include_pad;
} pool_dim;

static pool_window windowOf(const pool_dim *d, int64_t in, int64_t o) {
  pool_window w;
  if (d->adaptive) {
    w.begin = o * in / d->size;
    w.end = ((o + 1) * in + d->size - 1) / d->size;
    w.count = w.end - w.begin;
    return w;
  }
  int64_t start = o * d->stride - d->pad_begin, stop = start + d->size;
  w.begin = start < 0 ? 0 : start;
  w.end = stop > in ? in : stop;
  if (d->include_pad) {
    int64_t limit = in + d->pad_end;
    w.count = (stop > limit ? limit : stop) - start;
  } else {
    w.count = w.end - w.begin;
  }
  if (w.end < w.begin)
    w.end = w.begin;
  return w;
}

/* The windows of one level along one dimension, computed once per call:
 * output o reduces source [begin[o], end[o]) and an average multiplies by
 * inverse[o] (the product of the two dimensions' is 1 / the window's
 * count; NaN for an empty window, as 0 / 0). */
typedef struct {
  int64_t *begin, *end;
  float *inverse;
} pool_axis;

typedef struct {
  const int64_t *desc; /* SY_PYRAMID_FIELDS values */
  int64_t sh, sw;      /* the source plane: the input's, or when chained
                          the previous level's output */
  pool_axis rows, cols;
} pool_level;

static void fillAxis(const pool_dim *d, int64_t in, int64_t out,
                     pool_axis *a) {
  for (int64_t o = 0; o < out; ++o) {
    pool_window win = windowOf(d, in, o);
    a->begin[o] = win.begin;
    a->end[o] = win.end;
    a->inverse[o] = win.count > 0 ? 1.0f / (float)win.count : NAN;
  }
}

typedef struct {
  int64_t planes, h, w, nlevels;
  const float *input;
  const pool_level *levels;
  float *const *outputs; /* [nlevels] */
  /* Scratch sizes over the levels: a reduced row with its padding, and a
   * strided window's sliding reductions. */
  int64_t max_padded, max_slide;
} pyramid_job;

static pool_dim dimOf(const int64_t *l, int d) {
  pool_dim p = {l[SY_PYRAMID_ADAPTIVE],
                l[SY_PYRAMID_SIZE_H + d],
                l[SY_PYRAMID_STRIDE_H + d],
                l[SY_PYRAMID_PAD_TOP + d],
                l[SY_PYRAMID_PAD_BOTTOM + d],
                (l[SY_PYRAMID_FLAGS] & SY_PYRAMID_COUNT_INCLUDE_PAD) != 0};
  return p;
}

/* A fixed window's row pass reduces every window start up to the last
 * output's: `span` of them; output j is start j * stride. */
static int64_t slidingSpan(const int64_t *l) {
  if (l[SY_PYRAMID_ADAPTIVE])
    return 0;
  int64_t span = (l[SY_PYRAMID_OUT_W] - 1) * l[SY_PYRAMID_STRIDE_W] + 1;
  return span > 0 ? span : 0;
}

/* dst[t] = the max (or sum) over k < count of src[k * stride + t], for
 * t < n. Both passes of a level are this: the column pass reduces `count`
 * input rows (stride w), the stride-1 row pass `count` shifted copies of
 * the padded row (stride 1). Sixteen outputs (a block) are reduced in a
 * local array, which stays in a register, and stored once; written as
 * `row[j] = max(row[j], x[j])` over the rows instead, clang made each step
 * a compare and a masked store into the row that the next step reloads
 * (store forwarding fails on masked stores), which cost SPPF on 20x20 a
 * quarter of its time. Four blocks are reduced side by side: one block's
 * steps form a chain of dependent adds, and alone they ran at a quarter
 * of the adder's rate (DAPPM's 64-wide rows). A row that is not a
 * multiple of 16 ends with a block overlapping the previous one (dst and
 * src never overlap). */
enum { kReduceBlock = 16, kReduceGroup = 4 };

/* Inlined into each clone of poolPlane, so they vectorize for its target
 * (a separate function would be compiled for the baseline x86-64). */
#define SY_REDUCE_INLINE static inline __attribute__((always_inline))

/* One step of the window's reduction. */
SY_REDUCE_INLINE float combine(int isMax, float acc, float v) {
  return isMax ? (v > acc ? v : acc) : acc + v;
}

/* The `blocks` (a literal at each call, up to kReduceGroup) blocks at
 * offsets at[]; reduceShifted passes isMax as a literal too, so each
 * inlined copy is a plain max or add loop over registers. */
SY_REDUCE_INLINE void reduceGroup(const float *src, int64_t stride,
                                  int64_t count, int isMax, int blocks,
                                  const int64_t *at, float *dst) {
  float acc[kReduceGroup][kReduceBlock];
  for (int b = 0; b < blocks; ++b)
    for (int t = 0; t < kReduceBlock; ++t)
      acc[b][t] = src[at[b] + t];
  for (int64_t k = 1; k < count; ++k) {
    const float *s = src + k * stride;
    for (int b = 0; b < blocks; ++b)
      for (int t = 0; t < kReduceBlock; ++t)
        acc[b][t] = combine(isMax, acc[b][t], s[at[b] + t]);
  }
  for (int b = 0; b < blocks; ++b)
    for (int t = 0; t < kReduceBlock; ++t)
      dst[at[b] + t] = acc[b][t];
}

/* reduceGroup with `blocks` and isMax made literals. */
SY_REDUCE_INLINE void reduceBlocks(const float *src, int64_t stride,
                                   int64_t count, int isMax, int blocks,
                                   const int64_t *at, float *dst) {
#define SY_REDUCE_CASE(B)                                                      \
  case B:                                                                      \
    if (isMax)                                                                 \
      reduceGroup(src, stride, count, 1, B, at, dst);                          \
    else                                                                       \
      reduceGroup(src, stride, count, 0, B, at, dst);                          \
    return;
  switch (blocks) {
    SY_REDUCE_CASE(1)
    SY_REDUCE_CASE(2)
    SY_REDUCE_CASE(3)
    SY_REDUCE_CASE(4)
  }
#undef SY_REDUCE_CASE
}

SY_REDUCE_INLINE void reduceShifted(const float *src, int64_t stride,
                                    int64_t count, int64_t n, int isMax,
                                    float *dst) {
  if (n < kReduceBlock) {
    for (int64_t t = 0; t < n; ++t) {
      float acc = src[t];
      for (int64_t k = 1; k < count; ++k)
        acc = combine(isMax, acc, src[k * stride + t]);
      dst[t] = acc;
    }
    return;
  }
  const int64_t last = n - kReduceBlock;
  for (int64_t j = 0; j < n; j += kReduceGroup * kReduceBlock) {
    int64_t at[kReduceGroup];
    int blocks = 0;
    for (; blocks < kReduceGroup; ++blocks) {
      int64_t o = j + blocks * kReduceBlock;
      if (o >= n)
        break;
      at[blocks] = o < last ? o : last;
    }
    reduceBlocks(src, stride, count, isMax, blocks, at, dst);
  }
}

/* Row pass of output row o over its reduced row (`padded`, the row at
 * padded + the left pad for a fixed window); `slide` holds a strided
 * window's sliding reductions. An average is scaled as it is stored
 * (scaling in place after scalar stores would reload them as a vector,
 * which store forwarding cannot serve). */
SY_REDUCE_INLINE void rowPass(const pool_level *lv, int isMax, int64_t o,
                              const float *padded, float *slide, float *d) {
  const int64_t *l = lv->desc;
  const int64_t ow = l[SY_PYRAMID_OUT_W];
  const int64_t stride = l[SY_PYRAMID_STRIDE_W], kw = l[SY_PYRAMID_SIZE_W];
  const float rinv = isMax ? 1.0f : lv->rows.inverse[o];
  const float *cinv = lv->cols.inverse;
  if (l[SY_PYRAMID_ADAPTIVE]) {
    const int64_t *cb = lv->cols.begin, *ce = lv->cols.end;
    for (int64_t j = 0; j < ow; ++j) {
      float acc = isMax ? -INFINITY : 0.0f;
      if (isMax)
        for (int64_t c = cb[j]; c < ce[j]; ++c)
          acc = padded[c] > acc ? padded[c] : acc;
      else
        for (int64_t c = cb[j]; c < ce[j]; ++c)
          acc += padded[c];
      d[j] = isMax ? acc : acc * (rinv * cinv[j]);
    }
    return;
  }
  if (stride == 1) {
    /* padded[j + u] is column j - pad + u of the row. */
    reduceShifted(padded, 1, kw, ow, isMax, d);
    if (!isMax)
      for (int64_t j = 0; j < ow; ++j)
        d[j] *= rinv * cinv[j];
    return;
  }
  reduceShifted(padded, 1, kw, slidingSpan(l), isMax, slide);
  if (isMax)
    for (int64_t j = 0; j < ow; ++j)
      d[j] = slide[j * stride];
  else
    for (int64_t j = 0; j < ow; ++j)
      d[j] = slide[j * stride] * (rinv * cinv[j]);
}

/* One level on one plane: src [sh][sw] -> dst [oh][ow]. Scratch: two
 * padded rows `bufs` of the job's max_padded floats each and `slide` of
 * max_slide. Each output row's column pass reduces its window's input
 * rows into one row, vectorised along it. A fixed window's row pass then
 * reads that row padded with the reduction's identity and keeps every
 * stride-th of its sliding reductions; a scalar reduction per output
 * instead is a chain of dependent adds as long as the window (DAPPM's
 * k5/s2, k9/s4 and k17/s8 levels spent most of the pyramid's time there).
 * Row o's row pass runs after row o + 1's column pass: its shifted loads
 * straddle the column pass's vector stores, which store forwarding cannot
 * serve, and right after them they waited for the stores to drain (a
 * tenth of SPPF's pooling). */
SY_VECTOR_CLONES static void poolPlane(const pool_level *lv, const float *src,
                                       float *dst, float *bufs,
                                       int64_t pitch, float *slide) {
  const int64_t *l = lv->desc;
  const int isMax = l[SY_PYRAMID_MODE] == SY_POOL_MAX;
  const int64_t oh = l[SY_PYRAMID_OUT_H], ow = l[SY_PYRAMID_OUT_W];
  const int64_t w = lv->sw;
  const float identity = isMax ? -INFINITY : 0.0f;
  const int sliding = !l[SY_PYRAMID_ADAPTIVE];
  const int64_t pl = sliding ? l[SY_PYRAMID_PAD_LEFT] : 0;
  const int64_t end = sliding ? slidingSpan(l) + l[SY_PYRAMID_SIZE_W] - 1 : 0;
  for (int b = 0; b < 2; ++b) {
    float *padded = bufs + b * pitch;
    for (int64_t j = 0; j < pl; ++j)
      padded[j] = identity;
    for (int64_t j = pl + w; j < end; ++j)
      padded[j] = identity;
  }
  const int64_t *rb = lv->rows.begin, *re = lv->rows.end;
  for (int64_t o = 0; o <= oh; ++o) {
    if (o < oh) {
      float *row = bufs + (o & 1) * pitch + pl;
      if (re[o] <= rb[o]) {
        for (int64_t j = 0; j < w; ++j)
          row[j] = identity;
      } else {
        reduceShifted(src + rb[o] * w, w, re[o] - rb[o], w, isMax, row);
      }
    }
    if (o == 0)
      continue;
    const float *prev = bufs + ((o - 1) & 1) * pitch;
    if (isMax)
      rowPass(lv, 1, o - 1, prev, slide, dst + (o - 1) * ow);
    else
      rowPass(lv, 0, o - 1, prev, slide, dst + (o - 1) * ow);
  }
}

static void pyramidPlanes(void *env, int64_t p0, int64_t p1) {
  const pyramid_job *job = (const pyramid_job *)env;
  /* Two padded rows, then the sliding reductions. */
  const int64_t pitch = (job->max_padded + 15) / 16 * 16;
  size_t bytes = (size_t)(2 * pitch + job->max_slide) * sizeof(float);
  void *owned;
  float *bufs = (float *)sy_rt_scratch_or_alloc(bytes, &owned);
  if (!bufs) {
    sy_rt_kernel_out_of_memory(bytes);
    return;
  }
  for (int64_t p = p0; p < p1; ++p) {
    const float *src = job->input + p * job->h * job->w;
    for (int64_t i = 0; i < job->nlevels; ++i) {
      const pool_level *lv = job->levels + i;
      const int64_t *l = lv->desc;
      if (!(l[SY_PYRAMID_FLAGS] & SY_PYRAMID_CHAINED))
        src = job->input + p * job->h * job->w;
      float *dst = job->outputs[i] +
                   p * l[SY_PYRAMID_OUT_H] * l[SY_PYRAMID_OUT_W];
      poolPlane(lv, src, dst, bufs, pitch, bufs + 2 * pitch);
      src = dst;
    }
  }
  free(owned);
}

void sy_ukernel_pyramid_pool(int64_t planes, int64_t h, int64_t w,
                             intptr_t input, int64_t nlevels, intptr_t levels,
                             intptr_t outputs) {
  const int64_t *desc = (const int64_t *)levels;
  /* The window tables of every level, in one allocation: the levels, then
   * the int64 begin/end arrays, then the float inverses. */
  int64_t windows = 0;
  for (int64_t i = 0; i < nlevels; ++i)
    windows += desc[i * SY_PYRAMID_FIELDS + SY_PYRAMID_OUT_H] +
               desc[i * SY_PYRAMID_FIELDS + SY_PYRAMID_OUT_W];
  size_t bytes = (size_t)nlevels * sizeof(pool_level) +
                 (size_t)windows * (2 * sizeof(int64_t) + sizeof(float));
  pool_level *lv = (pool_level *)malloc(bytes);
  if (!lv) {
    sy_rt_kernel_out_of_memory(bytes);
    return;
  }
  int64_t *ends = (int64_t *)(lv + nlevels);
  float *inverses = (float *)(ends + 2 * windows);
  pyramid_job job = {planes, h, w, nlevels, (const float *)input, lv,
                     (float *const *)outputs, w, 1};
  int64_t sh = h, sw = w;
  for (int64_t i = 0; i < nlevels; ++i) {
    const int64_t *l = desc + i * SY_PYRAMID_FIELDS;
    if (!(l[SY_PYRAMID_FLAGS] & SY_PYRAMID_CHAINED)) {
      sh = h;
      sw = w;
    }
    const int64_t oh = l[SY_PYRAMID_OUT_H], ow = l[SY_PYRAMID_OUT_W];
    pool_axis *axes[2] = {&lv[i].rows, &lv[i].cols};
    const int64_t outs[2] = {oh, ow}, ins[2] = {sh, sw};
    lv[i].desc = l;
    lv[i].sh = sh;
    lv[i].sw = sw;
    for (int d = 0; d < 2; ++d) {
      axes[d]->begin = ends;
      axes[d]->end = ends + outs[d];
      axes[d]->inverse = inverses;
      ends += 2 * outs[d];
      inverses += outs[d];
      pool_dim dim = dimOf(l, d);
      fillAxis(&dim, ins[d], outs[d], axes[d]);
    }
    const int64_t span = slidingSpan(l);
    int64_t padded = span + l[SY_PYRAMID_SIZE_W] - 1;
    if (sw + l[SY_PYRAMID_PAD_LEFT] > padded)
      padded = sw + l[SY_PYRAMID_PAD_LEFT];
    if (padded > job.max_padded)
      job.max_padded = padded;
    if (span > job.max_slide)
      job.max_slide = span;
    sh = oh;
    sw = ow;
  }
  sy_rt_parallel_for(planes, pyramidPlanes, &job);
  free(lv);
}

/*===----------------------------------------------------------------------===*
 * Upsampling into a concatenation (sy.upsample_concat)
 *===----------------------------------------------------------------------===*/

typedef struct {
  int64_t n, h, w, ninputs, ctotal, max_rows;
  const int64_t *shapes;    /* [ninputs][3]: c, ih, iw */
  const intptr_t *pointers; /* [ninputs][3]: src, taps, weights */
  float *out;
} upsample_job;

/* One plane: src [ih][iw] -> dst [h][w] through the taps (rows first, then
 * columns: lo, hi index pairs) and their weights; tmp holds ih * w. */
SY_VECTOR_CLONES static void upsamplePlane(const float *src, int64_t ih, int64_t iw,
                          const int64_t *taps, const float *weights,
                          int64_t h, int64_t w, float *dst, float *tmp) {
  const int64_t *xt = taps + 2 * h;
  const float *xw = weights + 2 * h;
  for (int64_t r = 0; r < ih; ++r) {
    const float *s = src + r * iw;
    float *t = tmp + r * w;
    for (int64_t x = 0; x < w; ++x)
      t[x] = xw[2 * x] * s[xt[2 * x]] + xw[2 * x + 1] * s[xt[2 * x + 1]];
  }
  for (int64_t y = 0; y < h; ++y) {
    const float *a = tmp + taps[2 * y] * w, *b = tmp + taps[2 * y + 1] * w;
    const float wa = weights[2 * y], wb = weights[2 * y + 1];
    float *d = dst + y * w;
    for (int64_t x = 0; x < w; ++x)
      d[x] = wa * a[x] + wb * b[x];
  }
}

static void upsamplePlanes(void *env, int64_t p0, int64_t p1) {
  const upsample_job *job = (const upsample_job *)env;
  const int64_t plane = job->h * job->w;
  size_t bytes = (size_t)(job->max_rows * job->w) * sizeof(float);
  float *tmp = NULL;
  void *owned = NULL;
  /* Only resized inputs need rows (none when every input is copied). */
  if (bytes && !(tmp = (float *)sy_rt_scratch_or_alloc(bytes, &owned))) {
    sy_rt_kernel_out_of_memory(bytes);
    return;
  }
  for (int64_t p = p0; p < p1; ++p) {
    int64_t batch = p / job->ctotal, channel = p % job->ctotal;
    /* The input holding this output channel. */
    int64_t i = 0;
    while (channel >= job->shapes[3 * i]) {
      channel -= job->shapes[3 * i];
      ++i;
    }
    const int64_t c = job->shapes[3 * i], ih = job->shapes[3 * i + 1],
                  iw = job->shapes[3 * i + 2];
    const float *src =
        (const float *)job->pointers[3 * i] + (batch * c + channel) * ih * iw;
    float *dst = job->out + p * plane;
    const int64_t *taps = (const int64_t *)job->pointers[3 * i + 1];
    if (!taps) {
      memcpy(dst, src, (size_t)plane * sizeof(float));
      continue;
    }
    upsamplePlane(src, ih, iw, taps, (const float *)job->pointers[3 * i + 2],
                  job->h, job->w, dst, tmp);
  }
  free(owned);
}

void sy_ukernel_upsample_concat(int64_t n, int64_t h, int64_t w,
                                int64_t ninputs, intptr_t shapes,
                                intptr_t pointers, intptr_t out) {
  upsample_job job = {n, h, w, ninputs, 0, 0, (const int64_t *)shapes,
                      (const intptr_t *)pointers, (float *)out};
  for (int64_t i = 0; i < ninputs; ++i) {
    job.ctotal += job.shapes[3 * i];
    if (job.pointers[3 * i + 1] && job.shapes[3 * i + 1] > job.max_rows)
      job.max_rows = job.shapes[3 * i + 1];
  }
  sy_rt_parallel_for(n * job.ctotal, upsamplePlanes, &job);
}
