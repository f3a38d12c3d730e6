"""Pooling pyramids end to end: each case builds a model with onnx.helper as
torch exports it (PSPNet PPM, DDRNet DAPPM, YOLO SPPF and SPP, and bare
pyramids for the edge semantics of ceil_mode, count_include_pad, global and
asymmetric pads; opset 17 unless stated, float32, static shapes), checks
that --emit=sy raises its poolings of one feature map into exactly one
sy.pyramid_pool (near misses: none), compiles and runs it, and compares
with references written here from the ONNX spec in numpy float64 and with
onnxruntime (CPU) on the same model. Bound: |got - want| <= 1e-4 * |want| +
1e-5 (float32, weights scaled by 1/sqrt(fan-in) so activations stay of
order 1)."""
import math
import os
import subprocess
import tempfile

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from sye2e import check_close, compile_model, main, run_library, tool

RTOL, ATOL = 1e-4, 1e-5

rng = np.random.default_rng(0)


def f32(*shape, scale=1.0):
    return (scale * rng.standard_normal(shape)).astype(np.float32)


# --------------------------------------------------------------------------
# Graph building: every builder returns (output name, float64 reference)
# --------------------------------------------------------------------------

class Graph:
    """Nodes and initializers of one model, built alongside its float64
    reference values."""

    def __init__(self, opset=17):
        self.opset = opset
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}{self.count}"

    def const(self, value, prefix="w"):
        n = self.name(prefix)
        self.inits.append(nh.from_array(value, n))
        return n

    def node(self, op, inputs, outputs=1, **attrs):
        outs = [self.name(op.lower()) for _ in range(outputs)]
        self.nodes.append(h.make_node(op, inputs, outs, **attrs))
        return outs[0] if outputs == 1 else outs

    def model(self, inputs, outputs):
        g = h.make_graph(self.nodes, "g",
                         [h.make_tensor_value_info(n, T.FLOAT, s) for n, s in inputs],
                         [h.make_tensor_value_info(n, T.FLOAT, s) for n, s in outputs],
                         initializer=self.inits)
        return h.make_model(g, opset_imports=[h.make_opsetid("", self.opset)])

    # Layers: (name, reference) -> (name, reference).

    def conv(self, x, cout, k=1, bias=False):
        name, ref = x
        cin = ref.shape[1]
        w = f32(cout, cin, k, k, scale=1 / math.sqrt(cin * k * k))
        b = f32(cout, scale=0.1) if bias else None
        ins = [name, self.const(w)] + ([self.const(b, "b")] if bias else [])
        pad = k // 2
        out = self.node("Conv", ins, kernel_shape=[k, k], pads=[pad] * 4)
        return out, conv_ref(ref, w, b, pad)

    def bn(self, x):
        name, ref = x
        c = ref.shape[1]
        scale, bias, mean = 1 + f32(c, scale=0.1), f32(c, scale=0.1), f32(c, scale=0.1)
        var = rng.uniform(0.5, 1.5, c).astype(np.float32)
        out = self.node("BatchNormalization",
                        [name] + [self.const(v, "bn") for v in (scale, bias, mean, var)],
                        epsilon=1e-5)
        return out, bn_ref(ref, scale, bias, mean, var, 1e-5)

    def relu(self, x):
        return self.node("Relu", [x[0]]), np.maximum(x[1], 0)

    def silu(self, x):
        s = self.node("Sigmoid", [x[0]])
        return self.node("Mul", [x[0], s]), x[1] / (1 + np.exp(-x[1]))

    def conv_silu(self, x, cout):
        return self.silu(self.conv(x, cout, bias=True))

    def bn_relu_conv(self, x, cout, k=1):
        return self.conv(self.relu(self.bn(x)), cout, k)

    def pool(self, x, op, **attrs):
        kind = "max" if "Max" in op else "avg"
        if op.startswith("Global"):
            ref = (x[1].max if kind == "max" else x[1].mean)(axis=(2, 3), keepdims=True)
            return self.node(op, [x[0]]), ref
        return self.node(op, [x[0]], **attrs), pool_ref(x[1], kind, **attrs)

    def reduce_mean(self, x, axes_input=True, constant_node=False):
        """ReduceMean over H and W with keepdims: axes [-1, -2] as an int64
        input (opset 18+; an initializer or a Constant node) or [2, 3] as an
        attribute."""
        if not axes_input:
            out = self.node("ReduceMean", [x[0]], axes=[2, 3], keepdims=1)
        else:
            axes = np.array([-1, -2], np.int64)
            if constant_node:
                a = self.node("Constant", [], value=nh.from_array(axes, self.name("axes")))
            else:
                a = self.const(axes, "axes")
            out = self.node("ReduceMean", [x[0], a], keepdims=1)
        return out, x[1].mean(axis=(2, 3), keepdims=True)

    def resize(self, x, h_out, w_out, ctm="half_pixel"):
        """Bilinear Resize to [N, C, h_out, w_out] given by `sizes`, roi and
        scales as empty inputs."""
        name, ref = x
        n, c = ref.shape[:2]
        sizes = self.const(np.array([n, c, h_out, w_out], np.int64), "sizes")
        out = self.node("Resize", [name, "", "", sizes], mode="linear",
                        coordinate_transformation_mode=ctm)
        return out, resize_ref(ref, h_out, w_out, ctm)

    def concat(self, xs):
        return (self.node("Concat", [x[0] for x in xs], axis=1),
                np.concatenate([x[1] for x in xs], axis=1))

    def add(self, a, b):
        return self.node("Add", [a[0], b[0]]), a[1] + b[1]


