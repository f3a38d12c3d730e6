//===- Indexing.cpp - indexing ONNX ops -----------------------------------===//
//
// GatherElements, GatherND, ScatterElements, ScatterND, CumSum, OneHot,
// Trilu, TopK, ArgMax, ArgMin, NonZero.
//
// Lowering shapes:
//   - gathers and OneHot/Trilu are one linalg.generic over the result whose
//     body computes its source coordinates (tensor.extract of a captured
//     operand);
//   - scatters, CumSum and TopK are scf.for nests over tensors carried as
//     iter_args (tensor.extract/insert, extract_slice/insert_slice); one-shot
//     bufferization turns them into in-place memref code;
//   - ArgMax/ArgMin are a reduction linalg.generic with a value and an index
//     output.
//
// Out-of-range indices (beyond [-n, n-1] for a dimension of size n) never
// touch memory outside the tensor:
//   - gathers (GatherElements, GatherND) clamp the wrapped index into
//     [0, n-1], i.e. read the nearest valid element;
//   - scatters (ScatterElements, ScatterND) skip the update;
//   - OneHot writes an all-`off` row (what ONNX specifies).
//
// Performance is not the goal here: the fast paths (a gather as a strided
// copy when the indices are constant, TopK with a heap or a partial sort,
// vectorised CumSum) belong in later passes.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/onnx/OpRegistry.h"

#include "passes/lower/onnx/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;
using namespace switchyard::onnx;

namespace {

/// NonZero folds up to this many input elements (it cannot be lowered
/// otherwise, so the bound is generous).
constexpr int64_t kMaxNonZeroFoldElements = int64_t(1) << 22;

using Types = SmallVector<Type>;
using Values = SmallVector<Value>;
using Folded = std::optional<SmallVector<DenseElementsAttr>>;

//===----------------------------------------------------------------------===//
// Inference helpers
//===----------------------------------------------------------------------===//



/// Indices must be int32 or int64 (what every op here accepts).
LogicalResult checkIndexType(const NodeView &node, unsigned i,
                             RankedTensorType t) {
  Type elt = t.getElementType();
  if (elt.isSignlessInteger(32) || elt.isSignlessInteger(64))
    return success();
  node.emitError() << "input " << i << " (indices) must be int32 or int64, got "
                   << elt;
  return failure();
}

bool isStatic(int64_t d) { return !ShapedType::isDynamic(d); }

/// A dimension that must be at most `limit` (both may be dynamic).
LogicalResult checkDimAtMost(const NodeView &node, StringRef what, int64_t d,
                             int64_t size, int64_t limit) {
  if (isStatic(size) && isStatic(limit) && size > limit) {
    node.emitError() << what << " has size " << size << " in dimension " << d
                     << ", larger than the data's " << limit;
    return failure();
  }
  return success();
}

/// The first element of a constant as an integer (floats truncate).
std::optional<int64_t> firstInt(DenseElementsAttr attr) {
  if (!attr || attr.getNumElements() < 1)
    return std::nullopt;
  Attribute v = *attr.value_begin<Attribute>();
  if (auto i = dyn_cast<IntegerAttr>(v))
    return attr.getElementType().isUnsignedInteger()
               ? static_cast<int64_t>(i.getValue().getZExtValue())
               : i.getValue().getSExtValue();
  if (auto f = dyn_cast<FloatAttr>(v))
    return static_cast<int64_t>(f.getValueAsDouble());
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Lowering helpers
//===----------------------------------------------------------------------===//

Value cIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// An int32/int64 index scalar as `index`.
Value toIndex(OpBuilder &b, Location loc, Value v) {
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
}

/// ONNX negative indices count from the end: i < 0 ? i + n : i.
Value wrapIndex(OpBuilder &b, Location loc, Value i, int64_t n) {
  Value zero = cIndex(b, loc, 0);
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i, zero);
  Value wrapped = arith::AddIOp::create(b, loc, i, cIndex(b, loc, n));
  return arith::SelectOp::create(b, loc, neg, wrapped, i);
}

/// Clamps a wrapped index into [0, n-1] (n > 0): gathers read the nearest
/// valid element for an out-of-range index.
Value clampIndex(OpBuilder &b, Location loc, Value i, int64_t n) {
  Value hi = arith::MinSIOp::create(b, loc, i, cIndex(b, loc, n - 1));
  return arith::MaxSIOp::create(b, loc, hi, cIndex(b, loc, 0));
}

/// 0 <= i < n, for a wrapped index.
Value inRange(OpBuilder &b, Location loc, Value i, int64_t n) {
  Value ge = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, i,
                                   cIndex(b, loc, 0));
  Value lt = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i,
                                   cIndex(b, loc, n));
  return arith::AndIOp::create(b, loc, ge, lt);
}

/// A fresh tensor holding `t`'s values: loops that update a tensor in place
/// start from it, so that bufferization never writes into a function input
/// (the C ABI passes inputs as const) or a constant.
Value freshCopy(OpBuilder &b, Location loc, Value t) {
  auto type = cast<RankedTensorType>(t.getType());
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType());
  return linalg::CopyOp::create(b, loc, ValueRange{t}, ValueRange{init})
      .getResult(0);
}

/// A tensor of `type` filled with `value`.
Value filled(OpBuilder &b, Location loc, RankedTensorType type, Value value) {
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType());
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{init})
      .getResult(0);
}

/// Static loop bounds [0, dims[i]) with step 1.
struct Bounds {
  SmallVector<Value> lbs, ubs, steps;
};
Bounds boundsOf(OpBuilder &b, Location loc, ArrayRef<int64_t> dims) {
  Bounds bounds;
  for (int64_t d : dims) {
    bounds.lbs.push_back(cIndex(b, loc, 0));
    bounds.ubs.push_back(cIndex(b, loc, d));
    bounds.steps.push_back(cIndex(b, loc, 1));
  }
  return bounds;
}

