"""What the bot remembers of channels and their discussion groups in this process: which
thread is about which post, which posts were indexed, and which are being indexed."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace

from telegram import Message

from articlebot.bot.threads import Thread, thread_of
from articlebot.ingest.posts import PostArticle, PostRef
from articlebot.storage.chat_state import REMOVED

log = logging.getLogger(__name__)

#: How long a post's comment thread is kept in the chat state for a restart to find again.
THREAD_POST_SECONDS = 30 * 24 * 3600.0
#: Threads remembered per discussion group (their roots and their last turns); oldest go first.
MAX_THREADS = 1_000
#: Discussion groups whose threads are remembered.
MAX_GROUPS = 1_000
#: Posts whose last indexed link and text are remembered, to skip repeats.
MAX_POSTS = 10_000
#: How long a question under a post waits for that post's article to be indexed.
INDEXING_WAIT_SECONDS = 30.0
#: How often a question under a post waiting for room looks whether it was queued.
_WAITING_LOOK_SECONDS = 0.5
#: How long a post's delivery, once seen, may take to be queued before questions under the
#: post stop waiting for it (one the gate turns away is never queued).
DELIVERY_SECONDS = 10.0
#: How often a question under a post being delivered looks whether it was queued.
_DELIVERY_LOOK_SECONDS = 0.05


@dataclass
class _Pending:
    jobs: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(frozen=True, slots=True)
class WaitingPost:
    """A post whose page could not be read (its site down or slow), to be read again at `due`
    (time.monotonic); `kept` is its record in the chat state, `tries` the reads again so far."""

    article: PostArticle
    kept: str
    tries: int
    due: float


def channel_names(entries: Iterable[str]) -> frozenset[str]:
    """The operator's channel list (ARTICLEBOT_CHANNELS: ids or @usernames) as compared."""
    return frozenset(name for entry in entries if (name := entry.strip().lstrip("@").lower()))


