"""Reductions and normalizations end to end: each case builds a one-node
model at opsets 11-23, compiles and runs it, and compares with a numpy
float64 reference written from the ONNX spec. Bounds: rtol 1e-5 / atol 1e-6
for float32 results (1e-4 / 1e-5 where a normalization divides by a computed
standard deviation), 2e-3 for float16 (one rounding of an f32 accumulation),
exact for integers and bools."""
import numpy as np
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from sye2e import check_close, compile_and_run, emit, main

rng = np.random.default_rng(0)
NP = {T.FLOAT: np.float32, T.FLOAT16: np.float16, T.INT32: np.int32,
      T.INT64: np.int64, T.BOOL: np.bool_}


def dtype_of(a):
    return {np.dtype(v): k for k, v in NP.items()}[a.dtype]


def run(op, opset, inputs, consts=(), n_out=1, **attrs):
    """One `op` node on runtime inputs {name: array} followed by constant
    inputs [(name, array)] (None = absent); returns the outputs in order."""
    names = list(inputs) + [c[0] if c[1] is not None else "" for c in consts]
    outs = [f"y{i}" for i in range(n_out)]
    node = h.make_node(op, names, outs, **attrs)
    g = h.make_graph(
        [node], "g",
        [h.make_tensor_value_info(k, dtype_of(v), v.shape)
         for k, v in inputs.items()],
        [h.make_tensor_value_info(o, T.UNDEFINED, None) for o in outs],
        initializer=[nh.from_array(v, k) for k, v in consts if v is not None])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    got = compile_and_run(m, inputs)
    return [got[o] for o in outs]


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def axes_arg(opset, op, axes):
    """axes as attribute or constant input, by the op's version history."""
    since = 13 if op == "ReduceSum" else 18
    if opset >= since:
        return {}, [("axes", None if axes is None else np.array(axes, np.int64))]
    return ({} if axes is None else {"axes": axes}), []


# numpy float64 references of the reductions (axes=None: all).
REF = {
    "ReduceSum": lambda x, a, k: np.sum(x, axis=a, keepdims=k),
    "ReduceMean": lambda x, a, k: np.mean(x, axis=a, keepdims=k),
    "ReduceMax": lambda x, a, k: np.max(x, axis=a, keepdims=k),
    "ReduceMin": lambda x, a, k: np.min(x, axis=a, keepdims=k),
    "ReduceProd": lambda x, a, k: np.prod(x, axis=a, keepdims=k),
    "ReduceL1": lambda x, a, k: np.sum(np.abs(x), axis=a, keepdims=k),
    "ReduceL2": lambda x, a, k: np.sqrt(np.sum(x * x, axis=a, keepdims=k)),
    "ReduceSumSquare": lambda x, a, k: np.sum(x * x, axis=a, keepdims=k),
    "ReduceLogSum": lambda x, a, k: np.log(np.sum(x, axis=a, keepdims=k)),
    "ReduceLogSumExp":
        lambda x, a, k: np.log(np.sum(np.exp(x), axis=a, keepdims=k)),
}


def reduce(op, opset, x, axes, keepdims=1, rtol=1e-5, atol=1e-6):
    attrs, consts = axes_arg(opset, op, axes)
    (got,) = run(op, opset, {"x": x}, consts, keepdims=keepdims, **attrs)
    ax = None if axes is None else tuple(axes)
    xf = x.astype(np.float64) if x.dtype.kind == "f" else x
    want = REF[op](xf, ax, bool(keepdims))
    check_close(f"{op}@{opset} axes={axes} keepdims={keepdims}", got,
                want.astype(x.dtype) if x.dtype.kind != "f" else want,
                rtol, atol)


def test_reduce_sum_versions():
    x = f32(3, 5, 7)
    reduce("ReduceSum", 11, x, [1])
    reduce("ReduceSum", 13, x, [-1, 0], keepdims=0)
    reduce("ReduceSum", 17, x, None)
    reduce("ReduceSum", 21, x, [2], keepdims=0)


def test_reduce_mean_versions():
    x = f32(4, 3, 5)
    reduce("ReduceMean", 13, x, [0, 2])
    reduce("ReduceMean", 17, x, [1], keepdims=0)
    reduce("ReduceMean", 21, x, [-2, -1])
    reduce("ReduceMean", 21, x, None, keepdims=0)


def test_reduce_noop_with_empty_axes():
    x = f32(3, 4)
    for op, ref in [("ReduceSum", x), ("ReduceSumSquare", x * x),
                    ("ReduceL2", np.abs(x))]:
        (got,) = run(op, 18, {"x": x}, [("axes", np.zeros(0, np.int64))],
                     noop_with_empty_axes=1)
        check_close(f"{op} noop", got, ref.astype(np.float64))
    # Without noop, empty axes reduce everything.
    (got,) = run("ReduceMax", 21, {"x": x}, [("axes", np.zeros(0, np.int64))],
                 keepdims=0)
    check_close("ReduceMax empty axes", got, np.max(x))


