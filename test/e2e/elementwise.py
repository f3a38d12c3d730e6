"""Elementwise ops end to end: each case builds a one- or two-node model,
compiles and runs it, and compares with numpy in float64 (rtol 1e-5 for
float32 math, exact for ints and bools)."""
import math

import numpy as np
from onnx import TensorProto as T
from onnx import helper as h

from sye2e import check_close, compile_and_run, emit, main

rng = np.random.default_rng(0)


def model(nodes, inputs, outputs, opset):
    g = h.make_graph(nodes, "g", inputs, outputs)
    return h.make_model(g, opset_imports=[h.make_opsetid("", opset)])


def vi(name, dtype, shape):
    return h.make_tensor_value_info(name, dtype, shape)


def binary(op, opset, a, b, ref, dtype=T.FLOAT, out_dtype=None, **attrs):
    m = model([h.make_node(op, ["a", "b"], ["y"], **attrs)],
              [vi("a", dtype, a.shape), vi("b", dtype, b.shape)],
              [vi("y", out_dtype or dtype, None)], opset)
    got = compile_and_run(m, {"a": a, "b": b})["y"]
    check_close(op, got, ref(a.astype(np.float64), b.astype(np.float64))
                if np.issubdtype(a.dtype, np.floating) else ref(a, b))


def unary(op, opset, x, ref, rtol=1e-5, atol=1e-6, **attrs):
    m = model([h.make_node(op, ["x"], ["y"], **attrs)],
              [vi("x", T.FLOAT, x.shape)], [vi("y", T.FLOAT, None)], opset)
    got = compile_and_run(m, {"x": x})["y"]
    check_close(op, got, ref(x.astype(np.float64)), rtol, atol)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def test_add_broadcast_opset13():
    binary("Add", 13, f32(2, 3, 4), f32(4), np.add)


def test_mul_broadcast_middle_opset17():
    binary("Mul", 17, f32(2, 1, 4), f32(3, 1), np.multiply)


def test_sub_div_opset21():
    binary("Sub", 21, f32(5, 6), f32(5, 6), np.subtract)
    binary("Div", 21, f32(5, 6), f32(1, 6) + 3.0, np.divide)


def test_integer_div_truncates():
    a = np.array([7, -7, 7, -7], dtype=np.int64)
    b = np.array([2, 2, -2, -2], dtype=np.int64)
    binary("Div", 17, a, b, lambda x, y: np.trunc(x / y).astype(np.int64), T.INT64)


def test_mod_python_and_fmod():
    a = np.array([7, -7, 7, -7], dtype=np.int32)
    b = np.array([3, 3, -3, -3], dtype=np.int32)
    binary("Mod", 13, a, b, np.mod, T.INT32)
    x, y = f32(8), f32(8) + 2.0
    binary("Mod", 13, x, y, np.fmod, T.FLOAT, fmod=1)


def test_compare_and_where():
    a, b = f32(3, 4), f32(4)
    binary("Less", 13, a, b, np.less, T.FLOAT, T.BOOL)
    binary("GreaterOrEqual", 17, a, b, np.greater_equal, T.FLOAT, T.BOOL)
    c = rng.random((3, 4)) > 0.5
    m = model([h.make_node("Where", ["c", "a", "b"], ["y"])],
              [vi("c", T.BOOL, c.shape), vi("a", T.FLOAT, a.shape),
               vi("b", T.FLOAT, b.shape)], [vi("y", T.FLOAT, None)], 17)
    got = compile_and_run(m, {"c": c, "a": a, "b": b})["y"]
    check_close("Where", got, np.where(c, a, b))


