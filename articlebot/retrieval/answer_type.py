"""What kind of answer a question wants, and whether a sentence has one: a cheap signal that
an article talks about the subject but does not give the asked fact."""

from __future__ import annotations

import re

_NUMBER_QUESTION = re.compile(
    r"^\s*(?:how\s+(?:many|much|old|long|far|big|large|high|tall|heavy|deep|often|fast)|"
    r"what\s+(?:percentage|percent|share|number|proportion|age|year|amount)|"
    r"in\s+what\s+year|which\s+year)\b",
    re.IGNORECASE,
)
_WHEN_QUESTION = re.compile(r"^\s*(?:when|what\s+time|what\s+date|since\s+when)\b", re.I)
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|billion|dozen|half|single|double|once|twice)\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\d|\b(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
    r"tomorrow|tonight|morning|evening|night|week|month|year|spring|summer|autumn|fall|winter|"
    r"ago|since|until|after|before|earlier|later|last|next|now)\b",
    re.IGNORECASE,
)


_WHO_QUESTION = re.compile(r"^\s*(?:who|whom|whose)\b", re.IGNORECASE)
#: A capitalised word after a sentence's first word: most often a name.
_NAME = re.compile(r"(?<=\S)\s+[\"“‘(]?([A-Z][\w’'-]+)")


def wanted_type(question: str) -> str | None:
    """The kind of answer a question asks for: "number", "time", "person" or None."""
    if _NUMBER_QUESTION.search(question):
        return "number"
    if _WHEN_QUESTION.search(question):
        return "time"
    if _WHO_QUESTION.search(question):
        return "person"
    return None


def has_type(kind: str | None, sentence: str, question: str = "") -> bool:
    """Whether `sentence` holds an answer of `kind` (True when no kind is asked for); for a
    person, a name other than the question's own words."""
    if kind == "number":
        return bool(_NUMBER.search(sentence))
    if kind == "time":
        return bool(_TIME.search(sentence))
    if kind == "person":
        asked = {word.casefold() for word in re.findall(r"[\w’'-]+", question)}
        return any(m.group(1).casefold() not in asked for m in _NAME.finditer(sentence))
    return True


def answer_type_missing(question: str, sentence: str) -> float:
    """1.0 when the question asks for a number or a time and the sentence holds none, else 0.0."""
    kind = wanted_type(question)
    if kind in ("number", "time"):
        return 0.0 if has_type(kind, sentence) else 1.0
    return 0.0
