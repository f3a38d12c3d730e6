/* stress_run.c: reliability checks of one generated library, loaded by path
 * through its C ABI (docs/c-abi.md), as an embedding application loads it.
 *
 * Usage: stress_run MODE LIB [options]
 *
 * MODE:
 *   stress  K input sets; their reference outputs are computed first on one
 *           context (-t threads) by the main thread alone. Then -w pthreads,
 *           each with its own context (-t threads), make -n calls each,
 *           cycling over the K sets (thread i, call c: set (i + c) % K, so
 *           concurrent calls work on different data), and compare every
 *           output with its reference bitwise (memcmp). Output buffers are
 *           poisoned before each call, so an element a call failed to write
 *           shows too. The inputs are shared by every thread, read-only;
 *           their hashes are checked afterwards (run must not write them).
 *             stress: 8 threads x 1000 calls, 0 mismatches, 0 errors
 *   hash    For each set: runs it on two fresh contexts with the same -t,
 *           compares the outputs bitwise, and prints an FNV-1a 64 hash of
 *           every output (of the second context), so that two processes
 *           can be compared too:
 *             hash set 0: probs=... hidden=...
 *             determinism: 8 sets x 2 contexts of 2 threads, 0 mismatches
 *   leak    -n rounds of create / run every set / destroy (-t 1, 2 and 3 in
 *           turn; with a failing create and a failing run in each round),
 *           all of it -r times over a fresh dlopen / dlclose of LIB. Meant
 *           to be built with -fsanitize=address: LeakSanitizer reports any
 *           leak at exit. Outputs are compared with the references of the
 *           first load (same -t only).
 *             leak: 3 loads x 40 rounds, 0 mismatches, 0 errors
 *   fuzz    -n calls of run with broken descriptors from a seeded PRNG (-s):
 *           wrong counts, NULL arrays, NULL shapes, wrong or unknown dtype
 *           codes, wrong ranks, negative dims, wrong static dims, dims whose
 *           element or byte count overflows int64 (on dynamic dims), NULL
 *           data, a NULL context. 70% of the calls carry exactly one defect
 *           and must report it: status SY_ERROR_INVALID_ARGUMENT and exactly
 *           the message docs/c-abi.md gives for it (in last_error(ctx), or
 *           last_error(NULL) for a NULL context); the others carry two to
 *           four, and must fail the same way with a non-empty, terminated
 *           message. No output
 *           may be written by a failed call, and every 997th call is a
 *           valid one that must match the reference (the context survives
 *           its errors). create is fuzzed too (num_threads out of range).
 *             fuzz: 100000 calls (70081 with one defect, 100 valid) and
 *                   1001 creates, 0 failures
 *
 * Options (defaults in brackets):
 *   -t T   threads per context [2]        -w W   concurrent threads [8]
 *   -n N   calls / rounds / iterations    -k K   input sets [8]
 *   -r R   dlopen/dlclose cycles (leak) [3]
 *   -s S   seed (fuzz) [1]                -d D   size of dynamic dims [3]
 *   -i I   integer inputs take values in [0, I) [4]
 *   -a A   every buffer starts A elements past a 64-byte boundary [0]
 *          (hash: outputs must not depend on where the buffers are)
 *   -f     inject a fault, to show that the mode detects one: stress flips
 *          one output byte in one call of thread 3 (1 mismatch); hash flips
 *          one byte of the second context's output of set 0; leak skips
 *          one destroy of a context of one thread (LeakSanitizer reports
 *          it); fuzz passes one valid descriptor as a broken one.
 *   -S     stress: every thread runs on ONE shared context, which the ABI
 *          forbids (a context is not reentrant): to show that run refuses
 *          a context already running on another thread (errors, never a
 *          wrong output or a race).
 *
 * Inputs: floats uniform in [-1, 1), integers in [0, I), bools 0 or 1, all
 * from a splitmix64 stream seeded by (set, input): the same in every run.
 * Dynamic dims (-1 in the signature) all get the size -d, which suits
 * models whose only dynamic dim is a batch dim shared by every tensor.
 *
 * Exit status: 0 if everything matched, 1 on any mismatch or error (with
 * the first few on stderr), 2 on a usage error.
 */
#define _POSIX_C_SOURCE 200809L

#include "switchyard/runtime/switchyard_abi.h"

#include <dlfcn.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_RANK = 16, MAX_TENSORS = 32, MAX_SETS = 64, MAX_NAME = 256 };
/* Capacity of a shape array handed to run: above any rank a fuzzed call
 * claims that the runtime would read (it must reject the rank first). */
enum { SHAPE_CAP = 64 };
/* Byte every output is filled with before a call. */
enum { POISON = 0xA5 };

/*===--------------------------------------------------------------------===*
 * Options, messages
 *===--------------------------------------------------------------------===*/

typedef struct options {
  const char *mode, *lib;
  int threads, workers, sets, reloads, fault, share;
  long calls;
  uint64_t seed;
  int64_t dyn;
  int int_max, align;
} options;

static options opt;

/* At most this many detailed complaints; the rest are only counted. */
static _Atomic int complaints;

/* One `stress_run: ...` line on stderr. */
__attribute__((format(printf, 1, 0))) static void report(const char *fmt,
                                                         va_list args) {
  fprintf(stderr, "stress_run: ");
  vfprintf(stderr, fmt, args);
  fprintf(stderr, "\n");
}

__attribute__((format(printf, 1, 2))) static void complain(const char *fmt, ...) {
  if (complaints++ >= 10)
    return;
  va_list args;
  va_start(args, fmt);
  report(fmt, args);
  va_end(args);
}

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  report(fmt, args);
  va_end(args);
  exit(1);
}

