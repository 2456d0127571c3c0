"""Rate limits per sender and per chat: sliding windows, with one warning per burst."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum

from articlebot.storage.chat_state import ChatState, InMemoryChatState, Limit


class Verdict(Enum):
    """What to do with a request."""

    ANSWER = "answer"
    WARN = "warn"  # the sender is over their limit: say so, once
    WARN_CHAT = "warn_chat"  # the chat as a whole is over its limit: say so, once
    DROP = "drop"  # still over the limit after the warning: stay silent


def sender_key(sender_id: int) -> str:
    """The counter key of a sender (a user, or the chat a message was sent as)."""
    return f"sender:{sender_id}"


def chat_key(chat_id: int) -> str:
    """The counter key of a chat as a whole."""
    return f"chat:{chat_id}"


@dataclass
class RateLimiter:
    """At most `limit` requests per sender and `chat_limit` per chat in any `window` seconds
    (0 turns either off). In a group one sender gets at most half of the chat's budget, so
    that one member cannot use up everyone else's answers. The counts live in `counters`."""

    limit: int
    window: float
    chat_limit: int = 0
    counters: ChatState = field(default_factory=InMemoryChatState)

    def sender_limit(self, sender_id: int, chat_id: int | None) -> int:
        """The requests `sender_id` may make per window in `chat_id`."""
        if chat_id is None or chat_id == sender_id or self.chat_limit <= 0:
            return self.limit
        share = max(1, self.chat_limit // 2)
        return share if self.limit <= 0 else min(self.limit, share)

    def check(self, user_id: int, now: float | None = None, chat_id: int | None = None) -> Verdict:
        """Record a request from `user_id` (a user, or the chat a message was sent as) in
        `chat_id` and say whether to serve it."""
        sender_limit = self.sender_limit(user_id, chat_id)
        chat_limit = self.chat_limit if chat_id is not None and chat_id != user_id else 0
        if sender_limit <= 0 and chat_limit <= 0:
            return Verdict.ANSWER
        limits = [Limit(sender_key(user_id), sender_limit, self.window)]
        if chat_id is not None:
            limits.append(Limit(chat_key(chat_id), chat_limit, self.window))
        refusal = self.counters.hit(limits, time.time() if now is None else now)
        if refusal is None:
            return Verdict.ANSWER
        if refusal.again:
            return Verdict.DROP
        return Verdict.WARN if refusal.key == limits[0].key else Verdict.WARN_CHAT
