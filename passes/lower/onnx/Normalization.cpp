//===- Normalization.cpp - reductions and normalizations ------------------===//
//
// Reduce* (Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare),
// Softmax, LogSoftmax, LayerNormalization, RMSNormalization,
// BatchNormalization (inference), InstanceNormalization, LpNormalization and
// MeanVarianceNormalization.
//
// Every op here is built from two shapes of linalg.generic over the input's
// iteration space: a reduction (reduced dims iterate as `reduction`, the
// result keeps the other dims, initialized with the reduction's identity)
// and a map (all dims parallel; reduced operands read through a projection
// that drops the reduced dims). float16/bfloat16 inputs are computed and
// accumulated in f32 and rounded once at the end; other floats in their own
// type; integers (reductions only) in their own type, wrapping like numpy.
//
// Performance note: the reductions run as plain loop nests after
// convert-linalg-to-loops; a vectorized/tiled fast path for the innermost
// reduced dim (Softmax, LayerNorm over the last axis) belongs in a later
// pass, not here.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/onnx/OpRegistry.h"

#include "passes/lower/onnx/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;
using namespace switchyard::onnx;

namespace {

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

/// Input `i` must be present (NodeView::requireInput reports it).
FailureOr<RankedTensorType> requireInput(const NodeView &node, unsigned i) {
  if (RankedTensorType t = node.requireInput(i))
    return t;
  return failure();
}

/// The type arithmetic runs in: f32 for 16-bit floats, else the type itself.
Type computeType(Type elt) {
  if (elt.isF16() || elt.isBF16())
    return Float32Type::get(elt.getContext());
  return elt;
}

/// An error unless `t` has a floating-point element type.
LogicalResult requireFloat(const NodeView &node, RankedTensorType t,
                           unsigned i) {
  if (isa<FloatType>(t.getElementType()))
    return success();
  node.emitError() << "input " << i << " has element type "
                   << t.getElementType() << "; expected a floating-point type";
  return failure();
}

/// Dims [from, rank) marked as reduced.
SmallVector<bool> tailDims(int64_t rank, int64_t from) {
  SmallVector<bool> reduced(rank, false);
  for (int64_t d = from; d < rank; ++d)
    reduced[d] = true;
  return reduced;
}

SmallVector<int64_t> keptShape(ArrayRef<int64_t> shape,
                               ArrayRef<bool> reduced) {
  SmallVector<int64_t> kept;
  for (auto [d, size] : llvm::enumerate(shape))
    if (!reduced[d])
      kept.push_back(size);
  return kept;
}

/// The shape with reduced dims set to 1 (keepdims = 1).
SmallVector<int64_t> onesShape(ArrayRef<int64_t> shape,
                               ArrayRef<bool> reduced) {
  SmallVector<int64_t> out(shape);
  for (auto [d, r] : llvm::enumerate(reduced))
    if (r)
      out[d] = 1;
  return out;
}

int64_t reducedCount(ArrayRef<int64_t> shape, ArrayRef<bool> reduced) {
  int64_t n = 1;
  for (auto [d, size] : llvm::enumerate(shape))
    if (reduced[d])
      n *= size;
  return n;
}

/// (d0, ..., dn-1) -> (the dims that are not reduced).
AffineMap keptMap(MLIRContext *ctx, ArrayRef<bool> reduced) {
  SmallVector<AffineExpr> exprs;
  for (auto [d, r] : llvm::enumerate(reduced))
    if (!r)
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(reduced.size(), 0, exprs, ctx);
}

/// Reads an operand of shape `operand` placed at dims [first, first + rank)
/// of the iteration space `full`; its size-1 dims broadcast. `first` =
/// full rank - operand rank is numpy's (right-aligned) broadcasting.
AffineMap alignedMap(MLIRContext *ctx, ArrayRef<int64_t> full,
                     ArrayRef<int64_t> operand, int64_t first) {
  SmallVector<AffineExpr> exprs;
  for (auto [i, size] : llvm::enumerate(operand)) {
    int64_t d = first + i;
    exprs.push_back(size == 1 && full[d] != 1 ? getAffineConstantExpr(0, ctx)
                                              : getAffineDimExpr(d, ctx));
  }
  return AffineMap::get(full.size(), 0, exprs, ctx);
}

/// An error unless `operand` broadcasts into `full` placed at `first`.
LogicalResult checkAligned(const NodeView &node, unsigned i,
                           ArrayRef<int64_t> full, ArrayRef<int64_t> operand,
                           int64_t first) {
  bool ok = first >= 0 && first + (int64_t)operand.size() <= (int64_t)full.size();
  for (size_t j = 0; ok && j < operand.size(); ++j) {
    int64_t o = operand[j], f = full[first + j];
    ok = o == 1 || ShapedType::isDynamic(o) || ShapedType::isDynamic(f) ||
         o == f;
  }
  if (ok)
    return success();
  auto diag = node.emitError() << "input " << i << " of shape [";
  llvm::interleaveComma(operand, diag);
  diag << "] does not broadcast to dims " << first << ".. of shape [";
  llvm::interleaveComma(full, diag);
  diag << "]";
  return failure();
}

using ReduceBody =
    function_ref<Value(OpBuilder &, Location, ValueRange elems, Value acc)>;
using MapBody = function_ref<Value(OpBuilder &, Location, ValueRange elems)>;

/// A linalg.generic over `shape` that combines the elements of `inputs`
/// (read through `maps`) into an accumulator of the kept dims, starting from
/// `init`. The result has shape keptShape(shape, reduced), init's type.
Value buildReduction(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                     ArrayRef<bool> reduced, ValueRange inputs,
                     ArrayRef<AffineMap> maps, Value init, ReduceBody body) {
  Value empty = tensor::EmptyOp::create(b, loc, keptShape(shape, reduced),
                                        init.getType());
  Value acc = linalg::FillOp::create(b, loc, ValueRange{init},
                                     ValueRange{empty})
                  ->getResult(0);
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(keptMap(b.getContext(), reduced));
  SmallVector<utils::IteratorType> iterators;
  for (bool r : reduced)
    iterators.push_back(r ? utils::IteratorType::reduction
                          : utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{acc.getType()}, inputs, ValueRange{acc}, allMaps,
      iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl,
                                body(nb, nl, args.drop_back(), args.back()));
      });
  return generic.getResult(0);
}

