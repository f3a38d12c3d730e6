"""Pooling-pyramid modules as PyTorch's exporter writes them (checked against
torch.onnx.export of the PyTorch modules, PyTorch 2.15, opset 20), built
with onnx.helper at any size for bench/pyramid_bench.py. The e2e test
(test/e2e/pyramid.py) builds the same forms with its numpy references.

  ppm    PSPNet's pyramid pooling module: AdaptiveAvgPool2d(b) for each bin
         (torch writes ReduceMean over [-1, -2] for b = 1, AveragePool with
         kernel = stride = size / b otherwise, so every b must divide the
         size), 1x1 Conv + ReLU (BatchNorm folded), bilinear Resize back to
         the input size, Concat with the input.
  dappm  DDRNet's deep aggregation PPM: AveragePool k5/s2/p2, k9/s4/p4,
         k17/s8/p8 (count_include_pad) and a global mean, each BN-ReLU-Conv1x1,
         Resize, added to the previous branch and refined by BN-ReLU-Conv3x3;
         compression BN-ReLU-Conv1x1 of the concatenation plus a shortcut.
  sppf   YOLOv5/v8's SPPF: Conv1x1 + SiLU, MaxPool k5/s1/p2 three times in
         a chain, Concat, Conv1x1 + SiLU.
  spp    YOLOv3/v5's SPP: the same with parallel MaxPools k5, k9, k13.
Each builder returns (model, {input name: array}).
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "test", "e2e", "lib"))
from onnx_graph import GraphBuilder  # noqa: E402


class _Graph(GraphBuilder):
    def conv(self, x, cin, cout, k=1, bias=True):
        w = self.const((self.rng.standard_normal((cout, cin, k, k)) /
                        np.sqrt(cin * k * k)).astype(np.float32), "w")
        ins = [x, w]
        if bias:
            ins.append(self.const((self.rng.standard_normal(cout) * 0.1)
                                  .astype(np.float32), "b"))
        return self.node("Conv", ins, kernel_shape=[k, k],
                         pads=[k // 2] * 4, strides=[1, 1], dilations=[1, 1],
                         group=1)

    def bn(self, x, c):
        r = self.rng
        params = [(r.uniform(0.5, 1.5, c)), (r.standard_normal(c) * 0.1),
                  (r.standard_normal(c) * 0.1), (r.uniform(0.5, 2.0, c))]
        return self.node("BatchNormalization",
                         [x] + [self.const(p.astype(np.float32), "bn")
                                for p in params], epsilon=1e-5)

    def brc(self, x, cin, cout, k=1):
        """BatchNorm -> ReLU -> Conv (no bias), DDRNet's order."""
        return self.conv(self.node("Relu", [self.bn(x, cin)]), cin, cout, k,
                         bias=False)

    def silu(self, x):
        return self.node("Mul", [x, self.node("Sigmoid", [x])])

    def resize(self, x, sizes, align_corners=False):
        mode = "align_corners" if align_corners else "half_pixel"
        return self.node("Resize", [x, "", "", self.const(
            np.array(sizes, np.int64), "sizes")], mode="linear",
            coordinate_transformation_mode=mode)

    def global_mean(self, x):
        return self.node("ReduceMean", [x, self.const(
            np.array([-1, -2], np.int64), "axes")], keepdims=1)

    def model(self, x_shape, out, out_shape, opset=20):
        m = self.onnx_model("pyramid", [("x", x_shape)], [(out, out_shape)], opset)
        x = self.rng.standard_normal(x_shape).astype(np.float32)
        return m, {"x": x}


def ppm(n, c, hw, bins=(1, 2, 3, 6), align_corners=False, rng=None):
    g = _Graph(rng or np.random.default_rng(0))
    hh, ww = hw
    branch = c // len(bins)
    outs = ["x"]
    for b in bins:
        assert hh % b == 0 and ww % b == 0, "torch exports only divisible bins"
        if b == 1:
            p = g.global_mean("x")
        else:
            p = g.node("AveragePool", ["x"], kernel_shape=[hh // b, ww // b],
                       strides=[hh // b, ww // b], pads=[0, 0, 0, 0],
                       ceil_mode=0, count_include_pad=1)
        y = g.node("Relu", [g.conv(p, c, branch)])
        outs.append(g.resize(y, [n, branch, hh, ww], align_corners))
    out = g.node("Concat", outs, axis=1)
    return g.model([n, c, hh, ww], out, [n, c + branch * len(bins), hh, ww])


def dappm(n, c, hw, branch, out_c, rng=None):
    g = _Graph(rng or np.random.default_rng(0))
    hh, ww = hw
    levels = [g.node("AveragePool", ["x"], kernel_shape=[k, k], strides=[s, s],
                     pads=[p] * 4, ceil_mode=0, count_include_pad=1)
              for k, s, p in ((5, 2, 2), (9, 4, 4), (17, 8, 8))]
    levels.append(g.global_mean("x"))
    xs = [g.brc("x", c, branch)]
    for p in levels:
        up = g.resize(g.brc(p, c, branch), [n, branch, hh, ww])
        xs.append(g.brc(g.node("Add", [up, xs[-1]]), branch, branch, 3))
    cat = g.node("Concat", xs, axis=1)
    out = g.node("Add", [g.brc(cat, branch * 5, out_c), g.brc("x", c, out_c)])
    return g.model([n, c, hh, ww], out, [n, out_c, hh, ww])


def _yolo(n, c, hw, out_c, rng, kernels, chained):
    """Conv1x1 + SiLU, stride-1 MaxPools (each on the previous one when
    chained, else on the conv's output), Concat, Conv1x1 + SiLU."""
    g = _Graph(rng or np.random.default_rng(0))
    out_c = out_c or c
    hidden = c // 2
    x = g.silu(g.conv("x", c, hidden))
    pools, src = [], x
    for k in kernels:
        pools.append(g.node("MaxPool", [src], kernel_shape=[k, k],
                            strides=[1, 1], pads=[k // 2] * 4,
                            dilations=[1, 1], ceil_mode=0))
        src = pools[-1] if chained else x
    cat = g.node("Concat", [x] + pools, axis=1)
    out = g.silu(g.conv(cat, hidden * 4, out_c))
    return g.model([n, c, *hw], out, [n, out_c, *hw])


def sppf(n, c, hw, out_c=None, rng=None):
    return _yolo(n, c, hw, out_c, rng, (5, 5, 5), chained=True)


def spp(n, c, hw, out_c=None, rng=None):
    return _yolo(n, c, hw, out_c, rng, (5, 9, 13), chained=False)
