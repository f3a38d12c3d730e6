"""Indexing ops end to end (GatherElements, GatherND, ScatterElements,
ScatterND, CumSum, OneHot, Trilu, TopK, ArgMax, ArgMin, NonZero): each case
builds a one-node model at opsets 11-21, compiles and runs it, and compares
with a numpy reference written from the ONNX spec. Gathers, scatters (except
add/mul), OneHot, Trilu, TopK, Arg* and NonZero move values without
arithmetic, so they must match exactly; sums (CumSum, scatter add/mul) are
compared with rtol 1e-5 against float64. Out-of-range indices follow our
documented choice: gathers clamp, scatters skip."""
import itertools

import numpy as np
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from sye2e import check_close, compile_and_run, main

rng = np.random.default_rng(0)

NP_TO_ONNX = {np.dtype(np.float32): T.FLOAT, np.dtype(np.float64): T.DOUBLE,
              np.dtype(np.int32): T.INT32, np.dtype(np.int64): T.INT64,
              np.dtype(np.bool_): T.BOOL}


def run(op, opset, inputs, consts=(), n_out=1, **attrs):
    """One `op` node; `inputs` (name, array) are graph inputs, `consts`
    (name, array) initializers, in node input order given by `order`."""
    names = [n for n, _ in inputs] + [n for n, _ in consts]
    return run_ordered(op, opset, inputs, consts, names, n_out, **attrs)


def run_ordered(op, opset, inputs, consts, order, n_out=1, **attrs):
    outs = [f"y{i}" for i in range(n_out)]
    node = h.make_node(op, order, outs, **attrs)
    g = h.make_graph(
        [node], "g",
        [h.make_tensor_value_info(n, NP_TO_ONNX[a.dtype], a.shape)
         for n, a in inputs],
        [h.make_tensor_value_info(o, T.UNDEFINED, None) for o in outs],
        initializer=[nh.from_array(np.asarray(a), n) for n, a in consts])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    got = compile_and_run(m, dict(inputs))
    return [got[o] for o in outs]


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def wrap(i, n):
    return np.where(i < 0, i + n, i)


# --- references written from the ONNX spec --------------------------------

def ref_gather_elements(data, idx, axis):
    idx = wrap(idx.astype(np.int64), data.shape[axis])
    return np.take_along_axis(data, idx, axis)


def ref_gather_nd(data, idx, b):
    m = idx.shape[-1]
    out = np.empty(idx.shape[:-1] + data.shape[b + m:], data.dtype)
    for pos in itertools.product(*[range(s) for s in idx.shape[:-1]]):
        tup = tuple(wrap(idx[pos], np.array(data.shape[b:b + m])))
        out[pos] = data[pos[:b] + tup]
    return out


def reduce_fn(red):
    return {"none": lambda a, u: u, "add": np.add, "mul": np.multiply,
            "max": np.maximum, "min": np.minimum}[red]


def ref_scatter_elements(data, idx, upd, axis, red="none"):
    out = data.astype(np.float64).copy()
    f = reduce_fn(red)
    n = data.shape[axis]
    for pos in itertools.product(*[range(s) for s in idx.shape]):
        i = int(idx[pos])
        i = i + n if i < 0 else i
        if not 0 <= i < n:
            continue  # our documented choice: out-of-range updates skip
        dst = list(pos)
        dst[axis] = i
        out[tuple(dst)] = f(out[tuple(dst)], upd[pos])
    return out


def ref_scatter_nd(data, idx, upd, red="none"):
    out = data.astype(np.float64).copy()
    f = reduce_fn(red)
    m = idx.shape[-1]
    for pos in itertools.product(*[range(s) for s in idx.shape[:-1]]):
        tup = tuple(wrap(idx[pos], np.array(data.shape[:m])))
        out[tup] = f(out[tup], upd[pos])
    return out


def ref_cumsum(x, axis, exclusive, reverse):
    x = x.astype(np.float64)
    if reverse:
        x = np.flip(x, axis)
    y = np.cumsum(x, axis)
    if exclusive:
        y = y - x
    if reverse:
        y = np.flip(y, axis)
    return y


def ref_onehot(idx, depth, values, axis, wrap_negative=True):
    idx = idx.astype(np.int64)
    if wrap_negative:
        idx = np.where(idx < 0, idx + depth, idx)
    r = idx.ndim + 1
    axis = axis + r if axis < 0 else axis
    shape = list(idx.shape)
    shape.insert(axis, depth)
    out = np.full(shape, values[0], values.dtype)
    for pos in itertools.product(*[range(s) for s in idx.shape]):
        i = idx[pos]
        if 0 <= i < depth:
            dst = list(pos)
            dst.insert(axis, i)
            out[tuple(dst)] = values[1]
    return out


