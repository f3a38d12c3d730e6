/*===- Context.c - contexts, argument validation, run --------------------===*
 *
 * sy_rt_run checks everything about its arguments that can be checked
 * without reading the data (counts, dtypes, ranks, every dim, data pointers
 * of non-empty tensors) before the model's entry sees any of it, and says
 * what was wrong in the context's error message.
 *===----------------------------------------------------------------------===*/

#include "lib/Runtime/RuntimeInternal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Errors of calls without a context (create, or any call given NULL), and
 * of a run refused because its context was running on another thread: that
 * thread owns the context's error buffer, so the refusal is kept here, for
 * this thread, and last_error of `busyContext` returns it. */
static _Thread_local char noContextError[512];
static _Thread_local const sy_context *busyContext;

static void setErrorV(char *buf, size_t cap, const char *fmt, va_list args) {
  sy_rt_str s = {buf, cap, 0};
  buf[0] = '\0';
  sy_rt_str_vprintf(&s, fmt, args);
}

__attribute__((format(printf, 1, 2))) static void
setNoContextError(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  setErrorV(noContextError, sizeof noContextError, fmt, args);
  va_end(args);
}

/* Sum of the ranks of all specs: the length of the `shapes` array. */
static int64_t totalRank(void) {
  int64_t total = 0;
  for (int64_t i = 0; i < sy_model.num_inputs; ++i)
    total += sy_model.inputs[i].rank;
  for (int64_t i = 0; i < sy_model.num_outputs; ++i)
    total += sy_model.outputs[i].rank;
  return total;
}

/* malloc that does not return NULL for a zero size. */
static void *allocArray(int64_t count, size_t elemSize) {
  return malloc((count > 0 ? (size_t)count : 1) * elemSize);
}

int sy_rt_create(sy_context **ctx, int32_t num_threads) {
  if (!ctx) {
    setNoContextError("create: ctx is NULL");
    return SY_ERROR_INVALID_ARGUMENT;
  }
  *ctx = NULL;
  if (num_threads < 0 || num_threads > SY_RT_MAX_THREADS) {
    setNoContextError("create: num_threads must be between 0 (all cores) and "
                      "%d, got %" PRId32,
                      SY_RT_MAX_THREADS, num_threads);
    return SY_ERROR_INVALID_ARGUMENT;
  }
  if (num_threads == 0) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    num_threads = cores < 1                   ? 1
                  : cores > SY_RT_MAX_THREADS ? SY_RT_MAX_THREADS
                                              : (int32_t)cores;
  }

  sy_context *c = calloc(1, sizeof *c);
  if (!c) {
    setNoContextError("create: out of memory");
    return SY_ERROR_OUT_OF_MEMORY;
  }
  c->input_data = allocArray(sy_model.num_inputs, sizeof(void *));
  c->output_data = allocArray(sy_model.num_outputs, sizeof(void *));
  c->shapes = allocArray(totalRank(), sizeof(int64_t));
  if (!c->input_data || !c->output_data || !c->shapes) {
    free(c->input_data);
    free(c->output_data);
    free(c->shapes);
    free(c);
    setNoContextError("create: out of memory");
    return SY_ERROR_OUT_OF_MEMORY;
  }
  int err = sy_rt_pool_init(&c->pool, num_threads);
  if (err) {
    free(c->input_data);
    free(c->output_data);
    free(c->shapes);
    free(c);
    setNoContextError("create: could not start %" PRId32 " threads: %s",
                      num_threads, strerror(err));
    return err == ENOMEM ? SY_ERROR_OUT_OF_MEMORY : SY_ERROR_INTERNAL;
  }
  *ctx = c;
  return SY_OK;
}

void sy_rt_destroy(sy_context *ctx) {
  if (!ctx)
    return;
  sy_rt_pool_destroy(&ctx->pool);
  sy_rt_free_cached_blocks(ctx);
  free(ctx->input_data);
  free(ctx->output_data);
  free(ctx->shapes);
  free(ctx);
}

const char *sy_rt_last_error(const sy_context *ctx) {
  if (ctx && ctx == busyContext)
    return noContextError;
  return ctx ? ctx->error : noContextError;
}

void sy_rt_set_error(sy_context *ctx, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  setErrorV(ctx->error, sizeof ctx->error, fmt, args);
  va_end(args);
}

