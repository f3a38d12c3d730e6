"""Contractions and convolutions end to end: MatMul, Gemm, Einsum, Conv and
ConvTranspose models at opsets 13, 17 and 21 (ConvTranspose also at 10, whose
pad rule differs), compiled and run, compared with references written here
from the ONNX spec in numpy float64: rtol 1e-4 / atol 1e-5 for float32 sums
of up to a few hundred terms, exact for integers."""
import itertools
import os
import re
import subprocess
import tempfile

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h

from sye2e import check_close, compile_and_run, compile_model, main, run_library, tool

rng = np.random.default_rng(0)
RTOL, ATOL = 1e-4, 1e-5


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def run(op, opset, inputs, attrs, dtype=T.FLOAT):
    """One-node model over named inputs (a dict; None = absent input)."""
    names = [n if v is not None else "" for n, v in inputs.items()]
    vis = [h.make_tensor_value_info(n, dtype, v.shape)
           for n, v in inputs.items() if v is not None]
    g = h.make_graph([h.make_node(op, names, ["y"], **attrs)], "g", vis,
                     [h.make_tensor_value_info("y", dtype, None)])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    feeds = {n: v for n, v in inputs.items() if v is not None}
    return compile_and_run(m, feeds)["y"]


def f64(*xs):
    return [None if x is None else x.astype(np.float64) for x in xs]


# --- MatMul -----------------------------------------------------------------

def test_matmul_shapes():
    # (A, B): 2-D, A batch over 2-D B, equal batch, broadcast batch, 1-D sides.
    cases = [((3, 5), (5, 7)), ((2, 3, 5), (5, 4)), ((2, 3, 4, 5), (2, 3, 5, 6)),
             ((2, 1, 3, 5), (4, 5, 2)), ((5,), (2, 5, 3)), ((2, 3, 5), (5,)),
             ((7,), (7,)), ((1, 3, 4), (2, 4, 5))]
    for opset, (sa, sb) in zip(itertools.cycle([13, 17, 21]), cases):
        a, b = f32(*sa), f32(*sb)
        got = run("MatMul", opset, {"a": a, "b": b}, {})
        check_close(f"MatMul {sa}x{sb}", got, np.matmul(*f64(a, b)), RTOL, ATOL)


def test_matmul_integers():
    for dt, np_dt in [(T.INT32, np.int32), (T.INT64, np.int64)]:
        a = rng.integers(-9, 9, (2, 3, 4)).astype(np_dt)
        b = rng.integers(-9, 9, (4, 5)).astype(np_dt)
        got = run("MatMul", 17, {"a": a, "b": b}, {}, dt)
        check_close("MatMul int", got, np.matmul(a, b))
        b3 = rng.integers(-9, 9, (1, 4, 3)).astype(np_dt)
        got = run("MatMul", 13, {"a": a, "b": b3}, {}, dt)
        check_close("MatMul int bcast", got, np.matmul(a, b3))