static void *xalloc(size_t bytes) {
  /* 64-byte aligned, as switchyard-run allocates; never a zero size. */
  size_t size = (bytes + 63) / 64 * 64;
  void *p = aligned_alloc(64, size ? size : 64);
  if (!p)
    die("out of memory (%zu bytes)", bytes);
  return p;
}

/*===--------------------------------------------------------------------===*
 * PRNG and hashing
 *===--------------------------------------------------------------------===*/

static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (the tiny modulo bias does not matter here). */
static uint64_t below(uint64_t *state, uint64_t n) { return splitmix64(state) % n; }

static uint64_t fnv1a(const void *data, size_t n) {
  const unsigned char *p = data;
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; ++i)
    h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

/*===--------------------------------------------------------------------===*
 * The library and its signature
 *===--------------------------------------------------------------------===*/

typedef struct dtype_info {
  const char *name;
  int32_t code;
  size_t size;
} dtype_info;

static const dtype_info kDtypes[] = {
    {"float32", SY_DTYPE_F32, 4}, {"uint8", SY_DTYPE_U8, 1},
    {"int8", SY_DTYPE_I8, 1},     {"uint16", SY_DTYPE_U16, 2},
    {"int16", SY_DTYPE_I16, 2},   {"int32", SY_DTYPE_I32, 4},
    {"int64", SY_DTYPE_I64, 8},   {"bool", SY_DTYPE_BOOL, 1},
    {"float16", SY_DTYPE_F16, 2}, {"float64", SY_DTYPE_F64, 8},
    {"uint32", SY_DTYPE_U32, 4},  {"uint64", SY_DTYPE_U64, 8},
    {"bfloat16", SY_DTYPE_BF16, 2},
};
enum { NUM_DTYPES = sizeof kDtypes / sizeof kDtypes[0] };

typedef struct tensor_spec {
  char name[MAX_NAME]; /* unescaped, cut to fit */
  int32_t dtype, rank;
  size_t elem_size;
  int64_t spec[MAX_RANK]; /* -1: dynamic */
  int64_t dims[MAX_RANK]; /* what this program passes: -1 replaced by -d */
  int dynamic;            /* has a dynamic dim */
  size_t numel, bytes;
} tensor_spec;

typedef struct library {
  void *handle;
  const sy_model_api *api;
  int num_inputs, num_outputs;
  tensor_spec in[MAX_TENSORS], out[MAX_TENSORS];
} library;

/* The signature's format is fixed (docs/c-abi.md, "Signature JSON"): one
 * line, keys in order, ", " and ": " as separators, names escaped. This
 * reads exactly that and refuses anything else. */
static const char *expect(const char *p, const char *literal) {
  size_t n = strlen(literal);
  if (strncmp(p, literal, n) != 0)
    die("unexpected signature: wanted '%s' at '%.30s'", literal, p);
  return p + n;
}

/* A JSON string starting at the opening quote; unescapes \" and \\ (and
 * keeps other escapes as they are, which is enough for messages). */
static const char *parse_string(const char *p, char *out, size_t cap) {
  p = expect(p, "\"");
  size_t n = 0;
  while (*p && *p != '"') {
    char c = *p++;
    if (c == '\\' && *p)
      c = *p++;
    if (n + 1 < cap)
      out[n++] = c;
  }
  out[n] = '\0';
  return expect(p, "\"");
}

static const char *parse_tensors(const char *p, const char *key, tensor_spec *specs,
                                 int *count) {
  char literal[32];
  snprintf(literal, sizeof literal, "\"%s\": [", key);
  p = expect(p, literal);
  *count = 0;
  while (*p != ']') {
    if (*count > 0)
      p = expect(p, ", ");
    if (*count == MAX_TENSORS)
      die("more than %d %s", MAX_TENSORS, key);
    tensor_spec *t = &specs[(*count)++];
    memset(t, 0, sizeof *t);
    p = parse_string(expect(p, "{\"name\": "), t->name, sizeof t->name);
    char dtype[32];
    p = parse_string(expect(p, ", \"dtype\": "), dtype, sizeof dtype);
    t->dtype = 0;
    for (int i = 0; i < NUM_DTYPES; ++i)
      if (!strcmp(dtype, kDtypes[i].name)) {
        t->dtype = kDtypes[i].code;
        t->elem_size = kDtypes[i].size;
      }
    if (!t->dtype)
      die("tensor '%s': unknown dtype '%s'", t->name, dtype);
    p = expect(p, ", \"shape\": [");
    t->numel = 1;
    while (*p != ']') {
      if (t->rank > 0)
        p = expect(p, ", ");
      if (t->rank == MAX_RANK)
        die("tensor '%s': rank above %d", t->name, MAX_RANK);
      char *end;
      long long d = strtoll(p, &end, 10);
      if (end == p || d < -1)
        die("unexpected signature near '%.30s'", p);
      p = end;
      t->spec[t->rank] = d;
      t->dims[t->rank] = d < 0 ? opt.dyn : d;
      t->dynamic |= d < 0;
      t->numel *= (size_t)t->dims[t->rank];
      ++t->rank;
    }
    p = expect(p, "]}");
    t->bytes = t->numel * t->elem_size;
  }
  return p + 1;
}

