"""News channels: each post's article indexed as it arrives, readers answered under the post.

A channel the operator lists (ARTICLEBOT_CHANNELS) or a group whose admin turned /autoindex on
has its posts indexed, one article per post: from the channel itself (the bot is its admin) or
from the automatic forwards into its discussion group. Questions in a post's comment thread are
answered from that post's article first, then, clearly labelled, from the channel's others.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable
from dataclasses import dataclass, field, replace
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from articlebot.bot import render
from articlebot.bot.delivery import ShuttingDown
from articlebot.bot.handlers import (
    EMPTY_ASK_HINT,
    RETRIEVER_KEY,
    SETTINGS_KEY,
    STATS_KEY,
    admitted,
    follow_index_on_disk,
    index_lock,
    is_chat_admin,
    limited,
    questions_of,
    retriever_of,
    tell_restarting,
)
from articlebot.bot.questions import QueueClosed
from articlebot.bot.threads import Thread, forwarded_post, question_in_thread, thread_of
from articlebot.config import Settings
from articlebot.index.store import IndexStoreError
from articlebot.ingest.documents import Document, DocumentError
from articlebot.ingest.fetch import fetch_article
from articlebot.ingest.posts import (
    PostArticle,
    PostRef,
    doc_prefix,
    linked_document,
    text_document,
    what_to_index,
)
from articlebot.retrieval.about import summary_reply
from articlebot.retrieval.conversation import Request, Turn
from articlebot.retrieval.results import Answer
from articlebot.retrieval.retriever import Retriever

log = logging.getLogger(__name__)

#: bot_data key of the ChannelState.
STATE_KEY = "channels"
#: chat_data key: a chat admin turned /autoindex on (True) or off (False) here.
AUTOINDEX_KEY = "autoindex"
#: chat_data key: each post thread's last question and answer, for follow-ups (root -> Turn).
THREAD_TURNS_KEY = "thread_turns"
#: Threads remembered per discussion group (their roots and their last turns); oldest go first.
MAX_THREADS = 1_000
#: Discussion groups whose threads are remembered.
MAX_GROUPS = 1_000
#: Posts whose indexing is tracked before the idle ones are forgotten.
MAX_POSTS = 10_000
#: How long a question under a post waits for that post's article to be indexed.
INDEXING_WAIT_SECONDS = 30.0

NOT_IN_POST = "This post's article doesn't say."
NO_POST_ARTICLE = "This post has no article I could read."
FROM_ELSEWHERE = "From another of the channel's articles:"
NOWHERE = "Nor do the channel's other articles."
AUTOINDEX_HINT = (
    "/autoindex on: the links this group's admins post, and the posts of the channel this "
    "group discusses, become articles I answer from. /autoindex off stops it."
)
AUTOINDEX_ON = (
    "From now on the links this group's admins post, and the posts of the channel this group "
    "discusses, are indexed as they arrive. Questions under a post are answered from its "
    "article."
)
AUTOINDEX_OFF = "New posts and links here are no longer indexed."
AUTOINDEX_ADMINS_ONLY = "Only this group's admins can turn /autoindex on or off."
AUTOINDEX_IN_GROUPS = "/autoindex is for groups: in a private chat, send me a link to add it."


@dataclass
class ChannelState:
    """What the bot has seen of channels and their discussion groups in this process."""

    #: discussion group -> (automatic forward's message id -> the channel post it copies).
    roots: OrderedDict[int, OrderedDict[int, PostRef]] = field(default_factory=OrderedDict)
    #: doc_id -> what was last indexed for that post (its link and text), to skip repeats: a
    #: post reaches a bot that is the channel's admin twice, as itself and as its forward.
    indexed: dict[str, str] = field(default_factory=dict)
    #: doc_id -> held while that post is being indexed (a question under it waits for it),
    #: for every post of an opted-in channel seen lately.
    busy: dict[str, asyncio.Lock] = field(default_factory=dict)

    def remember_root(self, group_id: int, forward_id: int, post: PostRef) -> None:
        """Remember that the thread rooted at `forward_id` in `group_id` is about `post`."""
        group = self.roots.setdefault(group_id, OrderedDict())
        self.roots.move_to_end(group_id)
        group[forward_id] = post
        while len(group) > MAX_THREADS:
            group.popitem(last=False)
        while len(self.roots) > MAX_GROUPS:
            self.roots.popitem(last=False)

    def thread(self, message: Message) -> Thread | None:
        """The post thread `message` is in, if it is in one."""
        thread = thread_of(message, self.roots.get(message.chat.id, {}))
        if thread is not None and thread.root_id not in self.roots.get(thread.chat_id, {}):
            # Learnt from a comment on the post itself: with privacy mode on, the bot never
            # sees the automatic forward, yet later replies in the thread name only its id.
            self.remember_root(thread.chat_id, thread.root_id, thread.post)
        return thread

    def lock(self, doc_id: str) -> asyncio.Lock:
        """The lock held while the post `doc_id` is indexed."""
        if doc_id not in self.busy and len(self.busy) >= MAX_POSTS:
            for idle in [d for d, lock in self.busy.items() if not lock.locked()]:
                del self.busy[idle]
        return self.busy.setdefault(doc_id, asyncio.Lock())

    async def settled(self, doc_id: str) -> None:
        """Wait (a while at most) until the post `doc_id` is not being indexed."""
        lock = self.busy.get(doc_id)
        if lock is None or not lock.locked():
            return
        try:
            async with asyncio.timeout(INDEXING_WAIT_SECONDS):
                async with lock:
                    pass
        except TimeoutError:
            log.warning("answering before %s is indexed: indexing takes too long", doc_id)


def state_of(application: Application) -> ChannelState:
    """The application's ChannelState."""
    return application.bot_data.setdefault(STATE_KEY, ChannelState())


