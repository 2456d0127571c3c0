"""Answers as a reader gets them: questions in a language the model cannot read are told so,
messages to the bot itself ("hi", "thanks") get a line saying what it does, questions about
the article itself are answered from its structure, the rest by retrieval."""

from __future__ import annotations

import itertools
import logging
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from articlebot.ingest.documents import Document
from articlebot.retrieval.about import (
    article_date,
    articles_reply,
    body_sentences,
    byline_reply,
    date_reply,
    first_mention,
    introduction,
    newest_article,
    newest_articles,
    publisher,
    summary_reply,
    summary_spans,
    unnamed_reply,
)
from articlebot.retrieval.answer_type import (
    NameQuestion,
    PlacingQuestion,
    VerdictQuestion,
    age_asked,
    aged_thing_sentence,
    ages_its_subject,
    ages_only_others,
    called_by_age,
    clause_tells,
    count_doer_asked,
    counted_thing,
    counts_directly,
    denies_asked,
    describes_by_age,
    finished_behind,
    first_score,
    first_tally,
    gives_reason,
    has_type,
    leaves_out_the_doer,
    leaves_party_out,
    leaves_unnamed,
    mentions,
    mentions_verb,
    name_asked,
    names_winner,
    naming_sentence,
    placing_asked,
    reason_asked,
    says_work,
    score_asked,
    states_age_of,
    states_placing,
    states_thing_age,
    suffered_asked,
    tally_asked,
    tells_a_past_peak,
    tells_a_similar_one,
    tells_an_earlier_one,
    tells_what_would_have_been,
    thing_age_asked,
    verdict_asked,
    verdict_of,
    verdicts_of,
    winner_asked,
    withholds_name,
)
from articlebot.retrieval.intents import (
    asks_for_articles,
    detect_intent,
    job_asked,
    named_article,
    who_is_subject,
    who_is_the,
)
from articlebot.retrieval.languages import (
    Language,
    LatinLanguages,
    english_only_reply,
    question_language,
)
from articlebot.retrieval.late_interaction import english_stopwords
from articlebot.retrieval.names import (
    CALENDAR,
    CAPITALS,
    NOT_NAMES,
    TITLES,
    identified_after,
    mentions_surname,
    names_in,
    names_someone,
    people,
    personal,
    same_given_name,
)
from articlebot.retrieval.results import Answer, ArticleReply, Highlight, RetrievedPassage
from articlebot.retrieval.retriever import Retriever, normalize_question
from articlebot.retrieval.roles import (
    Holder,
    RoleQuestion,
    SpokenRole,
    mentions_title,
    role_aged,
    role_asked,
    role_holder,
    role_led,
    role_speaking,
    says_every_qualifier,
)
from articlebot.retrieval.small_talk import (
    SmallTalk,
    detect_small_talk,
    small_talk_reply,
    without_framing,
    without_small_talk,
)
from articlebot.retrieval.speakers import first_statement, speaker_asked
from articlebot.retrieval.spelling import plain_letters
from articlebot.retrieval.story import (
    StoryQuestion,
    event_asked,
    headline_names,
    story_question,
    tells,
    with_headline,
)

log = logging.getLogger(__name__)


def articles_in_scope(retriever: Retriever, doc_ids: Collection[str] | None) -> list[str]:
    """The indexed articles a question may be answered from: those of `doc_ids` still indexed
    (none for an empty scope: a chat that may see none of them), or every one (None)."""
    documents = retriever.index.documents
    return [d for d in doc_ids if d in documents] if doc_ids is not None else list(documents)


def article_of(retriever: Retriever, answer: Answer, doc_ids: Collection[str] | None) -> str | None:
    """The article a question is about: the one it is scoped to, the only one indexed, or the
    one retrieval's top passage comes from."""
    scope = articles_in_scope(retriever, doc_ids)
    if len(scope) == 1:
        return scope[0]
    if answer.passages:
        return answer.passages[0].doc_id
    return None


def this_article(retriever: Retriever, doc_ids: Collection[str] | None) -> str | None:
    """The article "this" means in "who wrote this?" or "summarize": the one the question is
    scoped to, else the newest one (as `/summary` and `articlebot summary` take), whatever
    passage the words "wrote" or "about" happen to match."""
    scope = articles_in_scope(retriever, doc_ids)
    return newest_article(retriever.index, scope) if scope else None


def named_or_this_article(
    retriever: Retriever, topic: str | None, doc_ids: Collection[str] | None
) -> str | None:
    """The article a question about an article asks of: the one its words name (`topic`, as
    `named_article` reads it: for "the bridge story", the article the best passage for
    "bridge" is from; None when no article is about it), else `this_article`."""
    scope = articles_in_scope(retriever, doc_ids)
    if topic is None or not scope:
        return this_article(retriever, doc_ids)
    found = retriever.ask(topic, doc_ids=doc_ids)
    if len(scope) > 1:
        # The best-matching article about each word (in its title, or said twice) before one
        # saying it in passing: "the storm story" is "Storm Ida: ...", not the ferry strike
        # whose islander is "used to storms cancelling the boats", its best passage.
        about = next(
            (p.doc_id for p in found.passages if _about_every_word(retriever, topic, p.doc_id)),
            None,
        )
        if about is None:
            # None of those passages' articles: the newest article about it, whose passages
            # the search ranked below others' (a weather story's above "Storm Ida: ...").
            about = _newest_about(retriever, topic, doc_ids)
        if about is not None:
            return about
    doc_id = found.passages[0].doc_id if found.passages else scope[0]
    document = retriever.index.documents[doc_id]
    text, title = document.text.lower(), document.title.lower()
    words = _subject_words(topic, f"{title}\n{text}")
    # In the singular or the plural: "fires" is said inside "cease-fire" as "fire" is.
    said = [
        any(re.search(rf"\b{re.escape(form)}", text) for form in _number_forms(w))
        or _said_alone(w, text)
        for w in words
    ]
    if len(scope) == 1:
        # The one article a chat has is the one meant, if it is about the subject: "who wrote
        # the football story" of a chess story, "do you have an article about bitcoin", are
        # answered that none is; so is a word the article says only in passing ("basketball"
        # once in a war story, "fire" only in "cease-fire"). Words it does not use at all
        # ("soccer" for its "football") are judged by the search.
        if any(_about(w, text, title) for w in words):
            return doc_id
        if found.answered and len(words) > 1 and all(_said_alone(w, text) for w in words):
            return doc_id  # "the prisoner swap": each word once, and a confident passage
        return doc_id if not any(said) and found.outcome != "none" else None
    if not found.passages or found.outcome == "none":
        return None
    # Every word of the subject in the article, or a confident match: "the football story" is
    # not the chess one that a single word matches best of a few, nor "the port strike" the
    # war story with its missile strikes.
    alone = [_said_alone(w, text) for w in words]
    # A word only inside another ("fire" in "cease-fire") is no confident match's support.
    compound = any(s and not a for s, a in zip(said, alone, strict=True))
    return doc_id if (alone and all(alone)) or (found.answered and not compound) else None


def _looks_beyond(scope: Collection[str] | None, seen: Collection[str] | None) -> bool:
    """Whether the articles an asker may see (`seen`, None: all) are more than its scope."""
    return scope is not None and (seen is None or bool(set(seen) - set(scope)))


def _named_beyond(
    retriever: Retriever, topic: str, doc_id: str | None, seen: Collection[str] | None
) -> str | None:
    """The article "summarize the ferry story" names, asked in a scope (a post's thread,
    `--doc`) where `doc_id` is what the scope gave: that one while it is about every word of
    the subject, else one of the articles the asker may see (`seen`) that is, else whichever
    of them the words find where the scope had none ("the wildfire post" is not "the ferry
    story" for its one word "fire")."""
    if doc_id is not None and _about_every_word(retriever, topic, doc_id):
        return doc_id
    other = named_or_this_article(retriever, topic, seen)
    if other is None or other == doc_id:
        return doc_id
    if doc_id is None or _about_every_word(retriever, topic, other):
        return other
    return doc_id


def _about_every_word(retriever: Retriever, topic: str, doc_id: str) -> bool:
    """Whether an article is about each word of `topic` (`_about`)."""
    document = retriever.index.documents[doc_id]
    text, title = document.text.lower(), document.title.lower()
    words = _subject_words(topic, f"{title}\n{text}")
    return bool(words) and all(_about(w, text, title) for w in words)


