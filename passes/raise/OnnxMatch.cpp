//===- OnnxMatch.cpp - matching subgraphs of imported ONNX nodes ----------===//

#include "passes/raise/OnnxMatch.h"

#include "passes/lower/onnx/OpRegistry.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using switchyard::onnx::NodeOp;

namespace switchyard::raise {

NodeOp defNode(Value v, StringRef opType) {
  auto node = v ? v.getDefiningOp<NodeOp>() : NodeOp();
  if (!node || !node.isDefaultDomain() || node.getOpType() != opType)
    return {};
  return node;
}

NodeOp defNodeOutput(Value v, StringRef opType, unsigned index) {
  NodeOp node = defNode(v, opType);
  if (!node || cast<OpResult>(v).getResultNumber() != index)
    return {};
  return node;
}

std::optional<SmallVector<int64_t>> staticShape(Value v) {
  auto type = v ? dyn_cast<RankedTensorType>(v.getType()) : nullptr;
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  return SmallVector<int64_t>(type.getShape());
}

std::optional<SmallVector<int64_t>> rankedShape(Value v) {
  auto type = v ? dyn_cast<RankedTensorType>(v.getType()) : nullptr;
  if (!type)
    return std::nullopt;
  return SmallVector<int64_t>(type.getShape());
}

int64_t nodeAxis(NodeOp node, int64_t dflt, int64_t rank) {
  int64_t axis = dflt;
  if (auto attr = dyn_cast_or_null<IntegerAttr>(node.getOnnxAttr("axis")))
    axis = attr.getInt();
  if (axis < 0)
    axis += rank;
  return axis >= 0 && axis < rank ? axis : -1;
}

std::optional<int64_t> gatherScalarIndex(NodeOp gather) {
  onnx::NodeView view(gather);
  auto index = view.constantInts(1);
  if (!index || index->size() != 1 || view.inputType(1).getRank() != 0)
    return std::nullopt;
  return (*index)[0];
}

std::optional<UnitSlice> unitSlice(NodeOp slice) {
  onnx::NodeView view(slice);
  auto shape = rankedShape(view.input(0));
  auto starts = view.constantInts(1), ends = view.constantInts(2);
  auto axes = view.constantInts(3);
  auto steps = view.hasInput(4) ? view.constantInts(4)
                                : std::optional(SmallVector<int64_t>{1});
  if (!shape || !starts || !ends || !axes || !steps || starts->size() != 1 ||
      ends->size() != 1 || axes->size() != 1 || steps->size() != 1 ||
      (*steps)[0] != 1)
    return std::nullopt;
  int64_t rank = shape->size();
  int64_t axis = (*axes)[0] < 0 ? (*axes)[0] + rank : (*axes)[0];
  if (axis < 0 || axis >= rank || ShapedType::isDynamic((*shape)[axis]))
    return std::nullopt;
  int64_t dim = (*shape)[axis], start = (*starts)[0], end = (*ends)[0];
  if (start < 0 || start >= dim ||
      (end != start + 1 && !(start == dim - 1 && end >= dim)))
    return std::nullopt;
  return UnitSlice{axis, start};
}

DenseElementsAttr constantValue(Value v) {
  DenseElementsAttr attr;
  if (v && matchPattern(v, m_Constant(&attr)))
    return attr;
  return {};
}

std::optional<SmallVector<int64_t>> nodeAxes(NodeOp node, int64_t rank) {
  SmallVector<int64_t> axes;
  auto inputs = node.getInputs();
  if (inputs.size() > 1 && !isa<NoneType>(inputs[1].getType())) {
    DenseElementsAttr attr = constantValue(inputs[1]);
    if (!attr || !attr.getElementType().isInteger(64))
      return std::nullopt;
    for (const APInt &a : attr.getValues<APInt>())
      axes.push_back(a.getSExtValue());
  } else if (auto attr = dyn_cast_or_null<DenseI64ArrayAttr>(
                 node.getOnnxAttr("axes"))) {
    llvm::append_range(axes, attr.asArrayRef());
  } else {
    return std::nullopt;
  }
  for (int64_t &a : axes) {
    if (a < 0)
      a += rank;
    if (a < 0 || a >= rank)
      return std::nullopt;
  }
  llvm::sort(axes);
  return axes;
}

bool isSplatConstant(Value v, double value) {
  DenseElementsAttr attr = constantValue(v);
  if (!attr || !attr.isSplat())
    return false;
  if (auto f = dyn_cast<FloatAttr>(attr.getSplatValue<Attribute>()))
    return f.getValueAsDouble() == value;
  if (auto i = dyn_cast<IntegerAttr>(attr.getSplatValue<Attribute>()))
    return static_cast<double>(i.getInt()) == value;
  return false;
}

void eraseDeadOps(ArrayRef<Operation *> roots) {
  llvm::SetVector<Operation *> worklist(roots.begin(), roots.end());
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (!op->use_empty() || !isMemoryEffectFree(op))
      continue;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        worklist.insert(def);
    op->erase();
  }
}

} // namespace switchyard::raise
