"""The three outcomes of a question, as a reader sees them in the bot and the terminal."""

from __future__ import annotations

import dataclasses
import json
import re
from html import escape, unescape
from pathlib import Path

import pytest

from articlebot.bot import render
from articlebot.evaluation import highlight_hit, load_eval_file
from articlebot.retrieval.ranking import (
    LATE_TOP,
    PASSAGE_SIGNALS,
    SENTENCE_SIGNALS,
    Evidence,
    also_passage,
    runner_up_answers,
)
from articlebot.retrieval.results import Answer, Highlight, RetrievedPassage
from articlebot.retrieval.retriever import RankingSettings, Retriever
from articlebot.terminal import CLOSEST_LEAD, format_answer_text

ROOT = Path(__file__).resolve().parents[1]


def _hedging(retriever: Retriever) -> Retriever:
    """The retriever with a decision that offers every on-topic answer only as the closest."""
    ranking = dataclasses.replace(retriever.ranking, min_topical=0.0)
    hedging = Retriever(retriever.index, retriever.encoder, ranking=ranking)
    hedging.min_confidence = 1.01
    return hedging


def test_the_three_outcomes_by_default_and_json_says_which(retriever: Retriever) -> None:
    found = retriever.ask("Who was Vinatier swapped for?")
    assert found.outcome == "answer" and found.answered
    assert json.loads(json.dumps(found.to_json()))["outcome"] == "answer"
    # On the story's subject but not in it: the closest passage, never a confident answer.
    hedged = retriever.ask("What is the population of Ukraine?")
    assert hedged.outcome == "closest" and not hedged.answered
    assert render.answer_html(hedged).startswith("The article may not say exactly.")
    assert not retriever.ask("What did China say?").answered  # closest or none
    # Off the subject, chit-chat included: nothing is offered.
    for question in ("How do I bake sourdough bread?", "how are you today?", "what can you do"):
        missing = retriever.ask(question)
        assert missing.outcome == "none" and not missing.answered, question
        assert render.answer_html(missing) == render.NOT_ANSWERED_HTML
    # --json says why: "none" from the topic gate, however the passage itself scored.
    gated = retriever.ask("How do I bake sourdough bread?").to_json()
    assert gated["topical"] < RankingSettings().min_topical <= found.to_json()["topical"]
    assert len(found.evidence) == len(RankingSettings().calibration) - 1
    assert len(found.evidence) == len(RankingSettings().topic_calibration) - 1
    assert len(found.evidence) == len(RankingSettings().calibration_without_late) - 1


def test_without_late_interaction_its_own_calibration_decides(retriever: Retriever) -> None:
    """The confidence reads late interaction's MaxSim of the best passage; where it did not
    run (turned off, or an index without token vectors), a calibration fitted without it
    decides, so answers are not all hedged for want of it."""
    ranking = dataclasses.replace(
        retriever.ranking, late_passage_weight=0.0, late_sentence_weight=0.0
    )
    plain = Retriever(retriever.index, retriever.encoder, ranking=ranking)
    for ask in (retriever.ask, plain.ask):
        assert ask("Who was Vinatier swapped for?").outcome == "answer"
        assert ask("What is the population of Ukraine?").outcome == "closest"
    late_top = Evidence.__dataclass_fields__
    # The coefficient calibrate.py fits, and where `answers_it` reads whether it ran.
    assert list(late_top).index("late_top") == LATE_TOP
    with_late = retriever.ask("Who was Vinatier swapped for?").evidence
    assert with_late[LATE_TOP] > 0.0
    assert plain.ask("Who was Vinatier swapped for?").evidence[LATE_TOP] == 0.0


