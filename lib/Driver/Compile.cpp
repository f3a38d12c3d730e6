//===- Compile.cpp - one ONNX model through the whole pipeline ------------===//
//
// import -> raise to sy -> lower to linalg -> CPU codegen -> LLVM IR ->
// object -> lld -> model.so + model.h, stopping after the --emit stage.
//
//===----------------------------------------------------------------------===//

#include "switchyard/Driver/Compile.h"

#include "switchyard/Import/ONNXImporter.h"
#include "switchyard/InitAll.h"
#include "switchyard/Pipelines.h"
#include "switchyard/Target/CPULibrary.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <mutex>

using namespace switchyard;

bool switchyard::parseEmitKind(const std::string &text, EmitKind &kind) {
  static const std::pair<const char *, EmitKind> kinds[] = {
      {"onnx", EmitKind::ONNX}, {"sy", EmitKind::Sy},
      {"linalg", EmitKind::Linalg}, {"llvm", EmitKind::LLVM},
      {"obj", EmitKind::Obj}, {"so", EmitKind::SharedLib}};
  for (const auto &[name, value] : kinds)
    if (text == name) {
      kind = value;
      return true;
    }
  return false;
}

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

/// Prints a diagnostic as `model.onnx: node 'X' (Op, opset N): message`:
/// one line per error, naming the file and (in the message) the node.
static void printDiagnostic(mlir::Diagnostic &diag, llvm::raw_ostream &os,
                            const std::string &toolName) {
  std::string file = fileOf(diag.getLocation());
  os << (file.empty() ? toolName : file) << ": ";
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
}

/// The tag prefixes C symbols: make it an identifier. Returns "" when an
/// explicitly given tag is not one.
static std::string tagFor(const CompileOptions &options,
                          const std::string &outPath) {
  std::string tag = options.tag;
  if (tag.empty())
    tag = llvm::sys::path::stem(outPath == "-" ? options.modelPath : outPath)
              .str();
  for (char &c : tag)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  if (tag.empty() || llvm::isDigit(tag[0]))
    tag = "m_" + tag;
  if (!options.tag.empty() && tag != options.tag)
    return "";
  return tag;
}

namespace {
/// One compileModel call: its options, stream and MLIR context.
class Compilation {
public:
  Compilation(const CompileOptions &options, llvm::raw_ostream &errs)
      : options(options), errs(errs) {}
  int run();

private:
  int fail(const llvm::Twine &message) {
    llvm::WithColor::error(errs, options.toolName) << message << "\n";
    return 1;
  }
  int writeText(const std::string &path,
                llvm::function_ref<void(llvm::raw_ostream &)> print);
  mlir::LogicalResult
  runPipeline(mlir::ModuleOp module,
              void (*build)(mlir::OpPassManager &,
                            const PipelineOptions &));
  int linkLibrary(llvm::ArrayRef<char> object, const std::string &outPath,
                  const LibraryOptions &libOptions,
                  const ModelSignature &signature);

  const CompileOptions &options;
  llvm::raw_ostream &errs;
  PipelineOptions pipelineOptions;
  std::unique_ptr<mlir::MLIRContext> context;
};
} // namespace

int Compilation::writeText(
    const std::string &path,
    llvm::function_ref<void(llvm::raw_ostream &)> print) {
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return fail("cannot write " + path + ": " + ec.message());
  print(out.os());
  out.keep();
  return 0;
}

mlir::LogicalResult Compilation::runPipeline(
    mlir::ModuleOp module,
    void (*build)(mlir::OpPassManager &, const PipelineOptions &)) {
  mlir::PassManager pm(context.get());
  if (options.useMLIRCommandLineOptions) {
    if (failed(mlir::applyPassManagerCLOptions(pm)))
      return mlir::failure();
    mlir::applyDefaultTimingPassManagerCLOptions(pm);
  }
  build(pm, pipelineOptions);
  return pm.run(module);
}

int Compilation::linkLibrary(llvm::ArrayRef<char> object,
                             const std::string &outPath,
                             const LibraryOptions &libOptions,
                             const ModelSignature &signature) {
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
  std::string error;
  if (failed(linkSharedLibrary(objectPath, outPath, libOptions, error)))
    return fail(options.modelPath + ": " + error);

  llvm::SmallString<256> headerPath(outPath);
  llvm::sys::path::replace_extension(headerPath, "h");
  return writeText(headerPath.str().str(), [&](llvm::raw_ostream &os) {
    os << generateHeader(signature, libOptions.tag);
  });
}