def test_matmul_constant_weights():
    """MatMul and Gemm on constant weights call the prepacked sgemm (checked
    in the LLVM IR: weights laid out as 32-column panels at compile time,
    one copy for the two MatMuls sharing w1) unless padding the last panel
    would add more than a quarter (w3: 100 columns read as 128); results
    match the float64 reference on 1, 2 and 3 threads, whose work is cut into
    different row x column tiles (200 x 700: four row tiles of 60 rows, two
    column tiles of 352). Bound: rtol 1e-4, atol 1e-4, because sums of 300
    products of N(0, 1) values that land near zero keep absolute rounding
    errors of about 1e-5 (a misplaced panel or tile is off by O(1))."""
    from onnx import numpy_helper as nh
    m_, k = 200, 300
    x = f32(m_, k)
    w1, w2, c2, w3 = f32(k, 700), f32(112, k), f32(112), f32(k, 100)
    nodes = [h.make_node("MatMul", ["x", "w1"], ["y1"]),
             h.make_node("Gemm", ["x", "w2", "c2"], ["y2"], transB=1),
             h.make_node("MatMul", ["x", "w3"], ["y3"]),
             h.make_node("Relu", ["x"], ["r"]),
             h.make_node("MatMul", ["r", "w1"], ["y4"])]
    outs = [h.make_tensor_value_info(n, T.FLOAT, None) for n in ["y1", "y2", "y3", "y4"]]
    g = h.make_graph(nodes, "g", [h.make_tensor_value_info("x", T.FLOAT, [m_, k])], outs,
                     [nh.from_array(v, n) for n, v in
                      [("w1", w1), ("w2", w2), ("c2", c2), ("w3", w3)]])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
    x64, r64 = x.astype(np.float64), np.maximum(x, 0).astype(np.float64)
    want = {"y1": x64 @ w1, "y2": x64 @ w2.T.astype(np.float64) + c2,
            "y3": x64 @ w3, "y4": r64 @ w1}
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.onnx")
        onnx.save(m, path)
        ir = subprocess.run([tool("switchyard-compile"), path, "--emit=llvm", "-o", "-"],
                            capture_output=True, text=True, check=True).stdout
        calls = {name: ir.count(f"call void @{name}(")
                 for name in ["sy_ukernel_sgemm_prepacked", "sy_ukernel_sgemm"]}
        panels = [line.split()[0] for line in ir.splitlines()
                  if line.startswith("@") and "_panels = " in line]
        if calls != {"sy_ukernel_sgemm_prepacked": 3, "sy_ukernel_sgemm": 1} \
                or len(panels) != 2:
            raise AssertionError(f"prepacked MatMul: calls {calls}, panel globals {panels}")
        lib = compile_model(m, d)
        for threads in [1, 2, 3]:
            got = run_library(lib, {"x": x}, d, threads=threads)
            for name, ref in want.items():
                check_close(f"prepacked {name} threads={threads}", got[name], ref,
                            RTOL, 1e-4)


# --- Gemm -------------------------------------------------------------------

def gemm_ref(a, b, c, transA=0, transB=0, alpha=1.0, beta=1.0):
    a, b, c = f64(a, b, c)
    y = alpha * ((a.T if transA else a) @ (b.T if transB else b))
    return y if c is None else y + beta * c


def test_gemm_variants():
    m, k, n = 5, 7, 3
    cases = [  # (transA, transB, alpha, beta, C shape or None)
        (0, 0, 1.0, 1.0, (m, n)), (1, 0, 0.5, 2.0, (n,)), (0, 1, 1.0, 0.5, (m, 1)),
        (1, 1, 2.0, 1.0, ()), (0, 0, 1.5, 1.0, None), (0, 1, 1.0, 0.0, (1, n))]
    for opset, (ta, tb, alpha, beta, cs) in zip(itertools.cycle([13, 17, 21]), cases):
        a = f32(k, m) if ta else f32(m, k)
        b = f32(n, k) if tb else f32(k, n)
        c = None if cs is None else f32(*cs)
        got = run("Gemm", opset, {"a": a, "b": b, "c": c},
                  dict(transA=ta, transB=tb, alpha=alpha, beta=beta))
        check_close(f"Gemm {ta}{tb} C{cs}", got,
                    gemm_ref(a, b, c, ta, tb, alpha, beta), RTOL, ATOL)


def test_gemm_int():
    a = rng.integers(-5, 5, (3, 4)).astype(np.int64)
    b = rng.integers(-5, 5, (3, 2)).astype(np.int64)
    c = rng.integers(-5, 5, (2,)).astype(np.int64)
    got = run("Gemm", 13, {"a": a, "b": b, "c": c},
              dict(transA=1, alpha=2.0, beta=3.0), T.INT64)
    check_close("Gemm int", got, 2 * (a.T @ b) + 3 * c)


# --- Einsum -----------------------------------------------------------------

