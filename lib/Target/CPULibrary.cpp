//===- CPULibrary.cpp - a standalone .so for the host CPU -----------------===//
//
//   1. readModelSignature: what the ABI will promise (names, dtypes, shapes);
//   2. buildLLVMModule: translate, make @main internal, add the entry
//      wrapper, the `sy_model` descriptor and the tagged API;
//   3. emitObjectFile: LLVM's optimization pipeline and codegen for the
//      target CPU, in-process;
//   4. linkSharedLibrary: lld as a library, with the runtime archive;
//   5. generateHeader: model.h, standalone (it embeds the ABI types).
//
//===----------------------------------------------------------------------===//

#include "switchyard/Target/CPULibrary.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "lld/Common/Driver.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

LLD_HAS_DRIVER(elf)

using namespace mlir;

namespace switchyard {

//===----------------------------------------------------------------------===//
// 1. Signature
//===----------------------------------------------------------------------===//

/// ONNX TensorProto.DataType of an element type; 0 when the ABI lacks it.
static int32_t dtypeOf(Type t) {
  if (t.isF32())
    return 1;
  if (t.isF16())
    return 10;
  if (t.isBF16())
    return 16;
  if (t.isF64())
    return 11;
  if (t.isInteger(1))
    return 9;
  if (auto i = dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 8: return u ? 2 : 3;
    case 16: return u ? 4 : 5;
    case 32: return u ? 12 : 6;
    case 64: return u ? 13 : 7;
    default: return 0;
    }
  }
  return 0;
}

FailureOr<ModelSignature> readModelSignature(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main)
    return module.emitError("no @main function"), failure();
  ModelSignature sig;
  auto read = [&](Type type, DictionaryAttr attrs, unsigned i, bool isInput,
                  std::vector<TensorSignature> &out) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(type);
    int32_t dtype = tensor ? dtypeOf(tensor.getElementType()) : 0;
    std::string name;
    if (attrs)
      if (auto n = attrs.getAs<StringAttr>("onnx.name"))
        name = n.str();
    if (name.empty())
      name = (isInput ? "input" : "output") + std::to_string(i);
    if (!dtype)
      return main.emitError() << (isInput ? "input '" : "output '") << name
                              << "' has type " << type
                              << ", which the C ABI cannot carry";
    out.push_back({name, dtype, SmallVector<int64_t>(tensor.getShape())});
    return success();
  };
  for (unsigned i = 0; i < main.getNumArguments(); ++i)
    if (failed(read(main.getArgumentTypes()[i], main.getArgAttrDict(i), i,
                    true, sig.inputs)))
      return failure();
  for (unsigned i = 0; i < main.getNumResults(); ++i)
    if (failed(read(main.getResultTypes()[i], main.getResultAttrDict(i), i,
                    false, sig.outputs)))
      return failure();
  return sig;
}

//===----------------------------------------------------------------------===//
// 2. LLVM module with the model interface
//===----------------------------------------------------------------------===//

namespace {
/// Builds the interface globals and functions into one llvm::Module.
class InterfaceBuilder {
public:
  InterfaceBuilder(llvm::Module &m) : m(m), ctx(m.getContext()), b(ctx) {}

  llvm::Constant *string(llvm::StringRef s, const llvm::Twine &name) {
    auto *init = llvm::ConstantDataArray::getString(ctx, s);
    return new llvm::GlobalVariable(m, init->getType(), true,
                                    llvm::GlobalValue::PrivateLinkage, init,
                                    name);
  }

