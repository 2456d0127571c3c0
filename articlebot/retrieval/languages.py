"""The language a question is written in, told by its script, and the reply to a question the
English-only model cannot read."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Language = Literal["en", "ru", "uk", "other"]

#: Letters only Ukrainian among the Cyrillic languages asked in uses.
_UKRAINIAN_LETTERS = set("іїєґІЇЄҐ")
#: Common Ukrainian words spelled with letters Russian shares (Russian says что, кто, как, где).
_UKRAINIAN_WORDS = {"що", "хто", "як", "де", "чи", "це", "та", "але", "який", "яка", "яке", "цей"}


def question_language(question: str) -> Language:
    """ "ru" or "uk" for a question mostly in Cyrillic letters, "other" for one mostly in
    another non-Latin script, "en" otherwise (a Latin question with a Cyrillic name in it
    stays "en")."""
    latin = cyrillic = other = 0
    for char in question:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("LATIN"):
            latin += 1
        elif name.startswith("CYRILLIC"):
            cyrillic += 1
        else:
            other += 1
    if cyrillic > latin and cyrillic >= other:
        words = set(re.findall(r"\w+", question.lower()))
        if _UKRAINIAN_LETTERS & set(question) or _UKRAINIAN_WORDS & words:
            return "uk"
        return "ru"
    if other > latin:
        return "other"
    return "en"


def english_only_reply(language: Language, titles: list[str]) -> str:
    """The line telling a reader in `language` that questions are answered in English, naming
    the article (or the first few of several; none when `titles` is empty)."""
    shown = "; ".join(titles[:3]) + (" …" if len(titles) > 3 else "")
    if not titles:
        return {
            "ru": "Я отвечаю на вопросы на английском. Спросите, пожалуйста, по-английски.",
            "uk": "Я відповідаю на запитання англійською. Запитайте, будь ласка, англійською.",
        }.get(language, "I answer questions in English — please ask in English.")
    if language == "ru":
        return (
            "Я отвечаю на вопросы на английском. Спросите, пожалуйста, по-английски о статье "
            f"«{shown}»."
        )
    if language == "uk":
        return (
            "Я відповідаю на запитання англійською. Запитайте, будь ласка, англійською про "
            f"статтю «{shown}»."
        )
    return f"I answer questions in English — please ask in English about “{shown}”."