def test_reduce_max_min_float_and_int():
    x = f32(5, 3, 2)
    reduce("ReduceMax", 13, x, [1])
    reduce("ReduceMin", 17, x, [0, 2], keepdims=0)
    reduce("ReduceMax", 21, x, [-1])
    xi = rng.integers(-1000, 1000, (7, 3), dtype=np.int32)
    reduce("ReduceMin", 13, xi, [0])
    reduce("ReduceMax", 21, xi, [1], keepdims=0)
    xl = rng.integers(-2**40, 2**40, (4, 5), dtype=np.int64)
    reduce("ReduceMin", 18, xl, None)


def test_reduce_max_nan_propagates():
    x = f32(2, 4)
    x[1, 2] = np.nan
    reduce("ReduceMax", 17, x, [1])


def test_reduce_bool_max_min():
    b = rng.random((4, 6)) > 0.7
    b[0, :] = False
    b[1, :] = True
    for op, ref in [("ReduceMax", np.any), ("ReduceMin", np.all)]:
        (got,) = run(op, 21, {"x": b}, [("axes", np.array([1], np.int64))],
                     keepdims=0)
        check_close(f"{op} bool", got, ref(b, axis=1))


def test_reduce_sum_prod_int():
    xi = rng.integers(-50, 50, (3, 4, 5), dtype=np.int64)
    reduce("ReduceSum", 13, xi, [1, 2])
    reduce("ReduceSum", 21, xi.astype(np.int32), None, keepdims=0)
    xp = rng.integers(-3, 4, (3, 5), dtype=np.int32)
    reduce("ReduceProd", 17, xp, [1])
    reduce("ReduceProd", 13, f32(3, 4) + 1.5, [0], rtol=1e-5)


def test_reduce_int_mean_l1_l2():
    xi = rng.integers(-20, 20, (3, 7), dtype=np.int32)
    (got,) = run("ReduceMean", 13, {"x": xi}, axes=[1])
    want = np.trunc(xi.sum(axis=1, keepdims=True) / 7).astype(np.int32)
    check_close("ReduceMean int", got, want)
    reduce("ReduceL1", 13, xi, [1])
    (got,) = run("ReduceL2", 13, {"x": xi}, axes=[1])
    want = np.sqrt((xi.astype(np.float64) ** 2).sum(axis=1, keepdims=True))
    check_close("ReduceL2 int", got, want.astype(np.int32))


def test_reduce_norms_and_logs():
    x = f32(4, 6, 3)
    for opset in (13, 17, 21):
        reduce("ReduceL1", opset, x, [1])
        reduce("ReduceL2", opset, x, [0, 2], keepdims=0)
        reduce("ReduceSumSquare", opset, x, [-1])
        reduce("ReduceLogSum", opset, np.abs(x) + 0.1, [1])
        reduce("ReduceLogSumExp", opset, x, [2], keepdims=0)


def test_reduce_log_sum_exp_stable():
    x = (f32(3, 5) * 10 + 500).astype(np.float32)  # exp overflows in f32
    xs = x.astype(np.float64)
    m = xs.max(axis=1, keepdims=True)
    want = np.log(np.exp(xs - m).sum(axis=1, keepdims=True)) + m
    (got,) = run("ReduceLogSumExp", 17, {"x": x}, axes=[1])
    check_close("ReduceLogSumExp large", got, want)
    x[0, :] = -np.inf
    (got,) = run("ReduceLogSumExp", 17, {"x": x}, axes=[1])
    if not np.isneginf(got[0, 0]):
        raise AssertionError(f"LogSumExp of all -inf: got {got[0, 0]}")


def test_reduce_float16_accumulates_in_f32():
    x = (rng.random((2, 3000)) + 0.5).astype(np.float16)
    (got,) = run("ReduceSum", 13, {"x": x}, [("axes", np.array([1], np.int64))])
    want = x.astype(np.float64).sum(axis=1, keepdims=True)
    check_close("ReduceSum f16", got, want, rtol=2e-3, atol=0)
    (got,) = run("ReduceMean", 13, {"x": x}, axes=[1])
    check_close("ReduceMean f16", got, want / 3000, rtol=2e-3, atol=0)


def softmax_ref(x, axes, log=False):
    m = x.max(axis=axes, keepdims=True)
    e = np.exp(x - m)
    s = e.sum(axis=axes, keepdims=True)
    return (x - m) - np.log(s) if log else e / s


