//===- Elementwise.cpp - elementwise ONNX ops -----------------------------===//
//
// Arithmetic, comparison, logic and activation ops: numpy broadcasting of the
// inputs, one result. Each row of the tables below is one op at one
// since-version; versions that only widened the accepted types share a row
// with the version that fixed the semantics (e.g. Add since 7, when
// broadcasting arrived).
//
//===----------------------------------------------------------------------===//

#include "passes/lower/onnx/OpRegistry.h"

#include "passes/lower/onnx/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace switchyard::onnx;

namespace {

/// Shapes of the inputs that are present.
SmallVector<ArrayRef<int64_t>> presentShapes(const NodeView &node,
                                             unsigned first, unsigned last) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (unsigned i = first; i < std::min(last, node.numInputs()); ++i)
    if (RankedTensorType t = node.inputType(i))
      shapes.push_back(t.getShape());
  return shapes;
}


/// Result: the type of input 0 (unary ops).
FailureOr<SmallVector<Type>> inferUnary(const NodeView &node) {
  if (!node.requireInput(0))
    return failure();
  return SmallVector<Type>{node.inputType(0)};
}

/// Result: broadcast of all inputs, element type `elementType` or input 0's.
FailureOr<SmallVector<Type>> inferBroadcastTo(const NodeView &node,
                                              Type elementType,
                                              unsigned first = 0) {
  if (!node.requireInput(first))
    return failure();
  auto shape = broadcastShapes(node, presentShapes(node, first, ~0u));
  if (failed(shape))
    return failure();
  Type elt = elementType ? elementType
                         : node.inputType(first).getElementType();
  return SmallVector<Type>{RankedTensorType::get(*shape, elt)};
}

/// The broadcast shape, element type of the first input. Inputs sharing a
/// type constraint (Add's T; not Pow's T1) were checked to share an element
/// type against the op's schema (SchemaCheck.cpp) before inference.
FailureOr<SmallVector<Type>> inferBroadcast(const NodeView &node) {
  return inferBroadcastTo(node, Type());
}

FailureOr<SmallVector<Type>> inferCompare(const NodeView &node) {
  return inferBroadcastTo(node, IntegerType::get(node.context(), 1));
}

/// Where(cond, x, y): broadcast of all three, element type of x.
FailureOr<SmallVector<Type>> inferWhere(const NodeView &node) {
  if (!node.inputType(1)) {
    node.emitError() << "input 1 is required";
    return failure();
  }
  return inferBroadcastTo(node, node.inputType(1).getElementType());
}

/// IsNaN / IsInf: same shape, bool.
FailureOr<SmallVector<Type>> inferPredicate(const NodeView &node) {
  if (!node.requireInput(0))
    return failure();
  return SmallVector<Type>{node.inputType(0).clone(
      IntegerType::get(node.context(), 1))};
}

FailureOr<SmallVector<Type>> inferCast(const NodeView &node) {
  if (!node.requireInput(0))
    return failure();
  int64_t to = node.intAttr("to", 0);
  Type elt = elementTypeOfOnnxDtype(node.context(), to);
  if (!elt) {
    node.emitError() << "unsupported target type 'to' = " << to;
    return failure();
  }
  return SmallVector<Type>{node.inputType(0).clone(elt)};
}

FailureOr<SmallVector<Type>> inferCastLike(const NodeView &node) {
  if (!node.requireInput(0) || !node.requireInput(1))
    return failure();
  return SmallVector<Type>{
      node.inputType(0).clone(node.inputType(1).getElementType())};
}

//===----------------------------------------------------------------------===//
// Import-time folding of integer arithmetic (shape computations)
//===----------------------------------------------------------------------===//

/// Index of the element of a broadcast operand of shape `shape` that feeds
/// result element `linear` of `resultShape`.
int64_t broadcastSource(ArrayRef<int64_t> resultShape, ArrayRef<int64_t> shape,
                        int64_t linear) {
  int64_t src = 0, stride = 1;
  for (int64_t d = resultShape.size() - 1, s = shape.size() - 1; d >= 0;
       --d, --s) {
    int64_t coord = linear % resultShape[d];
    linear /= resultShape[d];
    if (s < 0)
      continue;
    if (shape[s] != 1)
      src += coord * stride;
    stride *= shape[s];
  }
  return src;
}

