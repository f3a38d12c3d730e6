//===- ShapeOps.cpp - shape and data-movement ONNX ops --------------------===//
//
// Shape, Size, Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Concat,
// Split, Slice, Gather, Expand, Tile, ConstantOfShape, Range, Identity, Pad,
// DepthToSpace, SpaceToDepth.
// Their inference reads constant operands (a Reshape's target shape, a
// Slice's starts); their folds evaluate the small integer tensors of shape
// subgraphs at import time so that later shapes become static. Their
// lowerings move data with tensor ops (collapse/expand_shape, extract/
// insert_slice), linalg.transpose, linalg.fill, or a linalg.generic that
// computes source coordinates from linalg.index and reads with
// tensor.extract (Gather, Tile, Pad, negative-step Slice).
//
//===----------------------------------------------------------------------===//

#include "passes/lower/onnx/Builders.h"
#include "passes/lower/onnx/OpRegistry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>
#include <sstream>

using namespace mlir;
using namespace switchyard::onnx;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;
/// Folds stop above this many elements: folding is for shape arithmetic.
constexpr int64_t kMaxFoldElements = 4096;

using Types = SmallVector<Type>;
using Folded = std::optional<SmallVector<DenseElementsAttr>>;



/// A constant with the values of `attr` reshaped to `type`.
Folded reshapeConstant(DenseElementsAttr attr, Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!attr || !t || !t.hasStaticShape() ||
      t.getNumElements() != attr.getNumElements())
    return std::nullopt;
  return SmallVector<DenseElementsAttr>{attr.reshape(t)};
}

/// Gathers the elements of constant `attr` at `indices` into `type`.
Folded gatherConstant(DenseElementsAttr attr, ArrayRef<int64_t> indices,
                      Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!attr || !t || !t.hasStaticShape() || t.getNumElements() > kMaxFoldElements)
    return std::nullopt;
  auto values = llvm::to_vector(attr.getValues<Attribute>());
  SmallVector<Attribute> out;
  for (int64_t i : indices)
    out.push_back(values[i]);
  return SmallVector<DenseElementsAttr>{DenseElementsAttr::get(t, out)};
}

/// Row-major strides of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

//===----------------------------------------------------------------------===//
// Shape, Size
//===----------------------------------------------------------------------===//

/// The [start, end) range of Shape (since 15), clamped as ONNX specifies.
std::pair<int64_t, int64_t> shapeRange(const NodeView &node, int64_t rank) {
  auto clamp = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::min(std::max<int64_t>(v, 0), rank);
  };
  int64_t start = clamp(node.intAttr("start", 0));
  int64_t end = clamp(node.intAttr("end", rank));
  return {start, std::max(start, end)};
}

FailureOr<Types> inferShape(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  if (!in)
    return failure();
  auto [start, end] = shapeRange(node, in.getRank());
  return Types{i64TensorType(node.context(), {end - start})};
}

Folded foldShape(const NodeView &node, ArrayRef<Type> types) {
  RankedTensorType in = node.inputType(0);
  auto [start, end] = shapeRange(node, in.getRank());
  ArrayRef<int64_t> dims = in.getShape().slice(start, end - start);
  if (llvm::any_of(dims, ShapedType::isDynamic))
    return std::nullopt;
  return SmallVector<DenseElementsAttr>{
      DenseElementsAttr::get(cast<ShapedType>(types[0]), dims)};
}

FailureOr<Types> inferSize(const NodeView &node) {
  if (!node.requireInput(0))
    return failure();
  return Types{i64TensorType(node.context(), {})};
}

Folded foldSize(const NodeView &node, ArrayRef<Type> types) {
  RankedTensorType in = node.inputType(0);
  if (!in.hasStaticShape())
    return std::nullopt;
  return SmallVector<DenseElementsAttr>{DenseElementsAttr::get(
      cast<ShapedType>(types[0]), ArrayRef<int64_t>{in.getNumElements()})};
}

//===----------------------------------------------------------------------===//
// Reshape, Flatten, Identity
//===----------------------------------------------------------------------===//

FailureOr<Types> inferReshape(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  RankedTensorType shapeType = node.requireInput(1);
  if (!in || !shapeType)
    return failure();
  if (shapeType.getRank() != 1 || shapeType.isDynamicDim(0)) {
    node.emitError() << "the shape input must be a 1-d tensor of known length";
    return failure();
  }
  std::optional<SmallVector<int64_t>> target = node.constantInts(1);
  if (!target)
    return Types{RankedTensorType::get(
        SmallVector<int64_t>(shapeType.getDimSize(0), kDyn),
        in.getElementType())};
  bool allowZero = node.opset() >= 14 && node.intAttr("allowzero", 0) != 0;
  SmallVector<int64_t> out;
  int64_t inferAt = -1, known = 1;
  bool overflow = false, empty = false;
  for (auto [i, d] : llvm::enumerate(*target)) {
    if (d == 0 && !allowZero) {
      if (static_cast<int64_t>(i) >= in.getRank()) {
        node.emitError() << "shape[" << i << "] = 0 copies a dimension the "
                         << "rank-" << in.getRank() << " input does not have";
        return failure();
      }
      d = in.getDimSize(i);
    } else if (d == -1) {
      if (inferAt >= 0) {
        node.emitError() << "the shape has more than one -1";
        return failure();
      }
      inferAt = i;
    } else if (d < -1) {
      node.emitError() << "invalid shape dimension " << d;
      return failure();
    }
    out.push_back(d);
    if (d != -1 && !ShapedType::isDynamic(d)) {
      empty |= d == 0;
      overflow |= llvm::MulOverflow(known, d, known);
    }
  }
  if (empty) {
    known = 0;
  } else if (overflow) {
    node.emitError() << "the shape's dimensions multiply past int64";
    return failure();
  }
  bool outStatic = llvm::none_of(out, [&](int64_t d) {
    return d != -1 && ShapedType::isDynamic(d);
  });
  if (inferAt >= 0) {
    if (in.hasStaticShape() && outStatic) {
      if (known == 0 || in.getNumElements() % known != 0) {
        node.emitError() << "cannot reshape " << in.getNumElements()
                         << " elements with a -1 in the shape";
        return failure();
      }
      out[inferAt] = in.getNumElements() / known;
    } else {
      out[inferAt] = kDyn;
    }
  } else if (in.hasStaticShape() && outStatic &&
             known != in.getNumElements()) {
    node.emitError() << "cannot reshape " << in.getNumElements()
                     << " elements into " << known;
    return failure();
  }
  return Types{RankedTensorType::get(out, in.getElementType())};
}

Folded foldReshape(const NodeView &node, ArrayRef<Type> types) {
  return reshapeConstant(node.constantInput(0), types[0]);
}

FailureOr<Types> inferFlatten(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  if (!in)
    return failure();
  int64_t rank = in.getRank();
  // Flatten's axis lies in [-rank, rank]; a negative one counts from rank.
  int64_t a = node.intAttr("axis", 1);
  if (a < -rank || a > rank) {
    node.emitError() << "axis " << a << " is out of range for rank " << rank;
    return failure();
  }
  if (a < 0)
    a += rank;
  auto product = [&](int64_t begin, int64_t end) {
    int64_t p = 1;
    for (int64_t d = begin; d < end; ++d) {
      if (in.isDynamicDim(d))
        return kDyn;
      p *= in.getDimSize(d);
    }
    return p;
  };
  return Types{RankedTensorType::get({product(0, a), product(a, rank)},
                                     in.getElementType())};
}

Folded foldFlatten(const NodeView &node, ArrayRef<Type> types) {
  return reshapeConstant(node.constantInput(0), types[0]);
}

FailureOr<Types> inferIdentity(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  if (!in)
    return failure();
  return Types{in};
}

Folded foldIdentity(const NodeView &node, ArrayRef<Type> types) {
  return reshapeConstant(node.constantInput(0), types[0]);
}

