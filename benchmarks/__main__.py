"""`python -m benchmarks`: the same as `python benchmarks/bench.py`."""

import sys

from benchmarks.cli import main

if __name__ == "__main__":
    sys.exit(main())