/// A parallel linalg.generic producing tensor<shape x elt> from `inputs`
/// read through `maps`.
Value buildMap(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type elt,
               ValueRange inputs, ArrayRef<AffineMap> maps, MapBody body) {
  Value init = tensor::EmptyOp::create(b, loc, shape, elt);
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(b.getMultiDimIdentityMap(shape.size()));
  SmallVector<utils::IteratorType> iterators(shape.size(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, allMaps,
      iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, body(nb, nl, args.drop_back()));
      });
  return generic.getResult(0);
}

/// Reinserts the reduced dims of a kept-dims tensor as size-1 dims.
Value expandKept(OpBuilder &b, Location loc, Value kept,
                 ArrayRef<int64_t> shape, ArrayRef<bool> reduced) {
  auto type = cast<RankedTensorType>(kept.getType());
  auto outType =
      RankedTensorType::get(onesShape(shape, reduced), type.getElementType());
  if (outType == type)
    return kept;
  // Each kept dim groups with the reduced dims before it; trailing reduced
  // dims join the last group. No kept dim: rank 0 expands with no groups.
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices current;
  for (auto [d, r] : llvm::enumerate(reduced)) {
    current.push_back(d);
    if (!r) {
      groups.push_back(current);
      current.clear();
    }
  }
  if (!groups.empty())
    groups.back().append(current.begin(), current.end());
  return tensor::ExpandShapeOp::create(b, loc, outType, kept, groups);
}

Value cst(OpBuilder &b, Location loc, Type t, double v) {
  return scalarConstant(b, loc, t, v);
}

/// The mean over the reduced dims of body(elems), in type `ct`, as a
/// kept-dims tensor.
Value buildMean(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                ArrayRef<bool> reduced, ValueRange inputs,
                ArrayRef<AffineMap> maps, Type ct, MapBody body) {
  Value sum = buildReduction(
      b, loc, shape, reduced, inputs, maps, cst(b, loc, ct, 0),
      [&](OpBuilder &nb, Location nl, ValueRange a, Value acc) {
        return arith::AddFOp::create(nb, nl, acc, body(nb, nl, a));
      });
  SmallVector<int64_t> kept = keptShape(shape, reduced);
  double count = reducedCount(shape, reduced);
  return buildMap(b, loc, kept, ct, {sum}, {b.getMultiDimIdentityMap(kept.size())},
                  [&](OpBuilder &nb, Location nl, ValueRange a) {
                    return arith::DivFOp::create(nb, nl, a[0],
                                                 cst(nb, nl, ct, count));
                  });
}

/// Mean and (population, two-pass) variance over the reduced dims of `x`,
/// both kept-dims tensors of type `ct`.
std::pair<Value, Value> buildMoments(OpBuilder &b, Location loc, Value x,
                                     ArrayRef<bool> reduced, Type ct) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(x.getType()).getShape();
  MLIRContext *ctx = b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(shape.size(), ctx);
  Value mean = buildMean(b, loc, shape, reduced, {x}, {id}, ct,
                         [&](OpBuilder &nb, Location nl, ValueRange a) {
                           return castScalar(nb, nl, a[0], ct);
                         });
  Value var = buildMean(b, loc, shape, reduced, {x, mean},
                        {id, keptMap(ctx, reduced)}, ct,
                        [&](OpBuilder &nb, Location nl, ValueRange a) {
                          Value d = arith::SubFOp::create(
                              nb, nl, castScalar(nb, nl, a[0], ct), a[1]);
                          return arith::MulFOp::create(nb, nl, d, d);
                        });
  return {mean, var};
}

/// 1 / sqrt(v + eps). (Not math.rsqrt: convert-math-to-libm turns it into
/// a call to rsqrtf, which libm lacks.)
Value invStd(OpBuilder &b, Location loc, Value var, double eps) {
  Type t = var.getType();
  Value sd = math::SqrtOp::create(
      b, loc, arith::AddFOp::create(b, loc, var, cst(b, loc, t, eps)));
  return arith::DivFOp::create(b, loc, cst(b, loc, t, 1), sd);
}

//===----------------------------------------------------------------------===//
// Reduce*
//===----------------------------------------------------------------------===//

enum class ReduceKind {
  Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare
};

/// ReduceSum takes axes as an input from 13, the other reductions from 18.
int64_t axesInputSince(const NodeView &node) {
  return node.opType() == "ReduceSum" ? 13 : 18;
}

/// Which dims of a rank-`rank` input the node reduces.
FailureOr<SmallVector<bool>> reducedDims(const NodeView &node, int64_t rank) {
  SmallVector<int64_t> axes;
  bool axesInput = node.opset() >= axesInputSince(node);
  if (axesInput) {
    if (node.hasInput(1)) {
      std::optional<SmallVector<int64_t>> c = node.constantInts(1);
      if (!c) {
        node.emitError() << "axes (input 1) must be a constant";
        return failure();
      }
      axes = *c;
    }
  } else if (auto a = node.intsAttr("axes")) {
    axes = *a;
  }
  if (axes.empty()) {
    bool noop = axesInput && node.intAttr("noop_with_empty_axes", 0) != 0;
    return SmallVector<bool>(rank, !noop);
  }
  SmallVector<bool> reduced(rank, false);
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) {
      node.emitError() << "axis " << a << " is out of range for rank "
                       << rank;
      return failure();
    }
    int64_t d = a < 0 ? a + rank : a;
    if (reduced[d]) {
      node.emitError() << "axis " << a << " appears twice";
      return failure();
    }
    reduced[d] = true;
  }
  return reduced;
}

