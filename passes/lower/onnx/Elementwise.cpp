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

#include "mlir/IR/BuiltinTypes.h"

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

FailureOr<SmallVector<Type>> requireInput(const NodeView &node, unsigned i) {
  if (!node.inputType(i)) {
    node.emitError() << "input " << i << " is required";
    return failure();
  }
  return SmallVector<Type>{};
}

/// Result: the type of input 0 (unary ops).
FailureOr<SmallVector<Type>> inferUnary(const NodeView &node) {
  if (failed(requireInput(node, 0)))
    return failure();
  return SmallVector<Type>{node.inputType(0)};
}

/// Result: broadcast of all inputs, element type `elementType` or input 0's.
FailureOr<SmallVector<Type>> inferBroadcastTo(const NodeView &node,
                                              Type elementType,
                                              unsigned first = 0) {
  if (failed(requireInput(node, first)))
    return failure();
  auto shape = broadcastShapes(node, presentShapes(node, first, ~0u));
  if (failed(shape))
    return failure();
  Type elt = elementType ? elementType
                         : node.inputType(first).getElementType();
  return SmallVector<Type>{RankedTensorType::get(*shape, elt)};
}

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
  if (failed(requireInput(node, 0)))
    return failure();
  return SmallVector<Type>{node.inputType(0).clone(
      IntegerType::get(node.context(), 1))};
}

FailureOr<SmallVector<Type>> inferCast(const NodeView &node) {
  if (failed(requireInput(node, 0)))
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
  if (failed(requireInput(node, 0)) || failed(requireInput(node, 1)))
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
  auto av = llvm::to_vector(a.getValues<APInt>());
  auto bv = llvm::to_vector(b.getValues<APInt>());
  ArrayRef<int64_t> as = a.getType().getShape(), bs = b.getType().getShape();
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  SmallVector<APInt> out;
  for (int64_t i = 0; i < type.getNumElements(); ++i) {
    std::optional<int64_t> r =
        fn(av[broadcastSource(type.getShape(), as, i)].getSExtValue(),
           bv[broadcastSource(type.getShape(), bs, i)].getSExtValue());
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

//===----------------------------------------------------------------------===//
// Tables
//===----------------------------------------------------------------------===//

struct Row {
  const char *opType;
  int64_t since;
  InferFn infer;
  FoldFn fold = nullptr;
};

const Row kElementwiseOps[] = {
    // Binary arithmetic with broadcasting.
    {"Add", 7, inferBroadcast, foldAdd},
    {"Sub", 7, inferBroadcast, foldSub},
    {"Mul", 7, inferBroadcast, foldMul},
    {"Div", 7, inferBroadcast, foldDiv},
    {"Pow", 7, inferBroadcast},
    {"Mod", 10, inferBroadcast},
    {"PRelu", 7, inferBroadcast},
    // Variadic with broadcasting (since 8).
    {"Max", 8, inferBroadcast},
    {"Min", 8, inferBroadcast},
    {"Sum", 8, inferBroadcast},
    {"Mean", 8, inferBroadcast},
    // Comparisons and logic: bool results.
    {"Equal", 7, inferCompare, foldEqual},
    {"Less", 7, inferCompare},
    {"Greater", 7, inferCompare},
    {"LessOrEqual", 12, inferCompare},
    {"GreaterOrEqual", 12, inferCompare},
    {"And", 7, inferCompare},
    {"Or", 7, inferCompare},
    {"Xor", 7, inferCompare},
    {"Not", 1, inferUnary},
    {"IsNaN", 9, inferPredicate},
    {"IsInf", 10, inferPredicate},
    {"Where", 9, inferWhere},
    // Unary math and activations.
    {"Relu", 6, inferUnary},
    {"LeakyRelu", 6, inferUnary},
    {"Sigmoid", 6, inferUnary},
    {"HardSigmoid", 6, inferUnary},
    {"HardSwish", 14, inferUnary},
    {"Tanh", 6, inferUnary},
    {"Erf", 9, inferUnary},
    {"Gelu", 20, inferUnary},
    {"Exp", 6, inferUnary},
    {"Log", 6, inferUnary},
    {"Sqrt", 6, inferUnary},
    {"Reciprocal", 6, inferUnary},
    {"Neg", 6, inferUnary},
    {"Abs", 6, inferUnary},
    {"Floor", 6, inferUnary},
    {"Ceil", 6, inferUnary},
    {"Round", 11, inferUnary},
    {"Sign", 9, inferUnary},
    {"Sin", 7, inferUnary},
    {"Cos", 7, inferUnary},
    {"Softplus", 1, inferUnary},
    {"Elu", 6, inferUnary},
    {"Selu", 6, inferUnary},
    {"Mish", 18, inferUnary},
    // Clip: min/max attributes before 11, optional inputs from 11.
    {"Clip", 6, inferUnary},
    {"Clip", 11, inferUnary},
    // Conversions.
    {"Cast", 6, inferCast},
    {"CastLike", 15, inferCastLike},
};

} // namespace

void switchyard::onnx::registerElementwiseOps(OpRegistry &registry) {
  for (const Row &row : kElementwiseOps)
    registry.add({"", row.opType, row.since, row.infer, row.fold});
}
