"""Arbitrary input never breaks an answer: property tests of the answer path and the bot."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_botapi import FakeBotApi, make_user, parse_html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articlebot.bot import render
from articlebot.bot.app import build_application
from articlebot.config import load_settings
from articlebot.index.onnx_encoder import OnnxEncoder
from articlebot.index.store import IndexData
from articlebot.retrieval.retriever import Retriever

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


@pytest.fixture(scope="module")
def fast_retriever(article_index: IndexData, export_dir: Path) -> Retriever:
    """The product's encoder (the ONNX export) over the bundled article."""
    return Retriever(article_index, OnnxEncoder(export_dir, name="all-MiniLM-L6-v2"))


def _check_reply(html_text: str) -> None:
    plain, _ = parse_html(html_text)  # raises on anything Telegram would reject
    assert 0 < len(plain) <= render.MAX_MESSAGE_CHARS


@settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(question=questions)
def test_answer_path_survives_anything(fast_retriever: Retriever, question: str) -> None:
    answer = fast_retriever.ask(question)
    json.dumps(answer.to_json())
    _check_reply(render.answer_html(answer))
    for button in render.answer_buttons(answer, fast_retriever.index.tag):
        assert len(button.callback_data.encode()) <= render.MAX_CALLBACK_BYTES
    if answer.passages:
        _check_reply(render.more_html(answer.passages[1:]))


@pytest.fixture(scope="module")
def threaded_bot(fast_retriever: Retriever, tmp_path_factory) -> Iterator[FakeBotApi]:
    """A polling bot on its own event loop thread, so synchronous property tests can drive it."""
    api = FakeBotApi().start()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    app = build_application(
        load_settings(api_url=api.url, index_dir=tmp_path_factory.mktemp("unused")),
        api.token,
        fast_retriever,
    )

    async def start() -> None:
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)

    async def stop() -> None:
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    try:
        yield api
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        api.stop()


_chats = itertools.count(10_000)


@settings(
    max_examples=300,
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
    max_examples=200,
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
