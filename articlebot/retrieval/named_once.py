"""A name the question gives that one passage of the article alone holds: "when did she climb
everest" means the passage saying "She climbed Everest in 2019", which calls her "she", while
the search ranks first the lead naming her (as the question, rewritten from "she", does)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from articlebot.retrieval.answer_type import last_question
from articlebot.retrieval.late_interaction import english_stopwords
from articlebot.retrieval.names import named_only_at, people

Span = tuple[int, int]


def passage_naming_once(question: str, text: str, title: str, spans: Sequence[Span]) -> int | None:
    """Which of `spans` (passages of the article `text`, in the search's order, its first
    first) to lead with instead of the first: the one alone holding a name `question` gives
    and the first lacks, where it drops no other name asked and says more of the question.
    None to keep the search's order: a name the headline, the first passage or several
    passages give, initials ("FDA", written out elsewhere), a person's name (the chat's
    rewrites put them in), a passage only naming a place in passing ("before the England
    Test" of a question about what Khan said)."""
    top = spans[0]
    headline = {w.casefold() for w in re.findall(r"\w+", title)}
    stop = english_stopwords()
    # The question as typed last: a chat's rewrite puts the question before it or the names
    # it means in brackets ("what happened? when did she ...", "... (Munro)").
    words = re.findall(r"\w+", re.sub(r"\([^)]*\)", " ", last_question(question)).casefold())
    named = {
        word: named_only_at(text, word)
        for word in words
        if len(word) >= 3 and word not in stop and word not in headline
    }
    # Named across the story (its main person, its town), a name is the search's to weigh, and
    # so is a first name beside it ("Aizada Toktogulova", the lead alone giving both).
    across = {
        i
        for i, word in enumerate(words)
        if (places := named.get(word)) and places[-1] - places[0] > top[1] - top[0]
    }
    asked = [
        (word, places)
        for i, word in enumerate(words)
        if (places := named.get(word)) and not {i - 1, i, i + 1} & across
    ]
    holders: set[int] = set()
    for word, places in asked:
        if text[places[0] : places[0] + len(word)].isupper() or _in_a_person_s_name(
            text, places[0], word
        ):
            continue
        if any(_within(top, place) for place in places):
            return None
        holder = next(
            (k for k, span in enumerate(spans) if all(_within(span, p) for p in places)), None
        )
        if holder is not None:
            holders.add(holder)
    if len(holders) != 1:
        return None
    (chosen,) = holders
    span = spans[chosen]
    for _, places in asked:
        if any(_within(top, p) for p in places) and not any(_within(span, p) for p in places):
            return None  # it drops another name asked (Khan's, whose words are asked)
    kept = [
        w
        for i, w in enumerate(words)
        if len(w) >= 3
        and w not in stop
        and not w.isdigit()
        and not (named.get(w) and {i - 1, i, i + 1} & across)
    ]
    if _words_said(kept, text[span[0] : span[1]]) <= _words_said(kept, text[top[0] : top[1]]):
        return None
    return chosen


def _within(span: Span, at: int) -> bool:
    return span[0] <= at < span[1]


def _in_a_person_s_name(text: str, at: int, word: str) -> bool:
    """Whether `word`, written at `at` in `text`, is a word of a name that may be a person's
    ("Captain Alasdair Munro"), in the sentence around it."""
    start = max(text.rfind(". ", 0, at), text.rfind("\n", 0, at), 0)
    end = min((i for i in (text.find(". ", at), text.find("\n", at)) if i >= 0), default=len(text))
    return any(" " in name and word in name.casefold().split() for name in people(text[start:end]))


def _words_said(words: Sequence[str], text: str) -> int:
    """How many of `words` (lower case) `text` says, in any ending ("climbed" for "climb")."""
    said = {_stem(w) for w in re.findall(r"\w+", text.casefold())}
    return sum(_stem(word) in said for word in words)


def _stem(word: str) -> str:
    """A word's first five letters: enough to tell "climb" from "claim", the same for
    "climbs" and "climbed"."""
    return word[:5]
