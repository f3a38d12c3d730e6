//===- Contrib.h - ONNX Runtime contrib ops (com.microsoft) -----*- C++ -*-===//
//
// What the importer (shape inference) and the raising passes both need to
// know about the com.microsoft ops Switchyard accepts: each op's inputs and
// attributes, checked once, with errors naming the node.
//
//===----------------------------------------------------------------------===//
#ifndef SWITCHYARD_PASSES_LOWER_ONNX_CONTRIB_H
#define SWITCHYARD_PASSES_LOWER_ONNX_CONTRIB_H

#include "passes/lower/onnx/OpRegistry.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/LogicalResult.h"

namespace switchyard::onnx {

/// com.microsoft.MoE (onnxruntime's contrib op) as Switchyard implements it:
///   input [T, H] or [B, S, H]; router_probs [T, E] (logits: a softmax over
///   the E experts precedes top-k); fc1_experts_weights [E, N1, H] with
///   N1 = I, or 2I for SwiGLU; fc1_experts_bias [E, N1]; fc2_experts_weights
///   [E, H, I]; fc2_experts_bias [E, H].
/// Inputs 0-5 by position; fc3 (inputs 6, 7) is refused, as are
/// use_sparse_mixer and SwiGLU's alpha/beta/limit at other than 1, 0, none.
struct ContribMoE {
  enum Activation { Identity, Relu, GeluTanh, Silu, SwigluInterleaved,
                    SwigluConcat };
  int64_t tokens, hidden, inter, experts, k;
  Activation activation;
  bool normalize;
  bool hasBias1, hasBias2;
};

/// Checks a MoE node's inputs and attributes; failure after an error on
/// `node` that names the offending input or attribute.
mlir::FailureOr<ContribMoE> parseContribMoE(const NodeView &node);

/// Family registration: the com.microsoft ops.
void registerContribOps(OpRegistry &registry);

} // namespace switchyard::onnx

#endif // SWITCHYARD_PASSES_LOWER_ONNX_CONTRIB_H