//===----------------------------------------------------------------------===//
// Transpose
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>> transposePerm(const NodeView &node,
                                              int64_t rank) {
  SmallVector<int64_t> perm;
  if (auto p = node.intsAttr("perm")) {
    perm = *p;
  } else {
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  }
  SmallVector<int64_t> sorted = perm;
  llvm::sort(sorted);
  bool isPerm = static_cast<int64_t>(perm.size()) == rank;
  for (int64_t i = 0; isPerm && i < rank; ++i)
    isPerm = sorted[i] == i;
  if (!isPerm) {
    node.emitError() << "perm is not a permutation of 0.." << rank - 1;
    return failure();
  }
  return perm;
}

FailureOr<Types> inferTranspose(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  if (!in)
    return failure();
  auto perm = transposePerm(node, in.getRank());
  if (failed(perm))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t p : *perm)
    shape.push_back(in.getDimSize(p));
  return Types{RankedTensorType::get(shape, in.getElementType())};
}

//===----------------------------------------------------------------------===//
// Squeeze, Unsqueeze
//===----------------------------------------------------------------------===//

/// The axes of Squeeze/Unsqueeze: an attribute before opset 13, an input
/// from 13. std::nullopt when absent (Squeeze: all 1-dims).
FailureOr<std::optional<SmallVector<int64_t>>>
squeezeAxes(const NodeView &node) {
  if (node.opset() < 13)
    return node.intsAttr("axes");
  if (!node.hasInput(1))
    return std::optional<SmallVector<int64_t>>();
  std::optional<SmallVector<int64_t>> axes = node.constantInts(1);
  if (!axes) {
    node.emitError() << "axes must be a constant";
    return failure();
  }
  return axes;
}

FailureOr<Types> inferSqueeze(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  if (!in)
    return failure();
  auto axes = squeezeAxes(node);
  if (failed(axes))
    return failure();
  SmallVector<bool> drop(in.getRank(), false);
  if (!*axes) {
    for (int64_t d = 0; d < in.getRank(); ++d) {
      if (in.isDynamicDim(d)) {
        node.emitError() << "without axes, dimension " << d
                         << " must be static to know whether it is 1";
        return failure();
      }
      drop[d] = in.getDimSize(d) == 1;
    }
  } else {
    for (int64_t a : **axes) {
      auto axis = normalizeAxis(node, a, in.getRank(), "axis");
      if (failed(axis))
        return failure();
      if (!in.isDynamicDim(*axis) && in.getDimSize(*axis) != 1) {
        node.emitError() << "cannot squeeze dimension " << *axis
                         << " of size " << in.getDimSize(*axis);
        return failure();
      }
      drop[*axis] = true;
    }
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (!drop[d])
      shape.push_back(in.getDimSize(d));
  return Types{RankedTensorType::get(shape, in.getElementType())};
}

FailureOr<Types> inferUnsqueeze(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  if (!in)
    return failure();
  auto axes = squeezeAxes(node);
  if (failed(axes))
    return failure();
  if (!*axes) {
    node.emitError() << "axes are required";
    return failure();
  }
  int64_t rank = in.getRank() + (*axes)->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t a : **axes) {
    auto axis = normalizeAxis(node, a, rank, "axis");
    if (failed(axis))
      return failure();
    if (inserted[*axis]) {
      node.emitError() << "axis " << *axis << " appears twice";
      return failure();
    }
    inserted[*axis] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0, src = 0; d < rank; ++d)
    shape.push_back(inserted[d] ? 1 : in.getDimSize(src++));
  return Types{RankedTensorType::get(shape, in.getElementType())};
}

Folded foldReshapeLike(const NodeView &node, ArrayRef<Type> types) {
  return reshapeConstant(node.constantInput(0), types[0]);
}

//===----------------------------------------------------------------------===//
// Concat, Split
//===----------------------------------------------------------------------===//

