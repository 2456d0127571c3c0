"""Follow-up questions use the chat's last turn; independent ones are left alone."""

from __future__ import annotations

from articlebot.retrieval.conversation import (
    Turn,
    ask_in_context,
    depends_on_context,
    names_in,
    with_context,
)
from articlebot.retrieval.retriever import Retriever


def test_dependency_and_names() -> None:
    assert depends_on_context("When was he arrested?")
    assert depends_on_context("And Kasatkin?")
    assert not depends_on_context("Who is Laurent Vinatier?")
    assert names_in("Who is Laurent Vinatier?") == ["Laurent Vinatier"]
    assert names_in("What did Jean-Noel Barrot say in Paris?") == ["Jean-Noel Barrot", "Paris"]
    # "what did she say" became "what did Dr say"; "his name" after a farmer, "One's name".
    assert names_in("The state vet, Dr. Helen Park, said") == ["Helen Park"]
    assert names_in("One farmer, Tom Reyes, lost buyers.") == ["Tom Reyes"]
    turn = Turn("Who is Laurent Vinatier?", "", 0.0)
    assert with_context("When was he arrested?", turn) == [
        "When was Laurent Vinatier arrested?",
        "When was Vinatier arrested?",
    ]
    assert with_context("What did he say?", Turn("What happened?", "", 0.0)) == [
        "What happened? What did he say?"
    ]


def test_a_question_word_alone_asks_the_last_question_again_with_it() -> None:
    previous = Turn("When does the bridge close?", "", 0.0)
    assert depends_on_context("why?") and depends_on_context("Where exactly?")
    assert not depends_on_context("why is the bridge closed")
    assert with_context("why?", previous) == ["why does the bridge close?"]
    assert with_context("How long", previous) == ["How long does the bridge close?"]
    assert with_context("why", Turn("Vinatier was freed", "", 0.0)) == ["why Vinatier was freed"]
    # The last question's word is swapped only before an auxiliary; a greeting is left out.
    assert with_context("where", Turn("who won the final", "", 0.0)) == ["where who won the final"]
    assert with_context("why", Turn("hi, when will work begin", "", 0.0)) == ["why will work begin"]


def test_where_after_when_finds_the_place(retriever: Retriever) -> None:
    _, turn = ask_in_context(retriever, "When was Vinatier arrested?", None, now=100.0)
    where, turn = ask_in_context(retriever, "Where?", turn, now=130.0)
    assert where.outcome != "none" and "Moscow restaurant" in where.passages[0].highlight_text
    assert where.question == "Where?" and turn.question == "Where was Vinatier arrested?"
    # A second one still has the question: the turn keeps it as it was asked.
    who, _ = ask_in_context(retriever, "who?", turn, now=150.0)
    assert "Vinatier" in who.passages[0].text


def test_follow_up_finds_the_arrest_passage(retriever: Retriever) -> None:
    first, turn = ask_in_context(retriever, "Who is Laurent Vinatier?", None, now=100.0)
    assert first.answered
    follow, _ = ask_in_context(retriever, "When was he arrested?", turn, now=160.0)
    assert follow.answered
    assert "Moscow restaurant in June 2024" in follow.passages[0].text


def test_context_expires_and_independent_questions_are_untouched(retriever: Retriever) -> None:
    _, turn = ask_in_context(retriever, "Who is Laurent Vinatier?", None, now=0.0)
    stale, _ = ask_in_context(retriever, "When was he arrested?", turn, now=3600.0)
    assert stale.passages[0].text == retriever.ask("When was he arrested?").passages[0].text
    question = "How many households lost electricity in Dnipropetrovsk?"
    independent, _ = ask_in_context(retriever, question, turn, now=10.0)
    assert independent.passages[0].text == retriever.ask(question).passages[0].text
    assert "500,000 households" in independent.passages[0].text
