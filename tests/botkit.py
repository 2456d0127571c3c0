"""Starting the real PTB Application against the fake Bot API on loopback, for the end-to-end
bot tests: the same start and stop as `run_polling`, with polling that never sleeps.

Test modules load its fixtures with `pytest_plugins = ["botkit"]` after importing its functions,
too late for pytest to rewrite its asserts; they are plain guards: PYTEST_DONT_REWRITE.

A test marked `both_backends` runs twice: with the bundled article in an index folder and chat
state in memory, and with both in PostgreSQL (one index database for the session, a fresh
database per test for the chat state)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import pytest_asyncio
from fake_botapi import FakeBotApi
from telegram.error import TelegramError
from telegram.ext import Application

from articlebot.bot.app import build_application
from articlebot.collection import make_retriever, open_index, update_index
from articlebot.config import Settings, load_settings
from articlebot.encoders import Encoder
from articlebot.ingest.documents import bundled_article_path, read_documents
from articlebot.retrieval.retriever import Retriever
from articlebot.storage.chat_state import ChatState
from articlebot.storage.sql_chat_state import postgres_chat_state

pytest_plugins = ["postgres"]

BACKENDS = ["local", "postgres"]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the tests marked `both_backends` once per backend."""
    if metafunc.definition.get_closest_marker("both_backends") and "backend" in (
        metafunc.fixturenames
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Where the bot's index and chat state live: "local" unless the test is parametrized."""
    return getattr(request, "param", "local")


@pytest.fixture(scope="session")
def postgres_index_url(postgres_server, encoder: Encoder) -> str:
    """A database holding the bundled article's index, made once for the session."""
    import psycopg

    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute('CREATE DATABASE "bot_index"')
    url = postgres_server.url_for("bot_index")
    settings = load_settings(database_url=url)
    store, _ = update_index(settings, encoder, read_documents([bundled_article_path()]))
    store.close()  # closed here, not by the garbage collector on its pool's own thread
    return url


@pytest.fixture(scope="session")
def postgres_retriever(postgres_index_url: str, encoder: Encoder) -> Iterator[Retriever]:
    """A retriever over the bundled article in PostgreSQL, with default settings."""
    settings = load_settings(database_url=postgres_index_url)
    store = open_index(settings, encoder)
    yield make_retriever(settings, store, encoder)
    store.close()


async def launch(app: Application) -> None:
    """Initialize and start `app` as run_polling/run_webhook do, post_init included."""
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.start()


async def launch_polling(app: Application) -> None:
    """Start `app` and its polling for updates."""
    await launch(app)
    assert app.updater is not None

    def error_callback(exc: TelegramError) -> None:
        # As run_polling's: a failed getUpdates goes to the application's error handler.
        app.create_task(app.process_error(error=exc, update=None))

    await app.updater.start_polling(poll_interval=0.0, timeout=1, error_callback=error_callback)


async def shut_down(app: Application) -> None:
    """Stop whatever of `app` is running, as run_polling does on exit."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()


@asynccontextmanager
async def running_bot(
    settings: Settings, token: str, retriever: Retriever
) -> AsyncIterator[Application]:
    """A polling bot with `settings` for as long as the block runs."""
    app = build_application(settings, token, retriever)
    await launch_polling(app)
    try:
        yield app
    finally:
        await shut_down(app)


async def stop_while_waiting_for_writer(
    api: FakeBotApi, app: Application, chat: int, change: dict
) -> float:
    """Send `change` (an admin's upload or /remove) to `app`, wait for its note that another
    writer saves first, then stop `app`; the seconds the stop took."""
    from articlebot.bot.articles import WAITING_FOR_WRITER

    told = len(api.sent_messages(chat))
    api.push_update(change)
    try:
        await api.await_for(
            lambda: WAITING_FOR_WRITER in [m["text"] for m in api.sent_messages(chat)[told:]],
            60,
            description="the waiting note",
        )
    finally:
        started = time.monotonic()
        await shut_down(app)
    return time.monotonic() - started


async def ask_privately(api: FakeBotApi, chat: int, text: str, timeout: float = 60) -> str:
    """Send `text` to the bot in private chat `chat` and return the text of its next reply."""
    count = len(api.sent_messages(chat)) + 1
    api.push_update(api.private_message(chat, text))
    await api.await_messages(chat, count, timeout=timeout)
    return api.sent_messages(chat)[-1]["text"]


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    """A fake Bot API server on loopback."""
    with FakeBotApi() as server:
        yield server


@pytest_asyncio.fixture
async def start_bot(api: FakeBotApi, backend: str, request: pytest.FixtureRequest, tmp_path: Path):
    """Start polling bots (over the bundled article unless a retriever is given), with
    settings overrides, on the test's backend; all are stopped at the end of the test."""
    started: list[Application] = []
    stores: list[ChatState] = []
    # Asked for now, not when a bot starts, so the test's database is dropped only after the
    # bots using it have stopped (a bot stopping on a dropped database waits out its pool).
    chat_database = request.getfixturevalue("database_url") if backend == "postgres" else None

    async def start(retriever_: Retriever | None = None, **overrides: object) -> Application:
        overrides.setdefault("index_dir", tmp_path / "unused")
        chats: ChatState | None = None
        if backend == "postgres":
            assert retriever_ is None, "a test's own retriever is a local index"
            retriever_ = request.getfixturevalue("postgres_retriever")
            overrides.setdefault("database_url", request.getfixturevalue("postgres_index_url"))
            assert chat_database is not None
            chats = postgres_chat_state(chat_database)
            stores.append(chats)
        settings = load_settings(api_url=api.url, **overrides)
        retriever_ = retriever_ or request.getfixturevalue("retriever")
        app = build_application(settings, api.token, retriever_, chats)
        await launch_polling(app)
        started.append(app)
        return app

    try:
        yield start
    finally:
        for app in started:
            await shut_down(app)
        for store in stores:
            store.close()
