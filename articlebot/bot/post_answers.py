"""Questions under a channel post, answered from that post's article first, then, clearly
labelled, from the channel's other articles; follow-ups stay within the post's thread."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from html import escape

from telegram import Message, Update
from telegram.ext import Application, filters

from articlebot.bot import delivery, render
from articlebot.bot.access import admitted
from articlebot.bot.channel_state import THREAD_POST_SECONDS
from articlebot.bot.delivery import ShuttingDown
from articlebot.bot.handlers import buttons_for, empty_hint, refused_article, stop_notice
from articlebot.bot.inbox import InboxQueue
from articlebot.bot.questions import QueueClosed
from articlebot.bot.render import Button
from articlebot.bot.state import BotContext, BotState
from articlebot.bot.threads import Asked, Thread, question_in_thread, thread_root
from articlebot.ingest.posts import PostRef
from articlebot.retrieval.about import summary_reply
from articlebot.retrieval.conversation import Request, Turn
from articlebot.retrieval.intents import detect_intent, named_article
from articlebot.retrieval.results import Answer

log = logging.getLogger(__name__)

NOT_IN_POST = "This post's article doesn't say."
NO_POST_ARTICLE = "This post has no article I could read."
FROM_ELSEWHERE = "From another of the channel's articles:"
NOWHERE = "Nor do the channel's other articles."
NOR_ELSEWHERE = "The channel's other articles don't say either."
ONLY_ARTICLES = "I answer questions about posts with an article."
#: Under a post whose article waits for room in the indexing queue, or to be read again.
POST_WAITING = "This post's article is not read yet; please ask again in a few minutes."


@dataclass(frozen=True, slots=True)
class ThreadReply:
    """What to send under a post: the HTML, its buttons, the turn to remember, and the answer
    it shows (for the counts)."""

    html: str
    buttons: list[Button]
    turn: Turn | None
    answer: Answer | None


async def thread_reply(
    state: BotState, thread: Thread, question: str, previous: Turn | None
) -> ThreadReply:
    """The answer to a question under a post: from the post's article, else, labelled, the best
    passage of the channel's other articles."""
    doc_id = thread.post.doc_id
    index = state.retriever.index
    # The channel's other articles kept where this one is: everyone's, or this group's own.
    others = [d for d in index.doc_order if d.startswith(thread.post.prefix) and d != doc_id]
    own = None
    if doc_id in index.documents:
        own = await state.questions.ask(
            Request(question, previous, [doc_id], chat_id=thread.chat_id)
        )
        answer = own.answer
        # The post's own article first: its answer, or its closest passage offered as such
        # (a story on the same event elsewhere would answer with the other story's facts).
        if answer.outcome == "answer" or answer.reply is not None or not others:
            buttons = buttons_for(answer, own.retriever.index)
            return ThreadReply(render.answer_html(answer, 1), buttons, own.turn, answer)
    lead = NOT_IN_POST if own is not None else NO_POST_ARTICLE
    if own is None and detect_intent(question) is not None and named_article(question) is None:
        # "who wrote this?" asks of the post itself: another story's author is no answer.
        return ThreadReply(escape(NO_POST_ARTICLE), [], None, None)
    if others:
        elsewhere = await state.questions.ask(
            Request(question, None, others, chat_id=thread.chat_id)
        )
        off_subject = own is None or own.answer.outcome == "none"
        # Off the post's subject, another article's closest passage is shown too, said for
        # what it is, not "Nor do the channel's other articles" over it (a new user's "who is
        # the head librarian?" under the storm post, which the library post names).
        if elsewhere.answer.answered or (elsewhere.answer.outcome == "closest" and off_subject):
            if elsewhere.answer.answered and own is not None and own.answer.outcome == "closest":
                # Both, each said for what it is: the post's closest passage first, then the
                # answer another article gives, labelled.
                html = both_html(own.answer, elsewhere.answer, len(others))
                buttons = buttons_for(own.answer, own.retriever.index)
                return ThreadReply(html, buttons, own.turn, own.answer)
            html = framed_html(
                f"{escape(lead)}\n\n<b>{escape(FROM_ELSEWHERE)}</b>\n",
                elsewhere.answer,
                len(others),
            )
            buttons = buttons_for(elsewhere.answer, elsewhere.retriever.index)
            return ThreadReply(html, buttons, elsewhere.turn, elsewhere.answer)
    if own is not None:  # the post's own closest passage beats nothing at all
        after = f"\n{escape(NOWHERE)}" if others and own.answer.outcome == "none" else ""
        html = framed_html("", own.answer, 1, after)
        buttons = buttons_for(own.answer, own.retriever.index)
        return ThreadReply(html, buttons, own.turn, own.answer)
    # One line, said of the post and of the rest ("I couldn't find that in the articles"
    # after "This post has no article" read as two replies).
    rest = NOR_ELSEWHERE if others else ONLY_ARTICLES
    html = f"{escape(lead)} {escape(rest)}"
    return ThreadReply(html, [], None, None)


