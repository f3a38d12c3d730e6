//===- RaiseAttention.cpp - masked attention to sy.sparse_attention -------===//
//
// Exported attention with a constant mask is
//   MatMul(q', kt') -> [scale] -> mask -> [scale] -> Softmax(last axis)
//       -> MatMul(probs, v)
// where q' and kt' may carry scalar Muls (torch's SDPA export scales both
// by d^-1/4), kt' is usually a Transpose, each scale is a Mul or Div by a
// positive scalar constant and the mask one of
//   Add(scores, M)            M additive: 0 where visible, -inf or a large
//                             negative value (<= -1e4 after scaling) where
//                             masked, any other finite value a bias;
//   Where(C, fill, scores)    masked_fill: C boolean, fill -inf or <= -1e4
//   Where(C, scores, fill)    (the other polarity).
// M and C are constants or subgraphs of constants (ConstantSubgraph.h:
// torch's Range / comparison masks). The mask must be broadcast over the
// batch (size 1 there); it may differ per head.
//
// From the folded mask the pass derives the sparsity, in this order:
//   causal / window [L, R], either with global G, when it is exactly that;
//   blocks B for the largest B in {128, 64, 32, 16} where every B x B block
//   is all visible or all masked (per head when heads differ);
//   else blocks 64 of the blocks holding any visible pair, plus the mask
//   itself as the op's additive bias (it masks inside partial blocks).
// A non-zero bias on visible pairs is kept as the op's bias too.
//
// Semantics kept exactly: a masked score weighs exp(-inf) = 0 in the op
// and exp(fill + s - max) in the graph, which is 0 in f32 for fills
// <= -1e4 whenever the visible scores of a row span less than ~1e4. A row
// with no visible key gives NaN in the graph with a -inf mask (so in the
// op, fully_masked_rows = nan) but an average over all keys with a finite
// fill: such masks are not raised.
//
// onnxruntime's com.microsoft.SparseAttention (last section) is raised
// whole, with the semantics of onnxruntime's CPU kernel: the new keys and
// values (rotated when do_rotary) are written into the KV cache at each
// batch's past length, and one sy.sparse_attention with query_offsets
// attends from the new positions over the cache under the causal block
// layout its CSR inputs describe.
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Passes.h"

#include "dialects/onnx/ONNXOps.h"
#include "dialects/sy/SyOps.h"
#include "passes/lower/onnx/Builders.h"
#include "passes/lower/onnx/Contrib.h"
#include "passes/lower/onnx/OpRegistry.h"
#include "passes/raise/ConstantSubgraph.h"
#include "passes/raise/OnnxMatch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

namespace switchyard {
#define GEN_PASS_DEF_RAISEATTENTION
#include "passes/raise/Passes.h.inc"
} // namespace switchyard

using namespace mlir;
namespace sy = switchyard::sy;
using switchyard::onnx::NodeOp;
using switchyard::onnx::NodeView;
using namespace switchyard::raise;