/// An scf.for nest over `dims` carrying `iterArgs`; the results.
Values loopNest(OpBuilder &b, Location loc, ArrayRef<int64_t> dims,
                ValueRange iterArgs,
                function_ref<Values(OpBuilder &, Location, ValueRange,
                                    ValueRange)>
                    body) {
  Bounds bounds = boundsOf(b, loc, dims);
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, bounds.lbs, bounds.ubs, bounds.steps, iterArgs,
      [&](OpBuilder &nb, Location nloc, ValueRange ivs, ValueRange args) {
        return scf::ValueVector(body(nb, nloc, ivs, args));
      });
  return Values(nest.results);
}

bool isFloatType(Type t) { return isa<FloatType>(t); }

//===----------------------------------------------------------------------===//
// GatherElements
//===----------------------------------------------------------------------===//

FailureOr<Types> inferGatherElements(const NodeView &node) {
  RankedTensorType data = node.requireInput(0);
  RankedTensorType indices = node.requireInput(1);
  if (!data || !indices || failed(checkIndexType(node, 1, indices)))
    return failure();
  if (data.getRank() != indices.getRank() || data.getRank() == 0) {
    node.emitError() << "data (rank " << data.getRank() << ") and indices (rank "
                     << indices.getRank() << ") must have the same rank >= 1";
    return failure();
  }
  auto axis =
      normalizeAxis(node, node.intAttr("axis", 0), data.getRank(), "axis");
  if (failed(axis))
    return failure();
  for (int64_t d = 0; d < data.getRank(); ++d)
    if (d != *axis && failed(checkDimAtMost(node, "indices", d,
                                            indices.getDimSize(d),
                                            data.getDimSize(d))))
      return failure();
  return Types{indices.clone(data.getElementType())};
}

/// A gather that would read from an empty dimension has no element to clamp
/// to.
LogicalResult checkGatherable(const NodeView &node, RankedTensorType result,
                              int64_t size, int64_t dim) {
  if (size == 0 && result.getNumElements() > 0) {
    node.emitError() << "cannot gather from dimension " << dim
                     << " of size 0";
    return failure();
  }
  return success();
}

FailureOr<Values> lowerGatherElements(const NodeView &node, OpBuilder &b,
                                      ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  auto type = cast<RankedTensorType>(resultTypes[0]);
  Value data = node.input(0), indices = node.input(1);
  auto dataType = cast<RankedTensorType>(data.getType());
  int64_t axis = node.intAttr("axis", 0);
  if (axis < 0)
    axis += dataType.getRank();
  int64_t n = dataType.getDimSize(axis);
  if (failed(checkGatherable(node, type, n, axis)))
    return failure();
  Value r = buildIndexedGeneric(
      b, loc, type, [&](OpBuilder &nb, Location l, ValueRange coords) {
        Value raw = tensor::ExtractOp::create(nb, l, indices, coords);
        SmallVector<Value> src(coords);
        src[axis] = clampIndex(nb, l, wrapIndex(nb, l, toIndex(nb, l, raw), n),
                               n);
        return tensor::ExtractOp::create(nb, l, data, src).getResult();
      });
  return Values{r};
}

//===----------------------------------------------------------------------===//
// GatherND
//===----------------------------------------------------------------------===//

/// batch_dims (since 12; 0 before).
int64_t batchDims(const NodeView &node) {
  return node.opset() >= 12 ? node.intAttr("batch_dims", 0) : 0;
}

FailureOr<Types> inferGatherND(const NodeView &node) {
  RankedTensorType data = node.requireInput(0);
  RankedTensorType indices = node.requireInput(1);
  if (!data || !indices)
    return failure();
  if (!indices.getElementType().isSignlessInteger(64)) {
    node.emitError() << "input 1 (indices) must be int64, got "
                     << indices.getElementType();
    return failure();
  }
  int64_t r = data.getRank(), q = indices.getRank(), bd = batchDims(node);
  if (r < 1 || q < 1) {
    node.emitError() << "data and indices must have rank >= 1";
    return failure();
  }
  if (bd < 0 || bd >= std::min(r, q)) {
    node.emitError() << "batch_dims " << bd
                     << " must be in [0, min(rank(data), rank(indices)) = "
                     << std::min(r, q) << ")";
    return failure();
  }
  int64_t m = indices.getDimSize(q - 1);
  if (!isStatic(m)) {
    node.emitError() << "the last dimension of indices must be static";
    return failure();
  }
  if (m < 1 || m > r - bd) {
    node.emitError() << "indices.shape[-1] = " << m << " must be in [1, "
                     << r - bd << "] (rank(data) - batch_dims)";
    return failure();
  }
  for (int64_t d = 0; d < bd; ++d) {
    int64_t a = data.getDimSize(d), c = indices.getDimSize(d);
    if (isStatic(a) && isStatic(c) && a != c) {
      node.emitError() << "batch dimension " << d << " differs: data has " << a
                       << ", indices " << c;
      return failure();
    }
  }
  SmallVector<int64_t> shape(indices.getShape().drop_back());
  llvm::append_range(shape, data.getShape().drop_front(bd + m));
  return Types{RankedTensorType::get(shape, data.getElementType())};
}

FailureOr<Values> lowerGatherND(const NodeView &node, OpBuilder &b,
                                ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  auto type = cast<RankedTensorType>(resultTypes[0]);
  Value data = node.input(0), indices = node.input(1);
  auto dataType = cast<RankedTensorType>(data.getType());
  auto idxType = cast<RankedTensorType>(indices.getType());
  int64_t q = idxType.getRank(), bd = batchDims(node);
  int64_t m = idxType.getDimSize(q - 1);
  for (int64_t j = 0; j < m; ++j)
    if (failed(checkGatherable(node, type, dataType.getDimSize(bd + j),
                               bd + j)))
      return failure();
  // out[o_0..o_{q-2}, t...] = data[o_0..o_{bd-1}, idx_0..idx_{m-1}, t...]
  // with idx_j = indices[o_0..o_{q-2}, j].
  Value r = buildIndexedGeneric(
      b, loc, type, [&](OpBuilder &nb, Location l, ValueRange coords) {
        SmallVector<Value> src(coords.take_front(bd));
        SmallVector<Value> at(coords.take_front(q - 1));
        at.push_back(Value());
        for (int64_t j = 0; j < m; ++j) {
          at.back() = cIndex(nb, l, j);
          Value raw = tensor::ExtractOp::create(nb, l, indices, at);
          int64_t n = dataType.getDimSize(bd + j);
          src.push_back(clampIndex(
              nb, l, wrapIndex(nb, l, toIndex(nb, l, raw), n), n));
        }
        llvm::append_range(src, coords.drop_front(q - 1));
        return tensor::ExtractOp::create(nb, l, data, src).getResult();
      });
  return Values{r};
}

