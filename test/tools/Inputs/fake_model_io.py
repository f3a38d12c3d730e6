"""Input files and independent output checks for the switchyard-run tests.

The fake libraries (test/Runtime/Inputs/*.c) compute
  fake model:    y = x * 2 + 1 (x float32 [2, 3]), s = n + 1 (n int64 [2])
  fake dynamic:  sums/"col" = x.sum(axis=0) (x float32 [-1, 3])
The references below are computed in numpy (float64 for floats) from the
input files themselves; floats must agree to rtol 1e-6, integers exactly.

  fake_model_io.py inputs DIR          write inputs, good and bad, into DIR
  fake_model_io.py check-static OUT IN check OUT/{y,s}.npy against IN/{x,n}
  fake_model_io.py check-dynamic OUT X check OUT/sums__col_.npy against X
  fake_model_io.py check-random OUT    outputs of random inputs are in range
  fake_model_io.py same A B | differ A B   compare two output folders
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

RTOL = 1e-6


def write_inputs(d):
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(1234)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    n = np.array([41, -7], dtype=np.int64)
    np.save(f"{d}/x.npy", x)
    np.save(f"{d}/n.npy", n)
    np.save(f"{d}/x_arange.npy", np.arange(6, dtype=np.float32).reshape(2, 3))
    save_pb(f"{d}/x.pb", numpy_helper.from_array(x, "x"))
    # int64 through the typed field (int64_data) instead of raw_data.
    t = TensorProto(name="n", data_type=TensorProto.INT64, dims=[2])
    t.int64_data.extend(n.tolist())
    save_pb(f"{d}/n.pb", t)
    # float32 through float_data.
    t = TensorProto(name="x", data_type=TensorProto.FLOAT, dims=[2, 3])
    t.float_data.extend(x.ravel().tolist())
    save_pb(f"{d}/x_float_data.pb", t)
    # Version 2.0 header.
    with open(f"{d}/x_v2.npy", "wb") as f:
        np.lib.format.write_array(f, x, version=(2, 0))
    np.save(f"{d}/xd.npy", rng.standard_normal((5, 3)).astype(np.float32))
    np.save(f"{d}/xd_empty.npy", np.zeros((0, 3), np.float32))

    # Bad inputs.
    np.save(f"{d}/x_int64.npy", np.zeros((2, 3), np.int64))
    np.save(f"{d}/x_2x4.npy", np.zeros((2, 4), np.float32))
    np.save(f"{d}/x_rank1.npy", np.zeros((6,), np.float32))
    np.save(f"{d}/x_fortran.npy", np.asfortranarray(x))
    np.save(f"{d}/x_bigendian.npy", x.astype(">f4"))
    good = open(f"{d}/x.npy", "rb").read()
    write(f"{d}/x_truncated.npy", good[:-4])
    write(f"{d}/x_badmagic.npy", b"\x93NUMPZ" + good[6:])
    write(f"{d}/x_badheader.npy",
          good[:10] + good[10:].replace(b"'shape'", b"'shapf'", 1))
    write(f"{d}/x_shortheader.npy", good[:20])
    good_pb = open(f"{d}/x.pb", "rb").read()
    write(f"{d}/x_truncated.pb", good_pb[:-3])
    write(f"{d}/x_garbage.pb", b"\xff\xff\xff\xff")
    t = TensorProto(name="x", data_type=TensorProto.FLOAT, dims=[2, 3])
    t.float_data.extend([1.0] * 5)
    save_pb(f"{d}/x_fivevalues.pb", t)
    t = numpy_helper.from_array(x, "x")
    t.data_location = TensorProto.EXTERNAL
    save_pb(f"{d}/x_external.pb", t)
    save_pb(f"{d}/x_string.pb",
            onnx.helper.make_tensor("x", TensorProto.STRING, [1], [b"a"]))


def save_pb(path, tensor):
    write(path, tensor.SerializeToString())


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def expect(out_path, ref, dtype):
    got = np.load(out_path)
    assert got.dtype == dtype, f"{out_path}: dtype {got.dtype}, want {dtype}"
    assert got.shape == ref.shape, f"{out_path}: shape {got.shape} != {ref.shape}"
    if np.issubdtype(dtype, np.floating):
        ok = np.allclose(got.astype(np.float64), ref, rtol=RTOL, atol=0)
    else:
        ok = np.array_equal(got, ref)
    assert ok, f"{out_path}: {got} != reference {ref}"


def load_input(d, name):
    npy = f"{d}/{name}.npy"
    if os.path.exists(npy):
        return np.load(npy)
    t = onnx.TensorProto()
    t.ParseFromString(open(f"{d}/{name}.pb", "rb").read())
    return numpy_helper.to_array(t)


def main(argv):
    cmd = argv[1]
    if cmd == "inputs":
        write_inputs(argv[2])
    elif cmd == "check-static":
        out, ins = argv[2], argv[3]
        x = load_input(ins, "x").astype(np.float64)
        n = load_input(ins, "n")
        expect(f"{out}/y.npy", x * 2 + 1, np.float32)
        expect(f"{out}/s.npy", n + 1, np.int64)
    elif cmd == "check-dynamic":
        x = np.load(argv[3]).astype(np.float64)
        expect(f"{argv[2]}/sums__col_.npy", x.sum(axis=0), np.float32)
    elif cmd == "check-random":
        y, s = np.load(f"{argv[2]}/y.npy"), np.load(f"{argv[2]}/s.npy")
        # x uniform in [-1, 1) gives y in [-1, 3); n in [0, 10) gives s in [1, 11).
        assert y.shape == (2, 3) and ((y >= -1) & (y < 3)).all(), y
        assert s.shape == (2,) and ((s >= 1) & (s < 11)).all(), s
        assert len(np.unique(y)) > 1, f"not random: {y}"
    elif cmd in ("same", "differ"):
        a, b = argv[2], argv[3]
        names = sorted(os.listdir(a))
        assert names == sorted(os.listdir(b)), (names, os.listdir(b))
        same = all(open(f"{a}/{f}", "rb").read() == open(f"{b}/{f}", "rb").read()
                   for f in names)
        assert same == (cmd == "same"), f"{a} and {b}: same={same}"
    else:
        raise SystemExit(f"unknown command {cmd}")
    print(f"{cmd}: OK")


if __name__ == "__main__":
    main(sys.argv)
