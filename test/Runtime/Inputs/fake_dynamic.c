/*===- fake_dynamic.c - a stand-in library with a dynamic dimension ------===*
 *
 * Like fake_static.c (tag `fake_dyn`), with a dynamic first dim and an
 * output name that needs JSON escaping and file-name sanitizing:
 *
 *   inputs:  x float32 [-1, 3]
 *   outputs: sums/"col" float32 [3] = x summed over dim 0
 *
 * Built a second time with FAKE_DYNAMIC_OUTPUT, it also has
 *            rows float32 [-1, 3] = x
 * an output whose shape only the caller can give.
 *===----------------------------------------------------------------------===*/

#include "lib/Runtime/ModelDescriptor.h"

#define EXPORT __attribute__((visibility("default")))

static const int64_t kShapeX[] = {-1, 3};
static const int64_t kShapeSums[] = {3};

static const sy_tensor_spec kInputs[] = {
    {"x", SY_DTYPE_F32, 2, kShapeX},
};
static const sy_tensor_spec kOutputs[] = {
    {"sums/\"col\"", SY_DTYPE_F32, 1, kShapeSums},
#ifdef FAKE_DYNAMIC_OUTPUT
    {"rows", SY_DTYPE_F32, 2, kShapeX},
#endif
};

static int32_t entry(void *const *inputs, void *const *outputs,
                     const int64_t *shapes) {
  /* shapes: x's two dims, then sums' one (then rows' two). */
  int64_t rows = shapes[0];
  const float *x = inputs[0];
  float *sums = outputs[0];
  for (int j = 0; j < 3; ++j) {
    float acc = 0.0f;
    for (int64_t i = 0; i < rows; ++i)
      acc += x[i * 3 + j];
    sums[j] = acc;
  }
#ifdef FAKE_DYNAMIC_OUTPUT
  if (shapes[3] != rows)
    return 7; /* the runtime cannot know; the model checks */
  float *copy = outputs[1];
  for (int64_t i = 0; i < rows * 3; ++i)
    copy[i] = x[i];
#endif
  return 0;
}

__attribute__((visibility("hidden"))) const sy_model_descriptor sy_model = {
    "fake_dyn", 1,    kInputs, sizeof kOutputs / sizeof kOutputs[0],
    kOutputs,   entry};

EXPORT int fake_dyn_create(sy_context **ctx, int32_t num_threads) {
  return sy_rt_create(ctx, num_threads);
}
EXPORT void fake_dyn_destroy(sy_context *ctx) { sy_rt_destroy(ctx); }
EXPORT int fake_dyn_run(sy_context *ctx, const sy_tensor *inputs,
                        int64_t num_inputs, sy_tensor *outputs,
                        int64_t num_outputs) {
  return sy_rt_run(ctx, inputs, num_inputs, outputs, num_outputs);
}
EXPORT const char *fake_dyn_signature(void) { return sy_rt_signature(); }
EXPORT const char *fake_dyn_last_error(const sy_context *ctx) {
  return sy_rt_last_error(ctx);
}
