"""A fake Telegram Bot API server for end-to-end tests of the bot.

:class:`FakeBotApi` serves the Bot API's HTTP interface on loopback from a daemon
thread, using only the standard library, so it works with whichever asyncio event
loop a test runs in.  Point the real python-telegram-bot ``Application`` at it::

    with FakeBotApi() as api:
        app = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(f"{api.url}/bot")
            .base_file_url(f"{api.url}/file/bot")
            .build()
        )
        ...
        api.push_update(api.private_message(42, "/start"))
        [reply] = await api.await_messages(42, 1)

Every update and every reply crosses real HTTP as Bot API JSON.  Incoming updates
are built with PTB's own types (``telegram.Message(...).to_dict()``), so they are
valid Bot API JSON.  Answers mimic the real API, including its common errors
(over-long or empty text, malformed HTML, unknown callback query ids, "message is
not modified", bad inline keyboard buttons, 401 for a wrong token).

In an ``async`` test the bot runs on the test's own event loop, so wait with the
``await_*`` helpers there; the blocking ``wait_for*`` helpers are for sync code.
"""

from __future__ import annotations

import asyncio
import copy
import email.parser
import email.policy
import itertools
import json
import random
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import telegram

__all__ = [
    "DEFAULT_TOKEN",
    "DEFAULT_USER_ID",
    "MAX_MESSAGE_LENGTH",
    "ApiCall",
    "FakeBotApi",
    "HtmlParseError",
    "command_entity",
    "detect_entities",
    "make_user",
    "mention_entity",
    "parse_html",
    "utf16_len",
]

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-token-abcdef"
"""The token a :class:`FakeBotApi` accepts unless told otherwise."""

DEFAULT_USER_ID = 111111
"""Id of the user the message builders use when none is given (groups only)."""

MAX_MESSAGE_LENGTH = 4096
"""Telegram's limit on a message's text, counted after entity parsing."""

_MAX_CALLBACK_ANSWER_LENGTH = 200
_MAX_INLINE_RESULTS = 50

# Parameters whose value is a string in the Bot API.  PTB sends strings unencoded
# and everything else JSON-encoded, so these must not be passed to json.loads
# (a text "123" has to stay the string "123").
_STRING_PARAMS = frozenset(
    {
        "action",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "certificate",
        "custom_emoji_id",
        "data",
        "description",
        "emoji",
        "explanation",
        "file_id",
        "first_name",
        "inline_message_id",
        "inline_query_id",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "next_offset",
        "parse_mode",
        "payload",
        "query",
        "question",
        "secret_token",
        "short_description",
        "start_parameter",
        "switch_pm_parameter",
        "switch_pm_text",
        "text",
        "title",
        "url",
        "username",
    }
)

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

_BOT_PATH_RE = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?$")
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_AUTO_COMMAND_RE = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?!\w)")
_AUTO_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,32}(?!\w)")
_BOT_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- #
# Telegram's HTML parse mode
# --------------------------------------------------------------------------- #

_HTML_TAGS: Mapping[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_HTML_ENTITIES: Mapping[str, str] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([A-Za-z][A-Za-z0-9]*));")
_HTML_TEXT_RUN_RE = re.compile(r"[^<&]+")
_TG_USER_URL_RE = re.compile(r"^tg://user\?id=(\d+)$")


class HtmlParseError(ValueError):
    """Raised by :func:`parse_html` with a description in Telegram's wording."""


@dataclass
class _OpenTag:
    name: str
    index: int  # index of "<" in the source, for error messages
    start: int  # UTF-16 offset in the output where the tag's content starts
    attrs: dict[str, str]
    language: str | None = None


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_html_entity(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED_HTML_ENTITIES.get(name)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _read_until_space_or_gt(text: str, index: int) -> int:
    while index < len(text) and not text[index].isspace() and text[index] != ">":
        index += 1
    return index


def _skip_spaces(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _parse_start_tag(text: str, index: int, *, strict: bool) -> tuple[str, dict[str, str], int]:
    """Parse the start tag at ``text[index] == "<"``; return name, attributes, end index."""
    offset = _byte_offset(text, index)
    name_end = _read_until_space_or_gt(text, index + 1)
    if name_end >= len(text):
        raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
    name = text[index + 1 : name_end].lower()
    if name not in _HTML_TAGS:
        raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {offset}')

    attrs: dict[str, str] = {}
    i = name_end
    while True:
        i = _skip_spaces(text, i)
        if i >= len(text):
            raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
        if text[i] == ">":
            return name, attrs, i + 1
        attr_start = i
        while i < len(text) and not text[i].isspace() and text[i] not in "=>":
            i += 1
        attr_name = text[attr_start:i].lower()
        if not attr_name:
            raise HtmlParseError(
                f'Empty attribute name in the tag "{name}" at byte offset {_byte_offset(text, i)}'
            )
        i = _skip_spaces(text, i)
        if i >= len(text) or text[i] != "=":
            if name == "blockquote" and attr_name == "expandable":
                attrs[attr_name] = ""
                continue
            raise HtmlParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                f"at byte offset {_byte_offset(text, i)}"
            )
        i = _skip_spaces(text, i + 1)
        if i >= len(text):
            raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
        if text[i] in "'\"":
            quote = text[i]
            i += 1
            value_parts: list[str] = []
            while i < len(text) and text[i] != quote:
                if text[i] == "&":
                    match = _HTML_ENTITY_RE.match(text, i)
                    decoded = _decode_html_entity(match) if match else None
                    if decoded is not None and match is not None:
                        value_parts.append(decoded)
                        i = match.end()
                        continue
                    if strict:
                        raise HtmlParseError(
                            f"Unsupported HTML entity at byte offset {_byte_offset(text, i)}"
                        )
                value_parts.append(text[i])
                i += 1
            if i >= len(text):
                raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
            attrs[attr_name] = "".join(value_parts)
            i += 1
        else:
            value_start = i
            while i < len(text) and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            if i >= len(text) or not (text[i].isspace() or text[i] == ">"):
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, i)}"
                )
            attrs[attr_name] = text[value_start:i].lower()