//===----------------------------------------------------------------------===//
// ScatterElements, ScatterND
//===----------------------------------------------------------------------===//

/// The reduction attribute: "none" before 16; add/mul from 16; max/min
/// from 18.
FailureOr<std::string> scatterReduction(const NodeView &node) {
  if (node.opset() < 16)
    return std::string("none");
  std::string red = node.stringAttr("reduction", "none");
  bool ok = red == "none" || red == "add" || red == "mul" ||
            (node.opset() >= 18 && (red == "max" || red == "min"));
  if (!ok) {
    node.emitError() << "unsupported reduction '" << red << "'"
                     << (red == "max" || red == "min" ? " before opset 18"
                                                      : "");
    return failure();
  }
  RankedTensorType data = node.inputType(0);
  if (red != "none" && data && data.getElementType().isInteger(1)) {
    node.emitError() << "reduction '" << red << "' on bool is not supported";
    return failure();
  }
  return red;
}

/// Combines the current element with an update.
Value combine(OpBuilder &b, Location loc, StringRef red, Value old,
              Value upd) {
  bool f = isFloatType(old.getType());
  if (red == "add")
    return f ? Value(arith::AddFOp::create(b, loc, old, upd))
             : Value(arith::AddIOp::create(b, loc, old, upd));
  if (red == "mul")
    return f ? Value(arith::MulFOp::create(b, loc, old, upd))
             : Value(arith::MulIOp::create(b, loc, old, upd));
  if (red == "max")
    return f ? Value(arith::MaximumFOp::create(b, loc, old, upd))
             : Value(arith::MaxSIOp::create(b, loc, old, upd));
  if (red == "min")
    return f ? Value(arith::MinimumFOp::create(b, loc, old, upd))
             : Value(arith::MinSIOp::create(b, loc, old, upd));
  return upd;
}

/// Applies one update at `coords` of `acc` when `ok` (else leaves `acc`).
Value scatterOne(OpBuilder &b, Location loc, StringRef red, Value acc,
                 Value ok, ValueRange coords, Value update) {
  auto ifOp = scf::IfOp::create(
      b, loc, ok,
      [&](OpBuilder &tb, Location l) {
        Value v = update;
        if (red != "none")
          v = combine(tb, l, red, tensor::ExtractOp::create(tb, l, acc, coords),
                      v);
        scf::YieldOp::create(
            tb, l, ValueRange{tensor::InsertOp::create(tb, l, v, acc, coords)});
      },
      [&](OpBuilder &eb, Location l) {
        scf::YieldOp::create(eb, l, ValueRange{acc});
      });
  return ifOp.getResult(0);
}

FailureOr<Types> inferScatterElements(const NodeView &node) {
  RankedTensorType data = node.requireInput(0);
  RankedTensorType indices = node.requireInput(1);
  RankedTensorType updates = node.requireInput(2);
  if (!data || !indices || !updates || failed(checkIndexType(node, 1, indices)))
    return failure();
  if (failed(scatterReduction(node)))
    return failure();
  if (indices.getRank() != data.getRank() ||
      updates.getRank() != data.getRank() || data.getRank() == 0) {
    node.emitError() << "data, indices and updates must have the same rank "
                        ">= 1";
    return failure();
  }
  auto axis =
      normalizeAxis(node, node.intAttr("axis", 0), data.getRank(), "axis");
  if (failed(axis))
    return failure();
  for (int64_t d = 0; d < data.getRank(); ++d) {
    int64_t i = indices.getDimSize(d), u = updates.getDimSize(d);
    if (isStatic(i) && isStatic(u) && i != u) {
      node.emitError() << "indices and updates differ in dimension " << d
                       << ": " << i << " and " << u;
      return failure();
    }
    if (d != *axis &&
        failed(checkDimAtMost(node, "indices", d, i, data.getDimSize(d))))
      return failure();
  }
  return Types{data};
}

FailureOr<Values> lowerScatterElements(const NodeView &node, OpBuilder &b,
                                       ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  auto red = scatterReduction(node);
  if (failed(red))
    return failure();
  Value data = node.input(0), indices = node.input(1), updates = node.input(2);
  auto dataType = cast<RankedTensorType>(data.getType());
  auto idxType = cast<RankedTensorType>(indices.getType());
  int64_t axis = node.intAttr("axis", 0);
  if (axis < 0)
    axis += dataType.getRank();
  int64_t n = dataType.getDimSize(axis);
  // Updates apply in row-major order of `indices`: with duplicate indices
  // and reduction "none" the last one wins. Out-of-range indices are
  // skipped.
  Values r = loopNest(
      b, loc, idxType.getShape(), {freshCopy(b, loc, data)},
      [&](OpBuilder &nb, Location l, ValueRange ivs, ValueRange args) {
        Value raw = tensor::ExtractOp::create(nb, l, indices, ivs);
        Value i = wrapIndex(nb, l, toIndex(nb, l, raw), n);
        Value ok = inRange(nb, l, i, n);
        SmallVector<Value> coords(ivs);
        coords[axis] = i;
        Value u = tensor::ExtractOp::create(nb, l, updates, ivs);
        return Values{scatterOne(nb, l, *red, args[0], ok, coords, u)};
      });
  return r;
}

