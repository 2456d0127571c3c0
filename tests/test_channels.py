"""News channels end to end: posts indexed as they arrive, readers answered under the post.

The real PTB Application against the fake Bot API, which sends the updates Telegram sends: a
channel post, its automatic forward into the discussion group, comments in its thread. The
articles behind the posts' links are served on loopback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing
from pathlib import Path

import pytest
import pytest_asyncio
import telegram
from botkit import launch_polling, running_bot, shut_down
from fake_botapi import FakeBotApi, command_entity, link_entities, make_user, mention_entity
from pages import Page, page_server
from telegram.ext import Application

from articlebot.bot import articles, channels, post_answers
from articlebot.bot.app import build_application
from articlebot.bot.threads import Asked, question_in_thread, thread_of
from articlebot.cli import main as cli_main
from articlebot.collection import open_index
from articlebot.config import Settings, load_settings
from articlebot.ingest.posts import (
    MIN_POST_WORDS,
    PostArticle,
    PostRef,
    links,
    post_ref,
    what_to_index,
)
from articlebot.retrieval.retriever import Retriever
from articlebot.storage.sql_chat_state import file_chat_state
from articlebot.terminal import CLOSEST_LEAD

LOOPBACK = ["127.0.0.1"]
CHANNEL = -1001500000001
DISCUSSION = -1001500000002
OTHER_CHANNEL = -1001500000003
OTHER_DISCUSSION = -1001500000004
GROUP = -1001500000005
#: The bot's own admin (ARTICLEBOT_ADMIN_IDS).
OPERATOR = 7777
READER = make_user(5001, "Rhea")
EDITOR = 5002

# Two stories on the same event, sharing most of their words, differing in their facts.
EARLY = """<html><head><title>Storm Ida floods Carrick harbour</title></head><body><article>
<h1>Storm Ida floods Carrick harbour</h1>
<p>Storm Ida flooded the harbour district of Carrick on Tuesday night, the town council said on
Wednesday morning.</p>
<p>Mayor Ines Balfour said 40 homes were flooded and that 12 families spent the night in the
sports hall on Mill Road.</p>
<p>The coastguard rescued two fishermen whose trawler, the Kestrel, lost power near the harbour
wall.</p>
<p>The council said the harbour road would stay closed until Friday while engineers inspect the
sea wall.</p></article></body></html>"""

LATER = """<html><head><title>Storm Ida: Carrick flood damage worse than feared</title></head>
<body><article><h1>Storm Ida: Carrick flood damage worse than feared</h1>
<p>Storm Ida flooded the harbour district of Carrick on Tuesday night, and the damage is worse
than first feared, the town council said on Thursday.</p>
<p>Mayor Ines Balfour said 65 homes were flooded and that 30 families spent the night in the
sports hall on Mill Road.</p>
<p>The government promised 2 million pounds of emergency aid for the repairs, the mayor said.</p>
<p>The council said the harbour road would stay closed until next Monday while engineers rebuild
part of the sea wall.</p></article></body></html>"""

ORCHARD = """<html><head><title>Cider orchard wins heritage grant</title></head><body><article>
<h1>Cider orchard wins heritage grant</h1><p>The Bramblecote community orchard has won a heritage
grant of 85,000 pounds to replant 300 old apple trees, the trust that runs it said on Tuesday.</p>
<p>Volunteers will graft the new trees from cuttings of varieties that grew there a century ago.
</p></article></body></html>"""

SECRET = """<html><head><title>Unlisted channel story</title></head><body><article>
<h1>Unlisted channel story</h1><p>The Quarry Lane bakery sold 9,000 loaves of saffron bread at
the winter fair, its owner Tomas Reyes said on Sunday, a record for the town.</p>
</article></body></html>"""

LIBRARY = (
    "Carrick library reopens after the flood\n"
    "The Carrick public library will reopen on 3 June, the town council said, after volunteers "
    "dried and sorted more than 8,000 books that the flood water reached. The children's room "
    "on the ground floor gets new shelves paid for by a bake sale, and the reading room upstairs "
    "keeps its old oak tables. Librarian Oona Fitch said the local history archive in the "
    "basement was saved because staff carried the boxes to the first floor before the storm."
)

pytest_plugins = ["botkit"]
# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")

PAGES = {
    "/early.html": EARLY,
    "/later.html": LATER,
    "/orchard.html": ORCHARD,
    "/secret.html": SECRET,
}


class Site:
    """The news site on loopback: its base URL, the requests made for each page, and the
    switch that lets /slow.html (the orchard story) be sent."""

    def __init__(self, base: str, hits: Counter[str], slow: threading.Event) -> None:
        self.base = base
        self.hits = hits
        self.slow = slow


@pytest.fixture
def site() -> Iterator[Site]:
    """The news site on loopback; `hits` counts the requests for each page; /slow.html is
    sent once `slow` is set (within the fetcher's 15 s)."""
    hits: Counter[str] = Counter()
    slow = threading.Event()

    def page_for(path: str) -> Page:
        hits[path] += 1
        if path.startswith("/slow"):
            slow.wait(timeout=12)
            path = "/orchard.html"
        if path.startswith("/flaky"):  # down for its first request, as a site is for a while
            if hits[path] == 1:
                return 503, "text/plain", b"try again later"
            path = "/early.html"
        if down := re.match(r"/down(\d+)", path):  # down for its first N requests
            if hits[path] <= int(down.group(1)):
                return 503, "text/plain", b"try again later"
            path = "/early.html"
        if path == "/pulled.html":  # taken down after its first reading
            if hits[path] > 1:
                return 410, "text/plain", b"gone"
            path = "/early.html"
        if path == "/report.pdf":
            return 200, "application/pdf", b"%PDF-1.7 " + b"x" * 2000
        if path == "/login.html":  # a paywall's or a login's page: no article in it
            return 200, "text/html", b"<html><body><p>Please sign in.</p></body></html>"
        page = PAGES.get(path)
        if page is None:
            return 404, "text/plain", b"not here"
        return 200, "text/html; charset=utf-8", page.encode()

    with page_server(page_for) as base:
        try:
            yield Site(base, hits, slow)
        finally:
            slow.set()


def url(site: Site, path: str) -> str:
    return f"{site.base}{path}"


@pytest_asyncio.fixture
async def bot(api: FakeBotApi, encoder, article_index_dir: Path) -> AsyncIterator[Application]:
    """A bot over its own index (the bundled article) that indexes the posts of CHANNEL."""
    settings = load_settings(
        api_url=api.url,
        index_dir=article_index_dir,
        fetch_allow_hosts=LOOPBACK,
        channels=[str(CHANNEL)],
        admin_ids=[OPERATOR],
    )
    retriever = Retriever(open_index(settings, encoder), encoder)
    async with running_bot(settings, api.token, retriever) as app:
        yield app


def documents(app: Application) -> dict:
    return app.bot_data.retriever.index.documents


async def answer_to(api: FakeBotApi, update: dict, timeout: float = 20) -> dict:
    """The bot's reply to the message of `update`."""
    message = update["message"]
    chat, message_id = message["chat"]["id"], message["message_id"]

    def replies() -> list[dict]:
        return [
            m
            for m in api.sent_messages(chat)
            if m.get("reply_to_message", {}).get("message_id") == message_id
        ]

    await api.await_for(lambda: bool(replies()), timeout, description=f"a reply to {message_id}")
    return replies()[0]


async def post(api: FakeBotApi, text: str, **kwargs) -> tuple[dict, dict]:
    """A post in CHANNEL and its automatic forward into DISCUSSION, as Telegram sends both to a
    bot that is the channel's admin and a member of its discussion group."""
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    update = api.channel_post(channel, text, **kwargs)
    api.push_update(update)
    forward = api.automatic_forward(DISCUSSION, update)
    api.push_update(forward)
    return update, forward


async def ask(api: FakeBotApi, forward: dict, text: str, **kwargs) -> str:
    comment = api.comment(forward, text, user=READER, **kwargs)
    api.push_update(comment)
    return (await answer_to(api, comment))["text"]


@pytest.mark.asyncio
async def test_a_post_naming_the_bot_is_not_asked_of_it(api, bot) -> None:
    # A second verifier's probe: a channel's photo post "ask @bot in the comments" got "I
    # couldn't find that" under its forward (its text too, before).
    invite = "Questions on the storm? Ask @articlebot_test_bot in the comments."
    for caption in (True, False):
        _, forward = await post(
            api, invite, caption=caption, entities=[mention_entity(invite, "articlebot_test_bot")]
        )
    await asyncio.sleep(1.5)
    assert api.sent_messages(DISCUSSION) == []
    # A reader's question under it is answered as before.
    assert await ask(api, forward, "@articlebot_test_bot what happened?")


@pytest.mark.asyncio
async def test_each_thread_is_answered_from_its_own_post(api, bot, site) -> None:
    started = time.monotonic()
    early, early_fwd = await post(api, f"Storm Ida hits Carrick: {url(site, '/early.html')}")
    reply = await ask(api, early_fwd, "How many homes were flooded?")
    assert time.monotonic() - started < 5, "a post must be answerable within 5 s of arrival"
    assert "40 homes" in reply

    started = time.monotonic()
    later, later_fwd = await post(
        api, "Update on the storm", preview_url=url(site, "/later.html"), entities=[]
    )
    reply = await ask(api, later_fwd, "How many homes were flooded?")
    assert time.monotonic() - started < 5
    assert "65 homes" in reply

    # The same questions under each of two posts on the same event: each from its own.
    pairs = [
        ("When will the harbour road reopen?", "Friday", "next Monday"),
        ("How many families spent the night in the sports hall?", "12 families", "30 families"),
        ("What will the engineers do to the sea wall?", "inspect", "rebuild"),
    ]
    for question, in_early, in_later in pairs:
        early_reply = await ask(api, early_fwd, question)
        later_reply = await ask(api, later_fwd, question)
        assert in_early in early_reply and in_later not in early_reply, (question, early_reply)
        assert in_later in later_reply, (question, later_reply)

    # Asked with /ask and with a mention, in the thread: the same scope.
    assert "40 homes" in await ask(api, early_fwd, "/ask how many homes were flooded")
    text = "@articlebot_test_bot how many homes were flooded"
    mention = [mention_entity(text, "articlebot_test_bot")]
    assert "65 homes" in await ask(api, later_fwd, text, entities=mention)
    # Other commands are answered there as anywhere (the thread once took them unanswered).
    help_comment = api.comment(early_fwd, "/help", user=make_user(4242))
    api.push_update(help_comment)
    assert "I answer questions about" in (await answer_to(api, help_comment))["text"]
    # /ask in capitals is still /ask, answered from the post first (it went to the whole
    # channel, which has no "this post's article" to speak of).
    shouting = api.comment(
        early_fwd, "/ASK, how much emergency aid did the government promise?", user=make_user(4243)
    )
    api.push_update(shouting)
    assert post_answers.FROM_ELSEWHERE in (await answer_to(api, shouting))["text"]

    # Each post was read once, although it arrived twice (as itself and as its forward).
    assert site.hits["/early.html"] == 1 and site.hits["/later.html"] == 1
    ids = {
        post_ref(telegram.Message.de_json(u["channel_post"], None)).doc_id for u in (early, later)
    }
    assert ids <= set(documents(bot))
    assert api.sent_messages(CHANNEL) == []  # nothing is ever said in the channel


@pytest.mark.asyncio
async def test_what_the_post_does_not_say_comes_labelled_from_the_channel(api, bot, site) -> None:
    _, early_fwd = await post(api, f"Storm Ida hits Carrick {url(site, '/early.html')}")
    _, later_fwd = await post(api, f"Damage worse than feared {url(site, '/later.html')}")
    assert "40 homes" in await ask(api, early_fwd, "How many homes were flooded?")
    assert "65 homes" in await ask(api, later_fwd, "How many homes were flooded?")

    # The post's story says it does not say (or, on the same storm, offers its closest
    # passage as only that); the answer another post's article gives follows, labelled, with
    # the title of the article it comes from.
    not_said = (post_answers.NOT_IN_POST, CLOSEST_LEAD)
    reply = await ask(api, early_fwd, "How much emergency aid did the government promise?")
    own, _, elsewhere = reply.partition(post_answers.FROM_ELSEWHERE)
    assert own.startswith(not_said) and "2 million pounds" not in own
    assert "2 million pounds" in elsewhere and "worse than feared" in elsewhere
    reply = await ask(api, later_fwd, "Which trawler lost power?")
    own, _, elsewhere = reply.partition(post_answers.FROM_ELSEWHERE)
    assert own.startswith(not_said) and "Kestrel" not in own
    assert "Kestrel" in elsewhere and "Storm Ida floods Carrick harbour" in elsewhere
    # Off the post's subject altogether: it says so plainly, and the channel answers.
    _, orchard_fwd = await post(api, f"Good news for the orchard {url(site, '/orchard.html')}")
    assert "85,000 pounds" in await ask(api, orchard_fwd, "How big is the grant?")  # indexed
    reply = await ask(api, early_fwd, "How many apple trees will the orchard replant?")
    own, _, elsewhere = reply.partition(post_answers.FROM_ELSEWHERE)
    assert own.startswith(post_answers.NOT_IN_POST) and "300 old apple trees" in elsewhere
    # Off the post's subject, only another post's closest passage near it: that passage, said
    # to be only the closest (a new user's "who is the head librarian?" under the storm post
    # got "Nor do the channel's other articles" while the library post names her).
    reply = await ask(api, early_fwd, "Who runs the Bramblecote orchard?")
    own, _, elsewhere = reply.partition(post_answers.FROM_ELSEWHERE)
    assert post_answers.NOWHERE not in reply and "Bramblecote" in elsewhere, reply

    # A post without an article is skipped quietly; under it, the channel's articles answer.
    teaser, teaser_fwd = await post(api, "Photos from the harbour this morning 📷")
    reply = await ask(api, teaser_fwd, "How many homes were flooded?")
    assert reply.startswith(post_answers.NO_POST_ARTICLE) and post_answers.FROM_ELSEWHERE in reply
    # Nothing anywhere: one line about the post and the rest.
    nothing = await ask(api, teaser_fwd, "How do I bake sourdough bread?")
    assert nothing == f"{post_answers.NO_POST_ARTICLE} {post_answers.NOR_ELSEWHERE}"
    # A question about the post itself is not passed on (a bot attacker: "who wrote this?"
    # under a post without an article got another story's author).
    assert await ask(api, teaser_fwd, "who wrote this?") == post_answers.NO_POST_ARTICLE
    teaser_id = post_ref(telegram.Message.de_json(teaser["channel_post"], None)).doc_id
    assert teaser_id not in documents(bot)
    assert api.sent_messages(CHANNEL) == []


@pytest.mark.asyncio
async def test_follow_ups_stay_within_their_thread(api, bot, site) -> None:
    _, early_fwd = await post(api, url(site, "/early.html"))
    _, later_fwd = await post(api, url(site, "/later.html"))
    first = api.comment(early_fwd, "How many homes were flooded?", user=READER)
    api.push_update(first)
    early_answer = await answer_to(api, first)
    second = api.comment(later_fwd, "How many homes were flooded?", user=READER)
    api.push_update(second)
    await answer_to(api, second)
    # A reply to the bot's answer under the first post, after a question under the second.
    follow = api.comment(
        early_fwd, "And how many families spent the night there?", reply_to=early_answer
    )
    api.push_update(follow)
    reply = (await answer_to(api, follow))["text"]
    assert "12 families" in reply and "30 families" not in reply


@pytest.mark.asyncio
async def test_a_post_own_text_is_its_article_and_an_edit_reindexes_it(api, bot, site) -> None:
    photo, photo_fwd = await post(api, LIBRARY, caption=True)
    assert "3 June" in await ask(api, photo_fwd, "When does the library reopen?")
    assert "Carrick library reopens after the flood" in await ask(api, photo_fwd, "/summary")
    edited = api.channel_post(
        api.channel_chat(CHANNEL, "carricknews", "Carrick News"),
        LIBRARY.replace("3 June", "10 June"),
        message_id=photo["channel_post"]["message_id"],
        caption=True,
        edited=True,
    )
    api.push_update(edited)
    doc_id = post_ref(telegram.Message.de_json(photo["channel_post"], None)).doc_id
    await api.await_for(lambda: "10 June" in documents(bot)[doc_id].text, timeout=5)
    reply = await ask(api, photo_fwd, "When does the library reopen?")
    assert "10 June" in reply and "3 June" not in reply
    assert [d for d in documents(bot) if d.startswith(doc_id)] == [doc_id]  # replaced, not added
    assert documents(bot)[doc_id].source == "https://t.me/carricknews/" + doc_id.split("-")[1]


@pytest.mark.asyncio
async def test_a_late_forward_does_not_bring_back_the_version_before_an_edit(
    api, bot, site
) -> None:
    # A bot attacker's probe: a post's automatic forward handled after the post's edit (webhook
    # deliveries come out of order) indexed the old version again: the edit was lost, and a
    # story the edit withdrew was answered from again.
    orchard = f"Orchard: {url(site, '/orchard.html')}"
    await _late_forward_after_edit(api, bot, site, orchard, "Cider orchard wins heritage grant")
    # Edited within the second it was posted: the edit is still the newer.
    withdrawn = "Correction: we have withdrawn this story."
    await _late_forward_after_edit(api, bot, site, withdrawn, later=0)


async def _late_forward_after_edit(
    api: FakeBotApi,
    bot: Application,
    site: Site,
    edit_text: str,
    wanted: str | None = None,
    later: int = 5,
) -> None:
    """A post, its edit to `edit_text` `later` seconds after it (its article then titled
    `wanted`; None: no article), then its automatic forward: the edited version stays,
    answered from under the post."""
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    posted = api.channel_post(channel, f"Storm: {url(site, '/early.html')}")
    api.push_update(posted)
    doc_id = _doc(posted)
    await api.await_for(lambda: doc_id in documents(bot), 20, description="the post")
    original = posted["channel_post"]
    edit = api.channel_post(channel, edit_text, message_id=original["message_id"], edited=True)
    edit["edited_channel_post"]["edit_date"] = original["date"] + later
    api.push_update(edit)

    def edited() -> bool:
        document = documents(bot).get(doc_id)
        return (document.title if document else None) == wanted

    await api.await_for(edited, 20, description="the edit")
    forward = api.automatic_forward(DISCUSSION, posted)
    api.push_update(forward)
    forward_id = forward["message"]["message_id"]
    await api.await_for(lambda: forward_id in bot.bot_data.channels.roots.get(DISCUSSION, {}), 20)
    await asyncio.sleep(1)  # the forward handed to the indexing queue, if it is
    await api.await_for(lambda: not bot.bot_data.channels.pending, 20, description="done")
    assert edited(), documents(bot).get(doc_id)
    summary = api.comment(forward, "/summary", user=READER)
    api.push_update(summary)
    said = (await answer_to(api, summary))["text"]
    assert "Storm Ida" not in said and (wanted is None or wanted in said), said


async def _started(api: FakeBotApi, encoder, settings: Settings) -> Application:
    """A bot polling the fake Bot API, its chat state in the index folder's file (as a restart
    finds it again)."""
    retriever = Retriever(open_index(settings, encoder), encoder)
    app = build_application(settings, api.token, retriever, file_chat_state(settings.index_dir))
    await launch_polling(app)
    return app


@pytest.mark.asyncio
async def test_a_late_forward_after_a_restart_does_not_replace_the_edit_kept_over_it(
    api, encoder, tmp_path: Path, site
) -> None:
    # The same probe over a restart: the edit, still to be indexed when the bot stopped, is
    # kept in the chat state with its time, and the post's forward coming after the start is
    # the older version.
    settings = _own_index_settings(api, tmp_path)
    retriever = Retriever(open_index(settings, encoder), encoder)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    posted = api.channel_post(channel, f"Storm: {url(site, '/early.html')}")
    original = posted["channel_post"]
    edit = api.channel_post(
        channel, f"Orchard: {url(site, '/orchard.html')}", message_id=original["message_id"]
    )
    edit["channel_post"]["edit_date"] = original["date"] + 5
    kept_edit = what_to_index(_message(edit["channel_post"]))
    assert kept_edit is not None
    with closing(file_chat_state(settings.index_dir)) as kept:
        kept.add_pending_post(kept_edit.post.doc_id, kept_edit.to_json())
    app = build_application(settings, api.token, retriever, file_chat_state(settings.index_dir))
    await launch_polling(app)
    try:
        api.push_update(api.automatic_forward(DISCUSSION, posted))
        doc_id = _doc(posted)
        await api.await_for(lambda: doc_id in documents(app), 30, description="the post")
        await asyncio.sleep(1)  # the forward handed to the indexing queue, if it is
        await api.await_for(lambda: not app.bot_data.channels.pending, 20, description="done")
        assert documents(app)[doc_id].title == "Cider orchard wins heritage grant"
    finally:
        await shut_down(app)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "taken_out", ["withdrawn by an edit", "removed by an admin", "removed with articlebot remove"]
)
async def test_a_story_taken_out_before_a_restart_stays_out_after_its_late_forward(
    api, encoder, tmp_path: Path, site, taken_out: str
) -> None:
    # A verifier's probe: the post indexed, an edit withdrawing it, a restart, then the post's
    # automatic forward late: the withdrawn story was indexed again (versions were kept in
    # memory only). The newest version is kept in the chat state. A bot attacker's probe: so
    # was one an admin removed with /remove (its page read again), and by any later edit of
    # the post (a typo fixed): the removal is kept as the post's newest version. And so was
    # one removed with `articlebot remove` while the bot was stopped: the CLI keeps it too.
    settings = _own_index_settings(api, tmp_path)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    posted = api.channel_post(channel, f"Storm: {url(site, '/early.html')}")
    doc_id = _doc(posted)
    original = posted["channel_post"]

    def edited(text: str) -> dict:
        edit = api.channel_post(channel, text, message_id=original["message_id"], edited=True)
        edit["edited_channel_post"]["edit_date"] = original["date"] + 5
        return edit

    app = await _started(api, encoder, settings)
    try:
        api.push_update(posted)
        await api.await_for(lambda: doc_id in documents(app), 30, description="the post")
        if taken_out.startswith("removed"):
            await asyncio.sleep(1.5)  # its forward's delivery too
            await api.await_for(lambda: not app.bot_data.channels.pending, 20)
        if taken_out == "removed by an admin":
            api.push_update(api.private_message(EDITOR, f"/remove {doc_id}"))
        elif taken_out == "withdrawn by an edit":
            api.push_update(edited("Correction: we have withdrawn this story."))
        if taken_out != "removed with articlebot remove":
            await api.await_for(lambda: doc_id not in documents(app), 30, description=taken_out)
        await api.await_for(lambda: not app.bot_data.channels.pending, 20)
    finally:
        await shut_down(app)
    if taken_out == "removed with articlebot remove":
        assert cli_main(["remove", doc_id, "--index-dir", str(settings.index_dir)]) == 0
    app = await _started(api, encoder, settings)
    try:
        api.push_update(api.automatic_forward(DISCUSSION, posted))  # the late forward
        if taken_out.startswith("removed"):
            api.push_update(edited(f"Storm (typo fixed): {url(site, '/early.html')}"))
        await asyncio.sleep(2)
        await api.await_for(lambda: not app.bot_data.channels.pending, 30)
        assert doc_id not in documents(app)
        assert site.hits["/early.html"] == 1
    finally:
        await shut_down(app)


