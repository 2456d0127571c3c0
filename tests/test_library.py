"""Adding, listing, scoping and removing articles from the chat and the command line."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import dataclasses
import itertools
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

import pytest
import pytest_asyncio
from botkit import running_bot
from fake_botapi import FakeBotApi, make_user
from pages import Page, page_server

from articlebot.bot import articles, handlers
from articlebot.collection import add_documents, open_index, remove_documents
from articlebot.config import load_settings
from articlebot.index.store import current_generation
from articlebot.ingest.documents import Document, DocumentError
from articlebot.ingest.fetch import fetch_article
from articlebot.retrieval.retriever import Retriever

if TYPE_CHECKING:
    from filelock import FileLock
    from telegram.ext import Application

#: The fixture `api`.
pytest_plugins = ["botkit"]
# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")

ADMIN = 7001
#: An upload long enough to take a few model runs.
BELLS = b"Harbour bells ring again\n\n" + b"The harbour bell rang at noon, Ilse Varga said. " * 30
#: The test site is on loopback, which links may only be fetched from when the operator allows it.
LOOPBACK = ["127.0.0.1"]
PAGE = """<!doctype html><html><head><title>Lighthouse keeper retires | Coast Times</title>
<meta name="author" content="Mara Quinn"></head><body><nav>Home News Sport</nav><article>
<h1>Lighthouse keeper retires after 41 years</h1>
<p>Edwin Sollas, the last resident keeper of the Skerry Point lighthouse, retired on Friday after
41 years of service, the coastal authority said.</p>
<p>Sollas said he would move to the mainland town of Carrick to live with his daughter, and that
he planned to spend his time restoring an old fishing boat called the Merrow.</p>
<p>The lighthouse has been automated since March and will be monitored from a control room in
Port Ellis, officials said.</p></article><footer>Copyright Coast Times</footer></body></html>"""


ORCHARD = """<html><head><title>Cider orchard wins heritage grant</title></head><body><article>
<h1>Cider orchard wins heritage grant</h1><p>The Bramblecote community orchard has won a heritage
grant of 85,000 pounds to replant 300 old apple trees, the trust that runs it said on Tuesday.</p>
<p>Volunteers will graft the new trees from cuttings of varieties that grew there a century ago.
</p></article></body></html>"""


RELEASE = """FOR IMMEDIATE RELEASE

Harbour trust buys the old net loft

