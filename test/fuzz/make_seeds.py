#!/usr/bin/env python3
"""Seeds for switchyard-fuzz-import, into OUT/:

    make_seeds.py OUT [--every N]

Every Nth model.onnx of the ONNX backend node tests (build/onnx-node-tests,
which `make check` fetches; skipped when absent) and every hostile model of
test/Import/Inputs/make_hostile_model.py but the slow many_nodes: valid
models of every op family and broken ones of every kind, for the fuzzer to
mutate from.
"""
import argparse
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HOSTILE = os.path.join(ROOT, "test", "Import", "Inputs", "make_hostile_model.py")
SLOW = {"many_nodes"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--every", type=int, default=6)
    ap.add_argument("--node-tests", default=os.path.join(ROOT, "build", "onnx-node-tests", "node"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    count = 0
    if os.path.isdir(args.node_tests):
        for i, name in enumerate(sorted(os.listdir(args.node_tests))):
            src = os.path.join(args.node_tests, name, "model.onnx")
            if i % args.every == 0 and os.path.exists(src):
                shutil.copy(src, os.path.join(args.out, name + ".onnx"))
                count += 1
    # Side files (external data, a FIFO) stay in a scratch folder: a FIFO
    # among the seeds would block the fuzzer reading it.
    sys.path.insert(0, os.path.dirname(HOSTILE))
    import make_hostile_model
    with tempfile.TemporaryDirectory() as scratch:
        for case in make_hostile_model.list_cases():
            if case in SLOW:
                continue
            path = os.path.join(scratch, case, "model.onnx")
            make_hostile_model.write_case(case, path)
            shutil.copy(path, os.path.join(args.out, case + ".onnx"))
            count += 1
    print(f"{count} seeds")


if __name__ == "__main__":
    main()