@pytest.mark.asyncio
async def test_a_post_removed_through_one_replica_stays_out_of_an_edit_on_another(
    api, encoder, tmp_path: Path, site
) -> None:
    # A verifier's probe: replica B indexed the post, the admin's /remove reached replica A,
    # then the post's edit reached B: B read its own version from memory, indexed the edit, and
    # overwrote the removal kept in the chat state. Each delivery reads the post's record,
    # and a removal is never overwritten.
    with FakeBotApi() as other_api:
        b = await _started(other_api, encoder, _own_index_settings(other_api, tmp_path))
        a = await _started(api, encoder, _own_index_settings(api, tmp_path))
        try:
            channel = other_api.channel_chat(CHANNEL, "carricknews", "Carrick News")
            posted = other_api.channel_post(channel, f"Storm: {url(site, '/early.html')}")
            doc_id = _doc(posted)
            other_api.push_update(posted)
            for replica in (a, b):
                await api.await_for(lambda r=replica: doc_id in documents(r), 30)
            await asyncio.sleep(1)
            api.push_update(api.private_message(EDITOR, f"/remove {doc_id}"))
            for replica in (a, b):
                await api.await_for(lambda r=replica: doc_id not in documents(r), 30)
            original = posted["channel_post"]
            edit = other_api.channel_post(
                channel,
                f"Storm (typo fixed): {url(site, '/early.html')}",
                message_id=original["message_id"],
                edited=True,
            )
            edit["edited_channel_post"]["edit_date"] = original["date"] + 5
            other_api.push_update(edit)
            await asyncio.sleep(2)
            await other_api.await_for(lambda: not b.bot_data.channels.pending, 30)
            assert doc_id not in documents(b) and site.hits["/early.html"] == 1
        finally:
            await shut_down(a)
            await shut_down(b)


