"""Starting the real PTB Application against the fake Bot API on loopback, for the end-to-end
bot tests: the same start and stop as `run_polling`, with polling that never sleeps.

Test modules load its fixtures with `pytest_plugins = ["botkit"]` after importing its functions,
too late for pytest to rewrite its asserts; they are plain guards: PYTEST_DONT_REWRITE."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import pytest_asyncio
from fake_botapi import FakeBotApi
from telegram.ext import Application

from articlebot.bot.app import build_application
from articlebot.config import Settings, load_settings
from articlebot.retrieval.retriever import Retriever


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
    await app.updater.start_polling(poll_interval=0.0, timeout=1)


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


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    """A fake Bot API server on loopback."""
    with FakeBotApi() as server:
        yield server


@pytest_asyncio.fixture
async def start_bot(api: FakeBotApi, retriever: Retriever, tmp_path: Path):
    """Start polling bots (over the bundled article unless a retriever is given), with
    settings overrides; all are stopped at the end of the test."""
    started: list[Application] = []

    async def start(retriever_: Retriever | None = None, **overrides: object) -> Application:
        overrides.setdefault("index_dir", tmp_path / "unused")
        settings = load_settings(api_url=api.url, **overrides)
        app = build_application(settings, api.token, retriever_ or retriever)
        await launch_polling(app)
        started.append(app)
        return app

    try:
        yield start
    finally:
        for app in started:
            await shut_down(app)
