//===- MoEToUkernel.cpp - sy MoE ops to the runtime's MoE kernels ---------===//
//
// Runs on tensors, before bufferization. Each sy MoE op becomes a call to
// its kernel in lib/Runtime/ukernels/moe.c:
//   operands -> bufferization.to_buffer (read-only), results -> memref.alloc,
//   call with i64 addresses, results <- bufferization.to_tensor (restrict).
// One-shot bufferization then sees ordinary buffers and the deallocation
// pipeline frees the allocations.
//
// Gating + dispatch: sy.route_dispatch (sy-fuse-gating-dispatch fused a
// route with its dispatch) becomes one sy_ukernel_moe_route_dispatch call
// (softmax, top-k, renormalisation, counting and the permutation in one
// kernel, with no one-hot tensor anywhere); a route or dispatch left alone
// gets its own call.
//
// A sy.grouped_matmul whose weights are a constant gets them prepacked at
// compile time into the 32-column panels the GEMM body reads (either
// layout, [E, K, N] or ONNX Runtime's [E, N, K] with `rhs_transposed`), so
// the kernel streams them without packing; other weights are packed at run
// time (transposed first by a linalg.transpose when `rhs_transposed`).
// Its optional row scale (the routing weights sy-tile-grouped-matmul moved
// out of sy.combine, put in row order by sy.dispatch_weights) is applied
// by the kernel's epilogue.
//
//===----------------------------------------------------------------------===//

#include "dialects/sy/SyOps.h"
#include "passes/lower/Passes.h"
#include "passes/lower/UkernelCall.h"

#include "lib/Runtime/ukernels/ukernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/TypeSwitch.h"

#include <cstring>
#include <type_traits>

namespace switchyard {
#define GEN_PASS_DEF_LOWERMOETOUKERNEL
#include "passes/lower/Passes.h.inc"
} // namespace switchyard

using namespace mlir;
namespace sy = switchyard::sy;
using switchyard::TensorCallBuilder;

// The routing modes and activations go to the kernels as the sy enums'
// integer values; the runtime's C enums (ukernels.h) must agree with them.
#define SY_SAME_VALUE(cEnum, syEnum)                                          \
  static_assert(static_cast<int64_t>(cEnum) == static_cast<int64_t>(syEnum),  \
                #cEnum " differs from " #syEnum)
SY_SAME_VALUE(SY_MOE_SOFTMAX_TOPK, sy::RoutingMode::softmax_topk);
SY_SAME_VALUE(SY_MOE_TOPK_SOFTMAX, sy::RoutingMode::topk_softmax);
SY_SAME_VALUE(SY_MOE_SIGMOID_TOPK, sy::RoutingMode::sigmoid_topk);
SY_SAME_VALUE(SY_ACT_IDENTITY, sy::Activation::identity);
SY_SAME_VALUE(SY_ACT_RELU, sy::Activation::relu);
SY_SAME_VALUE(SY_ACT_GELU, sy::Activation::gelu);
SY_SAME_VALUE(SY_ACT_GELU_TANH, sy::Activation::gelu_tanh);
SY_SAME_VALUE(SY_ACT_SILU, sy::Activation::silu);
SY_SAME_VALUE(SY_ACT_SWIGLU, sy::Activation::swiglu);
SY_SAME_VALUE(SY_ACT_SWIGLU_INTERLEAVED, sy::Activation::swiglu_interleaved);
#undef SY_SAME_VALUE

namespace {

constexpr llvm::StringLiteral kRouteDispatch = "sy_ukernel_moe_route_dispatch";
constexpr llvm::StringLiteral kDispatch = "sy_ukernel_moe_dispatch";
constexpr llvm::StringLiteral kGroupedGemm = "sy_ukernel_grouped_sgemm";
constexpr llvm::StringLiteral kCombine = "sy_ukernel_moe_combine";
constexpr llvm::StringLiteral kDispatchWeights =
    "sy_ukernel_moe_dispatch_weights";

int64_t dimOf(Value v, unsigned d) {
  return cast<RankedTensorType>(v.getType()).getDimSize(d);
}

/// The CPU kernels take f32 data and i64 indices with static shapes.
LogicalResult checkSupported(Operation *op) {
  for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults())) {
    auto type = cast<RankedTensorType>(v.getType());
    if (!type.hasStaticShape())
      return op->emitError() << "the CPU lowering of " << op->getName()
                             << " needs static shapes";
    Type e = type.getElementType();
    if (!e.isF32() && !e.isInteger(64))
      return op->emitError() << "the CPU lowering of " << op->getName()
                             << " supports f32 data and i64 indices, not "
                             << e;
  }
  return success();
}

