"""Each webhook update answered once across replicas: PTB's update queue, recording every update
in the database's inbox before the webhook answers Telegram 200 (storage/postgres/updates.py
says how), and a JobQueue job that renews this replica's leases, marks handled updates done and
takes over the updates of a replica that died."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import psycopg
from telegram import Bot, Update
from telegram.ext import JobQueue
from tornado.web import HTTPError

from articlebot.bot.state import BotContext
from articlebot.storage.postgres.updates import UpdateInbox

log = logging.getLogger(__name__)

#: The job's name, for finding it in the JobQueue.
INBOX_JOB = "keep the update inbox"


class InboxQueue(asyncio.Queue[Any]):
    """The Application's update queue, with every update recorded in the inbox first."""

    def __init__(self, inbox: UpdateInbox) -> None:
        super().__init__()
        self.inbox = inbox
        #: Updates this replica holds a lease on and has not finished.
        self.handling: set[int] = set()
        #: Finished updates not yet marked done in the database (it was unreachable).
        self.unmarked: set[int] = set()

    async def put(self, item: Any) -> None:
        """Record `item` (an Update) and queue it; a delivery of an update recorded before is
        dropped. When the database cannot record it, the webhook answers 503 and Telegram
        delivers it again later."""
        if isinstance(item, Update):
            try:
                new = await asyncio.to_thread(self.inbox.record, item.update_id, item.to_dict())
            except psycopg.Error as exc:
                log.warning("update %s not recorded, Telegram will retry: %s", item.update_id, exc)
                raise HTTPError(503, reason="the database is unavailable") from None
            if not new:
                log.info("update %s was delivered before: not handled again", item.update_id)
                return
            self.handling.add(item.update_id)
        await super().put(item)

    async def put_taken_over(self, payload: dict[str, Any], bot: Bot) -> None:
        """Queue an update taken over from a replica that died (already recorded)."""
        update = Update.de_json(payload, bot)
        self.handling.add(update.update_id)
        await super().put(update)

    async def finished(self, update_id: int) -> None:
        """Mark a handled update done (later, by the job, if the database is unreachable)."""
        self.handling.discard(update_id)
        self.unmarked.add(update_id)
        await self.mark_done()

    async def mark_done(self) -> None:
        """Mark the finished updates done; those that cannot be are kept for the next try."""
        ids = sorted(self.unmarked)
        if not ids:
            return
        try:
            await asyncio.to_thread(self.inbox.finish, ids)
        except psycopg.Error as exc:
            log.warning("could not mark %d update(s) done yet: %s", len(ids), exc)
            return
        self.unmarked.difference_update(ids)


async def keep_inbox(context: BotContext) -> None:
    """The job: mark done what was finished, renew the leases of what is still being handled,
    and take over the unfinished updates of replicas whose lease ran out."""
    queue = context.application.update_queue
    if not isinstance(queue, InboxQueue):
        return
    try:
        await queue.mark_done()
        if queue.handling:
            await asyncio.to_thread(queue.inbox.renew, sorted(queue.handling))
        taken = await asyncio.to_thread(queue.inbox.take_over)
    except psycopg.Error as exc:
        log.warning("could not look after the update inbox: %s", exc)
        return
    for payload in taken:
        log.warning("taking over update %s from a replica that stopped", payload.get("update_id"))
        await queue.put_taken_over(payload, context.bot)


def schedule_inbox(job_queue: JobQueue, lease_seconds: float) -> None:
    """Look after the inbox three times per lease: a lease is renewed well before it ends."""
    job_queue.run_repeating(
        keep_inbox,
        interval=lease_seconds / 3,
        first=lease_seconds / 3,
        name=INBOX_JOB,
        job_kwargs={"coalesce": True, "misfire_grace_time": None},
    )
