"""The Telegram bot (python-telegram-bot v22, asyncio)."""

from __future__ import annotations

from articlebot.bot.app import build_application, run_bot

__all__ = ["build_application", "run_bot"]