  /// A constant array of sy_tensor_spec {ptr name, i32 dtype, i32 rank,
  /// ptr shape}.
  llvm::Constant *specs(const std::vector<TensorSignature> &tensors,
                        llvm::StringRef kind) {
    auto *specTy = llvm::StructType::get(ctx, {ptr(), i32(), i32(), ptr()});
    std::vector<llvm::Constant *> elems;
    for (auto [i, t] : llvm::enumerate(tensors)) {
      std::vector<uint64_t> dims;
      for (int64_t d : t.shape)
        dims.push_back(static_cast<uint64_t>(d));
      llvm::Constant *shape = llvm::ConstantPointerNull::get(ptr());
      if (!dims.empty()) {
        auto *init = llvm::ConstantDataArray::get(ctx, dims);
        shape = new llvm::GlobalVariable(
            m, init->getType(), true, llvm::GlobalValue::PrivateLinkage, init,
            "sy." + kind + ".shape." + llvm::Twine(i));
      }
      elems.push_back(llvm::ConstantStruct::get(
          specTy, {string(t.name, "sy." + kind + ".name." + llvm::Twine(i)),
                   llvm::ConstantInt::get(i32(), t.dtype),
                   llvm::ConstantInt::get(i32(), t.shape.size()), shape}));
    }
    auto *arrTy = llvm::ArrayType::get(specTy, elems.size());
    return new llvm::GlobalVariable(m, arrTy, true,
                                    llvm::GlobalValue::PrivateLinkage,
                                    llvm::ConstantArray::get(arrTy, elems),
                                    "sy." + kind);
  }

  /// int32_t sy_model_entry(void *const *inputs, void *const *outputs,
  ///                        const int64_t *shapes): loads each data pointer
  /// and calls @main(inputs..., outputs...).
  llvm::Function *entry(llvm::Function *main, unsigned numInputs,
                        unsigned numOutputs) {
    auto *fnTy = llvm::FunctionType::get(i32(), {ptr(), ptr(), ptr()}, false);
    auto *fn = llvm::Function::Create(fnTy, llvm::GlobalValue::InternalLinkage,
                                      "sy_model_entry", m);
    b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", fn));
    std::vector<llvm::Value *> args;
    auto loadAll = [&](llvm::Value *array, unsigned n) {
      for (unsigned i = 0; i < n; ++i)
        args.push_back(b.CreateLoad(
            ptr(), b.CreateConstInBoundsGEP1_64(ptr(), array, i)));
    };
    loadAll(fn->getArg(0), numInputs);
    loadAll(fn->getArg(1), numOutputs);
    b.CreateCall(main, args);
    b.CreateRet(llvm::ConstantInt::get(i32(), 0));
    return fn;
  }

  /// The `sy_model` descriptor (hidden: only the runtime reads it).
  void descriptor(llvm::StringRef tag, const ModelSignature &sig,
                  llvm::Function *entryFn) {
    auto *ty =
        llvm::StructType::get(ctx, {ptr(), i64(), ptr(), i64(), ptr(), ptr()});
    auto *init = llvm::ConstantStruct::get(
        ty, {string(tag, "sy.tag"), llvm::ConstantInt::get(i64(), sig.inputs.size()),
             specs(sig.inputs, "inputs"),
             llvm::ConstantInt::get(i64(), sig.outputs.size()),
             specs(sig.outputs, "outputs"), entryFn});
    auto *gv = new llvm::GlobalVariable(m, ty, true,
                                        llvm::GlobalValue::ExternalLinkage,
                                        init, "sy_model");
    gv->setVisibility(llvm::GlobalValue::HiddenVisibility);
  }

  /// TAG_<suffix>(...) { return sy_rt_<suffix>(...); }
  void taggedWrapper(llvm::StringRef tag, llvm::StringRef suffix,
                     llvm::FunctionType *fnTy) {
    llvm::FunctionCallee rt =
        m.getOrInsertFunction(("sy_rt_" + suffix).str(), fnTy);
    auto *fn = llvm::Function::Create(fnTy, llvm::GlobalValue::ExternalLinkage,
                                      tag + "_" + suffix, m);
    b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", fn));
    std::vector<llvm::Value *> args;
    for (llvm::Argument &a : fn->args())
      args.push_back(&a);
    llvm::CallInst *call = b.CreateCall(rt, args);
    call->setTailCall();
    if (fnTy->getReturnType()->isVoidTy())
      b.CreateRetVoid();
    else
      b.CreateRet(call);
  }

  llvm::PointerType *ptr() { return llvm::PointerType::getUnqual(ctx); }
  llvm::IntegerType *i32() { return llvm::Type::getInt32Ty(ctx); }
  llvm::IntegerType *i64() { return llvm::Type::getInt64Ty(ctx); }
  llvm::Type *voidTy() { return llvm::Type::getVoidTy(ctx); }

private:
  llvm::Module &m;
  llvm::LLVMContext &ctx;
  llvm::IRBuilder<> b;
};
} // namespace

