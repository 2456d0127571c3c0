"""One background worker that reads and indexes what the chats bring in (channel posts, links
admins post, articles added with /add), one at a time, from a queue of fixed size.

The handlers only queue the work and return: fetching, chunking, embedding and writing never
hold an update handler, so a flood of posts cannot keep questions waiting, and what is waiting
is bounded: when the queue is full, new work is refused (the caller says so) and what is
already queued is kept. The operator's work (listed channels' posts, admins' articles) runs
before groups' own posts (one of theirs after every `OPERATOR_RUN` of the operator's):
strangers' groups with /autoindex cannot hold it up.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: One piece of indexing work; it reports its own outcome (a reply, a log line).
Job = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Queued:
    what: str
    job: Job
    #: Said when a stop drops the job (the admin who asked is told to ask again), if anything.
    dropped: Job | None = None
    #: The group whose own post it is (its /autoindex brought it in), if any.
    owner: int | None = None
    #: The chat of the admin who asked for it (an upload, a link), if any.
    chat: int | None = None


#: How many of the operator's jobs run in a row, at most, while a group's own wait.
OPERATOR_RUN = 4

#: How often `settled_for` looks again.
SETTLED_POLL_SECONDS = 0.2

#: How long the notices about dropped jobs may take, at most, once the stop's time is up.
NOTICE_TIMEOUT = 3.0


class IndexingQueue:
    """Up to `capacity` jobs waiting, run by one task between start() and stop(): the
    operator's in order before groups' own in order (`_next`)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        #: Run after each job, when there is room again (posts waiting for it are offered).
        self.after_each: Job | None = None
        self._operator: deque[_Queued] = deque()
        self._groups: deque[_Queued] = deque()
        self._operator_run = 0  # the operator's jobs run in a row while groups' waited
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._running: _Queued | None = None
        # A group's own posts queued or running, per group: one group's links take a share of
        # the queue only, so they cannot keep the operator's channels and /add waiting.
        self._owned: dict[int, int] = {}
        self.share = max(1, self.capacity // 4)
        #: All groups' own posts together: half the queue, the rest kept for the operator's.
        self.groups_share = max(1, self.capacity // 2)

    @property
    def stopping(self) -> bool:
        """Whether stop() was called: offers are refused from then on."""
        return self._closed

    @property
    def waiting(self) -> int:
        """Jobs queued and not started yet."""
        return len(self._operator) + len(self._groups)

    def jobs_of(self, owner: int) -> int:
        """The group `owner`'s own jobs queued or running."""
        return self._owned.get(owner, 0)

    def has_room(self, owner: int | None = None) -> bool:
        """Whether a job (of the group `owner`'s own) would be taken now."""
        if self.waiting >= self.capacity:
            return False
        return owner is None or (
            self._owned.get(owner, 0) < self.share and sum(self._owned.values()) < self.groups_share
        )

    def offer(
        self,
        what: str,
        job: Job,
        dropped: Job | None = None,
        owner: int | None = None,
        chat: int | None = None,
    ) -> bool:
        """Queue `job` (`what` names it in the log); False, with a log line, when the queue is
        full or stopping, or holds the group `owner`'s share of its own posts already: the job
        will not run. `dropped` is run if a stop drops the job."""
        if self._closed:
            log.info("not indexing %s: the bot is stopping", what)
            return False
        if not self.has_room(owner):
            log.warning("indexing queue full for %s (%d waiting)", what, self.waiting)
            return False
        queued = _Queued(what, job, dropped, owner, chat)
        if owner is None:
            self._operator.append(queued)
        else:
            self._owned[owner] = self._owned.get(owner, 0) + 1
            self._groups.append(queued)
        self._wake.set()
        return True

    def busy_for(self, chat: int) -> bool:
        """Whether a job asked for in `chat` is queued or running."""
        jobs = [*self._operator, *self._groups, *([self._running] if self._running else [])]
        return any(queued.chat == chat for queued in jobs)

    async def settled_for(self, chat: int, timeout: float) -> None:
        """Wait (at most `timeout` seconds) until no job asked for in `chat` is queued or
        running: its upload or link is in the index, or said to have failed."""
        loop = asyncio.get_running_loop()
        until = loop.time() + timeout
        while self.busy_for(chat) and loop.time() < until and not self._closed:
            await asyncio.sleep(SETTLED_POLL_SECONDS)

    def _next(self) -> _Queued | None:
        """The next job to run: the operator's first (a group's share bounds how many of its
        own wait, not how long the worker spends on them), but a group's after every
        `OPERATOR_RUN` of the operator's in a row (a channel posting without pause must not
        hold the groups' back for ever); None when there is none."""
        if self._groups and (not self._operator or self._operator_run >= OPERATOR_RUN):
            self._operator_run = 0
            return self._groups.popleft()
        if self._operator:
            self._operator_run = self._operator_run + 1 if self._groups else 0
            return self._operator.popleft()
        return None

    def _done(self, queued: _Queued) -> None:
        if queued.owner is not None:
            left = self._owned.get(queued.owner, 1) - 1
            if left > 0:
                self._owned[queued.owner] = left
            else:
                self._owned.pop(queued.owner, None)

    def start(self) -> None:
        """Start the worker (in the running event loop)."""
        if self._task is None and not self._closed:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="indexing")

    async def _run(self) -> None:
        while True:
            queued = self._next()
            if queued is None:
                if self._closed:
                    return  # stop() waits for the jobs queued before it, then the worker ends
                self._wake.clear()
                await self._wake.wait()
                continue
            self._running = queued  # left set when a stop cancels it: stop() tells its asker
            try:
                await queued.job()
            except Exception:  # one bad post or page must not stop the indexing of the rest
                log.exception("could not index %s", queued.what)
            finally:
                self._done(queued)
            self._running = None
            if self.after_each is not None and not self._closed:
                try:
                    await self.after_each()
                except Exception:
                    log.exception("after indexing %s", queued.what)

    async def stop(self, timeout: float) -> None:
        """Take no new jobs, run those queued for up to `timeout` seconds, then cancel what is
        left (logged)."""
        self._closed = True
        task, self._task = self._task, None
        if task is None or task.done():
            return
        self._wake.set()  # the worker runs what is queued, then ends
        try:
            await asyncio.wait_for(task, timeout)
        except TimeoutError:
            dropped = [*self._operator, *self._groups]
            self._operator.clear()
            self._groups.clear()
            log.warning(
                "stopped indexing: the job running cancelled, %d queued not started", len(dropped)
            )
            running, self._running = self._running, None
            notices = [q.dropped() for q in (running, *dropped) if q is not None and q.dropped]
            if notices:
                await asyncio.wait(
                    [asyncio.ensure_future(notice) for notice in notices], timeout=NOTICE_TIMEOUT
                )
