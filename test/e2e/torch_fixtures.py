"""Models exported by PyTorch 2.x (torch.onnx.export, default settings: IR
10, opset 20, weights as external data) compile and match PyTorch's own
float32 outputs, stored beside them (fixtures/export_fixtures.py made both;
make check never needs torch). Bound: rtol 1e-4, atol 1e-5."""
import os
import subprocess
import tempfile

import numpy as np
import onnx

from sye2e import check_close, check_moe_raised, emit_sy, main, run_library, tool

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def fixture(name):
    path = os.path.join(HERE, name + ".onnx")
    model = onnx.load(path, load_external_data=False)
    assert model.ir_version == 10, model.ir_version
    assert any(o.domain in ("", "ai.onnx") and o.version >= 18
               for o in model.opset_import)
    ref = np.load(os.path.join(HERE, name + ".npz"))
    with tempfile.TemporaryDirectory() as d:
        lib = os.path.join(d, name + ".so")
        proc = subprocess.run([tool("switchyard-compile"), path, "-o", lib],
                              capture_output=True, text=True)
        if proc.returncode:
            raise AssertionError(f"switchyard-compile failed:\n{proc.stderr}")
        out = run_library(lib, {"x": ref["x"]}, d)
    check_close(name, out["y"], ref["y"], rtol=1e-4, atol=1e-5)


def test_torch_mlp():
    fixture("torch_mlp")


def test_torch_cnn():
    fixture("torch_cnn")


def test_torch_attention():
    fixture("torch_attention")


def check_raised_moe(name, dense_left):
    check_moe_raised(name, emit_sy(os.path.join(HERE, name + ".onnx")), dense_left)


def test_torch_moe_dense():
    # Stacked experts under a ScatterElements mask, plus a shared expert:
    # the router Gemm, the shared expert and the reshapes stay.
    check_raised_moe("torch_moe_dense",
                     ["Reshape", "Gemm", "Gemm", "Sigmoid", "Mul", "Gemm", "Add", "Reshape"])
    fixture("torch_moe_dense")


def test_torch_moe_loop_dense():
    # One Gemm pair per expert over an nn.ModuleList: only the router stays.
    check_raised_moe("torch_moe_loop_dense", ["Gemm"])
    fixture("torch_moe_loop_dense")


def test_torch_moe_mixtral():
    # Hugging Face's Mixtral block: NonZero per expert, GatherND of tokens
    # and weights, ScatterND add. The router and the reshapes stay.
    check_raised_moe("torch_moe_mixtral", ["Reshape", "Gemm", "Reshape"])
    fixture("torch_moe_mixtral")


def test_torch_moe_qwen():
    # Qwen2-MoE's block: the same loop, no renormalisation, plus a shared
    # SwiGLU expert under a sigmoid gate, which stays dense.
    check_raised_moe("torch_moe_qwen",
                     ["Reshape", "Gemm", "Gemm", "Sigmoid", "Gemm", "Sigmoid", "Mul",
                      "Gemm", "Mul", "Gemm", "Mul", "Add", "Reshape"])
    fixture("torch_moe_qwen")


def check_pyramids(name, pyramids, upsample_concats):
    """--emit=sy holds one sy.pyramid_pool per pyramid (and the fused
    upsample + concat where the module has one), no ONNX pooling left."""
    text = emit_sy(os.path.join(HERE, name + ".onnx"))
    counts = (text.count("sy.pyramid_pool"), text.count("sy.upsample_concat"))
    assert counts == (pyramids, upsample_concats), (name, counts)
    for op in ("AveragePool", "MaxPool", "ReduceMean"):
        assert f'"{op}"' not in text, (name, op)


def test_torch_ppm():
    # PSPNet's PPM: AdaptiveAvgPool2d(1, 2, 3, 6) -> one pyramid; the
    # bilinear upsampling of its levels and the Concat -> upsample_concat.
    check_pyramids("torch_ppm", 1, 1)
    fixture("torch_ppm")


def test_torch_dappm():
    # DDRNet's DAPPM: AvgPool k5/s2, k9/s4, k17/s8 and the global mean.
    check_pyramids("torch_dappm", 1, 0)
    fixture("torch_dappm")


def test_torch_sppf():
    # YOLOv5's SPPF: three chained k5 max pools, odd spatial sizes.
    check_pyramids("torch_sppf", 1, 0)
    fixture("torch_sppf")


if __name__ == "__main__":
    main([test_torch_mlp, test_torch_cnn, test_torch_attention, test_torch_moe_dense,
          test_torch_moe_loop_dense, test_torch_moe_mixtral, test_torch_moe_qwen,
          test_torch_ppm, test_torch_dappm, test_torch_sppf])
