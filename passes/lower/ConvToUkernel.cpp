//===- ConvToUkernel.cpp - 2-D convolution to the runtime's kernel --------===//
//
// 1. Match f32 linalg.conv_2d_nchw_fchw on static, row-major contiguous
//    memrefs with one image and unit strides.
// 2. Call sy_ukernel_conv2d_s1(M, C, KH, KW, OH, OW, DH, DW, W, X, HP, WP,
//    Y, ACCUMULATE) with the operands' addresses.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"
#include "passes/lower/UkernelCall.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace switchyard {
#define GEN_PASS_DEF_LOWERCONVTOUKERNEL
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kConv = "sy_ukernel_conv2d_s1";
constexpr int64_t kAccumulate = 1; // SY_UK_ACCUMULATE in ukernels.h
constexpr unsigned kNumArgs = 14;

struct ConvToUkernel : OpRewritePattern<linalg::Conv2DNchwFchwOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::Conv2DNchwFchwOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics())
      return rewriter.notifyMatchFailure(op, "not bufferized yet");
    if (!llvm::all_of(op.getStrides().getValues<int64_t>(),
                      [](int64_t s) { return s == 1; }))
      return rewriter.notifyMatchFailure(op, "strides other than 1");
    Value x = op.getDpsInputs()[0], w = op.getDpsInputs()[1];
    Value y = op.getDpsInits()[0];
    if (!switchyard::isF32RowMajorFrom(x.getType(), 4, 0) ||
        !switchyard::isF32RowMajorFrom(w.getType(), 4, 0) ||
        !switchyard::isF32RowMajorFrom(y.getType(), 4, 0))
      return rewriter.notifyMatchFailure(op, "not contiguous static f32");
    ArrayRef<int64_t> xs = cast<MemRefType>(x.getType()).getShape();
    ArrayRef<int64_t> ws = cast<MemRefType>(w.getType()).getShape();
    ArrayRef<int64_t> ys = cast<MemRefType>(y.getType()).getShape();
    if (xs[0] != 1)
      return rewriter.notifyMatchFailure(op, "more than one image");
    auto dil = llvm::to_vector(op.getDilations().getValues<int64_t>());

    Location loc = op.getLoc();
    auto i64 = [&](int64_t v) -> Value {
      return arith::ConstantIntOp::create(rewriter, loc, v, 64);
    };
    Value px = switchyard::memrefAddressAndStrides(rewriter, loc, x).first;
    Value pw = switchyard::memrefAddressAndStrides(rewriter, loc, w).first;
    Value py = switchyard::memrefAddressAndStrides(rewriter, loc, y).first;
    SmallVector<Value> args = {i64(ws[0]), i64(ws[1]), i64(ws[2]), i64(ws[3]),
                               i64(ys[2]), i64(ys[3]), i64(dil[0]), i64(dil[1]),
                               pw,         px,         i64(xs[2]), i64(xs[3]),
                               py,         i64(kAccumulate)};
    func::CallOp::create(rewriter, loc, kConv, TypeRange{}, args);
    rewriter.eraseOp(op);
    return success();
  }
};

struct LowerConvToUkernelPass
    : public switchyard::impl::LowerConvToUkernelBase<LowerConvToUkernelPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool hasConv = false;
    module.walk([&](linalg::Conv2DNchwFchwOp) { hasConv = true; });
    if (hasConv)
      switchyard::declareUkernel(module, kConv, kNumArgs);
    RewritePatternSet patterns(&getContext());
    patterns.add<ConvToUkernel>(&getContext());
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
