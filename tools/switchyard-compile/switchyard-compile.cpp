//===- switchyard-compile.cpp - ONNX model to shared library --------------===//
//
//   switchyard-compile MODEL.onnx -o OUT.so [--target=cpu|cuda[:sm_XX]]
//       [-O0..3] [--emit=onnx|sy|linalg|llvm|obj|so]
//       [--input-shape NAME=2x128]... [--tag NAME] [--cpu NAME]
//       [--cpu-cores N]
//
// The flags are a contract with users' scripts (docs/user-guide.md): extend,
// never rename or drop. The work itself is switchyard::compileModel
// (lib/Driver/Compile.cpp), which the Python package calls too.
//
//===----------------------------------------------------------------------===//

#include "switchyard/Driver/Compile.h"
#include "switchyard/Import/ONNXImporter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

namespace {
using switchyard::EmitKind;

cl::OptionCategory compileCategory("switchyard-compile options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(compileCategory));
cl::opt<std::string>
    outputFile("o",
               cl::desc("Output file (default: the model's name with .so; "
                        "text stages go to stdout unless -o names a file)"),
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
cl::opt<unsigned> cpuCores(
    "cpu-cores",
    cl::desc("Cores the library will run on, for sizing its parallel work "
             "(default 0: this machine's)"),
    cl::init(0), cl::cat(compileCategory));
cl::opt<bool> winograd(
    "winograd",
    cl::desc("Compute 3x3 convolutions with constant weights by Winograd "
             "F(2x2, 3x3) or F(4x4, 3x3) where it pays (default true; "
             "--winograd=false: the direct kernel always)"),
    cl::init(true), cl::cat(compileCategory));
cl::opt<unsigned> winogradTile(
    "winograd-tile",
    cl::desc("Largest Winograd output tile: 4 (default) allows F(4x4, 3x3), "
             "4x fewer multiplications and about 10x the direct kernel's "
             "rounding error; 2 keeps F(2x2, 3x3), about the direct "
             "kernel's"),
    cl::init(4), cl::cat(compileCategory));
} // namespace

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "switchyard-compile") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  // First: the option parsers of --mlir-print-ir-after=PASS and friends
  // list the passes registered when they are created.
  switchyard::registerCompilerPasses();
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  // --help lists ours and MLIR's (--mlir-print-ir-after-all, --mlir-timing,
  // ...); the hundreds of LLVM backend options libLLVM registers (x86,
  // aarch64, spirv, ...) still work but only --help-hidden lists them.
  for (auto &entry : cl::getRegisteredOptions()) {
    cl::Option *option = entry.second;
    bool shown =
        option->ArgStr.starts_with("mlir-") ||
        llvm::any_of(option->Categories, [](cl::OptionCategory *c) {
          return c == &compileCategory || c->getName() == "Generic Options";
        });
    if (!shown && option->getOptionHiddenFlag() == cl::NotHidden)
      option->setHiddenFlag(cl::Hidden);
  }
  cl::ParseCommandLineOptions(
      argc, argv,
      "Switchyard: compile an ONNX model to a standalone shared library\n\n"
      "  LLVM's code generation options work too; --help-hidden lists them.\n");

  if (optLevel < '0' || optLevel > '3') {
    llvm::WithColor::error(llvm::errs(), "switchyard-compile")
        << "invalid optimization level -O" << optLevel << " (expected 0-3)\n";
    return 1;
  }
  switchyard::CompileOptions options;
  options.modelPath = inputFile;
  options.outputPath = outputFile;
  options.target = target;
  options.optLevel = optLevel - '0';
  options.emit = emit;
  options.tag = tag;
  options.cpu = cpu;
  options.cpuCores = cpuCores;
  options.winograd = winograd;
  if (winogradTile != 2 && winogradTile != 4)
    return fail("--winograd-tile expects 2 or 4, not " +
                llvm::Twine(winogradTile.getValue()));
  options.winogradTile = winogradTile;
  options.useMLIRCommandLineOptions = true;
  for (const std::string &text : inputShapes) {
    std::string name;
    llvm::SmallVector<int64_t> shape;
    if (!switchyard::parseInputShape(text, name, shape))
      return fail("--input-shape expects NAME=DxDx... (e.g. x=1x3x224x224), "
                  "got '" + text + "'");
    options.inputShapes.emplace_back(
        name, std::vector<int64_t>(shape.begin(), shape.end()));
  }
  // The runtime archive sits in lib/ next to the tools' bin/ (build tree,
  // install tree and the Python package alike); SWITCHYARD_RUNTIME_LIB
  // overrides.
  if (auto env = llvm::sys::Process::GetEnv("SWITCHYARD_RUNTIME_LIB")) {
    options.runtimeArchive = *env;
  } else {
    llvm::SmallString<256> exe(
        llvm::sys::fs::getMainExecutable(argv[0], (void *)&fail));
    llvm::sys::path::remove_filename(exe); // bin/
    llvm::sys::path::remove_filename(exe); // prefix
    llvm::sys::path::append(exe, "lib", "libswitchyard_runtime.a");
    options.runtimeArchive = exe.str().str();
  }
  return switchyard::compileModel(options, llvm::errs());
}
