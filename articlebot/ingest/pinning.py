"""Connections made to the address a link's host was checked at, not to whatever the name
resolves to a moment later (DNS rebinding: a name answering a public address to the check and
an internal one to the connection would have had the request sent there)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

if TYPE_CHECKING:
    from httpcore import AsyncNetworkStream


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own backend, connecting to the address pinned for a host (`pin`); a host
    without one (allowed by name: ARTICLEBOT_FETCH_ALLOW_HOSTS) is connected to as named."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._pinned: dict[str, str] = {}

    def pin(self, host: str, address: str) -> None:
        """Connect to `address` whenever `host` (as the URL writes it, IDNA-encoded) is asked."""
        self._pinned[host.lower()] = address

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> AsyncNetworkStream:
        """A connection to the pinned address of `host` (TLS still names `host`)."""
        address = self._pinned.get(host.lower().strip("[]"), host)
        return await self._inner.connect_tcp(
            address,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> AsyncNetworkStream:
        """Refused: a link is never fetched over a local socket."""
        raise httpcore.ConnectError(f"no local sockets: {path}")

    async def sleep(self, seconds: float) -> None:
        """As httpcore's own backend sleeps."""
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (no proxy from the environment, certificates verified) over a
    `PinnedBackend`."""

    def __init__(self, backend: PinnedBackend) -> None:
        super().__init__(trust_env=False)
        # httpx takes no network backend of its own; its pool is httpcore's, which does.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False), network_backend=backend
        )