def _subject_words(topic: str, text: str) -> list[str]:
    """The words of a subject to look for in an article (`text` in lower case): not its small
    words, and two that the article writes as one ("cease fire" of its "ceasefire" or
    "cease-fire") as that one, hyphenated."""
    words = [w for w in topic.split() if w not in english_stopwords()]
    joined: list[str] = []
    for word in words:
        if joined and _times_said_compound(f"{joined[-1]}-{word}", text):
            joined[-1] = f"{joined[-1]}-{word}"
        else:
            joined.append(word)
    return joined


#: The most articles "which articles do you have about fires" reads through, the newest: each
#: is read whole for the subject's words, and a collection of thousands would hold up the
#: answer (the reply then says of how many newest it counted).
CATALOGUE_READ = 1000


def articles_about(
    retriever: Retriever, topic: str, found: str, doc_ids: Collection[str] | None
) -> list[str]:
    """The articles "which articles do you have about fires" asks for: `found` (the one
    `named_or_this_article` takes), then, newest first, every other of `doc_ids` (the
    `CATALOGUE_READ` newest) about each word of `topic` (`_about`)."""
    others = (d for d in _newest_about_every_word(retriever, topic, doc_ids) if d != found)
    return [found, *others]


def _newest_about(retriever: Retriever, topic: str, doc_ids: Collection[str] | None) -> str | None:
    """The newest of the `CATALOGUE_READ` newest articles of `doc_ids` that is about each word
    of `topic` (`_about`), if any."""
    return next(_newest_about_every_word(retriever, topic, doc_ids), None)


def _newest_about_every_word(
    retriever: Retriever, topic: str, doc_ids: Collection[str] | None
) -> Iterator[str]:
    """The `CATALOGUE_READ` newest articles of `doc_ids` about each word of `topic`, newest
    first, read one at a time (each is read whole)."""
    scope = articles_in_scope(retriever, doc_ids)
    return (
        doc_id
        for doc_id in newest_articles(retriever.index, scope, CATALOGUE_READ)
        if _about_every_word(retriever, topic, doc_id)
    )


def with_articles(
    retriever: Retriever,
    answer: Answer,
    topic: str,
    doc_ids: list[str],
    of: int | None = None,
) -> Answer:
    """`answer` replaced by the list of the articles about `topic` (`doc_ids`), with the first
    passage of each (`of`: how many articles there are, where only the newest were read)."""
    index = retriever.index
    passages = []
    for doc_id in doc_ids:
        rows = index.passage_rows(index.document_numbers([doc_id]))
        if len(rows):
            passages.append(retriever.passage(int(rows[0])))
    return replace(
        answer,
        answered=True,
        confidence=1.0,
        passages=passages,
        reply=articles_reply(index, topic, doc_ids, CATALOGUE_READ if of else None),
        also=None,
        topical=None,
    )


def _about(word: str, text: str, title: str) -> bool:
    """Whether an article is about `word`: in its title, or said at least twice as a word of
    its own (not the end of "cease-fire"), in the singular or the plural ("trams" of "tram
    line"; "fires" not of "fired")."""
    return _times_said(word, title) > 0 or _times_said(word, text) >= 2


def _said_alone(word: str, text: str) -> bool:
    """Whether `text` says `word` as the start of a word of its own ("swap" in "swapped", not
    the end of "cease-fire"), in the singular or the plural."""
    if "-" in word.strip("-"):
        return _times_said_compound(word.strip("-"), text) > 0
    return any(re.search(rf"(?<![\w-]){re.escape(form)}", text) for form in _number_forms(word))


def _times_said(word: str, text: str) -> int:
    """How often `text` (in lower case) says `word` as a word of its own (not the end of
    "cease-fire"), in the singular or the plural ("trams" for "tram", "ferries" for "ferry"),
    or as the start of a noun or an adjective of it ("protesters" of "protests", "Russian" of
    "Russia"); not a verb's form ("fired" is no "fire", "training" no "trains")."""
    if "-" in word.strip("-"):
        return _times_said_compound(word.strip("-"), text)
    forms = _number_forms(word)
    # A word of its own, or one the text hyphenates ("cease-fire" says "ceasefire"); "&"
    # inside a word is of it ("at&t" is said in "AT&T profits rise", not "at" and "t").
    said = (found.group() for found in re.finditer(r"(?<![\w&-])\w+(?:&\w+)*", text))
    hyphenated = (
        found.group().replace("-", "") for found in re.finditer(r"(?<![\w-])\w+(?:-\w+)+", text)
    )
    return sum(
        1
        for written in itertools.chain(said, hyphenated)
        if any(written.startswith(form) and written[len(form) :] in _NOUN_ENDINGS for form in forms)
    )


def _times_said_compound(word: str, text: str) -> int:
    """How often `text` says a hyphenated `word` ("cease-fire"), written with its hyphens,
    run together or apart ("ceasefire", "cease fire"), in the singular or the plural."""
    last = word.rsplit("-", 1)[-1]
    head = word[: -len(last)]
    endings = "|".join(
        sorted(re.escape(f[len(last) :]) for f in _number_forms(last) if f.startswith(last))
    )
    parts = [re.escape(part) for part in head.rstrip("-").split("-")]
    tail = re.escape(last)
    for form in _number_forms(last):
        if not form.startswith(last):  # an irregular plural ("women" of "woman")
            tail = f"(?:{tail}|{re.escape(form)})"
    pattern = rf"(?<![\w-]){'[- ]?'.join(parts)}[- ]?{tail}(?:{endings})?(?![\w-])"
    return len(re.findall(pattern, text))


#: What a word may go on with and still name the same subject: a plural, a possessive, a
#: people's or a doer's noun.
_NOUN_ENDINGS = frozenset({"", "s", "es", "n", "ns", "an", "ans", "er", "ers", "or", "ors"})


#: English's irregular plurals, by singular (a "-man" word's are made apart: "fishermen").
_IRREGULAR_PLURALS = {
    "child": "children",
    "person": "people",
    "man": "men",
    "woman": "women",
    "mouse": "mice",
    "goose": "geese",
    "tooth": "teeth",
    "foot": "feet",
    "wolf": "wolves",
    "calf": "calves",
    "thief": "thieves",
    "knife": "knives",
    "wife": "wives",
    "life": "lives",
    "leaf": "leaves",
    "shelf": "shelves",
    "crisis": "crises",
    "analysis": "analyses",
    "thesis": "theses",
    "fungus": "fungi",
    "nucleus": "nuclei",
    "cactus": "cacti",
    "criterion": "criteria",
    "phenomenon": "phenomena",
    "ox": "oxen",
}
_IRREGULAR_SINGULARS = {plural: single for single, plural in _IRREGULAR_PLURALS.items()}


def _number_forms(word: str) -> set[str]:
    """`word` and its singular or plural forms by English's rules, regular and irregular."""
    forms = {word, f"{word}s", f"{word}es"}
    for other in (_IRREGULAR_PLURALS.get(word), _IRREGULAR_SINGULARS.get(word)):
        if other is not None:
            forms.add(other)
    if len(word) > 3 and word.endswith(("man", "men")):
        forms.add(word[:-3] + ("men" if word.endswith("man") else "man"))  # "firemen"
    if word.endswith("ies"):
        forms.add(f"{word[:-3]}y")
    if word.endswith(("ses", "xes", "zes", "ches", "shes", "oes")):
        forms.add(word[:-2])  # "buses", "boxes", "churches"; not "fires" as "fir"
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ws")) and len(word) > 3:
        forms.add(word[:-1])  # not "news", "status" or "crisis"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms.add(f"{word[:-1]}ies")
    return forms


def passage_at(retriever: Retriever, doc_id: str, start: int, end: int) -> RetrievedPassage:
    """The passage of an article holding text[start:end], highlighted there; for a span no
    passage holds (a byline), the span itself."""
    index = retriever.index
    rows = index.passage_rows(index.document_numbers([doc_id])).tolist()
    for row in rows:
        passage = index.passage(row)
        if passage.start <= start and end <= passage.end:
            return retriever.passage(row, 0.0, (start, end))
    # The byline above the story, which no passage holds (it is no paragraph of the story):
    # itself, numbered 0, before the first paragraph.
    document = index.documents[doc_id]
    return RetrievedPassage(
        doc_id=doc_id,
        title=document.title,
        paragraph=0,
        start=start,
        end=end,
        text=document.text[start:end],
        score=0.0,
        highlight=Highlight(start, end),
        highlight_text=document.text[start:end],
        source=document.source,
    )