def framed_html(before: str, answer: Answer, articles: int, after: str = "") -> str:
    """`answer` rendered between `before` and `after`, its passage shortened (its Also line
    left out, as a last resort) where the three would not fit one message otherwise: a
    passage of emoji, which Telegram counts twice, fills one alone."""
    html = ""
    for shown, budget in (
        (answer, render.PASSAGE_BUDGET),
        (answer, render.PASSAGE_BUDGET // 3),
        (replace(answer, also=None), render.PASSAGE_BUDGET // 3),
    ):
        html = before + render.answer_html(shown, articles, budget) + after
        if render.fits(html):
            break
    return html


def both_html(own: Answer, elsewhere: Answer, others: int) -> str:
    """The post's closest passage, then another article's answer under `FROM_ELSEWHERE`,
    without their Also lines and with shorter passages where the two would not fit one
    message otherwise (the post's alone, as a last resort)."""
    own, elsewhere = replace(own, also=None), replace(elsewhere, also=None)
    label = f"\n\n<b>{escape(FROM_ELSEWHERE)}</b>\n"
    for budget in (render.PASSAGE_BUDGET, render.PASSAGE_BUDGET // 3):
        html = (
            render.answer_html(own, 1, budget)
            + label
            + render.answer_html(elsewhere, others, budget)
        )
        if render.fits(html):
            return html
    return render.answer_html(own, 1)


async def on_thread_message(update: Update, context: BotContext) -> None:
    """A message under a channel post: /ask, /summary, a mention, a reply to the bot or a
    question replying to the post is answered from that post's article."""
    message = update.effective_message
    if message is None:
        return
    state = context.bot_data
    thread = state.channels.thread(message)
    if thread is None:
        return
    for chat_id, root_id, post in state.channels.take_unsaved_roots():
        await keep_thread(state, chat_id, root_id, post)
    asked = question_in_thread(message, context.bot.id, context.bot.username or "")
    if asked is None or not await admitted(update, context):
        return
    if _about_the_post(asked, thread) and state.channels.on_its_way(
        thread.post.doc_id, state.retriever.index.documents
    ):
        # Waiting here for the post's article would hold one of the updates PTB handles at
        # once (up to 30 s each): comments under posts being read would stall every chat.
        state.answered_later.add(update.update_id)
        context.application.create_task(
            _reply_when_indexed(update, thread, asked, context), update=update
        )
        return
    await _reply(message, thread, asked, context)


#: The most post threads a start reads back from the chat state (the newest).
RESTORED_THREADS = 20_000


async def keep_thread(state: BotState, chat_id: int, root_id: int, post: PostRef) -> None:
    """Keep in the chat state that the thread rooted at `root_id` in `chat_id` is under
    `post`: after a restart, a reply to the bot's answer there (which names only the thread)
    is still known to be under the post, and answered from its article."""
    await state.remember(state.chats.set_thread_post, chat_id, root_id, post.to_json(), time.time())


async def learn_thread(update: Update, context: BotContext) -> None:
    """Before the thread handlers: a message for the bot in a reply thread whose post this
    process has not seen (another replica took the post's automatic forward, or the thread is
    older than those read back at start) learns the post kept for that thread in the chat
    state, so that it is answered from the post's article, not from every article."""
    message = update.message
    if message is None:
        return
    state = context.bot_data
    root = thread_root(message)
    if root is None or root in state.channels.roots.get(message.chat.id, {}):
        return
    if state.channels.thread(message) is not None:
        return  # a comment on the post itself names it
    if question_in_thread(message, context.bot.id, context.bot.username or "") is None:
        return  # not for the bot: nothing to look up
    since = time.time() - THREAD_POST_SECONDS
    try:
        kept = await state.off_loop(state.chats.thread_post, message.chat.id, root, since)
    except Exception as exc:
        # One line: the chat state down, every reply to the bot in every group would log a
        # traceback; the question is answered as outside a post's thread.
        log.warning("could not read a post thread kept in the chat state: %s", exc)
        return
    if kept is None:
        return
    try:
        post = PostRef.from_json(kept)
    except ValueError:
        return  # a damaged row: answered as a question outside a post's thread
    state.channels.remember_root(message.chat.id, root, post)


async def restore_threads(state: BotState) -> None:
    """The post threads kept in the chat state, known again at start (a failure to read them
    is logged: threads are then learnt again from comments replying to their posts)."""
    try:
        kept = await state.off_loop(
            state.chats.thread_posts, time.time() - THREAD_POST_SECONDS, RESTORED_THREADS
        )
    except Exception:
        log.warning("could not read the post threads kept in the chat state", exc_info=True)
        return
    for thread in kept:
        try:
            post = PostRef.from_json(thread.post)
        except ValueError:
            continue  # a damaged row: that thread is learnt again as before
        state.channels.remember_root(thread.chat_id, thread.root_id, post)


async def _reply_when_indexed(
    update: Update, thread: Thread, asked: Asked, context: BotContext
) -> None:
    state, message = context.bot_data, update.effective_message
    assert message is not None
    try:
        await state.channels.settled(thread.post.doc_id, state.stopping)
        if state.stopping.is_set() and thread.post.doc_id not in state.retriever.index.documents:
            await stop_notice(message, state, thread.root_id)  # the stop came before its post
            return
        await _reply(message, thread, asked, context)
    finally:
        # Done for the webhook inbox once answered: a replica stopped before that leaves it
        # to another, as any update.
        state.answered_later.discard(update.update_id)
        queue = context.application.update_queue
        if isinstance(queue, InboxQueue):
            await queue.finished(update.update_id)


async def _reply(message: Message, thread: Thread, asked: Asked, context: BotContext) -> None:
    state = context.bot_data
    indexed = state.retriever.index.documents
    post = thread.post.doc_id
    if (
        _about_the_post(asked, thread)
        and post not in indexed
        and state.channels.on_its_way(post, indexed)
    ):
        # Still queued or being read after the wait, or waiting for room: not read yet (it
        # was "no article I could read" while the article was on its way). An edit on its way
        # of a post indexed before is answered from the version indexed.
        await message.reply_text(POST_WAITING, do_quote=True)
        return
    if asked.command == "summary":
        await _thread_summary(message, thread, asked.question, context)
        return
    if not asked.question:
        await message.reply_text(
            empty_hint(asked.command, context.bot.username or ""), do_quote=True
        )
        return
    async with state.turns.turn((message.chat_id, thread.root_id)):  # the thread's in order
        await _answer_in_thread(message, thread, asked.question, state)


def _about_the_post(asked: Asked, thread: Thread) -> bool:
    """Whether `asked` needs the post's own article: all but "/summary ID" of another."""
    return not (asked.command == "summary" and asked.question not in ("", thread.post.doc_id))


async def _answer_in_thread(
    message: Message, thread: Thread, question: str, state: BotState
) -> None:
    chat_id = message.chat_id
    try:
        with state.under_way.answering(chat_id):
            last = await state.off_loop(state.chats.thread_turn, chat_id, thread.root_id)
            reply = await thread_reply(state, thread, question, last)
            await delivery.reply_html(message, reply.html, reply.buttons)
    except (QueueClosed, ShuttingDown):
        await stop_notice(message, state, thread.root_id)
        return
    if reply.turn is not None:  # once the answer is out, as in handlers._answer
        await state.remember(state.chats.set_thread_turn, chat_id, thread.root_id, reply.turn)
    # Kept from its last question, not its post: a thread still talked in after 30 days is
    # still known to be under its post after a restart.
    await keep_thread(state, chat_id, thread.root_id, thread.post)
    if reply.answer is not None:
        state.counts.count(reply.answer)


async def _thread_summary(
    message: Message, thread: Thread, wanted: str, context: BotContext
) -> None:
    """/summary under a post: the post's article, or the one `wanted` names where this chat
    may read it (another group's own article is not there for it, as with /summary outside)."""
    if wanted and await refused_article(message, wanted, context):
        return
    index = context.bot_data.retriever.index
    doc_id = wanted or thread.post.doc_id
    if doc_id not in index.documents:
        await message.reply_text(NO_POST_ARTICLE, do_quote=True)
        return
    await delivery.reply_html(message, render.reply_html(summary_reply(index, doc_id)))


class InPostThread(filters.MessageFilter):
    """Messages in the comment thread of a post whose channel has articles here (or has one
    being indexed): those threads are answered from their posts; any other message goes on to
    the usual handlers."""

    def __init__(self, application: Application) -> None:
        super().__init__(name="InPostThread")
        self._application = application

    def filter(self, message: Message) -> bool:
        """Whether `message` is under a post of a channel the bot answers from."""
        state: BotState = self._application.bot_data
        thread = state.channels.thread(message)
        if thread is None or state.loaded is None:
            return False
        post, index = thread.post, state.loaded.index
        seen = state.channels
        if any(post.doc_id in held for held in (index.documents, seen.pending, seen.waiting)):
            return True
        if seen.being_delivered(post.doc_id):
            return True  # the channel's first post, fetched with this comment
        return any(doc_id.startswith(post.prefix) for doc_id in index.doc_order)
