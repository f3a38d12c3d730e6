//===- AttentionToUkernel.cpp - sy.sparse_attention to the runtime's kernel ===//
//
// Runs on tensors, before bufferization, like sy-lower-pyramid-to-ukernel.
// A sy.sparse_attention becomes one sy_ukernel_sparse_attention call
// (lib/Runtime/ukernels/attention.c):
//   shapes, sparsity, scale and bias strides -> a constant
//       [SY_ATTN_FIELDS] i64 table (ukernels.h)
//   a block layout -> a constant u8 [HL, QB, KB] table
//   query, key, value, bias, query_offsets -> bufferization.to_buffer
//       (read-only; absent ones as address 0)
//   result -> memref.alloc, bufferization.to_tensor (restrict)
//
//===----------------------------------------------------------------------===//

#include "dialects/sy/SyOps.h"
#include "passes/lower/Passes.h"
#include "passes/lower/UkernelCall.h"

#include "lib/Runtime/ukernels/ukernels.h"

#include "llvm/ADT/bit.h"

namespace switchyard {
#define GEN_PASS_DEF_LOWERATTENTIONTOUKERNEL
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;
namespace sy = switchyard::sy;
using switchyard::TensorCallBuilder;

namespace {

constexpr llvm::StringLiteral kSparseAttention = "sy_ukernel_sparse_attention";
static_assert(SY_ATTN_CAUSAL == static_cast<int>(sy::SparsityKind::causal) &&
                  SY_ATTN_WINDOW == static_cast<int>(sy::SparsityKind::window) &&
                  SY_ATTN_BLOCKS == static_cast<int>(sy::SparsityKind::blocks),
              "the kernel takes sy::SparsityKind's values");

LogicalResult lowerSparseAttention(ModuleOp module, sy::SparseAttentionOp op) {
  if (failed(switchyard::checkStaticF32Operands(op, op.getQueryOffsets())))
    return failure();
  OpBuilder b(op);
  TensorCallBuilder c{b, op.getLoc()};
  ArrayRef<int64_t> q = op.getQuery().getType().getShape();
  ArrayRef<int64_t> k = op.getKey().getType().getShape();
  ArrayRef<int64_t> v = op.getValue().getType().getShape();
  sy::SparsityAttr sparsity = op.getSparsity();

  SmallVector<int64_t> params(SY_ATTN_FIELDS, 0);
  params[SY_ATTN_BATCH] = q[0];
  params[SY_ATTN_HQ] = q[1];
  params[SY_ATTN_HK] = k[1];
  params[SY_ATTN_SQ] = q[2];
  params[SY_ATTN_SK] = k[2];
  params[SY_ATTN_D] = q[3];
  params[SY_ATTN_DV] = v[3];
  params[SY_ATTN_KIND] = static_cast<int64_t>(sparsity.getKind());
  params[SY_ATTN_LEFT] = sparsity.getWindowLeft();
  params[SY_ATTN_RIGHT] = sparsity.getWindowRight();
  params[SY_ATTN_GLOBAL] = sparsity.getNumGlobal();
  params[SY_ATTN_BLOCK] = sparsity.getBlockSize();
  params[SY_ATTN_LAYOUT_HEADS] = 1;
  params[SY_ATTN_FLAGS] =
      (op.getFullyMaskedRows() == sy::FullyMaskedRows::zero
           ? SY_ATTN_ZERO_MASKED_ROWS
           : 0) |
      (sparsity.getCausal() ? SY_ATTN_CAUSAL_BLOCKS : 0);
  params[SY_ATTN_SCALE_BITS] =
      llvm::bit_cast<int32_t>(op.getScale().convertToFloat());

  Value bias = c.i64(0);
  if (Value biasTensor = op.getBias()) {
    // Row-major strides, 0 along broadcast (size-1) dims.
    ArrayRef<int64_t> shape = cast<RankedTensorType>(biasTensor.getType()).getShape();
    int64_t stride = 1;
    for (int d = 3; d >= 0; --d) {
      params[SY_ATTN_BIAS_STRIDE_B + d] = shape[d] == 1 ? 0 : stride;
      stride *= shape[d];
    }
    bias = c.address(c.input(biasTensor));
  }

  Value layout = c.i64(0);
  if (DenseIntElementsAttr attr = sparsity.getLayout()) {
    auto shape = cast<ShapedType>(attr.getType()).getShape();
    params[SY_ATTN_LAYOUT_HEADS] = shape[0];
    SmallVector<int8_t> bytes;
    for (APInt bit : attr.getValues<APInt>())
      bytes.push_back(bit.isZero() ? 0 : 1);
    layout = c.address(c.constant(ArrayRef(bytes), shape, b.getI8Type()));
  }

  Value offsets = c.i64(0);
  if (Value offsetTensor = op.getQueryOffsets())
    offsets = c.address(c.input(offsetTensor));

  Value paramTable = c.constant(ArrayRef(params), {SY_ATTN_FIELDS}, b.getI64Type());
  Value result = c.alloc(op.getResult().getType());
  c.call(module, kSparseAttention,
         {c.address(paramTable), c.address(c.input(op.getQuery())),
          c.address(c.input(op.getKey())), c.address(c.input(op.getValue())),
          bias, layout, offsets, c.address(result)});
  op.getResult().replaceAllUsesWith(c.result(result, op.getResult().getType()));
  op.erase();
  return success();
}

struct LowerAttentionToUkernel
    : switchyard::impl::LowerAttentionToUkernelBase<LowerAttentionToUkernel> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<sy::SparseAttentionOp> ops;
    module.walk([&](sy::SparseAttentionOp op) { ops.push_back(op); });
    for (sy::SparseAttentionOp op : ops)
      if (failed(lowerSparseAttention(module, op)))
        return signalPassFailure();
  }
};

} // namespace
