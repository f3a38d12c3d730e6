//===- FuseElementwise.cpp - elementwise fusion that keeps named ops ------===//
//
// Upstream's elementwise fusion patterns with a control function that only
// fuses generic into generic: named ops are what the micro-kernel stage
// recognizes, so they must survive fusion.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace switchyard {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;

namespace {

/// Fuse only when both ends are linalg.generic.
bool fuseGenericsOnly(OpOperand *fusedOperand) {
  Operation *producer = fusedOperand->get().getDefiningOp();
  Operation *consumer = fusedOperand->getOwner();
  return isa_and_nonnull<linalg::GenericOp>(producer) &&
         isa<linalg::GenericOp>(consumer);
}

struct FuseElementwisePass
    : public switchyard::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns, fuseGenericsOnly);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns,
                                                      fuseGenericsOnly);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