static void load(library *lib) {
  lib->handle = dlopen(opt.lib, RTLD_NOW | RTLD_LOCAL);
  if (!lib->handle)
    die("%s", dlerror());
  const sy_model_api *(*get_api)(void) =
      (const sy_model_api *(*)(void))dlsym(lib->handle, "switchyard_model_api");
  if (!get_api)
    die("%s: no switchyard_model_api", opt.lib);
  lib->api = get_api();
  if (lib->api->abi_version != SWITCHYARD_ABI_VERSION)
    die("%s: ABI version %u, this program speaks %d", opt.lib,
        (unsigned)lib->api->abi_version, SWITCHYARD_ABI_VERSION);
  const char *sig = lib->api->signature();
  if (!sig)
    die("%s: signature() returned NULL", opt.lib);
  char tag[MAX_NAME];
  const char *p = parse_string(expect(sig, "{\"tag\": "), tag, sizeof tag);
  p = parse_tensors(expect(p, ", "), "inputs", lib->in, &lib->num_inputs);
  p = parse_tensors(expect(p, ", "), "outputs", lib->out, &lib->num_outputs);
  expect(p, "}");
}

static void unload(library *lib) {
  if (dlclose(lib->handle))
    die("dlclose: %s", dlerror());
  lib->handle = NULL;
  lib->api = NULL;
}

static sy_context *create_ctx(const library *lib, int threads) {
  sy_context *ctx = NULL;
  int rc = lib->api->create(&ctx, threads);
  if (rc != SY_OK || !ctx)
    die("create(%d threads) failed with %d: %s", threads, rc, lib->api->last_error(NULL));
  return ctx;
}

/*===--------------------------------------------------------------------===*
 * Input sets and outputs
 *===--------------------------------------------------------------------===*/

static void fill(const tensor_spec *t, void *buf, uint64_t seed) {
  uint64_t s = seed;
  for (size_t i = 0; i < t->numel; ++i) {
    uint64_t r = splitmix64(&s);
    /* 24 random bits: exactly representable in float32. */
    double u = (double)(r >> 40) / (double)(1 << 24) * 2.0 - 1.0;
    int64_t k = (int64_t)(r % (uint64_t)opt.int_max);
    switch (t->dtype) {
    case SY_DTYPE_F32: ((float *)buf)[i] = (float)u; break;
    case SY_DTYPE_F64: ((double *)buf)[i] = u; break;
    case SY_DTYPE_F16: /* sign, exponent 0..14 (|v| < 1), mantissa */
      ((uint16_t *)buf)[i] = (uint16_t)(((r >> 63) << 15) | (((r >> 32) % 15) << 10) | (r & 0x3FF));
      break;
    case SY_DTYPE_BF16: {
      float f = (float)u;
      uint32_t bits;
      memcpy(&bits, &f, 4);
      ((uint16_t *)buf)[i] = (uint16_t)(bits >> 16);
      break;
    }
    case SY_DTYPE_BOOL: ((uint8_t *)buf)[i] = (uint8_t)(r & 1); break;
    case SY_DTYPE_U8: case SY_DTYPE_I8: ((uint8_t *)buf)[i] = (uint8_t)k; break;
    case SY_DTYPE_U16: case SY_DTYPE_I16: ((uint16_t *)buf)[i] = (uint16_t)k; break;
    case SY_DTYPE_U32: case SY_DTYPE_I32: ((uint32_t *)buf)[i] = (uint32_t)k; break;
    default: ((uint64_t *)buf)[i] = (uint64_t)k; break;
    }
  }
}

/* One input set (and, for references, its outputs): buffers plus the
 * sy_tensor arrays that describe them. */
typedef struct tensors {
  void *base[MAX_TENSORS]; /* what xalloc returned */
  void *data[MAX_TENSORS]; /* base + the -a offset */
  sy_tensor t[MAX_TENSORS];
} tensors;

static void make_tensors(tensors *ts, const tensor_spec *specs, int count) {
  for (int i = 0; i < count; ++i) {
    size_t offset = (size_t)opt.align * specs[i].elem_size;
    ts->base[i] = xalloc(specs[i].bytes + offset);
    ts->data[i] = (char *)ts->base[i] + offset;
    memset(ts->data[i], POISON, specs[i].bytes);
    ts->t[i] = (sy_tensor){ts->data[i], specs[i].dims, specs[i].rank, specs[i].dtype};
  }
}

static void free_tensors(tensors *ts, int count) {
  for (int i = 0; i < count; ++i)
    free(ts->base[i]);
}

static void poison(tensors *outs, const library *lib) {
  for (int o = 0; o < lib->num_outputs; ++o)
    memset(outs->data[o], POISON, lib->out[o].bytes);
}

static int run(const library *lib, sy_context *ctx, const tensors *ins, tensors *outs) {
  return lib->api->run(ctx, ins->t, lib->num_inputs, outs->t, lib->num_outputs);
}

/* Compares outputs with a reference; names the first difference. */
static int same_outputs(const library *lib, const tensors *got, const tensors *want,
                        const char *what) {
  for (int o = 0; o < lib->num_outputs; ++o) {
    if (!memcmp(got->data[o], want->data[o], lib->out[o].bytes))
      continue;
    const unsigned char *a = got->data[o], *b = want->data[o];
    size_t i = 0;
    while (a[i] == b[i])
      ++i;
    complain("%s: output '%s' differs at byte %zu (0x%02x, expected 0x%02x)", what,
             lib->out[o].name, i, a[i], b[i]);
    return 0;
  }
  return 1;
}

static library lib;
static tensors inputs[MAX_SETS], refs[MAX_SETS];
static uint64_t input_hash[MAX_SETS];

static uint64_t hash_set(const tensors *ts, const tensor_spec *specs, int count) {
  uint64_t h = 0;
  for (int i = 0; i < count; ++i)
    h = h * 31 + fnv1a(ts->data[i], specs[i].bytes);
  return h;
}