/// The values of an integer constant: signed, bools as 0/1.
SmallVector<int64_t> intValues(DenseElementsAttr attr) {
  bool isBool = attr.getElementType().isInteger(1);
  SmallVector<int64_t> out;
  for (const APInt &v : attr.getValues<APInt>())
    out.push_back(isBool ? v.getZExtValue() : v.getSExtValue());
  return out;
}

/// Folds a unary op on one signless integer constant with `fn` into the
/// result type (whose element type may differ: Cast, Not).
template <typename Fn>
std::optional<SmallVector<DenseElementsAttr>>
foldIntUnary(const NodeView &node, ArrayRef<Type> resultTypes, Fn fn) {
  DenseElementsAttr a = node.constantInput(0);
  auto type = dyn_cast<RankedTensorType>(resultTypes[0]);
  if (!a || !type || !type.hasStaticShape() ||
      !a.getElementType().isSignlessInteger() ||
      !type.getElementType().isSignlessInteger() ||
      type.getNumElements() != a.getNumElements() ||
      type.getNumElements() > 4096)
    return std::nullopt;
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  SmallVector<APInt> out;
  for (int64_t v : intValues(a))
    out.push_back(APInt(width, fn(v), /*isSigned=*/true, /*implicitTrunc=*/true));
  return SmallVector<DenseElementsAttr>{DenseElementsAttr::get(type, out)};
}

/// Folds a binary op on signed integer constants with `fn`; the result
/// element type is the result type's (i1 for comparisons).
template <typename Fn>
std::optional<SmallVector<DenseElementsAttr>>
foldIntBinary(const NodeView &node, ArrayRef<Type> resultTypes, Fn fn) {
  DenseElementsAttr a = node.constantInput(0), b = node.constantInput(1);
  auto type = dyn_cast<RankedTensorType>(resultTypes[0]);
  if (!a || !b || !type || !type.hasStaticShape() ||
      !a.getElementType().isSignlessInteger() ||
      !b.getElementType().isSignlessInteger() || type.getNumElements() > 4096)
    return std::nullopt;
  SmallVector<int64_t> av = intValues(a), bv = intValues(b);
  ArrayRef<int64_t> as = a.getType().getShape(), bs = b.getType().getShape();
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  SmallVector<APInt> out;
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    std::optional<int64_t> r =
        fn(av[broadcastSource(type.getShape(), as, i)],
           bv[broadcastSource(type.getShape(), bs, i)]);
    if (!r)
      return std::nullopt;
    out.push_back(APInt(width, *r, /*isSigned=*/true, /*implicitTrunc=*/true));
  }
  return SmallVector<DenseElementsAttr>{DenseElementsAttr::get(type, out)};
}

std::optional<SmallVector<DenseElementsAttr>>
foldAdd(const NodeView &node, ArrayRef<Type> types) {
  return foldIntBinary(node, types, [](int64_t a, int64_t b) {
    return std::optional<int64_t>(a + b);
  });
}
std::optional<SmallVector<DenseElementsAttr>>
foldSub(const NodeView &node, ArrayRef<Type> types) {
  return foldIntBinary(node, types, [](int64_t a, int64_t b) {
    return std::optional<int64_t>(a - b);
  });
}
std::optional<SmallVector<DenseElementsAttr>>
foldMul(const NodeView &node, ArrayRef<Type> types) {
  return foldIntBinary(node, types, [](int64_t a, int64_t b) {
    return std::optional<int64_t>(a * b);
  });
}
/// ONNX integer Div truncates toward zero (C semantics).
std::optional<SmallVector<DenseElementsAttr>>
foldDiv(const NodeView &node, ArrayRef<Type> types) {
  return foldIntBinary(node, types,
                       [](int64_t a, int64_t b) -> std::optional<int64_t> {
                         if (b == 0)
                           return std::nullopt;
                         return a / b;
                       });
}
std::optional<SmallVector<DenseElementsAttr>>
foldEqual(const NodeView &node, ArrayRef<Type> types) {
  return foldIntBinary(node, types, [](int64_t a, int64_t b) {
    return std::optional<int64_t>(a == b);
  });
}

