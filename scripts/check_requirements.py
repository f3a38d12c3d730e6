#!/usr/bin/env python3
"""Exit 0 when every pinned `name==version` line of a requirements file is
installed at that version in this interpreter, 1 otherwise (so `make deps`
calls pip only when something is missing)."""
import sys
from importlib import metadata


def main(path: str) -> int:
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, version = line.partition("==")
        try:
            if version and metadata.version(name.strip()) != version.strip():
                return 1
        except metadata.PackageNotFoundError:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
