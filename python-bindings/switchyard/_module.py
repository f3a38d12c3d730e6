"""switchyard.compile and switchyard.load: the Python face of the compiler
and of the libraries it generates (docs/user-guide.md, docs/c-abi.md).

The native extension (_switchyard) calls the compiler in-process and the
library's C ABI; this module turns Python arguments into those calls and the
C ABI's status codes into Python exceptions.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _switchyard

__all__ = ["CompileError", "RunError", "TensorInfo", "Signature", "Module",
           "compile", "load"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_TEXT_STAGES = ("onnx", "sy", "linalg", "llvm")
_STAGES = _TEXT_STAGES + ("obj", "so")

# sy_dtype codes (ONNX TensorProto.DataType) by numpy name; bfloat16 is the
# ml_dtypes type of that name.
_DTYPE_CODES = {
    "float32": 1, "uint8": 2, "int8": 3, "uint16": 4, "int16": 5,
    "int32": 6, "int64": 7, "bool": 9, "float16": 10, "float64": 11,
    "uint32": 12, "uint64": 13, "bfloat16": 16,
}


class CompileError(RuntimeError):
    """The compiler refused the model. str(e) is its message, one line per
    diagnostic, each naming the model file and the ONNX node:
    ``model.onnx: node 'moe/router/TopK' (TopK, opset 17): K must be a
    constant``."""

    def __init__(self, message: str):
        super().__init__(message)
        self.diagnostics = [line for line in message.splitlines() if line]


class RunError(RuntimeError):
    """The model's code failed while running (SY_ERROR_INTERNAL)."""


# Shown as switchyard.X in tracebacks and reprs.
CompileError.__module__ = RunError.__module__ = "switchyard"


def _runtime_archive() -> str:
    # Same rule as switchyard-compile: lib/ beside the tools; the
    # environment variable overrides.
    return os.environ.get("SWITCHYARD_RUNTIME_LIB") or os.path.join(
        _PACKAGE_DIR, "lib", "libswitchyard_runtime.a")


