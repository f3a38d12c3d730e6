# Runs the GoogleTest binaries of test/unit (every *Tests executable) as lit
# tests, so `make check` reports them in lit's one summary.
import os

import lit.formats

config.name = "Switchyard-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.switchyard_obj_root, "test", "unit")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
