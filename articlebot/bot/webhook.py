"""Registering the bot's webhook once for all replicas (`articlebot webhook set|info|delete`),
and the shared secret every replica checks Telegram's calls against."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, Update

from articlebot.config import Settings
from articlebot.masking import masked_url

#: What the Bot API accepts as a webhook secret token.
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


class WebhookSecretError(ValueError):
    """No usable shared webhook secret."""


def shared_secret(settings: Settings) -> str:
    """ARTICLEBOT_WEBHOOK_SECRET, checked: every replica and the registration must share it."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not secret:
        raise WebhookSecretError(
            "webhook mode needs ARTICLEBOT_WEBHOOK_SECRET, the same for every replica and for"
            " `articlebot webhook set` (1-256 of A-Z a-z 0-9 _ -)"
        )
    if not SECRET_PATTERN.fullmatch(secret):
        raise WebhookSecretError(
            "ARTICLEBOT_WEBHOOK_SECRET may hold only A-Z a-z 0-9 _ - (1 to 256 of them)"
        )
    return secret


def webhook_url_problem(url: str, settings: Settings) -> str | None:
    """Why Telegram would not call `url`, or None: its cloud calls https:// URLs only (a
    self-hosted Bot API server, ARTICLEBOT_API_URL, may call http:// ones)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port past 65535
    except ValueError:
        parts = None
    if parts is None or not parts.hostname or any(c.isspace() for c in url):
        return f"the webhook URL {masked_url(url)!r} is not a valid URL"
    lowered = url.lower()
    if lowered.startswith("https://") or (lowered.startswith("http://") and settings.api_url):
        return None
    problem = f"Telegram calls webhooks over HTTPS only: {masked_url(url)} is not https://"
    if lowered.startswith("http://"):
        problem += " (http:// only through a self-hosted Bot API server, --api-url)"
    return problem


async def set_webhook(settings: Settings, token: str, url: str, urls: dict[str, str]) -> None:
    """Point Telegram at `url` with the shared secret, for every kind of update."""
    secret = shared_secret(settings)  # a missing one is said before Telegram is reached
    async with Bot(token, **urls) as bot:
        await bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)


async def webhook_info(token: str, urls: dict[str, str]) -> dict[str, Any]:
    """What Telegram knows of the webhook: its URL, pending updates, the last error."""
    async with Bot(token, **urls) as bot:
        info = await bot.get_webhook_info()
    return {
        "url": info.url,
        "pending_update_count": info.pending_update_count,
        "max_connections": info.max_connections,
        "last_error_message": info.last_error_message,
    }


async def delete_webhook(token: str, urls: dict[str, str]) -> None:
    """Remove the webhook (the bot can then be polled again)."""
    async with Bot(token, **urls) as bot:
        await bot.delete_webhook()
