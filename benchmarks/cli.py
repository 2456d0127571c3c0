"""The benchmark's command line: `python benchmarks/bench.py [--large] [--json out.json]`."""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import platform
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.inputs import DEFAULT_DISTRACTORS, DEFAULT_XQUAD
from benchmarks.machine import cpu_count, load_average, versions
from benchmarks.progress import log
from benchmarks.report import render
from benchmarks.suite import run_default, run_large

DESCRIPTION = """\
Benchmark articlebot against itself, its floor and a naive baseline, on one machine.

Measures cold start, per-question latency (encoding / search / fusion / formatting) with the
ONNX and int8 encoders, throughput with many concurrent askers, index build rate and memory, and
the same figures for a naive baseline (1,000-character chunks, sentence-transformers per
question, a flat FAISS index, everything re-embedded at every start). With --large it also builds
an approximate FAISS index over 1,000,000 clustered synthetic vectors and a bm25s index over
100,000 passages. Progress goes to stderr; the report goes to stdout once everything has run.
"""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options of a run."""
    parser = argparse.ArgumentParser(description=DESCRIPTION.split("\n\n")[0])
    parser.add_argument(
        "--questions", type=int, default=200, help="questions timed per latency loop (200)"
    )
    parser.add_argument("--warmup", type=int, default=10, help="untimed questions first (10)")
    parser.add_argument("--concurrency", type=int, default=64, help="concurrent askers (64)")
    parser.add_argument(
        "--total", type=int, default=640, help="questions the concurrent askers share (640)"
    )
    parser.add_argument(
        "--cold-repeats", type=int, default=7, help="runs of each articlebot cold start (7)"
    )
    parser.add_argument(
        "--baseline-repeats", type=int, default=1, help="runs of the baseline cold start (1)"
    )
    parser.add_argument("--large", action="store_true", help="also run the large-scale section")
    parser.add_argument(
        "--large-only", action="store_true", help="run only the large-scale section"
    )
    parser.add_argument("--large-n", type=int, default=1_000_000, help="synthetic vectors (1M)")
    parser.add_argument(
        "--large-index",
        choices=("ivf", "hnsw"),
        default="ivf",
        help="approximate index to build over the vectors (ivf; an HNSW pilot always runs)",
    )
    parser.add_argument("--nlist", type=int, default=4096, help="IVF lists (4096)")
    parser.add_argument("--centres", type=int, default=2000, help="mixture components (2000)")
    parser.add_argument(
        "--noise", type=float, default=0.9, help="length of each point's noise vector (0.9)"
    )
    parser.add_argument("--large-queries", type=int, default=200, help="large-scale queries")
    parser.add_argument(
        "--keyword-passages", type=int, default=100_000, help="bm25s passages (100k)"
    )
    parser.add_argument("--xquad", type=Path, default=DEFAULT_XQUAD)
    parser.add_argument("--distractors", type=Path, default=DEFAULT_DISTRACTORS)
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument(
        "--workdir", type=Path, help="keep indexes here (default: a temporary folder, removed)"
    )
    args = parser.parse_args(argv)
    if args.questions < 1 or args.concurrency < 1 or args.total < 1:
        parser.error("--questions, --concurrency and --total must be positive")
    return args


def run_meta(args: argparse.Namespace) -> dict[str, Any]:
    """When, where and with what the run was made."""
    return {
        "date": _dt.datetime.now().isoformat(timespec="seconds"),
        "cpus": cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "load_start": load_average(),
        **versions(),
        "args": {k: str(v) for k, v in vars(args).items()},
    }


def work_folder(args: argparse.Namespace) -> Path:
    """A fresh folder for the run's indexes: under --workdir, or a temporary one."""
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="run-", dir=args.workdir))
    return Path(tempfile.mkdtemp(prefix="articlebot-bench-"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    import logging

    from articlebot.config import prepare_process

    args = parse_args(argv)
    # Before faiss, onnxruntime and torch load; after benchmarks.harness (imported with
    # benchmarks.suite above) took the user's environment for the processes it measures.
    prepare_process()
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    results: dict[str, Any] = {"meta": run_meta(args)}
    work = work_folder(args)
    try:
        if not args.large_only:
            run_default(args, results, work)
        if args.large or args.large_only:
            run_large(args, results, work)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    results["meta"]["load_end"] = load_average()
    results["meta"]["elapsed_s"] = time.perf_counter() - started
    print(render(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        log(f"figures written to {args.json}")
    return 0
