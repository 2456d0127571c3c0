"""Building and running the Telegram Application (polling or webhook)."""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import re
import secrets
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlparse

from telegram import Bot, BotCommand, Message, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from articlebot.bot import articles, channels, handlers, post_queue
from articlebot.bot.access import gate, limited
from articlebot.bot.chat_sweep import schedule_chat_sweep
from articlebot.bot.delivery import BotApiCalls
from articlebot.bot.inbox import InboxQueue, schedule_inbox
from articlebot.bot.index_reload import schedule_index_reload
from articlebot.bot.migration import record_migration
from articlebot.bot.polling import install_stop_filter, warn_of_replaced_webhook
from articlebot.bot.post_answers import restore_threads
from articlebot.bot.state import BotState, bot_state_type
from articlebot.config import Settings, bot_token, bot_token_problem
from articlebot.masking import REDACTED, masked_url, token_pattern, without_password
from articlebot.retrieval.retriever import Retriever
from articlebot.storage.chat_state import ChatState

if TYPE_CHECKING:
    from articlebot.storage.postgres.updates import UpdateInbox

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("ask", "Ask a question about the article"),
    BotCommand("source", "Which articles I know"),
    BotCommand("summary", "The article in a few sentences"),
    BotCommand("help", "How to ask me"),
    BotCommand("articles", "The indexed articles and their ids"),
    BotCommand("use", "Ask only one article (/use ID), or all of them (/use all)"),
]


class TokenRedactor(logging.Filter):
    """Masks the bot token in every log record (PTB's HTTP client logs URLs holding it, and a
    server's error page may echo the URL back), its traceback and stack included."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._pattern = token_pattern(token) if token else None

    def redact(self, text: str) -> str:
        """`text` with every form of the token replaced."""
        return self._pattern.sub(REDACTED, text) if self._pattern is not None else text

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record with the token masked; never drops a record."""
        if self._pattern is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: logging reports it; still mask what it holds
            message = f"{record.msg} {record.args!r}"
        record.msg = self.redact(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            # Formatters cache the formatted traceback here; filling it now means the
            # traceback that gets printed is the redacted one.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class RedactingStream(io.TextIOBase):
    """A text stream that masks the token in what is written to it: covers print(), warnings
    and the traceback of an uncaught exception, which bypass logging."""

    def __init__(self, stream: TextIO, redactor: TokenRedactor) -> None:
        super().__init__()
        self._stream = stream
        self._redactor = redactor

    def write(self, text: str) -> int:
        """Write `text` with the token masked."""
        self._stream.write(self._redactor.redact(text))
        return len(text)

    def flush(self) -> None:
        """Flush the wrapped stream."""
        self._stream.flush()

    def isatty(self) -> bool:
        """Whether the wrapped stream is a terminal."""
        return self._stream.isatty()

    def fileno(self) -> int:
        """The wrapped stream's file descriptor."""
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The wrapped stream's encoding."""
        return getattr(self._stream, "encoding", "utf-8")

    def __getattr__(self, name: str) -> object:
        # Whatever else a library looks for on sys.stderr (reconfigure, line_buffering...).
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._stream, name)


def install_token_redaction(token: str) -> TokenRedactor:
    """Mask `token` in everything logged through the root logger and written to stdout/stderr."""
    redactor = TokenRedactor(token)
    if not isinstance(sys.stderr, RedactingStream):
        sys.stderr = RedactingStream(sys.stderr, redactor)
    if not isinstance(sys.stdout, RedactingStream):
        sys.stdout = RedactingStream(sys.stdout, redactor)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING)
    for handler in root.handlers:
        handler.addFilter(redactor)
    return redactor


#: Of stop_seconds, what is kept at the end for the "I'm restarting" notices: Telegram lets a
#: bot send a message to a group every 3 s once its burst is spent.
NOTICE_SECONDS = 3.5

#: getUpdates' own timeouts (connect, send, answer; a long poll's answer has its poll seconds
#: besides): PTB's last call at a stop, confirming the updates fetched, waits out these with
#: Telegram unreachable, out of stop_seconds (PTB's 5 s each had made a stop of 8 s take 17).
POLL_CALL_SECONDS = 2.0


