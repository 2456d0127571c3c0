"""ChatState kept in SQL tables: in PostgreSQL when a database is configured (shared by every
replica), else in a small SQLite file in the index folder (so a restart loses nothing on one
machine). One implementation, two dialects: they differ in placeholders and locking only."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from articlebot.index.store import CHAT_STATE_FILE, IndexStoreError
from articlebot.retrieval.conversation import Turn
from articlebot.storage.chat_state import (
    MAX_THREAD_TURNS,
    REMOVED,
    Limit,
    PendingPost,
    PostVersion,
    Refusal,
    ThreadPost,
)

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

T = TypeVar("T")

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
    doc_id TEXT,
    PRIMARY KEY (chat_id, root_id)
);
CREATE TABLE IF NOT EXISTS chat_autoindex (chat_id BIGINT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS chat_former (
    chat_id BIGINT NOT NULL,
    former_id BIGINT NOT NULL,
    PRIMARY KEY (chat_id, former_id)
);
CREATE TABLE IF NOT EXISTS rate_key (
    key TEXT PRIMARY KEY,
    refused BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE IF NOT EXISTS rate_hit (key TEXT NOT NULL, at DOUBLE PRECISION NOT NULL);
CREATE INDEX IF NOT EXISTS rate_hit_key ON rate_hit (key, at);
CREATE TABLE IF NOT EXISTS thread_post (
    chat_id BIGINT NOT NULL,
    root_id BIGINT NOT NULL,
    post TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (chat_id, root_id)
);
CREATE INDEX IF NOT EXISTS thread_post_at ON thread_post (at);
CREATE TABLE IF NOT EXISTS post_version (
    doc_id TEXT PRIMARY KEY,
    made BIGINT NOT NULL,
    edited BOOLEAN NOT NULL,
    digest TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_post (
    doc_id TEXT PRIMARY KEY,
    post TEXT NOT NULL,
    stamp BIGINT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0
);
"""


#: Runs one statement in the current transaction (`?` placeholders) and returns its cursor.
Run = Callable[..., Any]


