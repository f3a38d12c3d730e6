"""Switchyard: compile ONNX models to standalone shared libraries, and run
them.

    import switchyard
    m = switchyard.load(switchyard.compile("model.onnx"))
    y = m(x)

``compile`` runs the compiler in this process (the same code as
``switchyard-compile``); ``load`` opens a generated library through its C ABI.
``python3 -m switchyard compile|run ...`` are the command-line tools.
docs/user-guide.md walks through it all.
"""

__version__ = "0.1.0"

from ._module import (CompileError, Module, RunError, Signature, TensorInfo,
                      compile, load)

__all__ = ["CompileError", "Module", "RunError", "Signature", "TensorInfo",
           "compile", "load", "__version__"]