def compile(model: Union[str, os.PathLike, bytes, bytearray, memoryview, Any],
            target: str = "cpu", output: Optional[Union[str, os.PathLike]] = None,
            *, emit: str = "so", opt_level: int = 2,
            input_shapes: Optional[Mapping[str, Sequence[int]]] = None,
            tag: Optional[str] = None, cpu: str = "host",
            cpu_cores: int = 0) -> str:
    """Compiles an ONNX model, like ``switchyard-compile``.

    model: a path, the serialized bytes, or an ``onnx.ModelProto``.
    target: ``"cpu"`` (``cuda[:sm_XX]`` is not implemented yet).
    output: where to write; by default ``model.so`` next to a model given by
        path, and a fresh temporary folder for bytes or a ModelProto.
    emit: the stage to stop after (``onnx``, ``sy``, ``linalg``, ``llvm``,
        ``obj``, ``so``). For the text stages without ``output`` the text is
        returned instead of a path.
    opt_level, input_shapes ({name: dims}, fixing dynamic dims), tag, cpu,
    cpu_cores: as ``-O``, ``--input-shape``, ``--tag``, ``--cpu`` and
        ``--cpu-cores``.

    Returns the path of the written file (the ``.so``; its ``.h`` is next to
    it), or the IR text. Raises CompileError with the compiler's message.
    """
    if emit not in _STAGES:
        raise ValueError(f"emit must be one of {', '.join(_STAGES)}; "
                         f"got {emit!r}")
    if not isinstance(opt_level, int) or not 0 <= opt_level <= 3:
        raise ValueError(f"opt_level must be 0-3, got {opt_level!r}")
    if cpu_cores < 0:
        raise ValueError(f"cpu_cores must be >= 0, got {cpu_cores!r}")
    shapes = []
    for name, dims in (input_shapes or {}).items():
        dims = [int(d) for d in dims]
        if any(d < 0 for d in dims):
            raise ValueError(f"input_shapes[{name!r}]: dims must be >= 0, "
                             f"got {dims}")
        shapes.append((str(name), dims))

    with tempfile.TemporaryDirectory(prefix="switchyard-") as scratch:
        shown_as = None  # how messages name a model given as bytes
        made_folder = None  # the output folder made here, if any
        if isinstance(model, (str, os.PathLike)):
            model_path = os.fspath(model)
            if not os.path.exists(model_path):
                raise FileNotFoundError(f"{model_path}: no such file")
        else:
            if isinstance(model, (bytes, bytearray, memoryview)):
                data = bytes(model)
                shown_as = "<model bytes>"
            elif hasattr(model, "SerializeToString"):
                data = model.SerializeToString()
                shown_as = f"<{type(model).__name__}>"
            else:
                raise TypeError("model must be a path, bytes or an "
                                f"onnx.ModelProto, got {type(model).__name__}")
            model_path = os.path.join(scratch, "model.onnx")
            with open(model_path, "wb") as f:
                f.write(data)

        return_text = emit in _TEXT_STAGES and output is None
        if return_text:
            out_path = os.path.join(scratch, "out." + emit)
        elif output is not None:
            out_path = os.fspath(output)
            os.makedirs(os.path.dirname(os.path.abspath(out_path)),
                        exist_ok=True)
        elif shown_as:
            # Outlives the call (the caller loads the library from here)
            # unless the compilation fails.
            made_folder = tempfile.mkdtemp(prefix="switchyard-")
            out_path = os.path.join(made_folder,
                                    "model." + ("o" if emit == "obj" else "so"))
        else:
            out_path = ""  # next to the model, as the CLI does
        rc, messages = _switchyard.compile_model(
            model_path, out_path, target, opt_level, emit, shapes,
            tag or "", cpu, cpu_cores, _runtime_archive())
        if rc != 0:
            if made_folder:
                shutil.rmtree(made_folder, ignore_errors=True)
            message = messages.rstrip("\n") or "compilation failed"
            if shown_as:
                message = message.replace(model_path, shown_as)
            if "--input-shape" in message:
                message += ("\n(from Python: switchyard.compile(..., "
                            "input_shapes={'NAME': (D, D, ...)}))")
            raise CompileError(message)
        if return_text:
            with open(out_path, encoding="utf-8") as f:
                return f.read()
        if not out_path:
            out_path = os.path.splitext(model_path)[0] + (
                ".o" if emit == "obj" else ".so")
        return os.path.abspath(out_path)


@dataclass(frozen=True)
class TensorInfo:
    """One input or output: its ONNX name, numpy dtype and shape (None for a
    dynamic dim)."""
    name: str
    dtype: np.dtype
    shape: Tuple[Optional[int], ...]


@dataclass(frozen=True)
class Signature:
    inputs: Tuple[TensorInfo, ...]
    outputs: Tuple[TensorInfo, ...]


def _numpy_dtype(name: str) -> np.dtype:
    if name == "bfloat16":
        try:
            import ml_dtypes  # noqa: F401 (registers the dtype)
            return np.dtype(ml_dtypes.bfloat16)
        except ImportError:  # still describable: the raw 16 bits
            return np.dtype("V2")
    return np.dtype(name)


def _tensor_infos(entries) -> Tuple[TensorInfo, ...]:
    return tuple(
        TensorInfo(e["name"], _numpy_dtype(e["dtype"]),
                   tuple(None if d < 0 else d for d in e["shape"]))
        for e in entries)


def _classify(message: str) -> Exception:
    """The C ABI's validation message as the Python exception it means:
    counts and dtypes are TypeErrors, the rest ValueErrors (c-abi.md)."""
    if (" input, got " in message or " inputs, got " in message or
            " output, got " in message or " outputs, got " in message or
            ": expected dtype " in message):
        return TypeError(message)
    return ValueError(message)