/// Mod on integers: fmod=1 truncates (C), fmod=0 takes the divisor's sign.
std::optional<SmallVector<DenseElementsAttr>>
foldMod(const NodeView &node, ArrayRef<Type> types) {
  bool fmod = node.intAttr("fmod", 0) != 0;
  return foldIntBinary(node, types,
                       [&](int64_t a, int64_t b) -> std::optional<int64_t> {
                         if (b == 0)
                           return std::nullopt;
                         int64_t r = a % b;
                         if (!fmod && r != 0 && ((r < 0) != (b < 0)))
                           r += b;
                         return r;
                       });
}

#define FOLD_BINARY(NAME, EXPR)                                                \
  std::optional<SmallVector<DenseElementsAttr>> NAME(const NodeView &node,     \
                                                     ArrayRef<Type> types) {   \
    return foldIntBinary(node, types, [](int64_t a, int64_t b) {               \
      return std::optional<int64_t>(EXPR);                                     \
    });                                                                        \
  }
FOLD_BINARY(foldLess, a < b)
FOLD_BINARY(foldGreater, a > b)
FOLD_BINARY(foldLessOrEqual, a <= b)
FOLD_BINARY(foldGreaterOrEqual, a >= b)
FOLD_BINARY(foldAnd, a && b)
FOLD_BINARY(foldOr, a || b)
FOLD_BINARY(foldXor, (a != 0) != (b != 0))
#undef FOLD_BINARY

/// Max/Min fold only in their two-input form.
std::optional<SmallVector<DenseElementsAttr>>
foldMax(const NodeView &node, ArrayRef<Type> types) {
  if (node.numInputs() != 2)
    return std::nullopt;
  return foldIntBinary(node, types, [](int64_t a, int64_t b) {
    return std::optional<int64_t>(std::max(a, b));
  });
}
std::optional<SmallVector<DenseElementsAttr>>
foldMin(const NodeView &node, ArrayRef<Type> types) {
  if (node.numInputs() != 2)
    return std::nullopt;
  return foldIntBinary(node, types, [](int64_t a, int64_t b) {
    return std::optional<int64_t>(std::min(a, b));
  });
}

std::optional<SmallVector<DenseElementsAttr>>
foldNeg(const NodeView &node, ArrayRef<Type> types) {
  return foldIntUnary(node, types, [](int64_t v) { return -v; });
}
std::optional<SmallVector<DenseElementsAttr>>
foldAbs(const NodeView &node, ArrayRef<Type> types) {
  return foldIntUnary(node, types, [](int64_t v) { return v < 0 ? -v : v; });
}

std::optional<SmallVector<DenseElementsAttr>>
foldNot(const NodeView &node, ArrayRef<Type> types) {
  return foldIntUnary(node, types, [](int64_t v) { return int64_t(!v); });
}

/// Cast between integer types (bool included): sign-extend or truncate,
/// anything to bool is `!= 0`.
std::optional<SmallVector<DenseElementsAttr>>
foldCast(const NodeView &node, ArrayRef<Type> types) {
  bool toBool = getElementTypeOrSelf(types[0]).isInteger(1);
  return foldIntUnary(node, types,
                      [&](int64_t v) { return toBool ? int64_t(v != 0) : v; });
}

/// Where(cond, x, y) on constants of any element type.
std::optional<SmallVector<DenseElementsAttr>>
foldWhere(const NodeView &node, ArrayRef<Type> types) {
  DenseElementsAttr c = node.constantInput(0), x = node.constantInput(1),
                    y = node.constantInput(2);
  auto type = dyn_cast<RankedTensorType>(types[0]);
  if (!c || !x || !y || !type || !type.hasStaticShape() ||
      type.getNumElements() > 4096)
    return std::nullopt;
  SmallVector<int64_t> cv = intValues(c);
  auto xv = llvm::to_vector(x.getValues<Attribute>());
  auto yv = llvm::to_vector(y.getValues<Attribute>());
  SmallVector<Attribute> out;
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    bool pick = cv[broadcastSource(type.getShape(), c.getType().getShape(), i)];
    out.push_back(pick ? xv[broadcastSource(type.getShape(),
                                            x.getType().getShape(), i)]
                       : yv[broadcastSource(type.getShape(),
                                            y.getType().getShape(), i)]);
  }
  return SmallVector<DenseElementsAttr>{DenseElementsAttr::get(type, out)};
}

//===----------------------------------------------------------------------===//
// Lowering: one scalar body per op inside a broadcasting linalg.generic
//===----------------------------------------------------------------------===//

