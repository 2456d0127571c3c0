"""News channels: each post's article indexed as it arrives.

A channel the operator lists (ARTICLEBOT_CHANNELS) has its posts indexed, one article per post,
from the channel itself (the bot is its admin) or from the automatic forwards into its
discussion group, and every chat may be answered from them. A group whose admin turned
/autoindex on has the posts of the channel it discusses, and its admins' links, indexed for
that group alone: a group admin must not be able to feed what strangers are answered from.
Questions under the posts are answered by post_answers.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from dataclasses import replace

from telegram import Message, Update
from telegram.ext import Application, CommandHandler, JobQueue, MessageHandler, filters

from articlebot.bot.access import is_chat_admin, limited
from articlebot.bot.channel_state import WaitingPost
from articlebot.bot.post_answers import InPostThread, on_thread_message
from articlebot.bot.state import BotContext, BotState
from articlebot.bot.threads import forwarded_post
from articlebot.config import Settings
from articlebot.index.store import IndexStoreError
from articlebot.ingest.documents import Document, DocumentError
from articlebot.ingest.fetch import PageGone, fetch_article
from articlebot.ingest.posts import (
    PostArticle,
    PostRef,
    linked_document,
    post_ref,
    text_document,
    what_to_index,
)

log = logging.getLogger(__name__)

AUTOINDEX_HINT = (
    "/autoindex on: the links this group's admins post, and the posts of the channel this "
    "group discusses, become articles I answer from in this group (no other chat sees them). "
    "/autoindex off stops it."
)
AUTOINDEX_ON = (
    "From now on the links this group's admins post, and the posts of the channel this group "
    "discusses, are indexed as they arrive, for this group only. Questions under a post are "
    "answered from its article."
)
AUTOINDEX_OFF = "New posts and links here are no longer indexed."
AUTOINDEX_ADMINS_ONLY = "Only this group's admins can turn /autoindex on or off."
AUTOINDEX_IN_GROUPS = "/autoindex is for groups: in a private chat, send me a link to add it."
#: How often the posts waiting to be read again are looked at (at most).
RETRY_CHECK_SECONDS = 30.0


def _signature(article: PostArticle) -> str:
    text = article.digest or hashlib.sha256((article.own_text or "").encode()).hexdigest()[:16]
    return f"{article.article_url or ''}\x00{text}"


async def read_post(article: PostArticle, settings: Settings) -> tuple[Document | None, bool]:
    """The article of a post: the page behind its link (fetched as /add fetches), else its own
    text when that is long enough; None when neither can be had. And whether its page may be
    read later (the site was down or slow; not when it says the page is gone)."""
    later = False
    if article.article_url is not None:
        try:
            page = await fetch_article(article.article_url, allow=settings.fetch_allow_hosts)
        except DocumentError as exc:
            log.info("post %s: cannot read its link: %s", article.post.link, exc)
            later = not isinstance(exc, PageGone)
        else:
            return linked_document(article, page), False
    return (text_document(article) if article.own_text is not None else None), later


async def index_post(state: BotState, article: PostArticle) -> bool:
    """Index one post's article, off the event loop, and serve it; a post seen before with the
    same link and text is not read again. A post edited to carry no article (a retraction, a
    link to a page that cannot be read) has its article removed. Whether it is to be read
    again later (its site was down or slow, or the index could not be written). Run by the one
    indexing worker, so one post at a time."""
    seen = state.channels
    doc_id = article.post.doc_id
    signature = _signature(article)
    try:
        if seen.indexed.get(doc_id) == signature:
            return False
        document, later = await read_post(article, state.settings)
        # A page that may be read later leaves the post unmarked: its next delivery (its
        # forward, the group's copy of an edit) reads it again, or the retry (post_retries).
        if document is None:
            earlier = seen.indexed.get(doc_id)
            if later and (earlier is None or earlier.startswith(f"{article.article_url}\x00")):
                return True  # an article read from the same link stays meanwhile
            if await _retract(state, doc_id):
                log.info("post %s no longer has an article: %s removed", article.post.link, doc_id)
            else:
                log.info("post %s has no article to index", article.post.link)
            if not later:
                seen.mark_indexed(doc_id, signature)
            return later
        async with state.index_lock:  # one index change at a time in this process
            from articlebot.collection import add_documents

            # The id is the post's own: it replaces the post's earlier article, also when the
            # channel's @username (and so the post's link) changed since.
            data, _ = await state.write(
                add_documents, state.settings, state.retriever.encoder, [document], replace=True
            )
            state.serve(data)
        if not later:  # the post's own text stood in for its page: the page is read next time
            seen.mark_indexed(doc_id, signature)
        log.info("indexed post %s as %s: %s", article.post.link, doc_id, document.title)
        return later
    except (DocumentError, IndexStoreError) as exc:
        log.warning("could not index post %s: %s", article.post.link, exc)
        # The index could not be written (the disk full, the database down): read it again.
        return isinstance(exc, IndexStoreError)


async def _retract(state: BotState, doc_id: str) -> bool:
    """Remove the article indexed for a post, if there is one; whether there was."""
    async with state.index_lock:
        if doc_id not in state.retriever.index.documents:
            return False
        from articlebot.collection import remove_documents

        try:
            data, _ = await state.write(remove_documents, state.settings, [doc_id])
        except DocumentError:
            return False  # removed meanwhile by another writer (an admin's /remove, the CLI)
        state.serve(data)
        return True


def _edited_to(message: Message, post: PostRef) -> PostArticle | None:
    """What an edited post now asks to index: its article, or nothing (an article-less
    PostArticle, which removes the one indexed before); None for a new post without one."""
    article = what_to_index(message)
    if article is None and message.edit_date is not None:
        return PostArticle(post, None, None)
    return None if article is None else replace(article, post=post)


async def queue_post(
    state: BotState, article: PostArticle, recorded: str | None = None, tries: int = 0
) -> None:
    """Hand a post to the indexing worker, recorded in the chat state until it is done (unless
    `recorded` already, as that text: one read back after a restart, dropped as it was
    written, whichever release wrote it); a full queue skips it (logged). A post whose page
    could not be read waits, recorded, to be read again (`tries` times so far). Questions
    under the post wait for it while it is queued or being indexed."""
    seen, doc_id, kept = state.channels, article.post.doc_id, recorded or article.to_json()
    if recorded is None:
        # Telegram has the update confirmed: a stop before the post is indexed must not lose it.
        await state.remember(state.chats.add_pending_post, doc_id, kept)
    waiting = seen.waiting.pop(doc_id, None)
    if waiting is not None:  # this delivery reads it now; an older version is not read again
        if waiting.kept == kept:
            tries = max(tries, waiting.tries)
        else:
            await _release(state, doc_id, waiting.kept)
    seen.newest[doc_id] = kept
    seen.expect(doc_id)

    async def job() -> None:
        stopped = again = False
        try:
            again = await index_post(state, article) and _read_again(state, article, kept, tries)
        except asyncio.CancelledError:
            stopped = True  # the bot is stopping: it stays recorded, for the next start
            raise
        finally:
            seen.finished(doc_id)
            if not stopped and not again:
                await _release(state, doc_id, kept)

    if not state.indexing.offer(f"post {article.post.link} ({doc_id})", job):
        seen.finished(doc_id)
        if not state.indexing.stopping:  # refused by a stop, it stays recorded for the next start
            await _release(state, doc_id, kept)


def _read_again(state: BotState, article: PostArticle, kept: str, tries: int) -> bool:
    """Set a post that could not be indexed to be read again, after twice as long as the time
    before; whether it is (not after post_retries tries, nor for a version edited since)."""
    seen, settings, doc_id = state.channels, state.settings, article.post.doc_id
    if tries >= settings.post_retries or seen.newest.get(doc_id) != kept:
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
    """The job: queue the posts whose page is due to be read again, those still to be read:
    still recorded (another replica on the same database may have indexed a newer edit, or
    an admin removed its article) and still wanted (_still_wanted); one that finds the
    indexing queue full waits its turn again."""
    state = context.bot_data
    due = state.channels.due(time.monotonic())
    if not due:
        return
    recorded = set(await state.off_loop(state.chats.pending_posts))
    for waiting in due:
        doc_id = waiting.article.post.doc_id
        if (doc_id, waiting.kept) not in recorded or not await _still_wanted(
            state, waiting.article
        ):
            await _release(state, doc_id, waiting.kept)
        elif state.indexing.waiting >= state.indexing.capacity:
            later = time.monotonic() + state.settings.post_retry_seconds
            state.channels.waiting[doc_id] = replace(waiting, due=later)
        else:
            await queue_post(state, waiting.article, recorded=waiting.kept, tries=waiting.tries)


async def forget_post(state: BotState, doc_id: str) -> None:
    """Read a post no more (an admin removed its article): not again later, nor at a start."""
    waiting = state.channels.waiting.pop(doc_id, None)
    if waiting is not None:
        await _release(state, doc_id, waiting.kept)


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
    still to be indexed (their channel still listed, or their group's /autoindex still on)."""
    queued = 0
    for doc_id, text in await state.off_loop(state.chats.pending_posts):
        try:
            article: PostArticle | None = PostArticle.from_json(text)
        except ValueError as exc:
            log.warning("a post kept to index cannot be read (%s): %.200s", exc, text)
            article = None
        if article is None or not await _still_wanted(state, article):
            await _release(state, doc_id, text)
            continue
        await queue_post(state, article, recorded=text)
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