async def _answered_under_the_early_story(
    api: FakeBotApi, site: Site, *apps: Application
) -> tuple[dict, dict]:
    """Two stories posted (40 and 65 flooded homes), each indexed by every one of `apps`, and
    the bot's answer under the first: its automatic forward and the answer."""
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    forwards = []
    for page in ("/early.html", "/later.html"):
        posted = api.channel_post(channel, url(site, page))
        api.push_update(posted)
        forwards.append(api.automatic_forward(DISCUSSION, posted))
        api.push_update(forwards[-1])
        for app in apps:
            await api.await_for(
                lambda p=posted, a=app: _doc(p) in documents(a), 30, description=page
            )
    asked = api.comment(forwards[0], "How many homes were flooded?", user=READER)
    api.push_update(asked)
    first = await answer_to(api, asked)
    assert "40 homes" in first["text"]
    return forwards[0], first


async def _said_to_a_reply(api: FakeBotApi, forward: dict, answer: dict) -> str:
    """What the bot says to a reader's reply to its `answer` in the thread of `forward`."""
    again = api.comment(forward, "How many homes were flooded?", reply_to=answer, user=READER)
    api.push_update(again)
    return (await answer_to(api, again))["text"]


@pytest.mark.asyncio
async def test_a_reply_under_a_post_after_a_restart_is_answered_from_that_post(
    api, encoder, tmp_path: Path, site
) -> None:
    # A bot attacker's probe: after a restart, a reply to the bot's answer under the early
    # story's post (which names only its thread) was answered from every article: the later
    # story's 65 homes, unlabelled. The thread's post is kept in the chat state.
    settings = _own_index_settings(api, tmp_path)
    app = await _started(api, encoder, settings)
    try:
        forward, first = await _answered_under_the_early_story(api, site, app)
    finally:
        await shut_down(app)
    app = await _started(api, encoder, settings)
    try:
        said = await _said_to_a_reply(api, forward, first)
        assert "40 homes" in said and "65 homes" not in said, said
    finally:
        await shut_down(app)


@pytest.mark.asyncio
async def test_a_replica_that_missed_a_posts_forward_answers_its_thread_from_that_post(
    api, encoder, tmp_path: Path, site
) -> None:
    # Two replicas over one index folder and chat state (as webhook replicas share one
    # database): the post's automatic forward reached one; a reply to the bot's answer in its
    # thread, delivered to the other, names only the thread and was answered from every
    # article, the later story's 65 homes unlabelled. The thread's post is read from the
    # chat state. (So is one of a group's 1,000 threads before the newest, a bot attacker's
    # probe, which this process had forgotten.)
    with FakeBotApi() as other_api:
        other = await _started(other_api, encoder, _own_index_settings(other_api, tmp_path))
        app = await _started(api, encoder, _own_index_settings(api, tmp_path))
        try:
            forward, first = await _answered_under_the_early_story(api, site, app, other)
            said = await _said_to_a_reply(other_api, forward, first)
            assert "40 homes" in said and "65 homes" not in said, said
        finally:
            await shut_down(app)
            await shut_down(other)


@pytest.mark.asyncio
async def test_a_thread_still_asked_in_is_kept_from_its_last_question(api, bot, site) -> None:
    # Threads kept in the chat state are forgotten 30 days after they were kept: one kept
    # when its post came and asked in ever since was lost to a restart after a month.
    _, forward = await post(api, f"Storm Ida hits Carrick: {url(site, '/early.html')}")
    assert "40 homes" in await ask(api, forward, "How many homes were flooded?")
    chats, root = bot.bot_data.chats, forward["message"]["message_id"]
    month = 29 * 24 * 3600
    kept = chats.thread_post(DISCUSSION, root, 0.0)
    assert kept is not None
    chats.set_thread_post(DISCUSSION, root, kept, time.time() - month)
    assert chats.thread_post(DISCUSSION, root, time.time() - 3600) is None
    assert "40 homes" in await ask(api, forward, "How many homes were flooded?")
    # Kept once the answer is out (as the thread's last turn is).
    await api.await_for(lambda: chats.thread_post(DISCUSSION, root, time.time() - 3600) == kept, 10)


@pytest.mark.asyncio
async def test_a_post_edited_to_carry_no_article_has_its_article_removed(api, bot, site) -> None:
    # An attacker's probe: a retracted story ("we have withdrawn this story", no link), or one
    # whose link was edited to a page that cannot be read, went on being answered from.
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    pulled = url(site, "/pulled.html")
    for first, edit in (
        (url(site, "/early.html"), "Correction: we have withdrawn this story."),
        (url(site, "/early.html"), f"See {url(site, '/gone.html')}"),
        # The same link, its page taken down (410): gone, not a site down for a while.
        (pulled, f"WITHDRAWN: {pulled}"),
    ):
        story, forward = await post(api, f"Storm Ida hits Carrick: {first}")
        assert "40 homes" in await ask(api, forward, "How many homes were flooded?")
        doc_id = post_ref(_message(story["channel_post"])).doc_id
        message_id = story["channel_post"]["message_id"]
        api.push_update(api.channel_post(channel, edit, message_id=message_id, edited=True))
        await api.await_for(
            lambda doc_id=doc_id: doc_id not in documents(bot), timeout=20, description=edit
        )
        # The thread has no article now: a plain comment is no question for the bot, and one
        # asked of it is not answered from the withdrawn story.
        assert "40 homes" not in await ask(api, forward, "/ask How many homes were flooded?")


@pytest.mark.asyncio
async def test_a_post_whose_page_is_down_is_read_again_from_its_forward(api, bot, site) -> None:
    # An attacker's probe: one failed read (a 503) marked the post as done, and its automatic
    # forward, arriving moments later, was skipped: the post was never indexed.
    _, forward = await post(api, f"Storm Ida hits Carrick: {url(site, '/flaky.html')}")
    assert "40 homes" in await ask(api, forward, "How many homes were flooded?")
    assert site.hits["/flaky.html"] == 2

    # A post edited to a new link whose page is down: the group's copy of the edit reads it
    # (the verifier's probe: the new link had been marked done after the one failed read).
    story, forward = await post(api, f"The library story: {url(site, '/orchard.html')}")
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    message_id = story["channel_post"]["message_id"]
    edited = api.channel_post(
        channel, f"Storm Ida: {url(site, '/flaky-edit.html')}", message_id=message_id, edited=True
    )
    api.push_update(edited)
    doc_id = post_ref(_message(story["channel_post"])).doc_id
    await api.await_for(lambda: site.hits["/flaky-edit.html"] == 1, 20, description="the read")
    api.push_update(api.automatic_forward(DISCUSSION, edited))
    await api.await_for(lambda: "Storm Ida" in getattr(documents(bot).get(doc_id), "title", ""), 20)

    # A post with a link and a long text of its own, its page down: the text stands in, and
    # the page is read from the forward (it had never been read again).
    story, forward = await post(api, f"{LIBRARY}\n{url(site, '/flaky-own.html')}")
    doc_id = post_ref(_message(story["channel_post"])).doc_id
    await api.await_for(
        lambda: (
            documents(bot).get(doc_id) is not None
            and documents(bot)[doc_id].title == "Storm Ida floods Carrick harbour"
        ),
        20,
        description="the page's article",
    )
    assert site.hits["/flaky-own.html"] == 2


@pytest.mark.asyncio
async def test_a_post_linking_to_no_article_is_not_read_again_for_hours(
    api, encoder, tmp_path: Path, site
) -> None:
    # An attacker's probe: a post linking to a PDF, an image or a login page was "not read yet;
    # please ask again in a few minutes" for two hours, its link fetched 7 times. Only a site
    # down or slow is asked again; such a link is read once, and the post has no article.
    settings = _own_index_settings(api, tmp_path, post_retry_seconds=0.3)
    app = await _started(api, encoder, settings)
    try:
        for page in ("/report.pdf", "/login.html"):
            _, forward = await post(api, f"Read the council's report: {url(site, page)}")
            said = await ask(api, forward, "/ask How much does the plan cost?")
            assert post_answers.POST_WAITING not in said, said
            await asyncio.sleep(1.5)  # past the first retries of a site down
            assert site.hits[page] == 1, page
    finally:
        await shut_down(app)


@pytest.mark.asyncio
async def test_a_post_whose_page_stays_down_is_read_again_later(
    api, encoder, tmp_path: Path, site
) -> None:
    # A channel without a discussion group sends each post once: a page down when it came was
    # never read again unless the post was edited.
    from articlebot.storage.sql_chat_state import file_chat_state

    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")

    def kept() -> list[str]:
        with closing(file_chat_state(settings.index_dir)) as chats:
            return [kept.doc_id for kept in chats.pending_posts()]

    def sent(path: str) -> tuple[dict, str]:
        update = api.channel_post(channel, f"Storm Ida hits Carrick: {url(site, path)}")
        api.push_update(update)
        return update, post_ref(_message(update["channel_post"])).doc_id

    settings = _own_index_settings(api, tmp_path, post_retries=2, post_retry_seconds=0.3)
    app = await _started(api, encoder, settings)
    try:
        # Down for two reads: the second try reads it.
        _, back = sent("/down2-a.html")
        await api.await_for(lambda: back in documents(app), 20, description="the post")
        assert site.hits["/down2-a.html"] == 3
        # Down for good: read three times in all, then given up on and no longer kept.
        _, gone = sent("/down9.html")
        await api.await_for(lambda: site.hits["/down9.html"] == 3, 20, description="3 reads")
        await api.await_for(lambda: gone not in kept(), 20, description="given up")
        # Edited meanwhile to a page that is up: the edit stands, the old link is not tried.
        story, edited_id = sent("/down9-b.html")
        await api.await_for(lambda: site.hits["/down9-b.html"] == 1, 20, description="a read")
        edit = api.channel_post(
            channel,
            f"Correction: {url(site, '/later.html')}",
            message_id=story["channel_post"]["message_id"],
            edited=True,
        )
        api.push_update(edit)
        await api.await_for(lambda: edited_id in documents(app), 20, description="the edit")
        await asyncio.sleep(1.5)  # past both retries
        assert site.hits["/down9-b.html"] == 1
        assert documents(app)[edited_id].title.endswith("damage worse than feared")
        assert site.hits["/down9.html"] == 3 and kept() == []
    finally:
        await shut_down(app)

    # Posts down at once, the queue holding one: those that find it full wait their turn
    # again (a verifier's probe: they were dropped for good).
    settings = _own_index_settings(
        api, tmp_path, post_retries=2, post_retry_seconds=1.0, index_queue=1
    )
    app = await _started(api, encoder, settings)
    try:
        down = []
        for n in range(3):
            down.append(sent(f"/down1-q{n}.html")[1])
            await api.await_for(lambda n=n: site.hits[f"/down1-q{n}.html"] == 1, 20)
        await api.await_for(lambda: set(down) <= set(documents(app)), 30, description="all 3")
        # Its article removed by an admin while its page was down: not read again.
        own = api.channel_post(channel, f"{LIBRARY}\n{url(site, '/down9-r.html')}")
        api.push_update(own)
        removed = post_ref(_message(own["channel_post"])).doc_id
        await api.await_for(lambda: removed in documents(app), 20, description="its own text")
        assert await _reply_in(api, EDITOR, f"/remove {removed}") == f"Removed {removed}."
        # Indexed meanwhile by another replica on the same database, which dropped the record:
        # not read again here (a verifier's probe: an older version replaced a newer edit).
        _, elsewhere = sent("/down9-e.html")
        await api.await_for(lambda: site.hits["/down9-e.html"] == 1, 20, description="a read")
        with closing(file_chat_state(settings.index_dir)) as chats:
            [record] = [p.post for p in chats.pending_posts() if p.doc_id == elsewhere]
            chats.drop_pending_post(elsewhere, record)
        # Its page down and no text of its own, so no article yet: /remove forgets it (the
        # verifier's probe: "no article with id", then indexed once the page came back).
        _, waiting = sent("/down9-w.html")
        await api.await_for(lambda: site.hits["/down9-w.html"] == 1, 20, description="a read")
        # With an id no article has beside it, nothing goes (an attacker's probe: "nothing was
        # removed", and the post was forgotten).
        typo = await _reply_in(api, EDITOR, f"/remove {waiting} articlex")
        assert typo.endswith("nothing was removed") and "'articlex'" in typo
        assert waiting in kept()
        reply = await _reply_in(api, EDITOR, f"/remove {down[0]} {waiting}")
        assert reply == f"Removed {down[0]}. " + articles.WAITING_FORGOTTEN.format(ids=waiting)
        await asyncio.sleep(3.5)  # past both tries
        assert site.hits["/down9-r.html"] == 1 and site.hits["/down9-e.html"] == 1
        assert site.hits["/down9-w.html"] == 1 and waiting not in documents(app)
        assert kept() == []
    finally:
        await shut_down(app)

    # Waiting over a stop: kept in the chat state, and read at the next start.
    settings = _own_index_settings(api, tmp_path, post_retry_seconds=600)
    app = await _started(api, encoder, settings)
    try:
        _, later = sent("/down1-c.html")
        await api.await_for(lambda: site.hits["/down1-c.html"] == 1, 20, description="a read")
        await asyncio.sleep(0.5)
    finally:
        await shut_down(app)
    assert later in kept()
    app = await _started(api, encoder, settings)
    try:
        await api.await_for(lambda: later in documents(app), 20, description="the post")
    finally:
        await shut_down(app)
    assert kept() == []

    # Its page down for good, over restarts: each start reads it once, counting on from the
    # tries before (a restart had given it all its tries afresh), until they are spent.
    settings = _own_index_settings(api, tmp_path, post_retries=2, post_retry_seconds=600)
    for start in range(4):
        app = await _started(api, encoder, settings)
        try:
            if start == 0:
                _, dead = sent("/down9-s.html")
            reads = min(start + 1, 3)
            await api.await_for(lambda reads=reads: site.hits["/down9-s.html"] == reads, 20)
            await asyncio.sleep(0.5)
        finally:
            await shut_down(app)
        assert (dead in kept()) == (start < 2)
    assert site.hits["/down9-s.html"] == 3


