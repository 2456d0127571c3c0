"""Telegram handlers: each parses its update, hands the question to the question queue (off the
event loop), renders the result and replies through delivery."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from html import escape
from typing import Any

from telegram import (
    CallbackQuery,
    Chat,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError

from articlebot.bot import delivery, migration, render
from articlebot.bot.access import admin_message, admitted, is_bot_admin
from articlebot.bot.delivery import ShuttingDown
from articlebot.bot.paragraphs import paragraph_of
from articlebot.bot.questions import QueueClosed, Served, visible_scope
from articlebot.bot.state import BotContext, BotState
from articlebot.bot.threads import mentions_bot, said, without_mention
from articlebot.ingest.documents import Document
from articlebot.ingest.posts import visible_in
from articlebot.retrieval.about import newest_article, summary_reply
from articlebot.retrieval.conversation import CONTEXT_TTL_SECONDS, Request, Turn
from articlebot.retrieval.results import Answer
from articlebot.storage.index_store import IndexStore
from articlebot.typed_commands import asked_after, asks_for_more, bot_command

log = logging.getLogger(__name__)

NON_TEXT_HINT = "I can only read text. Send me your question as a message."
UNKNOWN_COMMAND = "I don't know that command. /help says what I can do."
EMPTY_ASK_HINT = "Ask me something after the command, like: /ask what is this about?"
#: A private message of only invisible format characters: nothing was asked.
EMPTY_PRIVATE_HINT = (
    "Send me your question as a message, like: who wrote this? /help says what I know."
)
#: The same for a mention of the bot with nothing after it (no command was sent).
EMPTY_MENTION_HINT = "Ask me something after my name, like: @{username} who wrote this?"
STALE_CALLBACK = "This answer is out of date. Please ask your question again."
NOT_HERE_CALLBACK = "That answer is not from this chat's articles."
SHOWN_ABOVE = "Already shown above."
#: "more" typed before any answer to go on from (or after a restart).
MORE_OF_NOTHING = "Ask a question first: “more” then shows further passages for its answer."
RESTARTING = "I'm restarting; please ask again in a minute."
#: Before the first answer after the article a chat chose with /use was removed.
USE_GONE = "The article this chat was set to with /use was removed; I now search every article."
#: An id of a post still queued, being read or waiting for room (as `POST_WAITING` under it).
ARTICLE_WAITING = "Article {id} is not read yet; please ask again in a few minutes."
SOMETHING_WENT_WRONG = "Sorry, something went wrong while answering. Please try again."


async def scope_of(chat_id: int, context: BotContext) -> list[str] | None:
    """The articles this chat's questions search, or None for all of them."""
    return (await _chosen(chat_id, context))[0]


async def _chosen(chat_id: int, context: BotContext) -> tuple[list[str] | None, bool]:
    """`scope_of`, and whether every article the chat chose with /use has been removed since
    (then nothing narrows its questions any more)."""
    state = context.bot_data
    stored = await state.off_loop(state.chats.scope, chat_id)
    documents = context.bot_data.retriever.index.documents
    scope = [doc_id for doc_id in stored if doc_id in documents] or None
    return scope, bool(stored) and scope is None


async def former_ids(chat_id: int | None, context: BotContext) -> tuple[int, ...]:
    """The ids a group had before it became a supergroup: its own articles are still its."""
    return await migration.former_ids(context.bot_data, chat_id)


async def visible_to(doc_ids: Iterable[str], chat_id: int, context: BotContext) -> list[str]:
    """Of `doc_ids`, those chat `chat_id` may be answered from (`visible_in`)."""
    return visible_in(doc_ids, chat_id, await former_ids(chat_id, context))


async def refused_article(
    message: Message, wanted: str, context: BotContext, quote: bool = True
) -> bool:
    """Whether the article `wanted` is not one this chat may read, said so in one line (another
    group's own article is not there for it, not even its summary)."""
    index = context.bot_data.retriever.index
    if wanted in index.documents and await visible_to([wanted], message.chat_id, context):
        return False
    await message.reply_text(await missing_article_line(wanted, message, context), do_quote=quote)
    return True