namespace {

/// Fills at or below this (after scaling) mask like -inf (see above).
constexpr double kMaskedAtMost = -1e4;

/// The value of a scalar (one-element) f32 constant.
std::optional<double> scalarConstant(Value v) {
  DenseElementsAttr attr = constantValue(v);
  if (!attr || attr.getNumElements() != 1 ||
      !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  return (*attr.getValues<APFloat>().begin()).convertToDouble();
}

/// `v` stripped of Mul / Div by positive scalar constants (each used only
/// on this path); the factors multiply `scale`.
Value peelScales(Value v, double &scale, SmallVectorImpl<Operation *> &dead) {
  while (true) {
    NodeOp node = defNode(v, "Mul");
    bool div = false;
    if (!node) {
      node = defNode(v, "Div");
      div = true;
    }
    if (!node || node.getInputs().size() != 2 || !v.hasOneUse())
      return v;
    Value a = node.getInputs()[0], b = node.getInputs()[1];
    std::optional<double> c = scalarConstant(b);
    Value rest = a;
    if (!c && !div) {
      c = scalarConstant(a);
      rest = b;
    }
    if (!c || !(*c > 0) || !std::isfinite(*c) ||
        rest.getType() != v.getType())
      return v;
    scale = div ? scale / *c : scale * *c;
    dead.push_back(node);
    v = rest;
  }
}

/// The mask as the raising needs it: per (head, query, key) of the
/// broadcast mask, masked or not, and the additive value where visible.
struct Mask {
  int64_t heads = 1, sq = 0, sk = 0;
  std::vector<uint8_t> visible;  // [heads][sq][sk]
  std::vector<float> additive;   // same; empty when all visible values are 0
  bool finiteFill = false;       // some masked entry is finite
};

/// Broadcasts `t` (rank <= scoreRank) against scores [..., sq, sk]: its
/// leading dims must be 1 except the head dim (rank-4 scores' dim 1),
/// which may be `heads`. Returns the index of element (h, q, k) via fn.
std::optional<Mask> maskFrom(const HostTensor &t, ArrayRef<int64_t> scores,
                             double scaleAfter,
                             const std::function<std::optional<double>(double)>
                                 &valueOf /* nullopt: masked */) {
  int64_t rank = scores.size();
  if (static_cast<int64_t>(t.shape.size()) > rank)
    return std::nullopt;
  SmallVector<int64_t> shape(rank - t.shape.size(), 1);
  shape.append(t.shape.begin(), t.shape.end());
  int64_t sq = scores[rank - 2], sk = scores[rank - 1];
  int64_t heads = 1;
  for (int64_t d = 0; d < rank - 2; ++d) {
    if (shape[d] == 1)
      continue;
    if (rank == 4 && d == 1 && shape[d] == scores[1]) {
      heads = shape[d];
      continue;
    }
    return std::nullopt; // has a batch dim
  }
  int64_t mq = shape[rank - 2], mk = shape[rank - 1];
  if ((mq != 1 && mq != sq) || (mk != 1 && mk != sk))
    return std::nullopt;
  Mask m;
  m.heads = heads;
  m.sq = sq;
  m.sk = sk;
  m.visible.resize(heads * sq * sk);
  std::vector<float> additive(heads * sq * sk);
  bool anyBias = false;
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t q = 0; q < sq; ++q)
      for (int64_t k = 0; k < sk; ++k) {
        int64_t src = (h * mq + (mq == 1 ? 0 : q)) * mk + (mk == 1 ? 0 : k);
        double raw = t.data[src];
        int64_t dst = (h * sq + q) * sk + k;
        std::optional<double> value = valueOf(raw);
        if (!value) {
          m.visible[dst] = 0;
          continue;
        }
        double scaled = *value * scaleAfter;
        if (std::isnan(scaled))
          return std::nullopt;
        if (scaled == -INFINITY || scaled <= kMaskedAtMost) {
          m.visible[dst] = 0;
          m.finiteFill |= std::isfinite(scaled);
          continue;
        }
        m.visible[dst] = 1;
        additive[dst] = static_cast<float>(scaled);
        anyBias |= additive[dst] != 0.f;
      }
  if (anyBias) {
    for (size_t i = 0; i < additive.size(); ++i)
      if (!m.visible[i])
        additive[i] = -INFINITY;
    m.additive = std::move(additive);
  }
  return m;
}

/// The mask applied by `node` (an Add or Where on the score chain) and the
/// chain value it reads; nullopt when it is not a constant mask.
std::optional<std::pair<Mask, Value>>
maskOf(NodeOp node, ArrayRef<int64_t> scores, double scaleAfter) {
  StringRef type = node.getOpType();
  auto inputs = node.getInputs();
  Type scoreType = node.getOutputs()[0].getType();
  if (type == "Add" && inputs.size() == 2) {
    for (int side = 0; side < 2; ++side) {
      Value chain = inputs[side], mask = inputs[1 - side];
      if (chain.getType() != scoreType)
        continue;
      std::optional<HostTensor> t = evaluateConstant(mask);
      if (!t)
        continue;
      auto m = maskFrom(*t, scores, scaleAfter,
                        [](double v) { return std::optional<double>(v); });
      if (!m)
        return std::nullopt;
      return std::make_pair(std::move(*m), chain);
    }
    return std::nullopt;
  }
  if (type == "Where" && inputs.size() == 3) {
    std::optional<HostTensor> cond = evaluateConstant(inputs[0]);
    if (!cond)
      return std::nullopt;
    for (int side = 1; side < 3; ++side) {
      Value fill = inputs[side], chain = inputs[3 - side];
      std::optional<double> f = scalarConstant(fill);
      if (!f || chain.getType() != scoreType)
        continue;
      double scaled = *f * scaleAfter;
      if (!(scaled == -INFINITY || scaled <= kMaskedAtMost))
        return std::nullopt;
      bool fillWhenTrue = side == 1;
      auto m = maskFrom(*cond, scores, 1.0, [&](double c) {
        bool masked = (c != 0) == fillWhenTrue;
        return masked ? std::optional<double>() : std::optional<double>(0.0);
      });
      if (!m)
        return std::nullopt;
      m->finiteFill = std::isfinite(scaled);
      return std::make_pair(std::move(*m), chain);
    }
  }
  return std::nullopt;
}

/// True when some query row of the mask sees no key.
bool hasFullyMaskedRow(const Mask &m) {
  for (int64_t r = 0; r < m.heads * m.sq; ++r) {
    const uint8_t *row = &m.visible[r * m.sk];
    if (std::none_of(row, row + m.sk, [](uint8_t v) { return v != 0; }))
      return true;
  }
  return false;
}

/// True when every head of the mask is the first one's.
bool sameForEveryHead(const Mask &m) {
  size_t plane = m.sq * m.sk;
  for (int64_t h = 1; h < m.heads; ++h)
    if (!std::equal(m.visible.begin(), m.visible.begin() + plane,
                    m.visible.begin() + h * plane))
      return false;
  return true;
}

/// The causal / window sparsity the (one-head) mask is exactly, or null.
sy::SparsityAttr structuredSparsity(MLIRContext *ctx, const Mask &m) {
  int64_t sq = m.sq, sk = m.sk;
  auto vis = [&](int64_t q, int64_t k) { return m.visible[q * sk + k] != 0; };
  // Global tokens: leading rows and columns that are entirely visible.
  int64_t rows = 0, cols = 0;
  while (rows < sq && std::all_of(&m.visible[rows * sk],
                                  &m.visible[rows * sk] + sk,
                                  [](uint8_t v) { return v != 0; }))
    ++rows;
  while (cols < sk) {
    bool all = true;
    for (int64_t q = 0; q < sq && all; ++q)
      all = vis(q, cols);
    if (!all)
      break;
    ++cols;
  }
  int64_t g = std::min(rows, cols);
  // The window from the rows it does not clip: L = q - first visible key,
  // R = last visible key - q (keys below g are global).
  const int64_t unbounded = std::max(sq, sk);
  int64_t left = -1, right = -1;
  bool leftClipped = true, rightClipped = true;
  for (int64_t q = g; q < sq; ++q) {
    int64_t lo = -1, hi = -1;
    for (int64_t k = g; k < sk; ++k)
      if (vis(q, k)) {
        if (lo < 0)
          lo = k;
        hi = k;
      }
    if (lo < 0)
      return {};
    if (lo > g) {
      left = std::max(left, q - lo);
      leftClipped = false;
    }
    if (hi < sk - 1) {
      right = std::max(right, hi - q);
      rightClipped = false;
    }
  }
  if (leftClipped)
    left = unbounded;
  if (rightClipped)
    right = unbounded;
  if (left < 0 || right < 0)
    return {};
  for (int64_t q = 0; q < sq; ++q)
    for (int64_t k = 0; k < sk; ++k) {
      bool want = q < g || k < g || (k >= q - left && k <= q + right);
      if (want != vis(q, k))
        return {};
    }
  bool causal = right == 0 && left >= sq - 1;
  return sy::SparsityAttr::get(
      ctx, causal ? sy::SparsityKind::causal : sy::SparsityKind::window,
      causal ? 0 : std::min(left, unbounded), causal ? 0 : std::min(right, unbounded),
      g, 0, nullptr, /*causal=*/false);
}

/// The block layout of `m` with blocks of `bs` ([heads][QB][KB], a block
/// on when it holds a visible pair), and whether every block is whole.
std::pair<std::vector<bool>, bool> blockLayout(const Mask &m, int64_t heads,
                                               int64_t bs) {
  int64_t qb = (m.sq + bs - 1) / bs, kb = (m.sk + bs - 1) / bs;
  std::vector<bool> layout(heads * qb * kb, false);
  std::vector<int64_t> count(heads * qb * kb, 0);
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t q = 0; q < m.sq; ++q)
      for (int64_t k = 0; k < m.sk; ++k)
        count[(h * qb + q / bs) * kb + k / bs] +=
            m.visible[(h * m.sq + q) * m.sk + k];
  bool exact = true;
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t i = 0; i < qb; ++i)
      for (int64_t j = 0; j < kb; ++j) {
        int64_t n = count[(h * qb + i) * kb + j];
        int64_t area = (std::min((i + 1) * bs, m.sq) - i * bs) *
                       (std::min((j + 1) * bs, m.sk) - j * bs);
        layout[(h * qb + i) * kb + j] = n > 0;
        exact &= n == 0 || n == area;
      }
  return {layout, exact};
}