@pytest.mark.asyncio
async def test_a_channel_not_opted_in_is_never_indexed(api, bot, site) -> None:
    other = api.channel_chat(OTHER_CHANNEL, "unlisted", "Unlisted")
    update = api.channel_post(other, f"Read this {url(site, '/secret.html')}")
    api.push_update(update)
    forward = api.automatic_forward(OTHER_DISCUSSION, update)
    api.push_update(forward)
    comment = api.comment(forward, "/ask How many loaves did the bakery sell?", user=READER)
    api.push_update(comment)
    reply = (await answer_to(api, comment))["text"]
    assert "9,000" not in reply
    assert site.hits["/secret.html"] == 0
    assert not any(d.startswith(f"tg{abs(OTHER_CHANNEL)}") for d in documents(bot))
    assert api.sent_messages(OTHER_CHANNEL) == []


@pytest.mark.asyncio
async def test_autoindex_in_a_group_indexes_admins_links_for_that_group_only(
    api, bot, site
) -> None:
    api.set_chat_admins(GROUP, [EDITOR])
    member = make_user(5003, "Mo")
    refused = api.group_message(GROUP, "/autoindex on", user=member)
    api.push_update(refused)
    assert (await answer_to(api, refused))["text"] == channels.AUTOINDEX_ADMINS_ONLY
    turned_on = api.group_message(GROUP, "/autoindex on", user=make_user(EDITOR))
    api.push_update(turned_on)
    assert (await answer_to(api, turned_on))["text"] == channels.AUTOINDEX_ON
    looked = f"look {url(site, '/orchard.html')}"
    api.push_update(api.group_message(GROUP, looked, user=member, entities=link_entities(looked)))

    # An admin's long message without a link is talk, not an article (an attacker's probe: a
    # note with a ward and a phone number became one that members' questions were answered
    # from, and that the group's admins could not remove).
    talk = LIBRARY.replace("\n", " ") + " Call me on 0777 123 456 if you can help."
    api.push_update(api.group_message(GROUP, talk, user=make_user(EDITOR)))
    shared = f"Good news {url(site, '/orchard.html')}"
    api.push_update(
        api.group_message(GROUP, shared, user=make_user(EDITOR), entities=link_entities(shared))
    )
    await api.await_for(lambda: any(d.startswith("chat") for d in documents(bot)), timeout=5)
    # The admin's talk before the link was no article (the one worker indexes in order).
    assert len([d for d in documents(bot) if d.startswith("chat")]) == 1
    asked = api.group_message(GROUP, "/ask How big was the heritage grant?", user=member)
    api.push_update(asked)
    assert "85,000 pounds" in (await answer_to(api, asked))["text"]
    assert site.hits["/orchard.html"] == 1  # the admin's link; the member's is not an article
    # A command with a link is no post of a link (a bot attacker's probe: an admin's `/add
    # URL` or `/ask ... URL` also made a copy for this group alone, kept after /remove).
    command = f"/ask what does {url(site, '/orchard.html')} say about the trees?"
    commanded = api.group_message(
        GROUP,
        command,
        user=make_user(EDITOR),
        entities=[command_entity(command), *link_entities(command)],
    )
    api.push_update(commanded)
    await answer_to(api, commanded)
    await asyncio.sleep(1.0)  # the worker would have fetched it by now
    assert len([d for d in documents(bot) if d.startswith("chat")]) == 1
    assert site.hits["/orchard.html"] == 1
    # Other chats do not see it.
    api.push_update(api.private_message(5004, "How big was the heritage grant?"))
    [private] = await api.await_messages(5004, 1, timeout=20)
    assert "85,000" not in private["text"]
    api.push_update(api.private_message(5004, "/source"))
    listed_elsewhere = (await api.await_messages(5004, 2, timeout=20))[1]["text"]
    in_group = api.group_message(GROUP, "/source", user=member)
    api.push_update(in_group)
    assert "Cider orchard" in (await answer_to(api, in_group))["text"]
    assert "Cider orchard" not in listed_elsewhere


def _asker(chat: int) -> dict:
    return make_user(7000 + abs(chat) % 1000, "Asker")


async def _reply_in(api: FakeBotApi, chat: int, text: str) -> str:
    """The bot's reply to `text` from a reader in `chat` (a group, or their private chat)."""
    before = len(api.sent_messages(chat))
    if chat > 0:
        api.push_update(api.private_message(chat, text))
    else:
        # One asker per group: a member gets half of a group's rate limit.
        api.push_update(api.group_message(chat, text, user=_asker(chat)))
    return (await api.await_messages(chat, before + 1, timeout=20))[before]["text"]


@pytest.mark.asyncio
async def test_a_channel_opted_in_by_autoindex_is_that_groups_alone(api, bot, site) -> None:
    # Group A discusses an unlisted channel; one of A's admins turns /autoindex on.
    group_a, stranger = OTHER_DISCUSSION, 5004
    api.set_chat_admins(group_a, [EDITOR])
    turned_on = api.group_message(group_a, "/autoindex on", user=make_user(EDITOR))
    api.push_update(turned_on)
    assert (await answer_to(api, turned_on))["text"] == channels.AUTOINDEX_ON
    unlisted = api.channel_chat(OTHER_CHANNEL, "unlisted", "Unlisted")
    update = api.channel_post(unlisted, f"Read this {url(site, '/secret.html')}")
    api.push_update(update)  # the bot is the channel's admin too: that alone indexes nothing
    forward = api.automatic_forward(group_a, update)
    api.push_update(forward)

    # Under the post in A, the question is answered from the post's article.
    question = "How many loaves of saffron bread did the bakery sell?"
    assert "9,000" in await ask(api, forward, f"/ask {question}")
    [doc_id] = [d for d in documents(bot) if "Unlisted" in documents(bot)[d].title]
    assert doc_id.startswith(f"chat{abs(group_a)}-")  # the group's own, not tg<channel>-...
    assert "9,000" in await _reply_in(api, group_a, f"/ask {question}")  # outside the thread

    # A stranger's private chat and another group never see it: not in answers, /articles,
    # /source, and neither /use nor /summary reaches it by its id (not even for B's admin).
    api.set_chat_admins(GROUP, [_asker(GROUP)["id"]])
    for chat in (stranger, GROUP):
        assert "9,000" not in await _reply_in(api, chat, f"/ask {question}")
        for listing in ("/articles", "/source"):
            assert "Unlisted channel story" not in await _reply_in(api, chat, listing)
        assert "There is no article" in await _reply_in(api, chat, f"/use {doc_id}")
        assert "There is no article" in await _reply_in(api, chat, f"/summary {doc_id}")
        assert "9,000" not in await _reply_in(api, chat, f"/ask {question}")
    # Nor does the bot's own admin's /remove in group B name it, or one like it (a probe: "did
    # you mean" named group A's article to group B).
    near = doc_id[:-1] + ("x" if doc_id[-1] != "x" else "y")
    for wanted in (doc_id, near):
        before = len(api.sent_messages(GROUP))
        api.push_update(api.group_message(GROUP, f"/remove {wanted}", user=make_user(OPERATOR)))
        [said] = (await api.await_messages(GROUP, before + 1, timeout=20))[before:]
        assert said["text"] == f"There is no article with id {wanted}. /articles lists them."
    assert doc_id in documents(bot)
    assert "Unlisted channel story" in await _reply_in(api, group_a, "/articles")
    assert site.hits["/secret.html"] == 1

    # A listed channel's post is answered from everywhere.
    _, listed_fwd = await post(api, f"Storm Ida hits Carrick {url(site, '/early.html')}")
    assert "40 homes" in await ask(api, listed_fwd, "How many homes were flooded?")
    for chat in (stranger, GROUP, group_a):
        assert "40 homes" in await _reply_in(api, chat, "/ask How many homes were flooded?")


def _own_index_settings(api: FakeBotApi, tmp_path: Path, **overrides: object) -> Settings:
    """A bot over a fresh index of its own that indexes CHANNEL's posts, EDITOR its admin."""
    return load_settings(
        api_url=api.url,
        index_dir=tmp_path / "index",
        fetch_allow_hosts=LOOPBACK,
        channels=[str(CHANNEL)],
        admin_ids=[EDITOR],
        **overrides,
    )


@pytest.mark.asyncio
async def test_posts_wait_in_a_bounded_queue_while_questions_are_answered(
    api, encoder, tmp_path: Path, site, caplog
) -> None:
    settings = _own_index_settings(api, tmp_path, index_queue=2, post_retry_seconds=0.5)
    retriever = Retriever(open_index(settings, encoder), encoder)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")

    def doc_id(update: dict) -> str:
        return post_ref(_message(update["channel_post"])).doc_id

    async with running_bot(settings, api.token, retriever) as app:
        reading = api.channel_post(channel, url(site, "/slow.html"))
        api.push_update(reading)
        await api.await_for(lambda: site.hits["/slow.html"] == 1, 20, description="the read")
        queued = [api.channel_post(channel, url(site, p)) for p in ("/early.html", "/later.html")]
        for update in queued:
            api.push_update(update)
            # Its automatic forward is the same post again (an attacker's backlog of 25 posts
            # with their forwards took two places each, and 8 posts were dropped for good).
            api.push_update(api.automatic_forward(DISCUSSION, update))
        await api.await_for(lambda: app.bot_data.indexing.waiting == 2, 20)
        # The queue is full: the next post waits its turn (logged, not lost: Telegram will not
        # send it again); an admin's link is refused, and the admin told so.
        later = api.channel_post(channel, url(site, "/secret.html"))
        api.push_update(later)
        await api.await_for(lambda: doc_id(later) in caplog.text, 20, description="a log line")
        assert "indexing queue full" in caplog.text
        assert await _reply_in(api, EDITOR, url(site, "/orchard.html")) == articles.BUSY_INDEXING
        # Several links at once: the ones not added are named, to send again (a verifier's
        # probe: "busy" named none, and the links after it were not said at all).
        links = f"{url(site, '/orchard.html')} {url(site, '/early.html')}"
        assert await _reply_in(api, EDITOR, f"/add {links}") == articles.BUSY_INDEXING
        await api.await_for(lambda: api.sent_messages(EDITOR)[-1]["text"].startswith("Not"), 20)
        assert api.sent_messages(EDITOR)[-1]["text"] == f"Not added: {links}"
        # Meanwhile questions are answered.
        assert "Kasatkin" in await _reply_in(api, 5004, "Who was Vinatier swapped for?")
        assert doc_id(reading) not in documents(app)
        assert site.hits["/secret.html"] == 0

        site.slow.set()
        wanted = {doc_id(update) for update in [reading, *queued, later]}
        await api.await_for(lambda: wanted <= set(documents(app)), 60, description="4 posts")
        assert not await app.bot_data.off_loop(app.bot_data.chats.pending_posts)
    assert site.hits["/orchard.html"] == 0  # never read
    assert api.sent_messages(EDITOR)[-1]["text"].startswith("Not added")  # no more lines


