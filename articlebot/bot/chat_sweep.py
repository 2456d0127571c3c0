"""Deleting chat state nobody will read again: rate counts out of their window, last turns
too old for a follow-up, and the webhook inbox's handled updates older than a day. A JobQueue
job; without it the SQLite file or the PostgreSQL tables would grow with every request for as
long as the bot runs."""

from __future__ import annotations

import asyncio
import logging
import time

from telegram.ext import JobQueue

from articlebot.bot.channel_state import THREAD_POST_SECONDS
from articlebot.bot.inbox import InboxQueue
from articlebot.bot.state import BotContext, BotState
from articlebot.retrieval.conversation import CONTEXT_TTL_SECONDS

log = logging.getLogger(__name__)

#: How often old chat state is deleted. Rows wait at most this long past their use; with
#: several replicas each sweeps, which is harmless (a delete of what is already gone).
SWEEP_SECONDS = 10 * 60.0
#: The job's name, for finding it in the JobQueue.
SWEEP_JOB = "forget old chat state"


def forget_old_chat_state(state: BotState, now: float) -> int:
    """Delete the counts older than the rate window, the turns older than the follow-up
    memory's lifetime and the post threads older than THREAD_POST_SECONDS, as of `now`;
    return how many went."""
    return state.chats.forget_old(
        now - state.settings.rate_window, now - CONTEXT_TTL_SECONDS, now - THREAD_POST_SECONDS
    )


async def sweep_chat_state(context: BotContext) -> None:
    """The job: one sweep, off the event loop; a failure (the database restarting) is logged
    and the next run tries again."""
    state = context.bot_data
    try:
        deleted = await state.off_loop(forget_old_chat_state, state, time.time())
    except Exception:
        log.warning("could not delete old chat state; trying again later", exc_info=True)
        return
    queue = context.application.update_queue
    if isinstance(queue, InboxQueue):  # the ids of updates handled a day ago, too
        try:
            deleted += await asyncio.to_thread(queue.inbox.forget_old)
        except Exception:
            log.warning("could not delete old updates; trying again later", exc_info=True)
    log.debug("deleted %d old chat state row(s)", deleted)


def schedule_chat_sweep(job_queue: JobQueue) -> None:
    """Delete old chat state every SWEEP_SECONDS while the bot runs."""
    job_queue.run_repeating(
        sweep_chat_state,
        interval=SWEEP_SECONDS,
        first=SWEEP_SECONDS,
        name=SWEEP_JOB,
        job_kwargs={"coalesce": True, "misfire_grace_time": None},
    )