static void make_inputs(void) {
  for (int k = 0; k < opt.sets; ++k) {
    make_tensors(&inputs[k], lib.in, lib.num_inputs);
    for (int i = 0; i < lib.num_inputs; ++i)
      fill(&lib.in[i], inputs[k].data[i], 1000003ull * (uint64_t)(k + 1) + (uint64_t)i);
    input_hash[k] = hash_set(&inputs[k], lib.in, lib.num_inputs);
  }
}

/* References of every set, on one context, in this thread. */
static void make_refs(void) {
  sy_context *ctx = create_ctx(&lib, opt.threads);
  for (int k = 0; k < opt.sets; ++k) {
    make_tensors(&refs[k], lib.out, lib.num_outputs);
    int rc = run(&lib, ctx, &inputs[k], &refs[k]);
    if (rc != SY_OK)
      die("reference run of set %d failed with %d: %s", k, rc, lib.api->last_error(ctx));
  }
  lib.api->destroy(ctx);
}

static void free_sets(void) {
  for (int k = 0; k < opt.sets; ++k) {
    free_tensors(&inputs[k], lib.num_inputs);
    free_tensors(&refs[k], lib.num_outputs);
  }
}

static int inputs_intact(void) {
  int ok = 1;
  for (int k = 0; k < opt.sets; ++k)
    if (hash_set(&inputs[k], lib.in, lib.num_inputs) != input_hash[k]) {
      complain("input set %d was modified by run", k);
      ok = 0;
    }
  return ok;
}

/*===--------------------------------------------------------------------===*
 * stress
 *===--------------------------------------------------------------------===*/

typedef struct worker {
  int id;
  pthread_t thread;
  long mismatches, errors;
} worker;

/* -S: the one context every worker uses (a misuse of the ABI). */
static sy_context *shared_ctx;

static void *worker_main(void *arg) {
  worker *w = arg;
  sy_context *ctx = shared_ctx;
  if (!ctx && lib.api->create(&ctx, opt.threads) != SY_OK) {
    complain("thread %d: create failed: %s", w->id, lib.api->last_error(NULL));
    w->errors = opt.calls;
    return NULL;
  }
  tensors outs;
  make_tensors(&outs, lib.out, lib.num_outputs);
  for (long c = 0; c < opt.calls; ++c) {
    int k = (int)((w->id + c) % opt.sets);
    poison(&outs, &lib);
    int rc = run(&lib, ctx, &inputs[k], &outs);
    if (rc != SY_OK) {
      complain("thread %d call %ld: run failed with %d: %s", w->id, c, rc,
               lib.api->last_error(ctx));
      ++w->errors;
      continue;
    }
    if (opt.fault && w->id == 3 && c == opt.calls / 2)
      ((unsigned char *)outs.data[0])[lib.out[0].bytes / 2] ^= 0x01;
    char what[64];
    snprintf(what, sizeof what, "thread %d call %ld (set %d)", w->id, c, k);
    if (!same_outputs(&lib, &outs, &refs[k], what))
      ++w->mismatches;
  }
  free_tensors(&outs, lib.num_outputs);
  if (ctx != shared_ctx)
    lib.api->destroy(ctx);
  return NULL;
}

static int mode_stress(void) {
  make_inputs();
  make_refs();
  if (opt.share)
    shared_ctx = create_ctx(&lib, opt.threads);
  worker *ws = calloc((size_t)opt.workers, sizeof *ws);
  if (!ws)
    die("out of memory");
  for (int i = 0; i < opt.workers; ++i) {
    ws[i].id = i;
    if (pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]))
      die("pthread_create failed");
  }
  long mismatches = 0, errors = 0;
  for (int i = 0; i < opt.workers; ++i) {
    pthread_join(ws[i].thread, NULL);
    mismatches += ws[i].mismatches;
    errors += ws[i].errors;
  }
  free(ws);
  lib.api->destroy(shared_ctx);
  int intact = inputs_intact();
  printf("stress: %d threads x %ld calls, %ld mismatches, %ld errors\n", opt.workers,
         opt.calls, mismatches, errors);
  free_sets();
  return mismatches == 0 && errors == 0 && intact ? 0 : 1;
}

/*===--------------------------------------------------------------------===*
 * hash
 *===--------------------------------------------------------------------===*/

static int mode_hash(void) {
  make_inputs();
  long mismatches = 0;
  for (int k = 0; k < opt.sets; ++k) {
    tensors outs[2];
    for (int c = 0; c < 2; ++c) {
      sy_context *ctx = create_ctx(&lib, opt.threads);
      make_tensors(&outs[c], lib.out, lib.num_outputs);
      int rc = run(&lib, ctx, &inputs[k], &outs[c]);
      if (rc != SY_OK)
        die("set %d: run failed with %d: %s", k, rc, lib.api->last_error(ctx));
      lib.api->destroy(ctx);
    }
    if (opt.fault && k == 0)
      ((unsigned char *)outs[1].data[0])[0] ^= 0x80;
    char what[32];
    snprintf(what, sizeof what, "set %d", k);
    if (!same_outputs(&lib, &outs[1], &outs[0], what))
      ++mismatches;
    printf("hash set %d:", k);
    for (int o = 0; o < lib.num_outputs; ++o)
      printf(" %s=%016" PRIx64, lib.out[o].name, fnv1a(outs[1].data[o], lib.out[o].bytes));
    printf("\n");
    free_tensors(&outs[0], lib.num_outputs);
    free_tensors(&outs[1], lib.num_outputs);
  }
  int intact = inputs_intact();
  printf("determinism: %d sets x 2 contexts of %d threads, %ld mismatches\n", opt.sets,
         opt.threads, mismatches);
  for (int k = 0; k < opt.sets; ++k)
    free_tensors(&inputs[k], lib.num_inputs);
  return mismatches == 0 && intact ? 0 : 1;
}

