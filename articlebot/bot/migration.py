"""A group upgraded to a supergroup: Telegram gives it a new id, and the group's own articles,
/use choice and /autoindex (all kept under its old id) go on being its own."""

from __future__ import annotations

import logging
from collections.abc import Collection

from telegram import Message, Update

from articlebot.bot.state import BotContext

log = logging.getLogger(__name__)


def moved(message: Message) -> tuple[int, int] | None:
    """(old id, new id) when `message` says its group became a supergroup (the old group's
    last message, or the new supergroup's first), else None."""
    if message.migrate_to_chat_id:
        return message.chat_id, message.migrate_to_chat_id
    if message.migrate_from_chat_id:
        return message.migrate_from_chat_id, message.chat_id
    return None


async def migrated(update: Update, context: BotContext) -> None:
    """Record that a group became a supergroup (both its messages saying so are told)."""
    message = update.effective_message
    ids = moved(message) if message is not None else None
    if ids is None:
        return
    state = context.bot_data
    await state.remember(state.chats.migrate, *ids)
    log.info("group %s is now supergroup %s: its articles and settings went with it", *ids)


async def was_allowed(update: Update, context: BotContext, allowed: Collection[int]) -> bool:
    """Whether the update's chat is an allowed group under a new id: an operator who listed a
    group does not lose the bot when its members upgrade it to a supergroup."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or chat.id >= 0:
        return False
    if message is not None and (ids := moved(message)) is not None and ids[0] in allowed:
        return True
    state = context.bot_data
    return any(old in allowed for old in await state.off_loop(state.chats.former_ids, chat.id))