FailureOr<Types> inferScatterND(const NodeView &node) {
  RankedTensorType data = node.requireInput(0);
  RankedTensorType indices = node.requireInput(1);
  RankedTensorType updates = node.requireInput(2);
  if (!data || !indices || !updates)
    return failure();
  if (!indices.getElementType().isSignlessInteger(64)) {
    node.emitError() << "input 1 (indices) must be int64, got "
                     << indices.getElementType();
    return failure();
  }
  if (failed(scatterReduction(node)))
    return failure();
  int64_t r = data.getRank(), q = indices.getRank();
  if (r < 1 || q < 1) {
    node.emitError() << "data and indices must have rank >= 1";
    return failure();
  }
  int64_t m = indices.getDimSize(q - 1);
  if (!isStatic(m)) {
    node.emitError() << "the last dimension of indices must be static";
    return failure();
  }
  if (m < 1 || m > r) {
    node.emitError() << "indices.shape[-1] = " << m << " must be in [1, " << r
                     << "] (rank(data))";
    return failure();
  }
  // updates.shape == indices.shape[:-1] + data.shape[m:].
  SmallVector<int64_t> want(indices.getShape().drop_back());
  llvm::append_range(want, data.getShape().drop_front(m));
  bool ok = updates.getRank() == static_cast<int64_t>(want.size());
  for (int64_t d = 0; ok && d < updates.getRank(); ++d)
    ok = !isStatic(want[d]) || !isStatic(updates.getDimSize(d)) ||
         want[d] == updates.getDimSize(d);
  if (!ok) {
    node.emitError() << "updates has shape " << updates
                     << ", expected indices.shape[:-1] + data.shape["
                     << m << ":]";
    return failure();
  }
  return Types{data};
}

FailureOr<Values> lowerScatterND(const NodeView &node, OpBuilder &b,
                                 ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  auto red = scatterReduction(node);
  if (failed(red))
    return failure();
  Value data = node.input(0), indices = node.input(1), updates = node.input(2);
  auto dataType = cast<RankedTensorType>(data.getType());
  auto idxType = cast<RankedTensorType>(indices.getType());
  auto updType = cast<RankedTensorType>(updates.getType());
  int64_t q = idxType.getRank(), m = idxType.getDimSize(q - 1);
  // One update element at a time, in row-major order of `updates`: its
  // index tuple is indices[u_0..u_{q-2}, :], its trailing coordinates
  // u_{q-1}.... A tuple with any component out of range is skipped.
  Values r = loopNest(
      b, loc, updType.getShape(), {freshCopy(b, loc, data)},
      [&](OpBuilder &nb, Location l, ValueRange ivs, ValueRange args) {
        SmallVector<Value> at(ivs.take_front(q - 1));
        at.push_back(Value());
        SmallVector<Value> coords;
        Value ok = scalarConstant(nb, l, nb.getI1Type(), 1);
        for (int64_t j = 0; j < m; ++j) {
          at.back() = cIndex(nb, l, j);
          Value raw = tensor::ExtractOp::create(nb, l, indices, at);
          int64_t n = dataType.getDimSize(j);
          Value i = wrapIndex(nb, l, toIndex(nb, l, raw), n);
          ok = arith::AndIOp::create(nb, l, ok, inRange(nb, l, i, n));
          coords.push_back(i);
        }
        llvm::append_range(coords, ivs.drop_front(q - 1));
        Value u = tensor::ExtractOp::create(nb, l, updates, ivs);
        return Values{scatterOne(nb, l, *red, args[0], ok, coords, u)};
      });
  return r;
}

//===----------------------------------------------------------------------===//
// CumSum
//===----------------------------------------------------------------------===//

/// The axis input: a constant scalar (or one-element tensor).
FailureOr<int64_t> cumSumAxis(const NodeView &node, int64_t rank) {
  std::optional<SmallVector<int64_t>> axis = node.constantInts(1);
  if (!axis || axis->size() != 1) {
    node.emitError() << "axis must be a constant scalar";
    return failure();
  }
  return normalizeAxis(node, (*axis)[0], rank, "axis");
}

FailureOr<Types> inferCumSum(const NodeView &node) {
  RankedTensorType x = node.requireInput(0);
  if (!x || !node.requireInput(1))
    return failure();
  if (x.getElementType().isInteger(1)) {
    node.emitError() << "bool input is not supported";
    return failure();
  }
  if (failed(cumSumAxis(node, x.getRank())))
    return failure();
  return Types{x};
}

FailureOr<Values> lowerCumSum(const NodeView &node, OpBuilder &b,
                              ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  auto type = cast<RankedTensorType>(resultTypes[0]);
  auto axis = cumSumAxis(node, type.getRank());
  if (failed(axis))
    return failure();
  Value x = node.input(0);
  Type elt = type.getElementType();
  bool exclusive = node.intAttr("exclusive", 0) != 0;
  bool reverse = node.intAttr("reverse", 0) != 0;
  int64_t rank = type.getRank(), n = rank ? type.getDimSize(*axis) : 1;
  // One scalar running sum per line along the axis, walked in order (from
  // the end with reverse): inclusive writes acc + x[p], exclusive writes acc
  // before adding x[p]. Scalar extract/insert only, so bufferization needs no
  // strided slice copies.
  SmallVector<int64_t> outerDims(type.getShape());
  if (rank)
    outerDims.erase(outerDims.begin() + *axis);
  Value out0 = tensor::EmptyOp::create(b, loc, type.getShape(), elt);
  Values r = loopNest(
      b, loc, outerDims, {out0},
      [&](OpBuilder &ob, Location ol, ValueRange outer, ValueRange outerArgs) {
        auto line = scf::ForOp::create(
            ob, ol, cIndex(ob, ol, 0), cIndex(ob, ol, n), cIndex(ob, ol, 1),
            ValueRange{outerArgs[0], scalarConstant(ob, ol, elt, 0)},
            [&](OpBuilder &nb, Location l, Value k, ValueRange args) {
              Value pos = k;
              if (reverse)
                pos = arith::SubIOp::create(nb, l, cIndex(nb, l, n - 1), k);
              SmallVector<Value> coords(outer);
              if (rank)
                coords.insert(coords.begin() + *axis, pos);
              Value v = tensor::ExtractOp::create(nb, l, x, coords);
              Value acc = args[1];
              Value sum = isFloatType(elt)
                              ? Value(arith::AddFOp::create(nb, l, acc, v))
                              : Value(arith::AddIOp::create(nb, l, acc, v));
              Value out = tensor::InsertOp::create(nb, l, exclusive ? acc : sum,
                                                   args[0], coords);
              scf::YieldOp::create(nb, l, ValueRange{out, sum});
            });
        return Values{line.getResult(0)};
      });
  return r;
}

