//===- PoolingResize.cpp - pooling and resize ONNX ops --------------------===//
//
// AveragePool, MaxPool, GlobalAveragePool, GlobalMaxPool (1-D/2-D/3-D and
// more spatial dims), Resize and the deprecated Upsample.
//
// Pools: the window arithmetic (output sizes, floor/ceil_mode with the
// last-window rule) comes from dialects/sy/PoolingShapes.h so the ONNX pools
// and sy.pyramid_pool agree. A pool lowers to
//   - a padded copy of the input when there is padding (a linalg.generic
//     selecting -inf/lowest for max, 0 for average outside the input,
//     extended at the end so every ceil_mode window stays in bounds), then
//   - one linalg.generic over (N, C, out..., window...) with reduction
//     iterators over the window; a tensor.empty of the kernel shape gives
//     the window loops their ranges, and
//   - for AveragePool, an elementwise division by the window's element count
//     (count_include_pad: window ∩ padded extent, else window ∩ input), a
//     product of per-dimension constant tables.
// Global pools are pools whose window is the whole spatial extent.
//
// Resize: shapes and scales must be constants, so the source coordinate of
// every output index along every axis is computed here, in double, and
// enters a linalg.generic as constant index/weight tables (one per tap).
// Resizing is separable: one generic per resized axis, innermost first,
// whose body reads its taps with tensor.extract and sums taps x weights
// (1 tap nearest, 2 linear, 4 cubic).
//
// Performance is not the goal yet: a fast path belongs to 2-D pools
// (linalg.pooling_nchw_* after padding, tiled) and to resize with integer
// factors (a pure broadcast/reshape).
//
//===----------------------------------------------------------------------===//

#include "passes/lower/onnx/OpRegistry.h"

#include "passes/lower/onnx/Builders.h"
#include "passes/lower/onnx/ResizeTaps.h"

#include "dialects/sy/PoolingShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace switchyard::onnx;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;
using Types = SmallVector<Type>;


/// The element type arithmetic runs in: f32 for narrower floats.
Type computeType(Type elt) {
  auto f = dyn_cast<FloatType>(elt);
  if (f && f.getWidth() < 32)
    return Float32Type::get(elt.getContext());
  return elt;
}

/// A constant 1-D tensor of `values` with element type `elt`.
Value constantTable(OpBuilder &b, Location loc, Type elt,
                    ArrayRef<double> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())}, elt);
  SmallVector<Attribute> attrs;
  for (double v : values) {
    if (isa<FloatType>(elt))
      attrs.push_back(b.getFloatAttr(elt, v));
    else
      attrs.push_back(b.getIntegerAttr(elt, static_cast<int64_t>(v)));
  }
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, attrs));
}

//===----------------------------------------------------------------------===//
// Pooling geometry
//===----------------------------------------------------------------------===//

/// The window of a pooling node along each spatial dim, resolved against
/// the input shape (auto_pad turned into explicit pads).
struct PoolGeometry {
  SmallVector<int64_t> kernel, strides, dilations, padBegin, padEnd;
  /// Output spatial sizes (kDyn where the input size is dynamic).
  SmallVector<int64_t> out;
  bool ceilMode = false;

  int64_t span(size_t i) const { return (kernel[i] - 1) * dilations[i] + 1; }
};

/// Reads an ints attribute of `count` values (or `dflt` repeated when
/// absent), each >= `min`; failure after an error.
FailureOr<SmallVector<int64_t>> windowInts(const NodeView &node,
                                           StringRef name, size_t count,
                                           int64_t dflt, int64_t min) {
  std::optional<SmallVector<int64_t>> v = node.intsAttr(name);
  if (!v)
    return SmallVector<int64_t>(count, dflt);
  if (v->size() != count) {
    node.emitError() << "'" << name << "' has " << v->size()
                     << " values; expected " << count;
    return failure();
  }
  for (int64_t x : *v)
    if (x < min) {
      node.emitError() << "'" << name << "' values must be >= " << min
                       << ", got " << x;
      return failure();
    }
  return *v;
}

/// The geometry of pooling node `node` over an input of `shape` (N, C,
/// spatial...). Global pools take the whole spatial extent as the window.
FailureOr<PoolGeometry> poolGeometry(const NodeView &node,
                                     ArrayRef<int64_t> shape, bool global) {
  if (shape.size() < 3) {
    node.emitError() << "expects an input of rank >= 3 (N, C, spatial...), "
                        "got rank "
                     << shape.size();
    return failure();
  }
  size_t n = shape.size() - 2;
  ArrayRef<int64_t> in = shape.drop_front(2);
  PoolGeometry g;
  if (global) {
    g.kernel.assign(in.begin(), in.end());
    g.strides.assign(n, 1);
    g.dilations.assign(n, 1);
    g.padBegin.assign(n, 0);
    g.padEnd.assign(n, 0);
    g.out.assign(n, 1);
    return g;
  }

  std::optional<SmallVector<int64_t>> kernel = node.intsAttr("kernel_shape");
  if (!kernel) {
    node.emitError() << "requires the 'kernel_shape' attribute";
    return failure();
  }
  auto k = windowInts(node, "kernel_shape", n, 1, 1);
  auto s = windowInts(node, "strides", n, 1, 1);
  auto d = windowInts(node, "dilations", n, 1, 1);
  auto p = windowInts(node, "pads", 2 * n, 0, 0);
  if (failed(k) || failed(s) || failed(d) || failed(p))
    return failure();
  g.kernel = *k;
  g.strides = *s;
  g.dilations = *d;
  g.padBegin.assign(p->begin(), p->begin() + n);
  g.padEnd.assign(p->begin() + n, p->end());
  g.ceilMode = node.intAttr("ceil_mode", 0) != 0;

  std::string autoPad = node.stringAttr("auto_pad", "NOTSET");
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (autoPad != "NOTSET" && autoPad != "VALID" && !same) {
    node.emitError() << "unsupported auto_pad '" << autoPad << "'";
    return failure();
  }
  if (autoPad == "VALID") {
    g.padBegin.assign(n, 0);
    g.padEnd.assign(n, 0);
  }
  for (size_t i = 0; i < n; ++i) {
    if (ShapedType::isDynamic(in[i])) {
      g.out.push_back(kDyn);
      continue;
    }
    if (same) {
      // out = ceil(in / stride); the padding that makes the windows reach,
      // the odd element at the end (SAME_UPPER) or the beginning.
      int64_t want = (in[i] + g.strides[i] - 1) / g.strides[i];
      int64_t total = std::max<int64_t>(
          0, (want - 1) * g.strides[i] + g.span(i) - in[i]);
      g.padBegin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      g.padEnd[i] = total - g.padBegin[i];
    }
    std::optional<int64_t> out = switchyard::sy::pooledSize(
        in[i], g.span(i), g.strides[i], g.padBegin[i], g.padEnd[i],
        g.ceilMode && !same);
    if (!out) {
      node.emitError() << "window of size " << g.span(i) << " (kernel "
                       << g.kernel[i] << ", dilation " << g.dilations[i]
                       << ") does not fit the padded input (" << in[i]
                       << " + " << g.padBegin[i] << " + " << g.padEnd[i]
                       << ") along spatial dim " << i;
      return failure();
    }
    g.out.push_back(*out);
  }
  return g;
}

