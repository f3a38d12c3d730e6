"""``python3 -m switchyard compile|run ARGS...``: the command-line tools,
switchyard-compile and switchyard-run, shipped in the package's bin/. The
arguments, output and exit code are exactly theirs (docs/user-guide.md), so
scripts can use either spelling."""

import os
import sys

_TOOLS = {"compile": "switchyard-compile", "run": "switchyard-run"}
_USAGE = """usage: python3 -m switchyard {compile,run} [ARGS...]

  compile   switchyard-compile: ONNX model -> shared library (--help)
  run       switchyard-run: run a generated library (--help)
  --version print the package version
"""


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        sys.stdout.write(_USAGE)
        return 0 if argv else 2
    if argv[0] == "--version":
        from . import __version__
        print(f"switchyard {__version__}")
        return 0
    tool = _TOOLS.get(argv[0])
    if tool is None:
        sys.stderr.write(f"python3 -m switchyard: error: unknown command "
                         f"'{argv[0]}' (expected compile or run)\n")
        return 2
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bin", tool)
    if not os.access(path, os.X_OK):
        sys.stderr.write(f"python3 -m switchyard: error: {path} is missing; "
                         "reinstall the package\n")
        return 1
    sys.stdout.flush()
    # The tool names itself by argv[0] in its messages.
    os.execv(path, [tool] + argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
