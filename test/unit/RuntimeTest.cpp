//===- RuntimeTest.cpp - libswitchyard_runtime against a fake descriptor --===//
//
// The runtime linked with a hand-written descriptor, as generated code
// would provide it:
//
//   inputs:  x float32 [2, 3], n int64 [-1]
//   outputs: y float32 [2, 3] = x * 2 + 1, s int64 [-1] = n + 1
//
// A test may replace the entry's body (`gEntryHook`) to look at what the
// runtime passes or to call sy_rt_parallel_for with the context current.
// Checks: every validation message of sy_rt_run, that the entry never runs
// after a failed validation, the signature JSON and the API table, and that
// sy_rt_parallel_for covers each index exactly once on 1, 2 and 4 threads.
//
//===----------------------------------------------------------------------===//

#include "lib/Runtime/ModelDescriptor.h"
#include "lib/Runtime/ukernels/ukernels.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using EntryFn =
    std::function<int32_t(void *const *, void *const *, const int64_t *)>;
EntryFn gEntryHook;
std::atomic<int> gEntryCalls{0};

int32_t fakeEntry(void *const *inputs, void *const *outputs,
                  const int64_t *shapes) {
  ++gEntryCalls;
  if (gEntryHook)
    return gEntryHook(inputs, outputs, shapes);
  // shapes: x [2, 3], n [len], y [2, 3], s [len]
  const float *x = static_cast<const float *>(inputs[0]);
  const int64_t *n = static_cast<const int64_t *>(inputs[1]);
  float *y = static_cast<float *>(outputs[0]);
  int64_t *s = static_cast<int64_t *>(outputs[1]);
  for (int i = 0; i < 6; ++i)
    y[i] = x[i] * 2 + 1;
  if (shapes[5] != shapes[2])
    return 9; // the model's own check: len(s) == len(n)
  for (int64_t i = 0; i < shapes[2]; ++i)
    s[i] = n[i] + 1;
  return 0;
}

const int64_t kShapeX[] = {2, 3};
const int64_t kShapeDyn[] = {-1};
const sy_tensor_spec kInputs[] = {{"x", SY_DTYPE_F32, 2, kShapeX},
                                  {"n", SY_DTYPE_I64, 1, kShapeDyn}};
const sy_tensor_spec kOutputs[] = {{"y", SY_DTYPE_F32, 2, kShapeX},
                                   {"s", SY_DTYPE_I64, 1, kShapeDyn}};

} // namespace

extern "C" const sy_model_descriptor sy_model = {"unit", 2,        kInputs,
                                                 2,      kOutputs, fakeEntry};

namespace {

/// A context and valid arguments that each test then spoils in one way.
class RuntimeTest : public ::testing::Test {
protected:
  void SetUp() override {
    gEntryHook = nullptr;
    gEntryCalls = 0;
    ASSERT_EQ(sy_rt_create(&ctx, 2), SY_OK) << sy_rt_last_error(nullptr);
    for (int i = 0; i < 6; ++i)
      x[i] = static_cast<float>(i);
    inputs[0] = {x, xShape, 2, SY_DTYPE_F32};
    inputs[1] = {n, nShape, 1, SY_DTYPE_I64};
    outputs[0] = {y, yShape, 2, SY_DTYPE_F32};
    outputs[1] = {s, sShape, 1, SY_DTYPE_I64};
  }
  void TearDown() override {
    sy_rt_destroy(ctx);
    gEntryHook = nullptr;
  }

