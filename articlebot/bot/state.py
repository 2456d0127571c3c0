"""Everything the running bot holds, as one typed object: PTB gives it to every handler as
`context.bot_data` (`ContextTypes(bot_data=...)`)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from telegram.ext import CallbackContext, ExtBot

from articlebot.bot.channel_state import ChannelState, channel_names
from articlebot.bot.delivery import AnswersUnderWay
from articlebot.bot.indexing import IndexingQueue
from articlebot.bot.limits import RateLimiter
from articlebot.bot.polling import ConflictNotices
from articlebot.bot.questions import ChatTurns, QuestionQueue, Served, answer_batch
from articlebot.bot.stats import AnswerCounts
from articlebot.config import Settings
from articlebot.index.lock import giving_up_when
from articlebot.retrieval.conversation import Request
from articlebot.retrieval.retriever import Retriever
from articlebot.storage.chat_state import ChatState, InMemoryChatState
from articlebot.storage.index_store import IndexStore

if TYPE_CHECKING:
    from articlebot.storage.postgres.store import PostgresIndexStore

T = TypeVar("T")
log = logging.getLogger(__name__)
#: How long a replaced database index stays open for the questions still running on it.
RETIRE_SECONDS = 60.0


#: How many of each kind a bot remembers: update ids handled, buttons answered, chats' last
#: answers (the oldest forgotten first).
REMEMBERED = 10_000

K = TypeVar("K")
V = TypeVar("V")


class Newest(Generic[K, V]):
    """The newest `limit` keys put, each with its value, the oldest forgotten first."""

    def __init__(self, limit: int = REMEMBERED) -> None:
        self._kept: OrderedDict[K, V] = OrderedDict()
        self._limit = limit

    def put(self, key: K, value: V) -> None:
        """Remember `key` (again, as the newest) with `value`."""
        self._kept[key] = value
        self._kept.move_to_end(key)
        if len(self._kept) > self._limit:
            self._kept.popitem(last=False)

    def get(self, key: K) -> V | None:
        """The value `key` was put with, or None when it is not remembered."""
        return self._kept.get(key)

    def first_time(self, key: K, value: V) -> bool:
        """Whether `key` is not remembered; it is, with `value`, from now on."""
        if key in self._kept:
            return False
        self.put(key, value)
        return True

    def forget(self, key: K) -> None:
        """Forget `key` (nothing when it is not remembered)."""
        self._kept.pop(key, None)


@dataclass
class BotState:
    """The settings, the served retriever, the question queue, per-chat state and the small
    per-process memories of the handlers."""

    settings: Settings
    loaded: Retriever | None = None
    chats: ChatState = field(default_factory=InMemoryChatState)
    #: Serializes changes to the served index (adds, removes, reloads from disk).
    index_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: The index generation on disk last found unusable (not tried again).
    unusable_index: Path | None = None
    #: The database generation last found unusable, opened: it tells when a later one is live.
    unusable_store: PostgresIndexStore | None = None
    counts: AnswerCounts = field(default_factory=AnswerCounts)
    #: The chats told the bot is restarting while it stops (once per chat).
    told_restarting: set[tuple[int, int | None]] = field(default_factory=set)
    #: Updates answered after their handler returned (a question under a post still being
    #: read): the webhook inbox marks them done once answered, not when handled.
    answered_later: set[int] = field(default_factory=set)
    #: The ids of the updates handled lately: Telegram sends a webhook update again when its
    #: 200 did not reach it (a proxy's timeout), and it is answered once.
    recent_updates: Newest[int, None] = field(default_factory=Newest)
    #: The answers being worked on per chat (the stop notice comes after them).
    under_way: AnswersUnderWay = field(default_factory=AnswersUnderWay)
    #: Each chat's questions answered in turn, each the context of the next.
    turns: ChatTurns = field(default_factory=ChatTurns)
    #: The outside chats already told they are not served (once per chat per process).
    told_outside: set[int] = field(default_factory=set)
    #: Supergroup id -> the recording, now, that it was a group before (bot.migration).
    migrations: dict[int, asyncio.Future[None]] = field(default_factory=dict)
    #: The More / Paragraph buttons whose passages were sent already, as (chat, answer message,
    #: button data): a second press (a double tap, another member in a group) points up to
    #: them instead of sending the same passages again.
    pressed: Newest[tuple[int, int, str], None] = field(default_factory=Newest)
    #: Each chat's (forum topic's) last answer, as (chat, topic) -> (its message id, the data
    #: of its More button, "" without one): "more" typed there presses that button.
    answers: Newest[tuple[int, int | None], tuple[int, str]] = field(default_factory=Newest)
    #: (chat, user) -> (until, is admin), from getChatMember.
    chat_admins: dict[tuple[int, int], tuple[float, bool]] = field(default_factory=dict)
    #: Channel post threads seen, and the posts indexed or being indexed.
    channels: ChannelState = field(init=False)
    questions: QuestionQueue[Request, Served] = field(init=False)
    #: The one worker that reads and indexes posts, links and added articles.
    indexing: IndexingQueue = field(init=False)
    limiter: RateLimiter = field(init=False)
    #: Replaced database indexes, each closed RETIRE_SECONDS after its replacement (see serve).
    retiring: dict[asyncio.Task[None], Callable[[], None]] = field(default_factory=dict)
    #: The index the bot opened and serves (loaded at start-up, reloaded, added to), closed by
    #: it at shutdown; one it was started with belongs to whoever opened it.
    served_own: IndexStore | None = None
    #: Set when the bot begins to stop: a write still waiting for another writer gives up.
    stopping: threading.Event = field(default_factory=threading.Event)
    #: When a stop signal came (event loop time): the stop's seconds count from then, the
    #: end of polling (PTB's, before the Application's stop) included.
    stop_asked: float | None = None
    #: Polling refused (a webhook set, another poller): said once, not at every retry.
    polling_conflicts: ConflictNotices = field(default_factory=ConflictNotices)

    def __post_init__(self) -> None:
        self.channels = ChannelState(listed=channel_names(self.settings.channels))
        self.indexing = IndexingQueue(self.settings.index_queue)
        english_only = not self.settings.multilingual_model
        self.questions = QuestionQueue(
            partial(answer_batch, lambda: self.retriever, english_only),
            max_batch=self.settings.question_batch,
        )
        self.limiter = RateLimiter(
            self.settings.rate_limit,
            self.settings.rate_window,
            self.settings.chat_rate_limit,
            counters=self.chats,
        )

    async def off_loop(self, call: Callable[..., T], *args: Any) -> T:
        """`call(*args)`, a call into the chat state (directly or through the limiter), where it
        cannot hold up the event loop: on a worker thread when the store does I/O (a file or a
        database, which may be reconnecting), at once for the in-memory store."""
        if isinstance(self.chats, InMemoryChatState):
            return call(*args)
        return await asyncio.to_thread(call, *args)

    async def write(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`call(*args, **kwargs)`, a change to the index, on a worker thread, where one still
        waiting for another writer (the CLI's `index`) when the bot stops gives up with
        WriteStopped: nothing is written after the asker was told it was not."""

        def run() -> T:
            with giving_up_when(self.stopping):
                return call(*args, **kwargs)

        place, told = self.turns.current(), kwargs.get("on_wait")
        if place is not None and told is not None:
            # Waiting for another writer, the change steps aside: the chat's later questions
            # are answered meanwhile. Not waiting, they come after it, on the index it made.
            loop = asyncio.get_running_loop()

            def waiting(message: str) -> None:
                loop.call_soon_threadsafe(self.turns.leave, place)
                told(message)

            kwargs["on_wait"] = waiting
        return await asyncio.to_thread(run)

    async def remember(self, call: Callable[..., object], *args: Any) -> None:
        """`off_loop(call, *args)` for a write whose failure the asker need not hear of (the
        follow-up memory after an answer was sent, a post waiting to be indexed): logged, not
        raised."""
        try:
            await self.off_loop(call, *args)
        except Exception:
            log.warning("could not write the chat state (%s)", call.__name__, exc_info=True)

    def serve(self, index: IndexStore) -> None:
        """Answer from `index` from now on; questions already running finish on the old one.
        A replaced database index has its connections closed once they are done (after
        RETIRE_SECONDS): a bot serving many additions would otherwise keep a pool per
        generation it ever served."""
        replaced = self.retriever.index
        self.retriever = self.retriever.with_index(index)
        self.served_own = index
        close = getattr(replaced, "close", None)
        if self.settings.database_url is not None and close is not None and replaced is not index:
            task = asyncio.get_running_loop().create_task(self._retire(close))
            self.retiring[task] = close
            task.add_done_callback(lambda done: self.retiring.pop(done, None))

    async def _retire(self, close: Callable[[], None]) -> None:
        await asyncio.sleep(RETIRE_SECONDS)
        # Closing now: not to be closed again by close_retiring while this runs.
        if (task := asyncio.current_task()) is not None:
            self.retiring.pop(task, None)
        await asyncio.to_thread(_close_logged, close)

    async def close_retiring(self) -> None:
        """Close at once (at shutdown) the replaced indexes still waiting to be closed (their
        timers would never fire), the database generation kept as refused and the database
        index the bot opened and serves."""
        waiting, self.retiring = self.retiring, {}
        for task in waiting:
            task.cancel()
        for close in waiting.values():
            await asyncio.to_thread(_close_logged, close)
        await self.keep_refused(None)
        own, self.served_own = self.served_own, None
        close = getattr(own, "close", None)
        if self.settings.database_url is not None and close is not None:
            await asyncio.to_thread(_close_logged, close)

    async def keep_refused(self, store: PostgresIndexStore | None) -> None:
        """Keep `store` as the database generation found unusable (None: none is now),
        closing the one kept before."""
        previous, self.unusable_store = self.unusable_store, store
        if previous is not None:
            await asyncio.to_thread(_close_logged, previous.close)

    @property
    def retriever(self) -> Retriever:
        """The retriever serving questions now (loaded before the first update is handled)."""
        if self.loaded is None:
            raise RuntimeError("the retriever is loaded in post_init, before any update")
        return self.loaded

    @retriever.setter
    def retriever(self, retriever: Retriever) -> None:
        self.loaded = retriever


def _close_logged(close: Callable[[], None]) -> None:
    """`close()`, a failure logged: nobody waits for a replaced index's close."""
    try:
        close()
    except Exception:
        log.warning("could not close a replaced index", exc_info=True)


def bot_state_type(
    settings: Settings, retriever: Retriever | None = None, chats: ChatState | None = None
) -> type[BotState]:
    """BotState as ContextTypes takes it: a class PTB instantiates without arguments, bound to
    this bot's settings, retriever (None: loaded in post_init) and chat state."""

    class ConfiguredBotState(BotState):
        def __init__(self) -> None:
            super().__init__(
                settings, retriever, chats if chats is not None else InMemoryChatState()
            )

    return ConfiguredBotState


#: The context every handler and job gets.
BotContext = CallbackContext[ExtBot[None], dict, dict, BotState]
