//===- ParallelizeElementwise.cpp - parallel loops on the runtime's pool --===//
//
// The micro-kernels thread themselves; everything else (activations,
// normalizations, residual adds, concatenation copies) became loops on the
// calling thread. This pass hands large bufferized all-parallel
// linalg.generic ops to the context's pool:
//
// 1. Match a linalg.generic directly in a function body (not inside another
//    loop) on static memrefs with static strides and offset, all iterators
//    parallel, at least kMinIterations points, and a loop dimension d of
//    extent >= 2 that every operand indexes, if at all, with a bare d.
//    Values the body reads from outside must be constants (cloned) or such
//    memrefs (passed like operands). Constant globals, operands or not,
//    are read through their own memref.get_global in the outlined function.
// 2. Outline it into a private function
//      @<func>_parallel<N>(%env: memref<32xi64>, %begin: i64, %end: i64)
//    whose bare-pointer signature is sy_rt_parallel_for's callback,
//    void (*)(void *env, int64_t begin, int64_t end). It rebuilds each
//    memref from the aligned address in %env (an LLVM descriptor with the
//    type's static offset, sizes and strides), takes the [begin, end) slice
//    of dimension d with memref.subview, and runs the same generic there
//    (linalg.index d shifted by begin).
// 3. In place of the generic, store the memrefs' aligned addresses in a
//    stack array and call sy_rt_parallel_for(extent of d, @outlined, env).
//
// The outlined loops then go through the same loop and LLVM lowering as
// the rest, where LLVM's vectorizer sees their innermost loops.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace switchyard {
#define GEN_PASS_DEF_PARALLELIZEELEMENTWISE
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kParallelFor = "sy_rt_parallel_for";
/// Below this many points a loop costs less than waking the pool.
constexpr int64_t kMinIterations = 32768;
/// Slots of the address array (memrefs per outlined loop).
constexpr int64_t kEnvSlots = 32;

/// True for a memref whose layout the outlined function can rebuild from
/// its aligned address alone: static shape, strides and offset.
bool isRebuildable(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape() ||
      memref.getMemorySpace())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(memref.getStridesAndOffset(strides, offset)))
    return false;
  return !ShapedType::isDynamic(offset) &&
         llvm::none_of(strides, ShapedType::isDynamic);
}

/// The loop dimension to split, or -1: the first of extent >= 2 (>= 4 when
/// there is one) that every operand map uses only as a bare result.
int64_t splitDimension(linalg::GenericOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  auto usable = [&](int64_t d) {
    for (AffineMap map : op.getIndexingMapsArray())
      for (AffineExpr e : map.getResults())
        if (e.isFunctionOfDim(d) && !isa<AffineDimExpr>(e))
          return false;
    return true;
  };
  for (int64_t minExtent : {4, 2})
    for (int64_t d = 0; d < static_cast<int64_t>(ranges.size()); ++d)
      if (ranges[d] >= minExtent && usable(d))
        return d;
  return -1;
}

/// `memref` rebuilt from the i64 aligned address `address`: an LLVM
/// descriptor cast to the memref type (the cast folds away when the memref
/// is lowered to that same descriptor).
Value rebuildMemref(OpBuilder &b, Location loc, Value address,
                    MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  (void)type.getStridesAndOffset(strides, offset);
  MLIRContext *ctx = b.getContext();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto i64 = b.getI64Type();
  int64_t rank = type.getRank();
  SmallVector<Type> fields = {ptrType, ptrType, i64};
  if (rank > 0) {
    fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
    fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
  }
  auto descType = LLVM::LLVMStructType::getLiteral(ctx, fields);
  Value ptr = LLVM::IntToPtrOp::create(b, loc, ptrType, address);
  Value desc = LLVM::UndefOp::create(b, loc, descType);
  auto constant = [&](int64_t v) -> Value {
    return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
  };
  desc = LLVM::InsertValueOp::create(b, loc, desc, ptr, ArrayRef<int64_t>{0});
  desc = LLVM::InsertValueOp::create(b, loc, desc, ptr, ArrayRef<int64_t>{1});
  desc = LLVM::InsertValueOp::create(b, loc, desc, constant(offset),
                                     ArrayRef<int64_t>{2});
  for (int64_t i = 0; i < rank; ++i) {
    desc = LLVM::InsertValueOp::create(b, loc, desc,
                                       constant(type.getDimSize(i)),
                                       ArrayRef<int64_t>{3, i});
    desc = LLVM::InsertValueOp::create(b, loc, desc, constant(strides[i]),
                                       ArrayRef<int64_t>{4, i});
  }
  return UnrealizedConversionCastOp::create(b, loc, type, desc).getResult(0);
}

