"""What the bot remembers about each chat: the articles it asks (/use), its last question (for
follow-ups; under a channel post, per post thread), whether /autoindex is on, the ids it had
before it became a supergroup, and the rate-limit counters; and the channel posts waiting to be
indexed. `ChatState` is the interface;
`InMemoryChatState` keeps it in this process (lost on restart); `sql_chat_state` keeps it in a
file in the index folder or in PostgreSQL."""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from articlebot.retrieval.conversation import Turn

#: Post threads whose last turn a chat keeps, at least (the most recent ones).
MAX_THREAD_TURNS = 1_000
#: Counter keys held before idle ones are swept out (the sweep is amortised: the mark then
#: doubles with the keys still active).
SWEEP_AT = 10_000


class PendingPost(NamedTuple):
    """A channel post recorded to be indexed (`ChatState.add_pending_post`)."""

    doc_id: str
    #: The post's PostArticle as JSON.
    post: str
    #: How many times its page was read and could not be: a restart goes on from there.
    tries: int = 0


class ThreadPost(NamedTuple):
    """A channel post's comment thread in its discussion group (`ChatState.set_thread_post`)."""

    chat_id: int
    #: The message id of the post's automatic forward there, which every comment's thread is.
    root_id: int
    #: The post (its PostRef) as JSON.
    post: str


#: The digest of a post's version that records an admin's removal of its article: no later
#: version replaces it (`ChatState.set_post_version`).
REMOVED = "removed"


class PostVersion(NamedTuple):
    """The newest version of a channel post seen (`ChatState.set_post_version`)."""

    #: When it was made (Unix time: its edit's, else the post's).
    at: int
    #: Whether it is an edit (newer than the post itself at the same second).
    edited: bool
    #: A digest of its text.
    digest: str


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `count` requests counted under `key` in any `window` seconds."""

    key: str
    count: int
    window: float


@dataclass(frozen=True, slots=True)
class Refusal:
    """A request not counted because `key`'s limit was reached."""

    key: str
    #: Whether `key` had already refused a request since the last one it counted: the asker
    #: was told then, and need not be told again.
    again: bool


