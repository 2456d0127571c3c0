"""Self-test of tests/fake_botapi.py against the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
import telegram
from fake_botapi import FakeBotApi, mention_entity, parse_html
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


@asynccontextmanager
async def client(api: FakeBotApi, token: str | None = None) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(token or api.token, base_url=api.base_url) as bot:
        yield bot


@pytest.mark.asyncio
async def test_get_me(api: FakeBotApi) -> None:
    async with client(api) as bot:
        me = await bot.get_me()
    assert me.id == 123456
    assert me.username == "articlebot_test_bot"
    assert me.supports_inline_queries is True
    assert [call.method for call in api.calls] == ["getMe", "getMe"]


@pytest.mark.asyncio
async def test_wrong_token_is_invalid(api: FakeBotApi) -> None:
    bot = telegram.Bot("123456:wrong", base_url=api.base_url)
    with pytest.raises(InvalidToken):
        await bot.initialize()
    assert api.calls[-1].status == 401


@pytest.mark.asyncio
async def test_send_message_html_round_trip(api: FakeBotApi) -> None:
    markup = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("More", callback_data="more:1")]]
    )
    async with client(api) as bot:
        sent = await bot.send_message(
            42, "<b>Hi</b> &amp; <i>th\U0001f600ere</i>", parse_mode="HTML", reply_markup=markup
        )
        plain = await bot.send_message(42, "123")
    assert sent.text == "Hi & th\U0001f600ere"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 2),
        ("italic", 5, 7),  # UTF-16: the emoji counts twice
    ]
    assert sent.message_id == 1000 and plain.message_id == 1001
    assert sent.chat.type == "private" and sent.from_user.id == 123456
    assert sent.reply_markup == markup
    [call, _] = api.calls_to("sendMessage")
    assert call.params["chat_id"] == 42
    assert call.params["parse_mode"] == "HTML"
    assert json.loads(json.dumps(call.params["reply_markup"]))["inline_keyboard"]
    assert api.calls_to("sendMessage")[1].params["text"] == "123"  # stays a string
    assert [m["message_id"] for m in api.sent_messages(42)] == [1000, 1001]
    assert api.sent_messages(7) == []


@pytest.mark.asyncio
async def test_bad_text_is_rejected(api: FakeBotApi) -> None:
    async with client(api) as bot:
        # PTB drops "Bad Request: " and capitalize()s the rest: match case-insensitively.
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(42, "x" * 4097)
        # Telegram counts the length after entity parsing.
        await bot.send_message(42, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(42, "<b>unclosed", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(42, "a < b", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(42, "  \n ")
    assert len(api.sent_messages()) == 1


def test_parse_html_errors_use_telegrams_wording() -> None:
    assert parse_html('<a href="https://x.org/?a=1&amp;b=2">x</a>')[1] == [
        {"type": "text_link", "offset": 0, "length": 1, "url": "https://x.org/?a=1&b=2"}
    ]
    for text, message in [
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("Tom & Jerry", "Unsupported HTML entity at byte offset 4"),
    ]:
        with pytest.raises(ValueError) as info:
            parse_html(text)
        assert str(info.value) == message
    assert parse_html("Tom & Jerry", strict=False) == ("Tom & Jerry", [])


@pytest.mark.asyncio
async def test_injected_429_raises_retry_after(
    api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # the future type of RetryAfter.retry_after
    api.inject("sendMessage", status=429, retry_after=3)
    async with client(api) as bot:
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(42, "hello")
        assert info.value.retry_after == dtm.timedelta(seconds=3)
        await bot.send_message(42, "hello")
    first, second = api.calls_to("sendMessage")
    assert first.faulted and first.status == 429 and not second.faulted
    assert len(api.sent_messages(42)) == 1


@pytest.mark.asyncio
async def test_get_updates_long_poll_returns_pushed_update(api: FakeBotApi) -> None:
    async with client(api) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        assert not poll.done()
        started = time.monotonic()
        update_id = api.push_update(api.private_message(42, "123"))
        [update] = await asyncio.wait_for(poll, 3)
        assert time.monotonic() - started < 1
        assert isinstance(update, telegram.Update)
        assert update.update_id == update_id
        assert update.message.text == "123"
        assert update.effective_user.id == 42
        # Confirming with offset removes it from the queue.
        assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
    assert api.pending_updates == 0


@pytest.mark.asyncio
async def test_application_end_to_end(api: FakeBotApi) -> None:
    """A real Application polls the fake server and answers a command and a button."""

    async def start(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = [[telegram.InlineKeyboardButton("Go", callback_data="go")]]
        await update.effective_message.reply_text(
            f"hi <b>{update.effective_user.first_name}</b>",
            parse_mode="HTML",
            reply_markup=telegram.InlineKeyboardMarkup(keyboard),
        )

    async def button(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("done")

    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=5)
        api.push_update(api.group_message(-100123, "/start@articlebot_test_bot"))
        [reply] = await api.await_messages(-100123, 1)
        assert reply["text"] == "hi Alice"
        assert reply["entities"] == [{"type": "bold", "offset": 3, "length": 5}]
        assert reply["reply_to_message"]["text"] == "/start@articlebot_test_bot"
        assert reply["chat"]["title"] == "Test Group"

        api.push_update(api.callback_query(api.make_user(111111), reply, "go"))
        await api.await_for(lambda: bool(api.calls_to("editMessageText")))
        assert api.calls_to("answerCallbackQuery")[0].status == 200
        assert api.message(-100123, reply["message_id"])["text"] == "done"
        await app.updater.stop()
        await app.stop()


def test_entity_helpers() -> None:
    text = "\U0001f600 hey @articlebot_test_bot?"
    assert mention_entity(text, "articlebot_test_bot") == {
        "type": "mention",
        "offset": 7,
        "length": 20,
    }
    assert FakeBotApi.command_entity("/ask@articlebot_test_bot what") == {
        "type": "bot_command",
        "offset": 0,
        "length": 24,
    }


def test_multipart_and_json_bodies(api: FakeBotApi) -> None:
    url = f"{api.base_url}{api.token}/sendMessage"
    form = httpx.post(url, data={"chat_id": "5", "text": "ünï"}, files={"doc": ("a.txt", b"x")})
    assert form.json()["result"]["text"] == "ünï"
    assert api.calls[-1].files == {"doc": ("a.txt", b"x")}
    as_json = httpx.post(url, json={"chat_id": 5, "text": "j"})
    assert as_json.json()["result"]["message_id"] == 1001
    missing = httpx.get(f"{api.base_url}{api.token}/sendSticker")
    assert missing.status_code == 404
    assert missing.json()["description"] == "Not Found: method not found"


@pytest.mark.asyncio
async def test_pause_resume_and_quick_stop() -> None:
    api = FakeBotApi().start()
    async with client(api) as bot:
        api.pause()
        with pytest.raises(NetworkError):
            await bot.get_me()
        api.resume()
        assert (await bot.get_me()).id == 123456
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await asyncio.to_thread(api.stop)
        assert time.monotonic() - started < 1.5
        with pytest.raises(NetworkError):
            await asyncio.wait_for(poll, 3)


@pytest.mark.asyncio
async def test_chat_members_and_administrators(api: FakeBotApi) -> None:
    api.set_chat_admins(-100, [5], owner=6)
    async with client(api) as bot:
        admin = await bot.get_chat_member(-100, 5)
        owner = await bot.get_chat_member(-100, 6)
        member = await bot.get_chat_member(-100, 7)
        admins = await bot.get_chat_administrators(-100)
        with pytest.raises(BadRequest):
            await bot.get_chat_administrators(42)
    assert isinstance(admin, telegram.ChatMemberAdministrator) and admin.user.id == 5
    assert isinstance(owner, telegram.ChatMemberOwner)
    assert isinstance(member, telegram.ChatMemberMember) and member.user.id == 7
    assert sorted(m.user.id for m in admins) == [5, 6]
