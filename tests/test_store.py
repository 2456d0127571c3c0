"""The local index folder through the storage interface that ranking uses."""

from __future__ import annotations

import numpy as np
import pytest

from articlebot.index.arrays import top_positions
from articlebot.storage.local_index import IndexData


@pytest.fixture(scope="module")
def query(article_index: IndexData, encoder) -> np.ndarray:
    return encoder.encode(["Who was Vinatier swapped for?"])[0]


def test_dense_top_k_within_documents_only_finds_their_passages(
    article_index: IndexData, query: np.ndarray
) -> None:
    store = article_index
    documents = store.document_numbers(list(store.documents))
    everywhere = store.dense_top_k(query, 5)
    within = store.dense_top_k(query, 5, documents)
    assert sorted(within.tolist()) == sorted(everywhere.tolist())
    assert len(store.dense_top_k(query, 5, documents[:0])) == 0
    all_rows = store.passage_rows(documents)
    similarity = store.passage_similarities(query, all_rows)
    best = all_rows[top_positions(similarity, 5)]
    assert sorted(everywhere.tolist()) == sorted(best.tolist())


def test_passages_and_sentences_are_numbered_document_by_document(
    article_index: IndexData,
) -> None:
    store = article_index
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
    assert (int(doc_first[0]), int(doc_count[0])) == (0, len(store.sentence_table))


def test_keyword_scores_agree_with_the_top_k_and_terms_count_their_sentences(
    article_index: IndexData,
) -> None:
    store = article_index
    terms = store.query_terms("Vinatier prisoner swap zzqx")
    assert terms.unknown == 1 and len(terms.ids) == 3 and list(terms.ids) == sorted(terms.ids)
    rows = np.arange(store.passage_count)
    scores = store.keyword_scores(terms.ids, rows)
    top = store.keyword_top_k(terms.ids, 3)
    assert len(top) == 3 and all(scores[top] > 0)
    assert scores[top].min() >= np.sort(scores)[-3]
    sentences = np.arange(len(store.sentence_table))
    presence = store.term_presence(terms.ids, sentences)
    counts = store.document_term_counts(terms.ids, np.array([0]))
    np.testing.assert_array_equal(counts[0], presence.sum(axis=0))
    assert len(store.keyword_top_k((), 3)) == 0
