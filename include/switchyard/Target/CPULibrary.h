//===- CPULibrary.h - a standalone .so for the host CPU ---------*- C++ -*-===//
//
// The last steps of `switchyard-compile`: the LLVM-dialect module becomes an
// llvm::Module that also carries the model's interface (the `sy_model`
// descriptor, the entry wrapper and the tagged API of model.h, see
// lib/Runtime/ModelDescriptor.h), then an object file (in-process, through
// LLVM's TargetMachine), then a shared library linked in-process by lld with
// the runtime archive.
//
//===----------------------------------------------------------------------===//
#ifndef SWITCHYARD_TARGET_CPULIBRARY_H
#define SWITCHYARD_TARGET_CPULIBRARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

#include <memory>
#include <string>
#include <vector>

namespace switchyard {

struct TensorSignature {
  std::string name;
  int32_t dtype; // ONNX TensorProto.DataType == sy_dtype
  llvm::SmallVector<int64_t> shape;
};

struct ModelSignature {
  std::vector<TensorSignature> inputs, outputs;
};

/// Names (`onnx.name`), dtypes and shapes of @main's arguments and results,
/// read before lowering. Fails (with a diagnostic) on a type the ABI lacks.
mlir::FailureOr<ModelSignature> readModelSignature(mlir::ModuleOp module);

struct LibraryOptions {
  std::string tag = "model";
  std::string cpu = "host"; // "host" or an LLVM CPU name (znver4, ...)
  unsigned optLevel = 2;
  std::string runtimeArchive; // libswitchyard_runtime.a
};

/// Translates the LLVM-dialect module and adds the model interface.
std::unique_ptr<llvm::Module>
buildLLVMModule(mlir::ModuleOp module, llvm::LLVMContext &context,
                const ModelSignature &signature, const LibraryOptions &options);

/// Whether LLVM knows `cpu` ("host" or a name `llc -mcpu=help` lists) for
/// this machine's target.
bool isKnownCPU(llvm::StringRef cpu);

/// Optimizes `module` for the target CPU and emits an ELF object.
mlir::LogicalResult emitObjectFile(llvm::Module &module,
                                   const LibraryOptions &options,
                                   llvm::SmallVectorImpl<char> &object,
                                   std::string &error);

/// Links `objectPath` and the runtime archive into the shared library
/// `outputPath` (only libc/libm needed; only the tagged API and
/// switchyard_model_api exported).
mlir::LogicalResult linkSharedLibrary(llvm::StringRef objectPath,
                                      llvm::StringRef outputPath,
                                      const LibraryOptions &options,
                                      std::string &error);

/// The text of model.h for `signature` and `tag`.
std::string generateHeader(const ModelSignature &signature,
                           llvm::StringRef tag);

} // namespace switchyard

#endif // SWITCHYARD_TARGET_CPULIBRARY_H