FailureOr<Types> inferPoolImpl(const NodeView &node, bool global,
                               bool maxPool) {
  RankedTensorType in = node.requireInput(0);
  if (!in)
    return failure();
  auto g = poolGeometry(node, in.getShape(), global);
  if (failed(g))
    return failure();
  if (maxPool) {
    int64_t order = node.intAttr("storage_order", 0);
    if (order != 0 && order != 1) {
      node.emitError() << "storage_order must be 0 or 1, got " << order;
      return failure();
    }
  }
  SmallVector<int64_t> shape(in.getShape().take_front(2));
  shape.append(g->out.begin(), g->out.end());
  Types types{in.clone(shape)};
  if (maxPool && node.numOutputs() > 1)
    types.push_back(RankedTensorType::get(shape, IntegerType::get(node.context(), 64)));
  return types;
}

FailureOr<Types> inferAveragePool(const NodeView &node) {
  return inferPoolImpl(node, /*global=*/false, /*maxPool=*/false);
}
FailureOr<Types> inferMaxPool(const NodeView &node) {
  return inferPoolImpl(node, /*global=*/false, /*maxPool=*/true);
}
FailureOr<Types> inferGlobalPool(const NodeView &node) {
  return inferPoolImpl(node, /*global=*/true, /*maxPool=*/false);
}

//===----------------------------------------------------------------------===//
// Pooling lowering
//===----------------------------------------------------------------------===//

/// `x` inside a tensor filled with `padValue`, `low`/`high` more elements
/// along each spatial dim. A linalg.generic reads `x` with tensor.extract at
/// a clamped position and selects the pad value outside (an insert_slice
/// into a filled tensor would bufferize to a strided memref.copy, a call to
/// the runtime's memrefCopy that generated libraries do not link).
Value padSpatial(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> low,
                 ArrayRef<int64_t> high, Value padValue) {
  auto type = cast<RankedTensorType>(x.getType());
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return x;
  SmallVector<int64_t> shape(type.getShape());
  for (size_t i = 0; i < low.size(); ++i)
    shape[2 + i] += low[i] + high[i];
  int64_t rank = shape.size();
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init},
             SmallVector<AffineMap>{b.getMultiDimIdentityMap(rank)}, parallel,
             [&](OpBuilder &nb, Location nl, ValueRange) {
               Value inside = scalarConstant(nb, nl, nb.getI1Type(), 1);
               SmallVector<Value> at;
               for (int64_t d = 0; d < rank; ++d) {
                 Value i = linalg::IndexOp::create(nb, nl, d);
                 if (d < 2) {
                   at.push_back(i);
                   continue;
                 }
                 Value zero = arith::ConstantIndexOp::create(nb, nl, 0);
                 Value last = arith::ConstantIndexOp::create(
                     nb, nl, type.getDimSize(d) - 1);
                 Value p = arith::SubIOp::create(
                     nb, nl, i,
                     arith::ConstantIndexOp::create(nb, nl, low[d - 2]));
                 Value ge = arith::CmpIOp::create(
                     nb, nl, arith::CmpIPredicate::sge, p, zero);
                 Value le = arith::CmpIOp::create(
                     nb, nl, arith::CmpIPredicate::sle, p, last);
                 inside = arith::AndIOp::create(
                     nb, nl, inside, arith::AndIOp::create(nb, nl, ge, le));
                 at.push_back(arith::MinSIOp::create(
                     nb, nl, arith::MaxSIOp::create(nb, nl, p, zero), last));
               }
               Value v = tensor::ExtractOp::create(nb, nl, x, at);
               linalg::YieldOp::create(
                   nb, nl,
                   Value(arith::SelectOp::create(nb, nl, inside, v, padValue)));
             })
      .getResult(0);
}

/// The identity of max for `elt`: -inf for floats, the lowest integer.
Value maxIdentity(OpBuilder &b, Location loc, Type elt) {
  if (auto f = dyn_cast<FloatType>(elt))
    return arith::ConstantOp::create(
        b, loc, b.getFloatAttr(f, APFloat::getInf(f.getFloatSemantics(),
                                                  /*Negative=*/true)));
  unsigned width = elt.getIntOrFloatBitWidth();
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(elt, APInt::getSignedMinValue(width)));
}