FailureOr<SmallVector<Type>> inferReduce(const NodeView &node) {
  auto x = requireInput(node, 0);
  if (failed(x))
    return failure();
  auto reduced = reducedDims(node, x->getRank());
  if (failed(reduced))
    return failure();
  SmallVector<int64_t> shape = node.intAttr("keepdims", 1)
                                   ? onesShape(x->getShape(), *reduced)
                                   : keptShape(x->getShape(), *reduced);
  return SmallVector<Type>{RankedTensorType::get(shape, x->getElementType())};
}

/// The identity of the combining step, of type `acc`.
Value reduceInit(OpBuilder &b, Location loc, ReduceKind kind, Type acc) {
  bool isFloat = isa<FloatType>(acc);
  switch (kind) {
  case ReduceKind::Prod:
    return cst(b, loc, acc, 1);
  case ReduceKind::Max:
  case ReduceKind::Min: {
    bool max = kind == ReduceKind::Max;
    if (isFloat)
      return cst(b, loc, acc, max ? -INFINITY : INFINITY);
    if (acc.isInteger(1)) // False < True.
      return cst(b, loc, acc, max ? 0 : 1);
    unsigned w = acc.getIntOrFloatBitWidth();
    APInt v = max ? APInt::getSignedMinValue(w) : APInt::getSignedMaxValue(w);
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(acc, v));
  }
  default:
    return cst(b, loc, acc, 0);
  }
}

/// What each element contributes before combining (x in the acc type).
Value reducePre(OpBuilder &b, Location loc, ReduceKind kind, Value x) {
  bool isFloat = isa<FloatType>(x.getType());
  switch (kind) {
  case ReduceKind::L1: {
    if (isFloat)
      return math::AbsFOp::create(b, loc, x);
    // Not math.absi: the CPU pipeline has no lowering for it.
    Value zero = cst(b, loc, x.getType(), 0);
    Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x,
                                      zero);
    return arith::SelectOp::create(b, loc, neg,
                                   arith::SubIOp::create(b, loc, zero, x), x);
  }
  case ReduceKind::L2:
  case ReduceKind::SumSquare:
    return isFloat ? Value(arith::MulFOp::create(b, loc, x, x))
                   : Value(arith::MulIOp::create(b, loc, x, x));
  default:
    return x;
  }
}

Value reduceCombine(OpBuilder &b, Location loc, ReduceKind kind, Value acc,
                    Value x) {
  Type t = acc.getType();
  bool isFloat = isa<FloatType>(t), isBool = t.isInteger(1);
  switch (kind) {
  case ReduceKind::Prod:
    return isFloat ? Value(arith::MulFOp::create(b, loc, acc, x))
                   : Value(arith::MulIOp::create(b, loc, acc, x));
  case ReduceKind::Max:
    if (isFloat) // NaN propagates, as numpy.maximum.
      return arith::MaximumFOp::create(b, loc, acc, x);
    return isBool ? Value(arith::MaxUIOp::create(b, loc, acc, x))
                  : Value(arith::MaxSIOp::create(b, loc, acc, x));
  case ReduceKind::Min:
    if (isFloat)
      return arith::MinimumFOp::create(b, loc, acc, x);
    return isBool ? Value(arith::MinUIOp::create(b, loc, acc, x))
                  : Value(arith::MinSIOp::create(b, loc, acc, x));
  default:
    return isFloat ? Value(arith::AddFOp::create(b, loc, acc, x))
                   : Value(arith::AddIOp::create(b, loc, acc, x));
  }
}

/// The element types each reduction accepts; an error otherwise.
LogicalResult checkReduceType(const NodeView &node, ReduceKind kind,
                              Type elt) {
  if (isa<FloatType>(elt))
    return success();
  if (elt.isInteger(1)) {
    bool minMax = kind == ReduceKind::Max || kind == ReduceKind::Min;
    if (minMax && node.opset() >= 20)
      return success();
    node.emitError() << "boolean input is not supported"
                     << (minMax ? " before opset 20" : "");
    return failure();
  }
  if (kind == ReduceKind::LogSum || kind == ReduceKind::LogSumExp) {
    node.emitError() << "integer input " << elt
                     << " is not supported (Log is defined on floats only)";
    return failure();
  }
  return success();
}

