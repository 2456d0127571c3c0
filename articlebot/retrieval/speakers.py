"""Who a bold sentence is about, when it does not say: news names a person once and then
quotes them as "she", or lets a quotation run on without naming anyone again ('Maria Lopes,
52, lost her home. "We have nothing left," she said.'). A reader asking who said it needs the
sentence naming her too, and one asking what Lopes said needs the quotation after her name."""

from __future__ import annotations

import re
from collections.abc import Sequence

from articlebot.retrieval.answer_type import has_type, wanted_type
from articlebot.retrieval.intents import who_is_subject
from articlebot.retrieval.names import CALENDAR
from articlebot.retrieval.quotes import ATTRIBUTED, QUOTE_OPENS, SAYING, SAYS, quotation_around

#: A person named by a pronoun alone. "They" is left out: it is a ministry or a crowd as often.
_PRONOUN = re.compile(r"\b(?:he|she|him|her|his)\b", re.IGNORECASE)
_QUOTE_MARK = re.compile(r"[\"“”«»„]")
#: How many sentences back the one naming the person may be (into the paragraph before: a
#: paragraph of her quotation, then "She added that ... "People told me ...," she said.").
MAX_REACH = 4

#: Capitalised words in a row: "Gerald Whitcomb", "Van Damme", "Dr. Hannah Kovač".
_CAPITALISED_RUN = re.compile(
    r"[A-Z][\w’'\-]*\.?(?:\s+(?:(?:de|da|di|del|van|von|der|al|bin|la|le|du)\s+)*[A-Z][\w’'\-]*)+"
)
#: One capitalised word saying or said of: "Whitcomb testified", "Fallon said", "said Osei".
_SPEAKER_WORD = re.compile(
    rf"\b[A-Z][\w’'\-]+,?\s+(?:also\s+|later\s+|then\s+)?(?:{SAYING}|testified|noted|argued|admitted)"
    rf"|\b{SAYING}\s+[A-Z][\w’'\-]+"
)
#: One capitalised word with an age, as news names a person again: "Okafor, 31, then rose".
_NAMED_WITH_AGE = re.compile(r"\b([A-Z][\w’'\-]+),\s+\d{1,3},")
#: Capitalised words that are no one: sentence openers, "I", pronouns, days and months.
_NOT_NAMES = CALENDAR | frozenset(
    "a an the in on at of for and but or so if as by from to with after before among during "
    "while when where what who why how this that these those there here it its it's we they "
    "he she i i'd i'm i've i'll you our my his her their".split()
)


#: A straight quotation mark that closes: after the quotation's last word or punctuation.
_CLOSING = re.compile(r"(?<=[\w.,!?])\"(?=[\s,.;:!?]|$)")


def outside_quotes(sentence: str) -> str:
    """`sentence` with what it quotes left out ('"People told me," she said.' -> ' she said.');
    a sentence whose first mark closes a quotation ('They did nothing," she said.') starts
    inside one."""
    first = _QUOTE_MARK.search(sentence)
    if first is None:
        return sentence
    inside = first.group(0) in "”»" or _CLOSING.match(sentence, first.start()) is not None
    kept, at = [], 0
    for mark in _QUOTE_MARK.finditer(sentence):
        if not inside:
            kept.append(sentence[at : mark.start()])
        at = mark.end()
        inside = not inside if mark.group(0) == '"' else mark.group(0) in "“«„"
    if not inside:
        kept.append(sentence[at:])
    return " ".join(kept)


def names_someone(sentence: str) -> bool:
    """Whether `sentence` names a person outside what it quotes: two or more capitalised words
    in a row (a first word such as "The" aside), one saying something ("Fallon said",
    "said Osei") or one with an age ("Okafor, 31,")."""
    sentence = outside_quotes(sentence)
    for match in _SPEAKER_WORD.finditer(sentence):
        word = re.match(r"[\w’'\-]+", match.group(0).removeprefix("said ").lstrip())
        if word is not None and word.group(0).lower() not in _NOT_NAMES:
            return True
    if any(m.group(1).lower() not in _NOT_NAMES for m in _NAMED_WITH_AGE.finditer(sentence)):
        return True
    for match in _CAPITALISED_RUN.finditer(sentence):
        words = match.group(0).split()
        while words and words[0].lower().rstrip(".") in _NOT_NAMES:
            words = words[1:]
        if len(words) >= 2:
            return True
    return False


def _names_asked(shown: Sequence[str], question: str) -> bool:
    """Whether `shown` names whom "who is X" asks about, as a capitalised word not opening its
    sentence ("His wife, Linda, wept" for "who is linda"): its "his" is someone else, not who
    is asked. ("Who authored the Liber servitoris" asks whom "His" means.)"""
    subject = who_is_subject(question)
    if subject is None:
        return False
    asked = {w.casefold() for w in re.findall(r"[^\W\d_]{3,}", subject)}
    written = {
        w.casefold()
        for sentence in shown
        for w in re.findall(r"(?<=[\w,;:] )[A-Z][^\W\d_]{2,}", outside_quotes(sentence))
    }
    return bool(asked & written)


def named_before(sentences: Sequence[str], first: int, last: int, question: str) -> int:
    """Where to start showing `sentences[first : last + 1]` for `question`: at the nearest
    sentence before them, within `MAX_REACH`, that names a person, when the question asks who
    and they name nobody (a quotation, or "he" or "she"); else at `first`."""
    if wanted_type(question) != "person":
        return first
    shown = sentences[first : last + 1]
    if any(names_someone(sentence) for sentence in shown) or _names_asked(shown, question):
        return first
    if not any(_PRONOUN.search(s) or _quoted_unnamed(s) for s in shown):
        return first
    for place in range(first - 1, max(first - MAX_REACH, 0) - 1, -1):
        if names_someone(sentences[place]):
            return place
    return first


