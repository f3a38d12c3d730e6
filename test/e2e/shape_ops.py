"""Shape and data-movement ops end to end: each case builds a small model
(constant operands as initializers), compiles and runs it, and compares with
a numpy reference written from the ONNX spec. Data movement is exact, so
every comparison is exact (rtol 0, atol 0) except Range on floats (rtol
1e-6: start + i * delta in float32)."""
import numpy as np
from onnx import helper as h
from onnx import numpy_helper as nh
from onnx import TensorProto as T
from onnx.helper import np_dtype_to_tensor_dtype

from sye2e import check_close, compile_and_run, main

rng = np.random.default_rng(0)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def i64(*values):
    return np.array(values, dtype=np.int64)


def run(nodes, opset, inputs, outputs, consts=None):
    """Compiles `nodes` at `opset` with runtime `inputs` {name: array},
    initializers `consts` {name: array}; checks {name: expected array}."""
    consts = consts or {}
    g = h.make_graph(
        nodes, "g",
        [h.make_tensor_value_info(n, np_dtype_to_tensor_dtype(a.dtype), a.shape)
         for n, a in inputs.items()],
        [h.make_tensor_value_info(n, np_dtype_to_tensor_dtype(np.asarray(a).dtype), None)
         for n, a in outputs.items()],
        [nh.from_array(np.asarray(a), n) for n, a in consts.items()])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    got = compile_and_run(m, inputs)
    for name, want in outputs.items():
        check_close(f"{nodes[0].op_type}@{opset}:{name}", got[name],
                    np.asarray(want), rtol=0, atol=0)


def node(op, ins, outs, **attrs):
    return h.make_node(op, ins, outs, **attrs)


def test_reshape_flatten_identity():
    x = f32(2, 3, 4)
    for opset in (13, 17, 21):
        run([node("Reshape", ["x", "s"], ["r"]),
             node("Flatten", ["x"], ["f0"], axis=0),
             node("Flatten", ["x"], ["f2"], axis=-1),
             node("Identity", ["x"], ["i"])], opset, {"x": x},
            {"r": x.reshape(3, 8), "f0": x.reshape(1, 24),
             "f2": x.reshape(6, 4), "i": x},
            {"s": i64(3, -1)})
    # shape entry 0 copies the input dimension (allowzero = 0).
    run([node("Reshape", ["x", "s"], ["r"])], 14, {"x": x},
        {"r": x.reshape(2, 12)}, {"s": i64(0, -1)})


def test_squeeze_unsqueeze():
    x = f32(1, 3, 1, 5)
    run([node("Squeeze", ["x"], ["s"], axes=[-2]),
         node("Unsqueeze", ["x"], ["u"], axes=[0, -1])], 11, {"x": x},
        {"s": x.reshape(1, 3, 5), "u": x.reshape(1, 1, 3, 1, 5, 1)})
    for opset in (13, 21):
        run([node("Squeeze", ["x", "a"], ["s"]),
             node("Squeeze", ["x"], ["all"]),
             node("Unsqueeze", ["all", "b"], ["u"])], opset, {"x": x},
            {"s": x.reshape(3, 1, 5), "all": x.reshape(3, 5),
             "u": x.reshape(3, 1, 5, 1)},
            {"a": i64(0), "b": i64(3, 1)})


def test_transpose():
    x = f32(2, 3, 4, 5)
    for opset in (13, 21):
        run([node("Transpose", ["x"], ["d"]),
             node("Transpose", ["x"], ["p"], perm=[0, 2, 3, 1])], opset,
            {"x": x}, {"d": x.transpose(), "p": x.transpose(0, 2, 3, 1)})


def test_concat():
    a, b, c = f32(2, 3), f32(2, 1), f32(2, 5)
    run([node("Concat", ["a", "b", "c"], ["y"], axis=-1)], 13,
        {"a": a, "b": b, "c": c}, {"y": np.concatenate([a, b, c], 1)})
    p, q = (rng.integers(-9, 9, (n, 3)).astype(np.int64) for n in (1, 4))
    run([node("Concat", ["p", "q", "p"], ["y"], axis=0)], 17,
        {"p": p, "q": q}, {"y": np.concatenate([p, q, p], 0)})


def test_split():
    x = f32(3, 7)
    run([node("Split", ["x"], ["a", "b"], axis=1, split=[2, 5])], 11,
        {"x": x}, {"a": x[:, :2], "b": x[:, 2:]})
    run([node("Split", ["x", "s"], ["a", "b", "c"], axis=-1)], 13, {"x": x},
        {"a": x[:, :1], "b": x[:, 1:5], "c": x[:, 5:]}, {"s": i64(1, 4, 2)})
    # num_outputs (18): ceil(7 / 3) = 3 per part, the last one smaller.
    for opset in (18, 21):
        run([node("Split", ["x"], ["a", "b", "c"], axis=1, num_outputs=3)],
            opset, {"x": x}, {"a": x[:, :3], "b": x[:, 3:6], "c": x[:, 6:]})
    run([node("Split", ["x"], ["a", "b", "c"])], 17, {"x": x},
        {"a": x[:1], "b": x[1:2], "c": x[2:]})


