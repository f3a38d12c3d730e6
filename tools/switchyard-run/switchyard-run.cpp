//===- switchyard-run.cpp - run a generated library -----------------------===//
//
//   switchyard-run LIB.so [--input NAME=FILE.npy|FILE.pb]...
//       [--random-inputs[=SEED]] [--output-dir DIR] [--benchmark N]
//       [--threads N]
//
// Loads a library produced by switchyard-compile through its C ABI. The
// flags and the output conventions (DIR/NAME.npy; `median_ms=... min_ms=...
// max_ms=...` as the last line of --benchmark) are a contract with users'
// scripts: extend, never rename or drop.
//
// Deliberately free of LLVM: a runtime tool should not need a compiler's
// libraries (and libLLVM.so's global options would clash with --threads).
//
// The steps: load the library and its `switchyard_model_api` table, read
// the signature JSON, read each --input (.npy or TensorProto .pb) and check
// it against the signature, make up the rest with --random-inputs, allocate
// the outputs, run once and write or print the outputs, then --benchmark.
// Every failure is one `switchyard-run: error: ...` line and exit code 1.
//
//===----------------------------------------------------------------------===//

#include "switchyard/runtime/switchyard_abi.h"
#include "tools/switchyard-run/Json.h"
#include "tools/switchyard-run/TensorIO.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dlfcn.h>
#include <map>
#include <string>
#include <sys/stat.h>
#include <vector>

using namespace syrun;

namespace {

struct Options {
  std::string library;
  std::vector<std::string> inputs; // NAME=FILE
  bool randomInputs = false;
  unsigned long randomSeed = 0;
  std::string outputDir;
  unsigned long benchmark = 0;
  unsigned long threads = 0; // 0: all cores
};

const char *const kUsage =
    "OVERVIEW: Switchyard: run a library made by switchyard-compile\n"
    "\n"
    "USAGE: switchyard-run [options] <model.so>\n"
    "\n"
    "OPTIONS:\n"
    "  --input=<NAME=FILE>       An input by name, from a .npy or ONNX "
    "TensorProto .pb\n"
    "                            file (repeatable)\n"
    "  --random-inputs[=<SEED>]  Fill inputs not given with --input with "
    "pseudo-random\n"
    "                            values (seed default 0)\n"
    "  --output-dir=<DIR>        Write each output as DIR/NAME.npy\n"
    "  --benchmark=<N>           Run N times and print median_ms= min_ms= "
    "max_ms= last\n"
    "  --threads=<N>             Threads of the library's pool (default: all "
    "cores)\n"
    "  --help                    Show this help\n";

int fail(const std::string &msg) {
  std::fprintf(stderr, "switchyard-run: error: %s\n", msg.c_str());
  return 1;
}

/// Parses a non-negative decimal integer; false on anything else.
bool parseCount(const std::string &text, unsigned long &out) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  errno = 0;
  out = std::strtoul(text.c_str(), nullptr, 10);
  return errno == 0;
}

/// Accepts `--name=value` and `--name value` (also with a single dash).
/// Returns 0 on success, 1 on error (message printed), 2 when --help ran.
int parseArgs(int argc, char **argv, Options &opts) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-') {
      if (!opts.library.empty())
        return fail("more than one library given: '" + opts.library +
                    "' and '" + arg + "'");
      opts.library = arg;
      continue;
    }
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1), value;
    bool hasValue = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      hasValue = true;
    }
    auto takeValue = [&]() -> bool {
      if (hasValue)
        return true;
      if (i + 1 >= argc)
        return false;
      value = argv[++i];
      return true;
    };
    if (name == "help" || name == "h") {
      std::fputs(kUsage, stdout);
      return 2;
    }
    if (name == "random-inputs") {
      opts.randomInputs = true;
      if (hasValue && !parseCount(value, opts.randomSeed))
        return fail("--random-inputs: expected a non-negative integer seed, "
                    "got '" +
                    value + "'");
      continue;
    }
    if (name != "input" && name != "output-dir" && name != "benchmark" &&
        name != "threads")
      return fail("unknown option '" + arg + "' (see --help)");
    if (!takeValue())
      return fail("option --" + name + " needs a value");
    if (name == "input") {
      if (value.find('=') == std::string::npos || value[0] == '=')
        return fail("--input expects NAME=FILE, got '" + value + "'");
      opts.inputs.push_back(value);
    } else if (name == "output-dir") {
      opts.outputDir = value;
    } else if (name == "benchmark" && !parseCount(value, opts.benchmark)) {
      return fail("--benchmark: expected a run count, got '" + value + "'");
    } else if (name == "threads" &&
               (!parseCount(value, opts.threads) || opts.threads > INT32_MAX)) {
      return fail("--threads: expected a thread count, got '" + value + "'");
    }
  }
  if (opts.library.empty())
    return fail("no library given (usage: switchyard-run [options] "
                "<model.so>)");
  return 0;
}