def test_einsum_forms():
    cases = [  # (equation, operand shapes)
        ("ij,jk->ik", [(3, 4), (4, 5)]),
        ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
        ("ij,kj", [(3, 4), (5, 4)]),              # implicit output: ik
        ("ba", [(3, 4)]),                         # implicit transpose
        ("ii->i", [(4, 4)]),                      # diagonal
        ("ii", [(4, 4)]),                         # trace
        ("ij->", [(3, 5)]),                       # full sum
        ("i,i->", [(6,), (6,)]),                  # dot
        ("i,j->ij", [(3,), (4,)]),                # outer
        ("...ij,...jk->...ik", [(2, 3, 4), (1, 4, 5)]),  # ellipsis broadcast
        ("bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 5, 4)]),
        ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
        ("...i->...", [(2, 3, 5)]),
        ("ij,j->i", [(3, 4), (1,)]),              # size-1 label broadcast
        ("Ab,bA", [(3, 4), (4, 3)]),              # upper case, implicit scalar
    ]
    for opset, (eq, shapes) in zip(itertools.cycle([13, 17, 21]), cases):
        xs = [f32(*s) for s in shapes]
        inputs = {f"x{i}": x for i, x in enumerate(xs)}
        got = run("Einsum", opset, inputs, dict(equation=eq))
        check_close(f"Einsum {eq}", got, np.einsum(eq, *f64(*xs)), RTOL, ATOL)


def test_einsum_int():
    a = rng.integers(-5, 5, (2, 3)).astype(np.int32)
    b = rng.integers(-5, 5, (3, 4)).astype(np.int32)
    got = run("Einsum", 17, {"a": a, "b": b}, dict(equation="ij,jk->ki"), T.INT32)
    check_close("Einsum int", got, np.einsum("ij,jk->ki", a, b))


# --- Conv -------------------------------------------------------------------

def conv_pads(in_sp, k, strides, dil, pads, auto_pad):
    """Begin/end pads and output sizes per the Conv-11 spec."""
    r = len(in_sp)
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        out = [-(-in_sp[i] // strides[i]) for i in range(r)]
        total = [max(0, (out[i] - 1) * strides[i] + (k[i] - 1) * dil[i] + 1 - in_sp[i])
                 for i in range(r)]
        small = [t // 2 for t in total]
        begin = small if auto_pad == "SAME_UPPER" else [t - s for t, s in zip(total, small)]
        return begin, [t - b for t, b in zip(total, begin)]
    if auto_pad == "VALID" or pads is None:
        return [0] * r, [0] * r
    return list(pads[:r]), list(pads[r:])


def conv_ref(x, w, b, strides, dil, begin, end, group):
    """y[n, m, o] = b[m] + sum_{c in m's group, k} xp[n, c, o*s + k*d] w[m, c, k]."""
    x, w, b = f64(x, w, b)
    r = x.ndim - 2
    xp = np.pad(x, [(0, 0), (0, 0)] + list(zip(begin, end)))
    k = w.shape[2:]
    out = [(xp.shape[2 + i] - ((k[i] - 1) * dil[i] + 1)) // strides[i] + 1
           for i in range(r)]
    N, M = x.shape[0], w.shape[0]
    Cg, Mg = w.shape[1], M // group
    y = np.zeros((N, M, *out))
    for g in range(group):
        xs = xp[:, g * Cg:(g + 1) * Cg]
        ws = w[g * Mg:(g + 1) * Mg]
        for tap in itertools.product(*[range(n) for n in k]):
            sl = tuple(slice(tap[i] * dil[i],
                             tap[i] * dil[i] + (out[i] - 1) * strides[i] + 1,
                             strides[i]) for i in range(r))
            patch = xs[(slice(None), slice(None)) + sl]          # N, Cg, out...
            wt = ws[(slice(None), slice(None)) + tap]             # Mg, Cg
            y[:, g * Mg:(g + 1) * Mg] += np.einsum("nc...,mc->nm...", patch, wt)
    if b is not None:
        y += b.reshape((1, M) + (1,) * r)
    return y


def conv_case(opset, xs, ws, bias=True, group=1, strides=None, dil=None,
              pads=None, auto_pad=None, kernel_shape=False):
    x, w = f32(*xs), f32(*ws)
    b = f32(ws[0]) if bias else None
    r = len(xs) - 2
    attrs = {"group": group}
    if strides:
        attrs["strides"] = strides
    if dil:
        attrs["dilations"] = dil
    if pads:
        attrs["pads"] = pads
    if auto_pad:
        attrs["auto_pad"] = auto_pad
    if kernel_shape:
        attrs["kernel_shape"] = list(ws[2:])
    s, d = strides or [1] * r, dil or [1] * r
    begin, end = conv_pads(xs[2:], ws[2:], s, d, pads, auto_pad or "NOTSET")
    got = run("Conv", opset, {"x": x, "w": w, "b": b}, attrs)
    check_close(f"Conv {xs} {ws} {attrs}", got,
                conv_ref(x, w, b, s, d, begin, end, group), RTOL, ATOL)


def test_conv_2d():
    conv_case(13, (1, 3, 7, 6), (4, 3, 3, 3))
    conv_case(17, (2, 3, 7, 9), (5, 3, 3, 2), strides=[2, 3], pads=[1, 0, 2, 1],
              kernel_shape=True)
    conv_case(21, (1, 2, 9, 8), (3, 2, 3, 3), bias=False, dil=[2, 1], pads=[2, 1, 2, 1])


def test_conv_groups():
    conv_case(17, (1, 4, 6, 7), (6, 2, 3, 3), group=2, pads=[1, 1, 1, 1])
    # Depthwise, multiplier 2, stride 2.
    conv_case(21, (2, 3, 7, 7), (6, 1, 3, 3), group=3, strides=[2, 2],
              pads=[1, 1, 1, 1])


def test_conv_auto_pad():
    conv_case(13, (1, 2, 7, 8), (3, 2, 3, 4), auto_pad="SAME_UPPER", strides=[2, 3])
    conv_case(17, (1, 2, 7, 8), (3, 2, 4, 2), auto_pad="SAME_LOWER", dil=[1, 2])
    conv_case(21, (1, 2, 7, 8), (3, 2, 3, 3), auto_pad="VALID", strides=[2, 2])


def test_conv_1d_3d():
    conv_case(13, (2, 3, 11), (4, 3, 4), strides=[2], pads=[1, 2], dil=[2])
    conv_case(21, (1, 2, 5, 4, 6), (4, 1, 2, 3, 3), group=2, pads=[0, 1, 1, 1, 0, 1],
              strides=[1, 2, 2])


def test_conv_winograd():
    """3x3 convolutions with constant weights on >= 16 channels compile to
    a Winograd kernel (checked in the LLVM IR): F(2x2, 3x3), or F(4x4, 3x3)
    where its 4x4 tiles still fill the GEMM panels, and F(2x2, 3x3) there
    too with --winograd-tile=2; the filters are transformed at compile time.
    Results vs float64 within rtol 1e-4 plus an absolute bound in units of
    the largest sum of |terms| of an output, T: the transforms' rounding
    scales with the magnitudes of a whole input patch, not with an output's
    own sum, which cancels to near zero in places (and at the corners
    covers few terms). F(4x4, 3x3) is bounded by 4e-6 T (measured up to
    1.5e-6 T here), F(2x2, 3x3) by 1e-6 T (measured up to 1e-7 T), the
    direct kernel of --winograd=false by rtol 1e-4 / atol 1e-5. The 10x10
    and 16x32 cases have fewer blocks of tiles than threads, so the kernels
    split the output channels across the pool."""
    from onnx import numpy_helper as nh
    f23, f43 = "sy_ukernel_conv2d_winograd(", "sy_ukernel_conv2d_winograd_f43("
    cases = [  # opset, x shape, w shape, bias, attrs, kernel
        (17, (1, 16, 16, 16), (16, 16, 3, 3), True, {"pads": [1, 1, 1, 1]}, f23),
        (13, (1, 24, 21, 19), (20, 24, 3, 3), False, {"pads": [2, 0, 1, 1]}, f43),
        (21, (1, 32, 15, 17), (16, 32, 3, 3), True, {"auto_pad": "SAME_UPPER"}, f43),
        (17, (1, 16, 14, 14), (16, 16, 3, 3), True, {"pads": [1, 1, 1, 1]}, f23),
        (17, (1, 16, 10, 10), (48, 16, 3, 3), True, {"pads": [1, 1, 1, 1]}, f23),
        (17, (1, 32, 16, 32), (64, 32, 3, 3), False, {"pads": [1, 1, 1, 1]}, f43),
        (17, (1, 20, 37, 70), (24, 20, 3, 3), True, {"pads": [1, 1, 1, 1]}, f43),
    ]
    for opset, xs, ws, bias, attrs, kernel in cases:
        x, w = f32(*xs), f32(*ws)
        b = f32(ws[0]) if bias else None
        inits = [nh.from_array(w, "w")] + ([nh.from_array(b, "b")] if bias else [])
        node = h.make_node("Conv", ["x", "w"] + (["b"] if bias else []), ["y"],
                           kernel_shape=[3, 3], **attrs)
        g = h.make_graph([node], "g", [h.make_tensor_value_info("x", T.FLOAT, xs)],
                         [h.make_tensor_value_info("y", T.FLOAT, None)], inits)
        m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
        begin, end = conv_pads(xs[2:], ws[2:], [1, 1], [1, 1], attrs.get("pads"),
                               attrs.get("auto_pad", "NOTSET"))
        want = conv_ref(x, w, b, [1, 1], [1, 1], begin, end, 1)
        terms = conv_ref(np.abs(x), np.abs(w), None if b is None else np.abs(b),
                         [1, 1], [1, 1], begin, end, 1)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            onnx.save(m, path)
            ir = subprocess.run([tool("switchyard-compile"), path, "--emit=llvm",
                                 "-o", "-"], capture_output=True, text=True,
                                check=True).stdout
            if "call void @" + kernel not in ir:
                raise AssertionError(f"Conv {xs} {ws} {attrs}: no {kernel[:-1]} call")
            if kernel == f43:
                ir = subprocess.run([tool("switchyard-compile"), path, "--emit=llvm",
                                     "--winograd-tile=2", "-o", "-"],
                                    capture_output=True, text=True, check=True).stdout
                if "call void @" + f23 not in ir:
                    raise AssertionError(f"Conv {xs} {ws} {attrs}: --winograd-tile=2 "
                                         "does not keep F(2x2, 3x3)")
        bound = (4e-6 if kernel == f43 else 1e-6) * terms.max()
        got = compile_and_run(m, {"x": x})["y"]
        check_close(f"Conv {xs} {ws} {attrs}", got, want, RTOL, bound)
        if kernel == f43:
            got = compile_and_run(m, {"x": x}, extra=("--winograd-tile=2",))["y"]
            check_close(f"Conv {xs} {ws} {attrs} --winograd-tile=2", got, want, RTOL,
                        1e-6 * terms.max())
        got = compile_and_run(m, {"x": x}, extra=("--winograd=false",))["y"]
        check_close(f"Conv {xs} {ws} {attrs} --winograd=false", got, want, RTOL, ATOL)


def test_conv_chain_folds():
    """Two padded convolutions in a row (as in a ResNet block), where CSE
    gives both one zero-filled output and one padded-input tensor: every
    convolution call still pads by itself (no allocation as large as a
    padded input) and overwrites its output (flags
    0: no fill, no memcpy of one); 8 channels take the direct kernel, 16 the
    Winograd one. Results vs float64 at rtol 1e-4 / atol 1e-4: the second
    convolution sums 144 products of first-layer outputs of magnitude ~5, so
    sums landing near zero keep absolute rounding errors above 1e-5."""
    from onnx import numpy_helper as nh
    for c, kernel in [(8, "sy_ukernel_conv2d_s1"), (16, "sy_ukernel_conv2d_winograd")]:
        xs, ws = (1, c, 16, 16), (c, c, 3, 3)
        x, w1, w2 = f32(*xs), f32(*ws), f32(*ws)
        nodes = [h.make_node("Conv", ["x", "w1"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
                 h.make_node("Relu", ["c1"], ["r1"]),
                 h.make_node("Conv", ["r1", "w2"], ["c2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
                 h.make_node("Add", ["c2", "x"], ["y"])]
        g = h.make_graph(nodes, "g", [h.make_tensor_value_info("x", T.FLOAT, xs)],
                         [h.make_tensor_value_info("y", T.FLOAT, None)],
                         [nh.from_array(w1, "w1"), nh.from_array(w2, "w2")])
        m = h.make_model(g, opset_imports=[h.make_opsetid("", 17)])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            onnx.save(m, path)
            ir = subprocess.run([tool("switchyard-compile"), path, "--emit=llvm", "-o", "-"],
                                capture_output=True, text=True, check=True).stdout
        calls = [line for line in ir.splitlines() if f"call void @{kernel}(" in line]
        allocs = [int(n) for n in re.findall(r"@_mlir_memref_to_llvm_alloc\(i64 (\d+)\)", ir)]
        padded = c * 18 * 18 * 4
        if len(calls) != 2 or not all(line.rstrip().endswith("i64 0)") for line in calls) \
                or "llvm.memcpy" in ir or max(allocs) >= padded:
            raise AssertionError(f"conv chain c={c}: calls {calls}, allocations {allocs} "
                                 f"(padded input: {padded} bytes), memcpy {'llvm.memcpy' in ir}")
        r1 = np.maximum(conv_ref(x, w1, None, [1, 1], [1, 1], [1, 1], [1, 1], 1), 0)
        want = conv_ref(r1, w2, None, [1, 1], [1, 1], [1, 1], [1, 1], 1) + x
        got = compile_and_run(m, {"x": x})["y"]
        check_close(f"conv chain c={c}", got, want, RTOL, 1e-4)


# --- ConvTranspose ----------------------------------------------------------

def convt_geometry(opset, in_sp, k, s, d, op, pads, auto_pad, output_shape):
    """Begin pads and output sizes per the ConvTranspose spec of `opset`."""
    r = len(in_sp)
    full = [s[i] * (in_sp[i] - 1) + op[i] + (k[i] - 1) * d[i] + 1 for i in range(r)]
    if output_shape is not None or auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        out = list(output_shape) if output_shape is not None else \
            [in_sp[i] * s[i] for i in range(r)]
        total = [max(0, full[i] - out[i]) for i in range(r)]
        if opset >= 11:  # SAME_UPPER: pads[start] = total / 2
            small_first = auto_pad == "SAME_UPPER"
        else:            # opset 1: auto_pad != SAME_UPPER: pads[start] = total / 2
            small_first = auto_pad != "SAME_UPPER"
        begin = [t // 2 if small_first else t - t // 2 for t in total]
        return begin, out
    p = pads if pads is not None and auto_pad in (None, "NOTSET") else [0] * (2 * r)
    return p[:r], [full[i] - p[i] - p[r + i] for i in range(r)]


def convt_ref(x, w, b, s, d, op, begin, out, group):
    """Scatter form: input pixel i with tap k adds to output i*s + k*d - begin."""
    x, w, b = f64(x, w, b)
    r = x.ndim - 2
    N, C = x.shape[:2]
    Cg, Mg = C // group, w.shape[1]
    k = w.shape[2:]
    full = [s[i] * (x.shape[2 + i] - 1) + (k[i] - 1) * d[i] + 1 + op[i] for i in range(r)]
    y = np.zeros((N, Mg * group, *full))
    for g in range(group):
        xs = x[:, g * Cg:(g + 1) * Cg]
        for tap in itertools.product(*[range(n) for n in k]):
            sl = tuple(slice(tap[i] * d[i], tap[i] * d[i] + (x.shape[2 + i] - 1) * s[i] + 1,
                             s[i]) for i in range(r))
            wt = w[(slice(g * Cg, (g + 1) * Cg), slice(None)) + tap]  # Cg, Mg
            y[(slice(None), slice(g * Mg, (g + 1) * Mg)) + sl] += np.einsum(
                "nc...,cm->nm...", xs, wt)
    # Crop `begin` at the start, keep `out` (zeros beyond the full result).
    res = np.zeros((N, Mg * group, *out))
    src = tuple(slice(begin[i], min(full[i], begin[i] + out[i])) for i in range(r))
    dst = tuple(slice(0, min(full[i], begin[i] + out[i]) - begin[i]) for i in range(r))
    res[(slice(None), slice(None)) + dst] = y[(slice(None), slice(None)) + src]
    if b is not None:
        res += b.reshape((1, -1) + (1,) * r)
    return res


def convt_case(opset, xs, ws, bias=True, group=1, strides=None, dil=None,
               pads=None, auto_pad=None, output_padding=None, output_shape=None):
    x, w = f32(*xs), f32(*ws)
    b = f32(ws[1] * group) if bias else None
    r = len(xs) - 2
    attrs = {"group": group}
    for name, v in [("strides", strides), ("dilations", dil), ("pads", pads),
                    ("auto_pad", auto_pad), ("output_padding", output_padding),
                    ("output_shape", output_shape)]:
        if v is not None:
            attrs[name] = v
    s, d = strides or [1] * r, dil or [1] * r
    op = output_padding or [0] * r
    begin, out = convt_geometry(opset, xs[2:], ws[2:], s, d, op, pads, auto_pad,
                                output_shape)
    got = run("ConvTranspose", opset, {"x": x, "w": w, "b": b}, attrs)
    check_close(f"ConvTranspose@{opset} {xs} {ws} {attrs}", got,
                convt_ref(x, w, b, s, d, op, begin, out, group), RTOL, ATOL)


def test_conv_transpose_2d():
    convt_case(13, (1, 3, 4, 5), (3, 2, 3, 3))
    convt_case(17, (2, 2, 3, 4), (2, 3, 3, 2), strides=[2, 3], pads=[1, 0, 1, 1],
               output_padding=[1, 2])
    convt_case(21, (1, 4, 3, 3), (4, 1, 3, 3), group=2, strides=[2, 2],
               dil=[2, 1], bias=False)


def test_conv_transpose_output_shape_and_auto_pad():
    # Odd total padding: opset 11+ and opset 10 put the odd pixel on
    # opposite sides.
    for opset in (10, 17):
        convt_case(opset, (1, 2, 3, 3), (2, 2, 3, 3), strides=[2, 2],
                   output_shape=[6, 7])
        convt_case(opset, (1, 2, 3, 4), (2, 1, 4, 3), strides=[2, 2],
                   auto_pad="SAME_UPPER")
        convt_case(opset, (1, 2, 3, 4), (2, 1, 4, 3), strides=[2, 2],
                   auto_pad="SAME_LOWER")
    convt_case(21, (1, 2, 3, 3), (2, 2, 1, 1), strides=[2, 2], auto_pad="SAME_UPPER")
    convt_case(13, (1, 2, 3, 3), (2, 2, 2, 2), strides=[2, 2], auto_pad="VALID")


def test_conv_transpose_1d_3d():
    convt_case(13, (2, 3, 5), (3, 2, 4), strides=[3], pads=[1, 2], dil=[2])
    convt_case(21, (1, 2, 2, 3, 3), (2, 2, 2, 2, 3), strides=[2, 1, 2],
               pads=[0, 1, 1, 1, 0, 0])


# --- Import: inference with unknown dims, and user errors -------------------

def emit_onnx(node, inputs, opset=17):
    """switchyard-compile --emit=onnx on a one-node model: (rc, output)."""
    g = h.make_graph([node], "g",
                     [h.make_tensor_value_info(n, T.FLOAT, s) for n, s in inputs],
                     [h.make_tensor_value_info("y", T.FLOAT, None)])
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.onnx")
        onnx.save(h.make_model(g, opset_imports=[h.make_opsetid("", opset)]), path)
        proc = subprocess.run([tool("switchyard-compile"), path, "--emit=onnx", "-o", "-"],
                              capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def test_import_inference_dynamic():
    cases = [
        (h.make_node("MatMul", ["a", "b"], ["y"]), [("a", ["N", 3, 4]), ("b", [4, 5])],
         "tensor<?x3x5xf32>"),
        (h.make_node("Conv", ["x", "w"], ["y"], strides=[2, 2], auto_pad="SAME_UPPER"),
         [("x", ["N", 3, "H", 9]), ("w", [4, 3, 3, 3])], "tensor<?x4x?x5xf32>"),
        (h.make_node("Einsum", ["a", "b"], ["y"], equation="bij,bjk->bik"),
         [("a", ["B", 3, 4]), ("b", ["B", 4, 6])], "tensor<?x3x6xf32>"),
        (h.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[2]),
         [("x", [1, 2, "L"]), ("w", [2, 3, 3])], "tensor<1x3x?xf32>"),
    ]
    for node, inputs, want in cases:
        rc, out = emit_onnx(node, inputs)
        if rc != 0 or f"-> {want}" not in out:
            raise AssertionError(f"{node.op_type}: expected result {want}, got rc={rc}:\n{out}")


def test_import_errors():
    cases = [
        (h.make_node("MatMul", ["a", "b"], ["y"], name="mm"), [("a", [3, 4]), ("b", [5, 5])],
         "node 'mm' (MatMul, opset 17): contraction dimensions differ: A has 4 columns, B has 5 rows"),
        (h.make_node("Conv", ["x", "w"], ["y"], name="c"), [("x", [1, 3, 5, 5]), ("w", [2, 2, 3, 3])],
         "node 'c' (Conv, opset 17): X has 3 channels but W of shape [2, 2, 3, 3] with group 1 expects 2"),
        (h.make_node("Einsum", ["a"], ["y"], name="e", equation="...i->i"), [("a", [2, 3])],
         "node 'e' (Einsum, opset 17): equation '...i->i': the inputs have '...' dimensions"),
        (h.make_node("Gemm", ["a", "b"], ["y"], name="g", transB=1), [("a", [3, 4]), ("b", [4, 5])],
         "node 'g' (Gemm, opset 17): contraction dimensions differ: op(A) has 4 columns, op(B) has 5 rows"),
    ]
    for node, inputs, want in cases:
        rc, out = emit_onnx(node, inputs)
        if rc == 0 or want not in out or out.count("\n") > 1:
            raise AssertionError(f"{node.op_type}: expected one error line with '{want}', "
                                 f"got rc={rc}:\n{out}")


def test_matmul_f16_accumulates_in_f32():
    """A K = 2048 float16 product: summed in f16 the error would grow to
    about 1e-2 relative; summed in f32 and rounded once it stays within a
    float16 step of the float64 reference (rtol 2e-3)."""
    from onnx import TensorProto, helper as hh
    rng16 = np.random.default_rng(7)
    a = rng16.uniform(0, 1, (4, 2048)).astype(np.float16)
    b = rng16.uniform(0, 1, (2048, 3)).astype(np.float16)
    g = hh.make_graph([hh.make_node("MatMul", ["a", "b"], ["y"])], "g",
                      [hh.make_tensor_value_info("a", TensorProto.FLOAT16, a.shape),
                       hh.make_tensor_value_info("b", TensorProto.FLOAT16, b.shape)],
                      [hh.make_tensor_value_info("y", TensorProto.FLOAT16, None)])
    m = hh.make_model(g, opset_imports=[hh.make_opsetid("", 17)])
    got = compile_and_run(m, {"a": a, "b": b})["y"]
    want = a.astype(np.float64) @ b.astype(np.float64)
    check_close("MatMul f16", got, want, rtol=2e-3, atol=0)


if __name__ == "__main__":
    main([test_matmul_shapes, test_matmul_integers, test_matmul_constant_weights,
          test_gemm_variants, test_gemm_int,
          test_einsum_forms, test_einsum_int, test_conv_2d, test_conv_groups,
          test_conv_auto_pad, test_conv_1d_3d, test_conv_winograd, test_conv_chain_folds, test_conv_transpose_2d,
          test_conv_transpose_output_shape_and_auto_pad,
          test_conv_transpose_1d_3d, test_import_inference_dynamic,
          test_import_errors, test_matmul_f16_accumulates_in_f32])
