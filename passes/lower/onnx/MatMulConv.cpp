//===- MatMulConv.cpp - contractions and convolutions ---------------------===//
//
// MatMul, Gemm, Einsum, Conv and ConvTranspose: every op here is a sum of
// products, lowered to one contraction (a linalg.matmul / batch_matmul where
// the operands already have that form, otherwise a linalg.generic whose
// indexing maps state the math) into a zero-, bias- or C-initialized
// accumulator, plus reshapes around it.
//
// Correctness now, speed later. These lowerings are deliberately plain: the
// contraction runs in the element type, Conv copies its input into a
// zero-padded tensor and walks every (output, channel, kernel tap) triple,
// ConvTranspose visits every kernel tap for every output position and skips the
// ones that fall between input pixels (`(o + pad - k * dilation) % stride !=
// 0`). The fast path belongs after sy-lower-onnx, on these ops, not here: tile
// the matmul/conv generics (linalg tiling, or rewriting the generics to named
// ops with linalg-specialize-generic-ops first), pack the operands and call
// GEMM / direct-conv micro-kernels or vectorize the tiles; split ConvTranspose
// by stride phase into `stride^rank` dense convolutions (no wasted taps); fold
// the padding into the tiles' bounds instead of materializing it.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/UkernelCall.h"
#include "passes/lower/onnx/OpRegistry.h"

#include "dialects/onnx/ONNXOps.h"

#include "passes/lower/onnx/Builders.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>
#include <map>

using namespace mlir;
using namespace switchyard::onnx;

namespace {

using Shape = SmallVector<int64_t>;
constexpr int64_t kDyn = ShapedType::kDynamic;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

/// Input `i` must be present (NodeView::requireInput reports it).
FailureOr<RankedTensorType> requireInput(const NodeView &node, unsigned i) {
  if (RankedTensorType t = node.requireInput(i))
    return t;
  return failure();
}

/// The element types a contraction computes in: floats and integers wider
/// than i1.
LogicalResult checkNumeric(const NodeView &node, Type elt, bool floatOnly) {
  bool ok = isa<FloatType>(elt) ||
            (!floatOnly && elt.isSignlessInteger() && !elt.isInteger(1));
  if (!ok)
    return node.emitError() << "unsupported element type " << elt
                            << (floatOnly ? " (expected a float type)"
                                          : " (expected a float or integer "
                                            "type)");
  return success();
}

Value add(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}
Value mul(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

/// A tensor of `type` filled with zeros.
Value zeros(OpBuilder &b, Location loc, RankedTensorType type) {
  Value empty =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  Value zero = scalarConstant(b, loc, type.getElementType(), 0);
  return linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty})
      .getResult(0);
}

/// init[out] += prod(inputs[i][maps[i]]): a linalg.generic over `numLoops`
/// loops whose first `numParallel` are parallel and the rest reductions.
Value buildContraction(OpBuilder &b, Location loc, ValueRange inputs,
                       ArrayRef<AffineMap> inputMaps, AffineMap outMap,
                       unsigned numParallel, Value init) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(outMap);
  SmallVector<utils::IteratorType> iterators(outMap.getNumDims(),
                                             utils::IteratorType::reduction);
  for (unsigned i = 0; i < numParallel; ++i)
    iterators[i] = utils::IteratorType::parallel;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value prod = args[0];
        for (Value v : args.drop_front().drop_back())
          prod = mul(nb, nloc, prod, v);
        linalg::YieldOp::create(nb, nloc, add(nb, nloc, args.back(), prod));
      });
  return generic.getResult(0);
}

/// Reshapes `v` to `shape` (same element type) with a collapse or expand
/// whose groups are given by `reassociation`.
Value collapse(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape,
               ArrayRef<ReassociationIndices> reassociation) {
  auto type = RankedTensorType::get(
      shape, cast<RankedTensorType>(v.getType()).getElementType());
  return tensor::CollapseShapeOp::create(b, loc, type, v, reassociation);
}
Value expand(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape,
             ArrayRef<ReassociationIndices> reassociation) {
  auto type = RankedTensorType::get(
      shape, cast<RankedTensorType>(v.getType()).getElementType());
  return tensor::ExpandShapeOp::create(b, loc, type, v, reassociation);
}

/// Groups `{0..first-1}, {first}, ...`: merges the leading dims into one.
SmallVector<ReassociationIndices> mergeLeading(int64_t count, int64_t rank) {
  SmallVector<ReassociationIndices> r(1);
  for (int64_t i = 0; i < count; ++i)
    r[0].push_back(i);
  for (int64_t i = count; i < rank; ++i)
    r.push_back({i});
  return r;
}

int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

//===----------------------------------------------------------------------===//
// MatMul: numpy matmul (1-D operands promoted then removed, batch broadcast)
//===----------------------------------------------------------------------===//

struct MatMulDims {
  Shape batchA, batchB, batch; // batch = broadcast(batchA, batchB)
  bool hasM, hasN;             // false for a 1-D A (no M) / 1-D B (no N)
  int64_t m, n, k;
  Shape result;
};

FailureOr<MatMulDims> matMulDims(const NodeView &node, ArrayRef<int64_t> a,
                                 ArrayRef<int64_t> b) {
  if (a.empty() || b.empty()) {
    node.emitError() << "operands must have rank >= 1, got ranks " << a.size()
                     << " and " << b.size();
    return failure();
  }
  MatMulDims d;
  d.hasM = a.size() > 1;
  d.hasN = b.size() > 1;
  d.m = d.hasM ? a[a.size() - 2] : 1;
  int64_t ka = a.back();
  d.k = d.hasN ? b[b.size() - 2] : b[0];
  d.n = d.hasN ? b.back() : 1;
  if (!ShapedType::isDynamic(ka) && !ShapedType::isDynamic(d.k) && ka != d.k) {
    node.emitError() << "contraction dimensions differ: A has " << ka
                     << " columns, B has " << d.k << " rows";
    return failure();
  }
  if (ShapedType::isDynamic(d.k))
    d.k = ka;
  d.batchA.assign(a.begin(), a.end() - (d.hasM ? 2 : 1));
  d.batchB.assign(b.begin(), b.end() - (d.hasN ? 2 : 1));
  auto batch = broadcastShapes(node, {d.batchA, d.batchB});
  if (failed(batch))
    return failure();
  d.batch = *batch;
  d.result = d.batch;
  if (d.hasM)
    d.result.push_back(d.m);
  if (d.hasN)
    d.result.push_back(d.n);
  return d;
}

FailureOr<SmallVector<Type>> inferMatMul(const NodeView &node) {
  auto a = requireInput(node, 0), b = requireInput(node, 1);
  if (failed(a) || failed(b))
    return failure();
  auto d = matMulDims(node, a->getShape(), b->getShape());
  if (failed(d))
    return failure();
  return SmallVector<Type>{
      RankedTensorType::get(d->result, a->getElementType())};
}