/*===--------------------------------------------------------------------===*
 * leak
 *===--------------------------------------------------------------------===*/

static int mode_leak(void) {
  long mismatches = 0, errors = 0;
  tensors outs;
  for (int r = 0; r < opt.reloads; ++r) {
    if (r > 0)
      load(&lib);
    if (r == 0) {
      make_inputs();
      make_refs(); /* with -t threads */
      make_tensors(&outs, lib.out, lib.num_outputs);
    }
    for (long n = 0; n < opt.calls; ++n) {
      int threads = 1 + (int)(n % 3);
      sy_context *ctx = create_ctx(&lib, threads);
      /* A failing create and a failing run must not leak either. */
      sy_context *bad = (sy_context *)&outs;
      if (lib.api->create(&bad, -1) != SY_ERROR_INVALID_ARGUMENT || bad) {
        complain("create(-1) did not fail cleanly");
        ++errors;
      }
      if (lib.api->run(ctx, inputs[0].t, lib.num_inputs + 1, outs.t, lib.num_outputs) !=
          SY_ERROR_INVALID_ARGUMENT) {
        complain("a run with a wrong count did not fail");
        ++errors;
      }
      for (int k = 0; k < opt.sets; ++k) {
        poison(&outs, &lib);
        int rc = run(&lib, ctx, &inputs[k], &outs);
        if (rc != SY_OK) {
          complain("load %d round %ld set %d: run failed with %d: %s", r, n, k, rc,
                   lib.api->last_error(ctx));
          ++errors;
        } else if (threads == opt.threads && !same_outputs(&lib, &outs, &refs[k], "leak")) {
          ++mismatches;
        }
      }
      /* The fault: one context of one thread (no worker keeps a pointer
       * to it) is dropped without destroy. */
      if (!(opt.fault && r == 0 && n == 0))
        lib.api->destroy(ctx);
    }
    if (r + 1 < opt.reloads)
      unload(&lib);
  }
  int intact = inputs_intact();
  free_tensors(&outs, lib.num_outputs);
  free_sets();
  unload(&lib);
  printf("leak: %d loads x %ld rounds, %ld mismatches, %ld errors\n", opt.reloads, opt.calls,
         mismatches, errors);
  return mismatches == 0 && errors == 0 && intact ? 0 : 1;
}

/*===--------------------------------------------------------------------===*
 * fuzz
 *===--------------------------------------------------------------------===*/

/* The defects. With one defect alone, run must fail with exactly the
 * message docs/c-abi.md ("Validation and its messages") gives for it. */
enum defect {
  D_NUM_INPUTS, D_NUM_OUTPUTS, D_NULL_INPUTS, D_NULL_OUTPUTS, D_DTYPE,
  D_RANK, D_NULL_SHAPE, D_NEGATIVE_DIM, D_STATIC_DIM, D_OVERFLOW, D_NULL_DATA,
  D_NULL_CTX, NUM_DEFECTS
};
static const char *const kDefectNames[NUM_DEFECTS] = {
    "num_inputs", "num_outputs", "NULL inputs", "NULL outputs", "dtype",
    "rank", "NULL shape", "negative dim", "static dim", "overflow",
    "NULL data", "NULL ctx"};

/* A call being broken: its own copies of the descriptors and shapes. */
typedef struct call {
  sy_context *ctx;
  const sy_tensor *ins;
  sy_tensor *outs;
  int64_t num_inputs, num_outputs;
  sy_tensor in[MAX_TENSORS], out[MAX_TENSORS];
  int64_t in_shape[MAX_TENSORS][SHAPE_CAP], out_shape[MAX_TENSORS][SHAPE_CAP];
  /* the message the last defect applied calls for */
  char want[2048];
} call;

static int64_t wrong_count(uint64_t *s, int64_t right) {
  static const int64_t kOdd[] = {0, -1, INT64_MIN, INT64_MAX, -1000000, 1 << 20};
  int64_t v;
  do {
    uint64_t how = below(s, 3);
    v = how == 0   ? right + 1 + (int64_t)below(s, 3)
        : how == 1 ? right - 1 - (int64_t)below(s, 3)
                   : kOdd[below(s, 6)];
  } while (v == right);
  return v;
}

static int32_t wrong_dtype(uint64_t *s, int32_t right) {
  static const int32_t kOdd[] = {0, 8, 14, 15, 17, -1, 255, 1000, INT32_MIN, INT32_MAX};
  int32_t v;
  do
    v = below(s, 2) ? kDtypes[below(s, NUM_DTYPES)].code : kOdd[below(s, 10)];
  while (v == right);
  return v;
}

static int32_t wrong_rank(uint64_t *s, int32_t right) {
  static const int32_t kOdd[] = {-1, INT32_MIN, INT32_MAX, SHAPE_CAP, 1 << 20};
  int32_t v;
  do
    v = below(s, 2) ? (int32_t)below(s, MAX_RANK + 1) : kOdd[below(s, 5)];
  while (v == right);
  return v;
}

/* Picks a tensor (input or output) that admits defect `d`; returns 0 if
 * none does. Sets *is_input and *index. */