@pytest.mark.asyncio
async def test_one_group_s_links_cannot_crowd_out_the_listed_channel(
    api, encoder, tmp_path: Path, site
) -> None:
    # An attacker's finding: anyone may add the bot to a group of their own and turn
    # /autoindex on there; 40 slow links filled the shared queue, the operator's channel post
    # was dropped for good and an admin's /add refused.
    settings = _own_index_settings(api, tmp_path, index_queue=8, post_retry_seconds=0.5)
    retriever = Retriever(open_index(settings, encoder), encoder)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    own, owner = -100777, make_user(7007)
    api.set_chat_admins(own, [owner["id"]])
    async with running_bot(settings, api.token, retriever) as app:
        turned_on = api.group_message(own, "/autoindex on", user=owner)
        api.push_update(turned_on)
        assert (await answer_to(api, turned_on))["text"] == channels.AUTOINDEX_ON
        for n in range(12):
            link = url(site, f"/slow{n}.html")
            api.push_update(api.group_message(own, link, user=owner, entities=link_entities(link)))
        # The group holds its share of the queue (a quarter: one link being read, one queued);
        # the rest of its links wait their turn, and the channel's post and an admin's fit.
        await api.await_for(lambda: len(app.bot_data.channels.waiting) == 10, 20)
        # (Its share, whatever the moment: on a loaded machine the slow page may have been
        # sent already, and the next link taken.)
        assert app.bot_data.indexing.jobs_of(own) == app.bot_data.indexing.share == 2
        posted = api.channel_post(channel, url(site, "/early.html"))
        api.push_update(posted)
        assert await _reply_in(api, EDITOR, url(site, "/orchard.html")) != articles.BUSY_INDEXING
        site.slow.set()
        # The group's links waited their turn: none is lost.
        await api.await_for(
            lambda: len([d for d in documents(app) if d.startswith("chat")]) == 12,
            90,
            description="the group's 12 links",
        )
        wanted = post_ref(_message(posted["channel_post"])).doc_id
        await api.await_for(lambda: wanted in documents(app), 60, description="the post")
        # Nor did they hold the operator's up (an attacker's probe: two groups' slow links
        # kept the channel's post and the admin's link waiting 33 s, a 1 MB text 290 s): the
        # worker takes the operator's work first, after the one link it was reading.
        order = list(reversed(app.bot_data.retriever.index.doc_order))  # newest first
        group = [d for d in order if d.startswith("chat")]
        [added] = [d for d in order if d.startswith("orchard")]
        assert max(order.index(wanted), order.index(added)) < order.index(group[1])


def _huge_or_early(path: str) -> Page:
    """/huge.txt, a text longer than a group's own article may be; any other path, EARLY."""
    from articlebot.bot.post_indexing import GROUP_ARTICLE_CHARS

    huge = "Harbour report\n\n" + "The harbour wall was repaired on Friday. " * 6000
    assert len(huge) > GROUP_ARTICLE_CHARS
    body = huge if path == "/huge.txt" else EARLY
    kind = "text/plain" if path.endswith(".txt") else "text/html"
    return 200, f"{kind}; charset=utf-8", body.encode()


@pytest.mark.asyncio
async def test_a_group_s_own_article_past_the_length_limit_is_not_indexed(
    api, encoder, tmp_path: Path, caplog
) -> None:
    # An attacker's probe: one stranger's group link to a 1 MB text held the one indexing
    # worker for 290 s, the listed channel's post behind it.
    caplog.set_level(logging.WARNING, logger="articlebot.bot.post_indexing")
    with page_server(_huge_or_early) as base:
        settings = _own_index_settings(api, tmp_path)
        retriever = Retriever(open_index(settings, encoder), encoder)
        channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
        own, owner = -100777, make_user(7007)
        api.set_chat_admins(own, [owner["id"]])
        async with running_bot(settings, api.token, retriever) as app:
            turned_on = api.group_message(own, "/autoindex on", user=owner)
            api.push_update(turned_on)
            assert (await answer_to(api, turned_on))["text"] == channels.AUTOINDEX_ON
            link = f"{base}/huge.txt"
            posted = api.group_message(own, link, user=owner, entities=link_entities(link))
            api.push_update(posted)
            channel_post = api.channel_post(channel, f"{base}/early.html")
            api.push_update(channel_post)
            await api.await_for(lambda: _doc(channel_post) in documents(app), 30)
            await api.await_for(lambda: not app.bot_data.channels.pending, 30)
            assert post_ref(_message(posted["message"])).doc_id not in documents(app)
    assert "more than a group's own article may have" in caplog.text


@pytest.mark.asyncio
async def test_a_group_s_own_post_edited_past_the_length_limit_loses_its_old_article(
    api, encoder, tmp_path: Path, caplog
) -> None:
    # A bot attacker's probe: a group's own post, edited to link a page over the length limit,
    # went on being answered from the article of its earlier link.
    caplog.set_level(logging.WARNING, logger="articlebot.bot.post_indexing")
    with page_server(_huge_or_early) as base:
        settings = _own_index_settings(api, tmp_path)
        retriever = Retriever(open_index(settings, encoder), encoder)
        own, owner = -100777, make_user(7007)
        api.set_chat_admins(own, [owner["id"]])
        async with running_bot(settings, api.token, retriever) as app:
            turned_on = api.group_message(own, "/autoindex on", user=owner)
            api.push_update(turned_on)
            assert (await answer_to(api, turned_on))["text"] == channels.AUTOINDEX_ON
            link = f"{base}/early.html"
            posted = api.group_message(own, link, user=owner, entities=link_entities(link))
            api.push_update(posted)
            doc_id = post_ref(_message(posted["message"])).doc_id
            await api.await_for(lambda: doc_id in documents(app), 30, description="the post")
            huge_link = f"{base}/huge.txt"
            message = posted["message"]
            edit = dict(
                message,
                text=huge_link,
                edit_date=message["date"] + 5,
                entities=link_entities(huge_link),
            )
            api.push_update({"edited_message": edit})
            await api.await_for(lambda: doc_id not in documents(app), 30, description="removal")
            listed = api.group_message(own, "/articles", user=owner)
            api.push_update(listed)
            assert "Storm Ida" not in (await answer_to(api, listed))["text"]
    assert "more than a group's own article may have" in caplog.text


@pytest.mark.asyncio
async def test_remove_in_another_group_does_not_forget_a_group_s_queued_post(
    api, encoder, tmp_path: Path, site
) -> None:
    # A verifier's probe: the bot's admin, in group B, dropped group A's own queued post by its
    # id, which group B may not see once indexed.
    settings = _own_index_settings(api, tmp_path)
    retriever = Retriever(open_index(settings, encoder), encoder)
    own, other, owner = -100777, -100778, make_user(EDITOR)
    api.set_chat_admins(own, [EDITOR])
    api.set_chat_admins(other, [EDITOR])
    async with running_bot(settings, api.token, retriever) as app:
        turned_on = api.group_message(own, "/autoindex on", user=owner)
        api.push_update(turned_on)
        assert (await answer_to(api, turned_on))["text"] == channels.AUTOINDEX_ON
        for path in ("/slow.html", "/early.html"):
            link = url(site, path)
            posted = api.group_message(own, link, user=owner, entities=link_entities(link))
            api.push_update(posted)
        queued = post_ref(_message(posted["message"])).doc_id
        await api.await_for(lambda: queued in app.bot_data.channels.pending, 20)
        removal = api.group_message(other, f"/remove {queued}", user=owner)
        api.push_update(removal)
        assert (await answer_to(api, removal))["text"].startswith("There is no article with id")
        site.slow.set()
        await api.await_for(lambda: queued in documents(app), 30, description="the post")


@pytest.mark.asyncio
async def test_a_stop_during_a_post_s_write_is_no_try_of_the_post_s(
    api, encoder, tmp_path: Path
) -> None:
    # An attacker's probe: a stop giving up a post's write (another writer held the index)
    # counted as a failed read of its page; a few quick restarts and it was given up for good.
    from filelock import FileLock

    settings = _own_index_settings(api, tmp_path, post_retries=0, stop_seconds=3)
    open_index(settings, encoder)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    post = api.channel_post(channel, LIBRARY)
    wanted = post_ref(_message(post["channel_post"])).doc_id

    other = FileLock(settings.index_dir / ".writer.lock", thread_local=False)
    other.acquire()  # another writer, as a long `articlebot index` holds it
    try:
        app = await _started(api, encoder, settings)
        try:
            api.push_update(post)
            await asyncio.sleep(2)  # read, and waiting for the index
        finally:
            await shut_down(app)
    finally:
        other.release()
    app = await _started(api, encoder, settings)
    try:
        await api.await_for(lambda: wanted in documents(app), 30, description="the post")
    finally:
        await shut_down(app)


@pytest.mark.asyncio
async def test_posts_a_stop_left_waiting_are_indexed_after_the_restart(
    api, encoder, tmp_path: Path, site, caplog
) -> None:
    # An attacker's probe: a stop while posts waited (one page slow) cancelled the one being
    # read and dropped the rest; Telegram had their updates confirmed and never sent them
    # again, so they were never indexed.
    from articlebot.storage.sql_chat_state import file_chat_state

    settings = _own_index_settings(api, tmp_path, stop_seconds=4)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    posts = [api.channel_post(channel, url(site, p)) for p in ("/slow.html", "/early.html")]
    wanted = {post_ref(_message(update["channel_post"])).doc_id for update in posts}

    app = await _started(api, encoder, settings)
    try:
        for update in posts:
            api.push_update(update)
        await api.await_for(lambda: site.hits["/slow.html"] == 1, 20, description="the read")
        # An admin's link behind them: told it was not added, where "Reading the article…"
        # had been the last word.
        assert await _reply_in(api, EDITOR, url(site, "/later.html")) == "Reading the article…"
    finally:
        await shut_down(app)
    assert "2 queued not started" in caplog.text
    assert api.sent_messages(EDITOR)[-1]["text"] == articles.RESTARTING_BEFORE_ADDED
    assert not wanted & set(open_index(settings, encoder).documents)

    # A record written by the release before (no digest, its keys in another order): dropped
    # once done, as written (a verifier's probe: it was read again at every start).
    older = {"own_text": None, "article_url": url(site, "/orchard.html")}
    older["post"] = {"chat_id": CHANNEL, "post_id": 5, "username": "carricknews"}
    with closing(file_chat_state(settings.index_dir)) as kept:
        kept.add_pending_post(PostRef(CHANNEL, 5).doc_id, json.dumps(older))
    wanted.add(PostRef(CHANNEL, 5, "carricknews").doc_id)
    # Kept too: a post of a channel taken off the list meanwhile, and a record gone bad.
    unlisted = PostArticle(PostRef(OTHER_CHANNEL, 9, "unlisted"), url(site, "/secret.html"), None)
    with closing(file_chat_state(settings.index_dir)) as kept:
        kept.add_pending_post(unlisted.post.doc_id, unlisted.to_json())
        kept.add_pending_post("tg1-1", "{not json")
        # The verifier's probe: a chat id of the wrong type had stopped every start.
        kept.add_pending_post(
            "tg1-2",
            '{"post": {"chat_id": "x", "post_id": 1}, "article_url": null, "own_text": null}',
        )
    site.slow.set()
    app = await _started(api, encoder, settings)
    try:
        await api.await_for(lambda: wanted <= set(documents(app)), 60, description="both posts")
    finally:
        await shut_down(app)
    # Done, and the rest dropped: a third start has nothing left to read.
    with closing(file_chat_state(settings.index_dir)) as kept:
        assert kept.pending_posts() == []
    assert site.hits["/secret.html"] == 0


@pytest.mark.asyncio
async def test_a_post_that_comes_as_the_bot_stops_is_indexed_after_the_restart(
    api, encoder, tmp_path: Path, site, caplog
) -> None:
    # An attacker's probe: a post handled once the stop had closed the indexing queue was
    # recorded, then its record dropped as if the queue were full: never indexed.
    from articlebot.storage.sql_chat_state import file_chat_state

    settings = _own_index_settings(api, tmp_path)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    update = api.channel_post(channel, url(site, "/early.html"))
    doc_id = post_ref(_message(update["channel_post"])).doc_id

    caplog.set_level(logging.INFO, logger="articlebot.bot.indexing")
    app = await _started(api, encoder, settings)
    try:
        await app.bot_data.indexing.stop(1)  # the stop has begun; updates are still handled
        api.push_update(update)
        await api.await_for(lambda: "the bot is stopping" in caplog.text, 20, description="log")
    finally:
        await shut_down(app)
    with closing(file_chat_state(settings.index_dir)) as kept:
        assert [record.doc_id for record in kept.pending_posts()] == [doc_id]
    app = await _started(api, encoder, settings)
    try:
        await api.await_for(lambda: doc_id in documents(app), 20, description="the post")
    finally:
        await shut_down(app)


def _message(data: dict) -> telegram.Message:
    return telegram.Message.de_json(data, None)


