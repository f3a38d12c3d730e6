//===- Contrib.cpp - ONNX Runtime contrib ops (com.microsoft) -------------===//
//
// The com.microsoft ops the importer accepts. They have no linalg lowering
// of their own: the raising passes (passes/raise) turn them into sy ops.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/onnx/Contrib.h"

#include <cmath>

using namespace mlir;
using namespace switchyard::onnx;

FailureOr<ContribMoE> switchyard::onnx::parseContribMoE(const NodeView &node) {
  RankedTensorType x = node.requireInput(0), logits = node.requireInput(1),
                   w1 = node.requireInput(2), w2 = node.requireInput(4);
  if (!x || !logits || !w1 || !w2)
    return failure();
  for (unsigned i : {6u, 7u})
    if (node.hasInput(i))
      return node.emitError()
             << "fc3_experts_weights/bias (input " << i
             << ") are not supported; fuse the gate into fc1 with "
                "activation_type=swiglu";
  if (node.intAttr("use_sparse_mixer", 0) != 0)
    return node.emitError() << "use_sparse_mixer=1 is not supported";
  for (unsigned i : {0u, 1u, 2u, 3u, 4u, 5u})
    if (RankedTensorType t = node.inputType(i); t && !t.getElementType().isF32())
      return node.emitError() << "input " << i << " is " << t.getElementType()
                              << "; only float32 is supported";

  ContribMoE moe;
  if (x.getRank() != 2 && x.getRank() != 3)
    return node.emitError() << "input must be [tokens, hidden] or [batch, "
                               "sequence, hidden]";
  moe.hidden = x.getShape().back();
  moe.tokens = x.getRank() == 2 ? x.getDimSize(0)
                                : x.getDimSize(0) * x.getDimSize(1);
  if (!x.hasStaticShape() || !logits.hasStaticShape() ||
      !w1.hasStaticShape() || !w2.hasStaticShape())
    return node.emitError() << "needs static shapes (fix dynamic dimensions "
                               "with --input-shape)";
  if (logits.getRank() != 2 || logits.getDimSize(0) != moe.tokens)
    return node.emitError() << "router_probs must be [" << moe.tokens
                            << ", num_experts]";
  moe.experts = logits.getDimSize(1);
  if (w2.getRank() != 3 || w2.getDimSize(0) != moe.experts ||
      w2.getDimSize(1) != moe.hidden)
    return node.emitError() << "fc2_experts_weights must be [" << moe.experts
                            << ", " << moe.hidden << ", inter_size]";
  moe.inter = w2.getDimSize(2);

  std::string act = node.stringAttr("activation_type", "relu");
  int64_t fusion = node.intAttr("swiglu_fusion", 0);
  if (act == "relu")
    moe.activation = ContribMoE::Relu;
  else if (act == "gelu") // onnxruntime's MoE uses the tanh approximation
    moe.activation = ContribMoE::GeluTanh;
  else if (act == "silu")
    moe.activation = ContribMoE::Silu;
  else if (act == "identity")
    moe.activation = ContribMoE::Identity;
  else if (act == "swiglu" && fusion == 1)
    moe.activation = ContribMoE::SwigluInterleaved;
  else if (act == "swiglu" && fusion == 2)
    moe.activation = ContribMoE::SwigluConcat;
  else if (act == "swiglu")
    return node.emitError() << "activation_type=swiglu needs swiglu_fusion 1 "
                               "(interleaved) or 2 (concatenated), not "
                            << fusion;
  else
    return node.emitError() << "activation_type '" << act
                            << "' is not one of relu, gelu, silu, identity, "
                               "swiglu";
  bool gated = act == "swiglu";
  if (gated && (node.floatAttr("activation_alpha", 1.f) != 1.f ||
                node.floatAttr("activation_beta", 0.f) != 0.f ||
                std::isfinite(node.floatAttr("swiglu_limit", INFINITY))))
    return node.emitError() << "SwiGLU with activation_alpha, "
                               "activation_beta or swiglu_limit other than "
                               "1, 0 and none is not supported yet";

  int64_t n1 = gated ? 2 * moe.inter : moe.inter;
  if (w1.getRank() != 3 || w1.getDimSize(0) != moe.experts ||
      w1.getDimSize(1) != n1 || w1.getDimSize(2) != moe.hidden)
    return node.emitError() << "fc1_experts_weights must be [" << moe.experts
                            << ", " << n1 << ", " << moe.hidden << "]";
  auto checkBias = [&](unsigned i, int64_t cols, bool &has) -> LogicalResult {
    has = node.hasInput(i);
    RankedTensorType b = node.inputType(i);
    if (has && (b.getRank() != 2 || b.getDimSize(0) != moe.experts ||
                b.getDimSize(1) != cols))
      return node.emitError() << "input " << i << " must be [" << moe.experts
                              << ", " << cols << "]";
    return success();
  };
  if (failed(checkBias(3, n1, moe.hasBias1)) ||
      failed(checkBias(5, moe.hidden, moe.hasBias2)))
    return failure();

  moe.k = node.intAttr("k", 1);
  if (moe.k < 1 || moe.k > moe.experts)
    return node.emitError() << "k = " << moe.k << " must be in [1, "
                            << moe.experts << "]";
  moe.normalize = node.intAttr("normalize_routing_weights", 0) != 0;
  return moe;
}

namespace {

FailureOr<SmallVector<Type>> inferMoE(const NodeView &node) {
  if (failed(parseContribMoE(node)))
    return failure();
  return SmallVector<Type>{node.inputType(0)};
}

} // namespace

void switchyard::onnx::registerContribOps(OpRegistry &registry) {
  registry.add({"com.microsoft", "MoE", 1, inferMoE, nullptr, nullptr,
                "raised to sy.route/dispatch/grouped_matmul/combine by "
                "sy-raise-moe; f32, static shapes, fc3 and SwiGLU "
                "alpha/beta/limit not supported",
                /*raised=*/true});
}
