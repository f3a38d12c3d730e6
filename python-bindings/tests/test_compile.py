"""switchyard.compile: the three kinds of model argument, where the library
goes, the numbers it computes (against a float64 numpy reference and
onnxruntime), the text stages, and the errors."""

import os
import pathlib
import tempfile

import numpy as np
import onnx
import pytest

import switchyard
import sy_models
from sy_models import assert_close, ort_run

# float32 MatMul/Add/Relu with K <= 64: a few ulps of the largest partial
# sums; 1e-5 relative to the output scale leaves a wide margin.
MLP_REL = 1e-5


def check_mlp(module, weights, model, rng, what):
    x = rng.standard_normal((4, 32)).astype(np.float32)
    y = module(x)
    assert isinstance(y, np.ndarray) and y.dtype == np.float32, what
    ref = sy_models.mlp_reference(weights, x)
    assert_close(y, ref, MLP_REL, f"{what} vs float64 numpy")
    (ort_y,) = ort_run(model, {"x": x})
    assert_close(y, ort_y, MLP_REL, f"{what} vs onnxruntime")


# -- input kinds -------------------------------------------------------------

def test_path_default_output_next_to_model(mlp, rng):
    # The session fixture compiled models_dir/mlp.onnx with no output=.
    assert mlp["so"] == os.path.abspath(str(mlp["onnx"].with_suffix(".so")))
    assert os.path.isfile(mlp["so"])
    assert os.path.isfile(mlp["onnx"].with_suffix(".h")), \
        "the header should be written next to the library"
    check_mlp(mlp["module"], mlp["weights"], mlp["onnx"].read_bytes(), rng,
              "compile(path)")


def test_pathlike_with_output(mlp, tmp_path, rng):
    out = tmp_path / "nested" / "dir" / "net.so"  # folders are created
    so = switchyard.compile(pathlib.Path(mlp["onnx"]), output=out)
    assert so == str(out) and out.is_file()
    assert (tmp_path / "nested" / "dir" / "net.h").is_file()
    # Nothing new next to the model besides what the fixture made.
    check_mlp(switchyard.load(so), mlp["weights"], str(mlp["onnx"]), rng,
              "compile(Path, output=)")