class _SqliteTransactions:
    """Transactions on one SQLite connection, one at a time (the event loop and worker threads
    share it)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()

    def atomic(self, work: Callable[[Run], T]) -> T:
        with self._lock:
            # IMMEDIATE takes the write lock at once: two processes cannot interleave.
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._conn.execute)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            return result

    def close(self) -> None:
        self._conn.close()


class _PostgresTransactions:
    """Transactions on pooled PostgreSQL connections: several threads at once, and a server
    restart costs a reconnect (the pool checks each connection it hands out), not an error."""

    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool

    def atomic(self, work: Callable[[Run], T]) -> T:
        from articlebot.storage.postgres.connection import with_connection

        def transaction(conn: Any) -> T:
            with conn.transaction():
                return work(lambda sql, params=(): conn.execute(sql.replace("?", "%s"), params))

        return with_connection(self._pool, transaction)

    def close(self) -> None:
        self._pool.close()


class SqlChatState:
    """ChatState in SQL tables; see `postgres_chat_state` and `file_chat_state`. Thread-safe:
    the bot calls it from worker threads, off the event loop."""

    def __init__(self, transactions: _SqliteTransactions | _PostgresTransactions) -> None:
        self._transactions = transactions
        self._postgres = isinstance(transactions, _PostgresTransactions)

        def create(run: Run) -> None:
            if self._postgres:
                (read_only,) = run(
                    "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'"
                ).fetchone()
                if read_only:
                    raise IndexStoreError(
                        "the bot keeps its chats' state (follow-ups, limits, updates) in the"
                        " database and must write there, but this connection is read-only (a"
                        " read replica?): point ARTICLEBOT_DATABASE_URL at the primary; a read"
                        " replica serves `ask`, `chat`, `list`, `show` and `summary`"
                    )
                # Two replicas starting at once would race on CREATE ... IF NOT EXISTS.
                run("SELECT pg_advisory_xact_lock(hashtext('articlebot_chat_state'))")
            for statement in _TABLES.split(";"):
                if statement.strip():
                    run(statement)
            # Tables made before turns kept their article, and posts their tries, gain the
            # column (NULL: not known; 0 tries).
            for table, column in (
                ("chat_turn", "doc_id TEXT"),
                ("pending_post", "tries INTEGER NOT NULL DEFAULT 0"),
            ):
                if self._postgres:
                    run(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column}")
                elif column.split()[0] not in {r[1] for r in run(f"PRAGMA table_info({table})")}:
                    run(f"ALTER TABLE {table} ADD COLUMN {column}")

        self._atomic(create)

    def close(self) -> None:
        """Close the connection (or the pool)."""
        self._transactions.close()

    def _atomic(self, work: Callable[[Run], T]) -> T:
        """`work(run)` in one transaction (run again whole if the connection broke in it)."""
        return self._transactions.atomic(work)

    def _one(self, sql: str, params: Sequence[Any]) -> Any:
        return self._atomic(lambda run: run(sql, params).fetchone())

    def scope(self, chat_id: int) -> list[str]:
        """See ChatState."""
        row = self._one("SELECT doc_ids FROM chat_scope WHERE chat_id = ?", (chat_id,))
        return list(json.loads(row[0])) if row else []

    def set_scope(self, chat_id: int, doc_ids: Sequence[str]) -> None:
        """See ChatState."""

        def write(run: Run) -> None:
            if doc_ids:
                run(
                    "INSERT INTO chat_scope (chat_id, doc_ids) VALUES (?, ?) ON CONFLICT (chat_id)"
                    " DO UPDATE SET doc_ids = excluded.doc_ids",
                    (chat_id, json.dumps(list(doc_ids))),
                )
            else:
                run("DELETE FROM chat_scope WHERE chat_id = ?", (chat_id,))

        self._atomic(write)

    def _turn(self, chat_id: int, root_id: int) -> Turn | None:
        row = self._one(
            "SELECT question, highlight, at, doc_id FROM chat_turn"
            " WHERE chat_id = ? AND root_id = ?",
            (chat_id, root_id),
        )
        return Turn(row[0], row[1], float(row[2]), row[3]) if row else None

    def _set_turn(self, chat_id: int, root_id: int, turn: Turn) -> None:
        def write(run: Run) -> None:
            stamp = run(
                "SELECT coalesce(max(stamp), 0) + 1 FROM chat_turn WHERE chat_id = ?", (chat_id,)
            ).fetchone()[0]
            run(
                "INSERT INTO chat_turn (chat_id, root_id, question, highlight, at, stamp, doc_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, root_id) DO UPDATE SET"
                " question = excluded.question, highlight = excluded.highlight,"
                " at = excluded.at, stamp = excluded.stamp, doc_id = excluded.doc_id",
                (
                    chat_id,
                    root_id,
                    turn.question,
                    turn.highlight,
                    float(turn.at),
                    stamp,
                    turn.doc_id,
                ),
            )
            if root_id != _CHAT_TURN and stamp > MAX_THREAD_TURNS:
                run(
                    "DELETE FROM chat_turn WHERE chat_id = ? AND root_id <> ? AND stamp <= ?",
                    (chat_id, _CHAT_TURN, stamp - MAX_THREAD_TURNS),
                )

        self._atomic(write)

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

    def add_pending_post(self, doc_id: str, post: str) -> None:
        """See ChatState."""

        def write(run: Run) -> None:
            stamp = run("SELECT coalesce(max(stamp), 0) + 1 FROM pending_post").fetchone()[0]
            run(
                "INSERT INTO pending_post (doc_id, post, stamp) VALUES (?, ?, ?)"
                " ON CONFLICT (doc_id) DO UPDATE SET post = excluded.post, stamp = excluded.stamp,"
                " tries = CASE WHEN pending_post.post = excluded.post"
                " THEN pending_post.tries ELSE 0 END",
                (doc_id, post, stamp),
            )

        self._atomic(write)

    def pending_posts(self) -> list[PendingPost]:
        """See ChatState."""
        rows = self._atomic(
            lambda run: run(
                "SELECT doc_id, post, tries FROM pending_post ORDER BY stamp"
            ).fetchall()
        )
        return [PendingPost(doc_id, post, tries) for doc_id, post, tries in rows]

    def count_post_tries(self, doc_id: str, post: str, tries: int) -> None:
        """See ChatState."""
        self._atomic(
            lambda run: run(
                "UPDATE pending_post SET tries = ? WHERE doc_id = ? AND post = ?",
                (tries, doc_id, post),
            )
        )

    def drop_pending_post(self, doc_id: str, post: str) -> None:
        """See ChatState."""
        self._atomic(
            lambda run: run(
                "DELETE FROM pending_post WHERE doc_id = ? AND post = ?", (doc_id, post)
            )
        )

    def autoindex(self, chat_id: int) -> bool:
        """See ChatState."""
        return self._one("SELECT 1 FROM chat_autoindex WHERE chat_id = ?", (chat_id,)) is not None

    def set_autoindex(self, chat_id: int, on: bool) -> None:
        """See ChatState."""

        def write(run: Run) -> None:
            if on:
                run(
                    "INSERT INTO chat_autoindex (chat_id) VALUES (?) ON CONFLICT DO NOTHING",
                    (chat_id,),
                )
            else:
                run("DELETE FROM chat_autoindex WHERE chat_id = ?", (chat_id,))

        self._atomic(write)

    def migrate(self, old_id: int, new_id: int) -> None:
        """See ChatState: one transaction."""

        def write(run: Run) -> None:
            if old_id == new_id:
                return
            told = run(
                "INSERT INTO chat_former (chat_id, former_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (new_id, old_id),
            )
            if told.rowcount == 0:
                return
            run(
                "INSERT INTO chat_scope (chat_id, doc_ids) SELECT ?, doc_ids FROM chat_scope"
                " WHERE chat_id = ? ON CONFLICT (chat_id) DO NOTHING",
                (new_id, old_id),
            )
            run(
                "INSERT INTO chat_autoindex (chat_id) SELECT ? FROM chat_autoindex"
                " WHERE chat_id = ? ON CONFLICT DO NOTHING",
                (new_id, old_id),
            )
            run(
                "INSERT INTO chat_turn (chat_id, root_id, question, highlight, at, stamp, doc_id)"
                " SELECT ?, root_id, question, highlight, at, stamp, doc_id FROM chat_turn"
                " WHERE chat_id = ? AND root_id = ? ON CONFLICT (chat_id, root_id) DO NOTHING",
                (new_id, old_id, _CHAT_TURN),
            )

        self._atomic(write)

    def former_ids(self, chat_id: int) -> list[int]:
        """See ChatState."""
        return self._atomic(
            lambda run: [
                int(row[0])
                for row in run(
                    "SELECT former_id FROM chat_former WHERE chat_id = ? ORDER BY former_id",
                    (chat_id,),
                ).fetchall()
            ]
        )

    def hit(self, limits: Sequence[Limit], now: float) -> Refusal | None:
        """See ChatState: one transaction, the keys' rows locked in key order."""
        counting = [limit for limit in limits if limit.count > 0]
        if not counting:
            return None

        def count(run: Run) -> Refusal | None:
            for key in sorted({limit.key for limit in counting}):
                # DO UPDATE locks the row in PostgreSQL (DO NOTHING would not), also when a
                # sweep deleted it a moment ago; SQLite's IMMEDIATE lock covers everything.
                run(
                    "INSERT INTO rate_key (key) VALUES (?) ON CONFLICT (key)"
                    " DO UPDATE SET refused = rate_key.refused",
                    (key,),
                )
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

        return self._atomic(count)

    def set_thread_post(self, chat_id: int, root_id: int, post: str, at: float) -> None:
        """See ChatState."""
        self._atomic(
            lambda run: run(
                "INSERT INTO thread_post (chat_id, root_id, post, at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (chat_id, root_id) DO UPDATE SET post = excluded.post,"
                " at = excluded.at",
                (chat_id, root_id, post, at),
            )
        )

    def thread_posts(self, since: float, limit: int) -> list[ThreadPost]:
        """See ChatState."""
        rows = self._atomic(
            lambda run: run(
                "SELECT chat_id, root_id, post FROM thread_post WHERE at >= ?"
                " ORDER BY at DESC, chat_id, root_id LIMIT ?",
                (since, max(limit, 0)),
            ).fetchall()
        )
        threads = []
        for chat_id, root_id, post in reversed(rows):
            try:  # a damaged row (SQLite keeps any type) is that thread alone, learnt again
                threads.append(ThreadPost(int(chat_id), int(root_id), str(post)))
            except (TypeError, ValueError):
                continue
        return threads

    def thread_post(self, chat_id: int, root_id: int, since: float) -> str | None:
        """See ChatState."""
        row = self._one(
            "SELECT post FROM thread_post WHERE chat_id = ? AND root_id = ? AND at >= ?",
            (chat_id, root_id, since),
        )
        return str(row[0]) if row is not None and row[0] is not None else None

    def set_post_version(self, doc_id: str, version: PostVersion, at: float) -> None:
        """See ChatState."""
        self._atomic(
            lambda run: run(
                "INSERT INTO post_version (doc_id, made, edited, digest, at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (doc_id) DO UPDATE SET"
                " made = excluded.made, edited = excluded.edited, digest = excluded.digest,"
                " at = excluded.at WHERE post_version.digest <> ?",
                (doc_id, version.at, version.edited, version.digest, at, REMOVED),
            )
        )

    def post_version(self, doc_id: str) -> PostVersion | None:
        """See ChatState."""
        row = self._one("SELECT made, edited, digest FROM post_version WHERE doc_id = ?", (doc_id,))
        return PostVersion(int(row[0]), bool(row[1]), str(row[2])) if row else None

    def forget_old(
        self, hits_before: float, turns_before: float, threads_before: float = 0.0
    ) -> int:
        """See ChatState: five deletes in one transaction."""

        def delete(run: Run) -> int:
            hits = run("DELETE FROM rate_hit WHERE at <= ?", (hits_before,)).rowcount
            # A key's refused mark matters only while it has hits in the window.
            keys = run(
                "DELETE FROM rate_key WHERE NOT EXISTS"
                " (SELECT 1 FROM rate_hit WHERE rate_hit.key = rate_key.key)"
            ).rowcount
            turns = run("DELETE FROM chat_turn WHERE at < ?", (turns_before,)).rowcount
            threads = run("DELETE FROM thread_post WHERE at < ?", (threads_before,)).rowcount
            # A removal is kept: a post an admin removed stays out, however late its edit.
            versions = run(
                "DELETE FROM post_version WHERE at < ? AND digest <> ?", (threads_before, REMOVED)
            ).rowcount
            return hits + keys + turns + threads + versions

        return self._atomic(delete)