/// The maps and iterators of a window reduction over (N, C, out..., win...):
/// the padded input at (n, c, o*s + w*d), the window shape at (w), the
/// result at (n, c, o).
struct WindowLoops {
  SmallVector<AffineMap> inputMap, windowMap, outputMap;
  SmallVector<utils::IteratorType> iterators;
};

WindowLoops windowLoops(OpBuilder &b, const PoolGeometry &g) {
  int64_t n = g.kernel.size(), dims = 2 + 2 * n;
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> in{b.getAffineDimExpr(0), b.getAffineDimExpr(1)};
  SmallVector<AffineExpr> win, out{b.getAffineDimExpr(0),
                                   b.getAffineDimExpr(1)};
  for (int64_t i = 0; i < n; ++i) {
    AffineExpr o = b.getAffineDimExpr(2 + i), w = b.getAffineDimExpr(2 + n + i);
    in.push_back(o * g.strides[i] + w * g.dilations[i]);
    win.push_back(w);
    out.push_back(o);
  }
  WindowLoops l;
  l.inputMap = {AffineMap::get(dims, 0, in, ctx)};
  l.windowMap = {AffineMap::get(dims, 0, win, ctx)};
  l.outputMap = {AffineMap::get(dims, 0, out, ctx)};
  l.iterators.assign(2 + n, utils::IteratorType::parallel);
  l.iterators.append(n, utils::IteratorType::reduction);
  return l;
}

/// Pads `x` so that every window of `g` is in bounds: the declared pads,
/// extended at the end for ceil_mode's partial last window.
Value padForWindows(OpBuilder &b, Location loc, Value x, const PoolGeometry &g,
                    Value padValue) {
  auto shape = cast<RankedTensorType>(x.getType()).getShape();
  SmallVector<int64_t> high;
  for (size_t i = 0; i < g.kernel.size(); ++i) {
    int64_t needed =
        (g.out[i] - 1) * g.strides[i] + g.span(i) - shape[2 + i] - g.padBegin[i];
    high.push_back(std::max(g.padEnd[i], needed));
  }
  return padSpatial(b, loc, x, g.padBegin, high, padValue);
}

/// Number of window taps w in [0, kernel) of output `o` whose input
/// position o*s + w*d - padBegin lies in [lo, hi).
int64_t tapsInside(const PoolGeometry &g, size_t i, int64_t o, int64_t lo,
                   int64_t hi) {
  int64_t count = 0;
  for (int64_t w = 0; w < g.kernel[i]; ++w) {
    int64_t pos = o * g.strides[i] + w * g.dilations[i] - g.padBegin[i];
    count += pos >= lo && pos < hi;
  }
  return count;
}

/// AveragePool / GlobalAveragePool: sum of the zero-padded windows, then a
/// division by the per-position element count.
Value lowerAverage(const NodeView &node, OpBuilder &b, RankedTensorType type,
                   const PoolGeometry &g, bool countIncludePad) {
  Location loc = node.loc();
  Value x = node.input(0);
  auto inType = cast<RankedTensorType>(x.getType());
  Type elt = type.getElementType(), acc = computeType(elt);
  size_t n = g.kernel.size();

  Value padded =
      padForWindows(b, loc, x, g, scalarConstant(b, loc, elt, 0.0));
  Value window = tensor::EmptyOp::create(b, loc, g.kernel, elt);
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(), acc);
  Value zero =
      linalg::FillOp::create(b, loc, scalarConstant(b, loc, acc, 0.0), init)
          .getResult(0);
  WindowLoops l = windowLoops(b, g);
  SmallVector<AffineMap> maps{l.inputMap[0], l.windowMap[0], l.outputMap[0]};
  Value sum =
      linalg::GenericOp::create(
          b, loc, TypeRange{zero.getType()}, ValueRange{padded, window},
          ValueRange{zero}, maps, l.iterators,
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value v = castScalar(nb, nl, args[0], acc);
            linalg::YieldOp::create(nb, nl,
                                    Value(arith::AddFOp::create(nb, nl, args[2], v)));
          })
          .getResult(0);

  // Divisors: a product of per-dimension counts; uniform dims fold into one
  // scalar, the others enter as constant tables indexed by the output dim.
  double uniform = 1;
  SmallVector<Value> tables;
  SmallVector<int64_t> tableDims;
  for (size_t i = 0; i < n; ++i) {
    int64_t in = inType.getDimSize(2 + i);
    int64_t lo = countIncludePad ? -g.padBegin[i] : 0;
    int64_t hi = countIncludePad ? in + g.padEnd[i] : in;
    SmallVector<double> counts;
    for (int64_t o = 0; o < g.out[i]; ++o)
      counts.push_back(static_cast<double>(tapsInside(g, i, o, lo, hi)));
    if (llvm::all_equal(counts)) {
      uniform *= counts.front();
      continue;
    }
    tables.push_back(constantTable(b, loc, acc, counts));
    tableDims.push_back(2 + i);
  }
  int64_t rank = type.getRank();
  SmallVector<AffineMap> divMaps{b.getMultiDimIdentityMap(rank)};
  for (int64_t d : tableDims)
    divMaps.push_back(AffineMap::get(rank, 0, b.getAffineDimExpr(d),
                                     b.getContext()));
  divMaps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<Value> ins{sum};
  ins.append(tables);
  Value out = tensor::EmptyOp::create(b, loc, type.getShape(), elt);
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ins, ValueRange{out}, divMaps, parallel,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value divisor = scalarConstant(nb, nl, acc, uniform);
               for (size_t t = 0; t < tables.size(); ++t)
                 divisor = arith::MulFOp::create(nb, nl, divisor, args[1 + t]);
               Value q = arith::DivFOp::create(nb, nl, args[0], divisor);
               linalg::YieldOp::create(nb, nl, castScalar(nb, nl, q, elt));
             })
      .getResult(0);
}