# --------------------------------------------------------------------------
# References from the ONNX spec, in float64
# --------------------------------------------------------------------------

def pooled_size(n, k, s, pb, pe, ceil_mode):
    q = (n + pb + pe - k) / s
    o = (math.ceil(q) if ceil_mode else math.floor(q)) + 1
    # With ceil_mode a last window starting in the end padding is dropped.
    if ceil_mode and (o - 1) * s >= n + pb:
        o -= 1
    return o


def pool_ref(x, kind, kernel_shape, strides=(1, 1), pads=(0, 0, 0, 0),
             ceil_mode=0, count_include_pad=0, dilations=(1, 1), auto_pad="NOTSET"):
    """MaxPool / AveragePool over H, W: max ignores padding; the average
    divides by the taps inside the input, or with count_include_pad by the
    taps inside the padded extent [-pad_begin, n + pad_end)."""
    n_, c_, H, W = x.shape
    pads = list(pads)
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        for d, n in enumerate((H, W)):
            o = math.ceil(n / strides[d])
            span = (kernel_shape[d] - 1) * dilations[d] + 1
            total = max(0, (o - 1) * strides[d] + span - n)
            small, big = total // 2, total - total // 2
            pads[d], pads[d + 2] = (small, big) if auto_pad == "SAME_UPPER" else (big, small)
    taps, counts = [], []
    for d, n in enumerate((H, W)):
        k, s, pb, pe, dil = kernel_shape[d], strides[d], pads[d], pads[d + 2], dilations[d]
        span = (k - 1) * dil + 1
        if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
            o_n = math.ceil(n / s)
        else:
            o_n = pooled_size(n, span, s, pb, pe, ceil_mode)
        t, c = [], []
        for o in range(o_n):
            pos = [o * s - pb + j * dil for j in range(k)]
            t.append([p for p in pos if 0 <= p < n])
            c.append(sum(-pb <= p < n + pe for p in pos) if count_include_pad
                     else len(t[-1]))
        taps.append(t)
        counts.append(c)
    y = np.zeros((n_, c_, len(taps[0]), len(taps[1])))
    for i, rows in enumerate(taps[0]):
        for j, cols in enumerate(taps[1]):
            win = x[:, :, rows][:, :, :, cols]
            y[:, :, i, j] = (win.max(axis=(2, 3)) if kind == "max"
                             else win.sum(axis=(2, 3)) / (counts[0][i] * counts[1][j]))
    return y