//===----------------------------------------------------------------------===//
// OneHot
//===----------------------------------------------------------------------===//

FailureOr<int64_t> oneHotDepth(const NodeView &node) {
  std::optional<int64_t> depth = firstInt(node.constantInput(1));
  if (!depth) {
    node.emitError() << "depth must be a constant";
    return failure();
  }
  if (*depth < 1) {
    node.emitError() << "depth " << *depth << " must be positive";
    return failure();
  }
  return *depth;
}

FailureOr<int64_t> oneHotAxis(const NodeView &node, int64_t indicesRank) {
  int64_t rank = indicesRank + 1;
  return normalizeAxis(node, node.intAttr("axis", -1), rank, "axis");
}

FailureOr<Types> inferOneHot(const NodeView &node) {
  RankedTensorType indices = node.requireInput(0);
  RankedTensorType values = node.requireInput(2);
  if (!indices || !node.requireInput(1) || !values)
    return failure();
  if (indices.getElementType().isInteger(1)) {
    node.emitError() << "bool indices are not supported";
    return failure();
  }
  if (values.getRank() != 1 ||
      (isStatic(values.getDimSize(0)) && values.getDimSize(0) != 2)) {
    node.emitError() << "values must be a 2-element tensor [off, on], got "
                     << values;
    return failure();
  }
  auto depth = oneHotDepth(node);
  auto axis = oneHotAxis(node, indices.getRank());
  if (failed(depth) || failed(axis))
    return failure();
  SmallVector<int64_t> shape(indices.getShape());
  shape.insert(shape.begin() + *axis, *depth);
  return Types{RankedTensorType::get(shape, values.getElementType())};
}

FailureOr<Values> lowerOneHot(const NodeView &node, OpBuilder &b,
                              ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  auto type = cast<RankedTensorType>(resultTypes[0]);
  Value indices = node.input(0), values = node.input(2);
  auto idxType = cast<RankedTensorType>(indices.getType());
  auto depth = oneHotDepth(node);
  auto axis = oneHotAxis(node, idxType.getRank());
  if (failed(depth) || failed(axis))
    return failure();
  Value off = tensor::ExtractOp::create(b, loc, values,
                                        ValueRange{cIndex(b, loc, 0)});
  Value on = tensor::ExtractOp::create(b, loc, values,
                                       ValueRange{cIndex(b, loc, 1)});
  // Opset 9 leaves negative indices out of range; 11 wraps them. Anything
  // outside [0, depth) after that matches no position: an all-`off` row.
  bool wrap = node.opset() >= 11;
  Type i64 = b.getI64Type();
  Value r = buildIndexedGeneric(
      b, loc, type, [&](OpBuilder &nb, Location l, ValueRange coords) {
        SmallVector<Value> at(coords);
        at.erase(at.begin() + *axis);
        Value raw = tensor::ExtractOp::create(nb, l, indices, at);
        // Float indices truncate toward zero, as a cast to int64.
        Value i = castScalar(nb, l, raw, i64);
        if (wrap) {
          Value zero = scalarConstant(nb, l, i64, 0);
          Value neg =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, i, zero);
          i = arith::SelectOp::create(
              nb, l, neg,
              arith::AddIOp::create(nb, l, i,
                                    scalarConstant(nb, l, i64, *depth)),
              i);
        }
        Value pos = arith::IndexCastOp::create(nb, l, i64, coords[*axis]);
        Value hit =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, i, pos);
        return arith::SelectOp::create(nb, l, hit, on, off).getResult();
      });
  return Values{r};
}

//===----------------------------------------------------------------------===//
// Trilu
//===----------------------------------------------------------------------===//

/// The diagonal offset k: the optional input 1, which must be a constant.
FailureOr<int64_t> triluK(const NodeView &node) {
  if (!node.hasInput(1))
    return 0;
  std::optional<SmallVector<int64_t>> k = node.constantInts(1);
  if (!k || k->size() != 1) {
    node.emitError() << "k must be a constant scalar";
    return failure();
  }
  return (*k)[0];
}

FailureOr<Types> inferTrilu(const NodeView &node) {
  RankedTensorType x = node.requireInput(0);
  if (!x)
    return failure();
  if (x.getRank() < 2) {
    node.emitError() << "input must have rank >= 2, got " << x.getRank();
    return failure();
  }
  if (failed(triluK(node)))
    return failure();
  return Types{x};
}

FailureOr<Values> lowerTrilu(const NodeView &node, OpBuilder &b,
                             ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  auto type = cast<RankedTensorType>(resultTypes[0]);
  auto k = triluK(node);
  if (failed(k))
    return failure();
  bool upper = node.intAttr("upper", 1) != 0;
  int64_t rank = type.getRank();
  Type elt = type.getElementType();
  // Keep x[..., i, j] when j - i >= k (upper) or j - i <= k (lower).
  Value r = buildElementwise(
      b, loc, type, {node.input(0)},
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value i = linalg::IndexOp::create(nb, l, rank - 2);
        Value j = linalg::IndexOp::create(nb, l, rank - 1);
        Value diff = arith::SubIOp::create(nb, l, j, i);
        Value keep = arith::CmpIOp::create(
            nb, l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
            diff, cIndex(nb, l, *k));
        return arith::SelectOp::create(nb, l, keep, a[0],
                                       scalarConstant(nb, l, elt, 0))
            .getResult();
      });
  return Values{r};
}

//===----------------------------------------------------------------------===//
// TopK
//===----------------------------------------------------------------------===//

/// K: the attribute `k` before opset 10, a constant input from 10.
FailureOr<int64_t> topKCount(const NodeView &node) {
  if (node.opset() < 10) {
    if (!node.hasAttr("k")) {
      node.emitError() << "attribute 'k' is required";
      return failure();
    }
    return node.intAttr("k", 0);
  }
  std::optional<SmallVector<int64_t>> k = node.constantInts(1);
  if (!k || k->size() != 1) {
    node.emitError() << "K must be a constant";
    return failure();
  }
  return (*k)[0];
}