/// A scalar body: the node (for attributes), the result element type and
/// one scalar per input.
using Body = Value (*)(OpBuilder &, Location, const NodeView &, Type,
                       ValueRange);

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }
Value cst(OpBuilder &b, Location loc, Value like, double v) {
  return scalarConstant(b, loc, like.getType(), v);
}

/// Lowers a node whose present inputs all feed `body` elementwise.
template <Body body>
FailureOr<SmallVector<Value>> lowerElementwise(const NodeView &node,
                                               OpBuilder &b,
                                               ArrayRef<Type> resultTypes) {
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < node.numInputs(); ++i)
    if (node.hasInput(i))
      inputs.push_back(node.input(i));
  auto type = cast<RankedTensorType>(resultTypes[0]);
  Value r = buildElementwise(
      b, node.loc(), type, inputs,
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        return body(nb, loc, node, type.getElementType(), args);
      });
  return SmallVector<Value>{r};
}

#define BINARY(NAME, FOP, IOP)                                                 \
  Value NAME(OpBuilder &b, Location loc, const NodeView &, Type,               \
             ValueRange a) {                                                   \
    if (isFloat(a[0]))                                                         \
      return FOP::create(b, loc, a[0], a[1]);                                  \
    return IOP::create(b, loc, a[0], a[1]);                                    \
  }
BINARY(bodyAdd, arith::AddFOp, arith::AddIOp)
BINARY(bodySub, arith::SubFOp, arith::SubIOp)
BINARY(bodyMul, arith::MulFOp, arith::MulIOp)
BINARY(bodyDiv, arith::DivFOp, arith::DivSIOp)
#undef BINARY

/// Variadic ops fold their operands left to right.
template <typename FOp, typename IOp>
Value foldAll(OpBuilder &b, Location loc, ValueRange a) {
  Value acc = a[0];
  for (Value v : a.drop_front())
    acc = isFloat(acc) ? Value(FOp::create(b, loc, acc, v))
                       : Value(IOp::create(b, loc, acc, v));
  return acc;
}
Value bodyMax(OpBuilder &b, Location loc, const NodeView &, Type,
              ValueRange a) {
  return foldAll<arith::MaximumFOp, arith::MaxSIOp>(b, loc, a);
}
Value bodyMin(OpBuilder &b, Location loc, const NodeView &, Type,
              ValueRange a) {
  return foldAll<arith::MinimumFOp, arith::MinSIOp>(b, loc, a);
}
Value bodySum(OpBuilder &b, Location loc, const NodeView &, Type,
              ValueRange a) {
  return foldAll<arith::AddFOp, arith::AddIOp>(b, loc, a);
}
Value bodyMean(OpBuilder &b, Location loc, const NodeView &, Type,
               ValueRange a) {
  Value sum = foldAll<arith::AddFOp, arith::AddIOp>(b, loc, a);
  return arith::DivFOp::create(b, loc, sum, cst(b, loc, sum, a.size()));
}

Value bodyPow(OpBuilder &b, Location loc, const NodeView &, Type t,
              ValueRange a) {
  if (isa<FloatType>(t))
    return math::PowFOp::create(b, loc, a[0], castScalar(b, loc, a[1], t));
  // Integer base: compute in f64 and convert back, as the ONNX reference.
  Value x = castScalar(b, loc, a[0], b.getF64Type());
  Value y = castScalar(b, loc, a[1], b.getF64Type());
  return castScalar(b, loc, math::PowFOp::create(b, loc, x, y), t);
}

/// Mod: fmod=1 is C's fmod (sign of the dividend); fmod=0 (integers only) is
/// Python's % (sign of the divisor).
Value bodyMod(OpBuilder &b, Location loc, const NodeView &node, Type,
              ValueRange a) {
  if (isFloat(a[0]))
    return arith::RemFOp::create(b, loc, a[0], a[1]);
  Value r = arith::RemSIOp::create(b, loc, a[0], a[1]);
  if (node.intAttr("fmod", 0))
    return r;
  Value zero = cst(b, loc, r, 0);
  Value rNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
  Value dNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a[1], zero);
  Value rNonZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
  Value signsDiffer = arith::XOrIOp::create(b, loc, rNeg, dNeg);
  Value fix = arith::AndIOp::create(b, loc, rNonZero, signsDiffer);
  return arith::SelectOp::create(b, loc, fix,
                                 arith::AddIOp::create(b, loc, r, a[1]), r);
}

