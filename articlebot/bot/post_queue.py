"""Channel posts on their way to the index: handed to the indexing worker and recorded in the
chat state until done (a stop does not lose them: the next start queues them again), and read
again later, after 2, 4, 8 ... minutes, when their page was down or the index could not be
written."""

from __future__ import annotations

import asyncio
import logging
import time

from telegram.ext import JobQueue

from articlebot.bot.channel_state import WaitingPost
from articlebot.bot.post_indexing import group_owner, index_post
from articlebot.bot.state import BotContext, BotState
from articlebot.config import Settings
from articlebot.index.lock import WriteStopped
from articlebot.ingest.posts import PostArticle, is_post
from articlebot.storage.chat_state import REMOVED, PostVersion

log = logging.getLogger(__name__)

#: How often the posts waiting to be read again are looked at (at most).
RETRY_CHECK_SECONDS = 30.0


async def queue_post(
    state: BotState, article: PostArticle, recorded: str | None = None, tries: int = 0
) -> None:
    """Hand a post to the indexing worker, recorded in the chat state until it is done (unless
    `recorded` already, as that text: one read back after a restart, dropped as it was
    written, whichever release wrote it); a full queue keeps it waiting, recorded, for room
    (offer_waiting_posts; logged), but for the same version queued already. A post whose page
    could not be read waits, recorded, to be read again (`tries` times so far). Questions
    under the post wait for it while it is queued or being indexed."""
    if recorded is not None:
        await _queue_post(state, article, recorded, tries)
        return
    # New posts one at a time, in the order they came: the record's write runs in a thread,
    # and a later post whose write ended first took the queue's room before an earlier one.
    async with state.channels.arriving:
        await _queue_post(state, article, recorded, tries)


async def _recall_version(state: BotState, doc_id: str) -> None:
    """The newest version of the post `doc_id` the chat state keeps (seen before a restart, or
    by another replica), known again, and its removal by an admin through any replica; a
    failure to read it is logged, and what this process has seen stands."""
    try:
        kept = await state.off_loop(state.chats.post_version, doc_id)
    except Exception:
        log.warning("could not read the post's version from the chat state", exc_info=True)
        return
    if kept is None:
        return
    known = state.channels.versions.get(doc_id)
    if known is None or kept.digest == REMOVED or (kept.at, kept.edited) > known[:2]:
        state.channels.versions[doc_id] = (kept.at, kept.edited, kept.digest)


