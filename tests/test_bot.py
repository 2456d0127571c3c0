"""The real PTB Application, end to end over HTTP against a Bot API server on loopback."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import telegram
from botkit import launch, shut_down
from fake_botapi import FakeBotApi, command_entity, make_user, mention_entity, parse_html
from pages import page_server
from probe_articles import FLU, HARBOUR
from telegram.ext import Application

from articlebot.bot import access, articles, handlers, render
from articlebot.bot.app import build_application, webhook_options
from articlebot.config import load_settings

#: The fixtures `api` and `start_bot`.
pytest_plugins = ["botkit"]
# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")

GROUP = -100123456


@pytest_asyncio.fixture
async def bot(start_bot) -> Application:
    """A polling bot with default settings."""
    return await start_bot()


def _plain(html_text: str) -> str:
    return parse_html(html_text)[0]


async def _reply(api: FakeBotApi, chat_id: int, count: int = 1) -> dict:
    messages = await api.await_messages(chat_id, count, timeout=20)
    return messages[count - 1]


@pytest.mark.both_backends
@pytest.mark.asyncio
async def test_private_question_gets_the_answer_with_buttons(api, bot) -> None:
    update = api.private_message(42, "When was Vinatier arrested?")
    api.push_update(update)
    reply = await _reply(api, 42)
    assert "Moscow restaurant in June 2024" in reply["text"]
    assert "paragraph" in reply["text"] and "Russia warns" in reply["text"]
    [call] = [c for c in api.calls_to("sendMessage") if c.params["chat_id"] == 42]
    assert call.params["parse_mode"] == "HTML"
    assert "<b>" in call.params["text"]  # the highlighted sentence
    assert call.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    labels = [b["text"] for row in reply["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["More", "Paragraph"]


@pytest.mark.asyncio
async def test_hello_in_private_gets_a_greeting_not_a_refusal(api, bot) -> None:
    api.push_update(api.private_message(43, "hi there"))
    reply = await _reply(api, 43)
    assert reply["text"].startswith("Hi! Ask me anything about")
    assert "Russia warns" in reply["text"] and "doesn't" not in reply["text"]
    assert "reply_markup" not in reply  # nothing to show more of


@pytest.mark.asyncio
async def test_commands_are_registered_at_start_up(api, bot) -> None:
    names = [c["command"] for c in api.commands()]
    assert names == ["ask", "source", "summary", "help", "articles", "use"]


@pytest.mark.both_backends
@pytest.mark.asyncio
async def test_group_without_mention_is_silent_and_ask_replies(api, bot) -> None:
    chatter = api.group_message(GROUP, "Who is Laurent Vinatier? (just chatting)")
    api.push_update(chatter)
    await asyncio.sleep(0.5)
    assert api.sent_messages(GROUP) == []
    asked = api.group_message(GROUP, "/ask Who was Vinatier swapped for?")
    api.push_update(asked)
    reply = await _reply(api, GROUP)
    assert "Kasatkin" in reply["text"]
    assert reply["reply_to_message"]["message_id"] == asked["message"]["message_id"]
    await asyncio.sleep(0.3)
    assert len(api.sent_messages(GROUP)) == 1


@pytest.mark.asyncio
async def test_a_question_deleted_before_its_answer_still_gets_the_answer(api, bot) -> None:
    # An attacker's probe: every reply quoted the question, and Telegram refuses a reply to a
    # deleted message ("message to be replied not found"); the apology failed the same way,
    # and the group heard nothing.
    asked = api.group_message(GROUP, "/ask Who was Vinatier swapped for?")
    api.delete_user_message(GROUP, asked["message"]["message_id"])
    api.push_update(asked)
    reply = await _reply(api, GROUP)
    assert "Kasatkin" in reply["text"] and "reply_to_message" not in reply


@pytest.mark.asyncio
async def test_ask_with_bot_username_and_empty_ask(api, bot) -> None:
    api.push_update(api.group_message(GROUP, "/ask@articlebot_test_bot What does DTEK do?"))
    reply = await _reply(api, GROUP)
    assert "DTEK" in reply["text"]
    api.push_update(api.group_message(GROUP, "/ask"))
    hint = await _reply(api, GROUP, 2)
    assert hint["text"] == handlers.EMPTY_ASK_HINT
    # A mention alone is no command: the hint says to ask after the bot's name.
    alone = "@articlebot_test_bot"
    api.push_update(
        api.group_message(GROUP, alone, entities=[mention_entity(alone, "articlebot_test_bot")])
    )
    mentioned = await _reply(api, GROUP, 3)
    assert (
        mentioned["text"]
        == "Ask me something after my name, like: @articlebot_test_bot who wrote this?"
    )


@pytest.mark.asyncio
async def test_mention_and_reply_to_the_bot_are_answered(api, bot) -> None:
    text = "@articlebot_test_bot how many households lost power?"
    api.push_update(
        api.group_message(GROUP, text, entities=[mention_entity(text, "articlebot_test_bot")])
    )
    first = await _reply(api, GROUP)
    assert "500,000 households" in first["text"]
    follow = api.group_message(GROUP, "Which country holds 20% of Ukraine?", reply_to=first)
    api.push_update(follow)
    second = await _reply(api, GROUP, 2)
    assert "20% of Ukraine" in second["text"]
    # A reply to somebody else's message is not for the bot.
    other = api.group_message(GROUP, "Who is Kasatkin?", reply_to=follow["message"])
    api.push_update(other)
    await asyncio.sleep(0.5)
    assert len(api.sent_messages(GROUP)) == 2


@pytest.mark.asyncio
async def test_the_bot_s_name_in_a_reply_or_a_caption_is_no_part_of_the_question(api, bot) -> None:
    api.push_update(api.group_message(GROUP, "/ask who was Vinatier swapped for?"))
    first = await _reply(api, GROUP)
    # Replying to the answer and naming the bot as well: its name had been searched with the
    # question ("The article may not say exactly" instead of his age).
    text = "@articlebot_test_bot how old is he?"
    named = api.group_message(
        GROUP, text, reply_to=first, entities=[mention_entity(text, "articlebot_test_bot")]
    )
    api.push_update(named)
    age = (await _reply(api, GROUP, 2))["text"]
    assert "49" in age and "may not say" not in age
    # A photo whose caption names the bot asks it (it was ignored).
    caption = "@articlebot_test_bot how many households lost power?"
    photo = api.group_message(GROUP, caption, entities=[])
    message = photo["message"]
    message["caption"] = message.pop("text")
    message["caption_entities"] = [mention_entity(caption, "articlebot_test_bot")]
    message["photo"] = [{"file_id": "p", "file_unique_id": "up", "width": 9, "height": 6}]
    api.push_update(photo)
    assert "500,000 households" in (await _reply(api, GROUP, 3))["text"]
    # One captioned "/ask ..." too (a bot attacker: no reply); "/ask@otherbot ..." is not ours.
    for n, caption in enumerate(
        ("/ask how many households lost power?", "/ask@other_bot how old is he?"), start=1
    ):
        photo = api.group_message(GROUP, caption, entities=[])
        message = photo["message"]
        message["caption"] = message.pop("text")
        message["caption_entities"] = [command_entity(caption)]
        message["photo"] = [
            {"file_id": f"p{n}", "file_unique_id": f"u{n}", "width": 9, "height": 6}
        ]
        api.push_update(photo)
    assert "500,000 households" in (await _reply(api, GROUP, 4))["text"]
    await asyncio.sleep(1.0)
    assert len(api.sent_messages(GROUP)) == 4


@pytest.mark.asyncio
async def test_a_reply_follows_up_the_answer_it_replies_to_and_topics_their_own(api, bot) -> None:
    # A bot attacker's probe: a reply to the bot's answer was read after the group's latest
    # answer (another member's question since), and forum topics shared one context.
    ann, bob = make_user(9101, "Ann"), make_user(9102, "Bob")
    api.push_update(api.group_message(GROUP, "/ask what did Zelensky say?", user=ann))
    zelensky = await _reply(api, GROUP)
    api.push_update(api.group_message(GROUP, "/ask who was Vinatier swapped for?", user=bob))
    await _reply(api, GROUP, 2)
    follow = api.group_message(GROUP, "where was he returning from?", user=ann, reply_to=zelensky)
    api.push_update(follow)
    assert "European tour" in (await _reply(api, GROUP, 3))["text"]
    for topic, question in ((10, "what did Zelensky say?"), (20, "who was Vinatier swapped for?")):
        api.push_update(
            api.group_message(
                GROUP, f"/ask {question}", user=ann, message_thread_id=topic, is_forum=True
            )
        )
    await _reply(api, GROUP, 5)
    api.push_update(
        api.group_message(
            GROUP,
            "/ask where was he returning from?",
            user=ann,
            message_thread_id=10,
            is_forum=True,
        )
    )
    assert "European tour" in (await _reply(api, GROUP, 6))["text"]


@pytest.mark.asyncio
async def test_forum_topic_thread_is_kept(api, bot) -> None:
    asked = api.group_message(
        GROUP, "/ask Where did Zelensky return from?", message_thread_id=77, is_forum=True
    )
    api.push_update(asked)
    await _reply(api, GROUP)
    [call] = api.calls_to("sendMessage")
    assert call.params["message_thread_id"] == 77


@pytest.mark.both_backends
@pytest.mark.asyncio
async def test_more_and_paragraph_buttons(api, bot) -> None:
    user = make_user(43)
    api.push_update(api.private_message(43, "Laurent Vinatier prisoner exchange"))
    answer = await _reply(api, 43)
    buttons = {b["text"]: b["callback_data"] for b in answer["reply_markup"]["inline_keyboard"][0]}
    assert all(len(data.encode()) <= 64 for data in buttons.values())

    api.push_update(api.callback_query(user, answer, buttons["More"]))
    more = await _reply(api, 43, 2)
    assert more["text"].startswith("2. ")
    assert more["text"] != answer["text"]
    api.push_update(api.callback_query(user, answer, buttons["Paragraph"]))
    paragraph = await _reply(api, 43, 3)
    assert "Vinatier" in paragraph["text"] and "paragraph" in paragraph["text"]
    answered = [c for c in api.calls_to("answerCallbackQuery") if not c.faulted]
    assert len(answered) == 2
    # Pressed again (a double tap, or another reader in a group): pointed up, not sent again.
    api.push_update(api.callback_query(user, answer, buttons["More"]))
    await api.await_for(lambda: len(api.calls_to("answerCallbackQuery")) >= 3, timeout=10)
    assert api.calls_to("answerCallbackQuery")[-1].params["text"] == handlers.SHOWN_ABOVE
    await asyncio.sleep(0.3)
    assert len(api.sent_messages(43)) == 3


@pytest.mark.asyncio
async def test_a_button_press_too_old_to_answer_still_shows_its_passages(api, bot) -> None:
    # A bot attacker: with answerCallbackQuery refused ("query is too old", a press while the
    # bot restarted), the reader got "something went wrong", and pressing again "Already
    # shown above" though nothing was.
    api.push_update(api.private_message(49, "Laurent Vinatier prisoner exchange"))
    answer = await _reply(api, 49)
    buttons = {b["text"]: b["callback_data"] for b in answer["reply_markup"]["inline_keyboard"][0]}
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    api.inject("answerCallbackQuery", status=400, times=1, description=too_old)
    api.push_update(api.callback_query(make_user(49), answer, buttons["Paragraph"]))
    paragraph = (await _reply(api, 49, 2))["text"]
    assert "Vinatier" in paragraph and "paragraph" in paragraph
    # Pressed again, its "Already shown above" refused so too: nothing more (a verifier: an
    # apology and a traceback).
    api.inject("answerCallbackQuery", status=400, times=1, description=too_old)
    api.push_update(api.callback_query(make_user(49), answer, buttons["Paragraph"]))
    await api.await_for(lambda: len(api.calls_to("answerCallbackQuery")) >= 2, timeout=10)
    await asyncio.sleep(0.5)
    assert [m["text"] for m in api.sent_messages(49)] == [answer["text"], paragraph]


@pytest.mark.asyncio
async def test_more_typed_shows_what_the_more_button_does(api, bot) -> None:
    # A new user: "more" and "any more?" typed after an answer were searched, and answered
    # from a paragraph that says "more than 1 million consumers".
    api.push_update(api.private_message(48, "more"))
    assert (await _reply(api, 48))["text"] == handlers.MORE_OF_NOTHING
    api.push_update(api.private_message(48, "Laurent Vinatier prisoner exchange"))
    answer = await _reply(api, 48, 2)
    buttons = {b["text"]: b["callback_data"] for b in answer["reply_markup"]["inline_keyboard"][0]}
    # "thanks" between leaves "more" to the answer (a verifier: "That was everything").
    api.push_update(api.private_message(48, "thanks"))
    await _reply(api, 48, 3)
    api.push_update(api.private_message(48, "more please"))
    more = (await _reply(api, 48, 4))["text"]
    assert more.startswith("2. ") and more != answer["text"]
    # Asked again, or the button pressed after it: pointed up, not sent again.
    api.push_update(api.private_message(48, "any more?"))
    assert (await _reply(api, 48, 5))["text"] == handlers.SHOWN_ABOVE
    api.push_update(api.callback_query(make_user(48), answer, buttons["More"]))
    await api.await_for(lambda: bool(api.calls_to("answerCallbackQuery")), timeout=10)
    assert api.calls_to("answerCallbackQuery")[-1].params["text"] == handlers.SHOWN_ABOVE
    # "/more" too, as `articlebot chat` takes it: all shown already.
    api.push_update(api.private_message(48, "/more"))
    assert (await _reply(api, 48, 6))["text"] == handlers.SHOWN_ABOVE
    # In a group, "more" in reply to an answer is that answer's, whatever was asked since.
    api.push_update(api.group_message(GROUP, "/ask Laurent Vinatier prisoner exchange"))
    first = await _reply(api, GROUP)
    api.push_update(api.group_message(GROUP, "/ask how many households lost power?"))
    await _reply(api, GROUP, 2)
    api.push_update(api.group_message(GROUP, "more", reply_to=first))
    assert (await _reply(api, GROUP, 3))["text"] == more
    await asyncio.sleep(0.3)
    assert len(api.sent_messages(48)) == 6 and len(api.sent_messages(GROUP)) == 3


@pytest.mark.asyncio
async def test_stale_or_forged_callbacks_get_a_polite_answer(api, bot) -> None:
    api.push_update(api.private_message(44, "Who is Vinatier?"))
    answer = await _reply(api, 44)
    user = make_user(44)
    for data in ["m:oldtag:1.2", "p:zzzzzz:999999", "garbage", "m:x:"]:
        api.push_update(api.callback_query(user, answer, data))
    await api.await_for(lambda: len(api.calls_to("answerCallbackQuery")) >= 4, timeout=10)
    texts = [c.params.get("text") for c in api.calls_to("answerCallbackQuery")]
    assert texts == [handlers.STALE_CALLBACK] * 4
    await asyncio.sleep(0.3)
    assert len(api.sent_messages(44)) == 1  # no error notice, no extra message


@pytest.mark.asyncio
async def test_a_forged_button_for_another_groups_own_article_is_refused(
    api, start_bot, group_private_retriever
) -> None:
    await start_bot(group_private_retriever)
    # The group's own answer carries the rows of its own article...
    api.push_update(api.group_message(GROUP, "/ask Who was Vinatier swapped for?"))
    own = await _reply(api, GROUP)
    buttons = {b["text"]: b["callback_data"] for b in own["reply_markup"]["inline_keyboard"][0]}
    # ...which a modified client in another group sends under the bot's answer there.
    other = -100777
    api.push_update(api.group_message(other, "/ask Who was Vinatier swapped for?"))
    elsewhere = await _reply(api, other)
    assert "Kasatkin" not in elsewhere["text"] and "reply_markup" not in elsewhere
    user = make_user(48)
    for data in (buttons["Paragraph"], buttons["More"]):
        api.push_update(api.callback_query(user, elsewhere, data))
    await api.await_for(lambda: len(api.calls_to("answerCallbackQuery")) >= 2, timeout=10)
    texts = [c.params.get("text") for c in api.calls_to("answerCallbackQuery")]
    assert texts == [handlers.NOT_HERE_CALLBACK] * 2
    await asyncio.sleep(0.3)
    assert len(api.sent_messages(other)) == 1  # nothing of the article reached the group


@pytest.mark.both_backends
@pytest.mark.asyncio
async def test_inline_query_returns_passages(api, bot) -> None:
    api.push_update(api.inline_query(make_user(45), "Who was Vinatier swapped for?"))
    await api.await_for(lambda: bool(api.calls_to("answerInlineQuery")), timeout=20)
    [call] = api.calls_to("answerInlineQuery")
    results = call.params["results"]
    assert 1 <= len(results) <= 3
    content = results[0]["input_message_content"]
    assert content["parse_mode"] == "HTML" and "Kasatkin" in content["message_text"]


@pytest.mark.asyncio
async def test_a_bot_command_typed_inline_says_where_it_works(api, bot) -> None:
    # A bot attacker: "@bot /start" was searched, and offered "... would start next week".
    api.push_update(api.inline_query(make_user(52), "/start"))
    await api.await_for(lambda: bool(api.calls_to("answerInlineQuery")), timeout=20)
    [result] = api.calls_to("answerInlineQuery")[0].params["results"]
    said = "/start works in a chat with @articlebot_test_bot."
    assert result["input_message_content"]["message_text"] == said
    # "/ask" and a question asks it, as in a group.
    api.push_update(api.inline_query(make_user(52), "/ask Who was Vinatier swapped for?"))
    await api.await_for(lambda: len(api.calls_to("answerInlineQuery")) == 2, timeout=20)
    results = api.calls_to("answerInlineQuery")[1].params["results"]
    assert "Kasatkin" in results[0]["input_message_content"]["message_text"]


@pytest.mark.asyncio
async def test_inline_offers_the_closest_passage_as_a_chat_does(api, bot) -> None:
    """An operator's probe: where a chat shows "The article may not say exactly. Closest:"
    and the passage, inline said "Not in the article: No passage answers this question"."""
    question = "What is the population of Ukraine?"
    api.push_update(api.private_message(51, question))
    chat = (await _reply(api, 51))["text"]
    lead = "The article may not say exactly. Closest:"
    assert chat.startswith(lead)
    api.push_update(api.inline_query(make_user(51), question))
    await api.await_for(lambda: bool(api.calls_to("answerInlineQuery")), timeout=20)
    results = api.calls_to("answerInlineQuery")[0].params["results"]
    first = results[0]
    assert first["title"] != "Not in the article", first
    sent = _plain(first["input_message_content"]["message_text"])
    assert sent.startswith(lead + "\n") and sent.splitlines()[1] == chat.splitlines()[1]
    assert first["description"].startswith(lead)
    for result in results:
        assert len(result["title"]) <= render.MAX_INLINE_TITLE_CHARS
        assert len(result["description"]) <= render.MAX_INLINE_DESCRIPTION_CHARS
        assert render.fits(result["input_message_content"]["message_text"])
    # Only what no article is about is "not in the article".
    api.push_update(api.inline_query(make_user(51), "What is a good recipe for lasagna?"))
    await api.await_for(lambda: len(api.calls_to("answerInlineQuery")) == 2, timeout=20)
    [none] = api.calls_to("answerInlineQuery")[1].params["results"]
    assert none["title"] == "Not in the article"
    # Sent into the chat it was typed in, it names the question, and no /help of the bot's.
    assert none["input_message_content"]["message_text"] == (
        "“What is a good recipe for lasagna?”: not answered in the article I have."
    )


@pytest.mark.asyncio
async def test_html_and_huge_questions_are_escaped_and_within_limits(api, bot) -> None:
    api.push_update(api.private_message(46, "<b>Who</b> <script>x</script> is Vinatier? &amp;"))
    first = await _reply(api, 46)
    api.push_update(api.private_message(46, "Who is Laurent Vinatier? " * 200))  # 5,000 chars
    second = await _reply(api, 46, 2)
    for message in (first, second):
        assert 0 < len(message["text"]) <= render.MAX_MESSAGE_CHARS
        assert "<script>" not in message["text"]
    assert "Vinatier" in first["text"]


@pytest.mark.asyncio
async def test_non_text_edits_and_bots(api, bot) -> None:
    sticker = api.private_message(47, "placeholder")
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    api.push_update(sticker)
    hint = await _reply(api, 47)
    assert hint["text"] == handlers.NON_TEXT_HINT
    # A photo captioned with a question is asked it, as in a group (a bot attacker).
    photo = api.private_message(147, "placeholder")
    del photo["message"]["text"]
    photo["message"]["caption"] = "Who was Vinatier swapped for?"
    photo["message"]["photo"] = [{"file_id": "p", "file_unique_id": "up", "width": 9, "height": 6}]
    api.push_update(photo)
    assert "Kasatkin" in (await _reply(api, 147))["text"]
    # A link or a file from someone who may not add articles: said so, not "couldn't find".
    api.push_update(api.private_message(47, "https://example.com/news/story.html"))
    assert (await _reply(api, 47, 2))["text"] == articles.ADDING_IS_FOR_ADMINS
    upload = api.private_message(47, "placeholder")
    del upload["message"]["text"]
    upload["message"]["document"] = {"file_id": "d1", "file_unique_id": "u2", "file_name": "a.txt"}
    api.push_update(upload)
    assert (await _reply(api, 47, 3))["text"] == articles.ADDING_IS_FOR_ADMINS

    edited = api.private_message(47, "Who is Vinatier?")
    edited["edited_message"] = edited.pop("message") | {"edit_date": int(time.time())}
    api.push_update(edited)
    robot = telegram.User(id=99, first_name="Other", is_bot=True)
    api.push_update(api.private_message(99, "Who is Vinatier?", user=robot))
    await asyncio.sleep(0.8)
    assert len(api.sent_messages(47)) == 3 and api.sent_messages(99) == []


@pytest.mark.both_backends
@pytest.mark.asyncio
async def test_start_help_and_source(api, bot) -> None:
    for command in ("/start", "/help", "/source"):
        api.push_update(api.private_message(48, command))
    await api.await_messages(48, 3, timeout=10)
    texts = [m["text"] for m in api.sent_messages(48)]
    assert sum("Russia warns" in t for t in texts) == 3
    assert any("/ask" in t and "@articlebot_test_bot" in t for t in texts)
    assert any("By Abdiwahab Ahmed" in t for t in texts)


@pytest.mark.asyncio
async def test_an_admin_s_help_adds_the_admin_commands(api, start_bot) -> None:
    """An operator's probe: an admin's /start listed nothing admin-only (/add, uploads,
    /remove). Others, and an admin's /help in a group, read by every member, are as before."""
    await start_bot(admin_ids=[57])
    api.push_update(api.private_message(57, "/start"))
    admin = (await _reply(api, 57))["text"]
    assert "For admins" in admin and admin.startswith("I answer questions")
    for said in ("/add", ".txt", "/remove", "/stats"):
        assert said in admin.split("For admins")[1], said
    api.push_update(api.private_message(58, "/help"))
    reader = (await _reply(api, 58))["text"]
    api.push_update(api.group_message(GROUP, "/help", user=make_user(57)))
    group = (await _reply(api, GROUP))["text"]
    assert "For admins" not in reader and "/remove" not in reader and "/add" not in reader
    assert "For admins" not in group
    assert admin.split("\n\nFor admins")[0] == reader


