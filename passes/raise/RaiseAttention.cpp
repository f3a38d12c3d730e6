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
//===----------------------------------------------------------------------===//

#include "passes/raise/Passes.h"

#include "dialects/onnx/ONNXOps.h"
#include "dialects/sy/SyOps.h"
#include "passes/lower/onnx/OpRegistry.h"
#include "passes/raise/ConstantSubgraph.h"
#include "passes/raise/OnnxMatch.h"

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

struct RaiseAttention
    : switchyard::impl::RaiseAttentionBase<RaiseAttention> {
  void runOnOperation() override {
    SmallVector<NodeOp> softmaxes;
    getOperation().walk([&](NodeOp node) {
      if (node.isDefaultDomain() && node.getOpType() == "Softmax")
        softmaxes.push_back(node);
    });
    for (NodeOp softmax : softmaxes)
      raiseAttention(softmax);
  }
};

} // namespace
