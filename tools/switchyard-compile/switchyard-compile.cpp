//===- switchyard-compile.cpp - ONNX model to shared library --------------===//
//
//   switchyard-compile MODEL.onnx -o OUT.so [--target=cpu|cuda[:sm_XX]]
//       [-O0..3] [--emit=onnx|sy|linalg|llvm|obj|so]
//       [--input-shape NAME=2x128]... [--tag NAME] [--cpu NAME]
//       [--cpu-cores N]
//
// The flags are a contract with users' scripts (docs/user-guide.md): extend,
// never rename or drop.
//
//===----------------------------------------------------------------------===//

#include "switchyard/Import/ONNXImporter.h"
#include "switchyard/InitAll.h"
#include "switchyard/Pipelines.h"
#include "switchyard/Target/CPULibrary.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/InitAllPasses.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
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
cl::opt<unsigned> cpuCores(
    "cpu-cores",
    cl::desc("Cores the library will run on, for sizing its parallel work "
             "(default 0: this machine's)"),
    cl::init(0), cl::cat(compileCategory));
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
  // lld's driver resets every cl::opt when it runs (to be re-entrant), so
  // keep our own copies of what is needed after linking.
  const std::string modelPath = inputFile;
  if (!llvm::sys::fs::exists(modelPath))
    return fail(modelPath + ": no such file");

  switchyard::ImportOptions importOptions;
  for (const std::string &text : inputShapes) {
    std::string name;
    llvm::SmallVector<int64_t> shape;
    if (!switchyard::parseInputShape(text, name, shape))
      return fail("--input-shape expects NAME=DxDx... (e.g. x=1x3x224x224), "
                  "got '" + text + "'");
    importOptions.inputShapes[name] = shape;
  }

  // The pipelines are partly textual: every pass must be registered.
  mlir::registerAllPasses();
  switchyard::registerSwitchyardPasses();
  mlir::DialectRegistry registry;
  switchyard::registerAllSwitchyardDialects(registry);
  mlir::MLIRContext context(registry);
  // Diagnostics name the ONNX node; dumping the failing op helps nobody.
  context.printOpOnDiagnostic(false);
  mlir::ScopedDiagnosticHandler handler(&context, printDiagnostic);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      switchyard::importONNXModel(modelPath, &context, importOptions);
  if (!module)
    return 1;
  if (failed(module->verify()))
    return 1;

  // Text stages go to stdout unless -o names a file; binaries next to the
  // model by default (model.onnx -> model.so).
  bool textStage = emit == EmitKind::ONNX || emit == EmitKind::Sy ||
                   emit == EmitKind::Linalg || emit == EmitKind::LLVM;
  std::string outPath = outputFile;
  if (outPath.empty()) {
    if (textStage) {
      outPath = "-";
    } else {
      llvm::SmallString<256> p(modelPath);
      llvm::sys::path::replace_extension(p, emit == EmitKind::Obj ? "o" : "so");
      outPath = p.str().str();
    }
  }
  auto writeText = [&](llvm::function_ref<void(llvm::raw_ostream &)> print) {
    std::error_code ec;
    llvm::ToolOutputFile out(outPath, ec, llvm::sys::fs::OF_Text);
    if (ec)
      return fail("cannot write " + outPath + ": " + ec.message());
    print(out.os());
    out.keep();
    return 0;
  };
  auto printModule = [&](llvm::raw_ostream &os) {
    module->print(os);
    os << "\n";
  };
  if (emit == EmitKind::ONNX)
    return writeText(printModule);

  if (target != "cpu")
    return fail("--target=" + target +
                ": only the cpu target is implemented yet (cuda: issue 16)");

  auto signature = switchyard::readModelSignature(*module);
  if (failed(signature))
    return 1;

  switchyard::PipelineOptions pipelineOptions;
  pipelineOptions.optLevel = optLevel - '0';
  pipelineOptions.cpuCores = cpuCores;
  auto runPipeline =
      [&](void (*build)(mlir::OpPassManager &,
                        const switchyard::PipelineOptions &)) {
        mlir::PassManager pm(&context);
        if (failed(mlir::applyPassManagerCLOptions(pm)))
          return mlir::failure();
        mlir::applyDefaultTimingPassManagerCLOptions(pm);
        build(pm, pipelineOptions);
        return pm.run(*module);
      };

  if (failed(runPipeline(switchyard::buildRaiseToSyPipeline)))
    return 1;
  if (emit == EmitKind::Sy)
    return writeText(printModule);

  if (failed(runPipeline(switchyard::buildLowerToLinalgPipeline)))
    return 1;
  if (emit == EmitKind::Linalg)
    return writeText(printModule);
  // The ABI carries the names now; LLVM translation has no use for them.
  module->walk([](mlir::func::FuncOp fn) {
    fn.setAllArgAttrs(llvm::ArrayRef<mlir::DictionaryAttr>{});
    fn.setAllResultAttrs(llvm::ArrayRef<mlir::DictionaryAttr>{});
  });
  if (failed(runPipeline(switchyard::buildCPUCodegenPipeline)))
    return 1;

  switchyard::LibraryOptions libOptions;
  libOptions.cpu = cpu;
  libOptions.optLevel = pipelineOptions.optLevel;
  std::string tagName = tag;
  if (tagName.empty())
    tagName = llvm::sys::path::stem(outPath == "-" ? modelPath
                                                   : outPath)
                  .str();
  // The tag prefixes C symbols: make it an identifier.
  for (char &c : tagName)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  if (tagName.empty() || llvm::isDigit(tagName[0]))
    tagName = "m_" + tagName;
  if (!tag.empty() && tagName != tag)
    return fail("--tag " + tag + ": not a C identifier");
  libOptions.tag = tagName;

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = switchyard::buildLLVMModule(
      *module, llvmContext, *signature, libOptions);
  if (!llvmModule)
    return 1;
  if (emit == EmitKind::LLVM)
    return writeText([&](llvm::raw_ostream &os) { llvmModule->print(os, nullptr); });

  llvm::SmallVector<char, 0> object;
  std::string error;
  if (failed(switchyard::emitObjectFile(*llvmModule, libOptions, object,
                                        error)))
    return fail(modelPath + ": " + error);
  if (emit == EmitKind::Obj) {
    std::error_code ec;
    llvm::ToolOutputFile out(outPath, ec, llvm::sys::fs::OF_None);
    if (ec)
      return fail("cannot write " + outPath + ": " + ec.message());
    out.os().write(object.data(), object.size());
    out.keep();
    return 0;
  }

  // The runtime archive sits in lib/ next to the tools' bin/ (build tree and
  // install tree alike); SWITCHYARD_RUNTIME_LIB overrides.
  if (auto env = llvm::sys::Process::GetEnv("SWITCHYARD_RUNTIME_LIB")) {
    libOptions.runtimeArchive = *env;
  } else {
    llvm::SmallString<256> exe(
        llvm::sys::fs::getMainExecutable(argv[0], (void *)&fail));
    llvm::sys::path::remove_filename(exe); // bin/
    llvm::sys::path::remove_filename(exe); // prefix
    llvm::sys::path::append(exe, "lib", "libswitchyard_runtime.a");
    libOptions.runtimeArchive = exe.str().str();
  }
  if (!llvm::sys::fs::exists(libOptions.runtimeArchive))
    return fail("runtime archive not found at " + libOptions.runtimeArchive +
                " (set SWITCHYARD_RUNTIME_LIB)");

  llvm::SmallString<128> objectPath;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "switchyard", "o", objectPath))
    return fail("cannot create a temporary file: " + ec.message());
  llvm::FileRemover removeObject(objectPath);
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(objectPath, ec, llvm::sys::fs::OF_None);
    if (ec)
      return fail("cannot write " + objectPath + ": " + ec.message());
    os.write(object.data(), object.size());
  }
  if (failed(switchyard::linkSharedLibrary(objectPath, outPath, libOptions,
                                           error)))
    return fail(modelPath + ": " + error);

  llvm::SmallString<256> headerPath(outPath);
  llvm::sys::path::replace_extension(headerPath, "h");
  std::error_code ec;
  llvm::ToolOutputFile header(headerPath, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return fail("cannot write " + headerPath + ": " + ec.message());
  header.os() << switchyard::generateHeader(*signature, libOptions.tag);
  header.keep();
  return 0;
}
