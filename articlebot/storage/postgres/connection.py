"""Connecting to PostgreSQL from a postgresql:// URL, with pgvector's types registered."""

from __future__ import annotations

import psycopg
from pgvector.psycopg import register_vector

URL_SCHEMES = ("postgresql://", "postgres://")


class DatabaseUrlError(ValueError):
    """A database URL this backend cannot use."""


def is_database_url(url: str) -> bool:
    """Whether `url` names a PostgreSQL database (rather than, say, an index folder)."""
    return url.startswith(URL_SCHEMES)


def masked_url(url: str) -> str:
    """`url` with any password replaced by ***, fit for messages and logs."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection:
    """Open a connection with pgvector's types registered once the schema exists.

    Autocommit by default: a reader's consistency comes from pinning a generation id, not from
    holding a snapshot open, and writers take explicit transactions (`conn.transaction()`).
    """
    if not is_database_url(url):
        raise DatabaseUrlError(f"not a PostgreSQL URL (postgresql://...): {masked_url(url)!r}")
    conn = psycopg.connect(url, autocommit=autocommit)
    register_vector_types(conn)
    return conn


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