async def _queue_post(
    state: BotState, article: PostArticle, recorded: str | None, tries: int
) -> None:
    seen, doc_id, kept = state.channels, article.post.doc_id, recorded or article.to_json()
    # Read each time, not once: a replica sharing the chat state may have seen a newer version
    # or had the post removed since.
    await _recall_version(state, doc_id)
    before = seen.versions.get(doc_id)
    if seen.outdated(article):
        # Deliveries come out of order (webhooks): a post's automatic forward handled after
        # the post's edit brought the old version back, a story retracted by the edit too.
        why = "removed by an admin" if seen.removed(doc_id) else "older than one seen"
        log.info("post %s: %s; not indexed", article.post.link, why)
        if recorded is not None:
            await _release(state, doc_id, recorded)
        return
    if (newest := seen.versions.get(doc_id)) is not None and newest != before:
        # Kept over a restart: a late forward of the version before an edit (a withdrawn
        # story's) came after one and was indexed again.
        await state.remember(
            state.chats.set_post_version, doc_id, PostVersion(*newest), time.time()
        )
    if recorded is None:
        # Telegram has the update confirmed: a stop before the post is indexed must not lose it.
        await state.remember(state.chats.add_pending_post, doc_id, kept)
    waiting = seen.waiting.pop(doc_id, None)
    if waiting is not None:  # this delivery reads it now; an older version is not read again
        if waiting.kept == kept:
            tries = max(tries, waiting.tries)
        else:
            await _release(state, doc_id, waiting.kept)
    # Posts already waiting for room go first, those being offered now too (taken out of
    # `waiting` while their records are read): this one waits behind them.
    behind = recorded is None and (seen.waits_for_room(time.monotonic()) or seen.offering.locked())
    seen.newest[doc_id] = kept
    seen.expect(doc_id)
    removals = seen.removals.get(doc_id, 0)

    def wanted() -> bool:  # not removed by an admin since it was queued
        return seen.removals.get(doc_id, 0) == removals

    async def job() -> None:
        stopped = again = False
        if seen.queued.get(doc_id) == kept:
            del seen.queued[doc_id]
        try:
            again = (
                wanted()
                and await index_post(state, article, wanted)
                and _read_again(state, article, kept, tries)
            )
            if again:  # counted in the record too: a restart goes on from there
                await state.remember(state.chats.count_post_tries, doc_id, kept, tries + 1)
        except WriteStopped:
            # The bot stopping gave up the write: no try counted (a post cut off by a few
            # quick restarts was given up on as if its page were down), kept for the next start.
            stopped = True
        except asyncio.CancelledError:
            stopped = True  # the bot is stopping: it stays recorded, for the next start
            raise
        finally:
            seen.finished(doc_id)
            if not stopped and not again:
                await _release(state, doc_id, kept)

    owner, what = group_owner(article), f"post {article.post.link} ({doc_id})"
    if not behind and state.indexing.offer(what, job, owner=owner):
        seen.queued[doc_id] = kept
        return
    seen.finished(doc_id)
    if state.indexing.stopping:  # refused by a stop, it stays recorded for the next start
        return
    if seen.queued.get(doc_id) == kept:
        # The same version is in the queue: a listed channel's post reaches the bot twice,
        # as itself and as its automatic forward. (With room, the second is queued too: it
        # reads the page again at once if the first read fails.)
        return
    if owner is not None and _groups_crowded(state, owner):
        # A group posting links faster than they can be read loses the newest ones, and
        # says so in the log; a listed channel's posts all wait their turn.
        log.warning("post %s: its group has too many waiting; skipped", article.post.link)
        await _release(state, doc_id, kept)
        return
    # Kept, recorded, and offered again by offer_waiting_posts when there is room.
    seen.waiting[doc_id] = WaitingPost(article, kept, tries, time.monotonic())
    if behind:
        # Said as the queue says a refusal: the queue is full for it, as for those before it.
        log.warning("indexing queue full for %s: waits behind the posts before it", what)
        await offer_waiting_posts(state)
    else:
        log.info("post %s waits for room in the indexing queue", article.post.link)


#: How many times the queue's size one group's own posts, and all groups' together, may wait:
#: what strangers' groups may make the bot keep is bounded.
_GROUP_WAITING, _GROUPS_WAITING = 2, 4


def _groups_crowded(state: BotState, owner: int) -> bool:
    """Whether the group `owner`'s own posts, or all groups' together, wait in such numbers
    that another of theirs is not kept."""
    owners = [group_owner(waiting.article) for waiting in state.channels.waiting.values()]
    size = state.indexing.capacity
    groups = sum(o is not None for o in owners)
    return owners.count(owner) >= _GROUP_WAITING * size or groups >= _GROUPS_WAITING * size


def _read_again(state: BotState, article: PostArticle, kept: str, tries: int) -> bool:
    """Set a post that could not be indexed to be read again, after twice as long as the time
    before; whether it is (not after post_retries tries, nor for a version edited since, nor
    for a group's post when its groups' posts wait in numbers already)."""
    seen, settings, doc_id = state.channels, state.settings, article.post.doc_id
    owner = group_owner(article)
    crowded = owner is not None and _groups_crowded(state, owner)
    if tries >= settings.post_retries or seen.newest.get(doc_id) != kept or crowded:
        log.info("post %s: could not be indexed; not trying again", article.post.link)
        return False
    delay = settings.post_retry_seconds * 2**tries
    seen.waiting[doc_id] = WaitingPost(article, kept, tries + 1, time.monotonic() + delay)
    log.info("post %s: read again in %.0f s", article.post.link, delay)
    return True


async def _release(state: BotState, doc_id: str, kept: str) -> None:
    """Drop a post's record: it is done (indexed, skipped, or given up on)."""
    if state.channels.newest.get(doc_id) == kept:
        del state.channels.newest[doc_id]
    await state.remember(state.chats.drop_pending_post, doc_id, kept)


async def read_waiting_posts(context: BotContext) -> None:
    """The job: offer_waiting_posts, now and then (pages due to be read again)."""
    await offer_waiting_posts(context.bot_data)