def test_the_closest_passage_is_offered_as_such(retriever: Retriever) -> None:
    answer = _hedging(retriever).ask("Who was Vinatier swapped for?")
    assert answer.outcome == "closest" and not answer.answered
    assert answer.to_json()["outcome"] == "closest" and answer.to_json()["answered"] is False
    html = render.answer_html(answer)
    assert html.startswith("The article may not say exactly. Closest:\n") and "<b>" in html
    assert render.answer_buttons(answer, retriever.index.manifest.documents)  # still offered
    text = format_answer_text(answer)
    assert text.splitlines()[0] == "The article may not say exactly. Closest:"
    assert re.search(r"\*\*.+Kasatkin.+\*\*", text)


def test_the_question_terms_an_article_never_uses_are_measured(retriever: Retriever) -> None:
    inside = retriever.ask("Who was Vinatier swapped for?").evidence
    outside = retriever.ask("What is the population of Ukraine?").evidence
    assert inside[3] == 0.0  # every term of the question is in the article
    assert outside[3] >= 0.5  # "population" is not
    assert retriever.ask("How many people live in Kyiv?").evidence[4] in (0.0, 1.0)
    # A question without a single content word shares nothing with the article.
    assert retriever.ask("what can you do").evidence[3] == 1.0


def test_a_bold_sentence_that_does_not_state_the_asked_thing_leaves_a_word_unmatched(
    retriever: Retriever,
) -> None:
    """The confidence reads how well the question's worst-matched word finds its match in the
    bold sentence: the swap sentence matches every word of a question about the swap; no
    sentence of the story on Ukraine states its population."""
    names = ("least_match", "second_least_match", "asked_pieces")
    at = {name: [f.name for f in dataclasses.fields(Evidence)].index(name) for name in names}
    stated = retriever.ask("Who was Vinatier swapped for?").evidence
    unstated = retriever.ask("What is the population of Ukraine?").evidence
    assert stated[at["least_match"]] > unstated[at["least_match"]] + 0.15
    assert stated[at["second_least_match"]] >= stated[at["least_match"]]
    assert stated[at["asked_pieces"]] > 0  # "vinatier" and "swapped", in pieces
    # An encoder without token vectors counts every word as matched, and still decides.
    plain = Retriever(retriever.index, _WithoutTokens(retriever.encoder))
    evidence = plain.ask("Who was Vinatier swapped for?").evidence
    assert [evidence[at[name]] for name in names] == [1.0, 1.0, 0.0]


class _WithoutTokens:
    """The real encoder, without `token_vectors`."""

    def __init__(self, inner) -> None:
        self.name, self.dimension, self.max_tokens = inner.name, inner.dimension, inner.max_tokens
        self.encode, self.count_tokens = inner.encode, inner.count_tokens


def test_a_close_runner_up_saying_something_else_is_shown_on_one_line(
    retriever: Retriever,
) -> None:
    answer = retriever.ask("Who is Laurent Vinatier?")
    assert answer.outcome == "answer"
    assert answer.also is not None and "Vinatier" in answer.also.highlight_text
    assert answer.also.highlight_text != answer.passages[0].highlight_text
    assert answer.to_json()["also"]["paragraph"] == answer.also.paragraph
    html = render.answer_html(answer)
    assert "\n\n<b>Also:</b> " in html and len(html) < render.MAX_MESSAGE_CHARS
    assert "\n\nAlso: " in format_answer_text(answer)
    # From the same article: its paragraph, not its title again.
    where = f"<i>— paragraph {answer.also.paragraph}</i>"
    assert html.endswith(where) and html.count(answer.passages[0].title) == 1
    assert format_answer_text(answer).endswith(f"— paragraph {answer.also.paragraph}")
    clear = retriever.ask("Who was Vinatier swapped for?")
    assert clear.also is None and "Also:" not in render.answer_html(clear)
    # "None" shows no second spot.
    assert retriever.ask("How do I bake sourdough bread?").also is None
    assert retriever.ask("What is a good recipe for lasagna?").also is None


