#!/usr/bin/env python3
"""Writes hostile ONNX models for the importer's robustness tests.

    make_hostile_model.py CASE OUT.onnx
    make_hostile_model.py --list

Each case is a function below and builds exactly the broken thing it names:
absurd or overflowing shapes, broken graphs, wrong opsets, abused attributes
and external data that points where it must not. Most of them the compiler
refuses with one clear error (test/Import/import-hostile*.test); the valid
ones among them are compared with onnxruntime elsewhere
(python-bindings/tests/test_edge_cases.py). The others are kept here so
their fix can get a test:

  slow:      many_nodes (minutes in FuseElementwise)
  by design: gather_*_oob* (out-of-range indices clamp at run time, as
             docs/security.md says); *_giant shapes under 128 TiB compile
             (the library's caller owns the memory)
"""
import os
import sys

import numpy as np
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

# The graph builders of the plain error cases (same folder).
from make_model import _external as _external_model, model, vi

BIG = 1 << 40  # 4 TB of float32: fits int64, fits no machine
HUGE = 1 << 62  # HUGE * HUGE overflows int64


def i64(name, values):
    return nh.from_array(np.array(values, dtype=np.int64), name)


def f32(name, values):
    return nh.from_array(np.array(values, dtype=np.float32), name)


def unary(op, shape, out_shape=None, inits=(), opset=17, extra=(), **attrs):
    """x -> OP(x, *extra) -> y, with the node named after the op in lower case."""
    nodes = [h.make_node(op, ["x", *extra], ["y"], name=op.lower(), **attrs)]
    return model(nodes, [vi("x", T.FLOAT, shape)], [vi("y", T.FLOAT, out_shape)],
                 inits, opset=opset)


# --- Declared shapes ---------------------------------------------------------

def case_input_dim_negative(out):
    """A graph input declaring dim -5 (dim_value must be >= 0)."""
    return unary("Relu", [-5])


def case_input_dim_zero_conv(out):
    """Conv over a 0x0 image: the output would have spatial size -2."""
    w = f32("w", np.ones((1, 1, 3, 3)))
    return unary("Conv", [1, 1, 0, 0], None, [w], extra=["w"])


def case_input_dims_overflow(out):
    """[2^62, 2^62]: the element count overflows int64."""
    return unary("Relu", [HUGE, HUGE], [HUGE, HUGE])


def case_input_dim_giant(out):
    """[2^40] float32: 4 TB, a legal int64 product."""
    return unary("Relu", [BIG], [BIG])


def case_input_bytes_wrap(out):
    """[2^32, 2^30] float32: 2^62 elements, whose byte size 2^64 wraps to 0."""
    return unary("Relu", [1 << 32, 1 << 30], [1 << 32, 1 << 30])


def case_input_count_wrap(out):
    """[2^32, 2^32]: the element count 2^64 wraps to 0."""
    return unary("Relu", [1 << 32, 1 << 32], [1 << 32, 1 << 32])


def case_init_giant_nodata(out):
    """Initializer declaring [2^40] with no data at all."""
    w = T(name="w", data_type=T.FLOAT, dims=[BIG])
    return unary("Add", [1], None, [w], extra=["w"])


def case_init_giant_short(out):
    """Initializer declaring [2^40] with two floats of raw data."""
    w = T(name="w", data_type=T.FLOAT, dims=[BIG], raw_data=b"\0" * 8)
    return unary("Add", [1], None, [w], extra=["w"])


def case_init_dims_overflow(out):
    """Initializer dims [2^62, 2^62]: the count overflows int64."""
    w = T(name="w", data_type=T.FLOAT, dims=[HUGE, HUGE], raw_data=b"\0" * 4)
    return unary("Add", [1], None, [w], extra=["w"])


def case_init_bytes_overflow(out):
    """Initializer dims [2^62] float32: the count fits, count * 4 bytes does not."""
    w = T(name="w", data_type=T.FLOAT, dims=[HUGE], raw_data=b"\0" * 4)
    return unary("Add", [1], None, [w], extra=["w"])


def case_init_dim_negative(out):
    w = T(name="w", data_type=T.FLOAT, dims=[-3], raw_data=b"\0" * 12)
    return unary("Add", [3], None, [w], extra=["w"])


def case_init_raw_short(out):
    w = T(name="w", data_type=T.FLOAT, dims=[4], raw_data=b"\0" * 12)
    return unary("Add", [4], [4], [w], extra=["w"])


def case_init_raw_long(out):
    w = T(name="w", data_type=T.FLOAT, dims=[4], raw_data=b"\0" * 20)
    return unary("Add", [4], [4], [w], extra=["w"])


def case_init_bad_dtype(out):
    """Initializer with data_type 999."""
    w = T(name="w", data_type=999, dims=[4], raw_data=b"\0" * 16)
    return unary("Add", [4], [4], [w], extra=["w"])


def case_input_bad_dtype(out):
    """A graph input with elem_type 999."""
    m = unary("Relu", [4], [4])
    m.graph.input[0].type.tensor_type.elem_type = 999
    return m


def case_input_rank_huge(out):
    """A graph input of rank 10000, every dim 1."""
    return unary("Relu", [1] * 10000, [1] * 10000)


# --- Graph structure ---------------------------------------------------------

