//===- OpRegistry.cpp - ONNX ops by name and since-version ----------------===//
#include "passes/lower/onnx/OpRegistry.h"
#include "passes/lower/onnx/Contrib.h"

#include "dialects/onnx/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace mlir;
using namespace switchyard::onnx;

//===----------------------------------------------------------------------===//
// NodeView
//===----------------------------------------------------------------------===//

NodeView::NodeView(StringRef opType, StringRef domain, int64_t opset,
                   DictionaryAttr attrs, ValueRange inputs,
                   unsigned numOutputs, StringRef nodeName, Location loc)
    : opType_(opType.str()), domain_(domain.str()), nodeName_(nodeName.str()),
      opset_(opset), numOutputs_(numOutputs), attrs_(attrs), inputs_(inputs.begin(), inputs.end()),
      loc_(loc) {}

NodeView::NodeView(NodeOp op)
    : NodeView(op.getOpType(), op.getDomain(), op.getOpsetAttr().getInt(),
               op.getOnnxAttrs(), op.getInputs(), op->getNumResults(),
               op.getNodeName().value_or(""), op.getLoc()) {}

Value NodeView::input(unsigned i) const {
  if (i >= inputs_.size() || isa<NoneType>(inputs_[i].getType()))
    return {};
  return inputs_[i];
}

RankedTensorType NodeView::inputType(unsigned i) const {
  Value v = input(i);
  return v ? dyn_cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

RankedTensorType NodeView::requireInput(unsigned i) const {
  RankedTensorType t = inputType(i);
  if (!t)
    emitError() << "input " << i << " is required";
  return t;
}

DenseElementsAttr NodeView::constantInput(unsigned i) const {
  Value v = input(i);
  DenseElementsAttr attr;
  if (v && matchPattern(v, m_Constant(&attr)))
    return attr;
  return {};
}

std::optional<SmallVector<int64_t>> NodeView::constantInts(unsigned i) const {
  DenseElementsAttr attr = constantInput(i);
  if (!attr || !attr.getElementType().isInteger())
    return std::nullopt;
  SmallVector<int64_t> out;
  for (const APInt &v : attr.getValues<APInt>())
    out.push_back(attr.getElementType().isUnsignedInteger() ? v.getZExtValue()
                                                            : v.getSExtValue());
  return out;
}

std::optional<SmallVector<double>>
NodeView::constantFloats(unsigned i) const {
  DenseElementsAttr attr = constantInput(i);
  if (!attr || !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  SmallVector<double> out;
  for (APFloat v : attr.getValues<APFloat>()) {
    bool loses;
    v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &loses);
    out.push_back(v.convertToDouble());
  }
  return out;
}

int64_t NodeView::intAttr(StringRef name, int64_t dflt) const {
  if (auto a = attrs_.getAs<IntegerAttr>(name))
    return a.getInt();
  return dflt;
}

float NodeView::floatAttr(StringRef name, float dflt) const {
  if (auto a = attrs_.getAs<FloatAttr>(name))
    return a.getValueAsDouble();
  if (auto a = attrs_.getAs<IntegerAttr>(name))
    return static_cast<float>(a.getInt());
  return dflt;
}

std::string NodeView::stringAttr(StringRef name, StringRef dflt) const {
  if (auto a = attrs_.getAs<StringAttr>(name))
    return a.str();
  return dflt.str();
}

std::optional<SmallVector<int64_t>> NodeView::intsAttr(StringRef name) const {
  if (auto a = attrs_.getAs<DenseI64ArrayAttr>(name))
    return SmallVector<int64_t>(a.asArrayRef());
  return std::nullopt;
}

std::optional<SmallVector<float>> NodeView::floatsAttr(StringRef name) const {
  if (auto a = attrs_.getAs<DenseF32ArrayAttr>(name))
    return SmallVector<float>(a.asArrayRef());
  return std::nullopt;
}

std::string NodeView::describe() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "node '" << nodeName_ << "' (";
  if (!domain_.empty())
    os << domain_ << ".";
  os << opType_ << ", opset " << opset_ << ")";
  return s;
}