async def offer_waiting_posts(state: BotState) -> None:
    """Queue the posts waiting for room, and those whose page is due to be read again, oldest
    first, those still to be read: still recorded (another replica on the same database may
    have indexed a newer edit, or an admin removed its article) and still wanted
    (_still_wanted); one that finds the indexing queue full waits its turn again. Run after
    each indexing job, when a new post is queued behind them, and by the read_waiting_posts
    job; one run at a time, so that none is overtaken while the records are read."""
    async with state.channels.offering:
        due = state.channels.due(time.monotonic())
        if not due:
            return
        try:
            await _offer(state, due)
        except Exception:
            # The chat state could not be read (a full disk, the database down): they wait on,
            # offered at the next look; nothing said in the chat (a channel's is published).
            log.exception("could not offer the posts waiting to be indexed; offered later")
            seen = state.channels
            for waiting in due:
                doc_id = waiting.article.post.doc_id
                if seen.newest.get(doc_id) == waiting.kept != seen.queued.get(doc_id):
                    seen.waiting.setdefault(doc_id, waiting)


async def _offer(state: BotState, due: list[WaitingPost]) -> None:
    recorded = {
        (kept.doc_id, kept.post) for kept in await state.off_loop(state.chats.pending_posts)
    }
    for waiting in due:
        doc_id = waiting.article.post.doc_id
        if (
            (doc_id, waiting.kept) not in recorded
            or state.channels.newest.get(doc_id) != waiting.kept  # an edit came meanwhile
            or not await _still_wanted(state, waiting.article)
        ):
            await _release(state, doc_id, waiting.kept)
        elif not state.indexing.has_room(group_owner(waiting.article)):
            # Due still: offered at the next look; unless a newer delivery (an edit) came while
            # the records were read, which is kept instead.
            state.channels.waiting.setdefault(doc_id, waiting)
        else:
            await queue_post(state, waiting.article, recorded=waiting.kept, tries=waiting.tries)


async def forget_post(state: BotState, doc_id: str) -> None:
    """Read a post no more (an admin removed its article): not again later, nor at a start,
    nor the versions queued or being read now (they write nothing), nor its late forward or a
    later edit (kept in the chat state, over a restart too)."""
    seen = state.channels
    if is_post(doc_id):
        removal = PostVersion(*seen.mark_removed(doc_id, int(time.time())))
        await state.remember(state.chats.set_post_version, doc_id, removal, time.time())
    waiting = seen.waiting.pop(doc_id, None)
    if waiting is not None:
        await _release(state, doc_id, waiting.kept)
    if doc_id in seen.pending:
        seen.removals[doc_id] = seen.removals.get(doc_id, 0) + 1
    if (newest := seen.newest.get(doc_id)) is not None:
        # Recorded and on its way (queued, being read, or being offered): released, it is
        # offered no more, nor read at the next start.
        await _release(state, doc_id, newest)


def schedule_post_retries(job_queue: JobQueue, settings: Settings) -> None:
    """Look for posts due to be read again (read_waiting_posts) while the bot runs."""
    job_queue.run_repeating(
        read_waiting_posts,
        interval=min(RETRY_CHECK_SECONDS, settings.post_retry_seconds / 2),
        name="read waiting posts",
        job_kwargs={"coalesce": True, "misfire_grace_time": None},
    )


async def queue_pending_posts(state: BotState) -> None:
    """Queue the posts a stop left waiting (recorded by `queue_post`), oldest first: those
    still to be indexed (their channel still listed, or their group's /autoindex still on),
    with the tries their page had before the stop."""
    queued = 0
    for doc_id, text, tries in await state.off_loop(state.chats.pending_posts):
        try:
            article: PostArticle | None = PostArticle.from_json(text)
        except ValueError as exc:
            log.warning("a post kept to index cannot be read (%s): %.200s", exc, text)
            article = None
        if article is None or not await _still_wanted(state, article):
            await _release(state, doc_id, text)
            continue
        await queue_post(state, article, recorded=text, tries=tries)
        queued += 1
    if queued:
        log.info("%d post(s) left waiting by the last stop queued to index", queued)


async def _still_wanted(state: BotState, article: PostArticle) -> bool:
    """Whether a post kept over a restart is still to be indexed: the operator may have taken
    its channel off ARTICLEBOT_CHANNELS, or its group turned /autoindex off, meanwhile."""
    post = article.post
    if post.channel and post.group is None:
        return state.channels.is_listed(post.chat_id, post.username)
    group = post.group if post.group is not None else post.chat_id
    return bool(await state.off_loop(state.chats.autoindex, group))