def test_what_a_post_offers_to_index(api) -> None:
    channel = api.channel_chat(CHANNEL, "carricknews")
    teaser = _message(api.channel_post(channel, "Read: https://t.me/other/5")["channel_post"])
    assert links(teaser) == [] and what_to_index(teaser) is None  # a link to Telegram itself
    linked = _message(
        api.channel_post(channel, "Story https://example.org/a", preview_url="https://x.org/b")[
            "channel_post"
        ]
    )
    assert what_to_index(linked).article_url == "https://x.org/b"  # the previewed link first
    short = " ".join(["word"] * (MIN_POST_WORDS - 1))
    assert what_to_index(_message(api.channel_post(channel, short)["channel_post"])) is None
    long = _message(api.channel_post(channel, short + " more", caption=True)["channel_post"])
    assert what_to_index(long).own_text is not None
    # A news brief of a few short paragraphs is an article (a new user's 54-word one was
    # skipped without a word in the log).
    brief = (
        "Ferry fares to rise in February\n\n"
        "Fares on the Kingsport to Carrick ferry will rise by 8 per cent from February 1, the "
        "operator said on Monday.\n\nA single adult ticket will go up from £4.50 to £4.86.\n\n"
        "The operator blamed fuel costs. Season tickets are not affected."
    )
    assert what_to_index(_message(api.channel_post(channel, brief)["channel_post"])).own_text


