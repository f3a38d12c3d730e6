/*===- ThreadPool.c - a context's workers and sy_rt_parallel_for ---------===*
 *
 * A job splits [0, n) into `num_chunks` contiguous chunks (a few per
 * thread, so uneven chunks balance out); the caller and the workers take
 * chunks from one atomic counter until none are left, and the caller
 * returns once every chunk has finished. Workers sleep on a condition
 * variable between jobs.
 *
 * A worker may wake late, after its job already finished. It copies the job
 * under the mutex and counts itself in `active`; a new job waits for
 * `active == 0` before resetting the counters, so a late worker only ever
 * sees an exhausted counter of the job it copied, never a chunk index of
 * the next job paired with the function of the old one.
 *===----------------------------------------------------------------------===*/

#include "lib/Runtime/RuntimeInternal.h"

#include <errno.h>
#include <stddef.h> /* offsetof */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h> /* getpid */

_Thread_local sy_context *sy_rt_current_context;
_Thread_local sy_context *sy_rt_run_context;
_Thread_local sy_rt_scratch_slot *sy_rt_thread_scratch;

/* More chunks than threads balance uneven work; this many per thread. */
enum { kChunksPerThread = 4 };

/* Before sleeping on a condition variable, workers (waiting for the next
 * job) and the caller (waiting for the workers' last chunks) spin this many
 * pause iterations, about 50 to 100 us: a model runs one parallel loop
 * after another, and a futex wake-up in a VM costs tens of microseconds
 * per loop (ONNX Runtime's pool spins the same way). */
enum { kSpinIterations = 2000 };

static inline void cpuRelax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Chunk `i` of `[0, n)` cut into `num_chunks` near-equal contiguous parts
 * (the first `n % num_chunks` one element longer); no overflow for any n. */
static void chunkBounds(int64_t n, int64_t num_chunks, int64_t i,
                        int64_t *begin, int64_t *end) {
  int64_t base = n / num_chunks, extra = n % num_chunks;
  *begin = i * base + (i < extra ? i : extra);
  *end = *begin + base + (i < extra ? 1 : 0);
}

/* Takes chunks of the job (fn, env, n, num_chunks) until none are left. */
static void runChunks(sy_thread_pool *pool, sy_rt_chunk_fn fn, void *env,
                      int64_t n, int64_t num_chunks) {
  for (;;) {
    int64_t i = atomic_fetch_add(&pool->next_chunk, 1);
    if (i >= num_chunks)
      return;
    int64_t begin, end;
    chunkBounds(n, num_chunks, i, &begin, &end);
    fn(env, begin, end);
    if (atomic_fetch_add(&pool->done_chunks, 1) + 1 == num_chunks) {
      /* The last chunk: wake the caller (under the mutex, so that a caller
       * between its check and its wait cannot miss it). */
      pthread_mutex_lock(&pool->mu);
      pthread_cond_broadcast(&pool->idle_cv);
      pthread_mutex_unlock(&pool->mu);
    }
  }
}

static void *workerMain(void *arg) {
  sy_thread_pool *pool = arg;
  uint64_t seen = 0;
  sy_rt_thread_scratch =
      &pool->scratch[atomic_fetch_add(&pool->next_worker_slot, 1)];
  pthread_mutex_lock(&pool->mu);
  for (;;) {
    if (!pool->shutdown && pool->generation == seen) {
      pthread_mutex_unlock(&pool->mu);
      for (int i = 0; i < kSpinIterations &&
                      atomic_load_explicit(&pool->generation,
                                           memory_order_relaxed) == seen &&
                      !atomic_load_explicit(&pool->shutdown,
                                            memory_order_relaxed);
           ++i)
        cpuRelax();
      pthread_mutex_lock(&pool->mu);
    }
    while (!pool->shutdown && pool->generation == seen)
      pthread_cond_wait(&pool->work_cv, &pool->mu);
    if (pool->shutdown)
      break;
    seen = pool->generation;
    sy_rt_chunk_fn fn = pool->fn;
    void *env = pool->env;
    int64_t n = pool->n, num_chunks = pool->num_chunks;
    ++pool->active;
    pthread_mutex_unlock(&pool->mu);

    /* Every pool is the `pool` member of a context. */
    sy_rt_run_context =
        (sy_context *)((char *)pool - offsetof(sy_context, pool));
    runChunks(pool, fn, env, n, num_chunks);
    sy_rt_run_context = NULL;

    pthread_mutex_lock(&pool->mu);
    if (--pool->active == 0)
      pthread_cond_broadcast(&pool->idle_cv);
  }
  pthread_mutex_unlock(&pool->mu);
  return NULL;
}

/* Whether `pool`'s workers exist in this process (not a fork()ed child). */
static int poolIsOwnedHere(const sy_thread_pool *pool) {
  return pool->owner_pid == getpid();
}