def test_a_hedge_offers_the_two_closest_spots_when_late_interaction_ties_them(
    retriever: Retriever,
) -> None:
    question = "What did Poland say about sending troops?"
    hedged = retriever.ask(question)
    assert hedged.outcome == "closest" and hedged.also is not None
    html = render.answer_html(hedged)
    assert html.startswith("The article may not say exactly.") and "\n\n<b>Also:</b> " in html
    assert "\n\nAlso: " in format_answer_text(hedged)
    # Ordered by the hand weights alone, only a confident answer may get one (the rule that
    # was cross-validated for them).
    off = dataclasses.replace(retriever.ranking, late_passage_weight=0.0, late_sentence_weight=0.0)
    plain = Retriever(retriever.index, retriever.encoder, ranking=off).ask(question)
    assert plain.outcome == "closest" and plain.also is None


def test_the_wording_fits_the_number_of_articles_asked(retriever: Retriever) -> None:
    missing = retriever.ask("How do I bake sourdough bread?")
    assert "in the articles." in render.answer_html(missing, articles=34)
    assert format_answer_text(missing, articles=34) == "The articles don't seem to answer that."
    assert format_answer_text(missing) == "The article doesn't seem to answer that."
    closest = _hedging(retriever).ask("Who was Vinatier swapped for?")
    assert render.answer_html(closest, articles=2).startswith("The articles may not say exactly.")
    assert format_answer_text(closest, articles=2).startswith("The articles may not say exactly.")


@pytest.mark.parametrize(
    "question",
    [
        "How do I bake sourdough bread?",
        "What is a good recipe for lasagna?",
        "How do I reset my router password?",
    ],
)
def test_off_topic_questions_asked_of_many_articles_get_nothing(
    many_articles: Retriever, question: str
) -> None:
    """Some passage of 21 articles always shares a word or two with a general question; the
    gate still sees it is about none of them (it offered a 'closest' passage before #14's gate
    was refitted). Not all: left out, 0.79 of the off-topic dev questions get 'none' here."""
    answer = many_articles.ask(question)
    assert answer.outcome == "none" and render.answer_html(answer) == render.NOT_ANSWERED_HTML


def test_a_second_article_does_not_turn_answers_about_the_first_into_refusals(
    many_articles: Retriever,
) -> None:
    """The commonest collection after the first is an article and one more. Asked of the two,
    a reader's questions about the first get what they get of it alone: the gate once read
    the second article standing a little apart as "off the subject" and refused 10% of the
    answerable reader questions flatly (0.9% asked of their article alone; #14). A few more
    are hedged: the confidence reads how far the best passage leads the runner-up, which may
    now be the second article's (8 of the 320, 2.5%; of all 21 articles that lead halves the
    confidently wrong answers)."""
    reader = load_eval_file(ROOT / "eval" / "reader_dev.jsonl")
    articles = [d.doc_id for d in reader.documents]
    second = {a: articles[(i + 1) % len(articles)] for i, a in enumerate(articles)}
    questions = [q for q in reader.questions if q.answerable]
    texts = [q.q for q in questions]
    alone = many_articles.ask_many(texts, doc_ids=[[q.article] for q in questions])
    both = many_articles.ask_many(
        texts, doc_ids=[[q.article, second[q.article]] for q in questions]
    )

    def share(answers, outcome: str) -> float:
        return sum(a.outcome == outcome for a in answers) / len(answers)

    assert share(both, "none") <= share(alone, "none") + 0.02
    assert share(both, "answer") >= share(alone, "answer") - 0.03


def test_a_confident_answer_has_the_answer_in_bold(many_articles: Retriever) -> None:
    """What a reader trusts is the bold sentence: asked of its own article, a reader question
    answered with confidence has the answer there at least 92% of the time (89% when the
    confidence was fitted to "the article answers it"), for more than half of them, while at
    most a fifth of the questions the article does not answer get a confident answer."""
    reader = load_eval_file(ROOT / "eval" / "reader_dev.jsonl")
    answerable = [q for q in reader.questions if q.answerable]
    unanswerable = [q for q in reader.questions if not q.answerable]
    got = many_articles.ask_many(
        [q.q for q in answerable], doc_ids=[[q.article] for q in answerable]
    )
    confident = [(q, a) for q, a in zip(answerable, got, strict=True) if a.outcome == "answer"]
    right = sum(highlight_hit(q, a.passages[0]) for q, a in confident)
    assert right >= 0.92 * len(confident)
    assert len(confident) >= 0.55 * len(answerable)
    refused = many_articles.ask_many(
        [q.q for q in unanswerable], doc_ids=[[q.article] for q in unanswerable]
    )
    assert sum(a.outcome == "answer" for a in refused) <= 0.2 * len(unanswerable)


