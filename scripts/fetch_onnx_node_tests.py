#!/usr/bin/env python3
"""Fetch the ONNX backend node tests into build/onnx-node-tests/node/.

The version comes from test/onnx-backend/NODE_TESTS_SOURCE (see the comment
there for why it is not requirements.txt's onnx). The wheel is downloaded with
`pip download` (never installed) into build/deps/ and only
onnx/backend/test/data/node/** is extracted. A marker file records the
version; when it matches, the script does nothing and prints nothing.

Usage: scripts/fetch_onnx_node_tests.py [--build DIR] [--force]
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "test", "onnx-backend", "NODE_TESTS_SOURCE")
PREFIX = "onnx/backend/test/data/node/"
MARKER = ".switchyard-source"


def pinned_requirement():
    with open(SOURCE) as f:
        reqs = [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]
    if len(reqs) != 1 or "==" not in reqs[0]:
        sys.exit(f"fetch_onnx_node_tests: {SOURCE}: expected one 'onnx==X.Y.Z' line")
    return reqs[0]


def find_wheel(deps, req):
    name, version = req.split("==")
    wheels = sorted(glob.glob(os.path.join(deps, f"{name}-{version}-*.whl")))
    return wheels[0] if wheels else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"),
                    help="build directory (default: build/)")
    ap.add_argument("--force", action="store_true", help="extract again")
    args = ap.parse_args()

    req = pinned_requirement()
    dest = os.path.join(args.build, "onnx-node-tests")
    node = os.path.join(dest, "node")
    marker = os.path.join(dest, MARKER)
    if not args.force and os.path.isfile(marker):
        with open(marker) as f:
            if f.read().strip() == req and os.path.isdir(node):
                return 0

    deps = os.path.join(args.build, "deps")
    os.makedirs(deps, exist_ok=True)
    wheel = find_wheel(deps, req)
    if wheel is None:
        print(f"fetch_onnx_node_tests: downloading {req} (wheel, not installed)")
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps",
             "--only-binary=:all:", req, "-d", deps],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        wheel = find_wheel(deps, req)
        if proc.returncode != 0 or wheel is None:
            sys.stderr.write(proc.stdout)
            sys.exit(f"fetch_onnx_node_tests: pip download {req} failed")

    # Extract into a fresh sibling folder, then swap it in, so an interrupted
    # run never leaves a half-filled node/ behind a valid marker.
    tmp = node + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    count = 0
    with zipfile.ZipFile(wheel) as z:
        for info in z.infolist():
            if not info.filename.startswith(PREFIX) or info.is_dir():
                continue
            rel = info.filename[len(PREFIX):]
            if not rel or ".." in rel.split("/"):
                continue
            out = os.path.join(tmp, *rel.split("/"))
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with z.open(info) as src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst)
            count += 1
    if count == 0:
        shutil.rmtree(tmp, ignore_errors=True)
        sys.exit(f"fetch_onnx_node_tests: {os.path.basename(wheel)} has no {PREFIX}")
    if os.path.exists(marker):
        os.remove(marker)
    shutil.rmtree(node, ignore_errors=True)
    os.rename(tmp, node)
    with open(marker, "w") as f:
        f.write(req + "\n")
    print(f"fetch_onnx_node_tests: {count} files from {os.path.basename(wheel)} "
          f"-> {os.path.relpath(node, os.getcwd())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