/// Indexing exprs of an operand's batch dims against the `nb` batch loops:
/// right-aligned, size-1 dims broadcast (constant 0).
void batchExprs(OpBuilder &b, ArrayRef<int64_t> opBatch,
                ArrayRef<int64_t> batch, SmallVectorImpl<AffineExpr> &exprs) {
  int64_t offset = batch.size() - opBatch.size();
  for (int64_t j = 0; j < static_cast<int64_t>(opBatch.size()); ++j)
    exprs.push_back(opBatch[j] == 1 && batch[offset + j] != 1
                        ? b.getAffineConstantExpr(0)
                        : b.getAffineDimExpr(offset + j));
}

FailureOr<SmallVector<Value>> lowerMatMul(const NodeView &node, OpBuilder &b,
                                          ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  Value A = node.input(0), B = node.input(1);
  auto aType = cast<RankedTensorType>(A.getType());
  auto bType = cast<RankedTensorType>(B.getType());
  auto type = cast<RankedTensorType>(resultTypes[0]);
  if (failed(checkNumeric(node, type.getElementType(), false)))
    return failure();
  auto d = matMulDims(node, aType.getShape(), bType.getShape());
  if (failed(d))
    return failure();
  int64_t nb = d->batch.size();
  Type elt = type.getElementType();

  // [..., M, K] x [K, N]: fold A's batch dims into M, one linalg.matmul.
  if (d->hasM && d->hasN && d->batchB.empty()) {
    int64_t rows = product(d->batchA) * d->m;
    Value a2 =
        aType.getRank() == 2
            ? A
            : collapse(b, loc, A, {rows, d->k},
                       mergeLeading(aType.getRank() - 1, aType.getRank()));
    auto t2 = RankedTensorType::get({rows, d->n}, elt);
    Value r = linalg::MatmulOp::create(b, loc, TypeRange{t2}, ValueRange{a2, B},
                                       ValueRange{zeros(b, loc, t2)})
                  .getResult(0);
    if (type.getRank() != 2)
      r = expand(b, loc, r, type.getShape(),
                 mergeLeading(type.getRank() - 1, type.getRank()));
    return SmallVector<Value>{r};
  }
  // Same batch dims on both sides: fold them into one, linalg.batch_matmul.
  if (d->hasM && d->hasN && nb > 0 && d->batchA == d->batchB) {
    int64_t batch = product(d->batch);
    auto fold = [&](Value v, int64_t r, int64_t c) {
      return nb == 1
                 ? v
                 : collapse(b, loc, v, {batch, r, c}, mergeLeading(nb, nb + 2));
    };
    Value a3 = fold(A, d->m, d->k), b3 = fold(B, d->k, d->n);
    auto t3 = RankedTensorType::get({batch, d->m, d->n}, elt);
    Value r =
        linalg::BatchMatmulOp::create(b, loc, TypeRange{t3}, ValueRange{a3, b3},
                                      ValueRange{zeros(b, loc, t3)})
            .getResult(0);
    if (nb != 1)
      r = expand(b, loc, r, type.getShape(), mergeLeading(nb, nb + 2));
    return SmallVector<Value>{r};
  }
  // General case (1-D operands, broadcast batch dims): one generic over
  // (batch..., [m], [n], k).
  unsigned dimM = nb, dimN = nb + (d->hasM ? 1 : 0);
  unsigned dimK = dimN + (d->hasN ? 1 : 0);
  unsigned numLoops = dimK + 1;
  SmallVector<AffineExpr> ae, be, oe;
  batchExprs(b, d->batchA, d->batch, ae);
  batchExprs(b, d->batchB, d->batch, be);
  for (int64_t j = 0; j < nb; ++j)
    oe.push_back(b.getAffineDimExpr(j));
  if (d->hasM) {
    ae.push_back(b.getAffineDimExpr(dimM));
    oe.push_back(b.getAffineDimExpr(dimM));
  }
  ae.push_back(b.getAffineDimExpr(dimK));
  be.push_back(b.getAffineDimExpr(dimK));
  if (d->hasN) {
    be.push_back(b.getAffineDimExpr(dimN));
    oe.push_back(b.getAffineDimExpr(dimN));
  }
  MLIRContext *ctx = b.getContext();
  Value r = buildContraction(b, loc, {A, B},
                             {AffineMap::get(numLoops, 0, ae, ctx),
                              AffineMap::get(numLoops, 0, be, ctx)},
                             AffineMap::get(numLoops, 0, oe, ctx), dimK,
                             zeros(b, loc, type));
  return SmallVector<Value>{r};
}

//===----------------------------------------------------------------------===//
// Gemm: Y = alpha * op(A) * op(B) + beta * C, C broadcast to [M, N]
//===----------------------------------------------------------------------===//

struct GemmDims {
  int64_t m, n, k;
};

FailureOr<GemmDims> gemmDims(const NodeView &node, RankedTensorType a,
                             RankedTensorType b) {
  if (a.getRank() != 2 || b.getRank() != 2) {
    node.emitError() << "A and B must be 2-D, got ranks " << a.getRank()
                     << " and " << b.getRank();
    return failure();
  }
  bool ta = node.intAttr("transA", 0), tb = node.intAttr("transB", 0);
  GemmDims d;
  d.m = a.getDimSize(ta ? 1 : 0);
  int64_t ka = a.getDimSize(ta ? 0 : 1);
  d.k = b.getDimSize(tb ? 1 : 0);
  d.n = b.getDimSize(tb ? 0 : 1);
  if (!ShapedType::isDynamic(ka) && !ShapedType::isDynamic(d.k) && ka != d.k) {
    node.emitError() << "contraction dimensions differ: op(A) has " << ka
                     << " columns, op(B) has " << d.k << " rows";
    return failure();
  }
  if (ShapedType::isDynamic(d.k))
    d.k = ka;
  if (RankedTensorType c = node.inputType(2)) {
    // Unidirectional broadcast of C to [M, N].
    ArrayRef<int64_t> cs = c.getShape();
    int64_t target[2] = {d.m, d.n};
    bool ok = cs.size() <= 2;
    for (size_t i = 0; ok && i < cs.size(); ++i) {
      int64_t t = target[2 - cs.size() + i];
      ok = cs[i] == 1 || ShapedType::isDynamic(cs[i]) ||
           ShapedType::isDynamic(t) || cs[i] == t;
    }
    if (!ok) {
      node.emitError() << "C of shape [" << cs
                       << "] does not broadcast to [M, N] = [" << d.m << ", "
                       << d.n << "]";
      return failure();
    }
  }
  return d;
}

FailureOr<SmallVector<Type>> inferGemm(const NodeView &node) {
  auto a = requireInput(node, 0), b = requireInput(node, 1);
  if (failed(a) || failed(b))
    return failure();
  auto d = gemmDims(node, *a, *b);
  if (failed(d))
    return failure();
  return SmallVector<Type>{
      RankedTensorType::get({d->m, d->n}, a->getElementType())};
}

