"""Less common signatures: half-precision dtypes, no inputs, scalars, empty
tensors, names that need escaping in the signature JSON."""

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import switchyard
import sy_models
from sy_models import bitwise_equal, ort_run, vi


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("edge")
    cache = {}

    def get(name, model):
        if name not in cache:
            so = switchyard.compile(model, output=str(folder / f"{name}.so"))
            cache[name] = switchyard.load(so)
        return cache[name]
    return get


def doubling(elem_type):
    return sy_models.make_model(
        [helper.make_node("Add", ["x", "x"], ["y"], name="double")],
        [vi("x", elem_type, [2, 3])], [vi("y", elem_type, [2, 3])])


def test_float16(build, rng):
    model = doubling(TensorProto.FLOAT16)
    module = build("f16", model)
    assert module.signature.outputs[0].dtype == np.float16
    x = (rng.standard_normal((2, 3)) * 100).astype(np.float16)
    y = module(x)
    assert y.dtype == np.float16
    # Doubling is exact in binary floating point (no overflow at these sizes).
    assert bitwise_equal(y, x * np.float16(2))
    (ort_y,) = ort_run(model, {"x": x})
    assert bitwise_equal(y, ort_y)


def test_bfloat16_output_dtype(build, rng):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    module = build("bf16", doubling(TensorProto.BFLOAT16))
    bf16 = np.dtype(ml_dtypes.bfloat16)
    assert module.signature.outputs[0].dtype == bf16
    x = rng.standard_normal((2, 3)).astype(bf16)
    y = module(x)
    assert y.dtype == bf16, f"output dtype {y.dtype}, signature says bfloat16"
    assert bitwise_equal(y, (x.astype(np.float32) * 2).astype(bf16))


def test_bfloat16_values(build, rng):
    # The numbers themselves are right (compared as bits, whatever the
    # returned dtype).
    ml_dtypes = pytest.importorskip("ml_dtypes")
    module = build("bf16", doubling(TensorProto.BFLOAT16))
    bf16 = np.dtype(ml_dtypes.bfloat16)
    x = rng.standard_normal((2, 3)).astype(bf16)
    y = np.asarray(module(x))
    assert y.itemsize == 2
    want = (x.astype(np.float32) * 2).astype(bf16)
    assert y.tobytes() == want.tobytes()


def test_no_inputs(build):
    values = np.array([3.5, -1.0, 0.25], np.float32)
    model = sy_models.make_model(
        [helper.make_node("Constant", [], ["y"], name="const",
                          value=numpy_helper.from_array(values))],
        [], [vi("y", TensorProto.FLOAT, [3])])
    module = build("noinput", model)
    assert module.signature.inputs == ()
    assert bitwise_equal(module(), values)
    assert bitwise_equal(module.run({})["y"], values)
    with pytest.raises(TypeError, match="expected 0 inputs, got 1"):
        module(values)


def test_scalar(build):
    model = sy_models.make_model(
        [helper.make_node("Neg", ["x"], ["y"], name="neg")],
        [vi("x", TensorProto.FLOAT, [])], [vi("y", TensorProto.FLOAT, [])])
    module = build("scalar", model)
    assert module.signature.inputs[0].shape == ()
    for value in (np.float32(2.5), 2.5, np.array(2.5, np.float32), np.float64(2.5)):
        y = module(value)
        assert y.shape == () and y.dtype == np.float32 and float(y) == -2.5
    with pytest.raises(ValueError, match="expected rank 0, got 1"):
        module(np.array([2.5], np.float32))


def test_empty_tensor(build):
    model = sy_models.make_model(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        [vi("x", TensorProto.FLOAT, [0, 3])], [vi("y", TensorProto.FLOAT, [0, 3])])
    module = build("empty", model)
    y = module(np.zeros((0, 3), np.float32))
    assert y.shape == (0, 3) and y.dtype == np.float32


