//===- RaisePyramid.cpp - pooling pyramids to sy.pyramid_pool -------------===//
//
// Every pooling of one feature map becomes one level of a sy.pyramid_pool,
// so that the lowering reads the map once for all of them. The levels:
//   AveragePool / MaxPool (2-D, explicit pads or VALID, unit dilations)
//       -> window level (`kernel`, `strides`, `pads`, `ceil_mode`,
//          `count_include_pad`)
//   GlobalAveragePool / GlobalMaxPool, ReduceMean / ReduceMax over axes
//   {2, 3} with keepdims (torch's export of AdaptiveAvgPool2d(1))
//       -> adaptive level `bins = [1, 1]`
//   a window pool whose input is the previous level's result (YOLO SPPF's
//   chain of three k5 max pools)
//       -> `chained` level
// The map's pools are the levels in program order, each followed by its
// chain. Two or more levels make a pyramid; a lone pool stays an ONNX node.
// The per-level convolutions stay ONNX nodes. A Concat (channels) of maps of
// one size, some of them bilinear Resizes up to that size, becomes
// sy.upsample_concat, which writes the upsampled maps straight into the
// concatenation (PSPNet's PPM output).
//
//===----------------------------------------------------------------------===//

#include "passes/raise/Passes.h"

#include "dialects/onnx/ONNXOps.h"
#include "dialects/sy/PoolingShapes.h"
#include "passes/lower/onnx/OpRegistry.h"
#include "passes/raise/OnnxMatch.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSwitch.h"

namespace switchyard {
#define GEN_PASS_DEF_RAISEPYRAMID
#include "passes/raise/Passes.h.inc"
} // namespace switchyard

using namespace mlir;
namespace sy = switchyard::sy;
using switchyard::onnx::NodeOp;
using switchyard::onnx::NodeView;
using namespace switchyard::raise;

