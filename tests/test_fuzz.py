"""Arbitrary input never breaks an answer: property tests of the answer path and the bot."""

from __future__ import annotations

import asyncio
import itertools
import json
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from botkit import launch_polling, shut_down
from fake_botapi import FakeBotApi, make_user, parse_html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articlebot.bot import render
from articlebot.bot.app import build_application
from articlebot.config import load_settings
from articlebot.encoders import Encoder
from articlebot.ingest.documents import Document, DocumentError, read_documents
from articlebot.retrieval.retriever import Retriever

# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")

SNIPPETS = [
    "<b>",
    "</b>",
    "<a href='x'>",
    "&amp;",
    "&",
    "<",
    ">",
    "**bold**",
    "_it_",
    "`code`",
    "[link](http://x)",
    "/ask",
    "/ask@articlebot_test_bot",
    "@articlebot_test_bot",
    "\u202e",
    "\u200f",
    "\u0301",
    "\u0000",
    "\x1b[31m",
    "\r\n",
    "\t",
    "Vinatier",
    "Kasatkin",
    "🚀",
    "👨‍👩‍👧",
    "مرحبا",
    "שלום",
    "Ꙭ",
    "\ufeff",
    "Who is Laurent Vinatier?",
]
questions = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(SNIPPETS), max_size=12).map("".join),
    st.tuples(st.text(max_size=40), st.sampled_from(SNIPPETS), st.text(max_size=40)).map("".join),
    st.integers(min_value=4000, max_value=10_000).map(lambda n: ("Vinatier ☃ <i> " * n)[:n]),
    st.sampled_from(["", " ", "\n\n\t", "/ask", "/ask ", "?" * 50]),
)

#: Examples per property come from the Hypothesis profile (tests/conftest.py): a quick default,
#: or HYPOTHESIS_PROFILE=long for the full search. The bot properties cost ~10x more per example
#: than the answer path, so they take a share of it.
EXAMPLES = settings.default.max_examples


def _share(fraction: float) -> int:
    return max(5, round(EXAMPLES * fraction))


def _check_reply(html_text: str) -> None:
    plain, _ = parse_html(html_text)  # raises on anything Telegram would reject
    assert 0 < len(plain) <= render.MAX_MESSAGE_CHARS


@settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(question=questions)
def test_answer_path_survives_anything(retriever: Retriever, question: str) -> None:
    answer = retriever.ask(question)
    json.dumps(answer.to_json())
    _check_reply(render.answer_html(answer))
    for button in render.answer_buttons(answer, retriever.index.manifest.documents):
        assert len(button.callback_data.encode()) <= render.MAX_CALLBACK_BYTES
        assert render.parse_callback(button.callback_data) is not None
    if answer.passages:
        _check_reply(render.more_html(answer.passages[1:]))
        _check_reply(render.more_html(answer.passages[1:], [True] * len(answer.passages)))


