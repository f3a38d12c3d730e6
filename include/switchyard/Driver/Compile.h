//===- Compile.h - one ONNX model through the whole pipeline ----*- C++ -*-===//
//
// The compiler as a library call: import, raise, lower, generate code, link,
// write the header. `switchyard-compile` parses its flags into a
// CompileOptions and calls compileModel; the Python package calls the same
// function in-process (python-bindings/src/SwitchyardModule.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef SWITCHYARD_DRIVER_COMPILE_H
#define SWITCHYARD_DRIVER_COMPILE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace switchyard {

/// The stage compileModel stops after (--emit).
enum class EmitKind { ONNX, Sy, Linalg, LLVM, Obj, SharedLib };

/// Parses an --emit value ("onnx", "sy", "linalg", "llvm", "obj", "so").
bool parseEmitKind(const std::string &text, EmitKind &kind);

struct CompileOptions {
  std::string modelPath;
  /// "" picks the default: "-" (stdout) for text stages, the model's path
  /// with .so / .o for binaries.
  std::string outputPath;
  std::string target = "cpu"; // cpu | cuda[:sm_XX]
  unsigned optLevel = 2;      // 0-3
  EmitKind emit = EmitKind::SharedLib;
  /// --input-shape NAME=DxD... values, parsed.
  std::vector<std::pair<std::string, std::vector<int64_t>>> inputShapes;
  std::string tag; // "" derives it from the output (or model) file name
  std::string cpu = "host";
  unsigned cpuCores = 0;
  /// 3x3 convolutions with constant weights by Winograd where it pays
  /// (sy-lower-conv-to-ukernel); false: the direct kernel always.
  bool winograd = true;
  /// The largest Winograd output tile: 4 allows F(4x4, 3x3) (4x fewer
  /// multiplications, about 10x the rounding of the direct kernel), 2 keeps
  /// F(2x2, 3x3).
  unsigned winogradTile = 4;
  /// libswitchyard_runtime.a, needed for EmitKind::SharedLib.
  std::string runtimeArchive;
  /// Apply MLIR's pass-manager command-line options (--mlir-timing,
  /// --mlir-print-ir-after-all, ...); only a tool that registered them may.
  bool useMLIRCommandLineOptions = false;
  /// The prefix of messages that name no model file.
  std::string toolName = "switchyard-compile";
};

/// Registers MLIR's and Switchyard's passes, once per process. compileModel
/// calls it; a tool calls it before parsing its command line, so that
/// --mlir-print-ir-after=PASS can name any pass.
void registerCompilerPasses();

/// Readies an imported, lowered-to-linalg module for the CPU codegen
/// pipeline: drops the ONNX names from function arguments and results (the
/// ABI carries them) and marks tensor arguments non-writable, so that
/// bufferization never writes into a caller's input buffer.
void prepareForBufferization(mlir::ModuleOp module);

/// Compiles one model as `switchyard-compile` does. Diagnostics go to `errs`
/// as `model.onnx: node 'X' (Op, opset N): message` lines, tool-level
/// failures as `TOOL: error: message`. Returns the tool's exit code (0 on
/// success, 1 on failure). Thread-safe: concurrent calls are serialized
/// (lld and LLVM's global options are process-wide state).
int compileModel(const CompileOptions &options, llvm::raw_ostream &errs);

} // namespace switchyard

#endif // SWITCHYARD_DRIVER_COMPILE_H