template <arith::CmpFPredicate FP, arith::CmpIPredicate IP>
Value bodyCompare(OpBuilder &b, Location loc, const NodeView &, Type,
                  ValueRange a) {
  if (isFloat(a[0]))
    return arith::CmpFOp::create(b, loc, FP, a[0], a[1]);
  return arith::CmpIOp::create(b, loc, IP, a[0], a[1]);
}

Value bodyAnd(OpBuilder &b, Location loc, const NodeView &, Type,
              ValueRange a) {
  return arith::AndIOp::create(b, loc, a[0], a[1]);
}
Value bodyOr(OpBuilder &b, Location loc, const NodeView &, Type,
             ValueRange a) {
  return arith::OrIOp::create(b, loc, a[0], a[1]);
}
Value bodyXor(OpBuilder &b, Location loc, const NodeView &, Type,
              ValueRange a) {
  return arith::XOrIOp::create(b, loc, a[0], a[1]);
}
Value bodyNot(OpBuilder &b, Location loc, const NodeView &, Type,
              ValueRange a) {
  return arith::XOrIOp::create(b, loc, a[0], cst(b, loc, a[0], 1));
}
Value bodyWhere(OpBuilder &b, Location loc, const NodeView &, Type,
                ValueRange a) {
  return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
}
Value bodyIsNaN(OpBuilder &b, Location loc, const NodeView &, Type,
                ValueRange a) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, a[0], a[0]);
}
Value bodyIsInf(OpBuilder &b, Location loc, const NodeView &node, Type,
                ValueRange a) {
  Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, a[0],
                                    cst(b, loc, a[0], INFINITY));
  Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, a[0],
                                    cst(b, loc, a[0], -INFINITY));
  Value no = scalarConstant(b, loc, b.getI1Type(), 0);
  if (!node.intAttr("detect_positive", 1))
    pos = no;
  if (!node.intAttr("detect_negative", 1))
    neg = no;
  return arith::OrIOp::create(b, loc, pos, neg);
}

/// x < 0 ? neg : x.
Value selectNegative(OpBuilder &b, Location loc, Value x, Value neg) {
  Value isNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                      cst(b, loc, x, 0));
  return arith::SelectOp::create(b, loc, isNeg, neg, x);
}

Value bodyRelu(OpBuilder &b, Location loc, const NodeView &, Type,
               ValueRange a) {
  if (isFloat(a[0]))
    return arith::MaximumFOp::create(b, loc, a[0], cst(b, loc, a[0], 0));
  return arith::MaxSIOp::create(b, loc, a[0], cst(b, loc, a[0], 0));
}
Value bodyLeakyRelu(OpBuilder &b, Location loc, const NodeView &node, Type,
                    ValueRange a) {
  Value scaled = arith::MulFOp::create(
      b, loc, a[0], cst(b, loc, a[0], node.floatAttr("alpha", 0.01f)));
  return selectNegative(b, loc, a[0], scaled);
}
Value bodyPRelu(OpBuilder &b, Location loc, const NodeView &, Type,
                ValueRange a) {
  if (!isFloat(a[0])) {
    Value isNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                        a[0], cst(b, loc, a[0], 0));
    return arith::SelectOp::create(
        b, loc, isNeg, arith::MulIOp::create(b, loc, a[0], a[1]), a[0]);
  }
  return selectNegative(b, loc, a[0],
                        arith::MulFOp::create(b, loc, a[0], a[1]));
}
Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Value negExp = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  Value one = cst(b, loc, x, 1);
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, negExp));
}
Value bodySigmoid(OpBuilder &b, Location loc, const NodeView &, Type,
                  ValueRange a) {
  return sigmoid(b, loc, a[0]);
}
/// clamp(alpha * x + beta, 0, 1).
Value hardSigmoid(OpBuilder &b, Location loc, Value x, double alpha,
                  double beta) {
  Value y = arith::AddFOp::create(
      b, loc, arith::MulFOp::create(b, loc, x, cst(b, loc, x, alpha)),
      cst(b, loc, x, beta));
  y = arith::MaximumFOp::create(b, loc, y, cst(b, loc, x, 0));
  return arith::MinimumFOp::create(b, loc, y, cst(b, loc, x, 1));
}
Value bodyHardSigmoid(OpBuilder &b, Location loc, const NodeView &node, Type,
                      ValueRange a) {
  return hardSigmoid(b, loc, a[0], node.floatAttr("alpha", 0.2f),
                     node.floatAttr("beta", 0.5f));
}
Value bodyHardSwish(OpBuilder &b, Location loc, const NodeView &, Type,
                    ValueRange a) {
  return arith::MulFOp::create(b, loc, a[0],
                               hardSigmoid(b, loc, a[0], 1.0 / 6.0, 0.5));
}

