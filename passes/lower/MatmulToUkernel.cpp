//===- MatmulToUkernel.cpp - linalg.matmul to the runtime's sgemm ---------===//
//
// 1. Match f32 linalg.matmul on memrefs with default maps and unit innermost
//    strides (the micro-kernel reads rows).
// 2. Take each operand's aligned base pointer plus offset as an integer and
//    its row stride as the leading dimension.
// 3. Call sy_ukernel_sgemm(M, N, K, A, lda, B, ldb, C, ldc, FLAGS): the
//    kernel overwrites C (and the zero fill that bufferization left just
//    before the matmul is erased) or accumulates onto it.
// 4. When B is a constant (a memref.global, as bufferized weights are),
//    lay it out here, at compile time, as the kernel's 32-column panels in
//    a new global `<weights>_panels` and call
//    sy_ukernel_sgemm_prepacked(M, N, K, A, lda, PANELS, C, ldc, FLAGS)
//    instead: the kernel streams them rather than packing B on every call.
//    Not when the last panel's zero padding would add more than a quarter
//    to B (N = 10 reads 32 columns). The original global goes once nothing
//    reads it.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"
#include "passes/lower/UkernelCall.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

namespace switchyard {
#define GEN_PASS_DEF_LOWERMATMULTOUKERNEL
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kSgemm = "sy_ukernel_sgemm";
constexpr llvm::StringLiteral kSgemmPrepacked = "sy_ukernel_sgemm_prepacked";
constexpr unsigned kNumArgs = 10, kNumPrepackedArgs = 9;
constexpr int64_t kAccumulate = 1; // SY_UK_ACCUMULATE in ukernels.h

/// The operand's first element as an i64 address and its row stride.
std::pair<Value, Value> addressAndLeadingDim(OpBuilder &b, Location loc,
                                             Value memref) {
  auto [address, strides] = switchyard::memrefAddressAndStrides(b, loc, memref);
  return {address, strides[0]};
}

/// The panels of the constant K x N weights `b` reads: a get_global of
/// [ceil(N/32)][K][32] (one global per source global, shared by the matmuls
/// that read it), or null when b is not such a constant or its panels would
/// be padded by more than a quarter.
Value prepackedWeights(PatternRewriter &rewriter, Location loc, Value b) {
  DenseElementsAttr weights = switchyard::constantGlobalValue(b);
  if (!weights)
    return {};
  ArrayRef<int64_t> shape = cast<MemRefType>(b.getType()).getShape();
  int64_t k = shape[0], n = shape[1];
  if (4 * switchyard::gemmPanelsSize(k, n) > 5 * k * n)
    return {};
  return switchyard::rearrangedWeights(
      rewriter, loc, b, "_panels", {(n + 31) / 32, k, 32}, [&] {
        switchyard::ConstantFloats src(weights);
        std::vector<float> panels(
            static_cast<size_t>(switchyard::gemmPanelsSize(k, n)));
        switchyard::packGemmPanels(
            k, n, [&](int64_t p, int64_t j) { return src[p * n + j]; },
            panels.data());
        return panels;
      });
}

struct MatmulToUkernel : OpRewritePattern<linalg::MatmulOp> {
  /// `replaced` collects the globals whose weights were prepacked.
  MatmulToUkernel(MLIRContext *context,
                  llvm::SetVector<StringAttr> *replaced)
      : OpRewritePattern(context), replaced(replaced) {}
  llvm::SetVector<StringAttr> *replaced;

  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics())
      return rewriter.notifyMatchFailure(op, "not bufferized yet");
    if (op.hasUserDefinedMaps())
      return rewriter.notifyMatchFailure(op, "transposed/broadcast maps");
    Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
    Value c = op.getDpsInits()[0];
    if (!switchyard::isF32RowMajorFrom(a.getType(), 2, 1) ||
        !switchyard::isF32RowMajorFrom(b.getType(), 2, 1) ||
        !switchyard::isF32RowMajorFrom(c.getType(), 2, 1))
      return rewriter.notifyMatchFailure(op, "not f32 with contiguous rows");

    // Before any op is created here: they use c too.
    linalg::FillOp zeroFill =
        switchyard::asZeroFillOf(switchyard::lastUserBefore(c, op), c);
    Location loc = op.getLoc();
    auto i64 = rewriter.getI64Type();
    auto dim = [&](Value v, int64_t d) -> Value {
      Value size = memref::DimOp::create(rewriter, loc, v, d);
      return arith::IndexCastOp::create(rewriter, loc, i64, size);
    };
    auto [pa, lda] = addressAndLeadingDim(rewriter, loc, a);
    auto [pc, ldc] = addressAndLeadingDim(rewriter, loc, c);
    Value flags = arith::ConstantIntOp::create(rewriter, loc,
                                               zeroFill ? 0 : kAccumulate, 64);
    if (Value panels = prepackedWeights(rewriter, loc, b)) {
      replaced->insert(b.getDefiningOp<memref::GetGlobalOp>().getNameAttr().getAttr());
      Value pb = switchyard::memrefAddressAndStrides(rewriter, loc, panels)
                     .first;
      SmallVector<Value> args = {dim(a, 0), dim(b, 1), dim(a, 1), pa, lda,
                                 pb,        pc,        ldc,       flags};
      func::CallOp::create(rewriter, loc, kSgemmPrepacked, TypeRange{}, args);
    } else {
      auto [pb, ldb] = addressAndLeadingDim(rewriter, loc, b);
      SmallVector<Value> args = {dim(a, 0), dim(b, 1), dim(a, 1), pa, lda,
                                 pb,        ldb,       pc,        ldc, flags};
      func::CallOp::create(rewriter, loc, kSgemm, TypeRange{}, args);
    }
    rewriter.eraseOp(op);
    if (zeroFill)
      rewriter.eraseOp(zeroFill);
    return success();
  }
};

struct LowerMatmulToUkernelPass
    : public switchyard::impl::LowerMatmulToUkernelBase<
          LowerMatmulToUkernelPass> {
  void runOnOperation() override {
    // Declare the callee once, up front: patterns only rewrite inside
    // functions.
    ModuleOp module = getOperation();
    bool hasMatmul = false;
    module.walk([&](linalg::MatmulOp) { hasMatmul = true; });
    if (!hasMatmul)
      return;
    switchyard::declareUkernel(module, kSgemm, kNumArgs);
    switchyard::declareUkernel(module, kSgemmPrepacked, kNumPrepackedArgs);
    llvm::SetVector<StringAttr> replaced;
    RewritePatternSet patterns(&getContext());
    patterns.add<MatmulToUkernel>(&getContext(), &replaced);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();
    switchyard::eraseUnusedGlobals(module, replaced.getArrayRef());
  }
};

} // namespace
