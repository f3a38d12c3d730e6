/*===- Alloc.c - the model's intermediate tensors ------------------------===*
 *
 * The generated code allocates its intermediate tensors through the generic
 * functions of MLIR's finalize-memref-to-llvm (use-generic-functions), which
 * land here. Shapes are static, but a model may still ask for more than the
 * machine has, and generated code cannot test for NULL: so a failed
 * allocation during sy_rt_run records the error and jumps back to
 * sy_rt_run, which frees what the run still holds and returns
 * SY_ERROR_OUT_OF_MEMORY.
 * Every block carries a header linking it into its run's list; the list is
 * empty again when a run ends normally (the deallocation pipeline frees
 * each buffer after its last use).
 *
 * Freed blocks of at least kMinCachedBytes stay with the context for its
 * next runs, which ask for the same sizes again (shapes are static): a
 * block that large comes from mmap, and touching its fresh pages cost a
 * page fault per 4 KiB on every run (15% of a ResNet block's time in the
 * kernel). An allocation takes a cached block of exactly its size. The
 * cache holds at most the run's peak of live bytes, so a context keeps at
 * most twice what one run needs; sy_rt_destroy releases it.
 *===----------------------------------------------------------------------===*/

#include "lib/Runtime/RuntimeInternal.h"

#include <setjmp.h>
#include <stdlib.h>

/* 32 bytes: the pointer handed out keeps malloc's 16-byte alignment. */
typedef struct sy_rt_block {
  struct sy_rt_block *prev, *next;
  size_t size; /* bytes after the header */
  size_t unused;
} sy_rt_block;

enum { kMinCachedBytes = 64 * 1024 };

/* Unlinks and returns a cached block of exactly `size` bytes, or NULL. */
static sy_rt_block *takeCached(sy_context *ctx, size_t size) {
  sy_rt_block **link = &ctx->cached_blocks;
  for (sy_rt_block *b = *link; b; link = &b->next, b = b->next)
    if (b->size == size) {
      *link = b->next;
      ctx->cached_bytes -= size;
      return b;
    }
  return NULL;
}

_Static_assert(sizeof(sy_rt_block) % 16 == 0, "header breaks alignment");

void *_mlir_memref_to_llvm_alloc(size_t size);
void _mlir_memref_to_llvm_free(void *ptr);

__attribute__((visibility("hidden"))) void *
_mlir_memref_to_llvm_alloc(size_t size) {
  sy_context *ctx = sy_rt_current_context;
  sy_rt_block *b = ctx && size >= kMinCachedBytes ? takeCached(ctx, size)
                                                  : NULL;
  if (!b && size <= SIZE_MAX - sizeof(sy_rt_block))
    b = malloc(sizeof(sy_rt_block) + size);
  if (!b) {
    if (!ctx) /* not inside sy_rt_run: the caller sees NULL */
      return NULL;
    sy_rt_set_error(ctx,
                    "run: out of memory allocating an intermediate tensor "
                    "of %zu bytes",
                    size);
    longjmp(ctx->run_abort, 1); /* sy_rt_run frees the run's blocks */
  }
  b->size = size;
  b->prev = NULL;
  b->next = ctx ? ctx->run_blocks : NULL;
  if (ctx) {
    if (b->next)
      b->next->prev = b;
    ctx->run_blocks = b;
    ctx->live_bytes += size;
    if (ctx->live_bytes > ctx->peak_bytes)
      ctx->peak_bytes = ctx->live_bytes;
  }
  return b + 1;
}

__attribute__((visibility("hidden"))) void _mlir_memref_to_llvm_free(void *ptr) {
  if (!ptr)
    return;
  sy_rt_block *b = (sy_rt_block *)ptr - 1;
  sy_context *ctx = sy_rt_current_context;
  if (b->prev)
    b->prev->next = b->next;
  else if (ctx && ctx->run_blocks == b)
    ctx->run_blocks = b->next;
  if (b->next)
    b->next->prev = b->prev;
  if (ctx) {
    ctx->live_bytes -= b->size;
    if (b->size >= kMinCachedBytes &&
        ctx->cached_bytes + b->size <= ctx->peak_bytes) {
      b->prev = NULL;
      b->next = ctx->cached_blocks;
      ctx->cached_blocks = b;
      ctx->cached_bytes += b->size;
      return;
    }
  }
  free(b);
}

void sy_rt_kernel_out_of_memory(size_t bytes) {
  sy_context *ctx = sy_rt_run_context;
  size_t none = 0;
  if (ctx) /* the first failure is the one reported */
    atomic_compare_exchange_strong(&ctx->kernel_oom_bytes, &none,
                                   bytes ? bytes : 1);
}

void sy_rt_kernel_invalid_input(const char *message) {
  sy_context *ctx = sy_rt_run_context;
  const char *none = NULL;
  if (ctx)
    atomic_compare_exchange_strong(&ctx->kernel_invalid_input, &none,
                                   message);
}

static void freeList(sy_rt_block *b) {
  while (b) {
    sy_rt_block *next = b->next;
    free(b);
    b = next;
  }
}

void sy_rt_free_run_blocks(sy_context *ctx) {
  freeList(ctx->run_blocks);
  ctx->run_blocks = NULL;
  ctx->live_bytes = 0;
}

void sy_rt_free_cached_blocks(sy_context *ctx) {
  freeList(ctx->cached_blocks);
  ctx->cached_blocks = NULL;
  ctx->cached_bytes = 0;
}