template <typename MathOp>
Value bodyMath(OpBuilder &b, Location loc, const NodeView &, Type,
               ValueRange a) {
  return MathOp::create(b, loc, a[0]);
}
Value bodyReciprocal(OpBuilder &b, Location loc, const NodeView &, Type,
                     ValueRange a) {
  return arith::DivFOp::create(b, loc, cst(b, loc, a[0], 1), a[0]);
}
Value bodyNeg(OpBuilder &b, Location loc, const NodeView &, Type,
              ValueRange a) {
  if (isFloat(a[0]))
    return arith::NegFOp::create(b, loc, a[0]);
  return arith::SubIOp::create(b, loc, cst(b, loc, a[0], 0), a[0]);
}
Value bodyAbs(OpBuilder &b, Location loc, const NodeView &, Type,
              ValueRange a) {
  if (isFloat(a[0]))
    return math::AbsFOp::create(b, loc, a[0]);
  // math.absi has no lowering to LLVM in this pipeline: x < 0 ? -x : x.
  Value isNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a[0],
                                      cst(b, loc, a[0], 0));
  Value neg = arith::SubIOp::create(b, loc, cst(b, loc, a[0], 0), a[0]);
  return arith::SelectOp::create(b, loc, isNeg, neg, a[0]);
}
Value bodySign(OpBuilder &b, Location loc, const NodeView &, Type,
               ValueRange a) {
  Value x = a[0], zero = cst(b, loc, x, 0);
  Value pos, neg;
  if (isFloat(x)) {
    pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, zero);
    neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
  } else {
    pos = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero);
    neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
  }
  // Zero and NaN map to themselves (x), as numpy.sign.
  Value r = arith::SelectOp::create(b, loc, neg, cst(b, loc, x, -1), x);
  return arith::SelectOp::create(b, loc, pos, cst(b, loc, x, 1), r);
}
Value softplus(OpBuilder &b, Location loc, Value x) {
  return math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, x));
}
Value bodySoftplus(OpBuilder &b, Location loc, const NodeView &, Type,
                   ValueRange a) {
  return softplus(b, loc, a[0]);
}
Value bodyMish(OpBuilder &b, Location loc, const NodeView &, Type,
               ValueRange a) {
  return arith::MulFOp::create(
      b, loc, a[0], math::TanhOp::create(b, loc, softplus(b, loc, a[0])));
}
Value bodyElu(OpBuilder &b, Location loc, const NodeView &node, Type,
              ValueRange a) {
  Value em1 = math::ExpM1Op::create(b, loc, a[0]);
  Value neg = arith::MulFOp::create(
      b, loc, em1, cst(b, loc, a[0], node.floatAttr("alpha", 1.0f)));
  return selectNegative(b, loc, a[0], neg);
}
Value bodySelu(OpBuilder &b, Location loc, const NodeView &node, Type,
               ValueRange a) {
  Value x = a[0];
  double alpha = node.floatAttr("alpha", 1.67326319217681884765625f);
  double gamma = node.floatAttr("gamma", 1.05070102214813232421875f);
  Value neg = arith::SubFOp::create(
      b, loc,
      arith::MulFOp::create(b, loc, math::ExpOp::create(b, loc, x),
                            cst(b, loc, x, alpha)),
      cst(b, loc, x, alpha));
  Value isPos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                      cst(b, loc, x, 0));
  Value y = arith::SelectOp::create(b, loc, isPos, x, neg);
  return arith::MulFOp::create(b, loc, y, cst(b, loc, x, gamma));
}
/// Gelu: approximate = "none" uses erf, "tanh" the tanh formula.
Value bodyGelu(OpBuilder &b, Location loc, const NodeView &node, Type,
               ValueRange a) {
  Value x = a[0], half = cst(b, loc, x, 0.5), one = cst(b, loc, x, 1);
  Value inner;
  if (node.stringAttr("approximate", "none") == "tanh") {
    Value x3 = arith::MulFOp::create(b, loc, x, arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x, arith::MulFOp::create(b, loc, x3, cst(b, loc, x, 0.044715)));
    inner = math::TanhOp::create(
        b, loc,
        arith::MulFOp::create(b, loc, poly,
                              cst(b, loc, x, std::sqrt(2.0 / M_PI))));
  } else {
    inner = math::ErfOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, cst(b, loc, x, M_SQRT1_2)));
  }
  return arith::MulFOp::create(
      b, loc, arith::MulFOp::create(b, loc, x, half),
      arith::AddFOp::create(b, loc, one, inner));
}