/// `#sy.sparsity<blocks bs [causal], layout>` of `heads` layouts over
/// `qpos` query positions and `sk` keys.
sy::SparsityAttr blocksSparsity(MLIRContext *ctx, int64_t heads, int64_t qpos,
                                int64_t sk, int64_t bs,
                                const std::vector<bool> &layout,
                                bool causal = false) {
  auto type = RankedTensorType::get(
      {heads, (qpos + bs - 1) / bs, (sk + bs - 1) / bs},
      IntegerType::get(ctx, 1));
  SmallVector<bool> bits(layout.begin(), layout.end());
  return sy::SparsityAttr::get(ctx, sy::SparsityKind::blocks, 0, 0, 0, bs,
                               cast<DenseIntElementsAttr>(
                                   DenseElementsAttr::get(type, ArrayRef(bits))),
                               causal);
}

/// `v` [..., S, D] of rank 2-4 as [B, H, S, D].
Value toRank4(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  ArrayRef<int64_t> s = type.getShape();
  if (s.size() == 4)
    return v;
  SmallVector<int64_t> shape = s.size() == 3
                                   ? SmallVector<int64_t>{s[0], 1, s[1], s[2]}
                                   : SmallVector<int64_t>{1, 1, s[0], s[1]};
  SmallVector<ReassociationIndices> groups =
      s.size() == 3 ? SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}}
                    : SmallVector<ReassociationIndices>{{0, 1, 2}, {3}};
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), v, groups);
}

