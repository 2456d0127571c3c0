"""Managing the articles from the chat: /articles, /use, and for admins /add and /remove."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from telegram import Message, Update
from telegram.error import TelegramError

from articlebot.bot.access import admin_message, is_bot_admin, is_chat_admin
from articlebot.bot.delivery import ShuttingDown, stop_notice
from articlebot.bot.handlers import missing_article_line, scope_of, visible_to
from articlebot.bot.indexing import NOTICE_TIMEOUT
from articlebot.bot.post_queue import forget_post
from articlebot.bot.render import (
    MAX_TITLE_CHARS,
    ArticleLine,
    article_pages,
    articles_html,
    clip,
    counted,
    is_invisible,
    no_article_line,
    plain_fit,
    said_back,
    stripped_input,
    title_html,
)
from articlebot.bot.state import BotContext, BotState
from articlebot.index.lock import WriteStopped
from articlebot.index.store import IndexStoreError
from articlebot.ingest.documents import Document, DocumentError, parse_bytes, slugify
from articlebot.ingest.fetch import MAX_PAGE_BYTES, fetch_article, is_url, link_without_scheme
from articlebot.masking import shown_source

if TYPE_CHECKING:
    from articlebot.index.builder import BuildReport
    from articlebot.storage.local_index import IndexData

log = logging.getLogger(__name__)

#: Uploaded articles: the kinds accepted. An uploaded file is held to the same size as a
#: fetched page (MAX_PAGE_BYTES): both are one article.
UPLOAD_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
GROUP_ADMINS_ONLY = "In a group, only its admins can choose the articles I answer from."
WAITING_FOR_WRITER = "Another change to the articles is being saved; yours comes right after it."
BUSY_INDEXING = "I'm busy indexing, try again in a minute."
RESTARTING_BEFORE_ADDED = "I'm restarting and could not add it: please send it again in a minute."
RESTARTING_UNSURE = (
    "I'm restarting while saving it: see /articles in a minute, and if it is not there, send it "
    "again."
)
#: How long a stop's notice waits for an upload's write to end, within the notices' time.
OUTCOME_WAIT_SECONDS = NOTICE_TIMEOUT - 1.0
RESTARTING_BEFORE_REMOVED = (
    "I'm restarting and could not remove it: please send it again in a minute."
)
ADD_FAILED = "Could not add it: something went wrong; the log has the details."
USE_HINT = "Use /use ID to ask only one article (ids are in /articles), /use all for every one."
#: Under /articles's own list, where each id is under its article's title.
LIST_HINT = "Use /use ID (under each title) to ask only that article, /use all for every one."


async def articles(update: Update, context: BotContext) -> None:
    """/articles [WORDS] [PAGE]: what is indexed, with ids for /use and /remove; a page at a
    time, narrowed to the articles whose title or id has all of WORDS."""
    message = update.effective_message
    if message is None:
        return
    index = context.bot_data.retriever.index
    scope = await scope_of(message.chat_id, context) or []
    words = [word for word in map(stripped_input, context.args or []) if word]
    listed = []
    documents = index.manifest.documents
    # Newest first, as /start and /source name them: page 1 holds what was just posted, and
    # its first line is /summary's own article.
    visible = sorted(
        await visible_to(index.doc_order, message.chat_id, context),
        key=lambda doc_id: (float(documents.get(doc_id, {}).get("added", 0)), doc_id),
        reverse=True,
    )
    for doc_id in visible:
        meta = documents.get(doc_id, {})
        source = shown_source(index.documents[doc_id].source)
        listed.append(
            ArticleLine(
                doc_id=doc_id,
                title=index.documents[doc_id].title,
                passages=str(meta.get("passages", "?")),
                added=time.strftime("%Y-%m-%d", time.localtime(float(meta.get("added", 0)))),
                where=source if is_url(source) else Path(source).name,
                in_use=doc_id in scope,
            )
        )
    words, page = _words_and_page(words, lambda: len(article_pages(listed, LIST_HINT)))
    found = [a for a in listed if _has_words(f"{a.doc_id} {a.title}", words)]
    # With none listed, the ids are in the whole list, not "under each title".
    hint = LIST_HINT if found else USE_HINT
    await message.reply_html(articles_html(found, hint, page, " ".join(words)))


def _words_and_page(args: list[str], pages: Callable[[], int]) -> tuple[list[str], int]:
    """/articles's words and page: a number last is the page after words ("/articles bridge
    2"); alone, it is a page when the whole list has that many (`pages`, counted only then:
    "/articles 2"), otherwise words to look for ("/articles 2026")."""
    number = bool(args) and args[-1].isdecimal() and len(args[-1]) <= 4
    if number and (len(args) > 1 or int(args[-1]) <= max(pages(), 1)):
        return args[:-1], int(args[-1])
    return args, 1


def _has_words(text: str, words: list[str]) -> bool:
    """Whether `text` holds every one of `words`, in any case."""
    folded = text.casefold()
    return all(word.casefold() in folded for word in words)


async def use(update: Update, context: BotContext) -> None:
    """/use ID narrows the chat to one article; /use all widens it again."""
    message = update.effective_message
    if message is None:
        return
    state = context.bot_data
    wanted = stripped_input(" ".join(context.args or []))
    index = state.retriever.index
    in_groups = state.settings.use_in_groups
    if wanted and in_groups == "admins" and not await is_chat_admin(update, context):
        # What one member picks changes the answers of everyone in the group.
        await message.reply_text(GROUP_ADMINS_ONLY)
        return
    if not wanted:
        reply = USE_HINT
    elif wanted.lower() == "all":
        await state.off_loop(state.chats.set_scope, message.chat_id, [])
        reply = "Questions here now search every article."
    elif wanted in index.documents and await visible_to([wanted], message.chat_id, context):
        await state.off_loop(state.chats.set_scope, message.chat_id, [wanted])
        title = clip(index.documents[wanted].title, MAX_TITLE_CHARS)
        reply = f"Questions here now search only “{title}”."
    else:
        reply = await missing_article_line(wanted, message, context)
    await message.reply_text(reply)


async def add(update: Update, context: BotContext) -> None:
    """/add URL (admins): fetch, index in the background, confirm."""
    message = await admin_message(update, context)
    if message is None:
        return
    urls = _links(" ".join(context.args or []))
    if not urls:
        await message.reply_text("Send /add followed by a link to the article.")
        return
    await _add_links(message, urls, context)


async def _add_links(message: Message, urls: list[str], context: BotContext) -> None:
    """Add each link in turn, each told as one /add is; none more once the queue is full (each
    would be told it is busy)."""
    for at, url in enumerate(urls):
        if not await add_link(message, url, context):
            if len(urls) > 1:  # "busy" named none: the links left are said, to send again
                await message.reply_text(
                    plain_fit("Not added: " + " ".join(map(shown_source, urls[at:]))),
                    do_quote=True,
                )
            return


def _link(word: str) -> str | None:
    """The link a word is, a sentence's stop after it left off: "https://..." as it is, or
    "www.example.com/story" (a link Telegram shows as one) with "https://" put before it."""
    bare = _without_stop(word)
    if is_url(bare):
        return bare
    # Only after a path: "www.example.com." alone is a sentence (asked), and "Dr.No?" a host
    # with its query, as before.
    return link_without_scheme(bare if re.search(r"[/?#]", bare) else word)


def _parts_links(char: str) -> bool:
    """Whether `char` parts two links as a space does: any space, an invisible format
    character (a zero-width space pasted with a link), or a full-width comma or semicolon
    ("，", "；", "、") of Chinese or Japanese text, which no link typed in full holds."""
    return (
        char.isspace()
        or is_invisible(char)
        or (char not in ",;" and unicodedata.normalize("NFKC", char) in {",", ";", "、"})
    )


def _link_words(text: str) -> list[str]:
    """The words of a message that may hold links, split at spaces and at a comma or
    semicolon after a link."""
    spaced = "".join(" " if _parts_links(char) else char for char in text)
    # A comma or semicolon inside a link is part of it ("/7,75398,30512345.html",
    # "Washington,_D.C."); one after it separates it from the next.
    return [
        _unwrapped(w.strip(",;"))
        for word in spaced.split()
        for w in re.split(r"[,;](?=https?://|www\.)", word)  # "LINK,LINK2" typed without a space
        if w.strip(",;")
    ]


#: Brackets a link is written in: "(https://...)", Markdown's and e-mail's "<https://...>".
_AROUND = {"(": ")", "<": ">", "[": "]", "«": "»", "“": "”", '"': '"', "'": "'"}


def _unwrapped(word: str) -> str:
    """A word without the brackets or quotation marks around it ("(https://a.com/x)." is the
    link), a link's own closing bracket kept ("/wiki/Mercury_(planet)")."""
    inner = word.rstrip(".,;:!?")
    while len(inner) > 2 and _AROUND.get(inner[0]) == inner[-1]:
        inner = inner[1:-1].rstrip(".,;:!?")
    if inner != word.rstrip(".,;:!?"):
        return inner
    return word