/// op(A) x op(B) for 2-D A, B: linalg.matmul, or a generic whose maps
/// transpose when transA/transB are set.
/// The transpose of a 2-D tensor: a new constant when `v` is an f32
/// constant (weights are transposed once, at compile time), else
/// linalg.transpose.
Value transpose2D(OpBuilder &b, Location loc, Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  DenseElementsAttr cst;
  if (t.getElementType().isF32() && matchPattern(v, m_Constant(&cst))) {
    int64_t rows = t.getDimSize(0), cols = t.getDimSize(1);
    auto type = RankedTensorType::get({cols, rows}, t.getElementType());
    if (cst.isSplat())
      return arith::ConstantOp::create(b, loc, cst.reshape(type));
    auto values = llvm::to_vector(cst.getValues<float>());
    SmallVector<float> out(values.size());
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        out[j * rows + i] = values[i * cols + j];
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, ArrayRef<float>(out)));
  }
  Value init = tensor::EmptyOp::create(
      b, loc, ArrayRef<int64_t>{t.getDimSize(1), t.getDimSize(0)},
      t.getElementType());
  return linalg::TransposeOp::create(b, loc, v, init,
                                     ArrayRef<int64_t>{1, 0})
      .getResult()[0];
}

Value matmul2D(OpBuilder &b, Location loc, Value A, Value B, bool ta, bool tb,
               RankedTensorType type) {
  Value init = zeros(b, loc, type);
  // f32: materialize the transposes so that a plain linalg.matmul reaches
  // the sgemm micro-kernel (sy-lower-matmul-to-ukernel); a transpose costs
  // one pass over the operand, the contraction K passes.
  if ((ta || tb) && type.getElementType().isF32()) {
    if (ta)
      A = transpose2D(b, loc, A);
    if (tb)
      B = transpose2D(b, loc, B);
    ta = tb = false;
  }
  if (!ta && !tb)
    return linalg::MatmulOp::create(b, loc, TypeRange{type}, ValueRange{A, B},
                                    ValueRange{init})
        .getResult(0);
  AffineExpr m = b.getAffineDimExpr(0), n = b.getAffineDimExpr(1),
             k = b.getAffineDimExpr(2);
  MLIRContext *ctx = b.getContext();
  auto map = [&](AffineExpr x, AffineExpr y) {
    return AffineMap::get(3, 0, {x, y}, ctx);
  };
  return buildContraction(
      b, loc, {A, B}, {ta ? map(k, m) : map(m, k), tb ? map(n, k) : map(k, n)},
      map(m, n), 2, init);
}

FailureOr<SmallVector<Value>> lowerGemm(const NodeView &node, OpBuilder &b,
                                        ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  auto type = cast<RankedTensorType>(resultTypes[0]);
  Type elt = type.getElementType();
  if (failed(checkNumeric(node, elt, false)))
    return failure();
  double alpha = node.floatAttr("alpha", 1.0f);
  double beta = node.floatAttr("beta", 1.0f);
  if (!isa<FloatType>(elt) &&
      (alpha != std::trunc(alpha) || beta != std::trunc(beta))) {
    node.emitError() << "alpha = " << alpha << " and beta = " << beta
                     << " must be integers for the integer type " << elt;
    return failure();
  }
  if (failed(gemmDims(node, node.inputType(0), node.inputType(1))))
    return failure();
  Value y =
      matmul2D(b, loc, node.input(0), node.input(1), node.intAttr("transA", 0),
               node.intAttr("transB", 0), type);
  bool useC = node.hasInput(2) && beta != 0;
  if (alpha == 1 && !useC)
    return SmallVector<Value>{y};
  SmallVector<Value> ins{y};
  if (useC)
    ins.push_back(node.input(2));
  Value r = buildElementwise(
      b, loc, type, ins, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value acc = a[0];
        if (alpha != 1)
          acc = mul(nb, l, acc, scalarConstant(nb, l, elt, alpha));
        if (a.size() > 1) {
          Value c = a[1];
          if (beta != 1)
            c = mul(nb, l, c, scalarConstant(nb, l, elt, beta));
          acc = add(nb, l, acc, c);
        }
        return acc;
      });
  return SmallVector<Value>{r};
}

//===----------------------------------------------------------------------===//
// Einsum: one contraction from the equation
//===----------------------------------------------------------------------===//

/// A parsed equation. Labels are letters (their character code) or ellipsis
/// dims (-1 - j for broadcast ellipsis dim j, j = 0 leftmost).
struct EinsumSpec {
  SmallVector<SmallVector<int>> inputs;
  SmallVector<int> output;
  /// Output labels, then the summed ones in order of first appearance.
  SmallVector<int> loops;
  std::map<int, int64_t> sizes;
};

