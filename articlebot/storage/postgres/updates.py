"""The webhook updates received by any replica, kept in PostgreSQL until they are handled, so
that each is answered once, by one replica, even when a replica dies or Telegram delivers it
again.

A replica records an update before it tells Telegram 200 (until then Telegram keeps delivering
it); an update_id recorded already is not handled again. The recording replica holds a lease on
it, renewed while it works; when the lease runs out unfinished (the replica was killed), another
replica takes the update over. Times are the database's clock, shared by all replicas; after the
server restarts, every replica gets one whole lease to renew before anything is taken over.

What no design closes: a replica killed after Telegram took its answer but before the update was
marked done. Its update is answered again; the window is one round trip to the database.
"""

from __future__ import annotations

import json
from typing import Any

from psycopg_pool import ConnectionPool

from articlebot.storage.postgres.connection import on_new_pool, with_connection

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bot_update (
    update_id BIGINT PRIMARY KEY,
    payload TEXT NOT NULL,
    owner TEXT NOT NULL,
    lease_until DOUBLE PRECISION NOT NULL,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    received DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS bot_update_open ON bot_update (lease_until) WHERE NOT done
"""
_NOW = "extract(epoch FROM clock_timestamp())"
#: How long a handled update's id is kept: Telegram gives up delivering an update after 24 h.
KEEP_SECONDS = 24 * 3600.0


class UpdateInbox:
    """The shared record of webhook updates (see the module); every method is one transaction."""

    def __init__(self, pool: ConnectionPool, owner: str, lease_seconds: float) -> None:
        self._pool = pool
        self.owner = owner
        self.lease_seconds = lease_seconds

        def create(conn: Any) -> None:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('articlebot_bot_update'))")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)

        with_connection(pool, create)

    @classmethod
    def open(cls, url: str, owner: str, lease_seconds: float) -> UpdateInbox:
        """The inbox in the database at `url`, for the replica called `owner`."""
        return on_new_pool(url, lambda pool: cls(pool, owner, lease_seconds))

    def close(self) -> None:
        """Close the connections."""
        self._pool.close()

    def _run(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        def work(conn: Any) -> list[tuple[Any, ...]]:
            with conn.transaction():
                cursor = conn.execute(sql, params)
                return cursor.fetchall() if cursor.description else []

        return with_connection(self._pool, work)

    def record(self, update_id: int, payload: dict[str, Any]) -> bool:
        """Record a received update under this replica's lease; False when it was recorded
        before (a delivery again): then it is not to be handled here."""
        rows = self._run(
            "INSERT INTO bot_update (update_id, payload, owner, lease_until, received)"
            f" VALUES (%s, %s, %s, {_NOW} + %s, {_NOW}) ON CONFLICT (update_id) DO NOTHING"
            " RETURNING update_id",
            (update_id, json.dumps(payload), self.owner, self.lease_seconds),
        )
        return bool(rows)

    def finish(self, update_ids: list[int]) -> None:
        """Mark updates handled: no replica takes them over."""
        self._run("UPDATE bot_update SET done = TRUE WHERE update_id = ANY(%s)", (update_ids,))

    def renew(self, update_ids: list[int]) -> None:
        """Extend this replica's lease on updates it is still handling."""
        self._run(
            f"UPDATE bot_update SET lease_until = {_NOW} + %s"
            " WHERE update_id = ANY(%s) AND owner = %s AND NOT done",
            (self.lease_seconds, update_ids, self.owner),
        )

    def take_over(self, limit: int = 50) -> list[dict[str, Any]]:
        """Claim unfinished updates whose lease ran out (their replica died), oldest first;
        their payloads. Two replicas looking at once never claim the same update."""
        # Not this replica's own (it is alive, handling them), and not in the first lease after
        # the server started: no replica could renew while it was down.
        rows = self._run(
            f"UPDATE bot_update SET owner = %(me)s, lease_until = {_NOW} + %(lease)s"
            " WHERE update_id IN (SELECT update_id FROM bot_update"
            f"  WHERE NOT done AND lease_until < {_NOW} AND owner <> %(me)s"
            f"  AND extract(epoch FROM pg_postmaster_start_time()) + %(lease)s < {_NOW}"
            "  ORDER BY update_id LIMIT %(limit)s FOR UPDATE SKIP LOCKED)"
            " RETURNING update_id, payload",
            {"me": self.owner, "lease": self.lease_seconds, "limit": limit},
        )
        return [json.loads(payload) for _, payload in sorted(rows)]

    def forget_old(self) -> int:
        """Delete handled updates older than KEEP_SECONDS; how many went."""

        def work(conn: Any) -> int:
            return conn.execute(
                f"DELETE FROM bot_update WHERE done AND received < {_NOW} - %s", (KEEP_SECONDS,)
            ).rowcount

        return with_connection(self._pool, work)