def _links(text: str) -> list[str]:
    """The links an admin sent to add, once each: every word when all are links ("a.com/x
    b.com/y"); else none unless the first word is one, then every word that is one with its
    "https://" or "www." ("/add LINK thanks" is LINK: the words were fetched as its end;
    "LINK is this what reuters.com ran?" is LINK alone). Words are split at spaces, a comma,
    semicolon or sentence's stop after a link left off."""
    words = _link_words(text)
    links = [_link(word) for word in words]
    if not links or links[0] is None:
        return []
    if all(links):
        return list(dict.fromkeys(link for link in links if link))
    later = (
        link
        for word in map(_without_stop, words[1:])
        if (is_url(word) or word.lower().startswith("www.")) and (link := _link(word))
    )
    return list(dict.fromkeys([links[0], *later]))


def _without_stop(word: str) -> str:
    """A word without the sentence's stop after it ("https://site/story." ends a sentence),
    but a link's own last dot ("/wiki/Washington,_D.C.") kept."""
    while word and word[-1] in ".,;:!?":
        if word.endswith(".") and re.search(r"(?:[A-Z]\.){2,}$", word):  # "D.C.", "U.S."
            break
        word = word[:-1]
    return word


def _sent_links(text: str | None) -> list[str]:
    """The links of a private message that is an article to add: links alone ("www.a.com/x,
    b.com/y"), or a link with its "https://" and more words after it ("https://site/story
    who wrote this?"). Not "example.com is great": a question, as before."""
    words = _link_words(text or "")
    if not words:
        return []
    # Several bare links and a "?" at the end ask about those sites ("bbc.com/news, cnn.com/
    # world?"), as one alone did before: a question.
    asks = len(words) > 1 and (text or "").rstrip().endswith(("?", "？"))
    if is_url(words[0]) or (not asks and all(map(_link, words))):
        return _links(text or "")
    return []


