"""Connecting to PostgreSQL from a postgresql:// URL, with pgvector's types registered."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import psycopg
from pgvector.psycopg import register_vector
from psycopg_pool import ConnectionPool

from articlebot.index.store import IndexStoreError, IndexWriteError
from articlebot.masking import masked_url, without_password

URL_SCHEMES = ("postgresql://", "postgres://")
#: How long a query waits for a pooled connection (the server restarting) before it fails.
POOL_WAIT_SECONDS = 15.0

T = TypeVar("T")

#: Every pool opened and not yet collected, and the thread that opened it, for close_pools.
_POOLS: weakref.WeakKeyDictionary[ConnectionPool, int] = weakref.WeakKeyDictionary()
#: Guards _POOLS: a bot's reload may open a pool while a command run beside it lists them.
_POOLS_LOCK = threading.Lock()


class DatabaseUrlError(ValueError):
    """A database URL this backend cannot use."""


def is_database_url(url: str) -> bool:
    """Whether `url` names a PostgreSQL database (rather than, say, an index folder)."""
    return url.startswith(URL_SCHEMES)


class DatabaseConnectError(IndexStoreError):
    """The database cannot be reached or refuses the connection (the message holds no password)."""


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection:
    """Open a connection with pgvector's types registered once the schema exists.

    Autocommit by default: a reader's consistency comes from pinning a generation id, not from
    holding a snapshot open, and writers take explicit transactions (`conn.transaction()`).
    """
    if not is_database_url(url):
        raise DatabaseUrlError(f"not a PostgreSQL URL (postgresql://...): {masked_url(url)!r}")
    try:
        conn = psycopg.connect(url, autocommit=autocommit)
    except psycopg.Error as exc:
        # libpq repeats parts of the URL it cannot parse, the password included.
        raise DatabaseConnectError(
            f"cannot connect to {masked_url(url)}: {without_password(str(exc), url)}"
        ) from None
    register_vector_types(conn)
    return conn


@contextmanager
def writing_to(url: str) -> Iterator[None]:
    """DatabaseConnectError, one line without the password, for the connection lost while
    writing (a server restart, a failover, a proxy's drop): it was two stacked tracebacks."""
    try:
        yield
    except psycopg.Error as exc:
        reason = without_password(str(exc), url)
        if not _connection_lost(exc):
            # A statement timeout, a full disk: the transaction was rolled back.
            raise IndexWriteError(
                f"{masked_url(url)} refused the write ({reason}); nothing was written"
            ) from None
        raise DatabaseConnectError(
            f"lost the connection to {masked_url(url)} while writing ({reason}); the change "
            "was not made unless the list of articles shows it"
        ) from None


def _connection_lost(exc: psycopg.Error) -> bool:
    """Whether the error is the connection's end (an OperationalError without SQLSTATE: it
    broke; class 08; the server shutting down, refusing connections or ending an idle
    session), not a statement's failure (a timeout, a read-only standby, a full disk)."""
    state = exc.sqlstate
    if not isinstance(exc, psycopg.OperationalError):
        return False
    return state is None or state.startswith("08") or state in ("57P01", "57P02", "57P03", "57P05")


def register_vector_types(conn: psycopg.Connection) -> bool:
    """Register pgvector's types on `conn` if the extension is installed; says whether it was."""
    row = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone()
    if not conn.autocommit:
        # Leave no transaction open on a fresh connection: a pinned reader starts its own.
        conn.rollback()
    if row is None:
        return False
    register_vector(conn)
    return True


def _register_quietly(conn: psycopg.Connection) -> None:
    register_vector_types(conn)


def open_pool(url: str, *, max_size: int = 4) -> ConnectionPool:
    """A pool of autocommit connections to `url`, pgvector's types registered, each checked as
    it is handed out: a connection broken by a server restart is replaced, so the next query
    after a restart reconnects instead of failing. Fails now, with one clear error, when the
    database cannot be reached."""
    connect(url).close()
    pool = ConnectionPool(
        url,
        kwargs={"autocommit": True},
        min_size=1,
        max_size=max_size,
        configure=_register_quietly,
        check=ConnectionPool.check_connection,
        timeout=POOL_WAIT_SECONDS,
        # Quick retries: a restarted server is back within seconds, and a replica should be too.
        reconnect_timeout=POOL_WAIT_SECONDS * 20,
        num_workers=1,
        open=True,
    )
    with _POOLS_LOCK:
        _POOLS[pool] = threading.get_ident()
    return pool


def on_new_pool(url: str, make: Callable[[ConnectionPool], T]) -> T:
    """`make(pool)` with a new pool to `url` (see open_pool); the pool is closed again when
    `make` fails, as its first query may: its worker thread would outlive the failure."""
    pool = open_pool(url)
    try:
        return make(pool)
    except BaseException:
        pool.close()
        raise


def open_pools() -> set[int]:
    """The ids of the pools open now (see close_pools)."""
    with _POOLS_LOCK:
        pools = list(_POOLS)
    return {id(pool) for pool in pools if not pool.closed}


def close_pools(keep: set[int]) -> None:
    """Close the pools this thread opened since `open_pools` said `keep` (at the end of a
    command: a pool left to the garbage collector may be collected on its own worker thread,
    which cannot join itself). Pools other threads opened meanwhile are theirs: a command run
    in a process serving a bot must not close the bot's."""
    me = threading.get_ident()
    with _POOLS_LOCK:
        pools = list(_POOLS.items())
    for pool, opener in pools:
        if id(pool) not in keep and opener == me:
            pool.close()


def with_connection(pool: ConnectionPool, work: Callable[[psycopg.Connection], T]) -> T:
    """`work` on a pooled connection; run once more on a fresh one when the connection broke
    during it (the server restarted after the check). `work` must be safe to repeat: one
    transaction, or reads. Other errors, and waiting for a connection in vain, are raised."""
    for attempt in (1, 2):
        with pool.connection() as conn:
            try:
                return work(conn)
            except psycopg.OperationalError:
                if attempt == 2 or not (conn.broken or conn.closed):
                    raise
    raise AssertionError("unreachable")