template <ReduceKind kind>
FailureOr<SmallVector<Value>> lowerReduce(const NodeView &node, OpBuilder &b,
                                          ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  Value x = node.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  Type elt = xType.getElementType();
  if (failed(checkReduceType(node, kind, elt)))
    return failure();
  auto reducedOr = reducedDims(node, xType.getRank());
  if (failed(reducedOr))
    return failure();
  SmallVector<bool> reduced = *reducedOr;
  ArrayRef<int64_t> shape = xType.getShape();
  SmallVector<int64_t> kept = keptShape(shape, reduced);
  MLIRContext *ctx = b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(shape.size(), ctx);
  AffineMap keptId = AffineMap::getMultiDimIdentityMap(kept.size(), ctx);
  bool isFloat = isa<FloatType>(elt);
  Type acc = computeType(elt);

  // LogSumExp is stable: log(sum(exp(x - m))) + m with m the max over the
  // reduced dims (0 where m is infinite, so that all -inf gives -inf).
  Value shift;
  if (kind == ReduceKind::LogSumExp) {
    Value max = buildReduction(
        b, loc, shape, reduced, {x}, {id},
        reduceInit(b, loc, ReduceKind::Max, acc),
        [&](OpBuilder &nb, Location nl, ValueRange a, Value m) {
          return arith::MaximumFOp::create(nb, nl, m,
                                           castScalar(nb, nl, a[0], acc));
        });
    shift = buildMap(b, loc, kept, acc, {max}, {keptId},
                     [&](OpBuilder &nb, Location nl, ValueRange a) {
                       Value inf = arith::CmpFOp::create(
                           nb, nl, arith::CmpFPredicate::OEQ,
                           math::AbsFOp::create(nb, nl, a[0]),
                           cst(nb, nl, acc, INFINITY));
                       return arith::SelectOp::create(
                           nb, nl, inf, cst(nb, nl, acc, 0), a[0]);
                     });
  }

  SmallVector<Value> inputs{x};
  SmallVector<AffineMap> maps{id};
  if (shift) {
    inputs.push_back(shift);
    maps.push_back(keptMap(ctx, reduced));
  }
  Value r = buildReduction(
      b, loc, shape, reduced, inputs, maps, reduceInit(b, loc, kind, acc),
      [&](OpBuilder &nb, Location nl, ValueRange a, Value accum) {
        Value v = castScalar(nb, nl, a[0], acc);
        if (kind == ReduceKind::LogSumExp)
          v = math::ExpOp::create(nb, nl,
                                  arith::SubFOp::create(nb, nl, v, a[1]));
        return reduceCombine(nb, nl, kind, accum, reducePre(nb, nl, kind, v));
      });

  // Finish (mean, root, log) and round to the element type; nothing to do
  // for the plain folds accumulated in the element type.
  bool plain = kind == ReduceKind::Sum || kind == ReduceKind::Max ||
               kind == ReduceKind::Min || kind == ReduceKind::Prod ||
               kind == ReduceKind::L1 || kind == ReduceKind::SumSquare;
  if (plain && acc == elt) {
    if (node.intAttr("keepdims", 1))
      r = expandKept(b, loc, r, shape, reduced);
    return SmallVector<Value>{r};
  }
  int64_t count = reducedCount(shape, reduced);
  SmallVector<Value> post{r};
  SmallVector<AffineMap> postMaps{keptId};
  if (shift) {
    post.push_back(shift);
    postMaps.push_back(keptId);
  }
  Value out = buildMap(
      b, loc, kept, elt, post, postMaps,
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value v = a[0];
        switch (kind) {
        case ReduceKind::Mean:
          // Integer mean truncates toward zero (numpy mean with an int
          // dtype); an empty set leaves the sum (0) for integers.
          if (isFloat)
            v = arith::DivFOp::create(nb, nl, v, cst(nb, nl, acc, count));
          else if (count != 0)
            v = arith::DivSIOp::create(nb, nl, v, cst(nb, nl, acc, count));
          break;
        case ReduceKind::L2:
          if (isFloat) {
            v = math::SqrtOp::create(nb, nl, v);
          } else {
            Value f = castScalar(nb, nl, v, nb.getF64Type());
            v = castScalar(nb, nl, math::SqrtOp::create(nb, nl, f), acc);
          }
          break;
        case ReduceKind::LogSum:
          v = math::LogOp::create(nb, nl, v);
          break;
        case ReduceKind::LogSumExp:
          v = arith::AddFOp::create(nb, nl, math::LogOp::create(nb, nl, v),
                                    a[1]);
          break;
        default:
          break;
        }
        return castScalar(nb, nl, v, elt);
      });
  if (node.intAttr("keepdims", 1))
    out = expandKept(b, loc, out, shape, reduced);
  return SmallVector<Value>{out};
}

//===----------------------------------------------------------------------===//
// Softmax, LogSoftmax
//===----------------------------------------------------------------------===//

/// Before 13 the input is coerced to 2-D at `axis` (default 1) and each row
/// normalized: the reduced dims are [axis, rank). From 13 only `axis`
/// (default -1) is.
FailureOr<SmallVector<bool>> softmaxDims(const NodeView &node, int64_t rank) {
  bool coerced = node.opset() < 13;
  auto axis = normalizeAxis(node, node.intAttr("axis", coerced ? 1 : -1),
                            rank, "axis");
  if (failed(axis))
    return failure();
  if (coerced)
    return tailDims(rank, *axis);
  SmallVector<bool> reduced(rank, false);
  if (rank > 0)
    reduced[*axis] = true;
  return reduced;
}

FailureOr<SmallVector<Type>> inferSoftmax(const NodeView &node) {
  auto x = requireInput(node, 0);
  if (failed(x) || failed(softmaxDims(node, x->getRank())))
    return failure();
  return SmallVector<Type>{*x};
}

/// softmax = exp(x - m) / s, log-softmax = (x - m) - log(s), with m the max
/// and s = sum(exp(x - m)) over the reduced dims.
template <bool isLog>
FailureOr<SmallVector<Value>> lowerSoftmax(const NodeView &node, OpBuilder &b,
                                           ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  Value x = node.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  if (failed(requireFloat(node, xType, 0)))
    return failure();
  auto reduced = softmaxDims(node, xType.getRank());
  if (failed(reduced))
    return failure();
  Type elt = xType.getElementType(), ct = computeType(elt);
  ArrayRef<int64_t> shape = xType.getShape();
  MLIRContext *ctx = b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(shape.size(), ctx);
  AffineMap proj = keptMap(ctx, *reduced);

  Value max = buildReduction(
      b, loc, shape, *reduced, {x}, {id}, cst(b, loc, ct, -INFINITY),
      [&](OpBuilder &nb, Location nl, ValueRange a, Value m) {
        return arith::MaximumFOp::create(nb, nl, m,
                                         castScalar(nb, nl, a[0], ct));
      });
  auto shifted = [&](OpBuilder &nb, Location nl, Value v, Value m) -> Value {
    return arith::SubFOp::create(nb, nl, castScalar(nb, nl, v, ct), m);
  };
  Value sum = buildReduction(
      b, loc, shape, *reduced, {x, max}, {id, proj}, cst(b, loc, ct, 0),
      [&](OpBuilder &nb, Location nl, ValueRange a, Value s) {
        Value e = math::ExpOp::create(nb, nl, shifted(nb, nl, a[0], a[1]));
        return arith::AddFOp::create(nb, nl, s, e);
      });
  Value y = buildMap(
      b, loc, shape, elt, {x, max, sum}, {id, proj, proj},
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value d = shifted(nb, nl, a[0], a[1]);
        Value r = isLog ? Value(arith::SubFOp::create(
                              nb, nl, d, math::LogOp::create(nb, nl, a[2])))
                        : Value(arith::DivFOp::create(
                              nb, nl, math::ExpOp::create(nb, nl, d), a[2]));
        return castScalar(nb, nl, r, elt);
      });
  return SmallVector<Value>{y};
}

