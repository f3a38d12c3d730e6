//===- SwitchyardModule.cpp - the switchyard._switchyard extension --------===//
//
// The native half of the `switchyard` Python package, kept small: the
// Python half (switchyard/_module.py) does the argument handling, output
// allocation and error classes. Here:
//
//   compile_model(...) -> (exit_code, messages)   switchyard::compileModel
//   Library(path)                                 dlopen + switchyard_model_api
//   Library.create_context(num_threads) -> Context
//   Context.run(inputs, input_dtypes, outputs, output_dtypes) -> status
//   Context.last_error() -> str
//
// Both compile_model and Context.run release the GIL. Arrays cross as
// nanobind ndarrays, so C-contiguous numpy arrays reach the C ABI without a
// copy; dtype codes come from Python because numpy's DLPack export cannot
// describe every sy_dtype (bfloat16 travels as its uint16 bits).
//
//===----------------------------------------------------------------------===//

#include "switchyard/Driver/Compile.h"
#include "switchyard/runtime/switchyard_abi.h"

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <dlfcn.h>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace nb = nanobind;

namespace {

/// A dlopen'ed generated library; closed when the last Library or Context
/// referring to it is gone.
struct LoadedLibrary {
  void *handle = nullptr;
  const sy_model_api *api = nullptr;
  ~LoadedLibrary() {
    if (handle)
      dlclose(handle);
  }
};

class Context;

class Library {
public:
  explicit Library(const std::string &path) : lib(new LoadedLibrary) {
    // RTLD_LOCAL: several generated libraries (and their runtimes) coexist.
    lib->handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib->handle) {
      const char *why = dlerror();
      throw std::invalid_argument("cannot load " + path + ": " +
                                  (why ? why : "unknown error"));
    }
    using GetApi = const sy_model_api *(*)(void);
    auto get = reinterpret_cast<GetApi>(
        dlsym(lib->handle, "switchyard_model_api"));
    if (!get)
      throw std::invalid_argument(
          path + ": not a Switchyard library (no switchyard_model_api)");
    lib->api = get();
    if (!lib->api || lib->api->abi_version != SWITCHYARD_ABI_VERSION)
      throw std::invalid_argument(
          path + ": ABI version " +
          std::to_string(lib->api ? lib->api->abi_version : 0) +
          ", this package understands " +
          std::to_string(SWITCHYARD_ABI_VERSION));
  }

  std::string signature() const {
    const char *json = lib->api->signature();
    if (!json)
      throw std::bad_alloc();
    return json;
  }
  std::string tag() const { return lib->api->tag ? lib->api->tag : ""; }
  Context *createContext(int32_t numThreads) const;

private:
  std::shared_ptr<LoadedLibrary> lib;
};

// Inputs may be read-only (np.frombuffer, memory-mapped .npy): the model
// never writes them (compileModel marks them non-writable for
// bufferization).
using InputArray = nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>;
using OutputArray = nb::ndarray<nb::c_contig, nb::device::cpu>;

/// One sy_context: its thread pool and scratch. Not reentrant (the C ABI's
/// rule); switchyard.Module keeps one per concurrent caller.
class Context {
public:
  Context(std::shared_ptr<LoadedLibrary> lib, sy_context *ctx)
      : lib(std::move(lib)), ctx(ctx) {}
  ~Context() { lib->api->destroy(ctx); }
  Context(const Context &) = delete;
  Context &operator=(const Context &) = delete;

