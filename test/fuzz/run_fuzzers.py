#!/usr/bin/env python3
"""`make fuzz`: the two libFuzzer harnesses of test/fuzz for a long run each,
with corpora kept in BUILD/fuzz/{import,validation}/ so every run goes on
from the last. Crashing inputs are written there as crash-*/timeout-*/oom-*;
fix each and copy the import ones into test/fuzz/regressions/.

    run_fuzzers.py --build build [--seconds 600] [--jobs 1]
"""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(cmd, cwd):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=cwd).returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    llvm_bin = "/usr/lib/llvm-22/bin"
    common = [f"-max_total_time={args.seconds}", "-print_final_stats=1"]
    if args.jobs > 1:
        common += [f"-fork={args.jobs}", "-ignore_crashes=1"]
    failed = 0

    # Importer and pipelines.
    work = os.path.join(build, "fuzz", "import")
    corpus, seeds = os.path.join(work, "corpus"), os.path.join(work, "seeds")
    os.makedirs(corpus, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(HERE, "make_seeds.py"), seeds,
                    "--node-tests", os.path.join(build, "onnx-node-tests", "node")],
                   check=True)
    env_tmp = os.path.join(work, "tmp")
    os.makedirs(env_tmp, exist_ok=True)
    os.environ["TMPDIR"] = env_tmp
    failed |= run([os.path.join(build, "bin", "switchyard-fuzz-import"), *common,
                   "-timeout=20", "-rss_limit_mb=4096", corpus, seeds], work) != 0

    # run's argument checks, on the fixture model.
    work = os.path.join(build, "fuzz", "validation")
    corpus = os.path.join(work, "corpus")
    os.makedirs(corpus, exist_ok=True)
    model = os.path.join(work, "gather.onnx")
    subprocess.run([sys.executable, os.path.join(HERE, "make_validation_model.py"), model],
                   check=True)
    subprocess.run([os.path.join(build, "bin", "switchyard-compile"), model, "--emit=obj",
                    "-o", os.path.join(work, "gather.o")], check=True)
    fuzzer = os.path.join(work, "validation-fuzzer")
    subprocess.run([os.path.join(llvm_bin, "clang"), "-g", "-O1",
                    "-fsanitize=fuzzer,address,undefined", "-fno-sanitize-recover=undefined",
                    "-I" + os.path.join(ROOT, "include"),
                    os.path.join(HERE, "ValidationFuzzer.c"), os.path.join(work, "gather.o"),
                    os.path.join(build, "lib", "libswitchyard_runtime_fuzz.a"),
                    "-lm", "-pthread", "-o", fuzzer], check=True)
    failed |= run([fuzzer, *common, corpus], work) != 0
    print("fuzz: " + ("findings, see the crash-* files above" if failed else "no findings"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
