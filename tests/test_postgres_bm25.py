"""BM25 in PostgreSQL at the collection level: document frequencies kept per generation, and a
top-k that skips common terms' postings only when they cannot change the answer."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator

import numpy as np
import psycopg
import pytest

from articlebot.storage.postgres.connection import connect
from articlebot.storage.postgres.generations import current_generation, write_generation
from articlebot.storage.postgres.rows import NewDocument, NewPassage
from articlebot.storage.postgres.schema import DIMENSION, create_schema
from articlebot.storage.postgres.search import (
    BM25_B,
    BM25_K1,
    document_frequencies,
    keyword_scores,
    keyword_top_k,
)

pytest_plugins = ["postgres"]

VECTOR = np.full(DIMENSION, DIMENSION**-0.5, dtype=np.float32)


def _document(doc_id: str, words: list[str]) -> NewDocument:
    text = " ".join(words)
    passage = NewPassage(0, 0, len(text), 0, 0, tuple(words), VECTOR)
    return NewDocument(doc_id, "", text, "test", (passage,), ())


def _collection() -> dict[str, list[str]]:
    """400 one-passage documents: 'common' in every one, 'rareN' in ten each, lengths varied."""
    return {
        f"d{i:03d}": ["common"] * (1 + i % 3)
        + [f"rare{i % 40}"] * (1 + i % 2)
        + ["filler"] * (i % 7)
        for i in range(400)
    }


def _bm25(collection: dict[str, list[str]], query: list[str]) -> dict[str, float]:
    """bm25s's Lucene BM25, written out: the scores every passage with a query term gets."""
    n = len(collection)
    avgdl = sum(len(words) for words in collection.values()) / n
    df = Counter(term for words in collection.values() for term in set(words))
    scores = {}
    for doc_id, words in collection.items():
        tf = Counter(words)
        norm = BM25_K1 * (1 - BM25_B + BM25_B * len(words) / avgdl)
        found = [t for t in set(query) if tf[t]]
        if found:
            scores[doc_id] = sum(
                query.count(t)
                * math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                * tf[t]
                / (tf[t] + norm)
                for t in found
            )
    return scores


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    with connect(database_url) as conn:
        create_schema(conn)
        with write_generation(conn) as writer:
            writer.add([_document(d, words) for d, words in _collection().items()])
        yield conn


def _doc_ids(conn: psycopg.Connection, hits) -> list[str]:
    found = dict(
        conn.execute(
            "SELECT id, doc_id FROM passages WHERE id = ANY(%s)", ([h.passage_id for h in hits],)
        ).fetchall()
    )
    return [found[h.passage_id] for h in hits]


@pytest.mark.parametrize(
    "query", [["common", "rare3"], ["rare3", "rare3", "common", "filler"], ["common"]]
)
def test_top_k_is_the_exact_bm25_ranking_for_any_k(conn: psycopg.Connection, query) -> None:
    want = _bm25(_collection(), query)
    ranked = sorted(want, key=lambda d: (-want[d], d))
    generation = current_generation(conn)
    # k=5 is decided by the ten passages with rare3 alone; k=50 needs the common-only ones.
    for k in (5, 50):
        hits = keyword_top_k(conn, generation, query, k)
        got = _doc_ids(conn, hits)
        # The k best scores (passages tied on a score may come in either order), each right.
        np.testing.assert_allclose([want[d] for d in got], [want[d] for d in ranked[:k]], 1e-9)
        np.testing.assert_allclose([h.score for h in hits], [want[d] for d in got], rtol=1e-9)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        scores = keyword_scores(conn, generation, query, [h.passage_id for h in hits])
        assert scores == {h.passage_id: h.score for h in hits}


def test_document_frequencies_follow_each_generation(conn: psycopg.Connection) -> None:
    first = current_generation(conn).id
    with write_generation(conn) as writer:
        writer.remove([f"d{i:03d}" for i in range(0, 400, 40)])  # the ten with rare0
        writer.add([_document("new", ["rare0", "fresh"])])
    second = current_generation(conn).id
    terms = ["common", "rare0", "rare1", "fresh", "absent"]
    assert document_frequencies(conn, first, terms) == {"common": 400, "rare0": 10, "rare1": 10}
    assert document_frequencies(conn, second, terms) == {
        "common": 390,
        "rare0": 1,
        "rare1": 10,
        "fresh": 1,
    }
    hits = keyword_top_k(conn, current_generation(conn), ["rare0"], 5)
    assert _doc_ids(conn, hits) == ["new"]


def test_a_database_from_before_term_df_gets_its_frequencies_at_start(
    conn: psycopg.Connection,
) -> None:
    conn.execute("DELETE FROM term_df")
    create_schema(conn)
    generation = current_generation(conn)
    assert document_frequencies(conn, generation.id, ["common", "rare7"]) == {
        "common": 400,
        "rare7": 10,
    }
    with write_generation(conn) as writer:
        writer.add([_document("more", ["rare7"])])
    assert document_frequencies(conn, current_generation(conn).id, ["rare7"]) == {"rare7": 11}


def test_arrays_written_by_copy_read_back_as_written(conn: psycopg.Connection) -> None:
    """The fast binary COPY dumpers: empty, one-element, repeated and non-ASCII term arrays."""
    cases = {"empty": [], "one": ["x"], "repeats": ["b", "a", "b", "b"], "utf8": ["café", "naïve"]}
    with write_generation(conn) as writer:
        writer.add([_document(d, words) for d, words in cases.items()])
    rows = conn.execute(
        "SELECT doc_id, terms, term_counts, length, embedding::text FROM passages"
        " WHERE doc_id = ANY(%s)",
        (list(cases),),
    ).fetchall()
    got = {doc_id: (terms, counts, length) for doc_id, terms, counts, length, _ in rows}
    assert got == {
        d: (list(Counter(w)), list(Counter(w).values()), len(w)) for d, w in cases.items()
    }
    stored = np.array([float(x) for x in rows[0][4].strip("[]").split(",")], dtype=np.float32)
    np.testing.assert_array_equal(stored, VECTOR)