int sy_rt_pool_init(sy_thread_pool *pool, int32_t num_threads) {
  pool->owner_pid = getpid();
  pool->num_threads = num_threads;
  pool->num_workers = 0;
  pool->workers = NULL;
  pool->scratch = NULL;
  atomic_init(&pool->next_worker_slot, 1);
  atomic_init(&pool->generation, 0);
  atomic_init(&pool->shutdown, 0);
  pool->active = 0;
  pool->fn = NULL;
  pool->env = NULL;
  pool->n = 0;
  pool->num_chunks = 0;
  atomic_init(&pool->next_chunk, 0);
  atomic_init(&pool->done_chunks, 0);
  int err = pthread_mutex_init(&pool->mu, NULL);
  if (err)
    return err;
  if ((err = pthread_cond_init(&pool->work_cv, NULL))) {
    pthread_mutex_destroy(&pool->mu);
    return err;
  }
  if ((err = pthread_cond_init(&pool->idle_cv, NULL))) {
    pthread_cond_destroy(&pool->work_cv);
    pthread_mutex_destroy(&pool->mu);
    return err;
  }
  pool->scratch = calloc((size_t)num_threads, sizeof(sy_rt_scratch_slot));
  if (!pool->scratch) {
    sy_rt_pool_destroy(pool);
    return ENOMEM;
  }
  if (num_threads <= 1)
    return 0;

  pool->workers = malloc(sizeof(pthread_t) * (size_t)(num_threads - 1));
  if (!pool->workers) {
    sy_rt_pool_destroy(pool);
    return ENOMEM;
  }
  /* Workers block every signal: signals belong to the application's own
   * threads, not to the pool's. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  for (int32_t i = 0; i < num_threads - 1 && !err; ++i) {
    err = pthread_create(&pool->workers[i], NULL, workerMain, pool);
    if (!err)
      ++pool->num_workers;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (err)
    sy_rt_pool_destroy(pool);
  return err;
}

void sy_rt_pool_destroy(sy_thread_pool *pool) {
  /* In a fork()ed child the workers are the parent's: nothing to stop, and
   * the mutex and condition variables may be in any state. Only the memory
   * is freed there. */
  int owned = poolIsOwnedHere(pool);
  if (owned) {
    pthread_mutex_lock(&pool->mu);
    pool->shutdown = 1;
    pthread_cond_broadcast(&pool->work_cv);
    pthread_mutex_unlock(&pool->mu);
    for (int32_t i = 0; i < pool->num_workers; ++i)
      pthread_join(pool->workers[i], NULL);
  }
  free(pool->workers);
  pool->workers = NULL;
  pool->num_workers = 0;
  if (pool->scratch)
    for (int32_t i = 0; i < pool->num_threads; ++i)
      free(pool->scratch[i].data);
  free(pool->scratch);
  pool->scratch = NULL;
  if (owned) {
    pthread_cond_destroy(&pool->idle_cv);
    pthread_cond_destroy(&pool->work_cv);
    pthread_mutex_destroy(&pool->mu);
  }
}

void sy_rt_parallel_for(int64_t n,
                        void (*fn)(void *env, int64_t begin, int64_t end),
                        void *env) {
  if (n <= 0 || !fn)
    return;
  sy_context *ctx = sy_rt_current_context;
  sy_thread_pool *pool = ctx ? &ctx->pool : NULL;
  if (!pool || pool->num_workers == 0 || n == 1 || !poolIsOwnedHere(pool)) {
    fn(env, 0, n);
    return;
  }

  int64_t per = kChunksPerThread * (int64_t)pool->num_threads;
  int64_t num_chunks = n < per ? n : per;

  pthread_mutex_lock(&pool->mu);
  while (pool->active > 0) /* late workers still in the previous job */
    pthread_cond_wait(&pool->idle_cv, &pool->mu);
  pool->fn = fn;
  pool->env = env;
  pool->n = n;
  pool->num_chunks = num_chunks;
  atomic_store(&pool->next_chunk, 0);
  atomic_store(&pool->done_chunks, 0);
  ++pool->generation;
  pthread_cond_broadcast(&pool->work_cv);
  pthread_mutex_unlock(&pool->mu);

  /* The caller takes part; with no current context inside its chunks, a
   * nested sy_rt_parallel_for runs serially, as it does on workers. */
  sy_rt_current_context = NULL;
  runChunks(pool, fn, env, n, num_chunks);
  sy_rt_current_context = ctx;

  for (int i = 0;
       i < kSpinIterations && atomic_load(&pool->done_chunks) < num_chunks;
       ++i)
    cpuRelax();
  pthread_mutex_lock(&pool->mu);
  while (atomic_load(&pool->done_chunks) < num_chunks)
    pthread_cond_wait(&pool->idle_cv, &pool->mu);
  pthread_mutex_unlock(&pool->mu);
}

int32_t sy_rt_num_threads(void) {
  sy_context *ctx = sy_rt_current_context;
  return ctx && ctx->pool.num_workers > 0 && poolIsOwnedHere(&ctx->pool)
             ? ctx->pool.num_threads
             : 1;
}

void *sy_rt_scratch(size_t bytes) {
  sy_rt_scratch_slot *slot = sy_rt_thread_scratch;
  if (!slot)
    return NULL;
  if (slot->size < bytes) {
    size_t size = (bytes + 63) & ~(size_t)63;
    void *data = aligned_alloc(64, size);
    if (!data)
      return NULL;
    free(slot->data);
    slot->data = data;
    slot->size = size;
  }
  return slot->data;
}

void *sy_rt_scratch_or_alloc(size_t bytes, void **owned) {
  *owned = NULL;
  void *scratch = sy_rt_scratch(bytes);
  if (!scratch)
    scratch = *owned = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
  return scratch;
}
