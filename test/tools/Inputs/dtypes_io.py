"""Files for switchyard-run-dtypes.test and its checks, for the fake model
that copies in_T to out_T for each of the 13 dtypes of the ABI
(test/Runtime/Inputs/fake_dtypes.c).

  dtypes_io.py inputs DIR       DIR/T.npy, DIR/T.raw.pb (raw_data) and
                                DIR/T.typed.pb (the typed field ONNX assigns)
  dtypes_io.py args DIR KIND    print the --input flags for one kind of file
  dtypes_io.py check OUT DIR    OUT/out_T.npy equals DIR/T.npy bit for bit
  dtypes_io.py check-random OUT values of --random-inputs lie in their ranges
"""
import sys

import ml_dtypes
import numpy as np
from onnx import TensorProto, helper, numpy_helper

# name -> (numpy dtype, ONNX data type, shape, values)
DTYPES = {
    "float32": (np.float32, TensorProto.FLOAT, (3,), [1.5, -2.25, 3e38]),
    "uint8": (np.uint8, TensorProto.UINT8, (3,), [0, 7, 255]),
    "int8": (np.int8, TensorProto.INT8, (3,), [-128, -1, 127]),
    "uint16": (np.uint16, TensorProto.UINT16, (3,), [0, 1000, 65535]),
    "int16": (np.int16, TensorProto.INT16, (3,), [-32768, -2, 32767]),
    "int32": (np.int32, TensorProto.INT32, (3,), [-2**31, -3, 2**31 - 1]),
    "int64": (np.int64, TensorProto.INT64, (3,), [-2**63, -4, 2**63 - 1]),
    "bool": (np.bool_, TensorProto.BOOL, (2, 2), [[True, False], [False, True]]),
    "float16": (np.float16, TensorProto.FLOAT16, (3,), [0.5, -65504, 6e-8]),
    "float64": (np.float64, TensorProto.DOUBLE, (3,), [1e300, -0.1, 5e-324]),
    "uint32": (np.uint32, TensorProto.UINT32, (3,), [0, 5, 2**32 - 1]),
    "uint64": (np.uint64, TensorProto.UINT64, (3,), [0, 6, 2**64 - 1]),
    "bfloat16": (ml_dtypes.bfloat16, TensorProto.BFLOAT16, (3,),
                 [1.0, -3.0e38, 0.0078125]),
}


def array(name):
    dtype, _, shape, values = DTYPES[name]
    return np.array(values, dtype=dtype).reshape(shape)


def bits(a):
    """The bytes of an array, as numpy saw them (bfloat16 loads as V2)."""
    return np.ascontiguousarray(a).tobytes()


def write_inputs(d):
    for name, (_, onnx_type, shape, _) in DTYPES.items():
        a = array(name)
        np.save(f"{d}/{name}.npy", a)
        if name == "bfloat16":
            raw = helper.make_tensor(name, onnx_type, shape,
                                     a.view(np.uint16).tobytes(), raw=True)
        else:
            raw = numpy_helper.from_array(a, name)
        assert raw.HasField("raw_data")
        with open(f"{d}/{name}.raw.pb", "wb") as f:
            f.write(raw.SerializeToString())
        typed = helper.make_tensor(name, onnx_type, shape,
                                   a.astype(np.float32).ravel().tolist()
                                   if name in ("float16", "bfloat16")
                                   else a.ravel().tolist())
        assert not typed.HasField("raw_data")
        with open(f"{d}/{name}.typed.pb", "wb") as f:
            f.write(typed.SerializeToString())
    # Refused: int8 values in int64_data (ONNX puts them in int32_data), and
    # an int32_data value that does not fit int8.
    t = TensorProto(name="b", data_type=TensorProto.INT8, dims=[3])
    t.int64_data.extend([1, 2, 3])
    with open(f"{d}/int8_in_int64_data.pb", "wb") as f:
        f.write(t.SerializeToString())
    t = TensorProto(name="b", data_type=TensorProto.INT8, dims=[3])
    t.int32_data.extend([1, 300, 3])
    with open(f"{d}/int8_out_of_range.pb", "wb") as f:
        f.write(t.SerializeToString())


def main(argv):
    cmd = argv[1]
    if cmd == "inputs":
        write_inputs(argv[2])
    elif cmd == "check":
        out, d = argv[2], argv[3]
        for name in DTYPES:
            want = np.load(f"{d}/{name}.npy")
            got = np.load(f"{out}/out_{name}.npy")
            assert got.dtype == want.dtype, (name, got.dtype, want.dtype)
            assert got.shape == want.shape, (name, got.shape, want.shape)
            assert bits(got) == bits(want), (name, got, want)
    elif cmd == "check-random":
        out = argv[2]
        for name in DTYPES:
            got = np.load(f"{out}/out_{name}.npy")
            if name == "bfloat16":
                got = got.view(ml_dtypes.bfloat16)
            v = got.astype(np.float64)
            if name == "bool":
                ok = got.dtype == np.bool_
            elif "float" in name:
                ok = ((v >= -1) & (v < 1)).all() and len(np.unique(v)) > 1
            else:
                ok = ((v >= 0) & (v < 10)).all()
            assert ok, (name, got)
    else:
        raise SystemExit(f"unknown command {cmd}")
    print(f"{cmd}: OK")


if __name__ == "__main__":
    main(sys.argv)