def _entity_for(tag: _OpenTag, content: str, offset: int, length: int) -> JSONDict | None:
    """The MessageEntity dict for a closed tag, or None if it yields no entity."""
    entity: JSONDict = {"type": _HTML_TAGS[tag.name], "offset": offset, "length": length}
    if tag.name == "a":
        url = tag.attrs.get("href") or content
        if not url:
            return None
        user_match = _TG_USER_URL_RE.match(url)
        if user_match:
            entity["type"] = "text_mention"
            entity["user"] = {"id": int(user_match.group(1)), "is_bot": False, "first_name": ""}
        else:
            entity["url"] = url
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    return entity


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[JSONDict]]:
    """Parse ``text`` as Telegram's HTML parse mode.

    Returns the plain text and its MessageEntity dicts (offsets in UTF-16 code
    units, sorted by offset).  Raises :class:`HtmlParseError` for what Telegram
    rejects: unknown tags, unbalanced tags, a stray ``<``.  With ``strict`` (the
    default) a ``&`` that does not start ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;`` or
    a numeric character reference is rejected as well; real Telegram keeps such a
    ``&`` as literal text, but text produced by ``html.escape`` never contains one,
    so strict mode catches a forgotten escape.
    """
    out: list[str] = []
    position = 0  # UTF-16 length of the output so far
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []
    i = 0
    while i < len(text):
        run = _HTML_TEXT_RUN_RE.match(text, i)
        if run:
            out.append(run.group())
            position += utf16_len(run.group())
            i = run.end()
            continue
        if text[i] == "&":
            match = _HTML_ENTITY_RE.match(text, i)
            decoded = _decode_html_entity(match) if match else None
            if decoded is not None and match is not None:
                i = match.end()
            elif strict:
                raise HtmlParseError(
                    f"Unsupported HTML entity at byte offset {_byte_offset(text, i)}"
                )
            else:
                decoded = "&"
                i += 1
            out.append(decoded)
            position += utf16_len(decoded)
            continue

        # text[i] == "<"
        offset = _byte_offset(text, i)
        if text.startswith("</", i):
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {offset}")
            name_end = _read_until_space_or_gt(text, i + 2)
            name = text[i + 2 : name_end].lower()
            close = _skip_spaces(text, name_end)
            if close >= len(text) or text[close] != ">":
                raise HtmlParseError(f"Unclosed end tag at byte offset {offset}")
            tag = stack.pop()
            if name != tag.name:
                raise HtmlParseError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{tag.name}>", '
                    f'found "</{name}>"'
                )
            i = close + 1
            if tag.name == "code" and stack and stack[-1].name == "pre":
                language = tag.attrs.get("class", "")
                if language.startswith("language-"):
                    # <pre><code class="language-x"> is one pre entity with a language.
                    stack[-1].language = language.removeprefix("language-")
                    continue
            length = position - tag.start
            if length > 0:
                content = "".join(out)[-length:] if tag.name == "a" else ""
                entity = _entity_for(tag, content, tag.start, length)
                if entity is not None:
                    entities.append(entity)
            continue

        name, attrs, i_next = _parse_start_tag(text, i, strict=strict)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        if name == "tg-emoji" and not attrs.get("emoji-id"):
            raise HtmlParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}'
            )
        stack.append(_OpenTag(name=name, index=i, start=position, attrs=attrs))
        i = i_next

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _strip_text(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Strip surrounding whitespace as Telegram does, shifting and clipping entities."""
    left_stripped = text.lstrip()
    shift = utf16_len(text[: len(text) - len(left_stripped)])
    stripped = left_stripped.rstrip()
    total = utf16_len(stripped)
    result: list[JSONDict] = []
    for entity in entities:
        start = max(int(entity["offset"]) - shift, 0)
        end = min(int(entity["offset"]) + int(entity["length"]) - shift, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


# --------------------------------------------------------------------------- #
# Entity helpers and builders of Bot API objects
# --------------------------------------------------------------------------- #


def mention_entity(text: str, username: str) -> JSONDict:
    """A ``mention`` MessageEntity dict for the first ``@username`` in ``text``.

    ``username`` may be given with or without the leading ``@``.  Offsets are in
    UTF-16 code units.  Raises ValueError if the mention is not in ``text``.
    """
    mention = "@" + username.removeprefix("@")
    match = re.search(re.escape(mention) + r"(?!\w)", text)
    if match is None:
        raise ValueError(f"{mention!r} does not occur in {text!r}")
    return {
        "type": "mention",
        "offset": utf16_len(text[: match.start()]),
        "length": utf16_len(mention),
    }


def command_entity(text: str) -> JSONDict:
    """A ``bot_command`` MessageEntity dict for the ``/command[@bot]`` starting ``text``.

    Raises ValueError if ``text`` does not start with a command.
    """
    match = _COMMAND_RE.match(text)
    if match is None:
        raise ValueError(f"{text!r} does not start with a /command")
    return {"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}


def detect_entities(text: str) -> list[JSONDict]:
    """The ``bot_command`` and ``mention`` entities Telegram would add to a user's text."""
    entities: list[JSONDict] = []
    for regex, kind in ((_AUTO_COMMAND_RE, "bot_command"), (_AUTO_MENTION_RE, "mention")):
        for match in regex.finditer(text):
            entities.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group()),
                }
            )
    entities.sort(key=lambda e: e["offset"])
    return entities


def make_user(user_id: int, first_name: str = "Alice", username: str | None = None) -> JSONDict:
    """A (human) User dict, built with ``telegram.User``."""
    return telegram.User(
        id=user_id, first_name=first_name, is_bot=False, username=username
    ).to_dict()


def _as_dict(obj: Mapping[str, Any] | telegram.TelegramObject) -> JSONDict:
    """A deep, JSON-clean copy of a Bot API dict or a PTB object."""
    raw = obj.to_dict() if isinstance(obj, telegram.TelegramObject) else dict(obj)
    return json.loads(json.dumps(raw))


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# --------------------------------------------------------------------------- #
# Recording and fault injection
# --------------------------------------------------------------------------- #


@dataclass
class ApiCall:
    """One request the fake Bot API received.

    ``method`` is the canonical Bot API name (``"sendMessage"``) for known methods,
    otherwise the name as requested.  ``params`` holds the decoded parameters.
    ``faulted`` is true when an injected fault answered the call instead of the
    normal handler.  ``status`` is the HTTP status answered (0 when the connection
    was dropped without an answer) and ``response`` the JSON body answered.
    """

    method: str
    params: dict[str, Any]
    time: float
    faulted: bool = False
    status: int = 200
    response: JSONDict | None = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)


@dataclass
class _Fault:
    method: str  # lower-cased method name or "*"
    status: int
    retry_after: int | None
    delay: float
    remaining: int
    description: str | None
    #: For status 200 with `replaced`: the ``result`` answered instead of the method's own.
    result: Any = None
    replaced: bool = False


class _ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class _DropConnection(Exception):
    """Close the connection without answering (server stopping or paused, or a fault)."""


