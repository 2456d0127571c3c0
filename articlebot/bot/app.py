"""Building and running the Telegram Application (polling or webhook)."""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
from functools import partial
from typing import Any
from urllib.parse import urlparse

from telegram import Bot, BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from articlebot.bot import handlers, library
from articlebot.bot.limits import RateLimiter
from articlebot.bot.questions import QuestionQueue
from articlebot.config import Settings
from articlebot.retrieval.retriever import Retriever

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("ask", "Ask a question about the article"),
    BotCommand("source", "Which articles I know"),
    BotCommand("help", "How to ask me"),
    BotCommand("articles", "The indexed articles and their ids"),
    BotCommand("use", "Ask only one article (/use ID), or all of them (/use all)"),
]


class TokenRedactor(logging.Filter):
    """Replaces the bot token in every log record (PTB's HTTP client logs URLs holding it)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record with the token masked; never drops a record."""
        if not self._token:
            return True
        message = record.getMessage()
        if self._token in message or (record.exc_text and self._token in record.exc_text):
            record.msg = message.replace(self._token, "<redacted-token>")
            record.args = ()
            if record.exc_text:
                record.exc_text = record.exc_text.replace(self._token, "<redacted-token>")
        return True


def install_token_redaction(token: str) -> TokenRedactor:
    """Mask `token` in everything logged through the root logger's handlers."""
    redactor = TokenRedactor(token)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING)
    for handler in root.handlers:
        handler.addFilter(redactor)
    return redactor


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


def add_handlers(application: Application) -> None:
    """Register every handler, the gate for bots and edits first."""
    new_messages = filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, handlers.gate), group=-1)
    application.add_handler(CommandHandler(["start", "help"], handlers.start, new_messages))
    application.add_handler(CommandHandler("source", handlers.source, new_messages))
    application.add_handler(CommandHandler("ask", handlers.ask, new_messages))
    application.add_handler(CommandHandler("stats", handlers.stats, new_messages))
    application.add_handler(CommandHandler("articles", library.articles, new_messages))
    application.add_handler(CommandHandler("use", library.use, new_messages))
    application.add_handler(CommandHandler("add", library.add, new_messages))
    application.add_handler(CommandHandler("remove", library.remove, new_messages))
    settings: Settings = application.bot_data[handlers.SETTINGS_KEY]
    application.add_handler(
        MessageHandler(
            new_messages
            & filters.ChatType.PRIVATE
            & filters.Regex(r"^\s*https?://\S+\s*$")
            & filters.User(user_id=settings.admin_ids),
            library.admin_link,
        )
    )
    application.add_handler(
        MessageHandler(
            new_messages
            & filters.ChatType.PRIVATE
            & filters.Document.ALL
            & filters.User(user_id=settings.admin_ids),
            library.admin_document,
        )
    )
    application.add_handler(
        MessageHandler(
            new_messages & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
            handlers.private_text,
        )
    )
    application.add_handler(
        MessageHandler(
            new_messages & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND,
            handlers.group_text,
        )
    )
    application.add_handler(
        MessageHandler(
            new_messages & filters.ChatType.PRIVATE & filters.COMMAND, handlers.unknown_command
        )
    )
    application.add_handler(
        MessageHandler(
            new_messages & filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
            handlers.non_text,
        )
    )
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(InlineQueryHandler(handlers.inline_query))
    application.add_error_handler(handlers.on_error)


def build_application(
    settings: Settings, token: str, retriever: Retriever | None = None
) -> Application:
    """The bot's Application; the retriever is loaded in post_init unless one is given."""

    async def post_init(application: Application) -> None:
        if handlers.RETRIEVER_KEY not in application.bot_data:
            from articlebot.engine import open_retriever

            log.info("loading the model and index from %s", settings.index_dir)
            application.bot_data[handlers.RETRIEVER_KEY] = await asyncio.to_thread(
                open_retriever, settings
            )
        loaded: Retriever = application.bot_data[handlers.RETRIEVER_KEY]
        log.info(
            "serving %d document(s), %d passages as @%s",
            len(loaded.index.documents),
            len(loaded.index.passages),
            application.bot.username,
        )
        await application.bot.set_my_commands(COMMANDS)

    builder = (
        ApplicationBuilder()
        .token(token)
        .concurrent_updates(64)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(post_init)
    )
    for name, value in api_urls(settings.api_url).items():
        builder = getattr(builder, name)(value)
    application = builder.build()
    if retriever is not None:
        application.bot_data[handlers.RETRIEVER_KEY] = retriever
    application.bot_data[handlers.SETTINGS_KEY] = settings
    application.bot_data[handlers.QUESTIONS_KEY] = QuestionQueue(
        partial(handlers.answer_batch, application.bot_data), max_batch=settings.question_batch
    )
    application.bot_data[handlers.LIMITER_KEY] = RateLimiter(
        settings.rate_limit, settings.rate_window
    )
    add_handlers(application)
    return application


async def check_token(settings: Settings, token: str) -> str:
    """Ask the Bot API who we are (getMe); raises InvalidToken or NetworkError early."""
    async with Bot(token, **api_urls(settings.api_url)) as bot:
        return bot.username


def run_bot(settings: Settings, retriever: Retriever | None = None) -> int:
    """Run until interrupted; one clear line and exit status 1 on start-up failures."""
    if settings.telegram_bot_token is None or not settings.telegram_bot_token.get_secret_value():
        print(
            "articlebot: error: no bot token; set TELEGRAM_BOT_TOKEN in the environment or in "
            ".env (create a bot with @BotFather to get one)",
            file=sys.stderr,
        )
        return 1
    token = settings.telegram_bot_token.get_secret_value().strip()
    install_token_redaction(token)
    where = settings.api_url or "api.telegram.org"
    try:
        # Fail fast with one line, before PTB's bootstrap logs tracebacks for the same problem.
        username = asyncio.run(check_token(settings, token))
        log.info("connected to %s as @%s", where, username)
        application = build_application(settings, token, retriever)
        if settings.webhook_url:
            options = webhook_options(settings)
            log.info("webhook mode on %s:%s", options["listen"], options["port"])
            application.run_webhook(allowed_updates=Update.ALL_TYPES, **options)
        else:
            log.info("polling %s for updates", where)
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print(
            f"articlebot: error: the Bot API at {where} rejected the bot token "
            "(check TELEGRAM_BOT_TOKEN)",
            file=sys.stderr,
        )
        return 1
    except (NetworkError, TimedOut) as exc:
        print(f"articlebot: error: cannot reach the Bot API at {where} ({exc})", file=sys.stderr)
        return 1
    except TelegramError as exc:
        print(f"articlebot: error: Telegram refused to start the bot ({exc})", file=sys.stderr)
        return 1
    return 0
