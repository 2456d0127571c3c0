"""Cold starts: fresh processes answering one question, timed to the answer and to their exit."""

from __future__ import annotations

import contextlib
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.harness import ProcessRun, timed_process


def summary(runs: Sequence[ProcessRun]) -> dict[str, Any]:
    """Medians and minima (ms) of runs of one process, to its answer and to its exit."""
    walls = [r.wall_s for r in runs]
    answers = [r.first_output_s for r in runs if r.first_output_s is not None]
    return {
        "answer_median_ms": statistics.median(answers) * 1000 if answers else None,
        "answer_min_ms": min(answers) * 1000 if answers else None,
        "median_ms": statistics.median(walls) * 1000,
        "min_ms": min(walls) * 1000,
        "runs_ms": [w * 1000 for w in walls],
        "peak_rss_mb": statistics.median(r.peak_rss_mb for r in runs),
    }


def cold_starts(
    question: str, saved_index: Path, work: Path, repeats: int, env: Mapping[str, str]
) -> dict[str, Any]:
    """Fresh `python -m articlebot ask` processes, with and without a saved index, beside the
    interpreter's floor and the import of articlebot's command line."""
    ask = ["-m", "articlebot", "ask", question, "--index-dir"]
    floor = [timed_process(["-c", "pass"], work) for _ in range(repeats)]
    imports = [timed_process(["-c", "import articlebot.cli"], work) for _ in range(repeats)]
    saved = [timed_process([*ask, str(saved_index)], work, env=env) for _ in range(repeats)]
    fresh = [timed_process([*ask, str(work / f"cold-{i}")], work, env=env) for i in range(repeats)]
    return {
        "python_floor": summary(floor),
        "import_cli": summary(imports),
        "saved_index": summary(saved),
        "no_index": {**summary(fresh), "bundled_passages": passages_of(work / "cold-0")},
        "answer_excerpt": saved[0].stdout.strip().splitlines()[:2],
    }


def passages_of(index_dir: Path) -> int | None:
    """How many passages the index in `index_dir` holds (None if it cannot be read)."""
    with contextlib.suppress(Exception):
        from articlebot.index.store import read_manifest

        return read_manifest(index_dir).passages
    return None
