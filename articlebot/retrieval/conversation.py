"""Follow-up questions: a short per-chat memory and the rewrite of questions that lean on it."""

from __future__ import annotations

import dataclasses
import math
import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from articlebot.retrieval.answer_type import ages_its_subject, has_type, says_where, wanted_type
from articlebot.retrieval.intents import detect_intent, named_article, who_is_subject
from articlebot.retrieval.languages import LatinLanguages, question_language
from articlebot.retrieval.late_interaction import ANSWER_KIND_WORDS, english_stopwords
from articlebot.retrieval.names import (
    HE_WORDS,
    NOT_NAMES,
    QUESTION_WORDS,
    SHE_WORDS,
    aged,
    identified_after,
    names_in,
    opening_person,
    people,
    personal,
    plainly_called,
    sentence_names,
    surname_pattern,
)
from articlebot.retrieval.ranking import answers_it, logistic
from articlebot.retrieval.reader import (
    answered_by,
    article_sentences,
    articles_in_scope,
    read_answers,
)
from articlebot.retrieval.results import Answer
from articlebot.retrieval.retriever import Retriever, normalize_question
from articlebot.retrieval.roles import (
    role_aged,
    role_asked,
    role_holder,
    role_led,
    role_speaking,
)
from articlebot.retrieval.small_talk import detect_small_talk, without_small_talk
from articlebot.retrieval.spelling import chat_words, plain_letters
from articlebot.retrieval.story import event_asked, story_question

#: How long a chat's last question stays usable as context.
CONTEXT_TTL_SECONDS = 10 * 60

_ANAPHORA = re.compile(
    r"\b(he|she|him|her|his|hers|they|them|their|theirs|it|its|this|that|these|those|there|"
    r"then|the same)\b",
    re.IGNORECASE,
)
#: "there" and "it" that point at nothing: "is there a second line planned?", "how many
#: outbreaks were there", "how much does it cost to ride the tram?", "is it safe to eat
#: turkey?" (not "is it safe to swim", "how long did it take to build", whose object is the
#: last answer's thing). Read as pointing back, they kept a question naming another story's
#: subject on the last answer's article.
_DUMMY = re.compile(
    r"\b(?:is|are|was|were|will|would|has|have|had)\s+there\b(?!\s*[?.!]*\s*$)"
    r"|\bthere\s+(?:is|are|was|were|will|would|has|have|had|['’]s)\b"
    r"|\b(?:is|was|would\s+be|will\s+be)\s+it\s+(?:(?:still|really|too|very|so)\s+)?"
    r"(?:safe|unsafe|possible|impossible|hard|easy|difficult|legal|illegal|necessary|ok|okay"
    r"|wise|dangerous|free|cheap|expensive|worth|better|normal|common|usual|unusual|rare)"
    r"\s+to\s+(?=\w+\s+\w)"
    r"|\bit\s+(?:costs?|takes?|took|means?)\s+(?:\w+\s+){0,3}?to\s+(?=\w+\s+\w)",
    re.IGNORECASE,
)


def _has_pronoun(question: str) -> bool:
    """Whether `question` has a pronoun pointing back (`_ANAPHORA`), not counting the "there"
    and "it" that point at nothing (`_DUMMY`)."""
    return _ANAPHORA.search(_DUMMY.sub(" ", question)) is not None


