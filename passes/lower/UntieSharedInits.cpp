//===- UntieSharedInits.cpp - one init value per destination-style op -----===//
//
// CSE merges identical `tensor.empty` and `linalg.fill` ops, so two
// convolutions (or a convolution and a padding generic) end up with one
// init value. One-shot bufferization then gives the second a copy of the
// first's buffer (a memcpy of a zero fill), or reuses one allocation for
// both, and the micro-kernel lowerings lose what they look for: a fill just
// before the kernel that they can erase (the kernel overwrites instead of
// accumulating) and a padded buffer that only its convolution reads (the
// kernel pads by itself). Running just before bufferization, this pass
// gives every destination-style op after the first its own clone of a
// shared `linalg.fill` (on tensors) or `tensor.empty` init, placed right
// before it. Fills go first, since their clones share the empty they fill.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

namespace switchyard {
#define GEN_PASS_DEF_UNTIESHAREDINITS
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;

namespace {

/// Clones `op` (one tensor result) before every destination-style user after
/// the first that takes it as an init, and points that init at the clone.
void untie(Operation *op) {
  Value result = op->getResult(0);
  SmallVector<OpOperand *> inits;
  for (OpOperand &use : result.getUses()) {
    auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
    if (dps && dps.isDpsInit(&use))
      inits.push_back(&use);
  }
  if (inits.size() < 2)
    return;
  // Uses come in no particular order: keep the first in the block.
  llvm::sort(inits, [](OpOperand *a, OpOperand *b) {
    Operation *x = a->getOwner(), *y = b->getOwner();
    return x->getBlock() == y->getBlock() ? x->isBeforeInBlock(y) : x < y;
  });
  for (OpOperand *use : llvm::drop_begin(inits)) {
    OpBuilder b(use->getOwner());
    use->set(b.clone(*op)->getResult(0));
  }
}

struct UntieSharedInitsPass
    : public switchyard::impl::UntieSharedInitsBase<UntieSharedInitsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> fills, empties;
    getOperation().walk([&](Operation *op) {
      if (auto fill = dyn_cast<linalg::FillOp>(op)) {
        if (fill.hasPureTensorSemantics())
          fills.push_back(op);
      } else if (isa<tensor::EmptyOp>(op)) {
        empties.push_back(op);
      }
    });
    for (Operation *op : fills)
      untie(op);
    for (Operation *op : empties)
      untie(op);
  }
};

} // namespace