def test_a_question_about_another_article_gets_no_passage_of_this_one(
    many_articles: Retriever,
) -> None:
    """Under a channel post, or after /use, a reader may ask about another article of the
    index. Its names are words the index knows, but not this article: they once counted as
    known, and an unrelated passage came back as "closest" for 61% of such questions (robbery
    details for "Who was Vinatier swapped for?"); 42% now, mostly where the two stories share
    a subject (two football matches)."""
    reader = load_eval_file(ROOT / "eval" / "reader_dev.jsonl")
    articles = [d.doc_id for d in reader.documents]
    other = {a: articles[(i + 1) % len(articles)] for i, a in enumerate(articles)}
    answers = many_articles.ask_many(
        [q.q for q in reader.questions], doc_ids=[[other[q.article]] for q in reader.questions]
    )
    outcomes = [a.outcome for a in answers]
    assert outcomes.count("none") >= 0.5 * len(outcomes)
    assert outcomes.count("answer") <= 0.01 * len(outcomes)
    swapped = many_articles.ask("Who was Vinatier swapped for?", doc_ids=["news-009"])
    assert swapped.outcome == "none"
    assert many_articles.ask("Who was Vinatier swapped for?", doc_ids=["article"]).answered


def test_a_chat_narrowed_to_many_articles_is_answered_as_one_that_sees_them_all(
    many_articles: Retriever,
) -> None:
    """A chat that may see every article but another group's own asks within the rest: they
    are searched as the whole index is (its best candidates, not every passage), so the
    decision meets the setting it was fitted in. Scoring every passage of 21 articles refused
    15% of the answerable reader questions flatly (3% without the narrowing; #14)."""
    reader = load_eval_file(ROOT / "eval" / "reader_dev.jsonl")
    every = [d.doc_id for d in reader.documents]
    texts = [q.q for q in reader.questions]
    narrowed = many_articles.ask_many(texts, doc_ids=[every] * len(texts))
    whole = many_articles.ask_many(texts)
    assert [a.outcome for a in narrowed] == [a.outcome for a in whole]
    assert [a.passages[0].row for a in narrowed] == [a.passages[0].row for a in whole]


def test_reader_questions_asked_of_many_articles_still_get_their_passage(
    many_articles: Retriever,
) -> None:
    answer = many_articles.ask("who is witkoff")
    assert answer.outcome in ("answer", "closest") and "Witkoff" in answer.passages[0].text


def test_the_learned_ranker_with_the_hand_weights_ranks_as_the_hand_ranking(
    retriever: Retriever,
) -> None:
    """`passage_weights` / `sentence_weights` weigh `PASSAGE_SIGNALS` / `SENTENCE_SIGNALS`;
    the hand weights written as such give the same passages and bold sentences."""
    # The learned ranker does not read late interaction: compared with the hand ranking alone.
    hand_only = dataclasses.replace(
        retriever.ranking, late_passage_weight=0.0, late_sentence_weight=0.0
    )
    retriever = Retriever(retriever.index, retriever.encoder, ranking=hand_only)
    ranking = dataclasses.replace(
        hand_only,
        passage_weights=(0.7, 1.0, 0.5, 0.3) + (0.0,) * (len(PASSAGE_SIGNALS) - 4),
        sentence_weights=(1.0, 3.0) + (0.0,) * (len(SENTENCE_SIGNALS) - 2),
    )
    learned = Retriever(retriever.index, retriever.encoder, ranking=ranking)
    for question in ("When was Vinatier arrested?", "who is witkoff", "How many households?"):
        hand, same = retriever.ask(question), learned.ask(question)
        assert [p.row for p in same.passages] == [p.row for p in hand.passages], question
        assert [p.highlight for p in same.passages] == [p.highlight for p in hand.passages]
    signals = learned.signals("When was Vinatier arrested?")
    assert signals is not None and signals.passages.shape[1] == len(PASSAGE_SIGNALS)
    assert signals.sentences.shape == (len(signals.sentence_rows), len(SENTENCE_SIGNALS))