//===----------------------------------------------------------------------===//
// LayerNormalization, RMSNormalization
//===----------------------------------------------------------------------===//

/// stash_type 1 (float) is the only computation type the spec's reference
/// defines; others are refused.
LogicalResult checkStashType(const NodeView &node) {
  int64_t stash = node.intAttr("stash_type", 1);
  if (stash == 1)
    return success();
  node.emitError() << "stash_type " << stash
                   << " is not supported (only 1, float)";
  return failure();
}

/// Checks X (float), the normalized axis, and that inputs [1, numParams]
/// (those present) broadcast to X unidirectionally.
FailureOr<int64_t> checkNormInputs(const NodeView &node, unsigned numParams) {
  auto x = requireInput(node, 0);
  if (failed(x) || failed(requireFloat(node, *x, 0)) ||
      failed(requireInput(node, 1)) || failed(checkStashType(node)))
    return failure();
  auto axis = normalizeAxis(node, node.intAttr("axis", -1), x->getRank(),
                            "axis");
  if (failed(axis))
    return failure();
  for (unsigned i = 1; i <= numParams; ++i) {
    RankedTensorType p = node.inputType(i);
    if (p && failed(checkAligned(node, i, x->getShape(), p.getShape(),
                                 x->getRank() - p.getRank())))
      return failure();
  }
  return *axis;
}

/// Y like X; Mean and InvStdDev of shape X[:axis] + [1] * (rank - axis), of
/// the stash type (float).
FailureOr<SmallVector<Type>> inferLayerNorm(const NodeView &node) {
  auto axis = checkNormInputs(node, 2);
  if (failed(axis))
    return failure();
  RankedTensorType x = node.inputType(0);
  SmallVector<Type> types{x};
  auto stats = RankedTensorType::get(
      onesShape(x.getShape(), tailDims(x.getRank(), *axis)),
      Float32Type::get(node.context()));
  for (unsigned i = 1; i < std::min(node.numOutputs(), 3u); ++i)
    types.push_back(stats);
  return types;
}

FailureOr<SmallVector<Type>> inferRMSNorm(const NodeView &node) {
  if (failed(checkNormInputs(node, 1)))
    return failure();
  return SmallVector<Type>{node.inputType(0)};
}

/// The map reading input `i` broadcast (numpy) into the shape of X.
AffineMap paramMap(const NodeView &node, unsigned i, ArrayRef<int64_t> full) {
  ArrayRef<int64_t> p = node.inputType(i).getShape();
  return alignedMap(node.context(), full, p, full.size() - p.size());
}

FailureOr<SmallVector<Value>> lowerLayerNorm(const NodeView &node,
                                             OpBuilder &b,
                                             ArrayRef<Type> resultTypes) {
  auto axis = checkNormInputs(node, 2);
  if (failed(axis))
    return failure();
  Location loc = node.loc();
  Value x = node.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  Type elt = xType.getElementType(), ct = computeType(elt);
  ArrayRef<int64_t> shape = xType.getShape();
  SmallVector<bool> reduced = tailDims(shape.size(), *axis);
  MLIRContext *ctx = b.getContext();
  double eps = node.floatAttr("epsilon", 1e-5f);

  auto [mean, var] = buildMoments(b, loc, x, reduced, ct);
  SmallVector<int64_t> kept = keptShape(shape, reduced);
  AffineMap keptId = AffineMap::getMultiDimIdentityMap(kept.size(), ctx);
  Value inv = buildMap(b, loc, kept, ct, {var}, {keptId},
                       [&](OpBuilder &nb, Location nl, ValueRange a) {
                         return invStd(nb, nl, a[0], eps);
                       });
  AffineMap proj = keptMap(ctx, reduced);
  SmallVector<Value> ins{x, mean, inv, node.input(1)};
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(shape.size(), ctx),
                              proj, proj, paramMap(node, 1, shape)};
  bool hasBias = node.hasInput(2);
  if (hasBias) {
    ins.push_back(node.input(2));
    maps.push_back(paramMap(node, 2, shape));
  }
  Value y = buildMap(
      b, loc, shape, elt, ins, maps,
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value d = arith::SubFOp::create(nb, nl, castScalar(nb, nl, a[0], ct),
                                        a[1]);
        Value v = arith::MulFOp::create(
            nb, nl, arith::MulFOp::create(nb, nl, d, a[2]),
            castScalar(nb, nl, a[3], ct));
        if (hasBias)
          v = arith::AddFOp::create(nb, nl, v, castScalar(nb, nl, a[4], ct));
        return castScalar(nb, nl, v, elt);
      });
  SmallVector<Value> results{y};
  for (Value stat : {mean, inv}) {
    if (results.size() == resultTypes.size())
      break;
    Type outElt = cast<RankedTensorType>(resultTypes[results.size()])
                      .getElementType();
    Value s = buildMap(b, loc, kept, outElt, {stat}, {keptId},
                       [&](OpBuilder &nb, Location nl, ValueRange a) {
                         return castScalar(nb, nl, a[0], outElt);
                       });
    results.push_back(expandKept(b, loc, s, shape, reduced));
  }
  return results;
}

/// Y = X / sqrt(mean(X^2) + epsilon) * scale over dims [axis, rank).
FailureOr<SmallVector<Value>> lowerRMSNorm(const NodeView &node, OpBuilder &b,
                                           ArrayRef<Type> resultTypes) {
  auto axis = checkNormInputs(node, 1);
  if (failed(axis))
    return failure();
  Location loc = node.loc();
  Value x = node.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  Type elt = xType.getElementType(), ct = computeType(elt);
  ArrayRef<int64_t> shape = xType.getShape();
  SmallVector<bool> reduced = tailDims(shape.size(), *axis);
  MLIRContext *ctx = b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(shape.size(), ctx);
  double eps = node.floatAttr("epsilon", 1e-5f);

  Value ms = buildMean(b, loc, shape, reduced, {x}, {id}, ct,
                       [&](OpBuilder &nb, Location nl, ValueRange a) {
                         Value v = castScalar(nb, nl, a[0], ct);
                         return arith::MulFOp::create(nb, nl, v, v);
                       });
  Value y = buildMap(
      b, loc, shape, elt, {x, ms, node.input(1)},
      {id, keptMap(ctx, reduced), paramMap(node, 1, shape)},
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value v = arith::MulFOp::create(nb, nl, castScalar(nb, nl, a[0], ct),
                                        invStd(nb, nl, a[1], eps));
        v = arith::MulFOp::create(nb, nl, v, castScalar(nb, nl, a[2], ct));
        return castScalar(nb, nl, v, elt);
      });
  return SmallVector<Value>{y};
}