def conv_ref(x, w, b, pad):
    """Conv with a k x k kernel, stride 1, `pad` on every side."""
    k = w.shape[2]
    _, _, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    y = sum(np.einsum("oc,nchw->nohw", w[:, :, i, j].astype(np.float64),
                      xp[:, :, i:i + H + 2 * pad - k + 1, j:j + W + 2 * pad - k + 1])
            for i in range(k) for j in range(k))
    return y if b is None else y + b.astype(np.float64)[None, :, None, None]


def bn_ref(x, scale, bias, mean, var, eps):
    def per_c(v):
        return v.astype(np.float64)[None, :, None, None]
    return per_c(scale) * (x - per_c(mean)) / np.sqrt(per_c(var) + eps) + per_c(bias)


def linear_matrix(n_in, n_out, ctm):
    """Rows: the weights of the inputs of each output of a linear Resize
    along one axis (scale n_out / n_in), edge samples clamped."""
    m = np.zeros((n_out, n_in))
    scale = n_out / n_in
    for o in range(n_out):
        if ctm == "align_corners":
            c = 0.0 if n_out == 1 else o * (n_in - 1) / (n_out - 1)
        else:
            c = (o + 0.5) / scale - 0.5
        f = math.floor(c)
        for i, v in ((f, 1 - (c - f)), (f + 1, c - f)):
            m[o, min(max(i, 0), n_in - 1)] += v
    return m


def resize_ref(x, h_out, w_out, ctm):
    mh = linear_matrix(x.shape[2], h_out, ctm)
    mw = linear_matrix(x.shape[3], w_out, ctm)
    return np.einsum("ph,nchw,qw->ncpq", mh, x, mw)


# --------------------------------------------------------------------------
# The check of one model
# --------------------------------------------------------------------------