def case_cycle(out):
    """a consumes b's output and b consumes a's."""
    nodes = [h.make_node("Add", ["x", "tb"], ["ta"], name="a"),
             h.make_node("Relu", ["ta"], ["tb"], name="b"),
             h.make_node("Identity", ["tb"], ["y"], name="out")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])])


def case_self_loop(out):
    nodes = [h.make_node("Add", ["x", "t"], ["t"], name="loop"),
             h.make_node("Identity", ["t"], ["y"], name="out")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])])


def case_duplicate_output(out):
    """Two nodes write 't' (the graph must be in SSA form)."""
    nodes = [h.make_node("Relu", ["x"], ["t"], name="first"),
             h.make_node("Neg", ["x"], ["t"], name="second"),
             h.make_node("Identity", ["t"], ["y"], name="out")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])])


def case_output_shadows_input(out):
    """A node writes a name that is already a graph input."""
    nodes = [h.make_node("Neg", ["x"], ["x"], name="shadow"),
             h.make_node("Relu", ["x"], ["y"], name="out")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])])


def case_output_shadows_initializer(out):
    nodes = [h.make_node("Neg", ["x"], ["w"], name="shadow"),
             h.make_node("Add", ["x", "w"], ["y"], name="out")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])],
                 [f32("w", [1, 2])])


def case_duplicate_input(out):
    """Two graph inputs named 'x'."""
    nodes = [h.make_node("Relu", ["x"], ["y"], name="relu")]
    return model(nodes, [vi("x", T.FLOAT, [2]), vi("x", T.FLOAT, [3])],
                 [vi("y", T.FLOAT, [2])])


def case_duplicate_initializer(out):
    """Two initializers named 'w' with different shapes."""
    nodes = [h.make_node("Add", ["x", "w"], ["y"], name="add")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])],
                 [f32("w", [1, 2]), f32("w", [1, 2, 3])])


def case_output_unproduced(out):
    nodes = [h.make_node("Relu", ["x"], ["y"], name="relu")]
    return model(nodes, [vi("x", T.FLOAT, [2])],
                 [vi("y", T.FLOAT, [2]), vi("ghost", T.FLOAT, [2])])


def case_missing_value(out):
    nodes = [h.make_node("Add", ["x", "nowhere"], ["y"], name="add")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])])


def case_missing_initializer(out):
    """IR 3 style: 'w' is listed among the inputs as an initializer would be,
    but the initializer itself is gone, so 'w' becomes a graph input."""
    nodes = [h.make_node("Add", ["x", "w"], ["y"], name="add")]
    return model(nodes, [vi("x", T.FLOAT, [2]), vi("w", T.FLOAT, [2])],
                 [vi("y", T.FLOAT, [2])], opset=7, ir=3)


def case_no_outputs(out):
    nodes = [h.make_node("Relu", ["x"], ["y"], name="relu")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [])


def case_output_twice(out):
    """The same value listed twice among the graph outputs."""
    nodes = [h.make_node("Relu", ["x"], ["y"], name="relu")]
    return model(nodes, [vi("x", T.FLOAT, [2])],
                 [vi("y", T.FLOAT, [2]), vi("y", T.FLOAT, [2])])


def case_outputs_identity_alias(out):
    """A valid model: two graph outputs, each an Identity of the same value."""
    nodes = [h.make_node("Relu", ["x"], ["t"], name="relu"),
             h.make_node("Identity", ["t"], ["a"], name="id_a"),
             h.make_node("Identity", ["t"], ["b"], name="id_b")]
    return model(nodes, [vi("x", T.FLOAT, [2])],
                 [vi("a", T.FLOAT, [2]), vi("b", T.FLOAT, [2])])


def case_outputs_input_twice(out):
    """A valid model: the graph input is also returned through an Identity."""
    nodes = [h.make_node("Identity", ["x"], ["a"], name="id_a")]
    return model(nodes, [vi("x", T.FLOAT, [2])],
                 [vi("x", T.FLOAT, [2]), vi("a", T.FLOAT, [2])])


def case_output_is_input(out):
    """A graph output that is a graph input, no nodes at all."""
    return model([], [vi("x", T.FLOAT, [2])], [vi("x", T.FLOAT, [2])])


def case_output_is_initializer(out):
    return model([], [vi("x", T.FLOAT, [2])], [vi("w", T.FLOAT, [2])], [f32("w", [1, 2])])


def case_output_empty_tensor(out):
    """Split [2] into [2, 0]: the second output has no elements."""
    nodes = [h.make_node("Split", ["x", "s"], ["a", "b"], name="split")]
    return model(nodes, [vi("x", T.FLOAT, [2])],
                 [vi("a", T.FLOAT, None), vi("b", T.FLOAT, None)], [i64("s", [2, 0])])


def case_output_two_empty_tensors(out):
    """Split [2] into [2, 0, 0]: two outputs with no elements."""
    nodes = [h.make_node("Split", ["x", "s"], ["a", "b", "c"], name="split")]
    return model(nodes, [vi("x", T.FLOAT, [2])],
                 [vi(n, T.FLOAT, None) for n in "abc"], [i64("s", [2, 0, 0])])


def case_too_many_outputs(out):
    """Relu with three outputs."""
    nodes = [h.make_node("Relu", ["x"], ["y", "y2", "y3"], name="relu")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])])


def case_empty_output_name(out):
    nodes = [h.make_node("Relu", ["x"], [""], name="relu")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("", T.FLOAT, [2])])


# --- Opsets ------------------------------------------------------------------

