"""A Telegram post (a channel post, or a link an admin posted in a group) -> what to index.

Pure: the post comes in as a PTB Message, the article goes out as values. Fetching the linked
page is the caller's job (the same safe fetcher as /add).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from telegram import Message, MessageEntity

from articlebot.ingest.cleaning import find_byline, first_line_of, looks_like_title
from articlebot.ingest.documents import GROUP_DOC_ID, Document, document_text

#: A post's own text is an article from this many words on: a news brief of three or four
#: short paragraphs is (a new user's 54-word one was skipped at 60); a one-line "read more"
#: teaser or a photo's few words of caption is not.
MIN_POST_WORDS = 30
#: A title made from a post's first sentence is cut here.
MAX_TITLE_CHARS = 100
#: Links to Telegram itself (another post, a channel) are never the article.
_TELEGRAM_HOSTS = {"t.me", "telegram.me", "telegram.dog", "www.t.me"}
_LINK_KINDS = [MessageEntity.URL, MessageEntity.TEXT_LINK]
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s")


@dataclass(frozen=True, slots=True)
class PostRef:
    """A post: the chat it was posted in (a channel, or a group) and its message id there."""

    chat_id: int
    post_id: int
    #: The chat's public @username, when it has one.
    username: str | None = None
    #: A channel's post; False: a message posted in a group, whose article is for that group.
    channel: bool = True
    #: The group a channel post's article is kept to (the channel was opted in by that group's
    #: /autoindex, not by the operator); None: every chat may be answered from it.
    group: int | None = None

    @property
    def prefix(self) -> str:
        """The start of the doc_id of every post of this post's channel (or group) kept where
        this one is kept."""
        own = doc_prefix(self.chat_id, self.channel)
        return own if self.group is None else f"{doc_prefix(self.group, False)}{own}"

    @property
    def doc_id(self) -> str:
        """The post's article id: one per post, the same after edits and username changes."""
        return f"{self.prefix}{self.post_id}"

    def to_json(self) -> str:
        """This post as one JSON object (kept with its comment thread in the chat state)."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_dict(cls, post: dict[str, Any]) -> PostRef:
        """The post `dataclasses.asdict` gave; TypeError or KeyError for anything else."""
        return cls(
            _typed(post["chat_id"], int),
            _typed(post["post_id"], int),
            _typed(post.get("username"), str, optional=True),
            _typed(post.get("channel", True), bool),
            _typed(post.get("group"), int, optional=True),
        )

    @classmethod
    def from_json(cls, text: str) -> PostRef:
        """The post `to_json` wrote; ValueError for anything else."""
        try:
            return cls.from_dict(json.loads(text))
        except (KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise ValueError(f"not a kept post ({type(exc).__name__}: {exc})") from None

    def kept_in(self, group: int | None) -> PostRef:
        """This post with its article kept to `group` (None: answered from in every chat)."""
        return dataclasses.replace(self, group=group)

    @property
    def link(self) -> str:
        """The post's t.me link: t.me/<channel>/<id> when public, t.me/c/<id>/<id> (members
        only) otherwise."""
        if self.username:
            return f"https://t.me/{self.username}/{self.post_id}"
        return f"https://t.me/c/{internal_id(self.chat_id)}/{self.post_id}"


@dataclass(frozen=True, slots=True)
class PostArticle:
    """What to index for one post: the page behind its link, or its own text, or both (the
    text is used when the page cannot be read)."""

    post: PostRef
    article_url: str | None
    #: The post's own text, when it is long enough to be an article.
    own_text: str | None
    #: A digest of the post's whole text, however short: an edit of it ("WITHDRAWN: <the same
    #: link>") is read again, the same post delivered twice (itself, its forward) once.
    digest: str = ""
    #: When this version of the post was made (Unix time: of its edit, else of the post; 0 when
    #: not known): deliveries come out of order, and an older version must not replace it.
    version_at: int = 0
    #: Whether this version is an edit: it is newer than the post itself at the same second.
    edited: bool = False

    def to_json(self) -> str:
        """This post article as one JSON object (kept while it waits to be indexed)."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> PostArticle:
        """The post article `to_json` wrote; ValueError for anything else (a record damaged
        where it was kept)."""
        try:
            data = json.loads(text)
            ref = PostRef.from_dict(data["post"])
            return cls(
                ref,
                _typed(data["article_url"], str, optional=True),
                _typed(data["own_text"], str, optional=True),
                _typed(data.get("digest", ""), str),
                _typed(data.get("version_at", 0), int),
                _typed(data.get("edited", False), bool),
            )
        except (KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise ValueError(f"not a kept post ({type(exc).__name__}: {exc})") from None


def _typed(value: object, kind: type, optional: bool = False) -> Any:
    """`value` when it is a `kind` (or None, when `optional`; a bool is no int); TypeError
    otherwise."""
    if (value is None and optional) or (
        isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
    ):
        return value
    raise TypeError(f"{value!r} is not of type {kind.__name__}{' or None' if optional else ''}")


def internal_id(chat_id: int) -> int:
    """A supergroup's or channel's id as t.me/c/ links spell it (without the -100)."""
    text = str(abs(chat_id))
    return int(text[3:]) if text.startswith("100") and len(text) > 3 else abs(chat_id)


def doc_prefix(chat_id: int, channel: bool = True) -> str:
    """The start of the doc_id of every post from `chat_id`."""
    return f"{'tg' if channel else 'chat'}{abs(chat_id)}-"


#: A post's article id (`PostRef.doc_id`): a channel's post, a group's own, or a channel's post
#: kept to the group that opted it in.
POST_DOC_ID = re.compile(r"(?:chat\d+-(?:tg\d+-)?|tg\d+-)\d+")


def is_post(doc_id: str) -> bool:
    """Whether `doc_id` is the article of a channel's or a group's post."""
    return POST_DOC_ID.fullmatch(doc_id) is not None


def private_to(doc_id: str) -> int | None:
    """The group (its id without sign) a document belongs to: a link posted there, or a post of
    a channel only that group opted in; None for every other document, which any chat may be
    answered from."""
    match = GROUP_DOC_ID.fullmatch(doc_id)
    return int(match.group(1)) if match else None


def visible_in(
    doc_ids: Iterable[str], chat_id: int | None, former: Iterable[int] = ()
) -> list[str]:
    """Of `doc_ids`, those a chat may be answered from: all but other groups' own documents.
    `former`: the ids the chat had before (a group become a supergroup), whose own documents
    are the chat's too."""
    # Ids keep a group's number without its sign; groups' ids are negative and users' positive,
    # so only a group is a document's group (a user whose id is the same number is not).
    own = {-chat for chat in (chat_id, *former) if chat is not None and chat < 0}
    return [d for d in doc_ids if (group := private_to(d)) is None or group in own]


def post_ref(message: Message) -> PostRef:
    """The post `message` is: its chat and message id."""
    chat = message.chat
    return PostRef(chat.id, message.message_id, chat.username, chat.type == chat.CHANNEL)


def post_text(message: Message) -> str:
    """The post's text, or its caption (a photo or video post)."""
    return message.text or message.caption or ""


def links(message: Message) -> list[str]:
    """The http(s) links of a post, in order: its link preview's first, then its entities'."""
    found: list[str] = []
    preview = message.link_preview_options
    if preview is not None and preview.url and not preview.is_disabled:
        found.append(preview.url)
    entities = (
        message.parse_entities(_LINK_KINDS)
        if message.text
        else message.parse_caption_entities(_LINK_KINDS)
    )
    for entity, shown in sorted(entities.items(), key=lambda item: item[0].offset):
        url = entity.url if entity.type == MessageEntity.TEXT_LINK else shown
        if url and "://" not in url:
            url = f"https://{url}"  # Telegram marks bare "example.com/news" as a link
        if url:
            found.append(url)
    return [url for i, url in enumerate(found) if url not in found[:i] and _is_article_link(url)]


def _is_article_link(url: str) -> bool:
    try:
        parsed = urlparse(url)
    except ValueError:
        return False
    host = (parsed.hostname or "").lower()
    return parsed.scheme in {"http", "https"} and bool(host) and host not in _TELEGRAM_HOSTS


def word_count(text: str) -> int:
    """Words in `text`, as the article-length threshold counts them."""
    return len(re.findall(r"\w+", text))


def without_links(text: str, urls: list[str]) -> str:
    """`text` without the links it shows (a bare URL is no words of the article)."""
    for url in urls:
        text = text.replace(url, " ").replace(url.removeprefix("https://"), " ")
    return text


def what_to_index(message: Message) -> PostArticle | None:
    """What to index for a post: the article behind its link, and its own text when that is
    long enough to be an article; None when it has neither (a photo, a poll, a one-line
    teaser without a link)."""
    text = post_text(message)
    urls = links(message)
    own = text.strip() if word_count(without_links(text, urls)) >= MIN_POST_WORDS else None
    if not urls and own is None:
        return None
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    url = urls[0] if urls else None
    edited = message.edit_date is not None
    return PostArticle(post_ref(message), url, own, digest, version_at(message), edited)


def version_at(message: Message) -> int:
    """When this version of a post was made: its edit's time, else the post's (an automatic
    forward's own date is when it was copied, its origin's when the channel posted it)."""
    if message.edit_date is not None:
        return int(message.edit_date.timestamp())
    origin = message.forward_origin if message.is_automatic_forward else None
    return int((origin.date if origin is not None else message.date).timestamp())


def _first_sentence(text: str) -> str:
    first = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]
    if len(first) <= MAX_TITLE_CHARS:
        return first
    return first[: MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def text_document(article: PostArticle) -> Document:
    """The post's own text as a document: its first line is the title when it reads as one,
    else its first sentence, shortened, names it."""
    assert article.own_text is not None
    text = document_text(article.own_text)
    first, _, rest = text.partition("\n")
    if rest.strip() and looks_like_title(first, next_line=first_line_of(rest)):
        title, body_start = first.strip(), len(first) + 1
    else:
        title, body_start = _first_sentence(text), 0
    return Document(
        doc_id=article.post.doc_id,
        title=title,
        text=text,
        source=article.post.link,
        byline=find_byline(text[body_start:]),
        body_start=body_start,
        id_given=True,
    )


def linked_document(article: PostArticle, page: Document) -> Document:
    """The page behind a post's link, known by the post: its id and its t.me link."""
    return dataclasses.replace(
        page, doc_id=article.post.doc_id, source=article.post.link, id_given=True
    )