FailureOr<EinsumSpec> parseEinsum(const NodeView &node) {
  std::string eq;
  for (char c : node.stringAttr("equation", ""))
    if (c != ' ')
      eq.push_back(c);
  auto bad = [&](const Twine &why) {
    node.emitError() << "equation '" << node.stringAttr("equation", "")
                     << "': " << why;
    return failure();
  };
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  SmallVector<std::string> terms;
  {
    std::string cur;
    for (char c : lhs) {
      if (c == ',') {
        terms.push_back(cur);
        cur.clear();
      } else {
        cur.push_back(c);
      }
    }
    terms.push_back(cur);
  }
  if (terms.size() != node.numInputs())
    return bad(Twine(terms.size()) + " operand terms for " +
               Twine(node.numInputs()) + " inputs");

  // Letters of a term and where its ellipsis sits (-1: none).
  auto split = [&](StringRef term, SmallVectorImpl<int> &letters,
                   int &ellipsisAt) -> LogicalResult {
    ellipsisAt = -1;
    for (size_t i = 0; i < term.size(); ++i) {
      if (term.substr(i).starts_with("...")) {
        if (ellipsisAt >= 0)
          return bad("more than one '...' in a term");
        ellipsisAt = letters.size();
        i += 2;
        continue;
      }
      if (!llvm::isAlpha(term[i]))
        return bad(Twine("unexpected character '") + Twine(term[i]) + "'");
      letters.push_back(term[i]);
    }
    return success();
  };

  EinsumSpec spec;
  int64_t ellipsisRank = 0;
  bool anyEllipsis = false;
  SmallVector<std::pair<SmallVector<int>, int>> parsed;
  for (auto [i, term] : llvm::enumerate(terms)) {
    RankedTensorType t = node.inputType(i);
    if (!t) {
      node.emitError() << "input " << i << " is required (a ranked tensor)";
      return failure();
    }
    SmallVector<int> letters;
    int at;
    if (failed(split(term, letters, at)))
      return failure();
    int64_t e = t.getRank() - static_cast<int64_t>(letters.size());
    if (e < 0 || (at < 0 && e != 0))
      return bad("term '" + term + "' has " + Twine(letters.size()) +
                 " labels for input " + Twine(i) + " of rank " +
                 Twine(t.getRank()));
    if (at >= 0) {
      anyEllipsis = true;
      ellipsisRank = std::max(ellipsisRank, e);
    }
    parsed.push_back({letters, at});
  }
  // Operand labels and their sizes (equal, or 1 broadcast as numpy does).
  for (auto [i, p] : llvm::enumerate(parsed)) {
    auto &[letters, at] = p;
    ArrayRef<int64_t> shape = node.inputType(i).getShape();
    int64_t e = shape.size() - letters.size();
    SmallVector<int> labels(letters.begin(), letters.end());
    if (at >= 0) {
      SmallVector<int> ell;
      for (int64_t j = ellipsisRank - e; j < ellipsisRank; ++j)
        ell.push_back(-1 - j);
      labels.insert(labels.begin() + at, ell.begin(), ell.end());
    }
    for (auto [d, label] : llvm::enumerate(labels)) {
      int64_t size = shape[d];
      auto [it, inserted] = spec.sizes.insert({label, size});
      int64_t &known = it->second;
      if (inserted || size == known || ShapedType::isDynamic(size))
        continue;
      if (ShapedType::isDynamic(known)) {
        known = size;
        continue;
      }
      if (size == 1 || known == 1) { // numpy broadcasts size-1 dims
        known = std::max(known, size);
        continue;
      }
      std::string name =
          label < 0 ? std::string("...") : std::string(1, char(label));
      return bad("label '" + name + "' has sizes " + Twine(known) + " and " +
                 Twine(size));
    }
    spec.inputs.push_back(labels);
  }
  SmallVector<int> ellipsisLabels;
  for (int64_t j = 0; j < ellipsisRank; ++j)
    ellipsisLabels.push_back(-1 - j);

  if (arrow == std::string::npos) {
    // Implicit output: the ellipsis dims, then the letters used exactly
    // once, in alphabetical (ASCII) order, as numpy.
    std::map<int, int> count;
    for (auto &p : parsed)
      for (int l : p.first)
        ++count[l];
    spec.output = ellipsisLabels;
    for (auto [l, n] : count)
      if (n == 1)
        spec.output.push_back(l);
  } else {
    SmallVector<int> letters;
    int at;
    if (failed(split(StringRef(eq).substr(arrow + 2), letters, at)))
      return failure();
    if (anyEllipsis && ellipsisRank > 0 && at < 0)
      return bad("the inputs have '...' dimensions but the output does not; "
                 "summing over them is not supported");
    for (int l : letters) {
      if (!spec.sizes.count(l))
        return bad(Twine("output label '") + Twine(char(l)) +
                   "' is not in any input");
      if (llvm::count(letters, l) > 1)
        return bad(Twine("output label '") + Twine(char(l)) + "' repeats");
    }
    spec.output.assign(letters.begin(), letters.end());
    if (at >= 0)
      spec.output.insert(spec.output.begin() + at, ellipsisLabels.begin(),
                         ellipsisLabels.end());
  }
  spec.loops = spec.output;
  for (auto &labels : spec.inputs)
    for (int l : labels)
      if (!llvm::is_contained(spec.loops, l))
        spec.loops.push_back(l);
  return spec;
}

FailureOr<SmallVector<Type>> inferEinsum(const NodeView &node) {
  if (node.numInputs() < 1) {
    node.emitError() << "expected at least one input";
    return failure();
  }
  auto spec = parseEinsum(node);
  if (failed(spec))
    return failure();
  Shape shape;
  for (int l : spec->output)
    shape.push_back(spec->sizes[l]);
  return SmallVector<Type>{
      RankedTensorType::get(shape, node.inputType(0).getElementType())};
}

FailureOr<SmallVector<Value>> lowerEinsum(const NodeView &node, OpBuilder &b,
                                          ArrayRef<Type> resultTypes) {
  auto type = cast<RankedTensorType>(resultTypes[0]);
  if (failed(checkNumeric(node, type.getElementType(), false)))
    return failure();
  auto spec = parseEinsum(node);
  if (failed(spec))
    return failure();
  for (unsigned i = 1; i < node.numInputs(); ++i)
    if (node.inputType(i).getElementType() != type.getElementType()) {
      node.emitError() << "inputs must share one element type";
      return failure();
    }
  MLIRContext *ctx = b.getContext();
  unsigned numLoops = spec->loops.size();
  auto loopOf = [&](int label) {
    return b.getAffineDimExpr(llvm::find(spec->loops, label) -
                              spec->loops.begin());
  };
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (auto [i, labels] : llvm::enumerate(spec->inputs)) {
    ArrayRef<int64_t> shape = node.inputType(i).getShape();
    SmallVector<AffineExpr> exprs;
    for (auto [d, l] : llvm::enumerate(labels))
      exprs.push_back(shape[d] == 1 && spec->sizes[l] != 1
                          ? b.getAffineConstantExpr(0)
                          : loopOf(l));
    inputs.push_back(node.input(i));
    maps.push_back(AffineMap::get(numLoops, 0, exprs, ctx));
  }
  SmallVector<AffineExpr> outExprs;
  for (int l : spec->output)
    outExprs.push_back(loopOf(l));
  Value r = buildContraction(b, node.loc(), inputs, maps,
                             AffineMap::get(numLoops, 0, outExprs, ctx),
                             spec->output.size(), zeros(b, node.loc(), type));
  return SmallVector<Value>{r};
}

//===----------------------------------------------------------------------===//
// Conv and ConvTranspose: geometry (pads, output sizes) from the attributes
//===----------------------------------------------------------------------===//

struct ConvGeom {
  int64_t group;
  Shape kernel, strides, dilations, padBegin, padEnd, out;
};

/// Reads an ints attribute of `n` values (default `dflt`), each >= `min`.
FailureOr<Shape> intsOf(const NodeView &node, StringRef name, size_t n,
                        int64_t dflt, int64_t min) {
  Shape v(n, dflt);
  if (auto a = node.intsAttr(name))
    v = *a;
  if (v.size() != n) {
    node.emitError() << "'" << name << "' has " << v.size()
                     << " values, expected " << n;
    return failure();
  }
  for (int64_t x : v)
    if (x < min) {
      node.emitError() << "'" << name << "' value " << x
                       << " must be >= " << min;
      return failure();
    }
  return v;
}