def case_opset_too_new(out):
    return unary("Relu", [2], [2], opset=30)


def case_opset_duplicate(out):
    """The default domain imported twice, 17 and 7."""
    m = unary("Relu", [2], [2])
    m.opset_import.extend([h.make_opsetid("", 7)])
    return m


def case_upsample_deprecated(out):
    """Upsample was deprecated in opset 10; this node is opset 17."""
    s = f32("scales", [1, 1, 2, 2])
    return unary("Upsample", [1, 1, 4, 4], None, [s], extra=["scales"], opset=17)


def case_opset_negative(out):
    return unary("Relu", [2], [2], opset=-1)


def case_opset_domain_alias(out):
    """'' and 'ai.onnx' are the same domain, imported at 17 and 11."""
    m = unary("Relu", [2], [2])
    m.opset_import.extend([h.make_opsetid("ai.onnx", 11)])
    return m


def case_op_too_new_for_domain(out):
    """com.microsoft imported at version 0."""
    nodes = [h.make_node("Gelu", ["x"], ["y"], domain="com.microsoft", name="gelu")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])],
                 imports=[h.make_opsetid("", 17), h.make_opsetid("com.microsoft", 0)])


# --- Attribute abuse ---------------------------------------------------------

def _conv(w_shape, x_shape=(1, 2, 5, 5), **attrs):
    w = f32("w", np.ones(w_shape))
    nodes = [h.make_node("Conv", ["x", "w"], ["y"], name="conv", **attrs)]
    return model(nodes, [vi("x", T.FLOAT, list(x_shape))], [vi("y", T.FLOAT, None)], [w])


def case_conv_stride0(out):
    return _conv((4, 2, 3, 3), strides=[0, 0])


def case_conv_dilation0(out):
    return _conv((4, 2, 3, 3), dilations=[0, 0])


def case_conv_kernel_too_big(out):
    return _conv((4, 2, 7, 7))


def case_conv_group0(out):
    return _conv((4, 2, 3, 3), group=0)


def case_conv_group_nodiv(out):
    return _conv((4, 2, 3, 3), group=3)


def case_conv_group_negative(out):
    return _conv((4, 2, 3, 3), group=-2)


def case_conv_pads_negative(out):
    return _conv((4, 2, 3, 3), pads=[-1, -1, -1, -1])


def case_conv_pads_negative_big(out):
    return _conv((4, 2, 3, 3), pads=[-4, -4, -4, -4])


def case_conv_weight_rank(out):
    """A rank-2 weight for a rank-4 input."""
    return _conv((4, 2))


def case_conv_channels_mismatch(out):
    return _conv((4, 3, 3, 3))


def case_maxpool_kernel0(out):
    return unary("MaxPool", [1, 1, 4, 4], None, kernel_shape=[0, 0])


def case_maxpool_stride0(out):
    return unary("MaxPool", [1, 1, 4, 4], None, kernel_shape=[2, 2], strides=[0, 0])


def case_maxpool_kernel_negative(out):
    return unary("MaxPool", [1, 1, 4, 4], None, kernel_shape=[-2, -2])


def case_maxpool_no_kernel(out):
    return unary("MaxPool", [1, 1, 4, 4], None)


def case_avgpool_kernel_too_big(out):
    return unary("AveragePool", [1, 1, 4, 4], None, kernel_shape=[9, 9])


def case_maxpool_pads_giant(out):
    return unary("MaxPool", [1, 1, 4, 4], None, kernel_shape=[2, 2],
                 pads=[0, 0, BIG, BIG])


def case_conv_pads_giant(out):
    return _conv((4, 2, 3, 3), pads=[0, 0, BIG, BIG])


def case_conv_stride_giant(out):
    return _conv((4, 2, 3, 3), strides=[HUGE, HUGE])


def case_conv_dilation_overflow(out):
    """(kernel - 1) * dilation overflows int64."""
    return _conv((4, 2, 3, 3), dilations=[HUGE, HUGE])


def case_convtranspose_stride_giant(out):
    w = f32("w", np.ones((2, 4, 3, 3)))
    nodes = [h.make_node("ConvTranspose", ["x", "w"], ["y"], name="convt",
                         strides=[BIG, BIG])]
    return model(nodes, [vi("x", T.FLOAT, [1, 2, 5, 5])], [vi("y", T.FLOAT, None)], [w])


def case_convtranspose_output_shape_negative(out):
    w = f32("w", np.ones((2, 4, 3, 3)))
    nodes = [h.make_node("ConvTranspose", ["x", "w"], ["y"], name="convt",
                         output_shape=[-3, -3])]
    return model(nodes, [vi("x", T.FLOAT, [1, 2, 5, 5])], [vi("y", T.FLOAT, None)], [w])


def case_upsample_scales_giant(out):
    s = f32("scales", [1, 1, 1e12, 1e12])
    return unary("Upsample", [1, 1, 4, 4], None, [s], extra=["scales"], opset=9)


def case_depthtospace_not_divisible(out):
    return unary("DepthToSpace", [1, 3, 2, 2], None, blocksize=2)


def case_unknown_attribute(out):
    """Softmax with an attribute it does not have."""
    return unary("Softmax", [2, 3], None, frobnicate=3)