async def missing_article_line(wanted: str, message: Message, context: BotContext) -> str:
    """The reply to an id no article this chat may read has: a post of its still on its way
    is not read yet (it was "no article with id", then indexed), else the ids it may mean."""
    state = context.bot_data
    index = state.retriever.index
    if state.channels.on_its_way(wanted, index.documents) and await visible_to(
        [wanted], message.chat_id, context
    ):
        return ARTICLE_WAITING.format(id=wanted)
    visible = await visible_to(index.doc_order, message.chat_id, context)
    return render.no_article_line(wanted, visible)


async def search_scope(chat_id: int | None, context: BotContext) -> list[str] | None:
    """The articles a question from chat `chat_id` (None: no chat, an inline query) searches,
    or None for all of them: the chat's /use choice, and never another group's own posts."""
    chosen = await scope_of(chat_id, context) if chat_id is not None else None
    former = await former_ids(chat_id, context)
    return visible_scope(context.bot_data.retriever.index, chosen, chat_id, former)


async def _visible_documents(chat_id: int, context: BotContext) -> list[Document]:
    index = context.bot_data.retriever.index
    return [
        index.documents[doc_id] for doc_id in await visible_to(index.doc_order, chat_id, context)
    ]


async def _answer(message: Message, question: str, context: BotContext) -> None:
    state = context.bot_data
    async with state.turns.turn(message.chat_id):  # after the chat's question before it
        await _answer_in_turn(message, question, context)


async def _answer_in_turn(message: Message, question: str, context: BotContext) -> None:
    state = context.bot_data
    chat_id = message.chat_id
    if asks_for_more(question):
        await _typed_more(message, context)
        return
    # Only the /use choice here: what the chat may see is decided against the index the
    # question is answered from, which may be a newer one by then.
    scope, chosen_gone = await _chosen(chat_id, context)
    if chosen_gone:
        # Forgotten now, before the answer: a second question meanwhile is not told again,
        # and a failed delivery does not leave the chat told on every question.
        await state.remember(state.chats.set_scope, chat_id, [])
    try:
        with state.under_way.answering(chat_id):
            last = await _context_turn(message, state, context.bot.id)
            # Encoding and search are CPU work: off the event loop, with other chats' questions.
            former = await former_ids(chat_id, context)
            request = Request(question, last, scope, chat_id=chat_id, former=former)
            served = await state.questions.ask(request)
            html = render.answer_html(served.answer, served.articles)
            if chosen_gone:
                html = _with_note(USE_GONE, served.answer, served.articles)
            elif (narrowed := _narrowed_note(scope, served)) is not None:
                html = _with_note(narrowed, served.answer, served.articles)
            buttons = buttons_for(served.answer, served.retriever.index)
            sent = await delivery.reply_html(message, html, buttons)
    except (QueueClosed, ShuttingDown):
        await stop_notice(message, state)
        return
    # Remembered once the answer is out: nothing waits between the answer and its sending (a
    # stopping bot's notice comes after the answers sent), and an answer never delivered is
    # no context for a follow-up. In a group also under the answer (a reply to it follows it
    # up, whatever was asked since) and in a forum topic under the topic alone.
    _, topic = _group_context(message, context.bot.id)
    reply = served.answer.reply
    if reply is None or reply.kind not in ("chat", "language"):
        # "thanks" or a question to ask again in English leaves "more" paging the last answer.
        more = next((b.callback_data for b in buttons if render.is_more_data(b.callback_data)), "")
        state.answers.put((chat_id, topic), (sent.message_id, more))
    if message.chat.type in (Chat.GROUP, Chat.SUPERGROUP):
        await state.remember(state.chats.set_thread_turn, chat_id, sent.message_id, served.turn)
    if topic is not None:
        await state.remember(state.chats.set_thread_turn, chat_id, topic, served.turn)
    else:
        await state.remember(state.chats.set_last_turn, chat_id, served.turn)
    state.counts.count(served.answer)