async def admin_link(update: Update, context: BotContext) -> None:
    """A link sent by an admin in a private chat is an article to add."""
    message = update.effective_message
    urls = _sent_links(message.text) if message is not None else []
    if message is not None and urls and is_bot_admin(update, context.bot_data.settings):
        await _add_links(message, urls, context)


def is_link(text: str | None) -> bool:
    """Whether a message is links to add, from an admin (`_sent_links`): "https://...", or
    "www.example.com/story" and such alone, as Telegram shows links."""
    return bool(_sent_links(text))


#: To someone not an admin who sends a link or a file, as an admin would to add an article.
ADDING_IS_FOR_ADMINS = (
    "Only the bot's admins can add articles. Ask me a question about the articles I have "
    "(/articles lists them)."
)


async def not_admin_article(update: Update, context: BotContext) -> None:
    """A link or a file sent in a private chat by someone who may not add articles."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(ADDING_IS_FOR_ADMINS)


#: Why an upload is refused before it is read.
_UNREAD_KIND = "send a .txt, .md or .html file"
_TOO_LARGE = f"larger than {MAX_PAGE_BYTES // 1_000_000} MB"


async def admin_document(update: Update, context: BotContext) -> None:
    """A .txt, .md or .html file sent by an admin in a private chat is an article to add."""
    message = update.effective_message
    if (
        message is None
        or message.document is None
        or not is_bot_admin(update, context.bot_data.settings)
    ):
        return
    name = message.document.file_name or "article.txt"
    kind = _upload_kind(name)
    if kind is None or (message.document.file_size or 0) > MAX_PAGE_BYTES:
        # Refused at once, not after "Reading the article…": the name and size say it all.
        problem = _UNREAD_KIND if kind is None else _TOO_LARGE
        said = f"Could not add it: {said_back(name)}: {problem}"
        await message.reply_text(plain_fit(said), do_quote=True)
        return
    stem, suffix = kind

    async def read() -> Document:
        file = await message.document.get_file()
        try:
            data = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            # A file's path expires (after an hour on Telegram's servers): PTB words the file
            # server's 404 as a rejected token, which it is not.
            log.warning(
                "could not download %s for chat %s from Telegram's file server: %s",
                name,
                message.chat_id,
                download_problem(exc),
            )
            raise DocumentError(
                f"{name} could not be downloaded from Telegram; please send it again."
            ) from None
        # The reader knows a file's kind by its path's suffix, which a name that is only the
        # suffix (".txt") lacks: it is read under a stand-in name.
        path = Path(name) if Path(name).suffix.lower() == suffix else Path(f"upload{suffix}")
        # An .html upload is read by trafilatura, seconds of CPU: off the event loop.
        [document] = await asyncio.to_thread(
            parse_bytes, data, path, doc_id=f"upload-{slugify(stem)}"
        )
        # An upload is known by its name and content: the same file sent again is the same
        # article, another file of the same name is another article.
        digest = hashlib.sha256(data).hexdigest()[:12]
        return dataclasses.replace(document, source=f"upload:{digest}/{name}")

    await _add(message, read, context)


def download_problem(exc: TelegramError) -> str:
    """Why a file download failed, in a few words ("Not Found (404)"): PTB's text without the
    file server's reply it quotes, and never its name for the error (InvalidToken)."""
    return str(exc).split(". Parsing the server response", 1)[0]


