"""Managing the articles from the chat: /articles, /use, and for admins /add and /remove."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path

from telegram import Message, Update
from telegram.ext import ContextTypes

from articlebot.bot.handlers import (
    RETRIEVER_KEY,
    SCOPE_KEY,
    SETTINGS_KEY,
    admin_message,
    deliver,
    index_lock,
    is_chat_admin,
    retriever_of,
    scope_of,
)
from articlebot.bot.render import MAX_LINE_CHARS, MAX_TITLE_CHARS, clip, title_html, visible_length
from articlebot.config import Settings
from articlebot.index.store import IndexStoreError
from articlebot.ingest.documents import Document, DocumentError, parse_bytes, slugify
from articlebot.ingest.fetch import fetch_article, is_url
from articlebot.storage.local_index import IndexData

log = logging.getLogger(__name__)

#: Uploaded articles: kinds and size accepted.
UPLOAD_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
GROUP_ADMINS_ONLY = "In a group, only its admins can choose the articles I answer from."
WAITING_FOR_WRITER = "Another change to the articles is being saved; yours comes right after it."
USE_HINT = "Use /use ID to ask only one article (ids are in /articles), /use all for every one."


def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    settings: Settings = context.application.bot_data[SETTINGS_KEY]
    user = update.effective_user
    return user is not None and user.id in settings.admin_ids


def _swap_in(context: ContextTypes.DEFAULT_TYPE, data: IndexData) -> None:
    """Serve the new index from now on; questions already running finish on the old one."""
    context.application.bot_data[RETRIEVER_KEY] = retriever_of(context).with_index(data)


async def articles(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/articles: what is indexed, with ids for /use and /remove."""
    message = update.effective_message
    if message is None:
        return
    index = retriever_of(context).index
    scope = scope_of(context)
    lines = []
    for doc_id in index.doc_order:
        meta = index.manifest.documents.get(doc_id, {})
        added = time.strftime("%Y-%m-%d", time.localtime(float(meta.get("added", 0))))
        mark = " (in use)" if scope and doc_id in scope else ""
        source = index.documents[doc_id].source
        where = clip(source if is_url(source) else Path(source).name, MAX_LINE_CHARS)
        line = (
            f"• <b>{title_html(index.documents[doc_id].title)}</b>{mark}\n"
            f"  <code>{escape(doc_id)}</code> · {meta.get('passages', '?')} passages · "
            f"added {added}\n  {escape(where)}"
        )
        if sum(visible_length(shown) + 1 for shown in lines) + visible_length(line) > 3500:
            lines.append(f"… and {len(index.doc_order) - len(lines)} more.")
            break
        lines.append(line)
    text = "\n".join(lines) or "No articles are indexed."
    await deliver(lambda: message.reply_html(f"{text}\n\n{escape(USE_HINT)}"))


