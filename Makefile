# Switchyard's front door. Quick start (README): `make example`, `make check`.
#
#   make deps      install missing apt packages and pinned Python packages
#   make build     configure (once) and build with ninja into build/
#   make check     build and run every test (lit + FileCheck + GoogleTest)
#   make example   build, then run the bundled example
#   make fuzz      long libFuzzer runs (FUZZ_SECONDS=600 per harness)
#   make check-asan  everything rebuilt with ASan + UBSan in build-asan/, tested
#   make docs      refresh docs/dialects from TableGen

BUILD     ?= build
PYTHON    ?= python3
LLVM_DIR  ?= /usr/lib/llvm-22
APT_PKGS  := llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 \
             lld-22 liblld-22-dev libonnx-dev libprotobuf-dev \
             protobuf-compiler libfmt-dev googletest libgtest-dev ninja-build \
             cmake
SUDO      := $(if $(filter 0,$(shell id -u)),,sudo)

SHELL     := /bin/bash

.PHONY: all deps deps-apt deps-pip build check example docs clean

all: build

deps: deps-apt deps-pip

# Installs only what dpkg reports missing; silent when everything is there.
deps-apt:
	@missing=$$(for p in $(APT_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing $$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

# pip is asked only when a pinned requirement is not satisfied.
deps-pip:
	@$(PYTHON) scripts/check_requirements.py requirements.txt || \
	  { echo "deps: installing Python packages from requirements.txt"; \
	    $(PYTHON) -m pip install -q -r requirements.txt; }

# The configure line of both builds; `-B DIR` and extra options follow.
CONFIGURE := cmake -G Ninja -S . \
	  -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=$(LLVM_DIR)/bin/clang \
	  -DCMAKE_CXX_COMPILER=$(LLVM_DIR)/bin/clang++ \
	  -DMLIR_DIR=$(LLVM_DIR)/lib/cmake/mlir \
	  -DLLVM_EXTERNAL_LIT=$(LLVM_DIR)/bin/lit \
	  -DPython3_EXECUTABLE=$$(command -v $(PYTHON))

$(BUILD)/build.ninja:
	$(CONFIGURE) -B $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# ONNX backend node tests (test/onnx-backend/README.md): the data is fetched
# once into $(BUILD)/onnx-node-tests; the runner ends with one line,
# `onnx-backend: N passed, M failed`.
NODE_TESTS := $(PYTHON) test/onnx-backend/run_node_tests.py \
              --data $(BUILD)/onnx-node-tests/node --bin $(BUILD)/bin

# lit's summary, then one plain `check: N passed, M failed` line; the Python
# package's pytest suite (on the build tree's package); then the
# allow-listed ONNX node tests (any failure fails the check).
# The node tests are fetched first: test/fuzz seeds its fuzzer with them.
check: build
	@$(PYTHON) scripts/fetch_onnx_node_tests.py --build $(BUILD)
	set -o pipefail; ninja -C $(BUILD) check-switchyard 2>&1 | \
	  $(PYTHON) scripts/lit_summary.py
	PYTHONPATH=$(BUILD)/python_packages $(PYTHON) -m pytest -q -p no:cacheprovider \
	  python-bindings/tests
	$(NODE_TESTS) --allowlist test/onnx-backend/allowlist.txt

# Long libFuzzer runs (test/fuzz/README.md): FUZZ_SECONDS per harness (default
# 600), with FUZZ_JOBS parallel jobs, corpora kept in $(BUILD)/fuzz/ across
# runs; findings land there as crash-* files.
FUZZ_SECONDS ?= 600
FUZZ_JOBS    ?= 1
.PHONY: fuzz
fuzz: build
	@$(PYTHON) scripts/fetch_onnx_node_tests.py --build $(BUILD)
	$(PYTHON) test/fuzz/run_fuzzers.py --build $(BUILD) --seconds $(FUZZ_SECONDS) \
	  --jobs $(FUZZ_JOBS)

# Every ONNX node test, a report by category (never fails on test failures);
# refresh the lists with `$(NODE_TESTS) --all --write-lists`.
.PHONY: node-tests
node-tests: build
	@$(PYTHON) scripts/fetch_onnx_node_tests.py --build $(BUILD)
	$(NODE_TESTS) --all

# ASan + UBSan build of everything of ours (compiler, tools, the runtime that
# generated libraries carry) in $(ASAN_BUILD)/, and the lit suite and the
# ONNX node tests on it. The Python package is left out: python3 itself is
# not instrumented. Tests that need an uninstrumented host (valgrind, TSan,
# ctypes) are UNSUPPORTED there (lit feature sanitized-build).
ASAN_BUILD ?= build-asan
.PHONY: check-asan
check-asan: deps
	$(CONFIGURE) -B $(ASAN_BUILD) \
	  -DSWITCHYARD_SANITIZE=address,undefined -DSWITCHYARD_ENABLE_PYTHON=OFF
	ninja -C $(ASAN_BUILD)
	@$(PYTHON) scripts/fetch_onnx_node_tests.py --build $(ASAN_BUILD)
	set -o pipefail; ninja -C $(ASAN_BUILD) check-switchyard 2>&1 | \
	  $(PYTHON) scripts/lit_summary.py
	ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0 $(PYTHON) test/onnx-backend/run_node_tests.py \
	  --data $(ASAN_BUILD)/onnx-node-tests/node --bin $(ASAN_BUILD)/bin \
	  --allowlist test/onnx-backend/allowlist.txt

example: build
	@PYTHON=$(PYTHON) sh examples/run-example.sh $(BUILD)

docs: build
	ninja -C $(BUILD) switchyard-docs
	$(PYTHON) scripts/gen_onnx_schemas.py > passes/lower/onnx/OnnxSchemas.inc

clean:
	rm -rf $(BUILD)
