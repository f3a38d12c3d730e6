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

#include "switchyard/Import/ONNXImporter.h"
#include "switchyard/InitAll.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/ToolOutputFile.h"
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
} // namespace

/// The file a location points into, or "" (node locations are
/// NameLoc("node name", FileLineColLoc("model.onnx"))).
static std::string fileOf(mlir::Location loc) {
  std::string file;
  loc->walk([&](mlir::Location l) {
    if (auto f = llvm::dyn_cast<mlir::FileLineColLoc>(l)) {
      file = f.getFilename().str();
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  return file;
}

/// Prints diagnostics as `model.onnx: node 'X' (Op, opset N): message`:
/// one line per error, naming the file and (in the message) the node.
static mlir::LogicalResult printDiagnostic(mlir::Diagnostic &diag) {
  std::string file = fileOf(diag.getLocation());
  llvm::raw_ostream &os = llvm::errs();
  os << (file.empty() ? std::string("switchyard-compile") : file) << ": ";
  switch (diag.getSeverity()) {
  case mlir::DiagnosticSeverity::Error:
    break;
  case mlir::DiagnosticSeverity::Warning:
    os << "warning: ";
    break;
  case mlir::DiagnosticSeverity::Note:
    os << "note: ";
    break;
  case mlir::DiagnosticSeverity::Remark:
    os << "remark: ";
    break;
  }
  os << diag.str() << "\n";
  for (mlir::Diagnostic &note : diag.getNotes())
    os << "  note: " << note.str() << "\n";
  return mlir::success();
}

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "switchyard-compile") << message << "\n";
  return 1;
}

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
  if (!llvm::sys::fs::exists(inputFile))
    return fail(inputFile + ": no such file");

  switchyard::ImportOptions importOptions;
  for (const std::string &text : inputShapes) {
    std::string name;
    llvm::SmallVector<int64_t> shape;
    if (!switchyard::parseInputShape(text, name, shape))
      return fail("--input-shape expects NAME=DxDx... (e.g. x=1x3x224x224), "
                  "got '" + text + "'");
    importOptions.inputShapes[name] = shape;
  }

  mlir::DialectRegistry registry;
  switchyard::registerAllSwitchyardDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::ScopedDiagnosticHandler handler(&context, printDiagnostic);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      switchyard::importONNXModel(inputFile, &context, importOptions);
  if (!module)
    return 1;
  if (failed(module->verify()))
    return 1;

  if (emit != EmitKind::ONNX)
    return fail(inputFile +
                ": only --emit=onnx is implemented yet; lowering to sy, "
                "linalg, LLVM and a shared library comes with issue 11");

  std::string outPath = outputFile.empty() ? "-" : outputFile.getValue();
  std::error_code ec;
  llvm::ToolOutputFile out(outPath, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return fail("cannot write " + outPath + ": " + ec.message());
  module->print(out.os());
  out.os() << "\n";
  out.keep();
  return 0;
}