__attribute__((format(printf, 2, 3))) static int fail(sy_context *ctx,
                                                      const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  setErrorV(ctx->error, sizeof ctx->error, fmt, args);
  va_end(args);
  return SY_ERROR_INVALID_ARGUMENT;
}

/* The name of a dtype for messages: "float32", or "dtype 99" for values
 * that are no sy_dtype (written into `buf`). */
static const char *dtypeForMessage(int32_t dtype, char *buf, size_t cap) {
  const char *name = sy_rt_dtype_name(dtype);
  if (name)
    return name;
  sy_rt_str s = {buf, cap, 0};
  buf[0] = '\0';
  sy_rt_str_printf(&s, "dtype %" PRId32 " (not a sy_dtype)", dtype);
  return buf;
}

/* Checks one tensor against its spec; on success appends its dims to
 * `*shapes`. `kind` is "input" or "output". */
static int checkTensor(sy_context *ctx, const char *kind,
                       const sy_tensor_spec *spec, const sy_tensor *t,
                       int64_t **shapes) {
  const char *name = spec->name ? spec->name : "";
  if (t->dtype != spec->dtype) {
    char want[48], got[48];
    return fail(ctx, "%s '%s': expected dtype %s, got %s", kind, name,
                dtypeForMessage(spec->dtype, want, sizeof want),
                dtypeForMessage(t->dtype, got, sizeof got));
  }
  if (t->rank != spec->rank)
    return fail(ctx, "%s '%s': expected rank %" PRId32 ", got %" PRId32, kind,
                name, spec->rank, t->rank);
  if (t->rank > 0 && !t->shape)
    return fail(ctx, "%s '%s': shape is NULL but rank is %" PRId32, kind, name,
                t->rank);

  int mismatch = 0;
  for (int32_t d = 0; d < t->rank; ++d) {
    if (t->shape[d] < 0) {
      char given[SY_RT_ERROR_CAPACITY / 2];
      sy_rt_str g = {given, sizeof given, 0};
      sy_rt_str_shape(&g, t->shape, t->rank, 0);
      return fail(ctx,
                  "%s '%s': dim %" PRId32 " is %" PRId64
                  ", expected a size >= 0 (got shape %s)",
                  kind, name, d, t->shape[d], given);
    }
    if (spec->shape[d] >= 0 && t->shape[d] != spec->shape[d])
      mismatch = 1;
  }
  if (mismatch) {
    char expected[SY_RT_ERROR_CAPACITY / 2], given[SY_RT_ERROR_CAPACITY / 2];
    sy_rt_str e = {expected, sizeof expected, 0};
    sy_rt_str g = {given, sizeof given, 0};
    sy_rt_str_shape(&e, spec->shape, spec->rank, 1);
    sy_rt_str_shape(&g, t->shape, t->rank, 0);
    return fail(ctx, "%s '%s': expected shape %s, got %s", kind, name, expected,
                given);
  }

  /* Element and byte counts must be representable; data must be there when
   * there is anything to read or write. */
  int64_t elems = 1, elemSize = sy_rt_dtype_size(t->dtype);
  int overflow = 0;
  for (int32_t d = 0; d < t->rank; ++d) {
    if (t->shape[d] == 0) { /* empty, however large the other dims */
      elems = 0;
      overflow = 0;
      break;
    }
    if (overflow || elems > INT64_MAX / t->shape[d])
      overflow = 1;
    else
      elems *= t->shape[d];
  }
  if (overflow || (elemSize > 0 && elems > INT64_MAX / elemSize)) {
    char given[SY_RT_ERROR_CAPACITY / 2];
    sy_rt_str g = {given, sizeof given, 0};
    sy_rt_str_shape(&g, t->shape, t->rank, 0);
    return fail(ctx, "%s '%s': shape %s has too many elements", kind, name,
                given);
  }
  if (elems > 0 && !t->data)
    return fail(ctx,
                "%s '%s': data is NULL but the tensor has %" PRId64 " elements",
                kind, name, elems);

  for (int32_t d = 0; d < t->rank; ++d)
    *(*shapes)++ = t->shape[d];
  return SY_OK;
}

