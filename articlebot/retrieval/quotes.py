"""Words a question puts in quotation marks: a reader pasting a line of the article ("who said
'they said no'?") means that line, as a search engine reads a quoted phrase."""

from __future__ import annotations

import re
from collections.abc import Sequence

from articlebot.retrieval.spelling import plain_letters

#: A run between double quotation marks of any style, or between single ones that are not an
#: apostrophe (no letter just outside them: "the mayor's 'fair offer'", not "mayor's ... don't").
_QUOTED = re.compile(
    r"[\"“”«»„]([^\"“”«»„]{3,300})[\"“”«»„]|(?<!\w)['‘’]([^'‘’]{3,300})['‘’](?!\w)"
)
_WORD = re.compile(r"\w+")
#: A quoted single word ("what does 'requisition' mean") is a word like any other: the ranking
#: already weighs it. Two or more are a phrase the article may hold word for word.
_MIN_WORDS = 2


def phrase_key(text: str) -> str:
    """`text` as its words alone, lower case, plain letters, one space apart and around, so that
    quotation marks, punctuation and line breaks do not keep a phrase from matching."""
    words = _WORD.findall(plain_letters(text.casefold()))
    return f" {' '.join(words)} " if words else ""


def quoted_phrases(question: str) -> tuple[str, ...]:
    """The `phrase_key`s of the phrases of two or more words that `question` quotes."""
    found: list[str] = []
    for match in _QUOTED.finditer(question):
        key = phrase_key(match.group(1) or match.group(2))
        if len(key.split()) >= _MIN_WORDS and key not in found:
            found.append(key)
    return tuple(found)


def holds_phrase(text: str, phrases: Sequence[str]) -> bool:
    """Whether `text` holds any of `phrases` (`phrase_key`s) word for word."""
    key = phrase_key(text)
    return any(phrase in key for phrase in phrases)


def sentence_quoted(sentences: Sequence[str], phrases: Sequence[str]) -> int | None:
    """The place among `sentences` of the one where a quoted phrase starts: the first holding the
    longest opening run of its words (a phrase may run on into the next sentence). None when no
    sentence holds even its first two words."""
    keys = [phrase_key(sentence) for sentence in sentences]
    best: tuple[int, int] | None = None  # (words matched, -place)
    for phrase in phrases:
        words = phrase.split()
        for n in range(len(words), _MIN_WORDS - 1, -1):
            run = f" {' '.join(words[:n])} "
            place = next((i for i, key in enumerate(keys) if run in key), None)
            if place is not None:
                if best is None or (n, -place) > best:
                    best = (n, -place)
                break
    return None if best is None else -best[1]
