"""Retrieval over the bundled article: right passages, highlights, refusals, odd input."""

from __future__ import annotations

import dataclasses
import itertools
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from articlebot.evaluation import load_eval_file
from articlebot.index.arrays import ranges
from articlebot.retrieval.late_interaction import (
    TokenVectorCache,
    asked_pieces,
    best_matches,
    least_matched,
    maxsim,
    question_weights,
    rerank,
)
from articlebot.retrieval.ranking import (
    LATE_PASSAGE_WEIGHT,
    LATE_SENTENCE_WEIGHT,
    RankingSettings,
    segment_argmax,
    unique,
)
from articlebot.retrieval.retriever import Retriever
from articlebot.terminal import format_answer_text

ROOT = Path(__file__).resolve().parents[1]

QUESTIONS = [
    ("When was Vinatier arrested?", "arrested at a Moscow restaurant in June 2024"),
    ("How many households were left without electricity?", "nearly 500,000 households"),
    ("What share of Ukraine does Russia hold?", "nearly 20% of Ukraine"),
    ("Who was Vinatier swapped for?", "Daniil Kasatkin"),
    ("What did Witkoff say about Trump?", "strongly stands behind"),
    ("Where was the basketball player arrested?", "arrested at a Paris airport"),
]


@pytest.mark.parametrize(("question", "expected"), QUESTIONS)
def test_finds_the_passage_and_highlights_the_sentence(
    retriever: Retriever, question: str, expected: str
) -> None:
    answer = retriever.ask(question)
    assert answer.outcome != "none", answer.confidence  # shown, confidently or as the closest
    best = answer.passages[0]
    assert expected in best.text
    assert best.text == retriever.index.documents[best.doc_id].text[best.start : best.end]
    assert best.start <= best.highlight.start < best.highlight.end <= best.end
    assert best.title.startswith("Russia warns")


@pytest.mark.parametrize(
    "question",
    [
        "What is the boiling point of water?",
        "Who painted the Mona Lisa?",
        "What is a good recipe for lasagna?",
    ],
)
def test_unrelated_questions_are_not_answered(retriever: Retriever, question: str) -> None:
    answer = retriever.ask(question)
    assert not answer.answered
    assert format_answer_text(answer).startswith("The article doesn't")


def test_results_never_repeat_the_same_spot(retriever: Retriever) -> None:
    answer = retriever.ask("Vinatier prisoner exchange pardon", top_k=8)
    spans = sorted((p.start, p.end) for p in answer.passages)
    assert len(spans) == 8
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start


def test_long_html_and_empty_questions(retriever: Retriever) -> None:
    long_answer = retriever.ask("Who is Laurent Vinatier? " * 400)
    assert len(long_answer.question) <= retriever.max_question_chars
    assert "Vinatier" in long_answer.passages[0].text
    # Pasted text with the question after it: the question is what is read (the message was
    # cut at 1,000 characters, question and all).
    pasted = "The weather in the region was mild for the season, officials said. " * 30
    asked = retriever.ask(pasted + "Who is Laurent Vinatier? Thanks")
    assert asked.question == "Who is Laurent Vinatier?"
    assert "Vinatier" in asked.passages[0].text
    # Typed in lower case on the pasted text's line (a new user's probe: the last pasted
    # sentence was read with it); "u.s." before a lower-case word ends no sentence.
    lower = retriever.ask(pasted + "who is laurent vinatier?")
    assert lower.question == "who is laurent vinatier?"
    assert "Vinatier" in lower.passages[0].text
    # Nor a question's own abbreviation before a lower-case word (a verifier's probe).
    for question in (
        "What did the u.s. officials say of Vinatier?",
        "Is Acme Corp. making a loss this year?",
        "Did Prof. smith say anything?",
    ):
        assert retriever.ask(pasted + question).question == question
    # A pasted sentence opening with "When" is no question (verifier round 3).
    when = retriever.ask(pasted + "When the storm hit the coast it was cancelled. who is vinatier?")
    assert when.question == "who is vinatier?"
    # On a line of its own after the pasted text, a question with any abbreviation stays whole.
    question = "What did the head of the Assoc. say about the budget?"
    assert retriever.ask(pasted + "\n" + question).question == question
    # Without a question mark, its beginning, cut between words.
    rambling = retriever.ask("Vinatier prisoner exchange " * 100)
    assert rambling.question.endswith("exchange") and len(rambling.question) <= 1000
    html = retriever.ask("<b>Who</b> is <script>alert(1)</script> Vinatier?")
    assert html.question.startswith("<b>Who</b>")  # kept as text, never interpreted
    empty = retriever.ask(" \n\t ")
    assert not empty.answered and empty.passages == []
    # A direction override echoed back would show the question (or what follows) reversed.
    flipped = retriever.ask("Who is \u202eVinatier\u2066?\u2069")
    assert flipped.question == "Who is Vinatier ?" and "Vinatier" in flipped.passages[0].text


