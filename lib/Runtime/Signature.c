/*===- Signature.c - the signature JSON and switchyard_model_api ---------===*
 *
 * Both are built once per library, on first use, under pthread_once, and
 * stay valid for the library's lifetime.
 *===----------------------------------------------------------------------===*/

#include "lib/Runtime/RuntimeInternal.h"

#include <inttypes.h>
#include <stdlib.h>

/* {"tag": "t", "inputs": [{"name": "x", "dtype": "float32", "shape": [2, 3]},
 * ...], "outputs": [...]} */
static void writeTensorList(sy_rt_str *s, const sy_tensor_spec *specs,
                            int64_t count) {
  sy_rt_str_puts(s, "[");
  for (int64_t i = 0; i < count; ++i) {
    const sy_tensor_spec *spec = &specs[i];
    const char *dtype = sy_rt_dtype_name(spec->dtype);
    if (i > 0)
      sy_rt_str_puts(s, ", ");
    sy_rt_str_puts(s, "{\"name\": ");
    sy_rt_str_json(s, spec->name ? spec->name : "");
    sy_rt_str_puts(s, ", \"dtype\": ");
    sy_rt_str_json(s, dtype ? dtype : "unknown");
    sy_rt_str_puts(s, ", \"shape\": [");
    for (int32_t d = 0; d < spec->rank; ++d)
      sy_rt_str_printf(s, d > 0 ? ", %" PRId64 : "%" PRId64,
                       spec->shape[d] < 0 ? (int64_t)-1 : spec->shape[d]);
    sy_rt_str_puts(s, "]}");
  }
  sy_rt_str_puts(s, "]");
}

static void writeSignature(sy_rt_str *s) {
  sy_rt_str_puts(s, "{\"tag\": ");
  sy_rt_str_json(s, sy_model.tag ? sy_model.tag : "");
  sy_rt_str_puts(s, ", \"inputs\": ");
  writeTensorList(s, sy_model.inputs, sy_model.num_inputs);
  sy_rt_str_puts(s, ", \"outputs\": ");
  writeTensorList(s, sy_model.outputs, sy_model.num_outputs);
  sy_rt_str_puts(s, "}");
}

static pthread_once_t signatureOnce = PTHREAD_ONCE_INIT;
static char *signatureJson;

static void buildSignature(void) {
  sy_rt_str measure = {NULL, 0, 0};
  writeSignature(&measure);
  char *buf = malloc(measure.len + 1);
  if (!buf)
    return; /* sy_rt_signature returns NULL */
  sy_rt_str s = {buf, measure.len + 1, 0};
  buf[0] = '\0';
  writeSignature(&s);
  signatureJson = buf;
}

const char *sy_rt_signature(void) {
  pthread_once(&signatureOnce, buildSignature);
  return signatureJson;
}

/* Runs when the library is unloaded (dlclose) or the process exits, so a
 * program that loads and unloads libraries does not leak one string each
 * time. The string's lifetime is the library's, as c-abi.md says. */
__attribute__((destructor)) static void freeSignature(void) {
  free(signatureJson);
  signatureJson = NULL;
}

/* The table reads sy_model.tag, which is no constant expression in C. */
static pthread_once_t apiOnce = PTHREAD_ONCE_INIT;
static sy_model_api api;

static void buildApi(void) {
  api.abi_version = SWITCHYARD_ABI_VERSION;
  api.tag = sy_model.tag;
  api.create = sy_rt_create;
  api.destroy = sy_rt_destroy;
  api.run = sy_rt_run;
  api.signature = sy_rt_signature;
  api.last_error = sy_rt_last_error;
}

__attribute__((visibility("default"))) const sy_model_api *
switchyard_model_api(void) {
  pthread_once(&apiOnce, buildApi);
  return &api;
}