/// MaxPool / GlobalMaxPool: max over the lowest-padded windows (NaN
/// ignored, as the ONNX reference does). With `indexType`, also the index
/// of the first maximum in the flattened input (row-major NCHW, or with
/// storage_order=1 column-major within each (n, c) image).
SmallVector<Value> lowerMax(const NodeView &node, OpBuilder &b,
                            RankedTensorType type, const PoolGeometry &g,
                            RankedTensorType indexType) {
  Location loc = node.loc();
  Value x = node.input(0);
  auto inType = cast<RankedTensorType>(x.getType());
  Type elt = type.getElementType();
  bool isFloat = isa<FloatType>(elt);
  size_t n = g.kernel.size();

  Value lowest = maxIdentity(b, loc, elt);
  Value padded = padForWindows(b, loc, x, g, lowest);
  Value window = tensor::EmptyOp::create(b, loc, g.kernel, elt);
  Value init = linalg::FillOp::create(
                   b, loc, lowest,
                   Value(tensor::EmptyOp::create(b, loc, type.getShape(), elt)))
                   .getResult(0);
  WindowLoops l = windowLoops(b, g);

  if (!indexType) {
    SmallVector<AffineMap> maps{l.inputMap[0], l.windowMap[0], l.outputMap[0]};
    Value r = linalg::GenericOp::create(
                  b, loc, TypeRange{type}, ValueRange{padded, window},
                  ValueRange{init}, maps, l.iterators,
                  [&](OpBuilder &nb, Location nl, ValueRange args) {
                    Value m = isFloat ? Value(arith::MaxNumFOp::create(
                                            nb, nl, args[2], args[0]))
                                      : Value(arith::MaxSIOp::create(
                                            nb, nl, args[2], args[0]));
                    linalg::YieldOp::create(nb, nl, m);
                  })
                  .getResult(0);
    return {r};
  }

  // With indices: track (value, index); a tap replaces the current pair when
  // it lies inside the input and is the first or a strictly larger value.
  Value noIndex = linalg::FillOp::create(
                      b, loc, scalarConstant(b, loc, b.getI64Type(), -1),
                      Value(tensor::EmptyOp::create(b, loc, type.getShape(),
                                                    b.getI64Type())))
                      .getResult(0);
  bool columnMajor = node.intAttr("storage_order", 0) == 1;
  SmallVector<AffineMap> maps{l.inputMap[0], l.windowMap[0], l.outputMap[0],
                              l.outputMap[0]};
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type, indexType}, ValueRange{padded, window},
      ValueRange{init, noIndex}, maps, l.iterators,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        auto idx = [&](int64_t d) -> Value {
          return linalg::IndexOp::create(nb, nl, d);
        };
        auto cIdx = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(nb, nl, v);
        };
        Value inside = scalarConstant(nb, nl, nb.getI1Type(), 1);
        // Image offset: (n * C + c) * prod(spatial).
        int64_t image = 1;
        for (size_t i = 0; i < n; ++i)
          image *= inType.getDimSize(2 + i);
        Value flat = arith::MulIOp::create(
            nb, nl,
            arith::AddIOp::create(
                nb, nl,
                arith::MulIOp::create(nb, nl, idx(0),
                                      cIdx(inType.getDimSize(1))),
                idx(1)),
            cIdx(image));
        int64_t stride = 1;
        SmallVector<Value> pos(n);
        for (size_t i = 0; i < n; ++i) {
          Value p = arith::AddIOp::create(
              nb, nl, arith::MulIOp::create(nb, nl, idx(2 + i), cIdx(g.strides[i])),
              arith::MulIOp::create(nb, nl, idx(2 + n + i),
                                    cIdx(g.dilations[i])));
          pos[i] = arith::SubIOp::create(nb, nl, p, cIdx(g.padBegin[i]));
          Value ge = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::sge,
                                           pos[i], cIdx(0));
          Value lt = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::slt,
                                           pos[i],
                                           cIdx(inType.getDimSize(2 + i)));
          inside = arith::AndIOp::create(
              nb, nl, inside, arith::AndIOp::create(nb, nl, ge, lt));
        }
        // Spatial offset, row-major (last dim fastest) or column-major.
        for (size_t k = 0; k < n; ++k) {
          size_t i = columnMajor ? k : n - 1 - k;
          flat = arith::AddIOp::create(
              nb, nl, flat, arith::MulIOp::create(nb, nl, pos[i], cIdx(stride)));
          stride *= inType.getDimSize(2 + i);
        }
        Value v = args[0], cur = args[2], curIdx = args[3];
        Value larger =
            isFloat ? Value(arith::CmpFOp::create(
                          nb, nl, arith::CmpFPredicate::OGT, v, cur))
                    : Value(arith::CmpIOp::create(
                          nb, nl, arith::CmpIPredicate::sgt, v, cur));
        Value first = arith::CmpIOp::create(
            nb, nl, arith::CmpIPredicate::eq, curIdx,
            scalarConstant(nb, nl, nb.getI64Type(), -1));
        Value take = arith::AndIOp::create(
            nb, nl, inside, arith::OrIOp::create(nb, nl, first, larger));
        Value flat64 =
            arith::IndexCastOp::create(nb, nl, nb.getI64Type(), flat);
        linalg::YieldOp::create(
            nb, nl,
            ValueRange{Value(arith::SelectOp::create(nb, nl, take, v, cur)),
                       Value(arith::SelectOp::create(nb, nl, take, flat64,
                                                     curIdx))});
      });
  return {generic.getResult(0), generic.getResult(1)};
}