FailureOr<Types> inferConcat(const NodeView &node) {
  RankedTensorType first = node.requireInput(0);
  if (!first)
    return failure();
  if (!node.hasAttr("axis")) {
    node.emitError() << "attribute 'axis' is required";
    return failure();
  }
  auto axis =
      normalizeAxis(node, node.intAttr("axis", 0), first.getRank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  shape[*axis] = 0;
  for (unsigned i = 0; i < node.numInputs(); ++i) {
    RankedTensorType t = node.requireInput(i);
    if (!t)
      return failure();
    if (t.getRank() != first.getRank()) {
      node.emitError() << "input " << i << " has rank " << t.getRank()
                       << ", input 0 has rank " << first.getRank();
      return failure();
    }
    for (int64_t d = 0; d < t.getRank(); ++d) {
      int64_t size = t.getDimSize(d);
      if (d == *axis) {
        shape[d] = ShapedType::isDynamic(size) || ShapedType::isDynamic(shape[d])
                       ? kDyn
                       : shape[d] + size;
      } else if (ShapedType::isDynamic(shape[d])) {
        shape[d] = size;
      } else if (!ShapedType::isDynamic(size) && size != shape[d]) {
        node.emitError() << "input " << i << " has size " << size
                         << " in dimension " << d << ", expected "
                         << shape[d];
        return failure();
      }
    }
  }
  return Types{RankedTensorType::get(shape, first.getElementType())};
}

Folded foldConcat(const NodeView &node, ArrayRef<Type> types) {
  auto type = cast<RankedTensorType>(types[0]);
  if (!type.hasStaticShape() || type.getNumElements() > kMaxFoldElements)
    return std::nullopt;
  int64_t axis = node.intAttr("axis", 0);
  if (axis < 0)
    axis += type.getRank();
  // Blocks of the inputs interleave along `axis`.
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= type.getDimSize(d);
  SmallVector<SmallVector<Attribute>> inputs;
  SmallVector<int64_t> blockSizes;
  for (unsigned i = 0; i < node.numInputs(); ++i) {
    DenseElementsAttr c = node.constantInput(i);
    if (!c)
      return std::nullopt;
    inputs.push_back(llvm::to_vector(c.getValues<Attribute>()));
    blockSizes.push_back(outer ? c.getNumElements() / outer : 0);
  }
  SmallVector<Attribute> out;
  for (int64_t o = 0; o < outer; ++o)
    for (unsigned i = 0; i < inputs.size(); ++i)
      for (int64_t k = 0; k < blockSizes[i]; ++k)
        out.push_back(inputs[i][o * blockSizes[i] + k]);
  return SmallVector<DenseElementsAttr>{DenseElementsAttr::get(type, out)};
}

/// Split sizes along the axis: the 'split' attribute (before 13), the split
/// input (from 13), equal parts of num_outputs (from 18) or of the number of
/// outputs, the last part smaller when the size does not divide (18).
FailureOr<Types> inferSplit(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  if (!in)
    return failure();
  if (in.getRank() == 0) {
    node.emitError() << "the input is a scalar; Split needs rank >= 1";
    return failure();
  }
  auto axis =
      normalizeAxis(node, node.intAttr("axis", 0), in.getRank(), "axis");
  if (failed(axis))
    return failure();
  unsigned n = node.numOutputs();
  int64_t size = in.getDimSize(*axis);
  std::optional<SmallVector<int64_t>> split;
  if (node.opset() < 13) {
    split = node.intsAttr("split");
  } else if (node.hasInput(1)) {
    split = node.constantInts(1);
    if (!split) {
      node.emitError() << "split must be a constant";
      return failure();
    }
  }
  SmallVector<int64_t> sizes;
  if (split && node.opset() >= 18 && node.hasAttr("num_outputs")) {
    node.emitError() << "split and num_outputs are both given";
    return failure();
  }
  if (split) {
    if (split->size() != n) {
      node.emitError() << "split has " << split->size() << " entries for "
                       << n << " outputs";
      return failure();
    }
    int64_t total = 0;
    for (int64_t s : *split) {
      if (s < 0) {
        node.emitError() << "split sizes must be >= 0, got " << s;
        return failure();
      }
      if (llvm::AddOverflow(total, s, total)) {
        node.emitError() << "split sizes overflow int64";
        return failure();
      }
    }
    if (!ShapedType::isDynamic(size) && total != size) {
      node.emitError() << "split sizes add up to " << total
                       << ", the axis has " << size;
      return failure();
    }
    sizes = *split;
  } else if (ShapedType::isDynamic(size)) {
    sizes.assign(n, kDyn);
  } else {
    int64_t parts = node.opset() >= 18 ? node.intAttr("num_outputs", n) : n;
    if (parts != static_cast<int64_t>(n) || n == 0) {
      node.emitError() << "num_outputs " << parts << " does not match the "
                       << n << " outputs";
      return failure();
    }
    int64_t chunk = (size + n - 1) / n;
    if (node.opset() < 18 && size % n != 0) {
      node.emitError() << "size " << size << " does not split into " << n
                       << " equal parts";
      return failure();
    }
    // As ONNX's reference and onnxruntime: n - 1 parts of ceil(size / n)
    // and the rest, which must not be negative.
    if (chunk * (n - 1) > size) {
      node.emitError() << "the axis has " << size << " elements, too few for "
                       << n << " outputs (" << n - 1 << " parts of " << chunk
                       << " leave a negative last part)";
      return failure();
    }
    for (unsigned i = 0; i < n; ++i)
      sizes.push_back(std::min(chunk, size - i * chunk));
  }
  Types types;
  for (int64_t s : sizes) {
    SmallVector<int64_t> shape(in.getShape());
    shape[*axis] = s;
    types.push_back(RankedTensorType::get(shape, in.getElementType()));
  }
  return types;
}

//===----------------------------------------------------------------------===//
// Slice
//===----------------------------------------------------------------------===//

struct SliceParams {
  SmallVector<int64_t> starts, ends, axes, steps;
};

/// Slice's parameters: attributes before 10, constant inputs from 10.
FailureOr<std::optional<SliceParams>> sliceParams(const NodeView &node,
                                                  int64_t rank) {
  SliceParams p;
  if (node.opset() < 10) {
    auto starts = node.intsAttr("starts"), ends = node.intsAttr("ends");
    if (!starts || !ends) {
      node.emitError() << "attributes 'starts' and 'ends' are required";
      return failure();
    }
    p.starts = *starts;
    p.ends = *ends;
    if (auto axes = node.intsAttr("axes"))
      p.axes = *axes;
  } else {
    auto starts = node.constantInts(1), ends = node.constantInts(2);
    if (!starts || !ends)
      return std::optional<SliceParams>();
    p.starts = *starts;
    p.ends = *ends;
    if (node.hasInput(3)) {
      auto axes = node.constantInts(3);
      if (!axes)
        return std::optional<SliceParams>();
      p.axes = *axes;
    }
    if (node.hasInput(4)) {
      auto steps = node.constantInts(4);
      if (!steps)
        return std::optional<SliceParams>();
      p.steps = *steps;
    }
  }
  if (p.axes.empty())
    for (int64_t i = 0; i < static_cast<int64_t>(p.starts.size()); ++i)
      p.axes.push_back(i);
  if (p.steps.empty())
    p.steps.assign(p.starts.size(), 1);
  if (p.ends.size() != p.starts.size() || p.axes.size() != p.starts.size() ||
      p.steps.size() != p.starts.size()) {
    node.emitError() << "starts, ends, axes and steps differ in length";
    return failure();
  }
  for (auto [i, a] : llvm::enumerate(p.axes)) {
    auto axis = normalizeAxis(node, a, rank, "axis");
    if (failed(axis))
      return failure();
    a = *axis;
    if (llvm::is_contained(ArrayRef(p.axes).take_front(i), a)) {
      node.emitError() << "axis " << a << " is sliced twice";
      return failure();
    }
  }
  for (int64_t s : p.steps)
    if (s == 0) {
      node.emitError() << "steps must not be 0";
      return failure();
    }
  return std::optional<SliceParams>(p);
}

/// ONNX's clamping of one sliced dimension: the first index and the count.
std::pair<int64_t, int64_t> sliceDim(int64_t size, int64_t start, int64_t end,
                                     int64_t step) {
  auto clampIndex = [&](int64_t v, int64_t lo, int64_t hi) {
    if (v < 0)
      v += size;
    return std::min(std::max(v, lo), hi);
  };
  if (step > 0) {
    start = clampIndex(start, 0, size);
    end = clampIndex(end, 0, size);
    return {start, end > start ? (end - start + step - 1) / step : 0};
  }
  start = clampIndex(start, 0, size - 1);
  end = clampIndex(end, -1, size - 1);
  return {start, start > end ? (start - end - step - 1) / -step : 0};
}

FailureOr<Types> inferSlice(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  if (!in)
    return failure();
  auto params = sliceParams(node, in.getRank());
  if (failed(params))
    return failure();
  SmallVector<int64_t> shape(in.getShape());
  if (!*params) {
    // Unknown bounds: every dimension may change.
    shape.assign(in.getRank(), kDyn);
    return Types{RankedTensorType::get(shape, in.getElementType())};
  }
  const SliceParams &p = **params;
  for (size_t i = 0; i < p.axes.size(); ++i) {
    int64_t size = in.getDimSize(p.axes[i]);
    shape[p.axes[i]] =
        ShapedType::isDynamic(size)
            ? kDyn
            : sliceDim(size, p.starts[i], p.ends[i], p.steps[i]).second;
  }
  return Types{RankedTensorType::get(shape, in.getElementType())};
}

Folded foldSlice(const NodeView &node, ArrayRef<Type> types) {
  DenseElementsAttr data = node.constantInput(0);
  auto out = cast<RankedTensorType>(types[0]);
  if (!data || !out.hasStaticShape() ||
      out.getNumElements() > kMaxFoldElements)
    return std::nullopt;
  ArrayRef<int64_t> inShape = data.getType().getShape();
  auto params = sliceParams(node, inShape.size());
  if (failed(params) || !*params)
    return std::nullopt;
  SmallVector<int64_t> first(inShape.size(), 0), step(inShape.size(), 1);
  for (size_t i = 0; i < (*params)->axes.size(); ++i) {
    int64_t a = (*params)->axes[i];
    first[a] = sliceDim(inShape[a], (*params)->starts[i], (*params)->ends[i],
                        (*params)->steps[i])
                   .first;
    step[a] = (*params)->steps[i];
  }
  SmallVector<int64_t> inStrides = stridesOf(inShape);
  SmallVector<int64_t> indices;
  for (int64_t linear = 0; linear < out.getNumElements(); ++linear) {
    int64_t rest = linear, src = 0;
    for (int64_t d = out.getRank() - 1; d >= 0; --d) {
      int64_t coord = rest % out.getDimSize(d);
      rest /= out.getDimSize(d);
      src += (first[d] + coord * step[d]) * inStrides[d];
    }
    indices.push_back(src);
  }
  return gatherConstant(data, indices, out);
}

//===----------------------------------------------------------------------===//
// Gather
//===----------------------------------------------------------------------===//

FailureOr<Types> inferGather(const NodeView &node) {
  RankedTensorType data = node.requireInput(0);
  RankedTensorType indices = node.requireInput(1);
  if (!data || !indices)
    return failure();
  auto axis =
      normalizeAxis(node, node.intAttr("axis", 0), data.getRank(), "axis");
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(data.getShape().take_front(*axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(*axis + 1));
  return Types{RankedTensorType::get(shape, data.getElementType())};
}

Folded foldGather(const NodeView &node, ArrayRef<Type> types) {
  DenseElementsAttr data = node.constantInput(0);
  std::optional<SmallVector<int64_t>> idx = node.constantInts(1);
  auto out = cast<RankedTensorType>(types[0]);
  if (!data || !idx || !out.hasStaticShape() ||
      out.getNumElements() > kMaxFoldElements)
    return std::nullopt;
  ArrayRef<int64_t> shape = data.getType().getShape();
  int64_t axis = node.intAttr("axis", 0);
  if (axis < 0)
    axis += shape.size();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  SmallVector<int64_t> indices;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : *idx) {
      if (i < -shape[axis] || i >= shape[axis])
        return std::nullopt; // out of range: left to the runtime check
      int64_t k = i < 0 ? i + shape[axis] : i;
      for (int64_t n = 0; n < inner; ++n)
        indices.push_back((o * shape[axis] + k) * inner + n);
    }
  return gatherConstant(data, indices, out);
}

//===----------------------------------------------------------------------===//
// Expand, Tile, ConstantOfShape, Range
//===----------------------------------------------------------------------===//

FailureOr<Types> inferExpand(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  RankedTensorType shapeType = node.requireInput(1);
  if (!in || !shapeType)
    return failure();
  std::optional<SmallVector<int64_t>> target = node.constantInts(1);
  if (!target) {
    if (shapeType.isDynamicDim(0)) {
      node.emitError() << "the shape input must have a known length";
      return failure();
    }
    int64_t rank = std::max<int64_t>(in.getRank(), shapeType.getDimSize(0));
    return Types{RankedTensorType::get(SmallVector<int64_t>(rank, kDyn),
                                       in.getElementType())};
  }
  auto shape = broadcastShapes(node, {in.getShape(), *target});
  if (failed(shape))
    return failure();
  return Types{RankedTensorType::get(*shape, in.getElementType())};
}

FailureOr<Types> inferTile(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  if (!in || !node.requireInput(1))
    return failure();
  std::optional<SmallVector<int64_t>> repeats = node.constantInts(1);
  SmallVector<int64_t> shape(in.getRank(), kDyn);
  if (repeats) {
    if (static_cast<int64_t>(repeats->size()) != in.getRank()) {
      node.emitError() << "repeats has " << repeats->size()
                       << " entries for rank " << in.getRank();
      return failure();
    }
    for (int64_t d = 0; d < in.getRank(); ++d) {
      int64_t r = (*repeats)[d];
      if (r < 0) {
        node.emitError() << "repeats must be >= 0, got " << r << " at axis "
                         << d;
        return failure();
      }
      if (in.isDynamicDim(d))
        continue;
      if (llvm::MulOverflow(in.getDimSize(d), r, shape[d])) {
        node.emitError() << "repeats " << r << " at axis " << d
                         << " overflow int64 (dimension "
                         << in.getDimSize(d) << ")";
        return failure();
      }
    }
  }
  return Types{RankedTensorType::get(shape, in.getElementType())};
}

FailureOr<Types> inferConstantOfShape(const NodeView &node) {
  if (!node.requireInput(0))
    return failure();
  Type elt = Float32Type::get(node.context());
  if (auto value = node.attrs().getAs<DenseElementsAttr>("value")) {
    if (value.getNumElements() != 1) {
      node.emitError() << "attribute 'value' must hold one element, it holds "
                       << value.getNumElements();
      return failure();
    }
    elt = value.getElementType();
  }
  std::optional<SmallVector<int64_t>> shape = node.constantInts(0);
  if (!shape) {
    RankedTensorType st = node.inputType(0);
    if (st.getRank() != 1 || st.isDynamicDim(0)) {
      node.emitError() << "the shape input must have a known length";
      return failure();
    }
    return Types{RankedTensorType::get(
        SmallVector<int64_t>(st.getDimSize(0), kDyn), elt)};
  }
  for (int64_t d : *shape)
    if (d < 0) {
      node.emitError() << "negative dimension " << d << " in the shape";
      return failure();
    }
  return Types{RankedTensorType::get(*shape, elt)};
}

Folded foldConstantOfShape(const NodeView &node, ArrayRef<Type> types) {
  auto type = cast<RankedTensorType>(types[0]);
  if (!type.hasStaticShape())
    return std::nullopt;
  Attribute value = FloatAttr::get(type.getElementType(), 0.0);
  if (auto v = node.attrs().getAs<DenseElementsAttr>("value"))
    value = *v.value_begin<Attribute>();
  return SmallVector<DenseElementsAttr>{DenseElementsAttr::get(type, value)};
}

FailureOr<Types> inferRange(const NodeView &node) {
  RankedTensorType start = node.requireInput(0);
  if (!start || !node.requireInput(1) || !node.requireInput(2))
    return failure();
  int64_t n = kDyn;
  DenseElementsAttr s = node.constantInput(0), l = node.constantInput(1),
                    d = node.constantInput(2);
  if (s && l && d) {
    auto scalar = [](DenseElementsAttr a) -> double {
      Attribute v = *a.value_begin<Attribute>();
      if (auto f = dyn_cast<FloatAttr>(v))
        return f.getValueAsDouble();
      return static_cast<double>(cast<IntegerAttr>(v).getInt());
    };
    double delta = scalar(d);
    if (delta == 0) {
      node.emitError() << "delta must not be 0";
      return failure();
    }
    double count;
    if (start.getElementType().isInteger()) {
      // Exactly, in 128 bits: limit - start overflows int64 at the extremes.
      auto integer = [](DenseElementsAttr a) -> __int128 {
        return (*a.value_begin<APInt>()).getSExtValue();
      };
      __int128 diff = integer(l) - integer(s), step = integer(d);
      __int128 q = diff / step;
      if (q * step != diff && (diff > 0) == (step > 0))
        ++q; // ceil
      count = static_cast<double>(q);
    } else {
      count = std::ceil((scalar(l) - scalar(s)) / delta);
    }
    if (!std::isfinite(count) || count > 0x1p62) {
      auto text = [](DenseElementsAttr a) {
        std::ostringstream os;
        Attribute v = *a.value_begin<Attribute>();
        if (auto f = dyn_cast<FloatAttr>(v))
          os << f.getValueAsDouble();
        else
          os << cast<IntegerAttr>(v).getInt();
        return os.str();
      };
      node.emitError() << "start " << text(s) << ", limit " << text(l)
                       << " and delta " << text(d) << " give "
                       << (std::isfinite(count) ? "more elements than int64 counts"
                                                : "no finite element count");
      return failure();
    }
    // A count below zero (the limit behind the start) is an empty range;
    // one below int64's range must not reach the conversion.
    n = count > 0 ? static_cast<int64_t>(count) : 0;
  }
  return Types{RankedTensorType::get({n}, start.getElementType())};
}

Folded foldRange(const NodeView &node, ArrayRef<Type> types) {
  auto type = cast<RankedTensorType>(types[0]);
  auto start = node.constantInts(0), delta = node.constantInts(2);
  if (!type.hasStaticShape() || !start || !delta ||
      type.getNumElements() > kMaxFoldElements)
    return std::nullopt;
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  // start + i * delta wraps like the int64 arithmetic of a runtime (a few
  // elements of a huge delta overflow; unsigned arithmetic keeps that
  // defined), then truncates to the element width.
  auto first = static_cast<uint64_t>((*start)[0]);
  auto step = static_cast<uint64_t>((*delta)[0]);
  for (int64_t i = 0; i < type.getNumElements(); ++i)
    values.push_back(APInt(width, first + static_cast<uint64_t>(i) * step,
                           /*isSigned=*/false, /*implicitTrunc=*/true));
  return SmallVector<DenseElementsAttr>{DenseElementsAttr::get(type, values)};
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

struct PadParams {
  /// Per dimension of the input (zero where no axis names it); negative
  /// entries crop.
  SmallVector<int64_t> begin, end;
  std::string mode;
};

/// Pad's parameters: `pads`/`mode`/`value` attributes before 11; from 11 a
/// constant `pads` input, from 18 an optional constant `axes` input. The
/// mode is constant, reflect or edge (wrap from 19). std::nullopt when the
/// pads are not constant.
FailureOr<std::optional<PadParams>> padParams(const NodeView &node,
                                              int64_t rank) {
  PadParams p;
  p.mode = node.stringAttr("mode", "constant");
  if (p.mode != "constant" && p.mode != "reflect" && p.mode != "edge" &&
      !(p.mode == "wrap" && node.opset() >= 19)) {
    node.emitError() << "mode '" << p.mode << "' is not supported (constant, "
                     << "reflect, edge" << (node.opset() >= 19 ? ", wrap" : "")
                     << ")";
    return failure();
  }
  std::optional<SmallVector<int64_t>> pads;
  SmallVector<int64_t> axes;
  if (node.opset() < 11) {
    pads = node.intsAttr("pads");
    if (!pads) {
      node.emitError() << "attribute 'pads' is required";
      return failure();
    }
  } else {
    if (!node.hasInput(1)) {
      node.emitError() << "input 1 (pads) is required";
      return failure();
    }
    pads = node.constantInts(1);
    if (node.opset() >= 18 && node.hasInput(3)) {
      std::optional<SmallVector<int64_t>> a = node.constantInts(3);
      if (!a) {
        node.emitError() << "axes must be a constant";
        return failure();
      }
      axes = *a;
    }
    if (!pads)
      return std::optional<PadParams>();
  }
  if (axes.empty() && !(node.opset() >= 18 && node.hasInput(3)))
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  if (pads->size() != 2 * axes.size()) {
    node.emitError() << "pads has " << pads->size() << " entries, expected "
                     << 2 * axes.size();
    return failure();
  }
  p.begin.assign(rank, 0);
  p.end.assign(rank, 0);
  SmallVector<bool> seen(rank, false);
  for (auto [i, a] : llvm::enumerate(axes)) {
    auto axis = normalizeAxis(node, a, rank, "axis");
    if (failed(axis))
      return failure();
    if (seen[*axis]) {
      node.emitError() << "axis " << *axis << " appears twice";
      return failure();
    }
    seen[*axis] = true;
    p.begin[*axis] = (*pads)[i];
    p.end[*axis] = (*pads)[i + axes.size()];
  }
  return std::optional<PadParams>(p);
}

FailureOr<Types> inferPad(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  if (!in)
    return failure();
  auto params = padParams(node, in.getRank());
  if (failed(params))
    return failure();
  SmallVector<int64_t> shape(in.getRank(), kDyn);
  if (*params) {
    for (int64_t d = 0; d < in.getRank(); ++d) {
      if (in.isDynamicDim(d))
        continue;
      __int128 size = (__int128)in.getDimSize(d) + (*params)->begin[d] +
                      (*params)->end[d];
      if (size > INT64_MAX || size < INT64_MIN) {
        node.emitError() << "pads " << (*params)->begin[d] << " + "
                         << (*params)->end[d] << " around dimension " << d
                         << " overflow int64";
        return failure();
      }
      shape[d] = static_cast<int64_t>(size);
      if (shape[d] < 0) {
        node.emitError() << "pads crop dimension " << d << " of size "
                         << in.getDimSize(d) << " to " << shape[d];
        return failure();
      }
    }
  }
  return Types{RankedTensorType::get(shape, in.getElementType())};
}

//===----------------------------------------------------------------------===//
// DepthToSpace, SpaceToDepth
//===----------------------------------------------------------------------===//

/// The blocksize and the NCHW input of DepthToSpace/SpaceToDepth.
FailureOr<std::pair<RankedTensorType, int64_t>>
blockParams(const NodeView &node) {
  RankedTensorType in = node.requireInput(0);
  if (!in)
    return failure();
  if (in.getRank() != 4) {
    node.emitError() << "the input must have rank 4 (NCHW), not "
                     << in.getRank();
    return failure();
  }
  int64_t b = node.intAttr("blocksize", 0);
  if (b <= 0) {
    node.emitError() << "attribute 'blocksize' must be positive, got " << b;
    return failure();
  }
  return std::make_pair(in, b);
}

/// DepthToSpace's mode: DCR, or CRD from opset 11.
FailureOr<bool> depthToSpaceIsCRD(const NodeView &node) {
  std::string mode =
      node.opset() >= 11 ? node.stringAttr("mode", "DCR") : "DCR";
  if (mode != "DCR" && mode != "CRD") {
    node.emitError() << "mode '" << mode << "' is not DCR or CRD";
    return failure();
  }
  return mode == "CRD";
}

FailureOr<Types> inferDepthToSpace(const NodeView &node) {
  auto params = blockParams(node);
  if (failed(params) || failed(depthToSpaceIsCRD(node)))
    return failure();
  auto [in, b] = *params;
  int64_t c = in.getDimSize(1);
  if (!ShapedType::isDynamic(c) && c % (b * b) != 0) {
    node.emitError() << "channels " << c << " are not divisible by "
                     << "blocksize^2 = " << b * b;
    return failure();
  }
  auto scale = [&](int64_t d, int64_t f) {
    return ShapedType::isDynamic(d) ? kDyn : d * f;
  };
  return Types{RankedTensorType::get(
      {in.getDimSize(0), ShapedType::isDynamic(c) ? kDyn : c / (b * b),
       scale(in.getDimSize(2), b), scale(in.getDimSize(3), b)},
      in.getElementType())};
}

FailureOr<Types> inferSpaceToDepth(const NodeView &node) {
  auto params = blockParams(node);
  if (failed(params))
    return failure();
  auto [in, b] = *params;
  SmallVector<int64_t> shape(in.getShape());
  for (int64_t d = 2; d < 4; ++d) {
    if (in.isDynamicDim(d))
      continue;
    if (shape[d] % b != 0) {
      node.emitError() << "dimension " << d << " of size " << shape[d]
                       << " is not divisible by blocksize " << b;
      return failure();
    }
    shape[d] /= b;
  }
  if (!in.isDynamicDim(1))
    shape[1] *= b * b;
  return Types{RankedTensorType::get(shape, in.getElementType())};
}

//===----------------------------------------------------------------------===//
// Lowering helpers
//===----------------------------------------------------------------------===//

using Lowered = FailureOr<SmallVector<Value>>;

Lowered one(Value v) { return SmallVector<Value>{v}; }

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

SmallVector<OpFoldResult> indexAttrs(OpBuilder &b, ArrayRef<int64_t> values) {
  return llvm::map_to_vector(
      values, [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); });
}

/// `in` with the static shape of `type` (same elements, row-major order):
/// collapsed to 1-d, then expanded; canonicalization merges the pair into a
/// single collapse/expand where the shapes allow. Both bufferize to views.
Value reshapeTo(OpBuilder &b, Location loc, Value in, RankedTensorType type) {
  auto inType = cast<RankedTensorType>(in.getType());
  if (inType == type)
    return in;
  auto flatType = RankedTensorType::get({inType.getNumElements()},
                                        inType.getElementType());
  auto allDims = [](int64_t rank) {
    ReassociationIndices r;
    for (int64_t d = 0; d < rank; ++d)
      r.push_back(d);
    return SmallVector<ReassociationIndices>{r};
  };
  Value flat = in;
  if (inType.getRank() == 0)
    flat = tensor::ExpandShapeOp::create(b, loc, flatType, in,
                                         ArrayRef<ReassociationIndices>{});
  else if (inType.getRank() > 1)
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, in,
                                           allDims(inType.getRank()));
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, flat,
                                           ArrayRef<ReassociationIndices>{});
  if (type.getRank() == 1)
    return flat;
  return tensor::ExpandShapeOp::create(b, loc, type, flat,
                                       allDims(type.getRank()));
}

