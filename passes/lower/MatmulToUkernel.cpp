//===- MatmulToUkernel.cpp - linalg.matmul to the runtime's sgemm ---------===//
//
// 1. Match f32 linalg.matmul on memrefs with default maps and unit innermost
//    strides (the micro-kernel reads rows).
// 2. Take each operand's aligned base pointer plus offset as an integer and
//    its row stride as the leading dimension.
// 3. Call sy_ukernel_sgemm(M, N, K, A, lda, B, ldb, C, ldc, FLAGS): the
//    kernel overwrites C (and the zero fill that bufferization left just
//    before the matmul is erased) or accumulates onto it.
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

namespace switchyard {
#define GEN_PASS_DEF_LOWERMATMULTOUKERNEL
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kSgemm = "sy_ukernel_sgemm";
constexpr int64_t kAccumulate = 1; // SY_UK_ACCUMULATE in ukernels.h

/// The operand's first element as an i64 address and its row stride.
std::pair<Value, Value> addressAndLeadingDim(OpBuilder &b, Location loc,
                                             Value memref) {
  auto [address, strides] = switchyard::memrefAddressAndStrides(b, loc, memref);
  return {address, strides[0]};
}

struct MatmulToUkernel : OpRewritePattern<linalg::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;

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
    auto [pb, ldb] = addressAndLeadingDim(rewriter, loc, b);
    auto [pc, ldc] = addressAndLeadingDim(rewriter, loc, c);
    Value flags = arith::ConstantIntOp::create(rewriter, loc,
                                               zeroFill ? 0 : kAccumulate, 64);
    SmallVector<Value> args = {dim(a, 0), dim(b, 1), dim(a, 1), pa, lda,
                               pb,        ldb,       pc,        ldc, flags};
    func::CallOp::create(rewriter, loc, kSgemm, TypeRange{}, args);
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
    if (hasMatmul)
      switchyard::declareUkernel(module, kSgemm, 10);
    RewritePatternSet patterns(&getContext());
    patterns.add<MatmulToUkernel>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
