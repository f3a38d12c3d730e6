#!/usr/bin/env python3
"""Writes small ONNX models for the importer's lit tests.

    make_model.py CASE OUT.onnx

Each case is a function below; hostile cases (external data leaving the
folder, truncated files...) build exactly the broken thing they name.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh


def model(nodes, inputs, outputs, inits=(), opset=17, ir=None, domains=(),
          imports=None):
    """`imports` (a list of OperatorSetIdProto) replaces the opset imports
    made from `opset` and `domains`."""
    graph = h.make_graph(nodes, "g", inputs, outputs, list(inits))
    if imports is None:
        imports = [h.make_opsetid("", opset)] + [h.make_opsetid(d, v) for d, v in domains]
    m = h.make_model(graph, opset_imports=imports)
    if ir is not None:
        m.ir_version = ir
    return m


def vi(name, dtype, shape):
    return h.make_tensor_value_info(name, dtype, shape)


def case_basic(out):
    """Names, a dynamic dim, Constant, initializer, a folded shape chain."""
    w = nh.from_array(np.arange(8, dtype=np.float32).reshape(4, 2), "w")
    nodes = [
        h.make_node("Relu", ["x"], ["r"], name="block/relu"),
        h.make_node("Shape", ["r"], ["s"], name="block/shape"),
        h.make_node("Constant", [], ["zero"], name="block/zero",
                    value=nh.from_array(np.array([0], dtype=np.int64))),
        h.make_node("Gather", ["s", "zero"], ["n"], name="block/gather"),
        h.make_node("Constant", [], ["two"], name="block/two", value_ints=[2, 2]),
        h.make_node("Concat", ["n", "two"], ["shape"], name="block/concat", axis=0),
        h.make_node("Reshape", ["r", "shape"], ["y"], name="block/reshape"),
        h.make_node("Add", ["y", "w_row"], ["z"], name="block/add"),
    ]
    w_row = nh.from_array(np.array([1, 2], dtype=np.float32), "w_row")  # broadcasts on the last dim
    return model(nodes, [vi("x", T.FLOAT, ["batch", 4])],
                 [vi("z", T.FLOAT, None)], [w, w_row], opset=17)


def case_opset21(out):
    """PyTorch 2.x writes IR 10 and opset 18-21; absent optional input."""
    nodes = [h.make_node("Clip", ["x", "", "hi"], ["y"], name="clip")]
    hi = nh.from_array(np.array(6.0, dtype=np.float32), "hi")
    return model(nodes, [vi("x", T.FLOAT, [2, 3])], [vi("y", T.FLOAT, [2, 3])],
                 [hi], opset=21, ir=10)


def case_ir3(out):
    """IR 3 lists initializers among the graph inputs too."""
    b = nh.from_array(np.ones((3,), dtype=np.float32), "b")
    nodes = [h.make_node("Add", ["x", "b"], ["y"])]
    return model(nodes, [vi("x", T.FLOAT, [3]), vi("b", T.FLOAT, [3])],
                 [vi("y", T.FLOAT, [3])], [b], opset=7, ir=3)


def case_add(out):
    """A small compilable model: y = relu(x + b), x float32 [2, 3]."""
    b = nh.from_array(np.array([1, -2, 3], dtype=np.float32), "b")
    nodes = [h.make_node("Add", ["x", "b"], ["s"], name="add"),
             h.make_node("Relu", ["s"], ["y"], name="relu")]
    return model(nodes, [vi("x", T.FLOAT, [2, 3])], [vi("y", T.FLOAT, [2, 3])], [b])


def case_fold_logic(out):
    """A target shape computed with Mod, Less, Not, Or, Where, Max, Neg, Abs and Cast on
    constants: everything folds, so the Reshape gets a static shape."""
    c = lambda name, v: h.make_node("Constant", [], [name], name=name,
                                    value=nh.from_array(np.array(v, dtype=np.int64)))
    nodes = [
        c("seven", [7]), c("three", [-3]), c("two", [2]), c("four", [4]),
        h.make_node("Mod", ["seven", "three"], ["m"], name="mod"),         # -2
        h.make_node("Less", ["m", "two"], ["lt"], name="less"),            # true
        h.make_node("Not", ["lt"], ["nlt"], name="not"),                   # false
        h.make_node("Or", ["nlt", "lt"], ["any"], name="or"),              # true
        h.make_node("Where", ["any", "four", "two"], ["rows"], name="where"),  # 4
        h.make_node("Max", ["rows", "m"], ["r"], name="max"),              # 4
        h.make_node("Cast", ["lt"], ["one"], name="cast", to=T.INT64),     # 1
        h.make_node("Neg", ["three"], ["pos3"], name="neg"),               # 3
        h.make_node("Abs", ["three"], ["abs3"], name="abs"),               # 3
        h.make_node("Sub", ["pos3", "abs3"], ["zero"], name="sub"),        # 0
        h.make_node("Mul", ["one", "three"], ["m3"], name="mul"),          # -3
        h.make_node("Add", ["m3", "zero"], ["neg3"], name="add"),          # -3
        h.make_node("Mod", ["neg3", "two"], ["cols"], name="cmod", fmod=1),  # -1
        h.make_node("Concat", ["r", "cols"], ["shape"], name="concat", axis=0),
        h.make_node("Reshape", ["x", "shape"], ["y"], name="reshape"),
    ]
    return model(nodes, [vi("x", T.FLOAT, [2, 6])], [vi("y", T.FLOAT, None)])


def case_unsupported_op(out):
    nodes = [h.make_node("Frobnicate", ["x"], ["y"], name="layer1/frob")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])])


def case_old_opset_op(out):
    """Gelu exists from opset 20 only."""
    nodes = [h.make_node("Gelu", ["x"], ["y"], name="act")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])], opset=17)


def case_ir_too_new(out):
    nodes = [h.make_node("Relu", ["x"], ["y"])]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])], ir=99)


def case_opset_too_old(out):
    nodes = [h.make_node("Relu", ["x"], ["y"])]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])], opset=5)


def case_unknown_domain(out):
    nodes = [h.make_node("MoE", ["x"], ["y"], domain="com.microsoft", name="moe")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])])


def case_not_sorted(out):
    nodes = [h.make_node("Relu", ["t"], ["y"], name="second"),
             h.make_node("Relu", ["x"], ["t"], name="first")]
    return model(nodes, [vi("x", T.FLOAT, [2])], [vi("y", T.FLOAT, [2])])


def case_subgraph(out):
    branch = h.make_graph([h.make_node("Identity", ["x"], ["o"])], "b", [],
                          [vi("o", T.FLOAT, [2])])
    nodes = [h.make_node("If", ["c"], ["y"], name="branch",
                         then_branch=branch, else_branch=branch)]
    return model(nodes, [vi("c", T.BOOL, []), vi("x", T.FLOAT, [2])],
                 [vi("y", T.FLOAT, [2])])


def case_sequence_input(out):
    seq = h.make_tensor_sequence_value_info("xs", T.FLOAT, [2])
    nodes = [h.make_node("Identity", ["xs"], ["y"])]
    return model(nodes, [seq], [vi("y", T.FLOAT, [2])])


def case_string_input(out):
    nodes = [h.make_node("Identity", ["s"], ["y"])]
    return model(nodes, [vi("s", T.STRING, [2])], [vi("y", T.STRING, [2])])


def case_bad_initializer(out):
    """An initializer whose data does not fill its shape."""
    w = T(name="w", data_type=T.FLOAT, dims=[2, 3], float_data=[1.0, 2.0, 3.0])
    nodes = [h.make_node("Add", ["x", "w"], ["y"], name="add")]
    return model(nodes, [vi("x", T.FLOAT, [2, 3])], [vi("y", T.FLOAT, [2, 3])], [w])


def case_bad_reshape(out):
    shape = nh.from_array(np.array([4, 4], dtype=np.int64), "shape")
    nodes = [h.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")]
    return model(nodes, [vi("x", T.FLOAT, [2, 3])], [vi("y", T.FLOAT, None)], [shape])


def case_declared_mismatch(out):
    """The model's declared output shape disagrees with the op's semantics."""
    nodes = [h.make_node("Transpose", ["x"], ["y"], name="tr")]
    return model(nodes, [vi("x", T.FLOAT, [2, 3])], [vi("y", T.FLOAT, [2, 3])])


def case_no_input_shape(out):
    x = h.make_tensor_value_info("x", T.FLOAT, None)
    nodes = [h.make_node("Relu", ["x"], ["y"])]
    return model(nodes, [x], [vi("y", T.FLOAT, None)])


def _external(out, location, n=4, offset="0", length=None, blob=None):
    """x + w, w [n] float32 stored at `location` (offset, length: the
    external_data values, None leaves the key out of offset; length None is
    the true 4 * n). blob: bytes of w.bin to write next to `out` first."""
    if blob is not None:
        folder = os.path.dirname(out)
        np.arange(blob // 4, dtype=np.float32).tofile(os.path.join(folder, "w.bin"))
    w = nh.from_array(np.arange(n, dtype=np.float32), "w")
    w.data_location = T.EXTERNAL
    w.ClearField("raw_data")
    kv = [("location", location), ("offset", offset),
          ("length", str(4 * n) if length is None else length)]
    for k, v in kv:
        if v is None:
            continue
        e = w.external_data.add()
        e.key, e.value = k, v
    nodes = [h.make_node("Add", ["x", "w"], ["y"], name="add")]
    return model(nodes, [vi("x", T.FLOAT, [n])], [vi("y", T.FLOAT, [n])], [w])


def case_external_ok(out):
    folder = os.path.dirname(out)
    os.makedirs(os.path.join(folder, "weights"), exist_ok=True)
    np.arange(4, dtype=np.float32).tofile(os.path.join(folder, "weights", "w.bin"))
    return _external(out, "weights/w.bin")


def case_external_dotdot(out):
    return _external(out, "../w.bin")


def case_external_absolute(out):
    return _external(out, "/etc/passwd")


def case_external_symlink(out):
    folder = os.path.dirname(out)
    outside = os.path.join(os.path.dirname(folder), "outside.bin")
    np.arange(4, dtype=np.float32).tofile(outside)
    link = os.path.join(folder, "link.bin")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(outside, link)
    return _external(out, "link.bin")


def case_external_short(out):
    folder = os.path.dirname(out)
    np.arange(2, dtype=np.float32).tofile(os.path.join(folder, "short.bin"))
    m = _external(out, "short.bin")
    return m


def case_large(out):
    """Above protobuf's default 64 MB limit: 20M float32 = 80 MB."""
    w = nh.from_array((np.arange(20_000_000) % 7).astype(np.float32), "w")
    nodes = [h.make_node("Add", ["x", "w"], ["y"], name="add")]
    return model(nodes, [vi("x", T.FLOAT, [20_000_000])],
                 [vi("y", T.FLOAT, [20_000_000])], [w])


def main():
    name, out = sys.argv[1], sys.argv[2]
    folder = os.path.dirname(os.path.abspath(out))
    os.makedirs(folder, exist_ok=True)
    out = os.path.join(folder, os.path.basename(out))
    if name == "truncated":
        data = case_basic(out).SerializeToString()
        open(out, "wb").write(data[: len(data) // 2])
        return
    if name == "garbage":
        open(out, "wb").write(b"\x08\x07this is not an onnx model\xff\xff\xff")
        return
    m = globals()["case_" + name](out)
    with open(out, "wb") as f:
        f.write(m.SerializeToString())


if __name__ == "__main__":
    main()