//===----------------------------------------------------------------------===//
// The library and its signature
//===----------------------------------------------------------------------===//

struct TensorSpec {
  std::string name;
  const DtypeInfo *dtype = nullptr;
  std::vector<int64_t> shape; // -1: dynamic
};

struct Signature {
  std::string tag;
  std::vector<TensorSpec> inputs, outputs;
};

bool hasDynamicDim(const std::vector<int64_t> &shape) {
  return std::any_of(shape.begin(), shape.end(),
                     [](int64_t d) { return d < 0; });
}

bool parseTensorList(const JsonValue *list, const char *key,
                     std::vector<TensorSpec> &out, std::string &err) {
  if (!list || list->kind != JsonValue::Array) {
    err = std::string("'") + key + "' is not an array";
    return false;
  }
  for (const JsonValue &item : list->items) {
    TensorSpec spec;
    const JsonValue *name = item.get("name"), *dtype = item.get("dtype"),
                    *shape = item.get("shape");
    if (!name || name->kind != JsonValue::String || !dtype ||
        dtype->kind != JsonValue::String || !shape ||
        shape->kind != JsonValue::Array) {
      err = std::string("an entry of '") + key +
            "' lacks a string name, a string dtype or a shape array";
      return false;
    }
    spec.name = name->text;
    spec.dtype = dtypeByName(dtype->text);
    if (!spec.dtype) {
      err = "'" + spec.name + "' has unknown dtype '" + dtype->text + "'";
      return false;
    }
    for (const JsonValue &dim : shape->items) {
      int64_t d;
      if (!dim.asInt64(d) || d < -1) {
        err = "'" + spec.name + "' has a dim that is not an integer >= -1";
        return false;
      }
      spec.shape.push_back(d);
    }
    out.push_back(std::move(spec));
  }
  return true;
}

bool parseSignature(const char *json, Signature &sig, std::string &err) {
  if (!json) {
    err = "the library returned no signature";
    return false;
  }
  JsonValue root;
  if (!parseJson(json, root, err))
    return false;
  const JsonValue *tag = root.get("tag");
  if (!tag || tag->kind != JsonValue::String) {
    err = "no string 'tag'";
    return false;
  }
  sig.tag = tag->text;
  return parseTensorList(root.get("inputs"), "inputs", sig.inputs, err) &&
         parseTensorList(root.get("outputs"), "outputs", sig.outputs, err);
}

/// Loads `path` and returns its ABI table (the library stays loaded).
const sy_model_api *loadLibrary(const std::string &path, std::string &err) {
  // dlopen searches the library path for a name without '/'; a user means
  // the file.
  std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  void *handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    err = path + ": not a loadable library (" + (why ? why : "dlopen failed") +
          ")";
    return nullptr;
  }
  using GetApi = const sy_model_api *(*)();
  auto get = reinterpret_cast<GetApi>(dlsym(handle, "switchyard_model_api"));
  if (!get) {
    err = path + ": no switchyard_model_api symbol (not a library made by "
                 "switchyard-compile?)";
    return nullptr;
  }
  const sy_model_api *api = get();
  if (!api) {
    err = path + ": switchyard_model_api() returned NULL";
    return nullptr;
  }
  if (api->abi_version != SWITCHYARD_ABI_VERSION) {
    err = path + ": the library has ABI version " +
          std::to_string(api->abi_version) + ", switchyard-run speaks " +
          std::to_string(SWITCHYARD_ABI_VERSION);
    return nullptr;
  }
  if (!api->create || !api->destroy || !api->run || !api->signature ||
      !api->last_error) {
    err = path + ": the library's API table has NULL entry points";
    return nullptr;
  }
  return api;
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