class ArticleBotApplication(Application[Any, Any, dict, dict, BotState, Any]):
    """The Application, stopping within settings.stop_seconds.

    PTB's stop() waits for every handler still running, and answers queued behind Telegram's
    per-group flood limit took minutes (117 s for 60 questions in one group). So first: the
    question queue refuses the questions still waiting, Bot API calls get a deadline, and each
    chat left without its answer is told once to ask again; the indexing worker takes no new
    work and gets until that deadline for what is queued. The updates are not handed back to
    Telegram instead: PTB confirms them when fetched (polling) or answers 200 at once (webhook),
    so Telegram would not send them again.
    """

    async def stop(self) -> None:
        """Stop in time: see the class."""
        if not self.running:
            await super().stop()
            return
        state = self.bot_data
        # What the end of polling left of the stop's seconds (a signal's time is kept).
        now = asyncio.get_running_loop().time()
        spent = now - state.stop_asked if state.stop_asked is not None else 0.0
        left = max(state.settings.stop_seconds - spent, 1.0)
        log.info("stopping within %.0fs", left)
        state.stopping.set()
        state.questions.close()
        state.channels.stop_waiting()
        deadline = max(left - NOTICE_SECONDS, 1.0)
        calls = self.bot.rate_limiter
        if isinstance(calls, BotApiCalls):
            calls.begin_stop(deadline, left - 0.5)
        # The indexing queued gets the time the stop has (its work is not one of PTB's
        # handlers, so PTB would not wait for it); what is left then is dropped, logged.
        await asyncio.gather(self.bot_data.indexing.stop(deadline), super().stop())

    async def shutdown(self) -> None:
        """Shut down, with the indexing worker ended even when the Application never ran, and
        the replaced database indexes still waiting to be closed closed."""
        await self.bot_data.indexing.stop(0)
        await self.bot_data.close_retiring()
        await super().shutdown()

    async def process_update(self, update: object) -> None:
        """Handle the update, a message holding its place among its chat's questions from the
        start (`arrival_line`); then, with the webhook inbox, mark it done for every replica.
        An update delivered again (a webhook whose 200 never reached Telegram) is dropped; the
        database's inbox drops those itself, for every replica."""
        if (
            isinstance(update, Update)
            and not isinstance(self.update_queue, InboxQueue)
            and not self.bot_data.recent_updates.first_time(update.update_id, None)
        ):
            log.info("update %d delivered again: already handled", update.update_id)
            return
        try:
            # Taken here, as it arrives: PTB starts each update's handling in the order they
            # came, and the handlers' first awaits finish in any order.
            with self.bot_data.turns.arrived(arrival_line(update)):
                await super().process_update(update)
        finally:
            if (
                isinstance(self.update_queue, InboxQueue)
                and isinstance(update, Update)
                and update.update_id not in self.bot_data.answered_later
            ):
                await self.update_queue.finished(update.update_id)


def arrival_line(update: object) -> int | None:
    """The chat whose questions an update takes its place among (ChatTurns.arrived): that of
    a new message, else None."""
    if isinstance(update, Update) and update.message is not None:
        return update.message.chat_id
    return None