/// sy.route, or sy.route_dispatch (sy-fuse-gating-dispatch's fused op),
/// as one sy_ukernel_moe_route_dispatch call; a lone route passes no
/// tokens and the kernel stops after the weights.
template <typename RoutingOp>
LogicalResult lowerRouting(ModuleOp module, RoutingOp op) {
  if (op.getGroups())
    return op.emitError("the CPU lowering does not implement group-limited "
                        "routing (groups/top_groups) yet");
  if (failed(checkSupported(op)))
    return failure();
  OpBuilder b(op);
  TensorCallBuilder c{b, op.getLoc()};
  Value logits = c.input(op.getLogits());
  Value bias = op.getCorrectionBias()
                   ? c.address(c.input(op.getCorrectionBias()))
                   : c.i64(0);
  Value ids = c.alloc(op.getExpertIds().getType());
  Value weights = c.alloc(op.getWeights().getType());
  auto floatBits = [](float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof(bits));
    return static_cast<int64_t>(bits);
  };
  float scale = op.getScale() ? op.getScale()->convertToFloat() : 1.f;
  std::optional<APFloat> keptFloor = op.getRenormalizeKept();
  int64_t flags = (op.getRenormalize() ? SY_MOE_RENORMALIZE : 0) |
                  (keptFloor ? SY_MOE_RENORMALIZE_KEPT : 0);
  int64_t t = dimOf(op.getLogits(), 0), e = dimOf(op.getLogits(), 1);
  SmallVector<Value> args = {
      c.i64(t),
      c.i64(e),
      c.i64(op.getTopK()),
      c.address(logits),
      bias,
      c.i64(static_cast<int64_t>(op.getMode())),
      c.i64(flags),
      c.i64(op.getCapacity().value_or(0)),
      c.i64(floatBits(scale)),
      c.i64(keptFloor ? floatBits(keptFloor->convertToFloat()) : 0),
      c.address(ids),
      c.address(weights)};
  Value permuted, offsets, inverse;
  if constexpr (std::is_same_v<RoutingOp, sy::RouteDispatchOp>) {
    Value tokens = c.input(op.getTokens());
    permuted = c.alloc(op.getPermuted().getType());
    offsets = c.alloc(op.getOffsets().getType());
    inverse = c.alloc(op.getInverse().getType());
    args.append({c.i64(dimOf(op.getTokens(), 1)),
                 c.i64(dimOf(op.getPermuted(), 0)), c.address(tokens),
                 c.address(permuted), c.address(offsets),
                 c.address(inverse)});
  } else {
    Value zero = c.i64(0);
    args.append({zero, zero, zero, zero, zero, zero});
  }
  c.call(module, kRouteDispatch, args);
  op.getExpertIds().replaceAllUsesWith(
      c.result(ids, op.getExpertIds().getType()));
  op.getWeights().replaceAllUsesWith(
      c.result(weights, op.getWeights().getType()));
  if constexpr (std::is_same_v<RoutingOp, sy::RouteDispatchOp>) {
    op.getPermuted().replaceAllUsesWith(
        c.result(permuted, op.getPermuted().getType()));
    op.getOffsets().replaceAllUsesWith(
        c.result(offsets, op.getOffsets().getType()));
    op.getInverse().replaceAllUsesWith(
        c.result(inverse, op.getInverse().getType()));
  }
  op.erase();
  return success();
}

LogicalResult lowerDispatch(ModuleOp module, sy::DispatchOp op) {
  if (failed(checkSupported(op)))
    return failure();
  OpBuilder b(op);
  TensorCallBuilder c{b, op.getLoc()};
  Value tokens = c.input(op.getTokens()), ids = c.input(op.getExpertIds());
  Value permuted = c.alloc(op.getPermuted().getType());
  Value offsets = c.alloc(op.getOffsets().getType());
  Value inverse = c.alloc(op.getInverse().getType());
  c.call(module, kDispatch,
         {c.i64(dimOf(op.getExpertIds(), 0)), c.i64(dimOf(op.getExpertIds(), 1)),
          c.i64(op.getNumExperts()), c.i64(dimOf(op.getTokens(), 1)),
          c.i64(dimOf(op.getPermuted(), 0)), c.address(tokens), c.address(ids),
          c.address(permuted), c.address(offsets), c.address(inverse)});
  op.getPermuted().replaceAllUsesWith(
      c.result(permuted, op.getPermuted().getType()));
  op.getOffsets().replaceAllUsesWith(c.result(offsets, op.getOffsets().getType()));
  op.getInverse().replaceAllUsesWith(c.result(inverse, op.getInverse().getType()));
  op.erase();
  return success();
}

