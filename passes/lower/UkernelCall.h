//===- UkernelCall.h - calling runtime micro-kernels from memref IR -*- C++ -*-===//
//
// What the sy-lower-*-to-ukernel passes share: operand addresses as i64 and
// the private declaration of a micro-kernel taking only i64 arguments (the
// runtime's ukernels take pointers as intptr_t, see
// lib/Runtime/ukernels/ukernels.h).
//
//===----------------------------------------------------------------------===//
#ifndef SWITCHYARD_PASSES_LOWER_UKERNELCALL_H
#define SWITCHYARD_PASSES_LOWER_UKERNELCALL_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include <algorithm>
#include <vector>

namespace switchyard {

/// Hints that the ONNX lowering leaves on the producers of a unit-stride
/// convolution's operands, so that sy-lower-conv-to-ukernel can fold them
/// into the kernel call after bufferization (a generic keeps its
/// discardable attributes through one-shot bufferization):
/// - kPadBeginAttr (dense i64 array, leading zeros per spatial dim) on the
///   generic that zero-pads x; its body loads the unpadded x.
/// - kConvBiasAttr (unit) on the generic that broadcasts the bias [1,M,1,1]
///   into the output before the convolution accumulates onto it.
constexpr llvm::StringLiteral kPadBeginAttr = "sy.pad_begin";
constexpr llvm::StringLiteral kConvBiasAttr = "sy.conv_bias";

/// The address of `memref`'s first element as i64 and its strides as i64.
inline std::pair<mlir::Value, llvm::SmallVector<mlir::Value>>
memrefAddressAndStrides(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value memref) {
  using namespace mlir;
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(
      b, loc, meta.getBaseBuffer());
  int64_t bytes = cast<MemRefType>(memref.getType())
                      .getElementType()
                      .getIntOrFloatBitWidth() /
                  8;
  Value offset = arith::MulIOp::create(
      b, loc, meta.getOffset(), arith::ConstantIndexOp::create(b, loc, bytes));
  Value address = arith::AddIOp::create(b, loc, base, offset);
  auto i64 = b.getI64Type();
  llvm::SmallVector<Value> strides;
  for (Value s : meta.getStrides())
    strides.push_back(arith::IndexCastOp::create(b, loc, i64, s));
  return {arith::IndexCastOp::create(b, loc, i64, address), strides};
}

/// Declares `name(i64 x numArgs) -> ()` privately in `module` once.
inline void declareUkernel(mlir::ModuleOp module, llvm::StringRef name,
                           unsigned numArgs) {
  using namespace mlir;
  if (module.lookupSymbol<func::FuncOp>(name))
    return;
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  auto i64 = b.getI64Type();
  auto decl = func::FuncOp::create(
      b, module.getLoc(), name,
      b.getFunctionType(llvm::SmallVector<Type>(numArgs, i64), {}));
  decl.setPrivate();
}

/// Builds micro-kernel calls on tensors, before bufferization (the sy op
/// lowerings): operands become read-only buffer views, results fresh
/// allocations the kernel writes, turned back into tensors.
struct TensorCallBuilder {
  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::Value i64(int64_t v) {
    return mlir::arith::ConstantIntOp::create(b, loc, v, 64);
  }
  /// The address of a memref's first element as i64.
  mlir::Value address(mlir::Value memref) {
    return memrefAddressAndStrides(b, loc, memref).first;
  }
  /// A read-only buffer view of `tensor`.
  mlir::Value input(mlir::Value tensor) {
    using namespace mlir;
    auto type = cast<RankedTensorType>(tensor.getType());
    auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
    return bufferization::ToBufferOp::create(b, loc, memrefType, tensor,
                                             /*read_only=*/true);
  }
  mlir::Value alloc(mlir::Type tensorType) {
    using namespace mlir;
    auto type = cast<RankedTensorType>(tensorType);
    return memref::AllocOp::create(
        b, loc, MemRefType::get(type.getShape(), type.getElementType()),
        b.getI64IntegerAttr(64));
  }
  /// A read-only buffer holding the constant `values` of `shape`.
  template <typename T>
  mlir::Value constant(llvm::ArrayRef<T> values, llvm::ArrayRef<int64_t> shape,
                       mlir::Type elementType) {
    using namespace mlir;
    auto type = RankedTensorType::get(shape, elementType);
    return input(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, values)));
  }
  /// A stack array of `shape` (row-major) holding the i64 `values` (kernel
  /// arguments that come in tables, such as buffer addresses).
  mlir::Value i64Table(llvm::ArrayRef<mlir::Value> values,
                       llvm::ArrayRef<int64_t> shape) {
    using namespace mlir;
    Value table =
        memref::AllocaOp::create(b, loc, MemRefType::get(shape, b.getI64Type()));
    for (auto [i, v] : llvm::enumerate(values)) {
      SmallVector<int64_t> position = delinearize(i, computeStrides(shape));
      SmallVector<Value> index;
      for (int64_t p : position)
        index.push_back(arith::ConstantIndexOp::create(b, loc, p));
      memref::StoreOp::create(b, loc, v, table, index);
    }
    return table;
  }
  /// The tensor of a buffer the kernel has written.
  mlir::Value result(mlir::Value memref, mlir::Type tensorType) {
    return mlir::bufferization::ToTensorOp::create(
        b, loc, tensorType, memref, /*restrict=*/true, /*writable=*/true);
  }
  void call(mlir::ModuleOp module, llvm::StringRef name,
            llvm::ArrayRef<mlir::Value> args) {
    declareUkernel(module, name, args.size());
    mlir::func::CallOp::create(b, loc, name, mlir::TypeRange{}, args);
  }
};

