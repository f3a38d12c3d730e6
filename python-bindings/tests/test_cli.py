"""`python3 -m switchyard compile|run ...`: the command-line tools through
the package, run as subprocesses on the package under test."""

import os
import re
import subprocess
import sys

import numpy as np
import onnx
import pytest

import switchyard
import sy_models
from sy_models import assert_close


@pytest.fixture(scope="module")
def cli(package_parent):
    env = dict(os.environ)
    env["PYTHONPATH"] = package_parent
    env.pop("SWITCHYARD_RUNTIME_LIB", None)

    def run(args, cwd, check_rc=None):
        proc = subprocess.run([sys.executable, "-m", "switchyard", *map(str, args)],
                              cwd=str(cwd), env=env, capture_output=True,
                              text=True, timeout=120)
        if check_rc is not None:
            assert proc.returncode == check_rc, (
                f"python3 -m switchyard {' '.join(map(str, args))}: exit "
                f"{proc.returncode}, want {check_rc}\nstdout: {proc.stdout}\n"
                f"stderr: {proc.stderr}")
        return proc
    return run


@pytest.fixture(scope="module")
def cli_mlp(cli, tmp_path_factory):
    """The MLP compiled by `python3 -m switchyard compile MODEL -o OUT.so`."""
    folder = tmp_path_factory.mktemp("cli")
    model, weights = sy_models.mlp(seed=11)
    onnx.save(model, str(folder / "net.onnx"))
    proc = cli(["compile", "net.onnx", "-o", "out/net_cli.so"], folder)
    assert proc.returncode != 0, "the output folder does not exist yet"
    (folder / "out").mkdir()
    cli(["compile", "net.onnx", "-o", "out/net_cli.so"], folder, check_rc=0)
    return folder, weights


def test_compile_writes_library_and_header(cli_mlp):
    folder, _ = cli_mlp
    assert (folder / "out" / "net_cli.so").is_file()
    header = (folder / "out" / "net_cli.h").read_text()
    assert "net_cli_run" in header  # the tag comes from -o's file name


def test_compile_then_run(cli, cli_mlp, rng):
    folder, weights = cli_mlp
    x = rng.standard_normal((4, 32)).astype(np.float32)
    np.save(folder / "x_in.npy", x)
    proc = cli(["run", "out/net_cli.so", "--input", "x=x_in.npy",
                "--output-dir", "results"], folder, check_rc=0)
    y = np.load(folder / "results" / "y.npy")
    assert y.dtype == np.float32 and y.shape == (4, 10)
    assert_close(y, sy_models.mlp_reference(weights, x), 1e-5,
                 "switchyard run output vs float64 numpy")
    assert "y.npy" in proc.stdout
    # The same library in-process agrees.
    module = switchyard.load(folder / "out" / "net_cli.so")
    assert_close(module(x), y, 1e-6, "in-process vs CLI")


def test_run_benchmark(cli, cli_mlp):
    folder, _ = cli_mlp
    proc = cli(["run", "out/net_cli.so", "--random-inputs", "--benchmark", "5",
                "--threads", "1"], folder, check_rc=0)
    last = proc.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"median_ms=(\S+) min_ms=(\S+) max_ms=(\S+)", last)
    assert match, f"last line: {last!r}"
    median, lo, hi = map(float, match.groups())
    assert 0 <= lo <= median <= hi, last


def test_run_error_mirrors_api(cli, cli_mlp):
    folder, _ = cli_mlp
    np.save(folder / "x64.npy", np.zeros((4, 32)))
    proc = cli(["run", "out/net_cli.so", "--input", "x=x64.npy"], folder,
               check_rc=1)
    assert "expected dtype float32, got float64" in proc.stderr, proc.stderr
    assert proc.stderr.startswith("switchyard-run: error:"), proc.stderr


def test_compile_input_shape_and_tag(cli, tmp_path, rng):
    model, w = sy_models.dynamic_batch()
    onnx.save(model, str(tmp_path / "dyn.onnx"))
    cli(["compile", "dyn.onnx", "--input-shape=x=2x16", "--tag=dyn_two",
         "-o", "dyn2.so"], tmp_path, check_rc=0)
    module = switchyard.load(tmp_path / "dyn2.so")
    assert module.tag == "dyn_two"
    assert module.signature.inputs[0].shape == (2, 16)
    x = rng.standard_normal((2, 16)).astype(np.float32)
    assert_close(module(x), np.tanh(x.astype(np.float64) @ w), 1e-5,
                 "CLI --input-shape")


def test_compile_emit_sy_to_stdout(cli, cli_mlp):
    folder, _ = cli_mlp
    proc = cli(["compile", "net.onnx", "--emit=sy"], folder, check_rc=0)
    assert "func.func" in proc.stdout


def test_compile_error_names_node(cli, tmp_path):
    onnx.save(sy_models.topk_dynamic_k(), str(tmp_path / "router.onnx"))
    proc = cli(["compile", "router.onnx"], tmp_path, check_rc=1)
    assert "node 'moe/router/TopK'" in proc.stderr, proc.stderr
    assert not (tmp_path / "router.so").exists()


def test_compile_missing_model(cli, tmp_path):
    proc = cli(["compile", "missing.onnx"], tmp_path, check_rc=1)
    assert "no such file" in proc.stderr, proc.stderr
    assert "missing.onnx" in proc.stderr


def test_version(cli, tmp_path):
    proc = cli(["--version"], tmp_path, check_rc=0)
    assert proc.stdout.split() == ["switchyard", switchyard.__version__]


def test_unknown_command(cli, tmp_path):
    proc = cli(["frobnicate"], tmp_path, check_rc=2)
    assert "frobnicate" in proc.stderr and "compile or run" in proc.stderr


def test_usage(cli, tmp_path):
    proc = cli([], tmp_path, check_rc=2)
    assert "compile" in proc.stdout and "run" in proc.stdout
    proc = cli(["--help"], tmp_path, check_rc=0)
    assert "compile" in proc.stdout and "run" in proc.stdout


@pytest.mark.parametrize("command,usage", [
    ("compile", "USAGE: switchyard-compile"), ("run", "USAGE: switchyard-run")])
def test_tool_help(cli, tmp_path, command, usage):
    proc = cli([command, "--help"], tmp_path, check_rc=0)
    assert usage in proc.stdout