InFlightDiagnostic NodeView::emitError() const {
  InFlightDiagnostic diag = mlir::emitError(loc_);
  diag << describe() << ": ";
  return diag;
}

//===----------------------------------------------------------------------===//
// OpRegistry
//===----------------------------------------------------------------------===//

void OpRegistry::add(OpEntry entry) { entries_.push_back(entry); }

const OpEntry *OpRegistry::lookup(StringRef domain, StringRef opType,
                                  int64_t opset) const {
  const OpEntry *best = nullptr;
  for (const OpEntry &e : entries_) {
    if (e.domain != domain || e.opType != opType || e.sinceVersion > opset)
      continue;
    if (!best || e.sinceVersion > best->sinceVersion)
      best = &e;
  }
  return best;
}

SmallVector<int64_t> OpRegistry::versionsOf(StringRef domain,
                                            StringRef opType) const {
  SmallVector<int64_t> versions;
  for (const OpEntry &e : entries_)
    if (e.domain == domain && e.opType == opType)
      versions.push_back(e.sinceVersion);
  llvm::sort(versions);
  return versions;
}

void switchyard::onnx::addDefaultDomainOps(OpRegistry &registry,
                                           ArrayRef<OpRow> rows) {
  for (const OpRow &row : rows)
    registry.add({"", row.opType, row.since, row.infer, row.fold, row.lower,
                  row.notes});
}

const OpRegistry &OpRegistry::get() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerElementwiseOps(r);
    registerShapeOps(r);
    registerIndexingOps(r);
    registerMatMulConvOps(r);
    registerNormalizationOps(r);
    registerPoolingResizeOps(r);
    registerContribOps(r);
    return r;
  }();
  return registry;
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>>
switchyard::onnx::broadcastShapes(const NodeView &node,
                                  ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> s : shapes)
    rank = std::max(rank, s.size());
  SmallVector<int64_t> out(rank, 1);
  for (size_t d = 0; d < rank; ++d) {
    bool dynamic = false;
    int64_t size = 1;
    for (ArrayRef<int64_t> s : shapes) {
      if (d + s.size() < rank)
        continue;
      int64_t dim = s[d + s.size() - rank];
      if (ShapedType::isDynamic(dim)) {
        dynamic = true;
        continue;
      }
      if (dim == 1)
        continue;
      if (size != 1 && size != dim) {
        node.emitError() << "cannot broadcast dimension " << d << ": sizes "
                         << size << " and " << dim;
        return failure();
      }
      size = dim;
    }
    // A dynamic dim broadcast against a static one > 1 must equal it.
    out[d] = (dynamic && size == 1) ? ShapedType::kDynamic : size;
  }
  return out;
}

FailureOr<int64_t> switchyard::onnx::normalizeAxis(const NodeView &node,
                                                   int64_t axis, int64_t rank,
                                                   StringRef what) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1)) {
    node.emitError() << what << " " << axis << " is out of range for rank "
                     << rank;
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

RankedTensorType switchyard::onnx::i64TensorType(MLIRContext *ctx,
                                                ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, IntegerType::get(ctx, 64));
}

Type switchyard::onnx::elementTypeOfOnnxDtype(MLIRContext *ctx,
                                              int64_t dtype) {
  Builder b(ctx);
  switch (dtype) {
  case 1: return b.getF32Type();
  case 2: return b.getIntegerType(8, /*isSigned=*/false);
  case 3: return b.getIntegerType(8);
  case 4: return b.getIntegerType(16, false);
  case 5: return b.getIntegerType(16);
  case 6: return b.getIntegerType(32);
  case 7: return b.getIntegerType(64);
  case 9: return b.getI1Type();
  case 10: return b.getF16Type();
  case 11: return b.getF64Type();
  case 12: return b.getIntegerType(32, false);
  case 13: return b.getIntegerType(64, false);
  case 16: return b.getBF16Type();
  default: return {};
  }
}
