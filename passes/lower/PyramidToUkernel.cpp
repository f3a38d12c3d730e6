//===- PyramidToUkernel.cpp - sy.pyramid_pool to the runtime's kernel -----===//
//
// Runs on tensors, before bufferization, like sy-lower-moe-to-ukernel. A
// sy.pyramid_pool becomes one sy_ukernel_pyramid_pool call
// (lib/Runtime/ukernels/pyramid.c) that computes every level from a single
// read of each input plane:
//   input -> bufferization.to_buffer (read-only)
//   levels -> a constant [L x SY_PYRAMID_FIELDS] i64 table (ukernels.h)
//   results -> memref.alloc each, their addresses in a stack [L] i64 array
//   results <- bufferization.to_tensor (restrict)
// A sy.upsample_concat becomes one sy_ukernel_upsample_concat call with
// its inputs' shapes (a constant table), their addresses and, for each
// resized input, constant tables of ONNX Resize's linear taps (computed by
// the Resize lowering's own code, ResizeTaps.h).
//
//===----------------------------------------------------------------------===//

#include "dialects/sy/SyOps.h"
#include "passes/lower/Passes.h"
#include "passes/lower/UkernelCall.h"
#include "passes/lower/onnx/ResizeTaps.h"

#include "lib/Runtime/ukernels/ukernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"

