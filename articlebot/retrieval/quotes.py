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


QUOTE_OPENS = re.compile(r"\s*[\"“«„]")
#: The most sentences a bold quotation may span: a longer one is shown from its sentence on.
MAX_QUOTATION_SENTENCES = 3


def _open_after(sentence: str, open_before: bool) -> bool:
    """Whether a quotation is still open at the end of `sentence` (straight marks toggle,
    curly and angle ones open or close)."""
    inside = open_before
    for char in sentence:
        if char == '"':
            inside = not inside
        elif char in "“«„":
            inside = True
        elif char in "”»":
            inside = False
    return inside


#: A sentence that ends by saying who spoke: '"The Russians want ...," Mr. Tkachenko said.',
#: '"..." she told reporters.', '"...," said Ewa Kamińska, a nurse.'
SAYING = r"(?:said|says|told|added|asked|warned|explained|wrote|insisted|replied)\b"
ATTRIBUTED = re.compile(
    rf"[\"”»]\s*,?\s*(?:[\w.’'\-]+\s+){{0,4}}{SAYING}[^\"“”«»]*$", re.IGNORECASE
)
SAYS = re.compile(rf"\b{SAYING}", re.IGNORECASE)


def quotation_around(sentences: Sequence[str], i: int) -> tuple[int, int]:
    """The first and last place among `sentences` (in order) of the quotation that sentence `i`
    is part of: a quote of several sentences is cut at each, and '"We warned them in 2019.'
    alone, or 'They did nothing," she said.' alone, says half of it. A quotation that names no
    speaker and goes on from the sentence before, which does ('"..., " Mr. Tkachenko said.
    "They will not see it.'), takes that sentence in too. (i, i) when it is none, or too long
    to show whole (`MAX_QUOTATION_SENTENCES`)."""
    open_after: list[bool] = []
    for sentence in sentences:
        open_after.append(_open_after(sentence, open_after[-1] if open_after else False))
    first = i
    while first > 0 and open_after[first - 1]:
        first -= 1
    last = i
    while last < len(sentences) - 1 and open_after[last]:
        last += 1
    if last - first + 1 > MAX_QUOTATION_SENTENCES or open_after[last]:
        return i, i
    quoted = sentences[first : last + 1]
    goes_on = (
        first > 0
        and QUOTE_OPENS.match(sentences[first])
        and ATTRIBUTED.search(sentences[first - 1].rstrip())
        and not any(SAYS.search(sentence) for sentence in quoted)
    )
    if goes_on:
        before = first - 1  # with the whole quotation that sentence ends, if it ends one
        while before > 0 and open_after[before - 1]:
            before -= 1
        if last - before + 1 <= MAX_QUOTATION_SENTENCES:
            first = before
    return first, last