async def _context_turn(message: Message, state: BotState, bot_id: int) -> Turn | None:
    """The turn a question in `message`'s chat follows up: in a group, that of the bot's answer
    it replies to, else its forum topic's; else the chat's last."""
    chat_id = message.chat_id
    replied, topic = _group_context(message, bot_id)
    if replied is not None:
        turn = await state.off_loop(state.chats.thread_turn, chat_id, replied)
        if turn is not None:
            return turn
    if topic is not None:
        return await state.off_loop(state.chats.thread_turn, chat_id, topic)
    return await state.off_loop(state.chats.last_turn, chat_id)


def _group_context(message: Message, bot_id: int) -> tuple[int | None, int | None]:
    """The bot's answer a group message replies to, and its forum topic, by message id (None
    when it replies to none, or is in no topic): the context of a follow-up asked there."""
    if message.chat.type not in (Chat.GROUP, Chat.SUPERGROUP):
        return None, None
    replied = message.reply_to_message
    answer = None
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        answer = replied.message_id
    topic = message.message_thread_id if message.is_topic_message else None
    return answer, topic


def _narrowed_note(scope: list[str] | None, served: Served) -> str | None:
    """For a question /use kept to some articles that found nothing there, while the index has
    others: that the chat asks only those, and how to ask them all (a reader had no hint why
    a question about another story went unanswered)."""
    answer, documents = served.answer, served.retriever.index.documents
    if scope is None or answer.outcome != "none" or answer.reply is not None:
        return None
    if not set(documents) - set(scope):
        return None
    titles = [render.clip(documents[doc_id].title, 80) for doc_id in scope if doc_id in documents]
    if not titles:
        return None
    which = f"“{titles[0]}”" if len(titles) == 1 else f"{len(titles)} articles"
    return f"This chat asks only {which} (set with /use); /use all asks every article."