@pytest.mark.both_backends
@pytest.mark.asyncio
async def test_unrelated_question_gets_not_in_the_article(api, bot) -> None:
    api.push_update(api.private_message(49, "What is a good recipe for lasagna?"))
    reply = await _reply(api, 49)
    assert reply["text"] == _plain(render.NOT_ANSWERED_HTML)
    assert "reply_markup" not in reply


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.asyncio
async def test_webhook_mode_checks_the_secret(api, retriever, tmp_path) -> None:
    port = _free_port()
    settings = load_settings(
        api_url=api.url,
        index_dir=tmp_path,
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_secret="s3cret-value",
        listen="127.0.0.1",
        port=port,
    )
    options = webhook_options(settings)
    assert options["url_path"] == "hook" and options["secret_token"] == "s3cret-value"
    app = build_application(settings, api.token, retriever)
    await launch(app)
    assert app.updater is not None
    try:
        await app.updater.start_webhook(**options)
        assert api.webhook is not None and api.webhook["secret_token"] == "s3cret-value"
        update = api.private_message(50, "Who is Vinatier?") | {"update_id": 1}
        async with httpx.AsyncClient() as client:
            url = f"http://127.0.0.1:{port}/hook"
            wrong = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
            )
            assert wrong.status_code == 403
            right = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"}
            )
            assert right.status_code == 200
        reply = await _reply(api, 50)
        assert "Vinatier" in reply["text"]
        assert len(api.sent_messages(50)) == 1  # the forged call was not answered
        # Sent again (its 200 did not reach Telegram), it is answered once (a bot attacker:
        # each delivery of one update was answered).
        async with httpx.AsyncClient() as client:
            for _ in range(2):
                again = await client.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"}
                )
                assert again.status_code == 200
        await asyncio.sleep(2.0)
        assert len(api.sent_messages(50)) == 1
    finally:
        await shut_down(app)


