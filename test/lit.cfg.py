# lit configuration of Switchyard's regression tests (lit + FileCheck).
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "Switchyard"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.switchyard_obj_root, "test")
# unit/ has its own GoogleTest configuration; Inputs/ holds data, not tests.
config.excludes = ["Inputs", "lib", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

llvm_config.use_default_substitutions()
config.substitutions.append(("%switchyard_src_root", config.switchyard_src_root))
config.substitutions.append(("%switchyard_obj_root", config.switchyard_obj_root))
# use_default_substitutions() maps %python to lit's own interpreter, which
# may lack numpy and onnx; the tests want the configured Python3_EXECUTABLE.
config.substitutions = [s for s in config.substitutions if s[0] != "%python"]
config.substitutions.append(("%python", config.python_executable))
# Stand-ins for generated libraries, built by test/Runtime/CMakeLists.txt.
fake_dir = os.path.join(config.switchyard_obj_root, "test", "Runtime")
for name in ["model", "dynamic", "dynout", "dtypes", "nosym", "badabi"]:
    config.substitutions.append(
        (f"%fake_{name}_lib", os.path.join(fake_dir, f"libsy_fake_{name}.so")))

tool_dirs = [config.switchyard_tools_dir, config.llvm_tools_dir]
tools = ["switchyard-opt", "switchyard-compile", "switchyard-run"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
# End-to-end tests (test/e2e) import sye2e and find the tools through these.
llvm_config.with_environment(
    "PYTHONPATH", os.path.join(config.switchyard_src_root, "test", "e2e", "lib"),
    append_path=True)
llvm_config.with_environment("SWITCHYARD_BIN", config.switchyard_tools_dir)

# A SWITCHYARD_SANITIZE build (`make check-asan`): the tools and the runtime
# linked into generated libraries are instrumented, so every program that
# loads a generated library must be too (%host_sanitize in the tests that
# build one), and programs that cannot be (valgrind, ThreadSanitizer, plain
# Python with ctypes) are marked UNSUPPORTED by the feature.
sanitize = getattr(config, "switchyard_sanitize", "")
if sanitize:
    config.available_features.add("sanitized-build")
    config.substitutions.append(("%host_sanitize", f"-fsanitize={sanitize}"))
    # The out-of-memory test asks malloc for 8 TiB: that is a NULL, not an
    # abort; the compiler's process-lifetime caches are not leaks to fail on.
    # allow_user_poisoning=0: LLVM's allocators poison from headers in our
    # instrumented code but not inside the uninstrumented libMLIR.so, which
    # reads as false use-after-poison reports.
    config.environment["ASAN_OPTIONS"] = (
        "allocator_may_return_null=1:detect_leaks=0:allow_user_poisoning=0")
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
else:
    config.substitutions.append(("%host_sanitize", ""))