def test_activations():
    x = f32(4, 16) * 3
    unary("Relu", 14, x, lambda v: np.maximum(v, 0))
    unary("Sigmoid", 13, x, lambda v: 1 / (1 + np.exp(-v)))
    unary("Tanh", 13, x, np.tanh)
    unary("LeakyRelu", 16, x, lambda v: np.where(v < 0, 0.1 * v, v), alpha=0.1)
    unary("HardSigmoid", 13, x, lambda v: np.clip(0.2 * v + 0.5, 0, 1))
    unary("Elu", 13, x, lambda v: np.where(v < 0, np.expm1(v), v))
    unary("Softplus", 13, x, lambda v: np.log1p(np.exp(v)))
    erf = np.vectorize(math.erf)
    unary("Erf", 13, x, erf)
    unary("Gelu", 20, x, lambda v: 0.5 * v * (1 + erf(v / math.sqrt(2))))
    unary("Gelu", 20, x,
          lambda v: 0.5 * v * (1 + np.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3))),
          approximate="tanh")


def test_math():
    x = np.abs(f32(3, 5)) + 0.1
    unary("Sqrt", 13, x, np.sqrt)
    unary("Log", 13, x, np.log)
    unary("Exp", 13, x, np.exp)
    unary("Reciprocal", 13, x, np.reciprocal)
    y = f32(3, 5) * 4
    unary("Floor", 13, y, np.floor)
    unary("Round", 11, y, np.round)
    unary("Abs", 13, y, np.abs)
    unary("Sign", 13, np.array([-2, 0, 3], dtype=np.float32), np.sign)


def test_exp_tanh_erf_polynomials():
    """f32 Exp, Sigmoid, Tanh and Erf go through sy-approximate-math's
    polynomials (the LLVM IR calls no expf, tanhf or erff, so the loops
    vectorize): over [-105, 100] (overflow to inf past ~88.72, denormal and
    zero results below ~-87.3), the special values (+-0, +-inf, NaN,
    denormal inputs) and 120k points so the loop also runs on the pool.
    Against numpy in float64 at rtol 1e-6 (about 8 float32 ulp; measured
    at most 5) and atol 1e-37 (results below the normal range); inf and
    NaN must match exactly."""
    x = np.concatenate([
        rng.uniform(-100, 100, 50000), rng.standard_normal(50000) * 3,
        np.linspace(-105, 90, 20000),
        [0.0, -0.0, 1e-30, -1e-30, 1e-45, 88.72, 88.73, 89.0, -87.3, -103.9,
         -104.0, np.inf, -np.inf, np.nan]]).astype(np.float32)
    erf = np.vectorize(math.erf)
    refs = {"Exp": np.exp, "Sigmoid": lambda v: 1 / (1 + np.exp(-v)),
            "Tanh": np.tanh, "Erf": erf}
    m = model([h.make_node(op, ["x"], [op.lower()]) for op in refs],
              [vi("x", T.FLOAT, x.shape)],
              [vi(op.lower(), T.FLOAT, None) for op in refs], 13)
    ir = emit(m, "llvm")
    for fn in ["@expf", "@tanhf", "@erff"]:
        if fn + "(" in ir:
            raise AssertionError(f"the LLVM IR still calls {fn}")
    got = compile_and_run(m, {"x": x})
    x64 = x.astype(np.float64)
    with np.errstate(over="ignore"):
        for op, ref in refs.items():
            # float32 rounding of the reference: exp(89) is inf there.
            want = ref(x64).astype(np.float32).astype(np.float64)
            check_close(op, got[op.lower()], want, rtol=1e-6, atol=1e-37)
            inf = np.isinf(want)
            if not np.array_equal(got[op.lower()][inf], want[inf]):
                raise AssertionError(f"{op}: infinities differ")


def test_integer_abs_and_neg():
    x = np.array([-5, 0, 7, -2147483647], dtype=np.int32)
    m = model([h.make_node("Abs", ["x"], ["a"]), h.make_node("Neg", ["x"], ["n"])],
              [vi("x", T.INT32, x.shape)],
              [vi("a", T.INT32, None), vi("n", T.INT32, None)], 13)
    out = compile_and_run(m, {"x": x})
    check_close("Abs", out["a"], np.abs(x))
    check_close("Neg", out["n"], -x)


def test_clip_opset10_and_13():
    x = f32(10) * 5
    unary("Clip", 10, x, lambda v: np.clip(v, -1, 2), min=-1.0, max=2.0)
    lo = np.array(-0.5, dtype=np.float32)
    m = model([h.make_node("Clip", ["x", "lo"], ["y"])],
              [vi("x", T.FLOAT, x.shape), vi("lo", T.FLOAT, [])],
              [vi("y", T.FLOAT, None)], 13)
    check_close("Clip", compile_and_run(m, {"x": x, "lo": lo})["y"],
                np.maximum(x, -0.5))


