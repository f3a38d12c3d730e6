/*===- RuntimeInternal.h - shared pieces of libswitchyard_runtime -*- C -*-===*
 *
 * Private to lib/Runtime: the context and thread pool structures, the
 * thread-local "current context" of sy_rt_parallel_for, a truncating string
 * builder for error messages and the signature JSON, and dtype names.
 * Everything here has hidden visibility (the archive is compiled with
 * -fvisibility=hidden), so nothing leaks out of a generated library.
 *===----------------------------------------------------------------------===*/
#ifndef SWITCHYARD_RUNTIME_RUNTIMEINTERNAL_H
#define SWITCHYARD_RUNTIME_RUNTIMEINTERNAL_H

#include "switchyard/runtime/switchyard_abi.h"
/* Generated code defines `sy_model` hidden: referencing it as hidden makes
 * the linker bind it inside the library, never to another library's. (The
 * ABI header comes first so that switchyard_model_api stays default.) */
#pragma GCC visibility push(hidden)
#include "lib/Runtime/ModelDescriptor.h"
#pragma GCC visibility pop

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h> /* pid_t */

/* Largest pool a context accepts (num_threads above this is an error). */
#define SY_RT_MAX_THREADS 1024
/* Capacity of a context's error message, terminating NUL included; longer
 * messages are cut (tensor names can be arbitrarily long). */
#define SY_RT_ERROR_CAPACITY 2048

/*===--------------------------------------------------------------------===*
 * Thread pool (ThreadPool.c)
 *===--------------------------------------------------------------------===*/

typedef void (*sy_rt_chunk_fn)(void *env, int64_t begin, int64_t end);

/* One participant's scratch buffer (sy_rt_scratch): grown on demand, kept
 * for the pool's lifetime so that steady-state runs do not allocate. */
typedef struct sy_rt_scratch_slot {
  void *data;
  size_t size;
} sy_rt_scratch_slot;

/* The slot of the pool participant running on this thread (NULL outside a
 * context's run). */
extern _Thread_local sy_rt_scratch_slot *sy_rt_thread_scratch;

/* `num_threads` participants: the thread calling sy_rt_parallel_for plus
 * `num_threads - 1` workers that sleep on `work_cv` between jobs. One job at
 * a time; its fields are written under `mu` only while no worker is inside
 * a job (`active == 0`), and workers copy them under `mu`. */
typedef struct sy_thread_pool {
  /* The process that started the workers. A fork()ed child inherits the
   * pool without its threads (and maybe with `mu` held by one of them): it
   * runs serially and frees the pool without touching the sync objects. */
  pid_t owner_pid;
  int32_t num_threads;
  int32_t num_workers; /* workers started (num_threads - 1 once created) */
  pthread_t *workers;
  /* num_threads slots: [0] for the calling thread, [1 + i] for worker i. */
  sy_rt_scratch_slot *scratch;
  _Atomic int32_t next_worker_slot;
  pthread_mutex_t mu;
  pthread_cond_t work_cv; /* workers: a new job or shutdown */
  pthread_cond_t idle_cv; /* caller: chunks done, workers left the job */
  /* Bumped for every job, and shutdown set, under mu; atomic so that a
   * spinning worker may peek at them without it. */
  _Atomic uint64_t generation;
  _Atomic int shutdown;
  int32_t active;         /* workers inside the current job (under mu) */
  sy_rt_chunk_fn fn;
  void *env;
  int64_t n;
  int64_t num_chunks;
  _Atomic int64_t next_chunk;
  _Atomic int64_t done_chunks;
} sy_thread_pool;

/* Starts `num_threads - 1` workers (num_threads >= 1). Returns 0, or an
 * errno value with `pool` left empty (nothing to stop). */
int sy_rt_pool_init(sy_thread_pool *pool, int32_t num_threads);
/* Stops and joins the workers. */
void sy_rt_pool_destroy(sy_thread_pool *pool);

/*===--------------------------------------------------------------------===*
 * Contexts (Context.c)
 *===--------------------------------------------------------------------===*/

struct sy_context {
  sy_thread_pool pool;
  /* Scratch handed to sy_model.entry, sized at create so that run does not
   * allocate: data pointers of inputs and outputs, and every tensor's dims
   * (inputs then outputs, `rank` each). */
  void **input_data;
  void **output_data;
  int64_t *shapes;
  char error[SY_RT_ERROR_CAPACITY];
  /* The run in progress: set while sy_rt_run executes (a second thread
   * entering with the same context is refused), the intermediate blocks it
   * holds and where a failed allocation jumps back to (Alloc.c). */
  atomic_int run_active;
  struct sy_rt_block *run_blocks;
  jmp_buf run_abort;
  /* Freed intermediate blocks kept for the next runs, their bytes, and the
   * live bytes of the run with the highest peak so far (Alloc.c). */
  struct sy_rt_block *cached_blocks;
  size_t cached_bytes, live_bytes, peak_bytes;
  /* The first failed kernel allocation of the run, in bytes (0: none);
   * kernels may fail on worker threads, where nothing can jump. */
  atomic_size_t kernel_oom_bytes;
  /* The first invalid run-time input a kernel reported (NULL: none). */
  _Atomic(const char *) kernel_invalid_input;
};

/* Replaces `ctx`'s error message (what last_error returns) with the
 * formatted text. */
void sy_rt_set_error(sy_context *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Frees every intermediate block `ctx`'s run still holds (Alloc.c). */
void sy_rt_free_run_blocks(sy_context *ctx);

/* Frees the blocks `ctx` keeps for its next runs (Alloc.c). */
void sy_rt_free_cached_blocks(sy_context *ctx);

/* The context whose run is executing on this thread (NULL otherwise, and
 * NULL inside a chunk of sy_rt_parallel_for, which makes nested calls
 * serial). */
extern _Thread_local sy_context *sy_rt_current_context;

/* The context whose run this thread works for, inside chunks too (where
 * sy_rt_current_context is NULL): where sy_rt_kernel_out_of_memory records
 * the failure. */
extern _Thread_local sy_context *sy_rt_run_context;

/*===--------------------------------------------------------------------===*
 * String building (Strings.c)
 *===--------------------------------------------------------------------===*/

/* Appends into buf[0, cap) and always keeps it NUL-terminated (when
 * cap > 0); `len` counts every byte appended, written or not, so a first
 * pass with cap == 0 measures and a second pass writes. */
typedef struct sy_rt_str {
  char *buf;
  size_t cap;
  size_t len;
} sy_rt_str;

void sy_rt_str_append(sy_rt_str *s, const char *text, size_t n);
void sy_rt_str_puts(sy_rt_str *s, const char *text);
void sy_rt_str_printf(sy_rt_str *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sy_rt_str_vprintf(sy_rt_str *s, const char *fmt, va_list args)
    __attribute__((format(printf, 2, 0)));
/* "[2, 3]"; with `spec`, a -1 dim prints as "?" (dynamic). */
void sy_rt_str_shape(sy_rt_str *s, const int64_t *dims, int32_t rank, int spec);
/* A JSON string literal, quotes included, escaping '"', '\\' and control
 * characters; other bytes (UTF-8) are copied as they are. */
void sy_rt_str_json(sy_rt_str *s, const char *text);

/* The numpy name of a sy_dtype ("float32"), or NULL for other values. */
const char *sy_rt_dtype_name(int32_t dtype);
/* Bytes per element of a sy_dtype, or 0 for other values. */
int64_t sy_rt_dtype_size(int32_t dtype);

#endif /* SWITCHYARD_RUNTIME_RUNTIMEINTERNAL_H */
