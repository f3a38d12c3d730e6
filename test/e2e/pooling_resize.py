"""Pooling and resize end to end: each case builds a small model (opsets 13,
17 and 21 where the op exists, Resize also at 10/11/18/19, Upsample at 9),
compiles and runs it, and compares with references written here from the
ONNX spec in numpy float64: float32 results within rtol 1e-5 / atol 1e-5
(float16 within rtol 2e-3 / atol 2e-3), indices and integers exactly."""
import itertools
import math

import numpy as np
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from sye2e import check_close, compile_and_run, main

rng = np.random.default_rng(0)


def model(nodes, inputs, outputs, opset, inits=()):
    g = h.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    return h.make_model(g, opset_imports=[h.make_opsetid("", opset)])


def vi(name, dtype, shape):
    return h.make_tensor_value_info(name, dtype, shape)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


# --------------------------------------------------------------------------
# Pooling reference (spec: output sizes, pads, divisors, Indices layout)
# --------------------------------------------------------------------------

def pool_geometry(in_shape, kernel, strides, pads, dil, ceil_mode, auto_pad):
    n = len(in_shape)
    strides = strides or [1] * n
    dil = dil or [1] * n
    pads = list(pads or [0] * (2 * n))
    span = [(k - 1) * d + 1 for k, d in zip(kernel, dil)]
    out = []
    for i in range(n):
        if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
            o = math.ceil(in_shape[i] / strides[i])
            total = max(0, (o - 1) * strides[i] + span[i] - in_shape[i])
            small, big = total // 2, total - total // 2
            pads[i], pads[n + i] = ((small, big) if auto_pad == "SAME_UPPER"
                                    else (big, small))
        else:
            if auto_pad == "VALID":
                pads[i] = pads[n + i] = 0
            size = (in_shape[i] + pads[i] + pads[n + i] - span[i]) / strides[i]
            o = (math.ceil(size) if ceil_mode else math.floor(size)) + 1
            # A last window starting in the end padding is dropped.
            if ceil_mode and (o - 1) * strides[i] >= in_shape[i] + pads[i]:
                o -= 1
        out.append(o)
    return out, strides, dil, pads


def pool_ref(x, kind, kernel_shape, strides=None, pads=None, dilations=None,
             ceil_mode=0, auto_pad="NOTSET", count_include_pad=0,
             storage_order=0):
    """(values, indices) of MaxPool / AveragePool; max ignores padding,
    average divides by the taps inside the input (or inside the padded
    extent with count_include_pad)."""
    N, C, *in_shape = x.shape
    n = len(in_shape)
    kernel = kernel_shape
    out, strides, dil, pads = pool_geometry(in_shape, kernel, strides, pads,
                                            dilations, ceil_mode, auto_pad)
    xf = x.astype(np.float64)
    y = np.zeros((N, C, *out))
    idx = np.zeros((N, C, *out), dtype=np.int64)
    image = int(np.prod(in_shape))
    for o in itertools.product(*[range(v) for v in out]):
        taps = [[o[i] * strides[i] + w * dil[i] - pads[i] for w in range(kernel[i])]
                for i in range(n)]
        inside = [[p for p in t if 0 <= p < in_shape[i]] for i, t in enumerate(taps)]
        window = xf[(slice(None), slice(None), *np.ix_(*inside))].reshape(N, C, -1)
        if kind == "max":
            y[(slice(None), slice(None), *o)] = window.max(axis=2)
            first = window.argmax(axis=2)  # first maximum in scan order
            coords = np.unravel_index(first, [len(t) for t in inside])
            pos = [np.asarray(inside[i])[coords[i]] for i in range(n)]
            flat = np.ravel_multi_index(pos, in_shape,
                                        order="F" if storage_order else "C")
            base = (np.arange(N)[:, None] * C + np.arange(C)[None, :]) * image
            idx[(slice(None), slice(None), *o)] = base + flat
        else:
            if count_include_pad:
                count = np.prod([sum(-pads[i] <= p < in_shape[i] + pads[n + i]
                                     for p in taps[i]) for i in range(n)])
            else:
                count = np.prod([len(t) for t in inside])
            y[(slice(None), slice(None), *o)] = window.sum(axis=2) / count
    return y, idx