/// The key [..., SK, D] for kt' [..., D, SK]: a Transpose's input under the
/// composed permutation (none when that is the identity), or a new
/// Transpose of the last two dims.
Value keyFromTransposed(OpBuilder &b, Location loc, Value kt, double &scale,
                        SmallVectorImpl<Operation *> &dead) {
  auto type = cast<RankedTensorType>(kt.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> swap(rank);
  std::iota(swap.begin(), swap.end(), 0);
  std::swap(swap[rank - 1], swap[rank - 2]);
  SmallVector<int64_t> keyShape(type.getShape());
  std::swap(keyShape[rank - 1], keyShape[rank - 2]);
  auto keyType = RankedTensorType::get(keyShape, type.getElementType());

  Value source = kt;
  SmallVector<int64_t> perm = swap;
  if (NodeOp t = defNode(kt, "Transpose"); t && kt.hasOneUse()) {
    auto p = NodeView(t).intsAttr("perm");
    Value in = t.getInputs()[0];
    if (p && static_cast<int64_t>(p->size()) == rank) {
      // key[i] = kt[swap[i]] = in[p[swap[i]]]
      for (int64_t i = 0; i < rank; ++i)
        perm[i] = (*p)[swap[i]];
      source = peelScales(in, scale, dead);
      dead.push_back(t);
    }
  }
  bool identity = true;
  for (int64_t i = 0; i < rank; ++i)
    identity &= perm[i] == i;
  if (identity && source.getType() == keyType)
    return source;
  auto attrs = DictionaryAttr::get(
      b.getContext(), {b.getNamedAttr("perm", b.getDenseI64ArrayAttr(perm))});
  int64_t opset = 13;
  if (auto node = kt.getDefiningOp<NodeOp>())
    opset = node.getOpset();
  return NodeOp::create(b, loc, TypeRange{keyType}, ValueRange{source},
                        "Transpose", "", opset, attrs, StringAttr())
      .getOutputs()[0];
}

/// Raises the attention around `softmax`; false when it does not match.
bool raiseAttention(NodeOp softmax) {
  if (softmax.getInputs().size() != 1)
    return false;
  Value probs = softmax.getOutputs()[0];
  auto scores = staticShape(probs);
  if (!scores || scores->size() < 2 || scores->size() > 4 ||
      !cast<ShapedType>(probs.getType()).getElementType().isF32())
    return false;
  int64_t rank = scores->size();
  if (nodeAxis(softmax, softmax.getOpset() < 13 ? 1 : -1, rank) != rank - 1)
    return false;
  if (!probs.hasOneUse())
    return false;
  auto pv = dyn_cast<NodeOp>(*probs.getUsers().begin());
  if (!pv || !pv.isDefaultDomain() || pv.getOpType() != "MatMul" ||
      pv.getInputs()[0] != probs)
    return false;
  Value value = pv.getInputs()[1];
  auto vShape = staticShape(value), outShape = staticShape(pv.getOutputs()[0]);
  if (!vShape || static_cast<int64_t>(vShape->size()) != rank || !outShape)
    return false;

  // Scores chain: scales and one mask down to MatMul(q', kt').
  SmallVector<Operation *> dead{pv, softmax};
  double scale = 1.0;
  std::optional<Mask> mask;
  Value s = softmax.getInputs()[0];
  NodeOp qk;
  while (!qk) {
    if (!s.hasOneUse())
      return false;
    s = peelScales(s, scale, dead);
    if ((qk = defNode(s, "MatMul")))
      break;
    auto node = s.getDefiningOp<NodeOp>();
    if (mask || !node || !node.isDefaultDomain() ||
        (node.getOpType() != "Add" && node.getOpType() != "Where") ||
        !s.hasOneUse())
      return false;
    auto found = maskOf(node, *scores, scale);
    if (!found)
      return false;
    mask = std::move(found->first);
    dead.push_back(node);
    s = found->second;
  }
  if (!mask || !s.hasOneUse())
    return false;
  dead.push_back(qk);
  if (mask->finiteFill && hasFullyMaskedRow(*mask))
    return false;

  OpBuilder b(pv);
  Location loc = pv.getLoc();
  Value q = peelScales(qk.getInputs()[0], scale, dead);
  Value kt = peelScales(qk.getInputs()[1], scale, dead);
  auto qShape = staticShape(q), ktShape = staticShape(kt);
  if (!qShape || !ktShape || static_cast<int64_t>(qShape->size()) != rank ||
      static_cast<int64_t>(ktShape->size()) != rank)
    return false;
  // No broadcasting between the batch dims of the two products.
  for (int64_t d = 0; d < rank - 2; ++d)
    if ((*qShape)[d] != (*scores)[d] || (*ktShape)[d] != (*scores)[d] ||
        (*vShape)[d] != (*scores)[d])
      return false;
  if ((*qShape)[rank - 1] != (*ktShape)[rank - 2] ||
      (*vShape)[rank - 2] != (*scores)[rank - 1])
    return false;
  for (Value v : {q, kt, value})
    if (!cast<ShapedType>(v.getType()).getElementType().isF32())
      return false;

  // Sparsity and bias.
  MLIRContext *ctx = pv.getContext();
  int64_t heads = sameForEveryHead(*mask) ? 1 : mask->heads;
  bool needBias = !mask->additive.empty();
  sy::SparsityAttr sparsity;
  if (heads == 1)
    sparsity = structuredSparsity(ctx, *mask);
  if (!sparsity) {
    for (int64_t bs : {128, 64, 32, 16}) {
      auto [layout, exact] = blockLayout(*mask, heads, bs);
      if (exact) {
        sparsity = blocksSparsity(ctx, heads, mask->sq, mask->sk, bs, layout);
        break;
      }
    }
  }
  if (!sparsity) {
    sparsity = blocksSparsity(ctx, heads, mask->sq, mask->sk, 64,
                              blockLayout(*mask, heads, 64).first);
    needBias = true;
  }

  // The key may need a new Transpose: build it only now that all matched.
  Value key = keyFromTransposed(b, loc, kt, scale, dead);
  Value bias;
  if (needBias) {
    std::vector<float> values = mask->additive;
    if (values.empty()) {
      values.resize(mask->visible.size());
      for (size_t i = 0; i < values.size(); ++i)
        values[i] = mask->visible[i] ? 0.f : -INFINITY;
    }
    int64_t biasHeads = mask->heads;
    if (heads == 1 && biasHeads > 1 && mask->additive.empty())
      values.resize(mask->sq * mask->sk), biasHeads = 1;
    auto type = RankedTensorType::get({1, biasHeads, mask->sq, mask->sk},
                                      b.getF32Type());
    bias = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, ArrayRef<float>(values)));
  }
  Value q4 = toRank4(b, loc, q), k4 = toRank4(b, loc, key),
        v4 = toRank4(b, loc, value);
  auto outType4 = RankedTensorType::get(
      {cast<ShapedType>(q4.getType()).getDimSize(0),
       cast<ShapedType>(q4.getType()).getDimSize(1),
       cast<ShapedType>(q4.getType()).getDimSize(2),
       cast<ShapedType>(v4.getType()).getDimSize(3)},
      b.getF32Type());
  Value out = sy::SparseAttentionOp::create(
      b, loc, outType4, q4, k4, v4, bias, /*query_offsets=*/Value(),
      b.getF32FloatAttr(scale), sparsity,
      sy::FullyMaskedRowsAttr::get(ctx, sy::FullyMaskedRows::nan));
  if (rank != 4) {
    SmallVector<ReassociationIndices> groups =
        rank == 3 ? SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}}
                  : SmallVector<ReassociationIndices>{{0, 1, 2}, {3}};
    out = tensor::CollapseShapeOp::create(b, loc, pv.getOutputs()[0].getType(),
                                          out, groups);
  }
  pv.getOutputs()[0].replaceAllUsesWith(out);
  eraseDeadOps(dead);
  return true;
}