def test_names_needing_escapes(build, rng):
    in_name, out_name = "in/put:0", 'sums/"col"\\x'
    model = sy_models.make_model(
        [helper.make_node("Relu", [in_name], [out_name], name="relu")],
        [vi(in_name, TensorProto.FLOAT, [5])], [vi(out_name, TensorProto.FLOAT, [5])])
    module = build("names", model)
    assert module.signature.inputs[0].name == in_name
    assert module.signature.outputs[0].name == out_name
    x = rng.standard_normal(5).astype(np.float32)
    out = module.run({in_name: x})
    assert list(out) == [out_name]
    assert bitwise_equal(out[out_name], np.maximum(x, 0))
    with pytest.raises(ValueError, match=r"input 'in/put:0': expected shape \[5\], got \[4\]"):
        module.run({in_name: x[:4]})


def test_input_passed_through_as_output(build, rng):
    # A graph output that is a graph input (no node makes it).
    model = sy_models.make_model(
        [helper.make_node("Neg", ["x"], ["y"], name="neg")],
        [vi("x", TensorProto.FLOAT, [3])],
        [vi("y", TensorProto.FLOAT, [3]), vi("x", TensorProto.FLOAT, [3])])
    module = build("passthrough", model)
    x = rng.standard_normal(3).astype(np.float32)
    y, x_out = module(x)
    assert bitwise_equal(y, -x)
    assert bitwise_equal(x_out, x) and not np.shares_memory(x_out, x)


# One value returned as several outputs (issue 17): each output gets its own
# buffer; buffer-results-to-out-params crashed on these before.
ALIASED_OUTPUTS = {
    "listed_twice": ([helper.make_node("Relu", ["x"], ["y"], name="relu")],
                     ["y", "y"]),
    "two_identities": ([helper.make_node("Relu", ["x"], ["t"], name="relu"),
                        helper.make_node("Identity", ["t"], ["a"], name="id_a"),
                        helper.make_node("Identity", ["t"], ["b"], name="id_b")],
                       ["a", "b"]),
    "input_and_identity": ([helper.make_node("Identity", ["x"], ["a"], name="id")],
                           ["x", "a"]),
    "two_empty_splits": ([helper.make_node("Split", ["x", "s"], ["a", "b", "c"],
                                           name="split")], ["a", "b", "c"]),
}


@pytest.mark.parametrize("case", sorted(ALIASED_OUTPUTS))
def test_outputs_sharing_one_value(build, rng, case):
    nodes, outputs = ALIASED_OUTPUTS[case]
    inits = [("s", np.array([3, 0, 0], np.int64))]
    model = sy_models.make_model(
        nodes, [vi("x", TensorProto.FLOAT, [3])],
        [vi(n, TensorProto.FLOAT, [0 if case == "two_empty_splits" and i else 3])
         for i, n in enumerate(outputs)],
        inits if case == "two_empty_splits" else [])
    module = build(f"alias_{case}", model)
    x = rng.standard_normal(3).astype(np.float32)
    got = module(x)
    want = ort_run(model, {"x": x})
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert bitwise_equal(g, w)
    # Distinct buffers: no output's memory is another's.
    for i in range(len(got)):
        for j in range(i):
            assert not np.shares_memory(got[i], got[j])


def test_out_of_memory_is_an_error(build, rng):
    # An 8 TiB intermediate (Range of 2^40 int64s): sy_rt_run returns
    # SY_ERROR_OUT_OF_MEMORY, which is MemoryError with the runtime's
    # message; the context stays usable (the same error again, then the
    # process still runs other models).
    big = 1 << 40
    model = sy_models.make_model(
        [helper.make_node("Range", ["s", "l", "d"], ["r"], name="range"),
         helper.make_node("Cast", ["r"], ["rf"], name="cast", to=TensorProto.FLOAT),
         helper.make_node("ReduceSum", ["rf"], ["t"], name="sum", keepdims=0),
         helper.make_node("Add", ["t", "x"], ["y"], name="add")],
        [vi("x", TensorProto.FLOAT, [])], [vi("y", TensorProto.FLOAT, [])],
        [("s", np.array(0, np.int64)), ("l", np.array(big, np.int64)),
         ("d", np.array(1, np.int64))])
    module = build("intermediate_giant", model)
    x = np.float32(1)
    for _ in range(2):
        with pytest.raises(MemoryError, match="out of memory allocating an "
                                              "intermediate tensor of"):
            module(x)
    small = build("f32", doubling(TensorProto.FLOAT))
    y = rng.standard_normal((2, 3)).astype(np.float32)
    assert bitwise_equal(small(y), y * np.float32(2))
