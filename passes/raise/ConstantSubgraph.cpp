//===- ConstantSubgraph.cpp - evaluating constant-only ONNX subgraphs -----===//

#include "passes/raise/ConstantSubgraph.h"

#include "passes/lower/onnx/OpRegistry.h"
#include "passes/raise/OnnxMatch.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <functional>

using namespace mlir;
using switchyard::onnx::NodeOp;

namespace switchyard::raise {
namespace {

using Result = std::optional<HostTensor>;

Result fromAttr(DenseElementsAttr attr, int64_t maxElements) {
  if (!attr || attr.getNumElements() > maxElements)
    return std::nullopt;
  auto type = cast<ShapedType>(attr.getType());
  HostTensor t;
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  t.data.reserve(attr.getNumElements());
  Type elem = type.getElementType();
  if (elem.isInteger(1)) {
    for (bool b : attr.getValues<bool>())
      t.data.push_back(b);
  } else if (auto i = dyn_cast<IntegerType>(elem)) {
    for (const APInt &a : attr.getValues<APInt>())
      t.data.push_back(static_cast<double>(i.isUnsigned() ? a.getZExtValue()
                                                          : a.getSExtValue()));
  } else if (isa<FloatType>(elem)) {
    for (const APFloat &f : attr.getValues<APFloat>())
      t.data.push_back(f.convertToDouble());
  } else {
    return std::nullopt;
  }
  return t;
}

/// The element count of `shape`, or -1 when a dim is negative.
int64_t countOf(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return -1;
    n *= d;
  }
  return n;
}

/// Numpy broadcasting of `operands` to one shape, `fn` per element.
Result broadcastMap(ArrayRef<const HostTensor *> operands,
                    const std::function<double(ArrayRef<double>)> &fn,
                    int64_t maxElements) {
  size_t rank = 0;
  for (const HostTensor *t : operands)
    rank = std::max(rank, t->shape.size());
  SmallVector<int64_t> shape(rank, 1);
  for (const HostTensor *t : operands)
    for (size_t d = 0; d < t->shape.size(); ++d) {
      int64_t &out = shape[rank - t->shape.size() + d];
      int64_t in = t->shape[d];
      if (in != 1 && out != 1 && in != out)
        return std::nullopt;
      if (in != 1)
        out = in;
    }
  int64_t n = countOf(shape);
  if (n < 0 || n > maxElements)
    return std::nullopt;
  // Per operand, its stride along each output dim (0 where broadcast).
  SmallVector<SmallVector<int64_t>> strides;
  for (const HostTensor *t : operands) {
    SmallVector<int64_t> s(rank, 0);
    int64_t stride = 1;
    for (int64_t d = t->shape.size() - 1; d >= 0; --d) {
      s[rank - t->shape.size() + d] = t->shape[d] == 1 ? 0 : stride;
      stride *= t->shape[d];
    }
    strides.push_back(s);
  }
  HostTensor out;
  out.shape = shape;
  out.data.resize(n);
  SmallVector<int64_t> index(rank, 0), offset(operands.size(), 0);
  SmallVector<double> args(operands.size());
  for (int64_t i = 0; i < n; ++i) {
    for (size_t o = 0; o < operands.size(); ++o)
      args[o] = operands[o]->data[offset[o]];
    out.data[i] = fn(args);
    for (int64_t d = rank - 1; d >= 0; --d) {
      for (size_t o = 0; o < operands.size(); ++o)
        offset[o] += strides[o][d];
      if (++index[d] < shape[d])
        break;
      for (size_t o = 0; o < operands.size(); ++o)
        offset[o] -= strides[o][d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

/// Rounds to the value the node's element type holds.
void roundTo(HostTensor &t, Type elem) {
  if (elem.isF32())
    for (double &x : t.data)
      x = static_cast<float>(x);
  else if (elem.isInteger(1))
    for (double &x : t.data)
      x = x != 0;
  else if (isa<IntegerType>(elem))
    for (double &x : t.data)
      x = std::trunc(x);
}

Result evaluate(Value v, int64_t maxElements, int depth);

Result evaluateNode(NodeOp node, int64_t maxElements, int depth) {
  onnx::NodeView view(node);
  StringRef op = node.getOpType();
  auto outType = dyn_cast<RankedTensorType>(node.getOutputs()[0].getType());
  if (node.getOutputs().size() != 1 || !outType)
    return std::nullopt;
  SmallVector<HostTensor> in;
  for (unsigned i = 0; i < view.numInputs(); ++i) {
    if (!view.hasInput(i)) {
      in.push_back({});
      continue;
    }
    Result r = evaluate(view.input(i), maxElements, depth + 1);
    if (!r)
      return std::nullopt;
    in.push_back(std::move(*r));
  }
  auto binary = [&](std::function<double(double, double)> fn) -> Result {
    if (in.size() != 2)
      return std::nullopt;
    return broadcastMap({&in[0], &in[1]},
                        [&](ArrayRef<double> a) { return fn(a[0], a[1]); },
                        maxElements);
  };
  auto unary = [&](std::function<double(double)> fn) -> Result {
    if (in.empty())
      return std::nullopt;
    HostTensor t = in[0];
    for (double &x : t.data)
      x = fn(x);
    return t;
  };
  auto reshapeTo = [&](SmallVector<int64_t> shape) -> Result {
    if (in.empty() || countOf(shape) != in[0].numElements())
      return std::nullopt;
    HostTensor t = std::move(in[0]);
    t.shape = shape;
    return t;
  };

  Result out;
  if (op == "Add")
    out = binary([](double a, double b) { return a + b; });
  else if (op == "Sub")
    out = binary([](double a, double b) { return a - b; });
  else if (op == "Mul")
    out = binary([](double a, double b) { return a * b; });
  else if (op == "Less")
    out = binary([](double a, double b) { return double(a < b); });
  else if (op == "LessOrEqual")
    out = binary([](double a, double b) { return double(a <= b); });
  else if (op == "Greater")
    out = binary([](double a, double b) { return double(a > b); });
  else if (op == "GreaterOrEqual")
    out = binary([](double a, double b) { return double(a >= b); });
  else if (op == "Equal")
    out = binary([](double a, double b) { return double(a == b); });
  else if (op == "And")
    out = binary([](double a, double b) { return double(a != 0 && b != 0); });
  else if (op == "Or")
    out = binary([](double a, double b) { return double(a != 0 || b != 0); });
  else if (op == "Xor")
    out = binary([](double a, double b) { return double((a != 0) != (b != 0)); });
  else if (op == "Not")
    out = unary([](double a) { return double(a == 0); });
  else if (op == "Neg")
    out = unary([](double a) { return -a; });
  else if (op == "Abs")
    out = unary([](double a) { return std::fabs(a); });
  else if (op == "Cast" || op == "Identity")
    out = unary([](double a) { return a; });
  else if (op == "Where" && in.size() == 3)
    out = broadcastMap({&in[0], &in[1], &in[2]},
                       [](ArrayRef<double> a) { return a[0] != 0 ? a[1] : a[2]; },
                       maxElements);
  else if (op == "Range" && in.size() == 3) {
    if (in[0].numElements() != 1 || in[1].numElements() != 1 ||
        in[2].numElements() != 1 || in[2].data[0] == 0)
      return std::nullopt;
    double start = in[0].data[0], limit = in[1].data[0], delta = in[2].data[0];
    int64_t n = std::max<int64_t>(
        0, static_cast<int64_t>(std::ceil((limit - start) / delta)));
    if (n > maxElements)
      return std::nullopt;
    HostTensor t;
    t.shape = {n};
    for (int64_t i = 0; i < n; ++i)
      t.data.push_back(start + i * delta);
    out = std::move(t);
  } else if (op == "Unsqueeze" || op == "Squeeze" || op == "Reshape" ||
             op == "Flatten") {
    // The output type is static: its shape is the reshape's.
    if (!outType.hasStaticShape())
      return std::nullopt;
    out = reshapeTo(SmallVector<int64_t>(outType.getShape()));
  } else if (op == "Expand" && in.size() == 2) {
    if (!outType.hasStaticShape())
      return std::nullopt;
    HostTensor shape;
    shape.shape = SmallVector<int64_t>(outType.getShape());
    shape.data.assign(countOf(shape.shape), 0.0);
    out = broadcastMap({&in[0], &shape},
                       [](ArrayRef<double> a) { return a[0]; }, maxElements);
  } else if (op == "Trilu" && !in.empty()) {
    HostTensor t = std::move(in[0]);
    size_t r = t.shape.size();
    if (r < 2)
      return std::nullopt;
    int64_t k = in.size() > 1 && !in[1].data.empty()
                    ? static_cast<int64_t>(in[1].data[0])
                    : 0;
    bool upper = view.intAttr("upper", 1) != 0;
    int64_t rows = t.shape[r - 2], cols = t.shape[r - 1];
    for (int64_t i = 0; i < t.numElements(); ++i) {
      int64_t row = (i / cols) % rows, col = i % cols;
      bool keep = upper ? col - row >= k : col - row <= k;
      if (!keep)
        t.data[i] = 0;
    }
    out = std::move(t);
  }
  if (!out)
    return std::nullopt;
  // The node's declared shape must be what was computed.
  if (outType.hasStaticShape() &&
      ArrayRef<int64_t>(out->shape) != outType.getShape())
    return std::nullopt;
  roundTo(*out, outType.getElementType());
  return out;
}

Result evaluate(Value v, int64_t maxElements, int depth) {
  if (depth > 64)
    return std::nullopt;
  if (DenseElementsAttr attr = constantValue(v))
    return fromAttr(attr, maxElements);
  auto node = v.getDefiningOp<NodeOp>();
  if (!node || !node.isDefaultDomain())
    return std::nullopt;
  return evaluateNode(node, maxElements, depth);
}

} // namespace

std::optional<HostTensor> evaluateConstant(Value v, int64_t maxElements) {
  return evaluate(v, maxElements, 0);
}

} // namespace switchyard::raise