std::unique_ptr<llvm::Module>
buildLLVMModule(ModuleOp module, llvm::LLVMContext &context,
                const ModelSignature &sig, const LibraryOptions &options) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  module.getContext()->appendDialectRegistry(registry);
  std::unique_ptr<llvm::Module> m =
      translateModuleToLLVMIR(module, context, options.tag);
  if (!m) {
    module.emitError("translation to LLVM IR failed");
    return nullptr;
  }
  llvm::Function *main = m->getFunction("main");
  unsigned expected = sig.inputs.size() + sig.outputs.size();
  if (!main || main->arg_size() != expected) {
    module.emitError("internal error: @main does not take one pointer per "
                     "input and output");
    return nullptr;
  }
  // Everything generated is internal; the tagged API and the descriptor are
  // the library's only symbols.
  for (llvm::Function &fn : *m)
    if (!fn.isDeclaration())
      fn.setLinkage(llvm::GlobalValue::InternalLinkage);
  for (llvm::GlobalVariable &gv : m->globals())
    if (!gv.isDeclaration())
      gv.setLinkage(llvm::GlobalValue::InternalLinkage);

  InterfaceBuilder ib(*m);
  llvm::Function *entryFn =
      ib.entry(main, sig.inputs.size(), sig.outputs.size());
  ib.descriptor(options.tag, sig, entryFn);
  auto fn = [&](llvm::Type *ret, llvm::ArrayRef<llvm::Type *> params) {
    return llvm::FunctionType::get(ret, params, false);
  };
  ib.taggedWrapper(options.tag, "create", fn(ib.i32(), {ib.ptr(), ib.i32()}));
  ib.taggedWrapper(options.tag, "destroy", fn(ib.voidTy(), {ib.ptr()}));
  ib.taggedWrapper(options.tag, "run",
                   fn(ib.i32(), {ib.ptr(), ib.ptr(), ib.i64(), ib.ptr(),
                                 ib.i64()}));
  ib.taggedWrapper(options.tag, "signature", fn(ib.ptr(), {}));
  ib.taggedWrapper(options.tag, "last_error", fn(ib.ptr(), {ib.ptr()}));
  return m;
}

//===----------------------------------------------------------------------===//
// 3. Object emission
//===----------------------------------------------------------------------===//

/// This machine's target (initialized once) for `triple`, or null with
/// `error` set.
static const llvm::Target *nativeTarget(const llvm::Triple &triple,
                                        std::string &error) {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  return llvm::TargetRegistry::lookupTarget(triple, error);
}

bool isKnownCPU(llvm::StringRef cpu) {
  if (cpu == "host")
    return true;
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target = nativeTarget(triple, error);
  if (!target)
    return false;
  // Asked with an empty CPU: an unknown one would print LLVM's warning.
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(triple, "", ""));
  return sti && sti->isCPUStringValid(cpu);
}

LogicalResult emitObjectFile(llvm::Module &module,
                             const LibraryOptions &options,
                             SmallVectorImpl<char> &object,
                             std::string &error) {
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target = nativeTarget(triple, error);
  if (!target)
    return failure();
  std::string cpu = options.cpu;
  llvm::SubtargetFeatures features;
  if (cpu == "host") {
    cpu = llvm::sys::getHostCPUName().str();
    for (const auto &f : llvm::sys::getHostCPUFeatures())
      features.AddFeature(f.getKey(), f.getValue());
  }
  llvm::CodeGenOptLevel level = options.optLevel == 0 ? llvm::CodeGenOptLevel::None
                                : options.optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                : options.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                                        : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features.getString(), llvm::TargetOptions(),
      llvm::Reloc::PIC_, std::nullopt, level));
  if (!tm) {
    error = "cannot create a target machine for CPU '" + cpu + "'";
    return failure();
  }
  module.setDataLayout(tm->createDataLayout());
  module.setTargetTriple(triple);

  if (options.optLevel > 0) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(tm.get());
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::OptimizationLevel ol = options.optLevel == 1   ? llvm::OptimizationLevel::O1
                                 : options.optLevel == 2 ? llvm::OptimizationLevel::O2
                                                         : llvm::OptimizationLevel::O3;
    pb.buildPerModuleDefaultPipeline(ol).run(module, mam);
  }

  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr,
                              llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return failure();
  }
  pm.run(module);
  return success();
}

