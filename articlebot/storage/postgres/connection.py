"""Connecting to PostgreSQL from a postgresql:// URL, with pgvector's types registered."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
from pgvector.psycopg import register_vector

from articlebot.index.store import IndexStoreError

URL_SCHEMES = ("postgresql://", "postgres://")


class DatabaseUrlError(ValueError):
    """A database URL this backend cannot use."""


def is_database_url(url: str) -> bool:
    """Whether `url` names a PostgreSQL database (rather than, say, an index folder)."""
    return url.startswith(URL_SCHEMES)


class DatabaseConnectError(IndexStoreError):
    """The database cannot be reached or refuses the connection (the message holds no password)."""


_PASSWORD_PARAMETER = re.compile(r"(?i)(password=)[^&]*")


def _password(url: str) -> str:
    userinfo, at, _ = urlsplit(url).netloc.rpartition("@")
    return userinfo.partition(":")[2] if at else ""


def masked_url(url: str) -> str:
    """`url` with any password (in the user part or a `password=` parameter) replaced by ***,
    fit for messages and logs. The host part is kept as written: libpq accepts several hosts
    and ports that `urlsplit` cannot parse."""
    parts = urlsplit(url)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    if at and ":" in userinfo:
        parts = parts._replace(netloc=f"{userinfo.partition(':')[0]}:***@{hosts}")
    return urlunsplit(parts._replace(query=_PASSWORD_PARAMETER.sub(r"\1***", parts.query)))


def _without_password(message: str, url: str) -> str:
    passwords = [_password(url), *(m.group(0)[9:] for m in _PASSWORD_PARAMETER.finditer(url))]
    for secret in {p for password in passwords for p in (password, unquote(password))} - {""}:
        message = message.replace(secret, "***")
    return " ".join(message.split())


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
            f"cannot connect to {masked_url(url)}: {_without_password(str(exc), url)}"
        ) from None
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