//===----------------------------------------------------------------------===//
// com.microsoft.SparseAttention
//===----------------------------------------------------------------------===//

using switchyard::onnx::ContribSparseAttention;

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// min(max(v, lo), hi) on index values.
Value clampIndex(OpBuilder &b, Location loc, Value v, int64_t lo, int64_t hi) {
  v = arith::MaxSIOp::create(b, loc, v, indexConstant(b, loc, lo));
  return arith::MinSIOp::create(b, loc, v, indexConstant(b, loc, hi));
}

/// offsets[b] as an index.
Value offsetAt(OpBuilder &b, Location loc, Value offsets, Value batch) {
  Value off = tensor::ExtractOp::create(b, loc, offsets, ValueRange{batch});
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), off);
}

/// Each batch's past length, i32 [B], as onnxruntime's CPU kernel takes
/// it: 0 in a prompt (total_sequence_length == S), else
/// key_total_sequence_lengths[b] - S.
Value pastLengths(OpBuilder &b, Location loc, Value total, Value lengths,
                  int64_t seq) {
  auto type = cast<RankedTensorType>(lengths.getType());
  Value totalScalar = switchyard::onnx::extractScalar(b, loc, total);
  return switchyard::onnx::buildIndexedGeneric(
      b, loc, type, [&](OpBuilder &nb, Location l, ValueRange idx) -> Value {
        Value s = arith::ConstantIntOp::create(nb, l, seq, 32);
        Value prompt = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                             totalScalar, s);
        Value len = tensor::ExtractOp::create(nb, l, lengths, idx);
        Value past = arith::SubIOp::create(nb, l, len, s);
        return arith::SelectOp::create(
            nb, l, prompt, arith::ConstantIntOp::create(nb, l, 0, 32), past);
      });
}