class Module:
    """A generated library, loaded. Call it like a function:

        y = module(x)              # one output: an array
        y, z = module(x, mask=m)   # several: a tuple, in signature order

    Thread-safe: concurrent calls each get their own C context (thread
    pool and scratch), kept for reuse. The GIL is released while the model
    runs. C-contiguous inputs of the expected dtype are passed without a copy.
    """

    def __init__(self, path: Union[str, os.PathLike], num_threads: int = 0):
        self.path = os.path.abspath(os.fspath(path))
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"{self.path}: no such file")
        if not 0 <= num_threads <= 1024:
            raise ValueError("num_threads must be between 0 (all cores) and "
                             f"1024, got {num_threads}")
        self.num_threads = num_threads
        self._library = _open_library(self)
        info = json.loads(self._library.signature)
        self.tag: str = info["tag"]
        self.signature = Signature(_tensor_infos(info["inputs"]),
                                   _tensor_infos(info["outputs"]))
        self._in_codes = [_DTYPE_CODES[e["dtype"]] for e in info["inputs"]]
        self._out_codes = [_DTYPE_CODES[e["dtype"]] for e in info["outputs"]]
        self._free_contexts = []
        self._lock = threading.Lock()
        # Fail now, not at the first call, if no context can be made.
        self._free_contexts.append(self._library.create_context(num_threads))

    def __repr__(self) -> str:
        def fmt(infos):
            return ", ".join(
                f"{t.name}: {t.dtype}"
                f"[{', '.join('?' if d is None else str(d) for d in t.shape)}]"
                for t in infos)
        return (f"<switchyard.Module {self.tag!r} ({fmt(self.signature.inputs)})"
                f" -> ({fmt(self.signature.outputs)})>")

    # -- inputs -------------------------------------------------------------

    def _gather(self, args, named):
        infos = self.signature.inputs
        if len(args) > len(infos) and not named:
            return list(args)  # the C ABI words the count error
        if len(args) > len(infos):
            raise TypeError(f"expected {len(infos)} inputs, got "
                            f"{len(args)} positional and {len(named)} named")
        values = list(args) + [None] * (len(infos) - len(args))
        names = [t.name for t in infos]
        for name, value in named.items():
            if name not in names:
                raise TypeError(
                    f"unexpected input '{name}' (the model's inputs: "
                    f"{', '.join(names) or 'none'})")
            i = names.index(name)
            if i < len(args):
                raise TypeError(f"input '{name}' given twice")
            values[i] = value
        missing = [n for n, v in zip(names, values) if v is None]
        if missing:
            raise TypeError(f"missing input{'s' if len(missing) > 1 else ''} "
                            + ", ".join(f"'{n}'" for n in missing))
        return values

    def _prepare(self, values):
        """(arrays, dtype codes) for the C ABI. Arrays of a known dtype pass
        as they are (the ABI checks them); other values become arrays of the
        expected dtype."""
        arrays, codes = [], []
        for i, value in enumerate(values):
            info = self.signature.inputs[i] if i < len(self._in_codes) else None
            if not isinstance(value, np.ndarray):
                dtype = info.dtype if info is not None else None
                value = np.asarray(value, dtype=dtype)
            code = _DTYPE_CODES.get(value.dtype.name)
            if code is None:
                name = info.name if info is not None else str(i)
                expected = info.dtype.name if info is not None else "?"
                raise TypeError(f"input '{name}': expected dtype {expected}, "
                                f"got {value.dtype.name}")
            if not value.dtype.isnative:  # same values, native byte order
                value = value.astype(value.dtype.newbyteorder("="))
            if not value.flags.c_contiguous:
                value = np.ascontiguousarray(value)
            if code == 16:  # bfloat16 crosses as its bits
                value = value.view(np.uint16)
            arrays.append(value)
            codes.append(code)
        return arrays, codes

    def _output_shapes(self, arrays):
        """Output shapes. A dynamic output dim can only be inferred when all
        dynamic input dims agree (the usual batch dim); the model's own
        check rejects a wrong guess."""
        dynamic = set()
        for info, a in zip(self.signature.inputs, arrays):
            if a.ndim == len(info.shape):
                dynamic.update(int(a.shape[d]) for d, s in enumerate(info.shape)
                               if s is None)
        shapes = []
        for info in self.signature.outputs:
            if None in info.shape and len(dynamic) != 1:
                dims = ", ".join("?" if d is None else str(d) for d in info.shape)
                raise ValueError(
                    f"output '{info.name}' has dynamic shape [{dims}] that "
                    "cannot be inferred from the inputs' dynamic dims "
                    f"{sorted(dynamic)}; fix the shapes at compile time "
                    "(switchyard.compile(..., input_shapes={...}))")
            shapes.append(tuple(next(iter(dynamic)) if d is None else d
                                for d in info.shape))
        return shapes

    # -- running ------------------------------------------------------------

    def __call__(self, *args, **named):
        outputs = self._run(self._gather(args, named))
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def run(self, inputs: Mapping[str, Any]) -> dict:
        """Runs on a {name: array} feed; returns {name: array}."""
        outputs = self._run(self._gather((), dict(inputs)))
        return {t.name: a for t, a in zip(self.signature.outputs, outputs)}

    def _run(self, values):
        arrays, codes = self._prepare(values)
        if len(arrays) == len(self._in_codes):
            shapes = self._output_shapes(arrays)
        else:
            shapes = [(0,) * len(t.shape) for t in self.signature.outputs]
        outputs = [np.empty(shape, dtype=np.uint16 if code == 16 else t.dtype)
                   for shape, t, code in
                   zip(shapes, self.signature.outputs, self._out_codes)]
        context = self._acquire()
        try:
            status = context.run(arrays, codes, outputs, self._out_codes)
            message = context.last_error() if status != 0 else ""
        finally:
            self._release(context)
        if status == 1:  # SY_ERROR_INVALID_ARGUMENT
            raise _classify(message)
        if status == 2:
            raise MemoryError(message)
        if status != 0:
            raise RunError(message)
        # bfloat16 comes back as its bits: as ml_dtypes.bfloat16 when that
        # package is there (t.dtype is then that type), else as uint16.
        return [o.view(t.dtype) if code == 16 and t.dtype.name == "bfloat16"
                else o
                for o, t, code in
                zip(outputs, self.signature.outputs, self._out_codes)]

    def _acquire(self):
        with self._lock:
            if self._free_contexts:
                return self._free_contexts.pop()
        return self._library.create_context(self.num_threads)

    def _release(self, context):
        with self._lock:
            self._free_contexts.append(context)


