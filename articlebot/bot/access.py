"""Who is served: the gate for edits, bots and chats outside the allow-list, the rate limits,
and who counts as an admin."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable

from telegram import Chat, Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from articlebot.bot.limits import Verdict
from articlebot.bot.migration import was_allowed
from articlebot.bot.state import BotContext, BotState
from articlebot.config import Settings

log = logging.getLogger(__name__)

RATE_LIMITED = "You're asking faster than I can keep up. Please wait a minute and ask again."
CHAT_RATE_LIMITED = (
    "This chat is asking faster than I can keep up. Please wait a minute and ask again."
)
#: The alert for a button pressed over the limit (callback answers hold 200 characters).
SLOW_DOWN = "Slow down, please: wait a minute and try again."
NOT_ALLOWED = "Sorry, I'm not set up to answer in this chat."
ADMINS_ONLY = "That command is for the bot's admins."
#: How long whether somebody is a group's admin is remembered.
CHAT_ADMIN_SECONDS = 60.0
#: Entries kept in the per-process memories (chats told, group admins) before they stop
#: growing or are cleared.
MAX_REMEMBERED = 10_000

Handler = Callable[[Update, BotContext], Awaitable[None]]


def is_bot_admin(update: Update, settings: Settings) -> bool:
    """Whether the request comes from one of the bot's admins (ARTICLEBOT_ADMIN_IDS)."""
    user = update.effective_user
    return user is not None and user.id in settings.admin_ids


def sender_id(update: Update) -> int | None:
    """Who a request is from: the user, or the chat a message was sent as (an anonymous group
    admin sends as the group, a channel's owner as the channel)."""
    message = update.effective_message
    if update.message is not None and message is not None and message.sender_chat is not None:
        return message.sender_chat.id
    user = update.effective_user
    return user.id if user is not None else None


async def admitted(update: Update, context: BotContext) -> bool:
    """Whether to serve a request under the per-sender and per-chat rate limits; over them,
    the sender is told once per burst (a button gets an alert, an inline query no results)."""
    state = context.bot_data
    sender = sender_id(update)
    if sender is None:
        return True
    if is_bot_admin(update, state.settings):
        return True  # the bot's operators, adding a batch of articles, are not held back
    chat = update.effective_chat
    if update.inline_query is not None:
        verdict = await state.off_loop(state.limiter.check_inline, sender)
    else:
        verdict = await state.off_loop(
            state.limiter.check, sender, None, chat.id if chat is not None else None
        )
    if verdict is Verdict.ANSWER:
        return True
    if update.callback_query is not None:
        # Every press must be answered or the button spins; an alert, never a message.
        await update.callback_query.answer(SLOW_DOWN, show_alert=True)
    elif update.inline_query is not None:
        await update.inline_query.answer([], cache_time=0, is_personal=True)
    elif verdict is not Verdict.DROP and update.effective_message is not None:
        text = RATE_LIMITED if verdict is Verdict.WARN else CHAT_RATE_LIMITED
        await update.effective_message.reply_text(text, do_quote=True)
    return False


def limited(handler: Handler) -> Handler:
    """`handler`, run only for requests within the rate limits."""

    @functools.wraps(handler)
    async def run(update: Update, context: BotContext) -> None:
        if await admitted(update, context):
            await handler(update, context)

    return run


def is_listed_channel(chat: Chat, state: BotState) -> bool:
    """Whether `chat` is a channel the operator listed (ARTICLEBOT_CHANNELS, by id or
    @username): served whatever ARTICLEBOT_ALLOWED_CHATS says, its posts being what it is for."""
    return chat.type == Chat.CHANNEL and state.channels.is_listed(chat.id, chat.username)


async def gate(update: Update, context: BotContext) -> None:
    """Runs first: edits, other bots and chats outside the allow-list end here.

    A message sent as a chat (an anonymous group admin, or a member posting as their channel)
    comes from one of Telegram's helper bots, and is kept: a person wrote it.
    """
    user = update.effective_user
    sent_as_chat = update.message is not None and update.message.sender_chat is not None
    if update.edited_message is not None or (user is not None and user.is_bot and not sent_as_chat):
        raise ApplicationHandlerStop
    state = context.bot_data
    allowed = state.settings.allowed_chats
    if not allowed:
        return
    if update.inline_query is not None:
        # An inline query has no chat: it is served when the asker's private chat is allowed.
        if update.inline_query.from_user.id not in allowed:
            await update.inline_query.answer([], cache_time=0, is_personal=True)
            raise ApplicationHandlerStop
        return
    chat = update.effective_chat
    if chat is None or chat.id in allowed or is_listed_channel(chat, state):
        return
    if await was_allowed(update, context, allowed):
        return
    if chat.type == "channel":
        # Anything sent to a channel is published to its readers: leave without a word.
        if state.settings.outside_chats == "leave":
            log.info("not serving channel %s: not in the allowed chats", chat.id)
            await context.bot.leave_chat(chat.id)
        raise ApplicationHandlerStop
    told = state.told_outside
    message = update.effective_message
    button = update.callback_query
    if button is not None:
        # A button under an old answer: answered where it was pressed (it would spin on),
        # nothing posted into the chat for it.
        try:
            await button.answer(NOT_ALLOWED)
        except TelegramError as exc:
            log.info("could not answer a button in chat %s: %s", chat.id, exc)
    if state.settings.outside_chats == "leave" and message is not None:
        # Said once per chat; a full set means silence rather than growing without bound.
        if button is None and chat.id not in told and len(told) < MAX_REMEMBERED:
            told.add(chat.id)
            log.info("not serving chat %s: not in the allowed chats", chat.id)
            await message.reply_text(NOT_ALLOWED)
        if chat.type != "private":
            # Every time: a group that adds the bot back is left again (it hears from a group
            # only while it is a member). Messages sent before it left come after: Telegram
            # refuses those leaves, and they end here all the same.
            try:
                await context.bot.leave_chat(chat.id)
            except TelegramError as exc:
                log.info("could not leave chat %s: %s", chat.id, exc)
    raise ApplicationHandlerStop


async def is_chat_admin(update: Update, context: BotContext) -> bool:
    """Whether the sender may manage this chat: anyone in a private chat; in a group its admins
    (an anonymous admin writes as the group itself) and the bot's admins."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or chat.type == "private":
        return True
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id == chat.id  # a channel a member posts as is not an admin
    if user is None:
        return False
    state = context.bot_data
    if is_bot_admin(update, state.settings):
        return True
    cache = state.chat_admins
    now = time.monotonic()
    known = cache.get((chat.id, user.id))
    if known is not None and known[0] > now:
        return known[1]
    member = await context.bot.get_chat_member(chat.id, user.id)
    admin = member.status in ("creator", "administrator")
    if len(cache) >= MAX_REMEMBERED:
        cache.clear()  # entries live a minute: dropping them all costs a few lookups
    cache[(chat.id, user.id)] = (now + CHAT_ADMIN_SECONDS, admin)
    return admin


async def admin_message(update: Update, context: BotContext) -> Message | None:
    """The message of an admin's command; anyone else is told it is for admins (None)."""
    message = update.effective_message
    if message is None:
        return None
    if not is_bot_admin(update, context.bot_data.settings):
        await message.reply_text(ADMINS_ONLY)
        return None
    return message
