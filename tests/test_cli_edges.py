"""The command line's edges as a new user meets them: bad values, closed pipes, first use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _env(index_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARTICLEBOT_", "TELEGRAM_"))}
    env["ARTICLEBOT_INDEX_DIR"] = str(index_dir)
    env["ARTICLEBOT_CACHE_DIR"] = str(index_dir.parent / "cache")
    env.update(extra)
    return env


def _cli(
    *args: str, index_dir: Path, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "articlebot", *args],
        input=stdin,
        env=_env(index_dir, **env),
        cwd=index_dir.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("args", "env", "line"),
    [
        (
            ["ask", "--top-k", "0", "hi"],
            {},
            "--top-k must be a whole number from 1 to 50 (got '0')",
        ),
        (["run", "--port", "99999"], {}, "--port must be a whole number from 1 to 65535"),
        (
            ["list"],
            {"ARTICLEBOT_RATE_LIMIT": "abc"},
            "ARTICLEBOT_RATE_LIMIT must be a whole number, 0 or more (got 'abc')",
        ),
        (["list"], {"ARTICLEBOT_ENCODER": "gpu"}, "ARTICLEBOT_ENCODER must be one of auto, onnx"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_exit_2(
    tmp_path: Path, args: list[str], env: dict[str, str], line: str
) -> None:
    result = _cli(*args, index_dir=tmp_path / "index", **env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "pydantic" not in result.stderr
    assert result.stderr.startswith(f"articlebot: error: {line}")


def test_a_closed_pipe_ends_quietly(index_dir: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "articlebot", "ask", "-"],
        env=_env(index_dir),
        cwd=index_dir.parent,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"Who was Vinatier swapped for?\n" * 40)
    process.stdin.close()
    assert process.stdout.readline().startswith(b"Q: ")  # like `| head -1`
    process.stdout.close()
    process.wait(timeout=300)
    assert process.stderr is not None
    assert process.stderr.read() == b""
    assert process.returncode == 141
