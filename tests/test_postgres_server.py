"""The tests' own PostgreSQL server: a server that cannot start fails with its log."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest


def test_a_server_that_cannot_start_fails_the_test_with_its_log() -> None:
    from postgres import start_postgres

    base = Path(tempfile.mkdtemp(prefix="articlebot-pg-"))
    try:
        with pytest.raises(pytest.fail.Exception) as failure:
            start_postgres(base, settings={"shared_buffers": "lots"})
    finally:
        shutil.rmtree(base, ignore_errors=True)
    message = str(failure.value)
    assert "postgres exited" in message and "server log" in message
    assert "shared_buffers" in message
