"""The commands a reader types as words ("more please", "any more?", "quit."), read alike by
`articlebot chat` and the Telegram bot, and the bot's commands typed where they are none."""

from __future__ import annotations

import re

QUIT = frozenset({"quit", "exit", "/quit", "/exit", ":q", "q"})
MORE = frozenset({"more", "/more", "m", "next"})
HELPS = frozenset({"help", "/help", "?", "h"})
CLEAR = frozenset({"clear", "/clear"})

#: A command said as people type it: "more please", "more, please", "show me more", "any
#: more?", "next one", "thanks, more please", "quit.".
_POLITE = re.compile(
    r"^(?:(?:thanks|thank\s+you|thx|ok|okay|cool|great|nice)[,!.]*\s+)?(?:please\s+)?"
    r"(?:(?:show(?:\s+me)?|give\s+me|tell\s+me|some|any|one)\s+)?(?P<word>\w+)"
    r"(?:\s+one)?(?:,?\s+(?:please|pls|plz|thanks|thx))?[\s.!]*(?P<asked>\?*)\s*$"
)


def command_of(line: str) -> str:
    """The chat command a line is ("more" of "more please"; "quit?" of "quit?", which is told
    how to leave), else the line in lower case. Asked, only "more" is one ("any more?")."""
    lower = line.lower().strip()
    found = _POLITE.match(lower)
    if found is None:
        return lower
    word = found.group("word")
    if word in MORE:
        return word
    if word in QUIT | HELPS | CLEAR:
        return f"{word}?" if found.group("asked") else word
    return lower


def asks_for_more(line: str) -> bool:
    """Whether a line asks for the last answer's further passages ("more", "any more?")."""
    return command_of(line) in MORE


#: A command of the Telegram bot ("/use news", "/articles"), typed where it is none: in
#: `articlebot chat` or `ask`, or in an inline query.
_BOT_COMMAND = re.compile(r"^/[A-Za-z]\w*(?:@\w+)?(?=\s|$)")
_BOT_COMMANDS = frozenset(
    "/start /help /ask /summary /source /articles /use /stats /add /remove /autoindex".split()
)


def bot_command(line: str) -> str | None:
    """The Telegram bot's command a line opens with ("/use" of "/use news"), in lower case."""
    found = _BOT_COMMAND.match(line)
    command = None if found is None else found.group(0).split("@")[0].lower()
    return command if command in _BOT_COMMANDS else None


def asked_after(line: str) -> str:
    """What follows a command's first word ("who is X?" of "/ask who is X?"), "" when nothing."""
    words = line.split(None, 1)
    return words[1] if len(words) == 2 else ""