/* Checks one side (inputs or outputs) of a run. */
static int checkTensors(sy_context *ctx, const char *kind,
                        const sy_tensor_spec *specs, int64_t expected,
                        const sy_tensor *given, int64_t count, void **data,
                        int64_t **shapes) {
  if (count != expected)
    return fail(ctx, "expected %" PRId64 " %s%s, got %" PRId64, expected, kind,
                expected == 1 ? "" : "s", count);
  if (count > 0 && !given)
    return fail(ctx, "%ss is NULL but num_%ss is %" PRId64, kind, kind, count);
  for (int64_t i = 0; i < count; ++i) {
    int rc = checkTensor(ctx, kind, &specs[i], &given[i], shapes);
    if (rc)
      return rc;
    data[i] = given[i].data;
  }
  return SY_OK;
}

static int runChecked(sy_context *ctx, const sy_tensor *inputs,
                      int64_t num_inputs, sy_tensor *outputs,
                      int64_t num_outputs);

int sy_rt_run(sy_context *ctx, const sy_tensor *inputs, int64_t num_inputs,
              sy_tensor *outputs, int64_t num_outputs) {
  if (!ctx) {
    setNoContextError("run: ctx is NULL");
    return SY_ERROR_INVALID_ARGUMENT;
  }
  busyContext = NULL;
  if (atomic_exchange(&ctx->run_active, 1)) {
    busyContext = ctx;
    setNoContextError("run: the context is already running on another "
                      "thread; give each thread its own context");
    return SY_ERROR_INVALID_ARGUMENT;
  }
  int rc = runChecked(ctx, inputs, num_inputs, outputs, num_outputs);
  atomic_store(&ctx->run_active, 0);
  return rc;
}

/* The call into the generated entry point. UBSan's -fsanitize=function
 * check (in -fsanitize=undefined) reads a type hash from the 8 bytes before
 * the callee; code generated from MLIR has none there, and the entry point
 * may open the .text section, with an unreadable page in front of it
 * (make check-asan crashed on test_gemm_transposeA that way). */
#if defined(__clang__)
__attribute__((no_sanitize("function")))
#endif
static int32_t callModelEntry(sy_context *ctx) {
  return sy_model.entry(ctx->input_data, ctx->output_data, ctx->shapes);
}

/* sy_rt_run with the context held: validation, then the model. */
static int runChecked(sy_context *ctx, const sy_tensor *inputs,
                      int64_t num_inputs, sy_tensor *outputs,
                      int64_t num_outputs) {
  int64_t *shapes = ctx->shapes;
  int rc = checkTensors(ctx, "input", sy_model.inputs, sy_model.num_inputs,
                        inputs, num_inputs, ctx->input_data, &shapes);
  if (!rc)
    rc = checkTensors(ctx, "output", sy_model.outputs, sy_model.num_outputs,
                      outputs, num_outputs, ctx->output_data, &shapes);
  if (rc)
    return rc;

  sy_context *outer = sy_rt_current_context, *outerRun = sy_rt_run_context;
  sy_rt_scratch_slot *outerScratch = sy_rt_thread_scratch;
  sy_rt_current_context = sy_rt_run_context = ctx;
  sy_rt_thread_scratch = &ctx->pool.scratch[0];
  atomic_store(&ctx->kernel_oom_bytes, 0);
  atomic_store(&ctx->kernel_invalid_input, (const char *)NULL);
  int32_t status = 0;
  int aborted = setjmp(ctx->run_abort);
  if (!aborted)
    status = callModelEntry(ctx);
  sy_rt_free_run_blocks(ctx); /* none after a normal run */
  sy_rt_current_context = outer;
  sy_rt_run_context = outerRun;
  sy_rt_thread_scratch = outerScratch;
  if (aborted) /* Alloc.c wrote the message */
    return SY_ERROR_OUT_OF_MEMORY;
  size_t kernelBytes = atomic_load(&ctx->kernel_oom_bytes);
  if (kernelBytes) {
    sy_rt_set_error(ctx,
                    "run: out of memory allocating %zu bytes of kernel "
                    "working memory",
                    kernelBytes);
    return SY_ERROR_OUT_OF_MEMORY;
  }
  const char *invalid = atomic_load(&ctx->kernel_invalid_input);
  if (invalid) {
    sy_rt_set_error(ctx, "run: %s", invalid);
    return SY_ERROR_INVALID_ARGUMENT;
  }
  if (status != 0) {
    sy_rt_set_error(ctx, "the model failed with status %" PRId32, status);
    return SY_ERROR_INTERNAL;
  }
  return SY_OK;
}