@pytest.mark.asyncio
async def test_polling_beside_a_webhook_is_said_in_one_line_each(api, start_bot, caplog) -> None:
    """A new operator's findings: a webhook set while the bot polled logged a Conflict
    traceback at every retry (6 in 15 s), a bot started to poll deleted a webhook without a
    word, and its stop logged an ERROR with a traceback."""
    from articlebot.bot.app import api_urls
    from articlebot.bot.webhook import set_webhook

    caplog.set_level(logging.INFO)
    settings = load_settings(api_url=api.url, webhook_secret="shared-s3cret")
    hook = "https://bot.example.org/hook"
    await set_webhook(settings, api.token, hook, api_urls(api.url))
    app = await start_bot()
    assert api.webhook is None  # polling replaces it, as PTB does
    [replaced] = [r for r in caplog.records if hook in r.getMessage()]
    assert replaced.levelname == "WARNING" and "polling replaces it" in replaced.getMessage()

    caplog.clear()
    polled = len(api.calls_to("getUpdates"))
    await set_webhook(settings, api.token, hook, api_urls(api.url))
    await api.await_for(
        lambda: len(api.calls_to("getUpdates")) >= polled + 4, 30, description="polling retried"
    )
    await shut_down(app)
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING]
    assert said[0] == (
        "WARNING",
        "polling gets no updates: a webhook is set for this bot (`articlebot webhook set`)"
        " and Telegram sends the updates there; run `articlebot webhook delete` for this bot"
        " to poll again, or stop it and serve the webhook with `articlebot run --webhook"
        " URL`",
    )
    # At the stop, PTB's last call refused the same way is one line (on a loaded machine the
    # call may still be in flight as the stop ends: then asyncio's "Task exception was never
    # retrieved" with its traceback had been logged as an ERROR; it is a DEBUG line now).
    # The stop's last call refused (the webhook), or timed out on a loaded machine: one line.
    assert said[1:] == [] or (
        len(said) == 2
        and said[1][0] == "WARNING"
        and said[1][1].startswith("could not confirm the updates fetched last at the stop: ")
    ), said
    assert not any(r.exc_info for r in caplog.records)