def test_the_runner_up_is_shown_only_when_it_nearly_ties_and_says_something_else() -> None:
    def passage(score: float, sentence: str):
        return RetrievedPassage("a", "T", 1, 0, 40, sentence, score, Highlight(0, 9), sentence)

    ranking = RankingSettings()
    best, other = passage(1.0, "Sentence one."), passage(0.5, "Sentence two.")
    # Late interaction's scores decide when it ordered them, whatever the passages' own say.
    assert also_passage([best, other], ranking, late_gap=ranking.also_late_gap) is other
    assert also_passage([best, other], ranking, late_gap=ranking.also_late_gap + 0.01) is None
    # Without it, the passages' scores, either way round.
    assert also_passage([best, other], ranking) is None
    assert also_passage([passage(0.95, "Sentence two."), best], ranking) is best
    # The same sentence twice is no second spot.
    assert also_passage([best, passage(1.0, " Sentence one. ")], ranking, late_gap=0.0) is None
    assert also_passage([best], ranking, late_gap=0.0) is None


def test_a_nearly_tied_runner_up_with_the_asked_number_leads() -> None:
    def passage(text: str, bold: str, doc_id: str = "a") -> RetrievedPassage:
        return RetrievedPassage(doc_id, "T", 1, 0, len(text), text, 1.0, Highlight(0, 9), bold)

    quote = '"We are making sure the economy grows," Lavergne said. Banks cut rates that day.'
    forecast = "The bank expects the economy to grow 1.2 percent this year."
    best, other = passage(quote, quote[:54]), passage(forecast, forecast)
    question = "how fast will the economy grow this year"
    ranking = RankingSettings()
    tied = ranking.also_late_gap
    assert runner_up_answers(question, [best, other], tied, ranking)
    # Not when they do not nearly tie, or late interaction did not order them.
    assert not runner_up_answers(question, [best, other], tied + 0.01, ranking)
    assert not runner_up_answers(question, [best, other], None, ranking)
    # Not when the best passage has a number in another sentence (its bold may be the wrong
    # one of its sentences), when the runner-up is another article's, or when no number or
    # time is asked for.
    numbered = passage(quote + " Growth was 0.4 percent.", quote[:54])
    assert not runner_up_answers(question, [numbered, other], tied, ranking)
    assert not runner_up_answers(question, [best, passage(forecast, forecast, "b")], tied, ranking)
    assert not runner_up_answers("why will the economy grow", [best, other], tied, ranking)


def test_an_also_line_from_another_article_names_it() -> None:
    def passage(doc_id: str, title: str, paragraph: int) -> RetrievedPassage:
        text = f"A sentence of {title}."
        return RetrievedPassage(
            doc_id, title, paragraph, 0, len(text), text, 1.0, Highlight(0, len(text)), text
        )

    top, same, other = (
        passage("a", "Harbour fire", 2),
        passage("a", "Harbour fire", 5),
        passage("b", "Dock strike", 3),
    )
    for also, where in ((same, "paragraph 5"), (other, "Dock strike, paragraph 3")):
        answer = Answer("q?", True, 0.9, [top, also], outcome="answer", also=also)
        assert render.answer_html(answer).endswith(f"<i>— {where}</i>")
        assert format_answer_text(answer).endswith(f"— {where}")