/// x [B, S, N, D] as [B, N, S, D], rotated when given the caches, as
/// onnxruntime's rotary embedding does at position offsets[b] + s (clamped
/// into the cos/sin caches): for i < rotary_dim,
///   out[i] = x[i] cos[pos, c] + sign x[j] sin[pos, c]
/// with c = i / 2, j = i ^ 1, sign - for even i (interleaved), else
/// c = i mod half, j = (i + half) mod rotary_dim, sign - for i < half.
Value headsFirst(OpBuilder &b, Location loc, Value x,
                 const ContribSparseAttention &sa, Value offsets,
                 Value cosCache, Value sinCache) {
  auto type = cast<RankedTensorType>(x.getType());
  ArrayRef<int64_t> s = type.getShape();
  auto outType =
      RankedTensorType::get({s[0], s[2], s[1], s[3]}, type.getElementType());
  bool rotate = static_cast<bool>(cosCache);
  int64_t half = sa.rotaryDim / 2;
  return switchyard::onnx::buildIndexedGeneric(
      b, loc, outType, [&](OpBuilder &nb, Location l, ValueRange idx) -> Value {
        Value batch = idx[0], head = idx[1], pos = idx[2], i = idx[3];
        Value xi = tensor::ExtractOp::create(nb, l, x,
                                             ValueRange{batch, pos, head, i});
        if (!rotate)
          return xi;
        Value at = arith::AddIOp::create(nb, l, offsetAt(nb, l, offsets, batch),
                                         pos);
        at = clampIndex(nb, l, at, 0, sa.rotaryPositions - 1);
        Value c, j, negative;
        if (sa.interleaved) {
          c = arith::DivUIOp::create(nb, l, i, indexConstant(nb, l, 2));
          j = arith::XOrIOp::create(nb, l, i, indexConstant(nb, l, 1));
          Value odd = arith::AndIOp::create(nb, l, i, indexConstant(nb, l, 1));
          negative = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, odd,
                                           indexConstant(nb, l, 0));
        } else {
          c = arith::RemUIOp::create(nb, l, i, indexConstant(nb, l, half));
          j = arith::RemUIOp::create(
              nb, l, arith::AddIOp::create(nb, l, i, indexConstant(nb, l, half)),
              indexConstant(nb, l, sa.rotaryDim));
          negative = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, i,
                                           indexConstant(nb, l, half));
        }
        // Past rotary_dim the element is copied; keep the reads in range.
        c = clampIndex(nb, l, c, 0, half - 1);
        j = clampIndex(nb, l, j, 0, sa.headSize - 1);
        Value cosv = tensor::ExtractOp::create(nb, l, cosCache, ValueRange{at, c});
        Value sinv = tensor::ExtractOp::create(nb, l, sinCache, ValueRange{at, c});
        Value xj = tensor::ExtractOp::create(nb, l, x,
                                             ValueRange{batch, pos, head, j});
        Value signedXj = arith::SelectOp::create(
            nb, l, negative, arith::NegFOp::create(nb, l, xj), xj);
        Value rotated = arith::AddFOp::create(
            nb, l, arith::MulFOp::create(nb, l, xi, cosv),
            arith::MulFOp::create(nb, l, signedXj, sinv));
        Value inside = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                             i, indexConstant(nb, l, sa.rotaryDim));
        return arith::SelectOp::create(nb, l, inside, rotated, xi);
      });
}