def case_attribute_twice(out):
    """Transpose with perm given twice, [1, 0] then [0, 1]: which one wins
    would be up to the reader."""
    m = unary("Transpose", [2, 3], None, perm=[1, 0])
    m.graph.node[0].attribute.append(h.make_attribute("perm", [0, 1]))
    return m


def case_cast_saturate_opset19(out):
    """Not hostile: Cast-19's saturate attribute, newer than libonnx 1.12's
    schemas, must import (the schema table knows opsets past 17)."""
    nodes = [h.make_node("Cast", ["x"], ["y"], name="cast", to=T.FLOAT16,
                         saturate=1)]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT16, [2])],
                 opset=19)


def case_transpose_perm_repeat(out):
    return unary("Transpose", [2, 3], None, perm=[0, 0])


def case_transpose_perm_oob(out):
    return unary("Transpose", [2, 3], None, perm=[0, 5])


def case_transpose_perm_short(out):
    return unary("Transpose", [2, 3, 4], None, perm=[1, 0])


def case_transpose_perm_string(out):
    """perm given as a STRING attribute."""
    return unary("Transpose", [2, 3], None, perm="1,0")


def case_softmax_axis_float(out):
    """axis given as a FLOAT attribute."""
    return unary("Softmax", [2, 3], None, axis=5.0)


def case_concat_axis_oob(out):
    nodes = [h.make_node("Concat", ["x", "x"], ["y"], name="concat", axis=5)]
    return model(nodes, [vi("x", T.FLOAT, [2, 3])], [vi("y", T.FLOAT, None)])


def case_concat_no_axis(out):
    nodes = [h.make_node("Concat", ["x", "x"], ["y"], name="concat")]
    return model(nodes, [vi("x", T.FLOAT, [2, 3])], [vi("y", T.FLOAT, None)])


def case_softmax_axis_oob(out):
    return unary("Softmax", [2, 3], None, axis=5)


def case_softmax_axis_min(out):
    return unary("Softmax", [2, 3], None, axis=-(1 << 63))


def case_gather_axis_oob(out):
    return unary("Gather", [2, 3], None, [i64("i", [0])], extra=["i"], axis=5)


def case_flatten_axis_oob(out):
    return unary("Flatten", [2, 3], None, axis=7)


def case_squeeze_axis_oob(out):
    return unary("Squeeze", [1, 3], None, [i64("a", [4])], extra=["a"])


def case_squeeze_not_one(out):
    return unary("Squeeze", [2, 3], None, [i64("a", [0])], extra=["a"])


def case_unsqueeze_axis_dup(out):
    return unary("Unsqueeze", [2, 3], None, [i64("a", [0, 0])], extra=["a"])


def case_unsqueeze_axis_oob(out):
    return unary("Unsqueeze", [2, 3], None, [i64("a", [9])], extra=["a"])


def case_reduce_axis_oob(out):
    return unary("ReduceSum", [2, 3], None, [i64("a", [9])], extra=["a"])


def case_argmax_axis_oob(out):
    return unary("ArgMax", [2, 3], None, axis=9)


def case_reshape_two_minus_one(out):
    return unary("Reshape", [2, 3], None, [i64("s", [-1, -1])], extra=["s"])


def case_reshape_minus_one_overflow(out):
    """[2^32, 2^32, -1]: the known dims multiply to 2^64, which wraps to 0."""
    return unary("Reshape", [4], None, [i64("s", [1 << 32, 1 << 32, -1])], extra=["s"])


def case_reshape_overflow(out):
    """[2^62, 2^62, 0] with allowzero: the product is 0, as is the input's."""
    return unary("Reshape", [0], None, [i64("s", [HUGE, HUGE, 0])], extra=["s"],
                 allowzero=1)


def case_reshape_minus_two(out):
    return unary("Reshape", [2, 3], None, [i64("s", [-2, -3])], extra=["s"])


def case_reshape_zero_copy_oob(out):
    """0 copies dim i of the input; the input has rank 2, the shape rank 3."""
    return unary("Reshape", [6, 1], None, [i64("s", [1, 1, 0])], extra=["s"])


def case_reshape_minus_one_zero(out):
    """-1 with another zero dim (allowzero=1): the -1 is not determined."""
    return unary("Reshape", [0, 3], None, [i64("s", [0, -1])], extra=["s"],
                 opset=17, allowzero=1)


def case_slice_step0(out):
    inits = [i64("st", [0]), i64("en", [2]), i64("ax", [0]), i64("sp", [0])]
    return unary("Slice", [4], None, inits, extra=["st", "en", "ax", "sp"])


def case_slice_axis_oob(out):
    inits = [i64("st", [0]), i64("en", [2]), i64("ax", [3])]
    return unary("Slice", [4], None, inits, extra=["st", "en", "ax"])


def case_slice_axes_repeat(out):
    inits = [i64("st", [0, 0]), i64("en", [2, 2]), i64("ax", [0, 0])]
    return unary("Slice", [4], None, inits, extra=["st", "en", "ax"])


def case_pad_negative_total(out):
    """pads [0, -2, 0, -2] on [2, 3]: the last dim would be -1."""
    return unary("Pad", [2, 3], None, [i64("p", [0, -2, 0, -2])], extra=["p"])


def case_pad_wrong_count(out):
    return unary("Pad", [2, 3], None, [i64("p", [1, 1, 1])], extra=["p"])


def case_pad_giant(out):
    return unary("Pad", [2, 3], None, [i64("p", [0, 0, 0, BIG])], extra=["p"])


