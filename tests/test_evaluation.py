"""The eval scoring rule on hand-made cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from articlebot.evaluation import EvalQuestion, load_eval_file, score
from articlebot.ingest.documents import DocumentError
from articlebot.retrieval.results import Answer, ArticleReply, Highlight, RetrievedPassage


def _passage(doc_id: str, start: int, end: int, hl: tuple[int, int], text: str = "x"):
    return RetrievedPassage(doc_id, "T", 1, start, end, text, 1.0, Highlight(*hl), text)


def test_span_rule_needs_right_document_and_overlap() -> None:
    q = EvalQuestion("q?", doc_id="d1", start=100, end=110)
    miss_doc = _passage("d2", 90, 120, (90, 120))
    touching = _passage("d1", 110, 200, (110, 200))  # ends where the answer ends: no overlap
    overlap = _passage("d1", 105, 300, (105, 300))  # overlaps, highlight cuts the answer
    answers = [Answer("q?", True, 0.9, [miss_doc, touching, overlap])]
    m = score([q], answers, k=5)
    assert (m.hit1, m.hitk, m.mrr, m.highlight) == (0.0, 1.0, 1 / 3, 0.0)
    m = score([q], [Answer("q?", True, 0.9, [_passage("d1", 0, 150, (95, 112))])], k=5)
    assert (m.hit1, m.highlight) == (1.0, 1.0)
    m = score([q], [Answer("q?", False, 0.1, [miss_doc] * 5 + [overlap])], k=5)
    assert (m.hitk, m.not_answered) == (0.0, 1.0)  # rank 6 is outside k


def test_answer_string_rule_and_file_kinds(tmp_path: Path) -> None:
    q = EvalQuestion("Who?", answers=("Respected Scholar",))
    p = _passage("a", 0, 10, (0, 10), text="a respected scholar engaged in research")
    assert score([q], [Answer("Who?", True, 0.8, [p])], k=5).hit1 == 1.0
    seeds = tmp_path / "seed.jsonl"
    seeds.write_text(json.dumps({"q": "Who?", "answers": ["x"]}) + "\n")
    assert load_eval_file(seeds).kind == "answers"
    oos = tmp_path / "oos.jsonl"
    oos.write_text(json.dumps({"q": "Why?"}) + "\n")
    assert load_eval_file(oos).kind == "unanswerable"


def test_a_byline_reply_naming_the_answer_counts_as_shown() -> None:
    """ "Which publication ran this?" is answered by the byline reply, shown above the byline
    passage whose bold sentence is the author's line: the reader sees the publication."""
    q = EvalQuestion("Which publication ran this story?", answers=("Axadle Times",))
    text = "By Abdiwahab Ahmed\nAxadle Times international"
    p = RetrievedPassage("a", "T", 1, 0, len(text), text, 1.0, Highlight(0, 18), text[:18])
    byline = ArticleReply("byline", "a", ("By Abdiwahab Ahmed", "Published by: Axadle Times"))
    assert score([q], [Answer(q.q, True, 1.0, [p])], k=5).highlight == 0.0
    assert score([q], [Answer(q.q, True, 1.0, [p], reply=byline)], k=5).highlight == 1.0
    other = ArticleReply("chat", "", ("Axadle Times says hello",))  # not about the article
    assert score([q], [Answer(q.q, True, 1.0, [p], reply=other)], k=5).highlight == 0.0


def test_outcome_shares_count_answers_hedges_and_refusals() -> None:
    q = EvalQuestion("Who?", answers=("scholar",))
    off = EvalQuestion("How do I bake bread?")
    p = _passage("a", 0, 10, (0, 10), text="a scholar")
    answers = [
        Answer("Who?", True, 0.9, [p]),
        Answer("Who?", False, 0.4, [p], outcome="closest"),
        Answer("Who?", False, 0.4, [p], outcome="closest"),
        Answer("Who?", False, 0.1, [p]),
    ]
    bread = [Answer("How do I bake bread?", False, 0.2, [p], outcome="closest")]
    figures = score([q] * 4 + [off], answers + bread, k=5).as_dict()
    assert (figures["answer"], figures["closest"], figures["none"]) == (0.25, 0.5, 0.25)
    assert figures["not_answered"] == 0.75
    assert (figures["unanswerable_closest"], figures["unanswerable_answered"]) == (1.0, 0.0)
    assert figures["answer_wrong"] == 0.0
    # Confident, with a bold sentence that lacks the answer: the worst a reader gets.
    wrong = _passage("a", 0, 10, (0, 10), text="a farmer")
    figures = score([q] * 2, [Answer("Who?", True, 0.9, [wrong]), answers[0]], k=5).as_dict()
    assert (figures["answer"], figures["answer_wrong"]) == (1.0, 0.5)
    # Wrong in bold but right on the Also line: confidently wrong, and the Also line counted.
    also = Answer("Who?", True, 0.9, [wrong], also=p)
    figures = score([q], [also], k=5).as_dict()
    assert (figures["answer_wrong"], figures["highlight_or_also"]) == (1.0, 1.0)