def test_json_shape(retriever: Retriever) -> None:
    data = retriever.ask("Who is Laurent Vinatier?").to_json()
    assert set(data) >= {"question", "answered", "passages"}
    passage = data["passages"][0]
    assert set(passage) == {
        "doc_id",
        "title",
        "paragraph",
        "start",
        "end",
        "text",
        "score",
        "highlight",
    }
    assert set(passage["highlight"]) == {"start", "end"}
    assert isinstance(passage["score"], float) and isinstance(passage["paragraph"], int)


def test_near_copies_from_other_documents_are_not_repeated(encoder, tmp_path) -> None:
    from articlebot.collection import update_index
    from articlebot.config import load_settings
    from articlebot.ingest.documents import Document

    story = (
        "Harbour reopens\n\nThe harbour reopened on Monday after six weeks of repairs to the "
        "sea wall. Ferries to the islands resumed at noon, the port authority said.\n\n"
        "Fishing crews, who had moved to a neighbouring port, said they would return this week."
    )
    copies = [
        Document(doc_id, "Harbour reopens", story, f"{doc_id}.txt") for doc_id in ("wire", "site")
    ]
    data, _ = update_index(load_settings(index_dir=tmp_path / "i"), encoder, copies)
    answer = Retriever(data, encoder).ask("When did the ferries resume?", top_k=3)
    texts = [p.text for p in answer.passages]
    assert len(texts) == len(set(texts))  # one copy of each passage, whichever document


def test_the_opening_of_one_article_comes_first_when_a_later_passage_matches_as_well(
    retriever: Retriever,
) -> None:
    """News puts its main facts first: asked of one article, a later passage repeating the
    question's words ("the U.K. and France signed a declaration") must match better than the
    opening that answers it ("... announced plans to deploy a multinational force")."""
    question = "What did the UK and France announce?"
    top = retriever.ask(question).passages[0]
    assert "deploy a multinational force" in top.highlight_text
    unplaced = dataclasses.replace(retriever.ranking, position_weight=0.0)
    later = Retriever(retriever.index, retriever.encoder, ranking=unplaced).ask(question)
    assert later.passages[0].start > top.start


def test_sentence_idf_weighs_words_that_set_sentences_apart() -> None:
    import numpy as np

    from articlebot.retrieval.ranking import sentence_idf

    # In a document of 10 sentences: its subject (in all), a word in 3, a word in 1, an absent one.
    weights = sentence_idf(np.array([10, 3, 1, 0]), 10)
    assert weights.dtype == np.float32
    assert np.all(weights > 0)
    assert weights[0] < weights[1] < weights[2] < weights[3]
    # One row of frequencies per document, each with its own number of sentences.
    both = sentence_idf(np.array([[10, 1], [2, 1]]), np.array([[10], [2]]))
    assert both.shape == (2, 2)
    np.testing.assert_allclose(both[0], weights[[0, 2]])
    assert both[1, 0] < both[0, 1]


def test_highlight_prefers_the_words_that_one_sentence_shares_with_the_question(
    encoder, tmp_path
) -> None:
    from articlebot.collection import update_index
    from articlebot.config import load_settings
    from articlebot.ingest.documents import Document

    text = (
        "Valdoria harbour\n\n"
        "The Valdoria harbour reopened after the Valdoria harbour wall was rebuilt. "
        "Valdoria harbour officials said the work cost 12 million euros. "
        "Ferries resumed on Monday at noon. "
        "Valdoria fishing crews are expected back in the harbour this week."
    )
    data, _ = update_index(
        load_settings(index_dir=tmp_path / "i"), encoder, [Document("v", "Valdoria", text, "v")]
    )
    # The lexical part of the highlight alone: late interaction (on by default) bolds the
    # sentence matching the most question words, "reopened Valdoria harbour" here.
    lexical = RankingSettings(late_passage_weight=0.0, late_sentence_weight=0.0)
    answer = Retriever(data, encoder, ranking=lexical).ask(
        "When did ferries resume at the reopened Valdoria harbour?"
    )
    assert answer.passages[0].highlight_text.startswith("Ferries resumed")