def _upload_kind(name: str) -> tuple[str, str] | None:
    """An upload's file name split into its stem and its suffix, the kind judged by how the
    name ends (".txt" is a text file with no stem); None for a kind not read."""
    lowered = name.lower()
    suffix = next((s for s in UPLOAD_SUFFIXES if lowered.endswith(s)), None)
    return None if suffix is None else (name[: len(name) - len(suffix)], suffix)


async def add_link(message: Message, url: str, context: BotContext) -> bool:
    """Fetch and index one article while questions go on being answered; whether it was
    queued."""
    allow = context.bot_data.settings.fetch_allow_hosts
    return await _add(message, lambda: fetch_article(url, allow=allow), context)


async def _add(
    message: Message,
    read: Callable[[], Awaitable[Document]],
    context: BotContext,
) -> bool:
    """Queue one article for the indexing worker, which reads it, indexes it, serves it and
    tells the admin how it went; a full queue is one line saying to try again. Whether it
    was queued."""
    state = context.bot_data
    told = asyncio.Event()
    upload = _Upload()

    async def job() -> None:
        await _read_and_index(message, read, state, told, upload)

    async def dropped() -> None:
        await told.wait()  # after "Reading the article…"
        if (outcome := await _outcome_at_stop(upload)) is not None:
            await _say_while_stopping(message, *outcome)

    what = f"an article for chat {message.chat_id}"
    if not state.indexing.offer(what, job, dropped, chat=message.chat_id):
        await message.reply_text(BUSY_INDEXING, do_quote=True)
        return False
    try:
        await message.reply_text("Reading the article…", do_quote=True)
    finally:
        told.set()
    return True


async def _say_while_stopping(message: Message, text: str, html: bool = False) -> None:
    """Tell an admin, in the time a stop keeps for its notices, how their change went."""
    try:
        with stop_notice():
            if html:
                await message.reply_html(text, do_quote=True)
            else:
                await message.reply_text(text, do_quote=True)
    except (ShuttingDown, TelegramError) as exc:
        log.warning("could not tell chat %s how its change went: %s", message.chat_id, exc)


