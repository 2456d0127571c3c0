"""Questions from every chat, answered together in batches off the event loop.

Encoding a batch of short questions in one model run costs each of them about half of what it
costs alone, so questions that arrive while others are being answered wait for the next batch
rather than each taking a worker thread of its own: one thread per question also left the
threads and the event loop fighting over the interpreter lock. A lone question starts at once.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import (
    AsyncIterator,
    Callable,
    Collection,
    Hashable,
    Iterator,
    Sequence,
)
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Generic, TypeVar

from articlebot.ingest.posts import visible_in

if TYPE_CHECKING:
    from articlebot.retrieval.conversation import Request, Turn
    from articlebot.retrieval.results import Answer
    from articlebot.retrieval.retriever import Retriever
    from articlebot.storage.index_store import IndexStore

RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")

#: Batches answered at the same time. With two, one batch is ranked while the next is encoded;
#: measured with 64 askers on two cores: 5.8 ms per question with one batch at a time, 4.6 ms
#: with two, 4.5 ms with three.
RUNNING_BATCHES = 2


class QueueClosed(Exception):
    """The bot is stopping: the question was not answered and no new ones are taken."""


@dataclass(frozen=True, slots=True)
class Served:
    """A question's answer, the turn the chat keeps for follow-ups, and the retriever that gave
    the answer (the served index may change while the answer is being delivered)."""

    answer: Answer
    turn: Turn
    retriever: Retriever
    #: The articles the question was searched in (what "not in the N articles" counts).
    articles: int


def visible_scope(
    index: IndexStore,
    chosen: Collection[str] | None,
    chat_id: int | None,
    former: tuple[int, ...] = (),
) -> list[str] | None:
    """The articles of `index` a question from chat `chat_id` (None: no chat, an inline
    query; `former`: its ids before) searches, or None for all of them: `chosen` (None: any),
    less other groups' own."""
    if chosen is not None:
        return visible_in(chosen, chat_id, former)
    visible = visible_in(index.doc_order, chat_id, former)
    return None if len(visible) == len(index.documents) else visible


def answer_batch(
    current: Callable[[], Retriever], english_only: bool, requests: Sequence[Request]
) -> list[Served]:
    """Answer a batch of chats' questions with the retriever served now, each searching only
    what its chat may see in that retriever's index: a group's own article served while a
    question waited must not answer another chat."""
    from articlebot.retrieval.conversation import answer_requests, articles_meant

    retriever = current()
    index = retriever.index
    scopes: dict[tuple[int | None, tuple[int, ...], tuple[str, ...] | None], list[str] | None] = {}
    shelves: dict[tuple[int | None, tuple[int, ...]], list[str]] = {}
    scoped = []
    for request in requests:
        chosen = tuple(request.doc_ids) if request.doc_ids is not None else None
        key = (request.chat_id, request.former, chosen)
        if key not in scopes:  # one pass over the index per chat and scope, not per question
            scopes[key] = visible_scope(index, chosen, request.chat_id, request.former)
        chat = (request.chat_id, request.former)
        if chat not in shelves:
            # What the chat may see: "do you have an article about the ferry" under a post
            # asks of all of it, not of the post's article alone.
            shelves[chat] = visible_in(index.doc_order, request.chat_id, request.former)
        scoped.append(replace(request, doc_ids=scopes[key], seen=shelves[chat]))
    return [
        Served(
            answer,
            turn,
            retriever,
            articles_meant(
                request.previous,
                answer,
                len(index.documents if request.doc_ids is None else request.doc_ids),
                now=request.at,
            ),
        )
        for (answer, turn), request in zip(
            answer_requests(retriever, scoped, english_only=english_only), scoped, strict=True
        )
    ]


class _Place:
    """A question's place in its chat's line (see ChatTurns)."""

    __slots__ = ("key", "left", "ready")

    def __init__(self, key: Hashable) -> None:
        self.key = key
        self.ready = asyncio.Event()
        self.left = False


#: The place the update being handled took in its chat's line when it arrived (ChatTurns.arrived).
_ARRIVED: ContextVar[_Place | None] = ContextVar("articlebot_arrived", default=None)


