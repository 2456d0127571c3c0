"""The PostgreSQL backend's searches give the local index's answers: the bundled article indexed
by the real model, moved into a real PostgreSQL, searched both ways."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import psycopg
import pytest

from articlebot.encoders.sentence_transformer import Encoder
from articlebot.storage.local_index import IndexData
from articlebot.storage.postgres.collection import open_store
from articlebot.storage.postgres.connection import connect
from articlebot.storage.postgres.generations import current_generation, write_generation
from articlebot.storage.postgres.local_index import documents_from_index
from articlebot.storage.postgres.reading import (
    passage_sentence_ids,
    passage_vectors,
    passages,
    sentence_vectors,
    sentences,
)
from articlebot.storage.postgres.rows import Generation
from articlebot.storage.postgres.schema import create_schema
from articlebot.storage.postgres.search import (
    dense_top_k,
    exact_top_k,
    keyword_scores,
    keyword_top_k,
)

pytest_plugins = ["postgres"]
# Commands run in this process reuse the session's encoder (see conftest.shared_model).
pytestmark = pytest.mark.usefixtures("shared_model")

QUESTIONS = [
    "What did Russia warn about foreign troops in Ukraine?",
    "What did the Russian Foreign Ministry say?",
    "Which countries plan to deploy a multinational force?",
    "What would be legitimate combat targets?",
    "When would the force be deployed?",
]


@pytest.fixture
def conn(database_url: str, article_index: IndexData) -> Iterator[psycopg.Connection]:
    with connect(database_url) as conn:
        create_schema(conn)
        with write_generation(conn, {"from": "article_index"}) as writer:
            writer.add(documents_from_index(article_index))
        yield conn


def _row_of(conn: psycopg.Connection, ids: list[int]) -> list[int]:
    """The local index's passage row for each stored passage id (both in document order)."""
    order = [pid for (pid,) in conn.execute("SELECT id FROM passages ORDER BY doc_key, ordinal")]
    row = {pid: i for i, pid in enumerate(order)}
    return [row[pid] for pid in ids]


