"""Progress lines on stderr (the report alone goes to stdout)."""

import sys
import time


def log(message: str) -> None:
    """A progress line on stderr."""
    stamp = time.strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", file=sys.stderr, flush=True)
