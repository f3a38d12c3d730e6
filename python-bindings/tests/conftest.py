"""Shared fixtures: each test model is built, saved and compiled once per
session into a temporary folder (compiling takes about 0.1 s a model).

Run from the repository root as `make check` does:

    PYTHONPATH=build/python_packages python3 -m pytest -q -p no:cacheprovider \
        python-bindings/tests
"""

import os
import sys
import tempfile
import zlib

import numpy as np
import onnx
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import switchyard  # noqa: E402
import sy_models  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def scratch_tempdir(tmp_path_factory):
    """compile() of bytes or a ModelProto without output= writes to a fresh
    tempfile.mkdtemp() folder that it keeps; point tempfile at pytest's
    temporary tree so the suite leaves nothing in /tmp."""
    folder = tmp_path_factory.mktemp("tempfile")
    old = tempfile.tempdir
    tempfile.tempdir = str(folder)
    yield folder
    tempfile.tempdir = old


@pytest.fixture(scope="session")
def package_parent():
    """The folder holding the switchyard package under test: PYTHONPATH for
    subprocesses, so `python3 -m switchyard` is the same package."""
    return os.path.dirname(os.path.dirname(os.path.abspath(switchyard.__file__)))


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def mlp(models_dir):
    """The MLP saved as models_dir/mlp.onnx and compiled next to it (the
    default output), plus its weights and a loaded Module."""
    model, weights = sy_models.mlp()
    path = models_dir / "mlp.onnx"
    onnx.save(model, str(path))
    so = switchyard.compile(str(path))
    return {"model": model, "weights": weights, "onnx": path, "so": so,
            "module": switchyard.load(so)}


@pytest.fixture(scope="session")
def two_io(models_dir):
    model = sy_models.two_io()
    so = switchyard.compile(model, output=str(models_dir / "two_io.so"))
    return {"model": model, "so": so, "module": switchyard.load(so)}


@pytest.fixture(scope="session")
def int_bool(models_dir):
    model = sy_models.int_bool()
    so = switchyard.compile(model.SerializeToString(),
                            output=str(models_dir / "int_bool.so"))
    return {"model": model, "so": so, "module": switchyard.load(so)}


@pytest.fixture(scope="session")
def dyn(models_dir):
    """The dynamic-batch model, compiled with the batch fixed to 4."""
    model, w = sy_models.dynamic_batch()
    path = models_dir / "dynamic_batch.onnx"
    onnx.save(model, str(path))
    so = switchyard.compile(str(path), output=str(models_dir / "dyn_b4.so"),
                            input_shapes={"x": (4, 16)})
    return {"model": model, "W": w, "onnx": path, "so": so,
            "module": switchyard.load(so)}


@pytest.fixture
def rng(request):
    # A fixed seed per test (not Python's salted hash): failures reproduce.
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))