def _emoji_passage(doc_id: str, paragraph: int, count: int) -> RetrievedPassage:
    """A passage of one sentence ending in `count` emoji (two UTF-16 units each in Telegram's
    limit)."""
    text = "The fire spread fast " + "🔥" * count + "."
    return RetrievedPassage(
        doc_id,
        "Harbour fire " * 4,
        paragraph,
        0,
        len(text),
        text,
        1.0,
        Highlight(0, len(text)),
        text,
    )


def test_an_answer_with_emoji_fits_one_message_with_or_without_its_also_line() -> None:
    top, other = _emoji_passage("a", 1, 2500), _emoji_passage("b", 2, 2500)
    answer = Answer("q?", True, 0.9, [top, other], outcome="answer", also=other)
    html = render.answer_html(answer)
    assert render.fits(html) and "Also:" not in html  # the line would not have fitted
    small = _emoji_passage("b", 2, 20)
    shorter = Answer("q?", True, 0.9, [top, small], outcome="answer", also=small)
    assert "Also:" in render.answer_html(shorter) and render.fits(render.answer_html(shorter))


def test_a_thread_reply_keeps_both_answers_when_their_passages_are_long() -> None:
    from articlebot.bot.post_answers import FROM_ELSEWHERE, both_html

    own = Answer("q?", False, 0.5, [_emoji_passage("a", 1, 1500)], outcome="closest")
    elsewhere = Answer("q?", True, 0.9, [_emoji_passage("b", 3, 1500)], outcome="answer")
    html = both_html(own, elsewhere, 2)
    assert render.fits(html) and FROM_ELSEWHERE in unescape(html)
    assert html.startswith(CLOSEST_LEAD) and "paragraph 3" in html


def test_an_answer_from_another_article_fits_one_message_with_its_label() -> None:
    # An attacker's reading: under a post, "From another of the channel's articles:" went
    # above an answer that filled a message alone (emoji, an Also line), without a check.
    from articlebot.bot.post_answers import FROM_ELSEWHERE, NOT_IN_POST, framed_html

    top, other = _emoji_passage("a", 1, 2500), _emoji_passage("b", 2, 460)
    answer = Answer("q?", True, 0.9, [top, other], outcome="answer", also=other)
    label = f"{escape(NOT_IN_POST)}\n\n<b>{escape(FROM_ELSEWHERE)}</b>\n"
    assert render.fits(render.answer_html(answer)) and not render.fits(
        label + render.answer_html(answer)
    )
    html = framed_html(label, answer, 2)
    assert render.fits(html) and html.startswith(label) and "paragraph 1" in html


def test_the_also_line_is_not_the_second_passage_shown_again() -> None:
    def passage(paragraph: int) -> RetrievedPassage:
        text = f"Sentence of paragraph {paragraph}."
        return RetrievedPassage(
            "a", "T", paragraph, 0, len(text), text, 1.0, Highlight(0, len(text)), text
        )

    first, second = passage(1), passage(2)
    answer = Answer("q?", True, 0.9, [first, second], outcome="answer", also=second)
    assert "Also:" in format_answer_text(answer)
    assert "Also:" not in format_answer_text(answer, shown=2)  # `ask --top-k 2`


def test_a_note_above_an_answer_fits_with_it() -> None:
    """The note to a chat whose /use article was removed came on top of an answer already cut
    to fit: past 4,096 UTF-16 units Telegram refused it, and the chat got "Sorry"."""
    from articlebot.bot.handlers import USE_GONE, _with_note

    top, small = _emoji_passage("a", 1, 1500), _emoji_passage("b", 2, 440)
    answer = Answer("q?", True, 0.9, [top, small], outcome="answer", also=small)
    assert render.fits(render.answer_html(answer)) and "Also:" in render.answer_html(answer)
    assert not render.fits(f"<i>{USE_GONE}</i>\n\n" + render.answer_html(answer))
    html = _with_note(USE_GONE, answer, 1)
    assert render.fits(html) and html.startswith(f"<i>{USE_GONE}</i>") and "🔥" in html