def with_reply(retriever: Retriever, answer: Answer, doc_id: str, kind: str) -> Answer:
    """`answer` replaced by the article's byline or summary, with the passages they come from."""
    index = retriever.index
    document = index.documents[doc_id]
    reply: ArticleReply
    if kind == "byline":
        reply = byline_reply(document)
        at = document.text.rfind(document.byline) if document.byline else -1
        spans = [(at, at + len(document.byline or ""))] if at >= 0 else []
    elif kind == "date":
        found = article_date(document)
        reply = date_reply(index, doc_id, found)
        at = document.text.find(found, document.body_start) if found else -1
        spans = [(at, at + len(found or ""))] if at >= 0 else []
    else:
        reply = summary_reply(index, doc_id)
        spans = summary_spans(index, doc_id)
    passages = [passage_at(retriever, doc_id, start, end) for start, end in spans]
    if not passages:
        rows = index.passage_rows(index.document_numbers([doc_id]))
        passages = [retriever.passage(int(rows[0]))] if len(rows) else []
    if (kind == "byline" and not (document.byline or "").strip() and not publisher(document)) or (
        kind == "date" and not spans
    ):
        # "The article doesn't name its author" (nor its outlet), or its date: said, with the
        # source, but not an answer.
        return replace(
            answer,
            answered=False,
            confidence=0.0,
            outcome="none",
            passages=passages,
            reply=reply,
            also=None,
            topical=None,  # the article's structure answered, not the topic gate
        )
    return replace(
        answer,
        answered=True,
        confidence=1.0,
        passages=passages,
        reply=reply,
        also=None,
        topical=None,
    )


def with_introduction(retriever: Retriever, answer: Answer, doc_id: str, name: str) -> Answer:
    """`answer` led by the sentence saying who `name` is: the first to give a role, an age or
    an appositive ("Okafor, the 19-year-old striker"), else where the article first names them
    ("Samuel Okafor scored twice", not the later "Okafor, who has been on the bench"), else a
    clause about them; unchanged when the article does not name them. A sentence inside a
    quotation is shown with all of it."""
    top = answer.passages[0] if answer.passages else None
    document = retriever.index.documents[doc_id]
    spans = [(s, e) for _, s, e in body_sentences(retriever.index, doc_id)]
    text = document.text
    found = (
        introduction(text, spans, name, weakly=False)
        or first_mention(text, spans, name)
        or introduction(text, spans, name)
    )
    if found is None:
        # "who is anders holm", the article's own writer, named in its byline only.
        return with_reply(retriever, answer, doc_id, "byline") if _wrote(document, name) else answer
    if answer.answered and top is not None and (top.highlight.start, top.highlight.end) == found:
        return answer
    lead = _leading(retriever, answer, doc_id, found)
    rest = [p for p in answer.passages if p.row != lead.row]
    passages = [lead, *rest][: max(len(answer.passages), 1)]
    # The Also line was the runner-up of passages this one now leads.
    return _confident(retriever, answer, passages=passages, also=None)


def with_headline_person(retriever: Retriever, answer: Answer, doc_id: str, noun: str) -> Answer:
    """`answer` to "who is the climber" where the headline says "Kyrgyz climber becomes
    first ...", led by the sentence naming whom the word means: the first naming them beside
    it ("The farmer, John Ellis, 59,"), with confidence; else the lead where it says the word
    or its verb ("to climb"), else the first sentence saying the word: where it names someone
    untitled, with confidence, or else where the next sentence opens with whom it describes
    ("A 66-year-old hiker who went missing ..." - "Martin Fogarty, a retired postman, ..."),
    that one as the closest. Unchanged where the headline does not use the word."""
    said = re.compile(rf"\b{re.escape(noun)}(?:['’]s)?\b", re.IGNORECASE)
    if not said.search(retriever.index.documents[doc_id].title):
        return answer
    spans, texts = article_sentences(retriever, doc_id)
    # "The farmer, John Ellis," (not "a 27-year-old Chinese climber, Li Wen": another one).
    beside = re.compile(
        rf"\bthe\s+(?:[\w’'-]+\s+){{0,2}}{re.escape(noun)},\s+(?-i:[{CAPITALS}])[\w’'-]+"
        rf"\s+(?-i:[{CAPITALS}])",
        re.IGNORECASE,
    )
    named = next((i for i, text in enumerate(texts) if beside.search(text)), None)
    if named is not None:
        return _led_by(retriever, answer, doc_id, spans[named])
    # Its plural is not the word: "a new generation of climbers" is not the climber. Nor is
    # a lead that does not tell of it (the favourite who dropped out, under "Surprise winner
    # as ..."): the lead stands for the word where it says it or its verb ("to climb").
    doing = re.compile(rf"\b{re.escape(_doing(noun))}", re.IGNORECASE)
    if texts and doing.search(texts[0]):
        at: int | None = 0  # the lead, as the headline sums it up
    else:
        at = next((i for i, text in enumerate(texts) if said.search(text)), None)
    if at is None:
        return answer
    if any(_untitled_person(name) for name in people(texts[at])):
        return _led_by(retriever, answer, doc_id, spans[at])
    after = identified_after(texts, at)
    if after is None and at + 1 < len(texts):
        # The lead names only someone titled (the judge who jailed the hacker).
        after = at + 1 if any(_untitled_person(n) for n in people(texts[at + 1])) else None
    if after is None or not _OPENS_WITH_NAME.match(texts[after]):
        return answer
    # The lead may describe two ("A farmer has been fined after his cattle trampled a
    # walker"): whom the next sentence names is only the closest.
    return _led_by(retriever, answer, doc_id, spans[after], confident=False)


def _untitled_person(name: str) -> bool:
    """Whether `name` is a person's full name without a title before it: "Judge Mary Stacey"
    in "A teenager who hacked ... was jailed by Judge Mary Stacey" is not the hacker."""
    words = name.split()
    return len(words) > 1 and personal(name) and words[0].lower().strip(".") not in TITLES


def _doing(noun: str) -> str:
    """What one called `noun` does, as a word's start: "climb" of "climber", "sail" of
    "sailor"; the noun itself where it names no doer."""
    for ending in ("er", "or"):
        if noun.endswith(ending) and len(noun) > len(ending) + 3:
            return noun[: -len(ending)]
    return noun


def with_job(retriever: Retriever, answer: Answer, doc_id: str, name: str) -> Answer:
    """`answer` to "what does eira do for a living" led, with confidence, by the first
    sentence saying where or as what `name` works ("Eira, who works part-time as a
    veterinary nurse"); else by the one introducing them (`with_introduction`)."""
    spans, texts = article_sentences(retriever, doc_id)
    found = _first_where(lambda text: mentions_surname(text, name) and says_work(text))(texts)
    if found is not None:
        return _led_by(retriever, answer, doc_id, spans[found])
    return with_introduction(retriever, answer, doc_id, name)


def _wrote(document: Document, name: str) -> bool:
    """Whether `name` is in the article's byline: every word of it, case aside."""
    words = {w.casefold() for w in re.findall(r"\w+", document.byline or "")}
    asked = [w.casefold() for w in re.findall(r"\w+", name)]
    return bool(asked) and all(w in words for w in asked)


def with_role_holder(
    retriever: Retriever, answer: Answer, doc_id: str, role: RoleQuestion
) -> Answer:
    """`answer` led, with confidence, by the first sentence of the article naming the holder of
    `role` beside its title ("Braga coach Nuno Almeida said"); where none does, the search's
    passage offered only as the closest (it matched the title's word: "a former federal
    prosecutor", "the mayor's office")."""
    found = _holder_in(retriever, doc_id, role)
    if found is not None:
        return _led_by(retriever, answer, doc_id, found[1])
    # Another article the search found may name the holder with every word asked beside the
    # title ("President Anna Kovar of Veloria" where the top one only says "the presidents of
    # Veloria and Istran"); a holder its subject alone would narrow is that story's own.
    others = list(dict.fromkeys(p.doc_id for p in answer.passages if p.doc_id != doc_id))
    holders = {}
    for other in others:
        found = _holder_in(retriever, other, role)
        if found is None:
            continue
        if says_every_qualifier(_sentence_at(retriever, other, found[1]), role):
            return _led_by(retriever, answer, other, found[1])
        holders[other] = found
    if len(holders) == 1 and not role.qualifiers:
        # "who is the ceo" of a few articles, one of which names a chief executive: that one,
        # with confidence when no other article indexed names one (of many, it may be anyone's).
        [(other, found)] = holders.items()
        return _led_by(retriever, answer, other, found[1], _sole_holder(retriever, role, other))
    return _only_closest(answer)


