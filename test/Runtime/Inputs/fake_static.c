/*===- fake_static.c - a hand-written stand-in for a generated library ---===*
 *
 * Provides what switchyard-compile's output provides (ModelDescriptor.h):
 * the hidden `sy_model` descriptor and the tagged entry points, here with
 * the tag `fake`. Linked with libswitchyard_runtime.a into a .so, it lets
 * the runtime and switchyard-run be tested without the compiler.
 *
 *   inputs:  x float32 [2, 3], n int64 [2]
 *   outputs: y float32 [2, 3] = x * 2 + 1
 *            s int64 [2]      = n + 1
 *
 * y is computed through sy_rt_parallel_for, so --threads reaches the pool.
 *===----------------------------------------------------------------------===*/

#include "lib/Runtime/ModelDescriptor.h"

#define EXPORT __attribute__((visibility("default")))

static const int64_t kShapeX[] = {2, 3};
static const int64_t kShapeN[] = {2};

static const sy_tensor_spec kInputs[] = {
    {"x", SY_DTYPE_F32, 2, kShapeX},
    {"n", SY_DTYPE_I64, 1, kShapeN},
};
static const sy_tensor_spec kOutputs[] = {
    {"y", SY_DTYPE_F32, 2, kShapeX},
    {"s", SY_DTYPE_I64, 1, kShapeN},
};

typedef struct {
  const float *x;
  float *y;
} AffineEnv;

static void affine(void *env, int64_t begin, int64_t end) {
  AffineEnv *e = env;
  for (int64_t i = begin; i < end; ++i)
    e->y[i] = e->x[i] * 2.0f + 1.0f;
}

static int32_t entry(void *const *inputs, void *const *outputs,
                     const int64_t *shapes) {
  (void)shapes; /* all static */
  AffineEnv env = {inputs[0], outputs[0]};
  sy_rt_parallel_for(2 * 3, affine, &env);
  const int64_t *n = inputs[1];
  int64_t *s = outputs[1];
  for (int i = 0; i < 2; ++i)
    s[i] = n[i] + 1;
  return 0;
}

__attribute__((visibility("hidden")))
const sy_model_descriptor sy_model = {"fake", 2, kInputs, 2, kOutputs, entry};

EXPORT int fake_create(sy_context **ctx, int32_t num_threads) {
  return sy_rt_create(ctx, num_threads);
}
EXPORT void fake_destroy(sy_context *ctx) { sy_rt_destroy(ctx); }
EXPORT int fake_run(sy_context *ctx, const sy_tensor *inputs,
                    int64_t num_inputs, sy_tensor *outputs,
                    int64_t num_outputs) {
  return sy_rt_run(ctx, inputs, num_inputs, outputs, num_outputs);
}
EXPORT const char *fake_signature(void) { return sy_rt_signature(); }
EXPORT const char *fake_last_error(const sy_context *ctx) {
  return sy_rt_last_error(ctx);
}