/// The KV cache `past` [B, N, C, D] with rows [p, p + S) of each batch
/// replaced by `fresh` [B, N, S, D], p = offsets[b] clamped into
/// [0, C - S] (an offset outside fails the run in the attention kernel).
Value updateCache(OpBuilder &b, Location loc, Value past, Value fresh,
                  Value offsets) {
  auto type = cast<RankedTensorType>(past.getType());
  int64_t cache = type.getDimSize(2);
  int64_t seq = cast<RankedTensorType>(fresh.getType()).getDimSize(2);
  return switchyard::onnx::buildIndexedGeneric(
      b, loc, type, [&](OpBuilder &nb, Location l, ValueRange idx) -> Value {
        Value off =
            clampIndex(nb, l, offsetAt(nb, l, offsets, idx[0]), 0, cache - seq);
        Value row = arith::SubIOp::create(nb, l, idx[2], off);
        Value inNew = arith::AndIOp::create(
            nb, l,
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, row,
                                  indexConstant(nb, l, 0)),
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, row,
                                  indexConstant(nb, l, seq)));
        row = clampIndex(nb, l, row, 0, seq - 1);
        Value fromNew = tensor::ExtractOp::create(
            nb, l, fresh, ValueRange{idx[0], idx[1], row, idx[3]});
        Value old = tensor::ExtractOp::create(nb, l, past, idx);
        return arith::SelectOp::create(nb, l, inNew, fromNew, old);
      });
}

/// `<causal>` when every layout is the full lower triangle over the
/// cache's blocks, else `<blocks B causal, ...>` of the layouts' rows and
/// columns that cover the cache.
sy::SparsityAttr contribSparsity(MLIRContext *ctx,
                                 const ContribSparseAttention &sa) {
  int64_t nb = (sa.cache + sa.blockSize - 1) / sa.blockSize;
  std::vector<bool> layout(sa.layouts * nb * nb);
  bool causal = true;
  for (int64_t l = 0; l < sa.layouts; ++l)
    for (int64_t r = 0; r < nb; ++r)
      for (int64_t c = 0; c < nb; ++c) {
        bool vis = sa.visible[l][r][c];
        layout[(l * nb + r) * nb + c] = vis;
        causal &= vis == (c <= r);
      }
  if (causal)
    return sy::SparsityAttr::get(ctx, sy::SparsityKind::causal, 0, 0, 0, 0,
                                 nullptr, /*causal=*/false);
  return blocksSparsity(ctx, sa.layouts, sa.cache, sa.cache, sa.blockSize,
                        layout, /*causal=*/true);
}