/// Clip(x, min, max) = min(max(x, min), max), numpy.clip's order (max wins
/// when min > max). Opset 6 takes attributes; 11 and later optional inputs,
/// which the generic reads as extra scalars (see lowerClip).
Value clip(OpBuilder &b, Location loc, Value x, Value lo, Value hi) {
  if (isFloat(x)) {
    if (lo)
      x = arith::MaximumFOp::create(b, loc, x, lo);
    if (hi)
      x = arith::MinimumFOp::create(b, loc, x, hi);
    return x;
  }
  if (lo)
    x = arith::MaxSIOp::create(b, loc, x, lo);
  if (hi)
    x = arith::MinSIOp::create(b, loc, x, hi);
  return x;
}

FailureOr<SmallVector<Value>> lowerClip(const NodeView &node, OpBuilder &b,
                                        ArrayRef<Type> resultTypes) {
  auto type = cast<RankedTensorType>(resultTypes[0]);
  Location loc = node.loc();
  Value lo, hi;
  if (node.opset() < 11) {
    lo = scalarConstant(b, loc, type.getElementType(),
                        node.floatAttr("min", -INFINITY));
    hi = scalarConstant(b, loc, type.getElementType(),
                        node.floatAttr("max", INFINITY));
  } else {
    if (node.hasInput(1))
      lo = extractScalar(b, loc, node.input(1));
    if (node.hasInput(2))
      hi = extractScalar(b, loc, node.input(2));
  }
  Value r = buildElementwise(b, loc, type, {node.input(0)},
                             [&](OpBuilder &nb, Location l, ValueRange a) {
                               return clip(nb, l, a[0], lo, hi);
                             });
  return SmallVector<Value>{r};
}

Value bodyCast(OpBuilder &b, Location loc, const NodeView &, Type t,
               ValueRange a) {
  return castScalar(b, loc, a[0], t);
}

/// CastLike reads only input 0; input 1 gives the type.
FailureOr<SmallVector<Value>> lowerCastLike(const NodeView &node, OpBuilder &b,
                                            ArrayRef<Type> resultTypes) {
  auto type = cast<RankedTensorType>(resultTypes[0]);
  Value r = buildElementwise(b, node.loc(), type, {node.input(0)},
                             [&](OpBuilder &nb, Location l, ValueRange a) {
                               return castScalar(nb, l, a[0],
                                                 type.getElementType());
                             });
  return SmallVector<Value>{r};
}

//===----------------------------------------------------------------------===//
// Tables
//===----------------------------------------------------------------------===//


#define EW(body) lowerElementwise<body>
using CmpF = arith::CmpFPredicate;
using CmpI = arith::CmpIPredicate;