namespace {

/// The [N, C, H, W] shape of an f32 value, or nullopt.
std::optional<SmallVector<int64_t>> featureMapShape(Value v) {
  auto shape = staticShape(v);
  if (!shape || shape->size() != 4 ||
      !cast<ShapedType>(v.getType()).getElementType().isF32())
    return std::nullopt;
  return shape;
}

/// The level `node` computes, or null when it is not a pooling the
/// lowering implements exactly. `chained`: the node reads the previous
/// level's result.
sy::PoolLevelAttr poolLevel(NodeOp node, bool chained) {
  if (!node.isDefaultDomain() || node.getInputs().empty())
    return {};
  // MaxPool's optional Indices output must be unused.
  for (Value out : node.getOutputs().drop_front())
    if (!out.use_empty())
      return {};
  Value in = node.getInputs()[0];
  auto shape = featureMapShape(in);
  if (!shape || !featureMapShape(node.getOutputs()[0]))
    return {};
  MLIRContext *ctx = node.getContext();
  NodeView view(node);
  StringRef type = node.getOpType();
  sy::PoolMode mode = type.contains("Max") ? sy::PoolMode::max
                                           : sy::PoolMode::avg;
  auto global = [&] {
    return sy::PoolLevelAttr::get(ctx, mode, ArrayRef<int64_t>{1, 1}, {}, {},
                                  {}, false, false, false);
  };

  if (type == "GlobalAveragePool" || type == "GlobalMaxPool")
    return chained ? sy::PoolLevelAttr() : global();
  if (type == "ReduceMean" || type == "ReduceMax") {
    if (chained || view.intAttr("keepdims", 1) != 1 ||
        nodeAxes(node, 4) != SmallVector<int64_t>{2, 3})
      return {};
    return global();
  }
  if (type != "AveragePool" && type != "MaxPool")
    return {};

  auto kernel = view.intsAttr("kernel_shape");
  if (!kernel || kernel->size() != 2)
    return {};
  SmallVector<int64_t> strides =
      view.intsAttr("strides").value_or(SmallVector<int64_t>{1, 1});
  SmallVector<int64_t> pads =
      view.intsAttr("pads").value_or(SmallVector<int64_t>{0, 0, 0, 0});
  SmallVector<int64_t> dilations =
      view.intsAttr("dilations").value_or(SmallVector<int64_t>{1, 1});
  std::string autoPad = view.stringAttr("auto_pad", "NOTSET");
  if (autoPad == "VALID")
    pads.assign(4, 0);
  else if (autoPad != "NOTSET")
    return {};
  if (strides.size() != 2 || pads.size() != 4 ||
      dilations != SmallVector<int64_t>{1, 1})
    return {};
  bool ceilMode = view.intAttr("ceil_mode", 0) != 0;
  bool countIncludePad =
      mode == sy::PoolMode::avg && view.intAttr("count_include_pad", 0) != 0;
  // Only padding that takes part in an average changes it.
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    countIncludePad = false;
  // Defaults stay implicit, as #sy.level prints them.
  bool unitStrides = strides == SmallVector<int64_t>{1, 1};
  bool noPads = llvm::all_of(pads, [](int64_t p) { return p == 0; });
  auto level = sy::PoolLevelAttr::getChecked(
      [] { return InFlightDiagnostic(); }, ctx, mode, ArrayRef<int64_t>{},
      ArrayRef<int64_t>(*kernel),
      unitStrides ? ArrayRef<int64_t>() : ArrayRef<int64_t>(strides),
      noPads ? ArrayRef<int64_t>() : ArrayRef<int64_t>(pads), ceilMode,
      countIncludePad, chained);
  if (!level)
    return {};
  // The node's declared output size must be the level's.
  auto outShape = *staticShape(node.getOutputs()[0]);
  for (unsigned d = 0; d < 2; ++d) {
    std::optional<int64_t> size =
        sy::pooledSize((*shape)[2 + d], (*kernel)[d], strides[d], pads[d],
                       pads[2 + d], ceilMode);
    if (size != outShape[2 + d])
      return {};
  }
  return level;
}

/// The first window pool (program order) that reads `v` and is not yet a
/// level, with its chained level; or nothing.
std::pair<NodeOp, sy::PoolLevelAttr>
nextInChain(Value v, const llvm::DenseSet<Operation *> &claimed) {
  NodeOp first;
  for (Operation *user : v.getUsers()) {
    auto node = dyn_cast<NodeOp>(user);
    if (!node || claimed.contains(node) || node.getInputs()[0] != v ||
        node->getBlock() != v.getDefiningOp()->getBlock() ||
        (node.getOpType() != "MaxPool" && node.getOpType() != "AveragePool"))
      continue;
    if (!first || node->isBeforeInBlock(first))
      first = node;
  }
  if (!first)
    return {};
  return {first, poolLevel(first, /*chained=*/true)};
}

/// Raises the direct pools of one feature map and their chains (claiming
/// every pool it looks at) when they make two or more levels.
void raisePyramid(ArrayRef<std::pair<NodeOp, sy::PoolLevelAttr>> direct,
                  llvm::DenseSet<Operation *> &claimed) {
  SmallVector<NodeOp> nodes;
  SmallVector<Attribute> levels;
  for (auto [node, level] : direct) {
    nodes.push_back(node);
    levels.push_back(level);
    claimed.insert(node);
    for (NodeOp cur = node;;) {
      auto [next, chainedLevel] =
          nextInChain(cur.getOutputs()[0], claimed);
      if (!next || !chainedLevel)
        break;
      nodes.push_back(next);
      levels.push_back(chainedLevel);
      claimed.insert(next);
      cur = next;
    }
  }
  if (nodes.size() < 2)
    return;

  SmallVector<Type> types;
  SmallVector<Location> locs;
  for (NodeOp node : nodes) {
    types.push_back(node.getOutputs()[0].getType());
    locs.push_back(node.getLoc());
  }
  // The first direct pool precedes every other level: chains follow their
  // sources, and direct pools are in program order.
  OpBuilder b(nodes.front());
  auto pyramid = sy::PyramidPoolOp::create(
      b, b.getFusedLoc(locs), types, nodes.front().getInputs()[0],
      b.getArrayAttr(levels));
  for (auto [node, result] : llvm::zip(nodes, pyramid.getResults()))
    node.getOutputs()[0].replaceAllUsesWith(result);
  for (NodeOp node : llvm::reverse(nodes))
    node.erase();
}

//===----------------------------------------------------------------------===//
// Upsampling into the concatenation
//===----------------------------------------------------------------------===//

/// The coordinate mode of a Resize that upsamples [N, C, h, w] bilinearly
/// to the [N, C, H, W] it declares, with scales H / h and W / w; nullopt
/// for anything else (other modes, roi cropping, antialias, axes, a
/// non-constant size, a scale that is not out / in).
std::optional<sy::ResizeCoordinates> bilinearUpsample(NodeOp resize) {
  NodeView view(resize);
  if (!resize.isDefaultDomain() || resize.getOpType() != "Resize" ||
      view.opset() < 11 || view.stringAttr("mode", "nearest") != "linear" ||
      view.intAttr("antialias", 0) != 0 ||
      view.intAttr("exclude_outside", 0) != 0 || view.hasAttr("axes"))
    return std::nullopt;
  auto in = featureMapShape(resize.getInputs()[0]);
  auto out = featureMapShape(resize.getOutputs()[0]);
  if (!in || !out || (*in)[0] != (*out)[0] || (*in)[1] != (*out)[1])
    return std::nullopt;
  // The sizes (input 3) or scales (input 2) must say exactly H x W.
  if (auto sizes = view.constantInts(3); sizes && !sizes->empty()) {
    if (*sizes != *out)
      return std::nullopt;
  } else {
    DenseElementsAttr scales = view.constantInput(2);
    if (!scales || scales.getNumElements() != 4 ||
        !isa<FloatType>(scales.getElementType()))
      return std::nullopt;
    for (auto [d, v] : llvm::enumerate(scales.getValues<APFloat>()))
      if (v.convertToDouble() * (*in)[d] != (*out)[d] ||
          v.convertToDouble() !=
              static_cast<double>((*out)[d]) / static_cast<double>((*in)[d]))
        return std::nullopt;
  }
  std::string mode = view.stringAttr("coordinate_transformation_mode",
                                     "half_pixel");
  return llvm::StringSwitch<std::optional<sy::ResizeCoordinates>>(mode)
      .Case("half_pixel", sy::ResizeCoordinates::half_pixel)
      .Case("pytorch_half_pixel", sy::ResizeCoordinates::pytorch_half_pixel)
      .Case("align_corners", sy::ResizeCoordinates::align_corners)
      .Case("asymmetric", sy::ResizeCoordinates::asymmetric)
      .Default(std::nullopt);
}

/// Concat(axis 1) of [N, C_i, H, W] maps, at least one of them a bilinear
/// Resize (whose only use is the Concat) and all Resizes in one coordinate
/// mode -> sy.upsample_concat of the maps and the Resizes' inputs.
void raiseUpsampleConcat(NodeOp concat) {
  auto out = featureMapShape(concat.getOutputs()[0]);
  if (!out || nodeAxis(concat, 0, 4) != 1)
    return;
  std::optional<sy::ResizeCoordinates> mode;
  SmallVector<Value> inputs;
  SmallVector<NodeOp> resizes;
  for (Value v : concat.getInputs()) {
    auto shape = featureMapShape(v);
    if (!shape || (*shape)[0] != (*out)[0] || (*shape)[2] != (*out)[2] ||
        (*shape)[3] != (*out)[3])
      return;
    NodeOp resize = defNode(v, "Resize");
    std::optional<sy::ResizeCoordinates> m =
        resize && v.hasOneUse() ? bilinearUpsample(resize) : std::nullopt;
    if (!m || (mode && m != mode)) {
      inputs.push_back(v);
      continue;
    }
    mode = m;
    inputs.push_back(resize.getInputs()[0]);
    resizes.push_back(resize);
  }
  if (resizes.empty())
    return;
  OpBuilder b(concat);
  auto fused = sy::UpsampleConcatOp::create(
      b, concat.getLoc(), concat.getOutputs()[0].getType(), inputs, *mode);
  concat.getOutputs()[0].replaceAllUsesWith(fused.getResult());
  concat.erase();
  for (NodeOp resize : resizes)
    resize.erase();
}

struct RaisePyramid : switchyard::impl::RaisePyramidBase<RaisePyramid> {
  void runOnOperation() override {
    // Direct pools of each feature map, in program order; one pyramid per
    // block, since its result must dominate every level's uses.
    llvm::MapVector<std::pair<Value, Block *>,
                    SmallVector<std::pair<NodeOp, sy::PoolLevelAttr>>>
        byInput;
    getOperation().walk([&](NodeOp node) {
      if (sy::PoolLevelAttr level = poolLevel(node, /*chained=*/false))
        byInput[{node.getInputs()[0], node->getBlock()}].push_back(
            {node, level});
    });
    // A pool that reads another pool's result is a chained level of that
    // pyramid when it is the first such reader; otherwise it is a direct
    // pool of its own input.
    llvm::DenseSet<Operation *> claimed;
    for (auto &[input, direct] : byInput) {
      SmallVector<std::pair<NodeOp, sy::PoolLevelAttr>> unclaimed;
      for (auto &entry : direct)
        if (!claimed.contains(entry.first))
          unclaimed.push_back(entry);
      raisePyramid(unclaimed, claimed);
    }
    SmallVector<NodeOp> concats;
    getOperation().walk([&](NodeOp node) {
      if (node.isDefaultDomain() && node.getOpType() == "Concat")
        concats.push_back(node);
    });
    for (NodeOp concat : concats)
      raiseUpsampleConcat(concat);
  }
};

} // namespace