def case_pad_overflow(out):
    return unary("Pad", [2, 3], None, [i64("p", [0, HUGE, 0, HUGE * 2 - 1])],
                 extra=["p"])


def case_pad_negative_wrap(out):
    """pads of -2^63 on both sides: 3 - 2^64 wraps back to 3 in int64."""
    return unary("Pad", [2, 3], None, [i64("p", [0, -(1 << 63), 0, -(1 << 63)])],
                 extra=["p"])


def _resize(scales):
    s = f32("scales", scales)
    return unary("Resize", [1, 1, 4, 4], None, [s], extra=["", "scales"])


def case_resize_scales_nan(out):
    return _resize([1, 1, float("nan"), float("nan")])


def case_resize_scales_inf(out):
    return _resize([1, 1, float("inf"), float("inf")])


def case_resize_scales_zero(out):
    return _resize([1, 1, 0, 0])


def case_resize_scales_negative(out):
    return _resize([1, 1, -2, -2])


def case_resize_scales_giant(out):
    return _resize([1, 1, 1e12, 1e12])


def case_resize_scales_count(out):
    return _resize([2, 2])


def case_resize_sizes_negative(out):
    s = i64("sizes", [1, 1, -4, -4])
    return unary("Resize", [1, 1, 4, 4], None, [s], extra=["", "", "sizes"])


def case_resize_sizes_giant(out):
    s = i64("sizes", [1, 1, BIG, BIG])
    return unary("Resize", [1, 1, 4, 4], None, [s], extra=["", "", "sizes"])


def case_resize_sizes_long(out):
    """One axis of 2^40: 4 TiB, addressable, but its tables are not."""
    s = i64("sizes", [1, 1, 1, BIG])
    return unary("Resize", [1, 1, 1, 4], None, [s], extra=["", "", "sizes"])


def case_intermediate_giant(out):
    """A valid model whose intermediate Range is 8 TiB (2^40 int64s): it
    compiles; running it must fail with out-of-memory, not crash."""
    nodes = [h.make_node("Range", ["s", "l", "d"], ["r"], name="range"),
             h.make_node("Cast", ["r"], ["rf"], name="cast", to=T.FLOAT),
             h.make_node("ReduceSum", ["rf"], ["t"], name="sum", keepdims=0),
             h.make_node("Add", ["t", "x"], ["y"], name="add")]
    return model(nodes, [vi("x", T.FLOAT, [])], [vi("y", T.FLOAT, [])],
                 [i64("s", 0), i64("l", BIG), i64("d", 1)])


def case_topk_k_large(out):
    nodes = [h.make_node("TopK", ["x", "k"], ["v", "i"], name="topk")]
    return model(nodes, [vi("x", T.FLOAT, [2, 5])],
                 [vi("v", T.FLOAT, None), vi("i", T.INT64, None)], [i64("k", [10])])


def case_topk_k_negative(out):
    nodes = [h.make_node("TopK", ["x", "k"], ["v", "i"], name="topk")]
    return model(nodes, [vi("x", T.FLOAT, [2, 5])],
                 [vi("v", T.FLOAT, None), vi("i", T.INT64, None)], [i64("k", [-1])])


def _range(start, limit, delta, dtype=np.int64):
    inits = [nh.from_array(np.array(v, dtype=dtype), n)
             for n, v in (("start", start), ("limit", limit), ("delta", delta))]
    nodes = [h.make_node("Range", ["start", "limit", "delta"], ["r"], name="range"),
             h.make_node("Cast", ["r"], ["rf"], name="cast", to=T.FLOAT),
             h.make_node("Add", ["x", "rf"], ["y"], name="add")]
    return model(nodes, [vi("x", T.FLOAT, [1])], [vi("y", T.FLOAT, None)], inits)


def case_range_delta0(out):
    return _range(0, 10, 0)


def case_range_delta0_float(out):
    return _range(0.0, 10.0, 0.0, np.float32)


def case_range_giant(out):
    return _range(0, BIG, 1)


def case_range_overflow(out):
    """limit - start overflows int64."""
    return _range(-(1 << 63), (1 << 63) - 1, 1)


def case_range_float_nan(out):
    return _range(0.0, float("nan"), 1.0, np.float32)


def case_range_float_giant(out):
    return _range(0.0, 1e30, 1.0, np.float32)


def case_tile_overflow(out):
    return unary("Tile", [2, 2], None, [i64("r", [HUGE, HUGE])], extra=["r"])


def case_tile_negative(out):
    return unary("Tile", [2, 2], None, [i64("r", [-1, 2])], extra=["r"])


def case_tile_giant(out):
    return unary("Tile", [1], None, [i64("r", [BIG])], extra=["r"])


def case_expand_overflow(out):
    return unary("Expand", [1, 1], None, [i64("s", [HUGE, HUGE])], extra=["s"])


def case_expand_giant(out):
    return unary("Expand", [1], None, [i64("s", [BIG])], extra=["s"])


def case_expand_bytes_wrap(out):
    """Expand to [2^32, 2^30] float32: 2^64 bytes, which wraps to 0."""
    return unary("Expand", [1], None, [i64("s", [1 << 32, 1 << 30])], extra=["s"])


def case_tile_count_wrap(out):
    """Tile [1, 1] by [2^32, 2^32]: 2^64 elements, which wraps to 0."""
    return unary("Tile", [1, 1], None, [i64("r", [1 << 32, 1 << 32])], extra=["r"])