def ref_trilu(x, k, upper):
    n, m = x.shape[-2:]
    i, j = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
    keep = (j - i >= k) if upper else (j - i <= k)
    return np.where(keep, x, 0).astype(x.dtype)


def ref_topk(x, k, axis, largest):
    # Stable sort: equal values keep the lower index first (ONNX's rule).
    order = np.argsort(-x if largest else x, axis=axis, kind="stable")
    idx = np.take(order, np.arange(k), axis=axis)
    return np.take_along_axis(x, idx, axis), idx.astype(np.int64)


def ref_arg(x, axis, keepdims, last, is_max):
    f = np.argmax if is_max else np.argmin
    if last:
        n = x.shape[axis]
        r = n - 1 - f(np.flip(x, axis), axis=axis)
    else:
        r = f(x, axis=axis)
    if keepdims:
        r = np.expand_dims(r, axis)
    return r.astype(np.int64)


# --- cases -----------------------------------------------------------------

def test_gather_elements():
    x = f32(5, 7)
    i0 = rng.integers(-5, 5, (3, 7)).astype(np.int64)
    i1 = rng.integers(-7, 7, (5, 4)).astype(np.int32)
    for opset in (11, 13, 17, 21):
        (y,) = run("GatherElements", opset, [("x", x), ("i", i0)], axis=0)
        check_close("GatherElements axis 0", y, ref_gather_elements(x, i0, 0))
        (y,) = run("GatherElements", opset, [("x", x), ("i", i1)], axis=-1)
        check_close("GatherElements axis -1", y, ref_gather_elements(x, i1, 1))


def test_gather_elements_3d_int():
    x = rng.integers(-100, 100, (3, 4, 5)).astype(np.int32)
    i = rng.integers(-4, 4, (3, 2, 5)).astype(np.int64)
    (y,) = run("GatherElements", 13, [("x", x), ("i", i)], axis=1)
    check_close("GatherElements 3d", y, ref_gather_elements(x, i, 1))


def test_gather_nd():
    x = f32(3, 4, 5)
    full = np.stack([rng.integers(-3, 3, (2, 6)), rng.integers(-4, 4, (2, 6)),
                     rng.integers(0, 5, (2, 6))], -1).astype(np.int64)
    part = rng.integers(-3, 3, (4, 1)).astype(np.int64)
    for opset in (11, 13, 17, 21):
        (y,) = run("GatherND", opset, [("x", x), ("i", full)])
        check_close("GatherND full tuple", y, ref_gather_nd(x, full, 0))
        (y,) = run("GatherND", opset, [("x", x), ("i", part)])
        check_close("GatherND slices", y, ref_gather_nd(x, part, 0))


def test_gather_nd_batch_dims():
    x = f32(2, 3, 4, 5)
    i = np.stack([rng.integers(-3, 3, (2, 7)), rng.integers(0, 4, (2, 7))],
                 -1).astype(np.int64)
    for opset in (12, 13, 21):
        (y,) = run("GatherND", opset, [("x", x), ("i", i)], batch_dims=1)
        check_close("GatherND batch_dims=1", y, ref_gather_nd(x, i, 1))


def test_gather_out_of_range_clamps():
    # Not defined by ONNX; we clamp into [0, n-1] after wrapping.
    x = f32(4, 3)
    i = np.array([[9, -9, 3], [-1, 4, -5]], np.int64)
    (y,) = run("GatherElements", 13, [("x", x), ("i", i)], axis=0)
    clamped = np.clip(wrap(i, 4), 0, 3)
    check_close("GatherElements clamp", y, np.take_along_axis(x, clamped, 0))


def test_scatter_elements():
    x = f32(4, 5)
    # Distinct positions per column for reduction none (ONNX leaves
    # duplicates undefined there).
    i = np.stack([rng.permutation(4)[:3] for _ in range(5)], 1)
    i = (i - 4 * (rng.random(i.shape) > 0.5)).astype(np.int64)  # some negative
    u = f32(3, 5)
    for opset in (11, 13, 16, 21):
        (y,) = run_ordered("ScatterElements", opset, [("x", x), ("u", u)],
                           [("i", i)], ["x", "i", "u"], axis=0)
        check_close("ScatterElements none", y, ref_scatter_elements(x, i, u, 0))