/// [E, N, K] -> [E, K, N] for weights that are not constants.
Value transposeExpertWeights(OpBuilder &b, Location loc, Value rhs) {
  auto type = cast<RankedTensorType>(rhs.getType());
  auto outType = RankedTensorType::get(
      {type.getDimSize(0), type.getDimSize(2), type.getDimSize(1)},
      type.getElementType());
  Value init = tensor::EmptyOp::create(b, loc, outType.getShape(),
                                       outType.getElementType());
  return linalg::TransposeOp::create(b, loc, rhs, init,
                                     ArrayRef<int64_t>{0, 2, 1})
      ->getResult(0);
}

/// Constant expert weights laid out as the kernel's prepacked panels,
/// [E][ceil(N/32)][K][32] (ukernels.h, SY_GROUPED_PREPACKED), zero past
/// column N. `column(j)` is the source column of kernel column j (the
/// identity, or SwiGLU's concatenated halves interleaved).
Value prepackExpertWeights(OpBuilder &b, Location loc, DenseElementsAttr w,
                           bool transposed,
                           llvm::function_ref<int64_t(int64_t)> column) {
  auto type = cast<RankedTensorType>(w.getType());
  int64_t e = type.getDimSize(0);
  int64_t k = transposed ? type.getDimSize(2) : type.getDimSize(1);
  int64_t n = transposed ? type.getDimSize(1) : type.getDimSize(2);
  int64_t panels = (n + 31) / 32, size = switchyard::gemmPanelsSize(k, n);
  switchyard::ConstantFloats src(w);
  std::vector<float> out(static_cast<size_t>(e * size));
  for (int64_t x = 0; x < e; ++x)
    switchyard::packGemmPanels(
        k, n,
        [&](int64_t p, int64_t j) {
          int64_t c = column(j);
          return transposed ? src[(x * n + c) * k + p]
                            : src[(x * k + p) * n + c];
        },
        out.data() + x * size);
  auto packedType =
      RankedTensorType::get({e, panels, k, 32}, b.getF32Type());
  return arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::getFromRawBuffer(
          packedType, ArrayRef<char>(reinterpret_cast<const char *>(out.data()),
                                     out.size() * sizeof(float))));
}

/// Bias [E, N] with its columns reordered by `column`.
Value permuteBiasColumns(OpBuilder &b, Location loc, DenseElementsAttr bias,
                         llvm::function_ref<int64_t(int64_t)> column) {
  auto type = cast<RankedTensorType>(bias.getType());
  int64_t e = type.getDimSize(0), n = type.getDimSize(1);
  switchyard::ConstantFloats src(bias);
  SmallVector<float> out(e * n);
  for (int64_t x = 0; x < e; ++x)
    for (int64_t j = 0; j < n; ++j)
      out[x * n + j] = src[x * n + column(j)];
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef<float>(out)));
}

