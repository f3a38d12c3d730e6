//===- LowerONNX.cpp - onnx.node to upstream dialects ---------------------===//
//
// The pass is thin: the meaning of each op lives with its registry entry in
// passes/lower/onnx/<Family>.cpp. This file walks the nodes in order, checks
// what every lowering relies on (static shapes, signless element types) and
// reports a node it cannot lower by name.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/Passes.h"

#include "dialects/onnx/ONNXOps.h"
#include "passes/lower/onnx/OpRegistry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"

namespace switchyard {
#define GEN_PASS_DEF_LOWERONNX
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;
using namespace switchyard;
using namespace switchyard::onnx;

namespace {

/// What every lowering function may assume about its node's types; an error
/// on the node otherwise.
LogicalResult checkLowerable(NodeOp node, const NodeView &view) {
  auto check = [&](Type type, StringRef what, unsigned i) -> LogicalResult {
    auto ranked = dyn_cast<RankedTensorType>(type);
    if (!ranked)
      return success(); // onnx.none
    // A NonZero of a non-constant is imported with a dynamic count so that
    // sy-raise-moe can replace the per-expert loop around it; left over, it
    // is a data-dependent shape no --input-shape can fix.
    if (!ranked.hasStaticShape() && node.isDefaultDomain() &&
        node.getOpType() == "NonZero")
      return view.emitError()
             << "the output shape depends on the input's values; NonZero is "
                "supported only on a constant input, or inside an MoE "
                "per-expert loop that sy-raise-moe replaces";
    if (!ranked.hasStaticShape())
      return view.emitError()
             << what << " " << i << " has the dynamic shape " << ranked
             << "; fix dynamic dimensions with --input-shape";
    if (ranked.getElementType().isUnsignedInteger())
      return view.emitError() << what << " " << i << " is " << ranked
                              << "; unsigned integers are not supported yet";
    return success();
  };
  for (auto [i, v] : llvm::enumerate(node.getInputs()))
    if (failed(check(v.getType(), "input", i)))
      return failure();
  for (auto [i, v] : llvm::enumerate(node.getResults()))
    if (failed(check(v.getType(), "output", i)))
      return failure();
  return success();
}

struct LowerONNXPass
    : public switchyard::impl::LowerONNXBase<LowerONNXPass> {
  void runOnOperation() override {
    const OpRegistry &registry = OpRegistry::get();
    SmallVector<NodeOp> nodes;
    getOperation().walk([&](NodeOp node) { nodes.push_back(node); });
    for (NodeOp node : nodes) {
      NodeView view(node);
      const OpEntry *entry =
          registry.lookup(node.getDomain(), node.getOpType(), view.opset());
      if (!entry || !entry->lower) {
        view.emitError() << "lowering to code is not implemented yet";
        return signalPassFailure();
      }
      if (failed(checkLowerable(node, view)))
        return signalPassFailure();
      OpBuilder builder(node);
      SmallVector<Type> resultTypes(node.getResultTypes());
      auto replacements = entry->lower(view, builder, resultTypes);
      if (failed(replacements))
        return signalPassFailure();
      node->replaceAllUsesWith(*replacements);
      node->erase();
    }
    getOperation().walk([](NoneOp none) {
      if (none->use_empty())
        none->erase();
    });
  }
};

} // namespace