def test_a_chat_narrowed_to_some_articles_is_answered_from_them_alone(encoder, tmp_path) -> None:
    """`/use ID` in a chat: only that article's passages are searched."""
    from articlebot.collection import update_index
    from articlebot.config import load_settings
    from articlebot.ingest.documents import Document

    docs = [
        Document(
            "harbour",
            "Harbour reopens",
            "Harbour reopens\n\nThe harbour reopened on Monday after repairs to the sea wall. "
            "Ferries to the islands resumed at noon.",
            "harbour.txt",
        ),
        Document(
            "pass",
            "Mountain pass closed",
            "Mountain pass closed\n\nSnow closed the mountain pass for two days. Drivers waited "
            "in town until the ploughs cleared the road on Wednesday.",
            "pass.txt",
        ),
        Document(
            "library",
            "Library extends hours",
            "Library extends hours\n\nThe city library will open until nine on weekdays from "
            "next month, the council said.",
            "library.txt",
        ),
    ]
    data, _ = update_index(load_settings(index_dir=tmp_path / "i"), encoder, docs)
    retriever = Retriever(data, encoder)
    question = "When did the ferries resume?"
    assert retriever.ask(question).passages[0].doc_id == "harbour"
    scoped = retriever.ask(question, doc_ids=["pass", "library"])
    assert scoped.passages and {p.doc_id for p in scoped.passages} <= {"pass", "library"}
    assert retriever.ask(question, doc_ids=["library"]).passages[0].doc_id == "library"
    nothing = retriever.ask(question, doc_ids=["removed-article"])
    assert not nothing.answered and nothing.passages == []


@given(st.lists(st.integers(min_value=0, max_value=40), max_size=60))
def test_distinct_candidates_match_numpy(values: list[int]) -> None:
    array = np.asarray(values, dtype=np.int64)
    distinct, inverse = unique(array)
    want, want_inverse = np.unique(array, return_inverse=True)
    assert distinct.tolist() == want.tolist() and inverse.tolist() == want_inverse.tolist()


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 6)), max_size=20))
def test_ranges_lays_the_ranges_end_to_end(spans: list[tuple[int, int]]) -> None:
    starts = np.array([start for start, _ in spans], dtype=np.int64)
    ends = starts + np.array([length for _, length in spans], dtype=np.int64)
    want = [i for start, end in zip(starts, ends, strict=True) for i in range(start, end)]
    assert ranges(starts, ends).tolist() == want