/// Geometry shared by Conv (`transposed` false: W is [M, C/group, k...]) and
/// ConvTranspose (W is [C, M/group, k...]). Unknown sizes give unknown
/// output sizes.
FailureOr<ConvGeom> convGeometry(const NodeView &node, ArrayRef<int64_t> x,
                                 ArrayRef<int64_t> w, bool transposed) {
  if (x.size() < 3 || w.size() != x.size()) {
    node.emitError() << "X must have rank >= 3 and W the same rank, got "
                     << x.size() << " and " << w.size();
    return failure();
  }
  size_t r = x.size() - 2;
  ConvGeom g;
  g.group = node.intAttr("group", 1);
  if (g.group < 1) {
    node.emitError() << "group " << g.group << " must be >= 1";
    return failure();
  }
  g.kernel.assign(w.begin() + 2, w.end());
  if (auto ks = node.intsAttr("kernel_shape")) {
    if (ks->size() != r) {
      node.emitError() << "'kernel_shape' has " << ks->size()
                       << " values, expected " << r;
      return failure();
    }
    for (size_t i = 0; i < r; ++i) {
      if (!ShapedType::isDynamic(g.kernel[i]) && g.kernel[i] != (*ks)[i]) {
        node.emitError() << "'kernel_shape' [" << ArrayRef<int64_t>(*ks)
                         << "] differs from W's spatial dims ["
                         << ArrayRef<int64_t>(g.kernel) << "]";
        return failure();
      }
      g.kernel[i] = (*ks)[i];
    }
  }
  auto strides = intsOf(node, "strides", r, 1, 1);
  auto dilations = intsOf(node, "dilations", r, 1, 1);
  auto pads = intsOf(node, "pads", 2 * r, 0, 0);
  if (failed(strides) || failed(dilations) || failed(pads))
    return failure();
  g.strides = *strides;
  g.dilations = *dilations;
  g.padBegin.assign(pads->begin(), pads->begin() + r);
  g.padEnd.assign(pads->begin() + r, pads->end());
  std::string autoPad = node.stringAttr("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER" && autoPad != "VALID") {
    node.emitError() << "unsupported auto_pad '" << autoPad << "'";
    return failure();
  }
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (autoPad != "NOTSET")
    g.padBegin = g.padEnd = Shape(r, 0);

  // Channels.
  int64_t c = x[1];
  int64_t wc = transposed                    ? w[0]
               : ShapedType::isDynamic(w[1]) ? kDyn
                                             : w[1] * g.group;
  if (!ShapedType::isDynamic(c) && !ShapedType::isDynamic(wc) && c != wc) {
    node.emitError() << "X has " << c << " channels but W of shape [" << w
                     << "] with group " << g.group << " expects " << wc;
    return failure();
  }
  if (!transposed && !ShapedType::isDynamic(w[0]) && w[0] % g.group) {
    node.emitError() << "W's " << w[0] << " output channels are not divisible"
                     << " by group " << g.group;
    return failure();
  }
  if (transposed && !ShapedType::isDynamic(c) && c % g.group) {
    node.emitError() << "X's " << c << " channels are not divisible by group "
                     << g.group;
    return failure();
  }

  Shape outputShape, outputPadding;
  if (transposed) {
    auto op = intsOf(node, "output_padding", r, 0, 0);
    if (failed(op))
      return failure();
    outputPadding = *op;
    if (auto os = node.intsAttr("output_shape")) {
      if (os->size() != r && os->size() != r + 2) {
        node.emitError() << "'output_shape' has " << os->size()
                         << " values, expected " << r;
        return failure();
      }
      outputShape.assign(os->end() - r, os->end());
    }
  }

  // The geometry in 128 bits: hostile strides, dilations and pads (2^62)
  // must be an error, not a wrapped size.
  auto overflows = [&](size_t i, __int128 v, StringRef what) {
    if (v <= INT64_MAX && v >= INT64_MIN)
      return false;
    node.emitError() << "spatial dim " << i << ": the " << what
                     << " overflows int64";
    return true;
  };
  for (size_t i = 0; i < r; ++i) {
    int64_t in = x[2 + i], k = g.kernel[i], s = g.strides[i], dk = kDyn;
    if (!ShapedType::isDynamic(k)) {
      __int128 dilated = (__int128)(k - 1) * g.dilations[i] + 1;
      if (overflows(i, dilated, "dilated kernel"))
        return failure();
      dk = static_cast<int64_t>(dilated);
    }
    if (!ShapedType::isDynamic(in) &&
        (overflows(i, (__int128)in + g.padBegin[i] + g.padEnd[i],
                   "padded input") ||
         (same && overflows(i, (__int128)in + s, "input rounded up to the "
                                                  "stride"))))
      return failure();
    bool known = !ShapedType::isDynamic(in) && !ShapedType::isDynamic(dk);
    if (known && transposed &&
        overflows(i, (__int128)s * (in - 1) + outputPadding[i] + dk,
                  "transposed output"))
      return failure();
    if (!transposed) {
      if (same) {
        int64_t out = ShapedType::isDynamic(in) ? kDyn : (in + s - 1) / s;
        g.out.push_back(out);
        if (known) {
          int64_t total = std::max<int64_t>(0, (out - 1) * s + dk - in);
          int64_t small = total / 2;
          g.padBegin[i] = autoPad == "SAME_UPPER" ? small : total - small;
          g.padEnd[i] = total - g.padBegin[i];
        }
        continue;
      }
      if (!known) {
        g.out.push_back(kDyn);
        continue;
      }
      int64_t padded = in + g.padBegin[i] + g.padEnd[i];
      if (padded < dk) {
        node.emitError() << "spatial dim " << i << ": the dilated kernel ("
                         << dk << ") is larger than the padded input ("
                         << padded << ")";
        return failure();
      }
      g.out.push_back((padded - dk) / s + 1);
      continue;
    }
    // ConvTranspose: the full output is s * (in - 1) + output_padding + dk.
    int64_t full = known ? s * (in - 1) + outputPadding[i] + dk : kDyn;
    bool givenOut = !outputShape.empty();
    if (givenOut || same) {
      int64_t out = givenOut ? outputShape[i]
                             : (ShapedType::isDynamic(in) ? kDyn : in * s);
      g.out.push_back(out);
      if (!ShapedType::isDynamic(full) && !ShapedType::isDynamic(out)) {
        // A negative total (output larger than the full result) pads
        // nothing: the extra positions only receive the bias.
        int64_t total = std::max<int64_t>(0, full - out);
        int64_t small = total / 2;
        // Opset 11 puts the odd pixel at the end for SAME_UPPER and at the
        // beginning otherwise; opset 1 said the opposite.
        bool smallFirst = (autoPad == "SAME_UPPER") == (node.opset() >= 11);
        g.padBegin[i] = smallFirst ? small : total - small;
        g.padEnd[i] = total - g.padBegin[i];
      }
      continue;
    }
    if (ShapedType::isDynamic(full)) {
      g.out.push_back(kDyn);
      continue;
    }
    int64_t out = full - g.padBegin[i] - g.padEnd[i];
    if (out < 1) {
      node.emitError() << "spatial dim " << i << ": pads " << g.padBegin[i]
                       << " + " << g.padEnd[i] << " leave no output of the "
                       << full << " computed positions";
      return failure();
    }
    g.out.push_back(out);
  }
  for (size_t i = 0; i < r; ++i)
    if (!ShapedType::isDynamic(g.out[i]) && g.out[i] < 1) {
      node.emitError() << "spatial dim " << i << " of the output is "
                       << g.out[i];
      return failure();
    }
  return g;
}

/// Output channels: W[0] for Conv, W[1] * group for ConvTranspose.
int64_t outChannels(ArrayRef<int64_t> w, int64_t group, bool transposed) {
  if (!transposed)
    return w[0];
  return ShapedType::isDynamic(w[1]) ? kDyn : w[1] * group;
}

