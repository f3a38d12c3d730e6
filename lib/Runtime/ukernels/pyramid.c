/*===- pyramid.c - every level of a pooling pyramid from one read ---------===*
 *
 * sy.pyramid_pool (dialects/sy/SyOps.td; the level semantics are
 * #sy.level's in SyBase.td). Threads over the N*C planes: each plane is
 * read from memory once and stays in cache while every level is computed
 * from it (a chained level from the previous level's plane, still in
 * cache too). A level is separable: for each output row, a column pass
 * reduces the input rows of its window into one row (vectorised along the
 * row), then a row pass reduces that row over every output column's
 * window. Stride-1 windows (YOLO SPPF/SPP) take a vectorised row pass
 * over the row padded with the reduction's identity.
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

typedef struct {
  int64_t planes, h, w, nlevels;
  const float *input;
  const int64_t *levels; /* [nlevels][SY_PYRAMID_FIELDS] */
  float *const *outputs; /* [nlevels] */
  /* Scratch sizes over the levels: the widest source row (a chained
   * level's source is the previous level's output), padded row and
   * output row. */
  int64_t max_w, max_padded, max_ow;
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

/* dst[t] = the max (or sum) over k < count of src[k * stride + t], for
 * t < n. Both passes of a level are this: the column pass reduces `count`
 * input rows (stride w), the stride-1 row pass `count` shifted copies of
 * the padded row (stride 1). Sixteen outputs at a time are reduced in a
 * local array, which stays in a register, and stored once; written as
 * `row[j] = max(row[j], x[j])` over the rows instead, clang made each step
 * a compare and a masked store into the row that the next step reloads
 * (store forwarding fails on masked stores), which cost SPPF on 20x20 a
 * quarter of its time. A row that is not a multiple of 16 ends with one
 * more block overlapping the previous one (dst and src never overlap). */
enum { kReduceBlock = 16 };

/* Inlined into each clone of poolPlane, so they vectorize for its target
 * (a separate function would be compiled for the baseline x86-64). */
#define SY_REDUCE_INLINE static inline __attribute__((always_inline))

/* One step of the window's reduction. */
SY_REDUCE_INLINE float combine(int isMax, float acc, float v) {
  return isMax ? (v > acc ? v : acc) : acc + v;
}

/* kReduceBlock outputs; reduceShifted passes isMax as a literal, so each
 * inlined copy is a plain max or add loop. */
SY_REDUCE_INLINE void reduceBlock(const float *src, int64_t stride,
                                  int64_t count, int isMax, float *dst) {
  float acc[kReduceBlock];
  for (int t = 0; t < kReduceBlock; ++t)
    acc[t] = src[t];
  for (int64_t k = 1; k < count; ++k) {
    const float *s = src + k * stride;
    for (int t = 0; t < kReduceBlock; ++t)
      acc[t] = combine(isMax, acc[t], s[t]);
  }
  for (int t = 0; t < kReduceBlock; ++t)
    dst[t] = acc[t];
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
  for (int64_t j = 0;; j += kReduceBlock) {
    if (j + kReduceBlock > n)
      j = n - kReduceBlock;
    if (isMax)
      reduceBlock(src + j, stride, count, 1, dst + j);
    else
      reduceBlock(src + j, stride, count, 0, dst + j);
    if (j + kReduceBlock == n)
      break;
  }
}

/* One level on one plane: src [h][w] -> dst [oh][ow]. Scratch: `rows`
 * holds w floats (one vertically reduced row), `padded` w + the kernel
 * width, `cols` 3 * ow int64 (the column windows). */
