"""A question about the story as a whole ("when did this happen"), opening a chat about one
article, is answered from its lead: the day and the place news opens with."""

from __future__ import annotations

import pytest

from articlebot.retrieval.conversation import ask_in_context
from articlebot.retrieval.reader import read_answer, read_answers
from articlebot.retrieval.story import event_asked, headline_names, story_question, tells

RECALL = """Danish e-bike maker recalls 86,000 batteries after fires

By Mette Holm

COPENHAGEN, Denmark — Danish electric bicycle maker Vindla is recalling about 86,000 battery \
packs sold across Europe after at least 14 fires linked to the units, the company said on \
Tuesday.

The recall covers the VX500 and VX540 batteries fitted to Vindla's City and Cargo models sold \
between March 2022 and August 2023, chief executive Anders Lykke told a news conference.

Eleven of the 14 fires started while batteries were charging indoors. One destroyed a family \
home in the Dutch city of Utrecht in June, and a family of four escaped unhurt.

Owners should stop charging the packs at once and will receive a replacement free of charge, \
along with a 150-euro voucher for accessories or servicing, the company said.
"""


@pytest.fixture(scope="module")
def recall(retriever_of):
    return retriever_of(recall=RECALL)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("when did this happen", "when"),
        ("Where did it happen?", "where"),
        ("where is this", "where"),
        ("when was this", "when"),
        ("so why did this happen", "why"),
        ("how did it happen", "how"),
        ("which town is it in", "where"),
        ("what country did this happen in", "where"),
        # Something named, a start before the day the lead tells of, a precise place, or where
        # the article comes from: not the story's when or where.
        ("when did the fire start", None),
        ("when did it start", None),
        ("where did it happen exactly", None),
        ("where is this from", None),
        ("who did it", None),
    ],
)
def test_questions_about_the_story_as_a_whole(question: str, kind: str | None) -> None:
    assert story_question(question) == kind


def test_the_lead_tells_when_and_where() -> None:
    lead = "COPENHAGEN, Denmark — Vindla is recalling batteries, the company said on Tuesday."
    assert tells("when", lead) and tells("where", lead)
    assert tells("where", "The storm hit homes in Leeds.")
    undated = "Russia warns Western troops would be targets after the U.K. announced plans."
    assert not tells("when", undated)
    assert not tells("why", lead)


@pytest.mark.parametrize(
    "question", ["when did this happen", "where did this happen?", "which city is it in"]
)
def test_a_chat_opening_with_when_or_where_gets_the_lead(recall, question: str) -> None:
    answer = read_answer(recall, question)
    assert answer.outcome == "answer" and answer.question == question
    assert answer.passages[0].highlight_text.startswith("COPENHAGEN, Denmark — Danish")
    # In a chat, asked first, the same.
    opened, _ = ask_in_context(recall, question, None, now=100.0)
    assert opened.passages[0].highlight_text.startswith("COPENHAGEN, Denmark — Danish")


def test_after_an_answer_this_is_what_the_answer_was_about(recall) -> None:
    _, turn = ask_in_context(recall, "did a fire destroy a house", None, now=100.0)
    after, _ = ask_in_context(recall, "when did this happen", turn, now=130.0)
    assert "Utrecht in June" in after.passages[0].highlight_text


def test_a_question_not_opening_a_chat_is_not_read_as_about_the_story(recall) -> None:
    opening, following = read_answers(recall, ["where did this happen?"] * 2, fresh=[True, False])
    assert opening.answered and opening.passages[0].highlight_text.startswith("COPENHAGEN")
    assert (following.outcome, following.passages[0].highlight_text) != (
        opening.outcome,
        opening.passages[0].highlight_text,
    )


@pytest.mark.parametrize(
    ("question", "event"),
    [
        ("what happened to the ferry", "the ferry"),
        ("so what happened with vindla?", "vindla"),
        ("what did the bank do", "the bank"),
        ("what did the council decide", "the council"),
        ("what did the nurses agree to", "the nurses"),
        ("what got recalled", "recalled"),
        ("what was launched?", "launched"),
        ("who got jailed", "jailed"),
        ("whos been arrested?", "arrested"),
        # Not the story's event: a person's past, what someone said, the article itself.
        ("what did she do before politics", None),
        ("what did the union say", None),
        ("what happened", None),
        ("who won", None),
        ("who got the contract", None),
    ],
)
def test_questions_about_the_main_event(question: str, event: str | None) -> None:
    assert event_asked(question) == event


def test_the_headline_names_the_event_in_its_own_endings() -> None:
    headline = "Danish e-bike maker recalls 86,000 batteries after fires"
    assert headline_names("the e-bike maker", headline)
    assert headline_names("recalled", headline)
    assert headline_names("the batteries", headline)
    assert not headline_names("the share price", headline)
    assert not headline_names("the", headline)


@pytest.mark.parametrize(
    "question",
    ["what happened to the batteries", "wat got recalled", "what did the e-bike maker do"],
)
def test_the_main_event_asked_of_what_the_headline_names_is_the_lead(recall, question) -> None:
    answer = read_answer(recall, question)
    assert answer.outcome == "answer"
    assert answer.passages[0].highlight_text.startswith("COPENHAGEN, Denmark — Danish")


def test_the_event_of_something_the_headline_does_not_name_is_searched(recall) -> None:
    answer = read_answer(recall, "what happened to the family home in utrecht")
    assert "Utrecht" in answer.passages[0].highlight_text


def test_where_and_when_after_the_main_event_are_the_events(recall) -> None:
    """After "what happened to the batteries", "where was it" and then "when did it happen"
    ask where and when that happened: the lead, not a sentence that happens to match "it"."""
    _, turn = ask_in_context(recall, "what happened to the batteries", None, now=100.0)
    where, turn = ask_in_context(recall, "where was it", turn, now=120.0)
    assert where.answered and where.passages[0].highlight_text.startswith("COPENHAGEN")
    when, _ = ask_in_context(recall, "when did it happen", turn, now=140.0)
    assert when.answered and when.passages[0].highlight_text.startswith("COPENHAGEN")