def postgres_chat_state(url: str) -> SqlChatState:
    """Chat state in the PostgreSQL database at `url`, shared by every process using it."""
    from articlebot.storage.postgres.connection import on_new_pool

    return on_new_pool(url, lambda pool: SqlChatState(_PostgresTransactions(pool)))


def file_chat_state(index_dir: Path) -> SqlChatState:
    """Chat state in a SQLite file in the index folder (created if missing)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / CHAT_STATE_FILE
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        # A write now, not at the first question: a file that cannot be written (read-only,
        # left by another user) is said at the start, not as every answer failing.
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute(f"PRAGMA user_version = {version}")
        return SqlChatState(_SqliteTransactions(conn))
    except sqlite3.DatabaseError as exc:
        # Not the file's fault: moving it away (the advice for a damaged one) would lose it.
        if (why := _cannot_write(index_dir)) is not None:
            raise IndexStoreError(f"cannot write the chat state in {index_dir} ({why})") from None
        if "readonly" in str(exc):
            raise IndexStoreError(f"cannot write the chat state {path} ({exc})") from None
        raise IndexStoreError(
            f"{path} is not a usable chat state file ({exc}); move it away to start afresh"
        ) from None


#: What `_cannot_write` writes: a full disk takes an empty file, not a page of data.
_PROBE_BYTES = 64 * 1024


def _cannot_write(folder: Path) -> str | None:
    """Why no data can be written in `folder` (a read-only disk, no permission, a full disk),
    or None."""
    try:
        with tempfile.TemporaryFile(dir=folder) as probe:
            probe.write(bytes(_PROBE_BYTES))
            probe.flush()
            os.fsync(probe.fileno())
            return None
    except OSError as exc:
        return exc.strerror or str(exc)