FailureOr<Types> inferTopK(const NodeView &node) {
  RankedTensorType x = node.requireInput(0);
  if (!x)
    return failure();
  if (x.getElementType().isInteger(1)) {
    node.emitError() << "bool input is not supported";
    return failure();
  }
  auto k = topKCount(node);
  if (failed(k))
    return failure();
  auto axis = normalizeAxis(node, node.intAttr("axis", -1), x.getRank(), "axis");
  if (failed(axis))
    return failure();
  if (x.getRank() == 0) {
    node.emitError() << "input must have rank >= 1";
    return failure();
  }
  int64_t n = x.getDimSize(*axis);
  if (*k < 0 || (isStatic(n) && *k > n)) {
    node.emitError() << "K = " << *k << " is out of range for axis size " << n;
    return failure();
  }
  SmallVector<int64_t> shape(x.getShape());
  shape[*axis] = *k;
  return Types{RankedTensorType::get(shape, x.getElementType()),
               i64TensorType(node.context(), shape)};
}

/// a ranks before b: a > b for largest, a < b for smallest. NaN never ranks
/// before anything (it sorts last).
Value ranksBefore(OpBuilder &b, Location loc, bool largest, Value a, Value c) {
  if (isFloatType(a.getType()))
    return arith::CmpFOp::create(
        b, loc, largest ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT,
        a, c);
  return arith::CmpIOp::create(
      b, loc, largest ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::slt,
      a, c);
}

FailureOr<Values> lowerTopK(const NodeView &node, OpBuilder &b,
                            ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  auto k = topKCount(node);
  if (failed(k))
    return failure();
  auto valType = cast<RankedTensorType>(resultTypes[0]);
  auto idxType = cast<RankedTensorType>(resultTypes[1]);
  Value x = node.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t rank = xType.getRank();
  int64_t axis = node.intAttr("axis", -1);
  if (axis < 0)
    axis += rank;
  int64_t n = xType.getDimSize(axis), kk = *k;
  bool largest = node.opset() < 11 || node.intAttr("largest", 1) != 0;
  // sorted = 0 leaves the order unspecified; we always sort.
  Type elt = xType.getElementType(), i64 = b.getI64Type();
  Value vals0 = filled(b, loc, valType, scalarConstant(b, loc, elt, 0));
  Value idxs0 = filled(b, loc, idxType, scalarConstant(b, loc, i64, 0));
  SmallVector<int64_t> outerDims(xType.getShape());
  outerDims.erase(outerDims.begin() + axis);

  // Per row: insertion into the sorted list out[0..c) (c = min(i, K)) of
  // each x[i] in index order. x[i]'s place is the number of entries that
  // rank before it or tie with it (they have lower indices, so ties keep
  // the lower index first, as ONNX specifies); entries from there move one
  // down and the last one falls off. O(n K) per row.
  Values r = loopNest(
      b, loc, outerDims, {vals0, idxs0},
      [&](OpBuilder &ob, Location ol, ValueRange outer, ValueRange rowArgs) {
        auto coordsAt = [&](Value p) {
          SmallVector<Value> c(outer);
          c.insert(c.begin() + axis, p);
          return c;
        };
        auto rowLoop = scf::ForOp::create(
            ob, ol, cIndex(ob, ol, 0), cIndex(ob, ol, n), cIndex(ob, ol, 1),
            rowArgs,
            [&](OpBuilder &nb, Location l, Value i, ValueRange args) {
              Value v = tensor::ExtractOp::create(nb, l, x, coordsAt(i));
              Value vi = arith::IndexCastOp::create(nb, l, i64, i);
              Value count =
                  arith::MinSIOp::create(nb, l, i, cIndex(nb, l, kk));
              // Pass 1: the insertion position.
              auto posLoop = scf::ForOp::create(
                  nb, l, cIndex(nb, l, 0), cIndex(nb, l, kk),
                  cIndex(nb, l, 1), ValueRange{cIndex(nb, l, 0)},
                  [&](OpBuilder &pb, Location pl, Value p, ValueRange pa) {
                    Value e = tensor::ExtractOp::create(pb, pl, args[0],
                                                        coordsAt(p));
                    Value valid = arith::CmpIOp::create(
                        pb, pl, arith::CmpIPredicate::slt, p, count);
                    Value ahead = arith::XOrIOp::create(
                        pb, pl, ranksBefore(pb, pl, largest, v, e),
                        scalarConstant(pb, pl, pb.getI1Type(), 1));
                    Value stays = arith::SelectOp::create(
                        pb, pl, valid, ahead,
                        scalarConstant(pb, pl, pb.getI1Type(), 0));
                    Value next = arith::AddIOp::create(pb, pl, pa[0],
                                                       cIndex(pb, pl, 1));
                    scf::YieldOp::create(
                        pb, pl,
                        ValueRange{arith::SelectOp::create(pb, pl, stays, next,
                                                           pa[0])});
                  });
              Value pos = posLoop.getResult(0);
              // Pass 2: from the end, out[p] = p == pos ? x[i]
              //                            : p > pos ? out[p - 1] : out[p].
              auto shiftLoop = scf::ForOp::create(
                  nb, l, cIndex(nb, l, 0), cIndex(nb, l, kk), cIndex(nb, l, 1),
                  args,
                  [&](OpBuilder &sb, Location sl, Value j, ValueRange sa) {
                    Value p = arith::SubIOp::create(sb, sl,
                                                    cIndex(sb, sl, kk - 1), j);
                    Value prev = arith::MaxSIOp::create(
                        sb, sl,
                        arith::SubIOp::create(sb, sl, p, cIndex(sb, sl, 1)),
                        cIndex(sb, sl, 0));
                    Value isPos = arith::CmpIOp::create(
                        sb, sl, arith::CmpIPredicate::eq, p, pos);
                    Value after = arith::CmpIOp::create(
                        sb, sl, arith::CmpIPredicate::sgt, p, pos);
                    Values updated, freshValues{v, vi};
                    for (auto [t, fresh] : llvm::zip(sa, freshValues)) {
                      Value here =
                          tensor::ExtractOp::create(sb, sl, t, coordsAt(p));
                      Value above =
                          tensor::ExtractOp::create(sb, sl, t, coordsAt(prev));
                      Value w = arith::SelectOp::create(
                          sb, sl, isPos, fresh,
                          arith::SelectOp::create(sb, sl, after, above, here));
                      updated.push_back(
                          tensor::InsertOp::create(sb, sl, w, t, coordsAt(p)));
                    }
                    scf::YieldOp::create(sb, sl, updated);
                  });
              scf::YieldOp::create(nb, l, shiftLoop.getResults());
            });
        return Values(rowLoop.getResults());
      });
  return r;
}

