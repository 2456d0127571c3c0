"""The bot following the database's index: a generation built for another model or chunking is
refused once, the served index kept, and a later usable one is served."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from botkit import launch, launch_polling, shut_down, stop_while_waiting_for_writer
from cli_run import CliRun
from fake_botapi import FakeBotApi

from articlebot.bot.app import build_application
from articlebot.bot.index_reload import newer_on_disk, serve_index_on_disk
from articlebot.bot.state import BotState
from articlebot.collection import make_retriever
from articlebot.config import load_settings
from articlebot.storage.postgres.collection import open_store
from articlebot.storage.postgres.connection import open_pools

pytest_plugins = ["postgres"]
# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")

Cli = Callable[..., CliRun]


@pytest.mark.asyncio
async def test_an_unusable_database_generation_is_refused_once_then_a_usable_one_is_served(
    cli: Cli, index_dir: Path, database_url: str, encoder, tmp_path: Path, caplog
) -> None:
    built = cli("index", "--database-url", database_url, index_dir=index_dir)
    assert built.returncode == 0, built.stderr
    settings = load_settings(index_dir=index_dir, database_url=database_url)
    served = open_store(database_url)
    state = BotState(settings, make_retriever(settings, served, encoder))
    assert newer_on_disk(state) is None

    other = cli(
        "index",
        "--rebuild",
        "--database-url",
        database_url,
        index_dir=index_dir,
        ARTICLEBOT_MAX_PASSAGE_TOKENS="96",
    )
    assert other.returncode == 0, other.stderr
    live = newer_on_disk(state)
    assert live is not None
    with caplog.at_level(logging.WARNING, logger="articlebot.bot.index_reload"):
        await serve_index_on_disk(state, live)
    assert state.retriever.index is served
    assert [r.message for r in caplog.records if "not usable" in r.message]
    assert newer_on_disk(state) is None  # not tried (and warned about) again every second

    article = tmp_path / "lighthouse.txt"
    article.write_text(
        "Harbour lighthouse restored\n\nThe lamp at Pennick Point was relit on 14 August.",
        encoding="utf-8",
    )
    usable = cli("index", "--rebuild", "--database-url", database_url, index_dir=index_dir)
    assert usable.returncode == 0, usable.stderr
    added = cli("add", str(article), "--database-url", database_url, index_dir=index_dir)
    assert added.returncode == 0, added.stderr
    live = newer_on_disk(state)
    assert live is not None
    await serve_index_on_disk(state, live)
    assert state.retriever.index is not served
    answer = state.retriever.ask("When was the lamp at Pennick Point relit?")
    assert "14 August" in answer.passages[0].text
    await state.close_retiring()  # as at shutdown: what the bot opened, it closes
    served.close()


@pytest.mark.asyncio
async def test_the_database_indexes_the_bot_opened_are_closed_at_shutdown(
    cli: Cli, index_dir: Path, database_url: str, encoder
) -> None:
    """The one replaced and still waiting to close, and the one it serves: no connection (and
    no pool thread) outlives the bot."""
    built = cli("index", "--database-url", database_url, index_dir=index_dir)
    assert built.returncode == 0, built.stderr
    before = open_pools()
    replaced = open_store(database_url)
    replaced_pools = open_pools() - before
    with FakeBotApi() as api:
        settings = load_settings(index_dir=index_dir, database_url=database_url, api_url=api.url)
        app = build_application(settings, api.token, make_retriever(settings, replaced, encoder))
        await launch(app)
        app.bot_data.serve(open_store(database_url))  # as a reload or an /add does
        await shut_down(app)  # well within RETIRE_SECONDS of the replacement
    assert replaced_pools and not replaced_pools & open_pools()
    assert open_pools() <= before


@pytest.mark.asyncio
async def test_the_database_index_the_bot_loads_itself_is_closed_at_shutdown(
    cli: Cli, index_dir: Path, database_url: str
) -> None:
    """As `articlebot run` starts it: the bot opens the index (on a worker thread, out of
    reach of the command's own clean-up) and closes it when it stops."""
    built = cli("index", "--database-url", database_url, index_dir=index_dir)
    assert built.returncode == 0, built.stderr
    before = open_pools()
    with FakeBotApi() as api:
        settings = load_settings(index_dir=index_dir, database_url=database_url, api_url=api.url)
        app = build_application(settings, api.token)
        await launch(app)
        assert open_pools() - before  # its index's connections
        await shut_down(app)
    assert open_pools() <= before


@pytest.mark.asyncio
async def test_a_stop_while_a_change_waits_for_another_database_writer_makes_no_change(
    cli: Cli, index_dir: Path, database_url: str, encoder
) -> None:
    # As with an index folder (test_library): a /remove waiting for another writer's database
    # lock held the stop, and went through after it.

    import psycopg
    from fake_botapi import make_user

    from articlebot.bot import articles

    built = cli("index", "--database-url", database_url, index_dir=index_dir)
    assert built.returncode == 0, built.stderr
    admin = 7301
    with FakeBotApi() as api, psycopg.connect(database_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(hashtext('articlebot_writer'))")
        settings = load_settings(
            index_dir=index_dir, database_url=database_url, api_url=api.url, admin_ids=[admin]
        )
        app = build_application(
            settings, api.token, make_retriever(settings, open_store(database_url), encoder)
        )
        await launch_polling(app)
        change = api.private_message(admin, "/remove article", user=make_user(admin))
        took = await stop_while_waiting_for_writer(api, app, admin, change)
        assert took < settings.stop_seconds
        assert api.sent_messages(admin)[-1]["text"] == articles.RESTARTING_BEFORE_REMOVED
    assert list(open_store(database_url).documents) == ["article"]  # nothing removed