def case_expand_negative(out):
    return unary("Expand", [1], None, [i64("s", [-3])], extra=["s"])


def _const_of_shape(shape):
    nodes = [h.make_node("ConstantOfShape", ["s"], ["c"], name="cos",
                         value=nh.from_array(np.array([1.5], dtype=np.float32))),
             h.make_node("Add", ["x", "c"], ["y"], name="add")]
    return model(nodes, [vi("x", T.FLOAT, [1])], [vi("y", T.FLOAT, None)],
                 [i64("s", shape)])


def case_constantofshape_giant(out):
    return _const_of_shape([BIG])


def case_constantofshape_overflow(out):
    return _const_of_shape([HUGE, HUGE])


def case_constantofshape_negative(out):
    return _const_of_shape([-4])


def case_constantofshape_value_shape(out):
    """value must be a one-element tensor; this one has three."""
    nodes = [h.make_node("ConstantOfShape", ["s"], ["y"], name="cos",
                         value=nh.from_array(np.array([1, 2, 3], dtype=np.float32)))]
    return model(nodes, [], [vi("y", T.FLOAT, None)], [i64("s", [2])])


def case_onehot_depth_negative(out):
    nodes = [h.make_node("OneHot", ["x", "d", "v"], ["y"], name="onehot")]
    return model(nodes, [vi("x", T.INT64, [3])], [vi("y", T.FLOAT, None)],
                 [i64("d", [-1]), f32("v", [0, 1])])


def case_onehot_depth_giant(out):
    nodes = [h.make_node("OneHot", ["x", "d", "v"], ["y"], name="onehot")]
    return model(nodes, [vi("x", T.INT64, [3])], [vi("y", T.FLOAT, None)],
                 [i64("d", [BIG]), f32("v", [0, 1])])


def case_cast_unknown_type(out):
    return unary("Cast", [2], None, to=999)


def case_cast_string(out):
    return unary("Cast", [2], None, to=T.STRING)


def case_split_sizes_bad(out):
    nodes = [h.make_node("Split", ["x", "s"], ["a", "b"], name="split")]
    return model(nodes, [vi("x", T.FLOAT, [6])],
                 [vi("a", T.FLOAT, None), vi("b", T.FLOAT, None)], [i64("s", [2, 2])])


def case_split_sizes_negative(out):
    nodes = [h.make_node("Split", ["x", "s"], ["a", "b"], name="split")]
    return model(nodes, [vi("x", T.FLOAT, [6])],
                 [vi("a", T.FLOAT, None), vi("b", T.FLOAT, None)], [i64("s", [8, -2])])


def case_split_count_mismatch(out):
    """Three sizes for two outputs."""
    nodes = [h.make_node("Split", ["x", "s"], ["a", "b"], name="split")]
    return model(nodes, [vi("x", T.FLOAT, [6])],
                 [vi("a", T.FLOAT, None), vi("b", T.FLOAT, None)], [i64("s", [2, 2, 2])])


def case_split_more_outputs_than_dim(out):
    """Split [2] evenly into 5 outputs (opset 18, num_outputs)."""
    nodes = [h.make_node("Split", ["x"], ["a", "b", "c", "d", "e"], name="split",
                         num_outputs=5)]
    return model(nodes, [vi("x", T.FLOAT, [2])],
                 [vi(n, T.FLOAT, None) for n in "abcde"], opset=18)


def _einsum(eq, shapes=((2, 3), (3, 4))):
    names = ["a", "b"][: len(shapes)]
    nodes = [h.make_node("Einsum", names, ["y"], name="einsum", equation=eq)]
    return model(nodes, [vi(n, T.FLOAT, list(s)) for n, s in zip(names, shapes)],
                 [vi("y", T.FLOAT, None)])


def case_einsum_invalid(out):
    return _einsum("ij,jk->ikz")


def case_einsum_garbage(out):
    return _einsum("i$,,->->")


def case_einsum_rank_mismatch(out):
    return _einsum("ijk,jk->ik")


def case_einsum_dim_mismatch(out):
    return _einsum("ij,ik->jk")


def case_einsum_empty(out):
    return _einsum("")


def case_gather_index_oob(out):
    """A constant index past the end of a graph input's axis."""
    return unary("Gather", [3, 4], None, [i64("i", [7])], extra=["i"])


def case_gather_index_oob_folded(out):
    """Constant data and a constant index past its end: the importer folds it."""
    nodes = [h.make_node("Gather", ["d", "i"], ["g"], name="gather"),
             h.make_node("Cast", ["g"], ["gf"], name="cast", to=T.FLOAT),
             h.make_node("Add", ["x", "gf"], ["y"], name="add")]
    return model(nodes, [vi("x", T.FLOAT, [1])], [vi("y", T.FLOAT, None)],
                 [i64("d", [1, 2, 3]), i64("i", [1000000])])


def case_gather_index_negative_oob_folded(out):
    nodes = [h.make_node("Gather", ["d", "i"], ["g"], name="gather"),
             h.make_node("Cast", ["g"], ["gf"], name="cast", to=T.FLOAT),
             h.make_node("Add", ["x", "gf"], ["y"], name="add")]
    return model(nodes, [vi("x", T.FLOAT, [1])], [vi("y", T.FLOAT, None)],
                 [i64("d", [1, 2, 3]), i64("i", [-1000000])])


