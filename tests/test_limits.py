"""The per-user rate limit, on a clock the test controls."""

from __future__ import annotations

from articlebot.bot.limits import RateLimiter, Verdict


def test_limit_warns_once_then_drops_until_the_window_passes() -> None:
    limiter = RateLimiter(limit=2, window=60)
    verdicts = [limiter.check(1, now=t) for t in (0, 1, 2, 3, 4)]
    assert verdicts == [Verdict.ANSWER, Verdict.ANSWER, Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert limiter.check(2, now=5) is Verdict.ANSWER  # other users are not affected
    assert limiter.check(1, now=61) is Verdict.ANSWER  # the first question left the window
    assert RateLimiter(limit=0, window=60).check(1, now=0) is Verdict.ANSWER  # 0: no limit


def test_idle_users_are_forgotten() -> None:
    limiter = RateLimiter(limit=1, window=10)
    for user in range(10_001):
        limiter.check(user, now=0)
    limiter.check(99_999, now=100)  # past the window: everyone idle is dropped
    assert len(limiter._asked) == 1