def run_pool(op, opset, x, with_indices=False, dtype=T.FLOAT, rtol=1e-5,
             atol=1e-5, **attrs):
    outs = ["y", "i"] if with_indices else ["y"]
    ovi = [vi("y", dtype, None)] + ([vi("i", T.INT64, None)] if with_indices else [])
    m = model([h.make_node(op, ["x"], outs, **attrs)], [vi("x", dtype, x.shape)],
              ovi, opset)
    got = compile_and_run(m, {"x": x})
    kind = "max" if op == "MaxPool" else "avg"
    want, idx = pool_ref(x, kind, **attrs)
    check_close(f"{op}@{opset} {attrs}", got["y"],
                want.astype(x.dtype) if x.dtype.kind == "i" else want, rtol, atol)
    if with_indices:
        check_close(f"{op}@{opset} Indices", got["i"], idx)


def test_maxpool_pads_strides_indices_opset13():
    run_pool("MaxPool", 13, f32(2, 3, 7, 7), with_indices=True,
             kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])


def test_maxpool_ceil_dilations_column_major_opset17():
    run_pool("MaxPool", 17, f32(1, 2, 9, 8), with_indices=True,
             kernel_shape=[3, 2], strides=[2, 3], dilations=[2, 1],
             ceil_mode=1, storage_order=1)


def test_maxpool_1d_3d_same_opset21():
    run_pool("MaxPool", 21, f32(2, 2, 11), kernel_shape=[4], strides=[3],
             auto_pad="SAME_UPPER")
    run_pool("MaxPool", 21, f32(1, 2, 5, 6, 7), with_indices=True,
             kernel_shape=[2, 3, 2], strides=[2, 2, 3], pads=[0, 1, 1, 1, 0, 0])


def test_maxpool_int8_opset13():
    x = rng.integers(-128, 128, (1, 2, 5, 5)).astype(np.int8)
    run_pool("MaxPool", 13, x, dtype=T.INT8, kernel_shape=[2, 2],
             pads=[1, 1, 0, 0])


def test_averagepool_pads_exclude_include_opset13():
    x = f32(2, 3, 6, 5)
    run_pool("AveragePool", 13, x, kernel_shape=[3, 2], strides=[2, 1],
             pads=[1, 0, 2, 1])
    run_pool("AveragePool", 13, x, kernel_shape=[3, 2], strides=[2, 1],
             pads=[1, 0, 2, 1], count_include_pad=1)


def test_averagepool_ceil_mode_opset17():
    # 7 = 2 windows of 3 at stride 2 + a partial last one (ceil_mode); the
    # last-window rule drops a window that would start in the end padding.
    x = f32(1, 2, 7, 6)
    run_pool("AveragePool", 17, x, kernel_shape=[3, 3], strides=[2, 2],
             ceil_mode=1)
    run_pool("AveragePool", 17, x, kernel_shape=[3, 3], strides=[2, 2],
             pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=1)
    # 5 + 1 + 1 padded, kernel 2, stride 2: ceil gives 4 windows, but the
    # 4th would start at 6 >= 5 + 1 (in the end padding): 3 remain.
    x = f32(1, 2, 5, 5)
    run_pool("AveragePool", 17, x, kernel_shape=[2, 2], strides=[2, 2],
             pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=1)
    run_pool("MaxPool", 17, x, kernel_shape=[2, 2], strides=[2, 2],
             pads=[1, 1, 1, 1], ceil_mode=1)


def test_averagepool_same_lower_dilations_opset21():
    run_pool("AveragePool", 21, f32(1, 2, 8, 7), kernel_shape=[2, 3],
             strides=[3, 2], auto_pad="SAME_LOWER")
    run_pool("AveragePool", 21, f32(1, 1, 6, 7, 5), kernel_shape=[2, 2, 2],
             dilations=[2, 1, 2], pads=[1, 0, 1, 0, 1, 1], count_include_pad=1)


def test_averagepool_valid_1d_f16_opset17():
    x = f32(2, 3, 9).astype(np.float16)
    run_pool("AveragePool", 17, x, dtype=T.FLOAT16, rtol=2e-3, atol=2e-3,
             kernel_shape=[4], strides=[2], auto_pad="VALID")


def test_global_pools():
    for opset in (13, 21):
        x = f32(2, 3, 5, 7)
        m = model([h.make_node("GlobalAveragePool", ["x"], ["a"]),
                   h.make_node("GlobalMaxPool", ["x"], ["m"])],
                  [vi("x", T.FLOAT, x.shape)],
                  [vi("a", T.FLOAT, None), vi("m", T.FLOAT, None)], opset)
        got = compile_and_run(m, {"x": x})
        xd = x.astype(np.float64)
        check_close(f"GlobalAveragePool@{opset}", got["a"],
                    xd.mean(axis=(2, 3), keepdims=True))
        check_close(f"GlobalMaxPool@{opset}", got["m"],
                    xd.max(axis=(2, 3), keepdims=True))


