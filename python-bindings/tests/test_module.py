"""switchyard.load and Module: the signature, the tag, calling conventions,
input conversion, and the errors (the C ABI's validation messages,
docs/c-abi.md, re-raised as TypeError / ValueError)."""

import gc
import glob
import re

import numpy as np
import onnx
import pytest

import switchyard
import sy_models
from sy_models import assert_close, bitwise_equal

MLP_REL = 1e-5


# -- signature and tag ---------------------------------------------------------

def test_signature_mlp(mlp):
    sig = mlp["module"].signature
    assert isinstance(sig, switchyard.Signature)
    assert sig.inputs == (switchyard.TensorInfo("x", np.dtype(np.float32), (4, 32)),)
    assert sig.outputs == (switchyard.TensorInfo("y", np.dtype(np.float32), (4, 10)),)
    assert isinstance(sig.inputs[0].dtype, np.dtype)


def test_signature_order_and_dtypes(two_io, int_bool):
    sig = two_io["module"].signature
    assert [t.name for t in sig.inputs] == ["u", "v"]
    assert [t.shape for t in sig.inputs] == [(3, 4), (4,)]
    assert [t.name for t in sig.outputs] == ["diff", "sum"], \
        "outputs in the graph's order, not sorted"
    sig = int_bool["module"].signature
    assert [(t.name, t.dtype) for t in sig.inputs] == [
        ("x", np.dtype(np.int64)), ("m", np.dtype(np.bool_))]
    assert [(t.name, t.dtype) for t in sig.outputs] == [
        ("y", np.dtype(np.int64)), ("mask", np.dtype(np.bool_)),
        ("xf", np.dtype(np.float32)), ("notm", np.dtype(np.bool_))]
    assert all(t.shape == (2, 6) for t in sig.inputs + sig.outputs)


def test_signature_matches_onnx_graph(int_bool):
    # Cross-check against the graph itself, not against constants.
    graph = int_bool["model"].graph
    sig = int_bool["module"].signature
    for infos, values in ((sig.inputs, graph.input), (sig.outputs, graph.output)):
        assert [t.name for t in infos] == [v.name for v in values]
        for t, v in zip(infos, values):
            want = onnx.helper.tensor_dtype_to_np_dtype(v.type.tensor_type.elem_type)
            assert t.dtype == want, t.name
            assert t.shape == tuple(d.dim_value for d in v.type.tensor_type.shape.dim)


def test_tag_from_file_name(mlp, tmp_path):
    assert mlp["module"].tag == "mlp"          # models_dir/mlp.so
    so = switchyard.compile(mlp["model"], output=tmp_path / "encoder_v2.so")
    module = switchyard.load(so)
    assert module.tag == "encoder_v2"
    header = (tmp_path / "encoder_v2.h").read_text()
    assert "encoder_v2_run" in header


def test_tag_honored(mlp, tmp_path, rng):
    so = switchyard.compile(mlp["model"], output=tmp_path / "lib.so",
                            tag="my_router")
    module = switchyard.load(so)
    assert module.tag == "my_router"
    header = (tmp_path / "lib.h").read_text()
    for fn in ("create", "destroy", "run", "signature", "last_error"):
        assert f"my_router_{fn}" in header, fn
    assert "my_router" in repr(module)
    x = rng.standard_normal((4, 32)).astype(np.float32)
    assert_close(module(x), sy_models.mlp_reference(mlp["weights"], x),
                 MLP_REL, "tagged library")


def test_repr(two_io):
    text = repr(two_io["module"])
    assert text.startswith("<switchyard.Module")
    for part in ("u: float32[3, 4]", "v: float32[4]", "diff", "sum"):
        assert part in text, text


# -- calling -------------------------------------------------------------------

def test_outputs_are_fresh_arrays(mlp, rng):
    module = mlp["module"]
    x1 = rng.standard_normal((4, 32)).astype(np.float32)
    x2 = rng.standard_normal((4, 32)).astype(np.float32)
    x1_before = x1.copy()
    y1 = module(x1)
    y1_copy = y1.copy()
    y2 = module(x2)
    assert not np.shares_memory(y1, y2)
    assert bitwise_equal(y1, y1_copy), "a later call overwrote an earlier result"
    assert bitwise_equal(x1, x1_before), "the input was modified"
    assert y1.flags.writeable and y1.flags.c_contiguous
    assert_close(y2, sy_models.mlp_reference(mlp["weights"], x2), MLP_REL,
                 "second call")


def test_run_dict_single_output(mlp, rng):
    x = rng.standard_normal((4, 32)).astype(np.float32)
    out = mlp["module"].run({"x": x})
    assert list(out) == ["y"]
    assert bitwise_equal(out["y"], mlp["module"](x))
    assert bitwise_equal(mlp["module"](x=x), mlp["module"](x))


def test_list_input_is_converted(mlp, rng):
    x = rng.standard_normal((4, 32))                      # float64 values
    y = mlp["module"](x.tolist())                         # a nested list
    assert y.dtype == np.float32
    assert bitwise_equal(y, mlp["module"](x.astype(np.float32))), \
        "a list is converted to the input's dtype (float32)"