LogicalResult raiseContribSparseAttention(NodeOp node) {
  NodeView view(node);
  FailureOr<ContribSparseAttention> parsed =
      switchyard::onnx::parseContribSparseAttention(view);
  if (failed(parsed))
    return failure();
  const ContribSparseAttention &sa = *parsed;
  OpBuilder b(node);
  Location loc = node.getLoc();
  auto f32 = b.getF32Type();
  int64_t B = sa.batch, S = sa.seq, D = sa.headSize;

  // [B, S, N * D] -> [B, S, N, D]; a packed query holds q, k and v heads.
  auto split = [&](Value v, int64_t heads) -> Value {
    return tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({B, S, heads, D}, f32), v,
        ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
  };
  Value q, k, v;
  if (sa.packed) {
    Value all = split(view.input(0), sa.heads + 2 * sa.kvHeads);
    auto heads = [&](int64_t first, int64_t count) -> Value {
      SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                           b.getIndexAttr(first),
                                           b.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes = {b.getIndexAttr(B), b.getIndexAttr(S),
                                         b.getIndexAttr(count),
                                         b.getIndexAttr(D)};
      SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
      return tensor::ExtractSliceOp::create(
          b, loc, RankedTensorType::get({B, S, count, D}, f32), all, offsets,
          sizes, strides);
    };
    q = heads(0, sa.heads);
    k = heads(sa.heads, sa.kvHeads);
    v = heads(sa.heads + sa.kvHeads, sa.kvHeads);
  } else {
    q = split(view.input(0), sa.heads);
    k = split(view.input(1), sa.kvHeads);
    v = split(view.input(2), sa.kvHeads);
  }

  Value past = pastLengths(b, loc, view.input(7), view.input(8), S);
  Value cosCache = sa.rotary ? view.input(9) : Value();
  Value sinCache = sa.rotary ? view.input(10) : Value();
  Value q4 = headsFirst(b, loc, q, sa, past, cosCache, sinCache);
  Value k4 = headsFirst(b, loc, k, sa, past, cosCache, sinCache);
  Value v4 = headsFirst(b, loc, v, sa, past, /*cosCache=*/Value(),
                        /*sinCache=*/Value()); // values are not rotated
  Value presentK = updateCache(b, loc, view.input(3), k4, past);
  Value presentV = updateCache(b, loc, view.input(4), v4, past);

  Value attn = sy::SparseAttentionOp::create(
      b, loc, RankedTensorType::get({B, sa.heads, S, D}, f32), q4, presentK,
      presentV, /*bias=*/Value(), /*query_offsets=*/past,
      b.getF32FloatAttr(sa.scale), contribSparsity(b.getContext(), sa),
      sy::FullyMaskedRowsAttr::get(b.getContext(), sy::FullyMaskedRows::nan));
  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{B, S, sa.heads, D},
                                       f32);
  Value merged = linalg::TransposeOp::create(b, loc, attn, init,
                                             ArrayRef<int64_t>{0, 2, 1, 3})
                     ->getResult(0);
  Value out = tensor::CollapseShapeOp::create(
      b, loc, merged, ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});

  node.getOutputs()[0].replaceAllUsesWith(out);
  if (node.getOutputs().size() > 1)
    node.getOutputs()[1].replaceAllUsesWith(presentK);
  if (node.getOutputs().size() > 2)
    node.getOutputs()[2].replaceAllUsesWith(presentV);
  node.erase();
  return success();
}

struct RaiseAttention
    : switchyard::impl::RaiseAttentionBase<RaiseAttention> {
  void runOnOperation() override {
    SmallVector<NodeOp> softmaxes, contrib;
    getOperation().walk([&](NodeOp node) {
      if (node.isDefaultDomain() && node.getOpType() == "Softmax")
        softmaxes.push_back(node);
      if (node.getDomain() == "com.microsoft" &&
          node.getOpType() == "SparseAttention")
        contrib.push_back(node);
    });
    for (NodeOp softmax : softmaxes)
      raiseAttention(softmax);
    for (NodeOp node : contrib)
      if (failed(raiseContribSparseAttention(node)))
        return signalPassFailure();
  }
};

} // namespace