LogicalResult lowerGroupedMatmul(ModuleOp module, sy::GroupedMatmulOp op) {
  if (failed(checkSupported(op)))
    return failure();
  OpBuilder b(op);
  Location loc = op.getLoc();
  TensorCallBuilder c{b, loc};
  auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
  bool transposed = op.getRhsTransposed();
  int64_t m = dimOf(op.getLhs(), 0), k = dimOf(op.getLhs(), 1),
          e = rhsType.getDimSize(0), n = op.getGemmColumns();
  sy::Activation act = op.getActivation();
  Value biasTensor = op.getBias();

  // Constant weights are prepacked. SwiGLU's concatenated halves are
  // interleaved then (with a constant bias), so every column tile holds
  // both halves of its outputs and starts on a panel.
  DenseElementsAttr weights, biasConst;
  bool prepack = matchPattern(op.getRhs(), m_Constant(&weights));
  bool interleave = false;
  if (prepack && act == sy::Activation::swiglu) {
    if (!biasTensor || matchPattern(biasTensor, m_Constant(&biasConst)))
      interleave = true;
    else
      prepack = (n / 2) % 32 == 0;
  }
  int64_t half = n / 2;
  auto column = [&](int64_t j) {
    return interleave ? (j % 2 ? half + j / 2 : j / 2) : j;
  };
  Value rhsTensor;
  if (prepack) {
    rhsTensor = prepackExpertWeights(b, loc, weights, transposed, column);
    if (interleave) {
      act = sy::Activation::swiglu_interleaved;
      if (biasTensor)
        biasTensor = permuteBiasColumns(b, loc, biasConst, column);
    }
  } else {
    rhsTensor = transposed ? transposeExpertWeights(b, loc, op.getRhs())
                           : op.getRhs();
  }

  Value lhs = c.input(op.getLhs()), rhs = c.input(rhsTensor),
        offsets = c.input(op.getOffsets());
  Value bias = biasTensor ? c.address(c.input(biasTensor)) : c.i64(0);
  Value rowScale = op.getRowScale()
                       ? c.address(c.input(op.getRowScale()))
                       : c.i64(0);
  Value y = c.i64(0);
  if (op.isGated())
    y = c.address(c.alloc(RankedTensorType::get({m, n}, b.getF32Type())));
  Value out = c.alloc(op.getResult().getType());
  c.call(module, kGroupedGemm,
         {c.i64(e), c.i64(m), c.i64(k), c.i64(n), c.address(lhs),
          c.address(rhs), c.address(offsets), bias,
          c.i64(static_cast<int64_t>(act)), y, c.address(out),
          c.i64(prepack ? SY_GROUPED_PREPACKED : 0),
          c.i64(op.getTileRows().value_or(0)),
          c.i64(op.getTileCols().value_or(0)), rowScale});
  op.getResult().replaceAllUsesWith(c.result(out, op.getResult().getType()));
  op.erase();
  return success();
}

LogicalResult lowerCombine(ModuleOp module, sy::CombineOp op) {
  if (failed(checkSupported(op)))
    return failure();
  OpBuilder b(op);
  TensorCallBuilder c{b, op.getLoc()};
  Value rows = c.input(op.getExpertOut()), inverse = c.input(op.getInverse());
  Value weights =
      op.getWeights() ? c.address(c.input(op.getWeights())) : c.i64(0);
  Value out = c.alloc(op.getResult().getType());
  c.call(module, kCombine,
         {c.i64(dimOf(op.getInverse(), 0)), c.i64(dimOf(op.getInverse(), 1)),
          c.i64(dimOf(op.getExpertOut(), 1)), c.i64(dimOf(op.getExpertOut(), 0)),
          c.address(rows), c.address(inverse), weights, c.address(out)});
  op.getResult().replaceAllUsesWith(c.result(out, op.getResult().getType()));
  op.erase();
  return success();
}

LogicalResult lowerDispatchWeights(ModuleOp module, sy::DispatchWeightsOp op) {
  if (failed(checkSupported(op)))
    return failure();
  OpBuilder b(op);
  TensorCallBuilder c{b, op.getLoc()};
  Value inverse = c.input(op.getInverse()), weights = c.input(op.getWeights());
  Value out = c.alloc(op.getResult().getType());
  c.call(module, kDispatchWeights,
         {c.i64(dimOf(op.getInverse(), 0)), c.i64(dimOf(op.getInverse(), 1)),
          c.i64(dimOf(op.getResult(), 0)), c.address(inverse),
          c.address(weights), c.address(out)});
  op.getResult().replaceAllUsesWith(c.result(out, op.getResult().getType()));
  op.erase();
  return success();
}

struct LowerMoEToUkernel
    : switchyard::impl::LowerMoEToUkernelBase<LowerMoEToUkernel> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (isa<sy::RouteOp, sy::RouteDispatchOp, sy::DispatchOp,
              sy::GroupedMatmulOp, sy::CombineOp, sy::DispatchWeightsOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      LogicalResult result =
          llvm::TypeSwitch<Operation *, LogicalResult>(op)
              .Case([&](sy::RouteOp r) { return lowerRouting(module, r); })
              .Case([&](sy::RouteDispatchOp r) {
                return lowerRouting(module, r);
              })
              .Case([&](sy::DispatchOp d) { return lowerDispatch(module, d); })
              .Case([&](sy::GroupedMatmulOp g) {
                return lowerGroupedMatmul(module, g);
              })
              .Case([&](sy::CombineOp c) { return lowerCombine(module, c); })
              .Case([&](sy::DispatchWeightsOp d) {
                return lowerDispatchWeights(module, d);
              })
              .Default([](Operation *) { return success(); });
      if (failed(result))
        return signalPassFailure();
    }
  }
};

} // namespace