def _settings(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.application.bot_data[SETTINGS_KEY]


def listed(settings: Settings, chat_id: int, username: str | None) -> bool:
    """Whether the operator listed a chat in ARTICLEBOT_CHANNELS (by id or @username)."""
    names = {entry.strip().lstrip("@").lower() for entry in settings.channels}
    names.discard("")
    return str(chat_id) in names or (username or "").lower() in names


def autoindex_on(application: Application, chat_id: int) -> bool:
    """Whether a chat admin turned /autoindex on in `chat_id`."""
    return bool(application.chat_data.get(chat_id, {}).get(AUTOINDEX_KEY))


def opted_in(
    application: Application, settings: Settings, chat_id: int, username: str | None
) -> bool:
    """Whether a chat's posts are indexed: listed by the operator, or /autoindex on there."""
    return listed(settings, chat_id, username) or autoindex_on(application, chat_id)


def _signature(article: PostArticle) -> str:
    text = hashlib.sha256((article.own_text or "").encode()).hexdigest()[:16]
    return f"{article.article_url or ''}\x00{text}"


async def read_post(article: PostArticle, settings: Settings) -> Document | None:
    """The article of a post: the page behind its link (fetched as /add fetches), else its own
    text when that is long enough; None when neither can be had."""
    if article.article_url is not None:
        try:
            page = await fetch_article(article.article_url, allow=settings.fetch_allow_hosts)
        except DocumentError as exc:
            log.info("post %s: cannot read its link: %s", article.post.link, exc)
        else:
            return linked_document(article, page)
    return text_document(article) if article.own_text is not None else None


async def index_post(context: ContextTypes.DEFAULT_TYPE, article: PostArticle) -> None:
    """Index one post's article, off the event loop, and serve it; a post seen before with the
    same link and text is not read again."""
    state = state_of(context.application)
    doc_id = article.post.doc_id
    signature = _signature(article)
    lock = state.lock(doc_id)
    try:
        async with lock:
            if state.indexed.get(doc_id) == signature:
                return
            settings = _settings(context)
            document = await read_post(article, settings)
            if document is None:
                log.info("post %s has no article to index", article.post.link)
                state.indexed[doc_id] = signature
                return
            async with index_lock(context):  # one index change at a time in this process
                from articlebot.collection import add_documents

                # The id is the post's own: it replaces the post's earlier article, also when
                # the channel's @username (and so the post's link) changed since.
                data, _ = await asyncio.to_thread(
                    add_documents, settings, retriever_of(context).encoder, [document], replace=True
                )
                context.application.bot_data[RETRIEVER_KEY] = retriever_of(context).with_index(data)
            state.indexed[doc_id] = signature
            log.info("indexed post %s as %s: %s", article.post.link, doc_id, document.title)
    except (DocumentError, IndexStoreError) as exc:
        log.warning("could not index post %s: %s", article.post.link, exc)


async def on_channel_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A post (or an edit) in a channel the bot administers: indexed when the channel is opted
    in, ignored otherwise. Nothing is ever said in the channel."""
    message = update.channel_post or update.edited_channel_post
    if message is None:
        return
    chat = message.chat
    if not opted_in(context.application, _settings(context), chat.id, chat.username):
        return
    article = what_to_index(message)
    if article is not None:
        await _quietly(index_post(context, article), message)


async def on_group_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group: a channel post's automatic forward (its thread is remembered; its article
    indexed when the channel is opted in), or, with /autoindex on, a link an admin posted."""
    message = update.message or update.edited_message
    if message is None:
        return
    settings = _settings(context)
    if settings.allowed_chats and message.chat.id not in settings.allowed_chats:
        return  # edits reach this before the gate that turns other chats away
    application = context.application
    post = forwarded_post(message)
    if post is not None:
        state_of(application).remember_root(message.chat.id, message.message_id, post)
        if not (
            opted_in(application, settings, post.chat_id, post.username)
            or autoindex_on(application, message.chat.id)
        ):
            return
        article = what_to_index(message)
        if article is not None:
            await _quietly(index_post(context, replace(article, post=post)), message)
        return
    if not autoindex_on(application, message.chat.id):
        return
    article = what_to_index(message)
    if article is None or message.is_automatic_forward:
        return
    if message.sender_chat is not None or not await is_chat_admin(update, context):
        return  # only what the group's admins post becomes an article
    await _quietly(index_post(context, article), message)


async def _quietly(work: Awaitable[None], message: Message) -> None:
    # An error must not reach the error handler: it would answer in the channel, or under a
    # post nobody asked about. It is logged instead.
    try:
        await work
    except Exception:
        log.exception("could not index post %s in chat %s", message.message_id, message.chat.id)


async def autoindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/autoindex on|off (a chat admin): index this group's admins' links and the posts of the
    channel it discusses as they arrive."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or context.chat_data is None:
        return
    wanted = " ".join(context.args or []).strip().lower()
    if chat.type == chat.PRIVATE:
        reply = AUTOINDEX_IN_GROUPS
    elif wanted not in ("on", "off"):
        reply = AUTOINDEX_HINT
    elif not await is_chat_admin(update, context):
        reply = AUTOINDEX_ADMINS_ONLY
    else:
        context.chat_data[AUTOINDEX_KEY] = wanted == "on"
        reply = AUTOINDEX_ON if wanted == "on" else AUTOINDEX_OFF
    await message.reply_text(reply, do_quote=True)


def _keyboard(answer: Answer, retriever: Retriever) -> InlineKeyboardMarkup | None:
    buttons = render.answer_buttons(answer, retriever.index.tag)
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.callback_data) for b in buttons]]
    )