def test_split_with_empty_part():
    """A zero-size part (as rotary-embedding graphs make) concatenated back:
    the result is the input."""
    x = f32(2, 8)
    run([node("Split", ["x", "s"], ["a", "e"], axis=-1),
         node("Concat", ["a", "e"], ["y"], axis=-1)], 18, {"x": x}, {"y": x},
        {"s": i64(8, 0)})


def test_slice():
    x = f32(5, 6, 7)
    big = 2**63 - 1
    # Attributes (opset 9 model: Slice-1).
    run([node("Slice", ["x"], ["y"], starts=[1, -3], ends=[big, 100],
              axes=[0, 2])], 9, {"x": x}, {"y": x[1:, :, -3:]})
    for opset in (10, 13, 21):
        run([node("Slice", ["x", "s", "e", "a", "t"], ["pos"]),
             node("Slice", ["x", "s2", "e2", "a2", "t2"], ["neg"]),
             node("Slice", ["x", "s", "e"], ["noaxes"])], opset, {"x": x},
            {"pos": x[1:5:2, :, 0:7:3], "neg": x[:, ::-2, 5:1:-1],
             "noaxes": x[1:5, 0:7]},
            {"s": i64(1, 0), "e": i64(5, 7), "a": i64(0, 2), "t": i64(2, 3),
             "s2": i64(-1, 5), "e2": i64(-big, 1), "a2": i64(1, 2),
             "t2": i64(-2, -1)})


def test_slice_noncontiguous_then_reshape():
    # A strided view feeding a reshape and a transpose feeding a slice.
    x = f32(6, 4)
    run([node("Slice", ["x", "s", "e", "a", "t"], ["v"]),
         node("Reshape", ["v", "shape"], ["y"]),
         node("Transpose", ["x"], ["xt"]),
         node("Slice", ["xt", "s", "e", "a", "t"], ["z"]),
         node("Flatten", ["z"], ["w"], axis=0)], 17, {"x": x},
        {"y": x[::2, 1:3].reshape(-1), "w": x.T[::2, 1:3].reshape(1, -1)},
        {"s": i64(0, 1), "e": i64(6, 3), "a": i64(0, 1), "t": i64(2, 1),
         "shape": i64(-1)})


def gather_ref(data, idx, axis):
    n = data.shape[axis]
    k = np.where(idx < 0, idx + n, idx)
    return np.take(data, k, axis=axis)


def test_gather():
    x = f32(3, 4, 5)
    idx = np.array([[0, -1], [2, -4]], dtype=np.int64)
    for opset in (13, 21):
        run([node("Gather", ["x", "i"], ["a0"], axis=0),
             node("Gather", ["x", "i"], ["a1"], axis=1),
             node("Gather", ["x", "i"], ["am1"], axis=-1)], opset,
            {"x": x, "i": idx},
            {"a0": gather_ref(x, np.array([[0, -1], [2, -3]]), 0),
             "a1": gather_ref(x, idx, 1), "am1": gather_ref(x, idx, 2)})
    # int32 indices and a scalar index.
    i32 = np.array([4, -5, 1], dtype=np.int32)
    run([node("Gather", ["x", "i"], ["y"], axis=2),
         node("Gather", ["x", "k"], ["s"], axis=1)], 17, {"x": x, "i": i32},
        {"y": gather_ref(x, i32, 2), "s": x[:, 3]},
        {"k": np.array(-1, dtype=np.int64)})


def test_gather_out_of_range_is_clamped():
    # ONNX leaves out-of-range indices undefined; ours clamp to the axis
    # (documented contract: no read outside the tensor).
    x = f32(4, 3)
    idx = np.array([7, -9, 3], dtype=np.int64)
    run([node("Gather", ["x", "i"], ["y"])], 13, {"x": x, "i": idx},
        {"y": x[[3, 0, 3]]})


def test_expand_tile():
    x = f32(3, 1)
    for opset in (13, 21):
        run([node("Expand", ["x", "s"], ["e"]),
             node("Expand", ["x", "one"], ["same"])], opset, {"x": x},
            {"e": np.broadcast_to(x, (2, 3, 4)), "same": x},
            {"s": i64(2, 1, 4), "one": i64(1)})
    t = rng.integers(-5, 5, (2, 3, 2)).astype(np.int32)
    run([node("Tile", ["t", "r"], ["y"])], 13, {"t": t},
        {"y": np.tile(t, (2, 1, 3))}, {"r": i64(2, 1, 3)})
    run([node("Tile", ["x", "r"], ["y"])], 7, {"x": x},
        {"y": np.tile(x, (1, 5))}, {"r": i64(1, 5)})


