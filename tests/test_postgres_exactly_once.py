"""Two `articlebot run --webhook` replicas and the CLI on one PostgreSQL database, Telegram's
webhook delivering through a load balancer (the fake Bot API's deliveries, tried in turn): one
replica is killed (SIGKILL) with answers in hand, PostgreSQL is restarted while questions keep
arriving, and every question is still answered exactly once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from cli_run import CliRun
from fake_botapi import FakeBotApi

pytest_plugins = ["postgres", "botkit"]

HOOK = "https://bot.example.org/hook"
SECRET = "shared-s3cret"
LEASE = 4
#: Questions about the bundled article, and a word each answer holds.
QUESTIONS = [
    ("Who was Vinatier swapped for?", "Kasatkin"),
    ("What does DTEK do?", "DTEK"),
    ("Who is Laurent Vinatier?", "Vinatier"),
]
LIGHTHOUSE = (
    "Harbour lighthouse restored\n\n"
    "The old harbour lighthouse at Pennick Point was restored by volunteers this summer. "
    "Its lamp was relit on 14 August after forty years of darkness."
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _replica(
    api: FakeBotApi, database_url: str, index_dir: Path, port: int, log: Path
) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARTICLEBOT_", "TELEGRAM_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=api.token,
        ARTICLEBOT_API_URL=api.url,
        ARTICLEBOT_DATABASE_URL=database_url,
        ARTICLEBOT_INDEX_DIR=str(index_dir),
        ARTICLEBOT_WEBHOOK_SECRET=SECRET,
        ARTICLEBOT_UPDATE_LEASE_SECONDS=str(LEASE),
        ARTICLEBOT_RATE_LIMIT="0",
        ARTICLEBOT_CHAT_RATE_LIMIT="0",
    )
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "articlebot",
                "run",
                "-v",
                "--webhook",
                HOOK,
                "--port",
                str(port),
            ],
            env=env,
            cwd=log.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def test_every_question_is_answered_once_through_a_kill_and_a_database_restart(
    postgres_server, database_url: str, encoder, index_dir: Path, tmp_path: Path, cli
) -> None:
    from postgres import (
        ensure_running,
        index_bundled_article,
        restart_postgres,
        stop_postgres,
    )

    index_bundled_article(database_url, encoder)
    asked: dict[int, str] = {}  # chat -> the word its one answer must hold

    def ask(api: FakeBotApi, chat: int, n: int) -> int:
        question, expected = QUESTIONS[n % len(QUESTIONS)]
        asked[chat] = expected
        return api.push_update(api.private_message(chat, question))

    def answered(api: FakeBotApi) -> bool:
        return all(api.sent_messages(chat) for chat in asked)

    ports = [_free_port(), _free_port()]
    logs = [tmp_path / "replica-a.log", tmp_path / "replica-b.log"]
    targets = [f"http://127.0.0.1:{port}/hook" for port in ports]
    with FakeBotApi() as api:
        replicas = [
            _replica(api, database_url, index_dir, p, log)
            for p, log in zip(ports, logs, strict=True)
        ]
        try:
            api.wait_for(lambda: len(api.calls_to("setWebhook")) >= 2, timeout=180)
            api.deliver_webhook_to(targets)
            for n, chat in enumerate((9001, 9002)):
                ask(api, chat, n)
            api.wait_for(lambda: answered(api), timeout=60)

            # Telegram unreachable: the replicas take updates but cannot send their answers.
            api.pause()
            wave = {ask(api, 9100 + n, n): 9100 + n for n in range(8)}
            accepted = lambda: {u for u, _, s in api.deliveries if s == 200} & set(wave)  # noqa: E731
            api.wait_for(lambda: accepted() == set(wave), timeout=60)
            held_by_a = set(api.delivered_to(targets[0])) & set(wave)
            assert held_by_a, "the load balancer gave replica A none of the questions"
            time.sleep(1.0)  # A is answering: the question queue, then sends that fail
            replicas[0].send_signal(signal.SIGKILL)
            replicas[0].wait(timeout=10)

            # PostgreSQL down while more questions arrive: their webhook calls wait for it (or
            # are answered 503 and delivered again).
            stop_postgres(postgres_server)
            for n in range(4):
                ask(api, 9200 + n, n)
            time.sleep(1.5)
            restart_postgres(postgres_server)
            api.resume()

            # The CLI adds an article meanwhile; the surviving replica serves it.
            article = tmp_path / "lighthouse.txt"
            article.write_text(LIGHTHOUSE, encoding="utf-8")
            added: CliRun = cli(
                "add", str(article), "--database-url", database_url, index_dir=index_dir
            )
            assert added.returncode == 0, added.stderr
            # The replica looks for a new generation every second; loading it takes what the
            # machine gives (over 2 s on a busy one), and its log says when it serves it.
            api.wait_for(
                lambda: "now serving 2 document(s)" in logs[1].read_text(errors="replace"),
                timeout=60,
            )
            asked[9300] = "14 August"
            api.push_update(api.private_message(9300, "When was the Pennick Point lamp relit?"))

            api.wait_for(lambda: answered(api), timeout=120)
            time.sleep(2 * LEASE + 1)  # long enough for any second answer to arrive
        finally:
            for replica in replicas:
                if replica.poll() is None:
                    replica.send_signal(signal.SIGTERM)
            for replica in replicas:
                try:
                    replica.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    replica.kill()
            ensure_running(postgres_server)
        counts = {chat: len(api.sent_messages(chat)) for chat in asked}
        assert counts == {chat: 1 for chat in asked}, counts
        for chat, expected in asked.items():
            assert expected in api.sent_messages(chat)[0]["text"], (chat, expected)
    survivor = logs[1].read_text(errors="replace")
    assert "taking over update" in survivor, survivor[-3000:]
    assert api.token.split(":")[1] not in survivor