SY_VECTOR_CLONES static void poolPlane(const int64_t *l, const float *src, int64_t h,
                      int64_t w, float *dst, float *rows, float *padded,
                      int64_t *cols) {
  const int isMax = l[SY_PYRAMID_MODE] == SY_POOL_MAX;
  const int64_t oh = l[SY_PYRAMID_OUT_H], ow = l[SY_PYRAMID_OUT_W];
  const pool_dim dh = dimOf(l, 0), dw = dimOf(l, 1);
  const float identity = isMax ? -INFINITY : 0.0f;
  const int unitStride = !dw.adaptive && dw.stride == 1;
  for (int64_t o = 0; o < ow; ++o) {
    pool_window win = windowOf(&dw, w, o);
    cols[3 * o] = win.begin;
    cols[3 * o + 1] = win.end;
    cols[3 * o + 2] = win.count;
  }
  /* A stride-1 row pass reads the row padded with the identity. */
  const int64_t pl = unitStride ? dw.pad_begin : 0;
  float *row = unitStride ? padded + pl : rows;
  if (unitStride) {
    for (int64_t j = 0; j < pl; ++j)
      padded[j] = identity;
    for (int64_t j = pl + w; j < ow + dw.size - 1; ++j)
      padded[j] = identity;
  }

  for (int64_t o = 0; o < oh; ++o) {
    /* Column pass, vectorised along the row: row = reduce src[window o]. */
    pool_window win = windowOf(&dh, h, o);
    if (win.end <= win.begin) {
      for (int64_t j = 0; j < w; ++j)
        row[j] = identity;
    } else {
      reduceShifted(src + win.begin * w, w, win.end - win.begin, w, isMax,
                    row);
    }
    /* Row pass over the reduced row. */
    float *d = dst + o * ow;
    if (unitStride) {
      /* padded[j + u] is column j - pl + u of the row. */
      reduceShifted(padded, 1, dw.size, ow, isMax, d);
    } else {
      for (int64_t j = 0; j < ow; ++j) {
        float acc = identity;
        if (isMax)
          for (int64_t c = cols[3 * j]; c < cols[3 * j + 1]; ++c)
            acc = row[c] > acc ? row[c] : acc;
        else
          for (int64_t c = cols[3 * j]; c < cols[3 * j + 1]; ++c)
            acc += row[c];
        d[j] = acc;
      }
    }
    if (isMax)
      continue;
    for (int64_t j = 0; j < ow; ++j) {
      int64_t count = win.count * cols[3 * j + 2];
      d[j] = count > 0 ? d[j] / (float)count : NAN;
    }
  }
}

static void pyramidPlanes(void *env, int64_t p0, int64_t p1) {
  const pyramid_job *job = (const pyramid_job *)env;
  size_t bytes = (size_t)(job->max_w + job->max_padded) * sizeof(float) +
                 (size_t)(3 * job->max_ow) * sizeof(int64_t);
  void *owned;
  /* The int64 column windows first: after an odd number of floats they
   * would be misaligned (UBSan, make check-asan). */
  int64_t *scratch = (int64_t *)sy_rt_scratch_or_alloc(bytes, &owned);
  if (!scratch) {
    sy_rt_kernel_out_of_memory(bytes);
    return;
  }
  for (int64_t p = p0; p < p1; ++p) {
    const float *src = job->input + p * job->h * job->w;
    int64_t sh = job->h, sw = job->w;
    for (int64_t i = 0; i < job->nlevels; ++i) {
      const int64_t *l = job->levels + i * SY_PYRAMID_FIELDS;
      int64_t oh = l[SY_PYRAMID_OUT_H], ow = l[SY_PYRAMID_OUT_W];
      if (!(l[SY_PYRAMID_FLAGS] & SY_PYRAMID_CHAINED)) {
        src = job->input + p * job->h * job->w;
        sh = job->h;
        sw = job->w;
      }
      float *dst = job->outputs[i] + p * oh * ow;
      int64_t *cols = scratch;
      float *rows = (float *)(cols + 3 * job->max_ow);
      float *padded = rows + job->max_w;
      poolPlane(l, src, sh, sw, dst, rows, padded, cols);
      src = dst;
      sh = oh;
      sw = ow;
    }
  }
  free(owned);
}

void sy_ukernel_pyramid_pool(int64_t planes, int64_t h, int64_t w,
                             intptr_t input, int64_t nlevels, intptr_t levels,
                             intptr_t outputs) {
  const int64_t *l = (const int64_t *)levels;
  pyramid_job job = {planes, h, w, nlevels, (const float *)input,
                     (const int64_t *)levels, (float *const *)outputs,
                     w, 1, 1};
  int64_t sw = w;
  for (int64_t i = 0; i < nlevels; ++i, l += SY_PYRAMID_FIELDS) {
    if (!(l[SY_PYRAMID_FLAGS] & SY_PYRAMID_CHAINED))
      sw = w;
    int64_t ow = l[SY_PYRAMID_OUT_W];
    int64_t padded = ow + l[SY_PYRAMID_SIZE_W] - 1;
    if (sw + l[SY_PYRAMID_PAD_LEFT] > padded)
      padded = sw + l[SY_PYRAMID_PAD_LEFT];
    if (ow > job.max_w)
      job.max_w = ow;
    if (padded > job.max_padded)
      job.max_padded = padded;
    if (ow > job.max_ow)
      job.max_ow = ow;
    sw = ow;
  }
  sy_rt_parallel_for(planes, pyramidPlanes, &job);
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
