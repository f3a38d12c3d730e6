"""Loads a library through its C ABI with ctypes (as an embedding program
would) and prints what the signature test checks: the ABI table, the
signature JSON (which must parse), and for the static fake model one good
and one bad run.  Usage: abi_probe.py LIB.so"""
import ctypes
import json
import sys


class Tensor(ctypes.Structure):  # sy_tensor
    _fields_ = [("data", ctypes.c_void_p),
                ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("rank", ctypes.c_int32),
                ("dtype", ctypes.c_int32)]


CREATE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_void_p),
                          ctypes.c_int32)
DESTROY = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
RUN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.POINTER(Tensor),
                       ctypes.c_int64, ctypes.POINTER(Tensor), ctypes.c_int64)
SIGNATURE = ctypes.CFUNCTYPE(ctypes.c_char_p)
LAST_ERROR = ctypes.CFUNCTYPE(ctypes.c_char_p, ctypes.c_void_p)


class Api(ctypes.Structure):  # sy_model_api
    _fields_ = [("abi_version", ctypes.c_uint32), ("tag", ctypes.c_char_p),
                ("create", CREATE), ("destroy", DESTROY), ("run", RUN),
                ("signature", SIGNATURE), ("last_error", LAST_ERROR)]


def tensor(values, ctype, shape, dtype):
    data = (ctype * len(values))(*values)
    dims = (ctypes.c_int64 * len(shape))(*shape)
    return Tensor(ctypes.cast(data, ctypes.c_void_p), dims, len(shape),
                  dtype), data, dims


def main():
    lib = ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_LOCAL)
    lib.switchyard_model_api.restype = ctypes.POINTER(Api)
    api = lib.switchyard_model_api().contents
    print(f"abi_version={api.abi_version} tag={api.tag.decode()}")
    sig = api.signature().decode()
    json.loads(sig)  # valid JSON
    print(sig)
    if api.tag != b"fake":
        return
    ctx = ctypes.c_void_p()
    assert api.create(ctypes.byref(ctx), 2) == 0
    keep = []

    def tensors(specs):
        arr = (Tensor * len(specs))()
        for i, spec in enumerate(specs):
            t, *refs = tensor(*spec)
            arr[i] = t
            keep.extend(refs)
        return arr

    f32, i64 = ctypes.c_float, ctypes.c_int64
    y = [0.0] * 6
    ins = tensors([([float(i) for i in range(6)], f32, [2, 3], 1),
                   ([1, 2], i64, [2], 7)])
    outs = tensors([(y, f32, [2, 3], 1), ([0, 0], i64, [2], 7)])
    rc = api.run(ctx, ins, 2, outs, 2)
    ys = ctypes.cast(outs[0].data, ctypes.POINTER(f32))
    print(f"run: {rc} y={[ys[i] for i in range(6)]}")
    bad = tensors([([0.0] * 6, f32, [3, 2], 1), ([1, 2], i64, [2], 7)])
    rc = api.run(ctx, bad, 2, outs, 2)
    print(f"bad run: {rc} {api.last_error(ctx).decode()}")
    api.destroy(ctx)


if __name__ == "__main__":
    main()