def test_shape_size_constantofshape_range():
    x = f32(2, 3, 5)
    run([node("Shape", ["x"], ["s"]),
         node("Shape", ["x"], ["s1"], start=-2, end=10),
         node("Size", ["x"], ["n"]),
         node("ConstantOfShape", ["s"], ["c"],
              value=h.make_tensor("v", T.INT32, [1], [7])),
         node("Range", ["r0", "r1", "r2"], ["r"]),
         node("Range", ["q0", "q1", "q2"], ["q"])], 17, {"x": x},
        {"s": i64(2, 3, 5), "s1": i64(3, 5), "n": np.array(30, np.int64),
         "c": np.full((2, 3, 5), 7, np.int32),
         "r": np.arange(10, -3, -4, dtype=np.int64),
         "q": (0.5 + np.arange(7) * np.float32(0.3)).astype(np.float32)},
        {"r0": np.array(10, np.int64), "r1": np.array(-3, np.int64),
         "r2": np.array(-4, np.int64), "q0": np.array(0.5, np.float32),
         "q1": np.array(2.5, np.float32), "q2": np.array(0.3, np.float32)})


def test_range_float16_stash_type_27():
    """Range-27 computes float16 ranges in float (stash_type 1) and rounds
    each element once: start + i * delta in float32, then to float16. Before
    27 the same node computes in float16 itself."""
    start, delta = np.float16(0.1), np.float16(0.3)
    n = 40
    ref27 = (np.float32(start) + np.arange(n, dtype=np.float32) * np.float32(delta)).astype(np.float16)
    run([node("Range", ["a", "l", "d"], ["r"]), node("Identity", ["x"], ["y"])], 27,
        {"x": f32(1)}, {"r": ref27},
        {"a": np.array(start), "l": np.array(np.float16(0.1 + 0.3 * n - 0.15)),
         "d": np.array(delta)})


def pad_ref(x, begin, end, mode, value=0):
    """numpy.pad for non-negative pads after cropping the negative ones."""
    sl = tuple(slice(-b if b < 0 else 0, x.shape[d] + e if e < 0 else None)
               for d, (b, e) in enumerate(zip(begin, end)))
    x = x[sl]
    width = [(max(b, 0), max(e, 0)) for b, e in zip(begin, end)]
    if mode == "constant":
        return np.pad(x, width, "constant", constant_values=value)
    return np.pad(x, width, mode)


def test_pad():
    x = f32(3, 4)
    # Pad-2 attributes in an opset 10 model.
    run([node("Pad", ["x"], ["y"], pads=[1, 2, 0, 3], value=1.5)], 10,
        {"x": x}, {"y": pad_ref(x, [1, 2], [0, 3], "constant", 1.5)})
    for opset in (13, 17):
        for mode in ("constant", "reflect", "edge"):
            run([node("Pad", ["x", "p", "v"], ["y"], mode=mode)], opset,
                {"x": x}, {"y": pad_ref(x, [2, -1], [1, 3], mode, -2.0)},
                {"p": i64(2, -1, 1, 3), "v": np.array(-2.0, np.float32)})
    # Large reflect pads (wider than the dimension), and ints.
    t = rng.integers(0, 100, (3, 5)).astype(np.int64)
    run([node("Pad", ["t", "p"], ["y"], mode="reflect")], 13, {"t": t},
        {"y": pad_ref(t, [5, 0], [4, 9], "reflect")}, {"p": i64(5, 0, 4, 9)})
    # Axes (18) and wrap (19).
    z = f32(2, 3, 4)
    run([node("Pad", ["z", "p", "", "a"], ["y"])], 18, {"z": z},
        {"y": pad_ref(z, [0, 0, 1], [0, 0, 2], "constant")},
        {"p": i64(1, 2), "a": i64(-1)})
    for opset in (19, 21):
        run([node("Pad", ["z", "p", "", "a"], ["y"], mode="wrap")], opset,
            {"z": z}, {"y": pad_ref(z, [0, 4, -1], [0, 2, 3], "wrap")},
            {"p": i64(-1, 4, 3, 2), "a": i64(2, 1)})


def d2s_ref(x, b, mode):
    n, c, hh, w = x.shape
    if mode == "DCR":
        t = x.reshape(n, b, b, c // (b * b), hh, w).transpose(0, 3, 4, 1, 5, 2)
    else:
        t = x.reshape(n, c // (b * b), b, b, hh, w).transpose(0, 1, 4, 2, 5, 3)
    return t.reshape(n, c // (b * b), hh * b, w * b)


def test_depth_space():
    x = f32(2, 18, 2, 3)
    run([node("DepthToSpace", ["x"], ["y"], blocksize=3)], 10, {"x": x},
        {"y": d2s_ref(x, 3, "DCR")})
    for opset in (13, 21):
        run([node("DepthToSpace", ["x"], ["dcr"], blocksize=3),
             node("DepthToSpace", ["x"], ["crd"], blocksize=3, mode="CRD")],
            opset, {"x": x},
            {"dcr": d2s_ref(x, 3, "DCR"), "crd": d2s_ref(x, 3, "CRD")})
    s = f32(1, 3, 4, 6)
    n, c, hh, w = s.shape
    ref = s.reshape(n, c, hh // 2, 2, w // 2, 2).transpose(0, 3, 5, 1, 2, 4)
    run([node("SpaceToDepth", ["s"], ["y"], blocksize=2)], 13, {"s": s},
        {"y": ref.reshape(n, c * 4, hh // 2, w // 2)})


if __name__ == "__main__":
    main([v for k, v in sorted(globals().items()) if k.startswith("test_")])