# Longest first: what follows is the ellipsis's new subject (`swapped_subject`).
_ELLIPSIS = re.compile(
    r"^\s*(and what about|and how about|what about|how about|and|also)\b", re.IGNORECASE
)
# A question word alone ("why?", "where exactly?"): the rest of the question is the last one's.
_BARE = re.compile(
    r"^\s*((?:(?:from|since|until|till|by|for|to|at)\s+)?"
    r"(?:why|when|where|who|what|which|how(?:\s+(?:long|many|much|old|far|come))?))"
    r"(?:\s+(?:exactly|then|so))?\s*[?!.]*\s*$",
    re.IGNORECASE,
)
#: "who got jailed", "who scored": the last question asked who did something.
_WHO_DID = re.compile(r"^\s*who(?:['’]?s)?\s+(?P<rest>\S.*?)\s*[?!.]*\s*$", re.IGNORECASE)
# The last question's own question word, when an auxiliary follows it ("when does the bridge
# close": "why?" asks "why does the bridge close"); "who won the final" keeps its "who".
_LEADING_QUESTION_WORD = re.compile(
    r"^\s*(?:why|when|where|who|what|which|how(?:\s+(?:long|many|much|old|far|come))?)\b"
    r"(?=\s+(?:is|are|was|were|do|does|did|will|would|can|could|has|have|had|should|must|"
    r"might|may)\b)",
    re.IGNORECASE,
)
# "how many people are they laying off": what is counted, then the rest of the question from
# its auxiliary on.
_COUNTED = re.compile(
    r"^\s*how\s+(?:many|much)\s+(?P<thing>(?:[\w'’-]+\s+){0,2}?[\w'’-]+)\s+"
    r"(?P<rest>(?:is|are|was|were|do|does|did|will|would|can|could|has|have|had)\b.*?)"
    r"\s*[?.!]*\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Turn:
    """The last exchange in a chat."""

    question: str
    #: The sentence the answer highlighted, confident or the closest ("" when none was shown).
    highlight: str
    at: float
    #: The article that sentence is from: "this" in the next "who wrote this?".
    doc_id: str | None = None


def points_back(question: str) -> bool:
    """Whether `question` points back at what was said before with a pronoun ("how old is
    she?", "when did this happen?") or an ellipsis ("and kasatkin?")."""
    return _has_pronoun(question) or _ELLIPSIS.match(question) is not None


def depends_on_context(question: str) -> bool:
    """Whether a question points back at an earlier one ("When was he arrested?", "And Kyiv?",
    "from where?", "what minute?"); not "?!" or "...", which say nothing at all."""
    words = len(_WORD.findall(question))
    return bool(
        _has_pronoun(question)
        or _ELLIPSIS.search(question)
        or _BARE.match(question)
        or (0 < words <= SHORT_QUESTION_WORDS and not names_in(question))
    )


#: A question this short, naming no one, says little of its own ("what minute?", "by how
#: much"): in a chat it goes on from the last one.
SHORT_QUESTION_WORDS = 4
_WORD = re.compile(r"[^\W_]+")


_PERSON = re.compile(r"\b(he|she|him|her|his|hers)\b", re.IGNORECASE)
#: "he" or "she" as a subject ("how old is she"): "her coach" is as often asked of whoever
#: the words "her coach" find.
_HE_OR_SHE = re.compile(r"\b(he|she)\b", re.IGNORECASE)
_SUBJECT = re.compile(r"\b(he|she|they|him|them|it)\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"\b(his|her|their|its)\b", re.IGNORECASE)


_PERSON_POSSESSIVE = re.compile(r"\b(his|her)\b", re.IGNORECASE)
_PERSON_SUBJECT = re.compile(r"\b(he|she|him)\b", re.IGNORECASE)


def _substitute(question: str, name: str, person: bool = False) -> str | None:
    """`question` with its first pronoun replaced by `name`; by a `person`'s name, only a
    pronoun a person is called by ("how long did it take to get him down" is not about how
    long the postman took)."""
    possessive, subject = (
        (_PERSON_POSSESSIVE, _PERSON_SUBJECT) if person else (_POSSESSIVE, _SUBJECT)
    )
    rewritten, count = possessive.subn(f"{name}'s", question, count=1)
    if not count:
        rewritten, count = subject.subn(name, question, count=1)
    return rewritten if count else None


def with_context(
    question: str,
    previous: Turn,
    typed_names: Collection[str] = (),
    called: Callable[[str], str | None] | None = None,
    leading: Callable[[str, Sequence[str]], str | None] | None = None,
) -> list[str]:
    """Rewrites of the question with the name it most likely refers to.

    "When was he arrested?" after "Who is Laurent Vinatier?" gives "When was Laurent Vinatier
    arrested?" and, as news stories refer to people by surname after the first mention, "When
    was Vinatier arrested?". Without a name, the previous question is put in front. A question
    word alone takes the previous question's place: "Why?" after "When does the bridge close?"
    asks "Why does the bridge close?". `typed_names`: the previous question's words (lower
    case) that the last article writes as names, for a name typed in lower case ("who is
    kasatkin"). `called`: "he" or "she", as the article calls a name ("what did she say"
    after a sentence naming a man first means the woman it names). `leading`: the first
    person the article plainly calls "he" (or "she"), given the names the last turn gave, whom
    "his" means when the article plainly calls all of them otherwise ("how much is his bail"
    after "who is dana whitcombe"; `leading_person`).
    """
    bare = _BARE.match(question)
    if bare:
        asked = bare.group(1)
        before = chat_words(without_small_talk(previous.question))
        counted = _COUNTED.match(before)
        if counted is not None and not asked.lower().startswith("how"):
            # "why" after "how many ppl r they laying off": "why are they laying off people".
            return [f"{asked} {counted.group('rest')} {counted.group('thing')}"]
        if (who := _WHO_DID.match(before)) is not None:
            named = [n for n in sentence_names(previous.highlight) if personal(n) and " " in n]
            if named:
                # "for how long" after "who got jailed" answered by "... sentenced Laszlo
                # Bartha": "for how long Laszlo Bartha got jailed", not anyone else it finds.
                return [f"{asked} {named[0]} {who.group('rest')}"]
        rest, count = _LEADING_QUESTION_WORD.subn("", before, count=1)
        return [f"{asked}{rest}" if count else f"{asked} {before}"]
    # "who is Amara Diallo's coach" asked about Amara Diallo's coach: the name is hers.
    names = [re.sub(r"['’]s$", "", name) for name in names_in(previous.question)]
    # The name "who is kasatkin" asks about, typed in lower case, is whom "he" means, as one
    # written with capitals would be, before anyone the answer's sentence names first (there,
    # Vinatier). Elsewhere a name typed so is as often a place or a team ("who won the
    # valencia marathon").
    typed = _name_run(previous.question, typed_names) if typed_names else None
    if typed is not None and who_is_subject(previous.question) is None:
        typed = None
    if not names and typed is not None and _PERSON.search(question):
        names = [previous.question[typed[0] : typed[1]]]
    original = names
    if _called_otherwise(names, question, called) or _no_one_so_called(
        names, question, called, previous
    ):
        # "how old is he" after "who is Amara Diallo's coach": she is not "he"; the answer's
        # sentence names him ("Her coach, Ibrahima Ndiaye, 67"). After "who signed for
        # Rovers?", "he" is not the club but the striker the answer names.
        names = []
    if not names:
        # Typed in lower case, or about a thing: the last question says what "it" is. The last
        # answer's sentence may name who "he" is ("who scored?" - "Tiago Ferreira scored").
        shown = _holder_in(previous) or people(previous.highlight)
        said = _he_or_she(question)
        lead = None if leading is None or said is None else leading(said, [*original, *shown])
        if lead is not None:
            # The article plainly calls everyone the last turn named otherwise than the
            # question's "he" or "she": the reader has gone back to the story's own man or
            # woman ("how much is his bail" after the co-accused "she"), not on from the last
            # question.
            return _substituted(question, [lead], person=True)
        named = _as_called(shown, question, called)[:1] if _PERSON.search(question) else []
        # As a question of its own after the last one: the kind of answer wanted is this
        # one's ("how old is he", not the last one's "who did they sign").
        before = previous.question.rstrip(" ?")
        return [
            f"{before}? {question}",
            *_substituted(question, named, previous.highlight, person=True),
        ]
    names = _as_called(names, question, called)
    # A name the article calls "he" or "she" is a person's: not what "it" or "they" means.
    person = called is not None and called(names[0]) is not None
    rewritten = _substituted(question, names, previous.highlight, person)
    return rewritten or [f"{question} ({'; '.join(names)})"]


def _he_or_she(question: str) -> str | None:
    """ "he" when `question` says he, him or his; else "she" when it says she or her; else
    None."""
    return "he" if HE_WORDS.search(question) else "she" if SHE_WORDS.search(question) else None


def _called_otherwise(
    names: list[str], question: str, called: Callable[[str], str | None] | None
) -> bool:
    """Whether the article calls every one of `names` otherwise than the question's "he" or
    "she" does."""
    said = _he_or_she(question)
    if called is None or said is None or not names:
        return False
    return all(called(name) not in (said, None) for name in names)


def _no_one_so_called(
    names: list[str], question: str, called: Callable[[str], str | None] | None, previous: Turn
) -> bool:
    """Whether the article calls none of `names` "he" or "she" (a club, a town) while the last
    answer's sentence names someone it calls as the question does."""
    said = _he_or_she(question)
    if called is None or said is None or not names or any(called(n) is not None for n in names):
        return False
    return any(
        called(person) == said for person in _holder_in(previous) or people(previous.highlight)
    )


def _as_called(
    names: list[str], question: str, called: Callable[[str], str | None] | None
) -> list[str]:
    """`names`, those the article calls as the question's "he" or "she" does first, those it
    calls otherwise left out (unless that leaves none)."""
    said = _he_or_she(question)
    if called is None or said is None or len(names) < 2:
        return names
    calls = {name: called(name) for name in names}
    kept = [name for name in names if calls[name] in (said, None)] or names
    return sorted(kept, key=lambda name: calls[name] != said)


_ASKING = frozenset("who what when where why how which whom whose".split())
#: Words that point at someone or something already there, not a new subject.
_POINTERS = frozenset(
    "i me you we us he him she her it they them this that these those there then".split()
)
_AUXILIARIES = frozenset(
    "is are was were did does do can could will would should has have had".split()
)

#: An ellipsis's new subject is a name or a short phrase ("and kasatkin?", "what about the
#: topix"); one with a question word of its own ("and how does it end?", "and is it over?")
#: asks something else.
ELLIPSIS_SUBJECT_WORDS = 4


def ellipsis_subject(question: str) -> str | None:
    """What follows an ellipsis's lead ("kasatkin" of "and kasatkin?", "the topix" of "what
    about the topix"); None when the question opens with no such lead."""
    lead = _ELLIPSIS.match(question)
    return None if lead is None else question[lead.end() :].strip(" ?!.,;:")


def swapped_subject(
    question: str, previous: str, article_names: Collection[str] = ()
) -> str | None:
    """The last question asked again of an ellipsis's new subject: "and kasatkin?" after "how
    old is vinatier" is "how old is kasatkin". The last question's subject is its first name,
    as written or, typed in lower case, a run of the words the last article writes as names
    (`article_names`, lower case). None when the question is no such ellipsis or the last
    question names no one."""
    new = _new_subject(question)
    if new is None:
        return None
    run = _name_phrase(previous) or _name_run(previous, article_names)
    return None if run is None else _put_for(previous, run, *new)


#: A time a question is asked of: "now", "last year", "in 2019", "before", "so far this
#: year", "back in the day".
_TIME = (
    r"(?:(?:so\s+far\s+)?(?:this|last|next|the\s+previous)\s+"
    r"(?:year|yr|month|week|season|time|summer|winter|spring|autumn|fall)"
    r"|(?:(?:in|since|by|until|during|back\s+in)\s+)?(?:1[89]|20)\d\d"
    r"|now|today|nowadays|currently|these\s+days|at\s+the\s+moment|right\s+now"
    r"|back\s+then|back\s+in\s+the\s+day|a\s+(?:year|decade)\s+(?:ago|earlier|before)"
    # "before" alone is a time only at the end: "in 2019, before the pandemic" names one.
    r"|(?:before(?:\s+that)?|in\s+the\s+past)(?=\s*[?!.]*\s*$))"
)
_TIME_ELLIPSIS = re.compile(
    rf"^\s*(?:and|also|what\s+about|how\s+about|and\s+what\s+about|and\s+how\s+about)"
    rf"\s+(?P<time>{_TIME})\s*[?!.]*\s*$",
    re.IGNORECASE,
)
_TIME_IN_QUESTION = re.compile(rf"\s*\b{_TIME}\b", re.IGNORECASE)


def swapped_time(question: str, previous: str) -> str | None:
    """The last question asked again of an ellipsis's new time: "and last year?" after "how
    big was the harvest this year" is "how big was the harvest last year" (the time it gave
    replaced, else the new one put at its end). None when the question is no such ellipsis:
    "and now?" alone found whatever sentence says "now" ("who'll print the results now"),
    with confidence."""
    asked = _TIME_ELLIPSIS.match(question)
    if asked is None:
        return None
    time = asked.group("time")
    stem = previous.strip().rstrip("?!. ")
    given = _TIME_IN_QUESTION.search(stem)
    if given is not None:  # the first: "this year compared with 2019" asks of this year
        return f"{stem[: given.start()]} {time}{stem[given.end() :]}"
    return f"{stem} {time}"


def tells_at_time(question: str, previous: str, bold: str) -> bool:
    """Whether `bold`, found for an ellipsis of a time as it is ("and last year?"), holds that
    time and what the last question asked for ("how many people went": a number): "Last
    year's festival drew about 150,000 people", not "who'll print the footy results now"."""
    asked = _TIME_ELLIPSIS.match(question)
    if asked is None:
        return False
    time = re.sub(
        r"^(?:in|since|by|until|during|back\s+in)\s+", "", asked.group("time"), flags=re.I
    )
    words = r"\s+".join(map(re.escape, time.split()))
    if re.search(rf"\b{words}\b", bold, re.IGNORECASE) is None:
        return False
    kind = wanted_type(previous)
    if kind is None or (kind == "number" and not re.search(r"\d", bold)):
        # "whats that in usd" says no kind to look for; "The other half want to know ..."
        # is no figure of that time.
        return False
    return has_type(kind, bold, previous)


def swapped_for_pronoun(question: str, previous: str) -> str | None:
    """The last question asked again of an ellipsis's new subject where it asked of "he" or
    "she": "what about the ceo" after "what did he say" is "what did the ceo say". None when
    the question is no such ellipsis or the last one has no such pronoun."""
    new = _new_subject(question)
    found = _PERSON_SUBJECT.search(previous)
    if new is None or found is None:
        return None
    return _put_for(previous, found.span(), *new)


def _new_subject(question: str) -> tuple[str, list[str]] | None:
    """An ellipsis's new subject and its words (lower case): "kasatkin" of "and kasatkin?";
    None for no ellipsis, or one naming no subject of its own ("and you?", "and then?", "and
    how many?")."""
    subject = ellipsis_subject(question)
    if subject is None:
        return None
    words = _WORD.findall(subject.lower())
    if (
        not words
        or len(words) > ELLIPSIS_SUBJECT_WORDS
        or _ASKING & set(words)
        or words[0] in _AUXILIARIES
        or not set(_subject_words(subject)) - _POINTERS  # "and you?", "and then?"
    ):
        return None
    return subject, words


def _put_for(previous: str, run: tuple[int, int], subject: str, words: list[str]) -> str:
    """`previous` with `subject` in place of previous[run[0]:run[1]]."""
    before, after = previous[: run[0]], previous[run[1] :]
    # "the topix" after "how did the nikkei do": its "the" is the one already there.
    last = _WORD.findall(before.lower())[-1:]
    if last and words[0] == last[0] and len(words) > 1:
        subject = subject.split(None, 1)[1]
    return f"{before}{subject}{after}"


# A name as a question writes it, whole: "the Centre for Humanitarian Dialogue", "the Quai
# d’Orsay" (capitalised words, and the small words between them).
_NAME_PHRASE = re.compile(
    r"\b[A-Z][\w’'\-]+(?:\s+(?:(?:for|of|the|and|de|du|la|van|von|al|bin)\s+)*"
    r"(?:[dl][’'])?[A-Z][\w’'\-]+)*"
)
#: Capitalised words a question opens with that are no name.
_NOT_ASKED = QUESTION_WORDS | NOT_NAMES | {"tell", "please", "ok", "okay"}


def _name_phrase(text: str) -> tuple[int, int] | None:
    """Where the first name written with capitals stands in `text`, without the capitalised
    question words before it ("Did Vinatier ..." names Vinatier)."""
    for match in _NAME_PHRASE.finditer(text):
        start = match.start()
        for word in _WORD.finditer(match.group(0)):
            if word.group(0).lower() not in _NOT_ASKED:
                start = match.start() + word.start()
                break
        else:
            continue
        return start, match.end()
    return None


def _name_run(text: str, names: Collection[str]) -> tuple[int, int] | None:
    """Where the first run of words in `names` (lower case) stands in `text`, with the
    particles inside it ("quai d'orsay")."""
    start = end = None
    for match in _WORD.finditer(text):
        word = match.group(0).lower()
        if word in names:
            start = match.start() if start is None else start
            end = match.end()
        elif start is not None and word not in _PARTICLES:
            break
    return None if start is None or end is None else (start, end)


def _substituted(
    question: str, names: list[str], sentence: str = "", person: bool = False
) -> list[str]:
    """The question with its pronoun (a person's, for a `person`) replaced by the first name,
    whole and by surname, and by their age where `sentence` gives it ("Graham Lockhart, 67,":
    "the 67-year-old", as news goes on to call him)."""
    if not names:
        return []
    name = names[0]
    forms = [name]
    if " " in name and "-" not in name.split()[-1][:1]:
        forms.append(name.split()[-1])
    age = re.search(rf"\b{re.escape(name)},\s*(\d{{1,3}}),", sentence)
    if age is not None:
        forms.append(f"the {age.group(1)}-year-old")
    rewrites = (_substitute(question, form, person) for form in forms)
    return [rewrite for rewrite in rewrites if rewrite is not None]


def _holder_in(previous: Turn) -> list[str]:
    """The name beside the title the last question asked the holder of ("who is the ceo" -
    "Meridian Crest chief executive Laura Whitfield said"), or the words or the age of ("what
    did the harcourt coach say" - "said Harcourt manager Gavin Lowe, 48"): whom "she" means,
    not the first name of the sentence, the company or the club."""
    spoken = role_speaking(previous.question)
    asked = (
        role_asked(previous.question)
        or role_led(previous.question)
        or role_aged(previous.question)
        or (spoken.asked if spoken is not None else None)
    )
    if asked is None:
        return []
    # The last answer was about the role: what narrowed it may stand beside the title there
    # ("Harcourt manager Gavin Lowe") or not ("Mayor Sarah Lindqvist" for the Fremont one).
    sentence = [previous.highlight]
    holder = role_holder(sentence, "", asked, previous.highlight) or role_holder(
        sentence, "", dataclasses.replace(asked, qualifiers=())
    )
    return [holder.name] if holder is not None else []


@dataclass(frozen=True, slots=True)
class Request:
    """A question from a chat, with what the chat remembers and the articles it is limited to."""

    question: str
    previous: Turn | None = None
    doc_ids: Collection[str] | None = None
    #: When it was asked (seconds since the epoch); the previous turn expires relative to it.
    at: float = field(default_factory=time.time)
    #: The chat asking, for the bot's answer_batch: it searches only what `visible_in` lets
    #: that chat see (None: no chat, an inline query, which sees no group's own articles).
    chat_id: int | None = None
    #: The ids that chat had before (a group become a supergroup): its own articles too.
    former: tuple[int, ...] = ()
    #: The articles the asker may see (None: `doc_ids`), where "which articles do you have
    #: about X" and "summarize the ferry story" look beyond `doc_ids` (a post's thread,
    #: `/use`, `--doc`): such a question is about the collection, not the article in scope.
    seen: Collection[str] | None = None


@dataclass(frozen=True, slots=True)
class _Asked:
    """What to ask for one request: the question as asked, then its rewrites."""

    questions: list[str]
    #: The first rewrite is the last question asked of an ellipsis's new subject.
    swapped: bool = False
    #: That subject is a time ("and last year?"), and the question is asked again, last, of
    #: the last article as it is.
    at_time: bool = False
    #: Asked again of the last article, whose words it uses (`_on_topic_of`).
    on_topic: bool = False
    #: The rewrites that put a name in a pronoun's place ("what did Anna Kowalczyk say"), in
    #: the order made: the full name first.
    named: tuple[str, ...] = ()


def _questions_for(
    request: Request,
    ttl: float,
    english_only: bool = True,
    elsewhere: Callable[[str, str], bool] | None = None,
    names_here: Callable[[str, str], set[str]] | None = None,
    on_last_topic: Callable[[str, str], bool] | None = None,
    is_name: Callable[[str, str], bool] | None = None,
    latin: LatinLanguages | None = None,
    calls_in: Callable[[str], Callable[[str], str | None]] | None = None,
    leading_in: Callable[[str], Callable[[str, Sequence[str]], str | None]] | None = None,
) -> _Asked:
    """The question as asked, then its rewrites with the previous turn's names (if it leans on
    a fresh previous turn and names nothing only another article has, nor, being merely short,
    someone of the last article's), or itself again, to be asked of the last article (if it
    names no one and its words are that article's: `on_last_topic`)."""
    previous = request.previous
    if previous is None or request.at - previous.at > ttl:
        return _Asked([request.question])
    leans = depends_on_context(request.question)
    on_topic = (
        not leans
        and on_last_topic is not None
        and previous.doc_id is not None
        and on_last_topic(request.question, previous.doc_id)
    )
    if not leans and not on_topic:
        return _Asked([request.question])
    if (
        leans
        and names_here is not None
        and previous.doc_id is not None
        and not _has_pronoun(request.question)
        and not _ELLIPSIS.search(request.question)
        and not _BARE.match(request.question)
        and names_here(request.question, previous.doc_id)
    ):
        # Short, but naming its subject as chats type names, in lower case: "how old is
        # kasatkin" after "how old is vinatier" asks of Kasatkin alone.
        return _Asked([request.question])
    typed = names_in(request.question)
    if (
        leans
        and typed
        and elsewhere is not None
        and previous.doc_id is not None
        and elsewhere(" ".join(typed), previous.doc_id)
    ):
        # Naming someone only another article names, its pronoun is theirs: "how old was Tom
        # Baker when he started fishing?" after the ferry captain's age is Tom Baker's story.
        return _Asked([request.question])
    if (
        leans
        and elsewhere is not None
        and previous.doc_id is not None
        and not _has_pronoun(request.question)
        and not _BARE.match(request.question)
        and elsewhere(request.question, previous.doc_id)
    ):
        # Short, or "and ...?", but about what only other articles speak of: "who is amira
        # haddad" after the bridge story, "what about the bird flu" are new questions. A
        # pronoun still points back, whatever else it names.
        return _Asked([request.question])
    # "Who wrote this?" (also after "hello,") points at the article, not at the last answer,
    # "how are you?" at the bot; and an English name put into a Russian question would make it
    # look English.
    if (
        detect_intent(without_small_talk(request.question))
        or detect_small_talk(request.question)
        or (english_only and question_language(request.question, latin) != "en")
    ):
        return _Asked([request.question])
    if on_topic:
        # "how did the vote go" names its subject: asked as it is, and of the last article
        # ("the vote" is that one's), without the last question's words, which pull the
        # answer back to the last sentence shown. A confident answer elsewhere still wins
        # over the closest one there (as for any question without a pronoun): words shared
        # with the last article ("how old is the author") are no sign enough.
        return _Asked([request.question, request.question], on_topic=True)
    typed_names: Collection[str] = ()
    if (
        names_here is not None
        and previous.doc_id is not None
        and _PERSON.search(request.question)
        and not names_in(previous.question)
        and who_is_subject(previous.question) is not None  # else unused: no article read
    ):
        typed_names = names_here(previous.question, previous.doc_id)
    doc_id = previous.doc_id
    rewrites = with_context(
        request.question,
        previous,
        typed_names,
        None if calls_in is None or doc_id is None else calls_in(doc_id),
        None if leading_in is None or doc_id is None else leading_in(doc_id),
    )
    at_another_time = swapped_time(request.question, previous.question)
    if at_another_time is not None:
        return _Asked(
            [request.question, at_another_time, *rewrites, request.question],
            swapped=True,
            at_time=True,
        )
    if (
        names_here is not None
        and previous.doc_id is not None
        and _ELLIPSIS.match(request.question) is not None
    ):
        # Only an ellipsis can swap: the last question's names (read from the article) are
        # looked up for nothing else.
        swapped = swapped_subject(
            request.question, previous.question, names_here(previous.question, previous.doc_id)
        )
        # Only a name of the last article takes the last one's place: "and heating?" or
        # "and the cost?" after "how many households in dnipropetrovsk lost power" ask
        # something else of the same place, and "and crimea?" of a story without Crimea
        # would be asked of what it does not say.
        subject = ellipsis_subject(request.question) or ""
        # Someone else by title takes the last one's place too: "what about the ceo" after
        # "what did Brooks say" (or "what did he say") is "what did the ceo say".
        titled = role_asked(f"who is {subject}") is not None
        if (
            swapped is not None
            and is_name is not None
            and not titled
            and not is_name(" ".join(_subject_words(subject)), previous.doc_id)
        ):
            swapped = None
        if swapped is None and titled:
            swapped = swapped_for_pronoun(request.question, previous.question)
        if swapped is not None:
            return _Asked(
                [request.question, swapped, *rewrites],
                swapped=True,
                named=_named(request.question, rewrites),
            )
    if previous.doc_id is not None and not _BARE.match(request.question):
        # Also the question as asked, within the last answer's article (as every rewrite is):
        # the last question's words in front can pull the answer back to the last passage.
        rewrites.append(request.question)
    return _Asked([request.question, *rewrites], named=_named(request.question, rewrites))


#: "how old is he", "what age was she" (not "how old are his kids": theirs, not his).
_AGE_QUESTION = re.compile(
    r"^\W*(?:how\s+old|what\s+age)\s+(?:is|was|s)\s+(?:he|she)\W*(?:now|then)?\W*$",
    re.IGNORECASE,
)


def _put_in(asked: Answer, rewrite: Answer) -> list[str]:
    """The words a rewrite put in the question's place (the name for its "he")."""
    words = {w.casefold() for w in re.findall(r"[\w’'-]+", asked.question)}
    return [w for w in re.findall(r"[\w’'-]+", rewrite.question) if w.casefold() not in words]


def _names_any(sentence: str, words: Sequence[str]) -> bool:
    """Whether `sentence` has one of `words` (a name's), as a word, in any case."""
    return any(re.search(rf"\b{re.escape(w)}\b", sentence, re.IGNORECASE) for w in words)


def _named(question: str, rewrites: list[str]) -> tuple[str, ...]:
    """The rewrites of `question` that replace its pronoun with a name, in their order: the
    others hold the question whole, after the last one or before the names."""
    return tuple(rewrite for rewrite in rewrites if question not in rewrite)


def _scope_for(request: Request, ttl: float, indexed: Collection[str]) -> Collection[str] | None:
    """The articles to ask in: the chat's, narrowed for "who wrote this?" or "summarize" to
    the article the chat's fresh last answer came from (it is what "this" points at; "the
    bridge story" names its own)."""
    previous = request.previous
    if (
        previous is None
        or request.at - previous.at > ttl
        or not detect_intent(without_small_talk(request.question))
        or named_article(without_small_talk(request.question)) is not None
        or (request.doc_ids is not None and _THIS.search(request.question) is not None)
    ):
        # "This" is the article the chat is on (a post's thread, `/use`, `--doc`) where it is
        # on one: "who wrote this?" under a post, after "who wrote the bakery story?", is the
        # post's author; "who wrote it?" goes on from that answer.
        return request.doc_ids
    return _last_article(request, indexed)


#: "This" pointing at the article at hand ("who wrote this?", "where is this story from").
_THIS = re.compile(r"\bth(?:is|ese)\b", re.IGNORECASE)


#: The words that frame a follow-up ("what about ...", "and also ..."), not its subject.
_FOLLOW_UP_WORDS = frozenset({"about", "also", "more", "else", "then", "now", "again"})


def _subject_words(question: str) -> list[str]:
    """The words a question asks about, in lower case: not its question words, stopwords or
    the words framing a follow-up."""
    stop = english_stopwords() | QUESTION_WORDS | _FOLLOW_UP_WORDS
    return [w for w in _WORD.findall(question.lower()) if w not in stop]


def _elsewhere_words(retriever: Retriever, question: str, doc_id: str) -> bool:
    """Whether the words `question` asks about (not its question words) are all in other
    articles only, none in article `doc_id`."""
    index = retriever.index
    if doc_id not in index.documents:
        return False
    # Spelled as the articles spell it: "kovac" is the other article's "Kovač".
    terms = index.query_terms(retriever.spelled(" ".join(_subject_words(question))))
    if not terms.ids:
        return False
    counts = index.document_term_counts(terms.ids, index.document_numbers([doc_id]))
    return bool((counts == 0).all())


#: A question up to this long that names no one, whose words are mostly the last article's
#: ("how did the vote go", "so how much will the fees be now"), goes on from it in a chat.
TOPIC_QUESTION_WORDS = 8


#: Verbs that say little of what a question is about, whatever articles use them.
_LIGHT_VERBS = frozenset(
    "get gets got getting gotten go goes going went gone make makes made making come comes "
    "came coming take takes took taken give gives gave given put puts keep keeps kept".split()
)


def _on_topic_of(retriever: Retriever, question: str, doc_id: str) -> bool:
    """Whether `question` is short, names no one, and its words point at article `doc_id`:
    every word it asks about is one some article uses, and `doc_id` holds its rarest one, most
    of their weight (IDF) and as much of it as any other article. "The vote" after a rate
    decision is that decision's vote; "how much profit did westwind make" after another
    company's results is Westwind's, "what are the rules of chess" nobody's."""
    index = retriever.index
    if (
        len(_WORD.findall(question)) > TOPIC_QUESTION_WORDS
        or doc_id not in index.documents
        or names_in(question)
    ):
        return False
    # "How long", "how much": the kind of answer wanted, not what it is about; nor is "get"
    # or "go" ("how does the water get in").
    words = [
        w for w in _subject_words(question) if w not in ANSWER_KIND_WORDS and w not in _LIGHT_VERBS
    ]
    terms = index.query_terms(retriever.spelled(" ".join(words)))
    if not terms.ids or terms.unknown:
        return False
    every = index.document_numbers(list(index.documents))
    held = index.document_term_counts(terms.ids, every) > 0
    # Words like "go" or "ended" say little: the rarer words, most of the weight, decide.
    idf = np.asarray(terms.idf, dtype=np.float64)
    weight = held @ idf
    last = int(np.flatnonzero(every == index.document_numbers([doc_id])[0])[0])
    return (
        bool(held[last, int(np.argmax(idf))])
        and weight[last] >= 0.5 * float(idf.sum())
        and weight[last] >= weight.max()
    )


#: Parts of names written in lower case ("Marie d'Angelo", "Ursula von der Leyen").
_PARTICLES = frozenset("d l de du da di del der den la le van von al el bin ibn".split())


def _written_as_name(retriever: Retriever, phrase: str, doc_id: str) -> bool:
    """Whether article `doc_id` writes `phrase` (words in any case, spelled as the article
    spells them: "kovac" for "Kovač") as a name: each time with every word but particles
    capitalised, within a sentence at least once ("sea harmony" for its "Sea Harmony",
    "kasatkin" for its "Kasatkin"; not "heating", nor "private", which only opens a sentence
    there)."""
    document = retriever.index.documents.get(doc_id)
    words = _WORD.findall(retriever.spelled(phrase))
    if document is None or not [w for w in words if w.lower() not in _PARTICLES]:
        return False
    text = document.text
    pattern = r"\b" + r"[\W_]+".join(re.escape(word) for word in words) + r"\b"
    found = list(re.finditer(pattern, text, re.IGNORECASE))
    return (
        bool(found)
        and all(
            all(w[0].isupper() for w in _WORD.findall(m.group(0)) if w.lower() not in _PARTICLES)
            for m in found
        )
        and any(_within_sentence(text, m.start()) for m in found)
    )


def _written_as_names(retriever: Retriever, question: str, doc_id: str) -> set[str]:
    """The words of `question` (lower case, as typed) that article `doc_id` writes as names."""
    return {
        word
        for word in _subject_words(question)
        if len(word) > 2 and _written_as_name(retriever, word, doc_id)
    }


def _within_sentence(text: str, at: int) -> bool:
    """Whether the word at `at` stands inside a sentence, not at the start of one (or of a
    line, a quote, the text)."""
    if at >= 2 and text[at - 1] in "-'’" and text[at - 2].isalnum():
        return True  # the second part of "Jean-Luc", "d'Angelo"
    before = text[max(at - 40, 0) : at].rstrip()
    return bool(before) and before[-1] not in _SENTENCE_END


#: What a word after it opens a sentence (or a line, or the text) with.
_SENTENCE_END = frozenset(".!?\"“”'‘’—–-:\n")


def _last_article(request: Request, indexed: Collection[str]) -> Collection[str] | None:
    """The article the last turn's answer came from, where it is still indexed and among the
    articles the asker may see; else the chat's articles. A question rewritten with the last
    turn is asked there ("how heavy is it?" is about the satellite of the last answer, not
    another article's; under a post, "who wrote it?" after "summarize the ferry story" is
    about the ferry story, not the post's)."""
    previous = request.previous
    allowed = request.seen if request.seen is not None else request.doc_ids
    if (
        previous is None
        or previous.doc_id is None
        or previous.doc_id not in indexed
        or (allowed is not None and previous.doc_id not in allowed)
    ):
        return request.doc_ids
    beyond = request.doc_ids is not None and previous.doc_id not in request.doc_ids
    if beyond and not points_back(request.question):
        # Out of the scope only for what points back at that answer ("who wrote it?"): "who
        # is the fire chief?" under the wildfire post is the wildfire's, as before.
        return request.doc_ids
    return [previous.doc_id]


def _mentions(answer: Answer, subject: str) -> bool:
    """Whether the answer's passage holds every word `subject` asks about (accents aside; not
    "one", which stands for what was asked before: "the 1994 one")."""
    words = set(_WORD.findall(plain_letters(answer.passages[0].text).lower()))
    return set(_subject_words(plain_letters(subject))) - _PRO_FORMS <= words


_PRO_FORMS = frozenset({"one", "ones"})


def _as_written(rewrite: str, question: str, answer: Answer) -> str:
    """`rewrite` with the name it put in for the pronoun written as the answer's bold sentence
    writes it, whole ("how old is Daniil Kasatkin" for "how old is kasatkin"): remembered that
    way, the next "he" is read as that name, and as no shorter one than the sentence gives."""
    if not answer.passages:
        return rewrite
    typed = {w.casefold() for w in _WORD.findall(question)}
    stop = english_stopwords() | _PRONOUN_WORDS
    names: dict[str, str] = {}
    for run in _NAME_RUN.finditer(answer.passages[0].highlight_text):
        # "Kenya's Grace Chebet" is two names: one ends at its possessive.
        for part in re.split(r"(?<=['’]s)\s+", _LEADING_ARTICLE.sub("", run.group())):
            name = _APOSTROPHE_S.sub("", part)
            if name.casefold() in stop:  # "Her mother": a sentence's first word, no name
                continue
            for word in name.split():
                names.setdefault(word.casefold(), name)
    out: list[str] = []
    at = 0
    joined = False  # whether the last word put in may take the next word of its name
    for found in _NAME_TOKEN.finditer(rewrite):
        word = _APOSTROPHE_S.sub("", found.group())
        name = names.get(word.casefold())
        if name is None or word.casefold() in typed or word[:1].isupper():
            joined = False
            continue
        suffix = found.group()[len(word) :]
        if joined and out[-1] == name and not rewrite[at : found.start()].strip():
            # A name's other words typed beside it ("eleanor whitfield") become the one name.
            out[-1] = name + suffix
        else:
            out.extend([rewrite[at : found.start()], name + suffix])
        at = found.end()
        joined = not suffix
    return "".join([*out, rewrite[at:]])


#: A run of capitalised words ("Eleanor Whitfield", "The FSB"), an article opening one, a word
#: with its possessive, and the possessive.
_NAME_RUN = re.compile(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
_LEADING_ARTICLE = re.compile(r"^(?:The|A|An)\s+")
_NAME_TOKEN = re.compile(r"\w[\w’'-]*")
_APOSTROPHE_S = re.compile(r"['’]s$")
_PRONOUN_WORDS = frozenset(
    "i you he she it we they me him her us them my your his its our their this that these "
    "those".split()
)


def _told_by_rewrite(rewrite: Answer, asked: Answer) -> bool:
    """Whether the answer to a rewrite says something of what the rewrite put in: another bold
    sentence than the question as asked got, or one naming a word it added ("Creed resigned"
    for "when did Nathaniel Creed quit"). Not the signing's own sentence for "what shirt number
    will Ramos wear", which the question as asked got too: it says nothing of whom "he" was."""
    if rewrite.question == asked.question or not rewrite.passages:
        return False
    if not asked.passages or rewrite.passages[0].highlight != asked.passages[0].highlight:
        return True
    # A name typed in lower case ("who is kasatkin") is a name all the same where the bold
    # sentence writes it as one.
    added = {w.casefold() for w in _WORD.findall(rewrite.question)} - {
        w.casefold() for w in _WORD.findall(asked.question)
    }
    named = {
        w.casefold() for w in _WORD.findall(rewrite.passages[0].highlight_text) if w[:1].isupper()
    }
    return bool(added & named)


def _settle(
    request: Request,
    answers: Sequence[Answer],
    ttl: float = CONTEXT_TTL_SECONDS,
    swapped: bool = False,
    reading: Callable[[Answer], float] | None = None,
    on_topic: bool = False,
    named: Collection[str] = (),
    reads: Callable[[Answer], bool] | None = None,
    at_time: bool = False,
) -> tuple[Answer, Turn]:
    """The answer to give out of those to the question and its rewrites (the first of them
    the last question asked of an ellipsis's new subject when `swapped`), and the turn to
    keep; `reads(answer)` says whether the article answers that reading of the question
    (by default, whether the answer is confident)."""
    sure = reads or (lambda a: a.answered)
    answer = answers[0]
    asked_as = answer.question
    rewritten = False  # whether a rewrite's answer is given, not the question's as asked
    # "and in new york?" is about New York alone: as typed, a confident answer that does not
    # mention New York (a sentence on New Zealand) answers nothing asked.
    subject = ellipsis_subject(request.question)
    off_subject = subject is not None and sure(answer) and not _mentions(answer, subject)

    def of_that_time(found: Answer) -> bool:
        return (
            request.previous is not None
            and found.outcome != "none"
            and bool(found.passages)
            and tells_at_time(
                request.question, request.previous.question, found.passages[0].highlight_text
            )
        )

    alone = answers[-1]
    if (
        at_time
        and of_that_time(alone)
        and (not of_that_time(answers[1]) or alone.confidence > answers[1].confidence)
    ):
        # "and last year?" asked as it is, of the last article, found a sentence of last year
        # giving what was asked, where "how many ... last year" did not, or found one surer
        # ("12,400, up from 9,100 last year": a verifier, the rewrite had only hedged it): the
        # answer. Remembered as the last question of that time.
        answer = dataclasses.replace(alone, question=answer.question)
        asked_as = answers[1].question
        rewritten = True
    elif swapped and answers[1].outcome != "none":
        # "and kasatkin?" after "how old is vinatier" asks "how old is kasatkin": that is the
        # answer, confident or not, not what "kasatkin" alone or the last question's words
        # find (Vinatier's age). Remembered as that, for the next "and ...?".
        answer = dataclasses.replace(answers[1], question=answer.question)
        asked_as = answers[1].question
        rewritten = True
    elif len(answers) > 1:
        candidates = answers[1:]
        # A rewrite putting the name in the pronoun's place says whom the question means; one
        # putting the last question in front only guesses ("whos her coach? what did he say"
        # found her words, "she said").
        # Where none is confident, the one naming whom the pronoun means is still the best
        # guess ("how old is Steven Liu", whose age the article never gives, not the plumber's
        # age that "board president? how old is he" found).
        naming = [a for a in candidates if a.question in named]
        # "how old is he" after Kiprop's sentence: "The 27-year-old pulled away ...", found
        # for the question as asked, is the age of whom that sentence is about.
        age_of = (
            _put_in(answers[0], naming[0])
            if naming and _AGE_QUESTION.match(request.question) is not None
            else None
        )

        def aged_other(found: Answer) -> bool:
            return (
                age_of is not None
                and found not in naming
                and bool(found.passages)
                and ages_its_subject(bold := found.passages[0].highlight_text)
                and not _names_any(bold, age_of)
            )

        answered = [a for a in candidates if sure(a) and not aged_other(a)]
        by_name = [a for a in naming if sure(a)] or ([] if answered else naming)
        contextual = max(by_name or candidates, key=reading or (lambda a: a.confidence))
        # A pronoun means the asker is still on the previous topic: trust the context unless it
        # finds nothing while the bare question does. A question word alone ("who?") means
        # nothing by itself.
        bare = _BARE.match(request.question) is not None
        # Found in another article than the last answer's, "how old is he?" is about someone
        # else: what the last article says of its own "he" is the better guess, if anything.
        # Without a pronoun ("who won the election?") a confident answer elsewhere is a new
        # topic.
        elsewhere = (
            request.previous is not None
            and _has_pronoun(request.question)
            and bool(answer.passages)
            and answer.passages[0].doc_id != request.previous.doc_id
            and contextual.outcome != "none"
        )
        if (
            sure(contextual)
            or not sure(answer)
            or bare
            or elsewhere
            or off_subject
            or aged_other(answer)
        ):
            answer = dataclasses.replace(contextual, question=answer.question)
            # A bold sentence naming nobody ("A 66-year-old hiker ...", the age of "he" =
            # Martin Fogarty) leaves no one else for the next "he": the name stays.
            rewritten = _told_by_rewrite(contextual, answers[0]) or (
                contextual.question in named
                and bool(contextual.passages)
                and not people(contextual.passages[0].highlight_text)
            )
            if bare:  # remembered as it was asked, so that a next "how long?" still finds it
                asked_as = contextual.question
    if off_subject and answer is answers[0]:
        answer = dataclasses.replace(answer, answered=False, outcome="closest")
    previous = request.previous
    if (
        named
        and rewritten
        and previous is not None
        and answer.passages
        and answer.passages[0].doc_id == previous.doc_id
    ):
        # Still in the last article, "she" is whom the rewrite named: remembered so, the next
        # "how old is she" does not take her from this answer's sentence ("Her son Tomasz").
        # The longest, the first of equals: "how old is Graham Lockhart" before "how old is
        # the 67-year-old", which the next "he" could not be read from. Not when the question
        # as asked was answered with confidence and no rewrite was: then "he" was not that one
        # ("what shirt number will he wear" of the signing, not of the record signing before).
        asked_as = _as_written(max(named, key=len), request.question, answer)
    if (
        subject is not None
        and answer.outcome == "none"
        and answer.passages
        and answer.reply is None
        and set(_subject_words(subject)) - _PRO_FORMS
        and _mentions(answer, subject)
    ):
        # "what about the 1994 one" after "how long did it last": the passage holds what the
        # ellipsis names ("since 1994, when a walkout lasted eleven days"), which the topic
        # gate, reading three short words, had refused; it is offered as the closest.
        answer = dataclasses.replace(answer, outcome="closest")
    if on_topic and answer.outcome == "none" and answer.passages and answer.reply is None:
        # Its words are the last article's: that its passages are "not about the subject"
        # (the topic gate, which reads a short question's one or two words as little) is
        # already answered; the best of them is offered as the closest.
        answer = dataclasses.replace(answer, outcome="closest")
    if answer.reply is not None:
        # A byline, a summary or "ask in English" is about no one: "he" in the next question
        # still means whoever it meant before (and nobody when there was no fresh turn). A
        # byline or a summary is of an article, though: "this" is that one now.
        about = answer.reply.doc_id if answer.reply.kind in ("byline", "summary", "date") else None
        if previous is not None and request.at - previous.at <= ttl:
            return answer, previous if about is None else dataclasses.replace(
                previous, doc_id=about
            )
        if about is not None:
            return answer, Turn(question="", highlight="", at=request.at, doc_id=about)
        return answer, Turn(question=answer.question, highlight="", at=-math.inf)
    # A passage offered as the closest was shown too: "this" and "he" may point into it.
    shown = answer.outcome != "none" and bool(answer.passages)
    top = answer.passages[0] if shown else None
    highlight, doc_id = (top.highlight_text, top.doc_id) if top is not None else ("", None)
    return answer, Turn(asked_as, highlight, request.at, doc_id)


def answer_requests(
    retriever: Retriever,
    requests: Sequence[Request],
    *,
    ttl: float = CONTEXT_TTL_SECONDS,
    english_only: bool = True,
) -> list[tuple[Answer, Turn]]:
    """Answer each request, using its previous turn when the question leans on it.

    Returns each answer with the turn to remember. An independent question is asked as it is; a
    dependent one (a pronoun, "and ...?") is also asked with the previous turn's names added.
    All the questions, rewrites included, are encoded together. Questions about the article
    itself and in other languages are answered as `read_answers` does (`english_only`: the
    model reads English only).
    """
    # Read as the retriever reads them (whitespace collapsed, the length capped): the chat's
    # own checks then never see a 40,000-space question either.
    requests = [
        _opened_by_the_lead(
            retriever,
            dataclasses.replace(
                request,
                question=normalize_question(request.question, retriever.max_question_chars),
                previous=_still_indexed(request.previous, retriever.index.documents),
            ),
        )
        for request in requests
    ]
    sentences_of = _sentences_read_once(retriever)
    asked = [
        _questions_for(
            request,
            ttl,
            english_only,
            partial(_elsewhere_words, retriever),
            partial(_written_as_names, retriever),
            partial(_on_topic_of, retriever),
            partial(_written_as_name, retriever),
            retriever.languages,
            partial(_calls_in, sentences_of),
            partial(_leading_in, sentences_of),
        )
        for request in requests
    ]
    texts = [text for each in asked for text in each.questions]
    indexed = retriever.index.documents
    scopes = [
        _last_article(request, indexed) if n else _scope_for(request, ttl, indexed)
        for request, each in zip(requests, asked, strict=True)
        for n, _ in enumerate(each.questions)
    ]
    # Only a question asked alone opens a conversation: "when did it happen" after an answer
    # is about that answer, not about the article's story; unless that answer told the story
    # ("what happened to the ferry? where was it").
    opens = [
        len(each.questions) == 1 or (n == 0 and _after_the_story(request))
        for request, each in zip(requests, asked, strict=True)
        for n, _ in enumerate(each.questions)
    ]
    askers = [r for r, each in zip(requests, asked, strict=True) for _ in each.questions]
    seen = [
        request.seen if request.seen is not None else scope
        for request, scope in zip(askers, scopes, strict=True)
    ]
    answers = read_answers(
        retriever, texts, scopes, english_only=english_only, fresh=opens, seen=seen
    )

    def reading(answer: Answer) -> float:
        # Which rewrite reads the follow-up best, by the confidence without late
        # interaction's MaxSim: averaged over every word asked, it favours a rewrite for the
        # last question's words it carries, which pull the answer back to the last passage.
        if not answer.evidence:
            return answer.confidence
        if answer.answered and answer.topical is None:
            # Made confident by what the article's structure says ("Gavin Lowe, 48" for "how
            # old is Gavin Lowe"): the rewrite that the article answers so is the one meant.
            return 1.0
        return logistic(retriever.ranking.answers_calibration_without_late, answer.evidence)

    def reads(answer: Answer) -> bool:
        # Whether the article answers this reading of the question: a confident answer, or
        # one `answers_it` finds answered unless a rule made it only the closest (its
        # confidence then stands at or above the threshold). The confidence says whether the
        # bold sentence answers it, a narrower thing than which reading the asker meant.
        if answer.answered or not answer.evidence or answer.outcome == "none":
            return answer.answered
        if answer.confidence >= retriever.min_confidence:
            return False  # confident enough, yet a rule made it only the closest
        ranking = retriever.ranking
        return answers_it(ranking, answer.evidence) >= ranking.answers_min_confidence

    results, at = [], 0
    for request, each in zip(requests, asked, strict=True):
        count = len(each.questions)
        answer, turn = _settle(
            request,
            answers[at : at + count],
            ttl,
            swapped=each.swapped,
            at_time=each.at_time,
            reading=reading,
            on_topic=each.on_topic,
            named=each.named,
            reads=reads,
        )
        shown = _from_last_sentence(retriever, request, answer, ttl)
        if shown is not answer and request.previous is not None:
            # The sentence shown again is what "this" and "he" point into next.
            previous = request.previous
            answer = shown
            turn = dataclasses.replace(turn, highlight=previous.highlight, doc_id=previous.doc_id)
        results.append((answer, _with_identified(retriever, turn)))
        at += count
    return results


def _from_last_sentence(
    retriever: Retriever, request: Request, answer: Answer, ttl: float
) -> Answer:
    """`answer` to a question word alone ("when?", "and where?") led, with confidence, by the
    sentence the last answer showed where that holds what it asks (a day, a place, a number)
    and this answer's bold sentence does not, or is not given with confidence: after
    "The company's shares fell 18% in London on Friday.", "and where?" is London."""
    previous = request.previous
    asked = _LAST_SENTENCE_QUESTION.match(request.question)
    if (
        asked is None
        or previous is None
        or not previous.highlight
        or previous.doc_id not in retriever.index.documents
        or request.at - previous.at > ttl
        or answer.reply is not None
    ):
        return answer
    word = asked.group("word").lower()

    def holds(sentence: str) -> bool:
        if word.startswith("where"):
            return says_where(sentence)
        kind = wanted_type(f"{word} {previous.question}")
        return kind is not None and has_type(kind, sentence, f"{word} {previous.question}")

    bold = answer.passages[0].highlight_text if answer.passages else ""
    if (answer.answered and holds(bold)) or not holds(previous.highlight):
        return answer
    text = retriever.index.documents[previous.doc_id].text
    start = text.find(previous.highlight)
    if start < 0:
        return answer
    led = answered_by(retriever, answer, previous.doc_id, (start, start + len(previous.highlight)))
    return dataclasses.replace(led, question=answer.question)


#: A question word alone, which the sentence just shown may answer.
_LAST_SENTENCE_QUESTION = re.compile(
    r"^\s*(?:(?:and|so|ok|okay)\s+)?(?P<word>when|where|how\s+much|how\s+many)"
    r"(?:\s+(?:exactly|then))?\s*[?!.]*\s*$",
    re.IGNORECASE,
)


def _still_indexed(previous: Turn | None, documents: Mapping[str, object]) -> Turn | None:
    """The last turn, without its article when that was removed since (an admin's /remove):
    its words still say whom "she" means, and the articles left are searched."""
    if previous is None or previous.doc_id is None or previous.doc_id in documents:
        return previous
    return dataclasses.replace(previous, doc_id=None)


def _opened_by_the_lead(retriever: Retriever, request: Request) -> Request:
    """A chat's first question about one article with "he" or "she" ("how old is she") as if
    it followed the article's lead sentence: a reader who has just read the story means the
    person it opens with, whom the lead names first."""
    if request.previous is not None or not _HE_OR_SHE.search(request.question):
        return request
    scope = articles_in_scope(retriever, request.doc_ids)
    if len(scope) != 1:
        return request
    doc_id = scope[0]
    _, sentences = article_sentences(retriever, doc_id)
    if not sentences:
        return request
    told = sentences[0]
    named = people(told)
    if not _names_a_person(told, named):
        # "A former treasurer of a children's hospice charity was jailed": the person is
        # whom the next sentence names with an age ("Margaret Ashworth, 58, ..."), if it does.
        identified = _identified_next(sentences, 0)
        if identified is None:
            return request
        person, after = identified
        # "A 16-year-old schoolgirl from Dundee became ..." then "Amara Osei, who is in her
        # fifth year ...": the lead says more of her, the next sentence who she is.
        named, told = [person], after if aged(person, after) else f"{told} {after}"
    called = _called(named[0], sentences)
    if called is not None and not re.search(rf"\b{called}\b", request.question, re.IGNORECASE):
        # "how old is she" of a story opening with Richard Hallam, whom it calls "he".
        return request
    previous = Turn("what happened", told, request.at, doc_id)
    return dataclasses.replace(request, previous=previous)


def _names_a_person(sentence: str, named: list[str]) -> bool:
    """Whether `sentence`, whose people are `named`, names someone by a full name or an age."""
    return bool(named) and (" " in named[0] or aged(named[0], sentence))


def _identified_next(sentences: Sequence[str], at: int) -> tuple[str, str] | None:
    """The person whom sentence `at` describes and the next names, with their age ("Margaret
    Ashworth, 58, ...") or opening it ("Amara Osei, who ..."), and that sentence; None when
    the next names no one so (or a body: "Severnvale Water, which supplies ...")."""
    found = identified_after(sentences, at)
    if found is None:
        return None
    after = sentences[found]
    person = next((name for name in people(after) if aged(name, after)), None)
    person = person or opening_person(after)
    return None if person is None else (person, after)


def _with_identified(retriever: Retriever, turn: Turn) -> Turn:
    """`turn`, when its sentence is the article's lead describing someone the next sentence
    names ("A retired geography teacher who spent two nights in a snow hole ..."), with that
    sentence too: the next "he" is the person it names ("Graham Lockhart, 67, from Stirling").
    Only the lead: news opens so, while a sentence further on naming no one ("Each member will
    receive about 1.6 million") is rarely about whom the next one names."""
    if turn.doc_id is None or not turn.highlight or turn.doc_id not in retriever.index.documents:
        return turn
    if _names_a_person(turn.highlight, people(turn.highlight)):
        return turn
    _, sentences = article_sentences(retriever, turn.doc_id)
    if not sentences or sentences[0] != turn.highlight:
        return turn
    identified = _identified_next(sentences, 0)
    if identified is None:
        return turn
    return dataclasses.replace(turn, highlight=f"{turn.highlight} {identified[1]}")


def _sentences_read_once(retriever: Retriever) -> Callable[[str], list[str]]:
    """Each article's sentences, read when first asked for and then kept, for one batch of
    chat questions (how it calls a name and who its own man or woman is read the same ones)."""
    read: dict[str, list[str]] = {}

    def sentences(doc_id: str) -> list[str]:
        if doc_id not in read:
            read[doc_id] = article_sentences(retriever, doc_id)[1]
        return read[doc_id]

    return sentences


def _calls_in(sentences_of: Callable[[str], list[str]], doc_id: str) -> Callable[[str], str | None]:
    """ "he" or "she", as article `doc_id` calls a name (`_called`)."""
    return lambda name: _called(name, sentences_of(doc_id))


def _leading_in(
    sentences_of: Callable[[str], list[str]], doc_id: str
) -> Callable[[str, Sequence[str]], str | None]:
    """`leading_person` of article `doc_id`."""
    return lambda said, named: leading_person(sentences_of(doc_id), said, named)


def leading_person(sentences: Sequence[str], said: str, named: Sequence[str]) -> str | None:
    """The first person `sentences` name with a first name and a surname and call only
    `said` ("he" or "she"), when they call each of `named` only the other: news names its
    main person first. None when any of `named` may be `said` (the article uses both words
    near them, as near a coach quoted on his runner, or neither)."""
    other = "she" if said == "he" else "he"
    if not named or any(plainly_called(name, sentences) != other for name in named):
        return None
    # The story's own people are named near its top: a book-length text is not read for them.
    seen: set[str] = set()
    for sentence in sentences[:LEADING_SENTENCES]:
        for name in people(sentence):
            if name in seen or " " not in name or not personal(name):
                continue
            seen.add(name)
            if plainly_called(name, sentences) == said:
                return name
    return None


#: How far into an article `leading_person` looks for the story's own man or woman.
LEADING_SENTENCES = 40


def _called(name: str, sentences: Sequence[str]) -> str | None:
    """ "he" or "she", as the article calls `name` in the sentences naming them (by the last
    word of the name) and the one after each; None when it uses neither more."""
    surname = surname_pattern(name)
    he = she = 0
    for i, sentence in enumerate(sentences):
        if surname.search(sentence):
            told = " ".join(sentences[i : i + 2])
            he += len(HE_WORDS.findall(told))
            she += len(SHE_WORDS.findall(told))
    return "he" if he > she else "she" if she > he else None


def _after_the_story(request: Request) -> bool:
    """Whether the question asks about the story as a whole ("where was it") right after a
    question about its main event ("what happened to the ferry", "what happened?", "where was
    it"): "it" is that event."""
    previous = request.previous
    if previous is None or story_question(request.question) is None:
        return False
    last = chat_words(previous.question)
    return (
        event_asked(last) is not None
        or story_question(last) is not None
        or detect_intent(last) == "summary"
    )


def articles_meant(
    previous: Turn | None,
    answer: Answer,
    searched: int,
    *,
    now: float | None = None,
    ttl: float = CONTEXT_TTL_SECONDS,
) -> int:
    """How many articles an answer's wording speaks of: one when its passage is from the
    article the chat's fresh last answer came from (the chat is on that article: "The article
    may not say exactly"), else the `searched` ones."""
    at = time.time() if now is None else now
    if (
        previous is not None
        and previous.doc_id is not None
        and at - previous.at <= ttl
        and answer.passages
        and answer.passages[0].doc_id == previous.doc_id
    ):
        return 1
    return searched


def ask_in_context(
    retriever: Retriever,
    question: str,
    previous: Turn | None,
    *,
    now: float | None = None,
    ttl: float = CONTEXT_TTL_SECONDS,
    doc_ids: Collection[str] | None = None,
    english_only: bool = True,
    seen: Collection[str] | None = None,
) -> tuple[Answer, Turn]:
    """Answer one question in a chat (see `answer_requests`; `seen`: see `Request`): the answer
    and the turn to keep."""
    at = time.time() if now is None else now
    request = Request(question, previous, doc_ids, at, seen=seen)
    return answer_requests(retriever, [request], ttl=ttl, english_only=english_only)[0]