template <bool transposed>
FailureOr<SmallVector<Type>> inferConv(const NodeView &node) {
  auto x = requireInput(node, 0), w = requireInput(node, 1);
  if (failed(x) || failed(w))
    return failure();
  auto g = convGeometry(node, x->getShape(), w->getShape(), transposed);
  if (failed(g))
    return failure();
  int64_t m = outChannels(w->getShape(), g->group, transposed);
  if (RankedTensorType bias = node.inputType(2)) {
    if (bias.getRank() != 1 ||
        (!ShapedType::isDynamic(m) && !bias.isDynamicDim(0) &&
         bias.getDimSize(0) != m)) {
      node.emitError() << "bias B must be 1-D of size " << m << ", got "
                       << bias;
      return failure();
    }
  }
  Shape shape{x->getDimSize(0), m};
  shape.append(g->out);
  return SmallVector<Type>{RankedTensorType::get(shape, x->getElementType())};
}

/// The accumulator [N, G, M/G, out...]: zeros, or the bias B [M] broadcast.
Value convInit(OpBuilder &b, Location loc, const NodeView &node,
               RankedTensorType type) {
  if (!node.hasInput(2))
    return zeros(b, loc, type);
  int64_t r = type.getRank() - 3;
  // B [M] -> [G, M/G, 1...], then numpy-broadcast into [N, G, M/G, out...].
  Shape bshape{type.getDimSize(1), type.getDimSize(2)};
  bshape.append(r, 1);
  ReassociationIndices all;
  for (int64_t i = 0; i < r + 2; ++i)
    all.push_back(i);
  Value bias = expand(b, loc, node.input(2), bshape, {all});
  return buildElementwise(
      b, loc, type, {bias},
      [](OpBuilder &, Location, ValueRange a) { return a[0]; });
}

/// [A, B*C, rest...] <-> [A, B, C, rest...] groups.
SmallVector<ReassociationIndices> splitDim1(int64_t rank) {
  SmallVector<ReassociationIndices> r{{0}, {1, 2}};
  for (int64_t i = 3; i <= rank; ++i)
    r.push_back({i});
  return r;
}
SmallVector<ReassociationIndices> splitDim0(int64_t rank) {
  SmallVector<ReassociationIndices> r{{0, 1}};
  for (int64_t i = 2; i <= rank; ++i)
    r.push_back({i});
  return r;
}

/// `x` [N, C, spatial...] with `begin`/`end` zeros around the spatial dims.
/// A generic that reads x at the shifted position (clamped, and replaced by
/// zero outside x) rather than tensor.pad, whose bufferization copies into a
/// strided view through the `memrefCopy` runtime function that generated
/// libraries do not link.
Value padSpatial(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> begin,
                 ArrayRef<int64_t> end) {
  auto xType = cast<RankedTensorType>(x.getType());
  Type elt = xType.getElementType();
  int64_t rank = xType.getRank(), r = rank - 2;
  Shape padded(xType.getShape());
  for (int64_t i = 0; i < r; ++i)
    padded[2 + i] += begin[i] + end[i];
  auto type = RankedTensorType::get(padded, elt);
  Value init = tensor::EmptyOp::create(b, loc, padded, elt);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
      {b.getMultiDimIdentityMap(rank)}, iterators,
      [&](OpBuilder &nb, Location l, ValueRange) {
        Value zero = arith::ConstantIndexOp::create(nb, l, 0);
        Value inside = scalarConstant(nb, l, nb.getI1Type(), 1);
        SmallVector<Value> at{linalg::IndexOp::create(nb, l, 0),
                              linalg::IndexOp::create(nb, l, 1)};
        for (int64_t i = 0; i < r; ++i) {
          Value p = arith::SubIOp::create(
              nb, l, linalg::IndexOp::create(nb, l, 2 + i),
              arith::ConstantIndexOp::create(nb, l, begin[i]));
          Value ok = arith::AndIOp::create(
              nb, l,
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, p, zero),
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, p,
                                    arith::ConstantIndexOp::create(
                                        nb, l, xType.getDimSize(2 + i))));
          inside = arith::AndIOp::create(nb, l, inside, ok);
          at.push_back(p);
        }
        for (int64_t i = 0; i < r; ++i)
          at[2 + i] = arith::SelectOp::create(nb, l, inside, at[2 + i], zero);
        Value v = tensor::ExtractOp::create(nb, l, x, at);
        linalg::YieldOp::create(
            nb, l,
            Value(arith::SelectOp::create(nb, l, inside, v,
                                          scalarConstant(nb, l, elt, 0))));
      });
  // Lets sy-lower-conv-to-ukernel read x directly (the kernel pads).
  generic->setAttr(switchyard::kPadBeginAttr, b.getDenseI64ArrayAttr(begin));
  return generic.getResult(0);
}

/// Fast paths of a 2-D f32 convolution with one group and one image, both
/// ending in a runtime micro-kernel:
/// - unit strides: linalg.conv_2d_nchw_fchw on the padded input, which
///   sy-lower-conv-to-ukernel turns into the direct-convolution kernel;
/// - other strides: im2col then one GEMM (sy-lower-matmul-to-ukernel):
///   col[c, kh, kw, oh, ow] = xp[c, oh * sh + kh * dh, ow * sw + kw * dw]
///   y[m, oh * ow] = bias[m] + w[m, c * kh * kw] x col[c * kh * kw, oh * ow]
Value lowerConv2DAsGemm(const NodeView &node, OpBuilder &b, Location loc,
                        Value x, const ConvGeom &g, RankedTensorType type) {
  auto xType = cast<RankedTensorType>(x.getType()); // padded [1, C, H, W]
  Type elt = type.getElementType();
  int64_t C = xType.getDimSize(1), M = type.getDimSize(1);
  if (g.strides[0] == 1 && g.strides[1] == 1) {
    Value init;
    if (node.hasInput(2)) {
      // bias [M] -> [1, M, 1, 1] broadcast over [1, M, OH, OW].
      Value bias = expand(b, loc, node.input(2), {1, M, 1, 1}, {{0, 1, 2, 3}});
      init = buildElementwise(
          b, loc, type, {bias},
          [](OpBuilder &, Location, ValueRange a) { return a[0]; });
      // Lets sy-lower-conv-to-ukernel add the bias in the kernel.
      init.getDefiningOp()->setAttr(switchyard::kConvBiasAttr, b.getUnitAttr());
    } else {
      init = zeros(b, loc, type);
    }
    NamedAttribute attrs[] = {
        b.getNamedAttr("strides", b.getI64TensorAttr({1, 1})),
        b.getNamedAttr("dilations", b.getI64TensorAttr(g.dilations))};
    return linalg::Conv2DNchwFchwOp::create(b, loc, TypeRange{type},
                                            ValueRange{x, node.input(1)},
                                            ValueRange{init}, attrs)
        .getResult(0);
  }
  int64_t KH = g.kernel[0], KW = g.kernel[1], OH = g.out[0], OW = g.out[1];
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return b.getAffineDimExpr(i); };
  // Loops (c, kh, kw, oh, ow).
  AffineMap xMap = AffineMap::get(
      5, 0,
      {b.getAffineConstantExpr(0), d(0),
       d(3) * g.strides[0] + d(1) * g.dilations[0],
       d(4) * g.strides[1] + d(2) * g.dilations[1]},
      ctx);
  Shape colShape{C, KH, KW, OH, OW};
  auto colType = RankedTensorType::get(colShape, elt);
  Value colInit = tensor::EmptyOp::create(b, loc, colShape, elt);
  SmallVector<utils::IteratorType> parallel(5, utils::IteratorType::parallel);
  Value col =
      linalg::GenericOp::create(
          b, loc, TypeRange{colType}, ValueRange{x}, ValueRange{colInit},
          {xMap, b.getMultiDimIdentityMap(5)}, parallel,
          [](OpBuilder &nb, Location l, ValueRange a) {
            linalg::YieldOp::create(nb, l, a[0]);
          })
          .getResult(0);
  col = collapse(b, loc, col, {C * KH * KW, OH * OW}, {{0, 1, 2}, {3, 4}});
  Value w = collapse(b, loc, node.input(1), {M, C * KH * KW}, {{0}, {1, 2, 3}});
  auto yType = RankedTensorType::get({M, OH * OW}, elt);
  Value init;
  if (node.hasInput(2)) {
    Value bias = expand(b, loc, node.input(2), {M, 1}, {{0, 1}});
    init = buildElementwise(
        b, loc, yType, {bias},
        [](OpBuilder &, Location, ValueRange a) { return a[0]; });
  } else {
    init = zeros(b, loc, yType);
  }
  Value y = linalg::MatmulOp::create(b, loc, TypeRange{yType},
                                     ValueRange{w, col}, ValueRange{init})
                .getResult(0);
  return expand(b, loc, y, type.getShape(), {{0, 1}, {2, 3}});
}