def _waiting_note(message: Message) -> Callable[[str], None]:
    """The `on_wait` of a change the admin waits for: told, once, that another writer is
    saving first (called in the writing thread)."""
    loop = asyncio.get_running_loop()

    def waiting(_: str) -> None:
        asyncio.run_coroutine_threadsafe(
            message.reply_text(WAITING_FOR_WRITER, do_quote=True), loop
        )

    return waiting


@dataclasses.dataclass(slots=True)
class _Upload:
    """An article being added, as far as a stop's notice needs it: the write under way (a
    thread, which a stop cannot cancel) and what it writes."""

    writing: asyncio.Future[tuple[IndexData, BuildReport]] | None = None
    document: Document | None = None
    #: The "Added" reply was handed to Telegram: cut short, it may have arrived all the same,
    #: and a message is never sent twice.
    replied: bool = False


async def _outcome_at_stop(upload: _Upload) -> tuple[str, bool] | None:
    """What to tell an admin whose upload a stop cut short, and whether it is HTML: added (the
    write was already publishing), not added (it gave up, or had not begun), or, when the
    write is still going as the notices' time runs out, not known; None when its reply was
    already on its way."""
    if upload.replied:
        return None
    if upload.writing is None or upload.document is None:
        return RESTARTING_BEFORE_ADDED, False
    await asyncio.wait({upload.writing}, timeout=OUTCOME_WAIT_SECONDS)
    if not upload.writing.done():
        return RESTARTING_UNSURE, False
    if upload.writing.cancelled() or upload.writing.exception() is not None:
        return RESTARTING_BEFORE_ADDED, False
    return _added_html(upload.document, *upload.writing.result()), True


def _added_html(document: Document, data: IndexData, report: BuildReport) -> str:
    """The admin's news that `document` was added (as `report` names it)."""
    [doc_id] = report.given
    passages = sum(1 for p in data.passages if p.doc_id == doc_id)
    title, shown_id = title_html(document.title), f"<code>{escape(doc_id)}</code>"
    if doc_id in report.unchanged:  # the same file or page again: nothing new
        return f"Already indexed: <b>{title}</b> ({counted(passages, 'passage')}), id {shown_id}."
    if doc_id in report.updated:  # a page changed since it was added: this version replaces it
        return (
            f"Updated <b>{title}</b> ({counted(passages, 'passage')}), id {shown_id}: the "
            "version indexed before is replaced."
        )
    also = ""
    # Every other upload of the name, whichever id each took: with the first removed, a third
    # takes the first's id, and the second is still there.
    added = data.manifest.documents
    earlier = sorted(
        (
            other.doc_id
            for other in data.documents.values()
            if other.doc_id != doc_id and _same_upload_name(other.source, document.source)
        ),
        key=lambda other: -float(added.get(other, {}).get("added", 0)),  # the newest first
    )
    elsewhere = data.documents.get(document.doc_id) if doc_id != document.doc_id else None
    if earlier:
        ids = ", ".join(f"<code>{escape(other)}</code>" for other in earlier[:LISTED_UPLOADS])
        more = f" and {len(earlier) - LISTED_UPLOADS} more" if len(earlier) > LISTED_UPLOADS else ""
        name = escape(clip(document.source.partition("/")[2], MAX_NAME_CHARS))
        what = (
            f"An earlier upload of {name} is indexed too, id {ids}: /remove it"
            if len(earlier) == 1
            else f"Earlier uploads of {name} are indexed too, ids {ids}{more}: /remove them"
        )
        also = f" {what} if this one replaces it."
    elif elsewhere is not None:
        # Another file's name may give the same id ("📰.txt" and "🗞.txt"): named, not "elsewhere".
        other_name = elsewhere.source.partition("/")[2] if _is_upload(elsewhere.source) else ""
        shown = escape(clip(other_name, MAX_NAME_CHARS))
        what = f"An upload of {shown}" if other_name else "An article from elsewhere"
        also = (
            f" {what} is indexed too, id "
            f"<code>{escape(elsewhere.doc_id)}</code>: /remove it if this one replaces it."
        )
    twin = report.copies.get(doc_id)
    if twin is not None and twin in data.documents:
        # As `articlebot add` says it; the copy is no other version for this one to replace
        # (earlier uploads of the name with other text are still said).
        same = (
            f" It has the same text as <code>{escape(twin)}</code>, already indexed: "
            f"<code>/remove {escape(doc_id)}</code> if it was added by mistake."
        )
        also = (also if earlier and twin not in earlier else "") + same
    return f"Added <b>{title}</b> ({counted(passages, 'passage')}), id {shown_id}.{also}"


