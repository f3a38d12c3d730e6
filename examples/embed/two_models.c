/* two_models.c: load two Switchyard models by path and run both in one
 * process.
 *
 * Where link_model.c links one model at build time, this program finds its
 * models at run time with dlopen, as a plugin host or a tool like
 * switchyard-run does. It uses only the one untagged symbol every generated
 * library exports, `switchyard_model_api`, so it needs no generated header
 * (only switchyard_abi.h) and does not know the tags in advance. Libraries
 * are linked with -Bsymbolic, so each table points at its own library's code
 * even though both define the same (hidden) runtime.
 *
 * Usage:
 *   two_models LIB_A IN_A OUT_A  LIB_B IN_B OUT_B
 * Both libraries are loaded and both contexts created before either model
 * runs, so the two really coexist. IN and OUT are raw little-endian float32
 * files in C order without a header; an input file must hold exactly as
 * many values as the model's input.
 *
 * Shapes: the caller must give every dim of every tensor (run checks them
 * all), and the two models have different ones, so this program reads them
 * from each library's signature JSON instead of taking them as arguments:
 * the format is fixed (docs/c-abi.md, "Signature JSON": one line, keys in a
 * fixed order, names escaped), which makes a few strstr calls a sound
 * parser. Names are JSON-escaped, so `"shape": [` and similar keys cannot
 * occur inside a name, only as keys. Element counts on the command line
 * would not be enough: run wants every dim, not just their product.
 *
 * The parser accepts what the examples need and refuses the rest, each with
 * a message: exactly one input and one output, both float32, static shapes
 * (a -1 dim would need the shape from the user), rank <= 8.
 *
 * Build: clang -std=c11 -Wall -Wextra -Werror two_models.c \
 *          -I<switchyard>/include -ldl -o two_models
 * (dlopen is in libc from glibc 2.34 on; older glibc needs -ldl.)
 * Exit status: 0 on success, 1 on any failure, with the reason on stderr.
 */
#define _POSIX_C_SOURCE 200809L

#include "switchyard/runtime/switchyard_abi.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "two_models.c reads raw little-endian files; this host is big-endian"
#endif

enum { MAX_RANK = 8 };

typedef struct shape {
  int64_t dims[MAX_RANK];
  int32_t rank;
  size_t numel;
} shape;

/* One model: what was loaded, its context and its buffers. */
typedef struct model {
  const char *lib_path, *in_path, *out_path;
  void *handle;
  const sy_model_api *api;
  sy_context *ctx;
  shape in, out;
  float *x, *y;
} model;

/* strstr limited to [s, end). */
static const char *find_in(const char *s, const char *end, const char *needle) {
  const char *p = strstr(s, needle);
  return p && p < end ? p : NULL;
}

static int count_in(const char *s, const char *end, const char *needle) {
  int n = 0;
  for (const char *p = s; (p = find_in(p, end, needle)); p += strlen(needle))
    ++n;
  return n;
}

/* Reads the one tensor of a section ("inputs" or "outputs") that runs from
 * `begin` to `end`. Returns 0 and prints why on anything it does not
 * handle. */
static int parse_tensor(const char *lib, const char *what, const char *begin,
                        const char *end, shape *s) {
  int n = count_in(begin, end, "\"shape\": [");
  if (n != 1) {
    fprintf(stderr, "two_models: %s: %d %s tensors, this example handles exactly 1\n", lib, n, what);
    return 0;
  }
  if (!find_in(begin, end, "\"dtype\": \"float32\"")) {
    fprintf(stderr, "two_models: %s: the %s tensor is not float32\n", lib, what);
    return 0;
  }
  const char *p = find_in(begin, end, "\"shape\": [") + strlen("\"shape\": [");
  s->rank = 0;
  s->numel = 1;
  while (*p != ']') { /* "[]" is a scalar: rank 0, one element */
    if (s->rank == MAX_RANK) {
      fprintf(stderr, "two_models: %s: %s rank above %d\n", lib, what, MAX_RANK);
      return 0;
    }
    char *next;
    long long d = strtoll(p, &next, 10);
    if (next == p || (*next != ',' && *next != ']')) {
      fprintf(stderr, "two_models: %s: unexpected signature near '%.20s'\n", lib, p);
      return 0;
    }
    if (d < 0) {
      fprintf(stderr, "two_models: %s: %s dim %d is dynamic; this example needs static shapes\n",
              lib, what, (int)s->rank);
      return 0;
    }
    s->dims[s->rank++] = d;
    s->numel *= (size_t)d;
    p = *next == ',' ? next + 2 : next; /* skip ", " */
  }
  return 1;
}

static void print_shape(const shape *s) {
  printf("[");
  for (int32_t i = 0; i < s->rank; ++i)
    printf(i ? ", %lld" : "%lld", (long long)s->dims[i]);
  printf("]");
}

