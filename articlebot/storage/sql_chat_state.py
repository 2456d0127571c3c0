"""ChatState kept in SQL tables: in PostgreSQL when a database is configured (shared by every
replica), else in a small SQLite file in the index folder (so a restart loses nothing on one
machine). One implementation, two dialects: they differ in placeholders and locking only."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from articlebot.index.store import IndexStoreError
from articlebot.retrieval.conversation import Turn
from articlebot.storage.chat_state import MAX_THREAD_TURNS, Limit, Refusal

#: The chat's own last turn is kept as the turn of thread 0 (post threads have message ids > 0).
_CHAT_TURN = 0

_TABLES = """
CREATE TABLE IF NOT EXISTS chat_scope (chat_id BIGINT PRIMARY KEY, doc_ids TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chat_turn (
    chat_id BIGINT NOT NULL,
    root_id BIGINT NOT NULL,
    question TEXT NOT NULL,
    highlight TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    stamp BIGINT NOT NULL,
    PRIMARY KEY (chat_id, root_id)
);
CREATE TABLE IF NOT EXISTS chat_autoindex (chat_id BIGINT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS rate_key (
    key TEXT PRIMARY KEY,
    refused BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE IF NOT EXISTS rate_hit (key TEXT NOT NULL, at DOUBLE PRECISION NOT NULL);
CREATE INDEX IF NOT EXISTS rate_hit_key ON rate_hit (key, at);
"""


class SqlChatState:
    """ChatState over a DB-API connection; see `postgres_chat_state` and `file_chat_state`."""

    def __init__(self, conn: Any, *, postgres: bool) -> None:
        self._conn = conn
        self._postgres = postgres
        # One connection serves the event loop and worker threads: one statement at a time.
        self._lock = threading.Lock()
        with self._transaction() as run:
            if postgres:
                # Two replicas starting at once would race on CREATE ... IF NOT EXISTS.
                run("SELECT pg_advisory_xact_lock(hashtext('articlebot_chat_state'))")
            for statement in _TABLES.split(";"):
                if statement.strip():
                    run(statement)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A transaction, and a function running one statement in it (`?` placeholders)."""
        with self._lock:
            if self._postgres:
                with self._conn.transaction():

                    def run(sql: str, params: Sequence[Any] = ()) -> Any:
                        return self._conn.execute(sql.replace("?", "%s"), params)

                    yield run
            else:
                # IMMEDIATE takes the write lock at once: two processes cannot interleave.
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn.execute
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")

    def _one(self, sql: str, params: Sequence[Any]) -> Any:
        with self._transaction() as run:
            return run(sql, params).fetchone()

    def scope(self, chat_id: int) -> list[str]:
        """See ChatState."""
        row = self._one("SELECT doc_ids FROM chat_scope WHERE chat_id = ?", (chat_id,))
        return list(json.loads(row[0])) if row else []

    def set_scope(self, chat_id: int, doc_ids: Sequence[str]) -> None:
        """See ChatState."""
        with self._transaction() as run:
            if doc_ids:
                run(
                    "INSERT INTO chat_scope (chat_id, doc_ids) VALUES (?, ?) ON CONFLICT (chat_id)"
                    " DO UPDATE SET doc_ids = excluded.doc_ids",
                    (chat_id, json.dumps(list(doc_ids))),
                )
            else:
                run("DELETE FROM chat_scope WHERE chat_id = ?", (chat_id,))

    def _turn(self, chat_id: int, root_id: int) -> Turn | None:
        row = self._one(
            "SELECT question, highlight, at FROM chat_turn WHERE chat_id = ? AND root_id = ?",
            (chat_id, root_id),
        )
        return Turn(row[0], row[1], float(row[2])) if row else None

    def _set_turn(self, chat_id: int, root_id: int, turn: Turn) -> None:
        with self._transaction() as run:
            stamp = run(
                "SELECT coalesce(max(stamp), 0) + 1 FROM chat_turn WHERE chat_id = ?", (chat_id,)
            ).fetchone()[0]
            run(
                "INSERT INTO chat_turn (chat_id, root_id, question, highlight, at, stamp)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, root_id) DO UPDATE SET"
                " question = excluded.question, highlight = excluded.highlight,"
                " at = excluded.at, stamp = excluded.stamp",
                (chat_id, root_id, turn.question, turn.highlight, float(turn.at), stamp),
            )
            if root_id != _CHAT_TURN and stamp > MAX_THREAD_TURNS:
                run(
                    "DELETE FROM chat_turn WHERE chat_id = ? AND root_id <> ? AND stamp <= ?",
                    (chat_id, _CHAT_TURN, stamp - MAX_THREAD_TURNS),
                )

    def last_turn(self, chat_id: int) -> Turn | None:
        """See ChatState."""
        return self._turn(chat_id, _CHAT_TURN)

    def set_last_turn(self, chat_id: int, turn: Turn) -> None:
        """See ChatState."""
        self._set_turn(chat_id, _CHAT_TURN, turn)

    def thread_turn(self, chat_id: int, root_id: int) -> Turn | None:
        """See ChatState."""
        return self._turn(chat_id, root_id)

    def set_thread_turn(self, chat_id: int, root_id: int, turn: Turn) -> None:
        """See ChatState."""
        self._set_turn(chat_id, root_id, turn)

    def autoindex(self, chat_id: int) -> bool:
        """See ChatState."""
        return self._one("SELECT 1 FROM chat_autoindex WHERE chat_id = ?", (chat_id,)) is not None

    def set_autoindex(self, chat_id: int, on: bool) -> None:
        """See ChatState."""
        with self._transaction() as run:
            if on:
                run(
                    "INSERT INTO chat_autoindex (chat_id) VALUES (?) ON CONFLICT DO NOTHING",
                    (chat_id,),
                )
            else:
                run("DELETE FROM chat_autoindex WHERE chat_id = ?", (chat_id,))

    def hit(self, limits: Sequence[Limit], now: float) -> Refusal | None:
        """See ChatState: one transaction, the keys' rows locked in key order."""
        counting = [limit for limit in limits if limit.count > 0]
        if not counting:
            return None
        with self._transaction() as run:
            for key in sorted({limit.key for limit in counting}):
                run("INSERT INTO rate_key (key) VALUES (?) ON CONFLICT DO NOTHING", (key,))
                if self._postgres:
                    run("SELECT 1 FROM rate_key WHERE key = ? FOR UPDATE", (key,))
            for limit in counting:
                run(
                    "DELETE FROM rate_hit WHERE key = ? AND at <= ?",
                    (limit.key, now - limit.window),
                )
                # Later hits count too: another replica's clock may run a little ahead.
                (recent,) = run(
                    "SELECT count(*) FROM rate_hit WHERE key = ?", (limit.key,)
                ).fetchone()
                if recent >= limit.count:
                    (again,) = run(
                        "SELECT refused FROM rate_key WHERE key = ?", (limit.key,)
                    ).fetchone()
                    run("UPDATE rate_key SET refused = TRUE WHERE key = ?", (limit.key,))
                    return Refusal(limit.key, bool(again))
            for limit in counting:
                run("INSERT INTO rate_hit (key, at) VALUES (?, ?)", (limit.key, now))
                run("UPDATE rate_key SET refused = FALSE WHERE key = ?", (limit.key,))
        return None


def postgres_chat_state(url: str) -> SqlChatState:
    """Chat state in the PostgreSQL database at `url`, shared by every process using it."""
    from articlebot.storage.postgres.connection import connect

    return SqlChatState(connect(url), postgres=True)


#: The file in the index folder that holds the chat state of a bot without a database.
CHAT_STATE_FILE = "chat_state.sqlite3"


def file_chat_state(index_dir: Path) -> SqlChatState:
    """Chat state in a SQLite file in the index folder (created if missing)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / CHAT_STATE_FILE
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        return SqlChatState(conn, postgres=False)
    except sqlite3.DatabaseError as exc:
        raise IndexStoreError(
            f"{path} is not a usable chat state file ({exc}); move it away to start afresh"
        ) from None