#: How many ids of earlier uploads of one name an "Added" reply names.
LISTED_UPLOADS = 5
#: The most of a file's name a reply repeats: a name of 4,000 characters made the reply
#: too long to send, and the admin never heard the upload was added.
MAX_NAME_CHARS = 80


def _is_upload(source: str) -> bool:
    """Whether an article's source is a file an admin sent ("upload:<digest>/ferry.md")."""
    return source.startswith("upload:")


def _same_upload_name(source: str, uploaded: str) -> str | None:
    """The file name two uploads share ("upload:<digest>/ferry.md"), if both are uploads of
    one name: an admin sending a corrected file again."""
    if not (_is_upload(source) and _is_upload(uploaded)):
        return None
    name = source.partition("/")[2]
    return name if name and name == uploaded.partition("/")[2] else None


async def _read_and_index(
    message: Message,
    read: Callable[[], Awaitable[Document]],
    state: BotState,
    told: asyncio.Event,
    upload: _Upload,
) -> None:
    """Read one article, index it and serve it; the outcome is said after `told` (the
    "Reading" line), so the admin reads them in order. What a stop's notice needs is kept in
    `upload`."""
    waiting = _waiting_note(message)
    try:
        upload.document = document = await read()
        async with state.index_lock:  # one index change at a time in this process
            from articlebot.collection import add_documents

            upload.writing = asyncio.ensure_future(
                state.write(
                    add_documents,
                    state.settings,
                    state.retriever.encoder,
                    [document],
                    on_wait=waiting,
                )
            )
            # Shielded: a stop's cancel leaves the write to end (it gives up at its next look
            # unless publishing), for the stop's notice to tell how it went.
            data, report = await asyncio.shield(upload.writing)
            # Served from now on; questions already running finish on the old index.
            state.serve(data)
    except WriteStopped:
        await told.wait()
        await _say_while_stopping(message, RESTARTING_BEFORE_ADDED)
        return
    except (DocumentError, IndexStoreError) as exc:
        await told.wait()
        await message.reply_text(
            plain_fit(f"Could not add it: {said_back(str(exc))}"), do_quote=True
        )
        return
    except Exception:
        # Telegram refusing the file, the database unreachable, a bug: the admin, told it is
        # being read, hears that it failed; the details (and any traceback) go to the log.
        log.exception("could not add an article for chat %s", message.chat_id)
        await told.wait()
        await message.reply_text(ADD_FAILED, do_quote=True)
        return
    doc_id = report.given[0]
    done = "added"
    if doc_id in report.updated:
        done = "updated"
    elif doc_id in report.unchanged:
        done = "unchanged"
    log.info("%s %s from %s", done, doc_id, shown_source(document.source))
    await told.wait()
    upload.replied = True
    await message.reply_html(_added_html(document, data, report), do_quote=True)


#: /remove of a channel post still waiting to be read: it never will be.
WAITING_FORGOTTEN = "Removed {ids}: it was still waiting to be read, and will not be indexed."


#: How long /remove waits for the admin's own uploads and links still being read.
REMOVE_WAIT_SECONDS = 60.0