def api_urls(api_url: str | None) -> dict[str, str]:
    """base_url and base_file_url for a self-hosted Bot API server given by its root URL."""
    if not api_url:
        return {}
    root = api_url.rstrip("/")
    return {"base_url": f"{root}/bot", "base_file_url": f"{root}/file/bot"}


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments for run_webhook / start_webhook from the settings."""
    assert settings.webhook_url is not None
    secret = (
        settings.webhook_secret.get_secret_value()
        if settings.webhook_secret is not None
        else secrets.token_urlsafe(32)
    )
    return {
        "listen": settings.listen,
        "port": settings.port,
        "url_path": urlparse(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
    }


class _LinkOnly(filters.MessageFilter):
    """A message of links to add, as `articles.is_link` reads one."""

    def filter(self, message: Message) -> bool:
        return articles.is_link(message.text)


def add_handlers(application: ArticleBotApplication) -> None:
    """Register every handler, the gate for bots and edits first; every kind of request is
    rate-limited (group messages once they turn out to be for the bot)."""
    new_messages = filters.UpdateType.MESSAGE
    admins = filters.User(user_id=application.bot_data.settings.admin_ids)
    # Links alone, "https://...", "www.example.com/x" or "example.com/x" (Telegram shows each
    # as a link): articles to add. Not "www.example.com." and such: asked as a question.
    link_only = _LinkOnly()
    # Before the gate: an upgraded group's first questions are gated as the group it was.
    application.add_handler(
        MessageHandler(filters.StatusUpdate.MIGRATE, record_migration), group=-4
    )
    application.add_handler(TypeHandler(Update, gate), group=-2)
    # Before the usual question handlers: a question under a channel post is about that post.
    channels.add_channel_handlers(application)
    application.add_handler(
        CommandHandler(["start", "help"], limited(handlers.start), new_messages)
    )
    application.add_handler(CommandHandler("source", limited(handlers.source), new_messages))
    application.add_handler(CommandHandler("ask", limited(handlers.ask), new_messages))
    application.add_handler(CommandHandler("summary", limited(handlers.summary), new_messages))
    application.add_handler(CommandHandler("stats", limited(handlers.stats), new_messages))
    application.add_handler(CommandHandler("articles", limited(articles.articles), new_messages))
    application.add_handler(CommandHandler("use", limited(articles.use), new_messages))
    application.add_handler(CommandHandler("add", limited(articles.add), new_messages))
    application.add_handler(CommandHandler("remove", limited(articles.remove), new_messages))
    application.add_handler(
        MessageHandler(
            new_messages & filters.ChatType.PRIVATE & link_only & admins,
            limited(articles.admin_link),
        )
    )
    application.add_handler(
        MessageHandler(
            new_messages & filters.ChatType.PRIVATE & filters.Document.ALL & admins,
            limited(articles.admin_document),
        )
    )
    application.add_handler(
        MessageHandler(
            new_messages & filters.ChatType.PRIVATE & (link_only | filters.Document.ALL) & ~admins,
            limited(articles.not_admin_article),
        )
    )
    application.add_handler(
        MessageHandler(
            new_messages & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
            limited(handlers.private_text),
        )
    )
    application.add_handler(
        MessageHandler(
            # A photo's caption mentioning the bot asks it too.
            new_messages
            & filters.ChatType.GROUPS
            & (filters.TEXT | filters.CAPTION)
            & ~filters.COMMAND,
            handlers.group_text,
        )
    )
    application.add_handler(
        MessageHandler(
            new_messages & filters.ChatType.PRIVATE & filters.COMMAND,
            limited(handlers.unknown_command),
        )
    )
    application.add_handler(
        MessageHandler(
            new_messages & filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
            limited(handlers.non_text),
        )
    )
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(InlineQueryHandler(handlers.inline_query))
    application.add_error_handler(handlers.on_error)


def build_application(
    settings: Settings,
    token: str,
    retriever: Retriever | None = None,
    chats: ChatState | None = None,
    inbox: UpdateInbox | None = None,
) -> ArticleBotApplication:
    """The bot's Application; the retriever is loaded in post_init unless one is given, chat
    state is kept in memory unless a `chats` store is given, and with an `inbox` (webhook
    replicas on one database) every update is recorded there and handled once."""

    async def post_init(application: ArticleBotApplication) -> None:
        state = application.bot_data
        if state.loaded is None:
            from articlebot.collection import open_retriever

            where = (
                masked_url(settings.database_url.get_secret_value())
                if settings.database_url is not None
                else settings.index_dir
            )
            log.info("loading the model and index from %s", where)
            state.retriever = await asyncio.to_thread(open_retriever, settings)
            state.served_own = state.retriever.index  # the bot's: closed at its shutdown
        loaded = state.retriever
        assert application.job_queue is not None  # PTB makes one: APScheduler is installed
        schedule_index_reload(application.job_queue)
        state.indexing.after_each = functools.partial(post_queue.offer_waiting_posts, state)
        state.indexing.start()
        await post_queue.queue_pending_posts(state)
        await restore_threads(state)
        post_queue.schedule_post_retries(application.job_queue, settings)
        schedule_chat_sweep(application.job_queue)
        if inbox is not None:
            schedule_inbox(application.job_queue, inbox.lease_seconds)
        log.info(
            "serving %d document(s), %d passages as @%s",
            len(loaded.index.documents),
            len(loaded.index.passages),
            application.bot.username,
        )
        await application.bot.set_my_commands(COMMANDS)
        if not settings.webhook_url:
            await warn_of_replaced_webhook(application.bot)
            # Said here, once the model and index are loaded: updates are fetched only now.
            where = masked_url(settings.api_url) if settings.api_url else "api.telegram.org"
            log.info("polling %s for updates", where)

    builder = (
        ApplicationBuilder()
        .application_class(ArticleBotApplication)
        .context_types(ContextTypes(bot_data=bot_state_type(settings, retriever, chats)))
        .token(token)
        .concurrent_updates(64)
        .rate_limiter(BotApiCalls())
        .get_updates_connect_timeout(POLL_CALL_SECONDS)
        .get_updates_write_timeout(POLL_CALL_SECONDS)
        .get_updates_read_timeout(POLL_CALL_SECONDS)
        # Replies quote the question; one deleted meanwhile still gets its answer.
        .defaults(Defaults(allow_sending_without_reply=True))
        .post_init(post_init)
    )
    for name, value in api_urls(settings.api_url).items():
        builder = getattr(builder, name)(value)
    if inbox is not None:
        builder = builder.update_queue(InboxQueue(inbox))
    application: ArticleBotApplication = builder.build()  # type: ignore[assignment]
    add_handlers(application)
    install_stop_filter()
    return application


async def check_token(settings: Settings, token: str) -> str:
    """Ask the Bot API who we are (getMe); raises InvalidToken or NetworkError early."""
    async with Bot(token, **api_urls(settings.api_url)) as bot:
        return bot.username


#: PTB's words for a reply that is no Bot API JSON, with the whole reply (a web server's error
#: page, kilobytes of HTML) quoted in them.
_UNPARSED = re.compile(r"\.?\s*Parsing the server response .* failed\.?$", re.DOTALL)


def one_line_reason(reason: str, limit: int = 300) -> str:
    """An error's text fit for one line of stderr: "Not Implemented (501): not a Bot API reply"
    for the page a web server answered with, and never kilobytes long."""
    reason = " ".join(_UNPARSED.sub(": not a Bot API reply", reason).split())
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"


def unreached_line(exc: TelegramError, where: str, safe: Callable[[str], str]) -> str | None:
    """The line for a Bot API call at `where` that failed before the Bot API could say
    anything: the network, or a web server or proxy answering there with its own page (a
    proxy's 401 is not Telegram rejecting the token). None for the Bot API's own refusals.
    `safe` makes an error's text fit to print (`one_line_reason`, the token and passwords
    masked)."""
    # PTB words a rejected token anew, keeping the reply's own words as the cause.
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, InvalidToken) and isinstance(cause, TelegramError):
        exc = cause
    reason = safe(str(exc))
    if str(exc) == "Invalid server response":  # a page with a 2xx status
        reason = "a web page, not a Bot API reply"
    elif not (isinstance(exc, NetworkError) or reason.endswith(": not a Bot API reply")):
        return None
    return f"cannot reach the Bot API at {where} ({reason})"


def refused_line(exc: InvalidToken, where: str, self_hosted: bool) -> str:
    """The line for the Bot API at `where` refusing the bot (InvalidToken). PTB raises it for
    a 401 (the token rejected) and for a 404, which a server of ours (`self_hosted`) gives as
    well when the URL is no Bot API root (a path, PTB's own `/bot`, after it)."""
    cause = exc.__cause__ or exc.__context__
    said = str(cause if isinstance(cause, TelegramError) else exc)
    if not self_hosted or said.lower().startswith("unauthorized"):
        return f"the Bot API at {where} rejected the bot token (check TELEGRAM_BOT_TOKEN)"
    return (
        f"the Bot API at {where} rejected the bot token, or is no Bot API server at that URL"
        " (check TELEGRAM_BOT_TOKEN, and that --api-url or ARTICLEBOT_API_URL is the server's"
        " root URL, without /bot)"
    )


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGABRT)


