//===- ShapeOps.cpp - shape and data-movement ONNX ops --------------------===//
//
// Shape, Size, Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Concat,
// Split, Slice, Gather, Expand, Tile, ConstantOfShape, Range, Identity.
// Their inference reads constant operands (a Reshape's target shape, a
// Slice's starts); their folds evaluate the small integer tensors of shape
// subgraphs at import time so that later shapes become static.
//
//===----------------------------------------------------------------------===//

#include "passes/lower/onnx/OpRegistry.h"

#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;
using namespace switchyard::onnx;

namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;
/// Folds stop above this many elements: folding is for shape arithmetic.
constexpr int64_t kMaxFoldElements = 4096;

using Types = SmallVector<Type>;
using Folded = std::optional<SmallVector<DenseElementsAttr>>;

RankedTensorType requireInput(const NodeView &node, unsigned i) {
  RankedTensorType t = node.inputType(i);
  if (!t)
    node.emitError() << "input " << i << " is required";
  return t;
}

RankedTensorType i64Tensor(MLIRContext *ctx, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, IntegerType::get(ctx, 64));
}

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
  RankedTensorType in = requireInput(node, 0);
  if (!in)
    return failure();
  auto [start, end] = shapeRange(node, in.getRank());
  return Types{i64Tensor(node.context(), {end - start})};
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
  if (!requireInput(node, 0))
    return failure();
  return Types{i64Tensor(node.context(), {})};
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
  RankedTensorType in = requireInput(node, 0);
  RankedTensorType shapeType = requireInput(node, 1);
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
    if (d != -1 && !ShapedType::isDynamic(d))
      known *= d;
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
  RankedTensorType in = requireInput(node, 0);
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
  RankedTensorType in = requireInput(node, 0);
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
  RankedTensorType in = requireInput(node, 0);
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
  RankedTensorType in = requireInput(node, 0);
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
  RankedTensorType in = requireInput(node, 0);
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
  RankedTensorType first = requireInput(node, 0);
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
    RankedTensorType t = requireInput(node, i);
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
  RankedTensorType in = requireInput(node, 0);
  if (!in)
    return failure();
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
  if (split) {
    if (split->size() != n) {
      node.emitError() << "split has " << split->size() << " entries for "
                       << n << " outputs";
      return failure();
    }
    int64_t total = 0;
    for (int64_t s : *split)
      total += s;
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
    for (unsigned i = 0; i < n; ++i)
      sizes.push_back(std::max<int64_t>(0, std::min(chunk, size - i * chunk)));
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
  for (int64_t &a : p.axes) {
    auto axis = normalizeAxis(node, a, rank, "axis");
    if (failed(axis))
      return failure();
    a = *axis;
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
  RankedTensorType in = requireInput(node, 0);
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
  RankedTensorType data = requireInput(node, 0);
  RankedTensorType indices = requireInput(node, 1);
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
  RankedTensorType in = requireInput(node, 0);
  RankedTensorType shapeType = requireInput(node, 1);
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
  RankedTensorType in = requireInput(node, 0);
  if (!in || !requireInput(node, 1))
    return failure();
  std::optional<SmallVector<int64_t>> repeats = node.constantInts(1);
  SmallVector<int64_t> shape(in.getRank(), kDyn);
  if (repeats) {
    if (static_cast<int64_t>(repeats->size()) != in.getRank()) {
      node.emitError() << "repeats has " << repeats->size()
                       << " entries for rank " << in.getRank();
      return failure();
    }
    for (int64_t d = 0; d < in.getRank(); ++d)
      shape[d] = in.isDynamicDim(d) ? kDyn : in.getDimSize(d) * (*repeats)[d];
  }
  return Types{RankedTensorType::get(shape, in.getElementType())};
}

FailureOr<Types> inferConstantOfShape(const NodeView &node) {
  if (!requireInput(node, 0))
    return failure();
  Type elt = Float32Type::get(node.context());
  if (auto value = node.attrs().getAs<DenseElementsAttr>("value"))
    elt = value.getElementType();
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
  RankedTensorType start = requireInput(node, 0);
  if (!start || !requireInput(node, 1) || !requireInput(node, 2))
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
    n = std::max<int64_t>(
        0, static_cast<int64_t>(std::ceil((scalar(l) - scalar(s)) / delta)));
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
  for (int64_t i = 0; i < type.getNumElements(); ++i)
    values.push_back(APInt(width, (*start)[0] + i * (*delta)[0], true, true));
  return SmallVector<DenseElementsAttr>{DenseElementsAttr::get(type, values)};
}

struct Row {
  const char *opType;
  int64_t since;
  InferFn infer;
  FoldFn fold = nullptr;
};

const Row kShapeOps[] = {
    {"Shape", 1, inferShape, foldShape},
    {"Shape", 15, inferShape, foldShape},
    {"Size", 1, inferSize, foldSize},
    {"Reshape", 5, inferReshape, foldReshape},
    {"Reshape", 14, inferReshape, foldReshape},
    {"Flatten", 9, inferFlatten, foldFlatten},
    {"Identity", 1, inferIdentity, foldIdentity},
    {"Transpose", 1, inferTranspose},
    {"Squeeze", 1, inferSqueeze, foldReshapeLike},
    {"Squeeze", 13, inferSqueeze, foldReshapeLike},
    {"Unsqueeze", 1, inferUnsqueeze, foldReshapeLike},
    {"Unsqueeze", 13, inferUnsqueeze, foldReshapeLike},
    {"Concat", 4, inferConcat, foldConcat},
    {"Split", 2, inferSplit},
    {"Split", 13, inferSplit},
    {"Split", 18, inferSplit},
    {"Slice", 1, inferSlice, foldSlice},
    {"Slice", 10, inferSlice, foldSlice},
    {"Gather", 1, inferGather, foldGather},
    {"Expand", 8, inferExpand},
    {"Tile", 6, inferTile},
    {"ConstantOfShape", 9, inferConstantOfShape, foldConstantOfShape},
    {"Range", 11, inferRange, foldRange},
};

} // namespace

void switchyard::onnx::registerShapeOps(OpRegistry &registry) {
  for (const Row &row : kShapeOps)
    registry.add({"", row.opType, row.since, row.infer, row.fold});
}
