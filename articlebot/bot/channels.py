"""News channels: each post's article indexed as it arrives.

A channel the operator lists (ARTICLEBOT_CHANNELS) has its posts indexed, one article per post,
from the channel itself (the bot is its admin) or from the automatic forwards into its
discussion group, and every chat may be answered from them. A group whose admin turned
/autoindex on has the posts of the channel it discusses, and its admins' links, indexed for
that group alone: a group admin must not be able to feed what strangers are answered from.
Questions under the posts are answered by post_answers; the posts go to the index through
post_queue (queued, recorded, read again) and post_indexing (one post read and written).
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler, MessageHandler, TypeHandler, filters

from articlebot.bot.access import is_chat_admin, limited
from articlebot.bot.channel_state import ChannelState
from articlebot.bot.migration import was_allowed
from articlebot.bot.post_answers import InPostThread, keep_thread, learn_thread, on_thread_message
from articlebot.bot.post_queue import queue_post
from articlebot.bot.render import stripped_input
from articlebot.bot.state import BotContext
from articlebot.bot.threads import forwarded_post
from articlebot.ingest.posts import (
    MIN_POST_WORDS,
    PostArticle,
    PostRef,
    post_ref,
    version_at,
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


def _edited_to(message: Message, post: PostRef) -> PostArticle | None:
    """What an edited post now asks to index: its article, or nothing (an article-less
    PostArticle, which removes the one indexed before); None for a new post without one."""
    article = what_to_index(message)
    if article is None and (message.chat.type == ChatType.CHANNEL or message.is_automatic_forward):
        # A channel's post: not a member's chat in an /autoindex group, which is no post.
        log.info(
            "post %s has no link and fewer than %d words of its own: not indexed",
            post.link,
            MIN_POST_WORDS,
        )
    if article is None and message.edit_date is not None:
        return PostArticle(post, None, None, version_at=version_at(message), edited=True)
    return None if article is None else replace(article, post=post)


def _delivered_post(update: Update, seen: ChannelState) -> str | None:
    """The doc_id of the post an update delivers (a listed channel's post or its edit, or a
    channel post's automatic forward into a group), else None."""
    posted = update.channel_post or update.edited_channel_post
    if posted is not None:
        chat = posted.chat
        return post_ref(posted).doc_id if seen.is_listed(chat.id, chat.username) else None
    message = update.message or update.edited_message
    if message is None or message.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return None
    post = forwarded_post(message)
    return None if post is None else seen.as_seen_in(message.chat.id, post).doc_id


async def note_delivery(update: Update, context: BotContext) -> None:
    """First of all handlers, before anything waits: a post's delivery is noted, so that a
    question under the post fetched in the same batch, handled beside it, waits for it."""
    seen = context.bot_data.channels
    doc_id = _delivered_post(update, seen)
    if doc_id is not None:
        seen.delivered(doc_id)


async def on_channel_post(update: Update, context: BotContext) -> None:
    """A post (or an edit) in a channel the bot administers: indexed when the channel is opted
    in, ignored otherwise. Nothing is ever said in the channel."""
    message = update.channel_post or update.edited_channel_post
    if message is None:
        return
    chat, seen = message.chat, context.bot_data.channels
    if not seen.is_listed(chat.id, chat.username):
        return  # a channel opted in by a group's /autoindex is indexed from that group only
    post = post_ref(message)
    try:
        article = _edited_to(message, post)
        if article is not None:
            await queue_post(context.bot_data, article)
    finally:
        seen.handled(post.doc_id)


async def on_group_post(update: Update, context: BotContext) -> None:
    """In a group: a channel post's automatic forward (its thread is remembered; its article
    indexed when the channel is listed, or for this group alone with /autoindex on), or, with
    /autoindex on, a link an admin posted (for this group alone)."""
    message = update.message or update.edited_message
    if message is None:
        return
    state = context.bot_data
    delivered = _delivered_post(update, state.channels)
    try:
        await _on_group_post(update, context, message)
    finally:
        if delivered is not None:
            state.channels.handled(delivered)


async def _on_group_post(update: Update, context: BotContext, message: Message) -> None:
    state = context.bot_data
    allowed = state.settings.allowed_chats
    if (
        allowed
        and message.chat.id not in allowed
        and not await was_allowed(update, context, allowed)
    ):
        return  # edits reach this before the gate that turns other chats away
    post = forwarded_post(message)
    if post is not None:
        post = state.channels.as_seen_in(message.chat.id, post)
        state.channels.remember_root(message.chat.id, message.message_id, post)
        await keep_thread(state, message.chat.id, message.message_id, post)
        if post.group is not None and not await state.off_loop(
            state.chats.autoindex, message.chat.id
        ):
            return
        article = _edited_to(message, post)
        if article is not None:
            await queue_post(state, article)
        return
    if any(e.type == MessageEntity.BOT_COMMAND and e.offset == 0 for e in message.entities):
        return  # "/add URL", "/ask ... URL": the command's, no link posted to the group
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
    wanted = stripped_input(" ".join(context.args or [])).lower()
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
    """Register the channel handlers: edits first (the gate drops edits), threads learnt from
    the chat state after the gate, thread questions before the usual question handlers, posts
    and links after them."""
    groups = filters.ChatType.GROUPS
    # First of all: a post's delivery is noted before any handler of any update waits.
    application.add_handler(TypeHandler(Update, note_delivery), group=-5)
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & groups, on_group_post), group=-3
    )
    # After the gate, before the thread handlers: a thread whose post another replica saw.
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & groups, learn_thread), group=-1
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