class ChatState(Protocol):
    """Per-chat memory of the bot. Every value is plain data (ints, floats, strings, lists of
    strings), so that each method is a single-row read or write in a table keyed by chat id or
    counter key. The bot calls a store that does I/O from worker threads (BotState.off_loop),
    so such a store must be thread-safe; the in-memory one is called on the event loop."""

    def scope(self, chat_id: int) -> list[str]:
        """The doc ids the chat's questions are limited to, in the order set; [] for every
        article (also for a chat never seen). Ids of articles removed since are returned as
        stored: the caller drops them."""
        ...

    def set_scope(self, chat_id: int, doc_ids: Sequence[str]) -> None:
        """Replace the chat's scope with `doc_ids` (kept in order); an empty sequence deletes
        it, so that the chat asks every article again."""
        ...

    def last_turn(self, chat_id: int) -> Turn | None:
        """The chat's last question as stored by `set_last_turn` (equal field by field), or
        None when none was stored. Expiry is the caller's: a stale turn is returned too."""
        ...

    def set_last_turn(self, chat_id: int, turn: Turn) -> None:
        """Replace the chat's last turn. A Turn is four plain fields: `question` (text),
        `highlight` (text, "" when nothing was found), `at` (seconds since the epoch as a
        float; may be -inf, which must read back as -inf) and `doc_id` (text or None)."""
        ...

    def thread_turn(self, chat_id: int, root_id: int) -> Turn | None:
        """The last question under the post whose comment thread is rooted at `root_id` in the
        chat (a discussion group), as stored by `set_thread_turn`; None when none was stored."""
        ...

    def set_thread_turn(self, chat_id: int, root_id: int, turn: Turn) -> None:
        """Replace the last turn of one post thread of the chat (the chat's own last turn is
        not touched). The turns of the chat's MAX_THREAD_TURNS most recently set threads are
        kept; older ones may be deleted."""
        ...

    def autoindex(self, chat_id: int) -> bool:
        """Whether a chat admin turned /autoindex on in the chat (False for a chat never seen)."""
        ...

    def set_autoindex(self, chat_id: int, on: bool) -> None:
        """Turn /autoindex on or off for the chat."""
        ...

    def migrate(self, old_id: int, new_id: int) -> None:
        """Record that group `old_id` became supergroup `new_id` (Telegram gives it a new id):
        the new one is also the old one (`former_ids`), and takes over its scope, /autoindex
        and last turn where it has none of its own yet. Told twice (the old group's message and
        the new one's), the second changes nothing."""
        ...

    def former_ids(self, chat_id: int) -> list[int]:
        """The ids the chat had before (`migrate`), ascending; [] for most chats."""
        ...

    def hit(self, limits: Sequence[Limit], now: float) -> Refusal | None:
        """Count one request at time `now` (seconds since the epoch: a store shared by processes
        compares times from all of them) under every limit's key, or under none.

        A key is full when `limit.count` requests or more were counted under it at times t with
        now - window < t <= now. If a key is full (the first full one in `limits` order), nothing
        is counted and a Refusal for it is returned, its `again` true when that key had already
        refused since its last counted request; the key is then marked refused. Otherwise the
        request is counted under every key, their refused marks are cleared, and None is
        returned. A limit with count <= 0 is never full and counts nothing. All of it is one
        atomic step: two processes sharing the state must not both pass a limit with one
        request left. Counts older than their window may be deleted at any time.
        """
        ...

    def forget_old(
        self, hits_before: float, turns_before: float, threads_before: float = 0.0
    ) -> int:
        """Delete the rate counts made at or before `hits_before` (out of every window by then),
        the turns, the chat's and its threads', set with `at` before `turns_before` (too old
        for a follow-up), and the thread posts recorded before `threads_before`; return how
        many were deleted. Nothing else changes: a chat's scope and /autoindex are kept
        however old."""
        ...

    def set_thread_post(self, chat_id: int, root_id: int, post: str, at: float) -> None:
        """Record that the comment thread rooted at `root_id` in the discussion group
        `chat_id` is under `post` (its PostRef as JSON), seen at `at`: after a restart a
        comment anywhere in the thread is known to be under its post, not only one replying
        to the post itself."""
        ...

    def thread_posts(self, since: float, limit: int) -> list[ThreadPost]:
        """The threads recorded at or after `since`, the `limit` most recent, oldest first."""
        ...

    def thread_post(self, chat_id: int, root_id: int, since: float) -> str | None:
        """The post recorded for one thread (`set_thread_post`) at or after `since`, else
        None: a replica that did not see the post's automatic forward learns it here."""
        ...

    def set_post_version(self, doc_id: str, version: PostVersion, at: float) -> None:
        """Record the newest version seen of the post `doc_id` (at `at`): a delivery of an
        older one after a restart (a late automatic forward) is not indexed over it. A record
        of its removal (digest `REMOVED`) is never replaced nor forgotten: every replica sharing
        the state keeps the post out. Other old records go with the thread posts (`forget_old`'s
        `threads_before`)."""
        ...

    def post_version(self, doc_id: str) -> PostVersion | None:
        """The version `set_post_version` recorded for the post `doc_id`, if any."""
        ...

    def add_pending_post(self, doc_id: str, post: str) -> None:
        """Record a channel post waiting to be indexed (`post`: its PostArticle as JSON), under
        its article's id (a later record for the same post replaces it, its tries counted
        afresh if it differs): a restart before it is indexed reads it then, as Telegram will
        not send the post again."""
        ...

    def pending_posts(self) -> list[PendingPost]:
        """The posts recorded by `add_pending_post` and not dropped, oldest first."""
        ...

    def count_post_tries(self, doc_id: str, post: str, tries: int) -> None:
        """Record that the post recorded under `doc_id`, if it is still `post`, was tried
        `tries` times (its page could not be read)."""
        ...

    def drop_pending_post(self, doc_id: str, post: str) -> None:
        """Forget the post recorded under `doc_id`, if it is still `post` (a newer edit of it
        stays recorded)."""
        ...