  int run() { return sy_rt_run(ctx, inputs, 2, outputs, 2); }
  /// Runs, expects a validation failure with `message`, and that the
  /// entry did not run.
  void expectInvalid(const std::string &message) {
    EXPECT_EQ(run(), SY_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(std::string(sy_rt_last_error(ctx)), message);
    EXPECT_EQ(gEntryCalls.load(), 0);
  }

  sy_context *ctx = nullptr;
  float x[6] = {}, y[6] = {};
  int64_t n[3] = {10, 20, 30}, s[3] = {};
  int64_t xShape[2] = {2, 3}, nShape[1] = {3}, yShape[2] = {2, 3},
          sShape[1] = {3};
  sy_tensor inputs[2], outputs[2];
};

TEST_F(RuntimeTest, RunComputesAndPassesEveryDim) {
  EXPECT_STREQ(sy_rt_last_error(ctx), "");
  ASSERT_EQ(run(), SY_OK) << sy_rt_last_error(ctx);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(y[i], 2.0f * i + 1);
  EXPECT_EQ(s[0], 11);
  EXPECT_EQ(s[2], 31);

  std::vector<int64_t> seen;
  gEntryHook = [&](void *const *, void *const *, const int64_t *shapes) {
    seen.assign(shapes, shapes + 6);
    return 0;
  };
  nShape[0] = sShape[0] = 2;
  ASSERT_EQ(run(), SY_OK);
  EXPECT_EQ(seen, (std::vector<int64_t>{2, 3, 2, 2, 3, 2}));
}

} // namespace

// The generated code's allocator (Alloc.c; hidden in a model's .so, linked
// statically here).
extern "C" void *_mlir_memref_to_llvm_alloc(size_t size);
extern "C" void _mlir_memref_to_llvm_free(void *ptr);

namespace {

// Intermediate blocks of 64 KiB and more that a run frees are handed to the
// next runs asking for the same size; the cache holds at most the peak live
// bytes of a run (sy_rt_destroy frees it: `make check-asan` reports leaks).
TEST_F(RuntimeTest, IntermediateBlocksAreReusedAcrossRuns) {
  const size_t kBig = 1 << 20;
  std::vector<void *> got;
  auto entry = [&](std::function<void()> body) {
    gEntryHook = [body](void *const *, void *const *, const int64_t *) {
      body();
      return 0;
    };
    ASSERT_EQ(run(), SY_OK) << sy_rt_last_error(ctx);
  };
  // Run 1: two big blocks live at once (peak 2 MiB), then freed.
  entry([&] {
    void *a = _mlir_memref_to_llvm_alloc(kBig);
    void *b = _mlir_memref_to_llvm_alloc(kBig);
    std::memset(a, 1, kBig);
    std::memset(b, 2, kBig);
    got = {a, b};
    _mlir_memref_to_llvm_free(a);
    _mlir_memref_to_llvm_free(b);
  });
  std::set<void *> first(got.begin(), got.end());
  // Run 2: both come back, bytes and all; a third of that size, and one of
  // another size, are new.
  std::vector<char> kept;
  entry([&] {
    void *a = _mlir_memref_to_llvm_alloc(kBig);
    void *b = _mlir_memref_to_llvm_alloc(kBig);
    kept = {static_cast<char *>(a)[kBig - 1], static_cast<char *>(b)[0]};
    void *c = _mlir_memref_to_llvm_alloc(kBig);
    void *d = _mlir_memref_to_llvm_alloc(kBig + 64);
    got = {a, b, c, d};
    for (void *p : got)
      _mlir_memref_to_llvm_free(p);
  });
  EXPECT_EQ(std::set<void *>(got.begin(), got.begin() + 2), first);
  EXPECT_EQ(std::set<char>(kept.begin(), kept.end()), (std::set<char>{1, 2}));
  EXPECT_EQ(first.count(got[2]), 0u);
  EXPECT_EQ(first.count(got[3]), 0u);
  // Run 2's peak was 4 MiB + 64: all four blocks were kept. Run 3 takes
  // the one of the odd size back.
  void *odd = got[3];
  entry([&] {
    got = {_mlir_memref_to_llvm_alloc(kBig + 64)};
    _mlir_memref_to_llvm_free(got[0]);
  });
  EXPECT_EQ(got[0], odd);
  // Outside a run, blocks are neither taken from nor given to the cache.
  void *outside = _mlir_memref_to_llvm_alloc(kBig);
  ASSERT_NE(outside, nullptr);
  EXPECT_EQ(first.count(outside), 0u);
  _mlir_memref_to_llvm_free(outside);
}

TEST_F(RuntimeTest, EmptyDynamicDimNeedsNoData) {
  nShape[0] = sShape[0] = 0;
  inputs[1].data = nullptr;
  outputs[1].data = nullptr;
  EXPECT_EQ(run(), SY_OK) << sy_rt_last_error(ctx);
}

TEST_F(RuntimeTest, WrongCounts) {
  EXPECT_EQ(sy_rt_run(ctx, inputs, 1, outputs, 2), SY_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(sy_rt_last_error(ctx), "expected 2 inputs, got 1");
  EXPECT_EQ(sy_rt_run(ctx, inputs, -1, outputs, 2), SY_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(sy_rt_last_error(ctx), "expected 2 inputs, got -1");
  EXPECT_EQ(sy_rt_run(ctx, inputs, 2, outputs, 3), SY_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(sy_rt_last_error(ctx), "expected 2 outputs, got 3");
  EXPECT_EQ(sy_rt_run(ctx, nullptr, 2, outputs, 2), SY_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(sy_rt_last_error(ctx), "inputs is NULL but num_inputs is 2");
  EXPECT_EQ(sy_rt_run(ctx, inputs, 2, nullptr, 2), SY_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(sy_rt_last_error(ctx), "outputs is NULL but num_outputs is 2");
  EXPECT_EQ(gEntryCalls.load(), 0);
}

TEST_F(RuntimeTest, WrongDtype) {
  inputs[0].dtype = SY_DTYPE_I64;
  expectInvalid("input 'x': expected dtype float32, got int64");
  inputs[0].dtype = 99;
  expectInvalid("input 'x': expected dtype float32, got dtype 99 (not a "
                "sy_dtype)");
  inputs[0].dtype = SY_DTYPE_F32;
  outputs[1].dtype = SY_DTYPE_BF16;
  expectInvalid("output 's': expected dtype int64, got bfloat16");
}

TEST_F(RuntimeTest, WrongRank) {
  inputs[0].rank = 3;
  expectInvalid("input 'x': expected rank 2, got 3");
  inputs[0].rank = -1;
  expectInvalid("input 'x': expected rank 2, got -1");
  // A huge rank is refused before its dims are read.
  inputs[0].rank = 1000;
  expectInvalid("input 'x': expected rank 2, got 1000");
  inputs[0].rank = 2;
  outputs[1].rank = 0;
  outputs[1].shape = nullptr;
  expectInvalid("output 's': expected rank 1, got 0");
}

TEST_F(RuntimeTest, WrongDims) {
  xShape[1] = 4;
  expectInvalid("input 'x': expected shape [2, 3], got [2, 4]");
  xShape[1] = 3;
  yShape[0] = 1;
  expectInvalid("output 'y': expected shape [2, 3], got [1, 3]");
  yShape[0] = 2;
  nShape[0] = -2;
  expectInvalid("input 'n': dim 0 is -2, expected a size >= 0 (got shape "
                "[-2])");
  nShape[0] = INT64_MAX;
  expectInvalid("input 'n': shape [9223372036854775807] has too many "
                "elements");
}

TEST_F(RuntimeTest, NullPointers) {
  inputs[0].shape = nullptr;
  expectInvalid("input 'x': shape is NULL but rank is 2");
  inputs[0].shape = xShape;
  outputs[0].data = nullptr;
  expectInvalid("output 'y': data is NULL but the tensor has 6 elements");
}

TEST_F(RuntimeTest, NullContext) {
  EXPECT_EQ(sy_rt_run(nullptr, inputs, 2, outputs, 2),
            SY_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(sy_rt_last_error(nullptr), "run: ctx is NULL");
  sy_rt_destroy(nullptr); // a no-op
}

TEST_F(RuntimeTest, EntryFailureIsReported) {
  sShape[0] = 2; // n has 3: only the model can tell
  EXPECT_EQ(run(), SY_ERROR_INTERNAL);
  EXPECT_STREQ(sy_rt_last_error(ctx), "the model failed with status 9");
}

TEST_F(RuntimeTest, LastErrorKeepsTheLastFailure) {
  xShape[1] = 4;
  EXPECT_EQ(run(), SY_ERROR_INVALID_ARGUMENT);
  xShape[1] = 3;
  EXPECT_EQ(run(), SY_OK);
  EXPECT_STREQ(sy_rt_last_error(ctx),
               "input 'x': expected shape [2, 3], got [2, 4]");
}

TEST(RuntimeCreate, RefusesBadArguments) {
  sy_context *ctx = reinterpret_cast<sy_context *>(0x1);
  EXPECT_EQ(sy_rt_create(&ctx, -1), SY_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(ctx, nullptr);
  EXPECT_STREQ(sy_rt_last_error(nullptr),
               "create: num_threads must be between 0 (all cores) and 1024, "
               "got -1");
  EXPECT_EQ(sy_rt_create(&ctx, 5000), SY_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(sy_rt_create(nullptr, 1), SY_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(sy_rt_last_error(nullptr), "create: ctx is NULL");
  ASSERT_EQ(sy_rt_create(&ctx, 0), SY_OK); // all cores
  sy_rt_destroy(ctx);
}

TEST(RuntimeAbi, TableAndSignature) {
  const sy_model_api *api = switchyard_model_api();
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api, switchyard_model_api());
  EXPECT_EQ(api->abi_version, static_cast<uint32_t>(SWITCHYARD_ABI_VERSION));
  EXPECT_STREQ(api->tag, "unit");
  EXPECT_EQ(api->create, &sy_rt_create);
  EXPECT_EQ(api->destroy, &sy_rt_destroy);
  EXPECT_EQ(api->run, &sy_rt_run);
  EXPECT_EQ(api->signature, &sy_rt_signature);
  EXPECT_EQ(api->last_error, &sy_rt_last_error);
  EXPECT_STREQ(api->signature(),
               "{\"tag\": \"unit\", \"inputs\": [{\"name\": \"x\", \"dtype\": "
               "\"float32\", \"shape\": [2, 3]}, {\"name\": \"n\", \"dtype\": "
               "\"int64\", \"shape\": [-1]}], \"outputs\": [{\"name\": \"y\", "
               "\"dtype\": \"float32\", \"shape\": [2, 3]}, {\"name\": \"s\", "
               "\"dtype\": \"int64\", \"shape\": [-1]}]}");
  EXPECT_EQ(api->signature(), api->signature()); // built once
}

//===----------------------------------------------------------------------===//
// sy_rt_parallel_for
//===----------------------------------------------------------------------===//

/// Counts how often each index of [0, n) was visited.
struct Coverage {
  explicit Coverage(int64_t n) : hits(static_cast<size_t>(n)) {}
  std::vector<std::atomic<int>> hits;
  std::atomic<int> calls{0}, badChunks{0};
  std::mutex mu;
  std::set<std::thread::id> threads;
  int sleepUs = 0;

  static void visit(void *env, int64_t begin, int64_t end) {
    auto *c = static_cast<Coverage *>(env);
    ++c->calls;
    if (begin >= end || begin < 0 || end > static_cast<int64_t>(c->hits.size()))
      ++c->badChunks;
    for (int64_t i = begin; i < end && i < static_cast<int64_t>(c->hits.size());
         ++i)
      ++c->hits[static_cast<size_t>(i)];
    {
      std::lock_guard<std::mutex> lock(c->mu);
      c->threads.insert(std::this_thread::get_id());
    }
    if (c->sleepUs)
      std::this_thread::sleep_for(std::chrono::microseconds(c->sleepUs));
  }
  bool eachOnce() const {
    for (const auto &h : hits)
      if (h.load() != 1)
        return false;
    return true;
  }
};

/// Runs `body` as the model's entry on `ctx` and returns sy_rt_run's status.
int runBody(sy_context *ctx, const std::function<void()> &body) {
  float x[6] = {}, y[6] = {};
  int64_t shape[2] = {2, 3}, len[1] = {0};
  sy_tensor in[2] = {{x, shape, 2, SY_DTYPE_F32}, {x, len, 1, SY_DTYPE_I64}};
  sy_tensor out[2] = {{y, shape, 2, SY_DTYPE_F32}, {y, len, 1, SY_DTYPE_I64}};
  gEntryHook = [&](void *const *, void *const *, const int64_t *) {
    body();
    return 0;
  };
  int rc = sy_rt_run(ctx, in, 2, out, 2);
  gEntryHook = nullptr;
  return rc;
}

/// Runs `body` as the model's entry on a context of `threads` threads.
void runWithContext(int32_t threads, const std::function<void()> &body) {
  sy_context *ctx = nullptr;
  ASSERT_EQ(sy_rt_create(&ctx, threads), SY_OK);
  EXPECT_EQ(runBody(ctx, body), SY_OK) << sy_rt_last_error(ctx);
  sy_rt_destroy(ctx);
}

/// Runs `body` as the entry on a fresh context of `threads` threads and
/// returns sy_rt_run's status; `message` gets the context's error.
int runStatus(int32_t threads, const std::function<void()> &body,
              std::string &message) {
  sy_context *ctx = nullptr;
  EXPECT_EQ(sy_rt_create(&ctx, threads), SY_OK);
  int rc = runBody(ctx, body);
  message = sy_rt_last_error(ctx);
  // The failure belongs to that run only: the next one succeeds.
  EXPECT_EQ(runBody(ctx, [] {}), SY_OK) << sy_rt_last_error(ctx);
  sy_rt_destroy(ctx);
  return rc;
}

/// Every chunk fails: on 4 threads some run on workers, and the first
/// report is the one kept.
void reportInChunk(void *, int64_t, int64_t) {
  sy_rt_kernel_out_of_memory(4096);
}

TEST(KernelOutOfMemory, FailsTheRunFromAnyThread) {
  std::string message;
  // On the thread that called run.
  EXPECT_EQ(runStatus(1, [] { sy_rt_kernel_out_of_memory(12345); }, message),
            SY_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(message, "run: out of memory allocating 12345 bytes of kernel "
                     "working memory");
  // In a chunk, which may run on a worker.
  for (int32_t threads : {1, 4}) {
    EXPECT_EQ(runStatus(threads,
                        [] { sy_rt_parallel_for(64, reportInChunk, nullptr); },
                        message),
              SY_ERROR_OUT_OF_MEMORY)
        << "threads=" << threads;
    EXPECT_EQ(message, "run: out of memory allocating 4096 bytes of kernel "
                       "working memory");
  }
  // Outside a run it does nothing.
  sy_rt_kernel_out_of_memory(1);
}

} // namespace

// In `make check-asan`, ASan aborts on an allocation above 1 TiB unless told
// to return NULL, as malloc does; the test below needs the NULL.
extern "C" const char *__asan_default_options() {
  return "allocator_may_return_null=1";
}

namespace {

TEST(KernelOutOfMemory, MoEDispatchReportsAFailedAllocation) {
  // 2^44 experts: the kernel's per-expert counters (16 bytes each, 256 TiB)
  // cannot be allocated; it used to return with its outputs unwritten and
  // the run reported success.
  std::string message;
  EXPECT_EQ(runStatus(2,
                      [] {
                        sy_ukernel_moe_dispatch(1, 1, int64_t(1) << 44, 1, 1,
                                                0, 0, 0, 0, 0);
                      },
                      message),
            SY_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(message, "run: out of memory allocating 281474976710656 bytes of "
                     "kernel working memory");
}

TEST(ParallelFor, CoversEveryIndexOnce) {
  for (int32_t threads : {1, 2, 4}) {
    for (int64_t n : {0, 1, 7, 1000}) {
      Coverage c(n);
      runWithContext(threads,
                     [&] { sy_rt_parallel_for(n, Coverage::visit, &c); });
      EXPECT_TRUE(c.eachOnce()) << "threads=" << threads << " n=" << n;
      EXPECT_EQ(c.badChunks.load(), 0) << "threads=" << threads << " n=" << n;
      if (n == 0)
        EXPECT_EQ(c.calls.load(), 0);
      if (threads == 1 && n > 0) // serial: one call over everything
        EXPECT_EQ(c.calls.load(), 1);
    }
  }
}

TEST(ParallelFor, SerialWithoutContext) {
  Coverage c(100);
  sy_rt_parallel_for(100, Coverage::visit, &c);
  EXPECT_TRUE(c.eachOnce());
  EXPECT_EQ(c.calls.load(), 1);
  EXPECT_EQ(c.threads, std::set<std::thread::id>{std::this_thread::get_id()});
  sy_rt_parallel_for(0, Coverage::visit, &c); // nothing to do
  EXPECT_EQ(c.calls.load(), 1);
}

TEST(ParallelFor, UsesThePool) {
  // With chunks that take a while, the workers take some of them.
  Coverage c(64);
  c.sleepUs = 2000;
  runWithContext(4, [&] { sy_rt_parallel_for(64, Coverage::visit, &c); });
  EXPECT_TRUE(c.eachOnce());
  EXPECT_GT(c.threads.size(), 1u);
}

TEST(ParallelFor, NestedCallsRunSerially) {
  struct Env {
    std::atomic<int> nestedBad{0};
    std::atomic<int64_t> total{0};
  } env;
  auto inner = [](void *e, int64_t begin, int64_t end) {
    static_cast<Env *>(e)->total += end - begin;
  };
  struct Outer {
    Env *env;
    void (*inner)(void *, int64_t, int64_t);
  } outer{&env, inner};
  runWithContext(4, [&] {
    sy_rt_parallel_for(
        16,
        [](void *o, int64_t begin, int64_t end) {
          auto *out = static_cast<Outer *>(o);
          for (int64_t i = begin; i < end; ++i) {
            // Serial: exactly one call covering [0, 10) on this thread.
            struct Probe {
              std::thread::id caller;
              int calls = 0;
              bool sameThread = true;
            } probe{std::this_thread::get_id()};
            sy_rt_parallel_for(
                10,
                [](void *p, int64_t b, int64_t e) {
                  auto *pr = static_cast<Probe *>(p);
                  ++pr->calls;
                  pr->sameThread &= pr->caller == std::this_thread::get_id() &&
                                    b == 0 && e == 10;
                },
                &probe);
            if (probe.calls != 1 || !probe.sameThread)
              ++out->env->nestedBad;
            out->inner(out->env, 0, 10);
          }
        },
        &outer);
  });
  EXPECT_EQ(env.nestedBad.load(), 0);
  EXPECT_EQ(env.total.load(), 160);
}

TEST(ParallelFor, ManyJobsInARow) {
  // Back-to-back jobs: workers that wake late must never mix two jobs.
  std::atomic<int64_t> total{0};
  runWithContext(4, [&] {
    for (int job = 0; job < 5000; ++job)
      sy_rt_parallel_for(
          1 + job % 9,
          [](void *t, int64_t begin, int64_t end) {
            *static_cast<std::atomic<int64_t> *>(t) += end - begin;
          },
          &total);
  });
  int64_t expected = 0;
  for (int job = 0; job < 5000; ++job)
    expected += 1 + job % 9;
  EXPECT_EQ(total.load(), expected);
}

TEST(ParallelFor, ConcurrentRunsOnTwoContexts) {
  // Each thread owns a context; both run at once, each run using its pool.
  gEntryHook = [](void *const *inputs, void *const *outputs,
                  const int64_t *shapes) -> int32_t {
    struct Env {
      const int64_t *n;
      int64_t *s;
    } env{static_cast<const int64_t *>(inputs[1]),
          static_cast<int64_t *>(outputs[1])};
    sy_rt_parallel_for(
        shapes[2],
        [](void *e, int64_t begin, int64_t end) {
          auto *en = static_cast<Env *>(e);
          for (int64_t i = begin; i < end; ++i)
            en->s[i] = en->n[i] + 1;
        },
        &env);
    return 0;
  };
  std::atomic<int> failures{0};
  auto worker = [&](int64_t offset) {
    sy_context *ctx = nullptr;
    if (sy_rt_create(&ctx, 2) != SY_OK) {
      ++failures;
      return;
    }
    constexpr int64_t kLen = 257;
    std::vector<int64_t> n(kLen), s(kLen);
    float x[6] = {}, y[6] = {};
    int64_t shape[2] = {2, 3}, len[1] = {kLen};
    sy_tensor in[2] = {{x, shape, 2, SY_DTYPE_F32},
                       {n.data(), len, 1, SY_DTYPE_I64}};
    sy_tensor out[2] = {{y, shape, 2, SY_DTYPE_F32},
                        {s.data(), len, 1, SY_DTYPE_I64}};
    for (int iter = 0; iter < 200; ++iter) {
      for (int64_t i = 0; i < kLen; ++i)
        n[i] = offset + iter * 1000 + i;
      if (sy_rt_run(ctx, in, 2, out, 2) != SY_OK)
        ++failures;
      for (int64_t i = 0; i < kLen; ++i)
        if (s[i] != n[i] + 1)
          ++failures;
    }
    sy_rt_destroy(ctx);
  };
  std::thread a(worker, 0), b(worker, 1000000);
  a.join();
  b.join();
  gEntryHook = nullptr;
  EXPECT_EQ(failures.load(), 0);
}

} // namespace
