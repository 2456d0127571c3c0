"""Every Bot API call the bot makes goes through here: Telegram's flood limits, and retries
while the Bot API fails or cannot be reached."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

#: How long a call is retried while the Bot API is failing or unreachable.
SEND_RETRY_SECONDS = 60.0
#: Retries of a call Telegram answered with "Too Many Requests" (after its retry_after).
FLOOD_RETRIES = 3

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]


class BotApiCalls(AIORateLimiter):
    """PTB's AIORateLimiter (Telegram's flood limits), retrying every call with backoff while
    the Bot API answers 5xx or cannot be reached, so that no reply, button answer or apology
    is lost to one failed request.

    A timed-out call is not retried: Telegram may have carried it out, and a message must never
    arrive twice. A 4xx will never succeed. Flood-limit (429) retries are AIORateLimiter's.
    """

    def __init__(self, retry_seconds: float = SEND_RETRY_SECONDS) -> None:
        super().__init__(max_retries=FLOOD_RETRIES)
        self.retry_seconds = retry_seconds

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        """Run one Bot API call within the flood limits, retrying while the API fails."""
        delay, waited = 0.5, 0.0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except (TimedOut, BadRequest):
                raise  # maybe carried out already / will never succeed
            except NetworkError as exc:
                if waited >= self.retry_seconds:
                    raise
                log.warning("Bot API %s failed (%s); retrying in %.1fs", endpoint, exc, delay)
                await asyncio.sleep(delay)
                waited += delay
                delay = min(delay * 2, 8.0)