def _with_note(note: str, answer: Answer, articles: int) -> str:
    """A note in italics above the answer, within one message: the answer's Also line, then
    its passage's context, give way when both would not fit."""
    lead = f"<i>{escape(note)}</i>\n\n"
    for shown, budget in (
        (answer, render.PASSAGE_BUDGET),
        (replace(answer, also=None), render.PASSAGE_BUDGET),
        (replace(answer, also=None), render.PASSAGE_BUDGET // 3),
    ):
        html = lead + render.answer_html(shown, articles, budget)
        if render.fits(html):
            return html
    return render.answer_html(answer, articles)


async def stop_notice(message: Message, state: BotState, thread: int | None = None) -> None:
    """Tell the chat (a forum topic: the topic; `thread`: that post's comments), once, that
    its question will not be answered because the bot is stopping: after the answers already
    on their way to it."""
    await state.under_way.settled(message.chat_id, state.settings.stop_seconds)
    if thread is None and message.is_topic_message:
        thread = message.message_thread_id
    await delivery.stop_notice_once(message, RESTARTING, state.told_restarting, thread)


async def stats(update: Update, context: BotContext) -> None:
    """/stats (admins only): what is served and how many questions were answered."""
    message = await admin_message(update, context)
    if message is None:
        return
    index = context.bot_data.retriever.index
    counts = context.bot_data.counts
    await message.reply_text(
        render.stats_text(
            len(index.documents),
            len(index.passages),
            counts.answered,
            counts.closest,
            counts.not_answered,
        )
    )


async def start(update: Update, context: BotContext) -> None:
    """/start and /help; the bot's admins are also shown their commands in a private chat (in
    a group every member would read them)."""
    message = update.effective_message
    if message is None:
        return
    documents = await _visible_documents(message.chat_id, context)
    admin = message.chat.type == Chat.PRIVATE and is_bot_admin(update, context.bot_data.settings)
    await message.reply_html(
        render.help_html(documents, context.bot.username or "", admin),
        disable_web_page_preview=True,
    )


async def source(update: Update, context: BotContext) -> None:
    """/source: the indexed articles."""
    if update.effective_message is None:
        return
    documents = await _visible_documents(update.effective_message.chat_id, context)
    await update.effective_message.reply_html(
        render.sources_html(documents), disable_web_page_preview=True
    )


async def summary(update: Update, context: BotContext) -> None:
    """/summary [ID]: the article's title and its most central sentences.

    Without an id: the article the chat's last answer (in the last 10 minutes) came from, as
    "summarize" takes it, else the chat's /use article, else the newest article (the one an
    admin just added is the one people ask about), saying which it was and how to pick another
    when there are several: a list to pick from would cost a second message before any summary.
    """
    message = update.effective_message
    if message is None:
        return
    index = context.bot_data.retriever.index
    wanted = render.stripped_input(" ".join(context.args or []))
    if wanted and await refused_article(message, wanted, context, quote=False):
        return
    scope = await search_scope(message.chat_id, context)
    state = context.bot_data
    last = await _context_turn(message, state, context.bot.id)  # a topic's own, in a forum
    discussed = (
        last.doc_id
        if last is not None
        and last.doc_id in index.documents
        and (scope is None or last.doc_id in scope)
        and time.time() - last.at <= CONTEXT_TTL_SECONDS
        else None
    )
    doc_id = wanted or discussed or newest_article(index, scope)
    if doc_id is None:
        await message.reply_text(render.NO_ARTICLES)
        return
    text = render.reply_html(summary_reply(index, doc_id))
    if not wanted and not discussed and len(scope or index.doc_order) > 1:
        text += "\n\n<i>The newest article. /articles lists the others: /summary ID.</i>"
    await message.reply_html(text, disable_web_page_preview=True)


async def ask(update: Update, context: BotContext) -> None:
    """/ask QUESTION, in any chat."""
    message = update.effective_message
    if message is None:
        return
    question = render.stripped_input(" ".join(context.args or []))
    if not question:
        await message.reply_text(EMPTY_ASK_HINT, do_quote=True)
        return
    await _answer(message, question, context)


async def private_text(update: Update, context: BotContext) -> None:
    """Every text message in a private chat is a question."""
    message = update.effective_message
    if message is None or not message.text:
        return
    if not render.stripped_input(message.text):
        # Only format characters (a zero-width space, a direction override, joiners with no
        # word to join): nothing was asked.
        await message.reply_text(EMPTY_PRIVATE_HINT)
        return
    await _answer(message, message.text, context)


def _addressed_question(message: Message, bot_id: int, username: str) -> str | None:
    """The question in a group message that mentions or replies to the bot, else None."""
    if message.is_automatic_forward:
        return None  # a channel's own post naming the bot ("ask @bot in the comments")
    text, mentions = said(message)
    if message.text is None and bot_command(text) == "/ask":
        # A photo captioned "/ask ...": Telegram routes no command of a caption (a bot
        # attacker: no reply, no log line), as a mention in one is answered.
        addressed = text.split(None, 1)[0].partition("@")[2]
        if not addressed or addressed.lower() == username.lower():
            return without_mention(asked_after(text), username)
    mentioned = mentions_bot(mentions, username)
    if mentioned:
        # Left in, the bot's own name was searched with the question, in a reply to it too.
        text = without_mention(text, username)
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    return text if mentioned else None


async def group_text(update: Update, context: BotContext) -> None:
    """In groups, answer mentions and replies to the bot's messages; stay silent otherwise."""
    message = update.effective_message
    if message is None:
        return
    question = _addressed_question(message, context.bot.id, context.bot.username or "")
    if question is None or not await admitted(update, context):
        return
    if not question:
        await message.reply_text(empty_hint(None, context.bot.username or ""), do_quote=True)
        return
    await _answer(message, question, context)


def empty_hint(command: str | None, username: str) -> str:
    """How to ask, for /ask (`command`) or a mention (None) with no question after it."""
    if command is None and username:
        return EMPTY_MENTION_HINT.format(username=username)
    return EMPTY_ASK_HINT


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have, in a private chat (in groups it may be another bot's);
    "/more" is "more", as `articlebot chat` takes it (a verifier)."""
    message = update.effective_message
    if message is None:
        return
    if message.text and asks_for_more(message.text):
        await _answer(message, "more", context)
        return
    await message.reply_text(UNKNOWN_COMMAND)


async def non_text(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice notes in a private chat get a one-line hint; a photo's caption
    is a question, as a group's is (a bot attacker: "I can only read text" to a photo
    captioned "who owns the quarry?")."""
    message = update.effective_message
    if message is None:
        return
    if message.caption and render.stripped_input(message.caption):
        await _answer(message, message.caption, context)
        return
    await message.reply_text(NON_TEXT_HINT)


async def button(update: Update, context: BotContext) -> None:
    """'More' and 'Paragraph' buttons under an answer."""
    query = update.callback_query
    if query is None or not await admitted(update, context):
        return
    message = query.message
    if not isinstance(message, Message):
        await _answer_press(query, STALE_CALLBACK)
        return
    text, fresh = await _pressed(query.data, message.chat.id, message.message_id, context)
    if not fresh:
        await _answer_press(query, text)
        return
    await _answer_press(query)
    await _send_pressed(message, text, message.message_id, query.data or "", context)


async def _answer_press(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a button press (with `text` in a small popup). One Telegram refuses as too old
    (it waits about 15 s: a press while the bot restarted or was busy) leaves only the
    button's spinner: logged, and the passages are sent all the same."""
    try:
        await query.answer(text, show_alert=False)
    except BadRequest as exc:
        log.info("could not answer a button press: %s", exc)


async def _pressed(
    data: str | None, chat: int, answer: int, context: BotContext
) -> tuple[str, bool]:
    """What a button (its `data`) of the answer message `answer` in `chat` shows: its passages
    (HTML) and True, or why not in a line and False: out of date, of another chat's articles,
    or shown already (the press is remembered then)."""
    retriever = context.bot_data.retriever
    index = retriever.index
    action = render.parse_callback(data)
    former = await former_ids(chat, context)
    rows = None if action is None else passage_rows(index, action.passages, chat, former)
    if action is None or rows is None:
        return STALE_CALLBACK, False
    # The references come from the client: a modified one can name another group's article.
    docs = {index.passages[row].doc_id for row in rows}
    if len(visible_in(docs, chat, former)) != len(docs):
        log.warning("refused a button for articles chat %s may not see", chat)
        return NOT_HERE_CALLBACK, False
    if not context.bot_data.pressed.first_time((chat, answer, data or ""), None):
        return SHOWN_ABOVE, False
    if action.kind == "more":
        return render.more_html([retriever.passage(row) for row in rows], action.elsewhere()), True
    passage = index.passages[rows[0]]
    document = index.documents[passage.doc_id]
    paragraph = paragraph_of(document, passage, action.at)
    return render.paragraph_html(document, paragraph.start, paragraph.end, paragraph.number), True


async def _send_pressed(
    message: Message, html: str, answer: int, data: str, context: BotContext
) -> None:
    """Reply to `message` with what a button showed; a press whose reply was not sent is
    forgotten, so that pressing again tries again."""
    try:
        await delivery.reply_html(message, html)
    except BaseException:
        context.bot_data.pressed.forget((message.chat_id, answer, data))
        raise


async def _typed_more(message: Message, context: BotContext) -> None:
    """Press, for a "more" typed, the More button of the answer it replies to in a group, else
    of the chat's (forum topic's) last answer. Searched, "more" had been answered from whatever
    passage says "more" (a new user)."""
    replied, topic = _group_context(message, context.bot.id)
    if replied is not None and message.reply_to_message is not None:
        last: tuple[int, str] | None = (replied, _more_data(message.reply_to_message))
    else:
        last = context.bot_data.answers.get((message.chat_id, topic))
    if last is None:
        await message.reply_text(MORE_OF_NOTHING, do_quote=True)
        return
    answer, data = last
    if not data:
        await message.reply_text(render.more_html([]), do_quote=True)
        return
    text, fresh = await _pressed(data, message.chat_id, answer, context)
    if not fresh:
        await message.reply_text(text, do_quote=True)
        return
    await _send_pressed(message, text, answer, data, context)


def _more_data(answer: Message) -> str:
    """The data of an answer message's More button ("" without one)."""
    markup = answer.reply_markup
    for row in markup.inline_keyboard if markup is not None else ():
        for key in row:
            if render.is_more_data(key.callback_data):
                return key.callback_data
    return ""


def buttons_for(answer: Answer, index: IndexStore) -> list[render.Button]:
    """The More and Paragraph buttons of an answer from `index`."""
    return render.answer_buttons(answer, index.manifest.documents)


def passage_rows(
    index: IndexStore,
    passages: Sequence[tuple[str, int]],
    chat_id: int,
    former: tuple[int, ...] = (),
) -> list[int] | None:
    """The rows of the passages a button names (its article's key, where the passage starts),
    in this index; None when one is gone (its article was changed or removed since). Of
    articles with the same text (a page and a group's own copy of it), the first that chat
    `chat_id` may see is taken."""
    by_key: dict[str, list[str]] = {}
    for doc_id, meta in index.manifest.documents.items():
        by_key.setdefault(str(meta.get("hash") or "")[: render.ARTICLE_KEY_CHARS], []).append(
            doc_id
        )
    rows = []
    for key, start in passages:
        same = by_key.get(key, [])
        # None visible: refused as not this chat's.
        doc_ids = visible_in(same, chat_id, former) or same
        found = [
            row
            for row in index.passage_rows(index.document_numbers(doc_ids[:1])).tolist()
            if index.passages[row].start == start
        ]
        if not found:
            return None
        rows.append(found[0])
    return rows


def _inline_results(answer: Answer, articles: int) -> list[InlineQueryResultArticle]:
    """An answer as inline results: the reply about the article, 'not found', or passages (the
    closest ones said to be only that, as a chat says it)."""
    if answer.reply is not None:
        return [
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
        ]
    if answer.outcome == "none" or not answer.passages:
        return [
            InlineQueryResultArticle(
                id="none",
                title="Not in the article" if articles <= 1 else "Not in the articles",
                description="No passage answers this question.",
                # Sent into another chat, where "/help" would be nobody's: the question and
                # that it is not in the article (a new user).
                input_message_content=InputTextMessageContent(
                    render.not_answered_inline(answer.question, articles)
                ),
            )
        ]
    closest = answer.outcome == "closest"
    return [
        InlineQueryResultArticle(
            id=f"{passage.row}",
            title=render.clip(passage.highlight_text, render.MAX_INLINE_TITLE_CHARS),
            description=render.inline_description(passage, closest, articles),
            input_message_content=InputTextMessageContent(
                render.led_passage_html(passage, closest, articles), parse_mode=ParseMode.HTML
            ),
        )
        for passage in answer.passages
    ]


def _command_result(command: str, username: str) -> InlineQueryResultArticle:
    """The one inline result for a command of the bot typed after its name: where it works."""
    where = f"a chat with @{username}" if username else "a chat with the bot"
    return InlineQueryResultArticle(
        id="command",
        title=f"{command} works in {where}",
        description="Type a question here instead, like: who wrote this?",
        input_message_content=InputTextMessageContent(f"{command} works in {where}."),
    )


async def inline_query(update: Update, context: BotContext) -> None:
    """@bot question in any chat: the top passages as inline results."""
    query = update.inline_query
    if query is None:
        return
    question = render.stripped_input(query.query)
    if not question:
        await query.answer([], cache_time=300)
        return
    if not await admitted(update, context):
        return
    if asks_for_more(question):
        # Inline there is no answer to go on from (a verifier: "@bot more" was searched).
        await query.answer([], cache_time=300)
        return
    command = bot_command(question)
    if command == "/ask":  # "@bot /ask who is X": the question, as a group's /ask gives it
        question = asked_after(question)
        if not question:
            await query.answer([], cache_time=300)
            return
    elif command is not None and command != "/help":
        # "@bot /start" had been searched ("... would start next week"; a bot attacker).
        await query.answer([_command_result(command, context.bot.username or "")], cache_time=300)
        return
    try:
        # No chat: answer_batch keeps it to the articles every chat may see.
        served = await context.bot_data.questions.ask(Request(question))
    except QueueClosed:
        return  # stopping: the query expires, and the user can type it again
    results: list[Any] = _inline_results(served.answer, served.articles)
    # Telegram may hand cached results to anyone sending the same query, unless personal: a
    # bot open to some chats only must not answer the others through that cache.
    personal = bool(context.bot_data.settings.allowed_chats)
    await query.answer(results, cache_time=60, is_personal=personal)


#: How Telegram words a 400 for a chat the bot may not write to (a 403 always is one).
_CANNOT_WRITE = (
    "topic_closed",
    "topic_deleted",
    "message thread not found",
    "not enough rights",
    "have no rights",
    "chat_write_forbidden",
    "chat_restricted",
    "chat not found",
)


def cannot_write(error: BaseException | None) -> bool:
    """Whether `error` is Telegram refusing to let the bot write to a chat: the user blocked
    it, it was kicked or may not send there, the forum topic is closed, the chat is gone."""
    if isinstance(error, Forbidden):
        return True
    return isinstance(error, BadRequest) and any(
        words in error.message.lower() for words in _CANNOT_WRITE
    )


async def on_error(update: object, context: BotContext) -> None:
    """The one error handler: log with the traceback; tell the asker something went wrong. A
    chat the bot cannot write to is one line in the log, and told nothing."""
    if isinstance(context.error, (ShuttingDown, QueueClosed)):
        log.info("not answered, the bot is stopping: %s", context.error)
        return
    if update is None and isinstance(context.error, Conflict):
        # Polling refused, retried within seconds: what to do, once (bot.polling).
        context.bot_data.polling_conflicts.say(context.error)
        return
    if update is None and isinstance(context.error, NetworkError):
        # Polling could not reach Telegram (down, or the network is): PTB polls again; a
        # line each time, not a page of traceback for what is no bug.
        log.warning("cannot reach the Telegram Bot API, polling again: %s", context.error)
        return
    chat = update.effective_chat if isinstance(update, Update) else None
    if cannot_write(context.error):
        # Routine (a user who blocked the bot, a closed topic): no bug to trace, and an
        # apology in that chat would be refused the same way.
        where = chat.id if chat is not None else "?"
        log.warning("cannot write to chat %s: %s", where, context.error)
        return
    if isinstance(context.error, NetworkError) and not isinstance(context.error, BadRequest):
        # The reply's call failed after its retries (bot.delivery), or timed out and may well
        # have arrived: an apology would go the same way or only confuse. No bug to trace.
        where = chat.id if chat is not None else "?"
        log.warning("cannot reach the Telegram Bot API to answer chat %s: %s", where, context.error)
        return
    log.error("error while handling an update", exc_info=context.error)
    if chat is not None and chat.type == Chat.CHANNEL:
        return  # anything sent to a channel is published to all its readers
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(SOMETHING_WENT_WRONG)
        except Exception:
            log.warning("could not send the error notice", exc_info=True)