/// Reads FILE as .npy (by its magic, or a .npy name) or TensorProto.
bool readTensorFile(const std::string &path, Tensor &t, std::string &err) {
  std::vector<uint8_t> bytes;
  if (!readFile(path, bytes, err))
    return false;
  bool npyName =
      path.size() >= 4 && path.compare(path.size() - 4, 4, ".npy") == 0;
  if (looksLikeNpy(bytes) || npyName)
    return parseNpy(bytes, t, err);
  return parseTensorProto(bytes, t, err);
}

/// The message when `t` does not fit `spec`, or "".
std::string mismatch(const TensorSpec &spec, const Tensor &t) {
  if (t.dtype != spec.dtype->code)
    return std::string("expected dtype ") + spec.dtype->name + ", got " +
           dtypeByCode(t.dtype)->name;
  bool fits = t.shape.size() == spec.shape.size();
  for (size_t i = 0; fits && i < t.shape.size(); ++i)
    fits = spec.shape[i] < 0 || spec.shape[i] == t.shape[i];
  if (!fits)
    return "expected shape " + formatShape(spec.shape) + ", got " +
           formatShape(t.shape);
  return "";
}

/// splitmix64 (Steele, Lea, Flood 2014): a tiny generator with good
/// statistics for filling tensors.
uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// Fills `t` from a stream that depends only on the seed and the input's
/// name (so giving or not giving other inputs changes nothing): floats
/// uniform in [-1, 1) on a grid exact in the type, integers in [0, 10),
/// bools 0 or 1.
void fillRandom(Tensor &t, const std::string &name, uint64_t seed) {
  uint64_t hash = 0xcbf29ce484222325ull; // FNV-1a of the name
  for (unsigned char c : name)
    hash = (hash ^ c) * 0x100000001b3ull;
  uint64_t state = seed ^ hash;
  int64_t n = t.numElements(), size = dtypeByCode(t.dtype)->size;
  uint8_t *p = t.data.get();
  // Mantissa bits of each float type (with the implicit one): a value
  // k * 2^(1 - bits) - 1 is exact in the type and never rounds up to 1.
  auto unit = [&](int bits) {
    uint64_t k = splitmix64(state) >> (64 - bits);
    return static_cast<double>(k) * std::ldexp(1.0, 1 - bits) - 1.0;
  };
  auto store = [&](int64_t i, auto v) {
    std::memcpy(p + i * sizeof v, &v, sizeof v);
  };
  for (int64_t i = 0; i < n; ++i) {
    switch (t.dtype) {
    case 1:
      store(i, static_cast<float>(unit(24)));
      break;
    case 11:
      store(i, unit(53));
      break;
    case 10:
      store(i, floatToHalf(static_cast<float>(unit(11))));
      break;
    case 16:
      store(i, floatToBFloat16(static_cast<float>(unit(8))));
      break;
    case 9:
      p[i] = static_cast<uint8_t>(splitmix64(state) >> 63);
      break;
    default: { // integers: [0, 10) fits every width; little-endian low bytes
      uint64_t v = (splitmix64(state) >> 32) % 10;
      std::memcpy(p + i * size, &v, static_cast<size_t>(size));
    }
    }
  }
}