FailureOr<SmallVector<Value>> lowerPoolImpl(const NodeView &node, OpBuilder &b,
                                            ArrayRef<Type> resultTypes,
                                            bool global, bool maxPool) {
  auto inType = node.inputType(0);
  auto type = cast<RankedTensorType>(resultTypes[0]);
  Type elt = type.getElementType();
  if (!maxPool && !isa<FloatType>(elt)) {
    node.emitError() << "average pooling of " << elt
                     << " is not supported (float types only)";
    return failure();
  }
  if (maxPool && !isa<FloatType>(elt) && !elt.isSignlessInteger()) {
    node.emitError() << "max pooling of " << elt << " is not supported";
    return failure();
  }
  auto g = poolGeometry(node, inType.getShape(), global);
  if (failed(g))
    return failure();
  SmallVector<int64_t> shape(inType.getShape().take_front(2));
  shape.append(g->out.begin(), g->out.end());
  for (Type t : resultTypes)
    if (cast<RankedTensorType>(t).getShape() != ArrayRef<int64_t>(shape)) {
      node.emitError() << "result type " << t
                       << " does not match the pooled shape";
      return failure();
    }
  if (!maxPool)
    return SmallVector<Value>{
        lowerAverage(node, b, type, *g,
                     !global && node.intAttr("count_include_pad", 0) != 0)};
  if (!global) {
    int64_t order = node.intAttr("storage_order", 0);
    if (order != 0 && order != 1) {
      node.emitError() << "storage_order must be 0 or 1, got " << order;
      return failure();
    }
  }
  RankedTensorType indexType;
  if (resultTypes.size() > 1)
    indexType = cast<RankedTensorType>(resultTypes[1]);
  return lowerMax(node, b, type, *g, indexType);
}

FailureOr<SmallVector<Value>> lowerAveragePool(const NodeView &node,
                                               OpBuilder &b,
                                               ArrayRef<Type> types) {
  return lowerPoolImpl(node, b, types, /*global=*/false, /*maxPool=*/false);
}
FailureOr<SmallVector<Value>> lowerMaxPool(const NodeView &node, OpBuilder &b,
                                           ArrayRef<Type> types) {
  return lowerPoolImpl(node, b, types, /*global=*/false, /*maxPool=*/true);
}
FailureOr<SmallVector<Value>> lowerGlobalAveragePool(const NodeView &node,
                                                     OpBuilder &b,
                                                     ArrayRef<Type> types) {
  return lowerPoolImpl(node, b, types, /*global=*/true, /*maxPool=*/false);
}
FailureOr<SmallVector<Value>> lowerGlobalMaxPool(const NodeView &node,
                                                 OpBuilder &b,
                                                 ArrayRef<Type> types) {
  return lowerPoolImpl(node, b, types, /*global=*/true, /*maxPool=*/true);
}

//===----------------------------------------------------------------------===//
// Resize / Upsample: the plan
//===----------------------------------------------------------------------===//

enum class Interp { Nearest, Linear, Cubic };

/// Everything Resize needs, read from attributes and constant inputs.
struct ResizePlan {
  Interp interp = Interp::Nearest;
  std::string coordMode;   // coordinate_transformation_mode
  std::string nearestMode; // or "legacy": floor up-, ceil down-sampling
  double cubicA = -0.75;
  bool excludeOutside = false;
  SmallVector<double> scales; // per axis (1 on axes not resized)
  SmallVector<int64_t> out;   // per axis (kDyn when unknown)
};

/// True when a present input `i` has no elements (ONNX's "empty string or
/// empty tensor" for an unused optional input).
bool isEmptyInput(const NodeView &node, unsigned i) {
  RankedTensorType t = node.inputType(i);
  return !t || (t.hasStaticShape() && t.getNumElements() == 0);
}