def test_scatter_elements_reductions():
    x = f32(3, 6)
    i = rng.integers(-6, 6, (3, 9)).astype(np.int32)  # duplicates on purpose
    u = f32(3, 9)
    cases = [(16, "add"), (17, "mul"), (18, "max"), (21, "min"),
             (18, "add")]
    for opset, red in cases:
        (y,) = run_ordered("ScatterElements", opset, [("x", x), ("u", u)],
                           [("i", i)], ["x", "i", "u"], axis=1, reduction=red)
        check_close(f"ScatterElements {red} opset {opset}", y,
                    ref_scatter_elements(x, i, u, 1, red), rtol=1e-5, atol=1e-5)


def test_scatter_elements_int_and_skip():
    x = rng.integers(-50, 50, (5, 3)).astype(np.int64)
    i = np.array([[0, 7, -1], [-6, 2, 4]], np.int64)  # 7 and -6 skip
    u = rng.integers(-50, 50, (2, 3)).astype(np.int64)
    (y,) = run_ordered("ScatterElements", 18, [("x", x), ("u", u)], [("i", i)],
                       ["x", "i", "u"], axis=0, reduction="add")
    check_close("ScatterElements int skip", y,
                ref_scatter_elements(x, i, u, 0, "add").astype(np.int64))


def test_scatter_nd():
    x = f32(4, 3, 5)
    i = np.array([[1, 2], [-1, 0], [0, -3]], np.int64)
    u = f32(3, 5)
    for opset in (11, 13, 17, 21):
        (y,) = run_ordered("ScatterND", opset, [("x", x), ("u", u)], [("i", i)],
                           ["x", "i", "u"])
        check_close("ScatterND none", y, ref_scatter_nd(x, i, u))
    i1 = np.array([[[2], [0]], [[2], [3]]], np.int64)  # duplicates of row 2
    u1 = f32(2, 2, 3, 5)
    for opset, red in [(16, "add"), (16, "mul"), (18, "max"), (21, "min")]:
        (y,) = run_ordered("ScatterND", opset, [("x", x), ("u", u1)],
                           [("i", i1)], ["x", "i", "u"], reduction=red)
        check_close(f"ScatterND {red}", y, ref_scatter_nd(x, i1, u1, red),
                    rtol=1e-5, atol=1e-5)


def test_cumsum():
    x = f32(3, 7, 2)
    for opset in (11, 14, 17, 21):
        for axis, exclusive, reverse in [(1, 0, 0), (-1, 1, 0), (0, 0, 1),
                                         (1, 1, 1)]:
            (y,) = run("CumSum", opset, [("x", x)],
                       [("a", np.array(axis, np.int64))],
                       exclusive=exclusive, reverse=reverse)
            check_close(f"CumSum axis={axis} ex={exclusive} rev={reverse}", y,
                        ref_cumsum(x, axis, exclusive, reverse), atol=1e-5)


def test_cumsum_int_1d():
    x = rng.integers(-9, 9, (11,)).astype(np.int32)
    (y,) = run("CumSum", 14, [("x", x)], [("a", np.array([0], np.int32))],
               reverse=1)
    check_close("CumSum int32", y, ref_cumsum(x, 0, 0, 1).astype(np.int32))


def test_onehot():
    idx = np.array([[0, 3, -1], [-4, 5, 2]], np.int64)  # 5 is out of range
    vals = np.array([-1.5, 2.0], np.float32)
    for opset in (11, 13, 17, 21):
        for axis in (-1, 0, 1):
            (y,) = run("OneHot", opset, [("i", idx)],
                       [("d", np.array(4, np.int64)), ("v", vals)], axis=axis)
            check_close(f"OneHot axis={axis}", y,
                        ref_onehot(idx, 4, vals, axis))


def test_onehot_opset9_no_wrap_int_values():
    idx = np.array([1, -1, 0, 3], np.int32)
    vals = np.array([0, 7], np.int64)
    (y,) = run("OneHot", 10, [("i", idx)],
               [("d", np.array([3.0], np.float32)), ("v", vals)])
    check_close("OneHot opset 10", y,
                ref_onehot(idx, 3, vals, -1, wrap_negative=False))


def test_trilu():
    x = f32(2, 4, 6)
    for opset in (14, 17, 21):
        for upper, k in [(1, None), (0, None), (1, 2), (0, -1), (1, -5),
                         (0, 9)]:
            consts = [] if k is None else [("k", np.array(k, np.int64))]
            (y,) = run("Trilu", opset, [("x", x)], consts, upper=upper)
            check_close(f"Trilu upper={upper} k={k}", y,
                        ref_trilu(x, 0 if k is None else k, upper))