class ChatTurns:
    """One question at a time per chat, in the order asked, so that a follow-up sent before
    the answer to the question it follows ("who was swapped?", "how old is he?" in one go, or
    all at once after the bot was down) has that answer as its context, and the answers go out
    in that order. Other chats' questions still go together in batches.

    The order is the order the updates arrived in (`arrived`), not the order their handlers
    reach `turn`: those first await the rate limits and the chat state on worker threads,
    which finish in any order under load."""

    def __init__(self) -> None:
        #: chat (or a chat's post thread) -> the places taken in it, the first one's turn now.
        self._lines: dict[Hashable, deque[_Place]] = {}

    @contextmanager
    def arrived(self, key: Hashable | None) -> Iterator[None]:
        """Hold the place in `key`'s line (None: no chat) of the update handled inside, taken
        now, before anything awaits: its `turn` there comes after those of the updates that
        arrived before it. An update that asks nothing gives up its place at the end."""
        if key is None:
            yield
            return
        place = self._line_up(key)
        token = _ARRIVED.set(place)
        try:
            yield
        finally:
            _ARRIVED.reset(token)
            self.leave(place)

    def current(self) -> _Place | None:
        """The place of the update being handled (for `leave`), if it holds one."""
        return _ARRIVED.get()

    @asynccontextmanager
    async def turn(self, chat_id: Hashable) -> AsyncIterator[None]:
        """The block runs once the questions asked before in `chat_id` (a chat, or a chat and
        the post whose thread it is) are answered."""
        place = _ARRIVED.get()
        if place is None or place.key != chat_id or place.left:
            place = self._line_up(chat_id)
        try:
            await place.ready.wait()
            yield
        finally:
            self.leave(place)

    def _line_up(self, key: Hashable) -> _Place:
        place = _Place(key)
        line = self._lines.setdefault(key, deque())
        line.append(place)
        if len(line) == 1:
            place.ready.set()
        return place

    def leave(self, place: _Place) -> None:
        """Give up `place` (once; again is nothing), the next in its line taking its turn: at
        the end of its update or turn, or earlier where a change to the index waits for
        another writer (a long `articlebot index`), which is not to hold up the chat's
        questions after it."""
        if place.left:
            return
        place.left = True
        line = self._lines[place.key]
        line.remove(place)
        if not line:
            del self._lines[place.key]
        elif not line[0].ready.is_set():
            line[0].ready.set()


class QuestionQueue(Generic[RequestT, ResultT]):
    """Runs `answer(requests)` in worker threads, up to `max_batch` requests at a time;
    `on_batch` is told the size of each batch as it starts (to measure batching)."""

    def __init__(
        self,
        answer: Callable[[Sequence[RequestT]], Sequence[ResultT]],
        max_batch: int = 32,
        running: int = RUNNING_BATCHES,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self._answer = answer
        self.max_batch = max(1, max_batch)
        self.max_running = max(1, running)
        self._on_batch = on_batch
        self._waiting: list[tuple[RequestT, asyncio.Future[ResultT]]] = []
        self._running = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    async def ask(self, request: RequestT) -> ResultT:
        """The result for `request`, answered with whatever else is waiting; QueueClosed once
        the queue is closed."""
        if self._closed:
            raise QueueClosed
        loop = asyncio.get_running_loop()
        future: asyncio.Future[ResultT] = loop.create_future()
        self._waiting.append((request, future))
        if self._running < self.max_running:
            self._running += 1
            task = loop.create_task(self._drain())
            self._tasks.add(task)  # a reference, so the task is not collected mid-run
            task.add_done_callback(self._tasks.discard)
        return await future

    def close(self) -> None:
        """Take no more questions and refuse those waiting (QueueClosed); the batches being
        answered finish."""
        self._closed = True
        waiting, self._waiting = self._waiting, []
        for _, future in waiting:
            if not future.done():
                future.set_exception(QueueClosed())

    async def _drain(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[: self.max_batch]
                del self._waiting[: self.max_batch]
                # An asker that gave up (its handler was cancelled) needs no answer.
                batch = [(request, future) for request, future in batch if not future.done()]
                if batch:
                    await self._run(batch)
        finally:
            self._running -= 1

    async def _run(self, batch: list[tuple[RequestT, asyncio.Future[ResultT]]]) -> None:
        if self._on_batch is not None:
            self._on_batch(len(batch))
        try:
            results = await asyncio.to_thread(self._answer, [request for request, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"{len(results)} results for {len(batch)} questions")
        except asyncio.CancelledError:
            for _, future in batch:
                future.cancel()
            raise
        except Exception as exc:
            if len(batch) > 1:
                # Once more one by one, so that a question that breaks answering fails alone.
                for item in batch:
                    await self._run([item])
                return
            if not batch[0][1].done():
                batch[0][1].set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
