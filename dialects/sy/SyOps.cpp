//===- SyOps.cpp - verifiers of the sy ops --------------------------------===//
//
// Every rule of an op's description that can be checked on types is checked
// here, one message per rule, with the numbers involved. Dynamic dimensions
// are checked only where both sides are static.
//
//===----------------------------------------------------------------------===//

#include <cmath>
#include "dialects/sy/SyOps.h"
#include "dialects/sy/PoolingShapes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace switchyard::sy;

#include "dialects/sy/SyDialect.cpp.inc"

void SyDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "dialects/sy/SyOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Shape checking helpers
//===----------------------------------------------------------------------===//

static constexpr int64_t kDyn = ShapedType::kDynamic;

/// Product of two sizes, dynamic when either is.
static int64_t mulDims(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) ? kDyn : a * b;
}

static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return s;
}

/// Checks that `value` (named `what`) has rank `expected.size()` and that
/// every dimension agrees with `expected` where both are static.
static LogicalResult checkShape(Operation *op, StringRef what, Value value,
                                ArrayRef<int64_t> expected) {
  auto type = cast<ShapedType>(value.getType());
  if (type.getRank() != static_cast<int64_t>(expected.size()))
    return op->emitOpError("expected ")
           << what << " of rank " << expected.size() << " "
           << formatShape(expected) << ", got rank " << type.getRank();
  for (auto [got, want] : llvm::zip(type.getShape(), expected)) {
    if (!ShapedType::isDynamic(got) && !ShapedType::isDynamic(want) &&
        got != want)
      return op->emitOpError("expected ")
             << what << " of shape " << formatShape(expected) << ", got "
             << formatShape(type.getShape());
  }
  return success();
}

/// Checks that `value` has rank `rank`; returns its shape in `shape`.
static LogicalResult checkRank(Operation *op, StringRef what, Value value,
                               int64_t rank, StringRef dims,
                               ArrayRef<int64_t> &shape) {
  auto type = cast<ShapedType>(value.getType());
  if (type.getRank() != rank)
    return op->emitOpError("expected ")
           << what << " of rank " << rank << " " << dims << ", got rank "
           << type.getRank();
  shape = type.getShape();
  return success();
}

static LogicalResult checkSameElementType(Operation *op, StringRef what,
                                          Value value, StringRef refName,
                                          Value ref) {
  Type got = getElementTypeOrSelf(value.getType());
  Type want = getElementTypeOrSelf(ref.getType());
  if (got != want)
    return op->emitOpError("expected ")
           << what << " element type " << got << " to match " << refName
           << " element type " << want;
  return success();
}

/// Sum of a size and a constant, dynamic when the size is.
static int64_t addDims(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) ? kDyn : a + b;
}

