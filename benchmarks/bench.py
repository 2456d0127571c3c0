#!/usr/bin/env python
"""Benchmark articlebot against itself, its floor and a naive baseline, on one machine.

    python benchmarks/bench.py [--questions N] [--large] [--json out.json]

The benchmark is the `benchmarks` package (see `benchmarks/cli.py`); this file keeps the
command line it has always had.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    # Run as a file, this folder comes first on sys.path; the package needs the checkout there.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    from benchmarks.cli import main

    sys.exit(main())