def test_cast():
    x = np.array([-2.7, -0.5, 0.0, 0.5, 2.7, 300.2], dtype=np.float32)
    m = model([h.make_node("Cast", ["x"], ["y"], to=T.INT32),
               h.make_node("Cast", ["x"], ["b"], to=T.BOOL)],
              [vi("x", T.FLOAT, x.shape)],
              [vi("y", T.INT32, None), vi("b", T.BOOL, None)], 13)
    out = compile_and_run(m, {"x": x})
    check_close("Cast->int32", out["y"], x.astype(np.int32))
    check_close("Cast->bool", out["b"], x != 0)


def test_parallel_loops():
    """Elementwise loops of 32768 points and more run on the thread pool
    (sy-parallelize-elementwise: the LLVM IR calls sy_rt_parallel_for from
    @main and has the outlined @main_parallel<N>): a channel-broadcast
    SiLU-like chain split along the channels, a Where on int64 and bool
    operands, a Concat whose copies write strided views, and a 2-D Add whose
    first dimension is split. Results on 1, 2 and 3 threads vs numpy in
    float64 at rtol 1e-5 / atol 1e-6 (exact for the integers)."""
    import os
    import subprocess
    import tempfile
    import onnx
    from onnx import numpy_helper as nh
    from sye2e import compile_model, run_library, tool
    x = f32(1, 48, 40, 40)
    c = f32(1, 48, 1, 1)
    ints = rng.integers(-50, 50, (1, 48, 40, 40)).astype(np.int64)
    a2, b2 = f32(300, 200), f32(200)
    nodes = [h.make_node("Add", ["x", "c"], ["xc"]),
             h.make_node("Sigmoid", ["xc"], ["s"]),
             h.make_node("Mul", ["xc", "s"], ["silu"]),
             h.make_node("Greater", ["x", "c"], ["gt"]),
             h.make_node("Where", ["gt", "ints", "k"], ["w"]),
             h.make_node("Concat", ["silu", "x"], ["cat"], axis=1),
             h.make_node("Add", ["a2", "b2"], ["y2"])]
    g = h.make_graph(nodes, "g",
                     [vi("x", T.FLOAT, x.shape), vi("ints", T.INT64, ints.shape),
                      vi("a2", T.FLOAT, a2.shape)],
                     [vi("silu", T.FLOAT, None), vi("w", T.INT64, None),
                      vi("cat", T.FLOAT, None), vi("y2", T.FLOAT, None)],
                     [nh.from_array(c, "c"), nh.from_array(np.array(7, np.int64), "k"),
                      nh.from_array(b2, "b2")])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    xc = x.astype(np.float64) + c
    silu = xc / (1 + np.exp(-xc))
    want = {"silu": silu, "w": np.where(x > c, ints, 7),
            "cat": np.concatenate([silu, x.astype(np.float64)], axis=1),
            "y2": a2.astype(np.float64) + b2}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.onnx")
        onnx.save(m, path)
        ir = subprocess.run([tool("switchyard-compile"), path, "--emit=llvm", "-o", "-"],
                            capture_output=True, text=True, check=True).stdout
        calls = ir.count("call void @sy_rt_parallel_for(")
        outlined = ir.count("define internal void @main_parallel")
        if calls < 4 or outlined != calls:
            raise AssertionError(f"{calls} sy_rt_parallel_for calls, {outlined} outlined loops")
        lib = compile_model(m, d)
        feeds = {"x": x, "ints": ints, "a2": a2}
        for threads in [1, 2, 3]:
            got = run_library(lib, feeds, d, threads=threads)
            for name, ref in want.items():
                check_close(f"parallel {name} threads={threads}", got[name], ref,
                            *((1e-5, 1e-6) if name != "w" else ()))


if __name__ == "__main__":
    main([v for k, v in sorted(globals().items()) if k.startswith("test_")])