/// Conv: y[n, g, m, o...] = sum_{c, k...} xp[n, g, c, o * s + k * d] *
/// w[g, m, c, k...] over the zero-padded input xp, channels split in groups.
FailureOr<SmallVector<Value>> lowerConv(const NodeView &node, OpBuilder &b,
                                        ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  auto type = cast<RankedTensorType>(resultTypes[0]);
  Type elt = type.getElementType();
  if (failed(checkNumeric(node, elt, true)))
    return failure();
  auto xType = node.inputType(0), wType = node.inputType(1);
  auto g = convGeometry(node, xType.getShape(), wType.getShape(), false);
  if (failed(g))
    return failure();
  int64_t r = xType.getRank() - 2, G = g->group;
  int64_t N = xType.getDimSize(0), C = xType.getDimSize(1);
  int64_t M = wType.getDimSize(0), Cg = C / G, Mg = M / G;

  // Zero padding.
  Value x = node.input(0);
  if (llvm::any_of(g->padBegin, [](int64_t p) { return p; }) ||
      llvm::any_of(g->padEnd, [](int64_t p) { return p; }))
    x = padSpatial(b, loc, x, g->padBegin, g->padEnd);
  if (r == 2 && G == 1 && N == 1 && elt.isF32())
    return SmallVector<Value>{lowerConv2DAsGemm(node, b, loc, x, *g, type)};
  // Groups as their own dim: x [N, G, C/G, ...], w [G, M/G, C/G, k...].
  Shape xs(cast<RankedTensorType>(x.getType()).getShape());
  Shape xe{N, G, Cg};
  xe.append(xs.begin() + 2, xs.end());
  x = expand(b, loc, x, xe, splitDim1(r + 2));
  Shape we{G, Mg, Cg};
  we.append(g->kernel);
  Value w = expand(b, loc, node.input(1), we, splitDim0(r + 2));
  Shape ye{N, G, Mg};
  ye.append(g->out);
  auto yeType = RankedTensorType::get(ye, elt);

  // Loops (n, g, m, o..., c, k...).
  unsigned numLoops = 3 + r + 1 + r;
  auto dim = [&](unsigned i) { return b.getAffineDimExpr(i); };
  SmallVector<AffineExpr> xExprs{dim(0), dim(1), dim(3 + r)},
      wExprs{dim(1), dim(2), dim(3 + r)}, yExprs{dim(0), dim(1), dim(2)};
  for (int64_t i = 0; i < r; ++i) {
    AffineExpr o = dim(3 + i), k = dim(4 + r + i);
    xExprs.push_back(o * g->strides[i] + k * g->dilations[i]);
    wExprs.push_back(k);
    yExprs.push_back(o);
  }
  MLIRContext *ctx = b.getContext();
  Value y = buildContraction(b, loc, {x, w},
                             {AffineMap::get(numLoops, 0, xExprs, ctx),
                              AffineMap::get(numLoops, 0, wExprs, ctx)},
                             AffineMap::get(numLoops, 0, yExprs, ctx), 3 + r,
                             convInit(b, loc, node, yeType));
  return SmallVector<Value>{
      collapse(b, loc, y, type.getShape(), splitDim1(r + 2))};
}