  int run(std::vector<InputArray> inputs, const std::vector<int32_t> &inDtypes,
          std::vector<OutputArray> outputs,
          const std::vector<int32_t> &outDtypes) {
    if (inputs.size() != inDtypes.size() || outputs.size() != outDtypes.size())
      throw std::invalid_argument("run: one dtype code per array");
    std::vector<std::vector<int64_t>> shapes;
    shapes.reserve(inputs.size() + outputs.size());
    auto describe = [&](auto &arrays, const std::vector<int32_t> &dtypes) {
      std::vector<sy_tensor> tensors;
      for (size_t i = 0; i < arrays.size(); ++i) {
        auto &a = arrays[i];
        shapes.emplace_back(a.ndim());
        for (size_t d = 0; d < a.ndim(); ++d)
          shapes.back()[d] = static_cast<int64_t>(a.shape(d));
        // The C ABI's data pointer is not const; inputs are only read.
        tensors.push_back(sy_tensor{const_cast<void *>(
                                        static_cast<const void *>(a.data())),
                                    shapes.back().data(),
                                    static_cast<int32_t>(a.ndim()),
                                    dtypes[i]});
      }
      return tensors;
    };
    std::vector<sy_tensor> in = describe(inputs, inDtypes);
    std::vector<sy_tensor> out = describe(outputs, outDtypes);
    // The arrays stay referenced by the caller's frame while the GIL is
    // released; the model only reads inputs and writes outputs in place.
    nb::gil_scoped_release release;
    return lib->api->run(ctx, in.data(), static_cast<int64_t>(in.size()),
                         out.data(), static_cast<int64_t>(out.size()));
  }

  std::string lastError() const { return lib->api->last_error(ctx); }

private:
  std::shared_ptr<LoadedLibrary> lib;
  sy_context *ctx;
};

Context *Library::createContext(int32_t numThreads) const {
  sy_context *ctx = nullptr;
  int status;
  std::string error;
  {
    nb::gil_scoped_release release; // starting threads may take a while
    status = lib->api->create(&ctx, numThreads);
    if (status != SY_OK)
      error = lib->api->last_error(nullptr); // per thread: read it here
  }
  if (status != SY_OK) {
    if (status == SY_ERROR_INVALID_ARGUMENT)
      throw std::invalid_argument(error);
    if (status == SY_ERROR_OUT_OF_MEMORY)
      throw std::bad_alloc();
    throw std::runtime_error(error);
  }
  return new Context(lib, ctx);
}

/// compileModel with Python's arguments; returns (exit code, messages).
std::pair<int, std::string>
compileModelFromPython(const std::string &model, const std::string &output,
                       const std::string &target, unsigned optLevel,
                       const std::string &emit,
                       const std::vector<std::pair<std::string,
                                                   std::vector<int64_t>>>
                           &inputShapes,
                       const std::string &tag, const std::string &cpu,
                       unsigned cpuCores, const std::string &runtimeArchive) {
  switchyard::CompileOptions options;
  options.modelPath = model;
  options.outputPath = output;
  options.target = target;
  options.optLevel = optLevel;
  if (!switchyard::parseEmitKind(emit, options.emit))
    throw std::invalid_argument("emit must be one of onnx, sy, linalg, llvm, "
                                "obj, so; got '" + emit + "'");
  options.inputShapes = inputShapes;
  options.tag = tag;
  options.cpu = cpu;
  options.cpuCores = cpuCores;
  options.runtimeArchive = runtimeArchive;
  options.toolName = "switchyard.compile";
  std::string messages;
  int rc;
  {
    nb::gil_scoped_release release;
    llvm::raw_string_ostream os(messages);
    rc = switchyard::compileModel(options, os);
  }
  return {rc, messages};
}

} // namespace

NB_MODULE(_switchyard, m) {
  m.doc() = "Native part of the switchyard package (use switchyard.compile "
            "and switchyard.load).";
  m.attr("ABI_VERSION") = SWITCHYARD_ABI_VERSION;
  m.def("compile_model", &compileModelFromPython, nb::arg("model"),
        nb::arg("output"), nb::arg("target"), nb::arg("opt_level"),
        nb::arg("emit"), nb::arg("input_shapes"), nb::arg("tag"),
        nb::arg("cpu"), nb::arg("cpu_cores"), nb::arg("runtime_archive"));

  nb::class_<Context>(m, "Context")
      .def("run", &Context::run, nb::arg("inputs"), nb::arg("input_dtypes"),
           nb::arg("outputs"), nb::arg("output_dtypes"))
      .def("last_error", &Context::lastError);

  nb::class_<Library>(m, "Library")
      .def(nb::init<const std::string &>(), nb::arg("path"))
      .def_prop_ro("signature", &Library::signature)
      .def_prop_ro("tag", &Library::tag)
      .def("create_context", &Library::createContext, nb::arg("num_threads"),
           nb::rv_policy::take_ownership);
}