const OpRow kElementwiseOps[] = {
    // Binary arithmetic with broadcasting.
    {"Add", 7, inferBroadcast, foldAdd, EW(bodyAdd)},
    {"Sub", 7, inferBroadcast, foldSub, EW(bodySub)},
    {"Mul", 7, inferBroadcast, foldMul, EW(bodyMul)},
    {"Div", 7, inferBroadcast, foldDiv, EW(bodyDiv)},
    {"Pow", 7, inferBroadcast, nullptr, EW(bodyPow)},
    {"Mod", 10, inferBroadcast, foldMod, EW(bodyMod)},
    {"PRelu", 7, inferBroadcast, nullptr, EW(bodyPRelu)},
    // Variadic with broadcasting (since 8).
    {"Max", 8, inferBroadcast, foldMax, EW(bodyMax)},
    {"Min", 8, inferBroadcast, foldMin, EW(bodyMin)},
    {"Sum", 8, inferBroadcast, nullptr, EW(bodySum)},
    {"Mean", 8, inferBroadcast, nullptr, EW(bodyMean)},
    // Comparisons and logic: bool results.
    {"Equal", 7, inferCompare, foldEqual, EW((bodyCompare<CmpF::OEQ, CmpI::eq>))},
    {"Less", 7, inferCompare, foldLess, EW((bodyCompare<CmpF::OLT, CmpI::slt>))},
    {"Greater", 7, inferCompare, foldGreater, EW((bodyCompare<CmpF::OGT, CmpI::sgt>))},
    {"LessOrEqual", 12, inferCompare, foldLessOrEqual, EW((bodyCompare<CmpF::OLE, CmpI::sle>))},
    {"GreaterOrEqual", 12, inferCompare, foldGreaterOrEqual, EW((bodyCompare<CmpF::OGE, CmpI::sge>))},
    {"And", 7, inferCompare, foldAnd, EW(bodyAnd)},
    {"Or", 7, inferCompare, foldOr, EW(bodyOr)},
    {"Xor", 7, inferCompare, foldXor, EW(bodyXor)},
    {"Not", 1, inferUnary, foldNot, EW(bodyNot)},
    {"IsNaN", 9, inferPredicate, nullptr, EW(bodyIsNaN)},
    {"IsInf", 10, inferPredicate, nullptr, EW(bodyIsInf)},
    {"Where", 9, inferWhere, foldWhere, EW(bodyWhere)},
    // Unary math and activations.
    {"Relu", 6, inferUnary, nullptr, EW(bodyRelu)},
    {"LeakyRelu", 6, inferUnary, nullptr, EW(bodyLeakyRelu)},
    {"Sigmoid", 6, inferUnary, nullptr, EW(bodySigmoid)},
    {"HardSigmoid", 6, inferUnary, nullptr, EW(bodyHardSigmoid)},
    {"HardSwish", 14, inferUnary, nullptr, EW(bodyHardSwish)},
    {"Tanh", 6, inferUnary, nullptr, EW(bodyMath<math::TanhOp>)},
    {"Erf", 9, inferUnary, nullptr, EW(bodyMath<math::ErfOp>)},
    {"Gelu", 20, inferUnary, nullptr, EW(bodyGelu)},
    {"Exp", 6, inferUnary, nullptr, EW(bodyMath<math::ExpOp>)},
    {"Log", 6, inferUnary, nullptr, EW(bodyMath<math::LogOp>)},
    {"Sqrt", 6, inferUnary, nullptr, EW(bodyMath<math::SqrtOp>)},
    {"Reciprocal", 6, inferUnary, nullptr, EW(bodyReciprocal)},
    {"Neg", 6, inferUnary, foldNeg, EW(bodyNeg)},
    {"Abs", 6, inferUnary, foldAbs, EW(bodyAbs)},
    {"Floor", 6, inferUnary, nullptr, EW(bodyMath<math::FloorOp>)},
    {"Ceil", 6, inferUnary, nullptr, EW(bodyMath<math::CeilOp>)},
    {"Round", 11, inferUnary, nullptr, EW(bodyMath<math::RoundEvenOp>)},
    {"Sign", 9, inferUnary, nullptr, EW(bodySign)},
    {"Sin", 7, inferUnary, nullptr, EW(bodyMath<math::SinOp>)},
    {"Cos", 7, inferUnary, nullptr, EW(bodyMath<math::CosOp>)},
    {"Softplus", 1, inferUnary, nullptr, EW(bodySoftplus)},
    {"Elu", 6, inferUnary, nullptr, EW(bodyElu)},
    {"Selu", 6, inferUnary, nullptr, EW(bodySelu)},
    {"Mish", 18, inferUnary, nullptr, EW(bodyMish)},
    // Clip: min/max attributes before 11, optional inputs from 11.
    {"Clip", 6, inferUnary, nullptr, lowerClip},
    {"Clip", 11, inferUnary, nullptr, lowerClip},
    // Conversions.
    {"Cast", 6, inferCast, foldCast, EW(bodyCast)},
    {"CastLike", 15, inferCastLike, nullptr, lowerCastLike},
};
#undef EW

} // namespace

void switchyard::onnx::registerElementwiseOps(OpRegistry &registry) {
  addDefaultDomainOps(registry, kElementwiseOps);
}
