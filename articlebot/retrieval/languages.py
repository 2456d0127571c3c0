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


#: Scripts written without spaces between words: each character counts as a word.
_UNSPACED = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR")


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith("LATIN"):
        return "latin"
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    return "unspaced" if name.startswith(_UNSPACED) else "other"


def script_words(question: str) -> dict[str, int]:
    """Words per script ("latin", "cyrillic", "unspaced", "other"): runs of letters of one
    script, each character a word in scripts written without spaces (谁是 is two words)."""
    counts = {"latin": 0, "cyrillic": 0, "unspaced": 0, "other": 0}
    previous = None
    for char in question:
        script = _script(char) if char.isalpha() else None
        if script is not None and (script != previous or script == "unspaced"):
            counts[script] += 1
        previous = script
    return counts


def question_language(question: str) -> Language:
    """ "ru" or "uk" for a question mostly in Cyrillic words, "other" for one mostly in another
    non-Latin script, "en" otherwise: words, not letters, are counted, so a Latin question with
    a Cyrillic name in it stays "en" and "谁是Vinatier?" or "Кто такой Vinatier?" does not."""
    words = script_words(question)
    latin, cyrillic = words["latin"], words["cyrillic"]
    other = words["unspaced"] + words["other"]
    # As many Cyrillic words as Latin ones ("Где арестовали Laurent Vinatier?", "Who is Лоран
    # Винатье?"): the question word, which comes first, says which language it is.
    first = next((_script(c) for c in question if c.isalpha()), None)
    if cyrillic and cyrillic == latin and first == "cyrillic":
        latin -= 1
    if cyrillic > latin and cyrillic >= other:
        lowered = set(re.findall(r"\w+", question.lower()))
        if _UKRAINIAN_LETTERS & set(question) or _UKRAINIAN_WORDS & lowered:
            return "uk"
        return "ru"
    if other > latin:
        return "other"
    return "en"


def english_only_reply(language: Language, titles: list[str]) -> str:
    """The line telling a reader in `language` that questions are answered in English, naming
    the article, or the first three of several each in its own quotes (none when `titles` is
    empty)."""
    if not titles:
        return {
            "ru": "Я отвечаю на вопросы на английском. Спросите, пожалуйста, по-английски.",
            "uk": "Я відповідаю на запитання англійською. Запитайте, будь ласка, англійською.",
        }.get(language, "I answer questions in English — please ask in English.")
    more = len(titles) > 3
    if language == "ru":
        quoted = ", ".join(f"«{t}»" for t in titles[:3]) + (" и других" if more else "")
        about = f"о статье {quoted}" if len(titles) == 1 else f"о статьях {quoted}"
        return f"Я отвечаю на вопросы на английском. Спросите, пожалуйста, по-английски {about}."
    if language == "uk":
        quoted = ", ".join(f"«{t}»" for t in titles[:3]) + (" та інших" if more else "")
        about = f"про статтю {quoted}" if len(titles) == 1 else f"про статті {quoted}"
        return f"Я відповідаю на запитання англійською. Запитайте, будь ласка, англійською {about}."
    quoted = ", ".join(f"“{t}”" for t in titles[:3]) + (" and others" if more else "")
    about = quoted if len(titles) == 1 else f"the articles {quoted}"
    return f"I answer questions in English — please ask in English about {about}."
