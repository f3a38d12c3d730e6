//===- TileGroupedMatmul.cpp - work tiles of sy.grouped_matmul ------------===//
//
// A grouped GEMM runs as (expert, row tile, column tile) items spread over
// the cores. The best tile depends on the shapes: large tiles pack less and
// reuse the weights more, small ones give every core work at decode sizes,
// where a layer is a handful of rows per expert. The choice is made here,
// where the shapes are known and the result shows in the IR, rather than
// inside the runtime kernel.
//
// The pass also moves the routing weights of a sy.combine into the epilogue
// of the grouped GEMM that made its rows (a row scale, in dispatched order
// by sy.dispatch_weights): each row is scaled while its tile is in cache,
// and the combine only sums.
//
//===----------------------------------------------------------------------===//

#include "passes/sy/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Dominance.h"

#include <algorithm>
#include <thread>

namespace switchyard {
#define GEN_PASS_DEF_TILEGROUPEDMATMUL
#include "passes/sy/Passes.h.inc"
} // namespace switchyard

using namespace mlir;
namespace sy = switchyard::sy;

namespace {

// The CPU micro-kernel's register block (rows) and packed panel (columns).
constexpr int64_t kRowBlock = 12, kPanel = 32;
// Where tiles start and how far they shrink (see Passes.td).
constexpr int64_t kStartRows = 192, kStartCols = 512, kMinRows = 48,
                  kMinCols = 128;

int64_t roundUp(int64_t v, int64_t q) { return (v + q - 1) / q * q; }
int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

struct Tiles {
  int64_t rows, cols;
};

/// The tiles for M rows over E experts and N GEMM columns; `quantum` is
/// the column granule (a panel, two for SwiGLU).
Tiles chooseTiles(int64_t m, int64_t e, int64_t n, int64_t quantum,
                  int64_t minItems) {
  int64_t active = std::max<int64_t>(1, std::min(e, m));
  int64_t rowsPerExpert = std::max<int64_t>(1, ceilDiv(m, active));
  Tiles t{kStartRows, std::min(kStartCols, roundUp(n, quantum))};
  auto items = [&] {
    return active * ceilDiv(rowsPerExpert, t.rows) * ceilDiv(n, t.cols);
  };
  int64_t minCols = std::max(kMinCols, 2 * quantum);
  while (items() < minItems && t.cols > minCols)
    t.cols = std::max(minCols, roundUp(t.cols / 2, quantum));
  // Fewer rows only help while they split the expected groups further.
  while (items() < minItems && t.rows > kMinRows) {
    int64_t fewer = std::max(kMinRows, roundUp(t.rows / 2, kRowBlock));
    if (ceilDiv(rowsPerExpert, fewer) == ceilDiv(rowsPerExpert, t.rows))
      break;
    t.rows = fewer;
  }
  return t;
}

/// The inverse a sy.dispatch or sy.route_dispatch made: it names every
/// dispatched row at most once, so a weight per row is well defined.
bool isDispatchInverse(Value inverse) {
  Operation *def = inverse.getDefiningOp();
  if (auto d = dyn_cast_or_null<sy::DispatchOp>(def))
    return d.getInverse() == inverse;
  if (auto d = dyn_cast_or_null<sy::RouteDispatchOp>(def))
    return d.getInverse() == inverse;
  return false;
}

/// combine(gemm(...), inverse, w) -> combine(gemm(..., row_scale s),
/// inverse) with s = dispatch_weights(inverse, w): the same products, each
/// row times its weight, computed in the GEMM's epilogue instead.
void foldRoutingWeights(sy::CombineOp combine, DominanceInfo &dominance) {
  Value weights = combine.getWeights();
  if (!weights || !isDispatchInverse(combine.getInverse()))
    return;
  auto gemm = combine.getExpertOut().getDefiningOp<sy::GroupedMatmulOp>();
  if (!gemm || gemm.getRowScale() || !gemm->hasOneUse() ||
      !dominance.properlyDominates(weights, gemm) ||
      !dominance.properlyDominates(combine.getInverse(), gemm))
    return;
  auto rows = cast<ShapedType>(gemm.getLhs().getType());
  auto weightType = cast<ShapedType>(weights.getType());
  OpBuilder b(gemm);
  auto scale = sy::DispatchWeightsOp::create(
      b, combine.getLoc(),
      RankedTensorType::get({rows.getDimSize(0)},
                            weightType.getElementType()),
      combine.getInverse(), weights);
  gemm.getRowScaleMutable().assign(scale.getResult());
  combine.getWeightsMutable().clear();
}

struct TileGroupedMatmul
    : switchyard::impl::TileGroupedMatmulBase<TileGroupedMatmul> {
  using TileGroupedMatmulBase::TileGroupedMatmulBase;

  void runOnOperation() override {
    if (foldWeights) {
      DominanceInfo dominance(getOperation());
      getOperation().walk(
          [&](sy::CombineOp combine) { foldRoutingWeights(combine, dominance); });
    }
    unsigned numCores = cores;
    if (numCores == 0)
      numCores = std::max(1u, std::thread::hardware_concurrency());
    getOperation().walk([&](sy::GroupedMatmulOp op) {
      if (op.getTileRows())
        return;
      auto lhs = cast<ShapedType>(op.getLhs().getType());
      auto rhs = cast<ShapedType>(op.getRhs().getType());
      int64_t n = op.getGemmColumns();
      // Unknown sizes: plan for a large layer (the start tiles).
      int64_t m = lhs.isDynamicDim(0) ? kStartRows * 64 : lhs.getDimSize(0);
      int64_t e = rhs.isDynamicDim(0) ? 1 : rhs.getDimSize(0);
      if (ShapedType::isDynamic(n))
        n = kStartCols;
      int64_t quantum = op.isGated() ? 2 * kPanel : kPanel;
      Tiles t = chooseTiles(m, e, n, quantum,
                            static_cast<int64_t>(numCores) * itemsPerCore);
      if (forcedRows > 0)
        t.rows = forcedRows;
      if (forcedCols > 0)
        t.cols = forcedCols;
      Builder b(op);
      op.setTileRowsAttr(b.getI64IntegerAttr(t.rows));
      op.setTileColsAttr(b.getI64IntegerAttr(t.cols));
    });
  }
};

} // namespace