@pytest.fixture(scope="module")
def threaded_bot(retriever: Retriever, tmp_path_factory) -> Iterator[FakeBotApi]:
    """A polling bot on its own event loop thread, so synchronous property tests can drive it."""
    api = FakeBotApi().start()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    app = build_application(
        load_settings(api_url=api.url, index_dir=tmp_path_factory.mktemp("unused")),
        api.token,
        retriever,
    )

    asyncio.run_coroutine_threadsafe(launch_polling(app), loop).result(timeout=30)
    try:
        yield api
    finally:
        asyncio.run_coroutine_threadsafe(shut_down(app), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        api.stop()


_chats = itertools.count(10_000)


@settings(
    max_examples=_share(0.15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=questions.filter(lambda t: t.strip() != ""))
def test_private_messages_always_get_a_valid_reply(threaded_bot: FakeBotApi, text: str) -> None:
    chat = next(_chats)
    update = threaded_bot.private_message(chat, text)
    threaded_bot.push_update(update)
    [reply] = threaded_bot.wait_for_messages(chat, 1, timeout=20)
    assert 0 < len(reply["text"]) <= render.MAX_MESSAGE_CHARS
    call = [c for c in threaded_bot.calls_to("sendMessage") if c.params["chat_id"] == chat][-1]
    if call.params.get("parse_mode") == "HTML":
        _check_reply(call.params["text"])


@settings(
    max_examples=_share(0.1),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=questions)
def test_group_asks_get_a_reply_and_chatter_gets_silence(
    threaded_bot: FakeBotApi, text: str
) -> None:
    chat = -next(_chats)
    # Neither a command nor a mention: the bot must stay silent on it.
    user = make_user(-chat)  # one asker per example: the per-user rate limit stays out of it
    chatter = "note " + text.replace("@", "")
    threaded_bot.push_update(threaded_bot.group_message(chat, chatter, user=user))
    threaded_bot.push_update(threaded_bot.group_message(chat, f"/ask {text}", user=user))
    [reply] = threaded_bot.wait_for_messages(chat, 1, timeout=20)
    assert 0 < len(reply["text"]) <= render.MAX_MESSAGE_CHARS
    time.sleep(0.05)
    assert len(threaded_bot.sent_messages(chat)) == 1


# --- reading documents: anything in a file gives documents or one DocumentError ---

TEXT_SNIPPETS = [
    "Title line\n\n",
    "# Heading\n",
    "The council said on Monday that the bridge would reopen. ",
    "<html><body><article><p>",
    "</p></article></body></html>",
    "<nav><a href='/'>Home</a></nav>",
    "<script>x()</script>",
    "\r\n",
    "\x00",
    "\ufeff",
    "\u202e",
    "🚀",
    "👨‍👩‍👧",
    "مرحبا",
    "Ꙭ",
    "&amp;",
    "<!--",
    "]]>",
]
file_bodies = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=400).map(lambda t: t.encode("utf-8")),
    st.lists(st.sampled_from(TEXT_SNIPPETS), max_size=30).map(lambda p: "".join(p).encode()),
)
json_strings = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", "a\tb", "a\nb", "\ud800", "x\udfffy", "🚀", "x" * 250]),
    st.sampled_from(TEXT_SNIPPETS),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | json_strings,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(json_strings, inner, max_size=3),
    max_leaves=8,
)
json_records = st.dictionaries(
    st.sampled_from(["doc_id", "title", "text", "extra"]), json_values, max_size=4
)
json_lines = st.one_of(
    st.tuples(json_records, st.booleans()).map(lambda r: json.dumps(r[0], ensure_ascii=r[1])),
    json_values.map(json.dumps),
    st.text(max_size=80),
    st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
)


def _read_or_refuse(path: Path) -> None:
    """read_documents gives sound documents or raises DocumentError; nothing else escapes."""
    try:
        documents = read_documents([path])
    except DocumentError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc).replace(str(path), "")
        return
    assert documents
    for doc in documents:
        assert isinstance(doc, Document)
        for part in (doc.doc_id, doc.title, doc.text):
            part.encode("utf-8")  # what saving the index and replying do
        assert doc.doc_id and not any(unicodedata.category(c)[0] == "C" for c in doc.doc_id)
        assert any(c.isalnum() for c in doc.text)


@settings(max_examples=_share(0.125), deadline=None)
@given(body=file_bodies, suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl"]))
def test_any_file_gives_documents_or_one_clear_error(body: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"doc{suffix}"
        path.write_bytes(body)
        _read_or_refuse(path)


@settings(max_examples=_share(0.125), deadline=None)
@given(lines=st.lists(json_lines, min_size=1, max_size=4))
def test_any_jsonl_lines_give_documents_or_one_clear_error(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
        _read_or_refuse(path)


@pytest.fixture(scope="module")
def live_index(
    tmp_path_factory: pytest.TempPathFactory, encoder: Encoder
) -> tuple[Path, Retriever]:
    """An index folder holding the bundled article, written with the product's encoder."""
    from articlebot.collection import update_index
    from articlebot.ingest.documents import bundled_article_path

    folder = tmp_path_factory.mktemp("live-index")
    settings = load_settings(index_dir=folder)
    data, _ = update_index(settings, encoder, read_documents([bundled_article_path()]))
    return folder, Retriever(data, encoder)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "encoder" not in p.parts
    }


@settings(
    max_examples=_share(0.02),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=file_bodies, suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl"]))
def test_a_refused_file_leaves_the_index_exactly_as_it_was(
    live_index: tuple[Path, Retriever], body: bytes, suffix: str
) -> None:
    from articlebot.collection import add_documents
    from articlebot.storage.local_index import load_index

    folder, retriever = live_index
    settings = load_settings(index_dir=folder)
    before = _snapshot(folder)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"doc{suffix}"
        path.write_bytes(body)
        try:
            data, report = add_documents(settings, retriever.encoder, read_documents([path]))
        except DocumentError:
            assert _snapshot(folder) == before
            return
    assert set(report.given) <= set(data.documents) and "article" in data.documents
    assert retriever.with_index(load_index(folder)).ask("Who was Vinatier swapped for?").answered