# --------------------------------------------------------------------------
# Resize reference (spec: coordinate transforms, nearest rounding, linear
# and cubic (Keys) kernels, edge clamping, exclude_outside)
# --------------------------------------------------------------------------

def source_coord(ctm, x, scale, n_in, n_out):
    if ctm == "asymmetric":
        return x / scale
    if ctm == "align_corners":
        return 0.0 if n_out == 1 else x * (n_in - 1) / (n_out - 1)
    if ctm == "pytorch_half_pixel":
        return (x + 0.5) / scale - 0.5 if n_out > 1 else 0.0
    if ctm == "half_pixel_symmetric":
        adj = n_out / (scale * n_in)
        return n_in / 2 * (1 - adj) + (x + 0.5) / scale - 0.5
    assert ctm == "half_pixel"
    return (x + 0.5) / scale - 0.5


def nearest_index(c, nearest_mode, scale):
    frac = c - math.floor(c)
    if nearest_mode == "legacy":  # Resize-10/Upsample: floor up, ceil down
        return math.ceil(c) if scale < 1 else math.floor(c)
    if nearest_mode == "floor":
        return math.floor(c)
    if nearest_mode == "ceil":
        return math.ceil(c)
    if frac == 0.5:
        return math.floor(c) if nearest_mode == "round_prefer_floor" else math.ceil(c)
    return math.floor(c + 0.5)


def keys(t, a):
    t = abs(t)
    if t <= 1:
        return (a + 2) * t**3 - (a + 3) * t**2 + 1
    if t < 2:
        return a * t**3 - 5 * a * t**2 + 8 * a * t - 4 * a
    return 0.0


def resize_matrix(n_in, n_out, scale, mode, ctm, nearest_mode, a, exclude):
    """Row o: the weights of the input elements feeding output o."""
    w = np.zeros((n_out, n_in))
    for o in range(n_out):
        c = source_coord(ctm, o, scale, n_in, n_out)
        if mode == "nearest":
            taps = [(nearest_index(c, nearest_mode, scale), 1.0)]
        elif mode == "linear":
            f = math.floor(c)
            taps = [(f, 1 - (c - f)), (f + 1, c - f)]
        else:
            f = math.floor(c)
            taps = [(f + j, keys(c - (f + j), a)) for j in (-1, 0, 1, 2)]
        if exclude:
            taps = [(i, v) for i, v in taps if 0 <= i < n_in]
            total = sum(v for _, v in taps)
            taps = [(i, v / total) for i, v in taps]
        for i, v in taps:
            w[o, min(max(i, 0), n_in - 1)] += v  # edge padding
    return w


def resize_ref(x, out_shape, scales, mode="nearest", ctm="half_pixel",
               nearest_mode="round_prefer_floor", a=-0.75, exclude=False):
    y = x.astype(np.float64)
    for axis in range(x.ndim):
        n_in, n_out = x.shape[axis], out_shape[axis]
        if n_in == n_out and scales[axis] == 1:
            continue
        w = resize_matrix(n_in, n_out, scales[axis], mode, ctm, nearest_mode,
                          a, exclude)
        y = np.moveaxis(np.tensordot(w, np.moveaxis(y, axis, 0), axes=1), 0, axis)
    return y


def run_resize(opset, x, scales=None, sizes=None, axes=None, dtype=T.FLOAT,
               ref_kw=None, op="Resize", **attrs):
    """Resize with constant scales or sizes; the reference gets the full
    per-axis scales and output shape computed from the spec here."""
    r = x.ndim
    axes_ = axes if axes is not None else list(range(r))
    full_scales, out = [1.0] * r, list(x.shape)
    if scales is not None:
        for s, ax in zip(scales, axes_):
            full_scales[ax] = float(np.float32(s))
            out[ax] = math.floor(x.shape[ax] * full_scales[ax])
    else:
        for s, ax in zip(sizes, axes_):
            full_scales[ax], out[ax] = s / x.shape[ax], s
        policy = attrs.get("keep_aspect_ratio_policy", "stretch")
        if policy != "stretch":
            pick = min if policy == "not_larger" else max
            scale = pick(full_scales[ax] for ax in axes_)
            for ax in axes_:
                full_scales[ax] = scale
                out[ax] = int(scale * x.shape[ax] + 0.5)
    inits, names = [], ["x"]

    def const(name, value):
        inits.append(nh.from_array(value, name))
        names.append(name)

    if op == "Upsample" or opset < 11:
        const("scales", np.array(scales, np.float32))
    else:
        if opset < 13:
            const("roi", np.zeros([0], np.float32))
        else:
            names.append("")
        if scales is not None:
            const("scales", np.array(scales, np.float32))
        else:
            if opset < 13:
                const("scales", np.zeros([0], np.float32))
            else:
                names.append("")
            const("sizes", np.array(sizes, np.int64))
    if axes is not None:
        attrs["axes"] = axes
    m = model([h.make_node(op, names, ["y"], **attrs)], [vi("x", dtype, x.shape)],
              [vi("y", dtype, None)], opset, inits)
    got = compile_and_run(m, {"x": x})["y"]
    kw = dict(ref_kw or {})
    kw.setdefault("mode", attrs.get("mode", "nearest"))
    if op == "Upsample" or opset < 11:
        kw.update(ctm="asymmetric", nearest_mode="legacy")
    else:
        kw.setdefault("ctm", attrs.get("coordinate_transformation_mode", "half_pixel"))
        kw.setdefault("nearest_mode", attrs.get("nearest_mode", "round_prefer_floor"))
        kw.setdefault("a", attrs.get("cubic_coeff_a", -0.75))
        kw.setdefault("exclude", bool(attrs.get("exclude_outside", 0)))
    want = resize_ref(x, out, full_scales, **kw)
    if x.dtype.kind == "i":
        want = want.astype(x.dtype)
    check_close(f"{op}@{opset} {attrs} scales={scales} sizes={sizes}", got, want,
                rtol=1e-5, atol=1e-5)