/// True for a memref.get_global of a constant global: the outlined
/// function takes its own get_global instead of an address from the env, so
/// LLVM sees loads from constant memory. It may then hoist them out of the
/// loops (a Resize's per-row index and weight tables, a normalization's
/// per-channel scales), which is what lets the innermost loop vectorise
/// when those values address other operands.
bool isConstantGlobal(Value v) {
  auto get = v.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return false;
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      get, get.getNameAttr());
  return global && global.getConstant();
}

/// A generic to outline: the dimension it is split along, the memrefs
/// passed in the env (its operands, then those its body reads from
/// outside), and the constants and constant globals cloned into the
/// outlined function.
struct Candidate {
  linalg::GenericOp op;
  int64_t dim;
  SmallVector<Value> memrefs, constants;
};

struct ParallelizeElementwisePass
    : public switchyard::impl::ParallelizeElementwiseBase<
          ParallelizeElementwisePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    IRRewriter rewriter(&getContext());
    // Listed first: the outlined functions join the module as we go.
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (func.isExternal())
        continue;
      // Copies (a Concat's parts) and fills are generics too.
      for (Operation &op :
           llvm::make_early_inc_range(func.getBody().front())) {
        if (!isa<linalg::CopyOp, linalg::FillOp>(op))
          continue;
        rewriter.setInsertionPoint(&op);
        (void)linalg::generalizeNamedOp(rewriter,
                                        cast<linalg::LinalgOp>(op));
      }
      SmallVector<Candidate> candidates;
      for (auto op : func.getBody().front().getOps<linalg::GenericOp>())
        if (std::optional<Candidate> c = candidate(op))
          candidates.push_back(std::move(*c));
      for (auto [i, c] : llvm::enumerate(candidates)) {
        declareParallelFor(module);
        outline(module, c, i);
      }
    }
  }

  /// `op` with what outlining it needs, or nothing when it stays a loop.
  std::optional<Candidate> candidate(linalg::GenericOp op) {
    if (!op.hasPureBufferSemantics() ||
        op.getNumParallelLoops() != op.getNumLoops() || op.getNumLoops() == 0)
      return std::nullopt;
    for (Value v : op->getOperands())
      if (!isRebuildable(v.getType()))
        return std::nullopt;
    int64_t points = 1;
    for (int64_t r : op.getStaticLoopRanges()) {
      if (ShapedType::isDynamic(r))
        return std::nullopt;
      points *= r;
    }
    if (points < kMinIterations)
      return std::nullopt;
    // An output read through another operand under a different map would
    // make the result depend on the order of the points.
    for (OpOperand &out : op.getDpsInitsMutable())
      for (OpOperand *in : op.getDpsInputOperands())
        if (in->get() == out.get() &&
            op.getMatchingIndexingMap(in) != op.getMatchingIndexingMap(&out))
          return std::nullopt;
    Candidate c{op, splitDimension(op), {}, {}};
    if (c.dim < 0)
      return std::nullopt;
    llvm::SetVector<Value> operands(op->getOperands().begin(),
                                    op->getOperands().end());
    for (Value v : operands)
      (isConstantGlobal(v) ? c.constants : c.memrefs).push_back(v);
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(op.getRegion(), captured);
    for (Value v : captured) {
      if (isConstantGlobal(v))
        c.constants.push_back(v);
      else if (isRebuildable(v.getType()))
        c.memrefs.push_back(v);
      else if (v.getDefiningOp() &&
               v.getDefiningOp()->hasTrait<OpTrait::ConstantLike>())
        c.constants.push_back(v);
      else
        return std::nullopt;
    }
    if (static_cast<int64_t>(c.memrefs.size()) > kEnvSlots)
      return std::nullopt;
    return c;
  }

  void declareParallelFor(ModuleOp module) {
    if (module.lookupSymbol<func::FuncOp>(kParallelFor))
      return;
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    auto decl = func::FuncOp::create(
        b, module.getLoc(), kParallelFor,
        b.getFunctionType({b.getI64Type(), callbackType(b), envType(b)}, {}));
    decl.setPrivate();
  }

  MemRefType envType(OpBuilder &b) {
    return MemRefType::get({kEnvSlots}, b.getI64Type());
  }
  FunctionType callbackType(OpBuilder &b) {
    return b.getFunctionType({envType(b), b.getI64Type(), b.getI64Type()},
                             {});
  }

  void outline(ModuleOp module, const Candidate &c, unsigned counter) {
    linalg::GenericOp op = c.op;
    int64_t d = c.dim;
    Location loc = op.getLoc();
    auto parent = op->getParentOfType<func::FuncOp>();

    // The outlined function.
    OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
    std::string name =
        (parent.getSymName() + "_parallel" + Twine(counter)).str();
    auto fn = func::FuncOp::create(mb, loc, name, callbackType(mb));
    fn.setPrivate();
    SymbolTable(module).insert(fn); // uniques the name
    Block *body = fn.addEntryBlock();
    OpBuilder b = OpBuilder::atBlockBegin(body);
    Value env = body->getArgument(0);
    Value begin = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                             body->getArgument(1));
    Value end = arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                           body->getArgument(2));
    Value length = arith::SubIOp::create(b, loc, end, begin);
    IRMapping mapping;
    SmallVector<std::pair<unsigned, Value>> slices;
    for (auto [i, v] : llvm::enumerate(c.memrefs)) {
      Value slot = arith::ConstantIndexOp::create(b, loc, i);
      Value address = memref::LoadOp::create(b, loc, env, slot);
      mapping.map(v, rebuildMemref(b, loc, address,
                                   cast<MemRefType>(v.getType())));
    }
    for (Value v : c.constants)
      mapping.map(v, b.clone(*v.getDefiningOp())->getResult(0));
    // Operands sliced to [begin, end) along d.
    for (OpOperand &operand : op->getOpOperands()) {
      AffineMap map = op.getMatchingIndexingMap(&operand);
      Value whole = mapping.lookup(operand.get());
      auto type = cast<MemRefType>(whole.getType());
      std::optional<unsigned> pos =
          map.getResultPosition(getAffineDimExpr(d, b.getContext()));
      if (!pos)
        continue;
      SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes, strides(type.getRank(),
                                               b.getIndexAttr(1));
      for (int64_t s : type.getShape())
        sizes.push_back(b.getIndexAttr(s));
      offsets[*pos] = begin;
      sizes[*pos] = length;
      // Per operand, not per value: one buffer may be two operands.
      slices.push_back({operand.getOperandNumber(),
                        memref::SubViewOp::create(b, loc, whole, offsets,
                                                  sizes, strides)});
    }
    auto clone = cast<linalg::GenericOp>(b.clone(*op, mapping));
    for (auto [number, slice] : slices)
      clone->setOperand(number, slice);
    // Body indices of d count from the slice's start.
    clone.getRegion().walk([&](linalg::IndexOp index) {
      if (static_cast<int64_t>(index.getDim()) != d)
        return;
      OpBuilder ib(index->getBlock(), std::next(index->getIterator()));
      auto shifted = arith::AddIOp::create(ib, index.getLoc(),
                                           index.getResult(), begin);
      index.getResult().replaceAllUsesExcept(shifted, shifted);
    });
    func::ReturnOp::create(b, loc);

    // The call in place of the generic.
    OpBuilder cb(op);
    Value array = memref::AllocaOp::create(cb, loc, envType(cb));
    for (auto [i, v] : llvm::enumerate(c.memrefs)) {
      Value address = memref::ExtractAlignedPointerAsIndexOp::create(cb, loc, v);
      address = arith::IndexCastOp::create(cb, loc, cb.getI64Type(), address);
      Value slot = arith::ConstantIndexOp::create(cb, loc, i);
      memref::StoreOp::create(cb, loc, address, array, slot);
    }
    Value callee = func::ConstantOp::create(cb, loc, callbackType(cb),
                                            fn.getSymName());
    Value extent = arith::ConstantIntOp::create(
        cb, loc, op.getStaticLoopRanges()[d], 64);
    func::CallOp::create(cb, loc, kParallelFor, TypeRange{},
                         ValueRange{extent, callee, array});
    op.erase();
  }
};

} // namespace