def stop_once_on_signals(loop: asyncio.AbstractEventLoop, state: BotState) -> None:
    """Ctrl-C, SIGTERM and SIGABRT stop the bot as PTB's own handlers do, the stop's seconds
    counted from the first (`state.stop_asked`); one arriving while it stops is logged and
    left: PTB's went on raising SystemExit inside the stop, which broke off the answers in
    flight and the chats' notices with tracebacks (a second Ctrl-C)."""

    def stop() -> None:
        if state.stop_asked is not None:
            log.warning(
                "already stopping: within %.0fs of the first signal", state.settings.stop_seconds
            )
            return
        state.stop_asked = loop.time()
        raise SystemExit  # ends run_forever, or the start-up under way, as PTB's handler does

    for number in STOP_SIGNALS:
        loop.add_signal_handler(number, stop)


def _stop_once_while_starting() -> None:
    """Between the token's check and the bot's loop (the chat state opened), a stop signal
    ends the start with exit status 0, as one later does, and a second one is ignored:
    SIGTERM had killed it (status -15) and a second Ctrl-C broke off the exit (-2)."""

    def stop(_signum: int, _frame: object) -> None:
        _ignore_stop_signals()
        raise SystemExit(0)

    for number in STOP_SIGNALS:
        signal.signal(number, stop)