def test_topk():
    # Few distinct values: many ties, which keep the lower index first.
    x = rng.integers(0, 4, (3, 9)).astype(np.float32)
    for opset in (10, 11, 13, 17, 21):
        v, i = run("TopK", opset, [("x", x)], [("k", np.array([4], np.int64))],
                   n_out=2)
        rv, ri = ref_topk(x, 4, 1, True)
        check_close("TopK values", v, rv)
        check_close("TopK indices", i, ri)
    x = f32(7, 3)
    for largest in (0, 1):
        v, i = run("TopK", 11, [("x", x)], [("k", np.array([7], np.int64))],
                   n_out=2, axis=0, largest=largest)
        rv, ri = ref_topk(x, 7, 0, largest)
        check_close(f"TopK axis 0 largest={largest}", v, rv)
        check_close(f"TopK axis 0 largest={largest} indices", i, ri)


def test_topk_int_smallest_and_opset1():
    x = rng.integers(-3, 3, (2, 3, 6)).astype(np.int32)
    v, i = run("TopK", 11, [("x", x)], [("k", np.array([2], np.int64))],
               n_out=2, axis=-1, largest=0, sorted=1)
    rv, ri = ref_topk(x, 2, 2, False)
    check_close("TopK int smallest", v, rv)
    check_close("TopK int smallest indices", i, ri)
    xf = f32(4, 5)
    v, i = run("TopK", 9, [("x", xf)], n_out=2, k=3)
    rv, ri = ref_topk(xf, 3, 1, True)
    check_close("TopK opset 9", v, rv)
    check_close("TopK opset 9 indices", i, ri)


def test_argmax_argmin():
    x = rng.integers(0, 3, (3, 5, 4)).astype(np.float32)  # ties
    for opset in (12, 13, 17, 21):
        for op in ("ArgMax", "ArgMin"):
            for axis, keep, last in [(1, 1, 0), (-1, 0, 1), (0, 0, 0),
                                     (0, 1, 1), (2, 1, 1)]:
                (y,) = run(op, opset, [("x", x)], axis=axis, keepdims=keep,
                           select_last_index=last)
                check_close(f"{op} axis={axis} keep={keep} last={last}", y,
                            ref_arg(x, axis, keep, last, op == "ArgMax"))


def test_arg_int_opset11_and_1d():
    x = rng.integers(-100, 100, (6, 7)).astype(np.int64)
    (y,) = run("ArgMin", 11, [("x", x)], axis=-1)
    check_close("ArgMin int opset 11", y, ref_arg(x, 1, 1, 0, False))
    v = f32(9)
    (y,) = run("ArgMax", 13, [("x", v)])
    check_close("ArgMax 1-d keepdims", y, ref_arg(v, 0, 1, 0, True))
    (y,) = run("ArgMax", 13, [("x", v)], keepdims=0)
    check_close("ArgMax 1-d", y, ref_arg(v, 0, 0, 0, True))


def test_arg_nan():
    # ONNX's reference is numpy's argmax/argmin: a NaN wins, the first one
    # (the last one with select_last_index).
    x = np.array([[1, np.nan, 3, np.nan], [2, 5, 5, 0]], np.float32)
    for op in ("ArgMax", "ArgMin"):
        for last in (0, 1):
            (y,) = run(op, 13, [("x", x)], axis=1, keepdims=0,
                       select_last_index=last)
            check_close(f"{op} NaN last={last}", y,
                        ref_arg(x, 1, 0, last, op == "ArgMax"))


def test_nonzero_constant():
    c = np.array([[0, 1.5, 0], [2, 0, -3]], np.float32)
    want = np.stack(np.nonzero(c)).astype(np.int64)
    for opset in (9, 13, 21):
        # NonZero folds at import; Add keeps a graph input in the model.
        z = np.zeros(want.shape, np.int64)
        node = h.make_node("NonZero", ["c"], ["nz"])
        add = h.make_node("Add", ["nz", "z"], ["y"])
        g = h.make_graph([node, add], "g",
                         [h.make_tensor_value_info("z", T.INT64, z.shape)],
                         [h.make_tensor_value_info("y", T.INT64, None)],
                         initializer=[nh.from_array(c, "c")])
        m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
        check_close("NonZero", compile_and_run(m, {"z": z})["y"], want)


if __name__ == "__main__":
    main([test_gather_elements, test_gather_elements_3d_int, test_gather_nd,
          test_gather_nd_batch_dims, test_gather_out_of_range_clamps,
          test_scatter_elements, test_scatter_elements_reductions,
          test_scatter_elements_int_and_skip, test_scatter_nd, test_cumsum,
          test_cumsum_int_1d, test_onehot,
          test_onehot_opset9_no_wrap_int_values, test_trilu, test_topk,
          test_topk_int_smallest_and_opset1, test_argmax_argmin,
          test_arg_int_opset11_and_1d, test_arg_nan, test_nonzero_constant])