//===----------------------------------------------------------------------===//
// ArgMax, ArgMin
//===----------------------------------------------------------------------===//

FailureOr<Types> inferArgReduce(const NodeView &node) {
  RankedTensorType x = node.requireInput(0);
  if (!x)
    return failure();
  if (x.getElementType().isInteger(1)) {
    node.emitError() << "bool input is not supported";
    return failure();
  }
  if (x.getRank() == 0) {
    node.emitError() << "input must have rank >= 1";
    return failure();
  }
  auto axis = normalizeAxis(node, node.intAttr("axis", 0), x.getRank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(x.getShape());
  if (node.intAttr("keepdims", 1))
    shape[*axis] = 1;
  else
    shape.erase(shape.begin() + *axis);
  return Types{i64TensorType(node.context(), shape)};
}

FailureOr<Values> lowerArgReduce(const NodeView &node, OpBuilder &b,
                                 ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  Value x = node.input(0);
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t rank = xType.getRank();
  int64_t axis = node.intAttr("axis", 0);
  if (axis < 0)
    axis += rank;
  if (xType.getDimSize(axis) == 0) {
    node.emitError() << "cannot reduce the empty axis " << axis;
    return failure();
  }
  bool isMax = node.opType() == "ArgMax";
  bool last = node.opset() >= 12 && node.intAttr("select_last_index", 0) != 0;
  Type elt = xType.getElementType(), i64 = b.getI64Type();
  SmallVector<int64_t> reduced(xType.getShape());
  reduced.erase(reduced.begin() + axis);
  // Start from the worst value (-inf/+inf, or the integer extreme) at index
  // 0, so that a row of only that value still answers its first (or last)
  // index.
  Value worst;
  if (auto f = dyn_cast<FloatType>(elt)) {
    worst = scalarConstant(b, loc, elt, isMax ? -INFINITY : INFINITY);
  } else {
    unsigned w = elt.getIntOrFloatBitWidth();
    worst = arith::ConstantOp::create(
        b, loc,
        b.getIntegerAttr(elt, isMax ? APInt::getSignedMinValue(w)
                                    : APInt::getSignedMaxValue(w)));
  }
  Value bestInit =
      filled(b, loc, RankedTensorType::get(reduced, elt), worst);
  Value idxInit = filled(b, loc, RankedTensorType::get(reduced, i64),
                         scalarConstant(b, loc, i64, 0));
  SmallVector<AffineExpr> outExprs;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      outExprs.push_back(b.getAffineDimExpr(d));
  AffineMap outMap = AffineMap::get(rank, 0, outExprs, b.getContext());
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank), outMap, outMap};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators[axis] = utils::IteratorType::reduction;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{bestInit.getType(), idxInit.getType()}, ValueRange{x},
      ValueRange{bestInit, idxInit}, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value v = a[0], best = a[1], bi = a[2];
        Value better;
        if (isFloatType(elt)) {
          // NaN wins (numpy's argmax/argmin): the first NaN, or the last
          // with select_last_index.
          auto pred = isMax ? (last ? arith::CmpFPredicate::OGE
                                    : arith::CmpFPredicate::OGT)
                            : (last ? arith::CmpFPredicate::OLE
                                    : arith::CmpFPredicate::OLT);
          better = arith::CmpFOp::create(nb, l, pred, v, best);
          Value vNaN = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNO,
                                             v, v);
          Value takeNaN = vNaN;
          if (!last) {
            Value bestNotNaN = arith::CmpFOp::create(
                nb, l, arith::CmpFPredicate::ORD, best, best);
            takeNaN = arith::AndIOp::create(nb, l, vNaN, bestNotNaN);
          }
          better = arith::OrIOp::create(nb, l, better, takeNaN);
        } else {
          auto pred = isMax ? (last ? arith::CmpIPredicate::sge
                                    : arith::CmpIPredicate::sgt)
                            : (last ? arith::CmpIPredicate::sle
                                    : arith::CmpIPredicate::slt);
          better = arith::CmpIOp::create(nb, l, pred, v, best);
        }
        Value k = arith::IndexCastOp::create(
            nb, l, i64, linalg::IndexOp::create(nb, l, axis));
        linalg::YieldOp::create(
            nb, l,
            ValueRange{arith::SelectOp::create(nb, l, better, v, best),
                       arith::SelectOp::create(nb, l, better, k, bi)});
      });
  Value idx = generic.getResult(1);
  auto type = cast<RankedTensorType>(resultTypes[0]);
  if (type.getRank() != static_cast<int64_t>(reduced.size())) {
    // keepdims: the reduced axis comes back as a 1, grouped with its left
    // neighbour (its right one for axis 0); a rank-1 input's 0-d result
    // expands with no groups.
    SmallVector<ReassociationIndices> groups;
    if (rank > 1) {
      for (int64_t d = 0; d < rank; ++d)
        if (d != axis)
          groups.push_back({d});
      if (axis == 0)
        groups[0].insert(groups[0].begin(), 0);
      else
        groups[axis - 1].push_back(axis);
    }
    idx = tensor::ExpandShapeOp::create(b, loc, type, idx, groups);
  }
  return Values{idx};
}

//===----------------------------------------------------------------------===//
// NonZero
//===----------------------------------------------------------------------===//

