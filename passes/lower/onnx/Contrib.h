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

#include <vector>

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

/// com.microsoft.SparseAttention (onnxruntime's contrib op, the block-sparse
/// causal attention of Phi-3-small) with onnxruntime's CPU semantics:
///   query [B, S, H*D], key/value [B, S, KVH*D], or packed query
///   [B, S, (H + 2 KVH) * D] without key and value; past_key/past_value
///   [B, KVH, C, D] (the KV cache); block_row_indices [L, NB + 1] and
///   block_col_indices [L, NNZ] (constants: the per-layout CSR block
///   mask); total_sequence_length (i32 scalar); key_total_sequence_lengths
///   (i32 [B]); cos_cache/sin_cache [R, rotary_dim / 2] with do_rotary.
/// Outputs: [B, S, H*D] and the updated caches [B, KVH, C, D].
struct ContribSparseAttention {
  int64_t batch, seq, heads, kvHeads, headSize, cache, blockSize;
  int64_t layouts, maxBlocks;
  bool packed, rotary, interleaved;
  int64_t rotaryDim, rotaryPositions; // with rotary
  float scale;                        // 1/sqrt(D) when the attribute is 0
  /// visible[l][r][c]: block row r of layout l sees block column c (the
  /// CSR mask as onnxruntime's CPU kernel reads it, before causality).
  std::vector<std::vector<std::vector<bool>>> visible;
};

/// Checks a SparseAttention node's inputs and attributes and decodes its
/// block mask; failure after an error on `node` naming what is wrong.
mlir::FailureOr<ContribSparseAttention>
parseContribSparseAttention(const NodeView &node);

/// Family registration: the com.microsoft ops.
void registerContribOps(OpRegistry &registry);

} // namespace switchyard::onnx

#endif // SWITCHYARD_PASSES_LOWER_ONNX_CONTRIB_H