@given(st.lists(st.lists(st.integers(-3, 3), min_size=1, max_size=5), min_size=1, max_size=8))
def test_segment_argmax_finds_each_segments_first_largest(segments: list[list[int]]) -> None:
    values = np.array([v for segment in segments for v in segment], dtype=np.float32)
    counts = np.array([len(segment) for segment in segments], dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    want = [
        int(offset + np.argmax(segment)) for offset, segment in zip(offsets, segments, strict=True)
    ]
    assert segment_argmax(values, offsets, counts).tolist() == want


def test_the_stage_hook_times_every_stage_and_changes_no_answer(retriever: Retriever) -> None:
    stages: list[tuple[str, float]] = []
    timed = retriever.with_index(retriever.index)
    timed.on_stage = lambda name, seconds: stages.append((name, seconds))
    questions = ["Who was Vinatier swapped for?", "What does DTEK do?"]
    assert timed.ask_many(questions) == retriever.ask_many(questions)
    per_question = [
        "dense",
        "keyword",
        "candidates",
        "sentences",
        "fusion",
        "deduplicate",
        "highlight",
        "confidence",
    ]
    assert [name for name, _ in stages] == ["spelling", "encode", *per_question, *per_question]
    assert all(seconds >= 0 for _, seconds in stages)


def test_maxsim_weighs_the_content_pieces_of_the_question() -> None:
    """Stopwords (whole words only) and punctuation weigh nothing; a question of nothing else
    falls back to its words, then to every piece."""
    weights = question_weights(["how", "old", "is", "vin", "##at", "##ier", "?"], {"how", "is"})
    assert weights.tolist() == pytest.approx([0, 0.25, 0, 0.25, 0.25, 0.25, 0])
    assert question_weights(["is", "it", "?"], {"is", "it"}).tolist() == pytest.approx(
        [0.5, 0.5, 0]
    )
    assert question_weights(["?"], set()).tolist() == [1.0]


def test_maxsim_is_the_mean_best_match_of_each_question_piece() -> None:
    question = np.eye(3, dtype=np.float32)[:2]  # two pieces: axes x and y
    weights = np.array([0.5, 0.5], dtype=np.float32)
    tokens = np.array([[1, 0, 0], [0, 0, 1], [0.6, 0.8, 0], [0, 1, 0]], dtype=np.float32)
    # Text 0: x matched exactly, y not at all; text 1: (0.6, 0.8) and y; an empty text scores 0.
    best = best_matches(question, tokens, np.array([2, 0, 2]))
    np.testing.assert_allclose(best, [[1, 0], [0, 0], [0.6, 1]], atol=1e-6)
    assert maxsim(best, weights).tolist() == pytest.approx([0.5, 0.0, 0.8])
    # Nothing reaches the reader's terminal: a value that is not a number is no match.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        odd = maxsim(np.array([[np.nan, 1.0], [1.0, 1.0]], dtype=np.float32), weights)
    assert odd.tolist() == [0.0, 1.0]


def test_least_matched_is_the_worst_matched_question_piece_and_the_next() -> None:
    question = np.eye(4, dtype=np.float32)[:3]  # pieces along x, y and z; y is a stopword
    weights = np.array([0.5, 0.0, 0.5], dtype=np.float32)
    tokens = np.array([[1, 0, 0, 0], [0, 0, 0.6, 0.8]], dtype=np.float32)
    best = best_matches(question, tokens, np.array([2]))[0]
    assert least_matched(best, weights) == pytest.approx((0.6, 1.0))
    one = np.array([0.0, 0.0, 1.0], dtype=np.float32)
    assert least_matched(best, one) == pytest.approx((0.6, 0.6))
    nothing = best_matches(question, tokens[:0], np.array([0]))[0]
    assert least_matched(nothing, weights) == (0.0, 0.0)  # nothing to match
    assert least_matched(best, np.zeros(3, dtype=np.float32)) == (1.0, 1.0)


def test_words_naming_the_kind_of_answer_are_not_what_must_be_matched() -> None:
    """ "What was the name of the trawler?": a sentence answering it gives the name, not the
    word "name"; a question of nothing else keeps its words."""
    pieces = ["what", "was", "the", "name", "of", "the", "trawl", "##er", "?"]
    weights = question_weights(pieces, {"what", "was", "the", "of"})
    asked = asked_pieces(pieces, weights)
    assert weights[3] > 0 and asked[3] == 0
    assert asked[6] == weights[6] > 0 and asked[7] > 0
    # Only whole words: "name" opening a longer word is matched as the rest are.
    assert asked_pieces(["name", "##less"], np.array([0.5, 0.5])).tolist() == [0.5, 0.5]
    only = question_weights(["how", "many", "?"], {"how"})
    assert asked_pieces(["how", "many", "?"], only).tolist() == only.tolist()
    # The words put after the question for the search are no word the reader asked with.
    hinted = ["who", "led", "the", "research", "(", "lead", "author", "led", ")"]
    weights = question_weights(hinted, {"who", "the"})
    assert asked_pieces(hinted, weights)[4:].tolist() == [0.0] * 5
    assert asked_pieces(hinted, weights)[3] == weights[3] > 0


def test_rerank_reorders_only_the_first_candidates() -> None:
    order = np.array([3, 0, 2, 1])
    fused = np.array([0.5, 0.1, 0.4, 0.6])
    assert rerank(order, fused, np.array([0.0, 0.2]), 1.0).tolist() == [0, 3, 2, 1]
    assert rerank(order, fused, np.array([0.0, 0.2]), 0.0).tolist() == [3, 0, 2, 1]


def test_token_vectors_are_the_word_pieces_of_each_text(encoder) -> None:
    pieces, vectors = encoder.token_vectors(["How old is Vinatier?", "He is 49."])
    assert pieces[0][0] == "how" and pieces[0][-1] == "?" and "[CLS]" not in pieces[0]
    assert len(vectors) == len(pieces[0]) + len(pieces[1])
    assert np.linalg.norm(vectors, axis=1) == pytest.approx(1.0, abs=1e-5)
    age = vectors[len(pieces[0]) + pieces[1].index("49")]
    assert float(vectors[pieces[0].index("old")] @ age) > float(vectors[0] @ age)


def test_late_interaction_bolds_the_answer_to_more_reader_questions(retriever: Retriever) -> None:
    """Of the bundled article's answerable reader dev questions, more get the sentence holding
    the answer in bold with late interaction (on by default) than without; e.g. "How old is
    vinatier?" gets his age."""
    assert retriever.ranking.late_passage_weight == LATE_PASSAGE_WEIGHT
    assert retriever.ranking.late_sentence_weight == LATE_SENTENCE_WEIGHT
    off = Retriever(
        retriever.index,
        retriever.encoder,
        ranking=dataclasses.replace(
            retriever.ranking, late_passage_weight=0.0, late_sentence_weight=0.0
        ),
    )
    reader = load_eval_file(ROOT / "eval" / "reader_dev.jsonl")
    questions = [q for q in reader.questions if q.article == "article" and q.answerable]

    def bold(answers) -> int:
        return sum(
            bool(a.passages)
            and a.passages[0].highlight.start <= q.start
            and q.end <= a.passages[0].highlight.end
            for a, q in zip(answers, questions, strict=True)
        )

    texts = [q.q for q in questions]
    assert bold(retriever.ask_many(texts)) > bold(off.ask_many(texts))
    assert "49" in retriever.ask("How old is vinatier?").passages[0].highlight_text
    assert "49" not in off.ask("How old is vinatier?").passages[0].highlight_text


class _CountingEncoder:
    """The real encoder, noting the texts it is asked for token vectors of."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.asked: list[str] = []

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def token_vectors(self, texts):
        self.asked += list(texts)
        return self.inner.token_vectors(texts)

    def encode_with_tokens(self, texts, batch_size: int = 64):
        self.asked += list(texts)
        return self.inner.encode_with_tokens(texts, batch_size)


def test_late_interaction_reads_the_token_vectors_the_index_keeps(retriever: Retriever) -> None:
    """Over an index that keeps its sentences' token vectors, a question encodes only itself;
    each passage shows its own score, as without late interaction, in the order it gives."""
    counting = _CountingEncoder(retriever.encoder)
    late = dataclasses.replace(
        retriever.ranking,
        late_passage_weight=LATE_PASSAGE_WEIGHT,
        late_sentence_weight=LATE_SENTENCE_WEIGHT,
    )
    answer = Retriever(retriever.index, counting, ranking=late).ask("How old is vinatier?")
    assert counting.asked == ["How old is vinatier?"]
    assert "49" in answer.passages[0].highlight_text
    off = dataclasses.replace(late, late_passage_weight=0.0, late_sentence_weight=0.0)
    plain = Retriever(retriever.index, retriever.encoder, ranking=off).ask("How old is vinatier?")
    own = {p.row: p.score for p in plain.passages}
    assert [p.row for p in answer.passages] != [p.row for p in plain.passages]  # re-ordered
    assert all(own[p.row] == p.score for p in answer.passages if p.row in own)


def test_late_interaction_encodes_an_articles_sentences_once_across_questions(
    retriever: Retriever, group_private_retriever: Retriever
) -> None:
    """Over an index that keeps no token vectors (made before they were kept), the second
    question meeting the same candidate sentences encodes only itself, and gets the answer
    the kept vectors give; the encoded vectors serve another index holding the same sentences
    (a reload)."""
    counting = _CountingEncoder(retriever.encoder)
    late = dataclasses.replace(
        retriever.ranking,
        late_passage_weight=LATE_PASSAGE_WEIGHT,
        late_sentence_weight=LATE_SENTENCE_WEIGHT,
    )
    kept = Retriever(retriever.index, retriever.encoder, ranking=late)

    def without_tokens(index):
        return dataclasses.replace(index, sentence_tokens=None, sentence_token_offsets=None)

    first = Retriever(without_tokens(retriever.index), counting, ranking=late)
    question = "How old is vinatier?"
    answer = first.ask(question)
    assert len(counting.asked) > 5  # the question and its candidates' sentences
    assert answer.passages[0].highlight == kept.ask(question).passages[0].highlight
    counting.asked.clear()
    again = first.ask(question)
    assert counting.asked == [question]
    assert again.passages[0].highlight == answer.passages[0].highlight
    counting.asked.clear()
    reloaded = first.with_index(without_tokens(group_private_retriever.index))
    assert reloaded.index is not first.index
    reloaded.ask(question)
    assert counting.asked == [question]


def test_the_token_vector_cache_keeps_at_most_its_size(encoder) -> None:
    counting = _CountingEncoder(encoder)
    cache = TokenVectorCache(counting, max_tokens=12)
    texts = ["The lamp was relit.", "Ferries resumed at noon.", "The bridge will be repaired."]
    direct = encoder.token_vectors(texts)[1]
    assert np.array_equal(np.concatenate(cache.vectors(texts)), direct)
    counting.asked.clear()
    cache.vectors(texts[-1:])  # the most recent, kept
    assert counting.asked == []
    cache.vectors(texts[:1])  # the oldest, dropped to stay within 12 token vectors
    assert counting.asked == texts[:1]


def test_a_question_without_a_word_is_not_searched(retriever: Retriever) -> None:
    """Emoji and punctuation alone are unknown pieces to the model, which match any other
    odd text: an article with a 5,000-letter line answered "🔥🔥🔥" from it at confidence 0.99."""
    for question in ("🔥🔥🔥", "???", "…"):
        answer = retriever.ask(question)
        assert (answer.outcome, answer.passages) == ("none", []), question
    assert retriever.ask("Who is 🔥 Vinatier?").passages


def test_the_bold_sentence_holds_the_kind_of_answer_asked_for(encoder, tmp_path) -> None:
    """The sentence giving the ages answers "how old were the participants", not the next one,
    which repeats "participants" and gives none."""
    from articlebot.collection import update_index
    from articlebot.config import load_settings
    from articlebot.ingest.documents import Document

    text = (
        "Phones that lock themselves cut texting at the wheel, trial finds\n\n"
        "Phones that lock their screens while the car moves cut texting at the wheel by half, "
        "a trial in Ontario found.\n\n"
        "The transport ministry recruited 4,100 people aged 18 to 25 from six cities. "
        "Participants kept a weekly diary and had an app record their phone use for a year.\n\n"
        "Participants who had the lock on sent 52% fewer messages while moving, and most "
        "participants kept it on after the trial ended.\n\n"
        "The ministry will decide in the spring whether to recommend the feature to carmakers. "
        "Owners of old phones without the feature were left out."
    )
    data, _ = update_index(
        load_settings(index_dir=tmp_path / "i"), encoder, [Document("t", "Trial", text, "t")]
    )
    question = "how old were the participants"
    plain = Retriever(data, encoder, ranking=RankingSettings(highlight_type_weight=0.0))
    assert plain.ask(question).passages[0].highlight_text.startswith("Participants kept")
    answer = Retriever(data, encoder).ask(question)
    assert "aged 18 to 25" in answer.passages[0].highlight_text


def test_a_passage_without_the_kind_of_answer_asked_for_gives_way(encoder, tmp_path) -> None:
    """With the passage type weight on (off by default, see `RankingSettings`): of two passages
    late interaction scores alike, the one with a sum of money answers "how much money does she
    get", not the one about her that names none."""
    from articlebot.collection import update_index
    from articlebot.config import load_settings
    from articlebot.evaluation import load_eval_file

    fresh = load_eval_file(Path(__file__).resolve().parents[1] / "eval" / "reader_dev_fresh.jsonl")
    prize = [d for d in fresh.documents if d.doc_id == "fresh-008"]
    data, _ = update_index(load_settings(index_dir=tmp_path / "i"), encoder, prize)
    question = "how much money does she get"
    plain = Retriever(data, encoder)
    assert "kroner" not in plain.ask(question).passages[0].highlight_text
    typed = Retriever(data, encoder, ranking=RankingSettings(passage_type_weight=4.0))
    assert "300,000 Danish kroner" in typed.ask(question).passages[0].highlight_text
