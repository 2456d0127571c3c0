"""A bot on PostgreSQL outlives a restart of the server: while it is down, chats whose replies
need no database are still answered (the event loop does not wait for it), and once it is back
the next /use and question work without restarting the bot."""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from botkit import ask_privately, launch_polling, shut_down
from fake_botapi import FakeBotApi

from articlebot.bot.app import build_application
from articlebot.collection import make_retriever, open_chat_state, open_index
from articlebot.config import load_settings
from articlebot.storage.postgres import connection

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


class _QuestionsTyped(io.StringIO):
    """Standard input of questions, one a line, running `before[n]` as line n is read: the
    server stopped while one question is typed, started again before the next."""

    def __init__(self, lines: list[str], before: dict[int, Callable[[], None]]) -> None:
        super().__init__("".join(f"{line}\n" for line in lines))
        self.read_lines = 0
        self.before = before

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        self.read_lines += 1
        if self.read_lines in self.before:
            self.before[self.read_lines]()
        return super().readline(size)

    def isatty(self) -> bool:
        return False


def test_a_chat_outlives_a_database_out_of_reach_for_one_question(
    postgres_server, database_url: str, encoder, tmp_path: Path, monkeypatch, capsys
) -> None:
    # A CLI attacker: with the server stopped for 20 s, `chat` printed 15 pool warnings, then
    # "the database said: couldn't get a connection", and ended; the next question was lost.
    from postgres import ensure_running, index_bundled_article, restart_postgres, stop_postgres

    from articlebot.cli import main

    index_bundled_article(database_url, encoder)
    typed = _QuestionsTyped(
        [SWAP, "who is witkoff?", "What does DTEK do?"],
        {2: lambda: stop_postgres(postgres_server), 3: lambda: restart_postgres(postgres_server)},
    )
    monkeypatch.setattr(connection, "POOL_WAIT_SECONDS", 2.0)
    monkeypatch.setattr(sys, "stdin", typed)
    monkeypatch.setenv("ARTICLEBOT_INDEX_DIR", str(tmp_path / "unused"))
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    try:
        code = main(["chat", "--database-url", database_url])
    finally:
        ensure_running(postgres_server)
    out, err = capsys.readouterr()
    assert code == 0, err
    turns = out.split("\n> ")[1:]
    assert "Kasatkin" in turns[0]
    assert "(Not answered: the database said:" in turns[1] and "Ask again." in turns[1]
    assert "DTEK" in turns[2]
    assert "warning" not in err  # no line for each try of the pool's