def _quoted_unnamed(sentence: str) -> bool:
    """Whether `sentence` holds a quotation whose speaker it does not name: one opening it, or
    one after words naming no one ("The judge called the crime \"a cold deception\""), not
    after a name ('Workers' union Paperiliitto called the decision "a disaster"')."""
    found = _QUOTE_MARK.search(sentence)
    if found is None:
        return False
    before = sentence[: found.start()].split()
    if before and before[0].lower() in _DESCRIBING:
        return True  # "The Sheriff called ...", "The 24-year-old from Pollokshields called ..."
    return not any(word[:1].isupper() for word in before[1:])


#: Words opening a description of someone named before ("The Sheriff", "The Durham all-rounder").
_DESCRIBING = frozenset({"the", "a", "an", "this", "that"})


#: A question asking what someone said: "what did lopes say", "what did the mayor tell
#: reporters", "how did the coach react".
_WHAT_SAID = re.compile(
    rf"^\s*(?:what\s+(?:did|does|do|has|had|have)\b.*\b(?:say|tell|add|warn|reply|write)\b"
    rf"|how\s+(?:did|does|has)\b.*\breact\b|what\b.*\b{SAYING})",
    re.IGNORECASE,
)
#: "what did ramakrishnan say", "what did the company say": someone's words, nothing narrowing
#: them ("what did lykke say about the fires" is searched by the fires).
_NAME_SAID = re.compile(
    r"^\s*(?:so\s+|and\s+|ok\s+)?what\s+(?:did|does|has|had)\s+(?:the\s+)?"
    r"(?P<name>[\w.’'-]+(?:\s+[\w.’'-]+)?)\s+(?:say|said|tell|told|have\s+to\s+say)"
    r"(?:\s+(?:about\s+(?:it|this|that)|then|again|afterwards|after))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_PRONOUNS = frozenset("he she they it you i we him her them his its their".split())
#: How many words from the name its saying verb may stand: "Lykke told a news conference",
#: "Chairman V. Ramakrishnan, 62, told", "said Osei".
_SAID_REACH = 4


def speaker_asked(question: str) -> str | None:
    """Whose words a question asks for, without narrowing them ("ramakrishnan" in "what did
    ramakrishnan say"), or None for another question or a pronoun's ("what did he say")."""
    found = _NAME_SAID.match(question)
    if found is None:
        return None
    name = found.group("name")
    return None if name.casefold() in _PRONOUNS else name


def first_statement(sentences: Sequence[str], name: str) -> int | None:
    """The first of an article's sentences (in order) giving `name`'s words: the name, outside
    any quotation, a few words from a saying verb ('"...," Chairman V. Ramakrishnan, 62, told
    engineers', "Lykke said the company would ..."); None when none does."""
    surname = name.split()[-1].casefold().strip(".")
    for i, sentence in enumerate(sentences):
        words = [word.casefold() for word in re.findall(r"[\w’'.-]+", outside_quotes(sentence))]
        words = [word.removesuffix("'s").removesuffix("’s").strip(".") for word in words]
        for at, word in enumerate(words):
            if word != surname:
                continue
            near = words[max(at - _SAID_REACH, 0) : at + 1 + _SAID_REACH]
            if any(SAYS.fullmatch(other) for other in near):
                return i
    return None


#: Words said by "he" or "she": '"...," she said.', 'He told reporters ...', 'said he'.
_PRONOUN_SAYS = re.compile(
    rf"\b(?:he|she)\s+(?:\w+\s+)?{SAYING}|{SAYING}\s+(?:he|she)\b", re.IGNORECASE
)


def said_after(sentences: Sequence[str], first: int, last: int, question: str) -> int:
    """Where to end showing `sentences[first : last + 1]` for `question`, when it asks what
    someone said: through the quotation the next sentence has "he" or "she" say after they
    were only named, or through one running on from theirs without naming anyone again
    ('"...," Whitfield said. "But we are years away ..."'); else at `last`."""
    if last + 1 >= len(sentences) or not _WHAT_SAID.search(question):
        return last
    shown = " ".join(sentences[first : last + 1])
    _, end = quotation_around(sentences, last + 1)
    following = sentences[last + 1 : end + 1]
    if not SAYS.search(shown) and any(_PRONOUN_SAYS.search(s) for s in following):
        return end
    runs_on = (
        ATTRIBUTED.search(shown.rstrip()) is not None
        and QUOTE_OPENS.match(following[0]) is not None
        and not any(SAYS.search(sentence) for sentence in following)
    )
    return end if runs_on else last


def reaches_around(question: str) -> bool:
    """Whether `question` may show sentences around its bold one (`named_before`, `said_after`):
    it asks who, or what someone said."""
    return wanted_type(question) == "person" or _WHAT_SAID.search(question) is not None


#: A bold sentence of this many words or fewer ("Side effects were mild.", "Not all fans
#: welcomed the spending.") is a topic sentence: the next one says what it is about.
MAX_TOPIC_WORDS = 8


def detail_after(
    sentences: Sequence[str], first: int, last: int, end: int, question: str = ""
) -> int:
    """Where to end showing `sentences[first : last + 1]`: through the next sentence (before
    `end`, the passage's end) when they are one topic sentence too short to say anything by
    itself; not when it gives what `question` asks for ("The final results are due on
    Wednesday." for "when are the results")."""
    if first != last or last + 1 >= end or len(sentences[last].split()) > MAX_TOPIC_WORDS:
        return last
    if _names_asked(sentences[first : last + 1], question):
        return last  # "His wife, Linda, wept in the front row." says who Linda is
    kind = wanted_type(question)
    if kind is not None and has_type(kind, sentences[last], question):
        return last
    return last + 1