def test_list_inputs_int_bool(int_bool, rng):
    x = rng.integers(-10, 10, size=(2, 6))
    m = rng.random((2, 6)) < 0.5
    outs = int_bool["module"](x.tolist(), m=m.tolist())
    ref = sy_models.int_bool_reference(x, m)
    np.testing.assert_array_equal(outs[0], ref["y"])
    np.testing.assert_array_equal(outs[3], ref["notm"])


@pytest.mark.parametrize("layout", ["fortran", "strided", "negative_stride",
                                    "broadcast", "unaligned"])
def test_non_contiguous_inputs(mlp, rng, layout):
    module = mlp["module"]
    x = rng.standard_normal((4, 32)).astype(np.float32)
    if layout == "fortran":
        view = x.T.copy().T
        assert not view.flags.c_contiguous
    elif layout == "strided":
        big = np.zeros((8, 64), np.float32)
        big[::2, ::2] = x
        view = big[::2, ::2]
    elif layout == "negative_stride":
        view = x[::-1].copy()[::-1]
    elif layout == "broadcast":
        x = np.repeat(x[:1], 4, axis=0)
        view = np.broadcast_to(x[:1], (4, 32))
    else:
        raw = np.zeros(x.nbytes + 1, np.uint8)
        view = raw[1:].view(np.float32).reshape(4, 32)
        view[...] = x
        assert not view.flags.aligned
    np.testing.assert_array_equal(view, x)
    got = module(view)
    assert_close(got, sy_models.mlp_reference(mlp["weights"], x), MLP_REL, layout)
    assert bitwise_equal(got, module(np.ascontiguousarray(x)))


def test_read_only_input(mlp, rng):
    x = rng.standard_normal((4, 32)).astype(np.float32)
    ro = np.frombuffer(x.tobytes(), dtype=np.float32).reshape(4, 32)
    assert not ro.flags.writeable
    assert bitwise_equal(mlp["module"](ro), mlp["module"](x))


def test_big_endian_input_is_not_misread(mlp, rng):
    # The ABI is little-endian. A '>f4' array must give the right answer or
    # a TypeError/ValueError, never bytes read as if little-endian.
    x = rng.standard_normal((4, 32)).astype(np.float32)
    try:
        got = mlp["module"](x.astype(">f4"))
    except (TypeError, ValueError):
        return
    assert bitwise_equal(np.asarray(got, np.float32), mlp["module"](x))


def test_several_libraries_loaded_together(mlp, two_io, tmp_path, rng):
    # RTLD_LOCAL + -Bsymbolic: each library runs its own code.
    second = switchyard.load(mlp["so"])   # the same library twice
    x = rng.standard_normal((4, 32)).astype(np.float32)
    u = rng.standard_normal((3, 4)).astype(np.float32)
    v = rng.standard_normal(4).astype(np.float32)
    for _ in range(3):
        assert bitwise_equal(second(x), mlp["module"](x))
        diff, _ = two_io["module"](u, v)
        assert_close(diff, u.astype(np.float64) - v, 1e-6, "two_io")


def test_unload_and_reload(mlp, rng):
    # Loading, dropping (dlclose once the last Module is gone) and loading
    # again gives a working library each time.
    x = rng.standard_normal((4, 32)).astype(np.float32)
    ref = sy_models.mlp_reference(mlp["weights"], x)
    for _ in range(3):
        module = switchyard.load(mlp["so"])
        assert_close(module(x), ref, MLP_REL, "after reload")
        del module
        gc.collect()


def test_num_threads(mlp, rng):
    x = rng.standard_normal((4, 32)).astype(np.float32)
    ref = sy_models.mlp_reference(mlp["weights"], x)
    for n in (1, 2, 3):
        module = switchyard.load(mlp["so"], num_threads=n)
        assert module.num_threads == n
        assert_close(module(x), ref, MLP_REL, f"num_threads={n}")
    for n in (-1, 1025):
        with pytest.raises(ValueError, match="num_threads"):
            switchyard.load(mlp["so"], num_threads=n)


def test_reload_after_recompiling_same_path(tmp_path):
    def single(op):
        return sy_models.make_model(
            [onnx.helper.make_node(op, ["x"], ["y"], name=op)],
            [sy_models.vi("x", onnx.TensorProto.FLOAT, [3])],
            [sy_models.vi("y", onnx.TensorProto.FLOAT, [3])])
    out = tmp_path / "same.so"
    x = np.array([-1.0, 0.5, 2.0], np.float32)
    first = switchyard.load(switchyard.compile(single("Relu"), output=out))
    np.testing.assert_array_equal(first(x), np.maximum(x, 0))
    second = switchyard.load(switchyard.compile(single("Neg"), output=out))
    np.testing.assert_array_equal(second(x), -x)
    # The first module keeps its own code, and no private copy is left.
    np.testing.assert_array_equal(first(x), np.maximum(x, 0))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same.h", "same.so"]


# -- call errors ---------------------------------------------------------------