namespace switchyard {
#define GEN_PASS_DEF_LOWERPYRAMIDTOUKERNEL
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;
namespace sy = switchyard::sy;
using switchyard::TensorCallBuilder;

namespace {

constexpr llvm::StringLiteral kPyramidPool = "sy_ukernel_pyramid_pool";
constexpr llvm::StringLiteral kUpsampleConcat = "sy_ukernel_upsample_concat";
static_assert(SY_POOL_AVG == static_cast<int>(sy::PoolMode::avg) &&
                  SY_POOL_MAX == static_cast<int>(sy::PoolMode::max),
              "the kernel takes sy::PoolMode's values");

/// One level as the kernel's SY_PYRAMID_FIELDS fields (ukernels.h).
SmallVector<int64_t> levelFields(sy::PoolLevelAttr level,
                                 ArrayRef<int64_t> outShape) {
  bool adaptive = level.isAdaptive();
  ArrayRef<int64_t> size = adaptive ? level.getBins() : level.getKernel();
  SmallVector<int64_t> f(SY_PYRAMID_FIELDS);
  f[SY_PYRAMID_MODE] = static_cast<int64_t>(level.getMode());
  f[SY_PYRAMID_ADAPTIVE] = adaptive;
  for (unsigned d = 0; d < 2; ++d) {
    f[SY_PYRAMID_SIZE_H + d] = size[d];
    f[SY_PYRAMID_STRIDE_H + d] = level.getStride(d);
    f[SY_PYRAMID_PAD_TOP + d] = level.getPad(d, false);
    f[SY_PYRAMID_PAD_BOTTOM + d] = level.getPad(d, true);
    f[SY_PYRAMID_OUT_H + d] = outShape[2 + d];
  }
  f[SY_PYRAMID_FLAGS] =
      (level.getCountIncludePad() ? SY_PYRAMID_COUNT_INCLUDE_PAD : 0) |
      (level.getChained() ? SY_PYRAMID_CHAINED : 0);
  return f;
}

LogicalResult lowerPyramidPool(ModuleOp module, sy::PyramidPoolOp op) {
  if (failed(switchyard::checkStaticF32Operands(op)))
    return failure();
  OpBuilder b(op);
  Location loc = op.getLoc();
  TensorCallBuilder c{b, loc};
  ArrayRef<int64_t> in = op.getInput().getType().getShape();
  int64_t levels = op.getLevels().size();

  SmallVector<int64_t> table;
  for (auto [attr, result] : llvm::zip(op.getLevels(), op.getResults()))
    table.append(levelFields(cast<sy::PoolLevelAttr>(attr),
                             cast<RankedTensorType>(result.getType())
                                 .getShape()));
  Value tableBuffer = c.constant(ArrayRef(table),
                                 {levels, SY_PYRAMID_FIELDS}, b.getI64Type());

  // The result buffers and the array of their addresses.
  SmallVector<Value> buffers, addresses;
  for (Value result : op.getResults()) {
    buffers.push_back(c.alloc(result.getType()));
    addresses.push_back(c.address(buffers.back()));
  }
  Value addressTable = c.i64Table(addresses, {levels});
  Value input = c.input(op.getInput());
  c.call(module, kPyramidPool,
         {c.i64(in[0] * in[1]), c.i64(in[2]), c.i64(in[3]), c.address(input),
          c.i64(levels), c.address(tableBuffer), c.address(addressTable)});
  for (auto [buffer, result] : llvm::zip(buffers, op.getResults()))
    result.replaceAllUsesWith(c.result(buffer, result.getType()));
  op.erase();
  return success();
}

/// The kernel's taps and weights of an input resized from `in` (h, w) to
/// `out` (H, W): rows then columns, (lo, hi) per output index.
std::pair<SmallVector<int64_t>, SmallVector<float>>
upsampleTables(sy::ResizeCoordinates mode, ArrayRef<int64_t> in,
               ArrayRef<int64_t> out) {
  SmallVector<int64_t> taps;
  SmallVector<float> weights;
  for (unsigned d = 2; d < 4; ++d)
    for (const switchyard::onnx::LinearTap &t :
         switchyard::onnx::linearResizeTaps(sy::stringifyEnum(mode), in[d],
                                            out[d])) {
      taps.append({t.lo, t.hi});
      weights.append({static_cast<float>(t.wlo), static_cast<float>(t.whi)});
    }
  return {taps, weights};
}

LogicalResult lowerUpsampleConcat(ModuleOp module, sy::UpsampleConcatOp op) {
  if (failed(switchyard::checkStaticF32Operands(op)))
    return failure();
  OpBuilder b(op);
  Location loc = op.getLoc();
  TensorCallBuilder c{b, loc};
  ArrayRef<int64_t> out = op.getResult().getType().getShape();
  int64_t inputs = op.getInputs().size();

  // Per input: its shape (c, h, w) and pointers (data, taps, weights; no
  // tables for an input already H x W).
  SmallVector<int64_t> shapes;
  SmallVector<Value> pointers;
  for (Value input : op.getInputs()) {
    ArrayRef<int64_t> in = cast<RankedTensorType>(input.getType()).getShape();
    shapes.append({in[1], in[2], in[3]});
    pointers.push_back(c.address(c.input(input)));
    if (in[2] == out[2] && in[3] == out[3]) {
      pointers.append({c.i64(0), c.i64(0)});
      continue;
    }
    auto [taps, weights] = upsampleTables(op.getCoordinates(), in, out);
    auto n = static_cast<int64_t>(taps.size());
    pointers.push_back(c.address(c.constant(ArrayRef(taps), {n}, b.getI64Type())));
    pointers.push_back(
        c.address(c.constant(ArrayRef(weights), {n}, b.getF32Type())));
  }
  Value shapeTable = c.constant(ArrayRef(shapes), {inputs, 3}, b.getI64Type());
  Value pointerTable = c.i64Table(pointers, {inputs, 3});
  Value result = c.alloc(op.getResult().getType());
  c.call(module, kUpsampleConcat,
         {c.i64(out[0]), c.i64(out[2]), c.i64(out[3]), c.i64(inputs),
          c.address(shapeTable), c.address(pointerTable), c.address(result)});
  op.getResult().replaceAllUsesWith(c.result(result, op.getResult().getType()));
  op.erase();
  return success();
}

struct LowerPyramidToUkernel
    : switchyard::impl::LowerPyramidToUkernelBase<LowerPyramidToUkernel> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<sy::PyramidPoolOp, sy::UpsampleConcatOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      LogicalResult done =
          isa<sy::PyramidPoolOp>(op)
              ? lowerPyramidPool(module, cast<sy::PyramidPoolOp>(op))
              : lowerUpsampleConcat(module, cast<sy::UpsampleConcatOp>(op));
      if (failed(done))
        return signalPassFailure();
    }
  }
};

} // namespace
