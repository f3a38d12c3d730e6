//===- DistinctResults.cpp - one buffer per function result ---------------===//
//
// buffer-results-to-out-params turns each result of @main into a caller
// buffer and needs a distinct value per result: the same tensor returned
// twice (an ONNX output listed twice, two Identity outputs of one value, two
// empty Split outputs merged by CSE) crashed it. Each repeat becomes a copy
// in its own allocation, so every output gets its own bytes.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "llvm/ADT/DenseSet.h"

namespace switchyard {
#define GEN_PASS_DEF_DISTINCTRESULTS
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;

namespace {

struct DistinctResultsPass
    : public switchyard::impl::DistinctResultsBase<DistinctResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallDenseSet<Value> seen;
      OpBuilder b(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value v = operand.get();
        if (seen.insert(v).second)
          continue;
        auto type = dyn_cast<RankedTensorType>(v.getType());
        if (!type)
          continue;
        auto copy = bufferization::AllocTensorOp::create(
            b, ret.getLoc(), type, /*dynamicSizes=*/ValueRange(), /*copy=*/v);
        operand.set(copy);
      }
    });
  }
};

} // namespace
