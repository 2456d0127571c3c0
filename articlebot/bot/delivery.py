"""Every Bot API call the bot makes goes through here: Telegram's flood limits, retries while
the Bot API fails or cannot be reached, and the deadlines that let the bot stop in time; and
how a rendered reply is sent."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import AIORateLimiter

from articlebot.bot.render import Button

log = logging.getLogger(__name__)

#: How long a call is retried while the Bot API is failing or unreachable.
SEND_RETRY_SECONDS = 60.0
#: Retries of a call Telegram answered with "Too Many Requests" (after its retry_after).
FLOOD_RETRIES = 3

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]

#: Whether the calls made in this context are the stop notice (they get the later deadline).
_NOTICE: ContextVar[bool] = ContextVar("articlebot_stop_notice", default=False)


class ShuttingDown(Exception):
    """A Bot API call given up because the bot is stopping and its time ran out."""


@contextmanager
def stop_notice() -> Iterator[None]:
    """Mark the calls made inside as the notice sent when stopping: they may run until the
    notices' deadline, after the other calls were given up."""
    token = _NOTICE.set(True)
    try:
        yield
    finally:
        _NOTICE.reset(token)


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
        #: The deadline scope of every call in progress, and whether it is a notice.
        self._scopes: dict[asyncio.Timeout, bool] = {}
        self._calls_until: float | None = None  # event loop time
        self._notices_until: float | None = None

    def begin_stop(self, calls_seconds: float, notices_seconds: float) -> None:
        """From now on, calls end within `calls_seconds` (waiting for the flood limits or
        retrying included) and stop notices within `notices_seconds`, with ShuttingDown."""
        now = asyncio.get_running_loop().time()
        self._calls_until = now + calls_seconds
        self._notices_until = now + max(notices_seconds, calls_seconds)
        for scope, notice in list(self._scopes.items()):
            scope.reschedule(self._notices_until if notice else self._calls_until)

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
        notice = _NOTICE.get()
        deadline = asyncio.timeout_at(self._notices_until if notice else self._calls_until)
        try:
            async with deadline as scope:
                self._scopes[scope] = notice
                try:
                    return await self._retrying(
                        callback, args, kwargs, endpoint, data, rate_limit_args
                    )
                finally:
                    del self._scopes[scope]
        except TimeoutError:
            if deadline.expired():
                raise ShuttingDown(f"{endpoint} given up: the bot is stopping") from None
            raise

    async def _retrying(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
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


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One row of inline buttons, or None for none."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.callback_data) for b in buttons]]
    )


async def reply_html(message: Message, html: str, buttons: Sequence[Button] = ()) -> Message:
    """Reply to `message` with rendered HTML (quoting it, no link previews) and its buttons;
    the message sent."""
    return await message.reply_html(
        html, reply_markup=keyboard(buttons), do_quote=True, disable_web_page_preview=True
    )


class AnswersUnderWay:
    """The tasks working on an answer, per chat: a chat told that the bot is restarting is
    told after the answers already on their way to it, never before one."""

    def __init__(self) -> None:
        self._tasks: dict[int, set[asyncio.Task[Any]]] = {}

    @contextmanager
    def answering(self, chat_id: int) -> Iterator[None]:
        """The current task works on an answer to `chat_id` inside this block."""
        task = asyncio.current_task()
        tasks = self._tasks.setdefault(chat_id, set())
        if task is not None:
            tasks.add(task)
        try:
            yield
        finally:
            tasks.discard(task)  # type: ignore[arg-type]
            if not tasks:
                self._tasks.pop(chat_id, None)

    async def settled(self, chat_id: int, timeout: float) -> None:
        """Wait (at most `timeout`) until the answers under way to `chat_id` are sent or
        given up."""
        others = {t for t in self._tasks.get(chat_id, ()) if t is not asyncio.current_task()}
        if others:
            await asyncio.wait(others, timeout=timeout)


async def stop_notice_once(
    message: Message, text: str, told: set[tuple[int, int | None]], thread: int | None = None
) -> None:
    """Send `text` to a chat whose question will not be answered because the bot is stopping:
    once per chat, and once per `thread` given (a forum topic, a channel post's comments),
    where those asking read (`told` holds the chats and threads told), however many of its
    questions were dropped. A supergroup's reply chains are no threads: a notice in each had
    flooded the group."""
    where = (message.chat_id, thread)
    if where in told:
        return
    told.add(where)
    try:
        with stop_notice():
            await message.reply_text(text, do_quote=True)
    except (ShuttingDown, TelegramError) as exc:
        log.warning("could not tell chat %s that the bot is restarting: %s", message.chat_id, exc)