# What dlopen holds per file: realpath -> (the file's identity when it was
# loaded, the live Modules using that handle). dlopen of a path it already
# has returns the old handle, even when the file was since replaced (a
# recompilation to the same output): such a load goes through a private copy.
_loaded_lock = threading.Lock()
_loaded = {}


def _file_identity(path):
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _open_library(module: "Module"):
    real = os.path.realpath(module.path)
    identity = _file_identity(real)
    with _loaded_lock:
        entry = _loaded.get(real)
        if entry is None or not entry[1] or entry[0] == identity:
            library = _switchyard.Library(real)
            if entry is None or not entry[1]:
                entry = (identity, weakref.WeakSet())
                _loaded[real] = entry
            entry[1].add(module)
            return library
    # Copy next to the original (same file system, which allows executing
    # it), load, and remove the name: the mapping stays until unloaded.
    folder, name = os.path.split(real)
    for where in (folder, None):
        try:
            fd, copy = tempfile.mkstemp(prefix=f".{name}.", suffix=".so",
                                        dir=where)
        except OSError:
            continue
        try:
            with os.fdopen(fd, "wb") as out, open(real, "rb") as src:
                shutil.copyfileobj(src, out)
            return _switchyard.Library(copy)
        except ValueError:
            if where is None:
                raise
        finally:
            os.unlink(copy)
    raise OSError(f"{real}: cannot make a private copy to load")


def load(path: Union[str, os.PathLike], num_threads: int = 0) -> Module:
    """Loads a library made by switchyard.compile or switchyard-compile.
    num_threads: threads per call (0: all cores), as switchyard-run
    --threads."""
    return Module(path, num_threads)
