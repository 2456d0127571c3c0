"""Per-user question rate limit: a sliding window, with one warning per burst."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from enum import Enum


class Verdict(Enum):
    """What to do with a question."""

    ANSWER = "answer"
    WARN = "warn"  # over the limit: say so, once
    DROP = "drop"  # still over the limit after the warning: stay silent


@dataclass
class RateLimiter:
    """At most `limit` questions per user in any `window` seconds (0 turns it off)."""

    limit: int
    window: float
    _asked: dict[int, deque[float]] = field(default_factory=dict)
    _warned: set[int] = field(default_factory=set)

    def check(self, user_id: int, now: float | None = None) -> Verdict:
        """Record a question from `user_id` and say whether to answer it."""
        if self.limit <= 0:
            return Verdict.ANSWER
        now = time.monotonic() if now is None else now
        if len(self._asked) > 10_000:
            self.forget_idle(now)
        asked = self._asked.setdefault(user_id, deque())
        while asked and now - asked[0] >= self.window:
            asked.popleft()
        if len(asked) < self.limit:
            asked.append(now)
            self._warned.discard(user_id)
            return Verdict.ANSWER
        if user_id in self._warned:
            return Verdict.DROP
        self._warned.add(user_id)
        return Verdict.WARN

    def forget_idle(self, now: float | None = None) -> None:
        """Drop users with no question inside the window (keeps memory bounded)."""
        now = time.monotonic() if now is None else now
        for user_id in [u for u, q in self._asked.items() if not q or now - q[-1] >= self.window]:
            del self._asked[user_id]
            self._warned.discard(user_id)