@dataclass
class ChannelState:
    """What the bot has seen of channels and their discussion groups in this process."""

    #: The channels the operator listed (channel_names): their posts are answered from in
    #: every chat; any other channel's posts only in the group that opted it in.
    listed: frozenset[str] = frozenset()
    #: discussion group -> (automatic forward's message id -> the channel post it copies).
    roots: OrderedDict[int, OrderedDict[int, PostRef]] = field(default_factory=OrderedDict)
    #: Threads learnt from a comment (the automatic forward not seen: privacy mode, or a
    #: restart) and not yet kept in the chat state: (discussion group, forward id, post).
    unsaved_roots: list[tuple[int, int, PostRef]] = field(default_factory=list)
    #: doc_id -> what was last indexed for that post (its link and text), to skip repeats: a
    #: post reaches a bot that is the channel's admin twice, as itself and as its forward.
    indexed: dict[str, str] = field(default_factory=dict)
    #: doc_id -> the post's indexing jobs queued or running (a question under it waits for
    #: them); as many entries at most as the indexing queue holds jobs.
    pending: dict[str, _Pending] = field(default_factory=dict)
    #: doc_id -> the newest version of the post queued (its record): an older version waiting
    #: to be read again must not replace it.
    newest: dict[str, str] = field(default_factory=dict)
    #: doc_id -> when the newest version of the post seen was made (PostArticle.version_at),
    #: whether it was an edit, and its text's digest: a delivery of an older version coming
    #: after it (a late automatic forward) is not indexed.
    versions: dict[str, tuple[int, bool, str]] = field(default_factory=dict)
    #: doc_id -> the post waiting to be read again (its page could not be read).
    waiting: dict[str, WaitingPost] = field(default_factory=dict)
    #: doc_id -> the version of the post queued and not yet started (its record): the same
    #: again (its forward) is not queued twice.
    queued: dict[str, str] = field(default_factory=dict)
    #: doc_id -> how many times an admin removed the post while it was queued or being read:
    #: the jobs queued before write nothing (one entry per /remove at most).
    removals: dict[str, int] = field(default_factory=dict)
    #: Held while the posts waiting for room are offered (post_queue.offer_waiting_posts).
    offering: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: Held while a new post is recorded and queued: posts are queued in the order they came.
    arriving: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: doc_id -> deliveries of the post (itself, its forward, an edit) seen by the first
    #: handler and not yet queued or found to hold nothing, and when (time.monotonic) the
    #: first was seen: a question fetched in the same batch is handled beside them, and was
    #: answered before its post had been queued ("This post has no article I could read").
    delivering: dict[str, tuple[int, float]] = field(default_factory=dict)

    def delivered(self, doc_id: str) -> None:
        """Note that a delivery of the post `doc_id` came (see `delivering`)."""
        if doc_id not in self.delivering and len(self.delivering) >= MAX_POSTS:
            self.delivering.clear()
        count, since = self.delivering.get(doc_id, (0, time.monotonic()))
        self.delivering[doc_id] = (count + 1, since)

    def handled(self, doc_id: str) -> None:
        """Note that a delivery of the post `doc_id` was queued or found to hold nothing."""
        count, since = self.delivering.pop(doc_id, (0, 0.0))
        if count > 1:
            self.delivering[doc_id] = (count - 1, since)

    def being_delivered(self, doc_id: str) -> bool:
        """Whether a delivery of the post `doc_id` is being handled (for `DELIVERY_SECONDS`
        at most)."""
        found = self.delivering.get(doc_id)
        if found is None:
            return False
        if time.monotonic() - found[1] > DELIVERY_SECONDS:
            del self.delivering[doc_id]
            return False
        return True

    def remember_root(self, group_id: int, forward_id: int, post: PostRef) -> None:
        """Remember that the thread rooted at `forward_id` in `group_id` is about `post`."""
        group = self.roots.setdefault(group_id, OrderedDict())
        self.roots.move_to_end(group_id)
        group[forward_id] = post
        while len(group) > MAX_THREADS:
            group.popitem(last=False)
        while len(self.roots) > MAX_GROUPS:
            self.roots.popitem(last=False)

    def take_unsaved_roots(self) -> list[tuple[int, int, PostRef]]:
        """The threads learnt from comments since the last call, to keep in the chat state."""
        taken, self.unsaved_roots = self.unsaved_roots, []
        return taken

    def is_listed(self, chat_id: int, username: str | None) -> bool:
        """Whether the operator listed a channel, by id or @username."""
        return str(chat_id) in self.listed or (username or "").lower() in self.listed

    def as_seen_in(self, group_id: int, post: PostRef) -> PostRef:
        """A channel post as its discussion group `group_id` knows it: a listed channel's post
        is everyone's, any other's is kept to that group (its /autoindex brought it in)."""
        return post.kept_in(None if self.is_listed(post.chat_id, post.username) else group_id)

    def thread(self, message: Message) -> Thread | None:
        """The post thread `message` is in, if it is in one."""
        thread = thread_of(message, self.roots.get(message.chat.id, {}))
        if thread is None:
            return None
        thread = replace(thread, post=self.as_seen_in(thread.chat_id, thread.post))
        if thread.root_id not in self.roots.get(thread.chat_id, {}):
            # Learnt from a comment on the post itself: with privacy mode on, the bot never
            # sees the automatic forward, yet later replies in the thread name only its id.
            self.remember_root(thread.chat_id, thread.root_id, thread.post)
            if len(self.unsaved_roots) < MAX_THREADS:
                self.unsaved_roots.append((thread.chat_id, thread.root_id, thread.post))
        return thread

    def mark_indexed(self, doc_id: str, signature: str) -> None:
        """Remember what was indexed for the post `doc_id` (forgetting all when full costs one
        more read of each post that is posted again)."""
        if doc_id not in self.indexed and len(self.indexed) >= MAX_POSTS:
            self.indexed.clear()
        self.indexed[doc_id] = signature

    def removed(self, doc_id: str) -> bool:
        """Whether an admin removed the post's article (`mark_removed`)."""
        newest = self.versions.get(doc_id)
        return newest is not None and newest[2] == REMOVED

    def mark_removed(self, doc_id: str, at: int) -> tuple[int, bool, str]:
        """Note that an admin removed the post's article at `at`: no version of it, a late
        forward or a later edit, is indexed again. The record to keep in the chat state."""
        if doc_id not in self.versions and len(self.versions) >= MAX_POSTS:
            self.versions.clear()
        self.versions[doc_id] = (at, True, REMOVED)
        return self.versions[doc_id]

    def outdated(self, article: PostArticle) -> bool:
        """Whether a newer version of the post was seen before `article`, or an admin removed
        it; if not, it is the newest seen (forgetting all when full lets a late old version
        through, as before)."""
        doc_id, made = article.post.doc_id, (article.version_at, article.edited)
        newest = self.versions.get(doc_id)
        if newest is not None and newest[2] == REMOVED:
            return True
        if newest is not None and made < newest[:2]:
            # Its text as the newest's (a copy of it delivered late) is no older version.
            return article.digest != newest[2]
        if doc_id not in self.versions and len(self.versions) >= MAX_POSTS:
            self.versions.clear()
        self.versions[doc_id] = (*made, article.digest)
        return False

    def expect(self, doc_id: str) -> None:
        """Note that an indexing job for the post `doc_id` was queued."""
        self.pending.setdefault(doc_id, _Pending()).jobs += 1

    def finished(self, doc_id: str) -> None:
        """Note that an indexing job for the post `doc_id` ended (or was never queued)."""
        pending = self.pending.get(doc_id)
        if pending is None:
            return
        pending.jobs -= 1
        if pending.jobs <= 0:
            del self.pending[doc_id]
            pending.done.set()

    def stop_waiting(self) -> None:
        """Let every question waiting for a post's indexing go on (the bot is stopping: the
        posts queued may never be read before it ends)."""
        for pending in self.pending.values():
            pending.done.set()

    def on_its_way(self, doc_id: str, indexed: Collection[str]) -> bool:
        """Whether the post `doc_id` is being delivered, queued or being indexed (an edit of
        it too), or, not indexed yet, waits for room in the indexing queue."""
        return (
            doc_id in self.pending
            or (doc_id in self.waiting and doc_id not in indexed)
            or self.being_delivered(doc_id)
        )

    async def settled(self, doc_id: str, stopping: threading.Event | None = None) -> None:
        """Wait (a while at most) until the post `doc_id` is neither being delivered, queued nor
        being indexed nor waiting for room, or the bot is stopping (`stopping`, or
        `stop_waiting`)."""
        try:
            async with asyncio.timeout(INDEXING_WAIT_SECONDS):
                while stopping is None or not stopping.is_set():
                    if doc_id not in self.pending and self.being_delivered(doc_id):
                        await asyncio.sleep(_DELIVERY_LOOK_SECONDS)  # it is being queued
                        continue
                    pending = self.pending.get(doc_id)
                    if pending is not None:
                        await pending.done.wait()
                        if self.pending.get(doc_id) is pending:
                            return  # the stop let every waiter go
                        continue  # done: or queued again meanwhile (an edit), or waiting
                    waiting = self.waiting.get(doc_id)
                    if waiting is None or waiting.due > time.monotonic():
                        return  # indexed, dropped, or to be read again later
                    await asyncio.sleep(_WAITING_LOOK_SECONDS)  # its turn comes with room
        except TimeoutError:
            log.warning("answering before %s is indexed: indexing takes too long", doc_id)

    def waits_for_room(self, now: float) -> bool:
        """Whether a post is due to be offered to the indexing queue (waiting for room, or
        to be read again now)."""
        return any(waiting.due <= now for waiting in self.waiting.values())

    def due(self, now: float) -> list[WaitingPost]:
        """Take the posts due to be read again at `now` (time.monotonic), oldest due first."""
        ready = sorted((w for w in self.waiting.values() if w.due <= now), key=lambda w: w.due)
        for post in ready:
            del self.waiting[post.article.post.doc_id]
        return ready