/// Fills `tensors` (in signature order) from --input files and
/// --random-inputs.
bool loadInputs(const Options &opts, const Signature &sig,
                std::vector<Tensor> &tensors, std::string &err) {
  tensors.clear();
  tensors.resize(sig.inputs.size());
  std::vector<bool> given(sig.inputs.size(), false);
  for (const std::string &arg : opts.inputs) {
    size_t eq = arg.find('=');
    std::string name = arg.substr(0, eq), path = arg.substr(eq + 1);
    auto it = std::find_if(sig.inputs.begin(), sig.inputs.end(),
                           [&](const TensorSpec &s) { return s.name == name; });
    if (it == sig.inputs.end()) {
      std::string names;
      for (const TensorSpec &s : sig.inputs)
        names += (names.empty() ? "'" : ", '") + s.name + "'";
      err = "unknown input '" + name +
            "' (the model's inputs: " + (names.empty() ? "none" : names) + ")";
      return false;
    }
    size_t index = it - sig.inputs.begin();
    if (given[index]) {
      err = "input '" + name + "' given twice";
      return false;
    }
    given[index] = true;
    std::string why;
    if (!readTensorFile(path, tensors[index], why)) {
      err = "input '" + name + "' (" + path + "): " + why;
      return false;
    }
    std::string bad = mismatch(*it, tensors[index]);
    if (!bad.empty()) {
      err = "input '" + name + "' (" + path + "): " + bad;
      return false;
    }
  }
  for (size_t i = 0; i < sig.inputs.size(); ++i) {
    if (given[i])
      continue;
    const TensorSpec &spec = sig.inputs[i];
    if (!opts.randomInputs) {
      err = "missing input '" + spec.name + "' (give --input " + spec.name +
            "=FILE or --random-inputs)";
      return false;
    }
    if (hasDynamicDim(spec.shape)) {
      err = "input '" + spec.name + "' has a dynamic shape " +
            formatShape(spec.shape) +
            ": --random-inputs needs static shapes, give it with --input";
      return false;
    }
    if (!tensors[i].allocate(spec.dtype->code, spec.shape)) {
      err = "input '" + spec.name + "': cannot allocate shape " +
            formatShape(spec.shape);
      return false;
    }
    fillRandom(tensors[i], spec.name, opts.randomSeed);
  }
  // The ABI's bool is one byte holding 0 or 1, whatever the file held.
  for (Tensor &t : tensors)
    if (t.dtype == 9)
      for (int64_t i = 0; i < t.numBytes; ++i)
        t.data[i] = t.data[i] != 0;
  return true;
}

//===----------------------------------------------------------------------===//
// Outputs
//===----------------------------------------------------------------------===//

/// A file name for an output: characters outside [A-Za-z0-9._-] become '_',
/// so a name cannot leave DIR ('/' and "\0" are gone; "..", with ".npy"
/// appended, is a plain file name).
std::string outputFileName(const std::string &name) {
  std::string s = name.empty() ? "_" : name;
  for (char &c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      c = '_';
  return s + ".npy";
}

/// mkdir -p.
bool makeDirs(const std::string &dir, std::string &err) {
  for (size_t pos = 0; pos != std::string::npos;) {
    pos = dir.find('/', pos + 1);
    std::string prefix = dir.substr(0, pos);
    if (prefix.empty() || mkdir(prefix.c_str(), 0777) == 0 || errno == EEXIST)
      continue;
    err = "cannot create directory '" + prefix + "': " + std::strerror(errno);
    return false;
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    err = "'" + dir + "' is not a directory";
    return false;
  }
  return true;
}

std::string formatElement(const Tensor &t, int64_t i) {
  char buf[64];
  const uint8_t *p = t.data.get();
  switch (t.dtype) {
  case 7: {
    int64_t v;
    std::memcpy(&v, p + i * 8, 8);
    std::snprintf(buf, sizeof buf, "%" PRId64, v);
    break;
  }
  case 13: {
    uint64_t v;
    std::memcpy(&v, p + i * 8, 8);
    std::snprintf(buf, sizeof buf, "%" PRIu64, v);
    break;
  }
  case 9:
    return p[i] ? "True" : "False";
  case 1:
  case 10:
  case 11:
  case 16:
    std::snprintf(buf, sizeof buf, "%.7g", elementAsDouble(t, i));
    break;
  default: // narrower integers are exact as doubles
    std::snprintf(buf, sizeof buf, "%.0f", elementAsDouble(t, i));
  }
  return buf;
}

/// `name: dtype [shape] = [v0, v1, ...]`, with at most 8 values.
void printSummary(const std::string &name, const Tensor &t) {
  constexpr int64_t kShown = 8;
  int64_t n = t.numElements();
  std::string values;
  for (int64_t i = 0; i < n && i < kShown; ++i)
    values += (i ? ", " : "") + formatElement(t, i);
  if (n > kShown)
    values += ", ... (" + std::to_string(n) + " values)";
  std::printf("%s: %s %s = [%s]\n", name.c_str(), dtypeByCode(t.dtype)->name,
              formatShape(t.shape).c_str(), values.c_str());
}

bool writeOutputs(const std::string &dir, const Signature &sig,
                  const std::vector<Tensor> &outputs, std::string &err) {
  if (!makeDirs(dir, err))
    return false;
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::string path = dir + "/" + outputFileName(sig.outputs[i].name);
    if (!writeNpy(path, outputs[i], err)) {
      err = "cannot write output '" + sig.outputs[i].name + "' to " + path +
            ": " + err;
      return false;
    }
    std::printf("wrote %s (%s %s)\n", path.c_str(),
                dtypeByCode(outputs[i].dtype)->name,
                formatShape(outputs[i].shape).c_str());
  }
  return true;
}