def _thread_turns(context: ContextTypes.DEFAULT_TYPE) -> OrderedDict[int, Turn]:
    memory = context.chat_data if context.chat_data is not None else {}
    return memory.setdefault(THREAD_TURNS_KEY, OrderedDict())


@dataclass(frozen=True, slots=True)
class ThreadReply:
    """What to send under a post: the HTML, its buttons, and the turn to remember."""

    html: str
    keyboard: InlineKeyboardMarkup | None
    turn: Turn | None
    answered: bool


async def thread_reply(
    context: ContextTypes.DEFAULT_TYPE, thread: Thread, question: str, previous: Turn | None
) -> ThreadReply:
    """The answer to a question under a post: from the post's article, else, labelled, the best
    passage of the channel's other articles."""
    doc_id = thread.post.doc_id
    index = retriever_of(context).index
    prefix = doc_prefix(thread.post.chat_id, thread.post.channel)
    others = [d for d in index.doc_order if d.startswith(prefix) and d != doc_id]
    own: tuple[Answer, Turn, Retriever] | None = None
    if doc_id in index.documents:
        own = await questions_of(context).ask(Request(question, previous, [doc_id]))
        answer, turn, retriever = own
        if answer.answered or answer.reply is not None or not others:
            html = render.answer_html(answer, 1)
            return ThreadReply(html, _keyboard(answer, retriever), turn, answer.answered)
    lead = NOT_IN_POST if own is not None else NO_POST_ARTICLE
    if others:
        answer, turn, retriever = await questions_of(context).ask(Request(question, None, others))
        if answer.answered:
            html = (
                f"{escape(lead)}\n\n<b>{escape(FROM_ELSEWHERE)}</b>\n"
                f"{render.answer_html(answer, len(others))}"
            )
            return ThreadReply(html, _keyboard(answer, retriever), turn, True)
    if own is not None:  # the post's own closest passage beats nothing at all
        answer, turn, retriever = own
        html = render.answer_html(answer, 1)
        if others and answer.outcome == "none":
            html += f"\n{escape(NOWHERE)}"
        return ThreadReply(html, _keyboard(answer, retriever), turn, False)
    return ThreadReply(
        f"{escape(lead)} {render.not_answered_html(max(len(others), 2))}", None, None, False
    )


