//===- PyramidToUkernel.cpp - sy.pyramid_pool to the runtime's kernel -----===//
//
// Runs on tensors, before bufferization, like sy-lower-moe-to-ukernel. A
// sy.pyramid_pool becomes one sy_ukernel_pyramid_pool call
// (lib/Runtime/ukernels/pyramid.c) that computes every level from a single
// read of each input plane:
//   input -> bufferization.to_buffer (read-only)
//   levels -> a constant [L x 13] i64 table (ukernels.h's SY_PYRAMID_*)
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
// ukernels.h: SY_PYRAMID_FIELDS, SY_PYRAMID_COUNT_INCLUDE_PAD,
// SY_PYRAMID_CHAINED; SY_POOL_AVG/MAX are sy::PoolMode's values.
constexpr int64_t kFields = 13;
constexpr int64_t kCountIncludePad = 1, kChained = 2;

/// One level as the kernel's 13 fields: mode, adaptive, size (kernel or
/// bins) H/W, strides H/W, pads top/left/bottom/right, flags, output H/W.
SmallVector<int64_t> levelFields(sy::PoolLevelAttr level,
                                 ArrayRef<int64_t> outShape) {
  bool adaptive = level.isAdaptive();
  ArrayRef<int64_t> size = adaptive ? level.getBins() : level.getKernel();
  int64_t flags = (level.getCountIncludePad() ? kCountIncludePad : 0) |
                  (level.getChained() ? kChained : 0);
  SmallVector<int64_t> f = {static_cast<int64_t>(level.getMode()),
                            adaptive,
                            size[0],
                            size[1],
                            level.getStride(0),
                            level.getStride(1),
                            level.getPad(0, false),
                            level.getPad(1, false),
                            level.getPad(0, true),
                            level.getPad(1, true),
                            flags,
                            outShape[2],
                            outShape[3]};
  assert(f.size() == kFields && "ukernels.h's SY_PYRAMID_FIELDS");
  return f;
}

/// The kernels take f32 tensors of static shape.
LogicalResult checkStaticF32(Operation *op) {
  for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults())) {
    auto type = cast<RankedTensorType>(v.getType());
    if (!type.hasStaticShape() || !type.getElementType().isF32())
      return op->emitError() << "the CPU lowering of " << op->getName()
                             << " needs f32 tensors of static shape, got "
                             << type;
  }
  return success();
}

LogicalResult lowerPyramidPool(ModuleOp module, sy::PyramidPoolOp op) {
  if (failed(checkStaticF32(op)))
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
  auto tableType = RankedTensorType::get({levels, kFields}, b.getI64Type());
  Value tableTensor = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(tableType, ArrayRef(table)));

  // The result buffers and the array of their addresses.
  SmallVector<Value> buffers;
  auto addressesType = MemRefType::get({levels}, b.getI64Type());
  Value addresses = memref::AllocaOp::create(b, loc, addressesType);
  for (auto [i, result] : llvm::enumerate(op.getResults())) {
    buffers.push_back(c.alloc(result.getType()));
    memref::StoreOp::create(b, loc, c.address(buffers.back()), addresses,
                            ValueRange{arith::ConstantIndexOp::create(
                                b, loc, static_cast<int64_t>(i))});
  }
  Value input = c.input(op.getInput());
  c.call(module, kPyramidPool,
         {c.i64(in[0] * in[1]), c.i64(in[2]), c.i64(in[3]), c.address(input),
          c.i64(levels), c.address(c.input(tableTensor)),
          c.address(addresses)});
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
  if (failed(checkStaticF32(op)))
    return failure();
  OpBuilder b(op);
  Location loc = op.getLoc();
  TensorCallBuilder c{b, loc};
  ArrayRef<int64_t> out = op.getResult().getType().getShape();
  int64_t inputs = op.getInputs().size();

  SmallVector<int64_t> shapes;
  auto pointersType = MemRefType::get({inputs, 3}, b.getI64Type());
  Value pointers = memref::AllocaOp::create(b, loc, pointersType);
  auto store = [&](Value v, int64_t i, int64_t j) {
    memref::StoreOp::create(b, loc, v, pointers,
                            ValueRange{arith::ConstantIndexOp::create(b, loc, i),
                                       arith::ConstantIndexOp::create(b, loc, j)});
  };
  for (auto [i, input] : llvm::enumerate(op.getInputs())) {
    ArrayRef<int64_t> in = cast<RankedTensorType>(input.getType()).getShape();
    shapes.append({in[1], in[2], in[3]});
    store(c.address(c.input(input)), i, 0);
    if (in[2] == out[2] && in[3] == out[3]) {
      store(c.i64(0), i, 1);
      store(c.i64(0), i, 2);
      continue;
    }
    auto [taps, weights] = upsampleTables(op.getCoordinates(), in, out);
    auto n = static_cast<int64_t>(taps.size());
    Value tapsTensor = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({n}, b.getI64Type()),
                               ArrayRef(taps)));
    Value weightsTensor = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({n}, b.getF32Type()),
                               ArrayRef(weights)));
    store(c.address(c.input(tapsTensor)), i, 1);
    store(c.address(c.input(weightsTensor)), i, 2);
  }
  Value shapesTensor = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(
          RankedTensorType::get({inputs, 3}, b.getI64Type()), ArrayRef(shapes)));
  Value result = c.alloc(op.getResult().getType());
  c.call(module, kUpsampleConcat,
         {c.i64(out[0]), c.i64(out[2]), c.i64(out[3]), c.i64(inputs),
          c.address(c.input(shapesTensor)), c.address(pointers),
          c.address(result)});
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