/// linalg.transpose of `in` by `perm` (output dim i = input dim perm[i]).
Value transposeBy(OpBuilder &b, Location loc, Value in,
                  ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(in.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  return linalg::TransposeOp::create(b, loc, in, init, perm).getResult()[0];
}

/// The strided slice of `src` as a fresh tensor: tensor.extract_slice then
/// linalg.copy. The copy matters: a strided view that reaches a function
/// result or an insert_slice bufferizes to memref.copy between strided
/// memrefs, which lowers to a call into the MLIR C runner library that
/// generated code does not link, while linalg.copy becomes loops (and an
/// identity linalg.generic would be folded away by canonicalization). A
/// fast path would keep the view when every user reads it in place.
Value sliceCopy(OpBuilder &b, Location loc, Value src, RankedTensorType type,
                ArrayRef<int64_t> offsets, ArrayRef<int64_t> strides) {
  // An empty result (a zero-size Split part) reads nothing; its offset may
  // equal the dimension size, which extract_slice does not accept.
  if (type.getNumElements() == 0)
    return tensor::EmptyOp::create(b, loc, type.getShape(),
                                   type.getElementType());
  Value view = tensor::ExtractSliceOp::create(
      b, loc, type, src, indexAttrs(b, offsets), indexAttrs(b, type.getShape()),
      indexAttrs(b, strides));
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  return linalg::CopyOp::create(b, loc, view, init).getResult(0);
}

/// `v` clamped to [lo, hi] (index values).
Value clampIndex(OpBuilder &b, Location loc, Value v, int64_t lo,
                 int64_t hi) {
  v = arith::MaxSIOp::create(b, loc, v, indexConst(b, loc, lo));
  return arith::MinSIOp::create(b, loc, v, indexConst(b, loc, hi));
}

//===----------------------------------------------------------------------===//
// Lowering: Shape, Size, Reshape family, Transpose
//===----------------------------------------------------------------------===//

Lowered lowerShape(const NodeView &node, OpBuilder &b, ArrayRef<Type> types) {
  RankedTensorType in = node.inputType(0);
  auto [start, end] = shapeRange(node, in.getRank());
  auto value = DenseElementsAttr::get(
      cast<ShapedType>(types[0]), in.getShape().slice(start, end - start));
  return one(arith::ConstantOp::create(b, node.loc(), value));
}

Lowered lowerSize(const NodeView &node, OpBuilder &b, ArrayRef<Type> types) {
  auto value =
      DenseElementsAttr::get(cast<ShapedType>(types[0]),
                             ArrayRef<int64_t>{node.inputType(0).getNumElements()});
  return one(arith::ConstantOp::create(b, node.loc(), value));
}

/// Reshape, Flatten, Squeeze, Unsqueeze: inference fixed the result shape;
/// only the view changes.
Lowered lowerReshapeLike(const NodeView &node, OpBuilder &b,
                         ArrayRef<Type> types) {
  return one(reshapeTo(b, node.loc(), node.input(0),
                       cast<RankedTensorType>(types[0])));
}

Lowered lowerIdentity(const NodeView &node, OpBuilder &, ArrayRef<Type>) {
  return one(node.input(0));
}

Lowered lowerTranspose(const NodeView &node, OpBuilder &b, ArrayRef<Type>) {
  auto perm = transposePerm(node, node.inputType(0).getRank());
  if (failed(perm))
    return failure();
  return one(transposeBy(b, node.loc(), node.input(0), *perm));
}

//===----------------------------------------------------------------------===//
// Lowering: Concat, Split, Slice
//===----------------------------------------------------------------------===//

Lowered lowerConcat(const NodeView &node, OpBuilder &b, ArrayRef<Type> types) {
  auto type = cast<RankedTensorType>(types[0]);
  Location loc = node.loc();
  int64_t axis = node.intAttr("axis", 0);
  if (axis < 0)
    axis += type.getRank();
  Value out =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  SmallVector<int64_t> offsets(type.getRank(), 0), strides(type.getRank(), 1);
  for (unsigned i = 0; i < node.numInputs(); ++i) {
    RankedTensorType t = node.inputType(i);
    if (t.getDimSize(axis) == 0)
      continue;
    // extract_slice -> linalg.copy into it -> insert_slice bufferizes in
    // place into the result buffer, without a strided memref.copy (see
    // sliceCopy).
    SmallVector<OpFoldResult> o = indexAttrs(b, offsets),
                              sz = indexAttrs(b, t.getShape()),
                              st = indexAttrs(b, strides);
    Value part = tensor::ExtractSliceOp::create(b, loc, t, out, o, sz, st);
    part = linalg::CopyOp::create(b, loc, node.input(i), part).getResult(0);
    out = tensor::InsertSliceOp::create(b, loc, part, out, o, sz, st);
    offsets[axis] += t.getDimSize(axis);
  }
  return one(out);
}

Lowered lowerSplit(const NodeView &node, OpBuilder &b, ArrayRef<Type> types) {
  RankedTensorType in = node.inputType(0);
  int64_t axis = node.intAttr("axis", 0);
  if (axis < 0)
    axis += in.getRank();
  SmallVector<int64_t> offsets(in.getRank(), 0), strides(in.getRank(), 1);
  SmallVector<Value> results;
  for (Type t : types) {
    auto type = cast<RankedTensorType>(t);
    results.push_back(
        sliceCopy(b, node.loc(), node.input(0), type, offsets, strides));
    offsets[axis] += type.getDimSize(axis);
  }
  return results;
}

Lowered lowerSlice(const NodeView &node, OpBuilder &b, ArrayRef<Type> types) {
  RankedTensorType in = node.inputType(0);
  auto type = cast<RankedTensorType>(types[0]);
  Location loc = node.loc();
  auto params = sliceParams(node, in.getRank());
  if (failed(params))
    return failure();
  if (!*params) {
    node.emitError() << "starts, ends, axes and steps must be constants";
    return failure();
  }
  SmallVector<int64_t> first(in.getRank(), 0), step(in.getRank(), 1);
  for (size_t i = 0; i < (*params)->axes.size(); ++i) {
    int64_t a = (*params)->axes[i];
    first[a] = sliceDim(in.getDimSize(a), (*params)->starts[i],
                        (*params)->ends[i], (*params)->steps[i])
                   .first;
    step[a] = (*params)->steps[i];
  }
  if (type.getNumElements() == 0)
    return one(tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType()));
  if (llvm::all_of(step, [](int64_t s) { return s > 0; }))
    return one(sliceCopy(b, loc, node.input(0), type, first, step));
  // A negative step: read element first + i * step of each dimension
  // (extract_slice has no negative strides).
  Value data = node.input(0);
  return one(buildIndexedGeneric(
      b, loc, type, {}, {},
      [&](OpBuilder &nb, Location l, ValueRange idx, ValueRange) {
        SmallVector<Value> src;
        for (int64_t d = 0; d < type.getRank(); ++d) {
          Value v = idx[d];
          if (step[d] != 1)
            v = arith::MulIOp::create(nb, l, v, indexConst(nb, l, step[d]));
          if (first[d] != 0)
            v = arith::AddIOp::create(nb, l, v, indexConst(nb, l, first[d]));
          src.push_back(v);
        }
        return tensor::ExtractOp::create(nb, l, data, src);
      }));
}