DOC = {"doc_id": "h", "text": "The harbour reopened on Monday."}


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ({**DOC, "questions": [{"q": "When?", "answer": "on Monday"}]}, "questions.0.start: "),
        ({**DOC, "questions": [{"q": "When?", "answer": "x", "start": "x"}]}, "questions.0.start"),
        ({**DOC, "questions": "nope"}, "questions: "),
        (
            {**DOC, "questions": [{"q": "When?", "answer": "on Monday", "start": 3}]},
            "questions.0: the text at start 3 is not the answer 'on Monday'",
        ),
        (
            {**DOC, "questions": [{"q": "When?", "answer": "on Monday", "start": 900}]},
            "questions.0: the text at start 900 is not the answer",
        ),
        ({"q": 5}, "q: "),
        # An empty question or answer: asked of nothing, or found in every passage.
        ({"q": "", "answers": ["x"]}, "q: "),
        ({"q": "Who?", "answers": [""]}, "answers.0: "),
        ({**DOC, "chat": [{"q": "who", "answers": [""]}]}, "chat.0.answers.0: "),
        ({"q": "Who?", "answers": "Kasatkin"}, "answers: "),
        ([1, 2], 'expected an object with "text", "answers" or "q"'),
        ({"question": "Who?"}, 'expected "text", "answers" or "q"'),
    ],
)
def test_a_malformed_dev_line_is_one_line_naming_it(tmp_path: Path, line, problem) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        load_eval_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:1: ") and problem in message and "\n" not in message


def test_a_chat_is_asked_in_order_under_its_article_and_kept_apart(tmp_path: Path) -> None:
    chat = [{"q": "who died", "answers": ["Abara"]}, {"q": "how old was he", "answers": []}]
    path = tmp_path / "chats.jsonl"
    path.write_text(json.dumps({**DOC, "chat": chat}) + "\n", encoding="utf-8")
    loaded = load_eval_file(path)
    assert loaded.kind == "chats" and [q.q for q in loaded.questions] == [
        "who died",
        "how old was he",
    ]
    assert [q.answerable for q in loaded.questions] == [True, False]
    assert {q.article for q in loaded.questions} == {DOC["doc_id"]}
    # A chat and span questions are two kinds of set: not mixed in one file.
    other = {**DOC, "doc_id": "other", "questions": []}
    path.write_text(json.dumps({**DOC, "chat": chat}) + "\n" + json.dumps(other) + "\n")
    with pytest.raises(DocumentError, match="mixes kinds of lines"):
        load_eval_file(path)


def test_a_mistyped_field_is_named_and_notes_of_ones_own_are_kept(tmp_path: Path) -> None:
    # A new user's probe: {"q", "answer"} lines were read as questions without answers, and the
    # report said that every unanswerable question had been answered.
    path = tmp_path / "dev.jsonl"
    path.write_text('{"q": "who was swapped", "set": "mine"}\n{"q": "who", "answer": ["X"]}\n')
    with pytest.raises(DocumentError) as caught:
        load_eval_file(path)
    assert str(caught.value) == f'{path}:2: "answer" is not a field: did you mean "answers"?'
    path.write_text('{"q": "who was swapped", "set": "mine", "answerable": false}\n')
    assert [q.q for q in load_eval_file(path).questions] == ["who was swapped"]


def test_an_empty_dev_set_says_so(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text("\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="no questions in it"):
        load_eval_file(path)
    # Articles without a question, or a chat without one, are no set either.
    path.write_text(json.dumps({**DOC, "chat": []}) + "\n" + json.dumps({**DOC, "doc_id": "b"}))
    with pytest.raises(DocumentError, match="no questions in it"):
        load_eval_file(path)


def test_a_dev_line_may_hold_a_line_separator_and_ids_are_unique(tmp_path: Path) -> None:
    text = "The harbour reopened\u2028on Monday."
    line = {
        "doc_id": "h",
        "text": text,
        "questions": [{"q": "When?", "answer": "on Monday", "start": text.index("on Monday")}],
    }
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\r\n", encoding="utf-8")
    assert [q.q for q in load_eval_file(path).questions] == ["When?"]
    path.write_text((json.dumps(line) + "\n") * 2, encoding="utf-8")
    # A CLI attacker's: a traceback for JSON nested too deeply, or a number too long to read.
    for broken, why in (
        ('{"q": "who", "answers": ["x"], "z": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested"),
        ('{"q": "who", "answers": ["x"], "start": ' + "9" * 5000 + "}", "4300 digits"),
    ):
        path.write_text(broken + "\n", encoding="utf-8")
        with pytest.raises(DocumentError, match=f"dev.jsonl:1: .*{why}"):
            load_eval_file(path)
    path.write_text((json.dumps(line) + "\n") * 2, encoding="utf-8")
    with pytest.raises(DocumentError, match=r"dev.jsonl:2: doc_id 'h' is used twice"):
        load_eval_file(path)


def test_a_dev_set_article_keeps_its_byline(tmp_path: Path) -> None:
    """The eval reads a dev set's articles as `index` reads a .jsonl line, so "who wrote
    this?" asked of one article is scored against the byline reply the reader gets."""
    text = "Storm closes harbour\nThe harbour shut on Monday.\n\nBy Jane Doe\nHarbour Times\n"
    dev = tmp_path / "dev.jsonl"
    question = {"q": "who wrote this", "start": text.index("Jane"), "answer": "Jane Doe"}
    dev.write_text(json.dumps({"doc_id": "a", "text": text, "questions": [question]}) + "\n")
    assert load_eval_file(dev).documents[0].byline == "By Jane Doe"


def test_a_miss_with_nothing_shown_says_so() -> None:
    from articlebot.evaluation import misses

    q = EvalQuestion("Who?", answers=("scholar",))
    [block] = misses([q], [Answer("Who?", False, 0.0, [], outcome="none")])
    assert block.startswith("[nothing shown] Who?  (none, confidence 0.00)")
    assert "shown:" not in block
