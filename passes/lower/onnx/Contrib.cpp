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

FailureOr<ContribSparseAttention>
switchyard::onnx::parseContribSparseAttention(const NodeView &node) {
  ContribSparseAttention sa;
  sa.heads = node.intAttr("num_heads", 0);
  sa.kvHeads = node.intAttr("kv_num_heads", 0);
  sa.blockSize = node.intAttr("sparse_block_size", 0);
  if (sa.heads < 1 || sa.kvHeads < 1 || sa.heads % sa.kvHeads != 0)
    return node.emitError() << "num_heads (" << sa.heads
                            << ") must be a positive multiple of kv_num_heads ("
                            << sa.kvHeads << ")";
  if (sa.blockSize < 1)
    return node.emitError() << "sparse_block_size must be positive, got "
                            << sa.blockSize;
  RankedTensorType q = node.requireInput(0), pastK = node.requireInput(3),
                   pastV = node.requireInput(4), rows = node.requireInput(5),
                   cols = node.requireInput(6), total = node.requireInput(7),
                   lengths = node.requireInput(8);
  if (!q || !pastK || !pastV || !rows || !cols || !total || !lengths)
    return failure();
  for (unsigned i : {0u, 1u, 2u, 3u, 4u, 9u, 10u})
    if (RankedTensorType t = node.inputType(i); t && !t.getElementType().isF32())
      return node.emitError() << "input " << i << " is " << t.getElementType()
                              << "; only float32 is supported";
  for (unsigned i : {5u, 6u, 7u, 8u})
    if (!node.inputType(i).getElementType().isInteger(32))
      return node.emitError() << "input " << i << " must be int32";
  for (unsigned i = 0; i < 11; ++i)
    if (RankedTensorType t = node.inputType(i); t && !t.hasStaticShape())
      return node.emitError() << "needs static shapes (fix dynamic dimensions "
                                 "with --input-shape); input "
                              << i << " is " << t;

  if (q.getRank() != 3)
    return node.emitError() << "query must be [batch, sequence, hidden]";
  sa.batch = q.getDimSize(0);
  sa.seq = q.getDimSize(1);
  sa.packed = !node.hasInput(1);
  if (sa.packed != !node.hasInput(2))
    return node.emitError() << "key and value must be both present, or both "
                               "absent (packed query)";
  int64_t headsInQuery = sa.packed ? sa.heads + 2 * sa.kvHeads : sa.heads;
  if (q.getDimSize(2) % headsInQuery != 0)
    return node.emitError() << "query hidden size " << q.getDimSize(2)
                            << " is not a multiple of " << headsInQuery
                            << " heads";
  sa.headSize = q.getDimSize(2) / headsInQuery;
  SmallVector<int64_t> kvShape = {sa.batch, sa.seq, sa.kvHeads * sa.headSize};
  for (unsigned i : {1u, 2u})
    if (!sa.packed && node.inputType(i).getShape() != ArrayRef(kvShape))
      return node.emitError() << (i == 1 ? "key" : "value") << " must be ["
                              << sa.batch << ", " << sa.seq << ", "
                              << kvShape[2] << "]";
  if (pastK.getRank() != 4 || pastK != pastV || pastK.getDimSize(0) != sa.batch ||
      pastK.getDimSize(1) != sa.kvHeads || pastK.getDimSize(3) != sa.headSize)
    return node.emitError() << "past_key and past_value must both be ["
                            << sa.batch << ", " << sa.kvHeads
                            << ", max_cache_sequence_length, " << sa.headSize
                            << "]";
  sa.cache = pastK.getDimSize(2);
  if (sa.seq > sa.cache)
    return node.emitError() << "the " << sa.seq << " new positions do not fit "
                            << "the cache of " << sa.cache;
  if (total.getNumElements() != 1 || lengths.getRank() != 1 ||
      lengths.getDimSize(0) != sa.batch)
    return node.emitError() << "total_sequence_length must have one element "
                               "and key_total_sequence_lengths be ["
                            << sa.batch << "]";

  float scale = node.floatAttr("scale", 0.f);
  sa.scale = scale == 0.f ? 1.f / std::sqrt(static_cast<float>(sa.headSize))
                          : scale;
  sa.rotary = node.intAttr("do_rotary", 0) == 1;
  sa.interleaved = node.intAttr("rotary_interleaved", 0) == 1;
  sa.rotaryDim = sa.rotaryPositions = 0;
  if (sa.rotary) {
    RankedTensorType cosT = node.inputType(9), sinT = node.inputType(10);
    if (!cosT || !sinT)
      return node.emitError() << "do_rotary = 1 needs cos_cache and sin_cache";
    if (cosT != sinT || cosT.getRank() != 2 ||
        2 * cosT.getDimSize(1) > sa.headSize || cosT.getDimSize(1) < 1)
      return node.emitError() << "cos_cache and sin_cache must both be "
                                 "[max_rotary_sequence_length, rotary_dim / "
                                 "2] with rotary_dim <= head size "
                              << sa.headSize;
    sa.rotaryPositions = cosT.getDimSize(0);
    sa.rotaryDim = 2 * cosT.getDimSize(1);
  }

  // The block mask: CSR rows per layout, read as onnxruntime's CPU kernel
  // does. A layout with at least as many blocks as the full lower triangle
  // is causal; so is a row with exactly r + 1 blocks; other rows see the
  // listed blocks (and causality cuts the diagonal one).
  auto rowIdx = node.constantInts(5), colIdx = node.constantInts(6);
  if (!rowIdx || !colIdx)
    return node.emitError() << "block_row_indices and block_col_indices must "
                               "be constants (the block layout is compiled in)";
  if (rows.getRank() != 2 || cols.getRank() != 2 || rows.getDimSize(1) < 2 ||
      cols.getDimSize(0) != rows.getDimSize(0) ||
      sa.heads % rows.getDimSize(0) != 0)
    return node.emitError() << "block_row_indices must be [num_layout, "
                               "max_blocks + 1] and block_col_indices "
                               "[num_layout, max_nnz], num_layout dividing "
                               "num_heads";
  sa.layouts = rows.getDimSize(0);
  sa.maxBlocks = rows.getDimSize(1) - 1;
  int64_t nnzStride = cols.getDimSize(1), nb = sa.maxBlocks;
  if (sa.maxBlocks * sa.blockSize < sa.cache)
    return node.emitError() << "the block layout covers "
                            << sa.maxBlocks * sa.blockSize
                            << " positions, fewer than the cache's "
                            << sa.cache;
  int64_t usedRows = (sa.cache + sa.blockSize - 1) / sa.blockSize;
  sa.visible.assign(sa.layouts, std::vector<std::vector<bool>>(
                                    nb, std::vector<bool>(nb, false)));
  for (int64_t l = 0; l < sa.layouts; ++l) {
    const int64_t *row = rowIdx->data() + l * (nb + 1);
    const int64_t *col = colIdx->data() + l * nnzStride;
    bool dense = row[nb] >= nb * (nb + 1) / 2;
    for (int64_t r = 0; r < nb; ++r) {
      int64_t start = row[r], end = row[r + 1];
      if (start < 0 || start > end || end > nnzStride)
        return node.emitError() << "block_row_indices of layout " << l
                                << " are not a CSR row pointer at row " << r;
      std::vector<bool> &vis = sa.visible[l][r];
      if (dense || end - start == r + 1) {
        for (int64_t c = 0; c <= r; ++c)
          vis[c] = true;
        continue;
      }
      bool seesEarlier = false;
      for (int64_t i = start; i < end; ++i) {
        if (col[i] < 0 || col[i] >= nb)
          return node.emitError() << "block_col_indices of layout " << l
                                  << " has block " << col[i]
                                  << " outside [0, " << nb << ")";
        vis[col[i]] = true;
        seesEarlier |= col[i] <= r;
      }
      if (!seesEarlier && r < usedRows)
        return node.emitError()
               << "block row " << r << " of layout " << l
               << " sees no block at or before the diagonal; onnxruntime "
                  "then averages every earlier value, which is not "
                  "supported";
    }
  }
  return sa;
}

namespace {

FailureOr<SmallVector<Type>> inferSparseAttention(const NodeView &node) {
  FailureOr<ContribSparseAttention> sa = parseContribSparseAttention(node);
  if (failed(sa))
    return failure();
  auto f32 = Float32Type::get(node.context());
  return SmallVector<Type>{
      RankedTensorType::get({sa->batch, sa->seq, sa->heads * sa->headSize},
                            f32),
      node.inputType(3), node.inputType(4)};
}

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
  registry.add({"com.microsoft", "SparseAttention", 1, inferSparseAttention,
                nullptr, nullptr,
                "raised to sy.sparse_attention (causal blocks over the KV "
                "cache) by sy-raise-attention, with onnxruntime's CPU "
                "semantics; f32, static shapes, constant block layout",
                /*raised=*/true});
}
