"""Measured processes: run one, time it to its first line and its exit, read its peak memory,
and exchange JSON with the benchmark's own child processes (`python -m benchmarks.children`)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from benchmarks.machine import REPO
from benchmarks.peak import PEAK_MARKER

#: Marks the line of a child's stdout that holds its JSON result.
CHILD_MARKER = "BENCH_RESULT "

# Taken when the benchmark is imported, before `prepare_process()` sets thread policies in this
# process: measured processes start from the user's environment, as a user's command would.
_START_ENV = dict(os.environ)


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for measured processes: no ARTICLEBOT_* settings but `extra`, no network
    for Hugging Face, and this checkout importable (for `python -m benchmarks...`)."""
    env = {k: v for k, v in _START_ENV.items() if not k.startswith("ARTICLEBOT_")}
    env["HF_HUB_OFFLINE"] = "1"
    env["TRANSFORMERS_OFFLINE"] = "1"
    env.setdefault("PYTHONUNBUFFERED", "1")
    paths = [str(REPO), *env.get("PYTHONPATH", "").split(os.pathsep)]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(filter(None, paths)))
    env.update(extra or {})
    return env


@dataclass(frozen=True, slots=True)
class ProcessRun:
    """What one measured process took and printed."""

    wall_s: float
    peak_rss_mb: float
    stdout: str
    stderr: str
    #: Process start to its first line on stdout (the answer, for `ask`); None if none came.
    first_output_s: float | None = None


def timed_process(
    argv: Sequence[str],
    cwd: Path,
    timeout: float = 900.0,
    env: Mapping[str, str] | None = None,
) -> ProcessRun:
    """Run `python ARGV` (`-m module ...` or `-c code ...`): wall time and its peak RSS."""
    cmd = [sys.executable, "-m", "benchmarks.peak", *argv]
    first_line_at: list[float] = []
    chunks: list[bytes] = []

    def read_stdout(stream: IO[bytes]) -> None:
        # Timestamp the first line as it arrives: the interpreter's tear-down after the answer
        # (freeing modules, joining thread pools) is not part of the wait a user sees.
        for line in iter(stream.readline, b""):
            if not first_line_at and line.strip():
                first_line_at.append(time.perf_counter())
            chunks.append(line)

    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=err, cwd=cwd, env=child_env(env)
        )
        assert proc.stdout is not None
        reader = threading.Thread(target=read_stdout, args=(proc.stdout,), daemon=True)
        reader.start()
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, _ = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - start
        reader.join()
        proc.stdout.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stdout = b"".join(chunks).decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv[:3])} ... exited with {proc.returncode}:\n{stderr[-3000:]}"
        )
    first = first_line_at[0] - start if first_line_at else None
    return ProcessRun(wall, peak_kb_mb(stderr), stdout, stderr, first)


def peak_kb_mb(stderr: str) -> float:
    """The peak RSS (MiB) that `benchmarks.peak` wrote to a process's stderr, NaN if none."""
    peak = math.nan
    for line in stderr.splitlines():
        if line.startswith(PEAK_MARKER):
            peak = int(line[len(PEAK_MARKER) :]) / 1024
    return peak


def emit(result: Any) -> None:
    """Hand `result` to the parent (a child's side of the exchange)."""
    print(CHILD_MARKER + json.dumps(result), flush=True)


def child_command(mode: str, payload: Mapping[str, Any]) -> list[str]:
    """The arguments after `python` that run child `mode` with `payload`."""
    return ["-m", "benchmarks.children", mode, json.dumps(payload)]


def run_child(
    mode: str,
    payload: Mapping[str, Any],
    cwd: Path,
    timeout: float = 1800.0,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Run child `mode` in a fresh process and return its result (plus the process's times)."""
    run = timed_process(child_command(mode, payload), cwd, timeout, env)
    for line in reversed(run.stdout.splitlines()):
        if line.startswith(CHILD_MARKER):
            result = json.loads(line[len(CHILD_MARKER) :])
            result["process_wall_s"] = run.wall_s
            result["process_first_output_s"] = run.first_output_s
            return result
    raise RuntimeError(f"child {mode} printed no result:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")


class ServedChild:
    """A child process that stays up and answers requests, one JSON line each way."""

    def __init__(self, mode: str, payload: Mapping[str, Any], cwd: Path) -> None:
        # Its chatter goes to a file: a pipe nobody reads could fill up and stall it.
        self.log = cwd / f"{mode}.log"
        with self.log.open("w") as log_file:
            self._process = subprocess.Popen(
                [sys.executable, *child_command(mode, payload)],
                cwd=cwd,
                env=child_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log_file,
                text=True,
            )
        #: What the child said once it was ready.
        self.ready = self._reply()

    def _reply(self) -> Any:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            if line.startswith(CHILD_MARKER):
                return json.loads(line[len(CHILD_MARKER) :])
        tail = self.log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"the child process stopped (exit {self._process.wait()}):\n{tail}")

    def ask(self, request: Any) -> Any:
        """Send one request and wait for its reply."""
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        return self._reply()

    def close(self) -> None:
        """End its input and wait for it to exit."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=60)


def serve(answer: Callable[[Any], Any]) -> None:
    """A served child's loop: reply to each request line on stdin with `answer(request)`."""
    for line in sys.stdin:
        emit(answer(json.loads(line)))
