"""The per-user rate limit, on a clock the test controls."""

from __future__ import annotations

from articlebot.bot.limits import RateLimiter, Verdict
from articlebot.storage.chat_state import InMemoryChatState


def test_limit_warns_once_then_drops_until_the_window_passes() -> None:
    limiter = RateLimiter(limit=2, window=60)
    verdicts = [limiter.check(1, now=t) for t in (0, 1, 2, 3, 4)]
    assert verdicts == [Verdict.ANSWER, Verdict.ANSWER, Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert limiter.check(2, now=5) is Verdict.ANSWER  # other users are not affected
    assert limiter.check(1, now=61) is Verdict.ANSWER  # the first question left the window
    assert RateLimiter(limit=0, window=60).check(1, now=0) is Verdict.ANSWER  # 0: no limit


def test_idle_users_are_forgotten() -> None:
    counters = InMemoryChatState()
    limiter = RateLimiter(limit=1, window=10, counters=counters)
    for user in range(10_001):
        limiter.check(user, now=0)
    limiter.check(99_999, now=100)  # past the window: everyone idle is dropped
    assert counters.counter_keys() == 1


def test_a_chat_has_its_own_budget_and_one_member_gets_half_of_it() -> None:
    limiter = RateLimiter(limit=20, window=60, chat_limit=6)
    group = -100
    verdicts = [limiter.check(1, now=t, chat_id=group) for t in range(5)]
    assert verdicts == [Verdict.ANSWER] * 3 + [Verdict.WARN, Verdict.DROP]  # half of 6
    # The warning is a message to the group: one of its 6.
    assert [limiter.check(2, now=5, chat_id=group) for _ in range(2)] == [Verdict.ANSWER] * 2
    # The chat is spent: one warning for the whole chat, then silence, whoever asks.
    assert limiter.check(3, now=6, chat_id=group) is Verdict.WARN_CHAT
    assert limiter.check(4, now=7, chat_id=group) is Verdict.DROP
    # The half is of each group's budget: a member who spent theirs in one group (or asked
    # in private) is answered in another (a bot attacker's probe: ten questions in private
    # had left them nothing in any group).
    assert limiter.check(1, now=8, chat_id=-200) is Verdict.ANSWER
    for t in range(10):
        limiter.check(11, now=t, chat_id=11)
    assert limiter.check(11, now=10, chat_id=-200) is Verdict.ANSWER
    assert limiter.check(9, now=8, chat_id=-200) is Verdict.ANSWER  # other chats go on
    assert limiter.check(9, now=8, chat_id=9) is Verdict.ANSWER  # a private chat: user limit
    assert limiter.check(3, now=70, chat_id=group) is Verdict.ANSWER  # the window passed


def test_an_anonymous_admin_asking_as_the_group_is_held_to_its_budget() -> None:
    # A bot attacker's probe: questions sent as the group itself were held only to the
    # per-sender limit (20), so a group could be sent twice Telegram's 20 a minute.
    limiter = RateLimiter(limit=20, window=60, chat_limit=4)
    group = -100
    verdicts = [limiter.check(group, now=t, chat_id=group) for t in range(4)]
    assert verdicts == [Verdict.ANSWER] * 2 + [Verdict.WARN, Verdict.DROP]  # half of 4
    assert limiter.check(1, now=5, chat_id=group) is Verdict.ANSWER
    assert limiter.check(2, now=6, chat_id=group) is Verdict.WARN_CHAT  # 3 answers, 1 warning


def test_sweeping_is_amortised_and_bounded() -> None:
    counters = InMemoryChatState()
    limiter = RateLimiter(limit=1, window=10, chat_limit=4, counters=counters)
    sizes = []
    for step in range(100_000):
        now = step // 20_000 * 100  # a new crowd every 20,000 requests; the old one goes idle
        limiter.check(step, now=now, chat_id=-(step % 7) - 1)
        sizes.append(counters.counter_keys())
    assert max(sizes) <= 2 * 20_000 + 20  # never more than twice the active senders
    assert sizes[-1] <= 20_000 + 20  # nor does memory keep what went idle long ago


def test_a_request_the_chat_refuses_costs_the_sender_nothing() -> None:
    limiter = RateLimiter(limit=2, window=60, chat_limit=2)
    group = -300
    assert limiter.check(1, now=0, chat_id=group) is Verdict.ANSWER
    assert limiter.check(2, now=1, chat_id=group) is Verdict.ANSWER
    assert limiter.check(3, now=2, chat_id=group) is Verdict.WARN_CHAT  # the chat is spent
    # Sender 3 asked nowhere else: their own budget is untouched in another chat.
    assert [limiter.check(3, now=3, chat_id=3) for _ in range(2)] == [Verdict.ANSWER] * 2


def test_warnings_to_a_group_are_of_its_budget() -> None:
    # A bot attacker's probe: 30 accounts that had spent their limit in private each asked
    # once in a group: 30 warnings went to it, past Telegram's 20 a minute there, and a
    # member's question waited 32 s behind them.
    limiter = RateLimiter(limit=2, window=60, chat_limit=20)
    group = -400
    verdicts = []
    for sender in range(100, 130):
        assert [limiter.check(sender, now=0, chat_id=sender) for _ in range(2)] == [
            Verdict.ANSWER
        ] * 2
        verdicts.append(limiter.check(sender, now=1, chat_id=group))
    assert verdicts == [Verdict.WARN] * 20 + [Verdict.WARN_CHAT] + [Verdict.DROP] * 9
    # A member over their own limit, spent in this group, is warned there (a verifier's
    # probe: dropped without a word when the limit was half the group's or less).
    limiter = RateLimiter(limit=10, window=60, chat_limit=20)
    verdicts = [limiter.check(1, now=t, chat_id=group) for t in range(12)]
    assert verdicts == [Verdict.ANSWER] * 10 + [Verdict.WARN, Verdict.DROP]
    # With the group's budget spent, a member's warning gives way to the group's, said once
    # (a verifier's: the refused warning had silenced it).
    limiter = RateLimiter(limit=20, window=60, chat_limit=6)
    assert [limiter.check(2, now=0, chat_id=group) for _ in range(3)] == [Verdict.ANSWER] * 3
    assert [limiter.check(3, now=1, chat_id=group) for _ in range(3)] == [Verdict.ANSWER] * 3
    assert limiter.check(2, now=2, chat_id=group) is Verdict.WARN_CHAT
    assert limiter.check(4, now=3, chat_id=group) is Verdict.DROP