/* dlopens the library, checks its ABI version and reads its shapes. */
static int load(model *m) {
  /* RTLD_LOCAL: each library keeps its symbols to itself, so two libraries
   * (which both export switchyard_model_api) never resolve into each other.
   * RTLD_NOW: a broken library fails here, not in the middle of a run. */
  m->handle = dlopen(m->lib_path, RTLD_NOW | RTLD_LOCAL);
  if (!m->handle) {
    fprintf(stderr, "two_models: %s\n", dlerror());
    return 0;
  }
  /* dlsym returns an object pointer; POSIX guarantees it converts to a
   * function pointer. */
  const sy_model_api *(*get_api)(void) =
      (const sy_model_api *(*)(void))dlsym(m->handle, "switchyard_model_api");
  if (!get_api) {
    fprintf(stderr, "two_models: %s: no switchyard_model_api: not a Switchyard library\n",
            m->lib_path);
    return 0;
  }
  m->api = get_api();
  /* Nothing else in the table may be trusted before this check: a new ABI
   * may have moved the fields. */
  if (m->api->abi_version != SWITCHYARD_ABI_VERSION) {
    fprintf(stderr, "two_models: %s: ABI version %u, this program speaks %d\n", m->lib_path,
            (unsigned)m->api->abi_version, SWITCHYARD_ABI_VERSION);
    return 0;
  }
  const char *sig = m->api->signature();
  if (!sig) {
    fprintf(stderr, "two_models: %s: signature(): out of memory\n", m->lib_path);
    return 0;
  }
  printf("%s: tag=%s abi_version=%u\n", m->lib_path, m->api->tag,
         (unsigned)m->api->abi_version);
  printf("  signature: %s\n", sig);

  const char *ins = strstr(sig, "\"inputs\": [");
  const char *outs = strstr(sig, "\"outputs\": [");
  if (!ins || !outs || outs < ins) {
    fprintf(stderr, "two_models: %s: unexpected signature\n", m->lib_path);
    return 0;
  }
  return parse_tensor(m->lib_path, "input", ins, outs, &m->in) &&
         parse_tensor(m->lib_path, "output", outs, sig + strlen(sig), &m->out);
}

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
    fprintf(stderr, "two_models: %s: expected exactly %zu float32 values (%zu bytes)\n", path,
            n, n * sizeof(float));
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
  if (fclose(f) != 0 || put != n) {
    fprintf(stderr, "two_models: %s: write failed\n", path);
    return 0;
  }
  return 1;
}

static int create(model *m) {
  /* calloc(0) may return NULL; +1 keeps NULL meaning "out of memory". */
  m->x = calloc(m->in.numel + 1, sizeof(float));
  m->y = calloc(m->out.numel + 1, sizeof(float));
  if (!m->x || !m->y) {
    fprintf(stderr, "two_models: out of memory\n");
    return 0;
  }
  /* 0 threads: one per core. Each context has its own pool, so the two
   * models could also run concurrently from two threads. */
  if (m->api->create(&m->ctx, 0) != SY_OK) {
    fprintf(stderr, "two_models: %s: create: %s\n", m->lib_path, m->api->last_error(NULL));
    return 0;
  }
  return 1;
}

static int run(model *m) {
  if (!read_floats(m->in_path, m->x, m->in.numel))
    return 0;
  sy_tensor in = {m->x, m->in.dims, m->in.rank, SY_DTYPE_F32};
  sy_tensor out = {m->y, m->out.dims, m->out.rank, SY_DTYPE_F32};
  int status = m->api->run(m->ctx, &in, 1, &out, 1);
  if (status != SY_OK) {
    fprintf(stderr, "two_models: %s: run failed (status %d): %s\n", m->lib_path, status,
            m->api->last_error(m->ctx));
    return 0;
  }
  if (!write_floats(m->out_path, m->y, m->out.numel))
    return 0;
  printf("%s: ran %s ", m->api->tag, m->in_path);
  print_shape(&m->in);
  printf(" -> %s ", m->out_path);
  print_shape(&m->out);
  printf("\n");
  return 1;
}

/* Safe on a partly set-up model: every step checks what exists. The context
 * goes before the library, whose code destroy is. */
static void unload(model *m) {
  if (m->ctx)
    m->api->destroy(m->ctx);
  if (m->handle)
    dlclose(m->handle);
  free(m->x);
  free(m->y);
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s LIB_A IN_A.raw OUT_A.raw LIB_B IN_B.raw OUT_B.raw\n", argv[0]);
    return 1;
  }
  /* Line-buffered even into a pipe, so progress and errors (stderr) come
   * out in the order they happened. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  model m[2] = {{.lib_path = argv[1], .in_path = argv[2], .out_path = argv[3]},
                {.lib_path = argv[4], .in_path = argv[5], .out_path = argv[6]}};
  int ok = load(&m[0]) && load(&m[1]);
  /* dlopen returns the same handle for the same file, hence the same table;
   * distinct libraries always give distinct tables (-Bsymbolic). */
  if (ok && m[0].api == m[1].api) {
    fprintf(stderr, "two_models: %s and %s are the same library\n", m[0].lib_path,
            m[1].lib_path);
    ok = 0;
  }
  ok = ok && create(&m[0]) && create(&m[1]);
  ok = ok && run(&m[0]) && run(&m[1]);
  unload(&m[1]);
  unload(&m[0]);
  return ok ? 0 : 1;
}