static int pick_tensor(uint64_t *s, enum defect d, int *is_input, int *index) {
  int candidates[2 * MAX_TENSORS], n = 0;
  for (int side = 0; side < 2; ++side) {
    const tensor_spec *specs = side == 0 ? lib.in : lib.out;
    int count = side == 0 ? lib.num_inputs : lib.num_outputs;
    for (int i = 0; i < count; ++i) {
      const tensor_spec *t = &specs[i];
      int ok = d == D_DTYPE || d == D_RANK ||
               ((d == D_NULL_SHAPE || d == D_NEGATIVE_DIM) && t->rank > 0) ||
               (d == D_STATIC_DIM && t->rank > 0 && !(t->dynamic && t->rank == 1)) ||
               (d == D_OVERFLOW && t->dynamic && t->numel > 0) || (d == D_NULL_DATA && t->numel > 0);
      if (d == D_STATIC_DIM && ok) {
        ok = 0;
        for (int32_t k = 0; k < t->rank; ++k)
          ok |= t->spec[k] >= 0;
      }
      if (ok)
        candidates[n++] = side * MAX_TENSORS + i;
    }
  }
  if (!n)
    return 0;
  int c = candidates[below(s, (uint64_t)n)];
  *is_input = c < MAX_TENSORS;
  *index = c % MAX_TENSORS;
  return 1;
}

/* "[2, 3]"; with `spec`, -1 prints as "?" (as the runtime's messages do). */
static void format_shape(char *buf, size_t cap, const int64_t *dims, int32_t rank, int spec) {
  size_t n = (size_t)snprintf(buf, cap, "[");
  for (int32_t d = 0; d < rank && n < cap; ++d) {
    const char *sep = d ? ", " : "";
    n += spec && dims[d] < 0 ? (size_t)snprintf(buf + n, cap - n, "%s?", sep)
                             : (size_t)snprintf(buf + n, cap - n, "%s%" PRId64, sep, dims[d]);
  }
  if (n < cap)
    snprintf(buf + n, cap - n, "]");
}

static const char *dtype_text(int32_t code, char *buf, size_t cap) {
  for (int i = 0; i < NUM_DTYPES; ++i)
    if (kDtypes[i].code == code)
      return kDtypes[i].name;
  snprintf(buf, cap, "dtype %" PRId32 " (not a sy_dtype)", code);
  return buf;
}

/* Applies defect `d` to `cl` and writes the message it calls for into
 * cl->want; returns 0 if the model admits no such defect. */
static int apply(uint64_t *s, call *cl, enum defect d) {
  switch (d) {
  case D_NUM_INPUTS:
  case D_NUM_OUTPUTS: {
    int in = d == D_NUM_INPUTS;
    int64_t right = in ? lib.num_inputs : lib.num_outputs;
    int64_t v = wrong_count(s, right);
    *(in ? &cl->num_inputs : &cl->num_outputs) = v;
    snprintf(cl->want, sizeof cl->want, "expected %" PRId64 " %s%s, got %" PRId64, right,
             in ? "input" : "output", right == 1 ? "" : "s", v);
    return 1;
  }
  case D_NULL_INPUTS:
  case D_NULL_OUTPUTS: {
    int in = d == D_NULL_INPUTS;
    int64_t n = in ? lib.num_inputs : lib.num_outputs;
    if (!n)
      return 0;
    if (in)
      cl->ins = NULL;
    else
      cl->outs = NULL;
    snprintf(cl->want, sizeof cl->want, "%ss is NULL but num_%ss is %" PRId64,
             in ? "input" : "output", in ? "input" : "output", n);
    return 1;
  }
  case D_NULL_CTX:
    cl->ctx = NULL;
    snprintf(cl->want, sizeof cl->want, "run: ctx is NULL");
    return 1;
  default: break;
  }
  int is_input, i;
  if (!pick_tensor(s, d, &is_input, &i))
    return 0;
  const tensor_spec *spec = is_input ? &lib.in[i] : &lib.out[i];
  sy_tensor *t = is_input ? &cl->in[i] : &cl->out[i];
  int64_t *shape = is_input ? cl->in_shape[i] : cl->out_shape[i];
  char who[MAX_NAME + 16], a[512], b[512];
  snprintf(who, sizeof who, "%s '%s'", is_input ? "input" : "output", spec->name);
  switch (d) {
  case D_DTYPE:
    t->dtype = wrong_dtype(s, spec->dtype);
    snprintf(cl->want, sizeof cl->want, "%s: expected dtype %s, got %s", who,
             dtype_text(spec->dtype, a, sizeof a), dtype_text(t->dtype, b, sizeof b));
    break;
  case D_RANK:
    t->rank = wrong_rank(s, spec->rank);
    snprintf(cl->want, sizeof cl->want, "%s: expected rank %" PRId32 ", got %" PRId32, who,
             spec->rank, t->rank);
    break;
  case D_NULL_SHAPE:
    t->shape = NULL;
    snprintf(cl->want, sizeof cl->want, "%s: shape is NULL but rank is %" PRId32, who,
             spec->rank);
    break;
  case D_NEGATIVE_DIM: {
    static const int64_t kOdd[] = {-1, -2, INT64_MIN, INT64_MIN + 1, -(INT64_C(1) << 32)};
    int32_t k = (int32_t)below(s, (uint64_t)spec->rank);
    shape[k] = below(s, 2) ? kOdd[below(s, 5)] : -1 - (int64_t)(splitmix64(s) >> 1);
    format_shape(a, sizeof a, shape, spec->rank, 0);
    snprintf(cl->want, sizeof cl->want,
             "%s: dim %" PRId32 " is %" PRId64 ", expected a size >= 0 (got shape %s)", who, k,
             shape[k], a);
    break;
  }
  case D_STATIC_DIM: {
    int32_t k;
    do
      k = (int32_t)below(s, (uint64_t)spec->rank);
    while (spec->spec[k] < 0);
    int64_t v;
    do
      v = below(s, 2) ? (int64_t)below(s, 2 * (uint64_t)spec->spec[k] + 2)
                      : (int64_t)(splitmix64(s) >> 1);
    while (v == spec->spec[k]);
    shape[k] = v;
    format_shape(a, sizeof a, spec->spec, spec->rank, 1);
    format_shape(b, sizeof b, shape, spec->rank, 0);
    snprintf(cl->want, sizeof cl->want, "%s: expected shape %s, got %s", who, a, b);
    break;
  }
  case D_OVERFLOW: {
    /* A dynamic dim so large that the element or byte count overflows
     * int64, the other dims as they are (none is 0: see pick_tensor). */
    int32_t k;
    do
      k = (int32_t)below(s, (uint64_t)spec->rank);
    while (spec->spec[k] >= 0);
    int64_t rest = (int64_t)spec->elem_size;
    for (int32_t j = 0; j < spec->rank; ++j)
      if (j != k)
        rest *= spec->dims[j];
    int64_t least = INT64_MAX / rest + 1; /* the smallest that overflows */
    shape[k] = least + (int64_t)below(s, (uint64_t)(INT64_MAX - least) + 1);
    format_shape(a, sizeof a, shape, spec->rank, 0);
    snprintf(cl->want, sizeof cl->want, "%s: shape %s has too many elements", who, a);
    break;
  }
  case D_NULL_DATA:
    t->data = NULL;
    snprintf(cl->want, sizeof cl->want, "%s: data is NULL but the tensor has %zu elements",
             who, spec->numel);
    break;
  default: return 0;
  }
  return 1;
}