//===----------------------------------------------------------------------===//
// BatchNormalization (inference), InstanceNormalization
//===----------------------------------------------------------------------===//

/// X is N x C x D1..., float; inputs [1, numParams] of shape [C] (or, for
/// BatchNormalization 7 with spatial = 0, C x D1 x ...) align at dim 1.
LogicalResult checkChannelParams(const NodeView &node, unsigned numParams) {
  auto x = requireInput(node, 0);
  if (failed(x) || failed(requireFloat(node, *x, 0)))
    return failure();
  if (x->getRank() < 2) {
    node.emitError() << "input 0 has rank " << x->getRank()
                     << "; expected N x C x ... (rank >= 2)";
    return failure();
  }
  for (unsigned i = 1; i <= numParams; ++i) {
    auto p = requireInput(node, i);
    if (failed(p) || failed(requireFloat(node, *p, i)) ||
        failed(checkAligned(node, i, x->getShape(), p->getShape(), 1)))
      return failure();
  }
  return success();
}

/// Only inference mode: training_mode = 1 (opset 14+) or the running/saved
/// statistics outputs are refused.
LogicalResult checkBatchNorm(const NodeView &node) {
  if (node.intAttr("training_mode", 0) != 0) {
    node.emitError() << "training_mode = 1 is not supported (inference only)";
    return failure();
  }
  if (node.numOutputs() > 1) {
    node.emitError() << "has " << node.numOutputs()
                     << " outputs; only Y (inference mode) is supported";
    return failure();
  }
  return checkChannelParams(node, 4);
}

FailureOr<SmallVector<Type>> inferBatchNorm(const NodeView &node) {
  if (failed(checkBatchNorm(node)))
    return failure();
  return SmallVector<Type>{node.inputType(0)};
}

AffineMap channelMap(const NodeView &node, unsigned i,
                     ArrayRef<int64_t> full) {
  return alignedMap(node.context(), full, node.inputType(i).getShape(), 1);
}

/// A constant tensor of `type` (float elements) holding `values`, rounded
/// to its element type.
Value floatConstant(OpBuilder &b, Location loc, RankedTensorType type,
                    ArrayRef<double> values) {
  auto ft = cast<FloatType>(type.getElementType());
  SmallVector<APFloat> elems;
  for (double v : values) {
    APFloat f(v);
    bool loses;
    f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &loses);
    elems.push_back(f);
  }
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, elems));
}

/// Inference batch norm with constant parameters of one shape, as the
/// affine map it is: Y = X * a + c with a = scale / sqrt(var + epsilon) and
/// c = B - mean * a computed here in double (ONNX Runtime folds the same
/// way), so the per-element loop does no square root or division. Null when
/// the parameters are not such constants.
Value foldedBatchNorm(const NodeView &node, OpBuilder &b, double eps) {
  std::optional<SmallVector<double>> p[4];
  for (unsigned i = 0; i < 4; ++i) {
    p[i] = node.constantFloats(i + 1);
    if (!p[i] || node.inputType(i + 1).getShape() !=
                     node.inputType(1).getShape())
      return {};
  }
  const SmallVector<double> &scale = *p[0], &bias = *p[1], &mean = *p[2],
                            &var = *p[3];
  SmallVector<double> a(scale.size()), c(scale.size());
  for (size_t j = 0; j < scale.size(); ++j) {
    a[j] = scale[j] / std::sqrt(var[j] + eps);
    c[j] = bias[j] - mean[j] * a[j];
  }
  Location loc = node.loc();
  Value x = node.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  Type elt = xType.getElementType(), ct = computeType(elt);
  ArrayRef<int64_t> shape = xType.getShape();
  auto paramType = RankedTensorType::get(node.inputType(1).getShape(), ct);
  SmallVector<Value> ins{x, floatConstant(b, loc, paramType, a),
                         floatConstant(b, loc, paramType, c)};
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(shape.size()),
                              channelMap(node, 1, shape),
                              channelMap(node, 1, shape)};
  return buildMap(b, loc, shape, elt, ins, maps,
                  [&](OpBuilder &nb, Location nl, ValueRange v) {
                    Value y = arith::MulFOp::create(
                        nb, nl, castScalar(nb, nl, v[0], ct), v[1]);
                    y = arith::AddFOp::create(nb, nl, y, v[2]);
                    return castScalar(nb, nl, y, elt);
                  });
}

/// Y = (X - mean) / sqrt(var + epsilon) * scale + B.
FailureOr<SmallVector<Value>> lowerBatchNorm(const NodeView &node,
                                             OpBuilder &b,
                                             ArrayRef<Type> resultTypes) {
  if (failed(checkBatchNorm(node)))
    return failure();
  double eps = node.floatAttr("epsilon", 1e-5f);
  if (Value y = foldedBatchNorm(node, b, eps))
    return SmallVector<Value>{y};
  Location loc = node.loc();
  Value x = node.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  Type elt = xType.getElementType(), ct = computeType(elt);
  ArrayRef<int64_t> shape = xType.getShape();
  SmallVector<Value> ins{x};
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(shape.size())};
  for (unsigned i = 1; i <= 4; ++i) {
    ins.push_back(node.input(i));
    maps.push_back(channelMap(node, i, shape));
  }
  Value y = buildMap(
      b, loc, shape, elt, ins, maps,
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        auto c = [&](unsigned i) { return castScalar(nb, nl, a[i], ct); };
        Value d = arith::SubFOp::create(nb, nl, c(0), c(3));
        Value v = arith::MulFOp::create(nb, nl, d, invStd(nb, nl, c(4), eps));
        v = arith::AddFOp::create(nb, nl,
                                  arith::MulFOp::create(nb, nl, v, c(1)), c(2));
        return castScalar(nb, nl, v, elt);
      });
  return SmallVector<Value>{y};
}

