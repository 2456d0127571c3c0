"""Questions about the story as a whole: "when did this happen", "where is this", and its main
event asked of what the headline names ("what happened to the ferry", "who got jailed").
Asked of one article with nothing said before them, "this" is the article's main event, which
its headline names and its lead tells (news opens with who, what, when and where: "GDAŃSK,
Poland — Poland opened a new terminal at the port of Gdańsk on Friday")."""

from __future__ import annotations

import re
from typing import Literal

from articlebot.ingest.cleaning import DATE, DATELINE

StoryQuestion = Literal["when", "where", "why", "how"]

#: A question word, "this" or "it", and at most a verb of happening: nothing else to search by.
#: Not "when did it start": a strike, a fire or an outbreak starts before the day the lead
#: tells of, and the article says when further down; nor "where did it happen exactly", which
#: wants more than a dateline.
_STORY = re.compile(
    r"^\s*(?:so\s+|and\s+|but\s+)?(?P<kind>when|where|why|how)\s+"
    r"(?:did|does|do|is|was|were|has|had|will|would|could)\s+(?:this|it|that|all\s+this)"
    r"(?:\s+(?:all\s+)?(?:happen|happened|happening|take\s+place|took\s+place|taking\s+place|"
    r"occur|occurred|go\s+down|come\s+about))?"
    r"(?:\s+(?:again|then|now))?\s*[?.!]*\s*$"
    # "which town is it in", "what country did this happen in": where, by the kind of place.
    r"|^\s*(?:so\s+|and\s+|but\s+)?(?:which|what)\s+(?P<place>town|city|village|country|"
    r"county|region|state|province|area|place)\s+(?:is|was|did|does)\s+(?:this|it|that)"
    r"(?:\s+(?:happen|happened|take\s+place))?\s+in\s*[?.!]*\s*$",
    re.IGNORECASE,
)
#: A day the story names: a weekday, a month, a year, "yesterday", "last week".
_DAY = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|june|july|august|september|october|november|december|today|yesterday|tonight|"
    r"overnight|(?:last|this|earlier\s+this)\s+(?:week|weekend|month|year|night|morning)|"
    r"(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
#: A place after a preposition: "in Leeds", "off Cape Finisterre", "near Izmir".
_PLACE = re.compile(r"\b(?:in|at|near|off|outside|across|from)\s+(?:the\s+)?[A-ZÀ-Ö]")


#: "what happened to the ferry", "what did the bank do", "what did the nurses agree to", "what
#: got launched", "who got jailed": the story's main event, asked of what its headline names.
_EVENT = re.compile(
    r"^\s*(?:so\s+|and\s+|but\s+)?(?:what(?:\s+exactly)?\s+(?:"
    r"(?:happened|went\s+wrong)\s+(?:to|with|at)\s+(?P<to>[\w\s'’-]{1,40}?)"
    r"|did\s+(?P<did>[\w\s'’-]{1,40}?)\s+(?:just\s+)?(?:do|decide|agree\s+to|agree\s+on|"
    r"announce|approve|vote\s+for|vote\s+on|unveil)"
    r"|(?:got|has\s+been|have\s+been|was|were|is\s+being)\s+(?P<done>[a-z]+ed)"
    r")|who(?:['’]?s)?\s+(?:got|has\s+been|have\s+been|was|were|is\s+being|been)\s+"
    r"(?P<whom>[a-z]+ed))\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w’'-]+")
_PLAIN = frozenset("the a an this that these those its their his her our".split())


def event_asked(question: str) -> str | None:
    """The words a question about the story's main event names it by ("the ferry" in "what
    happened to the ferry", "launched" in "what got launched"), or None for another
    question."""
    match = _EVENT.match(question)
    if match is None:
        return None
    return next(group for group in match.groups() if group is not None)


def headline_names(words: str, headline: str) -> bool:
    """Whether the headline names what `words` do: each word (not "the", "its") is a headline
    word, give or take an ending ("nurses" / "Nurses", "launched" / "launches")."""
    asked = [word for word in _WORD.findall(words.casefold()) if word not in _PLAIN]
    told = _WORD.findall(headline.casefold())
    return bool(asked) and all(any(_root(word) == _root(other) for other in told) for word in asked)


def _root(word: str) -> str:
    """A word without its possessive or a common ending: "launches", "launched", "launch"."""
    word = word.removesuffix("'s").removesuffix("’s")
    for ending in ("es", "ed", "s", "d"):
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def story_question(question: str) -> StoryQuestion | None:
    """What a question asks of the story as a whole ("when did this happen": "when"), or None
    when it asks about something it names."""
    match = _STORY.match(question)
    if match is None:
        return None
    if _asks_place(match):
        return "where"
    return match.group("kind").lower()  # type: ignore[return-value]


def _asks_place(match: re.Match[str] | None) -> bool:
    """Whether a story question asks which kind of place ("which town is it in")."""
    return match is not None and match.group("place") is not None


def with_headline(question: str, headline: str) -> str:
    """`question` with the article's headline after it, as what "this" stands for; one asking
    which town or country is asked as "where" (the word "city" would find "its City model")."""
    if _asks_place(_STORY.match(question)):
        question = "where did this happen"
    return f"{question.rstrip(' ?.!')} {headline}".strip()


def tells(kind: StoryQuestion, sentence: str) -> bool:
    """Whether `sentence` says what a `kind` question about the story asks: a time for when, a
    dateline or a place for where (why and how are left to the ranking's decision)."""
    if kind == "when":
        return _DAY.search(sentence) is not None or DATE.search(sentence) is not None
    if kind == "where":
        return DATELINE.match(sentence) is not None or _PLACE.search(sentence) is not None
    return False
