"""What a command run in the test process (the `cli` fixture) printed and returned."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CliRun:
    """A command's exit status and output; `log` holds its log lines, which a process would
    have printed on stderr."""

    returncode: int
    stdout: str
    stderr: str
    log: str
