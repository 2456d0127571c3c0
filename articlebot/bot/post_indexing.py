"""One channel post read and indexed: the page behind its link (or its own text), written as
the post's own article, which replaces its earlier version; a post edited to carry no article
has its article removed. Run by the indexing worker (`post_queue`), one post at a time."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from articlebot.bot.state import BotState
from articlebot.config import Settings
from articlebot.index.lock import WriteStopped
from articlebot.index.store import IndexStoreError
from articlebot.ingest.documents import Document, DocumentError
from articlebot.ingest.fetch import PageUnavailable, fetch_article
from articlebot.ingest.posts import PostArticle, linked_document, text_document

log = logging.getLogger(__name__)


def _signature(article: PostArticle) -> str:
    text = article.digest or hashlib.sha256((article.own_text or "").encode()).hexdigest()[:16]
    return f"{article.article_url or ''}\x00{text}"


async def read_post(article: PostArticle, settings: Settings) -> tuple[Document | None, bool]:
    """The article of a post: the page behind its link (fetched as /add fetches), else its own
    text when that is long enough; None when neither can be had. And whether its page may be
    read later (the site was down or slow; not when it says the page is gone, or the link is
    to no article: a PDF, an image, a login page, a page too large)."""
    later = False
    if article.article_url is not None:
        try:
            page = await fetch_article(article.article_url, allow=settings.fetch_allow_hosts)
        except DocumentError as exc:
            log.info("post %s: cannot read its link: %s", article.post.link, exc)
            later = isinstance(exc, PageUnavailable)
        except Exception:
            # A page no rule of the reader's foresaw: the post is not lost over it (its own
            # text stands in, and the page is read again later); the details go to the log.
            log.exception("post %s: reading its link failed", article.post.link)
            later = True
        else:
            return linked_document(article, page), False
    return (text_document(article) if article.own_text is not None else None), later


def group_owner(article: PostArticle) -> int | None:
    """The group a post is its own article of (its /autoindex brought it in); None for a
    channel the operator listed."""
    post = article.post
    return post.group if post.group is not None else None if post.channel else post.chat_id


#: The longest text a group's own article may have: a news story is a few thousand words, and
#: one stranger's link to a 1 MB text held the one indexing worker for five minutes.
GROUP_ARTICLE_CHARS = 200_000


async def index_post(
    state: BotState, article: PostArticle, wanted: Callable[[], bool] = lambda: True
) -> bool:
    """Index one post's article, off the event loop, and serve it; a post seen before with the
    same link and text is not read again. A post edited to carry no article (a retraction, a
    link to a page that cannot be read) has its article removed. Whether it is to be read
    again later (its site was down or slow, or the index could not be written). Nothing is
    written once `wanted()` is false (an admin removed the post while it was read). Run by the
    one indexing worker, so one post at a time."""
    seen = state.channels
    doc_id = article.post.doc_id
    signature = _signature(article)
    try:
        if seen.indexed.get(doc_id) == signature:
            return False
        document, later = await read_post(article, state.settings)
        if (
            document is not None
            and group_owner(article) is not None
            and len(document.text) > GROUP_ARTICLE_CHARS
        ):
            log.warning(
                "post %s: %d characters, more than a group's own article may have (%d); "
                "not indexed",
                article.post.link,
                len(document.text),
                GROUP_ARTICLE_CHARS,
            )
            # The post no longer carries the article it was indexed with: as an edit to no
            # article, its earlier version's article goes.
            if await _retract(state, doc_id):
                log.info("post %s: its earlier article %s removed", article.post.link, doc_id)
            seen.mark_indexed(doc_id, signature)  # not read again: it will not be shorter
            return False
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
            if not wanted():
                log.info("post %s: removed while it was read; not indexed", article.post.link)
                return False
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
    except WriteStopped:
        raise  # the bot is stopping: no try of the post's, which the next start makes
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