#: Up to how many articles indexed "who is the ceo" may be answered with confidence from the
#: one naming a chief executive: of more, the reader may mean any story's.
_FEW_ARTICLES = 10


def _holders_article(
    retriever: Retriever, doc_id: str, role: RoleQuestion, scope: list[str]
) -> str:
    """The article a "who is the ceo" is about: `doc_id` (the top passage's), unless it names
    no holder and, of a few articles in `scope`, one other alone does (the top passage of
    three stories was the budget's, and the ferry story's chief executive was never read)."""
    if role.qualifiers or len(scope) > _FEW_ARTICLES or _holder_in(retriever, doc_id, role):
        return doc_id
    naming = [d for d in scope if d != doc_id and _holder_in(retriever, d, role) is not None]
    return naming[0] if len(naming) == 1 else doc_id


def _sole_holder(retriever: Retriever, role: RoleQuestion, doc_id: str) -> bool:
    """Whether `doc_id` is the only article indexed naming a holder of `role`, of a few."""
    documents = retriever.index.documents
    return len(documents) <= _FEW_ARTICLES and not any(
        _holder_in(retriever, other, role) is not None for other in documents if other != doc_id
    )


def _sentence_at(retriever: Retriever, doc_id: str, span: tuple[int, int]) -> str:
    return retriever.index.documents[doc_id].text[span[0] : span[1]]


def with_winner(
    retriever: Retriever, answer: Answer, doc_id: str, narrowing: Sequence[str]
) -> Answer:
    """`answer` made confident when its bold sentence, in the asked article, says who won what
    the question asks ("Ana Varga won Valdoria's presidential runoff"); a bare "who won" led by
    the lead when that says who won (the story's win, not "the previous record belonged to
    Zsofia Bartok, who won in 1994"); unchanged otherwise."""
    top = answer.passages[0] if answer.passages else None
    if top is None or top.doc_id != doc_id:
        return answer
    headline = retriever.index.documents[doc_id].title
    if not narrowing:
        _, texts = article_sentences(retriever, doc_id)
        if texts and names_winner(texts[0], narrowing, headline):
            return _led_by_chosen(retriever, answer, doc_id, lambda _: 0)
    if answer.answered:
        return answer
    if not names_winner(top.highlight_text, narrowing, headline):
        return answer
    return _confident(retriever, answer)


def with_sufferer(retriever: Retriever, answer: Answer, doc_id: str, verb: str) -> Answer:
    """`answer` to "who was injured" led, its outcome kept, by the first sentence saying who
    was ("... in which a security guard was injured") where its bold sentence does not use
    the verb (it had shown the arrests); unchanged where none does."""
    top = answer.passages[0] if answer.passages else None
    if top is None or top.doc_id != doc_id or mentions_verb(top.highlight_text, verb):
        return answer
    if not _beside_the_main_event(retriever, doc_id, verb):
        return answer  # "who got jailed" of "Former mayor jailed": the lead tells it
    return _led_by_chosen(
        retriever,
        answer,
        doc_id,
        _first_where(lambda text: mentions_verb(text, verb)),
        confident=False,
    )


def with_verdict(
    retriever: Retriever, answer: Answer, doc_id: str, asked: VerdictQuestion
) -> Answer:
    """`answer` to "was Hurst found guilty?" led by the first sentence giving the verdict on
    him ("A jury ... cleared former transport minister Daniel Hurst of fraud"), not the one
    saying what he was accused of: with confidence, or as only the closest where it is
    another verdict than the question supposes ("what was Karen Bell cleared of": she was
    found guilty); where no sentence gives one in these words, the answer as it was found."""
    spans, texts = article_sentences(retriever, doc_id)
    given = [(i, verdicts_of(text, asked.name)) for i, text in enumerate(texts)]
    given = [(i, verdicts) for i, verdicts in given if verdicts]
    # The verdict the question names first ("was Hurst found guilty": the guilty one, though
    # an acquittal on another charge comes before), else the first.
    found = next(
        ((i, asked.asked) for i, verdicts in given if asked.asked in verdicts),
        (given[0][0], given[0][1][0]) if given else None,
    )
    if found is None and asked.name is not None:
        # The verdict given without a name ("a jury found the father of two guilty"), before
        # "Gary Stone, 34, pleaded not guilty"; its outcome the search's.
        unnamed = [i for i, text in enumerate(texts) if verdict_of(text, None) and not people(text)]
        if unnamed:
            return _led_by(retriever, answer, doc_id, spans[unnamed[0]], confident=False)
    if found is None:
        return answer  # a verdict worded otherwise: the search's answer stands
    at, verdict = found
    confident = asked.supposed is None or asked.supposed == verdict
    led = _led_by(retriever, answer, doc_id, spans[at], confident)
    return led if confident else _only_closest(led)


def with_placing(
    retriever: Retriever, answer: Answer, doc_id: str, asked: PlacingQuestion
) -> Answer:
    """`answer` to "who came second" led by the first sentence saying who finished there
    ("Elin Sundqvist, 31, was third"), with confidence, or for second place, whom the winner
    finished ahead of ("finishing 47 minutes ahead of four-time champion Geir Arne Bakken"),
    its outcome kept; where none does, offered only as the closest."""
    spans, texts = article_sentences(retriever, doc_id)
    place = asked.place
    # Of the race asked about ("in the women's race"), where a sentence names it.
    narrowed = [i for i, text in enumerate(texts) if asked.narrows(text)]
    for i in narrowed or range(len(texts)):
        # The first that tells it: the main race's comes before another's ("In the women's
        # race, ... Aoife Kelly finishing as runner-up").
        if states_placing(texts[i], place):
            return _led_by(retriever, answer, doc_id, spans[i])
        if place == 2 and finished_behind(texts[i]):
            # Whom the winner beat came second, as a rule: told so, not said.
            return _led_by(retriever, answer, doc_id, spans[i], confident=False)
    return _only_closest(answer)


def with_naming(retriever: Retriever, answer: Answer, doc_id: str, asked: NameQuestion) -> Answer:
    """`answer` led by the article's first sentence naming the thing asked about ("the
    Maltese-flagged tanker Aurora Bay", "named it Pseudoliparis lumenis"), with confidence
    unless the question narrows the thing ("the new species"); unchanged when none does."""
    return _led_by_chosen(
        retriever,
        answer,
        doc_id,
        lambda texts: naming_sentence(texts, asked.thing),
        confident=not asked.narrowed,
    )


def with_first_score(retriever: Retriever, answer: Answer, doc_id: str) -> Answer:
    """`answer` led, with confidence, by the article's first sentence giving a score (its
    result: "beat Dinamo Zagreb 3-2"), not the one most like "score" ("headed in a corner to
    level the score in the 74th"); unchanged when no sentence gives one."""
    return _led_by_chosen(retriever, answer, doc_id, first_score)


#: Counted things too common to lead with the first sentence counting them: "52 people" is
#: as often the wrong count as the asked one.
_ANYONE = frozenset({"people", "person", "ppl"})


def with_first_statement(retriever: Retriever, answer: Answer, doc_id: str, name: str) -> Answer:
    """`answer` to "what did ramakrishnan say" led, with confidence, by the article's first
    sentence giving his words (news quotes a person at length where it first names them);
    unchanged when the article gives none of his words."""
    return _led_by_chosen(retriever, answer, doc_id, lambda texts: first_statement(texts, name))


def with_lead_event(retriever: Retriever, answer: Answer, doc_id: str, event: str) -> Answer:
    """`answer` to "what happened to the ferry" or "what did the bank do" led, with confidence,
    by the article's first sentence when its headline names the ferry or the bank: news tells
    its main event first. Unchanged for what the headline does not name."""
    if not headline_names(event, retriever.index.documents[doc_id].title):
        return answer
    return _led_by_chosen(retriever, answer, doc_id, lambda texts: 0 if texts else None)