/// ConvTranspose: y[n, g, m, o...] = sum_{c, k...} x[n, g, c, i...] *
/// w[g, c, m, k...] where o = i * s - pad_begin + k * d, i.e. over the taps
/// with (o + pad_begin - k * d) divisible by s and the quotient inside X.
/// The generic iterates W and the output; X is read with tensor.extract at
/// the computed (clamped) position and the term dropped when the tap misses.
FailureOr<SmallVector<Value>> lowerConvTranspose(const NodeView &node,
                                                 OpBuilder &b,
                                                 ArrayRef<Type> resultTypes) {
  Location loc = node.loc();
  auto type = cast<RankedTensorType>(resultTypes[0]);
  Type elt = type.getElementType();
  if (failed(checkNumeric(node, elt, true)))
    return failure();
  auto xType = node.inputType(0), wType = node.inputType(1);
  auto g = convGeometry(node, xType.getShape(), wType.getShape(), true);
  if (failed(g))
    return failure();
  int64_t r = xType.getRank() - 2, G = g->group;
  int64_t N = xType.getDimSize(0), C = xType.getDimSize(1);
  int64_t Mg = wType.getDimSize(1), Cg = C / G;

  Shape xe{N, G, Cg};
  xe.append(xType.getShape().begin() + 2, xType.getShape().end());
  Value x = expand(b, loc, node.input(0), xe, splitDim1(r + 2));
  Shape we{G, Cg, Mg};
  we.append(g->kernel);
  Value w = expand(b, loc, node.input(1), we, splitDim0(r + 2));
  Shape ye{N, G, Mg};
  ye.append(g->out);
  auto yeType = RankedTensorType::get(ye, elt);

  unsigned numLoops = 3 + r + 1 + r;
  auto dim = [&](unsigned i) { return b.getAffineDimExpr(i); };
  SmallVector<AffineExpr> wExprs{dim(1), dim(3 + r), dim(2)},
      yExprs{dim(0), dim(1), dim(2)};
  for (int64_t i = 0; i < r; ++i) {
    wExprs.push_back(dim(4 + r + i));
    yExprs.push_back(dim(3 + i));
  }
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps{AffineMap::get(numLoops, 0, wExprs, ctx),
                              AffineMap::get(numLoops, 0, yExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::reduction);
  for (int64_t i = 0; i < 3 + r; ++i)
    iterators[i] = utils::IteratorType::parallel;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{yeType}, ValueRange{w},
      ValueRange{convInit(b, loc, node, yeType)}, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        auto index = [&](int64_t v) -> Value {
          return arith::ConstantIndexOp::create(nb, l, v);
        };
        auto idx = [&](unsigned d) -> Value {
          return linalg::IndexOp::create(nb, l, d);
        };
        Value zero = index(0);
        Value valid = scalarConstant(nb, l, nb.getI1Type(), 1);
        SmallVector<Value> at{idx(0), idx(1), idx(3 + r)};
        for (int64_t i = 0; i < r; ++i) {
          // num = o + pad_begin - k * d; tap hits input num / s.
          Value num = arith::SubIOp::create(
              nb, l,
              arith::AddIOp::create(nb, l, idx(3 + i), index(g->padBegin[i])),
              arith::MulIOp::create(nb, l, idx(4 + r + i),
                                    index(g->dilations[i])));
          Value s = index(g->strides[i]);
          Value q = g->strides[i] == 1
                        ? num
                        : Value(arith::DivSIOp::create(nb, l, num, s));
          Value ok = arith::AndIOp::create(
              nb, l,
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, num,
                                    zero),
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, q,
                                    index(xe[3 + i])));
          if (g->strides[i] != 1)
            ok = arith::AndIOp::create(
                nb, l, ok,
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                      arith::RemSIOp::create(nb, l, num, s),
                                      zero));
          valid = arith::AndIOp::create(nb, l, valid, ok);
          at.push_back(q);
        }
        // Clamp every spatial index to 0 when the tap misses, so the read
        // stays in bounds.
        for (int64_t i = 0; i < r; ++i)
          at[3 + i] = arith::SelectOp::create(nb, l, valid, at[3 + i], zero);
        Value xv = tensor::ExtractOp::create(nb, l, x, at);
        Value sum = add(nb, l, args[1], mul(nb, l, xv, args[0]));
        linalg::YieldOp::create(
            nb, l, Value(arith::SelectOp::create(nb, l, valid, sum, args[1])));
      });
  return SmallVector<Value>{collapse(b, loc, generic.getResult(0),
                                     type.getShape(), splitDim1(r + 2))};
}

/// `v` with its element type converted to `elt` (an elementwise cast).
Value castTensor(OpBuilder &b, Location loc, Value v, Type elt) {
  auto type = cast<RankedTensorType>(v.getType());
  return buildElementwise(b, loc, type.clone(elt), {v},
                          [&](OpBuilder &nb, Location l, ValueRange a) {
                            return castScalar(nb, l, a[0], elt);
                          });
}

/// Lowering behind a check that the node's result type is the one `infer`
/// gives (hand-written IR may state another). 16-bit float contractions
/// accumulate in f32, as ONNX Runtime and the reference implementation do:
/// inputs widened, the f32 lowering, results rounded once.
template <InferFn infer, LowerFn lower>
FailureOr<SmallVector<Value>> checked(const NodeView &node, OpBuilder &b,
                                      ArrayRef<Type> resultTypes) {
  auto inferred = infer(node);
  if (failed(inferred))
    return failure();
  if ((*inferred)[0] != resultTypes[0]) {
    node.emitError() << "result type " << resultTypes[0]
                     << " differs from the inferred " << (*inferred)[0];
    return failure();
  }
  Type elt = getElementTypeOrSelf(resultTypes[0]);
  if (!elt.isF16() && !elt.isBF16())
    return lower(node, b, resultTypes);
  Location loc = node.loc();
  Type f32 = b.getF32Type();
  SmallVector<Value> wideInputs;
  for (unsigned i = 0; i < node.numInputs(); ++i) {
    Value v = node.input(i);
    if (!v) // absent stays absent (the pass erases unused onnx.none)
      wideInputs.push_back(NoneOp::create(b, loc, b.getNoneType()));
    else if (getElementTypeOrSelf(v.getType()) == elt)
      wideInputs.push_back(castTensor(b, loc, v, f32));
    else
      wideInputs.push_back(v);
  }
  NodeView wide(node.opType(), node.domain(), node.opset(), node.attrs(),
                wideInputs, node.numOutputs(), node.nodeName(), loc);
  SmallVector<Type> wideTypes;
  for (Type t : resultTypes)
    wideTypes.push_back(cast<RankedTensorType>(t).clone(f32));
  auto results = lower(wide, b, wideTypes);
  if (failed(results))
    return failure();
  for (auto [r, t] : llvm::zip(*results, resultTypes))
    r = castTensor(b, loc, r, getElementTypeOrSelf(t));
  return results;
}

//===----------------------------------------------------------------------===//
// Table
//===----------------------------------------------------------------------===//


const OpRow kMatMulConvOps[] = {
    // MatMul: 9 and 13 only widened the types.
    {"MatMul", 1, inferMatMul, checked<inferMatMul, lowerMatMul>},
    {"MatMul", 9, inferMatMul, checked<inferMatMul, lowerMatMul>},
    {"MatMul", 13, inferMatMul, checked<inferMatMul, lowerMatMul>},
    // Gemm: 7 dropped `broadcast` (C broadcasts unidirectionally), 9 added
    // integers, 11 made C optional, 13 added bfloat16.
    {"Gemm", 7, inferGemm, checked<inferGemm, lowerGemm>,
     "integer types need integral alpha/beta"},
    {"Gemm", 9, inferGemm, checked<inferGemm, lowerGemm>,
     "integer types need integral alpha/beta"},
    {"Gemm", 11, inferGemm, checked<inferGemm, lowerGemm>,
     "integer types need integral alpha/beta"},
    {"Gemm", 13, inferGemm, checked<inferGemm, lowerGemm>,
     "integer types need integral alpha/beta"},
    {"Einsum", 12, inferEinsum, checked<inferEinsum, lowerEinsum>,
     "'...' must appear in the output when the inputs have it"},
    // Conv: 11 restated SAME_* as out = ceil(in / stride) (what we do for
    // both); 22 added bfloat16.
    {"Conv", 1, inferConv<false>, checked<inferConv<false>, lowerConv>},
    {"Conv", 11, inferConv<false>, checked<inferConv<false>, lowerConv>},
    {"Conv", 22, inferConv<false>, checked<inferConv<false>, lowerConv>},
    // ConvTranspose: 11 swapped which side gets the odd pad pixel when pads
    // are derived from output_shape / SAME_*; 22 added bfloat16.
    {"ConvTranspose", 1, inferConv<true>,
     checked<inferConv<true>, lowerConvTranspose>},
    {"ConvTranspose", 11, inferConv<true>,
     checked<inferConv<true>, lowerConvTranspose>},
    {"ConvTranspose", 22, inferConv<true>,
     checked<inferConv<true>, lowerConvTranspose>},
};

} // namespace

void switchyard::onnx::registerMatMulConvOps(OpRegistry &registry) {
  addDefaultDomainOps(registry, kMatMulConvOps);
}