@dataclass
class _Counter:
    times: deque[float] = field(default_factory=deque)
    window: float = 0.0
    refused: bool = False


class InMemoryChatState:
    """ChatState in this process's memory: lost on restart, bounded by sweeping idle counters."""

    def __init__(self) -> None:
        self._scopes: dict[int, list[str]] = {}
        self._turns: dict[int, Turn] = {}
        self._thread_turns: dict[int, OrderedDict[int, Turn]] = {}
        self._autoindex: set[int] = set()
        self._former: dict[int, list[int]] = {}
        self._counters: dict[str, _Counter] = {}
        self._sweep_at = SWEEP_AT
        self._pending: dict[str, PendingPost] = {}
        self._thread_posts: dict[tuple[int, int], tuple[str, float]] = {}
        self._post_versions: dict[str, tuple[PostVersion, float]] = {}

    def scope(self, chat_id: int) -> list[str]:
        """See ChatState."""
        return list(self._scopes.get(chat_id, ()))

    def add_pending_post(self, doc_id: str, post: str) -> None:
        """See ChatState."""
        before = self._pending.pop(doc_id, None)  # to the end: oldest first
        tries = before.tries if before is not None and before.post == post else 0
        self._pending[doc_id] = PendingPost(doc_id, post, tries)

    def pending_posts(self) -> list[PendingPost]:
        """See ChatState."""
        return list(self._pending.values())

    def count_post_tries(self, doc_id: str, post: str, tries: int) -> None:
        """See ChatState."""
        if (kept := self._pending.get(doc_id)) is not None and kept.post == post:
            self._pending[doc_id] = kept._replace(tries=tries)

    def drop_pending_post(self, doc_id: str, post: str) -> None:
        """See ChatState."""
        if (kept := self._pending.get(doc_id)) is not None and kept.post == post:
            del self._pending[doc_id]

    def set_scope(self, chat_id: int, doc_ids: Sequence[str]) -> None:
        """See ChatState."""
        if doc_ids:
            self._scopes[chat_id] = list(doc_ids)
        else:
            self._scopes.pop(chat_id, None)

    def last_turn(self, chat_id: int) -> Turn | None:
        """See ChatState."""
        return self._turns.get(chat_id)

    def set_last_turn(self, chat_id: int, turn: Turn) -> None:
        """See ChatState."""
        self._turns[chat_id] = turn

    def thread_turn(self, chat_id: int, root_id: int) -> Turn | None:
        """See ChatState."""
        return self._thread_turns.get(chat_id, {}).get(root_id)

    def set_thread_turn(self, chat_id: int, root_id: int, turn: Turn) -> None:
        """See ChatState."""
        threads = self._thread_turns.setdefault(chat_id, OrderedDict())
        threads[root_id] = turn
        threads.move_to_end(root_id)
        while len(threads) > MAX_THREAD_TURNS:
            threads.popitem(last=False)

    def autoindex(self, chat_id: int) -> bool:
        """See ChatState."""
        return chat_id in self._autoindex

    def set_autoindex(self, chat_id: int, on: bool) -> None:
        """See ChatState."""
        if on:
            self._autoindex.add(chat_id)
        else:
            self._autoindex.discard(chat_id)

    def migrate(self, old_id: int, new_id: int) -> None:
        """See ChatState."""
        if old_id == new_id or old_id in self._former.get(new_id, []):
            return
        self._former.setdefault(new_id, []).append(old_id)
        if new_id not in self._scopes and old_id in self._scopes:
            self._scopes[new_id] = list(self._scopes[old_id])
        if old_id in self._autoindex:
            self._autoindex.add(new_id)
        if new_id not in self._turns and old_id in self._turns:
            self._turns[new_id] = self._turns[old_id]

    def former_ids(self, chat_id: int) -> list[int]:
        """See ChatState."""
        return sorted(self._former.get(chat_id, []))

    def hit(self, limits: Sequence[Limit], now: float) -> Refusal | None:
        """See ChatState."""
        if len(self._counters) > self._sweep_at:
            self._forget_idle(now)
            self._sweep_at = max(SWEEP_AT, 2 * len(self._counters))
        counting = [(limit, self._recent(limit, now)) for limit in limits if limit.count > 0]
        for limit, counter in counting:
            if len(counter.times) >= limit.count:
                again, counter.refused = counter.refused, True
                return Refusal(limit.key, again)
        for _, counter in counting:
            counter.times.append(now)
            counter.refused = False
        return None

    def set_thread_post(self, chat_id: int, root_id: int, post: str, at: float) -> None:
        """See ChatState."""
        self._thread_posts.pop((chat_id, root_id), None)  # to the end: oldest first
        self._thread_posts[(chat_id, root_id)] = (post, at)

    def thread_post(self, chat_id: int, root_id: int, since: float) -> str | None:
        """See ChatState."""
        kept = self._thread_posts.get((chat_id, root_id))
        return kept[0] if kept is not None and kept[1] >= since else None

    def thread_posts(self, since: float, limit: int) -> list[ThreadPost]:
        """See ChatState."""
        recent = (
            sorted(
                (at, chat_id, root_id, post)
                for (chat_id, root_id), (post, at) in self._thread_posts.items()
                if at >= since
            )[-limit:]
            if limit > 0
            else []
        )
        return [ThreadPost(chat_id, root_id, post) for _, chat_id, root_id, post in recent]

    def set_post_version(self, doc_id: str, version: PostVersion, at: float) -> None:
        """See ChatState."""
        kept = self._post_versions.get(doc_id)
        if kept is None or kept[0].digest != REMOVED:
            self._post_versions[doc_id] = (version, at)

    def post_version(self, doc_id: str) -> PostVersion | None:
        """See ChatState."""
        kept = self._post_versions.get(doc_id)
        return kept[0] if kept is not None else None

    def forget_old(
        self, hits_before: float, turns_before: float, threads_before: float = 0.0
    ) -> int:
        """See ChatState."""
        deleted = 0
        for key, (_, at) in list(self._thread_posts.items()):
            if at < threads_before:
                del self._thread_posts[key]
                deleted += 1
        for doc_id, (version, at) in list(self._post_versions.items()):
            if at < threads_before and version.digest != REMOVED:
                del self._post_versions[doc_id]
                deleted += 1
        for key, counter in list(self._counters.items()):
            while counter.times and counter.times[0] <= hits_before:
                counter.times.popleft()
                deleted += 1
            if not counter.times:
                del self._counters[key]
        for chat_id, turn in list(self._turns.items()):
            if turn.at < turns_before:
                del self._turns[chat_id]
                deleted += 1
        for chat_id, threads in list(self._thread_turns.items()):
            for root_id, turn in list(threads.items()):
                if turn.at < turns_before:
                    del threads[root_id]
                    deleted += 1
            if not threads:
                del self._thread_turns[chat_id]
        return deleted

    def counter_keys(self) -> int:
        """How many counter keys are held now (what the counters cost in memory)."""
        return len(self._counters)

    def _recent(self, limit: Limit, now: float) -> _Counter:
        counter = self._counters.setdefault(limit.key, _Counter())
        counter.window = limit.window
        while counter.times and now - counter.times[0] >= limit.window:
            counter.times.popleft()
        return counter

    def _forget_idle(self, now: float) -> None:
        idle = [
            key
            for key, counter in self._counters.items()
            if not counter.times or now - counter.times[-1] >= counter.window
        ]
        for key in idle:
            del self._counters[key]
