"""Thin Telegram handlers: parse the update, retrieve off the event loop, render, reply."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError, TimedOut
from telegram.ext import ApplicationHandlerStop, ContextTypes

from articlebot.bot import render
from articlebot.bot.delivery import ShuttingDown, stop_notice
from articlebot.bot.limits import RateLimiter, Verdict
from articlebot.bot.questions import QuestionQueue, QueueClosed
from articlebot.config import Settings
from articlebot.index.store import IndexStoreError, check_compatible, current_generation
from articlebot.ingest.cleaning import paragraph_spans
from articlebot.ingest.posts import visible_in
from articlebot.retrieval.about import newest_article, summary_reply
from articlebot.retrieval.conversation import Request, Turn, answer_requests
from articlebot.retrieval.results import Answer
from articlebot.retrieval.retriever import Retriever
from articlebot.storage.local_index import load_index

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRIEVER_KEY = "retriever"
#: bot_data key of the QuestionQueue that answers every chat's questions.
QUESTIONS_KEY = "questions"
SETTINGS_KEY = "settings"
LIMITER_KEY = "rate_limiter"
STATS_KEY = "stats"
#: chat_data key: the doc_ids a chat's questions are limited to (absent: every article).
SCOPE_KEY = "scope"
LOCK_KEY = "index_lock"
CHECKED_KEY = "index_checked_at"
#: How often a question may look whether another process wrote a newer index.
RELOAD_CHECK_SECONDS = 2.0
#: chat_data key of the chat's last question and answer, for follow-up questions.
TURN_KEY = "last_turn"
NON_TEXT_HINT = "I can only read text. Send me your question as a message."
UNKNOWN_COMMAND = "I don't know that command. /help says what I can do."
EMPTY_ASK_HINT = "Ask me something after the command, like: /ask Who is Laurent Vinatier?"
STALE_CALLBACK = "This answer is out of date. Please ask your question again."
RATE_LIMITED = "You're asking faster than I can keep up. Please wait a minute and ask again."
CHAT_RATE_LIMITED = (
    "This chat is asking faster than I can keep up. Please wait a minute and ask again."
)
#: The alert for a button pressed over the limit (callback answers hold 200 characters).
SLOW_DOWN = "Slow down, please: wait a minute and try again."
NOT_ALLOWED = "Sorry, I'm not set up to answer in this chat."
RESTARTING = "I'm restarting; please ask again in a minute."
#: bot_data key: the chats told RESTARTING while stopping (once per chat).
TOLD_RESTARTING_KEY = "told_restarting"
#: bot_data key: the outside chats already told NOT_ALLOWED (once per chat per process).
TOLD_OUTSIDE_KEY = "told_outside"
#: bot_data key: (chat, user) -> (until, is admin), from getChatMember.
CHAT_ADMINS_KEY = "chat_admins"
#: How long whether somebody is a group's admin is remembered.
CHAT_ADMIN_SECONDS = 60.0
#: Entries kept in the per-process caches above before they stop growing or are cleared.
MAX_REMEMBERED = 10_000
ADMINS_ONLY = "That command is for the bot's admins."


def retriever_of(context: ContextTypes.DEFAULT_TYPE) -> Retriever:
    """The retriever loaded at start-up."""
    return context.application.bot_data[RETRIEVER_KEY]


def answer_batch(
    bot_data: dict[str, Any], requests: Sequence[Request]
) -> list[tuple[Answer, Turn, Retriever]]:
    """Answers (and turns to remember) for a batch of questions, with the retriever that gave
    them: the served index may change while they are being delivered."""
    retriever: Retriever = bot_data[RETRIEVER_KEY]
    settings: Settings | None = bot_data.get(SETTINGS_KEY)
    english_only = not (settings is not None and settings.multilingual_model)
    return [
        (answer, turn, retriever)
        for answer, turn in answer_requests(retriever, requests, english_only=english_only)
    ]


def questions_of(
    context: ContextTypes.DEFAULT_TYPE,
) -> QuestionQueue[Request, tuple[Answer, Turn, Retriever]]:
    """The queue that answers questions off the event loop."""
    return context.application.bot_data[QUESTIONS_KEY]


def scope_of(context: ContextTypes.DEFAULT_TYPE) -> list[str] | None:
    """The articles this chat's questions search, or None for all of them."""
    scope = context.chat_data.get(SCOPE_KEY) if context.chat_data is not None else None
    if not scope:
        return None
    documents = retriever_of(context).index.documents
    # An article removed since /use was given no longer narrows anything.
    return [doc_id for doc_id in scope if doc_id in documents] or None