//===----------------------------------------------------------------------===//
// Lowering: Gather, Expand, Tile
//===----------------------------------------------------------------------===//

/// out[o..., i..., n...] = data[o..., k, n...] with k = indices[i...], a
/// negative k counting from the end; out-of-range indices are clamped to
/// the axis so that no read leaves the tensor (ONNX leaves them undefined).
Lowered lowerGather(const NodeView &node, OpBuilder &b, ArrayRef<Type> types) {
  RankedTensorType data = node.inputType(0), indices = node.inputType(1);
  auto type = cast<RankedTensorType>(types[0]);
  Location loc = node.loc();
  int64_t axis = node.intAttr("axis", 0);
  if (axis < 0)
    axis += data.getRank();
  int64_t size = data.getDimSize(axis), q = indices.getRank();
  if (type.getNumElements() == 0)
    return one(tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType()));
  if (size == 0) {
    node.emitError() << "cannot gather along axis " << axis
                     << " of size 0";
    return failure();
  }
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < q; ++d)
    exprs.push_back(b.getAffineDimExpr(axis + d));
  AffineMap indexMap =
      AffineMap::get(type.getRank(), 0, exprs, b.getContext());
  Value dataValue = node.input(0);
  return one(buildIndexedGeneric(
      b, loc, type, {node.input(1)}, {indexMap},
      [&](OpBuilder &nb, Location l, ValueRange idx, ValueRange args) {
        Value k = arith::IndexCastOp::create(nb, l, nb.getIndexType(), args[0]);
        Value isNeg = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt,
                                            k, indexConst(nb, l, 0));
        Value wrapped =
            arith::AddIOp::create(nb, l, k, indexConst(nb, l, size));
        k = arith::SelectOp::create(nb, l, isNeg, wrapped, k);
        k = clampIndex(nb, l, k, 0, size - 1);
        SmallVector<Value> src(idx.take_front(axis));
        src.push_back(k);
        llvm::append_range(src, idx.drop_front(axis + q));
        return tensor::ExtractOp::create(nb, l, dataValue, src);
      }));
}