/// True when `a` and `b` are both static and differ.
static bool staticMismatch(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

//===----------------------------------------------------------------------===//
// RouteOp
//===----------------------------------------------------------------------===//

/// The rules of sy.route's description, shared with sy.route_dispatch.
static LogicalResult
verifyRouting(Operation *op, Value logitsValue, Value correctionBias,
              int64_t k, std::optional<APFloat> renormalizeKept,
              std::optional<uint64_t> groups,
              std::optional<uint64_t> topGroups,
              std::optional<GroupScore> groupScore, Value expertIds,
              Value weights) {
  ArrayRef<int64_t> logits;
  if (failed(checkRank(op, "logits", logitsValue, 2, "[tokens, experts]",
                       logits)))
    return failure();
  int64_t tokens = logits[0], experts = logits[1];
  if (!ShapedType::isDynamic(experts) && k > experts)
    return op->emitOpError("expected top_k (")
           << k << ") <= number of experts (" << experts << ")";
  if (correctionBias &&
      failed(checkShape(op, "correction_bias", correctionBias,
                        {experts})))
    return failure();
  if (correctionBias &&
      failed(checkSameElementType(op, "correction_bias", correctionBias,
                                  "logits", logitsValue)))
    return failure();
  if (failed(checkShape(op, "expert_ids", expertIds, {tokens, k})) ||
      failed(checkShape(op, "weights", weights, {tokens, k})) ||
      failed(checkSameElementType(op, "weights", weights, "logits",
                                  logitsValue)))
    return failure();

  if (renormalizeKept) {
    double f = renormalizeKept->convertToDouble();
    if (!(f >= 0) || std::isinf(f))
      return op->emitOpError("expected a finite renormalize_kept floor >= 0, "
                             "got ")
             << f;
  }
  // Limited routing needs all three of groups, top_groups and group_score.
  bool anyGroup = groups || topGroups || groupScore;
  bool allGroup = groups && topGroups && groupScore;
  if (anyGroup && !allGroup)
    return op->emitOpError("group-limited routing needs groups, top_groups and "
                       "group_score together");
  if (allGroup) {
    int64_t g = *groups, tg = *topGroups;
    if (tg > g)
      return op->emitOpError("expected top_groups (")
             << tg << ") <= groups (" << g << ")";
    if (!ShapedType::isDynamic(experts)) {
      if (experts % g != 0)
        return op->emitOpError("expected groups (")
               << g << ") to divide the number of experts (" << experts
               << ")";
      int64_t eligible = tg * (experts / g);
      if (k > eligible)
        return op->emitOpError("expected top_k (")
               << k << ") <= experts in the top_groups groups (" << eligible
               << ")";
      if (*groupScore == GroupScore::top2_sum && experts / g < 2)
        return op->emitOpError("group_score top2_sum needs >= 2 experts per "
                           "group, got ")
               << experts / g;
    }
  }
  return success();
}

LogicalResult RouteOp::verify() {
  return verifyRouting(getOperation(), getLogits(), getCorrectionBias(),
                       getTopK(), getRenormalizeKept(), getGroups(),
                       getTopGroups(), getGroupScore(),
                       getExpertIds(), getWeights());
}

//===----------------------------------------------------------------------===//
// DispatchOp
//===----------------------------------------------------------------------===//

/// The rules of sy.dispatch's description, shared with sy.route_dispatch.
static LogicalResult verifyDispatch(Operation *op, Value tokensValue,
                                    Value expertIds, int64_t numExperts,
                                    Value permuted, Value offsets,
                                    Value inverse) {
  ArrayRef<int64_t> tokens, ids;
  if (failed(checkRank(op, "tokens", tokensValue, 2, "[tokens, hidden]",
                       tokens)) ||
      failed(checkRank(op, "expert_ids", expertIds, 2, "[tokens, top_k]",
                       ids)))
    return failure();
  if (staticMismatch(tokens[0], ids[0]))
    return op->emitOpError("expected expert_ids rows (")
           << ids[0] << ") to match the number of tokens (" << tokens[0]
           << ")";
  int64_t t = ShapedType::isDynamic(tokens[0]) ? ids[0] : tokens[0];
  if (failed(checkShape(op, "permuted", permuted,
                        {mulDims(t, ids[1]), tokens[1]})) ||
      failed(checkSameElementType(op, "permuted", permuted, "tokens",
                                  tokensValue)) ||
      failed(checkShape(op, "offsets", offsets,
                        {addDims(numExperts, 1)})) ||
      failed(checkShape(op, "inverse", inverse, {t, ids[1]})))
    return failure();
  return success();
}

LogicalResult DispatchOp::verify() {
  return verifyDispatch(getOperation(), getTokens(), getExpertIds(),
                        getNumExperts(), getPermuted(), getOffsets(),
                        getInverse());
}

//===----------------------------------------------------------------------===//
// RouteDispatchOp
//===----------------------------------------------------------------------===//

LogicalResult RouteDispatchOp::verify() {
  Operation *op = getOperation();
  if (failed(verifyRouting(op, getLogits(), getCorrectionBias(), getTopK(),
                           getRenormalizeKept(), getGroups(), getTopGroups(),
                           getGroupScore(),
                           getExpertIds(), getWeights())))
    return failure();
  int64_t experts = cast<ShapedType>(getLogits().getType()).getDimSize(1);
  return verifyDispatch(op, getTokens(), getExpertIds(), experts,
                        getPermuted(), getOffsets(), getInverse());
}

//===----------------------------------------------------------------------===//
// DispatchWeightsOp
//===----------------------------------------------------------------------===//

LogicalResult DispatchWeightsOp::verify() {
  Operation *op = getOperation();
  ArrayRef<int64_t> inverse, out;
  return failure(
      failed(checkRank(op, "inverse", getInverse(), 2, "[tokens, top_k]",
                       inverse)) ||
      failed(checkShape(op, "weights", getWeights(), inverse)) ||
      failed(checkRank(op, "result", getResult(), 1, "[rows]", out)) ||
      failed(checkSameElementType(op, "result", getResult(), "weights",
                                  getWeights())));
}

//===----------------------------------------------------------------------===//
// GroupedMatmulOp
//===----------------------------------------------------------------------===//

int64_t GroupedMatmulOp::getGemmColumns() {
  auto rhs = cast<ShapedType>(getRhs().getType());
  return rhs.getDimSize(getRhsTransposed() ? 1 : 2);
}

LogicalResult GroupedMatmulOp::verify() {
  Operation *op = getOperation();
  ArrayRef<int64_t> lhs, rhs, offsets;
  if (failed(checkRank(op, "lhs", getLhs(), 2, "[rows, K]", lhs)) ||
      failed(checkRank(op, "rhs", getRhs(), 3,
                       getRhsTransposed() ? "[experts, N, K]"
                                          : "[experts, K, N]",
                       rhs)) ||
      failed(checkRank(op, "offsets", getOffsets(), 1, "[experts + 1]",
                       offsets)) ||
      failed(checkSameElementType(op, "rhs", getRhs(), "lhs", getLhs())) ||
      failed(checkSameElementType(op, "result", getResult(), "lhs", getLhs())))
    return failure();
  if (getTileRows().has_value() != getTileCols().has_value())
    return emitOpError("expected both tile_rows and tile_cols, or neither");
  int64_t experts = rhs[0];
  int64_t kDim = getRhsTransposed() ? rhs[2] : rhs[1];
  int64_t nDim = getGemmColumns();
  if (staticMismatch(lhs[1], kDim))
    return emitOpError("expected lhs columns (")
           << lhs[1] << ") to match the rhs reduction dimension (" << kDim
           << ")";
  if (!ShapedType::isDynamic(experts) &&
      staticMismatch(offsets[0], experts + 1))
    return emitOpError("expected offsets of length experts + 1 (")
           << experts + 1 << "), got " << offsets[0];
  if (getBias()) {
    if (failed(checkShape(op, "bias", getBias(), {experts, nDim})) ||
        failed(checkSameElementType(op, "bias", getBias(), "lhs", getLhs())))
      return failure();
  }
  if (getRowScale()) {
    if (failed(checkShape(op, "row_scale", getRowScale(), {lhs[0]})) ||
        failed(checkSameElementType(op, "row_scale", getRowScale(), "lhs",
                                    getLhs())))
      return failure();
  }
  int64_t outCols = nDim;
  if (isGated() && !ShapedType::isDynamic(nDim)) {
    if (nDim % 2 != 0)
      return emitOpError("expected an even number of GEMM columns for ")
             << stringifyActivation(getActivation()) << ", got " << nDim;
    outCols = nDim / 2;
  } else if (isGated()) {
    outCols = kDyn;
  }
  return checkShape(op, "result", getResult(), {lhs[0], outCols});
}

//===----------------------------------------------------------------------===//
// CombineOp
//===----------------------------------------------------------------------===//

LogicalResult CombineOp::verify() {
  Operation *op = getOperation();
  ArrayRef<int64_t> rows, inverse;
  if (failed(checkRank(op, "expert_out", getExpertOut(), 2, "[rows, hidden]",
                       rows)) ||
      failed(checkRank(op, "inverse", getInverse(), 2, "[tokens, top_k]",
                       inverse)) ||
      (getWeights() &&
       (failed(checkShape(op, "weights", getWeights(), inverse)) ||
        failed(checkSameElementType(op, "weights", getWeights(), "expert_out",
                                    getExpertOut())))) ||
      failed(checkShape(op, "result", getResult(), {inverse[0], rows[1]})) ||
      failed(checkSameElementType(op, "result", getResult(), "expert_out",
                                  getExpertOut())))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// PyramidPoolOp
//===----------------------------------------------------------------------===//

LogicalResult PyramidPoolOp::verify() {
  Operation *op = getOperation();
  ArrayRef<int64_t> in;
  if (failed(checkRank(op, "input", getInput(), 4, "[N, C, H, W]", in)))
    return failure();
  ArrayAttr levels = getLevels();
  if (levels.empty())
    return emitOpError("expected at least one level");
  if (levels.size() != getResults().size())
    return emitOpError("expected one result per level (")
           << levels.size() << "), got " << getResults().size();

  ArrayRef<int64_t> source = in;
  for (auto [i, attr] : llvm::enumerate(levels)) {
    auto level = cast<PoolLevelAttr>(attr);
    if (level.getChained() && i == 0)
      return emitOpError("level 0 cannot be chained: it has no previous level");
    if (level.getChained())
      source = cast<ShapedType>(getResults()[i - 1].getType()).getShape();
    else
      source = in;
    SmallVector<int64_t, 4> expected = {in[0], in[1], kDyn, kDyn};
    for (unsigned d = 0; d < 2; ++d) {
      if (level.isAdaptive()) {
        expected[2 + d] = level.getBins()[d];
        continue;
      }
      int64_t size = source[2 + d];
      if (ShapedType::isDynamic(size))
        continue;
      std::optional<int64_t> out = pooledSize(
          size, level.getKernel()[d], level.getStride(d), level.getPad(d, false),
          level.getPad(d, true), level.getCeilMode());
      if (!out)
        return emitOpError("level ")
               << i << ": kernel " << level.getKernel()[d]
               << " does not fit spatial dim " << d << " of size " << size
               << " with pads " << level.getPad(d, false) << "+"
               << level.getPad(d, true);
      expected[2 + d] = *out;
    }
    std::string what = ("result #" + Twine(i)).str();
    if (failed(checkShape(op, what, getResults()[i], expected)) ||
        failed(checkSameElementType(op, what, getResults()[i], "input",
                                    getInput())))
      return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// UpsampleConcatOp
//===----------------------------------------------------------------------===//

LogicalResult UpsampleConcatOp::verify() {
  Operation *op = getOperation();
  if (getInputs().empty())
    return emitOpError("expected at least one input");
  ArrayRef<int64_t> out;
  if (failed(checkRank(op, "result", getResult(), 4, "[N, C, H, W]", out)))
    return failure();
  int64_t channels = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    std::string what = ("input #" + Twine(i)).str();
    ArrayRef<int64_t> in;
    if (failed(checkRank(op, what, input, 4, "[N, C, h, w]", in)) ||
        failed(checkSameElementType(op, what, input, "result", getResult())))
      return failure();
    if (!ShapedType::isDynamic(in[0]) && !ShapedType::isDynamic(out[0]) &&
        in[0] != out[0])
      return emitOpError() << what << " has batch " << in[0]
                           << ", the result " << out[0];
    channels = ShapedType::isDynamic(in[1]) || ShapedType::isDynamic(channels)
                   ? kDyn
                   : channels + in[1];
  }
  if (!ShapedType::isDynamic(channels) && !ShapedType::isDynamic(out[1]) &&
      channels != out[1])
    return emitOpError() << "expected " << channels
                         << " result channels (the inputs' sum), got "
                         << out[1];
  return success();
}

//===----------------------------------------------------------------------===//
// SparseAttentionOp
//===----------------------------------------------------------------------===//

static int64_t ceilDivDim(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) ? kDyn : (a + b - 1) / b;
}

LogicalResult SparseAttentionOp::verify() {
  Operation *op = getOperation();
  ArrayRef<int64_t> q, k, v;
  if (failed(checkRank(op, "query", getQuery(), 4, "[B, HQ, SQ, D]", q)) ||
      failed(checkRank(op, "key", getKey(), 4, "[B, HK, SK, D]", k)) ||
      failed(checkRank(op, "value", getValue(), 4, "[B, HK, SK, DV]", v)) ||
      failed(checkSameElementType(op, "key", getKey(), "query", getQuery())) ||
      failed(checkSameElementType(op, "value", getValue(), "query",
                                  getQuery())) ||
      failed(checkSameElementType(op, "result", getResult(), "query",
                                  getQuery())))
    return failure();
  if (staticMismatch(q[0], k[0]))
    return emitOpError("expected key batch (")
           << k[0] << ") to match query batch (" << q[0] << ")";
  if (staticMismatch(q[3], k[3]))
    return emitOpError("expected key head size (")
           << k[3] << ") to match query head size (" << q[3] << ")";
  if (failed(checkShape(op, "value", getValue(), {k[0], k[1], k[2], kDyn})))
    return failure();
  if (!ShapedType::isDynamic(q[1]) && !ShapedType::isDynamic(k[1]) &&
      (k[1] == 0 || q[1] % k[1] != 0))
    return emitOpError("expected query heads (")
           << q[1] << ") to be a multiple of key/value heads (" << k[1] << ")";
  if (getBias()) {
    ArrayRef<int64_t> bias;
    if (failed(checkRank(op, "bias", getBias(), 4, "[B, HQ, SQ, SK]", bias)) ||
        failed(checkSameElementType(op, "bias", getBias(), "query",
                                    getQuery())))
      return failure();
    int64_t full[4] = {q[0], q[1], q[2], k[2]};
    for (unsigned d = 0; d < 4; ++d) {
      if (bias[d] != 1 && staticMismatch(bias[d], full[d]))
        return emitOpError("expected bias dim ")
               << d << " (" << bias[d] << ") to be 1 or " << full[d];
    }
  }
  if (failed(checkShape(op, "result", getResult(), {q[0], q[1], q[2], v[3]})))
    return failure();

  if (Value offsets = getQueryOffsets()) {
    if (failed(checkShape(op, "query_offsets", offsets, {q[0]})))
      return failure();
    if (!ShapedType::isDynamic(q[2]) && !ShapedType::isDynamic(k[2]) &&
        q[2] > k[2])
      return emitOpError("expected at most as many queries (")
             << q[2] << ") as keys (" << k[2] << ") with query_offsets";
  }

  SparsityAttr sparsity = getSparsity();
  if (sparsity.getKind() == SparsityKind::blocks) {
    int64_t bs = sparsity.getBlockSize();
    ArrayRef<int64_t> layout =
        cast<ShapedType>(sparsity.getLayout().getType()).getShape();
    if (!ShapedType::isDynamic(q[1]) &&
        (layout[0] < 1 || q[1] % layout[0] != 0))
      return emitOpError("expected block layout heads (")
             << layout[0] << ") to divide the query heads (" << q[1] << ")";
    // With query offsets the layout's rows are key positions.
    int64_t qpos = getQueryOffsets() ? k[2] : q[2];
    if (staticMismatch(layout[1], ceilDivDim(qpos, bs)))
      return emitOpError("expected ")
             << ceilDivDim(qpos, bs) << " query blocks of " << bs << " for "
             << qpos << (getQueryOffsets() ? " key positions" : " queries")
             << ", layout has " << layout[1];
    if (staticMismatch(layout[2], ceilDivDim(k[2], bs)))
      return emitOpError("expected ")
             << ceilDivDim(k[2], bs) << " key blocks of " << bs << " for "
             << k[2] << " keys, layout has " << layout[2];
  }
  return success();
}

#define GET_OP_CLASSES
#include "dialects/sy/SyOps.cpp.inc"