def case_gather_elements_index_oob(out):
    nodes = [h.make_node("GatherElements", ["x", "i"], ["y"], name="ge", axis=0)]
    return model(nodes, [vi("x", T.FLOAT, [3])], [vi("y", T.FLOAT, None)],
                 [i64("i", [5])])


def case_matmul_mismatch(out):
    nodes = [h.make_node("MatMul", ["a", "b"], ["y"], name="mm")]
    return model(nodes, [vi("a", T.FLOAT, [2, 3]), vi("b", T.FLOAT, [4, 5])],
                 [vi("y", T.FLOAT, None)])


def case_matmul_scalar(out):
    nodes = [h.make_node("MatMul", ["a", "b"], ["y"], name="mm")]
    return model(nodes, [vi("a", T.FLOAT, []), vi("b", T.FLOAT, [])],
                 [vi("y", T.FLOAT, None)])


def case_gemm_mismatch(out):
    nodes = [h.make_node("Gemm", ["a", "b"], ["y"], name="gemm")]
    return model(nodes, [vi("a", T.FLOAT, [2, 3]), vi("b", T.FLOAT, [4, 5])],
                 [vi("y", T.FLOAT, None)])


def case_add_broadcast_mismatch(out):
    nodes = [h.make_node("Add", ["a", "b"], ["y"], name="add")]
    return model(nodes, [vi("a", T.FLOAT, [2, 3]), vi("b", T.FLOAT, [4])],
                 [vi("y", T.FLOAT, None)])


def case_add_type_mismatch(out):
    nodes = [h.make_node("Add", ["a", "b"], ["y"], name="add")]
    return model(nodes, [vi("a", T.FLOAT, [2]), vi("b", T.INT64, [2])],
                 [vi("y", T.FLOAT, None)])


def case_relu_no_input(out):
    nodes = [h.make_node("Relu", [], ["y"], name="relu")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, None)])


def case_relu_int_input(out):
    """Relu takes float types only (opset 13 added int types; 6 did not)."""
    nodes = [h.make_node("Relu", ["x"], ["y"], name="relu")]
    return model(nodes, [vi("x", T.BOOL, [2])], [vi("y", T.BOOL, None)])


def case_depthtospace_blocksize0(out):
    return unary("DepthToSpace", [1, 4, 2, 2], None, blocksize=0)


def case_spacetodepth_blocksize0(out):
    return unary("SpaceToDepth", [1, 1, 4, 4], None, blocksize=0)


def case_spacetodepth_negative(out):
    return unary("SpaceToDepth", [1, 1, 4, 4], None, blocksize=-2)


def case_cumsum_axis_oob(out):
    return unary("CumSum", [3], None, [i64("a", 5)], extra=["a"])


def case_trilu_k_giant(out):
    return unary("Trilu", [3, 3], None, [i64("k", 1 << 62)], extra=["k"])


def case_constant_empty(out):
    nodes = [h.make_node("Constant", [], ["c"], name="c"),
             h.make_node("Add", ["x", "c"], ["y"], name="add")]
    return model(nodes, [vi("x", T.FLOAT, [1])], [vi("y", T.FLOAT, None)])


def case_constant_string(out):
    nodes = [h.make_node("Constant", [], ["c"], name="c", value_string="hi"),
             h.make_node("Identity", ["c"], ["y"], name="id")]
    return model(nodes, [], [vi("y", T.STRING, None)])


def case_attr_no_type(out):
    """An attribute with no type and no value set."""
    m = unary("Softmax", [2, 3], None, axis=1)
    a = m.graph.node[0].attribute[0]
    a.Clear()
    a.name = "axis"
    return m


# --- External data -----------------------------------------------------------

def _external(out, location, blob=16, **kw):
    """make_model's external-data model, with a 16-byte w.bin written."""
    return _external_model(out, location, blob=blob, **kw)


def case_ext_offset_past_end(out):
    return _external(out, "w.bin", offset="100")


def case_ext_length_past_end(out):
    """16 bytes wanted at offset 8 of a 16-byte file."""
    return _external(out, "w.bin", offset="8")


def case_ext_length_too_big(out):
    return _external(out, "w.bin", length=str(1 << 40))


def case_ext_offset_length_overflow(out):
    """offset + length wraps around 2^64."""
    return _external(out, "w.bin", offset=str((1 << 64) - 8), length="16")


def case_ext_offset_too_big_for_u64(out):
    return _external(out, "w.bin", offset=str(1 << 64))


def case_ext_offset_negative(out):
    return _external(out, "w.bin", offset="-8")


def case_ext_directory(out):
    os.makedirs(os.path.join(os.path.dirname(out), "weights"), exist_ok=True)
    return _external(out, "weights")


def case_ext_dot(out):
    """'.' names the model's folder itself."""
    return _external(out, ".")


def case_ext_nul(out):
    """'w.bin\\0/../../etc/passwd': C APIs see 'w.bin'."""
    return _external(out, "w.bin\0/../../etc/passwd")


def case_ext_nul_hidden(out):
    """'w.bin\\0junk': C APIs would read w.bin, the name says something else."""
    return _external(out, "w.bin\0junk")


def case_ext_empty(out):
    return _external(out, "")


def case_ext_missing_file(out):
    return _external(out, "nothere.bin", blob=None)