def test_resize_nearest_modes_opset13():
    x = f32(1, 2, 5, 7)
    for nm in ("round_prefer_floor", "round_prefer_ceil", "floor", "ceil"):
        run_resize(13, x, scales=[1, 1, 1.5, 0.6], nearest_mode=nm)
    # Integer data, sizes, asymmetric / align_corners: exact gathers.
    xi = rng.integers(-100, 100, (2, 3, 5)).astype(np.int32)
    run_resize(13, xi, sizes=[2, 7, 3], dtype=T.INT32,
               coordinate_transformation_mode="asymmetric",
               nearest_mode="round_prefer_ceil")
    run_resize(13, xi, sizes=[2, 5, 9], dtype=T.INT32,
               coordinate_transformation_mode="align_corners")


def test_resize_linear_opset17():
    x = f32(2, 3, 4, 6)
    run_resize(17, x, scales=[1, 1, 2, 1.5], mode="linear")
    run_resize(17, x, sizes=[2, 3, 7, 3], mode="linear",
               coordinate_transformation_mode="align_corners")
    run_resize(17, x, sizes=[2, 3, 1, 5], mode="linear",
               coordinate_transformation_mode="pytorch_half_pixel")
    run_resize(17, f32(3, 5, 2), scales=[1, 0.5, 2.5], mode="linear",
               coordinate_transformation_mode="asymmetric")


def test_resize_cubic_opset13():
    x = f32(1, 1, 5, 6)
    run_resize(13, x, scales=[1, 1, 1.6, 0.5], mode="cubic")
    run_resize(13, x, sizes=[1, 1, 8, 9], mode="cubic", cubic_coeff_a=-0.5,
               exclude_outside=1)


def test_resize_axes_keep_aspect_opset18():
    x = f32(2, 3, 6, 8)
    run_resize(18, x, sizes=[9, 10], axes=[3, 2], mode="linear",
               keep_aspect_ratio_policy="not_larger")
    run_resize(18, x, sizes=[4, 3], axes=[2, 3],
               keep_aspect_ratio_policy="not_smaller")
    run_resize(18, x, scales=[2.0], axes=[-1], mode="cubic")


def test_resize_half_pixel_symmetric_opset21():
    x = f32(1, 2, 5, 7)
    run_resize(21, x, scales=[1, 1, 1.7, 0.55], mode="linear",
               coordinate_transformation_mode="half_pixel_symmetric")
    run_resize(21, x, sizes=[1, 2, 3, 11], nearest_mode="ceil")


def test_resize_opset11_empty_inputs():
    run_resize(11, f32(1, 3, 4), sizes=[1, 3, 6], mode="linear")
    run_resize(11, f32(1, 3, 4), scales=[1, 2, 0.75], mode="cubic")


def test_resize10_and_upsample9():
    # Opset < 11: asymmetric; nearest floors upsampled, ceils downsampled axes.
    x = f32(1, 1, 4, 5)
    run_resize(10, x, scales=[1, 1, 2, 0.6])
    run_resize(10, x, scales=[1, 1, 1.5, 2], mode="linear")
    run_resize(9, x, scales=[1, 1, 2, 3], op="Upsample")


if __name__ == "__main__":
    main([v for k, v in sorted(globals().items()) if k.startswith("test_")])