FailureOr<ResizePlan> resizePlan(const NodeView &node, RankedTensorType xType) {
  bool upsample = node.opType() == "Upsample";
  bool legacy = upsample || node.opset() < 11;
  int64_t rank = xType.getRank();
  ArrayRef<int64_t> in = xType.getShape();
  ResizePlan plan;

  std::string mode = node.stringAttr("mode", "nearest");
  if (mode == "nearest")
    plan.interp = Interp::Nearest;
  else if (mode == "linear" || (upsample && mode == "bilinear"))
    plan.interp = Interp::Linear;
  else if (mode == "cubic" && !legacy)
    plan.interp = Interp::Cubic;
  else {
    node.emitError() << "unsupported mode '" << mode << "'";
    return failure();
  }
  if (legacy) {
    plan.coordMode = "asymmetric";
    plan.nearestMode = "legacy";
  } else {
    plan.coordMode =
        node.stringAttr("coordinate_transformation_mode", "half_pixel");
    plan.nearestMode = node.stringAttr("nearest_mode", "round_prefer_floor");
    plan.cubicA = node.floatAttr("cubic_coeff_a", -0.75f);
    plan.excludeOutside = node.intAttr("exclude_outside", 0) != 0;
    StringRef cm = plan.coordMode;
    if (cm == "tf_crop_and_resize") {
      node.emitError() << "coordinate_transformation_mode "
                          "'tf_crop_and_resize' (roi cropping) is not "
                          "supported";
      return failure();
    }
    bool known = cm == "half_pixel" || cm == "pytorch_half_pixel" ||
                 cm == "align_corners" || cm == "asymmetric" ||
                 (cm == "tf_half_pixel_for_nn" && node.opset() < 13) ||
                 (cm == "half_pixel_symmetric" && node.opset() >= 19);
    if (!known) {
      node.emitError() << "unsupported coordinate_transformation_mode '" << cm
                       << "'";
      return failure();
    }
    StringRef nm = plan.nearestMode;
    if (nm != "round_prefer_floor" && nm != "round_prefer_ceil" &&
        nm != "floor" && nm != "ceil") {
      node.emitError() << "unsupported nearest_mode '" << nm << "'";
      return failure();
    }
    if (node.intAttr("antialias", 0) != 0) {
      node.emitError() << "antialias=1 is not supported";
      return failure();
    }
  }

  // Axes (18+): scales/sizes name these axes only.
  SmallVector<int64_t> axes;
  if (std::optional<SmallVector<int64_t>> a = node.intsAttr("axes");
      a && !legacy && node.opset() >= 18) {
    for (int64_t axis : *a) {
      auto norm = normalizeAxis(node, axis, rank, "axis");
      if (failed(norm))
        return failure();
      if (llvm::is_contained(axes, *norm)) {
        node.emitError() << "axis " << axis << " appears twice in 'axes'";
        return failure();
      }
      axes.push_back(*norm);
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }

  // Scales or sizes, both constant.
  std::optional<SmallVector<double>> scales;
  std::optional<SmallVector<int64_t>> sizes;
  unsigned scalesInput = upsample || legacy ? 1 : 2, sizesInput = 3;
  if (upsample && node.opset() < 9) {
    if (std::optional<SmallVector<float>> s = node.floatsAttr("scales"))
      scales = SmallVector<double>(s->begin(), s->end());
    else {
      node.emitError() << "requires the 'scales' attribute";
      return failure();
    }
  } else if (!isEmptyInput(node, scalesInput)) {
    scales = node.constantFloats(scalesInput);
    if (!scales) {
      node.emitError() << "input 'scales' must be a float constant (known "
                          "at compile time)";
      return failure();
    }
  }
  if (!legacy && !isEmptyInput(node, sizesInput)) {
    if (scales) {
      node.emitError() << "takes 'scales' or 'sizes', not both";
      return failure();
    }
    sizes = node.constantInts(sizesInput);
    if (!sizes) {
      node.emitError() << "input 'sizes' must be an integer constant (known "
                          "at compile time)";
      return failure();
    }
  }
  if (!scales && !sizes) {
    node.emitError() << "requires constant 'scales' or 'sizes'";
    return failure();
  }
  size_t given = scales ? scales->size() : sizes->size();
  if (given != axes.size()) {
    node.emitError() << "'" << (scales ? "scales" : "sizes") << "' has "
                     << given << " values; expected " << axes.size();
    return failure();
  }

  plan.scales.assign(rank, 1.0);
  plan.out.assign(in.begin(), in.end());
  if (scales) {
    for (auto [i, axis] : llvm::enumerate(axes)) {
      double s = (*scales)[i];
      if (!(s > 0) || !std::isfinite(s)) {
        node.emitError() << "scales must be finite and > 0, got " << s;
        return failure();
      }
      if (!ShapedType::isDynamic(in[axis]) && in[axis] * s >= 0x1p62) {
        node.emitError() << "scale " << s << " on axis " << axis
                         << " (size " << in[axis] << ") overflows int64";
        return failure();
      }
      plan.scales[axis] = s;
      if (!ShapedType::isDynamic(in[axis]))
        plan.out[axis] = static_cast<int64_t>(std::floor(in[axis] * s));
    }
  } else {
    std::string policy = node.stringAttr("keep_aspect_ratio_policy", "stretch");
    if (node.opset() < 18)
      policy = "stretch";
    if (policy != "stretch" && policy != "not_larger" &&
        policy != "not_smaller") {
      node.emitError() << "unsupported keep_aspect_ratio_policy '" << policy
                       << "'";
      return failure();
    }
    for (auto [i, axis] : llvm::enumerate(axes)) {
      if ((*sizes)[i] < 1) {
        node.emitError() << "sizes must be >= 1, got " << (*sizes)[i];
        return failure();
      }
      plan.out[axis] = (*sizes)[i];
      if (!ShapedType::isDynamic(in[axis]))
        plan.scales[axis] =
            static_cast<double>((*sizes)[i]) / static_cast<double>(in[axis]);
    }
    if (policy != "stretch") {
      // One scale for all named axes; sizes round half up.
      bool dynamic = llvm::any_of(
          axes, [&](int64_t a) { return ShapedType::isDynamic(in[a]); });
      double scale = policy == "not_larger" ? INFINITY : 0.0;
      for (int64_t a : axes)
        scale = policy == "not_larger" ? std::min(scale, plan.scales[a])
                                       : std::max(scale, plan.scales[a]);
      for (int64_t a : axes) {
        plan.scales[a] = scale;
        plan.out[a] = dynamic ? kDyn
                              : static_cast<int64_t>(scale * in[a] + 0.5);
      }
    }
  }
  if (plan.interp != Interp::Nearest && !isa<FloatType>(xType.getElementType())) {
    node.emitError() << "mode '" << mode << "' on " << xType.getElementType()
                     << " is not supported (float types only)";
    return failure();
  }
  return plan;
}

FailureOr<Types> inferResize(const NodeView &node) {
  RankedTensorType x = node.requireInput(0);
  if (!x)
    return failure();
  auto plan = resizePlan(node, x);
  if (failed(plan))
    return failure();
  return Types{x.clone(plan->out)};
}

//===----------------------------------------------------------------------===//
// Resize / Upsample: coordinate tables and lowering
//===----------------------------------------------------------------------===//

/// The source coordinate of output index `x` along an axis of `in` -> `out`
/// elements at `scale` (the ONNX formulas, in double).
double sourceCoordinate(const ResizePlan &plan, int64_t x, double scale,
                        int64_t in, int64_t out) {
  StringRef m = plan.coordMode;
  double xr = static_cast<double>(x);
  if (m == "asymmetric")
    return xr / scale;
  // align_corners divides by scale * in - 1, not by the integer output
  // size - 1: they differ when in * scale is not an integer, and the ONNX
  // reference and conformance data use the former.
  if (m == "align_corners")
    return out == 1 ? 0.0 : xr * static_cast<double>(in - 1) / (scale * in - 1);
  if (m == "pytorch_half_pixel")
    return out > 1 ? (xr + 0.5) / scale - 0.5 : 0.0;
  if (m == "tf_half_pixel_for_nn")
    return (xr + 0.5) / scale;
  if (m == "half_pixel_symmetric") {
    double adjustment = static_cast<double>(out) / (scale * in);
    double offset = in / 2.0 * (1 - adjustment);
    return offset + (xr + 0.5) / scale - 0.5;
  }
  return (xr + 0.5) / scale - 0.5; // half_pixel
}

/// Taps of one output index: input indices (clamped) and weights.
struct Taps {
  SmallVector<int64_t> index;
  SmallVector<double> weight;
};

Taps tapsAt(const ResizePlan &plan, int64_t x, double scale, int64_t in,
            int64_t out) {
  double c = sourceCoordinate(plan, x, scale, in, out);
  double base = std::floor(c), ratio = c - base;
  auto clampIdx = [&](int64_t i) {
    return std::min<int64_t>(std::max<int64_t>(i, 0), in - 1);
  };
  Taps t;
  auto b = static_cast<int64_t>(base);
  switch (plan.interp) {
  case Interp::Nearest: {
    int64_t i = b;
    StringRef m = plan.nearestMode;
    if (ratio != 0) {
      if (m == "legacy")
        i = scale < 1 ? b + 1 : b; // ceil when downsampling, else floor
      else if (m == "round_prefer_floor")
        i = ratio <= 0.5 ? b : b + 1;
      else if (m == "round_prefer_ceil")
        i = ratio < 0.5 ? b : b + 1;
      else if (m == "ceil")
        i = b + 1;
    }
    t.index = {clampIdx(i)};
    t.weight = {1.0};
    return t;
  }
  case Interp::Linear:
    t.index = {b, b + 1};
    t.weight = {1 - ratio, ratio};
    break;
  case Interp::Cubic: {
    double a = plan.cubicA, r = ratio, s = 1 - ratio;
    t.index = {b - 1, b, b + 1, b + 2};
    t.weight = {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
                ((a + 2) * r - (a + 3)) * r * r + 1,
                ((a + 2) * s - (a + 3)) * s * s + 1,
                ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a};
    break;
  }
  }
  if (plan.excludeOutside) {
    double sum = 0;
    for (size_t k = 0; k < t.index.size(); ++k) {
      if (t.index[k] < 0 || t.index[k] >= in)
        t.weight[k] = 0;
      sum += t.weight[k];
    }
    if (sum != 0)
      for (double &w : t.weight)
        w /= sum;
  }
  for (int64_t &i : t.index)
    i = clampIdx(i); // edge padding
  return t;
}

/// Output positions per resized axis: each takes a constant table entry per
/// tap, built in the compiler's memory (a 2^40 axis would exhaust it).
constexpr int64_t kMaxResizeTable = int64_t(1) << 22;

/// One linalg.generic resizing axis `d` of `src` to `out` positions with
/// element type `elt`: each output reads its taps (tensor.extract at the
/// tables' indices, the loop index on every other axis) and sums them times
/// their weights in `acc` (nearest: one tap, copied).
Value resizeAxis(OpBuilder &b, Location loc, const ResizePlan &plan,
                 Value src, int64_t d, int64_t out, size_t numTaps, Type elt,
                 Type acc) {
  auto srcType = cast<RankedTensorType>(src.getType());
  int64_t rank = srcType.getRank(), in = srcType.getDimSize(d);
  SmallVector<SmallVector<double>> idx(numTaps), w(numTaps);
  for (int64_t o = 0; o < out; ++o) {
    Taps t = tapsAt(plan, o, plan.scales[d], in, out);
    for (size_t k = 0; k < numTaps; ++k) {
      idx[k].push_back(static_cast<double>(t.index[k]));
      w[k].push_back(t.weight[k]);
    }
  }
  // numTaps index tables, then numTaps weight tables (none for nearest),
  // each read at the output index along d.
  SmallVector<Value> tables;
  for (size_t k = 0; k < numTaps; ++k)
    tables.push_back(constantTable(b, loc, b.getI64Type(), idx[k]));
  if (numTaps > 1)
    for (size_t k = 0; k < numTaps; ++k)
      tables.push_back(constantTable(b, loc, acc, w[k]));
  SmallVector<AffineMap> maps(
      tables.size(), AffineMap::get(rank, 0, b.getAffineDimExpr(d),
                                    b.getContext()));
  SmallVector<int64_t> shape(srcType.getShape());
  shape[d] = out;
  return buildIndexedGeneric(
      b, loc, RankedTensorType::get(shape, elt), tables, maps,
      [&](OpBuilder &nb, Location nl, ValueRange coords, ValueRange args) {
        SmallVector<Value> at(coords);
        Value result;
        for (size_t k = 0; k < numTaps; ++k) {
          at[d] = arith::IndexCastOp::create(nb, nl, nb.getIndexType(),
                                             args[k]);
          Value v = tensor::ExtractOp::create(nb, nl, src, at);
          if (numTaps == 1) {
            result = v;
            break;
          }
          Value term = arith::MulFOp::create(
              nb, nl, castScalar(nb, nl, v, acc), args[numTaps + k]);
          result = result ? Value(arith::AddFOp::create(nb, nl, result, term))
                          : term;
        }
        return castScalar(nb, nl, result, elt);
      });
}

FailureOr<SmallVector<Value>> lowerResize(const NodeView &node, OpBuilder &b,
                                          ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  Value x = node.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  auto type = cast<RankedTensorType>(resultTypes[0]);
  auto plan = resizePlan(node, xType);
  if (failed(plan))
    return failure();
  if (ArrayRef<int64_t>(plan->out) != type.getShape()) {
    node.emitError() << "result type " << type
                     << " does not match the resized shape";
    return failure();
  }
  int64_t rank = type.getRank();
  Type elt = type.getElementType(), acc = computeType(elt);
  size_t numTaps = plan->interp == Interp::Nearest  ? 1
                   : plan->interp == Interp::Linear ? 2
                                                    : 4;
  SmallVector<int64_t> resized; // axes that change, in order
  for (int64_t d = 0; d < rank; ++d) {
    int64_t in = xType.getDimSize(d), out = type.getDimSize(d);
    if (in == out && std::fabs(plan->scales[d] - 1.0) <= 1e-9)
      continue; // identity along d
    if (out > kMaxResizeTable) {
      node.emitError() << "axis " << d << " resizes to " << out
                       << " positions; the coordinate tables are limited to "
                       << kMaxResizeTable << " per axis";
      return failure();
    }
    resized.push_back(d);
  }
  // Separable: one axis at a time, innermost first, intermediates in the
  // accumulation type. The gathers along the innermost axis then run at
  // the input's resolution of the outer axes, and every later stage reads
  // whole rows at an index that is uniform along them, which vectorises
  // (with whatever elementwise consumer fuses into it). A bilinear 2-D
  // upsample in one generic read taps^2 scattered elements per output:
  // DDRNet's DAPPM spent a tenth of its time in those loops.
  Value cur = x;
  for (size_t i = resized.size(); i-- > 0;) {
    int64_t d = resized[i];
    Type stageElt = i == 0 || numTaps == 1 ? elt : acc;
    cur = resizeAxis(b, loc, *plan, cur, d, type.getDimSize(d), numTaps,
                     stageElt, acc);
  }
  return SmallVector<Value>{cur};
}

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//


const OpRow kPoolingResizeOps[] = {
    // AveragePool: 7 count_include_pad, 10 ceil_mode, 11 pads/shape text,
    // 19 dilations, 22 bfloat16.
    {"AveragePool", 7, inferAveragePool, lowerAveragePool, ""},
    {"AveragePool", 10, inferAveragePool, lowerAveragePool, ""},
    {"AveragePool", 11, inferAveragePool, lowerAveragePool, ""},
    {"AveragePool", 19, inferAveragePool, lowerAveragePool, ""},
    {"AveragePool", 22, inferAveragePool, lowerAveragePool, ""},
    // MaxPool: 8 Indices + storage_order, 10 ceil_mode + dilations,
    // 11 pads text, 12 int8/uint8, 22 bfloat16.
    {"MaxPool", 1, inferMaxPool, lowerMaxPool, ""},
    {"MaxPool", 8, inferMaxPool, lowerMaxPool, ""},
    {"MaxPool", 10, inferMaxPool, lowerMaxPool, ""},
    {"MaxPool", 11, inferMaxPool, lowerMaxPool, ""},
    {"MaxPool", 12, inferMaxPool, lowerMaxPool, "uint8 not lowered yet"},
    {"MaxPool", 22, inferMaxPool, lowerMaxPool, "uint8 not lowered yet"},
    {"GlobalAveragePool", 1, inferGlobalPool, lowerGlobalAveragePool, ""},
    {"GlobalAveragePool", 22, inferGlobalPool, lowerGlobalAveragePool, ""},
    {"GlobalMaxPool", 1, inferGlobalPool, lowerGlobalMaxPool, ""},
    {"GlobalMaxPool", 22, inferGlobalPool, lowerGlobalMaxPool, ""},
    // Resize: 10 (scales; asymmetric, nearest floors up-/ceils
    // down-sampling as ONNX Runtime), 11 roi/sizes/modes, 13 optional
    // inputs, 18 axes/keep_aspect_ratio_policy/antialias, 19
    // half_pixel_symmetric.
    {"Resize", 10, inferResize, lowerResize,
     "constant scales/sizes; no tf_crop_and_resize, no antialias"},
    {"Resize", 11, inferResize, lowerResize,
     "constant scales/sizes; no tf_crop_and_resize, no antialias"},
    {"Resize", 13, inferResize, lowerResize,
     "constant scales/sizes; no tf_crop_and_resize, no antialias"},
    {"Resize", 18, inferResize, lowerResize,
     "constant scales/sizes; no tf_crop_and_resize, no antialias"},
    {"Resize", 19, inferResize, lowerResize,
     "constant scales/sizes; no tf_crop_and_resize, no antialias"},
    // Upsample (deprecated in 10): Resize-10 semantics; 7 scales attribute,
    // 9 scales input.
    {"Upsample", 7, inferResize, lowerResize, "constant scales"},
    {"Upsample", 9, inferResize, lowerResize, "constant scales"},
};

} // namespace

void switchyard::onnx::registerPoolingResizeOps(OpRegistry &registry) {
  addDefaultDomainOps(registry, kPoolingResizeOps);
}

SmallVector<switchyard::onnx::LinearTap>
switchyard::onnx::linearResizeTaps(StringRef coordMode, int64_t in,
                                   int64_t out) {
  ResizePlan plan;
  plan.interp = Interp::Linear;
  plan.coordMode = coordMode.str();
  double scale = static_cast<double>(out) / static_cast<double>(in);
  SmallVector<LinearTap> taps;
  for (int64_t o = 0; o < out; ++o) {
    Taps t = tapsAt(plan, o, scale, in, out);
    taps.push_back({t.index[0], t.index[1], t.weight[0], t.weight[1]});
  }
  return taps;
}