def test_softmax_versions():
    x = f32(2, 3, 5) * 3
    xs = x.astype(np.float64)
    # Before 13: coerced to 2-D at axis (default 1): dims [axis, rank).
    (got,) = run("Softmax", 11, {"x": x})
    check_close("Softmax@11", got, softmax_ref(xs, (1, 2)))
    (got,) = run("Softmax", 11, {"x": x}, axis=2)
    check_close("Softmax@11 axis 2", got, softmax_ref(xs, (2,)))
    (got,) = run("Softmax", 13, {"x": x}, axis=1)
    check_close("Softmax@13 axis 1", got, softmax_ref(xs, (1,)))
    (got,) = run("Softmax", 17, {"x": x}, axis=0)
    check_close("Softmax@17 axis 0", got, softmax_ref(xs, (0,)))
    (got,) = run("Softmax", 21, {"x": x})
    check_close("Softmax@21", got, softmax_ref(xs, (2,)))


def test_log_softmax_versions_and_large_inputs():
    x = f32(3, 7) * 100  # exp(x) overflows without the max shift
    xs = x.astype(np.float64)
    (got,) = run("LogSoftmax", 11, {"x": x}, axis=0)
    check_close("LogSoftmax@11 axis 0", got, softmax_ref(xs, (0, 1), True),
                rtol=1e-5, atol=1e-4)
    (got,) = run("LogSoftmax", 17, {"x": x})
    check_close("LogSoftmax@17", got, softmax_ref(xs, (1,), True),
                rtol=1e-5, atol=1e-4)
    (got,) = run("Softmax", 21, {"x": x})
    check_close("Softmax large", got, softmax_ref(xs, (1,)))


def test_softmax_float16():
    x = (f32(4, 9) * 2).astype(np.float16)
    (got,) = run("Softmax", 13, {"x": x})
    check_close("Softmax f16", got, softmax_ref(x.astype(np.float64), (1,)),
                rtol=2e-3, atol=1e-4)