static void reset_call(call *cl, sy_context *ctx, const tensors *ins, tensors *outs) {
  cl->ctx = ctx;
  cl->num_inputs = lib.num_inputs;
  cl->num_outputs = lib.num_outputs;
  cl->ins = cl->in;
  cl->outs = cl->out;
  cl->want[0] = '\0';
  for (int i = 0; i < lib.num_inputs; ++i) {
    memcpy(cl->in_shape[i], lib.in[i].dims, sizeof(int64_t) * (size_t)lib.in[i].rank);
    cl->in[i] = ins->t[i];
    cl->in[i].shape = cl->in_shape[i];
  }
  for (int i = 0; i < lib.num_outputs; ++i) {
    memcpy(cl->out_shape[i], lib.out[i].dims, sizeof(int64_t) * (size_t)lib.out[i].rank);
    cl->out[i] = outs->t[i];
    cl->out[i].shape = cl->out_shape[i];
  }
}

/* Whether the outputs still hold the poison: all of each output up to
 * 8 KiB, and its first and last 4 KiB beyond (a call that reached the
 * model would write far more than that; its status shows it anyway). */
static int outputs_untouched(const tensors *outs) {
  static unsigned char poisoned[4096];
  if (!poisoned[0])
    memset(poisoned, POISON, sizeof poisoned);
  for (int o = 0; o < lib.num_outputs; ++o) {
    const unsigned char *p = outs->data[o];
    size_t n = lib.out[o].bytes, w = sizeof poisoned;
    if (n <= 2 * w) {
      for (size_t b = 0; b < n; b += w)
        if (memcmp(p + b, poisoned, n - b < w ? n - b : w))
          return 0;
    } else if (memcmp(p, poisoned, w) || memcmp(p + n - w, poisoned, w)) {
      return 0;
    }
  }
  return 1;
}