Lowered lowerExpand(const NodeView &node, OpBuilder &b, ArrayRef<Type> types) {
  return one(buildElementwise(b, node.loc(), cast<RankedTensorType>(types[0]),
                              {node.input(0)},
                              [](OpBuilder &, Location, ValueRange a) {
                                return a[0];
                              }));
}

/// out[i...] = in[i mod n...].
Lowered lowerTile(const NodeView &node, OpBuilder &b, ArrayRef<Type> types) {
  RankedTensorType in = node.inputType(0);
  auto type = cast<RankedTensorType>(types[0]);
  if (type.getNumElements() == 0)
    return one(tensor::EmptyOp::create(b, node.loc(), type.getShape(),
                                       type.getElementType()));
  Value data = node.input(0);
  return one(buildIndexedGeneric(
      b, node.loc(), type, {}, {},
      [&](OpBuilder &nb, Location l, ValueRange idx, ValueRange) {
        SmallVector<Value> src;
        for (int64_t d = 0; d < type.getRank(); ++d) {
          int64_t n = in.getDimSize(d);
          src.push_back(n == type.getDimSize(d)
                            ? idx[d]
                            : arith::RemUIOp::create(nb, l, idx[d],
                                                     indexConst(nb, l, n))
                                  .getResult());
        }
        return tensor::ExtractOp::create(nb, l, data, src);
      }));
}