def test_a_conflict_left_in_polling_s_task_at_the_stop_is_one_debug_line(caplog) -> None:
    # A full run on a loaded machine: the stop's last getUpdates, still in flight, ended in
    # asyncio's "Task exception was never retrieved" ERROR with a Conflict traceback.
    from telegram.error import Conflict

    from articlebot.bot.polling import install_stop_filter

    install_stop_filter()
    caplog.set_level(logging.DEBUG)
    error = Conflict("Conflict: can't use getUpdates method while webhook is active")
    logging.getLogger("asyncio").error(
        "Task exception was never retrieved", exc_info=(Conflict, error, None)
    )
    [record] = [r for r in caplog.records if r.name == "asyncio"]
    assert record.levelname == "DEBUG" and record.exc_info is None
    assert "a webhook is set for this bot" in record.getMessage()


@pytest.mark.asyncio
async def test_another_poller_with_the_token_is_one_warning(api, bot, caplog) -> None:
    # A new operator's finding: a Conflict traceback at every retry of the polling.
    polled = len(api.calls_to("getUpdates"))
    api.inject("getUpdates", status=409, times=3)
    await api.await_for(
        lambda: len(api.calls_to("getUpdates")) >= polled + 4, 30, description="polling retried"
    )
    said = [(r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING]
    assert said == [
        (
            "WARNING",
            "polling gets no updates: another process polls Telegram with this bot token and"
            " each update goes to one of them only; stop the other `articlebot run` (or whatever"
            " else uses the token)",
        )
    ]
    # And it polls on once the other is gone.
    api.push_update(api.private_message(61, "Who was Vinatier swapped for?"))
    assert "Kasatkin" in (await _reply(api, 61))["text"]


def _run_cli(
    env_extra: dict[str, str],
    tmp_path: Path,
    index_dir: Path | None = None,
    command: tuple[str, ...] = ("run",),
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARTICLEBOT_", "TELEGRAM_"))}
    env.update(env_extra, ARTICLEBOT_INDEX_DIR=str(index_dir or tmp_path / "index"))
    return subprocess.run(
        [sys.executable, "-m", "articlebot", *command],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_token_is_one_clear_line(tmp_path) -> None:
    result = _run_cli({}, tmp_path)
    # A setting missing, as for `webhook`: exit status 2, and the same words.
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "articlebot: error: no bot token; set TELEGRAM_BOT_TOKEN in the environment or in .env"
        " (create a bot with @BotFather to get one)"
    ]
    webhook = _run_cli({}, tmp_path, command=("webhook", "info"))
    assert (webhook.returncode, webhook.stderr) == (result.returncode, result.stderr)


def test_an_api_url_with_a_path_is_not_blamed_on_the_token_alone(api, tmp_path) -> None:
    """An operator's probe: `--api-url http://HOST/bot` (PTB's base URL, a path the server
    answers 404 for) was "rejected the bot token (check TELEGRAM_BOT_TOKEN)", the token
    right."""
    for command in (("run", "--api-url", f"{api.url}/bot"), ("webhook", "info")):
        env = {"TELEGRAM_BOT_TOKEN": api.token, "ARTICLEBOT_API_URL": f"{api.url}/bot"}
        result = _run_cli(env, tmp_path, command=command)
        assert result.returncode == 1, result.stderr
        [line] = result.stderr.splitlines()
        assert "or is no Bot API server at that URL" in line, line
        assert "TELEGRAM_BOT_TOKEN" in line and "--api-url" in line and "without /bot" in line
        assert api.token not in result.stderr + result.stdout
    # A token the server says is wrong (401) is that alone.
    bad = "654321:REJECTED-token-xyz"
    result = _run_cli({"TELEGRAM_BOT_TOKEN": bad, "ARTICLEBOT_API_URL": api.url}, tmp_path)
    assert result.stderr.splitlines() == [
        f"articlebot: error: the Bot API at {api.url} rejected the bot token"
        " (check TELEGRAM_BOT_TOKEN)"
    ]


def test_rejected_token_and_unreachable_api(api, tmp_path) -> None:
    bad = "654321:REJECTED-token-xyz"
    result = _run_cli({"TELEGRAM_BOT_TOKEN": bad, "ARTICLEBOT_API_URL": api.url}, tmp_path)
    assert result.returncode == 1
    assert "rejected the bot token" in result.stderr and "Traceback" not in result.stderr
    assert bad not in result.stderr + result.stdout

    closed = f"http://127.0.0.1:{_free_port()}"
    result = _run_cli({"TELEGRAM_BOT_TOKEN": bad, "ARTICLEBOT_API_URL": closed}, tmp_path)
    assert result.returncode == 1
    assert "cannot reach the Bot API" in result.stderr and "Traceback" not in result.stderr
    assert bad not in result.stderr + result.stdout

    # A web server that is not the Bot API answers with an HTML error page, which PTB logs
    # with a traceback before raising: the user still gets one line.
    with page_server(lambda path: (200, "text/html", b"<html><p>hello</p></html>")) as site:
        result = _run_cli({"TELEGRAM_BOT_TOKEN": bad, "ARTICLEBOT_API_URL": site}, tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"articlebot: error: cannot reach the Bot API at {site}"), line


def test_a_password_in_the_api_url_is_never_printed(api, tmp_path) -> None:
    # An attacker's probe: ARTICLEBOT_API_URL=https://user:pass@host was echoed whole in
    # "cannot reach the Bot API at ...".
    closed = f"http://bot:s3cret-pw@127.0.0.1:{_free_port()}"
    result = _run_cli({"TELEGRAM_BOT_TOKEN": api.token, "ARTICLEBOT_API_URL": closed}, tmp_path)
    assert result.returncode == 1
    assert "s3cret-pw" not in result.stdout + result.stderr
    assert "cannot reach the Bot API at http://bot:***@127.0.0.1:" in result.stderr

    # A key as the user part alone (https://KEY@host, as proxies and GitHub take it) was
    # printed whole: a web URL's user part alone is masked too.
    keyed = f"http://k3y-s3cret@127.0.0.1:{_free_port()}"
    result = _run_cli({"TELEGRAM_BOT_TOKEN": api.token, "ARTICLEBOT_API_URL": keyed}, tmp_path)
    assert result.returncode == 1
    assert "k3y-s3cret" not in result.stdout + result.stderr
    assert "cannot reach the Bot API at http://***@127.0.0.1:" in result.stderr

    # Another bot's token in the path (a staging bot's) is masked as the configured one is
    # (a bot attacker's probe: printed whole).
    other = "654321:ZZZdefGHIjklMNOpqrSTUvwxYZ012345678"
    pathed = f"http://127.0.0.1:{_free_port()}/bot{other}"
    result = _run_cli({"TELEGRAM_BOT_TOKEN": api.token, "ARTICLEBOT_API_URL": pathed}, tmp_path)
    assert result.returncode == 1
    assert other.split(":")[1] not in result.stdout + result.stderr
    assert "/bot<redacted-token>" in result.stderr


def test_a_server_answering_get_me_with_another_shape_is_one_line(api, tmp_path) -> None:
    # An attacker's probe: {"ok": true, "result": {junk}} to getMe gave a TypeError traceback.
    api.inject("getMe", status=200, result={"junk": 1})
    result = _run_cli({"TELEGRAM_BOT_TOKEN": api.token, "ARTICLEBOT_API_URL": api.url}, tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"articlebot: error: {api.url} did not answer as the Bot API does"
    ]


def test_a_token_of_the_wrong_shape_is_refused_before_any_call(api, tmp_path) -> None:
    # A new user's probe: "garbage" went out as far as DNS, and a token with "/" and "?" was
    # put into the URL as it is (a server echoing the path logged a piece of it with -v).
    for bad in ("garbage", "abc def/../x?y=1#z", "123456:"):
        result = _run_cli({"TELEGRAM_BOT_TOKEN": bad, "ARTICLEBOT_API_URL": api.url}, tmp_path)
        assert result.returncode == 2
        [line] = result.stderr.splitlines()
        assert line.startswith("articlebot: error: TELEGRAM_BOT_TOKEN is not a bot token"), line
        assert bad not in result.stdout + result.stderr.replace("TELEGRAM_BOT_TOKEN", "")
    # Copied from a Bot API URL with its "bot": said so (a new user's probe), never shown.
    prefixed = f"bot{api.token}"
    result = _run_cli({"TELEGRAM_BOT_TOKEN": prefixed, "ARTICLEBOT_API_URL": api.url}, tmp_path)
    assert result.returncode == 2 and result.stderr.splitlines() == [
        "articlebot: error: TELEGRAM_BOT_TOKEN begins with 'bot': give the token alone, without it"
    ]
    assert api.calls == []


#: Chats in the load tests, each asking 10 questions at once (twice as many chats with faults):
#: 20 by default, ARTICLEBOT_LOAD_CHATS=50 for the full load the README reports. Most of the
#: wait is the rate limiter's ~30 messages/second, not the bot.
LOAD_CHATS = int(os.environ.get("ARTICLEBOT_LOAD_CHATS", "20"))

QUESTIONS = [
    "When was Vinatier arrested?",
    "Who was Vinatier swapped for?",
    "How many households lost electricity?",
    "What share of Ukraine does Russia hold?",
    "Where did Zelensky return from?",
    "What does DTEK do?",
    "Who raised Vinatier's case with Putin?",
    "What did Witkoff say?",
    "Where did the foreign minister welcome Vinatier?",
    "What did Vinatier do at his trial?",
]


@pytest.mark.asyncio
async def test_load_many_chats_10_questions_each(api, bot) -> None:
    chats = list(range(1000, 1000 + LOAD_CHATS))
    total = 10 * len(chats)
    sent_at: dict[tuple[int, int], float] = {}
    expected: dict[tuple[int, int], str] = {}
    for round_ in range(10):
        for chat in chats:
            update = api.private_message(chat, QUESTIONS[(chat + round_) % len(QUESTIONS)])
            message_id = update["message"]["message_id"]
            sent_at[(chat, message_id)] = time.time()
            expected[(chat, message_id)] = update["message"]["text"]
            api.push_update(update)
    await api.await_for(lambda: len(api.sent_messages()) >= total, timeout=240)
    await asyncio.sleep(0.5)
    replies = api.sent_messages()
    assert len(replies) == total
    latencies = []
    seen = set()
    for call in api.calls_to("sendMessage"):
        if call.faulted:
            continue
        chat = call.params["chat_id"]
        replied_to = call.params["reply_parameters"]["message_id"]
        key = (chat, replied_to)
        assert key in expected, "answer sent to the wrong chat"
        assert key not in seen, "question answered twice"
        seen.add(key)
        latencies.append(call.time - sent_at[key])
    assert len(seen) == total
    latencies.sort()
    median = statistics.median(latencies)
    p95 = latencies[int(0.95 * len(latencies)) - 1]
    print(
        f"\nload: {total} answers in {len(chats)} chats; "
        f"median {median:.2f}s, p95 {p95:.2f}s latency"
    )


@pytest.mark.both_backends
@pytest.mark.asyncio
async def test_follow_up_question_in_the_same_chat(api, bot) -> None:
    api.push_update(api.private_message(51, "Who is Laurent Vinatier?"))
    await _reply(api, 51)
    api.push_update(api.private_message(51, "When was he arrested?"))
    follow = await _reply(api, 51, 2)
    assert "Moscow restaurant in June 2024" in follow["text"]
    # Sent together, before the first is answered (typed fast, or all fetched at once after
    # the bot was down): the follow-up waits for the answer it follows (a new user's probe:
    # it was searched alone, and another passage hedged).
    api.inject("getUpdates", status=200, delay=1.0)  # both fetched in one batch
    api.push_update(api.private_message(51, "Who is Daniil Kasatkin?"))
    api.push_update(api.private_message(51, "Where was he arrested?"))
    await _reply(api, 51, 4)
    follow = api.sent_messages(51)[3]["text"]
    # Asked alone, "where was he arrested" is hedged (the article arrests two men).
    assert "arrested at a Paris airport" in follow and "may not say" not in follow, follow


@pytest.mark.asyncio
async def test_flood_limit_429_is_retried(api, bot) -> None:
    api.inject("sendMessage", status=429, retry_after=1, times=1)
    api.push_update(api.private_message(52, "Who was Vinatier swapped for?"))
    reply = await _reply(api, 52)
    assert "Kasatkin" in reply["text"]
    attempts = api.calls_to("sendMessage")
    assert [c.faulted for c in attempts] == [True, False]  # refused once, then delivered once


@pytest.mark.asyncio
async def test_a_failing_update_does_not_stop_the_bot(api, bot, caplog) -> None:
    api.inject("sendMessage", status=400, times=1)
    api.push_update(api.private_message(53, "Who was Vinatier swapped for?"))
    await api.await_for(lambda: len(api.calls_to("sendMessage")) >= 2, timeout=20)
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records), (
        "the error handler logs the failure with its traceback"
    )
    api.push_update(api.private_message(53, "What does DTEK do?"))
    await api.await_for(
        lambda: any("DTEK" in m.get("text", "") for m in api.sent_messages(53)), timeout=20
    )


@pytest.mark.asyncio
async def test_a_chat_the_bot_cannot_write_to_is_one_log_line_and_no_apology(
    api, bot, caplog
) -> None:
    # A bot attacker's probe: a user who blocked the bot, a closed topic or a group where it
    # may not post logged an ERROR traceback, then a futile "Sorry, something went wrong"
    # send and a second WARNING traceback.
    caplog.set_level(logging.INFO)
    question = "Who was Vinatier swapped for?"
    refused = [
        (403, None, api.private_message(56, question)),
        (
            400,
            "Bad Request: TOPIC_CLOSED",
            api.group_message(GROUP, f"/ask {question}", message_thread_id=5, is_forum=True),
        ),
        (
            400,
            "Bad Request: not enough rights to send text messages to the chat",
            api.group_message(GROUP - 1, f"/ask {question}"),
        ),
    ]
    for status, description, update in refused:
        chat = update["message"]["chat"]["id"]
        caplog.clear()
        sent = len(api.calls_to("sendMessage"))
        api.inject("sendMessage", status=status, description=description, times=1)
        api.push_update(update)
        await api.await_for(lambda n=sent: len(api.calls_to("sendMessage")) > n, timeout=20)
        await asyncio.sleep(1.0)  # time for an apology to be tried
        assert len(api.calls_to("sendMessage")) == sent + 1, description  # the answer alone
        logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert [(r.levelname, r.exc_info) for r in logged] == [("WARNING", None)], [
            r.getMessage() for r in logged
        ]
        assert f"cannot write to chat {chat}" in logged[0].getMessage()


@pytest.mark.asyncio
async def test_server_errors_are_retried_and_answered_once(api, bot) -> None:
    api.inject("sendMessage", status=500, times=2)
    api.push_update(api.private_message(54, "Who was Vinatier swapped for?"))
    reply = await _reply(api, 54)
    assert "Kasatkin" in reply["text"]
    await asyncio.sleep(0.5)
    assert len(api.sent_messages(54)) == 1
    assert [c.faulted for c in api.calls_to("sendMessage")] == [True, True, False]


@pytest.mark.asyncio
async def test_api_outage_then_recovery(api, bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="articlebot")
    api.pause()  # the server goes away: connections are refused
    api.push_update(api.private_message(55, "Who was Vinatier swapped for?"))
    await asyncio.sleep(4.0)
    assert api.sent_messages(55) == []
    # A failed poll is one line, not "error while handling an update" with a page of
    # traceback each time (a new user: 650 lines for a 25-second outage).
    failed = [r for r in caplog.records if r.name.startswith("articlebot")]
    assert any("cannot reach the Telegram Bot API" in r.getMessage() for r in failed)
    assert not any(r.exc_info for r in failed if r.levelno >= logging.WARNING)
    api.resume()
    reply = await _reply(api, 55)
    assert "Kasatkin" in reply["text"]
    await asyncio.sleep(0.5)
    assert len(api.sent_messages(55)) == 1


@pytest.mark.both_backends
@pytest.mark.asyncio
async def test_per_user_rate_limit_warns_once(api, start_bot) -> None:
    await start_bot(rate_limit=2, rate_window=60)
    for _ in range(5):
        api.push_update(api.private_message(56, "Who was Vinatier swapped for?"))
        await asyncio.sleep(0.3)
    await api.await_messages(56, 3, timeout=20)
    await asyncio.sleep(0.5)
    texts = [m["text"] for m in api.sent_messages(56)]
    assert len(texts) == 3 and texts.count(access.RATE_LIMITED) == 1
    assert sum("Kasatkin" in t for t in texts) == 2


@pytest.mark.asyncio
async def test_chats_outside_the_allow_list(api, start_bot) -> None:
    await start_bot(allowed_chats=[GROUP])
    api.push_update(api.group_message(-100999, "/ask Who was Vinatier swapped for?"))
    await api.await_for(lambda: bool(api.calls_to("leaveChat")), timeout=10)
    assert [m["text"] for m in api.sent_messages(-100999)] == [access.NOT_ALLOWED]
    # Added back, it leaves again, without a second word (an attacker's probe: it stayed, a
    # silent member, once it had told the group).
    api.push_update(api.group_message(-100999, "hello again"))
    await api.await_for(lambda: len(api.calls_to("leaveChat")) == 2, timeout=10)
    # Messages sent before it left come after, and Telegram refuses those leaves: they end
    # there all the same (the verifier's probe: each went on to be answered, with "Sorry,
    # something went wrong" besides).
    gone = "Forbidden: bot is not a member of the supergroup chat"
    api.inject("leaveChat", status=403, times=3, description=gone)
    for _ in range(3):
        api.push_update(api.group_message(-100999, "/ask Who was Vinatier swapped for?"))
    await api.await_for(lambda: len(api.calls_to("leaveChat")) == 5, timeout=10)
    await asyncio.sleep(1.0)
    assert [m["text"] for m in api.sent_messages(-100999)] == [access.NOT_ALLOWED]
    api.push_update(api.group_message(GROUP, "/ask Who was Vinatier swapped for?"))
    reply = await _reply(api, GROUP)
    assert "Kasatkin" in reply["text"]
    # Inline results for an allowed user are personal: Telegram's cache would otherwise give
    # them to anyone typing the same query (an attacker's probe).
    api.push_update(api.inline_query(make_user(GROUP), "Who was Vinatier swapped for?"))
    await api.await_for(lambda: bool(api.calls_to("answerInlineQuery")), timeout=20)
    [inline] = api.calls_to("answerInlineQuery")
    assert inline.params["results"] and inline.params.get("is_personal") is True


@pytest.mark.asyncio
async def test_stats_is_for_admins_only(api, start_bot) -> None:
    await start_bot(admin_ids=[57])
    api.push_update(api.private_message(58, "/stats"))
    denied = await _reply(api, 58)
    assert denied["text"] == access.ADMINS_ONLY
    api.push_update(api.private_message(57, "/stats"))
    shown = await _reply(api, 57)
    assert "1 document," in shown["text"] and "passages" in shown["text"]


@pytest.mark.asyncio
async def test_stats_counts_the_closest_passages_apart(api, start_bot) -> None:
    """An operator's probe: replies showing "may not say exactly. Closest:" and a passage
    were counted as "not in the articles"."""
    await start_bot(admin_ids=[57])
    for count, question in enumerate(
        (
            "Who was Vinatier swapped for?",  # answered
            "What is the population of Ukraine?",  # the closest passage
            "What is a good recipe for lasagna?",  # not in the article
        ),
        start=1,
    ):
        api.push_update(api.private_message(57, question))
        await _reply(api, 57, count)
    api.push_update(api.private_message(57, "/stats"))
    shown = await _reply(api, 57, 4)
    assert shown["text"].endswith(
        "Since start: 1 answered, 1 offered the closest passage, 1 not in the articles."
    ), shown["text"]


@pytest.mark.asyncio
async def test_stats_leaves_out_small_talk_and_other_languages(api, start_bot) -> None:
    """A bot attacker's probe: "hi", "thanks" and a question to ask again in English were
    counted as "not in the articles", though they asked the articles nothing."""
    await start_bot(admin_ids=[57])
    for count, message in enumerate(
        ("hi", "Who was Vinatier swapped for?", "thanks", "wie alt ist Tom Baker?"), start=1
    ):
        api.push_update(api.private_message(57, message))
        await _reply(api, 57, count)
    api.push_update(api.private_message(57, "/stats"))
    shown = await _reply(api, 57, 5)
    assert shown["text"].endswith(
        "Since start: 1 answered, 0 offered the closest passage, 0 not in the articles."
    ), shown["text"]


@pytest.mark.asyncio
async def test_one_dotted_word_is_a_question_not_a_link(api, start_bot) -> None:
    # A bot attacker's probe: "Vinatier.Russia?" was taken for a link: a reader was told only
    # admins can add articles, and an admin's bot tried to fetch https://Vinatier.Russia?.
    await start_bot(admin_ids=[57])
    for count, word in enumerate(("Vinatier.Russia?", "russia.ukraine?"), start=1):
        api.push_update(api.private_message(58, word))
        answer = (await _reply(api, 58, count))["text"]
        assert answer != articles.ADDING_IS_FOR_ADMINS and "Russia" in answer  # answered
    api.push_update(api.private_message(57, "Vinatier.Russia?"))
    answer = (await _reply(api, 57))["text"]
    assert answer != "Reading the article…" and "Russia" in answer
    # A host alone with a known top-level domain is still a link, and one with a port, or a
    # news site's own domain (a verifier's probe: questions since the domains were known).
    for count, host in enumerate(("example.com", "intranet.local:8080", "zona.media"), 3):
        api.push_update(api.private_message(58, host))
        assert (await _reply(api, 58, count))["text"] == articles.ADDING_IS_FOR_ADMINS, host


def test_run_survives_a_failure_keeps_the_token_out_of_logs_and_stops_on_sigterm(
    api, index_dir, tmp_path
) -> None:
    token = api.token  # recognisable: 123456:TEST-token-abcdef
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARTICLEBOT_", "TELEGRAM_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=token,
        ARTICLEBOT_API_URL=api.url,
        ARTICLEBOT_INDEX_DIR=str(index_dir),
        ARTICLEBOT_CHANNELS="@carricknews",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "articlebot", "run", "-vv"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        api.wait_for(lambda: bool(api.calls_to("setMyCommands")), timeout=120)
        api.inject("sendMessage", status=500, times=1)
        api.push_update(api.private_message(60, "Who was Vinatier swapped for?"))
        [reply] = api.wait_for_messages(60, 1, timeout=30)
        assert "Kasatkin" in reply["text"]
        # An answer in flight when SIGTERM arrives is still delivered.
        api.inject("sendMessage", status=200, delay=1.0, times=1)
        api.push_update(api.private_message(62, "What does DTEK do?"))
        api.wait_for(lambda: len(api.calls_to("sendMessage")) >= 3, timeout=30)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert any("DTEK" in m["text"] for m in api.sent_messages(62))
    assert "serving 1 document(s)" in err
    # The log tells the start-up in its order: load, then poll (as the README says).
    assert err.index("loading the model and index") < err.index("serving") < err.index("polling")
    # The channels it indexes are said at the start, before any post arrives (a new user saw
    # nothing until one did).
    assert "indexing the posts of @carricknews" in err
    assert token not in out + err
    assert token.split(":")[1] not in out + err


@pytest.mark.asyncio
async def test_load_with_faults_loses_and_repeats_nothing(api, bot) -> None:
    # 2 x LOAD_CHATS chats x 10 questions while 10% of all Bot API calls fail: server errors,
    # flood-limit answers and dropped connections, on getUpdates and sendMessage alike.
    api.inject_randomly(
        0.10, [{"status": 500}, {"status": 429, "retry_after": 1}, {"status": 0}], seed=7
    )
    sent_at: dict[tuple[int, int], float] = {}
    for round_ in range(10):
        for chat in range(2000, 2000 + 2 * LOAD_CHATS):
            update = api.private_message(chat, QUESTIONS[(chat + round_) % len(QUESTIONS)])
            sent_at[(chat, update["message"]["message_id"])] = time.time()
            api.push_update(update)
    total = len(sent_at)
    await api.await_for(lambda: len(api.sent_messages()) >= total, timeout=400)
    await asyncio.sleep(1.0)
    api.clear_faults()
    delivered = [c for c in api.calls_to("sendMessage") if not c.faulted]
    keys = [(c.params["chat_id"], c.params["reply_parameters"]["message_id"]) for c in delivered]
    assert len(keys) == total, "every question answered"
    assert len(set(keys)) == total, "no question answered twice"
    assert set(keys) == set(sent_at)
    assert any(c.faulted for c in api.calls_to("sendMessage"))
    latencies = sorted(c.time - sent_at[k] for c, k in zip(delivered, keys, strict=True))
    print(
        f"\nload with 10% faults: {total} answers in {2 * LOAD_CHATS} chats; median "
        f"{statistics.median(latencies):.2f}s, p95 {latencies[int(0.95 * total) - 1]:.2f}s latency"
    )


@pytest.mark.asyncio
async def test_slow_api_past_the_timeout_answers_exactly_once(api, start_bot) -> None:
    await start_bot()
    api.inject("sendMessage", status=200, delay=7.0, times=1)  # PTB's read timeout is 5 s
    api.push_update(api.private_message(63, "Who was Vinatier swapped for?"))
    await api.await_for(lambda: len(api.sent_messages(63)) >= 1, timeout=30)
    await asyncio.sleep(2.0)
    [reply] = api.sent_messages(63)
    assert "Kasatkin" in reply["text"]


def test_damaged_index_refuses_to_start_with_the_fix(api, index_dir, encoder, tmp_path) -> None:
    from articlebot.collection import update_index
    from articlebot.index.store import current_generation
    from articlebot.ingest.documents import bundled_article_path, read_documents

    update_index(
        load_settings(index_dir=index_dir), encoder, read_documents([bundled_article_path()])
    )
    (current_generation(index_dir) / "dense.faiss").write_bytes(b"garbage")
    result = _run_cli(
        {"TELEGRAM_BOT_TOKEN": api.token, "ARTICLEBOT_API_URL": api.url},
        tmp_path,
        index_dir=index_dir,
    )
    assert result.returncode == 1
    assert "articlebot index --rebuild" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.asyncio
async def test_unknown_command_in_private_gets_a_hint(api, bot) -> None:
    api.push_update(api.private_message(64, "/askWho is Laurent"))
    reply = await _reply(api, 64)
    assert reply["text"] == handlers.UNKNOWN_COMMAND
    api.push_update(api.group_message(GROUP, "/otherbotcommand hello"))
    await asyncio.sleep(0.5)
    assert api.sent_messages(GROUP) == []


@pytest.mark.asyncio
async def test_questions_in_other_languages_are_answered_in_their_language(api, bot) -> None:
    api.push_update(api.private_message(61, "Кто освободил Винатье?"))
    russian = await _reply(api, 61)
    assert russian["text"].startswith("Я отвечаю на вопросы на английском.")
    assert "«Russia warns" in russian["text"]
    api.push_update(api.private_message(61, "Хто звільнив Вінатьє?"))
    ukrainian = await _reply(api, 61, 2)
    assert ukrainian["text"].startswith("Я відповідаю на запитання англійською.")
    api.push_update(api.private_message(61, "Wer hat Vinatier freigelassen?"))
    german = await _reply(api, 61, 3)
    assert german["text"].startswith("Ich beantworte Fragen auf Englisch.")
    assert "„Russia warns" in german["text"]
    replies = russian["text"] + ukrainian["text"] + german["text"]
    assert "couldn't find" not in replies and "doesn't" not in replies


@pytest.mark.both_backends
@pytest.mark.asyncio
async def test_who_wrote_this_and_summary(api, bot) -> None:
    api.push_update(api.private_message(62, "who wrote this?"))
    byline = await _reply(api, 62)
    assert byline["text"].startswith("By Abdiwahab Ahmed — Russia warns")
    api.push_update(api.private_message(62, "/summary"))
    summary = await _reply(api, 62, 2)
    assert summary["text"].startswith("Russia warns foreign forces")
    assert "Vinatier" in summary["text"] and len(summary["text"]) < 1500
    api.push_update(api.private_message(62, "/summary nope"))
    unknown = await _reply(api, 62, 3)
    assert "no article with id nope" in unknown["text"]
    # An id of 4,000 emoji is echoed cut short: the whole echo was refused by Telegram as too
    # long, and the asker got "Sorry, something went wrong".
    for n, command in enumerate(("/summary", "/use"), start=4):
        api.push_update(api.private_message(62, f"{command} " + "🔥" * 2000))
        echoed = await _reply(api, 62, n)
        assert echoed["text"].startswith("There is no article with id 🔥🔥")
        assert "…. /articles lists them." in echoed["text"]


@pytest.mark.asyncio
async def test_invisible_format_characters_are_never_echoed_and_alone_are_nothing(api, bot) -> None:
    # A bot attacker's probe: "/articles \u202e 2" echoed the right-to-left override into the
    # reply, turning the rest of the line around; an inline query of "\u202e\u200b" alone was
    # answered "Not in the article", and so on for /use and /summary.
    chat = 64
    sent = [
        ("/articles \u202e 2", "No article's title or id has “2”."),
        ("/articles ab\u202ecd", "No article's title or id has “abcd”."),
        ("/use x\u200by\u202e", "There is no article with id xy. /articles lists them."),
        ("/use \u202e\u200b", articles.USE_HINT),
        ("/ask \u200b\u2066", handlers.EMPTY_ASK_HINT),
        ("/summary \u202e", "Russia warns foreign forces"),
        ("\u202e\u200b\u2066", handlers.EMPTY_PRIVATE_HINT),
        ("\u200d", handlers.EMPTY_PRIVATE_HINT),  # a joiner with nothing to join
        ("/ask \u200d \u200c", handlers.EMPTY_ASK_HINT),
        ("\u200d \u200d", handlers.EMPTY_PRIVATE_HINT),
        ("\u200b\u200c\u2060", handlers.EMPTY_PRIVATE_HINT),
        # Letters that show as nothing (a bot attacker: "\u3164" was told to ask in English).
        ("\u3164", handlers.EMPTY_PRIVATE_HINT),
        ("\u115f\u2800 \uffa0", handlers.EMPTY_PRIVATE_HINT),
        ("\u034f\ufe0f\u17b5", handlers.EMPTY_PRIVATE_HINT),
    ]
    for n, (text, reply) in enumerate(sent, start=1):
        api.push_update(api.private_message(chat, text))
        said = (await _reply(api, chat, n))["text"]
        assert said.startswith(reply), (text, said)
        assert not any(unicodedata.category(c) == "Cf" for c in said), (text, said)
    api.push_update(api.inline_query(make_user(chat), "\u202e\u200b"))
    await api.await_for(lambda: bool(api.calls_to("answerInlineQuery")), timeout=20)
    [call] = api.calls_to("answerInlineQuery")
    assert call.params["results"] == []  # as for an empty query
    # A word with one inside is the word it shows as (a verifier's probe: "/use arti\u200bcle"
    # said "no article with id article").
    for n, text in enumerate(("/articles Rus\u200bsia", "/use arti\u200bcle"), start=len(sent) + 1):
        api.push_update(api.private_message(chat, text))
        said = (await _reply(api, chat, n))["text"]
        assert "Russia warns" in said and "No article" not in said and "no article" not in said


@pytest.mark.both_backends
@pytest.mark.asyncio
async def test_articles_lists_and_use_scopes_the_chat(api, bot) -> None:
    chat = 63
    asked = ["/articles", "/use article", "/articles", "/use nope", "/use articel"]
    for n, text in enumerate(asked, start=1):
        api.push_update(api.private_message(chat, text))
        await _reply(api, chat, n)
    listed, used, marked, unknown, near = (m["text"] for m in api.sent_messages(chat))
    assert "Russia warns" in listed and "article" in listed
    # Its hint says where the ids are: not "(ids are in /articles)" under /articles itself
    # (a new user).
    assert "ids are in /articles" not in listed and "under each title" in listed
    assert "only" in used and "Russia warns" in used
    assert marked != listed  # the article in use is marked as such
    assert unknown == "There is no article with id nope. /articles lists them."
    assert near == (
        "There is no article with id articel. Did you mean article? /articles lists them."
    )
    api.push_update(api.private_message(chat, "Who was Vinatier swapped for?"))
    assert "Kasatkin" in (await _reply(api, chat, 6))["text"]
    api.push_update(api.private_message(chat, "/use all"))
    assert "every article" in (await _reply(api, chat, 7))["text"]


@pytest.mark.asyncio
async def test_a_question_use_keeps_from_its_answer_says_how_to_ask_all(
    api, start_bot, retriever_of
) -> None:
    # A new user's probe: after /use of one article, a question about another story got "I
    # couldn't find that in the article" with no hint that the chat asks one article only.
    await start_bot(retriever_of(harbour=HARBOUR, flu=FLU))
    chat = 64
    api.push_update(api.private_message(chat, "/use flu"))
    await _reply(api, chat)
    api.push_update(api.private_message(chat, "what did Councillor Lindqvist say about the vote?"))
    told = (await _reply(api, chat, 2))["text"]
    assert "This chat asks only “Bird flu found on a second farm”" in told, told
    assert "/use all asks every article" in told
    api.push_update(api.private_message(chat, "how many birds were culled?"))
    answered = (await _reply(api, chat, 3))["text"]
    assert "This chat asks only" not in answered


@pytest.mark.asyncio
async def test_more_says_a_passage_is_from_another_article(api, start_bot, retriever_of) -> None:
    await start_bot(retriever_of(harbour=HARBOUR, flu=FLU))
    api.push_update(api.private_message(47, "what did Lindqvist say?"))
    answer = await _reply(api, 47)
    assert "Lindqvist" in answer["text"]
    buttons = {b["text"]: b["callback_data"] for b in answer["reply_markup"]["inline_keyboard"][0]}
    api.push_update(api.callback_query(make_user(47), answer, buttons["More"]))
    more = await _reply(api, 47, 2)
    shown = re.split(r"\n\n(?=\d+\. )", more["text"])  # the numbered passages
    flu = [part for part in shown if "Wexley" in part or "culled" in part]
    assert flu, more["text"]
    # Labelled as the other story it is, by its title, and nothing of it in bold as if it
    # answered what Lindqvist said.
    assert all("From another article, “Bird flu found on a second farm”" in p for p in flu)
    bold = [
        more["text"][e["offset"] : e["offset"] + e["length"]]
        for e in more.get("entities", [])
        if e["type"] == "bold"
    ]
    assert not any(text in part for text in bold for part in flu), bold


def test_a_stop_s_last_call_timing_out_is_one_warning_line() -> None:
    # Seen in a full run under load: the stop's last getUpdates timed out, and PTB logged an
    # ERROR with its traceback and its advice to adjust timeouts.
    import logging

    from telegram.error import TimedOut

    from articlebot.bot.polling import StopConfirmFailed

    try:
        raise TimedOut("Timed out")
    except TimedOut:
        import sys

        record = logging.LogRecord(
            "telegram.ext.Updater",
            logging.ERROR,
            __file__,
            1,
            "Error while calling `get_updates` one more time to mark all fetched updates.",
            None,
            sys.exc_info(),
        )
    assert StopConfirmFailed().filter(record)
    assert (record.levelname, record.getMessage(), record.exc_info) == (
        "WARNING",
        "could not confirm the updates fetched last at the stop: Timed out",
        None,
    )