def test_wrong_dtype(mlp, rng):
    x = rng.standard_normal((4, 32))
    with pytest.raises(TypeError) as info:
        mlp["module"](x)                                   # float64
    assert str(info.value) == "input 'x': expected dtype float32, got float64"
    with pytest.raises(TypeError, match="input 'x': expected dtype float32, got int32"):
        mlp["module"](x.astype(np.int32))
    with pytest.raises(TypeError, match="input 'x': expected dtype float32, got bool"):
        mlp["module"](x > 0)
    with pytest.raises(TypeError, match="expected dtype float32, got complex64"):
        mlp["module"](x.astype(np.complex64))              # no sy_dtype at all


def test_wrong_dtype_second_input(int_bool):
    x = np.zeros((2, 6), np.int64)
    with pytest.raises(TypeError, match="input 'm': expected dtype bool, got int64"):
        int_bool["module"](x, np.zeros((2, 6), np.int64))
    with pytest.raises(TypeError, match="input 'x': expected dtype int64, got int32"):
        int_bool["module"](x.astype(np.int32), np.zeros((2, 6), bool))


def test_wrong_shape(mlp):
    with pytest.raises(ValueError) as info:
        mlp["module"](np.zeros((4, 5), np.float32))
    assert str(info.value) == "input 'x': expected shape [4, 32], got [4, 5]"
    with pytest.raises(ValueError, match=r"expected shape \[4, 32\], got \[3, 32\]"):
        mlp["module"](np.zeros((3, 32), np.float32))


def test_wrong_shape_second_input(two_io):
    with pytest.raises(ValueError, match=r"input 'v': expected shape \[4\], got \[3\]"):
        two_io["module"](np.zeros((3, 4), np.float32), np.zeros(3, np.float32))


@pytest.mark.parametrize("shape,rank", [((4, 32, 1), 3), ((128,), 1), ((), 0)])
def test_wrong_rank(mlp, shape, rank):
    with pytest.raises(ValueError) as info:
        mlp["module"](np.zeros(shape, np.float32))
    assert str(info.value) == f"input 'x': expected rank 2, got {rank}"


def test_too_many_inputs(mlp, two_io):
    x = np.zeros((4, 32), np.float32)
    with pytest.raises(TypeError) as info:
        mlp["module"](x, x)
    assert str(info.value) == "expected 1 input, got 2"
    u = np.zeros((3, 4), np.float32)
    with pytest.raises(TypeError, match="expected 2 inputs, got 3"):
        two_io["module"](u, np.zeros(4, np.float32), u)
    with pytest.raises(TypeError):
        two_io["module"](u, np.zeros(4, np.float32), u=u)


def test_too_few_inputs(mlp, two_io):
    with pytest.raises(TypeError, match="missing input 'x'"):
        mlp["module"]()
    with pytest.raises(TypeError, match="missing input 'v'"):
        two_io["module"](np.zeros((3, 4), np.float32))
    with pytest.raises(TypeError, match="missing input"):
        two_io["module"].run({"u": np.zeros((3, 4), np.float32)})


def test_unknown_named_input(mlp, two_io):
    x = np.zeros((4, 32), np.float32)
    with pytest.raises(TypeError, match="'z'"):
        mlp["module"](z=x)
    with pytest.raises(TypeError, match="'w'"):
        two_io["module"].run({"u": np.zeros((3, 4), np.float32),
                              "v": np.zeros(4, np.float32),
                              "w": np.zeros(4, np.float32)})


def test_input_given_twice(two_io):
    u = np.zeros((3, 4), np.float32)
    with pytest.raises(TypeError, match="'u' given twice"):
        two_io["module"](u, u=u)


def test_failed_call_leaves_module_usable(mlp, rng):
    module = mlp["module"]
    x = rng.standard_normal((4, 32)).astype(np.float32)
    want = module(x)
    bad_calls = [lambda: module(np.zeros((4, 5), np.float32)),
                 lambda: module(np.zeros((4, 32))),
                 lambda: module(x, x),
                 lambda: module(q=x)]
    for call in bad_calls:
        with pytest.raises((TypeError, ValueError)):
            call()
    assert bitwise_equal(module(x), want)


# -- load errors ---------------------------------------------------------------

def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        switchyard.load(tmp_path / "missing.so")


def test_load_text_file(tmp_path):
    path = tmp_path / "notes.so"
    path.write_text("this is not a shared library\n")
    with pytest.raises(ValueError, match=re.escape(str(path))):
        switchyard.load(path)


def test_load_onnx_file(mlp):
    with pytest.raises(ValueError):
        switchyard.load(mlp["onnx"])


def _system_library():
    for pattern in ("/usr/lib/x86_64-linux-gnu/libm.so.6", "/lib/x86_64-linux-gnu/libm.so.6",
                    "/usr/lib*/libm.so.6", "/lib*/libm.so.6",
                    "/usr/lib/*/libm.so.6"):
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


def test_load_foreign_shared_library():
    path = _system_library()
    if path is None:
        pytest.skip("no libm.so.6 found")
    with pytest.raises(ValueError, match="not a Switchyard library"):
        switchyard.load(path)


def test_load_directory(tmp_path):
    with pytest.raises((ValueError, OSError)):
        switchyard.load(tmp_path)
