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


def answer_type_missing(question: str, sentence: str) -> float:
    """1.0 when the question asks for a number or a time and the sentence holds none, else 0.0."""
    if _NUMBER_QUESTION.search(question):
        return 0.0 if _NUMBER.search(sentence) else 1.0
    if _WHEN_QUESTION.search(question):
        return 0.0 if _TIME.search(sentence) else 1.0
    return 0.0