/// The sy kernels take f32 tensors of static shape (`i32Operand`, if
/// given, an i32 one): an error at `op` naming the first operand or result
/// that is not one.
inline mlir::LogicalResult
checkStaticF32Operands(mlir::Operation *op, mlir::Value i32Operand = {}) {
  using namespace mlir;
  for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults())) {
    auto type = cast<RankedTensorType>(v.getType());
    bool i32 = v == i32Operand && type.getElementType().isInteger(32);
    if (!type.hasStaticShape() || (!type.getElementType().isF32() && !i32))
      return op->emitError() << "the CPU lowering of " << op->getName()
                             << " needs f32 tensors of static shape, got "
                             << type;
  }
  return success();
}

/// True when `type` is an f32 memref of rank `rank` with row-major
/// contiguous inner dimensions from `fromDim` on (only the outer strides
/// before `fromDim` may be arbitrary).
inline bool isF32RowMajorFrom(mlir::Type type, int64_t rank, int64_t fromDim) {
  using namespace mlir;
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || memref.getRank() != rank ||
      !memref.getElementType().isF32() || !memref.hasStaticShape())
    return false;
  llvm::SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(memref.getStridesAndOffset(strides, offset)))
    return false;
  int64_t expected = 1;
  for (int64_t d = rank - 1; d >= fromDim; --d) {
    if (strides[d] != expected)
      return false;
    expected *= memref.getDimSize(d);
  }
  return true;
}

/// The last op before `op` in its block that uses `out`, or null.
inline mlir::Operation *lastUserBefore(mlir::Value out, mlir::Operation *op) {
  for (mlir::Operation *prev = op->getPrevNode(); prev;
       prev = prev->getPrevNode())
    if (llvm::is_contained(prev->getOperands(), out))
      return prev;
  return nullptr;
}

/// `prev` when it is a linalg.fill of zero into all of `out`, else null: a
/// kernel that overwrites `out` instead of accumulating makes it redundant.
inline mlir::linalg::FillOp asZeroFillOf(mlir::Operation *prev,
                                         mlir::Value out) {
  auto fill = llvm::dyn_cast_or_null<mlir::linalg::FillOp>(prev);
  if (!fill || fill.getDpsInits()[0] != out ||
      !mlir::matchPattern(fill.getDpsInputs()[0], mlir::m_AnyZeroFloat()))
    return nullptr;
  return fill;
}

