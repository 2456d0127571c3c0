"""A bot on PostgreSQL outlives a restart of the server: while it is down, chats whose replies
need no database are still answered (the event loop does not wait for it), and once it is back
the next /use and question work without restarting the bot."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from botkit import ask_privately, launch_polling, shut_down
from fake_botapi import FakeBotApi

from articlebot.bot.app import build_application
from articlebot.collection import make_retriever, open_chat_state, open_index
from articlebot.config import load_settings

pytest_plugins = ["postgres", "botkit"]
# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")

SWAP = "Who was Vinatier swapped for?"


@pytest.mark.asyncio
async def test_the_bot_survives_a_postgres_restart(
    postgres_server, database_url: str, encoder, tmp_path: Path
) -> None:
    # Imported here: `postgres` is a plugin of this module, loaded (and rewritten) by pytest.
    from postgres import (
        ensure_running,
        index_bundled_article,
        restart_postgres,
        stop_postgres,
    )

    await asyncio.to_thread(index_bundled_article, database_url, encoder)
    api = FakeBotApi().start()
    # No rate limits: /help then touches no table, so it shows whether the loop is free.
    replica = load_settings(
        api_url=api.url,
        database_url=database_url,
        index_dir=tmp_path / "unused",
        rate_limit=0,
        chat_rate_limit=0,
    )
    retriever = make_retriever(replica, open_index(replica, encoder), encoder)
    app = build_application(replica, api.token, retriever, open_chat_state(replica))
    await launch_polling(app)
    asker, bystander = 501, 502
    try:
        assert "Kasatkin" in await ask_privately(api, asker, SWAP)
        assert "I answer questions" in await ask_privately(api, bystander, "/help")

        await asyncio.to_thread(stop_postgres, postgres_server)
        count = len(api.sent_messages(asker))
        api.push_update(api.private_message(asker, "/use all"))  # waits for the database
        # ...while another chat is answered: the waiting is off the event loop.
        assert "I answer questions" in await ask_privately(api, bystander, "/help", timeout=5)
        assert len(api.sent_messages(asker)) == count

        await asyncio.to_thread(restart_postgres, postgres_server)
        await api.await_messages(asker, count + 1, timeout=30)
        assert api.sent_messages(asker)[-1]["text"] == "Questions here now search every article."
        assert "Kasatkin" in await ask_privately(api, asker, SWAP)
    finally:
        await shut_down(app)
        app.bot_data.chats.close()
        retriever.index.close()
        api.stop()
        ensure_running(postgres_server)
