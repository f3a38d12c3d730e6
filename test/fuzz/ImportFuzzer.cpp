//===- ImportFuzzer.cpp - libFuzzer harness: ONNX bytes -> LLVM dialect ---===//
//
// Each input is the bytes of an ONNX file. The harness imports it and, when
// the importer accepts it, runs the compiler's pipelines (raise to sy, lower
// to linalg, bufferize and lower to the LLVM dialect) as switchyard-compile
// does, stopping before LLVM translation and object emission (slow, and
// upstream's). A model may be refused with any diagnostic; what must never
// happen is a crash, a hang, a sanitizer report or memory growth.
//
// The importer and the ONNX op registry (infer, fold, lower) are compiled
// into this binary with coverage instrumentation, so libFuzzer steers by
// their branches; the upstream passes are the uninstrumented libMLIR.so.
//
//===----------------------------------------------------------------------===//

#include "switchyard/Driver/Compile.h"
#include "switchyard/Import/ONNXImporter.h"
#include "switchyard/InitAll.h"
#include "switchyard/Pipelines.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <unistd.h>

using namespace mlir;

namespace {

/// The importer reads a path: one scratch file per process, rewritten for
/// every input (in $TMPDIR, so parallel jobs each have their own).
const std::string &scratchPath() {
  static const std::string path = [] {
    const char *dir = std::getenv("TMPDIR");
    return std::string(dir && *dir ? dir : "/tmp") + "/switchyard-fuzz-" +
           std::to_string(getpid()) + ".onnx";
  }();
  return path;
}

bool runPipeline(ModuleOp module,
                 void (*build)(OpPassManager &,
                               const switchyard::PipelineOptions &)) {
  PassManager pm(module.getContext());
  switchyard::PipelineOptions options;
  options.cpuCores = 1;
  build(pm, options);
  return succeeded(pm.run(module));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  switchyard::registerCompilerPasses();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(scratchPath(), ec);
    if (ec)
      std::abort(); // the harness's own failure, not a finding
    out.write(reinterpret_cast<const char *>(data), size);
  }
  DialectRegistry registry;
  switchyard::registerAllSwitchyardDialects(registry);
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &) { return success(); });

  OwningOpRef<ModuleOp> module =
      switchyard::importONNXModel(scratchPath(), &context, {});
  if (!module || failed(module->verify()))
    return 0;
  if (!runPipeline(*module, switchyard::buildRaiseToSyPipeline) ||
      !runPipeline(*module, switchyard::buildLowerToLinalgPipeline))
    return 0;
  switchyard::prepareForBufferization(*module);
  runPipeline(*module, switchyard::buildCPUCodegenPipeline);
  return 0;
}
