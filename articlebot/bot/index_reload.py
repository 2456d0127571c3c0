"""Serving a newer index that another process wrote (`articlebot add`, `articlebot index`):
a JobQueue job that looks at the index folder's small CURRENT pointer every few seconds."""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import JobQueue

from articlebot.bot.state import BotContext
from articlebot.index.store import IndexStoreError, check_compatible, current_generation, load_index

log = logging.getLogger(__name__)

#: How often the index folder is looked at; a newer index is served within about this long.
RELOAD_CHECK_SECONDS = 1.0


async def follow_index_on_disk(context: BotContext) -> None:
    """Serve the index on disk if it is newer than the one served and fits the served model;
    skipped while this process is changing the index itself."""
    state = context.bot_data
    served = state.retriever.index
    if served.path is None or state.index_lock.locked():
        return
    try:
        live = current_generation(state.settings.index_dir)
    except IndexStoreError:
        return
    if live is None or live == served.path or live == state.unusable_index:
        return
    async with state.index_lock:
        try:
            data = await asyncio.to_thread(load_index, state.settings.index_dir)
            check_compatible(
                data.manifest,
                served.manifest.model,
                served.manifest.chunking,
                served.manifest.embedding,
                state.settings.index_dir,
            )
        except IndexStoreError as exc:
            log.warning("keeping the served index; the one on disk is not usable: %s", exc)
            state.unusable_index = live  # said once, not at every look
            return
        state.retriever = state.retriever.with_index(data)
    log.info("now serving %d document(s), %d passages", len(data.documents), len(data.passages))


def schedule_index_reload(job_queue: JobQueue) -> None:
    """Look for a newer index on disk every RELOAD_CHECK_SECONDS while the bot runs."""
    job_queue.run_repeating(
        follow_index_on_disk,
        interval=RELOAD_CHECK_SECONDS,
        first=RELOAD_CHECK_SECONDS,
        name="follow index on disk",
    )