async def use(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/use ID narrows the chat to one article; /use all widens it again."""
    message = update.effective_message
    if message is None or context.chat_data is None:
        return
    wanted = " ".join(context.args or []).strip()
    index = retriever_of(context).index
    settings: Settings = context.application.bot_data[SETTINGS_KEY]
    if wanted and settings.use_in_groups == "admins" and not await is_chat_admin(update, context):
        # What one member picks changes the answers of everyone in the group.
        await deliver(lambda: message.reply_text(GROUP_ADMINS_ONLY))
        return
    if not wanted:
        reply = USE_HINT
    elif wanted.lower() == "all":
        context.chat_data.pop(SCOPE_KEY, None)
        reply = "Questions here now search every article."
    elif wanted in index.documents:
        context.chat_data[SCOPE_KEY] = [wanted]
        title = clip(index.documents[wanted].title, MAX_TITLE_CHARS)
        reply = f"Questions here now search only “{title}”."
    else:
        reply = f"There is no article with id {wanted}. /articles lists them."
    await deliver(lambda: message.reply_text(reply))


async def add(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/add URL (admins): fetch, index in the background, confirm."""
    message = await admin_message(update, context)
    if message is None:
        return
    url = " ".join(context.args or []).strip()
    if not is_url(url):
        await deliver(lambda: message.reply_text("Send /add followed by a link to the article."))
        return
    await add_link(message, url, context)


async def admin_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A bare link sent by an admin in a private chat is an article to add."""
    message = update.effective_message
    text = (message.text or "").strip() if message is not None else ""
    if message is not None and is_url(text) and _is_admin(update, context):
        await add_link(message, text, context)


async def admin_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A .txt, .md or .html file sent by an admin in a private chat is an article to add."""
    message = update.effective_message
    if message is None or message.document is None or not _is_admin(update, context):
        return
    name = message.document.file_name or "article.txt"
    size = message.document.file_size or 0

    async def read() -> Document:
        if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise DocumentError(f"{name}: send a .txt, .md or .html file")
        if size > MAX_UPLOAD_BYTES:
            raise DocumentError(f"{name}: larger than {MAX_UPLOAD_BYTES // 1_000_000} MB")
        file = await message.document.get_file()
        data = bytes(await file.download_as_bytearray())
        [document] = parse_bytes(data, Path(name), doc_id=f"upload-{slugify(Path(name).stem)}")
        # An upload is known by its name and content: the same file sent again is the same
        # article, another file of the same name is another article.
        digest = hashlib.sha256(data).hexdigest()[:12]
        return dataclasses.replace(document, source=f"upload:{digest}/{name}")

    await _add(message, read, context)


async def add_link(message: Message, url: str, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Fetch and index one article while questions go on being answered."""
    settings: Settings = context.application.bot_data[SETTINGS_KEY]
    await _add(message, lambda: fetch_article(url, allow=settings.fetch_allow_hosts), context)


async def _add(
    message: Message,
    read: Callable[[], Awaitable[Document]],
    context: ContextTypes.DEFAULT_TYPE,
) -> None:
    """Read one article, index it and serve it, telling the admin how it went."""
    await deliver(lambda: message.reply_text("Reading the article…", do_quote=True))
    loop = asyncio.get_running_loop()

    def waiting(_: str) -> None:  # called in the writing thread while another writer holds on
        asyncio.run_coroutine_threadsafe(
            deliver(lambda: message.reply_text(WAITING_FOR_WRITER, do_quote=True)), loop
        )

    try:
        document = await read()
        async with index_lock(context):  # one index change at a time in this process
            from articlebot.collection import add_documents

            settings: Settings = context.application.bot_data[SETTINGS_KEY]
            data, report = await asyncio.to_thread(
                add_documents,
                settings,
                retriever_of(context).encoder,
                [document],
                on_wait=waiting,
            )
            _swap_in(context, data)
    except (DocumentError, IndexStoreError) as exc:
        reason = f"Could not add it: {exc}"
        await deliver(lambda: message.reply_text(reason, do_quote=True))
        return
    [doc_id] = report.given
    passages = sum(1 for p in data.passages if p.doc_id == doc_id)
    log.info("added %s (%d passages) from %s", doc_id, passages, document.source)
    also = (
        f" An article with id <code>{escape(document.doc_id)}</code> from elsewhere is indexed "
        "too; /remove it if this one replaces it."
        if doc_id != document.doc_id
        else ""
    )
    await deliver(
        lambda: message.reply_html(
            f"Added <b>{title_html(document.title)}</b> ({passages} passages), id "
            f"<code>{escape(doc_id)}</code>.{also}",
            do_quote=True,
        )
    )


async def remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove ID (admins): drop an article from the index."""
    message = await admin_message(update, context)
    if message is None:
        return
    doc_ids = list(context.args or [])
    if not doc_ids:
        await deliver(lambda: message.reply_text("Send /remove followed by an article id."))
        return
    try:
        async with index_lock(context):
            from articlebot.collection import remove_documents

            settings: Settings = context.application.bot_data[SETTINGS_KEY]
            data, _ = await asyncio.to_thread(
                remove_documents, settings, retriever_of(context).encoder, doc_ids
            )
            _swap_in(context, data)
    except (DocumentError, IndexStoreError) as exc:
        reason = f"Could not remove it: {exc}"
        await deliver(lambda: message.reply_text(reason))
        return
    await deliver(lambda: message.reply_text(f"Removed {', '.join(doc_ids)}."))