int Compilation::run() {
  if (options.optLevel > 3)
    return fail("invalid optimization level -O" +
                llvm::Twine(options.optLevel) + " (expected 0-3)");
  const std::string &modelPath = options.modelPath;
  if (!llvm::sys::fs::exists(modelPath))
    return fail(modelPath + ": no such file");
  if (!isKnownCPU(options.cpu))
    return fail("--cpu " + options.cpu +
                ": not a CPU LLVM knows for this target (`llc-22 "
                "-mcpu=help` lists them; default: host)");

  ImportOptions importOptions;
  for (const auto &[name, shape] : options.inputShapes)
    importOptions.inputShapes[name] =
        llvm::SmallVector<int64_t>(shape.begin(), shape.end());

  mlir::DialectRegistry registry;
  registerAllSwitchyardDialects(registry);
  context = std::make_unique<mlir::MLIRContext>(registry);
  // Diagnostics name the ONNX node; dumping the failing op helps nobody.
  context->printOpOnDiagnostic(false);
  mlir::ScopedDiagnosticHandler handler(
      context.get(), [&](mlir::Diagnostic &diag) {
        printDiagnostic(diag, errs, options.toolName);
        return mlir::success();
      });

  mlir::OwningOpRef<mlir::ModuleOp> module =
      importONNXModel(modelPath, context.get(), importOptions);
  if (!module || failed(module->verify()))
    return 1;

  // Text stages go to stdout unless -o names a file; binaries next to the
  // model by default (model.onnx -> model.so).
  EmitKind emit = options.emit;
  bool textStage = emit == EmitKind::ONNX || emit == EmitKind::Sy ||
                   emit == EmitKind::Linalg || emit == EmitKind::LLVM;
  std::string outPath = options.outputPath;
  if (outPath.empty()) {
    if (textStage) {
      outPath = "-";
    } else {
      llvm::SmallString<256> p(modelPath);
      llvm::sys::path::replace_extension(p, emit == EmitKind::Obj ? "o" : "so");
      outPath = p.str().str();
    }
  }
  auto printModule = [&](llvm::raw_ostream &os) {
    module->print(os);
    os << "\n";
  };
  if (emit == EmitKind::ONNX)
    return writeText(outPath, printModule);

  if (options.target != "cpu")
    return fail("--target=" + options.target +
                ": only the cpu target is implemented yet (cuda: issue 16)");

  auto signature = readModelSignature(*module);
  if (failed(signature))
    return 1;

  pipelineOptions.optLevel = options.optLevel;
  pipelineOptions.cpuCores = options.cpuCores;
  pipelineOptions.winograd = options.winograd;
  pipelineOptions.winogradTile = options.winogradTile;
  if (failed(runPipeline(*module, buildRaiseToSyPipeline)))
    return 1;
  if (emit == EmitKind::Sy)
    return writeText(outPath, printModule);

  if (failed(runPipeline(*module, buildLowerToLinalgPipeline)))
    return 1;
  if (emit == EmitKind::Linalg)
    return writeText(outPath, printModule);
  prepareForBufferization(*module);
  if (failed(runPipeline(*module, buildCPUCodegenPipeline)))
    return 1;

  LibraryOptions libOptions;
  libOptions.cpu = options.cpu;
  libOptions.optLevel = options.optLevel;
  libOptions.tag = tagFor(options, outPath);
  if (libOptions.tag.empty())
    return fail("--tag " + options.tag + ": not a C identifier");
  libOptions.runtimeArchive = options.runtimeArchive;

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      buildLLVMModule(*module, llvmContext, *signature, libOptions);
  if (!llvmModule)
    return 1;
  if (emit == EmitKind::LLVM)
    return writeText(outPath, [&](llvm::raw_ostream &os) {
      llvmModule->print(os, nullptr);
    });

  llvm::SmallVector<char, 0> object;
  std::string error;
  if (failed(emitObjectFile(*llvmModule, libOptions, object, error)))
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

  if (!llvm::sys::fs::exists(libOptions.runtimeArchive))
    return fail("runtime archive not found at " + libOptions.runtimeArchive +
                " (set SWITCHYARD_RUNTIME_LIB)");
  return linkLibrary(object, outPath, libOptions, *signature);
}

void switchyard::prepareForBufferization(mlir::ModuleOp module) {
  // The ABI carries the names now; LLVM translation has no use for them.
  // Inputs are the caller's buffers (the Python package passes numpy arrays
  // without a copy): bufferization must never write into them.
  module->walk([](mlir::func::FuncOp fn) {
    fn.setAllArgAttrs(llvm::ArrayRef<mlir::DictionaryAttr>{});
    fn.setAllResultAttrs(llvm::ArrayRef<mlir::DictionaryAttr>{});
    if (fn.isExternal())
      return;
    for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i)
      if (llvm::isa<mlir::TensorType>(fn.getArgument(i).getType()))
        fn.setArgAttr(i, mlir::bufferization::BufferizationDialect::kWritableAttrName,
                      mlir::BoolAttr::get(fn.getContext(), false));
  });
}

void switchyard::registerCompilerPasses() {
  static std::once_flag registered;
  std::call_once(registered, [] {
    mlir::registerAllPasses();
    registerSwitchyardPasses();
  });
}

int switchyard::compileModel(const CompileOptions &options,
                             llvm::raw_ostream &errs) {
  // lld and LLVM's command-line options are process-wide: one compilation
  // at a time.
  static std::mutex compileMutex;
  std::lock_guard<std::mutex> lock(compileMutex);
  // The pipelines are partly textual: every pass must be registered.
  registerCompilerPasses();
  Compilation compilation(options, errs);
  int rc = compilation.run();
  errs.flush();
  return rc;
}