FailureOr<SmallVector<Type>> inferInstanceNorm(const NodeView &node) {
  if (failed(checkChannelParams(node, 2)))
    return failure();
  return SmallVector<Type>{node.inputType(0)};
}

/// Y = scale * (X - mean) / sqrt(var + epsilon) + B, mean and var per
/// (n, c) over the spatial dims.
FailureOr<SmallVector<Value>> lowerInstanceNorm(const NodeView &node,
                                                OpBuilder &b,
                                                ArrayRef<Type> resultTypes) {
  if (failed(checkChannelParams(node, 2)))
    return failure();
  Location loc = node.loc();
  Value x = node.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  Type elt = xType.getElementType(), ct = computeType(elt);
  ArrayRef<int64_t> shape = xType.getShape();
  SmallVector<bool> reduced = tailDims(shape.size(), 2);
  double eps = node.floatAttr("epsilon", 1e-5f);
  auto [mean, var] = buildMoments(b, loc, x, reduced, ct);
  AffineMap proj = keptMap(b.getContext(), reduced);
  Value y = buildMap(
      b, loc, shape, elt, {x, mean, var, node.input(1), node.input(2)},
      {b.getMultiDimIdentityMap(shape.size()), proj, proj,
       channelMap(node, 1, shape), channelMap(node, 2, shape)},
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value d = arith::SubFOp::create(nb, nl, castScalar(nb, nl, a[0], ct),
                                        a[1]);
        Value v = arith::MulFOp::create(nb, nl, d, invStd(nb, nl, a[2], eps));
        v = arith::MulFOp::create(nb, nl, v, castScalar(nb, nl, a[3], ct));
        v = arith::AddFOp::create(nb, nl, v, castScalar(nb, nl, a[4], ct));
        return castScalar(nb, nl, v, elt);
      });
  return SmallVector<Value>{y};
}

//===----------------------------------------------------------------------===//
// LpNormalization, MeanVarianceNormalization
//===----------------------------------------------------------------------===//

FailureOr<int64_t> checkLpNorm(const NodeView &node) {
  auto x = requireInput(node, 0);
  if (failed(x) || failed(requireFloat(node, *x, 0)))
    return failure();
  int64_t p = node.intAttr("p", 2);
  if (p != 1 && p != 2) {
    node.emitError() << "p = " << p << " is not supported (1 or 2)";
    return failure();
  }
  return normalizeAxis(node, node.intAttr("axis", -1), x->getRank(), "axis");
}

FailureOr<SmallVector<Type>> inferLpNorm(const NodeView &node) {
  if (failed(checkLpNorm(node)))
    return failure();
  return SmallVector<Type>{node.inputType(0)};
}

/// Y = X / norm, norm = sum(|x|) (p = 1) or sqrt(sum(x^2)) (p = 2) along
/// `axis`; 0 where the norm is 0 (the opset 22 rule, kept for opset 1).
FailureOr<SmallVector<Value>> lowerLpNorm(const NodeView &node, OpBuilder &b,
                                          ArrayRef<Type> resultTypes) {
  auto axis = checkLpNorm(node);
  if (failed(axis))
    return failure();
  bool l1 = node.intAttr("p", 2) == 1;
  Location loc = node.loc();
  Value x = node.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  Type elt = xType.getElementType(), ct = computeType(elt);
  ArrayRef<int64_t> shape = xType.getShape();
  SmallVector<bool> reduced(shape.size(), false);
  if (!shape.empty())
    reduced[*axis] = true;
  AffineMap id = b.getMultiDimIdentityMap(shape.size());
  Value sum = buildReduction(
      b, loc, shape, reduced, {x}, {id}, cst(b, loc, ct, 0),
      [&](OpBuilder &nb, Location nl, ValueRange a, Value acc) {
        Value v = castScalar(nb, nl, a[0], ct);
        v = l1 ? Value(math::AbsFOp::create(nb, nl, v))
               : Value(arith::MulFOp::create(nb, nl, v, v));
        return arith::AddFOp::create(nb, nl, acc, v);
      });
  Value y = buildMap(
      b, loc, shape, elt, {x, sum}, {id, keptMap(b.getContext(), reduced)},
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value norm = l1 ? a[1] : Value(math::SqrtOp::create(nb, nl, a[1]));
        Value zero = cst(nb, nl, ct, 0);
        Value isZero = arith::CmpFOp::create(
            nb, nl, arith::CmpFPredicate::OEQ, norm, zero);
        Value q = arith::DivFOp::create(nb, nl, castScalar(nb, nl, a[0], ct),
                                        norm);
        return castScalar(nb, nl,
                          arith::SelectOp::create(nb, nl, isZero, zero, q),
                          elt);
      });
  return SmallVector<Value>{y};
}

FailureOr<SmallVector<bool>> mvnDims(const NodeView &node) {
  auto x = requireInput(node, 0);
  if (failed(x) || failed(requireFloat(node, *x, 0)))
    return failure();
  int64_t rank = x->getRank();
  SmallVector<int64_t> axes =
      node.intsAttr("axes").value_or(SmallVector<int64_t>{0, 2, 3});
  SmallVector<bool> reduced(rank, false);
  for (int64_t a : axes) {
    auto d = normalizeAxis(node, a, rank, "axis");
    if (failed(d))
      return failure();
    if (reduced[*d]) {
      node.emitError() << "axis " << a << " appears twice";
      return failure();
    }
    reduced[*d] = true;
  }
  return reduced;
}