The Pennick Harbour Trust has bought the old net loft on Quay Street for 240,000 pounds and will
open it as a museum of fishing next spring, its chair Orla Breen said on Monday.
"""


STORM = """<html><head><title>Storm closes the coast road</title></head><body><article>
<h1>Storm closes the coast road</h1><p>The coast road between Pellow and Tresk was closed on
Sunday night after waves threw stones across it, the county council said.</p>
<p>It will reopen once the stones are cleared, probably by Tuesday.</p></article></body></html>"""


#: A short Chinese notice: 66 characters, no spaces; 一 (U+4E00) has a zero byte.
NOTICE = "一家港口信托以二十四万英镑买下了码头街的旧网棚" * 3


#: How many times /edition.txt was read: each read is a new edition of the page.
_EDITIONS = itertools.count(1)


def _page(path: str) -> Page:
    if path == "/edition.txt":
        edition = next(_EDITIONS)
        text = (
            f"Harbour bulletin\n\nEdition {edition}: the harbour opens at {6 + edition} am on "
            "weekdays, the harbour master said, and the fish market on the quay stays closed."
        )
        return 200, "text/plain; charset=utf-8", text.encode()
    if path.partition("?")[0] == "/lighthouse.html":  # a link's query is the site's to read
        return 200, "text/html; charset=utf-8", PAGE.encode()
    if path.partition("?")[0] == "/storm.html":  # whatever a share button added
        return 200, "text/html; charset=utf-8", STORM.encode()
    if path == "/to-storm":  # a short link
        return 302, "text/plain", b"", {"Location": "/storm.html"}
    if unquote(path) == "/köln/zoo.html":  # however its path is percent-encoded
        return 200, "text/html; charset=utf-8", STORM.replace("coast road", "zoo road").encode()
    if path == "/to-zoo":
        return 302, "text/plain", b"", {"Location": "/k%C3%B6ln/zoo.html"}
    if path == "/orchard.html":
        return 200, "text/html; charset=utf-8", ORCHARD.encode()
    if path == "/report.pdf":
        return 200, "application/pdf", b"%PDF-1.4"
    if path == "/release.txt":
        return 200, "text/plain; charset=utf-8", RELEASE.encode()
    if path == "/notes.md":  # a raw Markdown file, served as plain text as code hosts do
        notes = (
            b"# Ferry timetable changes\n\nThe **Skerry** ferry sails at 7:40 from Monday, and the "
            b"last boat back leaves the island at 18:15, the harbour office said."
        )
        return 200, "text/plain", notes
    if path == "/release-utf16.txt":  # as Windows saves "Unicode" text
        return 200, "text/plain", codecs.BOM_UTF16_LE + RELEASE.encode("utf-16-le")
    if path == "/release-utf16-charset.txt":
        return 200, "text/plain; charset=utf-16", RELEASE.encode("utf-16")
    if path.startswith("/release-utf16-no-mark-"):  # the byte order the charset names not
        order = path.removeprefix("/release-utf16-no-mark-").removesuffix(".txt")
        return 200, "text/plain; charset=utf-16", RELEASE.encode(f"utf-16-{order}")
    if path == "/notice-zh.txt":  # a short Chinese notice: no spaces
        return 200, "text/plain; charset=utf-8", NOTICE.encode()
    if path.startswith("/notice-zh-utf16-"):  # no ASCII at all to tell the byte order by
        order = path.removeprefix("/notice-zh-utf16-").removesuffix(".txt")
        return 200, "text/plain; charset=utf-16", NOTICE.encode(f"utf-16-{order}")
    if path == "/limited.txt":  # a site's error, answered 200
        return 200, "text/plain", b"Rate limit exceeded"
    if path == "/dump.txt":
        return 200, "text/plain", b"\x00\x01binary\x00" * 10
    if path == "/huge.html":
        return 200, "text/html", b"<p>" + b"x" * (6 * 1024 * 1024)
    return 404, "text/plain", b"not here"


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """A web server on loopback with one article and some bad links."""
    with page_server(_page) as url:
        yield url


@pytest.mark.asyncio
async def test_fetch_extracts_the_article_and_rejects_bad_links(site: str) -> None:
    doc = await fetch_article(f"{site}/lighthouse.html", allow=LOOPBACK)
    assert "Edwin Sollas" in doc.text and "Home News Sport" not in doc.text
    assert doc.title.startswith("Lighthouse keeper retires") and doc.source.endswith(".html")
    # A plain text link (a press release) is read as the same file would be: it was refused
    # as "not a web page".
    release = await fetch_article(f"{site}/release.txt", allow=LOOPBACK)
    assert release.title == "Harbour trust buys the old net loft"
    assert "Orla Breen" in release.text and release.source == f"{site}/release.txt"
    # UTF-16 (a verifier's probe: refused as binary data for its zero bytes).
    # Without a byte-order mark either way (a verifier's probe: big-endian became mojibake).
    for path in (
        "/release-utf16.txt",
        "/release-utf16-charset.txt",
        "/release-utf16-no-mark-be.txt",
        "/release-utf16-no-mark-le.txt",
    ):
        wide = await fetch_article(f"{site}{path}", allow=LOOPBACK)
        assert wide.title == release.title and "Orla Breen" in wide.text, path
    # Chinese has no spaces between words: 60 characters are more than one word.
    for path in ("/notice-zh.txt", "/notice-zh-utf16-be.txt", "/notice-zh-utf16-le.txt"):
        notice = await fetch_article(f"{site}{path}", allow=LOOPBACK)
        assert "码头街" in notice.text, path
    notes = await fetch_article(f"{site}/notes.md", allow=LOOPBACK)
    assert notes.title == "Ferry timetable changes" and "**" not in notes.text
    for path, reason in [
        ("/missing", "404"),
        ("/report.pdf", "not a web page"),
        ("/dump.txt", "binary data"),
        ("/limited.txt", "not an article"),
        ("/huge.html", "larger than"),
    ]:
        with pytest.raises(DocumentError, match=reason):
            await fetch_article(f"{site}{path}", allow=LOOPBACK)
    with pytest.raises(DocumentError, match="cannot fetch"):
        await fetch_article("http://127.0.0.1:9/nothing-listens-here", allow=LOOPBACK)


@pytest_asyncio.fixture
async def bot(api: FakeBotApi, encoder, article_index_dir: Path):
    """A bot over its own index folder (the bundled article), with one admin."""
    settings = load_settings(
        api_url=api.url,
        index_dir=article_index_dir,
        admin_ids=[ADMIN],
        fetch_allow_hosts=LOOPBACK,
    )
    retriever = Retriever(open_index(settings, encoder), encoder)
    async with running_bot(settings, api.token, retriever) as app:
        yield app


async def _ask(api: FakeBotApi, chat: int, text: str, count: int, user=None) -> str:
    api.push_update(api.private_message(chat, text, user=user))
    messages = await api.await_messages(chat, count, timeout=60)
    return messages[count - 1]["text"]


@pytest.mark.asyncio
async def test_admin_adds_a_link_and_it_becomes_answerable(api, bot, site) -> None:
    admin = make_user(ADMIN)
    api.push_update(api.private_message(ADMIN, f"{site}/lighthouse.html", user=admin))
    # Meanwhile other chats are answered as usual.
    assert "Kasatkin" in await _ask(api, 8001, "Who was Vinatier swapped for?", 1)
    await api.await_for(
        lambda: any("Added" in m["text"] for m in api.sent_messages(ADMIN)), timeout=120
    )
    # An answer given before the article was added keeps working buttons: its own article is
    # as it was (every button once went "out of date" at any add).
    before = api.sent_messages(8001)[0]
    paragraph = _button(before, "Paragraph")
    api.push_update(api.callback_query(make_user(8001), before, paragraph))
    assert "Kasatkin" in (await api.await_messages(8001, 2, timeout=30))[1]["text"]
    # /summary there is of the article just discussed, as "summarize" is, not the newest.
    assert (await _ask(api, 8001, "/summary", 3)).startswith("Russia warns")
    assert (await _ask(api, 8007, "/summary", 1)).startswith("Lighthouse keeper retires")
    added = api.sent_messages(ADMIN)[-1]["text"]
    assert "Lighthouse keeper retires" in added and "passages" in added
    answer = await _ask(api, 8002, "Which town will Sollas move to?", 1)
    assert "Carrick" in answer and "Lighthouse keeper retires" in answer  # names the article

    listing = await _ask(api, 8003, "/articles", 1)
    assert "Lighthouse keeper retires" in listing and "Russia warns" in listing

    doc_id = added.split("id ")[-1].rstrip(".")
    assert "only" in await _ask(api, 8004, f"/use {doc_id}", 1)
    scoped = await _ask(api, 8004, "Who was Vinatier swapped for?", 2)
    assert "Kasatkin" not in scoped  # this chat now asks the lighthouse story only
    assert "every article" in await _ask(api, 8004, "/use all", 3)
    assert "only" in await _ask(api, 8008, f"/use {doc_id}", 1)

    assert "Removed" in await _ask(api, ADMIN, f"/remove {doc_id}", 3, user=admin)
    gone = await _ask(api, 8005, "Which town will Sollas move to?", 1)
    assert "Carrick" not in gone
    # A chat set to the removed article is told, once, that it now searches every article.
    widened = await _ask(api, 8008, "Who was Vinatier swapped for?", 2)
    assert widened.startswith(handlers.USE_GONE) and "Kasatkin" in widened
    assert not (await _ask(api, 8008, "Who was Vinatier swapped for?", 3)).startswith(
        handlers.USE_GONE
    )
    # A button of an answer from the removed article is out of date; the others still work.
    lighthouse = api.sent_messages(8002)[0]
    api.push_update(
        api.callback_query(make_user(8002), lighthouse, _button(lighthouse, "Paragraph"))
    )
    await api.await_for(lambda: len(api.calls_to("answerCallbackQuery")) >= 2, timeout=30)
    assert api.calls_to("answerCallbackQuery")[-1].params.get("text") == handlers.STALE_CALLBACK
    # (Its Paragraph was pressed already: "Already shown above."; its More is sent.)
    api.push_update(api.callback_query(make_user(8001), before, _button(before, "More")))
    assert (await api.await_messages(8001, 4, timeout=30))[3]["text"].startswith("2. ")
    api.push_update(api.callback_query(make_user(8001), before, paragraph))
    await api.await_for(lambda: len(api.calls_to("answerCallbackQuery")) >= 4, timeout=30)
    assert api.calls_to("answerCallbackQuery")[-1].params.get("text") == handlers.SHOWN_ABOVE


def _button(message: dict, label: str) -> str:
    return next(
        b["callback_data"]
        for b in message["reply_markup"]["inline_keyboard"][0]
        if b["text"] == label
    )


@pytest.mark.asyncio
async def test_bad_links_and_non_admins(api, bot, site) -> None:
    admin = make_user(ADMIN)
    bad = [
        (f"{site}/missing", "404"),
        (f"{site}/report.pdf", "not a web page"),
        (f"{site}/huge.html", "larger than"),
        ("http://127.0.0.1:9/gone", "cannot fetch"),
        (f"{site.replace('127.0.0.1', '127.0.0.2')}/lighthouse.html", "is not public"),
        # A link typed without its scheme, as Telegram shows links, is the link meant.
        (f"{site.removeprefix('http://')}/missing", "404"),
    ]
    for number, (link, reason) in enumerate(bad, start=1):
        api.push_update(api.private_message(ADMIN, f"/add {link}", user=admin))
        await api.await_messages(ADMIN, 2 * number, timeout=30)
        assert reason in api.sent_messages(ADMIN)[-1]["text"]
    # A page changed since it was added replaces its earlier version, said so (a verifier's
    # probe: "Added" again, under the same id).
    sent = len(api.sent_messages(ADMIN))
    for n in (1, 2):
        api.push_update(api.private_message(ADMIN, f"/add {site}/edition.txt", user=admin))
        await api.await_messages(ADMIN, sent + 2 * n, timeout=60)
    first, second = (api.sent_messages(ADMIN)[sent + i]["text"] for i in (1, 3))
    assert first.startswith("Added Harbour bulletin")
    assert second.startswith("Updated Harbour bulletin") and "version indexed before" in second
    # "www." that is no link alone is asked as a question, not swallowed (a verifier's probe).
    asked = await _ask(api, ADMIN, "www.example.com.", 2 * len(bad) + 5, user=admin)
    assert asked and asked != "Reading the article…"
    assert "for the bot's admins" in await _ask(api, 8006, f"/add {site}/lighthouse.html", 1)
    assert "for the bot's admins" in await _ask(api, 8006, "/remove article", 2)
    assert await _ask(api, 8006, "www.example.com/story", 3) == articles.ADDING_IS_FOR_ADMINS


@pytest.mark.asyncio
async def test_a_link_s_secret_values_stay_out_of_the_log(
    api, bot, site, caplog: pytest.LogCaptureFixture
) -> None:
    # A bot attacker: the reply, /source and `list` masked "?access_token=...", and the log's
    # "added ... from" line gave it whole.
    caplog.set_level(logging.INFO, logger="articlebot")
    link = f"{site}/lighthouse.html?access_token=SECRET123&sig=abcdef"
    api.push_update(api.private_message(ADMIN, link, user=make_user(ADMIN)))
    await api.await_for(
        lambda: any("Added" in m["text"] for m in api.sent_messages(ADMIN)), timeout=120
    )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "lighthouse.html?access_token=***" in logged
    assert "SECRET123" not in logged and "SECRET123" not in api.sent_messages(ADMIN)[-1]["text"]


@pytest.mark.asyncio
async def test_add_with_more_words_or_links_adds_each_link(api, bot, site) -> None:
    # A bot attacker's probe: "/add LINK thanks" and "/add LINK1 LINK2" fetched the whole text
    # as one link (".../orchard.html%20thanks": 404), and so did an admin's "LINK who wrote
    # this?".
    admin = make_user(ADMIN)
    sent = [
        (f"/add {site}/lighthouse.html thanks", ["Added Lighthouse keeper retires"]),
        (
            f"/add {site}/release.txt\n{site}/notes.md",
            ["Added Harbour trust buys the old net loft", "Added Ferry timetable changes"],
        ),
        (f"{site}/edition.txt who wrote this?", ["Added Harbour bulletin"]),
        # A verifier's probes: a list with commas lost its first link (".../x.html," fetched),
        # and a host named in the words after a link was fetched as a second one.
        (
            f"/add {site}/lighthouse.html, {site}/notes.md.",
            ["Already indexed: Lighthouse keeper retires", "Already indexed: Ferry timetable"],
        ),
        (
            f"{site}/lighthouse.html is this what reuters.com ran?",
            ["Already indexed: Lighthouse keeper retires"],
        ),
    ]
    count = 0
    for text, added in sent:
        api.push_update(api.private_message(ADMIN, text, user=admin))
        count += 2 * len(added)
        replies = [m["text"] for m in (await api.await_messages(ADMIN, count, timeout=120))]
        outcomes = [r for r in replies[count - 2 * len(added) :] if r != "Reading the article…"]
        assert len(outcomes) == len(added), replies
        for outcome, title in zip(outcomes, added, strict=True):
            assert outcome.startswith(title), outcomes


@pytest.mark.asyncio
async def test_an_admin_sends_links_without_https_and_each_is_added(api, bot, site) -> None:
    # A bot attacker's probe: two links without "https://" were asked as a question ("I
    # couldn't find that..."), and a stop after one was fetched as its end (a 404).
    host = site.removeprefix("http://")
    admin = make_user(ADMIN)
    sent = f"{host}/lighthouse.html, {host}/notes.md\u200b\uff0c{host}/orchard.html."
    api.push_update(api.private_message(ADMIN, sent, user=admin))
    replies = [m["text"] for m in await api.await_messages(ADMIN, 6, timeout=120)]
    outcomes = [r for r in replies if r != "Reading the article…"]
    assert [o.split(" (")[0] for o in outcomes] == [
        "Added Lighthouse keeper retires after 41 years",
        "Added Ferry timetable changes",
        "Added Cider orchard wins heritage grant",
    ], replies


@pytest.mark.parametrize(
    ("sent", "links"),
    [
        # A verifier's probes: a comma or semicolon inside a link cut it ("/7" fetched and
        # indexed: "Added Wrong page: section front"); a link's own last dot is its own.
        (
            "https://wyborcza.pl/7,75398,30512345,x.html",
            ["https://wyborcza.pl/7,75398,30512345,x.html"],
        ),
        ("https://w.org/wiki/Washington,_D.C.", ["https://w.org/wiki/Washington,_D.C."]),
        ("https://a.com/x;jsessionid=1 who wrote it?", ["https://a.com/x;jsessionid=1"]),
        ("https://a.com/x, https://b.com/y.", ["https://a.com/x", "https://b.com/y"]),
        ("https://a.com/story. Thanks", ["https://a.com/story"]),
        # Round 3: glued by a comma, a comma before it, a stop of several marks.
        ("https://a.com/x,https://b.com/y", ["https://a.com/x", "https://b.com/y"]),
        (",https://a.com/x", ["https://a.com/x"]),
        ("https://a.com/story... is this the one?", ["https://a.com/story"]),
        ("https://a.com/story?.", ["https://a.com/story"]),
        ("https://a.com/search?q=a,b,c&x=1", ["https://a.com/search?q=a,b,c&x=1"]),
        # Links in brackets or quotation marks ("/add (LINK)" fetched "LINK)": a 404).
        ("(https://a.com/x)", ["https://a.com/x"]),
        ("<https://a.com/x>.", ["https://a.com/x"]),
        ("(https://w.org/wiki/Mercury_(planet))", ["https://w.org/wiki/Mercury_(planet)"]),
        ("https://w.org/wiki/Mercury_(planet)", ["https://w.org/wiki/Mercury_(planet)"]),
        ('"https://a.com/x" and «https://b.com/y»', ["https://a.com/x", "https://b.com/y"]),
    ],
)
def test_the_links_an_admin_sends_are_read_whole(sent: str, links: list[str]) -> None:
    assert articles._links(sent) == links


@pytest.mark.parametrize(
    ("sent", "links"),
    [
        # A bot attacker's probes: links without "https://" sent alone were asked as a
        # question, and /add took only the first of two bare hosts.
        (
            "www.bbc.co.uk/news/a, www.bbc.co.uk/news/b",
            ["https://www.bbc.co.uk/news/a", "https://www.bbc.co.uk/news/b"],
        ),
        (
            "bbc.co.uk/news/a bbc.co.uk/news/b;https://c.com/x",
            ["https://bbc.co.uk/news/a", "https://bbc.co.uk/news/b", "https://c.com/x"],
        ),
        # A bare link kept a sentence's stop ("/a.html." fetched: 404).
        ("www.bbc.co.uk/news/story.", ["https://www.bbc.co.uk/news/story"]),
        ("127.0.0.1:8000/a.html.", ["http://127.0.0.1:8000/a.html"]),
        # A zero-width space, or a full-width comma between links, was fetched as the link's.
        ("https://a.com/x\u200b", ["https://a.com/x"]),
        ("\u200bwww.a.com/x\u2060", ["https://www.a.com/x"]),
        ("https://a.com/x\uff0chttps://b.com/y", ["https://a.com/x", "https://b.com/y"]),
        (
            "a.com/x\uff1bb.com/y\u3001c.com/z\u3000d.com/w",
            [f"https://{h}" for h in ("a.com/x", "b.com/y", "c.com/z", "d.com/w")],
        ),
        # A verifier's probe: a Persian word's zero-width non-joiner is part of the link.
        (
            "https://fa.wikipedia.org/wiki/\u0646\u06cc\u0645\u200c\u0641\u0627\u0635\u0644\u0647",
            [
                "https://fa.wikipedia.org/wiki/\u0646\u06cc\u0645\u200c\u0641\u0627\u0635\u0644\u0647"
            ],
        ),
    ],
)
def test_a_message_of_links_alone_adds_them_all(sent: str, links: list[str]) -> None:
    assert articles._links(sent) == links
    assert articles._sent_links(sent) == links  # sent alone in a private chat, as after /add


@pytest.mark.parametrize(
    ("sent", "links"),
    [
        # Words beside links: the rules of before.
        ("example.com is great", []),
        ("www.a.com/x who wrote this?", []),
        ("https://a.com/x is this what reuters.com ran?", ["https://a.com/x"]),
        ("www.example.com.", []),  # a sentence, asked
        ("Vinatier.Russia?", []),
        # A verifier's probe: several sites asked about, "?" at the end, are a question.
        ("bbc.com/news, cnn.com/world?", []),
        ("yahoo.com/finance? msn.com/money?", []),
    ],
)
def test_a_message_with_words_beside_links_is_read_as_before(sent: str, links: list[str]) -> None:
    assert articles._sent_links(sent) == links


def test_adds_from_several_threads_lose_nothing(encoder, article_index_dir) -> None:
    settings = load_settings(index_dir=article_index_dir)
    open_index(settings, encoder)
    docs = [
        Document(f"d{i}", f"Story {i}", f"Title {i}\n\nBody of story {i}.", f"s{i}.txt")
        for i in range(4)
    ]

    def add(doc: Document) -> None:  # no lock of the caller's: the index folder's lock is enough
        add_documents(settings, encoder, [doc])

    threads = [threading.Thread(target=add, args=(doc,)) for doc in docs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(open_index(settings, encoder).documents) == {"article", "d0", "d1", "d2", "d3"}


def test_a_page_added_by_another_form_of_its_link_is_the_article_already_indexed(
    site, encoder, article_index_dir
) -> None:
    # An attacker's probe: the same page added with "#comments", "?utm_source=telegram", an
    # upper-case "HTTP://" or a short link that redirects to it was each a new article: the
    # catalogue listed its title five times, and /remove of one left the others.
    settings = load_settings(index_dir=article_index_dir)
    link = f"{site}/storm.html"

    def add(url: str) -> tuple[str, bool]:
        document = asyncio.run(fetch_article(url, allow=LOOPBACK))
        _, report = add_documents(settings, encoder, [document])
        [doc_id] = report.given
        return doc_id, doc_id in report.unchanged

    doc_id, _ = add(link)
    for variant in (
        f"{link}#comments",
        f"{link}?utm_source=telegram&utm_medium=social",
        link.replace("http://", "HTTP://"),
        f"{site}/to-storm",
    ):
        assert add(variant) == (doc_id, True), variant  # "Already indexed"
    index = open_index(settings, encoder)
    assert [d for d in index.documents.values() if d.title.startswith("Storm")] == [
        index.documents[doc_id]
    ]
    assert index.documents[doc_id].source == link
    # Other parameters name another page: kept, in their order.
    paged = asyncio.run(fetch_article(f"{link}?id=5&utm_campaign=x&page=2#top", allow=LOOPBACK))
    assert paged.source == f"{link}?id=5&page=2"


def test_a_page_whose_link_is_percent_encoded_another_way_is_the_article_already_indexed(
    site, encoder, article_index_dir
) -> None:
    # A verifier's probe: ".../köln/zoo.html", ".../k%C3%B6ln/zoo.html", ".../k%c3%b6ln/..."
    # made three articles, and a short link redirecting to "k%C3%B6ln" a second one ("has
    # the same text as ..."). One page: "Already indexed", shown by the link first typed.
    settings = load_settings(index_dir=article_index_dir)
    typed = f"{site}/köln/zoo.html"

    def add(url: str) -> tuple[str, bool]:
        document = asyncio.run(fetch_article(url, allow=LOOPBACK))
        _, report = add_documents(settings, encoder, [document])
        [doc_id] = report.given
        return doc_id, doc_id in report.unchanged

    doc_id, _ = add(typed)
    for variant in (f"{site}/k%C3%B6ln/zoo.html", f"{site}/k%c3%b6ln/zoo.html", f"{site}/to-zoo"):
        assert add(variant) == (doc_id, True), variant
    index = open_index(settings, encoder)
    assert [d.doc_id for d in index.documents.values() if "zoo road" in d.title] == [doc_id]
    assert index.documents[doc_id].source == typed


def test_a_link_s_encoded_reserved_characters_and_idn_host_in_its_identity() -> None:
    # Decoded, "%2F" in a path or "%26" / "%3D" / "%23" in a query value would name another
    # page: they stay apart. An internationalized host and its "xn--" form (a redirect's, as
    # httpx writes it) are one host; an article indexed under either keeps its id.
    from articlebot.index.identity import IdentityResolver

    unicode = "https://Bücher.example/köln.html"
    puny = "https://xn--bcher-kva.example/k%C3%B6ln.html"
    doc = Document("koln-html-000000", "Köln", "Der Zoo in Köln ist wieder offen.", puny)
    resolved = IdentityResolver({"koln-html-a1b2c3": unicode}).resolve(doc)
    assert (resolved.doc_id, resolved.source) == ("koln-html-a1b2c3", unicode.replace("B", "b"))

    from articlebot.index.identity import source_key

    assert source_key(unicode) == source_key(puny)
    assert source_key("http://a.example/?q=%c3%a4") == source_key("http://a.example/?q=ä")
    assert source_key("http://a.example/x%2Fy") != source_key("http://a.example/x/y")
    for value in ("%26", "%3D", "%23"):
        assert source_key(f"http://a.example/?q=a{value}b") != source_key(
            f"http://a.example/?q=a{unquote(value)}b"
        )


def test_a_link_indexed_before_as_it_was_typed_keeps_its_article(
    site, encoder, article_index_dir
) -> None:
    # Indexes written before links were known by their page hold an article's id and source as
    # the link was typed ("storm-html-ec9b48" for "...storm.html#comments"). Each form of the
    # link added now is that article still, not a new one beside it.
    from articlebot.index.identity import IdentityResolver

    typed = f"{site}/storm.html?utm_source=telegram#comments"
    fetched = asyncio.run(fetch_article(f"{site}/storm.html", allow=LOOPBACK))
    resolver = IdentityResolver({"storm-html-ec9b48": typed})
    assert resolver.resolve(fetched).doc_id == "storm-html-ec9b48"
    settings = load_settings(index_dir=article_index_dir)
    for old_link, again in ((typed, f"{site}/storm.html"), (f"{site}/to-storm",) * 2):
        old = asyncio.run(fetch_article(old_link, allow=LOOPBACK))
        add_documents(settings, encoder, [dataclasses.replace(old, doc_id="old", source=old_link)])
        document = asyncio.run(fetch_article(again, allow=LOOPBACK))
        _, report = add_documents(settings, encoder, [document])
        assert report.given == ["old"] and "old" in report.unchanged, old_link
        titles = [d.title for d in open_index(settings, encoder).documents.values()]
        assert titles.count("Storm closes the coast road") == 1, old_link
        remove_documents(settings, ["old"])


def test_cli_add_list_remove(site, index_dir, tmp_path, cli) -> None:
    def run(*args: str):
        # The test site is on loopback.
        return cli(*args, index_dir=index_dir, ARTICLEBOT_FETCH_ALLOW_HOSTS="127.0.0.1")

    assert run("index").returncode == 0
    added = run("add", f"{site}/lighthouse.html")
    assert added.returncode == 0, added.stderr
    doc_id = added.stdout.split(":")[0]
    listing = run("list").stdout
    assert doc_id in listing and "article" in listing
    bad = run("add", f"{site}/missing")
    assert bad.returncode == 1 and "404" in bad.stderr and "Traceback" not in bad.stderr
    assert run("remove", doc_id).returncode == 0
    assert doc_id not in run("list").stdout
    missing = run("remove", "article", "no-such-id")
    assert missing.returncode == 1
    assert "no article with id 'no-such-id'; nothing was removed" in missing.stderr
    # An id typed with a capital, as a title writes it, names the id meant.
    near = run("remove", "Article")
    assert near.returncode == 1
    assert "no article with id 'Article' (did you mean 'article'?); nothing" in near.stderr
    assert "article" in run("list").stdout
    page = tmp_path / "page.txt"
    page.write_text("Harbour news\n\nThe harbour reopened on Monday after repairs.\n")
    spaced = run("add", "--id", "my page/2", str(page))
    assert spaced.returncode == 2
    assert "--id takes one word: letters, digits, '-', '_' and '.'" in spaced.stderr


def test_a_first_add_says_the_sample_article_is_not_in_the_new_index(
    index_dir, tmp_path, cli
) -> None:
    """`ask` on a new index folder indexes the sample article; `add` makes an index of what
    it is given, and says how to put the sample beside it (a new user asked about the sample
    after adding an article first, and was told it was not there)."""
    story = tmp_path / "ferry.txt"
    story.write_text("Ferry timetable\n\nThe first ferry leaves the harbour at 7 a.m.\n")
    first = cli("add", str(story), index_dir=index_dir)
    assert first.returncode == 0 and "a new index, with only what was added" in first.stderr
    command = first.stderr.split("`")[1].split()
    assert command[:2] == ["articlebot", "add"]
    sample = cli(*command[1:], index_dir=index_dir)
    assert sample.returncode == 0 and "a new index" not in sample.stderr  # no longer new
    listed = cli("list", index_dir=index_dir).stdout.splitlines()
    assert sorted(line.split("\t")[0] for line in listed) == ["article", "ferry"]


def test_index_keeps_every_article_whatever_became_of_its_source(
    site, index_dir, tmp_path, cli
) -> None:
    def run(*args: str):
        return cli(*args, index_dir=index_dir, ARTICLEBOT_FETCH_ALLOW_HOSTS="127.0.0.1")

    def ids() -> list[str]:
        return sorted(line.split("\t")[0] for line in run("list").stdout.splitlines())

    files = tmp_path / "files"
    files.mkdir()
    (files / "apple.txt").write_text(
        "Apple harvest\n\nThe apple harvest in Kent was the largest in a decade.\n"
    )
    (files / "pear.txt").write_text("Pear prices\n\nPear prices fell by a third this autumn.\n")
    (files / "notes.md").write_text(
        "Tram line\n\nThe new tram line to the airport opens in May, the council said.\n"
    )
    assert run("add", str(files / "apple.txt"), str(files / "pear.txt")).returncode == 0
    assert run("add", "--id", "tram", str(files / "notes.md")).returncode == 0
    link = run("add", f"{site}/lighthouse.html")
    assert link.returncode == 0, link.stderr
    held = ids()
    assert held == sorted(["apple", "pear", "tram", link.stdout.split(":")[0]])

    # A file moved away, a link and an id given by hand: `index` reads the files still there
    # again and keeps the rest as indexed, and adds no bundled article in their place.
    (files / "pear.txt").unlink()
    (files / "pear.txt").mkdir()  # a folder in its place holds no article (a CLI attacker)
    refreshed = run("index")
    assert refreshed.returncode == 0, refreshed.stderr
    assert f"kept as indexed, their files are gone: {files / 'pear.txt'}" in refreshed.stderr
    assert ids() == held
    # --rebuild embeds them all again from the index's own copies (reported as unchanged:
    # none was added or edited)...
    again = run("index", "--rebuild")
    assert again.returncode == 0
    assert "0 added, 0 updated, 4 unchanged, 0 removed; embedded 6 of 6 passages" in again.stdout
    assert ids() == held
    assert "May" in run("ask", "--doc", "tram", "When does the tram line open?").stdout
    # ... which is also the fix for a damaged index, as its error says.
    (index_dir / "CURRENT").write_bytes(b"\x8f\x00garbage")
    damaged = run("list")
    assert damaged.returncode == 1 and "run `articlebot index --rebuild`" in damaged.stderr
    assert run("index", "--rebuild").returncode == 0
    assert ids() == held
    # The same when the pointer names a generation that is not there.
    (index_dir / "CURRENT").write_text("gen-20000101000000-deadbeef")
    gone = run("list")
    assert gone.returncode == 1 and "run `articlebot index --rebuild`" in gone.stderr
    assert run("index", "--rebuild").returncode == 0
    assert ids() == held
    # The pointer deleted (a CLI attacker's probe: a clean-up or a backup that left it out):
    # `add` and a plain `ask` took the folder for a new one and deleted every article with
    # their first write. Each says to rebuild, which recovers them.
    (index_dir / "CURRENT").unlink()
    for command in (("list",), ("add", str(files / "apple.txt")), ("ask", "who?")):
        missing = run(*command)
        assert missing.returncode == 1 and missing.stderr == (
            f"articlebot: error: {index_dir / 'CURRENT'} is missing, but {index_dir} holds an "
            "index; run `articlebot index --rebuild` to recover it\n"
        )
    assert run("index", "--rebuild").returncode == 0
    assert ids() == held
    # Recovered from the generation written last, whatever its name says: names are in the
    # writer's local time (an operator's shell in Tokyo, the bot's service in UTC), and the
    # one whose name sorted last, older, had brought back an article removed since.
    assert run("remove", "tram").returncode == 0
    [older] = [g for g in index_dir.glob("gen-*") if g != current_generation(index_dir)]
    older = older.rename(index_dir / "gen-99991231235959-ffffffff")
    # Nor whatever its files' times say: a restore by `cp -r` gives them the copy's (a
    # verifier's probe: the older one, copied last, won).
    os.utime(older / "manifest.json", (time.time() + 60, time.time() + 60))
    (index_dir / "CURRENT").write_text("garbage!")
    assert run("index", "--rebuild").returncode == 0
    assert ids() == sorted(set(held) - {"tram"})
    assert run("add", "--id", "tram", str(files / "notes.md")).returncode == 0
    assert ids() == held
    # Stored copies that cannot be read are not replaced by an older generation's, nor by the
    # bundled article: the rebuild is refused, naming the files to rebuild from.
    (current_generation(index_dir) / "documents.jsonl").write_text('{"doc_id": "ap')
    refused = run("index", "--rebuild")
    assert refused.returncode == 1 and "cannot be read" in refused.stderr
    assert str(files / "apple.txt") in refused.stderr
    # Rebuilt from the files instead, an article keeps the id given to it with --id.
    rebuilt = run("index", "--rebuild", str(files))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert ids() == ["apple", "tram"]
    # Every article removed: the rebuild keeps the index empty, not what it held before.
    assert run("remove", "apple", "tram").returncode == 0
    assert run("index", "--rebuild").returncode == 0
    assert run("index").returncode == 0
    assert ids() == []
    assert run("add", str(files)).returncode == 0
    held = ids()

    # A folder with nothing to read is a mistake, not "index exactly nothing".
    empty = tmp_path / "empty"
    empty.mkdir()
    for command in (("index", "--rebuild", str(empty)), ("add", str(empty))):
        refused = run(*command)
        assert refused.returncode == 2
        assert refused.stderr.strip() == (
            f"articlebot: error: no articles in {empty}: give .txt, .md, .html or .jsonl "
            "files, folders holding them, or links"
        )
    assert ids() == held


def _upload(api: FakeBotApi, chat: int, name: str, content: bytes, user) -> dict:
    update = api.private_message(chat, "placeholder", user=user)
    del update["message"]["text"]
    update["message"]["document"] = api.add_file(content, name)
    return update


@pytest.mark.asyncio
async def test_remove_of_an_upload_still_being_read_waits_for_it(api, bot) -> None:
    # A bot attacker: "/remove upload-race3" sent right after the upload was "no article with
    # id 'upload-race3'", and the article then went live all the same.
    admin = make_user(ADMIN)
    story = (
        "Race three at Ballinrobe\n\nThe third race at Ballinrobe was won by Silver Fox on "
        "Tuesday evening, the course said, in front of a crowd of about 2,000 people.\n"
    )
    api.push_update(_upload(api, ADMIN, "race3.txt", story.encode(), admin))
    api.push_update(api.private_message(ADMIN, "/remove upload-race3", user=admin))
    await api.await_for(
        lambda: any("Removed upload-race3" in m["text"] for m in api.sent_messages(ADMIN)),
        timeout=120,
    )
    texts = [m["text"] for m in api.sent_messages(ADMIN)]
    assert not any("no article with id" in text for text in texts), texts
    assert "Silver Fox" not in await _ask(api, 8012, "who won the third race at Ballinrobe?", 1)


@pytest.mark.asyncio
async def test_admin_uploads_a_file(api, bot) -> None:
    story = (
        "# Bridge reopens in Tellbury\n\nThe Tellbury footbridge reopened on Saturday after a "
        "two-year rebuild that cost 4.2 million pounds, the county council said.\n\nEngineers "
        "replaced the rusted steel deck with a timber one designed to last eighty years.\n"
    )
    admin = make_user(ADMIN)
    api.push_update(_upload(api, ADMIN, "tellbury.md", story.encode(), admin))
    await api.await_for(
        lambda: any("Added" in m["text"] for m in api.sent_messages(ADMIN)), timeout=120
    )
    answer = await _ask(api, 8010, "How much did the Tellbury footbridge rebuild cost?", 1)
    assert "4.2 million pounds" in answer and "Bridge reopens in Tellbury" in answer

    api.push_update(_upload(api, ADMIN, "slides.pdf", b"%PDF-1.4", admin))
    await api.await_for(
        lambda: any(".md or .html" in m["text"] for m in api.sent_messages(ADMIN)), timeout=30
    )
    api.push_update(_upload(api, 8011, "notes.txt", b"Not an admin.", make_user(8011)))
    [hint] = await api.await_messages(8011, 1, timeout=30)
    assert "Only the bot's admins can add articles" in hint["text"]


@pytest.mark.asyncio
async def test_an_admins_removal_is_logged_naming_the_admin(api, bot, caplog) -> None:
    # A new operator's finding: additions were logged ("added ID from SOURCE"), removals not.
    caplog.set_level(logging.INFO, logger="articlebot.bot.articles")
    assert await _ask(api, ADMIN, "/remove article", 1, user=make_user(ADMIN)) == (
        "Removed article."
    )
    assert f"removed article by admin {ADMIN}" in [r.getMessage() for r in caplog.records]
    # The only article gone, every question is told so, not "try asking it another way" (a
    # bot attacker's probe).
    for count, question in enumerate(("who was vinatier swapped for?", "summarize"), start=1):
        assert await _ask(api, 8090, question, count) == "No articles are indexed yet."


@pytest.mark.asyncio
async def test_an_upload_of_a_kind_not_read_is_refused_at_once(api, bot) -> None:
    # A new operator's finding: a .docx or .pdf got "Reading the article…" before the refusal.
    admin = make_user(ADMIN)
    for count, name in enumerate(("notes.docx", "slides.pdf"), start=1):
        api.push_update(_upload(api, ADMIN, name, b"PK\x03\x04 not read", admin))
        await api.await_messages(ADMIN, count, timeout=30)
    await asyncio.sleep(0.5)  # a second reply, were one coming, has come
    assert [m["text"] for m in api.sent_messages(ADMIN)] == [
        "Could not add it: notes.docx: send a .txt, .md or .html file",
        "Could not add it: slides.pdf: send a .txt, .md or .html file",
    ]
    assert api.calls_to("getFile") == []  # nor fetched from Telegram


@pytest.mark.asyncio
async def test_an_upload_with_the_text_of_an_indexed_article_says_so(api, bot) -> None:
    # A new user's upload of an article already indexed under another name was "Added" and
    # listed twice, with nothing said (`articlebot add` says it).
    admin = make_user(ADMIN)
    text = b"Ferry timetable\nThe night ferry to Orsk leaves at 23:40 from pier four.\n"
    for count, name in enumerate(("ferry.txt", "ferry-copy.txt"), start=1):
        api.push_update(_upload(api, ADMIN, name, text, admin))
        await api.await_messages(ADMIN, 2 * count, timeout=120)
    first, second = api.sent_messages(ADMIN)[1]["text"], api.sent_messages(ADMIN)[3]["text"]
    assert "same text" not in first
    assert second.startswith("Added Ferry timetable") and (
        "It has the same text as upload-ferry, already indexed: /remove upload-ferry-copy if "
        "it was added by mistake." in second
    ), second
    assert "indexed too" not in second  # no second, contrary /remove hint (a verifier's probe)


@pytest.mark.asyncio
async def test_two_uploads_of_the_same_name_are_two_articles(api, bot, caplog) -> None:
    caplog.set_level(logging.INFO, logger="articlebot.bot.articles")
    admin = make_user(ADMIN)
    first = b"Ferry timetable\nThe night ferry to Orsk leaves at 23:40 from pier four.\n"
    second = b"Ferry timetable\nThe morning ferry to Lund leaves at 06:15 from pier two.\n"
    added: list[str] = []
    for count, content in enumerate((first, second, first), start=1):
        api.push_update(_upload(api, ADMIN, "ferry.txt", content, admin))
        await api.await_messages(ADMIN, 2 * count, timeout=120)
        added.append(api.sent_messages(ADMIN)[-1]["text"])
    assert "Added Ferry timetable" in added[0] and "id upload-ferry." in added[0]
    # Said as what it is (a new user's probe: "an article from elsewhere"), and the same file
    # again is the same article, not "Added" once more.
    assert "id upload-ferry-" in added[1] and (
        "An earlier upload of ferry.txt is indexed too, id upload-ferry: /remove it if this one "
        "replaces it." in added[1]
    )
    assert added[2].startswith("Already indexed: Ferry timetable")
    assert "id upload-ferry." in added[2]
    # The log says so too (an attacker's probe: it said "added upload-ferry" again).
    logged = [
        r.getMessage().split(" from ")[0]
        for r in caplog.records
        if " from upload:" in r.getMessage()
    ]
    assert logged[-1] == "unchanged upload-ferry" and logged.count("added upload-ferry") == 1
    assert "pier four" in await _ask(api, 8040, "Where does the night ferry to Orsk leave?", 1)
    assert "pier two" in await _ask(api, 8041, "Where does the morning ferry to Lund leave?", 1)
    listing = await _ask(api, 8042, "/articles", 1)
    assert listing.count("Ferry timetable") == 2
    # The first removed, a third version takes the first's id: the second is still named (a
    # verifier's probe: nothing said it was there).
    second_id = added[1].split("id ")[1].split(".")[0]
    api.push_update(api.private_message(ADMIN, "/remove upload-ferry", user=admin))
    await api.await_messages(ADMIN, 7, timeout=120)
    third = b"Ferry timetable\nThe noon ferry to Vik leaves at 12:05 from pier one.\n"
    api.push_update(_upload(api, ADMIN, "ferry.txt", third, admin))
    await api.await_messages(ADMIN, 9, timeout=120)
    last = api.sent_messages(ADMIN)[-1]["text"]
    assert "id upload-ferry." in last and (
        f"An earlier upload of ferry.txt is indexed too, id {second_id}:" in last
    )


@pytest.mark.asyncio
async def test_uploads_named_only_by_their_suffix_or_by_emoji_are_added_and_named(api, bot) -> None:
    # A bot attacker's probe: a file named ".txt" was refused ("send a .txt, .md or .html
    # file"), and "🗞.txt", whose id another file's emoji name had taken, was told "An article
    # from elsewhere is indexed too".
    admin = make_user(ADMIN)
    uploads = [
        ("📰.txt", b"Ferry news\nThe night ferry to Orsk leaves at 23:40 from pier four.\n"),
        ("🗞.txt", b"Ferry notes\nThe morning ferry to Lund leaves at 06:15 from pier two.\n"),
        (".txt", b"Ferry extra\nThe noon ferry to Vik leaves at 12:05 from pier one.\n"),
    ]
    added: list[str] = []
    for count, (name, content) in enumerate(uploads, start=1):
        api.push_update(_upload(api, ADMIN, name, content, admin))
        await api.await_messages(ADMIN, 2 * count, timeout=120)
        added.append(api.sent_messages(ADMIN)[-1]["text"])
    assert added[0].startswith("Added Ferry news") and "id upload-document." in added[0]
    assert added[1].startswith("Added Ferry notes")
    assert "An upload of 📰.txt is indexed too, id upload-document:" in added[1]
    assert added[2].startswith("Added Ferry extra")
    assert "An upload of 📰.txt is indexed too, id upload-document:" in added[2]
    assert "pier one" in await _ask(api, 8043, "Where does the noon ferry to Vik leave?", 1)
    # A name of 4,000 characters, uploaded twice: the reply naming the earlier one is sent (a
    # verifier's probe: too long to send, the admin never heard it was added).
    long_name = "ferry-" + "x" * 4000 + ".txt"
    for count, pier in enumerate(("five", "six"), start=4):
        content = f"Ferry late\nThe late ferry to Ry leaves at 22:10 from pier {pier}.\n"
        api.push_update(_upload(api, ADMIN, long_name, content.encode(), admin))
        await api.await_messages(ADMIN, 2 * count, timeout=120)
    last = api.sent_messages(ADMIN)[-1]["text"]
    assert last.startswith("Added Ferry late") and "An earlier upload of ferry-xxx" in last
    assert len(last) <= 4096


@pytest.mark.asyncio
async def test_two_admins_adding_at_once(api, encoder, article_index_dir, site) -> None:
    settings = load_settings(
        api_url=api.url,
        index_dir=article_index_dir,
        admin_ids=[ADMIN, ADMIN + 1],
        fetch_allow_hosts=LOOPBACK,
    )
    retriever = Retriever(open_index(settings, encoder), encoder)
    async with running_bot(settings, api.token, retriever):
        api.push_update(
            api.private_message(ADMIN, f"{site}/lighthouse.html", user=make_user(ADMIN))
        )
        api.push_update(
            api.private_message(ADMIN + 1, f"{site}/orchard.html", user=make_user(ADMIN + 1))
        )
        for admin in (ADMIN, ADMIN + 1):
            await api.await_for(
                lambda a=admin: any("Added" in m["text"] for m in api.sent_messages(a)),
                timeout=120,
            )
        listing = await _ask(api, 8020, "/articles", 1)
        assert "Lighthouse keeper" in listing and "Cider orchard" in listing
        assert "Russia warns" in listing


@pytest.mark.asyncio
async def test_a_stop_while_a_change_waits_for_another_writer_makes_no_change(
    api, encoder, article_index_dir
) -> None:
    # An attacker's probe: an upload or /remove waiting for a long `articlebot index` held the
    # stop until that writer finished (35-40 s, not ARTICLEBOT_STOP_SECONDS), and then went
    # through anyway, after the admin was told it was not added (or nothing at all).
    from botkit import stop_while_waiting_for_writer

    from articlebot.bot import articles

    settings = load_settings(api_url=api.url, index_dir=article_index_dir, admin_ids=[ADMIN])
    admin = make_user(ADMIN)
    for change in (
        _upload(api, ADMIN, "bells.txt", BELLS, admin),
        api.private_message(ADMIN, "/remove article", user=admin),
    ):
        async with _polling_beside_another_writer(api, encoder, settings) as (app, _):
            took = await stop_while_waiting_for_writer(api, app, ADMIN, change)
            assert took < settings.stop_seconds
        assert api.sent_messages(ADMIN)[-1]["text"] in (
            articles.RESTARTING_BEFORE_ADDED,
            articles.RESTARTING_BEFORE_REMOVED,
        )
        assert list(open_index(settings, encoder).documents) == ["article"]  # nothing changed


@pytest.mark.asyncio
async def test_a_change_written_as_the_stop_comes_is_told_as_added(
    api, encoder, article_index_dir, monkeypatch
) -> None:
    # A probe slowed the publishing of an upload past the stop's time: the admin was told
    # "I'm restarting and could not add it" while the article was written.
    from articlebot.bot import articles
    from articlebot.bot.app import NOTICE_SECONDS

    settings, app = _bot_stopping_in_5_s(api, encoder, article_index_dir)
    # Past the stop's deadline for the indexing worker, within the time kept for notices.
    publish_seconds = settings.stop_seconds - NOTICE_SECONDS + 1
    upload = _upload(api, ADMIN, "bells.txt", BELLS, make_user(ADMIN))
    await _stop_while_publishing(api, app, monkeypatch, publish_seconds, upload)
    assert sorted(open_index(settings, encoder).documents) == ["article", "upload-bells"]
    told = api.sent_messages(ADMIN)[-1]["text"]
    assert told.startswith("Added Harbour bells ring again") and "upload-bells" in told, told
    assert articles.RESTARTING_BEFORE_ADDED not in [m["text"] for m in api.sent_messages(ADMIN)]


def _bot_stopping_in_5_s(api: FakeBotApi, encoder, index_dir: Path):
    """Settings with ADMIN an admin and a 5 s stop, and a bot on them (not started)."""
    from articlebot.bot.app import build_application

    settings = load_settings(
        api_url=api.url, index_dir=index_dir, admin_ids=[ADMIN], stop_seconds=5
    )
    return settings, build_application(
        settings, api.token, Retriever(open_index(settings, encoder), encoder)
    )


async def _stop_while_publishing(
    api: FakeBotApi, app, monkeypatch, publish_seconds: float, *changes: dict, then=None
) -> float:
    """Send `changes` to `app`, stop it once the first one's index write is publishing (which
    takes `publish_seconds`; `then()` is called first); the seconds the stop took."""
    import asyncio
    import time

    from botkit import launch_polling, shut_down

    from articlebot.index.store import GenerationWriter

    publishing = threading.Event()
    publish = GenerationWriter.publish

    def slow_publish(self, *args, **kwargs):
        publishing.set()
        time.sleep(publish_seconds)
        return publish(self, *args, **kwargs)

    monkeypatch.setattr(GenerationWriter, "publish", slow_publish)
    await launch_polling(app)
    try:
        for change in changes:
            api.push_update(change)
        assert await asyncio.to_thread(publishing.wait, 120)
        if then is not None:
            then()
    finally:
        started = time.monotonic()
        await shut_down(app)
    return time.monotonic() - started


@pytest.mark.asyncio
async def test_a_write_outlasting_the_stop_keeps_its_time_and_says_it_is_not_known(
    api, encoder, article_index_dir, monkeypatch
) -> None:
    # A verifier's probe: waiting for a write that outlasts the stop held the stop past its
    # time, and neither admin was told anything. The one queued behind is told it was not added.
    import asyncio

    from articlebot.bot import articles

    settings, app = _bot_stopping_in_5_s(api, encoder, article_index_dir)
    admin = make_user(ADMIN)
    second = _upload(api, ADMIN, "gulls.txt", BELLS.replace(b"bell", b"gull"), admin)
    took = await _stop_while_publishing(
        api,
        app,
        monkeypatch,
        settings.stop_seconds + 3,
        _upload(api, ADMIN, "bells.txt", BELLS, admin),
        second,
    )
    assert took < settings.stop_seconds + 0.5
    told = [m["text"] for m in api.sent_messages(ADMIN)]
    assert articles.RESTARTING_UNSURE in told and articles.RESTARTING_BEFORE_ADDED in told, told
    for _ in range(100):  # the write ends after the stop (a thread cannot be cancelled)
        if "upload-bells" in open_index(settings, encoder).documents:
            break
        await asyncio.sleep(0.1)
    assert sorted(open_index(settings, encoder).documents) == ["article", "upload-bells"]


@pytest.mark.asyncio
async def test_an_added_reply_cut_short_by_the_stop_is_neither_contradicted_nor_sent_twice(
    api, encoder, article_index_dir, monkeypatch
) -> None:
    # A verifier's probe: written before the stop's deadline, its "Added" reply still on its
    # way (Telegram slow) when the deadline came, the admin was told "could not add it".
    import asyncio

    from articlebot.bot import articles

    settings, app = _bot_stopping_in_5_s(api, encoder, article_index_dir)
    await _stop_while_publishing(
        api,
        app,
        monkeypatch,
        1.0,  # written within the stop's time
        _upload(api, ADMIN, "bells.txt", BELLS, make_user(ADMIN)),
        then=lambda: api.inject("sendMessage", status=200, delay=2.5),  # past its deadline
    )
    assert sorted(open_index(settings, encoder).documents) == ["article", "upload-bells"]
    await asyncio.sleep(3)  # past the cut reply's delay: whether it arrives is Telegram's
    told = [m["text"] for m in api.sent_messages(ADMIN)]
    # Never twice (a second verifier's probe): a reply cut short may have arrived all the same.
    assert [t for t in told if t.startswith("Added")] in (
        [],
        ["Added Harbour bells ring again (3 passages), id upload-bells."],
    ), told
    assert articles.RESTARTING_BEFORE_ADDED not in told and articles.RESTARTING_UNSURE not in told


@pytest.mark.asyncio
async def test_a_removal_written_as_the_stop_comes_is_told(
    api, encoder, article_index_dir, monkeypatch
) -> None:
    # A verifier's probe: the article was removed, and the admin heard nothing.
    from articlebot.bot.app import NOTICE_SECONDS

    settings, app = _bot_stopping_in_5_s(api, encoder, article_index_dir)
    remove = api.private_message(ADMIN, "/remove article", user=make_user(ADMIN))
    await _stop_while_publishing(
        api, app, monkeypatch, settings.stop_seconds - NOTICE_SECONDS + 1, remove
    )
    assert list(open_index(settings, encoder).documents) == []
    assert api.sent_messages(ADMIN)[-1]["text"] == "Removed article."


@pytest.mark.asyncio
async def test_articles_added_by_another_process_are_served_without_restart(
    api, bot, encoder, tmp_path
) -> None:
    import asyncio

    settings = load_settings(index_dir=tmp_path / "index")  # the bot's index folder
    story = Document(
        "ferry",
        "Night ferry returns",
        "The night ferry to Orsk returns in May, operators said.",
        "x",
    )
    # What `articlebot add` in another terminal does: write a new index generation.
    await asyncio.to_thread(add_documents, settings, encoder, [story])
    await asyncio.sleep(2.2)  # the bot looks at most every two seconds
    answer = await _ask(api, 8030, "When does the night ferry to Orsk return?", 1)
    assert "returns in May" in answer


@pytest.mark.asyncio
async def test_the_first_article_listed_is_the_one_summary_takes(
    api, bot, encoder, tmp_path
) -> None:
    import asyncio

    # Added together (one time): /articles listed them in the index's order, /summary took the
    # newest by id (a verifier's probe); both go by the time added, then the id.
    settings = load_settings(index_dir=tmp_path / "index")  # the bot's index folder
    stories = [
        Document(name, title, f"{title}\n\nThe {name} story was told on Monday.", f"{name}.txt")
        for name, title in (("zebra", "Zebra crossing repainted"), ("apple", "Apple fair opens"))
    ]
    await asyncio.to_thread(add_documents, settings, encoder, stories)
    await asyncio.sleep(2.2)  # the bot looks at most every two seconds
    listed = await _ask(api, 8031, "/articles", 1)
    summary = await _ask(api, 8031, "/summary", 2)
    titles = [t for t in ("Zebra crossing repainted", "Apple fair opens") if t in listed]
    # Newest first: the first listed is /summary's own.
    assert listed.index("Zebra crossing repainted") < listed.index("Apple fair opens"), titles
    assert summary.startswith("Zebra crossing repainted")


@pytest.mark.asyncio
async def test_summary_in_a_forum_topic_is_of_the_topic_s_article(api, bot, encoder, tmp_path):
    import asyncio

    # A second verifier's probe: with a topic's questions kept to the topic, /summary there
    # read the group's context (none) and gave the newest article instead.
    settings = load_settings(index_dir=tmp_path / "index")  # the bot's index folder
    ferry = Document(
        "ferry", "Night ferry returns", "Night ferry returns\n\nThe ferry is back in May.", "f"
    )
    await asyncio.to_thread(add_documents, settings, encoder, [ferry])
    await asyncio.sleep(2.2)  # the bot looks at most every two seconds
    group = -1009100
    asked = api.group_message(
        group, "/ask who was Vinatier swapped for?", message_thread_id=10, is_forum=True
    )
    api.push_update(asked)
    await api.await_messages(group, 1, timeout=30)
    # The topic's turn is kept once its answer is out: /summary sent the same instant, as
    # no one types it, could come first.
    chats = bot.bot_data.chats
    await api.await_for(lambda: chats.thread_turn(group, 10) is not None, 10, description="turn")
    api.push_update(api.group_message(group, "/summary", message_thread_id=10, is_forum=True))
    [_, summary] = await api.await_messages(group, 2, timeout=30)
    assert summary["text"].startswith("Russia warns"), summary["text"][:80]


@pytest.mark.asyncio
async def test_a_long_list_of_articles_is_paged_and_narrowed_by_words(
    api, bot, encoder, tmp_path
) -> None:
    import asyncio

    settings = load_settings(index_dir=tmp_path / "index")  # the bot's index folder
    towns = [f"Town{n:02d}" for n in range(70)]
    stories = [
        Document(
            town.lower(),
            f"{town} council votes to reopen the old harbour market after a long repair",
            f"The council of {town} voted on Monday to reopen the harbour market in June.",
            "x",
        )
        for town in towns
    ]
    await asyncio.to_thread(add_documents, settings, encoder, stories)
    await asyncio.sleep(2.2)  # the bot looks at most every two seconds
    chat = 8040
    first = await _ask(api, chat, "/articles", 1)
    assert "Page 1 of " in first and "Next: /articles 2" in first
    pages = int(first.split("Page 1 of ")[1].split(",")[0])
    assert pages > 1 and "71 articles" in first  # the bundled article too
    listed = set()
    for page in range(1, pages + 1):
        text = await _ask(api, chat, f"/articles {page}", page + 1)
        assert len(text) <= 4096
        listed |= {town for town in towns if f"{town} council" in text}
        if page == 1:
            # Newest first: the articles just added open the list, the bundled one closes it.
            assert text.index("Town69 council") < text.index("Town68 council")
            assert "Russia warns" not in text
    assert "Russia warns" in text
    assert listed == set(towns)  # every article is on a page, none is only "and N more"
    narrowed = await _ask(api, chat, "/articles town07", pages + 2)
    assert "Town07 council" in narrowed and "Town08" not in narrowed and "Page" not in narrowed
    beyond = await _ask(api, chat, "/articles town07 3", pages + 3)
    assert "There is 1 page of articles; /articles town07 1 is the first." in beyond
    none = await _ask(api, chat, "/articles zeppelin", pages + 4)
    assert none.startswith("No article's title or id has “zeppelin”.")
    # A number alone past the last page is a word to look for ("2026", "07"), not a page.
    numbered = await _ask(api, chat, "/articles 07", pages + 5)
    assert "Town07 council" in numbered and "Town08" not in numbered
    # Words too long to repeat in the "Next:" line, in emoji (two units each): it still fits.
    emoji = await _ask(api, chat, "/articles " + "🔥" * 300, pages + 6)
    assert emoji.startswith("No article's title or id has")


def test_a_refresh_says_it_keeps_the_articles_added_from_links(
    site, index_dir, tmp_path, cli
) -> None:
    # A new user's probe: `articlebot index` with no paths named no article from a link,
    # though README says those are "kept as indexed, and said so".
    def run(*args: str):
        return cli(*args, index_dir=index_dir, ARTICLEBOT_FETCH_ALLOW_HOSTS="127.0.0.1")

    story = tmp_path / "apple.txt"
    story.write_text("Apple harvest\n\nThe apple harvest in Kent was the largest in a decade.\n")
    assert run("add", str(story)).returncode == 0
    link = run("add", f"{site}/lighthouse.html")
    assert link.returncode == 0, link.stderr
    refreshed = run("index")
    assert refreshed.returncode == 0, refreshed.stderr
    assert (
        "kept 1 article added from links or uploads as indexed (a refresh reads files only)"
        in refreshed.stderr
    )
    assert "0 added, 0 updated, 2 unchanged" in refreshed.stdout
    # Files alone: nothing to say.
    assert run("remove", link.stdout.split(":")[0]).returncode == 0
    files_only = run("index")
    assert files_only.returncode == 0 and "links or uploads" not in files_only.stderr


@pytest.mark.asyncio
async def test_an_article_an_admin_removed_stays_out_of_the_next_refresh(
    api, bot, encoder, index_dir, tmp_path, cli
) -> None:
    # An attacker's probe: the bot's `/remove ferry`, then `articlebot index` on the same
    # folder read feed.jsonl again and brought ferry back.
    import asyncio
    import json

    feed = tmp_path / "feed.jsonl"
    lines = [
        {"doc_id": "ferry", "title": "Ferry strike", "text": "Ferry workers struck on Monday."},
        {"doc_id": "tram", "title": "New tram line", "text": "A tram line to the quay opened."},
    ]
    feed.write_text("".join(json.dumps(line) + "\n" for line in lines))
    added = cli("add", str(feed), index_dir=index_dir)
    assert added.returncode == 0, added.stderr
    await asyncio.sleep(2.2)  # the bot looks at most every two seconds
    assert "Removed" in await _ask(api, ADMIN, "/remove ferry", 1, user=make_user(ADMIN))
    refreshed = await asyncio.to_thread(cli, "index", index_dir=index_dir)
    assert refreshed.returncode == 0, refreshed.stderr
    assert f"kept out 1 removed article of {feed}" in refreshed.stderr
    listed = cli("list", index_dir=index_dir).stdout
    assert sorted(line.split("\t")[0] for line in listed.splitlines()) == ["article", "tram"]


#: A one-sentence paragraph (joined to the long one after it in a passage) before a paragraph
#: of twelve sentences, the mayor named near its end.
CYCLE_LANES = (
    "Council approves new cycle lanes\n\nBy Priya Natarajan\n\n"
    "The city council approved a network of new cycle lanes on Tuesday night.\n\n"
    "The plan adds 24 kilometres of protected lanes across six districts. "
    "Work on the first stretch, along Canal Street, will begin in March. "
    "The lanes will be separated from traffic by low concrete kerbs. "
    "Parking on 300 spaces along the route will be removed. "
    "Shop owners on Canal Street had asked for loading bays, and eleven were added. "
    "The council expects the network to cost 18 million pounds over four years. "
    "Half of the money comes from a national transport grant. "
    "Cycling groups welcomed the vote but asked for faster work in the north. "
    "A survey last year found that 41 percent of residents would cycle more with safe lanes. "
    "Bus routes along the lanes will not change, the transport office said. "
    "The mayor is Helena Brandt, who proposed the plan in her first budget. "
    "Brandt said the lanes would make the city safer for children riding to school.\n\n"
    "The first lanes are due to open in the summer.\n"
)


@pytest.mark.asyncio
async def test_the_paragraph_button_shows_the_paragraph_its_answer_names(api, bot) -> None:
    """A bot attacker's probe: an answer from the long paragraph 2, after a one-sentence
    paragraph 1, said "paragraph 2"; its Paragraph button showed paragraph 2's text as
    "paragraph 1" (the passage was numbered by the short paragraph its block began with)."""
    admin = make_user(ADMIN)
    api.push_update(_upload(api, ADMIN, "cycle.txt", CYCLE_LANES.encode(), admin))
    await api.await_for(
        lambda: any("Added" in m["text"] for m in api.sent_messages(ADMIN)), timeout=120
    )
    doc_id = api.sent_messages(ADMIN)[-1]["text"].split("id ")[-1].rstrip(".")
    assert "only" in await _ask(api, 8020, f"/use {doc_id}", 1)
    answer = await _ask(api, 8020, "who is the mayor?", 2)
    assert "Helena Brandt" in answer
    assert answer.endswith("Council approves new cycle lanes, paragraph 2"), answer
    message = api.sent_messages(8020)[1]
    api.push_update(api.callback_query(make_user(8020), message, _button(message, "Paragraph")))
    shown = (await api.await_messages(8020, 3, timeout=30))[2]["text"]
    assert shown.startswith("The plan adds 24 kilometres") and "Helena Brandt" in shown
    assert "approved a network" not in shown
    assert shown.endswith("Council approves new cycle lanes, paragraph 2"), shown
    # An answer from the one-sentence paragraph, in the passage joining it to the long one:
    # "paragraph 1" above, and the Paragraph button showed both, as "paragraph 2".
    answer = await _ask(api, 8020, "when did the council approve the network of cycle lanes?", 4)
    assert answer.endswith("Council approves new cycle lanes, paragraph 1"), answer
    message = api.sent_messages(8020)[3]
    api.push_update(api.callback_query(make_user(8020), message, _button(message, "Paragraph")))
    shown = (await api.await_messages(8020, 5, timeout=30))[4]["text"]
    assert shown == (
        "The city council approved a network of new cycle lanes on Tuesday night.\n"
        "— Council approves new cycle lanes, paragraph 1"
    ), shown


def test_one_page_named_twice_in_one_add_is_one_article(site, index_dir, cli) -> None:
    # A verifier's probe: the same link twice in one `add` (or with its tracking parameters
    # and fragment) made two articles, "koeln-cdd5ba" and "koeln-cdd5ba-cdd5ba".
    page = f"{site}/lighthouse.html"
    added = cli(
        "add",
        page,
        page,
        f"{page}?utm_source=telegram#comments",
        index_dir=index_dir,
        ARTICLEBOT_FETCH_ALLOW_HOSTS="127.0.0.1",
    )
    assert added.returncode == 0, added.stderr
    assert "1 added" in added.stdout and "same text" not in added.stderr
    listed = cli("list", index_dir=index_dir).stdout
    assert listed.count("Lighthouse keeper retires") == 1


@pytest.mark.asyncio
async def test_a_remove_waiting_for_another_writer_does_not_hold_up_the_chat_s_questions(
    api, encoder, article_index_dir
) -> None:
    # A verifier's probe: once a chat's answers went out in the order asked, an admin's
    # /remove waiting for a long `articlebot index` held every later question of that chat
    # until the other writer finished (42 s). The question is answered meanwhile.
    from botkit import shut_down

    from articlebot.bot import articles

    settings = load_settings(api_url=api.url, index_dir=article_index_dir, admin_ids=[ADMIN])
    admin = make_user(ADMIN)
    async with _polling_beside_another_writer(api, encoder, settings) as (app, other):
        try:
            api.push_update(api.private_message(ADMIN, "/remove article", user=admin))
            await api.await_for(
                lambda: (
                    articles.WAITING_FOR_WRITER in [m["text"] for m in api.sent_messages(ADMIN)]
                ),
                60,
                description="the waiting note",
            )
            api.push_update(api.private_message(ADMIN, "Who was Vinatier swapped for?", user=admin))
            await api.await_for(
                lambda: any("Kasatkin" in m["text"] for m in api.sent_messages(ADMIN)),
                30,
                description="the answer while the removal waits",
            )
        finally:
            other.release()
            await shut_down(app)


@contextlib.asynccontextmanager
async def _polling_beside_another_writer(
    api: FakeBotApi, encoder, settings
) -> AsyncIterator[tuple[Application, FileLock]]:
    """A bot on `settings` polling `api` while another writer holds the index's writer lock,
    as a long `articlebot index` does; the lock, released when the block ends if not before."""
    from botkit import launch_polling
    from filelock import FileLock

    from articlebot.bot.app import build_application

    other = FileLock(settings.index_dir / ".writer.lock", thread_local=False)
    other.acquire()
    try:
        app = build_application(
            settings, api.token, Retriever(open_index(settings, encoder), encoder)
        )
        await launch_polling(app)
        yield app, other
    finally:
        if other.is_locked:
            other.release()


@pytest.mark.asyncio
async def test_a_question_after_a_remove_is_answered_from_the_index_it_left(
    api, encoder, article_index_dir, tmp_path
) -> None:
    # A verifier's probe: once a change stepped aside for the chat's later questions whether
    # or not it waited for another writer, "Removed quake." was followed by an answer from
    # the article just removed. Not waiting, the change keeps its place: the question after
    # it is answered from the index it made.
    import shutil

    from botkit import launch_polling, shut_down

    from articlebot.bot.app import build_application

    index_dir = tmp_path / "removing"
    shutil.copytree(article_index_dir, index_dir)
    settings = load_settings(api_url=api.url, index_dir=index_dir, admin_ids=[ADMIN])
    admin = make_user(ADMIN)
    app = build_application(settings, api.token, Retriever(open_index(settings, encoder), encoder))
    await launch_polling(app)
    try:
        api.inject("getUpdates", status=200, delay=1.0)  # both come in one batch
        api.push_update(api.private_message(ADMIN, "/remove article", user=admin))
        api.push_update(api.private_message(ADMIN, "Who was Vinatier swapped for?", user=admin))
        replies = await api.await_messages(ADMIN, 2, timeout=60)
        assert "Removed" in replies[0]["text"], replies[0]["text"]
        assert "Kasatkin" not in replies[1]["text"], replies[1]["text"]
    finally:
        await shut_down(app)
