//===- RaiseMoE.cpp - MoE layers to sy.route/dispatch/grouped_matmul ------===//
//
// One function per form of MoE layer; each checks everything its rewrite
// relies on before it changes the IR, and leaves a node it does not
// recognise to the ONNX lowering. Forms:
//   raiseContribMoE   com.microsoft.MoE (onnxruntime's contrib op)
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Passes.h"

#include "dialects/onnx/ONNXOps.h"
#include "passes/lower/onnx/Contrib.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace switchyard {
#define GEN_PASS_DEF_RAISEMOE
#include "passes/raise/Passes.h.inc"
} // namespace switchyard

using namespace mlir;
namespace sy = switchyard::sy;
using switchyard::onnx::ContribMoE;
using switchyard::onnx::NodeOp;
using switchyard::onnx::NodeView;

namespace {

sy::Activation syActivation(ContribMoE::Activation act) {
  switch (act) {
  case ContribMoE::Identity:
    return sy::Activation::identity;
  case ContribMoE::Relu:
    return sy::Activation::relu;
  case ContribMoE::GeluTanh:
    return sy::Activation::gelu_tanh;
  case ContribMoE::Silu:
    return sy::Activation::silu;
  case ContribMoE::SwigluInterleaved:
    return sy::Activation::swiglu_interleaved;
  case ContribMoE::SwigluConcat:
    return sy::Activation::swiglu;
  }
  llvm_unreachable("unknown activation");
}

/// com.microsoft.MoE: softmax over all experts, then top-k (mode
/// softmax_topk), optionally renormalised; fc1 and fc2 keep onnxruntime's
/// [E, N, K] layout (rhs_transposed).
LogicalResult raiseContribMoE(NodeOp node) {
  NodeView view(node);
  FailureOr<ContribMoE> moe = switchyard::onnx::parseContribMoE(view);
  if (failed(moe))
    return failure();
  OpBuilder b(node);
  Location loc = node.getLoc();
  Type f32 = b.getF32Type(), i64 = b.getI64Type();
  int64_t t = moe->tokens, h = moe->hidden, e = moe->experts, k = moe->k;
  int64_t rows = t * k;

  Value x = view.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  if (xType.getRank() == 3)
    x = tensor::CollapseShapeOp::create(
        b, loc, x, ArrayRef<ReassociationIndices>{{0, 1}, {2}});

  auto route = sy::RouteOp::create(
      b, loc, RankedTensorType::get({t, k}, i64),
      RankedTensorType::get({t, k}, f32), view.input(1), Value(), k,
      sy::RoutingMode::softmax_topk, moe->normalize, IntegerAttr(),
      IntegerAttr(), IntegerAttr(), sy::GroupScoreAttr(), FloatAttr());
  auto dispatch = sy::DispatchOp::create(
      b, loc, RankedTensorType::get({rows, h}, f32),
      RankedTensorType::get({e + 1}, i64), RankedTensorType::get({t, k}, i64),
      x, route.getExpertIds(), e);
  auto fc1 = sy::GroupedMatmulOp::create(
      b, loc, RankedTensorType::get({rows, moe->inter}, f32),
      dispatch.getPermuted(), view.input(2), dispatch.getOffsets(),
      moe->hasBias1 ? view.input(3) : Value(), /*rhs_transposed=*/true,
      syActivation(moe->activation));
  auto fc2 = sy::GroupedMatmulOp::create(
      b, loc, RankedTensorType::get({rows, h}, f32), fc1.getResult(),
      view.input(4), dispatch.getOffsets(),
      moe->hasBias2 ? view.input(5) : Value(), /*rhs_transposed=*/true,
      sy::Activation::identity);
  Value y = sy::CombineOp::create(b, loc, RankedTensorType::get({t, h}, f32),
                                  fc2.getResult(), dispatch.getInverse(),
                                  route.getWeights());
  if (xType.getRank() == 3)
    y = tensor::ExpandShapeOp::create(
        b, loc, xType, y, ArrayRef<ReassociationIndices>{{0, 1}, {2}});
  node.getOutputs()[0].replaceAllUsesWith(y);
  node.erase();
  return success();
}

struct RaiseMoE : switchyard::impl::RaiseMoEBase<RaiseMoE> {
  void runOnOperation() override {
    SmallVector<NodeOp> contrib;
    getOperation().walk([&](NodeOp node) {
      if (node.getDomain() == "com.microsoft" && node.getOpType() == "MoE")
        contrib.push_back(node);
    });
    for (NodeOp node : contrib)
      if (failed(raiseContribMoE(node)))
        return signalPassFailure();
  }
};

} // namespace