async def remove(update: Update, context: BotContext) -> None:
    """/remove ID (admins): drop an article from the index."""
    message = await admin_message(update, context)
    if message is None:
        return
    # "/remove X X" is X once; a word of format characters alone ("\u200b") none.
    doc_ids = list(dict.fromkeys(word for word in map(stripped_input, context.args or []) if word))
    if not doc_ids:
        await message.reply_text("Send /remove followed by an article id.")
        return
    state = context.bot_data
    if any(d not in state.retriever.index.documents for d in doc_ids) and state.indexing.busy_for(
        message.chat_id
    ):
        # An upload or link this admin sent just before (in the same batch of updates): the
        # id may be its article's. It had been "no article with id ...", then added all the
        # same (a bot attacker).
        await state.indexing.settled_for(message.chat_id, REMOVE_WAIT_SECONDS)
    indexed = state.retriever.index.documents
    channels = state.channels
    on_its_way = (channels.waiting, channels.pending, channels.newest)
    waiting = [d for d in doc_ids if d not in indexed and any(d in c for c in on_its_way)]
    doc_ids = [d for d in doc_ids if d not in waiting]
    # Every id checked before anything goes: "/remove QUEUED TYPO" said "nothing was removed"
    # and had forgotten the queued post.
    if message.chat_id < 0:
        # In a group, of the articles this group sees: another group's own are not named here,
        # nor forgotten while on their way (a verifier's probe: group B's admin dropped group
        # A's queued post by its id).
        every = [*state.retriever.index.doc_order, *waiting]
        visible = await visible_to(every, message.chat_id, context)
        if unseen := [d for d in (*waiting, *doc_ids) if d not in visible]:
            await message.reply_text(no_article_line(unseen[0], visible))
            return
    elif missing := [d for d in doc_ids if d not in indexed]:
        from articlebot.collection import no_such_articles

        said = f"Could not remove it: {no_such_articles(missing, indexed)}; nothing was removed"
        await message.reply_text(plain_fit(said))
        return
    if waiting:
        # A channel post waiting to be read (its page down, no room yet, queued or being read)
        # is no article yet: it is read no more, and said so (it was "no article with id",
        # then indexed). Under the index lock: a post being written now is in once it is done,
        # and removed below as any article is.
        async with state.index_lock:
            for doc_id in waiting:
                await forget_post(state, doc_id)
        doc_ids += [d for d in waiting if d in state.retriever.index.documents]
        waiting = [d for d in waiting if d not in state.retriever.index.documents]
        forgotten = WAITING_FORGOTTEN.format(ids=", ".join(waiting)) if waiting else ""
        _log_removed(waiting, message, "a post waiting to be read")
        if not doc_ids:
            await message.reply_text(plain_fit(forgotten))
            return
    else:
        forgotten = ""
    try:
        async with state.index_lock:
            from articlebot.collection import remove_documents

            data, _ = await state.write(
                remove_documents, state.settings, doc_ids, on_wait=_waiting_note(message)
            )
            state.serve(data)
        for doc_id in doc_ids:  # a channel post's page waiting to be read again is not
            await forget_post(state, doc_id)
    except WriteStopped:
        await _say_while_stopping(message, RESTARTING_BEFORE_REMOVED)
        return
    except (DocumentError, IndexStoreError) as exc:
        await message.reply_text(plain_fit(f"Could not remove it: {exc}"))
        return
    _log_removed(doc_ids, message)
    removed = plain_fit(" ".join(filter(None, (f"Removed {', '.join(doc_ids)}.", forgotten))))
    if state.stopping.is_set():  # removed as the stop came: said in the time kept for notices
        await _say_while_stopping(message, removed)
    else:
        await message.reply_text(removed)


def _log_removed(doc_ids: list[str], message: Message, what: str = "") -> None:
    """One info line per removed id, naming the admin who asked: an addition is logged, so a
    removal must be too, or an article gone from the index has no trace of who dropped it."""
    user, chat = message.from_user, message.sender_chat
    # An anonymous group admin writes as the group: its user is Telegram's stand-in bot.
    by = f"admin {user.id}" if user is not None and chat is None else f"chat {message.chat_id}"
    for doc_id in doc_ids:
        log.info("removed %s%s by %s", doc_id, f" ({what})" if what else "", by)
