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
//===----------------------------------------------------------------------===//

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <vector>

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
                    "got '" + value + "'");
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
    } else if (name == "threads" && !parseCount(value, opts.threads)) {
      return fail("--threads: expected a thread count, got '" + value + "'");
    }
  }
  if (opts.library.empty())
    return fail("no library given (usage: switchyard-run [options] "
                "<model.so>)");
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  Options opts;
  if (int rc = parseArgs(argc, argv, opts))
    return rc == 2 ? 0 : rc;
  struct stat st;
  if (stat(opts.library.c_str(), &st) != 0)
    return fail(opts.library + ": no such file");
  return fail(opts.library + ": running generated libraries is not "
                             "implemented yet (see issue 11)");
}