def _fresh_fifo(out):
    """A named pipe `fifo` next to `out` (made anew)."""
    fifo = os.path.join(os.path.dirname(out), "fifo")
    if os.path.lexists(fifo):
        os.remove(fifo)
    os.mkfifo(fifo)


def _without_key(m, key):
    """`m` with the external-data entries named `key` removed."""
    t = m.graph.initializer[0]
    kept = [e for e in t.external_data if e.key != key]
    del t.external_data[:]
    t.external_data.extend(kept)
    return m


def case_ext_fifo(out):
    _fresh_fifo(out)
    return _external(out, "fifo", length=None)


def case_ext_fifo_nolength(out):
    _fresh_fifo(out)
    return _without_key(_external(out, "fifo"), "length")


def case_ext_dev_zero_inside(out):
    """A symlink inside the folder to /dev/zero (outside)."""
    folder = os.path.dirname(out)
    link = os.path.join(folder, "zero")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink("/dev/zero", link)
    return _external(out, "zero")


def case_ext_symlink_dir(out):
    """'sub/w.bin' where sub is a link to a folder outside the model's."""
    folder = os.path.dirname(out)
    outside = os.path.join(os.path.dirname(folder), "outside_dir")
    os.makedirs(outside, exist_ok=True)
    np.arange(4, dtype=np.float32).tofile(os.path.join(outside, "w.bin"))
    link = os.path.join(folder, "sub")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(outside, link)
    return _external(out, "sub/w.bin")


def case_ext_dotdot_inside(out):
    """'weights/../w.bin' stays inside, but any '..' is refused."""
    os.makedirs(os.path.join(os.path.dirname(out), "weights"), exist_ok=True)
    return _external(out, "weights/../w.bin")


def case_ext_giant_tensor(out):
    """A [2^40] tensor whose external data is a 16-byte file."""
    m = _external(out, "w.bin")
    t = m.graph.initializer[0]
    del t.dims[:]
    t.dims.append(BIG)
    for e in t.external_data:
        if e.key == "length":
            e.value = str(4 * BIG)
    m.graph.input[0].type.tensor_type.shape.dim[0].dim_value = 1
    m.graph.output[0].type.tensor_type.shape.dim[0].dim_value = BIG
    return m


def case_ext_no_location_key(out):
    return _without_key(_external(out, "w.bin"), "location")


def case_ext_duplicate_location(out):
    """Two 'location' keys: a checker could read the first, a loader the last."""
    m = _external(out, "w.bin")
    e = m.graph.initializer[0].external_data.add()
    e.key, e.value = "location", "../w.bin"
    return m


# --- Files -------------------------------------------------------------------

def raw_empty(out):
    return b""


def raw_truncated_in_init(out):
    """Cut inside the raw_data of a large initializer."""
    w = f32("w", np.zeros(1000))
    m = unary("Add", [1000], [1000], [w], extra=["w"])
    data = m.SerializeToString()
    return data[: len(data) * 3 // 4]


def raw_length_lie(out):
    """A length-delimited field (the graph) claiming 2 GB while the file has a few bytes."""
    # field 7 (graph), wire type 2, length varint 0x7fffffff
    return b"\x08\x07" + b"\x3a" + b"\xff\xff\xff\xff\x07" + b"\x00" * 16


def raw_deep_nesting(out):
    """100000 nested TypeProto sequence_type levels in a graph input."""
    m = unary("Relu", [2], [2])
    inner = b""
    for _ in range(100000):
        inner = _nest(inner)
    return _graph_with_raw_input_type(m, inner)


def _varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def _nest(inner):
    # TypeProto.sequence_type = 4 -> Sequence { elem_type = 1 : TypeProto }
    seq = b"\x0a" + _varint(len(inner)) + inner
    return b"\x22" + _varint(len(seq)) + seq


def _graph_with_raw_input_type(m, type_bytes):
    # Re-encode: ModelProto with graph whose input 'x' gets the raw type bytes.
    g = m.graph
    m.ClearField("graph")
    head = m.SerializeToString()
    g_input = g.input[0]
    name = g_input.name.encode()
    vi_bytes = b"\x0a" + _varint(len(name)) + name + b"\x12" + _varint(len(type_bytes)) + type_bytes
    del g.input[:]
    g_bytes = g.SerializeToString() + b"\x5a" + _varint(len(vi_bytes)) + vi_bytes
    return head + b"\x3a" + _varint(len(g_bytes)) + g_bytes


def raw_many_nodes(out):
    """4000 chained Relu nodes (FuseElementwise grows about cubically)."""
    n = 4000
    nodes = [h.make_node("Relu", ["x" if i == 0 else f"t{i - 1}"],
                         ["y" if i == n - 1 else f"t{i}"]) for i in range(n)]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])]).SerializeToString()


def list_cases():
    return ([k[5:] for k in globals() if k.startswith("case_")] +
            [k[4:] for k in globals() if k.startswith("raw_")])


def write_case(name, out):
    """Writes case `name` to `out` (and its side files next to it)."""
    folder = os.path.dirname(os.path.abspath(out))
    os.makedirs(folder, exist_ok=True)
    out = os.path.join(folder, os.path.basename(out))
    if "raw_" + name in globals():
        data = globals()["raw_" + name](out)
    else:
        m = globals()["case_" + name](out)
        data = m if isinstance(m, bytes) else m.SerializeToString()
    with open(out, "wb") as f:
        f.write(data)


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(list_cases()))
        return
    write_case(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