async def on_channel_post(update: Update, context: BotContext) -> None:
    """A post (or an edit) in a channel the bot administers: indexed when the channel is opted
    in, ignored otherwise. Nothing is ever said in the channel."""
    message = update.channel_post or update.edited_channel_post
    if message is None:
        return
    chat = message.chat
    if not context.bot_data.channels.is_listed(chat.id, chat.username):
        return  # a channel opted in by a group's /autoindex is indexed from that group only
    article = _edited_to(message, post_ref(message))
    if article is not None:
        await queue_post(context.bot_data, article)


async def on_group_post(update: Update, context: BotContext) -> None:
    """In a group: a channel post's automatic forward (its thread is remembered; its article
    indexed when the channel is listed, or for this group alone with /autoindex on), or, with
    /autoindex on, a link an admin posted (for this group alone)."""
    message = update.message or update.edited_message
    if message is None:
        return
    state = context.bot_data
    allowed = state.settings.allowed_chats
    if allowed and message.chat.id not in allowed:
        return  # edits reach this before the gate that turns other chats away
    post = forwarded_post(message)
    if post is not None:
        post = state.channels.as_seen_in(message.chat.id, post)
        state.channels.remember_root(message.chat.id, message.message_id, post)
        if post.group is not None and not await state.off_loop(
            state.chats.autoindex, message.chat.id
        ):
            return
        article = _edited_to(message, post)
        if article is not None:
            await queue_post(state, article)
        return
    if not await state.off_loop(state.chats.autoindex, message.chat.id):
        return
    article = _edited_to(message, post_ref(message))
    if article is None or message.is_automatic_forward:
        return
    if article.article_url is None and message.edit_date is None:
        return  # an admin's talk is no article: the links they post are (as /autoindex says)
    if not await is_chat_admin(update, context):
        return  # only what the group's admins (anonymous ones too) post becomes an article
    await queue_post(state, replace(article, own_text=None))


