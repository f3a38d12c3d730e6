/* link_model.c: call a Switchyard model linked in at build time.
 *
 * The simplest way to embed a model: include the header that
 * switchyard-compile writes next to the library and link against the
 * library like any other. The entry points carry the --tag as prefix
 * (mlp_create, mlp_run, ...), so several models can be linked into one
 * program without clashing.
 *
 * Build (README.md has the full sequence):
 *   switchyard-compile examples/mlp.onnx -o $DIR/mlp.so --tag mlp
 *   clang -std=c11 -Wall -Wextra -Werror link_model.c -I$DIR \
 *         -L$DIR -l:mlp.so -Wl,-rpath,$DIR -o link_model
 * Run:
 *   ./link_model x.raw logits.raw
 *
 * Files are raw little-endian float32 in C order, no header: the input holds
 * 4 * 32 values, the output gets 4 * 10.
 *
 * Exit status: 0 on success, 1 on any failure, with one line on stderr
 * (the model's own message, from mlp_last_error, when the model failed).
 */
#include "mlp.h"

#include <stdio.h>
#include <stdlib.h>

/* The files are read and written with fread/fwrite as they are, so the host
 * must store floats little-endian, as the ABI does. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "link_model.c reads raw little-endian files; this host is big-endian"
#endif

/* The shapes of examples/mlp.onnx, hard-coded to keep this example short:
 * the generated mlp.h lists them in its opening comment
 * ("[0] 'x' float32 [4, 32]", "[0] 'logits' float32 [4, 10]"), and
 * mlp_signature() returns them as JSON (two_models.c reads them from there).
 * Getting them wrong is safe: mlp_run checks every dim before touching any
 * data and names the mismatch in mlp_last_error. */
enum { BATCH = 4, IN_FEATURES = 32, OUT_FEATURES = 10 };

/* Reads exactly `n` floats from `path`; a shorter or longer file is an
 * error, since it means the input was made for another shape. */
static int read_floats(const char *path, float *buf, size_t n) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 0;
  }
  size_t got = fread(buf, sizeof(float), n, f);
  int extra = fgetc(f) != EOF;
  fclose(f);
  if (got != n || extra) {
    fprintf(stderr, "link_model: %s: expected exactly %zu float32 values (%zu bytes)\n",
            path, n, n * sizeof(float));
    return 0;
  }
  return 1;
}

static int write_floats(const char *path, const float *buf, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    return 0;
  }
  size_t put = fwrite(buf, sizeof(float), n, f);
  /* fclose can be where a full disk is reported, so its result counts too. */
  if (fclose(f) != 0 || put != n) {
    fprintf(stderr, "link_model: %s: write failed\n", path);
    return 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s INPUT.raw OUTPUT.raw  (raw float32, x [4, 32] -> logits [4, 10])\n",
            argv[0]);
    return 1;
  }

  static float x[BATCH * IN_FEATURES], logits[BATCH * OUT_FEATURES];
  if (!read_floats(argv[1], x, BATCH * IN_FEATURES))
    return 1;

  /* 0 threads: one per online core. The context owns the thread pool and
   * the scratch memory, so create it once and reuse it for every run. */
  sy_context *ctx = NULL;
  if (mlp_create(&ctx, 0) != SY_OK) {
    /* No context exists yet: the reason is kept per thread, read with NULL. */
    fprintf(stderr, "link_model: mlp_create: %s\n", mlp_last_error(NULL));
    return 1;
  }

  /* The shape arrays must outlive the call only; run keeps no pointer. */
  const int64_t in_shape[2] = {BATCH, IN_FEATURES};
  const int64_t out_shape[2] = {BATCH, OUT_FEATURES};
  const sy_tensor inputs[mlp_NUM_INPUTS] = {{x, in_shape, 2, SY_DTYPE_F32}};
  sy_tensor outputs[mlp_NUM_OUTPUTS] = {{logits, out_shape, 2, SY_DTYPE_F32}};
  int status = mlp_run(ctx, inputs, mlp_NUM_INPUTS, outputs, mlp_NUM_OUTPUTS);
  if (status != SY_OK) {
    /* The message lives in the context: read it before destroying it. */
    fprintf(stderr, "link_model: mlp_run failed (status %d): %s\n", status,
            mlp_last_error(ctx));
    mlp_destroy(ctx);
    return 1;
  }
  mlp_destroy(ctx);

  return write_floats(argv[2], logits, BATCH * OUT_FEATURES) ? 0 : 1;
}