/// The f32 values of the constant memref.global that `memref` reads
/// through a memref.get_global (bufferized constant weights), or null.
inline mlir::DenseElementsAttr constantGlobalValue(mlir::Value memref) {
  using namespace mlir;
  auto get = memref.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return {};
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      get, get.getNameAttr());
  if (!global || !global.getConstant() || !global.getInitialValue())
    return {};
  auto value = dyn_cast<DenseElementsAttr>(*global.getInitialValue());
  if (!value || !value.getElementType().isF32())
    return {};
  return value;
}

/// The f32 values of a constant, splat or not, by flat index (no copy).
struct ConstantFloats {
  const float *raw = nullptr;
  float splat = 0.f;

  explicit ConstantFloats(mlir::DenseElementsAttr d) {
    if (d.isSplat())
      splat = d.getSplatValue<float>();
    else
      raw = reinterpret_cast<const float *>(d.getRawData().data());
  }
  float operator[](int64_t i) const { return raw ? raw[i] : splat; }
};

/// Floats of a K x N matrix laid out as the GEMM body's prepacked 32-column
/// panels (lib/Runtime/ukernels/gemm.h): [ceil(N / 32)][K][32].
inline int64_t gemmPanelsSize(int64_t k, int64_t n) {
  return (n + 31) / 32 * k * 32;
}

/// Writes the K x N matrix whose element (p, j) is `at(p, j)` to `out` in
/// that panel layout, zero past column N.
inline void packGemmPanels(int64_t k, int64_t n,
                           llvm::function_ref<float(int64_t, int64_t)> at,
                           float *out) {
  constexpr int64_t P = 32;
  std::fill(out, out + gemmPanelsSize(k, n), 0.f);
  for (int64_t j = 0; j < n; ++j) {
    float *dst = out + (j / P) * k * P + j % P;
    for (int64_t p = 0; p < k; ++p)
      dst[p * P] = at(p, j);
  }
}

/// Erases the private memref.globals named in `names` that nothing in
/// `module` uses any more (weights a lowering replaced by rearranged
/// copies).
inline void eraseUnusedGlobals(mlir::ModuleOp module,
                               llvm::ArrayRef<mlir::StringAttr> names) {
  for (mlir::StringAttr name : names) {
    auto global = module.lookupSymbol<mlir::memref::GlobalOp>(name);
    if (global && global.isPrivate() &&
        mlir::SymbolTable::symbolKnownUseEmpty(global, module))
      global.erase();
  }
}

/// A memref.get_global (at `b`'s insertion point) of weights a lowering
/// rearranged at compile time for its kernel: the private constant global
/// named after `source`'s global plus `suffix`, of `shape`. An earlier call
/// for the same source and shape made it already (weights read by several
/// ops share one copy); otherwise it is created, 64-byte aligned, holding
/// `rearrange()` (its name made unique in the module if taken by a global
/// of another shape).
inline mlir::Value
rearrangedWeights(mlir::OpBuilder &b, mlir::Location loc, mlir::Value source,
                  llvm::StringRef suffix, llvm::ArrayRef<int64_t> shape,
                  llvm::function_ref<std::vector<float>()> rearrange) {
  using namespace mlir;
  auto type = MemRefType::get(shape, b.getF32Type());
  auto module = source.getDefiningOp()->getParentOfType<ModuleOp>();
  std::string name =
      (source.getDefiningOp<memref::GetGlobalOp>().getName() + suffix).str();
  if (auto existing = module.lookupSymbol<memref::GlobalOp>(name))
    if (existing.getType() == type)
      return memref::GetGlobalOp::create(b, loc, type, name);
  auto tensorType = RankedTensorType::get(shape, b.getF32Type());
  OpBuilder detached(b.getContext()); // the symbol table inserts it
  auto global = memref::GlobalOp::create(
      detached, loc, name, b.getStringAttr("private"), type,
      DenseElementsAttr::get(tensorType, llvm::ArrayRef<float>(rearrange())),
      /*constant=*/true, b.getI64IntegerAttr(64));
  SymbolTable(module).insert(global, module.getBody()->begin());
  return memref::GetGlobalOp::create(b, loc, type, global.getSymName());
}

} // namespace switchyard

#endif // SWITCHYARD_PASSES_LOWER_UKERNELCALL_H