def _bad_request(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


_FAULT_DESCRIPTIONS: Mapping[int, str] = {
    400: "Bad Request: injected fault",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def _fault_error(fault: _Fault) -> _ApiError:
    if fault.status == 429:
        retry_after = 1 if fault.retry_after is None else fault.retry_after
        return _ApiError(
            429,
            fault.description or f"Too Many Requests: retry after {retry_after}",
            {"retry_after": retry_after},
        )
    description = fault.description or _FAULT_DESCRIPTIONS.get(fault.status)
    if description is None:
        try:
            description = HTTPStatus(fault.status).phrase
        except ValueError:
            description = "Injected fault"
    return _ApiError(fault.status, description)


# --------------------------------------------------------------------------- #
# HTTP plumbing
# --------------------------------------------------------------------------- #


def _decode_value(name: str, value: str) -> Any:
    """Decode one form field as PTB encodes it: strings raw, everything else as JSON."""
    if name in _STRING_PARAMS:
        return value
    if value[:1] in ("{", "[", "-") or value[:1].isdigit() or value in ("true", "false", "null"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """Split a multipart/form-data body into text fields and uploaded files."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in message.iter_parts():  # type: ignore[attr-defined]
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            fields[str(name)] = payload.decode("utf-8")
        else:
            files[str(name)] = (str(filename), payload)
    return fields, files


def _parse_params(
    query: str, content_type: str, body: bytes
) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """Decode a request's parameters from its query string and body."""
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        params[name] = _decode_value(name, value)
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params, files
    if media_type == "application/json":
        decoded = json.loads(body.decode("utf-8"))
        if not isinstance(decoded, dict):
            raise _bad_request("request body must be a JSON object")
        params.update(decoded)
    elif media_type == "multipart/form-data":
        fields, files = _parse_multipart(content_type, body)
        params.update({name: _decode_value(name, value) for name, value in fields.items()})
    else:  # application/x-www-form-urlencoded, or no content type at all
        for name, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
            params[name] = _decode_value(name, value)
    return params, files


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], api: FakeBotApi, generation: int) -> None:
        self.api = api
        self.generation = generation
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client went away (e.g. a cancelled long poll)."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 30

    def do_GET(self) -> None:
        """Serve a GET request."""
        self._serve()

    def do_POST(self) -> None:
        """Serve a POST request."""
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Do not log requests to stderr."""

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        # Every answer closes the connection, so that pause() and stop() leave no
        # kept-alive connection that could still be served.
        self.close_connection = True
        body = self._read_body()
        file_bytes = self.server.api._file_download(self.path)
        if file_bytes is not None:
            self._send(file_bytes[0], "application/octet-stream", file_bytes[1])
            return
        answer = self.server.api._handle_request(
            self.path, self.headers.get("Content-Type", ""), body, self.server.generation
        )
        if answer is None:
            return  # drop the connection without an answer
        status, payload = answer
        self._send(status, "application/json", json.dumps(payload).encode("utf-8"))

    def _send(self, status: int, content_type: str, data: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client went away


# --------------------------------------------------------------------------- #
# The fake server
# --------------------------------------------------------------------------- #


class FakeBotApi:
    """A fake Telegram Bot API server on loopback, for tests with the real PTB stack.

    Use as a context manager (or call :meth:`start` and :meth:`stop`).  Build the
    Application with ``.base_url(f"{api.url}/bot")`` and
    ``.base_file_url(f"{api.url}/file/bot")``.  Requests are served from a daemon
    thread; all state is guarded by one lock, so the helpers are safe to call from
    any thread or event loop.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_first_name: str = "ArticleBot",
        bot_username: str = "articlebot_test_bot",
        strict_html: bool = True,
    ) -> None:
        """Configure the server; nothing listens until :meth:`start`.

        ``strict_html`` rejects a bare ``&`` in HTML text (see :func:`parse_html`).
        """
        self.token = token
        self.host = host
        self.port = port
        self.strict_html = strict_html
        self.bot_user: JSONDict = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.calls: list[ApiCall] = []

        self._cond = threading.Condition(threading.RLock())
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._generation = 0  # bumped by stop()/pause(); long polls of an old one end
        self._serving = False
        self._updates: list[JSONDict] = []
        self._next_update_id = 1
        self._incoming_ids = itertools.count(1)  # ids of messages from users
        self._query_ids = itertools.count(1)  # ids of callback and inline queries
        self._next_message_id: dict[int, int] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        #: Users' messages deleted in their chat (`delete_user_message`).
        self._deleted: set[tuple[int, int]] = set()
        self._sent: list[JSONDict] = []
        self._chats: dict[int, JSONDict] = {}
        self._open_queries: set[str] = set()
        self._faults: list[_Fault] = []
        self._files: dict[str, tuple[str, bytes]] = {}
        self._random_faults: tuple[float, list[dict[str, Any]], random.Random] | None = None
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._webhook: JSONDict | None = None
        self._admins: dict[int, dict[int, str]] = {}  # chat -> user -> creator/administrator
        # Webhook deliveries (see deliver_webhook_to): where, what is on its way, what happened.
        self._targets: list[str] = []
        self._in_flight: set[int] = set()
        self._delivery_threads: list[threading.Thread] = []
        self._delivering = False
        self.deliveries: list[tuple[int, str, int]] = []  # (update_id, target, HTTP status; 0)
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": self._get_me,
            "getFile": self._get_file,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "sendChatAction": self._send_chat_action,
            "leaveChat": self._true_for_chat,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "close": self._true,
            "logOut": self._true,
        }
        self._canonical = {name.lower(): name for name in self._handlers}

    # ----------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """Base URL of the server, e.g. ``http://127.0.0.1:PORT`` (after start)."""
        if not self.port:
            raise RuntimeError("FakeBotApi is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The value for ``ApplicationBuilder().base_url(...)``."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """The value for ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"

    def start(self) -> FakeBotApi:
        """Start serving on ``host`` and an ephemeral (or the given) port."""
        with self._cond:
            if self._serving:
                return self
            self._serve()
        return self

    def stop(self) -> None:
        """Stop serving: pending long polls are dropped, the port is released; webhook
        deliveries end."""
        with self._cond:
            self._delivering = False
            self._cond.notify_all()
        for thread in self._delivery_threads:
            thread.join(timeout=15)
        self._shutdown_server()

    # ----------------------------------------------------------------- webhook delivery

    def deliver_webhook_to(self, targets: Sequence[str], connections: int = 4) -> None:
        """Deliver updates as Telegram does once a webhook is set: each pending update is POSTed
        (with the webhook's secret token header) and kept until a target answers 200; a refused
        connection, an error status or a dropped request is retried after a moment. `targets`
        stand for the load balancer behind the webhook's public URL: the bot's own servers,
        tried in turn. At most `connections` deliveries are under way at once."""
        with self._cond:
            self._targets = list(targets)
            self._delivering = True
        for n in range(connections):
            thread = threading.Thread(
                target=self._deliver_loop, args=(n,), name=f"FakeBotApi-webhook-{n}", daemon=True
            )
            self._delivery_threads.append(thread)
            thread.start()

    def _next_delivery(self) -> tuple[JSONDict, str] | None:
        """The oldest update not on its way, and the webhook's secret; waits for one."""
        with self._cond:
            while self._delivering:
                if self._webhook is not None:
                    for update in self._updates:
                        if update["update_id"] not in self._in_flight:
                            self._in_flight.add(update["update_id"])
                            return update, str(self._webhook.get("secret_token") or "")
                self._cond.wait(0.1)
        return None

    def _deliver_loop(self, worker: int) -> None:
        turn = worker
        while (next_one := self._next_delivery()) is not None:
            update, secret = next_one
            target = self._targets[turn % len(self._targets)]
            turn += 1
            request = urllib.request.Request(
                target,
                data=json.dumps(update).encode(),
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": secret,
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=20) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            with self._cond:
                self.deliveries.append((update["update_id"], target, status))
                self._in_flight.discard(update["update_id"])
                if status == 200:
                    self._updates = [u for u in self._updates if u is not update]
                self._cond.notify_all()
            if status != 200:
                time.sleep(0.2)

    def delivered_to(self, target: str) -> list[int]:
        """The update ids `target` accepted (answered 200)."""
        with self._cond:
            return [
                uid for uid, where, status in self.deliveries if where == target and status == 200
            ]

    def pause(self) -> None:
        """Refuse connections (the listening socket is closed) until :meth:`resume`.

        Requests in flight, long polls included, are dropped without an answer, so
        the client sees a network error, as in a real outage.
        """
        self._shutdown_server()

    def resume(self) -> None:
        """Serve again on the same port after :meth:`pause`."""
        with self._cond:
            if not self._serving:
                self._serve()

    @property
    def serving(self) -> bool:
        """Whether the server currently accepts connections."""
        return self._serving

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _serve(self) -> None:
        server = _Server((self.host, self.port), self, self._generation)
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"FakeBotApi:{self.port}",
            daemon=True,
        )
        self._serving = True
        self._thread.start()

    def _shutdown_server(self) -> None:
        with self._cond:
            server, thread = self._server, self._thread
            self._server = self._thread = None
            self._serving = False
            self._generation += 1
            self._cond.notify_all()
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=2)

    # ----------------------------------------------------------------- requests

    def _handle_request(
        self, path: str, content_type: str, body: bytes, generation: int
    ) -> tuple[int, JSONDict] | None:
        """Answer one HTTP request: (status, JSON body), or None to drop the connection."""
        received = time.time()
        split = urlsplit(path)
        match = _BOT_PATH_RE.match(split.path)
        if match is None:
            return 404, _ApiError(404, "Not Found").payload()
        requested = match.group("method")
        method = self._canonical.get(requested.lower(), requested)
        call = ApiCall(method=method, params={}, time=received)
        try:
            call.params, call.files = _parse_params(split.query, content_type, body)
            if match.group("token") != self.token:
                raise _ApiError(401, "Unauthorized")
            fault = self._take_fault(method)
            if fault is not None:
                call.faulted = fault.status != 200
                self._sleep(fault.delay, generation)
                if fault.status == 0:
                    raise _DropConnection
                if fault.status != 200:
                    raise _fault_error(fault)
            handler = self._handlers.get(method)
            if handler is None:
                raise _ApiError(404, "Not Found: method not found")
            if fault is not None and fault.replaced:
                result = fault.result
            elif method == "getUpdates":  # the long poll must notice stop() and pause()
                result = self._get_updates(call.params, generation)
            else:
                result = handler(call.params)
            call.status, call.response = 200, {"ok": True, "result": result}
        except _DropConnection:
            call.status, call.response = 0, None
        except _ApiError as error:
            call.status, call.response = error.status, error.payload()
        except (ValueError, TypeError, KeyError) as error:
            invalid = _bad_request(f"invalid parameters: {error!r}")
            call.status, call.response = invalid.status, invalid.payload()
        except Exception as error:  # a bug in the fake: answer it visibly, as a 500
            bug = _ApiError(500, f"Internal Server Error: FakeBotApi failed: {error!r}")
            call.status, call.response = bug.status, bug.payload()
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
        return None if call.response is None else (call.status, call.response)

    def _sleep(self, delay: float, generation: int) -> None:
        """Sleep ``delay`` seconds; drop the request if the server stops meanwhile."""
        if delay <= 0:
            return
        deadline = time.monotonic() + delay
        with self._cond:
            while self._generation == generation:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(remaining)
        raise _DropConnection

    def inject_randomly(self, rate: float, faults: Sequence[dict[str, Any]], seed: int = 0) -> None:
        """From now on, answer a share ``rate`` of all calls with one of ``faults`` (each a dict
        of ``inject`` keyword arguments, e.g. ``{"status": 500}``), chosen with a seeded RNG."""
        with self._cond:
            self._random_faults = (rate, list(faults), random.Random(seed))

    def _take_fault(self, method: str) -> _Fault | None:
        with self._cond:
            if self._random_faults is not None:
                rate, choices, rng = self._random_faults
                if rng.random() < rate:
                    kw = rng.choice(choices)
                    return _Fault(
                        "*",
                        kw.get("status", 500),
                        kw.get("retry_after"),
                        kw.get("delay", 0.0),
                        1,
                        kw.get("description"),
                    )
            for fault in self._faults:
                if fault.method in ("*", method.lower()):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # ----------------------------------------------------------------- fault injection

    def inject(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int = 1,
        description: str | None = None,
        **result: Any,
    ) -> None:
        """Make the next ``times`` calls to ``method`` (``"*"``: any method) misbehave.

        ``status`` 429 answers "Too Many Requests" with ``retry_after`` (default 1);
        other statuses answer the Bot API error for that code; 200 answers normally
        after ``delay`` seconds; 0 drops the connection without an answer (a network
        error for the client).  ``delay`` is waited before any of these.  Faults are
        used up in the order injected.  Note that ``"*"`` also hits the
        ``getUpdates`` calls of a polling Application.  With status 200, ``result=...``
        answers ``{"ok": true, "result": ...}`` instead of the method's own result (a server
        that only looks like the Bot API).
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if set(result) - {"result"}:
            raise TypeError(f"unexpected arguments: {sorted(set(result) - {'result'})}")
        name = "*" if method == "*" else method.lower()
        fault = _Fault(name, status, retry_after, delay, times, description)
        if "result" in result:
            fault.result, fault.replaced = result["result"], True
        with self._cond:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        """Forget all injected faults that are not used up yet."""
        with self._cond:
            self._faults.clear()
            self._random_faults = None

    # ----------------------------------------------------------------- recording

    def calls_to(self, method: str) -> list[ApiCall]:
        """The recorded calls to ``method`` (case-insensitive), oldest first."""
        name = method.lower()
        with self._cond:
            return [call for call in self.calls if call.method.lower() == name]

    def sent_messages(self, chat_id: int | None = None) -> list[JSONDict]:
        """Messages sent with sendMessage (as answered then), optionally for one chat."""
        with self._cond:
            return [
                copy.deepcopy(message)
                for message in self._sent
                if chat_id is None or message["chat"]["id"] == chat_id
            ]

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """The current state of a message (after edits), or None if unknown."""
        with self._cond:
            message = self._messages.get((chat_id, message_id))
            return copy.deepcopy(message) if message is not None else None

    def reset_calls(self) -> None:
        """Forget the recorded calls (messages sent so far stay known)."""
        with self._cond:
            self.calls.clear()

    @property
    def pending_updates(self) -> int:
        """How many pushed updates getUpdates has not seen confirmed yet."""
        with self._cond:
            return len(self._updates)

    @property
    def webhook(self) -> JSONDict | None:
        """The webhook set with setWebhook (url, secret_token, ...), or None."""
        with self._cond:
            return copy.deepcopy(self._webhook)

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The bot commands set for ``scope`` (default scope) and ``language_code``."""
        with self._cond:
            return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    # ----------------------------------------------------------------- waiting

    def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10,
        *,
        description: str | None = None,
    ) -> None:
        """Block until ``predicate()`` is true; AssertionError after ``timeout`` seconds.

        Do not use this in an async test while the bot runs on the same event loop
        (it would block the bot): use :meth:`await_for` there.
        """
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                raise AssertionError(self._timeout_report(predicate, timeout, description))
            time.sleep(0.01)

    async def await_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10,
        *,
        description: str | None = None,
    ) -> None:
        """Like :meth:`wait_for`, but polls with ``asyncio.sleep``."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                raise AssertionError(self._timeout_report(predicate, timeout, description))
            await asyncio.sleep(0.01)

    def wait_for_messages(
        self, chat_id: int | None, count: int, timeout: float = 10
    ) -> list[JSONDict]:
        """Wait until ``count`` messages were sent to ``chat_id``; return all sent there."""
        self.wait_for(
            lambda: len(self.sent_messages(chat_id)) >= count,
            timeout,
            description=f"{count} message(s) sent to chat {chat_id}",
        )
        return self.sent_messages(chat_id)

    async def await_messages(
        self, chat_id: int | None, count: int, timeout: float = 10
    ) -> list[JSONDict]:
        """Like :meth:`wait_for_messages`, but polls with ``asyncio.sleep``."""
        await self.await_for(
            lambda: len(self.sent_messages(chat_id)) >= count,
            timeout,
            description=f"{count} message(s) sent to chat {chat_id}",
        )
        return self.sent_messages(chat_id)

    def _timeout_report(
        self, predicate: Callable[[], bool], timeout: float, description: str | None
    ) -> str:
        what = description or getattr(predicate, "__qualname__", repr(predicate))
        with self._cond:
            recent = self.calls[-15:]
            total, sent = len(self.calls), len(self._sent)
            pending = len(self._updates)
        lines = [
            f"timed out after {timeout}s waiting for: {what}",
            f"{total} call(s) recorded, {sent} message(s) sent, {pending} update(s) pending;"
            " most recent calls:",
        ]
        for call in recent:
            flags = " FAULTED" if call.faulted else ""
            params = json.dumps(call.params, ensure_ascii=False, default=str)
            if len(params) > 200:
                params = params[:197] + "..."
            lines.append(f"  {call.method} -> {call.status}{flags} {params}")
        return "\n".join(lines)

    # ----------------------------------------------------------------- updates

    def push_update(self, update: Mapping[str, Any] | telegram.TelegramObject) -> int:
        """Queue an update for getUpdates, waking long polls; return its ``update_id``.

        A missing ``update_id`` is assigned.  The update is checked by parsing it as
        ``telegram.Update`` first, so a malformed one fails here, in the test.
        """
        data = _as_dict(update)
        with self._cond:
            if "update_id" in data:
                update_id = int(data["update_id"])
            else:
                update_id = self._next_update_id
                data = {"update_id": update_id, **data}
            self._next_update_id = max(self._next_update_id, update_id + 1)
        try:
            telegram.Update.de_json(copy.deepcopy(data), None)
        except Exception as error:
            raise ValueError(f"not a valid Update: {error}\n{data}") from error
        with self._cond:
            self._register_update(data)
            self._updates.append(data)
            self._updates.sort(key=lambda u: u["update_id"])
            self._cond.notify_all()
        return update_id

    def _register_update(self, update: JSONDict) -> None:
        for key in ("message", "edited_message", "channel_post", "business_message"):
            if key in update:
                self._register_message(update[key])
        for key in ("callback_query", "inline_query"):
            if key in update:
                self._open_queries.add(str(update[key]["id"]))
                message = update[key].get("message")
                if message is not None and "chat" in message:
                    self._chats.setdefault(int(message["chat"]["id"]), message["chat"])

    def _register_message(self, message: JSONDict) -> None:
        chat = message["chat"]
        self._chats[int(chat["id"])] = copy.deepcopy(chat)
        self._messages[(int(chat["id"]), int(message["message_id"]))] = copy.deepcopy(message)

    def private_message(
        self,
        chat_id: int,
        text: str,
        user: JSONDict | telegram.User | None = None,
        message_id: int | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """An Update dict with a user's text message in the private chat ``chat_id``.

        ``user`` defaults to a user with id ``chat_id``.  ``entities`` defaults to what
        Telegram would detect (``/commands`` and ``@mentions``); pass ``[]`` for none.
        """
        sender = self._user(user if user is not None else make_user(chat_id))
        chat = telegram.Chat(
            id=chat_id,
            type=telegram.Chat.PRIVATE,
            first_name=sender.first_name,
            username=sender.username,
        )
        return self._message_update(chat, sender, text, message_id, entities)

    def delete_user_message(self, chat_id: int, message_id: int) -> None:
        """A user (or an admin) deletes a message of theirs in its chat: a reply to it fails as
        Telegram's does."""
        with self._cond:
            self._deleted.add((chat_id, message_id))

    def group_message(
        self,
        chat_id: int,
        text: str,
        user: JSONDict | telegram.User | None = None,
        entities: list[JSONDict] | None = None,
        reply_to: JSONDict | None = None,
        message_thread_id: int | None = None,
        is_forum: bool = False,
        *,
        message_id: int | None = None,
        title: str = "Test Group",
    ) -> JSONDict:
        """An Update dict with a user's text message in the supergroup ``chat_id``.

        ``user`` defaults to user :data:`DEFAULT_USER_ID`.  ``reply_to`` is the
        message dict replied to (e.g. one from :meth:`sent_messages`).  With
        ``is_forum`` and ``message_thread_id`` the message is a forum topic message.
        ``entities`` defaults to what Telegram would detect; build them with
        :func:`mention_entity` / :func:`command_entity`, or pass ``[]`` for none.
        """
        sender = self._user(user if user is not None else make_user(DEFAULT_USER_ID))
        chat = telegram.Chat(
            id=chat_id,
            type=telegram.Chat.SUPERGROUP,
            title=title,
            is_forum=True if is_forum else None,
        )
        return self._message_update(
            chat,
            sender,
            text,
            message_id,
            entities,
            reply_to=reply_to,
            message_thread_id=message_thread_id,
            is_topic_message=True if is_forum and message_thread_id is not None else None,
        )

    def callback_query(
        self,
        user: JSONDict | telegram.User,
        message: JSONDict,
        data: str,
        query_id: str | None = None,
    ) -> JSONDict:
        """An Update dict with a press of a callback button on ``message`` (a bot message)."""
        chat_id = int(message["chat"]["id"])
        query = telegram.CallbackQuery(
            id=query_id or f"cbq-{next(self._query_ids)}",
            from_user=self._user(user),
            chat_instance=str(abs(chat_id) * 7919 + 17),
            message=telegram.Message.de_json(copy.deepcopy(message), None),
            data=data,
        )
        return {"callback_query": query.to_dict()}

    def inline_query(
        self, user: JSONDict | telegram.User, query: str, query_id: str | None = None
    ) -> JSONDict:
        """An Update dict with an inline query ``query`` from ``user``."""
        inline = telegram.InlineQuery(
            id=query_id or f"iq-{next(self._query_ids)}",
            from_user=self._user(user),
            query=query,
            offset="",
            chat_type="sender",
        )
        return {"inline_query": inline.to_dict()}

    make_user = staticmethod(make_user)
    mention_entity = staticmethod(mention_entity)
    command_entity = staticmethod(command_entity)

    @staticmethod
    def _user(user: JSONDict | telegram.User) -> telegram.User:
        if isinstance(user, telegram.User):
            return user
        return telegram.User.de_json(copy.deepcopy(user), None)

    def _message_update(
        self,
        chat: telegram.Chat,
        sender: telegram.User,
        text: str,
        message_id: int | None,
        entities: Iterable[JSONDict] | None,
        *,
        reply_to: JSONDict | None = None,
        message_thread_id: int | None = None,
        is_topic_message: bool | None = None,
    ) -> JSONDict:
        entity_dicts = detect_entities(text) if entities is None else list(entities)
        if reply_to is not None:
            reply_to = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
        message = telegram.Message(
            message_id=message_id if message_id is not None else next(self._incoming_ids),
            date=_now(),
            chat=chat,
            from_user=sender,
            text=text,
            entities=[telegram.MessageEntity.de_json(dict(e), None) for e in entity_dicts] or None,
            reply_to_message=(
                telegram.Message.de_json(copy.deepcopy(reply_to), None) if reply_to else None
            ),
            message_thread_id=message_thread_id,
            is_topic_message=is_topic_message,
        )
        return {"message": message.to_dict()}

    # ----------------------------------------------------------------- shared checks

    def _chat(self, chat_id: int) -> JSONDict:
        known = self._chats.get(chat_id)
        if known is not None:
            return copy.deepcopy(known)
        return {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}

    @staticmethod
    def _chat_id(params: Mapping[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if isinstance(chat_id, bool) or not isinstance(chat_id, int):
            raise _bad_request("chat not found")
        return chat_id

    def _format_text(
        self, params: Mapping[str, Any], *, too_long: str, text_key: str = "text"
    ) -> tuple[str, list[JSONDict]]:
        """Parse, strip and check a text as Telegram does; return text and entities."""
        raw = params.get(text_key)
        text = "" if raw is None else str(raw)
        entities = params.get("entities")
        parse_mode = str(params.get("parse_mode") or "")
        if isinstance(entities, list):
            plain, found = text, [dict(e) for e in entities]
        elif parse_mode.lower() == "html":
            try:
                plain, found = parse_html(text, strict=self.strict_html)
            except HtmlParseError as error:
                raise _bad_request(f"can't parse entities: {error}") from None
        else:
            plain, found = text, []
        plain, found = _strip_text(plain, found)
        if not plain:
            raise _bad_request("message text is empty")
        if utf16_len(plain) > MAX_MESSAGE_LENGTH:  # Telegram counts UTF-16 units
            raise _bad_request(too_long)
        return plain, found

    @staticmethod
    def _inline_markup(markup: Any) -> JSONDict | None:
        """Check a reply_markup; return it if it is an inline keyboard (others are not echoed)."""
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request('can\'t parse inline keyboard button: field "inline_keyboard"')
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad_request("BUTTON_TEXT_INVALID")
                if len(button) == 1:
                    raise _bad_request("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                    raise _bad_request("BUTTON_DATA_INVALID")
        return copy.deepcopy(markup)

    def _reply_to(self, chat_id: int, params: Mapping[str, Any]) -> JSONDict | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and "message_id" in reply:
            target_chat = reply.get("chat_id", chat_id)
            target_id = int(reply["message_id"])
        elif params.get("reply_to_message_id") is not None:
            target_chat, target_id = chat_id, int(params["reply_to_message_id"])
        else:
            return None
        if (target_chat, target_id) in self._deleted:
            # Telegram's rule: a reply to a message that is gone fails, unless told to send
            # without the reply then.
            if not (isinstance(reply, dict) and reply.get("allow_sending_without_reply")):
                raise _bad_request("message to be replied not found")
            return None
        known = None
        if isinstance(target_chat, int):
            known = self._messages.get((target_chat, target_id))
        if known is not None:
            return {k: copy.deepcopy(v) for k, v in known.items() if k != "reply_to_message"}
        return {"message_id": target_id, "date": int(time.time()), "chat": self._chat(chat_id)}

    def _stored_message(self, params: Mapping[str, Any]) -> JSONDict:
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        if message_id is None:
            raise _bad_request("message identifier is not specified")
        message = self._messages.get((chat_id, int(message_id)))
        if message is None:
            raise _bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise _bad_request("message can't be edited")
        return message

    def _answer_query(self, query_id: Any) -> None:
        key = "" if query_id is None else str(query_id)
        with self._cond:
            if key not in self._open_queries:
                raise _bad_request(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            self._open_queries.discard(key)

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope_dict = scope if isinstance(scope, dict) and scope else {"type": "default"}
        return json.dumps(scope_dict, sort_keys=True), str(language_code or "")

    # ----------------------------------------------------------------- methods

    def _true(self, params: dict[str, Any]) -> bool:
        return True

    def _true_for_chat(self, params: dict[str, Any]) -> bool:
        self._chat_id(params)
        return True

    def _get_me(self, params: dict[str, Any]) -> JSONDict:
        return copy.deepcopy(self.bot_user)

    # ----------------------------------------------------------------- chat members

    def set_chat_admins(
        self, chat_id: int, admin_ids: Iterable[int], owner: int | None = None
    ) -> None:
        """Make ``admin_ids`` administrators (and ``owner`` the creator) of ``chat_id``; every
        other user is a plain member there."""
        with self._cond:
            roles = {int(user_id): "administrator" for user_id in admin_ids}
            if owner is not None:
                roles[int(owner)] = "creator"
            self._admins[int(chat_id)] = roles

    def _chat_member(self, chat_id: int, user_id: int) -> JSONDict:
        user = self.bot_user if user_id == self.bot_user["id"] else make_user(user_id)
        status = self._admins.get(chat_id, {}).get(user_id, "member")
        if chat_id > 0:  # a private chat: the user it is with owns it, in effect
            status = "member"
        if status == "creator":
            return {"status": "creator", "user": copy.deepcopy(user), "is_anonymous": False}
        if status == "administrator":
            return {
                "status": "administrator",
                "user": copy.deepcopy(user),
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
        return {"status": "member", "user": copy.deepcopy(user)}

    def _get_chat_member(self, params: dict[str, Any]) -> JSONDict:
        chat_id = self._chat_id(params)
        user_id = params.get("user_id")
        if user_id in (None, ""):
            raise _bad_request("user_id is empty")
        with self._cond:
            return self._chat_member(chat_id, int(user_id))

    def _get_chat_administrators(self, params: dict[str, Any]) -> list[JSONDict]:
        chat_id = self._chat_id(params)
        if chat_id > 0:
            raise _bad_request("there are no administrators in the private chat")
        with self._cond:
            return [self._chat_member(chat_id, user) for user in self._admins.get(chat_id, {})]

    # ----------------------------------------------------------------- files

    def add_file(self, content: bytes, file_name: str, mime_type: str = "text/plain") -> JSONDict:
        """Store a file as if a user had uploaded it; returns its Document dict for a message."""
        with self._cond:
            file_id = f"file-{len(self._files) + 1}"
            self._files[file_id] = (f"documents/{file_id}-{file_name}", content)
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content),
        }

    def _get_file(self, params: dict[str, Any]) -> JSONDict:
        file_id = str(params.get("file_id", ""))
        with self._cond:
            stored = self._files.get(file_id)
        if stored is None:
            raise _bad_request("invalid file_id")
        path, content = stored
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": path,
        }

    def _file_download(self, path: str) -> tuple[int, bytes] | None:
        """(status, bytes) for GET /file/bot<token>/<file_path>; None for other paths."""
        prefix = f"/file/bot{self.token}/"
        path = unquote(urlsplit(path).path)
        if not path.startswith("/file/bot"):
            return None
        if not path.startswith(prefix):
            return 401, b"Unauthorized"
        wanted = path[len(prefix) :]
        with self._cond:
            for stored_path, content in self._files.values():
                if stored_path == wanted:
                    return 200, content
        return 404, b"Not Found"

    def _get_updates(self, params: dict[str, Any], generation: int = -1) -> list[JSONDict]:
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._webhook is not None:
                raise _ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if offset < 0:
                self._updates = self._updates[offset:]
            elif offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while True:
                if generation != -1 and self._generation != generation:
                    raise _DropConnection
                remaining = deadline - time.monotonic()
                if self._updates or remaining <= 0:
                    return copy.deepcopy(self._updates[:limit])
                self._cond.wait(remaining)

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.match(str(secret)):
            raise _bad_request("secret token contains unallowed characters")
        with self._cond:
            if params.get("drop_pending_updates"):
                self._updates.clear()
            if not url:
                self._webhook = None
                return True
            self._webhook = {
                "url": url,
                "secret_token": secret,
                "max_connections": int(params.get("max_connections") or 40),
                "allowed_updates": params.get("allowed_updates"),
            }
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        with self._cond:
            self._webhook = None
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def _get_webhook_info(self, params: dict[str, Any]) -> JSONDict:
        with self._cond:
            info: JSONDict = {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self._webhook is not None:
                info["url"] = self._webhook["url"]
                info["max_connections"] = self._webhook["max_connections"]
                if self._webhook["allowed_updates"] is not None:
                    info["allowed_updates"] = self._webhook["allowed_updates"]
        return info

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad_request("can't parse BotCommand")
            if not _BOT_COMMAND_NAME_RE.match(str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        with self._cond:
            self._commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[JSONDict]:
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        with self._cond:
            return copy.deepcopy(self._commands.get(key, []))

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        with self._cond:
            self._commands.pop(key, None)
        return True

    def _send_message(self, params: dict[str, Any]) -> JSONDict:
        chat_id = self._chat_id(params)
        text, entities = self._format_text(params, too_long="message is too long")
        markup = self._inline_markup(params.get("reply_markup"))
        with self._cond:
            message_id = self._next_message_id.get(chat_id, 1000)
            self._next_message_id[chat_id] = message_id + 1
            message: JSONDict = {
                "message_id": message_id,
                "from": copy.deepcopy(self.bot_user),
                "chat": self._chat(chat_id),
                "date": int(time.time()),
            }
            thread_id = params.get("message_thread_id")
            if thread_id is not None:
                message["message_thread_id"] = int(thread_id)
                message["is_topic_message"] = True
            reply_to = self._reply_to(chat_id, params)
            if reply_to is not None:
                message["reply_to_message"] = reply_to
            message["text"] = text
            if entities:
                message["entities"] = entities
            if markup is not None:
                message["reply_markup"] = markup
            self._messages[(chat_id, message_id)] = copy.deepcopy(message)
            self._sent.append(copy.deepcopy(message))
        return message

    def _edit_message_text(self, params: dict[str, Any]) -> JSONDict | bool:
        text, entities = self._format_text(params, too_long="MESSAGE_TOO_LONG")
        markup = self._inline_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        with self._cond:
            message = self._stored_message(params)
            if (
                message.get("text") == text
                and message.get("entities", []) == entities
                and message.get("reply_markup") == markup
            ):
                raise _bad_request(
                    "message is not modified: specified new message content and reply markup "
                    "are exactly the same as a current content and reply markup of the message"
                )
            message["text"] = text
            message.pop("entities", None)
            if entities:
                message["entities"] = entities
            message.pop("reply_markup", None)
            if markup is not None:
                message["reply_markup"] = markup
            message["edit_date"] = int(time.time())
            return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> JSONDict | bool:
        markup = self._inline_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        with self._cond:
            message = self._stored_message(params)
            if message.get("reply_markup") == markup:
                raise _bad_request(
                    "message is not modified: specified new message content and reply markup "
                    "are exactly the same as a current content and reply markup of the message"
                )
            message.pop("reply_markup", None)
            if markup is not None:
                message["reply_markup"] = markup
            message["edit_date"] = int(time.time())
            return copy.deepcopy(message)

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        if len(str(params.get("text") or "")) > _MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        self._answer_query(params.get("callback_query_id"))
        return True

    def _answer_inline_query(self, params: dict[str, Any]) -> bool:
        results = params.get("results")
        if not isinstance(results, list):
            raise _bad_request("can't parse inline query results JSON object")
        if len(results) > _MAX_INLINE_RESULTS:
            raise _bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or "type" not in result:
                raise _bad_request("can't parse InlineQueryResult")
            result_id = str(result.get("id", ""))
            if not 1 <= len(result_id.encode("utf-8")) <= 64:
                raise _bad_request("RESULT_ID_INVALID")
            if result_id in seen:
                raise _bad_request("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                self._format_text(content, too_long="MESSAGE_TOO_LONG", text_key="message_text")
            self._inline_markup(result.get("reply_markup"))
        self._answer_query(params.get("inline_query_id"))
        return True

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._chat_id(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    def _get_chat(self, params: dict[str, Any]) -> JSONDict:
        chat_id = self._chat_id(params)
        with self._cond:
            chat = self._chat(chat_id)
        if chat_id == self.bot_user["id"]:
            chat.update(first_name=self.bot_user["first_name"], username=self.bot_user["username"])
        chat.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return chat

    # ----------------------------------------------------------------- news channels
    # Channel posts, their automatic forwards into the linked discussion group, and comments
    # under them, shaped as the Bot API sends them.

    @staticmethod
    def channel_chat(channel_id: int, username: str | None = None, title: str = "News") -> JSONDict:
        """A channel Chat dict."""
        return telegram.Chat(
            id=channel_id, type=telegram.Chat.CHANNEL, title=title, username=username
        ).to_dict()

    def channel_post(
        self,
        channel: JSONDict,
        text: str,
        *,
        message_id: int | None = None,
        entities: list[JSONDict] | None = None,
        preview_url: str | None = None,
        caption: bool = False,
        edited: bool = False,
    ) -> JSONDict:
        """An Update dict with a post in ``channel`` (a dict from :meth:`channel_chat`).

        ``entities`` defaults to the links in ``text`` (:func:`link_entities`); ``caption``
        makes it a photo post with ``text`` as its caption; ``edited`` an
        ``edited_channel_post`` of the post ``message_id``.
        """
        message: JSONDict = {
            "message_id": message_id if message_id is not None else next(self._incoming_ids),
            "date": int(_now().timestamp()),
            "chat": copy.deepcopy(channel),
            "sender_chat": copy.deepcopy(channel),
        }
        found = link_entities(text) if entities is None else entities
        if caption:
            message["photo"] = [
                {"file_id": "photo-1", "file_unique_id": "uphoto-1", "width": 90, "height": 60}
            ]
            message["caption"] = text
            if found:
                message["caption_entities"] = found
        else:
            message["text"] = text
            if found:
                message["entities"] = found
        if preview_url is not None:
            message["link_preview_options"] = {"url": preview_url}
        if edited:
            message["edit_date"] = int(_now().timestamp())
        return {"edited_channel_post" if edited else "channel_post": message}

    def automatic_forward(
        self, group_id: int, post: JSONDict, *, message_id: int | None = None
    ) -> JSONDict:
        """An Update dict with the copy of the channel post ``post`` (an update from
        :meth:`channel_post`) that Telegram forwards into the channel's discussion group."""
        original = post.get("channel_post") or post["edited_channel_post"]
        message = {
            key: copy.deepcopy(value)
            for key, value in original.items()
            if key not in ("message_id", "chat", "edit_date")
        }
        message.update(
            message_id=message_id if message_id is not None else next(self._incoming_ids),
            chat={"id": group_id, "type": "supergroup", "title": "News chat"},
            is_automatic_forward=True,
            forward_origin={
                "type": "channel",
                "chat": copy.deepcopy(original["chat"]),
                "message_id": original["message_id"],
                "date": original["date"],
            },
            date=int(_now().timestamp()),
            **{"from": dict(TELEGRAM_SERVICE_USER)},
        )
        return {"message": message}

    def comment(
        self,
        forward: JSONDict,
        text: str,
        *,
        user: JSONDict | telegram.User | None = None,
        reply_to: JSONDict | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """An Update dict with a reader's comment under a channel post: in the thread of its
        automatic forward ``forward`` (an update from :meth:`automatic_forward`), replying to
        ``reply_to`` (a message dict: another comment, or the bot's answer) or else to the
        forward itself."""
        root = forward["message"]
        return self.group_message(
            int(root["chat"]["id"]),
            text,
            user=user,
            entities=entities,
            reply_to=reply_to if reply_to is not None else root,
            message_thread_id=int(root["message_id"]),
            title=str(root["chat"].get("title", "News chat")),
        )


#: The user the Bot API names as the sender of automatic forwards.
TELEGRAM_SERVICE_USER: JSONDict = {"id": 777000, "is_bot": False, "first_name": "Telegram"}


def link_entities(text: str) -> list[JSONDict]:
    """The ``url`` entities Telegram would mark in a post's text (http(s) links)."""
    return [
        {
            "type": "url",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        }
        for match in re.finditer(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)]", text)
    ]