//===----------------------------------------------------------------------===//
// Lowering: ConstantOfShape, Range
//===----------------------------------------------------------------------===//

/// The result's shape is static here, so the shape operand's value is known
/// (inference made it dynamic otherwise and the pass refused the node).
Lowered lowerConstantOfShape(const NodeView &node, OpBuilder &b,
                             ArrayRef<Type> types) {
  auto type = cast<RankedTensorType>(types[0]);
  Location loc = node.loc();
  Value value;
  if (auto v = node.attrs().getAs<DenseElementsAttr>("value"))
    value = arith::ConstantOp::create(
        b, loc, cast<TypedAttr>(*v.value_begin<Attribute>()));
  else
    value = scalarConstant(b, loc, type.getElementType(), 0);
  Value init =
      tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  return one(linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{init})
                 .getResult(0));
}

/// out[i] = start + i * delta; the length is static, so start/limit/delta
/// were constants at import (or the pass refused the dynamic length).
Lowered lowerRange(const NodeView &node, OpBuilder &b, ArrayRef<Type> types) {
  auto type = cast<RankedTensorType>(types[0]);
  Location loc = node.loc();
  Type elt = type.getElementType();
  if (!elt.isIntOrFloat() || elt.isInteger(1)) {
    node.emitError() << "element type " << elt << " is not a number";
    return failure();
  }
  Value start = extractScalar(b, loc, node.input(0));
  Value delta = extractScalar(b, loc, node.input(2));
  // Range-27: 16-bit floats compute in the stash type (only float, 1).
  bool stash = node.opset() >= 27 && (elt.isF16() || elt.isBF16());
  if (stash && node.intAttr("stash_type", 1) != 1) {
    node.emitError() << "stash_type " << node.intAttr("stash_type", 1)
                     << " is not supported (only 1, float)";
    return failure();
  }
  Type computeType = stash ? Type(b.getF32Type()) : elt;
  if (stash) {
    start = castScalar(b, loc, start, computeType);
    delta = castScalar(b, loc, delta, computeType);
  }
  return one(buildIndexedGeneric(
      b, loc, type, {}, {},
      [&](OpBuilder &nb, Location l, ValueRange idx, ValueRange) -> Value {
        Value i64 = arith::IndexCastOp::create(nb, l, nb.getI64Type(), idx[0]);
        if (isa<FloatType>(elt)) {
          Value i = arith::SIToFPOp::create(nb, l, computeType, i64);
          Value v = arith::AddFOp::create(
              nb, l, start, arith::MulFOp::create(nb, l, i, delta));
          return castScalar(nb, l, v, elt);
        }
        Value i = castScalar(nb, l, i64, elt);
        return arith::AddIOp::create(nb, l, start,
                                     arith::MulIOp::create(nb, l, i, delta));
      }));
}

//===----------------------------------------------------------------------===//
// Lowering: Pad, DepthToSpace, SpaceToDepth
//===----------------------------------------------------------------------===//

/// One linalg.generic over the output: source index i = o - begin per
/// dimension, mapped into the input by the mode (constant: out-of-range
/// elements take the value; edge: clamp; reflect: mirror without repeating
/// the border; wrap: modulo). Negative pads crop (an extract_slice) before
/// the modes apply. A fast path (fill +
/// insert_slice for constant mode) belongs here once performance matters.
Lowered lowerPad(const NodeView &node, OpBuilder &b, ArrayRef<Type> types) {
  RankedTensorType in = node.inputType(0);
  auto type = cast<RankedTensorType>(types[0]);
  Location loc = node.loc();
  Type elt = type.getElementType();
  auto params = padParams(node, in.getRank());
  if (failed(params))
    return failure();
  if (!*params) {
    node.emitError() << "pads must be a constant";
    return failure();
  }
  PadParams p = **params;
  if (type.getNumElements() == 0)
    return one(tensor::EmptyOp::create(b, loc, type.getShape(), elt));
  // Negative pads crop first; the modes then see the cropped input (as
  // ONNX Runtime does: reflect/edge/wrap mirror the remaining border).
  Value data = node.input(0);
  if (llvm::any_of(p.begin, [](int64_t v) { return v < 0; }) ||
      llvm::any_of(p.end, [](int64_t v) { return v < 0; })) {
    SmallVector<int64_t> offsets, sizes, strides(in.getRank(), 1);
    for (int64_t d = 0; d < in.getRank(); ++d) {
      offsets.push_back(std::max<int64_t>(-p.begin[d], 0));
      sizes.push_back(in.getDimSize(d) + std::min<int64_t>(p.begin[d], 0) +
                      std::min<int64_t>(p.end[d], 0));
      p.begin[d] = std::max<int64_t>(p.begin[d], 0);
      p.end[d] = std::max<int64_t>(p.end[d], 0);
    }
    in = RankedTensorType::get(sizes, elt);
    data = tensor::ExtractSliceOp::create(b, loc, in, data,
                                          indexAttrs(b, offsets),
                                          indexAttrs(b, sizes),
                                          indexAttrs(b, strides));
  }
  bool constantMode = p.mode == "constant";
  Value padValue;
  if (constantMode) {
    if (node.opset() < 11)
      padValue = scalarConstant(b, loc, elt, node.floatAttr("value", 0.0f));
    else if (node.hasInput(2))
      padValue = extractScalar(b, loc, node.input(2));
    else
      padValue = scalarConstant(b, loc, elt, 0);
  }
  if (in.getNumElements() == 0) {
    if (!constantMode) {
      node.emitError() << "mode '" << p.mode << "' cannot pad an empty input";
      return failure();
    }
    Value init = tensor::EmptyOp::create(b, loc, type.getShape(), elt);
    return one(
        linalg::FillOp::create(b, loc, ValueRange{padValue}, ValueRange{init})
            .getResult(0));
  }
  return one(buildIndexedGeneric(
      b, loc, type, {}, {},
      [&](OpBuilder &nb, Location l, ValueRange idx, ValueRange) -> Value {
        auto c = [&](int64_t v) { return indexConst(nb, l, v); };
        using Pred = arith::CmpIPredicate;
        Value inBounds;
        SmallVector<Value> src;
        for (int64_t d = 0; d < type.getRank(); ++d) {
          int64_t n = in.getDimSize(d);
          Value i = idx[d];
          if (p.begin[d] != 0)
            i = arith::SubIOp::create(nb, l, i, c(p.begin[d]));
          if (p.begin[d] == 0 && p.end[d] == 0) {
            src.push_back(i); // not padded: always inside
            continue;
          }
          if (p.mode == "constant" || p.mode == "edge") {
            if (constantMode) {
              Value ge = arith::CmpIOp::create(nb, l, Pred::sge, i, c(0));
              Value lt = arith::CmpIOp::create(nb, l, Pred::slt, i, c(n));
              Value ok = arith::AndIOp::create(nb, l, ge, lt);
              inBounds =
                  inBounds ? arith::AndIOp::create(nb, l, inBounds, ok) : ok;
            }
            src.push_back(clampIndex(nb, l, i, 0, n - 1));
          } else if (p.mode == "reflect") {
            if (n == 1) {
              src.push_back(c(0));
              continue;
            }
            // Period 2(n-1): |i| mod p, mirrored in the upper half.
            int64_t period = 2 * (n - 1);
            Value neg = arith::CmpIOp::create(nb, l, Pred::slt, i, c(0));
            Value abs = arith::SelectOp::create(
                nb, l, neg, arith::SubIOp::create(nb, l, c(0), i), i);
            Value m = arith::RemSIOp::create(nb, l, abs, c(period));
            Value upper = arith::CmpIOp::create(nb, l, Pred::sge, m, c(n));
            src.push_back(arith::SelectOp::create(
                nb, l, upper, arith::SubIOp::create(nb, l, c(period), m), m));
          } else { // wrap
            Value m = arith::RemSIOp::create(nb, l, i, c(n));
            Value neg = arith::CmpIOp::create(nb, l, Pred::slt, m, c(0));
            src.push_back(arith::SelectOp::create(
                nb, l, neg, arith::AddIOp::create(nb, l, m, c(n)), m));
          }
        }
        Value v = tensor::ExtractOp::create(nb, l, data, src);
        if (inBounds)
          v = arith::SelectOp::create(nb, l, inBounds, v, padValue);
        return v;
      }));
}