static int mode_fuzz(void) {
  opt.sets = 1;
  make_inputs();
  make_refs();
  sy_context *ctx = create_ctx(&lib, opt.threads);
  tensors outs;
  make_tensors(&outs, lib.out, lib.num_outputs);
  uint64_t s = opt.seed;
  long failures = 0, valid = 0, single = 0, hits[NUM_DEFECTS] = {0};
  call *cl = malloc(sizeof *cl);
  if (!cl)
    die("out of memory");

  for (long it = 0; it < opt.calls; ++it) {
    reset_call(cl, ctx, &inputs[0], &outs);
    if (it % 997 == 996) { /* a valid call now and then */
      int rc = lib.api->run(ctx, cl->ins, cl->num_inputs, cl->outs, cl->num_outputs);
      ++valid;
      if (rc != SY_OK) {
        complain("call %ld: a valid run failed with %d: %s", it, rc, lib.api->last_error(ctx));
        ++failures;
      } else if (!same_outputs(&lib, &outs, &refs[0], "valid run between fuzzed ones")) {
        ++failures;
      }
      poison(&outs, &lib);
      continue;
    }
    int want = below(&s, 10) < 7 ? 1 : 2 + (int)below(&s, 3);
    int applied = 0;
    enum defect last = NUM_DEFECTS;
    for (int tries = 0; applied < want && tries < 100; ++tries) {
      enum defect d = (enum defect)below(&s, NUM_DEFECTS);
      /* A NULL context only alone: its message goes elsewhere. */
      if (d == D_NULL_CTX && (want > 1 || applied))
        continue;
      if (apply(&s, cl, d)) {
        ++applied;
        last = d;
        ++hits[d];
      }
    }
    if (opt.fault && it == opt.calls / 2)
      reset_call(cl, ctx, &inputs[0], &outs); /* "broken", but valid */
    if (applied == 1)
      ++single;

    int rc = lib.api->run(cl->ctx, cl->ins, cl->num_inputs, cl->outs, cl->num_outputs);
    const char *msg = lib.api->last_error(cl->ctx);
    size_t len = msg ? strnlen(msg, 4096) : 0;
    char what[64];
    snprintf(what, sizeof what, "call %ld (%s%s)", it, applied == 1 ? "" : "several, last ",
             last < NUM_DEFECTS ? kDefectNames[last] : "?");
    if (rc != SY_ERROR_INVALID_ARGUMENT) {
      complain("%s: status %d, expected %d", what, rc, SY_ERROR_INVALID_ARGUMENT);
      ++failures;
    } else if (!msg || len == 0 || len >= 4096) {
      complain("%s: last_error is %s", what, !msg ? "NULL" : len ? "unterminated" : "empty");
      ++failures;
    } else if (applied == 1 && strcmp(msg, cl->want)) {
      complain("%s: message '%s', expected '%s'", what, msg, cl->want);
      ++failures;
    }
    if (!outputs_untouched(&outs)) {
      complain("%s: a failed run wrote an output", what);
      ++failures;
      poison(&outs, &lib);
    }
  }
  free(cl);

  /* create: out-of-range thread counts and a NULL ctx pointer. */
  long creates = 0;
  for (int i = 0; i < 1000; ++i) {
    int32_t n = below(&s, 2) ? -1 - (int32_t)below(&s, 1u << 30)
                             : 1025 + (int32_t)below(&s, (uint64_t)INT32_MAX - 1024);
    sy_context *c = (sy_context *)&outs;
    int rc = lib.api->create(&c, n);
    const char *msg = lib.api->last_error(NULL);
    ++creates;
    if (rc != SY_ERROR_INVALID_ARGUMENT || c != NULL || !msg ||
        !strstr(msg, "create: num_threads must be between 0")) {
      complain("create(%d): status %d, ctx %p, message '%s'", (int)n, rc, (void *)c,
               msg ? msg : "(null)");
      ++failures;
    }
  }
  int rc = lib.api->create(NULL, 1);
  const char *msg = lib.api->last_error(NULL);
  ++creates;
  if (rc != SY_ERROR_INVALID_ARGUMENT || !msg || strcmp(msg, "create: ctx is NULL")) {
    complain("create(NULL): status %d, message '%s'", rc, msg ? msg : "(null)");
    ++failures;
  }

  lib.api->destroy(ctx);
  lib.api->destroy(NULL);
  free_tensors(&outs, lib.num_outputs);
  int intact = inputs_intact();
  free_sets();
  printf("fuzz: %ld calls (%ld with one defect, %ld valid) and %ld creates, %ld failures\n",
         opt.calls, single, valid, creates, failures);
  printf("fuzz: defects applied:");
  for (int d = 0; d < NUM_DEFECTS; ++d)
    printf(" %s=%ld", kDefectNames[d], hits[d]);
  printf("\n");
  return failures == 0 && intact ? 0 : 1;
}

/*===--------------------------------------------------------------------===*
 * main
 *===--------------------------------------------------------------------===*/

static void usage(void) {
  fprintf(stderr, "usage: stress_run stress|hash|leak|fuzz LIB [-t T] [-w W] [-n N] [-k K] "
                  "[-r R] [-s SEED] [-d DYN] [-i INT_MAX] [-a A] [-f] [-S]\n");
  exit(2);
}

static long number(const char *s, long lo, long hi) {
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < lo || v > hi) {
    fprintf(stderr, "stress_run: '%s' is not a number in [%ld, %ld]\n", s, lo, hi);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 3)
    usage();
  opt = (options){.mode = argv[1], .lib = argv[2], .threads = 2, .workers = 8, .sets = 8,
                  .reloads = 3, .calls = -1, .seed = 1, .dyn = 3, .int_max = 4};
  for (int i = 3; i < argc; ++i) {
    const char *a = argv[i];
    if (!strcmp(a, "-f") || !strcmp(a, "-S")) {
      *(a[1] == 'f' ? &opt.fault : &opt.share) = 1;
      continue;
    }
    if (a[0] != '-' || !a[1] || a[2] || i + 1 == argc)
      usage();
    const char *v = argv[++i];
    switch (a[1]) {
    case 't': opt.threads = (int)number(v, 0, 1024); break;
    case 'w': opt.workers = (int)number(v, 1, 256); break;
    case 'n': opt.calls = number(v, 1, 100000000); break;
    case 'k': opt.sets = (int)number(v, 1, MAX_SETS); break;
    case 'r': opt.reloads = (int)number(v, 1, 1000); break;
    case 's': opt.seed = (uint64_t)number(v, 0, 1L << 40); break;
    case 'd': opt.dyn = number(v, 1, 1 << 20); break;
    case 'i': opt.int_max = (int)number(v, 1, 1 << 30); break;
    case 'a': opt.align = (int)number(v, 0, 63); break;
    default: usage();
    }
  }
  int (*mode)(void) = !strcmp(opt.mode, "stress") ? mode_stress
                      : !strcmp(opt.mode, "hash") ? mode_hash
                      : !strcmp(opt.mode, "leak") ? mode_leak
                      : !strcmp(opt.mode, "fuzz") ? mode_fuzz
                                                  : NULL;
  if (!mode)
    usage();
  if (opt.calls < 0)
    opt.calls = !strcmp(opt.mode, "fuzz") ? 100000 : !strcmp(opt.mode, "leak") ? 40 : 1000;
  load(&lib);
  int rc = mode();
  if (!strcmp(opt.mode, "leak"))
    return rc; /* unloaded already */
  unload(&lib);
  return rc;
}