def _led_by_chosen(
    retriever: Retriever,
    answer: Answer,
    doc_id: str,
    choose: Callable[[list[str]], int | None],
    confident: bool = True,
) -> Answer:
    """`answer` led by the sentence `choose` picks among the article's (by position), or
    unchanged when it picks none; its outcome kept as it was unless `confident`."""
    spans, texts = article_sentences(retriever, doc_id)
    found = choose(texts)
    if found is None:
        return answer
    return _led_by(retriever, answer, doc_id, spans[found], confident)


def _first_where(holds: Callable[[str], bool]) -> Callable[[list[str]], int | None]:
    """A choice for `_led_by_chosen`: the first sentence for which `holds` is true."""
    return lambda texts: next((i for i, text in enumerate(texts) if holds(text)), None)


def article_sentences(retriever: Retriever, doc_id: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The article's body sentences, as spans of its text and as text, in order."""
    text = retriever.index.documents[doc_id].text
    spans = [(start, end) for _, start, end in body_sentences(retriever.index, doc_id)]
    return spans, [text[start:end] for start, end in spans]


def holders_words(
    retriever: Retriever, answer: Answer, doc_id: str, spoken: SpokenRole, question: str
) -> Answer:
    """The answer to "what did the prosecutor say" as to "what did Perrin say", the holder of
    the role as the article names them (`question` is the one `spoken` was read from);
    `answer` when the article names no holder. Quotations are attributed by surname."""
    found = _holder_in(retriever, doc_id, spoken.asked)
    if found is None:
        return answer
    surname = found[0].name.split()[-1]
    asked = f"{question[: spoken.end]} {surname}{question[spoken.end :]}"
    return replace(retriever.ask(asked, doc_ids=[doc_id]), question=answer.question)


def _holder_in(
    retriever: Retriever, doc_id: str, role: RoleQuestion
) -> tuple[Holder, tuple[int, int]] | None:
    """Who holds `role` in the article, and where the sentence naming them is."""
    document = retriever.index.documents[doc_id]
    spans, texts = article_sentences(retriever, doc_id)
    holder = role_holder(texts, document.title, role, document.text)
    return None if holder is None else (holder, spans[holder.sentence])


def answered_by(
    retriever: Retriever, answer: Answer, doc_id: str, found: tuple[int, int]
) -> Answer:
    """`answer` led, with confidence, by the sentence of `doc_id` at `found`."""
    return _led_by(retriever, answer, doc_id, found)


def _led_by(
    retriever: Retriever,
    answer: Answer,
    doc_id: str,
    found: tuple[int, int],
    confident: bool = True,
) -> Answer:
    """`answer` led by the passage highlighting the sentence at `found`: with confidence, or
    with its outcome as it was unless `confident`."""
    top = answer.passages[0] if answer.passages else None
    if answer.answered and top is not None and (top.highlight.start, top.highlight.end) == found:
        return answer
    lead = _leading(retriever, answer, doc_id, found)
    rest = [p for p in answer.passages if p.row != lead.row]
    passages = [lead, *rest][: max(len(answer.passages), 1)]
    if not confident:
        return replace(answer, passages=passages, also=None)
    return _confident(retriever, answer, passages=passages, also=None)


def _leading(
    retriever: Retriever, answer: Answer, doc_id: str, found: tuple[int, int]
) -> RetrievedPassage:
    """The passage highlighting the sentence at `found`, to lead `answer`: a sentence inside a
    quotation shown with all of it, and its own ranking score where the search found it too (0
    where only the article's structure did)."""
    lead = retriever.whole_quotation(passage_at(retriever, doc_id, *found))
    return replace(lead, score=next((p.score for p in answer.passages if p.row == lead.row), 0.0))


def _confident(retriever: Retriever, answer: Answer, **changes: Any) -> Answer:
    """`answer` (with `changes`) made a confident one by what the article's structure says,
    not by the topic gate."""
    return replace(
        answer,
        answered=True,
        confidence=max(answer.confidence, retriever.min_confidence),
        topical=None,
        **changes,
    )


@dataclass(frozen=True, slots=True)
class Unread:
    """Why a message is not asked of the index: its language, or that it is small talk."""

    language: Language = "en"
    small_talk: SmallTalk | None = None


def unread(question: str, english_only: bool, latin: LatinLanguages | None = None) -> Unread | None:
    """Why `question` is not asked of the index, or None when it is (`latin` tells languages
    written in Latin letters apart; without it they are read as English)."""
    language = question_language(question, latin) if english_only else "en"
    if language != "en":
        return Unread(language=language)
    talk = detect_small_talk(question)
    if talk is None and _LONE_QUESTION_WORD.fullmatch(question):
        # "who?" alone asks nothing (in a chat it takes the last question's place, and that
        # rewrite is the answer): what the bot answers, not a passage that happens to match.
        talk = "bot"
    return Unread(small_talk=talk) if talk is not None else None


_LONE_QUESTION_WORD = re.compile(
    r"\s*(?:who|whom|whose|what|whats|when|where|why|how|which)\s*[?!.]*\s*", re.IGNORECASE
)


def unread_answer(
    retriever: Retriever, question: str, why: Unread, doc_ids: Collection[str] | None
) -> Answer:
    """The one-line reply to a message retrieval does not read: a question in a language the
    model cannot read (in that language), or a message to the bot itself ("hi", "thanks").
    `question` is as `read_answers` reads it (`normalize_question`)."""
    scope = articles_in_scope(retriever, doc_ids)
    titles = told_apart(retriever, scope)
    kind, line = (
        ("language", english_only_reply(why.language, titles))
        if why.small_talk is None
        else ("chat", small_talk_reply(why.small_talk, titles))
    )
    reply = ArticleReply(kind, scope[0] if len(scope) == 1 else "", (line,))
    return Answer(question=question, answered=False, confidence=0.0, passages=[], reply=reply)


def told_apart(retriever: Retriever, doc_ids: Sequence[str]) -> list[str]:
    """The articles' titles, each one two articles share followed by its id ("Bridge collapse
    (bridge-2)"): a reader told of two alike could not say which to ask about."""
    documents = retriever.index.documents
    titles = [documents[d].title for d in doc_ids]
    shared = {title for title, count in Counter(titles).items() if count > 1}
    return [
        f"{title} ({doc_id})" if title in shared else title
        for title, doc_id in zip(titles, doc_ids, strict=True)
    ]


def read_answers(
    retriever: Retriever,
    questions: Sequence[str],
    doc_ids: Sequence[Collection[str] | None] | None = None,
    *,
    english_only: bool = True,
    fresh: Sequence[bool] | None = None,
    unframed: bool = True,
    seen: Sequence[Collection[str] | None] | None = None,
) -> list[Answer]:
    """`Retriever.ask_many`, with article questions answered from the article, small talk
    answered in a line and, for an English-only model, other languages told to ask in
    English. `fresh`: whether each question opens a conversation (None: all do), where
    "when did this happen" asked of one article is about its story (`story.py`).
    `seen`: the articles each asker may see (None: every one), which a question naming an
    article by its subject or asking which articles there are searches beyond its scope
    (`doc_ids`: a post's thread, `/use`, `--doc`); None for all: their scopes.
    `unframed`: a chat-framed question ("tell me about the swap") is asked as what it asks
    about ("the swap") where that is answered with confidence, else as it was typed."""
    if unframed:
        return _unframed_first(retriever, questions, doc_ids, english_only, fresh, seen)
    scopes = list(doc_ids) if doc_ids is not None else [None] * len(questions)
    shelves = list(seen) if seen is not None else scopes
    opens = list(fresh) if fresh is not None else [True] * len(questions)
    # Read as the retriever reads them: a long message is its last question, whose language
    # and intent are what count (pasted Russian text before an English question is no
    # Russian question).
    questions = [normalize_question(q, retriever.max_question_chars) for q in questions]
    not_asked = [unread(q, english_only, retriever.languages) for q in questions]
    asked = [i for i, why in enumerate(not_asked) if why is None]
    # "Hello, who wrote this?" is asked as "who wrote this?": the greeting would only blur it.
    bare = {i: without_small_talk(questions[i]) for i in asked}
    stories = {i: _story_of(retriever, bare[i], scopes[i]) for i in asked if opens[i]}
    searched = [
        bare[i] if stories.get(i) is None else with_headline(bare[i], stories[i][1]) for i in asked
    ]
    found = retriever.ask_many(searched, doc_ids=[scopes[i] for i in asked])
    for text, answer in zip(searched, found, strict=True):
        _log_answer("searched", text, answer)
    answers: list[Answer] = []
    by_position = dict(zip(asked, found, strict=True))
    for i, question in enumerate(questions):
        why = not_asked[i]
        if why is not None:
            answers.append(unread_answer(retriever, question, why, scopes[i]))
            continue
        answer = by_position[i]
        if answer.question != question:  # the answer is to the question as the reader typed it
            answer = replace(answer, question=question)
        if (story := stories.get(i)) is not None:
            answer = _story_answer(retriever, answer, story[0])
        intent = detect_intent(bare[i])
        if intent is not None:
            topic = named_article(bare[i])
            catalogue = topic is not None and asks_for_articles(bare[i])
            # What articles there are on a subject is asked of every article the reader may
            # see, not of the one a post's thread or `--doc` is on.
            looked_in = shelves[i] if catalogue else scopes[i]
            doc_id = named_or_this_article(retriever, topic, looked_in)
            if topic is not None and not catalogue and _looks_beyond(scopes[i], shelves[i]):
                doc_id = _named_beyond(retriever, topic, doc_id, shelves[i])
                looked_in = shelves[i]
            listed = (
                articles_about(retriever, topic, doc_id, looked_in)
                if catalogue and topic is not None and doc_id is not None
                else []
            )
            if topic is not None and len(listed) > 1:
                # "Which articles do you have about fires": all of them, not one's gist.
                read = len(articles_in_scope(retriever, looked_in))
                answer = with_articles(
                    retriever, answer, topic, listed, read if read > CATALOGUE_READ else None
                )
            elif doc_id is not None:
                answer = with_reply(retriever, answer, doc_id, intent)
            elif topic is not None:
                # "Who wrote the football story?" where no article is about football: none
                # is (with the titles of some that are), rather than another article's byline
                # or a passage about "wrote".
                unnamed = unnamed_reply(
                    retriever.index, topic, articles_in_scope(retriever, looked_in)
                )
                answer = replace(
                    answer,
                    answered=False,
                    outcome="none",
                    passages=[],
                    also=None,
                    topical=None,
                    reply=unnamed,
                )
        else:
            spelled = retriever.spelled(bare[i])
            if story is None:  # "which city is it in" of one article: its story's place
                answer = _by_shape(retriever, answer, scopes[i], bare[i], spelled)
            article = (
                retriever.index.documents[answer.passages[0].doc_id].text if answer.passages else ""
            )
            answer = _unless_unsupported(answer, bare[i], article)
            answer = counted_not_refused(answer, spelled)
        _log_answer("answered", answer.question, answer)
        answers.append(answer)
    return answers


def _log_answer(stage: str, question: str, answer: Answer) -> None:
    """How `answer` came out at `stage` ("searched", "answered"), for -vv: its outcome and
    first passage, and the kind of reply made from the article itself (a byline, a summary)
    or said instead (small talk, another language)."""
    if not log.isEnabledFor(logging.DEBUG):
        return
    top = answer.passages[0] if answer.passages else None
    shown = "nothing" if top is None else f"{top.doc_id} paragraph {top.paragraph}"
    kind = f", {answer.reply.kind} reply" if answer.reply is not None else ""
    log.debug(
        "%r %s: %s at confidence %.3f%s, first %s",
        question,
        stage,
        answer.outcome,
        answer.confidence,
        kind,
        shown,
    )


def _unframed_first(
    retriever: Retriever,
    questions: Sequence[str],
    doc_ids: Sequence[Collection[str] | None] | None,
    english_only: bool,
    fresh: Sequence[bool] | None,
    seen: Sequence[Collection[str] | None] | None,
) -> list[Answer]:
    """`read_answers`, a chat-framed question asked as its subject alone where that gets a
    confident answer: the topic gate read "tell me about the swap" as off the subject where
    "the swap" is answered with confidence; but a bare subject is weighed more loosely ("the
    royal family" is only hedged, "any news about the royal family" refused), so the
    framed question's own outcome stands otherwise."""
    bare = [without_small_talk(q) for q in questions]
    framed = {i for i, q in enumerate(bare) if without_framing(q) != q and detect_intent(q) is None}
    asked = [_as_subject(bare[i]) if i in framed else q for i, q in enumerate(questions)]
    answers = read_answers(
        retriever,
        asked,
        doc_ids,
        english_only=english_only,
        fresh=fresh,
        unframed=False,
        seen=seen,
    )
    again = sorted(i for i in framed if answers[i].outcome != "answer")
    if again:
        scopes = list(doc_ids) if doc_ids is not None else [None] * len(questions)
        opens = list(fresh) if fresh is not None else [True] * len(questions)
        typed = read_answers(
            retriever,
            [questions[i] for i in again],
            [scopes[i] for i in again],
            english_only=english_only,
            fresh=[opens[i] for i in again],
            unframed=False,
            seen=[seen[i] for i in again] if seen is not None else None,
        )
        for i, answer in zip(again, typed, strict=True):
            answers[i] = answer
    for i in framed.difference(again):  # shown as the reader typed it
        typed = normalize_question(questions[i], retriever.max_question_chars)
        answers[i] = replace(answers[i], question=typed)
    return answers


def _as_subject(question: str) -> str:
    """What a chat-framed question asks, as a question of its own: its subject, or "who is"
    a title ("what about the prime minister" is "who is the prime minister", which a deputy
    prime minister does not answer; "the prime minister" alone finds him with confidence)."""
    subject = without_framing(question)
    asked = f"who is {subject}"
    return asked if role_asked(asked) is not None else subject


#: A question asking who did or was something (not whose).
_WHO_ASKED = re.compile(r"^\s*(?:who|whom)\b", re.IGNORECASE)


#: A question asking which one something is ("which water company is it").
_WHICH_ONE = re.compile(
    r"^\s*(?:which|what)\s+(?!(?:year|day|month|date|time)\b)"
    r"(?:[\w-]+\s+){0,2}?[\w-]+\s+(?:is|was)\s+(?:it|this|that)\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def counted_not_refused(answer: Answer, question: str) -> Answer:
    """`answer`, refused as off the subject, offered as the closest when its bold sentence
    counts what "how many" asks about ("how many people chipped in": "More than 310 people
    ... bought shares"): the words the gate did not know were the asker's own."""
    thing = counted_thing(question)
    if answer.outcome != "none" or not answer.passages or thing is None:
        return answer
    if not counts_directly(answer.passages[0].highlight_text, thing):
        return answer
    return replace(answer, answered=False, outcome="closest")


def _unless_unsupported(answer: Answer, question: str, article: str = "") -> Answer:
    """`answer`, offered only as the closest when its bold sentence says the opposite of what
    was asked ("which models are affected": "other models are not affected"), or gives no
    reason for a "why" ("why are waits so long": "Patients described long and painful
    waits"), which on the reader dev sets was right only half the time, or names no one for a
    "who" ("who got charged": "The founder and former chief executive of Brightlattice ... was
    charged"; not "who is X", answered by what X is), or says the name asked for is not given
    ("whats the name of the captain": "The ship's master, whose name has not been
    released"), or brings the one asked about in unnamed ("who was the metal detectorist":
    "found by a metal detectorist in a field"), or names no party for "what party is she
    in"), or tells of an earlier, dated event and the question asks nothing of the past; or
    names a namesake of the person asked about (`_names_namesake`, in `article`'s words)."""
    if answer.outcome != "answer" or not answer.passages:
        return answer
    bold = answer.passages[0].highlight_text
    if (
        denies_asked(question, bold)
        or withholds_name(question, bold)
        or leaves_unnamed(question, bold)
        or leaves_party_out(question, bold)
        or leaves_out_the_doer(question, bold)
        or tells_what_would_have_been(question, bold)
        or tells_a_past_peak(question, bold)
        or tells_an_earlier_one(question, bold)
        or tells_a_similar_one(question, bold)
        or (reason_asked(question) and not gives_reason(bold))
        or (
            _WHO_ASKED.match(question)
            and not who_is_subject(question)
            and not names_someone(bold, question)
        )
        or _names_namesake(question, bold, article)
    ):
        return replace(answer, answered=False, outcome="closest")
    return answer


def _typed_names(question: str) -> list[str]:
    """The names a question types (`names_in`), its first word's capital left aside: that
    word is capitalised as the question's start ("When's it supposed to reopen", "Whats")."""
    return names_in(question[:1].lower() + question[1:])


def _names_namesake(question: str, bold: str, article: str = "") -> bool:
    """Whether the question names someone in full ("Sarah Fenton") and the bold sentence
    names another person of that surname ("Mark Fenton, 47, ... admitted 14 counts"), not
    them: a given name of its own, not a typo of the one asked ("Lor Loudoun"); or names the
    surname alone ("Keller, 26, ...") where the article names no one by the name asked, but
    another of that surname in full ("striker Jan Keller")."""
    plain = plain_letters(bold)
    named = [plain_letters(person).split() for person in people(bold)]
    for name in _typed_names(question):
        words = plain_letters(name).split()
        full = re.compile(rf"\b{re.escape(' '.join(words))}\b", re.I)
        if len(words) < 2 or full.search(plain):
            continue
        if any(_another_given_name(person, words) for person in named):
            return True
        if any(_called(person, words) for person in named):
            continue  # "Thomas Brandt, 55," for Tom Brandt
        surname = re.compile(rf"\b{re.escape(words[-1])}\b")
        if article and surname.search(plain) and not full.search(plain_letters(article)):
            others = (plain_letters(person).split() for person in people(article))
            if any(_another_given_name(person, words) for person in others):
                return True
    return False


def _another_given_name(person: list[str], asked: list[str]) -> bool:
    """Whether a person's name (its words) is of the surname asked for with given names of its
    own: none of them the one asked, a typo of it or its short form ("Jan" of "Jan Willem
    Keller", "Tom" of "Thomas Keller")."""
    if len(person) < 2 or person[-1].lower() != asked[-1].lower():
        return False
    given = [word for word in person[:-1] if _could_be_given_name(word)]
    return bool(given) and not any(same_given_name(word, asked[-2]) for word in given)


def _called(person: list[str], asked: list[str]) -> bool:
    """Whether a person's name (its words) is the one asked for, a given name of it typed
    wrong or short ("Thomas Brandt" for Tom Brandt, "Jan Willem Keller" for Jan Keller)."""
    if len(person) < 2 or person[-1].lower() != asked[-1].lower():
        return False
    return any(same_given_name(word, asked[-2]) for word in person[:-1])


def _could_be_given_name(word: str) -> bool:
    """Whether a capitalised word before a surname may be a given name: not a small word, a
    title, a weekday or month, nor a word the names module knows as no name."""
    lowered = word.lower().strip("'’")
    return (
        lowered not in english_stopwords()
        and lowered not in NOT_NAMES
        and lowered not in TITLES
        and lowered not in CALENDAR
        and not lowered.endswith(("'s", "’s"))
    )


def with_holders_age(
    retriever: Retriever, answer: Answer, doc_id: str, role: RoleQuestion
) -> Answer:
    """`answer` to "how old is the mayor" led, with confidence, by the sentence giving the
    holder's age; where the article names the holder without an age, by the sentence naming
    them, and where it names no holder, as it was: only as the closest either way, unless its
    bold sentence names the title (another age the search found is no answer: "the
    92-year-old Old Mill Bridge", "Linda Marsh, 56, the union's president")."""
    found = _holder_in(retriever, doc_id, role)
    if found is None:
        top = answer.passages[0] if answer.passages else None
        if top is not None and mentions_title(top.highlight_text, role):
            return answer  # "The captain of the Aurora Bay, a 51-year-old Greek national"
        return _only_closest(answer)
    holder, naming = found
    spans, texts = article_sentences(retriever, doc_id)
    aged = _first_where(lambda text: states_age_of(holder.name, text))(texts)
    if aged is not None:
        return _led_by(retriever, answer, doc_id, spans[aged])
    return _only_closest(_led_by(retriever, answer, doc_id, naming, confident=False))


def _only_closest(answer: Answer) -> Answer:
    """`answer`, a confident one offered only as the closest."""
    if answer.outcome != "answer":
        return answer
    return replace(answer, answered=False, outcome="closest")


def with_thing_age(retriever: Retriever, answer: Answer, doc_id: str, thing: str) -> Answer:
    """`answer` to "how old is the orangutan" led by the sentence giving its age: with
    confidence where the age stands right before it ("A 23-year-old Sumatran orangutan named
    Kemala", as "Okafor, 54," answers for a name), its outcome kept where the age stands for
    its name after a sentence mentioning it ("The three-year-old male, named Bao")."""
    spans, texts = article_sentences(retriever, doc_id)
    found = aged_thing_sentence(texts, thing)
    if found is None:
        return answer
    confident = states_thing_age(texts[found], thing)
    return _led_by(retriever, answer, doc_id, spans[found], confident)


def with_counted(
    retriever: Retriever, answer: Answer, doc_id: str, thing: str, question: str = ""
) -> Answer:
    """`answer` to "how many planes", when its bold never names planes, or names them but gives
    no number ("which children had received the drug"), led by the article's first sentence
    counting them right before the word ("six Canadair water-bombing planes"), its outcome
    kept; to "how many goals did Brandt score" (`question`), by the first whose clause names
    him with the verb, or only the closest where none does."""
    bold = answer.passages[0].highlight_text if answer.passages else None
    if bold is None:
        return answer
    doer = count_doer_asked(question)
    if doer is not None and clause_tells(bold, *doer, thing, pronoun=True):
        return answer  # "Leo Brandt, 19, scored twice": the count without the word counted
    if doer is not None:
        # "how many goals did Brandt score": the clause naming him with the verb or a count
        # ("Leo Brandt, 19, scored twice"), not "City had two goals ruled out"; where none
        # does, the search's answer stands (news counts in words of its own).
        spans, texts = article_sentences(retriever, doc_id)
        found = _first_where(lambda text: clause_tells(text, *doer, thing))(texts)
        if found is None:
            return answer
        return _led_by(retriever, answer, doc_id, spans[found], confident=False)
    if mentions(bold, thing) and has_type("number", bold):
        return answer
    return _led_by_chosen(
        retriever,
        answer,
        doc_id,
        _first_where(lambda text: counts_directly(text, thing)),
        confident=False,
    )


#: Questions an article answers by its shape rather than by resemblance, in the order they are
#: tried: what recognises one (from the question as spelled, and as typed: a name is read as
#: typed), and what answers it from the article it is about.
_SHAPES: tuple[
    tuple[Callable[[str, str], Any], Callable[[Retriever, Answer, str, Any], Answer]], ...
] = (
    (
        lambda spelled, _: (found, spelled) if (found := role_speaking(spelled)) else None,
        lambda retriever, answer, doc_id, asked: holders_words(retriever, answer, doc_id, *asked),
    ),
    (lambda spelled, _: speaker_asked(spelled), with_first_statement),
    (lambda spelled, _: role_asked(spelled) or role_led(spelled), with_role_holder),
    (lambda spelled, _: winner_asked(spelled), with_winner),
    (lambda spelled, _: placing_asked(spelled), with_placing),
    (lambda spelled, _: verdict_asked(spelled), with_verdict),
    (lambda _, typed: who_is_the(typed), with_headline_person),
    (lambda spelled, _: name_asked(spelled), with_naming),
    (
        lambda spelled, _: score_asked(spelled) or None,
        lambda retriever, answer, doc_id, _: with_first_score(retriever, answer, doc_id),
    ),
    (
        lambda spelled, _: tally_asked(spelled) or None,
        lambda retriever, answer, doc_id, _: _led_by_chosen(retriever, answer, doc_id, first_tally),
    ),
    (lambda spelled, _: event_asked(spelled), with_lead_event),
    (lambda spelled, _: role_aged(spelled), with_holders_age),
    (lambda _, typed: job_asked(typed), with_job),
    (lambda _, typed: who_is_subject(typed), with_introduction),
    (
        lambda spelled, _: (
            (thing, spelled)
            if (thing := counted_thing(spelled)) is not None and thing not in _ANYONE
            else None
        ),
        lambda retriever, answer, doc_id, asked: with_counted(retriever, answer, doc_id, *asked),
    ),
    (lambda spelled, _: thing_age_asked(spelled), with_thing_age),
    (
        lambda _, typed: age_asked(typed),
        lambda retriever, answer, doc_id, name: with_named_age(
            retriever, answer, doc_id, retriever.spelled(name)
        ),
    ),
    (lambda spelled, _: suffered_asked(spelled), with_sufferer),
)


def with_identified(
    retriever: Retriever, answer: Answer, doc_id: str, opening: bool = False
) -> Answer:
    """`answer` to a "who" or "which one is it" question whose bold sentence describes someone
    without naming them ("A fossil skull found by a retired postman", "A regional water company
    was ordered") led by the next sentence when that names them (`identified_after`), its
    outcome kept."""
    top = answer.passages[0] if answer.passages else None
    if top is None or top.doc_id != doc_id:
        return answer
    spans, texts = article_sentences(retriever, doc_id)
    bold = (top.highlight.start, top.highlight.end)
    if bold not in spans:
        return answer
    named = identified_after(texts, spans.index(bold))
    if named is None or (opening and not _OPENS_WITH_NAME.match(texts[named])):
        return answer
    return _led_by(retriever, answer, doc_id, spans[named], confident=False)


#: A sentence opening with a full name: whom the sentence before described, as its subject.
_OPENS_WITH_NAME = re.compile(rf"^[{CAPITALS}][\w’'-]+(?:\s+[{CAPITALS}][\w’'-]+)+\b")


def with_named_age(retriever: Retriever, answer: Answer, doc_id: str, name: str) -> Answer:
    """`answer` to "how old is steven liu" led, with confidence, by the first sentence giving
    his age right after his name ("Mr. Liu, 54, showed little emotion"); where the article
    names him without one and the bold sentence is about someone else ("Gary Whitfield, a
    49-year-old plumber"), by the sentence first naming him, offered only as the closest;
    else as it is."""
    spans, texts = article_sentences(retriever, doc_id)
    aged = _first_where(lambda text: states_age_of(name, text))(texts)
    if aged is None:
        # "Harbour City have signed Mateo Lindqvist ..." then "The 24-year-old, who scored".
        aged = next(
            (
                i
                for i in range(len(texts))
                if called_by_age(texts, i, lambda text: mentions_surname(text, name))
            ),
            None,
        )
    if aged is None:
        # "A 16-year-old schoolgirl from Dundee became ..." then "Amara Osei, who ...".
        first = next((i for i, text in enumerate(texts) if mentions_surname(text, name)), None)
        if (
            first
            and describes_by_age(texts[first - 1])
            and identified_after(texts, first - 1) == first
        ):
            aged = first - 1
    if aged is not None:
        return _led_by(retriever, answer, doc_id, spans[aged])
    top = answer.passages[0] if answer.passages else None
    if (
        top is not None
        and top.doc_id == doc_id
        and (ages_only_others(name, top.highlight_text) or ages_its_subject(top.highlight_text))
    ):
        # "Okoro scored twice, and the 21-year-old midfielder Lena Fischer ...", and "The
        # 27-year-old pulled away from Ethiopia's Meseret Tola" (whoever the sentence before
        # named: not Tola, or it would have been found above): not the asked one's age.
        return _only_closest(answer)
    if top is None or top.doc_id != doc_id or mentions_surname(top.highlight_text, name):
        return answer  # "Harrow, who is 61": an age the pattern does not know
    naming = next((i for i, text in enumerate(texts) if mentions_surname(text, name)), None)
    if naming is None:
        return answer
    return _only_closest(_led_by(retriever, answer, doc_id, spans[naming], confident=False))


def _by_shape(
    retriever: Retriever,
    answer: Answer,
    doc_ids: Collection[str] | None,
    typed: str,
    spelled: str,
) -> Answer:
    """`answer` as the article's shape answers the question (`typed`, and `spelled` as the
    retriever corrects it), when the first of `_SHAPES` that recognises it answers it; else as
    it is. Either way, a "who" or "which one is it" answered by a sentence describing someone
    the next one names is led by that one."""
    for recognise, respond in _SHAPES:
        asked = recognise(spelled, typed)
        if asked is None:
            continue
        doc_id = article_of(retriever, answer, doc_ids)
        if doc_id is not None and isinstance(asked, RoleQuestion):
            doc_id = _holders_article(
                retriever, doc_id, asked, articles_in_scope(retriever, doc_ids)
            )
        if doc_id is not None:
            answer = respond(retriever, answer, doc_id, asked)
            log.debug("%r read by its shape (%s) in %s", typed, _name_of(respond), doc_id)
        break
    if (
        _WHO_ASKED.match(typed) or _WHICH_ONE.match(typed) or winner_asked(spelled) is not None
    ) and not who_is_subject(typed):
        doc_id = article_of(retriever, answer, doc_ids)
        if doc_id is not None:
            # Beside the main event, the next sentence's name is whom it described only as
            # its subject ("Laurent Vinatier, 49, ..." after "a French researcher ... was
            # freed"; not "Officers arrested Dean Cole" after "a security guard was injured").
            opening = _beside_the_main_event(retriever, doc_id, suffered_asked(spelled))
            answer = with_identified(retriever, answer, doc_id, opening)
    return answer


def _beside_the_main_event(retriever: Retriever, doc_id: str, verb: str | None) -> bool:
    """Whether "who was injured?" asks of someone other than the story's main event, which its
    headline tells ("Two charged after jewellery raid"): the sentence saying "a security guard
    was injured" is not the next one's men arrested, nor "A third man, aged 19, was released"
    the next one's guard, whom they name."""
    return verb is not None and not mentions_verb(retriever.index.documents[doc_id].title, verb)


def _story_of(
    retriever: Retriever, question: str, doc_ids: Collection[str] | None
) -> tuple[StoryQuestion, str] | None:
    """What `question` asks of the story and the headline of the one article it is asked of,
    when it is a question about the story as a whole ("when did this happen") asked of one."""
    kind = story_question(question)
    if kind is None:
        return None
    scope = articles_in_scope(retriever, doc_ids)
    if len(scope) != 1:
        return None
    return kind, retriever.index.documents[scope[0]].title


def _story_answer(retriever: Retriever, answer: Answer, kind: StoryQuestion) -> Answer:
    """`answer` to a question about the story, confident when its bold sentence says what was
    asked (the lead's dateline for where, its day for when)."""
    if answer.answered or not answer.passages or not tells(kind, answer.passages[0].highlight_text):
        return answer
    return _confident(retriever, answer)


def answered_elsewhere(
    retriever: Retriever,
    answer: Answer,
    doc_ids: Collection[str] | None,
    *,
    english_only: bool = True,
) -> Answer | None:
    """Another indexed article's answer to `answer`'s question, when the articles of `doc_ids`
    do not give it (a chat on one article asked about another): a confident one, or, where
    they are off the subject altogether ("none"), the closest passage of one on it. None
    otherwise, and for a reply about an article or a language."""
    if doc_ids is None or answer.answered or answer.reply is not None:
        return None
    others = [d for d in retriever.index.documents if d not in set(doc_ids)]
    if not others:
        return None
    found = read_answer(retriever, answer.question, others, english_only=english_only)
    if found.reply is not None or not found.passages:
        return None
    if not _names_what_they_lack(retriever, answer.question, doc_ids, found.passages[0].doc_id):
        return None
    if found.answered or (answer.outcome == "none" and found.outcome == "closest"):
        return found
    return None


def _names_what_they_lack(
    retriever: Retriever, question: str, doc_ids: Collection[str], other: str
) -> bool:
    """Whether `question` names someone or something that article `other` names (a word it
    writes capitalised) and none of `doc_ids` mentions: "vinatier" asked of the harbour
    story. A question in common words ("how many people were affected", "when is the
    funeral") is about the article at hand, however well another article's sentence matches."""
    documents = retriever.index.documents
    scope = " ".join(documents[d].text for d in articles_in_scope(retriever, doc_ids))
    theirs = plain_letters(documents[other].text)
    ours = plain_letters(scope).lower()
    for word in re.findall(r"[^\W\d_][\w'’-]+", plain_letters(retriever.spelled(question))):
        bare = word.lower()
        if len(bare) < 3 or bare in english_stopwords():
            continue
        pattern = re.compile(rf"\b{re.escape(bare)}\b", re.IGNORECASE)
        named = any(found.group()[:1].isupper() for found in pattern.finditer(theirs))
        if named and not pattern.search(ours):
            return True
    return False


def read_answer(
    retriever: Retriever,
    question: str,
    doc_ids: Collection[str] | None = None,
    *,
    english_only: bool = True,
) -> Answer:
    """`read_answers` for one question."""
    return read_answers(retriever, [question], [doc_ids], english_only=english_only)[0]


def _name_of(respond: Callable[..., Answer]) -> str:
    """A shape's answering function by name, for the log ("with_role_holder")."""
    return getattr(respond, "__name__", "a shape")
