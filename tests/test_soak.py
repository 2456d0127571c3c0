"""Everyone writing one index at once while the bot answers: nothing confirmed is lost.

Four writers share one index folder: two `articlebot add` loops, an add-then-remove loop (all
real processes), and an admin adding links through the running bot (the real PTB Application
over HTTP, its pages fetched from a loopback web server). Meanwhile readers ask the bot and a
reader process loads the index over and over.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from botkit import running_bot
from fake_botapi import FakeBotApi, make_user
from pages import Page, page_server

from articlebot.collection import open_index
from articlebot.config import load_settings
from articlebot.retrieval.retriever import Retriever
from articlebot.storage.local_index import load_index

# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")

#: How long everyone writes at once: 10 s by default, ARTICLEBOT_SOAK_SECONDS=60 (or more) for
#: a long run. Ten seconds is already several rounds of every writer against each other.
SOAK_SECONDS = float(os.environ.get("ARTICLEBOT_SOAK_SECONDS", "10"))
ADMIN = 9100
TOWNS = ["Arlen", "Brisk", "Corran", "Dunmere", "Eskby", "Farrow", "Gellin", "Harwick"]


def _story(tag: str, k: int) -> tuple[str, str]:
    town = f"{TOWNS[k % len(TOWNS)]}{tag}{k}"
    return (
        f"Council news from {town}",
        f"The council of {town} voted on Tuesday to rebuild the {tag}{k} market hall. "
        f"Work on the hall in {town} starts in spring and costs {k + 2} million pounds.",
    )


def _page(path: str) -> Page:
    k = int(path.strip("/").split(".")[0].split("-")[1])
    title, body = _story("web", k)
    page = (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{body}</p><p>Residents of the town were asked for their views at a meeting "
        f"held in the old school on Thursday evening.</p></article></body></html>"
    ).encode()
    return 200, "text/html; charset=utf-8", page


@pytest.fixture
def site() -> Iterator[str]:
    with page_server(_page) as url:
        yield url


@dataclass
class Ledger:
    """What the writers were told: ids confirmed added and confirmed removed, and failures."""

    added: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    commands: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _cli(ledger: Ledger, index_dir: Path, cwd: Path, *args: str) -> list[str] | None:
    """Run one command; the ids it confirms (None when it failed, which the ledger notes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARTICLEBOT_", "TELEGRAM_"))}
    env["ARTICLEBOT_INDEX_DIR"] = str(index_dir)
    result = subprocess.run(
        [sys.executable, "-m", "articlebot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    with ledger.lock:
        ledger.commands += 1
        if result.returncode != 0 or "Traceback" in result.stderr:
            ledger.problems.append(f"{args}: exit {result.returncode}: {result.stderr[-2000:]}")
            return None
        if args[0] == "add" and " 0 removed" not in result.stdout:
            ledger.problems.append(f"{args}: dropped articles: {result.stdout}")
    # `add` prints "<doc_id>: <title>" for each article it confirms, then a summary line.
    return [line.split(": ")[0] for line in result.stdout.splitlines()[:-1] if ": " in line]


def _adder(
    ledger: Ledger, index_dir: Path, folder: Path, tag: str, stop: threading.Event, remove: bool
) -> None:
    """Add a new article at a time; with `remove`, every other one is removed again."""
    k = 0
    while not stop.is_set():
        title, body = _story(tag, k)
        path = folder / f"{tag}-{k}.txt"
        path.write_text(f"{title}\n{body}\n", encoding="utf-8")
        confirmed = _cli(ledger, index_dir, folder, "add", str(path)) or []
        with ledger.lock:
            ledger.added.update(confirmed)
        removing = remove and confirmed and k % 2 == 0
        if removing and _cli(ledger, index_dir, folder, "remove", *confirmed) is not None:
            with ledger.lock:
                ledger.removed.update(confirmed)
        k += 1


def _reader(ledger: Ledger, index_dir: Path, stop: threading.Event) -> int:
    loads = 0
    while not stop.is_set():
        try:
            load_index(index_dir)
            loads += 1
        except Exception as exc:
            with ledger.lock:
                ledger.problems.append(f"reader: {type(exc).__name__}: {exc}")
        time.sleep(0.05)
    return loads


@pytest.mark.asyncio
async def test_four_writers_at_once_lose_nothing_while_the_bot_answers(
    article_index_dir: Path, tmp_path: Path, encoder, site: str
) -> None:
    index_dir = article_index_dir  # the bundled article, indexed
    settings = load_settings(
        index_dir=index_dir, admin_ids=[ADMIN], fetch_allow_hosts=["127.0.0.1"]
    )
    ledger = Ledger()
    stop = threading.Event()
    folder = tmp_path / "articles"
    folder.mkdir()
    with FakeBotApi() as api:
        served = Retriever(open_index(settings, encoder), encoder)
        async with running_bot(
            settings.model_copy(update={"api_url": api.url}), api.token, served
        ) as app:
            try:
                workers = [
                    asyncio.to_thread(_adder, ledger, index_dir, folder, "alpha", stop, False),
                    asyncio.to_thread(_adder, ledger, index_dir, folder, "beta", stop, False),
                    asyncio.to_thread(_adder, ledger, index_dir, folder, "gamma", stop, True),
                ]
                reader = asyncio.create_task(asyncio.to_thread(_reader, ledger, index_dir, stop))
                writers = asyncio.gather(*workers)
                admin = make_user(ADMIN)
                deadline = time.monotonic() + SOAK_SECONDS
                links = asked = 0
                # Past the deadline until each side has done enough to meet the others.
                while time.monotonic() < deadline or ledger.commands < 6:
                    # The admin adds a link and, meanwhile, a reader asks; both must be answered.
                    api.push_update(
                        api.private_message(ADMIN, f"/add {site}/web-{links}.html", user=admin)
                    )
                    links += 1
                    chat = 20_000 + asked
                    api.push_update(api.private_message(chat, "Who was Vinatier swapped for?"))
                    [answer] = await api.await_messages(chat, 1, timeout=120)
                    assert "Kasatkin" in answer["text"], answer["text"]
                    asked += 1
                    await api.await_for(
                        lambda n=links: (
                            sum(
                                m["text"].startswith(("Added", "Could not"))
                                for m in api.sent_messages(ADMIN)
                            )
                            >= n
                        ),
                        timeout=300,
                    )
                stop.set()
                await writers
                loads = await reader

                for reply in api.sent_messages(ADMIN):
                    if reply["text"].startswith("Could not") or "Sorry" in reply["text"]:
                        ledger.problems.append(f"bot: {reply['text']}")
                    if reply["text"].startswith("Added"):
                        ledger.added.add(reply["text"].split("id ")[-1].rstrip("."))
                assert not ledger.problems, "\n".join(ledger.problems)

                final = set(load_index(index_dir).documents)
                expected = {"article"} | (ledger.added - ledger.removed)
                assert final == expected, (
                    f"lost: {sorted(expected - final)}; unexpected: {sorted(final - expected)}"
                )
                # The bot serves what the command-line writers published.
                await asyncio.sleep(2.5)
                await _probe(api)
                assert set(app.bot_data.retriever.index.documents) == final
                print(
                    f"\nsoak: {SOAK_SECONDS:.0f} s, {ledger.commands} CLI writes, "
                    f"{links} bot adds, {asked} questions answered, {loads} index loads, "
                    f"{len(final)} articles"
                )
                assert ledger.commands >= 6 and links >= 2 and loads >= 10
            finally:
                stop.set()  # the writer threads end with the test, whatever happened


async def _probe(api: FakeBotApi) -> bool:
    """A question answered after the index settled: the bot is still serving."""
    api.push_update(api.private_message(29_999, "Who was Vinatier swapped for?"))
    await api.await_messages(29_999, 1, timeout=60)
    return True