def layer_norm_ref(x, scale, bias, axis, eps):
    axes = tuple(range(axis, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    inv = 1 / np.sqrt(var + eps)
    y = (x - mean) * inv * scale
    return (y + bias if bias is not None else y), mean, inv


def test_layer_norm():
    x, s, b = f32(2, 3, 5) + 2, f32(3, 5), f32(5)
    y, mean, inv = run("LayerNormalization", 17, {"x": x, "s": s, "b": b},
                       n_out=3, axis=1, epsilon=1e-3)
    ry, rm, ri = layer_norm_ref(*(a.astype(np.float64) for a in (x, s, b)),
                                1, 1e-3)
    check_close("LayerNorm Y", y, ry, 1e-4, 1e-5)
    check_close("LayerNorm Mean", mean, rm, 1e-5, 1e-6)
    check_close("LayerNorm InvStdDev", inv, ri, 1e-4, 1e-5)
    x, s = f32(4, 7), f32(7)
    (y,) = run("LayerNormalization", 21, {"x": x, "s": s})
    ry, _, _ = layer_norm_ref(x.astype(np.float64), s.astype(np.float64),
                              None, 1, 1e-5)
    check_close("LayerNorm@21 no bias", y, ry, 1e-4, 1e-5)


def test_layer_norm_float16():
    x = (f32(3, 64) + 1).astype(np.float16)
    s, b = f32(64).astype(np.float16), f32(64).astype(np.float16)
    (y,) = run("LayerNormalization", 17, {"x": x, "s": s, "b": b})
    ry, _, _ = layer_norm_ref(*(a.astype(np.float64) for a in (x, s, b)),
                              1, 1e-5)
    check_close("LayerNorm f16", y, ry, 2e-3, 2e-3)


def test_rms_norm():
    x, s = f32(2, 3, 6), f32(3, 6)
    (y,) = run("RMSNormalization", 23, {"x": x, "s": s}, axis=1, epsilon=1e-4)
    xs = x.astype(np.float64)
    ms = (xs ** 2).mean(axis=(1, 2), keepdims=True)
    check_close("RMSNorm", y, xs / np.sqrt(ms + 1e-4) * s, 1e-4, 1e-5)


def batch_norm_ref(x, s, b, m, v, eps):
    sh = (1, -1) + (1,) * (x.ndim - 2)
    return ((x - m.reshape(sh)) / np.sqrt(v.reshape(sh) + eps) * s.reshape(sh)
            + b.reshape(sh))


def test_batch_norm_versions():
    for opset, shape in [(13, (2, 3, 5, 5)), (17, (1, 4, 7)), (21, (3, 2))]:
        c = shape[1]
        x, s, b, m = f32(*shape), f32(c), f32(c), f32(c)
        v = (rng.random(c) + 0.5).astype(np.float32)
        (y,) = run("BatchNormalization", opset,
                   {"x": x, "s": s, "b": b, "m": m, "v": v}, epsilon=1e-3)
        check_close(f"BatchNorm@{opset}", y,
                    batch_norm_ref(*(a.astype(np.float64)
                                     for a in (x, s, b, m, v)), 1e-3),
                    1e-5, 1e-5)


def test_batch_norm_constant_params():
    """Constant scale/B/mean/var (initializers, as exported models have)
    fold at compile time into one multiply-add per element: same results,
    including BatchNormalization-7's spatial=0 form with [C, D] parameters
    and a float16 X. The folding shows in --emit=linalg: no math.sqrt, no
    division."""
    x = f32(1, 3, 2, 2)
    params = [(n, (rng.random(3) + 0.5).astype(np.float32)) for n in "sbmv"]
    g = h.make_graph([h.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"])],
                     "g", [h.make_tensor_value_info("x", T.FLOAT, x.shape)],
                     [h.make_tensor_value_info("y", T.FLOAT, None)],
                     initializer=[nh.from_array(v, k) for k, v in params])
    ir = emit(h.make_model(g, opset_imports=[h.make_opsetid("", 15)]), "linalg")
    if "math.sqrt" in ir or "arith.divf" in ir or "linalg.generic" not in ir:
        raise AssertionError(f"BatchNorm with constant parameters not folded:\n{ir}")
    cases = [(9, (2, 3, 4, 4), np.float32, {}), (15, (1, 8, 5), np.float32, {}),
             (7, (2, 3, 4), np.float32, {"spatial": 0}),
             (15, (2, 4, 3, 3), np.float16, {})]
    for opset, shape, dt, attrs in cases:
        pshape = shape[1:] if attrs.get("spatial") == 0 else (shape[1],)
        x = f32(*shape).astype(dt)
        s, b, m = f32(*pshape), f32(*pshape), f32(*pshape)
        v = (rng.random(pshape) + 0.5).astype(np.float32)
        (y,) = run("BatchNormalization", opset, {"x": x},
                   [("s", s), ("b", b), ("m", m), ("v", v)], epsilon=1e-3, **attrs)
        want = batch_norm_ref(*(a.astype(np.float64) for a in (x, s, b, m, v)), 1e-3) \
            if pshape == (shape[1],) else \
            (x.astype(np.float64) - m) / np.sqrt(v.astype(np.float64) + 1e-3) * s + b
        tol = 2e-3 if dt == np.float16 else 1e-5
        check_close(f"BatchNorm@{opset} const {shape} {dt.__name__} {attrs}", y, want,
                    tol, tol)


def test_instance_norm():
    for opset, shape in [(13, (2, 3, 5, 4)), (17, (1, 2, 9)), (21, (2, 3, 3, 2, 2))]:
        c = shape[1]
        x, s, b = f32(*shape) * 2 + 1, f32(c), f32(c)
        (y,) = run("InstanceNormalization", opset, {"x": x, "s": s, "b": b})
        xs = x.astype(np.float64)
        axes = tuple(range(2, x.ndim))
        mean = xs.mean(axis=axes, keepdims=True)
        var = xs.var(axis=axes, keepdims=True)
        sh = (1, -1) + (1,) * (x.ndim - 2)
        want = s.reshape(sh) * (xs - mean) / np.sqrt(var + 1e-5) + b.reshape(sh)
        check_close(f"InstanceNorm@{opset}", y, want, 1e-4, 1e-5)


def test_lp_norm():
    x = f32(3, 5)
    x[1, :] = 0  # zero norm gives 0
    xs = x.astype(np.float64)
    for opset, p, axis in [(13, 2, -1), (17, 1, 1), (21, 2, 0)]:
        (y,) = run("LpNormalization", opset, {"x": x}, p=p, axis=axis)
        norm = (np.abs(xs) ** p).sum(axis=axis, keepdims=True) ** (1 / p)
        with np.errstate(invalid="ignore", divide="ignore"):
            want = np.where(norm == 0, 0, xs / norm)
        check_close(f"LpNorm p={p} axis={axis}", y, want)


def test_mean_variance_normalization():
    x = f32(2, 3, 4, 5) * 3 + 1
    xs = x.astype(np.float64)
    for opset, axes in [(13, None), (17, [1]), (21, [0, 3])]:
        attrs = {} if axes is None else {"axes": axes}
        (y,) = run("MeanVarianceNormalization", opset, {"x": x}, **attrs)
        ax = (0, 2, 3) if axes is None else tuple(axes)
        mean = xs.mean(axis=ax, keepdims=True)
        std = np.sqrt(((xs - mean) ** 2).mean(axis=ax, keepdims=True))
        check_close(f"MVN axes={axes}", y, (xs - mean) / (std + 1e-9),
                    1e-4, 1e-5)


if __name__ == "__main__":
    main([v for k, v in list(globals().items()) if k.startswith("test_")])
