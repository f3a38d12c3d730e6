/*===- switchyard_abi.h - the C ABI of generated libraries ------*- C -*-===*
 *
 * Every library made by switchyard-compile implements this ABI. Its own
 * header (model.h) declares the same entry points with the library's tag as
 * prefix (TAG_create, TAG_run, ...), so several models link into one
 * program; tools that load a library by path (switchyard-run, the Python
 * package) use the one untagged symbol, `switchyard_model_api`, which
 * returns the table of entry points below (libraries are linked with
 * -Bsymbolic, so each library's table points at its own code).
 *
 * Ownership and threading (docs/c-abi.md):
 *  - A context owns scratch memory and the thread pool. `run` on different
 *    contexts may proceed concurrently; calls on one context are serialized
 *    by the caller (a context is not reentrant).
 *  - The caller owns input and output buffers. `run` reads inputs and
 *    writes outputs in place; it never keeps a pointer after returning.
 *  - `run` validates the count, dtype, rank and every dimension of each
 *    input and output before touching data; on failure it returns non-zero
 *    and `last_error` names the tensor and the expected vs given value.
 *  - Strings returned (signature, last_error) stay valid until the next
 *    call on the same context (last_error) or for the library's lifetime
 *    (signature).
 *===----------------------------------------------------------------------===*/
#ifndef SWITCHYARD_ABI_H
#define SWITCHYARD_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change of the structures below. */
#define SWITCHYARD_ABI_VERSION 1

/* Element types, numbered as ONNX TensorProto.DataType. */
typedef enum sy_dtype {
  SY_DTYPE_F32 = 1,
  SY_DTYPE_U8 = 2,
  SY_DTYPE_I8 = 3,
  SY_DTYPE_U16 = 4,
  SY_DTYPE_I16 = 5,
  SY_DTYPE_I32 = 6,
  SY_DTYPE_I64 = 7,
  SY_DTYPE_BOOL = 9, /* one byte per element, 0 or 1 */
  SY_DTYPE_F16 = 10,
  SY_DTYPE_F64 = 11,
  SY_DTYPE_U32 = 12,
  SY_DTYPE_U64 = 13,
  SY_DTYPE_BF16 = 16
} sy_dtype;

/* A dense, row-major (C-contiguous) tensor. */
typedef struct sy_tensor {
  void *data;
  const int64_t *shape; /* `rank` entries; may be NULL when rank is 0 */
  int32_t rank;
  int32_t dtype; /* a sy_dtype */
} sy_tensor;

/* Status codes of `create` and `run`. */
enum {
  SY_OK = 0,
  SY_ERROR_INVALID_ARGUMENT = 1, /* wrong count, dtype, rank or shape */
  SY_ERROR_OUT_OF_MEMORY = 2,
  SY_ERROR_INTERNAL = 3
};

typedef struct sy_context sy_context;

typedef struct sy_model_api {
  uint32_t abi_version; /* SWITCHYARD_ABI_VERSION */
  const char *tag;      /* the --tag the library was compiled with */
  /* Creates a context using `num_threads` threads (0: all cores). */
  int (*create)(sy_context **ctx, int32_t num_threads);
  void (*destroy)(sy_context *ctx);
  int (*run)(sy_context *ctx, const sy_tensor *inputs, int64_t num_inputs,
             sy_tensor *outputs, int64_t num_outputs);
  /* JSON: {"tag": "...", "inputs": [{"name": "x", "dtype": "float32",
   * "shape": [1, -1]}...], "outputs": [...]}; -1 marks a dynamic dim. */
  const char *(*signature)(void);
  /* The message of the last failed call on `ctx` ("" if none); with a NULL
   * ctx, that of the last failed `create` in this thread. */
  const char *(*last_error)(const sy_context *ctx);
} sy_model_api;

/* The one untagged symbol of a generated library. */
const sy_model_api *switchyard_model_api(void);

#ifdef __cplusplus
}
#endif

#endif /* SWITCHYARD_ABI_H */