@pytest.mark.parametrize(
    "kept",
    [
        "{not json",
        "null",
        '{"post": {"chat_id": true, "post_id": 1}, "article_url": null, "own_text": null}',
        '{"post": {"chat_id": 1, "post_id": 2}, "article_url": 3, "own_text": null}',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_a_kept_post_that_is_not_one_is_one_clear_error(kept: str) -> None:
    article = PostArticle(PostRef(CHANNEL, 7, "carricknews"), "https://x.org/a", None, "d1")
    assert PostArticle.from_json(article.to_json()) == article
    with pytest.raises(ValueError):
        PostArticle.from_json(kept)


def test_the_thread_of_a_comment(api) -> None:
    channel = api.channel_chat(CHANNEL, "carricknews")
    update = api.channel_post(channel, "x")
    forward = api.automatic_forward(DISCUSSION, update)
    first = _message(api.comment(forward, "Nice?")["message"])
    thread = thread_of(first, {})
    assert thread is not None and thread.post.post_id == update["channel_post"]["message_id"]
    reply = _message(api.comment(forward, "Agreed", reply_to=first.to_dict())["message"])
    assert thread_of(reply, {}) is None  # its root must have been seen
    assert thread_of(reply, {thread.root_id: thread.post}) == thread
    assert question_in_thread(first, 1, "articlebot_test_bot").question == "Nice?"
    assert question_in_thread(reply, 1, "articlebot_test_bot") is None
    bare = _message(api.comment(forward, "/summary@articlebot_test_bot")["message"])
    assert question_in_thread(bare, 1, "articlebot_test_bot").command == "summary"
    other_bot = _message(api.comment(forward, "/ask@otherbot hi")["message"])
    assert question_in_thread(other_bot, 1, "articlebot_test_bot") is None
    # A reply to the bot: its name, written in too, is no part of the question (it had been
    # searched with it); a sticker or photo without words asks nothing (it got a hint), a
    # photo's caption asks its question.
    bot_answer = {**first.to_dict(), "from": {"id": 1, "is_bot": True, "first_name": "Bot"}}
    named = api.comment(
        forward,
        "@articlebot_test_bot how old is he?",
        reply_to=bot_answer,
        entities=[mention_entity("@articlebot_test_bot how old is he?", "articlebot_test_bot")],
    )
    assert question_in_thread(_message(named["message"]), 1, "articlebot_test_bot") == Asked(
        "how old is he?"
    )
    sticker = api.comment(forward, "x", reply_to=bot_answer)["message"]
    del sticker["text"]
    sticker["sticker"] = {"file_id": "s", "file_unique_id": "us", "width": 512, "height": 512,
                          "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
    assert question_in_thread(_message(sticker), 1, "articlebot_test_bot") is None
    photo = api.comment(forward, "how old is he?", reply_to=bot_answer)["message"]
    photo["caption"] = photo.pop("text")
    photo.pop("entities", None)
    photo["photo"] = [{"file_id": "p", "file_unique_id": "up", "width": 9, "height": 6}]
    assert question_in_thread(_message(photo), 1, "articlebot_test_bot") == Asked("how old is he?")
    assert thread_of(_message(forward["message"]), {thread.root_id: thread.post}) is None


@pytest.mark.asyncio
async def test_with_privacy_mode_on_threads_are_found_from_the_comments(api, bot, site) -> None:
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    forwards = []
    for page in ("/early.html", "/later.html"):
        update = api.channel_post(channel, url(site, page))
        api.push_update(update)  # the bot is the channel's admin ...
        forwards.append(api.automatic_forward(DISCUSSION, update))  # ... and never sees these
    asked = api.comment(forwards[0], "/ask How many homes were flooded?", user=READER)
    api.push_update(asked)
    answer = await answer_to(api, asked)
    assert "40 homes" in answer["text"]
    follow = api.comment(
        forwards[0], "How many families spent the night in the sports hall?", reply_to=answer
    )
    api.push_update(follow)
    reply = (await answer_to(api, follow))["text"]
    assert "12 families" in reply and "30 families" not in reply


@pytest.mark.asyncio
async def test_a_channel_outside_the_allowed_chats_is_left_without_a_post(
    api, encoder, article_index_dir: Path, site
) -> None:
    settings = load_settings(
        api_url=api.url,
        index_dir=article_index_dir,
        fetch_allow_hosts=LOOPBACK,
        channels=[str(CHANNEL)],
        allowed_chats=[DISCUSSION],
    )
    retriever = Retriever(open_index(settings, encoder), encoder)
    async with running_bot(settings, api.token, retriever):
        # A channel the operator did not list: added as its admin by anyone, it is left.
        channel = api.channel_chat(OTHER_CHANNEL, "elsewhere", "Elsewhere")
        api.push_update(api.channel_post(channel, f"Storm news {url(site, '/early.html')}"))
        await api.await_for(
            lambda: bool(api.calls_to("leaveChat")), 20, description="the bot leaving the channel"
        )
        # Whatever the bot sent to a channel would be published to its readers.
        assert api.sent_messages(OTHER_CHANNEL) == []
        left = api.calls_to("leaveChat")[0].params["chat_id"]
        assert left in (OTHER_CHANNEL, str(OTHER_CHANNEL))


@pytest.mark.asyncio
async def test_a_listed_channel_is_served_though_the_allowed_chats_leave_it_out(
    api, encoder, article_index_dir: Path, site
) -> None:
    """An operator's probe: with ARTICLEBOT_CHANNELS=@name and the allowed chats naming only
    the discussion group, the bot left the very channel it was told to index at its first
    post, and never saw an edit of it again."""
    settings = load_settings(
        api_url=api.url,
        index_dir=article_index_dir,
        fetch_allow_hosts=LOOPBACK,
        channels=["@carricknews"],
        allowed_chats=[DISCUSSION],
    )
    retriever = Retriever(open_index(settings, encoder), encoder)
    async with running_bot(settings, api.token, retriever) as app:
        channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
        posted = api.channel_post(channel, f"Storm news {url(site, '/early.html')}")
        api.push_update(posted)
        doc_id = _doc(posted)
        await api.await_for(lambda: doc_id in documents(app), 20, description="the post")
        original = posted["channel_post"]
        edit = api.channel_post(
            channel, f"Storm update {url(site, '/later.html')}", message_id=original["message_id"]
        )
        edit = {"edited_channel_post": edit["channel_post"] | {"edit_date": original["date"] + 5}}
        api.push_update(edit)

        def edited() -> bool:
            document = documents(app).get(doc_id)
            return document is not None and "worse than feared" in document.title

        await api.await_for(edited, 20, description="the edit")
        assert api.calls_to("leaveChat") == []
        assert api.sent_messages(CHANNEL) == []


def test_a_post_written_with_old_mac_line_ends_keeps_its_title() -> None:
    from articlebot.ingest.posts import PostArticle, PostRef, text_document

    body = " ".join(["The new tram line opened on Monday with eleven stops."] * 8)
    post = PostArticle(PostRef(CHANNEL, 7), None, f"Bergen opens its fourth tram line\r{body}")
    document = text_document(post)
    assert document.title == "Bergen opens its fourth tram line"
    assert "\r" not in document.text


@pytest.mark.asyncio
async def test_a_thread_s_follow_up_sent_with_its_question_waits_for_it(
    api, bot, site, monkeypatch
) -> None:
    # A verifier's probe: under a post, a question and its follow-up fetched together were
    # both read after the thread's question before them, as a chat's had been.
    _, forward = await post(api, url(site, "/early.html"))
    first = api.comment(forward, "Which trawler lost power?", user=READER)
    api.push_update(first)
    await answer_to(api, first)
    read_after = []
    reply = post_answers.thread_reply

    async def noting(state, thread, question, previous):
        read_after.append((question, previous.question if previous else None))
        return await reply(state, thread, question, previous)

    monkeypatch.setattr(post_answers, "thread_reply", noting)
    api.inject("getUpdates", status=200, delay=1.0)  # both fetched in one batch
    asked = api.comment(forward, "How many homes were flooded?", user=READER)
    follow = api.comment(forward, "And how many families spent the night there?", user=READER)
    api.push_update(asked)
    api.push_update(follow)
    await answer_to(api, asked)
    await answer_to(api, follow)
    assert read_after == [
        ("How many homes were flooded?", "Which trawler lost power?"),
        ("And how many families spent the night there?", "How many homes were flooded?"),
    ]


#: A basic group, and the supergroup it becomes (Telegram gives it a new id).
BASIC_GROUP = -4015000006
UPGRADED = -1001500000006


def _in_basic_group(update: dict) -> dict:
    update["message"]["chat"]["type"] = "group"
    return update


def _upgrade(api: FakeBotApi, old: int, new: int) -> None:
    """The two messages Telegram sends when group `old` becomes supergroup `new`: the old
    group's last (migrate_to_chat_id) and the new supergroup's first (migrate_from_chat_id)."""
    for chat, field, other in (
        (old, "migrate_to_chat_id", new),
        (new, "migrate_from_chat_id", old),
    ):
        update = api.group_message(chat, "-", user=make_user(EDITOR), entities=[])
        message = update["message"]
        del message["text"]
        message[field] = other
        api.push_update(_in_basic_group(update) if chat == old else update)


@pytest.mark.asyncio
async def test_a_group_become_supergroup_keeps_its_articles_use_and_autoindex(
    api, bot, site
) -> None:
    api.set_chat_admins(BASIC_GROUP, [EDITOR])
    api.set_chat_admins(UPGRADED, [EDITOR])
    editor = make_user(EDITOR)
    turned_on = _in_basic_group(api.group_message(BASIC_GROUP, "/autoindex on", user=editor))
    api.push_update(turned_on)
    assert (await answer_to(api, turned_on))["text"] == channels.AUTOINDEX_ON
    shared = f"Good news {url(site, '/orchard.html')}"
    api.push_update(
        _in_basic_group(
            api.group_message(BASIC_GROUP, shared, user=editor, entities=link_entities(shared))
        )
    )
    await api.await_for(lambda: any(d.startswith("chat4015") for d in documents(bot)), timeout=20)
    [own] = [d for d in documents(bot) if d.startswith("chat4015")]
    chosen = _in_basic_group(api.group_message(BASIC_GROUP, f"/use {own}", user=editor))
    api.push_update(chosen)
    assert "Cider orchard" in (await answer_to(api, chosen))["text"]

    _upgrade(api, BASIC_GROUP, UPGRADED)
    member = make_user(5003, "Mo")
    # Its own article answers it, and is the one its /use chose (the bundled article, which
    # would answer otherwise, says nothing of trees).
    asked = api.group_message(UPGRADED, "/ask how many trees will they replant?", user=member)
    api.push_update(asked)
    assert "300" in (await answer_to(api, asked))["text"]
    listed = api.group_message(UPGRADED, "/articles", user=member)
    api.push_update(listed)
    assert own in (await answer_to(api, listed))["text"]
    # /autoindex is still on: an admin's link is the new supergroup's own article.
    later = f"Update: {url(site, '/early.html')}"
    api.push_update(api.group_message(UPGRADED, later, user=editor, entities=link_entities(later)))
    await api.await_for(lambda: any(d.startswith("chat1001") for d in documents(bot)), timeout=20)
    # The bot's admin can still remove there the article it had as a group.
    removed = api.group_message(UPGRADED, f"/remove {own}", user=make_user(OPERATOR))
    api.push_update(removed)
    await answer_to(api, removed)
    await api.await_for(lambda: own not in documents(bot), timeout=20)
    # No other chat sees either.
    api.push_update(api.private_message(5004, "/source"))
    [elsewhere] = await api.await_messages(5004, 1, timeout=20)
    assert "Storm Ida" not in elsewhere["text"]


@pytest.mark.asyncio
async def test_an_allowed_group_become_supergroup_is_still_served(
    api, encoder, article_index_dir, site, tmp_path
) -> None:
    settings = load_settings(
        api_url=api.url,
        index_dir=article_index_dir,
        allowed_chats=[BASIC_GROUP],
        outside_chats="leave",
        fetch_allow_hosts=LOOPBACK,
    )
    retriever = Retriever(open_index(settings, encoder), encoder)
    chats = file_chat_state(tmp_path / "state")
    chats.set_autoindex(BASIC_GROUP, True)
    api.set_chat_admins(UPGRADED, [EDITOR])
    # Delivered together, as after the bot was down (a verifier's probe: a question gated
    # before the upgrade was recorded made the bot leave the new supergroup for good).
    _upgrade(api, BASIC_GROUP, UPGRADED)
    asked = api.group_message(UPGRADED, "/ask who was swapped?", user=make_user(5003))
    api.push_update(asked)
    shared = f"Good news {url(site, '/orchard.html')}"
    posted = api.group_message(
        UPGRADED, shared, user=make_user(EDITOR), entities=link_entities(shared)
    )
    api.push_update(posted)
    stranger = api.group_message(-1001500000099, "/ask who was swapped?", user=make_user(5003))
    api.push_update(stranger)
    app = build_application(settings, api.token, retriever, chats)
    await launch_polling(app)
    try:
        reply = (await answer_to(api, asked))["text"]
        await answer_to(api, stranger)
        # /autoindex went with it: the link is the new supergroup's own article.
        await api.await_for(lambda: any(d.startswith("chat1001") for d in documents(app)), 20)
    finally:
        await shut_down(app)
        chats.close()
    assert "Kasatkin" in reply
    assert [call.params["chat_id"] for call in api.calls_to("leaveChat")] in (
        [-1001500000099],
        ["-1001500000099"],
    )


@pytest.mark.asyncio
async def test_only_a_basic_group_becomes_a_supergroup(api, bot) -> None:
    # A verifier's forged updates: a supergroup "migrated from" another supergroup, or a
    # supergroup "migrating to" one, would have given a chat another group's articles.
    for chat, field, other in (
        (UPGRADED, "migrate_from_chat_id", GROUP),
        (GROUP, "migrate_to_chat_id", UPGRADED),
    ):
        update = api.group_message(chat, "-", user=make_user(EDITOR), entities=[])
        del update["message"]["text"]
        update["message"][field] = other
        api.push_update(update)
    asked = api.group_message(UPGRADED, "/ask who was swapped?", user=make_user(5003))
    api.push_update(asked)
    await answer_to(api, asked)
    assert bot.bot_data.chats.former_ids(UPGRADED) == []


@pytest.mark.asyncio
async def test_questions_under_a_post_being_read_leave_other_chats_answered(
    api, encoder, tmp_path: Path, site
) -> None:
    # A bot attacker's probe: each question under a post still being read held one of the
    # updates PTB handles at once (64) for up to 30 s: 80 comments from strangers' groups,
    # within every limit, kept a private question waiting 23 s.
    settings = _own_index_settings(api, tmp_path, rate_limit=0, chat_rate_limit=0)
    retriever = Retriever(open_index(settings, encoder), encoder)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    async with running_bot(settings, api.token, retriever) as app:
        update = api.channel_post(channel, url(site, "/slow.html"))
        forward = api.automatic_forward(DISCUSSION, update)
        doc_id = post_ref(_message(update["channel_post"])).doc_id
        api.push_update(update)
        api.push_update(forward)
        await api.await_for(lambda: site.hits["/slow.html"] == 1, 20, description="the read")
        comments = [
            api.comment(forward, "/ask what did the trust win?", user=make_user(6000 + n))
            for n in range(70)
        ]
        for comment in comments:
            api.push_update(comment)
        await asyncio.sleep(0.5)
        api.push_update(api.private_message(42, "Who was Vinatier swapped for?"))
        await api.await_messages(42, 1, timeout=20)
        assert doc_id not in documents(app)  # answered while the post was still being read
        site.slow.set()
        answer = await answer_to(api, comments[0], timeout=30)
        assert "85,000" in answer["text"]  # from the post's article, once it was in


@pytest.mark.asyncio
async def test_remove_of_a_post_queued_or_being_read_forgets_it(
    api, encoder, tmp_path: Path, site
) -> None:
    # A bot attacker's probe: /remove of a post in the indexing queue, or being read, said
    # "no article with id", and the post was indexed afterwards.
    settings = _own_index_settings(api, tmp_path, index_queue=4)
    retriever = Retriever(open_index(settings, encoder), encoder)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")

    def doc_id(update: dict) -> str:
        return post_ref(_message(update["channel_post"])).doc_id

    async with running_bot(settings, api.token, retriever) as app:
        reading = api.channel_post(channel, url(site, "/slow.html"))
        api.push_update(reading)
        await api.await_for(lambda: site.hits["/slow.html"] == 1, 20, description="the read")
        queued = api.channel_post(channel, LIBRARY + " " + LIBRARY)
        api.push_update(queued)
        await api.await_for(lambda: app.bot_data.indexing.waiting == 1, 20)
        for target in (doc_id(queued), doc_id(reading)):
            api.push_update(api.private_message(EDITOR, f"/remove {target}"))
        await api.await_messages(EDITOR, 2, timeout=20)
        replies = [m["text"] for m in api.sent_messages(EDITOR)]
        assert all("will not be indexed" in reply for reply in replies), replies
        site.slow.set()
        await api.await_for(lambda: not app.bot_data.channels.pending, 30, description="done")
        assert doc_id(queued) not in documents(app) and doc_id(reading) not in documents(app)
    with closing(file_chat_state(settings.index_dir)) as kept:
        assert kept.pending_posts() == []  # nor read at the next start


@pytest.mark.asyncio
async def test_summary_with_an_id_under_a_post_summarises_that_article(api, bot, site) -> None:
    # A bot attacker's probe: the id was ignored, and the post's own article summarised.
    _, early_forward = await post(api, f"Storm: {url(site, '/early.html')}")
    orchard, _ = await post(api, f"Orchard: {url(site, '/orchard.html')}")
    wanted = post_ref(_message(orchard["channel_post"])).doc_id
    await api.await_for(lambda: wanted in documents(bot), 30, description="the orchard post")
    asked = api.comment(early_forward, f"/summary {wanted}", user=READER)
    api.push_update(asked)
    assert "Cider orchard wins heritage grant" in (await answer_to(api, asked))["text"]
    unknown = api.comment(early_forward, "/summary no-such-article", user=READER)
    api.push_update(unknown)
    assert "no-such-article" in (await answer_to(api, unknown))["text"]
    plain = api.comment(early_forward, "/summary", user=READER)
    api.push_update(plain)
    assert "Storm Ida floods Carrick harbour" in (await answer_to(api, plain))["text"]


@pytest.mark.asyncio
async def test_summary_or_use_of_a_post_still_on_its_way_says_it_is_not_read_yet(
    api, bot, site
) -> None:
    # A bot attacker's probe: /summary ID of a post still queued, under another post, said
    # "There is no article with id ..." (and named another id), then the post was indexed.
    early, early_forward = await post(api, f"Storm: {url(site, '/early.html')}")
    await api.await_for(lambda: _doc(early) in documents(bot), 30, description="the storm post")
    await post(api, f"Orchard: {url(site, '/slow.html')}")
    await api.await_for(lambda: site.hits["/slow.html"] == 1, 20, description="the read")
    queued, _ = await post(api, f"Later: {url(site, '/later.html')}")
    wanted = _doc(queued)
    await api.await_for(lambda: wanted in bot.bot_data.channels.pending, 20, description="queue")
    waiting = f"Article {wanted} is not read yet; please ask again in a few minutes."
    asked = api.comment(early_forward, f"/summary {wanted}", user=READER)
    api.push_update(asked)
    assert (await answer_to(api, asked))["text"] == waiting
    for command in (f"/summary {wanted}", f"/use {wanted}"):
        api.push_update(api.private_message(READER["id"], command, user=READER))
    await api.await_messages(READER["id"], 2, timeout=20)
    assert [m["text"] for m in api.sent_messages(READER["id"])] == [waiting, waiting]
    site.slow.set()


@pytest.mark.asyncio
async def test_a_stop_with_a_question_waiting_under_a_queued_post_ends_in_time(
    api, encoder, tmp_path: Path, site
) -> None:
    # A bot attacker's probe: a stop took 29 s of a 4 s budget, the question waiting for a
    # post the stop dropped from the queue, and its asker was told nothing.
    from articlebot.bot.handlers import RESTARTING

    settings = _own_index_settings(api, tmp_path, stop_seconds=4)
    retriever = Retriever(open_index(settings, encoder), encoder)
    app = build_application(settings, api.token, retriever)
    await launch_polling(app)
    try:
        channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
        api.push_update(api.channel_post(channel, url(site, "/slow.html")))
        await api.await_for(lambda: site.hits["/slow.html"] == 1, 20, description="the read")
        queued = api.channel_post(channel, url(site, "/early.html"))
        forward = api.automatic_forward(DISCUSSION, queued)
        api.push_update(queued)
        api.push_update(forward)
        await api.await_for(lambda: app.bot_data.indexing.waiting >= 1, 20)
        api.push_update(api.comment(forward, "/ask how many homes were flooded?", user=READER))
        await asyncio.sleep(1.0)
        started = time.monotonic()
        await shut_down(app)
        assert time.monotonic() - started < settings.stop_seconds + 2
    finally:
        site.slow.set()
        await shut_down(app)
    assert [m["text"] for m in api.sent_messages(DISCUSSION)] == [RESTARTING]


@pytest.mark.asyncio
async def test_a_post_waiting_for_room_is_not_overtaken_by_later_ones(
    api, encoder, tmp_path: Path, caplog
) -> None:
    # A bot attacker's probe: a post that found the queue full was offered again every 30 s
    # only, and each later post that found room meanwhile went ahead of it (14 of them).
    def page_for(path: str) -> Page:
        time.sleep(1.0)  # a news site answering in a second
        story = EARLY.replace("Storm Ida", f"Storm {path.strip('/').removesuffix('.html')}")
        return 200, "text/html; charset=utf-8", story.encode()

    caplog.set_level(logging.INFO, logger="articlebot.bot.post_indexing")
    with page_server(page_for) as base:
        settings = _own_index_settings(api, tmp_path, index_queue=2)
        retriever = Retriever(open_index(settings, encoder), encoder)
        channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
        async with running_bot(settings, api.token, retriever) as app:
            first = [api.channel_post(channel, f"{base}/p{n}.html") for n in range(4)]
            for update in first:  # one read, two queued, the fourth waits for room
                api.push_update(update)
            await api.await_for(lambda: bool(app.bot_data.channels.waiting), 10, description="")
            later = []
            for n in range(3):
                later.append(api.channel_post(channel, f"{base}/q{n}.html"))
                api.push_update(later[-1])
                await asyncio.sleep(1.5)
            wanted = [post_ref(_message(u["channel_post"])).doc_id for u in first + later]
            await api.await_for(
                lambda: all(d in documents(app) for d in wanted), 40, description="all posts"
            )
    order = [
        int(match.group(1))
        for record in caplog.records
        if (match := re.search(r"^indexed post .* as tg\d+-(\d+):", record.getMessage()))
    ]
    assert order == sorted(order)  # in the order they were posted


@asynccontextmanager
async def _bot_keeping_chats_in_a_file(
    api: FakeBotApi, settings: Settings, retriever: Retriever
) -> AsyncIterator[Application]:
    """A polling bot with the chat state `articlebot run` opens, a file beside the index:
    `running_bot` keeps it in memory, where no call hands the event loop to another update."""
    from articlebot.collection import open_chat_state

    chats = open_chat_state(settings)
    app = build_application(settings, api.token, retriever, chats)
    await launch_polling(app)
    try:
        yield app
    finally:
        await shut_down(app)
        chats.close()


def _doc(update: dict) -> str:
    return post_ref(_message(update["channel_post"])).doc_id


async def _one_read_one_queued_one_waiting(
    api: FakeBotApi, app: Application, channel: dict, site: Site
) -> dict:
    """With a queue of one: a post being read (the slow page), one queued, and a third, which
    it returns, waiting for room."""
    api.push_update(api.channel_post(channel, url(site, "/slow.html")))
    await api.await_for(lambda: site.hits["/slow.html"] == 1, 20, description="the read")
    api.push_update(api.channel_post(channel, LIBRARY))
    await api.await_for(lambda: app.bot_data.indexing.waiting == 1, 20)
    waiting = api.channel_post(channel, url(site, "/early.html"))
    api.push_update(waiting)
    await api.await_for(lambda: _doc(waiting) in app.bot_data.channels.waiting, 20)
    return waiting


@pytest.mark.asyncio
async def test_remove_while_a_post_is_written_removes_it(
    api, encoder, tmp_path: Path, monkeypatch
) -> None:
    # A verifier's probe: /remove while the post's article was being written said "will not
    # be indexed", and it was.
    import articlebot.collection as collection

    real, writing = collection.add_documents, threading.Event()

    def slow_add(*args, **kwargs):
        writing.set()
        time.sleep(2.0)  # embedding and writing a long article on a busy machine
        return real(*args, **kwargs)

    monkeypatch.setattr(collection, "add_documents", slow_add)
    settings = _own_index_settings(api, tmp_path)
    retriever = Retriever(open_index(settings, encoder), encoder)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    async with _bot_keeping_chats_in_a_file(api, settings, retriever) as app:
        update = api.channel_post(channel, LIBRARY)
        api.push_update(update)
        await api.await_for(writing.is_set, 20, description="the write")
        api.push_update(api.private_message(EDITOR, f"/remove {_doc(update)}"))
        [reply] = await api.await_messages(EDITOR, 1, timeout=20)
        await api.await_for(lambda: not app.bot_data.channels.pending, 30, description="done")
        assert reply["text"].startswith(f"Removed {_doc(update)}")
        assert _doc(update) not in documents(app)
    assert _doc(update) not in open_index(settings, encoder).documents


@pytest.mark.asyncio
async def test_a_post_and_its_forward_do_not_overtake_a_post_waiting_for_room(
    api, encoder, tmp_path: Path, caplog
) -> None:
    # A verifier's probe, with the chat state in a file: a new post delivered as itself and
    # its forward in one batch was indexed before the post waiting for room.
    def page_for(path: str) -> Page:
        time.sleep(1.0)
        story = EARLY.replace("Storm Ida", f"Storm {path.strip('/').removesuffix('.html')}")
        return 200, "text/html; charset=utf-8", story.encode()

    caplog.set_level(logging.INFO, logger="articlebot.bot.post_indexing")
    with page_server(page_for) as base:
        settings = _own_index_settings(api, tmp_path, index_queue=1)
        retriever = Retriever(open_index(settings, encoder), encoder)
        channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
        async with _bot_keeping_chats_in_a_file(api, settings, retriever) as app:
            first = [api.channel_post(channel, f"{base}/p{n}.html") for n in range(3)]
            for update in first:  # p0 read, p1 queued, p2 waits for room
                api.push_update(update)
            # p2 is on its way: waiting, or (on a loaded machine, p0's page served already)
            # queued; the order below is what counts.
            await api.await_for(
                lambda: app.bot_data.channels.on_its_way(_doc(first[2]), documents(app)), 10
            )
            await api.await_for(lambda: _doc(first[0]) in documents(app), 20, description="p0")
            new = api.channel_post(channel, f"{base}/new.html")
            with api._cond:  # one getUpdates batch: the post and its forward
                api.push_update(new)
                api.push_update(api.automatic_forward(DISCUSSION, new))
            wanted = [_doc(u) for u in [*first, new]]
            await api.await_for(
                lambda: all(d in documents(app) for d in wanted), 40, description="all"
            )
    order = [
        match.group(1)
        for record in caplog.records
        if (match := re.search(r"^indexed post .* as (tg[\d-]+):", record.getMessage()))
    ]
    assert order == wanted


@pytest.mark.asyncio
async def test_a_chat_state_that_fails_as_a_post_comes_loses_no_post_and_says_nothing(
    api, encoder, tmp_path: Path, site
) -> None:
    # A verifier's probe: the read of the waiting posts failing once posted "Sorry, something
    # went wrong" into the channel, for all its readers, and both posts were lost until a
    # restart.
    import sqlite3

    settings = _own_index_settings(api, tmp_path, index_queue=1)
    retriever = Retriever(open_index(settings, encoder), encoder)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    async with _bot_keeping_chats_in_a_file(api, settings, retriever) as app:
        chats = app.bot_data.chats
        waiting = await _one_read_one_queued_one_waiting(api, app, channel, site)
        real, failures = chats.pending_posts, [1]

        def failing_once():
            if failures:
                failures.pop()
                raise sqlite3.OperationalError("disk I/O error")
            return real()

        chats.pending_posts = failing_once
        new = api.channel_post(channel, url(site, "/orchard.html"))
        api.push_update(new)
        await api.await_for(lambda: not failures, 20, description="the failed read")
        site.slow.set()
        await api.await_for(
            lambda: _doc(waiting) in documents(app) and _doc(new) in documents(app),
            60,
            description="both posts",
        )
        assert api.sent_messages(CHANNEL) == []


@pytest.mark.asyncio
async def test_a_question_under_a_post_waiting_for_room_is_answered_from_it(
    api, encoder, tmp_path: Path, site
) -> None:
    # A verifier's probe: such a question was answered at once from the other articles.
    settings = _own_index_settings(api, tmp_path, index_queue=1)
    retriever = Retriever(open_index(settings, encoder), encoder)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    async with running_bot(settings, api.token, retriever) as app:
        api.push_update(api.channel_post(channel, url(site, "/slow.html")))  # being read
        await api.await_for(lambda: site.hits["/slow.html"] == 1, 20, description="the read")
        api.push_update(api.channel_post(channel, LIBRARY))  # queued: the one place
        await api.await_for(lambda: app.bot_data.indexing.waiting == 1, 20)
        storm = api.channel_post(channel, url(site, "/early.html"))  # waits for room
        forward = api.automatic_forward(DISCUSSION, storm)
        api.push_update(storm)
        api.push_update(forward)
        await api.await_for(lambda: _doc(storm) in app.bot_data.channels.waiting, 20)
        asked = api.comment(forward, "/ask how many homes were flooded?", user=READER)
        api.push_update(asked)
        await asyncio.sleep(1.0)
        site.slow.set()
        assert "40 homes" in (await answer_to(api, asked, timeout=40))["text"]


@pytest.mark.asyncio
async def test_a_question_under_a_post_still_queued_after_the_wait_is_told_to_ask_again(
    api, encoder, tmp_path: Path, site, monkeypatch
) -> None:
    # An attacker's probe: a post queued behind slow pages past the wait was said to have "no
    # article I could read", its article indexed 20 s later; and "/summary ID" of another
    # article under it waited the whole 30 s for the post it does not need.
    from articlebot.bot import channel_state

    monkeypatch.setattr(channel_state, "INDEXING_WAIT_SECONDS", 2.0)
    settings = _own_index_settings(api, tmp_path)
    retriever = Retriever(open_index(settings, encoder), encoder)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    async with running_bot(settings, api.token, retriever) as app:
        library = api.channel_post(channel, LIBRARY)
        library_forward = api.automatic_forward(DISCUSSION, library)
        api.push_update(library)
        api.push_update(library_forward)
        await api.await_for(lambda: _doc(library) in documents(app), 20, description="indexed")
        api.push_update(api.channel_post(channel, url(site, "/slow.html")))  # being read
        await api.await_for(lambda: site.hits["/slow.html"] == 1, 20, description="the read")
        queued = api.channel_post(channel, url(site, "/later.html"))
        forward = api.automatic_forward(DISCUSSION, queued)
        api.push_update(queued)
        api.push_update(forward)
        await api.await_for(lambda: _doc(queued) in app.bot_data.channels.pending, 20)
        summary = api.comment(forward, f"/summary {_doc(library)}", user=READER)
        api.push_update(summary)
        assert (await answer_to(api, summary, timeout=1.5))["text"].startswith("Carrick library")
        asked = api.comment(forward, "/ask what did the trust win?", user=READER)
        api.push_update(asked)
        assert (await answer_to(api, asked, timeout=10))["text"] == post_answers.POST_WAITING
        # An edit on its way of a post indexed before: answered from the version indexed (the
        # verifier's probe: "not read yet").
        edit = api.channel_post(
            channel,
            LIBRARY.replace("3 June", "10 June"),
            message_id=library["channel_post"]["message_id"],
            edited=True,
        )
        api.push_update(edit)
        await api.await_for(lambda: _doc(library) in app.bot_data.channels.pending, 20)
        reopen = api.comment(library_forward, "/ask when does the library reopen?", user=READER)
        api.push_update(reopen)
        assert "3 June" in (await answer_to(api, reopen, timeout=10))["text"]
        site.slow.set()
        await api.await_for(lambda: _doc(queued) in documents(app), 30, description="indexed")


class _Inbox:
    """The replicas' update inbox as InboxQueue uses it: when each update was marked done
    (after which no other replica takes it over)."""

    lease_seconds = 30.0

    def __init__(self) -> None:
        self.done: dict[int, float] = {}

    def record(self, update_id: int, payload: dict) -> bool:
        return True

    def finish(self, ids: list[int]) -> None:
        for update_id in ids:
            self.done.setdefault(update_id, time.monotonic())

    def renew(self, ids: list[int]) -> None:
        pass

    def take_over(self) -> list:
        return []


@pytest.mark.asyncio
async def test_a_question_under_a_post_being_read_is_done_in_the_inbox_once_answered(
    api, encoder, tmp_path: Path, site
) -> None:
    # A verifier's probe: with webhook replicas, it was marked done as soon as it waited, so
    # a replica stopped meanwhile lost it for good.
    settings = _own_index_settings(api, tmp_path)
    retriever = Retriever(open_index(settings, encoder), encoder)
    inbox = _Inbox()
    app = build_application(settings, api.token, retriever, None, inbox)
    await launch_polling(app)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    try:
        reading = api.channel_post(channel, url(site, "/slow.html"))
        forward = api.automatic_forward(DISCUSSION, reading)
        api.push_update(reading)
        api.push_update(forward)
        await api.await_for(lambda: site.hits["/slow.html"] == 1, 20, description="the read")
        comment = api.comment(forward, "/ask what did the trust win?", user=READER)
        update_id = api.push_update(comment)
        await asyncio.sleep(2.0)
        assert update_id not in inbox.done  # still to be answered
        site.slow.set()
        await answer_to(api, comment, timeout=30)
        await api.await_for(lambda: update_id in inbox.done, 10, description="done")
    finally:
        site.slow.set()
        await shut_down(app)


@pytest.mark.asyncio
async def test_remove_while_the_waiting_posts_are_offered_forgets_it(
    api, encoder, tmp_path: Path, site
) -> None:
    # A verifier's probe: a post taken out of those waiting, its record being read, was in
    # neither list: /remove said "no article with id", and it was indexed afterwards.
    settings = _own_index_settings(api, tmp_path, index_queue=1)
    retriever = Retriever(open_index(settings, encoder), encoder)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    async with _bot_keeping_chats_in_a_file(api, settings, retriever) as app:
        chats = app.bot_data.chats
        waiting = await _one_read_one_queued_one_waiting(api, app, channel, site)
        real = chats.pending_posts

        def slow():  # a busy chat-state database
            time.sleep(2.0)
            return real()

        chats.pending_posts = slow
        new = api.channel_post(channel, url(site, "/orchard.html"))  # behind the waiting one
        api.push_update(new)
        await api.await_for(lambda: app.bot_data.channels.offering.locked(), 10, description="")
        api.push_update(api.private_message(EDITOR, f"/remove {_doc(new)}"))
        [reply] = await api.await_messages(EDITOR, 1, timeout=20)
        assert "will not be indexed" in reply["text"]
        chats.pending_posts = real
        site.slow.set()
        await api.await_for(lambda: _doc(waiting) in documents(app), 40, description="waiting")
        await api.await_for(lambda: not app.bot_data.channels.pending, 30, description="done")
        assert _doc(new) not in documents(app)


@pytest.mark.asyncio
async def test_a_question_fetched_with_its_post_waits_for_the_post_s_article(
    api, bot, site, monkeypatch
) -> None:
    # Two probes (a new user's, an attacker's): a post, its automatic forward and a comment
    # under it fetched in one batch (an early reader; the backlog after a restart) were
    # answered before the post had been queued: "I couldn't find that in the article" for a
    # channel's first post, "This post has no article I could read" with another post's
    # answer for a later one. The comment waits for the post's article, as README says.
    from articlebot.bot import post_queue

    recall = post_queue._recall_version

    async def slowly(state, doc_id):  # the chat state read over a slow network
        await asyncio.sleep(0.5)
        await recall(state, doc_id)

    monkeypatch.setattr(post_queue, "_recall_version", slowly)
    channel = api.channel_chat(CHANNEL, "carricknews", "Carrick News")
    for _ in range(2):
        site.slow.clear()
        api.inject("getUpdates", status=200, delay=1.0)  # the three come in one batch
        update = api.channel_post(channel, url(site, "/slow.html"))
        forward = api.automatic_forward(DISCUSSION, update)
        comment = api.comment(forward, "/ask how big is the grant?", user=READER)
        for pushed in (update, forward, comment):
            api.push_update(pushed)
        await api.await_for(lambda: site.hits["/slow.html"] > 0, 20, description="the read")
        await asyncio.sleep(1.0)
        site.slow.set()
        reply = (await answer_to(api, comment, timeout=40))["text"]
        assert "85,000 pounds" in reply and post_answers.NO_POST_ARTICLE not in reply, reply
        site.hits.clear()