/// DepthToSpace: split the channels into (b, b, C') (DCR) or (C', b, b)
/// (CRD), move the two b's next to H and W, merge.
Lowered lowerDepthToSpace(const NodeView &node, OpBuilder &b,
                          ArrayRef<Type> types) {
  RankedTensorType in = node.inputType(0);
  Location loc = node.loc();
  int64_t bs = node.intAttr("blocksize", 0);
  auto crd = depthToSpaceIsCRD(node);
  if (failed(crd))
    return failure();
  int64_t n = in.getDimSize(0), c = in.getDimSize(1) / (bs * bs),
          h = in.getDimSize(2), w = in.getDimSize(3);
  SmallVector<int64_t> split, perm;
  if (*crd) {
    split = {n, c, bs, bs, h, w};
    perm = {0, 1, 4, 2, 5, 3};
  } else {
    split = {n, bs, bs, c, h, w};
    perm = {0, 3, 4, 1, 5, 2};
  }
  Value x = reshapeTo(b, loc, node.input(0),
                      RankedTensorType::get(split, in.getElementType()));
  x = transposeBy(b, loc, x, perm);
  return one(reshapeTo(b, loc, x, cast<RankedTensorType>(types[0])));
}

/// SpaceToDepth: split H and W into (H', b) and (W', b), move both b's in
/// front of the channels, merge.
Lowered lowerSpaceToDepth(const NodeView &node, OpBuilder &b,
                          ArrayRef<Type> types) {
  RankedTensorType in = node.inputType(0);
  Location loc = node.loc();
  int64_t bs = node.intAttr("blocksize", 0);
  int64_t n = in.getDimSize(0), c = in.getDimSize(1),
          h = in.getDimSize(2) / bs, w = in.getDimSize(3) / bs;
  Value x = reshapeTo(
      b, loc, node.input(0),
      RankedTensorType::get({n, c, h, bs, w, bs}, in.getElementType()));
  x = transposeBy(b, loc, x, {0, 3, 5, 1, 2, 4});
  return one(reshapeTo(b, loc, x, cast<RankedTensorType>(types[0])));
}


const OpRow kShapeOps[] = {
    {"Shape", 1, inferShape, foldShape, lowerShape},
    {"Shape", 15, inferShape, foldShape, lowerShape},
    {"Size", 1, inferSize, foldSize, lowerSize},
    {"Reshape", 5, inferReshape, foldReshape, lowerReshapeLike},
    {"Reshape", 14, inferReshape, foldReshape, lowerReshapeLike},
    {"Flatten", 1, inferFlatten, foldFlatten, lowerReshapeLike},
    {"Flatten", 9, inferFlatten, foldFlatten, lowerReshapeLike},
    {"Flatten", 11, inferFlatten, foldFlatten, lowerReshapeLike},
    {"Identity", 1, inferIdentity, foldIdentity, lowerIdentity},
    {"Transpose", 1, inferTranspose, nullptr, lowerTranspose},
    {"Squeeze", 1, inferSqueeze, foldReshapeLike, lowerReshapeLike},
    {"Squeeze", 11, inferSqueeze, foldReshapeLike, lowerReshapeLike},
    {"Squeeze", 13, inferSqueeze, foldReshapeLike, lowerReshapeLike,
     "axes input must be a constant"},
    {"Unsqueeze", 1, inferUnsqueeze, foldReshapeLike, lowerReshapeLike},
    {"Unsqueeze", 11, inferUnsqueeze, foldReshapeLike, lowerReshapeLike},
    {"Unsqueeze", 13, inferUnsqueeze, foldReshapeLike, lowerReshapeLike,
     "axes input must be a constant"},
    {"Concat", 4, inferConcat, foldConcat, lowerConcat},
    {"Concat", 11, inferConcat, foldConcat, lowerConcat},
    {"Split", 2, inferSplit, nullptr, lowerSplit},
    {"Split", 11, inferSplit, nullptr, lowerSplit},
    {"Split", 13, inferSplit, nullptr, lowerSplit},
    {"Split", 18, inferSplit, nullptr, lowerSplit,
     "split input must be a constant"},
    {"Slice", 1, inferSlice, foldSlice, lowerSlice},
    {"Slice", 10, inferSlice, foldSlice, lowerSlice},
    {"Slice", 11, inferSlice, foldSlice, lowerSlice,
     "starts/ends/axes/steps must be constants"},
    {"Gather", 1, inferGather, foldGather, lowerGather},
    {"Gather", 11, inferGather, foldGather, lowerGather,
     "out-of-range indices are clamped"},
    {"Expand", 8, inferExpand, nullptr, lowerExpand},
    {"Tile", 6, inferTile, nullptr, lowerTile},
    {"ConstantOfShape", 9, inferConstantOfShape, foldConstantOfShape,
     lowerConstantOfShape, "shape must be a constant"},
    {"Range", 11, inferRange, foldRange, lowerRange,
     "inputs must be constants"},
    // 27: float16/bfloat16 compute in stash_type (float).
    {"Range", 27, inferRange, foldRange, lowerRange,
     "inputs must be constants"},
    {"Pad", 2, inferPad, nullptr, lowerPad},
    {"Pad", 11, inferPad, nullptr, lowerPad},
    {"Pad", 13, inferPad, nullptr, lowerPad},
    {"Pad", 18, inferPad, nullptr, lowerPad},
    {"Pad", 19, inferPad, nullptr, lowerPad,
     "pads/axes must be constants"},
    {"DepthToSpace", 1, inferDepthToSpace, nullptr, lowerDepthToSpace},
    {"DepthToSpace", 11, inferDepthToSpace, nullptr, lowerDepthToSpace},
    {"DepthToSpace", 13, inferDepthToSpace, nullptr, lowerDepthToSpace},
    {"SpaceToDepth", 1, inferSpaceToDepth, nullptr, lowerSpaceToDepth},
    {"SpaceToDepth", 13, inferSpaceToDepth, nullptr, lowerSpaceToDepth},
};

} // namespace

void switchyard::onnx::registerShapeOps(OpRegistry &registry) {
  addDefaultDomainOps(registry, kShapeOps);
}
