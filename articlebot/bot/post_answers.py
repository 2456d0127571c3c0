"""Questions under a channel post, answered from that post's article first, then, clearly
labelled, from the channel's other articles; follow-ups stay within the post's thread."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, ContextTypes, filters

from articlebot.bot import render
from articlebot.bot.channel_state import MAX_THREADS, ChannelState
from articlebot.bot.delivery import ShuttingDown
from articlebot.bot.handlers import (
    EMPTY_ASK_HINT,
    RETRIEVER_KEY,
    STATS_KEY,
    admitted,
    follow_index_on_disk,
    questions_of,
    retriever_of,
    tell_restarting,
)
from articlebot.bot.questions import QueueClosed
from articlebot.bot.threads import Thread, question_in_thread
from articlebot.ingest.posts import doc_prefix
from articlebot.retrieval.about import summary_reply
from articlebot.retrieval.conversation import Request, Turn
from articlebot.retrieval.results import Answer
from articlebot.retrieval.retriever import Retriever

log = logging.getLogger(__name__)

#: bot_data key of the ChannelState.
STATE_KEY = "channels"
#: chat_data key: each post thread's last question and answer, for follow-ups (root -> Turn).
THREAD_TURNS_KEY = "thread_turns"
NOT_IN_POST = "This post's article doesn't say."
NO_POST_ARTICLE = "This post has no article I could read."
FROM_ELSEWHERE = "From another of the channel's articles:"
NOWHERE = "Nor do the channel's other articles."


def state_of(application: Application) -> ChannelState:
    """The application's ChannelState."""
    return application.bot_data.setdefault(STATE_KEY, ChannelState())


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
