"""Test models for the switchyard package's pytest suite, built with
onnx.helper, and the helpers the tests share (references, error bounds,
onnxruntime).

Every builder returns the ModelProto and the numpy arrays its initializers
were made from, so that references are computed from the weights in float64
numpy, independently of the compiler and of onnxruntime.
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def make_model(nodes, inputs, outputs, initializers=(), name="g"):
    graph = helper.make_graph(nodes, name, inputs, outputs,
                              [numpy_helper.from_array(a, n)
                               for n, a in initializers])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", OPSET)])
    onnx.checker.check_model(model, full_check=True)
    return model


def vi(name, elem_type, shape):
    return helper.make_tensor_value_info(name, elem_type, shape)


# -- models --------------------------------------------------------------------

def mlp(batch=4, d_in=32, d_hidden=64, d_out=10, seed=0):
    """y = Relu(x @ W1 + b1) @ W2, static shapes."""
    rng = np.random.default_rng(seed)
    w1 = (rng.standard_normal((d_in, d_hidden)) / np.sqrt(d_in)).astype(np.float32)
    b1 = rng.standard_normal(d_hidden).astype(np.float32)
    w2 = (rng.standard_normal((d_hidden, d_out)) / np.sqrt(d_hidden)).astype(np.float32)
    model = make_model(
        [helper.make_node("MatMul", ["x", "W1"], ["h0"], name="mlp/fc1/MatMul"),
         helper.make_node("Add", ["h0", "b1"], ["h1"], name="mlp/fc1/Add"),
         helper.make_node("Relu", ["h1"], ["h2"], name="mlp/relu"),
         helper.make_node("MatMul", ["h2", "W2"], ["y"], name="mlp/fc2/MatMul")],
        [vi("x", TensorProto.FLOAT, [batch, d_in])],
        [vi("y", TensorProto.FLOAT, [batch, d_out])],
        [("W1", w1), ("b1", b1), ("W2", w2)], name="mlp")
    return model, {"W1": w1, "b1": b1, "W2": w2}


def mlp_reference(weights, x):
    x = np.asarray(x, dtype=np.float64)
    h = np.maximum(x @ weights["W1"].astype(np.float64)
                   + weights["b1"].astype(np.float64), 0.0)
    return h @ weights["W2"].astype(np.float64)


def two_io():
    """Inputs u [3, 4], v [4] (broadcast); outputs declared in the order
    diff = u - v, then sum = u + v (not alphabetical, not the node order,
    and Sub is not symmetric, so a swap of inputs or outputs shows)."""
    model = make_model(
        [helper.make_node("Add", ["u", "v"], ["sum"], name="two/add"),
         helper.make_node("Sub", ["u", "v"], ["diff"], name="two/sub")],
        [vi("u", TensorProto.FLOAT, [3, 4]), vi("v", TensorProto.FLOAT, [4])],
        [vi("diff", TensorProto.FLOAT, [3, 4]),
         vi("sum", TensorProto.FLOAT, [3, 4])], name="two_io")
    return model


THRESHOLD = 3
FILL = -1


def int_bool():
    """x int64 [2, 6], m bool [2, 6] ->
    y = Where(x > 3, x, -1) int64, mask = x > 3 bool, xf = Cast<float>(x),
    notm = Not(m) bool."""
    model = make_model(
        [helper.make_node("Greater", ["x", "t"], ["mask"], name="ib/gt"),
         helper.make_node("Where", ["mask", "x", "fill"], ["y"], name="ib/where"),
         helper.make_node("Cast", ["x"], ["xf"], name="ib/cast",
                          to=TensorProto.FLOAT),
         helper.make_node("Not", ["m"], ["notm"], name="ib/not")],
        [vi("x", TensorProto.INT64, [2, 6]), vi("m", TensorProto.BOOL, [2, 6])],
        [vi("y", TensorProto.INT64, [2, 6]), vi("mask", TensorProto.BOOL, [2, 6]),
         vi("xf", TensorProto.FLOAT, [2, 6]), vi("notm", TensorProto.BOOL, [2, 6])],
        [("t", np.array(THRESHOLD, np.int64)), ("fill", np.array(FILL, np.int64))],
        name="int_bool")
    return model


def int_bool_reference(x, m):
    x = np.asarray(x, dtype=np.int64)
    m = np.asarray(m, dtype=bool)
    mask = x > THRESHOLD
    return {"y": np.where(mask, x, np.int64(FILL)), "mask": mask,
            "xf": x.astype(np.float64), "notm": ~m}


def dynamic_batch(d_in=16, d_out=8, seed=1):
    """y = Tanh(x @ W) with x declared ['batch', 16]."""
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((d_in, d_out)) / np.sqrt(d_in)).astype(np.float32)
    model = make_model(
        [helper.make_node("MatMul", ["x", "W"], ["h"], name="dyn/MatMul"),
         helper.make_node("Tanh", ["h"], ["y"], name="dyn/Tanh")],
        [vi("x", TensorProto.FLOAT, ["batch", d_in])],
        [vi("y", TensorProto.FLOAT, ["batch", d_out])],
        [("W", w)], name="dynamic_batch")
    return model, w


def topk_dynamic_k():
    """TopK whose K is a graph input: the compiler needs a constant K."""
    return make_model(
        [helper.make_node("TopK", ["scores", "k"], ["values", "indices"],
                          name="moe/router/TopK", axis=-1)],
        [vi("scores", TensorProto.FLOAT, [4, 8]), vi("k", TensorProto.INT64, [1])],
        [vi("values", TensorProto.FLOAT, [4, None]),
         vi("indices", TensorProto.INT64, [4, None])], name="router")


def matmul_chain(n=512, layers=32, seed=2):
    """y = x @ W @ W ... (layers times): about 2 * n^3 * layers flops, one
    shared weight so the library stays small."""
    rng = np.random.default_rng(seed)
    w = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)
    nodes, prev = [], "x"
    for i in range(layers):
        nodes.append(helper.make_node("MatMul", [prev, "W"], [f"h{i}"],
                                      name=f"chain/MatMul_{i}"))
        prev = f"h{i}"
    nodes.append(helper.make_node("Identity", [prev], ["y"], name="chain/out"))
    return make_model(nodes, [vi("x", TensorProto.FLOAT, [n, n])],
                      [vi("y", TensorProto.FLOAT, [n, n])], [("W", w)],
                      name="chain")


# -- checks --------------------------------------------------------------------

def assert_close(got, ref, rel, what):
    """max |got - ref| <= rel * (1 + max |ref|), shapes equal."""
    got = np.asarray(got)
    ref = np.asarray(ref)
    assert got.shape == ref.shape, \
        f"{what}: shape {got.shape}, reference {ref.shape}"
    err = float(np.max(np.abs(got.astype(np.float64) - ref.astype(np.float64)))) \
        if ref.size else 0.0
    scale = float(np.max(np.abs(ref))) if ref.size else 0.0
    bound = rel * (1.0 + scale)
    assert err <= bound, (
        f"{what}: max abs err {err:.3g} exceeds the bound {rel:g} * "
        f"(1 + max|ref| = {scale:.3g}) = {bound:.3g}")


def ort_run(model_or_path, feeds):
    """onnxruntime's outputs, in graph output order."""
    import onnxruntime
    source = model_or_path
    if isinstance(source, onnx.ModelProto):
        source = source.SerializeToString()
    session = onnxruntime.InferenceSession(
        source, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def bitwise_equal(a, b):
    a = np.ascontiguousarray(a)
    b = np.ascontiguousarray(b)
    return (a.dtype == b.dtype and a.shape == b.shape
            and a.tobytes() == b.tobytes())