def test_relative_output_is_returned_absolute(mlp, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    so = switchyard.compile(str(mlp["onnx"]), output="rel.so")
    assert so == str(tmp_path / "rel.so") and os.path.isabs(so)
    assert (tmp_path / "rel.so").is_file()


def test_bytes_default_output(mlp, rng):
    data = mlp["model"].SerializeToString()
    so = switchyard.compile(data)
    try:
        assert os.path.isabs(so) and os.path.isfile(so)
        assert not so.startswith(str(mlp["onnx"].parent)), \
            "bytes have no folder of their own: a fresh temporary one is used"
        check_mlp(switchyard.load(so), mlp["weights"], data, rng,
                  "compile(bytes)")
    finally:
        for name in os.listdir(os.path.dirname(so)):
            os.unlink(os.path.join(os.path.dirname(so), name))
        os.rmdir(os.path.dirname(so))


@pytest.mark.parametrize("kind", ["bytearray", "memoryview"])
def test_bytes_like(mlp, tmp_path, rng, kind):
    data = mlp["model"].SerializeToString()
    data = bytearray(data) if kind == "bytearray" else memoryview(data)
    so = switchyard.compile(data, output=tmp_path / "m.so")
    check_mlp(switchyard.load(so), mlp["weights"], mlp["model"], rng,
              f"compile({kind})")


def test_modelproto(mlp, tmp_path, rng):
    so = switchyard.compile(mlp["model"], output=tmp_path / "proto.so")
    assert so == str(tmp_path / "proto.so")
    check_mlp(switchyard.load(so), mlp["weights"], mlp["model"], rng,
              "compile(ModelProto)")


def test_two_compiles_of_one_model_agree_bitwise(mlp, tmp_path, rng):
    so = switchyard.compile(mlp["model"], output=tmp_path / "again.so")
    x = rng.standard_normal((4, 32)).astype(np.float32)
    assert sy_models.bitwise_equal(switchyard.load(so)(x), mlp["module"](x))


@pytest.mark.parametrize("opt_level", [0, 1, 3])
def test_opt_levels(mlp, tmp_path, rng, opt_level):
    so = switchyard.compile(mlp["model"], output=tmp_path / "o.so",
                            opt_level=opt_level)
    check_mlp(switchyard.load(so), mlp["weights"], mlp["model"], rng,
              f"opt_level={opt_level}")


def test_opt_level_reaches_the_compiler(mlp):
    # Same numbers at every level (above); the generated code differs.
    o0 = switchyard.compile(mlp["model"], emit="llvm", opt_level=0)
    o3 = switchyard.compile(mlp["model"], emit="llvm", opt_level=3)
    assert o0 != o3


def test_cpu_reaches_the_compiler(mlp, tmp_path):
    with pytest.raises(switchyard.CompileError, match="not-a-real-cpu"):
        switchyard.compile(mlp["model"], output=tmp_path / "c.so",
                           cpu="not-a-real-cpu")


def test_bad_model_type():
    with pytest.raises(TypeError, match="model must be"):
        switchyard.compile(12345)


# -- the models ----------------------------------------------------------------

def test_two_inputs_two_outputs(two_io, rng):
    module = two_io["module"]
    u = rng.standard_normal((3, 4)).astype(np.float32)
    v = rng.standard_normal(4).astype(np.float32)
    ref = {"diff": u.astype(np.float64) - v, "sum": u.astype(np.float64) + v}
    # One rounding of a float32 add: <= 2^-24 relative.
    rel = 1e-6
    diff, total = module(u, v)
    assert_close(diff, ref["diff"], rel, "positional: first output is diff")
    assert_close(total, ref["sum"], rel, "positional: second output is sum")
    diff2, total2 = module(v=v, u=u)
    assert_close(diff2, ref["diff"], rel, "named (reversed order): diff")
    assert_close(total2, ref["sum"], rel, "named (reversed order): sum")
    diff3, total3 = module(u, v=v)
    assert_close(diff3, ref["diff"], rel, "mixed positional/named: diff")
    out = module.run({"v": v, "u": u})
    assert list(out) == ["diff", "sum"], "run() keys in signature order"
    assert_close(out["diff"], ref["diff"], rel, "run(): diff")
    assert_close(out["sum"], ref["sum"], rel, "run(): sum")
    ort_diff, ort_sum = ort_run(two_io["model"], {"u": u, "v": v})
    assert_close(diff, ort_diff, rel, "diff vs onnxruntime")
    assert_close(total, ort_sum, rel, "sum vs onnxruntime")


def test_int64_and_bool(int_bool, rng):
    module = int_bool["module"]
    x = rng.integers(-10, 10, size=(2, 6), dtype=np.int64)
    x[0, 0] = sy_models.THRESHOLD          # the boundary: not greater
    x[0, 1] = sy_models.THRESHOLD + 1
    x[1, 0] = 2 ** 40                       # needs all 64 bits
    m = rng.random((2, 6)) < 0.5
    outs = module(x, m)
    ref = sy_models.int_bool_reference(x, m)
    names = ["y", "mask", "xf", "notm"]
    dtypes = [np.int64, np.bool_, np.float32, np.bool_]
    assert len(outs) == 4
    for name, dtype, got in zip(names, dtypes, outs):
        assert got.dtype == dtype, f"{name}: dtype {got.dtype}, want {np.dtype(dtype)}"
        if name == "xf":
            # Cast int64 -> float32 rounds to nearest: exactly numpy's.
            np.testing.assert_array_equal(got, ref["xf"].astype(np.float32),
                                          err_msg="xf = Cast(x) exactly")
        else:
            np.testing.assert_array_equal(got, ref[name], err_msg=name)
    for name, got, want in zip(names, outs,
                               ort_run(int_bool["model"], {"x": x, "m": m})):
        np.testing.assert_array_equal(got, want,
                                      err_msg=f"{name} vs onnxruntime")


def test_dynamic_batch_with_input_shapes(dyn, rng):
    module = dyn["module"]
    assert module.signature.inputs[0].shape == (4, 16)
    assert module.signature.outputs[0].shape == (4, 8)
    x = rng.standard_normal((4, 16)).astype(np.float32)
    y = module(x)
    ref = np.tanh(x.astype(np.float64) @ dyn["W"].astype(np.float64))
    # MatMul (K = 16) then tanh, both float32: |tanh'| <= 1, so the
    # MatMul's error carries over; 1e-5 of the scale (tanh <= 1) is wide.
    assert_close(y, ref, 1e-5, "dynamic batch fixed to 4 vs float64 numpy")
    (ort_y,) = ort_run(str(dyn["onnx"]), {"x": x})  # ORT on the dynamic model
    assert_close(y, ort_y, 1e-5, "dynamic batch fixed to 4 vs onnxruntime")
    with pytest.raises(ValueError, match=r"expected shape \[4, 16\], got \[5, 16\]"):
        module(np.zeros((5, 16), np.float32))


def test_dynamic_batch_without_input_shapes(dyn, tmp_path):
    with pytest.raises(switchyard.CompileError) as info:
        switchyard.compile(str(dyn["onnx"]), output=tmp_path / "d.so")
    message = str(info.value)
    assert "node 'dyn/MatMul'" in message, message
    assert "input-shape" in message, message
    assert not (tmp_path / "d.so").exists()


def test_input_shapes_errors(dyn, tmp_path):
    with pytest.raises(switchyard.CompileError, match="'nope'"):
        switchyard.compile(dyn["model"], output=tmp_path / "a.so",
                           input_shapes={"nope": (4, 16)})
    with pytest.raises(switchyard.CompileError, match="conflicts"):
        switchyard.compile(dyn["model"], output=tmp_path / "b.so",
                           input_shapes={"x": (4, 17)})
    with pytest.raises(ValueError, match="dims must be >= 0"):
        switchyard.compile(dyn["model"], output=tmp_path / "c.so",
                           input_shapes={"x": (-4, 16)})


# -- text stages ---------------------------------------------------------------

def test_emit_onnx_text(mlp):
    text = switchyard.compile(mlp["model"], emit="onnx")
    assert isinstance(text, str)
    assert "func.func" in text
    # The imported graph keeps the ONNX ops and their node names.
    for name in ("mlp/fc1/MatMul", "mlp/fc1/Add", "mlp/relu", "mlp/fc2/MatMul"):
        assert f'"{name}"' in text, f"node {name} missing from the onnx stage"
    assert 'onnx.node "Relu"' in text
    assert "tensor<4x32xf32>" in text and "tensor<4x10xf32>" in text


def test_emit_sy_text(mlp):
    text = switchyard.compile(str(mlp["onnx"]), emit="sy")
    assert isinstance(text, str) and "func.func" in text
    assert "tensor<4x10xf32>" in text


def test_emit_linalg_and_llvm_text(mlp):
    linalg = switchyard.compile(mlp["model"], emit="linalg")
    assert "linalg.matmul" in linalg and "onnx.node" not in linalg
    llvm = switchyard.compile(mlp["model"], emit="llvm")
    assert "define " in llvm  # LLVM IR, not MLIR
    assert "func.func" not in llvm


def test_emit_text_to_output_file(mlp, tmp_path):
    out = tmp_path / "mlp.sy.mlir"
    result = switchyard.compile(mlp["model"], emit="sy", output=out)
    assert result == str(out)
    assert "func.func" in out.read_text()


def test_emit_obj(mlp, tmp_path):
    out = switchyard.compile(mlp["model"], emit="obj", output=tmp_path / "m.o")
    assert out == str(tmp_path / "m.o")
    assert (tmp_path / "m.o").read_bytes()[:4] == b"\x7fELF"


# -- compile errors ------------------------------------------------------------

def test_compile_error_names_the_node_path(tmp_path):
    path = tmp_path / "router.onnx"
    onnx.save(sy_models.topk_dynamic_k(), str(path))
    with pytest.raises(switchyard.CompileError) as info:
        switchyard.compile(str(path))
    message = str(info.value)
    assert isinstance(info.value, RuntimeError)
    assert "router.onnx" in message, message
    assert "node 'moe/router/TopK'" in message, message
    assert "TopK" in message and "K must be a constant" in message, message
    assert info.value.diagnostics and all(info.value.diagnostics), \
        "diagnostics: the message's non-empty lines"
    assert any("moe/router/TopK" in d for d in info.value.diagnostics)
    assert not (tmp_path / "router.so").exists()


def test_compile_error_names_the_node_modelproto():
    with pytest.raises(switchyard.CompileError,
                       match=r"node 'moe/router/TopK' \(TopK"):
        switchyard.compile(sy_models.topk_dynamic_k())


def test_corrupt_model_bytes():
    garbage = bytes(range(256)) * 4
    with pytest.raises(switchyard.CompileError) as info:
        switchyard.compile(garbage)
    assert str(info.value).strip(), "the error should say something"


def test_corrupt_model_file(tmp_path):
    path = tmp_path / "corrupt.onnx"
    path.write_bytes(b"\x08\x07this is not an onnx model\xff\xfe\x00" * 10)
    with pytest.raises(switchyard.CompileError) as info:
        switchyard.compile(str(path))
    assert "corrupt.onnx" in str(info.value)
    assert not (tmp_path / "corrupt.so").exists()


def test_failed_compile_of_bytes_leaves_no_folder(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with pytest.raises(switchyard.CompileError):
        switchyard.compile(b"not a model")
    assert sorted(p.name for p in scratch.iterdir()) == []


def test_missing_model_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        switchyard.compile(str(tmp_path / "missing.onnx"))


def test_unimplemented_target(mlp, tmp_path):
    with pytest.raises(switchyard.CompileError, match="cuda"):
        switchyard.compile(mlp["model"], "cuda", output=tmp_path / "g.so")


@pytest.mark.parametrize("level", [-1, 4, 2.0, "2"])
def test_opt_level_out_of_range(mlp, level):
    with pytest.raises(ValueError, match="opt_level"):
        switchyard.compile(mlp["model"], opt_level=level)


def test_bad_emit_and_cpu_cores(mlp):
    with pytest.raises(ValueError, match="emit"):
        switchyard.compile(mlp["model"], emit="exe")
    with pytest.raises(ValueError, match="cpu_cores"):
        switchyard.compile(mlp["model"], cpu_cores=-1)


def test_unknown_keyword(mlp):
    with pytest.raises(TypeError, match="optimisation"):
        switchyard.compile(mlp["model"], optimisation=3)
    with pytest.raises(TypeError):
        # emit and the rest are keyword-only.
        switchyard.compile(mlp["model"], "cpu", None, "sy")
