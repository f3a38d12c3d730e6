#!/usr/bin/env python3
"""Pass lit's output through and end it with one plain summary line,
`check: N passed, M failed[, K skipped]`, which CI and people read at a
glance. lit's own exit status is kept by the caller (set -o pipefail)."""
import re
import sys

PASSED = ("Passed",)
FAILED = ("Failed", "Unexpectedly Passed", "Unresolved", "Timed Out")
SKIPPED = ("Unsupported", "Skipped", "Excluded", "Expectedly Failed")


def main() -> int:
    counts = {}
    for line in sys.stdin:
        sys.stdout.write(line)
        sys.stdout.flush()
        m = re.match(r"^\s+([A-Za-z ]+?)\s*:\s+(\d+)", line)
        if m:
            counts[m.group(1)] = int(m.group(2))
    passed = sum(counts.get(k, 0) for k in PASSED)
    failed = sum(counts.get(k, 0) for k in FAILED)
    skipped = sum(counts.get(k, 0) for k in SKIPPED)
    if not counts:
        print("check: lit printed no summary (did the build fail?)")
        return 1
    tail = f", {skipped} skipped" if skipped else ""
    print(f"check: {passed} passed, {failed} failed{tail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
