"""The benchmark's child processes: `python -m benchmarks.children MODE JSON` runs one
measurement in a fresh process and prints its result as a JSON line (see `harness`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from benchmarks import baseline, index_build, scale
from benchmarks.harness import emit

CHILDREN: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "build": index_build.build_index,
    "baseline-cold": baseline.cold_start,
    "baseline-serve": baseline.answer_blocks,
    "large-vectors": scale.large_vectors,
    "large-keyword": scale.large_keyword,
}


def main(argv: list[str]) -> int:
    """Run child `argv[0]` with the JSON payload `argv[1]`."""
    mode, payload = argv
    if mode != "baseline-cold":  # the naive baseline tunes nothing
        from articlebot.config import prepare_process

        prepare_process()
    emit(CHILDREN[mode](json.loads(payload)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