FailureOr<SmallVector<Type>> inferMVN(const NodeView &node) {
  if (failed(mvnDims(node)))
    return failure();
  return SmallVector<Type>{node.inputType(0)};
}

/// Y = (X - mean) / (sqrt(var) + 1e-9) over `axes` (the function body of
/// the spec adds 1e-9 to the standard deviation).
FailureOr<SmallVector<Value>> lowerMVN(const NodeView &node, OpBuilder &b,
                                       ArrayRef<Type> resultTypes) {
  auto reduced = mvnDims(node);
  if (failed(reduced))
    return failure();
  Location loc = node.loc();
  Value x = node.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  Type elt = xType.getElementType(), ct = computeType(elt);
  ArrayRef<int64_t> shape = xType.getShape();
  auto [mean, var] = buildMoments(b, loc, x, *reduced, ct);
  AffineMap proj = keptMap(b.getContext(), *reduced);
  Value y = buildMap(
      b, loc, shape, elt, {x, mean, var},
      {b.getMultiDimIdentityMap(shape.size()), proj, proj},
      [&](OpBuilder &nb, Location nl, ValueRange a) {
        Value d = arith::SubFOp::create(nb, nl, castScalar(nb, nl, a[0], ct),
                                        a[1]);
        Value sd = arith::AddFOp::create(nb, nl,
                                         math::SqrtOp::create(nb, nl, a[2]),
                                         cst(nb, nl, ct, 1e-9));
        return castScalar(nb, nl, arith::DivFOp::create(nb, nl, d, sd), elt);
      });
  return SmallVector<Value>{y};
}

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//


using RK = ReduceKind;
const char *kAxesConst = "axes input must be a constant";

const OpRow kNormalizationOps[] = {
    // Reductions: axes attribute (since 1; negative axes since 11, accepted
    // here), axes as an optional input (ReduceSum 13, the others 18) with
    // noop_with_empty_axes. Versions 12/13 only added types.
    {"ReduceSum", 1, inferReduce, lowerReduce<RK::Sum>},
    {"ReduceSum", 13, inferReduce, lowerReduce<RK::Sum>, kAxesConst},
    {"ReduceMean", 1, inferReduce, lowerReduce<RK::Mean>},
    {"ReduceMean", 18, inferReduce, lowerReduce<RK::Mean>, kAxesConst},
    {"ReduceProd", 1, inferReduce, lowerReduce<RK::Prod>},
    {"ReduceProd", 18, inferReduce, lowerReduce<RK::Prod>, kAxesConst},
    {"ReduceL1", 1, inferReduce, lowerReduce<RK::L1>},
    {"ReduceL1", 18, inferReduce, lowerReduce<RK::L1>, kAxesConst},
    {"ReduceL2", 1, inferReduce, lowerReduce<RK::L2>},
    {"ReduceL2", 18, inferReduce, lowerReduce<RK::L2>, kAxesConst},
    {"ReduceSumSquare", 1, inferReduce, lowerReduce<RK::SumSquare>},
    {"ReduceSumSquare", 18, inferReduce, lowerReduce<RK::SumSquare>,
     kAxesConst},
    {"ReduceLogSum", 1, inferReduce, lowerReduce<RK::LogSum>,
     "float inputs only"},
    {"ReduceLogSum", 18, inferReduce, lowerReduce<RK::LogSum>,
     "float inputs only; axes input must be a constant"},
    {"ReduceLogSumExp", 1, inferReduce, lowerReduce<RK::LogSumExp>,
     "float inputs only"},
    {"ReduceLogSumExp", 18, inferReduce, lowerReduce<RK::LogSumExp>,
     "float inputs only; axes input must be a constant"},
    // Max/Min: 18 takes axes as an input, 20 adds bool (False < True).
    {"ReduceMax", 1, inferReduce, lowerReduce<RK::Max>},
    {"ReduceMax", 18, inferReduce, lowerReduce<RK::Max>, kAxesConst},
    {"ReduceMax", 20, inferReduce, lowerReduce<RK::Max>, kAxesConst},
    {"ReduceMin", 1, inferReduce, lowerReduce<RK::Min>},
    {"ReduceMin", 18, inferReduce, lowerReduce<RK::Min>, kAxesConst},
    {"ReduceMin", 20, inferReduce, lowerReduce<RK::Min>, kAxesConst},
    // Softmax: before 13 over the flattened dims [axis, rank); from 13 over
    // one axis.
    {"Softmax", 1, inferSoftmax, lowerSoftmax<false>},
    {"Softmax", 13, inferSoftmax, lowerSoftmax<false>},
    {"LogSoftmax", 1, inferSoftmax, lowerSoftmax<true>},
    {"LogSoftmax", 13, inferSoftmax, lowerSoftmax<true>},
    // Normalizations.
    {"LayerNormalization", 17, inferLayerNorm, lowerLayerNorm,
     "stash_type 1 only"},
    {"RMSNormalization", 23, inferRMSNorm, lowerRMSNorm, "stash_type 1 only"},
    {"BatchNormalization", 7, inferBatchNorm, lowerBatchNorm,
     "inference only (one output)"},
    {"BatchNormalization", 9, inferBatchNorm, lowerBatchNorm,
     "inference only (one output)"},
    {"BatchNormalization", 14, inferBatchNorm, lowerBatchNorm,
     "inference only (training_mode = 0)"},
    {"BatchNormalization", 15, inferBatchNorm, lowerBatchNorm,
     "inference only (training_mode = 0)"},
    {"InstanceNormalization", 6, inferInstanceNorm, lowerInstanceNorm},
    {"LpNormalization", 1, inferLpNorm, lowerLpNorm,
     "p 1 or 2; a zero norm gives 0"},
    {"LpNormalization", 22, inferLpNorm, lowerLpNorm, "p 1 or 2"},
    {"MeanVarianceNormalization", 9, inferMVN, lowerMVN},
};

} // namespace

void switchyard::onnx::registerNormalizationOps(OpRegistry &registry) {
  addDefaultDomainOps(registry, kNormalizationOps);
}
