//===- ApproximateMath.cpp - vectorizable f32 exp, tanh and erf -----------===//
//
// A loop that calls libm's expf (SiLU, Sigmoid, Softmax outside the
// kernels), tanhf or erff (GELU) stays scalar: the call may set errno and
// LLVM has no vector form of it, whereas the loops around plain arithmetic
// are vectorized. Just before the math dialect becomes libm calls, this
// pass rewrites those three f32 functions into MLIR's polynomial
// approximations, which are arithmetic only (see Passes.td for the special
// values). Other element types keep the libm call.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace switchyard {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;

namespace {

struct ApproximateMathPass
    : public switchyard::impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    // Only these ops and what their rewrites create: a function-wide greedy
    // run would also fold every other op, which canonicalize does later.
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<math::ExpOp, math::TanhOp, math::ErfOp>(op))
        ops.push_back(op);
    });
    if (ops.empty())
      return;
    RewritePatternSet patterns(&getContext());
    // The polynomial patterns only fire on f32 (and vectors of it).
    // The predicate sees the full op name, "math.exp".
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return name == "math.exp" || name == "math.tanh" || name == "math.erf";
    });
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    if (failed(applyOpPatternsGreedily(ops, std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace
