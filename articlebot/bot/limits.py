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


def member_key(sender_id: int, chat_id: int) -> str:
    """The counter key of a sender in one group (their share of its budget)."""
    return f"member:{chat_id}:{sender_id}"


def inline_key(sender_id: int) -> str:
    """The counter key of a user's inline queries (counted apart from their messages)."""
    return f"inline:{sender_id}"


#: Inline queries a user may send for each question they may ask: Telegram sends one as each
#: few letters are typed.
INLINE_PER_QUESTION = 3


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

    def check_inline(self, user_id: int, now: float | None = None) -> Verdict:
        """Record an inline query from `user_id` and say whether to serve it: counted apart
        from their messages, so typing one inline question (a query per few letters) does not
        use up the questions they may ask in a chat."""
        limit = Limit(inline_key(user_id), self.limit * INLINE_PER_QUESTION, self.window)
        if limit.count <= 0:
            return Verdict.ANSWER
        refusal = self.counters.hit([limit], time.time() if now is None else now)
        if refusal is None:
            return Verdict.ANSWER
        return Verdict.DROP if refusal.again else Verdict.WARN

    def check(self, user_id: int, now: float | None = None, chat_id: int | None = None) -> Verdict:
        """Record a request from `user_id` (a user, or the chat a message was sent as) in
        `chat_id` and say whether to serve it."""
        limits = [Limit(sender_key(user_id), self.limit, self.window)]
        # A group's (or channel's) id is negative, a private chat's the user's own. An anonymous
        # admin asks as the group itself, and is held to the group's budget as any member is.
        if chat_id is not None and chat_id < 0 and self.chat_limit > 0:
            # A member's share is of this group's budget: counted here alone, not with their
            # questions elsewhere (ten in private had left them none in any group).
            share = max(1, self.chat_limit // 2)
            limits.append(Limit(member_key(user_id, chat_id), share, self.window))
            limits.append(Limit(chat_key(chat_id), self.chat_limit, self.window))
        if all(limit.count <= 0 for limit in limits):
            return Verdict.ANSWER
        refusal = self.counters.hit(limits, time.time() if now is None else now)
        if refusal is None:
            return Verdict.ANSWER
        if refusal.again:
            return Verdict.DROP
        chat_full = chat_id is not None and refusal.key == chat_key(chat_id)
        if chat_full:
            return Verdict.WARN_CHAT
        if chat_id is not None and chat_id < 0 and self.chat_limit > 0:
            # A warning is a message to the group, one of its budget's as an answer is:
            # accounts that had spent their own limit elsewhere flooded a group with them,
            # past Telegram's 20 a minute there. With the budget spent, the group's own
            # warning is the one said, once.
            warning = Limit(chat_key(chat_id), self.chat_limit, self.window)
            full = self.counters.hit([warning], time.time() if now is None else now)
            if full is not None:
                return Verdict.DROP if full.again else Verdict.WARN_CHAT
        return Verdict.WARN
