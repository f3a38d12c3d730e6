//===- switchyard-compile.cpp - ONNX model to shared library --------------===//
//
//   switchyard-compile MODEL.onnx -o OUT.so [--target=cpu|cuda[:sm_XX]]
//       [-O0..3] [--emit=onnx|sy|linalg|llvm|obj|so]
//       [--input-shape NAME=2x128]... [--tag NAME] [--cpu NAME]
//
// The flags are a contract with users' scripts (docs/user-guide.md): extend,
// never rename or drop.
//
//===----------------------------------------------------------------------===//

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace {
enum class EmitKind { ONNX, Sy, Linalg, LLVM, Obj, SharedLib };

cl::OptionCategory compileCategory("switchyard-compile options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(compileCategory));
cl::opt<std::string>
    outputFile("o",
               cl::desc("Output file (default: the model's name with .so; "
                        "'-' writes text stages to stdout)"),
               cl::value_desc("file"), cl::cat(compileCategory));
cl::opt<std::string> target("target",
                            cl::desc("Target: cpu (default) or cuda[:sm_XX]"),
                            cl::init("cpu"), cl::cat(compileCategory));
cl::opt<char> optLevel("O", cl::desc("Optimization level 0-3 (default 2)"),
                       cl::Prefix, cl::init('2'), cl::cat(compileCategory));
cl::opt<EmitKind> emit(
    "emit", cl::desc("Stop after this stage and write it to -o"),
    cl::values(clEnumValN(EmitKind::ONNX, "onnx", "imported onnx dialect"),
               clEnumValN(EmitKind::Sy, "sy", "after raising to sy ops"),
               clEnumValN(EmitKind::Linalg, "linalg",
                          "after lowering to linalg/tensor"),
               clEnumValN(EmitKind::LLVM, "llvm", "LLVM IR"),
               clEnumValN(EmitKind::Obj, "obj", "object file"),
               clEnumValN(EmitKind::SharedLib, "so",
                          "shared library + header (default)")),
    cl::init(EmitKind::SharedLib), cl::cat(compileCategory));
cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Fix the dynamic dims of an input: NAME=DxDx..."),
                cl::value_desc("NAME=2x128"), cl::cat(compileCategory));
cl::opt<std::string> tag("tag",
                         cl::desc("Symbol prefix of the generated library "
                                  "(default: from the output file name)"),
                         cl::cat(compileCategory));
cl::opt<std::string> cpu("cpu",
                         cl::desc("CPU to generate code for (default: host)"),
                         cl::init("host"), cl::cat(compileCategory));
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::ParseCommandLineOptions(
      argc, argv,
      "Switchyard: compile an ONNX model to a standalone shared library\n");

  if (optLevel < '0' || optLevel > '3') {
    llvm::WithColor::error(llvm::errs(), "switchyard-compile")
        << "invalid optimization level -O" << optLevel << " (expected 0-3)\n";
    return 1;
  }
  if (!llvm::sys::fs::exists(inputFile)) {
    llvm::WithColor::error(llvm::errs(), "switchyard-compile")
        << inputFile << ": no such file\n";
    return 1;
  }
  llvm::WithColor::error(llvm::errs(), "switchyard-compile")
      << inputFile
      << ": compiling ONNX models is not implemented yet (see issue 11)\n";
  return 1;
}