/// Output tensors from the signature, which must give static shapes, and
/// whose file names must differ.
bool allocateOutputs(const Signature &sig, std::vector<Tensor> &outputs,
                     std::string &err) {
  std::map<std::string, std::string> files;
  outputs.resize(sig.outputs.size());
  for (size_t i = 0; i < sig.outputs.size(); ++i) {
    const TensorSpec &spec = sig.outputs[i];
    if (hasDynamicDim(spec.shape)) {
      err = "output '" + spec.name + "' has shape " + formatShape(spec.shape) +
            ": dynamic output shapes are not supported yet";
      return false;
    }
    auto [it, fresh] = files.emplace(outputFileName(spec.name), spec.name);
    if (!fresh) {
      err = "outputs '" + it->second + "' and '" + spec.name +
            "' would both be written to " + it->first;
      return false;
    }
    if (!outputs[i].allocate(spec.dtype->code, spec.shape)) {
      err = "output '" + spec.name + "': cannot allocate shape " +
            formatShape(spec.shape);
      return false;
    }
  }
  return true;
}

std::vector<sy_tensor> describe(std::vector<Tensor> &tensors) {
  std::vector<sy_tensor> out;
  for (Tensor &t : tensors)
    out.push_back(sy_tensor{t.data.get(), t.shape.data(),
                            static_cast<int32_t>(t.shape.size()), t.dtype});
  return out;
}

double nowMs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 +
         static_cast<double>(ts.tv_nsec) * 1e-6;
}

/// Loads, runs and reports; `err` holds the message on failure.
bool runTool(const Options &opts, std::string &err) {
  struct stat st;
  if (stat(opts.library.c_str(), &st) != 0) {
    err = opts.library + ": no such file";
    return false;
  }
  const sy_model_api *api = loadLibrary(opts.library, err);
  if (!api)
    return false;
  Signature sig;
  if (!parseSignature(api->signature(), sig, err)) {
    err = opts.library + ": bad signature JSON: " + err;
    return false;
  }
  std::vector<Tensor> inputs, outputs;
  if (!allocateOutputs(sig, outputs, err) ||
      !loadInputs(opts, sig, inputs, err))
    return false;

  sy_context *ctx = nullptr;
  if (api->create(&ctx, static_cast<int32_t>(opts.threads)) != SY_OK) {
    err = std::string("cannot create a context: ") + api->last_error(nullptr);
    return false;
  }
  std::vector<sy_tensor> in = describe(inputs), out = describe(outputs);
  auto runOnce = [&]() {
    if (api->run(ctx, in.data(), static_cast<int64_t>(in.size()), out.data(),
                 static_cast<int64_t>(out.size())) == SY_OK)
      return true;
    err = std::string("run failed: ") + api->last_error(ctx);
    return false;
  };

  bool ok = runOnce(); // also the warm-up of --benchmark
  if (ok && !opts.outputDir.empty()) {
    ok = writeOutputs(opts.outputDir, sig, outputs, err);
  } else if (ok) {
    for (size_t i = 0; i < outputs.size(); ++i)
      printSummary(sig.outputs[i].name, outputs[i]);
  }
  std::vector<double> times;
  for (unsigned long i = 0; ok && i < opts.benchmark; ++i) {
    double start = nowMs();
    ok = runOnce();
    times.push_back(nowMs() - start);
  }
  api->destroy(ctx);
  if (!ok)
    return false;
  if (!times.empty()) {
    std::sort(times.begin(), times.end());
    size_t n = times.size();
    double median =
        n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    std::printf("median_ms=%.3f min_ms=%.3f max_ms=%.3f\n", median, times[0],
                times[n - 1]);
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Options opts;
  if (int rc = parseArgs(argc, argv, opts))
    return rc == 2 ? 0 : rc;
  std::string err;
  if (!runTool(opts, err))
    return fail(err);
  return std::fflush(stdout) == 0 ? 0 : fail("cannot write to stdout");
}