def _ignore_stop_signals() -> None:
    """Stopped: a signal now would kill the exit half way."""
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)


async def _checked_unless_stopped(settings: Settings, token: str) -> str | None:
    """`check_token`, or None when a stop signal comes first (later ones do nothing)."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    if task is None:  # not run as a task (asyncio.run always runs it as one)
        return await check_token(settings, token)

    def stop() -> None:
        for number in STOP_SIGNALS:
            loop.add_signal_handler(number, lambda: None)
        task.cancel()

    for number in STOP_SIGNALS:
        loop.add_signal_handler(number, stop)
    try:
        return await check_token(settings, token)
    except asyncio.CancelledError:
        return None
    finally:
        for number in STOP_SIGNALS:
            loop.remove_signal_handler(number)


def run_bot(settings: Settings, retriever: Retriever | None = None) -> int:
    """Run until interrupted; one clear line on start-up failures: exit status 2 for a missing
    or malformed token (as `webhook`), 1 for the rest."""
    token = bot_token(settings)
    problem = bot_token_problem(token)
    if problem is not None:
        print(f"articlebot: error: {problem}", file=sys.stderr)
        return 2
    redactor = install_token_redaction(token)
    api_url = settings.api_url or ""
    where = masked_url(api_url) if api_url else "api.telegram.org"
    _stop_once_while_starting()
    try:
        # Fail fast with one line, before PTB's bootstrap logs tracebacks for the same problem.
        try:
            username = asyncio.run(_checked_unless_stopped(settings, token))
        except (AttributeError, TypeError, KeyError, ValueError):
            # PTB reads a getMe reply of another shape into attribute and type errors.
            print(f"articlebot: error: {where} did not answer as the Bot API does", file=sys.stderr)
            return 1
        if username is None:
            _ignore_stop_signals()
            return 0  # stopped while starting
        _stop_once_while_starting()  # the check's loop took its handlers back
        log.info("connected to %s as @%s", where, username)
        if settings.channels:
            log.info("indexing the posts of %s", ", ".join(settings.channels))
        from articlebot.collection import open_chat_state, open_inbox

        application = build_application(
            settings, token, retriever, open_chat_state(settings), open_inbox(settings)
        )
        # The loop PTB runs on (it takes the current one), with our stop signals.
        asyncio.set_event_loop(loop := asyncio.new_event_loop())
        stop_once_on_signals(loop, application.bot_data)
        if settings.webhook_url:
            options = webhook_options(settings)
            log.info("webhook mode on %s:%s", options["listen"], options["port"])
            application.run_webhook(allowed_updates=Update.ALL_TYPES, stop_signals=None, **options)
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=None)
        _ignore_stop_signals()  # stopped, its loop closed (a signal had made it status -2)
    except TelegramError as exc:

        def safe(text: str) -> str:
            return one_line_reason(without_password(redactor.redact(text), api_url))

        reason = safe(str(exc))
        line = unreached_line(exc, where, safe)
        if line is None and isinstance(exc, InvalidToken):
            line = refused_line(exc, where, bool(api_url))
        print(
            f"articlebot: error: {line or f'Telegram refused to start the bot ({reason})'}",
            file=sys.stderr,
        )
        return 1
    return 0
