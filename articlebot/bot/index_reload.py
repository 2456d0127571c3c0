"""Serving a newer index that another process wrote (`articlebot add`, `articlebot index`):
a JobQueue job that looks at the index folder's small CURRENT pointer every second."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram.ext import JobQueue

from articlebot.bot.state import BotContext, BotState
from articlebot.index.store import (
    IndexStoreError,
    check_compatible,
    current_generation,
    same_recipe,
)
from articlebot.storage.local_index import load_index

log = logging.getLogger(__name__)

#: How often the index folder is looked at; a newer index is served within about this long.
RELOAD_CHECK_SECONDS = 1.0
#: Stands for "the database's current generation" where a folder would be named.
DATABASE = Path("<database>")


def newer_on_disk(state: BotState) -> Path | None:
    """The index generation on disk when it is not the one served (nor one found unusable
    before) and this process is not changing the index itself; else None."""
    served = state.retriever.index
    if state.index_lock.locked():
        return None
    if state.settings.database_url is not None:
        rejected = state.unusable_store
        newer = served.newer_generation() and (rejected is None or rejected.newer_generation())
        return DATABASE if newer else None
    try:
        live = current_generation(state.settings.index_dir)
    except IndexStoreError:
        return None
    if live is None or live == served.path or live == state.unusable_index:
        return None
    return live


async def serve_index_on_disk(state: BotState, live: Path) -> None:
    """Load the index on disk and serve it if it fits the served model; questions already
    running finish on the old one."""
    async with state.index_lock:
        served = state.retriever.index
        try:
            if live == DATABASE:
                from articlebot.storage.postgres.collection import open_store

                data = await asyncio.to_thread(
                    open_store, state.settings.database_url.get_secret_value()
                )
                if not same_recipe(data.manifest.recipe, served.manifest.recipe):
                    # Kept open to tell when a later generation is live: refused once per
                    # generation, not every second.
                    await state.keep_refused(data)
                    raise IndexStoreError("the database's index was built with another model")
            else:
                data = await asyncio.to_thread(load_index, state.settings.index_dir)
                check_compatible(data.manifest, served.manifest.recipe, state.settings.index_dir)
        except IndexStoreError as exc:
            log.warning("keeping the served index; the one on disk is not usable: %s", exc)
            state.unusable_index = live  # said once, not at every look
            return
        await state.keep_refused(None)
        state.serve(data)
    log.info("now serving %d document(s), %d passages", len(data.documents), len(data.passages))


async def follow_index_on_disk(context: BotContext) -> None:
    """The job: start serving a newer index on disk. Loading runs as its own task, so that
    the job returns at once and a long load never makes the scheduler skip runs."""
    state = context.bot_data
    if state.settings.database_url is not None:
        # A query, which waits while the server restarts: not on the event loop.
        live = await asyncio.to_thread(newer_on_disk, state)
    else:
        live = newer_on_disk(state)
    if live is not None:
        context.application.create_task(
            serve_index_on_disk(context.bot_data, live), name="serve the index on disk"
        )


def schedule_index_reload(job_queue: JobQueue) -> None:
    """Look for a newer index on disk every RELOAD_CHECK_SECONDS while the bot runs."""
    job_queue.run_repeating(
        follow_index_on_disk,
        interval=RELOAD_CHECK_SECONDS,
        first=RELOAD_CHECK_SECONDS,
        name="follow the index on disk",
        # A look missed while the event loop was busy is simply the next one.
        job_kwargs={"coalesce": True, "misfire_grace_time": None},
    )
