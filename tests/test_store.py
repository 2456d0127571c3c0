"""The storage interface that ranking uses, with the same assertions against the local index
folder and PostgreSQL (the bundled article published into a real server)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import numpy as np
import psycopg
import pytest

from articlebot.index.arrays import top_positions
from articlebot.storage.index_store import IndexStore
from articlebot.storage.local_index import IndexData
from articlebot.storage.postgres.connection import connect
from articlebot.storage.postgres.publish import publish
from articlebot.storage.postgres.schema import create_schema
from articlebot.storage.postgres.store import PostgresIndexStore

pytest_plugins = ["postgres"]


@pytest.fixture(scope="module")
def postgres_store(postgres_server, article_index: IndexData) -> Iterator[PostgresIndexStore]:
    name = f"store_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = postgres_server.url_for(name)
    with connect(url) as conn:
        create_schema(conn)
        publish(conn, article_index)
    store = PostgresIndexStore.open(url)
    yield store
    store.close()
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=["local", "postgres"], scope="module")
def store(request: pytest.FixtureRequest, article_index: IndexData) -> IndexStore:
    if request.param == "local":
        return article_index
    return request.getfixturevalue("postgres_store")


@pytest.fixture(scope="module")
def query(encoder) -> np.ndarray:
    return encoder.encode(["Who was Vinatier swapped for?"])[0]


def _sentence_total(store: IndexStore) -> int:
    _, counts = store.document_sentences(np.arange(len(store.documents)))
    return int(counts.sum())


def test_dense_top_k_within_documents_only_finds_their_passages(
    store: IndexStore, query: np.ndarray
) -> None:
    documents = store.document_numbers(list(store.documents))
    everywhere = store.dense_top_k(query, 5)
    within = store.dense_top_k(query, 5, documents)
    assert sorted(within.tolist()) == sorted(everywhere.tolist())
    assert len(store.dense_top_k(query, 5, documents[:0])) == 0
    all_rows = store.passage_rows(documents)
    similarity = store.passage_similarities(query, all_rows)
    best = all_rows[top_positions(similarity, 5)]
    assert sorted(everywhere.tolist()) == sorted(best.tolist())
    # float32 inner products summed in another order (BLAS kernels differ between CPUs).
    np.testing.assert_allclose(
        store.passage_vectors_at(best[:2]) @ query,
        similarity[top_positions(similarity, 5)][:2],
        rtol=1e-5,
    )


def test_passages_and_sentences_are_numbered_document_by_document(store: IndexStore) -> None:
    doc_id = next(iter(store.documents))
    (number,) = store.document_numbers([doc_id, "no-such-article"]).tolist()
    rows = store.passage_rows(np.array([number]))
    assert len(rows) == store.passage_count
    assert store.passage_documents(rows).tolist() == [number] * len(rows)
    first, counts = store.passage_sentences(rows)
    text = store.documents[doc_id].text
    for row, start, count in zip(rows.tolist(), first.tolist(), counts.tolist(), strict=True):
        passage = store.passage(row)
        spans = store.sentence_spans(np.arange(start, start + count)).tolist()
        assert spans == [[s.start, s.end] for s in passage.sentences]
        assert all(passage.start <= s <= e <= passage.end <= len(text) for s, e in spans)
    doc_first, doc_count = store.document_sentences(np.array([number]))
    assert (int(doc_first[0]), int(doc_count[0])) == (0, _sentence_total(store))
    sentences = np.array([3, 0, 3])
    vectors = store.sentence_vectors_at(sentences)
    assert vectors.shape == (3, store.manifest.dimension) and vectors.dtype == np.float32
    np.testing.assert_array_equal(vectors[0], vectors[2])


def test_keyword_scores_agree_with_the_top_k_and_terms_count_their_sentences(
    store: IndexStore,
) -> None:
    terms = store.query_terms("Vinatier prisoner swap zzqx")
    assert terms.unknown == 1 and len(terms.ids) == 3 and list(terms.ids) == sorted(terms.ids)
    assert terms.idf.dtype == np.float32 and all(terms.idf > 0)
    rows = np.arange(store.passage_count)
    scores = store.keyword_scores(terms.ids, rows)
    top = store.keyword_top_k(terms.ids, 3)
    assert len(top) == 3 and all(scores[top] > 0)
    assert scores[top].min() >= np.sort(scores)[-3]
    sentences = np.arange(_sentence_total(store))
    presence = store.term_presence(terms.ids, sentences)
    counts = store.document_term_counts(terms.ids, np.array([0]))
    np.testing.assert_array_equal(counts[0], presence.sum(axis=0))
    assert presence.sum() > 0
    assert len(store.keyword_top_k((), 3)) == 0


def test_a_question_word_the_article_has_in_another_form_is_known(store: IndexStore) -> None:
    """Asked "what did he write" of an article that says "he wrote on X": Snowball stems do not
    join "write" and "wrote", the word's forms do, on both backends."""
    asked, written = store.query_terms("Zelensky write"), store.query_terms("Zelensky wrote")
    assert asked.unknown == 0 and len(asked.ids) == 2 and list(asked.ids) == list(written.ids)
    assert store.query_terms("Zelensky scribble").unknown == 1


def test_both_backends_answer_alike(article_index: IndexData, postgres_store, query) -> None:
    """The same rows, scores and terms from the local folder and PostgreSQL."""
    local, remote = article_index, postgres_store
    assert list(local.documents) == list(remote.documents)
    assert local.passage_count == remote.passage_count
    assert sorted(local.dense_top_k(query, 5).tolist()) == sorted(
        remote.dense_top_k(query, 5).tolist()
    )
    rows = np.arange(local.passage_count)
    np.testing.assert_allclose(
        local.passage_similarities(query, rows), remote.passage_similarities(query, rows), atol=1e-6
    )
    for question in ("Vinatier prisoner swap", "who was released from prison in Russia"):
        a, b = local.query_terms(question), remote.query_terms(question)
        np.testing.assert_allclose(np.sort(a.idf), np.sort(b.idf), rtol=1e-6)
        np.testing.assert_allclose(
            local.keyword_scores(a.ids, rows), remote.keyword_scores(b.ids, rows), rtol=1e-5
        )
        assert sorted(local.keyword_top_k(a.ids, 4).tolist()) == sorted(
            remote.keyword_top_k(b.ids, 4).tolist()
        )
    assert remote.manifest.documents == local.manifest.documents
    assert remote.manifest.recipe == local.manifest.recipe


def test_a_store_notices_a_newer_generation(
    postgres_server, article_index: IndexData, database_url: str
) -> None:
    with connect(database_url) as conn:
        create_schema(conn)
        publish(conn, article_index)
        store = PostgresIndexStore.open(database_url)
        assert not store.newer_generation()
        doc_id = article_index.doc_order[0]
        publish(conn, article_index, add=(), remove=[doc_id])
        assert store.newer_generation()
        assert doc_id in store.documents and store.passage_count == article_index.passage_count
        newer = PostgresIndexStore.open(database_url)
        assert len(newer.documents) == 0
        newer.close()
        store.close()
