/* The machine's measured ceilings, for bench/moe_bench.py:
 *   peak.c fma THREADS   fp32 FMA GFLOP/s: independent register-only FMA
 *                        chains (no memory traffic), one per thread;
 *   peak.c read THREADS [MIB]  read bandwidth GB/s: threads summing
 *                        disjoint parts of a buffer of MIB MiB (default
 *                        1024, far larger than any cache), best of 3
 *                        measurements after a warm-up pass.
 * Built by the benchmark with the host compiler; prints one number. */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

enum { kIters = 200000000 / 16 };

/* Twelve named accumulators (an array may live in memory at -O2). */
static void *fmaLoop(void *out) {
  __m512 x = _mm512_set1_ps(1.0000001f), y = _mm512_set1_ps(0.999f);
  __m512 a0 = _mm512_set1_ps(0), a1 = _mm512_set1_ps(1), a2 = _mm512_set1_ps(2),
         a3 = _mm512_set1_ps(3), a4 = _mm512_set1_ps(4), a5 = _mm512_set1_ps(5),
         a6 = _mm512_set1_ps(6), a7 = _mm512_set1_ps(7), a8 = _mm512_set1_ps(8),
         a9 = _mm512_set1_ps(9), a10 = _mm512_set1_ps(10),
         a11 = _mm512_set1_ps(11);
  for (long it = 0; it < kIters; ++it) {
    a0 = _mm512_fmadd_ps(a0, x, y);
    a1 = _mm512_fmadd_ps(a1, x, y);
    a2 = _mm512_fmadd_ps(a2, x, y);
    a3 = _mm512_fmadd_ps(a3, x, y);
    a4 = _mm512_fmadd_ps(a4, x, y);
    a5 = _mm512_fmadd_ps(a5, x, y);
    a6 = _mm512_fmadd_ps(a6, x, y);
    a7 = _mm512_fmadd_ps(a7, x, y);
    a8 = _mm512_fmadd_ps(a8, x, y);
    a9 = _mm512_fmadd_ps(a9, x, y);
    a10 = _mm512_fmadd_ps(a10, x, y);
    a11 = _mm512_fmadd_ps(a11, x, y);
  }
  __m512 s = _mm512_add_ps(
      _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
      _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
  s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(a8, a9),
                                     _mm512_add_ps(a10, a11)));
  *(float *)out = _mm512_reduce_add_ps(s);
  return NULL;
}

typedef struct {
  const float *data;
  size_t n;
  int passes;
  float sum;
} read_job;

static void *readLoop(void *arg) {
  read_job *j = arg;
  __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  for (int pass = 0; pass < j->passes; ++pass)
    for (size_t i = 0; i + 64 <= j->n; i += 64) {
      s0 = _mm512_add_ps(s0, _mm512_loadu_ps(j->data + i));
      s1 = _mm512_add_ps(s1, _mm512_loadu_ps(j->data + i + 16));
      s2 = _mm512_add_ps(s2, _mm512_loadu_ps(j->data + i + 32));
      s3 = _mm512_add_ps(s3, _mm512_loadu_ps(j->data + i + 48));
    }
  j->sum = _mm512_reduce_add_ps(
      _mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 2 ? atoi(argv[2]) : 1;
  if (argc < 2 || threads < 1 || threads > 64)
    return 2;
  pthread_t tid[64];
  if (!strcmp(argv[1], "fma")) {
    float out[64];
    double t0 = now();
    for (int i = 0; i < threads; ++i)
      pthread_create(&tid[i], NULL, fmaLoop, &out[i]);
    for (int i = 0; i < threads; ++i)
      pthread_join(tid[i], NULL);
    double flops = 2.0 * 16 * 12 * (double)kIters * threads;
    printf("%.1f\n", flops / (now() - t0) * 1e-9);
    return 0;
  }
  size_t mib = argc > 3 ? (size_t)atol(argv[3]) : 1024;
  size_t n = mib << 18; /* floats */
  if (n < (size_t)64 * threads)
    return 2;
  float *data = malloc(n * sizeof(float));
  if (!data)
    return 1;
  for (size_t i = 0; i < n; ++i) /* touch every page, not with zeros */
    data[i] = (float)(i & 1023);
  /* Small buffers are read several times per measurement, so that thread
   * start-up stays negligible (at least 1 GiB in all). */
  int passes = mib >= 1024 ? 1 : (int)(1024 / mib);
  read_job jobs[64];
  double best = 0;
  for (int rep = 0; rep < 4; ++rep) {
    double t0 = now();
    for (int i = 0; i < threads; ++i) {
      jobs[i].data = data + n / threads * i;
      jobs[i].n = n / threads;
      jobs[i].passes = rep == 0 ? 1 : passes;
      pthread_create(&tid[i], NULL, readLoop, &jobs[i]);
    }
    for (int i = 0; i < threads; ++i)
      pthread_join(tid[i], NULL);
    double gbs = (double)n * sizeof(float) * jobs[0].passes / (now() - t0) * 1e-9;
    if (rep > 0) /* the first pass warms the caches, as repeated runs do */
      best = gbs > best ? gbs : best;
  }
  printf("%.1f\n", best);
  free(data);
  return 0;
}
