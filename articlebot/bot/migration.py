"""A group upgraded to a supergroup: Telegram gives it a new id, and the group's own articles,
/use choice and /autoindex (all kept under its old id) go on being its own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection

from telegram import Chat, Message, Update

from articlebot.bot.state import BotContext, BotState

log = logging.getLogger(__name__)


def _supergroup(chat_id: int) -> bool:
    """Whether `chat_id` is a supergroup's (or a channel's): -100 and then its own number."""
    return str(chat_id).startswith("-100")


def moved(message: Message) -> tuple[int, int] | None:
    """(old id, new id) when `message` says its group became a supergroup (the old group's
    last message, or the new supergroup's first), else None. Only a basic group becomes a
    supergroup: a message saying otherwise is no upgrade (a forged one would give a chat
    another group's articles)."""
    chat = message.chat
    if message.migrate_to_chat_id and chat.type == Chat.GROUP:
        old, new = chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id and chat.type == Chat.SUPERGROUP:
        old, new = message.migrate_from_chat_id, chat.id
    else:
        return None
    return (old, new) if old < 0 and not _supergroup(old) and _supergroup(new) else None


async def record_migration(update: Update, context: BotContext) -> None:
    """Record that a group became a supergroup (both its messages saying so are told). Runs
    before the gate, and is registered before anything is awaited: the new supergroup's
    questions delivered with it (after the bot was down) wait for it, not leave the chat as
    one not allowed or miss the group's articles."""
    message = update.effective_message
    ids = moved(message) if message is not None else None
    if ids is None:
        return
    state = context.bot_data
    old, new = ids
    recording = asyncio.ensure_future(state.off_loop(state.chats.migrate, old, new))
    state.migrations[new] = recording
    recording.add_done_callback(lambda _: state.migrations.pop(new, None))
    try:
        await recording
    except Exception:
        log.error("could not record that group %s is now supergroup %s", old, new, exc_info=True)
        return
    log.info("group %s is now supergroup %s: its articles and settings went with it", old, new)


async def former_ids(state: BotState, chat_id: int | None) -> tuple[int, ...]:
    """The ids a group had before it became a supergroup (its own articles are still its),
    once a migration of it being recorded now is done."""
    if chat_id is None or not _supergroup(chat_id):
        return ()
    recording = state.migrations.get(chat_id)
    if recording is not None:
        await asyncio.wait([recording])
    return tuple(await state.off_loop(state.chats.former_ids, chat_id))


async def was_allowed(update: Update, context: BotContext, allowed: Collection[int]) -> bool:
    """Whether the update's chat is an allowed group under a new id: an operator who listed a
    group does not lose the bot when its members upgrade it to a supergroup."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None:
        return False
    if message is not None and (ids := moved(message)) is not None and ids[0] in allowed:
        return True
    return any(old in allowed for old in await former_ids(context.bot_data, chat.id))
