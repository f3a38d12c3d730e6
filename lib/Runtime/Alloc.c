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
 *===----------------------------------------------------------------------===*/

#include "lib/Runtime/RuntimeInternal.h"

#include <setjmp.h>
#include <stdlib.h>

/* 16 bytes: the pointer handed out keeps malloc's 16-byte alignment. */
typedef struct sy_rt_block {
  struct sy_rt_block *prev, *next;
} sy_rt_block;

_Static_assert(sizeof(sy_rt_block) % 16 == 0, "header breaks alignment");

void *_mlir_memref_to_llvm_alloc(size_t size);
void _mlir_memref_to_llvm_free(void *ptr);

__attribute__((visibility("hidden"))) void *
_mlir_memref_to_llvm_alloc(size_t size) {
  sy_context *ctx = sy_rt_current_context;
  sy_rt_block *b = size <= SIZE_MAX - sizeof(sy_rt_block)
                       ? malloc(sizeof(sy_rt_block) + size)
                       : NULL;
  if (!b) {
    if (!ctx) /* not inside sy_rt_run: the caller sees NULL */
      return NULL;
    sy_rt_set_error(ctx,
                    "run: out of memory allocating an intermediate tensor "
                    "of %zu bytes",
                    size);
    longjmp(ctx->run_abort, 1); /* sy_rt_run frees the run's blocks */
  }
  b->prev = NULL;
  b->next = ctx ? ctx->run_blocks : NULL;
  if (ctx) {
    if (b->next)
      b->next->prev = b;
    ctx->run_blocks = b;
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
  free(b);
}

void sy_rt_kernel_out_of_memory(size_t bytes) {
  sy_context *ctx = sy_rt_run_context;
  size_t none = 0;
  if (ctx) /* the first failure is the one reported */
    atomic_compare_exchange_strong(&ctx->kernel_oom_bytes, &none,
                                   bytes ? bytes : 1);
}

void sy_rt_free_run_blocks(sy_context *ctx) {
  sy_rt_block *b = ctx->run_blocks;
  while (b) {
    sy_rt_block *next = b->next;
    free(b);
    b = next;
  }
  ctx->run_blocks = NULL;
}
