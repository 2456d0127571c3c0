"""Polling beside a webhook or another poller: Telegram hands a bot's updates to one of them
only, and PTB met the other with a traceback at every retry (6 in 15 s). Each case is one
warning line saying what happened and what to do."""

from __future__ import annotations

import logging
import time

from telegram import Bot
from telegram.error import Conflict, TelegramError

from articlebot.masking import masked_url, without_token

log = logging.getLogger(__name__)

#: How long a conflict still going on is not said again: PTB retries within seconds.
CONFLICT_REPEAT_SECONDS = 600.0

#: Why getUpdates is refused, and what to do, for a webhook set and for another poller.
_WEBHOOK_SET = (
    "a webhook is set for this bot (`articlebot webhook set`) and Telegram sends the updates there",
    "run `articlebot webhook delete` for this bot to poll again, or stop it and serve the"
    " webhook with `articlebot run --webhook URL`",
)
_OTHER_POLLER = (
    "another process polls Telegram with this bot token and each update goes to one of them only",
    "stop the other `articlebot run` (or whatever else uses the token)",
)


def _conflict(error: Conflict) -> tuple[str, str]:
    """Why a Conflict from getUpdates came, and what to do about it."""
    return _WEBHOOK_SET if "webhook" in str(error).lower() else _OTHER_POLLER


def conflict_line(error: Conflict) -> str:
    """The warning for polling refused with `error`."""
    why, fix = _conflict(error)
    return f"polling gets no updates: {why}; {fix}"


class ConflictNotices:
    """Says each kind of polling conflict once, and again only if it still happens after
    CONFLICT_REPEAT_SECONDS."""

    def __init__(self) -> None:
        self._said: dict[str, float] = {}

    def say(self, error: Conflict) -> None:
        """Log the warning for `error` unless it was said a moment ago."""
        line = conflict_line(error)
        now = time.monotonic()
        if now - self._said.get(line, -CONFLICT_REPEAT_SECONDS) < CONFLICT_REPEAT_SECONDS:
            log.debug("polling conflict again: %s", error)
            return
        self._said[line] = now
        log.warning("%s", line)


async def warn_of_replaced_webhook(bot: Bot) -> None:
    """Before polling starts: PTB deletes a webhook that is set (Telegram would refuse to
    hand out updates otherwise), so its URL is said, once, instead of lost without a word."""
    info = await bot.get_webhook_info()
    if info.url:
        url = without_token(masked_url(info.url), bot.token)
        log.warning(
            "a webhook was set for this bot (%s): polling replaces it; to serve the webhook"
            " again, stop this bot and run `articlebot run --webhook URL`",
            url,
        )


class StopConfirmFailed(logging.Filter):
    """PTB's last getUpdates at a stop (confirming the updates fetched) refused because a
    webhook was set meanwhile or another process polls, or timed out: one warning line, not
    an ERROR with its traceback. Other records pass as they are."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record of a failed last call at the stop; never drops a record."""
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, TelegramError) and "one more time" in str(record.msg):
            # A conflict, or the call timing out on a loaded machine: one line either way (a
            # timeout was an ERROR with PTB's traceback and its advice to adjust timeouts).
            said = _conflict(error)[0] if isinstance(error, Conflict) else error.message
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = "could not confirm the updates fetched last at the stop: %s"
            record.args = (said,)
            record.exc_info, record.exc_text = None, None
        return True


class UnretrievedConflict(logging.Filter):
    """A getUpdates refused by such a conflict while the bot stops, left in PTB's polling task
    ("Task exception was never retrieved", logged by asyncio with its traceback): what it
    says was said while polling, so it is logged at DEBUG in one line. Other records pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record for an unretrieved Conflict; never drops a record."""
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, Conflict):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            record.msg, record.args = (
                "polling's last call at the stop was refused: %s",
                (_conflict(error)[0],),
            )
            record.exc_info, record.exc_text = None, None
        return True


def install_stop_filter() -> None:
    """Put StopConfirmFailed on PTB's Updater logger and UnretrievedConflict on asyncio's,
    once per process."""
    updater = logging.getLogger("telegram.ext.Updater")
    if not any(isinstance(f, StopConfirmFailed) for f in updater.filters):
        updater.addFilter(StopConfirmFailed())
    loop_log = logging.getLogger("asyncio")
    if not any(isinstance(f, UnretrievedConflict) for f in loop_log.filters):
        loop_log.addFilter(UnretrievedConflict())
