/*===- ValidationFuzzer.c - libFuzzer harness: run's argument checks ------===*
 *
 * Linked with the object of one fixture model (validation.test compiles it:
 * inputs x float32 [2, 3] and i int64 [3], output y = Gather(x, i, axis 1)
 * float32 [2, 3]) and the runtime built with ASan + UBSan + coverage. Each
 * input decodes into arguments of `run`: counts, NULL arrays, dtypes, ranks,
 * NULL shapes, dims (0, -1, 2^40, INT64_MAX, ...), NULL data, data bytes.
 * Buffers are exactly as large as the descriptor says when that is small,
 * and 8 bytes otherwise, so a check that let a wrong shape through would
 * make the model read or write past a buffer, which ASan reports.
 *
 * Besides "no crash, no sanitizer report" the harness checks the contract:
 * run returns SY_OK exactly when every descriptor matches the signature
 * (with non-NULL data), and SY_ERROR_INVALID_ARGUMENT otherwise.
 *===----------------------------------------------------------------------===*/

#include "switchyard/runtime/switchyard_abi.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int32_t dtype;
  int32_t rank;
  int64_t dims[2];
} spec;

static const spec kInputs[] = {{SY_DTYPE_F32, 2, {2, 3}}, {SY_DTYPE_I64, 1, {3}}};
static const spec kOutputs[] = {{SY_DTYPE_F32, 2, {2, 3}}};

/* The fuzz bytes, consumed from the front; zeros once they run out. */
typedef struct {
  const uint8_t *p;
  size_t n;
} bytes;

static uint8_t take8(bytes *b) {
  if (!b->n)
    return 0;
  --b->n;
  return *b->p++;
}

static int64_t take64(bytes *b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v = v << 8 | take8(b);
  return (int64_t)v;
}

static int64_t takeDim(bytes *b) {
  static const int64_t kDims[] = {2, 3, 0, 1, -1, 6, 4, (int64_t)1 << 40,
                                  INT64_MAX, INT64_MIN, (int64_t)1 << 32};
  uint8_t k = take8(b);
  return k < 240 ? kDims[k % (sizeof kDims / sizeof kDims[0])] : take64(b);
}

static int32_t takeDtype(bytes *b, int32_t want) {
  static const int32_t kTypes[] = {SY_DTYPE_F32, SY_DTYPE_I64, SY_DTYPE_BOOL,
                                   SY_DTYPE_F16, 0, 8, 14, 99, -1};
  uint8_t k = take8(b);
  return k < 128 ? want : kTypes[k % (sizeof kTypes / sizeof kTypes[0])];
}

static size_t elementSize(int32_t dtype) {
  switch (dtype) {
  case SY_DTYPE_I64: case SY_DTYPE_F64: case SY_DTYPE_U64: return 8;
  case SY_DTYPE_F32: case SY_DTYPE_I32: case SY_DTYPE_U32: return 4;
  case SY_DTYPE_F16: case SY_DTYPE_BF16: case SY_DTYPE_I16: case SY_DTYPE_U16:
    return 2;
  default: return 1;
  }
}

typedef struct {
  sy_tensor t;
  int64_t shape[8];
  void *data;
} arg;

/* One descriptor, mostly close to `want` so that deep checks are reached. */
static void makeArg(bytes *b, const spec *want, arg *a) {
  memset(a, 0, sizeof *a);
  uint8_t flags = take8(b);
  a->t.dtype = takeDtype(b, want->dtype);
  a->t.rank = flags & 1 ? (int32_t)(take8(b) % 9) - 1 : want->rank;
  if (flags & 2 && a->t.rank == 2)
    a->t.rank = 1 << 30; /* a rank no shape array has */
  int32_t rank = a->t.rank >= 0 && a->t.rank <= 8 ? a->t.rank : 0;
  for (int32_t d = 0; d < rank; ++d)
    a->shape[d] = flags & 4 ? takeDim(b) : (d < want->rank ? want->dims[d] : 1);
  a->t.shape = flags & 8 ? NULL : a->shape;
  /* Bytes the descriptor claims, when small and well-formed. */
  size_t need = elementSize(a->t.dtype);
  for (int32_t d = 0; d < rank; ++d)
    need = a->shape[d] >= 0 && a->shape[d] <= 64 ? need * (size_t)a->shape[d]
                                                 : 8;
  if (!(flags & 16)) {
    a->data = malloc(need ? need : 1);
    for (size_t i = 0; i < need; ++i)
      ((uint8_t *)a->data)[i] = take8(b);
  }
  a->t.data = a->data;
}

static int matches(const arg *a, const spec *want) {
  if (a->t.dtype != want->dtype || a->t.rank != want->rank || !a->t.data ||
      (want->rank && !a->t.shape))
    return 0;
  for (int32_t d = 0; d < want->rank; ++d)
    if (a->shape[d] != want->dims[d])
      return 0;
  return 1;
}

static sy_context *context(void) {
  static sy_context *ctx;
  if (!ctx && switchyard_model_api()->create(&ctx, 1) != SY_OK) {
    fprintf(stderr, "create failed\n");
    abort();
  }
  return ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bytes b = {data, size};
  const sy_model_api *api = switchyard_model_api();
  uint8_t counts = take8(&b);
  int64_t numIn = counts & 0x80 ? (int64_t)(counts & 3) : 2;
  int64_t numOut = counts & 0x40 ? (int64_t)((counts >> 2) & 3) : 1;
  if (counts == 0xff)
    numIn = INT64_MAX;
  arg in[3], out[3];
  int valid = numIn == 2 && numOut == 1;
  for (int64_t i = 0; i < 3; ++i) {
    makeArg(&b, &kInputs[i < 2 ? i : 1], &in[i]);
    valid &= i >= numIn || (i < 2 && matches(&in[i], &kInputs[i]));
    makeArg(&b, &kOutputs[0], &out[i]);
    valid &= i >= numOut || (i < 1 && matches(&out[i], &kOutputs[0]));
  }
  sy_tensor ins[3], outs[3];
  for (int i = 0; i < 3; ++i) {
    ins[i] = in[i].t;
    outs[i] = out[i].t;
  }
  uint8_t nulls = take8(&b);
  int rc = api->run(context(), nulls & 1 ? NULL : ins, numIn,
                    nulls & 2 ? NULL : outs, numOut);
  valid &= !(nulls & 1) && !(nulls & 2);
  if ((rc == SY_OK) != valid ||
      (rc != SY_OK && rc != SY_ERROR_INVALID_ARGUMENT)) {
    fprintf(stderr, "run returned %d (%s) for %s arguments\n", rc,
            api->last_error(context()), valid ? "valid" : "invalid");
    abort();
  }
  for (int i = 0; i < 3; ++i) {
    free(in[i].data);
    free(out[i].data);
  }
  return 0;
}