def test_the_local_index_moves_over_whole(conn: psycopg.Connection, article_index: IndexData):
    current = current_generation(conn)
    assert current.passages == len(article_index.passages)
    ids = [pid for (pid,) in conn.execute("SELECT id FROM passages ORDER BY doc_key, ordinal")]
    stored = passages(conn, ids)
    for got, want in zip(stored, article_index.passages, strict=True):
        doc = article_index.documents[want.doc_id]
        assert (got.doc_id, got.start, got.end) == (want.doc_id, want.start, want.end)
        assert got.text == doc.text[want.start : want.end]
    np.testing.assert_array_equal(passage_vectors(conn, ids), article_index.passage_vectors)
    middle = ids[len(ids) // 2]
    sentence_ids = passage_sentence_ids(conn, [middle])[middle]
    want_passage = article_index.passages[len(ids) // 2]
    doc = article_index.documents[want_passage.doc_id]
    assert [s.text for s in sentences(conn, sentence_ids)] == [
        doc.text[span.start : span.end] for span in want_passage.sentences
    ]
    start = int(article_index.passage_sentence_start[len(ids) // 2])
    np.testing.assert_array_equal(
        sentence_vectors(conn, sentence_ids),
        article_index.sentence_vectors[start : start + len(sentence_ids)],
    )


def test_dense_search_finds_what_exact_search_over_the_local_vectors_finds(
    conn: psycopg.Connection, article_index: IndexData, encoder: Encoder
) -> None:
    generation = current_generation(conn).id
    vectors = encoder.encode(QUESTIONS)
    for question, vector in zip(QUESTIONS, vectors, strict=True):
        scores = article_index.passage_vectors @ vector
        want = np.argsort(-scores, kind="stable")[:5]
        hits = dense_top_k(conn, generation, vector, 5)
        assert _row_of(conn, [h.passage_id for h in hits]) == want.tolist(), question
        np.testing.assert_allclose([h.score for h in hits], scores[want], rtol=0, atol=1e-5)
        assert exact_top_k(conn, generation, vector, 5) == hits


def test_dense_search_within_documents_stays_within_them(
    conn: psycopg.Connection, article_index: IndexData, encoder: Encoder
) -> None:
    generation = current_generation(conn).id
    (vector,) = encoder.encode(["What did Russia warn about foreign troops?"])
    (doc_id,) = article_index.doc_order
    inside = dense_top_k(conn, generation, vector, 3, doc_ids=[doc_id])
    assert inside == dense_top_k(conn, generation, vector, 3)
    assert dense_top_k(conn, generation, vector, 3, doc_ids=["another-article"]) == []


def _local_bm25(article_index: IndexData, question: str) -> np.ndarray:
    (ids,) = article_index.keyword.term_ids([question])
    return article_index.keyword.scores_for_ids(ids)


def test_keyword_scores_are_the_local_bm25(
    conn: psycopg.Connection, article_index: IndexData
) -> None:
    current: Generation = current_generation(conn)
    tokenizer = article_index.keyword.tokenizer
    for question in QUESTIONS:
        want = _local_bm25(article_index, question)
        hits = keyword_top_k(conn, current, tokenizer.terms(question), 10)
        rows = _row_of(conn, [h.passage_id for h in hits])
        assert len(hits) == min(10, int((want > 0).sum())) > 0, question
        np.testing.assert_allclose([h.score for h in hits], want[rows], rtol=1e-4)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert want[rows].min() >= np.sort(want)[::-1][len(hits) - 1] - 1e-4
        some = [h.passage_id for h in hits[1:4]]
        assert keyword_scores(conn, current, tokenizer.terms(question), some) == {
            h.passage_id: h.score for h in hits[1:4]
        }


def test_a_repeated_query_word_counts_twice_as_locally(
    conn: psycopg.Connection, article_index: IndexData
) -> None:
    current = current_generation(conn)
    terms = article_index.keyword.tokenizer.terms("Ukraine Ukraine force")
    want = _local_bm25(article_index, "Ukraine Ukraine force")
    hits = keyword_top_k(conn, current, terms, 3)
    np.testing.assert_allclose([h.score for h in hits], np.sort(want)[::-1][: len(hits)], rtol=1e-4)


def test_keyword_search_within_documents_keeps_collection_statistics(
    conn: psycopg.Connection, article_index: IndexData
) -> None:
    current = current_generation(conn)
    terms = article_index.keyword.tokenizer.terms("What did Russia warn about foreign troops?")
    (doc_id,) = article_index.doc_order
    assert keyword_top_k(conn, current, terms, 5, doc_ids=[doc_id]) == keyword_top_k(
        conn, current, terms, 5
    )
    assert keyword_top_k(conn, current, terms, 5, doc_ids=["another-article"]) == []
    assert keyword_top_k(conn, current, ["zzzunknownterm"], 5) == []


def test_the_token_vectors_move_over_and_match_as_locally(
    conn: psycopg.Connection, article_index: IndexData, database_url: str
) -> None:
    """The sentences' token vectors are kept in the database as in the index folder: late
    interaction (on by default where they are kept) reads the same best matches from either.
    A database written before they were kept gains the columns and answers without them."""
    rows = np.arange(len(article_index.sentence_table))
    question = article_index.sentence_token_vectors(rows[3:4])[0][:6]
    want, want_kept = article_index.sentence_token_matches(rows, question)
    store = open_store(database_url)
    try:
        assert store.keeps_token_vectors
        best, kept = store.sentence_token_matches(rows[::-1], question)
        assert want_kept.all() and kept.all()
        np.testing.assert_allclose(best, want[::-1], rtol=0, atol=1e-6)
    finally:
        store.close()

    # A damaged value (codes of another length than the scales say, scales no unit vector
    # has) leaves its sentence out, to be encoded; the others are read as they were.
    first, second, third = conn.execute("SELECT id FROM sentences ORDER BY id LIMIT 3").fetchall()
    conn.execute("UPDATE sentences SET token_codes = '\\x00' WHERE id = %s", first)
    (length,) = conn.execute(
        "SELECT length(token_scales) FROM sentences WHERE id = %s", second
    ).fetchone()
    nan = np.full(length // 4, np.nan, dtype="<f4").tobytes()
    conn.execute("UPDATE sentences SET token_scales = %s WHERE id = %s", (nan, second[0]))
    conn.execute("UPDATE sentences SET token_scales = NULL WHERE id = %s", third)
    conn.commit()
    store = open_store(database_url)
    try:
        best, kept = store.sentence_token_matches(rows, question)
        assert kept.tolist() == [False] * 3 + [True] * (len(rows) - 3)
        np.testing.assert_allclose(best[3:], want[3:], rtol=0, atol=1e-6)
        assert not best[:3].any()
    finally:
        store.close()

    conn.execute("ALTER TABLE sentences DROP COLUMN token_codes, DROP COLUMN token_scales")
    conn.commit()
    store = open_store(database_url)  # the schema is brought up to date on opening
    try:
        assert not store.keeps_token_vectors
        best, kept = store.sentence_token_matches(rows, question)
        assert not kept.any() and not best.any()
    finally:
        store.close()
