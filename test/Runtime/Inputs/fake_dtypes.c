/*===- fake_dtypes.c - a stand-in library with every element type --------===*
 *
 * Tag `fake_dtypes`: for each dtype of the ABI an input `in_NAME` [3] (bool
 * [2, 2]) and an output `out_NAME` of the same type and shape holding a copy,
 * so that switchyard-run's readers and writers can be checked for every
 * dtype by comparing the files it writes with those it read.
 *===----------------------------------------------------------------------===*/

#include "lib/Runtime/ModelDescriptor.h"

#include <string.h>

#define EXPORT __attribute__((visibility("default")))

static const int64_t kVector[] = {3};
static const int64_t kMatrix[] = {2, 2};

#define SPECS(prefix)                                                          \
  {prefix "float32", SY_DTYPE_F32, 1, kVector},                                \
      {prefix "uint8", SY_DTYPE_U8, 1, kVector},                               \
      {prefix "int8", SY_DTYPE_I8, 1, kVector},                                \
      {prefix "uint16", SY_DTYPE_U16, 1, kVector},                             \
      {prefix "int16", SY_DTYPE_I16, 1, kVector},                              \
      {prefix "int32", SY_DTYPE_I32, 1, kVector},                              \
      {prefix "int64", SY_DTYPE_I64, 1, kVector},                              \
      {prefix "bool", SY_DTYPE_BOOL, 2, kMatrix},                              \
      {prefix "float16", SY_DTYPE_F16, 1, kVector},                            \
      {prefix "float64", SY_DTYPE_F64, 1, kVector},                            \
      {prefix "uint32", SY_DTYPE_U32, 1, kVector},                             \
      {prefix "uint64", SY_DTYPE_U64, 1, kVector},                             \
      {prefix "bfloat16", SY_DTYPE_BF16, 1, kVector}

static const sy_tensor_spec kInputs[] = {SPECS("in_")};
static const sy_tensor_spec kOutputs[] = {SPECS("out_")};
enum { kCount = sizeof kInputs / sizeof kInputs[0] };

static int32_t entry(void *const *inputs, void *const *outputs,
                     const int64_t *shapes) {
  (void)shapes;
  static const size_t kBytes[kCount] = {12, 3, 3, 6, 6, 12, 24,
                                        4,  6, 24, 12, 24, 6};
  for (int i = 0; i < kCount; ++i)
    memcpy(outputs[i], inputs[i], kBytes[i]);
  return 0;
}

__attribute__((visibility("hidden"))) const sy_model_descriptor sy_model = {
    "fake_dtypes", kCount, kInputs, kCount, kOutputs, entry};

EXPORT int fake_dtypes_create(sy_context **ctx, int32_t num_threads) {
  return sy_rt_create(ctx, num_threads);
}
EXPORT void fake_dtypes_destroy(sy_context *ctx) { sy_rt_destroy(ctx); }
EXPORT int fake_dtypes_run(sy_context *ctx, const sy_tensor *inputs,
                           int64_t num_inputs, sy_tensor *outputs,
                           int64_t num_outputs) {
  return sy_rt_run(ctx, inputs, num_inputs, outputs, num_outputs);
}
EXPORT const char *fake_dtypes_signature(void) { return sy_rt_signature(); }
EXPORT const char *fake_dtypes_last_error(const sy_context *ctx) {
  return sy_rt_last_error(ctx);
}