def pyramid_count(path):
    """The number of sy.pyramid_pool in `switchyard-compile PATH --emit=sy`."""
    proc = subprocess.run([tool("switchyard-compile"), path, "--emit=sy", "-o", "-"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"--emit=sy failed on {path}:\n{proc.stderr}")
    return proc.stdout.count("sy.pyramid_pool")


def check(name, g, inputs, outputs, pyramids):
    """`inputs`: [(name, array)]; `outputs`: [(name, float64 reference)].
    The model has `pyramids` sy.pyramid_pool after raising, and its
    compiled library's outputs match the references and onnxruntime."""
    import onnxruntime as ort
    model = g.model([(n, a.shape) for n, a in inputs],
                    [(n, want.shape) for n, want in outputs])
    onnx.checker.check_model(model, full_check=True)
    feeds = dict(inputs)
    with tempfile.TemporaryDirectory() as d:
        lib = compile_model(model, d)
        found = pyramid_count(os.path.join(d, "model.onnx"))
        if found != pyramids:
            raise AssertionError(f"{name}: {found} sy.pyramid_pool, expected {pyramids}")
        got = run_library(lib, feeds, d)
    sess = ort.InferenceSession(model.SerializeToString(),
                                providers=["CPUExecutionProvider"])
    theirs = sess.run([n for n, _ in outputs], feeds)
    for (out, want), ort_out in zip(outputs, theirs):
        check_close(f"{name} {out} vs numpy", got[out], want, RTOL, ATOL)
        check_close(f"{name} {out} vs onnxruntime", got[out], ort_out, RTOL, ATOL)


def feature_map(shape):
    x = f32(*shape)
    return ("x", x.astype(np.float64)), [("x", x)]


# --------------------------------------------------------------------------
# PSPNet pyramid pooling module
# --------------------------------------------------------------------------

def ppm(shape, bins, ctm="half_pixel", opset=18, constant_node=False):
    """torch's export of PSPNet's PPM: AdaptiveAvgPool2d(b) for b dividing
    H and W is ReduceMean for b = 1 and AveragePool kernel = stride = H/b
    otherwise; 1x1 Conv + Relu per level, bilinear Resize back to H x W,
    Concat with the input."""
    g = Graph(opset)
    x, inputs = feature_map(shape)
    n, c, H, W = shape
    levels = [x]
    for b in bins:
        if b == 1:
            p = g.reduce_mean(x, constant_node=constant_node)
        else:
            p = g.pool(x, "AveragePool", kernel_shape=[H // b, W // b],
                       strides=[H // b, W // b])
        levels.append(g.resize(g.relu(g.conv(p, c // 4)), H, W, ctm))
    y = g.concat(levels)
    check(f"PPM {shape} bins {bins} {ctm} opset {opset}", g, inputs, [y], 1)


def test_pspnet_ppm():
    ppm((1, 16, 12, 12), (1, 2, 3, 6))
    ppm((2, 8, 18, 18), (1, 2, 3, 6), constant_node=True)
    ppm((1, 8, 12, 18), (1, 2, 3, 6), ctm="align_corners")


def test_pspnet_ppm_opset21():
    ppm((2, 8, 6, 9), (1, 3), opset=21)


# --------------------------------------------------------------------------
# DDRNet deep aggregation pyramid pooling module
# --------------------------------------------------------------------------

def dappm(shape, branch, out):
    """DDRNet's DAPPM: average pools k5/s2/p2, k9/s4/p4, k17/s8/p8
    (count_include_pad as torch exports) and a global mean, each followed by
    BN-Relu-Conv1x1 and Resize to H x W, added to the previous branch and
    processed by BN-Relu-Conv3x3; Concat, BN-Relu-Conv1x1 compression plus a
    BN-Relu-Conv1x1 shortcut."""
    g = Graph(17)
    x, inputs = feature_map(shape)
    H, W = shape[2:]
    branches = [g.bn_relu_conv(x, branch)]
    pools = [g.pool(x, "AveragePool", kernel_shape=[k, k], strides=[s, s],
                    pads=[k // 2] * 4, count_include_pad=1)
             for k, s in ((5, 2), (9, 4), (17, 8))]
    pools.append(g.reduce_mean(x, axes_input=False))
    for p in pools:
        up = g.resize(g.bn_relu_conv(p, branch), H, W)
        branches.append(g.bn_relu_conv(g.add(up, branches[-1]), branch, k=3))
    y = g.add(g.bn_relu_conv(g.concat(branches), out), g.bn_relu_conv(x, out))
    check(f"DAPPM {shape}", g, inputs, [y], 1)


def test_ddrnet_dappm():
    dappm((1, 16, 16, 32), 8, 16)
    dappm((2, 8, 9, 13), 4, 8)


# --------------------------------------------------------------------------
# YOLO SPPF and SPP
# --------------------------------------------------------------------------

def sppf(shape):
    """YOLOv5/v8 SPPF: Conv1x1+SiLU, three chained MaxPool k5 s1 p2, Concat,
    Conv1x1+SiLU."""
    g = Graph(17)
    x, inputs = feature_map(shape)
    c = shape[1]
    y = g.conv_silu(x, c // 2)
    ys = [y]
    for _ in range(3):
        ys.append(g.pool(ys[-1], "MaxPool", kernel_shape=[5, 5], strides=[1, 1],
                         pads=[2, 2, 2, 2]))
    out = g.conv_silu(g.concat(ys), c)
    check(f"SPPF {shape}", g, inputs, [out], 1)


def test_yolo_sppf():
    sppf((1, 16, 20, 20))
    sppf((2, 8, 7, 11))


def spp(shape, opset=17):
    """YOLOv3/v5 SPP: Conv1x1+SiLU, MaxPool k5, k9, k13 (stride 1, pad k//2)
    of the same map, Concat, Conv1x1+SiLU."""
    g = Graph(opset)
    x, inputs = feature_map(shape)
    c = shape[1]
    y = g.conv_silu(x, c // 2)
    ps = [g.pool(y, "MaxPool", kernel_shape=[k, k], strides=[1, 1], pads=[k // 2] * 4)
          for k in (5, 9, 13)]
    out = g.conv_silu(g.concat([y] + ps), c)
    check(f"SPP {shape} opset {opset}", g, inputs, [out], 1)


def test_yolo_spp():
    spp((1, 8, 13, 13))
    spp((2, 4, 10, 6), opset=20)


# --------------------------------------------------------------------------
# Edge semantics on bare pyramids (each pool a graph output)
# --------------------------------------------------------------------------

def bare(name, shape, pools, pyramids=1, opset=17):
    """Pools [(op, attrs)] of one input, each a graph output."""
    g = Graph(opset)
    x, inputs = feature_map(shape)
    outs = [g.pool(x, op, **attrs) for op, attrs in pools]
    check(f"{name} {shape}", g, inputs, outs, pyramids)


def test_average_ceil_mode_count_include_pad():
    # 7 and 9: the last window reaches into the end padding; 8 and 10: it
    # reaches beyond the padded extent, which count_include_pad must not
    # count.
    pools = [("AveragePool", dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                                  ceil_mode=1, count_include_pad=cip)) for cip in (0, 1)]
    bare("avg ceil_mode", (1, 3, 7, 9), pools)
    bare("avg ceil_mode", (2, 3, 8, 10), pools)
    # No pads, a partial last window.
    bare("avg ceil_mode no pads", (1, 2, 7, 6),
         [("AveragePool", dict(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)),
          ("AveragePool", dict(kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1))])


def test_max_ceil_mode():
    pools = [("MaxPool", dict(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)),
             ("MaxPool", dict(kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1))]
    bare("max ceil_mode", (1, 3, 8, 10), pools)
    bare("max ceil_mode", (2, 2, 9, 7), pools)


def test_global_max_and_average():
    pools = [("GlobalMaxPool", {}), ("GlobalAveragePool", {})]
    bare("global max+avg", (2, 3, 5, 7), pools)
    bare("global max+avg", (1, 4, 1, 6), pools)


def test_asymmetric_pads():
    pools = [("AveragePool", dict(kernel_shape=[3, 2], strides=[2, 1], pads=[1, 0, 2, 1])),
             ("AveragePool", dict(kernel_shape=[3, 2], strides=[2, 1], pads=[1, 0, 2, 1],
                                  count_include_pad=1)),
             ("MaxPool", dict(kernel_shape=[3, 3], strides=[1, 2], pads=[1, 0, 2, 1]))]
    bare("asymmetric pads", (1, 3, 6, 5), pools)
    bare("asymmetric pads", (2, 2, 7, 8), pools)


# --------------------------------------------------------------------------
# Near misses: no pyramid, the pools stay ONNX nodes and still compute
# --------------------------------------------------------------------------

def test_single_pool_is_not_a_pyramid():
    bare("single avg", (1, 3, 8, 8),
         [("AveragePool", dict(kernel_shape=[2, 2], strides=[2, 2]))], pyramids=0)
    bare("single max", (2, 2, 7, 5),
         [("MaxPool", dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))],
         pyramids=0)


def test_dilated_max_pools():
    pools = [("MaxPool", dict(kernel_shape=[3, 3], dilations=[2, 2], pads=[2, 2, 2, 2])),
             ("MaxPool", dict(kernel_shape=[2, 2], strides=[2, 2], dilations=[2, 2]))]
    bare("dilated max", (1, 3, 9, 8), pools, pyramids=0)


def test_pools_of_different_inputs():
    g = Graph(17)
    xa, xb = f32(1, 3, 8, 8), f32(1, 3, 8, 8)
    a = g.pool(("xa", xa.astype(np.float64)), "AveragePool", kernel_shape=[2, 2],
               strides=[2, 2])
    b = g.pool(("xb", xb.astype(np.float64)), "MaxPool", kernel_shape=[3, 3],
               strides=[1, 1], pads=[1, 1, 1, 1])
    check("pools of two inputs", g, [("xa", xa), ("xb", xb)], [a, b], 0)


def test_same_upper_pools():
    pools = [("AveragePool", dict(kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")),
             ("MaxPool", dict(kernel_shape=[2, 2], strides=[2, 2], auto_pad="SAME_UPPER"))]
    bare("SAME_UPPER", (1, 3, 7, 8), pools, pyramids=0)


if __name__ == "__main__":
    main([v for k, v in sorted(globals().items()) if k.startswith("test_")])