/// The nonzero coordinates of a constant, [rank, count] in row-major order.
Folded evaluateNonZero(DenseElementsAttr c) {
  if (!c || c.getNumElements() > kMaxNonZeroFoldElements)
    return std::nullopt;
  ArrayRef<int64_t> shape = c.getType().getShape();
  int64_t rank = shape.size();
  SmallVector<int64_t> hits;
  int64_t linear = 0;
  for (Attribute v : c.getValues<Attribute>()) {
    bool nz = false;
    if (auto i = dyn_cast<IntegerAttr>(v))
      nz = !i.getValue().isZero();
    else if (auto f = dyn_cast<FloatAttr>(v))
      nz = !f.getValue().isZero(); // NaN counts as nonzero, -0.0 does not
    else
      return std::nullopt;
    if (nz)
      hits.push_back(linear);
    ++linear;
  }
  int64_t count = hits.size();
  SmallVector<int64_t> out(rank * count);
  for (int64_t h = 0; h < count; ++h) {
    int64_t rest = hits[h];
    for (int64_t d = rank - 1; d >= 0; --d) {
      out[d * count + h] = rest % shape[d];
      rest /= shape[d];
    }
  }
  auto type = i64TensorType(c.getContext(), {rank, count});
  return SmallVector<DenseElementsAttr>{
      DenseElementsAttr::get(type, ArrayRef<int64_t>(out))};
}

FailureOr<Types> inferNonZero(const NodeView &node) {
  if (!node.requireInput(0))
    return failure();
  // A constant input folds at import; otherwise the count of nonzeros is
  // only known at run time. The dynamic dim is fine for a raising pass that
  // replaces the whole data-dependent region (the per-expert MoE loop);
  // lowerNonZero refuses it when nothing did.
  if (Folded folded = evaluateNonZero(node.constantInput(0)))
    return Types{(*folded)[0].getType()};
  return Types{i64TensorType(node.context(),
                             {node.inputType(0).getRank(),
                              ShapedType::kDynamic})};
}

Folded foldNonZero(const NodeView &node, ArrayRef<Type>) {
  return evaluateNonZero(node.constantInput(0));
}

FailureOr<Values> lowerNonZero(const NodeView &node, OpBuilder &b,
                               ArrayRef<Type> resultTypes) {
  Folded folded = evaluateNonZero(node.constantInput(0));
  if (!folded || (*folded)[0].getType() != resultTypes[0]) {
    node.emitError() << "the output shape depends on the input's values; "
                        "NonZero is supported only on a constant input";
    return failure();
  }
  return Values{arith::ConstantOp::create(b, node.loc(), (*folded)[0])};
}

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//

/// Runs `lower` after checking that the node's result types are the ones
/// inference gives: the loops above index the results with coordinates
/// derived from the operands, so a mismatched hand-written type would read
/// or write out of bounds.
template <InferFn infer, LowerFn lower>
FailureOr<Values> checkedLower(const NodeView &node, OpBuilder &b,
                               ArrayRef<Type> resultTypes) {
  FailureOr<Types> inferred = infer(node);
  if (failed(inferred))
    return failure();
  for (auto [i, pair] : llvm::enumerate(llvm::zip(*inferred, resultTypes))) {
    auto [want, got] = pair;
    if (want != got) {
      node.emitError() << "output " << i << " is " << got << ", expected "
                       << want;
      return failure();
    }
  }
  return lower(node, b, resultTypes);
}


// Versions that only widened the accepted types share the semantics of the
// row before them but are listed, so the table reads as ONNX's history.
// OP(X): inferX, no fold, lowerX behind the result type check.
#define OP(X) infer##X, nullptr, (checkedLower<infer##X, lower##X>)
const OpRow kIndexingOps[] = {
    {"GatherElements", 11, OP(GatherElements), "out-of-range indices clamp"},
    {"GatherElements", 13, OP(GatherElements), "out-of-range indices clamp"},
    {"GatherND", 11, OP(GatherND), "out-of-range indices clamp"},
    {"GatherND", 12, OP(GatherND), "out-of-range indices clamp"},
    {"GatherND", 13, OP(GatherND), "out-of-range indices clamp"},
    {"ScatterElements", 11, OP(ScatterElements), "out-of-range indices skip"},
    {"ScatterElements", 13, OP(ScatterElements), "out-of-range indices skip"},
    {"ScatterElements", 16, OP(ScatterElements), "out-of-range indices skip"},
    {"ScatterElements", 18, OP(ScatterElements), "out-of-range indices skip"},
    {"ScatterND", 11, OP(ScatterND), "out-of-range indices skip"},
    {"ScatterND", 13, OP(ScatterND), "out-of-range indices skip"},
    {"ScatterND", 16, OP(ScatterND), "out-of-range indices skip"},
    {"ScatterND", 18, OP(ScatterND), "out-of-range indices skip"},
    {"CumSum", 11, OP(CumSum), "constant axis"},
    {"CumSum", 14, OP(CumSum), "constant axis"},
    {"OneHot", 9, OP(OneHot), "constant depth"},
    {"OneHot", 11, OP(OneHot), "constant depth"},
    {"Trilu", 14, OP(Trilu), "constant k"},
    {"TopK", 1, OP(TopK), "always sorted"},
    {"TopK", 10, OP(TopK), "constant K; always sorted"},
    {"TopK", 11, OP(TopK), "constant K; always sorted"},
    {"ArgMax", 1, OP(ArgReduce)},
    {"ArgMax", 11, OP(ArgReduce)},
    {"ArgMax", 12, OP(ArgReduce)},
    {"ArgMax", 13, OP(ArgReduce)},
    {"ArgMin", 1, OP(ArgReduce)},
    {"ArgMin", 11, OP(ArgReduce)},
    {"ArgMin", 12, OP(ArgReduce)},
    {"ArgMin", 13, OP(ArgReduce)},
    {"NonZero", 9, inferNonZero, foldNonZero, lowerNonZero,
     "constant input (folded at import); otherwise only inside the MoE "
     "per-expert loop sy-raise-moe raises"},
    {"NonZero", 13, inferNonZero, foldNonZero, lowerNonZero,
     "constant input (folded at import); otherwise only inside the MoE "
     "per-expert loop sy-raise-moe raises"},
};
#undef OP

} // namespace

void switchyard::onnx::registerIndexingOps(OpRegistry &registry) {
  addDefaultDomainOps(registry, kIndexingOps);
}