async def autoindex(update: Update, context: BotContext) -> None:
    """/autoindex on|off (a chat admin): index this group's admins' links and the posts of the
    channel it discusses as they arrive."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    wanted = " ".join(context.args or []).strip().lower()
    if chat.type == chat.PRIVATE:
        reply = AUTOINDEX_IN_GROUPS
    elif wanted not in ("on", "off"):
        reply = AUTOINDEX_HINT
    elif not await is_chat_admin(update, context):
        reply = AUTOINDEX_ADMINS_ONLY
    else:
        state = context.bot_data
        await state.off_loop(state.chats.set_autoindex, chat.id, wanted == "on")
        reply = AUTOINDEX_ON if wanted == "on" else AUTOINDEX_OFF
    await message.reply_text(reply, do_quote=True)


def add_channel_handlers(application: Application) -> None:
    """Register the channel handlers: edits first (the gate drops edits), thread questions
    before the usual question handlers, posts and links after them."""
    groups = filters.ChatType.GROUPS
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & groups, on_group_post), group=-2
    )
    application.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POSTS, on_channel_post))
    # Of commands, a thread answers /ask and /summary from its post; /help, /articles and the
    # rest go on to their usual handlers (taken here, they went unanswered).
    thread_commands = filters.Regex(re.compile(r"^/(?:ask|summary)(?:@\w+)?\b", re.IGNORECASE))
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & groups
            & InPostThread(application)
            & (~filters.COMMAND | thread_commands),
            on_thread_message,
        )
    )
    application.add_handler(
        CommandHandler("autoindex", limited(autoindex), filters.UpdateType.MESSAGE)
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & groups, on_group_post), group=1
    )