//===----------------------------------------------------------------------===//
// 4. Linking
//===----------------------------------------------------------------------===//

LogicalResult linkSharedLibrary(StringRef objectPath, StringRef outputPath,
                                const LibraryOptions &options,
                                std::string &error) {
  std::vector<std::string> args = {
      "ld.lld", "-shared", "-o", outputPath.str(), objectPath.str(),
      options.runtimeArchive,
      // Calls inside the library bind to its own definitions, so several
      // generated libraries coexist in one process.
      "-Bsymbolic", "-z", "noexecstack", "-z", "relro",
      "-z", "now", "--hash-style=gnu", "--build-id",
      "-L/usr/lib/x86_64-linux-gnu", "-L/lib/x86_64-linux-gnu",
      "--as-needed", "-lm", "-lc"};
#ifndef SWITCHYARD_SANITIZED
  // Every symbol resolved here. (A sanitizer build's runtime archive calls
  // the sanitizer runtime, which the host program provides.)
  args.push_back("--no-undefined");
#endif
  // Soft-float helpers (half/bfloat conversions) the backend may call.
  const char *libgcc = "/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a";
  if (llvm::sys::fs::exists(libgcc))
    args.push_back(libgcc);
  std::vector<const char *> argv;
  for (const std::string &a : args)
    argv.push_back(a.c_str());
  std::string out, err;
  llvm::raw_string_ostream outs(out), errs(err);
  lld::Result r =
      lld::lldMain(argv, outs, errs, {{lld::Gnu, &lld::elf::link}});
  if (r.retCode != 0) {
    error = "linking failed: " + err + out;
    return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// 5. Header
//===----------------------------------------------------------------------===//

static const char *const kAbiHeader =
#include "lib/Target/AbiHeader.inc"
    ;

static const char *dtypeName(int32_t dtype) {
  switch (dtype) {
  case 1: return "float32";
  case 2: return "uint8";
  case 3: return "int8";
  case 4: return "uint16";
  case 5: return "int16";
  case 6: return "int32";
  case 7: return "int64";
  case 9: return "bool";
  case 10: return "float16";
  case 11: return "float64";
  case 12: return "uint32";
  case 13: return "uint64";
  case 16: return "bfloat16";
  default: return "?";
  }
}

std::string generateHeader(const ModelSignature &sig, StringRef tag) {
  std::string s;
  llvm::raw_string_ostream os(s);
  std::string guard = "SWITCHYARD_MODEL_" + StringRef(tag).upper() + "_H";
  os << "/* Generated by switchyard-compile: the C interface of model '"
     << tag << "'.\n *\n";
  auto describe = [&](const char *kind, const std::vector<TensorSignature> &ts) {
    os << " * " << kind << ":\n";
    for (auto [i, t] : llvm::enumerate(ts)) {
      os << " *   [" << i << "] '" << t.name << "' " << dtypeName(t.dtype)
         << " [";
      llvm::interleaveComma(t.shape, os);
      os << "]\n";
    }
  };
  describe("inputs", sig.inputs);
  describe("outputs", sig.outputs);
  os << " *\n * Ownership, threading and error rules: docs/c-abi.md. */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << kAbiHeader << "\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "#define " << tag << "_NUM_INPUTS " << sig.inputs.size() << "\n"
     << "#define " << tag << "_NUM_OUTPUTS " << sig.outputs.size() << "\n\n"
     << "int " << tag << "_create(sy_context **ctx, int32_t num_threads);\n"
     << "void " << tag << "_destroy(sy_context *ctx);\n"
     << "int " << tag
     << "_run(sy_context *ctx, const sy_tensor *inputs, int64_t num_inputs,\n"
     << "    sy_tensor *outputs, int64_t num_outputs);\n"
     << "const char *" << tag << "_signature(void);\n"
     << "const char *" << tag << "_last_error(const sy_context *ctx);\n\n"
     << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return s;
}

} // namespace switchyard
