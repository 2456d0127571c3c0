"""Publishing documents built by the local builder into PostgreSQL as one new generation."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from articlebot.index.lock import wait_to_take
from articlebot.index.store import Manifest
from articlebot.storage.local_index import IndexData
from articlebot.storage.postgres.generations import write_generation
from articlebot.storage.postgres.local_index import documents_from_index

#: The advisory lock writers hold for a whole add, remove or rebuild: a second writer waits.
_WRITER_LOCK = "articlebot_writer"


def generation_manifest(manifest: Manifest) -> dict[str, Any]:
    """A manifest as a generation row keeps it: per-document metadata lives with each document."""
    saved = manifest.to_json()
    saved.pop("documents")
    return saved


@contextmanager
def writer_lock(
    conn: psycopg.Connection, on_wait: Callable[[str], None] | None = None, where: str = ""
) -> Iterator[None]:
    """Hold the database-wide writer lock (a session advisory lock) for the block; while
    another writer has it, say so to `on_wait` (naming the database as `where`) and wait, or
    give up (WriteStopped) once this thread's stop event is set (`index.lock.giving_up_when`:
    the bot is stopping)."""
    if not _took(conn):
        if on_wait is not None:
            on_wait(f"waiting for another writer to {where or 'the database'}")
        waiting = "SELECT pg_advisory_lock(hashtext(%s))"
        wait_to_take(
            lambda: _took(conn), lambda: conn.execute(waiting, (_WRITER_LOCK,)), "the database"
        )
    try:
        yield
    finally:
        # A lock held by a connection since lost went with its session: nothing to unlock,
        # and trying raised over what broke the connection.
        if not (conn.closed or conn.broken):
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (_WRITER_LOCK,))


def _took(conn: psycopg.Connection) -> bool:
    """Take the writer lock if it is free; whether it was."""
    row = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (_WRITER_LOCK,)).fetchone()
    return bool(row and row[0])


def publish(
    conn: psycopg.Connection,
    built: IndexData,
    *,
    add: Collection[str] | None = None,
    remove: Collection[str] = (),
    replace_all: bool = False,
) -> int:
    """Publish one generation: the documents `add` names from `built` (all of it when None),
    `remove` dropped, and with `replace_all` every other live document dropped too. Returns
    the new generation's id."""
    wanted = set(built.doc_order) if add is None else set(add)
    documents = [doc for doc in documents_from_index(built) if doc.doc_id in wanted]
    with write_generation(conn, generation_manifest(built.manifest)) as writer:
        if replace_all:
            live = [
                doc_id
                for (doc_id,) in conn.execute(
                    "SELECT doc_id FROM documents WHERE died IS NULL"
                ).fetchall()
            ]
            writer.remove([d for d in live if d not in set(built.doc_order)])
        writer.remove(remove)
        writer.add(documents)
        return writer.generation
