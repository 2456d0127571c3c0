"""Rate limits per sender and per chat: sliding windows, with one warning per burst."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from enum import Enum

#: Keys kept before idle ones are swept out (the sweep is amortised: the mark then doubles).
SWEEP_AT = 10_000


class Verdict(Enum):
    """What to do with a request."""

    ANSWER = "answer"
    WARN = "warn"  # the sender is over their limit: say so, once
    WARN_CHAT = "warn_chat"  # the chat as a whole is over its limit: say so, once
    DROP = "drop"  # still over the limit after the warning: stay silent


@dataclass
class RateLimiter:
    """At most `limit` requests per sender and `chat_limit` per chat in any `window` seconds
    (0 turns either off). In a group one sender gets at most half of the chat's budget, so
    that one member cannot use up everyone else's answers."""

    limit: int
    window: float
    chat_limit: int = 0
    _asked: dict[int, deque[float]] = field(default_factory=dict)
    _warned: set[int] = field(default_factory=set)
    _chats: dict[int, deque[float]] = field(default_factory=dict)
    _chats_warned: set[int] = field(default_factory=set)
    _sweep_at: int = SWEEP_AT

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
        now = time.monotonic() if now is None else now
        if len(self._asked) + len(self._chats) > self._sweep_at:
            self.forget_idle(now)
            self._sweep_at = max(SWEEP_AT, 2 * (len(self._asked) + len(self._chats)))
        asked = self._recent(self._asked, user_id, now) if sender_limit > 0 else None
        in_chat = self._recent(self._chats, chat_id, now) if chat_limit > 0 else None
        sender_ok = asked is None or len(asked) < sender_limit
        chat_ok = in_chat is None or len(in_chat) < chat_limit
        if sender_ok and chat_ok:
            if asked is not None:
                asked.append(now)
                self._warned.discard(user_id)
            if in_chat is not None and chat_id is not None:
                in_chat.append(now)
                self._chats_warned.discard(chat_id)
            return Verdict.ANSWER
        if not sender_ok:
            if user_id in self._warned:
                return Verdict.DROP
            self._warned.add(user_id)
            return Verdict.WARN
        assert chat_id is not None
        if chat_id in self._chats_warned:
            return Verdict.DROP
        self._chats_warned.add(chat_id)
        return Verdict.WARN_CHAT

    def _recent(self, table: dict[int, deque[float]], key: int | None, now: float) -> deque[float]:
        assert key is not None
        times = table.setdefault(key, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def forget_idle(self, now: float | None = None) -> None:
        """Drop senders and chats with no request inside the window (keeps memory bounded)."""
        now = time.monotonic() if now is None else now
        for table, warned in ((self._asked, self._warned), (self._chats, self._chats_warned)):
            for key in [k for k, q in table.items() if not q or now - q[-1] >= self.window]:
                del table[key]
                warned.discard(key)