def search_scope(context: ContextTypes.DEFAULT_TYPE, chat_id: int | None) -> list[str] | None:
    """The articles a question from chat `chat_id` searches (None: all of them): the chat's
    /use choice, and never another group's own posts (/autoindex)."""
    chosen = scope_of(context)
    documents = retriever_of(context).index.documents
    visible = visible_in(chosen or documents, chat_id)
    return None if chosen is None and len(visible) == len(documents) else visible


def _keyboard(answer: Answer, retriever: Retriever) -> InlineKeyboardMarkup | None:
    buttons = render.answer_buttons(answer, retriever.index.tag)
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.callback_data) for b in buttons]]
    )


async def deliver(send: Callable[[], Awaitable[T]]) -> T:
    """Run a Bot API call. Kept for its call sites: every call the Application's bot makes is
    retried the same way by its rate limiter (delivery.BotApiCalls)."""
    return await send()


def index_lock(context: ContextTypes.DEFAULT_TYPE) -> asyncio.Lock:
    """The lock that serializes changes to the served index."""
    return context.application.bot_data.setdefault(LOCK_KEY, asyncio.Lock())


async def follow_index_on_disk(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Serve a newer index that another process wrote (`articlebot add`, `articlebot index`).

    Checked at most every RELOAD_CHECK_SECONDS, by reading the small CURRENT pointer file.
    """
    bot_data = context.application.bot_data
    now = time.monotonic()
    if now - bot_data.get(CHECKED_KEY, 0.0) < RELOAD_CHECK_SECONDS:
        return
    bot_data[CHECKED_KEY] = now
    settings: Settings | None = bot_data.get(SETTINGS_KEY)
    served = retriever_of(context).index
    if settings is None or served.path is None or index_lock(context).locked():
        return
    try:
        live = current_generation(settings.index_dir)
    except IndexStoreError:
        return
    if live is None or live == served.path:
        return
    async with index_lock(context):
        try:
            data = await asyncio.to_thread(load_index, settings.index_dir)
            check_compatible(data.manifest, served.manifest.recipe, settings.index_dir)
        except IndexStoreError as exc:
            log.warning("keeping the served index; the one on disk is not usable: %s", exc)
            return
        bot_data[RETRIEVER_KEY] = retriever_of(context).with_index(data)
    log.info("now serving %d document(s), %d passages", len(data.documents), len(data.passages))


async def _answer(message: Message, question: str, context: ContextTypes.DEFAULT_TYPE) -> None:
    await follow_index_on_disk(context)
    memory = context.chat_data if context.chat_data is not None else {}
    try:
        # Encoding and search are CPU work: done off the event loop, with other chats' questions.
        scope = search_scope(context, message.chat_id)
        answer, memory[TURN_KEY], retriever = await questions_of(context).ask(
            Request(question, memory.get(TURN_KEY), scope)
        )
        articles = len(scope) if scope is not None else len(retriever.index.documents)
        await message.reply_html(
            render.answer_html(answer, articles),
            reply_markup=_keyboard(answer, retriever),
            do_quote=True,
            disable_web_page_preview=True,
        )
    except (QueueClosed, ShuttingDown):
        await tell_restarting(message, context)
        return
    stats = context.application.bot_data.setdefault(STATS_KEY, {"answered": 0, "not_answered": 0})
    stats["answered" if answer.answered else "not_answered"] += 1


def sender_id(update: Update) -> int | None:
    """Who a request is from: the user, or the chat a message was sent as (an anonymous group
    admin sends as the group, a channel's owner as the channel)."""
    message = update.effective_message
    if update.message is not None and message is not None and message.sender_chat is not None:
        return message.sender_chat.id
    user = update.effective_user
    return user.id if user is not None else None


async def admitted(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether to serve a request under the per-sender and per-chat rate limits; over them,
    the sender is told once per burst (a button gets an alert, an inline query no results)."""
    limiter: RateLimiter | None = context.application.bot_data.get(LIMITER_KEY)
    settings: Settings | None = context.application.bot_data.get(SETTINGS_KEY)
    sender = sender_id(update)
    if limiter is None or sender is None:
        return True
    if settings is not None and sender in settings.admin_ids:
        return True  # the bot's operators, adding a batch of articles, are not held back
    chat = update.effective_chat
    verdict = limiter.check(sender, chat_id=chat.id if chat is not None else None)
    if verdict is Verdict.ANSWER:
        return True
    if update.callback_query is not None:
        # Every press must be answered or the button spins; an alert, never a message.
        await update.callback_query.answer(SLOW_DOWN, show_alert=True)
    elif update.inline_query is not None:
        await update.inline_query.answer([], cache_time=0, is_personal=True)
    elif verdict is not Verdict.DROP and update.effective_message is not None:
        text = RATE_LIMITED if verdict is Verdict.WARN else CHAT_RATE_LIMITED
        await update.effective_message.reply_text(text, do_quote=True)
    return False


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def limited(handler: Handler) -> Handler:
    """`handler`, run only for requests within the rate limits."""

    @functools.wraps(handler)
    async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await admitted(update, context):
            await handler(update, context)

    return run


async def tell_restarting(message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell a chat whose question will not be answered, because the bot is stopping, to ask
    again: once per chat, however many of its questions were dropped."""
    told: set[int] = context.application.bot_data.setdefault(TOLD_RESTARTING_KEY, set())
    if message.chat_id in told:
        return
    told.add(message.chat_id)
    try:
        with stop_notice():
            await message.reply_text(RESTARTING, do_quote=True)
    except (ShuttingDown, TelegramError) as exc:
        log.warning("could not tell chat %s that the bot is restarting: %s", message.chat_id, exc)


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs first: edits, other bots and chats outside the allow-list end here.

    A message sent as a chat (an anonymous group admin, or a member posting as their channel)
    comes from one of Telegram's helper bots, and is kept: a person wrote it.
    """
    user = update.effective_user
    sent_as_chat = update.message is not None and update.message.sender_chat is not None
    if update.edited_message is not None or (user is not None and user.is_bot and not sent_as_chat):
        raise ApplicationHandlerStop
    settings: Settings | None = context.application.bot_data.get(SETTINGS_KEY)
    if settings is None or not settings.allowed_chats:
        return
    if update.inline_query is not None:
        # An inline query has no chat: it is served when the asker's private chat is allowed.
        if update.inline_query.from_user.id not in settings.allowed_chats:
            await update.inline_query.answer([], cache_time=0, is_personal=True)
            raise ApplicationHandlerStop
        return
    chat = update.effective_chat
    if chat is None or chat.id in settings.allowed_chats:
        return
    told: set[int] = context.application.bot_data.setdefault(TOLD_OUTSIDE_KEY, set())
    message = update.effective_message
    if settings.outside_chats == "leave" and message is not None and chat.id not in told:
        # Said once per chat; a full set means silence rather than growing without bound.
        if len(told) < MAX_REMEMBERED:
            told.add(chat.id)
            log.info("not serving chat %s: not in the allowed chats", chat.id)
            await message.reply_text(NOT_ALLOWED)
        if chat.type != "private":
            await context.bot.leave_chat(chat.id)
    raise ApplicationHandlerStop


async def is_chat_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the sender may manage this chat: anyone in a private chat; in a group its admins
    (an anonymous admin writes as the group itself) and the bot's admins."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or chat.type == "private":
        return True
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # a channel a member posts as is not an admin
    if user is None:
        return False
    settings: Settings | None = context.application.bot_data.get(SETTINGS_KEY)
    if settings is not None and user.id in settings.admin_ids:
        return True
    cache: dict[tuple[int, int], tuple[float, bool]] = context.application.bot_data.setdefault(
        CHAT_ADMINS_KEY, {}
    )
    now = time.monotonic()
    known = cache.get((chat.id, user.id))
    if known is not None and known[0] > now:
        return known[1]
    member = await context.bot.get_chat_member(chat.id, user.id)
    admin = member.status in ("creator", "administrator")
    if len(cache) >= MAX_REMEMBERED:
        cache.clear()  # entries live a minute: dropping them all costs a few lookups
    cache[(chat.id, user.id)] = (now + CHAT_ADMIN_SECONDS, admin)
    return admin


async def admin_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Message | None:
    """The message of an admin's command; anyone else is told it is for admins (None)."""
    message = update.effective_message
    if message is None:
        return None
    settings: Settings | None = context.application.bot_data.get(SETTINGS_KEY)
    user = update.effective_user
    if settings is None or user is None or user.id not in settings.admin_ids:
        await deliver(lambda: message.reply_text(ADMINS_ONLY))
        return None
    return message


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats (admins only): what is served and how many questions were answered."""
    message = await admin_message(update, context)
    if message is None:
        return
    index = retriever_of(context).index
    counts = context.application.bot_data.get(STATS_KEY, {"answered": 0, "not_answered": 0})
    await deliver(
        lambda: message.reply_text(
            f"{len(index.documents)} documents, {len(index.passages)} passages. "
            f"Since start: {counts['answered']} answered, {counts['not_answered']} not in the "
            "articles."
        )
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help."""
    if update.effective_message is None:
        return
    documents = list(retriever_of(context).index.documents.values())
    await update.effective_message.reply_html(
        render.help_html(documents, context.bot.username or ""), disable_web_page_preview=True
    )


async def source(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/source: the indexed articles."""
    if update.effective_message is None:
        return
    documents = list(retriever_of(context).index.documents.values())
    await update.effective_message.reply_html(
        render.sources_html(documents), disable_web_page_preview=True
    )


async def summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/summary [ID]: the article's title and its most central sentences.

    Without an id: the chat's /use article, else the newest article (the one an admin just
    added is the one people ask about), saying which it was and how to pick another when there
    are several: a list to pick from would cost a second message before any summary.
    """
    message = update.effective_message
    if message is None:
        return
    await follow_index_on_disk(context)
    index = retriever_of(context).index
    wanted = " ".join(context.args or []).strip()
    if wanted and wanted not in index.documents:
        await message.reply_text(f"There is no article with id {wanted}. /articles lists them.")
        return
    scope = search_scope(context, message.chat_id)
    doc_id = wanted or newest_article(index, scope)
    if doc_id is None:
        await message.reply_text("No articles are indexed yet.")
        return
    text = render.reply_html(summary_reply(index, doc_id))
    if not wanted and len(scope or index.doc_order) > 1:
        text += "\n\n<i>The newest article. /articles lists the others: /summary ID.</i>"
    await message.reply_html(text, disable_web_page_preview=True)


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask QUESTION, in any chat."""
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or []).strip()
    if not question:
        await message.reply_text(EMPTY_ASK_HINT, do_quote=True)
        return
    await _answer(message, question, context)


async def private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every text message in a private chat is a question."""
    message = update.effective_message
    if message is not None and message.text:
        await _answer(message, message.text, context)


def _addressed_question(message: Message, bot_id: int, username: str) -> str | None:
    """The question in a group message that mentions or replies to the bot, else None."""
    text = message.text or ""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    if not username:
        return None
    mentions = message.parse_entities(["mention"]).values()
    if any(m.lower() == f"@{username.lower()}" for m in mentions):
        return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()
    return None


async def group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups, answer mentions and replies to the bot's messages; stay silent otherwise."""
    message = update.effective_message
    if message is None:
        return
    question = _addressed_question(message, context.bot.id, context.bot.username or "")
    if question is None or not await admitted(update, context):
        return
    if not question:
        await message.reply_text(EMPTY_ASK_HINT, do_quote=True)
        return
    await _answer(message, question, context)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have, in a private chat (in groups it may be another bot's)."""
    if update.effective_message is not None:
        await deliver(lambda: update.effective_message.reply_text(UNKNOWN_COMMAND))


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice notes in a private chat get a one-line hint."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(NON_TEXT_HINT)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """'More' and 'Paragraph' buttons under an answer."""
    query = update.callback_query
    if query is None or not await admitted(update, context):
        return
    retriever = retriever_of(context)
    index = retriever.index
    action = render.parse_callback(query.data)
    if (
        action is None
        or action.tag != index.tag
        or any(row >= len(index.passages) for row in action.rows)
        or query.message is None
        or not isinstance(query.message, Message)
    ):
        await query.answer(STALE_CALLBACK, show_alert=False)
        return
    await query.answer()
    if action.kind == "more":
        text = render.more_html([retriever.passage(row) for row in action.rows])
    else:
        passage = index.passages[action.rows[0]]
        document = index.documents[passage.doc_id]
        spans = paragraph_spans(document.text, document.body_start)
        span = spans[passage.paragraph - 1] if passage.paragraph <= len(spans) else None
        start = min(passage.start, span.start) if span else passage.start
        end = max(passage.end, span.end) if span else passage.end
        text = render.paragraph_html(document, start, end, passage.paragraph)
    await query.message.reply_html(text, do_quote=True, disable_web_page_preview=True)


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot question in any chat: the top passages as inline results."""
    query = update.inline_query
    if query is None:
        return
    question = query.query.strip()
    if not question:
        await query.answer([], cache_time=300)
        return
    if not await admitted(update, context):
        return
    await follow_index_on_disk(context)
    try:
        scope = search_scope(context, None)
        answer, _, retriever = await questions_of(context).ask(Request(question, doc_ids=scope))
    except QueueClosed:
        return  # stopping: the query expires, and the user can type it again
    results: list[Any] = []
    if answer.reply is not None:
        results.append(
            InlineQueryResultArticle(
                id="reply",
                title=render.clip(answer.reply.lines[0], render.MAX_INLINE_TITLE_CHARS),
                description=render.clip(
                    " ".join(answer.reply.lines[1:]), render.MAX_INLINE_DESCRIPTION_CHARS
                )
                or None,
                input_message_content=InputTextMessageContent(
                    render.reply_html(answer.reply), parse_mode=ParseMode.HTML
                ),
            )
        )
    elif not answer.answered:
        articles = len(retriever.index.documents)
        results.append(
            InlineQueryResultArticle(
                id="none",
                title="Not in the article" if articles <= 1 else "Not in the articles",
                description="No passage answers this question.",
                input_message_content=InputTextMessageContent(
                    render.not_answered_html(articles), parse_mode=ParseMode.HTML
                ),
            )
        )
    else:
        for passage in answer.passages:
            results.append(
                InlineQueryResultArticle(
                    id=f"{passage.row}",
                    title=render.clip(passage.highlight_text, render.MAX_INLINE_TITLE_CHARS),
                    description=render.clip(
                        f"{passage.title}, paragraph {passage.paragraph}",
                        render.MAX_INLINE_DESCRIPTION_CHARS,
                    ),
                    input_message_content=InputTextMessageContent(
                        render.passage_html(passage), parse_mode=ParseMode.HTML
                    ),
                )
            )
    await query.answer(results, cache_time=60)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one error handler: log with the traceback; tell the asker something went wrong."""
    if isinstance(context.error, (ShuttingDown, QueueClosed)):
        log.info("not answered, the bot is stopping: %s", context.error)
        return
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(context.error, TimedOut):
        return  # the reply may well have arrived: an apology after it would only confuse
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(
                "Sorry, something went wrong while answering. Please try again."
            )
        except Exception:
            log.warning("could not send the error notice", exc_info=True)