async def on_thread_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message under a channel post: /ask, /summary, a mention, a reply to the bot or a
    question replying to the post is answered from that post's article."""
    message = update.effective_message
    if message is None:
        return
    state = state_of(context.application)
    thread = state.thread(message)
    if thread is None:
        return
    asked = question_in_thread(message, context.bot.id, context.bot.username or "")
    if asked is None or not await admitted(update, context):
        return
    await state.settled(thread.post.doc_id)
    await follow_index_on_disk(context)
    try:
        if asked.command == "summary":
            await _thread_summary(message, thread, context)
            return
        if not asked.question:
            await message.reply_text(EMPTY_ASK_HINT, do_quote=True)
            return
        turns = _thread_turns(context)
        reply = await thread_reply(context, thread, asked.question, turns.get(thread.root_id))
        if reply.turn is not None:
            turns[thread.root_id] = reply.turn
            turns.move_to_end(thread.root_id)
            while len(turns) > MAX_THREADS:
                turns.popitem(last=False)
        await message.reply_html(
            reply.html, reply_markup=reply.keyboard, do_quote=True, disable_web_page_preview=True
        )
    except (QueueClosed, ShuttingDown):
        await tell_restarting(message, context)
        return
    stats = context.application.bot_data.setdefault(STATS_KEY, {"answered": 0, "not_answered": 0})
    stats["answered" if reply.answered else "not_answered"] += 1


async def _thread_summary(
    message: Message, thread: Thread, context: ContextTypes.DEFAULT_TYPE
) -> None:
    index = retriever_of(context).index
    if thread.post.doc_id not in index.documents:
        await message.reply_text(NO_POST_ARTICLE, do_quote=True)
        return
    html = render.reply_html(summary_reply(index, thread.post.doc_id))
    await message.reply_html(html, do_quote=True, disable_web_page_preview=True)


class InPostThread(filters.MessageFilter):
    """Messages in the comment thread of a post whose channel has articles here (or has one
    being indexed): those threads are answered from their posts; any other message goes on to
    the usual handlers."""

    def __init__(self, application: Application) -> None:
        super().__init__(name="InPostThread")
        self._application = application

    def filter(self, message: Message) -> bool:
        """Whether `message` is under a post of a channel the bot answers from."""
        state = state_of(self._application)
        thread = state.thread(message)
        retriever: Retriever | None = self._application.bot_data.get(RETRIEVER_KEY)
        if thread is None or retriever is None:
            return False
        post = thread.post
        if post.doc_id in retriever.index.documents or post.doc_id in state.busy:
            return True
        prefix = doc_prefix(post.chat_id, post.channel)
        return any(doc_id.startswith(prefix) for doc_id in retriever.index.doc_order)


def add_channel_handlers(application: Application) -> None:
    """Register the channel handlers: edits first (the gate drops edits), thread questions
    before the usual question handlers, posts and links after them."""
    groups = filters.ChatType.GROUPS
    application.add_handler(
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & groups, on_group_post), group=-2
    )
    application.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POSTS, on_channel_post))
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & groups & InPostThread(application), on_thread_message
        )
    )
    application.add_handler(
        CommandHandler("autoindex", limited(autoindex), filters.UpdateType.MESSAGE)
    )
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & groups, on_group_post), group=1
    )
